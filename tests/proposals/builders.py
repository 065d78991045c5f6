"""Published demands and complete proposals, built through the services."""

import datetime as dt
from decimal import Decimal

from jiebang.core import clock
from jiebang.demands import services as demand_services
from jiebang.orgs.enums import OrgKind, Role, TechCertification
from jiebang.proposals import services
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import OrganizationFactory, UserFactory, make_id_number
from tests.helpers import pdf_upload


def published_demand(call=None, *, title="风电机组叶片覆冰监测技术攻关", team_start=700):
    call = call or open_call(expert_review_of_demands=False)
    demand, user = valid_tb_demand(call=call, title=title, team_start=team_start)
    demand_services.submit_demand(demand_id=demand.pk, by=user)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    demand_services.recommend_demand(demand_id=demand.pk, by=officer)
    demand_services.accept_demand(demand_id=demand.pk, by=bureau)
    demand_services.publish_demands(
        call=call,
        demand_ids=[demand.pk],
        title="第一批榜单",
        solicitation_deadline=clock.now() + dt.timedelta(days=20),
        by=bureau,
    )
    demand.refresh_from_db()
    return demand


def solver(kind=OrgKind.UNIVERSITY, **fields):
    org = OrganizationFactory(kind=kind, **fields)
    return org, UserFactory(organization=org, roles=[Role.APPLICANT, Role.ORG_ADMIN])


def tech_enterprise(**fields):
    return OrganizationFactory(
        kind=OrgKind.ENTERPRISE,
        tech_certification=TechCertification.HIGH_TECH,
        tech_certificate_number="GR2024650001",
        tech_certificate_valid_until=clock.today() + dt.timedelta(days=365),
        **fields,
    )


def complete_proposal(demand, *, lead=None, user=None, partner=None, team_start=900):
    if lead is None:
        lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    services.update_proposal(
        proposal=proposal,
        by=user,
        fields={
            "technical_plan": "基于多光谱成像与深度学习的叶片覆冰识别方案。",
            "budget_total": Decimal("5000000"),
            "schedule": "24个月",
        },
    )
    partner = partner or tech_enterprise()
    services.set_members(
        proposal=proposal,
        by=user,
        members=[{"uscc": partner.uscc, "work_share": "40", "tasks": "样机研制"}],
    )
    services.set_team(
        proposal=proposal,
        by=user,
        members=[
            {
                "name": f"揭榜人{team_start + i}",
                "id_number": make_id_number(team_start + i, birth="19820202"),
            }
            for i in range(3)
        ],
    )
    services.set_answers(
        proposal=proposal,
        by=user,
        answers={i.pk: "采用多光谱相机，识别准确率可达96%" for i in demand.indicators.all()},
    )
    services.set_ip_items(
        proposal=proposal,
        by=user,
        rows=[
            {
                "kind": "invention_patent",
                "number": "ZL202210000002.3",
                "owner": lead.name,
                "legal_status": "有效",
            }
        ],
    )
    for kind in ("plan", "consortium_agreement", "commit_unit", "commit_leader"):
        services.attach_file(
            proposal=proposal, by=user, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf")
        )
    return proposal, user, partner
