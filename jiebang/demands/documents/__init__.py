"""Printable documents of a demand: the application form, the integrity commitments and the
submission receipt, as PDF (WeasyPrint, templates under demands/pdf/) and DOCX (python-docx).

Each document is described once (`layout.Document`) and rendered by both back ends.
"""

from jiebang.demands.documents import application, commitment, receipt
from jiebang.demands.documents.pdf import PdfUnavailable, pdf_support, render_pdf
from jiebang.demands.documents.word import render_docx

__all__ = [
    "PdfUnavailable",
    "application_form_docx",
    "application_form_pdf",
    "commitment_docx",
    "commitment_pdf",
    "pdf_support",
    "receipt_docx",
    "receipt_pdf",
    "render_pdf",
]


def application_form_docx(demand) -> bytes:
    return render_docx(application.document_for(demand))


def application_form_pdf(demand) -> bytes:
    return render_pdf(
        "demands/pdf/application_form.html", {"doc": application.document_for(demand)}
    )


def commitment_docx(demand, signer: str) -> bytes:
    """`signer`: "unit" (项目申报单位) or "leader" (项目负责人)."""
    return render_docx(commitment.document_for(demand, signer))


def commitment_pdf(demand, signer: str) -> bytes:
    return render_pdf(
        "demands/pdf/commitment.html", {"doc": commitment.document_for(demand, signer)}
    )


def receipt_pdf(version) -> bytes:
    return render_pdf("demands/pdf/receipt.html", {"doc": receipt.document_for(version)})


def receipt_docx(version) -> bytes:
    return render_docx(receipt.document_for(version))
