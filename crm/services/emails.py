"""E-mails to leads and contacts (SPEC §4, §5.4): who may receive one, what the placeholders show,
sending through SMTP and recording each e-mail (SentEmail) with an Activity entry on its record.

Sending is synchronous, through Django's mail API: the person who clicks "Send" learns at once
whether the SMTP server took the e-mail, and one it refused is recorded as failed with the server's
answer, rather than retried in the background behind their back.
"""

import smtplib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from crm.models import ActivityVerb, Contact, SentEmail, SentEmailStatus, User
from crm.services.activity import activity_record
from crm.workflow import WorkflowRefused
from events.models import MessageTemplate
from leads.models import Lead

EmailableRecord = Lead | Contact

# The querysets' form of email_refusal(): what a list of possible recipients offers.
EMAILABLE = Q(do_not_email=False) & ~Q(email="")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class OutgoingEmail:
    record: EmailableRecord
    subject: str
    body: str
    template_name: str = ""
    attachments: tuple[Attachment, ...] = ()
    activity_message: str = ""


def email_refusal(record: EmailableRecord) -> str:
    """Why the record cannot be e-mailed, for the user; "" when it can."""
    if record.do_not_email:
        return gettext("%(name)s asked not to receive e-mails.") % {"name": record.full_name}
    if not record.email:
        return gettext("%(name)s has no e-mail address.") % {"name": record.full_name}
    return ""


def recipient_context(record: EmailableRecord) -> dict[str, str]:
    """The `recipient` placeholders; plain values, never the model (a template must not reach its relations)."""
    if isinstance(record, Contact):
        company = record.main_third_party.name if record.main_third_party else ""
    else:
        company = record.company_name
    return {
        "name": record.full_name,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "civility": str(record.get_civility_display()),
        "email": record.email,
        "company": company,
    }


def sender_context(user: User) -> dict[str, str]:
    return {
        "name": str(user),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def message_render(*, template: MessageTemplate, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body in the template's language and the CRM's time zone; refused if it cannot render."""
    try:
        with translation.override(template.language), timezone.override(timezone.get_default_timezone()):
            return template.render(context)
    except Exception as error:  # noqa: BLE001 - any failure of a template is the template's fault
        raise WorkflowRefused(
            gettext("The message template “%(name)s” cannot be used: %(error)s")
            % {"name": template.name, "error": error}
        ) from error


def record_email_render(
    *, record: EmailableRecord, template: MessageTemplate, sender: User
) -> tuple[str, str]:
    context = {"recipient": recipient_context(record), "sender": sender_context(sender)}
    return message_render(template=template, context=context)


def record_email_send(
    *,
    sender: User,
    record: EmailableRecord,
    template: MessageTemplate | None = None,
    subject: str = "",
    body: str = "",
) -> SentEmail:
    """E-mail one lead or contact, with the user's text or a message template rendered for them.

    What the user wrote wins; with a template, what they left blank comes from the template. Returns
    the SentEmail, whose status says whether the SMTP server accepted it.
    """
    refusal = email_refusal(record)
    if refusal:
        raise WorkflowRefused(refusal)
    if template is not None and not (subject.strip() and body.strip()):
        rendered_subject, rendered_body = record_email_render(record=record, template=template, sender=sender)
        subject = subject if subject.strip() else rendered_subject
        body = body if body.strip() else rendered_body
    subject = " ".join(subject.split())
    if not subject or not body.strip():
        raise WorkflowRefused(gettext("Write a subject and a message, or choose a message template."))
    email = OutgoingEmail(
        record=record,
        subject=subject,
        body=body,
        template_name=template.name if template is not None else "",
    )
    [sent_email] = emails_deliver(sender=sender, emails=[email])
    return sent_email


def emails_deliver(*, sender: User, emails: Sequence[OutgoingEmail]) -> list[SentEmail]:
    """Send each e-mail through one SMTP connection, then record them all in one transaction.

    Each e-mail becomes a SentEmail, sent or failed with the server's answer; each one that went out
    also writes an EMAIL_SENT entry in its record's activity. One refused e-mail does not stop the
    others. Every recipient is checked first: nothing goes out if one of them may not be e-mailed.
    """
    for email in emails:
        refusal = email_refusal(email.record)
        if refusal:
            raise WorkflowRefused(refusal)
    messages = [_message(email, sender=sender) for email in emails]
    errors, moments = _send_each(messages)
    with transaction.atomic():
        sent_emails = SentEmail.objects.bulk_create(
            [
                SentEmail(
                    sender=sender,
                    recipient=email.record.email,
                    subject=email.subject[:255],
                    body=email.body,
                    template_name=email.template_name[:100],
                    attachment_names=", ".join(attachment.filename for attachment in email.attachments)[:500],
                    content_type=ContentType.objects.get_for_model(email.record),
                    object_id=email.record.pk,
                    sent_at=moment,
                    status=SentEmailStatus.FAILED if error else SentEmailStatus.SENT,
                    error=error,
                )
                for email, error, moment in zip(emails, errors, moments, strict=True)
            ]
        )
        for email, sent_email in zip(emails, sent_emails, strict=True):
            if sent_email.is_sent:
                activity_record(
                    record=email.record,
                    actor=sender,
                    verb=ActivityVerb.EMAIL_SENT,
                    message=email.activity_message
                    or gettext("E-mail “%(subject)s” sent to %(email)s")
                    % {"subject": email.subject, "email": email.record.email},
                )
    return sent_emails


def _message(email: OutgoingEmail, *, sender: User) -> EmailMessage:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.record.email],
        reply_to=[sender.email] if sender.email else [],
    )
    for attachment in email.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _send_each(messages: list[EmailMessage]) -> tuple[list[str], list[Any]]:
    """The SMTP error of each message ("" when the server accepted it) and when it was sent."""
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:  # unreachable server, refused login… (SMTPException is an OSError)
        now = timezone.now()
        return [smtp_error_text(error)] * len(messages), [now] * len(messages)
    errors: list[str] = []
    moments = []
    try:
        for message in messages:
            try:
                connection.send_messages([message])
            except OSError as error:
                errors.append(smtp_error_text(error))
            else:
                errors.append("")
            moments.append(timezone.now())
    finally:
        with suppress(OSError):
            connection.close()
    return errors, moments


def smtp_error_text(error: OSError) -> str:
    """The server's answer in one line ("550 5.1.1 Unknown user"), else the error's own text."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [_answer(code, text) for code, text in error.recipients.values()]
        return "; ".join(answers) or str(error)
    if isinstance(error, smtplib.SMTPResponseException):
        return _answer(error.smtp_code, error.smtp_error)
    return str(error) or type(error).__name__


def _answer(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return " ".join(f"{code} {message}".split())
