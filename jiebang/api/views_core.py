"""API v1: units, calls and demands.

Reads go through the selectors that scope rows to the user (the same the pages use); every
action checks the django-rules permission the matching page checks, then calls the same
service (`jiebang.demands.services`). Refusals carry the error shape of `errors.py`."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from jiebang.api import serializers as s
from jiebang.api.filters import CallFilter, DemandFilter, UnitFilter
from jiebang.api.permissions import require, require_desk_action
from jiebang.api.routers import router
from jiebang.calls.models import Call
from jiebang.calls.selectors import active_call
from jiebang.core.errors import DomainError
from jiebang.demands import selectors, services
from jiebang.demands.enums import EDITABLE_STATES
from jiebang.demands.models import Demand, DemandAttachment
from jiebang.demands.services.submission import EDITABLE_FIELDS
from jiebang.orgs.enums import Role
from jiebang.orgs.models import Organization
from jiebang.orgs.selectors import organizations_visible_to

ERROR = OpenApiResponse(
    s.ErrorSerializer, description=gettext_lazy("错误：{code, message, details}")
)
READ_ERRORS = {401: ERROR, 403: ERROR, 404: ERROR}
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


def _no_active_call() -> DomainError:
    return DomainError("NO-ACTIVE-CALL", _("当前没有开放的征集批次。"))


# ---- units ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="单位列表（按可见范围）",
        responses={200: s.UnitSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="单位详情", responses={200: s.UnitSerializer, **READ_ERRORS}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the user may see: its own; a district officer its district's; the bureau and
    auditors all (`orgs.selectors.organizations_visible_to`). Personal data masked."""

    queryset = Organization.objects.none()
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return organizations_visible_to(self.request.user).order_by("id")

    def get_object(self):
        unit = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        require(self.request.user, "orgs.view_organization", unit)
        return unit


