"""The desks' side of a demand: district recommendation (审核推荐), bureau formal review
(形式审查), the expert review conclusion (需求论证), publishing (榜单发布) and the desk lists.

Outcomes asserted: state and reason, history lines (DemandEvent), audit entries, inbox
messages, versions and receipts, and the refusal codes with nothing changed."""

import datetime as dt
import itertools
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from jiebang.calls.models import Industry
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.models import AuditEntry, Notification
from jiebang.demands import selectors, services
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand, DemandEvent, DemandVersion, PublicationBatch
from jiebang.orgs.enums import OrgKind, Role
from tests.demands.builders import (
    issuer_with_applicant,
    open_call,
    valid_at_demand,
    valid_tb_demand,
)
from tests.factories import DistrictFactory, UserFactory, beijing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

S = DemandState
BUREAU_ROLE_NAME = "市科技局"

# ---- builders --------------------------------------------------------------------------------

# Each demand gets its own team so that LIM-PERSON-LOAD never refuses a submission here
# (make_id_number keeps n % 1000, so stay clear of the builders' defaults 100-102 and 200-202).
_team_starts = itertools.count()


def _team_start() -> int:
    return 600 + (next(_team_starts) % 130) * 3


def call_2024(**overrides):
    """A call with the 2024 guide's windows (五（一）)."""
    values = {
        "year": 2024,
        "submission_opens_at": beijing(2024, 8, 1, 10, 0),
        "submission_closes_at": beijing(2024, 8, 30, 19, 30),
        "resubmission_deadline": beijing(2024, 9, 2, 19, 30),
        "recommendation_deadline": beijing(2024, 9, 3, 0, 0),  # "2024年9月2日24:00"
    }
    values.update(overrides)
    return open_call(**values)


def draft(call, *, district=None, outside_city=False, category=Category.TECH_BREAKTHROUGH):
    """A complete, eligible draft of a new unit (in `district`, a new one, or outside the city)."""
    kind = OrgKind.ENTERPRISE if category == Category.TECH_BREAKTHROUGH else OrgKind.UNIVERSITY
    org_fields = {"district": None} if outside_city else {}
    if district is not None:
        org_fields["district"] = district
    org, user = issuer_with_applicant(kind=kind, **org_fields)
    build = valid_tb_demand if category == Category.TECH_BREAKTHROUGH else valid_at_demand
    return build(call=call, org=org, user=user, team_start=_team_start())


def submitted(call, **kwargs):
    demand, user = draft(call, **kwargs)
    services.submit_demand(demand_id=demand.pk, by=user)
    return Demand.objects.get(pk=demand.pk), user


def district_officer(district):
    return UserFactory(district=district, roles=[Role.DISTRICT_OFFICER])


def bureau_officer():
    return UserFactory(roles=[Role.BUREAU_OFFICER])


def recommended(call, **kwargs):
    demand, user = submitted(call, **kwargs)
    services.recommend_demand(
        demand_id=demand.pk, by=district_officer(demand.organization.district)
    )
    return Demand.objects.get(pk=demand.pk), user


def accepted(call, bureau, **kwargs):
    """Recommended by its district (a unit outside the city has none) and accepted."""
    if kwargs.get("outside_city"):
        demand, user = submitted(call, **kwargs)
    else:
        demand, user = recommended(call, **kwargs)
    services.accept_demand(demand_id=demand.pk, by=bureau)
    return Demand.objects.get(pk=demand.pk), user


def ready_to_publish(call, bureau, **kwargs):
    demand, user = accepted(call, bureau, **kwargs)
    if call.expert_review_of_demands:
        services.record_demand_review(demand_id=demand.pk, by=bureau, approved=True, opinion="")
    return Demand.objects.get(pk=demand.pk), user


def codes_of(error: DomainError) -> set[str]:
    return {d["code"] for d in error.details}


def trail(demand) -> tuple:
    """Everything a desk action may change; equal before and after means nothing changed."""
    row = Demand.objects.get(pk=demand.pk)
    return (
        row.state,
        row.state_reason,
        row.updated_at,
        row.current_version,
        row.publication_id,
        row.published_at,
        DemandEvent.objects.filter(demand=row).count(),
        AuditEntry.objects.filter(target_type="demands.demand", target_id=str(row.pk)).count(),
        Notification.objects.count(),
        DemandVersion.objects.filter(demand=row).count(),
    )


def state_of(demand) -> str:
    return Demand.objects.get(pk=demand.pk).state


REASON = "技术指标表述不清，请补充可考核的量化指标"

