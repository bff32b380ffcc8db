import pytest
from django.urls import reverse

from crm.models import ApiToken
from crm.models.tokens import hash_token
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_user_creates_a_token_and_sees_its_secret_once(cast):
    client = client_for(cast.rep)
    response = client.post(reverse("profile"), {"name": "Zapier"})
    secret = response.context["new_secret"]
    token = ApiToken.objects.get(user=cast.rep)
    assert token.key_hash == hash_token(secret)
    assert secret not in client.get(reverse("profile")).content.decode()
    api = client_for(cast.rep2)
    api.logout()
    assert api.get("/api/v1/third-parties/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_revoked_token_stops_working(cast):
    token, secret = ApiToken.issue(user=cast.rep, name="Zapier")
    client_for(cast.rep).post(reverse("api_token_revoke", args=[token.pk]))
    anonymous = client_for(cast.rep)
    anonymous.logout()
    response = anonymous.get("/api/v1/third-parties/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_nobody_revokes_someone_elses_token(cast):
    token, _secret = ApiToken.issue(user=cast.rep2, name="Theirs")
    response = client_for(cast.rep).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_without_a_name_is_refused(cast):
    response = client_for(cast.rep).post(reverse("profile"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
