"""Databases of the benchmarks that need demo data: created once, kept, and reused on later runs.

Seeding thousands of schools takes minutes, so a benchmark keeps its own database next to the
configured one — ``<name>_bench_<suffix>`` on PostgreSQL, a file ``nastavnik-bench-<suffix>.sqlite3``
in the system temp directory with SQLite — made with Django's test-database machinery (migrated on
every run, never dropped). ``BENCH_FRESH=1`` rebuilds it. Not a ``bench_*`` module: run.py skips it.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def cpu_seconds() -> float:
    """CPU time of this process plus, on a local PostgreSQL, of its database backend.

    On a shared machine the wall clock measures the neighbours too; the CPU spent on the request by
    Django and by the database is its own cost (SQLite works inside this process already). The
    backend's time is read from /proc; parallel query workers are switched off by
    ``single_backend()`` so that the backend does all the database work.
    """
    from django.db import connection

    spent = time.process_time()
    if connection.vendor != "postgresql":
        return spent
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server is on another machine: only this process is counted
        return spent
    return spent + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def single_backend() -> None:
    """No parallel query workers in this session: their CPU time would escape ``cpu_seconds``."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")


def fresh_requested() -> bool:
    return os.environ.get("BENCH_FRESH", "") not in ("", "0")


@contextmanager
def bench_database(suffix: str, *, fresh: bool = False) -> Iterator[str]:
    """Point the default connection at this bench's database for the duration of the block."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(Path(tempfile.gettempdir()) / f"nastavnik-bench-{suffix}.sqlite3")
    else:
        name = f"{settings_dict['NAME']}_bench_{suffix}"
    test_settings = settings_dict.setdefault("TEST", {})
    previous_test_name = test_settings.get("NAME")
    test_settings["NAME"] = name
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=not fresh
    )
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
        test_settings["NAME"] = previous_test_name  # the next bench derives its own name again
        teardown_test_environment()


def seed_once(schools: int, municipalities: int) -> tuple[bool, float]:
    """``seed_demo`` with these sizes unless the database already holds exactly that demo.

    Returns (seeded now, seconds). A database with another demo is refused: rerun with BENCH_FRESH=1.
    """
    from django_scopes import scopes_disabled

    from schools import demo
    from schools.models import School

    with scopes_disabled():
        if demo.demo_loaded():
            found = School.objects.filter(municipality__region__code=demo.DEMO_REGION_CODE).count()
            if found != schools:
                raise SystemExit(
                    f"the bench database holds {found} demo schools, not {schools}: rerun with BENCH_FRESH=1"
                )
            return False, 0.0
    started = time.perf_counter()
    demo.seed_demo(schools=schools, municipalities=municipalities, force=True)
    return True, time.perf_counter() - started
