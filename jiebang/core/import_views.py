"""Excel imports as background jobs: the upload (`/imports/<name>/`), the job's page with its
progress (htmx) and, once, the initial passwords of the accounts it opened."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.core import imports
from jiebang.core.errors import DomainError
from jiebang.core.forms import ImportForm
from jiebang.core.models import ImportJob, ImportJobState
from jiebang.core.views_helpers import require_perm


@login_required
@require_POST
def import_start(request, name):
    """The import form of a page posts here; a refused file goes back to that page."""
    spec = imports.get_import(name)
    require_perm(request.user, spec.permission)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(spec.back_url)
    try:
        imports.check_workbook(form.cleaned_data["file"])
        job = imports.start_import_job(
            spec=spec, uploaded_file=form.cleaned_data["file"], user=request.user, request=request
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(spec.back_url)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect(spec.back_url)
    return redirect("import_job", pk=job.pk)


def _own_job(request, pk) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    require_perm(request.user, "core.view_import_job", job)
    return job


def _context(job: ImportJob) -> dict:
    done, total = imports.job_progress(job)
    finished = job.state in (ImportJobState.DONE, ImportJobState.FAILED)
    percent = 100 if finished else (min(99, done * 100 // total) if total else 0)
    secrets = imports.take_secrets(job) if job.state == ImportJobState.DONE else []
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": percent,
        "finished": finished,
        "secrets": secrets,
        "back_url": imports.get_import(job.name).back_url,
    }


@login_required
def import_job(request, pk):
    return render(request, "core/import_job.html", _context(_own_job(request, pk)))


@login_required
def import_job_progress(request, pk):
    """The fragment the job page polls every second until the job has finished."""
    return render(request, "core/_import_progress.html", _context(_own_job(request, pk)))
