"""The Kanban of open opportunities: one column per open status; won and lost are the Win and Lose buttons."""

from django.db.models import OuterRef, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.kanban import Board
from crm.models import StatusBase, ThirdParty
from crm.visibility import is_visible
from crm.web.http import AuthenticatedRequest
from crm.web.kanban import board_page, card_move, column_page
from opportunities.filters import OpportunityFilterSet, search_opportunities
from opportunities.models import Opportunity, OpportunityStatus
from opportunities.services import opportunity_move


class OpportunityBoard(Board):
    model = Opportunity
    status_model = OpportunityStatus
    filterset_class = OpportunityFilterSet
    amount_field = "amount"
    currency_field = "currency"
    title = gettext_lazy("Kanban of open opportunities")
    card_template = "crm/kanban/_opportunity_card.html"
    board_url_name = "opportunity_kanban"
    column_url_name = "opportunity_kanban_column"
    move_url_name = "opportunity_kanban_move"
    list_url_name = "opportunity_list_open"
    create_url_name = "opportunity_create"

    def _closing_ids(self) -> set[int | None]:
        return {self.settings.opportunity_won_status_id, self.settings.opportunity_lost_status_id}

    def statuses(self) -> list[StatusBase]:
        statuses = OpportunityStatus.objects.filter(archived=False, is_open=True).order_by("sequence", "pk")
        return [status for status in statuses if status.pk not in self._closing_ids()]

    def search(self, queryset: QuerySet[Opportunity], text: str) -> QuerySet[Opportunity]:
        return search_opportunities(queryset, text)

    def with_card_data(self, queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
        third_party = ThirdParty.objects.filter(pk=OuterRef("third_party_id"))
        return (
            queryset.select_related("assigned_user", "third_party")
            .prefetch_related("tags")
            .annotate(third_party_visible=is_visible(third_party, user=self.user))
        )

    def refusal(self, status: StatusBase) -> str:
        if status.pk in self._closing_ids():
            # Winning may offer to close the prospect's other opportunities, losing asks for the reason.
            return _("An opportunity is closed with its Win or Lose button, not from the Kanban.")
        return ""

    def move(self, record: Opportunity, *, status: StatusBase, version: int | None) -> Opportunity:
        return opportunity_move(
            opportunity=record,
            user=self.user,
            status=status,  # type: ignore[arg-type]
            expected_version=version,
        )


@require_GET
def opportunity_kanban(request: AuthenticatedRequest) -> HttpResponse:
    return board_page(request, OpportunityBoard(user=request.user, params=request.GET))


@require_GET
def opportunity_kanban_column(request: AuthenticatedRequest, status_pk: int) -> HttpResponse:
    return column_page(request, OpportunityBoard(user=request.user, params=request.GET), status_pk)


@require_POST
def opportunity_kanban_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return card_move(request, OpportunityBoard(user=request.user, params=request.GET), pk)
