import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Address, Tag, ThirdParty
from crm.services.parties import address_save, third_party_create, third_party_update
from crm.services.records import ConcurrentUpdateError
from tests.conftest import client_for
from tests.factories import AddressFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


def list_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def make_visible_third_parties(cast, count):
    vip = Tag.objects.get(name="VIP")
    for index in range(count):
        third_party = ThirdPartyFactory(
            name=f"Client {index:03d}",
            assigned_user=cast.rep,
            team=cast.north,
            companies=[cast.north_company],
        )
        third_party.tags.add(vip)
        AddressFactory(third_party=third_party, is_default=True, city=f"Ville {index}")


def test_the_list_runs_the_same_number_of_queries_for_10_or_50_rows(cast):
    make_visible_third_parties(cast, 50)
    client = client_for(cast.rep)
    url = reverse("third_party_list")
    few, response = list_queries(client, url, per_page=10)
    assert len(response.context["object_list"]) == 10
    many, response = list_queries(client, url, per_page=50)
    assert len(response.context["object_list"]) == 50
    assert few == many


def test_the_list_shows_the_default_address_city(cast):
    make_visible_third_parties(cast, 1)
    page = client_for(cast.rep).get(reverse("third_party_list")).content.decode()
    assert "Ville 0" in page


def test_the_list_searches_names_and_sirets(cast):
    ThirdPartyFactory(name="Boulangerie Martin", siret="73282932000074", assigned_user=cast.rep)
    ThirdPartyFactory(name="Garage Dupuis", assigned_user=cast.rep)
    client = client_for(cast.rep)
    by_name = client.get(reverse("third_party_list"), {"q": "boulang"}).context["object_list"]
    by_siret = client.get(reverse("third_party_list"), {"q": "732 829"}).context["object_list"]
    assert [tp.name for tp in by_name] == ["Boulangerie Martin"]
    assert [tp.name for tp in by_siret] == ["Boulangerie Martin"]


def test_the_list_filters_by_type_and_sorts(cast):
    ThirdPartyFactory(name="B supplier", is_prospect=False, is_supplier=True, assigned_user=cast.rep)
    ThirdPartyFactory(name="A supplier", is_prospect=False, is_supplier=True, assigned_user=cast.rep)
    ThirdPartyFactory(name="C prospect", assigned_user=cast.rep)
    client = client_for(cast.rep)
    response = client.get(reverse("third_party_list"), {"type": "supplier", "sort": "-name"})
    assert [tp.name for tp in response.context["object_list"]] == ["B supplier", "A supplier"]
    assert response.context["title"] == "Fournisseurs"


def test_an_unknown_sort_column_falls_back_to_the_default(cast):
    ThirdPartyFactory(name="Zèbre", assigned_user=cast.rep)
    ThirdPartyFactory(name="Abeille", assigned_user=cast.rep)
    response = client_for(cast.rep).get(reverse("third_party_list"), {"sort": "password"})
    assert [tp.name for tp in response.context["object_list"]] == ["Abeille", "Zèbre"]


