"""Excel imports as background jobs (core.imports), through the expert pool's import: the file
checked by its bytes and size, the job's progress and outcome on its page, the initial
passwords shown once to the importer only, a wrong sheet importing nothing, and who may not."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jiebang.core import clock
from jiebang.core.imports import progress_key
from jiebang.core.models import AuditEntry, ImportJob, ImportJobState
from jiebang.orgs.enums import Role
from jiebang.review.importer import COLUMNS
from jiebang.review.models import ExpertProfile
from tests.factories import UserFactory, make_id_number
from tests.helpers import pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def expert_row(n: int, **values) -> dict:
    row = {
        "姓名": f"专家{n}",
        "身份证号": make_id_number(600 + n, "19700101"),
        "手机": f"1390991{n:04d}",
        "用户名": f"expert_import_{n}",
        "职称": "教授",
        "关键词": "风电 储能",
        "评审上限": "8",
    }
    row.update(values)
    return row


def workbook(rows, name="专家信息表.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(column, "") for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def bureau():
    return UserFactory(roles=[Role.BUREAU_OFFICER])


def upload(client, user, file, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/imports/experts/", {"file": file})


def test_an_import_runs_as_a_job_and_shows_the_initial_passwords_once(
    client, bureau, django_capture_on_commit_callbacks
):
    response = upload(
        client,
        bureau,
        workbook([expert_row(1), expert_row(2), expert_row(3)]),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/jobs/{job.pk}/"
    assert job.state == ImportJobState.DONE and job.total == 3 and job.created_count == 3
    assert ExpertProfile.objects.count() == 3

    page = client.get(response.url).content.decode()
    assert "导入完成，共 3 行：新增 3 位专家，更新 0 位。" in page
    assert page.count("expert_import_") == 3 and "初始密码仅显示这一次" in page
    job.refresh_from_db()
    assert job.secrets == "" and job.secrets_shown_at is not None
    again = client.get(response.url).content.decode()
    assert "expert_import_1" not in again and "显示过，已清除。" in again
    actions = list(
        AuditEntry.objects.filter(target_id=str(job.pk)).values_list("action", flat=True)
    )
    assert {"import.queued", "import.finished", "import.secrets_shown"} <= set(actions)

    # The same sheet again updates the three experts and opens no account.
    upload(
        client,
        bureau,
        workbook([expert_row(1), expert_row(2), expert_row(3)]),
        django_capture_on_commit_callbacks,
    )
    second = ImportJob.objects.order_by("-id").first()
    assert (second.created_count, second.updated_count, second.secrets) == (0, 3, "")
    pool = client.get("/review/experts/").content.decode()
    assert "新增 0 位专家，更新 3 位。" in pool and ExpertProfile.objects.count() == 3


def test_a_sheet_with_a_wrong_row_imports_nothing_and_lists_every_error(
    client, bureau, django_capture_on_commit_callbacks
):
    good = make_id_number(602, "19700101")
    wrong_check_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [expert_row(1), expert_row(2, 身份证号=wrong_check_digit), expert_row(3, 手机="")]
    response = upload(client, bureau, workbook(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.FAILED
    assert job.errors == ["第3行：身份证号不正确。", "第4行：“手机”不能为空。"]
    page = client.get(response.url).content.decode()
    assert "导入失败，未导入任何数据：专家信息表有 2 处错误，未导入任何数据。" in page
    assert "第3行：身份证号不正确。" in page
    assert not ExpertProfile.objects.exists()
    assert AuditEntry.objects.filter(action="import.failed", target_id=str(job.pk)).exists()


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused_before_it_is_stored(
    client, bureau, settings, django_capture_on_commit_callbacks
):
    disguised = pdf_upload("专家信息表.xlsx")
    response = upload(client, bureau, disguised, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == "/review/experts/"
    page = client.get("/review/experts/").content.decode()
    assert "该文件的内容不是 Excel 工作簿" in page

    file = workbook([expert_row(1)])
    settings.IMPORT_MAX_BYTES = file.size - 1
    upload(client, bureau, file, django_capture_on_commit_callbacks)
    assert "导入文件不能超过" in client.get("/review/experts/").content.decode()
    settings.IMPORT_MAX_BYTES = file.size  # exactly the limit is accepted
    upload(client, bureau, workbook([expert_row(1)]), django_capture_on_commit_callbacks)
    assert list(ImportJob.objects.values_list("state", flat=True)) == [ImportJobState.DONE]


def test_a_running_job_shows_its_progress_from_the_cache(client, bureau):
    job = ImportJob.objects.create(
        user=bureau,
        name="experts",
        title="评审专家库",
        original_name="专家信息表.xlsx",
        created_at=clock.now(),
    )
    client.force_login(bureau)
    queued = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert "排队中" in queued and 'hx-trigger="every 1s"' in queued
    job.mark_running()
    job.save()
    cache.set(progress_key(job.pk), (20, 80))
    running = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert "已处理 20 / 80 行" in running and 'aria-valuenow="25"' in running
    cache.delete(progress_key(job.pk))


def test_only_its_owner_sees_a_job_and_only_the_bureau_imports(
    client, bureau, django_capture_on_commit_callbacks
):
    upload(client, bureau, workbook([expert_row(1)]), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    other_officer = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(other_officer)
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 403
    assert client.get(f"/imports/jobs/{job.pk}/progress/").status_code == 403
    job.refresh_from_db()
    assert job.secrets != ""  # not shown to the other officer, still waiting for its owner

    for user in (UserFactory(roles=[Role.EXPERT]), UserFactory(roles=[Role.AUDITOR])):
        client.force_login(user)
        file = workbook([expert_row(9)])
        assert client.post("/imports/experts/", {"file": file}).status_code == 403
    client.logout()
    assert client.post("/imports/experts/", {"file": workbook([expert_row(9)])}).status_code == 302
    assert client.get("/imports/unknown/").status_code in (302, 405)
    assert ImportJob.objects.count() == 1
