"""Demand rules on what the demand states: TB-END-USER, TB-FUNDING-COMMIT, TB-CONTENT,
AT-TRACK-RECORD, AT-IP-CLEAR, AT-TEAM, FUND-MIN, PERIOD-MAX, CLASSIFIED, RACE-ROUTES,
ETHICS-REVIEW.
"""

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import (
    ATT_ETHICS_REVIEW,
    ATT_IP_EVIDENCE,
    ATTACHMENT_KINDS,
    RESEARCH_TASK_LEVELS,
    finding,
)
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import format_money, join, join_problems
from jiebang.eligibility.snapshots import CallParams, DemandCheck

# ----------------------------------------------------------------- 技术攻关 demand content


def rule_tb_end_user(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-END-USER: the issuer declares it is the end user of the technology or the users'
    representative (二（一）2（5）): `demand.declares_end_user`.
    """
    if check.demand.declares_end_user:
        return []
    return [
        finding(
            "TB-END-USER",
            _(
                "技术攻关类需求方须为技术的最终用户或用户代表，不是最终用户的单位提出的需求"
                "不予支持。请在需求表中确认并声明本单位为该技术的最终用户或用户代表。"
            ),
            field="declares_end_user",
        )
    ]


def rule_tb_funding_commit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-FUNDING-COMMIT: the issuer commits to fund the R&D and to provide the supporting
    conditions (二（一）2（1））: `demand.commits_funding`.
    """
    if check.demand.commits_funding:
        return []
    return [
        finding(
            "TB-FUNDING-COMMIT",
            _(
                "技术攻关类需求方须承诺并有能力保障项目科研投入，提供研发实施的支持和配套条件，"
                "并在攻关成功后率先推动应用。请在需求表中勾选并作出该项承诺。"
            ),
            field="commits_funding",
        )
    ]


def rule_tb_content(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-CONTENT: indicators, time limits, IP ownership, funding and the conditions on the
    solver are all stated (二（一）2（4））.

    At least one indicator, each with a name and a target value; `time_requirement`,
    `ip_terms`, `solver_conditions` non-blank; `total_investment` set (its amount is
    FUND-MIN's business). The message lists exactly what is missing; `field` points to the
    first missing item.
    """
    demand = check.demand
    missing: list[tuple[str, str]] = []  # (field, Chinese description)
    if not demand.indicators:
        missing.append(("indicators", _("技术指标参数（至少一项）")))
    for number, indicator in enumerate(demand.indicators, start=1):
        parts = []
        if not indicator.name.strip():
            parts.append(_("名称"))
        if not indicator.target_value.strip():
            parts.append(_("目标值"))
        if parts:
            missing.append(
                (
                    "indicators",
                    _("第{number}项指标的{parts}").format(number=number, parts=join(parts)),
                )
            )
    if not demand.time_requirement.strip():
        missing.append(("time_requirement", _("时限要求")))
    if not demand.ip_terms.strip():
        missing.append(("ip_terms", _("知识产权归属")))
    if demand.total_investment is None:
        missing.append(("total_investment", _("资金投入（项目投入总额）")))
    if not demand.solver_conditions.strip():
        missing.append(("solver_conditions", _("对揭榜方的条件要求")))
    if not missing:
        return []
    return [
        finding(
            "TB-CONTENT",
            _(
                "需求内容不完整，缺少：{missing}。技术攻关类需求应明确项目指标参数、时限要求、"
                "产权归属、资金投入及对揭榜方的条件要求，请在需求表中补充完整后再提交。"
            ).format(missing=join_problems(text for _field, text in missing)),
            field=missing[0][0],
        )
    ]


# --------------------------------------------------------------- 成果转化 demand content


def rule_at_track_record(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-TRACK-RECORD: at least one national, autonomous-region or city research task
    undertaken, with success cases (二（二）2（1））.

    At least one research task whose level is "national", "region" or "city", and
    `success_cases` non-blank.
    """
    demand = check.demand
    missing: list[tuple[str, str]] = []  # (field, Chinese description)
    if not any(task.level in RESEARCH_TASK_LEVELS for task in demand.research_tasks):
        missing.append(("research_tasks", _("承担过的国家级、自治区级或市级科研任务（至少一项）")))
    if not demand.success_cases.strip():
        missing.append(("success_cases", _("成功案例")))
    if not missing:
        return []
    return [
        finding(
            "AT-TRACK-RECORD",
            _(
                "成果转化类需求须具有承担国家或自治区、市级科研任务的基础条件和成功案例，"
                "目前缺少：{missing}。请在需求表中填写承担的科研任务（名称、级别、年度）"
                "和成功案例，并可上传成功案例佐证材料。"
            ).format(missing=join_problems(text for _field, text in missing)),
            field=missing[0][0],
        )
    ]


def rule_at_ip_clear(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-IP-CLEAR: the achievement's IP items are listed with clear ownership and evidence
    attached (二（二）2（2））.

    At least one IP item, each with `number`, `owner` and `legal_status` non-blank, and an
    "ip_evidence" attachment. The message lists what is missing per item.
    """
    demand = check.demand
    missing = []
    if not demand.ip_items:
        missing.append(_("知识产权清单（至少一项）"))
    for number, item in enumerate(demand.ip_items, start=1):
        parts = []
        if not item.number.strip():
            parts.append(_("编号"))
        if not item.owner.strip():
            parts.append(_("权利人"))
        if not item.legal_status.strip():
            parts.append(_("法律状态"))
        if parts:
            missing.append(
                _("第{number}项知识产权的{parts}").format(number=number, parts=join(parts))
            )
    if ATT_IP_EVIDENCE not in demand.attachment_kinds:
        missing.append(_(ATTACHMENT_KINDS[ATT_IP_EVIDENCE]))
    if not missing:
        return []
    return [
        finding(
            "AT-IP-CLEAR",
            _(
                "拟转化成果的知识产权须明晰，目前缺少：{missing}。请逐项填写知识产权的编号、"
                "权利人和法律状态，并上传证书等知识产权证明材料。"
            ).format(missing=join_problems(missing)),
            field="ip_items",
        )
    ]


def rule_at_team(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-TEAM: the transfer support team is stated (二（二）2（3））.

    `transfer_team` non-blank and at least two team members (the leader and at least one
    more).
    """
    demand = check.demand
    missing = []
    if not demand.transfer_team.strip():
        missing.append(_("成果转化支撑队伍情况说明"))
    if len(demand.team) < 2:
        missing.append(
            _("项目组成员（除负责人外至少一人，目前共{count}人）").format(count=len(demand.team))
        )
    if not missing:
        return []
    return [
        finding(
            "AT-TEAM",
            _(
                "成果转化类需求须拥有成果转化的支撑队伍，目前缺少：{missing}。"
                "请说明支撑队伍的组成及其参与推广转化的方式，并在项目组成员中填写负责人"
                "和至少一名成员。"
            ).format(missing=join_problems(missing)),
            field="transfer_team" if not demand.transfer_team.strip() else "team",
        )
    ]


# -------------------------------------------------------------------- money and period


def rule_fund_min(check: DemandCheck, call: CallParams) -> list[Finding]:
    """FUND-MIN: the project's total investment is at least the call minimum (三).

    `total_investment >= call.min_total_investment` (5,000,000.00 passes, 4,999,999.99
    fails). A missing amount fails. Amounts are shown in 元 and 万元.
    """
    amount = check.demand.total_investment
    minimum = call.min_total_investment
    if amount is None:
        message = _("请填写项目投入总额。单个“揭榜挂帅”项目投入总额不低于{minimum}。").format(
            minimum=format_money(minimum)
        )
    elif amount >= minimum:
        return []
    else:
        message = _(
            "项目投入总额为{amount}，低于本批次规定的下限{minimum}。"
            "单个“揭榜挂帅”项目投入总额不低于该下限，请调整项目投入总额后再提交。"
        ).format(amount=format_money(amount), minimum=format_money(minimum))
    return [finding("FUND-MIN", message, field="total_investment")]


def rule_period_max(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PERIOD-MAX (justify): the period is at most the normal maximum, else a written
    justification (三: "一般原则上不超过3年").

    `period_months <= normal_max_period_months` → no finding. Longer → a finding that is
    justified when `period_justification` is non-blank (it then does not block and reviewers
    see it). A missing period → an unjustified finding asking for the period.
    """
    demand = check.demand
    limit = call.normal_max_period_months
    months = demand.period_months
    if months is None:
        return [
            finding(
                "PERIOD-MAX",
                _("请填写项目实施周期（月），一般原则上不超过{limit}个月。").format(limit=limit),
                field="period_months",
            )
        ]
    if months <= limit:
        return []
    if demand.period_justification.strip():
        return [
            finding(
                "PERIOD-MAX",
                _(
                    "项目实施周期为{months}个月，超过一般上限{limit}个月；已填写超期理由，"
                    "将由评审专家审核其必要性。"
                ).format(months=months, limit=limit),
                field="period_justification",
                justified=True,
            )
        ]
    return [
        finding(
            "PERIOD-MAX",
            _(
                "项目实施周期为{months}个月，超过一般上限{limit}个月。请将周期缩短至{limit}个月"
                "以内，或在“周期说明”中填写需要更长周期的理由。"
            ).format(months=months, limit=limit),
            field="period_justification",
        )
    ]


# -------------------------------------------------------- classified, horse race, ethics


def rule_classified(check: DemandCheck, call: CallParams) -> list[Finding]:
    """CLASSIFIED: classified content is never submitted online (五（二）9).

    `demand.is_classified` → the platform refuses the online submission; the material goes
    to the city bureau offline, and the bureau records an offline entry without content.
    """
    if not check.demand.is_classified:
        return []
    return [
        finding(
            "CLASSIFIED",
            _(
                "经认定有涉密内容的项目不通过网上申报，本平台不接收涉密内容。"
                "请勿在平台填写或上传任何涉密材料，将申报材料直接报送至市科技局，"
                "由市科技局进行线下登记。如本需求不含涉密内容，请取消“涉密”标记。"
            ),
            field="is_classified",
        )
    ]


def rule_race_routes(check: DemandCheck, call: CallParams) -> list[Finding]:
    """RACE-ROUTES: a horse-race (赛马制) demand states at least the call's number of
    technical routes, each with its own R&D investment (五（二）6).

    Only when `is_horse_race`: at least `race_min_routes` routes, each with a non-blank
    name and `rnd_investment > 0`.
    """
    demand = check.demand
    if not demand.is_horse_race:
        return []
    problems = []
    if len(demand.routes) < call.race_min_routes:
        problems.append(
            _("技术路线只有{count}条，至少需要{minimum}条").format(
                count=len(demand.routes), minimum=call.race_min_routes
            )
        )
    for number, route in enumerate(demand.routes, start=1):
        parts = []
        if not route.name.strip():
            parts.append(_("未填写名称"))
        if route.rnd_investment is None or route.rnd_investment <= 0:
            parts.append(_("未填写大于零的研发投入总额"))
        if parts:
            problems.append(
                _("第{number}条技术路线{parts}").format(number=number, parts=join(parts))
            )
    if not problems:
        return []
    return [
        finding(
            "RACE-ROUTES",
            _(
                "“赛马制”需求须由多个团队采取不同路径同步攻关，并分别明确每个技术路线的"
                "研发投入总额。目前：{problems}。请补充技术路线及各路线的研发投入总额，"
                "或取消“赛马制”标记。"
            ).format(problems=join_problems(problems)),
            field="routes",
        )
    ]


def rule_ethics_review(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ETHICS-REVIEW (justify): where the work involves science ethics or security, a review
    record is provided (五（二）8).

    Only when `involves_ethics`: justified when `ethics_review_record` is non-blank or an
    "ethics_review" attachment is present (reviewers see it); otherwise unjustified.
    """
    demand = check.demand
    if not demand.involves_ethics:
        return []
    if demand.ethics_review_record.strip() or ATT_ETHICS_REVIEW in demand.attachment_kinds:
        return [
            finding(
                "ETHICS-REVIEW",
                _("本需求涉及科技伦理或科技安全问题，已提供审查记录，评审时将一并审核。"),
                field="ethics_review_record",
                justified=True,
            )
        ]
    return [
        finding(
            "ETHICS-REVIEW",
            _(
                "本需求涉及科技伦理或科技安全问题，但未提供审查记录。请填写本单位科技伦理和"
                "科技安全审查情况，或上传审查记录；如不涉及，请取消相应标记。"
            ),
            field="ethics_review_record",
        )
    ]
