"""Report files: ask for one (a row plus a Celery job on commit), make it in the job, read it back.

- ``request_report`` checks the parameters (period, slice date, comparison date), creates a
  ``ReportFile`` row and queues ``monitoring.render_report`` when the transaction commits, in the
  scope of the schools the report covers.
- ``perform_report`` is the job's body: it claims the row with a conditional update (a second
  delivery of the same job does nothing), builds the report with ``monitoring.report`` (progress
  saved between the steps for the polling page), prints it with ``monitoring.report_render`` and
  stores the file under a random name in the place's folder. A failure is recorded with a message
  in Russian; storage errors (``OSError``) are left to the task, which retries them.
- ``build_for`` gives the ``Report`` of a row's parameters (the command and the tests use it too).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import report as reports
from monitoring import report_render
from monitoring.compute import Period
from monitoring.models import JobStatus, ReportFile, ReportFormat, ReportKind
from monitoring.services import MonitoringError, parse_period
from schools.jobs import TRANSIENT_ERRORS
from schools.models import Municipality, Region, School, User

logger = logging.getLogger(__name__)


class ReportError(ValidationError):
    """A report that cannot be made as asked; the message is for the user, in Russian."""


def check_parameters(
    *, period_start: date | None, period_end: date | None, as_of: date | None, compare_as_of: date | None
) -> tuple[Period, date]:
    """The period (the current school year when not given), its slice date and the comparison date."""
    text = f"{period_start.isoformat()}:{period_end.isoformat()}" if period_start and period_end else None
    try:
        period = parse_period(text, as_of=as_of)
    except MonitoringError as error:
        raise ReportError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
    compare = compare_as_of or reports.default_compare_date(period)
    if compare >= period.as_of:
        raise ReportError({"compare_as_of": [_("Дата сравнения должна быть раньше даты среза.")]})
    return period, compare


def school_ids_for(row: ReportFile) -> list[int]:
    """The schools a report covers: the job runs in their scope."""
    if row.school_id:
        return [row.school_id]
    schools = School.objects.all()
    if row.municipality_id:
        schools = schools.filter(municipality_id=row.municipality_id)
    else:
        schools = schools.filter(municipality__region_id=row.region_id)
    return list(schools.order_by("pk").values_list("pk", flat=True))


def request_report(
    *,
    kind: str,
    fmt: str,
    period: Period,
    compare_as_of: date,
    requested_by: User | None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    school: School | None = None,
    use_snapshot: bool = True,
) -> ReportFile:
    """A new report file row for the place of ``kind``; the job is queued when the transaction commits."""
    if fmt not in ReportFormat.values or kind not in ReportKind.values:
        raise ReportError(_("Неизвестный вид или формат отчёта."))
    if kind == ReportKind.SCHOOL:
        if school is None:
            raise ReportError(_("Не указана организация."))
        municipality = school.municipality
    if kind == ReportKind.MUNICIPAL and municipality is None:
        raise ReportError(_("Не указан муниципалитет."))
    if kind == ReportKind.REGIONAL and region is None:
        raise ReportError(_("Не указан регион."))
    region = region or municipality.region
    with transaction.atomic():
        row = ReportFile.objects.create(
            kind=kind,
            region=region,
            municipality=municipality if kind != ReportKind.REGIONAL else None,
            school=school if kind == ReportKind.SCHOOL else None,
            period_start=period.start,
            period_end=period.end,
            as_of=period.as_of,
            compare_as_of=compare_as_of,
            use_snapshot=use_snapshot,
            fmt=fmt,
            requested_by=requested_by,
        )
        enqueue(row)
    return row


def enqueue(row: ReportFile) -> None:
    from monitoring.tasks import render_report

    school_ids = school_ids_for(row)
    report_id = row.pk
    transaction.on_commit(lambda: render_report.delay(report_id, scope_school_ids=school_ids))


def rerun(row: ReportFile, *, requested_by: User | None) -> ReportFile:
    """The same report again (same place, period, dates and format), as a new file."""
    return request_report(
        kind=row.kind,
        fmt=row.fmt,
        period=Period(row.period_start, row.period_end, row.as_of),
        compare_as_of=row.compare_as_of,
        requested_by=requested_by,
        municipality=row.municipality,
        region=row.region,
        school=row.school,
        use_snapshot=row.use_snapshot,
    )


def build_for(row: ReportFile, *, progress=None) -> reports.Report:
    period = Period(row.period_start, row.period_end, row.as_of)
    options = {"use_snapshot": row.use_snapshot, "progress": progress}
    if row.kind == ReportKind.SCHOOL:
        return reports.build_school_note_figures(row.school, period, row.compare_as_of, **options)
    if row.kind == ReportKind.REGIONAL:
        return reports.build_regional_report(row.region, period, row.compare_as_of, **options)
    return reports.build_municipal_report(row.municipality, period, row.compare_as_of, **options)


def _progress(report_id: int, percent: int) -> None:
    ReportFile.objects.filter(pk=report_id, status=JobStatus.RUNNING).update(progress=percent)


def perform_report(report_id: int, *, resume: bool = False) -> str:
    """The job: make the file of one report row, once. Returns the row's final status.

    ``resume`` (a later attempt of the same job: its worker was killed, or a transient error is
    retried) takes over a row left running; the job table guarantees no other process has it.
    Transient errors (``schools.jobs.TRANSIENT_ERRORS``) are left to the task, which retries them.
    """
    claimable = (JobStatus.QUEUED, JobStatus.RUNNING) if resume else (JobStatus.QUEUED,)
    claimed = ReportFile.objects.filter(pk=report_id, status__in=claimable).update(
        status=JobStatus.RUNNING, progress=5, error=""
    )
    row = (
        ReportFile.objects.select_related("region", "municipality__region", "school__municipality")
        .filter(pk=report_id)
        .first()
    )
    if row is None:
        return "missing"
    if not claimed:
        return row.status  # running elsewhere, done or failed already: a repeated delivery changes nothing
    started = time.monotonic()
    try:
        report = build_for(row, progress=lambda p: _progress(report_id, 5 + p * 70 // 100))
        _progress(report_id, 80)
        blob = report_render.render(report, row.fmt)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        logger.exception("Report %s failed", report_id)
        record_failure(report_id, _("Не удалось сформировать отчёт: внутренняя ошибка. Попробуйте ещё раз."))
        return JobStatus.FAILED
    _progress(report_id, 95)
    try:
        row.file.save(f"{row.kind}-{secrets.token_hex(12)}.{row.fmt}", ContentFile(blob), save=False)
    except OSError:
        ReportFile.objects.filter(pk=report_id).update(status=JobStatus.QUEUED)  # the retry claims it again
        raise
    updated = ReportFile.objects.filter(pk=report_id, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        progress=100,
        file=row.file.name,
        sha256=hashlib.sha256(blob).hexdigest(),
        source=report.source[:300],
        finished_at=timezone.now(),
        duration_ms=int((time.monotonic() - started) * 1000),
        error="",
    )
    if not updated:
        row.file.storage.delete(row.file.name)
    return JobStatus.DONE


def record_failure(report_id: int, message: str) -> None:
    ReportFile.objects.filter(pk=report_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )


def download_name(row: ReportFile) -> str:
    place = row.place
    return f"report-{row.kind}-{place.code}-{row.as_of:%Y%m%d}.{row.fmt}"
