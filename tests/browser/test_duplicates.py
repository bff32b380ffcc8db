"""Checking and merging duplicate contacts from the menu (SPEC §3.3)."""

import re

from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from crm.models import Contact
from crm.services.parties import contact_create

from .conftest import BROWSER_TEST, click_menu, login, success_message

pytestmark = BROWSER_TEST


def test_two_duplicate_contacts_are_merged_into_the_chosen_original(page: Page, cast):
    first = contact_create(
        user=cast.rep,
        fields={"first_name": "Lucie", "last_name": "Martin", "email": "lucie.martin@apollo.fr"},
    )
    second = contact_create(
        user=cast.rep, fields={"first_name": "lucie", "last_name": "MARTIN", "phone": "+33 6 12 34 56 78"}
    )
    other = contact_create(user=cast.rep, fields={"first_name": "Paul", "last_name": "Martin"})
    login(page, "rep")

    click_menu(page, "/duplicates/contacts/")
    page.locator("input[name=compare][value=last_name]").check()
    page.locator("input[name=compare][value=first_name]").check()
    page.locator("form.list-filters button[type=submit]").click()
    group = page.locator("section.panel", has=page.locator(f"input[name=ids][value='{first.pk}']"))
    expect(group.locator("input[name=ids]")).to_have_count(2)
    expect(page.locator(f"input[name=ids][value='{other.pk}']")).to_have_count(0)
    group.locator(f"input[name=ids][value='{first.pk}']").check()
    group.locator(f"input[name=ids][value='{second.pk}']").check()
    group.locator("button[type=submit]").click()

    page.locator(f"input[name=original][value='{second.pk}']").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".form-actions button[type=submit]").click()

    with translation.override("fr"):
        merged = ngettext(
            "%(count)d record merged into %(name)s.", "%(count)d records merged into %(name)s.", 1
        ) % {"count": 1, "name": "lucie MARTIN"}
    expect(success_message(page)).to_have_text(merged)
    expect(page).to_have_url(re.compile(rf"/contacts/{second.pk}/$"))
    assert list(
        Contact.objects.filter(last_name__iexact="martin").order_by("pk").values_list("pk", flat=True)
    ) == [
        second.pk,
        other.pk,
    ]
    kept = Contact.objects.get(pk=second.pk)
    assert (kept.first_name, kept.last_name, kept.email, kept.phone) == (
        "lucie",
        "MARTIN",
        "lucie.martin@apollo.fr",
        "+33 6 12 34 56 78",
    )