# ---- calls ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="征集批次列表", responses={200: s.CallSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="征集批次及其规则参数", responses={200: s.CallSerializer, **READ_ERRORS}
    ),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls (年度征集批次) with their windows and rule parameters; the guide is public, so
    every signed-in account may read them."""

    queryset = Call.objects.none()
    serializer_class = s.CallSerializer
    filterset_class = CallFilter

    def get_queryset(self):
        return Call.objects.prefetch_related("industries").order_by("-year", "-id")

    @extend_schema(summary="当前征集批次", responses={200: s.CallSerializer, **READ_ERRORS})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def active(self, request):
        call = active_call()
        if call is None:
            raise exceptions.NotFound(_("当前没有开放的征集批次。"))
        return Response(s.CallSerializer(call).data)


# ---- demands ----------------------------------------------------------------------------------


def _apply_fields(demand: Demand, data: dict, user) -> None:
    """Hand validated editor data to the services, table by table (as the editor steps do)."""
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    phone = data.get("contact_phone")
    if fields or phone is not None:
        services.update_demand(demand=demand, by=user, fields=fields, contact_phone=phone)
    for kind in services.ROW_MODELS:
        if kind in data:
            services.replace_rows(demand=demand, by=user, kind=kind, rows=data[kind])
    if "financials" in data:
        services.set_financials(demand=demand, by=user, rows=data["financials"])
    if "team" in data:
        services.set_team(demand=demand, by=user, members=data["team"])


def _detail(demand_id: int) -> dict:
    demand = selectors.demand_for_edit(demand_id)
    return s.DemandDetailSerializer(demand).data


@extend_schema_view(
    list=extend_schema(
        summary="需求列表（按可见范围，可筛选、分页）",
        responses={200: s.DemandListSerializer(many=True), **READ_ERRORS},
    ),
)
class DemandViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Demands the user may see (`demands.selectors.demands_visible_to`): a unit its own, a
    district officer its district's submitted ones, the bureau and auditors all."""

    queryset = Demand.objects.none()
    serializer_class = s.DemandListSerializer
    filterset_class = DemandFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Demand.objects.none()
        return (
            selectors.demands_visible_to(self.request.user)
            .select_related("organization__district")
            .order_by("-updated_at", "-id")
        )

    def get_object(self):
        """404 outside the user's scope, 403 without `demands.view_demand` (as the pages)."""
        demand = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        require(self.request.user, "demands.view_demand", demand)
        return demand

    # -- reading and editing --

    @extend_schema(
        summary="需求详情（指标、团队（身份证号脱敏）、技术路线、附件信息、版本）",
        responses={200: s.DemandDetailSerializer, **READ_ERRORS},
    )
    def retrieve(self, request, pk=None):
        return Response(_detail(self.get_object().pk))

    @extend_schema(
        summary="新建需求草稿（当前批次）",
        request=s.DemandCreateSerializer,
        responses={201: s.DemandDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        user = request.user
        require(user, "demands.create_demand")
        call = active_call()
        if call is None:
            raise _no_active_call()
        serializer = s.DemandCreateSerializer(data=request.data, context={"call": call})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with transaction.atomic():
            demand = services.create_demand(
                call=call,
                org=user.organization,
                by=user,
                category=data.pop("category"),
                title=data.pop("title"),
                request=request,
            )
            _apply_fields(demand, data, user)
        return Response(_detail(demand.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改草稿或退回的需求（只改所传字段；列表整体替换）",
        request=s.DemandWriteSerializer,
        responses={200: s.DemandDetailSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        demand = self.get_object()
        require(request.user, "demands.edit_demand", demand)
        demand = selectors.demand_for_edit(demand.pk)
        serializer = s.DemandWriteSerializer(
            data=request.data, context={"call": demand.call, "demand": demand}
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            _apply_fields(demand, dict(serializer.validated_data), request.user)
        return Response(_detail(demand.pk))

    @extend_schema(
        summary="上传附件（multipart：kind、file，审计报告另需 year）",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        demand = self.get_object()
        require(request.user, "demands.edit_demand", demand)
        demand = selectors.demand_for_edit(demand.pk)
        serializer = s.AttachmentUploadSerializer(data=request.data, context={"demand": demand})
        serializer.is_valid(raise_exception=True)
        link = services.attach_file(
            demand=demand,
            by=request.user,
            kind=serializer.validated_data["kind"],
            year=serializer.validated_data["year"],
            uploaded_file=serializer.validated_data["file"],
        )
        link = DemandAttachment.objects.select_related("attachment").get(pk=link.pk)
        return Response(s.AttachmentSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="移除附件（已存文件保留，历史版本仍可引用）",
        parameters=[OpenApiParameter("link_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={204: None, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<link_id>[0-9]+)",
        url_name="attachment-remove",
    )
    def remove_attachment(self, request, pk=None, link_id=None):
        demand = self.get_object()
        require(request.user, "demands.edit_demand", demand)
        get_object_or_404(demand.attachments.all(), pk=link_id)
        services.remove_attachment(demand=demand, by=request.user, link_id=int(link_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="预检：按规则目录检查当前内容，返回全部问题",
        request=None,
        responses={200: s.PrecheckSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def precheck(self, request, pk=None):
        demand = self.get_object()
        require(request.user, "demands.edit_demand", demand)
        findings = services.precheck(demand, request.user)
        blocking = [f for f in findings if f.blocks]
        return Response(
            {
                "findings": [f.as_dict() for f in findings],
                "blocking": len(blocking),
                "can_submit": not blocking,
            }
        )

    # -- the unit's transitions --

    @extend_schema(
        summary="提交需求，返回回执；不符合条件时 400 DEMAND-INELIGIBLE，details 为规则审查结果",
        request=None,
        responses={201: s.ReceiptSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        demand = self.get_object()
        user = request.user
        if not user.has_perm("demands.submit_demand", demand):
            already = (
                demand.state not in EDITABLE_STATES
                and demand.organization_id == user.organization_id
            )
            if not already:
                raise exceptions.PermissionDenied()
            # Falls through: the service refuses with DEMAND-ALREADY-SUBMITTED and the receipt.
        version = services.submit_demand(demand_id=demand.pk, by=user, request=request)
        return Response(s.ReceiptSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="撤回需求（须填理由）",
        request=s.ReasonSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        demand = self.get_object()
        require(request.user, "demands.withdraw_demand", demand)
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.withdraw_demand(
            demand_id=demand.pk,
            by=request.user,
            reason=serializer.validated_data["reason"],
            request=request,
        )
        return self._summary(demand.pk)

    # -- the desks' transitions --

    def _summary(self, demand_id: int) -> Response:
        demand = Demand.objects.select_related("organization__district", "industry").get(
            pk=demand_id
        )
        return Response(s.DemandListSerializer(demand).data)

    def _desk(self, request, action_name: str, serializer_class, run):
        demand = self.get_object()
        require_desk_action(request.user, action_name, demand)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        run(demand, serializer.validated_data)
        return self._summary(demand.pk)

    @extend_schema(
        summary="区县推荐",
        request=s.OpinionSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        return self._desk(
            request,
            "recommend",
            s.OpinionSerializer,
            lambda d, v: services.recommend_demand(
                demand_id=d.pk, by=request.user, opinion=v["opinion"], request=request
            ),
        )

    @extend_schema(
        summary="退回修改（区县在推荐截止前，或市科技局形式审查时；须填理由）",
        request=s.ReturnSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_demand(self, request, pk=None):
        def run(demand, data):
            kwargs = {}
            if request.user.has_role(Role.BUREAU_OFFICER) and data.get("resubmit_by"):
                kwargs["resubmit_by"] = data["resubmit_by"]
            services.return_demand(
                demand_id=demand.pk,
                by=request.user,
                reason=data["reason"],
                request=request,
                **kwargs,
            )

        return self._desk(request, "return", s.ReturnSerializer, run)

    @extend_schema(
        summary="区县不予推荐（须填理由）",
        request=s.ReasonSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="not-recommend", url_name="not-recommend")
    def not_recommend(self, request, pk=None):
        return self._desk(
            request,
            "not_recommend",
            s.ReasonSerializer,
            lambda d, v: services.decline_demand(
                demand_id=d.pk, by=request.user, reason=v["reason"], request=request
            ),
        )

    @extend_schema(
        summary="市科技局形式审查通过",
        request=s.OpinionSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._desk(
            request,
            "accept",
            s.OpinionSerializer,
            lambda d, v: services.accept_demand(
                demand_id=d.pk, by=request.user, opinion=v["opinion"], request=request
            ),
        )

    @extend_schema(
        summary="市科技局不予受理（须填理由）",
        request=s.ReasonSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._desk(
            request,
            "reject",
            s.ReasonSerializer,
            lambda d, v: services.reject_demand(
                demand_id=d.pk, by=request.user, reason=v["reason"], request=request
            ),
        )

    @extend_schema(
        summary="需求论证通过（批次要求专家论证时）",
        request=s.OpinionSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._desk(
            request,
            "approve",
            s.OpinionSerializer,
            lambda d, v: services.record_demand_review(
                demand_id=d.pk,
                by=request.user,
                approved=True,
                opinion=v["opinion"],
                request=request,
            ),
        )

    @extend_schema(
        summary="需求论证不通过（须填理由）",
        request=s.ReasonSerializer,
        responses={200: s.DemandListSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="review-decline", url_name="review-decline")
    def review_decline(self, request, pk=None):
        return self._desk(
            request,
            "review_decline",
            s.ReasonSerializer,
            lambda d, v: services.record_demand_review(
                demand_id=d.pk,
                by=request.user,
                approved=False,
                opinion=v["reason"],
                request=request,
            ),
        )

    @extend_schema(
        summary="榜单发布（当前批次；多项需求、批次名称、揭榜截止时间；全部成功或全部不发布）",
        request=s.PublishSerializer,
        responses={201: s.PublicationSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def publish(self, request):
        require(request.user, "demands.publish_demands")
        call = active_call()
        if call is None:
            raise _no_active_call()
        serializer = s.PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = services.publish_demands(
            call=call,
            demand_ids=data["ids"],
            title=data["title"],
            solicitation_deadline=data["solicitation_deadline"],
            by=request.user,
            request=request,
        )
        return Response(s.PublicationSerializer(batch).data, status=status.HTTP_201_CREATED)


router.register("units", UnitViewSet, basename="api-unit")
router.register("calls", CallViewSet, basename="api-call")
router.register("demands", DemandViewSet, basename="api-demand")
