"""FilterSets shared by the list pages and (later) the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Company,
    CompanySize,
    Contact,
    ContactRole,
    CrmSettings,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LegalForm,
    ProspectStatus,
    Tag,
    Team,
    ThirdParty,
    ThirdPartyCategory,
    User,
)

THIRD_PARTY_TYPES = [
    ("prospect", _("Prospects")),
    ("customer", _("Customers")),
    ("supplier", _("Suppliers")),
    ("internal", _("Internal")),
    ("factor", _("Factors")),
]


class YesNoSelect(django_filters.widgets.BooleanWidget):
    """Any / yes / no, instead of django-filter's confusing "Unknown"."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", "---------"), ("true", _("Yes")), ("false", _("No"))]


def active_users(request: object = None) -> QuerySet[User]:
    return User.objects.filter(is_active=True)


class OwnedRecordFilterSet(django_filters.FilterSet):
    assigned_user = django_filters.ModelChoiceFilter(label=_("Assigned to"), queryset=active_users)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    companies = django_filters.ModelChoiceFilter(label=_("Company"), queryset=Company.objects.all())
    tags = django_filters.ModelChoiceFilter(label=_("Tag"), queryset=Tag.objects.all())


class ThirdPartyFilterSet(OwnedRecordFilterSet):
    type = django_filters.ChoiceFilter(label=_("Type"), choices=THIRD_PARTY_TYPES, method="filter_type")
    industry_sector = django_filters.ModelChoiceFilter(
        label=_("Industry sector"), queryset=IndustrySector.objects.all()
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ThirdPartyCategory.objects.all()
    )
    legal_form = django_filters.ModelChoiceFilter(label=_("Legal form"), queryset=LegalForm.objects.all())
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=LeadSource.objects.all())
    size = django_filters.ChoiceFilter(label=_("Size"), choices=CompanySize.choices)
    is_key_account = django_filters.BooleanFilter(label=_("Key account"), widget=YesNoSelect)
    prospect_status = django_filters.ModelChoiceFilter(
        label=_("Prospect status"), queryset=ProspectStatus.objects.filter(archived=False)
    )

    class Meta:
        model = ThirdParty
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not CrmSettings.load().manage_prospect_statuses:
            self.filters.pop("prospect_status")

    def filter_type(self, queryset: QuerySet[ThirdParty], name: str, value: str) -> QuerySet[ThirdParty]:
        return queryset.filter(**{f"is_{value}": True})


class ContactFilterSet(OwnedRecordFilterSet):
    function = django_filters.ModelChoiceFilter(label=_("Function"), queryset=JobFunction.objects.all())
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    role = django_filters.ModelChoiceFilter(label=_("Role"), queryset=ContactRole.objects.all())
    do_not_call = django_filters.BooleanFilter(label=_("Do not call"), widget=YesNoSelect)
    do_not_email = django_filters.BooleanFilter(label=_("Do not email"), widget=YesNoSelect)

    class Meta:
        model = Contact
        fields: list[str] = []


def search_third_parties(queryset: QuerySet[ThirdParty], text: str) -> QuerySet[ThirdParty]:
    text = text.strip()
    if not text:
        return queryset
    condition = Q(name__icontains=text) | Q(email__icontains=text)
    if text.replace(" ", "").isdigit():
        condition |= Q(siret__startswith=text.replace(" ", ""))
    condition |= Q(reference__iexact=text)
    return queryset.filter(condition)


def search_contacts(queryset: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    condition = Q()
    for word in text.split():
        condition &= Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
    return queryset.filter(condition)
