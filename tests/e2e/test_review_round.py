"""Browser: the bureau creates a review round, auto-assigns, opens it; an expert logs in,
declares no conflict and scores — and in blind mode never sees the issuer's name or code."""

import pytest

from jiebang.orgs.enums import Role
from jiebang.review.models import Assignment, Score
from tests.demands.builders import open_call
from tests.e2e.conftest import login, logout
from tests.factories import UserFactory
from tests.review.builders import EXPERT_KEYWORDS, accepted_demands, expert

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_round_from_creation_to_a_blind_score(page):
    call = open_call(expert_review_of_demands=True)
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    demands = accepted_demands(call, 2)
    for index, keywords in enumerate(EXPERT_KEYWORDS[:5]):
        expert(keywords, username=f"expert{index}")

    login(page, "bureau")
    page.get_by_role("link", name="专家评审", exact=True).click()
    page.get_by_role("link", name="新建评审").click()
    page.get_by_label("每项专家人数").fill("2")
    assert page.get_by_label("盲评（对专家隐藏申报单位、团队和编号）").is_checked()
    page.get_by_role("button", name="创建评审").click()
    page.get_by_text("下一步：分配专家").wait_for()
    page.get_by_role("button", name="自动分配专家").click()
    page.get_by_text("已排除全部回避情形").wait_for()
    page.get_by_role("button", name="开始评审").click()
    page.get_by_text("已通知全部评审专家").wait_for()
    assert page.get_by_test_id("round-state").inner_text() == "评审中"
    logout(page)

    assignment = Assignment.objects.select_related("expert__user", "item").order_by("id").first()
    demand = next(d for d in demands if d.pk == assignment.item.target_id)
    login(page, assignment.expert.user.username)
    page.get_by_role("link", name="我的评审任务").first.click()
    page.get_by_role("link", name="声明并评审").first.click()
    page.wait_for_url("**/review/my/*/")
    html = page.content()
    leader = demand.team.get(position=1).person
    for secret in (demand.organization.name, demand.number, leader.name, demand.organization.uscc):
        assert secret not in html, secret
    assert demand.title in html  # the content to judge is there
    page.get_by_role("button", name="我声明无利害关系").click()
    page.get_by_text("已签署无利害关系声明").wait_for()
    assert demand.organization.name not in page.content()
    for label, value in (
        ("产业带动", "22"),
        ("研究基础", "20"),
        ("技术指标", "23"),
        ("财务指标", "21"),
    ):
        page.get_by_label(label).fill(value)
    page.get_by_label("评审意见").fill("技术指标明确，产业带动作用明显。")
    page.get_by_label("评审建议").select_option(label="建议支持")
    page.get_by_role("button", name="提交评分").click()
    page.get_by_text("评分已提交：86.00 分").wait_for()
    assert Score.objects.get(assignment=assignment).total == 86
