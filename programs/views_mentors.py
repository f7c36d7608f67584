"""Pages of the mentor base: the list, a mentor's card and form, the mentor's own questionnaire, the registry.

Reads come from ``programs.selectors``, writes go through ``programs.services.mentors``; every
object is fetched from a scoped queryset, so another school's id is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import selectors
from programs.forms_mentors import (
    APPROVE,
    MentorCreateForm,
    MentorFilterForm,
    MentorProfileForm,
    QuestionnaireForm,
    RegistryDecisionForm,
    RegistryForm,
)
from programs.models import MentorRegistry
from programs.services import mentors as services
from schools.models import SCHOOL_MANAGERS, SCHOOL_READERS, Role
from schools.tenancy import role_required
from schools.years import school_year_label, school_year_of

PAGE_SIZE = 50
READERS = SCHOOL_READERS
MANAGERS = SCHOOL_MANAGERS
QUESTIONNAIRE_PREFIX = "q"


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: field errors where the form has the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- The mentor base ------------------------------------------------------------------------------


@role_required(*READERS)
def mentor_list(request: HttpRequest) -> HttpResponse:
    form = MentorFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.mentor_list(
        q=filters.get("q", ""),
        availability=filters.get("availability", ""),
        trained=filters.get("trained", False),
        area=filters.get("area"),
    )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "programs/mentors/list.html",
        {"form": form, "page": page, "can_edit": request.tenant.has_role(*MANAGERS)},
    )


@role_required(*MANAGERS)
def mentor_create(request: HttpRequest) -> HttpResponse:
    areas = selectors.active_areas()
    form = MentorCreateForm(request.POST or None, areas=areas)
    questionnaire = QuestionnaireForm(request.POST or None, areas=areas, prefix=QUESTIONNAIRE_PREFIX)
    if request.method == "POST" and form.is_valid() and questionnaire.is_valid():
        try:
            profile = services.create_mentor(
                person=form.person(),
                fields=form.profile_data(),
                competencies=form.competencies(),
                answers=questionnaire.answers(),
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s — в базе наставников.") % {"name": profile.participant.full_name}
            )
            return redirect("programs:mentor-detail", pk=profile.pk)
    return TemplateResponse(
        request,
        "programs/mentors/form.html",
        {"form": form, "questionnaire": questionnaire, "profile": None},
    )


@role_required(*READERS)
def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(selectors.mentor_detail_queryset(), pk=pk)
    return TemplateResponse(
        request,
        "programs/mentors/detail.html",
        {
            "profile": profile,
            "answers": services.questionnaire_answers(profile),
            "questionnaire_meta": profile.questionnaire or {},
            "can_edit": request.tenant.has_role(*MANAGERS),
        },
    )


@role_required(*MANAGERS)
def mentor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(selectors.mentor_detail_queryset(), pk=pk)
    areas = selectors.active_areas()
    form = MentorProfileForm(request.POST or None, instance=profile, areas=areas)
    questionnaire = QuestionnaireForm(
        request.POST or None, areas=areas, stored=profile.questionnaire, prefix=QUESTIONNAIRE_PREFIX
    )
    if request.method == "POST" and form.is_valid() and questionnaire.is_valid():
        try:
            services.update_mentor(
                profile=profile,
                fields=form.profile_data(),
                competencies=form.competencies(),
                answers=questionnaire.answers(),
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Профиль наставника сохранён."))
            return redirect("programs:mentor-detail", pk=profile.pk)
    return TemplateResponse(
        request,
        "programs/mentors/form.html",
        {"form": form, "questionnaire": questionnaire, "profile": profile},
    )


@role_required(Role.MENTOR)
def my_mentor_profile(request: HttpRequest) -> HttpResponse:
    """The mentor answers the questionnaire themselves; the curator sees the answers on the card."""
    person = selectors.own_staff_record(request.user, request.tenant.school)
    profile = selectors.mentor_profile_of(person)
    if profile is None:
        return TemplateResponse(
            request, "programs/mentors/my_profile.html", {"person": person, "profile": None}
        )
    form = QuestionnaireForm(
        request.POST or None, areas=selectors.active_areas(), stored=profile.questionnaire, require_main=True
    )
    if request.method == "POST" and form.is_valid():
        services.save_questionnaire(profile=profile, answers=form.answers(), acting_user=request.user)
        messages.success(request, _("Спасибо! Анкета сохранена."))
        return redirect("programs:my-mentor-profile")
    return TemplateResponse(
        request,
        "programs/mentors/my_profile.html",
        {"person": person, "profile": profile, "form": form, "questionnaire_meta": profile.questionnaire},
    )


# --- The mentor registry of a school year ----------------------------------------------------------


def _registry_page(
    request: HttpRequest, year: int, *, decision_form: RegistryDecisionForm | None = None
) -> HttpResponse:
    current = school_year_of()
    registry = selectors.registry_of_year(year)
    is_curator = request.tenant.has_role(Role.CURATOR)
    is_director = request.tenant.has_role(Role.DIRECTOR)
    editable = year == current and services.registry_is_editable(registry)
    included = selectors.registry_mentors(registry) if registry else []
    form = None
    if is_curator and editable:
        form = RegistryForm(initial={"mentors": [m.pk for m in included]})
    submitted = registry is not None and registry.status == MentorRegistry.Status.SUBMITTED
    if is_director and submitted and decision_form is None:
        decision_form = RegistryDecisionForm(initial={"decision": APPROVE})
    years = sorted({current, *selectors.registry_years()}, reverse=True)
    return TemplateResponse(
        request,
        "programs/mentors/registry.html",
        {
            "registry": registry,
            "mentors": included,
            "year": year,
            "year_label": school_year_label(year),
            "is_current": year == current,
            "years": [(y, school_year_label(y)) for y in years],
            "form": form,
            "can_submit": is_curator and editable and registry is not None,
            "decision_form": decision_form if is_director and submitted else None,
        },
    )


@role_required(*MANAGERS)
def mentor_registry(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = school_year_of()
    return _registry_page(request, year)


@require_POST
@role_required(Role.CURATOR)
def mentor_registry_save(request: HttpRequest) -> HttpResponse:
    """The curator chooses the mentors of the current school year's registry (a draft until sent)."""
    form = RegistryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("programs:mentor-registry")
    try:
        services.save_registry(
            school=request.tenant.school,
            school_year=school_year_of(),
            mentors=form.cleaned_data["mentors"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Состав реестра сохранён."))
    return redirect("programs:mentor-registry")


@require_POST
@role_required(Role.CURATOR)
def mentor_registry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    registry = get_object_or_404(MentorRegistry.objects.all(), pk=pk)
    try:
        services.submit_registry(registry=registry, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Реестр отправлен руководителю на утверждение."))
    return redirect(f"{_registry_url()}?year={registry.school_year}")


@require_POST
@role_required(Role.DIRECTOR)
def mentor_registry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the director decides; an invalid decision shows the registry page with the errors."""
    registry = get_object_or_404(MentorRegistry.objects.all(), pk=pk)
    form = RegistryDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == APPROVE
        try:
            services.decide_registry(
                registry=registry,
                approve=approve,
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Реестр утверждён.") if approve else _("Реестр возвращён куратору на доработку.")
            )
        return redirect(f"{_registry_url()}?year={registry.school_year}")
    return _registry_page(request, registry.school_year, decision_form=form)


def _registry_url() -> str:
    return reverse("programs:mentor-registry")
