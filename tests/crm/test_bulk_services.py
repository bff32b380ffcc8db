"""Actions on many records at once: all or nothing, visible records only, one Activity entry each."""

import pytest
from django.utils import translation

from crm.models import Activity, ActivityVerb, Contact, LostReason, Tag, ThirdParty
from crm.services.bulk import records_add_tag, records_assign, records_delete, records_move
from crm.workflow import WorkflowRefused
from leads.models import Lead, LeadStatus
from leads.services import lead_edit_refusal, lead_lose, lead_move
from opportunities.models import Opportunity
from tests.factories import ContactFactory, LeadFactory, OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def stored(record):
    return type(record).objects.get(pk=record.pk)


def activities_of(record):
    return Activity.objects.filter(object_id=record.pk, content_type__model=record._meta.model_name)


# records_assign


def test_assigning_gives_the_records_to_the_user_and_the_team_with_one_activity_each(cast):
    leads = [LeadFactory(assigned_user=cast.rep, team=cast.north) for _ in range(2)]
    count = records_assign(
        model=Lead, pks=[lead.pk for lead in leads], user=cast.rep, assigned_user=cast.rep2, team=cast.south
    )
    assert count == 2
    for lead in leads:
        assert (stored(lead).assigned_user, stored(lead).team, stored(lead).version) == (
            cast.rep2,
            cast.south,
            2,
        )
        [entry] = activities_of(lead)
        assert entry.changes == {
            "assigned_user": {"before": str(cast.rep), "after": str(cast.rep2)},
            "team": {"before": str(cast.north), "after": str(cast.south)},
        }


def test_assigning_only_a_team_keeps_the_assigned_user(cast):
    contact = ContactFactory(assigned_user=cast.rep, team=cast.north)
    records_assign(model=Contact, pks=[contact.pk], user=cast.rep, assigned_user=None, team=cast.south)
    assert (stored(contact).assigned_user, stored(contact).team) == (cast.rep, cast.south)


def test_assigning_without_a_user_or_a_team_is_refused(cast):
    lead = LeadFactory(assigned_user=cast.rep)
    with pytest.raises(WorkflowRefused):
        records_assign(model=Lead, pks=[lead.pk], user=cast.rep, assigned_user=None, team=None)


def test_assigning_records_that_already_have_the_assignee_changes_nothing(cast):
    lead = LeadFactory(assigned_user=cast.rep2, team=cast.north)
    assert records_assign(model=Lead, pks=[lead.pk], user=cast.rep, assigned_user=cast.rep2) == 0
    assert stored(lead).version == 1
    assert not activities_of(lead).exists()


def test_a_selection_with_an_invisible_record_changes_nothing(cast):
    visible = ThirdPartyFactory(assigned_user=cast.rep)
    hidden = ThirdPartyFactory(assigned_user=cast.rep2, team=cast.south)
    with pytest.raises(WorkflowRefused) as refusal:
        records_assign(
            model=ThirdParty, pks=[visible.pk, hidden.pk], user=cast.rep, assigned_user=cast.manager
        )
    assert str(refusal.value) == "Some of these records are not visible to you: nothing was changed."
    assert [stored(tp).assigned_user for tp in (visible, hidden)] == [cast.rep, cast.rep2]
    assert not Activity.objects.exists()


# records_add_tag


def test_adding_a_tag_tags_the_records_that_lack_it_and_bumps_their_version(cast):
    vip = Tag.objects.get(name="VIP")
    tagged = LeadFactory(assigned_user=cast.rep, tags=[vip])
    untagged = LeadFactory(assigned_user=cast.rep)
    count = records_add_tag(model=Lead, pks=[tagged.pk, untagged.pk], user=cast.rep, tag=vip)
    assert count == 1
    assert list(stored(untagged).tags.all()) == [vip]
    assert (stored(tagged).version, stored(untagged).version) == (1, 2)
    assert [a.message for a in activities_of(untagged)] == ["Tag added: VIP"]


