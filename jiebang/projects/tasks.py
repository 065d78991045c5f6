from celery import shared_task


@shared_task
def mark_overdue_projects_daily() -> int:
    """Mark projects overdue for acceptance (逾期未验收); run once a day."""
    from jiebang.projects.services import mark_overdue_projects

    return mark_overdue_projects()


@shared_task
def remind_progress_reports_daily() -> dict:
    """Remind solvers of progress reports due within a week or already late; once a day."""
    from jiebang.projects.services import remind_progress_reports

    return remind_progress_reports()
