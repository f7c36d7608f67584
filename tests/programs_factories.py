"""Builders for mentoring records (participants, mentor profiles, consents, pairs)."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from programs.models import Consent, ConsentKind, MentoringForm, MentoringKind, MentorProfile
from programs.services.participants import participant_for
from schools.models import School, Student
from tests.factories import StaffFactory


def teacher(school: School, **kwargs):
    with scopes_disabled():
        return participant_for(StaffFactory(school=school, **kwargs))


def mentor(school: School, capacity: int = 2, **kwargs):
    with scopes_disabled():
        p = participant_for(StaffFactory(school=school, experience_years=20, **kwargs))
        MentorProfile.objects.create(school=school, participant=p, capacity=capacity)
        return p


def student(school: School, birth_date: date, **kwargs):
    with scopes_disabled():
        s = Student.objects.create(
            school=school,
            last_name=kwargs.pop("last_name", "Смирнов"),
            first_name="Илья",
            birth_date=birth_date,
            grade="7Б",
            **kwargs,
        )
        return participant_for(s)


def consent(participant, kind: str, *, guardian: bool = False, on: date = date(2026, 9, 1)) -> Consent:
    with scopes_disabled():
        return Consent.objects.create(
            school_id=participant.school_id,
            participant=participant,
            kind=kind,
            received_on=on,
            given_by_guardian=guardian,
        )


def all_consents(*participants, mentor_participant=None):
    if mentor_participant is not None:
        consent(mentor_participant, ConsentKind.MENTOR)
        consent(mentor_participant, ConsentKind.PERSONAL_DATA)
    for p in participants:
        consent(p, ConsentKind.MENTEE)
        consent(p, ConsentKind.PERSONAL_DATA)


def teacher_form() -> MentoringForm:
    return MentoringForm.objects.get(code="teacher-teacher")


def traditional() -> MentoringKind:
    return MentoringKind.objects.get(code="traditional")
