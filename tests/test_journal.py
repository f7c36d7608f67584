"""The pair's journal: who reads and writes, the 7-day rule, attachments, the link to the plan."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    ActivityType,
    JournalAttachment,
    JournalEntry,
    MentoringPair,
    MentorProfile,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
    ResponsibleRole,
)
from programs.services import journal as journal_service
from programs.services.participants import participant_for
from schools.models import Role
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.test_pairs_views import advance, html, make_pair, mentee_user_participant, mentor_user_participant

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x14\x00\x06\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT = "Конспект встречи: цели, задачи, план.\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def own_pair(world) -> MentoringPair:
    """School A's mentor user leads school A's mentee user (the marker person)."""
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


def _login(client, world, role: str, place: str = "a"):
    client.force_login(world.user(place, role))
    return client


def _today() -> date:
    return timezone.localdate()


def _form(**overrides) -> dict:
    data = {
        "date": _today().isoformat(),
        "topic": "Постановка целей",
        "content": "Обсудили затруднения и цели на четверть.",
        "result": "Составлен список тем.",
        "assignment": "Подготовить конспект урока.",
    }
    data.update(overrides)
    return data


def _entry(pair: MentoringPair, author, *, days_ago: int = 0, **fields) -> JournalEntry:
    with scopes_disabled():
        entry = JournalEntry.objects.create(
            school_id=pair.school_id,
            pair=pair,
            author=author,
            date=fields.pop("date", _today()),
            topic=fields.pop("topic", "Встреча"),
            content=fields.pop("content", "Содержание"),
            **fields,
        )
        if days_ago:
            JournalEntry.objects.filter(pk=entry.pk).update(
                created_at=timezone.now() - timedelta(days=days_ago)
            )
            entry.refresh_from_db()
        return entry


def _program(pair: MentoringPair, *, status: str = ProgramStatus.IN_PROGRESS) -> PersonalizedProgram:
    with scopes_disabled():
        return PersonalizedProgram.objects.create(
            school_id=pair.school_id,
            pair=pair,
            title="Программа адаптации молодого специалиста",
            goal="Адаптация",
            expected_results="Уверенное проведение уроков",
            start_date=pair.start_date,
            end_date=pair.planned_end_date,
            status=status,
        )


def _activity(program: PersonalizedProgram, title: str, due: date, **kwargs) -> PlanActivity:
    with scopes_disabled():
        return PlanActivity.objects.create(
            program=program,
            title=title,
            activity_type=kwargs.pop("activity_type", ActivityType.MEETING),
            due_date=due,
            responsible=kwargs.pop("responsible", ResponsibleRole.BOTH),
            **kwargs,
        )


def _create_url(pair: MentoringPair) -> str:
    return reverse("programs:journal-create", kwargs={"pk": pair.pk})


def _journal_url(pair: MentoringPair) -> str:
    return reverse("programs:journal", kwargs={"pk": pair.pk})


def _entries(pair: MentoringPair) -> list[JournalEntry]:
    with scopes_disabled():
        return list(JournalEntry.objects.filter(pair=pair))


# --- Writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_a_member_records_a_meeting_with_files_and_everyone_allowed_reads_it(client, world, own_pair, role):
    _login(client, world, role)
    files = [
        SimpleUploadedFile("Конспект.pdf", PDF),
        SimpleUploadedFile("план.DOCX", DOCX),
        SimpleUploadedFile("заметки.txt", TEXT),
    ]
    response = client.post(_create_url(own_pair), {**_form(), "files": files})
    assert response.status_code == 302 and response["Location"] == _journal_url(own_pair)
    [entry] = _entries(own_pair)
    assert (entry.author, entry.school_id, entry.topic) == (
        world.a.users[role],
        world.a.school.pk,
        "Постановка целей",
    )
    with scopes_disabled():
        attachments = list(JournalAttachment.objects.filter(entry=entry).order_by("pk"))
    assert [a.original_name for a in attachments] == ["Конспект.pdf", "план.DOCX", "заметки.txt"]
    assert attachments[1].content_type.endswith("wordprocessingml.document")
    for attachment in attachments:
        assert attachment.file.name.startswith(f"schools/{world.a.school.pk}/journal/")
        assert "Конспект" not in attachment.file.name
    assert len(_stored_files()) == 3

    for reader in ("mentor", "mentee", "curator", "director", "psychologist"):
        page = html(_login(client, world, reader).get(_journal_url(own_pair)))
        assert "Постановка целей" in page and "Подготовить конспект урока." in page, reader
        assert reverse("programs:journal-attachment", kwargs={"pk": attachments[0].pk}) in page


def test_the_attachment_is_downloaded_under_its_name_with_nosniff(client, world, own_pair):
    _login(client, world, "mentor").post(
        _create_url(own_pair), {**_form(), "files": [SimpleUploadedFile("План встреч.pdf", PDF)]}
    )
    with scopes_disabled():
        attachment = JournalAttachment.objects.get(entry__pair=own_pair)
    response = _login(client, world, "psychologist").get(
        reverse("programs:journal-attachment", kwargs={"pk": attachment.pk})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%D0%9F%D0%BB%D0%B0%D0%BD" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_curator_writes_to_any_pair_of_the_school(client, world):
    pair = make_pair(world)
    response = _login(client, world, "curator").post(_create_url(pair), _form(topic="Встреча с куратором"))
    assert response.status_code == 302
    [entry] = _entries(pair)
    assert entry.author == world.a.users["curator"]


@pytest.mark.parametrize("role", ["director", "psychologist"])
def test_the_director_and_the_psychologist_read_but_do_not_write(client, world, own_pair, role):
    entry = _entry(own_pair, world.a.users["mentor"], topic="Запись наставника")
    _login(client, world, role)
    page = html(client.get(_journal_url(own_pair)))
    assert "Запись наставника" in page
    assert _create_url(own_pair) not in page
    assert client.get(_create_url(own_pair)).status_code == 404
    assert client.post(_create_url(own_pair), _form()).status_code == 404
    assert client.get(reverse("programs:journal-edit", kwargs={"pk": entry.pk})).status_code == 404
    assert client.post(reverse("programs:journal-delete", kwargs={"pk": entry.pk})).status_code == 404
    assert len(_entries(own_pair)) == 1


def test_the_date_cannot_be_in_the_future_and_topic_and_content_are_required(client, world, own_pair):
    _login(client, world, "mentor")
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    page = html(client.post(_create_url(own_pair), _form(date=tomorrow)))
    assert "Дата не может быть в будущем" in page
    page = html(client.post(_create_url(own_pair), _form(topic="", content="")))
    assert "Обязательное поле" in page
    assert _entries(own_pair) == []


def test_a_finished_pair_takes_no_new_entries(client, world, own_pair):
    _entry(own_pair, world.a.users["mentor"], topic="Итоговая встреча")
    advance(world, own_pair, PairStatus.COMPLETED)
    _login(client, world, "mentor")
    page = html(client.get(_journal_url(own_pair)))
    assert "Итоговая встреча" in page and _create_url(own_pair) not in page
    response = client.post(_create_url(own_pair), _form())
    assert response.status_code == 302 and response["Location"] == _journal_url(own_pair)
    assert len(_entries(own_pair)) == 1
    with scopes_disabled(), pytest.raises(journal_service.JournalError, match="завершила работу"):
        journal_service.create_entry(
            own_pair,
            acting_user=world.a.users["curator"],
            data=journal_service.EntryData(date=_today(), topic="x", content="y"),
        )


# --- Attachments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Отчёт.pdf", b"just text pretending to be a PDF", "Файл «Отчёт.pdf» не является файлом PDF"),
        ("фото.png", JPEG, "Файл «фото.png» не является файлом PNG"),
        ("таблица.xlsx", PDF, "Файл «таблица.xlsx» не является файлом XLSX"),
        ("заметки.txt", "Привет".encode("cp1251"), "Файл «заметки.txt» не является файлом TXT"),
        ("бинарный.txt", b"abc\x00def", "Файл «бинарный.txt» не является файлом TXT"),
        ("program.exe", b"MZ\x90\x00", "Файл «program.exe» не принят"),
        ("старый.doc", b"\xd0\xcf\x11\xe0", "Файл «старый.doc» не принят"),
        ("пустой.pdf", b"", "Файл «пустой.pdf» пуст"),
    ],
)
def test_a_file_is_checked_by_its_extension_and_its_content(client, world, own_pair, name, content, message):
    page = html(
        _login(client, world, "mentor").post(
            _create_url(own_pair), {**_form(), "files": [SimpleUploadedFile(name, content)]}
        )
    )
    assert message in page
    assert _entries(own_pair) == [] and _stored_files() == []


def test_a_file_over_10_mb_is_refused_and_10_mb_is_accepted(client, world, own_pair):
    big = SimpleUploadedFile("большой.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024 - 5))
    page = html(_login(client, world, "mentor").post(_create_url(own_pair), {**_form(), "files": [big]}))
    assert "Файл «большой.pdf» слишком большой (11,0 МБ)" in page
    assert _entries(own_pair) == []
    exact = SimpleUploadedFile("ровно.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5))
    assert client.post(_create_url(own_pair), {**_form(), "files": [exact]}).status_code == 302


def test_six_files_are_too_many_and_nothing_is_saved(client, world, own_pair):
    files = [SimpleUploadedFile(f"скан-{i}.png", PNG) for i in range(6)]
    page = html(_login(client, world, "mentor").post(_create_url(own_pair), {**_form(), "files": files}))
    assert "не больше 5 файлов" in page
    assert _entries(own_pair) == [] and _stored_files() == []


def test_one_bad_file_among_good_ones_saves_nothing(client, world, own_pair):
    files = [SimpleUploadedFile("хороший.pdf", PDF), SimpleUploadedFile("плохой.jpg", PNG)]
    page = html(_login(client, world, "mentor").post(_create_url(own_pair), {**_form(), "files": files}))
    assert "Файл «плохой.jpg» не является файлом JPEG" in page
    assert _entries(own_pair) == [] and _stored_files() == []


def test_files_already_written_are_removed_when_the_entry_fails(world, own_pair, monkeypatch):
    """All-or-nothing: a failure after some files reached the storage leaves neither rows nor files."""
    original = JournalAttachment.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(JournalAttachment, "save", failing_save)
    with scopes_disabled(), pytest.raises(OSError):
        journal_service.create_entry(
            own_pair,
            acting_user=world.a.users["mentor"],
            data=journal_service.EntryData(date=_today(), topic="Тема", content="Текст"),
            files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
        )
    assert _entries(own_pair) == [] and _stored_files() == []


# --- Changing and deleting -----------------------------------------------------------------------


def test_the_author_edits_within_7_days_adding_and_removing_files(
    client, world, own_pair, django_capture_on_commit_callbacks
):
    _login(client, world, "mentor")
    client.post(
        _create_url(own_pair),
        {
            **_form(),
            "files": [SimpleUploadedFile("старый.pdf", PDF), SimpleUploadedFile("оставить.png", PNG)],
        },
    )
    [entry] = _entries(own_pair)
    with scopes_disabled():
        old, _keep = JournalAttachment.objects.filter(entry=entry).order_by("pk")
    url = reverse("programs:journal-edit", kwargs={"pk": entry.pk})
    page = html(client.get(url))
    assert "Постановка целей" in page and "старый.pdf" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                **_form(topic="Уточнённая тема"),
                "remove": [old.pk],
                "files": [SimpleUploadedFile("новый.txt", TEXT)],
            },
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.topic == "Уточнённая тема"
    with scopes_disabled():
        names = list(
            JournalAttachment.objects.filter(entry=entry)
            .order_by("pk")
            .values_list("original_name", flat=True)
        )
    assert names == ["оставить.png", "новый.txt"]
    assert len(_stored_files()) == 2


def test_editing_keeps_the_limit_of_five_files(client, world, own_pair):
    _login(client, world, "mentor")
    client.post(
        _create_url(own_pair), {**_form(), "files": [SimpleUploadedFile(f"{i}.png", PNG) for i in range(4)]}
    )
    [entry] = _entries(own_pair)
    url = reverse("programs:journal-edit", kwargs={"pk": entry.pk})
    extra = [SimpleUploadedFile("5.png", PNG), SimpleUploadedFile("6.png", PNG)]
    page = html(client.post(url, {**_form(), "files": extra}))
    assert "уже прикреплено 4, выбрано 2" in page
    with scopes_disabled():
        assert JournalAttachment.objects.filter(entry=entry).count() == 4


def test_after_7_days_the_entry_can_be_neither_changed_nor_deleted(client, world, own_pair):
    entry = _entry(own_pair, world.a.users["mentor"], days_ago=8, topic="Давняя встреча")
    _login(client, world, "mentor")
    page = html(client.get(_journal_url(own_pair)))
    assert "Давняя встреча" in page
    assert reverse("programs:journal-edit", kwargs={"pk": entry.pk}) not in page
    for name in ("programs:journal-edit", "programs:journal-delete"):
        url = reverse(name, kwargs={"pk": entry.pk})
        response = client.post(url, _form(topic="Переписано"))
        assert response.status_code == 302 and response["Location"] == _journal_url(own_pair)
    entry.refresh_from_db()
    assert entry.topic == "Давняя встреча"
    assert "в течение 7 дней" in html(client.get(_journal_url(own_pair)))
    with scopes_disabled(), pytest.raises(journal_service.JournalError, match="7 дней"):
        journal_service.delete_entry(entry, acting_user=world.a.users["mentor"])


def test_on_the_seventh_day_the_entry_is_still_editable(client, world, own_pair):
    entry = _entry(own_pair, world.a.users["mentor"])
    with scopes_disabled():
        JournalEntry.objects.filter(pk=entry.pk).update(
            created_at=timezone.now() - timedelta(days=6, hours=23)
        )
    response = _login(client, world, "mentor").get(reverse("programs:journal-edit", kwargs={"pk": entry.pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["mentee", "curator"])
def test_someone_elses_entry_is_a_404(client, world, own_pair, role):
    entry = _entry(own_pair, world.a.users["mentor"], topic="Запись наставника")
    _login(client, world, role)
    assert client.get(reverse("programs:journal-edit", kwargs={"pk": entry.pk})).status_code == 404
    assert client.post(reverse("programs:journal-edit", kwargs={"pk": entry.pk}), _form()).status_code == 404
    assert client.post(reverse("programs:journal-delete", kwargs={"pk": entry.pk})).status_code == 404
    assert "Запись наставника" in html(client.get(_journal_url(own_pair)))
    assert _entries(own_pair)[0].topic == "Запись наставника"


def test_the_author_deletes_the_entry_with_its_files(
    client, world, own_pair, django_capture_on_commit_callbacks
):
    _login(client, world, "mentee")
    client.post(_create_url(own_pair), {**_form(), "files": [SimpleUploadedFile("a.pdf", PDF)]})
    [entry] = _entries(own_pair)
    url = reverse("programs:journal-delete", kwargs={"pk": entry.pk})
    assert "a.pdf" in html(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == _journal_url(own_pair)
    assert _entries(own_pair) == [] and _stored_files() == []


# --- Who may see a pair --------------------------------------------------------------------------


def _other_mentor(world) -> tuple:
    """Another mentor of school A (an account with the mentor role only) with a pair of their own."""
    with scopes_disabled():
        user = UserFactory(username="a-other-mentor")
        MembershipFactory(user=user, role=Role.MENTOR, school=world.a.school)
        mentor = participant_for(StaffFactory(school=world.a.school, user=user, experience_years=15))
        MentorProfile.objects.create(school=world.a.school, participant=mentor, capacity=3)
    return user, make_pair(world, mentor=mentor)


def test_the_mentor_of_another_pair_gets_404_everywhere(client, world, own_pair):
    _login(client, world, "mentor").post(
        _create_url(own_pair), {**_form(), "files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    [entry] = _entries(own_pair)
    with scopes_disabled():
        attachment = JournalAttachment.objects.get(entry=entry)
    user, their_pair = _other_mentor(world)
    client.force_login(user)
    assert client.get(_journal_url(their_pair)).status_code == 200  # their own pair opens
    for url in (
        _journal_url(own_pair),
        _create_url(own_pair),
        reverse("programs:journal-edit", kwargs={"pk": entry.pk}),
        reverse("programs:journal-delete", kwargs={"pk": entry.pk}),
        reverse("programs:journal-attachment", kwargs={"pk": attachment.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_create_url(own_pair), _form()).status_code == 404
    assert len(_entries(own_pair)) == 1


@pytest.mark.parametrize("role", ["mentor", "mentee", "curator", "director", "psychologist"])
def test_another_school_gets_404(client, world, own_pair, role):
    _login(client, world, "mentor").post(
        _create_url(own_pair), {**_form(), "files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    [entry] = _entries(own_pair)
    with scopes_disabled():
        attachment = JournalAttachment.objects.get(entry=entry)
    _login(client, world, role, place="b")
    for url in (
        _journal_url(own_pair),
        _create_url(own_pair),
        reverse("programs:journal-attachment", kwargs={"pk": attachment.pk}),
    ):
        assert client.get(url).status_code == 404, url


def test_methodists_do_not_read_journals(client, world, own_pair):
    _login(client, world, "municipal_methodist")
    assert client.get(_journal_url(own_pair)).status_code == 404


# --- The plan ------------------------------------------------------------------------------------


def test_an_entry_is_linked_to_an_activity_of_the_pairs_program_only(client, world, own_pair):
    program = _program(own_pair)
    mine = _activity(program, "Посещение урока наставника", _today())
    other_pair = make_pair(world)
    foreign = _activity(_program(other_pair), "Чужое мероприятие", _today())
    _login(client, world, "mentor")
    page = html(client.get(_create_url(own_pair)))
    assert "Посещение урока наставника" in page and "Чужое мероприятие" not in page
    page = html(client.post(_create_url(own_pair), _form(activity=foreign.pk)))
    assert "Выберите корректный вариант" in page
    assert client.post(_create_url(own_pair), _form(activity=mine.pk)).status_code == 302
    [entry] = _entries(own_pair)
    assert entry.activity_id == mine.pk
    with scopes_disabled(), pytest.raises(journal_service.JournalError, match="не из программы этой пары"):
        journal_service.create_entry(
            own_pair,
            acting_user=world.a.users["mentor"],
            data=journal_service.EntryData(date=_today(), topic="x", content="y", activity=foreign),
        )


def test_mark_done_needs_an_activity(client, world, own_pair):
    _activity(_program(own_pair), "Встреча", _today())
    page = html(_login(client, world, "mentor").post(_create_url(own_pair), _form(mark_done="on")))
    assert "Выберите мероприятие плана" in page
    assert _entries(own_pair) == []


def test_linking_with_mark_done_marks_the_activity_done(client, world, own_pair):
    activity = _activity(_program(own_pair), "Взаимопосещение уроков", _today() - timedelta(days=2))
    yesterday = _today() - timedelta(days=1)
    response = _login(client, world, "mentor").post(
        _create_url(own_pair),
        _form(date=yesterday.isoformat(), activity=activity.pk, mark_done="on", result="Анализ урока"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.done_on == yesterday


def test_linking_without_mark_done_keeps_the_activity_planned(client, world, own_pair):
    activity = _activity(_program(own_pair), "Взаимопосещение уроков", _today())
    _login(client, world, "mentor").post(_create_url(own_pair), _form(activity=activity.pk))
    with scopes_disabled():
        activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED


def test_the_journal_is_filtered_by_plan_activity(client, world, own_pair):
    program = _program(own_pair)
    first = _activity(program, "Первое мероприятие", _today())
    second = _activity(program, "Второе мероприятие", _today())
    _entry(own_pair, world.a.users["mentor"], topic="Запись по первому", activity=first)
    _entry(own_pair, world.a.users["mentor"], topic="Запись по второму", activity=second)
    _entry(own_pair, world.a.users["mentor"], topic="Запись без плана")
    _login(client, world, "mentee")
    page = html(client.get(_journal_url(own_pair)))
    assert all(t in page for t in ("Запись по первому", "Запись по второму", "Запись без плана"))
    page = html(client.get(_journal_url(own_pair), {"activity": first.pk}))
    assert "Запись по первому" in page
    assert "Запись по второму" not in page and "Запись без плана" not in page


def test_the_journal_lists_newest_first(client, world, own_pair):
    _entry(own_pair, world.a.users["mentor"], topic="Ранняя", date=_today() - timedelta(days=10))
    _entry(own_pair, world.a.users["mentor"], topic="Поздняя", date=_today() - timedelta(days=1))
    page = html(_login(client, world, "curator").get(_journal_url(own_pair)))
    assert page.index("Поздняя") < page.index("Ранняя")


def test_the_activity_is_preselected_from_the_cabinet_link(client, world, own_pair):
    activity = _activity(_program(own_pair), "Открытый урок", _today())
    page = html(_login(client, world, "mentor").get(_create_url(own_pair), {"activity": activity.pk}))
    assert f'<option value="{activity.pk}" selected>' in page


# --- Queries -------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_journal_needs_as_many_queries_for_15_entries_with_files_as_for_one(client, world, own_pair):
    program = _program(own_pair)
    activity = _activity(program, "Встреча", _today())
    _login(client, world, "mentor")

    def add(n: int) -> None:
        for i in range(n):
            entry = _entry(own_pair, world.a.users["mentor" if i % 2 else "mentee"], activity=activity)
            with scopes_disabled():
                for k in range(2):
                    JournalAttachment.objects.create(
                        entry=entry,
                        file=f"x/{entry.pk}-{k}.pdf",
                        original_name=f"{k}.pdf",
                        size=10,
                        content_type="application/pdf",
                    )

    add(1)
    small = _count(client, _journal_url(own_pair))
    add(14)
    assert _count(client, _journal_url(own_pair)) <= small


# --- Rules of the service ------------------------------------------------------------------------


def test_validate_attachment_names_the_accepted_types():
    ok = journal_service.validate_attachment(SimpleUploadedFile("Фото.JPEG", JPEG))
    assert ok.label == "JPEG"
    assert (
        journal_service.validate_attachment(SimpleUploadedFile("t.txt", "\ufeffТекст".encode())).label
        == "TXT"
    )
    for ext in ("docx", "xlsx", "pptx"):
        assert journal_service.validate_attachment(SimpleUploadedFile(f"f.{ext}", DOCX)).label == ext.upper()


def test_clean_file_name_drops_folders_and_control_characters():
    assert journal_service.clean_file_name("C:\\Users\\Иван\\отчёт.pdf") == "отчёт.pdf"
    assert journal_service.clean_file_name("../../etc/passwd") == "passwd"
    assert journal_service.clean_file_name("a\r\nb.pdf") == "ab.pdf"
    long = "я" * 300 + ".pdf"
    assert len(journal_service.clean_file_name(long)) == 255 and long.endswith(".pdf")


def test_a_refused_mark_keeps_nothing(client, world, own_pair):
    """The programs service refuses (the program is not in progress): the entry is not saved either."""
    activity = _activity(_program(own_pair, status=ProgramStatus.DRAFT), "Встреча", _today())
    page = html(
        _login(client, world, "mentor").post(
            _create_url(own_pair),
            {**_form(activity=activity.pk, mark_done="on"), "files": [SimpleUploadedFile("a.pdf", PDF)]},
        )
    )
    assert "Отмечать выполнение можно, когда программа реализуется" in page
    assert _entries(own_pair) == [] and _stored_files() == []
    with scopes_disabled():
        activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
