"""A lead's life in the browser: the form, "My leads", the status bar and its refusals (SPEC §3, §4)."""

import re

from playwright.sync_api import Page, expect

from crm.models import CrmSettings
from leads.models import Lead, LeadStage, LeadStatus
from leads.services import lead_create

from .conftest import BROWSER_TEST, click_menu, error_message, french, login, success_message

pytestmark = BROWSER_TEST


def a_lead_of(user, **fields) -> Lead:
    return lead_create(
        user=user,
        fields={
            "company_name": "Boulangerie Dupain",
            "first_name": "Hélène",
            "last_name": "Lefèvre",
            **fields,
        },
    )


def test_a_rep_creates_a_lead_with_the_form_and_finds_it_in_my_leads(page: Page, cast):
    login(page, "rep")
    page.goto("/leads/mine/")
    expect(page.locator("#results")).not_to_contain_text("Lefèvre")

    page.locator(".page-header a[href='/leads/new/']").click()
    page.locator("#id_first_name").fill("Hélène")
    page.locator("#id_last_name").fill("Lefèvre")
    page.locator("#id_company_name").fill("Boulangerie Dupain")
    page.locator("#id_email").fill("helene@dupain.fr")
    page.locator("#id_phone").fill("01 23 45 67 89")
    page.locator("#id_city").fill("Lyon")
    page.locator("form.record-form button[type=submit]").click()

    expect(success_message(page)).to_have_text(
        french("Lead %(name)s created.") % {"name": "Hélène Lefèvre (Boulangerie Dupain)"}
    )
    lead = Lead.objects.get()
    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/$"))
    assert (
        lead.first_name,
        lead.last_name,
        lead.company_name,
        lead.email,
        lead.phone,
        lead.city,
        lead.assigned_user,
        lead.team,
        lead.company,
        lead.status,
        lead.stage,
    ) == (
        "Hélène",
        "Lefèvre",
        "Boulangerie Dupain",
        "helene@dupain.fr",
        "+33 1 23 45 67 89",
        "Lyon",
        cast.rep,
        cast.north,
        cast.north_company,
        CrmSettings.load().lead_new_status,
        LeadStage.OPEN,
    )

    click_menu(page, "/leads/mine/")
    expect(page.locator("nav.scope-tabs a[aria-current=page]")).to_have_attribute("href", "/leads/mine/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(f"a[href='/leads/{lead.pk}/']")).to_have_text("LEFÈVRE Hélène")
    expect(rows).to_contain_text("Boulangerie Dupain")


def test_the_status_bar_moves_a_lead_to_another_open_status(page: Page, cast):
    lead = a_lead_of(cast.rep)
    target = LeadStatus.objects.get(name="Qualification commerciale")
    login(page, "rep")
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("form.status-bar button[aria-current=step]")).to_have_text("À traiter")

    page.locator(f"form.status-bar button[name=status][value='{target.pk}']").click()

    expect(success_message(page)).to_have_text(
        french("Status changed to %(status)s.") % {"status": "Qualification commerciale"}
    )
    expect(page.locator("form.status-bar button[aria-current=step]")).to_have_text(
        "Qualification commerciale"
    )
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.status, stored.stage, stored.version) == (target, LeadStage.OPEN, lead.version + 1)


def test_clicking_converted_on_the_status_bar_is_refused_and_changes_nothing(page: Page, cast):
    lead = a_lead_of(cast.rep)
    converted = CrmSettings.load().lead_converted_status
    login(page, "rep")
    page.goto(f"/leads/{lead.pk}/")

    page.locator(f"form.status-bar button[name=status][value='{converted.pk}']").click()

    expect(error_message(page)).to_have_text(
        french("A lead is converted with the Convert action, not by changing its status.")
    )
    expect(success_message(page)).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/$"))
    expect(page.locator("form.status-bar button[aria-current=step]")).to_have_text("À traiter")
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.status, stored.stage, stored.version, stored.converted_third_party) == (
        lead.status,
        LeadStage.OPEN,
        lead.version,
        None,
    )
