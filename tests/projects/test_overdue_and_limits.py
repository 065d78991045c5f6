"""The platform's projects in the restrictions of 四: the daily overdue mark (逾期未验收,
LIM-UNIT-OVERDUE), a unit's ongoing projects (LIM-UNIT-ONGOING) and a person's load
(LIM-PERSON-LOAD) count the projects initiated here through their city-project mirror.

A project starts on DAY0 = 2026-04-01 for 24 months: planned end P = 2028-03-31; with the
call's 1-year threshold it is overdue from P + 1 year = 2029-03-31 (that day included).
"""

import datetime as dt

import pytest

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.models import Notification
from jiebang.demands import services as demand_services
from jiebang.demands.selectors import build_demand_check, org_snapshot, people_snapshots
from jiebang.eligibility.engine import check_demand
from jiebang.eligibility.rules import overdue_city_projects
from jiebang.orgs.enums import CityProjectStatus
from jiebang.orgs.models import Person
from jiebang.projects import services
from tests.demands.builders import open_call, valid_at_demand, valid_tb_demand
from tests.factories import CityProjectFactory, CityProjectPrincipalFactory
from tests.helpers import pdf_upload
from tests.projects.builders import initiate, issuer_user, solver_user
from tests.projects.support import DAY0, PLANNED_END, on, started

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]

OVERDUE_FROM = dt.date(2029, 3, 31)


def codes(findings):
    return [f.code for f in findings]


def demand_codes(demand, user):
    demand.refresh_from_db()
    return codes(check_demand(*build_demand_check(demand, user=user)))


def overdue_notices(project):
    return Notification.objects.filter(
        title__contains="逾期未验收", link=f"/projects/{project.pk}/"
    )


def accept(project, bureau):
    """Mid-term, achievements with evidence, acceptance applied for and passed."""
    services.record_midterm(
        project_id=project.pk, by=bureau, outcome="passed", opinion="合格", evaluated_on=DAY0
    )
    for indicator in project.indicators.all():
        services.save_achievement(
            indicator_id=indicator.pk,
            by=solver_user(project),
            achieved_value="97",
            achieved=True,
            evidence_file=pdf_upload("检测报告.pdf"),
        )
    services.submit_final_report(project_id=project.pk, by=solver_user(project), summary="完成")
    services.decide_acceptance(project_id=project.pk, by=bureau, outcome="passed", opinion="通过")
    project.refresh_from_db()


# ----------------------------------------------------------------------- overdue mark


def test_a_project_is_overdue_exactly_one_year_after_its_planned_end(selected):
    proposal, bureau = selected
    project = initiate(proposal, bureau)
    assert project.planned_end == PLANNED_END
    assert services.overdue_from(project) == OVERDUE_FROM

    with on(OVERDUE_FROM - dt.timedelta(days=1)):
        assert services.mark_overdue_projects() == 0
    project.refresh_from_db()
    assert project.overdue_since is None
    assert not overdue_notices(project).exists()

    with on(OVERDUE_FROM):
        assert services.mark_overdue_projects() == 1
    project.refresh_from_db()
    assert project.overdue_since == OVERDUE_FROM
    told = set(overdue_notices(project).values_list("recipient_id", flat=True))
    assert solver_user(project).pk in told
    assert issuer_user(project).pk in told
    assert bureau.pk in told  # the bureau's officers
    sent = overdue_notices(project).count()

    with on(OVERDUE_FROM + dt.timedelta(days=1)):
        assert services.mark_overdue_projects() == 0  # once
    assert overdue_notices(project).count() == sent
    project.refresh_from_db()
    assert project.overdue_since == OVERDUE_FROM


def test_an_overdue_project_bars_both_units_from_new_demands(selected):
    proposal, bureau = selected
    project = initiate(proposal, bureau)
    solver, issuer = solver_user(project), issuer_user(project)
    with on(OVERDUE_FROM - dt.timedelta(days=1)):
        call = open_call()
        # the solver lead is a university: a 成果转化 demand; the issuer an enterprise: 技术攻关
        solver_demand, _ = valid_at_demand(call=call, org=project.solver, user=solver)
        issuer_demand, _ = valid_tb_demand(call=call, org=project.issuer, user=issuer)
        assert demand_codes(solver_demand, solver) == []
        assert demand_codes(issuer_demand, issuer) == []

    with on(OVERDUE_FROM):
        with pytest.raises(DomainError) as refused:
            demand_services.submit_demand(demand_id=solver_demand.pk, by=solver)
        assert refused.value.code == "DEMAND-INELIGIBLE"
        assert [d["code"] for d in refused.value.details] == ["LIM-UNIT-OVERDUE"]
        assert project.code in refused.value.details[0]["message"]
        # the issuer is the project's partner unit: it is barred as well
        assert demand_codes(issuer_demand, issuer) == ["LIM-UNIT-OVERDUE"]


def test_an_accepted_project_is_never_overdue(selected):
    proposal, bureau = selected
    project = started(proposal, bureau)
    accept(project, bureau)
    with on(OVERDUE_FROM):
        assert services.mark_overdue_projects() == 0
        snapshot = org_snapshot(project.solver)
        assert overdue_city_projects(snapshot.city_projects, OVERDUE_FROM, 1) == []
    project.refresh_from_db()
    assert project.overdue_since is None


