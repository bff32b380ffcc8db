"""E-mails from a lead or a contact (SPEC §4): templates, free text, refusals, visibility, the lists."""

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from crm.models import Activity, ActivityVerb, SentEmail, SentEmailStatus
from crm.services.emails import record_email_send
from crm.workflow import WorkflowRefused
from events.models import MessageTemplate
from tests.conftest import client_for
from tests.factories import ContactFactory, LeadFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up() -> MessageTemplate:
    return MessageTemplate.objects.create(
        name="Relance",
        language="fr",
        subject="Suite à notre échange, {{ recipient.civility }} {{ recipient.last_name }}",
        body="Bonjour {{ recipient.name }},\n\nJe reviens vers vous au sujet de {{ recipient.company }}.",
        signature="Cordialement,\n{{ sender.name }} ({{ sender.email }})",
    )


def north_contact(cast, **fields):
    apollo = ThirdPartyFactory(name="Apollo", assigned_user=cast.rep, team=cast.north)
    defaults = {
        "civility": "mrs",
        "first_name": "Léa",
        "last_name": "Michel",
        "email": "lea.michel@apollo.fr",
        "main_third_party": apollo,
        "assigned_user": cast.rep,
        "team": cast.north,
        "companies": [cast.north_company],
    }
    return ContactFactory(**{**defaults, **fields})


def english_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_sending_a_templated_email_to_a_contact_renders_the_placeholders_and_records_it(cast, follow_up):
    # given
    contact = north_contact(cast)
    cast.rep.first_name, cast.rep.last_name = "Paul", "Girard"
    # when
    with translation.override("en"):
        sent_email = record_email_send(sender=cast.rep, record=contact, template=follow_up)
    # then
    [message] = mail.outbox
    assert (message.subject, message.body, message.to, message.reply_to, message.from_email) == (
        "Suite à notre échange, Mrs Michel",
        "Bonjour Léa Michel,\n\nJe reviens vers vous au sujet de Apollo.\n\n"
        "Cordialement,\nPaul Girard (rep@example.fr)",
        ["lea.michel@apollo.fr"],
        ["rep@example.fr"],
        settings.DEFAULT_FROM_EMAIL,
    )
    sent_email.refresh_from_db()
    assert (
        sent_email.sender,
        sent_email.recipient,
        sent_email.subject,
        sent_email.body,
        sent_email.template_name,
        sent_email.record,
        sent_email.status,
        sent_email.error,
    ) == (
        cast.rep,
        "lea.michel@apollo.fr",
        message.subject,
        message.body,
        "Relance",
        contact,
        SentEmailStatus.SENT,
        "",
    )
    activity = Activity.objects.get(
        content_type=ContentType.objects.get_for_model(contact), object_id=contact.pk
    )
    assert (activity.verb, activity.actor, activity.message) == (
        ActivityVerb.EMAIL_SENT,
        cast.rep,
        "E-mail “Suite à notre échange, Mrs Michel” sent to lea.michel@apollo.fr",
    )


def test_the_email_page_fills_the_chosen_template_in_for_the_contact(cast, follow_up):
    contact = north_contact(cast)
    response = client_for(cast.rep).get(
        reverse("record_email", args=["contact", contact.pk]), {"template": follow_up.pk}
    )
    form = response.context["form"]
    assert (form.initial["template"], form.initial["subject"], form.initial["body"].splitlines()[0]) == (
        follow_up,
        "Suite à notre échange, Mme Michel",  # the template's language: French
        "Bonjour Léa Michel,",
    )


