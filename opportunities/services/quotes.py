"""Quotes: create (the opportunity moves to Proposal), send, confirm (may win it), refuse."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, CrmSettings, Sequence, User
from crm.services.activity import activity_record
from crm.services.records import record_create
from crm.workflow import WorkflowRefused, run_transition, save_after_transition
from opportunities.models import Opportunity, Quote, QuoteLine, QuoteStatus

from . import WinResult, opportunity_move, opportunity_win

QUOTE_SEQUENCE = "quote"


@dataclass(frozen=True)
class LineInput:
    label: str
    quantity: Decimal
    unit_price: Decimal


def quote_create(*, opportunity: Opportunity, user: User, lines: list[LineInput]) -> Quote:
    if not opportunity.is_open:
        raise WorkflowRefused(_("A quote can only be created for an open opportunity."))
    settings = CrmSettings.load()
    with transaction.atomic():
        quote = Quote(
            reference=Sequence.reserve(QUOTE_SEQUENCE, prefix="D")[0],
            opportunity=opportunity,
            third_party=opportunity.third_party,
            company=opportunity.company,
            currency=opportunity.currency,
            assigned_user=opportunity.assigned_user or user,
            team=opportunity.team,
        )
        record_create(quote, user=user)
        QuoteLine.objects.bulk_create(
            QuoteLine(
                quote=quote,
                sequence=index,
                label=line.label,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for index, line in enumerate(lines)
        )
        quote.total = sum((line.amount for line in quote.lines.all()), Decimal("0"))
        quote.save(update_fields=["total"])
        activity_record(
            record=opportunity,
            actor=user,
            verb=ActivityVerb.UPDATED,
            message=_("Quote %(reference)s created") % {"reference": quote.reference},
        )
        proposal = settings.opportunity_proposal_status
        if proposal is not None and opportunity.status_id != proposal.pk:
            opportunity_move(opportunity=opportunity, user=user, status=proposal)
    return quote


def _quote_transition(quote: Quote, name: str, *, user: User, refused: str, message: str) -> Quote:
    run_transition(quote, name, user=user, refused_message=refused)
    if quote.status == QuoteStatus.CONFIRMED:
        quote.confirmed_at = timezone.now()
    save_after_transition(quote)
    activity_record(record=quote, actor=user, verb=ActivityVerb.STATUS_CHANGED, message=message)
    return quote


def quote_send(*, quote: Quote, user: User) -> Quote:
    with transaction.atomic():
        return _quote_transition(
            quote, "send", user=user, refused=_("Only a draft quote can be sent."), message=_("Quote sent")
        )


def quote_refuse(*, quote: Quote, user: User) -> Quote:
    with transaction.atomic():
        return _quote_transition(
            quote,
            "refuse",
            user=user,
            refused=_("Only a draft or sent quote can be refused."),
            message=_("Quote refused"),
        )


def quote_confirm(*, quote: Quote, user: User) -> tuple[Quote, WinResult | None]:
    """Confirm the quote (it becomes the sales order); wins the opportunity when the setting says so."""
    with transaction.atomic():
        _quote_transition(
            quote,
            "confirm",
            user=user,
            refused=_("Only a draft or sent quote can be confirmed."),
            message=_("Quote confirmed: it is now a sales order"),
        )
        opportunity = Opportunity.objects.get(pk=quote.opportunity_id)
        if CrmSettings.load().close_won_on_quote_confirmed and opportunity.is_open:
            return quote, opportunity_win(opportunity=opportunity, user=user)
    return quote, None
