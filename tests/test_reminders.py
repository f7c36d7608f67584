"""The morning reminders (programs/services/reminders.py, programs/tasks.py) and the notification pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    ConsentKind,
    MentoringPair,
    Notification,
    NotificationPreference,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
)
from programs.services import reminders
from programs.services.pairs import missing_consents
from programs.services.participants import participant_for
from programs.tasks import send_daily_reminders
from schools.models import School
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.factories import StaffFactory, UserFactory

TODAY = date(2026, 10, 14)  # a Wednesday


# --- Builders ------------------------------------------------------------------------------------


def _member(school: School, user=None):
    """A staff participant (with ``user`` as the account, or none)."""
    with scopes_disabled():
        return participant_for(StaffFactory(school=school, user=user))


def _pair(
    school: School,
    *,
    mentor_user=None,
    mentee_users=(None,),
    status: str = PairStatus.ACTIVE,
    order_date: date | None = None,
    created_on: date | None = None,
) -> MentoringPair:
    mentor = _member(school, mentor_user)
    mentees = [_member(school, u) for u in mentee_users]
    with scopes_disabled():
        pair = MentoringPair.objects.create(
            school=school,
            mentor=mentor,
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 5, 31),
            status=status,
            order_number="1" if order_date else "",
            order_date=order_date,
        )
        for mentee in mentees:
            pair.mentee_links.create(mentee=mentee)
        if created_on is not None:
            created = timezone.make_aware(datetime.combine(created_on, time(12, 0)))
            MentoringPair.objects.filter(pk=pair.pk).update(created_at=created)
    return pair


def _program(pair: MentoringPair, *, status: str = ProgramStatus.IN_PROGRESS, end: date = date(2027, 5, 31)):
    with scopes_disabled():
        return PersonalizedProgram.objects.create(
            school_id=pair.school_id,
            pair=pair,
            title=f"Программа пары {pair.pk}",
            goal="Цель",
            expected_results="Результаты",
            start_date=date(2026, 9, 1),
            end_date=end,
            status=status,
        )


def _activity(
    program: PersonalizedProgram, due: date, *, status: str = ActivityStatus.PLANNED, title: str = ""
):
    with scopes_disabled():
        return PlanActivity.objects.create(
            program=program,
            title=title or f"Мероприятие {due:%d.%m}",
            activity_type="meeting",
            due_date=due,
            responsible="both",
            status=status,
        )


def _working_pair(world, **kwargs) -> MentoringPair:
    """School A's mentor and mentee users in an active pair."""
    return _pair(
        world.a.school,
        mentor_user=world.a.users["mentor"],
        mentee_users=[world.a.users["mentee"]],
        order_date=TODAY - timedelta(days=5),
        **kwargs,
    )


def _collect(school_ids, today: date = TODAY) -> list[reminders.Reminder]:
    with school_scope(school_ids):
        return reminders.collect_reminders(today)


def _run(today: date = TODAY, **kwargs) -> dict[str, int]:
    return send_daily_reminders.delay(today=today.isoformat(), scope_school_ids=None, **kwargs).get()


def _rows(**filters) -> list[tuple[str, str]]:
    """(username, event key) of stored notifications, sorted."""
    with scopes_disabled():
        return sorted(Notification.objects.filter(**filters).values_list("user__username", "event_key"))


# --- Rules ---------------------------------------------------------------------------------------


def test_an_activity_due_in_exactly_three_days_reminds_the_mentor_and_mentees(world):
    program = _program(_working_pair(world))
    soon = _activity(program, TODAY + timedelta(days=3))
    for days in (2, 4):
        _activity(program, TODAY + timedelta(days=days))
    found = _collect([world.a.school.pk])
    key = f"activity-due:{soon.pk}:{soon.due_date.isoformat()}"
    assert sorted((r.user_id, r.event_key) for r in found) == sorted(
        [(world.a.users["mentor"].pk, key), (world.a.users["mentee"].pk, key)]
    )
    assert {r.kind for r in found} == {"activity_due"}
    assert "17.10.2026" in found[0].body
    assert found[0].url == reverse("programs:my-program", kwargs={"pk": program.pk})


def test_a_draft_program_or_a_done_activity_reminds_nobody(world):
    draft = _program(_working_pair(world), status=ProgramStatus.DRAFT)
    _activity(draft, TODAY + timedelta(days=3))
    _activity(draft, TODAY - timedelta(days=3))
    running = _program(_working_pair(world))
    _activity(running, TODAY + timedelta(days=3), status=ActivityStatus.DONE)
    _activity(running, TODAY - timedelta(days=3), status=ActivityStatus.CANCELLED)
    assert _collect([world.a.school.pk]) == []


