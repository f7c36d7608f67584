"""The page «Журнал действий»: the audit trail of the director's school, or of all schools for the admin."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from schools import selectors_audit as selectors
from schools.forms_audit import AuditFilterForm
from schools.models import Role
from schools.tenancy import role_required

PAGE_SIZE = 50


@role_required(Role.DIRECTOR, Role.ADMIN)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Read-only: the trail is never edited or deleted from the interface."""
    is_admin = request.tenant.role == Role.ADMIN
    form = AuditFilterForm(request.GET or None, with_school=is_admin)
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")} if form.is_valid() else {}
    page = Paginator(selectors.audit_entries(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "schools/audit_log.html",
        {"form": form, "page": page, "rows": selectors.audit_rows(page.object_list), "is_admin": is_admin},
    )
