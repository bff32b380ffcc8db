import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Activity, ApiToken, Contact, Tag, ThirdParty
from crm.services.parties import contact_create, third_party_create
from opportunities.models import Opportunity
from opportunities.services import opportunity_create
from tests.api.conftest import api_client_for

pytestmark = pytest.mark.django_db

THIRD_PARTIES = "/api/v1/third-parties/"


def test_a_token_reads_only_what_its_user_may_see(cast, rep_api):
    third_party_create(user=cast.rep, fields={"name": "Mine"})
    third_party_create(user=cast.rep2, fields={"name": "Theirs"})
    response = rep_api.get(THIRD_PARTIES)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Mine"]


def test_another_teams_record_answers_404_in_the_error_format(cast, rep_api):
    theirs = third_party_create(user=cast.rep2, fields={"name": "Theirs"})
    response = rep_api.get(f"{THIRD_PARTIES}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_missing_or_revoked_token_answers_401(cast):
    client = api_client_for(cast.rep)
    ApiToken.objects.get(user=cast.rep).revoke()
    response = client.get(THIRD_PARTIES)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_creating_goes_through_the_service(cast, rep_api):
    response = rep_api.post(
        THIRD_PARTIES, {"name": "Apollo", "siret": "73282932000074", "is_customer": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    third_party = ThirdParty.objects.get(name="Apollo")
    assert response.json()["reference"] == third_party.reference
    assert (third_party.assigned_user, third_party.team) == (cast.rep, cast.north)
    assert Activity.objects.filter(object_id=third_party.pk, verb="created").count() == 1


def test_invalid_fields_get_one_error_format_and_nothing_is_written(cast, rep_api):
    response = rep_api.post(
        THIRD_PARTIES, {"name": "x" * 300, "siret": "123", "scoring": 9, "colour": "red"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "siret", "scoring", "colour"}
    assert not ThirdParty.objects.exists()


def test_malformed_json_is_a_400(cast, rep_api):
    response = rep_api.generic("POST", THIRD_PARTIES, '{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_a_reference_to_an_invisible_record_is_refused(cast, rep_api):
    theirs = third_party_create(user=cast.rep2, fields={"name": "Theirs"})
    response = rep_api.post(
        "/api/v1/contacts/", {"last_name": "Michel", "main_third_party": theirs.pk}, format="json"
    )
    assert response.status_code == 400
    assert "main_third_party" in response.json()["error"]["fields"]
    assert not Contact.objects.exists()


def test_a_stale_version_is_refused_with_409(cast, rep_api):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    url = f"{THIRD_PARTIES}{third_party.pk}/"
    assert rep_api.patch(url, {"name": "First", "version": 1}, format="json").status_code == 200
    response = rep_api.patch(url, {"name": "Second"}, format="json", headers={"If-Match": '"1"'})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    third_party.refresh_from_db()
    assert (third_party.name, third_party.version) == ("First", 2)


def test_the_record_carries_its_version_as_etag(cast, rep_api):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    response = rep_api.get(f"{THIRD_PARTIES}{third_party.pk}/")
    assert response["ETag"] == '"1"'


def test_updated_after_returns_only_later_changes(cast, rep_api):
    old = third_party_create(user=cast.rep, fields={"name": "Old"})
    ThirdParty.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    third_party_create(user=cast.rep, fields={"name": "New"})
    response = rep_api.get(THIRD_PARTIES, {"updated_after": "2021-01-01T00:00:00Z"})
    assert [row["name"] for row in response.json()["results"]] == ["New"]


def test_the_list_runs_a_constant_number_of_queries(cast, rep_api):
    vip = Tag.objects.get(name="VIP")

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            response = rep_api.get(THIRD_PARTIES, {"limit": limit})
        assert len(response.json()["results"]) == limit
        return len(queries)

    for index in range(30):
        third_party_create(user=cast.rep, fields={"name": f"Client {index:02d}", "tags": [vip]})
    rep_api.get("/api/v1/")  # the token's first use of the minute records its last use
    assert count(5) == count(30)


def test_a_rep_cannot_delete_a_third_party(cast, rep_api):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    response = rep_api.delete(f"{THIRD_PARTIES}{third_party.pk}/")
    assert response.status_code == 403
    assert ThirdParty.objects.filter(pk=third_party.pk).exists()


def test_a_manager_deletes_and_the_deletion_is_recorded(cast):
    third_party = third_party_create(user=cast.manager, fields={"name": "Apollo"})
    response = api_client_for(cast.manager).delete(f"{THIRD_PARTIES}{third_party.pk}/")
    assert response.status_code == 204
    assert not ThirdParty.objects.filter(pk=third_party.pk).exists()
    assert Activity.objects.filter(object_id=third_party.pk, verb="deleted").exists()


def test_deleting_reference_data_still_in_use_is_a_409(cast, admin_api):
    vip = Tag.objects.get(name="VIP")
    sector = third_party_create(user=cast.admin, fields={"name": "Apollo"})
    del sector
    from crm.models import IndustrySector

    used = IndustrySector.objects.first()
    third_party_create(user=cast.admin, fields={"name": "Uses it", "industry_sector": used})
    response = admin_api.delete(f"/api/v1/industry-sectors/{used.pk}/")
    assert response.status_code == 409
    assert admin_api.delete(f"/api/v1/tags/{vip.pk}/").status_code == 204


def test_activities_are_limited_to_visible_records(cast, rep_api):
    contact_create(user=cast.rep, fields={"last_name": "Visible"})
    contact_create(user=cast.rep2, fields={"last_name": "Hidden"})
    response = rep_api.get("/api/v1/activities/", {"record_type": "contact"})
    assert len(response.json()["results"]) == 1


def test_the_schema_and_docs_are_served(cast, rep_api):
    assert rep_api.get("/api/schema/").status_code == 200
    assert rep_api.get("/api/docs/").status_code == 200


def test_an_opportunity_takes_tags_through_the_api(cast, rep_api):
    vip = Tag.objects.get(name="VIP")
    response = rep_api.post(
        "/api/v1/opportunities/", {"name": "Flotte 2027", "tags": [vip.pk]}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == [vip.pk]
    assert list(Opportunity.objects.get().tags.all()) == [vip]


def test_deleting_a_third_party_that_has_opportunities_is_refused_and_keeps_it(cast):
    third_party = third_party_create(user=cast.manager, fields={"name": "Occupée"})
    opportunity_create(user=cast.manager, fields={"name": "Audit", "third_party": third_party})
    response = api_client_for(cast.manager).delete(f"/api/v1/third-parties/{third_party.pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refused"
    assert ThirdParty.objects.filter(pk=third_party.pk).exists()


def test_deleting_a_contact_through_the_api_leaves_a_deleted_entry_in_the_timeline(cast):
    contact = contact_create(user=cast.manager, fields={"last_name": "Efface"})
    assert api_client_for(cast.manager).delete(f"/api/v1/contacts/{contact.pk}/").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Activity.objects.filter(object_id=contact.pk, verb="deleted", actor=cast.manager).count() == 1
