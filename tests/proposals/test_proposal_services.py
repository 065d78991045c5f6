"""Proposals to a published demand: creation window, consortium, authoritative check, receipt."""

import datetime as dt

import pytest
import time_machine

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.orgs.enums import RelationKind
from jiebang.orgs.models import OrgRelation
from jiebang.proposals import services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal, ProposalVersion
from tests.proposals.builders import complete_proposal, published_demand, solver, tech_enterprise

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def codes(error):
    return {d["code"] for d in error.details}


def test_a_complete_two_member_consortium_submits_with_a_receipt():
    demand = published_demand()
    proposal, user, partner = complete_proposal(demand)
    version = services.submit_proposal(proposal_id=proposal.pk, by=user)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert version.receipt_number == proposal.number and proposal.number.startswith(
        f"JB-{demand.call.year}-PTB-"
    )
    assert [m["name"] for m in version.content["members"]] == [proposal.lead.name, partner.name]
    assert "PRIORITY-INDUSTRY-ACADEMIA" in {f["code"] for f in version.findings}
    with pytest.raises(DomainError) as again:
        services.submit_proposal(proposal_id=proposal.pk, by=user)
    assert again.value.code == "PROPOSAL-ALREADY-SUBMITTED"
    assert ProposalVersion.objects.count() == 1


def test_an_affiliated_member_is_refused_and_the_chain_is_named():
    demand = published_demand()
    middle = tech_enterprise(name="中间控股有限公司")
    partner = tech_enterprise(name="关联科技有限公司")
    # partner holds shares of middle, middle is subordinate to the issuer: a chain of two.
    OrgRelation.objects.create(
        subject=partner,
        object=middle,
        kind=RelationKind.SHAREHOLDING,
        percent=51,
        created_at=clock.now(),
    )
    OrgRelation.objects.create(
        subject=middle,
        object=demand.organization,
        kind=RelationKind.SUBORDINATE,
        created_at=clock.now(),
    )
    proposal, user, _ = complete_proposal(demand, partner=partner)
    with pytest.raises(DomainError) as refused:
        services.submit_proposal(proposal_id=proposal.pk, by=user)
    affiliated = [d for d in refused.value.details if d["code"] == "SOLVER-AFFILIATED"]
    assert affiliated
    message = affiliated[0]["message"]
    assert (
        message.index("关联科技有限公司")
        < message.index("中间控股有限公司")
        < message.index(demand.organization.name)
    )
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.DRAFT


def test_no_proposal_after_the_solicitation_deadline_or_by_the_issuer():
    demand = published_demand()
    lead, user = solver()
    with (
        time_machine.travel(demand.solicitation_deadline + dt.timedelta(seconds=1), tick=False),
        pytest.raises(DomainError) as late,
    ):
        services.create_proposal(demand=demand, org=lead, by=user)
    assert late.value.code == "WINDOW-SUBMIT"
    with pytest.raises(DomainError) as own:
        services.create_proposal(demand=demand, org=demand.organization, by=demand.created_by)
    assert own.value.code == "SELF-PROPOSAL"


def test_submitting_at_the_last_second_passes_and_one_second_later_fails():
    demand = published_demand()
    on_time, user, _ = complete_proposal(demand, team_start=910)
    late, late_user, _ = complete_proposal(demand, team_start=920)
    with time_machine.travel(demand.solicitation_deadline, tick=False):
        services.submit_proposal(proposal_id=on_time.pk, by=user)
    with (
        time_machine.travel(demand.solicitation_deadline + dt.timedelta(seconds=1), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        services.submit_proposal(proposal_id=late.pk, by=late_user)
    assert "WINDOW-SUBMIT" in codes(refused.value)


def test_proposals_count_towards_the_person_load_of_later_applications():
    demand = published_demand()
    first, user, _ = complete_proposal(demand, team_start=930)
    services.submit_proposal(proposal_id=first.pk, by=user)
    second, user2, _ = complete_proposal(demand, team_start=930)
    services.submit_proposal(proposal_id=second.pk, by=user2)  # 1 other + this = 2
    third, user3, _ = complete_proposal(demand, team_start=930)
    with pytest.raises(DomainError) as refused:
        services.submit_proposal(proposal_id=third.pk, by=user3)
    assert "LIM-PERSON-LOAD" in codes(refused.value)


def test_consortium_members_must_be_registered_and_distinct():
    demand = published_demand()
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    with pytest.raises(DomainError) as refused:
        services.set_members(
            proposal=proposal, by=user, members=[{"uscc": lead.uscc, "work_share": "10"}]
        )
    assert refused.value.code == "MEMBER-DUPLICATE"
    with pytest.raises(DomainError) as refused:
        services.set_members(
            proposal=proposal, by=user, members=[{"uscc": "91650100MA00000000", "work_share": "10"}]
        )
    assert refused.value.code == "ORG-NOT-FOUND"


def test_the_issuer_records_meetings_and_the_agreement_and_others_cannot():
    demand = published_demand()
    proposal, user, _ = complete_proposal(demand)
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    issuer = demand.created_by
    record = services.record_matching(
        proposal_id=proposal.pk,
        by=issuer,
        kind="site_visit",
        held_on=clock.today(),
        place="达坂城风电场",
        participants="双方技术负责人",
        summary="现场查看叶片覆冰情况，确认指标。",
    )
    assert record.proposal == proposal
    with pytest.raises(DomainError) as refused:
        services.record_matching(
            proposal_id=proposal.pk,
            by=user,
            kind="meeting",
            held_on=clock.today(),
            place="",
            participants="x",
            summary="x",
        )
    assert refused.value.code == "FORBIDDEN"
    from tests.helpers import pdf_upload

    agreement = services.record_agreement(
        proposal_id=proposal.pk,
        by=issuer,
        contract_amount="5000000.00",
        signed_on=clock.today(),
        uploaded_file=pdf_upload("协议.pdf"),
    )
    assert (
        str(agreement.contract_amount) == "5000000.00" and agreement.attachment.file_type == "pdf"
    )
    with pytest.raises(DomainError) as twice:
        services.record_agreement(
            proposal_id=proposal.pk,
            by=issuer,
            contract_amount="1",
            signed_on=clock.today(),
            uploaded_file=pdf_upload(),
        )
    assert twice.value.code == "AGREEMENT-EXISTS"
    services.set_issuer_preference(proposal_id=proposal.pk, by=issuer, rank=1, note="首选")
    proposal.refresh_from_db()
    assert proposal.issuer_rank == 1


def test_a_draft_proposal_is_invisible_to_the_issuer():
    from jiebang.proposals.selectors import proposals_visible_to

    demand = published_demand()
    proposal, user, partner = complete_proposal(demand)
    assert not proposals_visible_to(demand.created_by).filter(pk=proposal.pk).exists()
    assert proposals_visible_to(user).filter(pk=proposal.pk).exists()
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    assert proposals_visible_to(demand.created_by).filter(pk=proposal.pk).exists()
