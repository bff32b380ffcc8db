"""Message templates (SPEC §5.3): placeholders rendered as plain text, broken templates refused on save,
the default "EventReminder" and "Catalog sending" templates in French and English."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.models import MessageTemplate
from events.reminders import Recipient, reminder_context
from events.services import event_create, reminder_create

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def template(**fields):
    values = {"name": "Test", "language": "en", "subject": "Hi", "body": "Hello", **fields}
    return MessageTemplate(**values)


def test_placeholders_are_replaced_without_html_escaping():
    subject, body = template(
        subject="Rendez-vous : {{ event.subject }}",
        body="Bonjour {{ recipient.name }}, c'est « {{ event.subject }} » à {{ event.location }}.",
        signature="-- \n{{ sender.name }}",
    ).render(
        {
            "event": {"subject": "Démo <Pro> & co", "location": "L'Isle-d'Abeau"},
            "recipient": {"name": "Léa O'Brien"},
            "sender": {"name": "Paul"},
        }
    )
    assert (subject, body) == (
        "Rendez-vous : Démo <Pro> & co",
        "Bonjour Léa O'Brien, c'est « Démo <Pro> & co » à L'Isle-d'Abeau.\n\n-- \nPaul",
    )


def test_a_subject_is_kept_on_one_line():
    subject, _body = template(subject="{{ event.subject }}\nBcc: someone@else.fr").render(
        {"event": {"subject": "Démo"}}
    )
    assert subject == "Démo Bcc: someone@else.fr"


def test_a_template_with_a_syntax_error_is_refused_on_save():
    with pytest.raises(ValidationError) as refused:
        template(body="Bonjour {% if recipient.name %}{{ recipient.name }}").save()
    [message] = refused.value.message_dict["body"]
    assert message.startswith("This template is invalid: ")
    assert MessageTemplate.objects.filter(name="Test").count() == 0


def test_an_unknown_placeholder_is_refused_on_save():
    with pytest.raises(ValidationError) as refused:
        template(subject="{{ evnt.subject }}").save()
    assert refused.value.message_dict == {
        "subject": ["Unknown placeholder {{ evnt.subject }}: use event, recipient, sender, catalog."]
    }


def test_a_template_that_cannot_render_is_refused_on_save():
    with pytest.raises(ValidationError) as refused:
        template(signature='{% include "base.html" %}').save()
    [message] = refused.value.message_dict["signature"]
    assert message.startswith("This template cannot be rendered: ")


def test_a_valid_template_is_saved():
    template(body="{% if event.location %}À {{ event.location|upper }}{% endif %}").save()
    assert MessageTemplate.objects.filter(name="Test").count() == 1


def test_the_default_templates_exist_in_french_and_in_english():
    assert sorted(MessageTemplate.objects.values_list("name", "language", "media")) == [
        ("Catalog sending", "en", "email"),
        ("Catalog sending", "fr", "email"),
        ("EventReminder", "en", "email"),
        ("EventReminder", "fr", "email"),
    ]


@pytest.fixture
def reminder(cast):
    cast.rep.first_name, cast.rep.last_name = "Paul", "Girard"
    cast.rep.save()
    fields = {
        "subject": "Démo produit",
        "start": START,
        "location": "Lyon",
        "description": "Apporter la démo.",
    }
    event = event_create(user=cast.rep, fields=fields)
    return reminder_create(event=event, user=cast.rep, mode="before_start", duration=1, unit="hours")


def render_default(reminder, language):
    recipient = Recipient(name="Léa Martin", email="lea@client.fr", language=language)
    with translation.override(language):
        return MessageTemplate.objects.get(name="EventReminder", language=language).render(
            reminder_context(reminder=reminder, recipient=recipient)
        )


def test_the_french_event_reminder(reminder):
    assert render_default(reminder, "fr") == (
        "Rappel : Démo produit",
        "Bonjour Léa Martin,\n\n"
        "Nous vous rappelons l'événement « Démo produit » (rendez-vous) prévu le 2 mars 2026 09:00, lieu : Lyon.\n\n"
        "Apporter la démo.\n\n"
        "Cordialement,\nPaul Girard",
    )


def test_the_english_event_reminder(reminder):
    assert render_default(reminder, "en") == (
        "Reminder: Démo produit",
        "Hello Léa Martin,\n\n"
        "This is a reminder of “Démo produit” (meeting) on March 2, 2026, 9 a.m., at Lyon.\n\n"
        "Apporter la démo.\n\n"
        "Best regards,\nPaul Girard",
    )


def test_an_all_day_event_is_announced_by_its_date_only(reminder):
    reminder.event.all_day = True
    assert "on March 2, 2026, at Lyon." in render_default(reminder, "en")[1]


def test_the_catalog_sending_template_uses_the_catalog_placeholders():
    catalog_template = MessageTemplate.objects.get(name="Catalog sending", language="fr")
    context = {
        "catalog": {"name": "Printemps 2026"},
        "recipient": {"name": "Léa"},
        "sender": {"name": "Paul"},
    }
    assert catalog_template.render(context) == (
        "Notre catalogue Printemps 2026",
        "Bonjour Léa,\n\nVeuillez trouver ci-joint notre catalogue « Printemps 2026 ».\n\n"
        "Nous restons à votre disposition pour toute question.\n\nCordialement,\nPaul",
    )
