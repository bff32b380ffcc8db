"""Report pages: dashboard, filters, chart order by drag and drop, exports, the list and its columns."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from crm.models import LostReason
from opportunities.models import Opportunity
from opportunities.services import opportunity_create, opportunity_lose, opportunity_win
from reports.models import ReportLayout
from reports.registry import report_charts
from tests.conftest import client_for
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

D = Decimal
OPPORTUNITY_CHARTS = [chart.key for chart in report_charts("opportunities")]


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def english_client(user) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def create(user, name, amount, probability=10, close=None):
    return opportunity_create(
        user=user,
        fields={"name": name, "amount": D(amount), "probability": probability, "expected_close_date": close},
    )


@pytest.fixture
def opportunities(cast):
    """Two open and one won for the rep (north), one open and one lost for rep2 (south)."""
    create(cast.rep, "Nord ouverte", "1000.00", 50, date(2025, 3, 10))
    create(cast.rep, "Nord ouverte 2", "3000.00", 20, date(2025, 3, 20))
    opportunity_win(opportunity=create(cast.rep, "Nord gagnée", "5000.00"), user=cast.rep)
    create(cast.rep2, "Sud ouverte", "2000.00", 10, date(2025, 4, 2))
    lost = create(cast.rep2, "Sud perdue", "700.00")
    opportunity_lose(opportunity=lost, user=cast.rep2, reason=LostReason.objects.get(name="Pas de budget"))


def url(report="opportunities", **params) -> str:
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


# The dashboard ------------------------------------------------------------------------------------


def test_the_report_index_links_the_opportunities_and_leads_reports(cast):
    response = english_client(cast.manager).get(reverse("report_index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("report_detail", args=["opportunities"]) in page
    assert reverse("report_detail", args=["leads"]) in page


def test_an_unknown_report_is_not_found(cast):
    assert english_client(cast.manager).get(url("nope")).status_code == 404


def test_the_opportunities_report_draws_every_chart_from_embedded_data(cast, opportunities):
    response = english_client(cast.admin).get(url())

    assert response.status_code == 200
    assert chart_order(response) == OPPORTUNITY_CHARTS
    data = chart_data(response)
    assert set(data) == set(OPPORTUNITY_CHARTS)
    assert data["by-status"] == {
        "kind": "bar",
        "horizontal": False,
        "labels": ["To process", "Closed won", "Closed lost"],
        "datasets": [
            {
                "label": "Count",
                "unit": "count",
                "data": [3, 1, 1],
                "colours": ["#5b8def", "#2e9d4f", "#c0392b"],
            },
            {"label": "Amount", "unit": "amount", "data": [6000.0, 5000.0, 700.0], "colours": None},
        ],
    }
    assert data["forecast-by-month"]["labels"] == ["March 2025", "April 2025"]
    assert data["win-rate"]["labels"] == ["Won", "Lost"]
    assert data["win-rate"]["datasets"][0]["data"] == [1, 1]
    page = response.content.decode()
    assert "vendor/chart.umd.min.js" in page
    assert "js/reports.js" in page
    assert '<p class="chart-headline">50.0 %</p>' in page


def test_the_leads_report_shows_its_charts(cast):
    LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company)

    response = english_client(cast.rep).get(url("leads"))

    assert response.status_code == 200
    assert chart_order(response) == ["by-source", "by-status", "by-sector", "by-month", "conversion"]
    assert chart_data(response)["by-source"]["datasets"][0]["data"] == [1]


def test_a_chart_without_data_says_so(cast):
    response = english_client(cast.rep).get(url())

    assert response.content.decode().count("No data for these criteria.") == len(OPPORTUNITY_CHARTS)


def test_the_filters_narrow_the_charts_and_the_list(cast, opportunities):
    response = english_client(cast.admin).get(url(team=cast.south.pk))

    assert chart_data(response)["by-status"]["labels"] == ["To process", "Closed lost"]
    page = response.content.decode()
    assert "Sud ouverte" in page
    assert "Nord ouverte" not in page


def test_a_rep_sees_only_their_own_records_in_the_charts_and_the_list(cast, opportunities):
    response = english_client(cast.rep2).get(url())

    assert chart_data(response)["by-status"]["datasets"][0]["data"] == [1, 1]
    page = response.content.decode()
    assert "Sud perdue" in page
    assert "Nord gagnée" not in page


def test_invalid_filters_are_shown_and_the_figures_ignore_them(cast, opportunities):
    response = english_client(cast.admin).get(url(date_from="2025-03-01", date_to="2025-01-01"))

    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()
    assert chart_data(response)["by-status"]["datasets"][0]["data"] == [3, 1, 1]


def test_the_filter_lists_offer_a_rep_their_own_company_only(cast):
    response = english_client(cast.rep).get(url())

    form = response.context["form"]
    assert list(form.fields["company"].queryset) == [cast.north_company]
    assert list(form.fields["team"].queryset) == [cast.north]
    assert set(form.fields["user"].queryset) == {cast.rep, cast.manager}


# Chart order --------------------------------------------------------------------------------------


def save_order(client, keys, report="opportunities"):
    return client.post(
        reverse("report_layout", args=[report]),
        data=json.dumps({"charts": keys}),
        content_type="application/json",
    )


def test_the_chart_order_is_saved_per_user_and_reloaded(cast):
    new_order = list(reversed(OPPORTUNITY_CHARTS))
    rep = english_client(cast.rep)

    response = save_order(rep, new_order)

    assert response.status_code == 200
    assert response.json() == {"charts": new_order}
    assert chart_order(rep.get(url())) == new_order
    assert chart_order(english_client(cast.rep2).get(url())) == OPPORTUNITY_CHARTS
    assert chart_order(rep.get(url("leads")))[0] == "by-source"


def test_saving_the_order_again_replaces_it(cast):
    rep = english_client(cast.rep)
    save_order(rep, ["funnel", "by-status"])

    save_order(rep, ["win-rate"])

    assert ReportLayout.objects.get(user=cast.rep, report="opportunities").chart_order == ["win-rate"]
    assert chart_order(rep.get(url()))[:3] == ["win-rate", "by-status", "funnel"]


def test_charts_the_user_never_placed_follow_in_the_default_order(cast):
    rep = english_client(cast.rep)
    save_order(rep, ["lost-reasons", "funnel"])

    order = chart_order(rep.get(url()))

    assert order == [
        "lost-reasons",
        "funnel",
        *[key for key in OPPORTUNITY_CHARTS if key not in ("lost-reasons", "funnel")],
    ]


def test_an_order_with_an_unknown_chart_is_refused(cast):
    response = save_order(english_client(cast.rep), ["by-status", "by-horoscope"])

    assert response.status_code == 400
    assert response.json() == {"error": "Unknown charts: by-horoscope."}
    assert not ReportLayout.objects.exists()


def test_a_chart_of_another_report_is_refused(cast):
    response = save_order(english_client(cast.rep), ["by-source"])

    assert response.status_code == 400
    assert not ReportLayout.objects.exists()


def test_an_order_repeating_a_chart_is_refused(cast):
    response = save_order(english_client(cast.rep), ["funnel", "funnel"])

    assert response.status_code == 400
    assert response.json() == {"error": "The same key appears twice."}


@pytest.mark.parametrize("body", ["not json", '{"charts": "funnel"}', '{"charts": [1, 2]}', "[]"])
def test_an_unreadable_order_is_refused(cast, body):
    response = english_client(cast.rep).post(
        reverse("report_layout", args=["opportunities"]), data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": "The new order could not be read."}


def test_the_order_is_saved_only_by_post_with_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rep)
    page = client.get(url())
    token = re.search(r'data-csrf-token="([^"]+)"', page.content.decode()).group(1)
    layout_url = reverse("report_layout", args=["opportunities"])
    body = json.dumps({"charts": ["funnel"]})

    refused = client.post(layout_url, data=body, content_type="application/json")
    accepted = client.post(
        layout_url, data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert client.get(layout_url).status_code == 405


# The list and its columns -------------------------------------------------------------------------


def test_the_list_shows_the_filtered_records_with_the_fixed_columns(cast, opportunities):
    response = english_client(cast.admin).get(url(user=cast.rep2.pk))

    assert list_headers(response) == ["name", "status", "amount", "assigned_user"]
    assert [str(record) for record in response.context["page"]] == ["Sud perdue", "Sud ouverte"]


def test_extra_columns_are_shown_and_remembered(cast, opportunities):
    client = english_client(cast.manager)

    chosen = client.get(url() + "&".join(["?columns=", "columns=source", "columns=team", "columns=nope"]))
    reloaded = client.get(url())

    expected = ["name", "status", "amount", "assigned_user", "team", "source"]
    assert list_headers(chosen) == expected
    assert list_headers(reloaded) == expected
    assert ReportLayout.objects.get(user=cast.manager).list_columns == ["team", "source"]
    assert "Équipe Nord" in reloaded.content.decode()


def test_choosing_no_extra_column_clears_the_remembered_ones(cast):
    client = english_client(cast.manager)
    client.get(url(columns="team"))

    response = client.get(url(columns=""))

    assert list_headers(response) == ["name", "status", "amount", "assigned_user"]
    assert ReportLayout.objects.get(user=cast.manager).list_columns == []


def test_the_columns_of_one_user_do_not_change_anothers(cast):
    english_client(cast.manager).get(url(columns="team"))

    assert list_headers(english_client(cast.rep).get(url())) == ["name", "status", "amount", "assigned_user"]


def test_the_lead_list_offers_its_own_columns(cast):
    LeadFactory(assigned_user=cast.rep, email="jeanne@prospect.fr")

    response = english_client(cast.rep).get(url("leads", columns="email"))

    assert list_headers(response) == ["name", "company_name", "status", "assigned_user", "email"]
    assert "jeanne@prospect.fr" in response.content.decode()


def test_the_list_is_paginated_and_keeps_the_filters(cast, settings):
    settings.CRM_LIST_PAGE_SIZE = 2
    for index in range(5):
        create(cast.rep, f"Affaire {index}", "100.00")

    response = english_client(cast.rep).get(url(team=cast.north.pk, page=2))

    assert response.context["page"].number == 2
    assert f'href="?team={cast.north.pk}&amp;page=3"' in response.content.decode()


# Exports ------------------------------------------------------------------------------------------


def export(client, chart, file_format, report="opportunities", **filters):
    params = {"chart": chart, "format": file_format, **filters}
    return client.get(reverse("report_export", args=[report]), params)


def test_the_csv_export_holds_the_charts_rows(cast, opportunities):
    response = export(english_client(cast.admin), "forecast-by-month", "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="opportunities-forecast-by-month-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Month", "Count", "Amount", "Weighted amount"],
        ["2025-03", "2", "4000.00", "1100.00"],
        ["2025-04", "1", "2000.00", "200.00"],
    ]


def test_the_xlsx_export_holds_the_charts_rows(cast, opportunities):
    response = export(english_client(cast.admin), "by-status", "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Opportunities by status"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Status", "Count", "Amount"],
        ["To process", 3, 6000],
        ["Closed won", 1, 5000],
        ["Closed lost", 1, 700],
    ]
    assert sheet["C2"].number_format == "#,##0.00"


def test_the_xlsx_export_writes_months_as_dates(cast, opportunities):
    response = export(english_client(cast.admin), "forecast-by-month", "xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == datetime(2025, 3, 1)
    assert sheet["A2"].number_format == "yyyy-mm"
    assert sheet["D2"].value == 1100


def test_the_export_applies_the_filters_and_the_users_visibility(cast, opportunities):
    rep = english_client(cast.rep)

    mine = export(rep, "by-status", "csv")
    filtered = export(english_client(cast.admin), "by-status", "csv", team=cast.south.pk)

    assert list(csv.reader(io.StringIO(mine.content.decode("utf-8-sig"))))[1:] == [
        ["To process", "2", "4000.00"],
        ["Closed won", "1", "5000.00"],
    ]
    assert list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))[1:] == [
        ["To process", "1", "2000.00"],
        ["Closed lost", "1", "700.00"],
    ]


def test_the_export_never_writes_a_formula(cast, opportunities):
    LostReason.objects.filter(name="Pas de budget").update(name='=HYPERLINK("http://x.example","clic")')

    as_csv = export(english_client(cast.admin), "lost-reasons", "csv")
    as_xlsx = export(english_client(cast.admin), "lost-reasons", "xlsx")

    assert list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))[1][0].startswith("'=HYPERLINK")
    cell = load_workbook(io.BytesIO(as_xlsx.content)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x.example","clic")'


def test_exporting_an_unknown_chart_is_not_found(cast):
    assert export(english_client(cast.rep), "by-horoscope", "csv").status_code == 404
    assert export(english_client(cast.rep), "by-source", "csv").status_code == 404
    assert export(english_client(cast.rep), "by-status", "csv", report="calls").status_code == 404


def test_exporting_in_an_unknown_format_or_with_invalid_filters_is_refused(cast):
    assert export(english_client(cast.rep), "by-status", "pdf").status_code == 400
    assert export(english_client(cast.rep), "by-status", "csv", date_from="yesterday").status_code == 400


def test_a_leads_chart_exports_too(cast):
    LeadFactory(assigned_user=cast.rep)

    response = export(english_client(cast.rep), "conversion", "csv", report="leads")

    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        ["Step", "Count", "Of the previous step (%)", "Of the leads (%)"],
        ["Leads", "1", "100.0", "100.0"],
        ["With an opportunity", "0", "0.0", "0.0"],
        ["Won", "0", "", "0.0"],
    ]


# Speed --------------------------------------------------------------------------------------------


def reads(captured) -> list[str]:
    """The queries, without the savepoints of the request's transaction."""
    return [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]


