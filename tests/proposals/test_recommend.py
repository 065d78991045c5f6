"""Bringing solvers to demands: candidate units with reasons, 为您推荐, opt-in notifications."""

import pytest

from jiebang.core import clock
from jiebang.core.models import Notification
from jiebang.orgs.enums import OrgKind, RelationKind, Role
from jiebang.orgs.models import CityProject, OrgRelation
from jiebang.proposals.recommend import candidate_units, notify_candidates, recommended_demands
from tests.factories import OrganizationFactory, UserFactory
from tests.proposals.builders import published_demand

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def unit(name, expertise, **fields):
    return OrganizationFactory(
        name=name, kind=fields.pop("kind", OrgKind.UNIVERSITY), expertise=expertise, **fields
    )


def test_candidates_rank_by_what_units_have_done_and_skip_related_units(client):
    demand = published_demand(title="风电机组叶片覆冰监测技术攻关")
    icing = unit("风电叶片研究院", "风电 叶片 覆冰 监测 除冰")
    CityProject.objects.create(
        code="HIS-1",
        title="风电叶片覆冰在线监测系统",
        organization=icing,
        year=2022,
        status="accepted",
        planned_end=clock.today(),
    )
    unit("生物医药学院", "中药 制剂 质量标准")
    related = unit("关联风电研究所", "风电 叶片 覆冰 监测")
    OrgRelation.objects.create(
        subject=related,
        object=demand.organization,
        kind=RelationKind.SUBORDINATE,
        created_at=clock.now(),
    )
    candidates = candidate_units(demand)
    names = [c.organization.name for c in candidates]
    assert names[0] == "风电叶片研究院"
    assert "关联风电研究所" not in names and demand.organization.name not in names
    assert {"覆冰", "叶片"} & set(candidates[0].reasons)
    client.force_login(UserFactory(roles=[Role.BUREAU_OFFICER]))
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "推荐揭榜单位" in page and "风电叶片研究院" in page


def test_recommended_demands_for_a_unit_and_opt_in_notifications(client):
    demand = published_demand(title="风电机组叶片覆冰监测技术攻关")
    keen = unit("愿意接收推荐的研究院", "风电 叶片 覆冰", wants_recommendations=True)
    quiet = unit("不接收推荐的研究院", "风电 叶片 覆冰", wants_recommendations=False)
    keen_admin = UserFactory(organization=keen, roles=[Role.ORG_ADMIN])
    quiet_admin = UserFactory(organization=quiet, roles=[Role.ORG_ADMIN])
    ranked = recommended_demands(keen)
    assert ranked and ranked[0][0] == demand
    assert notify_candidates(demand=demand, by=UserFactory(roles=[Role.BUREAU_OFFICER])) == 1
    assert Notification.objects.filter(recipient=keen_admin, title__contains=demand.title).exists()
    assert not Notification.objects.filter(
        recipient=quiet_admin, title__contains=demand.title
    ).exists()
    client.force_login(keen_admin)
    assert "为您推荐" in client.get("/work/").content.decode()
