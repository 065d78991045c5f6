"""Rules on a demand (需求) and its issuing unit (发榜方 / 需求方) at submission.

Each function is `rule_xxx(check, call) -> list[Finding]`, pure: everything comes from the
`DemandCheck` snapshot and the `CallParams`. Its docstring states the interpretation of
the guide it implements; its thresholds are call parameters. `DEMAND_RULES` registers every
function with the demand categories it applies to.

The rules live in modules by theme: `window_and_unit` (window, issuing unit, credit),
`content` (what the demand states), `attachments`, `limits` (四) and `priority`; this
module imports them and registers them in `DEMAND_RULES`, in the order the engine runs them.
"""

from jiebang.eligibility.rules import AT, BOTH, TB, DemandRule
from jiebang.eligibility.rules.demand.attachments import (
    rule_at_test_report,
    rule_att_application_form,
    rule_att_commit_leader,
    rule_att_commit_unit,
    rule_tb_audit_reports,
    rule_tb_support_evidence,
)
from jiebang.eligibility.rules.demand.content import (
    rule_at_ip_clear,
    rule_at_team,
    rule_at_track_record,
    rule_classified,
    rule_ethics_review,
    rule_fund_min,
    rule_period_max,
    rule_race_routes,
    rule_tb_content,
    rule_tb_end_user,
    rule_tb_funding_commit,
)
from jiebang.eligibility.rules.demand.limits import (
    rule_lim_misconduct,
    rule_lim_person_load,
    rule_lim_unit_ongoing,
    rule_lim_unit_overdue,
)
from jiebang.eligibility.rules.demand.priority import (
    rule_priority_common_tech,
    rule_priority_first_set,
    rule_priority_public_benefit,
)
from jiebang.eligibility.rules.demand.window_and_unit import (
    rule_at_issuer_kind,
    rule_credit_serious,
    rule_org_unverified,
    rule_tb_issuer_age,
    rule_tb_issuer_kind,
    rule_tb_issuer_local,
    rule_window_submit,
)

__all__ = [
    "DEMAND_RULES",
    "rule_at_ip_clear",
    "rule_at_issuer_kind",
    "rule_at_team",
    "rule_at_test_report",
    "rule_at_track_record",
    "rule_att_application_form",
    "rule_att_commit_leader",
    "rule_att_commit_unit",
    "rule_classified",
    "rule_credit_serious",
    "rule_ethics_review",
    "rule_fund_min",
    "rule_lim_misconduct",
    "rule_lim_person_load",
    "rule_lim_unit_ongoing",
    "rule_lim_unit_overdue",
    "rule_org_unverified",
    "rule_period_max",
    "rule_priority_common_tech",
    "rule_priority_first_set",
    "rule_priority_public_benefit",
    "rule_race_routes",
    "rule_tb_audit_reports",
    "rule_tb_content",
    "rule_tb_end_user",
    "rule_tb_funding_commit",
    "rule_tb_issuer_age",
    "rule_tb_issuer_kind",
    "rule_tb_issuer_local",
    "rule_tb_support_evidence",
    "rule_window_submit",
]


DEMAND_RULES: tuple[DemandRule, ...] = (
    DemandRule("WINDOW-SUBMIT", rule_window_submit, BOTH),
    DemandRule("ORG-UNVERIFIED", rule_org_unverified, BOTH),
    DemandRule("TB-ISSUER-LOCAL", rule_tb_issuer_local, TB),
    DemandRule("TB-ISSUER-KIND", rule_tb_issuer_kind, TB),
    DemandRule("TB-ISSUER-AGE", rule_tb_issuer_age, TB),
    # TB always; AT only where the call extends the check (decided inside the rule).
    DemandRule("CREDIT-SERIOUS", rule_credit_serious, BOTH),
    DemandRule("TB-END-USER", rule_tb_end_user, TB),
    DemandRule("TB-FUNDING-COMMIT", rule_tb_funding_commit, TB),
    DemandRule("TB-CONTENT", rule_tb_content, TB),
    DemandRule("TB-AUDIT-REPORTS", rule_tb_audit_reports, TB),
    DemandRule("TB-SUPPORT-EVIDENCE", rule_tb_support_evidence, TB),
    DemandRule("AT-ISSUER-KIND", rule_at_issuer_kind, AT),
    DemandRule("AT-TRACK-RECORD", rule_at_track_record, AT),
    DemandRule("AT-IP-CLEAR", rule_at_ip_clear, AT),
    DemandRule("AT-TEAM", rule_at_team, AT),
    DemandRule("AT-TEST-REPORT", rule_at_test_report, AT),
    DemandRule("FUND-MIN", rule_fund_min, BOTH),
    DemandRule("PERIOD-MAX", rule_period_max, BOTH),
    DemandRule("CLASSIFIED", rule_classified, BOTH),
    DemandRule("ATT-APPLICATION-FORM", rule_att_application_form, BOTH),
    DemandRule("ATT-COMMIT-UNIT", rule_att_commit_unit, BOTH),
    DemandRule("ATT-COMMIT-LEADER", rule_att_commit_leader, BOTH),
    DemandRule("LIM-UNIT-OVERDUE", rule_lim_unit_overdue, BOTH),
    DemandRule("LIM-UNIT-ONGOING", rule_lim_unit_ongoing, BOTH),
    DemandRule("LIM-PERSON-LOAD", rule_lim_person_load, BOTH),
    DemandRule("LIM-MISCONDUCT", rule_lim_misconduct, BOTH),
    DemandRule("RACE-ROUTES", rule_race_routes, BOTH),
    DemandRule("ETHICS-REVIEW", rule_ethics_review, BOTH),
    DemandRule("PRIORITY-COMMON-TECH", rule_priority_common_tech, BOTH),
    DemandRule("PRIORITY-FIRST-SET", rule_priority_first_set, BOTH),
    DemandRule("PRIORITY-PUBLIC-BENEFIT", rule_priority_public_benefit, BOTH),
)
