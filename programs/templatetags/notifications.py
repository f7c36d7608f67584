"""The bell in the header: ``{% load notifications %}{% notification_badge %}``.

It counts the user's unread reminders of the active work context in one query. Pages rendered
outside a school scope (none today, but an error page might be) show the bell without a number
rather than fail.
"""

from __future__ import annotations

from django import template
from django_scopes import ScopeError

from programs.models import Notification

register = template.Library()


@register.inclusion_tag("programs/notifications/_badge.html", takes_context=True)
def notification_badge(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    try:
        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    except ScopeError:
        unread = 0
    return {"show": True, "unread": unread}
