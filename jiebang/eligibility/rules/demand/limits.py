"""Demand rules on the restrictions of 四: LIM-UNIT-OVERDUE, LIM-UNIT-ONGOING, LIM-PERSON-LOAD,
LIM-MISCONDUCT.
"""

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import (
    barring_misconduct,
    join,
    join_problems,
    ongoing_rnd_city_projects,
    overdue_city_projects,
    person_label,
    person_load,
    principals,
)
from jiebang.eligibility.rules.demand._common import _day, _source
from jiebang.eligibility.snapshots import CallParams, CreditSnapshot, DemandCheck


def rule_lim_unit_overdue(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-OVERDUE: the unit has no city project overdue and unaccepted for the call's
    threshold or longer (四（一）: "逾期一年以上（含一年）").

    A city project of the unit counts when its status is "ongoing" and
    `planned_end + overdue_threshold_years <= today` (calendar years; exactly one year
    overdue counts). Accepted, terminated and failed projects do not count. One finding
    naming every such project with its planned end.
    """
    overdue = overdue_city_projects(
        check.org.city_projects, check.today, call.overdue_threshold_years
    )
    if not overdue:
        return []
    listed = join_problems(
        _("{code}“{title}”（计划结束日期{day}）").format(
            code=project.code, title=project.title, day=_day(project.planned_end)
        )
        for project in overdue
    )
    return [
        finding(
            "LIM-UNIT-OVERDUE",
            _(
                "本单位有逾期{years}年以上（含{years}年）未验收的市级科技计划项目：{projects}，"
                "属于限制申报范围。请先完成上述项目的验收（或结题）；如项目已验收，"
                "请联系市科技局更新项目状态后再提交。"
            ).format(years=call.overdue_threshold_years, projects=listed),
        )
    ]


def rule_lim_unit_ongoing(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-ONGOING: the unit has at most the call's number of ongoing city R&D
    projects (四（二）: "累计超过3项的" is restricted, so 3 passes and 4 fails).

    Counts the unit's city projects with status "ongoing" and `is_rnd`; the message lists
    their codes.
    """
    ongoing = ongoing_rnd_city_projects(check.org.city_projects)
    limit = call.unit_max_ongoing_projects
    if len(ongoing) <= limit:
        return []
    return [
        finding(
            "LIM-UNIT-ONGOING",
            _(
                "本单位市级研发在研项目累计{count}项（{codes}），超过{limit}项，"
                "属于限制申报范围。请待部分在研项目验收结题后再申报；如其中有已验收的项目，"
                "请联系市科技局更新项目状态。"
            ).format(
                count=len(ongoing),
                codes=join(project.code for project in ongoing),
                limit=limit,
            ),
        )
    ]


def rule_lim_person_load(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-PERSON-LOAD: each principal's ongoing city R&D projects plus this year's
    applications, this one included, are at most the call's limit (四（二）).

    Principals are the team members with `position <= call.principal_count` (first 3,
    leader included). Count = `len(ongoing_rnd_projects) + len(other_applications_this_year)
    + 1`; more than `person_max_load` is restricted (2 passes, 3 fails). One finding per
    person, naming the person (name and masked ID) and what was counted.
    """
    findings = []
    for person in principals(check.demand.team, call.principal_count):
        count = person_load(person)
        if count <= call.person_max_load:
            continue
        counted = []
        if person.ongoing_rnd_projects:
            counted.append(
                _("市级研发在研项目{count}项（{codes}）").format(
                    count=len(person.ongoing_rnd_projects),
                    codes=join(person.ongoing_rnd_projects),
                )
            )
        if person.other_applications_this_year:
            counted.append(
                _("本年度其他申报{count}项（{codes}）").format(
                    count=len(person.other_applications_this_year),
                    codes=join(person.other_applications_this_year),
                )
            )
        counted.append(_("本次申报1项"))
        findings.append(
            finding(
                "LIM-PERSON-LOAD",
                _(
                    "{person}为项目主要承担人（项目组成员前{principals}名），"
                    "{counted}，累计{count}项，超过{limit}项，属于限制申报范围。"
                    "请更换该主要承担人或调整项目组成员排序，或待其在研项目验收结题后再申报。"
                ).format(
                    person=person_label(person),
                    principals=call.principal_count,
                    counted=join(counted, "，"),
                    count=count,
                    limit=call.person_max_load,
                ),
                field="team",
            )
        )
    return findings


def _penalty_text(records: list[CreditSnapshot]) -> str:
    return join_problems(
        _("惩戒期{start}至{end}，依据：{source}").format(
            start=_day(record.penalty_start),
            end=_day(record.penalty_end) if record.penalty_end else _("长期"),
            source=_source(record),
        )
        for record in records
    )


def rule_lim_misconduct(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-MISCONDUCT: neither the unit nor any team member (leader and every member, not
    only the principals) has a research-misconduct penalty in force that bars city fiscal
    projects (四（三）).

    A record counts when its kind is "research_misconduct", `bars_city_fiscal_projects`,
    and `penalty_start <= today <= penalty_end` (no end: in force indefinitely). A penalty
    ending today still counts; one that ended yesterday no longer does. One finding for the
    unit and one per member concerned, naming who.
    """
    findings = []
    records = barring_misconduct(check.org.credit_records, check.today)
    if records:
        findings.append(
            finding(
                "LIM-MISCONDUCT",
                _(
                    "本单位有在惩戒执行期内的科研失信行为记录（{penalties}），在限制参与财政资助"
                    "市级科技项目期限内，属于限制申报范围。请在惩戒期满后再申报；"
                    "如记录有误，请联系市科技局核实。"
                ).format(penalties=_penalty_text(records)),
            )
        )
    for person in check.demand.team:
        records = barring_misconduct(person.credit_records, check.today)
        if records:
            findings.append(
                finding(
                    "LIM-MISCONDUCT",
                    _(
                        "{person}有在惩戒执行期内的科研失信行为记录（{penalties}），"
                        "在限制参与财政资助市级科技项目期限内，属于限制申报范围。"
                        "请将其移出项目组；如记录有误，请联系市科技局核实。"
                    ).format(person=person_label(person), penalties=_penalty_text(records)),
                    field="team",
                )
            )
    return findings
