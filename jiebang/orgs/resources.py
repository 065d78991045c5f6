"""Excel import and export of city-level S&T project history (市级科技计划项目).

One row per project, with the Chinese headers an office already uses (COLUMNS). The import
is all-or-nothing: every row is parsed and checked first (`parse_city_project_row`), each
problem reported against its column in Chinese; if any row is wrong the whole file is
rolled back. A good row is written by `save_city_project`: the unit is found by its USCC,
each team member is matched (or created) by the blind index of the ID number through
`orgs.services.upsert_person`, and the project's principals are replaced in file order.

The export masks ID numbers (`6501**********1234`), so an exported file cannot be
re-imported as is: the import asks for the full numbers.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field

from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.masking import mask_id_number
from jiebang.core.services import record_audit
from jiebang.core.validators import validate_id_number, validate_uscc
from jiebang.orgs import services
from jiebang.orgs.enums import CityProjectStatus, RecordSource
from jiebang.orgs.models import CityProject, CityProjectPrincipal, Organization, Person

COL_CODE = "项目编号"
COL_TITLE = "项目名称"
COL_USCC = "承担单位统一社会信用代码"
COL_YEAR = "立项年度"
COL_RND = "是否研发类"
COL_STATUS = "状态"
COL_PLANNED_END = "计划结束日期"
COL_ACCEPTED_ON = "验收日期"
# (name column, ID column) for positions 1, 2, 3.
MEMBER_COLUMNS = (
    ("负责人姓名", "负责人身份证号"),
    ("成员2姓名", "成员2身份证号"),
    ("成员3姓名", "成员3身份证号"),
)
COLUMNS = [
    COL_CODE,
    COL_TITLE,
    COL_USCC,
    COL_YEAR,
    COL_RND,
    COL_STATUS,
    COL_PLANNED_END,
    COL_ACCEPTED_ON,
    *(column for pair in MEMBER_COLUMNS for column in pair),
]
REQUIRED_COLUMNS = [
    COL_CODE,
    COL_TITLE,
    COL_USCC,
    COL_YEAR,
    COL_RND,
    COL_STATUS,
    COL_PLANNED_END,
    *MEMBER_COLUMNS[0],
]

STATUS_BY_LABEL = {
    "在研": CityProjectStatus.ONGOING,
    "已验收": CityProjectStatus.ACCEPTED,
    "已结题": CityProjectStatus.CONCLUDED,
    "已终止": CityProjectStatus.TERMINATED,
    "验收未通过": CityProjectStatus.FAILED,
}
LABEL_BY_STATUS = {value: label for label, value in STATUS_BY_LABEL.items()}
YES_VALUES = {"是", "Y", "YES", "TRUE", "1"}
NO_VALUES = {"否", "N", "NO", "FALSE", "0"}

DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class MemberRow:
    position: int
    name: str
    id_number: str


@dataclass(frozen=True)
class CityProjectRow:
    """One checked row of the import file, ready to be written."""

    code: str
    title: str
    organization: Organization
    year: int
    is_rnd: bool
    status: str
    planned_end: dt.date
    accepted_on: dt.date | None
    members: tuple[MemberRow, ...]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _name_key(name: str) -> str:
    """Names compared without spaces and with one kind of middle dot (艾力·买买提)."""
    return re.sub(r"[\s·•・.．]", "", name or "")


def _parse_date(value, column: str, errors: dict, required: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        if required:
            errors[column] = [_("请填写%(column)s。") % {"column": column}]
        return None
    match = DATE_RE.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    errors[column] = [_("“%(value)s”不是有效日期，请按 2024-08-30 的格式填写。") % {"value": text}]
    return None


def _parse_id_number(value, column: str, errors: dict) -> str:
    if isinstance(value, float):
        errors[column] = [
            _("身份证号在表格中被保存为数字，末几位已丢失，请将该列设置为文本格式后重新填写。")
        ]
        return ""
    text = _text(value).upper()
    if "*" in text:
        errors[column] = [
            _("身份证号“%(value)s”是脱敏号码，导入时请填写完整的18位号码。") % {"value": text}
        ]
        return ""
    try:
        validate_id_number(text)
    except ValidationError as exc:
        errors[column] = [f"“{mask_id_number(text)}”：{message}" for message in exc.messages]
        return ""
    return text


def parse_city_project_row(row: Mapping) -> CityProjectRow:
    """Check one row of the import file; every problem is reported against its column.

    Raises ValidationError({column: [Chinese message, ...]}) when anything is wrong.
    Reads the database (the unit by USCC, an existing project, people by blind index) but
    writes nothing.
    """
    errors: dict[str, list[str]] = {}

    code = _text(row.get(COL_CODE))
    if not code:
        errors[COL_CODE] = [_("请填写项目编号。")]
    elif len(code) > 64:
        errors[COL_CODE] = [_("项目编号不能超过64个字符。")]
    else:
        existing = CityProject.objects.filter(code=code).only("source").first()
        if existing is not None and existing.source == RecordSource.PLATFORM:
            errors[COL_CODE] = [
                _("项目编号 %(code)s 是本平台立项的项目，不能通过导入修改。") % {"code": code}
            ]

    title = _text(row.get(COL_TITLE))
    if not title:
        errors[COL_TITLE] = [_("请填写项目名称。")]
    elif len(title) > 255:
        errors[COL_TITLE] = [_("项目名称不能超过255个字符。")]

    organization = None
    uscc = _text(row.get(COL_USCC)).upper()
    if not uscc:
        errors[COL_USCC] = [_("请填写承担单位统一社会信用代码。")]
    else:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            errors[COL_USCC] = list(exc.messages)
        else:
            organization = Organization.objects.filter(uscc=uscc).first()
            if organization is None:
                errors[COL_USCC] = [
                    _(
                        "未找到统一社会信用代码为 %(uscc)s 的单位：请先在平台注册该单位，或核对代码。"
                    )
                    % {"uscc": uscc}
                ]

    year = None
    year_text = _text(row.get(COL_YEAR))
    if not year_text:
        errors[COL_YEAR] = [_("请填写立项年度。")]
    elif not year_text.isdigit() or not 1990 <= int(year_text) <= clock.today().year + 1:
        errors[COL_YEAR] = [
            _("立项年度“%(value)s”无效，应为四位年份，例如 2023。") % {"value": year_text}
        ]
    else:
        year = int(year_text)

    is_rnd = None
    raw_rnd = row.get(COL_RND)
    rnd_text = (
        "TRUE" if raw_rnd is True else "FALSE" if raw_rnd is False else _text(raw_rnd).upper()
    )
    if rnd_text in YES_VALUES:
        is_rnd = True
    elif rnd_text in NO_VALUES:
        is_rnd = False
    else:
        errors[COL_RND] = [_("是否研发类应填写“是”或“否”。")]

    status_text = _text(row.get(COL_STATUS))
    status = STATUS_BY_LABEL.get(status_text)
    if status is None:
        errors[COL_STATUS] = [
            _("状态应为以下之一：%(choices)s。") % {"choices": "、".join(STATUS_BY_LABEL)}
        ]

    planned_end = _parse_date(row.get(COL_PLANNED_END), COL_PLANNED_END, errors, required=True)
    accepted_on = _parse_date(row.get(COL_ACCEPTED_ON), COL_ACCEPTED_ON, errors, required=False)
    if (
        status == CityProjectStatus.ACCEPTED
        and accepted_on is None
        and COL_ACCEPTED_ON not in errors
    ):
        errors[COL_ACCEPTED_ON] = [_("状态为“已验收”的项目请填写验收日期。")]

    members: list[MemberRow] = []
    seen: dict[str, str] = {}
    gap_at = None
    for position, (name_column, id_column) in enumerate(MEMBER_COLUMNS, 1):
        name = _text(row.get(name_column))
        raw_id = row.get(id_column)
        if not name and not _text(raw_id):
            if position == 1:
                errors[name_column] = [_("请填写项目负责人姓名。")]
                errors[id_column] = [_("请填写项目负责人身份证号。")]
            gap_at = gap_at or position
            continue
        if gap_at is not None:
            errors[name_column] = [
                _("成员%(n)d之前的成员为空：请按顺序从负责人开始填写。") % {"n": position}
            ]
            continue
        if not name:
            errors[name_column] = [_("填写了身份证号，请同时填写姓名。")]
        id_number = _parse_id_number(raw_id, id_column, errors)
        if not id_number:
            if id_column not in errors:
                errors[id_column] = [_("填写了姓名，请同时填写身份证号。")]
            continue
        if id_number in seen:
            errors[id_column] = [
                _("与%(other)s是同一身份证号，同一项目中一人只能出现一次。")
                % {"other": seen[id_number]}
            ]
            continue
        seen[id_number] = name_column.removesuffix("姓名")
        known = Person.objects.filter(id_index=blind_index(id_number)).only("name").first()
        if name and known is not None and _name_key(known.name) != _name_key(name):
            errors[name_column] = [
                _("身份证号 %(id)s 已登记的姓名为“%(known)s”，与本行的“%(name)s”不一致，请核对。")
                % {"id": mask_id_number(id_number), "known": known.name, "name": name}
            ]
            continue
        if name:
            members.append(MemberRow(position, name, id_number))

    if errors:
        raise ValidationError(errors)
    return CityProjectRow(
        code=code,
        title=title,
        organization=organization,
        year=year,
        is_rnd=is_rnd,
        status=status,
        planned_end=planned_end,
        accepted_on=accepted_on,
        members=tuple(members),
    )


def apply_city_project_row(project: CityProject, data: CityProjectRow) -> CityProject:
    """Copy a checked row onto a project instance (unsaved)."""
    project.code = data.code
    project.title = data.title
    project.organization = data.organization
    project.year = data.year
    project.is_rnd = data.is_rnd
    project.status = data.status
    project.planned_end = data.planned_end
    project.accepted_on = data.accepted_on
    project.source = RecordSource.IMPORTED
    return project


@transaction.atomic
def save_city_project(data: CityProjectRow, project: CityProject | None = None) -> CityProject:
    """Write one checked row: the project (created or updated by its code) and its team.

    Side effects: the CityProject (source = imported); a Person per team member, matched or
    created by the ID blind index (`upsert_person`: one row per natural person, never a
    duplicate); the project's CityProjectPrincipal rows replaced, positions in file order.
    """
    if project is None:
        project = CityProject.objects.filter(code=data.code).first() or CityProject()
    apply_city_project_row(project, data)
    project.save()
    people = [
        (member.position, services.upsert_person(name=member.name, id_number=member.id_number))
        for member in data.members
    ]
    project.principals.all().delete()
    CityProjectPrincipal.objects.bulk_create(
        CityProjectPrincipal(project=project, person=person, position=position)
        for position, person in people
    )
    return project


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "是" if value else "否"


class StatusWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return LABEL_BY_STATUS.get(value, value or "")


class CityProjectResource(resources.ModelResource):
    """City-project history with Chinese headers; rows are checked and written by the
    functions above, so the admin, a task and a test all import the same way."""

    code = Field(attribute="code", column_name=COL_CODE)
    title = Field(attribute="title", column_name=COL_TITLE)
    organization = Field(
        attribute="organization",
        column_name=COL_USCC,
        widget=widgets.ForeignKeyWidget(Organization, field="uscc"),
    )
    year = Field(attribute="year", column_name=COL_YEAR, widget=widgets.IntegerWidget())
    is_rnd = Field(attribute="is_rnd", column_name=COL_RND, widget=YesNoWidget())
    status = Field(attribute="status", column_name=COL_STATUS, widget=StatusWidget())
    planned_end = Field(
        attribute="planned_end", column_name=COL_PLANNED_END, widget=widgets.DateWidget("%Y-%m-%d")
    )
    accepted_on = Field(
        attribute="accepted_on", column_name=COL_ACCEPTED_ON, widget=widgets.DateWidget("%Y-%m-%d")
    )
    member1_name = Field(column_name=MEMBER_COLUMNS[0][0], readonly=True)
    member1_id = Field(column_name=MEMBER_COLUMNS[0][1], readonly=True)
    member2_name = Field(column_name=MEMBER_COLUMNS[1][0], readonly=True)
    member2_id = Field(column_name=MEMBER_COLUMNS[1][1], readonly=True)
    member3_name = Field(column_name=MEMBER_COLUMNS[2][0], readonly=True)
    member3_id = Field(column_name=MEMBER_COLUMNS[2][1], readonly=True)

    class Meta:
        model = CityProject
        name = "市级科技计划项目（历史数据）"
        fields = (
            "code",
            "title",
            "organization",
            "year",
            "is_rnd",
            "status",
            "planned_end",
            "accepted_on",
            "member1_name",
            "member1_id",
            "member2_name",
            "member2_id",
            "member3_name",
            "member3_id",
        )
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)
        use_transactions = True
        clean_model_instances = False
        skip_unchanged = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._row_data: CityProjectRow | None = None

    # -- import ---------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs):
        """All or nothing: always inside a transaction, rolled back on any invalid row."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        # Blank lines at the end of a sheet are not rows.
        for index in reversed(range(len(dataset))):
            if all(_text(cell) == "" for cell in dataset[index]):
                del dataset[index]
        headers = [_text(h) for h in (dataset.headers or [])]
        dataset.headers = headers
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            raise ValueError(
                _("导入文件缺少以下列：%(columns)s。请使用导出的表格作为模板。")
                % {"columns": "、".join(missing)}
            )
        for column in COLUMNS:
            if column not in headers:
                dataset.append_col([""] * len(dataset), header=column)

    def before_import_row(self, row, **kwargs):
        self._row_data = None
        row[COL_CODE] = _text(row.get(COL_CODE))
        self._row_data = parse_city_project_row(row)

    def import_instance(self, instance, row, **kwargs):
        apply_city_project_row(instance, self._row_data)

    def do_instance_save(self, instance, is_create):
        save_city_project(self._row_data, project=instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        if not len(dataset):
            return
        totals = {kind: count for kind, count in result.totals.items() if count}
        record_audit(
            action="city_project.imported",
            actor=kwargs.get("user"),
            summary=f"导入市级科技计划项目 {len(dataset)} 行",
            data={"file": kwargs.get("file_name", ""), "totals": totals},
        )

    # -- export ---------------------------------------------------------------------------

    def get_queryset(self):
        return CityProject.objects.select_related("organization").prefetch_related(
            "principals__person"
        )

    def _member(self, project, position):
        if project.pk is None:
            return None
        # Six columns read the same team: load it once per instance (prefetched on export).
        team = project.__dict__.get("_team_by_position")
        if team is None:
            principals = project.principals.all()
            if "principals" not in getattr(project, "_prefetched_objects_cache", {}):
                principals = principals.select_related("person")
            team = {p.position: p.person for p in principals}
            project.__dict__["_team_by_position"] = team
        return team.get(position)

    def _member_name(self, project, position):
        person = self._member(project, position)
        return person.name if person else ""

    def _member_id(self, project, position):
        person = self._member(project, position)
        if person is None:
            return ""
        return person.id_masked or mask_id_number(person.id_number)

    def dehydrate_member1_name(self, project):
        return self._member_name(project, 1)

    def dehydrate_member1_id(self, project):
        return self._member_id(project, 1)

    def dehydrate_member2_name(self, project):
        return self._member_name(project, 2)

    def dehydrate_member2_id(self, project):
        return self._member_id(project, 2)

    def dehydrate_member3_name(self, project):
        return self._member_name(project, 3)

    def dehydrate_member3_id(self, project):
        return self._member_id(project, 3)
