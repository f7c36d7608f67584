"""The mentor's and the mentee's cabinets: program and progress, deadlines, journal, requests, actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    AssessmentSource,
    DifficultyAssessment,
    MentoringPair,
    PairRequest,
    PairStatus,
    ProgramStatus,
)
from programs.selectors_cabinet import cabinet
from schools.tenancy import school_scope
from schools.years import school_year_of
from tests import programs_factories as f
from tests.test_journal import _activity, _entry, _program
from tests.test_pairs_views import advance, html, make_pair, mentee_user_participant, mentor_user_participant


@pytest.fixture
def own_pair(world) -> MentoringPair:
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


def _login(client, world, role: str):
    client.force_login(world.user("a", role))
    return client


def _section(page: str, testid: str) -> str:
    """The markup of one element of the cabinet, up to its list's end."""
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</ul>", start)]


def _plan(pair: MentoringPair, *, status: str = ProgramStatus.IN_PROGRESS):
    today = timezone.localdate()
    program = _program(pair, status=status)
    _activity(program, "Просроченное мероприятие", today - timedelta(days=2))
    _activity(program, "Выполненное мероприятие", today - timedelta(days=1), status=ActivityStatus.DONE)
    _activity(program, "Отменённое мероприятие", today + timedelta(days=1), status=ActivityStatus.CANCELLED)
    _activity(program, "Мероприятие этой недели", today + timedelta(days=3))
    _activity(program, "Мероприятие на седьмой день", today + timedelta(days=7))
    _activity(program, "Дальнее мероприятие", today + timedelta(days=8))
    return program


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_cabinet_shows_the_program_its_progress_and_deadlines(client, world, own_pair, role):
    program = _plan(own_pair)
    page = html(_login(client, world, role).get(reverse("home")))
    assert program.title in page
    # 6 activities, the cancelled one is out of the plan: 1 of 5 done.
    assert '<progress class="w-100" value="1" max="5"' in page
    assert "Выполнено 1 из 5 мероприятий (20 %)" in page
    due = _section(page, "cabinet-due")
    assert "Мероприятие этой недели" in due and "Мероприятие на седьмой день" in due
    assert "Дальнее мероприятие" not in due and "Выполненное" not in due and "Отменённое" not in due
    overdue = _section(page, "cabinet-overdue")
    assert "Просроченное мероприятие" in overdue and "Выполненное" not in overdue
    assert "На этой неделе: 2" in page and "Просрочено: 1" in page
    assert 'style="' not in page


def test_the_selector_counts_what_is_due_and_overdue(world, own_pair):
    _plan(own_pair)
    with school_scope([world.a.school.pk]):
        data = cabinet(world.a.users["mentor"])
    [item] = data.pairs
    assert (item.done, item.total, item.percent) == (1, 5, 20)
    assert [a.title for a in item.due_this_week] == ["Мероприятие этой недели", "Мероприятие на седьмой день"]
    assert [a.title for a in item.overdue] == ["Просроченное мероприятие"]
    assert (data.due_count, data.overdue_count) == (2, 1)
    assert item.i_am_mentor
    with school_scope([world.a.school.pk]):
        assert cabinet(world.a.users["mentee"]).pairs[0].i_am_mentor is False


def test_a_draft_program_asks_for_nothing_yet(client, world, own_pair):
    _plan(own_pair, status=ProgramStatus.DRAFT)
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert 'data-testid="cabinet-due"' not in page and 'data-testid="cabinet-overdue"' not in page
    assert "На этой неделе: 0" in page and "Просрочено: 0" in page
    assert "Программа адаптации молодого специалиста" in page


def test_a_pair_without_a_program_says_so(client, world, own_pair):
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert "Программа пока не составлена." in page
    assert 'data-testid="action-program"' not in page


def test_the_program_link_leads_to_the_members_program_card(client, world, own_pair):
    program = _plan(own_pair)
    page = html(_login(client, world, "mentee").get(reverse("home")))
    url = reverse("programs:my-program", kwargs={"pk": program.pk})
    assert url in page
    assert client.get(url).status_code == 200


def test_the_last_three_journal_entries_are_shown(client, world, own_pair):
    today = timezone.localdate()
    for i in range(4):
        _entry(
            own_pair, world.a.users["mentor"], topic=f"Встреча номер {i}", date=today - timedelta(days=10 - i)
        )
    page = html(_login(client, world, "mentee").get(reverse("home")))
    entries = _section(page, "cabinet-entries")
    assert "Встреча номер 0" not in entries
    assert (
        entries.index("Встреча номер 3") < entries.index("Встреча номер 2") < entries.index("Встреча номер 1")
    )


