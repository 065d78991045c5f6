"""Browser: a submitted demand is recommended by its district, accepted, reviewed and published
by the bureau, appears in the list hall, and the search finds it by a word and by a phrase."""

import datetime as dt

import pytest

from jiebang.core import clock
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import Role
from tests.demands.builders import open_call, valid_tb_demand
from tests.e2e.conftest import login, logout
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_recommend_accept_publish_and_find_in_the_hall(page):
    call = open_call(expert_review_of_demands=True)
    demand, user = valid_tb_demand(call=call, title="风电机组叶片覆冰监测与防除冰技术攻关")
    services.update_demand(
        demand=demand, by=user, fields={"summary": "高海拔风电场冬季叶片覆冰导致发电损失。"}
    )
    services.submit_demand(demand_id=demand.pk, by=user)
    UserFactory(
        username="tianshan", district=demand.organization.district, roles=[Role.DISTRICT_OFFICER]
    )
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])

    # District: batch-recommend from the queue.
    login(page, "tianshan")
    page.get_by_role("link", name="审核推荐").click()
    page.get_by_label(f"选择 {demand.title}").check()
    page.locator("#batch-action").select_option(label="推荐")
    page.get_by_role("button", name="执行").click()
    page.get_by_text("已推荐 1 项需求").wait_for()
    logout(page)

    # Bureau: formal review, expert-review conclusion, publishing.
    login(page, "bureau")
    page.get_by_role("link", name="形式审查与发榜").click()
    page.get_by_role("link", name=demand.title).click()
    page.get_by_role("button", name="形式审查通过").click()
    page.get_by_text("已形式审查通过").wait_for()
    page.get_by_role("button", name="论证通过").click()
    page.get_by_text("已论证通过").wait_for()
    page.get_by_role("link", name="形式审查与发榜").click()
    page.get_by_role("link", name="榜单发布").click()
    page.get_by_label("榜单批次名称").fill("2026年第一批揭榜挂帅榜单")
    deadline = clock.beijing(clock.now() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S")
    page.get_by_label("揭榜截止时间（北京时间）").fill(deadline)
    page.get_by_label(f"选择 {demand.title}").check()
    page.get_by_role("button", name="发布选中的需求").click()
    page.get_by_text("已发布 1 项需求").wait_for()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.PUBLISHED
    logout(page)

    # Public: the hall shows it; the search finds it by a two-character word and by a phrase.
    page.goto("/")
    assert page.locator(f"[data-demand='{demand.pk}']").is_visible()
    page.get_by_label("搜索榜单").fill("覆冰")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("result-count").inner_text().endswith("共 1 项")
    assert page.locator(f"[data-demand='{demand.pk}'] mark").first.inner_text() == "覆冰"
    page.get_by_label("搜索榜单").fill("“冬季叶片覆冰”")
    page.get_by_role("button", name="搜索").click()
    assert page.locator(f"[data-demand='{demand.pk}']").is_visible()
    page.get_by_label("搜索榜单").fill("“叶片冬季覆冰”")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("result-count").inner_text().endswith("共 0 项")
    page.goto(f"/hall/{demand.pk}/")
    assert page.get_by_role("heading", name=demand.title).is_visible()
    assert page.get_by_role("link", name="我要揭榜").is_visible()
    page.goto("/notices/")
    assert page.get_by_role("link", name="关于发布2026年第一批揭榜挂帅榜单的通知").is_visible()
