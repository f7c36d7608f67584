"""Background jobs of the programs app: the morning reminders and the files of documents."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programs.services.reminders import collect_reminders, email_reminders, store_reminders
from schools import jobs
from schools.models import School
from schools.tenancy import SchoolScopedTask, school_scope

BATCH_SIZE = 200


@shared_task(
    base=SchoolScopedTask,
    name="programs.send_daily_reminders",
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_daily_reminders(today: str | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Create the day's reminders in every school of the job's scope, then mail them.

    Beat queues it with ``scope_school_ids=None`` (all schools); it reads each batch of schools
    inside ``school_scope(batch)``, so no query ever spans more than one batch. Safe to run twice or
    in two workers at once (see ``programs.services.reminders``): late acknowledgement may deliver
    it again after a lost worker, and a mail-server error retries the whole, idempotent, job.
    ``today`` (YYYY-MM-DD) replays another day; by default the project's local date.
    """
    day = date.fromisoformat(today) if today else timezone.localdate()
    school_ids = list(School.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    batches = [school_ids[i : i + batch_size] for i in range(0, len(school_ids), batch_size)]
    counts = {"schools": len(school_ids), "batches": len(batches), "reminders": 0, "created": 0, "emailed": 0}
    with translation.override(settings.LANGUAGE_CODE):
        # In-app reminders for every school first, so a mail-server failure delays letters only.
        for batch in batches:
            with school_scope(batch):
                reminders = collect_reminders(day)
                counts["reminders"] += len(reminders)
                counts["created"] += store_reminders(reminders)
        for batch in batches:
            with school_scope(batch):
                counts["emailed"] += email_reminders()
    return counts


@shared_task(bind=True, base=SchoolScopedTask, name="programs.render_document", max_retries=3)
def render_document(self, rendering_id: int) -> str:
    """Make the PDF or DOCX of one ``DocumentRendering`` row (see ``programs.services.document_files``).

    Queued with the document's school as its scope. Idempotent: the job table runs a job once and a
    row already done or failed is left alone, so a second delivery (late acknowledgement after a lost
    worker) costs nothing. Transient errors (storage, database) are retried with a growing delay;
    the last failure is recorded.
    """
    from programs.services import document_files

    with translation.override(settings.LANGUAGE_CODE):
        try:
            return document_files.perform_rendering(rendering_id)
        except jobs.TRANSIENT_ERRORS as error:
            if self.request.retries < self.max_retries:
                raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
            document_files.record_failure(
                rendering_id, _("Не удалось сохранить файл: хранилище недоступно. Попробуйте позже.")
            )
            return "failed"
