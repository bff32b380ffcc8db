"""Reminder e-mails (SPEC §5.3): due dates, recipients, the "EventReminder" message, and sending each
due reminder exactly once, even when two workers run at the same time or a task is retried.

How "exactly once" holds: a run first *claims* due rows with one conditional UPDATE (a row already
claimed by someone else no longer matches its WHERE clause, on PostgreSQL as on SQLite), then sends
only the rows carrying its own claim token, and marks each one sent with the same statement that
releases the claim. A claim left by a worker that died is taken over after CLAIM_TIMEOUT.
"""

import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from crm.models import ActivityVerb
from crm.services.activity import activity_record

from .models import (
    Event,
    EventStatus,
    MessageTemplate,
    Reminder,
    ReminderMode,
    ReminderRecipients,
)
from .selectors import message_template_for

logger = logging.getLogger(__name__)

# Longer than any SMTP conversation of one run: a claim older than this belongs to a dead worker.
CLAIM_TIMEOUT = timedelta(minutes=15)
MAX_ATTEMPTS = 8
BATCH_SIZE = 200
# A run stops after this many batches; the next periodic run goes on.
MAX_BATCHES = 10


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0
    postponed: int = 0
    emails: int = 0


class DeliveryPostponed(Exception):
    """Nothing went out (server unreachable, template missing…): release the claim and try again later."""


def reminder_due_at(
    *,
    mode: str,
    event_start: datetime,
    at: datetime | None = None,
    duration: int | None = None,
    unit: str = "",
) -> datetime:
    return Reminder(mode=mode, at=at, duration=duration, unit=unit).compute_due_at(event_start=event_start)


def reminders_reschedule(*, events: Iterable[Event]) -> int:
    """Pending "before start" reminders follow their event when it moves; sent ones stay as they were."""
    starts = {event.pk: event.start for event in events}
    pending = list(
        Reminder.objects.filter(
            event_id__in=starts,
            mode=ReminderMode.BEFORE_START,
            sent_at__isnull=True,
            skipped_at__isnull=True,
        )
    )
    for reminder in pending:
        reminder.due_at = reminder.compute_due_at(event_start=starts[reminder.event_id])
    Reminder.objects.bulk_update(pending, ["due_at"])
    return len(pending)


def reminders_skip_pending(*, event_ids: Iterable[int], reason: str) -> int:
    return Reminder.objects.filter(
        event_id__in=list(event_ids), sent_at__isnull=True, skipped_at__isnull=True
    ).update(skipped_at=timezone.now(), last_error=reason, claimed_at=None, claim_token="")


def reminder_recipients(reminder: Reminder) -> list[Recipient]:
    """The owner ("me"), plus the guests with an e-mail address ("everyone"); each address once.

    Contacts who asked not to be e-mailed are left out.
    """
    owner = reminder.owner
    people: list[Recipient] = []
    if owner.is_active:
        people.append(Recipient(name=str(owner), email=owner.email, language=owner.language))
    if reminder.recipients == ReminderRecipients.EVERYONE:
        for guest in reminder.event.guests.all():
            if guest.user is not None and guest.user.is_active:
                user = guest.user
                people.append(Recipient(name=str(user), email=user.email, language=user.language))
            elif guest.contact is not None and not guest.contact.do_not_email:
                contact = guest.contact
                people.append(
                    Recipient(name=contact.full_name, email=contact.email, language=contact.language)
                )
    seen: set[str] = set()
    recipients = []
    for person in people:
        key = person.email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            recipients.append(person)
    return recipients


def reminder_context(*, reminder: Reminder, recipient: Recipient) -> dict[str, Any]:
    """What the "EventReminder" placeholders can show; plain values, never model instances (a template
    must not reach `event.assigned_user.password`). Call it in the recipient's language."""
    event = reminder.event
    owner = reminder.owner
    return {
        "event": {
            "subject": event.subject,
            "type": event.get_type_display(),
            "category": str(event.category or ""),
            "start": event.start,
            "end": event.end,
            "all_day": event.all_day,
            "location": event.location,
            "description": event.description,
            "third_party": str(event.third_party or ""),
            "contact": str(event.contact or ""),
            "organizer": str(event.assigned_user or ""),
        },
        "recipient": {"name": recipient.name, "email": recipient.email},
        "sender": {"name": str(owner), "email": owner.email},
    }


def reminder_messages(reminder: Reminder) -> list[tuple[Recipient, EmailMessage]]:
    """One e-mail per recipient, in their language and the CRM's time zone."""
    messages = []
    for recipient in reminder_recipients(reminder):
        template = message_template_for(name=MessageTemplate.EVENT_REMINDER, language=recipient.language)
        if template is None:
            raise DeliveryPostponed(
                gettext('The message template "%(name)s" is missing.')
                % {"name": MessageTemplate.EVENT_REMINDER}
            )
        with translation.override(recipient.language), timezone.override(timezone.get_default_timezone()):
            subject, body = template.render(reminder_context(reminder=reminder, recipient=recipient))
        reply_to = [reminder.owner.email] if reminder.owner.email else []
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            reply_to=reply_to,
        )
        messages.append((recipient, message))
    return messages


