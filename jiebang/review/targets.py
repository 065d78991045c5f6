"""What a review round needs to know about the things it reviews, one adapter per target
model. Rounds stay generic: [5/9] registers proposals here and nothing else changes."""

from dataclasses import dataclass
from typing import Protocol

from django.contrib.contenttypes.models import ContentType

from jiebang.review.conflicts import ItemFacts


@dataclass(frozen=True)
class TargetView:
    """The target as an expert sees it. `identity` lines are hidden in a blind round."""

    title: str
    number: str
    category: str
    industry_id: int | None
    industry: str
    identity: tuple[tuple[str, str], ...]  # (label, value): unit, district, team…
    sections: tuple[tuple[str, str], ...]  # (label, text): the content to judge
    indicators: tuple[tuple[str, str, str, str], ...]
    text: str  # what the affinity model reads (public content only)


class TargetAdapter(Protocol):
    model: type

    def views(self, targets: list) -> dict[int, TargetView]: ...

    def facts(self, targets: list, declared: dict[int, frozenset[int]]) -> dict[int, ItemFacts]: ...

    def decide(self, target, *, approved: bool, reason: str, by, request=None) -> None: ...


class DemandAdapter:
    """Demands under 需求论证: the issuer is the applicant unit; its team and author are tied."""

    def __init__(self):
        from jiebang.demands.models import Demand

        self.model = Demand

    def load(self, ids):
        from django.db.models import Prefetch

        from jiebang.demands.models import DemandTeamMember

        return list(
            self.model.objects.filter(pk__in=ids)
            .select_related("organization__district", "industry", "created_by")
            .prefetch_related(
                "indicators",
                Prefetch("team", queryset=DemandTeamMember.objects.select_related("person")),
            )
        )

    def views(self, targets) -> dict[int, TargetView]:
        from jiebang.portal.search import document_text

        views = {}
        for d in targets:
            team = "、".join(f"{m.person.name}（{m.title or '成员'}）" for m in d.team.all())
            views[d.pk] = TargetView(
                title=d.title,
                number=d.number or "",
                category=d.get_category_display(),
                industry_id=d.industry_id,
                industry=d.industry.name if d.industry_id else "",
                identity=(
                    ("发榜单位", d.organization.name),
                    (
                        "所在区县",
                        str(d.organization.district) if d.organization.district_id else "市外",
                    ),
                    ("项目团队", team),
                    ("需求编号", d.number or ""),
                ),
                sections=(
                    ("需求概述", d.summary),
                    ("技术难题与攻关目标", d.problem),
                    ("时限要求", d.time_requirement),
                    ("知识产权归属", d.ip_terms),
                    ("对揭榜方的条件要求", d.solver_conditions),
                    ("项目投入总额（元）", str(d.total_investment or "")),
                    ("实施周期（月）", str(d.period_months or "")),
                ),
                indicators=tuple(
                    (i.name, i.target_value, i.unit, i.test_method) for i in d.indicators.all()
                ),
                text=document_text(d),
            )
        return views

    def facts(self, targets, declared) -> dict[int, ItemFacts]:
        facts = {}
        for d in targets:
            team_people = frozenset(m.person_id for m in d.team.all())
            author_person = getattr(d.created_by, "person", None)
            facts[d.pk] = ItemFacts(
                item_id=d.pk,
                applicant_unit_ids=frozenset({d.organization_id}),
                team_person_ids=team_people,
                drafter_user_ids=frozenset({d.created_by_id}),
                drafter_person_ids=frozenset({author_person.pk}) if author_person else frozenset(),
                declared_by_expert_ids=declared.get(d.pk, frozenset()),
            )
        return facts

    def decide(self, target, *, approved: bool, reason: str, by, request=None) -> None:
        from jiebang.demands.services import record_demand_review

        record_demand_review(
            demand_id=target.pk, by=by, approved=approved, opinion=reason, request=request
        )


_ADAPTERS: dict[str, TargetAdapter] = {}


def adapter_for(content_type: ContentType) -> TargetAdapter:
    key = content_type.natural_key()
    label = ".".join(key)
    if label not in _ADAPTERS:
        builtin = {"demands.demand": DemandAdapter, "proposals.proposal": ProposalAdapter}
        _ADAPTERS[label] = builtin[label]()
    return _ADAPTERS[label]


def register(label: str, adapter: TargetAdapter) -> None:
    _ADAPTERS[label] = adapter


class ProposalAdapter:
    """Proposals under 专家评榜: every consortium member is an applicant unit; the team, the
    lead's author and the demand's drafters are tied (an expert who drafted the demand must
    not judge its solvers)."""

    def __init__(self):
        from jiebang.proposals.models import Proposal

        self.model = Proposal

    def load(self, ids):
        from django.db.models import Prefetch

        from jiebang.proposals.models import ConsortiumMember, ProposalTeamMember

        return list(
            self.model.objects.filter(pk__in=ids)
            .select_related("demand__industry", "demand__created_by", "lead", "created_by", "route")
            .prefetch_related(
                Prefetch(
                    "members", queryset=ConsortiumMember.objects.select_related("organization")
                ),
                Prefetch("team", queryset=ProposalTeamMember.objects.select_related("person")),
                "indicator_answers__indicator",
                "demand__team",
            )
        )

    def views(self, targets) -> dict[int, TargetView]:
        views = {}
        for p in targets:
            members = "、".join(
                f"{m.organization.name}（{m.get_role_display()}，{m.work_share}%）"
                for m in p.members.all()
            )
            team = "、".join(f"{m.person.name}（{m.title or '成员'}）" for m in p.team.all())
            answers = "\n".join(
                f"{a.indicator.name}：{a.answer}" for a in p.indicator_answers.all()
            )
            views[p.pk] = TargetView(
                title=f"揭榜方案：{p.demand.title}",
                number=p.number or "",
                category=p.demand.get_category_display(),
                industry_id=p.demand.industry_id,
                industry=p.demand.industry.name if p.demand.industry_id else "",
                identity=(("揭榜单位", members), ("项目团队", team), ("揭榜编号", p.number or "")),
                sections=(
                    ("技术路线", p.route.name if p.route_id else ""),
                    ("技术方案概述", p.technical_plan),
                    ("指标实现方案", answers),
                    ("进度安排", p.schedule),
                    ("预算", f"{p.budget_total or ''} 元\n{p.budget_breakdown}"),
                ),
                indicators=(),
                text=f"{p.demand.title} {p.technical_plan} {answers}",
            )
        return views

    def facts(self, targets, declared) -> dict[int, ItemFacts]:
        facts = {}
        for p in targets:
            author_person = getattr(p.created_by, "person", None)
            demand_author = getattr(p.demand.created_by, "person", None)
            drafter_people = {m.person_id for m in p.demand.team.all()}
            if demand_author:
                drafter_people.add(demand_author.pk)
            facts[p.pk] = ItemFacts(
                item_id=p.pk,
                applicant_unit_ids=frozenset(m.organization_id for m in p.members.all()),
                team_person_ids=frozenset(m.person_id for m in p.team.all())
                | ({author_person.pk} if author_person else set()),
                drafter_user_ids=frozenset({p.demand.created_by_id}),
                drafter_person_ids=frozenset(drafter_people),
                declared_by_expert_ids=declared.get(p.pk, frozenset()),
            )
        return facts

    def decide(self, target, *, approved: bool, reason: str, by, request=None) -> None:
        from jiebang.proposals.selection import record_review_outcome

        record_review_outcome(
            proposal_id=target.pk, shortlisted=approved, reason=reason, by=by, request=request
        )
