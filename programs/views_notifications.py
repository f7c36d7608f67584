"""The user's own reminders: the list, marking them read, and the e-mail preference.

Every signed-in user has these pages, whatever the role. Rows are read through the scoped manager
*and* filtered to ``request.user``, so the page shows the user's reminders of the active work
context's schools, and another user's notification is a 404 like a missing one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programs.models import Notification, NotificationPreference

PAGE_SIZE = 25


def _own(request: HttpRequest) -> QuerySet[Notification]:
    return Notification.objects.filter(user=request.user)


def _safe_next(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_own(request).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "programs/notifications/list.html",
        {
            "page": page,
            "notifications": list(page.object_list),
            "unread": _own(request).filter(read_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one notification read; with ``next`` (its link) this is how «Открыть» works."""
    notification = get_object_or_404(_own(request), pk=pk)
    if notification.read_at is None:
        _own(request).filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(_safe_next(request) or "programs:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponseRedirect:
    marked = _own(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        messages.success(request, _("Все уведомления отмечены прочитанными."))
    return redirect("programs:notifications")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled"]
        help_texts = {
            "email_enabled": gettext_lazy(
                "Напоминания о сроках мероприятий, окончании программ и согласиях приходят в систему всегда; "
                "эта настройка добавляет к ним письмо."
            )
        }


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user
    )
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Настройки уведомлений сохранены."))
        return redirect("programs:notification-settings")
    return TemplateResponse(request, "programs/notifications/settings.html", {"form": form})
