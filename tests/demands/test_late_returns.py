"""Returns near and after the deadlines: each return carries its resubmission deadline, and a
resubmission the district already recommended reaches the bureau after the district's deadline."""

import pytest
import time_machine

from jiebang.core.errors import DomainError
from jiebang.demands import selectors, services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import Role
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import UserFactory, beijing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def recommended_2024():
    call = open_call(
        year=2024,
        submission_opens_at=beijing(2024, 8, 1, 10, 0),
        submission_closes_at=beijing(2024, 8, 30, 19, 30),
        resubmission_deadline=beijing(2024, 9, 2, 19, 30),
        recommendation_deadline=beijing(2024, 9, 3, 0, 0),
    )
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, user = valid_tb_demand(call=call)
        services.submit_demand(demand_id=demand.pk, by=user)
        officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
        services.recommend_demand(demand_id=demand.pk, by=officer)
    return call, demand, user, officer


def test_bureau_return_after_the_call_deadlines_gives_a_week_and_comes_back_to_the_bureau(
    recommended_2024,
):
    call, demand, user, _officer = recommended_2024
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    with time_machine.travel(beijing(2024, 9, 10, 9, 0), tick=False):
        services.return_demand(demand_id=demand.pk, by=bureau, reason="请补充审计报告说明")
        demand.refresh_from_db()
        assert demand.resubmit_by == beijing(2024, 9, 17, 9, 0)
    with time_machine.travel(beijing(2024, 9, 17, 9, 0, 0), tick=False):
        services.update_demand(
            demand=demand, by=user, fields={"support_conditions": "补充后的配套条件"}
        )
        version = services.submit_demand(demand_id=demand.pk, by=user)
        assert version.receipt_number.endswith("-V2")
        assert demand.pk in {d.pk for d in selectors.bureau_queue()}
        services.accept_demand(demand_id=demand.pk, by=bureau)
    assert Demand.objects.get(pk=demand.pk).state == DemandState.ACCEPTED


def test_resubmission_after_the_returns_own_deadline_is_refused(recommended_2024):
    call, demand, user, _officer = recommended_2024
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    with time_machine.travel(beijing(2024, 9, 10, 9, 0), tick=False):
        services.return_demand(demand_id=demand.pk, by=bureau, reason="补充材料")
    with (
        time_machine.travel(beijing(2024, 9, 17, 9, 0, 1), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        services.submit_demand(demand_id=demand.pk, by=user)
    assert {d["code"] for d in refused.value.details} == {"WINDOW-SUBMIT"}


def test_district_return_uses_the_calls_resubmission_deadline():
    call = open_call()
    demand, user = valid_tb_demand(call=call)
    services.submit_demand(demand_id=demand.pk, by=user)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    services.return_demand(demand_id=demand.pk, by=officer, reason="补充指标")
    demand.refresh_from_db()
    assert demand.resubmit_by == call.resubmission_deadline


def test_bureau_cannot_set_a_resubmission_deadline_in_the_past(recommended_2024):
    call, demand, user, _officer = recommended_2024
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    with (
        time_machine.travel(beijing(2024, 9, 10, 9, 0), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        services.return_demand(
            demand_id=demand.pk, by=bureau, reason="x", resubmit_by=beijing(2024, 9, 9)
        )
    assert refused.value.code == "DEADLINE-PAST"
    assert Demand.objects.get(pk=demand.pk).state == DemandState.RECOMMENDED


def test_before_the_district_deadline_a_resubmission_goes_back_to_the_district(recommended_2024):
    call, demand, user, officer = recommended_2024
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    with time_machine.travel(beijing(2024, 9, 1, 9, 0), tick=False):
        services.return_demand(demand_id=demand.pk, by=bureau, reason="补充")
        services.submit_demand(demand_id=demand.pk, by=user)
        assert demand.pk not in {d.pk for d in selectors.bureau_queue()}
        with pytest.raises(DomainError):
            services.accept_demand(demand_id=demand.pk, by=bureau)
        services.recommend_demand(demand_id=demand.pk, by=officer)
    assert Demand.objects.get(pk=demand.pk).state == DemandState.RECOMMENDED
