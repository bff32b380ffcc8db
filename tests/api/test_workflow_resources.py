import pytest

from crm.models import CrmSettings, LostReason, ThirdParty
from crm.services.parties import third_party_create
from leads.models import Lead, LeadStatus
from leads.services import lead_create
from opportunities.models import Opportunity
from opportunities.services import opportunity_create
from tests.api.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(cast):
    return lead_create(
        user=cast.rep,
        fields={"last_name": "Michel", "first_name": "Léa", "company_name": "Apollo SA", "city": "Lyon"},
    )


def status_named(name):
    return LeadStatus.objects.get(name=name)


def test_a_lead_created_by_api_gets_the_new_status(cast, rep_api):
    response = rep_api.post(
        "/api/v1/leads/", {"last_name": "Durand", "company_name": "Hermès"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == CrmSettings.load().lead_new_status_id
    assert response.json()["stage"] == "open"


def test_patching_the_status_moves_the_lead(cast, rep_api, lead):
    target = status_named("Qualification marketing")
    response = rep_api.patch(f"/api/v1/leads/{lead.pk}/", {"status": target.pk}, format="json")
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.status == target


def test_patching_to_converted_is_refused_with_the_reason(cast, rep_api, lead):
    response = rep_api.patch(
        f"/api/v1/leads/{lead.pk}/", {"status": status_named("Converti").pk}, format="json"
    )
    assert response.status_code == 409
    assert (
        "Convert" in response.json()["error"]["message"] or "Convertir" in response.json()["error"]["message"]
    )
    lead.refresh_from_db()
    assert (lead.status, lead.version) == (status_named("À traiter"), 1)


def test_a_rep_token_never_reads_another_teams_leads(cast, lead):
    response = api_client_for(cast.rep2).get("/api/v1/leads/")
    assert response.json()["results"] == []
    assert api_client_for(cast.rep2).get(f"/api/v1/leads/{lead.pk}/").status_code == 404


def test_take_charge_assigns_the_lead_to_the_caller(cast, lead):
    response = api_client_for(cast.manager).post(f"/api/v1/leads/{lead.pk}/take-charge/")
    assert response.status_code == 200
    assert response.json()["assigned_user"] == cast.manager.pk


def test_lose_needs_a_reason(cast, rep_api, lead):
    assert rep_api.post(f"/api/v1/leads/{lead.pk}/lose/", {}, format="json").status_code == 400
    reason = LostReason.objects.first()
    response = rep_api.post(f"/api/v1/leads/{lead.pk}/lose/", {"lost_reason": reason.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["lost_reason"]) == ("lost", reason.pk)


def test_convert_creates_third_party_contact_and_opportunity(cast, rep_api, lead):
    response = rep_api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {"contact_mode": "new", "create_opportunity": True, "opportunity_amount": "12000.00"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    third_party = ThirdParty.objects.get(pk=body["third_party"])
    opportunity = Opportunity.objects.get(pk=body["opportunity"])
    assert (third_party.name, third_party.is_prospect) == ("Apollo SA", True)
    assert (opportunity.third_party, str(opportunity.amount), opportunity.contact_id) == (
        third_party,
        "12000.00",
        body["contact"],
    )
    assert body["lead"]["stage"] == "converted"


def test_convert_refuses_an_invisible_third_party_and_writes_nothing(cast, rep_api, lead):
    theirs = third_party_create(user=cast.rep2, fields={"name": "Theirs"})
    response = rep_api.post(f"/api/v1/leads/{lead.pk}/convert/", {"third_party": theirs.pk}, format="json")
    assert response.status_code == 400
    assert "third_party" in response.json()["error"]["fields"]
    lead.refresh_from_db()
    assert lead.stage == "open"
    assert ThirdParty.objects.count() == 1


def test_converting_twice_answers_409(cast, rep_api, lead):
    url = f"/api/v1/leads/{lead.pk}/convert/"
    assert rep_api.post(url, {"contact_mode": "none"}, format="json").status_code == 200
    response = rep_api.post(url, {"contact_mode": "none"}, format="json")
    assert response.status_code == 409
    assert ThirdParty.objects.count() == 1


def test_winning_a_prospect_opportunity_lists_its_other_open_ones(cast, rep_api):
    prospect = third_party_create(user=cast.rep, fields={"name": "Apollo", "is_prospect": True})
    first = opportunity_create(user=cast.rep, fields={"name": "Audit", "third_party": prospect})
    second = opportunity_create(user=cast.rep, fields={"name": "Formation", "third_party": prospect})
    response = rep_api.post(f"/api/v1/opportunities/{first.pk}/win/")
    assert response.status_code == 200
    assert response.json()["other_open_opportunities"] == [second.pk]
    prospect.refresh_from_db()
    assert (prospect.is_prospect, prospect.is_customer) == (False, True)


def test_create_quote_moves_the_opportunity_to_proposal_and_confirm_wins_it(cast, rep_api):
    settings = CrmSettings.load()
    settings.close_won_on_quote_confirmed = True
    settings.save()
    opportunity = opportunity_create(user=cast.rep, fields={"name": "Audit"})
    response = rep_api.post(
        f"/api/v1/opportunities/{opportunity.pk}/create-quote/",
        {"lines": [{"label": "Audit", "quantity": "2", "unit_price": "1500.00"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == "3000.00"
    opportunity.refresh_from_db()
    assert opportunity.status == settings.opportunity_proposal_status
    confirm = rep_api.post(f"/api/v1/quotes/{response.json()['id']}/confirm/")
    assert confirm.json()["status"] == "confirmed"
    opportunity.refresh_from_db()
    assert opportunity.stage == "won"


def test_a_quote_without_lines_is_refused(cast, rep_api):
    opportunity = opportunity_create(user=cast.rep, fields={"name": "Audit"})
    response = rep_api.post(
        f"/api/v1/opportunities/{opportunity.pk}/create-quote/", {"lines": []}, format="json"
    )
    assert response.status_code == 400
    assert not opportunity.quotes.exists()


def test_duplicates_and_merge_of_leads(cast, rep_api):
    first = lead_create(user=cast.rep, fields={"last_name": "Michel", "company_name": "Société Générale"})
    second = lead_create(user=cast.rep, fields={"last_name": "MICHEL", "company_name": "societe generale"})
    response = rep_api.get("/api/v1/leads/duplicates/", {"fields": "company_name,last_name"})
    assert response.status_code == 200
    assert [sorted(group["ids"]) for group in response.json()["groups"]] == [sorted([first.pk, second.pk])]
    merged = rep_api.post(
        "/api/v1/leads/merge/", {"original": first.pk, "duplicates": [second.pk]}, format="json"
    )
    assert merged.status_code == 200, merged.json()
    assert list(Lead.objects.values_list("pk", flat=True)) == [first.pk]


def test_duplicates_with_an_unknown_field_is_a_400(cast, rep_api):
    response = rep_api.get("/api/v1/leads/duplicates/", {"fields": "password"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_merging_records_the_caller_cannot_see_is_refused(cast, rep_api):
    mine = lead_create(user=cast.rep, fields={"last_name": "Michel"})
    theirs = lead_create(user=cast.rep2, fields={"last_name": "Michel"})
    response = rep_api.post(
        "/api/v1/leads/merge/", {"original": mine.pk, "duplicates": [theirs.pk]}, format="json"
    )
    assert response.status_code == 400
    assert Lead.objects.count() == 2


def test_contacts_and_third_parties_offer_duplicates_and_merge(cast, rep_api):
    from crm.models import Contact
    from crm.services.parties import contact_create

    first = contact_create(user=cast.rep, fields={"last_name": "Michel", "first_name": "Léa"})
    second = contact_create(user=cast.rep, fields={"last_name": "michel", "first_name": "LEA"})
    groups = rep_api.get("/api/v1/contacts/duplicates/", {"fields": "last_name,first_name"}).json()["groups"]
    assert [sorted(group["ids"]) for group in groups] == [sorted([first.pk, second.pk])]
    response = rep_api.post(
        "/api/v1/contacts/merge/", {"original": first.pk, "duplicates": [second.pk]}, format="json"
    )
    assert response.status_code == 200
    assert list(Contact.objects.values_list("pk", flat=True)) == [first.pk]
    a = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    b = third_party_create(user=cast.rep, fields={"name": "APOLLO"})
    response = rep_api.post(
        "/api/v1/third-parties/merge/", {"original": a.pk, "duplicates": [b.pk]}, format="json"
    )
    assert response.status_code == 200
    assert list(ThirdParty.objects.values_list("pk", flat=True)) == [a.pk]
