"""Forms of the event pages: the event with its links, the recurrence wizard, guests, reminders."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from crm.forms import RecordForm
from crm.models import Contact, ThirdParty, User
from crm.visibility import visible_records
from crm.widgets import LookupSelect
from leads.forms import limit_company_choices
from leads.models import Lead
from opportunities.models import Opportunity

from .models import Event, EventCategory, ReminderMode, ReminderRecipients, ReminderUnit
from .recurrence import (
    MAX_INTERVAL,
    MAX_OCCURRENCES,
    RecurrenceEnd,
    RecurrenceFrequency,
    recurrence_occurrences,
    recurrence_summary,
)
from .services import EditScope

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
SCOPE_CHOICES = [
    (EditScope.THIS.value, _("This event only")),
    (EditScope.FOLLOWING.value, _("This event and the following ones")),
]


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class EventForm(RecordForm):
    quick_create = {"category": "event-categories"}

    class Meta:
        model = Event
        fields = [
            "type",
            "category",
            "subject",
            "start",
            "end",
            "all_day",
            "location",
            "third_party",
            "contact",
            "lead",
            "opportunity",
            "call_direction",
            "visibility",
            "assigned_user",
            "team",
            "company",
            "description",
        ]
        widgets = {
            "start": datetime_input(),
            "end": datetime_input(),
            "third_party": LookupSelect("third_party_lookup"),
            "contact": LookupSelect("contact_lookup"),
            "lead": LookupSelect("event_lead_lookup"),
            "opportunity": LookupSelect("event_opportunity_lookup"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        fields: Any = self.fields
        fields["end"].required = False
        fields["end"].help_text = _("One hour after the start when left empty.")
        current_category = self.instance.category_id if self.instance.pk else None
        fields["category"].queryset = EventCategory.objects.filter(Q(active=True) | Q(pk=current_category))
        fields["category"].label_from_instance = lambda category: category.name_with_type
        fields["third_party"].queryset = visible_records(ThirdParty.objects.all(), user=user)
        fields["contact"].queryset = visible_records(Contact.objects.all(), user=user)
        fields["lead"].queryset = visible_records(Lead.objects.all(), user=user)
        fields["opportunity"].queryset = visible_records(Opportunity.objects.all(), user=user)
        limit_company_choices(self, user=user, current=self.instance.company if self.instance.pk else None)
        if self.instance.pk and self.instance.is_recurring:
            self.fields["scope"] = forms.ChoiceField(
                label=_("Apply the changes to"),
                choices=SCOPE_CHOICES,
                initial=EditScope.THIS.value,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields.pop("scope", None)
        return fields

    def changed_service_fields(self) -> dict[str, Any]:
        """Only what the user changed: "this and the following" must not overwrite the other fields
        of the following occurrences with this one's values."""
        return {name: value for name, value in self.service_fields().items() if name in self.changed_data}

    def edit_scope(self) -> EditScope:
        return EditScope(self.cleaned_data.get("scope") or EditScope.THIS)


class RecurrenceForm(forms.Form):
    """The recurrence wizard (SPEC §5.2); the fields only count when "Repeat" is ticked."""

    repeat = forms.BooleanField(label=_("Repeat"), required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=RecurrenceFrequency.choices, initial=RecurrenceFrequency.WEEKLY
    )
    interval = forms.IntegerField(label=_("Repeat every"), min_value=1, max_value=MAX_INTERVAL, initial=1)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    end_mode = forms.ChoiceField(
        label=_("Ends"), choices=RecurrenceEnd.choices, initial=RecurrenceEnd.COUNT, widget=forms.RadioSelect
    )
    count = forms.IntegerField(
        label=_("Number of occurrences"), min_value=1, max_value=MAX_OCCURRENCES, initial=5, required=False
    )
    until = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def full_clean(self) -> None:
        # Unticked, the wizard's other fields are ignored, whatever they hold.
        repeat = self.fields["repeat"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("repeat")
        )
        if self.is_bound and not repeat:
            self._errors = ErrorDict()
            self.cleaned_data = {"repeat": False}
            return
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("frequency") != RecurrenceFrequency.WEEKLY:
            cleaned["weekdays"] = []
        if cleaned.get("end_mode") == RecurrenceEnd.COUNT and cleaned.get("count") is None:
            self.add_error("count", _("Choose the number of occurrences."))
        if cleaned.get("end_mode") == RecurrenceEnd.UNTIL and cleaned.get("until") is None:
            self.add_error("until", _("Choose the end date."))
        return cleaned

    @property
    def repeats(self) -> bool:
        return bool(self.cleaned_data.get("repeat"))

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of events.services.event_recurrence_set."""
        data = self.cleaned_data
        by_count = data["end_mode"] == RecurrenceEnd.COUNT
        return {
            "frequency": data["frequency"],
            "interval": data["interval"],
            "weekdays": data.get("weekdays") or [],
            "count": data["count"] if by_count else None,
            "until": None if by_count else data["until"],
        }

    def summary(self, *, start: datetime | None) -> str:
        """ "Every week on Monday, 5 times", as the series will be created from `start`."""
        arguments = self.arguments()
        if arguments["frequency"] == RecurrenceFrequency.WEEKLY and not arguments["weekdays"] and start:
            arguments["weekdays"] = [timezone.localtime(start).weekday()]
        return recurrence_summary(**arguments)

    def check_occurrences(self, *, start: datetime) -> bool:
        """Refuse, on the wizard's fields, a rule the service would refuse (too many occurrences…)."""
        try:
            recurrence_occurrences(start=start, **self.arguments())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return False
        return True


class CancelForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Cancel"), choices=SCOPE_CHOICES, initial=EditScope.THIS.value, widget=forms.RadioSelect
    )


class ReminderForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Send"),
        choices=ReminderMode.choices,
        initial=ReminderMode.BEFORE_START,
        widget=forms.RadioSelect,
    )
    duration = forms.IntegerField(
        label=_("Duration"), min_value=1, max_value=10_000, initial=15, required=False
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=ReminderUnit.choices, initial=ReminderUnit.MINUTES, required=False
    )
    at = forms.DateTimeField(label=_("Date and time"), required=False, widget=datetime_input())
    recipients = forms.ChoiceField(
        label=_("For"),
        choices=ReminderRecipients.choices,
        initial=ReminderRecipients.ME,
        widget=forms.RadioSelect,
    )


class GuestForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none(), required=False)
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        widget=LookupSelect("contact_lookup"),
    )

    def __init__(self, *args: Any, user: User, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["user"].queryset = User.objects.filter(is_active=True)
        fields["contact"].queryset = visible_records(Contact.objects.all(), user=user)
        if event.is_recurring:
            self.fields["scope"] = forms.ChoiceField(
                label=_("Invite to"),
                choices=SCOPE_CHOICES,
                initial=EditScope.THIS.value,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("user") is None) == (cleaned.get("contact") is None) and not self.errors:
            raise ValidationError(_("Invite either a user or a contact."))
        return cleaned


def as_date(value: str) -> date | None:
    """A YYYY-MM-DD query-string value, or None."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
