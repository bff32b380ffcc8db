"""Writes on opportunities: create, update, status moves, win, lose, reopen."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, CrmSettings, LostReason, ThirdParty, User
from crm.services.activity import activity_record
from crm.services.records import (
    apply_company_default,
    bump_version,
    record_create,
    record_update,
    split_fields,
)
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused, run_transition, save_after_transition
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus


@dataclass
class WinResult:
    opportunity: Opportunity
    # The prospect's other open opportunities: the user is offered to close them as lost.
    other_open_opportunities: list[Opportunity] = field(default_factory=list)


def opportunity_create(*, user: User, fields: dict[str, Any]) -> Opportunity:
    plain, many = split_fields(Opportunity, fields)
    opportunity = Opportunity(**plain)
    if opportunity.status_id is None:
        opportunity.status = CrmSettings.load().opportunity_new_status
    apply_company_default(opportunity, user=user)
    return record_create(opportunity, user=user, m2m=many)


def opportunity_update(
    *, opportunity: Opportunity, user: User, fields: dict[str, Any], expected_version: int | None = None
) -> Opportunity:
    return record_update(opportunity, user=user, fields=fields, expected_version=expected_version)


def _record_status_change(
    opportunity: Opportunity, *, user: User, before: OpportunityStatus, message: str = ""
) -> None:
    activity_record(
        record=opportunity,
        actor=user,
        verb=ActivityVerb.STATUS_CHANGED,
        message=message,
        changes={"status": {"before": before.name, "after": opportunity.status.name}},
    )


def opportunity_move(
    *,
    opportunity: Opportunity,
    user: User,
    status: OpportunityStatus,
    lost_reason: LostReason | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Click on a status: won and lost close the opportunity, an open status (re)opens it."""
    settings = CrmSettings.load()
    if status.archived:
        raise WorkflowRefused(_("This status is archived."))
    if status.pk == opportunity.status_id:
        return opportunity
    if status.pk == settings.opportunity_won_status_id:
        return opportunity_win(
            opportunity=opportunity, user=user, expected_version=expected_version
        ).opportunity
    if status.pk == settings.opportunity_lost_status_id:
        return opportunity_lose(
            opportunity=opportunity, user=user, reason=lost_reason, expected_version=expected_version
        )
    with transaction.atomic():
        if not opportunity.is_open:
            run_transition(
                opportunity, "reopen", user=user, refused_message=_("This opportunity is not closed.")
            )
            opportunity.closed_at = None
            opportunity.lost_reason = None
        bump_version(opportunity, expected_version=expected_version)
        before = opportunity.status
        opportunity.status = status
        save_after_transition(opportunity)
        _record_status_change(opportunity, user=user, before=before)
    return opportunity


def opportunity_win(
    *, opportunity: Opportunity, user: User, expected_version: int | None = None
) -> WinResult:
    settings = CrmSettings.load()
    with transaction.atomic():
        run_transition(
            opportunity, "win", user=user, refused_message=_("Only an open opportunity can be won.")
        )
        bump_version(opportunity, expected_version=expected_version)
        before = opportunity.status
        opportunity.status = settings.opportunity_won_status
        opportunity.probability = 100
        opportunity.closed_at = timezone.now()
        save_after_transition(opportunity)
        _record_status_change(opportunity, user=user, before=before, message=_("Won"))
        others: list[Opportunity] = []
        third_party = opportunity.third_party
        if third_party is not None and third_party.is_prospect:
            others = list(
                visible_records(
                    third_party.opportunities.filter(stage=OpportunityStage.OPEN), user=user
                ).exclude(pk=opportunity.pk)
            )
            third_party_promote_to_customer(third_party=third_party, user=user, settings=settings)
    return WinResult(opportunity=opportunity, other_open_opportunities=others)


def third_party_promote_to_customer(*, third_party: ThirdParty, user: User, settings: CrmSettings) -> None:
    """A prospect that is won becomes a customer."""
    changes = {
        "is_prospect": {"before": third_party.is_prospect, "after": False},
        "is_customer": {"before": third_party.is_customer, "after": True},
    }
    third_party.is_prospect = False
    third_party.is_customer = True
    update_fields = ["is_prospect", "is_customer", "updated_at", "version"]
    if settings.manage_prospect_statuses and settings.prospect_won_status_id:
        third_party.prospect_status_id = settings.prospect_won_status_id
        update_fields.append("prospect_status")
    bump_version(third_party)
    third_party.save(update_fields=update_fields)
    activity_record(
        record=third_party,
        actor=user,
        verb=ActivityVerb.STATUS_CHANGED,
        message=_("Won: the prospect became a customer"),
        changes=changes,
    )


def opportunity_lose(
    *,
    opportunity: Opportunity,
    user: User,
    reason: LostReason | None,
    note: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    settings = CrmSettings.load()
    with transaction.atomic():
        run_transition(
            opportunity, "lose", user=user, refused_message=_("Only an open opportunity can be lost.")
        )
        bump_version(opportunity, expected_version=expected_version)
        before = opportunity.status
        opportunity.status = settings.opportunity_lost_status
        opportunity.lost_reason = reason
        opportunity.probability = 0
        opportunity.closed_at = timezone.now()
        if note:
            opportunity.description = f"{opportunity.description}\n\n{note}".strip()
        save_after_transition(opportunity)
        message = _("Lost: %(reason)s") % {"reason": reason} if reason else _("Lost")
        _record_status_change(opportunity, user=user, before=before, message=message)
    return opportunity


def opportunities_lose(
    *, opportunities: list[Opportunity], user: User, reason: LostReason | None
) -> list[Opportunity]:
    """Close several opportunities as lost (the offer after a prospect's win): all or nothing."""
    with transaction.atomic():
        return [
            opportunity_lose(opportunity=opportunity, user=user, reason=reason)
            for opportunity in opportunities
        ]
