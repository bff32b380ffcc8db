"""The leads' Kanban in the browser: dragging a card changes the lead's status; a refused move snaps back."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Locator, Page, expect

from crm.models import CrmSettings, LostReason
from leads.models import Lead, LeadStage, LeadStatus
from leads.services import lead_create, lead_lose

from .conftest import BROWSER_TEST, french, login


def kanban_exists() -> bool:
    try:
        reverse("lead_kanban")
    except NoReverseMatch:
        return False
    return True


pytestmark = [
    *BROWSER_TEST,
    pytest.mark.skipif(
        not kanban_exists(), reason="the leads' Kanban (URL name lead_kanban) is not there yet"
    ),
]


def cards_of(page: Page, status: LeadStatus) -> Locator:
    return page.locator(f".kanban-cards[data-status='{status.pk}']")


def count_of(page: Page, status: LeadStatus) -> Locator:
    return page.locator(f".kanban-column[data-column='{status.pk}'] [data-count]")


def drag(page: Page, card: Locator, target: Locator) -> None:
    """Drag the card by its body (links and buttons are not handles) and drop it at the top of the column."""
    # SortableJS ignores a press on a card it is still animating into place after the previous drop.
    page.wait_for_function("card => !card.animated", arg=card.element_handle())
    handle = card.locator(".kanban-card-line").bounding_box()
    column = target.bounding_box()
    assert handle and column
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(column["x"] + column["width"] / 2, column["y"] + 10, steps=15)
    page.mouse.up()


def drag_and_wait(page: Page, card: Locator, target: Locator) -> int:
    """Drag once the board is ready (not busy with a previous move), then wait for its POST; the status."""
    expect(page.locator("#kanban-board")).not_to_have_class(re.compile(r"\bis-busy\b"))
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        drag(page, card, target)
    return answer.value.status


def test_dragging_a_card_across_two_columns_moves_the_lead_each_time(page: Page, cast):
    lead = lead_create(
        user=cast.rep,
        fields={"company_name": "Boulangerie Dupain", "first_name": "Hélène", "last_name": "Lefèvre"},
    )
    new = CrmSettings.load().lead_new_status
    marketing = LeadStatus.objects.get(name="Qualification marketing")
    sales = LeadStatus.objects.get(name="Qualification commerciale")
    login(page, "rep")
    page.goto("/leads/kanban/")
    card = page.locator(f".kanban-card[data-id='{lead.pk}']")
    expect(cards_of(page, new).locator(card)).to_have_count(1)

    assert drag_and_wait(page, card, cards_of(page, marketing)) == 200

    expect(cards_of(page, marketing).locator(card)).to_have_count(1)
    expect(page.locator("[data-kanban-status]")).to_have_text(
        french("Status changed to %(status)s.") % {"status": "Qualification marketing"}
    )
    expect(count_of(page, new)).to_have_text("0")
    expect(count_of(page, marketing)).to_have_text("1")
    assert Lead.objects.get(pk=lead.pk).status == marketing

    assert drag_and_wait(page, card, cards_of(page, sales)) == 200

    expect(cards_of(page, sales).locator(card)).to_have_count(1)
    expect(count_of(page, marketing)).to_have_text("0")
    expect(count_of(page, sales)).to_have_text("1")
    expect(page.locator("[data-kanban-alert]")).to_be_hidden()
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.status, stored.stage, stored.version) == (sales, LeadStage.OPEN, lead.version + 2)


def test_a_card_whose_lead_was_lost_meanwhile_snaps_back_with_the_reason(page: Page, cast):
    lead = lead_create(
        user=cast.rep,
        fields={"company_name": "Boulangerie Dupain", "first_name": "Hélène", "last_name": "Lefèvre"},
    )
    new = CrmSettings.load().lead_new_status
    lost = CrmSettings.load().lead_lost_status
    marketing = LeadStatus.objects.get(name="Qualification marketing")
    login(page, "rep")
    page.goto("/leads/kanban/")
    card = page.locator(f".kanban-card[data-id='{lead.pk}']")
    expect(cards_of(page, new).locator(card)).to_have_count(1)
    # Given the manager loses the lead while the rep's board still shows it
    lead_lose(lead=lead, user=cast.manager, reason=LostReason.objects.get(name="Sans réponse"))

    assert drag_and_wait(page, card, cards_of(page, marketing)) == 409

    expect(page.locator("[data-kanban-alert]")).to_be_visible()
    expect(page.locator("[data-kanban-alert]")).to_have_text(
        french("This lead is closed: its status can no longer change.")
    )
    expect(cards_of(page, new).locator(card)).to_have_count(1)
    expect(cards_of(page, marketing).locator(".kanban-card")).to_have_count(0)
    expect(count_of(page, new)).to_have_text("1")
    expect(count_of(page, marketing)).to_have_text("0")
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.status, stored.stage) == (lost, LeadStage.LOST)
