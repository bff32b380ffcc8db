"""Reads on leads, always through crm.visibility."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import QuerySet

from crm.duplicates import duplicate_key
from crm.filters import search_contacts
from crm.models import Contact, ThirdParty, User
from crm.visibility import visible_records
from leads.models import Lead, LeadStatus
from opportunities.models import Opportunity


class LeadScope(StrEnum):
    ALL = "all"
    MINE = "my"
    OPEN = "open"
    CLOSED = "closed"


def lead_list(*, user: User, scope: LeadScope = LeadScope.ALL) -> QuerySet[Lead]:
    """The visible leads of a list page, with what a row shows joined in (no per-row query)."""
    queryset = visible_records(Lead.objects.all(), user=user).select_related(
        "status", "assigned_user", "team", "company"
    )
    if scope == LeadScope.MINE:
        return queryset.filter(assigned_user=user)
    if scope == LeadScope.OPEN:
        return queryset.filter(status__is_open=True)
    if scope == LeadScope.CLOSED:
        return queryset.filter(status__is_open=False)
    return queryset


def lead_detail(*, user: User, pk: int) -> Lead:
    """The lead if the user may see it; raises Lead.DoesNotExist otherwise."""
    queryset = visible_records(Lead.objects.all(), user=user).select_related(
        "status",
        "assigned_user",
        "team",
        "company",
        "function",
        "department",
        "industry_sector",
        "source",
        "category",
        "lost_reason",
    )
    return queryset.prefetch_related("tags").get(pk=pk)


def visible_leads(*, user: User, pks: list[int]) -> list[Lead]:
    return list(visible_records(Lead.objects.filter(pk__in=pks), user=user))


def lead_statuses() -> list[LeadStatus]:
    """The statuses of the status bar: not archived, in their configured order."""
    return list(LeadStatus.objects.filter(archived=False).order_by("sequence", "pk"))


@dataclass
class ConversionLinks:
    """What a converted lead led to, limited to the records the user may see."""

    third_party: ThirdParty | None = None
    contact: Contact | None = None
    opportunities: list[Opportunity] = field(default_factory=list)


def lead_conversion_links(*, lead: Lead, user: User) -> ConversionLinks:
    links = ConversionLinks(
        opportunities=list(
            visible_records(lead.opportunities.all(), user=user).select_related("status", "third_party")
        )
    )
    if lead.converted_third_party_id:
        links.third_party = visible_records(
            ThirdParty.objects.filter(pk=lead.converted_third_party_id), user=user
        ).first()
    if lead.converted_contact_id:
        links.contact = visible_records(
            Contact.objects.filter(pk=lead.converted_contact_id), user=user
        ).first()
    return links


@dataclass(frozen=True)
class Namesakes:
    leads: bool
    contacts: bool


def lead_namesakes(*, lead: Lead, user: User) -> Namesakes:
    """Whether other visible leads or contacts have the lead's last and first names (duplicate hint)."""
    keys = {
        "last_name_key": duplicate_key(lead.last_name),
        "first_name_key": duplicate_key(lead.first_name),
    }
    other_leads = Lead.objects.filter(**keys).exclude(pk=lead.pk)
    return Namesakes(
        leads=visible_records(other_leads, user=user).exists(),
        contacts=visible_records(Contact.objects.filter(**keys), user=user).exists(),
    )


def _as_pk(value: str | int | None) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def visible_third_party(*, user: User, pk: str | int | None) -> ThirdParty | None:
    """The third party with this id (a query-string value, say) if the user may see it."""
    key = _as_pk(pk)
    if key is None:
        return None
    return visible_records(ThirdParty.objects.filter(pk=key), user=user).first()


def visible_contact(*, user: User, pk: str | int | None) -> Contact | None:
    """The contact with this id (a query-string value, say) if the user may see it."""
    key = _as_pk(pk)
    if key is None:
        return None
    return visible_records(Contact.objects.filter(pk=key), user=user).first()


def contact_options(*, user: User, text: str, third_party_pk: str = "", limit: int = 20) -> list[Contact]:
    """Contacts for the lookup widget: visible, matching the typed words, optionally of one third party."""
    queryset = search_contacts(visible_records(Contact.objects.all(), user=user), text)
    third_party_key = _as_pk(third_party_pk)
    if third_party_key is not None:
        queryset = queryset.filter(third_parties=third_party_key)
    return list(queryset.order_by("last_name", "first_name", "pk")[:limit])
