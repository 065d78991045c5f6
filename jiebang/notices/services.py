import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.masking import mask_id_number, mask_phone
from jiebang.core.services import notify, record_audit, store_attachment
from jiebang.core.validators import validate_id_number, validate_phone, validate_uscc
from jiebang.notices import selectors
from jiebang.notices.calendar import CalendarGapError, WorkingCalendar, notice_end_instant
from jiebang.notices.models import (
    UNRESOLVED_OBJECTION_STATES,
    Announcement,
    AnnouncementKind,
    NoticeState,
    Objection,
    ObjectionState,
    ObjectorKind,
    PublicNotice,
)
from jiebang.orgs.selectors import bureau_officers
from jiebang.portal.cache import invalidate_hall


@transaction.atomic
def publish_announcement(
    *, title: str, body: str, by, publication=None, request=None
) -> Announcement:
    """Publish an announcement on the public site.

    Side effects: the Announcement row; audit entry; the public hall's cache invalidated on
    commit.
    """
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.PUBLICATION if publication else AnnouncementKind.NOTICE,
        title=title.strip(),
        body=body.strip(),
        publication=publication,
        published_at=clock.now(),
        created_by=by,
    )
    record_audit(
        action="notice.published",
        actor=by,
        target=announcement,
        summary=f"发布公告：{announcement.title}",
        request=request,
    )
    invalidate_hall("announcement published")
    return announcement


# Public notices (公示) and objections (异议) ----------------------------------------------

LETTER_KIND = "objection_letter"
# A signed or stamped letter is a scan or a signed electronic document.
LETTER_TYPES = ("pdf", "jpeg", "png", "ofd")


@transaction.atomic
def open_notice(
    *,
    title: str,
    body: str,
    start_on: dt.date,
    working_days: int,
    subject,
    by,
    calendar: WorkingCalendar | None = None,
    request=None,
) -> PublicNotice:
    """Open a public notice (公示) for `working_days` working days from `start_on`.

    The end is computed once, now, with the calendar of CalendarDay rows (or the one given):
    23:59:59 Beijing of the last working day (see `calendar.py` for the counting
    convention); later edits of the calendar do not move it.

    Refusals: NOTICE-INVALID (empty title, fewer than 1 working day, start in the past),
    NOTICE-CALENDAR-MISSING (the period reaches a year whose holidays are not entered).
    Side effects: the PublicNotice row (open); audit entry.
    """
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError("NOTICE-INVALID", _("请填写公示标题（不超过200字）。"))
    if len(body or "") > 20000:
        raise DomainError("NOTICE-INVALID", _("公示内容不能超过20000字。"))
    if working_days is None or int(working_days) < 1:
        raise DomainError("NOTICE-INVALID", _("公示期至少为1个工作日。"))
    if start_on < clock.today():
        raise DomainError("NOTICE-INVALID", _("公示开始日期不能早于今天。"))
    calendar = calendar if calendar is not None else selectors.working_calendar()
    try:
        last_day = calendar.add_working_days(start_on, int(working_days))
    except CalendarGapError as gap:
        raise DomainError(
            "NOTICE-CALENDAR-MISSING",
            _(
                "尚未录入%(year)d年的节假日安排，无法计算公示截止日期。"
                "请先在后台“节假日安排”中按国务院办公厅通知录入。"
            )
            % {"year": gap.year},
        ) from gap
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    notice = PublicNotice.objects.create(
        title=title,
        body=(body or "").strip(),
        start_on=start_on,
        working_days=int(working_days),
        ends_at=notice_end_instant(last_day),
        subject_type=subject_type,
        subject_id=subject.pk if subject is not None else None,
        created_by=by,
        created_at=clock.now(),
    )
    record_audit(
        action="notice.publicity_opened",
        actor=by,
        target=notice,
        summary=f"发布公示：{notice.title}（{start_on:%Y-%m-%d} 至 {last_day:%Y-%m-%d}）",
        data={
            "start_on": start_on,
            "last_day": last_day,
            "working_days": notice.working_days,
            "subject": f"{subject._meta.label_lower}:{subject.pk}" if subject is not None else "",
        },
        request=request,
    )
    return notice


def _is_late(notice: PublicNotice, at: dt.datetime) -> bool:
    # Inclusive to the second: 23:59:59.999 is still 23:59:59.
    return at.replace(microsecond=0) > notice.ends_at


