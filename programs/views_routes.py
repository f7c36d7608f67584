"""Pages of individual educational routes (ИОМ): the school's list, a route's seven steps, the teacher's own.

Who reads: the director, the curator and the psychologist (every route of the school) and the
teacher (their own route only — any other id is a 404, as for another school). Who writes: the
curator and the teacher themselves; a completed route is read-only. Writes go through
``programs.services.routes``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import selectors
from programs.forms_routes import (
    CorrectionForm,
    MeasureForm,
    ProductForm,
    ReflectionForm,
    RouteCreateForm,
    RouteFilterForm,
    RouteForm,
)
from programs.models import ActivityStatus, IndividualRoute, RouteMeasure, RouteStatus
from programs.services import routes as services
from schools import audit
from schools.models import SCHOOL_READERS, Role
from schools.tenancy import role_required
from schools.years import school_year_label

PAGE_SIZE = 50
READERS = SCHOOL_READERS
TEACHERS = (Role.MENTOR, Role.MENTEE)
ACTIVATE = "activate"
COMPLETE = "complete"


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _is_own(request: HttpRequest, route: IndividualRoute) -> bool:
    return route.staff.user_id is not None and route.staff.user_id == request.user.pk


def _readable(request: HttpRequest, route: IndividualRoute) -> IndividualRoute:
    """A teacher reads only their own route; the answer for another one is the usual 404."""
    if request.tenant.has_role(*TEACHERS) and not _is_own(request, route):
        raise Http404
    return route


def _can_write(request: HttpRequest, route: IndividualRoute) -> bool:
    if request.tenant.has_role(Role.CURATOR):
        return True
    return request.tenant.has_role(*TEACHERS) and _is_own(request, route)


def _route(request: HttpRequest, pk: int, *, write: bool = False) -> IndividualRoute:
    route = _readable(request, get_object_or_404(services.route_queryset(), pk=pk))
    if write and not _can_write(request, route):
        raise Http404
    return route


def _measure(request: HttpRequest, pk: int, *, write: bool = False) -> RouteMeasure:
    measure = get_object_or_404(RouteMeasure.objects.select_related("route__staff", "area"), pk=pk)
    _readable(request, measure.route)
    if write and not _can_write(request, measure.route):
        raise Http404
    return measure


def _detail_url(route: IndividualRoute | int) -> str:
    pk = route if isinstance(route, int) else route.pk
    return reverse("programs:route-detail", kwargs={"pk": pk})


def _route_context(request: HttpRequest, route: IndividualRoute) -> dict:
    writable = _can_write(request, route) and route.status != RouteStatus.COMPLETED
    return {
        "page": services.route_page(route),
        "route": route,
        "years_label": services.years_label(route),
        "can_write": writable,
        "correction_form": CorrectionForm() if writable and route.status == RouteStatus.ACTIVE else None,
        "is_own": _is_own(request, route),
    }


# --- The school's routes ---------------------------------------------------------------------------


@role_required(*READERS)
def route_list(request: HttpRequest) -> HttpResponse:
    form = RouteFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    routes = services.route_list(q=filters.get("q", ""), status=filters.get("status", ""))
    page = Paginator(routes, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(route, services.years_label(route)) for route in page]
    return TemplateResponse(
        request,
        "programs/routes/list.html",
        {"form": form, "page": page, "rows": rows, "can_create": request.tenant.has_role(Role.CURATOR)},
    )


@role_required(Role.CURATOR)
def route_create(request: HttpRequest) -> HttpResponse:
    form = RouteCreateForm(request.POST or None, initial={"staff": request.GET.get("staff")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            route = services.create_route(
                school=request.tenant.school,
                staff=data["staff"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                tutor_name=data["tutor_name"],
                tutor_organization=data["tutor_organization"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("ИОМ создан. Шаг 3 заполнен по последней диагностике затруднений."))
            return redirect(_detail_url(route))
    return TemplateResponse(request, "programs/routes/create.html", {"form": form})


@role_required(*READERS, *TEACHERS)
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk)
    return TemplateResponse(request, "programs/routes/detail.html", _route_context(request, route))


@role_required(*TEACHERS)
def my_route(request: HttpRequest) -> HttpResponse:
    """The teacher's route in their cabinet: the current one, or a form to start it."""
    person = selectors.own_staff_record(request.user, request.tenant.school)
    if person is None:
        return TemplateResponse(request, "programs/routes/my_route.html", {"person": None})
    routes = services.routes_of_staff(person)
    current = next((r for r in routes if r.status != RouteStatus.COMPLETED), routes[0] if routes else None)
    form = None
    if current is None or current.status == RouteStatus.COMPLETED:
        form = RouteCreateForm(request.POST or None, with_staff=False)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                route = services.create_route(
                    school=request.tenant.school,
                    staff=person,
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    tutor_name=data["tutor_name"],
                    tutor_organization=data["tutor_organization"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("ИОМ создан. Заполните шаги по порядку — начните с желаемого образа.")
                )
                return redirect(_detail_url(route))
    context = {"person": person, "form": form, "others": [r for r in routes if r != current]}
    if current is not None:
        context.update(_route_context(request, current))
        context["others_labels"] = [(r, services.years_label(r)) for r in context["others"]]
    return TemplateResponse(request, "programs/routes/my_route.html", context)


@role_required(*READERS, *TEACHERS)
def route_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole route on one sheet for signing and the teacher's portfolio (the browser prints it)."""
    route = _route(request, pk)
    return TemplateResponse(
        request,
        "programs/routes/print.html",
        {"page": services.route_page(route), "route": route, "years_label": services.years_label(route)},
    )


# --- Steps 1–3 and the status ----------------------------------------------------------------------


@role_required(Role.CURATOR, *TEACHERS)
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk, write=True)
    if route.status == RouteStatus.COMPLETED:
        messages.error(request, _("ИОМ завершён: изменить его нельзя."))
        return redirect(_detail_url(route))
    form = RouteForm(request.POST or None, instance=route, areas=selectors.active_areas())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_route(
                route=route,
                fields=form.route_fields(),
                difficulties=form.difficulties(),
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("ИОМ сохранён."))
            return redirect(_detail_url(route))
    return TemplateResponse(
        request,
        "programs/routes/edit.html",
        {"form": form, "route": route, "years_label": services.years_label(route)},
    )


