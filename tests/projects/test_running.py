"""项目管理: progress reports and their reminders, change requests, the mid-term evaluation
(a horse race's stage gate), research-assistant posts (domain.md §7).

A project starts on DAY0 = 2026-04-01 for 24 months: planned end 2028-03-31.
"""

import datetime as dt
from decimal import Decimal

import pytest

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.models import Notification
from jiebang.eligibility.rules.project import project_priorities
from jiebang.eligibility.snapshots import ProjectPriorityCheck
from jiebang.orgs.enums import CityProjectStatus
from jiebang.projects import services
from jiebang.projects.enums import ChangeState, ProjectState, RefundReason, ReportState
from jiebang.projects.models import MidtermEvaluation, Refund
from jiebang.projects.services._common import unit_users
from tests.projects.builders import (
    initiate,
    issuer_user,
    register_contract,
    solver_user,
)
from tests.projects.support import (
    DAY0,
    PLANNED_END,
    approve_and_pay,
    on,
    pay,
    started,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]

D = Decimal


def midterm(project, bureau, outcome, *, rectify_deadline=None, opinion="评估意见"):
    return services.record_midterm(
        project_id=project.pk,
        by=bureau,
        outcome=outcome,
        opinion=opinion,
        evaluated_on=clock.today(),
        rectify_deadline=rectify_deadline,
    )


def file_change(project, kind="extension", months=12):
    return services.file_change_request(
        project_id=project.pk,
        by=solver_user(project),
        kind=kind,
        reason="现场试验受季节影响需顺延",
        extension_months=months if kind == "extension" else None,
    )


# -------------------------------------------------------------------- progress reports


def test_a_24_month_project_has_three_half_yearly_reports(selected):
    proposal, bureau = selected
    project = initiate(proposal, bureau)
    assert project.planned_end == PLANNED_END
    assert project.midterm_due_on == dt.date(2027, 4, 1)
    # every 6 months, due 15 days after the period's end; the last stretch is the final report
    assert list(project.reports.values_list("sequence", "period_end", "due_on", "state")) == [
        (1, dt.date(2026, 9, 30), dt.date(2026, 10, 15), ReportState.DUE),
        (2, dt.date(2027, 3, 31), dt.date(2027, 4, 15), ReportState.DUE),
        (3, dt.date(2027, 9, 30), dt.date(2027, 10, 15), ReportState.DUE),
    ]


def test_reminders_are_sent_once_due_soon_and_once_late(project):
    solver_users = unit_users(project.solver_id)
    assert solver_user(project) in solver_users

    def inbox(fragment):
        return Notification.objects.filter(
            title__contains=fragment, link=f"/projects/{project.pk}/"
        )

    # report 1 is due 2026-10-15: "due soon" from 7 days before, i.e. 2026-10-08
    with on(dt.date(2026, 10, 7)):
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    with on(dt.date(2026, 10, 8)):
        assert services.remind_progress_reports() == {"due": 1, "late": 0}
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    soon = inbox("即将到期")
    assert sorted(n.recipient_id for n in soon) == sorted(u.pk for u in solver_users)
    assert not soon.filter(recipient=issuer_user(project)).exists()
    with on(dt.date(2026, 10, 15)):  # the due date itself is not late
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    with on(dt.date(2026, 10, 16)):
        assert services.remind_progress_reports() == {"due": 0, "late": 1}
    with on(dt.date(2026, 10, 30)):
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    late = inbox("已逾期")
    assert sorted(n.recipient_id for n in late) == sorted(u.pk for u in solver_users)
    assert inbox("即将到期").count() == len(solver_users)


def test_a_project_waiting_for_its_contract_is_not_reminded_of_reports(selected):
    proposal, bureau = selected
    waiting = initiate(proposal, bureau)  # no technology contract: cannot report yet
    with on(dt.date(2026, 10, 16)):
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    register_contract(waiting)
    with on(dt.date(2026, 10, 16)):
        assert services.remind_progress_reports() == {"due": 0, "late": 1}


