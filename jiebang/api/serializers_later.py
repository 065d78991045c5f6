"""Serializers of API v1 for the later stages: proposals (揭榜), expert review (评榜),
public notices and objections (公示、异议), projects and disbursements (项目、拨付).

Shape and types only; the rules live in the services (architecture.md, rules 1 and 7).
Conventions: money as strings with 2 decimals (元), dates and times ISO 8601 (Beijing
offset), states as codes with a Chinese `*_display`, ID numbers and phones masked.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiebang.core.validators import validate_id_number, validate_uscc
from jiebang.demands.enums import IPKind
from jiebang.notices.models import Announcement, Objection, PublicNotice
from jiebang.proposals.enums import PerformanceKind, ProposalAttachmentKind
from jiebang.proposals.forms import ATTACHMENT_KINDS
from jiebang.proposals.models import MatchingKind, Proposal
from jiebang.review.enums import Recommendation
from jiebang.review.models import Assignment, ReviewRound

# Ids typed by clients stay within a 64-bit integer (SQLite and PostgreSQL bigint).
MAX_ID = 2**63 - 1


def money(**kwargs):
    """Yuan with 2 decimals, read and written as a string ("6000000.00")."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def money_out(**kwargs):
    """A computed amount (no bound on digits), shown with 2 decimals."""
    return serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True, **kwargs)


def display(field: str):
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


def an_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class FileRefSerializer(serializers.Serializer):
    """A stored attachment: its name, hashes and where the parties download it (the download
    checks the permission again)."""

    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sm3 = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return f"/files/{attachment.uuid}/"


class OrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DemandRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField()


# --------------------------------------------------------------------------- proposals


class ProposalListSerializer(serializers.ModelSerializer):
    state_display = display("state")
    demand = DemandRefSerializer()
    issuer = OrgRefSerializer(source="demand.organization")
    lead = OrgRefSerializer()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "demand",
            "issuer",
            "lead",
            "issuer_rank",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class ConsortiumMemberOutSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    role = serializers.CharField()
    role_display = display("role")
    organization = OrgRefSerializer()
    uscc = serializers.CharField(source="organization.uscc")
    work_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    budget_share = money(allow_null=True)
    tasks = serializers.CharField()


class TeamMemberOutSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField(source="person.name")
    id_masked = serializers.CharField(source="person.id_masked")
    title = serializers.CharField()
    work_unit = serializers.CharField()
    responsibility = serializers.CharField()


class AnswerOutSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id")
    indicator_name = serializers.CharField(source="indicator.name")
    answer = serializers.CharField()


class ProposalIPItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IPKind.choices)
    number = serializers.CharField(max_length=64)
    owner = serializers.CharField(max_length=200)
    legal_status = serializers.CharField(max_length=64)


class MatchingRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=MatchingKind.choices)
    kind_display = display("kind")
    held_on = serializers.DateField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    participants = serializers.CharField(max_length=500)
    summary = serializers.CharField(max_length=5000)
    recorded_at = serializers.DateTimeField(read_only=True)


class AgreementOutSerializer(serializers.Serializer):
    contract_amount = money()
    signed_on = serializers.DateField()
    file = FileRefSerializer(source="attachment")
    recorded_at = serializers.DateTimeField()


class ProposalReceiptSerializer(serializers.Serializer):
    """The submission receipt (回执): number, server time and the content's SM3 digest."""

    receipt_number = serializers.CharField()
    version = serializers.IntegerField()
    digest = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    findings = serializers.ListField(child=serializers.DictField())


class ProposalAttachmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.SerializerMethodField()
    file = FileRefSerializer(source="attachment")

    def get_kind_display(self, link) -> str:
        return str(dict(ProposalAttachmentKind.choices).get(link.kind, link.kind))


class ProposalDetailSerializer(ProposalListSerializer):
    route = serializers.SerializerMethodField()
    budget_total = money(allow_null=True)
    members = ConsortiumMemberOutSerializer(many=True)
    team = TeamMemberOutSerializer(many=True)
    indicator_answers = AnswerOutSerializer(many=True)
    ip_items = ProposalIPItemSerializer(many=True)
    matching_records = MatchingRecordSerializer(many=True)
    attachments = ProposalAttachmentOutSerializer(many=True)
    agreement = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()

    class Meta(ProposalListSerializer.Meta):
        fields = [
            *ProposalListSerializer.Meta.fields,
            "route",
            "technical_plan",
            "budget_total",
            "budget_breakdown",
            "schedule",
            "state_reason",
            "issuer_note",
            "members",
            "team",
            "indicator_answers",
            "ip_items",
            "matching_records",
            "attachments",
            "agreement",
            "receipt",
        ]
        read_only_fields = fields

    def get_route(self, proposal) -> dict | None:
        if not proposal.route_id:
            return None
        return {"id": proposal.route_id, "name": proposal.route.name}

    def get_agreement(self, proposal) -> dict | None:
        agreement = getattr(proposal, "agreement", None) if hasattr(proposal, "agreement") else None
        return AgreementOutSerializer(agreement).data if agreement is not None else None

    def get_receipt(self, proposal) -> dict | None:
        versions = sorted(proposal.versions.all(), key=lambda v: v.version)
        return ProposalReceiptSerializer(versions[-1]).data if versions else None


