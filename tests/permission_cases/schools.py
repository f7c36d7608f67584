"""Permission cases of the schools app and the project-level URLs."""

from __future__ import annotations

from django_scopes import scopes_disabled

from tests.conftest import World
from tests.permission_cases.base import Case


def _membership_key(w: World) -> dict:
    with scopes_disabled():
        return {"context": f"m{w.a.users['curator'].memberships.get().pk}"}


CASES: dict[str, Case] = {
    "home": Case(owner_role="curator"),
    "healthz": Case(owner_role=None, public=True),
    "accounts:login": Case(owner_role=None, public=True, owner_status=302),
    "accounts:logout": Case(owner_role="curator", method="post", owner_status=302, extra_ok=(302,)),
    "accounts:password-change": Case(owner_role="curator"),
    "accounts:password-change-done": Case(owner_role="curator"),
    "accounts:password-reset": Case(owner_role=None, public=True),
    "accounts:password-reset-done": Case(owner_role=None, public=True),
    "accounts:password-reset-confirm": Case(
        owner_role=None, public=True, kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}
    ),
    "accounts:password-reset-complete": Case(owner_role=None, public=True),
    "schools:switch-context": Case(
        owner_role="curator", method="post", data=_membership_key, addresses_object=True, owner_status=302
    ),
    "schools:staff-list": Case(owner_role="curator"),
    "schools:staff-detail": Case(
        owner_role="curator", kwargs=lambda w: {"pk": w.a.staff.pk}, addresses_object=True
    ),
    "schools:school-list": Case(owner_role="municipal_methodist"),
    "schools:school-detail": Case(
        owner_role="municipal_methodist", kwargs=lambda w: {"pk": w.a.school.pk}, addresses_object=True
    ),
}
