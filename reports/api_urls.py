"""URLs of the reports API, to include under `api/v1/reports/`."""

from django.urls import URLPattern, path

from . import api
from .registry import CHARTS

urlpatterns: list[URLPattern] = [
    path("", api.ReportIndexView.as_view(), name="api-report-list"),
    *[
        path(
            f"{chart.report}/{chart.key}/",
            api.chart_view(chart),
            name=f"api-report-{chart.report}-{chart.key}",
        )
        for chart in CHARTS
    ],
    path("<str:report>/<str:chart>/", api.UnknownChartView.as_view(), name="api-report-unknown"),
]
