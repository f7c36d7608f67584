"""The public page «Наставничество» of each school: open to anyone, without login.

Every view opens the scope of the one school named by the URL (``public_school_scope``: an unknown
or inactive code is a 404) and renders inside it; what is shown is chosen by
``programs.selectors_public`` — published data only, no personal data beyond names and positions.
A school that switched its page off answers 404 on every page of it.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from programs import selectors_public as selectors
from programs.pdf import pdf_response
from programs.services.document_files import DocumentFileError, ensure_pdf
from schools.tenancy import public_school_scope

logger = logging.getLogger(__name__)


@require_GET
def school_page(request: HttpRequest, code: str) -> HttpResponse:
    with public_school_scope(code) as school:
        page = selectors.public_page(school, timezone.localdate())
        if page is None:
            raise Http404
        return render(request, "programs/public/school.html", {"page": page, "school": school})


@require_GET
def news_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    with public_school_scope(code) as school:
        if not selectors.public_page_enabled(school):
            raise Http404
        news = selectors.public_news_item(school, pk, timezone.localdate())
        if news is None:
            raise Http404
        return render(request, "programs/public/news.html", {"news": news, "school": school})


@require_GET
def document_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The PDF of an approved public document, shown in the browser (made once, then kept)."""
    with public_school_scope(code) as school:
        if not selectors.public_page_enabled(school):
            raise Http404
        document = selectors.public_document(school, pk, timezone.localdate())
        if document is None:
            raise Http404
        try:
            content = ensure_pdf(document)
        except DocumentFileError as error:  # an approved act whose content no longer matches its hash
            logger.error("Public PDF of document %s refused: %s", document.pk, " ".join(error.messages))
            raise Http404 from error
    filename = f"{school.code}-{document.kind}-{document.pk}.pdf"
    return pdf_response(content, filename, as_attachment=False)
