"""The Celery application; tasks are discovered in every installed app's tasks.py."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

# Every task is a schools.jobs.JobTask: recorded in the job table, claimed once, retried on transient errors.
app = Celery("mentoring", task_cls="schools.jobs:JobTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
