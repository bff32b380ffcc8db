"""Lead conversion: third party (new or existing) × contact (none, new, existing) × opportunity (yes/no).

All or nothing: any refusal rolls the whole conversion back.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    TYPE_FLAGS,
    ActivityVerb,
    Address,
    Contact,
    CrmSettings,
    ProspectStatus,
    ThirdParty,
    User,
)
from crm.services.activity import activity_record
from crm.services.parties import address_save, contact_create, third_party_create
from crm.services.records import bump_version
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused, run_transition, save_after_transition
from leads.models import Lead
from opportunities.models import Opportunity
from opportunities.services import opportunity_create

# Fields that carry over from the lead to the records it creates, when the lead has them.
SHARED_FIELDS = ("email", "phone", "mobile_phone", "assigned_user", "team")
THIRD_PARTY_FIELDS = (
    *SHARED_FIELDS,
    "website",
    "industry_sector",
    "size",
    "is_key_account",
    "scoring",
    "source",
    "category",
)
CONTACT_FIELDS = (
    *SHARED_FIELDS,
    "civility",
    "first_name",
    "last_name",
    "function",
    "department",
    "do_not_call",
    "do_not_email",
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
)
ADDRESS_FIELDS = ("line1", "line2", "postcode", "city", "country")


class ContactMode(StrEnum):
    NONE = "none"
    NEW = "new"
    EXISTING = "existing"


@dataclass
class ConversionRequest:
    third_party: ThirdParty | None = None  # None: create a new third party from the lead
    third_party_types: set[str] = field(default_factory=lambda: {"is_prospect"})
    prospect_status: ProspectStatus | None = None
    contact_mode: ContactMode = ContactMode.NEW
    contact: Contact | None = None
    create_opportunity: bool = False
    opportunity_name: str = ""
    opportunity_amount: Decimal | None = None
    opportunity_close_date: date | None = None


@dataclass
class ConversionResult:
    lead: Lead
    third_party: ThirdParty
    contact: Contact | None
    opportunity: Opportunity | None


def lead_convert(*, lead: Lead, user: User, request: ConversionRequest) -> ConversionResult:
    _check_request(request, user=user)
    with transaction.atomic():
        run_transition(lead, "convert", user=user, refused_message=_("Only an open lead can be converted."))
        third_party = request.third_party or _third_party_from_lead(lead, user=user, request=request)
        contact = _contact_for(lead, user=user, request=request, third_party=third_party)
        opportunity = _opportunity_for(
            lead, user=user, request=request, third_party=third_party, contact=contact
        )
        _close_lead(lead, user=user, third_party=third_party, contact=contact)
        for record in filter(None, (third_party, contact, opportunity)):
            activity_record(
                record=record,
                actor=user,
                verb=ActivityVerb.CONVERTED,
                message=_("Linked by the conversion of lead %(lead)s") % {"lead": lead},
            )
    return ConversionResult(lead=lead, third_party=third_party, contact=contact, opportunity=opportunity)


def _check_request(request: ConversionRequest, *, user: User) -> None:
    unknown_types = request.third_party_types - set(TYPE_FLAGS)
    if unknown_types:
        raise WorkflowRefused(
            _("Unknown third-party type: %(types)s") % {"types": ", ".join(sorted(unknown_types))}
        )
    if request.third_party is None and not request.third_party_types:
        raise WorkflowRefused(_("Choose at least one type for the new third party."))
    if request.third_party and not _visible(ThirdParty, request.third_party.pk, user=user):
        raise WorkflowRefused(_("This third party does not exist or is not visible to you."))
    if request.contact_mode == ContactMode.EXISTING:
        if request.contact is None:
            raise WorkflowRefused(_("Choose the existing contact."))
        if not _visible(Contact, request.contact.pk, user=user):
            raise WorkflowRefused(_("This contact does not exist or is not visible to you."))


def _visible(model: type[ThirdParty] | type[Contact], pk: int, *, user: User) -> bool:
    return visible_records(model.objects.filter(pk=pk), user=user).exists()  # type: ignore[attr-defined]


def _carried(lead: Lead, names: tuple[str, ...]) -> dict:
    values = {name: getattr(lead, name) for name in names}
    return {name: value for name, value in values.items() if value not in ("", None)}


def _third_party_from_lead(lead: Lead, *, user: User, request: ConversionRequest) -> ThirdParty:
    settings = CrmSettings.load()
    fields = _carried(lead, THIRD_PARTY_FIELDS)
    fields.update({flag: flag in request.third_party_types for flag in TYPE_FLAGS})
    fields["name"] = lead.company_name or lead.full_name
    fields["note"] = lead.description
    fields["tags"] = list(lead.tags.all())
    fields["companies"] = [lead.company] if lead.company_id else []
    if settings.manage_prospect_statuses and "is_prospect" in request.third_party_types:
        fields["prospect_status"] = request.prospect_status or settings.prospect_new_status
    third_party = third_party_create(user=user, fields=fields)
    if lead.line1 or lead.city:
        address = Address(
            third_party=third_party, is_invoicing=True, is_default=True, **_carried(lead, ADDRESS_FIELDS)
        )
        address_save(address=address, user=user)
    return third_party


def _contact_for(
    lead: Lead, *, user: User, request: ConversionRequest, third_party: ThirdParty
) -> Contact | None:
    if request.contact_mode == ContactMode.NONE:
        return None
    if request.contact_mode == ContactMode.EXISTING:
        contact = request.contact
        assert contact is not None  # checked by _check_request
        contact.third_parties.add(third_party)
        return contact
    fields = _carried(lead, CONTACT_FIELDS)
    fields.update(
        {
            "main_third_party": third_party,
            "tags": list(lead.tags.all()),
            "companies": [lead.company] if lead.company_id else [],
            "note": lead.description,
        }
    )
    return contact_create(user=user, fields=fields)


def _opportunity_for(
    lead: Lead, *, user: User, request: ConversionRequest, third_party: ThirdParty, contact: Contact | None
) -> Opportunity | None:
    if not request.create_opportunity:
        return None
    fields = {
        "name": request.opportunity_name or _("Opportunity %(name)s") % {"name": third_party.name},
        "third_party": third_party,
        "contact": contact,
        "origin_lead": lead,
        "scoring": lead.scoring,
        "source": lead.source,
        "assigned_user": lead.assigned_user,
        "team": lead.team,
        "company": lead.company,
        "expected_close_date": request.opportunity_close_date,
        "description": lead.description,
    }
    if request.opportunity_amount is not None:
        fields["amount"] = request.opportunity_amount
    return opportunity_create(user=user, fields=fields)


def _close_lead(lead: Lead, *, user: User, third_party: ThirdParty, contact: Contact | None) -> None:
    settings = CrmSettings.load()
    before = lead.status
    lead.status = settings.lead_converted_status
    lead.converted_third_party = third_party
    lead.converted_contact = contact
    lead.converted_at = timezone.now()
    bump_version(lead)
    save_after_transition(lead)
    activity_record(
        record=lead,
        actor=user,
        verb=ActivityVerb.CONVERTED,
        message=_("Converted to %(third_party)s") % {"third_party": third_party},
        changes={"status": {"before": before.name, "after": lead.status.name}},
    )
