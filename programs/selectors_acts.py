"""The register of local acts: which of the seven required acts each school has on a given date.

The municipal report checks seven items in every school (Table 1): the section «Наставничество» on
the website, the Regulation, the mentoring program, the order on pairs, the order on implementing
the target model (ЦМН), the order appointing the curator, and the roadmap. Each is in one of three
states on a date («as of»):

- **system** — approved in Nastavnik: a Document of the mapped kind (``REQUIRED_ACT_KINDS``) with
  status «утверждён» and ``approved_on`` on or before the date exists. When several do (an act and
  the acts amending it, or one per school year), the latest wins: the greatest ``approved_on``, then
  the latest approval moment, then the greatest id. Its number, date and id are carried.
- **external** — not approved in the system, but registered from outside (an ``ExternalAct`` of
  this requirement with ``adopted_on`` on or before the date): a school that adopted the act before
  it used Nastavnik. The latest one (greatest ``adopted_on``, then id) wins; number, date, link and
  whether a scan is attached are carried.
- **missing** — neither.

The website is a rule of its own: it is **system** when the school's public page «Наставничество»
is switched on (``MentoringSettings.public_page_enabled``; a school without a settings row has the
defaults, and the page is on by default) *and* an approved Regulation marked public
(``is_public``) with ``approved_on`` on or before the date exists — the page of Nastavnik is then the
school's section; it is **external** when an ``ExternalAct`` «website» with a non-empty ``url`` and
``adopted_on`` on or before the date exists; otherwise **missing**. The switch keeps no history: the
current setting counts for every date.

A school's package (Table 2 of the report) is **complete** when all seven items are system or
external, **in progress** when some are, **not formed** when none is.

Everything here reads many schools at once with a fixed number of queries (five, whatever the
number of schools), inside the caller's scope: the monitoring reads the register of a whole
municipality or region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery, TextChoices
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programs.models import (
    REQUIRED_ACT_KINDS,
    Document,
    DocumentKind,
    DocumentStatus,
    ExternalAct,
    MentoringSettings,
    RequiredAct,
)
from schools.models import School


class ActState(TextChoices):
    SYSTEM = "system", _("утверждён в системе")
    EXTERNAL = "external", _("принят ранее, зарегистрирован")
    MISSING = "missing", _("отсутствует")


class PackageState(TextChoices):
    """The categories of Table 2 of the municipal report."""

    COMPLETE = "complete", _("пакет документов сформирован")
    IN_PROGRESS = "in_progress", _("пакет документов в стадии формирования")
    NOT_FORMED = "not_formed", _("пакет документов не сформирован")


@dataclass(frozen=True)
class ActStatus:
    """One item of a school's register on a date."""

    requirement: str  # a RequiredAct value
    state: str  # an ActState value
    number: str = ""
    date: date | None = None
    title: str = ""
    document_id: int | None = None  # state «system»: the approved document
    external_id: int | None = None  # state «external»: the registered act
    url: str = ""  # the website: the public page («system») or the registered address («external»)
    has_scan: bool = False

    @property
    def label(self) -> str:
        return str(RequiredAct(self.requirement).label)

    @property
    def state_label(self) -> str:
        return str(ActState(self.state).label)

    @property
    def is_present(self) -> bool:
        return self.state != ActState.MISSING


@dataclass(frozen=True)
class RegisterSummary:
    """A school's package on a date: its category and what is missing."""

    state: str  # a PackageState value
    present: int
    total: int
    missing: tuple[str, ...]  # RequiredAct values, in the order of the register

    @property
    def state_label(self) -> str:
        return str(PackageState(self.state).label)


REQUIREMENTS: tuple[str, ...] = tuple(RequiredAct.values)


