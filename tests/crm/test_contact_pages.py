import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact
from crm.selectors import related_contacts
from crm.services.parties import contact_create, contact_update, third_party_create
from tests.conftest import client_for
from tests.factories import ContactFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


def test_the_contact_list_runs_the_same_number_of_queries_for_10_or_50_rows(cast):
    for index in range(50):
        third_party = ThirdPartyFactory(name=f"Client {index}", assigned_user=cast.rep)
        ContactFactory(main_third_party=third_party, assigned_user=cast.rep, team=cast.north)
    client = client_for(cast.rep)

    def queries(per_page):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("contact_list"), {"per_page": per_page})
        assert len(response.context["object_list"]) == per_page
        return len(captured)

    assert queries(10) == queries(50)


def test_the_main_third_party_is_always_among_the_contacts_third_parties(cast):
    apollo = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    hermes = third_party_create(user=cast.rep, fields={"name": "Hermès"})
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel", "main_third_party": apollo})
    assert list(contact.third_parties.all()) == [apollo]
    contact_update(contact=contact, user=cast.rep, fields={"main_third_party": hermes, "third_parties": []})
    assert list(contact.third_parties.all()) == [hermes]


def test_related_contacts_share_the_email_domain(cast):
    michel = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "l.michel@Apollo.fr"})
    contact_create(user=cast.rep, fields={"last_name": "Bernard", "email": "p.bernard@apollo.fr"})
    contact_create(user=cast.rep, fields={"last_name": "Petit", "email": "petit@hermes.fr"})
    assert [c.last_name for c in related_contacts(contact=michel, user=cast.rep)] == ["Bernard"]


def test_free_mail_addresses_do_not_make_contacts_related(cast):
    first = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "michel@gmail.com"})
    contact_create(user=cast.rep, fields={"last_name": "Bernard", "email": "bernard@gmail.com"})
    assert related_contacts(contact=first, user=cast.rep) == []


def test_related_contacts_respect_visibility(cast):
    michel = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "l.michel@apollo.fr"})
    contact_create(user=cast.rep2, fields={"last_name": "Hidden", "email": "hidden@apollo.fr"})
    assert related_contacts(contact=michel, user=cast.rep) == []


def test_creating_a_contact_from_a_third_party_prefills_it(cast):
    apollo = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    client = client_for(cast.rep)
    form = client.get(reverse("contact_create"), {"third_party": apollo.pk}).context["form"]
    assert form.initial["main_third_party"] == apollo
    response = client.post(
        reverse("contact_create"),
        {
            "civility": "mrs",
            "first_name": "Léa",
            "last_name": "Michel",
            "main_third_party": apollo.pk,
            "email": "lea.michel@apollo.fr",
            "mobile_phone": "06 12 34 56 78",
            "language": "fr",
            "country": "FR",
        },
    )
    contact = Contact.objects.get(last_name="Michel")
    assert response.url == contact.get_absolute_url()
    assert (contact.mobile_phone, contact.email_domain) == ("+33 6 12 34 56 78", "apollo.fr")
    page = client.get(reverse("third_party_detail", args=[apollo.pk])).content.decode()
    assert "Léa Michel" in page


def test_the_contact_detail_page_runs_a_constant_number_of_queries(cast):
    client = client_for(cast.rep)

    def detail_queries(contact):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("contact_detail", args=[contact.pk])).status_code == 200
        return len(captured)

    alone = contact_create(user=cast.rep, fields={"last_name": "Seul", "email": "seul@solo.fr"})
    crowded = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "michel@apollo.fr"})
    for index in range(5):
        third_party = third_party_create(user=cast.rep, fields={"name": f"Client {index}"})
        contact_create(
            user=cast.rep,
            fields={
                "last_name": f"Collègue {index}",
                "email": f"c{index}@apollo.fr",
                "main_third_party": third_party,
            },
        )
        contact_update(contact=crowded, user=cast.rep, fields={"note": f"note {index}"})
    assert detail_queries(alone) == detail_queries(crowded)
