"""Pages of the dashboards and of the computation of indicators.

``dashboard`` answers by the active role: a municipal methodist gets the municipality's dashboard, a
regional methodist the region's (rows are municipalities; ``?municipality=<id>`` drills down to one
of them), a director, curator or psychologist the school's. The methodist's pages share the
period form and the filters (type, district, name), carried between them in the query string:
the overview, the table of schools, the compliance matrix, the stored snapshots, the XLSX exports,
and the read-only overview of one school. The data come from ``monitoring.selectors_dashboards``
(stored snapshots, computed live only when none covers the period — see its docstring).

«Рассчитать показатели» queues the computation of the period and of the same period a year earlier
(the change against last year reads it) and opens a progress page; a script from /static polls its
JSON twin, and without JavaScript the page refreshes itself. Objects are fetched from scoped
querysets, so another territory's school or snapshot is a 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from monitoring import exports
from monitoring.compute import Period, Scope
from monitoring.forms_dashboards import VIEW_PARAMS, ComputeForm, DashboardFilterForm, Selection
from monitoring.models import JobStatus, Snapshot
from monitoring.selectors_dashboards import (
    MUNICIPALITY_COLUMNS,
    Column,
    Figures,
    comparison_lines,
    municipality_names_of,
    period_label,
    previous_period,
    school_columns,
    school_dashboard,
    snapshot_totals,
    sort_rows,
    territory_dashboard,
)
from monitoring.services import request_computation, scope_for
from schools.models import SCHOOL_MANAGERS, SCHOOL_READERS, Municipality, Region, Role, School
from schools.tenancy import role_required

METHODISTS = (Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST)
READERS = (*METHODISTS, *SCHOOL_READERS)
COMPUTERS = (*METHODISTS, *SCHOOL_MANAGERS)
PAGE_SIZE = 200  # a municipality fits on one page; a region's schools are paged
SNAPSHOTS_PAGE_SIZE = 50
POLL_SECONDS = 2
EXPORT_TABLES = ("schools", "matrix", "forms", "levels", "municipalities")


# --- What a methodist's page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class TerritoryView:
    """A municipality (the municipal methodist's, or one a regional methodist drilled down to) or a region."""

    municipality: Municipality | None
    region: Region | None
    municipality_ids: tuple[int, ...]
    names: dict[int, str] = field(default_factory=dict)  # the region's municipalities

    @property
    def is_region(self) -> bool:
        return self.municipality is None

    @property
    def label(self) -> str:
        return str(self.municipality or self.region)

    @property
    def param(self) -> str:
        """The ``municipality`` parameter a regional methodist's drill-down carries ("" otherwise)."""
        return str(self.municipality.pk) if self.municipality and self.region else ""


def _territory_view(request: HttpRequest, municipality_param: str | None = None) -> TerritoryView:
    """The territory of the request; ``municipality`` outside the methodist's territory is a 404."""
    active = request.tenant.active
    param = (request.GET.get("municipality") if municipality_param is None else municipality_param) or ""
    if active.role == Role.MUNICIPAL_METHODIST:
        if param and param != str(active.municipality.pk):
            raise Http404
        return TerritoryView(active.municipality, None, (active.municipality.pk,))
    if param:
        if not param.isdigit():
            raise Http404
        municipality = get_object_or_404(
            Municipality.objects.select_related("region"), pk=int(param), region=active.region
        )
        return TerritoryView(municipality, active.region, (municipality.pk,))
    names = municipality_names_of(active.region.pk)
    return TerritoryView(None, active.region, tuple(names), names)


def _selection(request: HttpRequest) -> tuple[DashboardFilterForm, Selection]:
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.selection()


def _query(request: HttpRequest, **changes: str | None) -> str:
    """The page's view parameters with some changed (None drops one), as a query string."""
    params = {key: request.GET.get(key, "") for key in VIEW_PARAMS}
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _period_params(period: Period, view: TerritoryView | None = None) -> str:
    """The query string that opens a dashboard on exactly this period and slice date."""
    params = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
    }
    if view is not None and view.param:
        params["municipality"] = view.param
    return urlencode(params)


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    url: str
    sorted: str  # "asc", "desc" or ""


def _header(request: HttpRequest, columns: tuple[Column, ...], sort: str, **extra: str) -> list[HeaderCell]:
    """Column titles as sort links: a click sorts by the column, a second click reverses it."""
    cells = []
    for column in columns:
        current = "asc" if sort == column.key else "desc" if sort == f"-{column.key}" else ""
        wanted = f"-{column.key}" if current == "asc" or (not current and column.numeric) else column.key
        cells.append(HeaderCell(column, "?" + _query(request, sort=wanted, **extra), current))
    return cells


