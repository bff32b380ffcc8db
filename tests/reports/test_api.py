"""The reports API: each chart's rows with the page's filters and visibility, documented (SPEC §6, §7).

The lead engineer includes reports.api_urls under api/v1/reports/; these tests mount it the same
way on top of the project's URLs, so that they hold before and after.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from crm import urls as project_urls
from crm.models import LostReason
from opportunities.services import opportunity_create, opportunity_lose, opportunity_win
from reports.api import rows_serializer
from reports.filters import ReportFilters
from reports.registry import CHARTS
from tests.api.conftest import api_client_for
from tests.factories import LeadFactory

urlpatterns = [path("api/v1/reports/", include("reports.api_urls")), *project_urls.urlpatterns]
handler404 = "crm.api.errors.api_aware_page_not_found"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

D = Decimal


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def create(user, name, amount, probability=10, close=None):
    return opportunity_create(
        user=user,
        fields={"name": name, "amount": D(amount), "probability": probability, "expected_close_date": close},
    )


@pytest.fixture
def opportunities(cast):
    create(cast.rep, "Nord ouverte", "1000.00", 50, date(2025, 3, 10))
    create(cast.rep, "Nord ouverte 2", "3000.00", 20, date(2025, 3, 20))
    opportunity_win(opportunity=create(cast.rep, "Nord gagnée", "5000.00"), user=cast.rep)
    create(cast.rep2, "Sud ouverte", "2000.00", 10, date(2025, 4, 2))
    lost = create(cast.rep2, "Sud perdue", "700.00")
    opportunity_lose(opportunity=lost, user=cast.rep2, reason=LostReason.objects.get(name="Pas de budget"))
    LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company)


def api_client(user) -> APIClient:
    """A token client reading English (the interface language comes from a cookie or the profile)."""
    client = api_client_for(user)
    client.cookies["django_language"] = "en"
    return client


def get(client: APIClient, report: str, chart: str, **params):
    return client.get(f"/api/v1/reports/{report}/{chart}/", params)


def test_the_by_status_endpoint_returns_the_rows_with_amounts_as_decimal_strings(cast, opportunities):
    response = get(api_client(cast.admin), "opportunities", "by-status")

    assert response.status_code == 200
    assert response.json() == {
        "report": "opportunities",
        "chart": "by-status",
        "title": "Opportunities by status",
        "rows": [
            {"status": "To process", "count": 3, "amount": "6000.00"},
            {"status": "Closed won", "count": 1, "amount": "5000.00"},
            {"status": "Closed lost", "count": 1, "amount": "700.00"},
        ],
    }


def test_months_are_dates_and_missing_rates_are_null(cast, opportunities):
    forecast = get(api_client(cast.admin), "opportunities", "forecast-by-month").json()["rows"]
    conversion = get(api_client(cast.admin), "leads", "conversion").json()["rows"]

    assert forecast == [
        {"month": "2025-03-01", "count": 2, "amount": "4000.00", "weighted_amount": "1100.00"},
        {"month": "2025-04-01", "count": 1, "amount": "2000.00", "weighted_amount": "200.00"},
    ]
    assert conversion == [
        {"step": "Leads", "count": 1, "step_rate": "100.0", "lead_rate": "100.0"},
        {"step": "With an opportunity", "count": 0, "step_rate": "0.0", "lead_rate": "0.0"},
        {"step": "Won", "count": 0, "step_rate": None, "lead_rate": "0.0"},
    ]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: f"{chart.report}-{chart.key}")
def test_every_chart_endpoint_returns_the_rows_of_the_page(cast, opportunities, chart):
    filters = ReportFilters(team=cast.north)
    expected = rows_serializer(chart)(chart.figure(user=cast.manager, filters=filters), many=True).data

    response = get(api_client(cast.manager), chart.report, chart.key, team=cast.north.pk)

    assert response.status_code == 200
    assert response.json()["rows"] == expected


def test_the_query_parameters_filter_like_the_page(cast, opportunities):
    response = get(api_client(cast.admin), "opportunities", "win-rate", team=cast.south.pk)

    assert response.json()["rows"] == [
        {"won": 0, "lost": 1, "won_amount": "0.00", "lost_amount": "700.00", "win_rate": "0.0"}
    ]


def test_a_rep_gets_only_the_figures_of_the_records_they_see(cast, opportunities):
    response = get(api_client(cast.rep2), "opportunities", "by-status")

    assert response.json()["rows"] == [
        {"status": "To process", "count": 1, "amount": "2000.00"},
        {"status": "Closed lost", "count": 1, "amount": "700.00"},
    ]


def test_invalid_filters_are_refused_in_the_api_error_format(cast):
    response = get(api_client(cast.rep), "opportunities", "by-status", date_from="2025-02-30", team="north")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"date_from", "team"}


def test_a_period_ending_before_it_starts_is_refused(cast):
    response = get(api_client(cast.rep), "leads", "by-source", date_from="2025-03-01", date_to="2025-02-01")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"date_to": ["The end of the period is before its start."]}


def test_a_team_outside_the_users_companies_is_refused(cast):
    response = get(api_client(cast.rep), "leads", "by-source", team=cast.south.pk)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["team"]


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/reports/opportunities/by-horoscope/",
        "/api/v1/reports/calls/by-user/",
        "/api/v1/reports/leads/funnel/",
        "/api/v1/reports/nope/nothing/",
    ],
)
def test_an_unknown_report_or_chart_is_not_found(cast, address):
    response = api_client(cast.rep).get(address)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_reports_api_requires_authentication(db):
    response = APIClient().get("/api/v1/reports/opportunities/by-status/")

    assert response.status_code == 401


def test_the_index_lists_the_reports_their_charts_and_columns(cast):
    response = api_client(cast.rep).get("/api/v1/reports/")

    assert response.status_code == 200
    reports = response.json()
    assert [report["key"] for report in reports] == ["opportunities", "leads", "calls", "events"]
    assert [chart["key"] for chart in reports[1]["charts"]] == [
        "by-source",
        "by-status",
        "by-sector",
        "by-month",
        "conversion",
    ]
    assert reports[0]["charts"][0]["columns"] == [
        {"key": "status", "label": "Status", "kind": "label"},
        {"key": "count", "label": "Count", "kind": "count"},
        {"key": "amount", "label": "Amount", "kind": "amount"},
    ]


def test_the_schema_documents_each_chart_with_its_filters_and_rows(db):
    schema = SchemaGenerator(urlconf=__name__).get_schema(request=None, public=True)

    operation = schema["paths"]["/api/v1/reports/opportunities/forecast-by-month/"]["get"]
    assert operation["operationId"] == "reports_opportunities_forecast_by_month"
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "date_from",
        "date_to",
        "company",
        "team",
        "user",
    }
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/OpportunitiesForecastByMonthReport"}
    row = schema["components"]["schemas"]["OpportunitiesForecastByMonthRow"]
    assert set(row["properties"]) == {"month", "count", "amount", "weighted_amount"}
    assert "/api/v1/reports/{report}/{chart}/" not in schema["paths"]


def test_an_endpoint_runs_the_same_number_of_queries_for_few_or_many_records(cast, opportunities):
    client = api_client(cast.manager)
    get(client, "opportunities", "won-lost-by-month")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        get(client, "opportunities", "won-lost-by-month")
    today = timezone.localdate()
    for index in range(20):
        opportunity = create(cast.rep, f"More {index}", "100.00", 20, today + timedelta(days=index))
        if index % 2:
            opportunity_win(opportunity=opportunity, user=cast.rep)

    with CaptureQueriesContext(connection) as many:
        response = get(client, "opportunities", "won-lost-by-month")

    assert response.status_code == 200
    assert len(few) == len(many)
