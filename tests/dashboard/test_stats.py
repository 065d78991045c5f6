"""统计分析 and the 待办 calendar: every figure of a small world (tests/dashboard/builders.py)
checked by hand; the submissions-per-hour boundaries at the 19:30:00 deadline; the page's
query count at 1 and 3 demands; who may see the dashboard; who sees which deadline."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from jiebang.core.clock import BEIJING
from jiebang.dashboard import stats
from jiebang.dashboard.agenda import deadline_agenda
from jiebang.demands import services as demand_services
from jiebang.demands.models import PublicationBatch
from jiebang.notices.models import NoticeState, PublicNotice
from jiebang.orgs.enums import OrgKind, Role
from jiebang.projects.models import ProgressReport
from tests.dashboard.builders import FAST_HASHERS, dashboard_world, recommended, submitted
from tests.demands.builders import (
    issuer_with_applicant,
    open_call,
    valid_at_demand,
    valid_tb_demand,
)
from tests.factories import UserFactory
from tests.projects.support import module_rows

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

D = Decimal


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        module_rows(django_db_blocker, tmp_path_factory),
    ):
        yield dashboard_world()


def chart_data(html: str, name: str):
    found = re.search(
        rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', html
    )
    assert found, f"no chart-{name}-data block"
    return json.loads(found.group(1))


# ------------------------------------------------------------------------------- funnel


def test_funnel_counts_each_demand_once_by_its_furthest_stage(world):
    funnel = stats.funnel(world["call"])
    assert [(s["name"], s["value"]) for s in funnel["stages"]] == [
        ("已提交", 6),  # all but the draft and the withdrawn one
        ("已推荐", 5),  # all but the AT demand still waiting for the bureau
        ("已发布", 4),
        ("有揭榜申请", 3),  # the published demand has only a draft proposal
        ("已立项", 2),
        ("已验收", 1),
    ]
    assert funnel["projects"] == 2
    assert funnel["projects_accepted"] == 1
    assert funnel["states"] == {
        "draft": 1,
        "withdrawn": 1,
        "submitted": 1,
        "recommended": 1,
        "published": 2,
        "matched": 2,
    }


def test_another_call_has_its_own_figures(world):
    funnel = stats.funnel(world["older_call"])
    assert [s["value"] for s in funnel["stages"]] == [1, 0, 0, 0, 0, 0]
    assert funnel["projects"] == 0


# --------------------------------------------------------------------------- breakdowns


def test_breakdown_by_industry_and_category(world):
    call = world["call"]
    assert stats.by_industry(call) == [
        {"name": "新能源", "submitted": 5, "published": 4, "projects": 2},
        {"name": "装备制造", "submitted": 1, "published": 0, "projects": 0},
    ]
    assert stats.by_category(call) == [
        {"name": "技术攻关类", "submitted": 5, "published": 4, "projects": 2},
        {"name": "成果转化类", "submitted": 1, "published": 0, "projects": 0},
    ]


def test_breakdown_by_district_lists_every_district_then_units_outside_the_city(world):
    rows = stats.by_district(world["call"])
    by_name = {r["name"]: (r["submitted"], r["published"], r["projects"]) for r in rows}
    demands = world["demands"]

    def district(key):
        return str(demands[key].organization.district)

    assert by_name[district("draft")] == (0, 0, 0)
    assert by_name[district("withdrawn")] == (0, 0, 0)
    assert by_name[district("recommended")] == (1, 0, 0)
    assert by_name[district("published")] == (1, 1, 0)
    assert by_name[district("taken")] == (1, 1, 0)
    assert by_name[district("accepted")] == (1, 1, 1)
    assert by_name[district("running")] == (1, 1, 1)
    assert rows[-1] == {"name": "市外单位", "submitted": 1, "published": 0, "projects": 0}
    assert sum(r["submitted"] for r in rows) == 6


# -------------------------------------------------------------------------------- money


def test_money_fiscal_versus_enterprise_and_leverage(world):
    assert stats.money(world["call"]) == {
        # A: min(6,000,000 × 30 %, 3,000,000) = 1,800,000; B: 5,000,000 × 30 % = 1,500,000
        "fiscal_total": D("3300000.00"),
        # the paid first instalment of A; its approved mid-term instalment is not paid yet
        "fiscal_paid": D("540000.00"),
        "total_investment": D("15000000.00"),
        # (8,000,000 − 1,800,000) + (7,000,000 − 1,500,000)
        "enterprise": D("11700000.00"),
        "contract_total": D("11000000.00"),
        "contract_paid": D("6000000.00"),
        # 11,700,000 / 3,300,000 = 3.5454… → 3.55
        "leverage": D("3.55"),
        "leverage_display": "3.55",
    }


def test_leverage_is_rounded_half_up_and_a_dash_without_fiscal_money(world):
    assert stats.leverage_ratio(D("1.00"), D("8.00")) == D("0.13")  # 0.125
    assert stats.leverage_ratio(D("6200000.00"), D("1800000.00")) == D("3.44")
    assert stats.leverage_ratio(D("5.00"), D("0.00")) is None
    older = stats.money(world["older_call"])
    assert older["fiscal_total"] == older["enterprise"] == D("0.00")
    assert older["leverage"] is None
    assert older["leverage_display"] == "—"


# ---------------------------------------------------------------------- review progress


def test_review_progress_of_open_and_closed_rounds_only(world):
    assert stats.review_progress(world["call"]) == [
        {
            "id": world["round"].pk,
            "title": "需求论证（第一轮）",
            "kind": "需求论证",
            "state": "评审中",
            "deadline": world["round"].deadline,
            "total": 4,
            "assigned": 1,
            "declared": 1,
            "scored": 1,
            "recused": 1,
        }
    ]  # the second round is still a draft


# ------------------------------------------------------------------ submissions per hour


def at(day, hour, minute, second=0):
    return dt.datetime(2024, 8, day, hour, minute, second, tzinfo=BEIJING)


def test_submissions_per_hour_before_the_1930_deadline():
    """The window is the 48 Beijing clock hours up to the one holding the deadline
    (08-28 20:00 … 08-30 19:59), counted up to 19:30:00 inclusive; only first submissions."""
    with time_machine.travel(at(20, 10, 0), tick=False):
        call = open_call(
            year=2024,
            name="2024年度批次",
            is_active=False,
            submission_opens_at=at(1, 10, 0),
            submission_closes_at=at(30, 19, 30),
            resubmission_deadline=dt.datetime(2024, 9, 2, 19, 30, tzinfo=BEIJING),
            recommendation_deadline=dt.datetime(2024, 9, 3, 0, 0, tzinfo=BEIJING),
        )
        built = [
            valid_tb_demand(call=call, title=f"逐时统计需求{i}", team_start=300 + 10 * i)
            for i in range(6)
        ]
        early, first_hour, before_hour, last_second, deadline, resubmitted = built
        submitted(*resubmitted)  # first version on 08-20: outside the window
        officer = UserFactory(
            district=resubmitted[0].organization.district, roles=[Role.DISTRICT_OFFICER]
        )
        demand_services.return_demand(demand_id=resubmitted[0].pk, by=officer, reason="请补充指标")
    for (demand, user), moment in (
        (early, at(28, 19, 59, 59)),
        (first_hour, at(28, 20, 0, 0)),
        (before_hour, at(30, 18, 59, 59)),
        (last_second, at(30, 19, 29, 59)),
        (deadline, at(30, 19, 30, 0)),
        (resubmitted, at(30, 19, 10, 0)),  # version 2 is not a first submission
    ):
        with time_machine.travel(moment, tick=False):
            submitted(demand, user)

    hourly = stats.submissions_per_hour(call)
    buckets = hourly["buckets"]
    assert len(buckets) == 48
    assert buckets[0]["label"] == "08-28 20:00"
    assert buckets[0]["hour"] == at(28, 20, 0)
    assert buckets[-1]["label"] == "08-30 19:00"
    counted = {b["label"]: b["count"] for b in buckets if b["count"]}
    assert counted == {"08-28 20:00": 1, "08-30 18:00": 1, "08-30 19:00": 2}
    assert hourly["total"] == 4
    assert hourly["start"] == at(28, 20, 0)


# ------------------------------------------------------------------------------ the page


def test_page_shows_the_active_call_with_chinese_labels_and_chart_data(client, world):
    client.force_login(world["bureau"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["call"] == world["call"]
    for label in ("统计分析", "需求转化漏斗", "按产业领域", "按区县", "需求类别构成"):
        assert label in html
    assert chart_data(html, "funnel")["data"] == [
        {"name": "已提交", "value": 6},
        {"name": "已推荐", "value": 5},
        {"name": "已发布", "value": 4},
        {"name": "有揭榜申请", "value": 3},
        {"name": "已立项", "value": 2},
        {"name": "已验收", "value": 1},
    ]
    assert chart_data(html, "category")["data"] == [
        {"name": "技术攻关类", "value": 5},
        {"name": "成果转化类", "value": 1},
    ]
    money = chart_data(html, "money")
    assert money["values"] == [330.0, 54.0, 1170.0]  # 万元
    assert money["leverage"] == "3.55"
    assert chart_data(html, "review")["series"][2] == {"name": "已评分", "data": [1]}
    assert len(chart_data(html, "hourly")["values"]) == 48
    assert 'data-testid="chart-funnel"' in html
    assert "vendor/echarts/echarts.min.js" in html and "jiebang/dashboard.js" in html
    assert '<a class="nav-link" href="/dashboard/">' in html  # 统计分析 in the menu


def test_the_call_selector_switches_call_and_refuses_an_unknown_one(client, world):
    client.force_login(world["bureau"])
    html = client.get(f"/dashboard/?call={world['older_call'].pk}").content.decode()
    assert [d["value"] for d in chart_data(html, "funnel")["data"]] == [1, 0, 0, 0, 0, 0]
    assert client.get("/dashboard/?call=999999").status_code == 404


def test_query_count_is_the_same_at_one_and_three_demands(client, world):
    bureau = world["bureau"]
    client.force_login(bureau)
    with time_machine.travel(at(20, 10, 0), tick=False):
        call = open_call(
            year=2024,
            name="查询计数批次",
            is_active=False,
            submission_opens_at=at(1, 10, 0),
            submission_closes_at=at(30, 19, 30),
            resubmission_deadline=dt.datetime(2024, 9, 2, 19, 30, tzinfo=BEIJING),
            recommendation_deadline=dt.datetime(2024, 9, 3, 0, 0, tzinfo=BEIJING),
        )
        submitted(*valid_tb_demand(call=call, title="计数需求一", team_start=400))
    url = f"/dashboard/?call={call.pk}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    one, html = count()
    assert [d["value"] for d in chart_data(html, "funnel")["data"]][:2] == [1, 0]

    with time_machine.travel(at(30, 19, 0), tick=False):
        recommended(*valid_tb_demand(call=call, title="计数需求二", team_start=410))
        org, user = issuer_with_applicant(kind=OrgKind.UNIVERSITY, district=None)
        submitted(
            *valid_at_demand(call=call, org=org, user=user, title="计数需求三", team_start=420)
        )
    three, html = count()
    assert [d["value"] for d in chart_data(html, "funnel")["data"]][:2] == [3, 1]
    assert chart_data(html, "hourly")["values"][-1] == 2
    assert one == three


def test_auditors_may_see_the_dashboard(client, world):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    assert client.get("/dashboard/").status_code == 200


def test_everyone_else_is_refused(client, world):
    client.force_login(world["draft_user"])  # an applicant
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "需求转化漏斗" not in response.content.decode()
    client.force_login(world["district_officer"])
    assert client.get("/dashboard/").status_code == 403
    client.force_login(world["experts"][0].user)
    assert client.get("/dashboard/").status_code == 403
    client.logout()
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_menu_entry_is_for_the_bureau_and_auditors_only(client, world):
    client.force_login(world["rec_user"])
    assert "统计分析" not in client.get("/work/").content.decode()
    client.force_login(world["bureau"])
    assert "统计分析" in client.get("/work/").content.decode()


# ------------------------------------------------------------------- the 待办 calendar

CALL_KEYS = ["call:opens", "call:closes", "call:resubmission", "call:recommendation"]


def keys(user, call):
    return [e.key for e in deadline_agenda(user, call)]


def batch_keys(call):
    return {
        f"batch:{pk}"
        for pk in PublicationBatch.objects.filter(call=call).values_list("pk", flat=True)
    }


def test_the_bureau_sees_the_calls_dates_batches_rounds_and_open_notices(world):
    call = world["call"]
    open_notices = list(PublicNotice.objects.filter(state=NoticeState.OPEN))
    assert [n.subject_id for n in open_notices] == [world["demands"]["taken"].pk]
    agenda = deadline_agenda(world["bureau"], call)
    assert {e.key for e in agenda} == {
        *CALL_KEYS,
        *batch_keys(call),
        f"review:{world['round'].pk}",
        f"review:{world['draft_round'].pk}",
        f"notice:{open_notices[0].pk}",
    }
    assert len(batch_keys(call)) == 4
    assert [e.at for e in agenda] == sorted(e.at for e in agenda)
    auditor = UserFactory(roles=[Role.AUDITOR])
    assert keys(auditor, call) == [e.key for e in agenda]


def test_a_district_officer_sees_the_windows_and_the_recommendation_deadline(world):
    assert set(keys(world["district_officer"], world["call"])) == set(CALL_KEYS)


def test_units_see_their_windows_batches_notices_and_next_report(world):
    call = world["call"]
    unit_common = {"call:opens", "call:closes", "call:resubmission", *batch_keys(call)}
    assert set(keys(world["rec_user"], call)) == unit_common

    notice = PublicNotice.objects.get(state=NoticeState.OPEN)
    taken = world["demands"]["taken"]
    assert set(keys(taken.created_by, call)) == unit_common | {f"notice:{notice.pk}"}
    lead = world["taken_proposal"].created_by
    assert set(keys(lead, call)) == unit_common | {f"notice:{notice.pk}"}

    running = world["project_b"]
    next_report = ProgressReport.objects.filter(project=running).order_by("due_on").first()
    assert ProgressReport.objects.filter(project=running).count() > 1
    solver = running.proposal.created_by
    assert set(keys(solver, call)) == unit_common | {f"report:{next_report.pk}"}
    entry = next(e for e in deadline_agenda(solver, call) if e.kind == "report")
    assert entry.at == dt.datetime.combine(next_report.due_on, dt.time(23, 59, 59), tzinfo=BEIJING)
    accepted_solver = world["project_a"].proposal.created_by  # accepted: nothing owed
    assert set(keys(accepted_solver, call)) == unit_common


def test_experts_see_only_rounds_where_they_still_have_work(world):
    declared, scored, recused, pending = (e.user for e in world["experts"])
    round_key = f"review:{world['round'].pk}"
    assert keys(declared, world["call"]) == [round_key]
    assert keys(pending, world["call"]) == [round_key]
    assert keys(scored, world["call"]) == []
    assert keys(recused, world["call"]) == []


def test_the_work_page_groups_the_calendar_by_month_with_countdowns(client, world):
    solver = world["project_b"].proposal.created_by
    client.force_login(solver)
    html = client.get("/work/").content.decode()
    assert "时间节点日历" in html
    assert "2026年3月" in html  # submission window and solicitation deadlines
    assert 'data-agenda="report"' in html and "进展报告（第1期）" in html
    assert "（北京时间）" in html and "data-deadline=" in html
    assert 'data-agenda="review"' not in html and "区县推荐截止" not in html
