"""Individual educational routes (ИОМ): a teacher's plan of professional growth for 4–5 school years.

The route follows the seven steps of the methodology: 1 the desired professional image, 2 strengths,
3 difficulties by area (taken from the teacher's latest diagnostics, then edited), 4 the roadmap of
measures by school year, 5 their realisation with a pedagogical product each, 6 corrections,
7 the reflective analysis of every deficit. Steps 1–3 live on ``IndividualRoute``, steps 4–7 in
the related rows. A route is written by the teacher themselves and by the curator; a completed
route is a closed document and is not changed any more.

The reads of the route pages are here too (``route_list``, ``route_page``): they belong to this one
area and keep a fixed number of queries whatever the number of measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    ActivityStatus,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyLevel,
    DifficultyRating,
    IndividualRoute,
    RouteCorrection,
    RouteMeasure,
    RouteReflection,
    RouteStatus,
)
from schools import uploads
from schools.models import School, Staff, User
from schools.years import school_year_bounds, school_year_label

# end_year − start_year: a route covers 4 or 5 school years (the model's check constraint says the same).
YEAR_SPANS = (3, 4)
DEFAULT_SPAN = 3
LENGTH_MESSAGE = gettext_lazy("ИОМ составляется на 4–5 лет.")
# A difficulty from this level on is a deficit: it needs a measure and a reflective analysis.
DEFICIT_LEVEL = 1
WRITABLE_STATUSES = (RouteStatus.DRAFT, RouteStatus.ACTIVE)


class RouteError(ValidationError):
    """A route cannot be changed this way; the message is for the user, in Russian."""


# --- Years ---------------------------------------------------------------------------------------


def check_years(start_year: int, end_year: int) -> None:
    """The route lasts 4 or 5 school years: the database would refuse anything else with a bare error."""
    if end_year - start_year not in YEAR_SPANS:
        raise RouteError({"end_year": [str(LENGTH_MESSAGE)]})


def route_years(route: IndividualRoute) -> list[int]:
    return list(range(route.start_year, route.end_year + 1))


def years_label(route: IndividualRoute) -> str:
    return f"{school_year_label(route.start_year)} — {school_year_label(route.end_year)}"


# --- Step 3 from the diagnostics -----------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostics:
    """The teacher's latest self-assessment as step 3 stores it: ``{area code: level}``."""

    school_year: int | None
    levels: dict[str, int]


def latest_diagnostics(staff: Staff) -> Diagnostics:
    """Levels of the newest school year the teacher has a diagnostics for (two queries)."""
    assessment = DifficultyAssessment.objects.filter(staff=staff).order_by("-school_year").first()
    if assessment is None:
        return Diagnostics(school_year=None, levels={})
    levels = dict(DifficultyRating.objects.filter(assessment=assessment).values_list("area__code", "level"))
    return Diagnostics(school_year=assessment.school_year, levels=levels)


def clean_difficulties(levels: Mapping[str, int | None]) -> dict[str, int]:
    """Only real levels 0–3, keyed by area code; an empty choice drops the area."""
    valid = set(DifficultyLevel.values)
    return {code: int(level) for code, level in levels.items() if level is not None and int(level) in valid}


def deficit_areas(route: IndividualRoute, areas: list[DifficultyArea]) -> list[DifficultyArea]:
    """Areas of step 3 with a level of at least 1, in the catalog's order (``areas`` is the catalog)."""
    stored = route.difficulties or {}
    return [a for a in areas if (stored.get(a.code) or 0) >= DEFICIT_LEVEL]


# --- Creating and editing the route --------------------------------------------------------------


def _check_writable(route: IndividualRoute) -> None:
    if route.status not in WRITABLE_STATUSES:
        raise RouteError(_("ИОМ завершён: изменить его нельзя."))


@transaction.atomic
def create_route(
    *,
    school: School,
    staff: Staff,
    start_year: int,
    end_year: int,
    acting_user: User,
    tutor_name: str = "",
    tutor_organization: str = "",
) -> IndividualRoute:
    """A new route in draft, with step 3 filled from the teacher's latest diagnostics.

    A teacher has one route at a time: a second one while the first is drafted or realised would
    split the plan in two.
    """
    check_years(start_year, end_year)
    if staff.school_id != school.pk:
        raise RouteError(_("Педагог работает в другой организации."))
    # Lock the person's row: two clicks must not open two routes.
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    if IndividualRoute.objects.filter(staff=staff, status__in=WRITABLE_STATUSES).exists():
        raise RouteError(_("У педагога уже есть действующий ИОМ — откройте его."))
    diagnostics = latest_diagnostics(staff)
    return IndividualRoute.objects.create(
        school=school,
        staff=staff,
        start_year=start_year,
        end_year=end_year,
        difficulties=diagnostics.levels,
        tutor_name=tutor_name.strip(),
        tutor_organization=tutor_organization.strip(),
        created_by=acting_user,
    )


