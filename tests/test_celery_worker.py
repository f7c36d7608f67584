"""Jobs through a real Celery worker process and the Redis broker (not eager mode).

Runs when CELERY_BROKER_URL is set and the database is one a second process can reach
(PostgreSQL); CI sets both. In CI a missing broker is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from mentoring.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot reach the in-memory SQLite test database")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A celery worker subprocess on its own queue, using the test database."""
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
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--include=tests.worker_tasks",
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
        yield {"proc": proc, "mail_dir": mail_dir, "log": tmp_path / "worker.log"}
    finally:
        celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_password_reset_mail_is_sent_by_the_worker(client, world, worker):
    user = world.a.users["curator"]
    response = client.post(reverse("accounts:password-reset"), {"email": user.email})
    assert response.status_code == 302
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = list(worker["mail_dir"].glob("*.log")) if worker["mail_dir"].exists() else []
        if files:
            break
        time.sleep(0.3)
    else:
        pytest.fail("no mail from the worker:\n" + worker["log"].read_text())
    text = files[0].read_text(encoding="utf-8")
    assert user.email in text
    assert "/accounts/password/reset/" in text


def test_a_scoped_job_in_the_worker_sees_only_its_schools(world, worker):
    from tests.worker_tasks import staff_names

    result = staff_names.delay(scope_school_ids=[world.a.school.pk])
    assert result.get(timeout=60) == [world.a.marker]
    both = staff_names.delay(scope_school_ids=[world.a.school.pk, world.c.school.pk])
    assert both.get(timeout=60) == sorted([world.a.marker, world.c.marker])
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    """One MEDIA_ROOT for the test and the worker it starts (the worker reads DJANGO_MEDIA_ROOT)."""
    media = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def media_worker(shared_media, worker):
    return worker


def test_a_document_is_rendered_to_pdf_by_the_worker_in_its_schools_scope(world, media_worker):
    from django_scopes import scopes_disabled

    from programs.models import DocumentRendering, RenderStatus
    from programs.services import document_files
    from tests.test_documents_workflow import draft_pairs_order, ready_pair

    document = draft_pairs_order(world, [ready_pair(world, last_name="Воркерова")])
    with scopes_disabled():
        row = document_files.request_rendering(document, "pdf", world.a.users["curator"])  # queued on commit
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            row = DocumentRendering.objects.get(pk=row.pk)
            if row.status in (RenderStatus.DONE, RenderStatus.FAILED):
                break
            time.sleep(0.3)
        else:
            pytest.fail("the worker did not render the document:\n" + media_worker["log"].read_text())
        assert (row.status, row.error) == (RenderStatus.DONE, ""), media_worker["log"].read_text()
        blob = document_files.read_file(row)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=blob, capture_output=True, check=True
    ).stdout.decode()
    assert "Воркерова" in text and "ПРОЕКТ" in text
