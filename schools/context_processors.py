"""Template context shared by every page: the tenant (work contexts) and the navigation."""

from __future__ import annotations

from django.http import HttpRequest

from schools.navigation import navigation_links


def tenant(request: HttpRequest) -> dict:
    t = getattr(request, "tenant", None)
    if t is None:
        return {}
    return {"tenant": t, "work_context": t.active, "navigation": navigation_links(t, request.path)}
