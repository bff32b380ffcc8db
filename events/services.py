"""Writes on events (SPEC §2.4, §5): create (links prefilled from a record), update one occurrence or
the following ones, done / cancel, recurrences, guests, reminders, calendar feed tokens.

Every write is atomic and leaves Activity on the event and, as an "event" entry, on the records it
is linked to (lead, third party, contact, opportunity, related record).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, Contact, ThirdParty, User
from crm.services.activity import activity_record, diff, snapshot
from crm.services.records import bump_version, record_create, record_update
from crm.workflow import WorkflowRefused, run_transition, save_after_transition
from leads.models import Lead
from opportunities.models import Opportunity, Quote

from .models import (
    CalendarFeedToken,
    Event,
    EventGuest,
    EventStatus,
    EventType,
    GuestResponse,
    Recurrence,
    RecurrenceEnd,
    RecurrenceFrequency,
    Reminder,
    ReminderMode,
    ReminderRecipients,
    ReminderUnit,
)
from .recurrence import recurrence_occurrences, shift_wall_clock, wall_clock_delta
from .reminders import reminder_due_at, reminders_reschedule, reminders_skip_pending

DEFAULT_DURATION = timedelta(hours=1)
LINK_FIELDS = ("third_party", "contact", "lead", "opportunity")
# Set by the services themselves, never through `fields`.
SERVICE_FIELDS = {
    "status",
    "recurrence",
    "occurrence_index",
    "version",
    "locked_fields",
    "created_at",
    "updated_at",
}
# Columns an occurrence copies from the event that starts its series.
NOT_COPIED = {"id", "status", "start", "end", "occurrence_index", "version", "created_at", "updated_at"}


class EditScope(StrEnum):
    """Which occurrences of a recurring event a change applies to."""

    THIS = "this"
    FOLLOWING = "following"


# Links ---------------------------------------------------------------------------------------------


def links_from_record(record: Model) -> dict[str, Any]:
    """The links an event created from `record` gets (SPEC §5.1: "links prefilled")."""
    if isinstance(record, Lead):
        return {
            "lead": record,
            "third_party": record.converted_third_party,
            "contact": record.converted_contact,
            "company": record.company,
        }
    if isinstance(record, Contact):
        return {"contact": record, "third_party": record.main_third_party}
    if isinstance(record, ThirdParty):
        return {"third_party": record}
    if isinstance(record, Opportunity):
        return {
            "opportunity": record,
            "third_party": record.third_party,
            "contact": record.contact,
            "company": record.company,
        }
    if isinstance(record, Quote):
        return {
            "related_to": record,
            "opportunity": record.opportunity,
            "third_party": record.third_party,
            "contact": record.opportunity.contact,
            "company": record.company,
        }
    if isinstance(record, Event):
        return {
            "related_to": record,
            **{name: getattr(record, name) for name in (*LINK_FIELDS, "company")},
        }
    return {"related_to": record}


def _prefilled(fields: dict[str, Any], origin: Model | None) -> dict[str, Any]:
    """Fill the links the caller left empty from the origin record, then from the links given."""
    result = dict(fields)
    sources = [origin] if origin is not None else []
    sources += [result[name] for name in ("opportunity", "lead", "contact") if result.get(name) is not None]
    for source in sources:
        for name, value in links_from_record(source).items():
            if value is not None and result.get(name) is None:
                result[name] = value
    return result


def _linked_records(event: Event) -> list[Model]:
    records: list[Model] = [getattr(event, name) for name in LINK_FIELDS if getattr(event, name) is not None]
    related = event.related_to
    if isinstance(related, Model) and not (isinstance(related, Event) and related.pk == event.pk):
        records.append(related)
    unique: dict[tuple[type, Any], Model] = {(type(record), record.pk): record for record in records}
    return list(unique.values())


def _describe(event: Event) -> dict[str, str]:
    return {
        "subject": event.subject,
        "type": str(event.get_type_display()),
        "start": formats.date_format(timezone.localtime(event.start), "SHORT_DATETIME_FORMAT"),
    }


def _record_on_links(event: Event, *, user: User, message: str) -> None:
    for record in _linked_records(event):
        activity_record(record=record, actor=user, verb=ActivityVerb.EVENT, message=message)


# Validation ----------------------------------------------------------------------------------------


def _refuse_service_fields(fields: dict[str, Any]) -> None:
    errors = {
        name: _("This field is set by the CRM, not directly.") for name in fields if name in SERVICE_FIELDS
    }
    if errors:
        raise ValidationError(errors)


def _clean(event: Event) -> None:
    """Normalise, then refuse what cannot be saved (ValidationError per field)."""
    if event.type != EventType.CALL:
        event.call_direction = ""
    event.full_clean(exclude=["status"], validate_unique=False, validate_constraints=False)
    if event.category is not None and event.category.type != event.type:
        raise ValidationError(
            {
                "category": _("This category is for the type “%(type)s”.")
                % {"type": event.category.get_type_display()}
            }
        )


# Events --------------------------------------------------------------------------------------------


def event_create(
    *,
    user: User,
    fields: dict[str, Any],
    origin: Model | None = None,
    recurrence: dict[str, Any] | None = None,
) -> Event:
    """Create an event, its links filled from `origin` (a lead, contact, third party, opportunity,
    quote or event); with `recurrence` (the arguments of event_recurrence_set) it starts a series."""
    _refuse_service_fields(fields)
    event = Event(**_prefilled(fields, origin))
    if event.start is not None and event.end is None:
        event.end = event.start + DEFAULT_DURATION
    if event.company_id is None and user.is_authenticated and user.active_company_id:
        event.company_id = user.active_company_id
    if event.assigned_user_id is None and user.is_authenticated:
        event.assigned_user = user
    _clean(event)
    with transaction.atomic():
        record_create(event, user=user)
        if recurrence:
            event_recurrence_set(event=event, user=user, **recurrence)
        else:
            message = _("Event planned: %(subject)s (%(type)s, %(start)s)") % _describe(event)
            _record_on_links(event, user=user, message=message)
    return event


def event_update(
    *,
    event: Event,
    user: User,
    fields: dict[str, Any],
    scope: EditScope = EditScope.THIS,
    expected_version: int | None = None,
) -> Event:
    """Change an event; with scope FOLLOWING, the following occurrences of its series get the same
    change, their times shifted by as much as this one's, and the series is split at this event."""
    _refuse_service_fields(fields)
    if not fields:
        return event
    with transaction.atomic():
        stored = Event.objects.select_for_update().get(pk=event.pk)
        old_start, old_end = stored.start, stored.end
        if "start" in fields and "end" not in fields and fields["start"] is not None:
            # Moving an event keeps its duration, as dragging it in a calendar does.
            fields = {
                **fields,
                "end": shift_wall_clock(fields["start"], wall_clock_delta(old_start, old_end)),
            }
        for name, value in fields.items():
            setattr(event, name, value)
        _clean(event)
        fields = {**fields, "call_direction": event.call_direction} if "type" in fields else fields
        record_update(event, user=user, fields=fields, expected_version=expected_version)
        moved = [event] if event.start != old_start else []
        following: list[Event] = []
        if scope == EditScope.FOLLOWING and event.recurrence_id is not None:
            following = _update_following(
                event, user=user, fields=fields, old_start=old_start, old_end=old_end
            )
            _split_series(event, following=following, old_start=old_start)
            if event.start != old_start:
                moved += following
        reminders_reschedule(events=moved)
        message = _("Event changed: %(subject)s (%(type)s, %(start)s)") % _describe(event)
        if following:
            message += " " + _("and the %(count)d following occurrences") % {"count": len(following)}
        _record_on_links(event, user=user, message=message)
    return event


