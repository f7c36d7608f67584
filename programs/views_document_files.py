"""Files of documents: «Скачать PDF / DOCX» starts (or reuses) a rendering, the page polls it, then offers it.

With JavaScript the buttons post with htmx and the status partial polls itself every second; without
it the form posts normally and lands on a waiting page that the browser refreshes (``Refresh``
header) until the file is ready. The work is done by ``programs.services.document_files`` and the
Celery job; documents and renderings are read through the scoped managers, so another school's
document is a 404 like a missing one. School readers (director, curator, psychologist) may
download; the curator and the director print drafts too (a project is marked «ПРОЕКТ»).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from programs.documents.rendering import CONTENT_TYPES, download_name
from programs.models import Document, DocumentRendering, RenderFormat, RenderStatus
from programs.services import document_files as services
from schools import audit
from schools.models import SCHOOL_READERS
from schools.tenancy import role_required

READERS = SCHOOL_READERS
POLL_SECONDS = 1


def _document_or_404(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(Document.objects.filter(school=request.tenant.school), pk=pk)


def _rendering_or_404(request: HttpRequest, pk: int) -> DocumentRendering:
    return get_object_or_404(
        DocumentRendering.objects.select_related("document").filter(document__school=request.tenant.school),
        pk=pk,
    )


def _document_url(document: Document) -> str:
    try:
        return reverse("programs:document-detail", kwargs={"pk": document.pk})
    except NoReverseMatch:
        return reverse("programs:document-list")


def _status_context(row: DocumentRendering) -> dict:
    return {
        "rendering": row,
        "document": row.document,
        "finished": row.status in (RenderStatus.DONE, RenderStatus.FAILED),
        "done": row.status == RenderStatus.DONE,
        "failed": row.status == RenderStatus.FAILED,
        "poll_seconds": POLL_SECONDS,
        "document_url": _document_url(row.document),
    }


@require_POST
@role_required(*READERS)
def document_render(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Start (or reuse) the rendering of a document into a format; htmx gets the status partial."""
    document = _document_or_404(request, pk)
    if fmt not in RenderFormat.values:
        raise Http404
    row = services.request_rendering(document, fmt, request.user)
    if request.htmx:
        return TemplateResponse(request, "programs/documents/_render_status.html", _status_context(row))
    return redirect("programs:document-rendering", pk=row.pk)


@role_required(*READERS)
def document_rendering(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of a rendering: a progress bar while it runs, then the link to the file."""
    row = _rendering_or_404(request, pk)
    context = _status_context(row)
    if request.htmx:
        return TemplateResponse(request, "programs/documents/_render_status.html", context)
    response = TemplateResponse(request, "programs/documents/render_status.html", context)
    if not context["finished"]:
        # A waiting page without JavaScript: the browser reloads it until the file is ready.
        response["Refresh"] = str(POLL_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@role_required(*READERS)
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file of a finished rendering, streamed after a scoped lookup (never by a /media/ URL)."""
    row = _rendering_or_404(request, pk)
    if row.status != RenderStatus.DONE or not row.file:
        raise Http404
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(row.document, row.fmt),
        content_type=CONTENT_TYPES[row.fmt],
    )
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, row.document)
