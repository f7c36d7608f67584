"""The job table (schools.Job) in one process: recorded, claimed once, closed, swept.

Celery runs eagerly here; tests/test_jobs_worker.py kills real workers.
"""

from __future__ import annotations

from datetime import timedelta

import kombu.exceptions
import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.utils import timezone

from mentoring.celery import app as celery_app
from schools import jobs
from schools.models import Job, JobState
from schools.tasks import send_email
from schools.tenancy import SchoolScopedTask

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, int]] = []


@celery_app.task(name="tests.jobs.note")
def note(word: str) -> str:
    CALLS.append((word, jobs.current_attempt()))
    return word.upper()


@celery_app.task(name="tests.jobs.broken")
def broken() -> None:
    raise ValueError("в таблице нет строки 7")


@celery_app.task(name="tests.jobs.later")
def later() -> None:
    raise Retry(exc=OSError("хранилище недоступно"), when=30)


@celery_app.task(base=SchoolScopedTask, name="tests.jobs.scoped")
def scoped() -> int:
    return 1


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def test_a_job_is_recorded_when_queued_and_closed_with_its_outcome(world):
    result = note.delay("пара")
    assert result.get() == "ПАРА"
    job = Job.objects.get(task_id=result.id)
    assert (job.kind, job.state, job.attempts, job.result, job.error) == (
        "tests.jobs.note",
        "succeeded",
        1,
        "ПАРА",
        "",
    )
    assert job.args == ["пара"] and job.kwargs == {}
    assert job.args_hash == jobs.args_hash(["пара"], {})
    assert job.published_at and job.started_at and job.finished_at and job.worker_pid
    assert CALLS == [("пара", 1)]


def test_a_scoped_job_records_its_school_and_municipality(world):
    one = scoped.delay(scope_school_ids=[world.a.school.pk])
    both = scoped.delay(scope_school_ids=[world.a.school.pk, world.b.school.pk])
    spread = scoped.delay(scope_school_ids=[world.a.school.pk, world.c.school.pk])
    everything = scoped.delay(scope_school_ids=None)
    rows = {r.task_id: r for r in Job.objects.all()}
    assert (rows[one.id].school_id, rows[one.id].municipality_id) == (
        world.a.school.pk,
        world.a.school.municipality_id,
    )
    assert (rows[both.id].school_id, rows[both.id].municipality_id) == (None, world.a.school.municipality_id)
    assert (rows[spread.id].school_id, rows[spread.id].municipality_id) == (None, None)
    assert rows[everything.id].kwargs == {"scope_school_ids": None}
    assert {r.state for r in rows.values()} == {JobState.SUCCEEDED}


def test_a_job_queued_without_a_scope_fails_with_the_reason(world):
    with pytest.raises(Exception, match="scope_school_ids"):
        scoped.delay()
    job = Job.objects.get(kind="tests.jobs.scoped")
    assert job.state == JobState.FAILED and "ScopeError" in job.error


def test_a_permanent_error_fails_the_job_with_its_message():
    with pytest.raises(ValueError):
        broken.delay()
    job = Job.objects.get(kind="tests.jobs.broken")
    assert job.state == JobState.FAILED
    assert job.error == "ValueError: в таблице нет строки 7"
    assert job.finished_at is not None


def test_a_job_the_broker_refuses_stays_queued_for_the_sweep(monkeypatch):
    def refuse(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    celery_app.conf.task_always_eager = False  # the autouse fixture of conftest puts it back
    monkeypatch.setattr(celery_app, "send_task", refuse)
    result = note.delay("позже")  # the caller (a page, after its commit) is not broken
    job = Job.objects.get(task_id=result.id)
    assert (job.state, job.args, job.attempts) == (JobState.QUEUED, ["позже"], 0)
    assert CALLS == []


def test_a_second_delivery_of_a_finished_job_does_nothing():
    first = note.delay("раз")
    again = note.apply(args=["раз"], task_id=first.id)
    assert again.get() is None
    assert CALLS == [("раз", 1)]
    assert Job.objects.get(task_id=first.id).attempts == 1


def test_an_attempt_killed_while_running_is_taken_over_by_the_next_delivery():
    job = Job.objects.create(
        task_id="killed-1", kind="tests.jobs.note", state=JobState.RUNNING, attempts=1, args_hash="x"
    )
    assert note.apply(args=["снова"], task_id="killed-1").get() == "СНОВА"
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2)
    assert CALLS == [("снова", 2)]  # the body knows it resumes an interrupted attempt


