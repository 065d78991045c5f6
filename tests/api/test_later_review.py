"""API v1 expert review: experts read only their own assignments (identity hidden in a blind
round, as on their page), declare and score; the bureau and auditors read rounds with the
ranking; the round's decision shortlists the proposal; who may not; constant queries."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from jiebang.api.models import ApiScope
from jiebang.core import clock
from jiebang.orgs.enums import Role
from jiebang.proposals import selection
from jiebang.proposals.enums import ProposalState
from jiebang.review import services as review_services
from jiebang.review.enums import AssignmentState
from jiebang.review.models import Assignment
from tests.api.later_support import (
    API,
    FAST_HASHERS,
    assert_error,
    built_once,
    counted_get,
    post_json,
    token,
)
from tests.factories import UserFactory
from tests.projects.support import BUILD_AT, on
from tests.proposals.builders import published_demand
from tests.proposals.test_selection import SCORES, submitted_proposal
from tests.review.builders import expert

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day")]

DAY = dt.date(2026, 3, 3)  # the rounds close a week after BUILD_AT


def new_round(rows, reviewer, *, blind=True, open_it=True):
    """A 专家评榜 round over the chain's proposal with `reviewer` assigned by hand."""
    review_round = review_services.create_round(
        call=rows.demand.call,
        kind="proposal_review",
        title="专家评榜",
        targets=[rows.proposal],
        experts_per_item=1,
        max_load=5,
        blind=blind,
        criteria=rows.demand.call.proposal_review_criteria,
        deadline=clock.now() + dt.timedelta(days=6),
        by=rows.bureau,
    )
    assignment = review_services.assign_expert(
        round_id=review_round.pk,
        item_id=review_round.items.get().pk,
        expert_id=reviewer.pk,
        by=rows.bureau,
    )
    if open_it:
        review_services.open_round(round_id=review_round.pk, by=rows.bureau)
    return review_round, assignment


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    """A proposal under review in an open blind round with one expert assigned; a second
    expert, the bureau and an auditor."""
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
            rows.round, rows.assignment = new_round(rows, rows.expert)
        yield rows


@pytest.fixture
def day(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY):
        yield


