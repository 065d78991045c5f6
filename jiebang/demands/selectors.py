"""Reads of demands: who may see which, and the snapshots the eligibility rules check."""

from django.db.models import Count, Prefetch, Q, QuerySet

from jiebang.core import clock
from jiebang.demands.enums import NOT_COUNTED_STATES, AttachmentKind, Category, DemandState
from jiebang.demands.models import (
    Demand,
    DemandAttachment,
    DemandTeamMember,
    OfflineDemandEntry,
    OfflineEntryPrincipal,
)
from jiebang.eligibility.snapshots import (
    CallParams,
    CityProjectSnapshot,
    CreditSnapshot,
    DemandCheck,
    DemandSnapshot,
    FinancialSnapshot,
    IndicatorSnapshot,
    IPItemSnapshot,
    OrgSnapshot,
    PersonSnapshot,
    ResearchTaskSnapshot,
    RouteSnapshot,
)
from jiebang.orgs.enums import AccountState, CityProjectStatus, Role
from jiebang.orgs.models import CityProject, CityProjectPrincipal, CreditRecord


def demands_visible_to(user) -> QuerySet[Demand]:
    """Units see their own demands; district officers their district's submitted ones; the
    bureau and auditors everything."""
    qs = Demand.objects.select_related("organization", "call", "industry")
    if not user.is_authenticated or user.account_state != AccountState.ACTIVE:
        return qs.none()
    if user.has_role(Role.BUREAU_OFFICER) or user.has_role(Role.AUDITOR):
        return qs
    scope = Q(pk__in=[])
    if user.organization_id:
        scope |= Q(organization_id=user.organization_id)
    if user.has_role(Role.DISTRICT_OFFICER) and user.district_id:
        scope |= Q(organization__district_id=user.district_id) & ~Q(state=DemandState.DRAFT)
    return qs.filter(scope)


def demands_of_unit(org) -> QuerySet[Demand]:
    return (
        Demand.objects.filter(organization=org)
        .select_related("call", "industry")
        .order_by("-updated_at", "-id")
    )


def demand_for_edit(pk) -> Demand:
    return (
        Demand.objects.select_related("organization__district", "call", "industry")
        .prefetch_related(
            "indicators",
            "financials",
            "research_tasks",
            "ip_items",
            "routes",
            Prefetch("team", queryset=DemandTeamMember.objects.select_related("person")),
            Prefetch("attachments", queryset=DemandAttachment.objects.select_related("attachment")),
        )
        .get(pk=pk)
    )


def call_params(call, *, resubmit_by=None) -> CallParams:
    """The call's rule parameters. A returned demand's window closes at its own resubmission
    deadline (`resubmit_by`, set when it was returned)."""
    return CallParams(
        year=call.year,
        submission_opens_at=call.submission_opens_at,
        submission_closes_at=resubmit_by or call.submission_closes_at,
        recommendation_deadline=call.recommendation_deadline,
        resubmission_deadline=call.resubmission_deadline,
        min_total_investment=call.min_total_investment,
        normal_max_period_months=call.normal_max_period_months,
        issuer_min_registration_years=call.issuer_min_registration_years,
        credit_lookback_years=call.credit_lookback_years,
        credit_check_extends_to_transfer=call.credit_check_extends_to_transfer,
        overdue_threshold_years=call.overdue_threshold_years,
        unit_max_ongoing_projects=call.unit_max_ongoing_projects,
        principal_count=call.principal_count,
        person_max_load=call.person_max_load,
        audit_years=tuple(call.effective_audit_years),
        race_first_phase_cap_percent=call.race_first_phase_cap_percent,
        race_min_routes=call.race_min_routes,
    )


def _credit(record: CreditRecord) -> CreditSnapshot:
    return CreditSnapshot(
        kind=record.kind,
        decided_on=record.decided_on,
        penalty_start=record.penalty_start,
        penalty_end=record.penalty_end,
        bars_city_fiscal_projects=record.bars_city_fiscal_projects,
        source_document=record.source_document,
    )


def org_snapshot(org) -> OrgSnapshot:
    credits = tuple(_credit(r) for r in CreditRecord.objects.filter(organization=org))
    projects = tuple(
        CityProjectSnapshot(
            code=p.code,
            title=p.title,
            status=p.status,
            is_rnd=p.is_rnd,
            planned_end=p.planned_end,
            accepted_on=p.accepted_on,
        )
        for p in CityProject.objects.filter(Q(organization=org) | Q(partner=org))
    )
    return OrgSnapshot(
        id=org.pk,
        name=org.name,
        kind=org.kind,
        is_independent_legal_person=org.is_independent_legal_person,
        district_name=str(org.district) if org.district_id else None,
        registered_in_city_on=org.registered_in_city_on,
        tech_certification=org.tech_certification,
        tech_certificate_valid_until=org.tech_certificate_valid_until,
        verification_state=org.verification_state,
        credit_records=credits,
        city_projects=projects,
    )


