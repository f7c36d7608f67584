"""Pages of the participants' questionnaires: «Мои анкеты», filling one, and the school's results.

Mentors and mentees fill the questionnaires of the current school year that their pairs call for;
the director, the curator and the psychologist read the aggregates of their school — never a single
response or a respondent (``monitoring.services_surveys`` decides what may be shown).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from monitoring import services_surveys as services
from monitoring.forms_surveys import SurveyForm
from monitoring.surveys import questionnaire
from programs.forms_pairs import add_service_error
from schools.models import PARTICIPANT_ROLES, SCHOOL_READERS
from schools.tenancy import role_required
from schools.years import school_year_label, school_year_of


@role_required(*PARTICIPANT_ROLES)
def my_surveys(request: HttpRequest) -> HttpResponse:
    year = school_year_of()
    items = services.my_surveys(request.user, request.tenant.school, year)
    return TemplateResponse(
        request,
        "monitoring/surveys/my_surveys.html",
        {"items": items, "year_label": school_year_label(year), "threshold": services.MIN_RESPONSES},
    )


@role_required(*PARTICIPANT_ROLES)
def survey_fill(request: HttpRequest, kind: str) -> HttpResponse:
    """A questionnaire offered to the user; another one (or an unknown kind) is a 404."""
    form_definition = questionnaire(kind)
    school, year = request.tenant.school, school_year_of()
    if form_definition is None or kind not in services.eligible_kinds(request.user, school, year):
        raise Http404
    filled = kind in services.filled_kinds(request.user, school, year)
    form = None
    if not filled:
        form = SurveyForm(request.POST or None, questionnaire=form_definition)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_response(
                    user=request.user,
                    school=school,
                    kind=kind,
                    school_year=year,
                    answers=form.answers(),
                    anonymous=form.cleaned_data["anonymous"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Спасибо! Анкета сохранена."))
                return redirect("monitoring:my-surveys")
    return TemplateResponse(
        request,
        "monitoring/surveys/fill.html",
        {
            "questionnaire": form_definition,
            "form": form,
            "filled": filled,
            "year_label": school_year_label(year),
            "threshold": services.MIN_RESPONSES,
        },
    )


@role_required(*SCHOOL_READERS)
def survey_results(request: HttpRequest) -> HttpResponse:
    school, current = request.tenant.school, school_year_of()
    years = services.survey_years(school, current)
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    if year not in years:
        year = current
    results = services.results_for_school(school, year)
    return TemplateResponse(
        request,
        "monitoring/surveys/results.html",
        {
            "results": results,
            "impact": services.impact(results),
            "year": year,
            "year_label": school_year_label(year),
            "years": [(y, school_year_label(y)) for y in years],
            "threshold": services.MIN_RESPONSES,
        },
    )
