from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crm.forms import QuickCreateMixin, RecordForm
from crm.models import Contact, LostReason, ThirdParty, User
from crm.visibility import visible_records
from crm.widgets import LookupSelect
from leads.forms import limit_company_choices
from opportunities.models import Opportunity
from opportunities.services.quotes import LineInput


class OpportunityForm(RecordForm):
    quick_create = {"source": "sources", "tags": "tags"}

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "third_party",
            "contact",
            "scoring",
            "probability",
            "amount",
            "best_case",
            "worst_case",
            "currency",
            "expected_close_date",
            "source",
            "tags",
            "assigned_user",
            "team",
            "company",
            "description",
        ]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "third_party": LookupSelect("third_party_lookup"),
            "contact": LookupSelect("contact_lookup"),
            "expected_close_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["third_party"].queryset = visible_records(ThirdParty.objects.all(), user=user)  # type: ignore[attr-defined]
        self.fields["contact"].queryset = visible_records(Contact.objects.all(), user=user)  # type: ignore[attr-defined]
        for name in ("amount", "best_case", "worst_case"):
            self.fields[name].widget.attrs.update({"step": "0.01", "inputmode": "decimal"})
        limit_company_choices(self, user=user, current=self.instance.company if self.instance.pk else None)


class CloseOthersForm(QuickCreateMixin, forms.Form):
    """After a win: the prospect's other open opportunities to close as lost."""

    quick_create = {"reason": "lost-reasons"}

    opportunities = forms.ModelMultipleChoiceField(
        label=_("Opportunities to close as lost"),
        queryset=Opportunity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.filter(active=True))

    def __init__(self, *args: Any, choices: QuerySet[Opportunity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["opportunities"]
        field.queryset = choices
        field.label_from_instance = lambda opportunity: f"{opportunity.name} · {opportunity.status.label}"
        self.fields["opportunities"].initial = [opportunity.pk for opportunity in choices]
        self.offer_quick_create(user=None)  # every role may add lost reasons


class QuoteLineForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=Decimal("0"), initial=Decimal("1")
    )
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label
        self.fields["quantity"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["unit_price"].widget.attrs.update({"step": "0.01", "inputmode": "decimal"})


class BaseQuoteLineFormSet(forms.BaseFormSet):
    def line_inputs(self) -> list[LineInput]:
        return [
            LineInput(
                label=form.cleaned_data["label"],
                quantity=form.cleaned_data["quantity"],
                unit_price=form.cleaned_data["unit_price"],
            )
            for form in self.forms
            if form.cleaned_data
        ]


QuoteLineFormSet = cast(
    type[BaseQuoteLineFormSet],
    forms.formset_factory(
        QuoteLineForm,
        formset=BaseQuoteLineFormSet,
        extra=3,
        min_num=1,
        validate_min=True,
        max_num=100,
        validate_max=True,
    ),
)
