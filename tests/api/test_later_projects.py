"""API v1 projects and disbursements: the page's actions over HTTP with the page's
permissions, TECH-CONTRACT as a rule refusal, finance as strings, scoped reads, and
constant query counts on the lists."""

from types import SimpleNamespace

import pytest
import time_machine

from jiebang.api.models import ApiScope
from jiebang.orgs.enums import Role
from jiebang.projects.enums import DisbursementState, ProjectState
from jiebang.projects.models import Disbursement, IssuerPayment
from tests.api.later_support import (
    API,
    FAST_HASHERS,
    assert_error,
    built_once,
    counted_get,
    post_json,
    token,
)
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import pdf_upload
from tests.projects.builders import (
    initiate,
    issuer_user,
    selected_proposal,
    selected_race_proposals,
    solver_user,
)
from tests.projects.support import BUILD_AT, DAY0, approve, on, pay, started

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    """Three selected proposals (one ordinary, two horse-race routes) and an outsider unit,
    built once for the module and rolled back after it."""
    with built_once(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            proposal, bureau = selected_proposal()
            race_a, race_b, _race_bureau = selected_race_proposals()
            outsider = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
        yield SimpleNamespace(
            proposal=proposal, bureau=bureau, race=(race_a, race_b), outsider=outsider
        )


@pytest.fixture
def day0(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY0):
        yield


def test_contract_payment_check_disbursement_and_finance_over_http(client, chain):
    project = initiate(chain.proposal, chain.bureau)
    solver, issuer, bureau = (
        token(solver_user(project)),
        token(issuer_user(project)),
        token(chain.bureau),
    )
    url = f"{API}/projects/{project.pk}"

    contract = client.post(
        f"{url}/contract/",
        {"number": "2026650102000123", "registered_on": DAY0.isoformat()},
        **solver,
    )
    assert contract.status_code == 200, contract.content
    assert contract.json()["state"] == ProjectState.IN_PROGRESS
    assert contract.json()["state_display"] == "实施中"
    assert contract.json()["tech_contract_registered_on"] == "2026-04-01"

    payment = client.post(
        f"{url}/payment/",
        {
            "amount": "6000000",
            "paid_on": DAY0.isoformat(),
            "reference": "LS-API-1",
            "voucher": pdf_upload("付款凭证.pdf"),
        },
        **issuer,
    )
    assert payment.status_code == 201, payment.content
    assert payment.json()["amount"] == "6000000.00"
    assert payment.json()["state"] == "recorded"

    checked = post_json(
        client,
        f"{url}/payment_check/",
        {"payment_id": payment.json()["id"], "confirmed": True},
        bureau,
    )
    assert checked.status_code == 200, checked.content
    assert checked.json()["state"] == "confirmed"

    approved = post_json(
        client, f"{url}/disburse/", {"trigger": "initiation", "amount": "540000"}, bureau
    )
    assert approved.status_code == 201, approved.content
    assert approved.json()["amount"] == "540000.00"
    assert approved.json()["trigger_display"] == "立项后"
    paid = client.post(
        f"{url}/disbursement_paid/",
        {
            "disbursement_id": approved.json()["id"],
            "paid_on": DAY0.isoformat(),
            "voucher": pdf_upload("拨付凭证.pdf"),
        },
        **bureau,
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["state"] == DisbursementState.PAID

    detail = client.get(f"{url}/", **solver).json()
    assert detail["contract_amount"] == "6000000.00"
    assert detail["fiscal_total"] == "1800000.00"
    assert detail["disbursed_paid"] == "540000.00"
    finance = detail["finance"]
    assert [row["amount"] for row in finance["plan"]] == ["540000.00", "720000.00", "540000.00"]
    assert finance["paid_confirmed"] == "6000000.00"
    assert finance["available_now"] == "0.00"
    assert [p["state"] for p in detail["payments"]] == ["confirmed"]
    assert all("*" in member["id_masked"] for member in detail["team"])
    assert {"contract", "report", "final"} <= set(detail["allowed_actions"])
    assert "disburse" not in detail["allowed_actions"]

    listed = client.get(f"{API}/disbursements/?state=paid&trigger=initiation", **issuer).json()
    assert [d["id"] for d in listed["results"]] == [approved.json()["id"]]
    assert listed["results"][0]["project"]["code"] == project.code


def test_a_disbursement_without_a_registered_contract_is_refused_with_tech_contract(client, chain):
    project = initiate(chain.proposal, chain.bureau)
    refused = post_json(
        client,
        f"{API}/projects/{project.pk}/disburse/",
        {"trigger": "initiation", "amount": "100000.00"},
        token(chain.bureau),
    )
    body = assert_error(refused, 400, "TECH-CONTRACT")
    assert body["details"][0]["code"] == "TECH-CONTRACT"
    assert body["details"][0]["clause"]
    assert not Disbursement.objects.filter(project=project).exists()


def test_who_may_not_read_or_act(client, chain):
    project = started(chain.proposal, chain.bureau)
    url = f"{API}/projects/{project.pk}"
    solver = token(solver_user(project))

    body = assert_error(
        post_json(client, f"{url}/disburse/", {"trigger": "initiation", "amount": "1"}, solver),
        403,
        "PERMISSION-DENIED",
    )
    assert body["details"] == []
    assert_error(
        client.post(
            f"{url}/payment/",
            {"amount": "1", "paid_on": DAY0.isoformat(), "reference": "X", "voucher": pdf_upload()},
            **solver,
        ),
        403,
        "PERMISSION-DENIED",
    )
    assert not IssuerPayment.objects.filter(project=project).exists()

    outsider = token(chain.outsider)
    assert_error(client.get(f"{url}/", **outsider), 404, "NOT-FOUND")
    assert client.get(f"{API}/projects/", **outsider).json()["count"] == 0
    assert client.get(f"{API}/disbursements/", **outsider).json()["count"] == 0

    read_only = token(chain.bureau, scopes=[ApiScope.READ])
    assert client.get(f"{url}/", **read_only).status_code == 200
    assert_error(
        post_json(client, f"{url}/terminate/", {"reason": "严重违约"}, read_only),
        403,
        "PERMISSION-DENIED",
    )
    assert_error(client.get(f"{API}/projects/"), 401, "NOT-AUTHENTICATED")
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS


def test_report_midterm_achievements_final_and_acceptance(client, chain):
    project = started(chain.proposal, chain.bureau)
    url = f"{API}/projects/{project.pk}"
    solver, bureau = token(solver_user(project)), token(chain.bureau)
    report = project.reports.order_by("sequence").first()

    submitted = client.post(
        f"{url}/report/", {"report_id": report.pk, "progress": "样机设计完成。"}, **solver
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"

    wrong = post_json(
        client,
        f"{url}/midterm/",
        {"outcome": "continue", "opinion": "继续", "evaluated_on": DAY0.isoformat()},
        bureau,
    )
    assert_error(wrong, 400, "MIDTERM-OUTCOME")
    passed = post_json(
        client,
        f"{url}/midterm/",
        {"outcome": "passed", "opinion": "合格", "evaluated_on": DAY0.isoformat()},
        bureau,
    )
    assert passed.status_code == 200, passed.content
    assert passed.json()["midterm_passed_on"] == DAY0.isoformat()

    for indicator in project.indicators.all():
        saved = client.post(
            f"{url}/achievement/",
            {
                "indicator_id": indicator.pk,
                "achieved_value": "97%",
                "achieved": "true",
                "evidence": pdf_upload("检测报告.pdf"),
            },
            **solver,
        )
        assert saved.status_code == 200, saved.content
        assert saved.json()["achieved"] is True
    final = client.post(f"{url}/final/", {"summary": "全部指标完成。"}, **solver)
    assert final.status_code == 200, final.content
    assert final.json()["state"] == ProjectState.FINAL_SUBMITTED

    accepted = post_json(
        client, f"{url}/acceptance/", {"outcome": "passed", "opinion": "同意通过验收。"}, bureau
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == ProjectState.ACCEPTED
    assert accepted.json()["acceptance_outcome_display"] == "通过"


def test_the_bureau_terminates_a_project(client, chain):
    project = started(chain.proposal, chain.bureau)
    done = post_json(
        client,
        f"{API}/projects/{project.pk}/terminate/",
        {"reason": "揭榜方严重违约"},
        token(chain.bureau),
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == ProjectState.TERMINATED
    assert done.json()["funding_stopped"] is True


def test_project_list_queries_do_not_grow_with_rows(client, chain):
    bureau = token(chain.bureau)
    first = started(chain.proposal, chain.bureau)
    one, body = counted_get(client, f"{API}/projects/", bureau)
    assert [p["code"] for p in body["results"]] == [first.code]
    assert body["results"][0]["contract_amount"] == "6000000.00"
    for proposal in chain.race:
        initiate(proposal, chain.bureau)
    three, body = counted_get(client, f"{API}/projects/", bureau)
    assert body["count"] == 3
    assert one == three
    race_only = client.get(f"{API}/projects/?is_race=true", **bureau).json()
    assert race_only["count"] == 2


def test_disbursement_list_queries_do_not_grow_with_rows(client, chain):
    bureau = token(chain.bureau)
    project = started(chain.proposal, chain.bureau)
    pay(project, "6000000.00", by=chain.bureau)
    approve(project, "100000.00", by=chain.bureau)
    url = f"{API}/disbursements/?call={project.call_id}&project={project.pk}"
    one, body = counted_get(client, url, bureau)
    assert body["count"] == 1 and body["results"][0]["amount"] == "100000.00"
    approve(project, "100000.00", by=chain.bureau)
    approve(project, "100000.00", by=chain.bureau)
    three, body = counted_get(client, url, bureau)
    assert body["count"] == 3
    assert one == three
    assert_error(client.get(f"{API}/disbursements/?project=abc", **bureau), 400, "INVALID")