def test_an_overdue_activity_reminds_mentor_mentees_and_curators_once(world):
    program = _program(_working_pair(world))
    late = _activity(program, TODAY - timedelta(days=1))
    _activity(program, TODAY)  # due today: not late yet
    _run()
    key = f"activity-overdue:{late.pk}:{late.due_date.isoformat()}"
    assert _rows() == sorted([("a-curator", key), ("a-mentee", key), ("a-mentor", key)])
    with scopes_disabled():
        curator_link = Notification.objects.get(user=world.a.users["curator"]).url
    assert curator_link == reverse("programs:program-detail", kwargs={"pk": program.pk})
    # The next morning the activity is still late: nothing new (the activity due «today» is late now).
    _run(TODAY + timedelta(days=1))
    assert len(_rows(event_key=key)) == 3
    assert len(_rows()) == 6


def test_a_program_ending_in_fourteen_days_reminds_everyone_of_the_pair(world):
    ending = _program(_working_pair(world), end=TODAY + timedelta(days=14))
    _program(_working_pair(world), end=TODAY + timedelta(days=13))
    _program(_working_pair(world), end=TODAY + timedelta(days=15))
    _program(_working_pair(world), end=TODAY + timedelta(days=14), status=ProgramStatus.APPROVED)
    found = _collect([world.a.school.pk])
    key = f"program-ending:{ending.pk}:{ending.end_date.isoformat()}"
    assert {r.event_key for r in found} == {key}
    assert {r.user_id for r in found} == {world.a.users[r].pk for r in ("mentor", "mentee", "curator")}


def test_missing_consents_remind_curators_weekly_after_seven_days(world):
    school = world.a.school
    late = _pair(school, status=PairStatus.DRAFT, created_on=TODAY - timedelta(days=8))
    _pair(school, status=PairStatus.DRAFT, created_on=TODAY - timedelta(days=7))
    complete = _pair(school, status=PairStatus.DRAFT, created_on=TODAY - timedelta(days=20))
    with scopes_disabled():
        f.all_consents(
            *[link.mentee for link in complete.mentee_links.all()], mentor_participant=complete.mentor
        )
    _run()
    assert _rows() == [("a-curator", f"pair-consents:{late.pk}:2026-W42")]
    with scopes_disabled():
        body = Notification.objects.get().body
    assert "не хватает согласий: 4" in body
    _run(TODAY + timedelta(days=4))  # Sunday of the same ISO week
    assert _rows(event_key__startswith=f"pair-consents:{late.pk}:") == [
        ("a-curator", f"pair-consents:{late.pk}:2026-W42")
    ]
    _run(TODAY + timedelta(days=5))  # Monday: a new week, a new reminder
    assert _rows(event_key__startswith=f"pair-consents:{late.pk}:") == [
        ("a-curator", f"pair-consents:{late.pk}:2026-W42"),
        ("a-curator", f"pair-consents:{late.pk}:2026-W43"),
    ]
    assert not _rows(event_key__startswith=f"pair-consents:{complete.pk}:")


def test_missing_consents_follow_the_rule_of_the_pair_card(world):
    """A minor's consent counts only from the guardian, as in services.pairs.missing_consents."""
    school = world.a.school
    pair = _pair(school, status=PairStatus.DRAFT, created_on=TODAY - timedelta(days=10))
    child = f.student(school, birth_date=date(2012, 5, 1))
    adult = f.student(school, birth_date=date(2000, 5, 1), last_name="Взрослый")
    with scopes_disabled():
        pair.mentee_links.create(mentee=child)
        pair.mentee_links.create(mentee=adult)
        f.all_consents(child, adult, mentor_participant=pair.mentor)  # none from a guardian
        f.consent(pair.mentee_links.first().mentee, ConsentKind.MENTEE)
    with school_scope([school.pk]):
        expected = len(missing_consents(MentoringPair.objects.get(pk=pair.pk), on=TODAY))
        found = reminders.collect_reminders(TODAY)
    assert expected == 3  # the teacher's personal-data consent and the child's two
    assert [r.body for r in found] and f"согласий: {expected}." in found[0].body


