"""Dashboards: headline figures and their change against last year, charts, the compliance matrix,
the sortable table of schools, XLSX exports, the drill-down, stored snapshots and the computation.

The small world of tests/conftest.py: schools A and B in municipality 1 (methodist_1, regional_1),
school C in municipality 2. Periods are given explicitly (``year=2026&as_of=2027-05-31``) so that the
numbers do not depend on today's date.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from monitoring.compute import Period, Scope, compute_snapshots, snapshot_headers
from monitoring.models import Campaign, EffectivenessLevel, JobStatus, Snapshot, Submission, SubmissionStatus
from monitoring.selectors_dashboards import previous_period, year_ago
from programs.models import ExternalAct, PairStatus, ProgramStatus, RequiredAct
from schools.models import Municipality, Role, School, SchoolKind, Staff
from tests.conftest import World
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory, StaffFactory, UserFactory
from tests.test_indicators import pair, program

YEAR = 2026
PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31), as_of=date(2027, 5, 31))
VIEW = {"year": str(YEAR), "as_of": "2027-05-31"}
LAST_YEAR = {"start": date(2025, 9, 15), "end": date(2026, 5, 31), "order": date(2025, 9, 15)}


@pytest.fixture
def data(world: World) -> World:
    """A: one young mentee now (program completed) and one last year (ended early); B: one young
    teacher, a mentee last year only, and the full package of documents; A has two documents."""
    with scopes_disabled():
        a, b = world.a.school, world.b.school
        b.kind, b.district = SchoolKind.ADDITIONAL, "Заречный"
        b.save()
        mentor_a = StaffFactory(school=a, experience_years=20)
        young_a1 = StaffFactory(school=a, experience_years=1)
        young_a2 = StaffFactory(school=a, experience_years=2)
        mentor_b = StaffFactory(school=b, experience_years=15)
        young_b = StaffFactory(school=b, experience_years=0)
    now = pair(a, mentor_a, [young_a1])
    program(now, status=ProgramStatus.COMPLETED, ended=date(2027, 3, 1))
    before = pair(
        a,
        mentor_a,
        [young_a2],
        status=PairStatus.COMPLETED,
        start=LAST_YEAR["start"],
        end=LAST_YEAR["end"],
        order=LAST_YEAR["order"],
        ended_on=date(2026, 5, 20),
    )
    program(
        before,
        status=ProgramStatus.ENDED_EARLY,
        approved=date(2025, 9, 20),
        start=date(2025, 9, 20),
        ended=date(2026, 2, 1),
        reason="moved",
    )
    pair(
        b,
        mentor_b,
        [young_b],
        status=PairStatus.COMPLETED,
        start=LAST_YEAR["start"],
        end=LAST_YEAR["end"],
        order=LAST_YEAR["order"],
        ended_on=date(2026, 5, 25),
    )
    with scopes_disabled():
        for requirement in RequiredAct.values:
            ExternalAct.objects.create(
                school=b,
                requirement=requirement,
                adopted_on=date(2024, 9, 1),
                number="1-о",
                url="https://example.org/mentoring" if requirement == RequiredAct.WEBSITE else "",
            )
        for requirement in (RequiredAct.REGULATION, RequiredAct.PROGRAM):
            ExternalAct.objects.create(school=a, requirement=requirement, adopted_on=date(2024, 9, 1))
    return world


def _get(client, user, name, params=None, **kwargs):
    client.force_login(user)
    return client.get(reverse(f"monitoring:{name}", kwargs=kwargs or None), params or {})


def _headline(response, code):
    return next(h for h in response.context["dash"].headlines if h.code == code)


# --- Headline figures and the change against last year ---------------------------------------------------


def test_the_municipal_dashboard_shows_headline_figures_of_its_schools(client, data):
    response = _get(client, data.methodist_1, "dashboard", VIEW)
    assert response.status_code == 200
    assert response.templates[0].name == "monitoring/dashboards/territory.html"
    coverage = _headline(response, "young_coverage")
    assert str(coverage.value) == "33.3"  # 1 of 3 young teachers of A and B has a mentor now
    assert str(coverage.previous) == "66.7"  # 2 of 3 last year
    assert coverage.direction == "down" and str(coverage.magnitude) == "33.4"
    assert (_headline(response, "mentors").value, _headline(response, "mentors").previous) == (1, 2)
    pairs = _headline(response, "pairs_groups")
    assert (pairs.value, pairs.previous, pairs.direction) == (1, 2, "down")
    completion = _headline(response, "completion_rate")
    assert (str(completion.value), str(completion.previous), completion.direction) == ("100.0", "0.0", "up")
    package = _headline(response, "package_share")
    assert str(package.value) == "50.0"  # B has all seven documents, A two
    assert _headline(response, "satisfaction").value is None  # no questionnaires: «—», not 0 %
    html = response.content.decode()
    assert "↓ 33,4 п. п." in html and "↑ 100,0 п. п." in html
    assert "нет данных за прошлый год" in html
    assert "МБОУ Лицей № 3" not in html  # school C is another municipality's


def test_the_previous_period_is_the_same_period_and_slice_date_a_year_earlier():
    assert previous_period(PERIOD) == Period(date(2025, 9, 1), date(2026, 8, 31), date(2026, 5, 31))
    assert year_ago(date(2028, 2, 29)) == date(2027, 2, 28)


def test_filters_narrow_the_figures_to_the_chosen_schools(client, data):
    response = _get(client, data.methodist_1, "dashboard", {**VIEW, "kind": SchoolKind.ADDITIONAL})
    assert [s.short_name for s in response.context["dash"].schools] == ["МБОУ СОШ № 2"]
    coverage = _headline(response, "young_coverage")
    assert (str(coverage.value), str(coverage.previous)) == ("0.0", "100.0")


def test_forms_and_levels_charts_count_schools(client, data):
    with scopes_disabled():
        campaign = Campaign.objects.create(
            municipality=data.a.school.municipality,
            school_year=YEAR,
            title="Мониторинг",
            deadline=date(2027, 6, 30),
        )
        Submission.objects.create(
            campaign=campaign,
            school=data.a.school,
            status=SubmissionStatus.ACCEPTED,
            level=EffectivenessLevel.OPTIMAL,
        )
        Submission.objects.create(
            campaign=campaign,
            school=data.b.school,
            status=SubmissionStatus.DRAFT,
            level=EffectivenessLevel.ACCEPTABLE,
        )
    response = _get(client, data.methodist_1, "dashboard", VIEW)
    dash = response.context["dash"]
    forms = {bar.key: bar for bar in dash.forms_bars}
    assert (forms["teacher-teacher"].value, forms["teacher-teacher"].percent) == (1, 50.0)
    assert forms["teacher-student"].value == 0
    levels = {bar.key: bar.value for bar in dash.level_bars}
    # A draft does not count yet: B has «нет данных».
    assert levels == {"optimal": 1, "acceptable": 0, "unacceptable": 0, "none": 1}
    html = response.content.decode()
    assert 'width="50.0"' in html  # an SVG bar: the attribute, never a style


# --- The compliance matrix ----------------------------------------------------------------------------------


def test_the_compliance_matrix_marks_each_document_and_counts_the_columns(client, data):
    response = _get(client, data.methodist_1, "dashboard-matrix", VIEW)
    matrix = response.context["matrix"]
    rows = {r.school.short_name: r for r in matrix.rows}
    assert rows["МБОУ СОШ № 2"].flags == [True] * 7
    assert rows["МБОУ СОШ № 1"].flags == [False, True, True, False, False, False, False]
    totals = {t.code: t.count for t in matrix.totals}
    assert totals["doc_regulation"] == 2 and totals["doc_website"] == 1 and totals["doc_roadmap"] == 1
    html = response.content.decode()
    assert "✓" in html and "✗" in html

    gaps = _get(client, data.methodist_1, "dashboard-matrix", {**VIEW, "gaps": "1"})
    assert [r.school.short_name for r in gaps.context["page"]] == ["МБОУ СОШ № 1"]


# --- The table of schools: sorting and filtering on the server ---------------------------------------------


def test_the_schools_table_sorts_by_any_column_both_ways(client, data):
    names = lambda r: [row.cells["name"] for row in r.context["page"]]  # noqa: E731
    by_teachers = _get(client, data.methodist_1, "dashboard-schools", {**VIEW, "sort": "-teachers"})
    assert names(by_teachers) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]  # A: 4 teachers, B: 3
    ascending = _get(client, data.methodist_1, "dashboard-schools", {**VIEW, "sort": "teachers"})
    assert names(ascending) == ["МБОУ СОШ № 2", "МБОУ СОШ № 1"]
    by_docs = _get(client, data.methodist_1, "dashboard-schools", {**VIEW, "sort": "-docs_present"})
    assert names(by_docs) == ["МБОУ СОШ № 2", "МБОУ СОШ № 1"]
    header = {h.column.key: h for h in by_docs.context["header"]}
    assert header["docs_present"].sorted == "desc" and "sort=docs_present" in header["docs_present"].url
    unknown = _get(client, data.methodist_1, "dashboard-schools", {**VIEW, "sort": "password"})
    assert unknown.status_code == 200 and names(unknown) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]


def test_the_schools_table_filters_by_type_district_and_name(client, data):
    def names(params):
        response = _get(client, data.methodist_1, "dashboard-schools", {**VIEW, **params})
        return [row.cells["name"] for row in response.context["page"]]

    assert names({"kind": SchoolKind.ADDITIONAL}) == ["МБОУ СОШ № 2"]
    assert names({"district": "Заречный"}) == ["МБОУ СОШ № 2"]
    assert names({"q": "№ 1"}) == ["МБОУ СОШ № 1"]
    assert names({"q": "нет такой"}) == []


def test_the_table_links_each_school_to_its_overview(client, data):
    response = _get(client, data.methodist_1, "dashboard-schools", VIEW)
    assert reverse("monitoring:school-overview", kwargs={"pk": data.a.school.pk}) in response.content.decode()


# --- Exports ------------------------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(response.content))


def test_the_schools_export_has_russian_headers_and_numbers_as_numbers(client, data):
    response = _get(
        client, data.methodist_1, "dashboard-export", {**VIEW, "table": "schools", "sort": "-teachers"}
    )
    sheet = _workbook(response).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Организация", "Тип организации", "Район", "Педагогических работников"]
    first = [c.value for c in sheet[2]]
    assert first[0] == "МБОУ СОШ № 1" and first[3] == 4 and isinstance(first[3], int)
    coverage = headers.index("Доля молодых педагогов с наставником, %")
    assert first[coverage] == 50.0  # A: one of two young teachers
    totals = [c.value for c in sheet[sheet.max_row]]
    assert totals[0] == "Итого" and totals[3] == 7
    params = _workbook(response)["Параметры"]
    assert [c.value for c in params[1]] == ["Территория", "Первый район"]


def test_the_matrix_forms_and_levels_export(client, data):
    matrix = _workbook(
        _get(client, data.methodist_1, "dashboard-export", {**VIEW, "table": "matrix"})
    ).worksheets[0]
    assert matrix.cell(1, 1).value == "Организация"
    assert matrix.cell(1, 4).value == "Раздел «Наставничество» на сайте"
    rows = {matrix.cell(r, 1).value: [matrix.cell(r, c).value for c in range(4, 12)] for r in (2, 3)}
    assert rows["МБОУ СОШ № 2"] == [1, 1, 1, 1, 1, 1, 1, 7]
    assert rows["МБОУ СОШ № 1"] == [0, 1, 1, 0, 0, 0, 0, 2]

    forms = _workbook(
        _get(client, data.methodist_1, "dashboard-export", {**VIEW, "table": "forms"})
    ).worksheets[0]
    first = [c.value for c in forms[2]]
    assert first[0] == "учитель – учитель (педагог – педагог)" and first[1:] == [1, 50.0, 1]

    levels = _workbook(_get(client, data.methodist_1, "dashboard-export", {**VIEW, "table": "levels"}))
    assert [c.value for c in levels.worksheets[0][1]] == ["Уровень эффективности", "ОО", "Доля ОО, %"]
    assert levels.worksheets[1].max_row == 3  # a row per school


def test_an_unknown_export_table_is_a_404(client, data):
    assert _get(client, data.methodist_1, "dashboard-export", {"table": "staff"}).status_code == 404
    assert _get(client, data.methodist_1, "dashboard-export", {"table": "municipalities"}).status_code == 404


# --- Who sees what ------------------------------------------------------------------------------------------


def test_a_methodist_cannot_open_another_municipalitys_school(client, data):
    assert _get(client, data.methodist_1, "school-overview", pk=data.c.school.pk).status_code == 404
    assert _get(client, data.methodist_2, "school-overview", pk=data.a.school.pk).status_code == 404
    own = _get(client, data.methodist_1, "school-overview", VIEW, pk=data.a.school.pk)
    assert own.status_code == 200
    assert own.context["dash"].values["pairs"] == 1
    html = own.content.decode()
    assert "Только просмотр" in html and "Положение о системе наставничества" in html


def test_a_school_user_gets_the_school_dashboard_not_the_municipalitys(client, data):
    for role in ("director", "curator", "psychologist"):
        response = _get(client, data.a.users[role], "dashboard", VIEW)
        assert response.status_code == 200
        assert response.templates[0].name == "monitoring/dashboards/school.html", role
        assert response.context["dash"].school == data.a.school
        assert "МБОУ СОШ № 2" not in response.content.decode()
    for name in ("dashboard-schools", "dashboard-matrix", "dashboard-export", "snapshot-list"):
        assert _get(client, data.a.users["curator"], name, {"table": "schools"}).status_code == 404
    for role in ("mentor", "mentee"):
        assert _get(client, data.a.users[role], "dashboard").status_code == 404


def test_the_school_dashboard_shows_the_schools_figures_and_change(client, data):
    response = _get(client, data.a.users["curator"], "dashboard", VIEW)
    dash = response.context["dash"]
    assert (dash.values["young_mentees"], dash.previous_values["young_mentees"]) == (1, 1)
    docs = _headline(response, "docs_present")
    assert (docs.value, docs.previous) == (2, 2)
    assert [name for _code, name, present in dash.documents() if present] == [
        "Положение о системе наставничества",
        "Программа наставничества ОО",
    ]
    assert response.context["can_compute"] is True
    assert _get(client, data.a.users["psychologist"], "dashboard", VIEW).context["can_compute"] is False


def test_the_regional_dashboard_has_a_row_per_municipality_and_drills_down(client, data):
    response = _get(client, data.regional_1, "dashboard", VIEW)
    assert response.status_code == 200 and response.context["view"].is_region
    rows = response.context["municipality_rows"]
    assert [r.cells["name"] for r in rows] == ["Первый район"] and rows[0].cells["schools"] == 2
    municipality = data.a.school.municipality
    down = _get(client, data.regional_1, "dashboard", {**VIEW, "municipality": municipality.pk})
    assert down.status_code == 200 and not down.context["view"].is_region
    assert str(_headline(down, "young_coverage").value) == "33.3"
    # Another region's municipality, or a municipal methodist asking for another municipality: 404.
    other = data.c.school.municipality
    assert _get(client, data.regional_1, "dashboard", {"municipality": other.pk}).status_code == 404
    assert _get(client, data.methodist_1, "dashboard", {"municipality": other.pk}).status_code == 404
    assert _get(client, data.regional_1, "dashboard-schools", {"municipality": "x"}).status_code == 404
    export = _get(client, data.regional_1, "dashboard-export", {**VIEW, "table": "municipalities"})
    assert _workbook(export).worksheets[0].cell(2, 1).value == "Первый район"


# --- Stored snapshots and the computation --------------------------------------------------------------------


def _compute(municipality, period=PERIOD):
    with scopes_disabled():
        headers = snapshot_headers(Scope(municipality_ids=(municipality.pk,)), period)
        compute_snapshots([h.pk for h in headers])
        return headers[0]


def test_a_dashboard_reads_the_stored_snapshot_and_says_when_it_was_computed(client, data):
    municipality = data.a.school.municipality
    _compute(municipality)
    _compute(municipality, previous_period(PERIOD))
    with scopes_disabled():  # a change after the calculation shows only after «Пересчитать»
        StaffFactory(school=data.a.school, experience_years=1)
    response = _get(client, data.methodist_1, "dashboard", VIEW)
    assert (
        response.context["source"]["from_snapshot"] and response.context["previous_source"]["from_snapshot"]
    )
    assert response.context["dash"].totals["young_teachers"] == 3
    assert "рассчитано" in response.content.decode() and "Пересчитать" in response.content.decode()
    # Without a slice date the latest stored one is shown.
    latest = _get(client, data.methodist_1, "dashboard", {"year": str(YEAR)})
    assert latest.context["period"].as_of == PERIOD.as_of


def test_computing_from_the_dashboard_stores_both_years_and_shows_progress(
    client, data, django_capture_on_commit_callbacks
):
    client.force_login(data.methodist_1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:dashboard-compute"),
            {"start": "2026-09-01", "end": "2027-08-31", "as_of": "2027-05-31"},
        )
    assert response.status_code == 302
    with scopes_disabled():
        snapshots = Snapshot.objects.filter(municipality=data.a.school.municipality)
        assert {(s.period_start, s.as_of, s.status) for s in snapshots} == {
            (date(2026, 9, 1), date(2027, 5, 31), JobStatus.DONE),
            (date(2025, 9, 1), date(2026, 5, 31), JobStatus.DONE),
        }
        assert all(s.requested_by == data.methodist_1 for s in snapshots)
    progress = client.get(response["Location"])
    assert progress.status_code == 200 and progress.context["finished"]
    html = progress.content.decode()
    assert "Открыть дашборд" in html and 'http-equiv="refresh"' not in html
    assert "/static/js/snapshot-progress.js" in html
    status = client.get(response["Location"], {"format": "json"}).json()
    assert status["finished"] and status["progress"] == 100 and len(status["items"]) == 2
    dashboard = client.get(status["dashboard_url"])
    assert dashboard.context["source"]["from_snapshot"]


def test_the_progress_page_refreshes_itself_without_javascript_while_running(client, data):
    snapshot = _compute(data.a.school.municipality)
    with scopes_disabled():
        Snapshot.objects.filter(pk=snapshot.pk).update(status=JobStatus.RUNNING, progress=40)
    response = _get(client, data.methodist_1, "snapshot-progress", pk=snapshot.pk)
    html = response.content.decode()
    assert '<noscript><meta http-equiv="refresh"' in html and 'value="40"' in html
    assert _get(client, data.methodist_2, "snapshot-progress", pk=snapshot.pk).status_code == 404
    assert _get(client, data.b.users["curator"], "snapshot-progress", pk=snapshot.pk).status_code == 404


def test_a_curator_computes_the_own_school(client, data, django_capture_on_commit_callbacks):
    client.force_login(data.a.users["curator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:dashboard-compute"), {"start": "2026-09-01", "end": "2027-08-31"}
        )
    assert response.status_code == 302
    with scopes_disabled():
        assert set(Snapshot.objects.values_list("school_id", flat=True)) == {data.a.school.pk}
    assert client.get(response["Location"]).status_code == 200
    client.force_login(data.a.users["psychologist"])
    assert (
        client.post(
            reverse("monitoring:dashboard-compute"), {"start": "2026-09-01", "end": "2027-08-31"}
        ).status_code
        == 404
    )


def test_a_bad_period_is_explained_and_nothing_is_queued(client, data):
    client.force_login(data.methodist_1)
    response = client.post(
        reverse("monitoring:dashboard-compute"), {"start": "2027-09-01", "end": "2026-08-31"}, follow=True
    )
    assert "Конец периода раньше его начала." in response.content.decode()
    with scopes_disabled():
        assert not Snapshot.objects.exists()


def test_the_snapshot_list_compares_two_snapshots(client, data):
    municipality = data.a.school.municipality
    first = _compute(municipality, previous_period(PERIOD))
    second = _compute(municipality)
    response = _get(client, data.methodist_1, "snapshot-list", {"a": first.pk, "b": second.pk})
    assert response.status_code == 200
    lines = {line.code: line for line in response.context["compared"]["lines"]}
    assert (lines["pairs"].previous, lines["pairs"].value, lines["pairs"].change) == (2, 1, -1)
    assert _get(client, data.methodist_2, "snapshot-list", {"a": first.pk, "b": second.pk}).status_code == 404


# --- A constant number of queries, whatever the number of schools ---------------------------------------------


def _municipality_with(n: int) -> tuple[Municipality, object]:
    with scopes_disabled():
        municipality = MunicipalityFactory()
        schools = [SchoolFactory(municipality=municipality, district=f"Район {i % 3}") for i in range(n)]
        Staff.objects.bulk_create(
            [
                Staff(
                    school=s,
                    last_name="Педагогова",
                    first_name="Ольга",
                    position="учитель",
                    experience_years=e,
                )
                for s in schools
                for e in (1, 12)
            ]
        )
        methodist = UserFactory()
        MembershipFactory(user=methodist, role=Role.MUNICIPAL_METHODIST, municipality=municipality)
    for school in schools[:3]:
        with scopes_disabled():
            young, mentor = Staff.objects.filter(school=school).order_by("experience_years")
        program(pair(school, mentor, [young]), status=ProgramStatus.IN_PROGRESS)
    return municipality, methodist


def _queries(client, user, name, params=None, **kwargs) -> int:
    if getattr(client, "_warm_user", None) != user.pk:
        client.force_login(user)
        client.get(reverse("home"))  # warm: the session, the user's contexts
        client._warm_user = user.pk
    url = reverse(f"monitoring:{name}", kwargs=kwargs or None)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("dashboard", {}),
    ("dashboard-schools", {"sort": "-young_coverage"}),
    ("dashboard-matrix", {"gaps": "1"}),
    ("dashboard-export", {"table": "schools"}),
    ("dashboard-export", {"table": "matrix"}),
    ("snapshot-list", {}),
]


@pytest.mark.parametrize("stored", [False, True], ids=["live", "snapshot"])
def test_each_dashboard_runs_as_many_queries_for_200_schools_as_for_10(client, db, stored):
    from tests.conftest import ensure_catalogs

    ensure_catalogs()
    measured = []
    for n in (10, 200):
        municipality, methodist = _municipality_with(n)
        if stored:
            _compute(municipality)
            _compute(municipality, previous_period(PERIOD))
        with scopes_disabled():
            school = School.objects.filter(municipality=municipality).first()
        counts = {
            f"{name} {params}": _queries(client, methodist, name, {**VIEW, **params})
            for name, params in PAGES
        }
        counts["school-overview"] = _queries(client, methodist, "school-overview", VIEW, pk=school.pk)
        measured.append(counts)
    assert measured[0] == measured[1]


def test_the_regional_dashboard_runs_as_many_queries_for_200_schools_as_for_10(client, db):
    from tests.conftest import ensure_catalogs

    ensure_catalogs()
    measured = []
    for n in (10, 200):
        municipality, _methodist = _municipality_with(n)
        _compute(municipality)
        with scopes_disabled():
            MunicipalityFactory(region=municipality.region)  # a municipality without a snapshot: live
            regional = UserFactory()
            MembershipFactory(user=regional, role=Role.REGIONAL_METHODIST, region=municipality.region)
        measured.append(
            (
                _queries(client, regional, "dashboard", VIEW),
                _queries(client, regional, "dashboard-schools", VIEW),
                _queries(client, regional, "dashboard", {**VIEW, "municipality": municipality.pk}),
            )
        )
    assert measured[0] == measured[1]


def test_the_school_dashboard_runs_a_fixed_number_of_queries(client, data):
    first = _queries(client, data.a.users["director"], "dashboard", VIEW)
    for _ in range(5):
        with scopes_disabled():
            mentor = StaffFactory(school=data.a.school, experience_years=20)
            young = StaffFactory(school=data.a.school, experience_years=1)
        program(
            pair(data.a.school, mentor, [young], form="teacher-teacher"), status=ProgramStatus.IN_PROGRESS
        )
    assert _queries(client, data.a.users["director"], "dashboard", VIEW) == first


def test_snapshot_times_are_shown_in_the_local_time_zone(client, data):
    snapshot = _compute(data.a.school.municipality)
    with scopes_disabled():
        Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=datetime(2027, 5, 31, 7, 30, tzinfo=UTC))
    html = _get(client, data.methodist_1, "dashboard", VIEW).content.decode()
    assert "рассчитано 31.05.2027 10:30" in html  # Europe/Moscow
