"""Reminders (SPEC §5.3): due dates, the "EventReminder" e-mail, recipients, and sending each reminder
exactly once, also when runs overlap or are retried."""

import smtplib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.db import connection
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from crm.models import Activity, ActivityVerb
from events.models import MessageTemplate, Reminder, ReminderMode, ReminderRecipients
from events.reminders import CLAIM_TIMEOUT, MAX_ATTEMPTS, reminders_send_due
from events.services import event_cancel, event_create, event_guest_add, reminder_create, reminder_delete
from events.tasks import send_due_reminders
from tests.factories import ContactFactory, ThirdPartyFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
AFTER_START = START + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner(cast):
    cast.rep.first_name, cast.rep.last_name, cast.rep.language = "Paul", "Girard", "en"
    cast.rep.save()
    return cast.rep


@pytest.fixture
def event(owner):
    customer = ThirdPartyFactory(name="Boulangerie Dupain")
    fields = {"subject": "Démo produit", "start": START, "location": "Lyon", "third_party": customer}
    return event_create(user=owner, fields=fields)


def remind(event, user, **options):
    values = {"mode": ReminderMode.BEFORE_START, "duration": 15, "unit": "minutes", **options}
    return reminder_create(event=event, user=user, **values)


def recipients_of(outbox):
    return sorted(address for message in outbox for address in message.to)


# due dates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("duration", "unit", "due"),
    [
        (30, "minutes", datetime(2026, 3, 2, 8, 30, tzinfo=PARIS)),
        (2, "hours", datetime(2026, 3, 2, 7, 0, tzinfo=PARIS)),
        (3, "days", datetime(2026, 2, 27, 9, 0, tzinfo=PARIS)),
        (1, "weeks", datetime(2026, 2, 23, 9, 0, tzinfo=PARIS)),
    ],
)
def test_a_before_start_reminder_is_due_that_long_before_the_start(event, owner, duration, unit, due):
    assert remind(event, owner, duration=duration, unit=unit).due_at == due


@pytest.mark.django_db
def test_an_at_date_reminder_is_due_at_its_date(event, owner):
    at = datetime(2026, 2, 20, 14, 0, tzinfo=PARIS)
    assert remind(event, owner, mode=ReminderMode.AT_DATE, at=at, duration=None, unit="").due_at == at


@pytest.mark.django_db
def test_a_before_start_reminder_needs_a_duration_and_a_unit(event, owner):
    with pytest.raises(ValidationError) as refused:
        remind(event, owner, duration=None, unit="fortnights")
    assert refused.value.message_dict == {
        "duration": ["Choose how long before the start."],
        "unit": ["Choose minutes, hours, days or weeks."],
    }


@pytest.mark.django_db
def test_a_removed_reminder_is_never_sent(event, owner):
    reminder_delete(reminder=remind(event, owner), user=owner)
    assert (reminders_send_due(now=AFTER_START).sent, mail.outbox) == (0, [])


# sending


@pytest.mark.django_db
def test_a_reminder_is_not_sent_before_it_is_due(event, owner):
    remind(event, owner)
    assert (reminders_send_due(now=START - timedelta(minutes=16)).sent, len(mail.outbox)) == (0, 0)


@pytest.mark.django_db
def test_a_due_reminder_is_sent_to_its_owner_with_the_event_reminder_template(event, owner):
    remind(event, owner)
    report = reminders_send_due(now=START - timedelta(minutes=15))
    [message] = mail.outbox
    assert (report.sent, message.to, message.reply_to, message.subject, message.body) == (
        1,
        [owner.email],
        [owner.email],
        "Reminder: Démo produit",
        "Hello Paul Girard,\n\n"
        "This is a reminder of “Démo produit” (meeting) on March 2, 2026, 9 a.m., at Lyon.\n\n"
        "Third party: Boulangerie Dupain\n\n"
        "Best regards,\nPaul Girard",
    )


