"""Participants: the one link from mentoring records to a person of the school's registries."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from programs.models import Participant, ParticipantKind
from schools.models import PartnerRepresentative, Staff, Student


def participant_for(person: Staff | Student | PartnerRepresentative) -> Participant:
    """The participant row of a registry person, created on first use (safe under concurrency)."""
    if isinstance(person, Staff):
        kind, field = ParticipantKind.STAFF, "staff"
    elif isinstance(person, Student):
        kind, field = ParticipantKind.STUDENT, "student"
    elif isinstance(person, PartnerRepresentative):
        kind, field = ParticipantKind.PARTNER, "partner_representative"
    else:  # pragma: no cover - a programming error
        raise TypeError(f"Not a registry person: {person!r}")
    existing = Participant.objects.filter(**{field: person}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Participant.objects.create(school_id=person.school_id, kind=kind, **{field: person})
    except IntegrityError:  # created by a concurrent request
        return Participant.objects.get(**{field: person})
