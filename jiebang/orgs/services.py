"""Every write about units, accounts, people, relations, credit records and city projects.

Each state change is one function whose docstring lists its side effects; pages, the admin
and the API call these and nothing else.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.errors import DomainError
from jiebang.core.masking import mask_id_number, mask_phone
from jiebang.core.services import notify, record_audit
from jiebang.orgs import selectors
from jiebang.orgs.enums import AccountState, RecordSource, Role, VerificationState
from jiebang.orgs.models import CreditRecord, Organization, OrgRelation, Person, User


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def set_mobile(user: User, mobile: str) -> None:
    mobile = (mobile or "").strip()
    user.mobile = mobile
    user.mobile_index = blind_index(mobile) if mobile else None
    user.mobile_masked = mask_phone(mobile)


def set_contact_phone(org: Organization, phone: str) -> None:
    org.contact_phone = (phone or "").strip()
    org.contact_phone_masked = mask_phone(org.contact_phone)


def assign_roles(user: User, *roles: Role) -> None:
    groups = [Group.objects.get_or_create(name=str(role))[0] for role in roles]
    user.groups.add(*groups)
    user._role_names = None


def mobile_taken(mobile: str, exclude_user_id=None) -> bool:
    qs = User.objects.filter(mobile_index=blind_index(mobile))
    if exclude_user_id:
        qs = qs.exclude(pk=exclude_user_id)
    return qs.exists()


@transaction.atomic
def register_organization(
    *, org_data: dict, contact_phone: str, admin_data: dict, request=None
) -> User:
    """Public registration of a unit with its administrator account.

    Side effects: an Organization in `pending`; an active User in the org_admin and applicant
    roles; an audit entry; an inbox message to every bureau officer.
    """
    if Organization.objects.filter(uscc=org_data["uscc"]).exists():
        raise DomainError(
            "ORG-DUPLICATE", _("该统一社会信用代码已注册，请联系本单位管理员为您开通账号。")
        )
    if mobile_taken(admin_data["mobile"]):
        raise DomainError("MOBILE-TAKEN", _("该手机号码已被其他账号使用。"))
    org = Organization(**org_data, created_at=clock.now())
    set_contact_phone(org, contact_phone)
    org.save()
    admin = User(
        username=admin_data["username"],
        real_name=admin_data["real_name"],
        email=admin_data.get("email", ""),
        organization=org,
    )
    set_mobile(admin, admin_data["mobile"])
    admin.set_password(admin_data["password"])
    admin.save()
    assign_roles(admin, Role.ORG_ADMIN, Role.APPLICANT)
    record_audit(
        action="org.registered",
        actor=admin,
        target=org,
        summary=f"单位注册：{org.name}",
        data={"uscc": org.uscc, "admin": admin.username},
        request=request,
    )
    notify(
        selectors.bureau_officers(),
        title=_("新单位注册待审核：%(name)s") % {"name": org.name},
        link=f"/bureau/units/{org.pk}/",
    )
    return admin


@transaction.atomic
def verify_organization(*, org: Organization, by: User, request=None) -> Organization:
    """Bureau verifies a registered unit (pending → verified).

    Side effects: state, verified_at; audit entry; inbox message to the unit's admins.
    """
    org = _lock(Organization, org.pk)
    if org.verification_state != VerificationState.PENDING:
        raise DomainError(
            "ORG-STATE",
            _("该单位当前状态为“%(s)s”，不能认证。") % {"s": org.get_verification_state_display()},
        )
    org.mark_verified()
    org.verified_at = clock.now()
    org.verification_reason = ""
    org.save()
    record_audit(
        action="org.verified",
        actor=by,
        target=org,
        summary=f"单位认证通过：{org.name}",
        request=request,
    )
    notify(
        selectors.org_admins(org),
        title=_("单位注册已审核通过"),
        body=_("%(name)s 已通过市科技局认证，可以开通申报人账号并开展申报。") % {"name": org.name},
        link="/org/",
    )
    return org


@transaction.atomic
def reject_organization(*, org: Organization, by: User, reason: str, request=None) -> Organization:
    """Bureau rejects a registration with a reason (pending → rejected).

    Side effects: state and reason; audit entry; inbox message with the reason to the admins.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REASON-REQUIRED", _("退回或不予通过时必须填写理由。"))
    org = _lock(Organization, org.pk)
    if org.verification_state != VerificationState.PENDING:
        raise DomainError(
            "ORG-STATE",
            _("该单位当前状态为“%(s)s”，不能退回。") % {"s": org.get_verification_state_display()},
        )
    org.mark_rejected()
    org.verification_reason = reason
    org.save()
    record_audit(
        action="org.rejected",
        actor=by,
        target=org,
        summary=f"单位认证未通过：{org.name}",
        data={"reason": reason},
        request=request,
    )
    notify(
        selectors.org_admins(org),
        title=_("单位注册未通过审核"),
        body=_("理由：%(reason)s。请修改单位信息后重新提交。") % {"reason": reason},
        link="/org/",
    )
    return org