@require_POST
@role_required(Role.CURATOR, *TEACHERS)
def route_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """«Обновить из диагностики»: step 3 takes the levels of the latest diagnostics again."""
    route = _route(request, pk, write=True)
    try:
        diagnostics = services.refresh_difficulties(route=route, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Шаг 3 обновлён по диагностике %(year)s учебного года.")
            % {"year": school_year_label(diagnostics.school_year)},
        )
    return redirect(f"{_detail_url(route)}#step-3")


@require_POST
@role_required(Role.CURATOR, *TEACHERS)
def route_status(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk, write=True)
    action = request.POST.get("action")
    try:
        if action == ACTIVATE:
            services.activate_route(route=route, acting_user=request.user)
            messages.success(request, _("Реализация ИОМ начата."))
        elif action == COMPLETE:
            services.complete_route(route=route, acting_user=request.user)
            messages.success(request, _("ИОМ завершён."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_detail_url(route))


# --- Step 4: measures; step 5: products --------------------------------------------------------------


def _deficits(route: IndividualRoute) -> list:
    return services.deficit_areas(route, selectors.active_areas())


@role_required(Role.CURATOR, *TEACHERS)
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk, write=True)
    form = MeasureForm(request.POST or None, route=route, deficits=_deficits(route))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_measure(route=route, fields=form.measure_fields(), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Мероприятие добавлено в дорожную карту."))
            return redirect(f"{_detail_url(route)}#step-4")
    return TemplateResponse(
        request, "programs/routes/measure_form.html", {"form": form, "route": route, "measure": None}
    )


@role_required(Role.CURATOR, *TEACHERS)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk, write=True)
    route = measure.route
    form = MeasureForm(request.POST or None, instance=measure, route=route, deficits=_deficits(route))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_measure(measure=measure, fields=form.measure_fields(), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Мероприятие сохранено."))
            return redirect(f"{_detail_url(route)}#step-4")
    return TemplateResponse(
        request, "programs/routes/measure_form.html", {"form": form, "route": route, "measure": measure}
    )


@require_POST
@role_required(Role.CURATOR, *TEACHERS)
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk, write=True)
    try:
        services.delete_measure(measure=measure, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Мероприятие удалено."))
    return redirect(f"{_detail_url(measure.route_id)}#step-4")


@role_required(Role.CURATOR, *TEACHERS)
def measure_product(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 5: mark the measure done with its pedagogical product (text and/or a file)."""
    measure = _measure(request, pk, write=True)
    initial = {"product": measure.product}
    form = ProductForm(
        request.POST or None, request.FILES or None, initial=initial, has_file=bool(measure.product_file)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_product(
                measure=measure,
                product=form.cleaned_data["product"],
                product_file=form.cleaned_data["product_file"] or None,
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Мероприятие отмечено выполненным."))
            return redirect(f"{_detail_url(measure.route_id)}#step-5")
    return TemplateResponse(
        request,
        "programs/routes/product_form.html",
        {
            "form": form,
            "measure": measure,
            "route": measure.route,
            "is_done": measure.status == ActivityStatus.DONE,
        },
    )


@role_required(*READERS, *TEACHERS)
def measure_file(request: HttpRequest, pk: int) -> FileResponse:
    """The product file, streamed after a scoped lookup: files are never reachable by a /media/ URL."""
    measure = _measure(request, pk)
    if not measure.product_file:
        raise Http404
    try:
        handle = measure.product_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = measure.product_file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"product-{measure.pk}.{extension}",
        content_type=services.product_content_type(measure.product_file.name),
    )
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, measure)


# --- Step 6: corrections; step 7: reflection ---------------------------------------------------------


@require_POST
@role_required(Role.CURATOR, *TEACHERS)
def correction_create(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk, write=True)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{_detail_url(route)}#step-6")
    try:
        services.add_correction(
            route=route,
            on=form.cleaned_data["date"],
            description=form.cleaned_data["description"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Корректировка записана."))
    return redirect(f"{_detail_url(route)}#step-6")


@role_required(Role.CURATOR, *TEACHERS)
def route_reflection(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 7: one reflective analysis per deficit of step 3, with the level of difficulties after."""
    route = _route(request, pk, write=True)
    page = services.route_page(route)
    form = ReflectionForm(request.POST or None, rows=page.reflections)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reflections(route=route, answers=form.answers(), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Рефлексивный анализ сохранён."))
            return redirect(f"{_detail_url(route)}#step-7")
    return TemplateResponse(
        request,
        "programs/routes/reflection.html",
        {"form": form, "route": route, "page": page, "years_label": services.years_label(route)},
    )
