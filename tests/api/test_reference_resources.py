"""The API's lists of reference data create through the same service as a form's "+"."""

import pytest

from crm.models import LeadSource, Tag
from events.models import EventCategory

from .conftest import api_client_for

pytestmark = pytest.mark.django_db


def test_a_rep_adds_a_source_with_its_name_cleaned(cast, rep_api):
    response = rep_api.post("/api/v1/sources/", {"name": "  Salon   Batimat "})

    assert response.status_code == 201
    source = LeadSource.objects.get(name="Salon Batimat")
    assert response.json() == {
        "id": source.pk,
        "name": "Salon Batimat",
        "active": True,
        "updated_at": response.json()["updated_at"],
    }


def test_a_tag_named_like_an_existing_one_but_for_its_case_is_refused(cast, rep_api):
    response = rep_api.post("/api/v1/tags/", {"name": "vip", "colour": "#123456"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert list(response.json()["error"]["fields"]) == ["name"]
    assert Tag.objects.filter(name__iexact="vip").count() == 1


def test_an_event_category_named_like_another_of_its_type_is_refused(cast):
    manager_api = api_client_for(cast.manager)

    response = manager_api.post(
        "/api/v1/event-categories/", {"name": "SALON", "code": "EVENT_SALON_2", "type": "event"}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]
    assert not EventCategory.objects.filter(code="EVENT_SALON_2").exists()
