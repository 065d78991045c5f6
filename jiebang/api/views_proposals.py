"""API v1 of 揭榜: proposals, their attachments, matching and the selection desk."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_later as s
from jiebang.api.common import ScopedViewSet, require, require_any, valid
from jiebang.api.routers import router
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.demands.models import Demand, RaceRoute
from jiebang.notices import selectors as notice_selectors
from jiebang.notices import services as notice_services
from jiebang.portal import selectors as portal_selectors
from jiebang.proposals import selection
from jiebang.proposals import selectors as proposal_selectors
from jiebang.proposals import services as proposal_services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from jiebang.proposals.views import applicant_of_a_unit, may_withdraw
from jiebang.review import services as review_services
from jiebang.review.enums import RoundKind
from jiebang.review.models import ReviewItem

# --------------------------------------------------------------------------- proposals

VIEW_OWN_PROPOSALS = "proposals.view_own_proposals"
VIEW_SELECTION_DESK = "proposals.view_selection_desk"
EDIT_PROPOSAL = "proposals.edit_proposal"
HANDLE_MATCHING = "proposals.handle_matching"
MANAGE_SELECTION = "proposals.manage_selection"


def proposal_data(pk: int) -> dict:
    proposal = proposal_selectors.proposal_detail(pk)
    prefetch_related_objects([proposal], "attachments__attachment")
    return s.ProposalDetailSerializer(proposal).data


def close_announcement(demand, selected) -> tuple[str, str]:
    """The 开榜 / 流榜 announcement, worded as the selection desk's page words it."""
    if selected:
        body = (
            "经公示无异议，现公告揭榜结果："
            + "；".join(f"{p.lead.name}揭榜成功" for p in selected)
            + "。"
        )
        return f"开榜公告：{demand.title}", body
    return (
        f"流榜公告：{demand.title}",
        "该榜单在揭榜期内未产生符合条件的揭榜方，作流榜处理。",
    )


