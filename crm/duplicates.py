"""Duplicate detection: indexed keys (case-, accent- and space-insensitive) and the groups sharing them."""

import operator
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from crm.models import User


def duplicate_key(value: str | None) -> str:
    """'  Société  Générale ' and 'societegenerale' share the key 'societegenerale'."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(without_accents.casefold().split())[:255]


class DuplicateKeysMixin(models.Model):
    """Keeps `<field>_key` columns in step with `<field>` for each name in `duplicate_key_fields`.

    Bulk loads bypass save(): they call `update_duplicate_keys()` on each object themselves.
    """

    duplicate_key_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.update_duplicate_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            changed = set(update_fields)
            kwargs["update_fields"] = changed | {
                f"{n}_key" for n in self.duplicate_key_fields if n in changed
            }
        super().save(*args, **kwargs)

    def update_duplicate_keys(self) -> None:
        for name in self.duplicate_key_fields:
            setattr(self, f"{name}_key", duplicate_key(getattr(self, name)))


def key_field() -> models.CharField:
    return models.CharField(max_length=255, blank=True, default="", editable=False, db_index=True)


# --- The read side: groups of records sharing the chosen keys -------------------------------------


@dataclass(frozen=True)
class DuplicateField:
    """A field the user may compare on, and the stored column that holds its comparable form."""

    name: str
    label: Any
    column: str


# Model label → the fields offered in "Check duplicates", in display order.
DUPLICATE_FIELDS: dict[str, tuple[DuplicateField, ...]] = {
    "leads.Lead": (
        DuplicateField("company_name", gettext_lazy("Company name"), "company_name_key"),
        DuplicateField("last_name", gettext_lazy("Last name"), "last_name_key"),
        DuplicateField("first_name", gettext_lazy("First name"), "first_name_key"),
        DuplicateField("email", gettext_lazy("Email"), "email_key"),
    ),
    "crm.Contact": (
        DuplicateField("last_name", gettext_lazy("Last name"), "last_name_key"),
        DuplicateField("first_name", gettext_lazy("First name"), "first_name_key"),
        DuplicateField("email", gettext_lazy("Email"), "email_key"),
    ),
    "crm.ThirdParty": (
        DuplicateField("name", gettext_lazy("Name"), "name_key"),
        DuplicateField("email", gettext_lazy("Email"), "email_key"),
        # A SIRET is an official identifier: only the exact same number is the same company.
        DuplicateField("siret", gettext_lazy("SIRET"), "siret"),
    ),
}

MEMBERS_PER_GROUP = 20


class UnknownDuplicateField(ValueError):
    """The caller asked to compare on a field that is not offered for this model."""


@dataclass
class DuplicateGroup:
    size: int
    members: list[Any]  # the first MEMBERS_PER_GROUP records of the group, oldest first

    @property
    def hidden_count(self) -> int:
        return self.size - len(self.members)


@dataclass
class DuplicateGroupPage:
    groups: list[DuplicateGroup]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def duplicate_fields(model: type[models.Model]) -> tuple[DuplicateField, ...]:
    try:
        return DUPLICATE_FIELDS[model._meta.label]
    except KeyError:
        raise UnknownDuplicateField(f"{model.__name__} has no duplicate detection.") from None


def _chosen_fields(model: type[models.Model], names: Sequence[str]) -> list[DuplicateField]:
    offered = {field.name: field for field in duplicate_fields(model)}
    unknown = [name for name in names if name not in offered]
    if unknown:
        raise UnknownDuplicateField(
            _("%(fields)s cannot be compared. Choose among: %(offered)s.")
            % {
                "fields": ", ".join(unknown),
                "offered": ", ".join(str(field.label) for field in offered.values()),
            }
        )
    if not names:
        raise UnknownDuplicateField(_("Choose at least one field to compare."))
    return [offered[name] for name in dict.fromkeys(names)]


def duplicate_groups(
    *,
    model: type[models.Model],
    user: "User",
    fields: Sequence[str],
    limit: int = 20,
    page: int = 1,
    related: Sequence[str] = (),
) -> DuplicateGroupPage:
    """Groups of visible records sharing the normalised values of `fields`, largest groups first.

    Two queries whatever the page size: one GROUP BY over the indexed key columns for the page of
    groups, one for the first MEMBERS_PER_GROUP members of each (`related` is select_related).
    """
    # crm.visibility imports crm.models, whose modules import this one: import it when used.
    from crm.visibility import visible_records

    columns = [field.column for field in _chosen_fields(model, fields)]
    page = max(page, 1)
    # Records with an empty key are not "the same" as each other: leave them out.
    candidates = visible_records(model._default_manager.all(), user=user).exclude(
        reduce(operator.or_, (Q(**{column: ""}) for column in columns))
    )
    start = (page - 1) * limit
    keys = list(
        candidates.order_by()
        .values(*columns)
        .annotate(size=Count("pk"))
        .filter(size__gt=1)
        .order_by("-size", *columns)[start : start + limit + 1]
    )
    has_next = len(keys) > limit
    keys = keys[:limit]
    if not keys:
        return DuplicateGroupPage(groups=[], number=page, has_next=False)

    members = (
        candidates.filter(reduce(operator.or_, (Q(**{c: key[c] for c in columns}) for key in keys)))
        .select_related(*related)
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F(column) for column in columns], order_by=F("pk").asc()
            )
        )
        .filter(position__lte=MEMBERS_PER_GROUP)
        .order_by("pk")
    )
    by_key: dict[tuple, list[Any]] = {}
    for record in members:
        by_key.setdefault(tuple(getattr(record, column) for column in columns), []).append(record)
    groups = [
        DuplicateGroup(size=key["size"], members=by_key.get(tuple(key[c] for c in columns), []))
        for key in keys
    ]
    return DuplicateGroupPage(groups=groups, number=page, has_next=has_next)
