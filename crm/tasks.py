"""Background jobs of the core: thin shells over Django and the services."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.utils import timezone


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def deliver_email(*, subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    """Send one e-mail through the configured SMTP server, retrying while the server is unreachable."""
    EmailMessage(subject=subject, body=body, to=to, from_email=from_email).send()


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