def _source(figures: Figures) -> dict:
    return {
        "as_of": figures.period.as_of,
        "computed_at": figures.computed_at,
        "from_snapshot": figures.from_snapshot,
        "partly_live": figures.live and bool(figures.snapshot_ids),
        "live": figures.live,
    }


def _base_context(
    request: HttpRequest, view: TerritoryView, form: DashboardFilterForm, sel: Selection, dash, tab: str
) -> dict:
    period = dash.figures.period
    previous = dash.previous.period if dash.previous else previous_period(period)
    return {
        "view": view,
        "form": form,
        "selection": sel,
        "dash": dash,
        "tab": tab,
        "query": _query(request),
        "query_no_filters": _query(request, kind=None, district=None, q=None),
        "period": period,
        "period_label": period_label(period.start, period.end),
        "previous": previous,
        "source": _source(dash.figures),
        "previous_source": _source(dash.previous) if dash.previous else None,
        "kinds": DashboardFilterForm.base_fields["kind"].choices,
        "compute_form": ComputeForm.for_period(period.start, period.end, municipality=view.param or None),
        "recompute_params": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "municipality": view.param,
        },
    }


# --- The dashboard (dispatch by role) ------------------------------------------------------------------


@role_required(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.tenant.has_role(*METHODISTS):
        return _territory_page(request)
    return _school_page(request)


def _territory_page(request: HttpRequest) -> HttpResponse:
    view = _territory_view(request)
    form, sel = _selection(request)
    dash = territory_dashboard(
        view.municipality_ids,
        sel.start,
        sel.end,
        sel.as_of,
        filters=sel.filters,
        municipality_names=view.names,
    )
    context = _base_context(request, view, form, sel, dash, "overview")
    if view.is_region:
        rows, sort = sort_rows(
            dash.municipality_rows(), MUNICIPALITY_COLUMNS, request.GET.get("sort", "name")
        )
        context.update(
            municipality_rows=rows,
            municipality_columns=_header(request, MUNICIPALITY_COLUMNS, sort),
            municipality_keys=[c.key for c in MUNICIPALITY_COLUMNS],
        )
    return TemplateResponse(request, "monitoring/dashboards/territory.html", context)


def _school_page(request: HttpRequest) -> HttpResponse:
    school = request.tenant.school
    form, sel = _selection(request)
    dash = school_dashboard(school, sel.start, sel.end, sel.as_of)
    period = dash.figures.period
    return TemplateResponse(
        request,
        "monitoring/dashboards/school.html",
        {
            "dash": dash,
            "school": school,
            "form": form,
            "period": period,
            "period_label": period_label(period.start, period.end),
            "previous": dash.previous.period,
            "source": _source(dash.figures),
            "previous_source": _source(dash.previous),
            "can_compute": request.tenant.has_role(*SCHOOL_MANAGERS),
            "recompute_params": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "municipality": "",
            },
            "query": _query(request),
        },
    )


# --- The methodist's tables ------------------------------------------------------------------------------


