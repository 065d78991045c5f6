"""Excel exports of the project list (/projects/) and of the disbursements (资金拨付,
/projects/disbursements/) of the projects the user may see.

The project leader's ID number and phone are personal data, masked unless the exporter
holds the right (see `core.exports`).
"""

from django.db.models import Prefetch

from jiebang.core.exports import BOOL, DATE, DATETIME, INT, MONEY, Column, Export, register
from jiebang.demands.enums import Category
from jiebang.projects import selectors
from jiebang.projects.enums import DisbursementState, ProjectState, Trigger
from jiebang.proposals.models import ProposalTeamMember


def _leader(project):
    leaders = project.proposal.leaders
    return leaders[0].person if leaders else None


# What the columns read, and nothing else (see demands/exports.py).
PROJECT_FIELDS = (
    "code",
    "title",
    "category",
    "is_race",
    "state",
    "contract_amount",
    "fiscal_total",
    "start_on",
    "planned_end",
    "overdue_since",
    "initiated_at",
    "solver__name",
    "issuer__name",
    "call__year",
    "proposal__id",
)
LEADER_FIELDS = (
    "proposal",
    "person__name",
    "person__id_masked",
    "person__id_number",
    "person__phone_masked",
    "person__phone",
)


def _projects(user, params, masked: bool):
    team = (
        ProposalTeamMember.objects.filter(position=1).select_related("person").only(*LEADER_FIELDS)
    )
    if masked:
        team = team.defer("person__id_number", "person__phone")
    return (
        selectors.project_list(user, **selectors.project_list_filters(params))
        .select_related("proposal")
        .only(*PROJECT_FIELDS)
        .prefetch_related(Prefetch("proposal__team", queryset=team, to_attr="leaders"))
    )


def _disbursements(user, params, masked: bool):
    return selectors.disbursements_visible_to(
        user, **selectors.disbursement_list_filters(params)
    ).only(
        "trigger",
        "first_phase",
        "amount",
        "state",
        "approved_at",
        "paid_on",
        "note",
        "project__code",
        "project__title",
        "project__solver__name",
        "project__call__year",
    )


PROJECT_COLUMNS = (
    Column("项目编号", "code", width=20),
    Column("项目名称", "title", width=36),
    Column("类别", "category", choices=Category.choices, width=12),
    Column("赛马制", "is_race", kind=BOOL, width=8),
    Column("承担单位", "solver.name", width=28),
    Column("发榜单位", "issuer.name", width=28),
    Column("批次年度", "call.year", kind=INT, width=10),
    Column("技术合同金额（元）", "contract_amount", kind=MONEY, width=18),
    Column("财政资助总额（元）", "fiscal_total", kind=MONEY, width=18),
    Column("已拨付（元）", "paid_total", kind=MONEY, width=16),
    Column("开始日期", "start_on", kind=DATE, width=12),
    Column("计划结束日期", "planned_end", kind=DATE, width=12),
    Column("状态", "state", choices=ProjectState.choices, width=14),
    Column("逾期未验收起始日", "overdue_since", kind=DATE, width=14),
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
    Column("立项时间", "initiated_at", kind=DATETIME, width=18),
)

register(
    Export(
        name="projects",
        title="项目清单",
        permission="projects.view_own_projects",
        build=_projects,
        columns=PROJECT_COLUMNS,
        filter_keys=("state", "overdue", "q"),
        labels={"state": "状态", "overdue": "只看逾期", "q": "关键词"},
    )
)

DISBURSEMENT_COLUMNS = (
    Column("项目编号", "project.code", width=20),
    Column("项目名称", "project.title", width=36),
    Column("承担单位", "project.solver.name", width=28),
    Column("批次年度", "project.call.year", kind=INT, width=10),
    Column("拨付节点", "trigger", choices=Trigger.choices, width=22),
    Column("赛马制首期", "first_phase", kind=BOOL, width=10),
    Column("金额（元）", "amount", kind=MONEY, width=16),
    Column("状态", "state", choices=DisbursementState.choices, width=12),
    Column("审批时间", "approved_at", kind=DATETIME, width=18),
    Column("拨付日期", "paid_on", kind=DATE, width=12),
    Column("说明", "note", width=30),
)

register(
    Export(
        name="disbursements",
        title="资金拨付明细",
        permission="projects.view_own_projects",
        build=_disbursements,
        columns=DISBURSEMENT_COLUMNS,
        filter_keys=("state", "trigger", "call", "q", "paid_from", "paid_to"),
        labels={
            "state": "状态",
            "trigger": "拨付节点",
            "call": "批次",
            "q": "关键词",
            "paid_from": "到账日期起",
            "paid_to": "到账日期止",
        },
    )
)
