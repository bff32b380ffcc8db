"""The power lists in the browser: bulk bar, column chooser, cards view (SPEC §4)."""

from playwright.sync_api import Page, expect

from crm.models import Contact, Tag
from leads.models import Lead
from leads.services import lead_create
from tests.factories import ContactFactory, ThirdPartyFactory

from .conftest import BROWSER_TEST, french, login, success_message

pytestmark = BROWSER_TEST


def leads_of(user, *names: str) -> list[Lead]:
    return [
        lead_create(user=user, fields={"last_name": name, "company_name": f"Société {name}"})
        for name in names
    ]


def test_a_rep_tags_two_selected_leads_from_the_bulk_bar(page: Page, cast):
    first, second, untouched = leads_of(cast.rep, "Arnaud", "Bernard", "Chevalier")
    login(page, "rep")
    page.goto("/leads/")

    page.get_by_role("checkbox", name=french("Select %(name)s").replace("%(name)s", str(first))).check()
    page.get_by_role("checkbox", name=french("Select %(name)s").replace("%(name)s", str(second))).check()
    expect(page.locator(".bulk-count")).to_have_text(f"{french('Selected:')} 2")
    page.locator("#bulk-tag").select_option(label="VIP")
    page.locator("#bulk-form button[value=tag]").click()

    expect(success_message(page)).to_contain_text("VIP")
    vip = Tag.objects.get(name="VIP")
    assert {lead.pk for lead in vip.leads.all()} == {first.pk, second.pk}
    assert not untouched.tags.exists()


def test_select_all_then_delete_asks_for_confirmation_and_deletes_the_page(page: Page, cast):
    leads_of(cast.manager, "Arnaud", "Bernard")
    login(page, "manager")
    page.goto("/leads/")
    page.locator("input.select-all").check()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#bulk-form button[value=delete]").click()
    assert Lead.objects.count() == 2

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#bulk-form button[value=delete]").click()
    expect(success_message(page)).to_be_visible()
    assert Lead.objects.count() == 0


def test_the_column_chooser_adds_a_column_that_stays_after_a_reload(page: Page, cast):
    ContactFactory(assigned_user=cast.rep, last_name="Martin", mobile_phone="+33612345678")
    login(page, "rep")
    page.goto("/contacts/")
    header = page.locator(".record-table thead")
    expect(header).not_to_contain_text(french("Mobile phone"))

    page.locator(".column-chooser summary").click()
    page.locator(".column-chooser input[value=mobile_phone]").check()
    page.locator(".column-chooser button[value=save]").click()

    expect(header).to_contain_text(french("Mobile phone"))
    page.reload()
    expect(header).to_contain_text(french("Mobile phone"))
    expect(page.locator(".record-table tbody")).to_contain_text("+33612345678")


def test_the_cards_view_of_contacts_keeps_the_search(page: Page, cast):
    company = ThirdPartyFactory(assigned_user=cast.rep, name="Garage Central")
    ContactFactory(assigned_user=cast.rep, last_name="Martin", main_third_party=company)
    ContactFactory(assigned_user=cast.rep, last_name="Durand")
    login(page, "rep")
    page.goto("/contacts/?q=martin")
    page.locator(".view-switch").get_by_text(french("Cards")).click()

    cards = page.locator(".record-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("MARTIN")
    expect(cards.first).to_contain_text("Garage Central")
    assert Contact.objects.count() == 2


def test_a_rows_take_charge_button_assigns_that_lead_only(page: Page, cast):
    taken, other = (
        lead_create(
            user=cast.manager, fields={"last_name": name, "assigned_user": cast.manager, "team": cast.north}
        )
        for name in ("Arnaud", "Bernard")
    )
    login(page, "rep")
    page.goto("/leads/")
    page.get_by_role("checkbox", name=french("Select %(name)s").replace("%(name)s", str(other))).check()
    page.locator(f"button[name=take][value='{taken.pk}']").click()

    expect(success_message(page)).to_be_visible()
    assert dict(Lead.objects.values_list("last_name", "assigned_user")) == {
        "Arnaud": cast.rep.pk,
        "Bernard": cast.manager.pk,
    }
