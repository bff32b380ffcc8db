"""The per-user ICS feed (SPEC §5.1): a secret address, exactly the user's events, parseable by any
calendar application; a revoked or unknown token is a 404."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from crm.workflow import WorkflowRefused
from events.models import CalendarFeedToken
from events.services import (
    calendar_feed_token_create,
    calendar_feed_token_revoke,
    calendar_feed_token_rotate,
    event_cancel,
    event_create,
    event_guest_add,
)

pytestmark = pytest.mark.django_db


def soon(days=1, hour=9):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def create(user, subject, **fields):
    return event_create(user=user, fields={"subject": subject, "start": soon(), **fields})


def feed(raw_token):
    return Client().get(reverse("event_calendar_feed", args=[raw_token]))


def parsed(response):
    return Calendar.from_ical(response.content)


def summaries(response):
    return sorted(str(item["SUMMARY"]) for item in parsed(response).walk("VEVENT"))


@pytest.fixture
def raw(cast):
    return calendar_feed_token_create(user=cast.rep)[1]


def test_the_feed_answers_without_a_login_as_text_calendar(cast, raw):
    response = feed(raw)
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")


def test_the_feed_holds_exactly_the_users_events(cast, raw):
    create(cast.rep, "Mine")
    create(cast.rep, "My private", visibility="private")
    invited = create(cast.rep2, "Invited by rep2")
    event_guest_add(event=invited, user=cast.rep2, guest_user=cast.rep)
    create(cast.rep2, "Not mine")
    create(cast.manager, "Teammate's private", visibility="private", team=cast.north)
    create(cast.manager, "Teammate's public", team=cast.north)
    create(cast.rep, "Too old", start=soon(days=-91), end=soon(days=-91, hour=10))
    create(cast.rep, "Too far", start=soon(days=366))
    assert summaries(feed(raw)) == ["Invited by rep2", "Mine", "My private"]


def test_an_event_carries_a_stable_uid_its_times_in_the_local_time_zone_and_its_status(cast, raw):
    start = soon(days=2, hour=14)
    event = create(cast.rep, "Démo", start=start, location="Lyon", description="Apporter la démo")
    event_cancel(event=event, user=cast.rep)
    [item] = parsed(feed(raw)).walk("VEVENT")
    assert (
        str(item["UID"]),
        item.decoded("DTSTART"),
        item["DTSTART"].params["TZID"],
        item.decoded("DTEND") - item.decoded("DTSTART"),
        str(item["LOCATION"]),
        str(item["DESCRIPTION"]),
        str(item["STATUS"]),
        item.decoded("LAST-MODIFIED") is not None,
    ) == (
        f"event-{event.pk}@localhost",
        start,
        "Europe/Paris",
        timedelta(hours=1),
        "Lyon",
        "Apporter la démo",
        "CANCELLED",
        True,
    )
    assert [str(zone["TZID"]) for zone in parsed(feed(raw)).walk("VTIMEZONE")] == ["Europe/Paris"]


def test_an_all_day_event_is_a_date_with_an_exclusive_end(cast, raw):
    first_day = soon(days=3, hour=0)
    create(cast.rep, "Salon", all_day=True, start=first_day, end=first_day + timedelta(days=1, hours=23))
    [item] = parsed(feed(raw)).walk("VEVENT")
    assert (item.decoded("DTSTART"), item.decoded("DTEND"), item["DTSTART"].params.get("VALUE")) == (
        first_day.date(),
        first_day.date() + timedelta(days=2),
        "DATE",
    )
    assert isinstance(item.decoded("DTSTART"), date)


def test_a_planned_event_is_confirmed(cast, raw):
    create(cast.rep, "Mine")
    [item] = parsed(feed(raw)).walk("VEVENT")
    assert str(item["STATUS"]) == "CONFIRMED"


def test_an_unknown_token_is_a_404(cast):
    assert feed("not-a-token").status_code == 404


def test_a_revoked_token_is_a_404(cast, raw):
    assert calendar_feed_token_revoke(user=cast.rep) == 1
    assert feed(raw).status_code == 404


def test_the_token_of_an_inactive_user_is_a_404(cast, raw):
    cast.rep.is_active = False
    cast.rep.save()
    assert feed(raw).status_code == 404


def test_rotating_the_token_gives_a_new_address_and_closes_the_old_one(cast, raw):
    _token, new_raw = calendar_feed_token_rotate(user=cast.rep)
    assert (feed(raw).status_code, feed(new_raw).status_code) == (404, 200)


def test_only_the_hash_of_the_token_is_stored(cast, raw):
    token = CalendarFeedToken.objects.get(user=cast.rep)
    assert (raw in token.key_hash, token.prefix == raw[:6], len(raw) >= 40) == (False, True, True)


def test_a_second_active_token_is_refused(cast, raw):
    with pytest.raises(WorkflowRefused):
        calendar_feed_token_create(user=cast.rep)


def test_the_feed_records_its_last_use(cast, raw):
    feed(raw)
    assert CalendarFeedToken.objects.get(user=cast.rep).last_used_at is not None


def statements(queries):
    """The SQL that reads or writes data (not the savepoints of ATOMIC_REQUESTS)."""
    return [
        query["sql"].split()[0] for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_the_feed_takes_a_constant_number_of_queries(cast, raw):
    for index in range(10):
        create(cast.rep, f"Rendez-vous {index}")
    with CaptureQueriesContext(connection) as queries:
        response = feed(raw)
    # the token, its last use, the events
    assert (statements(queries), len(summaries(response))) == (["SELECT", "UPDATE", "SELECT"], 10)