DISTRICT_ACTIONS = {
    "recommend": (lambda d, by: services.recommend_demand(demand_id=d.pk, by=by), S.RECOMMENDED),
    "return": (
        lambda d, by: services.return_demand(demand_id=d.pk, by=by, reason=REASON),
        S.RETURNED,
    ),
    "decline": (
        lambda d, by: services.decline_demand(demand_id=d.pk, by=by, reason=REASON),
        S.NOT_RECOMMENDED,
    ),
}
BUREAU_ACTIONS = {
    "accept": (lambda d, by: services.accept_demand(demand_id=d.pk, by=by), S.ACCEPTED),
    "reject": (
        lambda d, by: services.reject_demand(demand_id=d.pk, by=by, reason=REASON),
        S.REJECTED,
    ),
    "return": (
        lambda d, by: services.return_demand(demand_id=d.pk, by=by, reason=REASON),
        S.RETURNED,
    ),
}


# ---- 1. district recommendation --------------------------------------------------------------


def test_district_recommends_with_history_line_audit_entry_and_inbox_message():
    call = open_call()
    demand, author = submitted(call)
    district = demand.organization.district
    officer = district_officer(district)
    admin = UserFactory(organization=demand.organization, roles=[Role.ORG_ADMIN])
    colleague = UserFactory(organization=demand.organization, roles=[Role.APPLICANT])

    services.recommend_demand(demand_id=demand.pk, by=officer, opinion=" 符合本区产业方向 ")

    demand.refresh_from_db()
    assert demand.state == S.RECOMMENDED
    assert demand.state_reason == "符合本区产业方向"
    event = DemandEvent.objects.get(demand=demand)
    assert (event.action, event.from_state, event.to_state) == (
        "recommended",
        S.SUBMITTED,
        S.RECOMMENDED,
    )
    assert event.actor == officer
    assert event.actor_role == district.office_name
    assert event.reason == "符合本区产业方向"
    entry = AuditEntry.objects.get(action="demand.recommended")
    assert entry.target_type == "demands.demand" and entry.target_id == str(demand.pk)
    assert entry.actor == officer
    assert entry.data == {"from": "submitted", "to": "recommended", "reason": "符合本区产业方向"}
    told = Notification.objects.filter(title__contains="需求已获推荐")
    assert set(told.values_list("recipient", flat=True)) == {author.pk, admin.pk}
    assert colleague.pk not in set(told.values_list("recipient", flat=True))
    assert told.get(recipient=author).link == f"/demands/{demand.pk}/"


def test_district_decline_records_the_reason_and_tells_the_unit():
    call = open_call()
    demand, author = submitted(call)
    officer = district_officer(demand.organization.district)

    services.decline_demand(demand_id=demand.pk, by=officer, reason=f"  {REASON}  ")

    demand.refresh_from_db()
    assert demand.state == S.NOT_RECOMMENDED and demand.state_reason == REASON
    event = DemandEvent.objects.get(demand=demand)
    assert event.action == "not_recommended" and event.reason == REASON
    assert event.actor_role == demand.organization.district.office_name
    assert AuditEntry.objects.filter(
        action="demand.not_recommended", target_id=str(demand.pk)
    ).exists()
    message = Notification.objects.get(recipient=author, title__contains="未获推荐")
    assert REASON in message.body


# ---- 2. the recommendation deadline (2024年9月2日24:00) -------------------------------------


@pytest.mark.parametrize("action", list(DISTRICT_ACTIONS))
@pytest.mark.parametrize(
    ("moment", "ok"),
    [
        (beijing(2024, 9, 2, 23, 59, 59), True),
        (beijing(2024, 9, 3, 0, 0, 0), True),  # "24:00" itself
        (beijing(2024, 9, 3, 0, 0, 0, 999999), True),  # truncated to the second
        (beijing(2024, 9, 3, 0, 0, 1), False),
    ],
    ids=["23:59:59", "24:00:00", "24:00:00.999999", "00:00:01"],
)
def test_district_actions_close_at_the_recommendation_deadline(action, moment, ok):
    call = call_2024()
    assert call.recommendation_deadline == beijing(2024, 9, 3, 0, 0)
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, _user = submitted(call)
    officer = district_officer(demand.organization.district)
    act, target = DISTRICT_ACTIONS[action]
    with time_machine.travel(moment, tick=False):
        if ok:
            act(demand, officer)
            assert state_of(demand) == target
            assert DemandEvent.objects.get(demand=demand).created_at == moment
        else:
            before = trail(demand)
            with pytest.raises(DomainError) as refused:
                act(demand, officer)
            assert refused.value.code == "WINDOW-RECOMMEND"
            assert "2024-09-03 00:00" in refused.value.message
            assert trail(demand) == before
            assert state_of(demand) == S.SUBMITTED


def test_bureau_return_is_not_bound_by_the_recommendation_deadline():
    call = call_2024()
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, _user = recommended(call)
    with time_machine.travel(beijing(2024, 9, 10, 9, 0), tick=False):
        services.return_demand(demand_id=demand.pk, by=bureau_officer(), reason=REASON)
    assert state_of(demand) == S.RETURNED


# ---- 3. district scope ---------------------------------------------------------------------


