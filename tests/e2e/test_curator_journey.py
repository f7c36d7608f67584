"""The curator's whole way from a staff spreadsheet to a pair fixed by order, in headless Chromium.

A curator of school A imports three teachers from a CSV file (one young specialist, two
experienced teachers), puts the two experienced ones into the mentor base, lets the matching
propose a pair for the young specialist, edits the draft, records the four consents and marks them
collected; the director then fixes the pair by order. The browser console must stay clean.

The catalogs (forms, kinds, areas of difficulties) come from a data migration, and every
transactional test empties all tables when it ends: the ``catalogs`` fixture loads them again with
that migration's own (idempotent) function. A serialized rollback would do the same at three times
the cost, and clashes with the content types an earlier test's flush has recreated.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.conftest import (
    WAIT_SECONDS,
    asset_problems,
    clickable,
    console_problems,
    gone,
    login,
    page_title,
    visible,
)
from tests.e2e.test_login_journeys import open_nav_item
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

MENTEE = "Новикова Дарья Игоревна"
MENTORS = ("Соколова Елена Викторовна", "Кузнецов Андрей Павлович")
STAFF_CSV = (
    "Фамилия;Имя;Отчество;Год рождения;Должность;Предметы;Стаж, лет;Педагогическое образование;Категория;Статус\n"
    "Новикова;Дарья;Игоревна;2001;учитель математики;математика;1;да;без категории;работает\n"
    "Соколова;Елена;Викторовна;1975;учитель математики;математика, алгебра;25;да;высшая;работает\n"
    "Кузнецов;Андрей;Павлович;1980;учитель физики;физика;18;да;первая;работает\n"
)
COMPETENCIES = {
    MENTORS[0]: {
        "методическая (содержание, методы, технологии обучения)": "эксперт",
        "ИКТ-компетентность": "уверенный",
    },
    MENTORS[1]: {"предметно-профессиональная": "уверенный"},
}


@pytest.fixture
def catalogs(transactional_db) -> None:
    migration = importlib.import_module("programs.migrations.0003_catalogs")
    with scopes_disabled():
        migration.load(apps, None)


# --- Helpers -------------------------------------------------------------------------------------


def field(browser, label: str, tag: str = "*"):
    """The ``tag`` element (input, select) that the label with this text is for.

    Crispy marks required fields with «*» after the label text, which the match ignores.
    """
    return browser.find_element(
        By.XPATH, f"//{tag}[@id=//label[normalize-space(translate(., '*', ''))='{label}']/@for]"
    )


def set_date(browser, element, day) -> None:
    """Chromium's date input takes its value in ISO form from script, whatever the locale."""
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
        element,
        day.isoformat(),
    )
    assert element.get_attribute("value") == day.isoformat()


