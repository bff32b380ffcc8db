"""Property-based fuzzing of the whole API schema: no request gets a 500, every response matches the schema."""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm.models import ApiToken
from crm.services.parties import contact_create, third_party_create


def load_schema() -> schemathesis.schemas.BaseSchema:
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app: keep it from closing the test's database connection
    at the end of each request, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(cast, keep_test_connection):
    """A manager's token (writes allowed, deletes too) and some records to hit."""
    third_party = third_party_create(
        user=cast.manager, fields={"name": "Apollo", "email": "contact@apollo.fr"}
    )
    contact_create(user=cast.manager, fields={"last_name": "Michel", "main_third_party": third_party})
    _token, raw = ApiToken.issue(user=cast.manager, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.api_fuzz
@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_gets_a_500_and_every_response_matches_the_schema(case, fuzz_headers):
    case.call_and_validate(
        headers=fuzz_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
