"""Personalised programs: the template library, the 3–12 month rule, the lifecycle, corrections and
extensions by mutual consent, suggestions from diagnostics, progress, evidence, reports, best
practice, who sees what, and a list whose query count does not grow with the programs.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    ActivityType,
    AssessmentSource,
    ChangeKind,
    DifficultyArea,
    EndReason,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramChange,
    ProgramStatus,
    ProgramTemplate,
    ResponsibleRole,
)
from programs.services import pairs as pairs_service
from programs.services import programs as service
from programs.services.diagnostics import save_assessment
from programs.services.participants import participant_for
from programs.services.programs import ActivityData, ProgramError
from schools.models import Role
from tests import programs_factories as f
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.test_pairs_views import advance, make_pair, mentee_user_participant, mentor_user_participant

TODAY = timezone.localdate()
# The program runs now: it started two months ago and lasts nine months.
START = TODAY.replace(day=1) - relativedelta(months=2)
END = START + relativedelta(months=9) - timedelta(days=1)


# --- Builders ------------------------------------------------------------------------------------


def own_pair(world, place: str = "a") -> MentoringPair:
    """The place's mentor user mentors its marker person (whose account is the mentee user)."""
    return make_pair(
        world,
        place=place,
        mentor=mentor_user_participant(world, place),
        mentees=[mentee_user_participant(world, place)],
    )


def line(title: str = "Посещение урока", due: date | None = None, **kwargs) -> ActivityData:
    return ActivityData(
        title=title,
        activity_type=kwargs.get("activity_type", ActivityType.LESSON_VISIT),
        due_date=due or START + timedelta(days=14),
        responsible=kwargs.get("responsible", ResponsibleRole.MENTOR),
        area=kwargs.get("area"),
    )


def make_program(
    world,
    pair: MentoringPair | None = None,
    *,
    status: str = ProgramStatus.DRAFT,
    activities: int = 2,
    place: str = "a",
) -> PersonalizedProgram:
    """A program of the pair moved along the lifecycle with the services (draft → … → ``status``)."""
    pair = pair or own_pair(world, place)
    curator = getattr(world, place).users["curator"]
    with scopes_disabled():
        program = service.create_program(
            pair=pair,
            title="Программа адаптации",
            goal="Освоиться в профессии",
            expected_results="Открытый урок",
            directions="",
            start_date=START,
            end_date=END,
            acting_user=curator,
        )
        service.correct_plan(
            program,
            acting_user=curator,
            add=[line(f"Мероприятие {i}", START + timedelta(days=10 * i)) for i in range(1, activities + 1)],
        )
        if status == ProgramStatus.DRAFT:
            return program
        service.approve(program, acting_user=curator)
        if status == ProgramStatus.APPROVED:
            return program
    if pair.status not in (PairStatus.FIXED, PairStatus.ACTIVE):
        advance(world, pair, PairStatus.ACTIVE, place=place)
    with scopes_disabled():
        service.start(program, acting_user=curator)
        if status == ProgramStatus.COMPLETED:
            for activity in PlanActivity.objects.filter(program=program):
                service.set_activity_status(activity, status=ActivityStatus.DONE, acting_user=curator)
            service.complete(program, acting_user=curator)
        program.refresh_from_db()
    return program


def reload(program: PersonalizedProgram) -> PersonalizedProgram:
    with scopes_disabled():
        return PersonalizedProgram.objects.get(pk=program.pk)


def activities_of(program: PersonalizedProgram) -> list[PlanActivity]:
    with scopes_disabled():
        return list(PlanActivity.objects.filter(program=program).order_by("due_date", "order", "pk"))


def html(response) -> str:
    return response.content.decode()


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def curator(client, world):
    client.force_login(world.a.users["curator"])
    return client


# --- The template library ------------------------------------------------------------------------


def test_the_library_has_at_least_six_complete_templates_for_real_situations(db):
    templates = list(ProgramTemplate.objects.filter(is_active=True).prefetch_related("activities"))
    assert len(templates) >= 6
    codes = {t.code for t in templates}
    assert {
        "young-specialist-first-year",
        "digital-tools",
        "communication-difficulties",
        "subject-novice",
        "student-underachiever",
        "reverse-digital",
    } <= codes
    area_codes = set(DifficultyArea.objects.values_list("code", flat=True))
    for template in templates:
        assert 3 <= template.duration_months <= 12, template.code
        assert template.situation and template.goal and template.expected_results, template.code
        assert template.role_model_id is not None, template.code
        items = list(template.activities.all())
        assert 8 <= len(items) <= 14, template.code
        for item in items:
            assert 1 <= item.month <= template.duration_months, (template.code, item.title)
            assert item.area is not None and item.area.code in area_codes
            assert item.expected_product
    student = ProgramTemplate.objects.get(code="student-underachiever")
    assert student.form.code == "student-student" and student.role_model.code == "achiever-underachiever"
    assert ProgramTemplate.objects.get(code="young-specialist-first-year").duration_months == 9


def test_the_platform_administrator_edits_templates_with_their_activities(client, world):
    client.force_login(world.admin)
    template = ProgramTemplate.objects.get(code="digital-tools")
    page = html(client.get(reverse("admin:programs_programtemplate_change", args=[template.pk])))
    assert "Онлайн-тест по теме урока" in page