ROUTE_FIELDS = (
    "start_year",
    "end_year",
    "desired_image",
    "strengths",
    "difficulties_comment",
    "tutor_name",
    "tutor_organization",
)


@transaction.atomic
def update_route(
    *,
    route: IndividualRoute,
    fields: Mapping[str, object],
    difficulties: Mapping[str, int | None],
    acting_user: User,
) -> IndividualRoute:
    """Steps 1–3, the tutor and the years. Measures outside the new years would be orphans: refused."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    _check_writable(route)
    start_year = int(fields.get("start_year", route.start_year))
    end_year = int(fields.get("end_year", route.end_year))
    check_years(start_year, end_year)
    outside = RouteMeasure.objects.filter(route=route).exclude(
        school_year__gte=start_year, school_year__lte=end_year
    )
    if outside.exists():
        raise RouteError(
            {
                "start_year": [
                    _("В дорожной карте есть мероприятия за пределами новых сроков: сначала перенесите их.")
                ]
            }
        )
    for name in ROUTE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(route, name, value.strip() if isinstance(value, str) else value)
    # Areas not in the form (a catalog entry switched off) keep their stored level.
    stored = dict(route.difficulties or {})
    for code in difficulties:
        stored.pop(code, None)
    stored.update(clean_difficulties(difficulties))
    route.difficulties = stored
    route.save()
    return route


@transaction.atomic
def refresh_difficulties(*, route: IndividualRoute, acting_user: User) -> Diagnostics:
    """«Обновить из диагностики»: step 3 becomes the levels of the latest diagnostics again."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    _check_writable(route)
    diagnostics = latest_diagnostics(route.staff)
    if diagnostics.school_year is None:
        raise RouteError(_("Педагог ещё не проходил диагностику затруднений — обновлять нечем."))
    route.difficulties = diagnostics.levels
    route.save(update_fields=["difficulties", "updated_at"])
    return diagnostics


# --- Status ----------------------------------------------------------------------------------------


@transaction.atomic
def activate_route(*, route: IndividualRoute, acting_user: User) -> IndividualRoute:
    """Draft → active: realisation starts once the roadmap (step 4) has at least one measure."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    if route.status != RouteStatus.DRAFT:
        raise RouteError(_("Начать реализацию можно только у составляемого ИОМ."))
    if not RouteMeasure.objects.filter(route=route).exists():
        raise RouteError(_("Запланируйте в дорожной карте (шаг 4) хотя бы одно мероприятие."))
    route.status = RouteStatus.ACTIVE
    route.save(update_fields=["status", "updated_at"])
    return route


def missing_reflections(route: IndividualRoute, areas: list[DifficultyArea]) -> list[DifficultyArea]:
    """Deficits of step 3 that have no reflective analysis yet (step 7)."""
    reflected = set(
        RouteReflection.objects.filter(route=route).exclude(text="").values_list("area_id", flat=True)
    )
    return [a for a in deficit_areas(route, areas) if a.pk not in reflected]


@transaction.atomic
def complete_route(*, route: IndividualRoute, acting_user: User) -> IndividualRoute:
    """Active → completed, only with a reflective analysis for every deficit of step 3."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    if route.status != RouteStatus.ACTIVE:
        raise RouteError(_("Завершить можно только реализуемый ИОМ."))
    missing = missing_reflections(route, list(DifficultyArea.objects.order_by("order", "name")))
    if missing:
        raise RouteError(
            _("Чтобы завершить ИОМ, напишите рефлексивный анализ (шаг 7) по дефицитам: %(areas)s.")
            % {"areas": ", ".join(a.name for a in missing)}
        )
    route.status = RouteStatus.COMPLETED
    route.save(update_fields=["status", "updated_at"])
    return route


# --- Step 4: measures of the roadmap -------------------------------------------------------------

MEASURE_FIELDS = ("school_year", "kind", "title", "area", "due_date")


def _check_measure(route: IndividualRoute, school_year: int, due_date: date | None) -> None:
    if not route.start_year <= school_year <= route.end_year:
        raise RouteError({"school_year": [_("Учебный год должен входить в сроки ИОМ.")]})
    if due_date is not None:
        first, last = school_year_bounds(school_year)
        if not first <= due_date <= last:
            raise RouteError(
                {
                    "due_date": [
                        _("Срок должен приходиться на %(year)s учебный год (с %(first)s по %(last)s).")
                        % {
                            "year": school_year_label(school_year),
                            "first": first.strftime("%d.%m.%Y"),
                            "last": last.strftime("%d.%m.%Y"),
                        }
                    ]
                }
            )


