"""The cost of the scenario's pages one by one: CPU time, SQL queries, and a pyinstrument profile.

``DATABASE_URL=postgres://…/nastavnik_load python -m tests.load.profile_pages [--profile PATH]``
after one ``make load`` (which seeds that database). Each page is opened warm with the Django test
client as the demo user of its role, ``RUNS`` times; the median CPU time — Django's plus the local
PostgreSQL backend's (``tests/bench/databases.py``) — does not depend on what else the machine is
doing, unlike the wall clock of the load run. ``--profile /pairs/`` (or ``/journal/pair/{pair}/new/``) prints a pyinstrument profile
of one page instead.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

RUNS = 7
PAGES = {
    "mo01-001.curator": ["/staff/", "/staff/?q=мат", "/students/", "/pairs/", "/programs/", "/programs/{program}/"],
    "mo01-001.mentor": ["/", "/pairs/my/{pair}/", "/programs/my/{my_program}/", "/journal/pair/{pair}/",
                        "/journal/pair/{pair}/new/"],
    "mo01.methodist": ["/", "/monitoring/dashboard/", "/monitoring/dashboard/schools/",
                       "/monitoring/dashboard/documents/"],
    "region.methodist": ["/monitoring/dashboard/", "/monitoring/dashboard/schools/",
                         "/monitoring/dashboard/documents/"],
}  # fmt: skip


def _ids(client, login: str) -> dict[str, str]:
    import re

    found: dict[str, str] = {}
    if login.endswith(".curator"):
        found["program"] = re.findall(r'href="/programs/(\d+)/"', client.get("/programs/", secure=True).text)[
            0
        ]
    if login.endswith(".mentor"):
        found["pair"] = re.findall(r'href="/pairs/my/(\d+)/"', client.get("/pairs/my/", secure=True).text)[0]
        found["my_program"] = re.findall(
            r'href="/programs/my/(\d+)/"', client.get("/programs/my/", secure=True).text
        )[0]
    return found


def main(argv: list[str]) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.bench.databases import cpu_seconds, single_backend

    single_backend()
    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    print(f"{'page':<48} {'cpu ms':>7} {'wall ms':>8} {'queries':>8}")
    for login, pages in PAGES.items():
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.post("/accounts/login/", {"username": login, "password": "demo"}, secure=True)
        ids = _ids(client, login)
        for template in pages:
            url = template.format(**ids)
            if profile and template != profile:
                continue
            for _ in range(2):
                response = client.get(url, secure=True)
                assert response.status_code == 200, (login, url, response.status_code)
            if profile:
                from pyinstrument import Profiler

                with Profiler(interval=0.0005) as profiler:
                    for _ in range(RUNS):
                        client.get(url, secure=True)
                print(f"{login} {url}")
                print(profiler.output_text(unicode=True, color=False, show_all=False))
                continue
            cpu, wall = [], []
            for _ in range(RUNS):
                started, started_cpu = time.perf_counter(), cpu_seconds()
                client.get(url, secure=True)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((cpu_seconds() - started_cpu) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            name = f"{login.split('.')[-1]} {url}"
            print(
                f"{name:<48} {statistics.median(cpu):>7.0f} {statistics.median(wall):>8.0f} {len(queries):>8}"
            )
    return 0


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("AXES_ENABLED", "0")
    django.setup()
    sys.exit(main(sys.argv[1:]))
