"""Lead writes: create, status moves, take charge, lose, reopen, and their refusals (SPEC §2.2, §3, §3.1)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django_fsm import has_transition_perm

from crm.models import Activity, ActivityVerb, Contact, CrmSettings, LostReason, Tag, ThirdParty
from crm.services.records import ConcurrentUpdateError
from crm.workflow import WorkflowRefused
from leads.models import Lead, LeadStage, LeadStatus
from leads.services import lead_create, lead_lose, lead_move, lead_reopen, lead_update, leads_take_charge
from leads.services.conversion import ContactMode, ConversionRequest, lead_convert
from tests.factories import LeadFactory, UserFactory

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
    return LeadStatus.objects.get(name=name)


def reason(name="Prix trop élevé"):
    return LostReason.objects.get(name=name)


def stored(lead):
    return Lead.objects.get(pk=lead.pk)


@pytest.fixture
def lead(cast):
    return lead_create(user=cast.rep, fields={"company_name": "Boulangerie Dupain", "last_name": "Lefèvre"})


def lost_lead(lead, user):
    return lead_lose(lead=lead, user=user, reason=reason())


def converted_lead(lead, user):
    request = ConversionRequest(contact_mode=ContactMode.NONE)
    return lead_convert(lead=lead, user=user, request=request).lead


# lead_create


def test_a_new_lead_gets_the_configured_new_status(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefèvre"})
    assert stored(lead).status == status("À traiter")


def test_a_new_lead_follows_the_configured_new_status_when_an_admin_changes_it(cast):
    settings = CrmSettings.load()
    settings.lead_new_status = status("Nurturing")
    settings.save()
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefèvre"})
    assert stored(lead).status == status("Nurturing")


def test_a_new_lead_is_open_at_version_one(cast):
    lead = stored(lead_create(user=cast.rep, fields={"last_name": "Lefèvre"}))
    assert (lead.stage, lead.is_open, lead.version) == (LeadStage.OPEN, True, 1)


def test_a_new_lead_belongs_to_the_active_company_of_its_creator(cast):
    lead = lead_create(user=cast.rep2, fields={"last_name": "Lefèvre"})
    assert stored(lead).company == cast.south_company


def test_a_new_lead_keeps_the_company_it_is_given(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefèvre", "company": cast.south_company})
    assert stored(lead).company == cast.south_company


def test_a_new_lead_is_assigned_to_its_creator_and_their_team_by_default(cast):
    lead = stored(lead_create(user=cast.rep, fields={"last_name": "Lefèvre"}))
    assert (lead.assigned_user, lead.team) == (cast.rep, cast.north)


def test_a_new_lead_keeps_the_assignment_it_is_given(cast):
    fields = {"last_name": "Lefèvre", "assigned_user": cast.rep2, "team": cast.south}
    lead = stored(lead_create(user=cast.manager, fields=fields))
    assert (lead.assigned_user, lead.team) == (cast.rep2, cast.south)


def test_a_new_lead_gets_its_tags(cast):
    tags = list(Tag.objects.filter(name__in=["VIP", "Salon 2026"]))
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefèvre", "tags": tags})
    assert sorted(stored(lead).tags.values_list("name", flat=True)) == ["Salon 2026", "VIP"]


def test_a_new_lead_records_who_created_it(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefèvre"})
    assert [(a.verb, a.actor) for a in activities_of(lead)] == [(ActivityVerb.CREATED, cast.rep)]


def test_a_new_lead_stores_duplicate_keys_insensitive_to_accents_case_and_spaces(cast):
    lead = lead_create(
        user=cast.rep,
        fields={
            "company_name": "  Société   Générale ",
            "last_name": "LEFÈVRE",
            "first_name": "Hélène Marie",
            "email": "Helene.Lefevre@Exemple.FR",
        },
    )
    lead = stored(lead)
    assert (lead.company_name_key, lead.last_name_key, lead.first_name_key, lead.email_key) == (
        "societegenerale",
        "lefevre",
        "helenemarie",
        "helene.lefevre@exemple.fr",
    )


# lead_move


def test_moving_an_open_lead_to_another_open_status_changes_its_status(cast, lead):
    lead_move(lead=lead, user=cast.rep, status=status("Qualification marketing"))
    assert (stored(lead).status, stored(lead).stage) == (status("Qualification marketing"), LeadStage.OPEN)


def test_moving_a_lead_records_the_status_change_with_before_and_after(cast, lead):
    lead_move(lead=lead, user=cast.manager, status=status("Qualification commerciale"))
    entry = activities_of(lead).last()
    assert (entry.verb, entry.actor, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        cast.manager,
        {"status": {"before": "À traiter", "after": "Qualification commerciale"}},
    )


def test_moving_a_lead_bumps_its_version(cast, lead):
    lead_move(lead=lead, user=cast.rep, status=status("Nurturing"))
    assert (lead.version, stored(lead).version) == (2, 2)


def test_moving_a_lead_to_its_current_status_changes_nothing(cast, lead):
    lead_move(lead=lead, user=cast.rep, status=status("À traiter"))
    assert stored(lead).version == 1
    assert activities_of(lead).count() == 1


def test_moving_a_lead_that_changed_since_it_was_opened_is_refused(cast, lead):
    # Given someone moved the lead after this user opened it at version 1
    lead_move(lead=stored(lead), user=cast.manager, status=status("Nurturing"))
    # When the user moves it from their version 1
    with pytest.raises(ConcurrentUpdateError):
        lead_move(lead=lead, user=cast.rep, status=status("Qualification marketing"), expected_version=1)
    # Then the other move stands
    assert (stored(lead).status, stored(lead).version) == (status("Nurturing"), 2)


@pytest.mark.parametrize(
    ("status_name", "message"),
    [
        ("Converti", "A lead is converted with the Convert action, not by changing its status."),
        ("Perdu", "A lead is lost with the Lose action, which asks for the reason."),
    ],
)
def test_moving_a_lead_to_the_converted_or_lost_status_is_refused_and_changes_nothing(
    cast, lead, status_name, message
):
    with pytest.raises(WorkflowRefused) as refusal:
        lead_move(lead=lead, user=cast.rep, status=status(status_name))
    assert str(refusal.value) == message
    lead = stored(lead)
    assert (lead.status, lead.stage, lead.version) == (status("À traiter"), LeadStage.OPEN, 1)
    assert activities_of(lead).count() == 1


def test_moving_a_lead_to_an_archived_status_is_refused(cast, lead):
    LeadStatus.objects.filter(name="Nurturing").update(archived=True)
    with pytest.raises(WorkflowRefused) as refusal:
        lead_move(lead=lead, user=cast.rep, status=status("Nurturing"))
    assert str(refusal.value) == "This status is archived."
    assert (stored(lead).status, stored(lead).version) == (status("À traiter"), 1)


def test_moving_a_closed_lead_is_refused(cast, lead):
    lost_lead(lead, cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        lead_move(lead=lead, user=cast.rep, status=status("Nurturing"))
    assert str(refusal.value) == "This lead is closed: its status can no longer change."
    assert (stored(lead).status, stored(lead).version) == (status("Perdu"), 2)


# leads_take_charge


def test_taking_charge_of_a_lead_assigns_it_to_me(cast):
    lead = LeadFactory(team=cast.north)
    assert leads_take_charge(leads=[lead], user=cast.rep) == 1
    assert (stored(lead).assigned_user, stored(lead).version) == (cast.rep, 2)


def test_taking_charge_records_the_previous_and_the_new_assignee(cast):
    lead = LeadFactory(assigned_user=cast.manager, team=cast.north)
    leads_take_charge(leads=[lead], user=cast.rep)
    [entry] = activities_of(lead)
    assert (entry.verb, entry.actor, entry.message, entry.changes) == (
        ActivityVerb.UPDATED,
        cast.rep,
        "Taken in charge",
        {"assigned_user": {"before": str(cast.manager), "after": str(cast.rep)}},
    )


def test_taking_charge_in_bulk_assigns_every_lead_and_records_one_activity_each(cast):
    leads = [LeadFactory(team=cast.north), LeadFactory(team=cast.north), LeadFactory(team=cast.north)]
    assert leads_take_charge(leads=leads, user=cast.rep) == 3
    for lead in leads:
        assert stored(lead).assigned_user == cast.rep
        assert [a.message for a in activities_of(lead)] == ["Taken in charge"]


def test_taking_charge_of_my_own_lead_changes_nothing(cast):
    mine = LeadFactory(assigned_user=cast.rep)
    unassigned = LeadFactory(team=cast.north)
    assert leads_take_charge(leads=[mine, unassigned], user=cast.rep) == 1
    assert stored(mine).version == 1
    assert activities_of(mine).count() == 0


def test_taking_charge_is_refused_when_one_lead_is_not_visible_and_nothing_changes(cast):
    visible = LeadFactory(team=cast.north)
    other_team = LeadFactory(assigned_user=cast.rep2, team=cast.south, company=cast.south_company)
    with pytest.raises(WorkflowRefused) as refusal:
        leads_take_charge(leads=[visible, other_team], user=cast.rep)
    assert str(refusal.value) == "Some of these records are not visible to you: nothing was changed."
    assert [(stored(lead).assigned_user, stored(lead).version) for lead in (visible, other_team)] == [
        (None, 1),
        (cast.rep2, 1),
    ]
    assert Activity.objects.count() == 0


def test_a_manager_can_take_charge_of_any_lead_of_their_company(cast):
    lead = LeadFactory(assigned_user=cast.rep, company=cast.north_company)
    assert leads_take_charge(leads=[lead], user=cast.manager) == 1
    assert stored(lead).assigned_user == cast.manager


# lead_lose


def test_losing_a_lead_sets_the_lost_status_the_reason_and_the_stage(cast, lead):
    lead_lose(lead=lead, user=cast.rep, reason=reason("Pas de budget"), note="Budget gelé jusqu'en 2027")
    lead = stored(lead)
    assert (lead.status, lead.stage, lead.lost_reason, lead.lost_note, lead.is_open) == (
        status("Perdu"),
        LeadStage.LOST,
        reason("Pas de budget"),
        "Budget gelé jusqu'en 2027",
        False,
    )


def test_losing_a_lead_records_the_status_change_and_the_reason(cast, lead):
    lead_lose(lead=lead, user=cast.rep, reason=reason("Pas de budget"))
    entry = activities_of(lead).last()
    assert (entry.verb, entry.message, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        "Lost: Pas de budget",
        {"status": {"before": "À traiter", "after": "Perdu"}},
    )


def test_losing_a_lead_bumps_its_version(cast, lead):
    lost_lead(lead, cast.rep)
    assert stored(lead).version == 2


def test_a_converted_lead_cannot_be_lost(cast, lead):
    converted_lead(lead, cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        lost_lead(lead, cast.rep)
    assert str(refusal.value) == "Only an open lead can be lost."
    lead = stored(lead)
    assert (lead.status, lead.stage, lead.lost_reason) == (status("Converti"), LeadStage.CONVERTED, None)


def test_a_lost_lead_cannot_be_lost_again(cast, lead):
    lost_lead(lead, cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        lead_lose(lead=lead, user=cast.rep, reason=reason("Sans réponse"))
    assert str(refusal.value) == "Only an open lead can be lost."
    assert (stored(lead).lost_reason, stored(lead).version) == (reason(), 2)


# lead_reopen


def test_reopening_a_lost_lead_puts_it_back_in_the_new_status(cast, lead):
    lost_lead(lead, cast.rep)
    lead_reopen(lead=lead, user=cast.rep)
    lead = stored(lead)
    assert (lead.status, lead.stage, lead.lost_reason, lead.version) == (
        status("À traiter"),
        LeadStage.OPEN,
        None,
        3,
    )


def test_reopening_a_lead_records_the_status_change(cast, lead):
    lost_lead(lead, cast.rep)
    lead_reopen(lead=lead, user=cast.manager)
    entry = activities_of(lead).last()
    assert (entry.verb, entry.actor, entry.message, entry.changes) == (
        ActivityVerb.STATUS_CHANGED,
        cast.manager,
        "Reopened",
        {"status": {"before": "Perdu", "after": "À traiter"}},
    )


def test_an_open_lead_cannot_be_reopened(cast, lead):
    with pytest.raises(WorkflowRefused) as refusal:
        lead_reopen(lead=lead, user=cast.rep)
    assert str(refusal.value) == "Only a lost lead can be reopened."
    assert (stored(lead).version, activities_of(lead).count()) == (1, 1)


def test_a_converted_lead_cannot_be_reopened(cast, lead):
    converted_lead(lead, cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        lead_reopen(lead=lead, user=cast.rep)
    assert str(refusal.value) == "Only a lost lead can be reopened."
    assert (stored(lead).status, stored(lead).stage) == (status("Converti"), LeadStage.CONVERTED)


# lead_update


def test_updating_an_open_lead_saves_the_fields_and_bumps_the_version(cast, lead):
    lead_update(lead=lead, user=cast.rep, fields={"job_title": "Gérante"}, expected_version=1)
    assert (stored(lead).job_title, stored(lead).version) == ("Gérante", 2)


def test_updating_a_lead_records_only_the_fields_the_user_changed(cast, lead):
    lead_update(lead=lead, user=cast.rep, fields={"company_name": "Boulangerie Dupain & Fils"})
    entry = activities_of(lead).last()
    assert (entry.verb, entry.changes) == (
        ActivityVerb.UPDATED,
        {"company_name": {"before": "Boulangerie Dupain", "after": "Boulangerie Dupain & Fils"}},
    )


def test_a_lost_lead_cannot_be_edited(cast, lead):
    lost_lead(lead, cast.rep)
    with pytest.raises(WorkflowRefused) as refusal:
        lead_update(lead=lead, user=cast.rep, fields={"job_title": "Gérante"})
    assert str(refusal.value) == "A converted or lost lead cannot be edited. Reopen a lost lead first."
    assert (stored(lead).job_title, stored(lead).version) == ("", 2)


# The lifecycle field and its permissions


def test_the_stage_cannot_be_assigned_directly(lead):
    with pytest.raises(AttributeError, match="Direct stage modification is not allowed"):
        lead.stage = LeadStage.LOST


@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
@pytest.mark.parametrize("action", ["convert", "lose"])
def test_every_role_may_run_the_lead_transitions(cast, lead, role, action):
    assert has_transition_perm(getattr(lead, action), getattr(cast, role)) is True


def test_a_user_without_a_role_is_not_allowed_to_lose_a_lead(cast, lead):
    nobody = UserFactory(username="nobody")
    with pytest.raises(WorkflowRefused) as refusal:
        lead_lose(lead=lead, user=nobody, reason=reason())
    assert str(refusal.value) == "You are not allowed to do this."
    assert (stored(lead).status, stored(lead).stage, stored(lead).version) == (
        status("À traiter"),
        LeadStage.OPEN,
        1,
    )


def test_a_user_without_a_role_is_not_allowed_to_reopen_a_lead(cast, lead):
    lost_lead(lead, cast.rep)
    nobody = UserFactory(username="nobody")
    with pytest.raises(WorkflowRefused) as refusal:
        lead_reopen(lead=lead, user=nobody)
    assert str(refusal.value) == "You are not allowed to do this."
    assert (stored(lead).stage, stored(lead).version) == (LeadStage.LOST, 2)


# Concurrency: two users working on the same lead


@pytest.fixture
def two_copies(lead):
    """The same lead opened by two users at once: two in-memory copies at version 1."""
    return Lead.objects.get(pk=lead.pk), Lead.objects.get(pk=lead.pk)


def test_losing_a_stale_copy_of_a_lost_lead_is_refused_as_a_workflow_refusal(cast, two_copies):
    first, second = two_copies
    lead_lose(lead=first, user=cast.rep, reason=reason())
    with pytest.raises(WorkflowRefused):
        lead_lose(lead=second, user=cast.manager, reason=reason("Sans réponse"))


def test_converting_a_stale_copy_of_a_lost_lead_is_refused_as_a_workflow_refusal(cast, two_copies):
    first, second = two_copies
    lead_lose(lead=first, user=cast.rep, reason=reason())
    with pytest.raises(WorkflowRefused):
        lead_convert(lead=second, user=cast.manager, request=ConversionRequest())


def test_losing_a_stale_copy_of_a_lost_lead_leaves_the_first_loss_alone(cast, two_copies):
    first, second = two_copies
    lead_lose(lead=first, user=cast.rep, reason=reason())
    with pytest.raises((WorkflowRefused, ConcurrentUpdateError)):
        lead_lose(lead=second, user=cast.manager, reason=reason("Sans réponse"))
    lead = stored(first)
    assert (lead.status, lead.stage, lead.lost_reason, lead.version) == (
        status("Perdu"),
        LeadStage.LOST,
        reason(),
        2,
    )
    assert [a.actor for a in activities_of(lead).filter(verb=ActivityVerb.STATUS_CHANGED)] == [cast.rep]


def test_converting_a_stale_copy_of_a_lost_lead_creates_nothing(cast, two_copies):
    first, second = two_copies
    lead_lose(lead=first, user=cast.rep, reason=reason())
    with pytest.raises((WorkflowRefused, ConcurrentUpdateError)):
        lead_convert(lead=second, user=cast.manager, request=ConversionRequest(create_opportunity=True))
    lead = stored(first)
    assert (lead.status, lead.stage, lead.converted_third_party, lead.version) == (
        status("Perdu"),
        LeadStage.LOST,
        None,
        2,
    )
    assert (ThirdParty.objects.count(), Contact.objects.count(), lead.opportunities.count()) == (0, 0, 0)


def test_updating_a_lead_from_an_outdated_version_is_refused_and_changes_nothing(cast, lead):
    # Given the manager saved a change after the rep opened the lead at version 1
    lead_update(lead=stored(lead), user=cast.manager, fields={"job_title": "Gérante"}, expected_version=1)
    # When the rep saves their own change from version 1
    with pytest.raises(ConcurrentUpdateError):
        lead_update(lead=lead, user=cast.rep, fields={"job_title": "Comptable"}, expected_version=1)
    # Then the manager's change stands
    assert (stored(lead).job_title, stored(lead).version) == ("Gérante", 2)
    assert [a.actor for a in activities_of(lead).filter(verb=ActivityVerb.UPDATED)] == [cast.manager]
