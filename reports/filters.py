"""The filters every report takes (period, company, team, user), as a form for the page and the API."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django import forms
from django.db.models import DateTimeField, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Role, Team, User

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ReportFilters:
    """What the user asked to see; visibility (crm.visibility) is applied on top, never replaced."""

    date_from: date | None = None
    date_to: date | None = None
    company: Company | None = None
    team: Team | None = None
    user: User | None = None

    def apply(self, queryset: QuerySet[M], *, period_field: str | None) -> QuerySet[M]:
        """Narrow to the company, team and user asked for, and to the period on `period_field`."""
        condition = Q()
        if self.company is not None:
            condition &= Q(company=self.company.pk)
        if self.team is not None:
            condition &= Q(team=self.team.pk)
        if self.user is not None:
            condition &= Q(assigned_user=self.user.pk)
        if period_field:
            condition &= self._period_condition(queryset.model, period_field)
        return queryset.filter(condition)

    def _period_condition(self, model: type[Model], field_name: str) -> Q:
        # A range on the column itself (not `__date`) so that its index serves the query.
        is_datetime = isinstance(model._meta.get_field(field_name), DateTimeField)
        condition = Q()
        if self.date_from is not None:
            start: date | datetime = _day_start(self.date_from) if is_datetime else self.date_from
            condition &= Q(**{f"{field_name}__gte": start})
        if self.date_to is not None:
            if is_datetime:
                condition &= Q(**{f"{field_name}__lt": _day_start(self.date_to + timedelta(days=1))})
            else:
                condition &= Q(**{f"{field_name}__lte": self.date_to})
        return condition


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """GET parameters of a report page, of its exports and of the reports API."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    company = forms.ModelChoiceField(label=_("Company"), queryset=Company.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none(), required=False)

    FIELD_NAMES = ("date_from", "date_to", "company", "team", "user")

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data)
        companies, teams, users = filter_choices(user=user)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self) -> ReportFilters:
        """The filters of a valid form; no filter at all when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return ReportFilters()
        return ReportFilters(**{name: self.cleaned_data.get(name) for name in self.FIELD_NAMES})


def filter_choices(*, user: User) -> tuple[QuerySet[Company], QuerySet[Team], QuerySet[User]]:
    """What the filter lists offer: everything to an admin, the user's companies and their people otherwise.

    The offer is a convenience only: whatever is chosen, the figures stay within the user's visibility.
    """
    if user.role == Role.ADMIN:
        return Company.objects.all(), Team.objects.all(), User.objects.filter(is_active=True)
    company_ids = user.company_ids
    companies = Company.objects.filter(pk__in=company_ids)
    teams = Team.objects.filter(Q(company__in=company_ids) | Q(pk__in=user.team_ids))
    users = User.objects.filter(Q(companies__in=company_ids) | Q(pk=user.pk), is_active=True).distinct()
    return companies, teams, users
