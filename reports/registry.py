"""The reports and their charts: a key → definition registry that the pages, exports and API read.

To add a report: write its figures in `reports/figures/<report>.py`, add a `Report`
to REPORTS and its `Chart`s to CHARTS. A report shows up (pages, menu links, API) once it has charts.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.models import User

from .figures import calls, events, leads, opportunities
from .figures.expressions import Row
from .filters import ReportFilters
from .lists import CALL_LIST, EVENT_LIST, LEAD_LIST, OPPORTUNITY_LIST, RecordList


class Figure(Protocol):
    def __call__(self, *, user: User, filters: ReportFilters) -> list[Row]: ...


class ChartKind(StrEnum):
    BAR = "bar"
    LINE = "line"
    DOUGHNUT = "doughnut"
    FUNNEL = "funnel"  # drawn as horizontal bars, in the rows' order


class ColumnKind(StrEnum):
    LABEL = "label"
    COUNT = "count"
    AMOUNT = "amount"
    PERCENT = "percent"
    DAYS = "days"
    MONTH = "month"  # a date, the first day of the month
    WEEK = "week"  # a date, the Monday of the week


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: ColumnKind


@dataclass(frozen=True)
class Chart:
    report: str
    key: str
    title: str | Promise
    kind: ChartKind
    figure: Figure
    columns: tuple[Column, ...]  # what the figure's rows hold, in export order
    series: tuple[str, ...]  # the columns drawn; a second unit gets its own axis
    label: str | None = None  # the column naming each bar or slice; None: one row, its series are the slices
    period: str | Promise = ""  # the date the period filter applies to
    headline: str | None = None  # a column of the first row shown in large under the title
    colour: str | None = None  # a row key holding each bar's colour (statuses)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True)
class Report:
    key: str
    title: str | Promise
    record_list: RecordList


REPORTS: dict[str, Report] = {
    report.key: report
    for report in (
        Report("opportunities", _("Opportunities"), OPPORTUNITY_LIST),
        Report("leads", _("Leads"), LEAD_LIST),
        Report("calls", _("Calls"), CALL_LIST),
        Report("events", _("Events"), EVENT_LIST),
    )
}

BY_CREATION = _("By creation date")
BY_EXPECTED_CLOSE = _("By expected close date")
BY_CLOSING = _("By closing date")

COUNT = Column("count", _("Count"), ColumnKind.COUNT)
AMOUNT = Column("amount", _("Amount"), ColumnKind.AMOUNT)
WEIGHTED_AMOUNT = Column("weighted_amount", _("Weighted amount"), ColumnKind.AMOUNT)
MONTH = Column("month", _("Month"), ColumnKind.MONTH)
STATUS = Column("status", _("Status"), ColumnKind.LABEL)
WON = Column("won", _("Won"), ColumnKind.COUNT)
LOST = Column("lost", _("Lost"), ColumnKind.COUNT)
WIN_RATE = Column("win_rate", _("Win rate (%)"), ColumnKind.PERCENT)
FORECAST_SERIES = ("amount", "weighted_amount")

CALLS_DONE_BY_START = _("Calls done, by start date")
BY_START = _("By start date")
BY_START_EVERY_STATUS = _("By start date, whatever the status")
USER = Column("user", _("User"), ColumnKind.LABEL)
TEAM = Column("team", _("Team"), ColumnKind.LABEL)
WEEK = Column("week", _("Week of"), ColumnKind.WEEK)
TOTAL = Column("total", _("Total"), ColumnKind.COUNT)
DIRECTIONS = (
    Column("inbound", _("Inbound"), ColumnKind.COUNT),
    Column("outbound", _("Outbound"), ColumnKind.COUNT),
    Column("no_direction", _("Direction not given"), ColumnKind.COUNT),
    TOTAL,
)
DIRECTION_SERIES = ("inbound", "outbound", "no_direction")
STATUSES = (
    Column("planned", _("Planned"), ColumnKind.COUNT),
    Column("done", _("Done"), ColumnKind.COUNT),
    Column("cancelled", _("Cancelled"), ColumnKind.COUNT),
    TOTAL,
)
STATUS_SERIES = ("planned", "done", "cancelled")

CHARTS: tuple[Chart, ...] = (
    Chart(
        "opportunities",
        "by-status",
        _("Opportunities by status"),
        ChartKind.BAR,
        opportunities.opportunities_by_status,
        (STATUS, COUNT, AMOUNT),
        series=("count", "amount"),
        label="status",
        period=BY_CREATION,
        colour="colour",
    ),
    Chart(
        "opportunities",
        "funnel",
        _("Sales funnel"),
        ChartKind.FUNNEL,
        opportunities.opportunities_funnel,
        (STATUS, COUNT, AMOUNT),
        series=("amount",),
        label="status",
        period=BY_CREATION,
        colour="colour",
    ),
    Chart(
        "opportunities",
        "forecast-by-month",
        _("Weighted forecast by expected close month"),
        ChartKind.BAR,
        opportunities.forecast_by_month,
        (MONTH, COUNT, AMOUNT, WEIGHTED_AMOUNT),
        series=FORECAST_SERIES,
        label="month",
        period=BY_EXPECTED_CLOSE,
    ),
    Chart(
        "opportunities",
        "forecast-by-user",
        _("Weighted forecast by user"),
        ChartKind.BAR,
        opportunities.forecast_by_user,
        (Column("user", _("User"), ColumnKind.LABEL), COUNT, AMOUNT, WEIGHTED_AMOUNT),
        series=FORECAST_SERIES,
        label="user",
        period=BY_EXPECTED_CLOSE,
    ),
    Chart(
        "opportunities",
        "forecast-by-team",
        _("Weighted forecast by team"),
        ChartKind.BAR,
        opportunities.forecast_by_team,
        (Column("team", _("Team"), ColumnKind.LABEL), COUNT, AMOUNT, WEIGHTED_AMOUNT),
        series=FORECAST_SERIES,
        label="team",
        period=BY_EXPECTED_CLOSE,
    ),
    Chart(
        "opportunities",
        "won-lost-by-month",
        _("Won and lost per month"),
        ChartKind.BAR,
        opportunities.won_lost_by_month,
        (MONTH, WON, LOST, Column("won_amount", _("Won amount"), ColumnKind.AMOUNT), WIN_RATE),
        series=("won", "lost", "win_rate"),
        label="month",
        period=BY_CLOSING,
    ),
    Chart(
        "opportunities",
        "win-rate",
        _("Win rate"),
        ChartKind.DOUGHNUT,
        opportunities.win_rate,
        (
            WON,
            LOST,
            Column("won_amount", _("Won amount"), ColumnKind.AMOUNT),
            Column("lost_amount", _("Lost amount"), ColumnKind.AMOUNT),
            WIN_RATE,
        ),
        series=("won", "lost"),
        period=BY_CLOSING,
        headline="win_rate",
    ),
    Chart(
        "opportunities",
        "days-to-win",
        _("Average days from creation to won"),
        ChartKind.LINE,
        opportunities.days_to_win,
        (MONTH, WON, Column("average_days", _("Average days"), ColumnKind.DAYS)),
        series=("average_days",),
        label="month",
        period=BY_CLOSING,
    ),
    Chart(
        "opportunities",
        "lost-reasons",
        _("Lost reasons"),
        ChartKind.DOUGHNUT,
        opportunities.lost_reasons,
        (Column("reason", _("Lost reason"), ColumnKind.LABEL), COUNT, AMOUNT),
        series=("count",),
        label="reason",
        period=BY_CLOSING,
    ),
    Chart(
        "opportunities",
        "next-90-days",
        _("Pipeline of the next 90 days"),
        ChartKind.BAR,
        opportunities.next_days_pipeline,
        (Column("week", _("Week of"), ColumnKind.WEEK), COUNT, AMOUNT, WEIGHTED_AMOUNT),
        series=FORECAST_SERIES,
        label="week",
        period=_("Expected to close from today on, whatever the period"),
    ),
    Chart(
        "leads",
        "by-source",
        _("Leads by source"),
        ChartKind.DOUGHNUT,
        leads.leads_by_source,
        (Column("source", _("Source"), ColumnKind.LABEL), COUNT),
        series=("count",),
        label="source",
        period=BY_CREATION,
    ),
    Chart(
        "leads",
        "by-status",
        _("Leads by status"),
        ChartKind.BAR,
        leads.leads_by_status,
        (STATUS, COUNT),
        series=("count",),
        label="status",
        period=BY_CREATION,
        colour="colour",
    ),
    Chart(
        "leads",
        "by-sector",
        _("Leads by industry sector"),
        ChartKind.BAR,
        leads.leads_by_sector,
        (Column("sector", _("Industry sector"), ColumnKind.LABEL), COUNT),
        series=("count",),
        label="sector",
        period=BY_CREATION,
    ),
    Chart(
        "leads",
        "by-month",
        _("Leads per month"),
        ChartKind.LINE,
        leads.leads_by_month,
        (
            MONTH,
            Column("created", _("Leads created"), ColumnKind.COUNT),
            Column("converted", _("Converted"), ColumnKind.COUNT),
            LOST,
        ),
        series=("created", "converted", "lost"),
        label="month",
        period=BY_CREATION,
    ),
    Chart(
        "leads",
        "conversion",
        _("Lead → opportunity → won conversion"),
        ChartKind.FUNNEL,
        leads.leads_conversion,
        (
            Column("step", _("Step"), ColumnKind.LABEL),
            COUNT,
            Column("step_rate", _("Of the previous step (%)"), ColumnKind.PERCENT),
            Column("lead_rate", _("Of the leads (%)"), ColumnKind.PERCENT),
        ),
        series=("count",),
        label="step",
        period=BY_CREATION,
    ),
    Chart(
        "calls",
        "per-user",
        _("Calls per user, inbound and outbound"),
        ChartKind.BAR,
        calls.calls_per_user,
        (USER, *DIRECTIONS),
        series=DIRECTION_SERIES,
        label="user",
        period=CALLS_DONE_BY_START,
    ),
    Chart(
        "calls",
        "per-week",
        _("Calls per week"),
        ChartKind.LINE,
        calls.calls_per_week,
        (
            WEEK,
            Column("count", _("Calls"), ColumnKind.COUNT),
            Column("users", _("Users with calls"), ColumnKind.COUNT),
        ),
        series=("count", "users"),
        label="week",
        period=CALLS_DONE_BY_START,
    ),
    Chart(
        "calls",
        "direction-per-week",
        _("Inbound and outbound calls per week"),
        ChartKind.BAR,
        calls.calls_direction_per_week,
        (WEEK, *DIRECTIONS),
        series=DIRECTION_SERIES,
        label="week",
        period=CALLS_DONE_BY_START,
    ),
    Chart(
        "calls",
        "per-team",
        _("Calls per team"),
        ChartKind.BAR,
        calls.calls_per_team,
        (TEAM, *DIRECTIONS),
        series=DIRECTION_SERIES,
        label="team",
        period=CALLS_DONE_BY_START,
    ),
    Chart(
        "events",
        "by-category",
        _("Events by category"),
        ChartKind.BAR,
        events.events_by_category,
        (Column("category", _("Category"), ColumnKind.LABEL), COUNT),
        series=("count",),
        label="category",
        period=BY_START_EVERY_STATUS,
    ),
    Chart(
        "events",
        "by-type",
        _("Events by type"),
        ChartKind.DOUGHNUT,
        events.events_by_type,
        (Column("type", _("Type"), ColumnKind.LABEL), COUNT),
        series=("count",),
        label="type",
        period=BY_START_EVERY_STATUS,
    ),
    Chart(
        "events",
        "per-user",
        _("Planned, done and cancelled events per user"),
        ChartKind.BAR,
        events.events_per_user,
        (USER, *STATUSES),
        series=STATUS_SERIES,
        label="user",
        period=BY_START,
    ),
    Chart(
        "events",
        "per-team",
        _("Planned, done and cancelled events per team"),
        ChartKind.BAR,
        events.events_per_team,
        (TEAM, *STATUSES),
        series=STATUS_SERIES,
        label="team",
        period=BY_START,
    ),
    Chart(
        "events",
        "per-month",
        _("Planned, done and cancelled events per month"),
        ChartKind.LINE,
        events.events_per_month,
        (MONTH, *STATUSES),
        series=STATUS_SERIES,
        label="month",
        period=BY_START,
    ),
)


def report_or_none(key: str) -> Report | None:
    """A report that can be shown: known and with at least one chart."""
    report = REPORTS.get(key)
    return report if report is not None and report_charts(key) else None


def available_reports() -> list[Report]:
    return [report for key, report in REPORTS.items() if report_charts(key)]


def report_charts(report: str) -> list[Chart]:
    """The charts of a report, in their default order."""
    return [chart for chart in CHARTS if chart.report == report]


def chart_or_none(report: str, key: str) -> Chart | None:
    return next((chart for chart in CHARTS if chart.report == report and chart.key == key), None)
