import rules

from jiebang.orgs.permissions import is_active_account, is_auditor, is_bureau_officer


@rules.predicate
def attachment_of_users_unit(user, attachment):
    return bool(
        attachment is not None
        and attachment.organization_id is not None
        and user.organization_id == attachment.organization_id
    )


@rules.predicate
def uploaded_attachment(user, attachment):
    return bool(attachment is not None and attachment.uploaded_by_id == user.pk)


@rules.predicate
def owns_job(user, job):
    """A background export or import job: its progress, file and outcome are its owner's."""
    return bool(job is not None and job.user_id == user.pk)


rules.add_perm(
    "core.view_attachment",
    is_bureau_officer
    | is_auditor
    | (is_active_account & (attachment_of_users_unit | uploaded_attachment)),
)
# Exports (domain.md §6): personal data is exported masked unless the exporter holds this;
# an export job's progress and file are its owner's alone.
rules.add_perm("core.export_personal_data", is_bureau_officer | is_auditor)
rules.add_perm("core.view_export_job", is_active_account & owns_job)


# An import job's page (its outcome and the initial passwords it shows once) is its owner's.
rules.add_perm("core.view_import_job", is_active_account & owns_job)
