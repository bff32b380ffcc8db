"""The app on a phone-sized screen (390×844): no sideways scrolling, a menu behind its toggle (SPEC §4)."""

import re

from playwright.sync_api import Page, expect

from leads.services import lead_create

from .conftest import BROWSER_TEST, PHONE, login

pytestmark = BROWSER_TEST


def assert_no_horizontal_overflow(page: Page) -> None:
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    # A page wider than the screen would also make a mobile browser zoom out: innerWidth grows then.
    assert inner_width == PHONE["width"], page.url
    assert scroll_width <= inner_width + 1, f"{page.url}: {scroll_width}px wide on a {inner_width}px screen"


def test_the_lead_list_and_a_lead_fit_a_phone_and_the_menu_opens_with_its_toggle(phone_page: Page, cast):
    page = phone_page
    lead = lead_create(
        user=cast.rep,
        fields={
            "company_name": "Boulangerie et Pâtisserie Dupain-Lefèvre Associés",
            "first_name": "Hélène",
            "last_name": "Lefèvre-Dupain",
            "email": "helene.lefevre-dupain@boulangerie-dupain-lefevre.fr",
            "phone": "+33 1 23 45 67 89",
            "city": "Saint-Rémy-de-Provence",
        },
    )
    login(page, "rep")

    menu = page.locator("nav.menu")
    expect(menu).to_be_hidden()
    page.locator("label.nav-toggle-label").tap()
    expect(menu).to_be_visible()
    menu.locator("a[href='/leads/']").tap()

    expect(page).to_have_url(re.compile(r"/leads/$"))
    expect(page.locator(f"#results a[href='/leads/{lead.pk}/']")).to_be_visible()
    expect(menu).to_be_hidden()
    assert_no_horizontal_overflow(page)

    page.locator(f"#results a[href='/leads/{lead.pk}/']").tap()

    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/$"))
    expect(page.locator("form.status-bar")).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.locator("label.nav-toggle-label").tap()
    expect(menu.locator("a[href='/leads/mine/']")).to_be_visible()
    page.locator("label.nav-toggle-label").tap()
    expect(menu).to_be_hidden()
