"""Indicators on small hand-built datasets: exact numbers, boundaries (docs/indicators.md), snapshots."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.compute import Period, Scope, compute_snapshots, school_values, snapshot_headers
from monitoring.indicators import aggregate, with_shares
from monitoring.models import JobStatus, Snapshot, SnapshotRow, SurveyKind, SurveyResponse
from programs.models import (
    EndReason,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
    TrainingStatus,
)
from programs.services.participants import participant_for
from schools.models import EmploymentStatus, Student
from tests.conftest import ensure_catalogs
from tests.factories import MunicipalityFactory, SchoolFactory, StaffFactory

PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31), as_of=date(2027, 5, 31))


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def pair(
    school, mentor, mentees, *, form="teacher-teacher", status=PairStatus.FIXED, order=date(2026, 9, 15), **kw
):
    with scopes_disabled():
        p = MentoringPair.objects.create(
            school=school,
            mentor=participant_for(mentor) if not hasattr(mentor, "kind") else mentor,
            form=MentoringForm.objects.get(code=form),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=kw.pop("start", date(2026, 9, 15)),
            planned_end_date=kw.pop("end", date(2027, 5, 31)),
            status=status,
            order_date=order,
            order_number="1-о" if order else "",
            **kw,
        )
        for mentee in mentees:
            PairMentee.objects.create(pair=p, mentee=participant_for(mentee))
        return p


def program(p, *, status, approved=date(2026, 9, 20), ended=None, reason="", start=date(2026, 9, 20)):
    with scopes_disabled():
        return PersonalizedProgram.objects.create(
            school=p.school,
            pair=p,
            title="Программа",
            goal="Цель",
            expected_results="Результат",
            start_date=start,
            end_date=date(2027, 5, 20),
            status=status,
            approved_at=aware(approved) if approved else None,
            ended_on=ended,
            end_reason=reason,
        )


@pytest.fixture
def school(db):
    ensure_catalogs()
    with scopes_disabled():
        return SchoolFactory(municipality=MunicipalityFactory())


def values_of(school, period=PERIOD):
    with scopes_disabled():
        values, details = school_values(Scope(school_id=school.pk), period)[school.pk]
    return with_shares(values), details


def test_staff_boundaries_young_means_up_to_three_years_inclusive(school):
    with scopes_disabled():
        StaffFactory(school=school, experience_years=3, hire_date=date(2026, 9, 10), birth_year=1992)
        StaffFactory(school=school, experience_years=3, birth_year=1991)  # 36 in 2027: young, not under 35
        StaffFactory(school=school, experience_years=4)
        StaffFactory(
            school=school,
            experience_years=0,
            hire_date=date(2026, 10, 1),
            employment_status=EmploymentStatus.DISMISSED,
        )
        StaffFactory(school=school, experience_years=1, hire_date=date(2027, 6, 15))  # hired after the slice
    values, _ = values_of(school)
    assert values["teachers"] == 3
    assert values["young_teachers"] == 2
    assert values["young_teachers_under_35"] == 1
    assert (values["young_hired"], values["young_retained"], values["young_retention"]) == (
        2,
        1,
        Decimal("50.0"),
    )


def test_which_pairs_count_for_the_period_and_what_they_add_up_to(school):
    with scopes_disabled():
        mentor = StaffFactory(school=school, experience_years=20)
        young = StaffFactory(school=school, experience_years=2)
        other_young = StaffFactory(school=school, experience_years=1)
        older = StaffFactory(school=school, experience_years=9)
        kid = Student.objects.create(
            school=school, last_name="Ученик", first_name="Пётр", birth_date=date(2013, 1, 1), grade="7А"
        )
    counted = pair(school, mentor, [young])
    program(counted, status=ProgramStatus.COMPLETED, ended=date(2027, 3, 1))
    group = pair(school, mentor, [other_young, older], start=date(2026, 10, 1))
    program(group, status=ProgramStatus.ENDED_EARLY, ended=date(2027, 2, 1), reason=EndReason.MOVED)
    pair(school, mentor, [older], order=date(2027, 6, 10))  # fixed after the slice: not counted
    pair(school, mentor, [older], status=PairStatus.CONSENTS, order=None)  # never fixed: not counted
    pair(
        school,
        mentor,
        [older],
        status=PairStatus.COMPLETED,
        start=date(2025, 9, 1),
        end=date(2026, 5, 1),
        ended_on=date(2026, 5, 1),
        order=date(2025, 9, 5),
    )  # ended before the period
    student_pair = pair(school, mentor, [kid], form="teacher-student", status=PairStatus.ACTIVE)
    program(student_pair, status=ProgramStatus.COMPLETED, ended=date(2027, 6, 5))  # completed after the slice
    values, details = values_of(school)
    assert (values["pairs"], values["groups"]) == (2, 1)
    assert (values["mentors"], values["mentor_teachers"], values["mentees"]) == (1, 1, 4)
    assert (values["young_teachers"], values["young_mentees"], values["young_coverage"]) == (
        2,
        2,
        Decimal("100.0"),
    )
    assert values["form_teacher-teacher"] == 2 and values["form_teacher-student"] == 1
    assert values["forms_practised"] == 2 and details["forms"] == ["teacher-student", "teacher-teacher"]
    assert values["programs_cohort"] == 3
    assert (values["programs_done"], values["programs_not_done"], values["programs_ended_early"]) == (1, 2, 1)
    assert (values["programs_cohort_teacher-teacher"], values["programs_done_teacher-teacher"]) == (2, 1)
    assert values["programs_not_done_teacher-student"] == 1
    assert values["completion_rate"] == Decimal("33.3")
    assert details["reasons"] == {"teacher-teacher": {EndReason.MOVED.value: 1}}
    assert (values["programs_approved"], values["programs_realised"]) == (3, 1)
    assert values["teachers_with_program"] == 3


def test_mentor_base_training_and_satisfaction(school):
    with scopes_disabled():
        for training, joined in (
            (TrainingStatus.COURSE, date(2026, 9, 1)),
            (TrainingStatus.NONE, date(2026, 9, 1)),
            (TrainingStatus.BOTH, date(2027, 7, 1)),  # joined the base after the slice
        ):
            MentorProfile.objects.create(
                school=school,
                participant=participant_for(StaffFactory(school=school)),
                training_status=training,
                volunteered_on=joined,
            )
        for n, score in enumerate(("4.00", "3.99", "5.00")):
            SurveyResponse.objects.create(
                school=school,
                kind=SurveyKind.MENTEE_SATISFACTION,
                school_year=2026,
                respondent_key=f"k{n}",
                score=Decimal(score),
            )
    values, _ = values_of(school)
    assert (values["mentor_base"], values["mentors_trained"], values["mentors_trained_share"]) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert (values["mentee_responses"], values["mentee_satisfied"], values["mentee_satisfaction"]) == (
        3,
        2,
        Decimal("66.7"),
    )
    assert values["mentor_satisfaction"] is None  # nothing to divide by: no share, not 0 %


def test_a_school_without_documents_has_the_package_not_formed(school):
    values, details = values_of(school)
    assert values["docs_present"] == 0 and values["package_not_formed"] == 1
    assert len(details["missing_docs"]) == 7


def test_shares_of_a_territory_come_from_summed_counts_not_averaged_percentages():
    rows = [{"young_mentees": 1, "young_teachers": 1}, {"young_mentees": 0, "young_teachers": 9}]
    totals = aggregate(rows)
    assert totals["schools"] == 2
    assert totals["young_coverage"] == Decimal("10.0")  # the mean of 100 % and 0 % would say 50 %


def test_the_computation_runs_the_same_number_of_queries_for_3_and_30_schools(db):
    ensure_catalogs()
    counts = []
    for n in (3, 30):
        with scopes_disabled():
            municipality = MunicipalityFactory()
            for _ in range(n):
                s = SchoolFactory(municipality=municipality)
                p = pair(s, StaffFactory(school=s), [StaffFactory(school=s, experience_years=1)])
                program(p, status=ProgramStatus.IN_PROGRESS)
            with CaptureQueriesContext(connection) as ctx:
                result = school_values(Scope(municipality_ids=(municipality.pk,)), PERIOD)
        assert len(result) == n and all(v["pairs"] == 1 for v, _ in result.values())
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_snapshot_is_replaced_in_place_when_computed_again(school):
    with scopes_disabled():
        StaffFactory(school=school, experience_years=1)
        scope = Scope(municipality_ids=(school.municipality_id,))
        first = snapshot_headers(scope, PERIOD)
        compute_snapshots([h.pk for h in first])
        StaffFactory(school=school, experience_years=2)
        again = snapshot_headers(scope, PERIOD)
        compute_snapshots([h.pk for h in again])
        assert [h.pk for h in first] == [h.pk for h in again]
        assert Snapshot.objects.filter(municipality=school.municipality).count() == 1
        row = SnapshotRow.objects.get(snapshot=again[0], school=school)
        assert row.values["young_teachers"] == 2
        header = Snapshot.objects.get(pk=again[0].pk)
        assert (header.status, header.progress) == (JobStatus.DONE, 100)


def test_the_command_computes_a_municipality_and_a_rerun_gives_the_same_snapshot(school):
    from io import StringIO

    from django.core.management import call_command

    with scopes_disabled():
        StaffFactory(school=school, experience_years=1)
    out = StringIO()
    args = [
        "--municipality",
        school.municipality.code,
        "--period",
        "2026-09-01:2027-08-31",
        "--as-of",
        "2027-05-31",
    ]
    call_command("compute_indicators", *args, stdout=out)
    assert "Снимков: 1, организаций: 1" in out.getvalue()
    with scopes_disabled():
        first = list(
            SnapshotRow.objects.filter(snapshot__municipality=school.municipality).values(
                "snapshot", "values"
            )
        )
    call_command("compute_indicators", *args, stdout=StringIO())
    with scopes_disabled():
        again = list(
            SnapshotRow.objects.filter(snapshot__municipality=school.municipality).values(
                "snapshot", "values"
            )
        )
    assert first == again and first[0]["values"]["young_teachers"] == 1


def test_the_command_explains_a_bad_period(school):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("compute_indicators", "--municipality", school.municipality.code, "--period", "2026")


def test_requesting_a_computation_queues_the_job_in_the_scope_of_the_schools(
    school, django_capture_on_commit_callbacks
):
    from monitoring.services import request_computation
    from schools.tenancy import school_scope

    with scopes_disabled():
        StaffFactory(school=school, experience_years=1)
    with school_scope([school.pk]), django_capture_on_commit_callbacks(execute=True):
        headers = request_computation(Scope(school_id=school.pk), PERIOD)
    with scopes_disabled():
        header = Snapshot.objects.get(pk=headers[0].pk)
        assert header.status == JobStatus.DONE and header.school_id == school.pk
        assert SnapshotRow.objects.get(snapshot=header).values["teachers"] == 1
