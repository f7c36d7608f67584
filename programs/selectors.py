"""Reads for the programs screens. Every query here runs inside the request's school scope.

Lists are built with a fixed number of queries whatever the number of rows (annotations with
``Exists``/``Subquery``/``Count``, ``select_related``, one prefetch per relation): see the query-count
tests of each area. Other areas add their sections below under their own headings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import (
    OPEN_PAIR_STATUSES,
    BurnoutNote,
    Consent,
    ConsentKind,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyLevel,
    DifficultyRating,
    MenteeBaseConfirmation,
    MentorCompetency,
    MentorProfile,
    MentorRegistry,
    PairMentee,
    Participant,
    TrainingStatus,
)
from schools.models import EmploymentStatus, School, Staff, User
from schools.years import school_year_bounds, school_year_of

YOUNG_SPECIALIST_MAX_YEARS = 3
# A level of difficulty from which a self-assessment makes the teacher a mentee candidate.
SIGNIFICANT_DIFFICULTY = 2
# «После длительного перерыва» counts for the current and the previous school year.
AFTER_BREAK_SCHOOL_YEARS = 2


# --- Withdrawn consents to the processing of personal data ---------------------------------------


def processing_stopped() -> QuerySet[Participant]:
    """Participants whose consent to the processing of personal data is withdrawn and not given again.

    After a withdrawal (152-ФЗ, ст. 9 ч. 2) the school stops processing their data for mentoring:
    no new pairs or programs, no reminders, no place in matching. A new consent recorded later
    resumes it, so the state is read from the consents themselves, never stored twice.
    """
    personal = Consent.objects.filter(participant=OuterRef("pk"), kind=ConsentKind.PERSONAL_DATA)
    return Participant.objects.filter(
        Exists(personal.filter(withdrawn_on__isnull=False)),
        ~Exists(personal.filter(withdrawn_on__isnull=True)),
    )


def processing_stopped_user_ids() -> set[int]:
    """Accounts of the people whose processing is stopped (two queries, inside the open scope)."""
    stopped = processing_stopped()
    ids = set(stopped.filter(staff__user__isnull=False).values_list("staff__user_id", flat=True))
    ids |= set(stopped.filter(student__user__isnull=False).values_list("student__user_id", flat=True))
    return ids


def stopped_in_pair(pair_id: int, mentor_id: int) -> list[Participant]:
    """Members of the pair who withdrew consent to personal data processing: the pair is flagged."""
    members = [mentor_id, *PairMentee.objects.filter(pair_id=pair_id).values_list("mentee_id", flat=True)]
    return list(
        processing_stopped()
        .filter(pk__in=members)
        .select_related("staff", "student", "partner_representative")
        .order_by("pk")
    )


def _search(queryset: QuerySet, q: str, prefix: str = "") -> QuerySet:
    """Every word must appear in the name, the position or the subjects of the person."""
    for word in q.split():
        queryset = queryset.filter(
            Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}patronymic__icontains": word})
            | Q(**{f"{prefix}position__icontains": word})
            | Q(**{f"{prefix}subjects__icontains": word})
        )
    return queryset


# --- Mentee base: «Кому нужен наставник» -----------------------------------------------------------


@dataclass(frozen=True)
class MenteeCategory:
    code: str
    label: str
    annotation: str


MENTEE_CATEGORIES: tuple[MenteeCategory, ...] = (
    MenteeCategory("young", _("молодой специалист"), "is_young"),
    MenteeCategory("new", _("новый в организации"), "is_new"),
    MenteeCategory("after_break", _("после длительного перерыва"), "is_after_break"),
    MenteeCategory("no_ped_education", _("без педагогического образования"), "is_without_ped_education"),
    MenteeCategory("difficulties", _("затруднения по диагностике"), "has_difficulties"),
    MenteeCategory("burnout", _("профессиональное выгорание"), "has_burnout"),
)
MENTEE_CATEGORY_BY_CODE = {c.code: c for c in MENTEE_CATEGORIES}

STATUS_NEEDS_MENTOR = "needs"
STATUS_IN_PAIR = "in_pair"
MENTEE_STATUSES = (
    (STATUS_NEEDS_MENTOR, _("нужен наставник")),
    (STATUS_IN_PAIR, _("в паре")),
)


def one_year_before(day: date) -> date:
    """The last day on which a hire is *not* new any more on ``day`` (see Staff.is_new_in_school_on).

    A hire on 29 February has its anniversary on 28 February, so on 28 February of a year that
    follows a leap year the boundary is the 29th, not the 28th.
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # day is 29 February: a year before there is only the 28th
        return day.replace(year=day.year - 1, day=28)


