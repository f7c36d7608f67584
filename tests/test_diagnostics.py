"""Diagnostics of difficulties: saving per school year, the questionnaire pages, the profile, the overview."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from programs.models import AssessmentSource, DifficultyArea, DifficultyAssessment, DifficultyRating
from programs.selectors import diagnostics_profile
from programs.services.diagnostics import save_assessment
from schools.tenancy import school_scope
from schools.years import school_year_of
from tests.test_mentee_base import _queries, assessment, person


@pytest.fixture
def areas(db) -> list[DifficultyArea]:
    return list(DifficultyArea.objects.filter(is_active=True).order_by("order"))


def _levels(areas: list[DifficultyArea], level: int | None = None, **by_code: int) -> dict[int, int]:
    return {a.pk: by_code.get(a.code, level if level is not None else 0) for a in areas}


def _post_data(areas: list[DifficultyArea], levels: dict[int, int], comment: str = "") -> dict[str, str]:
    return {**{f"area_{pk}": str(level) for pk, level in levels.items()}, "comment": comment}


# --- The service -----------------------------------------------------------------------------------


def test_saving_twice_in_a_year_replaces_the_answers_and_a_new_year_adds_an_assessment(world, areas):
    teacher = world.a.staff
    user = world.user("a", "mentee")
    year = school_year_of()
    with school_scope([world.a.school.pk]):
        first = save_assessment(
            staff=teacher, school_year=year, levels=_levels(areas, 3), source="self", acting_user=user
        )
        second = save_assessment(
            staff=teacher,
            school_year=year,
            levels=_levels(areas, 1),
            source="curator",
            comment="после беседы",
            acting_user=world.user("a", "curator"),
        )
        assert first.pk == second.pk
        assert DifficultyAssessment.objects.filter(staff=teacher).count() == 1
        assert (
            sorted(DifficultyRating.objects.filter(assessment=second).values_list("level", flat=True))
            == [1] * 9
        )
        second.refresh_from_db()
        assert (second.source, second.comment, second.filled_by) == (
            "curator",
            "после беседы",
            world.user("a", "curator"),
        )

        save_assessment(
            staff=teacher, school_year=year - 1, levels=_levels(areas, 2), source="self", acting_user=user
        )
        assert DifficultyAssessment.objects.filter(staff=teacher).count() == 2
        assert DifficultyRating.objects.filter(assessment__staff=teacher).count() == 18


def test_a_level_out_of_range_saves_nothing(world, areas):
    with school_scope([world.a.school.pk]), pytest.raises(ValidationError):
        save_assessment(
            staff=world.a.staff,
            school_year=school_year_of(),
            levels=_levels(areas, 4),
            source="self",
            acting_user=world.user("a", "mentee"),
        )
    with scopes_disabled():
        assert not DifficultyAssessment.objects.exists()


# --- The mentee fills it in the cabinet ------------------------------------------------------------


def test_the_mentee_fills_the_questionnaire_with_one_row_per_area(client, world, areas):
    client.force_login(world.user("a", "mentee"))
    url = reverse("programs:my-diagnostics")
    html = client.get(url).content.decode()
    assert html.count('type="radio"') == 4 * len(areas)
    for label in ("затруднений нет", "незначительные", "существенные", "значительные, нужна помощь"):
        assert label in html
    levels = _levels(areas, 0, ict=3, legal=2)
    response = client.post(url, _post_data(areas, levels, "Нужна помощь с электронным журналом"))
    assert response.status_code == 302
    with scopes_disabled():
        saved = DifficultyAssessment.objects.get(staff=world.a.staff)
        assert saved.source == AssessmentSource.SELF
        assert saved.filled_by == world.user("a", "mentee")
        assert saved.school_year == school_year_of()
        assert (
            dict(DifficultyRating.objects.filter(assessment=saved).values_list("area_id", "level")) == levels
        )
    # The form opens again with the saved answers.
    html = client.get(url).content.decode()
    ict = next(a for a in areas if a.code == "ict")
    assert f'name="area_{ict.pk}" id="id_area_{ict.pk}_3" value="3" checked' in html
    assert "Сохранение заменит прежние ответы" in html


def test_a_missing_area_is_an_error_and_nothing_is_saved(client, world, areas):
    client.force_login(world.user("a", "mentee"))
    data = _post_data(areas, _levels(areas, 1))
    del data[f"area_{areas[0].pk}"]
    response = client.post(reverse("programs:my-diagnostics"), data)
    assert response.status_code == 200
    assert "Выберите уровень затруднений по этой области." in response.content.decode()
    with scopes_disabled():
        assert not DifficultyAssessment.objects.exists()


def test_a_user_without_a_staff_card_gets_an_explanation(client, world):
    client.force_login(world.user("a", "mentor"))  # the mentor's account has no staff card in school A
    response = client.get(reverse("programs:my-diagnostics"))
    assert response.status_code == 200
    assert 'data-testid="no-staff-record"' in response.content.decode()
    assert client.post(reverse("programs:my-diagnostics"), {}).status_code == 200


def test_the_own_diagnostics_is_the_staff_card_of_the_active_school_only(client, world, areas):
    """A teacher who works in two schools answers for the school of the active work context."""
    mentee = world.user("a", "mentee")
    other_card = person(world.b.school, user=mentee)
    client.force_login(mentee)
    client.post(reverse("programs:my-diagnostics"), _post_data(areas, _levels(areas, 2)))
    with scopes_disabled():
        assert DifficultyAssessment.objects.filter(staff=world.a.staff).exists()
        assert not DifficultyAssessment.objects.filter(staff=other_card).exists()


# --- The curator fills it for anyone ---------------------------------------------------------------


def test_the_curator_fills_the_questionnaire_for_a_teacher(client, world, areas):
    teacher = person(world.a.school)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:diagnostics-fill", kwargs={"pk": teacher.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _post_data(areas, _levels(areas, 2)))
    assert response["Location"] == reverse("programs:diagnostics-profile", kwargs={"pk": teacher.pk})
    with scopes_disabled():
        saved = DifficultyAssessment.objects.get(staff=teacher)
    assert saved.source == AssessmentSource.CURATOR
    assert saved.school_id == world.a.school.pk


@pytest.mark.parametrize("role", ["director", "psychologist", "mentor", "mentee", "municipal_methodist"])
def test_only_the_curator_fills_it_for_others(client, world, areas, role):
    client.force_login(world.user("a", role))
    url = reverse("programs:diagnostics-fill", kwargs={"pk": world.a.staff.pk})
    assert client.post(url, _post_data(areas, _levels(areas, 2))).status_code == 404
    with scopes_disabled():
        assert not DifficultyAssessment.objects.exists()


def test_a_curator_of_another_school_cannot_fill_or_read_it(client, world, areas):
    client.force_login(world.user("b", "curator"))
    fill = reverse("programs:diagnostics-fill", kwargs={"pk": world.a.staff.pk})
    assert client.post(fill, _post_data(areas, _levels(areas, 2))).status_code == 404
    assert (
        client.get(reverse("programs:diagnostics-profile", kwargs={"pk": world.a.staff.pk})).status_code
        == 404
    )


# --- The profile: years side by side ---------------------------------------------------------------


def test_the_profile_shows_each_year_side_by_side_with_the_change(client, world, areas):
    teacher = world.a.staff
    year = school_year_of()
    assessment(teacher, year - 1, {"ict": 3, "legal": 1})
    assessment(teacher, year, {"ict": 1, "legal": 2})
    with school_scope([world.a.school.pk]):
        profile = diagnostics_profile(teacher)
    assert profile.years == [year - 1, year]
    rows = {row.area.code: row for row in profile.rows}
    assert [c.level for c in rows["ict"].cells] == [3, 1]
    assert rows["ict"].change == -2
    assert rows["legal"].change == 1
    assert rows["health"].change == 0

    client.force_login(world.user("a", "psychologist"))
    html = client.get(reverse("programs:diagnostics-profile", kwargs={"pk": teacher.pk})).content.decode()
    assert f"{year - 1}/{year} уч. год" in html and f"{year}/{year + 1} уч. год" in html
    assert "меньше затруднений" in html and "больше затруднений" in html
    assert "level-3" in html  # the level-3 segment of last year's ICT bar


def test_a_profile_without_assessments_says_so(client, world):
    client.force_login(world.user("a", "curator"))
    html = client.get(
        reverse("programs:diagnostics-profile", kwargs={"pk": world.a.staff.pk})
    ).content.decode()
    assert "Диагностика ещё не проводилась." in html


def test_the_mentee_sees_their_own_years_in_the_cabinet(client, world):
    year = school_year_of()
    assessment(world.a.staff, year - 1, 3)
    assessment(world.a.staff, year, 1)
    client.force_login(world.user("a", "mentee"))
    html = client.get(reverse("programs:my-diagnostics")).content.decode()
    assert 'data-testid="diagnostics-profile"' in html
    assert "меньше затруднений" in html


# --- The school overview ---------------------------------------------------------------------------


def test_the_overview_shows_who_filled_when_and_the_top_deficits(client, world):
    year = school_year_of()
    filled = person(world.a.school, last_name="Заполнилова")
    assessment(filled, year, {"ict": 3, "digital": 2, "legal": 2, "health": 2})
    person(world.a.school, last_name="Незаполнилова")
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:diagnostics-list")
    html = client.get(url).content.decode()
    assert "Заполнилова" in html and "Незаполнилова" in html
    assert "ИКТ-компетентность: 3" in html
    assert "не заполнена" in html
    only_filled = client.get(url, {"filled": "filled"}).content.decode()
    assert "Заполнилова" in only_filled and "Незаполнилова" not in only_filled
    not_filled = client.get(url, {"filled": "not_filled"}).content.decode()
    assert "Незаполнилова" in not_filled and "Заполнилова" not in not_filled


def test_the_overview_can_show_last_school_year(client, world):
    year = school_year_of()
    teacher = person(world.a.school, last_name="Прошлогодняя")
    assessment(teacher, year - 1, {"ict": 3})
    client.force_login(world.user("a", "director"))
    html = client.get(reverse("programs:diagnostics-list"), {"year": year - 1}).content.decode()
    assert "ИКТ-компетентность: 3" in html
    assert "Заполнить</a>" not in html  # only the curator fills, and only the current year


@pytest.mark.parametrize("role", ["mentor", "mentee", "municipal_methodist", "regional_methodist"])
def test_mentors_mentees_and_methodists_do_not_see_the_overview(client, world, role):
    client.force_login(world.user("a", role))
    assert client.get(reverse("programs:diagnostics-list")).status_code == 404
    assert (
        client.get(reverse("programs:diagnostics-profile", kwargs={"pk": world.a.staff.pk})).status_code
        == 404
    )


def _grow(world, n: int) -> None:
    year = school_year_of()
    for i in range(n):
        teacher = person(world.a.school)
        if i % 3:
            assessment(teacher, year, {"ict": i % 4, "legal": (i + 1) % 4, "health": 3})


@pytest.mark.parametrize("query", ["", "?filled=filled", "?q=Учителева&filled=not_filled"])
def test_the_overview_needs_as_many_queries_for_60_people_as_for_5(client, world, query):
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:diagnostics-list") + query
    _grow(world, 5)
    small = _queries(client, url)
    _grow(world, 55)
    assert _queries(client, url) <= small
