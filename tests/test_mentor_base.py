"""The mentor base: adding volunteers, capacity, the questionnaire, load and consent, the registry workflow."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.forms_mentors import QuestionnaireForm
from programs.models import (
    Consent,
    ConsentKind,
    DifficultyArea,
    MentorCompetency,
    MentorProfile,
    MentorRegistry,
    PairStatus,
    Participant,
    TrainingStatus,
)
from programs.services.mentors import QUESTIONS, save_questionnaire
from schools.models import PartnerOrganization, PartnerRepresentative, Student
from schools.tenancy import school_scope
from schools.years import school_year_of
from tests.test_mentee_base import _queries, mentor_profile, pair, participant, person


@pytest.fixture
def areas(db) -> list[DifficultyArea]:
    return list(DifficultyArea.objects.filter(is_active=True).order_by("order"))


def _profile_data(**overrides) -> dict[str, str]:
    data = {
        "capacity": "2",
        "subjects": "математика",
        "tags": "#ОГЭ #цифровые_инструменты",
        "training_status": TrainingStatus.NONE,
        "course_completed_on": "",
        "portfolio": "Победители олимпиад",
        "volunteered_on": timezone.localdate().isoformat(),
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- Adding a volunteer ----------------------------------------------------------------------------


def test_the_curator_adds_a_teacher_with_competencies_and_questionnaire(client, world, areas):
    teacher = person(world.a.school, last_name="Опытнова")
    ict = next(a for a in areas if a.code == "ict")
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentor-create")
    html = client.get(url).content.decode()
    assert "Опытнова" in html
    data = {
        "staff": teacher.pk,
        **_profile_data(capacity="3"),
        f"competency_{ict.pk}": "3",
        "q-strengths": "Подготовка к ОГЭ",
        "q-format": "mixed",
        "q-hours_per_week": "2",
        "q-has_experience": "yes",
        "q-help_with": ["ict", "digital"],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    with scopes_disabled():
        profile = MentorProfile.objects.get(participant__staff=teacher)
        assert profile.school_id == world.a.school.pk
        assert profile.capacity == 3
        assert profile.tag_list == ["#ОГЭ", "#цифровые_инструменты"]
        assert list(MentorCompetency.objects.filter(profile=profile).values_list("area__code", "level")) == [
            ("ict", 3)
        ]
    answers = profile.questionnaire
    assert answers["strengths"] == "Подготовка к ОГЭ"
    assert answers["format"] == "mixed"
    assert answers["hours_per_week"] == 2
    assert answers["has_experience"] is True
    assert answers["help_with"] == ["ict", "digital"]
    assert answers["by_self"] is False
    assert response["Location"] == reverse("programs:mentor-detail", kwargs={"pk": profile.pk})

    detail = client.get(response["Location"]).content.decode()
    assert 'ИКТ-компетентность — <span class="fw-semibold">эксперт</span>' in detail
    assert "очно и дистанционно" in detail
    assert "около 2 часов" in detail
    # A teacher already in the base is not offered again.
    assert "Опытнова" not in client.get(url).content.decode()


def test_a_student_or_a_partner_representative_can_be_a_mentor(client, world):
    with scopes_disabled():
        student = Student.objects.create(
            school=world.a.school,
            last_name="Ученикова",
            first_name="Ира",
            birth_date=date(2008, 5, 1),
            grade="11А",
        )
        partner = PartnerOrganization.objects.create(school=world.a.school, name="Завод «Прогресс»")
        rep = PartnerRepresentative.objects.create(
            school=world.a.school, organization=partner, last_name="Мастеров", first_name="Иван"
        )
    client.force_login(world.user("a", "director"))
    url = reverse("programs:mentor-create")
    html = client.get(url).content.decode()
    assert "Ученикова Ира (11А)" in html and "Мастеров Иван (Завод «Прогресс»)" in html
    assert client.post(url, {"student": student.pk, **_profile_data()}).status_code == 302
    assert client.post(url, {"partner_representative": rep.pk, **_profile_data()}).status_code == 302
    with scopes_disabled():
        kinds = sorted(MentorProfile.objects.values_list("participant__kind", flat=True))
    assert kinds == ["partner", "student"]


@pytest.mark.parametrize("people", [(), ("staff", "student")])
def test_exactly_one_person_must_be_chosen(client, world, people):
    teacher = person(world.a.school)
    with scopes_disabled():
        student = Student.objects.create(
            school=world.a.school,
            last_name="Ученикова",
            first_name="Ира",
            birth_date=date(2008, 5, 1),
            grade="11А",
        )
    chosen = {"staff": teacher.pk, "student": student.pk}
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("programs:mentor-create"), {**{k: chosen[k] for k in people}, **_profile_data()}
    )
    assert response.status_code == 200
    assert "Выберите одного человека" in response.content.decode()
    with scopes_disabled():
        assert not MentorProfile.objects.exists()


@pytest.mark.parametrize("capacity", ["0", "11"])
def test_capacity_outside_1_to_10_is_rejected_in_russian(client, world, capacity):
    teacher = person(world.a.school)
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("programs:mentor-create"), {"staff": teacher.pk, **_profile_data(capacity=capacity)}
    )
    assert response.status_code == 200
    assert "Наставник может вести от 1 до 10 наставляемых одновременно." in response.content.decode()
    with scopes_disabled():
        assert not MentorProfile.objects.exists()


def test_capacity_is_checked_on_edit_too(client, world):
    profile = mentor_profile(person(world.a.school))
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("programs:mentor-edit", kwargs={"pk": profile.pk}), _profile_data(capacity="11")
    )
    assert "Наставник может вести от 1 до 10 наставляемых одновременно." in response.content.decode()
    with scopes_disabled():
        profile.refresh_from_db()
    assert profile.capacity == MentorProfile.DEFAULT_CAPACITY


def test_the_course_date_is_required_when_the_training_includes_the_course(client, world):
    teacher = person(world.a.school)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentor-create")
    response = client.post(url, {"staff": teacher.pk, **_profile_data(training_status=TrainingStatus.BOTH)})
    assert "Укажите дату окончания курса" in response.content.decode()
    response = client.post(
        url,
        {
            "staff": teacher.pk,
            **_profile_data(training_status=TrainingStatus.COURSE, course_completed_on="2025-05-20"),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert MentorProfile.objects.get().course_completed_on == date(2025, 5, 20)


def test_the_curator_edits_a_profile_and_competencies(client, world, areas):
    profile = mentor_profile(person(world.a.school), capacity=2)
    legal = next(a for a in areas if a.code == "legal")
    with scopes_disabled():
        MentorCompetency.objects.create(profile=profile, area=areas[0], level=1)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentor-edit", kwargs={"pk": profile.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {**_profile_data(capacity="5"), f"competency_{legal.pk}": "2"})
    assert response.status_code == 302
    with scopes_disabled():
        profile.refresh_from_db()
        assert profile.capacity == 5
        assert list(MentorCompetency.objects.filter(profile=profile).values_list("area__code", "level")) == [
            ("legal", 2)
        ]


@pytest.mark.parametrize(
    "role", ["psychologist", "mentor", "mentee", "municipal_methodist", "regional_methodist"]
)
def test_only_the_director_and_the_curator_write_the_mentor_base(client, world, role):
    teacher = person(world.a.school)
    profile = mentor_profile(person(world.a.school))
    client.force_login(world.user("a", role))
    assert (
        client.post(reverse("programs:mentor-create"), {"staff": teacher.pk, **_profile_data()}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("programs:mentor-edit", kwargs={"pk": profile.pk}), _profile_data(capacity="9")
        ).status_code
        == 404
    )
    with scopes_disabled():
        assert MentorProfile.objects.count() == 1
        assert MentorProfile.objects.get().capacity == MentorProfile.DEFAULT_CAPACITY


@pytest.mark.parametrize("role", ["mentor", "mentee", "municipal_methodist"])
def test_mentors_mentees_and_methodists_do_not_see_the_mentor_base(client, world, role):
    profile = mentor_profile(person(world.a.school))
    client.force_login(world.user("a", role))
    assert client.get(reverse("programs:mentor-list")).status_code == 404
    assert client.get(reverse("programs:mentor-detail", kwargs={"pk": profile.pk})).status_code == 404


# --- The questionnaire -----------------------------------------------------------------------------


def _mentor_with_card(world):
    """School A's mentor account linked to a staff card that is in the mentor base."""
    mentor = world.user("a", "mentor")
    return mentor, mentor_profile(person(world.a.school, user=mentor, last_name="Наставникова"))


