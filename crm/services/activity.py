"""The Activity timeline: one writer for every kind of entry."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from crm.models import Activity, ActivityVerb, User

Snapshot = dict[str, Any]

IGNORED_FIELDS = {"id", "created_at", "updated_at", "version", "locked_fields"}


def tracked_fields(model: type[Model]) -> list:
    return [
        field
        for field in model._meta.get_fields()
        # Non-editable columns (references, derived keys, email domain) are bookkeeping, not changes.
        if field.concrete
        and not field.auto_created
        and field.editable  # type: ignore[union-attr]
        and field.name not in IGNORED_FIELDS
    ]


def snapshot(instance: Model) -> Snapshot:
    """Display values of the record's tracked fields, as stored in Activity.changes."""
    values: Snapshot = {}
    for field in tracked_fields(type(instance)):
        if field.many_to_many:
            values[field.name] = ", ".join(sorted(str(item) for item in getattr(instance, field.name).all()))
        elif field.is_relation:
            related = getattr(instance, field.name)
            values[field.name] = str(related) if related is not None else ""
        elif field.choices:
            values[field.name] = str(getattr(instance, f"get_{field.name}_display")())
        else:
            value = getattr(instance, field.name)
            values[field.name] = (
                value if isinstance(value, bool | int | float) or value is None else str(value)
            )
    return values


def diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def activity_record(
    *,
    record: Model,
    actor: User | None,
    verb: ActivityVerb,
    message: str = "",
    changes: dict | None = None,
) -> Activity:
    return Activity.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        message=message[:500],
        changes=changes or {},
    )
