"""Creating a contact whose name already exists warns, and does not block (SPEC §3.3)."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from crm.models import Contact
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def english_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def create_contact(client, first_name, last_name):
    data = {"first_name": first_name, "last_name": last_name, "language": "fr", "country": "FR"}
    return client.post(reverse("contact_create"), data, follow=True)


def shown_messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def test_the_second_lea_michel_gets_a_warning_and_both_contacts_exist(cast):
    client = english_client(cast.rep)

    first = create_contact(client, "Léa", "Michel")
    second = create_contact(client, "Léa", "Michel")

    assert shown_messages(first) == [("success", "Contact Léa Michel created.")]
    assert shown_messages(second) == [
        ("success", "Contact Léa Michel created."),
        ("warning", "There is already a contact with this name."),
    ]
    assert "There is already a contact with this name." in second.content.decode()
    assert Contact.objects.filter(first_name="Léa", last_name="Michel").count() == 2


def test_names_are_compared_ignoring_case_accents_and_spaces(cast):
    client = english_client(cast.rep)
    create_contact(client, "Léa", "Michel")

    response = create_contact(client, " lea ", "MICHEL")

    assert shown_messages(response) == [
        ("success", "Contact lea MICHEL created."),
        ("warning", "There is already a contact with this name."),
    ]


def test_a_different_first_name_gets_no_warning(cast):
    client = english_client(cast.rep)
    create_contact(client, "Léa", "Michel")

    response = create_contact(client, "Louise", "Michel")

    assert shown_messages(response) == [("success", "Contact Louise Michel created.")]


def test_a_namesake_the_user_cannot_see_gets_no_warning(cast):
    create_contact(english_client(cast.rep2), "Léa", "Michel")

    response = create_contact(english_client(cast.rep), "Léa", "Michel")

    assert shown_messages(response) == [("success", "Contact Léa Michel created.")]
    assert Contact.objects.filter(first_name="Léa", last_name="Michel").count() == 2
