"""Reads of the journal screens: whose pairs a user may open, a pair's entries and its plan.

Every query runs inside the request's school scope; the journal page takes a fixed number of
queries whatever the number of entries and files (attachments come in one prefetch).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from programs.models import JournalAttachment, JournalEntry, MentoringPair, PersonalizedProgram, PlanActivity
from programs.selectors_pairs import pair_queryset, pairs_of_user


def visible_pairs(user, *, member: bool) -> QuerySet[MentoringPair]:
    """A mentor or mentee sees only the pairs they are in; the school's staff roles see every pair."""
    return pairs_of_user(user) if member else pair_queryset()


def program_of(pair: MentoringPair) -> PersonalizedProgram | None:
    return PersonalizedProgram.objects.filter(pair=pair).first()


def plan_activities(pair: MentoringPair) -> QuerySet[PlanActivity]:
    """The activities of the pair's program (none while it has no program), in the plan's order."""
    return PlanActivity.objects.filter(program__pair=pair).order_by("due_date", "order", "pk")


def journal_entries(pair: MentoringPair, *, activity: PlanActivity | None = None) -> QuerySet[JournalEntry]:
    """The pair's entries, newest first, with their author, activity and files."""
    entries = (
        JournalEntry.objects.filter(pair=pair)
        .select_related("author", "activity")
        .prefetch_related(Prefetch("attachments", queryset=JournalAttachment.objects.order_by("pk")))
        .order_by("-date", "-pk")
    )
    if activity is not None:
        entries = entries.filter(activity=activity)
    return entries


def entry_queryset(user, *, member: bool) -> QuerySet[JournalEntry]:
    """Entries of the pairs the user may open (another pair's entry is a 404 like a missing one)."""
    pairs = visible_pairs(user, member=member).values("pk")
    return JournalEntry.objects.filter(pair__in=pairs).select_related("pair", "activity")


def attachment_queryset(user, *, member: bool) -> QuerySet[JournalAttachment]:
    pairs = visible_pairs(user, member=member).values("pk")
    return JournalAttachment.objects.filter(entry__pair__in=pairs).select_related("entry")
