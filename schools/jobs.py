"""Jobs that survive crashes: every Celery task of the project is recorded in ``schools.Job``.

``JobTask`` is the base of every task (the Celery application's task class, and the parent of
``SchoolScopedTask``), so no task needs code of its own for this:

- **Queued** — ``apply_async`` writes the row (state ``queued``) *before* the message goes to the
  broker. If the broker cannot take the message, the row stays and the sweep sends it later.
- **Claimed** — in the worker, the job takes a PostgreSQL session advisory lock keyed by the row
  and moves the row to ``running`` with a conditional UPDATE. A finished row is never run again; a
  row whose lock another live process holds is left to it. The lock lives as long as the worker's
  database session, so a killed process releases it at once: the redelivered message (late
  acknowledgement, ``reject_on_worker_lost``) or the sweep takes the job over, and
  ``current_attempt()`` tells the task body that it resumes an interrupted attempt.
- **Closed** — ``succeeded`` or ``failed`` with the error text; ``retrying`` with the time of the
  next attempt when a transient error (database, broker, storage, network) is retried with an
  exponential back-off.
- **Swept** — ``sweep()`` (the ``schools.sweep_jobs`` beat job) sends again the jobs that the
  broker lost: queued or retrying for too long, or ``running`` with no live process holding the
  lock. A duplicate message is harmless: the claim above runs a job once.

On SQLite (development, eager mode) there are no advisory locks; one process runs everything.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import celery
import kombu.exceptions
import redis.exceptions
from celery.exceptions import Retry
from celery.utils import uuid
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Errors that go away by themselves: a database or broker restart, a dropped connection, a full or
# unmounted disk, an unreachable mail server. Tasks retry them with a back-off; others fail the job.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    OSError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
# Errors of publishing a message: the job row stays queued and the sweep sends it later.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# How long a redelivered job waits for the lock of an attempt that has just died (the database
# notices a killed process's closed connection within milliseconds).
LOCK_WAIT_SECONDS = 5.0
ERROR_MAX_CHARS = 4000


@dataclass(frozen=True)
class Claim:
    job_id: int
    attempt: int


_current: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("nastavnik_job", default=None)


def current_attempt() -> int:
    """The attempt of the running job (1 the first time); 1 outside a job.

    A task body passes ``resume=current_attempt() > 1`` to its service, which then takes over a
    domain row left «running» by an interrupted attempt (the job lock guarantees nobody else has it).
    """
    claim = _current.get()
    return claim.attempt if claim else 1


def args_hash(args: Iterable[Any] | None, kwargs: dict[str, Any] | None) -> str:
    payload = json.dumps([list(args or ()), kwargs or {}], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _try_lock(job_id: int, wait: float = 0.0) -> bool:
    """Take the session advisory lock of a job; True when this session holds it now."""
    if not _is_postgresql():
        return True
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [job_id])
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def _unlock(job_id: int) -> None:
    if not _is_postgresql():
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job_id])
    except DatabaseError:  # the session is gone, and its locks with it
        logger.warning("Could not release the lock of job %s; its session has ended", job_id)


def _heal_connection() -> None:
    """After a database error, drop a broken connection so the bookkeeping write opens a new one.

    Never inside a transaction (a test's, or a caller's): closing it there would lose its work.
    """
    if connection.connection is None or connection.in_atomic_block or not connection.errors_occurred:
        return
    if connection.is_usable():
        connection.errors_occurred = False
    else:
        connection.close()  # the next query connects again (the job's lock died with the old session)


def _scope_places(school_ids: Any) -> tuple[int | None, int | None]:
    """The one school, and the one municipality, of a job's scope, when there is just one."""
    if not isinstance(school_ids, list | tuple) or not school_ids:
        return None, None
    from schools.models import School
    from schools.tenancy import school_scope

    school = int(school_ids[0]) if len(school_ids) == 1 else None
    with school_scope(school_ids):
        municipalities = set(
            School.objects.filter(pk__in=school_ids).values_list("municipality_id", flat=True)
        )
    return school, municipalities.pop() if len(municipalities) == 1 else None


def record_publish(
    task: JobTask, task_id: str, args: Any, kwargs: Any, queue: str, due: datetime | None = None
) -> None:
    """Create the job's row (state queued) or, for a retry or a resend, note the new publication.

    ``due`` is the time a job queued with a countdown may start: the sweep does not count it lost before.
    """
    from schools.models import Job

    now = timezone.now()
    if Job.objects.filter(task_id=task_id).update(published_at=now, queue=queue):
        return
    keep = task.keep_job_args
    school_id, municipality_id = _scope_places((kwargs or {}).get("scope_school_ids"))
    Job.objects.create(
        task_id=task_id,
        kind=task.name,
        args=list(args or ()) if keep else None,
        kwargs=dict(kwargs or {}) if keep else None,
        args_hash=args_hash(args, kwargs),
        queue=queue,
        school_id=school_id,
        municipality_id=municipality_id,
        published_at=now,
        next_attempt_at=due,
    )


