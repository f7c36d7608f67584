"""Reads of the documents screens: the list, the card, the director's queue, number previews.

Everything here runs inside the request's school scope and needs a fixed number of queries per
page, however many documents, sections or events there are. The text of a section is plain text
(see ``DocumentSection``); ``text_blocks`` cuts it into paragraphs and lists for the HTML preview,
the template escapes every piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.registry import DocumentType, all_types, document_type
from programs.models import (
    Document,
    DocumentEvent,
    DocumentKind,
    DocumentSection,
    DocumentStatus,
    RegistrationCounter,
    RegistrationSeries,
)
from programs.services.documents import format_number, settings_of
from schools.models import School
from schools.templatetags.ru import plural_index

# One line per kind for the cards of «Создать документ»; a kind may say it itself with ``hint``.
KIND_HINTS = {
    DocumentKind.ORDER_TARGET_MODEL: gettext_lazy(
        "С какого года школа работает по целевой модели наставничества, кто за что отвечает."
    ),
    DocumentKind.ORDER_REGULATION: gettext_lazy(
        "Утверждает Положение о системе наставничества и дорожную карту одним приказом."
    ),
    DocumentKind.REGULATION: gettext_lazy(
        "Правила наставничества в школе: формы, ролевые модели, сроки программ, права и обязанности."
    ),
    DocumentKind.ROADMAP: gettext_lazy(
        "Семь этапов внедрения модели на учебный год со сроками и документами."
    ),
    DocumentKind.PROGRAM: gettext_lazy("Программа наставничества школы: цели, формы, участники, мониторинг."),
    DocumentKind.ORDER_CURATOR: gettext_lazy(
        "Назначает куратора наставничества; после утверждения он получает роль куратора."
    ),
    DocumentKind.ORDER_PAIRS: gettext_lazy(
        "Закрепляет пары и группы, по которым собраны все согласия; после утверждения они закреплены."
    ),
    DocumentKind.ORDER_REGISTRY: gettext_lazy("Утверждает реестр наставников на учебный год."),
    DocumentKind.ORDER_MENTOR_SCHOOL: gettext_lazy("Об обучении наставников в «Школе наставников»."),
    DocumentKind.ORDER_REWARD: gettext_lazy("Поощряет наставников и наставляемых по итогам года."),
    DocumentKind.CONSENT_FORMS: gettext_lazy(
        "Бланки согласий наставника, наставляемого (законного представителя) и на обработку данных."
    ),
    DocumentKind.ANALYTICAL_NOTE: gettext_lazy(
        "Итоги мониторинга наставничества за год по данным системы, за подписью руководителя."
    ),
}


# Bootstrap badge class of each status (the templates use programs/documents/_status.html).
STATUS_BADGES = {
    DocumentStatus.DRAFT: "text-bg-secondary",
    DocumentStatus.SUBMITTED: "text-bg-primary",
    DocumentStatus.RETURNED: "text-bg-warning",
    DocumentStatus.APPROVED: "text-bg-success",
}


@dataclass(frozen=True)
class KindCard:
    kind: str
    label: str
    hint: str
    is_order: bool


def kind_hint(doc_type: DocumentType) -> str:
    return str(getattr(doc_type, "hint", "") or KIND_HINTS.get(doc_type.kind, ""))


def kind_cards() -> list[KindCard]:
    """The kinds that are registered now, in the order of ``DocumentKind``."""
    return [
        KindCard(
            kind=t.kind, label=t.label, hint=kind_hint(t), is_order=t.series == RegistrationSeries.ORDERS
        )
        for t in all_types()
    ]


def registered_kind(kind: str) -> DocumentType | None:
    """The kind's type if it is registered (a URL may name a kind that is not written yet)."""
    if kind not in DocumentKind.values:
        return None
    try:
        return document_type(kind)
    except KeyError:
        return None


# --- The list ------------------------------------------------------------------------------------


def document_list(*, kind: str = "", status: str = "", school_year: int | None = None) -> QuerySet[Document]:
    documents = Document.objects.defer("payload")  # the list never prints the content
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if school_year:
        documents = documents.filter(school_year=school_year)
    return documents.order_by("-updated_at", "-pk")


def document_years() -> list[int]:
    """School years the school has documents for (newest first), for the filter."""
    return sorted(set(Document.objects.values_list("school_year", flat=True).distinct()), reverse=True)


# --- One document --------------------------------------------------------------------------------


def document_queryset() -> QuerySet[Document]:
    return Document.objects.select_related(
        "school", "amends", "approved_via", "approved_by", "created_by", "curator_staff"
    )


@dataclass
class TextBlock:
    """A paragraph (``lines``, kept line by line) or a list (``items``)."""

    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return bool(self.items)


LIST_MARKS = ("– ", "- ", "— ", "• ")


def text_blocks(body: str) -> list[TextBlock]:
    """Paragraphs split by an empty line; lines starting with «– » or «- » make a list."""
    blocks: list[TextBlock] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        current: TextBlock | None = None
        for text in chunk.split("\n"):
            line = text.strip()
            if not line:
                continue
            mark = next((m for m in LIST_MARKS if line.startswith(m)), None)
            if mark is not None:
                if current is None or not current.is_list:
                    current = TextBlock()
                    blocks.append(current)
                current.items.append(line[len(mark) :].strip())
            else:
                if current is None or current.is_list:
                    current = TextBlock()
                    blocks.append(current)
                current.lines.append(line)
    return blocks


@dataclass
class SectionView:
    section: DocumentSection
    blocks: list[TextBlock]


@dataclass
class Appendix:
    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]


