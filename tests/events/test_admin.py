"""Every events model has working admin pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from crm.models import Activity, ActivityVerb
from events import models
from events.services import calendar_feed_token_create, event_create, event_guest_add, reminder_create
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    models.EventCategory,
    models.Event,
    models.EventGuest,
    models.Recurrence,
    models.Reminder,
    models.MessageTemplate,
    models.CalendarFeedToken,
]


@pytest.fixture
def superuser_client(cast):
    event = event_create(
        user=cast.rep,
        fields={"subject": "Démo", "start": datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Paris"))},
        recurrence={"frequency": "daily", "count": 2},
    )
    event_guest_add(event=event, user=cast.rep, guest_user=cast.rep2)
    reminder_create(event=event, user=cast.rep, mode="before_start", duration=1, unit="hours")
    calendar_feed_token_create(user=cast.rep)
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_list_and_the_first_record_open_in_the_admin(superuser_client, model):
    opts = model._meta
    changelist = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    record = model._default_manager.order_by("pk").first()
    change = superuser_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    )
    assert (changelist.status_code, change.status_code) == (200, 200)


def test_an_admin_change_of_a_reminder_recomputes_its_due_date(superuser_client):
    reminder = models.Reminder.objects.order_by("pk").first()
    url = reverse("admin:events_reminder_change", args=[reminder.pk])
    response = superuser_client.post(
        url,
        {
            "event": reminder.event_id,
            "mode": "before_start",
            "duration": 2,
            "unit": "hours",
            "recipients": "me",
            "owner": reminder.owner_id,
        },
    )
    reminder.refresh_from_db()
    assert (response.status_code, reminder.due_at.astimezone(ZoneInfo("Europe/Paris")).hour) == (302, 7)


def test_a_broken_message_template_is_refused_in_the_admin(superuser_client):
    template = models.MessageTemplate.objects.get(name="EventReminder", language="en")
    url = reverse("admin:events_messagetemplate_change", args=[template.pk])
    response = superuser_client.post(
        url,
        {"name": template.name, "media": "email", "language": "en", "subject": "{% if %}", "body": "x"},
    )
    assert (response.status_code, models.MessageTemplate.objects.get(pk=template.pk).subject) == (
        200,
        "Reminder: {{ event.subject }}",
    )


def test_an_event_changed_in_the_admin_keeps_its_activity_trail(superuser_client):
    event = models.Event.objects.order_by("pk").first()
    url = reverse("admin:events_event_change", args=[event.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "subject": "Démo client",
            "start_0": "02/03/2026",
            "start_1": "09:00:00",
            "end_0": "02/03/2026",
            "end_1": "10:00:00",
            "guests-TOTAL_FORMS": "0",
            "guests-INITIAL_FORMS": "0",
        }
    )
    data.pop("start"), data.pop("end")
    response = superuser_client.post(url, data)
    event.refresh_from_db()
    change = (
        Activity.objects.filter(content_type__model="event", object_id=event.pk, verb=ActivityVerb.UPDATED)
        .order_by("pk")
        .last()
    )
    assert (response.status_code, event.subject, event.version, change.changes["subject"]) == (
        302,
        "Démo client",
        3,
        {"before": "Démo", "after": "Démo client"},
    )
