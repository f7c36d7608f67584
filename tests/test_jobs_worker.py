"""Jobs survive crashes: real prefork workers are killed with SIGKILL in the middle of a batch of
50 report jobs, and every job still finishes exactly once; a job whose database session is
terminated (a PostgreSQL restart) is retried and finishes; jobs whose messages a Redis restart lost
are sent again by the sweep and run once.

Runs where tests/test_celery_worker.py runs (PostgreSQL and a Redis broker); in CI a missing broker
is a failure. Every report is slowed down in the worker by tests/worker_tasks.py so that a process
can be killed while it holds a job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from mentoring.celery import app as celery_app
from monitoring import services_reports
from monitoring.compute import Period
from monitoring.models import JobStatus, ReportFile
from schools import jobs
from schools.models import Job, JobState
from schools.tenancy import school_scope
from tests.test_celery_worker import ROOT, _database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31), as_of=date(2027, 5, 31))
BATCH = 50
REPORT_DELAY = 1.0  # seconds each report waits in the worker before it is built


@pytest.fixture
def pool(tmp_path, settings, monkeypatch):
    """Starts prefork workers on one private queue, sharing the test database and MEDIA_ROOT."""
    if not os.environ.get("CELERY_BROKER_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-worker tests: CELERY_BROKER_URL is not set")
        pytest.skip("CELERY_BROKER_URL is not set")
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    queue = f"test-jobs-{uuid.uuid4().hex[:8]}"
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        NASTAVNIK_TEST_REPORT_DELAY=str(REPORT_DELAY),
        C_FORCE_ROOT="1",
    )
    started: list[tuple[subprocess.Popen, object]] = []

    def start(name: str, concurrency: int) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mentoring",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-n",
                f"{name}@%h",
                "-Q",
                queue,
                "--include=tests.worker_tasks",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the test can kill it with its children
        )
        started.append((proc, log))
        return proc

    def logs() -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-6000:]}" for p in sorted(tmp_path.glob("*.log")))

    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield {"start": start, "media": media, "logs": logs}
    finally:
        celery_app.conf.task_default_queue = previous
        for proc, _log in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, log in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()


def _request_reports(school, count: int) -> list[int]:
    ids = []
    with school_scope([school.pk]):
        for _ in range(count):
            row = services_reports.request_report(
                kind="school",
                fmt="json",
                period=PERIOD,
                compare_as_of=PERIOD.start,
                requested_by=None,
                school=school,
            )
            ids.append(row.pk)
    return ids


def _wait(predicate, seconds: float, what: str, logs) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{logs()}")


def _running_on(worker_name: str) -> Job | None:
    return (
        Job.objects.filter(
            kind="monitoring.render_report", state=JobState.RUNNING, worker__startswith=f"{worker_name}@"
        )
        .order_by("started_at")
        .first()
    )


def _report_jobs():
    return Job.objects.filter(kind="monitoring.render_report")


def test_fifty_report_jobs_finish_exactly_once_when_workers_are_killed_with_sigkill(world, pool):
    school = world.a.school
    pool["start"]("a", 2)
    worker_b = pool["start"]("b", 1)
    report_ids = _request_reports(school, BATCH)
    assert _report_jobs().count() == BATCH  # recorded as queued before the broker got them

    # 1. SIGKILL the pool process of worker «a» that is in the middle of a job: the parent sees the
    # lost process and, with late acknowledgement and reject_on_worker_lost, puts the message back.
    victim = _wait(lambda: _running_on("a"), 90, "a job running on worker a", pool["logs"])
    os.kill(victim.worker_pid, signal.SIGKILL)

    # 2. SIGKILL the whole worker «b» (parent and pool) while it runs a job: its messages stay
    # unacknowledged in Redis until the visibility timeout; the sweep finds the job whose process
    # died (its advisory lock is free) and sends it again at once. Sweeping with no staleness also
    # resends every queued job, so duplicates go through the queue too.
    second = _wait(lambda: _running_on("b"), 60, "a job running on worker b", pool["logs"])
    os.killpg(worker_b.pid, signal.SIGKILL)
    worker_b.wait(timeout=10)
    deadline = time.monotonic() + 20
    while not Job.objects.filter(pk=second.pk, republished__gte=1).exists():
        # PostgreSQL frees the lock as soon as it has closed the killed process's session.
        assert time.monotonic() < deadline, "the sweep never found the job of the killed worker"
        time.sleep(0.5)
        jobs.sweep(stale_after=timedelta(0))

    def all_finished() -> bool:
        with scopes_disabled():
            return not ReportFile.objects.filter(
                pk__in=report_ids, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
            ).exists()

    _wait(all_finished, 150, "every report to finish", pool["logs"])
    _wait(
        lambda: not _report_jobs().exclude(state=JobState.SUCCEEDED).exists(),
        30,
        "the job rows",
        pool["logs"],
    )

    with scopes_disabled():
        reports = list(ReportFile.objects.filter(pk__in=report_ids))
    assert {r.status for r in reports} == {JobStatus.DONE}, [r.error for r in reports if r.error]
    # Exactly one file per report: an interrupted attempt left none behind, a duplicate made none.
    stored = sorted(p.relative_to(pool["media"]).as_posix() for p in pool["media"].rglob("*.json"))
    assert stored == sorted(r.file.name for r in reports)
    assert len(stored) == BATCH

    rows = {job.task_id: job for job in _report_jobs()}
    assert len(rows) == BATCH
    assert all(job.state == JobState.SUCCEEDED for job in rows.values())
    # The two killed attempts were taken over by a second one; every other job ran once.
    assert rows[victim.task_id].attempts == 2, pool["logs"]()
    assert rows[second.task_id].attempts == 2, pool["logs"]()
    assert sorted(job.attempts for job in rows.values()) == [1] * (BATCH - 2) + [2, 2]
    assert not rows[second.task_id].worker.startswith("b@")  # worker b is gone: «a» finished it
    assert any(job.republished for job in rows.values())


def test_a_job_whose_database_session_is_terminated_is_retried_and_finishes(world, pool):
    pool["start"]("solo", 1)
    (report_id,) = _request_reports(world.a.school, 1)
    running = _wait(lambda: _running_on("solo"), 90, "the job to start", pool["logs"])
    # What a PostgreSQL restart does to the worker's session (in the middle of the job).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    retrying = _wait(
        lambda: Job.objects.filter(pk=running.pk, state=JobState.RETRYING).first(),
        30,
        "the retry",
        pool["logs"],
    )
    assert "OperationalError" in retrying.error or "InterfaceError" in retrying.error
    job = _wait(
        lambda: Job.objects.filter(pk=running.pk, state=JobState.SUCCEEDED).first(),
        60,
        "the retried job to succeed",
        pool["logs"],
    )
    assert job.attempts == 2
    with scopes_disabled():
        report = ReportFile.objects.get(pk=report_id)
    assert report.status == JobStatus.DONE, report.error
    assert (Path(pool["media"]) / report.file.name).exists()


def test_queued_jobs_lost_with_a_redis_restart_are_sent_again_by_the_sweep_and_run_once(world, pool):
    """Redis without persistence forgets its queues on a restart (docs/jobs.md): the job table
    does not, and the sweep sends the jobs again under the same task ids."""
    import redis

    report_ids = _request_reports(world.a.school, 5)  # queued while no worker runs
    queue = celery_app.conf.task_default_queue
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    keys = [key for key in broker.scan_iter(match=f"{queue}*") if broker.type(key) == b"list"]
    assert sum(broker.llen(key) for key in keys) == 5, keys
    # What a restart of a Redis that keeps nothing on disk does to this queue (only this test's
    # keys: other tests share the database).
    broker.delete(*keys)

    pool["start"]("after-restart", 2)
    time.sleep(3)
    assert _report_jobs().filter(state=JobState.QUEUED).count() == 5  # nothing left to deliver

    swept = jobs.sweep(stale_after=timedelta(0))

    assert swept["resent"] == 5, swept
    _wait(
        lambda: _report_jobs().filter(state=JobState.SUCCEEDED).count() == 5,
        90,
        "the resent jobs to finish",
        pool["logs"],
    )
    with scopes_disabled():
        reports = list(ReportFile.objects.filter(pk__in=report_ids))
    assert {r.status for r in reports} == {JobStatus.DONE}
    assert sorted(job.attempts for job in _report_jobs()) == [1] * 5
    assert len(list(pool["media"].rglob("*.json"))) == 5
