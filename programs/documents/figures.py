"""The numbers of a school's analytical note, read in a fixed number of aggregate queries.

``note_figures`` is what the analytical note shows until the monitoring module exists; that module
will compute the same indicators (and more) and replace this function. A pair belongs to the
school year when it overlaps it; a program, when it started before the year's end and had not
ended before its start; a completion or an early end counts in the year it happened.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from programs.models import (
    EndReason,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
    TrainingStatus,
)
from programs.selectors import YOUNG_SPECIALIST_MAX_YEARS
from schools.models import EmploymentStatus, School, Staff
from schools.years import school_year_bounds

YOUNG_AGE_LIMIT = 35


def _share(part: int, whole: int) -> int | None:
    """Per cent, rounded; None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def note_figures(school: School, school_year: int) -> dict[str, Any]:
    """Staff, mentors, pairs, programs, reasons of early ends and forms of the year: seven queries."""
    first, last = school_year_bounds(school_year)
    staff = Staff.objects.filter(school=school, employment_status=EmploymentStatus.WORKS).aggregate(
        total=Count("pk"),
        young=Count("pk", filter=Q(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)),
        young_under_35=Count(
            "pk",
            filter=Q(
                experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS,
                birth_year__gt=first.year - YOUNG_AGE_LIMIT,
            ),
        ),
    )
    mentors = MentorProfile.objects.filter(school=school).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        trained=Count("pk", filter=~Q(training_status=TrainingStatus.NONE)),
        course=Count("pk", filter=Q(training_status__in=(TrainingStatus.COURSE, TrainingStatus.BOTH))),
    )
    pairs_of_year = MentoringPair.objects.filter(school=school, start_date__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    pairs = pairs_of_year.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in PairStatus.values},
    )
    mentees = PairMentee.objects.filter(pair__in=pairs_of_year).aggregate(
        total=Count("mentee", distinct=True),
        young=Count(
            "mentee",
            distinct=True,
            filter=Q(mentee__staff__experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS),
        ),
    )
    programs = (
        PersonalizedProgram.objects.filter(school=school, start_date__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .aggregate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in ProgramStatus.values},
            best_practices=Count("pk", filter=Q(is_best_practice=True)),
        )
    )
    reasons = (
        MentoringPair.objects.filter(
            school=school, status=PairStatus.ENDED_EARLY, ended_on__gte=first, ended_on__lte=last
        )
        .values("end_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "end_reason")
    )
    forms = (
        pairs_of_year.values("form__name", "form__order")
        .annotate(n=Count("pk"))
        .order_by("form__order", "form__name")
    )
    finished = programs[ProgramStatus.COMPLETED] + programs[ProgramStatus.ENDED_EARLY]
    return {
        "school_year": school_year,
        "staff": staff["total"],
        "young_specialists": staff["young"],
        "young_under_35": staff["young_under_35"],
        "mentors": mentors["active"],
        "mentors_total": mentors["total"],
        "mentors_trained": mentors["trained"],
        "mentors_course": mentors["course"],
        "mentors_course_share": _share(mentors["course"], mentors["active"]),
        "mentees": mentees["total"],
        "young_mentees": mentees["young"],
        "young_in_programs_share": _share(mentees["young"], staff["young"]),
        "pairs": pairs["total"],
        "pairs_by_status": {status: pairs[status] for status in PairStatus.values},
        "programs": programs["total"],
        "programs_by_status": {status: programs[status] for status in ProgramStatus.values},
        "completion_share": _share(programs[ProgramStatus.COMPLETED], finished),
        "best_practices": programs["best_practices"],
        "end_reasons": [
            {"reason": r["end_reason"], "label": str(EndReason(r["end_reason"]).label), "count": r["n"]}
            for r in reasons
            if r["end_reason"] in EndReason.values
        ],
        "forms": [{"name": f["form__name"], "pairs": f["n"]} for f in forms],
    }