@role_required(*METHODISTS)
def dashboard_schools(request: HttpRequest) -> HttpResponse:
    """The sortable, filterable table of schools (sorting by any column, on the server)."""
    view = _territory_view(request)
    form, sel = _selection(request)
    dash = territory_dashboard(
        view.municipality_ids, sel.start, sel.end, sel.as_of, filters=sel.filters, with_previous=False
    )
    columns = school_columns(with_municipality=view.is_region)
    rows, sort = sort_rows(dash.rows, columns, request.GET.get("sort", "name"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _base_context(request, view, form, sel, dash, "schools")
    context.update(
        page=page,
        header=_header(request, columns, sort),
        keys=[c.key for c in columns],
        shares={c.key for c in columns if c.kind == "share"},
        sort=sort,
    )
    return TemplateResponse(request, "monitoring/dashboards/schools.html", context)


@role_required(*METHODISTS)
def dashboard_matrix(request: HttpRequest) -> HttpResponse:
    """Schools × the seven required acts, with totals per act; «только с пробелами» hides complete ones."""
    view = _territory_view(request)
    form, sel = _selection(request)
    dash = territory_dashboard(
        view.municipality_ids, sel.start, sel.end, sel.as_of, filters=sel.filters, with_previous=False
    )
    gaps = request.GET.get("gaps") == "1"
    matrix = dash.matrix(gaps_only=gaps)
    page = Paginator(matrix.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _base_context(request, view, form, sel, dash, "matrix")
    context.update(matrix=matrix, page=page, gaps=gaps)
    return TemplateResponse(request, "monitoring/dashboards/matrix.html", context)


@role_required(*METHODISTS)
@require_GET
@never_cache
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """An XLSX of a dashboard table (``table`` = schools, matrix, forms, levels, municipalities)."""
    table = request.GET.get("table", "")
    if table not in EXPORT_TABLES:
        raise Http404
    view = _territory_view(request)
    if table == "municipalities" and not view.is_region:
        raise Http404
    _form, sel = _selection(request)
    dash = territory_dashboard(
        view.municipality_ids,
        sel.start,
        sel.end,
        sel.as_of,
        filters=sel.filters,
        with_previous=False,
        municipality_names=view.names,
    )
    period = dash.figures.period
    if table == "schools":
        columns = school_columns(with_municipality=view.is_region)
        rows, _sort = sort_rows(dash.rows, columns, request.GET.get("sort", "name"))
        sheets = [exports.table_sheet(_("Организации"), columns, rows, dash.totals)]
    elif table == "matrix":
        sheets = [
            exports.matrix_sheet(
                dash.matrix(gaps_only=request.GET.get("gaps") == "1"), with_municipality=view.is_region
            )
        ]
    elif table == "forms":
        sheets = [
            exports.bars_sheet(
                _("Формы"), _("Форма наставничества"), dash.forms_bars, with_note=_("Пар и групп")
            )
        ]
    elif table == "levels":
        sheets = [
            exports.bars_sheet(_("Уровни"), _("Уровень эффективности"), dash.level_bars),
            exports.school_levels_sheet(dash.rows, with_municipality=view.is_region),
        ]
    else:
        rows, _sort = sort_rows(
            dash.municipality_rows(), MUNICIPALITY_COLUMNS, request.GET.get("sort", "name")
        )
        sheets = [exports.table_sheet(_("Муниципалитеты"), MUNICIPALITY_COLUMNS, rows, dash.totals)]
    about = [
        (_("Территория"), view.label),
        (_("Период"), period_label(period.start, period.end)),
        (_("По состоянию на"), f"{period.as_of:%d.%m.%Y}"),
        (
            _("Рассчитано"),
            f"{dash.figures.computed_at.astimezone():%d.%m.%Y %H:%M}"
            if dash.figures.from_snapshot and dash.figures.computed_at
            else _("при выгрузке"),
        ),
        (
            _("Тип ОО"),
            dict(DashboardFilterForm.base_fields["kind"].choices).get(sel.filters.kind, "")
            if sel.filters.kind
            else _("все"),
        ),
        (_("Район"), sel.filters.district or _("все")),
        (_("Название содержит"), sel.filters.q or "—"),
    ]
    content = exports.workbook_bytes(sheets, about)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    year = f"{period.start:%Y}-{period.end:%Y}"
    response["Content-Disposition"] = f'attachment; filename="dashboard-{table}-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*METHODISTS)
def school_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """A read-only overview of one school of the methodist's territory (another territory's: 404)."""
    school = get_object_or_404(School.objects.select_related("municipality__region"), pk=pk)
    form, sel = _selection(request)
    dash = school_dashboard(school, sel.start, sel.end, sel.as_of)
    period = dash.figures.period
    back = _query(
        request,
        municipality=str(school.municipality_id)
        if request.tenant.has_role(Role.REGIONAL_METHODIST)
        else None,
    )
    return TemplateResponse(
        request,
        "monitoring/dashboards/school_overview.html",
        {
            "dash": dash,
            "school": school,
            "form": form,
            "period": period,
            "period_label": period_label(period.start, period.end),
            "previous": dash.previous.period,
            "source": _source(dash.figures),
            "previous_source": _source(dash.previous),
            "back_query": back,
            "query": _query(request),
        },
    )


# --- Computing and its progress ------------------------------------------------------------------------------


def _visible_snapshots(request: HttpRequest) -> QuerySet[Snapshot]:
    """A methodist's snapshots are the territory's (not one school's); a school's users see their school's."""
    active = request.tenant.active
    if active.role == Role.MUNICIPAL_METHODIST:
        return Snapshot.objects.filter(school__isnull=True, municipality=active.municipality)
    if active.role == Role.REGIONAL_METHODIST:
        return Snapshot.objects.filter(school__isnull=True, municipality__region=active.region)
    return Snapshot.objects.filter(school=active.school)


@require_POST
@role_required(*COMPUTERS)
def dashboard_compute(request: HttpRequest) -> HttpResponse:
    """«Рассчитать показатели»: the period and, for the change against last year, the year before."""
    form = ComputeForm(request.POST)
    methodist = request.tenant.has_role(*METHODISTS)
    view = _territory_view(request, request.POST.get("municipality", "")) if methodist else None
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(
            reverse("monitoring:dashboard") + (f"?municipality={view.param}" if view and view.param else "")
        )
    if view is not None:
        scope = Scope(municipality_ids=view.municipality_ids)
    else:
        scope = scope_for(school=request.tenant.school)
    headers = request_computation(scope, form.period, requested_by=request.user)
    request_computation(scope, previous_period(form.period), requested_by=request.user)
    url = reverse("monitoring:snapshot-progress", kwargs={"pk": headers[0].pk})
    return redirect(url + (f"?municipality={view.param}" if view and view.param else ""))


def _progress_group(request: HttpRequest, anchor: Snapshot) -> list[Snapshot]:
    """The snapshots of one request: the period and the same period a year earlier, in the territory."""
    previous = previous_period(Period(anchor.period_start, anchor.period_end, anchor.as_of))
    keys = Q(period_start=anchor.period_start, period_end=anchor.period_end, as_of=anchor.as_of) | Q(
        period_start=previous.start, period_end=previous.end, as_of=previous.as_of
    )
    group = _visible_snapshots(request).filter(keys)
    municipality = request.GET.get("municipality", "")
    if request.tenant.has_role(Role.REGIONAL_METHODIST) and municipality.isdigit():
        group = group.filter(municipality_id=int(municipality))
    return list(group.select_related("municipality").order_by("-period_start", "municipality__name", "pk"))


@role_required(*READERS)
@never_cache
def snapshot_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a computation; ``?format=json`` is what the page's script polls."""
    anchor = get_object_or_404(_visible_snapshots(request), pk=pk)
    group = _progress_group(request, anchor) or [anchor]
    progress = round(sum(100 if s.status == JobStatus.DONE else s.progress for s in group) / len(group))
    failed = [s for s in group if s.status == JobStatus.FAILED]
    finished = all(s.status in (JobStatus.DONE, JobStatus.FAILED) for s in group)
    municipality = (
        request.GET.get("municipality", "") if request.tenant.has_role(Role.REGIONAL_METHODIST) else ""
    )
    period = Period(anchor.period_start, anchor.period_end, anchor.as_of)
    params = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
    }
    if municipality.isdigit():
        params["municipality"] = municipality
    dashboard_url = f"{reverse('monitoring:dashboard')}?{urlencode(params)}"
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "progress": 100 if finished and not failed else progress,
                "finished": finished,
                "failed": bool(failed),
                "dashboard_url": dashboard_url,
                "items": [
                    {
                        "id": s.pk,
                        "status": s.status,
                        "status_label": s.get_status_display(),
                        "progress": s.progress,
                    }
                    for s in group
                ],
            }
        )
    return TemplateResponse(
        request,
        "monitoring/dashboards/progress.html",
        {
            "anchor": anchor,
            "group": group,
            "progress": progress,
            "finished": finished,
            "failed": failed,
            "poll_seconds": POLL_SECONDS,
            "dashboard_url": dashboard_url,
            "period_label": period_label(period.start, period.end),
            "json_url": f"{request.path}?{urlencode({**({'municipality': municipality} if municipality else {}), 'format': 'json'})}",
        },
    )


