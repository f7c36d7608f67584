"""The morning reminders through a real Celery worker: two copies of the job at once, nothing twice.

Same conditions as tests/test_celery_worker.py (a broker in CELERY_BROKER_URL, PostgreSQL); the
worker here is a prefork pool of two processes, so the two queued jobs really run side by side.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from mentoring.celery import app as celery_app
from programs.models import ConsentKind, Notification, NotificationPreference, PairStatus
from programs.services import reminders
from programs.tasks import send_daily_reminders
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.factories import UserFactory
from tests.test_celery_worker import _database_url
from tests.test_reminders import TODAY, _activity, _pair, _program

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def prefork_worker(tmp_path):
    """A celery worker with two prefork processes on its own queue, using the test database."""
    if not os.environ.get("CELERY_BROKER_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-worker tests: CELERY_BROKER_URL is not set")
        pytest.skip("CELERY_BROKER_URL is not set")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        C_FORCE_ROOT="1",
    )
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield {"proc": proc, "mail_dir": mail_dir, "log": log_path}
    finally:
        celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _data(world) -> None:
    """Every kind of reminder in schools A and C, several pairs each, one user who wants no letters."""
    for place in (world.a, world.c):
        school = place.school
        for _i in range(3):
            pair = _pair(
                school,
                mentor_user=place.users["mentor"],
                mentee_users=[UserFactory(), None],
                order_date=TODAY - timedelta(days=5),
            )
            program = _program(pair, end=TODAY + timedelta(days=14))
            _activity(program, TODAY + timedelta(days=3))
            _activity(program, TODAY - timedelta(days=2))
        draft = _pair(school, status=PairStatus.DRAFT, created_on=TODAY - timedelta(days=9))
        with scopes_disabled():
            f.consent(draft.mentor, ConsentKind.MENTOR)
        _pair(school, status=PairStatus.FIXED, order_date=TODAY - timedelta(days=45))
    NotificationPreference.objects.create(user=world.c.users["curator"], email_enabled=False)


def _letters(mail_dir: Path) -> list[str]:
    """Recipients of every letter the worker wrote (the file backend appends letters to files)."""
    if not mail_dir.exists():
        return []
    to = re.compile(r"^To: (.+)$", re.MULTILINE)
    return [m for path in sorted(mail_dir.iterdir()) for m in to.findall(path.read_text(encoding="utf-8"))]


def test_two_concurrent_morning_jobs_notify_and_mail_each_event_once(world, prefork_worker):
    _data(world)
    with school_scope([world.a.school.pk, world.b.school.pk, world.c.school.pk]):
        expected = {(r.user_id, r.event_key) for r in reminders.collect_reminders(TODAY)}
    assert {r.split(":")[0] for _u, r in expected} == {
        "activity-due",
        "activity-overdue",
        "program-ending",
        "pair-consents",
        "pair-no-program",
    }

    jobs = [
        send_daily_reminders.delay(today=TODAY.isoformat(), batch_size=1, scope_school_ids=None)
        for _ in range(2)
    ]
    try:
        results = [job.get(timeout=120) for job in jobs]
    except Exception:  # pragma: no cover - shows the worker's log on failure
        pytest.fail("the reminder jobs failed:\n" + prefork_worker["log"].read_text())

    with scopes_disabled():
        stored = list(Notification.objects.values_list("user_id", "event_key", "emailed_at", "user__email"))
        wants_mail = {
            (user_id, key): email
            for user_id, key, _at, email in stored
            if email and user_id != world.c.users["curator"].pk
        }
    assert len(stored) == len(expected)
    assert {(u, k) for u, k, _at, _e in stored} == expected
    assert {(u, k) for u, k, at, _e in stored if at is not None} == set(wants_mail)
    assert sum(r["emailed"] for r in results) == len(wants_mail)
    assert Counter(_letters(prefork_worker["mail_dir"])) == Counter(wants_mail.values())
    log = prefork_worker["log"].read_text()
    assert log.count("programs.send_daily_reminders") >= 4, log  # both jobs received and succeeded
