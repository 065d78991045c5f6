"""A small, neutral model of a printable document, rendered both as PDF (HTML) and DOCX.

The builders (application form, commitment, receipt) describe *what* is printed once; the
PDF templates and `word.render_docx` decide *how*. So the PDF and the Word file of the same
form always carry the same items.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from jiebang.core.templatetags.jiebang import wanyuan

BLANK = "（未填写）"
NUMERALS = "一二三四五六七八九十"


@dataclass
class Pair:
    """A label and its value; `long` values span the row and keep their line breaks."""

    label: str
    value: str
    long: bool = False
    mono: bool = False


@dataclass
class Grid:
    """A bordered label/value form: each row holds one pair (full width) or two."""

    rows: list[list[Pair]]
    kind: str = "grid"


@dataclass
class Row:
    cells: list[str]
    detail: str = ""  # printed on its own line under the row, spanning all columns


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    widths: list[int]  # percentages of the text width
    empty: str = "（无）"
    note: str = ""
    kind: str = "table"


@dataclass
class Paragraphs:
    """Running text, first lines indented by two characters (commitment letters)."""

    items: list[str]
    small: bool = False  # form-sized text instead of letter-sized
    kind: str = "paragraphs"


@dataclass
class Signatures:
    """Signature and seal areas side by side; each column is a list of lines."""

    columns: list[list[str]]
    boxed: bool = True
    kind: str = "signatures"


@dataclass
class Section:
    """A titled part; blocks may include sub-sections (numbered （一）（二）…)."""

    title: str
    blocks: list
    kind: str = "section"


@dataclass
class Document:
    title: str
    subtitle: str = ""
    top_left: str = ""  # e.g. "附件3"
    header: list[Pair] = field(default_factory=list)  # one line above the body
    sections: list[Section] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)  # small print at the end
    closing_right: str = ""  # e.g. the bureau's name, right-aligned after the small print

    def numbered(self) -> "Document":
        """Number titled sections 一、二、… and their sub-sections （一）（二）… in order."""
        n = 0
        for section in self.sections:
            if not section.title:
                continue
            section.title = f"{NUMERALS[n]}、{section.title}"
            n += 1
            subs = [b for b in section.blocks if b.kind == "section"]
            for i, sub in enumerate(subs):
                sub.title = f"（{NUMERALS[i]}）{sub.title}"
        return self


def text(value) -> str:
    value = "" if value is None else str(value).strip()
    return value or BLANK


def yes_no(value) -> str:
    return "是" if value else "否"


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def yuan_plain(value) -> str:
    amount = _decimal(value)
    return BLANK if amount is None else f"{amount:,.2f}"


def yuan(value) -> str:
    """'5,000,000.00 元（500.00 万元）' — forms show both, as officials expect."""
    amount = _decimal(value)
    if amount is None:
        return BLANK
    return f"{amount:,.2f} 元（{wanyuan(amount)} 万元）"


def wan(value) -> str:
    """Only the 万元 figure: 5000000 → '500.00'."""
    amount = _decimal(value)
    return BLANK if amount is None else wanyuan(amount)


def ratio(part, whole) -> str:
    part, whole = _decimal(part), _decimal(whole)
    if part is None or not whole:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.01'))}%"


def file_size(size) -> str:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.2f} MB"


def label_of(choices, value) -> str:
    """The Chinese label of a choice value; unknown values are shown as stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return text(value)