@pytest.mark.django_db
def test_calling_it_twice_sends_one_email(event, owner):
    reminder = remind(event, owner)
    first, second = reminders_send_due(now=AFTER_START), reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (first.sent, second.sent, len(mail.outbox), reminder.attempts, reminder.claim_token) == (
        1,
        0,
        1,
        1,
        "",
    )


@pytest.mark.django_db
def test_a_retried_periodic_task_sends_nothing_twice(event, owner):
    remind(event, owner, duration=1, unit="weeks")
    assert (send_due_reminders(), send_due_reminders(), len(mail.outbox)) == (1, 0, 1)


@pytest.mark.django_db
def test_a_reminder_claimed_by_a_running_worker_is_left_to_it(event, owner):
    reminder = remind(event, owner)
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=AFTER_START, claim_token="other-worker")
    assert (reminders_send_due(now=AFTER_START + CLAIM_TIMEOUT).sent, len(mail.outbox)) == (0, 0)


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over(event, owner):
    reminder = remind(event, owner)
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=AFTER_START, claim_token="dead-worker")
    later = AFTER_START + CLAIM_TIMEOUT + timedelta(seconds=1)
    assert (reminders_send_due(now=later).sent, len(mail.outbox)) == (1, 1)


@pytest.mark.django_db
def test_a_cancelled_event_sends_no_reminder_and_its_reminder_is_skipped(event, owner):
    reminder = remind(event, owner)
    event_cancel(event=event, user=owner)
    report = reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (report.sent, mail.outbox, reminder.sent_at, reminder.skipped_at is not None) == (
        0,
        [],
        None,
        True,
    )


@pytest.mark.django_db
def test_a_reminder_of_an_event_cancelled_behind_the_services_back_is_skipped_at_sending(event, owner):
    reminder = remind(event, owner)
    type(event).objects.filter(pk=event.pk).update(status="cancelled")
    report = reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (report.skipped, mail.outbox, reminder.last_error) == (1, [], "The event was cancelled.")


@pytest.mark.django_db
def test_everyone_means_the_owner_and_each_guest_with_an_email_once(event, owner, cast):
    guest_user = UserFactory(username="julie", email="julie@example.fr")
    event_guest_add(event=event, user=owner, guest_user=guest_user)
    event_guest_add(event=event, user=owner, guest_contact=ContactFactory(email="lea@client.fr"))
    event_guest_add(event=event, user=owner, guest_contact=ContactFactory(email=""))
    event_guest_add(
        event=event, user=owner, guest_contact=ContactFactory(email="refuse@client.fr", do_not_email=True)
    )
    event_guest_add(event=event, user=owner, guest_contact=ContactFactory(email=owner.email.upper()))
    remind(event, owner, recipients=ReminderRecipients.EVERYONE)
    reminders_send_due(now=AFTER_START)
    assert recipients_of(mail.outbox) == ["julie@example.fr", "lea@client.fr", owner.email]


@pytest.mark.django_db
def test_me_means_the_owner_only(event, owner):
    event_guest_add(event=event, user=owner, guest_contact=ContactFactory(email="lea@client.fr"))
    remind(event, owner, recipients=ReminderRecipients.ME)
    reminders_send_due(now=AFTER_START)
    assert recipients_of(mail.outbox) == [owner.email]


@pytest.mark.django_db
def test_each_recipient_gets_the_template_of_their_language(event, owner):
    event_guest_add(
        event=event, user=owner, guest_contact=ContactFactory(email="lea@client.fr", language="fr")
    )
    remind(event, owner, recipients=ReminderRecipients.EVERYONE)
    reminders_send_due(now=AFTER_START)
    assert sorted((message.to[0], message.subject) for message in mail.outbox) == [
        ("lea@client.fr", "Rappel : Démo produit"),
        (owner.email, "Reminder: Démo produit"),
    ]


