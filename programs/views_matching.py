"""Pages of the matching: mentors ranked for one teacher, and draft pairs proposed for the whole school.

Only the director and the curator match (they create pairs); every other role gets 404. The
teacher is fetched from the request's scoped queryset, so another school's id is a 404 too. The
arithmetic is in ``programs.matching``, the reads and writes in ``programs.services.matching``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.forms_matching import (
    CreateSuggestedPairForm,
    MatchingOptionsForm,
    PairTermsForm,
    default_terms,
)
from programs.matching import FACTOR_LABELS
from programs.services import matching as services
from programs.services.pairs import PairError
from schools.models import EmploymentStatus, Role, Staff
from schools.tenancy import role_required

MATCHERS = (Role.DIRECTOR, Role.CURATOR)
SUGGESTIONS_LIMIT = 10


def _teachers():
    return Staff.objects.filter(employment_status=EmploymentStatus.WORKS).select_related(
        "school", "participant"
    )


def pair_url(pair_id: int) -> str | None:
    """The pair's page when the pair screens provide one; matching works without them."""
    try:
        return reverse("programs:pair-detail", kwargs={"pk": pair_id})
    except NoReverseMatch:
        return None


def _factor_headers() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in FACTOR_LABELS.items()]


def _error_text(error: PairError) -> str:
    return " ".join(error.messages)


@role_required(*MATCHERS)
def match_mentee(request: HttpRequest, pk: int) -> HttpResponse:
    """Mentors ranked for one teacher, with every factor explained, and a draft-pair button per mentor."""
    person = get_object_or_404(_teachers(), pk=pk)
    defaults = default_terms()
    options = MatchingOptionsForm(request.GET or None)
    chosen = options.cleaned_data if options.is_bound and options.is_valid() else {}
    form, network = chosen.get("form") or defaults["form"], chosen.get("network", False)
    options = MatchingOptionsForm(initial={"form": form, "network": network})  # shown as applied
    result = services.suggest_for_mentee(person, form=form, network=network, limit=SUGGESTIONS_LIMIT)
    terms = PairTermsForm(initial={**defaults, "form": form, "network": network})
    return TemplateResponse(
        request,
        "programs/matching/mentee.html",
        {
            "person": person,
            "options": options,
            "terms": terms,
            "chosen_form": form,
            "network": network,
            "result": result,
            "factor_headers": _factor_headers(),
        },
    )


@role_required(*MATCHERS)
@require_POST
def match_create_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """«Создать черновик пары» on the mentee page: a draft pair with the mentor of the pressed row."""
    person = get_object_or_404(_teachers(), pk=pk)
    form = CreateSuggestedPairForm(request.POST)
    back = reverse("programs:match-mentee", kwargs={"pk": person.pk})
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("Черновик пары не создан: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    data = form.cleaned_data
    back += "?" + urlencode({"form": data["form"].pk, **({"network": "on"} if data["network"] else {})})
    try:
        pair = services.create_suggested_pair(
            school=request.tenant.school,
            person=person,
            mentor_id=data["mentor"],
            form=data["form"],
            kind=data["kind"],
            start_date=data["start_date"],
            planned_end_date=data["planned_end_date"],
            network=data["network"],
            acting_user=request.user,
        )
    except PairError as error:
        messages.error(request, _("Черновик пары не создан: %(errors)s") % {"errors": _error_text(error)})
        return redirect(back)
    messages.success(
        request,
        _("Создан черновик пары: %(mentee)s — наставник %(mentor)s. Проверьте его и соберите согласия.")
        % {"mentee": person.full_name, "mentor": pair.mentor.full_name},
    )
    return redirect(pair_url(pair.pk) or back)


@role_required(*MATCHERS)
def match_school(request: HttpRequest) -> HttpResponse:
    """The whole school at once: GET shows who waits and the terms; POST writes the draft pairs."""
    school = request.tenant.school
    defaults = default_terms()
    proposal = None
    if request.method == "POST":
        form = PairTermsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.propose_school_assignment(
                    school=school,
                    acting_user=request.user,
                    form=data["form"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    planned_end_date=data["planned_end_date"],
                    network=data["network"],
                )
            except PairError as error:
                form.add_error(None, _("Предложение не создано: %(errors)s") % {"errors": _error_text(error)})
    else:
        form = PairTermsForm(initial=defaults)
    context = {"form": form, "proposal": proposal, "factor_headers": _factor_headers()}
    if proposal is None:
        context["waiting"] = services.unmatched_mentee_candidates(school)
        mentors = services.mentor_candidates(defaults["form"]).values()
        context["mentor_count"] = sum(1 for m in mentors if m.offer.capacity_left > 0)
        context["free_places"] = sum(max(m.offer.capacity_left, 0) for m in mentors)
    else:
        context["created_rows"] = [(p, pair_url(p.pair.pk)) for p in proposal.created]
    return TemplateResponse(request, "programs/matching/school.html", context)
