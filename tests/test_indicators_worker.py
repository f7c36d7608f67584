"""The indicators job through a real Celery worker process: a snapshot, a re-run, the same snapshot.

Runs where tests/test_celery_worker.py runs (a Redis broker and PostgreSQL); skipped elsewhere.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from django_scopes import scopes_disabled

from monitoring import services
from monitoring.compute import Period, Scope
from monitoring.models import JobStatus, Snapshot, SnapshotRow
from schools.tenancy import school_scope
from tests.factories import MunicipalityFactory, SchoolFactory, StaffFactory
from tests.test_celery_worker import worker  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PERIOD = Period(start=date(2026, 9, 1), end=date(2027, 8, 31), as_of=date(2027, 5, 31))


def _done(ids: list[int], worker, seconds: float = 180) -> list[Snapshot]:  # noqa: F811
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with scopes_disabled():
            rows = list(Snapshot.objects.filter(pk__in=ids))
        if rows and all(r.status in (JobStatus.DONE, JobStatus.FAILED) for r in rows):
            return rows
        time.sleep(0.5)
    pytest.fail("the computation did not finish:\n" + worker["log"].read_text())


def _rows(snapshot_ids: list[int]) -> list[dict]:
    with scopes_disabled():
        return list(
            SnapshotRow.objects.filter(snapshot_id__in=snapshot_ids)
            .order_by("school_id")
            .values("snapshot_id", "school_id", "values")
        )


def test_the_worker_computes_a_municipality_and_a_rerun_replaces_the_same_snapshot(worker):  # noqa: F811
    with scopes_disabled():
        town = MunicipalityFactory()
        schools = [SchoolFactory(municipality=town) for _ in range(3)]
        for n, school in enumerate(schools):
            for years in range(n + 1):
                StaffFactory(school=school, experience_years=years)
    ids = [s.pk for s in schools]
    scope = Scope(municipality_ids=(town.pk,))
    with school_scope(ids):
        first = services.request_computation(scope, PERIOD)
    done = _done([h.pk for h in first], worker)
    assert all(s.status == JobStatus.DONE and s.progress == 100 for s in done), [s.error for s in done]
    before = _rows([h.pk for h in first])
    assert {r["school_id"]: r["values"]["young_teachers"] for r in before} == dict(
        zip(ids, (1, 2, 3), strict=True)
    )

    with school_scope(ids):
        again = services.request_computation(scope, PERIOD)
    _done([h.pk for h in again], worker)
    assert [h.pk for h in again] == [h.pk for h in first]  # replaced in place, no copy
    assert _rows([h.pk for h in again]) == before
    with scopes_disabled():
        assert Snapshot.objects.filter(municipality=town).count() == 1
