from django.core.management.base import BaseCommand

from jiebang.projects.services import mark_overdue_projects, remind_progress_reports


class Command(BaseCommand):
    help = "每日项目任务：标记逾期未验收项目，提醒即将到期和已逾期的进展报告（无 Celery beat 时由 cron 调用）。"

    def handle(self, *args, **options):
        overdue = mark_overdue_projects()
        reminders = remind_progress_reports()
        self.stdout.write(
            f"新标记逾期未验收项目 {overdue} 个；进展报告提醒：即将到期 {reminders['due']} 条，"
            f"已逾期 {reminders['late']} 条。"
        )
