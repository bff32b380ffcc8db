"""Quotes: create (the opportunity moves to Proposal), send, confirm (may win it), refuse (SPEC §2.3, §3.2)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from crm.models import Activity, ActivityVerb, CrmSettings, LostReason, ThirdParty
from crm.workflow import WorkflowRefused
from opportunities.models import Opportunity, OpportunityStage, Quote, QuoteStatus
from opportunities.services import WinResult, opportunity_create, opportunity_lose, opportunity_win
from opportunities.services.quotes import LineInput, quote_confirm, quote_create, quote_refuse, quote_send
from tests.factories import OpportunityFactory, QuoteFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Refusal messages are asserted in English, whatever the French catalogue says."""
    with translation.override("en"):
        yield


def activities_of(record):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).order_by("pk")


def stored(record):
    return type(record).objects.get(pk=record.pk)


def close_won_on_quote_confirmed():
    settings = CrmSettings.load()
    settings.close_won_on_quote_confirmed = True
    settings.save()


LINES = [
    LineInput(label="Sac de farine bio 25 kg", quantity=Decimal("12"), unit_price=Decimal("18.40")),
    LineInput(label="Levure fraîche", quantity=Decimal("0.75"), unit_price=Decimal("7.99")),
]


@pytest.fixture
def prospect(cast):
    return ThirdPartyFactory(
        name="Boulangerie Dupain", assigned_user=cast.rep, team=cast.north, companies=[cast.north_company]
    )


@pytest.fixture
def opportunity(cast, prospect):
    return opportunity_create(user=cast.rep, fields={"name": "Farine bio 2026", "third_party": prospect})


@pytest.fixture
def quote(cast, opportunity):
    return quote_create(opportunity=opportunity, user=cast.rep, lines=LINES)


# quote_create


def test_quotes_are_numbered_from_the_quote_sequence(cast, opportunity):
    first = quote_create(opportunity=opportunity, user=cast.rep, lines=LINES)
    second = quote_create(opportunity=opportunity, user=cast.rep, lines=LINES)
    assert (stored(first).reference, stored(second).reference) == ("D000001", "D000002")


def test_a_quote_total_is_the_sum_of_its_lines_rounded_to_the_cent(quote):
    # 12 × 18.40 = 220.80 and 0.75 × 7.99 = 5.9925
    assert stored(quote).total == Decimal("226.79")


def test_a_line_amount_ending_in_half_a_cent_is_rounded_up(cast, opportunity):
    quote = quote_create(
        opportunity=opportunity,
        user=cast.rep,
        lines=[LineInput(label="Levure", quantity=Decimal("1.5"), unit_price=Decimal("19.99"))],
    )
    assert stored(quote).total == Decimal("29.99")


def test_a_quote_keeps_its_lines_in_order(quote):
    assert [
        (line.sequence, line.label, line.quantity, line.unit_price, line.amount)
        for line in stored(quote).lines.all()
    ] == [
        (0, "Sac de farine bio 25 kg", Decimal("12.000"), Decimal("18.40"), Decimal("220.80")),
        (1, "Levure fraîche", Decimal("0.750"), Decimal("7.99"), Decimal("5.99")),
    ]


def test_a_quote_without_lines_is_worth_nothing(cast, opportunity):
    quote = quote_create(opportunity=opportunity, user=cast.rep, lines=[])
    assert stored(quote).total == Decimal("0.00")


def test_a_quote_copies_the_third_party_company_currency_and_owner_of_its_opportunity(
    cast, prospect, opportunity
):
    quote = stored(quote_create(opportunity=opportunity, user=cast.manager, lines=LINES))
    assert (
        quote.opportunity,
        quote.third_party,
        quote.company,
        quote.currency,
        quote.assigned_user,
        quote.team,
    ) == (opportunity, prospect, cast.north_company, "EUR", cast.rep, cast.north)


def test_a_new_quote_is_a_draft(quote):
    assert (stored(quote).status, stored(quote).confirmed_at) == (QuoteStatus.DRAFT, None)


def test_creating_a_quote_moves_the_opportunity_to_the_proposal_status(opportunity, quote):
    opportunity = stored(opportunity)
    assert (opportunity.status.name, opportunity.stage, opportunity.version) == (
        "Proposition",
        OpportunityStage.OPEN,
        2,
    )


def test_creating_a_quote_is_recorded_on_the_opportunity(cast, opportunity, quote):
    assert [(a.verb, a.actor, a.message, a.changes) for a in activities_of(opportunity)][1:] == [
        (ActivityVerb.UPDATED, cast.rep, "Quote D000001 created", {}),
        (
            ActivityVerb.STATUS_CHANGED,
            cast.rep,
            "",
            {"status": {"before": "À traiter", "after": "Proposition"}},
        ),
    ]


def test_a_second_quote_leaves_an_opportunity_already_in_proposal_where_it_is(cast, opportunity, quote):
    quote_create(opportunity=opportunity, user=cast.rep, lines=LINES)
    assert stored(opportunity).version == 2
    assert activities_of(opportunity).filter(verb=ActivityVerb.STATUS_CHANGED).count() == 1


def test_a_quote_cannot_be_created_for_a_closed_opportunity(cast, opportunity):
    opportunity_lose(
        opportunity=opportunity, user=cast.rep, reason=LostReason.objects.get(name="Sans réponse")
    )
    with pytest.raises(WorkflowRefused) as refusal:
        quote_create(opportunity=opportunity, user=cast.rep, lines=LINES)
    assert str(refusal.value) == "A quote can only be created for an open opportunity."
    assert (Quote.objects.count(), stored(opportunity).status.name) == (0, "Fermée perdue")


