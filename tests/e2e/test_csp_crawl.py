"""Every role's pages in Chromium, on a demo world with markup stored in its free-text columns.

The pages are the ones the test-client crawl (tests/crawl.py) reaches from each role's navigation.
Before any page script runs, a listener injected through the DevTools protocol
(``Page.addScriptToEvaluateOnNewDocument``) records every ``securitypolicyviolation`` event and
every uncaught error; the stored payloads would set ``window.__xss`` if any of them ran. On every
page: no violation, no error, no ``__xss``, and the console clean as well.
"""

from __future__ import annotations

import pytest

from schools.models import User
from tests.crawl import ROLES, crawl, page_problems, poisoned_demo
from tests.e2e.conftest import console_problems, login, wait
from tests.hostile import XSS_FLAG

pytestmark = pytest.mark.e2e

PAGES_PER_ROLE = 20
PASSWORD = "demo"  # every demo account's password
LISTENER = """
window.__cspViolations = [];
window.__jsErrors = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
window.addEventListener("error", (e) => { window.__jsErrors.push(String(e.message)); });
window.addEventListener("unhandledrejection", (e) => { window.__jsErrors.push(String(e.reason)); });
"""
READ = f"""
return {{
  violations: window.__cspViolations || ["listener missing"],
  errors: window.__jsErrors || [],
  xss: window.{XSS_FLAG} === undefined ? null : String(window.{XSS_FLAG}),
}};
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def poisoned(e2e_world) -> dict[str, str]:
    return poisoned_demo()


def test_no_page_of_any_role_violates_the_csp_or_runs_stored_markup(browser, live_server, client, poisoned):
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    problems: list[str] = []
    visited = 0
    try:
        for role in ROLES:
            client.force_login(User.objects.get(username=poisoned[role]))
            crawled = crawl(client, limit=60)
            problems += [f"{role} {problem}" for p in crawled for problem in page_problems(p)]
            pages = [p for p in crawled if p.status == 200 and "text/html" in p.content_type]
            client.logout()
            browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
            login(browser, live_server, poisoned[role], PASSWORD)
            console_problems(browser)  # the login page's lines were checked by the login journeys
            for page in pages[:PAGES_PER_ROLE]:
                browser.get(f"{live_server.url}{page.url}")
                found = browser.execute_script(READ)
                visited += 1
                where = f"{role} {page.url}"
                problems += [f"{where}: CSP {v}" for v in found["violations"]]
                problems += [f"{where}: JS error {e}" for e in found["errors"]]
                if found["xss"] is not None:
                    problems.append(f"{where}: stored markup ran (window.{XSS_FLAG}={found['xss']})")
                problems += [f"{where}: {line}" for line in console_problems(browser)]
        # The control: markup put into the page by hand is blocked, and the listener sees it.
        browser.execute_script(
            "document.body.insertAdjacentHTML('beforeend', arguments[0])",
            f'<img src="/x.png" onerror="window.{XSS_FLAG}=1">',
        )
        caught = wait(browser).until(lambda d: d.execute_script(READ)["violations"] or None)
        assert browser.execute_script(READ)["xss"] is None
        assert any("script-src" in v for v in caught), caught
        console_problems(browser)
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
    assert visited >= len(ROLES) * 3
    assert not problems, "\n".join(problems)
