"""The bureau edits a call's parameters; the form keeps windows in order and shares summing to 100."""

import datetime as dt
from decimal import Decimal

import pytest

from jiebang.calls.forms import CallForm
from jiebang.calls.models import Call
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import Role
from tests.factories import CallFactory, OrganizationFactory, UserFactory, beijing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def form_data(call, **overrides):
    form = CallForm(instance=call)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(beijing(2024, 1, 1).tzinfo).strftime("%Y-%m-%dT%H:%M:%S")
        if value is True:
            value = "on"
        if name == "industries":
            value = [i.pk for i in value] if not isinstance(value, list) else value
        data[name] = value
    data.update(overrides)
    return data


def test_2024_call_defaults_match_the_guide():
    call = CallFactory()
    assert call.min_total_investment == Decimal("5000000.00")
    assert call.normal_max_period_months == 36
    assert (
        call.unit_max_ongoing_projects == 3
        and call.person_max_load == 2
        and call.principal_count == 3
    )
    assert call.race_first_phase_cap_percent == Decimal("20")
    assert call.effective_audit_years == [2022, 2023]
    assert call.submission_closes_at == beijing(2024, 8, 30, 19, 30)


def test_bureau_edits_a_call_and_the_change_is_audited(client):
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    call = CallFactory()
    client.force_login(bureau)
    data = form_data(call, unit_max_ongoing_projects=4, submission_closes_at="2024-08-30T20:00:00")
    response = client.post(f"/bureau/calls/{call.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    call.refresh_from_db()
    assert call.unit_max_ongoing_projects == 4
    assert call.submission_closes_at == beijing(2024, 8, 30, 20, 0)
    entry = AuditEntry.objects.get(action="call.updated", target_id=str(call.pk))
    assert "unit_max_ongoing_projects" in entry.data["fields"]


def test_window_out_of_order_is_refused_and_nothing_changes(client):
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    call = CallFactory()
    client.force_login(bureau)
    data = form_data(call, submission_opens_at="2024-09-01T10:00:00", name="改过的名称")
    response = client.post(f"/bureau/calls/{call.pk}/edit/", data)
    assert response.status_code == 200
    assert "填报截止时间应晚于开始时间" in response.content.decode()
    assert "改过的名称" in response.content.decode()  # typed value kept
    call.refresh_from_db()
    assert call.name != "改过的名称"


@pytest.mark.parametrize(
    ("plan", "ok"), [("30,40,30", True), ("30,40,31", False), ("50,50", False), ("20,30,50", True)]
)
def test_instalment_plan_must_sum_to_100(plan, ok):
    call = CallFactory()
    form = CallForm(data=form_data(call, instalment_plan_text=plan), instance=call)
    assert form.is_valid() is ok
    if not ok:
        assert "instalment_plan_text" in form.errors


def test_recommendation_deadline_cannot_precede_submission_close():
    call = CallFactory()
    form = CallForm(
        data=form_data(call, recommendation_deadline="2024-08-30T19:29:59"), instance=call
    )
    assert not form.is_valid()
    assert "区县推荐截止时间不能早于填报截止时间" in str(form.errors["recommendation_deadline"])


def test_percentages_out_of_range_are_refused():
    call = CallFactory()
    form = CallForm(data=form_data(call, race_first_phase_cap_percent="120"), instance=call)
    assert not form.is_valid() and "race_first_phase_cap_percent" in form.errors


def test_only_bureau_edits_calls(client):
    call = CallFactory()
    applicant = UserFactory(
        organization=OrganizationFactory(), roles=[Role.APPLICANT, Role.ORG_ADMIN]
    )
    client.force_login(applicant)
    assert client.get(f"/bureau/calls/{call.pk}/edit/").status_code == 403
    assert (
        client.post(f"/bureau/calls/{call.pk}/edit/", form_data(call, name="x")).status_code == 403
    )
    assert Call.objects.get(pk=call.pk).name == call.name
