"""Project pages: 立项 form, the project page's actions (kept input on refusal), who may
see and do what, and constant query counts on the lists."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core import clock
from jiebang.orgs.enums import Role
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Disbursement, ProgressReport, Project
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import pdf_upload
from tests.projects.builders import (
    initiate,
    issuer_user,
    pay,
    register_contract,
    selected_proposal,
    selected_race_proposals,
    solver_user,
    to_final_submitted,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def initiation_post(**overrides):
    today = clock.today()
    data = {
        "contract_amount": "6000000.00",
        "total_investment": "8000000.00",
        "start_on": today.isoformat(),
        "period_months": "24",
        "period_justification": "",
        "agreement_signed_on": today.isoformat(),
        "milestone_1_title": "样机研制完成",
        "milestone_1_due_on": today.isoformat(),
        "milestone_1_deliverable": "样机1台",
        "budget_business_fiscal": "1800000.00",
        "budget_equipment_self": "3100000.00",
        "budget_labour_self": "3100000.00",
        "agreement_file": pdf_upload("三方协议.pdf"),
    }
    data.update(overrides)
    return data


def test_bureau_initiates_from_the_awaiting_list_and_a_mistake_keeps_what_was_typed(client):
    proposal, bureau = selected_proposal()
    client.force_login(bureau)
    awaiting = client.get("/projects/initiation/").content.decode()
    assert proposal.number in awaiting
    page = client.get(f"/projects/initiation/{proposal.pk}/").content.decode()
    assert "立项" in page and proposal.lead.name in page

    wrong = client.post(
        f"/projects/initiation/{proposal.pk}/",
        initiation_post(budget_business_fiscal="1700000.00", budget_labour_self="3200000.00"),
    )
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "财政资金预算合计1700000.00元，应等于财政资助总额1800000.00元" in text
    assert 'value="样机研制完成"' in text and 'value="1700000.00"' in text
    assert not Project.objects.exists()

    done = client.post(f"/projects/initiation/{proposal.pk}/", initiation_post())
    project = Project.objects.get(proposal=proposal)
    assert done.status_code == 302 and done["Location"] == f"/projects/{project.pk}/"
    assert project.fiscal_total == Decimal("1800000.00")
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert project.code in detail and "未登记：登记前不能拨付财政资金" in detail
    assert client.get("/projects/initiation/").content.decode().count(proposal.number) == 0


def test_only_the_bureau_initiates(client):
    proposal, _bureau = selected_proposal()
    client.force_login(proposal.created_by)
    assert client.get(f"/projects/initiation/{proposal.pk}/").status_code == 403
    assert client.post(f"/projects/initiation/{proposal.pk}/", initiation_post()).status_code == 403
    assert client.get("/projects/initiation/").status_code == 403
    assert not Project.objects.exists()


def test_refused_disbursement_shows_the_rule_and_keeps_the_amount(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    client.force_login(bureau)
    response = client.post(
        f"/projects/{project.pk}/disburse/",
        {"trigger": "initiation", "amount": "540000.00", "note": "首期"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "尚未登记技术合同" in text and 'value="540000.00"' in text
    assert not Disbursement.objects.exists()

    register_contract(project)
    pay(project, Decimal("6000000.00"))
    ok = client.post(
        f"/projects/{project.pk}/disburse/", {"trigger": "initiation", "amount": "540000.00"}
    )
    assert ok.status_code == 302
    assert Disbursement.objects.get(project=project).amount == Decimal("540000.00")


def test_who_may_act_on_a_project(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    report = project.reports.first()
    stranger = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])

    client.force_login(stranger)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert (
        client.post(f"/projects/{project.pk}/report/", {"report_id": report.pk}).status_code == 404
    )

    client.force_login(issuer_user(project))
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    # The issuer reads the project but does not report for the solver, nor fund it.
    refused = client.post(
        f"/projects/{project.pk}/report/", {"report_id": report.pk, "progress": "代写"}
    )
    assert refused.status_code == 403
    assert (
        client.post(
            f"/projects/{project.pk}/disburse/", {"trigger": "initiation", "amount": "1"}
        ).status_code
        == 403
    )

    client.force_login(solver_user(project))
    assert (
        client.post(
            f"/projects/{project.pk}/midterm/",
            {"outcome": "passed", "opinion": "自评合格", "evaluated_on": clock.today()},
        ).status_code
        == 403
    )
    assert ProgressReport.objects.get(pk=report.pk).state == "due"
    assert Project.objects.get(pk=project.pk).midterm_passed_on is None

    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert (
        client.post(f"/projects/{project.pk}/terminate/", {"reason": "审计发现问题"}).status_code
        == 403
    )
    assert Project.objects.get(pk=project.pk).state == ProjectState.IN_PROGRESS


def test_an_empty_progress_report_is_refused_and_a_second_submit_changes_nothing(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    report = project.reports.first()
    client.force_login(solver_user(project))
    empty = client.post(
        f"/projects/{project.pk}/report/",
        {"report_id": report.pk, "progress": "", "problems": "设备到货延迟"},
    )
    assert empty.status_code == 400 and "设备到货延迟" in empty.content.decode()
    first = client.post(
        f"/projects/{project.pk}/report/", {"report_id": report.pk, "progress": "完成样机设计"}
    )
    assert first.status_code == 302
    second = client.post(
        f"/projects/{project.pk}/report/", {"report_id": report.pk, "progress": "重复提交"}
    )
    assert second.status_code == 400 and "请勿重复提交" in second.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).progress == "完成样机设计"


def test_project_list_query_count_is_constant_and_units_see_only_theirs(client):
    a, b, bureau = selected_race_proposals()
    first = initiate(a, bureau, contract_amount=Decimal("5000000.00"))
    client.force_login(bureau)
    client.get("/projects/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/projects/").status_code == 200
    initiate(b, bureau, contract_amount=Decimal("5000000.00"))
    third_proposal, _ = selected_proposal(team_start=1200)
    initiate(third_proposal, bureau)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/projects/")
    assert page.content.decode().count("data-project=") == 3
    assert len(one.captured_queries) == len(three.captured_queries)

    client.force_login(solver_user(first))
    mine = client.get("/projects/").content.decode()
    assert mine.count("data-project=") == 1 and first.code in mine


def test_project_page_query_count_does_not_grow_with_its_rows(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    pay(project, Decimal("1000000.00"))
    client.force_login(bureau)
    url = f"/projects/{project.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    pay(project, Decimal("1000000.00"))
    pay(project, Decimal("1000000.00"))
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert page.content.decode().count("data-payment=") == 3
    assert len(one.captured_queries) == len(three.captured_queries)


def test_awaiting_initiation_query_count_is_constant(client):
    a, b, bureau = selected_race_proposals()
    initiate(b, bureau, contract_amount=Decimal("5000000.00"))
    client.force_login(bureau)
    client.get("/projects/initiation/")
    with CaptureQueriesContext(connection) as one:
        page = client.get("/projects/initiation/")
    assert a.number in page.content.decode() and b.number not in page.content.decode()
    selected_proposal(team_start=1300)
    selected_proposal(team_start=1400)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/projects/initiation/")
    assert page.content.decode().count('href="/projects/initiation/') == 3
    assert len(one.captured_queries) == len(three.captured_queries)


def test_bureau_starts_an_acceptance_round_from_the_list_and_others_cannot(client):
    import datetime as dt

    from jiebang.review.models import ReviewRound

    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    to_final_submitted(project, bureau)
    deadline = (clock.beijing(clock.now()) + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "ids": [project.pk],
        "title": "2026年度验收评审",
        "deadline": deadline,
        "experts_per_item": "3",
    }

    client.force_login(solver_user(project))
    assert client.post("/projects/acceptance-round/", form).status_code == 403
    assert not ReviewRound.objects.exists()

    client.force_login(bureau)
    listing = client.get("/projects/?state=final_submitted").content.decode()
    assert "发起验收评审" in listing and f'value="{project.pk}"' in listing
    response = client.post("/projects/acceptance-round/", form)
    review_round = ReviewRound.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/review/rounds/{review_round.pk}/"
    )
    assert review_round.kind == "acceptance" and review_round.items.get().target_id == project.pk
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="review-summary"' in page and "2026年度验收评审" in page


def test_every_project_action_is_refused_to_those_not_allowed(client):
    """The whole action registry: the solver may not do the bureau's actions, the issuer
    neither the bureau's nor the solver's, the auditor nothing; a refusal writes nothing."""
    from jiebang.core.models import AuditEntry
    from jiebang.projects.views import ACTIONS, MANAGE, RUN

    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    auditor = UserFactory(roles=[Role.AUDITOR])
    refusals = 0
    for name, action in ACTIONS.items():
        refused = [auditor]
        if MANAGE in action.perms and RUN not in action.perms:
            refused += [solver_user(project), issuer_user(project)]
        elif RUN in action.perms and MANAGE not in action.perms:
            refused += [issuer_user(project)]
        elif action.perms == ("projects.record_payment",):
            refused += [solver_user(project)]  # 技术攻关: the issuer pays
        for user in refused:
            client.force_login(user)
            before = AuditEntry.objects.count()
            response = client.post(f"/projects/{project.pk}/{name}/", {})
            assert response.status_code == 403, (name, user.username)
            assert AuditEntry.objects.count() == before
            refusals += 1
    assert refusals >= 2 * len(ACTIONS)
