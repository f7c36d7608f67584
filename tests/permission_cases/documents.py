"""Permission cases of local acts: the list, drafting, the card and its edits, the director's
decision and queue, the mentoring settings.

School A has an order on pairs in each status the pages need; every title carries the marker name,
so a list that leaked school A's documents would show it. Builders are idempotent (a case may be
called several times in one test) and also serve tests/test_documents_views.py.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Value
from django.db.models.functions import Concat
from django_scopes import scopes_disabled

from programs.models import Document, DocumentKind, DocumentStatus, MentoringPair
from programs.services import documents as svc
from programs.services import pairs as pair_service
from tests import programs_factories as f
from tests.conftest import Place, World
from tests.permission_cases.base import Case

START, END = date(2026, 9, 1), date(2027, 5, 31)
ORDER_YEAR = 2026


def ready_pair(place: Place, **mentee_fields) -> MentoringPair:
    """A pair of the place's school with every consent in hand, waiting for the order."""
    mentor = f.mentor(place.school)
    mentee = f.teacher(place.school, experience_years=1, **mentee_fields)
    f.all_consents(mentee, mentor_participant=mentor)
    with scopes_disabled():
        pair = pair_service.create_pair(
            school=place.school,
            mentor=mentor,
            mentees=[mentee],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=place.users["curator"],
        )
        return pair_service.mark_consents_collected(pair, acting_user=place.users["curator"])


def pairs_order(place: Place, pairs: list[MentoringPair]) -> Document:
    """A draft order on the pairs, drafted by the place's curator; the title carries the marker."""
    with scopes_disabled():
        document = svc.draft_document(
            school=place.school,
            kind=DocumentKind.ORDER_PAIRS,
            school_year=ORDER_YEAR,
            acting_user=place.users["curator"],
            options={"pairs": [str(p.pk) for p in pairs]},
        )
        Document.objects.filter(pk=document.pk).update(title=Concat("title", Value(f" ({place.marker})")))
        document.refresh_from_db()
        return document


def document_in(w: World, status: str) -> Document:
    """School A's order on pairs in ``status`` (made on first use)."""
    place = w.a
    with scopes_disabled():
        found = Document.objects.filter(school=place.school, status=status).first()
        if found is not None:
            return found
        document = pairs_order(place, [ready_pair(place)])
        if status in (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED, DocumentStatus.RETURNED):
            svc.submit_document(document=document, acting_user=place.users["curator"])
        if status == DocumentStatus.APPROVED:
            svc.approve_document(document=document, acting_user=place.users["director"])
        if status == DocumentStatus.RETURNED:
            svc.return_document(
                document=document, comment="Уточнить сроки", acting_user=place.users["director"]
            )
        document.refresh_from_db()
        return document


def _pk(status: str):
    return lambda w: {"pk": document_in(w, status).pk}


def _section(w: World) -> dict:
    document = document_in(w, DocumentStatus.DRAFT)
    with scopes_disabled():
        return {"pk": document.pk, "section_pk": document.sections.order_by("order").first().pk}


def _with_documents(w: World) -> dict:
    """List pages: school A has a draft and a document on approval, both titled with the marker."""
    document_in(w, DocumentStatus.DRAFT)
    document_in(w, DocumentStatus.SUBMITTED)
    return {}


def _object(owner_role: str, kwargs, **extra) -> Case:
    return Case(owner_role=owner_role, kwargs=kwargs, addresses_object=True, **extra)


def _post(owner_role: str, kwargs, data=lambda w: {}) -> Case:
    return Case(
        owner_role=owner_role,
        kwargs=kwargs,
        method="post",
        data=data,
        owner_status=302,
        addresses_object=True,
    )


CASES: dict[str, Case] = {
    "programs:document-list": Case(owner_role="curator", kwargs=_with_documents),
    "programs:document-queue": Case(owner_role="director", kwargs=_with_documents),
    "programs:mentoring-settings": Case(owner_role="curator"),
    "programs:document-create": Case(owner_role="curator"),
    "programs:document-create-kind": Case(
        owner_role="curator", kwargs=lambda w: {"kind": DocumentKind.ORDER_PAIRS}
    ),
    "programs:document-detail": _object("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-edit": _object("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-section-edit": _object("curator", _section),
    "programs:document-options": _object("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-delete": _object("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-refresh": _post("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-submit": _post("curator", _pk(DocumentStatus.DRAFT)),
    "programs:document-amend": _object("curator", _pk(DocumentStatus.APPROVED)),
    "programs:document-approve": _object("director", _pk(DocumentStatus.SUBMITTED)),
    "programs:document-return": _object("director", _pk(DocumentStatus.SUBMITTED)),
}