class ProposalCreateSerializer(serializers.Serializer):
    demand = an_id(help_text=_("已发布、处于揭榜征集期的榜单编号（id）"))


class MemberInSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=18, validators=[validate_uscc])
    work_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("99.99")
    )
    budget_share = money(required=False, allow_null=True, min_value=0)
    tasks = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_uscc(self, value):
        return value.strip().upper()


class ProposalTeamMemberInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=18, validators=[validate_id_number])
    title = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    work_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    responsibility = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )

    def validate_id_number(self, value):
        return value.strip().upper()


class AnswerInSerializer(serializers.Serializer):
    indicator = an_id()
    answer = serializers.CharField(max_length=2000, allow_blank=True)


class PerformanceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PerformanceKind.choices)
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=1980, max_value=2100, required=False, allow_null=True)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class ProposalUpdateSerializer(serializers.Serializer):
    """A draft's editable parts; each part given replaces what was saved (as each step of the
    page's editor does). All parts are saved together or not at all."""

    technical_plan = serializers.CharField(max_length=8000, required=False, allow_blank=True)
    schedule = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    budget_total = money(required=False, allow_null=True, min_value=0)
    budget_breakdown = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    route = an_id(required=False, allow_null=True, help_text=_("赛马制榜单的技术路线id"))
    members = MemberInSerializer(
        many=True, required=False, help_text=_("联合体成员（不含牵头单位）")
    )
    team = ProposalTeamMemberInSerializer(
        many=True, required=False, help_text=_("项目团队，第一位为负责人")
    )
    answers = AnswerInSerializer(many=True, required=False)
    ip_items = ProposalIPItemSerializer(many=True, required=False)
    performance = PerformanceSerializer(many=True, required=False)

    def validate_members(self, members):
        """As the consortium step checks: distinct members whose shares leave the lead a part."""
        usccs = [m["uscc"] for m in members]
        if len(set(usccs)) != len(usccs):
            raise serializers.ValidationError(_("同一成员单位不能填写两次。"))
        total = sum((m["work_share"] for m in members), Decimal("0"))
        if total >= 100:
            raise serializers.ValidationError(
                _("联合体成员的分工比例合计为%(total)s%%，成员合计应小于100%%。")
                % {"total": f"{total.normalize():f}"}
            )
        return members


class ProposalAttachmentInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in ATTACHMENT_KINDS])
    file = serializers.FileField()


class RuleFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    clause = serializers.CharField()
    field = serializers.CharField()
    blocks = serializers.BooleanField()


class WithdrawReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AgreementInSerializer(serializers.Serializer):
    contract_amount = money(min_value=0)
    signed_on = serializers.DateField(required=False)
    file = serializers.FileField(help_text=_("签字盖章的协议扫描件"))


class PreferenceSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1, max_value=999, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewOutcomeSerializer(serializers.Serializer):
    shortlisted = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PublicizeSerializer(serializers.Serializer):
    demand = an_id()
    ids = serializers.ListField(child=an_id(), allow_empty=True, max_length=100)


class DemandRefInSerializer(serializers.Serializer):
    demand = an_id()


class PublicizeResultSerializer(serializers.Serializer):
    proposals = ProposalListSerializer(many=True)
    notice = serializers.IntegerField(allow_null=True)
    notice_ends_at = serializers.DateTimeField(allow_null=True)


class CloseDemandResultSerializer(serializers.Serializer):
    demand = DemandRefSerializer()
    state = serializers.CharField()
    state_display = serializers.CharField()
    selected = ProposalListSerializer(many=True)
    announcement = serializers.IntegerField()


# --------------------------------------------------------------------------- review


class RoundRefSerializer(serializers.ModelSerializer):
    kind_display = display("kind")
    state_display = display("state")

    class Meta:
        model = ReviewRound
        fields = ["id", "title", "kind", "kind_display", "state", "state_display", "blind"]
        read_only_fields = fields


class RoundRefWithDeadlineSerializer(RoundRefSerializer):
    class Meta(RoundRefSerializer.Meta):
        fields = [*RoundRefSerializer.Meta.fields, "deadline"]
        read_only_fields = fields


class ScoreOutSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.CharField())
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    comment = serializers.CharField()
    recommendation = serializers.CharField()
    recommendation_display = display("recommendation")
    submitted_at = serializers.DateTimeField()


