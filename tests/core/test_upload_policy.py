"""Uploads per kind (docs/security.md "Uploads"): each kind's types and size limit from one
table, zip bombs refused by expanded size and by compression ratio, and virus scanning by a
clamd spoken to over INSTREAM — here a fake clamd on a local socket — failing closed."""

import io
import os
import shutil
import socketserver
import struct
import tempfile
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiebang.core import files, upload_policy
from jiebang.core.imports import check_workbook
from jiebang.core.models import Attachment
from jiebang.core.services import store_attachment
from jiebang.demands.enums import AttachmentKind
from jiebang.proposals.enums import ProposalAttachmentKind
from tests.core.test_attachments import MINIMAL_PDF, _docx, _image, _xlsx

pytestmark = pytest.mark.integration

MB = 1024 * 1024
# Not the EICAR test file itself (nothing here should alarm a real scanner): the fake clamd
# below reports any upload containing this marker as infected.
MARKER = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"

# Kinds the services pass to store_attachment literally (grep "kind=" at the call sites).
LITERAL_KINDS = [
    "business_license",
    "agreement",
    "tripartite_agreement",
    "tech_contract",
    "progress_report",
    "final_report",
    "acceptance_evidence",
    "payment_voucher",
    "disbursement_voucher",
    "expense_voucher",
    "refund_voucher",
    "objection_letter",
]


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _pdf_of(size: int) -> bytes:
    return MINIMAL_PDF + b"%" * (size - len(MINIMAL_PDF))


def _stored(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _refusal(settings, kind: str, name: str, data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        store_attachment(uploaded_file=_upload(name, data), kind=kind, user=None, **kwargs)
    assert Attachment.objects.count() == 0
    assert _stored(settings.PRIVATE_MEDIA_ROOT) == []
    return excinfo.value


def _store(kind: str, name: str, data: bytes) -> Attachment:
    return store_attachment(uploaded_file=_upload(name, data), kind=kind, user=None)


# --- the table -----------------------------------------------------------------------------


def test_every_kind_the_application_stores_has_a_policy():
    kinds = [
        *LITERAL_KINDS,
        *AttachmentKind.values,
        *(f"proposal_{k}" for k in ProposalAttachmentKind.values),
    ]
    missing = [k for k in kinds if k not in upload_policy.POLICIES]
    assert missing == []
    for kind, policy in upload_policy.POLICIES.items():
        assert policy.types, kind
        assert set(policy.types) <= set(files.FILE_TYPES), kind
        assert 0 < policy.max_bytes <= 20 * MB, kind


def test_the_brief_s_figures():
    policies = upload_policy.POLICIES
    assert policies["audit_report"].types == ("pdf", "ofd")
    assert policies["audit_report"].max_bytes == 20 * MB
    for voucher in ("payment_voucher", "disbursement_voucher", "expense_voucher"):
        assert policies[voucher].types == ("pdf", "jpeg", "png")
        assert policies[voucher].max_bytes == 10 * MB
    assert policies["excel_import"].types == ("xlsx",)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "make"),
    [
        ("payment_voucher", "凭证.docx", _docx),
        ("audit_report", "审计报告.jpg", lambda: _image("JPEG")),
        ("business_license", "营业执照.xlsx", _xlsx),
        ("commit_unit", "承诺书.docx", _docx),
    ],
)
def test_a_type_the_kind_does_not_take_is_refused_in_chinese(settings, kind, name, make):
    error = _refusal(settings, kind, name, make())
    assert error.code == "bad_type"
    assert f"文件“{name}”的内容不是允许的类型" in error.message
    allowed = error.message.rpartition("允许：")[2]
    for file_type in upload_policy.POLICIES[kind].types:
        assert sorted(files.FILE_TYPES[file_type][0])[0] in allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "make"),
    [
        ("payment_voucher", "凭证.png", lambda: _image("PNG")),
        ("audit_report", "审计报告.pdf", lambda: MINIMAL_PDF),
        ("proposal_plan", "技术方案.docx", _docx),
        ("evidence_site", "场地.xlsx", _xlsx),
    ],
)
def test_a_type_the_kind_takes_is_stored(kind, name, make):
    attachment = _store(kind, name, make())
    assert Attachment.objects.get(pk=attachment.pk).kind == kind


@pytest.mark.django_db
def test_the_kind_s_size_limit_at_its_boundary(settings):
    limit = upload_policy.POLICIES["payment_voucher"].max_bytes
    error = _refusal(settings, "payment_voucher", "凭证.pdf", _pdf_of(limit + 1))
    assert error.code == "too_large"
    assert "超过上限10.0 MB" in error.message
    assert _store("payment_voucher", "凭证.pdf", _pdf_of(limit)).size == limit
    # The same file is within an audit report's 20 MB.
    assert _store("audit_report", "审计报告.pdf", _pdf_of(limit + 1)).size == limit + 1


