"""Screens of pairs and groups: the list, the card with its lifecycle, consents, requests, own pairs.

Views parse input, call the services (programs/services/pairs.py, consents.py, requests.py) and
render; every rule and every status change lives in the services. Objects are fetched through the
scoped managers, so another school's pair, consent or request is a 404 like a missing one. Every
change is a POST by a director or curator (fixing by order: the director only); a broken rule comes
back as a message or a form error in Russian, never as a server error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import selectors as processing_selectors
from programs import selectors_pairs as selectors
from programs.forms_pairs import (
    CompleteForm,
    ConsentForm,
    DecisionForm,
    EndForm,
    FixForm,
    PairEditForm,
    PairFilterForm,
    PairForm,
    PairRequestForm,
    WithdrawForm,
    add_service_error,
)
from programs.models import (
    PARTICIPANT_RELATED,
    Consent,
    ConsentKind,
    EndReason,
    MentoringForm,
    MentoringPair,
    PairRequest,
    PairStatus,
    Participant,
)
from programs.pdf import pdf_response, render_pdf
from programs.services import consents as consent_service
from programs.services import pair_terms
from programs.services import pairs as pair_service
from programs.services import requests as request_service
from programs.services.participants import participant_for
from schools import audit
from schools.models import PARTICIPANT_ROLES, SCHOOL_MANAGERS, SCHOOL_READERS, Role
from schools.tenancy import role_required

PAGE_SIZE = 25
MANAGERS = SCHOOL_MANAGERS
READERS = SCHOOL_READERS
MEMBERS = PARTICIPANT_ROLES


def _pair_or_404(pk: int) -> MentoringPair:
    return get_object_or_404(selectors.pair_queryset(), pk=pk)


def _to_detail(pair_pk: int) -> HttpResponseRedirect:
    return redirect("programs:pair-detail", pk=pair_pk)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The list and creation -----------------------------------------------------------------------


@role_required(*READERS)
def pair_list(request: HttpRequest) -> HttpResponse:
    form = PairFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    pairs = selectors.pair_list(
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        form=filters.get("form"),
        kind=filters.get("kind"),
        network=filters.get("network", ""),
        sort=filters.get("sort") or selectors.DEFAULT_SORT,
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.annotate_missing(rows)
    return TemplateResponse(
        request,
        "programs/pairs/list.html",
        {"form": form, "page": page, "pairs": rows, "can_manage": request.tenant.has_role(*MANAGERS)},
    )


def _chosen_form(value: str | None) -> MentoringForm | None:
    return MentoringForm.objects.filter(pk=value, is_active=True).first() if (value or "").isdigit() else None


@role_required(*MANAGERS)
def pair_create(request: HttpRequest) -> HttpResponse:
    """A new draft pair; choosing the form narrows the lists of mentors and mentees (htmx re-render)."""
    if request.method == "POST":
        form = PairForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    mentees = [participant_for(person) for person in data["mentees"]]
                    pair = pair_service.create_pair(
                        school=request.tenant.school,
                        mentor=data["mentor"],
                        mentees=mentees,
                        form=data["form"],
                        kind=data["kind"],
                        role_model=data["role_model"],
                        start_date=data["start_date"],
                        planned_end_date=data["planned_end_date"],
                        acting_user=request.user,
                    )
            except pair_service.PairError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Пара создана как черновик. Соберите согласия участников, чтобы закрепить её.")
                )
                return _to_detail(pair.pk)
    else:
        initial = {k: v for k, v in request.GET.items() if k != "mentees"}
        initial.setdefault("start_date", timezone.localdate())
        initial["mentees"] = request.GET.getlist("mentees")
        form = PairForm(initial=initial, chosen_form=_chosen_form(request.GET.get("form")))
    return TemplateResponse(request, "programs/pairs/form.html", {"form": form, "pair": None})


# --- One pair ------------------------------------------------------------------------------------


def _actions(request: HttpRequest, pair: MentoringPair) -> dict[str, bool]:
    """What the current role may do with the pair in its current status (the buttons shown)."""
    manager = request.tenant.has_role(*MANAGERS)
    status = pair.status
    return {
        "manage": manager,
        "edit": manager and status in (PairStatus.DRAFT, PairStatus.CONSENTS),
        "collect": manager and status == PairStatus.DRAFT,
        "fix": request.tenant.has_role(Role.DIRECTOR) and status == PairStatus.CONSENTS,
        "start": manager and status == PairStatus.FIXED,
        "complete": manager and status == PairStatus.ACTIVE,
        "end": manager and pair.is_open,
        "delete": manager and status == PairStatus.DRAFT,
        "consents": manager and pair.is_open,
        "decide": manager,
    }


@role_required(*READERS)
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair_or_404(pk)
    panel = selectors.consent_panel(pair)
    missing = [row for person in panel for row in person.rows if not row.is_ok]
    pair_requests = list(selectors.pair_requests(pair))
    accepted = [r for r in pair_requests if r.status == PairRequest.Status.ACCEPTED] if pair.is_open else []
    return TemplateResponse(
        request,
        "programs/pairs/detail.html",
        {
            "pair": pair,
            "panel": panel,
            "missing": missing,
            "events": selectors.pair_events(pair),
            "pair_requests": pair_requests,
            "end_offers": [
                (
                    r,
                    request_service.END_REASON_FOR[r.kind],
                    EndReason(request_service.END_REASON_FOR[r.kind]).label,
                )
                for r in accepted
            ],
            "can": _actions(request, pair),
            "today": timezone.localdate(),
            "withdrawn_members": processing_selectors.stopped_in_pair(pair.pk, pair.mentor_id),
        },
    )


@role_required(*MANAGERS)
def pair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Mentees and dates, while the pair is not fixed by order (then only a new order changes them)."""
    pair = _pair_or_404(pk)
    editable = pair.status in (PairStatus.DRAFT, PairStatus.CONSENTS)
    form = PairEditForm(request.POST or None, pair=pair)
    if request.method == "POST":
        if not editable:
            messages.error(
                request, _("Состав и сроки пары, закреплённой приказом, меняются только новым приказом.")
            )
            return _to_detail(pair.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    pair_terms.change_terms(
                        pair,
                        start_date=data["start_date"],
                        planned_end_date=data["planned_end_date"],
                        acting_user=request.user,
                    )
                    mentees = [participant_for(person) for person in data["mentees"]]
                    if {m.pk for m in mentees} != {link.mentee_id for link in pair.mentee_links.all()}:
                        pair_service.change_mentees(
                            pair, mentees=mentees, acting_user=request.user, reason=data["reason"]
                        )
            except pair_service.PairError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Изменения сохранены."))
                return _to_detail(pair.pk)
    return TemplateResponse(
        request, "programs/pairs/form.html", {"form": form, "pair": pair, "editable": editable}
    )


def _transition(
    request: HttpRequest, pk: int, action: Callable[[MentoringPair], object], done: str
) -> HttpResponse:
    pair = _pair_or_404(pk)
    try:
        action(pair)
    except pair_service.PairError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return _to_detail(pair.pk)


@role_required(*MANAGERS)
@require_POST
def pair_consents_collected(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lambda pair: pair_service.mark_consents_collected(pair, acting_user=request.user),
        _("Отмечено: все согласия собраны. Пару можно закрепить приказом."),
    )


@role_required(*MANAGERS)
@require_POST
def pair_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lambda pair: pair_service.start(pair, acting_user=request.user),
        _("Пара приступила к работе."),
    )


