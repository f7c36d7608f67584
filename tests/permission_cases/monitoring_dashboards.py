"""Permission cases of the dashboards and of the computation of indicators.

The dashboard pages belong to the municipal methodist of school A's municipality; a school user who
opens ``dashboard`` gets the own school's dashboard, so outsiders there see their own page (never
school A's marker). The drill-down to school A and the progress of municipality 1's calculation
address objects: school B's users (same municipality) and the methodists of municipality 2 get 404.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.models import JobStatus, Snapshot, SnapshotRow
from schools.years import school_year_bounds, school_year_of
from tests.conftest import World
from tests.permission_cases.base import Case


def _period() -> tuple[date, date]:
    return school_year_bounds(school_year_of())


def _snapshot(w: World) -> Snapshot:
    """A done snapshot of municipality 1 with a row of school A (idempotent)."""
    start, end = _period()
    with scopes_disabled():
        snapshot, _ = Snapshot.objects.get_or_create(
            municipality=w.a.school.municipality,
            school=None,
            period_start=start,
            period_end=end,
            as_of=min(end, timezone.localdate()),
            defaults={
                "status": JobStatus.DONE,
                "progress": 100,
                "computed_at": timezone.now(),
                "duration_ms": 5,
            },
        )
        SnapshotRow.objects.get_or_create(
            snapshot=snapshot, school=w.a.school, defaults={"values": {"teachers": 3, "young_teachers": 1}}
        )
    return snapshot


def _snapshot_pk(w: World) -> dict:
    return {"pk": _snapshot(w).pk}


def _with_snapshot(w: World) -> dict:
    _snapshot(w)
    return {}


def _compute_data(w: World) -> dict:
    start, end = _period()
    return {"start": start.isoformat(), "end": end.isoformat()}


CASES: dict[str, Case] = {
    "monitoring:dashboard": Case(owner_role="municipal_methodist", kwargs=_with_snapshot),
    "monitoring:dashboard-schools": Case(owner_role="municipal_methodist", kwargs=_with_snapshot),
    "monitoring:dashboard-matrix": Case(owner_role="municipal_methodist", kwargs=_with_snapshot),
    "monitoring:dashboard-export": Case(
        owner_role="municipal_methodist", data=lambda w: {"table": "schools"}
    ),
    "monitoring:school-overview": Case(
        owner_role="municipal_methodist", kwargs=lambda w: {"pk": w.a.school.pk}, addresses_object=True
    ),
    "monitoring:dashboard-compute": Case(
        owner_role="municipal_methodist", method="post", data=_compute_data, owner_status=302
    ),
    "monitoring:snapshot-list": Case(owner_role="municipal_methodist", kwargs=_with_snapshot),
    "monitoring:snapshot-progress": Case(
        owner_role="municipal_methodist", kwargs=_snapshot_pk, addresses_object=True
    ),
}
