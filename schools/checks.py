"""System checks that catch a production configuration that would quietly misbehave."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_broker_configured(app_configs, **kwargs) -> list[Warning]:
    """Without a broker Celery runs jobs eagerly, inside the web request that queued them."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return [
            Warning(
                "CELERY_BROKER_URL is not set: background jobs (reports, documents, e-mail) would run "
                "inside web requests.",
                hint="Set CELERY_BROKER_URL to the Redis broker, e.g. redis://redis:6379/0.",
                id="nastavnik.W001",
            )
        ]
    return []