def test_the_mentor_fills_the_questionnaire_in_the_cabinet_and_it_round_trips(client, world, areas):
    mentor, profile = _mentor_with_card(world)
    client.force_login(mentor)
    url = reverse("programs:my-mentor-profile")
    html = client.get(url).content.decode()
    for question in QUESTIONS:
        assert str(question.text) in html
    answers = {
        "strengths": "Проектная деятельность",
        "help_with": ["methodical", "ict"],
        "format": "remote",
        "hours_per_week": "4",
        "has_experience": "no",
        "mentee_kinds": ["young", "students"],
        "expectations": "Новый опыт",
    }
    assert client.post(url, answers).status_code == 302
    with scopes_disabled():
        profile.refresh_from_db()
    stored = profile.questionnaire
    assert {k: stored[k] for k in answers} == {
        **answers,
        "hours_per_week": 4,
        "has_experience": False,
    }
    assert stored["by_self"] is True
    assert stored["updated_by"] == mentor.short_name

    # The form opens with the stored answers.
    form = QuestionnaireForm(areas=areas, stored=stored)
    assert form["format"].value() == "remote"
    assert form["hours_per_week"].value() == "4"
    assert form["has_experience"].value() == "no"
    assert form["help_with"].value() == ["methodical", "ict"]
    html = client.get(url).content.decode()
    assert re.search(r'name="format" value="remote"\s+id="id_format_1" required checked', html)

    # The curator sees the answers with their labels.
    client.force_login(world.user("a", "curator"))
    detail = client.get(reverse("programs:mentor-detail", kwargs={"pk": profile.pk})).content.decode()
    assert "дистанционно" in detail
    assert "4 часа и больше" in detail
    assert "методическая (содержание, методы, технологии обучения), ИКТ-компетентность" in detail
    assert "с молодыми специалистами, с обучающимися" in detail
    assert "Заполнено наставником" in detail


