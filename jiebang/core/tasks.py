from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from jiebang.core.models import Notification


@shared_task
def send_notification_email(notification_id: int) -> None:
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.email:
        return
    send_mail(
        subject=f"[{settings.SITE_TITLE}] {notification.title}",
        message=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
        fail_silently=True,
    )


@shared_task
def send_notification_sms(notification_id: int) -> None:
    from jiebang.core.sms import get_sms_backend

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.mobile:
        return
    get_sms_backend().send(
        notification.recipient.mobile, f"【{settings.SITE_TITLE}】{notification.title}"
    )


@shared_task
def run_export(job_id: int) -> None:
    """Write a queued Excel export (core.exports.run_export_job), reporting progress."""
    from jiebang.core.exports import run_export_job

    run_export_job(job_id)


@shared_task
def purge_export_jobs_daily() -> int:
    """Delete export files kept longer than EXPORT_JOB_KEEP_DAYS (core.exports); once a day."""
    from jiebang.core.exports import purge_export_jobs

    return purge_export_jobs()


@shared_task
def run_import(job_id: int) -> None:
    """Run a queued Excel import (core.imports.run_import_job), reporting progress."""
    from jiebang.core.imports import run_import_job

    run_import_job(job_id)


@shared_task
def verify_audit_daily() -> bool:
    """Verify the audit log's hash chain (as `manage.py verify_audit`); once a day. On a
    broken chain: an ERROR log line and an urgent alert to the bureau's administrators
    (core.services.alert_broken_audit_chain). Returns whether the chain verified."""
    from jiebang.core.selectors import audit_chain_problem
    from jiebang.core.services import alert_broken_audit_chain

    problem = audit_chain_problem()
    if problem is None:
        return True
    alert_broken_audit_chain(problem)
    return False
