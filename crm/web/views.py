from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import selectors
from crm.duplicates import duplicate_key
from crm.filters import (
    THIRD_PARTY_TYPES,
    ContactFilterSet,
    ThirdPartyFilterSet,
    search_contacts,
    search_third_parties,
)
from crm.forms import AddressForm, ContactForm, ThirdPartyForm
from crm.models import Address, Contact, CrmSettings, ProspectStatus, ThirdParty, User
from crm.services.parties import (
    address_delete,
    address_save,
    contact_create,
    contact_update,
    third_party_create,
    third_party_move_prospect_status,
    third_party_update,
)
from crm.services.records import ConcurrentUpdateError
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused
from opportunities.selectors import contact_opportunities, third_party_opportunities

from . import cells
from .bulk import BulkActions
from .http import AuthenticatedRequest
from .kanban import ProspectBoard
from .lists import (
    Column,
    RecordListView,
    RowActions,
    date_column,
    owner_columns,
    reach_columns,
    reference_column,
    scoring_column,
    tags_column,
)
from .pages import form_page, save_form, update_page
from .scoring import scoring_widget


def home(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("third_party_list")


class ThirdPartyListView(RecordListView):
    filterset_class = ThirdPartyFilterSet
    list_key = "third_parties"
    card_template = "crm/third_parties/_card.html"
    card_related = ("assigned_user", "industry_sector")
    card_prefetch = ("tags",)
    create_url_name = "third_party_create"
    default_sort = "name"
    row_actions = RowActions(event_kind="third_party")
    bulk_actions = BulkActions(model=ThirdParty, board=ProspectBoard)
    columns = [
        Column(gettext_lazy("Reference"), "reference", "reference", cells.text("reference")),
        Column(gettext_lazy("Name"), "name", "name", cells.key_account_link(str), hideable=False),
        Column(gettext_lazy("Type"), "", "type", cells.comma_list("type_labels")),
        *reach_columns(),
        Column(gettext_lazy("Website"), "", "website", cells.text("website"), default=False),
        Column(gettext_lazy("SIRET"), "siret", "siret", cells.text("siret"), default=False),
        reference_column(gettext_lazy("Industry sector"), "industry_sector", default=False),
        reference_column(gettext_lazy("Category"), "category", default=False),
        scoring_column(default=False),
        tags_column(default=False),
        *owner_columns(team_default=True),
        date_column(gettext_lazy("Created"), "created_at", default=False),
        date_column(gettext_lazy("Updated"), "updated_at"),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.third_party_list(user=self.request.user)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_third_parties(queryset, text)

    def kanban_url(self) -> str:
        if self.request.GET.get("type") != "prospect" or not CrmSettings.load().manage_prospect_statuses:
            return ""
        return reverse("prospect_kanban")

    @property
    def title(self) -> Any:  # type: ignore[override]
        return dict(THIRD_PARTY_TYPES).get(self.request.GET.get("type", ""), gettext_lazy("Third parties"))


class ContactListView(RecordListView):
    filterset_class = ContactFilterSet
    list_key = "contacts"
    card_template = "crm/contacts/_card.html"
    card_related = ("main_third_party", "function", "assigned_user")
    card_prefetch = ("tags",)
    create_url_name = "contact_create"
    default_sort = "last_name"
    title = gettext_lazy("Contacts")
    row_actions = RowActions(event_kind="contact", email_kind="contact")
    bulk_actions = BulkActions(model=Contact)
    columns = [
        Column(gettext_lazy("Name"), "last_name", "name", cells.link(cells.upper_name), hideable=False),
        Column(
            gettext_lazy("Third party"),
            "main_third_party__name",
            "main_third_party",
            cells.related_link("main_third_party"),
        ),
        reference_column(gettext_lazy("Function"), "function"),
        reference_column(gettext_lazy("Department"), "department", default=False),
        reference_column(gettext_lazy("Role"), "role", default=False),
        *reach_columns(),
        tags_column(default=False),
        *owner_columns(),
        date_column(gettext_lazy("Created"), "created_at", default=False),
        date_column(gettext_lazy("Updated"), "updated_at"),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.contact_list(user=self.request.user)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_contacts(queryset, text)


def _get_or_404(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except (ThirdParty.DoesNotExist, Contact.DoesNotExist) as exc:
        raise Http404 from exc


@require_GET
def third_party_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    third_party = _get_or_404(selectors.third_party_detail, user=request.user, pk=pk)
    context = {
        "third_party": third_party,
        "addresses": third_party.addresses.all(),
        "contacts": selectors.third_party_contacts(third_party=third_party, user=request.user),
        "subsidiaries": selectors.third_party_subsidiaries(third_party=third_party, user=request.user),
        "opportunities": third_party_opportunities(third_party=third_party, user=request.user),
        "activity": selectors.activity_for(third_party),
        "counts": selectors.record_tab_counts(
            user=request.user, record=third_party, tabs=["events", "activity"]
        ),
        "prospect_status_bar": _prospect_status_bar(third_party),
        "scoring": scoring_widget("third_party", third_party),
    }
    return render(request, "crm/third_parties/detail.html", context)


def _prospect_status_bar(third_party: ThirdParty) -> dict[str, Any] | None:
    """The status bar's context when prospect statuses are managed and apply to this third party."""
    settings = CrmSettings.load()
    if not settings.manage_prospect_statuses:
        return None
    if not (third_party.is_prospect or third_party.prospect_status_id):
        return None
    current = third_party.prospect_status_id or settings.prospect_new_status_id
    # An archived status is no longer offered, but the record that has it still shows it.
    statuses = ProspectStatus.objects.filter(Q(archived=False) | Q(pk=current))
    return {
        "statuses": list(statuses),
        "current": current,
        "disabled": not third_party.is_prospect,
    }


@require_POST
def third_party_prospect_status_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    third_party = _get_or_404(selectors.third_party_detail, user=request.user, pk=pk)
    status_pk = _int_or_none(request.POST.get("status"))
    status = ProspectStatus.objects.filter(pk=status_pk).first() if status_pk else None
    if status is None:
        messages.error(request, _("Choose a status."))
        return redirect(third_party)
    was_prospect = third_party.is_prospect
    try:
        third_party_move_prospect_status(
            third_party=third_party,
            user=request.user,
            status=status,
            expected_version=_int_or_none(request.POST.get("version")),
        )
    except (WorkflowRefused, ConcurrentUpdateError) as refusal:
        messages.error(request, str(refusal))
        return redirect(third_party)
    messages.success(request, _("Status changed to %(status)s.") % {"status": status.label})
    if was_prospect and third_party.is_customer and not third_party.is_prospect:
        messages.success(request, _("The prospect is won: it is now a customer."))
    return redirect(third_party)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
def contact_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = _get_or_404(selectors.contact_detail, user=request.user, pk=pk)
    context = {
        "contact": contact,
        "third_parties": selectors.contact_third_parties(contact=contact, user=request.user),
        "related_contacts": selectors.related_contacts(contact=contact, user=request.user),
        "opportunities": contact_opportunities(contact=contact, user=request.user),
        "activity": selectors.activity_for(contact),
        "counts": selectors.record_tab_counts(
            user=request.user, record=contact, tabs=["events", "emails", "activity"]
        ),
    }
    return render(request, "crm/contacts/detail.html", context)


@require_http_methods(["GET", "POST"])
def third_party_create_view(request: AuthenticatedRequest) -> HttpResponse:
    initial = {flag: True for flag in ("is_prospect",) if not request.GET.get("type")}
    if request.GET.get("type") in dict(THIRD_PARTY_TYPES):
        initial = {f"is_{request.GET['type']}": True}
    form = ThirdPartyForm(request.POST or None, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        third_party = save_form(
            form, lambda: third_party_create(user=request.user, fields=form.service_fields())
        )
        if third_party:
            messages.success(request, _("Third party %(name)s created.") % {"name": third_party.name})
            return redirect(third_party)
    return form_page(request, "crm/third_parties/form.html", form)


@require_http_methods(["GET", "POST"])
def third_party_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    third_party = _get_or_404(selectors.third_party_detail, user=request.user, pk=pk)
    form = ThirdPartyForm(request.POST or None, instance=third_party, user=request.user)
    update = partial(third_party_update, third_party=third_party, user=request.user)
    return update_page(request, form, update, "crm/third_parties/form.html", third_party=third_party)


@require_http_methods(["GET", "POST"])
def contact_create_view(request: AuthenticatedRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("third_party"):
        third_party = visible_records(ThirdParty.objects.all(), user=request.user).filter(
            pk=request.GET["third_party"]
        )
        initial = {"main_third_party": third_party.first()}
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        contact = save_form(form, lambda: contact_create(user=request.user, fields=form.service_fields()))
        if contact:
            messages.success(request, _("Contact %(name)s created.") % {"name": contact})
            if _has_namesake(contact, user=request.user):
                messages.warning(request, _("There is already a contact with this name."))
            return redirect(contact)
    return form_page(request, "crm/contacts/form.html", form)


def _has_namesake(contact: Contact, *, user: User) -> bool:
    """Another visible contact with the same name, ignoring case, accents and spaces (SPEC §3.3)."""
    namesakes = Contact.objects.filter(
        last_name_key=duplicate_key(contact.last_name), first_name_key=duplicate_key(contact.first_name)
    ).exclude(pk=contact.pk)
    return visible_records(namesakes, user=user).exists()


@require_http_methods(["GET", "POST"])
def contact_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = _get_or_404(selectors.contact_detail, user=request.user, pk=pk)
    form = ContactForm(request.POST or None, instance=contact, user=request.user)
    update = partial(contact_update, contact=contact, user=request.user)
    return update_page(request, form, update, "crm/contacts/form.html", contact=contact)


@require_http_methods(["GET", "POST"])
def address_edit_view(
    request: AuthenticatedRequest, third_party_pk: int, pk: int | None = None
) -> HttpResponse:
    third_party = _get_or_404(selectors.third_party_detail, user=request.user, pk=third_party_pk)
    address = (
        get_object_or_404(Address, pk=pk, third_party=third_party) if pk else Address(third_party=third_party)
    )
    form = AddressForm(request.POST or None, instance=address)
    if form.is_bound and form.is_valid():
        address_save(address=form.save(commit=False), user=request.user)
        messages.success(request, _("Address saved."))
        return redirect(third_party)
    status = 400 if form.is_bound else 200
    context = {"form": form, "third_party": third_party, "address": address}
    return render(request, "crm/third_parties/address_form.html", context, status=status)


@require_POST
def address_delete_view(request: AuthenticatedRequest, third_party_pk: int, pk: int) -> HttpResponse:
    third_party = _get_or_404(selectors.third_party_detail, user=request.user, pk=third_party_pk)
    address = get_object_or_404(Address, pk=pk, third_party=third_party)
    address_delete(address=address, user=request.user)
    messages.success(request, _("Address removed."))
    return redirect(third_party)


@require_GET
def third_party_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Options for LookupSelect widgets: the first visible third parties matching the typed text."""
    queryset = search_third_parties(
        visible_records(ThirdParty.objects.all(), user=request.user),
        request.GET.get("q", ""),
    )
    options = format_html_join(
        "\n",
        '<option value="{}">{}</option>',
        ((tp.pk, f"{tp.name} ({tp.reference})") for tp in queryset[:20]),
    )
    return HttpResponse(options)
