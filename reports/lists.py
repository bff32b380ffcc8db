"""The record list under a report's charts: fixed columns plus the extra ones the user chooses."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.models import User
from crm.visibility import visible_records
from events.models import Event, EventStatus
from leads.models import Lead
from opportunities.models import Opportunity

from .figures.calls import calls_in_period
from .figures.events import events_in_period
from .filters import ReportFilters


class CellKind(StrEnum):
    TEXT = "text"
    LINK = "link"  # the record itself, linked to its page
    CHIP = "chip"  # a status, in its colour
    AMOUNT = "amount"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"  # a date and time, in the user's time zone


@dataclass(frozen=True)
class Cell:
    kind: CellKind
    value: Any
    url: str = ""
    colour: str = ""


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: str | Promise
    path: str = ""  # attribute path from the record, e.g. "third_party.name"; empty: the record
    kind: CellKind = CellKind.TEXT
    related: tuple[str, ...] = ()  # what select_related needs so that the cell costs no query

    def cell(self, record: Any) -> Cell:
        value = record
        for name in filter(None, self.path.split(".")):
            value = getattr(value, name) if value is not None else None
        if self.kind == CellKind.LINK:
            return Cell(self.kind, value, url=record.get_absolute_url())
        if self.kind == CellKind.CHIP:
            return Cell(self.kind, value.label if value else "", colour=value.colour if value else "")
        return Cell(self.kind, value)


@dataclass(frozen=True)
class ChoiceColumn(ListColumn):
    """A field with choices (`path` is its name), shown by its label; as a chip when it has a colour."""

    colours: tuple[tuple[str, str], ...] = ()  # (value, colour)

    def cell(self, record: Any) -> Cell:
        label = capfirst(str(getattr(record, f"get_{self.path}_display")()))
        colour = dict(self.colours).get(getattr(record, self.path), "")
        return Cell(CellKind.CHIP, label, colour=colour) if colour else Cell(CellKind.TEXT, label)


@dataclass(frozen=True)
class RecordList:
    caption: str | Promise
    records: Callable[..., QuerySet]  # (*, user, filters) -> the visible, filtered records
    columns: tuple[ListColumn, ...]  # always shown
    extra_columns: tuple[ListColumn, ...]  # offered by the column chooser

    def extra_column_keys(self) -> list[str]:
        return [column.key for column in self.extra_columns]

    def chosen_columns(self, keys: list[str]) -> list[ListColumn]:
        """The known columns among `keys`, in the chooser's order."""
        wanted = set(keys)
        return [column for column in self.extra_columns if column.key in wanted]

    def page_queryset(self, *, user: User, filters: ReportFilters, extra: list[ListColumn]) -> QuerySet:
        related = {name for column in (*self.columns, *extra) for name in column.related}
        return self.records(user=user, filters=filters).select_related(*sorted(related))


def opportunity_records(*, user: User, filters: ReportFilters) -> QuerySet[Opportunity]:
    queryset = filters.apply(visible_records(Opportunity.objects.all(), user=user), period_field="created_at")
    return queryset.order_by("-created_at", "-pk")


def lead_records(*, user: User, filters: ReportFilters) -> QuerySet[Lead]:
    queryset = filters.apply(visible_records(Lead.objects.all(), user=user), period_field="created_at")
    return queryset.order_by("-created_at", "-pk")


def call_records(*, user: User, filters: ReportFilters) -> QuerySet[Event]:
    return calls_in_period(user=user, filters=filters).order_by("-start", "-pk")


def event_records(*, user: User, filters: ReportFilters) -> QuerySet[Event]:
    return events_in_period(user=user, filters=filters).order_by("-start", "-pk")


def _owner_columns() -> tuple[ListColumn, ...]:
    return (
        ListColumn("team", _("Team"), "team", related=("team",)),
        ListColumn("company", _("Company"), "company", related=("company",)),
    )


