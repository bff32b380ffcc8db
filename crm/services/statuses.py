"""Writes on the status configuration: the three status lists and the CRM settings that map them.

Only admins change the configuration. A status that the CRM settings map to a meaning (new,
proposal, converted, won, lost) keeps the open/closed flag of that meaning and cannot be archived;
an archived status is no longer offered, but the records that have it keep it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, CrmSettings, ProspectStatus, Role, StatusBase, User
from crm.workflow import WorkflowRefused
from leads.models import LeadStatus
from opportunities.models import OpportunityStatus

from .activity import activity_record, diff, snapshot

STATUS_MODELS: dict[str, type[StatusBase]] = {
    "lead": LeadStatus,
    "opportunity": OpportunityStatus,
    "prospect": ProspectStatus,
}

STATUS_FIELDS = frozenset({"name", "name_en", "is_open", "colour"})
SETTINGS_FLAGS = ("manage_prospect_statuses", "manage_catalogs", "close_won_on_quote_confirmed")
SEQUENCE_STEP = 10


@dataclass(frozen=True)
class StatusSlot:
    """One meaning the CRM settings give to a status: which list it comes from, open or closed."""

    field: str
    model: type[StatusBase]
    is_open: bool

    @property
    def label(self) -> str:
        return setting_label(self.field)


def setting_label(name: str) -> str:
    """The CRM setting's name in the current language, e.g. "converted lead status"."""
    return str(CrmSettings._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


STATUS_SLOTS = (
    StatusSlot("lead_new_status", LeadStatus, is_open=True),
    StatusSlot("lead_converted_status", LeadStatus, is_open=False),
    StatusSlot("lead_lost_status", LeadStatus, is_open=False),
    StatusSlot("opportunity_new_status", OpportunityStatus, is_open=True),
    StatusSlot("opportunity_proposal_status", OpportunityStatus, is_open=True),
    StatusSlot("opportunity_won_status", OpportunityStatus, is_open=False),
    StatusSlot("opportunity_lost_status", OpportunityStatus, is_open=False),
    StatusSlot("prospect_new_status", ProspectStatus, is_open=True),
    StatusSlot("prospect_won_status", ProspectStatus, is_open=False),
    StatusSlot("prospect_lost_status", ProspectStatus, is_open=False),
)
SLOTS_BY_FIELD = {slot.field: slot for slot in STATUS_SLOTS}

# Meanings that must not share one status: (first, second), the error goes on the second.
DISTINCT_SLOTS = (
    ("lead_converted_status", "lead_lost_status"),
    ("opportunity_new_status", "opportunity_proposal_status"),
    ("opportunity_won_status", "opportunity_lost_status"),
    ("prospect_won_status", "prospect_lost_status"),
)


class ConfigurationForbidden(WorkflowRefused):
    """The user may not change the CRM configuration (the API answers 403, not 400)."""


def can_configure(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def _refuse_unless_admin(user: User) -> None:
    if not can_configure(user):
        raise ConfigurationForbidden(_("Only administrators can change the CRM configuration."))


def _manager(model: type[Model]) -> Any:
    return model._default_manager


def status_slots(status: StatusBase, *, settings: CrmSettings) -> list[StatusSlot]:
    """The meanings the CRM settings give to this status (usually none, at most a few)."""
    return [
        slot
        for slot in STATUS_SLOTS
        if isinstance(status, slot.model) and getattr(settings, f"{slot.field}_id") == status.pk
    ]


def _check_status_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - STATUS_FIELDS
    if unknown:
        raise ValueError(f"Not a configurable status field: {', '.join(sorted(unknown))}")


def status_create(*, model: type[StatusBase], user: User, fields: dict[str, Any]) -> StatusBase:
    """Add a status at the end of its list."""
    _refuse_unless_admin(user)
    _check_status_fields(fields)
    with transaction.atomic():
        last = _manager(model).aggregate(last=Max("sequence"))["last"] or 0
        status = model(**fields, sequence=last + SEQUENCE_STEP)
        status.full_clean()
        status.save()
        activity_record(
            record=status,
            actor=user,
            verb=ActivityVerb.CREATED,
            message=_("Status %(status)s added to the %(list)s.")
            % {"status": status.name, "list": model._meta.verbose_name_plural},
        )
    return status


def status_update(*, status: StatusBase, user: User, fields: dict[str, Any]) -> StatusBase:
    """Rename (French, English), open or close, recolour a status."""
    _refuse_unless_admin(user)
    _check_status_fields(fields)
    with transaction.atomic():
        stored = _manager(type(status)).select_for_update().get(pk=status.pk)
        before = snapshot(stored)
        if "is_open" in fields:
            _refuse_wrong_flag(stored, is_open=fields["is_open"])
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.full_clean()
        stored.save()
        changes = diff(before, snapshot(stored))
        if changes:
            activity_record(record=stored, actor=user, verb=ActivityVerb.UPDATED, changes=changes)
    return stored


def _refuse_wrong_flag(status: StatusBase, *, is_open: bool) -> None:
    for slot in status_slots(status, settings=CrmSettings.load()):
        if slot.is_open != is_open:
            message = (
                _("“%(status)s” is the %(meaning)s in the CRM settings: it must stay open.")
                if slot.is_open
                else _("“%(status)s” is the %(meaning)s in the CRM settings: it must stay closed.")
            )
            raise ValidationError({"is_open": message % {"status": status.name, "meaning": slot.label}})


def statuses_reorder(*, model: type[StatusBase], user: User, ordered_ids: Sequence[int]) -> list[StatusBase]:
    """Put the list's statuses in the given order: every non-archived status, each exactly once.

    Sequences become 10, 20, 30…; archived statuses follow, in their previous order.
    """
    _refuse_unless_admin(user)
    with transaction.atomic():
        statuses = list(_manager(model).select_for_update().order_by("sequence", "pk"))
        active = {status.pk: status for status in statuses if not status.archived}
        if len(ordered_ids) != len(active) or set(ordered_ids) != set(active):
            raise WorkflowRefused(
                _("The list of statuses has changed since you opened it: reload the page and try again.")
            )
        before = [status.name for status in statuses if not status.archived]
        ordered = [active[pk] for pk in ordered_ids] + [status for status in statuses if status.archived]
        for position, status in enumerate(ordered, start=1):
            if status.sequence != position * SEQUENCE_STEP:
                status.sequence = position * SEQUENCE_STEP
                status.save()
        after = [active[pk].name for pk in ordered_ids]
        if after != before:
            activity_record(
                record=CrmSettings.load(),
                actor=user,
                verb=ActivityVerb.UPDATED,
                message=_("%(list)s reordered.") % {"list": capfirst(model._meta.verbose_name_plural)},
                changes={"order": {"before": ", ".join(before), "after": ", ".join(after)}},
            )
    return ordered[: len(active)]


def status_archive(*, status: StatusBase, user: User) -> StatusBase:
    """Stop offering a status; the records that have it keep it."""
    _refuse_unless_admin(user)
    with transaction.atomic():
        status = _manager(type(status)).select_for_update().get(pk=status.pk)
        if status.archived:
            return status
        slots = status_slots(status, settings=CrmSettings.load())
        if slots:
            raise WorkflowRefused(
                _(
                    "“%(status)s” is the %(meaning)s in the CRM settings: choose another status "
                    "there before archiving this one."
                )
                % {"status": status.name, "meaning": slots[0].label}
            )
        status.archived = True
        status.save()
        _record_archiving(status, user=user, message=_("Status archived."))
    return status


def status_restore(*, status: StatusBase, user: User) -> StatusBase:
    """Offer an archived status again, at the end of its list."""
    _refuse_unless_admin(user)
    with transaction.atomic():
        status = _manager(type(status)).select_for_update().get(pk=status.pk)
        if not status.archived:
            return status
        last = _manager(type(status)).filter(archived=False).aggregate(last=Max("sequence"))["last"] or 0
        status.archived = False
        status.sequence = last + SEQUENCE_STEP
        status.save()
        _record_archiving(status, user=user, message=_("Status restored."))
    return status


def _record_archiving(status: StatusBase, *, user: User, message: str) -> None:
    activity_record(
        record=status,
        actor=user,
        verb=ActivityVerb.UPDATED,
        message=message,
        changes={"archived": {"before": not status.archived, "after": status.archived}},
    )


def crm_settings_update(*, user: User, fields: dict[str, Any]) -> CrmSettings:
    """Change what each status means and the feature flags; all or nothing.

    `fields` holds any of the status slots (a status of the right list, or None to refuse) and
    the flags manage_prospect_statuses, manage_catalogs, close_won_on_quote_confirmed.
    """
    _refuse_unless_admin(user)
    unknown = set(fields) - set(SLOTS_BY_FIELD) - set(SETTINGS_FLAGS)
    if unknown:
        raise ValueError(f"Not a CRM setting: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        CrmSettings.load()
        settings = CrmSettings.objects.select_for_update().get(pk=1)
        before = snapshot(settings)
        errors = _slot_errors(fields)
        mapping = {slot.field: fields.get(slot.field, getattr(settings, slot.field)) for slot in STATUS_SLOTS}
        for first, second in DISTINCT_SLOTS:
            if second in errors or first in errors:
                continue
            if (
                mapping[first] is not None
                and mapping[second] is not None
                and mapping[first].pk == mapping[second].pk
            ):
                errors[second] = _("The %(meaning)s must differ from the %(other)s.") % {
                    "meaning": SLOTS_BY_FIELD[second].label,
                    "other": SLOTS_BY_FIELD[first].label,
                }
        if errors:
            raise ValidationError(errors)
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.save()
        changes = diff(before, snapshot(settings))
        if changes:
            activity_record(record=settings, actor=user, verb=ActivityVerb.UPDATED, changes=changes)
    return settings


def _slot_errors(fields: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, status in fields.items():
        slot = SLOTS_BY_FIELD.get(name)
        if slot is None:
            continue
        if status is None:
            errors[name] = _("Choose a status.")
        elif not isinstance(status, slot.model):
            errors[name] = _("Choose one of the %(list)s.") % {"list": slot.model._meta.verbose_name_plural}
        elif status.archived:
            errors[name] = _("“%(status)s” is archived: choose a status in use.") % {"status": status.name}
        elif status.is_open != slot.is_open:
            errors[name] = (
                _("The %(meaning)s must be an open status.")
                if slot.is_open
                else _("The %(meaning)s must be a closed status.")
            ) % {"meaning": slot.label}
    return errors
