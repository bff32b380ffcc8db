"""Converting a lead with the wizard, then winning its opportunity (SPEC §3.1, §3.2)."""

import re
from datetime import date
from decimal import Decimal

from playwright.sync_api import Page, expect

from crm.models import Contact, CrmSettings, ThirdParty
from leads.models import Lead, LeadStage
from leads.services import lead_create
from leads.services.conversion import ContactMode, ConversionRequest, lead_convert
from opportunities.models import Opportunity, OpportunityStage

from .conftest import BROWSER_TEST, french, login, success_message

pytestmark = BROWSER_TEST


def a_lead_of(user) -> Lead:
    return lead_create(
        user=user,
        fields={
            "company_name": "Boulangerie Dupain",
            "first_name": "Hélène",
            "last_name": "Lefèvre",
            "email": "helene@dupain.fr",
            "city": "Lyon",
        },
    )


def test_the_wizard_converts_a_lead_into_a_third_party_a_contact_and_an_opportunity(page: Page, cast):
    lead = a_lead_of(cast.rep)
    login(page, "rep")
    page.goto(f"/leads/{lead.pk}/")

    page.locator(f".page-header a[href='/leads/{lead.pk}/convert/']").click()
    expect(page.locator("input[name=third_party_mode][value=new]")).to_be_checked()
    expect(page.locator("input[name=third_party_types][value=is_prospect]")).to_be_checked()
    expect(page.locator("input[name=contact_mode][value=new]")).to_be_checked()
    expect(page.locator("#id_opportunity_name")).to_be_hidden()
    page.locator("input[name=create_opportunity][value=yes]").check()
    page.locator("#id_opportunity_name").fill("Four à pain")
    page.locator("#id_opportunity_amount").fill("12500")
    page.locator("#id_opportunity_close_date").fill("2030-06-30")
    page.locator("form.convert-form button[type=submit]").click()

    expect(success_message(page)).to_have_text(
        french("Lead converted: %(third_party)s.") % {"third_party": "Boulangerie Dupain"}
    )
    opportunity = Opportunity.objects.get()
    expect(page).to_have_url(re.compile(rf"/opportunities/{opportunity.pk}/$"))
    third_party = ThirdParty.objects.get()
    contact = Contact.objects.get()
    lead.refresh_from_db()
    assert (
        third_party.name,
        third_party.is_prospect,
        third_party.is_customer,
        third_party.assigned_user,
    ) == (
        "Boulangerie Dupain",
        True,
        False,
        cast.rep,
    )
    assert (contact.first_name, contact.last_name, contact.email, contact.main_third_party) == (
        "Hélène",
        "Lefèvre",
        "helene@dupain.fr",
        third_party,
    )
    assert (
        opportunity.name,
        opportunity.amount,
        opportunity.expected_close_date,
        opportunity.third_party,
        opportunity.contact,
        opportunity.origin_lead,
        opportunity.stage,
        opportunity.assigned_user,
    ) == (
        "Four à pain",
        Decimal("12500.00"),
        date(2030, 6, 30),
        third_party,
        contact,
        lead,
        OpportunityStage.OPEN,
        cast.rep,
    )
    assert (lead.stage, lead.status, lead.converted_third_party, lead.converted_contact) == (
        LeadStage.CONVERTED,
        CrmSettings.load().lead_converted_status,
        third_party,
        contact,
    )


def test_winning_the_opportunity_makes_its_prospect_a_customer(page: Page, cast):
    converted = lead_convert(
        lead=a_lead_of(cast.rep),
        user=cast.rep,
        request=ConversionRequest(
            contact_mode=ContactMode.NEW, create_opportunity=True, opportunity_name="Four à pain"
        ),
    )
    opportunity = converted.opportunity
    assert opportunity is not None
    login(page, "rep")
    page.goto(f"/opportunities/{opportunity.pk}/")

    page.locator(f"form[action='/opportunities/{opportunity.pk}/win/'] button[type=submit]").click()

    expect(success_message(page)).to_have_text(french("Opportunity won."))
    expect(page).to_have_url(re.compile(rf"/opportunities/{opportunity.pk}/$"))
    expect(page.locator(f"form[action='/opportunities/{opportunity.pk}/win/']")).to_have_count(0)
    opportunity.refresh_from_db()
    third_party = ThirdParty.objects.get(pk=converted.third_party.pk)
    assert (opportunity.stage, opportunity.status, opportunity.probability) == (
        OpportunityStage.WON,
        CrmSettings.load().opportunity_won_status,
        100,
    )
    assert (third_party.is_customer, third_party.is_prospect) == (True, False)
