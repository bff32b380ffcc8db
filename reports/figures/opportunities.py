"""Figures of the opportunities report: pipeline by status, forecasts, won and lost, lost reasons."""

from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, DateField, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import User
from crm.visibility import visible_records
from opportunities.models import Opportunity, OpportunityStage
from reports.filters import ReportFilters

from .expressions import (
    WEIGHTED_AMOUNT,
    Row,
    Values,
    cents,
    in_days,
    money_sum,
    percent,
    person_label,
    status_label,
    tenths,
)

STATUS_COLUMNS = ("status__sequence", "status_id", "status__name", "status__name_en", "status__colour")
USER_COLUMNS = (
    "assigned_user",
    "assigned_user__first_name",
    "assigned_user__last_name",
    "assigned_user__username",
)
NEXT_DAYS = 90
WON = Q(stage=OpportunityStage.WON)
LOST = Q(stage=OpportunityStage.LOST)


def _opportunities(*, user: User, filters: ReportFilters, period_field: str | None) -> QuerySet[Opportunity]:
    return filters.apply(visible_records(Opportunity.objects.all(), user=user), period_field=period_field)


def _by_status(queryset: QuerySet[Opportunity]) -> list[Row]:
    rows = (
        queryset.values(*STATUS_COLUMNS)
        .annotate(count=Count("pk"), total_amount=money_sum("amount"))
        .order_by("status__sequence", "status_id")
    )
    return [
        {
            "status": status_label(row),
            "colour": row["status__colour"],
            "count": row["count"],
            "amount": cents(row["total_amount"]),
        }
        for row in rows
    ]


def opportunities_by_status(*, user: User, filters: ReportFilters) -> list[Row]:
    """Opportunities created in the period, by status in the configured order: count and amount."""
    return _by_status(_opportunities(user=user, filters=filters, period_field="created_at"))


def opportunities_funnel(*, user: User, filters: ReportFilters) -> list[Row]:
    """Open opportunities created in the period, by status in the configured order."""
    queryset = _opportunities(user=user, filters=filters, period_field="created_at")
    return _by_status(queryset.filter(stage=OpportunityStage.OPEN))


def _open_forecast(*, user: User, filters: ReportFilters) -> QuerySet[Opportunity]:
    queryset = _opportunities(user=user, filters=filters, period_field="expected_close_date")
    return queryset.filter(stage=OpportunityStage.OPEN)


def _forecast() -> dict[str, Any]:
    """Aggregates of the forecasts; their names differ from the fields they read (`amount`)."""
    return {
        "count": Count("pk"),
        "total_amount": money_sum("amount"),
        "weighted_total": money_sum(WEIGHTED_AMOUNT),
    }


def _forecast_row(row: Values) -> Row:
    return {
        "count": row["count"],
        "amount": cents(row["total_amount"]),
        "weighted_amount": cents(row["weighted_total"]),
    }


def forecast_by_month(*, user: User, filters: ReportFilters) -> list[Row]:
    """Open opportunities by month of expected close: amount and amount × probability."""
    rows = (
        _open_forecast(user=user, filters=filters)
        .filter(expected_close_date__isnull=False)
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month")
        .annotate(**_forecast())
        .order_by("month")
    )
    return [{"month": row["month"], **_forecast_row(row)} for row in rows]


def forecast_by_user(*, user: User, filters: ReportFilters) -> list[Row]:
    """Open opportunities by assigned user, the largest weighted amount first."""
    rows = (
        _open_forecast(user=user, filters=filters)
        .values(*USER_COLUMNS)
        .annotate(**_forecast())
        .order_by(F("weighted_total").desc(), F("assigned_user__username").asc(nulls_last=True))
    )
    return [{"user": person_label(row) or _("Unassigned"), **_forecast_row(row)} for row in rows]