@transaction.atomic
def update_organization(
    *, org: Organization, by: User, changes: dict, contact_phone: str, request=None
) -> Organization:
    """The unit admin edits the unit profile; a rejected unit goes back to the bureau's queue.

    Name, USCC and kind of a verified unit are frozen (they were what the bureau verified).
    Side effects: the fields; rejected → pending; audit entry with the changed field names;
    inbox message to the bureau when resubmitted.
    """
    org = _lock(Organization, org.pk)
    frozen = {"name", "uscc", "kind"} if org.is_verified else set()
    changed = []
    for field, value in changes.items():
        if field in frozen:
            continue
        if getattr(org, field) != value:
            setattr(org, field, value)
            changed.append(field)
    if (contact_phone or "") != org.contact_phone:
        set_contact_phone(org, contact_phone)
        changed.append("contact_phone")
    resubmitted = org.verification_state == VerificationState.REJECTED
    if resubmitted:
        org.mark_resubmitted()
    org.save()
    record_audit(
        action="org.resubmitted" if resubmitted else "org.updated",
        actor=by,
        target=org,
        summary=f"单位信息修改：{org.name}",
        data={"fields": changed},
        request=request,
    )
    if resubmitted:
        notify(
            selectors.bureau_officers(),
            title=_("单位重新提交认证：%(name)s") % {"name": org.name},
            link=f"/bureau/units/{org.pk}/",
        )
    return org


@transaction.atomic
def register_applicant(*, org: Organization, account: dict, request=None) -> User:
    """An applicant signs up under an existing unit; the unit admin must approve the account.

    Side effects: a User in `pending` with the applicant role; audit entry; inbox message to
    the unit's admins.
    """
    if mobile_taken(account["mobile"]):
        raise DomainError("MOBILE-TAKEN", _("该手机号码已被其他账号使用。"))
    user = User(
        username=account["username"],
        real_name=account["real_name"],
        email=account.get("email", ""),
        organization=org,
        account_state=AccountState.PENDING,
    )
    set_mobile(user, account["mobile"])
    user.set_password(account["password"])
    user.save()
    assign_roles(user, Role.APPLICANT)
    record_audit(
        action="account.registered",
        actor=None,
        target=user,
        summary=f"申报人注册：{user.real_name}（{org.name}）",
        request=request,
    )
    notify(
        selectors.org_admins(org),
        title=_("新的申报人账号待审批：%(name)s") % {"name": user.real_name},
        link="/org/members/",
    )
    return user


def _member_for_admin(admin: User, member_id: int) -> User:
    member = User.objects.select_for_update().filter(pk=member_id).first()
    if member is None or not admin.has_perm("orgs.manage_members", member):
        raise DomainError("FORBIDDEN", _("您无权管理该账号。"))
    return member


@transaction.atomic
def approve_member(*, admin: User, member_id: int, request=None) -> User:
    """Unit admin approves a pending applicant account of the unit (pending → active).

    Side effects: state; audit entry; inbox message to the applicant.
    """
    member = _member_for_admin(admin, member_id)
    if member.account_state != AccountState.PENDING:
        raise DomainError("ACCOUNT-STATE", _("该账号不是待审批状态。"))
    member.mark_approved()
    member.state_reason = ""
    member.save()
    record_audit(
        action="account.approved",
        actor=admin,
        target=member,
        summary=f"审批通过申报人：{member.real_name}",
        request=request,
    )
    notify(
        [member], title=_("您的申报人账号已开通"), body=_("现在可以登录并开展申报。"), link="/org/"
    )
    return member


