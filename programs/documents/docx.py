"""The DOCX of a local act (python-docx), for a school that edits or files it in Word.

The same layout data as the PDF (``programs.documents.rendering.Printable``) and the same
structure; the page follows the usual requirements of Russian office paper: A4, margins 30/15/20/20 mm
(left, right, top, bottom), Times New Roman with the Cyrillic (complex script and East Asian) font
slots set too, 14 pt in orders, page numbers in the footer by a PAGE field, appendices after a
page break, tables with borders whose header row repeats on every page and whose rows do not
split. The core properties and the zip timestamps come from the approval, so an approved document
gives the same file every time.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from programs.documents.rendering import AppendixView, Printable

FONT = "Times New Roman"
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"left": 30, "right": 15, "top": 20, "bottom": 20}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
# Zip entries of a project (not approved) get this time; an approved document gets its approval time.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


# Children of w:pPr / w:rPr must follow the schema's order (Word rejects a file otherwise): an element
# is inserted before the first of the tags that may follow it.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_SUPPRESS_HYPHENS = _AFTER_PBDR[_AFTER_PBDR.index("w:suppressAutoHyphens") + 1 :]
_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
    "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
    "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip


def _child(parent, tag: str, successors: tuple[str, ...]):
    """The child ``tag`` of ``parent``, created in its schema position when missing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert_element_before(found, *successors)
    return found


def _set_fonts(style, size_pt: float | None = None) -> None:
    """Times New Roman in every script slot of a style: Word takes Cyrillic from ``w:cs``/``w:eastAsia`` too."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style.font
    font.name = FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size_pt is not None:
        _child(rpr, "w:szCs", _AFTER_SZCS).set(qn("w:val"), str(int(size_pt * 2)))
    lang = _child(rpr, "w:lang", _AFTER_LANG)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "ru-RU")


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES): begin, instruction, separate, the shown value, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def add(tag: str, **attrs: str):
        run = paragraph.add_run()
        element = OxmlElement(tag)
        for name, value in attrs.items():
            element.set(qn(name), value)
        run._r.append(element)
        return run

    add("w:fldChar", **{"w:fldCharType": "begin"})
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr._r.append(text)
    add("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run(placeholder)
    add("w:fldChar", **{"w:fldCharType": "end"})


def _page_numbers(paragraph) -> None:
    """«Стр. N из M» from the same translatable phrase as the PDF's footer."""
    phrase = _("Стр. {page} из {pages}")
    rest = phrase
    while rest:
        positions = [(rest.find(k), k) for k in ("{page}", "{pages}") if rest.find(k) >= 0]
        if not positions:
            paragraph.add_run(rest)
            break
        index, key = min(positions)
        if index:
            paragraph.add_run(rest[:index])
        _field(paragraph, "PAGE" if key == "{page}" else "NUMPAGES")
        rest = rest[index + len(key) :]


def _bottom_border(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = _child(paragraph._p.get_or_add_pPr(), "w:pBdr", _AFTER_PBDR)
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)


def _lines(paragraph, lines, *, bold: bool = False) -> None:
    """Lines of one paragraph or cell, with line breaks between them (text is never markup)."""
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold or None
        if i < len(lines) - 1:
            run.add_break()


