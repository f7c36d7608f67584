"""Pages of the schools app: role home pages, the work-context switcher, staff and school lists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from schools import selectors
from schools.forms import StaffFilterForm
from schools.models import SCHOOL_MANAGERS, SCHOOL_READERS, Role, School, SchoolKind
from schools.services_personal_data import consent_state
from schools.tenancy import SESSION_KEY, role_required

PAGE_SIZE = 50
TERRITORY_READERS = (Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST, Role.ADMIN)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page of the active role."""
    tenant = request.tenant
    role = tenant.role
    context: dict = {}
    if role is None:
        return TemplateResponse(request, "schools/home/no_role.html", context)
    if tenant.active.school is not None:
        school = tenant.active.school
        context["school"] = school
        if role in SCHOOL_READERS:
            context["summary"] = selectors.school_staff_summary(school)
            context["team"] = selectors.school_team(school)
        context["own_staff_records"] = list(request.user.staff_records.filter(school=school))
    elif role in (Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST):
        context["summary"] = selectors.territory_summary()
        if role == Role.REGIONAL_METHODIST:
            context["municipality_rows"] = selectors.municipality_rows(tenant)
    elif role == Role.ADMIN:
        context["counts"] = selectors.platform_counts()
    return TemplateResponse(request, f"schools/home/{role}.html", context)


@require_POST
@login_required
def switch_context(request: HttpRequest) -> HttpResponse:
    """Make another of the user's roles the active one; an unknown key is a 404."""
    key = request.POST.get("context", "")
    if not any(c.key == key for c in request.tenant.contexts):
        raise Http404
    request.session[SESSION_KEY] = key
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("home")


@role_required(*SCHOOL_READERS)
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    staff = selectors.staff_list(
        q=filters.get("q", ""), status=filters.get("status", ""), young=filters.get("young", False)
    )
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "schools/staff_list.html", {"form": form, "page": page})


@role_required(*SCHOOL_READERS)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(selectors.staff_detail_queryset(), pk=pk)
    context: dict = {"person": person}
    if request.tenant.role in SCHOOL_MANAGERS:
        context["pd_consent"] = consent_state(person)
    return TemplateResponse(request, "schools/staff_detail.html", context)


@role_required(*TERRITORY_READERS)
def school_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in SchoolKind.values else ""
    district = request.GET.get("district", "")
    schools = selectors.school_list(q=q, kind=kind, district=district)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "schools/school_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "district": district,
            "kinds": SchoolKind.choices,
            "districts": selectors.districts(),
        },
    )


@role_required(*TERRITORY_READERS)
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read-only overview of one school for methodists (another territory's school is a 404)."""
    school = get_object_or_404(School.objects.select_related("municipality__region"), pk=pk)
    return TemplateResponse(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "summary": selectors.school_staff_summary(school),
            "team": selectors.school_team(school),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer and docker-compose: the database answers."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
