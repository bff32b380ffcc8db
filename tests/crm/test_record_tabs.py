"""The tabs of the record pages (SPEC §4): which tabs, their count badges, the opportunities of third
parties and contacts, and a number of queries that does not grow with the rows the tabs show."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Address
from crm.services.emails import record_email_send
from crm.services.parties import address_save, contact_create, contact_update, third_party_create
from events.models import EventVisibility
from events.services import event_create
from leads.models import Lead
from leads.services import lead_create, lead_update
from opportunities.models import Opportunity
from opportunities.services import opportunity_create, opportunity_update
from tests.conftest import client_for
from tests.factories import QuoteFactory

pytestmark = pytest.mark.django_db

SOON = timezone.now() + timedelta(days=3)


def page_of(user, record) -> str:
    response = client_for(user).get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def tabs_of(page: str) -> list[str]:
    return re.findall(r'<a href="#([\w-]+)" id="tab-\1"', page)


def badges_of(page: str) -> dict[str, int]:
    return {name: int(count) for name, count in re.findall(r'id="tab-count-([\w-]+)">(\d+)<', page)}


def panel_ids(page: str) -> set[str]:
    return set(re.findall(r'<section class="panel[^"]*" id="([\w-]+)"', page))


def a_lead(user, **fields) -> Lead:
    return lead_create(
        user=user, fields={"last_name": "Lefebvre", "company_name": "Garage Lefebvre", **fields}
    )


def an_opportunity(user, **fields) -> Opportunity:
    return opportunity_create(user=user, fields={"name": "Four à pain", **fields})


def an_event(user, subject="Point d'étape", **links):
    return event_create(user=user, fields={"subject": subject, "start": SOON, **links})


# Which tabs ----------------------------------------------------------------------------------------


def test_the_lead_page_has_the_events_emails_opportunities_and_activity_tabs(cast):
    page = page_of(cast.rep, a_lead(cast.rep))
    assert tabs_of(page) == ["events", "emails", "opportunities", "activity"]
    assert set(tabs_of(page)) <= panel_ids(page)


def test_the_third_party_page_has_a_subsidiaries_tab_only_when_it_has_subsidiaries(cast):
    mother = third_party_create(user=cast.rep, fields={"name": "Mère"})
    assert tabs_of(page_of(cast.rep, mother)) == [
        "contacts",
        "addresses",
        "opportunities",
        "events",
        "activity",
    ]

    third_party_create(user=cast.rep, fields={"name": "Fille", "parent": mother})
    page = page_of(cast.rep, mother)
    assert tabs_of(page) == ["contacts", "addresses", "opportunities", "events", "subsidiaries", "activity"]
    assert set(tabs_of(page)) <= panel_ids(page)


def test_the_contact_page_has_its_six_tabs(cast):
    page = page_of(cast.rep, contact_create(user=cast.rep, fields={"last_name": "Michel"}))
    assert tabs_of(page) == [
        "third-parties",
        "related-contacts",
        "opportunities",
        "events",
        "emails",
        "activity",
    ]
    assert set(tabs_of(page)) <= panel_ids(page)


def test_the_opportunity_page_has_the_quotes_events_and_activity_tabs(cast):
    page = page_of(cast.rep, an_opportunity(cast.rep))
    assert tabs_of(page) == ["quotes", "events", "activity"]
    assert set(tabs_of(page)) <= panel_ids(page)


def test_without_javascript_every_panel_shows_and_events_and_emails_load_when_revealed(cast):
    page = page_of(cast.rep, a_lead(cast.rep))
    assert " hidden" not in page.split('class="record-tabs"', 1)[1]
    assert 'id="events" hx-get=' in page and 'id="emails" hx-get=' in page
    assert page.count('hx-trigger="intersect once"') == 2
    assert 'hx-trigger="load"' not in page


# Count badges --------------------------------------------------------------------------------------


def test_the_lead_badges_count_its_events_emails_opportunities_and_activity(cast):
    lead = a_lead(cast.rep, email="garage@lefebvre.fr")
    an_event(cast.rep, lead=lead)
    an_event(cast.rep, "Rappel", lead=lead)
    record_email_send(sender=cast.rep, record=lead, subject="Devis", body="Bonjour")
    an_opportunity(cast.rep, origin_lead=lead)
    lead_update(lead=lead, user=cast.rep, fields={"city": "Lyon"})

    badges = badges_of(page_of(cast.rep, lead))

    # Activity: created, the two events planned, the e-mail, the edit.
    assert badges == {"events": 2, "emails": 1, "opportunities": 1, "activity": 5}


def test_the_events_badge_counts_only_the_events_the_user_may_see(cast):
    lead = a_lead(cast.rep, team=cast.north)
    an_event(cast.rep, lead=lead)
    an_event(cast.manager, "Entretien privé", lead=lead, visibility=EventVisibility.PRIVATE)

    assert badges_of(page_of(cast.rep, lead))["events"] == 1
    assert badges_of(page_of(cast.manager, lead))["events"] == 2


def test_the_third_party_badges_count_its_contacts_addresses_opportunities_and_subsidiaries(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    for name in ("Michel", "Bernard"):
        contact_create(user=cast.rep, fields={"last_name": name, "main_third_party": third_party})
    address_save(address=Address(third_party=third_party, city="Lyon"), user=cast.rep)
    an_opportunity(cast.rep, third_party=third_party)
    third_party_create(user=cast.rep, fields={"name": "Apollo Sud", "parent": third_party})
    an_event(cast.rep, third_party=third_party)

    badges = badges_of(page_of(cast.rep, third_party))

    # Activity: created, the address, the event planned.
    assert badges == {
        "contacts": 2,
        "addresses": 1,
        "opportunities": 1,
        "events": 1,
        "subsidiaries": 1,
        "activity": 3,
    }


# Opportunities of third parties and contacts -------------------------------------------------------


def test_the_third_party_page_lists_its_visible_opportunities(cast):
    third_party = third_party_create(
        user=cast.rep, fields={"name": "Apollo", "companies": [cast.north_company]}
    )
    an_opportunity(cast.rep, name="Four à pain", third_party=third_party)
    an_opportunity(cast.rep2, name="Affaire du Sud", third_party=third_party)
    an_opportunity(
        cast.rep, name="Autre client", third_party=third_party_create(user=cast.rep, fields={"name": "B"})
    )

    response = client_for(cast.rep).get(third_party.get_absolute_url())

    assert [opportunity.name for opportunity in response.context["opportunities"]] == ["Four à pain"]
    page = response.content.decode()
    assert "Four à pain" in page and "Affaire du Sud" not in page
    assert f'href="{reverse("opportunity_create")}?third_party={third_party.pk}"' in page


def test_the_contact_page_lists_its_visible_opportunities(cast):
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    an_opportunity(cast.rep, name="Four à pain", contact=contact)
    an_opportunity(cast.rep2, name="Affaire du Sud", contact=contact)
    an_opportunity(cast.rep, name="Sans contact")

    response = client_for(cast.rep).get(contact.get_absolute_url())

    assert [opportunity.name for opportunity in response.context["opportunities"]] == ["Four à pain"]
    assert badges_of(response.content.decode())["opportunities"] == 1


# Queries -------------------------------------------------------------------------------------------


def queries_of(user, record) -> int:
    client = client_for(user)
    client.get(record.get_absolute_url())  # the first request of a session loads what it caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(record.get_absolute_url()).status_code == 200
    return len(captured)


def a_busy_third_party(user, rows: int):
    third_party = third_party_create(user=user, fields={"name": f"Client {rows}"})
    for index in range(rows):
        contact_create(user=user, fields={"last_name": f"Contact {index}", "main_third_party": third_party})
        address_save(address=Address(third_party=third_party, city=f"Ville {index}"), user=user)
        an_opportunity(user, name=f"Affaire {index}", third_party=third_party)
        third_party_create(user=user, fields={"name": f"Filiale {index}", "parent": third_party})
        an_event(user, third_party=third_party)
    return third_party


def a_busy_lead(user, rows: int) -> Lead:
    lead = a_lead(user, last_name=f"Lead {rows}", email=f"lead{rows}@garage.fr")
    for index in range(rows):
        an_opportunity(user, name=f"Affaire {index}", origin_lead=lead)
        an_event(user, lead=lead)
        record_email_send(sender=user, record=lead, subject=f"Message {index}", body="Bonjour")
        lead_update(lead=lead, user=user, fields={"city": f"Ville {index}"})
    return lead


def a_busy_contact(user, rows: int):
    contact = contact_create(user=user, fields={"last_name": f"Michel {rows}", "email": f"m{rows}@apollo.fr"})
    third_parties = [
        third_party_create(user=user, fields={"name": f"Client {index}"}) for index in range(rows)
    ]
    contact_update(contact=contact, user=user, fields={"third_parties": third_parties})
    for index in range(rows):
        contact_create(
            user=user, fields={"last_name": f"Collègue {index}", "email": f"c{rows}-{index}@apollo.fr"}
        )
        an_opportunity(user, name=f"Affaire {index}", contact=contact)
        an_event(user, contact=contact)
    return contact


def a_busy_opportunity(user, rows: int) -> Opportunity:
    opportunity = an_opportunity(user, name=f"Affaire {rows}")
    for index in range(rows):
        QuoteFactory(opportunity=opportunity, assigned_user=user)
        an_event(user, opportunity=opportunity)
        opportunity_update(opportunity=opportunity, user=user, fields={"description": f"Étape {index}"})
    return opportunity


@pytest.mark.parametrize(
    "busy_record",
    [a_busy_lead, a_busy_third_party, a_busy_contact, a_busy_opportunity],
    ids=["lead", "third_party", "contact", "opportunity"],
)
def test_a_record_page_runs_as_many_queries_with_3_or_30_rows_per_tab(cast, busy_record):
    assert queries_of(cast.rep, busy_record(cast.rep, 3)) == queries_of(cast.rep, busy_record(cast.rep, 30))
