from collections.abc import Iterator

from jiebang.core.models import AuditChainHead, AuditEntry, Notification
from jiebang.core.services import GENESIS_HASH, compute_entry_hash


def first_broken_audit_link() -> tuple[AuditEntry, str] | None:
    """Walk the chain from the start; the first entry that fails verification and why."""
    prev_hash = GENESIS_HASH
    for entry in _entries_in_order():
        if entry.prev_hash != prev_hash:
            return entry, "prev_hash"
        if compute_entry_hash(prev_hash, entry) != entry.entry_hash:
            return entry, "entry_hash"
        prev_hash = entry.entry_hash
    return None


def audit_chain_problem() -> str | None:
    """What is wrong with the audit log's hash chain (Chinese, naming the first broken entry),
    or None when it verifies. Used by `manage.py verify_audit` and the daily task."""
    # Read the head before walking: entries appended meanwhile only extend the chain.
    head_hash = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    broken = first_broken_audit_link()
    if broken is not None:
        entry, reason = broken
        what = "与上一条记录的链接断开" if reason == "prev_hash" else "内容被篡改（哈希不符）"
        return (
            f"审计日志第 {entry.pk} 条记录{what}：{entry.created_at:%Y-%m-%d %H:%M:%S} "
            f"{entry.actor_label} {entry.action}"
        )
    # The walk cannot see entries removed from the end; the head remembers the last one.
    if (
        head_hash
        and head_hash != GENESIS_HASH
        and not AuditEntry.objects.filter(entry_hash=head_hash).exists()
    ):
        return f"审计日志末尾的记录缺失：链头记录的最后一条哈希 {head_hash[:16]}… 找不到对应记录。"
    return None


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def inbox_for(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
