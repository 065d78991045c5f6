"""What each kind of upload may be: its file types and its size limit, in one table.

`store_attachment(kind=…)` looks its kind up here. The site-wide settings stay the outer
bound: a kind never allows a type missing from ATTACHMENT_ALLOWED_TYPES nor a size above
ATTACHMENT_MAX_BYTES. A kind not in the table (a new one, or a test's) gets exactly the
site-wide settings. Excel imports (core.imports) use the "excel_import" row, whose limit is
IMPORT_MAX_BYTES.
"""

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024

PDF = ("pdf",)
SIGNED = ("pdf", "ofd", "jpeg", "png")  # a signed/stamped paper: scan, photo or e-document
IMAGES = ("jpeg", "png")
DOCUMENTS = ("pdf", "ofd", "docx", "doc")
EVIDENCE = ("pdf", "ofd", "jpeg", "png", "docx", "doc", "xlsx", "xls")
VOUCHERS = ("pdf", "jpeg", "png")


@dataclass(frozen=True)
class UploadPolicy:
    types: tuple[str, ...]
    max_bytes: int


POLICIES: dict[str, UploadPolicy] = {
    # Units (orgs): the business licence is a scan or a photo.
    "business_license": UploadPolicy(("pdf", "jpeg", "png"), 10 * MB),
    # Demands (demands.enums.AttachmentKind).
    "application_form": UploadPolicy(SIGNED, 20 * MB),
    "commit_unit": UploadPolicy(SIGNED, 10 * MB),
    "commit_leader": UploadPolicy(SIGNED, 10 * MB),
    "audit_report": UploadPolicy(("pdf", "ofd"), 20 * MB),
    "evidence_equipment": UploadPolicy(EVIDENCE, 20 * MB),
    "evidence_site": UploadPolicy(EVIDENCE, 20 * MB),
    "evidence_application": UploadPolicy(EVIDENCE, 20 * MB),
    "evidence_team": UploadPolicy(EVIDENCE, 20 * MB),
    "test_report": UploadPolicy(("pdf", "ofd", "jpeg", "png"), 20 * MB),
    "ip_evidence": UploadPolicy(("pdf", "ofd", "jpeg", "png"), 20 * MB),
    "case_evidence": UploadPolicy(EVIDENCE, 20 * MB),
    "ethics_review": UploadPolicy(("pdf", "ofd", "jpeg", "png", "docx", "doc"), 20 * MB),
    "other": UploadPolicy(EVIDENCE, 20 * MB),
    # Proposals (proposals.enums.ProposalAttachmentKind, stored as "proposal_<kind>").
    "proposal_plan": UploadPolicy(DOCUMENTS, 20 * MB),
    "proposal_consortium_agreement": UploadPolicy(SIGNED, 20 * MB),
    "proposal_commit_unit": UploadPolicy(SIGNED, 10 * MB),
    "proposal_commit_leader": UploadPolicy(SIGNED, 10 * MB),
    "proposal_performance": UploadPolicy(EVIDENCE, 20 * MB),
    "proposal_other": UploadPolicy(EVIDENCE, 20 * MB),
    # Agreements and contracts: signed and stamped.
    "agreement": UploadPolicy(SIGNED, 20 * MB),
    "tripartite_agreement": UploadPolicy(SIGNED, 20 * MB),
    "tech_contract": UploadPolicy(SIGNED, 20 * MB),
    # Projects: reports and evidence.
    "progress_report": UploadPolicy(DOCUMENTS, 20 * MB),
    "final_report": UploadPolicy(DOCUMENTS, 20 * MB),
    "acceptance_evidence": UploadPolicy(EVIDENCE, 20 * MB),
    # Money: payment, disbursement, expense and refund vouchers (凭证).
    "payment_voucher": UploadPolicy(VOUCHERS, 10 * MB),
    "disbursement_voucher": UploadPolicy(VOUCHERS, 10 * MB),
    "expense_voucher": UploadPolicy(VOUCHERS, 10 * MB),
    "refund_voucher": UploadPolicy(VOUCHERS, 10 * MB),
    # Public notices: an objector's signed letter (no account; keep it small).
    "objection_letter": UploadPolicy(("pdf", "ofd", "jpeg", "png"), 10 * MB),
    # Excel imports (core.imports): the limit is IMPORT_MAX_BYTES (see policy_for).
    "excel_import": UploadPolicy(("xlsx",), 10 * MB),
}


def policy_for(kind: str) -> UploadPolicy:
    """The kind's policy within the site-wide settings (types intersected, size capped)."""
    site_types = tuple(settings.ATTACHMENT_ALLOWED_TYPES)
    if kind == "excel_import":
        return UploadPolicy(("xlsx",), settings.IMPORT_MAX_BYTES)
    policy = POLICIES.get(kind)
    if policy is None:
        return UploadPolicy(site_types, settings.ATTACHMENT_MAX_BYTES)
    return UploadPolicy(
        tuple(t for t in policy.types if t in site_types),
        min(policy.max_bytes, settings.ATTACHMENT_MAX_BYTES),
    )