@extend_schema_view(
    list=extend_schema(summary="揭榜申请列表（本单位牵头或参与的、收到的；市科技局与审计看全部）"),
    retrieve=extend_schema(summary="揭榜申请详情", responses=s.ProposalDetailSerializer),
    create=extend_schema(
        summary="我要揭榜：为已发布的榜单新建揭榜申请草稿",
        request=s.ProposalCreateSerializer,
        responses={201: s.ProposalDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="修改揭榜申请草稿（给出的部分整体替换）",
        request=s.ProposalUpdateSerializer,
        responses=s.ProposalDetailSerializer,
    ),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Proposal.objects.none()
    serializer_class = s.ProposalListSerializer
    filterset_class = filters.ProposalFilter

    def get_queryset(self):
        if self.fake():
            return Proposal.objects.none()
        return proposal_selectors.proposals_visible_to(self.request.user).order_by(
            "-updated_at", "-id"
        )

    def get_serializer_class(self):
        return s.ProposalDetailSerializer if self.action == "retrieve" else s.ProposalListSerializer

    def _visible(self, pk) -> Proposal:
        """The proposal if this user may see it (404 otherwise), as the pages scope it."""
        require_any(self.request, (VIEW_OWN_PROPOSALS, VIEW_SELECTION_DESK))
        return get_object_or_404(proposal_selectors.proposals_visible_to(self.request.user), pk=pk)

    def list(self, request, *args, **kwargs):
        require_any(request, (VIEW_OWN_PROPOSALS, VIEW_SELECTION_DESK))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        return Response(proposal_data(self._visible(pk).pk))

    def create(self, request):
        """As the hall's 我要揭榜 button: a published demand, an applicant of a verified unit,
        at most one live proposal per unit and demand."""
        data = valid(s.ProposalCreateSerializer, request)
        try:
            demand = portal_selectors.public_demand(data["demand"])
        except Demand.DoesNotExist as missing:
            raise Http404 from missing
        user = request.user
        if not user.has_perm("proposals.create_proposal"):
            if applicant_of_a_unit.test(user):
                raise DomainError(
                    "ORG-UNVERIFIED",
                    _(
                        "本单位尚未通过注册审核，审核通过后方可揭榜（依据：申报指南 五（二）1、2）。"
                    ),
                )
            raise PermissionDenied
        existing = (
            proposal_selectors.proposals_visible_to(user)
            .filter(demand=demand, lead_id=user.organization_id)
            .exclude(state=ProposalState.WITHDRAWN)
            .order_by("-id")
            .first()
        )
        if existing is not None:
            raise DomainError(
                "PROPOSAL-EXISTS",
                _("本单位已有对该榜单的揭榜申请，无需重复揭榜。"),
                details=[{"proposal_id": existing.pk, "state": existing.state}],
            )
        proposal = proposal_services.create_proposal(
            demand=demand, org=user.organization, by=user, request=request
        )
        return Response(proposal_data(proposal.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        """The editor's steps at once: plan fields, consortium, team, indicator answers, IP
        and performance; each part given replaces the saved one, all or nothing."""
        proposal = self._visible(pk)
        require(request, EDIT_PROPOSAL, proposal)
        data = valid(s.ProposalUpdateSerializer, request)
        user = request.user
        with transaction.atomic():
            fields = {
                name: data[name]
                for name in ("technical_plan", "schedule", "budget_total", "budget_breakdown")
                if name in data
            }
            if "route" in data:
                fields["route"] = self._route(proposal, data["route"])
            if fields:
                proposal_services.update_proposal(proposal=proposal, by=user, fields=fields)
            if "members" in data:
                proposal_services.set_members(
                    proposal=proposal, by=user, members=[dict(m) for m in data["members"]]
                )
            if "team" in data:
                proposal_services.set_team(
                    proposal=proposal, by=user, members=[dict(m) for m in data["team"]]
                )
            if "answers" in data:
                proposal_services.set_answers(
                    proposal=proposal,
                    by=user,
                    answers={a["indicator"]: a["answer"] for a in data["answers"]},
                )
            if "ip_items" in data:
                proposal_services.set_ip_items(
                    proposal=proposal, by=user, rows=[dict(r) for r in data["ip_items"]]
                )
            if "performance" in data:
                proposal_services.set_performance(
                    proposal=proposal, by=user, rows=[dict(r) for r in data["performance"]]
                )
        return Response(proposal_data(proposal.pk))

    @staticmethod
    def _route(proposal, route_id):
        if route_id is None:
            return None
        route = RaceRoute.objects.filter(pk=route_id, demand_id=proposal.demand_id).first()
        if route is None:
            raise DomainError("ROUTE-INVALID", _("所选技术路线不属于该榜单。"))
        return route

    @extend_schema(
        summary="上传揭榜申请附件（multipart）",
        request={"multipart/form-data": s.ProposalAttachmentInSerializer},
        responses={201: s.ProposalAttachmentOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, EDIT_PROPOSAL, proposal)
        data = valid(s.ProposalAttachmentInSerializer, request)
        link = proposal_services.attach_file(
            proposal=proposal, by=request.user, kind=data["kind"], uploaded_file=data["file"]
        )
        return Response(
            s.ProposalAttachmentOutSerializer(link).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="移除揭榜申请附件（已存文件保留，已提交版本仍可引用）",
        parameters=[OpenApiParameter("link_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<link_id>[0-9]{1,18})",
        url_name="attachment-remove",
    )
    def remove_attachment(self, request, pk=None, link_id=None):
        proposal = self._visible(pk)
        require(request, EDIT_PROPOSAL, proposal)
        get_object_or_404(proposal.attachments.all(), pk=link_id)
        proposal_services.remove_attachment(
            proposal=proposal, by=request.user, link_id=int(link_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="提交前预检（全部规则结果）", responses=s.RuleFindingSerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def precheck(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, EDIT_PROPOSAL, proposal)
        findings = proposal_services.precheck(proposal, request.user)
        return Response([f.as_dict() for f in findings])

    @extend_schema(
        summary="提交揭榜申请；不符合条件时返回 PROPOSAL-INELIGIBLE，details 为全部阻断规则",
        request=None,
        responses={201: s.ProposalReceiptSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self._visible(pk)
        user = request.user
        if not user.has_perm(EDIT_PROPOSAL, proposal):
            # The lead asking again about a submitted proposal hears why (as on the page).
            if proposal.state == ProposalState.DRAFT or proposal.lead_id != user.organization_id:
                raise PermissionDenied
            if proposal.state == ProposalState.WITHDRAWN:
                raise DomainError("PROPOSAL-STATE", _("该揭榜申请已撤回，不能提交。"))
        version = proposal_services.submit_proposal(
            proposal_id=proposal.pk, by=user, request=request
        )
        return Response(s.ProposalReceiptSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="撤回揭榜申请（评审前，须填写理由）",
        request=s.WithdrawReasonSerializer,
        responses=s.ProposalDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self._visible(pk)
        if not may_withdraw.test(request.user, proposal):
            raise PermissionDenied
        data = valid(s.WithdrawReasonSerializer, request)
        proposal_services.withdraw_proposal(
            proposal_id=proposal.pk, by=request.user, reason=data["reason"], request=request
        )
        return Response(proposal_data(proposal.pk))

    # The issuer's side (揭榜对接).

    @extend_schema(
        summary="发榜方登记对接记录",
        request=s.MatchingRecordSerializer,
        responses={201: s.MatchingRecordSerializer},
    )
    @action(detail=True, methods=["post"])
    def matching(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, HANDLE_MATCHING, proposal)
        data = valid(s.MatchingRecordSerializer, request)
        record = proposal_services.record_matching(
            proposal_id=proposal.pk,
            by=request.user,
            kind=data["kind"],
            held_on=data.get("held_on") or clock.today(),
            place=data.get("place", ""),
            participants=data["participants"],
            summary=data["summary"],
            request=request,
        )
        return Response(s.MatchingRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="发榜方登记揭榜协议（multipart，含扫描件）",
        request={"multipart/form-data": s.AgreementInSerializer},
        responses={201: s.AgreementOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, HANDLE_MATCHING, proposal)
        data = valid(s.AgreementInSerializer, request)
        agreement = proposal_services.record_agreement(
            proposal_id=proposal.pk,
            by=request.user,
            contract_amount=data["contract_amount"],
            signed_on=data.get("signed_on") or clock.today(),
            uploaded_file=data["file"],
            request=request,
        )
        return Response(s.AgreementOutSerializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="发榜方意向排序",
        request=s.PreferenceSerializer,
        responses=s.ProposalDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def preference(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, HANDLE_MATCHING, proposal)
        data = valid(s.PreferenceSerializer, request)
        proposal_services.set_issuer_preference(
            proposal_id=proposal.pk,
            by=request.user,
            rank=data["rank"],
            note=data.get("note", ""),
            request=request,
        )
        return Response(proposal_data(proposal.pk))

    # The bureau's side (selection desk).

    @extend_schema(
        summary="市科技局资格审查（不通过须填写理由）",
        request=s.EligibilitySerializer,
        responses=s.ProposalDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def eligibility(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, MANAGE_SELECTION)
        data = valid(s.EligibilitySerializer, request)
        selection.confirm_eligibility(
            proposal_id=proposal.pk,
            eligible=data["eligible"],
            reason=data.get("reason", ""),
            by=request.user,
            request=request,
        )
        return Response(proposal_data(proposal.pk))

    @extend_schema(summary="进入专家评榜", request=None, responses=s.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def to_review(self, request, pk=None):
        proposal = self._visible(pk)
        require(request, MANAGE_SELECTION)
        selection.send_to_review(proposal_ids=[proposal.pk], by=request.user, request=request)
        return Response(proposal_data(proposal.pk))

    @extend_schema(
        summary="评榜结论（入围/未入选），即该申请所在已结束评审轮次中的决定",
        request=s.ReviewOutcomeSerializer,
        responses=s.ProposalDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def review_outcome(self, request, pk=None):
        """The decision on the proposal's item in its closed 专家评榜 round, as the round page
        makes it (review.services.decide_item → selection.record_review_outcome)."""
        proposal = self._visible(pk)
        require(request, "review.manage_rounds")
        data = valid(s.ReviewOutcomeSerializer, request)
        item = (
            ReviewItem.objects.filter(
                target_type=ContentType.objects.get_for_model(Proposal),
                target_id=proposal.pk,
                round__kind=RoundKind.PROPOSAL_REVIEW,
                decision="",
            )
            .order_by("-round__created_at", "-id")
            .first()
        )
        if item is None:
            raise DomainError(
                "REVIEW-ITEM-MISSING",
                _("该揭榜申请不在待作决定的专家评榜中，请先组织专家评榜。"),
            )
        review_services.decide_item(
            item_id=item.pk,
            approved=data["shortlisted"],
            reason=data.get("reason", ""),
            by=request.user,
            request=request,
        )
        return Response(proposal_data(proposal.pk))

    @extend_schema(
        summary="对榜单选定的入围申请进行揭榜结果公示",
        request=s.PublicizeSerializer,
        responses=s.PublicizeResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def publicize(self, request):
        require(request, MANAGE_SELECTION)
        data = valid(s.PublicizeSerializer, request)
        demand = get_object_or_404(Demand.objects.select_related("call"), pk=data["demand"])
        ids = list(dict.fromkeys(data["ids"]))
        of_demand = set(
            Proposal.objects.filter(pk__in=ids, demand=demand).values_list("pk", flat=True)
        )
        if len(of_demand) != len(ids):
            raise DomainError(
                "PROPOSAL-DEMAND",
                _("所选揭榜申请不属于该榜单。"),
                details=[{"proposal_id": pk} for pk in ids if pk not in of_demand],
            )
        selection.publicize(demand_id=demand.pk, proposal_ids=ids, by=request.user, request=request)
        notice = notice_selectors.latest_notice_for(demand)
        proposals = (
            Proposal.objects.filter(pk__in=ids)
            .select_related("demand__organization", "lead")
            .order_by("id")
        )
        return Response(
            s.PublicizeResultSerializer(
                {
                    "proposals": proposals,
                    "notice": notice.pk if notice else None,
                    "notice_ends_at": notice.ends_at if notice else None,
                }
            ).data
        )

    @extend_schema(
        summary="开榜（公示期满无异议）或流榜，并发布公告",
        request=s.DemandRefInSerializer,
        responses=s.CloseDemandResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def close_demand(self, request):
        require(request, MANAGE_SELECTION)
        data = valid(s.DemandRefInSerializer, request)
        demand = get_object_or_404(Demand, pk=data["demand"])
        with transaction.atomic():
            demand = selection.close_demand(demand_id=demand.pk, by=request.user, request=request)
            selected = list(
                demand.proposals.filter(state=ProposalState.SELECTED)
                .select_related("demand__organization", "lead")
                .order_by("id")
            )
            title, body = close_announcement(demand, selected)
            announcement = notice_services.publish_announcement(
                title=title, body=body, by=request.user, request=request
            )
        return Response(
            s.CloseDemandResultSerializer(
                {
                    "demand": demand,
                    "state": demand.state,
                    "state_display": demand.get_state_display(),
                    "selected": selected,
                    "announcement": announcement.pk,
                }
            ).data
        )


router.register("proposals", ProposalViewSet, basename="api-proposal")
