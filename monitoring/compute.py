"""Computing the indicators of many schools at once, and storing them as snapshots.

``school_values`` reads every indicator of every school of the given municipalities (or of one
school) in a fixed number of grouped queries — about a dozen, whatever the number of schools or
people — and returns plain numbers per school. ``compute_snapshot`` stores them: one snapshot per
municipality (or per school), replaced in place when the same scope, period and date are computed
again, so a re-run never duplicates anything and readers never see half of a snapshot.

The definitions (which pairs count for a period, who is a young specialist, what «as of» means) are
in ``docs/indicators.md``; the formulas in words are in ``monitoring.indicators.CATALOG``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from monitoring.indicators import DOCUMENT_FLAGS
from monitoring.models import JobStatus, Snapshot, SnapshotRow, SurveyKind, SurveyResponse
from programs.models import (
    DifficultyAssessment,
    IndividualRoute,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
    TrainingStatus,
)
from programs.selectors_acts import act_register, summarize
from schools.models import EmploymentStatus, School, Staff
from schools.years import school_year_of

YOUNG_MAX_EXPERIENCE = 3  # years of pedagogical experience, inclusive: 0, 1, 2 and 3 are «young»
YOUNG_MAX_AGE = 35
SATISFIED_SCORE = 4  # mean of the 1–5 answers at or above which a response counts as satisfied
COUNTED_PAIR_STATUSES = (PairStatus.FIXED, PairStatus.ACTIVE, PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
STEPS = 10


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    as_of: date

    @property
    def horizon(self) -> date:
        """The last day that counts: the end of the period, or the date of the slice if earlier."""
        return min(self.end, self.as_of)

    @property
    def school_year(self) -> int:
        return school_year_of(self.start)


@dataclass(frozen=True)
class Scope:
    """Which schools a computation covers: the schools of some municipalities, or one school."""

    municipality_ids: tuple[int, ...] = ()
    school_id: int | None = None

    def q(self, path: str = "school") -> Q:
        """A filter on a model whose ``path`` leads to the school ("" for School itself)."""
        if self.school_id is not None:
            return Q(**{f"{path}_id" if path else "pk": self.school_id})
        return Q(
            **{f"{path}__municipality_id__in" if path else "municipality_id__in": list(self.municipality_ids)}
        )


def _counted_pairs(scope: Scope, period: Period, prefix: str = "") -> Q:
    """Pairs (groups) that count for the period, as a filter on MentoringPair (or through ``prefix``).

    Fixed by order (or imported as history without an order) not later than the slice date, started
    by the horizon, and not ended before the period began.
    """
    p = prefix
    return (
        scope.q(f"{p}school")
        & Q(**{f"{p}status__in": COUNTED_PAIR_STATUSES, f"{p}start_date__lte": period.horizon})
        & (Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": period.start}))
        & (
            Q(**{f"{p}order_date__lte": period.as_of})
            | Q(**{f"{p}order_date__isnull": True, f"{p}start_date__lte": period.as_of})
        )
    )


def school_values(
    scope: Scope,
    period: Period,
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[int, tuple[dict[str, int], dict[str, Any]]]:
    """Every indicator count of every school the filter selects: {school id: (values, details)}."""
    step = progress or (lambda _n: None)
    schools = list(
        School.objects.filter(scope.q(""), is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    values: dict[int, dict[str, int]] = {pk: {} for pk in schools}
    details: dict[int, dict[str, Any]] = {
        pk: {"forms": [], "reasons": {}, "missing_docs": []} for pk in schools
    }

    def put(school_id: int, row: dict[str, Any]) -> None:
        if school_id in values:
            for code, number in row.items():
                values[school_id][code] = values[school_id].get(code, 0) + int(number or 0)

    works = Q(employment_status=EmploymentStatus.WORKS) & (
        Q(hire_date__isnull=True) | Q(hire_date__lte=period.as_of)
    )
    young = Q(experience_years__lte=YOUNG_MAX_EXPERIENCE)
    hired = young & Q(hire_date__gte=period.start, hire_date__lte=period.horizon)
    # 1. Staff.
    for row in (
        Staff.objects.filter(scope.q())
        .values("school_id")
        .annotate(
            teachers=Count("pk", filter=works),
            young_teachers=Count("pk", filter=works & young),
            young_teachers_under_35=Count(
                "pk", filter=works & young & Q(birth_year__gte=period.as_of.year - YOUNG_MAX_AGE)
            ),
            young_hired=Count("pk", filter=hired),
            young_retained=Count("pk", filter=hired & Q(employment_status=EmploymentStatus.WORKS)),
        )
        .order_by()
    ):
        put(row.pop("school_id"), row)
    step(1)

    counted = _counted_pairs(scope, period)
    # 2. Pairs and groups by form (a group has two or more mentees).
    pair_rows = (
        MentoringPair.objects.filter(counted)
        .annotate(n_mentees=Count("mentee_links"))
        .values_list("school_id", "form__code", "n_mentees")
        .order_by()
    )
    forms: dict[int, set[str]] = defaultdict(set)
    for school_id, form_code, n_mentees in pair_rows:
        key = "groups" if n_mentees > 1 else "pairs"
        put(school_id, {key: 1, f"form_{form_code}": 1})
        forms[school_id].add(form_code)
    for school_id, codes in forms.items():
        if school_id in values:
            values[school_id]["forms_practised"] = len(codes)
            details[school_id]["forms"] = sorted(codes)
    step(2)

    # 3. Mentors of the counted pairs.
    for row in (
        MentoringPair.objects.filter(counted)
        .values("school_id")
        .annotate(
            mentors=Count("mentor", distinct=True),
            mentor_teachers=Count("mentor__staff", distinct=True),
            enterprises=Count("mentor__partner_representative__organization", distinct=True),
        )
        .order_by()
    ):
        put(row.pop("school_id"), row)
    step(3)

    # 4. Mentees of the counted pairs.
    pair_counted = _counted_pairs(scope, period, "pair__")
    mentee_works = Q(
        mentee__staff__employment_status=EmploymentStatus.WORKS,
    ) & (Q(mentee__staff__hire_date__isnull=True) | Q(mentee__staff__hire_date__lte=period.as_of))
    with_program = Q(pair__program__approved_at__date__lte=period.as_of)
    for row in (
        PairMentee.objects.filter(pair_counted)
        .values("pair__school_id")
        .annotate(
            mentees=Count("mentee", distinct=True),
            young_mentees=Count(
                "mentee__staff",
                distinct=True,
                filter=mentee_works & Q(mentee__staff__experience_years__lte=YOUNG_MAX_EXPERIENCE),
            ),
            teachers_with_program=Count("mentee__staff", distinct=True, filter=mentee_works & with_program),
        )
        .order_by()
    ):
        put(row.pop("pair__school_id"), row)
    step(4)

    # 5. Programs of the counted pairs, by form.
    approved = Q(approved_at__date__lte=period.as_of)
    cohort = approved & Q(start_date__lte=period.horizon, finish__gte=period.start)
    done = Q(status=ProgramStatus.COMPLETED, ended_on__lte=period.as_of)
    ended_early = Q(status=ProgramStatus.ENDED_EARLY, ended_on__lte=period.as_of)
    programs = PersonalizedProgram.objects.filter(pair_counted).annotate(
        finish=Coalesce("ended_on", "end_date")
    )
    for row in (
        programs.values("school_id", "pair__form__code")
        .annotate(
            approved=Count("pk", filter=approved),
            realised=Count("pk", filter=done & Q(ended_on__gte=period.start, ended_on__lte=period.horizon)),
            cohort=Count("pk", filter=cohort),
            done=Count("pk", filter=cohort & done),
            early=Count("pk", filter=cohort & ended_early),
        )
        .order_by()
    ):
        code = row["pair__form__code"]
        put(
            row["school_id"],
            {
                "programs_approved": row["approved"],
                "programs_realised": row["realised"],
                "programs_cohort": row["cohort"],
                "programs_done": row["done"],
                "programs_not_done": row["cohort"] - row["done"],
                "programs_ended_early": row["early"],
                f"programs_cohort_{code}": row["cohort"],
                f"programs_done_{code}": row["done"],
                f"programs_not_done_{code}": row["cohort"] - row["done"],
            },
        )
    for row in (
        programs.filter(cohort & ended_early)
        .values("school_id", "pair__form__code", "end_reason")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["school_id"] in details:
            by_form = details[row["school_id"]]["reasons"].setdefault(row["pair__form__code"], {})
            by_form[row["end_reason"]] = row["n"]
    step(6)

    # 6. The mentor base.
    in_base = Q(volunteered_on__lte=period.as_of)
    for row in (
        MentorProfile.objects.filter(scope.q())
        .values("school_id")
        .annotate(
            mentor_base=Count("pk", filter=in_base),
            mentors_trained=Count("pk", filter=in_base & ~Q(training_status=TrainingStatus.NONE)),
        )
        .order_by()
    ):
        put(row.pop("school_id"), row)
    step(7)

    # 7. Routes and diagnostics of the period's school year.
    staff_works = Q(staff__employment_status=EmploymentStatus.WORKS) & (
        Q(staff__hire_date__isnull=True) | Q(staff__hire_date__lte=period.as_of)
    )
    year = period.school_year
    for row in (
        IndividualRoute.objects.filter(scope.q(), staff_works)
        .filter(start_year__lte=year, end_year__gte=year, created_at__date__lte=period.as_of)
        .values("school_id")
        .annotate(teachers_with_route=Count("staff", distinct=True))
        .order_by()
    ):
        put(row.pop("school_id"), row)
    for row in (
        DifficultyAssessment.objects.filter(scope.q(), staff_works)
        .filter(school_year=year, filled_at__date__lte=period.as_of)
        .values("school_id")
        .annotate(teachers_diagnosed=Count("staff", distinct=True))
        .order_by()
    ):
        put(row.pop("school_id"), row)
    step(8)

    # 8. Satisfaction surveys of the period's school year.
    satisfied = Q(score__gte=SATISFIED_SCORE)
    surveys = SurveyResponse.objects.filter(scope.q(), school_year=year, submitted_at__date__lte=period.as_of)
    for row in (
        surveys.values("school_id")
        .annotate(
            mentor_responses=Count("pk", filter=Q(kind=SurveyKind.MENTOR_SATISFACTION)),
            mentor_satisfied=Count("pk", filter=Q(kind=SurveyKind.MENTOR_SATISFACTION) & satisfied),
            mentee_responses=Count("pk", filter=Q(kind=SurveyKind.MENTEE_SATISFACTION)),
            mentee_satisfied=Count("pk", filter=Q(kind=SurveyKind.MENTEE_SATISFACTION) & satisfied),
        )
        .order_by()
    ):
        put(row.pop("school_id"), row)
    step(9)

    # 9. The register of local acts as of the slice date.
    register = act_register(schools, period.as_of)
    for school_id, items in register.items():
        if school_id not in values:
            continue
        flags = {f"doc_{item.requirement}": int(item.state != "missing") for item in items}
        summary = summarize(items)
        present = sum(flags.get(code, 0) for code in DOCUMENT_FLAGS)
        values[school_id].update(flags)
        values[school_id]["docs_present"] = present
        values[school_id]["package_complete"] = int(present == len(DOCUMENT_FLAGS))
        values[school_id]["package_in_progress"] = int(0 < present < len(DOCUMENT_FLAGS))
        values[school_id]["package_not_formed"] = int(present == 0)
        details[school_id]["missing_docs"] = list(summary.missing)
    step(10)
    return {pk: (values[pk], details[pk]) for pk in schools}


# --- Snapshots -------------------------------------------------------------------------------------


def snapshot_headers(scope: Scope, period: Period, *, requested_by=None) -> list[Snapshot]:
    """The snapshot rows for a scope and period, created or reset to «queued» (one per municipality).

    The unique constraints make this the one snapshot of its scope, period and date: computing again
    reuses it, so a re-run replaces the previous result instead of adding another.
    """
    if scope.school_id is not None:
        school = School.objects.select_related("municipality").get(pk=scope.school_id)
        keys = [{"municipality_id": school.municipality_id, "school_id": school.pk}]
    else:
        keys = [{"municipality_id": m, "school_id": None} for m in sorted(scope.municipality_ids)]
    headers = []
    for key in keys:
        lookup = {**key, "period_start": period.start, "period_end": period.end, "as_of": period.as_of}
        Snapshot.objects.bulk_create([Snapshot(**lookup, requested_by=requested_by)], ignore_conflicts=True)
        if key["school_id"] is None:
            lookup.pop("school_id")
            header = Snapshot.objects.get(**lookup, school__isnull=True)
        else:
            header = Snapshot.objects.get(**lookup)
        header.status, header.progress, header.error, header.requested_by = (
            JobStatus.QUEUED,
            0,
            "",
            requested_by,
        )
        header.save(update_fields=["status", "progress", "error", "requested_by"])
        headers.append(header)
    return headers


def compute_snapshots(snapshot_ids: Iterable[int]) -> list[Snapshot]:
    """Compute the snapshots (of one period and date) in one pass over all their schools.

    Progress is saved between the steps so the browser can show it; the rows of each snapshot are
    replaced in one transaction.
    """
    headers = list(Snapshot.objects.filter(pk__in=list(snapshot_ids)).order_by("pk"))
    if not headers:
        return []
    first = headers[0]
    period = Period(first.period_start, first.period_end, first.as_of)
    if len(headers) == 1 and first.school_id is not None:
        scope = Scope(school_id=first.school_id)
    else:
        scope = Scope(municipality_ids=tuple(h.municipality_id for h in headers))
    started = time.monotonic()
    ids = [h.pk for h in headers]
    Snapshot.objects.filter(pk__in=ids).update(status=JobStatus.RUNNING, progress=0, error="")

    def progress(step: int) -> None:
        Snapshot.objects.filter(pk__in=ids).update(progress=min(95, step * 90 // STEPS))

    computed = school_values(scope, period, progress=progress)
    municipality_of = dict(School.objects.filter(pk__in=list(computed)).values_list("pk", "municipality_id"))
    elapsed = int((time.monotonic() - started) * 1000)
    for header in headers:
        with transaction.atomic():
            SnapshotRow.objects.filter(snapshot=header).delete()
            SnapshotRow.objects.bulk_create(
                [
                    SnapshotRow(snapshot=header, school_id=school_id, values=values, details=details)
                    for school_id, (values, details) in computed.items()
                    if (header.school_id == school_id)
                    or (header.school_id is None and municipality_of[school_id] == header.municipality_id)
                ],
                batch_size=1000,
            )
            header.status, header.progress = JobStatus.DONE, 100
            header.computed_at, header.duration_ms = timezone.now(), elapsed
            header.save(update_fields=["status", "progress", "computed_at", "duration_ms"])
    return headers
