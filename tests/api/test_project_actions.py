"""API v1 立项, acceptance rounds and the rest of the project page's actions: every action of
the page is offered over HTTP with the page's permission and the page's service, and answers
with the project."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from jiebang.orgs.enums import Role
from jiebang.projects.enums import ChangeState, DisbursementState, ProjectState
from jiebang.projects.models import Project
from jiebang.projects.services.initiation import fiscal_total_for
from jiebang.projects.views import ACTIONS as PAGE_ACTIONS
from jiebang.review.enums import RoundKind
from tests.api.later_support import API, FAST_HASHERS, assert_error, built_once, post_json, token
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import pdf_upload
from tests.projects.builders import (
    issuer_user,
    selected_proposal,
    solver_user,
    to_final_submitted,
)
from tests.projects.support import BUILD_AT, DAY0, approve, on, pay, started

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    with built_once(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            proposal, bureau = selected_proposal()
            outsider = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
        yield SimpleNamespace(proposal=proposal, bureau=bureau, outsider=outsider)


@pytest.fixture
def day0(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY0):
        yield


def initiation_payload(proposal, **overrides) -> dict:
    contract, total = Decimal("6000000.00"), Decimal("8000000.00")
    fiscal = fiscal_total_for(proposal, contract)
    own = total - fiscal
    payload = {
        "proposal": proposal.pk,
        "agreement_file": pdf_upload("三方协议.pdf"),
        "agreement_signed_on": (DAY0 - dt.timedelta(days=3)).isoformat(),
        "contract_amount": str(contract),
        "total_investment": str(total),
        "start_on": DAY0.isoformat(),
        "period_months": 24,
        "milestones": json.dumps(
            [
                {"title": "样机研制完成", "due_on": "2027-01-31", "deliverable": "样机1台"},
                {"title": "现场试验", "due_on": "2027-11-30", "deliverable": "试验报告"},
            ],
            ensure_ascii=False,
        ),
        "budget": json.dumps(
            [
                {"category": "business", "source": "fiscal", "amount": str(fiscal)},
                {"category": "equipment", "source": "self", "amount": str(own)},
            ]
        ),
    }
    payload.update(overrides)
    return payload


def test_every_action_of_the_project_page_is_offered_over_the_api():
    for name in PAGE_ACTIONS:
        assert reverse(f"api-project-{name.replace('_', '-')}", args=[1]).endswith(f"/{name}/")


def test_the_bureau_initiates_a_selected_proposal_over_http(client, chain):
    bureau = token(chain.bureau)
    waiting = client.get(f"{API}/projects/awaiting_initiation/", **bureau).json()
    assert [row["id"] for row in waiting["results"]] == [chain.proposal.pk]

    solver = token(chain.proposal.created_by)
    assert_error(client.post(f"{API}/projects/", initiation_payload(chain.proposal), **solver), 403)
    assert_error(client.get(f"{API}/projects/awaiting_initiation/", **solver), 403)

    unbalanced = initiation_payload(
        chain.proposal,
        budget=json.dumps([{"category": "business", "source": "fiscal", "amount": "1.00"}]),
    )
    assert_error(client.post(f"{API}/projects/", unbalanced, **bureau), 400, "BUDGET-MISMATCH")
    not_json = initiation_payload(chain.proposal, milestones="[{")
    body = assert_error(client.post(f"{API}/projects/", not_json, **bureau), 400)
    assert body["details"] == [{"milestones": ["值必须是有效的 JSON 数据。"]}], body
    assert not Project.objects.filter(proposal=chain.proposal).exists()

    created = client.post(f"{API}/projects/", initiation_payload(chain.proposal), **bureau)
    assert created.status_code == 201, created.content
    project = created.json()
    assert project["state"] == ProjectState.INITIATED
    assert project["code"].startswith(f"JB-{DAY0.year}-XM-")
    assert [m["title"] for m in project["milestones"]] == ["样机研制完成", "现场试验"]
    assert "disbursement_cancel" in project["allowed_actions"]

    again = client.post(f"{API}/projects/", initiation_payload(chain.proposal), **bureau)
    assert_error(again, 404)
    assert client.get(f"{API}/projects/awaiting_initiation/", **bureau).json()["count"] == 0


def test_the_solver_runs_the_project_and_the_bureau_decides_over_http(client, chain):
    project = started(chain.proposal, chain.bureau)
    url = f"{API}/projects/{project.pk}"
    solver, bureau = token(solver_user(project)), token(chain.bureau)

    spent = client.post(
        f"{url}/expenditure/",
        {
            "category": "equipment",
            "source": "self",
            "amount": "120000.00",
            "spent_on": DAY0.isoformat(),
            "description": "购置试验台",
            "voucher": pdf_upload("发票.pdf"),
        },
        **solver,
    )
    assert spent.status_code == 200, spent.content
    assert [e["amount"] for e in spent.json()["expenditures"]] == ["120000.00"]

    milestone = project.milestones.order_by("due_on").first()
    done = post_json(
        client,
        f"{url}/milestone/",
        {"milestone_id": milestone.pk, "completed_on": DAY0.isoformat(), "note": "提前完成"},
        solver,
    )
    assert done.status_code == 200, done.content
    milestone.refresh_from_db()
    assert milestone.completed_on == DAY0

    extension = {"kind": "extension", "extension_months": 6, "reason": "设备到货延迟"}
    filed = post_json(client, f"{url}/change/", extension, solver)
    assert filed.status_code == 200, filed.content
    change_id = filed.json()["change_requests"][0]["id"]
    assert_error(post_json(client, f"{url}/change/", extension, solver), 400, "CHANGE-PENDING")
    assert_error(
        post_json(
            client, f"{url}/change_decision/", {"change_id": change_id, "approved": True}, solver
        ),
        403,
    )
    decided = post_json(
        client, f"{url}/change_decision/", {"change_id": change_id, "approved": True}, bureau
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["change_requests"][0]["state"] == ChangeState.APPROVED
    project.refresh_from_db()
    assert project.planned_end > project.original_end

    post = post_json(
        client,
        f"{url}/post/",
        {"title": "科研助理", "openings": 2, "created_on": DAY0.isoformat()},
        solver,
    )
    assert post.status_code == 200, post.content
    post_id = post.json()["assistant_posts"][0]["id"]
    hired = post_json(
        client,
        f"{url}/hire/",
        {
            "post_id": post_id,
            "name": "李四",
            "school": "新疆大学",
            "graduation_year": 2026,
            "hired_on": DAY0.isoformat(),
        },
        solver,
    )
    assert hired.status_code == 200, hired.content
    assert hired.json()["assistant_posts"][0]["hires"][0]["school"] == "新疆大学"

    assert_error(post_json(client, f"{url}/post/", {}, token(issuer_user(project))), 403)
    assert_error(post_json(client, f"{url}/post/", {}, token(chain.outsider)), 404)


def test_the_bureau_cancels_an_approved_disbursement_and_reviews_a_report(client, chain):
    project = started(chain.proposal, chain.bureau)
    url = f"{API}/projects/{project.pk}"
    bureau = token(chain.bureau)
    pay(project, "1000000.00", by=chain.bureau)
    disbursement = approve(project, "100000.00", by=chain.bureau)
    no_reason = post_json(
        client, f"{url}/disbursement_cancel/", {"disbursement_id": disbursement.pk}, bureau
    )
    assert_error(no_reason, 400, "INVALID")
    cancelled = post_json(
        client,
        f"{url}/disbursement_cancel/",
        {"disbursement_id": disbursement.pk, "reason": "金额有误"},
        bureau,
    )
    assert cancelled.status_code == 200, cancelled.content
    disbursement.refresh_from_db()
    assert disbursement.state == DisbursementState.CANCELLED

    report = project.reports.order_by("sequence").first()
    client.post(
        f"{url}/report/",
        {"report_id": report.pk, "progress": "进展顺利"},
        **token(solver_user(project)),
    )
    reviewed = post_json(
        client, f"{url}/report_review/", {"report_id": report.pk, "note": "已阅"}, bureau
    )
    assert reviewed.status_code == 200, reviewed.content
    report.refresh_from_db()
    assert report.state == "reviewed"
    assert_error(
        post_json(
            client, f"{url}/report_review/", {"report_id": report.pk, "note": "再阅"}, bureau
        ),
        409,
        "REPORT-STATE",
    )


def test_the_bureau_starts_an_acceptance_round_over_http(client, chain):
    project = to_final_submitted(started(chain.proposal, chain.bureau), chain.bureau)
    bureau = token(chain.bureau)
    payload = {
        "project_ids": [project.pk],
        "title": "2026年度项目验收评审",
        "deadline": "2026-04-10T17:30:00+08:00",
        "experts_per_item": 3,
    }
    assert_error(
        post_json(
            client, f"{API}/projects/acceptance_round/", payload, token(solver_user(project))
        ),
        403,
    )
    started_round = post_json(client, f"{API}/projects/acceptance_round/", payload, bureau)
    assert started_round.status_code == 201, started_round.content
    body = started_round.json()
    assert body["kind"] == RoundKind.ACCEPTANCE and body["item_count"] == 1
    assert body["state"] == "draft"
    assert_error(
        post_json(client, f"{API}/projects/acceptance_round/", payload, bureau),
        400,
        "ACCEPTANCE-ROUND-EXISTS",
    )
