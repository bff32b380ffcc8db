"""Lead conversion: third party × contact × opportunity, carried fields, links, refusals, atomicity (SPEC §3.1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from crm.models import (
    Activity,
    ActivityVerb,
    Address,
    Civility,
    CompanySize,
    Contact,
    CrmSettings,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LostReason,
    ProspectStatus,
    Tag,
    ThirdParty,
    ThirdPartyCategory,
)
from crm.workflow import WorkflowRefused
from leads.models import Lead, LeadStage, LeadStatus
from leads.services import lead_create, lead_lose
from leads.services.conversion import ContactMode, ConversionRequest, lead_convert
from opportunities.models import Opportunity, OpportunityStage
from tests.factories import ContactFactory, ThirdPartyFactory, UserFactory

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


def stored(lead):
    return Lead.objects.get(pk=lead.pk)


def record_counts():
    return {
        "third parties": ThirdParty.objects.count(),
        "addresses": Address.objects.count(),
        "contacts": Contact.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "activities": Activity.objects.count(),
    }


@pytest.fixture
def lead(cast):
    """A lead with every field that carries over filled in, created by the rep of the north team."""
    return lead_create(
        user=cast.rep,
        fields={
            "company_name": "Boulangerie Dupain",
            "civility": Civility.MRS,
            "first_name": "Hélène",
            "last_name": "Lefèvre",
            "job_title": "Gérante",
            "function": JobFunction.objects.get(name="Dirigeant"),
            "department": Department.objects.get(name="Direction générale"),
            "email": "helene@dupain.fr",
            "phone": "01 23 45 67 89",
            "mobile_phone": "06 12 34 56 78",
            "website": "https://dupain.fr",
            "industry_sector": IndustrySector.objects.get(name="Agroalimentaire"),
            "do_not_call": True,
            "do_not_email": False,
            "line1": "3 place du Marché",
            "line2": "Bâtiment B",
            "postcode": "1000",
            "city": "Bruxelles",
            "country": "BE",
            "scoring": 4,
            "size": CompanySize.SMALL,
            "is_key_account": True,
            "source": LeadSource.objects.get(name="Salon"),
            "category": ThirdPartyCategory.objects.get(name="PME"),
            "tags": list(Tag.objects.filter(name__in=["VIP", "Salon 2026"])),
            "description": "Cherche un fournisseur de farine bio.",
        },
    )


@pytest.fixture
def existing_third_party(cast):
    return ThirdPartyFactory(
        name="Minoterie Apollo", assigned_user=cast.rep, team=cast.north, companies=[cast.north_company]
    )


@pytest.fixture
def existing_contact(cast):
    return ContactFactory(last_name="Bernard", assigned_user=cast.rep, companies=[cast.north_company])


def enable_prospect_statuses():
    settings = CrmSettings.load()
    settings.manage_prospect_statuses = True
    settings.save()


# Which records exist afterwards, for every variant


@pytest.mark.parametrize("create_opportunity", [False, True])
@pytest.mark.parametrize("contact_mode", [ContactMode.NONE, ContactMode.NEW, ContactMode.EXISTING])
def test_converting_to_a_new_third_party_creates_exactly_the_records_asked_for(
    cast, lead, existing_contact, contact_mode, create_opportunity
):
    # Given
    before = record_counts()
    request = ConversionRequest(
        contact_mode=contact_mode,
        contact=existing_contact if contact_mode == ContactMode.EXISTING else None,
        create_opportunity=create_opportunity,
    )
    # When
    result = lead_convert(lead=lead, user=cast.rep, request=request)
    # Then
    expected_contact = {
        ContactMode.NONE: None,
        ContactMode.NEW: Contact.objects.exclude(pk=existing_contact.pk).first(),
        ContactMode.EXISTING: existing_contact,
    }[contact_mode]
    assert ThirdParty.objects.count() == before["third parties"] + 1
    assert Contact.objects.count() == before["contacts"] + (contact_mode == ContactMode.NEW)
    assert Opportunity.objects.count() == before["opportunities"] + create_opportunity
    assert result.third_party == ThirdParty.objects.get()
    assert result.contact == expected_contact
    assert result.opportunity == (Opportunity.objects.get() if create_opportunity else None)
    lead = stored(lead)
    assert (lead.converted_third_party, lead.converted_contact) == (result.third_party, expected_contact)
    if expected_contact is not None:
        assert result.third_party in expected_contact.third_parties.all()
    if create_opportunity:
        assert (result.opportunity.third_party, result.opportunity.contact) == (
            result.third_party,
            expected_contact,
        )


def test_converting_to_an_existing_third_party_with_a_new_contact_creates_only_the_contact(
    cast, lead, existing_third_party
):
    before = record_counts()
    request = ConversionRequest(third_party=existing_third_party, contact_mode=ContactMode.NEW)
    result = lead_convert(lead=lead, user=cast.rep, request=request)
    assert (ThirdParty.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (
        before["third parties"],
        before["contacts"] + 1,
        before["opportunities"],
    )
    assert result.third_party == existing_third_party
    assert (result.contact.main_third_party, list(result.contact.third_parties.all())) == (
        existing_third_party,
        [existing_third_party],
    )
    assert (stored(lead).converted_third_party, stored(lead).converted_contact) == (
        existing_third_party,
        result.contact,
    )


def test_converting_to_an_existing_third_party_leaves_its_fields_alone(cast, lead, existing_third_party):
    request = ConversionRequest(third_party=existing_third_party, contact_mode=ContactMode.NONE)
    lead_convert(lead=lead, user=cast.rep, request=request)
    third_party = ThirdParty.objects.get(pk=existing_third_party.pk)
    assert (third_party.name, third_party.email, third_party.scoring, third_party.version) == (
        "Minoterie Apollo",
        "",
        0,
        1,
    )
    assert third_party.addresses.count() == 0


# The new third party


def new_third_party(lead, user, **request_options):
    request = ConversionRequest(contact_mode=ContactMode.NONE, **request_options)
    return ThirdParty.objects.get(pk=lead_convert(lead=lead, user=user, request=request).third_party.pk)


def test_the_new_third_party_is_named_after_the_lead_company(cast, lead):
    assert new_third_party(lead, cast.rep).name == "Boulangerie Dupain"


def test_the_new_third_party_is_named_after_the_person_when_the_lead_has_no_company(cast):
    lead = lead_create(user=cast.rep, fields={"first_name": "Hélène", "last_name": "Lefèvre"})
    assert new_third_party(lead, cast.rep).name == "Hélène Lefèvre"


def test_the_new_third_party_carries_the_lead_fields(cast, lead):
    third_party = new_third_party(lead, cast.rep)
    assert {
        "email": third_party.email,
        "phone": third_party.phone,
        "mobile_phone": third_party.mobile_phone,
        "website": third_party.website,
        "industry_sector": third_party.industry_sector.name,
        "size": third_party.size,
        "is_key_account": third_party.is_key_account,
        "scoring": third_party.scoring,
        "source": third_party.source.name,
        "category": third_party.category.name,
        "assigned_user": third_party.assigned_user,
        "team": third_party.team,
        "note": third_party.note,
    } == {
        "email": "helene@dupain.fr",
        "phone": "01 23 45 67 89",
        "mobile_phone": "06 12 34 56 78",
        "website": "https://dupain.fr",
        "industry_sector": "Agroalimentaire",
        "size": CompanySize.SMALL,
        "is_key_account": True,
        "scoring": 4,
        "source": "Salon",
        "category": "PME",
        "assigned_user": cast.rep,
        "team": cast.north,
        "note": "Cherche un fournisseur de farine bio.",
    }


def test_the_new_third_party_gets_the_lead_tags(cast, lead):
    third_party = new_third_party(lead, cast.rep)
    assert sorted(third_party.tags.values_list("name", flat=True)) == ["Salon 2026", "VIP"]


def test_the_new_third_party_belongs_to_the_lead_company(cast, lead):
    # The rep converting is active in the north company: the south one can only come from the lead.
    Lead.objects.filter(pk=lead.pk).update(company=cast.south_company)
    third_party = new_third_party(stored(lead), cast.rep)
    assert list(third_party.companies.all()) == [cast.south_company]


def test_the_new_third_party_keeps_the_lead_assignment_rather_than_the_converting_user(cast, lead):
    third_party = new_third_party(lead, cast.manager)
    assert (third_party.assigned_user, third_party.team) == (cast.rep, cast.north)


def test_the_lead_address_becomes_the_default_invoicing_address_of_the_new_third_party(cast, lead):
    third_party = new_third_party(lead, cast.rep)
    assert [
        (a.line1, a.line2, a.postcode, a.city, a.country.code, a.is_default, a.is_invoicing, a.is_delivery)
        for a in third_party.addresses.all()
    ] == [("3 place du Marché", "Bâtiment B", "1000", "Bruxelles", "BE", True, True, False)]


def test_a_lead_without_an_address_gives_a_third_party_without_an_address(cast):
    lead = lead_create(user=cast.rep, fields={"company_name": "Boulangerie Dupain", "last_name": "Lefèvre"})
    assert new_third_party(lead, cast.rep).addresses.count() == 0


def type_flags(third_party):
    return {
        flag: getattr(third_party, flag)
        for flag in ("is_prospect", "is_customer", "is_supplier", "is_internal", "is_factor")
    }


def test_the_new_third_party_is_a_prospect_by_default(cast, lead):
    assert type_flags(new_third_party(lead, cast.rep)) == {
        "is_prospect": True,
        "is_customer": False,
        "is_supplier": False,
        "is_internal": False,
        "is_factor": False,
    }


def test_the_new_third_party_gets_the_types_asked_for(cast, lead):
    third_party = new_third_party(lead, cast.rep, third_party_types={"is_customer", "is_supplier"})
    assert type_flags(third_party) == {
        "is_prospect": False,
        "is_customer": True,
        "is_supplier": True,
        "is_internal": False,
        "is_factor": False,
    }


def test_the_new_third_party_has_no_prospect_status_when_prospect_statuses_are_off(cast, lead):
    third_party = new_third_party(
        lead, cast.rep, prospect_status=ProspectStatus.objects.get(name="Nurturing")
    )
    assert third_party.prospect_status is None


def test_the_new_prospect_gets_the_new_prospect_status_by_default_when_prospect_statuses_are_on(cast, lead):
    enable_prospect_statuses()
    third_party = new_third_party(lead, cast.rep)
    assert third_party.prospect_status == ProspectStatus.objects.get(name="À traiter")


def test_the_new_prospect_gets_the_prospect_status_asked_for_when_prospect_statuses_are_on(cast, lead):
    enable_prospect_statuses()
    nurturing = ProspectStatus.objects.get(name="Nurturing")
    assert new_third_party(lead, cast.rep, prospect_status=nurturing).prospect_status == nurturing


def test_a_new_third_party_that_is_not_a_prospect_gets_no_prospect_status(cast, lead):
    enable_prospect_statuses()
    third_party = new_third_party(lead, cast.rep, third_party_types={"is_customer"})
    assert third_party.prospect_status is None


# The new contact


def new_contact(lead, user, **request_options):
    request = ConversionRequest(contact_mode=ContactMode.NEW, **request_options)
    result = lead_convert(lead=lead, user=user, request=request)
    return Contact.objects.get(pk=result.contact.pk), result.third_party


def test_the_new_contact_carries_the_lead_fields(cast, lead):
    contact, _third_party = new_contact(lead, cast.rep)
    assert {
        "civility": contact.civility,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "function": contact.function.name,
        "department": contact.department.name,
        "email": contact.email,
        "email_domain": contact.email_domain,
        "phone": contact.phone,
        "mobile_phone": contact.mobile_phone,
        "do_not_call": contact.do_not_call,
        "do_not_email": contact.do_not_email,
        "address": (contact.line1, contact.line2, contact.postcode, contact.city, contact.country.code),
        "assigned_user": contact.assigned_user,
        "team": contact.team,
        "note": contact.note,
    } == {
        "civility": Civility.MRS,
        "first_name": "Hélène",
        "last_name": "Lefèvre",
        "function": "Dirigeant",
        "department": "Direction générale",
        "email": "helene@dupain.fr",
        "email_domain": "dupain.fr",
        "phone": "01 23 45 67 89",
        "mobile_phone": "06 12 34 56 78",
        "do_not_call": True,
        "do_not_email": False,
        "address": ("3 place du Marché", "Bâtiment B", "1000", "Bruxelles", "BE"),
        "assigned_user": cast.rep,
        "team": cast.north,
        "note": "Cherche un fournisseur de farine bio.",
    }


def test_the_new_contact_belongs_to_the_new_third_party_as_its_main_one(cast, lead):
    contact, third_party = new_contact(lead, cast.rep)
    assert (contact.main_third_party, list(contact.third_parties.all())) == (third_party, [third_party])


def test_the_new_contact_gets_the_lead_tags_and_company(cast, lead):
    contact, _third_party = new_contact(lead, cast.rep)
    assert sorted(contact.tags.values_list("name", flat=True)) == ["Salon 2026", "VIP"]
    assert list(contact.companies.all()) == [cast.north_company]


def test_an_existing_contact_joins_the_new_third_party_and_keeps_its_main_one(
    cast, lead, existing_third_party, existing_contact
):
    Contact.objects.filter(pk=existing_contact.pk).update(main_third_party=existing_third_party)
    existing_contact.third_parties.add(existing_third_party)
    request = ConversionRequest(contact_mode=ContactMode.EXISTING, contact=existing_contact)
    result = lead_convert(lead=lead, user=cast.rep, request=request)
    contact = Contact.objects.get(pk=existing_contact.pk)
    assert contact.main_third_party == existing_third_party
    assert set(contact.third_parties.all()) == {existing_third_party, result.third_party}
    assert (contact.last_name, contact.email) == ("Bernard", "bernard@apollo.fr")


# The opportunity


def test_the_opportunity_is_linked_to_the_lead_and_what_the_conversion_created(cast, lead):
    request = ConversionRequest(
        create_opportunity=True,
        opportunity_name="Farine bio 2026",
        opportunity_amount=Decimal("12500.00"),
        opportunity_close_date=date(2026, 9, 30),
    )
    result = lead_convert(lead=lead, user=cast.rep, request=request)
    opportunity = Opportunity.objects.get(pk=result.opportunity.pk)
    assert {
        "name": opportunity.name,
        "third_party": opportunity.third_party,
        "contact": opportunity.contact,
        "origin_lead": opportunity.origin_lead,
        "source": opportunity.source.name,
        "scoring": opportunity.scoring,
        "amount": opportunity.amount,
        "expected_close_date": opportunity.expected_close_date,
        "assigned_user": opportunity.assigned_user,
        "team": opportunity.team,
        "company": opportunity.company,
        "description": opportunity.description,
        "status": opportunity.status.name,
        "stage": opportunity.stage,
    } == {
        "name": "Farine bio 2026",
        "third_party": result.third_party,
        "contact": result.contact,
        "origin_lead": stored(lead),
        "source": "Salon",
        "scoring": 4,
        "amount": Decimal("12500.00"),
        "expected_close_date": date(2026, 9, 30),
        "assigned_user": cast.rep,
        "team": cast.north,
        "company": cast.north_company,
        "description": "Cherche un fournisseur de farine bio.",
        "status": "À traiter",
        "stage": OpportunityStage.OPEN,
    }


def test_the_opportunity_is_named_after_the_third_party_and_worth_nothing_by_default(cast, lead):
    result = lead_convert(lead=lead, user=cast.rep, request=ConversionRequest(create_opportunity=True))
    opportunity = Opportunity.objects.get(pk=result.opportunity.pk)
    assert (opportunity.name, opportunity.amount, opportunity.expected_close_date) == (
        "Opportunity Boulangerie Dupain",
        Decimal("0.00"),
        None,
    )


def test_the_opportunity_goes_to_the_existing_third_party_and_contact(
    cast, lead, existing_third_party, existing_contact
):
    request = ConversionRequest(
        third_party=existing_third_party,
        contact_mode=ContactMode.EXISTING,
        contact=existing_contact,
        create_opportunity=True,
    )
    opportunity = lead_convert(lead=lead, user=cast.rep, request=request).opportunity
    assert (opportunity.third_party, opportunity.contact, opportunity.origin_lead) == (
        existing_third_party,
        existing_contact,
        lead,
    )


# The converted lead


def test_a_converted_lead_is_closed_in_the_converted_status_with_its_links(cast, lead):
    started = timezone.now()
    result = lead_convert(lead=lead, user=cast.rep, request=ConversionRequest())
    lead = stored(lead)
    assert (lead.status, lead.stage, lead.is_open, lead.version) == (
        LeadStatus.objects.get(name="Converti"),
        LeadStage.CONVERTED,
        False,
        2,
    )
    assert (lead.converted_third_party, lead.converted_contact) == (result.third_party, result.contact)
    assert started <= lead.converted_at <= timezone.now()


def test_the_conversion_is_recorded_on_the_lead(cast, lead):
    lead_convert(lead=lead, user=cast.rep, request=ConversionRequest())
    entry = activities_of(lead).last()
    assert (entry.verb, entry.actor, entry.message, entry.changes) == (
        ActivityVerb.CONVERTED,
        cast.rep,
        "Converted to Boulangerie Dupain",
        {"status": {"before": "À traiter", "after": "Converti"}},
    )


def test_the_conversion_is_recorded_on_every_record_it_created(cast, lead):
    result = lead_convert(lead=lead, user=cast.rep, request=ConversionRequest(create_opportunity=True))
    for record in (result.third_party, result.contact, result.opportunity):
        assert [(a.actor, a.message) for a in activities_of(record).filter(verb=ActivityVerb.CONVERTED)] == [
            (cast.rep, "Linked by the conversion of lead Hélène Lefèvre (Boulangerie Dupain)")
        ]
        assert activities_of(record).first().verb == ActivityVerb.CREATED


def test_the_conversion_is_recorded_on_the_existing_records_it_linked(
    cast, lead, existing_third_party, existing_contact
):
    request = ConversionRequest(
        third_party=existing_third_party, contact_mode=ContactMode.EXISTING, contact=existing_contact
    )
    lead_convert(lead=lead, user=cast.rep, request=request)
    for record in (existing_third_party, existing_contact):
        assert [(a.verb, a.message) for a in activities_of(record)] == [
            (ActivityVerb.CONVERTED, "Linked by the conversion of lead Hélène Lefèvre (Boulangerie Dupain)")
        ]


# Refusals: nothing is created, the lead stays as it was


def assert_refused(lead, user, request, message):
    before = record_counts()
    with pytest.raises(WorkflowRefused) as refusal:
        lead_convert(lead=lead, user=user, request=request)
    assert str(refusal.value) == message
    assert record_counts() == before
    return stored(lead)


def test_a_lost_lead_cannot_be_converted(cast, lead):
    lead_lose(lead=lead, user=cast.rep, reason=LostReason.objects.get(name="Pas de budget"))
    lead = assert_refused(lead, cast.rep, ConversionRequest(), "Only an open lead can be converted.")
    assert (lead.status.name, lead.stage, lead.converted_third_party) == ("Perdu", LeadStage.LOST, None)


def test_a_converted_lead_cannot_be_converted_again(cast, lead):
    lead_convert(lead=lead, user=cast.rep, request=ConversionRequest())
    lead = assert_refused(lead, cast.rep, ConversionRequest(), "Only an open lead can be converted.")
    assert ThirdParty.objects.count() == 1


def test_a_user_without_a_role_is_not_allowed_to_convert_a_lead(cast, lead):
    nobody = UserFactory(username="nobody")
    lead = assert_refused(lead, nobody, ConversionRequest(), "You are not allowed to do this.")
    assert (lead.stage, lead.version) == (LeadStage.OPEN, 1)


def test_converting_to_a_third_party_the_user_cannot_see_is_refused(cast, lead):
    other_team = ThirdPartyFactory(assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    lead = assert_refused(
        lead,
        cast.rep,
        ConversionRequest(third_party=other_team),
        "This third party does not exist or is not visible to you.",
    )
    assert (lead.stage, lead.version) == (LeadStage.OPEN, 1)


def test_converting_with_a_contact_the_user_cannot_see_is_refused(cast, lead):
    other_team = ContactFactory(assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    lead = assert_refused(
        lead,
        cast.rep,
        ConversionRequest(contact_mode=ContactMode.EXISTING, contact=other_team),
        "This contact does not exist or is not visible to you.",
    )
    assert (lead.stage, lead.version) == (LeadStage.OPEN, 1)


def test_choosing_an_existing_contact_without_giving_it_is_refused(cast, lead):
    lead = assert_refused(
        lead, cast.rep, ConversionRequest(contact_mode=ContactMode.EXISTING), "Choose the existing contact."
    )
    assert lead.stage == LeadStage.OPEN


def test_an_unknown_third_party_type_is_refused(cast, lead):
    lead = assert_refused(
        lead,
        cast.rep,
        ConversionRequest(third_party_types={"is_prospect", "is_partner"}),
        "Unknown third-party type: is_partner",
    )
    assert lead.stage == LeadStage.OPEN


def test_a_new_third_party_without_any_type_is_refused(cast, lead):
    lead = assert_refused(
        lead,
        cast.rep,
        ConversionRequest(third_party_types=set()),
        "Choose at least one type for the new third party.",
    )
    assert lead.stage == LeadStage.OPEN


def test_a_conversion_failing_at_its_last_step_leaves_nothing_behind(cast, lead, monkeypatch):
    # Given the opportunity, created after the third party, its address and the contact, fails
    def failing_opportunity_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("leads.services.conversion.opportunity_create", failing_opportunity_create)
    before = record_counts()
    # When
    with pytest.raises(RuntimeError, match="database went away"):
        lead_convert(lead=lead, user=cast.rep, request=ConversionRequest(create_opportunity=True))
    # Then nothing the conversion started to create remains, and the lead is open as before
    assert record_counts() == before
    lead = stored(lead)
    assert (lead.status.name, lead.stage, lead.version, lead.converted_third_party, lead.converted_at) == (
        "À traiter",
        LeadStage.OPEN,
        1,
        None,
        None,
    )


def test_a_conversion_can_be_retried_after_a_failure(cast, lead, monkeypatch):
    def failing_opportunity_create(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr("leads.services.conversion.opportunity_create", failing_opportunity_create)
        with pytest.raises(RuntimeError):
            lead_convert(lead=stored(lead), user=cast.rep, request=ConversionRequest(create_opportunity=True))
    result = lead_convert(
        lead=stored(lead), user=cast.rep, request=ConversionRequest(create_opportunity=True)
    )
    assert (ThirdParty.objects.get(), Opportunity.objects.get()) == (result.third_party, result.opportunity)
    assert (stored(lead).stage, stored(lead).converted_third_party) == (
        LeadStage.CONVERTED,
        result.third_party,
    )
