from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.forms import QuickCreateMixin, RecordForm
from crm.models import (
    TYPE_FLAGS,
    Company,
    Contact,
    CrmSettings,
    LostReason,
    ProspectStatus,
    ThirdParty,
    User,
)
from crm.visibility import visible_records
from crm.widgets import LookupSelect
from leads.models import Lead, LeadStatus
from leads.services.conversion import ContactMode, ConversionRequest


def limit_company_choices(form: forms.BaseForm, *, user: User, current: Company | None) -> None:
    """A record's company: one of the user's companies (or the record's current one); any for admins."""
    if "company" not in form.fields or user.is_superuser:
        return
    allowed = Company.objects.filter(pk__in=user.company_ids)
    if current is not None:
        allowed = allowed | Company.objects.filter(pk=current.pk)
    form.fields["company"].queryset = allowed.distinct()  # type: ignore[attr-defined]


class LeadForm(RecordForm):
    quick_create = {
        "function": "functions",
        "department": "departments",
        "industry_sector": "industry-sectors",
        "source": "sources",
        "category": "third-party-categories",
        "tags": "tags",
    }
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Lead
        fields = [
            "civility",
            "first_name",
            "last_name",
            "company_name",
            "job_title",
            "function",
            "department",
            "email",
            "phone",
            "mobile_phone",
            "website",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "industry_sector",
            "do_not_call",
            "do_not_email",
            "scoring",
            "size",
            "is_key_account",
            "is_nurturing",
            "source",
            "category",
            "tags",
            "assigned_user",
            "team",
            "company",
            "description",
        ]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        limit_company_choices(self, user=user, current=self.instance.company if self.instance.pk else None)


class LoseForm(QuickCreateMixin, forms.Form):
    """The lose dialog of leads and opportunities."""

    quick_create = {"reason": "lost-reasons"}
    reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.filter(active=True))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_quick_create(user=None)  # every role may add lost reasons


class ThirdPartyMode:
    NEW = "new"
    EXISTING = "existing"


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def third_party_type_choices() -> list[tuple[str, str]]:
    return [
        (flag, str(capfirst(ThirdParty._meta.get_field(flag).verbose_name)))  # type: ignore[union-attr]
        for flag in TYPE_FLAGS
    ]


class LeadConvertForm(forms.Form):
    """The conversion wizard on one page: third party, contact, prospect status, opportunity."""

    third_party_mode = forms.ChoiceField(
        label=_("Third party"),
        choices=[
            (ThirdPartyMode.NEW, _("Create a new third party from the lead")),
            (ThirdPartyMode.EXISTING, _("Select an existing third party")),
        ],
        initial=ThirdPartyMode.NEW,
        widget=forms.RadioSelect,
    )
    third_party_types = forms.MultipleChoiceField(
        label=_("Type of the new third party"),
        choices=third_party_type_choices,
        initial=["is_prospect"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    third_party = forms.ModelChoiceField(
        label=_("Existing third party"),
        queryset=ThirdParty.objects.none(),
        required=False,
        widget=LookupSelect("third_party_lookup"),
    )
    prospect_status = forms.ModelChoiceField(
        label=_("Prospect status"), queryset=ProspectStatus.objects.none(), required=False
    )
    contact_mode = forms.ChoiceField(
        label=_("Contact"),
        choices=[
            (ContactMode.NONE.value, _("No contact")),
            (ContactMode.NEW.value, _("Create a new contact")),
            (ContactMode.EXISTING.value, _("Select an existing contact")),
        ],
        initial=ContactMode.NEW.value,
        widget=forms.RadioSelect,
    )
    contact = forms.ModelChoiceField(
        label=_("Existing contact"),
        queryset=Contact.objects.none(),
        required=False,
        widget=LookupSelect("contact_lookup"),
    )
    create_opportunity = forms.ChoiceField(
        label=_("Generate an opportunity?"), choices=YES_NO, initial="no", widget=forms.RadioSelect
    )
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200, required=False)
    opportunity_amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False
    )
    opportunity_close_date = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user: User, settings: CrmSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["third_party"].queryset = visible_records(ThirdParty.objects.all(), user=user)  # type: ignore[attr-defined]
        self.fields["contact"].queryset = visible_records(Contact.objects.all(), user=user)  # type: ignore[attr-defined]
        if settings.manage_prospect_statuses:
            self.fields["prospect_status"].queryset = ProspectStatus.objects.filter(archived=False)  # type: ignore[attr-defined]
            self.fields["prospect_status"].initial = settings.prospect_new_status_id
        else:
            del self.fields["prospect_status"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("third_party_mode") == ThirdPartyMode.EXISTING and not cleaned.get("third_party"):
            self.add_error("third_party", _("Choose the existing third party."))
        if cleaned.get("third_party_mode") == ThirdPartyMode.NEW and not cleaned.get("third_party_types"):
            self.add_error("third_party_types", _("Choose at least one type for the new third party."))
        if cleaned.get("contact_mode") == ContactMode.EXISTING and not cleaned.get("contact"):
            self.add_error("contact", _("Choose the existing contact."))
        return cleaned

    def conversion_request(self) -> ConversionRequest:
        data = self.cleaned_data
        existing = data["third_party_mode"] == ThirdPartyMode.EXISTING
        contact_mode = ContactMode(data["contact_mode"])
        return ConversionRequest(
            third_party=data["third_party"] if existing else None,
            third_party_types=set(data["third_party_types"]),
            prospect_status=data.get("prospect_status"),
            contact_mode=contact_mode,
            contact=data["contact"] if contact_mode == ContactMode.EXISTING else None,
            create_opportunity=data["create_opportunity"] == "yes",
            opportunity_name=data["opportunity_name"],
            opportunity_amount=data["opportunity_amount"],
            opportunity_close_date=data["opportunity_close_date"],
        )


class StatusMoveForm(forms.Form):
    """A click on the status bar: the target status and the version the user saw."""

    status: forms.ModelChoiceField = forms.ModelChoiceField(queryset=LeadStatus.objects.none())
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, statuses: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses  # type: ignore[attr-defined]
