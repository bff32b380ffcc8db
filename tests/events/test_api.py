"""The events API (SPEC §7): CRUD through the services, visibility, Done / Cancel, recurrence, guests and
reminders. Routed here by a local URLconf until the lead engineer registers the viewsets."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from crm.models import ApiToken
from events.api import EventCategoryViewSet, EventViewSet
from events.models import Event
from events.services import event_create
from tests.factories import ContactFactory, ThirdPartyFactory

router = DefaultRouter()
router.register("events", EventViewSet, basename="event")
router.register("event-categories", EventCategoryViewSet, basename="event-category")
urlpatterns = [path("api/v1/", include(router.urls))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def api_for(user):
    _token, raw = ApiToken.issue(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages asserted in English
    return client


@pytest.fixture
def rep_api(cast):
    return api_for(cast.rep)


def create(user, subject, **fields):
    return event_create(user=user, fields={"subject": subject, "start": START, **fields})


def test_creating_an_event_prefills_its_links_and_answers_201(cast, rep_api):
    customer = ThirdPartyFactory(name="Dupain", assigned_user=cast.rep)
    contact = ContactFactory(main_third_party=customer, assigned_user=cast.rep)
    response = rep_api.post(
        "/api/v1/events/",
        {
            "subject": "Appel",
            "type": "call",
            "call_direction": "outbound",
            "start": START.isoformat(),
            "contact": contact.pk,
        },
        format="json",
    )
    body = response.json()
    assert (
        response.status_code,
        body["third_party"],
        body["status"],
        body["assigned_user"],
        body["end"],
    ) == (
        201,
        customer.pk,
        "planned",
        cast.rep.pk,
        "2026-03-02T10:00:00+01:00",
    )


def test_an_end_before_the_start_is_a_400_on_the_end_field(cast, rep_api):
    response = rep_api.post(
        "/api/v1/events/",
        {"subject": "Appel", "start": START.isoformat(), "end": (START - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"end": ["The end must not be before the start."]},
    )


def test_the_list_holds_the_visible_events_only(cast, rep_api):
    create(cast.rep, "Mine")
    create(cast.rep2, "Other team")
    create(cast.manager, "Manager private", visibility="private", team=cast.north)
    response = rep_api.get("/api/v1/events/")
    assert [row["subject"] for row in response.json()["results"]] == ["Mine"]


def test_another_teams_event_is_a_404(cast, rep_api):
    other = create(cast.rep2, "Other team")
    assert rep_api.get(f"/api/v1/events/{other.pk}/").status_code == 404


def test_related_to_points_at_a_visible_record(cast, rep_api):
    mine = create(cast.rep, "Mine")
    other = create(cast.rep2, "Other team")
    accepted = rep_api.post(
        "/api/v1/events/",
        {"subject": "Suite", "start": START.isoformat(), "related_type": "event", "related_id": mine.pk},
        format="json",
    )
    refused = rep_api.post(
        "/api/v1/events/",
        {"subject": "Suite", "start": START.isoformat(), "related_type": "event", "related_id": other.pk},
        format="json",
    )
    assert (accepted.status_code, accepted.json()["related_type"], accepted.json()["related_id"]) == (
        201,
        "event",
        mine.pk,
    )
    assert (refused.status_code, refused.json()["error"]["fields"]) == (
        400,
        {"related_id": ["No such record."]},
    )


def test_done_and_cancel_are_post_actions(cast, rep_api):
    first, second = create(cast.rep, "Un"), create(cast.rep, "Deux")
    done = rep_api.post(f"/api/v1/events/{first.pk}/done/")
    cancelled = rep_api.post(f"/api/v1/events/{second.pk}/cancel/", {}, format="json")
    again = rep_api.post(f"/api/v1/events/{first.pk}/done/")
    assert (done.json()["status"], cancelled.json()["status"], again.status_code) == (
        "done",
        "cancelled",
        409,
    )


def test_a_recurrence_creates_the_occurrences_and_a_patch_changes_the_following_ones(cast, rep_api):
    event = create(cast.rep, "Hebdo")
    response = rep_api.post(
        f"/api/v1/events/{event.pk}/recurrence/",
        {"frequency": "weekly", "weekdays": [0], "count": 3},
        format="json",
    )
    assert (response.status_code, response.json()["recurrence"]["summary"]) == (
        201,
        "Every week on Monday, 3 times",
    )
    second = Event.objects.get(occurrence_index=1)
    patched = rep_api.patch(
        f"/api/v1/events/{second.pk}/", {"location": "Lyon", "scope": "following"}, format="json"
    )
    assert patched.status_code == 200
    assert list(Event.objects.order_by("start").values_list("location", flat=True)) == ["", "Lyon", "Lyon"]


def test_an_endless_recurrence_is_a_400(cast, rep_api):
    event = create(cast.rep, "Hebdo")
    response = rep_api.post(f"/api/v1/events/{event.pk}/recurrence/", {"frequency": "daily"}, format="json")
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"end_mode": ["Choose when the recurrence ends: after a number of occurrences or on a date."]},
    )


def test_guests_and_reminders_are_added_by_post(cast, rep_api):
    event = create(cast.rep, "Démo")
    guest = rep_api.post(f"/api/v1/events/{event.pk}/guests/", {"user": cast.rep2.pk}, format="json")
    reminder = rep_api.post(
        f"/api/v1/events/{event.pk}/reminders/",
        {"mode": "before_start", "duration": 1, "unit": "days", "recipients": "everyone"},
        format="json",
    )
    detail = rep_api.get(f"/api/v1/events/{event.pk}/").json()
    assert (guest.status_code, reminder.status_code, reminder.json()["due_at"]) == (
        201,
        201,
        "2026-03-01T09:00:00+01:00",
    )
    assert ([row["user"] for row in detail["guests"]], len(detail["reminders"])) == ([cast.rep2.pk], 1)


def test_unknown_fields_are_refused(cast, rep_api):
    response = rep_api.post(
        "/api/v1/events/", {"subject": "Appel", "start": START.isoformat(), "statut": "done"}, format="json"
    )
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"statut": ["Unknown or read-only field."]},
    )


def test_the_event_categories_are_listed_by_type(cast, rep_api):
    response = rep_api.get("/api/v1/event-categories/?type=call")
    assert [row["code"] for row in response.json()["results"]] == ["CALL_PROSPECTING", "CALL_FOLLOW_UP"]


def test_a_rep_cannot_create_an_event_category(cast, rep_api):
    response = rep_api.post(
        "/api/v1/event-categories/", {"name": "X", "code": "X", "type": "call"}, format="json"
    )
    assert response.status_code == 403


def queries_to_list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/events/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_takes_a_number_of_queries_that_does_not_grow_with_the_page(cast, rep_api):
    for index in range(3):
        create(cast.rep, f"Rendez-vous {index}")
    queries_to_list(rep_api)  # the token's first use is recorded once
    with_three = queries_to_list(rep_api)
    for index in range(10):
        event = create(cast.rep, f"Autre {index}")
        event.guests.create(user=cast.rep2)
    assert queries_to_list(rep_api) == with_three