def _action_page(request: HttpRequest, pair: MentoringPair, **context) -> TemplateResponse:
    return TemplateResponse(request, "programs/pairs/action.html", {"pair": pair, **context})


def _blocked(pair: MentoringPair, allowed: tuple[str, ...]) -> str:
    if pair.status in allowed:
        return ""
    return _("Сейчас это действие недоступно: пара в состоянии «%(status)s».") % {
        "status": pair.get_status_display()
    }


@role_required(Role.DIRECTOR)
def pair_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """The director fixes the pair by order; every consent must be in hand on the order's date."""
    pair = _pair_or_404(pk)
    form = FixForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair_service.fix_by_order(
                pair,
                order_number=form.cleaned_data["order_number"],
                order_date=form.cleaned_data["order_date"],
                acting_user=request.user,
            )
        except pair_service.PairError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Пара закреплена приказом."))
            return _to_detail(pair.pk)
    missing = (
        pair_service.missing_consents(pair) if pair.status in (PairStatus.DRAFT, PairStatus.CONSENTS) else []
    )
    return _action_page(
        request,
        pair,
        action="fix",
        heading=_("Закрепить приказом"),
        form=form,
        submit=_("Закрепить приказом"),
        blocked=_blocked(pair, (PairStatus.CONSENTS,)),
        missing=missing,
    )


