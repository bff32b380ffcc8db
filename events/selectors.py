"""Reads on events, always through crm.visibility, plus the private-event rule of the calendar.

A private event is seen by its assigned user and its guests only: not by their team, their manager
or an admin browsing the calendar. A guest sees the events they are invited to.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from crm.models import Contact, ThirdParty, User
from crm.visibility import visible_records
from leads.models import Lead
from opportunities.models import Opportunity

from .models import CalendarFeedToken, Event, EventGuest, EventVisibility, MessageTemplate, hash_feed_token

FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=365)
LIST_RELATED = ("category", "assigned_user", "team", "third_party", "contact", "lead", "opportunity")


def events_visible(*, user: User) -> QuerySet[Event]:
    """Every event the user may see: the record visibility rule, minus others' private events, plus
    the events they are a guest of. One query, no duplicates."""
    if not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    not_private_to_others = Q(visibility=EventVisibility.PUBLIC) | Q(assigned_user=user.pk)
    by_rule = visible_records(Event.objects.all(), user=user).filter(not_private_to_others)
    return by_rule | Event.objects.filter(_is_guest(user))


def _is_guest(user: User) -> Exists:
    return Exists(EventGuest.objects.filter(event=OuterRef("pk"), user=user.pk))


def event_list(
    *,
    user: User,
    starts_before: datetime | None = None,
    ends_after: datetime | None = None,
    mine: bool = False,
) -> QuerySet[Event]:
    """Visible events overlapping [ends_after, starts_before] (a calendar page), in start order."""
    events = events_visible(user=user)
    if starts_before is not None:
        events = events.filter(start__lt=starts_before)
    if ends_after is not None:
        events = events.filter(end__gt=ends_after)
    if mine:
        events = events.filter(Q(assigned_user=user.pk) | _is_guest(user))
    return events.select_related(*LIST_RELATED).order_by("start", "pk")


def event_detail(*, user: User, pk: int) -> Event:
    """The event if the user may see it; raises Event.DoesNotExist otherwise."""
    return (
        events_visible(user=user)
        .select_related(*LIST_RELATED, "company", "recurrence", "related_content_type")
        .prefetch_related("guests__user", "guests__contact", "reminders")
        .get(pk=pk)
    )


LINK_OF = {ThirdParty: "third_party", Contact: "contact", Lead: "lead", Opportunity: "opportunity"}


def events_of_record(*, user: User, record: Model) -> QuerySet[Event]:
    """The Events tab of a lead, third party, contact or opportunity (or of any record they relate to)."""
    link = LINK_OF.get(type(record))
    if link is not None:
        condition = Q(**{link: record.pk})
    else:
        condition = Q(
            related_content_type=ContentType.objects.get_for_model(record), related_object_id=record.pk
        )
    return events_visible(user=user).filter(condition).select_related(*LIST_RELATED).order_by("-start", "-pk")


def events_for_feed(*, user: User, now: datetime | None = None) -> QuerySet[Event]:
    """The user's own calendar: events assigned to them or where they are a guest, starting from 90 days
    back to a year ahead."""
    now = now or timezone.now()
    window = {"start__gte": now - FEED_PAST, "start__lt": now + FEED_FUTURE}
    # A union of two index-driven lookups rather than an OR that would scan every event of the window.
    assigned = Event.objects.filter(assigned_user=user.pk, **window).order_by().values("pk")
    invited = (
        EventGuest.objects.filter(user=user.pk, **{f"event__{name}": value for name, value in window.items()})
        .order_by()
        .values("event_id")
    )
    return (
        Event.objects.filter(pk__in=assigned.union(invited))
        .select_related("third_party", "contact")
        .order_by("start", "pk")
    )


def calendar_feed_token_find(*, raw_token: str) -> CalendarFeedToken | None:
    """The unrevoked feed token of an active user that `raw_token` is the secret of, or None."""
    return (
        CalendarFeedToken.objects.filter(
            key_hash=hash_feed_token(raw_token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )


def message_template_for(*, name: str, language: str) -> MessageTemplate | None:
    """The template in `language`, else in French (the product's first language), else any."""
    templates = {template.language: template for template in MessageTemplate.objects.filter(name=name)}
    return templates.get(language) or templates.get("fr") or next(iter(templates.values()), None)