def people_snapshots(
    members,
    principal_count: int,
    year: int,
    *,
    exclude_demand_id: int | None = None,
    exclude_proposal_id: int | None = None,
) -> tuple[PersonSnapshot, ...]:
    """Snapshots of an ordered team — `members` are rows with `position`, `person` and
    `person_id` — with what counts against each person in the call year: ongoing city R&D
    projects, and other applications (demands, proposals, offline classified entries)
    that are submitted or further and not withdrawn or refused. Five queries whatever the
    team size."""
    from django.apps import apps

    from jiebang.proposals.enums import NOT_COUNTED_STATES as PROPOSAL_NOT_COUNTED

    members = list(members)
    person_ids = [m.person_id for m in members]
    credits: dict[int, list] = {pid: [] for pid in person_ids}
    for record in CreditRecord.objects.filter(person_id__in=person_ids):
        credits[record.person_id].append(_credit(record))
    ongoing: dict[int, list] = {pid: [] for pid in person_ids}
    for role in CityProjectPrincipal.objects.filter(
        person_id__in=person_ids,
        position__lte=principal_count,
        project__status=CityProjectStatus.ONGOING,
        project__is_rnd=True,
    ).select_related("project"):
        ongoing[role.person_id].append(role.project.code)
    applications: dict[int, list] = {pid: [] for pid in person_ids}
    for role in (
        DemandTeamMember.objects.filter(
            person_id__in=person_ids, position__lte=principal_count, demand__call__year=year
        )
        .exclude(demand__state__in=NOT_COUNTED_STATES)
        .exclude(demand_id=exclude_demand_id)
        .select_related("demand")
    ):
        applications[role.person_id].append(role.demand.number or role.demand.title)
    proposal_team = apps.get_model("proposals", "ProposalTeamMember")
    for role in (
        proposal_team.objects.filter(
            person_id__in=person_ids,
            position__lte=principal_count,
            proposal__demand__call__year=year,
        )
        .exclude(proposal__state__in=PROPOSAL_NOT_COUNTED)
        .exclude(proposal_id=exclude_proposal_id)
        # An initiated proposal counts once, as the ongoing project it became.
        .exclude(proposal__project__isnull=False)
        .select_related("proposal")
    ):
        applications[role.person_id].append(role.proposal.number or f"揭榜申请{role.proposal_id}")
    for role in OfflineEntryPrincipal.objects.filter(
        person_id__in=person_ids, position__lte=principal_count, entry__call__year=year
    ).select_related("entry"):
        applications[role.person_id].append(f"线下受理{role.entry.reference}")
    return tuple(
        PersonSnapshot(
            position=m.position,
            name=m.person.name,
            id_masked=m.person.id_masked,
            credit_records=tuple(credits[m.person_id]),
            ongoing_rnd_projects=tuple(ongoing[m.person_id]),
            other_applications_this_year=tuple(applications[m.person_id]),
        )
        for m in members
    )


def team_snapshots(demand: Demand, principal_count: int, year: int) -> tuple[PersonSnapshot, ...]:
    """The demand's team with what counts against each member (this demand excluded)."""
    return people_snapshots(demand.team.all(), principal_count, year, exclude_demand_id=demand.pk)


def demand_snapshot(demand: Demand, principal_count: int) -> DemandSnapshot:
    attachments = list(demand.attachments.all())
    return DemandSnapshot(
        id=demand.pk,
        category=demand.category,
        title=demand.title,
        summary=demand.summary,
        problem=demand.problem,
        time_requirement=demand.time_requirement,
        ip_terms=demand.ip_terms,
        solver_conditions=demand.solver_conditions,
        total_investment=demand.total_investment,
        period_months=demand.period_months,
        period_justification=demand.period_justification,
        is_classified=demand.is_classified,
        involves_ethics=demand.involves_ethics,
        ethics_review_record=demand.ethics_review_record,
        is_horse_race=demand.is_horse_race,
        priority_common_tech=demand.priority_common_tech,
        priority_first_set=demand.priority_first_set,
        priority_public_benefit=demand.priority_public_benefit,
        declares_end_user=demand.declares_end_user,
        commits_funding=demand.commits_funding,
        financials=tuple(
            FinancialSnapshot(f.year, f.revenue, f.rnd_spend) for f in demand.financials.all()
        ),
        research_tasks=tuple(
            ResearchTaskSnapshot(t.name, t.level, t.year, t.role)
            for t in demand.research_tasks.all()
        ),
        success_cases=demand.success_cases,
        ip_items=tuple(
            IPItemSnapshot(i.kind, i.number, i.owner, i.legal_status) for i in demand.ip_items.all()
        ),
        transfer_team=demand.transfer_team,
        indicators=tuple(
            IndicatorSnapshot(i.name, i.target_value, i.unit, i.test_method)
            for i in demand.indicators.all()
        ),
        routes=tuple(RouteSnapshot(r.name, r.rnd_investment) for r in demand.routes.all()),
        team=team_snapshots(demand, principal_count, demand.call.year),
        attachment_kinds=frozenset(a.kind for a in attachments),
        audit_report_years=frozenset(
            a.year for a in attachments if a.kind == AttachmentKind.AUDIT_REPORT and a.year
        ),
    )


