"""The job table from the command line: ``manage.py jobs [--failed | --state S] [--kind K] [--limit N]``.

``--sweep`` runs the sweep at once (what the beat job does every five minutes): lost jobs are sent
again, finished ones older than NASTAVNIK_JOBS_KEEP_DAYS are deleted. See docs/jobs.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils import timezone

from schools import jobs
from schools.models import Job, JobState


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M:%S") if value else "—"


class Command(BaseCommand):
    help = "Фоновые задачи: последние, с ошибкой, зависшие; --sweep отправляет потерянные задачи заново."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", choices=JobState.values, help="только задачи в этом состоянии")
        parser.add_argument(
            "--failed", action="store_true", help="только задачи с ошибкой (= --state failed)"
        )
        parser.add_argument("--kind", help="только задачи этого вида, например monitoring.render_report")
        parser.add_argument("--limit", type=int, default=30, help="сколько задач показать (по умолчанию 30)")
        parser.add_argument("--sweep", action="store_true", help="отправить потерянные задачи заново сейчас")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sweep"]:
            counts = jobs.sweep()
            self.stdout.write(
                f"resent: {counts['resent']}, failed: {counts['failed']}, deleted: {counts['deleted']}"
            )
            return
        rows = Job.objects.all()
        state = JobState.FAILED if options["failed"] else options["state"]
        if state:
            rows = rows.filter(state=state)
        if options["kind"]:
            rows = rows.filter(kind=options["kind"])
        totals = dict(rows.order_by().values_list("state").annotate(n=Count("pk")))
        self.stdout.write("  ".join(f"{s}: {totals.get(s, 0)}" for s in JobState.values))
        for job in rows.select_related("school")[: options["limit"]]:
            place = job.school.code if job.school else ("—" if job.school_id is None else f"#{job.school_id}")
            self.stdout.write(
                f"{_when(job.created_at)}  {job.state:<9}  x{job.attempts}  {job.kind:<32}  {place:<12}  "
                f"{job.worker or '—'}  {job.task_id}"
            )
            if job.error and job.state in (JobState.FAILED, JobState.RETRYING):
                self.stdout.write(f"    {job.error.splitlines()[0][:200]}")