def _concrete_names(fields: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for name in fields:
        if name == "related_to":
            names += ["related_content_type", "related_object_id"]
        elif name not in ("start", "end"):
            names.append(name)
    return names


def _update_following(
    event: Event, *, user: User, fields: dict[str, Any], old_start: datetime, old_end: datetime
) -> list[Event]:
    start_shift = wall_clock_delta(old_start, event.start)
    duration = wall_clock_delta(event.start, event.end)
    times_changed = start_shift != timedelta(0) or duration != wall_clock_delta(old_start, old_end)
    plain = {name: value for name, value in fields.items() if name not in ("start", "end")}
    following = list(
        Event.objects.select_for_update(of=("self",))
        .select_related("category", "assigned_user", "team", "company", "related_content_type", *LINK_FIELDS)
        .filter(recurrence_id=event.recurrence_id, occurrence_index__gt=event.occurrence_index)
        .order_by("occurrence_index")
    )
    now = timezone.now()
    changes_of: list[dict[str, Any]] = []
    for occurrence in following:
        before = snapshot(occurrence)
        for name, value in plain.items():
            setattr(occurrence, name, value)
        if times_changed:
            occurrence.start = shift_wall_clock(occurrence.start, start_shift)
            occurrence.end = shift_wall_clock(occurrence.start, duration)
        occurrence.version += 1
        occurrence.updated_at = now
        changes_of.append(diff(before, snapshot(occurrence)))
    update_fields = [*_concrete_names(plain), "version", "updated_at"]
    if times_changed:
        update_fields += ["start", "end"]
    Event.objects.bulk_update(following, update_fields, batch_size=100)
    for occurrence, changes in zip(following, changes_of, strict=True):
        if changes:
            activity_record(record=occurrence, actor=user, verb=ActivityVerb.UPDATED, changes=changes)
    return following


def _split_series(event: Event, *, following: list[Event], old_start: datetime) -> None:
    """The series from this event on gets its own rule, so that each rule's summary stays true."""
    assert event.recurrence_id is not None
    series = Recurrence.objects.select_for_update().get(pk=event.recurrence_id)
    day_shift = (timezone.localdate(event.start) - timezone.localdate(old_start)).days
    index = event.occurrence_index or 0
    weekdays = series.weekdays
    if series.frequency == RecurrenceFrequency.WEEKLY:
        weekdays = sorted({(day + day_shift) % 7 for day in series.weekdays})
    until = series.until + timedelta(days=max(day_shift, 0)) if series.until is not None else None
    if index == 0:
        series.start, series.weekdays, series.until = event.start, weekdays, until
        series.save(update_fields=["start", "weekdays", "until"])
        return
    rest = Recurrence.objects.create(
        frequency=series.frequency,
        interval=series.interval,
        weekdays=weekdays,
        end_mode=series.end_mode,
        count=max(series.count - index, 1) if series.count is not None else None,
        until=until,
        start=event.start,
    )
    if series.end_mode == RecurrenceEnd.COUNT:
        series.count = index
    else:
        previous = (
            Event.objects.filter(recurrence=series, occurrence_index__lt=index)
            .order_by("-occurrence_index")
            .first()
        )
        if previous is not None:
            series.until = timezone.localdate(previous.start)
    series.save(update_fields=["count", "until"])
    moved = [event.pk, *(occurrence.pk for occurrence in following)]
    Event.objects.filter(pk__in=moved).update(recurrence=rest, occurrence_index=F("occurrence_index") - index)
    event.recurrence = rest
    event.occurrence_index = 0
    for occurrence in following:
        occurrence.recurrence = rest
        occurrence.occurrence_index = (occurrence.occurrence_index or 0) - index


def event_done(*, event: Event, user: User, expected_version: int | None = None) -> Event:
    with transaction.atomic():
        run_transition(
            event, "done", user=user, refused_message=_("Only a planned event can be marked as done.")
        )
        bump_version(event, expected_version=expected_version)
        save_after_transition(event)
        _record_status(event, user=user, before=EventStatus.PLANNED)
        _record_on_links(
            event, user=user, message=_("Event done: %(subject)s (%(type)s, %(start)s)") % _describe(event)
        )
    return event


def event_cancel(
    *, event: Event, user: User, scope: EditScope = EditScope.THIS, expected_version: int | None = None
) -> Event:
    """Cancel the event (and the following planned occurrences); their pending reminders are skipped."""
    with transaction.atomic():
        run_transition(
            event, "cancel", user=user, refused_message=_("Only a planned event can be cancelled.")
        )
        bump_version(event, expected_version=expected_version)
        save_after_transition(event)
        _record_status(event, user=user, before=EventStatus.PLANNED)
        cancelled = [event]
        if scope == EditScope.FOLLOWING and event.recurrence_id is not None:
            for occurrence in Event.objects.select_for_update().filter(
                recurrence_id=event.recurrence_id,
                occurrence_index__gt=event.occurrence_index,
                status=EventStatus.PLANNED,
            ):
                occurrence.cancel()
                bump_version(occurrence)
                save_after_transition(occurrence)
                _record_status(occurrence, user=user, before=EventStatus.PLANNED)
                cancelled.append(occurrence)
        reminders_skip_pending(
            event_ids=[item.pk for item in cancelled], reason=_("The event was cancelled.")
        )
        message = _("Event cancelled: %(subject)s (%(type)s, %(start)s)") % _describe(event)
        if len(cancelled) > 1:
            message += " " + _("and the %(count)d following occurrences") % {"count": len(cancelled) - 1}
        _record_on_links(event, user=user, message=message)
    return event


def _record_status(event: Event, *, user: User, before: str) -> None:
    activity_record(
        record=event,
        actor=user,
        verb=ActivityVerb.STATUS_CHANGED,
        changes={
            "status": {"before": str(EventStatus(before).label), "after": str(event.get_status_display())}
        },
    )


# Recurrence ----------------------------------------------------------------------------------------


def event_recurrence_set(
    *,
    event: Event,
    user: User,
    frequency: str,
    interval: int = 1,
    weekdays: Sequence[int] = (),
    count: int | None = None,
    until: Any = None,
) -> Recurrence:
    """Make a planned event the first of a series: the other occurrences are created as real events
    (with the same guests and "before start" reminders). The event moves to the first date that fits
    the rule, keeping its time of day; weekly without days repeats on the event's own day."""
    if event.recurrence_id is not None:
        raise WorkflowRefused(_("This event already repeats."))
    if event.status != EventStatus.PLANNED:
        raise WorkflowRefused(_("Only a planned event can repeat."))
    days = sorted(set(weekdays))
    if frequency == RecurrenceFrequency.WEEKLY and not days:
        days = [timezone.localtime(event.start).weekday()]
    starts = recurrence_occurrences(
        frequency=frequency, interval=interval, start=event.start, weekdays=days, count=count, until=until
    )
    duration = wall_clock_delta(event.start, event.end)
    with transaction.atomic():
        bump_version(event)
        recurrence = Recurrence.objects.create(
            frequency=frequency,
            interval=interval,
            weekdays=days,
            end_mode=RecurrenceEnd.COUNT if count is not None else RecurrenceEnd.UNTIL,
            count=count,
            until=until,
            start=starts[0],
        )
        event.start, event.end = starts[0], shift_wall_clock(starts[0], duration)
        event.recurrence, event.occurrence_index = recurrence, 0
        event.save(update_fields=["start", "end", "recurrence", "occurrence_index", "version", "updated_at"])
        reminders_reschedule(events=[event])
        copies = Event.objects.bulk_create(
            [
                _occurrence(event, start=start, duration=duration, index=index)
                for index, start in enumerate(starts[1:], 1)
            ],
            batch_size=100,
        )
        _copy_guests_and_reminders(event, copies)
        activity_record(
            record=event,
            actor=user,
            verb=ActivityVerb.UPDATED,
            changes={"recurrence": {"before": "", "after": recurrence.summary}},
        )
        for copy in copies:
            activity_record(record=copy, actor=user, verb=ActivityVerb.CREATED, message=recurrence.summary)
        message = _("Recurring event planned: %(subject)s (%(summary)s)") % {
            "subject": event.subject,
            "summary": recurrence.summary,
        }
        _record_on_links(event, user=user, message=message)
    return recurrence


def _occurrence(event: Event, *, start: datetime, duration: timedelta, index: int) -> Event:
    values = {
        field.attname: getattr(event, field.attname)
        for field in Event._meta.concrete_fields
        if field.name not in NOT_COPIED
    }
    return Event(**values, start=start, end=shift_wall_clock(start, duration), occurrence_index=index)


def _copy_guests_and_reminders(event: Event, copies: list[Event]) -> None:
    guests = list(event.guests.all())
    EventGuest.objects.bulk_create(
        [
            EventGuest(event=copy, user_id=guest.user_id, contact_id=guest.contact_id)
            for copy in copies
            for guest in guests
        ],
        batch_size=500,
    )
    reminders = list(
        event.reminders.filter(mode=ReminderMode.BEFORE_START, sent_at__isnull=True, skipped_at__isnull=True)
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                event=copy,
                mode=reminder.mode,
                duration=reminder.duration,
                unit=reminder.unit,
                recipients=reminder.recipients,
                owner_id=reminder.owner_id,
                due_at=reminder.compute_due_at(event_start=copy.start),
            )
            for copy in copies
            for reminder in reminders
        ],
        batch_size=500,
    )


