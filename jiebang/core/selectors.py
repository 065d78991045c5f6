from collections.abc import Iterator

from jiebang.core.models import AuditEntry, Notification
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


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def inbox_for(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
