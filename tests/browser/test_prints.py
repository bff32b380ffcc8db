"""The third-party sheet, printed from the third party's page (SPEC §4)."""

from io import BytesIO

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from crm.services.parties import contact_create, third_party_create

from .conftest import BROWSER_TEST, login

pytestmark = BROWSER_TEST


def test_the_print_button_of_a_third_party_gives_its_sheet_as_a_pdf(page: Page, cast):
    third_party = third_party_create(
        user=cast.rep,
        fields={"name": "Boulangerie Dupain", "is_prospect": True, "phone": "+33 4 78 00 00 00"},
    )
    contact_create(
        user=cast.rep,
        fields={"first_name": "Hélène", "last_name": "Lefèvre", "main_third_party": third_party},
    )
    login(page, "rep")
    page.goto(f"/third-parties/{third_party.pk}/")

    button = page.locator(f".page-header a[href='/prints/third-parties/{third_party.pk}/']")
    expect(button).to_have_attribute("target", "_blank")
    # The browser's session goes with the request: the PDF is fetched as the logged-in rep.
    response = page.request.get(button.get_attribute("href") or "")

    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(BytesIO(pdf)).pages)
    assert "Boulangerie Dupain" in text
    assert third_party.reference in text
    assert "Hélène LEFÈVRE" in text
