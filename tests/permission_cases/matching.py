"""Permission cases of the matching screens (programs/urls_matching.py)."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from programs.models import MentoringForm, MentoringKind
from tests import programs_factories as f
from tests.conftest import World
from tests.permission_cases.base import Case


def _create_pair_data(w: World) -> dict:
    """A free mentor of school A and the terms: the owner's POST creates a draft and redirects."""
    mentor = f.mentor(w.a.school, capacity=2)
    with scopes_disabled():
        form = MentoringForm.objects.get(code="teacher-teacher")
        kind = MentoringKind.objects.get(code="traditional")
    return {
        "mentor": mentor.pk,
        "form": form.pk,
        "kind": kind.pk,
        "start_date": date(2026, 9, 1).isoformat(),
        "planned_end_date": date(2027, 5, 31).isoformat(),
    }


CASES: dict[str, Case] = {
    "programs:match-school": Case(owner_role="curator"),
    "programs:match-mentee": Case(
        owner_role="curator", kwargs=lambda w: {"pk": w.a.staff.pk}, addresses_object=True
    ),
    "programs:match-create-pair": Case(
        owner_role="curator",
        method="post",
        kwargs=lambda w: {"pk": w.a.staff.pk},
        data=_create_pair_data,
        addresses_object=True,
        owner_status=302,
    ),
}