def _score_of(assignment):
    return getattr(assignment, "score", None) if hasattr(assignment, "score") else None


class AssignmentListSerializer(serializers.ModelSerializer):
    round = RoundRefWithDeadlineSerializer()
    item_code = serializers.CharField(source="item.code")
    state_display = display("state")
    total = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "round", "item_code", "state", "state_display", "declared_at", "total"]
        read_only_fields = fields

    def get_total(self, assignment) -> str | None:
        score = _score_of(assignment)
        return f"{score.total:.2f}" if score is not None else None


class LabelValueSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    """What is reviewed, as the expert page shows it: in a blind round the identity lines
    (units, team, numbers) are left out."""

    title = serializers.CharField()
    number = serializers.CharField()
    category = serializers.CharField()
    industry = serializers.CharField()
    identity = LabelValueSerializer(many=True)
    sections = LabelValueSerializer(many=True)
    indicator_labels = serializers.ListField(child=serializers.CharField())
    indicators = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


def target_data(view, *, blind: bool) -> dict | None:
    """A review.targets.TargetView as the API shows it; identity hidden in a blind round."""
    if view is None:
        return None
    return {
        "title": view.title,
        "number": "" if blind else view.number,
        "category": view.category,
        "industry": view.industry,
        "identity": [] if blind else [{"label": k, "value": v} for k, v in view.identity],
        "sections": [{"label": k, "value": v} for k, v in view.sections if v],
        "indicator_labels": list(view.indicator_labels),
        "indicators": [list(row) for row in view.indicators],
    }


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.CharField()
    max_score = serializers.CharField()


class AssignmentDetailSerializer(AssignmentListSerializer):
    criteria = CriterionSerializer(source="round.criteria", many=True)
    declaration = serializers.CharField()
    target = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()

    class Meta(AssignmentListSerializer.Meta):
        fields = [
            *AssignmentListSerializer.Meta.fields,
            "criteria",
            "declaration",
            "target",
            "score",
        ]
        read_only_fields = fields

    def get_target(self, assignment) -> dict | None:
        return target_data(self.context.get("target_view"), blind=assignment.round.blind)

    def get_score(self, assignment) -> dict | None:
        score = _score_of(assignment)
        return ScoreOutSerializer(score).data if score is not None else None


class DeclareSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("no_conflict", _("声明无利害关系")), ("conflict", _("申请回避"))]
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ScoreInSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0),
        help_text=_('按评审指标名称给分，例如 {"技术路线": "18"}'),
    )
    comment = serializers.CharField(max_length=3000)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)


class RoundListSerializer(serializers.ModelSerializer):
    kind_display = display("kind")
    state_display = display("state")
    call_year = serializers.IntegerField(source="call.year")
    item_count = serializers.IntegerField()

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "call_year",
            "blind",
            "experts_per_item",
            "max_load",
            "deadline",
            "opened_at",
            "closed_at",
            "item_count",
        ]
        read_only_fields = fields


class RankingSerializer(serializers.Serializer):
    """review.aggregation.ItemResult: drop high/low at ≥ N scores, mean, spread, rank."""

    item_id = serializers.IntegerField()
    code = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    n = serializers.IntegerField()
    mean = money_out(allow_null=True)
    normalised_mean = money_out(allow_null=True)
    spread = money_out(allow_null=True)
    needs_consensus = serializers.BooleanField()
    scores = serializers.ListField(child=money_out())
    dropped = serializers.ListField(child=money_out())


class RoundAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    expert = serializers.CharField(source="expert.person.name")
    expert_unit = serializers.CharField(source="expert.display_unit")
    state = serializers.CharField()
    state_display = display("state")
    total = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()

    def get_total(self, assignment) -> str | None:
        score = _score_of(assignment)
        return f"{score.total:.2f}" if score is not None else None

    def get_recommendation(self, assignment) -> str | None:
        score = _score_of(assignment)
        return score.recommendation if score is not None else None


class RoundItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    position = serializers.IntegerField()
    target_type = serializers.CharField(source="target_type.model")
    target_id = serializers.IntegerField()
    target = serializers.SerializerMethodField()
    decision = serializers.CharField()
    decision_display = display("decision")
    decision_reason = serializers.CharField()
    consensus_note = serializers.CharField()
    assignments = RoundAssignmentSerializer(many=True)

    def get_target(self, item) -> dict | None:
        return target_data(self.context.get("views", {}).get(item.pk), blind=False)


