"""What a review round needs to know about the things it reviews, one adapter per target
model. Rounds stay generic: [5/9] registered proposals here, [6/9] projects (验收评审),
and nothing else changed."""

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
    # Column headings of `indicators` (a demand's targets; a project's achievements).
    indicator_labels: tuple[str, str, str, str] = ("指标", "目标值", "单位", "考核方式")
    url: str = ""  # the target's own page, for the bureau (never shown to experts)


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
        builtin = {
            "demands.demand": DemandAdapter,
            "proposals.proposal": ProposalAdapter,
            "projects.project": ProjectAdapter,
        }
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


class ProjectAdapter:
    """Projects under 验收评审: the lead solver, every consortium member and the issuer are
    applicant units (an expert from either side must not judge the result); the proposal
    team and its author are tied, and so are the demand's drafters."""

    def __init__(self):
        from jiebang.projects.models import Project

        self.model = Project

    def load(self, ids):
        from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
        from django.db.models.functions import Coalesce

        from jiebang.projects.enums import DisbursementState, FundSource
        from jiebang.projects.models import Disbursement, Expenditure, FinalReport
        from jiebang.proposals.models import ConsortiumMember, ProposalTeamMember

        def total(queryset):
            return Coalesce(
                Subquery(
                    queryset.filter(project=OuterRef("pk"))
                    .order_by()
                    .values("project")
                    .annotate(total=Sum("amount"))
                    .values("total")
                ),
                Value(0),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )

        return list(
            self.model.objects.filter(pk__in=ids)
            .select_related(
                "issuer",
                "solver",
                "demand__industry",
                "demand__created_by__person",
                "proposal__created_by__person",
            )
            .annotate(
                disbursed_paid=total(Disbursement.objects.filter(state=DisbursementState.PAID)),
                fiscal_spent=total(Expenditure.objects.filter(source=FundSource.FISCAL)),
            )
            .prefetch_related(
                "indicators",
                "milestones",
                "demand__team",
                "assistant_posts__hires",
                Prefetch(
                    "proposal__members",
                    queryset=ConsortiumMember.objects.select_related("organization"),
                ),
                Prefetch(
                    "proposal__team", queryset=ProposalTeamMember.objects.select_related("person")
                ),
                Prefetch(
                    "final_reports",
                    queryset=FinalReport.objects.order_by("-round_number"),
                    to_attr="reports_latest_first",
                ),
            )
        )

    @staticmethod
    def _units(p) -> str:
        members = list(p.proposal.members.all())
        lines = [f"{m.organization.name}（{m.get_role_display()}）" for m in members]
        if p.solver_id not in {m.organization_id for m in members}:
            lines.insert(0, f"{p.solver.name}（承担单位）")
        return "、".join(lines)

    @staticmethod
    def _verdict(indicator) -> str:
        verdict = {True: "达到", False: "未达到"}.get(indicator.achieved, "未填写")
        return f"{verdict}：{indicator.explanation}" if indicator.explanation else verdict

    @staticmethod
    def _funds(p) -> str:
        from jiebang.projects.money import to_fen, unspent_balance

        paid, spent = to_fen(p.disbursed_paid), to_fen(p.fiscal_spent)
        return "\n".join(
            [
                f"技术合同金额：{p.contract_amount} 元；项目投入总额：{p.total_investment} 元",
                f"财政资助总额：{p.fiscal_total} 元",
                f"已拨付财政资金：{paid} 元",
                f"财政资金已支出：{spent} 元",
                f"财政资金结余：{unspent_balance(paid, spent)} 元",
            ]
        )

    @staticmethod
    def _milestones(p) -> str:
        lines = []
        for m in p.milestones.all():
            head = f"{m.position}. {m.title}（计划 {m.due_on}"
            head += f"，考核成果：{m.deliverable}）" if m.deliverable else "）"
            if m.completed_on:
                done = f"已完成（{m.completed_on}）"
                if m.completion_note:
                    done += f"：{m.completion_note}"
            else:
                done = "未完成"
            lines.append(f"{head}：{done}")
        return "\n".join(lines)

    @staticmethod
    def _assistants(p) -> str:
        """PRIORITY-RESEARCH-ASSISTANT as reviewers see it (五（二）10)."""
        from jiebang.projects.selectors import priorities

        findings = priorities(p)
        return "\n".join(f"{f.code}：{f.message}" for f in findings) or "未开发科研助理岗位"

    def views(self, targets) -> dict[int, TargetView]:
        views = {}
        for p in targets:
            report = p.reports_latest_first[0] if p.reports_latest_first else None
            team = "、".join(
                f"{m.person.name}（{m.title or '成员'}）" for m in p.proposal.team.all()
            )
            indicators = list(p.indicators.all())
            views[p.pk] = TargetView(
                title=f"验收：{p.title}",
                number=p.code,
                category=p.demand.get_category_display(),
                industry_id=p.demand.industry_id,
                industry=p.demand.industry.name if p.demand.industry_id else "",
                identity=(
                    ("揭榜单位", self._units(p)),
                    ("发榜单位", p.issuer.name),
                    ("项目团队", team),
                    ("项目编号", p.code),
                ),
                sections=(
                    ("实施周期", f"{p.start_on} 至 {p.planned_end}"),
                    ("总结报告", report.summary if report else ""),
                    ("成果与效益", report.outputs if report else ""),
                    ("经费情况", self._funds(p)),
                    ("里程碑完成情况", self._milestones(p)),
                    ("科研助理岗位（优先支持）", self._assistants(p)),
                ),
                indicators=tuple(
                    (
                        i.name,
                        f"{i.target_value}{i.unit}",
                        i.achieved_value,
                        self._verdict(i),
                    )
                    for i in indicators
                ),
                indicator_labels=("指标", "目标值", "完成值", "是否达到（说明）"),
                text=" ".join(
                    [
                        p.title,
                        p.demand.title,
                        report.summary if report else "",
                        report.outputs if report else "",
                        *(i.name for i in indicators),
                    ]
                ),
                url=f"/projects/{p.pk}/",
            )
        return views

    def facts(self, targets, declared) -> dict[int, ItemFacts]:
        facts = {}
        for p in targets:
            author_person = getattr(p.proposal.created_by, "person", None)
            demand_author = getattr(p.demand.created_by, "person", None)
            drafter_people = {m.person_id for m in p.demand.team.all()}
            if demand_author:
                drafter_people.add(demand_author.pk)
            units = {m.organization_id for m in p.proposal.members.all()}
            facts[p.pk] = ItemFacts(
                item_id=p.pk,
                applicant_unit_ids=frozenset(units | {p.solver_id, p.issuer_id}),
                team_person_ids=frozenset(m.person_id for m in p.proposal.team.all())
                | ({author_person.pk} if author_person else set()),
                drafter_user_ids=frozenset({p.demand.created_by_id}),
                drafter_person_ids=frozenset(drafter_people),
                declared_by_expert_ids=declared.get(p.pk, frozenset()),
            )
        return facts

    def decide(self, target, *, approved: bool, reason: str, by, request=None) -> None:
        """The round page's binary decision: 通过 or 不通过 (the project page offers 限期整改
        and 结题 too). An approval without a written opinion gets a standard one."""
        from jiebang.projects.enums import AcceptanceOutcome
        from jiebang.projects.services import decide_acceptance

        opinion = reason.strip() or (
            "经专家验收评审，项目完成任务书规定的考核指标，同意通过验收。" if approved else ""
        )
        decide_acceptance(
            project_id=target.pk,
            by=by,
            outcome=AcceptanceOutcome.PASSED if approved else AcceptanceOutcome.FAILED,
            opinion=opinion,
            request=request,
        )