def _new_hire_threshold(day: date) -> date:
    """``hire_date`` must be later than this for the person to be new in the school on ``day``."""
    threshold = one_year_before(day)
    if day.month == 2 and day.day == 28:
        leap_day = threshold + timedelta(days=1)
        if leap_day.month == 2:  # the year before was a leap year: 29 February is a year ago too
            return leap_day
    return threshold


@dataclass(frozen=True)
class MenteeBaseRules:
    """The dates that the categories are computed against, shown in the page's help text."""

    today: date
    school_year: int
    new_hired_after: date
    returned_since: date


def mentee_base_rules(today: date | None = None) -> MenteeBaseRules:
    today = today or timezone.localdate()
    year = school_year_of(today)
    returned_since, _end = school_year_bounds(year - (AFTER_BREAK_SCHOOL_YEARS - 1))
    return MenteeBaseRules(
        today=today,
        school_year=year,
        new_hired_after=_new_hire_threshold(today),
        returned_since=returned_since,
    )


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _mentee_base_annotated(rules: MenteeBaseRules) -> QuerySet[Staff]:
    """Working staff with one boolean per category and the open pair they are a mentee in."""
    difficulties = DifficultyRating.objects.filter(
        assessment__staff=OuterRef("pk"),
        assessment__school_year=rules.school_year,
        level__gte=SIGNIFICANT_DIFFICULTY,
    )
    open_burnout = BurnoutNote.objects.filter(staff=OuterRef("pk"), closed_on__isnull=True)
    open_pair = (
        PairMentee.objects.filter(mentee__staff=OuterRef("pk"), pair__status__in=OPEN_PAIR_STATUSES)
        .order_by("-pair__start_date", "-pair_id")
        .values("pair_id")[:1]
    )
    return Staff.objects.filter(employment_status=EmploymentStatus.WORKS).annotate(
        is_young=_flag(Q(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)),
        is_new=_flag(Q(hire_date__gt=rules.new_hired_after, hire_date__lte=rules.today)),
        is_after_break=_flag(
            Q(returned_after_break_on__gte=rules.returned_since, returned_after_break_on__lte=rules.today)
        ),
        is_without_ped_education=_flag(Q(has_pedagogical_education=False)),
        has_difficulties=Exists(difficulties),
        has_burnout=Exists(open_burnout),
        open_pair_id=Subquery(open_pair),
        processing_stopped=Exists(processing_stopped().filter(staff=OuterRef("pk"))),
    )


def _in_any_category() -> Q:
    condition = Q()
    for category in MENTEE_CATEGORIES:
        condition |= Q(**{category.annotation: True})
    return condition


# A person who withdrew consent to the processing of their data is not offered a mentor (152-ФЗ,
# ст. 9 ч. 2): they leave the list until a new consent, unless they are still in an open pair —
# that pair is flagged on its own pages and the curator decides about it.
LISTED = Q(processing_stopped=False) | Q(open_pair_id__isnull=False)


def mentee_base(
    *, rules: MenteeBaseRules, q: str = "", category: str = "", status: str = ""
) -> QuerySet[Staff]:
    """Everyone who works and falls into at least one mentee category, with the flags per category."""
    people = _mentee_base_annotated(rules).filter(_in_any_category()).filter(LISTED)
    people = _search(people, q)
    if category in MENTEE_CATEGORY_BY_CODE:
        people = people.filter(**{MENTEE_CATEGORY_BY_CODE[category].annotation: True})
    if status == STATUS_NEEDS_MENTOR:
        people = people.filter(open_pair_id__isnull=True)
    elif status == STATUS_IN_PAIR:
        people = people.filter(open_pair_id__isnull=False)
    return people.order_by("last_name", "first_name", "patronymic", "pk")


