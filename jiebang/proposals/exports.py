"""Excel exports of the proposal lists: the unit's own (我的揭榜), the issuer's received
proposals (收到的揭榜申请) and the selection desk.

The leader's ID number and phone are personal data, masked unless the exporter holds the
right (see `core.exports`).
"""

from django.db.models import Prefetch

from jiebang.core.exports import DATETIME, INT, MONEY, Column, Export, register
from jiebang.proposals import selectors
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import ProposalTeamMember


def _leader(proposal):
    leaders = proposal.leaders
    return leaders[0].person if leaders else None


# What the columns read, and nothing else (see demands/exports.py).
FIELDS = (
    "number",
    "state",
    "budget_total",
    "submitted_at",
    "updated_at",
    "demand__number",
    "demand__title",
    "demand__organization__name",
    "lead__name",
    "route__name",
)
LEADER_FIELDS = (
    "proposal",
    "person__name",
    "person__id_masked",
    "person__id_number",
    "person__phone_masked",
    "person__phone",
)


def _for_export(queryset, masked: bool, fields=FIELDS):
    team = (
        ProposalTeamMember.objects.filter(position=1).select_related("person").only(*LEADER_FIELDS)
    )
    if masked:
        team = team.defer("person__id_number", "person__phone")
    return (
        queryset.select_related("demand__organization", "lead", "route")
        .only(*fields)
        .prefetch_related(Prefetch("team", queryset=team, to_attr="leaders"))
    )


COLUMNS = (
    Column("揭榜编号", "number", width=20),
    Column("榜单编号", "demand.number", width=18),
    Column("榜单名称", "demand.title", width=36),
    Column("发榜单位", "demand.organization.name", width=28),
    Column("牵头单位", "lead.name", width=28),
    Column("技术路线", "route.name", width=16),
    Column("状态", "state", choices=ProposalState.choices, width=14),
    Column("预算总额（元）", "budget_total", kind=MONEY, width=18),
    Column("项目负责人", lambda p: getattr(_leader(p), "name", None), width=12),
    Column(
        "负责人身份证号",
        lambda p: getattr(_leader(p), "id_masked", None),
        unmasked=lambda p: getattr(_leader(p), "id_number", None),
        width=22,
    ),
    Column(
        "负责人电话",
        lambda p: getattr(_leader(p), "phone_masked", None),
        unmasked=lambda p: getattr(_leader(p), "phone", None),
        width=16,
    ),
    Column("提交时间", "submitted_at", kind=DATETIME, width=18),
    Column("最后修改", "updated_at", kind=DATETIME, width=18),
)

register(
    Export(
        name="proposals",
        title="我的揭榜",
        permission="proposals.view_own_proposals",
        build=lambda user, params, masked: _for_export(selectors.own_proposals(user), masked),
        columns=COLUMNS,
    )
)
# The issuer's page also shows its preference order (意向排序).
RECEIVED_COLUMNS = (
    *COLUMNS[:7],
    Column("意向排序", "issuer_rank", kind=INT, width=10),
    *COLUMNS[7:],
)

register(
    Export(
        name="received-proposals",
        title="收到的揭榜申请",
        permission="proposals.view_own_proposals",
        build=lambda user, params, masked: _for_export(
            selectors.received_proposals(user), masked, (*FIELDS, "issuer_rank")
        ),
        columns=RECEIVED_COLUMNS,
    )
)
register(
    Export(
        name="selection-proposals",
        title="揭榜评选",
        permission="proposals.view_selection_desk",
        build=lambda user, params, masked: _for_export(
            selectors.selection_desk_list(params), masked
        ),
        columns=COLUMNS,
        filter_keys=("state",),
        labels={"state": "状态"},
    )
)
