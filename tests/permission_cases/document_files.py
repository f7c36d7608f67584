"""Permission cases of the files of documents: start a rendering, its status, the download.

The school-A document carries the marker name in its title, so a leak would show it; the finished
rendering points at a small fixed file under MEDIA_ROOT (written once, shared by all cases).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from programs.models import Document, DocumentKind, DocumentRendering, RenderFormat, RenderStatus
from tests.conftest import World
from tests.permission_cases.base import Case

FILE_NAME = "test-permission-cases/document.pdf"


def _document(w: World) -> Document:
    with scopes_disabled():
        document, _ = Document.objects.get_or_create(
            school=w.a.school,
            kind=DocumentKind.ORDER_PAIRS,
            title=f"О закреплении пар: {w.a.marker}",
            defaults={"school_year": 2026, "payload": {}},
        )
        return document


def _rendering(w: World, status: str) -> DocumentRendering:
    document = _document(w)
    with scopes_disabled():
        row = DocumentRendering.objects.filter(document=document, status=status).first()
        if row is None:
            fields = {}
            if status == RenderStatus.DONE:
                path = Path(settings.MEDIA_ROOT) / FILE_NAME
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"%PDF-1.7\n% permission case\n")
                fields = {"file": FILE_NAME, "progress": 100}
            row = DocumentRendering.objects.create(
                document=document, fmt=RenderFormat.PDF, status=status, **fields
            )
        return row


CASES: dict[str, Case] = {
    "programs:document-render": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _document(w).pk, "fmt": "pdf"},
        method="post",
        owner_status=302,
        addresses_object=True,
    ),
    "programs:document-rendering": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _rendering(w, RenderStatus.QUEUED).pk},
        addresses_object=True,
    ),
    "programs:document-file": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _rendering(w, RenderStatus.DONE).pk},
        addresses_object=True,
    ),
}
