"""Background jobs of events: thin shells over the services."""

from celery import shared_task

from .reminders import reminders_send_due


@shared_task
def send_due_reminders() -> int:
    """Periodic (every minute, django-celery-beat): e-mail the reminders that are due, each once."""
    return reminders_send_due().sent
