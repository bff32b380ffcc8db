"""Writes for third parties, their addresses and contacts."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, Address, Contact, CrmSettings, ProspectStatus, Sequence, ThirdParty, User
from crm.workflow import WorkflowRefused

from .activity import activity_record
from .records import bump_version, record_create, record_update, split_fields

THIRD_PARTY_SEQUENCE = "third_party"


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower() if "@" in email else ""


def third_party_create(*, user: User, fields: dict[str, Any]) -> ThirdParty:
    plain, many = split_fields(ThirdParty, fields)
    third_party = ThirdParty(**plain)
    with transaction.atomic():
        third_party.reference = Sequence.reserve(THIRD_PARTY_SEQUENCE, prefix="T")[0]
        return record_create(third_party, user=user, m2m=many)


def third_party_update(
    *, third_party: ThirdParty, user: User, fields: dict[str, Any], expected_version: int | None = None
) -> ThirdParty:
    return record_update(third_party, user=user, fields=fields, expected_version=expected_version)


def third_party_move_prospect_status(
    *,
    third_party: ThirdParty,
    user: User,
    status: ProspectStatus,
    expected_version: int | None = None,
) -> ThirdParty:
    """Click on a prospect status; the won status makes the prospect a customer (SPEC §3)."""
    from opportunities.services import third_party_promote_to_customer  # imports crm.services

    settings = CrmSettings.load()
    if not settings.manage_prospect_statuses:
        raise WorkflowRefused(_("Prospect statuses are not enabled in the CRM settings."))
    if not third_party.is_prospect:
        raise WorkflowRefused(
            _("This third party is no longer a prospect: its prospect status cannot change.")
        )
    if status.archived:
        raise WorkflowRefused(_("This status is archived."))
    current_id = third_party.prospect_status_id or settings.prospect_new_status_id
    if status.pk == current_id:
        return third_party
    with transaction.atomic():
        bump_version(third_party, expected_version=expected_version)
        before = third_party.prospect_status or settings.prospect_new_status
        third_party.prospect_status = status
        third_party.save(update_fields=["prospect_status", "version", "updated_at"])
        activity_record(
            record=third_party,
            actor=user,
            verb=ActivityVerb.STATUS_CHANGED,
            changes={"prospect_status": {"before": before.name if before else "", "after": status.name}},
        )
        if status.pk == settings.prospect_won_status_id:
            third_party_promote_to_customer(third_party=third_party, user=user, settings=settings)
    return third_party


def address_save(*, address: Address, user: User) -> Address:
    """Create or update an address; the first one becomes the default, and there is only one default."""
    with transaction.atomic():
        third_party = ThirdParty.objects.select_for_update().get(pk=address.third_party_id)
        siblings = third_party.addresses.exclude(pk=address.pk)
        if not siblings.exists():
            address.is_default = True
        if address.is_default:
            siblings.filter(is_default=True).update(is_default=False)
        created = address.pk is None
        address.save()
        message = _("Address added: %(address)s") if created else _("Address changed: %(address)s")
        activity_record(
            record=third_party, actor=user, verb=ActivityVerb.UPDATED, message=message % {"address": address}
        )
    return address


def address_delete(*, address: Address, user: User) -> None:
    with transaction.atomic():
        third_party = ThirdParty.objects.select_for_update().get(pk=address.third_party_id)
        was_default = address.is_default
        text = str(address)
        address.delete()
        if was_default:
            successor = third_party.addresses.order_by("pk").first()
            if successor:
                successor.is_default = True
                successor.save(update_fields=["is_default"])
        activity_record(
            record=third_party,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("Address removed: %(address)s") % {"address": text},
        )


def _contact_fields(contact: Contact, fields: dict[str, Any]) -> dict[str, Any]:
    """Derive the email domain and keep the main third party among the contact's third parties."""
    fields = dict(fields)
    if "email" in fields:
        fields["email_domain"] = email_domain(fields["email"])
    main = fields.get("main_third_party", contact.main_third_party if contact.main_third_party_id else None)
    if main is not None:
        third_parties = list(fields.get("third_parties", contact.third_parties.all() if contact.pk else []))
        if main not in third_parties:
            third_parties.append(main)
        fields["third_parties"] = third_parties
    return fields


def contact_create(*, user: User, fields: dict[str, Any]) -> Contact:
    contact = Contact()
    plain, many = split_fields(Contact, _contact_fields(contact, fields))
    for name, value in plain.items():
        setattr(contact, name, value)
    return record_create(contact, user=user, m2m=many)


def contact_update(
    *, contact: Contact, user: User, fields: dict[str, Any], expected_version: int | None = None
) -> Contact:
    return record_update(
        contact, user=user, fields=_contact_fields(contact, fields), expected_version=expected_version
    )
