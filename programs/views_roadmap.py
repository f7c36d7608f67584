"""Pages of the school roadmap: the year's seven stages with their statuses, editing, approval.

The curator creates, edits, marks and submits; the director reads and decides (POST actions, as for
the mentor registry). Writes go through ``programs.services.roadmap``; objects are fetched from
scoped querysets, so another school's id is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.forms_roadmap import APPROVE, RoadmapCreateForm, RoadmapDecisionForm, StageForm, StageMarkForm
from programs.models import RoadmapStage, RoadmapStatus, SchoolRoadmap, StageStatus
from programs.services import roadmap as services
from schools.models import Role
from schools.tenancy import role_required
from schools.years import school_year_label, school_year_of

READERS = (Role.DIRECTOR, Role.CURATOR)


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _roadmap_url(year: int) -> str:
    return f"{reverse('programs:roadmap')}?year={year}"


def _page(
    request: HttpRequest,
    year: int,
    *,
    create_form: RoadmapCreateForm | None = None,
    decision_form: RoadmapDecisionForm | None = None,
) -> HttpResponse:
    current = school_year_of()
    creatable = services.creatable_years()
    roadmap = services.roadmap_of_year(year)
    is_curator = request.tenant.has_role(Role.CURATOR)
    is_director = request.tenant.has_role(Role.DIRECTOR)
    can_create = roadmap is None and is_curator and year in creatable
    if can_create and create_form is None:
        create_form = RoadmapCreateForm(school_year=year)
    submitted = roadmap is not None and roadmap.status == RoadmapStatus.SUBMITTED
    if is_director and submitted and decision_form is None:
        decision_form = RoadmapDecisionForm(initial={"decision": APPROVE})
    page = services.roadmap_page(roadmap, timezone.localdate()) if roadmap else None
    years = sorted({*creatable, *services.roadmap_years()}, reverse=True)
    return TemplateResponse(
        request,
        "programs/roadmap/roadmap.html",
        {
            "roadmap": roadmap,
            "page": page,
            "year": year,
            "year_label": school_year_label(year),
            "is_current": year == current,
            "years": [(y, school_year_label(y)) for y in years],
            "create_form": create_form if can_create else None,
            "can_edit": is_curator and services.roadmap_is_editable(roadmap),
            "can_mark": is_curator,
            "can_submit": is_curator and roadmap is not None and services.roadmap_is_editable(roadmap),
            "decision_form": decision_form if is_director and submitted else None,
            "phases": services.PHASES,
            "stage_statuses": StageStatus.choices,
        },
    )


@role_required(*READERS)
def roadmap(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = school_year_of()
    return _page(request, year)


@require_POST
@role_required(Role.CURATOR)
def roadmap_create(request: HttpRequest) -> HttpResponse:
    """«Создать дорожную карту» from the template of seven stages (the current school year, or the next in summer)."""
    try:
        year = int(request.POST.get("school_year", ""))
    except ValueError:
        year = school_year_of()
    if year not in services.creatable_years():
        year = school_year_of()
    form = RoadmapCreateForm(request.POST, school_year=year)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_roadmap(
                school=request.tenant.school,
                school_year=year,
                start_date=data["start_date"],
                end_date=data["end_date"],
                pairs_order_date=data["pairs_order_date"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Дорожная карта создана по шаблону из семи этапов. Проверьте сроки и мероприятия.")
            )
            return redirect(_roadmap_url(year))
    return _page(request, year, create_form=form)


@role_required(Role.CURATOR)
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(RoadmapStage.objects.select_related("roadmap"), pk=pk)
    roadmap = stage.roadmap
    if not services.roadmap_is_editable(roadmap):
        messages.error(
            request, _("Дорожная карта отправлена на утверждение или утверждена — изменить этапы нельзя.")
        )
        return redirect(_roadmap_url(roadmap.school_year))
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_stage(stage=stage, fields=form.stage_fields(), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Этап сохранён."))
            return redirect(f"{_roadmap_url(roadmap.school_year)}#stage-{stage.order}")
    return TemplateResponse(
        request,
        "programs/roadmap/stage_form.html",
        {
            "form": form,
            "stage": stage,
            "roadmap": roadmap,
            "year_label": school_year_label(roadmap.school_year),
            "template": services.STAGE_BY_CODE.get(stage.code),
        },
    )


@require_POST
@role_required(Role.CURATOR)
def stage_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The curator's mark of execution for a stage the data cannot judge (1, 4, 7)."""
    stage = get_object_or_404(RoadmapStage.objects.select_related("roadmap"), pk=pk)
    form = StageMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите отметку о выполнении."))
    else:
        try:
            services.mark_stage(stage=stage, status=form.cleaned_data["status"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Отметка о выполнении этапа сохранена."))
    return redirect(f"{_roadmap_url(stage.roadmap.school_year)}#stage-{stage.order}")


@require_POST
@role_required(Role.CURATOR)
def roadmap_submit(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_object_or_404(SchoolRoadmap.objects.all(), pk=pk)
    try:
        services.submit_roadmap(roadmap=roadmap, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Дорожная карта отправлена руководителю на утверждение."))
    return redirect(_roadmap_url(roadmap.school_year))


@require_POST
@role_required(Role.DIRECTOR)
def roadmap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the director decides; an invalid decision shows the roadmap page with the errors."""
    roadmap = get_object_or_404(SchoolRoadmap.objects.all(), pk=pk)
    form = RoadmapDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == APPROVE
        try:
            services.decide_roadmap(
                roadmap=roadmap,
                approve=approve,
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Дорожная карта утверждена.")
                if approve
                else _("Дорожная карта возвращена куратору на доработку."),
            )
        return redirect(_roadmap_url(roadmap.school_year))
    return _page(request, roadmap.school_year, decision_form=form)