@dataclass(frozen=True)
class MenteeBaseCounts:
    total: int
    needs_mentor: int
    in_pair: int
    by_category: dict[str, int]
    withdrawn: int = 0  # in a category, but not listed: consent to processing withdrawn


def mentee_base_counts(rules: MenteeBaseRules) -> MenteeBaseCounts:
    """The whole list in numbers (one query): what the curator confirms."""
    people = _mentee_base_annotated(rules).filter(_in_any_category())
    row = people.aggregate(
        total=Count("pk", filter=LISTED),
        in_pair=Count("pk", filter=Q(open_pair_id__isnull=False)),
        withdrawn=Count("pk", filter=~LISTED),
        **{c.code: Count("pk", filter=LISTED & Q(**{c.annotation: True})) for c in MENTEE_CATEGORIES},
    )
    return MenteeBaseCounts(
        total=row["total"],
        needs_mentor=row["total"] - row["in_pair"],
        in_pair=row["in_pair"],
        by_category={c.code: row[c.code] for c in MENTEE_CATEGORIES},
        withdrawn=row["withdrawn"],
    )


def mentee_categories_of(person: Staff) -> list[MenteeCategory]:
    """The categories of one annotated row of ``mentee_base``, in the order of the catalog."""
    return [c for c in MENTEE_CATEGORIES if getattr(person, c.annotation, False)]


