"""The bulk bar of the record lists: assign, change status, add a tag, delete — on the selected rows.

Each action runs one service of crm.services.bulk over the whole selection: all or nothing. Status moves
go where the entity's Kanban moves cards, through the same services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm.filters import active_users
from crm.kanban import Board
from crm.models import OwnedRecord, Tag, Team, User
from crm.services.bulk import (
    may_delete,
    records_add_tag,
    records_assign,
    records_delete,
    records_move,
    records_take_charge,
)
from crm.workflow import WorkflowRefused

from .http import AuthenticatedRequest


class BulkAction(StrEnum):
    ASSIGN_ME = "assign_me"
    ASSIGN = "assign"
    STATUS = "status"
    TAG = "tag"
    DELETE = "delete"


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(action.value, action.value) for action in BulkAction])
    assigned_user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("User"), queryset=None, required=False
    )
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Team"), queryset=None, required=False
    )
    status: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Status"), queryset=None, required=False
    )
    tag: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Tag"), queryset=None, required=False
    )

    def __init__(self, *args: Any, statuses: QuerySet | None, tags: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_user"].queryset = active_users()  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.all()  # type: ignore[attr-defined]
        if statuses is None:
            del self.fields["status"]
        else:
            self.fields["status"].queryset = statuses  # type: ignore[attr-defined]
        if tags:
            self.fields["tag"].queryset = Tag.objects.filter(active=True)  # type: ignore[attr-defined]
        else:
            del self.fields["tag"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = cleaned.get("action")
        if action == BulkAction.ASSIGN and not (cleaned.get("assigned_user") or cleaned.get("team")):
            self.add_error("assigned_user", _("Choose the user or the team to assign these records to."))
        if action == BulkAction.STATUS and not cleaned.get("status"):
            self.add_error("status" if "status" in self.fields else None, _("Choose a status."))
        if action == BulkAction.TAG and not cleaned.get("tag"):
            self.add_error("tag" if "tag" in self.fields else None, _("Choose a tag."))
        return cleaned


def no_refusal(record: Any) -> str:
    return ""


@dataclass(frozen=True)
class BulkActions:
    """What one list's bulk bar offers."""

    model: type[OwnedRecord]
    board: type[Board] | None = None  # the Kanban whose moves the "change status" action makes
    tags: bool = True
    tag_refusal: Callable[[Any], str] = no_refusal  # why a record may not get a tag

    def _board(self, user: User) -> Board | None:
        board = self.board(user=user) if self.board else None
        return board if board is not None and board.is_enabled() else None

    def form(self, board: Board | None, data: Any = None) -> BulkForm:
        statuses = None
        if board is not None:
            pks = [status.pk for status in board.bulk_statuses()]
            statuses = board.status_model._default_manager.filter(pk__in=pks).order_by("sequence", "pk")
        return BulkForm(data, statuses=statuses, tags=self.tags)

    def context(self, request: AuthenticatedRequest) -> dict[str, Any]:
        return {
            "form": self.form(self._board(request.user)),
            "may_delete": may_delete(self.model, user=request.user),
        }

    def run(self, request: AuthenticatedRequest) -> None:
        data = request.POST.copy()
        if "take" in data:  # a row's "Take charge" button: that row only, whatever else is ticked
            data["action"] = BulkAction.ASSIGN_ME
            data.setlist("ids", data.getlist("take")[:1])
        raw = data.getlist("ids")
        pks = {int(value) for value in raw if value.isdigit()}
        if not raw:
            messages.warning(request, _("Select at least one record."))
            return
        if len(pks) != len(raw):
            messages.error(request, _("The selection is not valid: nothing was changed."))
            return
        board = self._board(request.user)
        form = self.form(board, data)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return
        try:
            count, message = self._perform(form.cleaned_data, pks=pks, user=request.user, board=board)
        except WorkflowRefused as refusal:
            messages.error(request, str(refusal))
            return
        if count:
            messages.success(request, message)
        else:
            messages.info(request, _("Nothing changed: the selected records already had this value."))

    def _perform(
        self, data: dict[str, Any], *, pks: set[int], user: User, board: Board | None
    ) -> tuple[int, str]:
        model = self.model
        action = data["action"]
        if action == BulkAction.ASSIGN_ME:
            count = records_take_charge(model=model, pks=pks, user=user)
            return count, ngettext(
                "%(count)d record assigned to you.", "%(count)d records assigned to you.", count
            ) % {"count": count}
        if action == BulkAction.ASSIGN:
            count = records_assign(
                model=model, pks=pks, user=user, assigned_user=data["assigned_user"], team=data["team"]
            )
            return count, ngettext("%(count)d record reassigned.", "%(count)d records reassigned.", count) % {
                "count": count
            }
        if action == BulkAction.STATUS and board is not None:
            status = data["status"]
            count = records_move(
                model=model,
                pks=pks,
                user=user,
                move=lambda record: board.move(record, status=status, version=None),
            )
            return count, ngettext(
                "%(count)d record now in the status %(status)s.",
                "%(count)d records now in the status %(status)s.",
                count,
            ) % {"count": count, "status": status.label}
        if action == BulkAction.TAG and self.tags:
            tag = data["tag"]
            count = records_add_tag(model=model, pks=pks, user=user, tag=tag, refuse=self.tag_refusal)
            return count, ngettext(
                "Tag %(tag)s added to %(count)d record.", "Tag %(tag)s added to %(count)d records.", count
            ) % {"tag": tag, "count": count}
        if action == BulkAction.DELETE:
            count = records_delete(model=model, pks=pks, user=user)
            return count, ngettext("%(count)d record deleted.", "%(count)d records deleted.", count) % {
                "count": count
            }
        raise WorkflowRefused(_("This action is not available on this list."))
