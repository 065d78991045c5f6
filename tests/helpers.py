"""Small builders shared by tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name="营业执照.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_file_on_disk(tmp_path, name="营业执照.pdf"):
    path = tmp_path / name
    path.write_bytes(MINIMAL_PDF)
    return path


def docx_bytes(text="测试") -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()