@pytest.mark.django_db
def test_the_site_wide_settings_stay_the_outer_bound(settings):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    error = _refusal(settings, "audit_report", "审计报告.pdf", _pdf_of(1 * MB + 1))
    assert "超过上限1.0 MB" in error.message

    settings.ATTACHMENT_ALLOWED_TYPES = ["pdf", "jpeg"]
    assert upload_policy.policy_for("business_license").types == ("pdf", "jpeg")
    assert _refusal(settings, "business_license", "执照.png", _image("PNG")).code == "bad_type"


@pytest.mark.django_db
def test_an_unknown_kind_gets_the_site_wide_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 3 * MB
    policy = upload_policy.policy_for("some_new_kind")
    assert policy.types == tuple(settings.ATTACHMENT_ALLOWED_TYPES)
    assert policy.max_bytes == 3 * MB


@pytest.mark.django_db
def test_explicit_arguments_only_narrow_the_kind(settings):
    # A caller cannot widen a voucher to Word documents…
    assert (
        _refusal(settings, "payment_voucher", "a.docx", _docx(), allowed_types=["docx"]).code
        == "bad_type"
    )
    # …nor raise its size limit.
    big = _pdf_of(10 * MB + 1)
    assert (
        _refusal(settings, "payment_voucher", "a.pdf", big, max_bytes=20 * MB).code == "too_large"
    )


# --- zip bombs -----------------------------------------------------------------------------


def _docx_with_member(member: bytes, name="word/media/image1.bin") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr(name, member)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_member_compressed_beyond_the_ratio_is_refused(settings):
    bomb = _docx_with_member(b"\0" * (2 * MB))  # ~1000:1
    assert files.archive_problem(bomb) is not None
    error = _refusal(settings, "proposal_plan", "技术方案.docx", bomb)
    assert error.code == "unsafe_archive"
    assert "疑似压缩炸弹" in error.message
    assert "word/media/image1.bin" in error.message
    assert "超过 100:1" in error.message


@pytest.mark.django_db
def test_the_ratio_check_spares_small_members_and_real_content(settings):
    # Highly compressible but under 1 MB expanded: an ordinary Word file can have that.
    small = _docx_with_member(b"\0" * (MB - 1))
    assert _store("proposal_plan", "小.docx", small).file_type == "docx"
    # 2 MB that does not compress (a photo inside the document): ratio ~1:1.
    photo = _docx_with_member(os.urandom(2 * MB))
    assert _store("proposal_plan", "照片.docx", photo).file_type == "docx"
    # Exactly 100:1 is accepted; only above it is refused.
    assert files.MAX_MEMBER_RATIO == 100


def test_ratio_boundary_on_declared_sizes(monkeypatch):
    data = _docx_with_member(b"\0" * (2 * MB))
    member = next(i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if "media" in i.filename)
    ratio = member.file_size / member.compress_size
    monkeypatch.setattr(files, "MAX_MEMBER_RATIO", int(ratio) + 1)
    assert files.archive_problem(data) is None
    monkeypatch.setattr(files, "MAX_MEMBER_RATIO", int(ratio) - 1)
    assert "压缩比" in files.archive_problem(data)


@pytest.mark.django_db
def test_the_total_expanded_size_limit_still_applies(settings, monkeypatch):
    monkeypatch.setattr(files, "MAX_EXPANDED_BYTES", 1 * MB)
    data = _docx_with_member(os.urandom(MB + 1024))  # incompressible: ratio ~1
    error = _refusal(settings, "proposal_plan", "大.docx", data)
    assert error.code == "unsafe_archive"
    assert "解压后共" in error.message


def test_an_excel_import_bomb_is_refused_in_chinese():
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * MB))
    with pytest.raises(ValidationError) as excinfo:
        check_workbook(_upload("专家.xlsx", workbook.getvalue()))
    assert "疑似压缩炸弹" in excinfo.value.messages[0]


# --- ClamAV (a fake clamd) -----------------------------------------------------------------


