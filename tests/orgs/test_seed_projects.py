"""`manage.py seed_demo`'s demo projects (`_seed_projects`): replayed through the services at
past dates, one in each stage, each exactly once however often the seed runs."""

import datetime as dt
import io

import docx
import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command

from jiebang.calls.models import Call
from jiebang.core import clock
from jiebang.core.models import AuditEntry, Notification
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.notices.models import NoticeState, PublicNotice
from jiebang.orgs.enums import CityProjectStatus
from jiebang.orgs.management.commands._seed_projects import (
    CALL_2025_NAME,
    STORIES,
    history_ends,
    replay_at,
)
from jiebang.orgs.management.commands.seed_demo import DEMO_PASSWORD
from jiebang.projects import documents
from jiebang.projects.enums import (
    DisbursementState,
    PaymentState,
    ProjectState,
    ReportState,
    Trigger,
)
from jiebang.projects.models import (
    Disbursement,
    FinalReport,
    IssuerPayment,
    MidtermEvaluation,
    ProgressReport,
    Project,
)
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from tests.orgs.support import login_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> list[int]:
    return [
        model.objects.count()
        for model in (
            Call,
            Demand,
            Proposal,
            PublicNotice,
            Project,
            IssuerPayment,
            Disbursement,
            ProgressReport,
            MidtermEvaluation,
            FinalReport,
            AuditEntry,
            Notification,
        )
    ]


def project_in(state: str) -> Project:
    return Project.objects.select_related("proposal__created_by", "solver", "call").get(state=state)


def test_one_project_in_each_stage_exactly_once_with_accounts_that_log_in():
    first = seed()
    before = counts()
    second = seed()
    assert counts() == before  # the second run writes nothing
    assert "演示项目：新建3，已存在0。" in first and "演示项目：新建0，已存在3。" in second

    states = sorted(Project.objects.values_list("state", flat=True))
    assert states == sorted(
        [ProjectState.INITIATED, ProjectState.IN_PROGRESS, ProjectState.FINAL_SUBMITTED]
    )
    for project in Project.objects.select_related("proposal__created_by", "demand", "solver"):
        # From a demand closed as matched after its public notice, through the services.
        assert project.demand.state == DemandState.MATCHED
        assert project.proposal.state == ProposalState.SELECTED
        notice = PublicNotice.objects.get(subject_id=project.demand_id)
        assert notice.state == NoticeState.CLOSED
        assert notice.ends_at < project.initiated_at
        assert project.city_project.status == CityProjectStatus.ONGOING
        assert AuditEntry.objects.filter(action="project.initiated", target_id=str(project.pk))
        # The solver's account logs in with the demo password and is printed beside it.
        owner = project.proposal.created_by
        assert owner.organization == project.solver
        assert (
            authenticate(login_request(), username=owner.username, password=DEMO_PASSWORD) == owner
        )
        line = next(line for line in first.splitlines() if project.code in line)
        assert f"账号 {owner.username}" in line and project.get_state_display() in line
        # Dated in the past, within the years of the holiday calendar.
        assert dt.date(2024, 1, 1) <= clock.beijing(project.initiated_at).date()
        assert project.initiated_at <= history_ends() <= clock.now()

    # (a) just initiated: no technology contract, no money yet; the demo applicant's unit.
    initiated = project_in(ProjectState.INITIATED)
    assert initiated.proposal.created_by.username == "applicant"
    assert not initiated.has_tech_contract and not initiated.payments.exists()
    assert not initiated.disbursements.exists()

    # (b) in progress: contract registered, a confirmed payment, the first instalment
    # approved and paid, one progress report submitted.
    running = project_in(ProjectState.IN_PROGRESS)
    assert running.call.name == CALL_2025_NAME
    assert running.has_tech_contract
    assert list(running.payments.values_list("state", flat=True)) == [PaymentState.CONFIRMED]
    paid = running.disbursements.get()
    assert (paid.trigger, paid.state) == (Trigger.INITIATION, DisbursementState.PAID)
    assert paid.paid_on <= clock.today()
    submitted = running.reports.filter(state=ReportState.SUBMITTED)
    assert list(submitted.values_list("sequence", flat=True)) == [1]
    assert not running.reports.exclude(state=ReportState.DUE).exclude(sequence=1).exists()
    assert running.midterm_passed_on is None

    # (c) mid-term passed, final report submitted: awaiting acceptance.
    final = project_in(ProjectState.FINAL_SUBMITTED)
    assert final.proposal.created_by.username == "research_admin"
    assert final.midterm_passed_on is not None
    assert final.midterms.get().outcome == "passed"
    assert final.final_reports.count() == 1
    assert final.proposal.members.count() == 2  # a consortium
    assert set(final.disbursements.values_list("trigger", "state")) == {
        (Trigger.INITIATION, DisbursementState.PAID),
        (Trigger.MIDTERM_PASSED, DisbursementState.PAID),
    }
    assert not final.indicators.filter(achieved_value="").exists()
    assert not final.reports.filter(state=ReportState.DUE).exists()

    # The task book prints for a seeded project, with its registered contract number.
    book = docx.Document(io.BytesIO(documents.task_book_docx(final)))
    cells = [cell.text for table in book.tables for row in table.rows for cell in row.cells]
    assert any(final.code in p.text for p in book.paragraphs) and final.code in cells
    assert final.tech_contract_number in cells and final.solver.name in cells


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=clock.BEIJING), tick=False)
def test_before_the_stories_end_no_project_is_seeded():
    output = seed()
    assert "演示项目：演示项目的历史截至" in output
    assert not Project.objects.exists() and not Call.objects.filter(name=CALL_2025_NAME)


def test_replay_at_moves_now_and_today_and_restores_them():
    real = clock.now()
    moment = dt.datetime(2025, 3, 4, 10, 0, tzinfo=clock.BEIJING)
    with replay_at(moment):
        assert clock.now() == moment and clock.today() == dt.date(2025, 3, 4)
    assert clock.now() >= real


def test_every_story_moment_lies_in_the_calendar_years():
    for story in STORIES:
        assert dt.datetime(2024, 1, 1, tzinfo=clock.BEIJING) <= story.initiated_at
        assert story.initiated_at <= history_ends()
    assert history_ends().year == 2026
