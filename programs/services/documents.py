"""The workflow of local acts: draft from data → on approval → approved (numbered, frozen, in effect).

- The curator drafts a document of a kind; the kind (``programs.documents.kinds``) builds its text
  by sections and its appendix data from the school's live data. While a draft (or returned), the
  curator edits the sections, refreshes it from the data (sections edited by hand are kept) and
  sends it to the director.
- The director returns it with a comment or approves it. Approval locks the document and the
  register's counter, gives the next number of the register (orders and other acts are numbered
  apart, per school and calendar year, in the school's format such as «45-о»), records the date,
  freezes the content (a hash of it is kept, so every rendering can be checked against it) and
  applies the kind's effects in the same transaction: if an effect fails, nothing is approved.
- An approved document never changes. A change is a new document of the same kind that amends it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.documents.registry import BuildContext, Built, document_type
from programs.models import (
    EDITABLE_STATUSES,
    Document,
    DocumentEvent,
    DocumentKind,
    DocumentPair,
    DocumentSection,
    DocumentStatus,
    MentoringSettings,
    RegistrationCounter,
    RegistrationSeries,
)
from programs.services import document_notifications as notify
from schools import audit
from schools.models import Membership, Role, School, User


class DocumentError(ValidationError):
    """A rule of the document workflow was broken; the message is for the user, in Russian."""


# --- Settings and letterhead ------------------------------------------------------------------------


def settings_of(school: School) -> MentoringSettings:
    """The school's mentoring settings, created with defaults the first time they are needed."""
    found = MentoringSettings.objects.filter(school=school).first()
    if found is not None:
        return found
    # A unique school: two first requests at once both end with the one row (and one audit entry).
    row, created = MentoringSettings.objects.get_or_create(school=school)
    if created:
        row.refresh_from_db()  # the defaults as stored, not the lazy translations they are declared with
    return row


def letterhead(school: School) -> dict[str, str]:
    """The school's requisites as printed at the top of its documents (frozen on approval)."""
    municipality = school.municipality
    return {
        "full_name": school.full_name,
        "short_name": school.short_name,
        "municipality": municipality.name,
        "office_name": getattr(municipality, "office_name", "") or "",
        "address": school.address,
        "phone": school.phone,
        "email": school.email,
        "website": school.website,
        "director_name": school.director_name,
    }


# --- Numbers -----------------------------------------------------------------------------------------


def format_number(template: str, sequence: int, year: int) -> str:
    """«{n}-о» with 45 → «45-о»; a template without {n} gets the number in front."""
    template = template or "{n}"
    if "{n}" not in template:
        template = "{n}" + template
    return template.replace("{n}", str(sequence)).replace("{year}", str(year))


def next_registration(
    school: School, series: str, year: int, *, sequence: int | None = None
) -> tuple[int, str]:
    """The next number of a register; the counter row stays locked until the transaction ends.

    Two approvals at once wait for each other on the counter row, so numbers are unique and have
    no gaps (the unique constraint on documents is the last line of defence). A school that keeps
    one paper register for all its orders gives the number from it (``sequence``): it must come
    after the last one given here, and numbering goes on from it.
    """
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(school=school, series=series, year=year)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update().get(school=school, series=series, year=year)
    if sequence is not None and sequence <= counter.last:
        raise DocumentError(
            {
                "sequence": [
                    _("Номер должен быть больше %(last)s: этот номер в %(year)s году уже выдан.")
                    % {"last": counter.last, "year": year}
                ]
            }
        )
    counter.last = sequence if sequence is not None else counter.last + 1
    counter.save(update_fields=["last"])
    conf = settings_of(school)
    fmt = conf.order_number_format if series == RegistrationSeries.ORDERS else conf.act_number_format
    return counter.last, format_number(fmt, counter.last, year)


# --- Content --------------------------------------------------------------------------------------------


