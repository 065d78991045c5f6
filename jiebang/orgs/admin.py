"""Django admin for units, accounts, people, relations, credit records and city projects.

The admin is the operators' back office, not a workflow: FSM states are read-only here
(they change only through the services), and personal data is never shown or edited
raw: ID numbers and phones appear masked, a new mobile or ID number goes through the
same helpers that encrypt, index and mask it. Adds, changes and deletes are written to
the audit log; CityProject imports and exports too.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin  # noqa: F401  (registers it first)
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ImportExportModelAdmin

from jiebang.core import clock
from jiebang.core.admin import AuditedAdminMixin, ReadOnlyAdmin
from jiebang.core.crypto import blind_index
from jiebang.core.masking import mask_id_number, mask_phone
from jiebang.core.services import record_audit
from jiebang.core.validators import (
    is_valid_id_number,
    is_valid_mobile,
    validate_id_number,
    validate_mobile,
    validate_phone,
)
from jiebang.orgs import services
from jiebang.orgs.models import (
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    LoginEvent,
    Organization,
    OrgRelation,
    Person,
    User,
)
from jiebang.orgs.resources import CityProjectResource
from jiebang.orgs.security import services as security_services


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "alias", "office_name", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "alias", "office_name")
    ordering = ("sort_order", "id")


class OrganizationForm(forms.ModelForm):
    new_contact_phone = forms.CharField(
        label=_("新联系电话"),
        required=False,
        help_text=_("留空则不修改。联系电话加密保存，只显示脱敏号码。"),
        validators=[validate_phone],
    )

    class Meta:
        model = Organization
        fields = (
            "name",
            "uscc",
            "kind",
            "is_independent_legal_person",
            "district",
            "registered_in_city_on",
            "address",
            "legal_representative",
            "contact_name",
            "tech_certification",
            "tech_certificate_number",
            "tech_certificate_valid_until",
        )


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = OrganizationForm
    list_display = (
        "name",
        "uscc",
        "kind",
        "district",
        "verification_state",
        "tech_certification",
        "created_at",
    )
    list_filter = (
        "verification_state",
        "kind",
        "district",
        "tech_certification",
        "is_independent_legal_person",
    )
    list_select_related = ("district",)
    search_fields = ("name", "uscc", "legal_representative", "contact_name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "verification_state",
        "verification_reason",
        "verified_at",
        "contact_phone_masked",
        "created_at",
    )
    fieldsets = (
        (
            _("基本信息"),
            {
                "fields": (
                    "name",
                    "uscc",
                    "kind",
                    "is_independent_legal_person",
                    "district",
                    "registered_in_city_on",
                )
            },
        ),
        (
            _("联系方式"),
            {
                "fields": (
                    "address",
                    "legal_representative",
                    "contact_name",
                    "contact_phone_masked",
                    "new_contact_phone",
                )
            },
        ),
        (
            _("科技型企业认定"),
            {
                "fields": (
                    "tech_certification",
                    "tech_certificate_number",
                    "tech_certificate_valid_until",
                )
            },
        ),
        (
            _("认证（由市科技局在平台上审核，此处只读）"),
            {"fields": ("verification_state", "verification_reason", "verified_at", "created_at")},
        ),
    )

    def save_model(self, request, obj, form, change):
        phone = (form.cleaned_data.get("new_contact_phone") or "").strip()
        if phone:
            services.set_contact_phone(obj, phone)
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


class UserChangeForm(auth_forms.UserChangeForm):
    new_mobile = forms.CharField(
        label=_("新手机号码"),
        required=False,
        help_text=_("留空则不修改。手机号码加密保存，只显示脱敏号码。"),
    )

    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "password",
            "real_name",
            "email",
            "organization",
            "district",
            "state_reason",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )

    def clean_new_mobile(self):
        mobile = (self.cleaned_data.get("new_mobile") or "").strip()
        if mobile:
            validate_mobile(mobile)
            if services.mobile_taken(mobile, exclude_user_id=self.instance.pk):
                raise ValidationError(_("该手机号码已被其他账号使用。"))
        return mobile


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    list_display = (
        "username",
        "real_name",
        "organization",
        "district",
        "account_state",
        "mobile_masked",
        "role_list",
        "is_staff",
    )
    list_filter = ("account_state", "groups", "district", "is_staff", "is_superuser")
    list_select_related = ("organization", "district")
    search_fields = ("username", "real_name", "email", "organization__name", "organization__uscc")
    ordering = ("username",)
    autocomplete_fields = ("organization",)
    readonly_fields = ("account_state", "mobile_masked", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("real_name", "email", "mobile_masked", "new_mobile")}),
        (_("所属单位或区县（二者只能选一）"), {"fields": ("organization", "district")}),
        (
            _("账号状态（由单位管理员在平台上审批、停用，此处只读）"),
            {"fields": ("account_state", "state_reason")},
        ),
        (
            _("角色与权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "real_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_list(self, obj):
        return "、".join(sorted(g.name for g in obj.groups.all()))

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        if is_valid_mobile(term):
            # Mobiles are encrypted: an exact number is found through its blind index.
            results |= queryset.filter(mobile_index=blind_index(term))
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        mobile = form.cleaned_data.get("new_mobile") if change else ""
        if mobile:
            services.set_mobile(obj, mobile)
        super().save_model(request, obj, form, change)

    actions = ("unlock_login", "reset_totp")

    def _security_targets(self, request, queryset):
        allowed = [u for u in queryset if request.user.has_perm("orgs.manage_account_security", u)]
        skipped = len(queryset) - len(allowed)
        if skipped:
            self.message_user(
                request,
                _("跳过 %(n)d 个账号（本人或超级管理员账号）。") % {"n": skipped},
                "warning",
            )
        return allowed

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_login(self, request, queryset):
        targets = self._security_targets(request, queryset)
        for user in targets:
            security_services.unlock_account(user=user, by=request.user, request=request)
        self.message_user(request, _("已解除 %(n)d 个账号的登录锁定。") % {"n": len(targets)})

    @admin.action(description=_("重置动态口令（下次登录重新绑定）"), permissions=["change"])
    def reset_totp(self, request, queryset):
        targets = self._security_targets(request, queryset)
        for user in targets:
            security_services.reset_totp(user=user, by=request.user, request=request)
        self.message_user(request, _("已重置 %(n)d 个账号的动态口令。") % {"n": len(targets)})


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "username", "user", "ip_address", "detail")
    list_filter = ("kind",)
    list_select_related = ("user",)
    search_fields = ("username", "user__username", "user__real_name")
    date_hierarchy = "created_at"


# Authenticator keys stay out of the back office (django-otp registers an admin that
# shows them); an authenticator is reset with the audited user action above.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class PersonForm(forms.ModelForm):
    new_id_number = forms.CharField(
        label=_("居民身份证号"),
        required=False,
        help_text=_("新增人员时填写；加密保存，只显示脱敏号码。"),
    )
    new_phone = forms.CharField(
        label=_("新联系电话"), required=False, help_text=_("留空则不修改。")
    )

    class Meta:
        model = Person
        fields = ("name", "title", "organization", "user")

    def clean_new_id_number(self):
        value = (self.cleaned_data.get("new_id_number") or "").strip().upper()
        if self.instance.pk:
            return ""
        if not value:
            raise ValidationError(_("请填写居民身份证号。"))
        validate_id_number(value)
        if Person.objects.filter(id_index=blind_index(value)).exists():
            raise ValidationError(_("该身份证号对应的人员已登记，请搜索并修改原记录。"))
        return value


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PersonForm
    list_display = ("name", "id_masked", "title", "organization", "phone_masked", "user")
    list_select_related = ("organization", "user")
    search_fields = ("name", "title", "organization__name")
    autocomplete_fields = ("organization", "user")

    def get_fieldsets(self, request, obj=None):
        identity = ("name", "id_masked") if obj else ("name", "new_id_number")
        return (
            (None, {"fields": identity}),
            (_("工作信息"), {"fields": ("title", "organization", "user")}),
            (_("联系电话"), {"fields": ("phone_masked", "new_phone")}),
        )

    def get_readonly_fields(self, request, obj=None):
        return ("id_masked", "phone_masked")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip().upper()
        if is_valid_id_number(term):
            # ID numbers are encrypted: an exact number is found through its blind index.
            results |= queryset.filter(id_index=blind_index(term))
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        id_number = form.cleaned_data.get("new_id_number")
        if not change and id_number:
            obj.id_number = id_number
            obj.id_index = blind_index(id_number)
            obj.id_masked = mask_id_number(id_number)
        phone = (form.cleaned_data.get("new_phone") or "").strip()
        if phone:
            obj.phone = phone
            obj.phone_masked = mask_phone(phone)
        super().save_model(request, obj, form, change)


@admin.register(OrgRelation)
class OrgRelationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "kind", "object", "percent", "source", "created_at")
    list_filter = ("kind", "source")
    list_select_related = ("subject", "object")
    search_fields = ("subject__name", "subject__uscc", "object__name", "object__uscc", "note")
    autocomplete_fields = ("subject", "object")
    readonly_fields = ("declared_by", "created_at")
    fields = ("subject", "kind", "object", "percent", "source", "note", "declared_by", "created_at")

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(CreditRecord)
class CreditRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "subject",
        "kind",
        "decided_on",
        "penalty_start",
        "penalty_end",
        "bars_city_fiscal_projects",
        "source_document",
    )
    list_filter = ("kind", "bars_city_fiscal_projects")
    list_select_related = ("organization", "person")
    search_fields = ("organization__name", "organization__uscc", "person__name", "source_document")
    date_hierarchy = "decided_on"
    autocomplete_fields = ("organization", "person")
    readonly_fields = ("recorded_at",)
    fieldsets = (
        (_("对象（单位或人员，二者选一）"), {"fields": ("organization", "person")}),
        (
            _("记录"),
            {
                "fields": (
                    "kind",
                    "decided_on",
                    "penalty_start",
                    "penalty_end",
                    "bars_city_fiscal_projects",
                    "source_document",
                    "description",
                    "recorded_at",
                )
            },
        ),
    )

    @admin.display(description=_("对象"))
    def subject(self, obj):
        return obj.organization or obj.person

    def save_model(self, request, obj, form, change):
        if obj.recorded_at is None:
            obj.recorded_at = clock.now()
        super().save_model(request, obj, form, change)


class CityProjectPrincipalInline(admin.TabularInline):
    model = CityProjectPrincipal
    extra = 0
    autocomplete_fields = ("person",)
    ordering = ("position",)


@admin.register(CityProject)
class CityProjectAdmin(AuditedAdminMixin, ImportExportModelAdmin):
    resource_classes = [CityProjectResource]
    list_display = (
        "code",
        "title",
        "organization",
        "year",
        "is_rnd",
        "status",
        "planned_end",
        "accepted_on",
        "source",
    )
    list_filter = ("status", "is_rnd", "source", "year")
    list_select_related = ("organization",)
    search_fields = ("code", "title", "organization__name", "organization__uscc")
    autocomplete_fields = ("organization",)
    inlines = (CityProjectPrincipalInline,)

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        record_audit(
            action="city_project.exported",
            actor=request.user,
            summary=f"导出市级科技计划项目 {len(data)} 行（身份证号已脱敏）",
            data={"rows": len(data)},
            request=request,
        )
        return data
