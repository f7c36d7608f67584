"""Background jobs of monitoring: computing the indicators of a scope and period."""

from __future__ import annotations

from celery import shared_task

from monitoring.compute import compute_snapshots
from monitoring.models import JobStatus, Snapshot
from schools import jobs
from schools.tenancy import SchoolScopedTask


@shared_task(
    bind=True,
    base=SchoolScopedTask,
    name="monitoring.compute_indicators",
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def compute_indicators(self, snapshot_ids: list[int]) -> dict[str, int]:
    """Compute the snapshots (one period and date) in one pass; safe to deliver twice.

    A second delivery recomputes and replaces the same rows (the snapshot is keyed by scope, period
    and date), so late acknowledgement after a lost worker gives the same result, never a duplicate.
    """
    try:
        headers = compute_snapshots(snapshot_ids)
    except Exception as error:
        if not isinstance(error, jobs.TRANSIENT_ERRORS) or self.request.retries >= self.max_retries:
            Snapshot.objects.filter(pk__in=snapshot_ids).update(
                status=JobStatus.FAILED, error=str(error)[:2000]
            )
        raise
    return {"snapshots": len(headers)}


@shared_task(bind=True, base=SchoolScopedTask, name="monitoring.render_report", max_retries=3)
def render_report(self, report_id: int) -> str:
    """Make the file of one ``ReportFile`` (PDF, XLSX or JSON; see ``monitoring.services_reports``).

    Queued with the schools the report covers as its scope. Idempotent: the job table runs a job
    once, and the row is claimed with a conditional update, so a second delivery costs nothing; an
    attempt after an interrupted one (a killed worker, a retry) takes the row over. Transient errors
    (storage, database) are retried with a growing delay; the last failure is recorded on the row.
    """
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    from monitoring import services_reports

    with translation.override(settings.LANGUAGE_CODE):
        try:
            return services_reports.perform_report(report_id, resume=jobs.current_attempt() > 1)
        except jobs.TRANSIENT_ERRORS as error:
            if self.request.retries < self.max_retries:
                raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
            services_reports.record_failure(
                report_id,
                _("Не удалось сформировать отчёт: хранилище или база данных недоступны. Попробуйте позже."),
            )
            return JobStatus.FAILED
