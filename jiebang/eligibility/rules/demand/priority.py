"""Demand rules on the priority flags (informational, never block): PRIORITY-COMMON-TECH,
PRIORITY-FIRST-SET, PRIORITY-PUBLIC-BENEFIT.
"""

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.snapshots import CallParams, DemandCheck


def _priority(code: str, flag: bool, what: str, field: str) -> list[Finding]:
    if not flag:
        return []
    return [
        finding(
            code,
            _(
                "本需求申报为{what}，属于优先支持方向，评审专家将看到该优先支持标识。"
                "请在需求内容中说明其依据。"
            ).format(what=what),
            field=field,
        )
    ]


def rule_priority_common_tech(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-COMMON-TECH: the demand is flagged as an industry common technology
    (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-COMMON-TECH",
        check.demand.priority_common_tech,
        _("产业共性技术"),
        "priority_common_tech",
    )


def rule_priority_first_set(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-FIRST-SET: the demand is flagged as a first set (首台（套）) of major
    equipment (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-FIRST-SET",
        check.demand.priority_first_set,
        _("首台（套）重大装备"),
        "priority_first_set",
    )


def rule_priority_public_benefit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-PUBLIC-BENEFIT: the demand is flagged as public-benefit with a strong
    spill-over (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-PUBLIC-BENEFIT",
        check.demand.priority_public_benefit,
        _("公益性、辐射带动效应显著的重大成果"),
        "priority_public_benefit",
    )
