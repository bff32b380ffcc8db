"""Scoring stars on the lead, third-party and opportunity pages (crm/web/scoring.py): set through the
record's update service, with optimistic locking and an Activity entry, with or without htmx."""

import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from crm.models import Activity, ActivityVerb, LostReason
from crm.services.parties import contact_create, third_party_create, third_party_update
from crm.services.records import ConcurrentUpdateError
from leads.services import lead_create, lead_lose, lead_update
from opportunities.services import opportunity_create, opportunity_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
KINDS = ["lead", "third_party", "opportunity"]


def create(kind: str, user, **fields):
    if kind == "lead":
        return lead_create(user=user, fields={"last_name": "Lefebvre", **fields})
    if kind == "third_party":
        return third_party_create(user=user, fields={"name": "Apollo", **fields})
    return opportunity_create(user=user, fields={"name": "Four à pain", **fields})


def edit_elsewhere(kind: str, record, user) -> None:
    """Someone else saves the record from another page: the version moves on."""
    other = type(record).objects.get(pk=record.pk)
    if kind == "lead":
        lead_update(lead=other, user=user, fields={"description": "Rappeler en mars"})
    elif kind == "third_party":
        third_party_update(third_party=other, user=user, fields={"note": "Rappeler en mars"})
    else:
        opportunity_update(opportunity=other, user=user, fields={"description": "Rappeler en mars"})


def stale_refusal() -> str:
    with translation.override("fr"):
        return str(ConcurrentUpdateError())


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def stars_text(score: int) -> str:
    with translation.override("fr"):
        singular, plural = (
            "Scoring set to %(count)d star out of 5.",
            "Scoring set to %(count)d stars out of 5.",
        )
        return ngettext(singular, plural, score) % {"count": score}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def click_star(user, record, kind: str, scoring, *, version=None, headers=None):
    return client_for(user).post(
        reverse(f"{kind}_scoring", args=[record.pk]),
        {"scoring": scoring, "version": record.version if version is None else version},
        headers=headers or {},
    )


def stored(record):
    return type(record).objects.get(pk=record.pk)


def updates_of(record) -> list[dict]:
    activities = Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, verb=ActivityVerb.UPDATED
    )
    return [activity.changes for activity in activities]


# Setting and clearing ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_clicking_a_star_sets_the_scoring_and_records_the_change(cast, kind):
    record = create(kind, cast.rep)

    response = click_star(cast.rep, record, kind, 4)

    assert (response.status_code, response.url) == (302, record.get_absolute_url())
    assert messages_of(response) == [stars_text(4)]
    assert (stored(record).scoring, stored(record).version) == (4, record.version + 1)
    assert updates_of(record) == [{"scoring": {"before": 0, "after": 4}}]


@pytest.mark.parametrize("kind", KINDS)
def test_clicking_the_current_star_clears_the_scoring(cast, kind):
    record = create(kind, cast.rep, scoring=3)
    page = client_for(cast.rep).get(record.get_absolute_url()).content.decode()
    # The current star posts 0, the others their number.
    assert re.findall(r'name="scoring" value="(\d)" aria-pressed="(\w+)"', page) == [
        ("1", "false"),
        ("2", "false"),
        ("0", "true"),
        ("4", "false"),
        ("5", "false"),
    ]

    response = click_star(cast.rep, record, kind, 0)

    assert messages_of(response) == [stars_text(0)]
    assert stored(record).scoring == 0
    assert updates_of(record) == [{"scoring": {"before": 3, "after": 0}}]


def test_each_star_says_what_it_sets_in_the_users_language(cast):
    lead = create("lead", cast.rep)
    page = client_for(cast.rep).get(lead.get_absolute_url()).content.decode()
    labels = re.findall(r'<button type="submit" class="star[^"]*"[^>]* aria-label="([^"]+)"', page)
    assert labels == [
        "1 étoile sur 5",
        "2 étoiles sur 5",
        "3 étoiles sur 5",
        "4 étoiles sur 5",
        "5 étoiles sur 5",
    ]


def test_the_contact_page_has_no_stars(cast):
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    assert 'id="scoring"' not in client_for(cast.rep).get(contact.get_absolute_url()).content.decode()


# With htmx -----------------------------------------------------------------------------------------