def build_demand_check(demand: Demand, *, user, at=None) -> tuple[DemandCheck, CallParams]:
    """The snapshot and call parameters for checking `demand` as submitted by `user` at `at`."""
    at = at or clock.now()
    resubmit_by = None
    if demand.state == DemandState.RETURNED:
        resubmit_by = demand.resubmit_by or demand.call.resubmission_deadline
    params = call_params(demand.call, resubmit_by=resubmit_by)
    check = DemandCheck(
        at=at,
        today=clock.beijing(at).date(),
        applicant_active=bool(
            user.is_authenticated
            and user.account_state == AccountState.ACTIVE
            and user.organization_id == demand.organization_id
        ),
        org=org_snapshot(demand.organization),
        demand=demand_snapshot(demand, params.principal_count),
    )
    return check, params


def offline_entries_list():
    return (
        OfflineDemandEntry.objects.select_related("organization", "call", "recorded_by")
        .prefetch_related("offlineentryprincipal_set__person")
        .order_by("-recorded_at", "-id")
    )


# ---- desks -------------------------------------------------------------------------------

DESK_LIST_RELATED = ("organization__district", "call", "industry")


def district_queue(user, state: str | None = DemandState.SUBMITTED) -> QuerySet[Demand]:
    """A district officer's demands: its district only, never drafts."""
    if not user.district_id:
        return Demand.objects.none()
    qs = (
        Demand.objects.select_related(*DESK_LIST_RELATED)
        .filter(organization__district_id=user.district_id)
        .exclude(state=DemandState.DRAFT)
        .order_by("submitted_at", "id")
    )
    return qs.filter(state=state) if state else qs


def bureau_queue(state: str | None = DemandState.RECOMMENDED) -> QuerySet[Demand]:
    """The bureau's formal-review queue. `recommended` also includes submitted demands that
    have no district to act on them: units outside the city, and resubmissions the district
    had already recommended once its deadline has passed (see `bureau_takes_submitted`)."""
    qs = Demand.objects.select_related(*DESK_LIST_RELATED).exclude(state=DemandState.DRAFT)
    if state == DemandState.RECOMMENDED:
        qs = qs.filter(
            Q(state=DemandState.RECOMMENDED)
            | Q(state=DemandState.SUBMITTED, organization__district__isnull=True)
            | Q(
                state=DemandState.SUBMITTED,
                call__recommendation_deadline__lt=clock.now(),
                events__action="recommended",
            )
        ).distinct()
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("submitted_at", "id")


def _desk_state(params, default: str) -> str | None:
    """A desk's `state` parameter: absent → the desk's default queue; "all" or anything
    that is not a state → every state."""
    state = params.get("state", default)
    return state if state in DemandState.values else None


def _by_category(qs: QuerySet[Demand], params) -> QuerySet[Demand]:
    category = params.get("category", "")
    return qs.filter(category=category) if category in Category.values else qs


def district_desk_list(user, params) -> QuerySet[Demand]:
    """The district desk's rows for its query string (`state`, `category`): the page and
    its Excel export read the same rows."""
    return _by_category(district_queue(user, _desk_state(params, DemandState.SUBMITTED)), params)


def bureau_desk_list(params) -> QuerySet[Demand]:
    """The bureau desk's rows for its query string (`state`, `category`)."""
    return _by_category(bureau_queue(_desk_state(params, DemandState.RECOMMENDED)), params)


def publishable_demands(call) -> QuerySet[Demand]:
    ready = DemandState.APPROVED if call.expert_review_of_demands else DemandState.ACCEPTED
    return (
        Demand.objects.select_related(*DESK_LIST_RELATED)
        .filter(call=call, state=ready)
        .order_by("number")
    )


