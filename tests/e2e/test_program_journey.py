"""A pair's program from the template library to the first done activity, in headless Chromium.

School A has an active pair (teacher – teacher, traditional), fixed by order and started through
the services: the mentor user mentors the marker person, whose account is the mentee user. Then,
in the browser:

1. the curator opens the pair, creates its program from the «Молодой специалист: первый год в
   профессии» template (the suggested activities kept as offered), approves and starts it;
2. the mentor records a meeting in the journal, linked to the first plan activity and marking it
   done; the journal and the program card show the activity done;
3. the mentee sees the progress («1 из N») in the cabinet and in «Мои программы».

Each part ends with a clean browser console. Like the curator journey, the catalogs and the
template library come from data migrations that a transactional test's flush empties: the
``library`` fixture loads them again with the migrations' own (idempotent) functions.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from programs.models import (
    ConsentKind,
    MentoringPair,
    MentorProfile,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
)
from programs.services import pairs as pair_service
from programs.services import programs as program_service
from programs.services.participants import participant_for
from tests import programs_factories as f
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
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.e2e

TEMPLATES = importlib.import_module("programs.migrations.0005_program_templates")
TEMPLATE = next(t for t in TEMPLATES.TEMPLATES if t["code"] == "young-specialist-first-year")
FIRST_ACTIVITY = TEMPLATE["activities"][0][4]  # (month, type, area, responsible, title, product)
MENTOR_NAME = "Соколова Елена Викторовна"
TOPIC = "Первая встреча: знакомство и план работы"
CONTENT = "Обсудили результаты самодиагностики, договорились о графике встреч."
RESULT = "План работы согласован, график встреч — по вторникам."


@pytest.fixture
def library(transactional_db) -> None:
    """Forms, kinds and areas (0003), then the program templates that refer to them (0005)."""
    with scopes_disabled():
        importlib.import_module("programs.migrations.0003_catalogs").load(apps, None)
        TEMPLATES.load(apps, None)


@dataclass
class Setup:
    pair: MentoringPair
    mentee_name: str


def active_pair(world, today) -> Setup:
    """The mentor user mentors the marker person (the mentee user's card); the pair works."""
    school = world.a.school
    users = world.a.users
    with scopes_disabled():
        last, first, middle = MENTOR_NAME.split()
        mentor = participant_for(
            StaffFactory(
                school=school,
                user=users["mentor"],
                last_name=last,
                first_name=first,
                patronymic=middle,
                experience_years=25,
            )
        )
        MentorProfile.objects.create(school=school, participant=mentor, capacity=2)
        mentee = participant_for(world.a.staff)
        assert world.a.staff.user == users["mentee"]
        pair = pair_service.create_pair(
            school=school,
            mentor=mentor,
            mentees=[mentee],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=today,
            planned_end_date=today + relativedelta(years=1),
            acting_user=users["curator"],
        )
        for participant, kind in (
            (mentor, ConsentKind.MENTOR),
            (mentor, ConsentKind.PERSONAL_DATA),
            (mentee, ConsentKind.MENTEE),
            (mentee, ConsentKind.PERSONAL_DATA),
        ):
            f.consent(participant, kind, on=today)
        pair_service.mark_consents_collected(pair, acting_user=users["curator"])
        pair_service.fix_by_order(pair, order_number="17-од", order_date=today, acting_user=users["director"])
        pair = pair_service.start(pair, acting_user=users["curator"])
        assert pair.status == PairStatus.ACTIVE
        return Setup(pair=pair, mentee_name=world.a.staff.full_name)


# --- Helpers -------------------------------------------------------------------------------------


def field(browser, label: str, tag: str = "*"):
    """The ``tag`` element the label with this text is for (crispy's «*» of required fields ignored)."""
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
    old_body = browser.find_element(By.TAG_NAME, "body")
    into_view(browser, element).click()
    WebDriverWait(browser, WAIT_SECONDS, poll_frequency=0.05).until(gone(old_body))


def submit(browser, css: str) -> None:
    click_and_wait_for_new_page(browser, clickable(browser, css))


def success_message(browser) -> str:
    return visible(browser, ".alert-success").text


def program_status(browser) -> str:
    return visible(browser, "h1.page-title ~ [data-testid=program-status]").text


def plan_row(browser, title: str):
    return visible(browser, "[data-testid=plan-table]").find_element(
        By.XPATH, f".//tr[@data-testid='plan-row'][td[1]/span[normalize-space()='{title}']]"
    )


def progress_line(browser, within=None):
    """(«1 из 13», value, max) of a ``_progress.html`` block: its text, and the bar's numbers.

    Selenium counts the fallback text inside <progress> («1/13») as visible, Chromium does not
    paint it: read the caption beside the bar.
    """
    if within is None:
        block = visible(browser, "[data-testid=program-progress]")
    else:
        block = within.find_element(By.CSS_SELECTOR, "[data-testid=program-progress]")
    bar = block.find_element(By.TAG_NAME, "progress")
    caption = block.find_element(By.CSS_SELECTOR, "span").text
    return caption, bar.get_attribute("value"), bar.get_attribute("max")


def plan_rows(browser) -> list:
    return visible(browser, "[data-testid=plan-table]").find_elements(
        By.CSS_SELECTOR, "[data-testid=plan-row]"
    )


def log_out(browser) -> None:
    clickable(browser, "[data-testid=user-menu]").click()
    submit(browser, "[data-testid=logout]")
    assert visible(browser, "h1").text == "Вход в систему"


def assert_clean_page(browser) -> None:
    problems = console_problems(browser) + asset_problems(browser)
    assert not problems, "Browser console and assets:\n" + "\n".join(problems)


# --- Parts ---------------------------------------------------------------------------------------


def curator_creates_and_starts_the_program(browser, setup: Setup, today) -> int:
    """Returns the number of activities of the created plan."""
    assert open_nav_item(browser, "Пары и группы") == "Наставнические пары и группы"
    table = visible(browser, "[data-testid=pair-table]")
    row = table.find_element(By.XPATH, f".//tbody/tr[td[2][contains(., '{setup.mentee_name}')]]")
    click_and_wait_for_new_page(browser, row.find_element(By.LINK_TEXT, MENTOR_NAME))
    assert page_title(browser) == f"Пара № {setup.pair.pk}"
    assert visible(browser, "[data-testid=pair-status]").text == "работает"

    submit(browser, "[data-testid=program-create]")
    assert page_title(browser) == "Персонализированная программа наставничества"
    visible(browser, "[data-testid=template-card]")
    card = browser.find_element(
        By.XPATH, f"//div[@data-testid='template-card'][.//h3[normalize-space()='{TEMPLATE['title']}']]"
    )
    assert "Молодой специалист" in TEMPLATE["title"]
    click_and_wait_for_new_page(browser, card.find_element(By.CSS_SELECTOR, "[data-testid=template-choose]"))

    assert page_title(browser) == TEMPLATE["title"]
    template_rows = visible(browser, "[data-testid=template-plan]").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(template_rows) == len(TEMPLATE["activities"])
    # The suggested activities stay as the page offers them: the checked ones join the plan.
    kept = [box for box in browser.find_elements(By.NAME, "suggestions") if box.is_selected()]
    set_date(browser, field(browser, "Начало", "input"), today)
    submit(browser, "[data-testid=program-create-submit]")

    assert success_message(browser).startswith("Программа создана по шаблону как черновик.")
    assert page_title(browser) == TEMPLATE["title"]
    assert program_status(browser) == "черновик"
    total = len(TEMPLATE["activities"]) + len(kept)
    assert len(plan_rows(browser)) == total
    first = plan_row(browser, FIRST_ACTIVITY)
    assert first == plan_rows(browser)[0]
    assert "запланировано" in first.text
    assert date_format(today + timedelta(days=14), "d.m.Y") in first.text

    submit(browser, "[data-testid=program-approve]")
    assert success_message(browser).startswith("Программа утверждена.")
    assert program_status(browser) == "утверждена"
    submit(browser, "[data-testid=program-start]")
    assert program_status(browser) == "реализуется"
    assert progress_line(browser) == (f"0 из {total}", "0", str(total))
    assert not browser.find_elements(
        By.CSS_SELECTOR, "[data-testid=program-approve], [data-testid=program-start]"
    )
    return total


def mentor_records_a_meeting(browser, setup: Setup, today, total: int) -> None:
    pair = visible(browser, "[data-testid=cabinet-pair]")
    assert setup.mentee_name in pair.text
    program = visible(browser, "[data-testid=cabinet-program]")
    assert TEMPLATE["title"] in program.text and "реализуется" in program.text
    assert program.find_element(By.CSS_SELECTOR, "[data-testid=cabinet-progress]").text == (
        f"Выполнено 0 из {total} мероприятий (0 %)"
    )

    submit(browser, "[data-testid=action-journal-create]")
    assert page_title(browser) == "Новая запись журнала"
    set_date(browser, field(browser, "Дата", "input"), today)
    field(browser, "Тема", "input").send_keys(TOPIC)
    field(browser, "Содержание", "textarea").send_keys(CONTENT)
    field(browser, "Результат", "textarea").send_keys(RESULT)
    activity = Select(field(browser, "Мероприятие плана", "select"))
    options = [o.text for o in activity.options]
    assert options[0] == "не связано с планом"
    assert len(options) == total + 1
    first = f"{date_format(today + timedelta(days=14), 'SHORT_DATE_FORMAT')} — {FIRST_ACTIVITY}"
    assert options[1] == first  # the plan's first activity comes first
    activity.select_by_visible_text(first)
    mark_done = browser.find_element(By.NAME, "mark_done")
    into_view(browser, mark_done).click()
    assert mark_done.is_selected()
    submit(browser, "[data-testid=journal-save]")

    assert page_title(browser) == "Журнал пары"
    assert success_message(browser) == "Запись добавлена в журнал."
    entries = browser.find_elements(By.CSS_SELECTOR, "[data-testid=journal-entry]")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find_element(By.CSS_SELECTOR, "h2").text == TOPIC
    assert date_format(today, "d.m.Y") in entry.text
    assert CONTENT in entry.text and RESULT in entry.text
    assert entry.find_element(By.CSS_SELECTOR, "[data-testid=entry-activity]").text == FIRST_ACTIVITY
    assert entry.find_element(By.CSS_SELECTOR, ".badge.text-bg-success").text == "выполнено"

    # The journal links to the mentor's view of the program.
    click_and_wait_for_new_page(browser, browser.find_element(By.LINK_TEXT, TEMPLATE["title"]))
    assert page_title(browser) == TEMPLATE["title"]
    assert "вы — наставник" in visible(browser, ".page-subtitle").text
    assert program_status(browser) == "реализуется"
    row = plan_row(browser, FIRST_ACTIVITY)
    cells = row.find_elements(By.TAG_NAME, "td")
    assert cells[4].find_element(By.CSS_SELECTOR, ".badge").text == "выполнено"
    assert cells[4].text.splitlines()[1] == date_format(today, "d.m.Y")  # done on the entry's date
    assert RESULT in cells[3].text  # the entry's result became the activity's evidence
    statuses = [r.find_elements(By.TAG_NAME, "td")[4].text.splitlines()[0] for r in plan_rows(browser)]
    assert statuses.count("выполнено") == 1
    assert progress_line(browser) == (f"1 из {total}", "1", str(total))


def mentee_sees_the_progress(browser, setup: Setup, total: int) -> None:
    with scopes_disabled():
        program = PersonalizedProgram.objects.get(pair=setup.pair)
        progress = program_service.progress(program)
        assert PlanActivity.objects.filter(program=program).count() == total
    assert (progress.done, progress.total) == (1, total)

    item = visible(browser, "[data-testid=cabinet-pair]")
    assert MENTOR_NAME in item.text
    assert visible(browser, "[data-testid=cabinet-progress]").text == (
        f"Выполнено {progress.done} из {progress.total} мероприятий ({progress.percent} %)"
    )
    bar = item.find_element(By.CSS_SELECTOR, "[data-testid=cabinet-program] progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == (str(progress.done), str(progress.total))
    assert TOPIC in visible(browser, "[data-testid=cabinet-entries]").text

    assert open_nav_item(browser, "Мои программы") == "Мои программы наставничества"
    cards = visible(browser, "[data-testid=my-programs]").find_elements(By.CSS_SELECTOR, ".card")
    assert len(cards) == 1
    assert TEMPLATE["title"] in cards[0].text
    assert cards[0].find_element(By.CSS_SELECTOR, "[data-testid=program-status]").text == "реализуется"
    assert progress_line(browser, within=cards[0]) == (
        f"{progress.done} из {progress.total}",
        str(progress.done),
        str(progress.total),
    )


# --- The journey ---------------------------------------------------------------------------------


def test_curator_starts_a_program_the_mentor_records_a_meeting_the_mentee_sees_progress(
    browser, live_server, e2e_world, library
):
    world = e2e_world
    today = timezone.localdate()
    setup = active_pair(world, today)
    users = world.a.users

    assert login(browser, live_server, users["curator"].username, PASSWORD) == "Рабочий стол куратора"
    total = curator_creates_and_starts_the_program(browser, setup, today)
    assert_clean_page(browser)
    log_out(browser)

    assert login(browser, live_server, users["mentor"].username, PASSWORD) == "Мой кабинет"
    mentor_records_a_meeting(browser, setup, today, total)
    assert_clean_page(browser)
    log_out(browser)

    assert login(browser, live_server, users["mentee"].username, PASSWORD) == "Мой кабинет"
    mentee_sees_the_progress(browser, setup, total)
    assert_clean_page(browser)
