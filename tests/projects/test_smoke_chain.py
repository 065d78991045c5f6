"""The whole project chain through the services, once (the detailed rules have their own tests)."""

from decimal import Decimal

import pytest

from jiebang.core import clock
from jiebang.orgs.enums import CityProjectStatus
from jiebang.projects import services
from jiebang.projects.enums import ProjectState
from tests.helpers import pdf_upload
from tests.projects.builders import (
    initiate,
    pay,
    register_contract,
    selected_proposal,
    solver_user,
    to_final_submitted,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_initiation_to_acceptance():
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    assert project.state == ProjectState.INITIATED
    assert project.fiscal_total == Decimal("1800000.00")
    assert project.city_project.status == CityProjectStatus.ONGOING
    register_contract(project)
    pay(project, Decimal("6000000.00"))
    d = services.approve_disbursement(
        project_id=project.pk, by=bureau, trigger="initiation", amount=Decimal("540000.00")
    )
    services.record_disbursement_paid(
        disbursement_id=d.pk, by=bureau, paid_on=clock.today(), voucher_file=pdf_upload()
    )
    report = project.reports.first()
    services.submit_progress_report(
        report_id=report.pk, by=solver_user(project), progress="进展顺利"
    )
    to_final_submitted(project, bureau)
    services.decide_acceptance(project_id=project.pk, by=bureau, outcome="passed", opinion="通过")
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTED
    assert project.city_project.status == CityProjectStatus.ACCEPTED