@pytest.mark.parametrize("action", list(DISTRICT_ACTIONS))
@pytest.mark.parametrize("who", ["other_district", "no_district"])
def test_officer_outside_the_units_district_is_forbidden_and_nothing_changes(action, who):
    call = open_call()
    demand, _user = submitted(call)
    if who == "other_district":
        stranger = district_officer(DistrictFactory())
    else:
        stranger = UserFactory(roles=[Role.DISTRICT_OFFICER])
    act, target = DISTRICT_ACTIONS[action]
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        act(demand, stranger)
    assert refused.value.code == "FORBIDDEN"
    assert trail(demand) == before
    # The unit's own district can still act on it.
    act(demand, district_officer(demand.organization.district))
    assert state_of(demand) == target


@pytest.mark.parametrize("action", ["recommend", "decline"])
def test_bureau_cannot_take_the_districts_decisions(action):
    call = open_call()
    demand, _user = submitted(call)
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        DISTRICT_ACTIONS[action][0](demand, bureau_officer())
    assert refused.value.code == "FORBIDDEN"
    assert trail(demand) == before


# ---- 4. reasons ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n\t", None])
@pytest.mark.parametrize(
    "action", ["district_return", "district_decline", "bureau_reject", "bureau_return"]
)
def test_refusals_need_a_reason_and_change_nothing(action, reason):
    call = open_call()
    if action.startswith("district"):
        demand, _user = submitted(call)
        by = district_officer(demand.organization.district)
    else:
        demand, _user = recommended(call)
        by = bureau_officer()
    service = {
        "district_return": services.return_demand,
        "district_decline": services.decline_demand,
        "bureau_reject": services.reject_demand,
        "bureau_return": services.return_demand,
    }[action]
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        service(demand_id=demand.pk, by=by, reason=reason)
    assert refused.value.code == "REASON-REQUIRED"
    assert trail(demand) == before


# ---- 5. return, edit, resubmit ----------------------------------------------------------------


def test_returned_demand_is_edited_and_resubmitted_as_version_2_with_a_readable_diff():
    call = call_2024()
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, user = submitted(call)
    number = demand.number
    old_summary = demand.summary
    officer = district_officer(demand.organization.district)

    with time_machine.travel(beijing(2024, 8, 31, 10, 0), tick=False):
        services.return_demand(demand_id=demand.pk, by=officer, reason=REASON)
    demand.refresh_from_db()
    assert demand.state == S.RETURNED and demand.state_reason == REASON
    event = DemandEvent.objects.get(demand=demand, action="returned")
    assert event.reason == REASON and event.actor_role == demand.organization.district.office_name
    assert AuditEntry.objects.filter(action="demand.returned", target_id=str(demand.pk)).exists()
    message = Notification.objects.get(recipient=user, title__contains="退回修改")
    assert REASON in message.body and "2024-09-02 19:30" in message.body

    with time_machine.travel(beijing(2024, 9, 1, 9, 0), tick=False):
        services.update_demand(
            demand=demand,
            by=user,
            fields={
                "summary": "补充了量化指标的需求概述。",
                "total_investment": Decimal("6000000"),
            },
        )
    # After the submission window (8-30 19:30) but on the last second of the resubmission one.
    with time_machine.travel(beijing(2024, 9, 2, 19, 30, 0), tick=False):
        version = services.submit_demand(demand_id=demand.pk, by=user)

    demand.refresh_from_db()
    assert demand.state == S.SUBMITTED and demand.state_reason == ""
    assert demand.number == number and demand.current_version == 2
    assert version.version == 2 and version.receipt_number == f"{number}-V2"
    versions = list(DemandVersion.objects.filter(demand=demand).order_by("version"))
    assert [(v.version, v.receipt_number) for v in versions] == [(1, number), (2, f"{number}-V2")]
    assert versions[0].content["summary"] == old_summary
    assert versions[0].content["total_investment"] == "5000000.00"
    assert versions[0].digest != versions[1].digest
    assert selectors.version_diff(demand) == [
        {
            "field": "summary",
            "label": "需求概述",
            "old": old_summary,
            "new": "补充了量化指标的需求概述。",
        },
        {
            "field": "total_investment",
            "label": "项目投入总额（元）",
            "old": "5000000.00",
            "new": "6000000.00",
        },
    ]
    # The resubmitted demand is back on the district's desk, before the deadline.
    assert list(selectors.district_queue(officer)) == [demand]
    with time_machine.travel(beijing(2024, 9, 2, 23, 0), tick=False):
        services.recommend_demand(demand_id=demand.pk, by=officer)
    assert state_of(demand) == S.RECOMMENDED