def test_an_email_edited_after_choosing_a_template_is_sent_as_written(cast, follow_up):
    contact = north_contact(cast)
    response = client_for(cast.rep).post(
        reverse("record_email", args=["contact", contact.pk]),
        {"template": follow_up.pk, "subject": "Notre rendez-vous", "body": "Bonjour Léa, à jeudi."},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    sent_email = SentEmail.objects.get()
    assert (message.subject, message.body, sent_email.template_name) == (
        "Notre rendez-vous",
        "Bonjour Léa, à jeudi.",
        "Relance",
    )


def test_a_free_text_email_is_sent_from_the_lead_page(cast):
    lead = LeadFactory(
        first_name="Jeanne", last_name="Lefebvre", email="j.lefebvre@prospect.fr", assigned_user=cast.rep
    )
    client = english_client(cast.rep)
    response = client.post(
        reverse("record_email", args=["lead", lead.pk]),
        {"subject": "  Votre demande \n de devis ", "body": "Bonjour,\nVoici notre proposition."},
    )
    # Back to the lead's page, on its E-mails tab.
    assert (response.status_code, response.url) == (302, lead.get_absolute_url() + "#emails")
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == (
        "Votre demande de devis",
        "Bonjour,\nVoici notre proposition.",
        ["j.lefebvre@prospect.fr"],
    )
    sent_email = SentEmail.objects.get()
    assert (sent_email.record, sent_email.template_name, sent_email.status) == (
        lead,
        "",
        SentEmailStatus.SENT,
    )
    assert Activity.objects.filter(object_id=lead.pk, verb=ActivityVerb.EMAIL_SENT).count() == 1
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "E-mail sent to j.lefebvre@prospect.fr." in page


def test_an_email_without_subject_or_message_is_refused_beside_the_fields(cast):
    contact = north_contact(cast)
    response = english_client(cast.rep).post(
        reverse("record_email", args=["contact", contact.pk]), {"subject": "", "body": ""}
    )
    form = response.context["form"]
    with translation.override("en"):
        errors = (
            [str(error) for error in form.errors["subject"]],
            [str(error) for error in form.errors["body"]],
        )
    assert (response.status_code, *errors, mail.outbox) == (
        400,
        ["This field is required."],
        ["This field is required."],
        [],
    )


def test_the_service_refuses_a_contact_who_asked_not_to_be_emailed(cast):
    contact = north_contact(cast, do_not_email=True)
    with (
        translation.override("en"),
        pytest.raises(WorkflowRefused, match="^Léa Michel asked not to receive e-mails.$"),
    ):
        record_email_send(sender=cast.rep, record=contact, subject="Bonjour", body="Un message")
    assert (mail.outbox, SentEmail.objects.count(), Activity.objects.count()) == ([], 0, 0)


def test_the_email_page_refuses_a_contact_who_asked_not_to_be_emailed(cast):
    contact = north_contact(cast, do_not_email=True)
    client = english_client(cast.rep)
    url = reverse("record_email", args=["contact", contact.pk])
    page = client.get(url)
    response = client.post(url, {"subject": "Bonjour", "body": "Un message"})
    assert (page.context["refusal"], response.status_code, response.context["form"].non_field_errors()) == (
        "Léa Michel asked not to receive e-mails.",
        400,
        ["Léa Michel asked not to receive e-mails."],
    )
    assert (mail.outbox, SentEmail.objects.count()) == ([], 0)


def test_a_lead_without_an_email_address_cannot_be_emailed(cast):
    lead = LeadFactory(first_name="Jeanne", last_name="Lefebvre", email="", assigned_user=cast.rep)
    with (
        translation.override("en"),
        pytest.raises(WorkflowRefused, match="^Jeanne Lefebvre has no e-mail address.$"),
    ):
        record_email_send(sender=cast.rep, record=lead, subject="Bonjour", body="Un message")
    assert mail.outbox == []


def test_the_detail_pages_disable_the_send_button_with_the_reason(cast):
    refusing = north_contact(cast, do_not_email=True)
    without_address = LeadFactory(email="", assigned_user=cast.rep)
    reachable = north_contact(cast, last_name="Bernard", email="bernard@apollo.fr")
    client = english_client(cast.rep)
    refusing_page = client.get(refusing.get_absolute_url()).content.decode()
    lead_page = client.get(without_address.get_absolute_url()).content.decode()
    reachable_page = client.get(reachable.get_absolute_url()).content.decode()
    assert (
        'disabled title="This person asked not to receive e-mails.">Send an e-mail</button>' in refusing_page
    )
    assert 'disabled title="No e-mail address.">Send an e-mail</button>' in lead_page
    assert (
        f'href="{reverse("record_email", args=["contact", reachable.pk])}">Send an e-mail</a>'
        in reachable_page
    )


def test_the_emails_section_lists_the_record_s_emails_newest_first(cast):
    contact = north_contact(cast)
    other = north_contact(cast, last_name="Bernard", email="bernard@apollo.fr")
    for subject in ("Premier", "Second"):
        record_email_send(sender=cast.rep, record=contact, subject=subject, body="Texte")
    record_email_send(sender=cast.rep, record=other, subject="Autre", body="Texte")
    response = client_for(cast.rep).get(
        reverse("record_emails", args=["contact", contact.pk]), headers={"HX-Request": "true"}
    )
    assert [email.subject for email in response.context["emails"]] == ["Second", "Premier"]
    assert "<html" not in response.content.decode()


def test_a_rep_gets_404_for_another_team_s_contact(cast):
    contact = north_contact(cast, assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    client = client_for(cast.rep)
    responses = [
        client.get(reverse("record_email", args=["contact", contact.pk])),
        client.post(reverse("record_email", args=["contact", contact.pk]), {"subject": "Hi", "body": "Hi"}),
        client.get(reverse("record_emails", args=["contact", contact.pk])),
    ]
    assert [response.status_code for response in responses] == [404, 404, 404]
    assert (mail.outbox, SentEmail.objects.count()) == ([], 0)


def test_a_rep_cannot_open_an_email_sent_to_another_team_s_contact(cast):
    contact = north_contact(cast, assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    sent_email = record_email_send(sender=cast.rep2, record=contact, subject="Privé", body="Texte")
    response = client_for(cast.rep).get(reverse("sent_email_detail", args=[sent_email.pk]))
    assert response.status_code == 404
    assert client_for(cast.rep2).get(reverse("sent_email_detail", args=[sent_email.pk])).status_code == 200


def test_a_rep_lists_their_own_emails_and_a_manager_those_of_the_records_they_see(cast):
    north = north_contact(cast)
    colleague_lead = LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company)
    south = north_contact(
        cast,
        last_name="Sud",
        email="sud@apollo.fr",
        assigned_user=cast.rep2,
        team=cast.south,
        companies=[cast.south_company],
    )
    record_email_send(sender=cast.rep, record=north, subject="Rep au nord", body="Texte")
    record_email_send(sender=cast.manager, record=colleague_lead, subject="Manager au nord", body="Texte")
    record_email_send(sender=cast.rep2, record=south, subject="Rep au sud", body="Texte")

    def subjects(user):
        response = client_for(user).get(reverse("sent_email_list"), {"sort": "subject"})
        return [email.subject for email in response.context["object_list"]]

    assert subjects(cast.rep) == ["Rep au nord"]
    assert subjects(cast.manager) == ["Manager au nord", "Rep au nord"]
    assert subjects(cast.admin) == ["Manager au nord", "Rep au nord", "Rep au sud"]


def test_the_sent_emails_list_filters_by_status_and_kind_of_record(cast):
    contact = north_contact(cast)
    lead = LeadFactory(assigned_user=cast.rep)
    record_email_send(sender=cast.rep, record=contact, subject="Au contact", body="Texte")
    record_email_send(sender=cast.rep, record=lead, subject="À la piste", body="Texte")
    SentEmail.objects.filter(subject="À la piste").update(status=SentEmailStatus.FAILED)
    client = client_for(cast.rep)

    def subjects(**filters):
        response = client.get(reverse("sent_email_list"), filters)
        return [email.subject for email in response.context["object_list"]]

    assert (subjects(kind="lead"), subjects(status="sent"), subjects(q="contact")) == (
        ["À la piste"],
        ["Au contact"],
        ["Au contact"],
    )


def test_the_sent_emails_list_runs_the_same_number_of_queries_for_10_or_50_rows(cast):
    for index in range(25):
        contact = north_contact(cast, last_name=f"Contact{index}", email=f"c{index}@apollo.fr")
        lead = LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company)
        record_email_send(sender=cast.rep, record=contact, subject=f"Contact {index}", body="Texte")
        record_email_send(sender=cast.rep, record=lead, subject=f"Lead {index}", body="Texte")
    client = client_for(cast.manager)

    def queries(per_page):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("sent_email_list"), {"per_page": per_page})
        assert len(response.context["object_list"]) == per_page
        return len(captured)

    assert queries(10) == queries(50)


