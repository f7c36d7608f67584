"""Pages of monitoring campaigns: the methodist's campaigns and table of schools, the school's submission.

- Methodists (municipal, and regional to read) see the campaigns of their territory; the municipal
  methodist opens a campaign, moves its stages, reads each school's submission and accepts or
  returns it. Campaigns are read through their territory-scoped manager and submissions through the
  school-scoped one, so another municipality's campaign or school is a 404 like a missing one.
- The curator fills and submits the school's submission and prepares the analytical note; the
  director reads it and signs the note in the documents workflow.

Every rule is in ``monitoring.services_campaigns``; its ``CampaignError`` comes back as form errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import selectors_campaigns as selectors
from monitoring import services_campaigns as services
from monitoring.forms_campaigns import (
    ACCEPT,
    SORTS,
    SUBMIT,
    CampaignOpenForm,
    DecisionForm,
    StageForm,
    SubmissionForm,
)
from monitoring.models import Campaign, CampaignStage, Submission, SubmissionStatus
from programs.forms_pairs import add_service_error
from programs.models import DocumentStatus
from schools.models import Role
from schools.tenancy import role_required
from schools.years import school_year_label

METHODISTS = (Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST)
SCHOOL_SIDE = (Role.DIRECTOR, Role.CURATOR)


def _is_methodist(request: HttpRequest) -> bool:
    return request.tenant.has_role(*METHODISTS)


def _municipality(request: HttpRequest):
    """The municipality the user acts for as its methodist (None for every other role)."""
    if request.tenant.has_role(Role.MUNICIPAL_METHODIST):
        return request.tenant.active.municipality
    return None


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The list -------------------------------------------------------------------------------------


def _list_page(request: HttpRequest, open_form: CampaignOpenForm | None = None) -> HttpResponse:
    context: dict = {"is_methodist": _is_methodist(request)}
    if context["is_methodist"]:
        context["campaigns"] = [
            {"campaign": c, "stage_badge": selectors.STAGE_BADGES[c.stage]}
            for c in selectors.campaigns_for_territory()
        ]
        if request.tenant.has_role(Role.MUNICIPAL_METHODIST):
            context["open_form"] = open_form or CampaignOpenForm()
    else:
        submissions = selectors.submissions_of_school(request.tenant.school)
        today = timezone.localdate()
        context["submissions"] = [
            {
                "submission": s,
                "late": services.is_late(s, s.campaign.deadline, today),
                "badge": selectors.STATUS_BADGES[s.status],
                "stage_badge": selectors.STAGE_BADGES[s.campaign.stage],
            }
            for s in submissions
        ]
    return TemplateResponse(request, "monitoring/campaigns/list.html", context)


@role_required(*METHODISTS, *SCHOOL_SIDE)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@role_required(Role.MUNICIPAL_METHODIST)
def campaign_open(request: HttpRequest) -> HttpResponse:
    form = CampaignOpenForm(request.POST)
    if form.is_valid():
        try:
            campaign = services.open_campaign(
                municipality=_municipality(request),
                school_year=form.cleaned_data["school_year"],
                deadline=form.cleaned_data["deadline"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Кампания открыта: кураторы организаций уже видят материалы внутреннего мониторинга."),
            )
            return redirect("monitoring:campaign-detail", pk=campaign.pk)
    return _list_page(request, open_form=form)


# --- The campaign ----------------------------------------------------------------------------------


def _campaign_or_404(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("municipality"), pk=pk)


def _campaign_page(
    request: HttpRequest, campaign: Campaign, stage_form: StageForm | None = None
) -> HttpResponse:
    sort = request.GET.get("sort", "school")
    if sort not in SORTS:
        sort = "school"
    table = selectors.campaign_table(campaign, sort=sort)
    following = services.next_stage(campaign)
    can_manage = _municipality(request) is not None and _municipality(request).pk == campaign.municipality_id
    if can_manage and following and stage_form is None:
        stage_form = StageForm(initial={"stage": following})
    return TemplateResponse(
        request,
        "monitoring/campaigns/detail.html",
        {
            "campaign": campaign,
            "year_label": school_year_label(campaign.school_year),
            "table": table,
            "sort": sort,
            "stage_steps": [
                (stage, CampaignStage(stage).label, stage == campaign.stage) for stage in services.STAGE_ORDER
            ],
            "following": following,
            "following_label": CampaignStage(following).label if following else "",
            "stage_form": stage_form if can_manage and following else None,
            "can_manage": can_manage,
            "before_deadline": table.today <= campaign.deadline,
            "status_counts": [
                (value, label, table.counts[value]) for value, label in SubmissionStatus.choices
            ],
        },
    )


@role_required(*METHODISTS)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, _campaign_or_404(pk))


@require_POST
@role_required(Role.MUNICIPAL_METHODIST)
def campaign_stage(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.change_stage(
                campaign=campaign,
                stage=form.cleaned_data["stage"],
                acting_user=request.user,
                municipality=_municipality(request),
                exclude_unaccepted=form.cleaned_data["exclude_unaccepted"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            campaign.refresh_from_db()
            messages.success(
                request, _("Кампания перешла к этапу «%(stage)s».") % {"stage": campaign.get_stage_display()}
            )
            return redirect("monitoring:campaign-detail", pk=campaign.pk)
    return _campaign_page(request, campaign, stage_form=form)


# --- The submission --------------------------------------------------------------------------------


def _submission_or_404(pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related(
            "campaign__municipality", "school", "note", "submitted_by", "decided_by"
        ),
        pk=pk,
    )


def _submission_page(
    request: HttpRequest,
    submission: Submission,
    *,
    form: SubmissionForm | None = None,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    campaign = submission.campaign
    is_curator = request.tenant.has_role(Role.CURATOR)
    methodist = _is_methodist(request)
    editable = is_curator and services.is_editable(submission)
    if editable and form is None:
        form = SubmissionForm(instance=submission)
    # The school's live indicators while it works; the frozen ones once handed in.
    figures = services.stored_figures(submission)
    live = figures is None or editable
    if live and not methodist:
        figures = services.school_figures(campaign, submission.school)
    hidden = methodist and submission.status == SubmissionStatus.DRAFT
    can_decide = (
        _municipality(request) is not None
        and _municipality(request).pk == campaign.municipality_id
        and submission.status == SubmissionStatus.SUBMITTED
        and campaign.stage in services.DECISION_STAGES
    )
    if can_decide and decision_form is None:
        decision_form = DecisionForm()
    note = submission.note
    note_sections = []
    if methodist and note is not None and note.status == DocumentStatus.APPROVED:
        note_sections = list(note.sections.order_by("order"))
    return TemplateResponse(
        request,
        "monitoring/campaigns/submission.html",
        {
            "submission": submission,
            "campaign": campaign,
            "school": submission.school,
            "year_label": school_year_label(campaign.school_year),
            "form": form if editable else None,
            "figures": None if hidden else figures,
            "early_ends": figures.early_ends() if figures is not None and not hidden else [],
            "live": live,
            "hidden": hidden,
            "is_methodist": methodist,
            "is_curator": is_curator,
            "late": services.is_late(submission, campaign.deadline),
            "badge": selectors.STATUS_BADGES[submission.status],
            "level_badges": selectors.LEVEL_BADGES,
            "decision_form": decision_form if can_decide else None,
            "note": note,
            "note_badge": selectors.NOTE_BADGES.get(note.status, "") if note else "",
            "note_signed": services.note_is_signed(submission),
            "note_sections": note_sections,
            "can_prepare_note": is_curator
            and submission.status != SubmissionStatus.ACCEPTED
            and campaign.stage in services.DECISION_STAGES,
            "swot": [
                (services.FIELD_LABELS[name], getattr(submission, name)) for name in services.SWOT_FIELDS
            ],
        },
    )


@role_required(*METHODISTS, *SCHOOL_SIDE)
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read it (everyone allowed), or — the curator, while it may change — save or submit it."""
    submission = _submission_or_404(pk)
    if request.method != "POST":
        return _submission_page(request, submission)
    if not request.tenant.has_role(Role.CURATOR):
        raise Http404
    form = SubmissionForm(request.POST, instance=submission)
    if not form.is_valid():
        return _submission_page(request, submission, form=form)
    data = {name: form.cleaned_data.get(name) for name in form.fields}
    submitting = request.POST.get("action") == SUBMIT
    try:
        # Saved first and on its own: a submit refused for a missing field keeps what was typed.
        services.save_submission(submission=submission, data=data, acting_user=request.user)
        if submitting:
            services.submit_submission(submission=submission, acting_user=request.user)
    except ValidationError as error:
        submission = _submission_or_404(pk)
        bound = SubmissionForm(request.POST, instance=submission)
        bound.is_valid()
        add_service_error(bound, error)
        return _submission_page(request, submission, form=bound)
    if submitting:
        messages.success(request, _("Материалы внутреннего мониторинга сданы методисту."))
    else:
        messages.success(request, _("Материалы сохранены."))
    return redirect("monitoring:submission-detail", pk=pk)