# Guests --------------------------------------------------------------------------------------------


def event_guest_add(
    *,
    event: Event,
    user: User,
    guest_user: User | None = None,
    guest_contact: Contact | None = None,
    scope: EditScope = EditScope.THIS,
) -> EventGuest:
    """Invite a user or a contact (exactly one); with FOLLOWING, to the following occurrences too."""
    if (guest_user is None) == (guest_contact is None):
        raise ValidationError(_("Invite either a user or a contact."))
    person = {"user": guest_user} if guest_user is not None else {"contact": guest_contact}
    with transaction.atomic():
        if EventGuest.objects.filter(event=event, **person).exists():
            raise ValidationError(_("%(guest)s is already invited.") % {"guest": guest_user or guest_contact})
        guest = EventGuest.objects.create(event=event, **person)
        invited = [event]
        if scope == EditScope.FOLLOWING and event.recurrence_id is not None:
            others = list(
                Event.objects.filter(
                    recurrence_id=event.recurrence_id, occurrence_index__gt=event.occurrence_index
                ).exclude(guests__in=EventGuest.objects.filter(**person))
            )
            EventGuest.objects.bulk_create([EventGuest(event=other, **person) for other in others])
            invited += others
        for item in invited:
            activity_record(
                record=item,
                actor=user,
                verb=ActivityVerb.UPDATED,
                message=_("Guest invited: %(guest)s") % {"guest": guest},
            )
    return guest