def _objection_field_errors(*, kind, name, id_number, unit_name, uscc, phone, content):
    """Field errors of a non-anonymous objection: formats and lengths (Chinese messages)."""
    errors = []

    def check(field, validator, value):
        try:
            validator(value)
        except ValidationError as error:
            errors.append({"field": field, "message": " ".join(error.messages)})

    if kind == ObjectorKind.PERSON:
        if len(name) > 64:
            errors.append({"field": "name", "message": _("姓名过长。")})
        check("id_number", validate_id_number, id_number)
    else:
        if len(unit_name) > 200:
            errors.append({"field": "unit_name", "message": _("单位名称过长。")})
        if len(name) > 64:
            errors.append({"field": "name", "message": _("联系人姓名过长。")})
        check("uscc", validate_uscc, uscc)
    if not phone:
        errors.append({"field": "phone", "message": _("请填写联系电话，以便告知处理结果。")})
    else:
        check("phone", validate_phone, phone)
    if not content:
        errors.append({"field": "content", "message": _("请填写异议内容及理由。")})
    elif len(content) > 5000:
        errors.append({"field": "content", "message": _("异议内容不能超过5000字。")})
    return errors


def _anonymity_reason(*, kind, name, id_number, unit_name, uscc) -> str:
    if kind == ObjectorKind.PERSON and not (name and id_number):
        return _("个人提出异议须署真实姓名并提供居民身份证号，匿名异议不予受理。")
    if kind == ObjectorKind.UNIT and not (unit_name and uscc):
        return _("单位提出异议须写明单位名称和统一社会信用代码并加盖公章，匿名异议不予受理。")
    return ""


def _store_letter_quietly(letter, by):
    """The letter of a refused objection, kept when it passes the file checks."""
    if not letter:
        return None
    try:
        return store_attachment(
            uploaded_file=letter, kind=LETTER_KIND, user=by, allowed_types=LETTER_TYPES
        )
    except ValidationError:
        return None


def _new_objection(notice, *, kind, name, id_number, unit_name, uscc, phone, content, at):
    return Objection(
        notice=notice,
        kind=kind,
        name=name[:64],
        id_number=id_number,
        id_masked=mask_id_number(id_number)[:32],
        unit_name=unit_name[:200],
        uscc=uscc[:18],
        phone=phone,
        phone_masked=mask_phone(phone)[:32],
        content=content[:5000],
        received_at=at,
    )


