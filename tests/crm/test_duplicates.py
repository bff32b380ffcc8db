import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from crm import duplicates as duplicates_module
from crm.duplicates import UnknownDuplicateField, duplicate_groups
from crm.models import Contact, ThirdParty, User
from crm.services.parties import contact_create, third_party_create
from leads.models import Lead, LeadStage
from leads.services import lead_create
from opportunities.models import Opportunity
from opportunities.services import opportunity_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def client_for_english(user):
    """The pages in English whatever the catalogue holds: the assertions quote the English texts."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names(page):
    return [[str(record) for record in group.members] for group in page.groups]


def fresh(user):
    """The user as a new request sees it: no cached role or teams."""
    return User.objects.get(pk=user.pk)


# --- Detection --------------------------------------------------------------------------------------


def test_grouping_ignores_case_accents_and_spaces(cast):
    for name in ("Société Générale", "societe generale", " SOCIETE  GENERALE", "Crédit Agricole"):
        third_party_create(user=cast.rep, fields={"name": name})

    page = duplicate_groups(model=ThirdParty, user=cast.rep, fields=["name"])

    assert names(page) == [["Société Générale", "societe generale", " SOCIETE  GENERALE"]]
    assert [group.size for group in page.groups] == [3]


def test_groups_contain_only_the_records_the_user_can_see(cast):
    contact_create(user=cast.rep, fields={"last_name": "Michel", "first_name": "Léa"})
    contact_create(user=cast.rep, fields={"last_name": "MICHEL", "first_name": "Lea"})
    contact_create(user=cast.rep2, fields={"last_name": "Michel", "first_name": "Léa"})
    contact_create(user=cast.rep, fields={"last_name": "Bernard"})
    contact_create(user=cast.rep2, fields={"last_name": "Bernard"})

    page = duplicate_groups(model=Contact, user=cast.rep, fields=["last_name", "first_name"])

    assert names(page) == [["Léa Michel", "Lea MICHEL"]]


def test_a_manager_sees_the_groups_of_the_whole_company(cast):
    contact_create(user=cast.rep, fields={"last_name": "Michel"})
    contact_create(user=cast.rep2, fields={"last_name": "Michel"})
    contact_create(user=cast.rep2, fields={"last_name": "Michel", "companies": [cast.north_company]})

    page = duplicate_groups(model=Contact, user=cast.manager, fields=["last_name"])

    assert [group.size for group in page.groups] == [2]


def test_groups_compare_all_the_chosen_fields(cast):
    lead_create(user=cast.rep, fields={"last_name": "Martin", "company_name": "Apollo"})
    lead_create(user=cast.rep, fields={"last_name": "Martin", "company_name": "APOLLO "})
    lead_create(user=cast.rep, fields={"last_name": "Martin", "company_name": "Hermès"})

    page = duplicate_groups(model=Lead, user=cast.rep, fields=["company_name", "last_name"])

    assert names(page) == [["Martin (Apollo)", "Martin (APOLLO )"]]


def test_records_with_an_empty_value_are_not_duplicates_of_each_other(cast):
    contact_create(user=cast.rep, fields={"last_name": "Michel"})
    contact_create(user=cast.rep, fields={"last_name": "Michel"})

    page = duplicate_groups(model=Contact, user=cast.rep, fields=["last_name", "email"])

    assert page.groups == []


def test_the_siret_is_compared_exactly(cast):
    third_party_create(user=cast.rep, fields={"name": "Apollo", "siret": "73282932000074"})
    third_party_create(user=cast.rep, fields={"name": "Apollo Lille", "siret": "73282932000074"})
    third_party_create(user=cast.rep, fields={"name": "Hermès", "siret": "55210055400013"})

    page = duplicate_groups(model=ThirdParty, user=cast.rep, fields=["siret"])

    assert names(page) == [["Apollo", "Apollo Lille"]]


def test_the_largest_groups_come_first_and_the_groups_are_paginated(cast):
    for name, count in (("Alpha", 2), ("Bravo", 4), ("Charlie", 3)):
        for _ in range(count):
            third_party_create(user=cast.rep, fields={"name": name})

    first = duplicate_groups(model=ThirdParty, user=cast.rep, fields=["name"], limit=2)
    second = duplicate_groups(model=ThirdParty, user=cast.rep, fields=["name"], limit=2, page=2)

    assert [(g.members[0].name, g.size) for g in first.groups] == [("Bravo", 4), ("Charlie", 3)]
    assert (first.has_previous, first.has_next) == (False, True)
    assert [(g.members[0].name, g.size) for g in second.groups] == [("Alpha", 2)]
    assert (second.has_previous, second.has_next) == (True, False)


def test_a_large_group_shows_its_first_members_and_counts_the_others(cast, monkeypatch):
    monkeypatch.setattr(duplicates_module, "MEMBERS_PER_GROUP", 2)
    created = [contact_create(user=cast.rep, fields={"last_name": "Martin"}) for _ in range(5)]

    page = duplicate_groups(model=Contact, user=cast.rep, fields=["last_name"])

    group = page.groups[0]
    assert ([c.pk for c in group.members], group.size, group.hidden_count) == (
        [created[0].pk, created[1].pk],
        5,
        3,
    )


def test_the_number_of_queries_is_the_same_for_2_or_20_groups(cast):
    def queries(groups):
        Contact.objects.all().delete()
        for index in range(groups):
            for _ in range(2):
                third_party = third_party_create(user=cast.rep, fields={"name": f"Client {index}"})
                contact_create(
                    user=cast.rep, fields={"last_name": f"Nom{index}", "main_third_party": third_party}
                )
        user = fresh(cast.rep)
        with CaptureQueriesContext(connection) as captured:
            page = duplicate_groups(
                model=Contact, user=user, fields=["last_name"], related=["main_third_party", "assigned_user"]
            )
            shown = [(str(c.main_third_party), str(c.assigned_user)) for g in page.groups for c in g.members]
        assert len(page.groups) == groups
        assert len(shown) == 2 * groups
        return len(captured)

    assert queries(2) == queries(20)


def test_an_unknown_field_is_refused_with_the_fields_offered(cast):
    with pytest.raises(UnknownDuplicateField) as refusal:
        duplicate_groups(model=Contact, user=cast.rep, fields=["last_name", "password"])

    assert str(refusal.value) == "password cannot be compared. Choose among: Last name, First name, Email."


def test_comparing_on_no_field_is_refused(cast):
    with pytest.raises(UnknownDuplicateField, match="at least one field"):
        duplicate_groups(model=Contact, user=cast.rep, fields=[])


# --- Screens ----------------------------------------------------------------------------------------


def test_the_check_page_lists_a_group_of_duplicates(cast):
    first = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "l.michel@apollo.fr"})
    second = contact_create(user=cast.rep, fields={"last_name": "michel", "email": "L.Michel@apollo.fr "})
    contact_create(user=cast.rep, fields={"last_name": "Bernard", "email": "p.bernard@apollo.fr"})

    response = client_for_english(cast.rep).get(
        reverse("duplicates_check", args=["contacts"]), {"compare": ["email"]}
    )

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [[row["record"].pk for row in group["rows"]] for group in groups] == [[first.pk, second.pk]]
    page = response.content.decode()
    assert f'name="ids" value="{first.pk}"' in page
    assert reverse("duplicates_merge", args=["contacts"]) in page


def test_the_check_page_runs_the_same_number_of_queries_for_2_or_20_groups(cast):
    client = client_for_english(cast.rep)

    def queries(groups):
        ThirdParty.objects.all().delete()
        for index in range(groups):
            for _ in range(2):
                third_party_create(user=cast.rep, fields={"name": f"Client {index}"})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("duplicates_check", args=["third-parties"]), {"compare": ["name"]})
        assert len(response.context["groups"]) == groups
        return len(captured)

    assert queries(2) == queries(20)


def test_the_check_page_refuses_an_unknown_field(cast):
    response = client_for_english(cast.rep).get(
        reverse("duplicates_check", args=["contacts"]), {"compare": ["password"]}
    )

    assert response.status_code == 400
    assert response.context["page"] is None


def test_an_unknown_kind_of_record_is_not_found(cast):
    response = client_for_english(cast.rep).get("/duplicates/users/")

    assert response.status_code == 404


def test_the_merge_page_shows_the_selected_records_side_by_side(cast):
    first = contact_create(user=cast.rep, fields={"last_name": "Michel", "email": "l.michel@apollo.fr"})
    second = contact_create(user=cast.rep, fields={"last_name": "MICHEL", "phone": "+33 6 12 34 56 78"})

    response = client_for_english(cast.rep).get(
        reverse("duplicates_merge", args=["contacts"]), {"ids": [second.pk, first.pk]}
    )

    assert response.status_code == 200
    assert [record.pk for record in response.context["records"]] == [second.pk, first.pk]
    assert response.context["original"] == second
    with translation.override("en"):  # the request's end deactivated the fixture's language
        rows = {str(row["label"]): row["values"] for row in response.context["rows"]}
    assert rows["Email"] == ["", "l.michel@apollo.fr"]
    assert rows["Phone"] == ["+33 6 12 34 56 78", ""]
    assert f'name="original" value="{second.pk}" checked' in response.content.decode()


def test_posting_the_merge_form_merges_and_redirects_to_the_original(cast):
    original = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    duplicate = contact_create(user=cast.rep, fields={"last_name": "MICHEL", "email": "l.michel@apollo.fr"})
    client = client_for_english(cast.rep)

    response = client.post(
        reverse("duplicates_merge", args=["contacts"]),
        {"ids": [duplicate.pk, original.pk], "original": original.pk},
    )

    assert response.status_code == 302
    assert response.url == original.get_absolute_url()
    assert list(Contact.objects.values_list("pk", "email")) == [(original.pk, "l.michel@apollo.fr")]
    page = client.get(response.url).content.decode()
    assert "1 record merged into Michel." in page


def test_merging_third_parties_from_the_screen_moves_their_opportunities(cast):
    original = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    duplicate = third_party_create(user=cast.rep, fields={"name": "APOLLO"})
    opportunity = opportunity_create(user=cast.rep, fields={"name": "Audit", "third_party": duplicate})

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["third-parties"]),
        {"ids": [original.pk, duplicate.pk], "original": original.pk},
    )

    assert response.status_code == 302
    assert str(original.pk) in response.url
    assert Opportunity.objects.get(pk=opportunity.pk).third_party_id == original.pk


def test_a_rep_posting_another_teams_records_gets_a_404_and_nothing_changes(cast):
    own = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    hidden = contact_create(user=cast.rep2, fields={"last_name": "Michel", "email": "michel@hermes.fr"})
    before = list(Contact.objects.order_by("pk").values())

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["contacts"]), {"ids": [own.pk, hidden.pk], "original": own.pk}
    )

    assert response.status_code == 404
    assert list(Contact.objects.order_by("pk").values()) == before


def test_merging_fewer_than_two_records_is_refused_with_a_message(cast):
    own = contact_create(user=cast.rep, fields={"last_name": "Michel"})

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["contacts"]), {"ids": [own.pk], "original": own.pk}
    )

    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == ["Select at least two records to merge."]
    assert Contact.objects.filter(pk=own.pk).exists()


def test_the_original_must_be_one_of_the_selected_records(cast):
    first = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    second = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    other = contact_create(user=cast.rep, fields={"last_name": "Bernard"})

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["contacts"]), {"ids": [first.pk, second.pk], "original": other.pk}
    )

    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [
        "Choose the original record among the selected ones."
    ]
    assert Contact.objects.count() == 3


def test_the_check_page_lists_a_group_of_leads(cast):
    first = lead_create(user=cast.rep, fields={"last_name": "Martin", "company_name": "Société Générale"})
    second = lead_create(user=cast.rep, fields={"last_name": "Durand", "company_name": "societe generale"})

    response = client_for_english(cast.rep).get(
        reverse("duplicates_check", args=["leads"]), {"compare": ["company_name"]}
    )

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [[row["record"].pk for row in group["rows"]] for group in groups] == [[first.pk, second.pk]]


def test_merging_leads_from_the_screen_redirects_to_the_original(cast):
    original = lead_create(user=cast.rep, fields={"last_name": "Martin"})
    duplicate = lead_create(user=cast.rep, fields={"last_name": "Martin", "email": "martin@apollo.fr"})

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["leads"]),
        {"ids": [original.pk, duplicate.pk], "original": original.pk},
    )

    assert response.status_code == 302
    assert f"/{original.pk}/" in response.url
    assert list(Lead.objects.values_list("pk", "email")) == [(original.pk, "martin@apollo.fr")]


def test_a_refused_merge_shows_the_reason_and_changes_nothing(cast):
    original = lead_create(user=cast.rep, fields={"last_name": "Martin"})
    converted = lead_create(user=cast.rep, fields={"last_name": "Martin", "email": "martin@apollo.fr"})
    Lead.objects.filter(pk=converted.pk).update(stage=LeadStage.CONVERTED)
    before = list(Lead.objects.order_by("pk").values())

    response = client_for_english(cast.rep).post(
        reverse("duplicates_merge", args=["leads"]),
        {"ids": [original.pk, converted.pk], "original": original.pk},
    )

    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [
        f"The lead {converted} is converted: it is the history of the third party and contact it became, "
        "so it cannot be merged. Merge those records instead."
    ]
    assert list(Lead.objects.order_by("pk").values()) == before
