"""DOCX rendering of a `layout.Document` with python-docx.

Fonts follow Chinese official-form habits on the users' Word installations: 宋体 for text,
黑体 for titles and headings (Times New Roman for Latin letters and digits). A4, page numbers
"第 N 页 共 M 页" in the footer as Word fields.
"""

import io
import re

from django.conf import settings
from docx import Document as new_docx
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jiebang.demands.documents.layout import Document, Grid, Paragraphs, Section, Signatures, Table

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 21 cm minus 2.5 cm margins each side
GRID_WIDTHS_CM = (3.2, 4.8, 3.2, 4.8)
LABEL_FILL = "F2F2F2"


def _fonts(run, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None


def _shade(cell, fill: str = LABEL_FILL) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    run.append(placeholder)
    field.append(run)
    paragraph._p.append(field)


def _setup(doc, title: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.left_margin = section.right_margin = Cm((21.0 - TEXT_WIDTH_CM) / 2)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        if piece.isupper():
            _field(footer, piece)
        else:
            _fonts(footer.add_run(piece), BODY_FONT, 9)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = (
        title,
        settings.SITE_TITLE,
        settings.SITE_TITLE,
        "",
    )


def _lines(cell, value: str, size: float = 10.5, bold: bool = False, center: bool = False):
    """Write a (possibly multi-line) value into a cell, one paragraph per line."""
    for i, line in enumerate(value.split("\n")):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run(line), HEADING_FONT if bold else BODY_FONT, size, bold)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _widths(table, widths_cm) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _grid(doc, grid: Grid) -> None:
    table = doc.add_table(rows=len(grid.rows), cols=4, style="Table Grid")
    _widths(table, GRID_WIDTHS_CM)
    for row, pairs in zip(table.rows, grid.rows, strict=True):
        cells = row.cells
        value_cells = [cells[1].merge(cells[3])] if len(pairs) == 1 else [cells[1], cells[3]]
        for label_cell, value_cell, pair in zip(
            (cells[0], cells[2]), value_cells, pairs, strict=False
        ):
            _shade(label_cell)
            _lines(label_cell, pair.label, 10.5, bold=True, center=True)
            _lines(value_cell, pair.value, 9 if pair.mono else 10.5)


def _repeat_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _table(doc, table_block: Table) -> None:
    columns = len(table_block.headers)
    table = doc.add_table(rows=1, cols=columns, style="Table Grid")
    for cell, header in zip(table.rows[0].cells, table_block.headers, strict=True):
        _shade(cell)
        _lines(cell, header, 9.5, bold=True, center=True)
    _repeat_header(table.rows[0])
    for row in table_block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row.cells, strict=True):
            _lines(cell, value, 9.5)
        if row.detail:
            detail = table.add_row().cells
            _lines(detail[0].merge(detail[-1]), row.detail, 8.5)
    if not table_block.rows:
        cells = table.add_row().cells
        _lines(cells[0].merge(cells[-1]), table_block.empty, 9.5, center=True)
    _widths(table, [TEXT_WIDTH_CM * w / 100 for w in table_block.widths])
    if table_block.note:
        _fonts(doc.add_paragraph().add_run(table_block.note), BODY_FONT, 9)


def _paragraphs(doc, block: Paragraphs) -> None:
    for item in block.items:
        paragraph = doc.add_paragraph()
        size = 10.5 if block.small else 12
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        paragraph.paragraph_format.line_spacing = 1.25 if block.small else 1.5
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _fonts(paragraph.add_run(item), BODY_FONT, size)


def _signatures(doc, block: Signatures) -> None:
    table = doc.add_table(rows=1, cols=len(block.columns))
    if block.boxed:
        table.style = doc.styles["Table Grid"]
    _widths(table, [TEXT_WIDTH_CM / len(block.columns)] * len(block.columns))
    for cell, lines in zip(table.rows[0].cells, block.columns, strict=True):
        for i, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(6 if i == 0 else 18)
            size = 10.5 if block.boxed else 12
            if line.startswith("年"):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _date(paragraph, line, size)
            else:
                _fonts(paragraph.add_run(line), BODY_FONT, size)


def _date(paragraph, line: str, size: float) -> None:
    """'年  月  日' with the gaps widened (character spacing) to leave room for handwriting."""
    for piece in [*re.split(r"(\s+)", line), "  "]:
        if not piece:
            continue
        run = paragraph.add_run(piece)
        if piece.isspace():  # added first: python-docx then keeps rPr children in schema order
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(int(size * 20)))  # twentieths of a point
            run._element.get_or_add_rPr().append(spacing)
        _fonts(run, BODY_FONT, size)


def _heading(doc, title: str, level: int) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12 if level == 1 else 6)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.keep_with_next = True
    _fonts(paragraph.add_run(title), HEADING_FONT, 12 if level == 1 else 10.5, bold=True)


RENDERERS = {"grid": _grid, "table": _table, "paragraphs": _paragraphs, "signatures": _signatures}


def _section(doc, section: Section, level: int = 1) -> None:
    if section.title:
        _heading(doc, section.title, level)
    for block in section.blocks:
        if block.kind == "section":
            _section(doc, block, level + 1)
        else:
            RENDERERS[block.kind](doc, block)
            if block.kind != "table":
                doc.add_paragraph().paragraph_format.space_after = Pt(2)


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    _setup(doc, document.title)
    if document.top_left:
        _fonts(doc.add_paragraph().add_run(document.top_left), HEADING_FONT, 14, bold=True)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(6)
    _fonts(title.add_run(document.title), HEADING_FONT, 16, bold=True)
    if document.subtitle:
        subtitle = doc.add_paragraph()
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(subtitle.add_run(document.subtitle), BODY_FONT, 12)
    if document.header:
        header = doc.add_paragraph()
        header.paragraph_format.space_before = Pt(8)
        header.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
        line = "\t".join(f"{pair.label}：{pair.value}" for pair in document.header)
        _fonts(header.add_run(line), BODY_FONT, 10)
    for section in document.sections:
        _section(doc, section)
    for note in document.closing:
        _fonts(doc.add_paragraph().add_run(note), BODY_FONT, 9.5)
    if document.closing_right:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(12)
        _fonts(paragraph.add_run(document.closing_right), BODY_FONT, 12)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
