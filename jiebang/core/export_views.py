"""Excel exports of the lists: `/exports/<name>.xlsx?<the page's query string>`, and the
progress page and download of an export that runs as a background job."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render

from jiebang.core import exports
from jiebang.core.models import ExportJob, ExportJobState
from jiebang.core.views_helpers import require_perm
from jiebang.orgs.security.reauth import reauth_required


def _xlsx_response(handle, filename: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_list(request, name):
    """The list `name` as Excel, with the page's filters; the list page's permission."""
    export = exports.get_export(name)
    require_perm(request.user, export.permission)
    if denied := reauth_required(request, when=not exports.personal_data_masked(request.user)):
        return denied  # unmasked personal data: the password confirmed in the last minutes
    result = exports.run_export(
        export=export,
        user=request.user,
        params=export.params_from(request.GET),
        request=request,
    )
    if result.job is not None:
        messages.info(
            request,
            f"共 {result.rows} 条，数据较多，已转入后台导出；完成后可在本页下载。",
        )
        return redirect("export_job", pk=result.job.pk)
    return _xlsx_response(result.file, export.filename())


def _own_job(request, pk) -> ExportJob:
    job = get_object_or_404(ExportJob, pk=pk)
    require_perm(request.user, "core.view_export_job", job)
    return job


@login_required
def export_job(request, pk):
    return render(request, "core/export_job.html", {"job": _own_job(request, pk)})


@login_required
def export_job_progress(request, pk):
    """The progress fragment the job page polls (htmx, every second until finished)."""
    return render(request, "core/_export_progress.html", {"job": _own_job(request, pk)})


@login_required
def export_job_download(request, pk):
    job = _own_job(request, pk)
    if job.state == ExportJobState.EXPIRED:  # its file was purged after EXPORT_JOB_KEEP_DAYS
        messages.warning(request, exports.EXPIRED_MESSAGE)
        return redirect("export_job", pk=job.pk)
    handle = exports.job_download(job=job, user=request.user, request=request)
    return _xlsx_response(handle, f"{job.title}-{job.created_at:%Y%m%d}.xlsx")