def test_system_templates_are_not_offered_for_a_free_email(cast, follow_up):
    contact = north_contact(cast)
    response = client_for(cast.rep).get(reverse("record_email", args=["contact", contact.pk]))
    assert [template.name for template in response.context["templates"]] == ["Relance"]


class Inbox:
    """An SMTP server's handler that refuses addresses starting with "unknown"."""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 10
    yield inbox
    controller.stop()


def test_a_real_smtp_server_receives_the_email(cast, smtp_inbox):
    contact = north_contact(cast)
    sent_email = record_email_send(sender=cast.rep, record=contact, subject="Devis n°42", body="Bonjour Léa")
    [envelope] = smtp_inbox.messages
    message = message_from_bytes(envelope.content)
    assert (envelope.rcpt_tos, str(make_header(decode_header(message["Subject"]))), sent_email.status) == (
        ["lea.michel@apollo.fr"],
        "Devis n°42",
        SentEmailStatus.SENT,
    )


def test_an_address_the_smtp_server_refuses_is_recorded_as_failed_and_shown(cast, smtp_inbox):
    contact = north_contact(cast, email="unknown@apollo.fr")
    response = english_client(cast.rep).post(
        reverse("record_email", args=["contact", contact.pk]), {"subject": "Bonjour", "body": "Un message"}
    )
    sent_email = SentEmail.objects.get()
    assert (response.status_code, sent_email.status, sent_email.error) == (
        502,
        SentEmailStatus.FAILED,
        "550 5.1.1 Unknown user",
    )
    assert response.context["form"].non_field_errors() == [
        "The e-mail could not be sent: 550 5.1.1 Unknown user"
    ]
    assert (smtp_inbox.messages, Activity.objects.filter(verb=ActivityVerb.EMAIL_SENT).count()) == ([], 0)
