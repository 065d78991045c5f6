"""The issuer's matchmaking pages and the bureau's selection desk."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core import clock
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.notices.models import Announcement, PublicNotice
from jiebang.orgs.enums import Role
from jiebang.proposals import selection, services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import MatchingRecord, Proposal
from tests.factories import UserFactory
from tests.helpers import pdf_upload
from tests.proposals.builders import complete_proposal, published_demand

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def submitted(demand, team_start=900):
    proposal, user, _ = complete_proposal(demand, team_start=team_start)
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    return Proposal.objects.get(pk=proposal.pk), user


def test_issuer_records_a_meeting_and_the_agreement_from_the_page(client):
    demand = published_demand()
    proposal, solver_user = submitted(demand)
    client.force_login(demand.created_by)
    assert proposal.number in client.get("/proposals/received/").content.decode()
    response = client.post(
        f"/desk/proposals/{proposal.pk}/issuer/matching/",
        {
            "kind": "site_visit",
            "held_on": "2026-12-01",
            "place": "风电场",
            "participants": "双方负责人",
            "summary": "现场考察",
        },
        follow=True,
    )
    assert "已记录对接情况" in response.content.decode()
    assert MatchingRecord.objects.filter(proposal=proposal, kind="site_visit").exists()
    response = client.post(
        f"/desk/proposals/{proposal.pk}/issuer/agreement/",
        {"contract_amount": "5200000", "signed_on": "2026-12-05", "file": pdf_upload("协议.pdf")},
        follow=True,
    )
    assert "已登记：合同金额 5200000.00 元（520.00 万元）" in response.content.decode()
    # The solver may read its own proposal here but not act as the issuer.
    client.force_login(solver_user)
    assert client.get(f"/desk/proposals/{proposal.pk}/").status_code == 200
    assert (
        client.post(f"/desk/proposals/{proposal.pk}/issuer/preference/", {"rank": "1"}).status_code
        == 403
    )
    outsider = UserFactory(organization=UserFactory().organization or None, roles=[Role.APPLICANT])
    client.force_login(outsider)
    assert client.get(f"/desk/proposals/{proposal.pk}/").status_code == 404


def test_bureau_confirms_eligibility_and_others_cannot(client):
    demand = published_demand()
    proposal, solver_user = submitted(demand)
    client.force_login(demand.created_by)
    assert client.post(f"/desk/proposals/{proposal.pk}/bureau/eligible/").status_code == 403
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(bureau)
    response = client.post(f"/desk/proposals/{proposal.pk}/bureau/eligible/", follow=True)
    assert "已办理" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.ELIGIBLE


@time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=clock.BEIJING), tick=False)
def test_publicize_opens_a_working_day_notice_then_closing_announces_the_result(client):
    # A fixed date inside the seeded holiday calendar: notices need the year's holidays.
    demand = published_demand()
    proposal, _ = submitted(demand)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    selection.confirm_eligibility(proposal_id=proposal.pk, eligible=True, reason="", by=bureau)
    selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
    selection.record_review_outcome(proposal_id=proposal.pk, shortlisted=True, reason="", by=bureau)
    client.force_login(bureau)
    response = client.post(
        f"/bureau/selection/{demand.pk}/publicize/", {"ids": [proposal.pk]}, follow=True
    )
    assert "已公示，公示期至" in response.content.decode()
    notice = PublicNotice.objects.get()
    assert notice.working_days == demand.call.notice_working_days and notice.ends_at > clock.now()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PUBLICIZED
    with time_machine.travel(
        max(notice.ends_at, demand.solicitation_deadline) + dt.timedelta(days=1), tick=False
    ):
        client.force_login(bureau)
        response = client.post(f"/bureau/selection/{demand.pk}/close/", follow=True)
    assert "已开榜并发布公告" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.MATCHED
    assert Announcement.objects.filter(title__startswith="开榜公告").exists()
    results = client.get("/results/").content.decode()
    assert demand.title in results and proposal.lead.name in results and "揭榜成功" in results


@pytest.mark.parametrize("page", ["received", "selection"])
def test_desk_lists_query_count_is_constant(client, page):
    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    viewer = demand.created_by if page == "received" else bureau
    url = "/proposals/received/" if page == "received" else "/bureau/selection/"
    submitted(demand, team_start=900)
    client.force_login(viewer)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    submitted(demand, team_start=910)
    submitted(demand, team_start=920)
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as three:
        page_html = client.get(url).content.decode()
    assert page_html.count("<code>JB-") == 3
    assert len(one.captured_queries) == len(three.captured_queries)


def test_bureau_starts_a_proposal_review_round_from_the_page(client):
    from jiebang.review.models import ReviewRound

    demand = published_demand()
    proposal, _ = submitted(demand)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    selection.confirm_eligibility(proposal_id=proposal.pk, eligible=True, reason="", by=bureau)
    selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
    client.force_login(bureau)
    page = client.get("/review/rounds/new/?kind=proposal_review").content.decode()
    assert proposal.number in page
    deadline = clock.beijing(clock.now() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S")
    criteria = "\n".join(
        f"{c['name']},{c['weight']},{c['weight']}" for c in demand.call.proposal_review_criteria
    )
    response = client.post(
        "/review/rounds/new/",
        {
            "kind": "proposal_review",
            "title": "专家评榜",
            "experts_per_item": "3",
            "max_load": "5",
            "blind": "on",
            "deadline": deadline,
            "criteria_text": criteria,
            "ids": [proposal.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    review_round = ReviewRound.objects.get(kind="proposal_review")
    assert response["Location"] == f"/review/rounds/{review_round.pk}/"
    assert list(review_round.items.values_list("target_id", flat=True)) == [proposal.pk]