def test_an_expert_declares_and_scores_blind_and_the_bureau_decides(client, chain):
    expert = token(chain.expert.user)
    url = f"{API}/review/assignments/{chain.assignment.pk}"

    mine = client.get(f"{API}/review/assignments/", **expert).json()
    assert [a["id"] for a in mine["results"]] == [chain.assignment.pk]
    assert mine["results"][0]["item_code"] == chain.assignment.item.code
    assert mine["results"][0]["round"]["blind"] is True

    detail = client.get(f"{url}/", **expert)
    assert detail.status_code == 200, detail.content
    target = detail.json()["target"]
    assert target["identity"] == [] and target["number"] == ""
    assert target["title"] == f"揭榜方案：{chain.demand.title}"
    text = detail.content.decode()
    assert chain.proposal.lead.name not in text and chain.proposal.number not in text
    assert {c["name"] for c in detail.json()["criteria"]} == set(SCORES)

    payload = {"scores": SCORES, "comment": "方案可行", "recommendation": "support"}
    assert_error(post_json(client, f"{url}/score/", payload, expert), 400, "DECLARE-FIRST")
    declared = post_json(client, f"{url}/declare/", {"decision": "no_conflict"}, expert)
    assert declared.status_code == 200 and declared.json()["state"] == AssignmentState.DECLARED
    wrong = {**payload, "scores": {**SCORES, "不存在的指标": "1"}}
    assert_error(post_json(client, f"{url}/score/", wrong, expert), 400, "SCORE-INVALID")
    scored = post_json(client, f"{url}/score/", payload, expert)
    assert scored.status_code == 200, scored.content
    assert scored.json()["state"] == AssignmentState.SUBMITTED
    assert scored.json()["score"]["total"] == "88.00"
    assert scored.json()["score"]["recommendation_display"] == "建议支持"

    auditor = token(chain.auditor)
    panel = client.get(f"{API}/review/rounds/{chain.round.pk}/", **auditor).json()
    item = panel["items"][0]
    assert item["target"]["identity"][0]["label"] == "揭榜单位"
    assert chain.proposal.lead.name in item["target"]["identity"][0]["value"]
    assert [(a["expert"], a["total"]) for a in item["assignments"]] == [
        (chain.expert.person.name, "88.00")
    ]
    assert panel["ranking"][0]["rank"] == 1 and panel["ranking"][0]["mean"] == "88.00"

    review_services.close_round(round_id=chain.round.pk, by=chain.bureau)
    decided = post_json(
        client,
        f"{API}/proposals/{chain.proposal.pk}/review_outcome/",
        {"shortlisted": True},
        token(chain.bureau),
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == ProposalState.SHORTLISTED
    assert chain.round.items.get().decision == "approve"


def test_an_open_round_shows_the_applicant_and_a_recusal_needs_a_reason(client, chain):
    _round, assignment = new_round(chain, chain.other_expert, blind=False)
    headers = token(chain.other_expert.user)
    url = f"{API}/review/assignments/{assignment.pk}"
    identity = client.get(f"{url}/", **headers).json()["target"]["identity"]
    assert identity[0] == {"label": "揭榜单位", "value": identity[0]["value"]}
    assert chain.proposal.lead.name in identity[0]["value"]

    assert_error(
        post_json(client, f"{url}/declare/", {"decision": "conflict"}, headers),
        400,
        "REASON-REQUIRED",
    )
    recused = post_json(
        client, f"{url}/declare/", {"decision": "conflict", "reason": "曾为该单位顾问"}, headers
    )
    assert recused.status_code == 200 and recused.json()["state"] == AssignmentState.RECUSED
    assert_error(client.get(f"{url}/", **headers), 404, "NOT-FOUND")  # gone from the list


def test_who_may_not(client, chain):
    url = f"{API}/review/assignments/{chain.assignment.pk}"
    other = token(chain.other_expert.user)
    assert_error(client.get(f"{url}/", **other), 404, "NOT-FOUND")
    assert_error(
        post_json(client, f"{url}/declare/", {"decision": "no_conflict"}, other), 404, "NOT-FOUND"
    )
    bureau = token(chain.bureau)
    assert_error(client.get(f"{API}/review/assignments/", **bureau), 403, "PERMISSION-DENIED")
    assert_error(client.get(f"{API}/review/rounds/", **other), 403, "PERMISSION-DENIED")
    assert_error(client.get(f"{API}/review/rounds/{chain.round.pk}/"), 401, "NOT-AUTHENTICATED")
    read_only = token(chain.expert.user, scopes=[ApiScope.READ])
    assert client.get(f"{url}/", **read_only).status_code == 200
    assert_error(
        post_json(client, f"{url}/declare/", {"decision": "no_conflict"}, read_only),
        403,
        "PERMISSION-DENIED",
    )
    assert Assignment.objects.get(pk=chain.assignment.pk).state == AssignmentState.ASSIGNED


def test_list_queries_do_not_grow_with_rows(client, chain):
    reviewer = expert("光伏 组件 清洗")
    headers, bureau = token(reviewer.user), token(chain.bureau)
    new_round(chain, reviewer, open_it=False)
    one, body = counted_get(client, f"{API}/review/assignments/", headers)
    assert body["count"] == 1
    rounds_one, rounds = counted_get(client, f"{API}/review/rounds/", bureau)
    assert rounds["count"] == 2 and rounds["results"][0]["item_count"] == 1
    for _ in range(2):
        new_round(chain, reviewer, open_it=False)
    three, body = counted_get(client, f"{API}/review/assignments/", headers)
    assert body["count"] == 3
    assert one == three
    rounds_three, rounds = counted_get(client, f"{API}/review/rounds/?state=draft", bureau)
    assert rounds["count"] == 3
    assert rounds_one == rounds_three
