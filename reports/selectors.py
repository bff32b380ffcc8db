"""Reads of the reports app: a user's layout of a report and the charts in that user's order."""

from crm.models import User

from .models import ReportLayout
from .registry import Chart, report_charts


def report_layout(*, user: User, report: str) -> ReportLayout:
    """The user's arrangement of the report; an unsaved, empty one if they never arranged it."""
    layout = ReportLayout.objects.filter(user=user, report=report).first()
    return layout or ReportLayout(user=user, report=report)


def ordered_charts(*, layout: ReportLayout) -> list[Chart]:
    """The report's charts in the saved order; charts the user never placed follow in the default order."""
    charts = report_charts(layout.report)
    by_key = {chart.key: chart for chart in charts}
    placed = [by_key[key] for key in layout.chart_order if key in by_key]
    return placed + [chart for chart in charts if chart.key not in layout.chart_order]
