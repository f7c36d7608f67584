"""Pages of a person's personal-data rights, for the school's director and curator only.

The person is a registry record of the school (``kind`` is ``staff``, ``student`` or ``partner``),
fetched from a scoped queryset: another school's record, like an unknown kind, is a 404. Every
write is a service of ``schools.services_personal_data``; the views only parse and answer.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from schools import services_personal_data as service
from schools.forms_personal_data import AnonymiseForm, WithdrawConsentForm
from schools.models import SCHOOL_MANAGERS, PartnerRepresentative, Staff, Student
from schools.tenancy import role_required

GET_POST = require_http_methods(["GET", "POST"])
SPOOL_BYTES = 16 * 1024 * 1024


def _person_or_404(kind: str, pk: int) -> service.Person:
    return get_object_or_404(service.person_queryset(kind), pk=pk)


def _urls(kind: str, person: service.Person) -> dict[str, str]:
    """The card of the person and the form that corrects their record (the right to correction)."""
    if isinstance(person, Staff):
        return {
            "card": reverse("schools:staff-detail", args=[person.pk]),
            "edit": reverse("schools:staff-edit", args=[person.pk]),
            "list": reverse("schools:staff-list"),
            "list_label": _("База педагогов"),
        }
    if isinstance(person, Student):
        return {
            "card": reverse("schools:student-detail", args=[person.pk]),
            "edit": reverse("schools:student-edit", args=[person.pk]),
            "list": reverse("schools:student-list"),
            "list_label": _("Обучающиеся"),
        }
    assert isinstance(person, PartnerRepresentative)
    return {
        "card": reverse("schools:partner-detail", args=[person.organization_id]),
        "edit": reverse("schools:partner-rep-edit", args=[person.organization_id, person.pk]),
        "list": reverse("schools:partner-list"),
        "list_label": _("Партнёры"),
    }


def _context(kind: str, person: service.Person, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "person": person, "urls": _urls(kind, person), **extra}


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@role_required(*SCHOOL_MANAGERS)
@require_GET
def person_data(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """What the school keeps about the person, by category, and the actions on it."""
    person = _person_or_404(kind, pk)
    data = service.collect_person_data(person)
    return TemplateResponse(
        request,
        "schools/personal_data/person.html",
        _context(
            kind, person, counts=data.counts(), files=len(data.files), consent=service.consent_state(person)
        ),
    )


@role_required(*SCHOOL_MANAGERS)
@require_GET
@never_cache
def person_data_export(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The ZIP, built inside the request's scope before the response streams (about two seconds for a
    person with hundreds of records)."""
    person = _person_or_404(kind, pk)
    # Written to a temporary file (in memory while small), so many large scans never sit in memory.
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    service.write_person_export(person, archive, acting_user=request.user)
    archive.seek(0)
    return FileResponse(
        archive, as_attachment=True, filename=service.export_filename(person), content_type="application/zip"
    )


@role_required(*SCHOOL_MANAGERS)
@GET_POST
def person_data_anonymise(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person = _person_or_404(kind, pk)
    if person.anonymised_on is not None:
        messages.info(request, _("Данные уже обезличены."))
        return redirect("schools:person-data", kind=kind, pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = service.anonymise_person(
                person, acting_user=request.user, confirmation=form.cleaned_data["confirmation"]
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            message = _("Данные обезличены: теперь это «%(name)s». Удалено файлов: %(files)s.") % {
                "name": result.placeholder,
                "files": result.files_deleted,
            }
            if result.account == "kept":
                message += " " + _(
                    "Учётная запись используется в другой организации: она сохранена, роли в этой организации сняты."
                )
            elif result.account == "anonymised":
                message += " " + _("Учётная запись обезличена и отключена.")
            messages.success(request, message)
            return redirect("schools:person-data", kind=kind, pk=pk)
    return TemplateResponse(
        request, "schools/personal_data/anonymise.html", _context(kind, person, form=form)
    )


@role_required(*SCHOOL_MANAGERS)
@GET_POST
def person_data_withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person = _person_or_404(kind, pk)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.withdraw_consent(
                person,
                on=form.cleaned_data["withdrawn_on"],
                given_on=form.cleaned_data["given_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Отзыв согласия отмечен: данные «%(name)s» больше не обрабатываются для наставничества — "
                    "новые пары и программы, подбор и напоминания для него(неё) закрыты."
                )
                % {"name": person.full_name},
            )
            return redirect("schools:person-data", kind=kind, pk=pk)
    return TemplateResponse(
        request,
        "schools/personal_data/withdraw.html",
        _context(kind, person, form=form, consent=service.consent_state(person)),
    )


@role_required(*SCHOOL_MANAGERS)
@require_GET
def consent_withdrawals(request: HttpRequest) -> HttpResponse:
    """«Отзывы согласий»: who withdrew consent to personal data processing, and their open pairs."""
    return TemplateResponse(
        request, "schools/personal_data/withdrawals.html", {"withdrawals": service.consent_withdrawals()}
    )
