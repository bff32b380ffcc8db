"""Reads on opportunities and quotes, always through crm.visibility."""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import OuterRef, QuerySet

from crm.models import Contact, ThirdParty, User
from crm.visibility import is_visible, visible_records
from leads.models import Lead
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus, Quote


class OpportunityScope(StrEnum):
    ALL = "all"
    MINE = "my"
    OPEN = "open"
    CLOSED = "closed"


def opportunity_list(*, user: User, scope: OpportunityScope = OpportunityScope.ALL) -> QuerySet[Opportunity]:
    """The visible opportunities of a list page, with what a row shows joined in (no per-row query)."""
    third_party = ThirdParty.objects.filter(pk=OuterRef("third_party_id"))
    queryset = (
        visible_records(Opportunity.objects.all(), user=user)
        .select_related("status", "third_party", "assigned_user")
        .annotate(third_party_visible=is_visible(third_party, user=user))
    )
    if scope == OpportunityScope.MINE:
        return queryset.filter(assigned_user=user)
    if scope == OpportunityScope.OPEN:
        return queryset.filter(status__is_open=True)
    if scope == OpportunityScope.CLOSED:
        return queryset.filter(status__is_open=False)
    return queryset


def opportunity_detail(*, user: User, pk: int) -> Opportunity:
    """The opportunity if the user may see it; raises Opportunity.DoesNotExist otherwise."""
    return (
        visible_records(Opportunity.objects.all(), user=user)
        .select_related("status", "assigned_user", "team", "company", "source", "lost_reason")
        .get(pk=pk)
    )


@dataclass
class OpportunityLinks:
    """The records an opportunity points to, limited to those the user may see."""

    third_party: ThirdParty | None = None
    contact: Contact | None = None
    origin_lead: Lead | None = None


def opportunity_links(*, opportunity: Opportunity, user: User) -> OpportunityLinks:
    links = OpportunityLinks()
    if opportunity.third_party_id:
        links.third_party = visible_records(
            ThirdParty.objects.filter(pk=opportunity.third_party_id), user=user
        ).first()
    if opportunity.contact_id:
        links.contact = visible_records(Contact.objects.filter(pk=opportunity.contact_id), user=user).first()
    if opportunity.origin_lead_id:
        links.origin_lead = visible_records(
            Lead.objects.filter(pk=opportunity.origin_lead_id), user=user
        ).first()
    return links


def opportunity_statuses() -> list[OpportunityStatus]:
    """The statuses of the status bar: not archived, in their configured order."""
    return list(OpportunityStatus.objects.filter(archived=False).order_by("sequence", "pk"))


def opportunity_quotes(*, opportunity: Opportunity, user: User) -> QuerySet[Quote]:
    return visible_records(opportunity.quotes.all(), user=user).order_by("-created_at", "-pk")


def open_opportunities(*, user: User, pks: list[int]) -> QuerySet[Opportunity]:
    """Among `pks`, the visible opportunities still open (the ones a user may close as lost)."""
    return (
        visible_records(Opportunity.objects.filter(pk__in=pks), user=user)
        .filter(stage=OpportunityStage.OPEN)
        .select_related("third_party", "status")
        .order_by("name", "pk")
    )


def quote_detail(*, user: User, pk: int) -> Quote:
    """The quote if the user may see it; raises Quote.DoesNotExist otherwise."""
    return (
        visible_records(Quote.objects.all(), user=user)
        .select_related("assigned_user", "team", "company")
        .prefetch_related("lines")
        .get(pk=pk)
    )


def visible_opportunity(*, user: User, pk: int | None) -> Opportunity | None:
    if pk is None:
        return None
    return visible_records(Opportunity.objects.filter(pk=pk), user=user).select_related("status").first()


def third_party_opportunities(*, third_party: ThirdParty, user: User) -> QuerySet[Opportunity]:
    """The Opportunities tab of a third party: the visible ones, newest first."""
    return visible_records(third_party.opportunities.all(), user=user).select_related("status")


def contact_opportunities(*, contact: Contact, user: User) -> QuerySet[Opportunity]:
    """The Opportunities tab of a contact: the visible ones, newest first."""
    return visible_records(contact.opportunities.all(), user=user).select_related("status")
