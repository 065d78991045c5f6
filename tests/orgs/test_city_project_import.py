"""Excel import / export of city-project history through the import-export resource."""

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook, load_workbook

from jiebang.core.crypto import blind_index
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import CityProjectStatus, RecordSource
from jiebang.orgs.models import CityProject, CityProjectPrincipal, Person
from jiebang.orgs.resources import COLUMNS, CityProjectResource, parse_city_project_row
from jiebang.orgs.services import upsert_person
from tests.factories import OrganizationFactory, UserFactory, make_id_number, make_uscc

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ID_ZHANG = make_id_number(11, "19800101")
ID_LI = make_id_number(22, "19850505")
ID_WANG = make_id_number(33, "19900909")
ID_ZHAO = make_id_number(44, "19751212")
UNKNOWN_USCC = make_uscc(999_999)


def bad_check_digit(id_number: str) -> str:
    last = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + last


def row(code, uscc, **values):
    data = {
        "项目编号": code,
        "项目名称": f"项目{code}",
        "承担单位统一社会信用代码": uscc,
        "立项年度": 2022,
        "是否研发类": "是",
        "状态": "在研",
        "计划结束日期": dt.datetime(2025, 12, 31),
        "验收日期": None,
        "负责人姓名": "张三",
        "负责人身份证号": ID_ZHANG,
        "成员2姓名": None,
        "成员2身份证号": None,
        "成员3姓名": None,
        "成员3身份证号": None,
    }
    data.update(values)
    return data


