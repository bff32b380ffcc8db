"""Prospect statuses on the third-party page, when the CRM settings turn them on (SPEC §3)."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from crm.models import Activity, ActivityVerb, CrmSettings, ProspectStatus, ThirdParty
from crm.services.parties import third_party_move_prospect_status
from crm.services.records import ConcurrentUpdateError
from crm.services.statuses import crm_settings_update, status_archive
from crm.workflow import WorkflowRefused
from tests.conftest import client_for
from tests.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

DEFAULT_PROSPECT_STATUSES = [
    "À traiter",
    "Qualification marketing",
    "Qualification commerciale",
    "Nurturing",
    "Gagné",
    "Perdu",
]


@pytest.fixture
def prospect_statuses_on(cast):
    crm_settings_update(user=cast.admin, fields={"manage_prospect_statuses": True})


def north_prospect(cast, **fields):
    return ThirdPartyFactory(
        name="Boulangerie Martin",
        assigned_user=cast.rep,
        team=cast.north,
        companies=[cast.north_company],
        **fields,
    )


def status(name):
    return ProspectStatus.objects.get(name=name)


def detail(client, third_party):
    return client.get(reverse("third_party_detail", args=[third_party.pk]))


def move(client, third_party, status_name, **data):
    url = reverse("third_party_prospect_status", args=[third_party.pk])
    return client.post(url, {"status": status(status_name).pk, **data}, follow=True)


def status_changes(third_party):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(ThirdParty),
        object_id=third_party.pk,
        verb=ActivityVerb.STATUS_CHANGED,
    ).order_by("pk")


def english_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def shown_messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def test_the_status_bar_is_hidden_when_the_setting_is_off(cast):
    prospect = north_prospect(cast)

    response = detail(client_for(cast.rep), prospect)

    assert response.status_code == 200
    assert response.context["prospect_status_bar"] is None
    assert 'class="status-bar"' not in response.content.decode()


def test_the_status_bar_is_shown_when_the_setting_is_on(cast, prospect_statuses_on):
    prospect = north_prospect(cast)

    response = detail(client_for(cast.rep), prospect)

    bar = response.context["prospect_status_bar"]
    assert [item.name for item in bar["statuses"]] == DEFAULT_PROSPECT_STATUSES
    assert bar["disabled"] is False
    page = response.content.decode()
    assert 'class="status-bar"' in page
    assert reverse("third_party_prospect_status", args=[prospect.pk]) in page


def test_a_prospect_without_status_shows_the_new_status_as_current(cast, prospect_statuses_on):
    prospect = north_prospect(cast, prospect_status=None)

    response = detail(client_for(cast.rep), prospect)

    assert response.context["prospect_status_bar"]["current"] == status("À traiter").pk
    assert 'aria-current="step">À traiter</button>' in response.content.decode()


def test_a_customer_without_prospect_status_has_no_status_bar(cast, prospect_statuses_on):
    customer = north_prospect(cast, is_prospect=False, is_customer=True)

    response = detail(client_for(cast.rep), customer)

    assert response.context["prospect_status_bar"] is None


def test_archived_statuses_are_not_offered_but_the_current_one_stays_shown(cast, prospect_statuses_on):
    nurturing = status("Nurturing")
    marketing = status("Qualification marketing")
    prospect = north_prospect(cast, prospect_status=nurturing)
    status_archive(status=nurturing, user=cast.admin)
    status_archive(status=marketing, user=cast.admin)

    response = detail(client_for(cast.rep), prospect)

    bar = response.context["prospect_status_bar"]
    assert [item.name for item in bar["statuses"]] == [
        "À traiter",
        "Qualification commerciale",
        "Nurturing",
        "Gagné",
        "Perdu",
    ]
    assert bar["current"] == nurturing.pk


def test_moving_a_prospect_records_the_change_and_bumps_the_version(cast, prospect_statuses_on):
    prospect = north_prospect(cast, prospect_status=status("Qualification marketing"))

    response = move(english_client(cast.rep), prospect, "Nurturing", version=1)

    prospect.refresh_from_db()
    assert (prospect.prospect_status.name, prospect.version) == ("Nurturing", 2)
    assert shown_messages(response) == [("success", "Status changed to Nurturing.")]
    activity = status_changes(prospect).get()
    assert activity.actor == cast.rep
    assert activity.changes == {
        "prospect_status": {"before": "Qualification marketing", "after": "Nurturing"}
    }


def test_moving_a_prospect_to_won_makes_it_a_customer(cast, prospect_statuses_on):
    prospect = north_prospect(cast, prospect_status=status("Qualification commerciale"))

    response = move(english_client(cast.rep), prospect, "Gagné")

    prospect.refresh_from_db()
    assert (prospect.is_prospect, prospect.is_customer) == (False, True)
    assert prospect.prospect_status == status("Gagné")
    assert shown_messages(response) == [
        ("success", "Status changed to Won."),
        ("success", "The prospect is won: it is now a customer."),
    ]
    changes = list(status_changes(prospect).values_list("changes", flat=True))
    assert changes == [
        {"prospect_status": {"before": "Qualification commerciale", "after": "Gagné"}},
        {
            "is_prospect": {"before": True, "after": False},
            "is_customer": {"before": False, "after": True},
        },
    ]


def test_the_won_customer_keeps_a_read_only_status_bar(cast, prospect_statuses_on):
    prospect = north_prospect(cast)
    third_party_move_prospect_status(third_party=prospect, user=cast.rep, status=status("Gagné"))

    response = detail(client_for(cast.rep), prospect)

    bar = response.context["prospect_status_bar"]
    assert (bar["current"], bar["disabled"]) == (status("Gagné").pk, True)


def test_lost_is_a_direct_click(cast, prospect_statuses_on):
    prospect = north_prospect(cast)

    move(client_for(cast.rep), prospect, "Perdu")

    prospect.refresh_from_db()
    assert (prospect.prospect_status.name, prospect.is_prospect, prospect.is_customer) == (
        "Perdu",
        True,
        False,
    )


def test_a_rep_cannot_move_another_teams_third_party(cast, prospect_statuses_on):
    southern = ThirdPartyFactory(
        name="Garage du Sud", assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company]
    )
    url = reverse("third_party_prospect_status", args=[southern.pk])

    response = client_for(cast.rep).post(url, {"status": status("Gagné").pk})

    assert response.status_code == 404
    southern.refresh_from_db()
    assert (southern.prospect_status, southern.is_customer, southern.version) == (None, False, 1)


def test_moving_is_refused_when_the_setting_is_off(cast):
    prospect = north_prospect(cast)

    response = move(english_client(cast.rep), prospect, "Nurturing")

    assert shown_messages(response) == [("error", "Prospect statuses are not enabled in the CRM settings.")]
    prospect.refresh_from_db()
    assert (prospect.prospect_status, prospect.version) == (None, 1)


def test_moving_to_an_archived_status_is_refused(cast, prospect_statuses_on):
    prospect = north_prospect(cast)
    nurturing = status_archive(status=status("Nurturing"), user=cast.admin)

    with translation.override("en"), pytest.raises(WorkflowRefused, match="^This status is archived.$"):
        third_party_move_prospect_status(third_party=prospect, user=cast.rep, status=nurturing)

    prospect.refresh_from_db()
    assert (prospect.prospect_status, prospect.version) == (None, 1)


def test_moving_a_record_changed_meanwhile_is_refused(cast, prospect_statuses_on):
    prospect = north_prospect(cast)
    stale = ThirdParty.objects.get(pk=prospect.pk)
    third_party_move_prospect_status(third_party=prospect, user=cast.rep, status=status("Nurturing"))

    with pytest.raises(ConcurrentUpdateError):
        third_party_move_prospect_status(
            third_party=stale, user=cast.rep, status=status("Perdu"), expected_version=1
        )

    prospect.refresh_from_db()
    assert (prospect.prospect_status.name, prospect.version) == ("Nurturing", 2)


def test_the_settings_row_keeps_prospect_statuses_off_by_default(db):
    assert CrmSettings.load().manage_prospect_statuses is False
