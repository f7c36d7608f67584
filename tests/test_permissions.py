"""Every URL of the project, walked as every role of another school and another municipality.

The table ``CASES`` (merged from the modules of ``tests/permission_cases/``) names each URL pattern with the object of school A it is called for, the role
of school A that may open it, and whether it addresses a school-A object. The gate test fails
when a pattern is added to the URL map without a row here, so no page escapes this check.

Expectations:
- anonymous users get the login page (public pages answer normally);
- the owner role of school A gets its page (so a 404 below is not a broken URL);
- for a URL that addresses a school-A object, every user of another school (same or other
  municipality), and the methodists of another municipality and region, get 404 — never 403 or data;
- for a URL without an object (lists, home pages), those users get their own page, which must not
  contain school A's marker name.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ALL_ROLE_NAMES, SCHOOL_ROLE_NAMES, World
from tests.permission_cases import CASES, Case

# Outsiders of school A: every role of school B (same municipality) and school C (another
# municipality and region). Methodists and admins of C's territory are included by World.user.
OUTSIDERS = [(place, role) for place in ("b", "c") for role in SCHOOL_ROLE_NAMES] + [
    ("c", "municipal_methodist"),
    ("c", "regional_methodist"),
]


def _project_patterns() -> dict[str, str]:
    """All named URL patterns outside the admin site: {qualified name: route}."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.lstrip("^").startswith(settings.MEDIA_URL.lstrip("/")):
                    continue
                assert p.name, f"URL pattern {route!r} has no name: name it and add it to CASES."
                found[f"{namespace}:{p.name}" if namespace else p.name] = route

    walk(get_resolver().url_patterns, None, "")
    return found


def test_every_url_pattern_has_a_permission_case():
    patterns = _project_patterns()
    missing = sorted(set(patterns) - set(CASES))
    stale = sorted(set(CASES) - set(patterns))
    assert not missing, f"URL patterns without a permission case in tests/test_permissions.py: {missing}"
    assert not stale, f"Permission cases for URLs that no longer exist: {stale}"


def _call(client, name: str, case: Case, world: World):
    url = reverse(name, kwargs=case.kwargs(world))
    if case.method == "post":
        return client.post(url, data=case.data(world))
    return client.get(url, data=case.data(world))


def _visible_text(response) -> str:
    """What the user gets to read: the page, or the cells of a downloaded workbook (an XLSX is a zip of XML)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
            return "".join(workbook.read(n).decode() for n in workbook.namelist() if n.endswith(".xml"))
    return response.content.decode()


@pytest.mark.parametrize("name", sorted(CASES))
def test_anonymous_users_get_the_login_page_or_a_public_page(client, world, name):
    case = CASES[name]
    response = _call(client, name, case, world)
    if case.public:
        assert response.status_code in (200, case.owner_status)
        assert world.a.marker not in _visible_text(response)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.owner_role))
def test_the_owner_role_of_school_a_opens_the_page(client, world, name):
    case = CASES[name]
    client.force_login(world.user("a", case.owner_role))
    response = _call(client, name, case, world)
    assert response.status_code == case.owner_status


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if not c.public))
@pytest.mark.parametrize(("place", "role"), OUTSIDERS)
def test_users_of_another_school_or_municipality_never_see_school_a(client, world, name, place, role):
    case = CASES[name]
    client.force_login(world.user(place, role))
    response = _call(client, name, case, world)
    if case.addresses_object:
        assert response.status_code == 404, f"{name} as {role} of school {place.upper()}"
    else:
        assert response.status_code in (200, 302, 404, *case.extra_ok)
        assert world.a.marker not in _visible_text(response)


@pytest.mark.parametrize("role", [r for r in ALL_ROLE_NAMES if r != "admin"])
def test_the_admin_site_is_closed_to_everyone_but_platform_administrators(client, world, role):
    client.force_login(world.user("a", role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_admin_list_opens_for_the_platform_administrator(client, world):
    """The admin reads across tenants; each changelist must work with the scope lifted."""
    from django.contrib import admin

    client.force_login(world.admin)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