@transaction.atomic
def add_measure(*, route: IndividualRoute, fields: Mapping[str, object], acting_user: User) -> RouteMeasure:
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    _check_writable(route)
    _check_measure(route, int(fields["school_year"]), fields.get("due_date"))
    return RouteMeasure.objects.create(
        route=route, **{name: fields[name] for name in MEASURE_FIELDS if name in fields}
    )


@transaction.atomic
def update_measure(*, measure: RouteMeasure, fields: Mapping[str, object], acting_user: User) -> RouteMeasure:
    route = IndividualRoute.objects.select_for_update().get(pk=measure.route_id)
    _check_writable(route)
    _check_measure(route, int(fields["school_year"]), fields.get("due_date"))
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    measure.save()
    return measure


@transaction.atomic
def delete_measure(*, measure: RouteMeasure, acting_user: User) -> None:
    """A planned measure may go; a realised one carries a product and stays in the route's history."""
    route = IndividualRoute.objects.select_for_update().get(pk=measure.route_id)
    _check_writable(route)
    if measure.status == ActivityStatus.DONE:
        raise RouteError(_("Выполненное мероприятие с педагогическим продуктом удалить нельзя."))
    measure.delete()


# --- Step 5: the pedagogical product ---------------------------------------------------------------

MAX_PRODUCT_BYTES = 10 * 1024 * 1024
# Office and ODF files are recognised by their first bytes alone here, as products always were.
PRODUCT_TYPES = (
    uploads.PDF,
    uploads.DOCX.magic_only(),
    uploads.PPTX.magic_only(),
    uploads.XLSX.magic_only(),
    uploads.ODT,
    uploads.ODP,
    uploads.ODS,
    uploads.DOC,
    uploads.PPT,
    uploads.XLS,
    uploads.JPEG,
    uploads.PNG,
    uploads.ZIP,
)
PRODUCT_EXTENSIONS = sorted(ext for t in PRODUCT_TYPES for ext in t.extensions)
_PRODUCT_CONTENT_TYPES = uploads.content_types(PRODUCT_TYPES)
_MESSAGES = uploads.UploadMessages(
    empty=gettext_lazy("Файл пуст."),
    too_big=gettext_lazy("Файл слишком большой (%(size)s МБ). Максимальный размер — %(max)s МБ."),
    extension=gettext_lazy("Такой файл загрузить нельзя (выбран «%(name)s»). Подходят: %(extensions)s."),
)


def product_content_type(name: str) -> str:
    return _PRODUCT_CONTENT_TYPES.get(uploads.extension_of(name), "application/octet-stream")


def validate_product_file(upload: UploadedFile) -> uploads.FileKind:
    """Size, extension and first bytes must all agree: a renamed executable is not a presentation."""
    try:
        return uploads.check_upload(
            upload, kinds=PRODUCT_TYPES, max_bytes=MAX_PRODUCT_BYTES, messages=_MESSAGES
        )
    except uploads.UploadError as error:
        raise RouteError({"product_file": error.messages}) from error


@transaction.atomic
def record_product(
    *,
    measure: RouteMeasure,
    product: str,
    product_file: UploadedFile | None,
    acting_user: User,
) -> RouteMeasure:
    """Step 5: the measure is done, with its pedagogical product as text, a file or both.

    Products are recorded while the route is realised; a new file replaces the old one on disk.
    """
    route = IndividualRoute.objects.select_for_update().get(pk=measure.route_id)
    _check_writable(route)
    if route.status != RouteStatus.ACTIVE:
        raise RouteError(_("Отмечать выполнение можно, когда ИОМ реализуется (после шага 4)."))
    product = product.strip()
    if product_file is not None:
        validate_product_file(product_file)
    if not product and product_file is None and not measure.product_file:
        raise RouteError({"product": [_("Опишите педагогический продукт или приложите файл.")]})
    old_file = measure.product_file.name if product_file is not None and measure.product_file else ""
    measure.product = product
    measure.status = ActivityStatus.DONE
    if product_file is not None:
        measure.product_file.save(product_file.name, product_file, save=False)
    measure.save()
    if old_file:
        storage = measure.product_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return measure


# --- Step 6: corrections ---------------------------------------------------------------------------