def _row_for_delivery(task: JobTask, request: Any):
    """The job's row; a message published around ``apply_async`` (``send_task``) gets one now."""
    from schools.models import Job

    job = Job.objects.filter(task_id=request.id).first()
    if job is None:
        queue = (request.delivery_info or {}).get("routing_key") or ""
        # Another delivery of the same message may have created it a moment ago.
        with contextlib.suppress(IntegrityError):
            record_publish(task, request.id, request.args, request.kwargs, queue)
        job = Job.objects.get(task_id=request.id)
    return job


def claim(task: JobTask, request: Any) -> Claim | None:
    """Take the job for this process, or None when it must not run here (finished, or held)."""
    from schools.models import Job, JobState

    job = _row_for_delivery(task, request)
    if job.state in (JobState.SUCCEEDED, JobState.FAILED):
        logger.info("Job %s (%s) is %s already; this delivery does nothing", job.task_id, job.kind, job.state)
        return None
    if not _try_lock(job.pk, wait=LOCK_WAIT_SECONDS):
        logger.info(
            "Job %s (%s) is running in another process; this delivery does nothing", job.task_id, job.kind
        )
        return None
    job.refresh_from_db(fields=["state", "attempts"])
    if job.state in (JobState.SUCCEEDED, JobState.FAILED):
        _unlock(job.pk)
        return None
    if task.job_attempts_limit and job.attempts >= task.job_attempts_limit:
        # A message that kills its worker every time (say, out of memory) must not loop for ever.
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            error=_("Задача запускалась %(count)s раз и ни разу не завершилась; больше она не запускается.")
            % {"count": job.attempts},
        )
        _unlock(job.pk)
        logger.error("Job %s (%s) gave up after %s attempts", job.task_id, job.kind, job.attempts)
        return None
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        finished_at=None,
        next_attempt_at=None,
        worker=(request.hostname or "")[:200],
        worker_pid=os.getpid(),
    )
    return Claim(job_id=job.pk, attempt=job.attempts + 1)


def _close(job_claim: Claim, **fields: Any) -> None:
    """Write the outcome of a claimed job; a database still down leaves it to the sweep."""
    from schools.models import Job, JobState

    _heal_connection()
    try:
        Job.objects.filter(pk=job_claim.job_id, state=JobState.RUNNING).update(**fields)
    except DatabaseError:
        logger.exception(
            "Could not record the outcome of job %s; the sweep will run it again", job_claim.job_id
        )


def _next_attempt(when: Any) -> datetime | None:
    if isinstance(when, datetime):
        return when
    if isinstance(when, int | float):
        return timezone.now() + timedelta(seconds=when)
    return None


def _due(options: dict[str, Any]) -> datetime | None:
    if options.get("eta"):
        eta = options["eta"]
        return eta if isinstance(eta, datetime) else None
    return _next_attempt(options.get("countdown"))


class JobTask(celery.Task):
    """The base of every Celery task of Nastavnik: recorded, claimed once, retried on transient errors.

    Defaults a task may override in its decorator: transient errors are retried up to five times,
    10 s, 20 s, 40 s … (at most 10 minutes, with jitter). ``keep_job_args = False`` keeps a task's
    arguments out of the job table (an e-mail body holds a password-reset link); such a job cannot be
    resent by the sweep.
    """

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 10
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5
    keep_job_args = True
    # Started this many times without an outcome (every start killed its process): failed for good.
    job_attempts_limit = 10

    def apply_async(
        self,
        args=None,
        kwargs=None,
        task_id=None,
        producer=None,
        link=None,
        link_error=None,
        shadow=None,
        **options,
    ):
        again = task_id is not None  # a retry or a resend of a recorded job
        task_id = task_id or uuid()
        queue = options.get("queue") or getattr(self, "queue", None) or self.app.conf.task_default_queue or ""
        if not isinstance(queue, str):
            queue = getattr(queue, "name", "") or ""
        _heal_connection()  # a retry after a database error publishes from a broken connection
        try:
            record_publish(self, task_id, args, kwargs, queue, _due(options))
        except DatabaseError:
            if not again:
                raise
            # The retry is still sent: its delivery finds (or creates) the row.
            logger.warning("Could not note the new publication of job %s; sending it anyway", task_id)
        try:
            return super().apply_async(
                args,
                kwargs,
                task_id=task_id,
                producer=producer,
                link=link,
                link_error=link_error,
                shadow=shadow,
                **options,
            )
        except BROKER_ERRORS as error:
            if self.app.conf.task_always_eager:
                raise
            # The row is queued and committed; the sweep sends it when the broker is back.
            logger.error(
                "Job %s (%s) could not be queued: %s; the sweep will send it", task_id, self.name, error
            )
            return self.AsyncResult(task_id)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly or not request.id:  # a plain function call, not a job
            return self.run_in_context(*args, **kwargs)
        job_claim = claim(self, request)
        if job_claim is None:
            return None
        token = _current.set(job_claim)
        try:
            return self._run_claimed(job_claim, args, kwargs)
        finally:
            _current.reset(token)
            _unlock(job_claim.job_id)

    def _run_claimed(self, job_claim: Claim, args: tuple, kwargs: dict) -> Any:
        from schools.models import JobState

        try:
            result = self.run_in_context(*args, **kwargs)
        except Retry as retry:
            _close(
                job_claim,
                state=JobState.RETRYING,
                next_attempt_at=_next_attempt(retry.when),
                error=_error_text(retry.exc) if retry.exc else "",
            )
            raise
        except Exception as error:
            _close(job_claim, state=JobState.FAILED, finished_at=timezone.now(), error=_error_text(error))
            raise
        # SystemExit and KeyboardInterrupt (a worker shutting down) leave the row running: the
        # message is delivered again and the next attempt takes over.
        _close(
            job_claim,
            state=JobState.SUCCEEDED,
            finished_at=timezone.now(),
            result=str(result)[:300],
            error="",
        )
        return result

    def run_in_context(self, *args: Any, **kwargs: Any) -> Any:
        """Run the body; ``SchoolScopedTask`` opens the job's school scope around it."""
        return super().__call__(*args, **kwargs)


