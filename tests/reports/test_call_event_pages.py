"""The calls and events reports end to end: pages, charts, list and columns, exports, layout, API (SPEC §6).

The data set is that of tests/reports/test_event_figures.py, whose docstring lists it.
"""

import csv
import io
import json
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from openpyxl import load_workbook

from events.models import EventCategory
from reports.api import rows_serializer
from reports.filters import ReportFilters
from reports.models import ReportLayout
from reports.registry import CHARTS, report_charts
from tests.api.conftest import api_client_for
from tests.conftest import client_for
from tests.factories import ContactFactory, ThirdPartyFactory

from .test_event_figures import build_data_set, new_event

pytestmark = pytest.mark.django_db

CALL_CHARTS = ["per-user", "per-week", "direction-per-week", "per-team"]
EVENT_CHARTS = ["by-category", "by-type", "per-user", "per-team", "per-month"]
NEW_CHARTS = [chart for chart in CHARTS if chart.report in ("calls", "events")]


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def data_set(cast):
    return build_data_set(cast)


def english_client(user) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def url(report, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("report_detail", args=[report]) + (f"?{query}" if query else "")


def chart_data(response) -> dict:
    match = re.search(
        r'<script id="report-charts" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "the chart data is embedded in the page"
    return json.loads(match.group(1))


def chart_order(response) -> list[str]:
    return re.findall(
        r'<section class="chart-card panel" draggable="true" data-chart="([^"]+)"', response.content.decode()
    )


def list_headers(response) -> list[str]:
    return re.findall(r'<th data-column="([^"]+)">', response.content.decode())


def listed(response) -> list[str]:
    return [event.subject for event in response.context["page"]]


# The registry --------------------------------------------------------------------------------------


def test_the_calls_and_events_reports_have_their_charts_in_this_order():
    assert [chart.key for chart in report_charts("calls")] == CALL_CHARTS
    assert [chart.key for chart in report_charts("events")] == EVENT_CHARTS


@pytest.mark.parametrize("chart", NEW_CHARTS, ids=lambda chart: f"{chart.report}-{chart.key}")
def test_each_chart_draws_columns_it_has(chart):
    keys = [column.key for column in chart.columns]
    assert set(chart.series) <= set(keys)
    assert chart.label in keys
    assert chart.period


# Index and menu ------------------------------------------------------------------------------------


def test_the_index_and_the_menu_link_the_calls_and_events_reports(cast):
    response = english_client(cast.manager).get(reverse("report_index"))

    assert response.status_code == 200
    page = response.content.decode()
    for report in ("calls", "events"):
        assert page.count(f'href="{reverse("report_detail", args=[report])}"') == 2  # index and menu


# The dashboards ------------------------------------------------------------------------------------


def test_the_calls_report_draws_every_chart_from_embedded_data(cast, data_set):
    response = english_client(cast.admin).get(url("calls"))

    assert response.status_code == 200
    assert chart_order(response) == CALL_CHARTS
    data = chart_data(response)
    assert set(data) == set(CALL_CHARTS)
    assert data["per-user"] == {
        "kind": "bar",
        "horizontal": False,
        "labels": [cast.rep.get_full_name(), cast.rep2.get_full_name(), cast.manager.get_full_name()],
        "datasets": [
            {"label": "Inbound", "unit": "count", "data": [1, 1, 0], "colours": None},
            {"label": "Outbound", "unit": "count", "data": [2, 1, 1], "colours": None},
            {"label": "Direction not given", "unit": "count", "data": [0, 1, 0], "colours": None},
        ],
    }
    assert data["per-week"]["labels"] == ["03/03/2025", "03/10/2025"]
    assert data["per-week"]["datasets"][0]["data"] == [2, 5]
    assert data["per-week"]["datasets"][1]["data"] == [1, 3]
    assert data["direction-per-week"]["datasets"][0]["data"] == [0, 2]
    assert data["per-team"]["labels"] == ["Équipe Nord", "Équipe Sud", "No team"]
    page = response.content.decode()
    assert "Calls done, by start date" in page
    assert "vendor/chart.umd.min.js" in page


def test_the_events_report_draws_every_chart_from_embedded_data(cast, data_set):
    response = english_client(cast.admin).get(url("events"))

    assert response.status_code == 200
    assert chart_order(response) == EVENT_CHARTS
    data = chart_data(response)
    assert data["by-type"] == {
        "kind": "doughnut",
        "horizontal": False,
        "labels": ["Call", "Meeting", "Event", "Note", "Task"],
        "datasets": [{"label": "Count", "unit": "count", "data": [9, 2, 1, 1, 1], "colours": None}],
    }
    assert data["by-category"]["labels"][0] == "No category"
    assert data["per-month"]["labels"] == ["February 2025", "March 2025", "April 2025"]
    assert [dataset["label"] for dataset in data["per-month"]["datasets"]] == ["Planned", "Done", "Cancelled"]
    assert [dataset["data"] for dataset in data["per-month"]["datasets"]] == [[0, 2, 1], [2, 7, 0], [0, 2, 0]]
    assert data["per-user"]["datasets"][2]["data"] == [2, 0, 0]


def test_the_reports_are_in_french_by_default(cast, data_set):
    with translation.override("fr"):
        response = client_for(cast.admin).get(url("events"))

    data = chart_data(response)
    assert data["by-type"]["labels"] == ["Appel", "Rendez-vous", "Événement", "Note", "Tâche"]
    assert data["per-month"]["labels"][0] == "février 2025"


def test_charts_without_data_say_so(cast):
    for report, keys in (("calls", CALL_CHARTS), ("events", EVENT_CHARTS)):
        response = english_client(cast.rep).get(url(report))
        assert response.content.decode().count("No data for these criteria.") == len(keys)


def test_the_filters_narrow_the_charts_and_the_list(cast, data_set):
    response = english_client(cast.admin).get(url("calls", team=cast.south.pk, date_to="2025-03-13"))

    assert chart_data(response)["per-user"]["labels"] == [cast.rep2.get_full_name()]
    assert chart_data(response)["per-user"]["datasets"][1]["data"] == [1]
    assert listed(response) == ["C5", "C4"]


def test_a_rep_sees_only_the_events_they_may_see_in_the_charts_and_the_list(cast, data_set):
    response = english_client(cast.rep2).get(url("events"))

    assert chart_data(response)["by-type"]["labels"] == ["Call", "Absence", "Note"]
    assert listed(response) == ["A1", "C6", "C5", "C10", "C4", "N1"]
    admins = english_client(cast.admin).get(url("events", user=cast.rep2.pk))
    assert listed(admins) == ["C6", "C5", "C4", "N1"]


# The lists -----------------------------------------------------------------------------------------


def test_the_call_list_holds_the_done_calls_latest_first(cast, data_set):
    response = english_client(cast.admin).get(url("calls"))

    assert list_headers(response) == ["subject", "start", "call_direction", "assigned_user"]
    assert listed(response) == ["C6", "C5", "C7", "C4", "C3", "C2", "C1"]
    page = response.content.decode()
    assert "<h2>Calls done in the period</h2>" in page
    assert "<td>03/10/2025 12:30 a.m.</td>" in page  # C3, in Paris time
    assert "<td>Inbound</td>" in page


def test_the_event_list_shows_each_status_in_its_colour(cast, data_set):
    response = english_client(cast.admin).get(url("events", date_from="2025-03-06", date_to="2025-03-06"))

    assert list_headers(response) == ["subject", "type", "start", "status", "assigned_user"]
    assert listed(response) == ["T1"]
    assert '<span class="chip" style="background: #7f8c8d">Cancelled</span>' in response.content.decode()


def test_extra_columns_are_shown_remembered_and_per_report(cast, data_set):
    customer = ThirdPartyFactory(name="Boulangerie Dupain")
    new_event(cast.rep, "Appel Dupain", "call", data_set["C1"].start, status="done", third_party=customer)
    client = english_client(cast.manager)

    chosen = client.get(url("calls", columns="category&columns=third_party&columns=nope"))
    reloaded = client.get(url("calls"))
    events = client.get(url("events"))

    expected = ["subject", "start", "call_direction", "assigned_user", "category", "third_party"]
    assert list_headers(chosen) == expected
    assert list_headers(reloaded) == expected
    assert ReportLayout.objects.get(user=cast.manager, report="calls").list_columns == [
        "category",
        "third_party",
    ]
    assert "Boulangerie Dupain" in reloaded.content.decode()
    assert "Appel de prospection" in reloaded.content.decode()
    assert list_headers(events) == ["subject", "type", "start", "status", "assigned_user"]


def test_the_event_list_offers_its_own_columns(cast, data_set):
    response = english_client(cast.admin).get(url("events", columns="location&columns=visibility"))

    assert list_headers(response)[-2:] == ["location", "visibility"]
    assert "<td>Public</td>" in response.content.decode()


# Layout --------------------------------------------------------------------------------------------


def save_order(client, report, keys):
    return client.post(
        reverse("report_layout", args=[report]),
        data=json.dumps({"charts": keys}),
        content_type="application/json",
    )


def test_the_chart_order_of_each_report_is_saved_per_user(cast):
    rep = english_client(cast.rep)

    assert save_order(rep, "calls", ["per-team", "per-user"]).status_code == 200
    assert save_order(rep, "events", ["per-month"]).status_code == 200

    assert chart_order(rep.get(url("calls"))) == ["per-team", "per-user", "per-week", "direction-per-week"]
    assert chart_order(rep.get(url("events")))[0] == "per-month"
    assert chart_order(english_client(cast.rep2).get(url("calls"))) == CALL_CHARTS


def test_a_chart_of_another_report_is_refused(cast):
    response = save_order(english_client(cast.rep), "calls", ["by-category"])

    assert response.status_code == 400
    assert response.json() == {"error": "Unknown charts: by-category."}


# Exports -------------------------------------------------------------------------------------------


def export(client, report, chart, file_format, **filters):
    return client.get(
        reverse("report_export", args=[report]), {"chart": chart, "format": file_format, **filters}
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_of_a_call_chart_writes_weeks_as_dates(cast, data_set):
    response = export(english_client(cast.admin), "calls", "direction-per-week", "csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="calls-direction-per-week-')
    assert csv_rows(response) == [
        ["Week of", "Inbound", "Outbound", "Direction not given", "Total"],
        ["2025-03-03", "0", "2", "0", "2"],
        ["2025-03-10", "2", "2", "1", "5"],
    ]


def test_the_xlsx_export_of_an_event_chart(cast, data_set):
    response = export(english_client(cast.admin), "events", "per-month", "xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Planned, done and cancelled eve"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Month", "Planned", "Done", "Cancelled", "Total"],
        [datetime(2025, 2, 1), 0, 2, 0, 2],
        [datetime(2025, 3, 1), 2, 7, 2, 11],
        [datetime(2025, 4, 1), 1, 0, 0, 1],
    ]


def test_the_export_applies_the_filters_and_the_users_visibility(cast, data_set):
    mine = export(english_client(cast.rep2), "calls", "per-team", "csv")
    filtered = export(english_client(cast.admin), "events", "by-type", "csv", company=cast.south_company.pk)

    assert csv_rows(mine)[1:] == [["Équipe Sud", "1", "2", "1", "4"]]
    assert csv_rows(filtered)[1:] == [["Call", "3"], ["Note", "1"]]


# API -----------------------------------------------------------------------------------------------


def api_client(user):
    client = api_client_for(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_calls_per_week_endpoint_returns_the_rows(cast, data_set):
    response = api_client(cast.admin).get("/api/v1/reports/calls/per-week/")

    assert response.status_code == 200
    assert response.json() == {
        "report": "calls",
        "chart": "per-week",
        "title": "Calls per week",
        "rows": [
            {"week": "2025-03-03", "count": 2, "users": 1},
            {"week": "2025-03-10", "count": 5, "users": 3},
        ],
    }


@pytest.mark.parametrize("chart", NEW_CHARTS, ids=lambda chart: f"{chart.report}-{chart.key}")
def test_every_new_chart_endpoint_answers_with_the_rows_of_the_page(cast, data_set, chart):
    filters = ReportFilters(team=cast.north)
    expected = rows_serializer(chart)(chart.figure(user=cast.manager, filters=filters), many=True).data

    response = api_client(cast.manager).get(
        f"/api/v1/reports/{chart.report}/{chart.key}/", {"team": cast.north.pk}
    )

    assert response.status_code == 200
    assert response.json()["rows"] == expected
    assert expected


def test_the_api_counts_only_what_the_caller_may_see(cast, data_set):
    response = api_client(cast.rep2).get("/api/v1/reports/events/per-user/")

    assert response.json()["rows"] == [
        {"user": cast.rep2.get_full_name(), "planned": 1, "done": 5, "cancelled": 0, "total": 6}
    ]


def test_the_index_and_the_schema_document_the_new_charts(cast):
    index = api_client(cast.rep).get("/api/v1/reports/").json()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    charts = {report["key"]: [chart["key"] for chart in report["charts"]] for report in index}
    assert charts["calls"] == CALL_CHARTS
    assert charts["events"] == EVENT_CHARTS
    operation = schema["paths"]["/api/v1/reports/calls/direction-per-week/"]["get"]
    assert operation["operationId"] == "reports_calls_direction_per_week"
    row = schema["components"]["schemas"]["EventsPerMonthRow"]
    assert set(row["properties"]) == {"month", "planned", "done", "cancelled", "total"}


# Speed ---------------------------------------------------------------------------------------------


def reads(captured) -> list[str]:
    return [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]


def many_more_events(cast):
    start = timezone.now() - timedelta(days=10)
    customer = ThirdPartyFactory()
    contact = ContactFactory()
    categories = list(EventCategory.objects.filter(type="call"))
    for index in range(30):
        owner = (cast.rep, cast.manager)[index % 2]
        new_event(
            owner,
            f"More {index}",
            "call",
            start + timedelta(days=index % 7, hours=index),
            status=("done", "planned")[index % 2],
            call_direction=("inbound", "outbound")[index % 2],
            category=categories[index % len(categories)].code,
            third_party=customer,
            contact=contact,
        )


@pytest.mark.parametrize("report", ["calls", "events"])
def test_a_report_page_runs_the_same_number_of_queries_for_few_or_many_records(cast, data_set, report):
    client = english_client(cast.manager)
    client.get(url(report, columns="category&columns=third_party&columns=contact&columns=lead&columns=team"))
    filters = {"team": cast.north.pk, "date_from": "2000-01-01"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(report, **filters)).status_code == 200
    many_more_events(cast)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url(report, **filters))

    assert response.status_code == 200
    assert len(response.context["rows"]) > 5
    assert len(few) == len(many)
    # One query per chart, the list's count and its page; the list's columns cost no query of their own.
    on_events = [sql for sql in reads(many) if 'FROM "events_event"' in sql]
    assert len(on_events) == len(report_charts(report)) + 2
