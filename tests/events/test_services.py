"""Event writes (SPEC §2.4, §5.1, §5.2): links prefilled from a record, Activity on the linked records,
recurring series as real rows, "this one" / "this and the following", Done / Cancel, guests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from crm.models import Activity, ActivityVerb
from crm.services.records import ConcurrentUpdateError
from crm.workflow import WorkflowRefused
from events.models import (
    Event,
    EventCategory,
    EventGuest,
    EventStatus,
    GuestResponse,
    Recurrence,
    Reminder,
    ReminderMode,
)
from events.services import (
    EditScope,
    event_cancel,
    event_create,
    event_done,
    event_guest_add,
    event_guest_respond,
    event_recurrence_set,
    event_update,
    reminder_create,
)
from tests.factories import ContactFactory, LeadFactory, OpportunityFactory, QuoteFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def activities_of(record):
    return list(
        Activity.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
        .order_by("pk")
        .values_list("verb", "message")
    )


def stored(event):
    return Event.objects.get(pk=event.pk)


def series_of(event):
    return list(Event.objects.filter(recurrence=stored(event).recurrence).order_by("occurrence_index", "pk"))


def local(moment):
    return moment.astimezone(PARIS)


@pytest.fixture
def customer(cast):
    return ThirdPartyFactory(name="Boulangerie Dupain", assigned_user=cast.rep, team=cast.north)


@pytest.fixture
def contact(cast, customer):
    return ContactFactory(
        first_name="Léa",
        last_name="Martin",
        main_third_party=customer,
        assigned_user=cast.rep,
        team=cast.north,
    )


def meeting(user, **fields):
    return event_create(user=user, fields={"subject": "Point d'étape", "start": MONDAY_9, **fields})


# event_create


def test_a_new_event_is_planned_assigned_to_its_creator_in_their_team_and_company(cast):
    event = stored(meeting(cast.rep))
    assert (event.status, event.assigned_user, event.team, event.company, event.end) == (
        EventStatus.PLANNED,
        cast.rep,
        cast.north,
        cast.north_company,
        MONDAY_9 + timedelta(hours=1),
    )


def test_an_end_before_the_start_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        meeting(cast.rep, end=MONDAY_9 - timedelta(minutes=1))
    assert (refused.value.message_dict, Event.objects.count()) == (
        {"end": ["The end must not be before the start."]},
        0,
    )


def test_the_database_refuses_an_end_before_the_start_too(cast):
    event = meeting(cast.rep)
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(end=MONDAY_9 - timedelta(hours=1))


def test_an_event_from_a_converted_lead_is_linked_to_the_lead_its_third_party_and_its_contact(
    cast, customer, contact
):
    lead = LeadFactory(
        assigned_user=cast.rep,
        team=cast.north,
        company=cast.north_company,
        converted_third_party=customer,
        converted_contact=contact,
    )
    event = stored(event_create(user=cast.rep, fields={"subject": "Démo", "start": MONDAY_9}, origin=lead))
    assert (event.lead, event.third_party, event.contact, event.company) == (
        lead,
        customer,
        contact,
        cast.north_company,
    )


def test_an_event_from_a_contact_is_linked_to_the_contact_and_its_main_third_party(cast, customer, contact):
    event = stored(
        event_create(user=cast.rep, fields={"subject": "Appel", "start": MONDAY_9}, origin=contact)
    )
    assert (event.contact, event.third_party, event.lead, event.opportunity) == (
        contact,
        customer,
        None,
        None,
    )


def test_an_event_from_an_opportunity_is_linked_to_it_its_third_party_and_its_contact(
    cast, customer, contact
):
    opportunity = OpportunityFactory(third_party=customer, contact=contact, company=cast.south_company)
    event = stored(
        event_create(user=cast.rep, fields={"subject": "Relance", "start": MONDAY_9}, origin=opportunity)
    )
    assert (event.opportunity, event.third_party, event.contact, event.company) == (
        opportunity,
        customer,
        contact,
        cast.south_company,
    )


def test_an_event_from_a_quote_relates_to_the_quote_and_its_opportunity(cast, customer):
    quote = QuoteFactory(opportunity=OpportunityFactory(third_party=customer))
    event = stored(
        event_create(user=cast.rep, fields={"subject": "Relance devis", "start": MONDAY_9}, origin=quote)
    )
    assert (event.related_to, event.opportunity, event.third_party) == (quote, quote.opportunity, customer)


def test_links_given_by_the_caller_win_over_the_prefilled_ones(cast, customer, contact):
    other = ThirdPartyFactory(name="Autre société")
    fields = {"subject": "Appel", "start": MONDAY_9, "third_party": other}
    event = stored(event_create(user=cast.rep, fields=fields, origin=contact))
    assert (event.contact, event.third_party) == (contact, other)


def test_a_given_contact_fills_the_third_party_too(cast, customer, contact):
    event = stored(meeting(cast.rep, contact=contact))
    assert event.third_party == customer


def test_creating_an_event_is_recorded_on_the_event_and_on_each_linked_record(cast, customer, contact):
    opportunity = OpportunityFactory(third_party=customer, contact=contact)
    event = meeting(cast.rep, opportunity=opportunity)
    message = "Event planned: Point d'étape (meeting, 03/02/2026 9 a.m.)"
    assert (
        activities_of(event),
        activities_of(opportunity),
        activities_of(customer),
        activities_of(contact),
    ) == (
        [(ActivityVerb.CREATED, "")],
        [(ActivityVerb.EVENT, message)],
        [(ActivityVerb.EVENT, message)],
        [(ActivityVerb.EVENT, message)],
    )


def test_a_category_of_another_type_is_refused(cast):
    call_category = EventCategory.objects.get(code="CALL_PROSPECTING")
    with pytest.raises(ValidationError) as refused:
        meeting(cast.rep, type="meeting", category=call_category)
    assert refused.value.message_dict == {"category": ["This category is for the type “call”."]}


def test_only_a_call_keeps_a_call_direction(cast):
    call = meeting(cast.rep, type="call", call_direction="inbound")
    event = meeting(cast.rep, type="meeting", call_direction="inbound")
    assert (stored(call).call_direction, stored(event).call_direction) == ("inbound", "")


def test_status_and_series_fields_cannot_be_set_directly(cast):
    with pytest.raises(ValidationError) as refused:
        meeting(cast.rep, status=EventStatus.DONE)
    assert refused.value.message_dict == {"status": ["This field is set by the CRM, not directly."]}


# recurrence


def weekly_series(user, **rule):
    return event_create(
        user=user,
        fields={"subject": "Point hebdo", "start": MONDAY_9, "end": MONDAY_9 + timedelta(minutes=30)},
        recurrence={"frequency": "weekly", "weekdays": [0, 2], "count": 5, **rule},
    )


def test_a_weekly_series_on_monday_and_wednesday_five_times_is_five_real_events(cast):
    first = weekly_series(cast.rep)
    rows = series_of(first)
    assert [(row.occurrence_index, local(row.start), local(row.end) - local(row.start)) for row in rows] == [
        (0, datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), timedelta(minutes=30)),
        (1, datetime(2026, 3, 4, 9, 0, tzinfo=PARIS), timedelta(minutes=30)),
        (2, datetime(2026, 3, 9, 9, 0, tzinfo=PARIS), timedelta(minutes=30)),
        (3, datetime(2026, 3, 11, 9, 0, tzinfo=PARIS), timedelta(minutes=30)),
        (4, datetime(2026, 3, 16, 9, 0, tzinfo=PARIS), timedelta(minutes=30)),
    ]
    assert rows[0].pk == first.pk
    assert {(row.subject, row.assigned_user, row.team, row.status) for row in rows} == {
        ("Point hebdo", cast.rep, cast.north, EventStatus.PLANNED)
    }


def test_the_series_remembers_its_rule_and_its_summary(cast):
    recurrence = stored(weekly_series(cast.rep)).recurrence
    assert (recurrence.weekdays, recurrence.count, recurrence.start, recurrence.summary) == (
        [0, 2],
        5,
        MONDAY_9,
        "Every week on Monday and Wednesday, 5 times",
    )


def test_a_recurrence_without_an_end_is_refused_and_creates_nothing(cast):
    with pytest.raises(ValidationError) as refused:
        event_create(
            user=cast.rep,
            fields={"subject": "Sans fin", "start": MONDAY_9},
            recurrence={"frequency": "daily"},
        )
    assert (refused.value.message_dict, Event.objects.count(), Recurrence.objects.count()) == (
        {"end_mode": ["Choose when the recurrence ends: after a number of occurrences or on a date."]},
        0,
        0,
    )


def test_too_many_occurrences_are_refused(cast):
    event = meeting(cast.rep)
    with pytest.raises(ValidationError) as refused:
        event_recurrence_set(event=event, user=cast.rep, frequency="daily", count=501)
    assert (refused.value.message_dict, Event.objects.count()) == (
        {"count": ["A recurrence has 1 to 500 occurrences."]},
        1,
    )


def test_an_event_that_already_repeats_cannot_get_a_second_rule(cast):
    first = weekly_series(cast.rep)
    with pytest.raises(WorkflowRefused, match="This event already repeats."):
        event_recurrence_set(event=stored(first), user=cast.rep, frequency="daily", count=2)


def test_occurrences_get_the_guests_and_the_before_start_reminders_of_the_first_event(cast):
    event = meeting(cast.rep)
    event_guest_add(event=event, user=cast.rep, guest_user=cast.manager)
    reminder_create(event=event, user=cast.rep, mode=ReminderMode.BEFORE_START, duration=15, unit="minutes")
    event_recurrence_set(event=stored(event), user=cast.rep, frequency="daily", count=3)
    rows = series_of(event)
    assert [list(row.guests.values_list("user__username", flat=True)) for row in rows] == [["manager"]] * 3
    assert [local(reminder.due_at) for reminder in Reminder.objects.order_by("due_at")] == [
        datetime(2026, 3, 2, 8, 45, tzinfo=PARIS),
        datetime(2026, 3, 3, 8, 45, tzinfo=PARIS),
        datetime(2026, 3, 4, 8, 45, tzinfo=PARIS),
    ]


# event_update


def test_changing_this_one_leaves_the_other_occurrences_alone(cast):
    rows = series_of(weekly_series(cast.rep))
    third = rows[2]
    event_update(
        event=third,
        user=cast.rep,
        fields={
            "start": third.start + timedelta(hours=2),
            "end": third.end + timedelta(hours=2),
            "location": "Lyon",
        },
        scope=EditScope.THIS,
    )
    after = series_of(rows[0])
    assert [(local(row.start).strftime("%d %H:%M"), row.location) for row in after] == [
        ("02 09:00", ""),
        ("04 09:00", ""),
        ("09 11:00", "Lyon"),
        ("11 09:00", ""),
        ("16 09:00", ""),
    ]


def test_changing_this_and_the_following_shifts_the_following_occurrences_alike(cast):
    rows = series_of(weekly_series(cast.rep))
    third = rows[2]
    event_update(
        event=third,
        user=cast.rep,
        fields={
            "start": third.start + timedelta(days=1, hours=1),
            "end": third.start + timedelta(days=1, hours=2),
            "location": "Lyon",
        },
        scope=EditScope.FOLLOWING,
    )
    after = Event.objects.order_by("start")
    assert [
        (local(row.start).strftime("%a %d %H:%M"), local(row.end).strftime("%H:%M"), row.location)
        for row in after
    ] == [
        ("Mon 02 09:00", "09:30", ""),
        ("Wed 04 09:00", "09:30", ""),
        ("Tue 10 10:00", "11:00", "Lyon"),
        ("Thu 12 10:00", "11:00", "Lyon"),
        ("Tue 17 10:00", "11:00", "Lyon"),
    ]


def test_changing_this_and_the_following_splits_the_series_so_both_summaries_stay_true(cast):
    rows = series_of(weekly_series(cast.rep))
    third = rows[2]
    event_update(
        event=third,
        user=cast.rep,
        fields={"start": third.start + timedelta(days=1), "end": third.end + timedelta(days=1)},
        scope=EditScope.FOLLOWING,
    )
    first_part, second_part = stored(rows[0]).recurrence, stored(third).recurrence
    assert (first_part.summary, second_part.summary) == (
        "Every week on Monday and Wednesday, 2 times",
        "Every week on Tuesday and Thursday, 3 times",
    )
    assert [row.occurrence_index for row in series_of(third)] == [0, 1, 2]


def test_changing_the_first_occurrence_and_the_following_changes_the_whole_series(cast):
    first = weekly_series(cast.rep)
    event_update(event=first, user=cast.rep, fields={"subject": "Point d'équipe"}, scope=EditScope.FOLLOWING)
    assert (
        set(Event.objects.values_list("subject", flat=True)),
        Recurrence.objects.count(),
    ) == ({"Point d'équipe"}, 1)


def test_every_following_occurrence_records_its_change(cast):
    rows = series_of(weekly_series(cast.rep))
    event_update(event=rows[3], user=cast.rep, fields={"location": "Lille"}, scope=EditScope.FOLLOWING)
    changes = Activity.objects.filter(verb=ActivityVerb.UPDATED, object_id__in=[rows[3].pk, rows[4].pk])
    assert sorted(change.changes["location"]["after"] for change in changes) == ["Lille", "Lille"]


def test_moving_an_event_moves_its_pending_before_start_reminders(cast):
    event = meeting(cast.rep)
    reminder = reminder_create(
        event=event, user=cast.rep, mode=ReminderMode.BEFORE_START, duration=1, unit="days"
    )
    event_update(
        event=stored(event),
        user=cast.rep,
        fields={"start": MONDAY_9 + timedelta(days=2), "end": MONDAY_9 + timedelta(days=2, hours=1)},
    )
    reminder.refresh_from_db()
    assert local(reminder.due_at) == datetime(2026, 3, 3, 9, 0, tzinfo=PARIS)


def test_an_update_with_a_stale_version_is_refused(cast):
    event = meeting(cast.rep)
    event_update(event=stored(event), user=cast.rep, fields={"location": "Paris"})
    with pytest.raises(ConcurrentUpdateError):
        event_update(event=stored(event), user=cast.rep, fields={"location": "Lyon"}, expected_version=1)


def test_an_update_is_recorded_on_the_linked_records(cast, customer):
    event = meeting(cast.rep, third_party=customer)
    event_update(event=stored(event), user=cast.rep, fields={"subject": "Signature"})
    assert activities_of(customer)[-1] == (
        ActivityVerb.EVENT,
        "Event changed: Signature (meeting, 03/02/2026 9 a.m.)",
    )


# done / cancel


def test_done_marks_a_planned_event_done_and_records_it(cast, customer):
    event = meeting(cast.rep, third_party=customer, type="call", call_direction="outbound")
    event_done(event=stored(event), user=cast.rep)
    assert (stored(event).status, activities_of(event)[-1], activities_of(customer)[-1]) == (
        EventStatus.DONE,
        (ActivityVerb.STATUS_CHANGED, ""),
        (ActivityVerb.EVENT, "Event done: Point d'étape (call, 03/02/2026 9 a.m.)"),
    )


def test_a_cancelled_event_cannot_be_done(cast):
    event = meeting(cast.rep)
    event_cancel(event=stored(event), user=cast.rep)
    with pytest.raises(WorkflowRefused, match="Only a planned event can be marked as done."):
        event_done(event=stored(event), user=cast.rep)


def test_cancelling_skips_the_pending_reminders(cast):
    event = meeting(cast.rep)
    reminder = reminder_create(
        event=event, user=cast.rep, mode=ReminderMode.BEFORE_START, duration=1, unit="hours"
    )
    event_cancel(event=stored(event), user=cast.rep)
    reminder.refresh_from_db()
    assert (stored(event).status, reminder.sent_at, reminder.skipped_at is not None, reminder.last_error) == (
        EventStatus.CANCELLED,
        None,
        True,
        "The event was cancelled.",
    )


def test_cancelling_this_and_the_following_cancels_the_later_planned_occurrences(cast):
    rows = series_of(weekly_series(cast.rep))
    event_done(event=rows[4], user=cast.rep)
    event_cancel(event=rows[2], user=cast.rep, scope=EditScope.FOLLOWING)
    assert [row.status for row in series_of(rows[0])] == [
        "planned",
        "planned",
        "cancelled",
        "cancelled",
        "done",
    ]


# guests


def test_a_guest_is_a_user_or_a_contact_never_both_nor_none(cast, contact):
    event = meeting(cast.rep)
    with pytest.raises(ValidationError, match="Invite either a user or a contact."):
        event_guest_add(event=event, user=cast.rep, guest_user=cast.rep2, guest_contact=contact)
    with pytest.raises(IntegrityError):
        EventGuest.objects.create(event=event)


def test_a_guest_is_invited_once(cast, contact):
    event = meeting(cast.rep)
    event_guest_add(event=event, user=cast.rep, guest_contact=contact)
    with pytest.raises(ValidationError, match="Léa Martin is already invited."):
        event_guest_add(event=event, user=cast.rep, guest_contact=contact)


def test_a_guest_answers_yes_no_or_maybe(cast):
    event = meeting(cast.rep)
    guest = event_guest_add(event=event, user=cast.rep, guest_user=cast.rep2)
    event_guest_respond(guest=guest, user=cast.rep2, response="maybe")
    assert EventGuest.objects.get(pk=guest.pk).response == GuestResponse.MAYBE
    with pytest.raises(ValidationError):
        event_guest_respond(guest=guest, user=cast.rep2, response="perhaps")


def test_inviting_to_this_and_the_following_occurrences(cast):
    rows = series_of(weekly_series(cast.rep))
    event_guest_add(event=rows[3], user=cast.rep, guest_user=cast.rep2, scope=EditScope.FOLLOWING)
    assert [row.guests.count() for row in series_of(rows[0])] == [0, 0, 0, 1, 1]


def test_moving_only_the_start_keeps_the_duration(cast):
    event = meeting(cast.rep, end=MONDAY_9 + timedelta(minutes=45))
    event_update(event=stored(event), user=cast.rep, fields={"start": MONDAY_9 + timedelta(days=1)})
    assert stored(event).end == MONDAY_9 + timedelta(days=1, minutes=45)
