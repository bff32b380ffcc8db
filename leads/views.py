"""Lead pages: lists, form, detail with the status bar and actions, lose dialog, conversion wizard."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.models import CrmSettings
from crm.selectors import activity_for
from crm.services.records import ConcurrentUpdateError
from crm.web.http import AuthenticatedRequest
from crm.web.lists import Column, ScopedListView
from crm.workflow import WorkflowRefused
from leads import selectors
from leads.filters import LeadFilterSet, search_leads
from leads.forms import LeadConvertForm, LeadForm, LoseForm, StatusMoveForm
from leads.models import Lead, LeadStatus
from leads.selectors import LeadScope
from leads.services import lead_create, lead_lose, lead_move, lead_reopen, lead_update, leads_take_charge
from leads.services.conversion import lead_convert

REFUSALS = (WorkflowRefused, ConcurrentUpdateError)


# Shared by the opportunity pages -----------------------------------------------------------------


def redirect_back(request: AuthenticatedRequest, default: str) -> HttpResponse:
    """Back to the page the form was posted from (a `next` field on this site), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def save_form(form: forms.BaseForm, save: Callable[[], Any]) -> Any:
    """Run a service for a valid form; put its refusal on the form and return None when it refuses."""
    try:
        return save()
    except REFUSALS as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


def form_page(
    request: AuthenticatedRequest, template: str, form: forms.BaseForm, **context: Any
) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=400 if form.is_bound else 200)


def owner_initial(request: AuthenticatedRequest) -> dict[str, Any]:
    user = request.user
    return {
        "assigned_user": user.pk,
        "team": user.team_ids[0] if user.team_ids else None,
        "company": user.active_company_id,
    }


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
    template_name = "leads/lead_list.html"
    filterset_class = LeadFilterSet
    row_template = "leads/_lead_row.html"
    create_url_name = "lead_create"
    default_sort = "-created_at"
    scope = LeadScope.ALL
    columns = [
        Column(""),
        Column(gettext_lazy("Name"), "last_name"),
        Column(gettext_lazy("Company"), "company_name"),
        Column(gettext_lazy("Phone")),
        Column(gettext_lazy("City"), "city"),
        Column(gettext_lazy("Created"), "created_at"),
        Column(gettext_lazy("Assigned to"), "assigned_user__username"),
        Column(gettext_lazy("Status"), "status__sequence"),
        Column(gettext_lazy("Scoring"), "scoring"),
        Column(""),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.lead_list(user=self.request.user, scope=self.scope)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_leads(queryset, text)


@require_POST
def leads_take_charge_view(request: AuthenticatedRequest) -> HttpResponse:
    """The list's bulk action "Assign to me": all the selected leads, or none if one is not visible."""
    default = redirect_back(request, "lead_list")
    raw = request.POST.getlist("ids")
    pks = {int(value) for value in raw if value.isdigit()}
    if not pks:
        messages.warning(request, _("Select at least one lead."))
        return default
    leads = selectors.visible_leads(user=request.user, pks=sorted(pks))
    if len(leads) != len(pks) or len(pks) != len(set(raw)):
        messages.error(request, _("Some of these leads are not visible to you: nothing was changed."))
        return default
    try:
        count = leads_take_charge(leads=leads, user=request.user)
    except WorkflowRefused as error:
        messages.error(request, str(error))
        return default
    if not count:
        messages.info(request, _("These leads were already assigned to you."))
        return default
    messages.success(
        request,
        ngettext("%(count)d lead assigned to you.", "%(count)d leads assigned to you.", count)
        % {"count": count},
    )
    return default


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
    if form.is_bound and form.is_valid():
        saved = save_form(
            form,
            lambda: lead_update(
                lead=lead,
                user=request.user,
                fields=form.service_fields(),
                expected_version=form.cleaned_data.get("version"),
            ),
        )
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect(saved)
    return form_page(request, "leads/form.html", form, lead=lead)


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