@transaction.atomic
def add_correction(
    *, route: IndividualRoute, on: date, description: str, acting_user: User
) -> RouteCorrection:
    """A dated, signed note of what changed in the route while it is realised."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    if route.status != RouteStatus.ACTIVE:
        raise RouteError(_("Корректировки записываются, пока ИОМ реализуется."))
    description = description.strip()
    if not description:
        raise RouteError({"description": [_("Опишите, что изменено и почему.")]})
    return RouteCorrection.objects.create(route=route, date=on, author=acting_user, description=description)


# --- Step 7: reflection per deficit ---------------------------------------------------------------


@transaction.atomic
def save_reflections(
    *,
    route: IndividualRoute,
    answers: Mapping[int, tuple[str, int | None]],
    acting_user: User,
) -> None:
    """``{area id: (text, level after)}`` for deficits of step 3; an empty text removes the analysis."""
    route = IndividualRoute.objects.select_for_update().get(pk=route.pk)
    if route.status != RouteStatus.ACTIVE:
        raise RouteError(_("Рефлексивный анализ пишется, пока ИОМ реализуется."))
    allowed = {a.pk for a in deficit_areas(route, list(DifficultyArea.objects.all()))}
    for area_id, (text, level_after) in answers.items():
        if area_id not in allowed:
            continue
        text = text.strip()
        if not text:
            RouteReflection.objects.filter(route=route, area_id=area_id).delete()
            continue
        RouteReflection.objects.update_or_create(
            route=route, area_id=area_id, defaults={"text": text, "level_after": level_after}
        )


# --- Reads of the route pages ---------------------------------------------------------------------


def route_list(*, q: str = "", status: str = "") -> QuerySet[IndividualRoute]:
    """Routes of the school with measures planned and done, in one query whatever their number."""
    routes = IndividualRoute.objects.select_related("staff").annotate(
        measures_total=Count("measures", distinct=True),
        measures_done=Count("measures", filter=Q(measures__status=ActivityStatus.DONE), distinct=True),
    )
    for word in q.split():
        routes = routes.filter(
            Q(staff__last_name__icontains=word)
            | Q(staff__first_name__icontains=word)
            | Q(staff__patronymic__icontains=word)
            | Q(staff__position__icontains=word)
        )
    if status in RouteStatus.values:
        routes = routes.filter(status=status)
    return routes.order_by("staff__last_name", "staff__first_name", "-start_year", "pk")


def route_queryset() -> QuerySet[IndividualRoute]:
    return IndividualRoute.objects.select_related("staff", "created_by", "school")


def routes_of_staff(staff: Staff) -> list[IndividualRoute]:
    return list(IndividualRoute.objects.filter(staff=staff).order_by("-start_year", "-pk"))


@dataclass(frozen=True)
class DifficultyRow:
    area: DifficultyArea
    level: int | None
    label: str


@dataclass(frozen=True)
class ReflectionRow:
    area: DifficultyArea
    level_before: int
    reflection: RouteReflection | None


@dataclass(frozen=True)
class YearPlan:
    year: int
    label: str
    measures: list[RouteMeasure]


@dataclass
class RoutePage:
    """Everything the route page and its printable copy show, read in five queries."""

    route: IndividualRoute
    difficulties: list[DifficultyRow]
    years: list[YearPlan]
    done: list[RouteMeasure]
    corrections: list[RouteCorrection]
    reflections: list[ReflectionRow]
    missing: list[DifficultyArea] = field(default_factory=list)

    @property
    def measures_total(self) -> int:
        return sum(len(y.measures) for y in self.years)


def route_page(route: IndividualRoute) -> RoutePage:
    stored = route.difficulties or {}
    areas = list(
        DifficultyArea.objects.filter(Q(is_active=True) | Q(code__in=list(stored))).order_by("order", "name")
    )
    labels = dict(DifficultyLevel.choices)
    difficulties = [DifficultyRow(a, stored.get(a.code), labels.get(stored.get(a.code), "")) for a in areas]
    measures = list(RouteMeasure.objects.filter(route=route).select_related("area"))
    by_year: dict[int, list[RouteMeasure]] = {year: [] for year in route_years(route)}
    for measure in measures:
        by_year.setdefault(measure.school_year, []).append(measure)
    years = [YearPlan(year, school_year_label(year), items) for year, items in sorted(by_year.items())]
    corrections = list(RouteCorrection.objects.filter(route=route).select_related("author"))
    reflections = {r.area_id: r for r in RouteReflection.objects.filter(route=route).select_related("area")}
    deficits = deficit_areas(route, areas)
    return RoutePage(
        route=route,
        difficulties=difficulties,
        years=years,
        done=[m for m in measures if m.status == ActivityStatus.DONE],
        corrections=corrections,
        reflections=[ReflectionRow(a, stored.get(a.code, 0), reflections.get(a.pk)) for a in deficits],
        missing=[a for a in deficits if a.pk not in reflections or not reflections[a.pk].text],
    )
