"""Recognising an upload by its bytes, not by its name."""

import io
import zipfile

# Per file type: the extensions a user may give it, and the MIME type we serve it as.
FILE_TYPES = {
    "pdf": ({"pdf"}, "application/pdf"),
    "png": ({"png"}, "image/png"),
    "jpeg": ({"jpg", "jpeg"}, "image/jpeg"),
    "docx": ({"docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ({"doc"}, "application/msword"),
    "xls": ({"xls"}, "application/vnd.ms-excel"),
    "ofd": ({"ofd"}, "application/ofd"),
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A zip whose members expand beyond this is refused as a possible zip bomb.
MAX_EXPANDED_BYTES = 300 * 1024 * 1024
# …and so is one member expanding more than MAX_MEMBER_RATIO times its compressed size, once
# it expands beyond RATIO_CHECK_MIN_BYTES (Office XML compresses ~5-20:1; zeros ~1000:1).
MAX_MEMBER_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024


def sniff(data: bytes, extension: str) -> str | None:
    """The file type the bytes really are, or None when unrecognised or unsafe."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE_MAGIC):
        # Word and Excel 97-2003 share the OLE container; trust the extension between the two.
        return extension if extension in ("doc", "xls") else "doc"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def archive_problem(data: bytes) -> str | None:
    """Why a zip-based file (docx, xlsx, ofd) is refused as a possible zip bomb, or None.

    Judged on the sizes the archive declares: Python's zipfile (and openpyxl through it)
    never inflates a member beyond its declared size, so a lying header cannot get past.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return None  # not a readable zip: the type check refuses it
    total = sum(info.file_size for info in infos)
    if total > MAX_EXPANDED_BYTES:
        return f"解压后共 {total / 1048576:.0f} MB，超过上限 {MAX_EXPANDED_BYTES // 1048576} MB"
    for info in infos:
        if info.file_size <= RATIO_CHECK_MIN_BYTES:
            continue
        if info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            return (
                f"其中“{info.filename[:80]}”的压缩比约为 {ratio:.0f}:1，超过 {MAX_MEMBER_RATIO}:1"
            )
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return None
    if archive_problem(data) is not None:
        return None
    names = {info.filename for info in infos}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return None