def test_a_job_that_kills_its_worker_every_time_gives_up():
    Job.objects.create(
        task_id="poison",
        kind="tests.jobs.note",
        state=JobState.RUNNING,
        attempts=note.job_attempts_limit,
        args_hash="x",
    )
    assert note.apply(args=["яд"], task_id="poison").get() is None
    job = Job.objects.get(task_id="poison")
    assert job.state == JobState.FAILED and "не запускается" in job.error
    assert CALLS == []


def test_a_retry_is_recorded_with_the_time_of_the_next_attempt():
    with pytest.raises(Retry):  # eager mode hands the retry back to the caller
        later.delay()
    job = Job.objects.get(kind="tests.jobs.later")
    assert job.state == JobState.RETRYING
    assert "хранилище недоступно" in job.error
    assert timedelta(seconds=20) < job.next_attempt_at - timezone.now() <= timedelta(seconds=30)


def test_the_arguments_of_an_email_are_never_kept(mailoutbox):
    send_email.delay("Сброс пароля", "Ссылка: https://example.org/reset/секрет/", ["a@example.org"])
    job = Job.objects.get(kind="schools.send_email")
    assert job.state == JobState.SUCCEEDED
    assert job.args is None and job.kwargs is None and len(job.args_hash) == 64
    assert len(mailoutbox) == 1


def test_the_sweep_resends_lost_jobs_and_forgets_old_finished_ones():
    long_ago = timezone.now() - timedelta(hours=2)
    lost = Job.objects.create(
        task_id="lost-1",
        kind="tests.jobs.note",
        args=["потеря"],
        kwargs={},
        args_hash="x",
        published_at=long_ago,
    )
    fresh = Job.objects.create(
        task_id="fresh-1",
        kind="tests.jobs.note",
        args=["свежая"],
        kwargs={},
        args_hash="x",
        published_at=timezone.now(),
    )
    secret = Job.objects.create(
        task_id="mail-1", kind="schools.send_email", args_hash="x", published_at=long_ago
    )
    overdue = Job.objects.create(
        task_id="retry-1",
        kind="tests.jobs.note",
        state=JobState.RETRYING,
        args=["повтор"],
        kwargs={},
        args_hash="x",
        attempts=1,
        next_attempt_at=long_ago,
    )
    old = Job.objects.create(
        task_id="old-1",
        kind="tests.jobs.note",
        state=JobState.SUCCEEDED,
        args_hash="x",
        finished_at=long_ago - timedelta(days=40),
    )

    counts = jobs.sweep()

    assert counts == {"resent": 2, "failed": 1, "deleted": 1}
    assert set(CALLS) == {("потеря", 1), ("повтор", 2)}
    lost.refresh_from_db()
    assert (lost.state, lost.republished) == (JobState.SUCCEEDED, 1)
    fresh.refresh_from_db()
    assert fresh.state == JobState.QUEUED  # still within its time in the queue
    secret.refresh_from_db()
    assert secret.state == JobState.FAILED and "аргументы не хранятся" in secret.error
    overdue.refresh_from_db()
    assert overdue.state == JobState.SUCCEEDED
    assert not Job.objects.filter(pk=old.pk).exists()


def test_a_long_queue_is_resent_ever_more_rarely():
    now = timezone.now()
    stale = timedelta(minutes=15)
    job = Job.objects.create(
        task_id="slow-1",
        kind="tests.jobs.note",
        args=[],
        kwargs={},
        args_hash="x",
        published_at=now - timedelta(minutes=20),
    )
    assert [j.pk for j in jobs.lost_jobs(now, stale)] == [job.pk]
    Job.objects.filter(pk=job.pk).update(republished=1)
    assert jobs.lost_jobs(now, stale) == []  # after one resend it waits 30 minutes, then 60, …
    assert [j.pk for j in jobs.lost_jobs(now + timedelta(minutes=11), stale)] == [job.pk]
    # A job queued with a countdown is not lost before its time has come (and gone, by «stale»).
    Job.objects.filter(pk=job.pk).update(republished=0, next_attempt_at=now + timedelta(hours=1))
    assert jobs.lost_jobs(now, stale) == []
    assert [j.pk for j in jobs.lost_jobs(now + timedelta(hours=1, minutes=16), stale)] == [job.pk]


def test_the_jobs_command_lists_failed_jobs_with_their_error():
    with pytest.raises(ValueError):
        broken.delay()
    note.delay("хорошо")
    from io import StringIO

    out = StringIO()
    call_command("jobs", "--failed", stdout=out)
    text = out.getvalue()
    assert "failed: 1" in text and "tests.jobs.broken" in text and "в таблице нет строки 7" in text
    assert "tests.jobs.note" not in text
    out = StringIO()
    call_command("jobs", "--sweep", stdout=out)
    assert "resent: 0" in out.getvalue()
