"""What a chart's rows become on the page: labels in the user's language and the data Chart.js draws."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats

from .figures.expressions import Row
from .registry import Chart, ChartKind, Column, ColumnKind


@dataclass(frozen=True)
class ChartCard:
    chart: Chart
    rows: list[Row]

    @property
    def headline(self) -> str | None:
        if not self.chart.headline or not self.rows:
            return None
        column = self.chart.column(self.chart.headline)
        return display_value(column, self.rows[0].get(column.key))

    def payload(self) -> dict[str, Any]:
        """The JSON handed to static/js/reports.js (embedded in the page with json_script)."""
        chart = self.chart
        series = [chart.column(key) for key in chart.series]
        if chart.label is None:
            # One row whose series are the slices (won / lost).
            row = self.rows[0] if self.rows else {}
            labels = [str(column.label) for column in series]
            datasets = [_dataset(str(chart.title), series[0].kind, [row.get(c.key) for c in series])]
        else:
            label_column = chart.column(chart.label)
            labels = [display_value(label_column, row.get(label_column.key)) for row in self.rows]
            datasets = [
                _dataset(str(column.label), column.kind, [row.get(column.key) for row in self.rows])
                for column in series
            ]
            if chart.colour:
                datasets[0]["colours"] = [row.get(chart.colour) for row in self.rows]
        return {
            "kind": chart.kind.value,
            "horizontal": chart.kind == ChartKind.FUNNEL,
            "labels": labels,
            "datasets": datasets,
        }


def _dataset(label: str, unit: ColumnKind, values: list[Any]) -> dict[str, Any]:
    return {"label": label, "unit": unit.value, "data": [_number(value) for value in values], "colours": None}


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def display_value(column: Column, value: Any) -> str:
    """A cell as the user reads it: months by name, numbers with the locale's separators."""
    if value is None:
        return ""
    if column.kind == ColumnKind.MONTH and isinstance(value, date):
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if column.kind == ColumnKind.WEEK and isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if column.kind == ColumnKind.PERCENT:
        return f"{formats.number_format(value, 1)} %"
    if column.kind in (ColumnKind.AMOUNT, ColumnKind.DAYS):
        return formats.number_format(value, 2 if column.kind == ColumnKind.AMOUNT else 1, force_grouping=True)
    return str(value)
