"""API v1 review rounds run by the bureau: candidates, a round created over them, experts
assigned automatically or by hand, opened, scored by the expert over the API, closed and
decided; auditors and experts may not manage."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from jiebang.orgs.enums import Role
from jiebang.proposals import selection
from jiebang.proposals.enums import ProposalState
from jiebang.review.enums import RoundKind, RoundState
from jiebang.review.models import ReviewRound
from tests.api.later_support import API, FAST_HASHERS, assert_error, built_once, post_json, token
from tests.factories import UserFactory
from tests.projects.support import BUILD_AT, on
from tests.proposals.builders import published_demand
from tests.proposals.test_selection import SCORES, submitted_proposal
from tests.review.builders import expert

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day")]

DAY = dt.date(2026, 3, 3)
DEADLINE = "2026-03-09T17:30:00+08:00"


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    """A proposal sent to review and not yet in a round, two experts, the bureau, an auditor."""
    with built_once(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            demand = published_demand()
            bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
            proposal = submitted_proposal(demand, team_start=900)
            selection.confirm_eligibility(
                proposal_id=proposal.pk, eligible=True, reason="", by=bureau
            )
            selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
            rows = SimpleNamespace(
                demand=demand,
                bureau=bureau,
                auditor=UserFactory(roles=[Role.AUDITOR]),
                proposal=proposal,
                expert=expert("风电 叶片 覆冰 监测"),
                other_expert=expert("储能 电池 热管理"),
            )
        yield rows


@pytest.fixture
def day(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY):
        yield


def create(client, chain, headers, **overrides):
    payload = {
        "kind": RoundKind.PROPOSAL_REVIEW,
        "target_ids": [chain.proposal.pk],
        "experts_per_item": 1,
        "deadline": DEADLINE,
        **overrides,
    }
    return post_json(client, f"{API}/review/rounds/", payload, headers)


def test_the_bureau_runs_a_round_from_creation_to_decision(client, chain):
    bureau = token(chain.bureau)
    rounds = f"{API}/review/rounds"
    offered = client.get(f"{rounds}/candidates/?kind=proposal_review", **bureau).json()
    assert [c["id"] for c in offered] == [chain.proposal.pk]

    created = create(client, chain, bureau)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == RoundState.DRAFT and body["title"].endswith("专家评榜")
    assert [c["name"] for c in body["criteria"]] == [
        c["name"] for c in chain.demand.call.proposal_review_criteria
    ]
    url = f"{rounds}/{body['id']}"
    # Now in an undecided round: no longer a candidate, and not twice.
    assert client.get(f"{rounds}/candidates/?kind=proposal_review", **bureau).json() == []
    again = assert_error(create(client, chain, bureau), 400, "TARGET-INVALID")
    assert again["details"] == [{"code": "TARGET-INVALID", "id": chain.proposal.pk}]

    assert_error(post_json(client, f"{url}/open/", {}, bureau), 400, "NO-ASSIGNMENTS")
    assigned = post_json(client, f"{url}/auto_assign/", {}, bureau)
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assigned"] == 1 and assigned.json()["feasible"] is True
    opened = post_json(client, f"{url}/open/", {}, bureau)
    assert opened.status_code == 200, opened.content
    assert opened.json()["state"] == RoundState.OPEN
    item = opened.json()["items"][0]
    assert_error(
        post_json(client, f"{url}/unassign/", {"assignment": 999999}, bureau), 404, "NOT-FOUND"
    )

    chosen = next(
        e
        for e in (chain.expert, chain.other_expert)
        if e.person.name == item["assignments"][0]["expert"]
    )
    expert_headers = token(chosen.user)
    task = client.get(f"{API}/review/assignments/", **expert_headers).json()["results"][0]
    task_url = f"{API}/review/assignments/{task['id']}"
    post_json(client, f"{task_url}/declare/", {"decision": "no_conflict"}, expert_headers)
    scored = post_json(
        client,
        f"{task_url}/score/",
        {"scores": SCORES, "comment": "方案可行", "recommendation": "support"},
        expert_headers,
    )
    assert scored.status_code == 200, scored.content

    closed = post_json(client, f"{url}/close/", {}, bureau)
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == RoundState.CLOSED
    assert closed.json()["ranking"][0]["mean"] == "88.00"

    assert_error(
        post_json(client, f"{url}/decide/", {"item": item["id"], "approved": False}, bureau),
        400,
        "REASON-REQUIRED",
    )
    decided = post_json(client, f"{url}/decide/", {"item": item["id"], "approved": True}, bureau)
    assert decided.status_code == 200, decided.content
    chain.proposal.refresh_from_db()
    assert chain.proposal.state == ProposalState.SHORTLISTED


def test_a_manual_assignment_respects_conflicts_and_can_be_removed(client, chain):
    bureau = token(chain.bureau)
    body = create(
        client,
        chain,
        bureau,
        title="手工分配",
        criteria=[
            {"name": "技术路线", "weight": "60", "max_score": "60"},
            {"name": "团队实力", "weight": "40", "max_score": "40"},
        ],
    ).json()
    url = f"{API}/review/rounds/{body['id']}"
    assert [c["name"] for c in body["criteria"]] == ["技术路线", "团队实力"]
    item_id = body["items"][0]["id"]
    done = post_json(
        client, f"{url}/assign/", {"item": item_id, "expert": chain.other_expert.pk}, bureau
    )
    assert done.status_code == 200, done.content
    assignment = done.json()["items"][0]["assignments"][0]
    assert assignment["expert"] == chain.other_expert.person.name
    removed = post_json(client, f"{url}/unassign/", {"assignment": assignment["id"]}, bureau)
    assert removed.status_code == 200, removed.content
    assert removed.json()["items"][0]["assignments"] == []


def test_only_the_bureau_manages_rounds(client, chain):
    for user in (chain.auditor, chain.expert.user, chain.proposal.created_by):
        headers = token(user)
        assert_error(create(client, chain, headers), 403, "PERMISSION-DENIED")
        assert_error(
            client.get(f"{API}/review/rounds/candidates/?kind=proposal_review", **headers), 403
        )
    assert not ReviewRound.objects.exists()
    draft = create(client, chain, token(chain.bureau)).json()
    auditor = token(chain.auditor)
    assert client.get(f"{API}/review/rounds/{draft['id']}/", **auditor).status_code == 200
    assert_error(post_json(client, f"{API}/review/rounds/{draft['id']}/open/", {}, auditor), 403)
    assert_error(
        client.get(f"{API}/review/rounds/candidates/?kind=acceptance", **token(chain.bureau)),
        400,
        "INVALID",
    )
