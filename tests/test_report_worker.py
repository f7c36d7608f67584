"""The municipal report through a real Celery worker process (not eager): a file, a re-run, the same numbers.

Runs where tests/test_celery_worker.py runs (a Redis broker and PostgreSQL); skipped elsewhere.
"""

from __future__ import annotations

import json
import time

import pytest
from django_scopes import scopes_disabled

from monitoring import services_reports
from monitoring.models import JobStatus, ReportFile
from schools.tenancy import school_scope
from tests.test_celery_worker import worker  # noqa: F401 - the fixture
from tests.test_report import PERIOD, Town

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _finished(row: ReportFile, worker, seconds: float = 240) -> ReportFile:  # noqa: F811
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with scopes_disabled():
            row.refresh_from_db()
        if row.status in (JobStatus.DONE, JobStatus.FAILED):
            return row
        time.sleep(0.5)
    pytest.fail(f"the report is still {row.status}:\n" + worker["log"].read_text())


def _content(row: ReportFile) -> bytes:
    with row.file.open("rb") as handle:
        return handle.read()


def test_the_worker_makes_the_report_and_a_rerun_gives_the_same_numbers(worker):  # noqa: F811
    town = Town()
    files = []
    try:
        with school_scope(town.school_ids):
            first = services_reports.request_report(
                kind="municipal",
                fmt="json",
                period=PERIOD,
                compare_as_of=PERIOD.start,
                requested_by=None,
                municipality=town.municipality,
            )
        first = _finished(first, worker)
        assert first.status == JobStatus.DONE, first.error
        files.append(first)
        with school_scope(town.school_ids):
            second = services_reports.rerun(first, requested_by=None)
        second = _finished(second, worker)
        assert second.status == JobStatus.DONE, second.error
        files.append(second)
        one, two = json.loads(_content(first)), json.loads(_content(second))
        assert one["tables"] == two["tables"] and one["appendices"] == two["appendices"]
        assert one["tables"][1]["rows"] == [
            ["01.09.2026", 1, 25.0, 1, 25.0, 2, 50.0],
            ["31.05.2027", 1, 25.0, 2, 50.0, 1, 25.0],
        ]
        assert first.progress == 100 and first.source and first.sha256
        assert second.file.name != first.file.name  # a new file, never overwriting the previous one

        with school_scope(town.school_ids):
            pdf = services_reports.request_report(
                kind="municipal",
                fmt="pdf",
                period=PERIOD,
                compare_as_of=PERIOD.start,
                requested_by=None,
                municipality=town.municipality,
            )
        pdf = _finished(pdf, worker)
        assert pdf.status == JobStatus.DONE, pdf.error
        files.append(pdf)
        assert _content(pdf).startswith(b"%PDF")
    finally:
        for row in files:
            row.file.storage.delete(row.file.name)
