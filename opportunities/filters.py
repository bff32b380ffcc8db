"""FilterSets and search of the opportunity lists (shared by the UI and the API)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.filters import active_users
from crm.models import Company, LeadSource, LostReason, Tag, Team
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus


def current_opportunity_statuses(request: object = None) -> QuerySet[OpportunityStatus]:
    return OpportunityStatus.objects.filter(archived=False).order_by("sequence", "pk")


class OpportunityFilterSet(django_filters.FilterSet):
    status = django_filters.ModelChoiceFilter(label=_("Status"), queryset=current_opportunity_statuses)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=OpportunityStage.choices)
    assigned_user = django_filters.ModelChoiceFilter(label=_("Assigned to"), queryset=active_users)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    company = django_filters.ModelChoiceFilter(label=_("Company"), queryset=Company.objects.all())
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=LeadSource.objects.all())
    tags = django_filters.ModelChoiceFilter(label=_("Tag"), queryset=Tag.objects.all())
    lost_reason = django_filters.ModelChoiceFilter(label=_("Lost reason"), queryset=LostReason.objects.all())
    expected_close_date = django_filters.DateFromToRangeFilter(
        label=_("Expected close date (from, to)"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []


def search_opportunities(queryset: QuerySet[Opportunity], text: str) -> QuerySet[Opportunity]:
    """Every typed word must appear in the opportunity's name or its third party's name."""
    condition = Q()
    for word in text.split():
        condition &= Q(name__icontains=word) | Q(third_party__name__icontains=word)
    return queryset.filter(condition)
