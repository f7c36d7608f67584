"""Every page each role reaches, on a demo world with markup stored in its free-text columns.

No page fails, every HTML page carries an enforced Content-Security-Policy, and no stored payload
comes back as markup (tests/crawl.py). The browser proof that nothing runs and that no page
violates the policy is tests/e2e/test_csp_crawl.py.
"""

from __future__ import annotations

import pytest

from schools.models import User
from tests.crawl import ROLES, crawl, page_problems, poison, poisoned_demo

PAGES_PER_ROLE = 60


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
