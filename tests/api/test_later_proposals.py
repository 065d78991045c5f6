"""API v1 proposals (揭榜申请): take a demand, fill, submit (findings with their catalogue
codes), withdraw; the issuer's matching desk; the bureau's selection desk up to 开榜; who may
not; a constant query count on the list."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from jiebang.api.models import ApiScope
from jiebang.demands.enums import DemandState
from jiebang.notices.models import Announcement, PublicNotice
from jiebang.orgs.enums import Role, VerificationState
from jiebang.proposals import selection, services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from tests.api.later_support import (
    API,
    FAST_HASHERS,
    assert_error,
    built_once,
    counted_get,
    patch_json,
    post_json,
    token,
)
from tests.factories import OrganizationFactory, UserFactory, make_id_number
from tests.helpers import pdf_upload
from tests.projects.support import BUILD_AT, on
from tests.proposals.builders import published_demand, solver, tech_enterprise
from tests.proposals.test_selection import submitted_proposal

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day")]

# Inside the demand's solicitation period (published on BUILD_AT for 20 days).
DAY = dt.date(2026, 3, 3)


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    """A published demand, a solver unit without a proposal yet, a submitted proposal of
    another solver, the bureau, and people who may not act."""
    with built_once(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            demand = published_demand()
            lead, applicant = solver()
            rows = SimpleNamespace(
                demand=demand,
                issuer=demand.created_by,
                lead=lead,
                applicant=applicant,
                partner=tech_enterprise(),
                submitted=submitted_proposal(demand, team_start=900),
                bureau=UserFactory(roles=[Role.BUREAU_OFFICER]),
                expert=UserFactory(roles=[Role.EXPERT]),
                outsider=UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]),
            )
        yield rows


@pytest.fixture
def day(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY):
        yield


def test_a_solver_takes_fills_and_submits_a_proposal(client, chain):
    solver_headers = token(chain.applicant)
    taken = post_json(client, f"{API}/proposals/", {"demand": chain.demand.pk}, solver_headers)
    assert taken.status_code == 201, taken.content
    body = taken.json()
    assert body["state"] == ProposalState.DRAFT and body["state_display"] == "草稿"
    assert (
        body["lead"]["id"] == chain.lead.pk and body["issuer"]["id"] == chain.issuer.organization_id
    )
    url = f"{API}/proposals/{body['id']}"

    again = post_json(client, f"{API}/proposals/", {"demand": chain.demand.pk}, solver_headers)
    assert assert_error(again, 400, "PROPOSAL-EXISTS")["details"] == [
        {"proposal_id": body["id"], "state": "draft"}
    ]

    filled = patch_json(
        client,
        f"{url}/",
        {
            "technical_plan": "基于多光谱成像与深度学习的叶片覆冰识别方案。",
            "budget_total": "5000000",
            "schedule": "24个月",
            "members": [{"uscc": chain.partner.uscc, "work_share": "40", "tasks": "样机研制"}],
            "team": [
                {"name": f"揭榜人{930 + i}", "id_number": make_id_number(930 + i, "19820202")}
                for i in range(3)
            ],
            "answers": [
                {"indicator": i.pk, "answer": "采用多光谱相机，识别准确率可达96%"}
                for i in chain.demand.indicators.all()
            ],
            "ip_items": [
                {
                    "kind": "invention_patent",
                    "number": "ZL202210000002.3",
                    "owner": chain.lead.name,
                    "legal_status": "有效",
                }
            ],
        },
        solver_headers,
    )
    assert filled.status_code == 200, filled.content
    detail = filled.json()
    assert detail["budget_total"] == "5000000.00"
    assert [m["work_share"] for m in detail["members"]] == ["60.00", "40.00"]
    assert all(t["id_masked"].startswith("6501") and "*" in t["id_masked"] for t in detail["team"])
    assert "19820202" not in filled.content.decode()

    for kind in ("plan", "consortium_agreement", "commit_unit", "commit_leader"):
        uploaded = client.post(
            f"{url}/attachments/",
            {"kind": kind, "file": pdf_upload(f"{kind}.pdf")},
            **solver_headers,
        )
        assert uploaded.status_code == 201, uploaded.content
    wrong = client.post(
        f"{url}/attachments/", {"kind": "other", "file": pdf_upload("wrong.pdf")}, **solver_headers
    )
    assert wrong.status_code == 201, wrong.content
    assert (
        client.delete(
            f"{url}/attachments/{wrong.json()['id']}/", **token(chain.outsider)
        ).status_code
        == 404
    )
    assert (
        client.delete(f"{url}/attachments/{wrong.json()['id']}/", **solver_headers).status_code
        == 204
    )
    assert_error(client.delete(f"{url}/attachments/{wrong.json()['id']}/", **solver_headers), 404)
    assert len(client.get(f"{url}/", **solver_headers).json()["attachments"]) == 4
    precheck = client.get(f"{url}/precheck/", **solver_headers).json()
    assert not [f for f in precheck if f["blocks"]], precheck

    submitted = client.post(f"{url}/submit/", **solver_headers)
    assert submitted.status_code == 201, submitted.content
    receipt = submitted.json()
    assert len(receipt["digest"]) == 64 and receipt["version"] == 1
    detail = client.get(f"{url}/", **solver_headers).json()
    assert detail["state"] == ProposalState.SUBMITTED
    assert detail["number"] == receipt["receipt_number"] == detail["receipt"]["receipt_number"]
    assert len(detail["attachments"]) == 4
    assert_error(client.post(f"{url}/submit/", **solver_headers), 409, "PROPOSAL-ALREADY-SUBMITTED")


def test_submission_findings_carry_the_catalogue_codes(client, chain):
    draft = services.create_proposal(demand=chain.demand, org=chain.lead, by=chain.applicant)
    refused = client.post(f"{API}/proposals/{draft.pk}/submit/", **token(chain.applicant))
    body = assert_error(refused, 400, "PROPOSAL-INELIGIBLE")
    codes = {d["code"] for d in body["details"]}
    assert "SOLVER-PLAN" in codes
    assert all(d["blocks"] and d["clause"] and d["message"] for d in body["details"])
    draft.refresh_from_db()
    assert draft.state == ProposalState.DRAFT and draft.number is None


def test_the_issuer_records_matching_preference_and_agreement(client, chain):
    proposal = chain.submitted
    issuer = token(chain.issuer)
    url = f"{API}/proposals/{proposal.pk}"
    matching = post_json(
        client,
        f"{url}/matching/",
        {"kind": "site_visit", "participants": "双方技术负责人", "summary": "考察样机试验条件"},
        issuer,
    )
    assert matching.status_code == 201, matching.content
    assert matching.json()["kind_display"] == "实地考察"
    assert matching.json()["held_on"] == DAY.isoformat()
    ranked = post_json(client, f"{url}/preference/", {"rank": 1, "note": "首选"}, issuer)
    assert ranked.status_code == 200 and ranked.json()["issuer_rank"] == 1
    agreement = client.post(
        f"{url}/agreement/",
        {
            "contract_amount": "6000000",
            "signed_on": DAY.isoformat(),
            "file": pdf_upload("协议.pdf"),
        },
        **issuer,
    )
    assert agreement.status_code == 201, agreement.content
    assert agreement.json()["contract_amount"] == "6000000.00"
    assert agreement.json()["file"]["url"].startswith("/files/")
    assert_error(
        post_json(
            client,
            f"{url}/matching/",
            {"kind": "meeting", "participants": "x", "summary": "y"},
            token(chain.applicant),
        ),
        404,
        "NOT-FOUND",
    )


def test_the_bureau_checks_eligibility_publicizes_and_closes(client, chain):
    proposal = chain.submitted
    bureau = token(chain.bureau)
    url = f"{API}/proposals/{proposal.pk}"

    assert_error(
        post_json(client, f"{url}/eligibility/", {"eligible": False}, bureau),
        400,
        "REASON-REQUIRED",
    )
    eligible = post_json(client, f"{url}/eligibility/", {"eligible": True}, bureau)
    assert eligible.status_code == 200 and eligible.json()["state"] == ProposalState.ELIGIBLE
    assert client.post(f"{url}/to_review/", **bureau).json()["state"] == ProposalState.UNDER_REVIEW
    assert_error(
        post_json(client, f"{url}/review_outcome/", {"shortlisted": True}, bureau),
        400,
        "REVIEW-ITEM-MISSING",
    )
    # The round's decision itself is covered in test_later_review.
    selection.record_review_outcome(
        proposal_id=proposal.pk, shortlisted=True, reason="", by=chain.bureau
    )

    assert_error(
        post_json(
            client, f"{API}/proposals/publicize/", {"demand": chain.demand.pk, "ids": []}, bureau
        ),
        400,
        "NOTHING-SELECTED",
    )
    publicized = post_json(
        client,
        f"{API}/proposals/publicize/",
        {"demand": chain.demand.pk, "ids": [proposal.pk]},
        bureau,
    )
    assert publicized.status_code == 200, publicized.content
    assert [p["state"] for p in publicized.json()["proposals"]] == [ProposalState.PUBLICIZED]
    notice = PublicNotice.objects.get(pk=publicized.json()["notice"])
    ends_at = publicized.json()["notice_ends_at"]
    assert ends_at.endswith("23:59:59+08:00")
    assert dt.datetime.fromisoformat(ends_at) == notice.ends_at

    close = {"demand": chain.demand.pk}
    assert_error(
        post_json(client, f"{API}/proposals/close_demand/", close, bureau), 400, "TOO-EARLY"
    )
    after = chain.demand.solicitation_deadline + dt.timedelta(days=8)
    with time_machine.travel(after, tick=False):
        closed = post_json(client, f"{API}/proposals/close_demand/", close, bureau)
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == DemandState.MATCHED
    assert [p["id"] for p in closed.json()["selected"]] == [proposal.pk]
    announcement = Announcement.objects.get(pk=closed.json()["announcement"])
    assert announcement.title == f"开榜公告：{chain.demand.title}"


def test_who_may_not(client, chain):
    draft = services.create_proposal(demand=chain.demand, org=chain.lead, by=chain.applicant)
    draft_url = f"{API}/proposals/{draft.pk}"
    submitted_url = f"{API}/proposals/{chain.submitted.pk}"

    assert_error(client.get(f"{API}/proposals/", **token(chain.expert)), 403, "PERMISSION-DENIED")
    assert_error(client.get(f"{API}/proposals/"), 401, "NOT-AUTHENTICATED")
    assert_error(client.get(f"{draft_url}/", **token(chain.outsider)), 404, "NOT-FOUND")
    issuer = token(chain.issuer)
    assert_error(client.get(f"{draft_url}/", **issuer), 404, "NOT-FOUND")  # drafts stay private
    assert client.get(f"{submitted_url}/", **issuer).status_code == 200
    assert_error(client.post(f"{submitted_url}/submit/", **issuer), 403, "PERMISSION-DENIED")
    assert_error(
        post_json(client, f"{submitted_url}/eligibility/", {"eligible": True}, issuer),
        403,
        "PERMISSION-DENIED",
    )
    read_only = token(chain.applicant, scopes=[ApiScope.READ])
    assert client.get(f"{draft_url}/", **read_only).status_code == 200
    assert_error(patch_json(client, f"{draft_url}/", {"schedule": "12个月"}, read_only), 403)

    unverified = OrganizationFactory(verification_state=VerificationState.PENDING)
    newcomer = UserFactory(organization=unverified, roles=[Role.APPLICANT])
    assert_error(
        post_json(client, f"{API}/proposals/", {"demand": chain.demand.pk}, token(newcomer)),
        400,
        "ORG-UNVERIFIED",
    )
    assert not Proposal.objects.filter(lead=unverified).exists()

    solver_headers = token(chain.applicant)
    assert_error(
        post_json(client, f"{draft_url}/withdraw/", {"reason": ""}, solver_headers), 400, "INVALID"
    )
    withdrawn = post_json(
        client, f"{draft_url}/withdraw/", {"reason": "改由联合体成员牵头"}, solver_headers
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == ProposalState.WITHDRAWN
    assert_error(client.post(f"{draft_url}/submit/", **solver_headers), 409, "PROPOSAL-STATE")


def test_proposal_list_queries_do_not_grow_with_rows(client, chain):
    headers = token(chain.applicant)
    services.create_proposal(demand=chain.demand, org=chain.lead, by=chain.applicant)
    one, body = counted_get(client, f"{API}/proposals/", headers)
    assert body["count"] == 1
    for _ in range(2):
        services.create_proposal(demand=chain.demand, org=chain.lead, by=chain.applicant)
    three, body = counted_get(client, f"{API}/proposals/", headers)
    assert body["count"] == 3
    assert one == three
    assert body["results"][0]["demand"]["title"] == chain.demand.title
    bureau = token(chain.bureau)
    submitted_only = client.get(f"{API}/proposals/?state=submitted", **bureau).json()
    assert [p["id"] for p in submitted_only["results"]] == [chain.submitted.pk]
