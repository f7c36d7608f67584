"""A poisoned demo world and a bounded crawl of every page each role can reach from its navigation.

``poisoned_demo()`` loads the demo data (two schools) and then writes a markup payload (tests/hostile.py)
into the free-text columns of a few rows of every table of the project: names, titles, comments,
SWOT texts, news, journal entries. Whatever page shows stored text then shows a payload, so the
crawl proves on every page at once that stored markup is escaped.

``crawl(client)`` follows same-origin links from the home page with the Django test client (GET
only; no logout, delete or file download), one page per URL pattern and query keys, up to a bound.
The test-client check is tests/test_hostile_pages.py; the browser crawl (tests/e2e/test_csp_crawl.py)
opens the same pages in Chromium.
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve

from schools import demo
from tests.hostile import MARKUP

ROLES = (
    "admin",
    "regional_methodist",
    "municipal_methodist",
    "director",
    "curator",
    "psychologist",
    "mentor",
    "mentee",
)
# Columns that are identifiers or parsed values, not free text: codes in URLs, logins, addresses.
NOT_FREE_TEXT = {"code", "username", "password", "token", "key", "sha256", "content_hash", "language"}
ROWS_PER_TABLE = 3
SKIP_LINKS = re.compile(
    r"logout|/delete/|/remove|/withdraw|/export/|/template/|/download|/scan/|/file/|/files/|/attachment|\.pdf|\.docx|\.xlsx"
    r"|/static/|/media/|/admin/logout|/accounts/password|/switch|/confirm/|/jsi18n/"
)


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    csp: str
    csp_report_only: str
    body: str = field(repr=False, default="")


def poisoned_demo() -> dict[str, str]:
    """Load the demo (two schools) with markup in free-text columns; returns a login per role."""
    demo.seed_demo(seed=1, schools=2, municipalities=1, force=True)
    poison()
    logins: dict[str, str] = {}
    for row in demo.list_accounts():
        logins.setdefault(row["role"], row["login"])
    return logins


def _free_text_fields(model: type[models.Model]) -> list[models.CharField]:
    found = []
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField) or f.choices or f.unique or f.primary_key:
            continue
        if isinstance(
            f, models.EmailField | models.URLField | models.SlugField | models.GenericIPAddressField
        ):
            continue
        if f.name in NOT_FREE_TEXT or f.name.endswith(("_code", "_hash", "_key")):
            continue
        found.append(f)
    return found


def poison() -> int:
    """Write payloads into the free-text columns of the first rows of every table; returns cells written."""
    written = 0
    for label in ("schools", "programs", "monitoring"):
        for model in apps.get_app_config(label).get_models():
            fields = _free_text_fields(model)
            if not fields:
                continue
            pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:ROWS_PER_TABLE])
            for n, f in enumerate(fields):
                fitting = [m for m in MARKUP if f.max_length is None or len(m) <= f.max_length]
                if not fitting or not pks:
                    continue
                model._base_manager.filter(pk__in=pks).update(**{f.name: fitting[n % len(fitting)]})
                written += len(pks)
    return written


def pattern(url: str) -> str:
    """The URL pattern and query keys: /pairs/12/ and /pairs/13/ are one page to the crawl."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{route}?{'&'.join(keys)}"


def links(body: str) -> list[str]:
    found = []
    for raw in re.findall(r'href="([^"]+)"', body):
        url = urldefrag(html.unescape(raw))[0]
        if url.startswith("/") and not url.startswith("//") and not SKIP_LINKS.search(url):
            found.append(url)
    return found


def crawl(client, *, limit: int) -> list[Page]:
    """Breadth-first from «/»: every pattern once, at most ``limit`` pages; redirects are followed once."""
    queue = deque(["/"])
    seen_patterns: set[str] = set()
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        key = pattern(url)
        if key in seen_patterns:
            continue
        seen_patterns.add(key)
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            url = response["Location"]
            response = client.get(url)
        content_type = response.get("Content-Type", "")
        body = response.content.decode(errors="replace") if "text/html" in content_type else ""
        pages.append(
            Page(
                url=url,
                status=response.status_code,
                content_type=content_type,
                csp=response.get("Content-Security-Policy", ""),
                csp_report_only=response.get("Content-Security-Policy-Report-Only", ""),
                body=body,
            )
        )
        queue.extend(links(body))
    return pages


def page_problems(page: Page) -> list[str]:
    """What is wrong with one crawled response: an error, a missing CSP, markup that came back raw."""
    problems = []
    if page.status >= 500:
        problems.append(f"{page.url}: HTTP {page.status}")
    if "text/html" not in page.content_type:
        return problems
    if "script-src" not in page.csp or "'unsafe-inline'" in page.csp.split("script-src", 1)[1].split(";")[0]:
        problems.append(f"{page.url}: no enforced script-src in the CSP header")
    if page.csp_report_only:
        problems.append(f"{page.url}: CSP is report-only")
    problems += [f"{page.url}: raw markup {m!r}" for m in MARKUP if m in page.body]
    return problems


# --- Forms ---------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (tag or input type, name, value)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(action=a.get("action") or self.page_url, method=a.get("method", "get").lower())
            )
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self.forms[-1].fields.append(("option", self._select, a.get("value", "")))
                self._select = None
        elif tag == "input":
            self.forms[-1].fields.append((a.get("type", "text").lower(), a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.forms[-1].fields.append(("textarea", a["name"], ""))
        elif tag == "select":
            self._select = a["name"]


def forms(page: Page) -> list[Form]:
    """The forms of a crawled page, with the fields a person could fill in."""
    parser = _FormParser(page.url)
    parser.feed(page.body)
    return parser.forms
