"""Kanban pages shared by the boards (leads, opportunities, prospects) and the prospects' board itself."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.filters import ThirdPartyFilterSet, search_third_parties
from crm.kanban import Board, Cursor, Totals
from crm.models import ProspectStatus, StatusBase, ThirdParty
from crm.services.kanban import kanban_card_place
from crm.services.parties import third_party_move_prospect_status
from crm.services.statuses import can_configure
from crm.workflow import WorkflowRefused

from .http import AuthenticatedRequest

NOT_FILTERS = ("after",)


class KanbanMoveForm(forms.Form):
    """A card dropped on a column (or moved with its "Move to…" menu), between two of its cards."""

    status = forms.ModelChoiceField(queryset=ProspectStatus.objects.none())
    before = forms.IntegerField(required=False, min_value=1)
    after = forms.IntegerField(required=False, min_value=1)
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, statuses: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses  # type: ignore[attr-defined]


def _board_query(board: Board) -> str:
    params = board.params.copy()
    for name in NOT_FILTERS:
        params.pop(name, None)
    return params.urlencode()


def _context(board: Board, **extra: Any) -> dict[str, Any]:
    query = _board_query(board)
    list_query = "&".join(part for part in (board.list_query, query) if part)
    return {
        "board": board,
        "move_targets": [*board.column_statuses, *board.drop_target_statuses],
        "query_string": query,
        "board_url": _with_query(reverse(board.board_url_name), query),
        "list_url": _with_query(reverse(board.list_url_name), list_query),
        **extra,
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def board_page(request: AuthenticatedRequest, board: Board) -> HttpResponse:
    """The board; only the board itself when the filters ask for it with htmx."""
    context = _context(
        board,
        columns=board.columns(),
        drop_targets=board.drop_target_statuses,
        filter=board.filterset,
        query=board.params.get("q", ""),
    )
    htmx = getattr(request, "htmx", None)
    partial = htmx and not htmx.boosted
    return render(request, "crm/kanban/_board.html" if partial else "crm/kanban/board.html", context)


def column_page(request: AuthenticatedRequest, board: Board, status_pk: int) -> HttpResponse:
    """The next cards of a column ("load more", asked by htmx when the end of the column shows)."""
    if status_pk not in board.column_ids:
        raise Http404
    cards, cursor = board.page(status_pk, after=Cursor.decode(request.GET.get("after", "")))
    context = _context(board, cards=cards, cursor=cursor, status_id=status_pk)
    return render(request, "crm/kanban/_cards.html", context)


def card_move(request: AuthenticatedRequest, board: Board, pk: int) -> HttpResponse:
    """A card dropped on a column: its status through the entity's service, then its place in the column.

    Answers JSON to the board's script (409 with the reason when refused: the card goes back), and a
    redirection to the board with a message to the "Move to…" form of a card.
    """
    record = board.visible().filter(pk=pk).first()
    if record is None:
        raise Http404
    form = KanbanMoveForm(request.POST, statuses=board.status_model._default_manager.all())
    if not form.is_valid():
        return _refused(request, board, _("Choose a status."), status=400)
    status: StatusBase = form.cleaned_data["status"]
    refusal = board.refusal(status)
    if refusal:
        return _refused(request, board, refusal)
    source = board.column_of(record)
    was_prospect = getattr(record, "is_prospect", False)
    try:
        with transaction.atomic():
            if status.pk != source:
                record = board.move(record, status=status, version=form.cleaned_data["version"])
            if status.pk in board.column_ids:
                _place(
                    board,
                    record,
                    status.pk,
                    before=form.cleaned_data["before"],
                    after=form.cleaned_data["after"],
                )
    except WorkflowRefused as error:
        return _refused(request, board, str(error))
    message = _("Status changed to %(status)s.") % {"status": status.label} if status.pk != source else ""
    if was_prospect and not record.is_prospect:
        message = _("The prospect is won: it is now a customer.")
    if not _wants_json(request):
        messages.success(request, message or _("Card moved."))
        return _back_to_board(request, board)
    columns = [status_id for status_id in dict.fromkeys([source, status.pk]) if status_id in board.column_ids]
    return JsonResponse(
        {
            "status": status.pk,
            "version": record.version,
            "removed": status.pk not in board.column_ids,
            "message": message or _("Card moved."),
            "columns": [
                _column_json(board, status_id, totals) for status_id, totals in board.totals(columns).items()
            ],
        }
    )


def _place(board: Board, record: Any, status_id: int, *, before: int | None, after: int | None) -> None:
    """Rank the card between its new neighbours, read among the cards of the column the user may see."""
    wanted = [pk for pk in (before, after) if pk and pk != record.pk]
    neighbours = {card.pk: card for card in board.visible().filter(board.in_column(status_id), pk__in=wanted)}
    kanban_card_place(
        column=board.records().filter(board.in_column(status_id)),
        card=record,
        before=neighbours.get(before or 0),
        after=neighbours.get(after or 0),
    )


def _column_json(board: Board, status_id: int, totals: Totals) -> dict[str, Any]:
    return {
        "status": status_id,
        "count": totals.count,
        "count_label": totals.count_label,
        "amount_label": totals.amount_label if board.amount_field else "",
    }


def _wants_json(request: AuthenticatedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request: AuthenticatedRequest, board: Board, message: str, *, status: int = 409) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return _back_to_board(request, board)


def _back_to_board(request: AuthenticatedRequest, board: Board) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(board.board_url_name)


# The prospects' board ------------------------------------------------------------------------------


class ProspectBoardFilterSet(ThirdPartyFilterSet):
    """The third-party filters, but the type: the board holds prospects only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("type", None)


