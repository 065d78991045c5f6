"""API v1 of 评榜: experts read their assignments, declare and score; the bureau manages rounds."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_later as s
from jiebang.api.common import ScopedViewSet, require, valid
from jiebang.api.routers import router
from jiebang.calls.selectors import active_call
from jiebang.core.errors import DomainError
from jiebang.review import selectors as review_selectors
from jiebang.review import services as review_services
from jiebang.review.enums import RoundKind, RoundState
from jiebang.review.models import Assignment, ReviewItem, ReviewRound

# --------------------------------------------------------------------------- review

MANAGE_ROUNDS = "review.manage_rounds"


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

    def _round_data(self, round_id: int) -> dict:
        review_round = ReviewRound.objects.select_related("call").get(pk=round_id)
        items = list(review_selectors.items_with_assignments(review_round))
        views = review_selectors.item_views(items, review_selectors.item_targets(items))
        ranking = (
            review_selectors.ranking(review_round) if review_round.state != RoundState.DRAFT else []
        )
        context = {"items": items, "views": views, "ranking": ranking}
        return s.RoundDetailSerializer(review_round, context=context).data

    def retrieve(self, request, pk=None):
        require(request, "review.view_rounds")
        review_round = get_object_or_404(ReviewRound, pk=pk)
        return Response(self._round_data(review_round.pk))

    # ------------------------------------------------------------------ the bureau's steps

    def _managed(self, pk) -> ReviewRound:
        require(self.request, MANAGE_ROUNDS)
        return get_object_or_404(ReviewRound, pk=pk)

    def _call(self):
        call = active_call()
        if call is None:
            raise DomainError("CALL-MISSING", _("当前没有征集批次。"))
        return call

    @extend_schema(
        summary="可纳入新评审的对象（需求论证：已受理的需求；专家评榜：已送评审的揭榜申请）",
        parameters=[
            OpenApiParameter("kind", str, enum=["demand_review", "proposal_review"], required=True)
        ],
        responses=s.CandidateSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def candidates(self, request):
        require(request, MANAGE_ROUNDS)
        kind = request.query_params.get("kind", "")
        if kind not in (RoundKind.DEMAND_REVIEW, RoundKind.PROPOSAL_REVIEW):
            raise DomainError("INVALID", _("kind 应为 demand_review 或 proposal_review。"))
        offer = review_selectors.round_candidates(self._call(), kind)
        rows = [
            {"id": c.pk, "number": c.number, "title": getattr(c, "title", None) or str(c)}
            for c in offer["candidates"]
        ]
        return Response(s.CandidateSerializer(rows, many=True).data)

    @extend_schema(
        summary="创建评审轮次（草稿）：需求论证或专家评榜，对象须为候选对象",
        request=s.RoundCreateSerializer,
        responses={201: s.RoundDetailSerializer},
    )
    def create(self, request):
        require(request, MANAGE_ROUNDS)
        d = valid(s.RoundCreateSerializer, request)
        call = self._call()
        offer = review_selectors.round_candidates(call, d["kind"])
        wanted = set(d["target_ids"])
        targets = [c for c in offer["candidates"] if c.pk in wanted]
        if len(targets) != len(wanted):
            raise DomainError(
                "TARGET-INVALID",
                _("部分评审对象不可纳入本轮评审（不存在、状态不符或已在未决评审中）。"),
                details=[
                    {"code": "TARGET-INVALID", "id": pk}
                    for pk in sorted(wanted - {t.pk for t in targets})
                ],
            )
        criteria = d.get("criteria")
        review_round = review_services.create_round(
            call=call,
            kind=offer["kind"],
            title=d.get("title") or offer["title"],
            targets=targets,
            experts_per_item=d.get("experts_per_item") or offer["experts_per_item"],
            max_load=d["max_load"],
            blind=d["blind"],
            criteria=[dict(c) for c in criteria] if criteria else offer["criteria"],
            deadline=d["deadline"],
            by=request.user,
            request=request,
        )
        return Response(self._round_data(review_round.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="自动分配专家（最大化匹配度，排除全部回避情形；草稿状态）",
        request=None,
        responses=s.AutoAssignOutSerializer,
    )
    @action(detail=True, methods=["post"])
    def auto_assign(self, request, pk=None):
        review_round = self._managed(pk)
        result = review_services.auto_assign(
            round_id=review_round.pk, by=request.user, request=request
        )
        return Response(
            {
                "assigned": len(result.pairs),
                "total_affinity": result.total_affinity,
                "feasible": result.feasible,
                "shortfalls": [
                    {
                        "item_id": f.item_id,
                        "required": f.required,
                        "assigned": f.assigned,
                        "reason": f.reason,
                    }
                    for f in result.shortfalls
                ],
            }
        )

    @extend_schema(
        summary="指定专家（核查回避情形）",
        request=s.AssignExpertSerializer,
        responses=s.RoundDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        review_round = self._managed(pk)
        d = valid(s.AssignExpertSerializer, request)
        get_object_or_404(ReviewItem, pk=d["item"], round=review_round)
        review_services.assign_expert(
            round_id=review_round.pk,
            item_id=d["item"],
            expert_id=d["expert"],
            by=request.user,
            request=request,
        )
        return Response(self._round_data(review_round.pk))

    @extend_schema(
        summary="移除专家分配", request=s.UnassignSerializer, responses=s.RoundDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def unassign(self, request, pk=None):
        review_round = self._managed(pk)
        d = valid(s.UnassignSerializer, request)
        assignment = get_object_or_404(Assignment, pk=d["assignment"], round=review_round)
        review_services.remove_assignment(
            assignment_id=assignment.pk, by=request.user, request=request
        )
        return Response(self._round_data(review_round.pk))

    @extend_schema(
        summary="开始评审（通知全部评审专家）", request=None, responses=s.RoundDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        review_round = self._managed(pk)
        review_services.open_round(round_id=review_round.pk, by=request.user, request=request)
        return Response(self._round_data(review_round.pk))

    @extend_schema(
        summary="结束评审（汇总得分与排名）", request=None, responses=s.RoundDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        review_round = self._managed(pk)
        review_services.close_round(round_id=review_round.pk, by=request.user, request=request)
        return Response(self._round_data(review_round.pk))

    @extend_schema(
        summary="记录专家组合议意见（分歧较大时）",
        request=s.ConsensusSerializer,
        responses=s.RoundDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def consensus(self, request, pk=None):
        review_round = self._managed(pk)
        d = valid(s.ConsensusSerializer, request)
        item = get_object_or_404(ReviewItem, pk=d["item"], round=review_round)
        review_services.record_consensus(
            item_id=item.pk, note=d["note"], by=request.user, request=request
        )
        return Response(self._round_data(review_round.pk))

    @extend_schema(
        summary="作出决定：通过或不通过（不通过须填写理由；通知申报单位）",
        request=s.DecideItemSerializer,
        responses=s.RoundDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        review_round = self._managed(pk)
        d = valid(s.DecideItemSerializer, request)
        item = get_object_or_404(ReviewItem, pk=d["item"], round=review_round)
        review_services.decide_item(
            item_id=item.pk,
            approved=d["approved"],
            reason=d["reason"],
            by=request.user,
            request=request,
        )
        return Response(self._round_data(review_round.pk))


router.register("review/assignments", AssignmentViewSet, basename="api-review-assignment")
router.register("review/rounds", RoundViewSet, basename="api-review-round")
