from django.core.management.base import BaseCommand, CommandError

from jiebang.core.models import AuditChainHead, AuditEntry
from jiebang.core.selectors import first_broken_audit_link
from jiebang.core.services import GENESIS_HASH


class Command(BaseCommand):
    help = "Recompute the SM3 hash chain of the audit log and name the first broken link."

    def handle(self, *args, **options):
        # Read the head before walking: entries appended meanwhile only extend the chain.
        head_hash = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
        broken = first_broken_audit_link()
        if broken is not None:
            entry, reason = broken
            what = "与上一条记录的链接断开" if reason == "prev_hash" else "内容被篡改（哈希不符）"
            raise CommandError(
                f"审计日志第 {entry.pk} 条记录{what}：{entry.created_at:%Y-%m-%d %H:%M:%S} "
                f"{entry.actor_label} {entry.action}"
            )
        # The walk cannot see entries removed from the end; the head remembers the last one.
        if (
            head_hash
            and head_hash != GENESIS_HASH
            and not AuditEntry.objects.filter(entry_hash=head_hash).exists()
        ):
            raise CommandError(
                f"审计日志末尾的记录缺失：链头记录的最后一条哈希 {head_hash[:16]}… 找不到对应记录。"
            )
        self.stdout.write(f"审计日志完整：{AuditEntry.objects.count()} 条记录，哈希链校验通过。")