def reminders_send_due(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> SendReport:
    """Send every reminder due at `now` that nobody else is sending; safe to run concurrently."""
    now = now or timezone.now()
    report = SendReport()
    connection = get_connection()
    try:
        for _batch in range(max_batches):
            token = uuid.uuid4().hex
            claimed_ids = _claim(now=now, token=token, limit=batch_size)
            for reminder in _claimed(claimed_ids, token=token):
                _deliver(reminder, token=token, connection=connection, report=report)
            if len(claimed_ids) < batch_size:
                break
    finally:
        connection.close()
    return report


def _claimed(ids: list[int], *, token: str) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(pk__in=ids, claim_token=token)
        .select_related(
            "owner",
            "event",
            "event__category",
            "event__third_party",
            "event__contact",
            "event__assigned_user",
        )
        .prefetch_related("event__guests__user", "event__guests__contact")
        .order_by("due_at", "pk")
    )


def _claim(*, now: datetime, token: str, limit: int) -> list[int]:
    claimable = (
        Q(sent_at__isnull=True, skipped_at__isnull=True, due_at__lte=now)
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    )
    candidates = list(
        Reminder.objects.filter(claimable).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return []
    # The WHERE clause is checked again row by row under the write lock: a concurrent run that
    # claimed a row first makes it fall out of this UPDATE.
    Reminder.objects.filter(claimable, pk__in=candidates).update(claimed_at=now, claim_token=token)
    return list(Reminder.objects.filter(pk__in=candidates, claim_token=token).values_list("pk", flat=True))


def _deliver(reminder: Reminder, *, token: str, connection: Any, report: SendReport) -> None:
    try:
        if reminder.event.status == EventStatus.CANCELLED:
            _finish(reminder, token=token, skipped=True, error=gettext("The event was cancelled."))
            report.skipped += 1
            return
        messages = reminder_messages(reminder)
        if not messages:
            _finish(
                reminder,
                token=token,
                skipped=True,
                error=gettext("Nobody to send it to has an e-mail address."),
            )
            report.skipped += 1
            return
        sent_to, failures = _send(messages, connection=connection)
    except Exception as error:  # noqa: BLE001 - one broken reminder must not hold up the others
        if not isinstance(error, DeliveryPostponed | OSError):
            logger.exception("Reminder %s could not be prepared", reminder.pk)
        _postpone(reminder, token=token, error=str(error))
        report.postponed += 1
        return
    if not sent_to:
        # Every address was refused by the server: trying again would not help.
        _finish(reminder, token=token, skipped=True, error="; ".join(failures))
        report.skipped += 1
        return
    _finish(reminder, token=token, skipped=False, error="; ".join(failures), sent_to=sent_to)
    report.sent += 1
    report.emails += len(sent_to)


def _send(messages: list[tuple[Recipient, EmailMessage]], *, connection: Any) -> tuple[list[str], list[str]]:
    """Send one by one; postpone if nothing went out, never resend to an address that got it."""
    sent_to: list[str] = []
    failures: list[str] = []
    for recipient, message in messages:
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as error:
            failures.append(f"{recipient.email}: {error}")
        except OSError as error:  # the server went away (SMTPException is an OSError)
            if not sent_to:
                raise DeliveryPostponed(str(error)) from error
            failures.append(f"{recipient.email}: {error}")
            break
        else:
            sent_to.append(recipient.email)
    return sent_to, failures


def _finish(
    reminder: Reminder, *, token: str, skipped: bool, error: str = "", sent_to: list[str] | None = None
) -> None:
    """Mark the reminder sent (or skipped) and release the claim in one statement."""
    moment = timezone.now()
    outcome = {"skipped_at": moment} if skipped else {"sent_at": moment}
    with transaction.atomic():
        updated = Reminder.objects.filter(pk=reminder.pk, claim_token=token).update(
            claimed_at=None, claim_token="", attempts=F("attempts") + 1, last_error=error, **outcome
        )
        if not updated:
            logger.warning("Reminder %s: the claim was taken over while sending", reminder.pk)
            return
        if sent_to:
            activity_record(
                record=reminder.event,
                actor=None,
                verb=ActivityVerb.EMAIL_SENT,
                message=gettext("Reminder sent to %(recipients)s") % {"recipients": ", ".join(sent_to)},
            )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4… minutes after the 1st, 2nd, 3rd… failure, at most an hour."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=1))


def _postpone(reminder: Reminder, *, token: str, error: str) -> None:
    """Release the claim for a later run, with a growing delay; give up (skip) after MAX_ATTEMPTS."""
    attempts = reminder.attempts + 1
    moment = timezone.now()
    values: dict[str, Any] = {"claimed_at": None, "claim_token": "", "attempts": F("attempts") + 1}
    if attempts >= MAX_ATTEMPTS:
        values["skipped_at"] = moment
    else:
        values["retry_at"] = moment + retry_delay(attempts)
    Reminder.objects.filter(pk=reminder.pk, claim_token=token).update(last_error=error[:2000], **values)
