"""Submitting a demand: the authoritative check, the version and receipt, and the refusals."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from jiebang.core.errors import DomainError
from jiebang.core.models import AuditEntry, Notification
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, DemandVersion, ReceiptSequence
from jiebang.orgs.enums import Role, VerificationState
from jiebang.orgs.models import CityProject, CityProjectPrincipal, Person
from tests.demands.builders import open_call, team, valid_at_demand, valid_tb_demand
from tests.factories import UserFactory, beijing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def codes_of(error: DomainError) -> set[str]:
    return {d["code"] for d in error.details}


def test_valid_tb_demand_submits_with_number_version_digest_audit_and_notices():
    demand, user = valid_tb_demand()
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    version = services.submit_demand(demand_id=demand.pk, by=user)
    demand.refresh_from_db()
    year = demand.call.year
    assert demand.state == DemandState.SUBMITTED
    assert demand.number == f"JB-{year}-TB-000001" == version.receipt_number
    assert len(version.digest) == 64 and version.content["title"] == demand.title
    assert {a["kind"] for a in version.content["attachments"]} >= {
        "application_form",
        "audit_report",
    }
    assert all("id_number" not in m for m in version.content["team"])  # only masked IDs are frozen
    assert AuditEntry.objects.filter(action="demand.submitted", target_id=str(demand.pk)).exists()
    assert Notification.objects.filter(recipient=officer, title__contains=demand.title).exists()
    assert Notification.objects.filter(recipient=user, title__contains=demand.number).exists()


def test_valid_at_demand_submits_with_its_own_sequence():
    demand, user = valid_at_demand()
    version = services.submit_demand(demand_id=demand.pk, by=user)
    assert version.receipt_number.endswith("-AT-000001")


def test_second_submit_is_refused_cleanly_and_nothing_doubles():
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert refused.value.code == "DEMAND-ALREADY-SUBMITTED"
    assert DemandVersion.objects.filter(demand=demand).count() == 1
    assert ReceiptSequence.objects.get().last == 1


def test_ineligible_demand_returns_every_finding_and_changes_nothing():
    demand, user = valid_tb_demand()
    services.update_demand(
        demand=demand,
        by=user,
        fields={"total_investment": Decimal("4999999.99"), "declares_end_user": False},
    )
    services.remove_attachment(
        demand=demand, by=user, link_id=demand.attachments.get(kind="commit_leader").pk
    )
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert refused.value.code == "DEMAND-INELIGIBLE"
    assert codes_of(refused.value) == {"FUND-MIN", "TB-END-USER", "ATT-COMMIT-LEADER"}
    demand.refresh_from_db()
    assert (
        demand.state == DemandState.DRAFT and demand.number is None and demand.current_version == 0
    )
    assert not DemandVersion.objects.exists() and not ReceiptSequence.objects.exists()


@pytest.mark.parametrize(("second", "ok"), [(0, True), (1, False)])
def test_submission_deadline_is_inclusive_to_the_second(second, ok):
    call = open_call(
        year=2024,
        submission_opens_at=beijing(2024, 8, 1, 10, 0),
        submission_closes_at=beijing(2024, 8, 30, 19, 30),
        resubmission_deadline=beijing(2024, 9, 2, 19, 30),
        recommendation_deadline=beijing(2024, 9, 3, 0, 0),
    )
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, user = valid_tb_demand(call=call)
    with time_machine.travel(beijing(2024, 8, 30, 19, 30, second, 0 if ok else 0), tick=False):
        if ok:
            version = services.submit_demand(demand_id=demand.pk, by=user)
            assert version.submitted_at == beijing(2024, 8, 30, 19, 30, 0)
        else:
            with pytest.raises(DomainError) as refused:
                services.submit_demand(demand_id=demand.pk, by=user)
            assert codes_of(refused.value) == {"WINDOW-SUBMIT"}
            assert Demand.objects.get(pk=demand.pk).state == DemandState.DRAFT


def test_unverified_unit_cannot_submit():
    demand, user = valid_tb_demand()
    org = demand.organization
    org.verification_state  # noqa: B018  (loaded)
    type(org).objects.filter(pk=org.pk).update(verification_state=VerificationState.PENDING)
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert "ORG-UNVERIFIED" in codes_of(refused.value)


def test_person_load_counts_ongoing_projects_and_other_applications_across_units():
    call = open_call()
    first, first_user = valid_tb_demand(call=call, team_start=300)
    services.submit_demand(demand_id=first.pk, by=first_user)
    leader = Person.objects.get(name="成员300")
    # Same leader (matched by ID number) on a second unit's demand: 1 other application + this = 2 → passes.
    second, second_user = valid_tb_demand(call=call, title="第二个需求", team_start=300)
    services.submit_demand(demand_id=second.pk, by=second_user)
    # A third: 2 others + this = 3 > 2 → LIM-PERSON-LOAD names the leader.
    third, third_user = valid_tb_demand(call=call, title="第三个需求", team_start=300)
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=third.pk, by=third_user)
    details = [d for d in refused.value.details if d["code"] == "LIM-PERSON-LOAD"]
    assert details and any(leader.id_masked in d["message"] for d in details)
    # Withdrawing one of them frees the load.
    services.withdraw_demand(demand_id=second.pk, by=second_user, reason="合并申报")
    services.submit_demand(demand_id=third.pk, by=third_user)


def test_ongoing_city_project_counts_for_the_person():
    call = open_call()
    demand, user = valid_tb_demand(call=call, team_start=400)
    member = Person.objects.get(name="成员402")  # third position: still a principal
    for n in range(2):
        project = CityProject.objects.create(
            code=f"HIS-{n}",
            title="历史项目",
            organization=demand.organization,
            year=2023,
            is_rnd=True,
            status="ongoing",
            planned_end=dt.date(2030, 1, 1),
        )
        CityProjectPrincipal.objects.create(project=project, person=member, position=2)
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert {"LIM-PERSON-LOAD", "LIM-UNIT-ONGOING"} & codes_of(refused.value) == {"LIM-PERSON-LOAD"}


def test_classified_demand_is_refused_and_an_offline_entry_counts():
    call = open_call()
    demand, user = valid_tb_demand(call=call, team_start=500)
    services.update_demand(demand=demand, by=user, fields={"is_classified": True})
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    classified = [d for d in refused.value.details if d["code"] == "CLASSIFIED"]
    assert classified and "市科技局" in classified[0]["message"]
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    services.record_offline_entry(
        call=call,
        org=demand.organization,
        category="tech_breakthrough",
        reference="MJ-2024-001",
        received_on=dt.date.today(),
        principals=team(500, 1) * 1,
        note="",
        by=bureau,
    )
    services.record_offline_entry(
        call=call,
        org=demand.organization,
        category="tech_breakthrough",
        reference="MJ-2024-002",
        received_on=dt.date.today(),
        principals=team(500, 1),
        note="",
        by=bureau,
    )
    services.update_demand(demand=demand, by=user, fields={"is_classified": False})
    with pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert codes_of(refused.value) == {"LIM-PERSON-LOAD"}


def test_withdraw_needs_a_reason_and_only_before_the_district_acts():
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    with pytest.raises(DomainError):
        services.withdraw_demand(demand_id=demand.pk, by=user, reason=" ")
    services.withdraw_demand(demand_id=demand.pk, by=user, reason="需求已自行解决")
    demand.refresh_from_db()
    assert demand.state == DemandState.WITHDRAWN
    assert AuditEntry.objects.filter(action="demand.withdrawn", target_id=str(demand.pk)).exists()


def test_submitted_demand_cannot_be_edited():
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    with pytest.raises(DomainError) as refused:
        services.update_demand(demand=demand, by=user, fields={"title": "改名"})
    assert refused.value.code == "DEMAND-NOT-EDITABLE"
    assert Demand.objects.get(pk=demand.pk).title != "改名"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_submission_and_one_clean_error():
    demand, user = valid_tb_demand()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            outcomes.append(services.submit_demand(demand_id=demand.pk, by=user).receipt_number)
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == sorted(
        [f"JB-{demand.call.year}-TB-000001", "DEMAND-ALREADY-SUBMITTED"], key=str
    )
    assert DemandVersion.objects.filter(demand=demand).count() == 1
    assert ReceiptSequence.objects.get().last == 1
    assert AuditEntry.objects.filter(action="demand.submitted").count() == 1