def file_objection(
    *,
    notice_id: int,
    kind: str,
    name: str = "",
    id_number: str = "",
    unit_name: str = "",
    uscc: str = "",
    phone: str = "",
    content: str = "",
    letter=None,
    at: dt.datetime | None = None,
    by=None,
    request=None,
) -> Objection:
    """Take a written objection to an open notice; returns the accepted Objection (pending).

    Refusals (DomainError, Chinese message), checked in this order:
    - OBJECTION-NOT-OPEN: no such notice, closed, or before its start date. Nothing stored.
    - OBJECTION-LATE: received after 23:59:59 Beijing of the last working day.
    - OBJECTION-ANONYMOUS: a person without name and ID number, or a unit without name
      and USCC.
      Late and anonymous objections are the domain's refusals ("not accepted"): the row is
      STORED in state `refused` with the code and reason (and the letter, when it passes
      the file checks) so the bureau sees what was turned away and why, and then the
      DomainError is raised for the page to show; `details` carries `{"objection_id": …}`.
    - OBJECTION-INVALID: a malformed ID number / USCC / phone or missing content, and
    - OBJECTION-NO-LETTER: no signed or stamped letter uploaded, and
    - OBJECTION-LETTER-INVALID: the letter fails the file checks.
      These are corrections to the form, not refusals on the merits: nothing is stored;
      `details` lists `{"field", "message"}` for the page to put next to each field.

    Side effects of an accepted objection: the letter (private attachment), the Objection
    row (pending), an audit entry, an inbox message (and e-mail) to every bureau officer.
    A refused one: the refused row and an audit entry.
    """
    at = at or clock.now()
    kind = (kind or "").strip()
    name = (name or "").strip()
    id_number = (id_number or "").strip().upper()
    unit_name = (unit_name or "").strip()
    uscc = (uscc or "").strip().upper()
    phone = (phone or "").strip()
    content = (content or "").strip()
    if kind not in ObjectorKind.values:
        raise DomainError(
            "OBJECTION-INVALID",
            _("请选择以个人（实名）或单位（加盖公章）名义提出异议。"),
            [{"field": "kind", "message": _("请选择提出方式。")}],
        )
    if kind == ObjectorKind.UNIT:
        id_number = ""
    else:
        unit_name = uscc = ""

    refusal = None
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise DomainError("OBJECTION-NOT-OPEN", _("该公示不存在。"))
        if notice.state != NoticeState.OPEN:
            raise DomainError("OBJECTION-NOT-OPEN", _("该公示已结束，不再受理异议。"))
        if at < notice.starts_at:
            raise DomainError(
                "OBJECTION-NOT-OPEN",
                _("公示自%(start)s起开始，届时方可提出异议。")
                % {"start": clock.format_beijing(notice.starts_at)},
            )
        fields = {
            "kind": kind,
            "name": name,
            "id_number": id_number,
            "unit_name": unit_name,
            "uscc": uscc,
        }
        if _is_late(notice, at):
            refusal = DomainError(
                "OBJECTION-LATE",
                _("公示期已于%(end)s截止，逾期提出的异议不予受理。")
                % {"end": clock.beijing(notice.ends_at).strftime("%Y-%m-%d %H:%M:%S（北京时间）")},
            )
        else:
            reason = _anonymity_reason(**fields)
            if reason:
                refusal = DomainError("OBJECTION-ANONYMOUS", reason)
        if refusal is not None:
            objection = _new_objection(notice, **fields, phone=phone, content=content, at=at)
            objection.attachment = _store_letter_quietly(letter, by)
            objection.refusal_code = refusal.code
            objection.refusal_reason = refusal.message[:500]
            objection.mark_refused()
            objection.save()
            record_audit(
                action="notice.objection_refused",
                actor=by,
                target=objection,
                summary=f"异议不予受理（{refusal.code}）：{notice.title}",
                data={"notice_id": notice.pk, "code": refusal.code},
                request=request,
            )
            refusal.details = [{"objection_id": objection.pk}]
        else:
            errors = _objection_field_errors(**fields, phone=phone, content=content)
            if not letter:
                errors.append(
                    {
                        "field": "letter",
                        "message": _(
                            "请上传本人签名或单位盖章的书面异议材料（PDF、OFD或扫描图片）。"
                        ),
                    }
                )
            if errors:
                only_letter = [e["field"] for e in errors] == ["letter"]
                raise DomainError(
                    "OBJECTION-NO-LETTER" if only_letter else "OBJECTION-INVALID",
                    errors[0]["message"]
                    if only_letter
                    else _("异议信息不完整或有误，请修改后重新提交。"),
                    errors,
                )
            try:
                stored = store_attachment(
                    uploaded_file=letter, kind=LETTER_KIND, user=by, allowed_types=LETTER_TYPES
                )
            except ValidationError as error:
                message = " ".join(error.messages)
                raise DomainError(
                    "OBJECTION-LETTER-INVALID", message, [{"field": "letter", "message": message}]
                ) from error
            objection = _new_objection(notice, **fields, phone=phone, content=content, at=at)
            objection.attachment = stored
            objection.save()
            record_audit(
                action="notice.objection_received",
                actor=by,
                target=objection,
                summary=f"收到异议{objection.number}：{notice.title}",
                data={"notice_id": notice.pk, "kind": kind},
                request=request,
            )
            notify(
                bureau_officers(),
                title=f"收到公示异议：{notice.title}",
                body=(
                    f"{objection.get_kind_display()}“{objection.objector}”于"
                    f"{clock.format_beijing(at)}提出异议（编号{objection.number}），请及时受理。"
                ),
                link=reverse("publicity_objections", args=[notice.pk]),
            )
    if refusal is not None:
        raise refusal
    return objection


def _locked_objection(objection_id: int) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise DomainError("OBJECTION-NOT-FOUND", _("该异议不存在。"))
    return objection


def _require_objection_state(objection: Objection, *states) -> None:
    if objection.state not in states:
        raise DomainError(
            "OBJECTION-STATE",
            _("该异议当前状态为“%(s)s”，不能办理此操作。") % {"s": objection.get_state_display()},
        )


def _tell_notice_owner(objection: Objection, by, title: str) -> None:
    owner = objection.notice.created_by
    if owner.pk != by.pk:
        notify(
            [owner],
            title=title,
            link=reverse("publicity_objections", args=[objection.notice_id]),
        )


@transaction.atomic
def accept_objection_for_handling(*, objection_id: int, by, request=None) -> Objection:
    """The bureau has checked the letter (signature / stamp) and takes the objection up (受理).

    Side effects: state pending → accepted_for_handling, handled_by/at; audit entry.
    """
    objection = _locked_objection(objection_id)
    _require_objection_state(objection, ObjectionState.PENDING)
    objection.mark_accepted_for_handling()
    objection.handled_by = by
    objection.handled_at = clock.now()
    objection.save()
    record_audit(
        action="notice.objection_accepted",
        actor=by,
        target=objection,
        summary=f"受理异议{objection.number}：{objection.notice.title}",
        request=request,
    )
    return objection