def test_a_pair_without_a_program_after_thirty_days_reminds_curators_once(world):
    school = world.a.school
    thirty = _pair(school, status=PairStatus.FIXED, order_date=TODAY - timedelta(days=30))
    late = _pair(school, status=PairStatus.FIXED, order_date=TODAY - timedelta(days=31))
    working = _pair(school, status=PairStatus.ACTIVE, order_date=TODAY - timedelta(days=60))
    planned = _pair(school, status=PairStatus.ACTIVE, order_date=TODAY - timedelta(days=60))
    _program(planned, status=ProgramStatus.DRAFT)
    _run()
    assert _rows() == sorted(
        [("a-curator", f"pair-no-program:{late.pk}"), ("a-curator", f"pair-no-program:{working.pk}")]
    )
    _run(TODAY + timedelta(days=1))
    assert len(_rows()) == 3  # «thirty» is 31 days old now; the other two are not repeated
    assert ("a-curator", f"pair-no-program:{thirty.pk}") in _rows()


def test_people_without_an_account_and_inactive_users_are_skipped(world):
    gone = UserFactory(username="gone", is_active=False)
    pair = _pair(
        world.a.school,
        mentor_user=world.a.users["mentor"],
        mentee_users=[None, gone],
        order_date=TODAY - timedelta(days=5),
    )
    _activity(_program(pair), TODAY + timedelta(days=3))
    found = _collect([world.a.school.pk])
    assert [r.user_id for r in found] == [world.a.users["mentor"].pk]


def test_a_job_reads_only_the_schools_of_its_scope(world):
    for place in (world.a, world.c):
        pair = _pair(place.school, mentor_user=place.users["mentor"], order_date=TODAY - timedelta(days=5))
        _activity(_program(pair), TODAY + timedelta(days=3))
    send_daily_reminders.delay(today=TODAY.isoformat(), scope_school_ids=[world.c.school.pk]).get()
    assert [u for u, _k in _rows()] == ["c-mentor"]


def test_a_rerun_creates_nothing_and_small_batches_give_the_same_result(world):
    for place in (world.a, world.b, world.c):
        pair = _pair(place.school, mentor_user=place.users["mentor"], order_date=TODAY - timedelta(days=5))
        _activity(_program(pair), TODAY - timedelta(days=2))
    first = _run(batch_size=1)
    assert first["batches"] == 3
    assert first["created"] == 6  # mentor and curator in each school
    again = _run()
    assert again["reminders"] == 6
    assert again["created"] == 0
    assert len(_rows()) == 6


def test_collecting_needs_the_same_queries_for_2_and_20_pairs(world):
    def measure(pairs: int) -> int:
        with scopes_disabled():
            for model in (PlanActivity, PersonalizedProgram):
                model.objects.all().delete()
            MentoringPair.objects.all().delete()
        for _i in range(pairs):  # each time a working pair, one waiting for its program, one for consents
            for status in (PairStatus.ACTIVE, PairStatus.FIXED, PairStatus.DRAFT):
                pair = _pair(
                    world.a.school,
                    mentor_user=world.a.users["mentor"],
                    mentee_users=[UserFactory(), None],
                    status=status,
                    order_date=TODAY - timedelta(days=40),
                    created_on=TODAY - timedelta(days=40),
                )
                if status == PairStatus.ACTIVE:
                    program = _program(pair, end=TODAY + timedelta(days=14))
                    _activity(program, TODAY + timedelta(days=3))
                    _activity(program, TODAY - timedelta(days=3))
        with school_scope([world.a.school.pk]), CaptureQueriesContext(connection) as queries:
            found = reminders.collect_reminders(TODAY)
        assert {r.kind for r in found} == set(reminders.REMINDER_KINDS)
        return len(queries)

    assert measure(20) == measure(2)


# --- E-mail --------------------------------------------------------------------------------------


def test_email_respects_the_preference_and_is_sent_once(world):
    mentor, mentee, curator = (world.a.users[r] for r in ("mentor", "mentee", "curator"))
    NotificationPreference.objects.create(user=mentor, email_enabled=False)
    NotificationPreference.objects.create(user=curator, email_enabled=True)
    mentee.email = ""
    mentee.save(update_fields=["email"])
    _activity(_program(_working_pair(world)), TODAY - timedelta(days=1))
    counts = _run()
    assert counts["created"] == 3
    assert counts["emailed"] == 1
    assert [m.to for m in mail.outbox] == [[curator.email]]
    assert "Просрочено мероприятие" in mail.outbox[0].subject
    assert "Здравствуйте, Анна Сергеевна!" in mail.outbox[0].body
    with scopes_disabled():
        assert Notification.objects.get(user=curator).emailed_at is not None
        assert Notification.objects.get(user=mentor).emailed_at is None
    assert _run()["emailed"] == 0
    assert len(mail.outbox) == 1


