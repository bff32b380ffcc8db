"""Filters and search of the event lists (SPEC §5.1)."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.filters import active_users
from crm.models import Team

from .models import Event, EventCategory, EventStatus, EventType

PERIODS = [
    ("today", _("Today")),
    ("week", _("This week")),
    ("month", _("This month")),
    ("upcoming", _("Upcoming")),
    ("past", _("Past")),
]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_bounds(period: str, *, today: date) -> tuple[datetime | None, datetime | None]:
    """The [from, to) range of start times a period stands for; None for an open end."""
    if period == "today":
        return local_midnight(today), local_midnight(today + timedelta(days=1))
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return local_midnight(monday), local_midnight(monday + timedelta(days=7))
    if period == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return local_midnight(first), local_midnight(following)
    if period == "upcoming":
        return timezone.now(), None
    if period == "past":
        return None, timezone.now()
    return None, None


def active_categories(request: object = None) -> QuerySet[EventCategory]:
    return EventCategory.objects.filter(active=True)


class EventFilterSet(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(label=_("Period"), choices=PERIODS, method="filter_period")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=EventType.choices)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=active_categories)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventStatus.choices)
    assigned_user = django_filters.ModelChoiceFilter(label=_("Assigned to"), queryset=active_users)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    # Set by the "See all" link of a record's Events section, not shown as filters.
    third_party = django_filters.NumberFilter(widget=forms.HiddenInput)
    contact = django_filters.NumberFilter(widget=forms.HiddenInput)
    lead = django_filters.NumberFilter(widget=forms.HiddenInput)
    opportunity = django_filters.NumberFilter(widget=forms.HiddenInput)

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_period(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        starts_from, starts_before = period_bounds(value, today=timezone.localdate())
        if starts_from is not None:
            queryset = queryset.filter(start__gte=starts_from)
        if starts_before is not None:
            queryset = queryset.filter(start__lt=starts_before)
        return queryset


def search_events(queryset: QuerySet[Event], text: str) -> QuerySet[Event]:
    """Every typed word must appear in the subject or the location."""
    condition = Q()
    for word in text.split():
        condition &= Q(subject__icontains=word) | Q(location__icontains=word)
    return queryset.filter(condition)
