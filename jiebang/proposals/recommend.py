"""Bringing solvers to demands (揭榜对接): candidate units for a published demand, and
"为您推荐" demands for a unit — TF-IDF affinity over what each unit has done, excluding the
issuer and any unit related to it, with the shared terms as the reason."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from jiebang.core import clock
from jiebang.core.services import notify, record_audit
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import AccountState, OrgKind, Role, VerificationState
from jiebang.orgs.models import CityProject, Organization, User
from jiebang.review.affinity import AffinityModel, ExpertText, ItemText
from jiebang.review.conflict_selectors import relation_groups

TB_SOLVER_KINDS = (
    OrgKind.UNIVERSITY,
    OrgKind.RESEARCH_INSTITUTE,
    OrgKind.INNOVATION_PLATFORM,
    OrgKind.OTHER,
    OrgKind.ENTERPRISE,
)


@dataclass(frozen=True)
class Candidate:
    organization: Organization
    score: float
    reasons: tuple[str, ...]  # shared terms


def _unit_texts(orgs) -> dict[int, str]:
    """What a unit has shown it can do: its declared expertise, its city projects, its
    experts' keywords and its past proposals (three queries)."""
    from jiebang.proposals.models import Proposal
    from jiebang.review.models import ExpertProfile

    texts = {o.pk: [o.name, o.expertise] for o in orgs}
    for p in CityProject.objects.filter(organization__in=orgs).values("organization_id", "title"):
        texts[p["organization_id"]].append(p["title"])
    for e in ExpertProfile.objects.filter(organization__in=orgs).values(
        "organization_id", "keywords"
    ):
        texts[e["organization_id"]].append(e["keywords"])
    for p in (
        Proposal.objects.filter(lead__in=orgs)
        .exclude(state="draft")
        .values("lead_id", "technical_plan", "demand__title")
    ):
        texts[p["lead_id"]].extend([p["demand__title"], p["technical_plan"]])
    return {pk: " ".join(filter(None, parts)) for pk, parts in texts.items()}


def _demand_text(demand: Demand) -> str:
    from jiebang.portal.search import document_text

    return document_text(demand)


def candidate_units(demand: Demand, *, limit: int = 10) -> list[Candidate]:
    """Verified units that could take `demand`, best matched first, with the reasons.
    Excludes the issuer and any unit linked to it by subordination or equity."""
    pool = Organization.objects.filter(verification_state=VerificationState.VERIFIED).exclude(
        pk=demand.organization_id
    )
    if demand.category == Category.TECH_BREAKTHROUGH:
        pool = pool.filter(kind__in=TB_SOLVER_KINDS)
    else:
        pool = pool.filter(
            kind=OrgKind.ENTERPRISE, district__isnull=False, is_independent_legal_person=True
        )
    groups = relation_groups()
    orgs = [o for o in pool if not groups.linked(o.pk, demand.organization_id)]
    if not orgs:
        return []
    texts = _unit_texts(orgs)
    model = AffinityModel.fit(
        [ExpertText(id=o.pk, text=texts[o.pk]) for o in orgs],
        [ItemText(id=demand.pk, text=_demand_text(demand))],
        industry_bonus=0,
    )
    by_id = {o.pk: o for o in orgs}
    ranked = sorted(((score, e) for e, _i, score in model.pairs(min_score=0.0)), reverse=True)[
        :limit
    ]
    return [
        Candidate(organization=by_id[e], score=round(score, 3), reasons=model.explain(e, demand.pk))
        for score, e in ranked
    ]


def recommended_demands(
    org: Organization, *, limit: int = 5
) -> list[tuple[Demand, float, tuple[str, ...]]]:
    """ "为您推荐": open published demands that fit what the unit has done."""
    demands = list(
        Demand.objects.filter(state=DemandState.PUBLISHED, solicitation_deadline__gte=clock.now())
        .exclude(organization=org)
        .select_related("organization", "industry")
        .prefetch_related(Prefetch("indicators"))
    )
    if not demands:
        return []
    groups = relation_groups()
    demands = [d for d in demands if not groups.linked(org.pk, d.organization_id)]
    if not demands:
        return []
    text = _unit_texts([org])[org.pk]
    model = AffinityModel.fit(
        [ExpertText(id=org.pk, text=text)],
        [ItemText(id=d.pk, text=_demand_text(d)) for d in demands],
        industry_bonus=0,
    )
    by_id = {d.pk: d for d in demands}
    ranked = sorted(((score, i) for _e, i, score in model.pairs(min_score=0.0)), reverse=True)[
        :limit
    ]
    return [(by_id[i], round(score, 3), model.explain(org.pk, i)) for score, i in ranked]


@transaction.atomic
def notify_candidates(*, demand: Demand, by, limit: int = 10, request=None) -> int:
    """Tell the best-matched units that opted in (为您推荐) about a published demand.
    Side effects: inbox messages to those units' admins; audit entry. Returns the count."""
    candidates = [
        c for c in candidate_units(demand, limit=limit) if c.organization.wants_recommendations
    ]
    admins = User.objects.filter(
        organization__in=[c.organization for c in candidates],
        groups__name=Role.ORG_ADMIN,
        account_state=AccountState.ACTIVE,
    ).distinct()
    notify(
        admins,
        title=f"为您推荐榜单：{demand.title}",
        body="根据贵单位的研发方向，该榜单可能适合贵单位揭榜。",
        link=f"/hall/{demand.pk}/",
    )
    record_audit(
        action="demand.recommended_to_units",
        actor=by,
        target=demand,
        summary=f"向 {len(candidates)} 家单位推荐榜单：{demand.title}",
        data={"units": [c.organization.pk for c in candidates]},
        request=request,
    )
    return len(candidates)
