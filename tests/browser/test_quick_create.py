"""The "+" beside reference-data fields: a new entry made in a dialog, selected in the form at once,
without losing what was typed (SPEC §2.1, §4)."""

from playwright.sync_api import Page, expect

from crm.models import LeadSource, Tag
from leads.models import Lead

from .conftest import BROWSER_TEST, PHONE, french, login, success_message
from .test_phone import assert_no_horizontal_overflow

pytestmark = BROWSER_TEST


def test_a_rep_creates_a_source_and_a_tag_from_the_lead_form_and_saves_the_lead(page: Page, cast):
    login(page, "rep")
    page.goto("/leads/new/")
    page.locator("#id_last_name").fill("Lefèvre")
    dialog = page.locator("#quick-create-dialog")

    page.get_by_role("button", name="Nouvelle source").click()
    expect(dialog.get_by_role("heading", name="Nouvelle source")).to_be_visible()
    expect(dialog.locator("#id_reference-name")).to_be_focused()
    dialog.locator("#id_reference-name").fill("Salon Batimat")
    dialog.get_by_role("button", name="Créer").click()

    expect(dialog).to_be_hidden()
    source = LeadSource.objects.get(name="Salon Batimat")
    expect(page.locator("#id_source")).to_have_value(str(source.pk))
    expect(page.locator("#id_source option:checked")).to_have_text("Salon Batimat")
    expect(page.locator("#id_last_name")).to_have_value("Lefèvre")

    page.get_by_role("button", name="Nouvelle étiquette").click()
    dialog.locator("#id_reference-name").fill("Grand compte")
    dialog.locator("#id_reference-colour").fill("#1a7f37")
    dialog.get_by_role("button", name="Créer").click()

    expect(dialog).to_be_hidden()
    tag = Tag.objects.get(name="Grand compte")
    expect(page.get_by_role("checkbox", name="Grand compte")).to_be_checked()
    expect(page.locator("#id_source")).to_have_value(str(source.pk))

    page.locator("form.record-form button[type=submit]").click()

    expect(success_message(page)).to_have_text(french("Lead %(name)s created.") % {"name": "Lefèvre"})
    lead = Lead.objects.get()
    assert (lead.last_name, lead.source, list(lead.tags.all()), tag.colour) == (
        "Lefèvre",
        source,
        [tag],
        "#1a7f37",
    )


def test_a_name_already_in_the_list_is_refused_in_the_dialog_on_a_phone(phone_page: Page, cast):
    page = phone_page
    login(page, "rep")
    page.goto("/leads/new/")
    page.locator("#id_last_name").fill("Lefèvre")
    plus = page.get_by_role("button", name="Nouvelle source")
    dialog = page.locator("#quick-create-dialog")
    count = LeadSource.objects.count()

    assert_no_horizontal_overflow(page)
    plus.tap()
    dialog.locator("#id_reference-name").fill("  salon ")
    dialog.get_by_role("button", name="Créer").tap()

    expect(dialog.locator(".field-error")).to_have_text(
        french("“%(name)s” is already in this list.") % {"name": "Salon"}
    )
    expect(dialog).to_be_visible()
    expect(dialog.locator("#id_reference-name")).to_be_focused()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert LeadSource.objects.count() == count

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(plus).to_be_focused()
    expect(page.locator("#id_last_name")).to_have_value("Lefèvre")
    expect(page.locator("#id_source")).to_have_value("")
