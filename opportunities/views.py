"""Opportunity and quote pages: lists, form, detail with the status bar, win/lose, quotes."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
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
    reference_column,
    scoring_column,
    tags_column,
)
from crm.web.pages import REFUSALS, form_page, owner_initial, save_form, update_page
from crm.web.scoring import scoring_widget
from crm.workflow import WorkflowRefused
from leads import selectors as lead_selectors
from leads.forms import LoseForm, StatusMoveForm
from opportunities import selectors
from opportunities.filters import OpportunityFilterSet, search_opportunities
from opportunities.forms import CloseOthersForm, OpportunityForm, QuoteLineFormSet
from opportunities.kanban import OpportunityBoard
from opportunities.models import Opportunity, OpportunityStatus, Quote
from opportunities.selectors import OpportunityScope
from opportunities.services import (
    WinResult,
    opportunities_lose,
    opportunity_create,
    opportunity_lose,
    opportunity_move,
    opportunity_update,
    opportunity_win,
)
from opportunities.services.quotes import quote_confirm, quote_create, quote_refuse, quote_send

# Lists --------------------------------------------------------------------------------------------

OPPORTUNITY_LIST_TITLES = {
    OpportunityScope.ALL: gettext_lazy("All opportunities"),
    OpportunityScope.MINE: gettext_lazy("My opportunities"),
    OpportunityScope.OPEN: gettext_lazy("Open opportunities"),
    OpportunityScope.CLOSED: gettext_lazy("Closed opportunities"),
}


class OpportunityListView(ScopedListView):
    scope_titles = OPPORTUNITY_LIST_TITLES
    url_name_prefix = "opportunity_list"
    list_key = "opportunities"
    filterset_class = OpportunityFilterSet
    create_url_name = "opportunity_create"
    kanban_url_name = "opportunity_kanban"
    default_sort = "-created_at"
    scope = OpportunityScope.ALL
    row_actions = RowActions(event_kind="opportunity")
    bulk_actions = BulkActions(model=Opportunity, board=OpportunityBoard)
    columns = [
        Column(gettext_lazy("Name"), "name", "name", cells.link(str), hideable=False),
        Column(
            gettext_lazy("Customer / prospect"),
            "third_party__name",
            "third_party",
            cells.related_link("third_party", visible="third_party_visible"),
        ),
        Column(
            gettext_lazy("Contact"),
            "contact__last_name",
            "contact",
            cells.text("contact"),
            related=("contact",),
            default=False,
        ),
        Column(gettext_lazy("Amount"), "amount", "amount", cells.amount("amount"), css="number"),
        Column(
            gettext_lazy("Probability"),
            "probability",
            "probability",
            cells.percent("probability"),
            css="number",
        ),
        date_column(gettext_lazy("Expected close date"), "expected_close_date"),
        Column(gettext_lazy("Status"), "status__sequence", "status", cells.status_chip()),
        scoring_column(default=False),
        tags_column(),
        *owner_columns(),
        reference_column(gettext_lazy("Source"), "source", default=False),
        date_column(gettext_lazy("Created"), "created_at", default=False),
        date_column(gettext_lazy("Closed on"), "closed_at", default=False),
        reference_column(gettext_lazy("Lost reason"), "lost_reason", default=False),
    ]

    def base_queryset(self) -> Any:
        return selectors.opportunity_list(user=self.request.user, scope=self.scope)

    def search(self, queryset: Any, text: str) -> Any:
        return search_opportunities(queryset, text)

    def row_css(self, record: Opportunity) -> str:
        return f"stage-{record.stage}"


# One opportunity ----------------------------------------------------------------------------------


def _opportunity_or_404(request: AuthenticatedRequest, pk: int) -> Opportunity:
    try:
        return selectors.opportunity_detail(user=request.user, pk=pk)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc


def _quote_or_404(request: AuthenticatedRequest, pk: int) -> Quote:
    try:
        return selectors.quote_detail(user=request.user, pk=pk)
    except Quote.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def opportunity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    context = {
        "opportunity": opportunity,
        "statuses": selectors.opportunity_statuses(),
        "settings": CrmSettings.load(),
        "links": selectors.opportunity_links(opportunity=opportunity, user=request.user),
        "quotes": selectors.opportunity_quotes(opportunity=opportunity, user=request.user),
        "activity": activity_for(opportunity),
        "counts": record_tab_counts(user=request.user, record=opportunity, tabs=["events", "activity"]),
        "scoring": scoring_widget("opportunity", opportunity),
    }
    return render(request, "opportunities/detail.html", context)


def _prefill(request: AuthenticatedRequest) -> tuple[dict[str, Any], Any]:
    """Initial values from the record the opportunity is created from; the origin lead, if any."""
    user = request.user
    initial = owner_initial(request)
    lead = None
    if request.GET.get("lead", "").isdigit():
        lead = next(iter(lead_selectors.visible_leads(user=user, pks=[int(request.GET["lead"])])), None)
    if lead is not None:
        initial.update({"name": lead.company_name or lead.full_name, "scoring": lead.scoring})
        initial["source"] = lead.source_id
        third_party = lead_selectors.visible_third_party(user=user, pk=lead.converted_third_party_id)
        contact = lead_selectors.visible_contact(user=user, pk=lead.converted_contact_id)
    else:
        third_party = lead_selectors.visible_third_party(user=user, pk=request.GET.get("third_party"))
        contact = lead_selectors.visible_contact(user=user, pk=request.GET.get("contact"))
    if contact is not None and third_party is None:
        third_party = lead_selectors.visible_third_party(user=user, pk=contact.main_third_party_id)
    if third_party is not None:
        initial["third_party"] = third_party.pk
    if contact is not None:
        initial["contact"] = contact.pk
    return initial, lead


@require_http_methods(["GET", "POST"])
def opportunity_create_view(request: AuthenticatedRequest) -> HttpResponse:
    initial, lead = _prefill(request)
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        fields = form.service_fields()
        if lead is not None:
            fields["origin_lead"] = lead
        opportunity = save_form(form, lambda: opportunity_create(user=request.user, fields=fields))
        if opportunity:
            messages.success(request, _("Opportunity %(name)s created.") % {"name": opportunity})
            return redirect(opportunity)
    return form_page(request, "opportunities/form.html", form, origin_lead=lead)


@require_http_methods(["GET", "POST"])
def opportunity_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    update = partial(opportunity_update, opportunity=opportunity, user=request.user)
    return update_page(request, form, update, "opportunities/form.html", opportunity=opportunity)


def _after_win(result: WinResult) -> HttpResponse:
    """Offer to close the prospect's other open opportunities, if it has any."""
    opportunity = result.opportunity
    if not result.other_open_opportunities:
        return redirect(opportunity)
    ids = ",".join(str(other.pk) for other in result.other_open_opportunities)
    url = reverse("opportunity_close_others", args=[opportunity.pk])
    return redirect(f"{url}?{urlencode({'ids': ids})}")