def into_view(browser, element):
    """Scroll at once: Bootstrap's smooth scrolling would still be moving the page at the click."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    return element


def click_and_wait_for_new_page(browser, element) -> None:
    """Click and wait until the page is replaced, polling often: the journey loads some 30 pages."""
    old_body = browser.find_element(By.TAG_NAME, "body")
    element.click()
    WebDriverWait(browser, WAIT_SECONDS, poll_frequency=0.05).until(gone(old_body))


def submit(browser, css: str) -> None:
    click_and_wait_for_new_page(browser, into_view(browser, clickable(browser, css)))


def success_message(browser) -> str:
    return visible(browser, ".alert-success").text


def status_of_pair(browser) -> str:
    return visible(browser, "[data-testid=pair-status]").text


def assert_clean_console(browser) -> None:
    problems = console_problems(browser)
    assert not problems, "Browser console:\n" + "\n".join(problems)


# --- Steps ---------------------------------------------------------------------------------------


def import_staff(browser, tmp_path) -> None:
    assert open_nav_item(browser, "Педагоги") == "База педагогов"
    actions = visible(browser, "[data-testid=registry-actions]")
    click_and_wait_for_new_page(browser, actions.find_element(By.PARTIAL_LINK_TEXT, "Импорт"))
    assert page_title(browser) == "Импорт: Педагогические работники"

    csv_file = tmp_path / "pedagogi.csv"
    csv_file.write_text(STAFF_CSV, encoding="utf-8")
    field(browser, "Файл XLSX или CSV").send_keys(str(csv_file))
    submit(browser, "[data-testid=import-check]")

    assert "Будет создано 3, обновлено 0" in visible(browser, "[data-testid=import-summary]").text
    preview = visible(browser, "[data-testid=import-rows]")
    assert len(preview.find_elements(By.CSS_SELECTOR, "tbody tr")) == 3
    assert "Новикова" in preview.text
    submit(browser, "[data-testid=import-confirm]")

    assert page_title(browser) == "База педагогов"
    assert "Импортировано: создано 3" in success_message(browser)
    table = visible(browser, "[data-testid=staff-table]")
    for name in (MENTEE, *MENTORS):
        assert name in table.text
    young = table.find_element(By.XPATH, f".//tr[.//a[normalize-space()='{MENTEE}']]")
    assert "молодой специалист" in young.text


def add_mentor(browser, name: str, competencies: dict[str, str]) -> None:
    assert open_nav_item(browser, "База наставников") == "База наставников"
    submit(browser, "[data-testid=mentor-create]")
    assert page_title(browser) == "Новый наставник"

    person = Select(field(browser, "Педагог", "select"))
    person.select_by_visible_text(next(o.text for o in person.options if o.text.startswith(f"{name} (")))
    capacity = field(browser, "Сколько наставляемых одновременно")
    capacity.clear()
    capacity.send_keys("2")
    for area, level in competencies.items():
        Select(field(browser, area, "select")).select_by_visible_text(level)
    submit(browser, "[data-testid=mentor-save]")

    assert page_title(browser) == name
    assert f"{name} — в базе наставников." in success_message(browser)
    assert visible(browser, "[data-testid=mentor-load]").text == "0 из 2 наставляемых"
    listed = visible(browser, "[data-testid=competencies]").text
    for area, level in competencies.items():
        assert f"{area} — {level}" in listed


def propose_pairs(browser) -> None:
    assert open_nav_item(browser, "Подбор наставников") == "Подбор наставников"
    waiting = visible(browser, "[data-testid=waiting-table]")
    assert MENTEE in waiting.text
    assert not any(name in waiting.text for name in MENTORS)
    assert "свободных мест: 4" in visible(browser, "[data-testid=matching-summary]").text
    submit(browser, "[data-testid=propose-submit]")

    created = visible(browser, "[data-testid=created-table]")
    rows = created.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1
    assert MENTEE in rows[0].text
    # The same subject (mathematics) beats the physics teacher.
    assert MENTORS[0] in rows[0].text
    click_and_wait_for_new_page(browser, rows[0].find_element(By.LINK_TEXT, MENTEE))
    assert status_of_pair(browser) == "черновик"
    people = visible(browser, "[data-testid=pair-people]").text
    assert MENTORS[0] in people and MENTEE in people


def edit_draft(browser, today) -> None:
    submit(browser, "[data-testid=pair-edit]")
    assert page_title(browser).endswith(": состав и сроки")
    end = today + timedelta(days=200)
    set_date(browser, field(browser, "Плановое окончание"), end)
    submit(browser, "[data-testid=pair-save]")

    assert "Изменения сохранены." in success_message(browser)
    assert status_of_pair(browser) == "черновик"
    terms = visible(browser, "[data-testid=pair-terms]").text
    assert f"{date_format(today, 'd.m.Y')} — {date_format(end, 'd.m.Y')}" in terms


def record_consents(browser, today) -> None:
    assert visible(browser, "[data-testid=missing-badge]").text == "не хватает: 4"
    assert not browser.find_element(By.CSS_SELECTOR, "[data-testid=consents-collected]").is_enabled()
    recorded = []
    for _ in range(4):
        link = browser.find_element(By.CSS_SELECTOR, "[data-testid=consent-record]")
        recorded.append(link.get_attribute("data-kind"))
        click_and_wait_for_new_page(browser, into_view(browser, link))
        set_date(browser, field(browser, "Дата получения"), today)
        submit(browser, "[data-testid=consent-save]")
        assert success_message(browser).startswith("Отмечено: согласие на ")
    assert sorted(recorded) == ["mentee", "mentor", "personal_data", "personal_data"]
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=consent-record]")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=missing-badge]")
    consents = visible(browser, "[data-testid=consent-table]").text
    assert consents.count(date_format(today, "d.m.Y")) == 4

    submit(browser, "[data-testid=consents-collected]")
    assert "все согласия собраны" in success_message(browser)
    assert status_of_pair(browser) == "согласия собраны"


def fix_by_order(browser, live_server, world, pair_url: str, today) -> None:
    clickable(browser, "[data-testid=user-menu]").click()
    submit(browser, "[data-testid=logout]")
    assert login(browser, live_server, world.a.users["director"].username, PASSWORD) == (
        "Рабочий стол руководителя"
    )
    browser.get(pair_url)
    assert status_of_pair(browser) == "согласия собраны"
    submit(browser, "[data-testid=pair-fix]")
    assert page_title(browser) == "Закрепить приказом"
    field(browser, "Номер приказа").send_keys("45-од")
    set_date(browser, field(browser, "Дата приказа"), today)
    submit(browser, "[data-testid=action-submit]")

    assert "Пара закреплена приказом." in success_message(browser)
    assert status_of_pair(browser) == "закреплена приказом"
    assert f"№ 45-од от {date_format(today, 'd.m.Y')}" in visible(browser, "[data-testid=pair-terms]").text


# --- The journey ---------------------------------------------------------------------------------


def test_curator_imports_staff_matches_a_mentor_and_the_director_fixes_the_pair(
    browser, live_server, e2e_world, catalogs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the import keeps the previewed file there
    world = e2e_world
    today = timezone.localdate()

    assert login(browser, live_server, world.a.users["curator"].username, PASSWORD) == "Рабочий стол куратора"
    import_staff(browser, tmp_path)
    for name in MENTORS:
        add_mentor(browser, name, COMPETENCIES[name])
    propose_pairs(browser)
    pair_url = browser.current_url
    edit_draft(browser, today)
    record_consents(browser, today)
    assert asset_problems(browser) == []
    assert_clean_console(browser)

    fix_by_order(browser, live_server, world, pair_url, today)
    assert_clean_console(browser)
