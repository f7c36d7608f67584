"""Pages of the registries: staff editing, students, partners, imports and exports.

The student and partner registries are for the school's director and curator (the staff list
and card, in schools/views.py, also for the psychologist); every page that writes is for the
director and the curator only, so methodists never change a school's data. Objects come from
scoped querysets: another school's id is a 404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schools import selectors, services
from schools.forms_registries import (
    ImportConfirmForm,
    ImportUploadForm,
    PartnerFilterForm,
    PartnerForm,
    RegistryForm,
    RepresentativeForm,
    StaffForm,
    StudentFilterForm,
    StudentForm,
    add_errors,
)
from schools.imports import pending
from schools.imports.files import ImportFileError, extension_of, read_table
from schools.imports.kinds import KINDS, ImportKind
from schools.imports.runner import ImportReport, import_table
from schools.imports.workbook import XLSX_CONTENT_TYPE, export_workbook, template_workbook
from schools.models import (
    SCHOOL_MANAGERS,
    PartnerKind,
    PartnerOrganization,
    PartnerRepresentative,
    Staff,
    Student,
)
from schools.services_personal_data import consent_state
from schools.tenancy import role_required
from schools.views import PAGE_SIZE

MANAGERS = SCHOOL_MANAGERS
FORM_TEMPLATE = "schools/registries/form.html"
IMPORT_TEMPLATE = "schools/registries/import.html"
# Rows shown in an import preview besides those with errors or warnings (all of which are shown).
PREVIEW_ROWS = 200

GET_POST = require_http_methods(["GET", "POST"])


def _write(form: RegistryForm, service: Callable[..., models.Model], **target: Any) -> models.Model | None:
    """Save through a service; its errors go back to the form. None means: show the form again."""
    if not form.is_valid():
        return None
    try:
        return service(**target, **form.cleaned_data)
    except ValidationError as e:
        add_errors(form, e.message_dict if hasattr(e, "error_dict") else {NON_FIELD_ERRORS: e.messages})
        return None


def _form_page(request: HttpRequest, form: RegistryForm, **context: Any) -> TemplateResponse:
    return TemplateResponse(
        request, FORM_TEMPLATE, {"form": form, "editing": form.instance.pk is not None, **context}
    )


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


# --- Staff ---------------------------------------------------------------------------------------


def _staff_form_page(request: HttpRequest, form: StaffForm, staff: Staff | None) -> TemplateResponse:
    return _form_page(
        request,
        form,
        title=staff.full_name if staff else _("Новый педагогический работник"),
        list_url="schools:staff-list",
        list_label=_("База педагогов"),
        object=staff,
        object_url="schools:staff-detail",
    )


@role_required(*MANAGERS)
@GET_POST
def staff_create(request: HttpRequest) -> HttpResponse:
    school = request.tenant.school
    form = StaffForm(request.POST or None, school=school)
    if request.method == "POST" and (staff := _write(form, services.create_staff, school=school)):
        messages.success(request, _("Педагог «%(name)s» добавлен в базу.") % {"name": staff.full_name})
        return redirect("schools:staff-detail", pk=staff.pk)
    return _staff_form_page(request, form, None)


@role_required(*MANAGERS)
@GET_POST
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff.objects.all(), pk=pk)
    form = StaffForm(request.POST or None, instance=staff, school=request.tenant.school)
    if request.method == "POST" and _write(form, services.update_staff, staff=staff):
        messages.success(request, _("Изменения сохранены."))
        return redirect("schools:staff-detail", pk=staff.pk)
    return _staff_form_page(request, form, staff)


# --- Students ------------------------------------------------------------------------------------


@role_required(*MANAGERS)
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    form = StudentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "name"
    students = selectors.student_list(
        q=filters.get("q", ""),
        grade=filters.get("grade", ""),
        status=filters.get("status") or "active",
        minors=filters.get("minors", False),
        no_guardian=filters.get("no_guardian", False),
        sort=sort,
    )
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "schools/registries/student_list.html", {"form": form, "page": page, "sort": sort}
    )


@role_required(*MANAGERS)
@require_GET
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(selectors.student_detail_queryset(), pk=pk)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "schools/registries/student_detail.html",
        {
            "student": student,
            "age": student.age_on(today),
            "warnings": services.student_warnings(student, today=today),
            "pd_consent": consent_state(student),
        },
    )


def _student_form_page(request: HttpRequest, form: StudentForm, student: Student | None) -> TemplateResponse:
    return _form_page(
        request,
        form,
        title=student.full_name if student else _("Новый обучающийся"),
        list_url="schools:student-list",
        list_label=_("Обучающиеся"),
        object=student,
        object_url="schools:student-detail",
    )


@role_required(*MANAGERS)
@GET_POST
def student_create(request: HttpRequest) -> HttpResponse:
    school = request.tenant.school
    form = StudentForm(request.POST or None, school=school)
    if request.method == "POST" and (student := _write(form, services.create_student, school=school)):
        messages.success(request, _("Обучающийся «%(name)s» добавлен в базу.") % {"name": student.full_name})
        _warn(request, services.student_warnings(student))
        return redirect("schools:student-detail", pk=student.pk)
    return _student_form_page(request, form, None)


@role_required(*MANAGERS)
@GET_POST
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(Student.objects.all(), pk=pk)
    form = StudentForm(request.POST or None, instance=student, school=request.tenant.school)
    if request.method == "POST" and _write(form, services.update_student, student=student):
        messages.success(request, _("Изменения сохранены."))
        _warn(request, services.student_warnings(student))
        return redirect("schools:student-detail", pk=student.pk)
    return _student_form_page(request, form, student)


# --- Partners ------------------------------------------------------------------------------------


@role_required(*MANAGERS)
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "name"
    partners = selectors.partner_list(q=filters.get("q", ""), kind=filters.get("kind", ""), sort=sort)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "schools/registries/partner_list.html", {"form": form, "page": page, "sort": sort}
    )


@role_required(*MANAGERS)
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(selectors.partner_detail_queryset(), pk=pk)
    return TemplateResponse(
        request,
        "schools/registries/partner_detail.html",
        {"partner": partner, "representatives": list(selectors.partner_representatives(partner))},
    )


def _partner_form_page(
    request: HttpRequest, form: PartnerForm, partner: PartnerOrganization | None
) -> TemplateResponse:
    return _form_page(
        request,
        form,
        title=partner.name if partner else _("Новая организация-партнёр"),
        list_url="schools:partner-list",
        list_label=_("Организации-партнёры"),
        object=partner,
        object_url="schools:partner-detail",
    )


@role_required(*MANAGERS)
@GET_POST
def partner_create(request: HttpRequest) -> HttpResponse:
    school = request.tenant.school
    form = PartnerForm(request.POST or None, school=school, initial={"kind": PartnerKind.ENTERPRISE})
    if request.method == "POST" and (partner := _write(form, services.create_partner, school=school)):
        messages.success(request, _("Организация «%(name)s» добавлена.") % {"name": partner.name})
        return redirect("schools:partner-detail", pk=partner.pk)
    return _partner_form_page(request, form, None)


@role_required(*MANAGERS)
@GET_POST
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(PartnerOrganization.objects.all(), pk=pk)
    form = PartnerForm(request.POST or None, instance=partner, school=request.tenant.school)
    if request.method == "POST" and _write(form, services.update_partner, partner=partner):
        messages.success(request, _("Изменения сохранены."))
        return redirect("schools:partner-detail", pk=partner.pk)
    return _partner_form_page(request, form, partner)


def _representative_form_page(
    request: HttpRequest,
    form: RepresentativeForm,
    partner: PartnerOrganization,
    representative: PartnerRepresentative | None,
) -> TemplateResponse:
    return _form_page(
        request,
        form,
        title=representative.full_name if representative else _("Новый представитель"),
        list_url="schools:partner-list",
        list_label=_("Организации-партнёры"),
        parent=partner,
        parent_url="schools:partner-detail",
    )


@role_required(*MANAGERS)
@GET_POST
def representative_create(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = get_object_or_404(PartnerOrganization.objects.all(), pk=partner_pk)
    form = RepresentativeForm(
        request.POST or None, school=request.tenant.school, initial={"organization": partner}
    )
    # The form's organisation is the partner of the URL unless the user chose another one of the school.
    if request.method == "POST" and (person := _write(form, services.create_representative)):
        messages.success(request, _("Представитель «%(name)s» добавлен.") % {"name": person.full_name})
        return redirect("schools:partner-detail", pk=person.organization_id)
    return _representative_form_page(request, form, partner, None)


@role_required(*MANAGERS)
@GET_POST
def representative_edit(request: HttpRequest, partner_pk: int, pk: int) -> HttpResponse:
    person = get_object_or_404(
        PartnerRepresentative.objects.select_related("organization"), pk=pk, organization_id=partner_pk
    )
    form = RepresentativeForm(request.POST or None, instance=person, school=request.tenant.school)
    if request.method == "POST" and _write(form, services.update_representative, representative=person):
        messages.success(request, _("Изменения сохранены."))
        return redirect("schools:partner-detail", pk=person.organization_id)
    return _representative_form_page(request, form, person.organization, person)


# --- Import and export ---------------------------------------------------------------------------


def _kind(key: str) -> ImportKind:
    try:
        return KINDS[key]
    except KeyError:
        raise Http404 from None


def _import_page(request: HttpRequest, kind: ImportKind, **context: Any) -> TemplateResponse:
    report: ImportReport | None = context.get("report")
    if report is not None:
        shown = [r for r in report.rows if r.has_errors or r.warnings]
        others = [r for r in report.rows if not (r.has_errors or r.warnings)]
        context["preview_rows"] = sorted(shown + others[:PREVIEW_ROWS], key=lambda r: r.number)
        context["hidden_rows"] = max(len(others) - PREVIEW_ROWS, 0)
    return TemplateResponse(
        request,
        IMPORT_TEMPLATE,
        {
            "kind": kind,
            "upload_form": context.pop("upload_form", None) or ImportUploadForm(),
            "columns": _column_help(kind),
            "key_columns": ", ".join(
                f"«{kind.resource.fields[f].column_name}»" for f in kind.resource.key_fields
            ),
            **context,
        },
    )


def _column_help(kind: ImportKind) -> list[dict[str, Any]]:
    resource = kind.resource
    return [
        {
            "name": str(resource.fields[name].column_name),
            "required": name in resource.required_columns,
            "format": resource.column_help.get(name, ("", ""))[0],
            "example": resource.column_help.get(name, ("", ""))[1],
        }
        for name in resource._meta.export_order
    ]


@role_required(*MANAGERS)
@GET_POST
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file and preview what it would change; a clean file is kept for the confirmation."""
    import_kind = _kind(kind)
    if request.method == "GET":
        return _import_page(request, import_kind)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, import_kind, upload_form=form)
    upload = form.cleaned_data["file"]
    school = request.tenant.school
    try:
        extension = extension_of(upload.name)
        content = upload.read()
        report = import_table(import_kind, school, read_table(upload.name, content), commit=False)
    except ImportFileError as e:
        form.add_error("file", str(e))
        return _import_page(request, import_kind, upload_form=form)
    token = None
    if report.ok:
        token = pending.store(school=school, kind=import_kind.key, extension=extension, content=content)
    return _import_page(
        request,
        import_kind,
        report=report,
        file_name=upload.name,
        confirm_form=ImportConfirmForm(initial={"token": token}) if token else None,
    )