def test_the_main_questions_are_required_in_the_cabinet(client, world):
    mentor, profile = _mentor_with_card(world)
    client.force_login(mentor)
    response = client.post(reverse("programs:my-mentor-profile"), {"expectations": "что-то"})
    assert response.status_code == 200
    assert "Ответьте, пожалуйста, на этот вопрос." in response.content.decode()
    with scopes_disabled():
        profile.refresh_from_db()
    assert profile.questionnaire == {}


def test_a_mentor_outside_the_base_gets_an_explanation(client, world):
    client.force_login(world.user("a", "mentor"))
    response = client.get(reverse("programs:my-mentor-profile"))
    assert response.status_code == 200
    assert 'data-testid="no-mentor-profile"' in response.content.decode()


def test_older_answers_with_free_text_values_are_shown_as_they_are(world):
    """Answers written before the codes (e.g. demo data) stay readable."""
    profile = mentor_profile(person(world.a.school), questionnaire={"format": "очно", "hours_per_week": 7})
    from programs.services.mentors import questionnaire_answers

    with school_scope([world.a.school.pk]):
        shown = {str(a.question.code): a.display for a in questionnaire_answers(profile)}
    assert shown == {"format": "очно", "hours_per_week": "7"}
    form = QuestionnaireForm(areas=[], stored={"format": "очно и дистанционно"})
    assert form["format"].value() == "mixed"


def test_save_questionnaire_by_the_curator_is_not_marked_as_the_mentors_own(world):
    _mentor, profile = _mentor_with_card(world)
    with school_scope([world.a.school.pk]):
        save_questionnaire(
            profile=profile, answers={"strengths": "Всё"}, acting_user=world.user("a", "curator")
        )
    assert profile.questionnaire["by_self"] is False


# --- The list: load and consent --------------------------------------------------------------------


def test_the_list_shows_load_of_open_pairs_and_the_mentor_consent(client, world):
    school = world.a.school
    busy = person(school, last_name="Занятова")
    profile = mentor_profile(busy, capacity=3)
    pair(busy, person(school), person(school))  # an open group of two
    pair(busy, person(school), status=PairStatus.COMPLETED)  # does not count
    pair(busy, person(school), status=PairStatus.DRAFT)  # counts
    with scopes_disabled():
        Consent.objects.create(
            school=school,
            participant=participant(busy),
            kind=ConsentKind.MENTOR,
            received_on=date(2026, 9, 1),
        )
    free = person(school, last_name="Свободнова")
    mentor_profile(free)
    withdrawn = person(school, last_name="Отозванова")
    mentor_profile(withdrawn)
    with scopes_disabled():
        Consent.objects.create(
            school=school,
            participant=participant(withdrawn),
            kind=ConsentKind.MENTOR,
            received_on=date(2026, 9, 1),
            withdrawn_on=date(2026, 10, 1),
        )
        Consent.objects.create(
            school=school,
            participant=participant(free),
            kind=ConsentKind.PERSONAL_DATA,
            received_on=date(2026, 9, 1),
        )
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentor-list")
    html = client.get(url).content.decode()
    rows = {
        name: html[html.index(name) :].split("</tr>")[0] for name in ("Занятова", "Свободнова", "Отозванова")
    }
    assert "3/3" in rows["Занятова"] and "получено" in rows["Занятова"]
    assert "0/2" in rows["Свободнова"] and "получено" not in rows["Свободнова"]
    assert "получено" not in rows["Отозванова"]

    full = client.get(url, {"availability": "full"}).content.decode()
    assert "Занятова" in full and "Свободнова" not in full
    with_room = client.get(url, {"availability": "free"}).content.decode()
    assert "Свободнова" in with_room and "Занятова" not in with_room
    with scopes_disabled():
        assert MentorProfile.objects.get(pk=profile.pk).capacity == 3


