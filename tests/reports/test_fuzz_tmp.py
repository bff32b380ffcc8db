import json
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
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
from tests.reports.test_api import urlpatterns, handler404  # noqa


def load_schema():
    document = SchemaGenerator(urlconf="tests.reports.test_fuzz_tmp").get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded.include(path_regex="reports")


schema = load_schema()
from django.core.signals import request_started
from django.db import close_old_connections

request_started.disconnect(close_old_connections)


@pytest.fixture
def fuzz_headers(cast):
    _token, raw = ApiToken.issue(user=cast.manager, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.urls("tests.reports.test_fuzz_tmp")
@schema.parametrize()
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_fuzz(case, fuzz_headers):
    case.call_and_validate(
        headers=fuzz_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