class RoundDetailSerializer(RoundListSerializer):
    criteria = CriterionSerializer(many=True)
    items = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()

    class Meta(RoundListSerializer.Meta):
        fields = [
            *RoundListSerializer.Meta.fields,
            "criteria",
            "spread_threshold",
            "drop_extremes_from",
            "normalise",
            "items",
            "ranking",
        ]
        read_only_fields = fields

    def get_item_count(self, review_round) -> int:
        return len(self.context.get("items", []))

    def get_items(self, review_round) -> list[dict]:
        return RoundItemSerializer(
            self.context.get("items", []), many=True, context=self.context
        ).data

    def get_ranking(self, review_round) -> list[dict]:
        codes = {item.pk: item.code for item in self.context.get("items", [])}
        rows = [
            {**r.__dict__, "code": codes.get(r.item_id, "")}
            for r in self.context.get("ranking", [])
        ]
        return RankingSerializer(rows, many=True).data


# --------------------------------------------------------------------------- notices


class NoticeSerializer(serializers.ModelSerializer):
    state_display = display("state")
    starts_at = serializers.DateTimeField(read_only=True)
    accepting = serializers.SerializerMethodField()

    class Meta:
        model = PublicNotice
        fields = [
            "id",
            "title",
            "body",
            "start_on",
            "working_days",
            "starts_at",
            "ends_at",
            "state",
            "state_display",
            "accepting",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_accepting(self, notice) -> bool:
        """Objections are taken now: open, started, and not past its end (to the second)."""
        now = self.context["now"]
        return (
            notice.state == "open"
            and notice.starts_at <= now
            and now.replace(microsecond=0) <= notice.ends_at
        )


class AnnouncementSerializer(serializers.ModelSerializer):
    kind_display = display("kind")

    class Meta:
        model = Announcement
        fields = ["id", "kind", "kind_display", "title", "body", "published_at"]
        read_only_fields = fields


class ObjectionFileSerializer(serializers.Serializer):
    """What the public page's form takes. Which fields are required depends on the kind and is
    decided by the service (an anonymous objection is recorded as refused)."""

    kind = serializers.CharField(max_length=8, help_text=_("person（个人实名）或 unit（单位盖章）"))
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    unit_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    letter = serializers.FileField(
        required=False, allow_null=True, help_text=_("本人签名或单位盖章的书面异议材料")
    )


class ObjectionReceiptSerializer(serializers.ModelSerializer):
    """What the objector gets back: the number and state, their data masked."""

    kind_display = display("kind")
    state_display = display("state")

    class Meta:
        model = Objection
        fields = [
            "id",
            "number",
            "notice",
            "kind",
            "kind_display",
            "objector",
            "id_masked",
            "phone_masked",
            "received_at",
            "state",
            "state_display",
        ]
        read_only_fields = fields


class ObjectionSerializer(ObjectionReceiptSerializer):
    """The bureau's view of an objection (ID number and phone masked)."""

    letter = FileRefSerializer(source="attachment", allow_null=True)

    class Meta(ObjectionReceiptSerializer.Meta):
        fields = [
            *ObjectionReceiptSerializer.Meta.fields,
            "name",
            "unit_name",
            "uscc",
            "content",
            "letter",
            "refusal_code",
            "refusal_reason",
            "resolution",
            "handled_at",
            "resolved_at",
        ]
        read_only_fields = fields


class RefusalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


# --------------------------------------------------------------------------- review rounds (bureau)


class CriterionInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))


class RoundCreateSerializer(serializers.Serializer):
    """A 需求论证 or 专家评榜 round in the current call; left out, the call's defaults apply
    (experts per item, the rubric, the title). 验收评审 starts from the projects."""

    kind = serializers.ChoiceField(
        choices=[("demand_review", _("需求论证")), ("proposal_review", _("专家评榜"))]
    )
    target_ids = serializers.ListField(
        child=an_id(),
        min_length=1,
        max_length=1000,
        help_text=_("候选评审对象的 id（见 candidates）"),
    )
    title = serializers.CharField(max_length=200, required=False)
    experts_per_item = serializers.IntegerField(min_value=1, max_value=15, required=False)
    max_load = serializers.IntegerField(min_value=1, max_value=100, default=10)
    blind = serializers.BooleanField(default=True)
    criteria = CriterionInSerializer(many=True, required=False, min_length=1)
    deadline = serializers.DateTimeField()


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField()


class AutoAssignOutSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    total_affinity = serializers.FloatField()
    feasible = serializers.BooleanField()
    shortfalls = serializers.ListField(child=serializers.DictField())


class AssignExpertSerializer(serializers.Serializer):
    item = an_id()
    expert = an_id(help_text=_("专家库中的专家 id"))


class UnassignSerializer(serializers.Serializer):
    assignment = an_id()


class ConsensusSerializer(serializers.Serializer):
    item = an_id()
    note = serializers.CharField(max_length=3000)


class DecideItemSerializer(serializers.Serializer):
    item = an_id()
    approved = serializers.BooleanField()
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
