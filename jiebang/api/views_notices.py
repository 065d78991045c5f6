"""API v1 of 公示、公告 and objections."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_later as s
from jiebang.api.auth import TokenScope
from jiebang.api.common import ID_PATH, require, valid
from jiebang.api.routers import router
from jiebang.core import clock
from jiebang.notices import selectors as notice_selectors
from jiebang.notices import services as notice_services
from jiebang.notices.models import Announcement, Objection, PublicNotice

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


router.register("notices", NoticeViewSet, basename="api-notice")
router.register(
    rf"notices/(?P<notice_pk>{ID_PATH})/objections",
    NoticeObjectionViewSet,
    basename="api-notice-objection",
)
router.register("announcements", AnnouncementViewSet, basename="api-announcement")
