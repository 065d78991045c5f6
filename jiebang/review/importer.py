"""Excel import of the expert pool (评审专家库): one row per expert, checked row by row,
all or nothing. New expert accounts get a random initial password shown once to the bureau."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import load_workbook

from jiebang.calls.models import Industry
from jiebang.core.errors import DomainError
from jiebang.core.validators import is_valid_id_number, is_valid_mobile
from jiebang.orgs.enums import Role
from jiebang.orgs.models import Organization
from jiebang.orgs.services import assign_roles, set_mobile, upsert_person
from jiebang.review.services import save_expert

COLUMNS = [
    "姓名",
    "身份证号",
    "手机",
    "用户名",
    "单位统一社会信用代码",
    "单位名称",
    "职称",
    "产业领域",
    "关键词",
    "简介",
    "主持或参与的项目",
    "代表性成果",
    "评审上限",
]
REQUIRED = ["姓名", "身份证号", "手机", "用户名"]
PROGRESS_EVERY = 10  # rows between two progress reports


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, initial password)


def read_rows(uploaded_file) -> list[dict]:
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as bad:  # openpyxl raises many types for a non-xlsx file
        raise DomainError(
            "IMPORT-FORMAT", "无法读取该文件，请上传 Excel（.xlsx）格式的专家信息表。"
        ) from bad
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DomainError(
            "IMPORT-FORMAT", f"表头缺少必填列：{'、'.join(missing)}。请使用模板中的列名。"
        )
    result = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append(
            {
                h: ("" if v is None else str(v).strip())
                for h, v in zip(header, values, strict=False)
                if h
            }
        )
    return result


@transaction.atomic
def import_experts(*, uploaded_file, by, progress=None) -> ImportReport:
    """Validate every row, then create or update the experts and their accounts.

    Errors are collected for all rows (row number and Chinese message) and nothing is
    written when any row is wrong. `progress(done, total)` is told as rows are written
    (a background import shows it; the rows themselves appear only at the end, at once).
    """
    rows = read_rows(uploaded_file)
    tell = progress or (lambda done, total: None)
    tell(0, len(rows))
    errors = []
    industries = {i.name: i for i in Industry.objects.all()}
    units = {
        o.uscc: o
        for o in Organization.objects.filter(
            uscc__in=[r.get("单位统一社会信用代码", "") for r in rows]
        )
    }
    user_model = get_user_model()
    for n, row in enumerate(rows, 2):
        for column in REQUIRED:
            if not row.get(column):
                errors.append(f"第{n}行：“{column}”不能为空。")
        if row.get("身份证号") and not is_valid_id_number(row["身份证号"].upper()):
            errors.append(f"第{n}行：身份证号不正确。")
        if row.get("手机") and not is_valid_mobile(row["手机"]):
            errors.append(f"第{n}行：手机号码不正确。")
        uscc = row.get("单位统一社会信用代码", "")
        if uscc and uscc not in units:
            errors.append(f"第{n}行：未找到统一社会信用代码为 {uscc} 的注册单位。")
        for name in filter(
            None, row.get("产业领域", "").replace("，", "、").replace(",", "、").split("、")
        ):
            if name.strip() not in industries:
                errors.append(f"第{n}行：未知的产业领域“{name.strip()}”。")
        load = row.get("评审上限", "")
        if load and not load.split(".")[0].isdigit():
            errors.append(f"第{n}行：评审上限应为正整数。")
    if errors:
        raise DomainError(
            "IMPORT-INVALID", f"专家信息表有 {len(errors)} 处错误，未导入任何数据。", details=errors
        )
    report = ImportReport()
    for written, row in enumerate(rows, 1):
        unit = units.get(row.get("单位统一社会信用代码", ""))
        person = upsert_person(
            name=row["姓名"],
            id_number=row["身份证号"],
            phone=row["手机"],
            title=row.get("职称", ""),
            organization=unit,
        )
        user = user_model.objects.filter(username=row["用户名"]).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = user_model(username=row["用户名"], real_name=row["姓名"])
            set_mobile(user, row["手机"])
            user.set_password(password)
            user.save()
            assign_roles(user, Role.EXPERT)
            report.accounts.append((user.username, password))
        existed = hasattr(person, "expert_profile")
        save_expert(
            person=person,
            by=by,
            user=user,
            organization=unit,
            unit_name=row.get("单位名称", "") or (unit.name if unit else ""),
            title=row.get("职称", ""),
            keywords=row.get("关键词", ""),
            bio=row.get("简介", ""),
            past_projects=row.get("主持或参与的项目", ""),
            publications=row.get("代表性成果", ""),
            max_load=int(row["评审上限"].split(".")[0]) if row.get("评审上限") else 10,
            industries=[
                industries[n.strip()]
                for n in filter(
                    None, row.get("产业领域", "").replace("，", "、").replace(",", "、").split("、")
                )
            ],
        )
        if existed:
            report.updated += 1
        else:
            report.created += 1
        if written % PROGRESS_EVERY == 0 or written == len(rows):
            tell(written, len(rows))
    return report
