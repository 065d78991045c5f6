"""API v1 serializers for units, calls and demands: shapes in and out.

Input validation mirrors the page forms (jiebang/demands/forms.py); the views hand the
validated data to `jiebang.demands.services`, which enforce the domain. Personal data
leaves only masked (phones, ID numbers)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jiebang.calls.models import Call, Industry
from jiebang.core.validators import validate_id_number, validate_phone
from jiebang.demands.enums import (
    ATTACHMENTS_BY_CATEGORY,
    AttachmentKind,
    Category,
    IPKind,
    ResearchLevel,
)
from jiebang.demands.models import (
    Demand,
    DemandAttachment,
    DemandFinancial,
    DemandIndicator,
    DemandIPItem,
    DemandResearchTask,
    DemandTeamMember,
    DemandVersion,
    PublicationBatch,
    RaceRoute,
)
from jiebang.orgs.models import District, Organization

MAX_ID = 2**31 - 1  # ids beyond this never exist; refusing them keeps every backend happy
MAX_ROWS = 50


def money(**kwargs):
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("min_value", Decimal("0"))
    return serializers.DecimalField(**kwargs)


def text(max_length: int, **kwargs):
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, **kwargs)


# ---- shared shapes ----------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (architecture.md, rule 7)."""

    code = serializers.CharField(help_text=_("稳定的错误代码，如 DEMAND-INELIGIBLE"))
    message = serializers.CharField(help_text=_("中文说明"))
    details = serializers.ListField(
        child=serializers.JSONField(), help_text=_("细节：规则审查结果（含规则代码）或字段错误")
    )


class FindingSerializer(serializers.Serializer):
    """One rule's verdict (domain.md §5): code, severity, message, guide clause, field."""

    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    clause = serializers.CharField()
    field = serializers.CharField(allow_blank=True)
    blocks = serializers.BooleanField()


class PrecheckSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    blocking = serializers.IntegerField(help_text=_("阻止提交的问题数"))
    can_submit = serializers.BooleanField()


# ---- units and calls --------------------------------------------------------------------------


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "alias", "office_name"]


