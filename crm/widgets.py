"""Form widgets for fields that point into large tables."""

from django import forms
from django.urls import reverse


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