@pytest.mark.django_db
def test_a_sent_reminder_is_recorded_on_the_event(event, owner):
    remind(event, owner)
    reminders_send_due(now=AFTER_START)
    assert list(event.reminders.values_list("last_error", flat=True)) == [""]
    assert Activity.objects.filter(verb=ActivityVerb.EMAIL_SENT, object_id=event.pk).get().message == (
        f"Reminder sent to {owner.email}"
    )


class UnreachableServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused")


class RefusingLea(MemoryBackend):
    def send_messages(self, messages):
        if any("lea@client.fr" in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({"lea@client.fr": (550, b"No such user")})
        return super().send_messages(messages)


@pytest.mark.django_db
def test_an_unreachable_server_postpones_the_reminder_with_a_growing_delay(event, owner, settings):
    reminder = remind(event, owner)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    report = reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (
        report.postponed,
        reminder.sent_at,
        reminder.attempts,
        reminder.last_error,
        reminder.claim_token,
    ) == (
        1,
        None,
        1,
        "Connection refused",
        "",
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send_due(now=AFTER_START).sent == 0  # waiting for its retry time
    assert reminders_send_due(now=reminder.retry_at).sent == 1


@pytest.mark.django_db
def test_a_reminder_that_keeps_failing_is_given_up(event, owner, settings):
    reminder = remind(event, owner)
    Reminder.objects.filter(pk=reminder.pk).update(attempts=MAX_ATTEMPTS - 1)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.skipped_at is not None, reminder.sent_at) == (
        MAX_ATTEMPTS,
        True,
        None,
    )


@pytest.mark.django_db
def test_a_refused_address_does_not_resend_to_the_others(event, owner, settings):
    event_guest_add(event=event, user=owner, guest_contact=ContactFactory(email="lea@client.fr"))
    reminder = remind(event, owner, recipients=ReminderRecipients.EVERYONE)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingLea"
    reminders_send_due(now=AFTER_START)
    reminders_send_due(now=AFTER_START + timedelta(hours=2))
    reminder.refresh_from_db()
    assert (
        recipients_of(mail.outbox),
        reminder.sent_at is not None,
        reminder.last_error.startswith("lea@"),
    ) == (
        [owner.email],
        True,
        True,
    )


@pytest.mark.django_db
def test_a_missing_template_postpones_the_reminder(event, owner):
    reminder = remind(event, owner)
    MessageTemplate.objects.filter(name="EventReminder").delete()
    reminders_send_due(now=AFTER_START)
    reminder.refresh_from_db()
    assert (mail.outbox, reminder.attempts, reminder.last_error) == (
        [],
        1,
        'The message template "EventReminder" is missing.',
    )


@pytest.mark.django_db
def test_the_periodic_task_runs_every_minute():
    task = PeriodicTask.objects.get(task="events.tasks.send_due_reminders")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")


# two workers at the same time


def run_concurrently(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_time_send_each_reminder_exactly_once(cast):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's test database is one in-memory file shared by threads: no real concurrency")
    events = [
        event_create(user=cast.rep, fields={"subject": f"Rendez-vous {index}", "start": START})
        for index in range(30)
    ]
    for event in events:
        remind(event, cast.rep)
    errors = run_concurrently(4, lambda: reminders_send_due(now=AFTER_START))
    assert errors == []
    assert sorted(message.subject for message in mail.outbox) == sorted(
        f"Rappel : Rendez-vous {index}" for index in range(30)
    )
    assert Reminder.objects.filter(sent_at__isnull=False, attempts=1).count() == 30


@pytest.mark.django_db
def test_a_run_goes_through_every_due_reminder_batch_after_batch(event, owner):
    for _ in range(5):
        remind(event, owner)
    report = reminders_send_due(now=AFTER_START, batch_size=2)
    assert (report.sent, len(mail.outbox), Reminder.objects.filter(sent_at__isnull=True).count()) == (5, 5, 0)
