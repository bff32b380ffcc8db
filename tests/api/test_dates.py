import pytest

from events.models import Event

pytestmark = pytest.mark.django_db


def test_a_date_before_1900_is_refused_because_its_offset_cannot_be_written_back(cast, rep_api):
    response = rep_api.post(
        "/api/v1/events/", {"subject": "Très ancien", "start": "0908-04-24T08:58:07Z"}, format="json"
    )
    assert response.status_code == 400
    assert "start" in response.json()["error"]["fields"]
    assert not Event.objects.exists()
