"""Form widgets: lookups for fields that point into large tables, the "+" of reference data."""

import copy
from typing import Any

from django import forms
from django.urls import reverse

from crm.reference_kinds import reference_kind


class LookupSelect(forms.Select):
    """A select that renders only its current value; the rest comes from a search endpoint.

    Rendering every option of a 300,000-row table would make each form page slow, so the
    options are fetched as the user types (static/js/lookup.js).
    """

    template_name = "widgets/lookup_select.html"

    def __init__(self, lookup_url_name: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.lookup_url_name = lookup_url_name

    def optgroups(self, name, value, attrs=None):
        selected = [v for v in value if v not in ("", None)]
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "---------", not selected, 0))
        if selected:
            queryset = self.choices.queryset.filter(pk__in=selected)  # type: ignore[attr-defined]
            for index, record in enumerate(queryset, start=1):
                options.append(self.create_option(name, record.pk, str(record), True, index))
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["lookup_url"] = reverse(self.lookup_url_name)
        return context


class LookupSelectMultiple(LookupSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False


class QuickCreateWidget(forms.Widget):
    """A field's own widget followed by a "+" that adds an entry to its list of reference data in a
    dialog (static/js/quick_create.js). The button is hidden until that script runs: without
    JavaScript the form works as before."""

    template_name = "widgets/quick_create.html"

    def __init__(self, widget: forms.Widget, *, kind: str) -> None:
        super().__init__()
        self.widget = widget
        self.attrs = widget.attrs  # one dict: attributes set on the field's widget reach the real one
        self.kind = kind
        self.needs_multipart_form = widget.needs_multipart_form
        self.is_required = widget.is_required

    def __deepcopy__(self, memo: dict) -> "QuickCreateWidget":
        clone = copy.copy(self)
        clone.widget = copy.deepcopy(self.widget, memo)
        clone.attrs = clone.widget.attrs
        memo[id(self)] = clone
        return clone

    @property
    def is_hidden(self) -> bool:  # type: ignore[override]
        return self.widget.is_hidden

    @property
    def media(self) -> forms.Media:  # type: ignore[override]
        return self.widget.media

    @property
    def choices(self) -> Any:
        return self.widget.choices  # type: ignore[attr-defined]

    @choices.setter
    def choices(self, value: Any) -> None:
        self.widget.choices = value  # type: ignore[attr-defined]

    @property
    def use_fieldset(self) -> bool:  # type: ignore[override]
        return self.widget.use_fieldset

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        return {
            "rendered_widget": self.widget.render(name, value, attrs),
            "name": name,
            "new_label": reference_kind(self.kind).new_label,
            "url": reverse("reference_create", args=[self.kind]),
        }

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return self.widget.value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return self.widget.value_omitted_from_data(data, files, name)

    def use_required_attribute(self, initial: Any) -> bool:
        return self.widget.use_required_attribute(initial)

    def id_for_label(self, id_: str) -> str:
        return self.widget.id_for_label(id_)
