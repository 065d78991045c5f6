"""Review-round worlds: accepted demands and an expert pool, built through the services."""

import datetime as dt

from jiebang.calls.models import Industry
from jiebang.core import clock
from jiebang.demands import services as demand_services
from jiebang.orgs.enums import OrgKind, Role
from jiebang.review import services
from jiebang.review.models import ExpertProfile
from tests.demands.builders import issuer_with_applicant, open_call, valid_tb_demand
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

EXPERT_KEYWORDS = [
    "风电 叶片 覆冰 监测",
    "储能 电池 热管理",
    "光伏 组件 清洗",
    "风电 运维 智能识别",
    "新材料 复合材料 叶片",
    "氢能 电解水 制氢",
    "数字经济 工业互联网",
]


def accepted_demands(call, n=3, bureau=None):
    bureau = bureau or UserFactory(roles=[Role.BUREAU_OFFICER])
    demands = []
    for index in range(n):
        org, user = issuer_with_applicant()
        demand, user = valid_tb_demand(
            call=call,
            org=org,
            user=user,
            title=f"风电机组叶片覆冰监测技术攻关{index}",
            team_start=500 + index * 10,
        )
        demand_services.submit_demand(demand_id=demand.pk, by=user)
        officer = UserFactory(district=org.district, roles=[Role.DISTRICT_OFFICER])
        demand_services.recommend_demand(demand_id=demand.pk, by=officer)
        demand_services.accept_demand(demand_id=demand.pk, by=bureau)
        demand.refresh_from_db()
        demands.append(demand)
    return demands


def expert(keywords, *, organization=None, industries=(), username=None, max_load=10):
    organization = organization or OrganizationFactory(kind=OrgKind.UNIVERSITY)
    person = PersonFactory(organization=organization)
    user = (
        UserFactory(username=username, roles=[Role.EXPERT])
        if username
        else UserFactory(roles=[Role.EXPERT])
    )
    profile = ExpertProfile.objects.create(
        person=person,
        user=user,
        organization=organization,
        keywords=keywords,
        title="教授",
        max_load=max_load,
        created_at=clock.now(),
    )
    profile.industries.set(industries)
    return profile


def world(n_demands=3, n_experts=7, k=3, blind=True):
    call = open_call(expert_review_of_demands=True)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    demands = accepted_demands(call, n_demands, bureau)
    energy = Industry.objects.get(code="new_energy")
    experts = [
        expert(EXPERT_KEYWORDS[i % len(EXPERT_KEYWORDS)], industries=[energy] if i % 2 == 0 else [])
        for i in range(n_experts)
    ]
    review_round = services.create_round(
        call=call,
        kind="demand_review",
        title="需求论证",
        targets=demands,
        experts_per_item=k,
        max_load=10,
        blind=blind,
        criteria=call.demand_review_criteria,
        deadline=clock.now() + dt.timedelta(days=7),
        by=bureau,
    )
    return {
        "call": call,
        "bureau": bureau,
        "demands": demands,
        "experts": experts,
        "round": review_round,
    }


def issuer_unit_expert(demand, keywords="风电 叶片 覆冰"):
    """An expert working at the demand's issuer: SAME-UNIT."""
    return expert(keywords, organization=demand.organization)


__all__ = ["accepted_demands", "expert", "issuer_with_applicant", "world", "issuer_unit_expert"]
