"""An order on pairs from draft to PDF, in headless Chromium.

The curator of school A drafts the order on pairs for the two pairs whose consents are complete,
sends it to the director; the director opens «На утверждении», sees what the order will do,
approves it (number 1-о), and downloads the PDF, whose text names the pairs' members. The browser
console must stay clean.

Pairs are prepared in the database (their own journey is tests/e2e/test_curator_journey.py).
Celery runs in-process here, so the rendering is ready as soon as the button's request returns.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.request

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from selenium.webdriver.common.by import By

from programs.models import Document, DocumentStatus, PairStatus
from tests.e2e.conftest import asset_problems, clickable, login, page_title, visible
from tests.e2e.test_curator_journey import assert_clean_console, into_view, submit, success_message
from tests.e2e.test_login_journeys import open_nav_item
from tests.factories import PASSWORD
from tests.permission_cases.documents import ready_pair

pytestmark = pytest.mark.e2e

ORDER_LABEL = "Приказ о закреплении наставнических пар (групп)"
MENTEES = ("Ключевская", "Родникова")


# --- Steps ---------------------------------------------------------------------------------------


def draft_the_order(browser, pairs) -> None:
    assert open_nav_item(browser, "Документы") == "Документы"
    submit(browser, "[data-testid=document-create]")
    assert page_title(browser) == "Создать документ"
    submit(browser, "[data-testid=kind-card][data-kind=order_pairs] [data-testid=kind-choose]")
    assert page_title(browser) == ORDER_LABEL

    form = visible(browser, "[data-testid=document-options-form]")
    for pair in pairs:
        box = form.find_element(By.CSS_SELECTOR, f"input[name=pairs][value='{pair.pk}']")
        assert not box.is_selected()
        into_view(browser, box).click()
    submit(browser, "[data-testid=document-draft]")

    assert page_title(browser) == ORDER_LABEL
    assert "Черновик создан по данным системы." in success_message(browser)
    assert visible(browser, "[data-testid=document-status]").text == "черновик"
    text = visible(browser, "[data-testid=document-text]").text
    for name in MENTEES:
        assert name in text
    assert "С приказом ознакомлены:" in text


def send_to_the_director(browser) -> None:
    submit(browser, "[data-testid=document-submit]")
    assert "Документ отправлен руководителю на утверждение." in success_message(browser)
    assert visible(browser, "[data-testid=document-status]").text == "на утверждении"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=section-edit]")


def approve_from_the_queue(browser, live_server, world, title: str) -> None:
    clickable(browser, "[data-testid=user-menu]").click()
    submit(browser, "[data-testid=logout]")
    assert login(browser, live_server, world.a.users["director"].username, PASSWORD) == (
        "Рабочий стол руководителя"
    )
    assert open_nav_item(browser, "На утверждении") == "Документы на утверждении"
    item = visible(browser, "[data-testid=queue-item]")
    assert title in item.text
    assert (
        "закрепит 2 пары (группы) приказом"
        in item.find_element(By.CSS_SELECTOR, "[data-testid=queue-effects]").text
    )
    submit(browser, "[data-testid=queue-open]")

    assert page_title(browser) == ORDER_LABEL
    submit(browser, "[data-testid=document-approve]")
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"Документ утверждён: № 1-о от {today}." in success_message(browser)
    assert visible(browser, "[data-testid=document-status]").text == "утверждён"
    assert visible(browser, "[data-testid=document-number]").text == f"№ 1-о от {today}"


def download_pdf(browser) -> bytes:
    """«Скачать PDF», wait for the link the status swaps in, fetch it with the browser's session."""
    into_view(browser, clickable(browser, "[data-testid=render-pdf]")).click()
    link = visible(browser, "[data-testid=render-download]")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(link.get_attribute("href"), headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        return response.read()


# --- The journey ---------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_curator_drafts_an_order_on_pairs_and_the_director_approves_and_prints_it(
    browser, live_server, e2e_world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the rendered files
    world = e2e_world
    pairs = [ready_pair(world.a, last_name=name) for name in MENTEES]

    assert login(browser, live_server, world.a.users["curator"].username, PASSWORD) == "Рабочий стол куратора"
    draft_the_order(browser, pairs)
    send_to_the_director(browser)
    assert asset_problems(browser) == []
    assert_clean_console(browser)
    with scopes_disabled():
        document = Document.objects.get(school=world.a.school)
    assert document.status == DocumentStatus.SUBMITTED

    approve_from_the_queue(browser, live_server, world, document.title)
    with scopes_disabled():
        for pair in pairs:
            pair.refresh_from_db()
            assert (pair.status, pair.order_number) == (PairStatus.FIXED, "1-о")

    pdf = download_pdf(browser)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for name in MENTEES:
        assert name in text
    assert "1-о" in text
    assert_clean_console(browser)