@role_required(*MANAGERS)
def pair_complete(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair_or_404(pk)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair_service.complete(
                pair,
                acting_user=request.user,
                on=form.cleaned_data["ended_on"],
                comment=form.cleaned_data["end_comment"],
            )
        except pair_service.PairError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Пара завершила работу: программа выполнена."))
            return _to_detail(pair.pk)
    return _action_page(
        request,
        pair,
        action="complete",
        heading=_("Завершить работу пары"),
        form=form,
        submit=_("Завершить"),
        blocked=_blocked(pair, (PairStatus.ACTIVE,)),
    )


@role_required(*MANAGERS)
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending early needs a reason; after an accepted request it comes preselected (``?reason=``)."""
    pair = _pair_or_404(pk)
    reason = request.GET.get("reason", "")
    initial = {"end_reason": reason} if reason in EndReason.values else {}
    form = EndForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pair_service.end_early(
                pair,
                reason=form.cleaned_data["end_reason"],
                acting_user=request.user,
                on=form.cleaned_data["ended_on"],
                comment=form.cleaned_data["end_comment"],
            )
        except pair_service.PairError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Работа пары прекращена досрочно."))
            return _to_detail(pair.pk)
    return _action_page(
        request,
        pair,
        action="end",
        heading=_("Прекратить досрочно"),
        form=form,
        submit=_("Прекратить досрочно"),
        danger=True,
        blocked="" if pair.is_open else _blocked(pair, ()),
    )


@role_required(*MANAGERS)
def pair_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft never fixed may be discarded; a confirmation page first."""
    pair = _pair_or_404(pk)
    if request.method == "POST":
        try:
            pair_service.delete_draft(pair, acting_user=request.user)
        except pair_service.PairError as error:
            messages.error(request, _error_text(error))
            return _to_detail(pair.pk)
        messages.success(request, _("Черновик пары удалён."))
        return redirect("programs:pair-list")
    return _action_page(
        request,
        pair,
        action="delete",
        heading=_("Удалить черновик"),
        form=None,
        submit=_("Удалить черновик"),
        danger=True,
        blocked=_blocked(pair, (PairStatus.DRAFT,)),
    )


# --- Consents ------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def consent_create(request: HttpRequest, pk: int, participant_pk: int, kind: str) -> HttpResponse:
    """Record a consent one participant of the pair gives (only the ones the pair needs)."""
    pair = _pair_or_404(pk)
    participant = next(
        (p for p, k in pair_service.required_consents(pair) if p.pk == participant_pk and k == kind), None
    )
    if participant is None:
        raise Http404
    form = ConsentForm(request.POST or None, request.FILES or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_service.record_consent(
                participant=participant,
                kind=kind,
                received_on=data["received_on"],
                given_by_guardian=data.get("given_by_guardian", False),
                guardian_name=data.get("guardian_name", ""),
                scan=data["scan"],
                acting_user=request.user,
            )
        except consent_service.ConsentError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Отмечено: %(kind)s — %(name)s.")
                % {"kind": ConsentKind(kind).label, "name": participant.full_name},
            )
            return _to_detail(pair.pk)
    return TemplateResponse(
        request,
        "programs/consents/form.html",
        {
            "pair": pair,
            "participant": participant,
            "kind": kind,
            "kind_label": ConsentKind(kind).label,
            "needs_guardian": participant.needs_guardian_on(timezone.localdate()),
            "form": form,
        },
    )


@role_required(*MANAGERS)
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("participant"), pk=pk)
    back = _safe_next(request, reverse("programs:pair-list"))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите дату отзыва согласия."))
        return redirect(back)
    try:
        consent_service.withdraw_consent(
            consent, on=form.cleaned_data["withdrawn_on"], acting_user=request.user
        )
    except consent_service.ConsentError as error:
        messages.error(request, _error_text(error))
    else:
        messages.warning(
            request,
            _("Согласие отозвано: %(kind)s — %(name)s. Пары с этим участником снова ждут согласия.")
            % {"kind": consent.get_kind_display(), "name": consent.participant.full_name},
        )
    return redirect(back)


@role_required(*MANAGERS)
@require_POST
def consent_attach_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the scan to a consent recorded earlier without one."""
    consent = get_object_or_404(Consent.objects.select_related("participant"), pk=pk)
    back = _safe_next(request, reverse("programs:pair-list"))
    scan = request.FILES.get("scan")
    if scan is None:
        messages.error(request, _("Выберите файл скана (PDF, JPEG или PNG)."))
        return redirect(back)
    try:
        consent_service.attach_scan(consent, scan=scan, acting_user=request.user)
    except consent_service.ConsentError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Скан приложен: %(kind)s — %(name)s.")
            % {"kind": consent.get_kind_display(), "name": consent.participant.full_name},
        )
    return redirect(back)


@role_required(*MANAGERS)
def consent_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan, streamed after a scoped lookup: scans are never reachable by a /media/ URL."""
    consent = get_object_or_404(Consent.objects.all(), pk=pk)
    if not consent.scan:
        raise Http404
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = consent.scan.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"consent-{consent.pk}.{extension}",
        content_type=consent_service.CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, consent)


