"""Permission cases of the diagnostics area, the mentee base and the mentor base (programs app)."""

from __future__ import annotations

from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import BurnoutNote, MentorProfile, MentorRegistry, Participant, ParticipantKind
from schools.years import school_year_of
from tests.conftest import World
from tests.permission_cases.base import Case


def _staff(w: World) -> dict:
    return {"pk": w.a.staff.pk}


def _mentor_profile(w: World) -> MentorProfile:
    """School A's marker person as a mentor (created once per test world)."""
    with scopes_disabled():
        participant, _ = Participant.objects.get_or_create(
            staff=w.a.staff, defaults={"school": w.a.school, "kind": ParticipantKind.STAFF}
        )
        profile, _ = MentorProfile.objects.get_or_create(
            participant=participant, defaults={"school": w.a.school}
        )
        return profile


def _mentor(w: World) -> dict:
    return {"pk": _mentor_profile(w).pk}


def _open_burnout_note(w: World) -> dict:
    with scopes_disabled():
        note = BurnoutNote.objects.create(
            school=w.a.school,
            staff=w.a.staff,
            noted_on=timezone.localdate(),
            noted_by=w.a.users["psychologist"],
        )
    return {"pk": note.pk}


def _registry(w: World, status: str) -> dict:
    profile = _mentor_profile(w)
    with scopes_disabled():
        registry, _ = MentorRegistry.objects.get_or_create(
            school=w.a.school, school_year=school_year_of(), defaults={"status": status}
        )
        registry.mentors.add(profile)
    return {"pk": registry.pk}


CASES: dict[str, Case] = {
    # «Кому нужен наставник» and burnout notes
    "programs:mentee-base": Case(owner_role="curator"),
    "programs:mentee-base-confirm": Case(owner_role="curator", method="post", owner_status=302),
    "programs:burnout-list": Case(owner_role="psychologist"),
    "programs:burnout-create": Case(owner_role="psychologist", kwargs=_staff, addresses_object=True),
    "programs:burnout-close": Case(
        owner_role="psychologist",
        kwargs=_open_burnout_note,
        method="post",
        owner_status=302,
        addresses_object=True,
    ),
    # Diagnostics of difficulties
    "programs:diagnostics-list": Case(owner_role="curator"),
    "programs:my-diagnostics": Case(owner_role="mentee"),
    "programs:diagnostics-profile": Case(owner_role="curator", kwargs=_staff, addresses_object=True),
    "programs:diagnostics-fill": Case(owner_role="curator", kwargs=_staff, addresses_object=True),
    # The mentor base
    "programs:mentor-list": Case(owner_role="curator"),
    "programs:mentor-create": Case(owner_role="curator"),
    "programs:mentor-detail": Case(owner_role="curator", kwargs=_mentor, addresses_object=True),
    "programs:mentor-edit": Case(owner_role="curator", kwargs=_mentor, addresses_object=True),
    "programs:my-mentor-profile": Case(owner_role="mentor"),
    # The mentor registry of the school year
    "programs:mentor-registry": Case(owner_role="curator"),
    "programs:mentor-registry-save": Case(owner_role="curator", method="post", owner_status=302),
    "programs:mentor-registry-submit": Case(
        owner_role="curator",
        kwargs=lambda w: _registry(w, MentorRegistry.Status.DRAFT),
        method="post",
        owner_status=302,
        addresses_object=True,
    ),
    "programs:mentor-registry-decide": Case(
        owner_role="director",
        kwargs=lambda w: _registry(w, MentorRegistry.Status.SUBMITTED),
        data=lambda w: {"decision": "approve"},
        method="post",
        owner_status=302,
        addresses_object=True,
    ),
}
