"""Screens of personalised programs: the list, creation (blank or from a template), the card, the
plan and its corrections, the lifecycle, activities with evidence, reports, best practice.

Views parse input, call programs/services/programs.py and render; every rule lives there. Programs
are fetched through the scoped manager, so another school's program is a 404 like a missing one.
Curators and directors manage; the psychologist reads; a mentor or mentee reaches a program only
through their own pairs (``pairs_of_user``) — any other program, even of the same school, is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.forms_programs import (
    ActivityStatusForm,
    BestPracticeForm,
    CorrectionForm,
    EndProgramForm,
    ExtendForm,
    FromTemplateForm,
    ProgramFilterForm,
    ProgramForm,
    ReportForm,
    add_service_error,
    plan_formset,
)
from programs.models import (
    ActivityStatus,
    MentoringPair,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
    ProgramTemplate,
    ResponsibleRole,
)
from programs.selectors_pairs import pair_queryset, pairs_of_user
from programs.services import programs as service
from schools import audit
from schools.models import PARTICIPANT_ROLES, SCHOOL_MANAGERS, SCHOOL_READERS
from schools.tenancy import role_required

PAGE_SIZE = 25
MANAGERS = SCHOOL_MANAGERS
READERS = SCHOOL_READERS
MEMBERS = PARTICIPANT_ROLES


def _program_or_404(pk: int) -> PersonalizedProgram:
    return get_object_or_404(service.program_detail_queryset(), pk=pk)


def _own_programs(user) -> QuerySet[PersonalizedProgram]:
    """Programs of the pairs the user is in (as mentor or mentee), inside the school scope."""
    return service.program_detail_queryset().filter(pair__in=pairs_of_user(user).values("pk"))


def _my_program_or_404(request: HttpRequest, pk: int) -> PersonalizedProgram:
    return get_object_or_404(_own_programs(request.user), pk=pk)


def _pair_or_404(pk: int) -> MentoringPair:
    return get_object_or_404(pair_queryset(), pk=pk)


def _to_detail(program: PersonalizedProgram, anchor: str = "") -> HttpResponseRedirect:
    return redirect(reverse("programs:program-detail", kwargs={"pk": program.pk}) + anchor)


def _error_text(error: service.ProgramError) -> str:
    return " ".join(error.messages)


# --- The card: what it shows and what the user may do --------------------------------------------


@dataclass
class MonthGroup:
    """The activities due in one month of the program (1 = its first month)."""

    index: int
    first_day: date
    last_day: date
    activities: list[PlanActivity] = field(default_factory=list)


def month_groups(program: PersonalizedProgram) -> list[MonthGroup]:
    groups: dict[int, MonthGroup] = {}
    for activity in program.activities.all():
        delta = relativedelta(activity.due_date, program.start_date)
        index = max(delta.years * 12 + delta.months + 1, 1)
        if index not in groups:
            first = program.start_date + relativedelta(months=index - 1)
            last = program.start_date + relativedelta(months=index) - relativedelta(days=1)
            groups[index] = MonthGroup(index=index, first_day=first, last_day=last)
        groups[index].activities.append(activity)
    return [groups[i] for i in sorted(groups)]


def _actions(request: HttpRequest, program: PersonalizedProgram, role_in_pair: str | None) -> dict[str, bool]:
    """The buttons the current role sees for the program in its current status."""
    manager = request.tenant.has_role(*MANAGERS)
    status = program.status
    closed = status in (ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY)
    return {
        "manage": manager,
        "edit": manager and status == ProgramStatus.DRAFT,
        "plan": manager and not closed,
        "approve": manager and status == ProgramStatus.DRAFT,
        "start": manager and status == ProgramStatus.APPROVED,
        "complete": manager and status == ProgramStatus.IN_PROGRESS,
        "end": manager and not closed,
        "extend": manager
        and status in (ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS, ProgramStatus.COMPLETED),
        "best": manager and status == ProgramStatus.COMPLETED,
        "mark": (manager or role_in_pair is not None) and status == ProgramStatus.IN_PROGRESS,
        "report": role_in_pair is not None
        and status in service.REPORT_STATUSES
        and not program.is_best_practice,
    }


def _card(
    request: HttpRequest, program: PersonalizedProgram, *, member_view: bool, role_in_pair: str | None = None
) -> TemplateResponse:
    progress = service.progress(program)
    return TemplateResponse(
        request,
        "programs/programs/detail.html",
        {
            "program": program,
            "pair": program.pair,
            "groups": month_groups(program),
            "progress": progress,
            "overdue_ids": {a.pk for a in progress.overdue},
            "changes": list(program.changes.all()),
            "can": _actions(request, program, role_in_pair),
            "member_view": member_view,
            "role_in_pair": role_in_pair,
            "today": timezone.localdate(),
        },
    )


# --- The list ------------------------------------------------------------------------------------


@role_required(*READERS)
def program_list(request: HttpRequest) -> HttpResponse:
    form = ProgramFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programs = service.program_list(status=filters.get("status", ""), overdue=filters.get("overdue", False))
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "programs/programs/list.html",
        {"form": form, "page": page, "programs": list(page.object_list)},
    )


# --- Creation ------------------------------------------------------------------------------------


def _pair_without_program(request: HttpRequest, pair_pk: int) -> tuple[MentoringPair, HttpResponse | None]:
    """The pair, or a redirect when it already has a program or has finished its work."""
    pair = _pair_or_404(pair_pk)
    existing = PersonalizedProgram.objects.filter(pair=pair).first()
    if existing is not None:
        messages.info(request, _("У этой пары уже есть программа."))
        return pair, _to_detail(existing)
    if not pair.is_open:
        messages.error(request, _("Пара завершила работу: программу для неё создать нельзя."))
        return pair, redirect("programs:pair-detail", pk=pair.pk)
    return pair, None


@role_required(*MANAGERS)
def program_create(request: HttpRequest, pair_pk: int) -> HttpResponse:
    """Choose how to start: from a template of the library (the pair's form first) or blank."""
    pair, done = _pair_without_program(request, pair_pk)
    if done is not None:
        return done
    matching, others = service.templates_for(pair)
    return TemplateResponse(
        request,
        "programs/programs/create.html",
        {"pair": pair, "matching": matching, "others": others, "deficits": service.latest_deficits(pair)},
    )


@role_required(*MANAGERS)
def program_create_blank(request: HttpRequest, pair_pk: int) -> HttpResponse:
    pair, done = _pair_without_program(request, pair_pk)
    if done is not None:
        return done
    form = ProgramForm(
        request.POST or None, initial={"start_date": pair.start_date, "end_date": pair.planned_end_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = service.create_program(pair=pair, acting_user=request.user, **form.cleaned_data)
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Программа создана как черновик. Составьте план мероприятий."))
            return redirect("programs:program-plan", pk=program.pk)
    return TemplateResponse(
        request, "programs/programs/form.html", {"pair": pair, "form": form, "program": None}
    )


@role_required(*MANAGERS)
def program_create_from_template(request: HttpRequest, pair_pk: int, template_pk: int) -> HttpResponse:
    """Copy a template; activities for the mentee's largest deficits are offered (level 3 checked)."""
    pair, done = _pair_without_program(request, pair_pk)
    if done is not None:
        return done
    template = get_object_or_404(
        ProgramTemplate.objects.filter(is_active=True).select_related("form", "role_model"), pk=template_pk
    )
    template_activities = list(template.activities.select_related("area").order_by("month", "order", "pk"))
    suggestions = service.suggest_activities(pair, template)
    form = FromTemplateForm(
        request.POST or None,
        suggestions=suggestions,
        initial={
            "start_date": pair.start_date if pair.start_date >= timezone.localdate() else timezone.localdate()
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = service.create_from_template(
                pair=pair,
                template=template,
                start_date=form.cleaned_data["start_date"],
                title=form.cleaned_data.get("title", ""),
                suggestions=form.chosen_suggestions(),
                acting_user=request.user,
            )
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Программа создана по шаблону как черновик. Проверьте план и утвердите программу."),
            )
            return _to_detail(program)
    return TemplateResponse(
        request,
        "programs/programs/from_template.html",
        {
            "pair": pair,
            "template": template,
            "template_activities": template_activities,
            "suggestions": suggestions,
            "form": form,
        },
    )


# --- One program ---------------------------------------------------------------------------------


@role_required(*READERS)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _card(request, _program_or_404(pk), member_view=False)


@role_required(*MANAGERS)
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Texts and dates of a draft; after approval the page explains correction and extension."""
    program = _program_or_404(pk)
    editable = program.status == ProgramStatus.DRAFT
    form = ProgramForm(request.POST or None, initial=ProgramForm.initial_for(program))
    if request.method == "POST" and editable and form.is_valid():
        try:
            service.update_program(program, acting_user=request.user, **form.cleaned_data)
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return _to_detail(program)
    return TemplateResponse(
        request,
        "programs/programs/form.html",
        {"pair": program.pair, "form": form, "program": program, "editable": editable},
    )


@role_required(*MANAGERS)
def program_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: free editing in a draft; a correction with a reason and mutual consent afterwards."""
    program = _program_or_404(pk)
    draft = program.status == ProgramStatus.DRAFT
    blocked = ""
    if program.status == ProgramStatus.COMPLETED:
        blocked = _("Программа выполнена: изменения возможны только через продление срока.")
    elif program.status == ProgramStatus.ENDED_EARLY:
        blocked = _("Программа прекращена досрочно: изменения невозможны.")
    activities = [a for a in program.activities.all() if a.status != ActivityStatus.CANCELLED]
    cancelled = [a for a in program.activities.all() if a.status == ActivityStatus.CANCELLED]
    data = request.POST if request.method == "POST" and not blocked else None
    formset = plan_formset(activities, data)
    correction = CorrectionForm(data) if not draft else None
    if data is not None and formset.is_valid() and (correction is None or correction.is_valid()):
        add, edit, remove = formset.changes()
        try:
            service.correct_plan(
                program,
                acting_user=request.user,
                reason=correction.cleaned_data["reason"] if correction else "",
                agreed_by_both=correction.cleaned_data["agreed_by_both"] if correction else False,
                add=add,
                edit=edit,
                remove=remove,
            )
        except service.ProgramError as error:
            if correction is not None and hasattr(error, "error_dict"):
                add_service_error(correction, error)
            else:
                formset.service_errors = error.messages
        else:
            messages.success(
                request,
                _("План сохранён.") if draft else _("Корректировка плана сохранена в истории программы."),
            )
            return _to_detail(program, "#plan")
    return TemplateResponse(
        request,
        "programs/programs/plan.html",
        {
            "program": program,
            "pair": program.pair,
            "formset": formset,
            "correction": correction,
            "cancelled": cancelled,
            "draft": draft,
            "blocked": blocked,
            "service_errors": getattr(formset, "service_errors", []),
        },
    )


def _transition(
    request: HttpRequest, pk: int, action: Callable[[PersonalizedProgram], object], done: str
) -> HttpResponse:
    program = _program_or_404(pk)
    try:
        action(program)
    except service.ProgramError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return _to_detail(program)


@role_required(*MANAGERS)
@require_POST
def program_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lambda p: service.approve(p, acting_user=request.user),
        _("Программа утверждена. Теперь план меняется только корректировкой по взаимному согласию."),
    )


@role_required(*MANAGERS)
@require_POST
def program_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, lambda p: service.start(p, acting_user=request.user), _("Начата реализация программы.")
    )


@role_required(*MANAGERS)
@require_POST
def program_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lambda p: service.complete(p, acting_user=request.user),
        _("Программа выполнена. Наставник и наставляемый могут написать итоговый отчёт и рефлексию."),
    )


def _action_page(request: HttpRequest, program: PersonalizedProgram, **context) -> TemplateResponse:
    return TemplateResponse(
        request, "programs/programs/action.html", {"program": program, "pair": program.pair, **context}
    )


@role_required(*MANAGERS)
def program_end(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_or_404(pk)
    form = EndProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.end_early(
                program,
                reason=form.cleaned_data["end_reason"],
                comment=form.cleaned_data["end_comment"],
                on=form.cleaned_data["ended_on"],
                acting_user=request.user,
            )
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Программа прекращена досрочно."))
            return _to_detail(program)
    closed = program.status in (ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY)
    return _action_page(
        request,
        program,
        action="end",
        heading=_("Прекратить программу досрочно"),
        form=form,
        submit=_("Прекратить досрочно"),
        danger=True,
        blocked=_("Программа уже завершена: «%(status)s».") % {"status": program.get_status_display()}
        if closed
        else "",
    )


@role_required(*MANAGERS)
def program_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Extend by mutual consent (a completed program is reopened); kept in the history."""
    program = _program_or_404(pk)
    form = ExtendForm(
        request.POST or None, initial={"new_end_date": program.end_date + relativedelta(months=1)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.extend(program, acting_user=request.user, **form.cleaned_data)
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Срок программы продлён."))
            return _to_detail(program)
    allowed = (ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS, ProgramStatus.COMPLETED)
    return _action_page(
        request,
        program,
        action="extend",
        heading=_("Продлить срок программы"),
        form=form,
        submit=_("Продлить"),
        blocked=""
        if program.status in allowed
        else _("Сейчас продление недоступно: программа в состоянии «%(status)s».")
        % {"status": program.get_status_display()},
    )


@role_required(*MANAGERS)
def program_best_practice(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_or_404(pk)
    form = BestPracticeForm(request.POST or None, initial={"summary": program.best_practice_summary})
    if request.method == "POST" and form.is_valid():
        try:
            service.mark_best_practice(
                program, summary=form.cleaned_data["summary"], acting_user=request.user
            )
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Программа отмечена как лучшая практика."))
            return _to_detail(program)
    missing = [
        label
        for label, text in (
            (_("отчёт наставника"), program.mentor_report),
            (_("рефлексия наставляемого"), program.mentee_reflection),
        )
        if not text.strip()
    ]
    blocked = ""
    if program.status != ProgramStatus.COMPLETED:
        blocked = _("Лучшей практикой можно отметить только выполненную программу.")
    elif missing:
        blocked = _("Сначала нужны итоговые документы: %(list)s.") % {"list": ", ".join(missing)}
    return _action_page(
        request,
        program,
        action="best",
        heading=_("Отметить как лучшую практику"),
        form=form,
        submit=_("Отметить"),
        blocked=blocked,
    )


# --- Activities ----------------------------------------------------------------------------------


def _activity_for(request: HttpRequest, pk: int) -> tuple[PlanActivity, bool]:
    """(activity, reached as a manager). A mentor or mentee reaches only their own pairs' activities."""
    activities = PlanActivity.objects.select_related("program__pair", "area")
    if request.tenant.has_role(*READERS):
        return get_object_or_404(activities, pk=pk), True
    own = activities.filter(program__pair__in=pairs_of_user(request.user).values("pk"))
    return get_object_or_404(own, pk=pk), False


def _back_to_program(program: PersonalizedProgram, as_manager: bool) -> str:
    name = "programs:program-detail" if as_manager else "programs:my-program"
    return reverse(name, kwargs={"pk": program.pk}) + "#plan"


@role_required(*MANAGERS, *MEMBERS)
def activity_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an activity done (with its evidence) or planned again: the pair's members and managers."""
    activity, as_manager = _activity_for(request, pk)
    program = activity.program
    back = _back_to_program(program, as_manager)
    initial = {
        "status": ActivityStatus.DONE if activity.status == ActivityStatus.PLANNED else activity.status,
        "done_on": activity.done_on or timezone.localdate(),
        "evidence_note": activity.evidence_note,
        "evidence_link": activity.evidence_link,
    }
    form = ActivityStatusForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.set_activity_status(
                activity,
                status=data["status"],
                acting_user=request.user,
                done_on=data["done_on"],
                evidence_note=data["evidence_note"],
                evidence_link=data["evidence_link"],
                evidence_file=data["evidence_file"],
            )
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Отметка сохранена: «%(title)s».") % {"title": activity.title})
            return redirect(back)
    blocked = ""
    if program.status != ProgramStatus.IN_PROGRESS:
        blocked = (
            _("Программа выполнена: изменения возможны только через продление срока.")
            if program.status == ProgramStatus.COMPLETED
            else _("Отмечать выполнение можно, когда программа реализуется (сейчас: «%(status)s»).")
            % {"status": program.get_status_display()}
        )
    elif activity.status == ActivityStatus.CANCELLED:
        blocked = _("Мероприятие отменено корректировкой плана: отметить его нельзя.")
    return TemplateResponse(
        request,
        "programs/programs/activity.html",
        {"activity": activity, "program": program, "form": form, "back": back, "blocked": blocked},
    )


@role_required(*READERS, *MEMBERS)
def activity_file(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, streamed after a scoped lookup (never by a guessable /media/ URL)."""
    activity, _as_manager = _activity_for(request, pk)
    if not activity.evidence_file:
        raise Http404
    try:
        handle = activity.evidence_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = activity.evidence_file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"evidence-{activity.pk}.{extension}",
        content_type=service.EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, activity)


# --- A member's own programs ---------------------------------------------------------------------


@role_required(*MEMBERS)
def my_programs(request: HttpRequest) -> HttpResponse:
    programs = list(service.with_progress(_own_programs(request.user)).order_by("-start_date", "pk"))
    return TemplateResponse(request, "programs/programs/my_list.html", {"programs": programs})


@role_required(*MEMBERS)
def my_program(request: HttpRequest, pk: int) -> HttpResponse:
    program = _my_program_or_404(request, pk)
    return _card(
        request, program, member_view=True, role_in_pair=service.member_role(program.pair, request.user)
    )


@role_required(*MEMBERS)
def program_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor's report or the mentee's reflection, by the user's place in the pair."""
    program = _my_program_or_404(request, pk)
    role = service.member_role(program.pair, request.user)
    if role is None:
        raise Http404
    is_mentor = role == ResponsibleRole.MENTOR
    current = program.mentor_report if is_mentor else program.mentee_reflection
    form = ReportForm(request.POST or None, initial={"text": current})
    if request.method == "POST" and form.is_valid():
        submit = service.submit_mentor_report if is_mentor else service.submit_mentee_reflection
        try:
            submit(program, text=form.cleaned_data["text"], acting_user=request.user)
        except service.ProgramError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Отчёт сохранён.") if is_mentor else _("Рефлексия сохранена."))
            return redirect("programs:my-program", pk=program.pk)
    blocked = ""
    if program.status not in service.REPORT_STATUSES:
        blocked = _("Отчёт пишется, когда программа реализуется или завершена (сейчас: «%(status)s»).") % {
            "status": program.get_status_display()
        }
    elif program.is_best_practice:
        blocked = _("Программа отмечена как лучшая практика: отчёты больше не меняются.")
    return TemplateResponse(
        request,
        "programs/programs/report.html",
        {"program": program, "pair": program.pair, "form": form, "is_mentor": is_mentor, "blocked": blocked},
    )