@role_required(*MANAGERS)
@require_POST
def import_confirm(request: HttpRequest, kind: str) -> HttpResponse:
    """Import the previewed file for real: all rows in one transaction, or nothing."""
    import_kind = _kind(kind)
    school = request.tenant.school
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    token = form.cleaned_data["token"]
    try:
        name, content = pending.load(school=school, kind=import_kind.key, token=token)
    except pending.PendingUploadMissing:
        raise Http404 from None
    try:
        report = import_table(import_kind, school, read_table(name, content), commit=True)
    except ImportFileError as e:  # it passed the preview; possible only if the columns' rules changed since
        pending.discard(school=school, kind=import_kind.key, token=token)
        messages.error(request, str(e))
        return _import_page(request, import_kind)
    pending.discard(school=school, kind=import_kind.key, token=token)
    if not report.committed:
        messages.error(request, _("Данные изменились после проверки файла, импорт не выполнен."))
        return _import_page(request, import_kind, report=report)
    messages.success(request, report.summary())
    return redirect(import_kind.list_url)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*MANAGERS)
@require_GET
@never_cache
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind(kind)
    return _xlsx(template_workbook(import_kind), f"shablon-{import_kind.file_stem}.xlsx")


@role_required(*MANAGERS)
@require_GET
@never_cache
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """The whole registry as XLSX, built here: the school scope closes when the view returns."""
    import_kind = _kind(kind)
    school = request.tenant.school
    content = export_workbook(import_kind, school)
    return _xlsx(content, f"{import_kind.file_stem}-{school.code}-{timezone.localdate():%Y-%m-%d}.xlsx")
