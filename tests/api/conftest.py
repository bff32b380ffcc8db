import pytest
from rest_framework.test import APIClient

from crm.models import ApiToken, User


def api_client_for(user: User) -> APIClient:
    """A client authenticated with a real personal API token, as an integration would be."""
    _token, raw = ApiToken.issue(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def rep_api(cast) -> APIClient:
    return api_client_for(cast.rep)


@pytest.fixture
def admin_api(cast) -> APIClient:
    return api_client_for(cast.admin)
