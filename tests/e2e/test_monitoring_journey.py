"""The monitoring journey in headless Chromium: a campaign, a submission, the municipal report as a PDF.

1. The methodist of municipality 1 opens the monitoring campaign of the current school year.
2. The curator of school A fills the internal monitoring (level, SWOT, reasons, decisions) and
   hands it to the methodist.
3. The methodist renders the municipal analytical report as PDF and downloads it; the file is a
   real PDF whose tables name the period and carry the curator's SWOT point.

Each part ends with a clean browser console. Celery runs eagerly here (the live server's request
runs the job), so the progress page shows the finished file at once.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import time

import pytest
from django.apps import apps
from django_scopes import scopes_disabled
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from monitoring.models import JobStatus, ReportFile, Submission, SubmissionStatus
from tests.e2e.conftest import clickable, console_problems, gone, login, page_title, visible
from tests.e2e.test_login_journeys import open_nav_item
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

STRENGTH = "Наставники сопровождают молодых педагогов на уроках"
SLOW_SECONDS = 90  # rendering the PDF in the request (eager Celery) on a busy machine


@pytest.fixture
def catalogs(transactional_db) -> None:
    with scopes_disabled():
        importlib.import_module("programs.migrations.0003_catalogs").load(apps, None)


def _clean_console(browser) -> None:
    problems = console_problems(browser)
    assert not problems, "Browser console:\n" + "\n".join(problems)


def _into_view(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    return element


def _click_and_wait(browser, element, seconds: float = 10) -> None:
    _into_view(browser, element)
    old_body = browser.find_element(By.TAG_NAME, "body")
    element.click()
    WebDriverWait(browser, seconds, poll_frequency=0.1).until(gone(old_body))


def _logout(browser) -> None:
    clickable(browser, "[data-testid=user-menu]").click()
    _click_and_wait(browser, clickable(browser, "[data-testid=logout]"))


def open_campaign(browser, live_server, world) -> None:
    login(browser, live_server, world.methodist_1.username, PASSWORD)
    assert (
        open_nav_item(browser, "Кампании мониторинга")
        == "Мониторинг реализации целевой модели наставничества"
    )
    _click_and_wait(browser, clickable(browser, "[data-testid=campaign-open]"))
    assert "Кампания открыта" in visible(browser, ".alert-success").text
    _clean_console(browser)
    _logout(browser)


def submit_monitoring(browser, live_server, world) -> None:
    login(browser, live_server, world.a.users["curator"].username, PASSWORD)
    assert (
        open_nav_item(browser, "Кампании мониторинга")
        == "Мониторинг реализации целевой модели наставничества"
    )
    _click_and_wait(browser, clickable(browser, "[data-testid=school-submission] a"))
    form = visible(browser, "[data-testid=submission-form]")
    _into_view(browser, form.find_element(By.CSS_SELECTOR, "input[name=level][value=optimal]")).click()
    texts = {
        "strengths": f"{STRENGTH}; передача опыта",
        "weaknesses": "Загруженность наставников",
        "opportunities": "Методическая поддержка муниципального центра",
        "threats": "Текучесть кадров",
        "not_completed_reasons": "Незавершённых программ нет",
        "decisions": "Продолжить реализацию программы наставничества",
    }
    for name, text in texts.items():
        _into_view(browser, form.find_element(By.NAME, name)).send_keys(text)
    _click_and_wait(browser, clickable(browser, "[data-testid=submission-submit]"))
    status = visible(browser, "[data-testid=submission-status-label]")
    assert status.get_attribute("data-status") == SubmissionStatus.SUBMITTED
    _clean_console(browser)
    _logout(browser)


def render_and_download(browser, live_server, world, download_dir) -> bytes:
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)}
    )
    login(browser, live_server, world.methodist_1.username, PASSWORD)
    assert open_nav_item(browser, "Аналитические отчёты") == "Аналитические отчёты"
    form = visible(browser, "[data-testid=report-form]")
    assert form.find_element(By.CSS_SELECTOR, "input[name=fmt][value=pdf]").is_selected()
    _click_and_wait(browser, clickable(browser, "[data-testid=report-submit]"), seconds=SLOW_SECONDS)
    assert page_title(browser) == "Муниципальный аналитический отчёт"
    link = WebDriverWait(browser, SLOW_SECONDS, poll_frequency=0.5).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid=report-download]")
    )[0]
    _clean_console(browser)
    _into_view(browser, link).click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = [p for p in download_dir.glob("*.pdf") if p.stat().st_size]
        if done and not list(download_dir.glob("*.crdownload")):
            return done[0].read_bytes()
        time.sleep(0.2)
    pytest.fail(f"no PDF was downloaded into {download_dir}: {list(download_dir.iterdir())}")


def test_the_methodist_opens_a_campaign_the_curator_submits_and_the_methodist_downloads_the_report(
    browser, live_server, e2e_world, catalogs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = e2e_world
    open_campaign(browser, live_server, world)
    submit_monitoring(browser, live_server, world)
    with scopes_disabled():
        assert Submission.objects.get(school=world.a.school).status == SubmissionStatus.SUBMITTED

    download_dir = tmp_path / "downloads"
    download_dir.mkdir()
    pdf = render_and_download(browser, live_server, world, download_dir)
    assert pdf.startswith(b"%PDF")
    with scopes_disabled():
        row = ReportFile.objects.get()
    assert (row.kind, row.fmt, row.status, row.municipality_id) == (
        "municipal",
        "pdf",
        JobStatus.DONE,
        world.a.school.municipality_id,
    )
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        flat = " ".join(text.split())
        assert "Таблица 1" in flat and "Приложение 2" in flat
        assert STRENGTH in flat  # the curator's SWOT point reached the municipal summary
        assert world.a.school.short_name in flat
