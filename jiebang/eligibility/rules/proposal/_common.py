"""Small helpers the proposal rule modules share: attachment kinds, how a solver unit is
named in a message, where its fix is, credit-record and penalty wording."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from jiebang.eligibility.rules import join_problems
from jiebang.eligibility.rules.demand._common import _day, _label, _source
from jiebang.eligibility.snapshots import CreditSnapshot, MemberSnapshot
from jiebang.orgs.enums import CreditKind

# Attachment kinds of a proposal (`ProposalSnapshot.attachment_kinds`), as the proposals
# app stores them (`proposals.enums.ProposalAttachmentKind`).
ATT_PLAN = "plan"
ATT_CONSORTIUM_AGREEMENT = "consortium_agreement"
PROPOSAL_ATTACHMENT_KINDS: dict[str, str] = {
    ATT_PLAN: N_("技术方案"),
    ATT_CONSORTIUM_AGREEMENT: N_("联合体协议"),
}

LEAD = "lead"  # `MemberSnapshot.role` of the lead unit (牵头单位)


def is_lead(member: MemberSnapshot) -> bool:
    return member.role == LEAD


def member_label(member: MemberSnapshot) -> str:
    """`揭榜方成员“甲公司”`: every solver unit, the lead included, is named this way."""
    return _("揭榜方成员“{name}”").format(name=member.org.name)


def member_field(member: MemberSnapshot) -> str:
    """`Finding.field` for a finding about one solver unit: "members" for a consortium
    member (the applicant can replace it in the form), empty for the lead (the fix is on
    the unit's record or outside the form)."""
    return "" if is_lead(member) else "members"


def replace_hint(member: MemberSnapshot) -> str:
    """The closing sentence offered for a consortium member (empty for the lead)."""
    if is_lead(member):
        return ""
    return _("也可将该单位移出联合体或更换为符合条件的成员单位。")


def credit_record_text(records: list[CreditSnapshot]) -> str:
    """`严重失信（认定日期2023-05-10，依据：…）；科研失信（…）`."""
    return join_problems(
        _("{kind}（认定日期{day}，依据：{source}）").format(
            kind=_label(CreditKind, record.kind),
            day=_day(record.decided_on),
            source=_source(record),
        )
        for record in records
    )


def penalty_text(records: list[CreditSnapshot]) -> str:
    """`惩戒期2023-01-01至2025-12-31，依据：…` per record, as the demand rules word it."""
    return join_problems(
        _("惩戒期{start}至{end}，依据：{source}").format(
            start=_day(record.penalty_start),
            end=_day(record.penalty_end) if record.penalty_end else _("长期"),
            source=_source(record),
        )
        for record in records
    )