def test_a_closed_lead_in_the_selection_refuses_the_tag_for_all(cast):
    vip = Tag.objects.get(name="VIP")
    open_lead = LeadFactory(assigned_user=cast.rep)
    lost = LeadFactory(assigned_user=cast.rep, last_name="Perdu")
    lead_lose(lead=lost, user=cast.rep, reason=LostReason.objects.first())
    with pytest.raises(WorkflowRefused) as refusal:
        records_add_tag(
            model=Lead, pks=[open_lead.pk, lost.pk], user=cast.rep, tag=vip, refuse=lead_edit_refusal
        )
    assert str(refusal.value) == (
        f"{stored(lost)}: A converted or lost lead cannot be edited. Reopen a lost lead first. "
        "Nothing was changed."
    )
    assert not stored(open_lead).tags.exists()


def test_opportunities_take_tags_too(cast):
    vip = Tag.objects.get(name="VIP")
    opportunity = OpportunityFactory(assigned_user=cast.rep)
    records_add_tag(model=Opportunity, pks=[opportunity.pk], user=cast.rep, tag=vip)
    assert list(stored(opportunity).tags.all()) == [vip]


# records_move


def test_a_bulk_move_runs_the_entitys_service_on_every_record(cast):
    nurturing = LeadStatus.objects.get(name="Nurturing")
    leads = [LeadFactory(assigned_user=cast.rep) for _ in range(3)]
    count = records_move(
        model=Lead,
        pks=[lead.pk for lead in leads],
        user=cast.rep,
        move=lambda lead: lead_move(lead=lead, user=cast.rep, status=nurturing),
    )
    assert count == 3
    assert {stored(lead).status for lead in leads} == {nurturing}


def test_one_refused_move_rolls_the_whole_selection_back(cast):
    nurturing = LeadStatus.objects.get(name="Nurturing")
    movable = LeadFactory(assigned_user=cast.rep, last_name="Mobile")
    lost = LeadFactory(assigned_user=cast.rep, last_name="Perdu")
    lead_lose(lead=lost, user=cast.rep, reason=LostReason.objects.first())
    before = stored(movable).status
    with pytest.raises(WorkflowRefused) as refusal:
        records_move(
            model=Lead,
            pks=[movable.pk, lost.pk],
            user=cast.rep,
            move=lambda lead: lead_move(lead=lead, user=cast.rep, status=nurturing),
        )
    assert "This lead is closed: its status can no longer change." in str(refusal.value)
    assert (stored(movable).status, stored(movable).version) == (before, 1)


# records_delete


def test_deleting_removes_the_records_and_keeps_a_deleted_entry_in_the_timeline(cast):
    contacts = [ContactFactory(assigned_user=cast.manager, last_name=f"Efface{n}") for n in range(2)]
    assert records_delete(model=Contact, pks=[c.pk for c in contacts], user=cast.manager) == 2
    assert not Contact.objects.filter(pk__in=[c.pk for c in contacts]).exists()
    deleted = Activity.objects.filter(verb=ActivityVerb.DELETED).order_by("object_id")
    assert [(a.object_id, a.actor, a.message) for a in deleted] == [
        (contact.pk, cast.manager, str(contact)) for contact in contacts
    ]


def test_a_third_party_with_opportunities_cannot_be_deleted_and_nothing_is(cast):
    free = ThirdPartyFactory(assigned_user=cast.manager, name="Libre")
    busy = ThirdPartyFactory(assigned_user=cast.manager, name="Occupée")
    OpportunityFactory(third_party=busy, assigned_user=cast.manager)
    with pytest.raises(WorkflowRefused) as refusal:
        records_delete(model=ThirdParty, pks=[free.pk, busy.pk], user=cast.manager)
    assert str(refusal.value) == (
        "Occupée: it cannot be deleted while other records depend on it (Opportunities). Nothing was changed."
    )
    assert ThirdParty.objects.filter(pk__in=[free.pk, busy.pk]).count() == 2
    assert not Activity.objects.filter(verb=ActivityVerb.DELETED).exists()


def test_a_sales_rep_may_not_delete_and_nothing_is(cast):
    contact = ContactFactory(assigned_user=cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        records_delete(model=Contact, pks=[contact.pk], user=cast.rep)
    assert str(refusal.value) == "You are not allowed to do this."
    assert Contact.objects.filter(pk=contact.pk).exists()