def event_guest_respond(*, guest: EventGuest, user: User, response: str) -> EventGuest:
    if response not in GuestResponse.values:
        raise ValidationError({"response": _("Answer yes, no or maybe.")})
    answer = GuestResponse(response)
    if guest.response == answer:
        return guest
    with transaction.atomic():
        before = guest.get_response_display()
        guest.response = answer
        guest.save(update_fields=["response"])
        activity_record(
            record=guest.event,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("%(guest)s answered: %(response)s")
            % {"guest": guest, "response": guest.get_response_display()},
            changes={"guest_response": {"before": str(before), "after": str(guest.get_response_display())}},
        )
    return guest


def event_guest_remove(*, guest: EventGuest, user: User) -> None:
    with transaction.atomic():
        name = str(guest)
        event = guest.event
        guest.delete()
        activity_record(
            record=event,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("Guest removed: %(guest)s") % {"guest": name},
        )


# Reminders -----------------------------------------------------------------------------------------


def reminder_create(
    *,
    event: Event,
    user: User,
    mode: str,
    at: datetime | None = None,
    duration: int | None = None,
    unit: str = "",
    recipients: str = ReminderRecipients.ME,
) -> Reminder:
    """A reminder owned by `user`: at a date and time, or a duration before the event starts."""
    if event.status == EventStatus.CANCELLED:
        raise WorkflowRefused(_("This event is cancelled: it needs no reminder."))
    errors: dict[str, str] = {}
    if mode == ReminderMode.AT_DATE and at is None:
        errors["at"] = _("Choose the date and time of the reminder.")
    elif mode == ReminderMode.BEFORE_START:
        if duration is None or duration < 1:
            errors["duration"] = _("Choose how long before the start.")
        if unit not in ReminderUnit.values:
            errors["unit"] = _("Choose minutes, hours, days or weeks.")
    elif mode not in ReminderMode.values:
        errors["mode"] = _("Choose “at a date” or “before the start”.")
    if recipients not in ReminderRecipients.values:
        errors["recipients"] = _("Choose “me” or “everyone”.")
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = (
        {"at": at, "duration": None, "unit": ""}
        if mode == ReminderMode.AT_DATE
        else {"at": None, "duration": duration, "unit": unit}
    )
    with transaction.atomic():
        reminder = Reminder.objects.create(
            event=event,
            mode=mode,
            recipients=recipients,
            owner=user,
            due_at=reminder_due_at(mode=mode, event_start=event.start, **values),
            **values,
        )
        activity_record(
            record=event,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("Reminder added for %(due)s")
            % {"due": formats.date_format(timezone.localtime(reminder.due_at), "SHORT_DATETIME_FORMAT")},
        )
    return reminder


