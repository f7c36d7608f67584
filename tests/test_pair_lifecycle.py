"""The rules of the pair lifecycle (programs/services/pairs.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from programs.models import ConsentKind, EndReason, MentoringForm, PairEvent, PairStatus
from programs.services import pairs
from tests import programs_factories as f

START, END = date(2026, 9, 1), date(2027, 5, 31)


def _pair(world, mentor=None, mentees=None, **kwargs):
    school = world.a.school
    mentor = mentor or f.mentor(school)
    mentees = mentees or [f.teacher(school, experience_years=1)]
    with scopes_disabled():
        return pairs.create_pair(
            school=school,
            mentor=mentor,
            mentees=mentees,
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
            **kwargs,
        )


def test_a_new_pair_is_a_draft_with_its_history_started(world):
    pair = _pair(world)
    with scopes_disabled():
        assert pair.status == PairStatus.DRAFT
        assert [e.to_status for e in PairEvent.objects.filter(pair=pair)] == [PairStatus.DRAFT]


def test_a_mentor_never_takes_more_mentees_than_capacity(world):
    school = world.a.school
    mentor = f.mentor(school, capacity=2)
    _pair(world, mentor=mentor, mentees=[f.teacher(school), f.teacher(school)])
    with pytest.raises(pairs.PairError) as error:
        _pair(world, mentor=mentor, mentees=[f.teacher(school)])
    assert "свободно мест: 0 из 2" in str(error.value)


def test_a_finished_pair_frees_the_mentors_places(world):
    school = world.a.school
    mentor = f.mentor(school, capacity=1)
    first = _pair(world, mentor=mentor)
    with scopes_disabled():
        pairs.end_early(first, reason=EndReason.MISMATCH, acting_user=world.a.users["curator"])
    _pair(world, mentor=mentor)


def test_someone_outside_the_mentor_base_cannot_mentor(world):
    with pytest.raises(pairs.PairError) as error:
        _pair(world, mentor=f.teacher(world.a.school))
    assert "нет в базе наставников" in str(error.value)


def test_the_form_decides_who_may_be_mentee(world):
    kid = f.student(world.a.school, birth_date=date(2013, 3, 1))
    with pytest.raises(pairs.PairError) as error:
        _pair(world, mentees=[kid])
    assert "наставляемыми могут быть только" in str(error.value)


def test_a_pair_cannot_be_fixed_by_order_while_a_consent_is_missing(world):
    school = world.a.school
    mentor, mentee = f.mentor(school), f.teacher(school)
    pair = _pair(world, mentor=mentor, mentees=[mentee])
    f.consent(mentor, ConsentKind.MENTOR)
    f.consent(mentor, ConsentKind.PERSONAL_DATA)
    f.consent(mentee, ConsentKind.MENTEE)
    with scopes_disabled():
        with pytest.raises(pairs.PairError) as error:
            pairs.mark_consents_collected(pair, acting_user=world.a.users["curator"])
        assert "согласие на обработку персональных данных" in str(error.value)
        f.consent(mentee, ConsentKind.PERSONAL_DATA)
        pairs.mark_consents_collected(pair, acting_user=world.a.users["curator"])
        pairs.fix_by_order(
            pair, order_number="45-о", order_date=date(2026, 9, 5), acting_user=world.a.users["director"]
        )
        pair.refresh_from_db()
        assert (pair.status, pair.order_number) == (PairStatus.FIXED, "45-о")


def test_a_minors_consent_must_come_from_the_guardian(world):
    school = world.a.school
    with scopes_disabled():
        form = MentoringForm.objects.get(code="teacher-student")
    mentor, kid = f.mentor(school), f.student(school, birth_date=date(2013, 3, 1))
    with scopes_disabled():
        pair = pairs.create_pair(
            school=school,
            mentor=mentor,
            mentees=[kid],
            form=form,
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
        )
    f.all_consents(mentor_participant=mentor)
    f.consent(kid, ConsentKind.MENTEE)
    f.consent(kid, ConsentKind.PERSONAL_DATA)
    with scopes_disabled():
        missing = pairs.missing_consents(pair, on=date(2026, 9, 1))
        assert {(m.participant.pk, m.needs_guardian) for m in missing} == {(kid.pk, True)}


def test_ending_early_needs_a_reason_and_is_not_completion(world):
    pair = _pair(world)
    with scopes_disabled():
        with pytest.raises(pairs.PairError):
            pairs.end_early(pair, reason="", acting_user=world.a.users["curator"])
        pairs.end_early(pair, reason=EndReason.MOVED, acting_user=world.a.users["curator"])
        pair.refresh_from_db()
        assert pair.status == PairStatus.ENDED_EARLY and pair.end_reason == EndReason.MOVED
        with pytest.raises(pairs.PairError):
            pairs.complete(pair, acting_user=world.a.users["curator"])


def test_a_draft_cannot_jump_to_active(world):
    pair = _pair(world)
    with scopes_disabled(), pytest.raises(pairs.PairError) as error:
        pairs.start(pair, acting_user=world.a.users["curator"])
    assert "Нельзя перевести пару" in str(error.value)


def test_an_order_cannot_rely_on_a_consent_received_after_it(world):
    school = world.a.school
    mentor, mentee = f.mentor(school), f.teacher(school)
    pair = _pair(world, mentor=mentor, mentees=[mentee])
    for who, kinds in (
        (mentor, (ConsentKind.MENTOR, ConsentKind.PERSONAL_DATA)),
        (mentee, (ConsentKind.MENTEE, ConsentKind.PERSONAL_DATA)),
    ):
        for kind in kinds:
            f.consent(who, kind, on=date(2026, 9, 20))
    with scopes_disabled():
        pairs.mark_consents_collected(pair, acting_user=world.a.users["curator"])
        with pytest.raises(pairs.PairError) as error:
            pairs.fix_by_order(
                pair, order_number="12-о", order_date=date(2026, 9, 10), acting_user=world.a.users["director"]
            )
        assert "не получены согласия" in str(error.value)
        pairs.fix_by_order(
            pair, order_number="12-о", order_date=date(2026, 9, 21), acting_user=world.a.users["director"]
        )


def test_students_younger_than_ten_cannot_take_part(world):
    school = world.a.school
    with scopes_disabled():
        form = MentoringForm.objects.get(code="teacher-student")
    child = f.student(school, birth_date=date(2017, 5, 1))  # 9 years old on 1 September 2026
    with scopes_disabled(), pytest.raises(pairs.PairError) as error:
        pairs.create_pair(
            school=school,
            mentor=f.mentor(school),
            mentees=[child],
            form=form,
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
        )
    assert "с 10 лет" in str(error.value)


def test_a_group_needs_at_least_two_mentees(world):
    from programs.models import MentoringKind

    with scopes_disabled():
        group = MentoringKind.objects.get(code="group")
    with scopes_disabled(), pytest.raises(pairs.PairError) as error:
        pairs.create_pair(
            school=world.a.school,
            mentor=f.mentor(world.a.school),
            mentees=[f.teacher(world.a.school)],
            form=f.teacher_form(),
            kind=group,
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
        )
    assert "не меньше двух" in str(error.value)


def test_a_pair_with_an_unfinished_program_cannot_be_completed(world):
    from programs.models import PersonalizedProgram, ProgramStatus

    pair = _pair(world)
    with scopes_disabled():
        pair.status = PairStatus.ACTIVE
        pair.save(update_fields=["status"])
        program = PersonalizedProgram.objects.create(
            school=world.a.school,
            pair=pair,
            title="План",
            goal="Цель",
            expected_results="Результат",
            start_date=START,
            end_date=END,
            status=ProgramStatus.IN_PROGRESS,
        )
        with pytest.raises(pairs.PairError) as error:
            pairs.complete(pair, acting_user=world.a.users["curator"])
        assert "Программа пары ещё не выполнена" in str(error.value)
        program.status = ProgramStatus.COMPLETED
        program.save(update_fields=["status"])
        pairs.complete(pair, acting_user=world.a.users["curator"])
        pair.refresh_from_db()
        assert pair.status == PairStatus.COMPLETED