def test_the_users_own_requests_and_their_status_are_shown(client, world, own_pair):
    with scopes_disabled():
        PairRequest.objects.create(
            pair=own_pair,
            kind=PairRequest.Kind.RELEASE,
            author=world.a.users["mentor"],
            reason="—",
            status=PairRequest.Status.DECLINED,
        )
        PairRequest.objects.create(
            pair=own_pair, kind=PairRequest.Kind.REPLACE, author=world.a.users["mentee"], reason="—"
        )
    page = html(_login(client, world, "mentor").get(reverse("home")))
    requests = _section(page, "cabinet-requests")
    assert "Наставник просит освободить его от наставничества" in requests and "отклонена" in requests
    assert "заменить наставника" not in requests  # the mentee's request is not the mentor's
    assert reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk}) in page

    page = html(_login(client, world, "mentee").get(reverse("home")))
    assert "на рассмотрении" in _section(page, "cabinet-requests")
    # one open request at a time: no second «Подать заявление»
    assert reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk}) not in page


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_quick_actions_of_an_open_pair(client, world, own_pair, role):
    page = html(_login(client, world, role).get(reverse("home")))
    actions = page[page.index('data-testid="quick-actions"') :]
    assert reverse("programs:journal-create", kwargs={"pk": own_pair.pk}) in actions
    assert reverse("programs:journal", kwargs={"pk": own_pair.pk}) in actions
    assert "Записать встречу" in actions and "Подать заявление" in actions


def test_a_finished_pair_is_listed_without_deadlines_or_actions(client, world, own_pair):
    _plan(own_pair, status=ProgramStatus.COMPLETED)  # a pair completes only after its program
    advance(world, own_pair, PairStatus.COMPLETED)
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert 'data-testid="my-pairs"' in page and "Маркерова-a" in page
    assert 'data-testid="quick-actions"' not in page and 'data-testid="cabinet-due"' not in page
    assert 'data-testid="cabinet-summary"' not in page
    assert reverse("programs:journal", kwargs={"pk": own_pair.pk}) in page


def test_another_mentors_pair_is_not_in_the_cabinet(client, world, own_pair):
    other = make_pair(world, mentees=[f.teacher(world.a.school, last_name="Чужаков")])
    _plan(other)
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert "Чужаков" not in page and "Просроченное мероприятие" not in page


def test_an_empty_cabinet_keeps_its_explanation(client, world):
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert 'data-testid="pairs-empty"' in page
    assert "Наставнические пары с вашим участием пока не сформированы" in page


def test_the_mentee_is_invited_to_the_diagnostics_until_it_is_done(client, world):
    _login(client, world, "mentee")
    page = html(client.get(reverse("home")))
    assert 'data-testid="cabinet-diagnostics"' in page and reverse("programs:my-diagnostics") in page
    with scopes_disabled():
        DifficultyAssessment.objects.create(
            school=world.a.school,
            staff=world.a.staff,
            school_year=school_year_of(),
            source=AssessmentSource.SELF,
            filled_by=world.a.users["mentee"],
        )
    assert 'data-testid="cabinet-diagnostics"' not in html(client.get(reverse("home")))


def test_last_years_diagnostics_do_not_count(client, world):
    with scopes_disabled():
        DifficultyAssessment.objects.create(
            school=world.a.school,
            staff=world.a.staff,
            school_year=school_year_of() - 1,
            source=AssessmentSource.SELF,
            filled_by=world.a.users["mentee"],
        )
    assert 'data-testid="cabinet-diagnostics"' in html(_login(client, world, "mentee").get(reverse("home")))


def test_the_mentor_is_not_asked_for_the_diagnostics(client, world, own_pair):
    assert 'data-testid="cabinet-diagnostics"' not in html(
        _login(client, world, "mentor").get(reverse("home"))
    )


# --- A fixed number of queries -------------------------------------------------------------------


def _busy_pair(world, mentor, i: int) -> MentoringPair:
    mentees = [f.teacher(world.a.school) for _ in range(1 + i % 2)]  # groups too; 9 places of the mentor's 10
    pair = make_pair(world, mentor=mentor, mentees=mentees)
    program = _program(pair)
    today = timezone.localdate()
    for k in range(20):
        _activity(
            program,
            f"Мероприятие {i}-{k}",
            today + timedelta(days=k - 5),
            status=ActivityStatus.DONE if k % 4 == 0 else ActivityStatus.PLANNED,
        )
    for k in range(5):
        _entry(pair, mentor.staff.user, topic=f"Запись {i}-{k}")
    with scopes_disabled():
        PairRequest.objects.create(
            pair=pair, kind=PairRequest.Kind.RELEASE, author=mentor.staff.user, reason="—"
        )
    return pair


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_cabinet_needs_as_many_queries_for_6_pairs_of_20_activities_as_for_one(client, world):
    mentor = mentor_user_participant(world)
    _busy_pair(world, mentor, 0)
    user = world.a.users["mentor"]
    with school_scope([world.a.school.pk]), CaptureQueriesContext(connection) as ctx:
        one = cabinet(user)
    small_selector = len(ctx.captured_queries)
    assert small_selector <= 6
    _login(client, world, "mentor")
    small_page = _count(client, reverse("home"))

    for i in range(1, 6):
        _busy_pair(world, mentor, i)
    with school_scope([world.a.school.pk]), CaptureQueriesContext(connection) as ctx:
        six = cabinet(user)
    assert len(ctx.captured_queries) == small_selector
    assert len(one.pairs) == 1 and len(six.pairs) == 6
    assert all(len(p.last_entries) == 3 and p.total == 20 for p in six.pairs)
    assert _count(client, reverse("home")) <= small_page
    page = html(client.get(reverse("home")))
    assert len(set(re.findall(r"/pairs/my/(\d+)/", page))) == 6
