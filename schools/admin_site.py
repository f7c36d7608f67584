"""Django admin for platform administrators: the one interface that reads across all tenants."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled


class NastavnikAdminSite(admin.AdminSite):
    """Admin site open to superusers only, with the school scope explicitly lifted."""

    site_header = _("Наставник — администрирование")
    site_title = _("Наставник")
    index_title = _("Администрирование платформы")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.is_superuser

    def admin_view(self, view, cacheable: bool = False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def unscoped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            with scopes_disabled():
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                    response.render()
                return response

        return unscoped