def test_resubmission_after_the_resubmission_deadline_is_refused():
    call = call_2024()
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        demand, user = submitted(call)
    with time_machine.travel(beijing(2024, 8, 31, 10, 0), tick=False):
        services.return_demand(
            demand_id=demand.pk, by=district_officer(demand.organization.district), reason=REASON
        )
        services.update_demand(demand=demand, by=user, fields={"summary": "修改后的概述"})
    before = trail(demand)
    late = beijing(2024, 9, 2, 19, 30, 1)
    with time_machine.travel(late, tick=False), pytest.raises(DomainError) as refused:
        services.submit_demand(demand_id=demand.pk, by=user)
    assert codes_of(refused.value) == {"WINDOW-SUBMIT"}
    assert trail(demand) == before
    assert state_of(demand) == S.RETURNED
    assert list(DemandVersion.objects.filter(demand=demand).values_list("version", flat=True)) == [
        1
    ]


def test_version_diff_of_a_single_version_is_empty():
    demand, _user = submitted(open_call())
    assert selectors.version_diff(demand) == []


# ---- 6. bureau formal review ---------------------------------------------------------------


def test_bureau_accepts_a_recommended_demand():
    call = open_call()
    demand, author = recommended(call)
    bureau = bureau_officer()

    services.accept_demand(demand_id=demand.pk, by=bureau, opinion="材料齐全")

    demand.refresh_from_db()
    assert demand.state == S.ACCEPTED and demand.state_reason == "材料齐全"
    event = DemandEvent.objects.get(demand=demand, action="accepted")
    assert (event.from_state, event.to_state) == (S.RECOMMENDED, S.ACCEPTED)
    assert event.actor == bureau and event.actor_role == BUREAU_ROLE_NAME
    assert AuditEntry.objects.filter(action="demand.accepted", target_id=str(demand.pk)).exists()
    assert Notification.objects.filter(recipient=author, title__contains="通过形式审查").exists()
    assert list(selectors.bureau_queue(S.ACCEPTED)) == [demand]
    assert list(selectors.bureau_queue()) == []


def test_bureau_rejects_a_recommended_demand_with_a_reason():
    call = open_call()
    demand, author = recommended(call)
    bureau = bureau_officer()

    services.reject_demand(demand_id=demand.pk, by=bureau, reason=f" {REASON} ")

    demand.refresh_from_db()
    assert demand.state == S.REJECTED and demand.state_reason == REASON
    event = DemandEvent.objects.get(demand=demand, action="rejected")
    assert event.reason == REASON and event.actor_role == BUREAU_ROLE_NAME
    assert AuditEntry.objects.get(action="demand.rejected").data["reason"] == REASON
    assert REASON in Notification.objects.get(recipient=author, title__contains="不予受理").body


def test_bureau_returns_a_recommended_demand_and_the_resubmission_goes_back_to_the_district():
    call = open_call()
    demand, author = recommended(call)
    bureau = bureau_officer()

    services.return_demand(demand_id=demand.pk, by=bureau, reason=REASON)

    demand.refresh_from_db()
    assert demand.state == S.RETURNED and demand.state_reason == REASON
    event = DemandEvent.objects.get(demand=demand, action="returned")
    assert (event.from_state, event.actor_role) == (S.RECOMMENDED, BUREAU_ROLE_NAME)
    assert REASON in Notification.objects.get(recipient=author, title__contains="退回修改").body

    services.submit_demand(demand_id=demand.pk, by=author)
    assert state_of(demand) == S.SUBMITTED
    with pytest.raises(DomainError) as refused:
        services.accept_demand(demand_id=demand.pk, by=bureau)
    assert refused.value.code == "DEMAND-STATE"


@pytest.mark.parametrize("action", list(BUREAU_ACTIONS))
def test_bureau_cannot_act_on_a_submitted_demand_of_an_in_city_unit(action):
    call = open_call()
    demand, _user = submitted(call)
    act, _target = BUREAU_ACTIONS[action]
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        act(demand, bureau_officer())
    assert refused.value.code == "DEMAND-STATE"
    assert trail(demand) == before


@pytest.mark.parametrize("action", list(BUREAU_ACTIONS))
def test_demand_of_a_unit_outside_the_city_goes_straight_to_the_bureau(action):
    call = open_call()
    demand, author = submitted(call, outside_city=True, category=Category.ACHIEVEMENT_TRANSFER)
    assert demand.organization.district_id is None and demand.state == S.SUBMITTED
    assert demand.organization.kind == OrgKind.UNIVERSITY
    assert list(selectors.bureau_queue(S.RECOMMENDED)) == [demand]
    # No district may recommend it.
    with pytest.raises(DomainError) as refused:
        services.recommend_demand(demand_id=demand.pk, by=district_officer(DistrictFactory()))
    assert refused.value.code == "FORBIDDEN"

    act, target = BUREAU_ACTIONS[action]
    bureau = bureau_officer()
    act(demand, bureau)

    assert state_of(demand) == target
    event = DemandEvent.objects.get(demand=demand)
    assert (event.from_state, event.to_state) == (S.SUBMITTED, target)
    assert event.actor_role == BUREAU_ROLE_NAME
    assert Notification.objects.filter(recipient=author).count() == 2  # receipt + decision
    assert list(selectors.bureau_queue(S.RECOMMENDED)) == []


