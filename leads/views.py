"""Lead pages: lists, form, detail with the status bar and actions, lose dialog, conversion wizard."""

from functools import partial

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.models import CrmSettings
from crm.selectors import activity_for, record_tab_counts
from crm.web import cells
from crm.web.bulk import BulkActions
from crm.web.http import AuthenticatedRequest
from crm.web.lists import (
    Column,
    RowActions,
    ScopedListView,
    date_column,
    owner_columns,
    reach_columns,
    reference_column,
    scoring_column,
    tags_column,
)
from crm.web.pages import REFUSALS, form_page, owner_initial, redirect_back, save_form, update_page
from crm.web.scoring import scoring_widget
from crm.workflow import WorkflowRefused
from leads import selectors
from leads.filters import LeadFilterSet, search_leads
from leads.forms import LeadConvertForm, LeadForm, LoseForm, StatusMoveForm
from leads.kanban import LeadBoard
from leads.models import Lead, LeadStatus
from leads.selectors import LeadScope
from leads.services import (
    lead_create,
    lead_edit_refusal,
    lead_lose,
    lead_move,
    lead_reopen,
    lead_update,
    leads_take_charge,
)
from leads.services.conversion import lead_convert

# Lists --------------------------------------------------------------------------------------------

LEAD_LIST_TITLES = {
    LeadScope.ALL: gettext_lazy("All leads"),
    LeadScope.MINE: gettext_lazy("My leads"),
    LeadScope.OPEN: gettext_lazy("Open leads"),
    LeadScope.CLOSED: gettext_lazy("Closed leads"),
}


class LeadListView(ScopedListView):
    scope_titles = LEAD_LIST_TITLES
    url_name_prefix = "lead_list"
    list_key = "leads"
    filterset_class = LeadFilterSet
    create_url_name = "lead_create"
    kanban_url_name = "lead_kanban"
    default_sort = "-created_at"
    scope = LeadScope.ALL
    row_actions = RowActions(event_kind="lead", email_kind="lead")
    bulk_actions = BulkActions(model=Lead, board=LeadBoard, tag_refusal=lead_edit_refusal)
    columns = [
        Column(
            gettext_lazy("Name"),
            "last_name",
            "name",
            cells.key_account_link(cells.upper_name),
            hideable=False,
        ),
        Column(gettext_lazy("Company"), "company_name", "company_name", cells.text("company_name")),
        *reach_columns(email_default=False),
        date_column(gettext_lazy("Created"), "created_at"),
        date_column(gettext_lazy("Updated"), "updated_at", default=False),
        *owner_columns(),
        Column(
            gettext_lazy("Status"), "status__sequence", "status", cells.status_chip(), related=("status",)
        ),
        scoring_column(),
        tags_column(),
        reference_column(gettext_lazy("Source"), "source", default=False),
        reference_column(gettext_lazy("Industry sector"), "industry_sector", default=False),
        reference_column(gettext_lazy("Company of the group"), "company", default=False),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.lead_list(user=self.request.user, scope=self.scope)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_leads(queryset, text)


# One lead ------------------------------------------------------------------------------------------


def _lead_or_404(request: AuthenticatedRequest, pk: int) -> Lead:
    try:
        return selectors.lead_detail(user=request.user, pk=pk)
    except Lead.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def lead_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    context = {
        "lead": lead,
        "statuses": selectors.lead_statuses(),
        "status_bar_disabled": not lead.is_open,
        "links": selectors.lead_conversion_links(lead=lead, user=request.user),
        "activity": activity_for(lead),
        "counts": record_tab_counts(user=request.user, record=lead, tabs=["events", "emails", "activity"]),
        "scoring": scoring_widget("lead", lead),
    }
    return render(request, "leads/detail.html", context)


@require_http_methods(["GET", "POST"])
def lead_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = LeadForm(request.POST or None, user=request.user, initial=owner_initial(request))
    if form.is_bound and form.is_valid():
        lead = save_form(form, lambda: lead_create(user=request.user, fields=form.service_fields()))
        if lead:
            messages.success(request, _("Lead %(name)s created.") % {"name": lead})
            namesakes = selectors.lead_namesakes(lead=lead, user=request.user)
            if namesakes.leads:
                messages.warning(request, _("There is already a lead with this name."))
            elif namesakes.contacts:
                messages.warning(request, _("There is already a contact with this name."))
            return redirect(lead)
    return form_page(request, "leads/form.html", form)


@require_http_methods(["GET", "POST"])
def lead_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    form = LeadForm(request.POST or None, instance=lead, user=request.user)
    update = partial(lead_update, lead=lead, user=request.user)
    return update_page(request, form, update, "leads/form.html", lead=lead)


@require_POST
def lead_move_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A click on the status bar."""
    lead = _lead_or_404(request, pk)
    form = StatusMoveForm(request.POST, statuses=LeadStatus.objects.all())
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(lead)
    try:
        lead_move(
            lead=lead,
            user=request.user,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": lead.status})
    return redirect(lead)


@require_POST
def lead_take_charge_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    try:
        count = leads_take_charge(leads=[lead], user=request.user)
    except WorkflowRefused as error:
        messages.error(request, str(error))
    else:
        if count:
            messages.success(request, _("Lead %(name)s assigned to you.") % {"name": lead})
        else:
            messages.info(request, _("This lead is already assigned to you."))
    return redirect_back(request, lead.get_absolute_url())


@require_http_methods(["GET", "POST"])
def lead_lose_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    form = LoseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        lost = save_form(
            form,
            lambda: lead_lose(
                lead=lead,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
        if lost:
            messages.success(request, _("Lead lost: %(reason)s.") % {"reason": lost.lost_reason})
            return redirect(lost)
    return form_page(request, "leads/lose.html", form, lead=lead)


@require_POST
def lead_reopen_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    try:
        lead_reopen(lead=lead, user=request.user)
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Lead reopened."))
    return redirect(lead)


@require_http_methods(["GET", "POST"])
def lead_convert_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    settings = CrmSettings.load()
    form = LeadConvertForm(request.POST or None, user=request.user, settings=settings)
    if form.is_bound and form.is_valid():
        result = save_form(
            form, lambda: lead_convert(lead=lead, user=request.user, request=form.conversion_request())
        )
        if result:
            messages.success(
                request, _("Lead converted: %(third_party)s.") % {"third_party": result.third_party}
            )
            return redirect(result.opportunity or result.third_party)
        lead = _lead_or_404(request, pk)  # the refused conversion may have changed the object in memory
    return form_page(request, "leads/convert.html", form, lead=lead)


@require_GET
def contact_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Options for LookupSelect widgets: the first visible contacts matching the typed text."""
    contacts = selectors.contact_options(
        user=request.user,
        text=request.GET.get("q", ""),
        third_party_pk=request.GET.get("third_party", ""),
    )
    options = format_html_join(
        "\n",
        '<option value="{}">{}</option>',
        (
            (contact.pk, f"{contact.full_name} · {contact.email}" if contact.email else contact.full_name)
            for contact in contacts
        ),
    )
    return HttpResponse(options)
