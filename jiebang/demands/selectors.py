"""Reads of demands: who may see which, and the snapshots the eligibility rules check."""

from django.db.models import Prefetch, Q, QuerySet

from jiebang.core import clock
from jiebang.demands.enums import NOT_COUNTED_STATES, AttachmentKind, DemandState
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


def call_params(call, *, resubmission: bool = False) -> CallParams:
    """The call's rule parameters. A returned demand's window closes at the resubmission deadline."""
    return CallParams(
        year=call.year,
        submission_opens_at=call.submission_opens_at,
        submission_closes_at=call.resubmission_deadline
        if resubmission
        else call.submission_closes_at,
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
        for p in CityProject.objects.filter(organization=org)
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


def team_snapshots(demand: Demand, principal_count: int, year: int) -> tuple[PersonSnapshot, ...]:
    """Team members with what counts against them (four queries whatever the team size)."""
    members = list(demand.team.all())
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
        .exclude(demand_id=demand.pk)
        .select_related("demand")
    ):
        applications[role.person_id].append(role.demand.number or role.demand.title)
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
    params = call_params(demand.call, resubmission=demand.state == DemandState.RETURNED)
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
