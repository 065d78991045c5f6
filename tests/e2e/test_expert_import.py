"""Browser: the bureau imports the expert pool from Excel; the import runs as a job, its page
shows the outcome and the new accounts' initial passwords once, and the pool lists them."""

import pytest

from jiebang.core.models import ImportJob, ImportJobState
from jiebang.orgs.enums import Role
from jiebang.review.models import ExpertProfile
from tests.core.test_import_jobs import expert_row, workbook
from tests.e2e.conftest import login
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_bureau_imports_experts_and_sees_the_passwords_once(page, tmp_path):
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    sheet = tmp_path / "专家信息表.xlsx"
    sheet.write_bytes(workbook([expert_row(1), expert_row(2)]).read())

    login(page, "bureau")
    page.goto("/review/experts/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(sheet))
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/imports/jobs/*/")
    page.get_by_text("导入完成，共 2 行：新增 2 位专家，更新 0 位。").wait_for()
    secrets = page.get_by_test_id("import-secrets").inner_text()
    assert "expert_import_1" in secrets and "expert_import_2" in secrets
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.DONE and job.secrets == ""
    assert ExpertProfile.objects.count() == 2

    page.reload()
    page.get_by_text("显示过，已清除。").wait_for()
    assert page.get_by_test_id("import-secrets").count() == 0
    page.get_by_role("link", name="返回评审专家库").click()
    page.get_by_role("cell", name="专家2", exact=True).wait_for()
    assert "新增 2 位专家，更新 0 位。" in page.get_by_test_id("recent-imports").inner_text()