def test_the_list_filters_by_competency_without_duplicating_rows(client, world, areas):
    teacher = person(world.a.school, last_name="Компетентнова")
    profile = mentor_profile(teacher)
    with scopes_disabled():
        for area in areas[:3]:
            MentorCompetency.objects.create(profile=profile, area=area, level=2)
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("programs:mentor-list"), {"area": areas[1].pk}).content.decode()
    assert html.count("Компетентнова Мария Петровна</a>") == 1
    html = client.get(reverse("programs:mentor-list"), {"area": areas[5].pk}).content.decode()
    assert "Компетентнова" not in html


def _grow_mentors(world, n: int) -> None:
    school = world.a.school
    for i in range(n):
        teacher = person(school)
        profile = mentor_profile(
            teacher, capacity=1 + i % 3, training_status=TrainingStatus.SCHOOL_OF_MENTORS
        )
        with scopes_disabled():
            MentorCompetency.objects.create(
                profile=profile, area=DifficultyArea.objects.get(code="ict"), level=2
            )
            if i % 2:
                Consent.objects.create(
                    school=school,
                    participant=participant(teacher),
                    kind=ConsentKind.MENTOR,
                    received_on=date(2026, 9, 1),
                )
        if i % 3 == 0:
            pair(teacher, person(school), person(school))


@pytest.mark.parametrize("query", ["", "?availability=free&trained=on", "?q=Учителева"])
def test_the_mentor_list_needs_as_many_queries_for_60_mentors_as_for_5(client, world, query):
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentor-list") + query
    _grow_mentors(world, 5)
    small = _queries(client, url)
    _grow_mentors(world, 55)
    assert _queries(client, url) <= small


# --- The registry of the school year ---------------------------------------------------------------


def _registry() -> MentorRegistry:
    with scopes_disabled():
        return MentorRegistry.objects.get()


def test_the_registry_workflow_from_draft_to_approval(client, world):
    first = mentor_profile(person(world.a.school, last_name="Первова"))
    second = mentor_profile(person(world.a.school, last_name="Вторая"))
    inactive = mentor_profile(person(world.a.school, last_name="Неактивнова"), is_active=False)
    curator, director = world.user("a", "curator"), world.user("a", "director")
    page = reverse("programs:mentor-registry")

    client.force_login(curator)
    html = client.get(page).content.decode()
    assert "Первова" in html and "Неактивнова" not in html
    assert client.post(reverse("programs:mentor-registry-save"), {"mentors": [first.pk]}).status_code == 302
    registry = _registry()
    assert registry.status == MentorRegistry.Status.DRAFT
    assert registry.school_year == school_year_of()
    with scopes_disabled():
        assert list(registry.mentors.all()) == [first]

    # Only the director decides: the curator gets 404, and nothing changes.
    decide = reverse("programs:mentor-registry-decide", kwargs={"pk": registry.pk})
    assert client.post(decide, {"decision": "approve"}).status_code == 404

    client.post(reverse("programs:mentor-registry-submit", kwargs={"pk": registry.pk}))
    registry = _registry()
    assert registry.status == MentorRegistry.Status.SUBMITTED and registry.submitted_at is not None
    # While submitted, the composition is frozen.
    client.post(reverse("programs:mentor-registry-save"), {"mentors": [first.pk, second.pk]})
    with scopes_disabled():
        assert list(_registry().mentors.all()) == [first]
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert _registry().status == MentorRegistry.Status.SUBMITTED

    # The director returns it; a comment is required.
    client.force_login(director)
    html = client.get(page).content.decode()
    assert 'data-testid="registry-decision"' in html
    response = client.post(decide, {"decision": "return", "comment": " "})
    assert response.status_code == 200
    assert "без комментария реестр не вернуть" in response.content.decode()
    assert _registry().status == MentorRegistry.Status.SUBMITTED
    client.post(decide, {"decision": "return", "comment": "Добавьте Вторую"})
    registry = _registry()
    assert registry.status == MentorRegistry.Status.RETURNED
    assert registry.decided_by == director and registry.director_comment == "Добавьте Вторую"

    # The curator fixes it and sends it again; the director approves.
    client.force_login(curator)
    assert "Добавьте Вторую" in client.get(page).content.decode()
    client.post(reverse("programs:mentor-registry-save"), {"mentors": [first.pk, second.pk]})
    client.post(reverse("programs:mentor-registry-submit", kwargs={"pk": registry.pk}))
    client.force_login(director)
    client.post(decide, {"decision": "approve", "comment": ""})
    registry = _registry()
    assert registry.status == MentorRegistry.Status.APPROVED
    assert registry.decided_at is not None

    # Approved is read-only: saving or sending again changes nothing.
    client.force_login(curator)
    html = client.get(page).content.decode()
    assert 'data-testid="registry-locked"' in html
    assert 'data-testid="registry-form"' not in html
    assert "Первова" in html and "Вторая" in html
    client.post(reverse("programs:mentor-registry-save"), {"mentors": [first.pk]})
    client.post(reverse("programs:mentor-registry-submit", kwargs={"pk": registry.pk}))
    with scopes_disabled():
        assert set(_registry().mentors.all()) == {first, second}
    assert _registry().status == MentorRegistry.Status.APPROVED
    client.force_login(director)
    client.post(decide, {"decision": "return", "comment": "ещё раз"})
    assert _registry().status == MentorRegistry.Status.APPROVED
    with scopes_disabled():
        assert not _registry().mentors.filter(pk=inactive.pk).exists()


