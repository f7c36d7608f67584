"""Permission cases of the register of local acts, the news, and the public page «Наставничество».

School A's external act and its unpublished news carry the marker name, so a leak of them to another
school (or to the public page) would show it. The public page of school A is opened anonymously: it
shows a published news item and an approved public document, never the marker. The public PDF is a
small fixed file kept as the document's finished rendering, so no PDF is rendered here.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from programs.models import (
    Document,
    DocumentKind,
    DocumentRendering,
    DocumentStatus,
    ExternalAct,
    RenderFormat,
    RenderStatus,
    RequiredAct,
    SchoolNews,
)
from programs.services.documents import content_hash
from tests.conftest import World
from tests.permission_cases.base import Case

SCAN_NAME = "test-permission-cases/external-act-scan.pdf"
PUBLIC_PDF_NAME = "test-permission-cases/public-document.pdf"
PUBLIC_PDF = b"%PDF-1.7\n% public permission case\n"


def _external_act(w: World) -> ExternalAct:
    with scopes_disabled():
        act = ExternalAct.objects.filter(school=w.a.school).first()
        if act is None:
            path = Path(settings.MEDIA_ROOT) / SCAN_NAME
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4\n% permission case scan\n")
            act = ExternalAct.objects.create(
                school=w.a.school,
                requirement=RequiredAct.REGULATION,
                title=f"Положение о наставничестве ({w.a.marker})",
                number="12",
                adopted_on=date(2023, 9, 1),
                scan=SCAN_NAME,
            )
        return act


def _news(w: World, *, published: bool) -> SchoolNews:
    """A published item without the marker (the public page shows it), an unpublished one with it."""
    with scopes_disabled():
        news = SchoolNews.objects.filter(school=w.a.school, is_published=published).first()
        if news is None:
            news = SchoolNews.objects.create(
                school=w.a.school,
                title="Старт «Школы наставников»" if published else f"Черновик новости: {w.a.marker}",
                body="Первое занятие состоялось.",
                published_on=date(2025, 9, 15),
                is_published=published,
            )
        return news


def _public_document(w: World) -> Document:
    """An approved public Regulation with its finished PDF, and a draft with the marker next to it."""
    with scopes_disabled():
        document = Document.objects.filter(school=w.a.school, is_public=True).first()
        if document is not None:
            return document
        Document.objects.create(
            school=w.a.school,
            kind=DocumentKind.ORDER_CURATOR,
            school_year=2025,
            title=f"О назначении куратора: {w.a.marker}",
            is_public=True,
        )
        document = Document.objects.create(
            school=w.a.school,
            kind=DocumentKind.REGULATION,
            school_year=2025,
            title="Положение о системе наставничества педагогических работников",
            is_public=True,
            status=DocumentStatus.APPROVED,
            registration_series="acts",
            registration_year=2025,
            registration_sequence=1,
            registration_number="1-ЛА",
            approved_on=date(2025, 9, 1),
        )
        document.content_hash = content_hash(document)
        document.save(update_fields=["content_hash"])
        path = Path(settings.MEDIA_ROOT) / PUBLIC_PDF_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PUBLIC_PDF)
        DocumentRendering.objects.create(
            document=document,
            fmt=RenderFormat.PDF,
            status=RenderStatus.DONE,
            progress=100,
            file=PUBLIC_PDF_NAME,
            sha256=hashlib.sha256(PUBLIC_PDF).hexdigest(),
            content_hash=document.content_hash,
        )
        return document


def _act_pk(w: World) -> dict:
    return {"pk": _external_act(w).pk}


def _with_act(w: World) -> dict:
    _external_act(w)
    return {}


def _news_pk(w: World) -> dict:
    return {"pk": _news(w, published=False).pk}


def _with_news(w: World) -> dict:
    _news(w, published=False)
    return {}


def _public_school(w: World) -> dict:
    _public_document(w)
    _news(w, published=True)
    _news(w, published=False)
    _external_act(w)
    return {"code": w.a.school.code}


def _public_news(w: World) -> dict:
    _news(w, published=False)
    return {"code": w.a.school.code, "pk": _news(w, published=True).pk}


def _public_pdf(w: World) -> dict:
    return {"code": w.a.school.code, "pk": _public_document(w).pk}


def _object(owner_role: str, kwargs) -> Case:
    return Case(owner_role=owner_role, kwargs=kwargs, addresses_object=True)


CASES: dict[str, Case] = {
    # The register of local acts
    "programs:act-register": Case(owner_role="curator", kwargs=_with_act),
    "programs:act-external-create": Case(owner_role="curator"),
    "programs:act-external-edit": _object("curator", _act_pk),
    "programs:act-external-delete": _object("curator", _act_pk),
    "programs:act-external-scan": _object("curator", _act_pk),
    # News of the public page
    "programs:news-list": Case(owner_role="director", kwargs=_with_news),
    "programs:news-edit": _object("curator", _news_pk),
    "programs:news-delete": _object("curator", _news_pk),
    # The public page «Наставничество» (no login)
    "public:school": Case(owner_role=None, kwargs=_public_school, public=True),
    "public:news": Case(owner_role=None, kwargs=_public_news, public=True),
    "public:document": Case(owner_role=None, kwargs=_public_pdf, public=True),
}
