"""Create and update any OwnedRecord: defaults, optimistic locking, locked fields, Activity."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, OwnedRecord, User
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused

from .activity import activity_record, diff, snapshot

R = TypeVar("R", bound=OwnedRecord)


def _manager(model: type[OwnedRecord]) -> Any:
    return model._default_manager


class ConcurrentUpdateError(WorkflowRefused):
    """The record changed since the user opened it: saving would overwrite someone's work."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This record was changed by someone else since you opened it. Reload it and apply your changes again."
            )
        )


def split_fields(model: type[OwnedRecord], fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    many = {f.name for f in model._meta.many_to_many}
    return (
        {k: v for k, v in fields.items() if k not in many},
        {k: v for k, v in fields.items() if k in many},
    )


def apply_owner_defaults(record: OwnedRecord, *, user: User) -> None:
    if record.assigned_user_id is None and user.is_authenticated:
        record.assigned_user = user
    if record.team_id is None and user.is_authenticated and user.team_ids:
        record.team_id = user.team_ids[0]


def apply_company_default(record: Any, *, user: User) -> None:
    """A record that belongs to one company (a `company` field) defaults to the user's active company."""
    if record.company_id is None and user.active_company_id:
        record.company_id = user.active_company_id


def lock_visible(model: type[R], *, pks: Iterable[Any], user: User, refusal: str) -> list[R]:
    """The records, locked until the end of the transaction in a stable order (no deadlock between two
    actions on the same rows); refused with `refusal` unless all of them are visible."""
    wanted = set(pks)
    rows = visible_records(_manager(model).select_for_update(), user=user).filter(pk__in=wanted)
    locked = list(rows.order_by("pk"))
    if len(locked) != len(wanted):
        raise WorkflowRefused(refusal)
    return locked


def record_create(record: R, *, user: User, m2m: dict[str, Any] | None = None) -> R:
    with transaction.atomic():
        apply_owner_defaults(record, user=user)
        record.save()
        for name, values in (m2m or {}).items():
            getattr(record, name).set(values)
        if "companies" in {f.name for f in record._meta.many_to_many} and not (m2m or {}).get("companies"):
            if user.is_authenticated and user.active_company_id:
                record.companies.add(user.active_company_id)  # type: ignore[attr-defined]
        activity_record(record=record, actor=user, verb=ActivityVerb.CREATED)
    return record


def record_update(
    record: R,
    *,
    user: User,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> R:
    """Apply `fields`; refuse when a locked field changes or the record moved on since `expected_version`."""
    model = type(record)
    plain, many = split_fields(model, fields)
    with transaction.atomic():
        # Forms change the instance while validating it: the stored row is the "before".
        stored = _manager(model).get(pk=record.pk)
        before = snapshot(stored)
        _refuse_locked_changes(stored, plain)
        for name, value in plain.items():
            setattr(record, name, value)
        bump_version(record, expected_version=expected_version)
        record.save()
        for name, values in many.items():
            getattr(record, name).set(values)
        changes = diff(before, snapshot(record))
        if changes:
            activity_record(record=record, actor=user, verb=ActivityVerb.UPDATED, changes=changes)
    return record


def bump_version(record: OwnedRecord, *, expected_version: int | None = None) -> None:
    """Claim the next version of the row, or refuse if it moved on since `expected_version`.

    Call inside a transaction: on PostgreSQL the UPDATE also locks the row until commit.
    """
    version = record.version if expected_version is None else expected_version
    bumped = _manager(type(record)).filter(pk=record.pk, version=version).update(version=F("version") + 1)
    if not bumped:
        raise ConcurrentUpdateError()
    record.version = version + 1


def _refuse_locked_changes(record: OwnedRecord, plain: dict[str, Any]) -> None:
    errors = {
        name: _("This field is managed by an external system and cannot be changed here.")
        for name in record.locked_fields
        if name in plain and plain[name] != getattr(record, name)
    }
    if errors:
        raise ValidationError(errors)
