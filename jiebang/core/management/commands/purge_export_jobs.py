from django.conf import settings
from django.core.management.base import BaseCommand

from jiebang.core.exports import purge_export_jobs


class Command(BaseCommand):
    help = (
        "每日清理后台导出文件：删除完成超过 EXPORT_JOB_KEEP_DAYS 天的导出文件，"
        "导出任务标记为已过期（无 Celery beat 时由 cron 调用）。"
    )

    def handle(self, *args, **options):
        purged = purge_export_jobs()
        self.stdout.write(
            f"已清理过期导出文件 {purged} 个（完成后保留 {settings.EXPORT_JOB_KEEP_DAYS} 天）。"
        )
