"""API v1 of 立项 and project management: the project page's actions and disbursements."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_projects as s
from jiebang.api.common import ScopedViewSet, require, require_any, valid
from jiebang.api.routers import router
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


router.register("projects", ProjectViewSet, basename="api-project")
router.register("disbursements", DisbursementViewSet, basename="api-disbursement")
