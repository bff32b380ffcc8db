"""Figures of the calls report: inbound and outbound calls per user, per week and per team.

A call counts once it is done: a planned call may still not happen and a cancelled one did not, so
neither is activity yet (the events report follows planned, done and cancelled events, calls included).
The period applies to the call's start; visibility is that of events (others' private calls never count).
"""

from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from crm.models import User
from events.models import CallDirection, Event, EventStatus, EventType
from reports.filters import ReportFilters

from .events import USER_COLUMNS, events_in_period
from .expressions import Row, Values, person_label

DIRECTION_KEYS = ("inbound", "outbound", "no_direction", "total")


def calls_in_period(*, user: User, filters: ReportFilters) -> QuerySet[Event]:
    """The done calls the user may see, narrowed by the report's filters, the period on their start."""
    return events_in_period(user=user, filters=filters).filter(type=EventType.CALL, status=EventStatus.DONE)


def _by_direction() -> dict[str, Any]:
    """Aggregates counting each direction, calls logged without one, and all of them."""
    return {
        "inbound": Count("pk", filter=Q(call_direction=CallDirection.INBOUND)),
        "outbound": Count("pk", filter=Q(call_direction=CallDirection.OUTBOUND)),
        "no_direction": Count("pk", filter=~Q(call_direction__in=CallDirection.values)),
        "total": Count("pk"),
    }


def _direction_row(row: Values) -> Row:
    return {key: row[key] for key in DIRECTION_KEYS}


def calls_per_user(*, user: User, filters: ReportFilters) -> list[Row]:
    """Done calls per assigned user, inbound and outbound, the most calls first."""
    rows = (
        calls_in_period(user=user, filters=filters)
        .values(*USER_COLUMNS)
        .annotate(**_by_direction())
        .order_by(F("total").desc(), F("assigned_user__username").asc(nulls_last=True))
    )
    return [{"user": person_label(row) or _("Unassigned"), **_direction_row(row)} for row in rows]


def _week_of_start() -> TruncWeek:
    """The week of the start: its Monday, in the site's time zone."""
    return TruncWeek("start", output_field=DateField())


def calls_per_week(*, user: User, filters: ReportFilters) -> list[Row]:
    """Done calls per week, with how many users made or took them."""
    rows = (
        calls_in_period(user=user, filters=filters)
        .annotate(week=_week_of_start())
        .values("week")
        .annotate(count=Count("pk"), users=Count("assigned_user", distinct=True))
        .order_by("week")
    )
    return [{"week": row["week"], "count": row["count"], "users": row["users"]} for row in rows]


def calls_direction_per_week(*, user: User, filters: ReportFilters) -> list[Row]:
    """Done calls per week, inbound against outbound."""
    rows = (
        calls_in_period(user=user, filters=filters)
        .annotate(week=_week_of_start())
        .values("week")
        .annotate(**_by_direction())
        .order_by("week")
    )
    return [{"week": row["week"], **_direction_row(row)} for row in rows]


def calls_per_team(*, user: User, filters: ReportFilters) -> list[Row]:
    """Done calls per team, inbound and outbound, the most calls first."""
    rows = (
        calls_in_period(user=user, filters=filters)
        .values("team", "team__name")
        .annotate(**_by_direction())
        .order_by(F("total").desc(), F("team__name").asc(nulls_last=True), "team")
    )
    return [{"team": row["team__name"] or _("No team"), **_direction_row(row)} for row in rows]
