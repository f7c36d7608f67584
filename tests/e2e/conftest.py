"""End-to-end fixtures: one headless Chromium for the whole session, driven by Selenium.

Every test in this directory is marked ``e2e`` (deselect them with ``-m "not e2e"``). The browser
talks to pytest-django's ``live_server`` (a real HTTP server in a thread, on the test database), so
the tests need ``transactional_db``: rows written by the test must be visible to the server thread.

Chromium and chromedriver come from the Debian packages (/usr/bin/chromium, /usr/bin/chromedriver).
Without them the tests are skipped locally and fail on CI (env ``CI`` set), so a broken CI image
does not pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 10
E2E_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--window-size=1366,900",
)

# Console lines that say nothing about our pages: the browser asking for /favicon.ico and the like.
NOISE = ("favicon", "status of 404")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything collected below tests/e2e as ``e2e``."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def make_chrome(user_data_dir: Path, *, window_size: str = "1366,900"):
    """A headless Chromium with browser-console logging on; the caller quits it."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg if not arg.startswith("--window-size=") else f"--window-size={window_size}")
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument("--lang=ru-RU")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="session")
def browser(live_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    # Requesting live_server first makes it outlive the browser: Chromium's keep-alive connections
    # are closed (and their server threads end) while the server still shares the test database
    # connection; the other way round those threads fail with «DatabaseWrapper objects created in
    # a thread can only be used in that same thread».
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"End-to-end tests need {' and '.join(missing)} (Debian: apt-get install chromium chromium-driver)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    driver = make_chrome(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def _fresh_browser_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts logged out, with an empty console log, whatever the previous test did."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})  # all sites, not just the current one
    driver.get("about:blank")
    driver.get_log("browser")  # reading the log empties it
    yield


@pytest.fixture
def e2e_world(transactional_db, live_server, world):
    """The shared ``world`` (schools A, B, C) on a database the live server thread can see."""
    return world


# --- Helpers used by the tests -------------------------------------------------------------------


def wait(driver, seconds: float = WAIT_SECONDS):
    return WebDriverWait(driver, seconds)


def visible(driver, css: str):
    """Wait until the element is visible and return it."""
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def clickable(driver, css: str):
    return wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))


def page_title(driver) -> str:
    return visible(driver, "h1.page-title").text


def gone(element):
    """Wait condition: ``element`` left the document (the browser loaded a new page).

    Chromium 156 sometimes reports a node of the replaced page as «does not belong to the
    document» instead of a stale element; both mean the same here.
    """

    def condition(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
        return False

    return condition


def submit_login_form(driver, base_url: str, username: str, password: str) -> None:
    """Open the login page, type the credentials and press «Войти»."""

    driver.get(f"{base_url}/accounts/login/")
    field = visible(driver, "input[name=username]")
    field.clear()
    field.send_keys(username)
    secret = driver.find_element(By.NAME, "password")
    secret.clear()
    secret.send_keys(password)
    old_body = driver.find_element(By.TAG_NAME, "body")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=login-submit]").click()
    wait(driver).until(gone(old_body))


def login(driver, live_server, username: str, password: str) -> str:
    """Log in through the form and wait for the home page; returns its heading."""
    base_url = live_server if isinstance(live_server, str) else live_server.url
    submit_login_form(driver, base_url, username, password)
    return page_title(driver)


def console_problems(driver) -> list[str]:
    """CSP violations and JavaScript errors in the browser console since the last call.

    Reading the log empties it, so call this once per journey (or per page, if you want the page).
    """
    problems = []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "Content Security Policy" in message or "Refused to" in message:
            problems.append(f"CSP: {message}")
        elif entry.get("level") == "SEVERE" and not any(n in message for n in NOISE):
            problems.append(f"{entry.get('source', '?')}: {message}")
    return problems


def asset_problems(driver) -> list[str]:
    """Static files of the current page that failed, and styles or fonts that did not apply.

    Catches a broken static setup (a 404 on app.css or a font) that the console alone may not show
    once the page has been served from cache.
    """
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        document.fonts.ready.then(() => {
          const problems = [];
          for (const e of performance.getEntriesByType("resource")) {
            if (e.responseStatus >= 400) problems.push(`${e.name}: HTTP ${e.responseStatus}`);
          }
          const nav = document.querySelector("nav.navbar");
          const navColor = nav && getComputedStyle(nav).backgroundColor;
          if (navColor !== "rgb(31, 78, 121)") problems.push(`navbar colour ${navColor}: app.css not applied`);
          // document.fonts.check() is vacuously true for an unknown family: look at the faces.
          const loaded = (family) => [...document.fonts].some(
            (f) => f.family.replace(/"/g, "") === family && f.status === "loaded");
          if (!loaded("PT Sans")) problems.push("PT Sans font not loaded");
          if (document.querySelector(".bi") && !loaded("bootstrap-icons")) {
            problems.push("bootstrap-icons font not loaded");
          }
          done(problems);
        });
        """
    )
