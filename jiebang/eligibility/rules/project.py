"""Project rules: TECH-CONTRACT and RACE-FIRST-PHASE-CAP before each disbursement,
FUND-MIN and PERIOD-MAX on the task book, PRIORITY-RESEARCH-ASSISTANT on the running
project. Pure functions over the snapshots of `eligibility.snapshots`.
"""

from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import format_money
from jiebang.eligibility.snapshots import (
    CallParams,
    DisbursementCheck,
    ProjectPriorityCheck,
    ProjectTermsCheck,
)


def rule_tech_contract(check: DisbursementCheck, call: CallParams) -> list[Finding]:
    """TECH-CONTRACT: a registered technology contract (number and registration date)
    before any disbursement (五（二）5)."""
    if check.tech_contract_number.strip() and check.tech_contract_registered_on is not None:
        return []
    return [
        finding(
            "TECH-CONTRACT",
            _(
                "项目{code}尚未登记技术合同：请揭榜双方到技术合同登记机构办理技术合同认定登记，"
                "并在项目页面录入登记号和登记日期后，方可拨付财政资金。"
            ).format(code=check.project_code),
            field="tech_contract_number",
        )
    ]


def first_phase_ceiling(fiscal_total: Decimal, cap_percent: Decimal) -> Decimal:
    """`cap_percent` % of the project's total fiscal funding, rounded down to the fen."""
    return (fiscal_total * cap_percent / Decimal(100)).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )


def rule_race_first_phase_cap(check: DisbursementCheck, call: CallParams) -> list[Finding]:
    """RACE-FIRST-PHASE-CAP: before its "continue" stage-gate decision a horse-race project
    receives at most `race_first_phase_cap_percent` % of its total fiscal funding
    (五（二）6). Exactly the ceiling passes; one fen more fails."""
    if not check.is_race or check.gate_passed:
        return []
    ceiling = first_phase_ceiling(check.fiscal_total, call.race_first_phase_cap_percent)
    after = check.first_phase_disbursed + check.amount
    if after <= ceiling:
        return []
    return [
        finding(
            "RACE-FIRST-PHASE-CAP",
            _(
                "赛马制项目首期资助经费不超过财政资助总额度的{percent}%（{ceiling}）。"
                "本次拨付后首期累计{after}，超出{excess}；请减少本次金额，"
                "或待阶段评估决定继续支持后再拨付。"
            ).format(
                percent=f"{call.race_first_phase_cap_percent.normalize():f}",
                ceiling=format_money(ceiling),
                after=format_money(after),
                excess=format_money(after - ceiling),
            ),
            field="amount",
        )
    ]


def check_disbursement(check: DisbursementCheck, call: CallParams) -> list[Finding]:
    """Every finding that stands in the way of one instalment."""
    return rule_tech_contract(check, call) + rule_race_first_phase_cap(check, call)


def check_project_terms(check: ProjectTermsCheck, call: CallParams) -> list[Finding]:
    """FUND-MIN (block) and PERIOD-MAX (justify) on the task book's investment and period."""
    findings = []
    minimum = call.min_total_investment
    if check.total_investment is None or check.total_investment < minimum:
        findings.append(
            finding(
                "FUND-MIN",
                _("项目投入总额不得低于{minimum}，任务书填写为{amount}。").format(
                    minimum=format_money(minimum),
                    amount=format_money(check.total_investment or Decimal(0)),
                ),
                field="total_investment",
            )
        )
    limit = call.normal_max_period_months
    if check.period_months > limit:
        justified = bool(check.period_justification.strip())
        findings.append(
            finding(
                "PERIOD-MAX",
                _(
                    "项目实施周期为{months}个月，超过一般上限{limit}个月，"
                    "须在任务书中说明超期理由。"
                ).format(months=check.period_months, limit=limit),
                field="period_justification",
                justified=justified,
            )
        )
    return findings


def project_priorities(check: ProjectPriorityCheck) -> list[Finding]:
    """PRIORITY-RESEARCH-ASSISTANT: the project created research-assistant posts for
    graduates (五（二）10): a flag for 同等条件下优先支持, never a block."""
    if check.assistant_openings < 1:
        return []
    return [
        finding(
            "PRIORITY-RESEARCH-ASSISTANT",
            _("项目已开发科研助理岗位{openings}个，吸纳高校毕业生{hired}人。").format(
                openings=check.assistant_openings, hired=check.graduates_hired
            ),
        )
    ]
