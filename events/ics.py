"""The ICS feed (RFC 5545) a calendar application subscribes to: one VEVENT per event."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from crm.models import User

from .models import Event, EventStatus, EventVisibility

PRODUCT_ID = "-//CRM//Events//FR"


def event_uid(event: Event) -> str:
    """Stable for the life of the event, so that a subscribed calendar updates it instead of duplicating it."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "crm.invalid"
    return f"event-{event.pk}@{domain}"


def calendar_for(*, user: User, events: Iterable[Event]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"CRM – {user}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        calendar.add_component(calendar_event(event))
    calendar.add_missing_timezones()
    return calendar


def calendar_event(event: Event) -> CalendarEvent:
    zone = timezone.get_default_timezone()
    item = CalendarEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", max(event.version - 1, 0))
    if event.all_day:
        first_day = timezone.localtime(event.start, zone).date()
        last_day = timezone.localtime(event.end, zone).date()
        item.add("dtstart", first_day)
        item.add("dtend", max(last_day, first_day) + timedelta(days=1))  # DTEND of a date is exclusive
    else:
        item.add("dtstart", timezone.localtime(event.start, zone))
        item.add("dtend", timezone.localtime(event.end, zone))
    item.add("summary", event.subject)
    if event.location:
        item.add("location", event.location)
    description = "\n".join(
        part for part in (str(event.third_party or ""), str(event.contact or ""), event.description) if part
    )
    if description:
        item.add("description", description)
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    item.add("class", "PRIVATE" if event.visibility == EventVisibility.PRIVATE else "PUBLIC")
    return item
