"""Tasks and hooks that exist only for the real-worker tests (loaded by the worker with --include)."""

import os
import time

from mentoring.celery import app
from schools.models import Staff
from schools.tenancy import SchoolScopedTask


@app.task(base=SchoolScopedTask, name="tests.staff_names")
def staff_names() -> list[str]:
    """Names of the staff the job's scope allows it to see."""
    return sorted(Staff.objects.values_list("last_name", flat=True))


# tests/test_jobs_worker.py slows every report down in the worker (after the job and the report row
# were claimed, before the report is built) so that it can kill a process in the middle of a job.
_REPORT_DELAY = float(os.environ.get("NASTAVNIK_TEST_REPORT_DELAY") or 0)
if _REPORT_DELAY:
    from monitoring import services_reports

    _build_for = services_reports.build_for

    def _slow_build_for(row, **options):
        time.sleep(_REPORT_DELAY)
        return _build_for(row, **options)

    services_reports.build_for = _slow_build_for
