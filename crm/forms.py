from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Address, Company, Contact, ReferenceData, Team, ThirdParty, User
from crm.reference_kinds import reference_kind
from crm.validators import normalize_phone, normalize_siret
from crm.visibility import visible_records
from crm.widgets import LookupSelect, LookupSelectMultiple, QuickCreateWidget

PHONE_FIELDS = ("phone", "mobile_phone")


class QuickCreateMixin(forms.BaseForm):
    """A "+" beside the reference-data fields a form lists in `quick_create` (field name → list, as
    named in crm.reference_kinds)."""

    quick_create: ClassVar[dict[str, str]] = {}

    def offer_quick_create(self, *, user: User | None) -> None:
        """Without a user, the view that shows the form has already decided who may use it."""
        for name, kind in self.quick_create.items():
            field = self.fields.get(name)
            if field is None or field.disabled:
                continue
            if user is None or reference_kind(kind).may_create(user):
                field.widget = QuickCreateWidget(field.widget, kind=kind)


class RecordForm(QuickCreateMixin, forms.ModelForm):
    """Common behaviour of record forms: locked fields, phone normalisation, the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in self.instance.locked_fields:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Managed by an external system.")
        self.offer_quick_create(user=user)
        self._offer_active_reference_data()
        if "scoring" in self.fields:
            self.fields["scoring"].required = False
            self.fields["scoring"].widget.attrs.update({"min": 0, "max": 5})
        if "assigned_user" in self.fields:
            self.fields["assigned_user"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if "team" in self.fields:
            self.fields["team"].queryset = Team.objects.all()  # type: ignore[attr-defined]
        if "companies" in self.fields and not user.is_superuser:
            # Keep the record's other companies selectable, or saving the form would drop them.
            current = self.instance.companies.all() if self.instance.pk else Company.objects.none()
            allowed = Company.objects.filter(pk__in=user.company_ids) | current
            self.fields["companies"].queryset = allowed.distinct()  # type: ignore[attr-defined]

    def _offer_active_reference_data(self) -> None:
        """Archived entries of reference data are no longer offered, except those the record has."""
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not issubclass(queryset.model, ReferenceData):
                continue
            current: list[Any] = []
            if self.instance.pk and isinstance(field, forms.ModelMultipleChoiceField):
                current = list(getattr(self.instance, name).values_list("pk", flat=True))
            elif self.instance.pk and getattr(self.instance, f"{name}_id", None):
                current = [getattr(self.instance, f"{name}_id")]
            field.queryset = queryset.filter(Q(active=True) | Q(pk__in=current))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "scoring" in self.fields and cleaned.get("scoring") is None and "scoring" not in self.errors:
            cleaned["scoring"] = 0
        for name in PHONE_FIELDS:
            if cleaned.get(name):
                try:
                    cleaned[name] = normalize_phone(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values a service applies (disabled and bookkeeping fields left out)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and name in self.fields and not self.fields[name].disabled
        }


class ThirdPartyForm(RecordForm):
    quick_create = {
        "legal_form": "legal-forms",
        "industry_sector": "industry-sectors",
        "category": "third-party-categories",
        "source": "sources",
        "tags": "tags",
    }
    # Wider than the stored 14 digits: people type "732 829 320 00074"; the model validates the result.
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = ThirdParty
        fields = [
            "name",
            "is_prospect",
            "is_customer",
            "is_supplier",
            "is_internal",
            "is_factor",
            "legal_form",
            "siret",
            "website",
            "email",
            "phone",
            "mobile_phone",
            "industry_sector",
            "category",
            "size",
            "is_key_account",
            "scoring",
            "source",
            "parent",
            "assigned_user",
            "team",
            "companies",
            "language",
            "tags",
            "note",
        ]
        widgets = {
            "parent": LookupSelect("third_party_lookup"),
            "companies": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        parents = visible_records(ThirdParty.objects.all(), user=user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["siret"].widget.attrs["inputmode"] = "numeric"

    def clean_siret(self) -> str:
        return normalize_siret(self.cleaned_data["siret"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk and _is_descendant(parent, of=self.instance):
            self.add_error("parent", _("A company cannot be the parent of its own parent company."))
        return cleaned


def _is_descendant(candidate: ThirdParty, *, of: ThirdParty) -> bool:
    seen: set[int] = set()
    current: ThirdParty | None = candidate
    while current is not None and current.pk not in seen:
        if current.pk == of.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


class ContactForm(RecordForm):
    quick_create = {
        "function": "functions",
        "department": "departments",
        "role": "contact-roles",
        "tags": "tags",
    }

    class Meta:
        model = Contact
        fields = [
            "civility",
            "first_name",
            "last_name",
            "main_third_party",
            "third_parties",
            "function",
            "department",
            "role",
            "email",
            "email_secondary",
            "phone",
            "mobile_phone",
            "do_not_call",
            "do_not_email",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "language",
            "assigned_user",
            "team",
            "companies",
            "tags",
            "note",
        ]
        widgets = {
            "main_third_party": LookupSelect("third_party_lookup"),
            "third_parties": LookupSelectMultiple("third_party_lookup"),
            "companies": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        visible_third_parties = visible_records(ThirdParty.objects.all(), user=user)
        self.fields["main_third_party"].queryset = visible_third_parties  # type: ignore[attr-defined]
        self.fields["third_parties"].queryset = visible_third_parties  # type: ignore[attr-defined]
        self.fields["third_parties"].required = False


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "is_invoicing",
            "is_delivery",
            "is_default",
        ]