@transaction.atomic
def refuse_objection(*, objection_id: int, reason: str, by, request=None) -> Objection:
    """The bureau refuses a pending objection after reading the letter, e.g. it bears no
    signature or stamp (不予受理). The reason is required.

    Side effects: state pending → refused with the reason, handled_by/at; audit entry; an
    inbox message to the notice's author when someone else refused it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("OBJECTION-REASON-REQUIRED", _("请填写不予受理的理由。"))
    objection = _locked_objection(objection_id)
    _require_objection_state(objection, ObjectionState.PENDING)
    objection.mark_refused()
    objection.refusal_code = "OBJECTION-REFUSED-BY-BUREAU"
    objection.refusal_reason = reason[:500]
    objection.handled_by = by
    objection.handled_at = clock.now()
    objection.save()
    record_audit(
        action="notice.objection_refused",
        actor=by,
        target=objection,
        summary=f"异议{objection.number}不予受理：{reason[:200]}",
        data={"code": objection.refusal_code},
        request=request,
    )
    _tell_notice_owner(objection, by, f"异议{objection.number}已不予受理：{objection.notice.title}")
    return objection


@transaction.atomic
def resolve_objection(*, objection_id: int, resolution: str, by, request=None) -> Objection:
    """Record the bureau's handling result of an objection (办结). The result is required;
    the objector is told through the contact phone they gave (they have no account).

    Side effects: state pending|accepted_for_handling → resolved, resolution, resolved_by/at
    (and handled_by/at when it had not been taken up separately); audit entry; an inbox
    message to the notice's author when someone else resolved it.
    """
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("OBJECTION-RESOLUTION-REQUIRED", _("请填写异议处理结果。"))
    if len(resolution) > 5000:
        raise DomainError("OBJECTION-RESOLUTION-REQUIRED", _("处理结果不能超过5000字。"))
    objection = _locked_objection(objection_id)
    _require_objection_state(objection, *UNRESOLVED_OBJECTION_STATES)
    now = clock.now()
    objection.mark_resolved()
    objection.resolution = resolution
    objection.resolved_by = by
    objection.resolved_at = now
    if objection.handled_at is None:
        objection.handled_by = by
        objection.handled_at = now
    objection.save()
    record_audit(
        action="notice.objection_resolved",
        actor=by,
        target=objection,
        summary=f"异议{objection.number}已办结：{objection.notice.title}",
        data={"resolution": resolution[:500]},
        request=request,
    )
    _tell_notice_owner(objection, by, f"异议{objection.number}已办结：{objection.notice.title}")
    return objection


@transaction.atomic
def close_notice(*, notice_id: int, by, request=None) -> PublicNotice:
    """End a public notice once its period is over and every objection is handled.

    Refusals: NOTICE-STATE (not open), NOTICE-NOT-ENDED (before ends_at, to the second),
    NOTICE-UNRESOLVED-OBJECTIONS (an objection is pending or being handled).
    Side effects: state open → closed, closed_by/at; audit entry.
    """
    notice = PublicNotice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise DomainError("NOTICE-NOT-FOUND", _("该公示不存在。"))
    if notice.state != NoticeState.OPEN:
        raise DomainError("NOTICE-STATE", _("该公示已结束。"))
    now = clock.now()
    if now.replace(microsecond=0) <= notice.ends_at:
        raise DomainError(
            "NOTICE-NOT-ENDED",
            _("公示期至%(end)s截止，截止前不能结束公示。")
            % {"end": clock.beijing(notice.ends_at).strftime("%Y-%m-%d %H:%M:%S（北京时间）")},
        )
    unresolved = selectors.unresolved_objections_count(notice)
    if unresolved:
        raise DomainError(
            "NOTICE-UNRESOLVED-OBJECTIONS",
            _("还有%(n)d件异议尚未办结，办结后方可结束公示。") % {"n": unresolved},
        )
    notice.mark_closed()
    notice.closed_by = by
    notice.closed_at = now
    notice.save()
    record_audit(
        action="notice.publicity_closed",
        actor=by,
        target=notice,
        summary=f"公示结束：{notice.title}",
        data={"objections": notice.objections.count()},
        request=request,
    )
    return notice