@role_required(*MANAGERS)
def consent_form_pdf(request: HttpRequest, participant_pk: int, kind: str) -> HttpResponse:
    """A blank consent to print and sign, filled with the school's and the person's names."""
    if kind not in ConsentKind.values:
        raise Http404
    participant = get_object_or_404(
        Participant.objects.select_related("school", *PARTICIPANT_RELATED), pk=participant_pk
    )
    today = timezone.localdate()
    needs_guardian = participant.needs_guardian_on(today)
    guardian_name = participant.student.guardian_name if needs_guardian else ""
    content = render_pdf(
        "programs/consents/form_pdf.html",
        {
            "school": participant.school,
            "participant": participant,
            "person": participant.person,
            "kind": kind,
            "kind_label": ConsentKind(kind).label,
            "needs_guardian": needs_guardian,
            "guardian_name": guardian_name,
            "signer_name": guardian_name if needs_guardian else participant.full_name,
            "today": today,
        },
    )
    return pdf_response(content, f"consent-{kind}-{participant.pk}.pdf")


# --- Requests ------------------------------------------------------------------------------------

REQUEST_FILTERS = {
    "open": PairRequest.Status.OPEN,
    "accepted": PairRequest.Status.ACCEPTED,
    "declined": PairRequest.Status.DECLINED,
    "all": "",
}


@role_required(*MANAGERS)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in REQUEST_FILTERS else "open"
    page = Paginator(selectors.request_list(status=REQUEST_FILTERS[status]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "programs/pairs/request_list.html",
        {"page": page, "status": status, "statuses": PairRequest.Status.choices},
    )


@role_required(*MANAGERS)
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline; an accepted request leads to «end early» with the reason preselected."""
    pair_request = get_object_or_404(PairRequest.objects.select_related("pair"), pk=pk)
    back = _safe_next(request, reverse("programs:pair-detail", kwargs={"pk": pair_request.pair_id}))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите решение по заявлению."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == DecisionForm.ACCEPT
    try:
        request_service.decide_request(
            pair_request, accept=accept, comment=form.cleaned_data["comment"], acting_user=request.user
        )
    except request_service.PairRequestError as error:
        messages.error(request, _error_text(error))
        return redirect(back)
    pair = pair_request.pair
    pair.refresh_from_db(fields=["status"])
    if accept and pair.is_open:
        messages.success(
            request,
            _(
                "Заявление удовлетворено. Пара продолжает работу, пока вы не прекратите её: проверьте дату и подтвердите."
            ),
        )
        reason = request_service.END_REASON_FOR[pair_request.kind]
        return redirect(f"{reverse('programs:pair-end', kwargs={'pk': pair.pk})}?reason={reason}")
    messages.success(request, _("Решение по заявлению сохранено."))
    return redirect(back)


# --- A member's own pairs ------------------------------------------------------------------------


@role_required(*MEMBERS)
def my_pairs(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "programs/pairs/my_list.html", {"pairs": selectors.my_pairs(request.user)}
    )


@role_required(*MEMBERS)
def my_pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A pair the user is in (as mentor or mentee); any other pair, even of the same school, is a 404."""
    pair = get_object_or_404(selectors.pairs_of_user(request.user), pk=pk)
    own_requests = list(
        PairRequest.objects.filter(pair=pair, author=request.user)
        .select_related("decided_by")
        .order_by("-created_at")
    )
    return TemplateResponse(
        request,
        "programs/pairs/my_detail.html",
        {
            "pair": pair,
            "i_am_mentor": request_service.request_kind_for(pair, request.user) == PairRequest.Kind.RELEASE,
            "own_requests": own_requests,
            "can_request": pair.is_open
            and not any(r.status == PairRequest.Status.OPEN for r in own_requests),
        },
    )


@role_required(*MEMBERS)
def pair_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor asks to be released, a mentee asks for another mentor (decided by the pair)."""
    pair = get_object_or_404(selectors.pairs_of_user(request.user), pk=pk)
    kind = request_service.request_kind_for(pair, request.user)
    form = PairRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_service.file_request(pair, author=request.user, reason=form.cleaned_data["reason"])
        except request_service.PairRequestError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Заявление подано. Куратор рассмотрит его и сообщит решение."))
            return redirect("programs:my-pair-detail", pk=pair.pk)
    return TemplateResponse(
        request,
        "programs/pairs/request_form.html",
        {"pair": pair, "form": form, "kind_label": PairRequest.Kind(kind).label if kind else ""},
    )
