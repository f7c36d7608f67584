"""Pages of local acts: the list, drafting, the card with its text and history, editing a section,
the director's queue and decision, and the school's mentoring settings.

Views parse input, call the workflow service (``programs.services.documents``) and render; every
rule lives in the service, whose ``DocumentError`` comes back as a form error or a message in
Russian. Documents are fetched through the scoped manager, so another school's document is a 404
like a missing one. The curator and the director draft and edit; only the director approves or
returns (the service checks the membership again). Notifications go out after the service succeeded.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import selectors_documents as selectors
from programs.forms_documents import (
    ApproveForm,
    DocumentFilterForm,
    DocumentStartForm,
    DocumentTitleForm,
    MentoringSettingsForm,
    ReturnForm,
    SectionForm,
    allowed_year,
    describe_choices,
    empty_choice_fields,
    options_data,
)
from programs.forms_pairs import add_service_error
from programs.models import Document, DocumentSection, DocumentStatus
from programs.services import documents as services
from programs.services.mentoring_settings import update_settings
from schools.models import SCHOOL_MANAGERS, SCHOOL_READERS, Role
from schools.tenancy import role_required
from schools.years import school_year_label

PAGE_SIZE = 30
MANAGERS = SCHOOL_MANAGERS
READERS = SCHOOL_READERS


def _document_or_404(pk: int) -> Document:
    return get_object_or_404(selectors.document_queryset(), pk=pk)


def _to_detail(document: Document) -> HttpResponseRedirect:
    return redirect("programs:document-detail", pk=document.pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _bound_options_form(form_class: type[Form], data: QueryDict, error: ValidationError) -> Form:
    """The options form with the submitted data and the service's errors (each message once).

    The service validates the options with this same form, so the field errors it reports are the
    form's own; only the others (a rule of the kind) are added.
    """
    form = form_class(data=data)
    form.is_valid()
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields and name in form.errors:
                continue
            form.add_error(name if name in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, ValidationError(error.messages))
    return form


def _editable_or_redirect(request: HttpRequest, document: Document) -> HttpResponseRedirect | None:
    """Edit pages of a document that is on approval or approved send the user back to its card."""
    if document.is_editable:
        return None
    if document.status == DocumentStatus.APPROVED:
        messages.error(request, _("Утверждённый документ изменить нельзя: подготовьте изменяющий документ."))
    else:
        messages.error(
            request, _("Документ на утверждении у руководителя: изменить его можно после возврата.")
        )
    return _to_detail(document)


# --- The list ------------------------------------------------------------------------------------


@role_required(*READERS)
def document_list(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None, years=selectors.document_years())
    filters = form.cleaned_data if form.is_valid() else {}
    documents = selectors.document_list(
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        school_year=filters.get("school_year"),
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "programs/documents/list.html",
        {
            "form": form,
            "page": page,
            "documents": list(page.object_list),
            "can_manage": request.tenant.has_role(*MANAGERS),
        },
    )


# --- Drafting ------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def document_create(request: HttpRequest) -> HttpResponse:
    """Step 1: a card per kind; its button carries the kind and the chosen year to step 2."""
    form = DocumentStartForm(request.GET if "kind" in request.GET else None)
    if form.is_bound and form.is_valid():
        url = reverse("programs:document-create-kind", kwargs={"kind": form.cleaned_data["kind"]})
        return redirect(f"{url}?{urlencode({'year': form.cleaned_data['school_year']})}")
    return TemplateResponse(
        request,
        "programs/documents/create.html",
        {"form": form, "cards": selectors.kind_cards()},
    )


@role_required(*MANAGERS)
def document_create_kind(request: HttpRequest, kind: str) -> HttpResponse:
    """Step 2: the kind's options (which pairs, which curator…) and the draft built from the data.

    ``?pairs=<pk>`` (and any other option named in the query) pre-fills the options form: the pair
    card links here with its pair ticked.
    """
    doc_type = selectors.registered_kind(kind)
    if doc_type is None:
        raise Http404
    school = request.tenant.school
    source = request.POST if request.method == "POST" else request.GET
    year = allowed_year(source.get("school_year") or source.get("year"))
    form_class = doc_type.options_form(school, year)
    form = None
    errors: list[str] = []
    if request.method == "POST":
        data = options_data(form_class, request.POST) if form_class is not None else {}
        try:
            document = services.draft_document(
                school=school, kind=kind, school_year=year, acting_user=request.user, options=data
            )
        except services.DocumentError as error:
            if form_class is not None:
                form = _bound_options_form(form_class, request.POST, error)
            else:
                errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "Черновик создан по данным системы. Проверьте текст, при необходимости поправьте разделы и отправьте на утверждение."
                ),
            )
            return _to_detail(document)
    elif form_class is not None:
        initial = options_data(form_class, request.GET)
        form = form_class(initial={k: v for k, v in initial.items() if v not in (None, [], "")})
    if form is not None:
        describe_choices(form)
    return TemplateResponse(
        request,
        "programs/documents/create_kind.html",
        {
            "kind": kind,
            "kind_label": doc_type.label,
            "hint": selectors.kind_hint(doc_type),
            "form": form,
            "empty_fields": empty_choice_fields(form) if form is not None else [],
            "errors": errors,
            "year": year,
            "year_label": school_year_label(year),
        },
    )


# --- One document --------------------------------------------------------------------------------


def _actions(request: HttpRequest, document: Document) -> dict[str, bool]:
    """The buttons the current role may press in the document's current status."""
    manager = request.tenant.has_role(*MANAGERS)
    director = request.tenant.has_role(Role.DIRECTOR)
    editable = document.is_editable
    submitted = document.status == DocumentStatus.SUBMITTED
    doc_type = selectors.registered_kind(document.kind)
    return {
        "manage": manager,
        "edit": manager and editable,
        "options": manager
        and editable
        and doc_type is not None
        and doc_type.options_form(document.school, document.school_year) is not None,
        "submit": manager and editable,
        "delete": manager and editable,
        "decide": director and submitted,
        "amend": manager and document.status == DocumentStatus.APPROVED,
    }


