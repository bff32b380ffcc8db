"""Kanban boards (SPEC §4): one column per open status, each with its count, total and first cards.

A column lists its cards in the order (kanban_rank, newest first, highest id first). A record's rank
starts as minus its creation time in microseconds, so new records come on top of their column; dragging
a card gives it a rank between its new neighbours' (crm.services.kanban).

Reads only, through crm.visibility, in a number of queries that does not grow with the cards:
- the counts and amount totals of all the columns: one aggregate query;
- the first cards of all the columns: one query, a UNION ALL of one `ORDER BY … LIMIT` per column (each
  an index range scan on (status, kanban_rank, -created_at, -id)), plus one for the cards' tags;
- the next cards of one column ("load more"): the same, after the position of the last card shown.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property, reduce
from typing import Any, ClassVar

from django.core.exceptions import EmptyResultSet
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.formats import number_format
from django_filters import FilterSet

from crm.models import CrmSettings, OwnedRecord, StatusBase, User
from crm.visibility import visible_records

PAGE_SIZE = 12  # a column shows about six cards; the next ones load as it scrolls
ORDERING = ("kanban_rank", "-created_at", "-pk")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """A card's position in its column, written in the "load more" URL: the next page starts after it."""

    rank: int
    created_at: datetime
    pk: int

    @classmethod
    def of(cls, record: Any) -> "Cursor":
        return cls(record.kanban_rank, record.created_at, record.pk)

    @classmethod
    def decode(cls, text: str) -> "Cursor | None":
        try:
            rank, microseconds, pk = (int(part) for part in text.split("_"))
            return cls(rank, EPOCH + microseconds * ONE_MICROSECOND, pk)
        except (ValueError, OverflowError):
            return None

    def encode(self) -> str:
        return f"{self.rank}_{(self.created_at - EPOCH) // ONE_MICROSECOND}_{self.pk}"

    def later(self) -> Q:
        """The records after this position; `kanban_rank >= rank` comes first to bound the index scan."""
        same_rank = Q(kanban_rank=self.rank)
        return Q(kanban_rank__gte=self.rank) & (
            Q(kanban_rank__gt=self.rank)
            | (same_rank & Q(created_at__lt=self.created_at))
            | (same_rank & Q(created_at=self.created_at, pk__lt=self.pk))
        )


def union_all(querysets: Iterable[QuerySet]) -> RawSQL | None:
    """One subquery of the rows of all these (sliced) querysets, for `pk__in`; None if all are empty.

    The ORM cannot combine sliced querysets on SQLite, so the parts are compiled by the ORM and joined
    here; each part stays a plain `ORDER BY … LIMIT` the database answers from an index.
    """
    parts: list[str] = []
    params: list[Any] = []
    for index, queryset in enumerate(querysets):
        try:
            sql, part_params = queryset.query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"SELECT * FROM ({sql}) AS kanban_part_{index}")
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params) if parts else None


@dataclass
class Totals:
    """A column's count and, on boards with amounts, its total per currency (never mixed)."""

    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def add(self, *, count: int, currency: str = "", amount: Decimal | None = None) -> None:
        self.count += count
        if currency:
            self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + (amount or Decimal(0))

    @property
    def count_label(self) -> str:
        return number_format(self.count, force_grouping=True)

    @property
    def amount_label(self) -> str:
        """E.g. "12 500,00 EUR", or "12 500,00 EUR · 800,00 USD" when the column mixes currencies."""
        if not self.amounts:
            return number_format(Decimal(0), 2, force_grouping=True)
        return " · ".join(
            f"{number_format(amount, 2, force_grouping=True)} {currency}"
            for currency, amount in sorted(self.amounts.items())
        )


@dataclass
class Column:
    status: StatusBase
    totals: Totals
    cards: list[Any]
    cursor: str = ""  # where the next page starts; empty when the column shows all its cards