@transaction.atomic
def disable_member(*, admin: User, member_id: int, reason: str, request=None) -> User:
    """Unit admin disables an account of the unit (pending/active → disabled), with a reason.

    Side effects: state and reason; audit entry; inbox message to the member.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REASON-REQUIRED", _("停用账号时必须填写理由。"))
    member = _member_for_admin(admin, member_id)
    if member.account_state == AccountState.DISABLED:
        raise DomainError("ACCOUNT-STATE", _("该账号已停用。"))
    member.mark_disabled()
    member.state_reason = reason
    member.save()
    record_audit(
        action="account.disabled",
        actor=admin,
        target=member,
        summary=f"停用账号：{member.real_name}",
        data={"reason": reason},
        request=request,
    )
    notify([member], title=_("您的账号已被停用"), body=_("理由：%(r)s") % {"r": reason})
    return member


@transaction.atomic
def enable_member(*, admin: User, member_id: int, request=None) -> User:
    """Unit admin re-enables a disabled account (disabled → active).

    Side effects: state; audit entry; inbox message to the member.
    """
    member = _member_for_admin(admin, member_id)
    if member.account_state != AccountState.DISABLED:
        raise DomainError("ACCOUNT-STATE", _("该账号不是停用状态。"))
    member.mark_enabled()
    member.state_reason = ""
    member.save()
    record_audit(
        action="account.enabled",
        actor=admin,
        target=member,
        summary=f"重新启用账号：{member.real_name}",
        request=request,
    )
    notify([member], title=_("您的账号已重新启用"))
    return member


@transaction.atomic
def declare_relation(
    *,
    org: Organization,
    by: User,
    other_uscc: str,
    kind: str,
    direction: str,
    percent=None,
    note="",
    request=None,
) -> OrgRelation:
    """The unit declares a subordination or equity relation with another registered unit.

    `direction` is "out" (this unit is subordinate to / holds shares of the other) or "in".
    Side effects: an OrgRelation; audit entry.
    """
    other = Organization.objects.filter(uscc=other_uscc).first()
    if other is None:
        raise DomainError(
            "ORG-NOT-FOUND", _("未找到统一社会信用代码为 %(c)s 的注册单位。") % {"c": other_uscc}
        )
    if other.pk == org.pk:
        raise DomainError("RELATION-SELF", _("不能与本单位自身建立关联关系。"))
    subject, obj = (org, other) if direction == "out" else (other, org)
    if OrgRelation.objects.filter(subject=subject, object=obj, kind=kind).exists():
        raise DomainError("RELATION-DUPLICATE", _("该关联关系已登记。"))
    relation = OrgRelation.objects.create(
        subject=subject,
        object=obj,
        kind=kind,
        percent=percent,
        note=note,
        source=RecordSource.DECLARED,
        declared_by=by,
        created_at=clock.now(),
    )
    record_audit(
        action="org.relation_declared",
        actor=by,
        target=org,
        summary=relation.describe(),
        data={"relation": relation.pk},
        request=request,
    )
    return relation


@transaction.atomic
def upsert_person(
    *, name: str, id_number: str, phone: str = "", title: str = "", organization=None
) -> Person:
    """Find a person by the ID blind index or create one; keeps one row per natural person.

    Side effects: creates or updates the Person (name, title, unit, phone when given).
    """
    id_number = id_number.strip().upper()
    index = blind_index(id_number)
    person = Person.objects.select_for_update().filter(id_index=index).first()
    if person is None:
        person = Person(id_index=index, id_number=id_number, id_masked=mask_id_number(id_number))
    person.name = name.strip()
    if title:
        person.title = title
    if organization is not None:
        person.organization = organization
    if phone:
        person.phone = phone.strip()
        person.phone_masked = mask_phone(person.phone)
    person.save()
    return person


@transaction.atomic
def record_credit(*, by: User, organization=None, person=None, **fields) -> CreditRecord:
    """Bureau records a credit (dishonesty / misconduct) entry for a unit or a person.

    Side effects: a CreditRecord; audit entry.
    """
    record = CreditRecord.objects.create(
        organization=organization, person=person, recorded_at=clock.now(), **fields
    )
    record_audit(
        action="credit.recorded",
        actor=by,
        target=record,
        summary=f"信用记录：{record}",
        data={"kind": record.kind, "bars": record.bars_city_fiscal_projects},
    )
    return record