class UnitSerializer(serializers.ModelSerializer):
    """A unit as its members, its district and the bureau see it; the phone only masked."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    district = DistrictSerializer(read_only=True, allow_null=True)
    verification_label = serializers.CharField(
        source="get_verification_state_display", read_only=True
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "uscc",
            "kind",
            "kind_label",
            "is_independent_legal_person",
            "district",
            "registered_in_city_on",
            "address",
            "legal_representative",
            "contact_name",
            "contact_phone_masked",
            "tech_certification",
            "tech_certificate_valid_until",
            "verification_state",
            "verification_label",
            "verified_at",
        ]
        read_only_fields = fields


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "name"]


class CallSerializer(serializers.ModelSerializer):
    """A call with its windows and every rule parameter (domain.md §4, §7)."""

    industries = IndustrySerializer(many=True, read_only=True)
    effective_audit_years = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "year",
            "name",
            "guide_reference",
            "is_active",
            "accepts_tech_breakthrough",
            "accepts_achievement_transfer",
            "industries",
            "submission_opens_at",
            "submission_closes_at",
            "recommendation_deadline",
            "resubmission_deadline",
            "min_total_investment",
            "normal_max_period_months",
            "issuer_min_registration_years",
            "credit_lookback_years",
            "credit_check_extends_to_transfer",
            "overdue_threshold_years",
            "unit_max_ongoing_projects",
            "principal_count",
            "person_max_load",
            "effective_audit_years",
            "race_first_phase_cap_percent",
            "race_min_routes",
            "expert_review_of_demands",
            "notice_working_days",
            "subsidy_ratio_percent",
            "subsidy_cap",
            "issuer_matching_ratio_percent",
        ]
        read_only_fields = fields


# ---- demands: output --------------------------------------------------------------------------


class OrgBriefSerializer(serializers.ModelSerializer):
    district = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "district"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_district(self, org) -> str:
        return str(org.district) if org.district_id else ""


class IndustryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name"]


class DemandListSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    organization = OrgBriefSerializer(read_only=True)
    industry = IndustryBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Demand
        fields = [
            "id",
            "number",
            "title",
            "category",
            "category_label",
            "state",
            "state_label",
            "call",
            "organization",
            "industry",
            "total_investment",
            "period_months",
            "is_horse_race",
            "submitted_at",
            "updated_at",
            "resubmit_by",
            "published_at",
            "solicitation_deadline",
        ]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandIndicator
        fields = ["name", "target_value", "unit", "test_method"]


class FinancialSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandFinancial
        fields = ["year", "revenue", "rnd_spend"]


class ResearchTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandResearchTask
        fields = ["name", "level", "year", "role"]


class IPItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandIPItem
        fields = ["kind", "number", "owner", "legal_status"]


class RouteSerializer(serializers.ModelSerializer):
    class Meta:
        model = RaceRoute
        fields = ["name", "description", "rnd_investment"]


class TeamMemberSerializer(serializers.ModelSerializer):
    """A team member; the ID number only masked."""

    person = serializers.IntegerField(source="person_id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_masked = serializers.CharField(source="person.id_masked", read_only=True)

    class Meta:
        model = DemandTeamMember
        fields = ["position", "person", "name", "id_masked", "title", "work_unit", "responsibility"]


class AttachmentSerializer(serializers.ModelSerializer):
    """Attachment metadata (the file itself is served only through the pages' checked view)."""

    kind_label = serializers.SerializerMethodField()
    name = serializers.CharField(source="attachment.original_name", read_only=True)
    file_type = serializers.CharField(source="attachment.file_type", read_only=True)
    size = serializers.IntegerField(source="attachment.size", read_only=True)
    sha256 = serializers.CharField(source="attachment.sha256", read_only=True)
    sm3 = serializers.CharField(source="attachment.sm3", read_only=True)
    uploaded_at = serializers.DateTimeField(source="attachment.created_at", read_only=True)

    class Meta:
        model = DemandAttachment
        fields = [
            "id",
            "kind",
            "kind_label",
            "year",
            "name",
            "file_type",
            "size",
            "sha256",
            "sm3",
            "uploaded_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_kind_label(self, link) -> str:
        try:
            return str(AttachmentKind(link.kind).label)
        except ValueError:
            return link.kind


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandVersion
        fields = ["version", "receipt_number", "digest", "submitted_at"]


class DemandDetailSerializer(DemandListSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    financials = FinancialSerializer(many=True, read_only=True)
    research_tasks = ResearchTaskSerializer(many=True, read_only=True)
    ip_items = IPItemSerializer(many=True, read_only=True)
    routes = RouteSerializer(many=True, read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(DemandListSerializer.Meta):
        fields = [
            *DemandListSerializer.Meta.fields,
            "summary",
            "problem",
            "is_classified",
            "involves_ethics",
            "ethics_review_record",
            "priority_common_tech",
            "priority_first_set",
            "priority_public_benefit",
            "time_requirement",
            "ip_terms",
            "solver_conditions",
            "investment_breakdown",
            "period_justification",
            "declares_end_user",
            "commits_funding",
            "support_conditions",
            "success_cases",
            "transfer_team",
            "contact_name",
            "contact_phone_masked",
            "contact_email",
            "current_version",
            "state_reason",
            "indicators",
            "financials",
            "research_tasks",
            "ip_items",
            "routes",
            "team",
            "attachments",
            "versions",
        ]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    """The submission receipt (回执): number, server time and SM3 digest of the content."""

    number = serializers.CharField(source="receipt_number", read_only=True)
    demand_number = serializers.CharField(source="demand.number", read_only=True)

    class Meta:
        model = DemandVersion
        fields = ["number", "demand_number", "version", "digest", "submitted_at"]
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer):
    demands = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PublicationBatch
        fields = ["id", "title", "call", "published_at", "solicitation_deadline", "demands"]
        read_only_fields = fields


# ---- demands: input ---------------------------------------------------------------------------


class IndicatorIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    target_value = serializers.CharField(max_length=200)
    unit = text(32)
    test_method = text(300)


class RouteIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = text(2000)
    rnd_investment = money()


class ResearchTaskIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=ResearchLevel.choices)
    year = serializers.IntegerField(min_value=1980, max_value=2100, required=False, allow_null=True)
    role = text(64)


class IPItemIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IPKind.choices)
    number = serializers.CharField(max_length=64)
    owner = serializers.CharField(max_length=200)
    legal_status = serializers.CharField(max_length=64)


class FinancialIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=1980, max_value=2100)
    revenue = money(required=False, allow_null=True)
    rnd_spend = money(required=False, allow_null=True)


class TeamMemberIn(serializers.Serializer):
    """A member by name and ID number; a member already on the team may instead be kept by
    `person` (its id in the team as returned), so the full number need not be sent again."""

    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    title = text(64)
    work_unit = text(200)
    responsibility = text(200)

    def validate_id_number(self, value):
        value = (value or "").strip().upper()
        if value:
            validate_id_number(value)
        return value


