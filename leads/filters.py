"""FilterSets and search of the lead lists (shared by the UI and the API)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.filters import YesNoSelect, active_users
from crm.models import (
    Company,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LostReason,
    Tag,
    Team,
    ThirdPartyCategory,
)
from leads.models import Lead, LeadStatus

SCORING_CHOICES = [(score, "★" * score + "☆" * (5 - score)) for score in range(1, 6)]


def current_lead_statuses(request: object = None) -> QuerySet[LeadStatus]:
    return LeadStatus.objects.filter(archived=False).order_by("sequence", "pk")


class LeadFilterSet(django_filters.FilterSet):
    status = django_filters.ModelChoiceFilter(label=_("Status"), queryset=current_lead_statuses)
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=LeadSource.objects.all())
    industry_sector = django_filters.ModelChoiceFilter(
        label=_("Industry sector"), queryset=IndustrySector.objects.all()
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ThirdPartyCategory.objects.all()
    )
    function = django_filters.ModelChoiceFilter(label=_("Function"), queryset=JobFunction.objects.all())
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    lost_reason = django_filters.ModelChoiceFilter(label=_("Lost reason"), queryset=LostReason.objects.all())
    assigned_user = django_filters.ModelChoiceFilter(label=_("Assigned to"), queryset=active_users)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    company = django_filters.ModelChoiceFilter(label=_("Company"), queryset=Company.objects.all())
    tags = django_filters.ModelChoiceFilter(label=_("Tag"), queryset=Tag.objects.all())
    scoring = django_filters.ChoiceFilter(
        label=_("Scoring (at least)"), choices=SCORING_CHOICES, lookup_expr="gte"
    )
    is_nurturing = django_filters.BooleanFilter(label=_("Nurturing"), widget=YesNoSelect)

    class Meta:
        model = Lead
        fields: list[str] = []


def search_leads(queryset: QuerySet[Lead], text: str) -> QuerySet[Lead]:
    """Every typed word must appear in the name, the company name or the email."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(company_name__icontains=word)
            | Q(email__icontains=word)
        )
    return queryset.filter(condition)
