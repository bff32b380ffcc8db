"""Record pages in the browser: the scoring stars and the tabs of the lower part (SPEC §4)."""

import re

from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from crm.services.parties import third_party_create
from leads.models import Lead, LeadStatus
from leads.services import lead_create

from .conftest import BROWSER_TEST, french, login, success_message
from .test_phone import assert_no_horizontal_overflow

pytestmark = BROWSER_TEST


def a_lead_of(user) -> Lead:
    return lead_create(
        user=user,
        fields={"company_name": "Boulangerie Dupain", "first_name": "Hélène", "last_name": "Lefèvre"},
    )


def star_label(count: int) -> str:
    with translation.override("fr"):
        return ngettext("%(counter)s star out of 5", "%(counter)s stars out of 5", count) % {"counter": count}


def expect_shown_tab(page: Page, panel: str, hidden: list[str]) -> None:
    expect(page.locator(f"#tab-{panel}")).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#{panel}")).to_be_visible()
    for other in hidden:
        expect(page.locator(f"#tab-{other}")).to_have_attribute("aria-selected", "false")
        expect(page.locator(f"#{other}")).to_be_hidden()


def test_the_fourth_star_scores_the_lead_and_the_page_keeps_working_with_the_new_version(page: Page, cast):
    lead = a_lead_of(cast.rep)
    target = LeadStatus.objects.get(name="Qualification commerciale")
    login(page, "rep")
    page.goto(f"/leads/{lead.pk}/")
    expect_shown_tab(page, "events", hidden=["emails", "opportunities", "activity"])

    fourth = page.get_by_role("button", name=star_label(4), exact=True)
    fourth.click()

    expect(page.get_by_role("button", name=star_label(4), exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("form.status-bar input[name=version]")).to_have_value(str(lead.version + 1))
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.scoring, stored.version) == (4, lead.version + 1)

    # The Activity tab got the change without a reload.
    page.locator("#tab-activity").click()
    expect_shown_tab(page, "activity", hidden=["events", "emails", "opportunities"])
    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/#activity$"))
    expect(page.locator("#tab-count-activity")).to_have_text("2")
    expect(page.locator("#activity .changes tbody tr").first).to_have_text(
        re.compile(rf"{french('scoring').capitalize()}\s*0\s*4")
    )

    # The status bar posts the new version: not refused as stale.
    page.locator(f"form.status-bar button[name=status][value='{target.pk}']").click()

    expect(success_message(page)).to_have_text(
        french("Status changed to %(status)s.") % {"status": "Qualification commerciale"}
    )
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.status, stored.scoring, stored.version) == (target, 4, lead.version + 2)

    # A link to #activity, then a reload of it, open the Activity tab.
    page.goto(f"/leads/{lead.pk}/#activity")
    expect_shown_tab(page, "activity", hidden=["events", "emails", "opportunities"])
    page.reload()
    expect_shown_tab(page, "activity", hidden=["events", "emails", "opportunities"])
    expect(page.locator("#activity .timeline > li")).to_have_count(3)


def test_the_arrow_keys_move_between_tabs_and_the_emails_load_when_their_tab_shows(page: Page, cast):
    lead = a_lead_of(cast.rep)
    login(page, "rep")
    page.goto(f"/leads/{lead.pk}/")
    expect(page.get_by_role("tablist")).to_have_attribute("aria-label", french("Sections of the record"))
    expect(page.get_by_role("tab")).to_have_count(4)
    expect(page.locator("#emails")).not_to_contain_text(french("No e-mail yet."))

    page.locator("#tab-events").focus()
    page.keyboard.press("ArrowRight")

    expect(page.locator("#tab-emails")).to_be_focused()
    expect_shown_tab(page, "emails", hidden=["events", "opportunities", "activity"])
    expect(page.get_by_role("tabpanel")).to_contain_text(french("No e-mail yet."))
    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/#emails$"))

    page.keyboard.press("End")
    expect(page.locator("#tab-activity")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-events")).to_be_focused()
    expect_shown_tab(page, "events", hidden=["emails", "opportunities", "activity"])
    expect(page.locator("#tab-emails")).to_have_attribute("tabindex", "-1")


def test_on_a_phone_the_tabs_scroll_sideways_inside_the_page(phone_page: Page, cast):
    page = phone_page
    mother = third_party_create(user=cast.rep, fields={"name": "Boulangeries Dupain-Lefèvre Associées"})
    third_party_create(user=cast.rep, fields={"name": "Dupain Sud", "parent": mother})
    login(page, "rep")
    page.goto(f"/third-parties/{mother.pk}/")
    expect_shown_tab(
        page, "contacts", hidden=["addresses", "opportunities", "events", "subsidiaries", "activity"]
    )

    tab_list = page.get_by_role("tablist")
    scroll_width, client_width = tab_list.evaluate("list => [list.scrollWidth, list.clientWidth]")
    assert scroll_width > client_width
    assert_no_horizontal_overflow(page)

    page.locator("#tab-activity").tap()

    expect_shown_tab(page, "activity", hidden=["contacts", "subsidiaries"])
    expect(page.locator("#tab-activity")).to_be_in_viewport()
    assert_no_horizontal_overflow(page)