# --- The period: 3 to 12 months ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "ok"),
    [
        (date(2026, 11, 1), False),  # 2 months
        (date(2026, 11, 30), True),  # 3 months, the end day included
        (date(2027, 5, 31), True),
        (date(2027, 9, 1), True),  # 12 months
        (date(2027, 10, 1), False),  # 13 months
    ],
)
def test_the_period_is_three_to_twelve_months(world, end, ok):
    pair = own_pair(world)
    kwargs = dict(
        pair=pair,
        title="Программа",
        goal="Цель",
        expected_results="Результаты",
        directions="",
        start_date=date(2026, 9, 1),
        end_date=end,
        acting_user=world.a.users["curator"],
    )
    with scopes_disabled():
        if ok:
            assert service.create_program(**kwargs).status == ProgramStatus.DRAFT
        else:
            with pytest.raises(ProgramError) as caught:
                service.create_program(**kwargs)
            months = (
                relativedelta(end, date(2026, 9, 1)).months + 12 * relativedelta(end, date(2026, 9, 1)).years
            )
            assert caught.value.message_dict["end_date"] == [
                f"Срок программы — от 3 до 12 месяцев (сейчас: {months} мес.)."
            ]


def test_a_two_month_program_is_refused_on_the_form_with_the_message(curator, world):
    pair = own_pair(world)
    response = curator.post(
        reverse("programs:program-create-blank", kwargs={"pair_pk": pair.pk}),
        {
            "title": "Короткая",
            "goal": "Цель",
            "expected_results": "Результат",
            "start_date": "2026-09-01",
            "end_date": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert "Срок программы — от 3 до 12 месяцев (сейчас: 2 мес.)" in html(response)
    with scopes_disabled():
        assert not PersonalizedProgram.objects.filter(pair=pair).exists()


def test_a_blank_program_is_created_from_the_form_and_one_pair_has_one_program(curator, world):
    pair = own_pair(world)
    data = {
        "title": "Своя программа",
        "goal": "Цель",
        "expected_results": "Результат",
        "start_date": "2026-09-01",
        "end_date": "2027-05-31",
    }
    response = curator.post(reverse("programs:program-create-blank", kwargs={"pair_pk": pair.pk}), data)
    with scopes_disabled():
        program = PersonalizedProgram.objects.get(pair=pair)
        assert program.created_by == world.a.users["curator"]
        assert ProgramChange.objects.filter(program=program, kind=ChangeKind.STATUS).count() == 1
    assert response["Location"] == reverse("programs:program-plan", kwargs={"pk": program.pk})
    again = curator.get(reverse("programs:program-create", kwargs={"pair_pk": pair.pk}))
    assert again["Location"] == reverse("programs:program-detail", kwargs={"pk": program.pk})
    with scopes_disabled(), pytest.raises(ProgramError, match="уже есть программа"):
        service.create_program(
            pair=pair,
            acting_user=world.a.users["curator"],
            directions="",
            **{k: data[k] for k in ("title", "goal", "expected_results")},
            start_date=date(2026, 9, 1),
            end_date=date(2027, 5, 31),
        )


def test_a_finished_pair_gets_no_program(world):
    pair = own_pair(world)
    with scopes_disabled():
        MentoringPair.objects.filter(pk=pair.pk).update(status=PairStatus.COMPLETED)
        with pytest.raises(ProgramError, match="Пара завершила работу"):
            service.create_program(
                pair=pair,
                title="П",
                goal="Ц",
                expected_results="Р",
                directions="",
                start_date=START,
                end_date=END,
                acting_user=world.a.users["curator"],
            )


def test_a_mentor_cannot_create_or_approve_a_program_even_by_calling_the_service(world):
    pair = own_pair(world)
    with scopes_disabled(), pytest.raises(ProgramError, match="куратор или руководитель"):
        service.create_program(
            pair=pair,
            title="П",
            goal="Ц",
            expected_results="Р",
            directions="",
            start_date=START,
            end_date=END,
            acting_user=world.a.users["mentor"],
        )
    program = make_program(world, pair)
    with scopes_disabled(), pytest.raises(ProgramError, match="Утвердить программу может"):
        service.approve(program, acting_user=world.a.users["mentor"])


# --- Creating from a template, with suggestions from diagnostics ---------------------------------


def _diagnostics(world, levels: dict[str, int], year: int) -> None:
    areas = {a.code: a for a in DifficultyArea.objects.all()}
    with scopes_disabled():
        save_assessment(
            staff=world.a.staff,
            school_year=year,
            levels={areas[code].pk: level for code, level in levels.items()},
            source=AssessmentSource.SELF,
            acting_user=world.a.users["mentee"],
        )


def test_creating_from_a_template_copies_the_plan_with_due_dates_in_the_middle_of_each_month(world):
    pair = own_pair(world)
    template = ProgramTemplate.objects.get(code="young-specialist-first-year")
    with scopes_disabled():
        program = service.create_from_template(
            pair=pair, template=template, start_date=date(2026, 9, 1), acting_user=world.a.users["curator"]
        )
    assert program.template == template
    assert (program.start_date, program.end_date) == (date(2026, 9, 1), date(2027, 5, 31))
    assert program.goal == template.goal and program.expected_results == template.expected_results
    plan = activities_of(program)
    source = list(template.activities.order_by("month", "order"))
    assert len(plan) == len(source) == 13
    assert [a.title for a in plan] == [s.title for s in source]
    assert plan[0].due_date == date(2026, 9, 15)
    assert plan[-1].due_date == date(2027, 5, 15)  # the 9th month
    assert plan[-1].area.code == "scientific" and plan[-1].responsible == ResponsibleRole.BOTH
    assert plan[0].evidence_note == source[0].expected_product
    assert all(a.status == ActivityStatus.PLANNED for a in plan)


def test_suggestions_cover_the_largest_deficits_of_the_latest_diagnostics_not_in_the_template(world):
    pair = own_pair(world)
    template = ProgramTemplate.objects.get(code="young-specialist-first-year")  # no ict, digital, upbringing
    _diagnostics(world, {"upbringing": 3, "health": 3}, year=2024)  # older: not considered
    _diagnostics(world, {"ict": 2, "digital": 3, "methodical": 3, "upbringing": 1, "legal": 0}, year=2026)

    with scopes_disabled():
        suggestions = service.suggest_activities(pair, template)

    assert [s.area.code for s in suggestions] == ["digital", "digital", "ict", "ict"]
    assert [s.checked for s in suggestions] == [True, True, False, False]
    assert suggestions[0].people == (world.a.staff.full_name,)
    assert all(s.month <= template.duration_months for s in suggestions)

    with scopes_disabled():
        program = service.create_from_template(
            pair=pair,
            template=template,
            start_date=date(2026, 9, 1),
            acting_user=world.a.users["curator"],
            suggestions=[s for s in suggestions if s.checked],
        )
    plan = activities_of(program)
    assert len(plan) == 13 + 2
    added = [a for a in plan if a.area and a.area.code == "digital"]
    assert {a.title for a in added} == {s.title for s in suggestions[:2]}


def test_the_template_page_offers_the_suggestions_checked_for_significant_difficulties(curator, world):
    pair = own_pair(world)
    template = ProgramTemplate.objects.get(code="young-specialist-first-year")
    _diagnostics(world, {"ict": 2, "digital": 3}, year=2026)
    url = reverse(
        "programs:program-create-from-template", kwargs={"pair_pk": pair.pk, "template_pk": template.pk}
    )

    page = html(curator.get(url))
    assert template.situation in page
    assert 'value="digital-0" id="suggestion-digital-0" checked' in page
    assert 'value="ict-0" id="suggestion-ict-0">' in page

    response = curator.post(url, {"start_date": "2026-09-01", "suggestions": ["digital-0", "ict-1"]})
    with scopes_disabled():
        program = PersonalizedProgram.objects.get(pair=pair)
    assert response["Location"] == reverse("programs:program-detail", kwargs={"pk": program.pk})
    assert len(activities_of(program)) == 15


def test_the_creation_page_shows_the_library_with_situations_matching_forms_first(curator, world):
    pair = own_pair(world)
    page = html(curator.get(reverse("programs:program-create", kwargs={"pair_pk": pair.pk})))
    young = ProgramTemplate.objects.get(code="young-specialist-first-year")
    student = ProgramTemplate.objects.get(code="student-underachiever")
    assert young.situation in page and student.situation in page
    assert (
        page.index(young.title)
        < page.index("Шаблоны для других форм наставничества")
        < page.index(student.title)
    )


# --- Lifecycle -----------------------------------------------------------------------------------


def test_approval_needs_a_plan_and_records_who_approved(world):
    pair = own_pair(world)
    curator_user = world.a.users["curator"]
    with scopes_disabled():
        empty = service.create_program(
            pair=pair,
            title="П",
            goal="Ц",
            expected_results="Р",
            directions="",
            start_date=START,
            end_date=END,
            acting_user=curator_user,
        )
        with pytest.raises(ProgramError, match="нет ни одного мероприятия"):
            service.approve(empty, acting_user=curator_user)
        service.correct_plan(empty, acting_user=curator_user, add=[line()])
        approved = service.approve(empty, acting_user=curator_user)
        assert approved.approved_by == curator_user and approved.approved_at is not None
        assert ProgramChange.objects.filter(program=empty, kind=ChangeKind.STATUS).count() == 2


def test_the_program_starts_only_when_the_pair_is_fixed_by_order(world):
    program = make_program(world, status=ProgramStatus.APPROVED)
    with scopes_disabled(), pytest.raises(ProgramError, match="пара закреплена приказом"):
        service.start(program, acting_user=world.a.users["curator"])
    advance(world, program.pair, PairStatus.FIXED)
    with scopes_disabled():
        assert (
            service.start(program, acting_user=world.a.users["curator"]).status == ProgramStatus.IN_PROGRESS
        )


def test_completion_needs_every_activity_done_or_cancelled_and_names_how_many_are_left(world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=3)
    curator_user = world.a.users["curator"]
    first, second, third = activities_of(program)
    with scopes_disabled():
        service.set_activity_status(first, status=ActivityStatus.DONE, acting_user=curator_user)
        with pytest.raises(ProgramError) as caught:
            service.complete(program, acting_user=curator_user)
        assert "не выполнено мероприятий плана — 2" in caught.value.messages[0]
        service.set_activity_status(second, status=ActivityStatus.DONE, acting_user=curator_user)
        service.correct_plan(
            program,
            acting_user=curator_user,
            reason="Перенесено на следующий год",
            agreed_by_both=True,
            remove=[third.pk],
        )
        done = service.complete(program, acting_user=curator_user)
    assert done.status == ProgramStatus.COMPLETED and done.ended_on == TODAY


def test_ending_early_needs_a_reason_and_a_comment_for_other(world):
    program = make_program(world, status=ProgramStatus.APPROVED)
    curator_user = world.a.users["curator"]
    with scopes_disabled():
        with pytest.raises(ProgramError) as caught:
            service.end_early(program, reason="", acting_user=curator_user)
        assert caught.value.message_dict == {"end_reason": ["Укажите причину досрочного прекращения."]}
        with pytest.raises(ProgramError) as caught:
            service.end_early(program, reason=EndReason.OTHER, acting_user=curator_user, comment=" ")
        assert "end_comment" in caught.value.message_dict
        ended = service.end_early(program, reason=EndReason.MOVED, acting_user=curator_user)
        assert ended.status == ProgramStatus.ENDED_EARLY and ended.end_reason == EndReason.MOVED
        last = ProgramChange.objects.filter(program=program).last()
        assert last.kind == ChangeKind.STATUS and "переезд" in last.description


def test_ending_early_on_the_page_without_a_reason_shows_the_error(curator, world):
    program = make_program(world)
    url = reverse("programs:program-end", kwargs={"pk": program.pk})
    response = curator.post(url, {"end_reason": "other", "ended_on": TODAY.isoformat(), "end_comment": ""})
    assert "Для причины «другое» опишите её в комментарии." in html(response)
    assert reload(program).status == ProgramStatus.DRAFT


# --- Corrections and extensions ------------------------------------------------------------------


def test_a_draft_plan_is_edited_freely_and_nothing_is_recorded(world):
    program = make_program(world, activities=2)
    curator_user = world.a.users["curator"]
    first, second = activities_of(program)
    with scopes_disabled():
        service.correct_plan(
            program,
            acting_user=curator_user,
            add=[line("Новое")],
            edit={first.pk: line("Первое, изменённое", first.due_date)},
            remove=[second.pk],
        )
        assert not ProgramChange.objects.filter(program=program, kind=ChangeKind.CORRECTION).exists()
    assert sorted(a.title for a in activities_of(program)) == ["Новое", "Первое, изменённое"]


def test_after_approval_a_correction_needs_a_reason_and_mutual_consent_and_is_recorded(world):
    program = make_program(world, status=ProgramStatus.APPROVED, activities=2)
    curator_user = world.a.users["curator"]
    first, second = activities_of(program)
    with scopes_disabled():
        with pytest.raises(ProgramError) as caught:
            service.correct_plan(program, acting_user=curator_user, add=[line("Новое")])
        assert set(caught.value.message_dict) == {"reason", "agreed_by_both"}
        service.correct_plan(
            program,
            acting_user=curator_user,
            reason="Наставляемый ушёл на курсы",
            agreed_by_both=True,
            add=[line("Новое")],
            edit={first.pk: line(first.title, first.due_date + timedelta(days=7))},
            remove=[second.pk],
        )
        change = ProgramChange.objects.get(program=program, kind=ChangeKind.CORRECTION)
    assert change.agreed_by_both and change.reason == "Наставляемый ушёл на курсы"
    assert (
        "Добавлено" in change.description
        and "Изменено" in change.description
        and "Отменено" in change.description
    )
    statuses = {a.title: a.status for a in activities_of(program)}
    assert statuses[second.title] == ActivityStatus.CANCELLED  # kept in the plan, cancelled


def test_an_activity_outside_the_program_period_is_refused(world):
    program = make_program(world)
    with scopes_disabled(), pytest.raises(ProgramError, match="вне срока программы"):
        service.correct_plan(
            program, acting_user=world.a.users["curator"], add=[line("Поздно", END + timedelta(days=1))]
        )


def test_a_completed_program_cannot_be_edited_without_an_extension_record(world):
    program = make_program(world, status=ProgramStatus.COMPLETED, activities=2)
    curator_user = world.a.users["curator"]
    message = "Программа выполнена: изменения возможны только через продление срока."
    first = activities_of(program)[0]
    with scopes_disabled():
        with pytest.raises(ProgramError) as caught:
            service.correct_plan(
                program, acting_user=curator_user, reason="—", agreed_by_both=True, add=[line()]
            )
        assert caught.value.messages == [message]
        with pytest.raises(ProgramError, match=message):
            service.set_activity_status(first, status=ActivityStatus.PLANNED, acting_user=curator_user)
        with pytest.raises(ProgramError, match=message):
            service.update_program(
                program,
                title="Другое",
                goal="Ц",
                expected_results="Р",
                directions="",
                start_date=START,
                end_date=END,
                acting_user=curator_user,
            )

        reopened = service.extend(
            program,
            new_end_date=END + relativedelta(months=1),
            reason="Не успели открытый урок",
            agreed_by_both=True,
            acting_user=curator_user,
        )
        assert reopened.status == ProgramStatus.IN_PROGRESS and reopened.ended_on is None
        kinds = list(ProgramChange.objects.filter(program=program).values_list("kind", flat=True))
        assert kinds[-2:] == [ChangeKind.EXTENSION, ChangeKind.STATUS]
        service.correct_plan(
            program,
            acting_user=curator_user,
            reason="Открытый урок",
            agreed_by_both=True,
            add=[line("Открытый урок")],
        )


def test_the_plan_page_of_a_completed_program_says_so(curator, world):
    program = make_program(world, status=ProgramStatus.COMPLETED, activities=1)
    page = html(curator.get(reverse("programs:program-plan", kwargs={"pk": program.pk})))
    assert "Программа выполнена: изменения возможны только через продление срока." in page
    assert 'data-testid="plan-form"' not in page


def test_an_extension_needs_mutual_consent_a_reason_and_a_later_date_and_may_pass_twelve_months(world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    curator_user = world.a.users["curator"]
    with scopes_disabled():
        with pytest.raises(ProgramError) as caught:
            service.extend(
                program,
                new_end_date=END + timedelta(days=30),
                reason="Болезнь",
                agreed_by_both=False,
                acting_user=curator_user,
            )
        assert caught.value.message_dict["agreed_by_both"] == [
            "Срок продлевается только по взаимному согласию наставника и наставляемого: подтвердите согласие."
        ]
        with pytest.raises(ProgramError) as caught:
            service.extend(
                program, new_end_date=END, reason="", agreed_by_both=True, acting_user=curator_user
            )
        assert set(caught.value.message_dict) == {"reason", "new_end_date"}
        beyond = START + relativedelta(months=14)
        service.extend(
            program, new_end_date=beyond, reason="Болезнь", agreed_by_both=True, acting_user=curator_user
        )
        change = ProgramChange.objects.get(program=program, kind=ChangeKind.EXTENSION)
    assert (change.old_end_date, change.new_end_date, change.agreed_by_both) == (END, beyond, True)
    assert reload(program).end_date == beyond


def test_the_extension_page_without_consent_shows_the_message(curator, world):
    program = make_program(world, status=ProgramStatus.APPROVED)
    response = curator.post(
        reverse("programs:program-extend", kwargs={"pk": program.pk}),
        {"new_end_date": (END + timedelta(days=30)).isoformat(), "reason": "Болезнь"},
    )
    assert "только по взаимному согласию" in html(response)
    assert reload(program).end_date == END


def test_the_correction_page_records_a_cancellation_with_reason(curator, world):
    program = make_program(world, status=ProgramStatus.APPROVED, activities=2)
    first, second = activities_of(program)
    data = {
        "plan-TOTAL_FORMS": "5",
        "plan-INITIAL_FORMS": "2",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "60",
        "reason": "Сменилась нагрузка",
        "agreed_by_both": "on",
    }
    for i, a in enumerate([first, second]):
        data.update(
            {
                f"plan-{i}-activity_id": a.pk,
                f"plan-{i}-title": a.title,
                f"plan-{i}-activity_type": a.activity_type,
                f"plan-{i}-due_date": a.due_date.isoformat(),
                f"plan-{i}-responsible": a.responsible,
            }
        )
    data["plan-1-remove"] = "on"
    data.update(
        {
            "plan-2-title": "Новое мероприятие",
            "plan-2-activity_type": ActivityType.SEMINAR,
            "plan-2-due_date": (START + timedelta(days=40)).isoformat(),
            "plan-2-responsible": ResponsibleRole.MENTEE,
        }
    )
    response = curator.post(reverse("programs:program-plan", kwargs={"pk": program.pk}), data)
    assert response.status_code == 302, html(response)
    titles = {a.title: a.status for a in activities_of(program)}
    assert titles == {first.title: "planned", second.title: "cancelled", "Новое мероприятие": "planned"}
    with scopes_disabled():
        assert (
            ProgramChange.objects.get(program=program, kind=ChangeKind.CORRECTION).reason
            == "Сменилась нагрузка"
        )


# --- Progress ------------------------------------------------------------------------------------


def test_progress_counts_done_of_not_cancelled_lists_overdue_and_days_left(world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=4)
    curator_user = world.a.users["curator"]
    a1, a2, a3, a4 = activities_of(program)
    with scopes_disabled():
        service.set_activity_status(a1, status=ActivityStatus.DONE, acting_user=curator_user)
        service.set_activity_status(a2, status=ActivityStatus.DONE, acting_user=curator_user)
        service.correct_plan(
            program, acting_user=curator_user, reason="—", agreed_by_both=True, remove=[a3.pk]
        )
        later = a4.due_date + timedelta(days=1)
        result = service.progress(reload(program), today=later)
        listed = service.program_list(today=later).get(pk=program.pk)
    assert (result.done, result.total, result.left, result.percent) == (2, 3, 1, 67)
    assert result.share == pytest.approx(2 / 3)
    assert [a.pk for a in result.overdue] == [a4.pk]
    assert result.days_left == (END - later).days
    assert (listed.done_count, listed.total_count, listed.overdue_count) == (2, 3, 1)


def test_a_draft_has_nothing_overdue_and_an_ended_program_no_days_left(world):
    program = make_program(world, activities=1)
    with scopes_disabled():
        assert service.progress(reload(program), today=END).overdue == []
        service.end_early(program, reason=EndReason.MUTUAL, acting_user=world.a.users["curator"])
        assert service.progress(reload(program)).days_left is None


def test_the_list_filters_overdue_programs_and_shows_progress_bars(curator, world):
    late = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=2)
    with scopes_disabled():
        PlanActivity.objects.filter(program=late).update(due_date=TODAY - timedelta(days=3))
    other = make_program(world, pair=make_pair(world), activities=1)
    page = html(curator.get(reverse("programs:program-list")))
    assert page.count('data-testid="program-progress"') == 2
    assert '<progress class="flex-grow-1" value="0" max="2"' in page
    overdue_page = html(curator.get(reverse("programs:program-list") + "?overdue=on"))
    assert reverse("programs:program-detail", kwargs={"pk": late.pk}) in overdue_page
    assert reverse("programs:program-detail", kwargs={"pk": other.pk}) not in overdue_page
    by_status = html(curator.get(reverse("programs:program-list") + "?status=draft"))
    assert reverse("programs:program-detail", kwargs={"pk": other.pk}) in by_status
    assert reverse("programs:program-detail", kwargs={"pk": late.pk}) not in by_status


def test_the_card_highlights_overdue_activities_and_shows_history(curator, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=2)
    with scopes_disabled():
        PlanActivity.objects.filter(program=program, title="Мероприятие 2").update(due_date=END)
        PlanActivity.objects.filter(program=program, title="Мероприятие 1").update(
            due_date=TODAY - timedelta(days=2)
        )
    page = html(curator.get(reverse("programs:program-detail", kwargs={"pk": program.pk})))
    assert 'data-testid="overdue-list"' in page and "table-danger" in page
    assert page.count('data-testid="overdue-badge"') == 1
    assert "Программа утверждена." in page and "Начата реализация программы." in page
    assert 'data-testid="days-left"' in page


# --- Activities and evidence ---------------------------------------------------------------------


def test_the_mentor_of_the_pair_marks_an_activity_done_with_evidence(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    client.force_login(world.a.users["mentor"])
    url = reverse("programs:activity-status", kwargs={"pk": activity.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "status": ActivityStatus.DONE,
            "done_on": TODAY.isoformat(),
            "evidence_note": "Лист наблюдения",
            "evidence_link": "https://disk.example.org/list",
            "evidence_file": SimpleUploadedFile("list.pdf", b"%PDF-1.7\n..."),
        },
    )
    assert response["Location"] == reverse("programs:my-program", kwargs={"pk": program.pk}) + "#plan"
    activity = activities_of(program)[0]
    assert activity.status == ActivityStatus.DONE and activity.done_on == TODAY
    assert activity.evidence_note == "Лист наблюдения" and activity.evidence_file.name.endswith(".pdf")
    download = client.get(reverse("programs:activity-file", kwargs={"pk": activity.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_mentee_marks_too_and_another_pairs_mentor_gets_404(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    client.force_login(world.a.users["mentee"])
    url = reverse("programs:activity-status", kwargs={"pk": activity.pk})
    assert client.post(url, {"status": ActivityStatus.DONE}).status_code == 302

    with scopes_disabled():
        stranger = UserFactory(username="a-other-mentor")
        MembershipFactory(user=stranger, role=Role.MENTOR, school=world.a.school)
        other_mentor = participant_for(
            StaffFactory(school=world.a.school, user=stranger, last_name="Чужая", experience_years=15)
        )
        MentorProfile.objects.create(school=world.a.school, participant=other_mentor, capacity=2)
    make_pair(world, mentor=other_mentor)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": ActivityStatus.PLANNED}).status_code == 404
    assert client.get(reverse("programs:activity-file", kwargs={"pk": activity.pk})).status_code == 404
    assert client.get(reverse("programs:my-program", kwargs={"pk": program.pk})).status_code == 404
    with scopes_disabled(), pytest.raises(ProgramError, match="могут наставник и наставляемый этой пары"):
        service.set_activity_status(activity, status=ActivityStatus.PLANNED, acting_user=stranger)


def test_activities_are_marked_only_while_the_program_is_in_progress_and_never_cancelled(world):
    program = make_program(world, status=ProgramStatus.APPROVED)
    activity = activities_of(program)[0]
    mentor = world.a.users["mentor"]
    with scopes_disabled(), pytest.raises(ProgramError, match="когда программа реализуется"):
        service.set_activity_status(activity, status=ActivityStatus.DONE, acting_user=mentor)
    advance(world, program.pair, PairStatus.ACTIVE)
    with scopes_disabled():
        service.start(program, acting_user=world.a.users["curator"])
        with pytest.raises(ProgramError, match="только корректировкой плана"):
            service.set_activity_status(activity, status=ActivityStatus.CANCELLED, acting_user=mentor)
        with pytest.raises(ProgramError) as caught:
            service.set_activity_status(
                activity, status=ActivityStatus.DONE, acting_user=mentor, done_on=TODAY + timedelta(days=1)
            )
        assert "done_on" in caught.value.message_dict
        done = service.set_activity_status(
            activity, status=ActivityStatus.DONE, acting_user=mentor, evidence_note="Итог"
        )
        # Marking again from another screen without evidence keeps what was written.
        again = service.set_activity_status(done, status=ActivityStatus.DONE, acting_user=mentor)
        assert again.evidence_note == "Итог"
        undone = service.set_activity_status(done, status=ActivityStatus.PLANNED, acting_user=mentor)
        assert undone.done_on is None


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("report.pdf", b"just text, not a PDF", "не является файлом PDF"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 40, "не является файлом DOCX"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "не является файлом PNG"),
        ("script.exe", b"MZ\x90\x00", "Можно загрузить только файл PDF, DOCX, XLSX, PPTX, JPEG или PNG"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "слишком большой (11,0 МБ)"),
    ],
)
def test_evidence_files_are_checked_by_extension_content_and_size(world, name, content, error):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    with scopes_disabled(), pytest.raises(ProgramError) as caught:
        service.set_activity_status(
            activity,
            status=ActivityStatus.DONE,
            acting_user=world.a.users["mentor"],
            evidence_file=SimpleUploadedFile(name, content),
        )
    assert error in " ".join(caught.value.message_dict["evidence_file"])
    assert activities_of(program)[0].status == ActivityStatus.PLANNED


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.docx", office_file("word/")),
        ("table.xlsx", office_file("xl/")),
        ("slides.pptx", office_file("ppt/")),
        ("photo.JPG", b"\xff\xd8\xff\xe0 jpeg"),
        ("scan.png", b"\x89PNG\r\n\x1a\n rest"),
    ],
)
def test_genuine_office_files_and_images_are_accepted(world, name, content):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    with scopes_disabled():
        saved = service.set_activity_status(
            activity,
            status=ActivityStatus.DONE,
            acting_user=world.a.users["mentee"],
            evidence_file=SimpleUploadedFile(name, content),
        )
    assert saved.evidence_file.name.endswith("." + name.rsplit(".", 1)[1].lower())


def test_an_eleven_megabyte_file_is_refused_on_the_page(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    client.force_login(world.a.users["mentor"])
    response = client.post(
        reverse("programs:activity-status", kwargs={"pk": activity.pk}),
        {
            "status": "done",
            "evidence_file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (11 * 1024 * 1024)),
        },
    )
    assert response.status_code == 200
    assert "Максимальный размер — 10 МБ" in html(response)


# --- Reports and best practice -------------------------------------------------------------------


def test_reports_are_written_by_their_authors_only(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    url = reverse("programs:program-report", kwargs={"pk": program.pk})
    client.force_login(world.a.users["mentor"])
    assert "Отчёт наставника" in html(client.get(url))
    assert client.post(url, {"text": "Всё выполнено"}).status_code == 302
    client.force_login(world.a.users["mentee"])
    assert "Рефлексия наставляемого" in html(client.get(url))
    assert client.post(url, {"text": "Научилась многому"}).status_code == 302
    program = reload(program)
    assert (program.mentor_report, program.mentee_reflection) == ("Всё выполнено", "Научилась многому")
    with scopes_disabled(), pytest.raises(ProgramError, match="пишет наставник"):
        service.submit_mentor_report(program, text="Подмена", acting_user=world.a.users["mentee"])


def test_a_best_practice_is_only_a_completed_program_with_both_reports_and_a_summary(world):
    curator_user = world.a.users["curator"]
    program = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=1)
    with scopes_disabled():
        with pytest.raises(ProgramError, match="только выполненную программу"):
            service.mark_best_practice(program, summary="Опыт", acting_user=curator_user)
        service.set_activity_status(
            activities_of(program)[0], status=ActivityStatus.DONE, acting_user=curator_user
        )
        service.complete(program, acting_user=curator_user)
        with pytest.raises(ProgramError) as caught:
            service.mark_best_practice(program, summary="Опыт", acting_user=curator_user)
        assert "отчёт наставника, рефлексия наставляемого" in caught.value.messages[0]
        service.submit_mentor_report(program, text="Отчёт", acting_user=world.a.users["mentor"])
        service.submit_mentee_reflection(program, text="Рефлексия", acting_user=world.a.users["mentee"])
        with pytest.raises(ProgramError) as caught:
            service.mark_best_practice(program, summary="  ", acting_user=curator_user)
        assert "summary" in caught.value.message_dict
        with pytest.raises(ProgramError, match="куратор или руководитель"):
            service.mark_best_practice(program, summary="Опыт", acting_user=world.a.users["psychologist"])
        marked = service.mark_best_practice(program, summary="Опыт наставничества", acting_user=curator_user)
        assert marked.is_best_practice and marked.best_practice_marked_by == curator_user
        with pytest.raises(ProgramError, match="лучшая практика"):
            service.submit_mentor_report(program, text="Новый", acting_user=world.a.users["mentor"])


def test_the_best_practice_form_warns_about_personal_data(client, world):
    program = make_program(world, status=ProgramStatus.COMPLETED, activities=1)
    client.force_login(world.a.users["director"])
    page = html(client.get(reverse("programs:program-best-practice", kwargs={"pk": program.pk})))
    assert "Сначала нужны итоговые документы" in page
    with scopes_disabled():
        PersonalizedProgram.objects.filter(pk=program.pk).update(mentor_report="О", mentee_reflection="Р")
    page = html(client.get(reverse("programs:program-best-practice", kwargs={"pk": program.pk})))
    assert "Не указывайте персональные данные, кроме ФИО и должностей" in page


# --- Who sees what -------------------------------------------------------------------------------


def test_another_schools_curator_gets_404_for_the_program_and_its_pages(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    activity = activities_of(program)[0]
    client.force_login(world.b.users["curator"])
    for name, kwargs in [
        ("programs:program-detail", {"pk": program.pk}),
        ("programs:program-plan", {"pk": program.pk}),
        ("programs:activity-status", {"pk": activity.pk}),
        ("programs:program-create", {"pair_pk": program.pair_id}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert world.a.marker not in html(client.get(reverse("programs:program-list")))


def test_a_mentee_sees_only_their_own_program_and_read_only(client, world):
    own = make_program(world, status=ProgramStatus.IN_PROGRESS)
    someone_else = make_program(world, pair=make_pair(world))
    client.force_login(world.a.users["mentee"])
    listing = html(client.get(reverse("programs:my-programs")))
    assert reverse("programs:my-program", kwargs={"pk": own.pk}) in listing
    assert reverse("programs:my-program", kwargs={"pk": someone_else.pk}) not in listing
    page = html(client.get(reverse("programs:my-program", kwargs={"pk": own.pk})))
    assert 'data-testid="mark-link"' in page and 'data-testid="program-actions"' not in page
    assert client.get(reverse("programs:my-program", kwargs={"pk": someone_else.pk})).status_code == 404
    assert client.get(reverse("programs:program-detail", kwargs={"pk": own.pk})).status_code == 404
    assert client.get(reverse("programs:program-list")).status_code == 404


def test_the_psychologist_reads_programs_but_has_no_actions(client, world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS)
    client.force_login(world.a.users["psychologist"])
    page = html(client.get(reverse("programs:program-detail", kwargs={"pk": program.pk})))
    assert program.title in page
    assert 'data-testid="program-actions"' not in page and 'data-testid="mark-link"' not in page
    assert client.get(reverse("programs:program-plan", kwargs={"pk": program.pk})).status_code == 404


def test_the_pair_card_links_to_the_program_or_offers_to_create_it(curator, world):
    pair = own_pair(world)
    url = reverse("programs:pair-detail", kwargs={"pk": pair.pk})
    assert reverse("programs:program-create", kwargs={"pair_pk": pair.pk}) in html(curator.get(url))
    program = make_program(world, pair=pair)
    page = html(curator.get(url))
    assert reverse("programs:program-detail", kwargs={"pk": program.pk}) in page
    assert 'data-testid="program-create"' not in page


# --- Query counts --------------------------------------------------------------------------------


def _add_programs(world, n: int) -> None:
    """n more programs of school A, each with its own mentor, mentee and two activities."""
    school = world.a.school
    with scopes_disabled():
        for i in range(n):
            mentor = f.mentor(school, capacity=1, last_name=f"Наставник{i}")
            pair = MentoringPair.objects.create(
                school=school,
                mentor=mentor,
                form=f.teacher_form(),
                kind=f.traditional(),
                start_date=START,
                planned_end_date=END,
                status=PairStatus.ACTIVE,
            )
            PairMentee.objects.create(pair=pair, mentee=f.teacher(school, last_name=f"Наставляемая{i}"))
            program = PersonalizedProgram.objects.create(
                school=school,
                pair=pair,
                title=f"Программа {i}",
                goal="Ц",
                expected_results="Р",
                start_date=START,
                end_date=END,
                status=ProgramStatus.IN_PROGRESS,
            )
            PlanActivity.objects.bulk_create(
                [
                    PlanActivity(
                        program=program,
                        title="Встреча",
                        activity_type=ActivityType.MEETING,
                        due_date=START + timedelta(days=10 * k),
                        responsible=ResponsibleRole.BOTH,
                        status=ActivityStatus.DONE if k == 1 else ActivityStatus.PLANNED,
                    )
                    for k in (1, 2)
                ]
            )


@pytest.mark.parametrize("query", ["", "?overdue=on", "?status=in_progress"])
def test_the_program_list_needs_as_many_queries_for_30_programs_as_for_3(
    curator, world, query, django_assert_max_num_queries
):
    url = reverse("programs:program-list") + query
    _add_programs(world, 3)
    curator.get(url)
    with CaptureQueriesContext(connection) as small:
        assert curator.get(url).status_code == 200
    _add_programs(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = html(curator.get(url))
    assert page.count('data-testid="program-progress"') == 25  # a full page: every program is overdue


def test_a_members_program_list_needs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    make_program(world, status=ProgramStatus.IN_PROGRESS, activities=5)
    client.force_login(world.a.users["mentor"])
    url = reverse("programs:my-programs")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with scopes_disabled():
        for i in range(4):
            mentee = f.teacher(world.a.school, last_name=f"Ещё{i}")
            pair = make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee])
            make_program(world, pair=pair, activities=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_ending_a_pair_early_ends_its_unfinished_program_for_the_same_reason(world):
    program = make_program(world, status=ProgramStatus.IN_PROGRESS, activities=1)
    with scopes_disabled():
        pair = MentoringPair.objects.get(pk=program.pair_id)
        pairs_service.end_early(pair, reason=EndReason.MOVED, acting_user=world.a.users["curator"])
        ended = reload(program)
    assert ended.status == ProgramStatus.ENDED_EARLY
    assert (ended.end_reason, ended.ended_on) == (EndReason.MOVED, timezone.localdate())


def test_ending_a_pair_leaves_a_completed_program_as_it_was(world):
    program = make_program(world, status=ProgramStatus.COMPLETED, activities=1)
    with scopes_disabled():
        pair = MentoringPair.objects.get(pk=program.pair_id)
        assert (
            service.end_with_pair(pair, reason=EndReason.MOVED, comment="", on=END, acting_user=None) is None
        )
        assert reload(program).status == ProgramStatus.COMPLETED
