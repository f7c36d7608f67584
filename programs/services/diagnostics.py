"""Writes of the diagnostics area: self-assessments, burnout notes, the yearly mentee-base confirmation.

Every function takes keyword-only arguments and the user who acts, and runs in one transaction, so a
half-written assessment or a confirmation without its count never reaches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import (
    AssessmentSource,
    BurnoutNote,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyLevel,
    DifficultyRating,
    MenteeBaseConfirmation,
)
from schools.models import School, Staff, User


@transaction.atomic
def save_assessment(
    *,
    staff: Staff,
    school_year: int,
    levels: Mapping[int, int],
    source: str,
    comment: str = "",
    acting_user: User,
) -> DifficultyAssessment:
    """Store the teacher's levels per area for the school year, replacing that year's earlier answers.

    One assessment per person and year (a second filling is a correction, not a new record), so the
    profile compares years, not attempts. ``levels`` maps a DifficultyArea id to a level 0–3.
    """
    if source not in AssessmentSource.values:
        raise ValueError(f"Unknown assessment source: {source!r}")
    valid_levels = set(DifficultyLevel.values)
    if any(level not in valid_levels for level in levels.values()):
        raise ValidationError(_("Уровень затруднений — от 0 до 3."))
    known_areas = set(DifficultyArea.objects.filter(pk__in=list(levels)).values_list("pk", flat=True))
    if known_areas != set(levels):
        raise ValidationError(_("Неизвестная область затруднений."))
    assessment, _created = DifficultyAssessment.objects.update_or_create(
        staff=staff,
        school_year=school_year,
        defaults={
            "school_id": staff.school_id,
            "source": source,
            "filled_by": acting_user,
            "comment": comment,
        },
    )
    DifficultyRating.objects.filter(assessment=assessment).delete()
    DifficultyRating.objects.bulk_create(
        [
            DifficultyRating(assessment=assessment, area_id=area_id, level=level)
            for area_id, level in sorted(levels.items())
        ]
    )
    return assessment


@transaction.atomic
def confirm_mentee_base(
    *, school: School, school_year: int, people_count: int, acting_user: User
) -> MenteeBaseConfirmation:
    """Record that the curator checked the list of those who need a mentor (roadmap stage 2).

    Confirmations accumulate: each one is a dated statement of how many people the list had.
    """
    return MenteeBaseConfirmation.objects.create(
        school=school, school_year=school_year, confirmed_by=acting_user, people_count=people_count
    )


@transaction.atomic
def mark_burnout(*, staff: Staff, noted_on: date, comment: str = "", acting_user: User) -> BurnoutNote:
    """Open a burnout note; a person has at most one open note, so the category is unambiguous."""
    if noted_on > timezone.localdate():
        raise ValidationError(_("Дата отметки не может быть в будущем."))
    # Lock the person's row: two psychologists saving at once must not open two notes.
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    if BurnoutNote.objects.filter(staff=staff, closed_on__isnull=True).exists():
        raise ValidationError(_("У этого педагога уже есть действующая отметка о выгорании."))
    return BurnoutNote.objects.create(
        school_id=staff.school_id, staff=staff, noted_on=noted_on, noted_by=acting_user, comment=comment
    )


@transaction.atomic
def close_burnout(*, note: BurnoutNote, closed_on: date | None = None, acting_user: User) -> BurnoutNote:
    """Close an open note (the signs are gone); the note stays as history."""
    note = BurnoutNote.objects.select_for_update().get(pk=note.pk)
    if note.closed_on is not None:
        raise ValidationError(_("Отметка уже снята."))
    closed_on = closed_on or timezone.localdate()
    if closed_on < note.noted_on:
        raise ValidationError(_("Дата снятия не может быть раньше даты отметки."))
    note.closed_on = closed_on
    note.save(update_fields=["closed_on"])
    return note
