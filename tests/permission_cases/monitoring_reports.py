"""Permission cases of the analytical reports: the index (methodist form / school numbers), a request, a file.

The report files belong to municipality 1 (schools A and B); the finished one points at a small
fixed JSON under MEDIA_ROOT. Users of school B and everyone of municipality 2 must get 404 on them:
the views narrow the files to the active role's place (school roles see only their school's).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from monitoring.models import JobStatus, ReportFile, ReportFormat, ReportKind
from tests.conftest import World
from tests.permission_cases.base import Case

FILE_NAME = "test-permission-cases/report.json"


def _report(w: World, status: str) -> ReportFile:
    municipality = w.a.school.municipality
    with scopes_disabled():
        row = ReportFile.objects.filter(municipality=municipality, status=status).first()
        if row is None:
            fields = {}
            if status == JobStatus.DONE:
                path = Path(settings.MEDIA_ROOT) / FILE_NAME
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b'{"tables": []}')
                fields = {"file": FILE_NAME, "progress": 100}
            row = ReportFile.objects.create(
                kind=ReportKind.MUNICIPAL,
                region=municipality.region,
                municipality=municipality,
                period_start=date(2026, 9, 1),
                period_end=date(2027, 8, 31),
                as_of=date(2027, 5, 31),
                compare_as_of=date(2026, 9, 1),
                fmt=ReportFormat.JSON,
                status=status,
                **fields,
            )
        return row


CASES: dict[str, Case] = {
    "monitoring:report-index": Case(owner_role="municipal_methodist"),
    "monitoring:report-request": Case(
        owner_role="municipal_methodist",
        method="post",
        data=lambda w: {
            "kind": "municipal",
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "as_of": "2027-05-31",
            "fmt": "json",
        },
        owner_status=302,
    ),
    "monitoring:report-status": Case(
        owner_role="municipal_methodist",
        kwargs=lambda w: {"pk": _report(w, JobStatus.QUEUED).pk},
        addresses_object=True,
    ),
    "monitoring:report-file": Case(
        owner_role="municipal_methodist",
        kwargs=lambda w: {"pk": _report(w, JobStatus.DONE).pk},
        addresses_object=True,
    ),
}