@role_required(*READERS)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    can = _actions(request, document)
    return TemplateResponse(
        request,
        "programs/documents/detail.html",
        {
            "document": document,
            "page": selectors.document_page(document),
            "can": can,
            "year_label": school_year_label(document.school_year),
            "approve_form": ApproveForm() if can["decide"] else None,
        },
    )


@role_required(*MANAGERS)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The title and whether the document is published on the school's page."""
    document = _document_or_404(pk)
    if (blocked := _editable_or_redirect(request, document)) is not None:
        return blocked
    doc_type = selectors.registered_kind(document.kind)
    may_be_public = doc_type is not None and doc_type.may_be_public
    form = DocumentTitleForm(
        request.POST or None,
        initial={"title": document.title, "is_public": document.is_public},
        may_be_public=may_be_public,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_document(
                document=document,
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
                acting_user=request.user,
            )
        except services.DocumentError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Заголовок и публикация сохранены."))
            return _to_detail(document)
    return TemplateResponse(request, "programs/documents/edit.html", {"document": document, "form": form})


@role_required(*MANAGERS)
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """One section of the text in a textarea; a refresh from the data keeps it as edited."""
    document = _document_or_404(pk)
    section = get_object_or_404(DocumentSection.objects.filter(document=document), pk=section_pk)
    if (blocked := _editable_or_redirect(request, document)) is not None:
        return blocked
    form = SectionForm(request.POST or None, initial={"heading": section.heading, "body": section.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(
                section=section,
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
                acting_user=request.user,
            )
        except services.DocumentError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Раздел сохранён. При обновлении документа по данным он останется в вашей редакции."),
            )
            return redirect(
                f"{reverse('programs:document-detail', kwargs={'pk': document.pk})}#section-{section.pk}"
            )
    return TemplateResponse(
        request,
        "programs/documents/section_form.html",
        {"document": document, "section": section, "form": form},
    )


@require_POST
@role_required(*MANAGERS)
def document_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    kept = document.sections.filter(edited_at__isnull=False).count()
    try:
        services.refresh_document(document=document, acting_user=request.user)
    except services.DocumentError as error:
        messages.error(request, _error_text(error))
    else:
        if kept:
            messages.success(
                request,
                _("Документ обновлён по данным системы. Разделы, изменённые вручную, сохранены: %(n)s.")
                % {"n": kept},
            )
        else:
            messages.success(request, _("Документ обновлён по данным системы."))
    return _to_detail(document)


@role_required(*MANAGERS)
def document_options(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose again what the draft is built from (the pairs of the order, …) and rebuild it."""
    document = _document_or_404(pk)
    if (blocked := _editable_or_redirect(request, document)) is not None:
        return blocked
    doc_type = selectors.registered_kind(document.kind)
    form_class = doc_type.options_form(document.school, document.school_year) if doc_type else None
    if form_class is None:
        messages.info(request, _("У документов этого вида нет параметров: обновите документ по данным."))
        return _to_detail(document)
    if request.method == "POST":
        try:
            services.refresh_document(
                document=document, acting_user=request.user, options=options_data(form_class, request.POST)
            )
        except services.DocumentError as error:
            form = _bound_options_form(form_class, request.POST, error)
        else:
            messages.success(
                request,
                _("Документ пересобран с новыми параметрами. Разделы, изменённые вручную, сохранены."),
            )
            return _to_detail(document)
    else:
        form = form_class(initial=selectors.options_initial(document))
    describe_choices(form)
    return TemplateResponse(
        request,
        "programs/documents/options.html",
        {"document": document, "form": form, "empty_fields": empty_choice_fields(form)},
    )


@require_POST
@role_required(*MANAGERS)
def document_submit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    try:
        document = services.submit_document(document=document, acting_user=request.user)
    except services.DocumentError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Документ отправлен руководителю на утверждение."))
    return _to_detail(document)


@role_required(*MANAGERS)
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft (or a returned document) may be deleted; a confirmation page first."""
    document = _document_or_404(pk)
    if (blocked := _editable_or_redirect(request, document)) is not None:
        return blocked
    if request.method == "POST":
        try:
            services.delete_draft(document=document, acting_user=request.user)
        except services.DocumentError as error:
            messages.error(request, _error_text(error))
            return _to_detail(document)
        messages.success(request, _("Черновик «%(title)s» удалён.") % {"title": document.title})
        return redirect("programs:document-list")
    return TemplateResponse(request, "programs/documents/delete.html", {"document": document})


@role_required(*MANAGERS)
def document_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft of the same kind that changes an approved document.

    When the kind has options (the pairs of an order), they are chosen again: the approved
    document's own choices may no longer be valid (its pairs are fixed by it now).
    """
    document = _document_or_404(pk)
    if document.status != DocumentStatus.APPROVED:
        messages.error(request, _("Изменить можно только утверждённый документ."))
        return _to_detail(document)
    doc_type = selectors.registered_kind(document.kind)
    form_class = doc_type.options_form(document.school, document.school_year) if doc_type else None
    form = None
    if request.method == "POST":
        options = options_data(form_class, request.POST) if form_class is not None else None
        try:
            draft = services.amend_document(document=document, acting_user=request.user, options=options)
        except services.DocumentError as error:
            if form_class is None:
                messages.error(request, _error_text(error))
                return _to_detail(document)
            form = _bound_options_form(form_class, request.POST, error)
        else:
            messages.success(
                request,
                _(
                    "Создан черновик изменяющего документа. Поправьте его и отправьте руководителю на утверждение."
                ),
            )
            return _to_detail(draft)
    elif form_class is not None:
        form = form_class()
    if form is not None:
        describe_choices(form)
    return TemplateResponse(
        request,
        "programs/documents/amend.html",
        {
            "document": document,
            "form": form,
            "empty_fields": empty_choice_fields(form) if form is not None else [],
        },
    )


# --- The director's decision ---------------------------------------------------------------------


@role_required(Role.DIRECTOR)
def document_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve: the document gets its number and date, freezes and takes effect."""
    document = _document_or_404(pk)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.approve_document(
                document=document,
                acting_user=request.user,
                on=form.cleaned_data["approved_on"],
                sequence=form.cleaned_data["sequence"],
            )
        except services.DocumentError as error:
            if "sequence" not in getattr(error, "error_dict", {}):
                messages.error(request, _error_text(error))
                return _to_detail(document)
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Документ утверждён: № %(number)s от %(date)s.")
                % {"number": document.registration_number, "date": document.approved_on.strftime("%d.%m.%Y")},
            )
            return _to_detail(document)
    return TemplateResponse(
        request,
        "programs/documents/decide.html",
        {
            "document": document,
            "form": form,
            "action": "approve",
            "effects": selectors.document_page(document).effects,
            "blocked": ""
            if document.status == DocumentStatus.SUBMITTED
            else _("Утвердить можно только документ, отправленный на утверждение."),
        },
    )


@role_required(Role.DIRECTOR)
def document_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return to the author with what to fix (the comment is required)."""
    document = _document_or_404(pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.return_document(
                document=document, comment=form.cleaned_data["comment"], acting_user=request.user
            )
        except services.DocumentError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Документ возвращён на доработку с вашим комментарием."))
            return _to_detail(document)
    return TemplateResponse(
        request,
        "programs/documents/decide.html",
        {
            "document": document,
            "form": form,
            "action": "return",
            "blocked": ""
            if document.status == DocumentStatus.SUBMITTED
            else _("Вернуть можно только документ, отправленный на утверждение."),
        },
    )


@role_required(*MANAGERS)
def document_queue(request: HttpRequest) -> HttpResponse:
    """Documents waiting for the director, oldest first; curators see the same list read-only."""
    is_director = request.tenant.has_role(Role.DIRECTOR)
    return TemplateResponse(
        request,
        "programs/documents/queue.html",
        {"rows": selectors.approval_queue(), "is_director": is_director},
    )


# --- Mentoring settings --------------------------------------------------------------------------


@role_required(*READERS)
def mentoring_settings(request: HttpRequest) -> HttpResponse:
    school = request.tenant.school
    conf = services.settings_of(school)
    can_edit = request.tenant.has_role(*MANAGERS)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = MentoringSettingsForm(request.POST or None, instance=conf, school=school, read_only=not can_edit)
    if request.method == "POST" and form.is_valid():
        try:
            update_settings(school=school, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Настройки сохранены. Черновики документов подхватят их после «Обновить по данным»."),
            )
            return redirect("programs:mentoring-settings")
    return TemplateResponse(
        request,
        "programs/documents/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "previews": selectors.number_previews(school),
        },
    )
