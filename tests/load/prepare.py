"""Data of `make load`: the demo region seeded once, its indicators computed, the accounts listed.

``python -m tests.load.prepare ACCOUNTS_FILE`` against the load database (``DATABASE_URL``, migrated
by run.sh): seeds ``seed_demo --schools LOAD_SCHOOLS --municipalities LOAD_MUNICIPALITIES`` unless the
database already holds that demo (another size is refused: drop the database), stores the region's
indicators for the current school year and the year before — what «Рассчитать показатели» does, so
the dashboards read snapshots as they do in production — and writes the accounts as JSON lines.
Data the previous runs added (journal entries) stay: the database is kept between runs.
"""

from __future__ import annotations

import io
import os
import sys
import time


def main(accounts_file: str) -> int:
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from monitoring.models import JobStatus, Snapshot
    from monitoring.selectors_dashboards import previous_period
    from monitoring.services import parse_period
    from schools import demo
    from schools.models import School

    schools = int(os.environ.get("LOAD_SCHOOLS", "300"))
    municipalities = int(os.environ.get("LOAD_MUNICIPALITIES", "15"))
    with scopes_disabled():
        if demo.demo_loaded():
            found = School.objects.filter(municipality__region__code=demo.DEMO_REGION_CODE).count()
            if found != schools:
                print(
                    f"the load database holds a demo of {found} schools, not {schools}: "
                    "drop it (dropdb nastavnik_load) or set LOAD_SCHOOLS",
                    file=sys.stderr,
                )
                return 1
            print(f"demo region of {found} schools: reused")
        else:
            started = time.monotonic()
            call_command("seed_demo", schools=schools, municipalities=municipalities, force=True)
            print(f"seeded in {time.monotonic() - started:.0f} s")

        current = parse_period(None)
        # Both years together: last year's slice date must be exactly a year before this one's.
        if not Snapshot.objects.filter(
            period_start=current.start, period_end=current.end, status=JobStatus.DONE
        ).exists():
            for period in (current, previous_period(current)):
                call_command(
                    "compute_indicators",
                    region=demo.DEMO_REGION_CODE,
                    period=f"{period.start}:{period.end}",
                    as_of=period.as_of.isoformat(),
                )
    out = io.StringIO()
    call_command("seed_demo", list_accounts=True, force=True, stdout=out, stderr=io.StringIO())
    with open(accounts_file, "w", encoding="utf-8") as f:
        f.write(out.getvalue())
    print(f"accounts: {out.getvalue().count(chr(10))} logins in {accounts_file}")
    return 0


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main(sys.argv[1]))