# ---- 7. the expert review of demands (configurable) ------------------------------------------


def test_with_expert_review_an_accepted_demand_is_published_only_after_approval():
    call = open_call(expert_review_of_demands=True)
    bureau = bureau_officer()
    demand, author = accepted(call, bureau)
    deadline = clock.now() + dt.timedelta(days=30)
    assert list(selectors.publishable_demands(call)) == []

    with pytest.raises(DomainError) as refused:
        services.publish_demands(
            call=call,
            demand_ids=[demand.pk],
            title="第一批榜单",
            solicitation_deadline=deadline,
            by=bureau,
        )
    assert refused.value.code == "NOT-PUBLISHABLE"
    assert [d["id"] for d in refused.value.details] == [demand.pk]
    assert not PublicationBatch.objects.exists()
    assert state_of(demand) == S.ACCEPTED

    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        services.record_demand_review(demand_id=demand.pk, by=bureau, approved=False, opinion=" ")
    assert refused.value.code == "REASON-REQUIRED"
    assert trail(demand) == before

    services.record_demand_review(
        demand_id=demand.pk, by=bureau, approved=True, opinion="论证专家组一致同意"
    )
    demand.refresh_from_db()
    assert demand.state == S.APPROVED and demand.state_reason == "论证专家组一致同意"
    event = DemandEvent.objects.get(demand=demand, action="approved")
    assert (event.from_state, event.actor_role) == (S.ACCEPTED, BUREAU_ROLE_NAME)
    assert AuditEntry.objects.filter(action="demand.approved", target_id=str(demand.pk)).exists()
    assert Notification.objects.filter(recipient=author, title__contains="论证通过").exists()
    assert list(selectors.publishable_demands(call)) == [demand]

    batch = services.publish_demands(
        call=call,
        demand_ids=[demand.pk],
        title="第一批榜单",
        solicitation_deadline=deadline,
        by=bureau,
    )
    assert state_of(demand) == S.PUBLISHED
    assert list(batch.demands.all()) == [demand]


def test_declined_demand_cannot_be_published():
    call = open_call(expert_review_of_demands=True)
    bureau = bureau_officer()
    demand, author = accepted(call, bureau)

    services.record_demand_review(
        demand_id=demand.pk, by=bureau, approved=False, opinion="技术指标不具备先进性"
    )
    demand.refresh_from_db()
    assert demand.state == S.DECLINED and demand.state_reason == "技术指标不具备先进性"
    assert (
        DemandEvent.objects.get(demand=demand, action="declined").reason == "技术指标不具备先进性"
    )
    message = Notification.objects.get(recipient=author, title__contains="论证未通过")
    assert message.body == "技术指标不具备先进性"

    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        services.publish_demands(
            call=call,
            demand_ids=[demand.pk],
            title="第一批榜单",
            solicitation_deadline=clock.now() + dt.timedelta(days=30),
            by=bureau,
        )
    assert refused.value.code == "NOT-PUBLISHABLE"
    assert trail(demand) == before
    assert not PublicationBatch.objects.exists()
    # A second conclusion is refused too.
    with pytest.raises(DomainError) as refused:
        services.record_demand_review(demand_id=demand.pk, by=bureau, approved=True, opinion="")
    assert refused.value.code == "DEMAND-STATE"


def test_without_expert_review_accepted_demands_publish_directly():
    call = open_call(expert_review_of_demands=False)
    bureau = bureau_officer()
    demand, _author = accepted(call, bureau)

    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        services.record_demand_review(demand_id=demand.pk, by=bureau, approved=True, opinion="")
    assert refused.value.code == "REVIEW-NOT-REQUIRED"
    assert trail(demand) == before

    assert list(selectors.publishable_demands(call)) == [demand]
    services.publish_demands(
        call=call,
        demand_ids=[demand.pk],
        title="第一批榜单",
        solicitation_deadline=clock.now() + dt.timedelta(days=30),
        by=bureau,
    )
    assert state_of(demand) == S.PUBLISHED
    event = DemandEvent.objects.get(demand=demand, action="published")
    assert event.from_state == S.ACCEPTED


def test_review_conclusion_needs_an_accepted_demand():
    call = open_call(expert_review_of_demands=True)
    demand, _user = recommended(call)
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        services.record_demand_review(
            demand_id=demand.pk, by=bureau_officer(), approved=True, opinion=""
        )
    assert refused.value.code == "DEMAND-STATE"
    assert trail(demand) == before


# ---- 8. publishing ---------------------------------------------------------------------------


