"""What the project service tests share: a fixed calendar, selection chains built once per
module (rolled back when the module ends), and small helpers over the services.

A selection chain costs seconds; initiating a project from it costs milliseconds. So each
module builds its selected proposals once, inside an outer transaction that is rolled back
at the module's end, and every test initiates its own project inside its own (nested)
test transaction, as Django's `TestCase.setUpTestData` does.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.db import transaction
from django.test import override_settings

from jiebang.core import clock
from jiebang.core.clock import BEIJING
from jiebang.projects import services
from tests.helpers import pdf_upload
from tests.projects.builders import initiate, issuer_user, register_contract

# The chains are built on BUILD_AT (a Monday): published, noticed and closed within March
# 2026. Every test then starts on DAY0 (a Wednesday), the day the project is initiated.
BUILD_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
DAY0 = dt.date(2026, 4, 1)
# A 24-month project started on DAY0 (see `builders.initiate` and `initiation.planned_end_for`).
PLANNED_END = dt.date(2028, 3, 31)


def on(day: dt.date, hour: int = 10):
    """Travel (frozen) to `day` at `hour`:00 Beijing time."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING), tick=False
    )


@contextmanager
def module_rows(django_db_blocker, tmp_path_factory):
    """Rows built once for a test module: open the database, keep attachments in a temporary
    folder, and roll everything back when the module is done."""
    with (
        django_db_blocker.unblock(),
        override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")),
        transaction.atomic(),
    ):
        try:
            yield
        finally:
            transaction.set_rollback(True)


def started(proposal, bureau, **kwargs):
    """A project initiated today with its technology contract registered (in progress)."""
    project = initiate(proposal, bureau, **kwargs)
    register_contract(project)
    project.refresh_from_db()
    return project


def approve(project, amount, trigger="initiation", *, by):
    return services.approve_disbursement(
        project_id=project.pk, by=by, trigger=trigger, amount=Decimal(amount)
    )


def approve_and_pay(project, amount, trigger="initiation", *, by):
    disbursement = approve(project, amount, trigger, by=by)
    return services.record_disbursement_paid(
        disbursement_id=disbursement.pk,
        by=by,
        paid_on=clock.today(),
        voucher_file=pdf_upload("拨付凭证.pdf"),
    )


def pay(project, amount, *, by):
    """The payer records a payment of the contract amount and the bureau (`by`) confirms it
    (`builders.pay` without creating a new officer each time: password hashing is slow)."""
    payment = services.record_payment(
        project_id=project.pk,
        by=issuer_user(project),
        amount=Decimal(amount),
        paid_on=clock.today(),
        reference=f"LS{project.pk}-{amount}",
        voucher_file=pdf_upload("付款凭证.pdf"),
    )
    return services.check_payment(payment_id=payment.pk, by=by, confirmed=True)
