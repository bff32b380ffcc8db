"""Running django-fsm transitions from services: one place that tells "not now" from "not allowed"."""

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from crm.models import User


class WorkflowRefused(Exception):
    """A workflow action or status move that the rules refuse; the message says why, for the user."""


def run_transition(record: Model, name: str, *, user: User, refused_message: str) -> None:
    method: Any = getattr(record, name)
    if not can_proceed(method):
        raise WorkflowRefused(refused_message)
    if not has_transition_perm(method, user):
        raise WorkflowRefused(_("You are not allowed to do this."))
    method()


def save_after_transition(record: Model, **kwargs: Any) -> None:
    """Save a record whose lifecycle just moved; refuse if someone else moved it meanwhile."""
    try:
        record.save(**kwargs)
    except ConcurrentTransition as exc:
        raise WorkflowRefused(
            _("Someone else changed this record's status meanwhile. Reload it and try again.")
        ) from exc
