"""Proposal rules on the restrictions of 四, applied to every solver unit and the team:
LIM-UNIT-OVERDUE, LIM-UNIT-ONGOING, LIM-PERSON-LOAD, LIM-MISCONDUCT.

Units and persons are counted by the shared predicates of `jiebang.eligibility.rules`,
exactly as for the issuer of a demand.
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
from jiebang.eligibility.rules.demand._common import _day
from jiebang.eligibility.rules.proposal._common import (
    member_field,
    member_label,
    penalty_text,
    replace_hint,
)
from jiebang.eligibility.snapshots import CallParams, ProposalCheck


def rule_lim_unit_overdue(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-OVERDUE (solver): no solver unit has a city project overdue and unaccepted
    for the call's threshold or longer (四（一）: "逾期一年以上（含一年）").

    Counted per unit by `overdue_city_projects` (ongoing and `planned_end +
    overdue_threshold_years <= today`). One finding per unit, naming it and every such
    project with its planned end.
    """
    findings = []
    for member in check.proposal.members:
        overdue = overdue_city_projects(
            member.org.city_projects, check.today, call.overdue_threshold_years
        )
        if not overdue:
            continue
        listed = join_problems(
            _("{code}“{title}”（计划结束日期{day}）").format(
                code=project.code, title=project.title, day=_day(project.planned_end)
            )
            for project in overdue
        )
        findings.append(
            finding(
                "LIM-UNIT-OVERDUE",
                _(
                    "{member}有逾期{years}年以上（含{years}年）未验收的市级科技计划项目："
                    "{projects}，属于限制申报范围。请该单位先完成上述项目的验收（或结题）；"
                    "如项目已验收，请联系市科技局更新项目状态后再提交。{hint}"
                ).format(
                    member=member_label(member),
                    years=call.overdue_threshold_years,
                    projects=listed,
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    return findings


def rule_lim_unit_ongoing(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-ONGOING (solver): each solver unit has at most the call's number of ongoing
    city R&D projects (四（二）: "累计超过3项的" is restricted, so 3 passes and 4 fails).

    Counted per unit by `ongoing_rnd_city_projects`; this proposal is not a project and
    does not count. One finding per unit, naming it and listing the codes.
    """
    limit = call.unit_max_ongoing_projects
    findings = []
    for member in check.proposal.members:
        ongoing = ongoing_rnd_city_projects(member.org.city_projects)
        if len(ongoing) <= limit:
            continue
        findings.append(
            finding(
                "LIM-UNIT-ONGOING",
                _(
                    "{member}的市级研发在研项目累计{count}项（{codes}），超过{limit}项，"
                    "属于限制申报范围。请待部分在研项目验收结题后再申报；如其中有已验收的项目，"
                    "请联系市科技局更新项目状态。{hint}"
                ).format(
                    member=member_label(member),
                    count=len(ongoing),
                    codes=join(project.code for project in ongoing),
                    limit=limit,
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    return findings


def rule_lim_person_load(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """LIM-PERSON-LOAD (proposal): each principal's ongoing city R&D projects plus this
    year's applications, this proposal included, are at most the call's limit (四（二）).

    Principals are the proposal's team members with `position <= call.principal_count`
    (`principals`); the count is `person_load` (ongoing + other applications this year +
    1). More than `person_max_load` is restricted (2 passes, 3 fails). One finding per
    person, naming the person and what was counted.
    """
    findings = []
    for person in principals(check.proposal.team, call.principal_count):
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
        counted.append(_("本次揭榜申请1项"))
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


def rule_lim_misconduct(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """LIM-MISCONDUCT (proposal): no solver unit and no team member (every member, not only
    the principals) has a research-misconduct penalty in force that bars city fiscal
    projects (四（三）).

    Counted by `barring_misconduct` (`penalty_start <= today <= penalty_end`, no end: in
    force). One finding per unit concerned, then one per person concerned, naming who.
    """
    findings = []
    for member in check.proposal.members:
        records = barring_misconduct(member.org.credit_records, check.today)
        if records:
            findings.append(
                finding(
                    "LIM-MISCONDUCT",
                    _(
                        "{member}有在惩戒执行期内的科研失信行为记录（{penalties}），"
                        "在限制参与财政资助市级科技项目期限内，属于限制申报范围。"
                        "请在惩戒期满后再申报；如记录有误，请联系市科技局核实。{hint}"
                    ).format(
                        member=member_label(member),
                        penalties=penalty_text(records),
                        hint=replace_hint(member),
                    ),
                    field=member_field(member),
                )
            )
    for person in check.proposal.team:
        records = barring_misconduct(person.credit_records, check.today)
        if records:
            findings.append(
                finding(
                    "LIM-MISCONDUCT",
                    _(
                        "{person}有在惩戒执行期内的科研失信行为记录（{penalties}），"
                        "在限制参与财政资助市级科技项目期限内，属于限制申报范围。"
                        "请将其移出项目组；如记录有误，请联系市科技局核实。"
                    ).format(person=person_label(person), penalties=penalty_text(records)),
                    field="team",
                )
            )
    return findings
