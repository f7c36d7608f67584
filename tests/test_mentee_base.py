"""«Кому нужен наставник»: the categories and their boundaries, the status, confirmation, burnout notes.

The helpers at the top (people, pairs, assessments) are shared with the diagnostics and mentor-base
tests.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs import selectors
from programs.models import (
    BurnoutNote,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyRating,
    MenteeBaseConfirmation,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    Participant,
    ParticipantKind,
)
from schools.models import EmploymentStatus, School, Staff
from schools.tenancy import school_scope
from schools.years import school_year_of
from tests.factories import StaffFactory

_serial = count(1)

# --- Shared helpers --------------------------------------------------------------------------------


def person(school: School, **fields) -> Staff:
    """A working teacher who is in no category unless the fields say so."""
    defaults = {
        "experience_years": 10,
        "hire_date": date(2010, 9, 1),
        "has_pedagogical_education": True,
        "last_name": f"Учителева{next(_serial)}",
    }
    with scopes_disabled():
        return StaffFactory(school=school, **{**defaults, **fields})


def participant(staff: Staff) -> Participant:
    with scopes_disabled():
        found, _ = Participant.objects.get_or_create(
            staff=staff, defaults={"school_id": staff.school_id, "kind": ParticipantKind.STAFF}
        )
        return found


def mentor_profile(staff: Staff, **fields) -> MentorProfile:
    with scopes_disabled():
        return MentorProfile.objects.create(
            school_id=staff.school_id, participant=participant(staff), **fields
        )


def pair(mentor: Staff, *mentees: Staff, status: str = PairStatus.ACTIVE) -> MentoringPair:
    with scopes_disabled():
        start = timezone.localdate() - timedelta(days=30)
        created = MentoringPair.objects.create(
            school_id=mentees[0].school_id,
            mentor=participant(mentor),
            form=MentoringForm.objects.get(code="teacher-teacher"),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=start,
            planned_end_date=start + timedelta(days=365),
            status=status,
            ended_on=timezone.localdate()
            if status in (PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
            else None,
            end_reason="mutual" if status == PairStatus.ENDED_EARLY else "",
        )
        for mentee in mentees:
            PairMentee.objects.create(pair=created, mentee=participant(mentee))
        return created


def assessment(
    staff: Staff, year: int, levels: dict[str, int] | int, source: str = "self"
) -> DifficultyAssessment:
    """An assessment with a level per area code (or the same level for every area)."""
    with scopes_disabled():
        areas = list(DifficultyArea.objects.filter(is_active=True))
        made = DifficultyAssessment.objects.create(
            school_id=staff.school_id, staff=staff, school_year=year, source=source
        )
        DifficultyRating.objects.bulk_create(
            [
                DifficultyRating(
                    assessment=made,
                    area=area,
                    level=levels if isinstance(levels, int) else levels.get(area.code, 0),
                )
                for area in areas
            ]
        )
        return made


def codes_of(school: School, staff: Staff, today: date | None = None) -> tuple[list[str], bool] | None:
    """The categories of a person in the mentee base and whether they are in a pair (None: not listed)."""
    rules = selectors.mentee_base_rules(today)
    with school_scope([school.pk]):
        row = selectors.mentee_base(rules=rules).filter(pk=staff.pk).first()
        if row is None:
            return None
        return [c.code for c in selectors.mentee_categories_of(row)], row.open_pair_id is not None


# --- Categories and their boundaries ---------------------------------------------------------------


def test_a_teacher_in_no_category_is_not_listed(world):
    assert codes_of(world.a.school, person(world.a.school)) is None


@pytest.mark.parametrize(("years", "listed"), [(0, True), (3, True), (4, False)])
def test_a_young_specialist_has_at_most_three_years_of_experience(world, years, listed):
    teacher = person(world.a.school, experience_years=years)
    found = codes_of(world.a.school, teacher)
    assert (found == (["young"], False)) if listed else found is None


@pytest.mark.parametrize(("days_ago", "listed"), [(0, True), (364, True), (366, False), (-5, False)])
def test_new_in_the_school_means_hired_less_than_a_year_ago(world, days_ago, listed):
    teacher = person(world.a.school, hire_date=timezone.localdate() - timedelta(days=days_ago))
    found = codes_of(world.a.school, teacher)
    assert (found == (["new"], False)) if listed else found is None


@pytest.mark.parametrize(
    "today",
    [date(2026, 3, 1), date(2029, 2, 28), date(2028, 2, 29), date(2028, 2, 28), date(2027, 12, 31)],
)
def test_the_sql_rule_for_new_staff_agrees_with_staff_is_new_in_school_on(world, today):
    """The list and Staff.is_new_in_school_on agree on every hire date around the anniversary, leap years too."""
    school = world.a.school
    hires = [today - timedelta(days=d) for d in range(-2, 372)]
    with scopes_disabled():
        Staff.objects.bulk_create(
            [
                Staff(
                    school=school,
                    last_name=f"Новикова{i}",
                    first_name="Анна",
                    position="учитель",
                    hire_date=h,
                )
                for i, h in enumerate(hires)
            ]
        )
    rules = selectors.mentee_base_rules(today)
    with school_scope([school.pk]):
        listed = {s.hire_date for s in selectors.mentee_base(rules=rules, category="new")}
        expected = {
            s.hire_date
            for s in Staff.objects.filter(last_name__startswith="Новикова")
            if s.is_new_in_school_on(today)
        }
    assert listed == expected


def test_after_a_long_break_counts_for_the_current_and_the_previous_school_year(world):
    today = date(2026, 10, 15)  # school year 2026/2027; the rule reaches back to 01.09.2025
    school = world.a.school
    inside = person(school, returned_after_break_on=date(2025, 9, 1))
    recent = person(school, returned_after_break_on=date(2026, 9, 2))
    too_old = person(school, returned_after_break_on=date(2025, 8, 31))
    future = person(school, returned_after_break_on=date(2026, 11, 1))
    assert codes_of(school, inside, today) == (["after_break"], False)
    assert codes_of(school, recent, today) == (["after_break"], False)
    assert codes_of(school, too_old, today) is None
    assert codes_of(school, future, today) is None


def test_no_pedagogical_education_is_a_category(world):
    teacher = person(world.a.school, has_pedagogical_education=False)
    assert codes_of(world.a.school, teacher) == (["no_ped_education"], False)


def test_difficulties_count_from_level_two_in_this_school_year_only(world):
    school, year = world.a.school, school_year_of()
    significant = person(school)
    assessment(significant, year, {"ict": 2})
    slight = person(school)
    assessment(slight, year, 1)
    last_year = person(school)
    assessment(last_year, year - 1, 3)
    assert codes_of(school, significant) == (["difficulties"], False)
    assert codes_of(school, slight) is None
    assert codes_of(school, last_year) is None


def test_an_open_burnout_note_counts_and_a_closed_one_does_not(world):
    school = world.a.school
    burnt_out, recovered = person(school), person(school)
    with scopes_disabled():
        BurnoutNote.objects.create(school=school, staff=burnt_out, noted_on=date(2026, 1, 10))
        BurnoutNote.objects.create(
            school=school, staff=recovered, noted_on=date(2025, 1, 10), closed_on=date(2025, 5, 1)
        )
    assert codes_of(school, burnt_out) == (["burnout"], False)
    assert codes_of(school, recovered) is None


def test_several_categories_are_all_shown(world):
    teacher = person(
        world.a.school, experience_years=1, hire_date=timezone.localdate(), has_pedagogical_education=False
    )
    assert codes_of(world.a.school, teacher) == (["young", "new", "no_ped_education"], False)


def test_only_working_staff_are_listed(world):
    for status in (EmploymentStatus.DISMISSED, EmploymentStatus.MATERNITY, EmploymentStatus.LONG_BREAK):
        assert (
            codes_of(world.a.school, person(world.a.school, experience_years=1, employment_status=status))
            is None
        )


# --- Status: in a pair or not ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "in_pair"),
    [
        (PairStatus.DRAFT, True),
        (PairStatus.CONSENTS, True),
        (PairStatus.FIXED, True),
        (PairStatus.ACTIVE, True),
        (PairStatus.COMPLETED, False),
        (PairStatus.ENDED_EARLY, False),
    ],
)
def test_a_mentee_of_an_open_pair_is_in_a_pair_and_of_a_closed_pair_needs_a_mentor(world, status, in_pair):
    school = world.a.school
    mentee = person(school, experience_years=1)
    pair(person(school), mentee, status=status)
    assert codes_of(school, mentee) == (["young"], in_pair)


def test_being_the_mentor_of_a_pair_does_not_put_a_young_teacher_in_a_pair(world):
    school = world.a.school
    young_mentor = person(school, experience_years=2)
    pair(young_mentor, person(school))
    assert codes_of(school, young_mentor) == (["young"], False)


def test_a_mentee_in_an_open_pair_links_to_the_pair(client, world):
    mentee = person(world.a.school, experience_years=1)
    opened = pair(person(world.a.school), mentee)
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("programs:mentee-base")).content.decode()
    try:
        url = reverse("programs:pair-detail", args=[opened.pk])
    except NoReverseMatch:  # the pair screens are not there yet: the status is shown as text
        assert "в паре" in html
    else:
        assert f'href="{url}">в паре</a>' in html


def test_filters_by_category_status_and_search(world):
    school = world.a.school
    young_free = person(school, experience_years=1, last_name="Свободнова")
    young_paired = person(school, experience_years=1, last_name="Парнова")
    no_education = person(school, has_pedagogical_education=False, last_name="Самоучкина")
    pair(person(school), young_paired)
    rules = selectors.mentee_base_rules()
    with school_scope([school.pk]):
        young = set(selectors.mentee_base(rules=rules, category="young"))
        needs = set(selectors.mentee_base(rules=rules, status=selectors.STATUS_NEEDS_MENTOR))
        paired = set(selectors.mentee_base(rules=rules, status=selectors.STATUS_IN_PAIR))
        found = list(selectors.mentee_base(rules=rules, q="Самоучк"))
        counts = selectors.mentee_base_counts(rules)
    assert young == {young_free, young_paired}
    assert needs == {young_free, no_education}
    assert paired == {young_paired}
    assert found == [no_education]
    assert (counts.total, counts.needs_mentor, counts.in_pair) == (3, 2, 1)
    assert counts.by_category["young"] == 2
    assert counts.by_category["no_ped_education"] == 1


def test_the_list_never_shows_another_schools_people(world):
    person(world.b.school, experience_years=1, last_name="Чужакова")
    with school_scope([world.a.school.pk]):
        names = [p.last_name for p in selectors.mentee_base(rules=selectors.mentee_base_rules())]
    assert "Чужакова" not in names


# --- The page and the yearly confirmation ----------------------------------------------------------


def test_the_page_shows_categories_status_and_the_unconfirmed_warning(client, world):
    school = world.a.school
    mentee = person(school, experience_years=1, last_name="Молодцова")
    pair(person(school), mentee)
    person(school, has_pedagogical_education=False, last_name="Самоучкина")
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("programs:mentee-base")).content.decode()
    assert "Молодцова" in html and "Самоучкина" in html
    assert "молодой специалист" in html and "без педагогического образования" in html
    assert "в паре" in html and "нужен наставник" in html
    assert 'data-testid="not-confirmed"' in html
    assert "ещё не подтверждён" in html


def test_the_curator_confirms_the_list_and_the_page_says_who_and_when(client, world):
    school = world.a.school
    person(school, experience_years=1)
    person(school, experience_years=2)
    curator = world.user("a", "curator")
    client.force_login(curator)
    response = client.post(reverse("programs:mentee-base-confirm"), {"q": "ignored"})
    assert response.status_code == 302
    with scopes_disabled():
        confirmation = MenteeBaseConfirmation.objects.get(school=school)
    assert confirmation.school_year == school_year_of()
    assert confirmation.people_count == 2
    assert confirmation.confirmed_by == curator
    html = client.get(reverse("programs:mentee-base")).content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"Список подтверждён {today}, {curator.short_name}" in html
    assert 'data-testid="not-confirmed"' not in html


def test_a_confirmation_of_last_school_year_does_not_count_for_this_one(client, world):
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(
            school=world.a.school, school_year=school_year_of() - 1, people_count=3
        )
    client.force_login(world.user("a", "director"))
    html = client.get(reverse("programs:mentee-base")).content.decode()
    assert 'data-testid="not-confirmed"' in html


@pytest.mark.parametrize("role", ["director", "psychologist", "mentor", "mentee", "municipal_methodist"])
def test_only_the_curator_confirms_the_list(client, world, role):
    client.force_login(world.user("a", role))
    assert client.post(reverse("programs:mentee-base-confirm")).status_code == 404
    with scopes_disabled():
        assert not MenteeBaseConfirmation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("director", 200),
        ("psychologist", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("municipal_methodist", 404),
        ("regional_methodist", 404),
    ],
)
def test_who_sees_the_mentee_base(client, world, role, status):
    client.force_login(world.user("a", role))
    assert client.get(reverse("programs:mentee-base")).status_code == status


# --- Burnout notes ---------------------------------------------------------------------------------


def test_the_psychologist_marks_and_closes_a_burnout_note(client, world):
    school = world.a.school
    teacher = person(school, last_name="Усталова")
    psychologist = world.user("a", "psychologist")
    client.force_login(psychologist)
    url = reverse("programs:burnout-create", kwargs={"pk": teacher.pk})
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(url, {"noted_on": today.isoformat(), "comment": "Жалобы на усталость"})
    assert response.status_code == 302
    assert codes_of(school, teacher) == (["burnout"], False)

    again = client.post(url, {"noted_on": today.isoformat()})
    assert again.status_code == 200
    assert "уже есть действующая отметка" in again.content.decode()

    with scopes_disabled():
        note = BurnoutNote.objects.get(staff=teacher)
    assert note.noted_by == psychologist
    response = client.post(reverse("programs:burnout-close", kwargs={"pk": note.pk}))
    assert response.status_code == 302
    with scopes_disabled():
        note.refresh_from_db()
    assert note.closed_on == today
    assert codes_of(school, teacher) is None


def test_a_burnout_note_cannot_be_dated_in_the_future(client, world):
    teacher = person(world.a.school)
    client.force_login(world.user("a", "psychologist"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("programs:burnout-create", kwargs={"pk": teacher.pk}), {"noted_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert "не может быть в будущем" in response.content.decode()
    with scopes_disabled():
        assert not BurnoutNote.objects.exists()


@pytest.mark.parametrize("role", ["curator", "director", "mentor", "mentee", "municipal_methodist"])
def test_only_the_psychologist_writes_burnout_notes(client, world, role):
    teacher = person(world.a.school)
    with scopes_disabled():
        note = BurnoutNote.objects.create(school=world.a.school, staff=teacher, noted_on=date(2026, 1, 1))
    client.force_login(world.user("a", role))
    assert client.get(reverse("programs:burnout-create", kwargs={"pk": teacher.pk})).status_code == 404
    assert client.post(reverse("programs:burnout-close", kwargs={"pk": note.pk})).status_code == 404


def test_the_burnout_list_shows_the_comment_to_the_psychologist_only(client, world):
    teacher = person(world.a.school, last_name="Усталова")
    with scopes_disabled():
        BurnoutNote.objects.create(
            school=world.a.school, staff=teacher, noted_on=date(2026, 1, 1), comment="Секретный комментарий"
        )
    client.force_login(world.user("a", "psychologist"))
    assert "Секретный комментарий" in client.get(reverse("programs:burnout-list")).content.decode()
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("programs:burnout-list")).content.decode()
    assert "Усталова" in html
    assert "Секретный комментарий" not in html
    client.force_login(world.user("a", "mentee"))
    assert client.get(reverse("programs:burnout-list")).status_code == 404


def test_the_psychologist_finds_a_teacher_to_mark(client, world):
    person(world.a.school, last_name="Искомова")
    client.force_login(world.user("a", "psychologist"))
    html = client.get(reverse("programs:burnout-list"), {"q": "Искомова"}).content.decode()
    assert "Искомова" in html
    assert 'data-testid="burnout-search-results"' in html


# --- Constant number of queries --------------------------------------------------------------------


def _grow_mentee_base(school: School, n: int) -> None:
    """n people in various categories, some in pairs, with assessments and burnout notes."""
    year = school_year_of()
    mentor = person(school)
    for i in range(n):
        teacher = person(
            school,
            experience_years=i % 6,
            hire_date=timezone.localdate() - timedelta(days=100 + i * 7),
            has_pedagogical_education=i % 4 != 0,
        )
        if i % 3 == 0:
            assessment(teacher, year, {"ict": 2, "legal": 3})
        if i % 5 == 0:
            with scopes_disabled():
                BurnoutNote.objects.create(school=school, staff=teacher, noted_on=date(2026, 1, 1))
        if i % 2 == 0:
            pair(mentor, teacher, status=PairStatus.ACTIVE if i % 4 == 0 else PairStatus.COMPLETED)


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?category=difficulties", "?status=needs&q=Учителева"])
def test_the_mentee_base_needs_as_many_queries_for_60_people_as_for_5(client, world, query):
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:mentee-base") + query
    _grow_mentee_base(world.a.school, 5)
    small = _queries(client, url)
    _grow_mentee_base(world.a.school, 55)
    assert _queries(client, url) <= small
