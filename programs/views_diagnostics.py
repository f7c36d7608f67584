"""Pages of the diagnostics area: «Кому нужен наставник», self-assessment of difficulties, burnout notes.

Reads come from ``programs.selectors``, writes go through ``programs.services.diagnostics``; every
object is fetched from a scoped queryset, so another school's id is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import selectors
from programs.forms_diagnostics import (
    AssessmentForm,
    BurnoutNoteForm,
    DiagnosticsFilterForm,
    MenteeBaseFilterForm,
    StaffSearchForm,
)
from programs.models import AssessmentSource, BurnoutNote
from programs.services import diagnostics as services
from schools.models import SCHOOL_READERS, EmploymentStatus, Role, Staff
from schools.tenancy import role_required
from schools.years import school_year_label, school_year_of

PAGE_SIZE = 50
# Who sees the mentee base and the diagnostics of the school's teachers.
READERS = SCHOOL_READERS
# Who fills the self-assessment for themselves in their cabinet.
SELF_ASSESSORS = (Role.MENTEE, Role.MENTOR)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# --- «Кому нужен наставник» -----------------------------------------------------------------------


@role_required(*READERS)
def mentee_base(request: HttpRequest) -> HttpResponse:
    rules = selectors.mentee_base_rules()
    form = MenteeBaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.mentee_base(
        rules=rules,
        q=filters.get("q", ""),
        category=filters.get("category", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, selectors.mentee_categories_of(person)) for person in page]
    counts = selectors.mentee_base_counts(rules)
    return TemplateResponse(
        request,
        "programs/diagnostics/mentee_base.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "rules": rules,
            "year_label": school_year_label(rules.school_year),
            "previous_year_label": school_year_label(rules.school_year - 1),
            "counts": counts,
            "category_counts": [(c, counts.by_category[c.code]) for c in selectors.MENTEE_CATEGORIES],
            "confirmation": selectors.last_mentee_base_confirmation(rules.school_year),
            "can_confirm": request.tenant.has_role(Role.CURATOR),
            "can_fill": request.tenant.has_role(Role.CURATOR),
            "can_mark_burnout": request.tenant.has_role(Role.PSYCHOLOGIST),
        },
    )


@require_POST
@role_required(Role.CURATOR)
def mentee_base_confirm(request: HttpRequest) -> HttpResponse:
    """The curator confirms the whole list (not a filtered view of it) for the current school year."""
    rules = selectors.mentee_base_rules()
    counts = selectors.mentee_base_counts(rules)
    services.confirm_mentee_base(
        school=request.tenant.school,
        school_year=rules.school_year,
        people_count=counts.total,
        acting_user=request.user,
    )
    messages.success(
        request,
        _("Список на %(year)s учебный год подтверждён: %(count)s чел.")
        % {"year": school_year_label(rules.school_year), "count": counts.total},
    )
    return redirect("programs:mentee-base")


# --- Burnout notes --------------------------------------------------------------------------------


@role_required(*READERS)
def burnout_list(request: HttpRequest) -> HttpResponse:
    """Open notes for the team; the psychologist also finds a person here to mark."""
    is_psychologist = request.tenant.has_role(Role.PSYCHOLOGIST)
    search = StaffSearchForm(request.GET or None)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    found = list(selectors.working_staff(q=q)[:20]) if is_psychologist and q.strip() else None
    return TemplateResponse(
        request,
        "programs/diagnostics/burnout_list.html",
        {
            "open_notes": list(selectors.open_burnout_notes()),
            "closed_notes": selectors.closed_burnout_notes(),
            "search": search,
            "found": found,
            "can_write": is_psychologist,
            "show_comments": is_psychologist,
        },
    )


@role_required(Role.PSYCHOLOGIST)
def burnout_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Staff.objects.filter(employment_status=EmploymentStatus.WORKS), pk=pk)
    form = BurnoutNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_burnout(
                staff=person,
                noted_on=form.cleaned_data["noted_on"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Отметка о выгорании сохранена: %(name)s.") % {"name": person.full_name}
            )
            return redirect("programs:burnout-list")
    return TemplateResponse(
        request, "programs/diagnostics/burnout_form.html", {"person": person, "form": form}
    )


@require_POST
@role_required(Role.PSYCHOLOGIST)
def burnout_close(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(BurnoutNote.objects.select_related("staff"), pk=pk)
    try:
        services.close_burnout(note=note, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Отметка снята: %(name)s.") % {"name": note.staff.full_name})
    return redirect(_safe_next(request, "programs:burnout-list"))


# --- Diagnostics of difficulties ------------------------------------------------------------------


def _assessment_page(
    request: HttpRequest, *, person: Staff, source: str, template: str, success_url: str
) -> HttpResponse:
    """The questionnaire for the current school year, prefilled with this year's earlier answers."""
    year = school_year_of()
    areas = selectors.active_areas()
    existing = selectors.assessment_of(person, year)
    levels = {r.area_id: r.level for r in existing.ratings.all()} if existing else {}
    initial = {"comment": existing.comment} if existing else {}
    form = AssessmentForm(request.POST or None, areas=areas, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_assessment(
            staff=person,
            school_year=year,
            levels=form.levels(),
            source=source,
            comment=form.cleaned_data["comment"],
            acting_user=request.user,
        )
        messages.success(
            request,
            _("Диагностика за %(year)s учебный год сохранена.") % {"year": school_year_label(year)},
        )
        return redirect(success_url)
    return TemplateResponse(
        request,
        template,
        {
            "person": person,
            "form": form,
            "existing": existing,
            "year_label": school_year_label(year),
            "profile": selectors.diagnostics_profile(person),
        },
    )


@role_required(*SELF_ASSESSORS)
def my_diagnostics(request: HttpRequest) -> HttpResponse:
    """The teacher's own self-assessment; a user without a staff card here gets an explanation."""
    person = selectors.own_staff_record(request.user, request.tenant.school)
    if person is None:
        return TemplateResponse(request, "programs/diagnostics/my_diagnostics.html", {"person": None})
    return _assessment_page(
        request,
        person=person,
        source=AssessmentSource.SELF,
        template="programs/diagnostics/my_diagnostics.html",
        success_url="programs:my-diagnostics",
    )


@role_required(Role.CURATOR)
def diagnostics_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The curator fills the questionnaire for a teacher (after a conversation, from a paper form)."""
    person = get_object_or_404(Staff.objects.all(), pk=pk)
    return _assessment_page(
        request,
        person=person,
        source=AssessmentSource.CURATOR,
        template="programs/diagnostics/fill.html",
        success_url=reverse("programs:diagnostics-profile", kwargs={"pk": person.pk}),
    )


@role_required(*READERS)
def diagnostics_profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Staff.objects.all(), pk=pk)
    return TemplateResponse(
        request,
        "programs/diagnostics/profile.html",
        {
            "person": person,
            "profile": selectors.diagnostics_profile(person),
            "can_fill": request.tenant.has_role(Role.CURATOR),
        },
    )


@role_required(*READERS)
def diagnostics_list(request: HttpRequest) -> HttpResponse:
    current = school_year_of()
    years = sorted({current, *selectors.assessment_years()}, reverse=True)
    form = DiagnosticsFilterForm(request.GET or None, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or current
    people = selectors.diagnostics_overview(
        school_year=year, q=filters.get("q", ""), filled=filters.get("filled", "")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, person.year_assessments[0] if person.year_assessments else None) for person in page]
    return TemplateResponse(
        request,
        "programs/diagnostics/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "year": year,
            "year_label": school_year_label(year),
            "summary": selectors.diagnostics_summary(year),
            "can_fill": request.tenant.has_role(Role.CURATOR) and year == current,
        },
    )
