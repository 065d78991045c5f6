"""API v1 of the later stages: proposals (揭榜), expert review (评榜), public notices and
objections (公示、异议), projects and disbursements (项目、拨付).

Every read goes through the selector the page uses (scoped to the user), every write through
the service the page calls, after the same django-rules permission the page checks. A
refusal is `{"code", "message", "details"}` (api.errors): rule findings carry their
catalogue codes in `details`.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_later as s
from jiebang.api.auth import TokenScope
from jiebang.api.routers import router
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.demands.models import Demand, RaceRoute
from jiebang.notices import selectors as notice_selectors
from jiebang.notices import services as notice_services
from jiebang.notices.models import Announcement, Objection, PublicNotice
from jiebang.portal import selectors as portal_selectors
from jiebang.projects import selectors as project_selectors
from jiebang.projects import services as project_services
from jiebang.projects.models import (
    Disbursement,
    IssuerPayment,
    ProgressReport,
    Project,
    ProjectIndicator,
)
from jiebang.projects.views import ACTIONS as PROJECT_PAGE_ACTIONS
from jiebang.proposals import selection
from jiebang.proposals import selectors as proposal_selectors
from jiebang.proposals import services as proposal_services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from jiebang.proposals.views import applicant_of_a_unit, may_withdraw
from jiebang.review import selectors as review_selectors
from jiebang.review import services as review_services
from jiebang.review.enums import RoundKind, RoundState
from jiebang.review.models import Assignment, ReviewItem, ReviewRound

# Ids in paths: digits that fit a 64-bit integer (anything else is a 404, never a 500).
ID_PATH = "[0-9]{1,18}"


def require(request, perm: str, obj=None) -> None:
    """The page's django-rules permission; 401 without credentials, 403 without the right."""
    require_any(request, (perm,), obj)


def require_any(request, perms, obj=None) -> None:
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    if not any(request.user.has_perm(perm, obj) for perm in perms):
        raise PermissionDenied


def valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSet(viewsets.GenericViewSet):
    """Authenticated (session or unit token; a read-only token only reads)."""

    permission_classes = [IsAuthenticated, TokenScope]
    lookup_value_regex = ID_PATH

    def fake(self) -> bool:
        """drf-spectacular introspects the views without a real user."""
        return getattr(self, "swagger_fake_view", False)


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
        summary="提交前预检（全部规则结果）", responses=s.RuleFindingSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
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


# --------------------------------------------------------------------------- review