class Board:
    """The Kanban of one kind of record; each entity's board says which records, statuses and service."""

    model: ClassVar[type[OwnedRecord]]
    status_model: ClassVar[type[StatusBase]]
    filterset_class: ClassVar[type[FilterSet]]
    status_field: ClassVar[str] = "status"
    amount_field: ClassVar[str] = ""
    currency_field: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    card_template: ClassVar[str] = ""
    board_url_name: ClassVar[str] = ""
    column_url_name: ClassVar[str] = ""
    move_url_name: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""
    create_url_name: ClassVar[str] = ""
    list_query: ClassVar[str] = ""  # added to the list's URL, e.g. "type=prospect"

    def __init__(self, *, user: User, params: QueryDict | None = None) -> None:
        self.user = user
        self.params = params if params is not None else QueryDict()
        self.settings = CrmSettings.load()

    # What each board says -------------------------------------------------------------------------

    def records(self) -> QuerySet:
        """Every record the board may show, whoever sees it: ranks are shared by all the users."""
        return self.model._default_manager.all()

    def statuses(self) -> list[StatusBase]:
        """The statuses that are columns, in their order."""
        raise NotImplementedError

    def drop_targets(self) -> list[StatusBase]:
        """Statuses a card can be dropped on without being columns: the card then leaves the board."""
        return []

    def unset_status_id(self) -> int | None:
        """The column that also holds the records without a status, if any."""
        return None

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        raise NotImplementedError

    def with_card_data(self, queryset: QuerySet) -> QuerySet:
        """What a card shows, joined or prefetched: no query per card."""
        return queryset.select_related("assigned_user")

    def refusal(self, status: StatusBase) -> str:
        """Why the board does not move a card to this status itself (empty: the service decides)."""
        return ""

    def move(self, record: Any, *, status: StatusBase, version: int | None) -> Any:
        """Move the record to the status with the service the status bar uses."""
        raise NotImplementedError

    def is_enabled(self) -> bool:
        return True

    def bulk_statuses(self) -> list[StatusBase]:
        """Where a list's bulk action may move records: the columns and the drop targets moved here."""
        return [*self.column_statuses, *(s for s in self.drop_target_statuses if not self.refusal(s))]

    # The machinery --------------------------------------------------------------------------------

    @cached_property
    def column_statuses(self) -> list[StatusBase]:
        return self.statuses()

    @cached_property
    def drop_target_statuses(self) -> list[StatusBase]:
        return self.drop_targets()

    @cached_property
    def column_ids(self) -> list[int]:
        return [status.pk for status in self.column_statuses]

    def visible(self) -> QuerySet:
        return visible_records(self.records(), user=self.user)

    @cached_property
    def filterset(self) -> FilterSet:
        return self.filterset_class(self.params or None, queryset=self.visible())

    def filtered(self) -> QuerySet:
        """The visible records that match the filters and the search of the page (as on the list)."""
        filterset = self.filterset
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else self.visible()
        return self.search(queryset, self.params.get("q", ""))

    def column_of(self, record: Any) -> int | None:
        return getattr(record, f"{self.status_field}_id") or self.unset_status_id()

    def column_parts(self, status_id: int) -> list[Q]:
        """The conditions whose union is the column, each an index range of its own."""
        parts = [Q(**{self.status_field: status_id})]
        if status_id == self.unset_status_id():
            parts.append(Q(**{f"{self.status_field}__isnull": True}))
        return parts

    def in_column(self, status_id: int) -> Q:
        return reduce(operator.or_, self.column_parts(status_id))

    def in_columns(self, status_ids: list[int]) -> Q:
        condition = Q(**{f"{self.status_field}__in": status_ids})
        if self.unset_status_id() in status_ids:
            condition |= Q(**{f"{self.status_field}__isnull": True})
        return condition

    def totals(self, status_ids: Iterable[int]) -> dict[int, Totals]:
        """The count (and amount totals) of the filtered records of these columns, in one query."""
        totals = {status_id: Totals() for status_id in status_ids}
        if not totals:
            return totals
        column: Combinable = F(self.status_field)
        unset = self.unset_status_id()
        if unset is not None:
            column = Coalesce(self.status_field, Value(unset), output_field=BigIntegerField())
        groups = ["kanban_column", *([self.currency_field] if self.currency_field else [])]
        aggregates: dict[str, Any] = {"count": Count("pk")}
        if self.amount_field:
            aggregates["amount"] = Sum(self.amount_field)
        rows = (
            self.filtered()
            .filter(self.in_columns(list(totals)))
            .annotate(kanban_column=column)
            .values(*groups)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            totals[row["kanban_column"]].add(
                count=row["count"], currency=row.get(self.currency_field, ""), amount=row.get("amount")
            )
        return totals

    def columns(self) -> list[Column]:
        """Every column with its totals and first cards.

        The counts come first: an empty column costs no card query, and a column with few cards stops
        its index scan as soon as it found them all.
        """
        totals = self.totals(self.column_ids)
        parts = [
            (self.filtered().filter(part), min(PAGE_SIZE, totals[status_id].count))
            for status_id in self.column_ids
            if totals[status_id].count
            for part in self.column_parts(status_id)
        ]
        cards: dict[int, list[Any]] = {status_id: [] for status_id in self.column_ids}
        for card in self._cards(parts):
            cards[card.kanban_column].append(card)
        columns = []
        for status in self.column_statuses:
            shown = cards[status.pk][:PAGE_SIZE]
            more = bool(shown) and totals[status.pk].count > len(shown)
            cursor = Cursor.of(shown[-1]).encode() if more else ""
            columns.append(Column(status=status, totals=totals[status.pk], cards=shown, cursor=cursor))
        return columns

    def page(self, status_id: int, *, after: Cursor | None) -> tuple[list[Any], str]:
        """The next cards of a column after `after`, and the cursor of the page after them ("" if none)."""
        queryset = self.filtered()
        if after is not None:
            queryset = queryset.filter(after.later())
        cards = self._cards([(queryset.filter(part), PAGE_SIZE + 1) for part in self.column_parts(status_id)])
        if len(cards) <= PAGE_SIZE:
            return cards, ""
        return cards[:PAGE_SIZE], Cursor.of(cards[PAGE_SIZE - 1]).encode()

    def _cards(self, parts: list[tuple[QuerySet, int]]) -> list[Any]:
        """The first records of each part (up to its limit), in column order, with what their cards show."""
        ids = union_all(part.order_by(*ORDERING).values("pk")[:limit] for part, limit in parts)
        if ids is None:
            return []
        queryset = self.model._default_manager.filter(pk__in=ids)
        cards = list(self.with_card_data(queryset).order_by(*ORDERING))
        for card in cards:
            card.kanban_column = self.column_of(card)
        return cards
