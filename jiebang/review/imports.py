"""The expert pool's Excel import (评审专家库), run as a background job (core.imports)."""

from jiebang.core.imports import Import, ImportOutcome, register
from jiebang.review.importer import COLUMNS, import_experts


def _run(*, uploaded_file, by, progress) -> ImportOutcome:
    report = import_experts(uploaded_file=uploaded_file, by=by, progress=progress)
    return ImportOutcome(
        summary=f"新增 {report.created} 位专家，更新 {report.updated} 位。",
        created=report.created,
        updated=report.updated,
        secrets=list(report.accounts),
    )


EXPERTS = register(
    Import(
        name="experts",
        title="评审专家库",
        permission="review.manage_experts",
        run=_run,
        back_url="/review/experts/",
        template_hint="、".join(COLUMNS),
    )
)