def test_an_approved_extension_clears_the_overdue_mark(selected):
    proposal, bureau = selected
    project = started(proposal, bureau)
    with on(dt.date(2027, 12, 31)):  # the last day a change may be asked for
        change = services.file_change_request(
            project_id=project.pk,
            by=solver_user(project),
            kind="extension",
            reason="示范工程延期",
            extension_months=12,
        )
    with on(OVERDUE_FROM):
        assert services.mark_overdue_projects() == 1
        services.decide_change_request(change_id=change.pk, by=bureau, approved=True, note="同意")
        project.refresh_from_db()
        assert project.planned_end == dt.date(2029, 3, 31)
        sent = overdue_notices(project).count()
    with on(OVERDUE_FROM + dt.timedelta(days=1)):  # the next daily run
        assert services.mark_overdue_projects() == 0
        mirror = org_snapshot(project.solver).city_projects
        assert [p.planned_end for p in mirror] == [dt.date(2029, 3, 31)]
        assert overdue_city_projects(mirror, clock.today(), 1) == []  # LIM-UNIT-OVERDUE lifted
    project.refresh_from_db()
    assert project.overdue_since is None
    assert overdue_notices(project).count() == sent


def test_an_extension_too_short_to_cure_keeps_the_project_overdue(selected):
    proposal, bureau = selected
    project = started(proposal, bureau)
    with on(dt.date(2027, 12, 31)):
        change = services.file_change_request(
            project_id=project.pk,
            by=solver_user(project),
            kind="extension",
            reason="示范工程延期",
            extension_months=1,
        )
    with on(OVERDUE_FROM):
        assert services.mark_overdue_projects() == 1
    # decided late: the new end 2028-04-30 makes it overdue from 2029-04-30, still past
    with on(dt.date(2029, 5, 15)):
        services.decide_change_request(change_id=change.pk, by=bureau, approved=True, note="同意")
        project.refresh_from_db()
        assert project.planned_end == dt.date(2028, 4, 30)
        assert project.overdue_since == dt.date(2029, 4, 30)
        sent = overdue_notices(project).count()
        assert services.mark_overdue_projects() == 0  # not marked (and told) a second time
    assert overdue_notices(project).count() == sent


# ------------------------------------------------------------------ LIM-UNIT-ONGOING


def test_platform_projects_count_among_a_units_ongoing_projects(selected):
    proposal, bureau = selected
    solver = proposal.lead
    user = proposal.created_by
    for n in range(3):
        CityProjectFactory(
            organization=solver, code=f"WLMQ-2025-{n:04d}", planned_end=dt.date(2027, 12, 31)
        )
    demand, _ = valid_at_demand(call=open_call(), org=solver, user=user)
    assert demand_codes(demand, user) == []  # 3 ongoing: at the limit

    project = started(proposal, bureau)
    assert demand_codes(demand, user) == ["LIM-UNIT-ONGOING"]  # 3 imported + 1 platform
    ongoing = [p.code for p in org_snapshot(solver).city_projects if p.status == "ongoing"]
    assert project.code in ongoing
    # the issuer counts it too, as the partner unit
    assert [p.code for p in org_snapshot(project.issuer).city_projects] == [project.code]

    accept(project, bureau)
    project.city_project.refresh_from_db()
    assert project.city_project.status == CityProjectStatus.ACCEPTED
    assert demand_codes(demand, user) == []  # accepted: no longer ongoing


# ------------------------------------------------------------------ LIM-PERSON-LOAD


def test_a_projects_principals_carry_it_in_their_load_once(selected):
    proposal, bureau = selected
    year = proposal.demand.call.year
    principals = list(proposal.team.order_by("position"))

    # selected, not yet a project: the proposal counts as this year's application
    before = people_snapshots(principals, 3, year)
    assert [(p.ongoing_rnd_projects, p.other_applications_this_year) for p in before] == [
        ((), (proposal.number,))
    ] * 3

    project = initiate(proposal, bureau)
    # a project now: counted once, as an ongoing project, no longer as an application
    after = people_snapshots(principals, 3, year)
    assert [(p.ongoing_rnd_projects, p.other_applications_this_year) for p in after] == [
        ((project.code,), ())
    ] * 3

    # a new demand whose team is the project's three principals: 1 ongoing + this one = 2
    user = proposal.created_by
    demand, _ = valid_at_demand(call=open_call(), org=proposal.lead, user=user)
    demand_services.set_team(
        demand=demand,
        by=user,
        members=[
            {"name": m.person.name, "id_number": m.person.id_number}  # decrypted on read
            for m in principals
        ],
    )
    assert [m.person_id for m in demand.team.order_by("position")] == [
        m.person_id for m in principals
    ]
    assert demand_codes(demand, user) == []

    # one more ongoing project of the leader: 3 > 2
    leader = Person.objects.get(pk=principals[0].person_id)
    CityProjectPrincipalFactory(person=leader, position=2)
    findings = check_demand(*build_demand_check(demand, user=user))
    assert codes(findings) == ["LIM-PERSON-LOAD"]
    assert leader.name in findings[0].message
    assert project.code in findings[0].message


def test_the_daily_command_marks_and_reminds(selected):
    from io import StringIO

    from django.core.management import call_command

    proposal, bureau = selected
    project = initiate(proposal, bureau)
    out = StringIO()
    with on(OVERDUE_FROM):
        call_command("project_daily", stdout=out)
    project.refresh_from_db()
    assert project.overdue_since == OVERDUE_FROM
    assert "新标记逾期未验收项目 1 个" in out.getvalue()