class ProspectBoard(Board):
    """Prospects by prospect status; those without one are in the "new" column.

    Won and lost are drop targets rather than columns: a won prospect becomes a customer and leaves the
    prospects, and lost ones would pile up in a column nobody works on. Dropping a card there closes it.
    """

    model = ThirdParty
    status_model = ProspectStatus
    status_field = "prospect_status"
    filterset_class = ProspectBoardFilterSet
    title = gettext_lazy("Kanban of prospects")
    card_template = "crm/kanban/_prospect_card.html"
    board_url_name = "prospect_kanban"
    column_url_name = "prospect_kanban_column"
    move_url_name = "prospect_kanban_move"
    list_url_name = "third_party_list"
    create_url_name = "third_party_create"
    list_query = "type=prospect"

    def records(self) -> QuerySet[ThirdParty]:
        return ThirdParty.objects.filter(is_prospect=True)

    def _closing_ids(self) -> set[int | None]:
        return {self.settings.prospect_won_status_id, self.settings.prospect_lost_status_id}

    def statuses(self) -> list[StatusBase]:
        statuses = ProspectStatus.objects.filter(archived=False, is_open=True).order_by("sequence", "pk")
        return [status for status in statuses if status.pk not in self._closing_ids()]

    def drop_targets(self) -> list[StatusBase]:
        statuses = ProspectStatus.objects.filter(archived=False).filter(
            Q(is_open=False) | Q(pk__in=[pk for pk in self._closing_ids() if pk])
        )
        return list(statuses.order_by("sequence", "pk"))

    def unset_status_id(self) -> int | None:
        new = self.settings.prospect_new_status_id
        return new if new in self.column_ids else None

    def search(self, queryset: QuerySet[ThirdParty], text: str) -> QuerySet[ThirdParty]:
        return search_third_parties(queryset, text)

    def with_card_data(self, queryset: QuerySet[ThirdParty]) -> QuerySet[ThirdParty]:
        return queryset.select_related("assigned_user").prefetch_related("tags")

    def is_enabled(self) -> bool:
        return self.settings.manage_prospect_statuses

    def move(self, record: ThirdParty, *, status: StatusBase, version: int | None) -> ThirdParty:
        return third_party_move_prospect_status(
            third_party=record,
            user=self.user,
            status=status,  # type: ignore[arg-type]
            expected_version=version,
        )


def _prospect_board(request: AuthenticatedRequest) -> ProspectBoard | None:
    board = ProspectBoard(user=request.user, params=request.GET)
    return board if board.is_enabled() else None


@require_GET
def prospect_kanban(request: AuthenticatedRequest) -> HttpResponse:
    board = _prospect_board(request)
    if board is None:
        context = {"can_configure": can_configure(request.user), "title": ProspectBoard.title}
        return render(request, "crm/kanban/prospects_off.html", context)
    return board_page(request, board)


@require_GET
def prospect_kanban_column(request: AuthenticatedRequest, status_pk: int) -> HttpResponse:
    board = _prospect_board(request)
    if board is None:
        raise Http404
    return column_page(request, board, status_pk)


@require_POST
def prospect_kanban_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    board = _prospect_board(request)
    if board is None:
        raise Http404
    return card_move(request, board, pk)
