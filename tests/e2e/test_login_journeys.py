"""Login journeys through a real headless Chromium against the live server.

Each journey ends by reading the browser console: no page may trigger a Content-Security-Policy
violation (the policy allows no inline styles or scripts without the nonce) or a JavaScript error.
"""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from schools.models import Role
from tests.e2e.conftest import (
    asset_problems,
    clickable,
    console_problems,
    gone,
    login,
    page_title,
    submit_login_form,
    visible,
    wait,
)
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.e2e


def open_nav_item(browser, label: str) -> str:
    """Click a main-menu link by its text and return the heading of the page it opens."""
    visible(browser, "#mainnav")  # the menu is rendered and expanded at this window width
    link = browser.find_element(
        By.XPATH,
        f"//nav//a[contains(@class, 'nav-link') or contains(@class, 'dropdown-item')][normalize-space()='{label}']",
    )
    if not link.is_displayed():  # inside a group: open its dropdown first
        toggle = link.find_element(By.XPATH, "ancestor::li[contains(@class, 'dropdown')]/button")
        toggle.click()
        wait(browser).until(EC.visibility_of(link))
    old_body = browser.find_element(By.TAG_NAME, "body")
    link.click()
    wait(browser).until(gone(old_body))
    assert browser.find_element(By.XPATH, f"//a[@aria-current='page'][normalize-space()='{label}']")
    return page_title(browser)


def click_and_wait_for_new_page(browser, element) -> None:
    old_body = browser.find_element(By.TAG_NAME, "body")
    element.click()
    wait(browser).until(gone(old_body))


def assert_clean_console(browser) -> None:
    problems = console_problems(browser)
    assert not problems, "Browser console:\n" + "\n".join(problems)


def test_curator_finds_a_teacher_and_logs_out(browser, live_server, e2e_world):
    world = e2e_world
    curator = world.a.users["curator"]

    assert login(browser, live_server, curator.username, PASSWORD) == "Рабочий стол куратора"
    assert browser.title == "Рабочий стол куратора · Наставник"
    assert visible(browser, "[data-testid=work-context]").text == "Куратор наставничества · МБОУ СОШ № 1"
    assert asset_problems(browser) == []

    assert open_nav_item(browser, "Педагоги") == "База педагогов"
    search = visible(browser, "input[name=q]")
    search.send_keys(world.a.marker)
    click_and_wait_for_new_page(
        browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] [type=submit]")
    )
    table = visible(browser, "[data-testid=staff-table]")
    assert world.a.marker in table.text
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 1

    click_and_wait_for_new_page(browser, table.find_element(By.PARTIAL_LINK_TEXT, world.a.marker))
    assert page_title(browser) == world.a.staff.full_name
    assert "МБОУ СОШ № 1" in browser.find_element(By.CSS_SELECTOR, ".page-subtitle").text

    clickable(browser, "[data-testid=user-menu]").click()
    click_and_wait_for_new_page(browser, clickable(browser, "[data-testid=logout]"))
    assert browser.current_url == f"{live_server.url}/accounts/login/"
    assert visible(browser, "h1").text == "Вход в систему"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=user-menu]")
    assert_clean_console(browser)


def test_login_by_email(browser, live_server, e2e_world):
    curator = e2e_world.a.users["curator"]
    assert curator.email

    assert login(browser, live_server, curator.email.upper(), PASSWORD) == "Рабочий стол куратора"
    assert curator.short_name in visible(browser, "[data-testid=user-menu]").text
    assert_clean_console(browser)


def test_wrong_password_shows_russian_error(browser, live_server, e2e_world):
    curator = e2e_world.a.users["curator"]

    submit_login_form(browser, live_server.url, curator.username, "wrong-password")
    error = visible(browser, ".alert-danger, .invalid-feedback, .errorlist")
    assert "Неверный логин" in error.text
    assert browser.current_url.startswith(f"{live_server.url}/accounts/login/")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=user-menu]")
    # The login is kept, the password is not.
    assert browser.find_element(By.NAME, "username").get_attribute("value") == curator.username
    assert browser.find_element(By.NAME, "password").get_attribute("value") == ""
    assert_clean_console(browser)


def test_multi_role_user_switches_to_mentor_in_another_school(browser, live_server, e2e_world):
    world = e2e_world
    user = world.a.users["curator"]
    with scopes_disabled():
        MembershipFactory(user=user, role=Role.MENTOR, school=world.b.school)

    # The first context (in role order) is active after login: curator of school A.
    assert login(browser, live_server, user.username, PASSWORD) == "Рабочий стол куратора"
    switcher = visible(browser, "[data-testid=context-switcher]")
    assert "Куратор наставничества · МБОУ СОШ № 1" in switcher.text
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=work-context]")

    switcher.find_element(By.CSS_SELECTOR, "[data-bs-toggle=dropdown]").click()
    menu = visible(browser, "[data-testid=context-switcher] .dropdown-menu")
    options = menu.find_elements(By.CSS_SELECTOR, "button.dropdown-item")
    assert [o.text.splitlines() for o in options] == [
        ["Куратор наставничества", "МБОУ СОШ № 1"],
        ["Наставник", "МБОУ СОШ № 2"],
    ]
    click_and_wait_for_new_page(browser, options[1])

    assert page_title(browser) == "Мой кабинет"
    assert "МБОУ СОШ № 2" in browser.find_element(By.CSS_SELECTOR, ".page-subtitle").text
    assert "Наставник · МБОУ СОШ № 2" in visible(browser, "[data-testid=context-switcher]").text
    # A mentor has no staff base: the menu no longer offers it.
    assert not browser.find_elements(By.XPATH, "//nav//a[normalize-space()='Педагоги']")
    assert_clean_console(browser)


def test_municipal_methodist_sees_only_own_municipality_schools(browser, live_server, e2e_world):
    world = e2e_world

    assert login(browser, live_server, world.methodist_1.username, PASSWORD) == (
        "Рабочий стол муниципального методиста"
    )
    assert open_nav_item(browser, "Организации") == "Образовательные организации"
    table = visible(browser, "[data-testid=school-table]")
    assert world.a.school.short_name in table.text
    assert world.b.school.short_name in table.text
    assert world.c.school.short_name not in table.text
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 2
    assert_clean_console(browser)


def test_console_check_catches_a_csp_violation(browser, live_server, e2e_world):
    """The console assertions above are not vacuous: an inline style is reported and caught."""
    login(browser, live_server, e2e_world.a.users["mentor"].username, PASSWORD)
    browser.execute_script("document.body.setAttribute('style', 'color: red')")
    problems = console_problems(browser)
    assert any(p.startswith("CSP:") and "style-src" in p for p in problems), problems
