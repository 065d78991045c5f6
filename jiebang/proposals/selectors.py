"""Reads of proposals and the snapshot the solver rules check."""

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from jiebang.core import clock
from jiebang.demands.enums import DemandState
from jiebang.demands.selectors import call_params, org_snapshot, people_snapshots
from jiebang.eligibility.snapshots import (
    CallParams,
    IPItemSnapshot,
    MemberSnapshot,
    ProposalCheck,
    ProposalSnapshot,
)
from jiebang.orgs.enums import AccountState, RelationKind, Role
from jiebang.orgs.selectors import relation_chain
from jiebang.proposals.enums import AWAITING_MATCHING_STATES, EDITABLE_STATES, ProposalState
from jiebang.proposals.models import (
    ConsortiumMember,
    MatchingRecord,
    Proposal,
    ProposalTeamMember,
)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """A unit sees the proposals it leads or is a member of; the issuer sees proposals to its
    demands once submitted; the bureau and auditors see all."""
    qs = Proposal.objects.select_related("demand__organization", "lead")
    if not user.is_authenticated or user.account_state != AccountState.ACTIVE:
        return qs.none()
    if user.has_role(Role.BUREAU_OFFICER) or user.has_role(Role.AUDITOR):
        return qs
    if not user.organization_id:
        return qs.none()
    # EXISTS, not a join on the members plus DISTINCT: each proposal once without sorting
    # and comparing whole rows (the DISTINCT made loading one proposal cost ~8 ms).
    return qs.filter(
        Q(Exists(_unit_is_member(user)))
        | (Q(demand__organization_id=user.organization_id) & ~Q(state="draft"))
    )


def _unit_is_member(user) -> QuerySet[ConsortiumMember]:
    return ConsortiumMember.objects.filter(
        proposal_id=OuterRef("pk"), organization_id=user.organization_id
    )


def own_proposals(user) -> QuerySet[Proposal]:
    """我的揭榜: the proposals the user's unit leads or is a consortium member of."""
    return proposals_visible_to(user).filter(Exists(_unit_is_member(user)))


def selection_desk_list(params) -> QuerySet[Proposal]:
    """The selection desk's rows for its query string (`state`; anything else: all)."""
    state = params.get("state", "")
    return selection_desk(state if state in ProposalState.values else "")


def proposal_for_check(pk) -> Proposal:
    return (
        Proposal.objects.select_related(
            "demand__organization__district", "demand__call", "route", "lead"
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.select_related("organization__district"),
            ),
            Prefetch("team", queryset=ProposalTeamMember.objects.select_related("person")),
            "indicator_answers",
            "ip_items",
            "attachments",
            "demand__indicators",
        )
        .get(pk=pk)
    )


RELATION_WORDS = {RelationKind.SUBORDINATE: "隶属于", RelationKind.SHAREHOLDING: "持有股权"}
# Read against the relation's direction: "甲 下属单位为 乙" / "甲 股东为 乙".
REVERSE_WORDS = {RelationKind.SUBORDINATE: "下属单位为", RelationKind.SHAREHOLDING: "股东为"}


def chain_words(start_id: int, chain) -> tuple[str, ...]:
    """A relation chain as words from `start_id`: ("甲公司", "持有股权", "乙公司", "隶属于", "丙")."""
    if not chain:
        return ()
    words: list[str] = []
    current = start_id
    for relation in chain:
        if relation.subject_id == current:
            here, there, verb = relation.subject, relation.object, RELATION_WORDS[relation.kind]
        else:
            here, there = relation.object, relation.subject
            verb = "被" + RELATION_WORDS[relation.kind].replace("持有股权", "持股").replace(
                "隶属于", "下属单位为"
            )
        if not words:
            words.append(here.name)
        words.extend([verb, there.name])
        current = there.pk
    return tuple(words)


def build_proposal_check(proposal: Proposal, *, user, at=None) -> tuple[ProposalCheck, CallParams]:
    at = at or clock.now()
    demand = proposal.demand
    params = call_params(demand.call)
    issuer = demand.organization
    members = []
    for member in proposal.members.all():
        chain = relation_chain(member.organization_id, issuer.pk)
        members.append(
            MemberSnapshot(
                position=member.position,
                role=member.role,
                org=org_snapshot(member.organization),
                chain_to_issuer=chain_words(member.organization_id, chain),
                work_share_percent=member.work_share,
            )
        )
    answers = {a.indicator_id: a.answer for a in proposal.indicator_answers.all()}
    snapshot = ProposalSnapshot(
        id=proposal.pk,
        demand_id=demand.pk,
        category=demand.category,
        demand_is_horse_race=demand.is_horse_race,
        route_name=proposal.route.name if proposal.route_id else "",
        technical_plan=proposal.technical_plan,
        indicator_answers=tuple((i.name, answers.get(i.pk, "")) for i in demand.indicators.all()),
        own_ip=tuple(
            IPItemSnapshot(i.kind, i.number, i.owner, i.legal_status)
            for i in proposal.ip_items.all()
        ),
        members=tuple(members),
        team=people_snapshots(
            proposal.team.all(),
            params.principal_count,
            demand.call.year,
            exclude_proposal_id=proposal.pk,
        ),
        attachment_kinds=frozenset(a.kind for a in proposal.attachments.all()),
    )
    check = ProposalCheck(
        at=at,
        today=clock.beijing(at).date(),
        applicant_active=bool(
            user.is_authenticated
            and user.account_state == AccountState.ACTIVE
            and user.organization_id == proposal.lead_id
        ),
        solicitation_deadline=demand.solicitation_deadline,
        issuer=org_snapshot(issuer),
        proposal=snapshot,
    )
    return check, params


