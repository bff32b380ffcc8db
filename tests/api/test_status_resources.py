import pytest

from crm.models import CrmSettings
from leads.models import LeadStatus

pytestmark = pytest.mark.django_db


def test_everyone_reads_the_lead_statuses_in_order(cast, rep_api):
    response = rep_api.get("/api/v1/lead-statuses/")
    names = [row["name"] for row in response.json()["results"]]
    assert names[:2] == ["À traiter", "Qualification marketing"]
    assert names[-2:] == ["Converti", "Perdu"]


def test_an_admin_adds_and_renames_a_status(cast, admin_api):
    response = admin_api.post(
        "/api/v1/lead-statuses/", {"name": "Rappel", "name_en": "Call back"}, format="json"
    )
    assert response.status_code == 201, response.json()
    status = LeadStatus.objects.get(name="Rappel")
    response = admin_api.patch(f"/api/v1/lead-statuses/{status.pk}/", {"name": "À rappeler"}, format="json")
    assert response.status_code == 200
    status.refresh_from_db()
    assert status.name == "À rappeler"


def test_a_rep_cannot_change_the_configuration(cast, rep_api):
    response = rep_api.post("/api/v1/lead-statuses/", {"name": "Rappel"}, format="json")
    assert response.status_code == 403
    assert not LeadStatus.objects.filter(name="Rappel").exists()


def test_archiving_a_mapped_status_is_refused(cast, admin_api):
    converted = CrmSettings.load().lead_converted_status
    response = admin_api.post(f"/api/v1/lead-statuses/{converted.pk}/archive/")
    assert response.status_code == 409
    converted.refresh_from_db()
    assert not converted.archived