@require_POST
def opportunity_move_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A click on the status bar; the lost status first asks for the reason, the won one may offer more."""
    opportunity = _opportunity_or_404(request, pk)
    form = StatusMoveForm(request.POST, statuses=OpportunityStatus.objects.all())
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(opportunity)
    status, version = form.cleaned_data["status"], form.cleaned_data["version"]
    settings = CrmSettings.load()
    if status.pk == settings.opportunity_lost_status_id and opportunity.is_open:
        return redirect("opportunity_lose", pk=opportunity.pk)
    try:
        if status.pk == settings.opportunity_won_status_id and opportunity.is_open:
            result = opportunity_win(opportunity=opportunity, user=request.user, expected_version=version)
            messages.success(request, _("Opportunity won."))
            return _after_win(result)
        opportunity_move(opportunity=opportunity, user=request.user, status=status, expected_version=version)
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": opportunity.status})
    return redirect(opportunity)


@require_POST
def opportunity_win_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    posted_version = request.POST.get("version", "")
    version = int(posted_version) if posted_version.isdigit() else None
    try:
        result = opportunity_win(opportunity=opportunity, user=request.user, expected_version=version)
    except REFUSALS as error:
        messages.error(request, str(error))
        return redirect(opportunity)
    messages.success(request, _("Opportunity won."))
    return _after_win(result)


@require_http_methods(["GET", "POST"])
def opportunity_lose_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    form = LoseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        lost = save_form(
            form,
            lambda: opportunity_lose(
                opportunity=opportunity,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
        if lost:
            messages.success(request, _("Opportunity lost: %(reason)s.") % {"reason": lost.lost_reason})
            return redirect(lost)
    return form_page(request, "opportunities/lose.html", form, opportunity=opportunity)


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


@require_http_methods(["GET", "POST"])
def opportunity_close_others_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """After a win: close the prospect's other open opportunities as lost (those the user picks)."""
    opportunity = _opportunity_or_404(request, pk)
    choices = selectors.open_opportunities(user=request.user, pks=_ids(request.GET.get("ids", "")))
    if not choices.exists():
        return redirect(opportunity)
    form = CloseOthersForm(request.POST or None, choices=choices)
    if form.is_bound and form.is_valid():
        closed = save_form(
            form,
            lambda: opportunities_lose(
                opportunities=list(form.cleaned_data["opportunities"]),
                user=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if closed:
            count = len(closed)
            messages.success(
                request,
                ngettext(
                    "%(count)d opportunity closed as lost.", "%(count)d opportunities closed as lost.", count
                )
                % {"count": count},
            )
            return redirect(opportunity)
    return form_page(request, "opportunities/close_others.html", form, opportunity=opportunity)


# Quotes -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def quote_create_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(request, pk)
    formset = QuoteLineFormSet(request.POST or None, prefix="lines")
    refusal = ""
    if formset.is_bound and formset.is_valid():
        try:
            quote = quote_create(opportunity=opportunity, user=request.user, lines=formset.line_inputs())
        except WorkflowRefused as error:
            refusal = str(error)
        else:
            messages.success(request, _("Quote %(reference)s created.") % {"reference": quote.reference})
            return redirect(quote)
    context = {"formset": formset, "opportunity": opportunity, "refusal": refusal}
    status = 400 if formset.is_bound else 200
    return render(request, "opportunities/quote_form.html", context, status=status)


@require_GET
def quote_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    context = {
        "quote": quote,
        "opportunity": selectors.visible_opportunity(user=request.user, pk=quote.opportunity_id),
        "third_party": lead_selectors.visible_third_party(user=request.user, pk=quote.third_party_id),
        "activity": activity_for(quote),
    }
    return render(request, "opportunities/quote_detail.html", context)


@require_POST
def quote_send_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        quote_send(quote=quote, user=request.user)
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Quote sent."))
    return redirect(quote)


@require_POST
def quote_refuse_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        quote_refuse(quote=quote, user=request.user)
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Quote refused."))
    return redirect(quote)


@require_POST
def quote_confirm_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        quote, result = quote_confirm(quote=quote, user=request.user)
    except REFUSALS as error:
        messages.error(request, str(error))
        return redirect(quote)
    if result is None:
        messages.success(request, _("Quote confirmed: it is now a sales order."))
        return redirect(quote)
    messages.success(request, _("Quote confirmed: the opportunity is won."))
    if result.other_open_opportunities:
        return _after_win(result)
    return redirect(quote)
