"""Opportunity writes: create, status moves, win (and the prospect's promotion), lose, reopen (SPEC §3, §3.2)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from crm.models import Activity, ActivityVerb, CrmSettings, LostReason, ProspectStatus, ThirdParty
from crm.services.records import ConcurrentUpdateError
from crm.workflow import WorkflowRefused
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus
from opportunities.services import (
    opportunities_lose,
    opportunity_create,
    opportunity_lose,
    opportunity_move,
    opportunity_win,
)
from tests.factories import OpportunityFactory, ThirdPartyFactory, UserFactory

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


def status(name):
    return OpportunityStatus.objects.get(name=name)


def reason(name="Concurrent retenu"):
    return LostReason.objects.get(name=name)


def stored(opportunity):
    return Opportunity.objects.get(pk=opportunity.pk)


def enable_prospect_statuses():
    settings = CrmSettings.load()
    settings.manage_prospect_statuses = True
    settings.save()


@pytest.fixture
def prospect(cast):
    return ThirdPartyFactory(
        name="Boulangerie Dupain",
        is_prospect=True,
        assigned_user=cast.rep,
        team=cast.north,
        companies=[cast.north_company],
    )


@pytest.fixture
def opportunity(cast, prospect):
    return opportunity_create(user=cast.rep, fields={"name": "Farine bio 2026", "third_party": prospect})


# opportunity_create


def test_a_new_opportunity_gets_the_configured_new_status(opportunity):
    assert (stored(opportunity).status, stored(opportunity).stage) == (
        status("À traiter"),
        OpportunityStage.OPEN,
    )


def test_a_new_opportunity_belongs_to_the_active_company_of_its_creator(cast):
    opportunity = opportunity_create(user=cast.rep2, fields={"name": "Farine bio 2026"})
    assert stored(opportunity).company == cast.south_company


def test_a_new_opportunity_is_assigned_to_its_creator_and_their_team_by_default(opportunity, cast):
    assert (stored(opportunity).assigned_user, stored(opportunity).team) == (cast.rep, cast.north)


def test_a_new_opportunity_records_who_created_it(opportunity, cast):
    assert [(a.verb, a.actor) for a in activities_of(opportunity)] == [(ActivityVerb.CREATED, cast.rep)]


# opportunity_move between open statuses


def test_moving_an_opportunity_to_another_open_status_changes_its_status(cast, opportunity):
    opportunity_move(opportunity=opportunity, user=cast.rep, status=status("Qualification commerciale"))
    opportunity = stored(opportunity)
    assert (opportunity.status, opportunity.stage, opportunity.version, opportunity.closed_at) == (
        status("Qualification commerciale"),
        OpportunityStage.OPEN,
        2,
        None,
    )


def test_moving_an_opportunity_records_the_status_change_with_before_and_after(cast, opportunity):
    opportunity_move(opportunity=opportunity, user=cast.manager, status=status("Nurturing"))
    entry = activities_of(opportunity).last()
    assert (entry.verb, entry.actor, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        cast.manager,
        {"status": {"before": "À traiter", "after": "Nurturing"}},
    )


def test_moving_an_opportunity_to_its_current_status_changes_nothing(cast, opportunity):
    opportunity_move(opportunity=opportunity, user=cast.rep, status=status("À traiter"))
    assert (stored(opportunity).version, activities_of(opportunity).count()) == (1, 1)


def test_moving_an_opportunity_to_an_archived_status_is_refused(cast, opportunity):
    OpportunityStatus.objects.filter(name="Nurturing").update(archived=True)
    with pytest.raises(WorkflowRefused) as refusal:
        opportunity_move(opportunity=opportunity, user=cast.rep, status=status("Nurturing"))
    assert str(refusal.value) == "This status is archived."
    assert (stored(opportunity).status, stored(opportunity).version) == (status("À traiter"), 1)


def test_moving_an_opportunity_that_changed_since_it_was_opened_is_refused(cast, opportunity):
    opportunity_move(opportunity=stored(opportunity), user=cast.manager, status=status("Nurturing"))
    with pytest.raises(ConcurrentUpdateError):
        opportunity_move(
            opportunity=opportunity, user=cast.rep, status=status("Proposition"), expected_version=1
        )
    assert (stored(opportunity).status, stored(opportunity).version) == (status("Nurturing"), 2)


# opportunity_move to the won and lost statuses


def test_moving_an_opportunity_to_the_won_status_wins_it(cast, opportunity):
    started = timezone.now()
    opportunity_move(opportunity=opportunity, user=cast.rep, status=status("Fermée gagnée"))
    opportunity = stored(opportunity)
    assert (opportunity.status, opportunity.stage, opportunity.probability, opportunity.is_open) == (
        status("Fermée gagnée"),
        OpportunityStage.WON,
        100,
        False,
    )
    assert started <= opportunity.closed_at <= timezone.now()


def test_moving_an_opportunity_to_the_lost_status_loses_it_with_the_reason(cast, opportunity):
    started = timezone.now()
    opportunity_move(
        opportunity=opportunity, user=cast.rep, status=status("Fermée perdue"), lost_reason=reason()
    )
    opportunity = stored(opportunity)
    assert (opportunity.status, opportunity.stage, opportunity.probability, opportunity.lost_reason) == (
        status("Fermée perdue"),
        OpportunityStage.LOST,
        0,
        reason(),
    )
    assert started <= opportunity.closed_at <= timezone.now()


def test_losing_an_opportunity_records_the_status_change_and_the_reason(cast, opportunity):
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason())
    entry = activities_of(opportunity).last()
    assert (entry.verb, entry.message, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        "Lost: Concurrent retenu",
        {"status": {"before": "À traiter", "after": "Fermée perdue"}},
    )


def test_losing_an_opportunity_with_a_note_appends_it_to_the_description(cast, prospect):
    opportunity = opportunity_create(
        user=cast.rep, fields={"name": "Farine", "third_party": prospect, "description": "Appel d'offres."}
    )
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason(), note="Écart de prix de 12 %.")
    assert stored(opportunity).description == "Appel d'offres.\n\nÉcart de prix de 12 %."


@pytest.mark.parametrize("closed_status", ["Fermée gagnée", "Fermée perdue"])
def test_moving_a_closed_opportunity_to_an_open_status_reopens_it(cast, opportunity, closed_status):
    opportunity_move(
        opportunity=opportunity, user=cast.rep, status=status(closed_status), lost_reason=reason()
    )
    opportunity_move(opportunity=opportunity, user=cast.rep, status=status("Proposition"))
    opportunity = stored(opportunity)
    assert (opportunity.status, opportunity.stage, opportunity.closed_at, opportunity.lost_reason) == (
        status("Proposition"),
        OpportunityStage.OPEN,
        None,
        None,
    )
    assert activities_of(opportunity).last().changes == {
        "status": {"before": closed_status, "after": "Proposition"}
    }


def test_a_user_without_a_role_is_not_allowed_to_reopen_an_opportunity(cast, opportunity):
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason())
    nobody = UserFactory(username="nobody")
    with pytest.raises(WorkflowRefused) as refusal:
        opportunity_move(opportunity=opportunity, user=nobody, status=status("Proposition"))
    assert str(refusal.value) == "You are not allowed to do this."
    assert (stored(opportunity).stage, stored(opportunity).status) == (
        OpportunityStage.LOST,
        status("Fermée perdue"),
    )


# opportunity_win


def test_winning_records_the_status_change(cast, opportunity):
    opportunity_win(opportunity=opportunity, user=cast.rep)
    entry = activities_of(opportunity).last()
    assert (entry.verb, entry.message, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        "Won",
        {"status": {"before": "À traiter", "after": "Fermée gagnée"}},
    )


def test_winning_a_prospects_opportunity_makes_the_prospect_a_customer(cast, prospect, opportunity):
    opportunity_win(opportunity=opportunity, user=cast.rep)
    third_party = ThirdParty.objects.get(pk=prospect.pk)
    assert (third_party.is_prospect, third_party.is_customer, third_party.version) == (False, True, 2)


def test_winning_a_prospects_opportunity_records_the_promotion_on_the_third_party(
    cast, prospect, opportunity
):
    opportunity_win(opportunity=opportunity, user=cast.rep)
    [entry] = activities_of(prospect)
    assert (entry.verb, entry.actor, entry.message, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        cast.rep,
        "Won: the prospect became a customer",
        {
            "is_prospect": {"before": True, "after": False},
            "is_customer": {"before": False, "after": True},
        },
    )


def test_a_won_prospect_keeps_its_prospect_status_when_prospect_statuses_are_off(cast, prospect, opportunity):
    ThirdParty.objects.filter(pk=prospect.pk).update(
        prospect_status=ProspectStatus.objects.get(name="Nurturing")
    )
    opportunity_win(opportunity=stored(opportunity), user=cast.rep)
    assert ThirdParty.objects.get(pk=prospect.pk).prospect_status.name == "Nurturing"


def test_a_won_prospect_gets_the_won_prospect_status_when_prospect_statuses_are_on(
    cast, prospect, opportunity
):
    enable_prospect_statuses()
    ThirdParty.objects.filter(pk=prospect.pk).update(
        prospect_status=ProspectStatus.objects.get(name="Nurturing")
    )
    opportunity_win(opportunity=stored(opportunity), user=cast.rep)
    assert ThirdParty.objects.get(pk=prospect.pk).prospect_status.name == "Gagné"


def test_winning_offers_to_close_the_prospects_other_open_opportunities_visible_to_the_user(
    cast, prospect, opportunity
):
    # Given the prospect has another open opportunity, a lost one, and an open one of another team
    other_open = OpportunityFactory(name="Levure", third_party=prospect, assigned_user=cast.rep)
    lost = OpportunityFactory(name="Sucre", third_party=prospect, assigned_user=cast.rep)
    opportunity_lose(opportunity=lost, user=cast.rep, reason=reason())
    OpportunityFactory(
        name="Sel", third_party=prospect, assigned_user=cast.rep2, team=cast.south, company=cast.south_company
    )
    # When the rep wins the first one
    result = opportunity_win(opportunity=opportunity, user=cast.rep)
    # Then only the other open one they can see is offered
    assert result.opportunity == opportunity
    assert result.other_open_opportunities == [other_open]


def test_winning_a_customers_opportunity_offers_nothing_to_close(cast):
    customer = ThirdPartyFactory(is_prospect=False, is_customer=True, assigned_user=cast.rep)
    opportunity = OpportunityFactory(third_party=customer, assigned_user=cast.rep)
    OpportunityFactory(third_party=customer, assigned_user=cast.rep)
    result = opportunity_win(opportunity=opportunity, user=cast.rep)
    assert result.other_open_opportunities == []
    customer = ThirdParty.objects.get(pk=customer.pk)
    assert (customer.is_prospect, customer.is_customer, customer.version) == (False, True, 1)
    assert activities_of(customer).count() == 0


def test_winning_an_opportunity_without_a_third_party_offers_nothing_to_close(cast):
    opportunity = OpportunityFactory(third_party=None, assigned_user=cast.rep)
    assert opportunity_win(opportunity=opportunity, user=cast.rep).other_open_opportunities == []
    assert stored(opportunity).stage == OpportunityStage.WON


def test_an_opportunity_cannot_be_won_twice(cast, prospect, opportunity):
    opportunity_win(opportunity=opportunity, user=cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        opportunity_win(opportunity=opportunity, user=cast.rep)
    assert str(refusal.value) == "Only an open opportunity can be won."
    assert (stored(opportunity).version, ThirdParty.objects.get(pk=prospect.pk).version) == (2, 2)


def test_a_lost_opportunity_cannot_be_won(cast, opportunity):
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason())
    with pytest.raises(WorkflowRefused) as refusal:
        opportunity_win(opportunity=opportunity, user=cast.rep)
    assert str(refusal.value) == "Only an open opportunity can be won."
    assert (stored(opportunity).stage, stored(opportunity).probability) == (OpportunityStage.LOST, 0)


def test_a_user_without_a_role_is_not_allowed_to_win_an_opportunity(cast, prospect, opportunity):
    nobody = UserFactory(username="nobody")
    with pytest.raises(WorkflowRefused) as refusal:
        opportunity_win(opportunity=opportunity, user=nobody)
    assert str(refusal.value) == "You are not allowed to do this."
    assert (stored(opportunity).stage, ThirdParty.objects.get(pk=prospect.pk).is_prospect) == (
        OpportunityStage.OPEN,
        True,
    )


def test_the_stage_cannot_be_assigned_directly(opportunity):
    with pytest.raises(AttributeError, match="Direct stage modification is not allowed"):
        opportunity.stage = OpportunityStage.WON


# opportunities_lose


def test_losing_several_opportunities_closes_each_of_them(cast, prospect):
    opportunities = [OpportunityFactory(third_party=prospect, amount=Decimal("100")) for _ in range(3)]
    opportunities_lose(opportunities=opportunities, user=cast.rep, reason=reason())
    assert [(o.status.name, o.stage, o.probability, o.lost_reason) for o in map(stored, opportunities)] == [
        ("Fermée perdue", OpportunityStage.LOST, 0, reason())
    ] * 3


def test_losing_several_opportunities_changes_nothing_when_one_is_already_closed(cast, prospect):
    # Given two open opportunities and a won one last in the list
    first, second = OpportunityFactory(third_party=prospect), OpportunityFactory(third_party=prospect)
    won = OpportunityFactory(third_party=ThirdPartyFactory(is_prospect=False, is_customer=True))
    opportunity_win(opportunity=won, user=cast.rep)
    # When
    with pytest.raises(WorkflowRefused) as refusal:
        opportunities_lose(opportunities=[first, second, won], user=cast.rep, reason=reason())
    # Then all or nothing: the open ones are still open
    assert str(refusal.value) == "Only an open opportunity can be lost."
    assert [(o.stage, o.status.name, o.version) for o in map(stored, (first, second, won))] == [
        (OpportunityStage.OPEN, "À traiter", 1),
        (OpportunityStage.OPEN, "À traiter", 1),
        (OpportunityStage.WON, "Fermée gagnée", 2),
    ]
    assert activities_of(first).count() == 0
