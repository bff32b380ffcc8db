"""Aggregate expressions shared by the figures, written to give the same results on SQLite and PostgreSQL."""

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, FloatField, Sum, Value
from django.db.models.functions import NullIf, Round
from django.utils.translation import get_language

Row = dict[str, Any]  # one row of a figure, as the registry's columns describe it
Values = Mapping[str, Any]  # one row read from the database with values()

# amount × probability / 100. The factor is a decimal parameter: on SQLite an integer amount times an
# integer probability divided by the integer 100 would be an integer division.
WEIGHTED_AMOUNT = ExpressionWrapper(
    F("amount") * F("probability") * Value(Decimal("0.01")),
    output_field=DecimalField(max_digits=32, decimal_places=4),
)


def money_sum(expression: Any, **options: Any) -> Round:
    """The sum rounded to the cent by the database (PostgreSQL keeps every decimal of a product)."""
    total = Sum(expression, default=Decimal("0"), **options)
    return Round(total, 2, output_field=DecimalField(max_digits=28, decimal_places=2))


def percent(part: Any, whole: Any) -> Round:
    """part / whole in %, one decimal; NULL when whole is 0. Floats: SQLite divides integers as integers."""
    ratio = ExpressionWrapper(part * Value(100.0) / NullIf(whole, Value(0)), output_field=FloatField())
    return Round(ratio, 1, output_field=DecimalField(max_digits=6, decimal_places=1))


def cents(value: Decimal | None) -> Decimal | None:
    """A money aggregate with its two decimals (SQLite hands back 1000 for 1000.00)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def tenths(value: Decimal | None) -> Decimal | None:
    """A rate with its decimal (SQLite hands back 50 for 50.0)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def in_days(duration: timedelta | None) -> Decimal | None:
    """An average duration computed by the database, in days with one decimal."""
    if duration is None:
        return None
    days = Decimal(duration.total_seconds()) / Decimal(86400)
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def status_label(row: Values, prefix: str = "status__") -> str:
    """The label of a status read with values(): its English name when the interface is in English."""
    english = row.get(f"{prefix}name_en")
    if english and (get_language() or "fr").startswith("en"):
        return str(english)
    return str(row.get(f"{prefix}name") or "")


def person_label(row: Values, prefix: str = "assigned_user__") -> str | None:
    first, last = row.get(f"{prefix}first_name") or "", row.get(f"{prefix}last_name") or ""
    return " ".join(part for part in (first, last) if part) or row.get(f"{prefix}username")
