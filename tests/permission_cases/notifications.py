"""Permission cases of the notification pages: a school-A notification of the school-A mentor.

Its title carries the marker name, so a list page that leaked it would fail the marker check.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from programs.models import Notification
from tests.conftest import World
from tests.permission_cases.base import Case


def _notification(w: World) -> Notification:
    with scopes_disabled():
        notification, _created = Notification.objects.get_or_create(
            user=w.a.users["mentor"],
            event_key="permission-case",
            defaults={
                "school": w.a.school,
                "kind": "activity_due",
                "title": f"Напоминание о паре с {w.a.marker}",
                "url": "/",
            },
        )
        return notification


def _list_kwargs(w: World) -> dict:
    _notification(w)
    return {}


CASES: dict[str, Case] = {
    "programs:notifications": Case(owner_role="mentor", kwargs=_list_kwargs),
    "programs:notification-read": Case(
        owner_role="mentor",
        kwargs=lambda w: {"pk": _notification(w).pk},
        method="post",
        addresses_object=True,
        owner_status=302,
    ),
    "programs:notifications-read-all": Case(
        owner_role="mentor", kwargs=_list_kwargs, method="post", owner_status=302
    ),
    "programs:notification-settings": Case(owner_role="mentor"),
}
