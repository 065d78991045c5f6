"""Excel exports of the demand lists: the unit's own list, the district desk, the bureau desk.

Each reads the same selector as its page (see `core.exports`); the leader's ID number and
the contact phone are personal data, masked unless the exporter holds the right.
"""

from django.db.models import Prefetch

from jiebang.core.exports import BOOL, DATETIME, INT, MONEY, Column, Export, register
from jiebang.demands import selectors
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import DemandTeamMember

DESK_FILTERS = ("state", "category")
LABELS = {"state": "状态", "category": "类别"}


def _leader(demand):
    leaders = demand.leaders
    return leaders[0].person if leaders else None


# What the columns read, and nothing else: a demand row is wide (long texts, and the call
# and the unit it joins carry JSON and encrypted columns), so loading only these keeps an
# export's memory and time down (bench/export_50k.py).
FIELDS = (
    "number",
    "title",
    "category",
    "state",
    "is_horse_race",
    "total_investment",
    "period_months",
    "contact_name",
    "contact_phone_masked",
    "contact_phone",
    "submitted_at",
    "updated_at",
    "organization__name",
    "organization__district__name",
    "call__year",
    "industry__name",
)
LEADER_FIELDS = ("demand", "person__name", "person__id_masked", "person__id_number")


def _for_export(queryset, masked: bool):
    """The page's rows with what the columns read: unit and district, the leader (team
    position 1). A masked export never loads (so never decrypts) the encrypted columns."""
    team = DemandTeamMember.objects.filter(position=1).select_related("person").only(*LEADER_FIELDS)
    queryset = queryset.select_related("organization__district", "call", "industry").only(*FIELDS)
    if masked:
        team = team.defer("person__id_number")
        queryset = queryset.defer("contact_phone")
    return queryset.prefetch_related(Prefetch("team", queryset=team, to_attr="leaders"))


COLUMNS = (
    Column("需求编号", "number", width=18),
    Column("需求名称", "title", width=36),
    Column("需求类别", "category", choices=Category.choices, width=12),
    Column("所属产业领域", "industry.name", width=14),
    Column("发榜单位", "organization.name", width=30),
    Column(
        "所在区县", lambda d: d.organization.district.name if d.organization.district_id else "市外"
    ),
    Column("批次年度", "call.year", kind=INT, width=10),
    Column("状态", "state", choices=DemandState.choices, width=12),
    Column("赛马制", "is_horse_race", kind=BOOL, width=8),
    Column("项目投入总额（元）", "total_investment", kind=MONEY, width=18),
    Column("实施周期（月）", "period_months", kind=INT, width=12),
    Column("项目负责人", lambda d: getattr(_leader(d), "name", None), width=12),
    Column(
        "负责人身份证号",
        lambda d: getattr(_leader(d), "id_masked", None),
        unmasked=lambda d: getattr(_leader(d), "id_number", None),
        width=22,
    ),
    Column("联系人", "contact_name", width=12),
    Column("联系电话", "contact_phone_masked", unmasked="contact_phone", width=16),
    Column("提交时间", "submitted_at", kind=DATETIME, width=18),
    Column("最后修改", "updated_at", kind=DATETIME, width=18),
)

register(
    Export(
        name="demands",
        title="本单位需求",
        permission="demands.list_own_demands",
        build=lambda user, params, masked: _for_export(
            selectors.demands_of_unit(user.organization), masked
        ),
        columns=COLUMNS,
    )
)
register(
    Export(
        name="district-demands",
        title="审核推荐需求",
        permission="demands.view_district_desk",
        build=lambda user, params, masked: _for_export(
            selectors.district_desk_list(user, params), masked
        ),
        columns=COLUMNS,
        filter_keys=DESK_FILTERS,
        labels=LABELS,
    )
)
register(
    Export(
        name="bureau-demands",
        title="形式审查需求",
        permission="demands.view_bureau_desk",
        build=lambda user, params, masked: _for_export(selectors.bureau_desk_list(params), masked),
        columns=COLUMNS,
        filter_keys=DESK_FILTERS,
        labels=LABELS,
    )
)
