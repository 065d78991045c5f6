"""Writes of the shared kernel: audit entries, attachments, notifications."""

import hashlib
import json
import logging
import os
import re
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jiebang.core import antivirus, clock
from jiebang.core.crypto import sm3_hex
from jiebang.core.files import FILE_TYPES, archive_problem, sniff
from jiebang.core.models import Attachment, AuditChainHead, AuditEntry, Notification
from jiebang.core.upload_policy import policy_for

GENESIS_HASH = "0" * 64
logger = logging.getLogger("jiebang.audit")


def canonical_audit_payload(entry: AuditEntry) -> bytes:
    """The exact bytes hashed for an entry; any edited column changes them."""
    payload = {
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "summary": entry.summary,
        "data": entry.data,
        "ip_address": entry.ip_address,
    }
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def compute_entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return sm3_hex(prev_hash.encode() + canonical_audit_payload(entry))


def _client_ip(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    # Hash the address in the form the column stores (IPv6 is normalised on save), or the
    # reloaded entry would no longer match its hash.
    return AuditEntry._meta.get_field("ip_address").get_prep_value(address)


def record_audit(*, action, actor=None, target=None, summary="", data=None, request=None):
    """Append one entry to the hash-chained audit log.

    Side effects: locks the chain head row until the surrounding transaction ends (so
    concurrent writers append in a single line), inserts the entry, advances the head.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        entry = AuditEntry(
            created_at=clock.now(),
            actor=actor,
            actor_label=actor.get_username() if actor else "",
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            summary=summary[:500],
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            ip_address=_client_ip(request),
            prev_hash=head.last_hash,
        )
        entry.entry_hash = compute_entry_hash(head.last_hash, entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=entry.entry_hash)
    return entry


def safe_filename(name: str) -> str:
    """A display name without paths, control characters or reserved characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]", "_", name).strip(" .")
    if not name:
        name = "附件"
    stem, dot, ext = name.rpartition(".")
    if dot and len(name) > 200:
        name = stem[: 200 - len(ext) - 1] + "." + ext
    return name[:200]


def store_attachment(
    *, uploaded_file, kind, user, organization=None, allowed_types=None, max_bytes=None
):
    """Validate and store an upload; returns the Attachment.

    Checks, against the kind's policy (core.upload_policy; `allowed_types` / `max_bytes`
    may only narrow it): size, not a zip bomb (expanded size, compression ratio), type
    recognised from the bytes, type allowed for this kind, extension agreeing with the
    bytes, and — when ClamAV is configured — a virus scan (core.antivirus, failing closed).
    Raises ValidationError (Chinese) and writes nothing when a check fails.
    Side effects: the file in private storage (PRIVATE_MEDIA_ROOT or the S3 bucket), the row.
    """
    policy = policy_for(kind)
    max_bytes = min(max_bytes or policy.max_bytes, policy.max_bytes)
    allowed = set(policy.types) & set(allowed_types or policy.types)
    name = safe_filename(uploaded_file.name)
    if uploaded_file.size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”大小为%(size).1f MB，超过上限%(limit).1f MB，请压缩后再上传。")
            % {"name": name, "size": uploaded_file.size / 1048576, "limit": max_bytes / 1048576},
            code="too_large",
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    data = uploaded_file.read()
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    problem = archive_problem(data) if data.startswith(b"PK\x03\x04") else None
    if problem:
        raise ValidationError(
            _("文件“%(name)s”疑似压缩炸弹（%(problem)s），已拒绝上传。")
            % {"name": name, "problem": problem},
            code="unsafe_archive",
        )
    file_type = sniff(data, extension)
    allowed_names = "、".join(sorted(ext for t in allowed for ext in FILE_TYPES[t][0]))
    if file_type is None or file_type not in allowed:
        raise ValidationError(
            _("文件“%(name)s”的内容不是允许的类型（允许：%(allowed)s）。")
            % {"name": name, "allowed": allowed_names},
            code="bad_type",
        )
    if extension not in FILE_TYPES[file_type][0]:
        raise ValidationError(
            _("文件“%(name)s”的扩展名与实际内容（%(type)s）不符，请使用正确的扩展名。")
            % {"name": name, "type": file_type.upper()},
            code="extension_mismatch",
        )
    antivirus.scan(data, name)
    attachment = Attachment(
        kind=kind,
        original_name=name,
        file_type=file_type,
        content_type=FILE_TYPES[file_type][1],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sm3=sm3_hex(data),
        organization=organization,
        uploaded_by=user,
        created_at=clock.now(),
    )
    attachment.file.save("upload.bin", ContentFile(data), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def notify(recipients, *, title, body="", link="", sms=False):
    """Put a message in each recipient's inbox and queue its email (and, for urgent matters
    such as a return with a deadline, SMS) copy after commit.

    Side effects: Notification rows (inside the caller's transaction); one email task per
    recipient with an address and, with `sms`, one SMS task per recipient with a mobile,
    queued on commit.
    """
    from jiebang.core.tasks import send_notification_email, send_notification_sms

    now = clock.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=r, title=title, body=body, link=link, created_at=now)
            for r in recipients
        ]
    )
    for row in rows:
        if row.recipient.email:
            transaction.on_commit(lambda pk=row.pk: send_notification_email.delay(pk))
        if sms and row.recipient.mobile_index:
            transaction.on_commit(lambda pk=row.pk: send_notification_sms.delay(pk))
    return rows


def mark_notifications_read(user) -> int:
    """Mark the user's unread inbox messages read. Side effects: read_at on those rows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )


def alert_broken_audit_chain(problem: str) -> list[Notification]:
    """Tell the people who answer for the log that its hash chain no longer verifies.

    Side effects: an ERROR log line (picked up by the operators' log monitoring); an inbox
    message, its email and SMS copy to every active system administrator (superuser) and
    bureau officer.
    """
    from jiebang.orgs.enums import AccountState, Role  # orgs builds on core: import late

    logger.error("audit chain verification failed: %s", problem)
    recipients = (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=Role.BUREAU_OFFICER))
        .filter(is_active=True, account_state=AccountState.ACTIVE)
        .distinct()
        .order_by("pk")
    )
    return notify(
        list(recipients),
        title=_("安全告警：审计日志校验未通过"),
        body=_("%(problem)s\n请立即保全数据库与备份，并联系系统管理员和纪检部门核查。")
        % {"problem": problem},
        link="/django-admin/core/auditentry/",
        sms=True,
    )


def record_personal_data_read(request, target, fields, *, purpose, actor=None):
    """Audit one display of unmasked personal data (ID numbers, phones) to the request's
    user (or `actor`, outside a request).

    `fields` names the target's encrypted attributes shown in clear; those empty on the
    target are left out, and nothing is recorded when none is left. Exports audit their own
    reads (core.exports, `export.downloaded` with `masked`).
    Side effects: one `personal_data.read` audit entry (who, whose, which fields, why).
    """
    shown = [name for name in fields if getattr(target, name, "")]
    if not shown:
        return None
    return record_audit(
        action="personal_data.read",
        actor=actor or getattr(request, "user", None),
        target=target,
        summary=_("查看未脱敏个人信息：%(target)s（%(fields)s）")
        % {"target": target, "fields": "、".join(shown)},
        data={"fields": shown, "purpose": purpose},
        request=request,
    )
