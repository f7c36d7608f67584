"""The cabinet of a mentor or a mentee: their pairs and, for each open one, what needs doing.

One read for the whole page in a fixed number of queries, whatever the number of pairs, plan
activities and journal entries (tests/test_cabinets.py measures 1 pair against 6 pairs of 20
activities): the pairs with their mentor and program in one query, then one prefetch each for the
mentees, the user's own requests, the plan activities and the last three journal entries of every
pair (a sliced prefetch: one windowed query for all pairs), and one query for the mentee's
diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from programs.models import (
    ActivityStatus,
    DifficultyAssessment,
    JournalEntry,
    MentoringPair,
    PairRequest,
    PersonalizedProgram,
    PlanActivity,
)
from programs.selectors_pairs import pairs_of_user
from programs.services.programs import WORKING_STATUSES
from schools.models import Staff
from schools.years import school_year_of

WEEK = timedelta(days=7)
LAST_ENTRIES = 3
# A plan is in force once approved; a draft may still change, a finished one asks nothing more.
PLAN_IN_FORCE = WORKING_STATUSES


@dataclass
class CabinetPair:
    """One pair of the user with what the cabinet shows about it."""

    pair: MentoringPair
    i_am_mentor: bool
    program: PersonalizedProgram | None = None
    done: int = 0
    total: int = 0  # done and planned activities (cancelled ones are not part of the plan any more)
    due_this_week: list[PlanActivity] = field(default_factory=list)
    overdue: list[PlanActivity] = field(default_factory=list)
    last_entries: list[JournalEntry] = field(default_factory=list)
    requests: list[PairRequest] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.pair.is_open

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def has_open_request(self) -> bool:
        return any(r.status == PairRequest.Status.OPEN for r in self.requests)


@dataclass
class Cabinet:
    pairs: list[CabinetPair]
    today: date
    needs_diagnostics: bool = False

    @property
    def open_pairs(self) -> list[CabinetPair]:
        return [p for p in self.pairs if p.is_open]

    @property
    def due_count(self) -> int:
        return sum(len(p.due_this_week) for p in self.open_pairs)

    @property
    def overdue_count(self) -> int:
        return sum(len(p.overdue) for p in self.open_pairs)


def _program(pair: MentoringPair) -> PersonalizedProgram | None:
    try:
        return pair.program
    except PersonalizedProgram.DoesNotExist:
        return None


def _cabinet_pair(pair: MentoringPair, user, today: date) -> CabinetPair:
    item = CabinetPair(
        pair=pair,
        i_am_mentor=pair.mentor.user_id_of_person == user.pk,
        requests=pair.my_requests,
        last_entries=pair.last_entries,
    )
    # The older name used by programs/pairs/_my_pairs.html and other pair templates.
    pair.i_am_mentor = item.i_am_mentor
    pair.my_open_requests = [r for r in pair.my_requests if r.status == PairRequest.Status.OPEN]
    program = _program(pair)
    if program is None:
        return item
    item.program = program
    activities = program.cabinet_activities
    item.total = len(activities)
    item.done = sum(1 for a in activities if a.status == ActivityStatus.DONE)
    if pair.is_open and program.status in PLAN_IN_FORCE:
        planned = [a for a in activities if a.status == ActivityStatus.PLANNED]
        item.overdue = [a for a in planned if a.due_date < today]
        item.due_this_week = [a for a in planned if today <= a.due_date <= today + WEEK]
    return item


def _needs_diagnostics(user, today: date) -> bool:
    """A teacher of this school without a self-assessment for the current school year."""
    filled = DifficultyAssessment.objects.filter(staff=OuterRef("pk"), school_year=school_year_of(today))
    flags = list(
        Staff.objects.filter(user=user).annotate(filled=Exists(filled)).values_list("filled", flat=True)
    )
    return bool(flags) and not any(flags)


def cabinet(user, *, diagnostics: bool = False, today: date | None = None) -> Cabinet:
    """The user's pairs in the active school with their program, deadlines, journal and requests."""
    today = today or timezone.localdate()
    pairs = list(
        pairs_of_user(user)
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "requests",
                queryset=PairRequest.objects.filter(author=user).order_by("-created_at", "-pk"),
                to_attr="my_requests",
            ),
            Prefetch(
                "program__activities",
                queryset=PlanActivity.objects.exclude(status=ActivityStatus.CANCELLED).order_by(
                    "due_date", "order", "pk"
                ),
                to_attr="cabinet_activities",
            ),
            Prefetch(
                "journal",
                queryset=JournalEntry.objects.select_related("author").order_by("-date", "-pk")[
                    :LAST_ENTRIES
                ],
                to_attr="last_entries",
            ),
        )
    )
    return Cabinet(
        pairs=[_cabinet_pair(pair, user, today) for pair in pairs],
        today=today,
        needs_diagnostics=diagnostics and _needs_diagnostics(user, today),
    )
