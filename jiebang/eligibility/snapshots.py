"""Plain, frozen snapshots that the rules read. No ORM here: selectors build these.

A rule is a pure function `(check: DemandCheck, call: CallParams) -> list[Finding]`, so it
is tested with hand-built snapshots at its exact boundary, and the same function runs for
the live pre-check and inside the submit transaction.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CallParams:
    """The rule parameters of a call (domain.md §4), copied from `calls.Call`."""

    year: int
    submission_opens_at: dt.datetime
    submission_closes_at: dt.datetime
    recommendation_deadline: dt.datetime
    resubmission_deadline: dt.datetime
    min_total_investment: Decimal = Decimal("5000000.00")
    normal_max_period_months: int = 36
    issuer_min_registration_years: int = 1
    credit_lookback_years: int = 3
    credit_check_extends_to_transfer: bool = False
    overdue_threshold_years: int = 1
    unit_max_ongoing_projects: int = 3
    principal_count: int = 3
    person_max_load: int = 2
    audit_years: tuple[int, ...] = ()
    race_first_phase_cap_percent: Decimal = Decimal("20")
    race_min_routes: int = 2


@dataclass(frozen=True)
class CreditSnapshot:
    kind: str  # serious_dishonesty | serious_illegal | research_misconduct (orgs.enums.CreditKind)
    decided_on: dt.date
    penalty_start: dt.date
    penalty_end: dt.date | None  # None: no end date
    bars_city_fiscal_projects: bool
    source_document: str = ""


@dataclass(frozen=True)
class CityProjectSnapshot:
    code: str
    title: str
    status: str  # ongoing | accepted | terminated | failed (orgs.enums.CityProjectStatus)
    is_rnd: bool
    planned_end: dt.date
    accepted_on: dt.date | None = None


@dataclass(frozen=True)
class OrgSnapshot:
    id: int
    name: str
    kind: str  # orgs.enums.OrgKind value
    is_independent_legal_person: bool
    district_name: str | None  # None: registered outside the city
    registered_in_city_on: dt.date | None
    tech_certification: str  # "" | high_tech | tech_sme
    tech_certificate_valid_until: dt.date | None
    verification_state: str  # pending | verified | rejected
    credit_records: tuple[CreditSnapshot, ...] = ()
    city_projects: tuple[CityProjectSnapshot, ...] = ()  # projects the unit undertakes

    @property
    def is_local(self) -> bool:
        return self.district_name is not None


@dataclass(frozen=True)
class PersonSnapshot:
    """A team member; `position` 1 is the leader, 1..principal_count are the principals."""

    position: int
    name: str
    id_masked: str
    credit_records: tuple[CreditSnapshot, ...] = ()
    # City R&D projects in progress where the person is among the principals (codes).
    ongoing_rnd_projects: tuple[str, ...] = ()
    # This call year's other applications that count (submitted or further, not withdrawn or
    # refused; offline classified entries included), excluding the one being checked.
    other_applications_this_year: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorSnapshot:
    name: str
    target_value: str
    unit: str = ""
    test_method: str = ""


@dataclass(frozen=True)
class FinancialSnapshot:
    year: int
    revenue: Decimal | None
    rnd_spend: Decimal | None


@dataclass(frozen=True)
class ResearchTaskSnapshot:
    name: str
    level: str  # national | region | city
    year: int | None
    role: str = ""


@dataclass(frozen=True)
class IPItemSnapshot:
    kind: str  # patent | software | ...
    number: str
    owner: str
    legal_status: str


@dataclass(frozen=True)
class RouteSnapshot:
    name: str
    rnd_investment: Decimal | None


@dataclass(frozen=True)
class DemandSnapshot:
    id: int | None
    category: str  # tech_breakthrough | achievement_transfer
    title: str
    summary: str = ""
    problem: str = ""
    time_requirement: str = ""
    ip_terms: str = ""
    solver_conditions: str = ""
    total_investment: Decimal | None = None
    period_months: int | None = None
    period_justification: str = ""
    is_classified: bool = False
    involves_ethics: bool = False
    ethics_review_record: str = ""
    is_horse_race: bool = False
    priority_common_tech: bool = False
    priority_first_set: bool = False
    priority_public_benefit: bool = False
    # 技术攻关
    declares_end_user: bool = False
    commits_funding: bool = False
    financials: tuple[FinancialSnapshot, ...] = ()
    # 成果转化
    research_tasks: tuple[ResearchTaskSnapshot, ...] = ()
    success_cases: str = ""
    ip_items: tuple[IPItemSnapshot, ...] = ()
    transfer_team: str = ""
    # shared
    indicators: tuple[IndicatorSnapshot, ...] = ()
    routes: tuple[RouteSnapshot, ...] = ()
    team: tuple[PersonSnapshot, ...] = ()
    # Attachment kinds present (see demands.enums.AttachmentKind), and the years of the
    # audit reports attached.
    attachment_kinds: frozenset[str] = field(default_factory=frozenset)
    audit_report_years: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class DemandCheck:
    """Everything a demand rule may read, as of one instant."""

    at: dt.datetime  # aware; the instant of the check (submission time in the submit transaction)
    today: dt.date  # the Beijing date of `at`
    applicant_active: bool  # the acting account is approved and active
    org: OrgSnapshot
    demand: DemandSnapshot


# ---- proposals (揭榜申请, [5/9]) -----------------------------------------------------------


@dataclass(frozen=True)
class MemberSnapshot:
    """A solver unit: the lead (position 1) or a consortium member."""

    position: int
    role: str  # lead | member
    org: OrgSnapshot
    # The shortest subordination/equity chain between this unit and the issuer, as unit
    # names from this unit to the issuer with the relation between each pair, e.g.
    # ("甲公司", "持有", "乙公司", "隶属于", "发榜方"); empty when not related.
    chain_to_issuer: tuple[str, ...] = ()
    work_share_percent: Decimal | None = None


@dataclass(frozen=True)
class ProposalSnapshot:
    id: int | None
    demand_id: int
    category: str  # the demand's category: tech_breakthrough | achievement_transfer
    demand_is_horse_race: bool = False
    route_name: str = ""  # the route chosen when the demand is a horse race
    technical_plan: str = ""
    # (indicator name, how the plan reaches it) for every indicator of the demand
    indicator_answers: tuple[tuple[str, str], ...] = ()
    own_ip: tuple[IPItemSnapshot, ...] = ()
    members: tuple[MemberSnapshot, ...] = ()  # lead first
    team: tuple[PersonSnapshot, ...] = ()
    attachment_kinds: frozenset[str] = field(
        default_factory=frozenset
    )  # plan, consortium_agreement, commit_unit, commit_leader


@dataclass(frozen=True)
class ProposalCheck:
    at: dt.datetime
    today: dt.date
    applicant_active: bool
    solicitation_deadline: dt.datetime
    issuer: OrgSnapshot
    proposal: ProposalSnapshot


@dataclass(frozen=True)
class DisbursementCheck:
    """What TECH-CONTRACT and RACE-FIRST-PHASE-CAP read about one proposed instalment."""

    project_code: str
    is_race: bool
    tech_contract_number: str
    tech_contract_registered_on: dt.date | None
    fiscal_total: Decimal
    amount: Decimal  # the instalment proposed now
    first_phase_disbursed: Decimal  # approved or paid before the stage gate, cancelled excluded
    gate_passed: bool  # horse race: a "continue" decision has been taken


@dataclass(frozen=True)
class ProjectPriorityCheck:
    """What PRIORITY-RESEARCH-ASSISTANT reads about a project."""

    assistant_openings: int
    graduates_hired: int


@dataclass(frozen=True)
class ProjectTermsCheck:
    """What FUND-MIN and PERIOD-MAX read about a project's task book at initiation."""

    total_investment: Decimal | None
    period_months: int
    period_justification: str