def received_proposals(user) -> QuerySet[Proposal]:
    """Submitted proposals to the user's unit's demands (the issuer's view)."""
    return (
        Proposal.objects.filter(demand__organization_id=user.organization_id)
        .exclude(state__in=("draft", "withdrawn"))
        .select_related("demand", "lead")
        .order_by("demand_id", "issuer_rank", "submitted_at")
    )


def selection_desk(state: str = "") -> QuerySet[Proposal]:
    qs = (
        Proposal.objects.exclude(state__in=("draft", "withdrawn"))
        .select_related("demand__organization", "lead", "route")
        .order_by("demand_id", "submitted_at")
    )
    return qs.filter(state=state) if state else qs


def proposal_detail(pk) -> Proposal:
    return (
        Proposal.objects.select_related("demand__organization", "demand__call", "lead", "route")
        .prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organization")),
            Prefetch("team", queryset=ProposalTeamMember.objects.select_related("person")),
            "indicator_answers__indicator",
            "ip_items",
            "matching_records",
            "versions",
        )
        .get(pk=pk)
    )


def results() -> QuerySet:
    """Closed demands for the public 揭榜结果 page, with their selected solvers."""
    from jiebang.demands.models import Demand

    return (
        Demand.objects.filter(state__in=("matched", "unsolved"))
        .select_related("organization", "industry")
        .prefetch_related(
            Prefetch(
                "proposals",
                queryset=Proposal.objects.filter(state="selected").select_related("lead", "route"),
                to_attr="selected_proposals",
            )
        )
        .order_by("-updated_at")
    )


# The bureau's selection desk: the states it acts on, with the 待办 label of each.
SELECTION_DESK_ITEMS = (
    (ProposalState.SUBMITTED, "待资格审查的揭榜申请"),
    (ProposalState.ELIGIBLE, "待送专家评榜的揭榜申请"),
    (ProposalState.SHORTLISTED, "待公示的入围揭榜申请"),
)


def proposal_work_items(user) -> list[dict]:
    """待办 items about proposals (揭榜), one aggregate query per role:

    - applicant: the unit's proposal drafts (the lead edits them); the deadline is the
      earliest solicitation deadline among their demands still open for proposals;
    - unit accounts whose demands received proposals (the issuer): proposals still in the
      running with no matching record (揭榜对接) yet — shown once any proposal arrived;
    - bureau officers: the selection desk's eligibility checks, proposals to send to the
      expert review, and shortlisted proposals to put on public notice.
    """
    items = []
    active = user.is_authenticated and user.account_state == AccountState.ACTIVE
    if not active:
        return items
    if user.has_role(Role.APPLICANT) and user.organization_id:
        still_open = Q(
            demand__state=DemandState.PUBLISHED, demand__solicitation_deadline__gte=clock.now()
        )
        drafts = Proposal.objects.filter(
            lead_id=user.organization_id, state__in=EDITABLE_STATES
        ).aggregate(
            count=Count("id"), deadline=Min("demand__solicitation_deadline", filter=still_open)
        )
        items.append(
            {
                "label": "待填报的揭榜申请",
                "count": drafts["count"],
                "url": reverse("proposal_list"),
                "deadline": drafts["deadline"],
            }
        )
    if user.organization_id:
        unmatched = Q(state__in=AWAITING_MATCHING_STATES) & ~Q(
            Exists(MatchingRecord.objects.filter(proposal_id=OuterRef("pk")))
        )
        received = (
            Proposal.objects.filter(demand__organization_id=user.organization_id)
            .exclude(state__in=(ProposalState.DRAFT, ProposalState.WITHDRAWN))
            .aggregate(total=Count("id"), awaiting=Count("id", filter=unmatched))
        )
        if received["total"]:
            items.append(
                {
                    "label": "待对接的揭榜申请",
                    "count": received["awaiting"],
                    "url": reverse("proposal_received"),
                }
            )
    if user.has_role(Role.BUREAU_OFFICER):
        counts = Proposal.objects.aggregate(
            **{state: Count("id", filter=Q(state=state)) for state, _label in SELECTION_DESK_ITEMS}
        )
        desk = reverse("proposal_selection_desk")
        items += [
            {"label": label, "count": counts[state], "url": f"{desk}?state={state}"}
            for state, label in SELECTION_DESK_ITEMS
        ]
    return items
