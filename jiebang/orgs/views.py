from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit, record_personal_data_read, store_attachment
from jiebang.core.views_helpers import paginate, report_domain_error, require_perm
from jiebang.orgs import selectors, services
from jiebang.orgs.enums import VerificationState
from jiebang.orgs.forms import (
    ORG_FIELDS,
    AccountForm,
    ApplicantRegistrationForm,
    LoginForm,
    OrganizationForm,
    ReasonForm,
    RelationForm,
    StyledPasswordChangeForm,
    UnitRegistrationForm,
)
from jiebang.orgs.models import Organization
from jiebang.orgs.security import sessions

UNIT_DOC_TYPES = ["pdf", "png", "jpeg"]


class LoginView(auth_views.LoginView):
    template_name = "orgs/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # login() sends user_logged_in: the login history and the audit entry auth.login
        # are written by jiebang/orgs/security/receivers.py for every way of logging in.
        response = super().form_valid(form)
        sessions.mark_confirmed(self.request.session)  # the password was just confirmed
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "orgs/password_change.html"
    form_class = StyledPasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        with transaction.atomic():
            record_audit(
                action="auth.password_changed",
                actor=self.request.user,
                summary="修改密码",
                request=self.request,
            )
        messages.success(self.request, "密码已修改。")
        return response

    def get_success_url(self):
        return "/work/"


def register_unit(request):
    """Public unit registration (单位注册) with its administrator account."""
    org_form = UnitRegistrationForm(request.POST or None, request.FILES or None, prefix="org")
    account_form = AccountForm(request.POST or None, prefix="admin")
    if request.method == "POST" and org_form.is_valid() and account_form.is_valid():
        org_data = {name: org_form.cleaned_data[name] for name in ORG_FIELDS}
        try:
            with transaction.atomic():
                admin = services.register_organization(
                    org_data=org_data,
                    contact_phone=org_form.cleaned_data["contact_phone"],
                    admin_data=account_form.account_data(),
                    request=request,
                )
                store_attachment(
                    uploaded_file=org_form.cleaned_data["business_license"],
                    kind="business_license",
                    user=admin,
                    organization=admin.organization,
                    allowed_types=UNIT_DOC_TYPES,
                )
        except ValidationError as error:
            org_form.add_error("business_license", error)
        except DomainError as error:
            report_domain_error(request, error)
        else:
            login(request, admin, backend="jiebang.orgs.auth.UsernameOrMobileBackend")
            messages.success(request, "单位注册已提交，市科技局审核通过后即可开展申报。")
            return redirect("my_org")
    return render(
        request, "orgs/register_unit.html", {"org_form": org_form, "account_form": account_form}
    )


def register_applicant(request):
    """An applicant account under an already registered unit; its admin approves it."""
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_applicant(
                org=form.organization, account=form.account_data(), request=request
            )
        except DomainError as error:
            report_domain_error(request, error)
        else:
            return render(request, "orgs/register_applicant_done.html", {"org": form.organization})
    return render(request, "orgs/register_applicant.html", {"form": form})


@login_required
def my_org(request):
    org = request.user.organization
    if org is None:
        raise PermissionDenied
    require_perm(request.user, "orgs.view_organization", org)
    return render(
        request,
        "orgs/my_org.html",
        {
            "org": org,
            "members": selectors.members_of(org)
            if request.user.has_perm("orgs.view_members", org)
            else None,
            "relations": selectors.relations_of(org),
            "documents": org.attachments.filter(kind="business_license"),
            "can_edit": request.user.has_perm("orgs.edit_organization", org),
            "can_declare": request.user.has_perm("orgs.declare_relation", org),
        },
    )


@login_required
def my_org_edit(request):
    org = request.user.organization
    require_perm(request.user, "orgs.edit_organization", org)
    form = OrganizationForm(
        request.POST or None, instance=org, initial={"contact_phone": org.contact_phone}
    )
    if not form.is_bound:  # the form shows the unit's contact phone in clear
        record_personal_data_read(request, org, ["contact_phone"], purpose="org_edit")
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name] for name in ORG_FIELDS if name in form.cleaned_data
        }
        # ModelForm.is_valid already copied the values onto the instance; re-read so the
        # service sees the stored row and records what really changed.
        services.update_organization(
            org=Organization.objects.get(pk=org.pk),
            by=request.user,
            changes=changes,
            contact_phone=form.cleaned_data["contact_phone"],
            request=request,
        )
        if org.verification_state == VerificationState.REJECTED:
            messages.success(request, "单位信息已修改并重新提交市科技局审核。")
        else:
            messages.success(request, "单位信息已保存。")
        return redirect("my_org")
    return render(request, "orgs/my_org_edit.html", {"form": form, "org": org})