def test_with_htmx_the_stars_come_back_with_the_new_version_and_the_activity(cast):
    lead = create("lead", cast.rep)

    response = click_star(cast.rep, lead, "lead", 4, headers=HTMX)

    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"]) == {
        "crm:version-changed": {"version": lead.version + 1}
    }
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="scoring" id="scoring">')
    assert f'name="version" value="{lead.version + 1}"' in page
    assert 'value="0" aria-pressed="true" aria-label="4 étoiles sur 5"' in page
    # Out of band: the Activity tab's timeline, with the change, and its count badge.
    timeline = page.split('<ol class="timeline" id="activity-timeline" hx-swap-oob="true">', 1)[1]
    assert re.search(r"<td>Notation</td><td>0\s*</td><td>4\s*</td>", timeline)
    assert '<span class="tab-count" id="tab-count-activity" hx-swap-oob="true">2</span>' in page
    assert stored(lead).scoring == 4


def test_the_htmx_answer_runs_as_many_queries_whatever_the_activity(cast):
    def queries(record) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert click_star(cast.rep, stored(record), "third_party", 5, headers=HTMX).status_code == 200
        return len(captured)

    quiet = create("third_party", cast.rep, name="Calme")
    busy = create("third_party", cast.rep, name="Agitée")
    for index in range(20):
        third_party_update(third_party=busy, user=cast.rep, fields={"note": f"note {index}"})
    assert queries(quiet) == queries(busy)


# Refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_stale_version_is_refused_and_changes_nothing(cast, kind):
    record = create(kind, cast.rep, scoring=2)
    opened_at = record.version
    edit_elsewhere(kind, record, cast.manager)
    activities = Activity.objects.count()

    response = click_star(cast.rep, record, kind, 5, version=opened_at)

    assert messages_of(response) == [stale_refusal()]
    assert response.url == record.get_absolute_url()
    assert (stored(record).scoring, stored(record).version) == (2, opened_at + 1)
    assert Activity.objects.count() == activities


def test_with_htmx_a_stale_version_shows_the_reason_in_place(cast):
    opportunity = create("opportunity", cast.rep)
    edit_elsewhere("opportunity", opportunity, cast.manager)

    response = click_star(cast.rep, opportunity, "opportunity", 5, headers=HTMX)

    assert response.status_code == 409
    assert "HX-Trigger" not in response.headers
    assert f'<p class="field-error" role="alert">{escape(stale_refusal())}</p>' in response.content.decode()
    assert stored(opportunity).scoring == 0
    assert [changes for changes in updates_of(opportunity) if "scoring" in changes] == []


def test_a_closed_lead_shows_read_only_stars_and_refuses_a_click(cast):
    lead = create("lead", cast.rep, scoring=2)
    lead = lead_lose(lead=lead, user=cast.rep, reason=LostReason.objects.get(name="Pas de budget"))
    page = client_for(cast.rep).get(lead.get_absolute_url()).content.decode()
    assert 'id="scoring"' in page
    assert reverse("lead_scoring", args=[lead.pk]) not in page
    assert '<span class="stars"' in page.split('id="scoring"', 1)[1]

    response = click_star(cast.rep, lead, "lead", 5)

    assert messages_of(response) == [
        french("A converted or lost lead cannot be edited. Reopen a lost lead first.")
    ]
    assert (stored(lead).scoring, stored(lead).version) == (2, lead.version)


def test_a_scoring_locked_by_an_external_system_shows_read_only_stars_and_is_refused(cast):
    third_party = create("third_party", cast.rep, scoring=1)
    type(third_party).objects.filter(pk=third_party.pk).update(locked_fields=["scoring"])
    page = client_for(cast.rep).get(third_party.get_absolute_url()).content.decode()
    assert reverse("third_party_scoring", args=[third_party.pk]) not in page

    response = click_star(cast.rep, third_party, "third_party", 5, headers=HTMX)

    assert response.status_code == 409
    assert french("This field is managed by an external system and cannot be changed here.") in (
        response.content.decode()
    )
    assert (stored(third_party).scoring, stored(third_party).version) == (1, third_party.version)


@pytest.mark.parametrize("scoring", ["6", "-1", "trois", ""])
def test_a_scoring_out_of_0_to_5_is_refused(cast, scoring):
    lead = create("lead", cast.rep, scoring=2)

    response = click_star(cast.rep, lead, "lead", scoring, headers=HTMX)

    assert response.status_code == 400
    assert french("Choose a scoring from 0 to 5 stars.") in response.content.decode()
    assert (stored(lead).scoring, stored(lead).version) == (2, lead.version)


@pytest.mark.parametrize("kind", KINDS)
def test_an_invisible_record_gives_404_and_changes_nothing(cast, kind):
    record = create(kind, cast.rep2)

    response = click_star(cast.rep, record, kind, 5)

    assert response.status_code == 404
    assert (stored(record).scoring, stored(record).version) == (0, record.version)


def test_the_stars_only_take_a_post(cast):
    lead = create("lead", cast.rep)
    assert client_for(cast.rep).get(reverse("lead_scoring", args=[lead.pk])).status_code == 405
