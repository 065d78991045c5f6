"""Uploads: type by content, size limits, hashes, private storage, safe names (domain.md §6)."""

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiebang.core import files
from jiebang.core.crypto import sm3_hex
from jiebang.core.models import Attachment
from jiebang.core.services import safe_filename, store_attachment
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.integration

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("揭榜挂帅项目申报书", level=1)
    document.add_paragraph("乌鲁木齐市重点领域科技创新攻关项目")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["单位名称", "投资额（万元）"])
    sheet.append(["测试科技有限公司", 500])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _stored_files(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _refusal(settings, name: str, data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        store_attachment(uploaded_file=_upload(name, data), kind="test", user=None, **kwargs)
    # Nothing was written: no row, no file.
    assert Attachment.objects.count() == 0
    assert _stored_files(settings.PRIVATE_MEDIA_ROOT) == []
    return excinfo.value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "file_type", "content_type"),
    [
        ("申报书.pdf", lambda: MINIMAL_PDF, "pdf", "application/pdf"),
        ("营业执照.PNG", lambda: _image("PNG"), "png", "image/png"),
        ("现场照片.jpg", lambda: _image("JPEG"), "jpeg", "image/jpeg"),
        ("现场照片2.jpeg", lambda: _image("JPEG"), "jpeg", "image/jpeg"),
        (
            "实施方案.docx",
            _docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "预算表.xlsx",
            _xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_store_attachment_recognises_and_stores_privately(
    settings, name, make, file_type, content_type
):
    data = make()
    user = UserFactory()
    org = OrganizationFactory()

    attachment = store_attachment(
        uploaded_file=_upload(name, data), kind="proposal", user=user, organization=org
    )

    stored = Attachment.objects.get(pk=attachment.pk)
    assert stored.original_name == name
    assert stored.kind == "proposal"
    assert stored.file_type == file_type
    assert stored.content_type == content_type
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.sm3 == hashlib.new("sm3", data).hexdigest() == sm3_hex(data)
    assert stored.uploaded_by == user
    assert stored.organization == org

    path = Path(stored.file.path).resolve()
    assert path.is_file()
    assert path.read_bytes() == data
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    # The user's file name never reaches the disk.
    assert path.suffix == ".bin"
    assert name.rpartition(".")[0] not in str(path)
    with stored.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.django_db
def test_text_renamed_to_pdf_is_refused_by_content(settings):
    error = _refusal(settings, "申报书.pdf", "这是一个文本文件，不是PDF。\n".encode())
    assert error.code == "bad_type"
    assert "不是允许的类型" in error.message
    assert "申报书.pdf" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_content_disguised_as_pdf_is_refused(settings, data):
    assert _refusal(settings, "a.pdf", data).code == "bad_type"


@pytest.mark.django_db
def test_a_plain_zip_is_not_an_office_document(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _refusal(settings, "a.docx", buffer.getvalue()).code == "bad_type"


@pytest.mark.django_db
def test_a_type_not_allowed_for_this_kind_is_refused(settings):
    error = _refusal(settings, "photo.png", _image("PNG"), allowed_types=["pdf"])
    assert error.code == "bad_type"
    assert "允许：pdf" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "real"),
    [
        ("申报书.docx", lambda: MINIMAL_PDF, "PDF"),
        ("预算表.xlsx", _docx, "DOCX"),
        ("照片.png", lambda: _image("JPEG"), "JPEG"),
        ("无扩展名", lambda: MINIMAL_PDF, "PDF"),
    ],
)
def test_extension_disagreeing_with_content_is_refused(settings, name, make, real):
    error = _refusal(settings, name, make())
    assert error.code == "extension_mismatch"
    assert "扩展名与实际内容" in error.message
    assert f"（{real}）" in error.message


@pytest.mark.django_db
def test_size_limit_boundary(settings):
    limit = 2048
    settings.ATTACHMENT_MAX_BYTES = limit
    exactly = MINIMAL_PDF + b"%" * (limit - len(MINIMAL_PDF))
    assert len(exactly) == limit

    error = _refusal(settings, "big.pdf", exactly + b"%")
    assert error.code == "too_large"
    assert "超过上限" in error.message

    attachment = store_attachment(uploaded_file=_upload("ok.pdf", exactly), kind="t", user=None)
    assert attachment.size == limit
    assert Path(attachment.file.path).stat().st_size == limit


@pytest.mark.django_db
def test_explicit_max_bytes_overrides_the_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    data = MINIMAL_PDF + b"%" * 100
    error = _refusal(settings, "a.pdf", data, max_bytes=len(data) - 1)
    assert error.code == "too_large"


@pytest.mark.django_db
def test_empty_file_is_refused(settings):
    error = _refusal(settings, "空.pdf", b"")
    assert error.code == "empty"
    assert "空文件" in error.message


def _docx_with_padding(padding_bytes: int) -> bytes:
    """A docx-shaped zip with one highly compressible member of `padding_bytes` zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * padding_bytes)
    return buffer.getvalue()


@pytest.mark.django_db
def test_zip_bomb_like_docx_is_refused(settings, monkeypatch):
    monkeypatch.setattr(files, "MAX_EXPANDED_BYTES", 1024 * 1024)
    bomb = _docx_with_padding(4 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # tiny on the wire, large once expanded
    error = _refusal(settings, "实施方案.docx", bomb)
    assert error.code == "unsafe_archive"  # named as such (tests/core/test_upload_policy.py)
    assert "压缩炸弹" in error.message

    # The same shape under the limit is an ordinary docx: the refusal was about the size.
    small = _docx_with_padding(512 * 1024)
    attachment = store_attachment(uploaded_file=_upload("ok.docx", small), kind="t", user=None)
    assert attachment.file_type == "docx"


def test_sniff_by_bytes():
    assert files.sniff(MINIMAL_PDF, "docx") == "pdf"
    assert files.sniff(_image("PNG"), "pdf") == "png"
    assert files.sniff(_docx(), "") == "docx"
    assert files.sniff(_xlsx(), "") == "xlsx"
    assert files.sniff(files.OLE_MAGIC + b"\0" * 64, "xls") == "xls"
    assert files.sniff(files.OLE_MAGIC + b"\0" * 64, "exe") == "doc"
    assert files.sniff(b"plain text", "pdf") is None
    assert files.sniff(b"", "pdf") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/var/www/申报书.pdf", "申报书.pdf"),
        (
            "乌鲁木齐市揭榜挂帅项目申报书（盖章版）.pdf",
            "乌鲁木齐市揭榜挂帅项目申报书（盖章版）.pdf",
        ),
        ("a\x00b\x1fc\x7f.pdf", "a_b_c_.pdf"),
        ("evil\r\nname.pdf", "evil__name.pdf"),
        ('what<>:"|?*.pdf', "what_______.pdf"),
        ("  .hidden.pdf. ", "hidden.pdf"),
        ("..", "附件"),
        ("", "附件"),
        (None, "附件"),
    ],
)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_safe_filename_normalises_to_nfc_and_keeps_the_extension_of_long_names():
    decomposed = "Cafe\u0301.pdf"
    assert safe_filename(decomposed) == "Caf\u00e9.pdf"
    long_name = "申" * 300 + ".docx"
    cleaned = safe_filename(long_name)
    assert len(cleaned) == 200
    assert cleaned.endswith(".docx")