def test_a_submitted_report_is_not_reminded_and_cannot_be_submitted_twice(project):
    report = project.reports.get(sequence=1)
    with on(dt.date(2026, 10, 16)):  # one day late: accepted, and marked late
        services.submit_progress_report(
            report_id=report.pk, by=solver_user(project), progress="完成样机设计"
        )
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        assert report.is_late
        with pytest.raises(DomainError) as refused:
            services.submit_progress_report(
                report_id=report.pk, by=solver_user(project), progress="再次提交"
            )
        assert refused.value.code == "REPORT-SUBMITTED"
        assert services.remind_progress_reports() == {"due": 0, "late": 0}
    report.refresh_from_db()
    assert report.progress == "完成样机设计"


# --------------------------------------------------------------------- change requests

# planned end 2028-03-31; at least 3 months before → no later than 2027-12-31


def test_a_change_request_is_accepted_until_three_months_before_the_end(project):
    with on(dt.date(2027, 12, 31)):
        change = file_change(project, kind="content")
        assert change.state == ChangeState.PENDING
    with on(dt.date(2028, 1, 1)):
        with pytest.raises(DomainError) as refused:
            file_change(project, kind="extension")
        assert refused.value.code == "CHANGE-TOO-LATE"
        assert "2027-12-31" in refused.value.message
    assert project.change_requests.count() == 1


def test_an_extension_is_at_most_twelve_months(project):
    for months in (13, 0):
        with pytest.raises(DomainError) as refused:
            file_change(project, months=months)
        assert refused.value.code == "CHANGE-EXTENSION-MAX"
    assert file_change(project, months=12).extension_months == 12


def test_an_approved_extension_moves_the_end_and_adds_reports(project, bureau):
    change = file_change(project, months=12)
    with pytest.raises(DomainError) as refused:
        file_change(project, kind="team")
    assert refused.value.code == "CHANGE-PENDING"

    services.decide_change_request(change_id=change.pk, by=bureau, approved=True, note="同意")
    project.refresh_from_db()
    assert project.planned_end == dt.date(2029, 3, 31)
    assert project.original_end == PLANNED_END
    project.city_project.refresh_from_db()
    assert project.city_project.planned_end == dt.date(2029, 3, 31)
    assert project.city_project.status == CityProjectStatus.ONGOING
    assert list(project.reports.values_list("sequence", "period_end", "due_on"))[3:] == [
        (4, dt.date(2028, 3, 31), dt.date(2028, 4, 15)),
        (5, dt.date(2028, 9, 30), dt.date(2028, 10, 15)),
    ]

    # only one extension
    with pytest.raises(DomainError) as refused:
        file_change(project, months=1)
    assert refused.value.code == "CHANGE-EXTENSION-USED"
    # other changes remain possible
    assert file_change(project, kind="budget").state == ChangeState.PENDING


def test_a_refused_extension_changes_nothing_and_needs_a_reason(project, bureau):
    change = file_change(project, months=6)
    with pytest.raises(DomainError) as refused:
        services.decide_change_request(change_id=change.pk, by=bureau, approved=False)
    assert refused.value.code == "REASON-REQUIRED"
    services.decide_change_request(
        change_id=change.pk, by=bureau, approved=False, note="理由不充分"
    )
    project.refresh_from_db()
    assert project.planned_end == PLANNED_END
    assert project.reports.count() == 3
    # a refused extension does not use up the one extension
    assert file_change(project, months=6).state == ChangeState.PENDING


# -------------------------------------------------------------------------- mid-term


def test_midterm_passed_opens_the_midterm_gate_once(project, bureau):
    midterm(project, bureau, "passed")
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS
    assert project.midterm_passed_on == DAY0
    with pytest.raises(DomainError) as refused:
        midterm(project, bureau, "terminate")
    assert refused.value.code == "MIDTERM-DONE"
    assert project.midterms.count() == 1


