"""Benchmark of the municipal dashboard: a municipality of 130 demo schools must answer in under 300 ms.

Its database (``tests/bench/databases.py``: kept between runs, ``BENCH_FRESH=1`` rebuilds it) gets
``seed_demo --schools 130 --municipalities 1`` once; the bench then stores the calculation of the
current school year and of the year before — what «Рассчитать показатели» does — and times the
municipal methodist's ``/monitoring/dashboard/`` with the Django test client, warm: the median of
15 requests, with its number of SQL queries. The target (< 300 ms) is held to the CPU time the
request costs — Django's plus the database's (SQLite works in this process; a local PostgreSQL
backend's time is read from /proc): on a shared machine the wall clock, printed too, measures the
neighbours as well. The table of schools, the
compliance matrix and the overview of one school are timed the same way; the dashboard without a
stored calculation (computed live, the first view of a period nobody computed) is printed for
comparison, not held to the target. Run alone with ``python -m tests.bench.bench_dashboard``.
"""

from __future__ import annotations

import statistics
import sys
import time

SCHOOLS = 130
TARGET_MS = 300.0
RUNS = 15
WARM = 3


def _time(client, url: str, params: dict, runs: int = RUNS) -> tuple[float, float, int]:
    """Median wall-clock and CPU milliseconds of ``runs`` warm GETs, and the queries of one of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bench.databases import cpu_seconds

    for _ in range(WARM):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        client.get(url, params)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((cpu_seconds() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, params)
    return statistics.median(wall), statistics.median(cpu), len(ctx.captured_queries)


def _store_calculations(municipality, period) -> None:
    """The snapshots «Рассчитать показатели» stores: the period and the same period a year earlier."""
    from django_scopes import scopes_disabled

    from monitoring.compute import Scope, compute_snapshots, snapshot_headers
    from monitoring.selectors_dashboards import previous_period

    with scopes_disabled():
        for p in (period, previous_period(period)):
            headers = snapshot_headers(Scope(municipality_ids=(municipality.pk,)), p)
            compute_snapshots([h.pk for h in headers])


def main() -> int:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from monitoring.services import parse_period
    from schools.demo import REFERENCE_DATE
    from schools.models import Membership, Role, School
    from schools.years import school_year_bounds, school_year_of
    from tests.bench.databases import bench_database, fresh_requested, seed_once, single_backend

    with bench_database("dashboard", fresh=fresh_requested()) as name:
        seeded, seconds = seed_once(SCHOOLS, 1)
        with scopes_disabled():
            membership = (
                Membership.objects.select_related("user", "municipality")
                .filter(role=Role.MUNICIPAL_METHODIST, is_active=True)
                .order_by("pk")
                .first()
            )
            school = School.objects.filter(municipality=membership.municipality).order_by("pk").first()
        # The demo's school year (its data are dated from REFERENCE_DATE), as of its end.
        start, end = school_year_bounds(school_year_of(REFERENCE_DATE))
        period = parse_period(f"{start}:{end}")
        _store_calculations(membership.municipality, period)
        single_backend()
        client = Client()
        client.force_login(membership.user)
        params = {"year": str(period.school_year), "as_of": period.as_of.isoformat()}
        dashboard = _time(client, reverse("monitoring:dashboard"), params)
        others = {
            "table of schools": _time(client, reverse("monitoring:dashboard-schools"), params),
            "compliance matrix": _time(client, reverse("monitoring:dashboard-matrix"), params),
            "one school's overview": _time(
                client, reverse("monitoring:school-overview", kwargs={"pk": school.pk}), params
            ),
        }
        live_params = {**params, "as_of": period.start.isoformat()}  # a slice date nobody stored
        live = _time(client, reverse("monitoring:dashboard"), live_params, runs=3)
        floor = _floor(membership.municipality.region_id, period)
    wall, cpu, queries = dashboard
    # On a shared machine the wall clock measures the neighbours too: the CPU time of the request —
    # Django's and the database's (see tests/bench/databases.py) — is its own cost.
    ok = cpu < TARGET_MS
    where = f"{connection.vendor} «{name}»" + (f", seeded now in {seconds:.0f} s" if seeded else ", reused")
    print(
        f"municipal dashboard, {SCHOOLS} schools ({where}): {wall:.0f} ms wall, {cpu:.0f} ms CPU, "
        f"{queries} queries (target < {TARGET_MS:.0f} ms CPU)"
        f"{'' if ok else ' — TARGET MISSED'}"
    )
    for label, (w, c, q) in others.items():
        print(f"  {label}: {w:.0f} ms wall, {c:.0f} ms CPU, {q} queries")
    w, c, q = live
    print(
        f"  dashboard without a stored calculation (computed live, both years): {w:.0f} ms wall, {c:.0f} ms CPU, {q} queries"
    )
    print(
        f"  floor — one hand-written SQL query for the headline numbers of the same schools: {floor:.0f} ms wall; "
        f"dashboard / floor = {wall / floor:.1f}×"
    )
    return 0 if ok else 1


def _floor(region_id: int, period) -> float:
    """Median wall time (ms) of the indicators bench's single SQL query over the region."""
    import statistics
    import time

    from tests.bench.bench_indicators import run_floor

    walls = []
    for _ in range(3):
        started = time.perf_counter()
        run_floor(region_id, period.start, period.end, period.as_of)
        walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main())
