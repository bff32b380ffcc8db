"""Adding an entry to a list of reference data: from a form's "+", the API or the catalog types page."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, User
from crm.reference_kinds import ReferenceKind, reference_kind
from crm.workflow import WorkflowRefused

from .activity import activity_record


def reference_name_clean(name: str) -> str:
    """ "  Salon   Batimat " is "Salon Batimat": spaces typed by accident do not make another entry."""
    return " ".join(name.split())


@transaction.atomic
def reference_create(*, kind: str, fields: dict[str, Any], user: User) -> Model:
    """A new entry of the list `kind` (crm.reference_kinds); its name must not be taken, whatever its case."""
    reference = reference_kind(kind)
    if not reference.may_create(user):
        raise WorkflowRefused(_("You are not allowed to do this."))
    entry = reference.model(**fields)
    entry.name = reference_name_clean(entry.name or "")  # type: ignore[attr-defined]
    entry.full_clean(validate_unique=False)
    _refuse_a_taken_name(entry, reference)
    entry.validate_unique()
    entry.save()
    activity_record(
        record=entry,
        actor=user,
        verb=ActivityVerb.CREATED,
        message=_("Entry “%(name)s” added to the list of %(list)s.")
        % {"name": entry, "list": reference.model._meta.verbose_name_plural},
    )
    return entry


def _refuse_a_taken_name(entry: Model, reference: ReferenceKind) -> None:
    # Compared in Python: SQLite's LIKE and lower() ignore the case of ASCII letters only ("É" ≠ "é").
    # The lists are short.
    same_scope = {name: getattr(entry, name) for name in reference.name_unique_within}
    names = reference.model._default_manager.filter(**same_scope).values_list("name", flat=True)
    wanted = entry.name.casefold()  # type: ignore[attr-defined]
    taken = next((name for name in names if name.casefold() == wanted), None)
    if taken is not None:
        raise ValidationError({"name": _("“%(name)s” is already in this list.") % {"name": taken}})
