"""Individual educational routes (ИОМ): length, step 3 from the diagnostics, measures and products,
corrections, completion with reflections, who reads and writes, and the query count of the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    DifficultyArea,
    IndividualRoute,
    MeasureKind,
    RouteCorrection,
    RouteMeasure,
    RouteReflection,
    RouteStatus,
)
from programs.services import routes as services
from schools.tenancy import school_scope
from schools.years import school_year_bounds, school_year_of
from tests.test_mentee_base import _queries, assessment, person

YEAR = school_year_of()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _route(
    staff, *, status: str = RouteStatus.DRAFT, difficulties: dict | None = None, **fields
) -> IndividualRoute:
    with scopes_disabled():
        return IndividualRoute.objects.create(
            school_id=staff.school_id,
            staff=staff,
            start_year=fields.pop("start_year", YEAR),
            end_year=fields.pop("end_year", YEAR + 3),
            status=status,
            difficulties=difficulties or {},
            **fields,
        )


def _measure(route: IndividualRoute, **fields) -> RouteMeasure:
    with scopes_disabled():
        return RouteMeasure.objects.create(
            route=route,
            school_year=fields.pop("school_year", route.start_year),
            kind=fields.pop("kind", MeasureKind.COURSE),
            title=fields.pop("title", "Курсы повышения квалификации"),
            **fields,
        )


def _fresh(route: IndividualRoute) -> IndividualRoute:
    with scopes_disabled():
        return IndividualRoute.objects.get(pk=route.pk)


def _area(code: str) -> DifficultyArea:
    return DifficultyArea.objects.get(code=code)


def _text(response) -> str:
    return response.content.decode()


# --- Length: 4–5 school years -----------------------------------------------------------------------


@pytest.mark.parametrize(("span", "ok"), [(2, False), (3, True), (4, True), (5, False)])
def test_a_route_lasts_four_or_five_school_years(client, world, span, ok):
    teacher = person(world.a.school)
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("programs:route-create"),
        {"staff": teacher.pk, "start_year": YEAR, "end_year": YEAR + span},
    )
    with scopes_disabled():
        created = IndividualRoute.objects.filter(staff=teacher).first()
    if ok:
        assert response.status_code == 302
        assert created is not None and created.end_year - created.start_year == span
        assert created.status == RouteStatus.DRAFT and created.created_by == world.user("a", "curator")
    else:
        assert response.status_code == 200
        assert "ИОМ составляется на 4–5 лет" in _text(response)
        assert created is None


def test_the_service_checks_the_length_too(world):
    teacher = person(world.a.school)
    with school_scope([world.a.school.pk]), pytest.raises(services.RouteError) as error:
        services.create_route(
            school=world.a.school, staff=teacher, start_year=YEAR, end_year=YEAR + 5, acting_user=None
        )
    assert "ИОМ составляется на 4–5 лет" in str(error.value)


def test_the_create_form_starts_in_the_current_school_year(client, world):
    client.force_login(world.user("a", "curator"))
    html = _text(client.get(reverse("programs:route-create")))
    assert f'<option value="{YEAR}" selected>' in html
    assert f'<option value="{YEAR + 3}" selected>' in html


def test_a_teacher_has_one_route_at_a_time(client, world):
    teacher = person(world.a.school)
    _route(teacher, status=RouteStatus.ACTIVE)
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("programs:route-create"), {"staff": teacher.pk, "start_year": YEAR, "end_year": YEAR + 3}
    )
    assert "уже есть действующий ИОМ" in _text(response)
    with scopes_disabled():
        assert IndividualRoute.objects.filter(staff=teacher).count() == 1


# --- Step 3 from the diagnostics ------------------------------------------------------------------------


def test_step_3_is_filled_from_the_latest_diagnostics_and_refreshed_on_request(client, world):
    teacher = person(world.a.school)
    assessment(teacher, YEAR - 1, {"ict": 3, "legal": 3})
    assessment(teacher, YEAR, {"ict": 1, "legal": 2})
    client.force_login(world.user("a", "curator"))
    client.post(
        reverse("programs:route-create"), {"staff": teacher.pk, "start_year": YEAR, "end_year": YEAR + 4}
    )
    with scopes_disabled():
        route = IndividualRoute.objects.get(staff=teacher)
    assert route.difficulties["ict"] == 1 and route.difficulties["legal"] == 2
    assert route.difficulties["scientific"] == 0  # every area of the assessment, not only deficits

    # Editable: the curator changes a level by hand…
    edit = reverse("programs:route-edit", kwargs={"pk": route.pk})
    form = client.get(edit).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({f"area_{code}": level for code, level in route.difficulties.items()})
    data.update(
        {"start_year": YEAR, "end_year": YEAR + 4, "area_ict": 3, "desired_image": "Педагог-наставник"}
    )
    assert client.post(edit, data).status_code == 302
    route = _fresh(route)
    assert route.difficulties["ict"] == 3 and route.desired_image == "Педагог-наставник"
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert "Обновить из диагностики" in html

    # …and «Обновить из диагностики» takes the latest diagnostics again.
    client.post(reverse("programs:route-refresh", kwargs={"pk": route.pk}))
    assert _fresh(route).difficulties["ict"] == 1


def test_refreshing_without_diagnostics_says_why(client, world):
    route = _route(person(world.a.school), difficulties={"ict": 2})
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("programs:route-refresh", kwargs={"pk": route.pk}), follow=True)
    assert "ещё не проходил диагностику" in _text(response)
    assert _fresh(route).difficulties == {"ict": 2}


def test_the_edit_form_checks_the_length_and_keeps_measures_inside_the_years(client, world):
    route = _route(person(world.a.school), start_year=YEAR, end_year=YEAR + 4)
    _measure(route, school_year=YEAR + 4)
    client.force_login(world.user("a", "curator"))
    edit = reverse("programs:route-edit", kwargs={"pk": route.pk})
    response = client.post(edit, {"start_year": YEAR, "end_year": YEAR + 2})
    assert "ИОМ составляется на 4–5 лет" in _text(response)
    response = client.post(edit, {"start_year": YEAR, "end_year": YEAR + 3})
    assert "за пределами новых сроков" in _text(response)
    assert _fresh(route).end_year == YEAR + 4


# --- Step 4: the roadmap by school year -------------------------------------------------------------------


def test_measures_are_planned_inside_the_route_and_their_school_year(client, world):
    route = _route(person(world.a.school), difficulties={"ict": 2})
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:route-measure-create", kwargs={"pk": route.pk})
    first, _last = school_year_bounds(YEAR + 1)
    ict = _area("ict")
    base = {"school_year": YEAR + 1, "kind": MeasureKind.TRIAL, "title": "Урок с цифровой лабораторией"}
    response = client.post(url, {**base, "area": ict.pk, "due_date": (first - timedelta(days=1)).isoformat()})
    assert "Срок должен приходиться на" in _text(response)
    response = client.post(url, {**base, "school_year": YEAR + 5})
    assert response.status_code == 200  # not one of the route's years
    assert client.post(url, {**base, "area": ict.pk, "due_date": first.isoformat()}).status_code == 302
    with scopes_disabled():
        measure = RouteMeasure.objects.get(route=route)
    assert (measure.school_year, measure.kind, measure.area, measure.due_date) == (
        YEAR + 1,
        MeasureKind.TRIAL,
        ict,
        first,
    )
    edit = reverse("programs:route-measure-edit", kwargs={"pk": measure.pk})
    client.post(edit, {**base, "title": "Проект «Цифровая лаборатория»", "kind": MeasureKind.PROJECT})
    with scopes_disabled():
        measure.refresh_from_db()
    assert measure.kind == MeasureKind.PROJECT and measure.title == "Проект «Цифровая лаборатория»"
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert "Проект «Цифровая лаборатория»" in html and f"{YEAR + 1}/{YEAR + 2} учебный год" in html


def test_activation_needs_a_planned_measure(client, world):
    route = _route(person(world.a.school))
    client.force_login(world.user("a", "curator"))
    status = reverse("programs:route-status", kwargs={"pk": route.pk})
    response = client.post(status, {"action": "activate"}, follow=True)
    assert "хотя бы одно мероприятие" in _text(response)
    assert _fresh(route).status == RouteStatus.DRAFT
    _measure(route)
    client.post(status, {"action": "activate"})
    assert _fresh(route).status == RouteStatus.ACTIVE


def test_a_done_measure_cannot_be_deleted_but_a_planned_one_can(client, world):
    route = _route(person(world.a.school), status=RouteStatus.ACTIVE)
    done = _measure(route, status=ActivityStatus.DONE, product="Открытый урок")
    planned = _measure(route)
    client.force_login(world.user("a", "curator"))
    client.post(reverse("programs:route-measure-delete", kwargs={"pk": done.pk}))
    client.post(reverse("programs:route-measure-delete", kwargs={"pk": planned.pk}))
    with scopes_disabled():
        assert list(RouteMeasure.objects.filter(route=route)) == [done]


# --- Step 5: the pedagogical product and its file -----------------------------------------------------------

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("product.pdf", b"%PDF-1.7\n", None),
        ("lesson.docx", b"PK\x03\x04" + b"0" * 100, None),
        ("slides.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, None),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 100, None),
        ("max.pdf", b"%PDF" + b"0" * (10 * MB - 4), None),
        ("big.pdf", b"%PDF" + b"0" * (10 * MB - 3), "Файл слишком большой"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "не является файлом PDF"),
        ("fake.docx", b"%PDF-1.4", "не является файлом DOCX"),
        ("tool.exe", b"MZ\x90\x00", "Такой файл загрузить нельзя"),
        ("noextension", b"%PDF-1.4", "Такой файл загрузить нельзя"),
    ],
)
def test_product_files_are_checked_by_extension_first_bytes_and_size(client, world, name, content, error):
    route = _route(person(world.a.school), status=RouteStatus.ACTIVE)
    measure = _measure(route)
    client.force_login(world.user("a", "curator"))
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("programs:route-measure-product", kwargs={"pk": measure.pk}),
        {"product": "", "product_file": upload},
    )
    with scopes_disabled():
        measure.refresh_from_db()
    if error is None:
        assert response.status_code == 302
        assert measure.status == ActivityStatus.DONE and measure.product_file
        assert measure.product_file.name.startswith(f"schools/{world.a.school.pk}/routes/")
        download = client.get(reverse("programs:route-measure-file", kwargs={"pk": measure.pk}))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert b"".join(download.streaming_content) == content
    else:
        assert response.status_code == 200
        assert error in _text(response)
        assert measure.status == ActivityStatus.PLANNED and not measure.product_file


def test_a_product_needs_a_text_or_a_file_and_only_while_realised(client, world):
    route = _route(person(world.a.school), status=RouteStatus.DRAFT)
    measure = _measure(route)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:route-measure-product", kwargs={"pk": measure.pk})
    response = client.post(url, {"product": "Конспект урока"})
    assert "когда ИОМ реализуется" in _text(response)
    with scopes_disabled():
        IndividualRoute.objects.filter(pk=route.pk).update(status=RouteStatus.ACTIVE)
    response = client.post(url, {"product": "  "})
    assert "Опишите педагогический продукт или приложите файл." in _text(response)
    assert client.post(url, {"product": "Конспект урока"}).status_code == 302
    with scopes_disabled():
        measure.refresh_from_db()
    assert measure.status == ActivityStatus.DONE and measure.product == "Конспект урока"
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert "Конспект урока" in html


def test_a_new_file_replaces_the_old_one_on_disk(client, world, settings, django_capture_on_commit_callbacks):
    route = _route(person(world.a.school), status=RouteStatus.ACTIVE)
    measure = _measure(route)
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:route-measure-product", kwargs={"pk": measure.pk})
    client.post(url, {"product": "", "product_file": SimpleUploadedFile("a.pdf", b"%PDF-1")})
    with scopes_disabled():
        measure.refresh_from_db()
    old = settings.MEDIA_ROOT / measure.product_file.name
    assert old.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"product": "Новая версия", "product_file": SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n")},
        )
    with scopes_disabled():
        measure.refresh_from_db()
    assert measure.product_file.name.endswith(".png") and not old.exists()


# --- Step 6: corrections -----------------------------------------------------------------------------------


def test_corrections_are_dated_and_signed_while_the_route_is_realised(client, world):
    route = _route(person(world.a.school), status=RouteStatus.ACTIVE)
    curator = world.user("a", "curator")
    client.force_login(curator)
    url = reverse("programs:route-correction-create", kwargs={"pk": route.pk})
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"date": tomorrow.isoformat(), "description": "Перенос курсов"}, follow=True)
    assert "не может быть в будущем" in _text(response)
    client.post(url, {"date": timezone.localdate().isoformat(), "description": "Курсы перенесены на весну"})
    with scopes_disabled():
        correction = RouteCorrection.objects.get(route=route)
    assert correction.author == curator and correction.date == timezone.localdate()
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert "Курсы перенесены на весну" in html


# --- Step 7 and completion ------------------------------------------------------------------------------------


def test_completion_needs_a_reflection_for_every_deficit(client, world):
    route = _route(
        person(world.a.school),
        status=RouteStatus.ACTIVE,
        difficulties={"ict": 2, "legal": 1, "scientific": 0},
    )
    ict, legal, scientific = _area("ict"), _area("legal"), _area("scientific")
    client.force_login(world.user("a", "curator"))
    status = reverse("programs:route-status", kwargs={"pk": route.pk})
    reflection = reverse("programs:route-reflection", kwargs={"pk": route.pk})

    response = client.post(status, {"action": "complete"}, follow=True)
    html = _text(response)
    assert "рефлексивный анализ (шаг 7) по дефицитам" in html
    assert ict.name in html and legal.name in html
    assert _fresh(route).status == RouteStatus.ACTIVE

    # Only the deficits (level 1 and more) have a field; a text for another area is ignored.
    form = client.get(reflection).context["form"]
    assert set(form.fields) == {f"text_{ict.pk}", f"level_{ict.pk}", f"text_{legal.pk}", f"level_{legal.pk}"}
    client.post(
        reflection,
        {
            f"text_{ict.pk}": "Освоила цифровую лабораторию",
            f"level_{ict.pk}": 1,
            f"text_{scientific.pk}": "лишнее",
        },
    )
    with scopes_disabled():
        assert list(RouteReflection.objects.filter(route=route).values_list("area_id", "level_after")) == [
            (ict.pk, 1)
        ]
    response = client.post(status, {"action": "complete"}, follow=True)
    message = next(str(m) for m in response.context["messages"] if "шаг 7" in str(m))
    assert legal.name in message and ict.name not in message

    client.post(
        reflection,
        {
            f"text_{ict.pk}": "Освоила цифровую лабораторию",
            f"level_{legal.pk}": "",
            f"text_{legal.pk}": "Изучила ФГОС",
        },
    )
    client.post(status, {"action": "complete"})
    assert _fresh(route).status == RouteStatus.COMPLETED


def test_a_route_without_deficits_completes_without_reflection(world):
    route = _route(person(world.a.school), status=RouteStatus.ACTIVE, difficulties={"ict": 0})
    with school_scope([world.a.school.pk]):
        services.complete_route(route=route, acting_user=None)
    assert _fresh(route).status == RouteStatus.COMPLETED


def test_a_completed_route_is_read_only(client, world):
    route = _route(person(world.a.school), status=RouteStatus.COMPLETED, desired_image="Было")
    measure = _measure(route)
    client.force_login(world.user("a", "curator"))
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert "ИОМ завершён и больше не изменяется" in html
    assert 'data-testid="route-edit"' not in html and 'data-testid="measure-create"' not in html
    client.post(reverse("programs:route-edit", kwargs={"pk": route.pk}), {"desired_image": "Стало"})
    assert _fresh(route).desired_image == "Было"
    response = client.post(
        reverse("programs:route-measure-create", kwargs={"pk": route.pk}),
        {"school_year": YEAR, "kind": MeasureKind.MEASURE, "title": "Ещё одно"},
    )
    assert "ИОМ завершён" in _text(response)
    client.post(reverse("programs:route-measure-delete", kwargs={"pk": measure.pk}))
    client.post(reverse("programs:route-refresh", kwargs={"pk": route.pk}))
    with scopes_disabled():
        assert RouteMeasure.objects.filter(route=route).count() == 1


# --- Who reads and who writes ----------------------------------------------------------------------------------


def test_another_schools_route_is_a_404(client, world):
    route = _route(world.a.staff)
    measure = _measure(route)
    client.force_login(world.user("b", "curator"))
    for name, pk in (
        ("route-detail", route.pk),
        ("route-print", route.pk),
        ("route-measure-edit", measure.pk),
    ):
        assert client.get(reverse(f"programs:{name}", kwargs={"pk": pk})).status_code == 404


def test_a_teacher_sees_and_writes_only_their_own_route(client, world):
    own = _route(world.a.staff)  # the marker person is the school-A mentee user
    other = _route(person(world.a.school, last_name="Чужова"))
    other_measure = _measure(other)
    client.force_login(world.user("a", "mentee"))
    assert client.get(reverse("programs:route-detail", kwargs={"pk": own.pk})).status_code == 200
    assert client.get(reverse("programs:route-print", kwargs={"pk": own.pk})).status_code == 200
    for name, pk in (
        ("route-detail", other.pk),
        ("route-print", other.pk),
        ("route-edit", other.pk),
        ("route-measure-create", other.pk),
        ("route-measure-edit", other_measure.pk),
        ("route-measure-file", other_measure.pk),
    ):
        assert client.get(reverse(f"programs:{name}", kwargs={"pk": pk})).status_code == 404, name
    assert client.get(reverse("programs:route-list")).status_code == 404

    # The teacher writes their own route: a measure of step 4.
    response = client.post(
        reverse("programs:route-measure-create", kwargs={"pk": own.pk}),
        {"school_year": YEAR, "kind": MeasureKind.MEASURE, "title": "Открытый урок"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert RouteMeasure.objects.filter(route=own, title="Открытый урок").exists()


@pytest.mark.parametrize("role", ["director", "psychologist"])
def test_the_director_and_the_psychologist_read_but_do_not_write(client, world, role):
    route = _route(world.a.staff, status=RouteStatus.ACTIVE)
    client.force_login(world.user("a", role))
    assert world.a.marker in _text(client.get(reverse("programs:route-list")))
    html = _text(client.get(reverse("programs:route-detail", kwargs={"pk": route.pk})))
    assert world.a.marker in html and 'data-testid="route-edit"' not in html
    assert client.get(reverse("programs:route-edit", kwargs={"pk": route.pk})).status_code == 404
    assert client.get(reverse("programs:route-create")).status_code == 404
    response = client.post(reverse("programs:route-status", kwargs={"pk": route.pk}), {"action": "complete"})
    assert response.status_code == 404


def test_my_route_offers_to_start_one_and_then_shows_it(client, world):
    client.force_login(world.user("a", "mentee"))
    url = reverse("programs:my-route")
    html = _text(client.get(url))
    assert 'data-testid="own-route-form"' in html
    response = client.post(url, {"start_year": YEAR, "end_year": YEAR + 1})
    assert "ИОМ составляется на 4–5 лет" in _text(response)
    assert (
        client.post(
            url, {"start_year": YEAR, "end_year": YEAR + 4, "tutor_name": "Смирнова О. В."}
        ).status_code
        == 302
    )
    with scopes_disabled():
        route = IndividualRoute.objects.get(staff=world.a.staff)
    assert route.tutor_name == "Смирнова О. В."
    html = _text(client.get(url))
    assert 'data-testid="own-route-form"' not in html
    assert "Смирнова О. В." in html and 'data-testid="route-edit"' in html


def test_my_route_explains_a_missing_staff_card(client, world):
    client.force_login(world.user("a", "mentor"))  # has no staff card in school A
    assert 'data-testid="no-staff-record"' in _text(client.get(reverse("programs:my-route")))


def test_the_printable_copy_has_the_seven_steps_and_no_menu(client, world):
    route = _route(
        world.a.staff, status=RouteStatus.ACTIVE, difficulties={"ict": 2}, tutor_name="Орлова Е. А."
    )
    _measure(route, status=ActivityStatus.DONE, product="Методическая разработка")
    client.force_login(world.user("a", "curator"))
    html = _text(client.get(reverse("programs:route-print", kwargs={"pk": route.pk})))
    assert 'class="bg-white print-sheet"' in html and "d-print-none" in html
    assert 'aria-label="Основное меню"' not in html
    for step in range(1, 8):
        assert f'id="step-{step}"' in html
    assert "Методическая разработка" in html and "Орлова Е. А." in html
    assert "Обновить из диагностики" not in html


# --- Queries -------------------------------------------------------------------------------------------------------


def _grow_routes(world, n: int) -> None:
    for i in range(n):
        route = _route(person(world.a.school), status=RouteStatus.ACTIVE, difficulties={"ict": 2})
        _measure(route, status=ActivityStatus.DONE if i % 2 else ActivityStatus.PLANNED)
        _measure(route, area=_area("ict"))


def test_the_route_list_needs_as_many_queries_for_40_routes_as_for_4(client, world):
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:route-list")
    _grow_routes(world, 4)
    small = _queries(client, url)
    _grow_routes(world, 36)
    assert _queries(client, url) <= small


def test_the_route_list_counts_done_measures(client, world):
    route = _route(world.a.staff, status=RouteStatus.ACTIVE)
    _measure(route, status=ActivityStatus.DONE)
    _measure(route)
    _measure(route)
    client.force_login(world.user("a", "curator"))
    response = client.get(reverse("programs:route-list"))
    [row] = [r for r, _years in response.context["rows"] if r.pk == route.pk]
    assert (row.measures_done, row.measures_total) == (1, 3)


def test_the_route_page_needs_as_many_queries_for_30_measures_as_for_3(client, world):
    route = _route(world.a.staff, status=RouteStatus.ACTIVE, difficulties={"ict": 2, "legal": 1})
    client.force_login(world.user("a", "curator"))
    url = reverse("programs:route-detail", kwargs={"pk": route.pk})

    def grow(n: int) -> None:
        for i in range(n):
            _measure(
                route,
                school_year=YEAR + i % 4,
                area=_area("ict"),
                status=ActivityStatus.DONE if i % 3 else "planned",
            )
        with scopes_disabled():
            RouteCorrection.objects.create(route=route, date=date(YEAR, 10, 1), description="—")

    grow(3)
    small = _queries(client, url)
    grow(27)
    with scopes_disabled():
        RouteReflection.objects.get_or_create(route=route, area=_area("ict"), defaults={"text": "—"})
    assert _queries(client, url) <= small