class _Writer:
    """Appends the parts of a document to a python-docx Document, one method per part."""

    def __init__(self, data: Printable) -> None:
        from docx import Document as WordDocument

        self.data = data
        self.doc = WordDocument()
        self.body_pt = 14 if data.is_order else 12
        self.table_pt = 10

    # --- page and styles ------------------------------------------------------------------------

    def setup(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt, RGBColor

        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.header_distance = section.footer_distance = Mm(10)
        normal = self.doc.styles["Normal"]
        _set_fonts(normal, self.body_pt)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        for name in ("Header", "Footer", "Table Grid"):
            if name in [s.name for s in self.doc.styles]:
                _set_fonts(self.doc.styles[name])
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _page_numbers(footer)
        for run in footer.runs:
            run.font.size = Pt(9)
        if not self.data.is_approved:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = header.add_run(_("ПРОЕКТ"))
            run.bold = True
            run.font.size = Pt(11)
            run.font.color.rgb = RGBColor(0xAA, 0x00, 0x00)

    def properties(self) -> None:
        """Core properties fixed by the approval (a project gets the time it was printed)."""
        data = self.data
        moment = data.created or timezone.now()
        moment = moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        props = self.doc.core_properties
        props.title = data.title[:250]
        props.subject = data.kind_label[:250]
        props.author = data.school_short[:250]
        props.last_modified_by = data.school_short[:250]
        props.identifier = data.content_hash
        props.keywords = data.number
        props.comments = ""
        props.category = ""
        props.revision = 1
        props.created = moment
        props.modified = moment
        props.last_printed = moment
        props.language = "ru-RU"
        # The blank template's thumbnail shows a page that is not this document.
        from docx.opc.constants import RELATIONSHIP_TYPE

        rels = self.doc.part.package.rels
        for key, rel in list(rels.items()):
            if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
                rels.pop(key)

    def word_settings(self) -> None:
        """Hyphenate automatically (justified Russian text needs it) and mark the language as Russian."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        settings = self.doc.settings.element
        preview = settings.find(qn("w:savePreviewPicture"))
        if preview is not None:
            settings.remove(preview)
        tab_stop = settings.find(qn("w:defaultTabStop"))
        if tab_stop is not None and settings.find(qn("w:autoHyphenation")) is None:
            hyphenation = OxmlElement("w:autoHyphenation")
            hyphenation.set(qn("w:val"), "true")
            tab_stop.addnext(hyphenation)
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), "ru-RU")

    # --- paragraphs -----------------------------------------------------------------------------

    def para(
        self,
        text: str = "",
        *,
        align: str = "justify",
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        indent_first: float | None = None,
        left_mm: float | None = None,
        before: float = 0,
        after: float = 0,
        keep_next: bool = False,
        page_break_before: bool = False,
    ):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        paragraph = self.doc.add_paragraph()
        paragraph.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt = paragraph.paragraph_format
        if indent_first is not None:
            fmt.first_line_indent = Mm(indent_first)
        if left_mm is not None:
            fmt.left_indent = Mm(left_mm)
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next = keep_next or None
        fmt.page_break_before = page_break_before or None
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = Pt(size)
        return paragraph

    def tabbed(self, parts: list[tuple[str, str, float]], *, before: float = 0, after: float = 0):
        """One line of text pieces at tab stops: [(text, "left"|"center"|"right", position mm)]."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm

        paragraph = self.para(align="left", before=before, after=after)
        aligns = {
            "left": WD_TAB_ALIGNMENT.LEFT,
            "center": WD_TAB_ALIGNMENT.CENTER,
            "right": WD_TAB_ALIGNMENT.RIGHT,
        }
        for i, (text, align, position) in enumerate(parts):
            if i:
                paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(position), aligns[align])
                paragraph.add_run("\t")
            paragraph.add_run(text)
        return paragraph

    # --- parts ----------------------------------------------------------------------------------

    def order_head(self) -> None:
        data, head = self.data, self.data.letterhead
        if head.get("municipality"):
            self.para(head["municipality"], align="center", size=12, after=2)
        school = self.para(head.get("full_name", ""), align="center", bold=True, size=12, after=12)
        _bottom_border(school)
        self.para(_("ПРИКАЗ"), align="center", bold=True, size=16, before=6, after=12)
        self.tabbed(
            [
                (_("от %(date)s") % {"date": data.date_or_blank}, "left", 0),
                (f"№ {data.number_or_blank}", "right", TEXT_WIDTH_MM),
            ],
            after=4,
        )
        if head.get("place"):
            self.para(head["place"], align="center", size=12, after=4)
        self.para(data.title, align="center", bold=True, before=12, after=12)

    def approve_head(self) -> None:
        data = self.data
        if data.letterhead.get("full_name"):
            org = self.para(data.letterhead["full_name"], align="center", size=11, after=14)
            _bottom_border(org)
        left = TEXT_WIDTH_MM / 2
        if data.approved_via is not None:
            self.para(_("УТВЕРЖДЕНО"), align="left", bold=True, left_mm=left, after=3)
            for line in data.approval_lines:
                self.para(line, align="left", left_mm=left)
        else:
            self.para(_("УТВЕРЖДАЮ"), align="left", bold=True, left_mm=left, after=3)
            self.para(f"{data.director_position} {data.school_short}", align="left", left_mm=left)
            self.para(f"__________ {data.director_short}", align="left", left_mm=left, before=8)
            self.para(data.long_date, align="left", left_mm=left)
        self.para(data.title, align="center", bold=True, size=14, before=18, after=6)
        if data.amends is not None:
            self.para(
                _("Новая редакция документа %(ref)s") % {"ref": data.amends},
                align="center",
                italic=True,
                size=11,
                after=8,
            )

    def sections(self) -> None:
        heading_align = "left" if self.data.is_order else "center"
        for section in self.data.sections:
            if section.heading:
                self.para(section.heading, align=heading_align, bold=True, before=8, after=6, keep_next=True)
            for block in section.blocks:
                if block.is_list:
                    for item in block.lines:
                        self.para(f"– {item}", indent_first=12.5, after=2)
                else:
                    paragraph = self.para(indent_first=12.5, after=4)
                    _lines(paragraph, block.lines)

    def signature(self) -> None:
        data = self.data
        self.tabbed(
            [
                (data.director_position, "left", 0),
                ("_______________", "center", TEXT_WIDTH_MM / 2),
                (data.director_short, "right", TEXT_WIDTH_MM),
            ],
            before=30,
        )

    def table(self, columns: list[tuple[str, float | None]], rows) -> None:
        """A bordered table; the header row repeats on each page and rows never split."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt
        from lxml import etree

        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        given = [w for _title, w in columns if w]
        default = (100 - sum(given)) / max(1, len(columns) - len(given)) if len(given) < len(columns) else 0
        widths = [Mm(TEXT_WIDTH_MM * (w or default) / 100) for _title, w in columns]

        def row_properties(row, *, header: bool) -> None:
            trpr = row._tr.get_or_add_trPr()
            cant = OxmlElement("w:cantSplit")
            trpr.append(cant)
            if header:
                trpr.append(OxmlElement("w:tblHeader"))

        def fill(cell, lines, *, bold: bool = False, center: bool = False) -> None:
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
            _child(paragraph._p.get_or_add_pPr(), "w:suppressAutoHyphens", _AFTER_SUPPRESS_HYPHENS)
            _lines(paragraph, lines, bold=bold)
            for run in paragraph.runs:
                run.font.size = Pt(self.table_pt)

        for i, width in enumerate(widths):
            table.columns[i].width = width  # w:gridCol, which LibreOffice reads
        header = table.rows[0]
        row_properties(header, header=True)
        for i, (title, _width) in enumerate(columns):
            header.cells[i].width = widths[i]
            fill(header.cells[i], [title], bold=True, center=True)
            shading = _child(header.cells[i]._tc.get_or_add_tcPr(), "w:shd", _AFTER_SHD)
            for name, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "F0F0F0")):
                shading.set(qn(name), value)
        # Body rows are written as XML directly: python-docx's per-cell API costs seconds on 300 rows.
        twips = [str(int(w.twips)) for w in widths]
        size = str(int((self.table_pt - (1 if len(columns) > 5 else 0)) * 2))
        tbl = table._tbl
        for row in rows:
            tr = etree.SubElement(tbl, qn("w:tr"))
            etree.SubElement(etree.SubElement(tr, qn("w:trPr")), qn("w:cantSplit"))
            cells = list(row[: len(columns)])
            cells += [None] * (len(columns) - len(cells))
            for i, cell in enumerate(cells):
                tc = etree.SubElement(tr, qn("w:tc"))
                width = etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW"))
                width.set(qn("w:w"), twips[i])
                width.set(qn("w:type"), "dxa")
                p = etree.SubElement(tc, qn("w:p"))
                ppr = etree.SubElement(p, qn("w:pPr"))
                etree.SubElement(ppr, qn("w:suppressAutoHyphens"))  # names in tables are not hyphenated
                jc = etree.SubElement(ppr, qn("w:jc"))
                jc.set(qn("w:val"), "center" if cell is not None and cell.centered else "left")
                lines = cell.lines if cell is not None else ()
                if not any(lines):
                    continue
                r = etree.SubElement(p, qn("w:r"))
                rpr = etree.SubElement(r, qn("w:rPr"))
                etree.SubElement(rpr, qn("w:sz")).set(qn("w:val"), size)
                etree.SubElement(rpr, qn("w:szCs")).set(qn("w:val"), size)
                for k, line in enumerate(lines):
                    if k:
                        etree.SubElement(r, qn("w:br"))
                    text = etree.SubElement(r, qn("w:t"))
                    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    text.text = line

    def acquainted(self) -> None:
        from programs.documents.rendering import Cell

        self.para(_("С приказом ознакомлены:"), align="left", bold=True, before=24, after=4, keep_next=True)
        columns = [
            (_("ФИО"), 38.0),
            (_("Должность"), 34.0),
            (_("Подпись"), 14.0),
            (_("Дата"), 14.0),
        ]
        rows = [
            [Cell((person["name"],)), Cell((person["position"],)), Cell(("",)), Cell(("",))]
            for person in self.data.acquainted
        ]
        self.table(columns, rows)

    def appendix(self, appendix: AppendixView) -> None:
        self.para(
            appendix.label,
            align="right",
            size=12,
            left_mm=TEXT_WIDTH_MM * 0.45,
            after=12,
            page_break_before=True,
        )
        if appendix.title:
            self.para(appendix.title, align="center", bold=True, after=10, keep_next=True)
        if appendix.columns:
            self.table([(c.title, c.width) for c in appendix.columns], appendix.rows)

    def build(self) -> bytes:
        data = self.data
        self.setup()
        self.properties()
        self.word_settings()
        if data.stamp == "order":
            self.order_head()
        elif data.stamp == "approve":
            self.approve_head()
        else:
            self.para(data.title, align="center", bold=True, size=14, after=12)
        self.sections()
        if data.is_order:
            self.signature()
            if data.acquainted:
                self.acquainted()
        for appendix in data.appendices:
            self.appendix(appendix)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        moment = data.created.astimezone(UTC).timetuple()[:6] if data.created else ZIP_EPOCH
        return normalise_zip(buffer.getvalue(), moment)


def normalise_zip(blob: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The same entries in the same order with one fixed timestamp: equal content, equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=max(date_time, ZIP_EPOCH))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 0
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_docx(data: Printable) -> bytes:
    return _Writer(data).build()


__all__ = ["build_docx", "normalise_zip"]
