"""The kinds of documents: what each one is built from, how it is numbered and what approving it does.

A kind is a ``DocumentType`` subclass in ``programs/documents/kinds/``, registered with
``@register``. The workflow (``programs.services.documents``) knows nothing of any kind: it asks the
kind to build the draft from live data, to say what blocks approval, and to apply its effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms

from programs.models import Document, DocumentKind, MentoringPair, RegistrationSeries
from schools.models import School, Staff, User

if TYPE_CHECKING:
    from programs.models import MentoringSettings


@dataclass
class BuildContext:
    """What a kind may use to draft a document: the school, the year, the options the curator chose."""

    school: School
    school_year: int
    settings: MentoringSettings
    options: dict[str, Any]  # cleaned data of the kind's options form (empty when it has none)
    acting_user: User | None
    today: date
    amends: Document | None = None  # the approved document this one changes
    document: Document | None = None  # set when an existing draft is refreshed


@dataclass
class Section:
    key: str
    heading: str
    body: str


# The payload of every document is a dict the renderers (PDF, DOCX, the HTML preview) read generically:
#   "letterhead": {...}            — the school's requisites (written by the workflow service);
#   "options": {...}               — the options form data the draft was built with (service);
#   "appendices": [                — tables printed after the text, each as «Приложение N»:
#       {"key": "pairs", "title": "Состав наставнических пар (групп)",
#        "columns": ["№ п/п", "Наставник", ...], "widths": [6, 26, ...] (per cent, optional),
#        "rows": [["1", "Иванова Анна Петровна\nучитель математики", ...], ...]}   (cells are text;
#        "\n" is a line break inside a cell)
#   ],
#   "acquainted": [{"name": ..., "position": ...}]  — orders: the «С приказом ознакомлены» table;
# plus anything kind-specific (e.g. "pairs" for the order on pairs). Values must be JSON: the whole
# payload is frozen on approval and hashed.


@dataclass
class Built:
    """A draft's content: the text by sections, the appendix data, and the links approval acts on."""

    title: str
    sections: list[Section]
    payload: dict[str, Any] = field(default_factory=dict)
    pairs: list[tuple[MentoringPair, str]] = field(default_factory=list)  # (pair, mentor's pay supplement)
    curator_staff: Staff | None = None
    approves: list[Document] = field(default_factory=list)


class DocumentType:
    """Base of every kind. Subclasses set ``kind`` and implement ``build``; the rest has defaults."""

    kind: ClassVar[str]
    series: ClassVar[str] = RegistrationSeries.ACTS
    # Where the document may appear on the public page «Наставничество», and whether it does by default.
    may_be_public: ClassVar[bool] = True
    default_public: ClassVar[bool] = True
    # "approve" — the «УТВЕРЖДАЮ» block of the director in the top right corner (Regulation, roadmap,
    # program, analytical note); "order" — the heading «ПРИКАЗ» with number and date; "none".
    stamp: ClassVar[str] = "approve"
    # Names of the PDF/DOCX appendix templates: programs/documents/pdf/appendix_<name>.html
    appendix: ClassVar[str] = ""

    @property
    def label(self) -> str:
        return str(DocumentKind(self.kind).label)

    def options_form(self, school: School, school_year: int) -> type[forms.Form] | None:
        """A form of the choices the curator makes when drafting (which pairs, which curator)."""
        return None

    def build(self, ctx: BuildContext) -> Built:
        raise NotImplementedError

    def approval_errors(self, document: Document) -> list[str]:
        """Why the director cannot approve it now (checked on submit and again on approval)."""
        return []

    def apply(self, document: Document, acting_user: User) -> None:
        """Effects of approval, in the approval's transaction (fix pairs, grant the curator role)."""


REGISTRY: dict[str, DocumentType] = {}


def register(cls: type[DocumentType]) -> type[DocumentType]:
    if cls.kind in REGISTRY:
        raise ValueError(f"Document kind {cls.kind!r} is registered twice")
    REGISTRY[cls.kind] = cls()
    return cls


def document_type(kind: str) -> DocumentType:
    from programs.documents import kinds  # noqa: F401  (registers every kind)

    return REGISTRY[kind]


def all_types() -> list[DocumentType]:
    from programs.documents import kinds  # noqa: F401

    return [REGISTRY[k] for k in DocumentKind.values if k in REGISTRY]