def _latest_documents(school_ids: Sequence[int], as_of: date) -> dict[tuple[int, str], dict]:
    """{(school, kind): the latest approved document of that kind on the date}, one query."""
    kinds = [k for k in REQUIRED_ACT_KINDS.values() if k]
    approved = Document.objects.filter(status=DocumentStatus.APPROVED, approved_on__lte=as_of)
    latest = (
        approved.filter(school_id=OuterRef("school_id"), kind=OuterRef("kind"))
        .order_by("-approved_on", "-approved_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        approved.filter(school_id__in=school_ids, kind__in=kinds)
        .filter(pk=Subquery(latest))
        .values("pk", "school_id", "kind", "title", "registration_number", "approved_on")
    )
    return {(row["school_id"], row["kind"]): row for row in rows}


def _latest_external(school_ids: Sequence[int], as_of: date) -> dict[tuple[int, str], dict]:
    """{(school, requirement): the latest registered act on the date}; for the website, with an address."""
    valid = ExternalAct.objects.filter(adopted_on__lte=as_of).filter(
        ~Q(requirement=RequiredAct.WEBSITE) | ~Q(url="")
    )
    latest = (
        valid.filter(school_id=OuterRef("school_id"), requirement=OuterRef("requirement"))
        .order_by("-adopted_on", "-pk")
        .values("pk")[:1]
    )
    rows = (
        valid.filter(school_id__in=school_ids)
        .filter(pk=Subquery(latest))
        .values("pk", "school_id", "requirement", "title", "number", "adopted_on", "url", "scan")
    )
    return {(row["school_id"], row["requirement"]): row for row in rows}


def _public_page_schools(school_ids: Sequence[int], as_of: date) -> set[int]:
    """Schools whose public page is on and shows an approved public Regulation on the date (two queries)."""
    switched_off = set(
        MentoringSettings.objects.filter(school_id__in=school_ids, public_page_enabled=False).values_list(
            "school_id", flat=True
        )
    )
    with_regulation = set(
        Document.objects.filter(
            school_id__in=school_ids,
            kind=DocumentKind.REGULATION,
            status=DocumentStatus.APPROVED,
            is_public=True,
            approved_on__lte=as_of,
        )
        .values_list("school_id", flat=True)
        .distinct()
    )
    return with_regulation - switched_off


def _public_url(code: str) -> str:
    return reverse("public:school", kwargs={"code": code})


def _item(
    requirement: str,
    school_id: int,
    code: str,
    documents: dict[tuple[int, str], dict],
    external: dict[tuple[int, str], dict],
    public_pages: set[int],
) -> ActStatus:
    """One item by the rules of the module docstring: approved in the system, else external, else missing."""
    if requirement == RequiredAct.WEBSITE:
        if school_id in public_pages:
            return ActStatus(requirement=requirement, state=ActState.SYSTEM, url=_public_url(code))
    elif (document := documents.get((school_id, REQUIRED_ACT_KINDS[requirement]))) is not None:
        return ActStatus(
            requirement=requirement,
            state=ActState.SYSTEM,
            number=document["registration_number"],
            date=document["approved_on"],
            title=document["title"],
            document_id=document["pk"],
        )
    act = external.get((school_id, requirement))
    if act is None:
        return ActStatus(requirement=requirement, state=ActState.MISSING)
    return ActStatus(
        requirement=requirement,
        state=ActState.EXTERNAL,
        number=act["number"],
        date=act["adopted_on"],
        title=act["title"],
        external_id=act["pk"],
        url=act["url"],
        has_scan=bool(act["scan"]),
    )


def act_register(school_ids: Iterable[int], as_of: date) -> dict[int, list[ActStatus]]:
    """{school id: its seven items in the order of ``RequiredAct``} on ``as_of``.

    Only schools of the open scope are read; an id outside it (or unknown) is left out of the result.
    Five queries, whatever the number of schools.
    """
    ids = sorted({int(i) for i in school_ids})
    if not ids:
        return {}
    codes = dict(School.objects.filter(pk__in=ids).values_list("pk", "code"))
    documents = _latest_documents(ids, as_of)
    external = _latest_external(ids, as_of)
    public_pages = _public_page_schools(ids, as_of)

    return {
        school_id: [
            _item(requirement, school_id, code, documents, external, public_pages)
            for requirement in REQUIREMENTS
        ]
        for school_id, code in codes.items()
    }


def summarize(items: Sequence[ActStatus]) -> RegisterSummary:
    """The package category of one school's register (Table 2 of the report)."""
    present = sum(1 for item in items if item.is_present)
    if present == len(items):
        state = PackageState.COMPLETE
    elif present:
        state = PackageState.IN_PROGRESS
    else:
        state = PackageState.NOT_FORMED
    return RegisterSummary(
        state=state,
        present=present,
        total=len(items),
        missing=tuple(item.requirement for item in items if not item.is_present),
    )


def register_summary(
    school_ids: Iterable[int], as_of: date, *, register: dict[int, list[ActStatus]] | None = None
) -> dict[int, RegisterSummary]:
    """{school id: complete / in progress / not formed} on ``as_of``; pass ``register`` to reuse one read."""
    if register is None:
        register = act_register(school_ids, as_of)
    return {school_id: summarize(items) for school_id, items in register.items()}
