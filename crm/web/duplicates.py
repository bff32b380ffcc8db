"""Check duplicates and merge them, for leads, contacts and third parties: thin views over
crm.duplicates (read) and crm.services.merge (write)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from crm.duplicates import DuplicateGroup, duplicate_fields, duplicate_groups
from crm.models import Contact, OwnedRecord, ThirdParty
from crm.services.merge import contacts_merge, leads_merge, third_parties_merge
from crm.visibility import visible_records
from crm.workflow import WorkflowRefused
from leads.models import Lead

from .http import AuthenticatedRequest

GROUPS_PER_PAGE = 20


@dataclass(frozen=True)
class Entity:
    model: type[OwnedRecord]
    title: Any
    columns: tuple[str, ...]  # the main fields shown for each record
    related: tuple[str, ...]  # select_related for those columns
    merge: Callable[..., Any]


ENTITIES = {
    "leads": Entity(
        Lead,
        gettext_lazy("Leads"),
        (
            "company_name",
            "last_name",
            "first_name",
            "email",
            "phone",
            "city",
            "status",
            "assigned_user",
            "created_at",
        ),
        ("status", "assigned_user"),
        leads_merge,
    ),
    "contacts": Entity(
        Contact,
        gettext_lazy("Contacts"),
        (
            "last_name",
            "first_name",
            "email",
            "phone",
            "main_third_party",
            "city",
            "assigned_user",
            "created_at",
        ),
        ("main_third_party", "assigned_user"),
        contacts_merge,
    ),
    "third-parties": Entity(
        ThirdParty,
        gettext_lazy("Third parties"),
        ("reference", "name", "siret", "email", "phone", "assigned_user", "created_at"),
        ("assigned_user",),
        third_parties_merge,
    ),
}


class CompareForm(forms.Form):
    compare = forms.MultipleChoiceField(label=gettext_lazy("Compare on"), widget=forms.CheckboxSelectMultiple)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, model: type[OwnedRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compare"].choices = [(field.name, field.label) for field in duplicate_fields(model)]  # type: ignore[attr-defined]


def _entity_or_404(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise Http404 from None


def _labels(entity: Entity) -> list[Any]:
    return [capfirst(entity.model._meta.get_field(name).verbose_name) for name in entity.columns]  # type: ignore[union-attr]


def _display(record: OwnedRecord, name: str) -> Any:
    field: Any = record._meta.get_field(name)
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    value = getattr(record, name)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else value


def _row(entity: Entity, record: OwnedRecord) -> dict[str, Any]:
    return {"record": record, "values": [_display(record, name) for name in entity.columns]}


@require_GET
def duplicates_check(request: AuthenticatedRequest, entity: str) -> HttpResponse:
    spec = _entity_or_404(entity)
    form = CompareForm(request.GET or None, model=spec.model)
    page = None
    if form.is_bound and form.is_valid():
        page = duplicate_groups(
            model=spec.model,
            user=request.user,
            fields=form.cleaned_data["compare"],
            limit=GROUPS_PER_PAGE,
            page=form.cleaned_data["page"] or 1,
            related=spec.related,
        )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "entity": entity,
        "title": spec.title,
        "form": form,
        "labels": _labels(spec),
        "page": page,
        # A group emptied by someone else's merge since the first query is left out.
        "groups": [
            _group(spec, group, form.cleaned_data["compare"])
            for group in (page.groups if page else [])
            if group.members
        ],
        "page_query": params.urlencode(),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "crm/duplicates/check.html", context, status=status)


def _group(entity: Entity, group: DuplicateGroup, compared: list[str]) -> dict[str, Any]:
    first = group.members[0]
    return {
        "shared": " · ".join(str(getattr(first, name)).strip() for name in compared),
        "size": group.size,
        "hidden_count": group.hidden_count,
        "rows": [_row(entity, record) for record in group.members],
    }


def _selected_ids(values: list[str]) -> list[int]:
    try:
        return list(dict.fromkeys(int(value) for value in values))
    except ValueError:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def duplicates_merge(request: AuthenticatedRequest, entity: str) -> HttpResponse:
    spec = _entity_or_404(entity)
    data = request.POST if request.method == "POST" else request.GET
    ids = _selected_ids(data.getlist("ids"))
    found = visible_records(spec.model._default_manager.filter(pk__in=ids), user=request.user)
    by_pk = {record.pk: record for record in found.select_related(*spec.related)}
    if len(by_pk) != len(ids):
        raise Http404
    records = [by_pk[pk] for pk in ids]
    chosen = data.get("original", "")
    original = by_pk.get(int(chosen)) if chosen.isdigit() else None

    def page(error: str = "") -> HttpResponse:
        if error:
            messages.error(request, error)
        context = {
            "entity": entity,
            "title": spec.title,
            "records": records,
            "original": original or (records[0] if records else None),
            "rows": [
                {"label": label, "values": [_display(record, name) for record in records]}
                for label, name in zip(_labels(spec), spec.columns, strict=True)
            ],
        }
        return render(request, "crm/duplicates/merge.html", context, status=400 if error else 200)

    if len(records) < 2:
        return page(_("Select at least two records to merge."))
    if request.method == "GET":
        return page()
    if original is None:
        return page(_("Choose the original record among the selected ones."))
    duplicates = [record for record in records if record.pk != original.pk]
    try:
        merged = spec.merge(original=original, duplicates=duplicates, user=request.user)
    except WorkflowRefused as refusal:
        return page(str(refusal))
    messages.success(
        request,
        ngettext(
            "%(count)d record merged into %(name)s.",
            "%(count)d records merged into %(name)s.",
            len(duplicates),
        )
        % {"count": len(duplicates), "name": merged},
    )
    return redirect(merged)