def forecast_by_team(*, user: User, filters: ReportFilters) -> list[Row]:
    """Open opportunities by team, the largest weighted amount first."""
    rows = (
        _open_forecast(user=user, filters=filters)
        .values("team", "team__name")
        .annotate(**_forecast())
        .order_by(F("weighted_total").desc(), F("team__name").asc(nulls_last=True))
    )
    return [{"team": row["team__name"] or _("No team"), **_forecast_row(row)} for row in rows]


def _closed(*, user: User, filters: ReportFilters) -> QuerySet[Opportunity]:
    queryset = _opportunities(user=user, filters=filters, period_field="closed_at")
    return queryset.filter(WON | LOST, closed_at__isnull=False)


def won_lost_by_month(*, user: User, filters: ReportFilters) -> list[Row]:
    """Opportunities closed in the period, by month of closing: won, lost, won amount and win rate."""
    rows = (
        _closed(user=user, filters=filters)
        .annotate(month=TruncMonth("closed_at", output_field=DateField()))
        .values("month")
        .annotate(
            won=Count("pk", filter=WON),
            lost=Count("pk", filter=LOST),
            won_amount=money_sum("amount", filter=WON),
        )
        .annotate(win_rate=percent(F("won"), F("won") + F("lost")))
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "won": row["won"],
            "lost": row["lost"],
            "won_amount": cents(row["won_amount"]),
            "win_rate": tenths(row["win_rate"]),
        }
        for row in rows
    ]


def win_rate(*, user: User, filters: ReportFilters) -> list[Row]:
    """Opportunities closed in the period: won, lost, their amounts and won / (won + lost)."""
    won, lost = Count("pk", filter=WON), Count("pk", filter=LOST)
    row = _closed(user=user, filters=filters).aggregate(
        won=won,
        lost=lost,
        won_amount=money_sum("amount", filter=WON),
        lost_amount=money_sum("amount", filter=LOST),
        win_rate=percent(won, won + lost),
    )
    if not row["won"] and not row["lost"]:
        return []
    return [
        {
            "won": row["won"],
            "lost": row["lost"],
            "won_amount": cents(row["won_amount"]),
            "lost_amount": cents(row["lost_amount"]),
            "win_rate": tenths(row["win_rate"]),
        }
    ]


def days_to_win(*, user: User, filters: ReportFilters) -> list[Row]:
    """Opportunities won in the period, by month of winning: average days from creation to won."""
    duration = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    rows = (
        _closed(user=user, filters=filters)
        .filter(WON)
        .annotate(month=TruncMonth("closed_at", output_field=DateField()))
        .values("month")
        .annotate(won=Count("pk"), average=Avg(duration))
        .order_by("month")
    )
    return [
        {"month": row["month"], "won": row["won"], "average_days": in_days(row["average"])} for row in rows
    ]


def lost_reasons(*, user: User, filters: ReportFilters) -> list[Row]:
    """Opportunities lost in the period, by lost reason, the most frequent first."""
    rows = (
        _closed(user=user, filters=filters)
        .filter(LOST)
        .values("lost_reason", "lost_reason__name")
        .annotate(count=Count("pk"), total_amount=money_sum("amount"))
        .order_by("-count", F("lost_reason__name").asc(nulls_last=True))
    )
    return [
        {
            "reason": row["lost_reason__name"] or _("No reason given"),
            "count": row["count"],
            "amount": cents(row["total_amount"]),
        }
        for row in rows
    ]


def next_days_pipeline(*, user: User, filters: ReportFilters) -> list[Row]:
    """Open opportunities expected to close in the next 90 days (from today, whatever the period), by week."""
    today = timezone.localdate()
    rows = (
        _opportunities(user=user, filters=filters, period_field=None)
        .filter(stage=OpportunityStage.OPEN)
        .filter(expected_close_date__range=(today, today + timedelta(days=NEXT_DAYS - 1)))
        .annotate(week=TruncWeek("expected_close_date"))
        .values("week")
        .annotate(**_forecast())
        .order_by("week")
    )
    return [{"week": row["week"], **_forecast_row(row)} for row in rows]