def test_an_empty_registry_cannot_be_submitted(client, world):
    client.force_login(world.user("a", "curator"))
    client.post(reverse("programs:mentor-registry-save"), {"mentors": []})
    registry = _registry()
    response = client.post(
        reverse("programs:mentor-registry-submit", kwargs={"pk": registry.pk}), follow=True
    )
    assert "Включите в реестр хотя бы одного наставника." in response.content.decode()
    assert _registry().status == MentorRegistry.Status.DRAFT


def test_an_inactive_mentor_cannot_be_included(client, world):
    inactive = mentor_profile(person(world.a.school), is_active=False)
    client.force_login(world.user("a", "curator"))
    client.post(reverse("programs:mentor-registry-save"), {"mentors": [inactive.pk]})
    with scopes_disabled():
        assert not MentorRegistry.objects.filter(mentors=inactive).exists()


def test_a_mentor_of_another_school_cannot_be_included(client, world):
    foreign = mentor_profile(person(world.b.school))
    client.force_login(world.user("a", "curator"))
    client.post(reverse("programs:mentor-registry-save"), {"mentors": [foreign.pk]})
    with scopes_disabled():
        assert not MentorRegistry.objects.filter(mentors=foreign).exists()


@pytest.mark.parametrize("role", ["director", "psychologist", "mentor", "mentee", "municipal_methodist"])
def test_only_the_curator_composes_and_submits_the_registry(client, world, role):
    profile = mentor_profile(person(world.a.school))
    with scopes_disabled():
        registry = MentorRegistry.objects.create(school=world.a.school, school_year=school_year_of())
        registry.mentors.add(profile)
    client.force_login(world.user("a", role))
    assert client.post(reverse("programs:mentor-registry-save"), {"mentors": []}).status_code == 404
    assert (
        client.post(reverse("programs:mentor-registry-submit", kwargs={"pk": registry.pk})).status_code == 404
    )
    assert _registry().status == MentorRegistry.Status.DRAFT
    with scopes_disabled():
        assert list(_registry().mentors.all()) == [profile]


def test_the_director_of_another_school_cannot_decide(client, world):
    profile = mentor_profile(person(world.a.school))
    with scopes_disabled():
        registry = MentorRegistry.objects.create(
            school=world.a.school, school_year=school_year_of(), status=MentorRegistry.Status.SUBMITTED
        )
        registry.mentors.add(profile)
    client.force_login(world.user("b", "director"))
    decide = reverse("programs:mentor-registry-decide", kwargs={"pk": registry.pk})
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert _registry().status == MentorRegistry.Status.SUBMITTED


def test_participants_are_reused_when_a_mentee_becomes_a_mentor(world):
    teacher = person(world.a.school)
    first = participant(teacher)
    mentor_profile(teacher)
    with scopes_disabled():
        assert Participant.objects.filter(staff=teacher).get() == first