@login_required
def members(request):
    org = request.user.organization
    require_perm(request.user, "orgs.view_members", org)
    page = paginate(request, selectors.members_of(org))
    return render(
        request,
        "orgs/members.html",
        {
            "org": org,
            "page": page,
            "can_manage": org is not None and org.is_verified,
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def member_action(request, pk, action):
    org = request.user.organization
    require_perm(request.user, "orgs.view_members", org)
    try:
        if action == "approve":
            member = services.approve_member(admin=request.user, member_id=pk, request=request)
            messages.success(
                request, f"已审批通过 {member.display_name} 的申报人账号，已通知本人。"
            )
        elif action == "disable":
            member = services.disable_member(
                admin=request.user,
                member_id=pk,
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, f"已停用 {member.display_name} 的账号，理由已通知本人。")
        elif action == "enable":
            member = services.enable_member(admin=request.user, member_id=pk, request=request)
            messages.success(request, f"已重新启用 {member.display_name} 的账号。")
        else:
            raise PermissionDenied
    except DomainError as error:
        if error.code == "FORBIDDEN":
            raise PermissionDenied from error
        report_domain_error(request, error)
    return redirect("members")


@login_required
def relation_create(request):
    org = request.user.organization
    require_perm(request.user, "orgs.declare_relation", org)
    form = RelationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relation = services.declare_relation(
                org=org, by=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error("other_uscc", error.message)
        else:
            messages.success(request, f"已登记关联关系：{relation.describe()}")
            return redirect("my_org")
    return render(request, "orgs/relation_form.html", {"form": form})


@login_required
def verification_queue(request):
    require_perm(request.user, "orgs.view_verification_queue")
    state = request.GET.get("state", VerificationState.PENDING)
    qs = Organization.objects.select_related("district").order_by("-created_at", "-id")
    if state in VerificationState.values:
        qs = qs.filter(verification_state=state)
    page = paginate(request, qs)
    return render(
        request,
        "orgs/verification_queue.html",
        {"page": page, "state": state, "states": VerificationState.choices},
    )


@login_required
def district_units(request):
    require_perm(request.user, "orgs.list_district_units")
    page = paginate(
        request, selectors.organizations_visible_to(request.user).order_by("name", "id")
    )
    return render(
        request, "orgs/district_units.html", {"page": page, "district": request.user.district}
    )


@login_required
def unit_detail(request, pk):
    org = get_object_or_404(selectors.organizations_visible_to(request.user), pk=pk)
    require_perm(request.user, "orgs.view_organization", org)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "org": org,
            "relations": selectors.relations_of(org),
            "documents": org.attachments.filter(kind="business_license"),
            "can_verify": request.user.has_perm("orgs.verify_organization")
            and org.verification_state == VerificationState.PENDING,
            "reason_form": ReasonForm(),
            # Bureau officers and auditors reach each member's login history from here.
            "members": selectors.members_of(org)
            if request.user.has_perm("orgs.list_accounts")
            else None,
        },
    )


@login_required
@require_POST
def unit_verify(request, pk, action):
    require_perm(request.user, "orgs.verify_organization")
    org = get_object_or_404(Organization, pk=pk)
    try:
        if action == "verify":
            services.verify_organization(org=org, by=request.user, request=request)
            messages.success(request, f"{org.name} 已认证通过，已通知单位管理员。")
        elif action == "reject":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, "不予通过时必须填写理由。")
                return redirect("unit_detail", pk=pk)
            services.reject_organization(
                org=org, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, f"{org.name} 未通过认证，理由已通知单位管理员。")
        else:
            raise PermissionDenied
    except DomainError as error:
        report_domain_error(request, error)
        return redirect("unit_detail", pk=pk)
    return redirect("verification_queue")
