"""HTML → PDF with WeasyPrint (Debian's pango and fonts-noto-cjk; architecture.md)."""

import functools
import logging
import shutil
import subprocess

from django.template.loader import render_to_string

from jiebang.core.errors import DomainError

logger = logging.getLogger(__name__)

UNAVAILABLE = "本机缺少PDF生成所需的系统组件（pango 或中文字体 fonts-noto-cjk），请下载 Word 版本。"


class PdfUnavailable(DomainError):
    def __init__(self, message: str = UNAVAILABLE):
        super().__init__("PDF-UNAVAILABLE", message)


def _has_chinese_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
            [fc_list, ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


@functools.cache
def pdf_support() -> tuple[bool, str]:
    """Whether PDFs can be rendered on this machine; the str explains why not (in Chinese)."""
    try:
        import weasyprint  # noqa: F401 — raises OSError when pango is missing
    except (ImportError, OSError) as exc:
        logger.warning("WeasyPrint unavailable: %s", exc)
        return False, UNAVAILABLE
    if not _has_chinese_font():
        logger.warning("no Chinese font found by fontconfig (fc-list :lang=zh)")
        return False, UNAVAILABLE
    return True, ""


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template under demands/pdf/ to PDF bytes. Raises PdfUnavailable when it can't."""
    ok, reason = pdf_support()
    if not ok:
        raise PdfUnavailable(reason)
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=None).write_pdf()