def rows(child, **kwargs):
    return serializers.ListField(child=child, required=False, max_length=MAX_ROWS, **kwargs)


class DemandWriteSerializer(serializers.Serializer):
    """Fields of a draft or returned demand; only those sent are changed. A list (indicators,
    routes, research_tasks, ip_items, financials, team) replaces the whole table."""

    title = serializers.CharField(max_length=120, required=False)
    industry = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    summary = text(2000)
    problem = text(5000)
    is_horse_race = serializers.BooleanField(required=False)
    is_classified = serializers.BooleanField(required=False)
    involves_ethics = serializers.BooleanField(required=False)
    ethics_review_record = text(2000)
    priority_common_tech = serializers.BooleanField(required=False)
    priority_first_set = serializers.BooleanField(required=False)
    priority_public_benefit = serializers.BooleanField(required=False)
    time_requirement = text(2000)
    ip_terms = text(2000)
    solver_conditions = text(3000)
    total_investment = money(required=False, allow_null=True, help_text=_("单位：元"))
    investment_breakdown = text(3000)
    period_months = serializers.IntegerField(
        min_value=1, max_value=120, required=False, allow_null=True
    )
    period_justification = text(2000)
    declares_end_user = serializers.BooleanField(required=False)
    commits_funding = serializers.BooleanField(required=False)
    support_conditions = text(3000)
    success_cases = text(3000)
    transfer_team = text(3000)
    contact_name = text(64)
    contact_phone = text(32, validators=[validate_phone], write_only=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    indicators = rows(IndicatorIn())
    routes = rows(RouteIn())
    research_tasks = rows(ResearchTaskIn())
    ip_items = rows(IPItemIn())
    financials = rows(FinancialIn())
    team = rows(TeamMemberIn(), allow_empty=False)

    def validate_title(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("请填写需求名称。"))
        return value

    def validate_industry(self, value):
        call = self.context["call"]
        allowed = call.industries.all()
        if not allowed.exists():
            allowed = Industry.objects.all()
        industry = allowed.filter(pk=value).first()
        if industry is None:
            raise serializers.ValidationError(_("请选择本批次征集的产业领域。"))
        return industry

    def validate_financials(self, value):
        years = self.context["call"].effective_audit_years
        seen = [row["year"] for row in value]
        if any(y not in years for y in seen) or len(set(seen)) != len(seen):
            raise serializers.ValidationError(
                _("审计年度应为 %(years)s，每年一行。") % {"years": "、".join(map(str, years))}
            )
        return value

    def validate_team(self, value):
        demand = self.context.get("demand")
        kept = (
            {m.person_id: m.person.id_number for m in demand.team.all()}
            if demand is not None
            else {}
        )
        members = []
        for i, member in enumerate(value, 1):
            member = dict(member)
            if not member.get("id_number"):
                person = member.pop("person", None)
                if person is None or person not in kept:
                    raise serializers.ValidationError(
                        _("第%(n)d位成员：请填写居民身份证号。") % {"n": i}
                    )
                member["id_number"] = kept[person]
            member.pop("person", None)
            members.append(member)
        return members


class DemandCreateSerializer(DemandWriteSerializer):
    """A new draft in the active call: category and title, and optionally any other field."""

    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=120)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("理由（必填）"))


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReturnSerializer(ReasonSerializer):
    resubmit_by = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("重新提交截止时间（仅市科技局退回时可设；默认一周后或批次截止时间）"),
    )


class PublishSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
        help_text=_("要发布的需求 id（须为当前批次且可发布）"),
    )
    title = serializers.CharField(max_length=200, help_text=_("榜单批次名称"))
    solicitation_deadline = serializers.DateTimeField(help_text=_("揭榜截止时间"))


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    year = serializers.IntegerField(
        min_value=1980, max_value=2100, required=False, allow_null=True, help_text=_("审计年度")
    )
    file = serializers.FileField(help_text=_("PDF、图片、Word、Excel 或 OFD，按内容识别类型"))

    def validate(self, data):
        demand = self.context["demand"]
        if data["kind"] not in ATTACHMENTS_BY_CATEGORY[demand.category]:
            raise serializers.ValidationError({"kind": _("该类别的需求不需要此类材料。")})
        if data["kind"] == AttachmentKind.AUDIT_REPORT:
            if data.get("year") not in demand.call.effective_audit_years:
                raise serializers.ValidationError({"year": _("请选择审计报告对应的年度。")})
        else:
            data["year"] = None
        return data
