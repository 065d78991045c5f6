"""API v1 of 立项 and project management: the project page's actions and disbursements."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jiebang.api import filters_later as filters
from jiebang.api import serializers_projects as s
from jiebang.api.common import ScopedViewSet, require, require_any, valid
from jiebang.api.routers import router
from jiebang.api.serializers_later import RoundListSerializer
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
from jiebang.review import selectors as review_selectors

# --------------------------------------------------------------------------- projects

VIEW_OWN_PROJECTS = "projects.view_own_projects"
MANAGE_PROJECTS = "projects.manage_project"
# Every action of the project page is offered, with the page's permission names.
API_PROJECT_ACTIONS = tuple(PROJECT_PAGE_ACTIONS)


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

    @extend_schema(
        summary="立项：由揭榜成功的申请生成项目与任务书（multipart；FUND-MIN、PERIOD-MAX 在此检查）",
        request={"multipart/form-data": s.InitiateInSerializer},
        responses={201: s.ProjectDetailSerializer},
    )
    def create(self, request):
        require(request, MANAGE_PROJECTS)
        d = valid(s.InitiateInSerializer, request)
        proposal = get_object_or_404(project_selectors.awaiting_initiation(), pk=d["proposal"])
        project = project_services.initiate_project(
            proposal_id=proposal.pk,
            by=request.user,
            agreement_file=d["agreement_file"],
            agreement_signed_on=d["agreement_signed_on"],
            contract_amount=d["contract_amount"],
            start_on=d["start_on"],
            period_months=d["period_months"],
            total_investment=d["total_investment"],
            period_justification=d["period_justification"],
            milestones=d["milestones"],
            budget=d["budget"],
            request=request,
        )
        return Response(project_data(request, project.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="待立项：揭榜成功、尚未立项的揭榜申请",
        responses=s.AwaitingInitiationSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def awaiting_initiation(self, request):
        require(request, MANAGE_PROJECTS)
        page = self.paginate_queryset(project_selectors.awaiting_initiation())
        return self.get_paginated_response(s.AwaitingInitiationSerializer(page, many=True).data)

    @extend_schema(
        summary="发起验收评审：把已提交验收申请的项目放入一轮专家验收评审（随后在评审轮次中分配专家、开始）",
        request=s.AcceptanceRoundInSerializer,
        responses={201: RoundListSerializer},
    )
    @action(detail=False, methods=["post"])
    def acceptance_round(self, request):
        require(request, MANAGE_PROJECTS)
        d = valid(s.AcceptanceRoundInSerializer, request)
        review_round = project_services.start_acceptance_review(
            project_ids=d["project_ids"],
            by=request.user,
            title=d["title"],
            deadline=d["deadline"],
            experts_per_item=d["experts_per_item"],
            blind=d["blind"],
            request=request,
        )
        review_round = (
            review_selectors.rounds_list()
            .annotate(item_count=Count("items"))
            .get(pk=review_round.pk)
        )
        return Response(RoundListSerializer(review_round).data, status=status.HTTP_201_CREATED)

    def _act(self, request, pk, name: str, serializer_class):
        """The project, once the user may do `name` on it as on the page, and the data."""
        project = self._visible(pk)
        require_any(request, PROJECT_PAGE_ACTIONS[name].perms, project)
        return project, valid(serializer_class, request)

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


# The page's actions that answer with the project: the page's own function runs them (same
# service, same success message), after the same permission; the API only checks the shape.
PAGE_ACTIONS_ANSWERING_THE_PROJECT = {
    "contract": (s.ContractInSerializer, "登记技术合同（登记号、日期，可附证明）", True),
    "disbursement_cancel": (s.DisbursementCancelInSerializer, "撤销已审批未到账的拨付", False),
    "expenditure": (
        s.ExpenditureInSerializer,
        "登记支出（multipart，附凭证；财政资金支出不得超过已到账财政资金）",
        True,
    ),
    "refund": (s.RefundSettleInSerializer, "登记结余资金退回（multipart，附凭证）", True),
    "milestone": (s.MilestoneInSerializer, "登记里程碑完成情况", False),
    "report_review": (s.ReportReviewInSerializer, "市科技局审阅进展报告", False),
    "change": (
        s.ChangeInSerializer,
        "提交变更申请（延期须在计划结束前3个月以上提出，仅可延期一次且不超过12个月）",
        False,
    ),
    "change_decision": (s.ChangeDecisionInSerializer, "审批变更申请", False),
    "midterm": (s.MidtermInSerializer, "记录中期评估（赛马制：阶段评估）结论", False),
    "terminate": (s.TerminateInSerializer, "终止项目（停止拨付，结余资金退回）", False),
    "final": (s.FinalInSerializer, "提交验收申请（总结报告，可附文件）", True),
    "acceptance": (s.AcceptanceInSerializer, "作出验收结论", False),
    "post": (s.AssistantPostInSerializer, "登记科研助理岗位", False),
    "hire": (s.AssistantHireInSerializer, "登记聘用的科研助理", False),
}


def _page_action(name: str, serializer_class, summary: str, multipart: bool):
    def run(self, request, pk=None):
        project, data = self._act(request, pk, name, serializer_class)
        PROJECT_PAGE_ACTIONS[name].run(request, project, data)
        return Response(project_data(request, project.pk))

    run.__name__ = run.__qualname__ = name
    body = {"multipart/form-data": serializer_class} if multipart else serializer_class
    run = action(detail=True, methods=["post"])(run)
    return extend_schema(summary=summary, request=body, responses=s.ProjectDetailSerializer)(run)


for _name, (_serializer, _summary, _multipart) in PAGE_ACTIONS_ANSWERING_THE_PROJECT.items():
    setattr(ProjectViewSet, _name, _page_action(_name, _serializer, _summary, _multipart))


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