# quote_send, quote_refuse


def test_sending_a_draft_quote_marks_it_sent(cast, quote):
    quote_send(quote=quote, user=cast.rep)
    assert stored(quote).status == QuoteStatus.SENT
    assert (activities_of(quote).last().verb, activities_of(quote).last().message) == (
        ActivityVerb.STATUS_CHANGED,
        "Quote sent",
    )


def test_a_sent_quote_cannot_be_sent_again(cast, quote):
    quote_send(quote=quote, user=cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        quote_send(quote=quote, user=cast.rep)
    assert str(refusal.value) == "Only a draft quote can be sent."


@pytest.mark.parametrize("sent_first", [False, True])
def test_a_draft_or_sent_quote_can_be_refused(cast, quote, sent_first):
    if sent_first:
        quote_send(quote=quote, user=cast.rep)
    quote_refuse(quote=quote, user=cast.rep)
    assert (stored(quote).status, activities_of(quote).last().message) == (
        QuoteStatus.REFUSED,
        "Quote refused",
    )


def test_a_confirmed_quote_cannot_be_refused(cast, quote):
    quote_confirm(quote=quote, user=cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        quote_refuse(quote=quote, user=cast.rep)
    assert str(refusal.value) == "Only a draft or sent quote can be refused."
    assert stored(quote).status == QuoteStatus.CONFIRMED


def test_the_quote_status_cannot_be_assigned_directly(quote):
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        quote.status = QuoteStatus.CONFIRMED


# quote_confirm


@pytest.mark.parametrize("sent_first", [False, True])
def test_a_draft_or_sent_quote_can_be_confirmed(cast, quote, sent_first):
    if sent_first:
        quote_send(quote=quote, user=cast.rep)
    started = timezone.now()
    quote_confirm(quote=quote, user=cast.rep)
    quote = stored(quote)
    assert quote.status == QuoteStatus.CONFIRMED
    assert started <= quote.confirmed_at <= timezone.now()


def test_confirming_a_quote_is_recorded_on_the_quote(cast, quote):
    quote_confirm(quote=quote, user=cast.manager)
    entry = activities_of(quote).last()
    assert (entry.verb, entry.actor, entry.message) == (
        ActivityVerb.STATUS_CHANGED,
        cast.manager,
        "Quote confirmed: it is now a sales order",
    )


def test_confirming_a_quote_leaves_the_opportunity_open_when_the_setting_is_off(cast, opportunity, quote):
    _quote, win = quote_confirm(quote=quote, user=cast.rep)
    assert win is None
    assert (stored(opportunity).stage, stored(opportunity).status.name) == (
        OpportunityStage.OPEN,
        "Proposition",
    )


def test_confirming_a_quote_wins_the_opportunity_when_the_setting_is_on(cast, prospect, opportunity, quote):
    # Given the setting is on and the prospect has another open opportunity
    close_won_on_quote_confirmed()
    other = OpportunityFactory(name="Levure", third_party=prospect, assigned_user=cast.rep)
    # When
    confirmed, win = quote_confirm(quote=quote, user=cast.rep)
    # Then the opportunity is won, the prospect a customer, and the other one is offered to close
    assert (confirmed, stored(confirmed).status) == (quote, QuoteStatus.CONFIRMED)
    assert isinstance(win, WinResult)
    assert (win.opportunity, win.other_open_opportunities) == (opportunity, [other])
    won = stored(opportunity)
    assert (won.stage, won.status.name, won.probability) == (OpportunityStage.WON, "Fermée gagnée", 100)
    assert ThirdParty.objects.get(pk=prospect.pk).is_customer is True


def test_confirming_a_quote_of_an_already_won_opportunity_wins_nothing_more(cast, opportunity, quote):
    close_won_on_quote_confirmed()
    opportunity_win(opportunity=stored(opportunity), user=cast.rep)
    _quote, win = quote_confirm(quote=quote, user=cast.rep)
    assert win is None
    assert (stored(quote).status, stored(opportunity).version) == (QuoteStatus.CONFIRMED, 3)


def test_a_refused_quote_cannot_be_confirmed(cast, opportunity, quote):
    close_won_on_quote_confirmed()
    quote_refuse(quote=quote, user=cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        quote_confirm(quote=quote, user=cast.rep)
    assert str(refusal.value) == "Only a draft or sent quote can be confirmed."
    assert (stored(quote).status, stored(quote).confirmed_at) == (QuoteStatus.REFUSED, None)
    assert stored(opportunity).stage == OpportunityStage.OPEN


def test_a_confirmed_quote_cannot_be_confirmed_again(cast, quote):
    quote_confirm(quote=quote, user=cast.rep)
    confirmed_at = stored(quote).confirmed_at
    with pytest.raises(WorkflowRefused) as refusal:
        quote_confirm(quote=quote, user=cast.rep)
    assert str(refusal.value) == "Only a draft or sent quote can be confirmed."
    assert stored(quote).confirmed_at == confirmed_at


def test_the_quote_factory_makes_a_draft_of_its_opportunitys_third_party():
    quote = QuoteFactory()
    assert (quote.status, quote.third_party) == (QuoteStatus.DRAFT, quote.opportunity.third_party)
    assert isinstance(quote.opportunity, Opportunity)
