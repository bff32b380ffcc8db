"""The "+" dialog of reference-data fields: the form of a new entry, and its creation (SPEC §2.1)."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from crm.reference_kinds import ReferenceKind, UnknownReferenceKind, reference_kind
from crm.services.reference import reference_create

from .http import AuthenticatedRequest
from .pages import form_page, save_form

CREATED_EVENT = "referenceCreated"  # listened to by static/js/quick_create.js


class ReferenceForm(forms.ModelForm):
    class Meta:
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def validate_unique(self) -> None:
        """Left to the service, which also refuses a name that differs only by its case."""


def reference_form(reference: ReferenceKind, data: Any = None) -> forms.ModelForm:
    form_class = forms.modelform_factory(reference.model, form=ReferenceForm, fields=reference.fields)
    # Prefixed: the dialog opens over a form whose ids must stay unique ("id_name" of a third party).
    return form_class(data, prefix="reference")


@require_http_methods(["GET", "POST"])
def reference_create_view(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    try:
        reference = reference_kind(kind)
    except UnknownReferenceKind as exc:
        raise Http404 from exc
    if not reference.may_create(request.user):
        raise PermissionDenied
    form = reference_form(reference, request.POST or None)
    if form.is_bound and form.is_valid():
        entry = save_form(
            form, lambda: reference_create(kind=kind, fields=form.cleaned_data, user=request.user)
        )
        if entry:
            return _created(reference, entry)
    return form_page(request, "crm/reference/_dialog.html", form, new_label=reference.new_label, kind=kind)


def _created(reference: ReferenceKind, entry: Model) -> HttpResponse:
    """No content: the script adds the entry to the field's choices, selected, and closes the dialog."""
    response = HttpResponse(status=204)
    return trigger_client_event(
        response, CREATED_EVENT, {"id": entry.pk, "label": reference.choice_label(entry)}
    )