def reminder_delete(*, reminder: Reminder, user: User) -> None:
    with transaction.atomic():
        event = reminder.event
        due = formats.date_format(timezone.localtime(reminder.due_at), "SHORT_DATETIME_FORMAT")
        reminder.delete()
        activity_record(
            record=event,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("Reminder removed (%(due)s)") % {"due": due},
        )


# Calendar feed tokens ------------------------------------------------------------------------------


def calendar_feed_token_create(*, user: User) -> tuple[CalendarFeedToken, str]:
    """The secret of the user's ICS feed address, returned once; one active token per user."""
    with transaction.atomic():
        if CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).exists():
            raise WorkflowRefused(_("You already have a calendar feed address: renew it to get a new one."))
        token, raw = CalendarFeedToken.issue(user=user)
        activity_record(record=token, actor=user, verb=ActivityVerb.CREATED, message=str(token))
    return token, raw


def calendar_feed_token_rotate(*, user: User) -> tuple[CalendarFeedToken, str]:
    """A new feed address; the previous one stops working at once."""
    with transaction.atomic():
        calendar_feed_token_revoke(user=user)
        return calendar_feed_token_create(user=user)


def calendar_feed_token_revoke(*, user: User) -> int:
    with transaction.atomic():
        tokens = list(
            CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        )
        for token in tokens:
            token.revoke()
            activity_record(record=token, actor=user, verb=ActivityVerb.DELETED, message=str(token))
    return len(tokens)


def calendar_feed_token_used(*, token: CalendarFeedToken) -> None:
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
