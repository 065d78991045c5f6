from celery import shared_task


@shared_task
def send_review_reminders() -> int:
    """Remind experts of unfinished tasks whose round closes within a day (run hourly)."""
    from jiebang.review.services import remind_experts

    return remind_experts()
