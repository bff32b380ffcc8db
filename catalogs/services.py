"""Writes on catalogs: create and edit them (files included), their types, and send a catalog to
contacts by e-mail with the "Catalog sending" message template (SPEC §5.4)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from crm.models import Contact, CrmSettings, SentEmail, User
from crm.services.emails import (
    Attachment,
    OutgoingEmail,
    email_refusal,
    emails_deliver,
    message_render,
    recipient_context,
    sender_context,
)
from crm.services.reference import reference_create, reference_name_clean
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused
from events.models import MessageTemplate
from events.selectors import message_template_for

from .models import Catalog, CatalogType

CATALOG_FIELDS = ("name", "type", "description", "logo", "pdf_file")
FILE_FIELDS = ("logo", "pdf_file")


@dataclass
class CatalogSending:
    """What happened to each chosen contact."""

    sent: list[SentEmail] = field(default_factory=list)
    failed: list[SentEmail] = field(default_factory=list)
    skipped: list[tuple[Contact, str]] = field(default_factory=list)


def catalogs_enabled() -> bool:
    return CrmSettings.load().manage_catalogs


def can_add_catalog(user: User) -> bool:
    return user.has_perm("catalogs.add_catalog")


def can_change_catalog(user: User) -> bool:
    return user.has_perm("catalogs.change_catalog")


def can_manage_catalog_types(user: User) -> bool:
    return user.has_perm("catalogs.add_catalogtype") and user.has_perm("catalogs.change_catalogtype")


def _require(allowed: bool) -> None:
    if not catalogs_enabled():
        raise WorkflowRefused(gettext("Catalogs are not enabled."))
    if not allowed:
        raise WorkflowRefused(gettext("You are not allowed to do this."))


@transaction.atomic
def catalog_create(*, user: User, fields: dict[str, Any]) -> Catalog:
    """A new catalog from checked values (crm forms check the files' content: catalogs.validators)."""
    _require(can_add_catalog(user))
    catalog = Catalog(created_by=user)
    _apply(catalog, fields)
    catalog.full_clean()
    catalog.save()
    return catalog


@transaction.atomic
def catalog_update(*, catalog: Catalog, user: User, fields: dict[str, Any]) -> Catalog:
    """Apply the changes; a replaced or removed file is deleted from the disk once the change is saved."""
    _require(can_change_catalog(user))
    # From the database: a ModelForm has already put the new files on the instance.
    replaced = dict(
        zip(FILE_FIELDS, Catalog.objects.values_list(*FILE_FIELDS).get(pk=catalog.pk), strict=True)
    )
    _apply(catalog, fields)
    catalog.full_clean()
    catalog.save()
    storage = catalog.pdf_file.storage
    for name, old_name in replaced.items():
        if old_name and getattr(catalog, name).name != old_name:
            transaction.on_commit(partial(storage.delete, old_name))
    return catalog


def _apply(catalog: Catalog, fields: dict[str, Any]) -> None:
    for name in CATALOG_FIELDS:
        if name in fields:
            # save_form_data: None keeps the current file, False clears it, an upload replaces it.
            catalog._meta.get_field(name).save_form_data(catalog, fields[name])  # type: ignore[union-attr]


@transaction.atomic
def catalog_type_save(*, user: User, name: str, catalog_type: CatalogType | None = None) -> CatalogType:
    _require(can_manage_catalog_types(user))
    if catalog_type is None:
        return reference_create(kind="catalog-types", fields={"name": name}, user=user)  # type: ignore[return-value]
    catalog_type.name = reference_name_clean(name)
    catalog_type.full_clean()
    catalog_type.save()
    return catalog_type


def catalog_send(*, catalog: Catalog, contacts: Iterable[Contact], sender: User) -> CatalogSending:
    """E-mail the catalog's PDF to each contact with the "Catalog sending" template in their language.

    Contacts who may not be e-mailed are skipped, with the reason. Every e-mail is rendered before
    any goes out: a template that cannot render sends and records nothing. Then each e-mail is sent
    on its own — one the server refuses is recorded as failed, the others still go — and each one
    sent writes an EMAIL_SENT entry in its contact's activity.
    """
    if not catalogs_enabled():
        raise WorkflowRefused(gettext("Catalogs are not enabled."))
    contacts = list(contacts)
    visible = set(
        visible_records(Contact.objects.filter(pk__in=[c.pk for c in contacts]), user=sender).values_list(
            "pk", flat=True
        )
    )
    if any(contact.pk not in visible for contact in contacts):
        raise WorkflowRefused(gettext("You are not allowed to do this."))
    report = CatalogSending()
    recipients = []
    for contact in contacts:
        refusal = email_refusal(contact)
        if refusal:
            report.skipped.append((contact, refusal))
        else:
            recipients.append(contact)
    if not recipients:
        return report
    attachment = Attachment(
        filename=catalog.download_name, content=_pdf_content(catalog), mimetype="application/pdf"
    )
    templates: dict[str, MessageTemplate] = {}
    emails = []
    for contact in recipients:
        if contact.language not in templates:
            templates[contact.language] = _catalog_template(language=contact.language)
        template = templates[contact.language]
        emails.append(
            _catalog_email(catalog, template, contact=contact, sender=sender, attachment=attachment)
        )
    for sent_email in emails_deliver(sender=sender, emails=emails):
        (report.sent if sent_email.is_sent else report.failed).append(sent_email)
    return report


def _pdf_content(catalog: Catalog) -> bytes:
    if not catalog.pdf_file:
        raise WorkflowRefused(gettext("This catalog has no PDF file."))
    try:
        with catalog.pdf_file.open("rb") as pdf:
            return pdf.read()
    except OSError as error:
        raise WorkflowRefused(gettext("The catalog's PDF file cannot be read.")) from error


def _catalog_template(*, language: str) -> MessageTemplate:
    template = message_template_for(name=MessageTemplate.CATALOG_SENDING, language=language)
    if template is None:
        raise WorkflowRefused(
            gettext('The message template "%(name)s" is missing.') % {"name": MessageTemplate.CATALOG_SENDING}
        )
    return template


def _catalog_email(
    catalog: Catalog, template: MessageTemplate, *, contact: Contact, sender: User, attachment: Attachment
) -> OutgoingEmail:
    context = {
        "catalog": {
            "name": catalog.name,
            "type": str(catalog.type or ""),
            "description": catalog.description,
        },
        "recipient": recipient_context(contact),
        "sender": sender_context(sender),
    }
    subject, body = message_render(template=template, context=context)
    return OutgoingEmail(
        record=contact,
        subject=" ".join(subject.split()),
        body=body,
        template_name=template.name,
        attachments=(attachment,),
        activity_message=gettext("Catalog “%(catalog)s” sent by e-mail to %(email)s")
        % {"catalog": catalog.name, "email": contact.email},
    )