def last_mentee_base_confirmation(school_year: int) -> MenteeBaseConfirmation | None:
    return (
        MenteeBaseConfirmation.objects.filter(school_year=school_year)
        .select_related("confirmed_by")
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def open_burnout_notes() -> QuerySet[BurnoutNote]:
    return (
        BurnoutNote.objects.filter(closed_on__isnull=True)
        .select_related("staff", "noted_by")
        .order_by("staff__last_name", "staff__first_name", "pk")
    )


def closed_burnout_notes(limit: int = 20) -> list[BurnoutNote]:
    return list(
        BurnoutNote.objects.filter(closed_on__isnull=False)
        .select_related("staff", "noted_by")
        .order_by("-closed_on", "-pk")[:limit]
    )


def working_staff(*, q: str = "") -> QuerySet[Staff]:
    """Working staff to choose from, with the flag of an open burnout note."""
    open_burnout = BurnoutNote.objects.filter(staff=OuterRef("pk"), closed_on__isnull=True)
    people = Staff.objects.filter(employment_status=EmploymentStatus.WORKS).annotate(
        has_burnout=Exists(open_burnout)
    )
    return _search(people, q).order_by("last_name", "first_name", "patronymic", "pk")


# --- Diagnostics of difficulties ------------------------------------------------------------------


def active_areas() -> list[DifficultyArea]:
    return list(DifficultyArea.objects.filter(is_active=True).order_by("order", "name"))


def own_staff_record(user: User, school: School | None) -> Staff | None:
    """The user's card in the registry of the active school (None when it is not linked)."""
    if school is None or not user.is_authenticated:
        return None
    return user.staff_records.filter(school=school).order_by("pk").first()


def _ratings() -> Prefetch:
    """Ratings through an explicit queryset: the reverse accessor's own manager cannot scope them."""
    return Prefetch("ratings", queryset=DifficultyRating.objects.all())


def assessment_of(staff: Staff, school_year: int) -> DifficultyAssessment | None:
    return (
        DifficultyAssessment.objects.filter(staff=staff, school_year=school_year)
        .prefetch_related(_ratings())
        .first()
    )


@dataclass(frozen=True)
class ProfileCell:
    level: int | None
    label: str


@dataclass(frozen=True)
class ProfileRow:
    area: DifficultyArea
    cells: list[ProfileCell]
    change: int | None  # last year's level minus the one before: negative = fewer difficulties


@dataclass(frozen=True)
class DiagnosticsProfile:
    assessments: list[DifficultyAssessment]
    rows: list[ProfileRow]

    @property
    def years(self) -> list[int]:
        return [a.school_year for a in self.assessments]

    @property
    def can_compare(self) -> bool:
        return len(self.assessments) > 1


def diagnostics_profile(staff: Staff) -> DiagnosticsProfile:
    """Levels per area for every school year side by side (oldest first), in three queries."""
    assessments = list(
        DifficultyAssessment.objects.filter(staff=staff)
        .select_related("filled_by")
        .prefetch_related(_ratings())
        .order_by("school_year")
    )
    levels = [{r.area_id: r.level for r in a.ratings.all()} for a in assessments]
    rated = {area_id for by_area in levels for area_id in by_area}
    areas = list(DifficultyArea.objects.filter(Q(is_active=True) | Q(pk__in=rated)).order_by("order", "name"))
    labels = dict(DifficultyLevel.choices)
    rows = []
    for area in areas:
        cells = [
            ProfileCell(by_area.get(area.pk), labels.get(by_area.get(area.pk), "")) for by_area in levels
        ]
        change = None
        if len(cells) > 1 and cells[-1].level is not None and cells[-2].level is not None:
            change = cells[-1].level - cells[-2].level
        rows.append(ProfileRow(area=area, cells=cells, change=change))
    return DiagnosticsProfile(assessments=assessments, rows=rows)


FILLED = "filled"
NOT_FILLED = "not_filled"


def diagnostics_overview(*, school_year: int, q: str = "", filled: str = "") -> QuerySet[Staff]:
    """Working staff with their assessment of the year (if any) and its significant difficulties.

    Each person carries ``year_assessments`` (zero or one assessment, with ``deficits``: the ratings
    of level 2 and 3, the highest first), so the page needs three queries whatever its length.
    """
    of_year = DifficultyAssessment.objects.filter(staff=OuterRef("pk"), school_year=school_year)
    deficits = (
        DifficultyRating.objects.filter(level__gte=SIGNIFICANT_DIFFICULTY)
        .select_related("area")
        .order_by("-level", "area__order", "area__name")
    )
    people = (
        Staff.objects.filter(employment_status=EmploymentStatus.WORKS)
        .annotate(has_assessment=Exists(of_year))
        .prefetch_related(
            Prefetch(
                "difficulty_assessments",
                queryset=DifficultyAssessment.objects.filter(school_year=school_year)
                .select_related("filled_by")
                .prefetch_related(Prefetch("ratings", queryset=deficits, to_attr="deficits")),
                to_attr="year_assessments",
            )
        )
    )
    people = _search(people, q)
    if filled == FILLED:
        people = people.filter(has_assessment=True)
    elif filled == NOT_FILLED:
        people = people.filter(has_assessment=False)
    return people.order_by("last_name", "first_name", "patronymic", "pk")


@dataclass(frozen=True)
class AreaSummary:
    area: DifficultyArea
    significant: int  # how many teachers rated this area 2 or 3
    average: float | None


@dataclass(frozen=True)
class DiagnosticsSummary:
    filled: int
    working: int
    areas: list[AreaSummary]


def diagnostics_summary(school_year: int) -> DiagnosticsSummary:
    """The school's deficits of the year, most frequent first (three queries)."""
    per_area = {
        row["area_id"]: row
        for row in DifficultyRating.objects.filter(assessment__school_year=school_year)
        .values("area_id")
        .annotate(
            significant=Count("pk", filter=Q(level__gte=SIGNIFICANT_DIFFICULTY)),
            average=Avg("level"),
        )
        .order_by()
    }
    counts = Staff.objects.filter(employment_status=EmploymentStatus.WORKS).aggregate(
        working=Count("pk"),
        filled=Count(
            "pk",
            filter=Q(
                Exists(DifficultyAssessment.objects.filter(staff=OuterRef("pk"), school_year=school_year))
            ),
        ),
    )
    areas = [
        AreaSummary(
            area=area,
            significant=per_area.get(area.pk, {}).get("significant", 0),
            average=per_area.get(area.pk, {}).get("average"),
        )
        for area in active_areas()
    ]
    areas.sort(key=lambda s: (-s.significant, -(s.average or 0), s.area.order))
    return DiagnosticsSummary(filled=counts["filled"], working=counts["working"], areas=areas)


def assessment_years() -> list[int]:
    """School years that have any assessment in the school, newest first."""
    return list(
        DifficultyAssessment.objects.order_by("-school_year").values_list("school_year", flat=True).distinct()
    )


# --- Mentor base -----------------------------------------------------------------------------------

MENTOR_RELATED = (
    "participant__staff",
    "participant__student",
    "participant__partner_representative__organization",
)


def _mentor_consent() -> Exists:
    return Exists(
        Consent.objects.filter(
            participant=OuterRef("participant"), kind=ConsentKind.MENTOR, withdrawn_on__isnull=True
        )
    )


def _mentees_in_open_pairs() -> Count:
    return Count(
        "participant__pairs_as_mentor__mentee_links",
        filter=Q(participant__pairs_as_mentor__status__in=OPEN_PAIR_STATUSES),
    )


def with_mentor_load(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """``used``: mentees in the mentor's open pairs; ``has_consent``: a valid mentor consent."""
    return profiles.annotate(used=_mentees_in_open_pairs(), has_consent=_mentor_consent())


MENTOR_FREE = "free"
MENTOR_FULL = "full"
MENTOR_INACTIVE = "inactive"


def _competencies_queryset() -> QuerySet[MentorCompetency]:
    return MentorCompetency.objects.select_related("area").order_by("area__order", "area__name")


def _by_mentor_name(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    name = Coalesce(
        "participant__staff__last_name",
        "participant__student__last_name",
        "participant__partner_representative__last_name",
    )
    return profiles.order_by(name.asc(), "pk")


def mentor_list(
    *, q: str = "", availability: str = "", trained: bool = False, area: DifficultyArea | None = None
) -> QuerySet[MentorProfile]:
    """The mentor base with load, consent and competencies; filters never add a multiplying join."""
    profiles = with_mentor_load(MentorProfile.objects.select_related(*MENTOR_RELATED)).prefetch_related(
        Prefetch("competencies", queryset=_competencies_queryset())
    )
    for word in q.split():
        profiles = profiles.filter(
            Q(participant__staff__last_name__icontains=word)
            | Q(participant__staff__first_name__icontains=word)
            | Q(participant__staff__patronymic__icontains=word)
            | Q(participant__student__last_name__icontains=word)
            | Q(participant__student__first_name__icontains=word)
            | Q(participant__partner_representative__last_name__icontains=word)
            | Q(participant__partner_representative__first_name__icontains=word)
            | Q(subjects__icontains=word)
            | Q(tags__icontains=word)
        )
    if trained:
        profiles = profiles.exclude(training_status=TrainingStatus.NONE)
    if area is not None:
        profiles = profiles.filter(Exists(MentorCompetency.objects.filter(profile=OuterRef("pk"), area=area)))
    if availability == MENTOR_INACTIVE:
        profiles = profiles.filter(is_active=False)
    elif availability == MENTOR_FREE:
        profiles = profiles.filter(is_active=True, used__lt=F("capacity"))
    elif availability == MENTOR_FULL:
        profiles = profiles.filter(is_active=True, used__gte=F("capacity"))
    return _by_mentor_name(profiles)


def mentor_detail_queryset() -> QuerySet[MentorProfile]:
    return with_mentor_load(MentorProfile.objects.select_related(*MENTOR_RELATED)).prefetch_related(
        Prefetch("competencies", queryset=_competencies_queryset())
    )


def mentor_profile_of(staff: Staff | None) -> MentorProfile | None:
    """The mentor profile of a staff member, if they are in the mentor base."""
    if staff is None:
        return None
    return mentor_detail_queryset().filter(participant__staff=staff).first()


def registry_of_year(school_year: int) -> MentorRegistry | None:
    return MentorRegistry.objects.filter(school_year=school_year).select_related("decided_by").first()


def registry_mentors(registry: MentorRegistry) -> list[MentorProfile]:
    return list(_by_mentor_name(with_mentor_load(registry.mentors.select_related(*MENTOR_RELATED))))


def registry_candidates() -> QuerySet[MentorProfile]:
    """Mentors the curator may include: those ready to take mentees."""
    return _by_mentor_name(MentorProfile.objects.filter(is_active=True).select_related(*MENTOR_RELATED))


def registry_years() -> list[int]:
    return list(MentorRegistry.objects.order_by("-school_year").values_list("school_year", flat=True))
