"""Every page and form each role reaches, on a demo world with markup stored in its free-text columns.

No page fails (nor with hostile query strings, nor any form posted with payloads in its text fields), every HTML page carries an enforced Content-Security-Policy, and no stored payload
comes back as markup (tests/crawl.py). The browser proof that nothing runs and that no page
violates the policy is tests/e2e/test_csp_crawl.py.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schools.models import User
from tests.crawl import ROLES, SKIP_LINKS, Form, crawl, forms, page_problems, pattern, poison, poisoned_demo
from tests.hostile import MARKUP

PAGES_PER_ROLE = 60


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def logins(db) -> dict[str, str]:
    from tests.conftest import ensure_catalogs

    ensure_catalogs()
    return poisoned_demo()


def test_the_poison_reaches_many_tables(logins):
    assert poison() > 100


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_escapes_stored_markup_under_csp(client, logins, role):
    client.force_login(User.objects.get(username=logins[role]))

    pages = crawl(client, limit=PAGES_PER_ROLE)

    html_pages = [p for p in pages if "text/html" in p.content_type]
    assert len(html_pages) >= 3, [p.url for p in pages]
    problems = [problem for p in pages for problem in page_problems(p)]
    assert not problems, "\n".join(problems)


QUERY_VALUES = ["\x00", "<script>x</script>", "9" * 30, "2024-13-45", "' OR 1=1 --%" + "а" * 3000]
QUERY_KEYS = [
    "q",
    "page",
    "status",
    "year",
    "school_year",
    "as_of",
    "period",
    "sort",
    "school",
    "kind",
    "form",
]


@pytest.mark.parametrize("role", ["curator", "municipal_methodist", "mentor"])
def test_hostile_query_strings_never_make_a_server_error(client, logins, role):
    """Filters, search boxes and paging read the query string: any value is a page, never a 500."""
    client.force_login(User.objects.get(username=logins[role]))
    pages = [p for p in crawl(client, limit=40) if p.status == 200 and "text/html" in p.content_type]
    failures = []
    for page in pages:
        path = page.url.split("?", 1)[0]
        keys = set(QUERY_KEYS) | set(re.findall(r'<(?:input|select)[^>]*name="([a-z_]+)"', page.body))
        for n, value in enumerate(QUERY_VALUES):
            response = client.get(path, {key: value for key in keys if key != "csrfmiddlewaretoken"})
            if response.status_code >= 500:
                failures.append(f"{path} with {value[:20]!r}: HTTP {response.status_code}")
            if n == 0 and response.status_code >= 500:
                break
    assert not failures, "\n".join(failures)


TEXT_INPUTS = {"text", "textarea", "search", "email", "url", "tel", "number", "date", "password"}
FORM_PAYLOADS = [MARKUP[1], "\x00" + MARKUP[0] + "а" * 20000]


def filled(form: Form, payload: str) -> dict:
    data: dict = {}
    for kind, name, value in form.fields:
        if kind in TEXT_INPUTS:
            data[name] = payload
        elif kind == "file":
            data[name] = SimpleUploadedFile("<img>.pdf", payload.encode())
        elif kind in ("checkbox", "radio", "option"):
            data.setdefault(name, value)
        elif kind not in ("submit", "button", "reset"):
            data[name] = value  # hidden: the form's own state
    return data


@pytest.mark.parametrize("role", ["curator", "director", "mentor", "mentee"])
def test_every_form_of_the_role_takes_hostile_text_without_a_server_error(client, logins, role):
    """Every form reachable from the role's pages, its text fields filled with payloads and posted."""
    client.force_login(User.objects.get(username=logins[role]))
    pages = [p for p in crawl(client, limit=40) if p.status == 200 and "text/html" in p.content_type]
    posted, failures, seen = 0, [], set()
    for page in pages:
        for form in forms(page):
            key = pattern(form.action)
            if form.method != "post" or SKIP_LINKS.search(form.action) or key in seen:
                continue
            seen.add(key)
            for payload in FORM_PAYLOADS:
                response = client.post(form.action, filled(form, payload))
                posted += 1
                body = response.content.decode(errors="replace")
                if response.status_code >= 500:
                    failures.append(f"{form.action}: HTTP {response.status_code}")
                failures += [f"{form.action}: raw markup {m!r}" for m in MARKUP if m in body]
    assert posted >= 2
    assert not failures, "\n".join(failures)


def test_a_nul_in_the_query_string_is_a_bad_request(client, world):
    client.force_login(world.methodist_1)
    assert client.get("/schools/", {"q": "школа\x00"}).status_code == 400
    assert client.get("/schools/", {"q\x00": "1"}).status_code == 400
    assert client.get("/schools/", {"q": "школа"}).status_code == 200
