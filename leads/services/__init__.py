"""Writes on leads: create, update, status moves, take charge, lose, reopen (conversion: .conversion)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, CrmSettings, LostReason, User
from crm.services.activity import activity_record
from crm.services.bulk import records_assign
from crm.services.records import (
    apply_company_default,
    bump_version,
    record_create,
    record_update,
    split_fields,
)
from crm.workflow import WorkflowRefused, run_transition, save_after_transition
from leads.models import Lead, LeadStatus


def lead_create(*, user: User, fields: dict[str, Any]) -> Lead:
    plain, many = split_fields(Lead, fields)
    lead = Lead(**plain)
    if lead.status_id is None:
        lead.status = CrmSettings.load().lead_new_status
    apply_company_default(lead, user=user)
    return record_create(lead, user=user, m2m=many)


def lead_update(
    *, lead: Lead, user: User, fields: dict[str, Any], expected_version: int | None = None
) -> Lead:
    refusal = lead_edit_refusal(lead)
    if refusal:
        raise WorkflowRefused(refusal)
    return record_update(lead, user=user, fields=fields, expected_version=expected_version)


def _record_status_change(lead: Lead, *, user: User, before: LeadStatus, message: str = "") -> None:
    activity_record(
        record=lead,
        actor=user,
        verb=ActivityVerb.STATUS_CHANGED,
        message=message,
        changes={"status": {"before": before.name, "after": lead.status.name}},
    )


def lead_move(*, lead: Lead, user: User, status: LeadStatus, expected_version: int | None = None) -> Lead:
    """Move an open lead to another status; Converted and Lost are reached only by their actions."""
    settings = CrmSettings.load()
    if status.pk == settings.lead_converted_status_id:
        raise WorkflowRefused(_("A lead is converted with the Convert action, not by changing its status."))
    if status.pk == settings.lead_lost_status_id:
        raise WorkflowRefused(_("A lead is lost with the Lose action, which asks for the reason."))
    if not lead.is_open:
        raise WorkflowRefused(_("This lead is closed: its status can no longer change."))
    if status.archived:
        raise WorkflowRefused(_("This status is archived."))
    if status.pk == lead.status_id:
        return lead
    with transaction.atomic():
        bump_version(lead, expected_version=expected_version)
        before = lead.status
        lead.status = status
        lead.save(update_fields=["status", "version", "updated_at"])
        _record_status_change(lead, user=user, before=before)
    return lead


def lead_edit_refusal(lead: Lead) -> str:
    """Why the lead's fields (tags included) cannot change; empty when they can."""
    if lead.is_open:
        return ""
    return _("A converted or lost lead cannot be edited. Reopen a lost lead first.")


def leads_take_charge(*, leads: list[Lead], user: User) -> int:
    """Assign the leads to the user (one or many, all or nothing); returns how many changed hands."""
    return records_assign(
        model=Lead,
        pks=[lead.pk for lead in leads],
        user=user,
        assigned_user=user,
        message=_("Taken in charge"),
    )


def lead_lose(*, lead: Lead, user: User, reason: LostReason, note: str = "") -> Lead:
    settings = CrmSettings.load()
    with transaction.atomic():
        run_transition(lead, "lose", user=user, refused_message=_("Only an open lead can be lost."))
        bump_version(lead)
        before = lead.status
        lead.status = settings.lead_lost_status
        lead.lost_reason = reason
        lead.lost_note = note
        save_after_transition(lead)
        _record_status_change(
            lead, user=user, before=before, message=_("Lost: %(reason)s") % {"reason": reason}
        )
    return lead


def lead_reopen(*, lead: Lead, user: User) -> Lead:
    settings = CrmSettings.load()
    with transaction.atomic():
        run_transition(lead, "reopen", user=user, refused_message=_("Only a lost lead can be reopened."))
        bump_version(lead)
        before = lead.status
        lead.status = settings.lead_new_status
        lead.lost_reason = None
        save_after_transition(lead)
        _record_status_change(lead, user=user, before=before, message=_("Reopened"))
    return lead
