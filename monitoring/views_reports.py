"""Pages of the analytical reports (``monitoring/reports/``).

- The **methodist** chooses the period, the slice date, the comparison date and the format; the
  report is made by the Celery job (``monitoring.services_reports``) while a progress bar polls it
  (htmx every second; without JavaScript the waiting page reloads itself), then the file downloads.
  A municipal methodist makes the report of their municipality, a regional methodist the regional
  report or the municipal report of one of the region's municipalities.
- The **director and the curator** get the school's own numbers in the shapes of the municipal
  tables, the same numbers as a file, and the way to the school's analytical note.

Report files are read through their scoped manager and then narrowed to what the active role may
open (its municipality, its region, its school), so any other file is a 404 like a missing one.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from monitoring import report as reports
from monitoring import report_render
from monitoring import services_reports as services
from monitoring.forms_reports import PeriodForm, ReportRequestForm
from monitoring.models import ReportFile, ReportKind
from monitoring.report_render import CONTENT_TYPES
from programs.forms_pairs import add_service_error
from programs.models import DocumentKind
from schools import audit
from schools.models import Role
from schools.tenancy import role_required

METHODISTS = (Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST)
SCHOOL_ROLES = (Role.DIRECTOR, Role.CURATOR)
READERS = (*METHODISTS, *SCHOOL_ROLES)
POLL_SECONDS = 1
RECENT = 20


def _files(request: HttpRequest) -> QuerySet[ReportFile]:
    """The report files the active role may open."""
    active = request.tenant.active
    files = ReportFile.objects.select_related("municipality", "region", "school", "requested_by")
    if active.role == Role.MUNICIPAL_METHODIST:
        return files.filter(kind=ReportKind.MUNICIPAL, municipality=active.municipality)
    if active.role == Role.REGIONAL_METHODIST:
        return files.filter(region=active.region).exclude(kind=ReportKind.SCHOOL)
    return files.filter(kind=ReportKind.SCHOOL, school=active.school)


def _file_or_404(request: HttpRequest, pk: int) -> ReportFile:
    return get_object_or_404(_files(request), pk=pk)


def _is_methodist(request: HttpRequest) -> bool:
    return request.tenant.has_role(*METHODISTS)


def _methodist_page(request: HttpRequest, form: ReportRequestForm, status: int = 200) -> HttpResponse:
    active = request.tenant.active
    return TemplateResponse(
        request,
        "monitoring/reports/index.html",
        {
            "form": form,
            "files": list(_files(request)[:RECENT]),
            "place": active.municipality or active.region,
        },
        status=status,
    )


def _school_page(request: HttpRequest) -> HttpResponse:
    """The school's own numbers for the period asked (the current school year by default)."""
    school = request.tenant.school
    period_form = PeriodForm(request.GET or None)
    period, compare = None, None
    if period_form.is_valid():
        period, compare = period_form.cleaned_data["period"], period_form.cleaned_data["compare"]
    if period is None:
        period, compare = services.check_parameters(
            period_start=None, period_end=None, as_of=None, compare_as_of=None
        )
    figures = reports.build_school_note_figures(school, period, compare)
    request_form = ReportRequestForm(
        tenant=request.tenant,
        initial={
            "period_start": period.start,
            "period_end": period.end,
            "as_of": period.as_of,
            "compare_as_of": compare,
        },
    )
    return TemplateResponse(
        request,
        "monitoring/reports/school.html",
        {
            "period_form": period_form,
            "form": request_form,
            "report": figures,
            "tables": [report_render.printable(t) for t in (*figures.tables, *figures.appendices)],
            "files": list(_files(request)[:RECENT]),
            "note_kind": DocumentKind.ANALYTICAL_NOTE,
        },
    )


@role_required(*READERS)
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """Methodists: the report form and the recent files. Director, curator: the school's numbers."""
    if _is_methodist(request):
        return _methodist_page(request, ReportRequestForm(tenant=request.tenant))
    return _school_page(request)


@role_required(*READERS)
@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    """Start a report file; the browser goes to its progress page (htmx gets the status partial)."""
    form = ReportRequestForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        data = form.cleaned_data
        active = request.tenant.active
        place = {}
        if data["kind"] == ReportKind.SCHOOL:
            place["school"] = active.school
        elif data["kind"] == ReportKind.REGIONAL:
            place["region"] = active.region
        else:
            place["municipality"] = data.get("municipality") or active.municipality
        try:
            row = services.request_report(
                kind=data["kind"],
                fmt=data["fmt"],
                period=data["period"],
                compare_as_of=data["compare"],
                requested_by=request.user,
                use_snapshot=data["use_snapshot"],
                **place,
            )
        except services.ReportError as error:
            add_service_error(form, error)
        else:
            if request.htmx:
                return TemplateResponse(request, "monitoring/reports/_status.html", _status_context(row))
            return redirect("monitoring:report-status", pk=row.pk)
    if _is_methodist(request):
        return _methodist_page(request, form)
    return TemplateResponse(request, "monitoring/reports/request_errors.html", {"form": form})


def _status_context(row: ReportFile) -> dict:
    return {"row": row, "poll_seconds": POLL_SECONDS}


@role_required(*READERS)
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A report file's progress, then its download link."""
    row = _file_or_404(request, pk)
    context = _status_context(row)
    if request.htmx:
        return TemplateResponse(request, "monitoring/reports/_status.html", context)
    response = TemplateResponse(request, "monitoring/reports/status.html", context)
    if not row.finished:
        response["Refresh"] = str(POLL_SECONDS)  # the waiting page without JavaScript
    response["Cache-Control"] = "no-store"
    return response


@role_required(*READERS)
@require_GET
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """The finished file, streamed after the scoped lookup (never by a /media/ URL)."""
    row = _file_or_404(request, pk)
    if not row.file or row.status != "done":
        raise Http404
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.download_name(row),
        content_type=CONTENT_TYPES[row.fmt],
    )
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, row)