def xlsx(rows, headers=COLUMNS) -> bytes:
    """A workbook as an office would fill it: ID numbers as text, dates as date cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    sheet.append([None] * len(headers))  # a trailing blank line, as sheets often have
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_xlsx(content: bytes, dry_run=False, user=None):
    dataset = XLSX().create_dataset(content)
    return CityProjectResource().import_data(
        dataset, dry_run=dry_run, user=user, file_name="历史项目.xlsx"
    )


def errors_of(result) -> dict[int, dict[str, list[str]]]:
    return {r.number: r.error_dict for r in result.invalid_rows}


@pytest.fixture
def units():
    return OrganizationFactory(name="新疆甲科技有限公司"), OrganizationFactory(name="新疆乙大学")


def test_import_creates_projects_with_principals_in_order(units):
    unit_a, unit_b = units
    content = xlsx(
        [
            row(
                "WKJ-2022-001",
                unit_a.uscc,
                成员2姓名="李四",
                成员2身份证号=ID_LI,
                成员3姓名="王五",
                成员3身份证号=ID_WANG,
            ),
            row(
                "WKJ-2021-007",
                unit_b.uscc.lower(),  # codes are normalised
                立项年度="2021",
                是否研发类="否",
                状态="已验收",
                计划结束日期="2023-12-31",
                验收日期="2024/03/15",
                负责人姓名="李四",
                负责人身份证号=ID_LI,
            ),
        ]
    )
    importer = UserFactory()
    result = import_xlsx(content, user=importer)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    first = CityProject.objects.get(code="WKJ-2022-001")
    assert first.organization == unit_a and first.year == 2022 and first.is_rnd
    assert first.status == CityProjectStatus.ONGOING
    assert first.planned_end == dt.date(2025, 12, 31) and first.accepted_on is None
    assert first.source == RecordSource.IMPORTED
    assert [(p.position, p.person.name) for p in first.principals.select_related("person")] == [
        (1, "张三"),
        (2, "李四"),
        (3, "王五"),
    ]
    second = CityProject.objects.get(code="WKJ-2021-007")
    assert second.organization == unit_b and second.year == 2021 and not second.is_rnd
    assert second.status == CityProjectStatus.ACCEPTED
    assert second.planned_end == dt.date(2023, 12, 31)
    assert second.accepted_on == dt.date(2024, 3, 15)

    # 李四 is one natural person under both projects, found by the blind index.
    assert Person.objects.count() == 3
    li = Person.objects.get(id_index=blind_index(ID_LI))
    assert li.name == "李四" and li.id_number == ID_LI
    assert li.id_masked == ID_LI[:4] + "*" * 10 + ID_LI[-4:]
    assert set(li.city_project_roles.values_list("project__code", "position")) == {
        ("WKJ-2022-001", 2),
        ("WKJ-2021-007", 1),
    }
    entry = AuditEntry.objects.get(action="city_project.imported")
    assert entry.actor == importer and entry.data["totals"] == {"new": 2}


def test_existing_person_is_matched_not_duplicated(units):
    known = upsert_person(name="张三", id_number=ID_ZHANG, title="教授", organization=units[1])
    result = import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc)]))
    assert not result.has_validation_errors()
    assert Person.objects.count() == 1
    principal = CityProjectPrincipal.objects.get()
    assert principal.person == known
    known.refresh_from_db()
    assert known.title == "教授" and known.organization == units[1]  # untouched


def test_reimport_updates_the_project_and_replaces_its_team_in_order(units):
    import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc, 成员2姓名="李四", 成员2身份证号=ID_LI)]))
    result = import_xlsx(
        xlsx(
            [
                row(
                    "WKJ-2022-001",
                    units[0].uscc,
                    项目名称="改名后的项目",
                    状态="已终止",
                    负责人姓名="赵六",
                    负责人身份证号=ID_ZHAO,
                    成员2姓名="张三",
                    成员2身份证号=ID_ZHANG,
                )
            ]
        )
    )
    assert result.totals["update"] == 1
    project = CityProject.objects.get()
    assert project.title == "改名后的项目" and project.status == CityProjectStatus.TERMINATED
    assert list(project.principals.values_list("position", "person__name")) == [
        (1, "赵六"),
        (2, "张三"),
    ]
    assert Person.objects.count() == 3  # 李四 stays a person, no longer on the team


def test_dry_run_writes_nothing(units):
    result = import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc)]), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    assert CityProject.objects.count() == 0 and Person.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(units):
    content = xlsx(
        [
            row("WKJ-2022-001", units[0].uscc, 成员2姓名="李四", 成员2身份证号=ID_LI),
            row("WKJ-2022-002", units[0].uscc, 负责人身份证号=bad_check_digit(ID_WANG)),
            row("WKJ-2022-003", UNKNOWN_USCC),
        ]
    )
    result = import_xlsx(content, dry_run=False)

    assert result.has_validation_errors()
    errors = errors_of(result)
    assert set(errors) == {2, 3}
    assert list(errors[2]) == ["负责人身份证号"]
    assert "校验位不正确" in errors[2]["负责人身份证号"][0]
    assert ID_WANG[4:14] not in errors[2]["负责人身份证号"][0]  # the message masks the number
    assert list(errors[3]) == ["承担单位统一社会信用代码"]
    assert (
        f"未找到统一社会信用代码为 {UNKNOWN_USCC} 的单位"
        in errors[3]["承担单位统一社会信用代码"][0]
    )
    # All or nothing: even the good first row and its people were rolled back.
    assert CityProject.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_missing_columns_are_a_file_error(units):
    headers = [h for h in COLUMNS if h != "负责人身份证号"]
    result = import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc)], headers=headers))
    assert result.has_errors()
    assert "导入文件缺少以下列：负责人身份证号" in str(result.base_errors[0].error)
    assert CityProject.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "column", "fragment"),
    [
        ({"负责人身份证号": "6501**********0011"}, "负责人身份证号", "脱敏号码"),
        ({"负责人身份证号": 6.501021980010101e17}, "负责人身份证号", "文本格式"),
        ({"负责人身份证号": "65010219800101"}, "负责人身份证号", "应为18位"),
        ({"负责人姓名": ""}, "负责人姓名", "请同时填写姓名"),
        ({"成员3姓名": "王五", "成员3身份证号": ID_WANG}, "成员3姓名", "请按顺序"),
        ({"成员2姓名": "张三", "成员2身份证号": ID_ZHANG}, "成员2身份证号", "同一身份证号"),
        ({"状态": "进行中"}, "状态", "在研、已验收、已结题、已终止、验收未通过"),
        ({"是否研发类": "可能"}, "是否研发类", "“是”或“否”"),
        ({"状态": "已验收"}, "验收日期", "请填写验收日期"),
        ({"计划结束日期": "明年"}, "计划结束日期", "不是有效日期"),
        ({"立项年度": "22"}, "立项年度", "四位年份"),
        ({"承担单位统一社会信用代码": "91650100123"}, "承担单位统一社会信用代码", "应为18位"),
        ({"项目编号": ""}, "项目编号", "请填写项目编号"),
    ],
)
def test_row_checks(units, values, column, fragment):
    with pytest.raises(ValidationError) as caught:
        parse_city_project_row(row("WKJ-2022-009", units[0].uscc, **values))
    messages = caught.value.message_dict
    assert column in messages, messages
    assert any(fragment in m for m in messages[column]), messages


def test_a_known_id_number_under_another_name_is_refused(units):
    upsert_person(name="张三", id_number=ID_ZHANG)
    with pytest.raises(ValidationError) as caught:
        parse_city_project_row(row("WKJ-2022-009", units[0].uscc, 负责人姓名="张叁"))
    assert "已登记的姓名为“张三”" in caught.value.message_dict["负责人姓名"][0]
    # Spacing and the middle dot of minority names are not a difference.
    upsert_person(name="艾力·买买提", id_number=ID_LI)
    parsed = parse_city_project_row(
        row("WKJ-2022-009", units[0].uscc, 负责人姓名="艾力 买买提", 负责人身份证号=ID_LI)
    )
    assert parsed.members[0].id_number == ID_LI


def test_platform_projects_cannot_be_overwritten_by_an_import(units):
    CityProject.objects.create(
        code="WKJ-2022-001",
        title="本平台项目",
        organization=units[0],
        year=2022,
        status=CityProjectStatus.ONGOING,
        planned_end=dt.date(2026, 1, 1),
        source=RecordSource.PLATFORM,
    )
    result = import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc)]))
    assert "本平台立项的项目" in errors_of(result)[1]["项目编号"][0]
    assert CityProject.objects.get().title == "本平台项目"


def test_export_masks_id_numbers(units):
    import_xlsx(xlsx([row("WKJ-2022-001", units[0].uscc, 成员2姓名="李四", 成员2身份证号=ID_LI)]))
    dataset = CityProjectResource().export()
    assert dataset.headers == COLUMNS
    exported = dict(zip(dataset.headers, dataset[0], strict=True))
    assert exported["项目编号"] == "WKJ-2022-001"
    assert exported["承担单位统一社会信用代码"] == units[0].uscc
    assert exported["是否研发类"] == "是" and exported["状态"] == "在研"
    assert exported["计划结束日期"] == "2025-12-31"
    assert exported["负责人姓名"] == "张三"
    assert exported["负责人身份证号"] == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    assert exported["成员2身份证号"] == ID_LI[:4] + "*" * 10 + ID_LI[-4:]
    assert exported["成员3姓名"] == "" and exported["成员3身份证号"] == ""
    content = XLSX().export_data(dataset)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(c.value) for r in sheet.iter_rows() for c in r}
    assert ID_ZHANG not in cells and ID_LI not in cells


def _format_index(formats, cls):
    return next(i for i, f in enumerate(formats) if f is cls)


def test_admin_import_and_export(units, client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    model_admin = admin.site._registry[CityProject]

    # Import: the dry run shows errors and offers no confirmation for a bad file ...
    bad = xlsx([row("WKJ-2022-001", UNKNOWN_USCC)])
    response = client.post(
        reverse("admin:orgs_cityproject_import"),
        {
            "format": _format_index(model_admin.get_import_formats(), XLSX),
            "resource": 0,
            "import_file": _upload(bad),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "未找到统一社会信用代码" in page and "confirm_form" not in response.context
    assert CityProject.objects.count() == 0

    # ... and for a good one, the confirmed import writes the rows.
    good = xlsx([row("WKJ-2022-001", units[0].uscc)])
    response = client.post(
        reverse("admin:orgs_cityproject_import"),
        {
            "format": _format_index(model_admin.get_import_formats(), XLSX),
            "resource": 0,
            "import_file": _upload(good),
        },
    )
    confirm = response.context["confirm_form"]
    response = client.post(
        reverse("admin:orgs_cityproject_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )
    assert response.status_code == 302
    assert CityProject.objects.get().principals.get().person.name == "张三"
    assert AuditEntry.objects.filter(action="city_project.imported", actor=staff).count() == 1

    # Export: masked, and audited.
    fields = {f"cityprojectresource_{name}": "on" for name in CityProjectResource().fields}
    response = client.post(
        reverse("admin:orgs_cityproject_export"),
        {"format": _format_index(model_admin.get_export_formats(), XLSX), "resource": 0, **fields},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == COLUMNS
    assert values[1][COLUMNS.index("负责人身份证号")] == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    assert AuditEntry.objects.filter(action="city_project.exported", actor=staff).count() == 1


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "历史项目.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
