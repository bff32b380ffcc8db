"""Sending a catalog by e-mail (SPEC §5.4): the "Catalog sending" template, the PDF attached, one
SentEmail and one Activity entry per contact, refusals and SMTP failures per contact."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import translation

from catalogs.models import Catalog, CatalogType
from catalogs.services import catalog_create, catalog_send
from crm.models import Activity, ActivityVerb, Contact, CrmSettings, SentEmail, SentEmailStatus
from crm.workflow import WorkflowRefused
from events.models import MessageTemplate
from tests.catalogs.test_catalogs import english_client, pdf_bytes, pdf_upload
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def spring(cast) -> Catalog:
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})
    return catalog_create(
        user=cast.manager,
        fields={
            "name": "Printemps 2026",
            "type": CatalogType.objects.create(name="Brochures"),
            "pdf_file": pdf_upload(),
        },
    )


def north_contact(cast, last_name: str, **fields) -> Contact:
    defaults = {
        "first_name": "Léa",
        "last_name": last_name,
        "email": f"{last_name.lower()}@apollo.fr",
        "assigned_user": cast.rep,
        "team": cast.north,
    }
    return ContactFactory(**{**defaults, **fields})


def email_activities(contact: Contact) -> list[str]:
    return list(
        Activity.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact),
            object_id=contact.pk,
            verb=ActivityVerb.EMAIL_SENT,
        ).values_list("message", flat=True)
    )


def test_sending_a_catalog_to_two_contacts_attaches_the_pdf_and_records_activity_on_each(cast, spring):
    # given
    michel = north_contact(cast, "Michel")
    smith = north_contact(cast, "Smith", first_name="John", language="en")
    cast.rep.first_name, cast.rep.last_name = "Paul", "Girard"
    # when
    with translation.override("en"):
        report = catalog_send(catalog=spring, contacts=[michel, smith], sender=cast.rep)
    # then
    assert ([e.recipient for e in report.sent], report.failed, report.skipped) == (
        ["michel@apollo.fr", "smith@apollo.fr"],
        [],
        [],
    )
    french, english = mail.outbox
    assert (french.to, french.subject, french.attachments) == (
        ["michel@apollo.fr"],
        "Notre catalogue Printemps 2026",
        [("printemps-2026.pdf", pdf_bytes(), "application/pdf")],
    )
    assert french.body.startswith(
        "Bonjour Léa Michel,\n\nVeuillez trouver ci-joint notre catalogue « Printemps 2026 »."
    )
    assert french.body.endswith("Cordialement,\nPaul Girard")
    assert (english.to, english.subject, english.body.splitlines()[0], english.attachments[0][0]) == (
        ["smith@apollo.fr"],
        "Our catalogue Printemps 2026",
        "Hello John Smith,",
        "printemps-2026.pdf",
    )
    assert (email_activities(michel), email_activities(smith)) == (
        ["Catalog “Printemps 2026” sent by e-mail to michel@apollo.fr"],
        ["Catalog “Printemps 2026” sent by e-mail to smith@apollo.fr"],
    )
    assert list(
        SentEmail.objects.order_by("recipient").values_list("recipient", "template_name", "attachment_names")
    ) == [
        ("michel@apollo.fr", "Catalog sending", "printemps-2026.pdf"),
        ("smith@apollo.fr", "Catalog sending", "printemps-2026.pdf"),
    ]


def test_contacts_who_refuse_emails_or_have_no_address_are_skipped(cast, spring):
    michel = north_contact(cast, "Michel")
    refusing = north_contact(cast, "Refus", do_not_email=True)
    without_address = north_contact(cast, "Sans", email="")
    with translation.override("en"):
        report = catalog_send(catalog=spring, contacts=[michel, refusing, without_address], sender=cast.rep)
    assert ([e.recipient for e in report.sent], report.skipped) == (
        ["michel@apollo.fr"],
        [
            (refusing, "Léa Refus asked not to receive e-mails."),
            (without_address, "Léa Sans has no e-mail address."),
        ],
    )
    assert ([m.to for m in mail.outbox], email_activities(refusing), SentEmail.objects.count()) == (
        [["michel@apollo.fr"]],
        [],
        1,
    )


def test_the_send_page_reports_what_happened_to_each_contact(cast, spring):
    michel = north_contact(cast, "Michel")
    refusing = north_contact(cast, "Refus", do_not_email=True)
    client = english_client(cast.rep)
    response = client.post(reverse("catalog_send", args=[spring.pk]), {"contacts": [michel.pk, refusing.pk]})
    assert (response.status_code, response.url) == (302, reverse("catalog_cards"))
    page = client.get(response.url).content.decode()
    assert "Catalog sent to 1 contact." in page
    assert "Not sent: Léa Refus asked not to receive e-mails." in page


def test_a_template_that_cannot_render_sends_and_records_nothing(cast, spring):
    michel = north_contact(cast, "Michel")
    smith = north_contact(cast, "Smith", language="en")
    # A template broken behind the admin's back (save() refuses it): the French one fails to render.
    MessageTemplate.objects.filter(name="Catalog sending", language="fr").update(body="{% if %}")
    with pytest.raises(WorkflowRefused, match="Catalog sending"):
        catalog_send(catalog=spring, contacts=[smith, michel], sender=cast.rep)
    assert (
        mail.outbox,
        SentEmail.objects.count(),
        Activity.objects.filter(verb=ActivityVerb.EMAIL_SENT).count(),
    ) == (
        [],
        0,
        0,
    )


def test_a_rep_cannot_send_a_catalog_to_another_team_s_contact(cast, spring):
    hidden = north_contact(cast, "Sud", assigned_user=cast.rep2, team=cast.south)
    response = client_for(cast.rep).post(reverse("catalog_send", args=[spring.pk]), {"contacts": [hidden.pk]})
    assert (response.status_code, mail.outbox, SentEmail.objects.count()) == (400, [], 0)
    with pytest.raises(WorkflowRefused):
        catalog_send(catalog=spring, contacts=[hidden], sender=cast.rep)


def test_the_recipient_lookup_offers_visible_contacts_who_accept_emails(cast, spring):
    michel = north_contact(cast, "Michel")
    north_contact(cast, "Mirabeau", do_not_email=True)
    north_contact(cast, "Mistral", email="")
    north_contact(cast, "Mignon", assigned_user=cast.rep2, team=cast.south)
    response = client_for(cast.rep).get(reverse("catalog_recipient_lookup"), {"q": "mi"})
    assert response.content.decode() == f'<option value="{michel.pk}">Léa Michel · michel@apollo.fr</option>'


def test_sending_is_refused_while_catalogs_are_off(cast, spring):
    michel = north_contact(cast, "Michel")
    CrmSettings.objects.filter(pk=1).update(manage_catalogs=False)
    response = client_for(cast.rep).post(reverse("catalog_send", args=[spring.pk]), {"contacts": [michel.pk]})
    assert (response.status_code, mail.outbox) == (404, [])
    with translation.override("en"), pytest.raises(WorkflowRefused, match="^Catalogs are not enabled.$"):
        catalog_send(catalog=spring, contacts=[michel], sender=cast.rep)


class RefusingInbox:
    """An SMTP server that refuses addresses starting with "unknown" and keeps the other messages."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown"):
            return "550 5.1.1 Unknown user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
    yield inbox
    controller.stop()


