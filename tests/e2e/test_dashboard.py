"""Browser: a bureau officer opens 统计分析; ECharts draws the charts with Chinese labels and the
funnel's figures, read back from the chart instance, are the counts in the database."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Disbursement, Project
from jiebang.proposals.enums import ProposalState
from tests.dashboard.builders import FAST_HASHERS, dashboard_world
from tests.e2e.conftest import keep_a_holiday_year, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLISHED = [DemandState.PUBLISHED, DemandState.MATCHED, DemandState.UNSOLVED]


def funnel_from_database(call) -> list[dict]:
    """The funnel's six stages counted straight from the tables."""
    demands = Demand.objects.filter(call=call)
    submitted = demands.exclude(state__in=[DemandState.DRAFT, DemandState.WITHDRAWN])
    recommended = demands.filter(
        state__in=[
            DemandState.RECOMMENDED,
            DemandState.ACCEPTED,
            DemandState.REJECTED,
            DemandState.APPROVED,
            DemandState.DECLINED,
            *PUBLISHED,
        ]
    )
    taken = [
        d
        for d in demands.filter(state__in=PUBLISHED)
        if d.proposals.exclude(state__in=[ProposalState.DRAFT, ProposalState.WITHDRAWN]).exists()
    ]
    projects = Project.objects.filter(call=call)
    return [
        {"name": "已提交", "value": submitted.count()},
        {"name": "已推荐", "value": recommended.count()},
        {"name": "已发布", "value": demands.filter(state__in=PUBLISHED).count()},
        {"name": "有揭榜申请", "value": len(taken)},
        {"name": "已立项", "value": projects.values("demand").distinct().count()},
        {
            "name": "已验收",
            "value": projects.filter(state=ProjectState.ACCEPTED)
            .values("demand")
            .distinct()
            .count(),
        },
    ]


def chart_option(page, testid):
    chart = page.locator(f"[data-testid='{testid}'][data-rendered='1']")
    chart.wait_for()
    return chart.evaluate("el => echarts.getInstanceByDom(el).getOption()")


def test_dashboard_charts_show_the_database_figures(page, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    keep_a_holiday_year(2026)
    world = dashboard_world()
    call = world["call"]
    expected_funnel = funnel_from_database(call)
    assert [s["value"] for s in expected_funnel] == [6, 5, 4, 3, 2, 1]  # the world is rich

    login(page, "bureau")
    page.get_by_role("link", name="统计分析").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="需求转化漏斗").is_visible()

    funnel = chart_option(page, "chart-funnel")
    assert [{"name": d["name"], "value": d["value"]} for d in funnel["series"][0]["data"]] == (
        expected_funnel
    )
    # The labels are drawn (SVG renderer): the legend names are on the page, in Chinese.
    drawn = page.locator("[data-testid='chart-funnel'] svg")
    for name in ("已提交", "已发布", "有揭榜申请", "已验收"):
        assert drawn.get_by_text(name, exact=True).first.is_visible()

    pie = chart_option(page, "chart-category")
    by_category = dict(
        Demand.objects.filter(call=call)
        .exclude(state__in=[DemandState.DRAFT, DemandState.WITHDRAWN])
        .values_list("category")
        .annotate(n=Count("id"))
    )
    assert {d["name"]: d["value"] for d in pie["series"][0]["data"]} == {
        str(label): by_category.get(value, 0) for value, label in Category.choices
    }

    money = chart_option(page, "chart-money")
    sums = Project.objects.filter(call=call).aggregate(
        fiscal=Sum("fiscal_total"), total=Sum("total_investment")
    )
    paid = Disbursement.objects.filter(project__call=call, state="paid").aggregate(
        paid=Sum("amount")
    )["paid"]
    wan = Decimal(10000)
    assert money["series"][0]["data"] == [
        float(sums["fiscal"] / wan),
        float(paid / wan),
        float((sums["total"] - sums["fiscal"]) / wan),
    ]
    assert page.get_by_test_id("leverage").inner_text() == "3.55"

    for testid in ("chart-industry", "chart-district", "chart-hourly", "chart-review"):
        page.locator(f"[data-testid='{testid}'][data-rendered='1']").wait_for()
    assert page.locator("[data-testid='chart-review'] svg").get_by_text("已评分").first.is_visible()

    # Another call through the selector.
    page.get_by_label("征集批次", exact=True).select_option(str(world["older_call"].pk))
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**/dashboard/?call={world['older_call'].pk}")
    older = chart_option(page, "chart-funnel")
    assert [d["value"] for d in older["series"][0]["data"]] == [
        s["value"] for s in funnel_from_database(world["older_call"])
    ]
