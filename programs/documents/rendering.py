"""Files of local acts: a document's PDF (WeasyPrint) and DOCX (python-docx), printed from frozen data.

A rendering reads only what ``programs.services.documents.content_of`` returns (the sections and the
payload frozen on approval, the number and the date) and the few model fields that never change
after approval (status, the dates of the order that approved it or of the act it amends). Live
data — the school's current name, today's pairs — never reaches a file: an approved order prints
the same on the day it was signed and a year later, and two renderings of it are byte-identical
(the PDF takes its dates and identifier from the approval, the DOCX its core properties and zip
timestamps).

Both formats are built from one ``Printable`` (the layout data), so the PDF and the DOCX of a
document say the same thing. The layout follows the kind's ``stamp``:
- ``order``: the letterhead, «ПРИКАЗ», the date and number line, the title, the text, the
  director's signature, the «С приказом ознакомлены» table, the appendices;
- ``approve``: the «УТВЕРЖДАЮ» block of the director (or «УТВЕРЖДЕНО приказом …» when an order
  approved it), the centred title, sections with headings, the appendices;
- ``none``: the title and the text.
A document that is not approved is marked «ПРОЕКТ» on every page and has blanks for its number
and date.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from programs.models import Document, DocumentKind, DocumentStatus, RenderFormat
from programs.pdf import render_pdf

PDF_TEMPLATE = "programs/documents/pdf/document.html"
STAMPS = ("order", "approve", "none")
LIST_MARKERS = ("– ", "- ", "— ")
NBSP = "\u00a0"
# Control characters XML 1.0 cannot carry (a DOCX is XML): pasted text sometimes brings them along.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> Any:
    """The content with characters that cannot be printed removed, at any depth."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


# --- Layout data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines, printed with line breaks) or a dashed list (its items)."""

    kind: str  # "p" or "list"
    lines: tuple[str, ...]

    @property
    def is_list(self) -> bool:
        return self.kind == "list"


@dataclass(frozen=True)
class SectionView:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Column:
    title: str
    width: float | None  # per cent of the table width


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]
    centered: bool = False  # the «№ п/п» column

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class AppendixView:
    label: str  # «Приложение 1 к приказу от 10.09.2026 № 45-о»
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Reference:
    """Another document named in this one: the approving order or the amended act."""

    number: str
    date: str  # ДД.ММ.ГГГГ

    def __str__(self) -> str:
        return _("от %(date)s № %(number)s") % {"date": self.date, "number": self.number}


@dataclass
class Printable:
    """Everything a PDF or DOCX of a document prints, computed once from the frozen content."""

    stamp: str
    title: str
    kind_label: str
    is_approved: bool
    number: str
    date: str  # ДД.ММ.ГГГГ, or "" for a project
    date_day: str
    date_month: str  # genitive: «сентября»
    date_year: str
    letterhead: dict[str, str]
    director_position: str
    director_short: str  # «А. П. Иванова»
    sections: list[SectionView]
    appendices: list[AppendixView]
    acquainted: list[dict[str, str]]
    approved_via: Reference | None = None
    amends: Reference | None = None
    created: datetime | None = None  # the approval time: the files' fixed creation date
    content_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_order(self) -> bool:
        return self.stamp == "order"

    @property
    def school_short(self) -> str:
        return self.letterhead.get("short_name", "")

    @property
    def number_or_blank(self) -> str:
        return self.number or "________"

    @property
    def date_or_blank(self) -> str:
        return self.date or "______________"

    @property
    def approval_lines(self) -> tuple[str, ...]:
        """«приказом МБОУ СОШ № 1» / «от 10.09.2026 № 45-о» under «УТВЕРЖДЕНО» (the approving order)."""
        if self.approved_via is None:
            return ()
        return (_("приказом %(school)s") % {"school": self.school_short}, str(self.approved_via))

    @property
    def long_date(self) -> str:
        """«10» сентября 2026 г. — the date line of the «УТВЕРЖДАЮ» block (blanks for a project)."""
        if not self.date:
            return _("«____» ______________ 20___ г.")
        return _("«%(day)s» %(month)s %(year)s г.") % {
            "day": self.date_day,
            "month": self.date_month,
            "year": self.date_year,
        }


