"""Writes of the Kanban boards: a card's place in its column (its status goes through its entity's service).

Ranks are gapped integers: a new record's is minus its creation time in microseconds, so records made
apart leave room between them. A card dropped between two others takes the rank halfway between theirs;
when there is no room left (records created in the same instant, or many drops at one place), the cards
after it are spread out in one UPDATE that writes only the rows that must move. The rank is presentation, not business data: neither `version` nor `updated_at` change,
so a reorder never makes someone's open form stale nor sends the record to the connectors again.
"""

from typing import TypeVar

from django.db import connections, transaction
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from crm.kanban import ORDERING, Cursor
from crm.models import OwnedRecord

R = TypeVar("R", bound=OwnedRecord)

RANK_GAP = 1 << 16  # about 65 ms of creation time: room for 16 halvings


@transaction.atomic
def kanban_card_place(*, column: QuerySet[R], card: R, before: R | None, after: R | None) -> int:
    """Rank `card` right after `before` or, without one, right before `after`; returns its rank.

    `column` holds every record of the column, whoever sees it, and `before`/`after` were read from it.
    Without neighbours (an empty column) the card keeps its rank.
    """
    others = column.exclude(pk=card.pk)
    if before is not None:
        rank = _rank_after(others, before)
    elif after is not None:
        rank = after.kanban_rank - RANK_GAP  # type: ignore[attr-defined]
    else:
        return card.kanban_rank  # type: ignore[attr-defined]
    type(card)._default_manager.filter(pk=card.pk).update(kanban_rank=rank)
    card.kanban_rank = rank  # type: ignore[attr-defined]
    return rank


def _rank_after(others: QuerySet, before: OwnedRecord) -> int:
    start: int = before.kanban_rank  # type: ignore[attr-defined]
    successor = (
        others.filter(Cursor.of(before).later())
        .order_by(*ORDERING)
        .values_list("kanban_rank", flat=True)
        .first()
    )
    if successor is None:
        return start + RANK_GAP
    if successor - start >= 2:
        return (start + successor) // 2
    _make_room_after(others, before)
    return start + RANK_GAP


def _make_room_after(others: QuerySet, before: OwnedRecord) -> None:
    """Raise the ranks after `before` so that the n-th one is at least `before`'s + (n + 1) gaps.

    Only the rows below that line are written; the order of the column does not change, because the
    new ranks never decrease along it and equal ranks keep their order by date and id.
    """
    start: int = before.kanban_rank  # type: ignore[attr-defined]
    position = Window(RowNumber(), order_by=[F("kanban_rank").asc(), F("created_at").desc(), F("pk").desc()])
    numbered = (
        others.filter(Cursor.of(before).later())
        .annotate(kanban_id=F("pk"), old_rank=F("kanban_rank"), kanban_position=position)
        .values("kanban_id", "old_rank", "kanban_position")
        .order_by()
    )
    sql, params = numbered.query.sql_with_params()
    connection = connections[others.db]
    quote = connection.ops.quote_name
    table = quote(others.model._meta.db_table)
    pk = quote(others.model._meta.pk.column)
    rank = quote("kanban_rank")
    statement = (
        f"UPDATE {table} SET {rank} = ranked.new_rank FROM ("
        f"SELECT kanban_id, old_rank, %s + (kanban_position + 1) * %s AS new_rank FROM ({sql}) AS numbered"
        f") AS ranked WHERE {table}.{pk} = ranked.kanban_id AND ranked.old_rank < ranked.new_rank"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [start, RANK_GAP, *params])
