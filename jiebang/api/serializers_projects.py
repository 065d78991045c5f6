"""Serializers of API v1 for 立项, projects and disbursements (项目、拨付); conventions as in
serializers_later."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiebang.api.serializers_later import (
    FileRefSerializer,
    OrgRefSerializer,
    TeamMemberOutSerializer,
    an_id,
    display,
    money,
    money_out,
)
from jiebang.demands.enums import Category
from jiebang.projects.enums import (
    AcceptanceOutcome,
    BudgetCategory,
    ChangeKind,
    FundSource,
    MidtermOutcome,
    Trigger,
)
from jiebang.projects.models import (
    ChangeRequest,
    Disbursement,
    Expenditure,
    IssuerPayment,
    Milestone,
    ProgressReport,
    Project,
    ProjectIndicator,
    Refund,
    ResearchAssistantHire,
    ResearchAssistantPost,
)

# --------------------------------------------------------------------------- projects


class ProjectListSerializer(serializers.ModelSerializer):
    state_display = display("state")
    category_display = serializers.SerializerMethodField()
    call_year = serializers.IntegerField(source="call.year")
    issuer = OrgRefSerializer()
    solver = OrgRefSerializer()
    contract_amount = money()
    fiscal_total = money()
    disbursed_paid = money_out(source="paid_total")

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "category",
            "category_display",
            "is_race",
            "state",
            "state_display",
            "call_year",
            "issuer",
            "solver",
            "contract_amount",
            "fiscal_total",
            "disbursed_paid",
            "start_on",
            "planned_end",
            "overdue_since",
            "has_tech_contract",
        ]
        read_only_fields = fields

    def get_category_display(self, project) -> str:
        return str(dict(Category.choices).get(project.category, project.category))


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = [
            "id",
            "position",
            "title",
            "due_on",
            "deliverable",
            "completed_on",
            "completion_note",
        ]
        read_only_fields = fields


class ProjectIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectIndicator
        fields = [
            "id",
            "position",
            "name",
            "target_value",
            "unit",
            "test_method",
            "achieved_value",
            "achieved",
            "explanation",
        ]
        read_only_fields = fields


class ReportOutSerializer(serializers.ModelSerializer):
    state_display = display("state")
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "sequence",
            "period_end",
            "due_on",
            "state",
            "state_display",
            "is_late",
            "progress",
            "problems",
            "next_steps",
            "submitted_at",
            "reviewed_note",
        ]
        read_only_fields = fields


class PaymentOutSerializer(serializers.ModelSerializer):
    state_display = display("state")
    amount = money()

    class Meta:
        model = IssuerPayment
        fields = [
            "id",
            "amount",
            "paid_on",
            "reference",
            "state",
            "state_display",
            "recorded_at",
            "checked_at",
            "check_note",
        ]
        read_only_fields = fields


class DisbursementOutSerializer(serializers.ModelSerializer):
    trigger_display = display("trigger")
    state_display = display("state")
    amount = money()

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "trigger",
            "trigger_display",
            "amount",
            "first_phase",
            "state",
            "state_display",
            "approved_at",
            "note",
            "paid_on",
        ]
        read_only_fields = fields


class DisbursementListSerializer(DisbursementOutSerializer):
    project = serializers.SerializerMethodField()

    class Meta(DisbursementOutSerializer.Meta):
        fields = [*DisbursementOutSerializer.Meta.fields, "project"]
        read_only_fields = fields

    def get_project(self, disbursement) -> dict:
        p = disbursement.project
        return {"id": p.pk, "code": p.code, "title": p.title, "call_year": p.call.year}


class RefundOutSerializer(serializers.ModelSerializer):
    reason_display = display("reason")
    state_display = display("state")
    amount_due = money()
    amount_returned = money(allow_null=True)

    class Meta:
        model = Refund
        fields = [
            "id",
            "reason",
            "reason_display",
            "amount_due",
            "due_on",
            "state",
            "state_display",
            "amount_returned",
            "returned_on",
        ]
        read_only_fields = fields


class ExpenditureOutSerializer(serializers.ModelSerializer):
    category_display = display("category")
    source_display = display("source")
    amount = money()
    voucher = FileRefSerializer()

    class Meta:
        model = Expenditure
        fields = [
            "id",
            "category",
            "category_display",
            "source",
            "source_display",
            "amount",
            "spent_on",
            "description",
            "voucher",
        ]
        read_only_fields = fields


class ChangeRequestOutSerializer(serializers.ModelSerializer):
    kind_display = display("kind")
    state_display = display("state")

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "kind",
            "kind_display",
            "extension_months",
            "reason",
            "state",
            "state_display",
            "filed_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class AssistantHireOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchAssistantHire
        fields = ["id", "name", "school", "graduation_year", "hired_on"]
        read_only_fields = fields


class AssistantPostOutSerializer(serializers.ModelSerializer):
    hires = AssistantHireOutSerializer(many=True)

    class Meta:
        model = ResearchAssistantPost
        fields = ["id", "title", "openings", "created_on", "hires"]
        read_only_fields = fields


class PlanRowSerializer(serializers.Serializer):
    trigger = serializers.CharField()
    label = serializers.CharField()
    percent = serializers.DecimalField(max_digits=None, decimal_places=2)
    amount = money_out()
    cumulative = money_out()
    reached = serializers.BooleanField()


class BudgetRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    budget_fiscal = money_out()
    budget_self = money_out()
    spent_fiscal = money_out()
    spent_self = money_out()
    budget_total = money_out()
    spent_total = money_out()
    remaining = money_out()


class FinanceSerializer(serializers.Serializer):
    """projects.selectors.finance: the instalment plan, payments, the earned subsidy and what
    may be disbursed now."""

    plan = PlanRowSerializer(many=True)
    paid_confirmed = money_out()
    paid_recorded = money_out()
    earned = money_out()
    committed = money_out()
    disbursed_paid = money_out()
    first_phase_ceiling = money_out(allow_null=True)
    budget = BudgetRowSerializer(many=True)
    budget_total = BudgetRowSerializer()
    fiscal_spent = money_out()
    available_now = money_out()


class ProjectDetailSerializer(ProjectListSerializer):
    disbursed_paid = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField()
    total_investment = money()
    subsidy_cap = money()
    acceptance_outcome_display = display("acceptance_outcome")
    team = serializers.SerializerMethodField()
    milestones = MilestoneSerializer(many=True)
    indicators = ProjectIndicatorSerializer(many=True)
    reports = ReportOutSerializer(many=True)
    payments = PaymentOutSerializer(many=True)
    disbursements = DisbursementOutSerializer(many=True)
    refunds = RefundOutSerializer(many=True)
    expenditures = ExpenditureOutSerializer(many=True)
    change_requests = ChangeRequestOutSerializer(many=True)
    assistant_posts = AssistantPostOutSerializer(many=True)
    finance = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "route",
            "total_investment",
            "subsidy_ratio_percent",
            "subsidy_cap",
            "race_first_phase_cap_percent",
            "original_end",
            "period_justification",
            "midterm_due_on",
            "midterm_passed_on",
            "rectify_deadline",
            "funding_stopped",
            "agreement_signed_on",
            "tech_contract_number",
            "tech_contract_registered_on",
            "final_submitted_at",
            "acceptance_outcome",
            "acceptance_outcome_display",
            "acceptance_opinion",
            "closed_on",
            "termination_reason",
            "team",
            "milestones",
            "indicators",
            "reports",
            "payments",
            "disbursements",
            "refunds",
            "expenditures",
            "change_requests",
            "assistant_posts",
            "finance",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_disbursed_paid(self, project) -> str:
        return f"{self.context['finance'].disbursed_paid:.2f}"

    def get_route(self, project) -> dict | None:
        return {"id": project.route_id, "name": project.route.name} if project.route_id else None

    def get_team(self, project) -> list[dict]:
        return TeamMemberOutSerializer(project.proposal.team.all(), many=True).data

    def get_finance(self, project) -> dict:
        return FinanceSerializer(self.context["finance"]).data

    def get_allowed_actions(self, project) -> list[str]:
        return self.context.get("allowed_actions", [])


class ContractInSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    registered_on = serializers.DateField()
    file = serializers.FileField(required=False, allow_null=True)


class PaymentInSerializer(serializers.Serializer):
    amount = money(min_value=0)
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=64)
    voucher = serializers.FileField(help_text=_("支付凭证（银行回单）"))


class PaymentCheckInSerializer(serializers.Serializer):
    payment_id = an_id()
    confirmed = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DisburseInSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=Trigger.choices)
    amount = money(min_value=0)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DisbursementPaidInSerializer(serializers.Serializer):
    disbursement_id = an_id()
    paid_on = serializers.DateField()
    voucher = serializers.FileField(help_text=_("拨付凭证"))


class ReportInSerializer(serializers.Serializer):
    report_id = an_id()
    progress = serializers.CharField(max_length=5000)
    problems = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(
        max_length=3000, required=False, allow_blank=True, default=""
    )
    file = serializers.FileField(required=False, allow_null=True)


class MidtermInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MidtermOutcome.choices)
    evaluated_on = serializers.DateField()
    rectify_deadline = serializers.DateField(required=False, allow_null=True)
    opinion = serializers.CharField(max_length=3000)


class AchievementInSerializer(serializers.Serializer):
    indicator_id = an_id()
    achieved_value = serializers.CharField(max_length=200)
    achieved = serializers.BooleanField()
    explanation = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    evidence = serializers.FileField(required=False, allow_null=True)


class FinalInSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=8000)
    outputs = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True)


class AcceptanceInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (o.value, o.label)
            for o in (
                AcceptanceOutcome.PASSED,
                AcceptanceOutcome.REWORK,
                AcceptanceOutcome.CONCLUDED,
                AcceptanceOutcome.FAILED,
            )
        ]
    )
    opinion = serializers.CharField(max_length=3000)


class TerminateInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=3000)


class DisbursementCancelInSerializer(serializers.Serializer):
    disbursement_id = an_id()
    reason = serializers.CharField(max_length=300)


class ExpenditureInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    source = serializers.ChoiceField(choices=FundSource.choices)
    amount = money(min_value=0)
    spent_on = serializers.DateField()
    description = serializers.CharField(max_length=300)
    voucher = serializers.FileField(help_text=_("支出凭证"))


class RefundSettleInSerializer(serializers.Serializer):
    refund_id = an_id()
    amount_returned = money(min_value=0)
    returned_on = serializers.DateField()
    voucher = serializers.FileField(help_text=_("退款凭证"))


class MilestoneInSerializer(serializers.Serializer):
    milestone_id = an_id()
    completed_on = serializers.DateField()
    note = serializers.CharField(max_length=1000)


class ReportReviewInSerializer(serializers.Serializer):
    report_id = an_id()
    note = serializers.CharField(max_length=1000)


class ChangeInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    extension_months = serializers.IntegerField(
        min_value=1, max_value=60, required=False, allow_null=True, help_text=_("仅延期填写")
    )
    reason = serializers.CharField(max_length=3000)


class ChangeDecisionInSerializer(serializers.Serializer):
    change_id = an_id()
    approved = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AssistantPostInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    openings = serializers.IntegerField(min_value=1, max_value=100)
    created_on = serializers.DateField()


class AssistantHireInSerializer(serializers.Serializer):
    post_id = an_id()
    name = serializers.CharField(max_length=64)
    school = serializers.CharField(max_length=200)
    graduation_year = serializers.IntegerField(min_value=1990, max_value=2100)
    hired_on = serializers.DateField()


class MilestoneRowInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    deliverable = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class BudgetRowInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    source = serializers.ChoiceField(choices=FundSource.choices)
    amount = money(min_value=0)


class InitiateInSerializer(serializers.Serializer):
    """立项 over multipart: the signed agreement is a file, so the milestones and the budget
    come as JSON text fields."""

    proposal = an_id(help_text=_("揭榜成功（selected）的揭榜申请"))
    agreement_file = serializers.FileField(help_text=_("三方协议（盖章扫描件）"))
    agreement_signed_on = serializers.DateField()
    contract_amount = money(min_value=0)
    total_investment = money(min_value=0)
    start_on = serializers.DateField()
    period_months = serializers.IntegerField(min_value=1, max_value=120)
    period_justification = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    milestones = serializers.JSONField(
        binary=True,
        help_text=_('JSON 数组：[{"title", "due_on": "YYYY-MM-DD", "deliverable"}]'),
    )
    budget = serializers.JSONField(
        binary=True,
        help_text=_('JSON 数组：[{"category", "source": "fiscal|self", "amount": "元"}]'),
    )

    def _rows(self, value, row_serializer):
        if not isinstance(value, list):
            raise serializers.ValidationError(_("应为 JSON 数组。"))
        rows = row_serializer(data=value, many=True)
        rows.is_valid(raise_exception=True)
        return rows.validated_data

    def validate_milestones(self, value):
        return [dict(row) for row in self._rows(value, MilestoneRowInSerializer)]

    def validate_budget(self, value):
        budget = {}
        for row in self._rows(value, BudgetRowInSerializer):
            key = (row["category"], row["source"])
            if key in budget:
                raise serializers.ValidationError(_("同一科目、同一资金来源只能填写一行。"))
            budget[key] = row["amount"]
        return budget


class AcceptanceRoundInSerializer(serializers.Serializer):
    project_ids = serializers.ListField(child=an_id(), min_length=1, max_length=500)
    title = serializers.CharField(max_length=200)
    deadline = serializers.DateTimeField()
    experts_per_item = serializers.IntegerField(min_value=1, max_value=15, default=5)
    blind = serializers.BooleanField(default=False)


class AwaitingInitiationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    lead = OrgRefSerializer()
    demand = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField()

    def get_demand(self, proposal) -> dict:
        d = proposal.demand
        return {"id": d.pk, "number": d.number, "title": d.title, "call_year": d.call.year}

    def get_route(self, proposal) -> str | None:
        return proposal.route.name if proposal.route_id else None