def many_more_records(cast):
    today = timezone.localdate()
    reasons = list(LostReason.objects.all())
    for index in range(30):
        owner = (cast.rep, cast.manager)[index % 2]
        opportunity = create(
            owner, f"More {index}", f"{100 + index}.00", 20, today + timedelta(days=index * 5)
        )
        if index % 4 == 0:
            opportunity_win(opportunity=opportunity, user=owner)
        elif index % 4 == 1:
            opportunity_lose(opportunity=opportunity, user=owner, reason=reasons[index % len(reasons)])
        LeadFactory(assigned_user=owner, team=cast.north, company=cast.north_company)
    Opportunity.objects.filter(closed_at__isnull=False).update(closed_at=timezone.now() - timedelta(days=40))


@pytest.mark.parametrize("report", ["opportunities", "leads"])
def test_a_report_page_runs_the_same_number_of_queries_for_few_or_many_records(cast, opportunities, report):
    LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company)
    client = english_client(cast.manager)
    client.get(url(report, columns="team&columns=source&columns=lost_reason"))
    filters = {"team": cast.north.pk, "date_from": "2000-01-01"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(report, **filters)).status_code == 200
    many_more_records(cast)

    with CaptureQueriesContext(connection) as many:
        assert client.get(url(report, **filters)).status_code == 200

    charts = len(report_charts(report))
    assert len(few) == len(many)
    # The session and its user, role, teams, companies, the CRM settings (menu), the filter values
    # (team), the filter lists (companies, teams, users), the layout, the charts, the list's count
    # and its page.
    assert len(reads(many)) == 13 + charts
