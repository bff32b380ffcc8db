"""The Kanban of open leads: one column per open status; converted and lost are the Convert and Lose actions."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.kanban import Board
from crm.models import StatusBase
from crm.web.http import AuthenticatedRequest
from crm.web.kanban import board_page, card_move, column_page
from leads.filters import LeadFilterSet, search_leads
from leads.models import Lead, LeadStatus
from leads.services import lead_move


class LeadBoard(Board):
    model = Lead
    status_model = LeadStatus
    filterset_class = LeadFilterSet
    title = gettext_lazy("Kanban of open leads")
    card_template = "crm/kanban/_lead_card.html"
    board_url_name = "lead_kanban"
    column_url_name = "lead_kanban_column"
    move_url_name = "lead_kanban_move"
    list_url_name = "lead_list_open"
    create_url_name = "lead_create"

    def statuses(self) -> list[StatusBase]:
        closing = {self.settings.lead_converted_status_id, self.settings.lead_lost_status_id}
        statuses = LeadStatus.objects.filter(archived=False, is_open=True).order_by("sequence", "pk")
        return [status for status in statuses if status.pk not in closing]

    def search(self, queryset: QuerySet[Lead], text: str) -> QuerySet[Lead]:
        return search_leads(queryset, text)

    def with_card_data(self, queryset: QuerySet[Lead]) -> QuerySet[Lead]:
        return queryset.select_related("assigned_user").prefetch_related("tags")

    def move(self, record: Lead, *, status: StatusBase, version: int | None) -> Lead:
        return lead_move(lead=record, user=self.user, status=status, expected_version=version)  # type: ignore[arg-type]


@require_GET
def lead_kanban(request: AuthenticatedRequest) -> HttpResponse:
    return board_page(request, LeadBoard(user=request.user, params=request.GET))


@require_GET
def lead_kanban_column(request: AuthenticatedRequest, status_pk: int) -> HttpResponse:
    return column_page(request, LeadBoard(user=request.user, params=request.GET), status_pk)


@require_POST
def lead_kanban_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return card_move(request, LeadBoard(user=request.user, params=request.GET), pk)