class FakeClamd:
    """clamd's INSTREAM, answered per `mode`: "scan" (FOUND when MARKER is in the data,
    OK otherwise), "error", "silent" (closes without answering) or "hang"."""

    def __init__(self, server_class, address, mode="scan"):
        self.mode = mode
        self.received: list[bytes] = []
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                fake._handle(self.request)

        self.server = server_class(address, Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _read(self, sock, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = sock.recv(n - len(data))
            if not part:
                raise ConnectionError("client closed")
            data += part
        return data

    def _handle(self, sock):
        command = b""
        while not command.endswith(b"\0"):
            command += self._read(sock, 1)
        assert command == b"zINSTREAM\0"
        stream = b""
        while True:
            (length,) = struct.unpack("!L", self._read(sock, 4))
            if length == 0:
                break
            stream += self._read(sock, length)
        self.received.append(stream)
        if self.mode == "silent":
            return
        if self.mode == "hang":
            threading.Event().wait(5)
            return
        if self.mode == "error":
            sock.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif MARKER in stream:
            sock.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            sock.sendall(b"stream: OK\0")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def unix_clamd(settings):
    folder = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # short: unix socket paths ≤ 107
    path = os.path.join(folder, "clamd.sock")
    fake = FakeClamd(socketserver.ThreadingUnixStreamServer, path)
    settings.CLAMAV_SOCKET = path
    settings.CLAMAV_HOST = ""
    yield fake
    fake.close()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tcp_clamd(settings):
    fake = FakeClamd(socketserver.ThreadingTCPServer, ("127.0.0.1", 0))
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = fake.server.server_address
    yield fake
    fake.close()


@pytest.mark.django_db
def test_a_clean_file_is_scanned_and_stored(unix_clamd):
    data = _pdf_of(300 * 1024)  # several INSTREAM chunks
    attachment = _store("audit_report", "审计报告.pdf", data)
    assert unix_clamd.received == [data]
    assert Path(attachment.file.path).read_bytes() == data


@pytest.mark.django_db
def test_an_infected_file_is_refused_in_chinese(settings, unix_clamd):
    error = _refusal(settings, "audit_report", "审计报告.pdf", MINIMAL_PDF + MARKER)
    assert error.code == "infected"
    assert (
        error.message == "文件“审计报告.pdf”未通过病毒查杀（检出：Eicar-Signature），已拒绝上传。"
    )


@pytest.mark.django_db
def test_scanning_over_tcp(settings, tcp_clamd):
    assert _refusal(settings, "audit_report", "b.pdf", MINIMAL_PDF + MARKER).code == "infected"
    assert _store("audit_report", "a.pdf", MINIMAL_PDF).size == len(MINIMAL_PDF)
    assert len(tcp_clamd.received) == 2


@pytest.mark.django_db
def test_an_unreachable_scanner_refuses_the_upload(settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-such-clamd.sock")
    error = _refusal(settings, "audit_report", "审计报告.pdf", MINIMAL_PDF)
    assert error.code == "scanner_unavailable"
    assert "病毒查杀服务暂时不可用" in error.message

    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = "127.0.0.1", 9  # nothing listens
    assert _refusal(settings, "audit_report", "a.pdf", MINIMAL_PDF).code == "scanner_unavailable"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "code", "words"),
    [
        ("silent", "scanner_unavailable", "暂时不可用"),
        ("hang", "scanner_unavailable", "暂时不可用"),
        ("error", "scanner_error", "未能完成病毒查杀"),
    ],
)
def test_a_scanner_that_does_not_say_ok_refuses_the_upload(settings, unix_clamd, mode, code, words):
    unix_clamd.mode = mode
    settings.CLAMAV_TIMEOUT = 0.5
    error = _refusal(settings, "audit_report", "审计报告.pdf", MINIMAL_PDF)
    assert error.code == code
    assert words in error.message


@pytest.mark.django_db
def test_without_a_scanner_nothing_is_scanned(settings):
    assert not settings.CLAMAV_SOCKET and not settings.CLAMAV_HOST
    assert _store("audit_report", "a.pdf", MINIMAL_PDF + MARKER).size > 0


def test_an_excel_import_is_scanned_too(unix_clamd):
    check_workbook(_upload("专家.xlsx", _xlsx()))
    assert len(unix_clamd.received) == 1
    unix_clamd.mode = "error"
    with pytest.raises(ValidationError, match="未能完成病毒查杀"):
        check_workbook(_upload("专家.xlsx", _xlsx()))


def test_openpyxl_workbooks_pass_the_ratio_check():
    """A real, large-ish export-like workbook is far below 100:1."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in range(20000):
        sheet.append([f"单位{row}", row, "乌鲁木齐市天山区测试路1号", row * 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert files.archive_problem(buffer.getvalue()) is None
    assert files.sniff(buffer.getvalue(), "xlsx") == "xlsx"