def content_of(document: Document) -> dict[str, Any]:
    """Everything a rendering prints, as plain data: two equal contents print the same file."""
    sections = list(document.sections.order_by("order").values_list("key", "heading", "body"))
    return {
        "kind": document.kind,
        "title": document.title,
        "school_year": document.school_year,
        "sections": [list(s) for s in sections],
        "payload": document.payload,
        "registration_number": document.registration_number,
        "approved_on": document.approved_on.isoformat() if document.approved_on else "",
        "approved_via": document.approved_via_id or "",
        "amends": document.amends_id or "",
    }


def content_hash(document: Document) -> str:
    text = json.dumps(content_of(document), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(document: Document, action: str, actor: User | None, comment: str = "") -> None:
    DocumentEvent.objects.create(document=document, action=action, actor=actor, comment=comment)


def _context(
    *,
    school: School,
    school_year: int,
    options: dict[str, Any],
    acting_user: User | None,
    amends: Document | None = None,
    document: Document | None = None,
) -> BuildContext:
    return BuildContext(
        school=school,
        school_year=school_year,
        settings=settings_of(school),
        options=options,
        acting_user=acting_user,
        today=timezone.localdate(),
        amends=amends,
        document=document,
    )


def clean_options(
    kind: str, school: School, school_year: int, data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Validate the curator's choices with the kind's options form; errors name the field."""
    form_class = document_type(kind).options_form(school, school_year)
    if form_class is None:
        return {}
    form = form_class(data=dict(data or {}))
    if not form.is_valid():
        raise DocumentError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.cleaned_data


def _raw_options(
    kind: str, school: School, school_year: int, data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The options as submitted (lists kept for multiple choices), stored to rebuild the draft later."""
    form_class = document_type(kind).options_form(school, school_year)
    if form_class is None or not data:
        return {}
    submitted: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            # A multiple choice stays a list even with one value chosen, or a refresh rejects it.
            many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            submitted[name] = values if many or len(values) != 1 else values[0]
        elif name in data:
            value = data[name]
            submitted[name] = (
                [str(getattr(v, "pk", v)) for v in value] if isinstance(value, list | tuple) else value
            )
    return submitted


def _write_built(document: Document, built: Built, *, keep_edited: bool) -> None:
    """Store what the kind built: sections (hand-edited ones kept when asked), payload and links."""
    edited = {}
    if keep_edited:
        edited = {s.key: s for s in document.sections.filter(edited_at__isnull=False)}
    document.sections.exclude(key__in=edited.keys()).delete()
    new_sections = []
    for order, section in enumerate(built.sections, start=1):
        if section.key in edited:
            kept = edited[section.key]
            if kept.order != order:
                kept.order = order
                kept.save(update_fields=["order"])
            continue
        new_sections.append(
            DocumentSection(
                document=document, order=order, key=section.key, heading=section.heading, body=section.body
            )
        )
    DocumentSection.objects.bulk_create(new_sections)
    document.pair_rows.all().delete()
    DocumentPair.objects.bulk_create(
        DocumentPair(document=document, pair=pair, order=order, pay_supplement=supplement)
        for order, (pair, supplement) in enumerate(built.pairs, start=1)
    )
    document.approves.set(built.approves)


# --- The workflow ------------------------------------------------------------------------------------


@transaction.atomic
def draft_document(
    *,
    school: School,
    kind: str,
    school_year: int,
    acting_user: User | None,
    options: Mapping[str, Any] | None = None,
    amends: Document | None = None,
) -> Document:
    """A new draft of a kind, built from the data; ``options`` is the data of the kind's options form."""
    if kind not in DocumentKind.values:
        raise DocumentError({"kind": [_("Неизвестный вид документа.")]})
    if amends is not None:
        if amends.status != DocumentStatus.APPROVED:
            raise DocumentError(_("Изменить можно только утверждённый документ."))
        if amends.kind != kind or amends.school_id != school.pk:
            raise DocumentError(_("Изменяющий документ должен быть того же вида и той же организации."))
    doc_type = document_type(kind)
    cleaned = clean_options(kind, school, school_year, options)
    built = doc_type.build(
        _context(
            school=school, school_year=school_year, options=cleaned, acting_user=acting_user, amends=amends
        )
    )
    payload = {
        **built.payload,
        "letterhead": letterhead(school),
        "options": _raw_options(kind, school, school_year, options),
    }
    document = Document.objects.create(
        school=school,
        kind=kind,
        school_year=school_year,
        title=built.title,
        payload=payload,
        curator_staff=built.curator_staff,
        amends=amends,
        is_public=doc_type.may_be_public and doc_type.default_public,
        created_by=acting_user,
    )
    _write_built(document, built, keep_edited=False)
    _record(document, DocumentEvent.Action.CREATED, acting_user)
    return document


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _require_editable(document: Document) -> None:
    if document.status not in EDITABLE_STATUSES:
        if document.status == DocumentStatus.APPROVED:
            raise DocumentError(_("Утверждённый документ изменить нельзя: подготовьте изменяющий документ."))
        raise DocumentError(_("Документ на утверждении у руководителя: изменить его можно после возврата."))


@transaction.atomic
def refresh_document(
    *, document: Document, acting_user: User | None, options: Mapping[str, Any] | None = None
) -> Document:
    """Rebuild a draft from today's data (and new options, if given); hand-edited sections stay."""
    document = _locked(document)
    _require_editable(document)
    submitted = options if options is not None else document.payload.get("options", {})
    cleaned = clean_options(document.kind, document.school, document.school_year, submitted)
    built = document_type(document.kind).build(
        _context(
            school=document.school,
            school_year=document.school_year,
            options=cleaned,
            acting_user=acting_user,
            amends=document.amends,
            document=document,
        )
    )
    stored_options = (
        _raw_options(document.kind, document.school, document.school_year, options)
        if options is not None
        else document.payload.get("options", {})
    )
    document.payload = {**built.payload, "letterhead": letterhead(document.school), "options": stored_options}
    document.curator_staff = built.curator_staff
    document.save(update_fields=["payload", "curator_staff", "updated_at"])
    _write_built(document, built, keep_edited=True)
    _record(document, DocumentEvent.Action.REFRESHED, acting_user)
    return document


@transaction.atomic
def update_document(*, document: Document, title: str, is_public: bool, acting_user: User | None) -> Document:
    document = _locked(document)
    _require_editable(document)
    title = title.strip()
    if not title:
        raise DocumentError({"title": [_("Укажите заголовок документа.")]})
    if is_public and not document_type(document.kind).may_be_public:
        raise DocumentError({"is_public": [_("Документы этого вида не публикуются на сайте.")]})
    document.title, document.is_public = title, is_public
    document.save(update_fields=["title", "is_public", "updated_at"])
    _record(document, DocumentEvent.Action.EDITED, acting_user, _("Заголовок и публикация"))
    return document


@transaction.atomic
def update_section(
    *, section: DocumentSection, heading: str, body: str, acting_user: User | None
) -> DocumentSection:
    """The curator's edit of one section; a refresh from the data will keep it."""
    document = _locked(section.document)
    _require_editable(document)
    section = DocumentSection.objects.select_for_update().get(pk=section.pk)
    section.heading, section.body = heading.strip(), body.strip()
    section.edited_by, section.edited_at = acting_user, timezone.now()
    section.save(update_fields=["heading", "body", "edited_by", "edited_at"])
    _record(document, DocumentEvent.Action.EDITED, acting_user, section.heading or section.key)
    return section


@transaction.atomic
def submit_document(*, document: Document, acting_user: User | None) -> Document:
    """Send the draft to the director; it cannot change while the director decides."""
    document = _locked(document)
    _require_editable(document)
    errors = document_type(document.kind).approval_errors(document)
    if errors:
        raise DocumentError(errors)
    document.status = DocumentStatus.SUBMITTED
    document.submitted_at = timezone.now()
    document.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(document, DocumentEvent.Action.SUBMITTED, acting_user)
    notify.document_submitted(document=document, acting_user=acting_user)
    return document


def is_director(user: User | None, school: School) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, school=school, role=Role.DIRECTOR, is_active=True).exists()


def _require_director(user: User | None, school: School) -> None:
    if not is_director(user, school):
        raise DocumentError(_("Утверждает и возвращает документы только руководитель организации."))


@transaction.atomic
def return_document(*, document: Document, comment: str, acting_user: User | None) -> Document:
    """The director sends the document back to the curator with what to fix."""
    document = _locked(document)
    _require_director(acting_user, document.school)
    if document.status != DocumentStatus.SUBMITTED:
        raise DocumentError(_("Вернуть можно только документ, отправленный на утверждение."))
    comment = comment.strip()
    if not comment:
        raise DocumentError(
            {"comment": [_("Напишите, что нужно исправить: без комментария документ не вернуть.")]}
        )
    document.status = DocumentStatus.RETURNED
    document.director_comment = comment
    document.save(update_fields=["status", "director_comment", "updated_at"])
    _record(document, DocumentEvent.Action.RETURNED, acting_user, comment)
    notify.document_returned(document=document, acting_user=acting_user)
    audit.record(
        audit.Action.RETURN,
        obj=document,
        actor=acting_user,
        changes={"status": [DocumentStatus.SUBMITTED.label, DocumentStatus.RETURNED.label]},
    )
    return document


def _register(
    document: Document,
    *,
    on: date,
    acting_user: User,
    via: Document | None = None,
    sequence: int | None = None,
) -> None:
    """Number, date, freeze and apply one document (the caller holds its lock)."""
    doc_type = document_type(document.kind)
    errors = doc_type.approval_errors(document)
    if errors:
        raise DocumentError(errors)
    series = doc_type.series
    sequence, number = next_registration(document.school, series, on.year, sequence=sequence)
    document.payload = {**document.payload, "letterhead": letterhead(document.school)}
    document.status = DocumentStatus.APPROVED
    document.registration_series = series
    document.registration_year = on.year
    document.registration_sequence = sequence
    document.registration_number = number
    document.approved_on = on
    document.approved_at = timezone.now()
    document.approved_by = acting_user
    document.approved_via = via
    document.content_hash = content_hash(document)
    document.save()
    doc_type.apply(document, acting_user)
    comment = ""
    if via is not None:
        comment = _("Утверждён приказом № %(number)s") % {"number": via.registration_number}
    _record(document, DocumentEvent.Action.APPROVED, acting_user, comment)
    audit.record(
        audit.Action.APPROVE,
        obj=document,
        actor=acting_user,
        changes={"registration_number": ["", number]},
        via=via.registration_number if via is not None else None,
    )
    if document.amends_id:
        _record(
            document.amends,
            DocumentEvent.Action.AMENDED,
            acting_user,
            _("Изменён документом № %(number)s от %(date)s")
            % {"number": number, "date": on.strftime("%d.%m.%Y")},
        )


@transaction.atomic
def approve_document(
    *, document: Document, acting_user: User, on: date | None = None, sequence: int | None = None
) -> Document:
    """The director approves: numbered, dated, frozen and in effect; documents it approves follow.

    ``sequence`` is the number from the school's own register when it is not the next one here.
    """
    document = _locked(document)
    _require_director(acting_user, document.school)
    if document.status != DocumentStatus.SUBMITTED:
        raise DocumentError(_("Утвердить можно только документ, отправленный на утверждение."))
    on = on or timezone.localdate()
    _register(document, on=on, acting_user=acting_user, sequence=sequence)
    for attached in document.approves.select_for_update().order_by("pk"):
        if attached.status != DocumentStatus.APPROVED:
            _register(attached, on=on, acting_user=acting_user, via=document)
    notify.document_approved(document=document, acting_user=acting_user)
    return document


@transaction.atomic
def delete_draft(*, document: Document, acting_user: User | None) -> None:
    document = _locked(document)
    if document.status not in EDITABLE_STATUSES:
        raise DocumentError(_("Удалить можно только черновик или возвращённый документ."))
    document.delete()


def amend_document(
    *, document: Document, acting_user: User | None, options: Mapping[str, Any] | None = None
) -> Document:
    """A draft that changes an approved document; the kind writes it as an amendment."""
    return draft_document(
        school=document.school,
        kind=document.kind,
        school_year=document.school_year,
        acting_user=acting_user,
        options=options if options is not None else document.payload.get("options", {}),
        amends=document,
    )
