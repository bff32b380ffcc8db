"""Actions on many records at once (the lists' bulk actions): all or nothing, one Activity entry each."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, OwnedRecord, Tag, Team, User
from crm.workflow import WorkflowRefused

from .activity import activity_record
from .records import lock_visible

R = TypeVar("R", bound=OwnedRecord)


class BulkRefused(WorkflowRefused):
    """One record of the selection refused the action, so none was changed."""

    def __init__(self, record: Any, reason: str) -> None:
        super().__init__(
            _("%(record)s: %(reason)s Nothing was changed.") % {"record": record, "reason": reason.rstrip()}
        )


def _lock_visible(model: type[R], *, pks: Iterable[int], user: User) -> list[R]:
    refusal = _("Some of these records are not visible to you: nothing was changed.")
    return lock_visible(model, pks=pks, user=user, refusal=refusal)


def records_assign(
    *,
    model: type[R],
    pks: Iterable[int],
    user: User,
    assigned_user: User | None,
    team: Team | None = None,
    message: str = "",
) -> int:
    """Give the records to `assigned_user` (and to `team` when given); returns how many changed."""
    if assigned_user is None and team is None:
        raise WorkflowRefused(_("Choose the user or the team to assign these records to."))
    with transaction.atomic():
        changed = []
        for record in _lock_visible(model, pks=pks, user=user):
            changes = {}
            if assigned_user is not None and record.assigned_user_id != assigned_user.pk:
                changes["assigned_user"] = {
                    "before": str(record.assigned_user or ""),
                    "after": str(assigned_user),
                }
                record.assigned_user = assigned_user
            if team is not None and record.team_id != team.pk:
                changes["team"] = {"before": str(record.team or ""), "after": str(team)}
                record.team = team
            if changes:
                _touch(record)
                activity_record(
                    record=record, actor=user, verb=ActivityVerb.UPDATED, message=message, changes=changes
                )
                changed.append(record)
        model._default_manager.bulk_update(changed, ["assigned_user", "team", "version", "updated_at"])
    return len(changed)


def records_take_charge(*, model: type[R], pks: Iterable[int], user: User) -> int:
    """Assign the records to the user ("Take charge"); returns how many changed hands."""
    return records_assign(model=model, pks=pks, user=user, assigned_user=user, message=_("Taken in charge"))


def records_add_tag(
    *,
    model: type[R],
    pks: Iterable[int],
    user: User,
    tag: Tag,
    refuse: Callable[[R], str] = lambda record: "",
) -> int:
    """Add the tag to the records that do not have it yet; `refuse` tells why a record may not change."""
    with transaction.atomic():
        records = _lock_visible(model, pks=pks, user=user)
        for record in records:
            reason = refuse(record)
            if reason:
                raise BulkRefused(record, reason)
        through = model._meta.get_field("tags").remote_field.through  # type: ignore[union-attr]
        own_key = f"{model._meta.model_name}_id"
        tagged = set(
            through.objects.filter(tag=tag, **{f"{own_key}__in": [r.pk for r in records]}).values_list(
                own_key, flat=True
            )
        )
        changed = [record for record in records if record.pk not in tagged]
        through.objects.bulk_create([through(tag=tag, **{own_key: record.pk}) for record in changed])
        for record in changed:
            _touch(record)
            activity_record(
                record=record,
                actor=user,
                verb=ActivityVerb.UPDATED,
                message=_("Tag added: %(tag)s") % {"tag": tag},
            )
        model._default_manager.bulk_update(changed, ["version", "updated_at"])
    return len(changed)


def records_move(*, model: type[R], pks: Iterable[int], user: User, move: Callable[[R], Any]) -> int:
    """Run a status move on every record (the entity's own service), or on none if one is refused."""
    with transaction.atomic():
        records = _lock_visible(model, pks=pks, user=user)
        for record in records:
            try:
                move(record)
            except WorkflowRefused as refusal:
                raise BulkRefused(record, str(refusal)) from refusal
    return len(records)


def may_delete(model: type[OwnedRecord], *, user: User) -> bool:
    """The role's "delete" permission: managers and admins delete, sales reps do not."""
    return user.has_perm(f"{model._meta.app_label}.delete_{model._meta.model_name}")


def records_delete(*, model: type[R], pks: Iterable[int], user: User) -> int:
    """Delete the records, or none when other records still depend on one of them."""
    if not may_delete(model, user=user):
        raise WorkflowRefused(_("You are not allowed to do this."))
    with transaction.atomic():
        records = _lock_visible(model, pks=pks, user=user)
        for record in records:
            activity_record(record=record, actor=user, verb=ActivityVerb.DELETED, message=str(record))
            try:
                with transaction.atomic():
                    record.delete()
            except (ProtectedError, RestrictedError) as error:
                raise BulkRefused(record, _dependents_reason(error)) from error
    return len(records)


def record_delete(*, record: OwnedRecord, user: User) -> None:
    records_delete(model=type(record), pks=[record.pk], user=user)


def _dependents_reason(error: ProtectedError | RestrictedError) -> str:
    kinds = sorted({str(capfirst(obj._meta.verbose_name_plural)) for obj in error.args[1]})
    return _("it cannot be deleted while other records depend on it (%(kinds)s).") % {
        "kinds": ", ".join(kinds)
    }


def _touch(record: OwnedRecord) -> None:
    """A changed record: its next version (stale forms are refused) and its modification time."""
    record.version += 1
    record.updated_at = timezone.now()
