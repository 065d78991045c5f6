"""The 待办 work queue on /work/ for every role: the label, count and deadline of each item
(in Beijing time, a date-only deadline as a day), overdue items flagged 已逾期 in red, the
nearest deadline first and empty items last, and a query count that does not grow with the
rows. The world is tests/dashboard/builders.py, built once for the module."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from jiebang.core.clock import BEIJING
from jiebang.dashboard.selectors import work_queue
from jiebang.demands import services as demand_services
from jiebang.notices import services as notice_services
from jiebang.notices.models import NoticeState, PublicNotice
from jiebang.orgs.enums import Role
from jiebang.projects.models import ProgressReport
from jiebang.proposals import services as proposal_services
from jiebang.proposals.models import Proposal
from tests.dashboard.builders import FAST_HASHERS, dashboard_world
from tests.demands.builders import issuer_with_applicant, valid_tb_demand
from tests.factories import make_id_number
from tests.helpers import pdf_upload
from tests.projects.support import module_rows
from tests.proposals.test_selection import submitted_proposal

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# The world is built on 2026-03-02 10:00: the call's window closes 03-12 10:00, the district
# deadline is 03-15 10:00, published demands take proposals until 03-22 10:00, the open
# review round closes 2026-12-31 17:00.
VIEW_AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        module_rows(django_db_blocker, tmp_path_factory),
    ):
        yield dashboard_world()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def queue(client, user, moment=VIEW_AT) -> list[dict]:
    """The cards of /work/ in page order: label, count, deadline text, overdue, url."""
    with at(moment):  # logged in at that moment: the session lasts a working day
        client.force_login(user)
        response = client.get("/work/")
    assert response.status_code == 200
    html = response.content.decode()
    cards = []
    for card in re.findall(
        r'<a class="jb-card[^"]*"[^>]*data-testid="queue-item".*?</a>', html, re.S
    ):
        deadline = re.search(r'<span class="jb-deadline">(.*?)</span>', card)
        cards.append(
            {
                "label": re.search(r'data-testid="queue-label">(.*?)</div>', card).group(1),
                "count": int(re.search(r'data-testid="queue-count">(\d+)</div>', card).group(1)),
                "deadline": deadline.group(1) if deadline else None,
                "overdue": "已逾期" in card,
                "red": "text-danger" in card,
                "url": re.search(r'href="([^"]*)"', card).group(1),
            }
        )
    return cards


def card(cards, label) -> dict:
    found = [c for c in cards if c["label"] == label]
    assert len(found) == 1, f"{label} not exactly once in {[c['label'] for c in cards]}"
    return found[0]


def labels(cards) -> list[str]:
    return [c["label"] for c in cards]


def objection_to(notice, n=1):
    return notice_services.file_objection(
        notice_id=notice.pk,
        kind="person",
        name=f"李异议{n}",
        id_number=make_id_number(500 + n),
        phone="13912345678",
        content="入选单位的技术指标与事实不符。",
        letter=pdf_upload("异议书.pdf"),
    )


# ----------------------------------------------------------------------------- applicant


def test_applicant_sees_proposal_drafts_until_the_earliest_open_solicitation_deadline(
    client, world
):
    draft = Proposal.objects.get(demand=world["demands"]["published"], state="draft")
    applicant = draft.created_by
    cards = queue(client, applicant)
    drafts = card(cards, "待填报的揭榜申请")
    assert drafts == {
        "label": "待填报的揭榜申请",
        "count": 1,
        "deadline": "2026-03-22 10:00（北京时间）",
        "overdue": False,
        "red": False,
        "url": "/proposals/",
    }
    # Once the demand no longer takes proposals the draft stays counted, without a deadline.
    closed = queue(client, applicant, dt.datetime(2026, 3, 23, 9, 0, tzinfo=BEIJING))
    assert card(closed, "待填报的揭榜申请")["deadline"] is None


def test_applicant_of_an_issuer_sees_its_demand_drafts_with_the_window_deadline(client, world):
    cards = queue(client, world["draft_user"])
    item = card(cards, "待填报/退回修改的需求")
    assert (item["count"], item["deadline"], item["overdue"]) == (
        1,
        "2026-03-12 10:00（北京时间）",
        False,
    )
    # After the window the draft is late: flagged in red.
    late = card(
        queue(client, world["draft_user"], dt.datetime(2026, 3, 12, 10, 1, tzinfo=BEIJING)),
        "待填报/退回修改的需求",
    )
    assert late["overdue"] and late["red"]


# -------------------------------------------------------------------------------- issuer


def test_issuer_sees_received_proposals_awaiting_matching(client, world):
    published = world["demands"]["published"]
    issuer = published.created_by
    assert "待对接的揭榜申请" not in labels(queue(client, issuer))  # only a draft so far

    with at(VIEW_AT):
        proposal = submitted_proposal(published, team_start=990)
    item = card(queue(client, issuer), "待对接的揭榜申请")
    assert (item["count"], item["deadline"], item["url"]) == (1, None, "/proposals/received/")

    with at(VIEW_AT):
        proposal_services.record_matching(
            proposal_id=proposal.pk,
            by=issuer,
            kind="meeting",
            held_on=VIEW_AT.date(),
            place="发榜方会议室",
            participants="双方项目负责人",
            summary="就技术路线达成初步一致。",
        )
    assert card(queue(client, issuer), "待对接的揭榜申请")["count"] == 0


def test_issuer_whose_solver_is_on_notice_has_nothing_to_match(client, world):
    issuer = world["demands"]["taken"].created_by
    assert card(queue(client, issuer), "待对接的揭榜申请")["count"] == 0


# ---------------------------------------------------------------------- district officer


def test_district_officer_sees_demands_to_recommend_and_the_district_deadline(client, world):
    officer = world["district_officer"]
    item = card(queue(client, officer), "待推荐需求")
    assert (item["count"], item["deadline"], item["url"]) == (
        0,
        "2026-03-15 10:00（北京时间）",
        "/district/demands/",
    )
    # Nothing to do: never flagged, even after the deadline.
    assert not card(
        queue(client, officer, dt.datetime(2026, 3, 16, 9, 0, tzinfo=BEIJING)), "待推荐需求"
    )["overdue"]


def test_an_item_past_its_deadline_shows_overdue_in_red_and_comes_first(client, world):
    officer = world["district_officer"]
    org, user = issuer_with_applicant(district=officer.district)
    with at(VIEW_AT):
        demand, _user = valid_tb_demand(
            call=world["call"], org=org, user=user, title="辖区新提交需求", team_start=400
        )
        demand_services.submit_demand(demand_id=demand.pk, by=user)

    before = queue(client, officer)
    item = card(before, "待推荐需求")
    assert (item["count"], item["overdue"]) == (1, False)
    assert "已逾期" not in str(before)

    late = queue(client, officer, dt.datetime(2026, 3, 15, 10, 0, 1, tzinfo=BEIJING))
    item = card(late, "待推荐需求")
    assert (item["count"], item["deadline"], item["overdue"], item["red"]) == (
        1,
        "2026-03-15 10:00（北京时间）",
        True,
        True,
    )
    assert labels(late)[0] == "待推荐需求"


# ------------------------------------------------------------------------ bureau officer


def test_bureau_sees_every_desk_with_its_deadline_nearest_first(client, world):
    notice = PublicNotice.objects.get(state=NoticeState.OPEN)
    with at(VIEW_AT):
        objection_to(notice)
        submitted_proposal(world["demands"]["published"], team_start=990)
    cards = queue(client, world["bureau"])

    objections = card(cards, "待处理的公示异议")
    assert objections["count"] == 1
    assert objections["url"] == f"/bureau/publicity/{notice.pk}/objections/"
    ends = notice.ends_at.astimezone(BEIJING)
    assert objections["deadline"] == f"{ends:%Y-%m-%d %H:%M}（北京时间）"

    rounds = card(cards, "进行中的专家评审")
    assert (rounds["count"], rounds["deadline"]) == (2, "2026-12-31 17:00（北京时间）")

    eligibility = card(cards, "待资格审查的揭榜申请")
    assert (eligibility["count"], eligibility["url"]) == (
        1,
        "/bureau/selection/?state=submitted",
    )
    assert card(cards, "待送专家评榜的揭榜申请")["count"] == 0
    assert card(cards, "待公示的入围揭榜申请")["count"] == 0
    assert card(cards, "待形式审查需求")["count"] == 2  # recommended + submitted from outside

    # Nearest deadline first, then the items without a deadline, empty items last.
    order = labels(cards)
    assert order.index("待处理的公示异议") < order.index("进行中的专家评审")
    assert order.index("进行中的专家评审") < order.index("待资格审查的揭榜申请")
    counts = [c["count"] for c in cards]
    assert counts == sorted(counts, key=lambda n: n == 0)
    assert not any(c["overdue"] for c in cards)


def test_without_objections_the_bureau_item_is_empty_and_points_to_the_notices(client, world):
    item = card(queue(client, world["bureau"]), "待处理的公示异议")
    assert (item["count"], item["deadline"], item["url"]) == (0, None, "/publicity/")


def test_the_queue_runs_the_same_number_of_queries_however_many_rows(world):
    bureau = world["bureau"]
    notice = PublicNotice.objects.get(state=NoticeState.OPEN)
    with at(VIEW_AT):
        work_queue(bureau)  # the user's roles are read once and kept
        with CaptureQueriesContext(connection) as few:
            work_queue(bureau)
        objection_to(notice, 1)
        objection_to(notice, 2)
        submitted_proposal(world["demands"]["published"], team_start=990)
        with CaptureQueriesContext(connection) as more:
            items = work_queue(bureau)
    assert {i["label"]: i["count"] for i in items}["待处理的公示异议"] == 2
    assert len(more) == len(few)
    assert len(few) <= 30


# -------------------------------------------------------------------------------- expert


def test_expert_sees_open_reviews_with_the_round_deadline(client, world):
    declared, scored, _recused, _pending = (e.user for e in world["experts"])
    cards = queue(client, declared)
    item = card(cards, "待完成的评审")
    assert (item["count"], item["deadline"], item["url"]) == (
        1,
        "2026-12-31 17:00（北京时间）",
        "/review/my/",
    )
    assert "进行中的专家评审" not in labels(cards)  # a bureau item
    done = card(queue(client, scored), "待完成的评审")
    assert (done["count"], done["deadline"]) == (0, None)


# -------------------------------------------------------------------------------- solver


def test_solver_sees_progress_reports_due_by_the_day_and_late_ones_flagged(client, world):
    project = world["project_b"]
    solver = project.proposal.created_by
    reports = ProgressReport.objects.filter(project=project, state="due").order_by("due_on")
    first = reports.first()
    day_text = f"{first.due_on:%Y-%m-%d}（北京时间）"

    with at(dt.datetime(2026, 4, 2, 10, 0, tzinfo=BEIJING)):
        client.force_login(solver)
        html = client.get("/work/").content.decode()
    assert f'data-deadline="{first.due_on:%Y-%m-%d}T23:59:59+08:00"' in html

    item = card(
        queue(client, solver, dt.datetime(2026, 4, 2, 10, 0, tzinfo=BEIJING)),
        "待提交的项目进展报告",
    )
    assert (item["count"], item["deadline"], item["overdue"]) == (reports.count(), day_text, False)
    assert item["url"] == f"/projects/{project.pk}/#progress"

    last_minute = dt.datetime.combine(first.due_on, dt.time(23, 59), tzinfo=BEIJING)
    assert not card(queue(client, solver, last_minute), "待提交的项目进展报告")["overdue"]

    next_day = dt.datetime.combine(
        first.due_on + dt.timedelta(days=1), dt.time(0, 0, 1), tzinfo=BEIJING
    )
    late = card(queue(client, solver, next_day), "待提交的项目进展报告")
    assert (late["deadline"], late["overdue"], late["red"]) == (day_text, True, True)


def test_a_unit_with_nothing_running_has_no_report_item(client, world):
    accepted_solver = world["project_a"].proposal.created_by
    assert "待提交的项目进展报告" not in labels(queue(client, accepted_solver))


# ------------------------------------------------------------------------------ anonymous


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/work/"


def test_roles_without_items_see_the_empty_message(client, db):
    from tests.factories import UserFactory

    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert "暂无待办事项。" in client.get("/work/").content.decode()