@role_required(*METHODISTS)
def snapshot_list(request: HttpRequest) -> HttpResponse:
    """The stored snapshots of the territory, and two of them compared indicator by indicator."""
    view = _territory_view(request)
    snapshots = _visible_snapshots(request).filter(municipality_id__in=view.municipality_ids)
    page = Paginator(
        snapshots.select_related("municipality", "requested_by").order_by("-requested_at", "-pk"),
        SNAPSHOTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    compared = None
    ids = [request.GET.get(k, "") for k in ("a", "b")]
    if all(i.isdigit() for i in ids):
        done = snapshots.filter(status=JobStatus.DONE).select_related("municipality")
        first, second = (get_object_or_404(done, pk=int(i)) for i in ids)
        compared = {
            "first": first,
            "second": second,
            "lines": comparison_lines(snapshot_totals(first), snapshot_totals(second)),
        }
    for snapshot in page:
        snapshot.dashboard_query = _period_params(
            Period(snapshot.period_start, snapshot.period_end, snapshot.as_of),
            view if view.param else None,
        )
        if view.is_region:
            snapshot.dashboard_query += f"&municipality={snapshot.municipality_id}"
        snapshot.label = period_label(snapshot.period_start, snapshot.period_end)
    return TemplateResponse(
        request,
        "monitoring/dashboards/snapshots.html",
        {
            "view": view,
            "page": page,
            "compared": compared,
            "tab": "snapshots",
            "query": _query(request),
            "selected": ids,
        },
    )
