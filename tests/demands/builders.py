"""Build complete, eligible demands in the database through the services, as a unit would."""

import datetime as dt
from decimal import Decimal

from jiebang.calls.models import Industry
from jiebang.core import clock
from jiebang.demands import services
from jiebang.demands.enums import AttachmentKind, Category
from jiebang.orgs.enums import OrgKind, Role, TechCertification
from tests.factories import CallFactory, OrganizationFactory, UserFactory, make_id_number
from tests.helpers import pdf_upload

TB_FILES = [
    AttachmentKind.APPLICATION_FORM,
    AttachmentKind.COMMIT_UNIT,
    AttachmentKind.COMMIT_LEADER,
    AttachmentKind.EVIDENCE_EQUIPMENT,
    AttachmentKind.EVIDENCE_SITE,
    AttachmentKind.EVIDENCE_APPLICATION,
    AttachmentKind.EVIDENCE_TEAM,
]
AT_FILES = [
    AttachmentKind.APPLICATION_FORM,
    AttachmentKind.COMMIT_UNIT,
    AttachmentKind.COMMIT_LEADER,
    AttachmentKind.TEST_REPORT,
    AttachmentKind.IP_EVIDENCE,
    AttachmentKind.CASE_EVIDENCE,
]


def open_call(**overrides):
    """A call whose submission window is open now (in Beijing time)."""
    now = clock.now()
    defaults = {
        "year": clock.today().year,
        "name": "测试批次",
        "submission_opens_at": now - dt.timedelta(days=10),
        "submission_closes_at": now + dt.timedelta(days=10),
        "resubmission_deadline": now + dt.timedelta(days=12),
        "recommendation_deadline": now + dt.timedelta(days=13),
    }
    defaults.update(overrides)
    call = CallFactory(**defaults)
    industry, _ = Industry.objects.get_or_create(code="new_energy", defaults={"name": "新能源"})
    call.industries.add(industry)
    return call


def issuer_with_applicant(kind=OrgKind.ENTERPRISE, **org_fields):
    org = OrganizationFactory(kind=kind, **org_fields)
    user = UserFactory(organization=org, roles=[Role.APPLICANT])
    return org, user


def team(start: int, size: int = 3) -> list[dict]:
    return [
        {
            "name": f"成员{start + i}",
            "id_number": make_id_number(start + i, birth="19850315"),
            "title": "高级工程师",
            "work_unit": "本单位",
            "responsibility": "技术攻关",
        }
        for i in range(size)
    ]


def fill_common(demand, user, *, team_start=100):
    services.update_demand(
        demand=demand,
        by=user,
        fields={
            "industry": demand.call.industries.first(),
            "summary": "面向风电场的智能运维需求。",
            "problem": "风机叶片缺陷早期识别准确率不足。",
            "time_requirement": "24个月内完成样机并示范应用",
            "ip_terms": "背景知识产权归各自所有，项目新产生知识产权归发榜方所有",
            "solver_conditions": "具有相关领域研发经验和团队",
            "total_investment": Decimal("5000000.00"),
            "period_months": 36,
            "contact_name": "张联络员",
        },
        contact_phone="13987654321",
    )
    services.replace_rows(
        demand=demand,
        by=user,
        kind="indicators",
        rows=[
            {
                "name": "缺陷识别准确率",
                "target_value": "≥95",
                "unit": "%",
                "test_method": "第三方检测",
            }
        ],
    )
    services.set_team(demand=demand, by=user, members=team(team_start))


def attach(demand, user, kinds, years=()):
    for kind in kinds:
        services.attach_file(
            demand=demand, by=user, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf")
        )
    for year in years:
        services.attach_file(
            demand=demand,
            by=user,
            kind=AttachmentKind.AUDIT_REPORT,
            year=year,
            uploaded_file=pdf_upload(f"审计{year}.pdf"),
        )


def valid_tb_demand(
    call=None, org=None, user=None, *, title="风电叶片缺陷智能识别技术攻关", team_start=100
):
    call = call or open_call()
    if org is None:
        org, user = issuer_with_applicant()
    demand = services.create_demand(
        call=call, org=org, by=user, category=Category.TECH_BREAKTHROUGH, title=title
    )
    fill_common(demand, user, team_start=team_start)
    services.update_demand(
        demand=demand,
        by=user,
        fields={
            "declares_end_user": True,
            "commits_funding": True,
            "support_conditions": "试验场地与设备齐全",
        },
    )
    years = call.effective_audit_years
    services.set_financials(
        demand=demand,
        by=user,
        rows=[
            {"year": y, "revenue": Decimal("80000000"), "rnd_spend": Decimal("6000000")}
            for y in years
        ],
    )
    attach(demand, user, TB_FILES, years)
    return demand, user


def valid_at_demand(
    call=None, org=None, user=None, *, title="高效钙钛矿电池成果转化", team_start=200
):
    call = call or open_call()
    if org is None:
        org, user = issuer_with_applicant(kind=OrgKind.UNIVERSITY)
    demand = services.create_demand(
        call=call, org=org, by=user, category=Category.ACHIEVEMENT_TRANSFER, title=title
    )
    fill_common(demand, user, team_start=team_start)
    services.update_demand(
        demand=demand,
        by=user,
        fields={"success_cases": "已在两家企业中试应用", "transfer_team": "成果转化团队8人"},
    )
    services.replace_rows(
        demand=demand,
        by=user,
        kind="research_tasks",
        rows=[
            {"name": "国家重点研发计划课题", "level": "national", "year": 2021, "role": "承担单位"}
        ],
    )
    services.replace_rows(
        demand=demand,
        by=user,
        kind="ip_items",
        rows=[
            {
                "kind": "invention_patent",
                "number": "ZL202110000001.1",
                "owner": org.name,
                "legal_status": "有效",
            }
        ],
    )
    attach(demand, user, AT_FILES)
    return demand, user


def tech_enterprise(**fields):
    return OrganizationFactory(
        kind=OrgKind.ENTERPRISE,
        tech_certification=TechCertification.HIGH_TECH,
        tech_certificate_number="GR202365000001",
        **fields,
    )