@require_POST
@role_required(Role.CURATOR)
def submission_note(request: HttpRequest, pk: int) -> HttpResponse:
    """«Подготовить аналитическую справку»: draft it (or refill it) from the submission."""
    submission = _submission_or_404(pk)
    try:
        note = services.prepare_note(submission=submission, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if note.status in (DocumentStatus.DRAFT, DocumentStatus.RETURNED):
            messages.success(
                request,
                _(
                    "Аналитическая справка подготовлена: SWOT-анализ, причины и решения перенесены в неё. "
                    "Проверьте текст и отправьте справку руководителю на утверждение."
                ),
            )
        else:
            messages.info(request, _("К материалам привязана аналитическая справка этого учебного года."))
    return redirect("monitoring:submission-detail", pk=pk)


@require_POST
@role_required(Role.MUNICIPAL_METHODIST)
def submission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == ACCEPT:
                services.accept_submission(
                    submission=submission, acting_user=request.user, municipality=_municipality(request)
                )
                messages.success(request, _("Материалы приняты."))
            else:
                services.return_submission(
                    submission=submission,
                    comment=form.cleaned_data["comment"],
                    acting_user=request.user,
                    municipality=_municipality(request),
                )
                messages.success(request, _("Материалы возвращены куратору на доработку."))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("monitoring:campaign-detail", pk=submission.campaign_id)
    return _submission_page(request, submission, decision_form=form)
