"""Configuration screens for admins: the three status lists and the CRM settings (SPEC §3)."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.models import CrmSettings, StatusBase
from crm.models.reference import colour_validator
from crm.services.statuses import (
    SETTINGS_FLAGS,
    STATUS_MODELS,
    STATUS_SLOTS,
    can_configure,
    crm_settings_update,
    setting_label,
    status_archive,
    status_create,
    status_restore,
    status_slots,
    status_update,
    statuses_reorder,
)
from crm.workflow import WorkflowRefused

from .http import AuthenticatedRequest

View = Callable[..., HttpResponse]
DEFAULT_COLOUR = "#5b8def"


def admin_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_configure(request.user):
            raise PermissionDenied(_("Only administrators can change the CRM configuration."))
        return view(request, *args, **kwargs)

    return wrapper


def _status_model(kind: str) -> type[StatusBase]:
    try:
        return STATUS_MODELS[kind]
    except KeyError:
        raise Http404 from None


def _list_title(model: type[StatusBase]) -> str:
    return str(capfirst(model._meta.verbose_name_plural))


def _prospect_statuses_off(kind: str) -> bool:
    return kind == "prospect" and not CrmSettings.load().manage_prospect_statuses


class StatusForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (French)"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=80, required=False)
    colour = forms.CharField(
        label=gettext_lazy("Colour"),
        max_length=7,
        validators=[colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    is_open = forms.BooleanField(label=gettext_lazy("Open"), required=False)

    def __init__(self, *args: Any, html_form: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if html_form:
            # Table rows cannot hold a <form>: the inputs point to theirs with the form attribute,
            # and the column header is their only visible label.
            for field in self.fields.values():
                field.widget.attrs.update({"form": html_form, "aria-label": field.label})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal beside the fields it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _row_form(status: StatusBase, data: Any = None) -> StatusForm:
    initial = {name: getattr(status, name) for name in ("name", "name_en", "colour", "is_open")}
    return StatusForm(
        data, initial=initial, prefix=f"status-{status.pk}", html_form=f"status-form-{status.pk}"
    )


@dataclass
class StatusRow:
    status: StatusBase
    form: StatusForm
    meanings: list[str]


def _status_list_page(
    request: AuthenticatedRequest,
    kind: str,
    *,
    create_form: StatusForm | None = None,
    bound_row: StatusForm | None = None,
    bound_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    model = _status_model(kind)
    settings = CrmSettings.load()
    rows = [
        StatusRow(
            status=item,
            form=bound_row if bound_row is not None and item.pk == bound_pk else _row_form(item),
            meanings=[capfirst(slot.label) for slot in status_slots(item, settings=settings)],
        )
        for item in model._default_manager.order_by("sequence", "pk")
    ]
    context = {
        "kind": kind,
        "title": _list_title(model),
        "active_rows": [row for row in rows if not row.status.archived],
        "archived_rows": [row for row in rows if row.status.archived],
        "create_form": create_form
        or StatusForm(prefix="new", initial={"is_open": True, "colour": DEFAULT_COLOUR}),
    }
    return render(request, "crm/configuration/status_list.html", context, status=status)


@require_GET
@admin_required
def configuration_home(request: AuthenticatedRequest) -> HttpResponse:
    settings = CrmSettings.load()
    lists = [
        (kind, _list_title(model))
        for kind, model in STATUS_MODELS.items()
        if kind != "prospect" or settings.manage_prospect_statuses
    ]
    context = {"status_lists": lists, "settings": settings}
    return render(request, "crm/configuration/home.html", context)


@require_GET
@admin_required
def status_list(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    _status_model(kind)
    if _prospect_statuses_off(kind):
        return render(request, "crm/configuration/prospect_statuses_off.html")
    return _status_list_page(request, kind)


def _refuse_prospect_statuses_off(request: AuthenticatedRequest, kind: str) -> HttpResponse | None:
    if not _prospect_statuses_off(kind):
        return None
    messages.error(request, _("Prospect statuses are not enabled in the CRM settings."))
    return redirect("status_list", kind=kind)


@require_POST
@admin_required
def status_create_view(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    model = _status_model(kind)
    refused = _refuse_prospect_statuses_off(request, kind)
    if refused:
        return refused
    form = StatusForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            created = status_create(model=model, user=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status %(status)s added.") % {"status": created.label})
            return redirect("status_list", kind=kind)
    return _status_list_page(request, kind, create_form=form, status=400)


@require_POST
@admin_required
def status_update_view(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(_status_model(kind), pk=pk)
    refused = _refuse_prospect_statuses_off(request, kind)
    if refused:
        return refused
    form = _row_form(item, request.POST)
    if form.is_valid():
        try:
            saved = status_update(status=item, user=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status %(status)s saved.") % {"status": saved.label})
            return redirect("status_list", kind=kind)
    return _status_list_page(request, kind, bound_row=form, bound_pk=item.pk, status=400)


@require_POST
@admin_required
def status_archive_view(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    return _archive_or_restore(request, kind, pk, archive=True)


@require_POST
@admin_required
def status_restore_view(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    return _archive_or_restore(request, kind, pk, archive=False)


def _archive_or_restore(request: AuthenticatedRequest, kind: str, pk: int, *, archive: bool) -> HttpResponse:
    item = get_object_or_404(_status_model(kind), pk=pk)
    refused = _refuse_prospect_statuses_off(request, kind)
    if refused:
        return refused
    try:
        if archive:
            status_archive(status=item, user=request.user)
            messages.success(request, _("Status %(status)s archived.") % {"status": item.label})
        else:
            status_restore(status=item, user=request.user)
            messages.success(request, _("Status %(status)s restored.") % {"status": item.label})
    except WorkflowRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("status_list", kind=kind)


@require_POST
def statuses_reorder_view(request: AuthenticatedRequest, kind: str) -> JsonResponse:
    """The drag-and-drop endpoint: JSON {"ids": [...]} in, JSON out; refusals are 400 with "error"."""
    model = _status_model(kind)
    if not can_configure(request.user):
        return JsonResponse({"error": _("Only administrators can change the CRM configuration.")}, status=403)
    if _prospect_statuses_off(kind):
        return JsonResponse(
            {"error": _("Prospect statuses are not enabled in the CRM settings.")}, status=400
        )
    ordered_ids = _ordered_ids(request.body)
    if ordered_ids is None:
        return JsonResponse({"error": _("The new order could not be read.")}, status=400)
    try:
        statuses = statuses_reorder(model=model, user=request.user, ordered_ids=ordered_ids)
    except WorkflowRefused as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    return JsonResponse({"ids": [item.pk for item in statuses]})


def _ordered_ids(body: bytes) -> list[int] | None:
    try:
        ids = json.loads(body).get("ids")
    except (ValueError, AttributeError):
        return None
    if not isinstance(ids, list) or not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in ids):
        return None
    return ids


class StatusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.is_open:
            return _("%(status)s (open)") % {"status": obj.label}
        return _("%(status)s (closed)") % {"status": obj.label}


class CrmSettingsForm(forms.Form):
    """The status mapping (one select per meaning) and the feature flags; the service checks them."""

    def __init__(self, data: Any = None, *, settings: CrmSettings) -> None:
        initial = {slot.field: getattr(settings, f"{slot.field}_id") for slot in STATUS_SLOTS}
        initial.update({flag: getattr(settings, flag) for flag in SETTINGS_FLAGS})
        super().__init__(data, initial=initial)
        for slot in STATUS_SLOTS:
            self.fields[slot.field] = StatusChoiceField(
                label=capfirst(setting_label(slot.field)),
                queryset=slot.model._default_manager.filter(archived=False),
            )
        for flag in SETTINGS_FLAGS:
            self.fields[flag] = forms.BooleanField(label=capfirst(setting_label(flag)), required=False)

    def field_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        slot_groups = [
            (_list_title(model), [self[slot.field] for slot in STATUS_SLOTS if slot.model is model])
            for model in STATUS_MODELS.values()
        ]
        return [*slot_groups, (_("Features"), [self[flag] for flag in SETTINGS_FLAGS])]


@require_http_methods(["GET", "POST"])
@admin_required
def crm_settings(request: AuthenticatedRequest) -> HttpResponse:
    form = CrmSettingsForm(request.POST or None, settings=CrmSettings.load())
    if form.is_bound and form.is_valid():
        try:
            crm_settings_update(user=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("CRM settings saved."))
            return redirect("crm_settings")
    status = 400 if form.is_bound else 200
    return render(request, "crm/configuration/crm_settings.html", {"form": form}, status=status)