def parse_body(body: str) -> list[Block]:
    """Plain section text → blocks: paragraphs split by empty lines, «– » lines are list items.

    Clause numbers («1.», «2.3.») stay in the text as written; nothing is ever read as markup.
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", (body or "").replace("\r\n", "\n").strip()):
        para: list[str] = []
        items: list[str] = []
        for typed in chunk.split("\n"):
            line = typed.strip()
            if not line:
                continue
            if line.startswith(LIST_MARKERS):
                if para:
                    blocks.append(Block("p", tuple(para)))
                    para = []
                items.append(line[2:].strip())
            else:
                if items:
                    blocks.append(Block("list", tuple(items)))
                    items = []
                para.append(line)
        if para:
            blocks.append(Block("p", tuple(para)))
        if items:
            blocks.append(Block("list", tuple(items)))
    return blocks


def initials_first(full_name: str) -> str:
    """«Иванова Анна Петровна» → «А. П. Иванова», as under a signature (non-breaking spaces)."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name.strip()
    surname, names = parts[0], parts[1:]
    return NBSP.join([*(f"{name[0]}." for name in names), surname])


def _ddmmyyyy(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _reference(other: Document | None) -> Reference | None:
    if other is None or not other.registration_number:
        return None
    return Reference(number=other.registration_number, date=_ddmmyyyy(other.approved_on))


def stamp_of(document: Document) -> str:
    """The kind's layout; a kind not registered (yet) falls back on «order» for orders."""
    from programs.documents.registry import document_type

    try:
        stamp = document_type(document.kind).stamp
    except KeyError:
        stamp = "order" if document.is_order else "approve"
    return stamp if stamp in STAMPS else "approve"


def _cell_lines(value: object) -> tuple[str, ...]:
    text = "" if value is None else str(value)
    return tuple(text.replace("\r\n", "\n").split("\n"))


def _appendices(payload: dict[str, Any], *, stamp: str, ref: str) -> list[AppendixView]:
    tables = [t for t in payload.get("appendices") or [] if isinstance(t, dict)]
    views = []
    for n, table in enumerate(tables, start=1):
        # ГОСТ Р 7.0.97-2016: a single appendix is not numbered.
        label = _("Приложение %(n)s") % {"n": n} if len(tables) > 1 else _("Приложение")
        if stamp == "order":
            label = _("%(label)s к приказу %(ref)s") % {"label": label, "ref": ref}
        columns = [str(c) for c in table.get("columns") or []]
        widths = list(table.get("widths") or [])
        total = sum(w for w in widths if isinstance(w, int | float)) if len(widths) == len(columns) else 0
        cols = tuple(
            Column(title=title, width=(round(widths[i] * 100 / total, 2) if total else None))
            for i, title in enumerate(columns)
        )
        centered = [title.startswith("№") for title in columns]
        rows = tuple(
            tuple(
                Cell(_cell_lines(cell), centered=i < len(centered) and centered[i])
                for i, cell in enumerate(row)
            )
            for row in table.get("rows") or []
        )
        views.append(AppendixView(label=label, title=str(table.get("title") or ""), columns=cols, rows=rows))
    return views


def printable(document: Document, content: dict[str, Any] | None = None) -> Printable:
    """The layout data of a document, from its frozen content and its immutable model fields.

    ``content`` is ``content_of(document)``, read here unless given (the benchmark passes it).
    """
    if content is None:
        from programs.services.documents import content_of

        content = content_of(document)
    content = _clean(content)
    payload = content.get("payload") or {}
    letterhead = {k: str(v) for k, v in (payload.get("letterhead") or {}).items() if v is not None}
    stamp = stamp_of(document)
    approved = document.status == DocumentStatus.APPROVED
    approved_on = date.fromisoformat(content["approved_on"]) if approved and content["approved_on"] else None
    number = content["registration_number"] if approved else ""
    blank_ref = Reference(number=number or "________", date=_ddmmyyyy(approved_on) or "______________")
    sections = [
        SectionView(heading=(heading or "").strip(), blocks=tuple(parse_body(body)))
        for _key, heading, body in content.get("sections") or []
    ]
    created = None
    if approved and document.approved_at is not None:
        created = timezone.localtime(document.approved_at).replace(microsecond=0)
    return Printable(
        stamp=stamp,
        title=content["title"],
        kind_label=str(DocumentKind(document.kind).label) if document.kind in DocumentKind.values else "",
        is_approved=approved,
        number=number,
        date=_ddmmyyyy(approved_on),
        date_day=f"{approved_on.day:02d}" if approved_on else "",
        date_month=dateformat.format(approved_on, "E") if approved_on else "",
        date_year=str(approved_on.year) if approved_on else "",
        letterhead=letterhead,
        director_position=_("Директор"),
        director_short=initials_first(letterhead.get("director_name", "")),
        sections=sections,
        appendices=_appendices(payload, stamp=stamp, ref=str(blank_ref)),
        acquainted=[
            {"name": str(p.get("name", "")), "position": str(p.get("position", ""))}
            for p in payload.get("acquainted") or []
            if isinstance(p, dict)
        ],
        approved_via=_reference(document.approved_via) if approved and content["approved_via"] else None,
        amends=_reference(document.amends) if content["amends"] else None,
        created=created,
        content_hash=document.content_hash if approved else "",
    )


# --- Files -------------------------------------------------------------------------------------------


@contextmanager
def fewer_gc_pauses() -> Iterator[None]:
    """WeasyPrint allocates millions of short-lived objects: collecting the young generation less often
    saves about a tenth of the time of a long document. The thresholds are put back afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], 100_000), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def render_pdf_bytes(document: Document, data: Printable | None = None) -> bytes:
    """The PDF; an approved document gets fixed dates and identifier, so its bytes never vary."""
    data = data or printable(document)
    metadata: dict[str, Any] = {"authors": [data.school_short] if data.school_short else []}
    options: dict[str, Any] = {}
    if data.created is not None:
        stamp = data.created.isoformat()
        metadata.update(created=stamp, modified=stamp)
        options["pdf_identifier"] = data.content_hash[:32].encode()
    with fewer_gc_pauses():
        return render_pdf(PDF_TEMPLATE, {"doc": data}, metadata=metadata, options=options)


def render_docx_bytes(document: Document, data: Printable | None = None) -> bytes:
    from programs.documents.docx import build_docx

    return build_docx(data or printable(document))


def render_bytes(document: Document, fmt: str, data: Printable | None = None) -> bytes:
    if fmt == RenderFormat.PDF:
        return render_pdf_bytes(document, data)
    if fmt == RenderFormat.DOCX:
        return render_docx_bytes(document, data)
    raise ValueError(f"Unknown format {fmt!r}")


CONTENT_TYPES = {
    RenderFormat.PDF: "application/pdf",
    RenderFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download_name(document: Document, fmt: str) -> str:
    """«Приказ о … № 45-о от 10.09.2026.pdf»; a project says so («Проект — …»)."""
    label = str(document.get_kind_display()) or document.title
    if document.status == DocumentStatus.APPROVED and document.registration_number:
        name = _("%(label)s № %(number)s от %(date)s") % {
            "label": label,
            "number": document.registration_number,
            "date": _ddmmyyyy(document.approved_on),
        }
    else:
        name = _("Проект — %(label)s") % {"label": label}
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .")
    return f"{name[:150]}.{fmt}"