OPPORTUNITY_LIST = RecordList(
    caption=_("Opportunities created in the period"),
    records=opportunity_records,
    columns=(
        ListColumn("name", _("Name"), kind=CellKind.LINK),
        ListColumn("status", _("Status"), "status", CellKind.CHIP, related=("status",)),
        ListColumn("amount", _("Amount"), "amount", CellKind.AMOUNT),
        ListColumn("assigned_user", _("Assigned to"), "assigned_user", related=("assigned_user",)),
    ),
    extra_columns=(
        ListColumn("third_party", _("Customer / prospect"), "third_party", related=("third_party",)),
        ListColumn("probability", _("Probability"), "probability", CellKind.PERCENT),
        ListColumn("expected_close_date", _("Expected close date"), "expected_close_date", CellKind.DATE),
        *_owner_columns(),
        ListColumn("source", _("Source"), "source", related=("source",)),
        ListColumn("lost_reason", _("Lost reason"), "lost_reason", related=("lost_reason",)),
        ListColumn("created_at", _("Created"), "created_at", CellKind.DATE),
        ListColumn("closed_at", _("Closed on"), "closed_at", CellKind.DATE),
    ),
)

LEAD_LIST = RecordList(
    caption=_("Leads created in the period"),
    records=lead_records,
    columns=(
        ListColumn("name", _("Name"), kind=CellKind.LINK),
        ListColumn("company_name", _("Company name"), "company_name"),
        ListColumn("status", _("Status"), "status", CellKind.CHIP, related=("status",)),
        ListColumn("assigned_user", _("Assigned to"), "assigned_user", related=("assigned_user",)),
    ),
    extra_columns=(
        ListColumn("source", _("Source"), "source", related=("source",)),
        ListColumn("industry_sector", _("Industry sector"), "industry_sector", related=("industry_sector",)),
        *_owner_columns(),
        ListColumn("email", _("Email"), "email"),
        ListColumn("phone", _("Phone"), "phone"),
        ListColumn("city", _("City"), "city"),
        ListColumn("lost_reason", _("Lost reason"), "lost_reason", related=("lost_reason",)),
        ListColumn("created_at", _("Created"), "created_at", CellKind.DATE),
        ListColumn("converted_at", _("Converted on"), "converted_at", CellKind.DATE),
    ),
)


def _event_columns() -> tuple[ListColumn, ...]:
    """Extra columns of the call and event lists: the category and the records the event is about."""
    return (
        ListColumn("category", _("Category"), "category", related=("category",)),
        ListColumn("third_party", _("Third party"), "third_party", related=("third_party",)),
        ListColumn("contact", _("Contact"), "contact", related=("contact",)),
        ListColumn("lead", _("Lead"), "lead", related=("lead",)),
        ListColumn("opportunity", _("Opportunity"), "opportunity", related=("opportunity",)),
    )


EVENT_STATUS_COLOURS = (
    (EventStatus.PLANNED.value, "#5b8def"),
    (EventStatus.DONE.value, "#2e9d4f"),
    (EventStatus.CANCELLED.value, "#7f8c8d"),
)

CALL_LIST = RecordList(
    caption=_("Calls done in the period"),
    records=call_records,
    columns=(
        ListColumn("subject", _("Subject"), "subject"),
        ListColumn("start", _("Start"), "start", CellKind.DATETIME),
        ChoiceColumn("call_direction", _("Direction"), "call_direction"),
        ListColumn("assigned_user", _("Assigned to"), "assigned_user", related=("assigned_user",)),
    ),
    extra_columns=(
        *_event_columns(),
        *_owner_columns(),
        ListColumn("end", _("End"), "end", CellKind.DATETIME),
    ),
)

EVENT_LIST = RecordList(
    caption=_("Events starting in the period"),
    records=event_records,
    columns=(
        ListColumn("subject", _("Subject"), "subject"),
        ChoiceColumn("type", _("Type"), "type"),
        ListColumn("start", _("Start"), "start", CellKind.DATETIME),
        ChoiceColumn("status", _("Status"), "status", colours=EVENT_STATUS_COLOURS),
        ListColumn("assigned_user", _("Assigned to"), "assigned_user", related=("assigned_user",)),
    ),
    extra_columns=(
        *_event_columns(),
        ListColumn("location", _("Location"), "location"),
        *_owner_columns(),
        ListColumn("end", _("End"), "end", CellKind.DATETIME),
        ChoiceColumn("visibility", _("Visibility"), "visibility"),
    ),
)
