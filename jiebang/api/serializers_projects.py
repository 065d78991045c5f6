"""Serializers of API v1 for 立项, projects and disbursements (项目、拨付); conventions as in
serializers_later."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiebang.api.serializers_later import (
    OrgRefSerializer,
    TeamMemberOutSerializer,
    an_id,
    display,
    money,
    money_out,
)
from jiebang.demands.enums import Category
from jiebang.projects.enums import AcceptanceOutcome, MidtermOutcome, Trigger
from jiebang.projects.models import (
    Disbursement,
    IssuerPayment,
    Milestone,
    ProgressReport,
    Project,
    ProjectIndicator,
    Refund,
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
