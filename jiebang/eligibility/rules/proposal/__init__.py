"""Rules on a proposal (揭榜申请) and its solver units (揭榜方: the lead and every consortium
member) at submission.

Each function is `rule_xxx(check, call) -> list[Finding]`, pure: everything comes from the
`ProposalCheck` snapshot and the `CallParams`. Its docstring states the interpretation of
the guide it implements; its thresholds are call parameters. The restrictions of 四 and the
credit check count units and persons with the shared predicates of
`jiebang.eligibility.rules`, exactly as the demand rules do.

Conventions on top of the catalogue's (`jiebang.eligibility.catalogue`):

- A finding about one solver unit names it (`揭榜方成员“甲公司”`); there is one finding per
  unit concerned. Its `field` is "members" for a consortium member (the applicant can
  replace it) and empty for the lead (the fix is on the unit's record or outside the form).
- `category` is the demand's: a proposal to a 技术攻关 demand is a 技术攻关 proposal.

The rules live in modules by theme: `solver` (window, units, relation to the issuer,
credit), `limits` (四) and `plan` (IP, plan and consortium, priority); this module imports
them and registers them in `PROPOSAL_RULES`, in the order the engine runs them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import AT, BOTH, TB
from jiebang.eligibility.rules.proposal.limits import (
    rule_lim_misconduct,
    rule_lim_person_load,
    rule_lim_unit_ongoing,
    rule_lim_unit_overdue,
)
from jiebang.eligibility.rules.proposal.plan import (
    rule_priority_industry_academia,
    rule_solver_ip,
    rule_solver_plan,
)
from jiebang.eligibility.rules.proposal.solver import (
    chain_text,
    rule_credit_serious,
    rule_org_unverified,
    rule_solver_affiliated,
    rule_solver_at_local,
    rule_solver_tb_kind,
    rule_window_submit,
    tech_certificate_valid,
)
from jiebang.eligibility.snapshots import CallParams, ProposalCheck

__all__ = [
    "PROPOSAL_RULES",
    "ProposalRule",
    "ProposalRuleFunction",
    "chain_text",
    "rule_credit_serious",
    "rule_lim_misconduct",
    "rule_lim_person_load",
    "rule_lim_unit_ongoing",
    "rule_lim_unit_overdue",
    "rule_org_unverified",
    "rule_priority_industry_academia",
    "rule_solver_affiliated",
    "rule_solver_at_local",
    "rule_solver_ip",
    "rule_solver_plan",
    "rule_solver_tb_kind",
    "rule_window_submit",
    "tech_certificate_valid",
]

ProposalRuleFunction = Callable[[ProposalCheck, CallParams], list[Finding]]


@dataclass(frozen=True)
class ProposalRule:
    """A registered proposal rule: its catalogue code, function and demand categories."""

    code: str
    function: ProposalRuleFunction
    categories: frozenset[str]


PROPOSAL_RULES: tuple[ProposalRule, ...] = (
    # Until the demand's solicitation deadline (揭榜截止时间), not the call's online window.
    ProposalRule("WINDOW-SUBMIT", rule_window_submit, BOTH),
    ProposalRule("ORG-UNVERIFIED", rule_org_unverified, BOTH),
    # TB always; AT only where the call extends the check (decided inside the rule).
    ProposalRule("CREDIT-SERIOUS", rule_credit_serious, BOTH),
    ProposalRule("LIM-UNIT-OVERDUE", rule_lim_unit_overdue, BOTH),
    ProposalRule("LIM-UNIT-ONGOING", rule_lim_unit_ongoing, BOTH),
    ProposalRule("LIM-PERSON-LOAD", rule_lim_person_load, BOTH),
    ProposalRule("LIM-MISCONDUCT", rule_lim_misconduct, BOTH),
    ProposalRule("SOLVER-TB-KIND", rule_solver_tb_kind, TB),
    ProposalRule("SOLVER-AT-LOCAL", rule_solver_at_local, AT),
    ProposalRule("SOLVER-AFFILIATED", rule_solver_affiliated, BOTH),
    ProposalRule("SOLVER-IP", rule_solver_ip, TB),
    # The plan, and for a consortium its agreement and work shares.
    ProposalRule("SOLVER-PLAN", rule_solver_plan, BOTH),
    ProposalRule("PRIORITY-INDUSTRY-ACADEMIA", rule_priority_industry_academia, TB),
)
