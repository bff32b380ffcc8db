import pytest
from django.db.models import OuterRef
from django.urls import reverse

from crm.models import Contact, ThirdParty
from crm.visibility import is_visible, visible_records
from opportunities.models import Opportunity
from tests.conftest import client_for
from tests.factories import AddressFactory, ContactFactory, OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast):
    """One third party per situation a rep or a manager can be in."""
    return {
        "mine": ThirdPartyFactory(name="Mine", assigned_user=cast.rep, companies=[cast.north_company]),
        "my_team": ThirdPartyFactory(name="My team", team=cast.north, companies=[cast.north_company]),
        "other_team": ThirdPartyFactory(
            name="Other team", assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company]
        ),
        "north_company_only": ThirdPartyFactory(name="North company", companies=[cast.north_company]),
        "orphan": ThirdPartyFactory(name="Orphan"),
    }


def visible_names(user):
    return set(visible_records(ThirdParty.objects.all(), user=user).values_list("name", flat=True))


def test_a_rep_sees_records_assigned_to_them_or_their_team(cast, records):
    assert visible_names(cast.rep) == {"Mine", "My team"}


def test_a_manager_sees_every_record_of_their_companies(cast, records):
    assert visible_names(cast.manager) == {"Mine", "My team", "North company"}


def test_a_manager_record_in_two_companies_is_listed_once(cast, records):
    records["mine"].companies.add(cast.south_company)
    names = list(visible_records(ThirdParty.objects.all(), user=cast.manager).values_list("name", flat=True))
    assert sorted(names) == ["Mine", "My team", "North company"]


def test_an_admin_sees_everything(cast, records):
    assert visible_names(cast.admin) == {"Mine", "My team", "Other team", "North company", "Orphan"}


def test_an_inactive_user_sees_nothing(cast, records):
    cast.admin.is_active = False
    assert visible_names(cast.admin) == set()


@pytest.mark.parametrize("url_name", ["third_party_detail", "third_party_update", "address_create"])
def test_a_rep_cannot_open_another_teams_third_party_by_url(cast, records, url_name):
    other = records["other_team"]
    kwargs = {"third_party_pk": other.pk} if url_name == "address_create" else {"pk": other.pk}
    response = client_for(cast.rep).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 404
    assert "Other team" not in response.content.decode()


def test_a_rep_cannot_change_another_teams_third_party_by_posting(cast, records):
    other = records["other_team"]
    response = client_for(cast.rep).post(
        reverse("third_party_update", args=[other.pk]), {"name": "Hijacked", "language": "fr"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "Other team"


def test_a_rep_cannot_delete_an_address_of_another_team(cast, records):
    address = AddressFactory(third_party=records["other_team"])
    response = client_for(cast.rep).post(
        reverse("address_delete", args=[records["other_team"].pk, address.pk])
    )
    assert response.status_code == 404
    assert records["other_team"].addresses.count() == 1


def test_a_rep_cannot_open_another_teams_contact(cast):
    contact = ContactFactory(last_name="Secret", assigned_user=cast.rep2, team=cast.south)
    assert client_for(cast.rep).get(reverse("contact_detail", args=[contact.pk])).status_code == 404
    assert client_for(cast.rep2).get(reverse("contact_detail", args=[contact.pk])).status_code == 200


def test_the_list_page_shows_only_visible_records(cast, records):
    content = client_for(cast.rep).get(reverse("third_party_list")).content.decode()
    assert "Mine" in content and "My team" in content
    assert "Other team" not in content and "Orphan" not in content


def test_a_rep_cannot_attach_a_contact_to_a_third_party_they_cannot_see(cast, records):
    response = client_for(cast.rep).post(
        reverse("contact_create"),
        {
            "last_name": "Intrus",
            "main_third_party": records["other_team"].pk,
            "language": "fr",
            "country": "FR",
        },
    )
    assert response.status_code == 400
    assert not Contact.objects.filter(last_name="Intrus").exists()


def test_the_lookup_lists_only_visible_third_parties(cast, records):
    content = client_for(cast.rep).get(reverse("third_party_lookup"), {"q": "e"}).content.decode()
    assert "Mine" in content and "Other team" not in content


def test_anonymous_visitors_are_sent_to_the_login_page(client, records):
    response = client.get(reverse("third_party_detail", args=[records["mine"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("who", "expected"), [("rep", False), ("manager", False), ("admin", True)])
def test_is_visible_says_whether_a_related_record_is_visible_to_the_user(cast, who, expected):
    elsewhere = ThirdPartyFactory(assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    OpportunityFactory(third_party=elsewhere, assigned_user=getattr(cast, who))
    related = ThirdParty.objects.filter(pk=OuterRef("third_party_id"))
    flags = Opportunity.objects.annotate(shown=is_visible(related, user=getattr(cast, who)))
    assert list(flags.values_list("shown", flat=True)) == [expected]