def test_publish_is_all_or_nothing():
    call = open_call()
    other_call = open_call(name="另一批次")
    bureau = bureau_officer()
    first, _ = ready_to_publish(call, bureau)
    second, _ = ready_to_publish(call, bureau)
    not_ready, _ = accepted(call, bureau)  # the call has the expert review: not approved yet
    foreign, _ = ready_to_publish(other_call, bureau)
    deadline = clock.now() + dt.timedelta(days=30)
    demands = [first, second, not_ready, foreign]
    before = [trail(d) for d in demands]

    for ids, culprits in [
        ([first.pk, second.pk, not_ready.pk], [not_ready.pk]),
        ([first.pk, foreign.pk], [foreign.pk]),
        ([first.pk, second.pk, 999_999], []),  # an unknown id
    ]:
        with pytest.raises(DomainError) as refused:
            services.publish_demands(
                call=call, demand_ids=ids, title="第一批", solicitation_deadline=deadline, by=bureau
            )
        assert refused.value.code == "NOT-PUBLISHABLE"
        assert [d["id"] for d in refused.value.details] == culprits

    assert [trail(d) for d in demands] == before
    assert not PublicationBatch.objects.exists()
    assert not AuditEntry.objects.filter(action="demand.published").exists()
    assert not DemandEvent.objects.filter(action="published").exists()


@pytest.mark.parametrize("offset", [dt.timedelta(0), dt.timedelta(seconds=-1)])
def test_publish_with_a_solicitation_deadline_not_in_the_future_is_refused(offset):
    call = open_call()
    bureau = bureau_officer()
    demand, _ = ready_to_publish(call, bureau)
    now = clock.now()
    before = trail(demand)
    with time_machine.travel(now, tick=False), pytest.raises(DomainError) as refused:
        services.publish_demands(
            call=call,
            demand_ids=[demand.pk],
            title="第一批",
            solicitation_deadline=now + offset,
            by=bureau,
        )
    assert refused.value.code == "DEADLINE-PAST"
    assert trail(demand) == before
    assert not PublicationBatch.objects.exists()


@pytest.mark.parametrize(
    ("title", "ids", "code"),
    [("  ", "one", "TITLE-REQUIRED"), ("第一批", "none", "NOTHING-SELECTED")],
)
def test_publish_needs_a_title_and_a_selection(title, ids, code):
    call = open_call()
    bureau = bureau_officer()
    demand, _ = ready_to_publish(call, bureau)
    with pytest.raises(DomainError) as refused:
        services.publish_demands(
            call=call,
            demand_ids=[demand.pk] if ids == "one" else [],
            title=title,
            solicitation_deadline=clock.now() + dt.timedelta(days=30),
            by=bureau,
        )
    assert refused.value.code == code
    assert state_of(demand) == S.APPROVED and not PublicationBatch.objects.exists()


def test_publish_creates_the_batch_publishes_indexes_and_tells_each_unit():
    call = open_call()
    bureau = bureau_officer()
    first, first_author = ready_to_publish(call, bureau)
    second, second_author = ready_to_publish(
        call, bureau, outside_city=True, category=Category.ACHIEVEMENT_TRANSFER
    )
    left_out, _ = ready_to_publish(call, bureau)
    now = clock.now().replace(microsecond=0)
    deadline = beijing(now.year + 1, 3, 31, 18, 0)

    with time_machine.travel(now, tick=False):
        batch = services.publish_demands(
            call=call,
            demand_ids=[second.pk, first.pk],
            title=" 2024年第一批揭榜挂帅榜单 ",
            solicitation_deadline=deadline,
            by=bureau,
        )

    row = PublicationBatch.objects.get()
    assert row == batch
    assert (row.call, row.title, row.published_at, row.solicitation_deadline, row.created_by) == (
        call,
        "2024年第一批揭榜挂帅榜单",
        now,
        deadline,
        bureau,
    )
    for demand, author in [(first, first_author), (second, second_author)]:
        demand = Demand.objects.get(pk=demand.pk)
        assert demand.state == S.PUBLISHED
        assert demand.publication == batch
        assert demand.published_at == now
        assert demand.solicitation_deadline == deadline
        assert demand.search_document is not None
        assert demand.search_document.pk is not None
        event = DemandEvent.objects.get(demand=demand, action="published")
        assert (event.from_state, event.actor_role) == (S.APPROVED, BUREAU_ROLE_NAME)
        assert AuditEntry.objects.filter(
            action="demand.published", target_id=str(demand.pk)
        ).exists()
        message = Notification.objects.get(recipient=author, title__contains="已发榜")
        assert message.link == f"/hall/{demand.pk}/"
        assert clock.format_beijing(deadline) in message.body
    assert state_of(left_out) == S.APPROVED
    assert Demand.objects.get(pk=left_out.pk).publication_id is None
    assert list(selectors.publishable_demands(call)) == [Demand.objects.get(pk=left_out.pk)]


# ---- 9. idempotence --------------------------------------------------------------------------