def test_an_htmx_request_gets_only_the_results(cast):
    ThirdPartyFactory(name="Apollo", assigned_user=cast.rep)
    response = client_for(cast.rep).get(reverse("third_party_list"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Apollo" in content and "<html" not in content


def test_the_detail_page_runs_a_constant_number_of_queries(cast):
    def detail_queries(third_party):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("third_party_detail", args=[third_party.pk])).status_code == 200
        return len(queries)

    client = client_for(cast.rep)
    small = third_party_create(user=cast.rep, fields={"name": "Small"})
    big = third_party_create(user=cast.rep, fields={"name": "Big", "tags": list(Tag.objects.all())})
    for index in range(5):
        address_save(address=Address(third_party=big, city=f"Ville {index}"), user=cast.rep)
        third_party_update(third_party=big, user=cast.rep, fields={"scoring": index})
    assert detail_queries(small) == detail_queries(big)


def test_creating_from_the_form_saves_and_redirects_to_the_record(cast):
    response = client_for(cast.rep).post(
        reverse("third_party_create"),
        {
            "name": "Apollo",
            "is_customer": "on",
            "siret": "732 829 320 00074",
            "phone": "01 42 68 53 00",
            "language": "fr",
            "companies": [cast.north_company.pk],
        },
    )
    third_party = ThirdParty.objects.get(name="Apollo")
    assert response.url == third_party.get_absolute_url()
    assert (third_party.siret, third_party.phone) == ("73282932000074", "+33 1 42 68 53 00")
    assert third_party.reference.startswith("T")
    assert (third_party.assigned_user, third_party.team) == (cast.rep, cast.north)


def test_each_new_third_party_gets_the_next_reference(cast):
    first = third_party_create(user=cast.rep, fields={"name": "One"})
    second = third_party_create(user=cast.rep, fields={"name": "Two"})
    assert int(second.reference[1:]) == int(first.reference[1:]) + 1


def test_invalid_input_shows_errors_beside_the_fields_and_saves_nothing(cast):
    response = client_for(cast.rep).post(
        reverse("third_party_create"),
        {"name": "Apollo", "siret": "12345678901234", "email": "x@", "language": "fr"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"siret", "email"}
    assert 'class="field-error"' in response.content.decode()
    assert not ThirdParty.objects.exists()


def test_a_company_cannot_become_its_own_grandparent(cast):
    mother = third_party_create(user=cast.rep, fields={"name": "Mother"})
    daughter = third_party_create(user=cast.rep, fields={"name": "Daughter", "parent": mother})
    response = client_for(cast.rep).post(
        reverse("third_party_update", args=[mother.pk]),
        {"name": "Mother", "language": "fr", "parent": daughter.pk, "version": mother.version},
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors


def test_a_stale_edit_is_refused_and_changes_nothing(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    opened_version = third_party.version
    third_party_update(third_party=third_party, user=cast.rep2, fields={"name": "Apollo (edited first)"})
    response = client_for(cast.rep).post(
        reverse("third_party_update", args=[third_party.pk]),
        {"name": "Apollo (edited second)", "language": "fr", "version": opened_version},
    )
    assert response.status_code == 400
    assert "modifiée par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    third_party.refresh_from_db()
    assert third_party.name == "Apollo (edited first)"


def test_the_service_refuses_an_outdated_version(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    third_party_update(third_party=third_party, user=cast.rep, fields={"name": "Apollo 2"})
    with pytest.raises(ConcurrentUpdateError):
        third_party_update(
            third_party=third_party, user=cast.rep, fields={"name": "Apollo 3"}, expected_version=1
        )
    assert ThirdParty.objects.get().name == "Apollo 2"


def test_fields_locked_by_an_external_system_cannot_be_edited(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo", "siret": "73282932000074"})
    ThirdParty.objects.filter(pk=third_party.pk).update(locked_fields=["name", "siret"])
    client = client_for(cast.rep)
    form_page = client.get(reverse("third_party_update", args=[third_party.pk]))
    assert form_page.context["form"].fields["name"].disabled
    client.post(
        reverse("third_party_update", args=[third_party.pk]),
        {
            "name": "Renamed",
            "siret": "55210055400013",
            "note": "editable",
            "language": "fr",
            "assigned_user": cast.rep.pk,
            "team": cast.north.pk,
            "version": 1,
        },
    )
    third_party.refresh_from_db()
    assert (third_party.name, third_party.siret, third_party.note) == ("Apollo", "73282932000074", "editable")


def test_the_first_address_becomes_the_default_and_there_is_only_one_default(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    first = address_save(address=Address(third_party=third_party, city="Lyon"), user=cast.rep)
    assert first.is_default
    second = address_save(
        address=Address(third_party=third_party, city="Paris", is_default=True), user=cast.rep
    )
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_removing_the_default_address_promotes_another(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    first = address_save(address=Address(third_party=third_party, city="Lyon"), user=cast.rep)
    address_save(address=Address(third_party=third_party, city="Paris"), user=cast.rep)
    client_for(cast.rep).post(reverse("address_delete", args=[third_party.pk, first.pk]))
    assert list(third_party.addresses.values_list("city", "is_default")) == [("Paris", True)]


def test_the_address_form_saves_an_invoicing_address(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    response = client_for(cast.rep).post(
        reverse("address_create", args=[third_party.pk]),
        {
            "line1": "3 rue Colbert",
            "postcode": "69002",
            "city": "Lyon",
            "country": "FR",
            "is_invoicing": "on",
        },
    )
    assert response.status_code == 302
    address = third_party.addresses.get()
    assert (address.city, address.is_invoicing, address.is_default) == ("Lyon", True, True)
