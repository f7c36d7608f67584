"""Background jobs of the schools app: e-mail, and the sweep of the job table."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from schools import jobs


@shared_task(
    name="schools.send_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    # The body may hold a password-reset link: it never goes into the job table.
    keep_job_args=False,
)
def send_email(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Send one e-mail outside the request, retrying while the mail server is unreachable."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@shared_task(name="schools.sweep_jobs", max_retries=0)
def sweep_jobs() -> dict[str, int]:
    """Resend the jobs the broker lost and forget old finished ones (beat, every five minutes)."""
    return jobs.sweep()
