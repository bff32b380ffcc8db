"""Event pages (SPEC §5.1–5.3): the form (links prefilled from a record, recurrence wizard, "this one" /
"this and the following"), Done / Cancel, visibility, the Events section of the record pages, the
calendar feed address on the profile page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventGuest, EventStatus, GuestResponse, Reminder
from events.services import event_create, event_guest_add, event_recurrence_set
from tests.conftest import client_for
from tests.factories import ContactFactory, LeadFactory, OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def english_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(**fields):
    return {
        "type": "meeting",
        "subject": "Point d'étape",
        "start": "2026-03-02T09:00",
        "end": "2026-03-02T10:00",
        "visibility": "public",
        **fields,
    }


def local_starts(events):
    return [timezone.localtime(event.start, PARIS).strftime("%a %d/%m %H:%M") for event in events]


def meeting(user, subject="Point d'étape", **fields):
    return event_create(user=user, fields={"subject": subject, "start": MONDAY_9, **fields})


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


@pytest.fixture
def lead(cast):
    return LeadFactory(
        first_name="Jeanne",
        last_name="Lefebvre",
        assigned_user=cast.rep,
        team=cast.north,
        company=cast.north_company,
    )


# Creating ------------------------------------------------------------------------------------------


def test_the_form_opened_from_a_lead_has_the_lead_and_the_type_preselected(cast, lead):
    response = english_client(cast.rep).get(reverse("event_create") + f"?lead={lead.pk}&type=call")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{lead.pk}" selected>Jeanne Lefebvre ({lead.company_name})</option>' in page
    assert '<option value="call" selected>call</option>' in page


def test_creating_an_event_from_a_lead_prefills_and_links_it(cast, lead):
    client = english_client(cast.rep)
    url = reverse("event_create") + f"?lead={lead.pk}&type=call"

    response = client.post(url, form_data(type="call", subject="Premier appel", lead=str(lead.pk)))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event_detail", args=[event.pk])
    assert (event.subject, event.type, event.lead, event.assigned_user, event.company, event.status) == (
        "Premier appel",
        "call",
        lead,
        cast.rep,
        cast.north_company,
        EventStatus.PLANNED,
    )


def test_an_event_from_a_lead_is_linked_even_when_the_lead_field_was_left_out(cast, lead):
    english_client(cast.rep).post(reverse("event_create") + f"?lead={lead.pk}", form_data())

    assert Event.objects.get().lead == lead


def test_creating_an_event_from_the_menu_with_a_contact_attached_links_the_contact_and_its_third_party(
    cast, contact, customer
):
    response = english_client(cast.rep).post(reverse("event_create"), form_data(contact=str(contact.pk)))

    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.contact, event.third_party, event.lead, event.opportunity) == (
        contact,
        customer,
        None,
        None,
    )


def test_an_end_before_the_start_shows_the_error_beside_the_field_and_saves_nothing(cast):
    response = english_client(cast.rep).post(
        reverse("event_create"), form_data(start="2026-03-02T09:00", end="2026-03-02T08:30")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(
        r'<input type="datetime-local" name="end" value="2026-03-02T08:30"[^>]*>\s*'
        r'<small class="help">[^<]*</small>\s*'
        r'<p class="field-error" role="alert">The end must not be before the start.</p>',
        page,
    )
    assert Event.objects.count() == 0


def test_a_lead_the_user_cannot_see_is_a_404_on_the_form(cast):
    hidden = LeadFactory(assigned_user=cast.rep2, team=cast.south)

    response = english_client(cast.rep).get(reverse("event_create") + f"?lead={hidden.pk}")

    assert response.status_code == 404


def test_a_weekly_recurrence_on_monday_and_wednesday_four_times_creates_four_events_with_the_summary(cast):
    client = english_client(cast.rep)
    data = form_data(
        subject="Point hebdo",
        repeat="on",
        frequency="weekly",
        interval="1",
        weekdays=["0", "2"],
        end_mode="count",
        count="4",
    )

    response = client.post(reverse("event_create"), data)

    events = list(Event.objects.order_by("start"))
    assert response.status_code == 302
    assert local_starts(events) == [
        "Mon 02/03 09:00",
        "Wed 04/03 09:00",
        "Mon 09/03 09:00",
        "Wed 11/03 09:00",
    ]
    assert {event.subject for event in events} == {"Point hebdo"}
    detail = client.get(response["Location"]).content.decode()
    assert "<strong>Every week on Monday and Wednesday, 4 times</strong>" in detail


def test_the_wizard_summary_follows_the_form_values(cast):
    client = english_client(cast.rep)
    url = reverse("event_recurrence_summary")

    weekly = client.get(
        url,
        {"repeat": "on", "frequency": "weekly", "interval": "2", "end_mode": "count", "count": "5"}
        | {"start": "2026-03-02T09:00"},
    )
    until = client.get(
        url,
        {"repeat": "on", "frequency": "monthly", "interval": "1", "end_mode": "until", "until": "2026-12-31"},
    )
    off = client.get(url, {"frequency": "weekly"})

    assert weekly.content.decode() == "<strong>Every 2 weeks on Monday, 5 times</strong>"
    assert until.content.decode() == "<strong>Every month, until 12/31/2026</strong>"
    assert off.content.decode() == "Does not repeat."


def test_the_wizard_refuses_a_missing_end(cast):
    response = english_client(cast.rep).post(
        reverse("event_create"), form_data(repeat="on", frequency="daily", interval="1", end_mode="until")
    )

    assert response.status_code == 400
    assert '<p class="field-error" role="alert">Choose the end date.</p>' in response.content.decode()
    assert Event.objects.count() == 0


# Editing -------------------------------------------------------------------------------------------


def test_editing_this_and_the_following_changes_only_the_later_occurrences(cast):
    first = meeting(cast.rep, "Point hebdo")
    event_recurrence_set(event=first, user=cast.rep, frequency="weekly", weekdays=[0], count=4)
    third = Event.objects.get(recurrence=first.recurrence, occurrence_index=2)
    client = english_client(cast.rep)
    form_page = client.get(reverse("event_update", args=[third.pk])).content.decode()
    assert 'name="scope" value="following"' in form_page

    response = client.post(
        reverse("event_update", args=[third.pk]),
        form_data(
            subject="Point hebdo (nouvelle salle)",
            start="2026-03-16T09:00",
            end="2026-03-16T10:00",
            location="Salle B",
            version=str(third.version),
            scope="following",
        ),
    )

    assert response.status_code == 302
    series = Event.objects.order_by("start")
    assert [(event.subject, event.location) for event in series] == [
        ("Point hebdo", ""),
        ("Point hebdo", ""),
        ("Point hebdo (nouvelle salle)", "Salle B"),
        ("Point hebdo (nouvelle salle)", "Salle B"),
    ]
    assert local_starts(series) == [
        "Mon 02/03 09:00",
        "Mon 09/03 09:00",
        "Mon 16/03 09:00",
        "Mon 23/03 09:00",
    ]


def test_editing_this_one_only_changes_this_occurrence(cast):
    first = meeting(cast.rep, "Point hebdo")
    event_recurrence_set(event=first, user=cast.rep, frequency="weekly", weekdays=[0], count=3)
    second = Event.objects.get(recurrence=first.recurrence, occurrence_index=1)

    english_client(cast.rep).post(
        reverse("event_update", args=[second.pk]),
        form_data(
            subject="Point annulé et remplacé",
            start="2026-03-09T09:00",
            end="2026-03-09T10:00",
            version=str(second.version),
            scope="this",
        ),
    )

    assert list(Event.objects.order_by("start").values_list("subject", flat=True)) == [
        "Point hebdo",
        "Point annulé et remplacé",
        "Point hebdo",
    ]


# Done / Cancel -------------------------------------------------------------------------------------


def test_done_marks_the_event_as_done(cast):
    event = meeting(cast.rep)

    response = english_client(cast.rep).post(
        reverse("event_done", args=[event.pk]), {"version": event.version}
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == EventStatus.DONE


def test_cancel_marks_the_event_as_cancelled_and_goes_back_to_the_page_it_came_from(cast, lead):
    event = meeting(cast.rep, lead=lead)
    back = lead.get_absolute_url() + "#events"

    response = english_client(cast.rep).post(
        reverse("event_cancel", args=[event.pk]), {"version": event.version, "next": back}
    )

    assert (response.status_code, response["Location"]) == (302, back)
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED


def test_cancelling_an_occurrence_asks_this_one_or_this_and_the_following(cast):
    first = meeting(cast.rep, "Point hebdo")
    event_recurrence_set(event=first, user=cast.rep, frequency="weekly", weekdays=[0], count=4)
    second = Event.objects.get(recurrence=first.recurrence, occurrence_index=1)
    client = english_client(cast.rep)

    question = client.get(reverse("event_cancel", args=[second.pk])).content.decode()
    client.post(reverse("event_cancel", args=[second.pk]), {"scope": "following"})

    assert "This event and the following ones" in question
    assert list(Event.objects.order_by("start").values_list("status", flat=True)) == [
        EventStatus.PLANNED,
        EventStatus.CANCELLED,
        EventStatus.CANCELLED,
        EventStatus.CANCELLED,
    ]


# Visibility ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["event_detail", "event_update", "event_cancel"])
def test_a_rep_gets_a_404_on_another_teams_event(cast, url_name):
    other = meeting(cast.rep2, "Réunion Sud")

    response = english_client(cast.rep).get(reverse(url_name, args=[other.pk]))

    assert response.status_code == 404


def test_a_rep_cannot_mark_another_teams_event_as_done(cast):
    other = meeting(cast.rep2, "Réunion Sud")

    response = english_client(cast.rep).post(reverse("event_done", args=[other.pk]))

    assert response.status_code == 404
    assert Event.objects.get(pk=other.pk).status == EventStatus.PLANNED


def test_the_list_of_all_events_shows_only_the_visible_ones_in_a_constant_number_of_queries(cast):
    for day in range(3):
        meeting(cast.rep, f"Mine {day}", start=MONDAY_9 + timedelta(days=day))
    meeting(cast.rep2, "Réunion Sud")
    client = english_client(cast.rep)
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("event_list")).content.decode()
    for day in range(3, 20):
        meeting(cast.rep, f"Mine {day}", start=MONDAY_9 + timedelta(days=day))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("event_list"))

    assert re.findall(r">(Mine \d+|Réunion Sud)</a>", page) == ["Mine 0", "Mine 1", "Mine 2"]
    assert len(many) == len(few)


def test_my_events_are_the_ones_assigned_to_me_or_where_i_am_a_guest(cast):
    meeting(cast.rep, "Mine")
    managers = meeting(cast.manager, "Manager's", team=cast.north)
    invited = meeting(cast.rep2, "Invited")
    event_guest_add(event=invited, user=cast.rep2, guest_user=cast.rep)

    page = english_client(cast.rep).get(reverse("event_list_my")).content.decode()

    assert managers.subject not in page
    assert re.findall(r'">(Mine|Invited)</a>', page) == ["Mine", "Invited"]


def test_the_list_filters_by_type(cast):
    meeting(cast.rep, "Réunion")
    meeting(cast.rep, "Appel", type="call")

    page = english_client(cast.rep).get(reverse("event_list"), {"type": "call"}).content.decode()

    assert re.findall(r'">(Réunion|Appel)</a>', page) == ["Appel"]


# Detail: guests and reminders ----------------------------------------------------------------------


def test_a_guest_answers_their_own_invitation_from_the_detail_page(cast):
    event = meeting(cast.manager, "Revue", team=cast.north)
    guest = event_guest_add(event=event, user=cast.manager, guest_user=cast.rep)
    client = english_client(cast.rep)

    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    client.post(reverse("event_guest_respond", args=[event.pk, guest.pk]), {"response": "maybe"})

    assert reverse("event_guest_respond", args=[event.pk, guest.pk]) in page
    assert EventGuest.objects.get(pk=guest.pk).response == GuestResponse.MAYBE


def test_nobody_answers_for_another_guest(cast):
    event = meeting(cast.rep, "Revue")
    guest = event_guest_add(event=event, user=cast.rep, guest_user=cast.manager)

    response = english_client(cast.rep).post(
        reverse("event_guest_respond", args=[event.pk, guest.pk]), {"response": "yes"}
    )

    assert response.status_code == 404
    assert EventGuest.objects.get(pk=guest.pk).response == GuestResponse.NONE


def test_a_reminder_added_from_the_detail_page_is_due_before_the_start(cast):
    event = meeting(cast.rep)
    client = english_client(cast.rep)

    response = client.post(
        reverse("event_reminder_add", args=[event.pk]),
        {"mode": "before_start", "duration": "2", "unit": "hours", "recipients": "me"},
    )
    reminder = Reminder.objects.get()
    client.post(reverse("event_reminder_delete", args=[event.pk, reminder.pk]))

    assert response.status_code == 302
    assert (reminder.due_at, reminder.owner) == (MONDAY_9 - timedelta(hours=2), cast.rep)
    assert Reminder.objects.count() == 0


def test_a_reminder_at_a_date_without_a_date_is_refused_beside_the_field(cast):
    event = meeting(cast.rep)

    response = english_client(cast.rep).post(
        reverse("event_reminder_add", args=[event.pk]), {"mode": "at_date", "recipients": "me"}
    )

    assert response.status_code == 400
    assert "Choose the date and time of the reminder." in response.content.decode()
    assert Reminder.objects.count() == 0


# Record pages --------------------------------------------------------------------------------------


def test_the_lead_page_loads_its_events_section(cast, lead):
    page = english_client(cast.rep).get(lead.get_absolute_url()).content.decode()

    assert f'hx-get="{reverse("event_record_section", args=["lead", lead.pk])}"' in page


@pytest.mark.parametrize("kind", ["third_party", "contact", "opportunity"])
def test_the_other_record_pages_load_their_events_section(cast, contact, customer, kind):
    record = {
        "third_party": customer,
        "contact": contact,
        "opportunity": OpportunityFactory(third_party=customer, assigned_user=cast.rep, team=cast.north),
    }[kind]

    page = english_client(cast.rep).get(record.get_absolute_url()).content.decode()

    assert f'hx-get="{reverse("event_record_section", args=[kind, record.pk])}"' in page


def test_the_events_section_of_a_lead_lists_its_upcoming_and_past_events_in_one_query(cast, lead):
    now = timezone.localtime()
    meeting(cast.rep, "Démo passée", lead=lead, start=now - timedelta(days=3))
    meeting(cast.rep, "Appel passé", lead=lead, start=now - timedelta(days=1))
    meeting(cast.rep, "Rendez-vous à venir", lead=lead, start=now + timedelta(days=2))
    meeting(cast.rep, "Autre piste", start=now + timedelta(days=1))
    client = english_client(cast.rep)
    url = reverse("event_record_section", args=["lead", lead.pk])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    page = response.content.decode()
    upcoming, past = page.split("<h3>Past</h3>")
    assert re.findall(
        r'">([^<]+)</a>(?: <span class="recurring")?\s*<span class="chip event-type', upcoming
    ) == ["Rendez-vous à venir"]
    assert re.findall(r'">([^<]+)</a>(?: <span class="recurring")?\s*<span class="chip event-type', past) == [
        "Appel passé",
        "Démo passée",
    ]
    assert f'href="{reverse("event_create")}?type=meeting&amp;lead={lead.pk}"' in page
    assert len([query for query in queries if 'FROM "events_event"' in query["sql"]]) == 1


def test_the_events_section_of_a_record_the_user_cannot_see_is_a_404(cast):
    hidden = LeadFactory(assigned_user=cast.rep2, team=cast.south)

    response = english_client(cast.rep).get(reverse("event_record_section", args=["lead", hidden.pk]))

    assert response.status_code == 404


# Lookups -------------------------------------------------------------------------------------------


def test_the_lead_lookup_offers_only_visible_leads(cast, lead):
    LeadFactory(first_name="Jeanne", last_name="Cachée", assigned_user=cast.rep2, team=cast.south)

    response = english_client(cast.rep).get(reverse("event_lead_lookup"), {"q": "Jeanne"})

    assert response.content.decode() == f'<option value="{lead.pk}">{lead}</option>'


# Profile: the calendar feed ------------------------------------------------------------------------


def test_the_profile_page_creates_a_feed_address_that_answers_the_users_events_as_text_calendar(cast):
    soon = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    meeting(cast.rep, "Rendez-vous Dupain", start=soon)
    client = english_client(cast.rep)

    response = client.post(reverse("calendar_feed_create"))

    feed_url = re.search(r'id="calendar-feed-url" class="secret" value="([^"]+)"', response.content.decode())[
        1
    ]
    assert response.status_code == 200
    assert re.fullmatch(r"http://testserver/events/feed/[A-Za-z0-9_-]{43}\.ics", feed_url)
    feed = client.get(feed_url.removeprefix("http://testserver"))
    assert (feed.status_code, feed["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert "SUMMARY:Rendez-vous Dupain" in feed.content.decode()
    again = client.get(reverse("profile")).content.decode()
    assert feed_url not in again


def test_revoking_the_feed_address_makes_it_a_404(cast):
    client = english_client(cast.rep)
    created = client.post(reverse("calendar_feed_create")).content.decode()
    feed_path = re.search(r'value="http://testserver(/events/feed/[^"]+)"', created)[1]

    response = client.post(reverse("calendar_feed_revoke"))

    assert response.status_code == 302
    assert client.get(feed_path).status_code == 404


def test_renewing_the_feed_address_stops_the_old_one(cast):
    client = english_client(cast.rep)
    old = re.search(
        r'value="http://testserver(/events/feed/[^"]+)"',
        client.post(reverse("calendar_feed_create")).content.decode(),
    )[1]

    renewed = client.post(reverse("calendar_feed_rotate")).content.decode()

    new = re.search(r'value="http://testserver(/events/feed/[^"]+)"', renewed)[1]
    assert new != old
    assert (client.get(old).status_code, client.get(new).status_code) == (404, 200)