def appendices_of(document: Document) -> list[Appendix]:
    """The appendix tables of the payload (generic: columns and rows of text)."""
    tables = (document.payload or {}).get("appendices") or []
    return [
        Appendix(
            number=n,
            title=str(table.get("title", "")),
            columns=[str(c) for c in table.get("columns", [])],
            rows=[[str(cell) for cell in row] for row in table.get("rows", [])],
        )
        for n, table in enumerate(tables, start=1)
        if isinstance(table, dict)
    ]


@dataclass
class DocumentPage:
    sections: list[SectionView]
    appendices: list[Appendix]
    acquainted: list[dict[str, str]]
    events: list[DocumentEvent]
    amendments: list[Document]
    approves: list[Document]
    approved_together: list[Document]
    effects: list[str]


def document_page(document: Document) -> DocumentPage:
    """Everything the card shows besides the document row itself (a fixed number of queries)."""
    sections = [
        SectionView(section=s, blocks=text_blocks(s.body))
        for s in document.sections.select_related("edited_by").order_by("order")
    ]
    acquainted = [
        {"name": str(row.get("name", "")), "position": str(row.get("position", ""))}
        for row in (document.payload or {}).get("acquainted") or []
        if isinstance(row, dict)
    ]
    approves = list(document.approves.order_by("kind", "pk"))
    approved_together = []
    if document.approved_via_id:
        approved_together = [
            d for d in document.approved_via.approves.order_by("kind", "pk") if d.pk != document.pk
        ]
    return DocumentPage(
        sections=sections,
        appendices=appendices_of(document),
        acquainted=acquainted,
        events=list(document.events.select_related("actor").order_by("at", "pk")),
        amendments=list(document.amendments.order_by("created_at", "pk")),
        approves=approves,
        approved_together=approved_together,
        effects=approval_effects(document, pair_count=document.pair_rows.count(), approves=approves),
    )


# --- What approval does ----------------------------------------------------------------------------


def _count(n: int, forms: tuple[str, str, str]) -> str:
    return f"{n} {forms[plural_index(n)]}"


# Effects a kind has beyond the pairs, the curator and the attached documents (see the kinds' apply()).
KIND_EFFECTS = {
    DocumentKind.ORDER_REGISTRY: gettext_lazy("утвердит реестр наставников учебного года"),
    DocumentKind.ROADMAP: gettext_lazy("утвердит дорожную карту учебного года на странице «Дорожная карта»"),
}


def approval_effects(document: Document, *, pair_count: int, approves: list[Document]) -> list[str]:
    """What approving the document changes in the school, in words for the director."""
    effects = []
    if pair_count:
        effects.append(
            _("закрепит %(pairs)s приказом")
            % {"pairs": _count(pair_count, (_("пару (группу)"), _("пары (группы)"), _("пар (групп)")))}
        )
    if document.curator_staff_id:
        effects.append(
            _("назначит куратором наставничества: %(name)s (в системе получит роль куратора)")
            % {"name": document.curator_staff.full_name}
        )
    if document.kind in KIND_EFFECTS:
        effects.append(str(KIND_EFFECTS[document.kind]))
    if approves:
        effects.append(
            _("утвердит вместе с собой: %(titles)s") % {"titles": "; ".join(d.title for d in approves)}
        )
    if document.amends_id:
        effects.append(_("внесёт изменения в документ: %(doc)s") % {"doc": str(document.amends)})
    if not effects:
        effects.append(_("получит регистрационный номер и вступит в силу"))
    return effects


@dataclass
class QueueRow:
    document: Document
    label: str
    effects: list[str]
    submitted_by: str


def approval_queue() -> list[QueueRow]:
    """Documents waiting for the director, oldest first, with what each one does (5 queries)."""
    documents = list(
        Document.objects.filter(status=DocumentStatus.SUBMITTED)
        .select_related("amends", "curator_staff", "created_by")
        .annotate(pair_count=Count("pair_rows"))
        .prefetch_related(Prefetch("approves", queryset=Document.objects.order_by("kind", "pk")))
        .order_by("submitted_at", "pk")
    )
    submitters = _submitters([d.pk for d in documents])
    labels = dict(DocumentKind.choices)
    return [
        QueueRow(
            document=d,
            label=str(labels.get(d.kind, d.kind)),
            effects=approval_effects(d, pair_count=d.pair_count, approves=list(d.approves.all())),
            submitted_by=submitters.get(d.pk, ""),
        )
        for d in documents
    ]


def _submitters(document_ids: list[int]) -> dict[int, str]:
    """Who sent each document to the director the last time."""
    if not document_ids:
        return {}
    found: dict[int, str] = {}
    events = (
        DocumentEvent.objects.filter(document_id__in=document_ids, action=DocumentEvent.Action.SUBMITTED)
        .select_related("actor")
        .order_by("at", "pk")
    )
    for event in events:
        found[event.document_id] = event.actor.short_name if event.actor else ""
    return found


# --- Numbers ---------------------------------------------------------------------------------------


def next_number_preview(school: School, series: str, number_format: str, year: int | None = None) -> str:
    """The number the next approved document of the register would get this calendar year."""
    year = year or timezone.localdate().year
    last = (
        RegistrationCounter.objects.filter(school=school, series=series, year=year)
        .values_list("last", flat=True)
        .first()
    )
    return format_number(number_format, (last or 0) + 1, year)


def number_previews(school: School) -> dict[str, str]:
    conf = settings_of(school)
    return {
        "orders": next_number_preview(school, RegistrationSeries.ORDERS, conf.order_number_format),
        "acts": next_number_preview(school, RegistrationSeries.ACTS, conf.act_number_format),
    }


def options_initial(document: Document) -> dict[str, Any]:
    """The options a draft was built with, as the options form's initial data."""
    return dict((document.payload or {}).get("options") or {})
