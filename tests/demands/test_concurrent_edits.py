"""Concurrent writes on demands: the last-second rush before the deadline (PostgreSQL, threads
with their own connections) and the editor's optimistic version, so that two tabs or two
colleagues cannot silently overwrite each other's draft (SQLite and PostgreSQL)."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from jiebang.core.errors import DomainError
from jiebang.core.models import AuditEntry
from jiebang.demands import services
from jiebang.demands.editor import StepEditor
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, DemandVersion, ReceiptSequence
from tests.demands.builders import issuer_with_applicant, open_call, valid_tb_demand
from tests.factories import beijing

pytestmark = [pytest.mark.integration]

CONFLICT = "该内容已在其他窗口或由他人修改，请刷新后再编辑。"
DEADLINE = beijing(2024, 8, 30, 19, 30)


def race(actions) -> list:
    """Run the callables at once, each in its own thread with its own database connection;
    their results, or the DomainError codes they raised, in the order given."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except DomainError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# ---- (a) the last second before the deadline ---------------------------------------------


def deadline_call():
    return open_call(
        year=2024,
        submission_opens_at=beijing(2024, 8, 1, 10, 0),
        submission_closes_at=DEADLINE,
        resubmission_deadline=beijing(2024, 9, 2, 19, 30),
        recommendation_deadline=beijing(2024, 9, 3, 0, 0),
    )


def submitter(demand, user):
    return lambda: services.submit_demand(demand_id=demand.pk, by=user)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_applicants_submitting_in_the_last_tenth_of_a_second_are_all_received_once():
    call = deadline_call()
    with time_machine.travel(beijing(2024, 8, 20, 12, 0), tick=False):
        before = [valid_tb_demand(call=call, team_start=100 + 10 * i) for i in range(5)]
        after = [valid_tb_demand(call=call, team_start=300 + 10 * i) for i in range(3)]

    with time_machine.travel(DEADLINE - dt.timedelta(milliseconds=100), tick=False):
        outcomes = race([submitter(d, u) for d, u in before])
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert refusals == []
    receipts = [version.receipt_number for version in outcomes]
    assert len(set(receipts)) == len(before)
    assert sorted(receipts) == [f"JB-2024-TB-{n:06d}" for n in range(1, len(before) + 1)]
    for (demand, _user), version in zip(before, outcomes, strict=True):
        stored = DemandVersion.objects.get(demand=demand)
        assert stored.receipt_number == version.receipt_number
        assert stored.submitted_at == DEADLINE - dt.timedelta(milliseconds=100)
        assert Demand.objects.get(pk=demand.pk).state == DemandState.SUBMITTED
    assert ReceiptSequence.objects.get(year=2024, category_code="TB").last == len(before)

    with time_machine.travel(DEADLINE + dt.timedelta(seconds=1), tick=False):
        late = race([submitter(d, u) for d, u in after])
    assert all(isinstance(o, DomainError) for o in late)
    for refused in late:
        assert refused.code == "DEMAND-INELIGIBLE"
        assert {d["code"] for d in refused.details} == {"WINDOW-SUBMIT"}
    assert DemandVersion.objects.count() == len(before)
    assert set(
        Demand.objects.filter(pk__in=[d.pk for d, _ in after]).values_list("state", flat=True)
    ) == {DemandState.DRAFT}
    assert AuditEntry.objects.filter(action="demand.submitted").count() == len(before)
    call_command("verify_audit", verbosity=0)  # concurrent appends kept the chain whole


# ---- (c) two tabs on one draft --------------------------------------------------------------


def funding_post(version, justification: str, months: int = 40) -> dict:
    data = {
        "total_investment": "5000000.00",
        "period_months": str(months),
        "period_justification": justification,
        "investment_breakdown": "",
    }
    if version is not None:
        data["edit_version"] = str(version)
    return data


def draft():
    org, user = issuer_with_applicant()
    demand = services.create_demand(
        call=open_call(), org=org, by=user, category="tech_breakthrough", title="两个窗口的草稿"
    )
    return demand, user


