"""Runs the catalogue's rules over a snapshot and returns every finding at once.

An applicant fixes everything in one pass (domain.md §5): no rule stops the others. The
same call serves the live pre-check while a form is edited and, authoritatively, the check
inside the submit transaction.
"""

from collections.abc import Iterable

from jiebang.eligibility.catalogue import CATALOGUE_ORDER, DEMAND_CATEGORIES
from jiebang.eligibility.findings import Finding, Severity
from jiebang.eligibility.rules import DemandRule
from jiebang.eligibility.rules.demand import DEMAND_RULES
from jiebang.eligibility.rules.proposal import PROPOSAL_RULES, ProposalRule
from jiebang.eligibility.snapshots import CallParams, DemandCheck, ProposalCheck

_SEVERITY_RANK = {Severity.BLOCK: 0, Severity.JUSTIFY: 1, Severity.PRIORITY: 2}


def demand_rules_for(category: str) -> list[DemandRule]:
    """The registered demand rules that apply to a demand category, in registry order."""
    if category not in DEMAND_CATEGORIES:
        raise ValueError(f"unknown demand category: {category!r}")
    return [rule for rule in DEMAND_RULES if category in rule.categories]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Block first, then justify, then priority; within a severity in catalogue order, and
    in the order the rule reported them within one code (the sort is stable)."""
    return sorted(findings, key=lambda f: (_SEVERITY_RANK[f.severity], CATALOGUE_ORDER[f.code]))


def check_demand(check: DemandCheck, call: CallParams) -> list[Finding]:
    """Every finding of every rule applicable to `check.demand.category`, sorted.

    Raises `ValueError` for an unknown category rather than returning no findings, which
    would read as "eligible".
    """
    findings: list[Finding] = []
    for rule in demand_rules_for(check.demand.category):
        findings.extend(rule.function(check, call))
    return sort_findings(findings)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that prevent submission: block, and justify without a justification."""
    return [f for f in findings if f.blocks]


def proposal_rules_for(category: str) -> list[ProposalRule]:
    """The registered proposal rules that apply to a proposal to a demand of `category`,
    in registry order."""
    if category not in DEMAND_CATEGORIES:
        raise ValueError(f"unknown proposal category: {category!r}")
    return [rule for rule in PROPOSAL_RULES if category in rule.categories]


def check_proposal(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """Every finding of every rule applicable to `check.proposal.category`, sorted as
    `check_demand` sorts.

    Raises `ValueError` for an unknown category, and for a proposal without any solver
    unit (the lead is always one): both would otherwise read as "eligible".
    """
    rules = proposal_rules_for(check.proposal.category)
    if not check.proposal.members:
        raise ValueError("a proposal has at least its lead unit among its members")
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.function(check, call))
    return sort_findings(findings)
