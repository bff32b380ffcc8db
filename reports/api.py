"""Read-only API of the reports: each chart's rows, with the same filters and visibility as the pages.

One URL per chart (reports/api_urls.py), each documented with the exact shape of its rows.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.models import User

from .filters import ReportFilterForm
from .registry import Chart, ColumnKind, available_reports, report_charts

FILTER_PARAMETERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description=_("Start of the period (included), on the chart's date.")
    ),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=_("End of the period (included).")),
    OpenApiParameter("company", OpenApiTypes.INT, description=_("Only the records of this company (id).")),
    OpenApiParameter("team", OpenApiTypes.INT, description=_("Only the records of this team (id).")),
    OpenApiParameter("user", OpenApiTypes.INT, description=_("Only the records assigned to this user (id).")),
]


def _row_field(kind: ColumnKind) -> serializers.Field:
    if kind == ColumnKind.LABEL:
        return serializers.CharField()
    if kind == ColumnKind.COUNT:
        return serializers.IntegerField()
    if kind == ColumnKind.AMOUNT:
        return serializers.DecimalField(max_digits=None, decimal_places=2)
    if kind in (ColumnKind.MONTH, ColumnKind.WEEK):
        return serializers.DateField()
    return serializers.DecimalField(max_digits=None, decimal_places=1, allow_null=True)


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_"))


def rows_serializer(chart: Chart) -> type[serializers.Serializer]:
    """A serializer of one row of the chart, named after it so that the schema has one component per chart."""
    fields: dict[str, Any] = {column.key: _row_field(column.kind) for column in chart.columns}
    return type(f"{_camel(chart.report)}{_camel(chart.key)}Row", (serializers.Serializer,), fields)


def response_serializer(chart: Chart, rows: type[serializers.Serializer]) -> type[serializers.Serializer]:
    fields = {
        "report": serializers.CharField(),
        "chart": serializers.CharField(),
        "title": serializers.CharField(),
        "rows": rows(many=True),
    }
    return type(f"{_camel(chart.report)}{_camel(chart.key)}Report", (serializers.Serializer,), fields)


class ChartRowsView(APIView):
    """The rows of one chart, computed for the caller: only the records they may see count."""

    permission_classes = [IsAuthenticated]
    chart: Chart
    rows: type[serializers.Serializer]

    def get(self, request: Request) -> Response:
        form = ReportFilterForm(request.query_params or None, user=request.user)  # type: ignore[arg-type]
        if form.is_bound and not form.is_valid():
            errors = {
                "non_field_errors" if name == "__all__" else name: [str(message) for message in messages]
                for name, messages in form.errors.items()
            }
            raise serializers.ValidationError(errors)
        user: User = request.user  # type: ignore[assignment]
        rows = self.chart.figure(user=user, filters=form.filters())
        return Response(
            {
                "report": self.chart.report,
                "chart": self.chart.key,
                "title": str(self.chart.title),
                "rows": self.rows(rows, many=True).data,
            }
        )


def chart_view(chart: Chart) -> Any:
    rows = rows_serializer(chart)
    name = f"{_camel(chart.report)}{_camel(chart.key)}View"
    view: type[ChartRowsView] = type(name, (ChartRowsView,), {"chart": chart, "rows": rows})
    schema = extend_schema_view(
        get=extend_schema(
            operation_id=f"reports_{chart.report}_{chart.key.replace('-', '_')}",
            summary=chart.title,
            description=chart.period,
            parameters=FILTER_PARAMETERS,
            responses=response_serializer(chart, rows),
        )
    )
    return schema(view).as_view()


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=[kind.value for kind in ColumnKind])


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    columns = ColumnSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    charts = ChartSerializer(many=True)


class ReportIndexView(APIView):
    """The reports and their charts, with the columns of each chart's rows."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reports_list",
        summary=_("List the reports and their charts"),
        responses=ReportSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        reports = [
            {
                "key": report.key,
                "title": str(report.title),
                "charts": [
                    {
                        "key": chart.key,
                        "title": str(chart.title),
                        "kind": chart.kind.value,
                        "columns": [
                            {"key": column.key, "label": str(column.label), "kind": column.kind.value}
                            for column in chart.columns
                        ],
                    }
                    for chart in report_charts(report.key)
                ],
            }
            for report in available_reports()
        ]
        return Response(ReportSerializer(reports, many=True).data)


@extend_schema(exclude=True)
class UnknownChartView(APIView):
    """Any other report or chart: 404 in the API's error format."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request, report: str, chart: str) -> Response:
        raise NotFound(_("There is no such report or chart."))