def test_rectification_is_granted_once_then_pass_or_terminate(project, bureau):
    with pytest.raises(DomainError) as refused:  # the deadline must be after the evaluation
        midterm(project, bureau, "rectify", rectify_deadline=DAY0)
    assert refused.value.code == "DATE-INVALID"
    midterm(project, bureau, "rectify", rectify_deadline=DAY0 + dt.timedelta(days=1))
    project.refresh_from_db()
    assert project.state == ProjectState.RECTIFYING
    assert project.rectify_deadline == dt.date(2026, 4, 2)
    assert project.midterm_passed_on is None

    with on(dt.date(2026, 4, 2)):
        with pytest.raises(DomainError) as refused:
            midterm(project, bureau, "rectify", rectify_deadline=dt.date(2026, 6, 1))
        assert refused.value.code == "MIDTERM-RECTIFY-ONCE"
        midterm(project, bureau, "passed", opinion="整改到位，合格")
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS
    assert project.midterm_passed_on == dt.date(2026, 4, 2)
    assert project.rectify_deadline is None
    assert list(project.midterms.values_list("outcome", flat=True)) == ["rectify", "passed"]


def test_midterm_termination_closes_the_project_and_asks_the_money_back(project, bureau):
    pay(project, "6000000.00", by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    midterm(project, bureau, "terminate", opinion="研发进度严重滞后，终止")
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED
    assert project.closed_on == DAY0
    assert project.funding_stopped
    assert project.city_project.status == CityProjectStatus.TERMINATED
    refund = Refund.objects.get(project=project)
    assert (refund.amount_due, refund.reason) == (D("540000.00"), RefundReason.TERMINATION)
    assert refund.due_on == DAY0 + dt.timedelta(days=30)
    with pytest.raises(DomainError) as refused:
        midterm(project, bureau, "passed")
    assert refused.value.code == "PROJECT-STATE"


@pytest.mark.parametrize("outcome", ["continue", "stop"])
def test_an_ordinary_project_has_no_stage_gate_outcomes(project, bureau, outcome):
    with pytest.raises(DomainError) as refused:
        midterm(project, bureau, outcome)
    assert refused.value.code == "MIDTERM-OUTCOME"
    assert not MidtermEvaluation.objects.filter(project=project).exists()


def test_a_horse_race_stage_gate_is_continue_rectify_or_stop(race_selected):
    a, _b, bureau = race_selected
    project = started(a, bureau)
    for outcome in ("passed", "terminate"):
        with pytest.raises(DomainError) as refused:
            midterm(project, bureau, outcome)
        assert refused.value.code == "MIDTERM-OUTCOME"
    midterm(project, bureau, "rectify", rectify_deadline=dt.date(2026, 6, 30))
    project.refresh_from_db()
    assert project.state == ProjectState.RECTIFYING
    midterm(project, bureau, "continue")
    project.refresh_from_db()
    assert project.state == ProjectState.CONTINUED
    assert project.midterm_passed_on == DAY0


# ----------------------------------------------------------------- research assistants


def priorities(project):
    """PRIORITY-RESEARCH-ASSISTANT over the posts and hires recorded for `project`."""
    posts = list(project.assistant_posts.all())
    return project_priorities(
        ProjectPriorityCheck(
            assistant_openings=sum(p.openings for p in posts),
            graduates_hired=sum(p.hires.count() for p in posts),
        )
    )


def test_research_assistant_posts_raise_the_priority_flag_and_fill_up(project):
    solver = solver_user(project)
    assert priorities(project) == []
    post = services.add_assistant_post(
        project_id=project.pk, by=solver, title="实验数据分析助理", openings=1, created_on=DAY0
    )
    assert [f.code for f in priorities(project)] == ["PRIORITY-RESEARCH-ASSISTANT"]
    services.add_assistant_hire(
        post_id=post.pk,
        by=solver,
        name="王同学",
        school="新疆大学",
        graduation_year=2026,
        hired_on=DAY0,
    )
    with pytest.raises(DomainError) as refused:
        services.add_assistant_hire(
            post_id=post.pk,
            by=solver,
            name="李同学",
            school="新疆大学",
            graduation_year=2026,
            hired_on=DAY0,
        )
    assert refused.value.code == "POST-FULL"
    assert post.hires.count() == 1
    flag = priorities(project)[0]
    assert "1个" in flag.message and "1人" in flag.message


def test_a_post_needs_at_least_one_opening(project):
    with pytest.raises(DomainError) as refused:
        services.add_assistant_post(
            project_id=project.pk,
            by=solver_user(project),
            title="助理",
            openings=0,
            created_on=DAY0,
        )
    assert refused.value.code == "POST-INVALID"
    assert priorities(project) == []
