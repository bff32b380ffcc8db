"""The default status lists and the CRM settings created by the data migrations (SPEC §3)."""

import pytest
from django.utils import translation

from crm.models import CrmSettings, ProspectStatus
from leads.models import LeadStatus
from opportunities.models import OpportunityStatus

pytestmark = pytest.mark.django_db


def status_rows(model):
    return [(status.name, status.name_en, status.is_open) for status in model.objects.order_by("sequence")]


def test_the_default_lead_statuses_are_created_in_order():
    assert status_rows(LeadStatus) == [
        ("À traiter", "To process", True),
        ("Qualification marketing", "Marketing qualification", True),
        ("Qualification commerciale", "Sales qualification", True),
        ("Nurturing", "Nurturing", True),
        ("Converti", "Converted", False),
        ("Perdu", "Lost", False),
    ]


def test_the_default_opportunity_statuses_are_created_in_order():
    assert status_rows(OpportunityStatus) == [
        ("À traiter", "To process", True),
        ("Qualification marketing", "Marketing qualification", True),
        ("Qualification commerciale", "Sales qualification", True),
        ("Nurturing", "Nurturing", True),
        ("Proposition", "Proposal", True),
        ("Fermée gagnée", "Closed won", False),
        ("Fermée perdue", "Closed lost", False),
    ]


def test_the_default_prospect_statuses_are_created_in_order():
    assert status_rows(ProspectStatus) == [
        ("À traiter", "To process", True),
        ("Qualification marketing", "Marketing qualification", True),
        ("Qualification commerciale", "Sales qualification", True),
        ("Nurturing", "Nurturing", True),
        ("Gagné", "Won", False),
        ("Perdu", "Lost", False),
    ]


@pytest.mark.parametrize("model", [LeadStatus, OpportunityStatus, ProspectStatus])
def test_default_statuses_are_neither_archived_nor_out_of_sequence(model):
    sequences = list(model.objects.values_list("sequence", flat=True))
    assert sequences == sorted(set(sequences))
    assert not model.objects.filter(archived=True).exists()


def test_the_settings_map_the_lead_statuses():
    settings = CrmSettings.load()
    assert [
        settings.lead_new_status.name,
        settings.lead_converted_status.name,
        settings.lead_lost_status.name,
    ] == ["À traiter", "Converti", "Perdu"]


def test_the_settings_map_the_opportunity_statuses():
    settings = CrmSettings.load()
    assert [
        settings.opportunity_new_status.name,
        settings.opportunity_proposal_status.name,
        settings.opportunity_won_status.name,
        settings.opportunity_lost_status.name,
    ] == ["À traiter", "Proposition", "Fermée gagnée", "Fermée perdue"]


def test_the_settings_map_the_prospect_statuses():
    settings = CrmSettings.load()
    assert [
        settings.prospect_new_status.name,
        settings.prospect_won_status.name,
        settings.prospect_lost_status.name,
    ] == ["À traiter", "Gagné", "Perdu"]


def test_the_settings_are_one_row():
    assert CrmSettings.load().pk == 1
    assert CrmSettings.objects.count() == 1


def test_the_feature_flags_are_off_by_default():
    settings = CrmSettings.load()
    assert (
        settings.manage_prospect_statuses,
        settings.manage_catalogs,
        settings.close_won_on_quote_confirmed,
    ) == (False, False, False)


def test_a_status_label_is_french_by_default():
    status = LeadStatus.objects.get(name="Perdu")
    assert (status.label, str(status)) == ("Perdu", "Perdu")


def test_a_status_label_is_english_for_an_english_speaking_user():
    status = OpportunityStatus.objects.get(name="Fermée gagnée")
    with translation.override("en"):
        assert (status.label, str(status)) == ("Closed won", "Closed won")


def test_a_status_without_an_english_name_keeps_its_french_name_in_english():
    status = LeadStatus.objects.create(name="Relance", sequence=35)
    with translation.override("en"):
        assert status.label == "Relance"