@extend_schema_view(
    list=extend_schema(summary="我的评审任务（仅本人的分配）"),
    retrieve=extend_schema(
        summary="评审任务详情（盲评时隐藏申报单位信息）", responses=s.AssignmentDetailSerializer
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Assignment.objects.none()
    serializer_class = s.AssignmentListSerializer
    filterset_class = filters.AssignmentFilter

    def get_queryset(self):
        if self.fake():
            return Assignment.objects.none()
        return review_selectors.assignments_for_expert(self.request.user).order_by(
            "round__deadline", "item__position", "id"
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.AssignmentDetailSerializer
        return s.AssignmentListSerializer

    def list(self, request, *args, **kwargs):
        require(request, "review.view_own_assignments")
        return super().list(request, *args, **kwargs)

    def _own(self, pk) -> Assignment:
        require(self.request, "review.view_own_assignments")
        assignment = get_object_or_404(
            review_selectors.assignments_for_expert(self.request.user).select_related(
                "expert", "item__target_type"
            ),
            pk=pk,
        )
        require(self.request, "review.work_on_assignment", assignment)
        return assignment

    @staticmethod
    def _data(assignment_id: int) -> dict:
        assignment = Assignment.objects.select_related(
            "round", "item__target_type", "expert", "score"
        ).get(pk=assignment_id)
        items = [assignment.item]
        views = review_selectors.item_views(items, review_selectors.item_targets(items))
        return s.AssignmentDetailSerializer(
            assignment, context={"target_view": views.get(assignment.item.pk)}
        ).data

    def retrieve(self, request, pk=None):
        return Response(self._data(self._own(pk).pk))

    @extend_schema(
        summary="声明无利害关系，或申请回避（须填写理由）",
        request=s.DeclareSerializer,
        responses=s.AssignmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        assignment = self._own(pk)
        data = valid(s.DeclareSerializer, request)
        review_services.declare(
            assignment_id=assignment.pk,
            user=request.user,
            no_conflict=data["decision"] == "no_conflict",
            reason=data.get("reason", ""),
            request=request,
        )
        return Response(self._data(assignment.pk))

    @extend_schema(
        summary="评分（按评审指标名称给分；截止前可修改）",
        request=s.ScoreInSerializer,
        responses=s.AssignmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        assignment = self._own(pk)
        data = valid(s.ScoreInSerializer, request)
        review_services.submit_score(
            assignment_id=assignment.pk,
            user=request.user,
            scores=dict(data["scores"]),
            comment=data["comment"],
            recommendation=data["recommendation"],
            request=request,
        )
        return Response(self._data(assignment.pk))


@extend_schema_view(
    list=extend_schema(summary="评审轮次列表（市科技局、审计）"),
    retrieve=extend_schema(
        summary="评审轮次详情：评审对象、专家分配与排名", responses=s.RoundDetailSerializer
    ),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = ReviewRound.objects.none()
    serializer_class = s.RoundListSerializer
    filterset_class = filters.RoundFilter

    def get_queryset(self):
        return review_selectors.rounds_list().annotate(item_count=Count("items"))

    def get_serializer_class(self):
        return s.RoundDetailSerializer if self.action == "retrieve" else s.RoundListSerializer

    def list(self, request, *args, **kwargs):
        require(request, "review.view_rounds")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        require(request, "review.view_rounds")
        review_round = get_object_or_404(ReviewRound.objects.select_related("call"), pk=pk)
        items = list(review_selectors.items_with_assignments(review_round))
        views = review_selectors.item_views(items, review_selectors.item_targets(items))
        ranking = (
            review_selectors.ranking(review_round) if review_round.state != RoundState.DRAFT else []
        )
        context = {"items": items, "views": views, "ranking": ranking}
        return Response(s.RoundDetailSerializer(review_round, context=context).data)


# --------------------------------------------------------------------------- notices


class PublicReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public reads: anyone, with or without credentials (TokenScope only narrows tokens)."""

    permission_classes = [TokenScope]
    lookup_value_regex = ID_PATH


@extend_schema_view(
    list=extend_schema(summary="公示列表（公开）"),
    retrieve=extend_schema(summary="公示详情（公开）"),
)
class NoticeViewSet(PublicReadViewSet):
    queryset = PublicNotice.objects.none()
    serializer_class = s.NoticeSerializer
    filterset_class = filters.NoticeFilter

    def get_queryset(self):
        return notice_selectors.public_notices()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": clock.now()}

    @extend_schema(summary="结束公示（期满且异议均已办结）", request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        notice = self.get_object()
        require(request, "notices.close_notice")
        notice = notice_services.close_notice(notice_id=notice.pk, by=request.user, request=request)
        return Response(self.get_serializer(notice).data)


@extend_schema_view(
    list=extend_schema(summary="通知公告列表（公开）"),
    retrieve=extend_schema(summary="通知公告详情（公开）"),
)
class AnnouncementViewSet(PublicReadViewSet):
    queryset = Announcement.objects.none()
    serializer_class = s.AnnouncementSerializer
    filterset_class = filters.AnnouncementFilter

    def get_queryset(self):
        return notice_selectors.public_announcements()


NOTICE_PK = OpenApiParameter("notice_pk", int, OpenApiParameter.PATH, description="公示id")


@extend_schema_view(
    list=extend_schema(
        summary="公示的异议（市科技局、审计；证件号、电话已脱敏）", parameters=[NOTICE_PK]
    ),
    create=extend_schema(
        summary="对公示提出书面异议（公开；个人实名或单位盖章，multipart 上传书面材料）",
        parameters=[NOTICE_PK],
        request={"multipart/form-data": s.ObjectionFileSerializer},
        responses={201: s.ObjectionReceiptSerializer},
    ),
)
class NoticeObjectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`notices/{notice_pk}/objections/`: filing is public as on the notice's page (a
    read-only token may not write); reading and handling are the bureau's."""

    queryset = Objection.objects.none()
    serializer_class = s.ObjectionSerializer
    filterset_class = filters.ObjectionFilter
    lookup_value_regex = ID_PATH

    def get_permissions(self):
        if self.action == "create":
            return [TokenScope()]
        return [IsAuthenticated(), TokenScope()]

    def notice(self) -> PublicNotice:
        return get_object_or_404(notice_selectors.public_notices(), pk=self.kwargs["notice_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Objection.objects.none()
        return notice_selectors.objections_of(self.notice())

    def list(self, request, *args, **kwargs):
        require(request, "notices.view_objections")
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        notice = self.notice()
        data = dict(valid(s.ObjectionFileSerializer, request))
        letter = data.pop("letter", None)
        objection = notice_services.file_objection(
            notice_id=notice.pk,
            letter=letter,
            by=request.user if request.user.is_authenticated else None,
            request=request,
            **data,
        )
        return Response(
            s.ObjectionReceiptSerializer(objection).data, status=status.HTTP_201_CREATED
        )

    def _handled(self, request, pk) -> Objection:
        require(request, "notices.resolve_objection")
        return get_object_or_404(notice_selectors.objections_of_notice_id(self.notice().pk), pk=pk)

    def _reply(self, objection_id: int) -> Response:
        objection = Objection.objects.select_related("attachment").get(pk=objection_id)
        return Response(s.ObjectionSerializer(objection).data)

    @extend_schema(summary="受理异议", parameters=[NOTICE_PK], request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request, notice_pk=None, pk=None):
        objection = self._handled(request, pk)
        notice_services.accept_objection_for_handling(
            objection_id=objection.pk, by=request.user, request=request
        )
        return self._reply(objection.pk)

    @extend_schema(
        summary="不予受理（须填写理由）", parameters=[NOTICE_PK], request=s.RefusalSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, notice_pk=None, pk=None):
        objection = self._handled(request, pk)
        data = valid(s.RefusalSerializer, request)
        notice_services.refuse_objection(
            objection_id=objection.pk, reason=data["reason"], by=request.user, request=request
        )
        return self._reply(objection.pk)

    @extend_schema(
        summary="办结异议（须填写处理结果）", parameters=[NOTICE_PK], request=s.ResolutionSerializer
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, notice_pk=None, pk=None):
        objection = self._handled(request, pk)
        data = valid(s.ResolutionSerializer, request)
        notice_services.resolve_objection(
            objection_id=objection.pk,
            resolution=data["resolution"],
            by=request.user,
            request=request,
        )
        return self._reply(objection.pk)


# --------------------------------------------------------------------------- projects

VIEW_OWN_PROJECTS = "projects.view_own_projects"
# The page's actions this API offers; each keeps the page's permission names.
API_PROJECT_ACTIONS = (
    "contract",
    "payment",
    "payment_check",
    "disburse",
    "disbursement_paid",
    "report",
    "midterm",
    "achievement",
    "final",
    "acceptance",
    "terminate",
)


def project_data(request, project_id: int) -> dict:
    project = project_selectors.project_detail(project_id)
    allowed = [
        name
        for name in API_PROJECT_ACTIONS
        if any(request.user.has_perm(perm, project) for perm in PROJECT_PAGE_ACTIONS[name].perms)
    ]
    context = {"finance": project_selectors.finance(project), "allowed_actions": allowed}
    return s.ProjectDetailSerializer(project, context=context).data


@extend_schema_view(
    list=extend_schema(summary="项目列表（市科技局、审计看全部；单位看本单位承担或发榜的）"),
    retrieve=extend_schema(
        summary="项目详情：任务书、资金情况与拨付计划", responses=s.ProjectDetailSerializer
    ),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Project.objects.none()
    serializer_class = s.ProjectListSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        if self.fake():
            return Project.objects.none()
        return project_selectors.project_list(self.request.user)

    def get_serializer_class(self):
        return s.ProjectDetailSerializer if self.action == "retrieve" else s.ProjectListSerializer

    def list(self, request, *args, **kwargs):
        require(request, VIEW_OWN_PROJECTS)
        return super().list(request, *args, **kwargs)

    def _visible(self, pk) -> Project:
        require(self.request, VIEW_OWN_PROJECTS)
        project = get_object_or_404(project_selectors.projects_visible_to(self.request.user), pk=pk)
        require(self.request, "projects.view_project", project)
        return project

    def retrieve(self, request, pk=None):
        return Response(project_data(request, self._visible(pk).pk))

    def _act(self, request, pk, name: str, serializer_class):
        """The project, once the user may do `name` on it as on the page, and the data."""
        project = self._visible(pk)
        require_any(request, PROJECT_PAGE_ACTIONS[name].perms, project)
        return project, valid(serializer_class, request)

    @extend_schema(
        summary="登记技术合同（登记号、日期，可附证明）",
        request={"multipart/form-data": s.ContractInSerializer},
        responses=s.ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def contract(self, request, pk=None):
        project, d = self._act(request, pk, "contract", s.ContractInSerializer)
        project_services.register_tech_contract(
            project_id=project.pk,
            by=request.user,
            number=d["number"],
            registered_on=d["registered_on"],
            uploaded_file=d.get("file"),
            request=request,
        )
        return Response(project_data(request, project.pk))

    @extend_schema(
        summary="付款方登记合同款支付（multipart，附银行回单）",
        request={"multipart/form-data": s.PaymentInSerializer},
        responses={201: s.PaymentOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def payment(self, request, pk=None):
        project, d = self._act(request, pk, "payment", s.PaymentInSerializer)
        payment = project_services.record_payment(
            project_id=project.pk,
            by=request.user,
            amount=d["amount"],
            paid_on=d["paid_on"],
            reference=d["reference"],
            voucher_file=d["voucher"],
            request=request,
        )
        return Response(s.PaymentOutSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="市科技局核实合同款支付",
        request=s.PaymentCheckInSerializer,
        responses=s.PaymentOutSerializer,
    )
    @action(detail=True, methods=["post"])
    def payment_check(self, request, pk=None):
        project, d = self._act(request, pk, "payment_check", s.PaymentCheckInSerializer)
        get_object_or_404(IssuerPayment, pk=d["payment_id"], project=project)
        payment = project_services.check_payment(
            payment_id=d["payment_id"],
            by=request.user,
            confirmed=d["confirmed"],
            note=d.get("note", ""),
            request=request,
        )
        return Response(s.PaymentOutSerializer(payment).data)

    @extend_schema(
        summary="审批拨付财政资金；无登记技术合同时返回 TECH-CONTRACT",
        request=s.DisburseInSerializer,
        responses={201: s.DisbursementOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        project, d = self._act(request, pk, "disburse", s.DisburseInSerializer)
        disbursement = project_services.approve_disbursement(
            project_id=project.pk,
            by=request.user,
            trigger=d["trigger"],
            amount=d["amount"],
            note=d.get("note", ""),
            request=request,
        )
        return Response(
            s.DisbursementOutSerializer(disbursement).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="登记拨付到账（multipart，附拨付凭证）",
        request={"multipart/form-data": s.DisbursementPaidInSerializer},
        responses=s.DisbursementOutSerializer,
    )
    @action(detail=True, methods=["post"])
    def disbursement_paid(self, request, pk=None):
        project, d = self._act(request, pk, "disbursement_paid", s.DisbursementPaidInSerializer)
        get_object_or_404(Disbursement, pk=d["disbursement_id"], project=project)
        disbursement = project_services.record_disbursement_paid(
            disbursement_id=d["disbursement_id"],
            by=request.user,
            paid_on=d["paid_on"],
            voucher_file=d["voucher"],
            request=request,
        )
        return Response(s.DisbursementOutSerializer(disbursement).data)

    @extend_schema(
        summary="提交进展报告",
        request={"multipart/form-data": s.ReportInSerializer},
        responses=s.ReportOutSerializer,
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        project, d = self._act(request, pk, "report", s.ReportInSerializer)
        get_object_or_404(ProgressReport, pk=d["report_id"], project=project)
        report = project_services.submit_progress_report(
            report_id=d["report_id"],
            by=request.user,
            progress=d["progress"],
            problems=d.get("problems", ""),
            next_steps=d.get("next_steps", ""),
            uploaded_file=d.get("file"),
            request=request,
        )
        return Response(s.ReportOutSerializer(report).data)

    @extend_schema(
        summary="记录中期评估（赛马制：阶段评估）结论",
        request=s.MidtermInSerializer,
        responses=s.ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def midterm(self, request, pk=None):
        project, d = self._act(request, pk, "midterm", s.MidtermInSerializer)
        project_services.record_midterm(
            project_id=project.pk,
            by=request.user,
            outcome=d["outcome"],
            opinion=d["opinion"],
            evaluated_on=d["evaluated_on"],
            rectify_deadline=d.get("rectify_deadline"),
            request=request,
        )
        return Response(project_data(request, project.pk))

    @extend_schema(
        summary="填报考核指标完成情况（可附佐证材料）",
        request={"multipart/form-data": s.AchievementInSerializer},
        responses=s.ProjectIndicatorSerializer,
    )
    @action(detail=True, methods=["post"])
    def achievement(self, request, pk=None):
        project, d = self._act(request, pk, "achievement", s.AchievementInSerializer)
        get_object_or_404(ProjectIndicator, pk=d["indicator_id"], project=project)
        indicator = project_services.save_achievement(
            indicator_id=d["indicator_id"],
            by=request.user,
            achieved_value=d["achieved_value"],
            achieved=d["achieved"],
            explanation=d.get("explanation", ""),
            evidence_file=d.get("evidence"),
            request=request,
        )
        return Response(s.ProjectIndicatorSerializer(indicator).data)

    @extend_schema(
        summary="提交验收申请（总结报告）",
        request={"multipart/form-data": s.FinalInSerializer},
        responses=s.ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def final(self, request, pk=None):
        project, d = self._act(request, pk, "final", s.FinalInSerializer)
        project_services.submit_final_report(
            project_id=project.pk,
            by=request.user,
            summary=d["summary"],
            outputs=d.get("outputs", ""),
            uploaded_file=d.get("file"),
            request=request,
        )
        return Response(project_data(request, project.pk))

    @extend_schema(
        summary="作出验收结论",
        request=s.AcceptanceInSerializer,
        responses=s.ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def acceptance(self, request, pk=None):
        project, d = self._act(request, pk, "acceptance", s.AcceptanceInSerializer)
        project_services.decide_acceptance(
            project_id=project.pk,
            by=request.user,
            outcome=d["outcome"],
            opinion=d["opinion"],
            request=request,
        )
        return Response(project_data(request, project.pk))

    @extend_schema(
        summary="终止项目（停止拨付，结余资金退回）",
        request=s.TerminateInSerializer,
        responses=s.ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        project, d = self._act(request, pk, "terminate", s.TerminateInSerializer)
        project_services.terminate_project(
            project_id=project.pk, by=request.user, reason=d["reason"], request=request
        )
        return Response(project_data(request, project.pk))


@extend_schema_view(
    list=extend_schema(summary="资金拨付列表（市科技局、审计看全部；单位看本单位项目的）"),
    retrieve=extend_schema(summary="资金拨付详情"),
)
class DisbursementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Disbursement.objects.none()
    serializer_class = s.DisbursementListSerializer
    filterset_class = filters.DisbursementFilter

    def get_queryset(self):
        if self.fake():
            return Disbursement.objects.none()
        return project_selectors.disbursements_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        require(request, VIEW_OWN_PROJECTS)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        require(request, VIEW_OWN_PROJECTS)
        return super().retrieve(request, *args, **kwargs)


router.register("proposals", ProposalViewSet, basename="api-proposal")
router.register("review/assignments", AssignmentViewSet, basename="api-review-assignment")
router.register("review/rounds", RoundViewSet, basename="api-review-round")
router.register("notices", NoticeViewSet, basename="api-notice")
router.register(
    rf"notices/(?P<notice_pk>{ID_PATH})/objections",
    NoticeObjectionViewSet,
    basename="api-notice-objection",
)
router.register("announcements", AnnouncementViewSet, basename="api-announcement")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("disbursements", DisbursementViewSet, basename="api-disbursement")
