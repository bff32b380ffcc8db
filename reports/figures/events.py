"""Figures of the events report: categories, types, and planned / done / cancelled per user, team and month.

Every status counts here (the status charts split them); the period applies to the event's start.
Visibility is `events.selectors.events_visible`: the record rule, minus the private events of others,
plus the events the user is a guest of.
"""

from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.models import User
from events.models import Event, EventStatus, EventType
from events.selectors import events_visible
from reports.filters import ReportFilters

from .expressions import Row, Values, person_label

USER_COLUMNS = (
    "assigned_user",
    "assigned_user__first_name",
    "assigned_user__last_name",
    "assigned_user__username",
)
STATUS_KEYS = ("planned", "done", "cancelled", "total")


def events_in_period(*, user: User, filters: ReportFilters) -> QuerySet[Event]:
    """The events the user may see, narrowed by the report's filters, the period on their start."""
    return filters.apply(events_visible(user=user), period_field="start")


def _by_status() -> dict[str, Any]:
    """Aggregates counting each status (names that are no field of Event) and all of them."""
    return {
        "planned": Count("pk", filter=Q(status=EventStatus.PLANNED)),
        "done": Count("pk", filter=Q(status=EventStatus.DONE)),
        "cancelled": Count("pk", filter=Q(status=EventStatus.CANCELLED)),
        "total": Count("pk"),
    }


def _status_row(row: Values) -> Row:
    return {key: row[key] for key in STATUS_KEYS}


def events_by_category(*, user: User, filters: ReportFilters) -> list[Row]:
    """Events starting in the period by category, the most frequent first; those without one together."""
    rows = (
        events_in_period(user=user, filters=filters)
        .values("category", "category__name")
        .annotate(count=Count("pk"))
        .order_by("-count", F("category__name").asc(nulls_last=True), "category")
    )
    return [{"category": row["category__name"] or _("No category"), "count": row["count"]} for row in rows]


def events_by_type(*, user: User, filters: ReportFilters) -> list[Row]:
    """Events starting in the period by type (meeting, call, task…), the most frequent first."""
    rows = (
        events_in_period(user=user, filters=filters)
        .values("type")
        .annotate(count=Count("pk"))
        .order_by("-count", "type")
    )
    labels = dict(EventType.choices)
    return [
        {"type": capfirst(str(labels.get(row["type"], row["type"]))), "count": row["count"]} for row in rows
    ]


def events_per_user(*, user: User, filters: ReportFilters) -> list[Row]:
    """Planned, done and cancelled events per assigned user, the busiest first."""
    rows = (
        events_in_period(user=user, filters=filters)
        .values(*USER_COLUMNS)
        .annotate(**_by_status())
        .order_by(F("total").desc(), F("assigned_user__username").asc(nulls_last=True))
    )
    return [{"user": person_label(row) or _("Unassigned"), **_status_row(row)} for row in rows]


def events_per_team(*, user: User, filters: ReportFilters) -> list[Row]:
    """Planned, done and cancelled events per team, the busiest first."""
    rows = (
        events_in_period(user=user, filters=filters)
        .values("team", "team__name")
        .annotate(**_by_status())
        .order_by(F("total").desc(), F("team__name").asc(nulls_last=True), "team")
    )
    return [{"team": row["team__name"] or _("No team"), **_status_row(row)} for row in rows]


def events_per_month(*, user: User, filters: ReportFilters) -> list[Row]:
    """Planned, done and cancelled events by month of their start (in the site's time zone)."""
    rows = (
        events_in_period(user=user, filters=filters)
        .annotate(month=TruncMonth("start", output_field=DateField()))
        .values("month")
        .annotate(**_by_status())
        .order_by("month")
    )
    return [{"month": row["month"], **_status_row(row)} for row in rows]
