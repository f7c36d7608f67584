"""Printable documents: a Django template rendered to PDF by WeasyPrint.

One helper for every paper the platform prints (consent forms now, orders and reports later), so
that they share the page (A4, margins of Russian official documents, «Стр. N из M» at the bottom)
and the font: PT Serif from static/fonts, embedded in the PDF, so a document looks the same on
every computer and its Cyrillic never falls back to a system font.

WeasyPrint reads only local files under the static directories and data: URLs; it never goes to
the network, whatever a template (or a name typed by a user into it) contains.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

FONT_FILES = {
    ("normal", "normal"): "fonts/PTSerif-Regular.ttf",
    ("bold", "normal"): "fonts/PTSerif-Bold.ttf",
    ("normal", "italic"): "fonts/PTSerif-Italic.ttf",
    ("bold", "italic"): "fonts/PTSerif-BoldItalic.ttf",
}
FONT_FAMILY = "PT Serif"
# WeasyPrint logs each of its seven rendering steps at INFO: keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
BASE_CSS_MARK = "/* nastavnik: pdf base */"


def static_roots() -> list[Path]:
    """Where printable documents may read files from: the project's static directories."""
    roots = [Path(d) for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in roots if r.is_dir()]


def static_path(name: str) -> Path:
    found = finders.find(name)
    if found:
        return Path(found).resolve()
    for root in static_roots():
        if (root / name).is_file():
            return (root / name).resolve()
    raise FileNotFoundError(name)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_number_content() -> str:
    """CSS ``content`` for «Стр. N из M», built from one translatable phrase."""
    phrase = _("Стр. {page} из {pages}")
    parts: list[str] = []
    rest = phrase
    while rest:
        positions = [(rest.find(k), k) for k in ("{page}", "{pages}") if rest.find(k) >= 0]
        if not positions:
            parts.append(_css_string(rest))
            break
        index, key = min(positions)
        if index:
            parts.append(_css_string(rest[:index]))
        parts.append("counter(page)" if key == "{page}" else "counter(pages)")
        rest = rest[index + len(key) :]
    return " ".join(parts)


def base_stylesheet() -> str:
    """Fonts and the page box every printable document shares; a template adds its own layout."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{static_path(name).as_uri()}"); }}'
        for (weight, style), name in FONT_FILES.items()
    )
    return f"""{BASE_CSS_MARK}
{faces}
@page {{
  size: A4;
  margin: 20mm 15mm 22mm 30mm;
  font-family: "{FONT_FAMILY}";
  @bottom-right {{
    content: {page_number_content()};
    font-family: "{FONT_FAMILY}";
    font-size: 9pt;
    color: #444;
  }}
}}
html {{ font-family: "{FONT_FAMILY}", serif; font-size: 12pt; line-height: 1.35; color: #000; }}
body {{ margin: 0; hyphens: auto; hyphenate-character: "-"; }}
"""


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalStaticFetcher(URLFetcher):
        """Serves file: URLs under the static directories and data: URLs; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"})
            self.roots = static_roots()

        def fetch(self, url, headers=None):
            if url.lower().startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"Not a static file: {url}")
            return super().fetch(url, headers)

    return LocalStaticFetcher


def render_pdf(
    template_name: str,
    context: dict,
    *,
    base_url: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> bytes:
    """The PDF of a template (which should extend ``pdf/base.html``), as bytes.

    pdf/base.html puts the shared stylesheet first, so a document's own styles may override it
    (another margin for an order, say).

    Relative URLs in the template (``<img src="img/logo.png">``) resolve against ``base_url``,
    by default the project's static directory.

    ``metadata`` overrides attributes of WeasyPrint's ``DocumentMetadata`` (``created``, ``modified``
    as W3C dates, ``authors``…) and ``options`` are WeasyPrint's PDF options (``pdf_identifier``…):
    an approved document fixes both, so that rendering it twice gives the same bytes.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    base_css = base_stylesheet()
    html = render_to_string(template_name, {**context, "pdf_base_css": base_css})
    if base_url is None:
        roots = static_roots()
        base_url = roots[0].as_uri() + "/" if roots else None
    fetcher = _url_fetcher_class()()
    font_config = FontConfiguration()
    extra = []
    if BASE_CSS_MARK not in html:  # a template not built on pdf/base.html still gets the page and fonts
        extra.append(CSS(string=base_css, font_config=font_config, url_fetcher=fetcher))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf_options = dict(options or {})
    rendered = document.render(font_config=font_config, stylesheets=extra, **pdf_options)
    for name, value in (metadata or {}).items():
        setattr(rendered.metadata, name, value)
    return rendered.write_pdf(**pdf_options)


def pdf_response(content: bytes, filename: str, *, as_attachment: bool = True) -> HttpResponse:
    """An HTTP response with a PDF, downloaded as a file (a document to keep, print and sign)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Cache-Control"] = "private, no-store"
    return response
