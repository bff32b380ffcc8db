"""Printed documents: lead report, third-party sheet, contact envelope (SPEC §4, §8.5)."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from crm.models import Civility, JobFunction, LeadSource, LegalForm, Tag
from crm.pdf import STATIC_BASE_URL, ResourceRefused, StaticFilesFetcher
from leads.services import lead_create, lead_update
from opportunities.models import Opportunity, OpportunityStage
from tests.conftest import client_for
from tests.factories import (
    AddressFactory,
    ContactFactory,
    LeadFactory,
    OpportunityFactory,
    ThirdPartyFactory,
)

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre


def pdf_reader(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return PdfReader(BytesIO(response.content))


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(response).pages)


def north_third_party(cast, **fields):
    return ThirdPartyFactory(
        assigned_user=cast.rep, team=cast.north, companies=[cast.north_company], **fields
    )


# Third-party sheet ------------------------------------------------------------------------------


def test_the_third_party_sheet_has_the_company_contacts_addresses_and_open_opportunities(cast):
    third_party = north_third_party(
        cast,
        name="Boulangerie Martin",
        reference="T000042",
        siret="73282932000074",
        legal_form=LegalForm.objects.get(name="SARL"),
        website="https://boulangerie-martin.fr",
        phone="+33 4 78 00 00 00",
        note="Livraison le matin uniquement.",
    )
    AddressFactory(
        third_party=third_party, line1="3 place Bellecour", postcode="69002", city="Lyon", is_default=True
    )
    AddressFactory(
        third_party=third_party,
        line1="ZI des Vernes",
        postcode="69120",
        city="Vaulx-en-Velin",
        is_delivery=True,
    )
    contact = ContactFactory(
        first_name="Lucie",
        last_name="Martin",
        email="lucie@boulangerie-martin.fr",
        function=JobFunction.objects.get(name="Dirigeant"),
        assigned_user=cast.rep,
    )
    contact.third_parties.add(third_party)
    OpportunityFactory(
        name="Four à sole",
        third_party=third_party,
        amount=Decimal("12500"),
        expected_close_date=datetime.date(2026, 6, 30),
        assigned_user=cast.rep,
    )

    response = client_for(cast.rep).get(reverse("third_party_print", args=[third_party.pk]))

    text = pdf_text(response)
    assert response["Content-Disposition"] == 'inline; filename="T000042-boulangerie-martin.pdf"'
    for expected in (
        "Boulangerie Martin",
        "T000042",
        "73282932000074",
        "SARL",
        "https://boulangerie-martin.fr",
        "+33 4 78 00 00 00",
        "Lucie MARTIN",
        "Dirigeant",
        "lucie@boulangerie-martin.fr",
        "3 place Bellecour",
        "69002 LYON",
        "69120 VAULX-EN-VELIN",
        "Four à sole",
        "30/06/2026",
        "Livraison le matin uniquement.",
        "Dupont Industrie",  # its company
        "Équipe Nord",
    ):
        assert expected in text, expected


def test_the_third_party_sheet_leaves_out_closed_opportunities(cast):
    third_party = north_third_party(cast)
    OpportunityFactory(name="Affaire ouverte", third_party=third_party, assigned_user=cast.rep)
    won = OpportunityFactory(name="Affaire gagnée", third_party=third_party, assigned_user=cast.rep)
    Opportunity.objects.filter(pk=won.pk).update(stage=OpportunityStage.WON)

    text = pdf_text(client_for(cast.rep).get(reverse("third_party_print", args=[third_party.pk])))

    assert "Affaire ouverte" in text
    assert "Affaire gagnée" not in text


def test_an_english_third_party_gets_an_english_sheet(cast):
    # given a French-speaking rep and two customers, one French and one English
    french = north_third_party(cast, legal_form=LegalForm.objects.get(name="SAS"))
    english = north_third_party(cast, legal_form=LegalForm.objects.get(name="SAS"), language="en")
    client = client_for(cast.rep)

    # when both sheets are printed
    french_response = client.get(reverse("third_party_print", args=[french.pk]))
    english_response = client.get(reverse("third_party_print", args=[english.pk]))

    # then each one speaks its customer's language
    french_text, english_text = pdf_text(french_response), pdf_text(english_response)
    assert "Forme juridique" in french_text
    assert "Legal form" not in french_text
    assert "Legal form" in english_text
    assert "Forme juridique" not in english_text
    assert english_response["Content-Language"] == "en"


def test_the_third_party_sheet_runs_the_same_number_of_queries_for_1_or_10_contacts(cast):
    def sheet_queries(third_party) -> int:
        client = client_for(cast.rep)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("third_party_print", args=[third_party.pk]))
        assert response.status_code == 200
        return len(queries)

    small, large = north_third_party(cast), north_third_party(cast)
    for third_party, count in ((small, 1), (large, 10)):
        third_party.tags.add(Tag.objects.get(name="VIP"))
        for index in range(count):
            AddressFactory(third_party=third_party, is_default=index == 0, city=f"Ville {index}")
            contact = ContactFactory(function=JobFunction.objects.get(name="DSI"), assigned_user=cast.rep)
            contact.third_parties.add(third_party)
            OpportunityFactory(third_party=third_party, assigned_user=cast.rep)
            north_third_party(cast, parent=third_party)

    assert sheet_queries(small) == sheet_queries(large)


# Lead report ------------------------------------------------------------------------------------


def test_the_lead_report_has_the_essential_information_and_the_latest_activity(cast):
    lead = lead_create(
        user=cast.rep,
        fields={
            "civility": Civility.MRS,
            "first_name": "Jeanne",
            "last_name": "Lefebvre",
            "company_name": "Menuiserie Lefebvre",
            "job_title": "Gérante",
            "email": "jeanne@menuiserie-lefebvre.fr",
            "phone": "+33 5 56 00 00 00",
            "line1": "8 quai des Chartrons",
            "postcode": "33000",
            "city": "Bordeaux",
            "scoring": 3,
            "source": LeadSource.objects.get(name="Salon"),
            "description": "Rencontrée au salon Batimat.",
            "assigned_user": cast.rep,
            "team": cast.north,
            "tags": [Tag.objects.get(name="VIP")],
        },
    )
    lead_update(lead=lead, user=cast.rep, fields={"scoring": 4})

    response = client_for(cast.rep).get(reverse("lead_print", args=[lead.pk]))

    text = pdf_text(response)
    assert response["Content-Disposition"] == f'inline; filename="lead-{lead.pk}-jeanne-lefebvre.pdf"'
    for expected in (
        "Mme Jeanne LEFEBVRE",
        "Menuiserie Lefebvre",
        "Gérante",
        "jeanne@menuiserie-lefebvre.fr",
        "+33 5 56 00 00 00",
        "8 quai des Chartrons",
        "33000 BORDEAUX",
        lead.status.name,
        "★★★★☆",
        "Salon",
        str(cast.rep),
        "Équipe Nord",
        "Rencontrée au salon Batimat.",
        "VIP",
        "Créé",  # the creation entry of the activity timeline…
        "Notation 3 → 4",  # …and the change that followed
    ):
        assert expected in text, expected


def test_the_lead_report_is_in_the_language_of_the_person_printing_it(cast):
    lead = LeadFactory(assigned_user=cast.rep)
    client = client_for(cast.rep)
    client.cookies["django_language"] = "en"

    text = pdf_text(client.get(reverse("lead_print", args=[lead.pk])))

    assert "Company and contact" in text
    assert "Société et contact" not in text


# Contact envelope ------------------------------------------------------------------------------


def test_the_envelope_is_a_dl_page_addressed_to_the_contact(cast):
    third_party = north_third_party(cast, name="Garage Dupuis")
    AddressFactory(third_party=third_party, city="Paris", is_default=True)
    contact = ContactFactory(
        civility=Civility.MR,
        first_name="Paul",
        last_name="Dupuis",
        line1="14 avenue Jean Jaurès",
        line2="Bâtiment B",
        postcode="31000",
        city="Toulouse",
        main_third_party=third_party,
        assigned_user=cast.rep,
    )

    response = client_for(cast.rep).get(reverse("contact_envelope", args=[contact.pk]))

    reader = pdf_reader(response)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (220, 110)
    lines = page.extract_text().splitlines()
    assert lines == [
        "Dupont Industrie",  # the sender: the rep's active company
        "Garage Dupuis",
        "M. Paul DUPUIS",
        "14 avenue Jean Jaurès",
        "Bâtiment B",
        "31000 TOULOUSE",
    ]
    assert response["Content-Disposition"] == 'inline; filename="envelope-paul-dupuis.pdf"'


def test_the_envelope_falls_back_to_the_main_third_partys_default_address(cast):
    third_party = north_third_party(cast, name="Garage Dupuis")
    AddressFactory(third_party=third_party, line1="1 rue de la Gare", postcode="13001", city="Marseille")
    AddressFactory(
        third_party=third_party,
        line1="5 cours Mirabeau",
        postcode="13100",
        city="Aix-en-Provence",
        is_default=True,
    )
    contact = ContactFactory(
        first_name="Paul", last_name="Dupuis", main_third_party=third_party, assigned_user=cast.rep
    )

    text = pdf_text(client_for(cast.rep).get(reverse("contact_envelope", args=[contact.pk])))

    assert "Paul DUPUIS" in text
    assert "5 cours Mirabeau" in text
    assert "13100 AIX-EN-PROVENCE" in text
    assert "1 rue de la Gare" not in text


def test_the_envelope_ends_with_the_country_in_capitals_abroad(cast):
    contact = ContactFactory(
        last_name="Schmidt",
        line1="Hauptstraße 5",
        postcode="10115",
        city="Berlin",
        country="DE",
        assigned_user=cast.rep,
    )

    lines = pdf_text(client_for(cast.rep).get(reverse("contact_envelope", args=[contact.pk]))).splitlines()

    assert lines[-2:] == ["10115 BERLIN", "ALLEMAGNE"]


# Access -----------------------------------------------------------------------------------------


def south_records(cast) -> dict[str, int]:
    def south(factory, **fields):
        return factory(assigned_user=cast.rep2, team=cast.south, **fields)

    return {
        "lead_print": south(LeadFactory).pk,
        "third_party_print": south(ThirdPartyFactory, companies=[cast.south_company]).pk,
        "contact_envelope": south(ContactFactory, companies=[cast.south_company]).pk,
    }


@pytest.mark.parametrize("url_name", ["lead_print", "third_party_print", "contact_envelope"])
def test_a_rep_cannot_print_another_teams_record(cast, url_name):
    pk = south_records(cast)[url_name]

    assert client_for(cast.rep).get(reverse(url_name, args=[pk])).status_code == 404
    assert client_for(cast.rep2).get(reverse(url_name, args=[pk])).status_code == 200


def test_printing_requires_a_login(cast):
    third_party = north_third_party(cast)

    response = client_for(cast.rep).get(reverse("third_party_print", args=[third_party.pk]))
    anonymous = Client().get(reverse("third_party_print", args=[third_party.pk]))

    assert response.status_code == 200
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("detail", "print_name", "factory"),
    [
        ("lead_detail", "lead_print", LeadFactory),
        ("third_party_detail", "third_party_print", ThirdPartyFactory),
        ("contact_detail", "contact_envelope", ContactFactory),
    ],
)
def test_the_record_page_links_to_its_print(cast, detail, print_name, factory):
    record = factory(assigned_user=cast.rep)

    page = client_for(cast.rep).get(reverse(detail, args=[record.pk])).content.decode()

    assert f'href="{reverse(print_name, args=[record.pk])}"' in page


# Rendering without the network -----------------------------------------------------------------


def test_the_fetcher_serves_the_apps_static_files():
    response = StaticFilesFetcher().fetch(f"{STATIC_BASE_URL}css/print.css")

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/print.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        f"{STATIC_BASE_URL}%2e%2e/crm/settings.py",
        f"{STATIC_BASE_URL}css/missing.css",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(ResourceRefused):
        StaticFilesFetcher().fetch(url)