def test_accepting_twice_is_refused_the_second_time():
    call = open_call()
    demand, _ = recommended(call)
    bureau = bureau_officer()
    services.accept_demand(demand_id=demand.pk, by=bureau)
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        services.accept_demand(demand_id=demand.pk, by=bureau)
    assert refused.value.code == "DEMAND-STATE"
    assert trail(demand) == before
    assert DemandEvent.objects.filter(demand=demand, action="accepted").count() == 1
    assert AuditEntry.objects.filter(action="demand.accepted").count() == 1


@pytest.mark.parametrize("second", list(DISTRICT_ACTIONS))
def test_after_a_district_decision_no_other_district_action_applies(second):
    call = open_call()
    demand, _ = submitted(call)
    officer = district_officer(demand.organization.district)
    services.recommend_demand(demand_id=demand.pk, by=officer)
    before = trail(demand)
    with pytest.raises(DomainError) as refused:
        DISTRICT_ACTIONS[second][0](demand, officer)
    assert refused.value.code == "DEMAND-STATE"
    assert trail(demand) == before


def test_publishing_twice_is_refused_the_second_time():
    call = open_call()
    bureau = bureau_officer()
    demand, _ = ready_to_publish(call, bureau)
    deadline = clock.now() + dt.timedelta(days=30)
    services.publish_demands(
        call=call, demand_ids=[demand.pk], title="第一批", solicitation_deadline=deadline, by=bureau
    )
    with pytest.raises(DomainError) as refused:
        services.publish_demands(
            call=call,
            demand_ids=[demand.pk],
            title="第二批",
            solicitation_deadline=deadline,
            by=bureau,
        )
    assert refused.value.code == "NOT-PUBLISHABLE"
    assert PublicationBatch.objects.count() == 1


# ---- 10. desk lists and figures --------------------------------------------------------------


@pytest.fixture
def desk_world():
    """One call with demands in every desk state, in two districts and outside the city.

    district A: a1 submitted, a2 recommended, a3 (AT) accepted, a4 draft
    district B: b1 not_recommended, b2 returned
    outside:    o1 (AT) submitted
    another call, district B: x1 submitted
    """
    call = open_call()
    other_call = open_call(name="另一批次")
    district_a = DistrictFactory(code="TS", name="天山区", office_name="天山区科学技术局")
    district_b = DistrictFactory(code="SY", name="沙依巴克区", office_name="沙依巴克区科技局")
    officer_a, officer_b = district_officer(district_a), district_officer(district_b)
    bureau = bureau_officer()

    a1, _ = submitted(call, district=district_a)
    a2, _ = recommended(call, district=district_a)
    a3, _ = accepted(call, bureau, district=district_a, category=Category.ACHIEVEMENT_TRANSFER)
    a4, _ = draft(call, district=district_a)
    b1, _ = submitted(call, district=district_b)
    services.decline_demand(demand_id=b1.pk, by=officer_b, reason=REASON)
    b2, _ = submitted(call, district=district_b)
    services.return_demand(demand_id=b2.pk, by=officer_b, reason=REASON)
    o1, _ = submitted(call, outside_city=True, category=Category.ACHIEVEMENT_TRANSFER)
    x1, _ = submitted(other_call, district=district_b)

    # The builders file every demand under 新能源; move two to another industry and leave
    # one without (the selector counts what is stored).
    manufacturing = Industry.objects.create(code="manufacturing", name="先进制造")
    Demand.objects.filter(pk__in=[a3.pk, b2.pk]).update(industry=manufacturing)
    Demand.objects.filter(pk=o1.pk).update(industry=None)

    demands = {
        name: Demand.objects.get(pk=d.pk)
        for name, d in {
            "a1": a1,
            "a2": a2,
            "a3": a3,
            "a4": a4,
            "b1": b1,
            "b2": b2,
            "o1": o1,
            "x1": x1,
        }.items()
    }
    return {
        "call": call,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "district_a": district_a,
        "district_b": district_b,
        **demands,
    }


def names(world, qs) -> set[str]:
    by_pk = {d.pk: name for name, d in world.items() if isinstance(d, Demand)}
    return {by_pk[d.pk] for d in qs}


def test_district_queue_shows_only_its_district_and_never_drafts(desk_world):
    w = desk_world
    assert w["a4"].state == S.DRAFT
    assert names(w, selectors.district_queue(w["officer_a"])) == {"a1"}
    assert names(w, selectors.district_queue(w["officer_a"], None)) == {"a1", "a2", "a3"}
    assert names(w, selectors.district_queue(w["officer_a"], S.RECOMMENDED)) == {"a2"}
    assert names(w, selectors.district_queue(w["officer_a"], S.DRAFT)) == set()
    assert names(w, selectors.district_queue(w["officer_b"], None)) == {"b1", "b2", "x1"}
    assert names(w, selectors.district_queue(w["officer_b"], S.RETURNED)) == {"b2"}
    assert names(w, selectors.district_queue(w["officer_b"], S.NOT_RECOMMENDED)) == {"b1"}


