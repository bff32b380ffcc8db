"""Merging duplicates: everything attached to the duplicates moves to the original, then they are deleted.

"Attached" is found generically, so that relations added later (events, connectors' external links)
move too: every reverse foreign key and many-to-many of the model, its own many-to-many fields, and
every generic foreign key (content type + object id) of any installed model.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Min, Model, OuterRef, ProtectedError, QuerySet
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, Contact, OwnedRecord, ThirdParty, User
from crm.workflow import WorkflowRefused
from leads.models import Lead, LeadStage

from .activity import activity_record, diff, snapshot
from .parties import email_domain
from .records import bump_version, lock_visible

R = TypeVar("R", bound=OwnedRecord)

# Related rows of which only one per parent may carry a flag (a partial unique constraint):
# (related model, foreign key) → flag. Moved rows give the flag up when the original has one.
SINGLE_FLAG_RELATIONS = {("crm.Address", "third_party"): "is_default"}

# Fields describing a duplicate's own lifecycle: they never fill the original's empty ones.
NOT_CARRIED = {
    "leads.Lead": {"lost_reason", "lost_note", "converted_third_party", "converted_contact", "converted_at"},
}


def records_merge(*, original: R, duplicates: Sequence[R], user: User) -> R:
    """Merge `duplicates` into `original`, all or nothing; returns the original as saved.

    Empty fields of the original are filled from the duplicates (first non-empty value, in the
    order given; locked fields are left alone). Refuses with WorkflowRefused before changing anything.
    """
    duplicates = list({duplicate.pk: duplicate for duplicate in duplicates}.values())
    _refuse_invalid_selection(original, duplicates)
    model = type(original)
    duplicate_pks = [duplicate.pk for duplicate in duplicates]
    with transaction.atomic():
        refusal = _("Some of these records are not visible to you: nothing was merged.")
        rows = lock_visible(model, pks=[original.pk, *duplicate_pks], user=user, refusal=refusal)
        locked = {record.pk: record for record in rows}
        target = locked[original.pk]
        merged = [locked[pk] for pk in duplicate_pks]
        _refuse_unmergeable([target, *merged])
        before = snapshot(target)
        _move_related(original=target, duplicates=merged)
        changed = _fill_empty_fields(original=target, duplicates=merged)
        bump_version(target)
        target.save(update_fields=[*changed, "version", "updated_at"])
        _delete_duplicates(model, duplicate_pks)
        reported = set(changed) | {field.name for field in model._meta.many_to_many}
        changes = {
            name: change for name, change in diff(before, snapshot(target)).items() if name in reported
        }
        activity_record(
            record=target,
            actor=user,
            verb=ActivityVerb.MERGED,
            message=_("Merged into this record: %(records)s.")
            % {"records": ", ".join(_describe(record) for record in merged)},
            changes=changes,
        )
    return target


def leads_merge(*, original: Lead, duplicates: Sequence[Lead], user: User) -> Lead:
    return records_merge(original=original, duplicates=duplicates, user=user)


def contacts_merge(*, original: Contact, duplicates: Sequence[Contact], user: User) -> Contact:
    return records_merge(original=original, duplicates=duplicates, user=user)


def third_parties_merge(*, original: ThirdParty, duplicates: Sequence[ThirdParty], user: User) -> ThirdParty:
    return records_merge(original=original, duplicates=duplicates, user=user)


def _refuse_invalid_selection(original: OwnedRecord, duplicates: list[Any]) -> None:
    if not duplicates:
        raise WorkflowRefused(_("Choose at least one duplicate to merge into the original."))
    if any(type(duplicate) is not type(original) for duplicate in duplicates):
        raise WorkflowRefused(_("Only records of the same kind can be merged."))
    if any(duplicate.pk == original.pk for duplicate in duplicates):
        raise WorkflowRefused(_("A record cannot be merged with itself."))


def _refuse_unmergeable(records: list[Any]) -> None:
    for record in records:
        # A converted lead is the history of the third party, contact and opportunity it became
        # (their origin): merging would delete that trace or rewrite a closed record.
        if isinstance(record, Lead) and record.stage == LeadStage.CONVERTED:
            raise WorkflowRefused(
                _(
                    "The lead %(lead)s is converted: it is the history of the third party and contact it became, so it cannot be merged. Merge those records instead."
                )
                % {"lead": record}
            )


def _move_related(*, original: OwnedRecord, duplicates: list[Any]) -> None:
    model = type(original)
    merged_pks = [original.pk, *(duplicate.pk for duplicate in duplicates)]
    for relation in model._meta.related_objects:
        field: Any = relation.field
        if relation.many_to_many:
            through = field.remote_field.through
            own, other = field.m2m_reverse_field_name(), field.m2m_field_name()
            rows = through._base_manager.filter(**{f"{own}__in": duplicates})
            if relation.related_model is model:
                rows = rows.exclude(**{f"{other}__in": merged_pks})
            _repoint(rows, pointer=own, target=original)
            continue
        related_model: Any = relation.related_model
        rows = related_model._base_manager.filter(**{f"{field.name}__in": duplicates})
        if related_model is model:
            # The merged records themselves: the duplicates go, the original's own link is cleared
            # by _fill_empty_fields (a record cannot be its own parent).
            rows = rows.exclude(pk__in=merged_pks)
        _release_single_flags(rows, fk_name=field.name, original=original, duplicates=duplicates)
        _repoint(rows, pointer=field.name, target=original)
    own_many: list[Any] = list(model._meta.many_to_many)
    for many in own_many:
        through = many.remote_field.through
        own, other = many.m2m_field_name(), many.m2m_reverse_field_name()
        rows = through._base_manager.filter(**{f"{own}__in": duplicates})
        if many.related_model is model:
            rows = rows.exclude(**{f"{other}__in": merged_pks})
        _repoint(rows, pointer=own, target=original)
    content_type = ContentType.objects.get_for_model(model)
    for holder, generic in _generic_foreign_keys():
        scope = {generic.ct_field: content_type}
        rows = holder._base_manager.filter(**scope, **{f"{generic.fk_field}__in": merged_pks[1:]})
        _repoint(rows, pointer=generic.fk_field, target=original.pk, scope=scope)
        # What could not move (the original already has the same link) would point at nothing.
        rows.delete()


def _generic_foreign_keys() -> list[tuple[Any, GenericForeignKey]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.private_fields
        if isinstance(field, GenericForeignKey)
    ]


def _release_single_flags(rows: QuerySet, *, fk_name: str, original: Model, duplicates: list[Any]) -> None:
    """Keep one flagged row per parent: the original's, else the first flagged duplicate's."""
    related: Any = rows.model
    flag = SINGLE_FLAG_RELATIONS.get((related._meta.label, fk_name))
    if flag is None:
        return
    flagged = rows.filter(**{flag: True})
    manager = related._base_manager
    if manager.filter(**{fk_name: original, flag: True}).exists():
        flagged.update(**{flag: False})
        return
    owners = set(flagged.values_list(related._meta.get_field(fk_name).attname, flat=True))
    keeper = next((duplicate.pk for duplicate in duplicates if duplicate.pk in owners), None)
    flagged.exclude(**{fk_name: keeper}).update(**{flag: False})


def _repoint(rows: QuerySet, *, pointer: str, target: Any, scope: dict[str, Any] | None = None) -> None:
    """Point `rows` at `target` in bulk, except those that would break a uniqueness rule.

    A row is left behind when the target already has a row with the same values for the other
    fields of a unique set (e.g. the same tag), or when an earlier duplicate's row has them.
    """
    scope = scope or {}
    related: Any = rows.model
    manager = related._base_manager
    for partners in _unique_partners(related, pointer, exclude=set(scope)):
        if not partners:
            # The pointer alone is unique (one-to-one): only a target without one receives a row.
            first = rows.order_by("pk").values_list("pk", flat=True).first()
            taken = manager.filter(**scope, **{pointer: target}).exists()
            rows = rows.none() if taken or first is None else rows.filter(pk=first)
            continue
        taken_by_target = manager.filter(
            **scope, **{pointer: target}, **{name: OuterRef(name) for name in partners}
        )
        first_of_each = rows.order_by().values(*partners).annotate(first=Min("pk")).values("first")
        rows = rows.filter(~Exists(taken_by_target), pk__in=first_of_each)
    rows.update(**{pointer: target})


def _unique_partners(model: Any, pointer: str, *, exclude: set[str]) -> list[tuple[str, ...]]:
    """For each unique set of `model` containing `pointer`: its other fields (scope fields aside)."""
    sets = [tuple(names) for names in model._meta.unique_together]
    sets += [tuple(constraint.fields) for constraint in model._meta.total_unique_constraints]
    sets += [(field.name,) for field in model._meta.concrete_fields if field.unique and not field.primary_key]
    return [
        tuple(name for name in names if name not in {pointer, *exclude}) for names in sets if pointer in names
    ]


def _is_empty(value: Any) -> bool:
    return value is None or str(value) == ""


def _fill_empty_fields(*, original: OwnedRecord, duplicates: list[Any]) -> list[str]:
    """Fill the original's empty fields from the duplicates; returns the names of the fields changed."""
    model = type(original)
    merged_pks = {original.pk, *(duplicate.pk for duplicate in duplicates)}
    skipped = set(original.locked_fields or []) | NOT_CARRIED.get(model._meta.label, set())
    changed = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in skipped:
            continue
        points_to_merged = field.is_relation and field.related_model is model
        if points_to_merged and getattr(original, field.attname) in merged_pks:
            setattr(original, field.attname, None)  # the original would be its own parent
            changed.append(field.name)
        if not _is_empty(getattr(original, field.attname)):
            continue
        for duplicate in duplicates:
            value = getattr(duplicate, field.attname)
            if _is_empty(value) or (points_to_merged and value in merged_pks):
                continue
            setattr(original, field.attname, value)
            if field.name not in changed:
                changed.append(field.name)
            break
    if isinstance(original, Contact) and "email" in changed:
        original.email_domain = email_domain(original.email)
        changed.append("email_domain")
    return changed


def _delete_duplicates(model: type[OwnedRecord], pks: list[Any]) -> None:
    try:
        model._base_manager.filter(pk__in=pks).delete()
    except ProtectedError as error:
        raise WorkflowRefused(
            _("The duplicates are still used by other records and cannot be deleted: nothing was merged.")
        ) from error


def _describe(record: Any) -> str:
    reference = getattr(record, "reference", "") or f"#{record.pk}"
    return f"{record} ({reference})"