# --- The sweep: the job table, not the broker, decides what still has to run ----------------------


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.NASTAVNIK_JOBS_STALE_AFTER_SECONDS)


@contextmanager
def _held(job_id: int) -> Iterator[bool]:
    """Hold a job's lock for a moment: True when no live process is running the job."""
    free = _try_lock(job_id)
    try:
        yield free
    finally:
        if free:
            _unlock(job_id)


def resend(job) -> bool:
    """Publish a job's message again under its task id; False when its arguments were not kept."""
    from schools.models import Job

    if job.args is None or job.kwargs is None:
        return False
    task = celery.current_app.tasks.get(job.kind)
    if task is None:
        return False
    Job.objects.filter(pk=job.pk).update(republished=F("republished") + 1)
    options = {"queue": job.queue} if job.queue else {}
    task.apply_async(args=job.args, kwargs=job.kwargs, task_id=job.task_id, **options)
    return True


def lost_jobs(now: datetime | None = None, stale_after: timedelta | None = None) -> list:
    """Jobs the broker seems to have lost.

    - queued and not started since the last publication, for ``stale_after`` × 2^resends (the
      spacing grows, so a long but healthy queue gets few duplicates);
    - retrying, with the next attempt overdue by ``stale_after``;
    - running with no process holding the job's lock (PostgreSQL only: a killed worker).
    """
    from django.db.models import Q

    from schools.models import Job, JobState

    now = now or timezone.now()
    stale = stale_after if stale_after is not None else _stale_after()
    found = []
    candidates = Job.objects.filter(
        Q(state=JobState.QUEUED, published_at__lte=now - stale)
        | Q(state=JobState.RETRYING, next_attempt_at__lte=now - stale)
        | Q(state=JobState.RUNNING)
    ).order_by("pk")
    for job in candidates.iterator():
        if job.state == JobState.RUNNING and not _is_postgresql():
            continue
        if job.state == JobState.QUEUED:
            if job.published_at > now - stale * (2 ** min(job.republished, 10)):
                continue
            if job.next_attempt_at and job.next_attempt_at > now - stale:
                continue  # queued with a countdown that has not run out
        found.append(job)
    return found


def sweep(*, stale_after: timedelta | None = None, keep_days: int | None = None) -> dict[str, int]:
    """Resend lost jobs, fail those that cannot be resent, delete old finished rows."""
    from schools.models import Job, JobState

    counts = {"resent": 0, "failed": 0, "deleted": 0}
    for job in lost_jobs(stale_after=stale_after):
        with _held(job.pk) as free:
            if not free:
                continue  # a live process runs it
            job.refresh_from_db()
            if job.state in (JobState.SUCCEEDED, JobState.FAILED):
                continue
            if resend(job):
                counts["resent"] += 1
                logger.warning(
                    "Job %s (%s) was %s with no worker; sent again", job.task_id, job.kind, job.state
                )
            else:
                Job.objects.filter(pk=job.pk).update(
                    state=JobState.FAILED,
                    finished_at=timezone.now(),
                    error=_(
                        "Очередь потеряла задачу, а её аргументы не хранятся: отправить её заново нельзя."
                    ),
                )
                counts["failed"] += 1
    days = keep_days if keep_days is not None else settings.NASTAVNIK_JOBS_KEEP_DAYS
    counts["deleted"], _per_model = Job.objects.filter(
        state__in=(JobState.SUCCEEDED, JobState.FAILED), finished_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return counts
