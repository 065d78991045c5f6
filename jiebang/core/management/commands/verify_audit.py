from django.core.management.base import BaseCommand, CommandError

from jiebang.core.models import AuditEntry
from jiebang.core.selectors import first_broken_audit_link


class Command(BaseCommand):
    help = "Recompute the SM3 hash chain of the audit log and name the first broken link."

    def handle(self, *args, **options):
        broken = first_broken_audit_link()
        if broken is None:
            self.stdout.write(f"审计日志完整：{AuditEntry.objects.count()} 条记录，哈希链校验通过。")
            return
        entry, reason = broken
        what = "与上一条记录的链接断开" if reason == "prev_hash" else "内容被篡改（哈希不符）"
        raise CommandError(
            f"审计日志第 {entry.pk} 条记录{what}：{entry.created_at:%Y-%m-%d %H:%M:%S} "
            f"{entry.actor_label} {entry.action}"
        )
