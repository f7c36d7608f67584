"""The Celery application; tasks are discovered in every installed app's tasks.py."""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

# Every task is a schools.jobs.JobTask: recorded in the job table, claimed once, retried on transient errors.
app = Celery("mentoring", task_cls="schools.jobs:JobTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def scrub_worker_logs(logger: logging.Logger, **kwargs: object) -> None:
    """The worker sets up its own log handlers: they mask secrets like the web process's (LOGGING)."""
    from mentoring.log_filters import ScrubSecretsFilter

    for handler in logger.handlers:
        if not any(isinstance(f, ScrubSecretsFilter) for f in handler.filters):
            handler.addFilter(ScrubSecretsFilter())