# A district's recommendation stands while the demand is past the district's desk.
PAST_DISTRICT_STATES = (
    DemandState.RECOMMENDED,
    DemandState.ACCEPTED,
    DemandState.REJECTED,
    DemandState.APPROVED,
    DemandState.DECLINED,
    DemandState.PUBLISHED,
    DemandState.MATCHED,
    DemandState.UNSOLVED,
)


def recommended_by_district(user, call) -> QuerySet[Demand]:
    """What a district has recommended in a call and still stands (its recommendation letter):
    a demand later returned, declined or withdrawn is not on the letter."""
    if not user.district_id:
        return Demand.objects.none()
    return (
        Demand.objects.select_related(*DESK_LIST_RELATED)
        .filter(
            call=call,
            organization__district_id=user.district_id,
            state__in=PAST_DISTRICT_STATES,
            events__action="recommended",
        )
        .distinct()
        .order_by("number")
    )


def version_diff(demand: Demand, old: int | None = None, new: int | None = None) -> list[dict]:
    """What changed between two submitted versions (default: the last two): one row per
    changed item with a Chinese label, the old value and the new one."""
    versions = {v.version: v for v in demand.versions.all()}
    if len(versions) < 2:
        return []
    new = new or max(versions)
    old = old or max(v for v in versions if v < new)
    before, after = versions[old].content, versions[new].content
    labels = {
        f.name: str(f.verbose_name) for f in Demand._meta.get_fields() if hasattr(f, "verbose_name")
    }
    labels.update(
        {
            "indicators": "指标参数",
            "research_tasks": "承担科研任务",
            "ip_items": "知识产权",
            "routes": "技术路线",
            "financials": "审计年度财务数据",
            "team": "项目团队",
            "attachments": "附件",
            "organization": "发榜单位",
            "industry": "所属产业领域",
            "contact_phone_masked": "联系电话",
        }
    )
    skip = {"number", "version"}
    rows = []
    for key in after.keys() | before.keys():
        if key in skip or before.get(key) == after.get(key):
            continue
        rows.append(
            {
                "field": key,
                "label": labels.get(key, key),
                "old": before.get(key),
                "new": after.get(key),
            }
        )
    order = list(after.keys())
    rows.sort(key=lambda r: order.index(r["field"]) if r["field"] in order else len(order))
    return rows


def desk_figures(call) -> dict:
    """Counts for the desks: by state, district, category and industry (four queries)."""
    base = Demand.objects.filter(call=call).exclude(state=DemandState.DRAFT)
    by_state = {row["state"]: row["n"] for row in base.values("state").annotate(n=Count("id"))}
    return {
        "total": sum(by_state.values()),
        "by_state": [
            (DemandState(s).label, by_state.get(s, 0))
            for s in DemandState.values
            if s != DemandState.DRAFT
        ],
        "by_district": list(
            base.values("organization__district__name")
            .annotate(n=Count("id"))
            .order_by("-n", "organization__district__name")
        ),
        "by_category": list(base.values("category").annotate(n=Count("id")).order_by("category")),
        "by_industry": list(
            base.values("industry__name").annotate(n=Count("id")).order_by("-n", "industry__name")
        ),
    }


def demand_work_items(user) -> list[dict]:
    """待办 items about demands for the user's roles, with the deadline that applies."""
    from jiebang.calls.selectors import active_call

    items = []
    call = active_call()
    if user.has_role(Role.DISTRICT_OFFICER) and user.district_id:
        items.append(
            {
                "label": "待推荐需求",
                "count": district_queue(user).count(),
                "url": "/district/demands/",
                "deadline": call.recommendation_deadline if call else None,
            }
        )
    if user.has_role(Role.BUREAU_OFFICER):
        items.append(
            {"label": "待形式审查需求", "count": bureau_queue().count(), "url": "/bureau/demands/"}
        )
        if call is not None:
            items.append(
                {
                    "label": "待发布需求",
                    "count": publishable_demands(call).count(),
                    "url": "/bureau/publish/",
                }
            )
    if user.has_role(Role.APPLICANT) and user.organization_id:
        editable = Demand.objects.filter(
            organization_id=user.organization_id,
            state__in=(DemandState.DRAFT, DemandState.RETURNED),
        )
        items.append(
            {
                "label": "待填报/退回修改的需求",
                "count": editable.count(),
                "url": "/demands/",
                "deadline": call.submission_closes_at if call else None,
            }
        )
    return items


def bureau_takes_submitted(demand: Demand) -> bool:
    """Whether the bureau acts on this `submitted` demand itself: its unit has no district, or
    the district recommended it before and can no longer act (its deadline has passed)."""
    if not demand.organization.district_id:
        return True
    return (
        demand.call.recommendation_deadline < clock.now()
        and demand.events.filter(action="recommended").exists()
    )