def test_a_claimed_notification_is_never_mailed_again(world):
    """The conditional UPDATE: a row another worker claimed first is skipped."""
    _activity(_program(_working_pair(world)), TODAY - timedelta(days=1))
    with school_scope([world.a.school.pk]):
        reminders.store_reminders(reminders.collect_reminders(TODAY))
        Notification.objects.filter(user=world.a.users["curator"]).update(emailed_at=timezone.now())
        assert reminders.email_reminders() == 2
        assert reminders.email_reminders() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.a.users["mentor"].email, world.a.users["mentee"].email]
    )


def test_a_failed_letter_is_released_for_the_retry(world, monkeypatch):
    pair = _pair(world.a.school, mentor_user=world.a.users["mentor"], order_date=TODAY - timedelta(days=5))
    _activity(_program(pair), TODAY - timedelta(days=1))

    def broken(self, *args, **kwargs):
        raise OSError("mail server is down")

    with school_scope([world.a.school.pk]):
        reminders.store_reminders(reminders.collect_reminders(TODAY))
        monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
        with pytest.raises(OSError):
            reminders.email_reminders()
        assert Notification.objects.filter(emailed_at__isnull=False).count() == 0
        monkeypatch.undo()
        assert reminders.email_reminders() == 2


def test_old_unmailed_notifications_are_not_mailed_later(world):
    _activity(_program(_working_pair(world)), TODAY - timedelta(days=1))
    with school_scope([world.a.school.pk]):
        reminders.store_reminders(reminders.collect_reminders(TODAY))
        Notification.objects.update(created_at=timezone.now() - timedelta(days=3))
        assert reminders.email_reminders() == 0


# --- Pages ---------------------------------------------------------------------------------------


def _note(user, school, key: str, **kwargs) -> Notification:
    with scopes_disabled():
        return Notification.objects.create(
            user=user, school=school, kind="activity_due", event_key=key, title=f"Напоминание {key}", **kwargs
        )


def test_the_list_shows_only_the_users_own_notifications_and_the_badge_counts_them(client, world):
    mentor = world.a.users["mentor"]
    _note(mentor, world.a.school, "own-1")
    _note(mentor, world.a.school, "own-2", read_at=timezone.now())
    _note(world.a.users["mentee"], world.a.school, "someone-else")
    _note(mentor, world.b.school, "other-school")  # another work context: not in this scope
    client.force_login(mentor)
    response = client.get(reverse("programs:notifications"))
    text = response.content.decode()
    assert "Напоминание own-1" in text and "Напоминание own-2" in text
    assert "someone-else" not in text and "other-school" not in text
    assert 'data-testid="notification-count">1<' in text


def test_marking_read_one_and_all(client, world):
    mentor = world.a.users["mentor"]
    one, two = _note(mentor, world.a.school, "k1", url="/pairs/my/"), _note(mentor, world.a.school, "k2")
    client.force_login(mentor)
    response = client.post(reverse("programs:notification-read", kwargs={"pk": one.pk}), {"next": one.url})
    assert response.status_code == 302 and response["Location"] == "/pairs/my/"
    response = client.post(
        reverse("programs:notification-read", kwargs={"pk": two.pk}), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("programs:notifications")
    _note(mentor, world.a.school, "k3")
    client.post(reverse("programs:notifications-read-all"))
    with scopes_disabled():
        assert not Notification.objects.filter(user=mentor, read_at__isnull=True).exists()
    assert 'data-testid="notification-count"' not in client.get(reverse("home")).content.decode()


def test_another_users_notification_is_a_404_even_in_the_same_school(client, world):
    theirs = _note(world.a.users["mentee"], world.a.school, "theirs")
    client.force_login(world.a.users["mentor"])
    assert client.post(reverse("programs:notification-read", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("programs:notification-read", kwargs={"pk": theirs.pk})).status_code == 405
    with scopes_disabled():
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_email_preference_is_saved(client, world):
    user = world.a.users["mentee"]
    client.force_login(user)
    url = reverse("programs:notification-settings")
    assert 'name="email_enabled"' in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email_enabled is False
    client.post(url, {"email_enabled": "on"})
    assert NotificationPreference.objects.get(user=user).email_enabled is True


def test_the_morning_job_is_scheduled_at_the_configured_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-reminders"]
    assert entry["task"] == send_daily_reminders.name == "programs.send_daily_reminders"
    assert entry["schedule"].hour == {settings.NASTAVNIK_REMINDERS_HOUR}
    assert entry["schedule"].minute == {0}
    assert entry["kwargs"] == {"scope_school_ids": None}