def editor_for(demand_id, data):
    return StepEditor(Demand.objects.get(pk=demand_id), "funding", data=data)


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_overwrites_nothing():
    demand, user = draft()
    loaded = Demand.objects.get(pk=demand.pk).edit_version

    first = editor_for(demand.pk, funding_post(loaded, "窗口一：需要两个供暖季验证"))
    assert first.save(by=user, partial=True)
    assert first.version > loaded

    second = editor_for(demand.pk, funding_post(loaded, "窗口二：旧内容"))
    with pytest.raises(DomainError) as refused:
        second.save(by=user, partial=True)
    assert refused.value.code == "DEMAND-EDIT-CONFLICT"
    assert refused.value.message == CONFLICT
    stored = Demand.objects.get(pk=demand.pk)
    assert stored.period_justification == "窗口一：需要两个供暖季验证"
    assert stored.edit_version == first.version

    # The first tab keeps saving with the version its last save returned.
    again = editor_for(demand.pk, funding_post(first.version, "窗口一：再改一次", months=36))
    assert again.save(by=user)
    assert Demand.objects.get(pk=demand.pk).period_months == 36
    # A client that sends no version (the API) is not checked, but still moves the version on,
    # so an editor that loaded the draft earlier is refused afterwards.
    services.update_demand(demand=stored, by=user, fields={"period_months": 30})
    with pytest.raises(DomainError):
        editor_for(demand.pk, funding_post(again.version, "过期的窗口")).save(by=user)
    assert Demand.objects.get(pk=demand.pk).period_months == 30


def version_on_page(html: str) -> int:
    return int(re.search(r'name="edit_version" id="edit-version" value="(\d+)"', html).group(1))


@pytest.mark.django_db
def test_two_tabs_autosaving_the_same_step(client):
    demand, user = draft()
    client.force_login(user)
    url = f"/demands/{demand.pk}/edit/funding/"
    tab_one = version_on_page(client.get(url).content.decode())
    tab_two = version_on_page(client.get(url).content.decode())
    autosave = {"X-Autosave": "1"}

    saved = client.post(url, funding_post(tab_one, "窗口一的理由"), headers=autosave)
    assert "已自动保存" in saved.content.decode()
    new_version = int(saved["X-Edit-Version"])
    assert new_version > tab_one
    assert f'id="edit-version" value="{new_version}" hx-swap-oob="true"' in saved.content.decode()

    stale = client.post(url, funding_post(tab_two, "窗口二的理由"), headers=autosave)
    assert CONFLICT in stale.content.decode()
    assert "HX-Trigger" not in stale
    assert int(stale["X-Edit-Version"]) == tab_two  # the stale tab stays stale until reloaded
    assert Demand.objects.get(pk=demand.pk).period_justification == "窗口一的理由"

    # "保存并继续" from the stale tab: the page says why and keeps what was typed.
    page = client.post(url, funding_post(tab_two, "窗口二的理由"))
    assert page.status_code == 200
    assert CONFLICT in page.content.decode() and "窗口二的理由" in page.content.decode()
    assert Demand.objects.get(pk=demand.pk).period_justification == "窗口一的理由"

    # The first tab goes on with the version the autosave handed back, then moves on.
    moved = client.post(url, funding_post(new_version, "窗口一改定的理由"))
    assert moved.status_code == 302
    stored = Demand.objects.get(pk=demand.pk)
    assert stored.period_justification == "窗口一改定的理由"
    assert version_on_page(client.get(url).content.decode()) == stored.edit_version


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_at_the_same_moment_make_one_save_and_one_refusal():
    demand, user = draft()
    loaded = Demand.objects.get(pk=demand.pk).edit_version
    texts = ["窗口一同时保存", "窗口二同时保存"]
    editors = [editor_for(demand.pk, funding_post(loaded, text)) for text in texts]

    outcomes = race([lambda e=e: e.save(by=user, partial=True) for e in editors])

    assert sorted((o if isinstance(o, bool) else o.code for o in outcomes), key=str) == [
        "DEMAND-EDIT-CONFLICT",
        True,
    ]
    winner = texts[outcomes.index(True)]
    stored = Demand.objects.get(pk=demand.pk)
    assert stored.period_justification == winner
    assert stored.edit_version == editors[outcomes.index(True)].version