def test_district_officer_without_a_district_sees_an_empty_queue(desk_world):
    lost = UserFactory(roles=[Role.DISTRICT_OFFICER])
    assert names(desk_world, selectors.district_queue(lost, None)) == set()


def test_bureau_queue_filters_by_state(desk_world):
    w = desk_world
    assert names(w, selectors.bureau_queue()) == {"a2", "o1"}
    assert names(w, selectors.bureau_queue(S.RECOMMENDED)) == {"a2", "o1"}
    assert names(w, selectors.bureau_queue(S.SUBMITTED)) == {"a1", "o1", "x1"}
    assert names(w, selectors.bureau_queue(S.ACCEPTED)) == {"a3"}
    assert names(w, selectors.bureau_queue(S.RETURNED)) == {"b2"}
    assert names(w, selectors.bureau_queue(S.DRAFT)) == set()
    assert names(w, selectors.bureau_queue(None)) == {"a1", "a2", "a3", "b1", "b2", "o1", "x1"}
    ordered = list(selectors.bureau_queue(None))
    assert [d.submitted_at for d in ordered] == sorted(d.submitted_at for d in ordered)


def test_desk_figures_count_by_state_district_category_and_industry(desk_world):
    figures = selectors.desk_figures(desk_world["call"])
    assert figures["total"] == 6  # a1 a2 a3 b1 b2 o1: no draft, not the other call's x1
    by_state = {str(label): n for label, n in figures["by_state"]}
    assert by_state == {
        "已提交": 2,
        "已推荐": 1,
        "不予推荐": 1,
        "退回修改": 1,
        "形式审查通过": 1,
        "不予受理": 0,
        "论证通过": 0,
        "论证未通过": 0,
        "已发榜": 0,
        "已揭榜": 0,
        "流榜": 0,
        "已撤回": 0,
    }
    assert [(row["organization__district__name"], row["n"]) for row in figures["by_district"]] == [
        ("天山区", 3),
        ("沙依巴克区", 2),
        (None, 1),
    ]
    assert figures["by_category"] == [
        {"category": Category.ACHIEVEMENT_TRANSFER, "n": 2},
        {"category": Category.TECH_BREAKTHROUGH, "n": 4},
    ]
    assert [(row["industry__name"], row["n"]) for row in figures["by_industry"]] == [
        ("新能源", 3),
        ("先进制造", 2),
        (None, 1),
    ]


def test_recommended_by_district_lists_what_that_district_recommended(desk_world):
    w = desk_world
    assert [d.pk for d in selectors.recommended_by_district(w["officer_a"], w["call"])] == sorted(
        [w["a2"].pk, w["a3"].pk], key=lambda pk: Demand.objects.get(pk=pk).number
    )
    assert list(selectors.recommended_by_district(w["officer_b"], w["call"])) == []
    # A second officer of district A sees the same letter.
    colleague = district_officer(w["district_a"])
    assert names(w, selectors.recommended_by_district(colleague, w["call"])) == {"a2", "a3"}


def test_recommendation_letter_leaves_out_a_demand_the_district_later_declined():
    call = open_call()
    demand, author = submitted(call)
    officer = district_officer(demand.organization.district)
    services.recommend_demand(demand_id=demand.pk, by=officer)
    services.return_demand(demand_id=demand.pk, by=bureau_officer(), reason=REASON)
    services.submit_demand(demand_id=demand.pk, by=author)
    services.decline_demand(demand_id=demand.pk, by=officer, reason="复核后不予推荐")
    assert state_of(demand) == S.NOT_RECOMMENDED
    assert list(selectors.recommended_by_district(officer, call)) == []


def test_update_demand_saves_the_industry():
    call = open_call()
    demand, user = draft(call)
    industry = call.industries.get()
    services.update_demand(demand=demand, by=user, fields={"industry": industry})
    assert Demand.objects.get(pk=demand.pk).industry == industry


# ---- 11. two officers at the same moment (PostgreSQL) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_acting_at_once_make_one_decision_and_one_clean_error():
    call = open_call()
    demand, _ = submitted(call)
    district = demand.organization.district
    first, second = district_officer(district), district_officer(district)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, action):
        try:
            barrier.wait()
            action()
            outcomes[name] = "ok"
        except DomainError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=("recommend", lambda: services.recommend_demand(demand_id=demand.pk, by=first)),
        ),
        threading.Thread(
            target=run,
            args=(
                "return",
                lambda: services.return_demand(demand_id=demand.pk, by=second, reason=REASON),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes.values()) == ["DEMAND-STATE", "ok"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "ok")
    expected = {"recommend": S.RECOMMENDED, "return": S.RETURNED}[winner]
    assert state_of(demand) == expected
    event = DemandEvent.objects.get(demand=demand)
    assert event.to_state == expected
    assert event.actor == (first if winner == "recommend" else second)
    assert (
        AuditEntry.objects.filter(
            action__in=["demand.recommended", "demand.returned"], target_id=str(demand.pk)
        ).count()
        == 1
    )