def test_one_address_refused_by_a_real_smtp_server_does_not_stop_the_others(cast, spring, smtp_inbox):
    unknown = north_contact(cast, "Unknown")
    michel = north_contact(cast, "Michel")
    client = english_client(cast.rep)
    response = client.post(reverse("catalog_send", args=[spring.pk]), {"contacts": [unknown.pk, michel.pk]})
    [envelope] = smtp_inbox.messages
    assert (response.status_code, envelope.rcpt_tos, b"printemps-2026.pdf" in envelope.content) == (
        302,
        ["michel@apollo.fr"],
        True,
    )
    assert list(SentEmail.objects.order_by("recipient").values_list("recipient", "status", "error")) == [
        ("michel@apollo.fr", SentEmailStatus.SENT, ""),
        ("unknown@apollo.fr", SentEmailStatus.FAILED, "550 5.1.1 Unknown user"),
    ]
    assert (email_activities(michel) != [], email_activities(unknown)) == (True, [])
    page = client.get(response.url).content.decode()
    assert "Not sent to unknown@apollo.fr: 550 5.1.1 Unknown user" in page


def test_the_send_page_opens_on_the_contacts_who_can_receive_the_catalog(cast, spring):
    michel = north_contact(cast, "Michel")
    refusing = north_contact(cast, "Refus", do_not_email=True)
    page = client_for(cast.rep).get(reverse("catalog_send", args=[spring.pk])).content.decode()
    assert f'<option value="{michel.pk}">Léa Michel · michel@apollo.fr</option>' in page
    assert f'value="{refusing.pk}"' not in page
