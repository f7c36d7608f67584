"""Screens of the pair's journal: the list, a new entry, editing and deleting one's own, a file.

Who reads: the pair's mentor and mentees (only pairs they are in, through ``pairs_of_user``), and
the school's director, curator and psychologist (any pair of the school). Who writes: the pair's
mentor and mentees, and the curator for any pair of the school; the director and the psychologist
read only. Methodists do not see journals: they are the pair's working notes, the monitoring gets
its figures from them. Everything is fetched through the scoped managers and the user's pairs, so
another school's or another pair's entry or file is a 404 like a missing one. The rules of the
entries live in programs/services/journal.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs import selectors_journal as selectors
from programs.forms_journal import JournalEntryForm, JournalFilterForm
from programs.forms_pairs import add_service_error
from programs.models import JournalAttachment, JournalEntry, MentoringPair
from programs.services import journal as journal_service
from schools import audit
from schools.models import PARTICIPANT_ROLES, Role
from schools.tenancy import role_required

PAGE_SIZE = 20
MEMBERS = PARTICIPANT_ROLES
STAFF_READERS = (Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST)
READERS = (*STAFF_READERS, *MEMBERS)
WRITERS = (Role.CURATOR, *MEMBERS)


def _is_member(request: HttpRequest) -> bool:
    return request.tenant.has_role(*MEMBERS)


def _pair_or_404(request: HttpRequest, pk: int) -> MentoringPair:
    return get_object_or_404(selectors.visible_pairs(request.user, member=_is_member(request)), pk=pk)


def _own_entry_or_404(request: HttpRequest, pk: int) -> JournalEntry:
    """The user's own entry in a pair they may open; anyone else's entry is a 404."""
    entries = selectors.entry_queryset(request.user, member=_is_member(request)).filter(author=request.user)
    return get_object_or_404(entries, pk=pk)


def _to_journal(pair_pk: int):
    return redirect("programs:journal", pk=pair_pk)


def _page_context(request: HttpRequest, pair: MentoringPair, **extra) -> dict:
    return {"pair": pair, "member": _is_member(request), **extra}


@role_required(*READERS)
def journal(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's journal, newest first, optionally only the entries of one plan activity."""
    pair = _pair_or_404(request, pk)
    activities = selectors.plan_activities(pair)
    form = JournalFilterForm(request.GET or None, activities=activities)
    activity = form.cleaned_data.get("activity") if form.is_valid() else None
    page = Paginator(selectors.journal_entries(pair, activity=activity), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = list(page.object_list)
    now = timezone.now()
    for entry in entries:
        entry.can_change = journal_service.can_change(entry, request.user, now=now)
    return TemplateResponse(
        request,
        "programs/journal/list.html",
        _page_context(
            request,
            pair,
            program=selectors.program_of(pair),
            form=form,
            has_activities=activities.exists(),
            activity=activity,
            page=page,
            entries=entries,
            can_write=request.tenant.has_role(*WRITERS) and pair.is_open,
        ),
    )


def _initial_activity(request: HttpRequest, activities) -> dict:
    value = request.GET.get("activity", "")
    return {"activity": value} if value.isdigit() and activities.filter(pk=value).exists() else {}


@role_required(*WRITERS)
def journal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new entry of a pair the user may write to (``?activity=`` preselects a plan activity)."""
    pair = _pair_or_404(request, pk)
    if not pair.is_open:
        messages.error(request, _("Пара завершила работу: в её журнал больше не добавляют записи."))
        return _to_journal(pair.pk)
    activities = selectors.plan_activities(pair)
    form = JournalEntryForm(
        request.POST or None,
        request.FILES or None,
        activities=activities,
        initial=_initial_activity(request, activities),
    )
    if request.method == "POST" and form.is_valid():
        try:
            journal_service.create_entry(
                pair, acting_user=request.user, data=form.entry_data(), files=form.cleaned_data["files"]
            )
        except journal_service.JournalError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Запись добавлена в журнал."))
            return _to_journal(pair.pk)
    return TemplateResponse(
        request,
        "programs/journal/form.html",
        _page_context(request, pair, form=form, entry=None, has_activities=activities.exists()),
    )


def _blocked(request: HttpRequest, entry: JournalEntry) -> HttpResponse | None:
    if journal_service.can_change(entry, request.user):
        return None
    messages.error(
        request,
        _(
            "Запись можно изменить или удалить только в течение 7 дней после того, как она сделана: "
            "журнал — документ для мониторинга. Дополните его новой записью."
        ),
    )
    return _to_journal(entry.pair_id)


@role_required(*WRITERS)
def journal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author changes their entry within 7 days: fields, plan activity, files."""
    entry = _own_entry_or_404(request, pk)
    if (blocked := _blocked(request, entry)) is not None:
        return blocked
    pair = _pair_or_404(request, entry.pair_id)
    activities = selectors.plan_activities(pair)
    attachments = JournalAttachment.objects.filter(entry=entry).order_by("pk")
    initial = {
        "date": entry.date,
        "topic": entry.topic,
        "content": entry.content,
        "result": entry.result,
        "assignment": entry.assignment,
        "activity": entry.activity_id,
    }
    form = JournalEntryForm(
        request.POST or None,
        request.FILES or None,
        activities=activities,
        attachments=attachments,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            journal_service.update_entry(
                entry,
                acting_user=request.user,
                data=form.entry_data(),
                files=form.cleaned_data["files"],
                remove=form.cleaned_data.get("remove", []),
            )
        except journal_service.JournalError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Запись журнала изменена."))
            return _to_journal(pair.pk)
    return TemplateResponse(
        request,
        "programs/journal/form.html",
        _page_context(
            request,
            pair,
            form=form,
            entry=entry,
            has_activities=activities.exists(),
            editable_until=journal_service.editable_until(entry),
        ),
    )


@role_required(*WRITERS)
def journal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author deletes their entry within 7 days; a confirmation page first."""
    entry = _own_entry_or_404(request, pk)
    if (blocked := _blocked(request, entry)) is not None:
        return blocked
    if request.method == "POST":
        try:
            journal_service.delete_entry(entry, acting_user=request.user)
        except journal_service.JournalError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Запись удалена из журнала."))
        return _to_journal(entry.pair_id)
    pair = _pair_or_404(request, entry.pair_id)
    return TemplateResponse(
        request,
        "programs/journal/delete.html",
        _page_context(request, pair, entry=entry, files=list(JournalAttachment.objects.filter(entry=entry))),
    )


@role_required(*READERS)
def journal_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of an entry, streamed after a scoped lookup through the user's pairs; never a /media/ URL."""
    attachment = get_object_or_404(
        selectors.attachment_queryset(request.user, member=_is_member(request)), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, attachment)
