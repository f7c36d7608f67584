"""The school roadmap: the template of seven stages and its dates, statuses computed from the data,
the five phases of the model, the approval workflow, and the query count of the page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    MenteeBaseConfirmation,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorRegistry,
    PairMentee,
    PairStatus,
    RoadmapStage,
    RoadmapStatus,
    SchoolRoadmap,
    StageStatus,
)
from programs.services import roadmap as services
from schools.tenancy import school_scope
from schools.years import school_year_bounds, school_year_of
from tests.test_mentee_base import _queries, assessment, mentor_profile, pair, participant, person

YEAR = school_year_of()
SEPT_1 = school_year_bounds(YEAR)[0]


def _create(world, start: date = SEPT_1, **kwargs) -> SchoolRoadmap:
    with school_scope([world.a.school.pk]):
        return services.create_roadmap(
            school=world.a.school,
            school_year=kwargs.pop("school_year", YEAR),
            start_date=start,
            acting_user=world.user("a", "curator"),
            **kwargs,
        )


def _roadmap() -> SchoolRoadmap:
    with scopes_disabled():
        return SchoolRoadmap.objects.get()


def _stage(code: str) -> RoadmapStage:
    with scopes_disabled():
        return RoadmapStage.objects.get(code=code)


def _text(response) -> str:
    return response.content.decode()


# --- The template and its dates -------------------------------------------------------------------------------


def test_the_curator_creates_the_roadmap_from_the_template_of_seven_stages(client, world):
    client.force_login(world.user("a", "curator"))
    page = reverse("programs:roadmap")
    html = _text(client.get(page))
    assert 'data-testid="roadmap-create-form"' in html and "Создать дорожную карту" in html
    response = client.post(reverse("programs:roadmap-create"), {"school_year": YEAR, "start_date": SEPT_1})
    assert response.status_code == 302
    roadmap = _roadmap()
    assert (roadmap.school, roadmap.school_year, roadmap.status) == (
        world.a.school,
        YEAR,
        RoadmapStatus.DRAFT,
    )
    with scopes_disabled():
        stages = list(roadmap.stages.order_by("order"))
    assert [s.order for s in stages] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.code for s in stages] == [t.code for t in services.STAGES]
    assert all(s.activities and s.documents and s.responsible for s in stages)
    dates = {s.code: (s.start_date, s.end_date) for s in stages}
    sept_30, oct_1, oct_31 = date(YEAR, 9, 30), date(YEAR, 10, 1), date(YEAR, 10, 31)
    may_1, may_31 = date(YEAR + 1, 5, 1), date(YEAR + 1, 5, 31)
    assert dates == {
        services.CONDITIONS: (SEPT_1, sept_30),
        services.MENTEE_BASE: (SEPT_1, sept_30),
        services.MENTOR_BASE: (SEPT_1, sept_30),
        services.MENTOR_TRAINING: (SEPT_1, oct_31),
        services.PAIRS: (oct_1, oct_31),
        services.PAIR_WORK: (oct_1, may_31),
        services.COMPLETION: (may_1, may_31),
    }
    html = _text(client.get(page))
    assert html.count('data-testid="roadmap-stage"') == 7
    assert 'data-testid="roadmap-create-form"' not in html


def test_stage_dates_follow_the_pairs_order_and_the_end_of_the_period():
    dates = services.plan_dates(date(2026, 9, 15), date(2027, 6, 20), pairs_order=date(2026, 11, 10))
    assert dates[services.CONDITIONS] == (date(2026, 9, 15), date(2026, 10, 14))
    assert dates[services.MENTOR_TRAINING] == (date(2026, 9, 15), date(2026, 11, 14))
    assert dates[services.PAIRS] == (date(2026, 11, 10), date(2026, 12, 9))
    assert dates[services.PAIR_WORK] == (date(2026, 11, 10), date(2027, 6, 20))
    assert dates[services.COMPLETION] == (date(2027, 5, 21), date(2027, 6, 20))


def test_months_end_on_the_last_day_of_a_shorter_month():
    assert services.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert services.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert services.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert services.add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("start", "end", "order", "field"),
    [
        (date(YEAR - 1, 8, 31), None, None, "start_date"),
        (SEPT_1, date(YEAR + 1, 9, 1), None, "end_date"),
        (SEPT_1, date(YEAR, 11, 30), None, "end_date"),  # less than three months
        (date(YEAR, 10, 1), None, date(YEAR, 9, 20), "pairs_order_date"),  # before the start
        (SEPT_1, None, date(YEAR + 1, 5, 5), "pairs_order_date"),  # in the last month
    ],
)
def test_the_plan_dates_are_checked(world, start, end, order, field):
    with pytest.raises(services.RoadmapError) as error:
        _create(world, start, end_date=end, pairs_order_date=order)
    assert field in error.value.message_dict
    with scopes_disabled():
        assert not SchoolRoadmap.objects.exists()


def test_one_roadmap_per_school_year(client, world):
    _create(world)
    with pytest.raises(services.RoadmapError):
        _create(world)


@pytest.mark.parametrize(
    ("today", "years"),
    [(date(2026, 11, 23), [2026]), (date(2027, 5, 31), [2026]), (date(2027, 6, 1), [2026, 2027])],
)
def test_in_summer_the_next_school_year_may_be_planned(today, years):
    assert services.creatable_years(today) == years


# --- Computed statuses ----------------------------------------------------------------------------------------------


def _status(world, code: str, school_year: int = YEAR) -> str:
    with school_scope([world.a.school.pk]):
        signals = services.roadmap_signals(world.a.school.pk, school_year, timezone.localdate())
    return services.computed_status(code, signals)


def test_stage_2_is_done_when_the_mentee_base_of_the_year_is_confirmed(world):
    school = world.a.school
    assert _status(world, services.MENTEE_BASE) == StageStatus.NOT_STARTED
    assessment(person(school), YEAR - 1, 2)  # last year's diagnostics do not count
    assert _status(world, services.MENTEE_BASE) == StageStatus.NOT_STARTED
    assessment(person(school), YEAR, 2)
    assert _status(world, services.MENTEE_BASE) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(school=school, school_year=YEAR - 1, people_count=3)
    assert _status(world, services.MENTEE_BASE) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(school=world.b.school, school_year=YEAR, people_count=3)
    assert _status(world, services.MENTEE_BASE) == StageStatus.IN_PROGRESS  # another school's
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(school=school, school_year=YEAR, people_count=3)
    assert _status(world, services.MENTEE_BASE) == StageStatus.DONE


def test_stage_3_is_done_when_the_mentor_registry_of_the_year_is_approved(world):
    school = world.a.school
    assert _status(world, services.MENTOR_BASE) == StageStatus.NOT_STARTED
    mentor_profile(person(world.b.school))  # another school's mentor
    assert _status(world, services.MENTOR_BASE) == StageStatus.NOT_STARTED
    mentor_profile(person(school))
    assert _status(world, services.MENTOR_BASE) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MentorRegistry.objects.create(
            school=school, school_year=YEAR - 1, status=MentorRegistry.Status.APPROVED
        )
        registry = MentorRegistry.objects.create(
            school=school, school_year=YEAR, status=MentorRegistry.Status.SUBMITTED
        )
    assert _status(world, services.MENTOR_BASE) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MentorRegistry.objects.filter(pk=registry.pk).update(status=MentorRegistry.Status.APPROVED)
    assert _status(world, services.MENTOR_BASE) == StageStatus.DONE


def test_stage_5_needs_nobody_waiting_and_every_open_pair_fixed(world):
    school = world.a.school
    assert _status(world, services.PAIRS) == StageStatus.NOT_STARTED
    young, other_young = person(school, experience_years=1), person(school, experience_years=0)
    draft = pair(person(school), young, status=PairStatus.DRAFT)
    assert _status(world, services.PAIRS) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MentoringPair.objects.filter(pk=draft.pk).update(status=PairStatus.FIXED)
    # One pair is fixed, but another young specialist still waits for a mentor.
    assert _status(world, services.PAIRS) == StageStatus.IN_PROGRESS
    pair(person(school), other_young, status=PairStatus.ACTIVE)
    assert _status(world, services.PAIRS) == StageStatus.DONE
    # A pair with consents collected but no order yet keeps the stage open.
    consents = pair(person(school), person(school), status=PairStatus.CONSENTS)
    assert _status(world, services.PAIRS) == StageStatus.IN_PROGRESS
    with scopes_disabled():
        MentoringPair.objects.filter(pk=consents.pk).update(status=PairStatus.FIXED)
    assert _status(world, services.PAIRS) == StageStatus.DONE


def test_stage_5_is_not_done_without_any_pair_even_when_nobody_waits(world):
    person(world.a.school)  # in no mentee category
    with school_scope([world.a.school.pk]):
        signals = services.roadmap_signals(world.a.school.pk, YEAR)
    assert signals.needs_mentor == 0 and signals.pairs == 0
    assert services.computed_status(services.PAIRS, signals) == StageStatus.NOT_STARTED


def test_the_mentee_base_is_not_judged_for_another_school_year(world):
    person(world.a.school, experience_years=1)  # waits for a mentor today
    with school_scope([world.a.school.pk]):
        assert services.roadmap_signals(world.a.school.pk, YEAR).needs_mentor == 1
        assert services.roadmap_signals(world.a.school.pk, YEAR - 1).needs_mentor is None


def _dated_pair(school, *, start: date, end: date | None, status: str) -> MentoringPair:
    with scopes_disabled():
        created = MentoringPair.objects.create(
            school=school,
            mentor=participant(person(school)),
            form=MentoringForm.objects.get(code="teacher-teacher"),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=start,
            planned_end_date=start + timedelta(days=270),
            status=status,
            ended_on=end,
        )
        PairMentee.objects.create(pair=created, mentee=participant(person(school)))
        return created


def test_stage_6_runs_while_a_pair_works_and_is_done_when_only_completed_ones_remain(world):
    school = world.a.school
    assert _status(world, services.PAIR_WORK) == StageStatus.NOT_STARTED
    # Completed before this school year began: not this year's work.
    _dated_pair(school, start=date(YEAR - 1, 9, 10), end=date(YEAR, 8, 31), status=PairStatus.COMPLETED)
    assert _status(world, services.PAIR_WORK) == StageStatus.NOT_STARTED
    fixed = pair(person(school), person(school), status=PairStatus.FIXED)
    assert _status(world, services.PAIR_WORK) == StageStatus.NOT_STARTED
    with scopes_disabled():
        MentoringPair.objects.filter(pk=fixed.pk).update(status=PairStatus.ACTIVE)
    assert _status(world, services.PAIR_WORK) == StageStatus.IN_PROGRESS
    # Completed on the first day of this school year: it counts.
    _dated_pair(school, start=date(YEAR - 1, 9, 10), end=SEPT_1, status=PairStatus.COMPLETED)
    assert _status(world, services.PAIR_WORK) == StageStatus.IN_PROGRESS  # one still works
    with scopes_disabled():
        MentoringPair.objects.filter(pk=fixed.pk).update(
            status=PairStatus.COMPLETED, ended_on=timezone.localdate()
        )
    assert _status(world, services.PAIR_WORK) == StageStatus.DONE


def test_pairs_starting_after_the_school_year_do_not_count(world):
    _dated_pair(world.a.school, start=date(YEAR + 1, 9, 1), end=None, status=PairStatus.ACTIVE)
    assert _status(world, services.PAIR_WORK) == StageStatus.NOT_STARTED


# --- Phases -------------------------------------------------------------------------------------------------------


def _views(statuses: dict[str, str]) -> list[services.StageView]:
    dates = services.plan_dates(SEPT_1, date(YEAR + 1, 5, 31))
    return [
        services.StageView(
            RoadmapStage(code=t.code, order=i, start_date=dates[t.code][0], end_date=dates[t.code][1]),
            statuses.get(t.code, StageStatus.NOT_STARTED),
            t.computed,
            "",
        )
        for i, t in enumerate(services.STAGES, 1)
    ]


def _signals(**overrides) -> services.Signals:
    values = dict(
        mentee_base_confirmed=False,
        diagnostics_filled=False,
        registry_approved=False,
        registry_exists=False,
        has_mentors=False,
        needs_mentor=0,
        pairs=0,
        unfixed=0,
        fixed_or_active=0,
        active=0,
        completed=0,
    )
    values.update(overrides)
    return services.Signals(**values)


DONE, IN_PROGRESS = StageStatus.DONE, StageStatus.IN_PROGRESS
FIRST_THREE = {services.CONDITIONS: DONE, services.MENTEE_BASE: DONE, services.MENTOR_BASE: DONE}
OCTOBER = date(YEAR, 10, 15)


@pytest.mark.parametrize(
    ("statuses", "signals", "today", "phase"),
    [
        ({}, {}, OCTOBER, "preparatory"),
        ({services.CONDITIONS: DONE, services.MENTEE_BASE: DONE}, {}, OCTOBER, "preparatory"),
        (FIRST_THREE, {}, OCTOBER, "design"),
        ({**FIRST_THREE, services.MENTOR_TRAINING: DONE}, {"pairs": 2, "unfixed": 2}, OCTOBER, "design"),
        (FIRST_THREE, {"pairs": 1, "fixed_or_active": 1}, OCTOBER, "realisation"),
        ({}, {"pairs": 1, "fixed_or_active": 1}, OCTOBER, "realisation"),  # real pairs outrank paperwork
        (FIRST_THREE, {"fixed_or_active": 1}, date(YEAR + 1, 4, 30), "realisation"),
        (FIRST_THREE, {"fixed_or_active": 1}, date(YEAR + 1, 5, 1), "reflective"),  # the last month
        ({services.COMPLETION: IN_PROGRESS}, {"fixed_or_active": 1}, OCTOBER, "reflective"),
        ({services.COMPLETION: DONE}, {"fixed_or_active": 1}, date(YEAR + 1, 5, 20), "resultative"),
    ],
)
def test_the_phase_of_the_model(statuses, signals, today, phase):
    assert services.current_phase(_views(statuses), _signals(**signals), today).code == phase


# --- The page -------------------------------------------------------------------------------------------------


def test_the_page_tells_computed_statuses_from_manual_marks(client, world):
    _create(world)
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(school=world.a.school, school_year=YEAR, people_count=0)
    client.force_login(world.user("a", "curator"))
    html = _text(client.get(reverse("programs:roadmap")))
    assert html.count("по данным системы</span>") == 4
    assert html.count("отмечается вручную</span>") == 3
    assert "Отмечается вручную, пока в системе нет итоговых анкет и отчёта." in html
    assert 'data-status="done"' in html  # stage 2, from the confirmation
    assert html.count('data-testid="stage-mark"') == 3  # manual stages only
    assert 'data-testid="roadmap-phase-label">подготовительный<' in html


def test_manual_marks_change_manual_stages_only(client, world):
    _create(world)
    client.force_login(world.user("a", "curator"))
    client.post(
        reverse("programs:roadmap-stage-mark", kwargs={"pk": _stage(services.CONDITIONS).pk}),
        {"status": "done"},
    )
    assert _stage(services.CONDITIONS).manual_status == StageStatus.DONE
    response = client.post(
        reverse("programs:roadmap-stage-mark", kwargs={"pk": _stage(services.MENTEE_BASE).pk}),
        {"status": "done"},
        follow=True,
    )
    assert "определяется по данным системы" in _text(response)
    assert _stage(services.MENTEE_BASE).manual_status == StageStatus.NOT_STARTED


def test_the_curator_edits_a_stage_within_the_school_year(client, world):
    _create(world)
    stage = _stage(services.MENTOR_TRAINING)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:roadmap-stage-edit", kwargs={"pk": stage.pk})
    data = {
        "start_date": date(YEAR, 9, 15),
        "end_date": date(YEAR, 11, 30),
        "activities": "Школа наставников",
        "documents": "Приказ",
        "responsible": "заместитель директора",
    }
    assert "Окончание этапа не может быть раньше начала" in _text(
        client.post(url, {**data, "end_date": date(YEAR, 9, 1)})
    )
    assert "укладываться в" in _text(client.post(url, {**data, "end_date": date(YEAR + 1, 9, 1)}))
    assert client.post(url, data).status_code == 302
    stage = _stage(services.MENTOR_TRAINING)
    assert (stage.start_date, stage.end_date, stage.activities, stage.responsible) == (
        date(YEAR, 9, 15),
        date(YEAR, 11, 30),
        "Школа наставников",
        "заместитель директора",
    )


# --- Approval ----------------------------------------------------------------------------------------------------


def test_the_approval_workflow(client, world):
    curator, director = world.user("a", "curator"), world.user("a", "director")
    _create(world)
    roadmap = _roadmap()
    submit = reverse("programs:roadmap-submit", kwargs={"pk": roadmap.pk})
    decide = reverse("programs:roadmap-decide", kwargs={"pk": roadmap.pk})
    stage = _stage(services.CONDITIONS)
    edit = reverse("programs:roadmap-stage-edit", kwargs={"pk": stage.pk})
    page = reverse("programs:roadmap")

    client.force_login(curator)
    assert client.post(decide, {"decision": "approve"}).status_code == 404  # only the director decides
    client.post(submit)
    assert _roadmap().status == RoadmapStatus.SUBMITTED and _roadmap().submitted_at is not None
    # While submitted, the stages are frozen and the director has the decision form.
    response = client.post(edit, {"start_date": SEPT_1, "end_date": date(YEAR, 9, 20), "activities": "Иное"})
    assert response.status_code == 302 and _stage(services.CONDITIONS).activities != "Иное"
    assert client.post(decide, {"decision": "approve"}).status_code == 404

    client.force_login(director)
    assert 'data-testid="roadmap-decision"' in _text(client.get(page))
    assert client.post(submit).status_code == 404
    assert client.get(edit).status_code == 404
    response = client.post(decide, {"decision": "return", "comment": "  "})
    assert response.status_code == 200 and "без комментария дорожную карту не вернуть" in _text(response)
    client.post(decide, {"decision": "return", "comment": "Уточните сроки обучения"})
    roadmap = _roadmap()
    assert roadmap.status == RoadmapStatus.RETURNED and roadmap.decided_by == director
    assert roadmap.director_comment == "Уточните сроки обучения"

    client.force_login(curator)
    assert "Уточните сроки обучения" in _text(client.get(page))
    data = {"start_date": SEPT_1, "end_date": date(YEAR, 9, 20), "activities": "Педсовет", "documents": ""}
    assert client.post(edit, data).status_code == 302
    client.post(submit)
    client.force_login(director)
    client.post(decide, {"decision": "approve"})
    roadmap = _roadmap()
    assert roadmap.status == RoadmapStatus.APPROVED and roadmap.decided_at is not None

    # Approved is read-only: no edits, no second submission; the page explains the new version.
    client.force_login(curator)
    html = _text(client.get(page))
    assert 'data-testid="roadmap-locked"' in html and "новая версия дорожной карты" in html
    assert "Изменить этап" not in html and 'data-testid="roadmap-submit"' not in html
    client.post(edit, {**data, "activities": "После утверждения"})
    assert _stage(services.CONDITIONS).activities == "Педсовет"
    client.post(submit)
    assert _roadmap().status == RoadmapStatus.APPROVED
    client.force_login(director)
    client.post(decide, {"decision": "return", "comment": "ещё раз"})
    assert _roadmap().status == RoadmapStatus.APPROVED
    # Marks of execution still work: they report what happened, not change the plan.
    client.force_login(curator)
    client.post(reverse("programs:roadmap-stage-mark", kwargs={"pk": stage.pk}), {"status": "in_progress"})
    assert _stage(services.CONDITIONS).manual_status == StageStatus.IN_PROGRESS


@pytest.mark.parametrize("role", ["director", "psychologist", "mentor", "mentee"])
def test_only_the_curator_creates_edits_and_marks(client, world, role):
    _create(world)
    client.force_login(world.user("a", role))
    stage = _stage(services.CONDITIONS)
    assert client.post(reverse("programs:roadmap-create"), {"start_date": SEPT_1}).status_code == 404
    assert client.get(reverse("programs:roadmap-stage-edit", kwargs={"pk": stage.pk})).status_code == 404
    assert (
        client.post(
            reverse("programs:roadmap-stage-mark", kwargs={"pk": stage.pk}), {"status": "done"}
        ).status_code
        == 404
    )
    expected = 200 if role == "director" else 404
    assert client.get(reverse("programs:roadmap")).status_code == expected


def test_another_schools_director_cannot_decide(client, world):
    _create(world)
    roadmap = _roadmap()
    with scopes_disabled():
        SchoolRoadmap.objects.filter(pk=roadmap.pk).update(status=RoadmapStatus.SUBMITTED)
    client.force_login(world.user("b", "director"))
    response = client.post(
        reverse("programs:roadmap-decide", kwargs={"pk": roadmap.pk}), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert _roadmap().status == RoadmapStatus.SUBMITTED


# --- Queries -------------------------------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    school = world.a.school
    for i in range(n):
        mentor = person(school)
        mentor_profile(mentor)
        statuses = [PairStatus.DRAFT, PairStatus.FIXED, PairStatus.ACTIVE, PairStatus.COMPLETED]
        pair(mentor, person(school, experience_years=1), status=statuses[i % 4])
        assessment(person(school, experience_years=2), YEAR, 2)


def test_the_roadmap_page_needs_as_many_queries_with_much_data_as_with_little(client, world):
    _create(world)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:roadmap")
    _grow(world, 2)
    small = _queries(client, url)
    _grow(world, 20)
    with scopes_disabled():
        MenteeBaseConfirmation.objects.create(school=world.a.school, school_year=YEAR, people_count=3)
    assert _queries(client, url) <= small
