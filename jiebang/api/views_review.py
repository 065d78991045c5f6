"""API v1 of 评榜: experts read their assignments, declare and score; the bureau manages rounds."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_later as s
from jiebang.api.common import ScopedViewSet, require, valid
from jiebang.api.routers import router
from jiebang.review import selectors as review_selectors
from jiebang.review import services as review_services
from jiebang.review.enums import RoundState
from jiebang.review.models import Assignment, ReviewRound

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


router.register("review/assignments", AssignmentViewSet, basename="api-review-assignment")
router.register("review/rounds", RoundViewSet, basename="api-review-round")
