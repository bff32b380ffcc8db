"""Writing to a contact from their page, through a real local SMTP server (SPEC §4)."""

import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from crm.services.parties import contact_create, third_party_create

from .conftest import BROWSER_TEST, french, login, success_message


def contact_email_exists() -> bool:
    try:
        reverse("record_email", args=["contact", 1])
    except NoReverseMatch:
        return False
    return True


pytestmark = [
    *BROWSER_TEST,
    pytest.mark.skipif(
        not contact_email_exists(), reason="e-mailing a contact (URL name record_email) is not there yet"
    ),
]


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on this machine, the one the app sends through for this test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_a_rep_emails_a_contact_and_sees_it_on_the_contacts_page(page: Page, cast, smtp_inbox):
    from crm.models import SentEmail, SentEmailStatus  # here: the module loads (and skips) without them

    third_party = third_party_create(
        user=cast.rep, fields={"name": "Boulangerie Dupain", "is_prospect": True}
    )
    contact = contact_create(
        user=cast.rep,
        fields={
            "first_name": "Hélène",
            "last_name": "Lefèvre",
            "email": "helene@dupain.fr",
            "main_third_party": third_party,
        },
    )
    login(page, "rep")
    page.goto(f"/contacts/{contact.pk}/")

    page.locator(f".page-header a[href='{reverse('record_email', args=['contact', contact.pk])}']").click()
    page.locator("#id_subject").fill("Votre devis de four à pain")
    page.locator("#id_body").fill("Bonjour Hélène,\n\nVoici notre proposition.\n\nCamille")
    page.locator("form.record-form button[type=submit]").click()

    expect(success_message(page)).to_have_text(
        french("E-mail sent to %(email)s.") % {"email": "helene@dupain.fr"}
    )
    expect(page.locator("#activity")).to_contain_text(
        french("E-mail “%(subject)s” sent to %(email)s")
        % {"subject": "Votre devis de four à pain", "email": "helene@dupain.fr"}
    )
    expect(page.locator("#emails a", has_text="Votre devis de four à pain")).to_have_count(1)
    sent = SentEmail.objects.get()
    assert (sent.record, sent.recipient, sent.subject, sent.sender, sent.status) == (
        contact,
        "helene@dupain.fr",
        "Votre devis de four à pain",
        cast.rep,
        SentEmailStatus.SENT,
    )
    [message] = smtp_inbox.messages
    assert (str(make_header(decode_header(message["Subject"]))), message["To"], message["Reply-To"]) == (
        "Votre devis de four à pain",
        "helene@dupain.fr",
        cast.rep.email,
    )
