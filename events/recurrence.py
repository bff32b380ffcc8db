"""Recurrence rules (SPEC §5.2): validation, occurrence dates with dateutil.rrule, a readable summary.

Pure functions over plain values, shared by the model, the services and the (future) wizard form.
Occurrences are computed on the wall clock of the CRM's time zone, so that a weekly 9:00 meeting stays
at 9:00 across daylight saving changes.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

# Never more rows than this for one series, whatever the count or the end date asks for.
MAX_OCCURRENCES = 500
MAX_INTERVAL = 999


class RecurrenceFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    YEARLY = "yearly", _("yearly")


class RecurrenceEnd(models.TextChoices):
    COUNT = "count", _("after a number of occurrences")
    UNTIL = "until", _("on a date")


RRULE_FREQUENCIES = {
    RecurrenceFrequency.DAILY: rrule.DAILY,
    RecurrenceFrequency.WEEKLY: rrule.WEEKLY,
    RecurrenceFrequency.MONTHLY: rrule.MONTHLY,
    RecurrenceFrequency.YEARLY: rrule.YEARLY,
}


def weekday_name(day: int) -> str:
    """The day as the summary says it: "Monday" in English, "le lundi" in French (Monday is 0)."""
    names = (
        pgettext("recurrence on weekday", "Monday"),
        pgettext("recurrence on weekday", "Tuesday"),
        pgettext("recurrence on weekday", "Wednesday"),
        pgettext("recurrence on weekday", "Thursday"),
        pgettext("recurrence on weekday", "Friday"),
        pgettext("recurrence on weekday", "Saturday"),
        pgettext("recurrence on weekday", "Sunday"),
    )
    return names[day]


def _every(frequency: str, interval: int) -> str:
    if interval == 1:
        return {
            RecurrenceFrequency.DAILY: gettext("Every day"),
            RecurrenceFrequency.WEEKLY: gettext("Every week"),
            RecurrenceFrequency.MONTHLY: gettext("Every month"),
            RecurrenceFrequency.YEARLY: gettext("Every year"),
        }[RecurrenceFrequency(frequency)]
    template = {
        RecurrenceFrequency.DAILY: ngettext("Every %(count)d day", "Every %(count)d days", interval),
        RecurrenceFrequency.WEEKLY: ngettext("Every %(count)d week", "Every %(count)d weeks", interval),
        RecurrenceFrequency.MONTHLY: ngettext("Every %(count)d month", "Every %(count)d months", interval),
        RecurrenceFrequency.YEARLY: ngettext("Every %(count)d year", "Every %(count)d years", interval),
    }[RecurrenceFrequency(frequency)]
    return template % {"count": interval}


def recurrence_summary(
    *,
    frequency: str,
    interval: int,
    weekdays: Sequence[int] = (),
    count: int | None = None,
    until: date | None = None,
) -> str:
    """ "Every week on Monday, 5 times" / "Chaque semaine le lundi, 5 fois", in the active language."""
    parts = [_every(frequency, interval)]
    if frequency == RecurrenceFrequency.WEEKLY and weekdays:
        days = get_text_list([weekday_name(day) for day in sorted(set(weekdays))], gettext("and"))
        parts.append(gettext("on %(days)s") % {"days": days})
    text = " ".join(parts)
    if count is not None:
        ending = ngettext("%(count)d time", "%(count)d times", count) % {"count": count}
        text = f"{text}, {ending}"
    elif until is not None:
        ending = gettext("until %(date)s") % {"date": formats.date_format(until, "SHORT_DATE_FORMAT")}
        text = f"{text}, {ending}"
    return text


def recurrence_validate(
    *,
    frequency: str,
    interval: int,
    weekdays: Sequence[int] = (),
    count: int | None = None,
    until: date | None = None,
    start: datetime | None = None,
) -> None:
    """Refuse a rule that is incomplete, endless or too long, with one message per field."""
    errors: dict[str, str] = {}
    if frequency not in RecurrenceFrequency.values:
        errors["frequency"] = gettext("Choose daily, weekly, monthly or yearly.")
    if not 1 <= interval <= MAX_INTERVAL:
        errors["interval"] = gettext("Repeat every 1 to %(max)d periods.") % {"max": MAX_INTERVAL}
    if any(day not in range(7) for day in weekdays):
        errors["weekdays"] = gettext("Days of the week go from 0 (Monday) to 6 (Sunday).")
    elif weekdays and frequency != RecurrenceFrequency.WEEKLY:
        errors["weekdays"] = gettext("Days of the week only apply to a weekly recurrence.")
    if count is None and until is None:
        errors["end_mode"] = gettext(
            "Choose when the recurrence ends: after a number of occurrences or on a date."
        )
    elif count is not None and until is not None:
        errors["end_mode"] = gettext("Choose one end: a number of occurrences or a date, not both.")
    elif count is not None and not 1 <= count <= MAX_OCCURRENCES:
        errors["count"] = gettext("A recurrence has 1 to %(max)d occurrences.") % {"max": MAX_OCCURRENCES}
    elif until is not None and start is not None and until < timezone.localtime(start).date():
        errors["until"] = gettext("The end date must not be before the start of the event.")
    if errors:
        raise ValidationError(errors)


def recurrence_occurrences(
    *,
    frequency: str,
    interval: int,
    start: datetime,
    weekdays: Sequence[int] = (),
    count: int | None = None,
    until: date | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[datetime]:
    """The aware start of every occurrence, the first included; at most `limit`, or ValidationError.

    A start that does not fit the rule (a Tuesday for "every Monday") is not an occurrence: the
    series starts at the first date that fits.
    """
    recurrence_validate(
        frequency=frequency, interval=interval, weekdays=weekdays, count=count, until=until, start=start
    )
    zone = timezone.get_default_timezone()
    wall_start = timezone.localtime(start, zone).replace(tzinfo=None)
    rule = rrule.rrule(
        RRULE_FREQUENCIES[RecurrenceFrequency(frequency)],
        dtstart=wall_start,
        interval=interval,
        byweekday=sorted(set(weekdays)) or None,
        count=count,
        until=datetime.combine(until, time.max) if until is not None else None,
    )
    try:
        # One more than the limit tells "too many" from "exactly the limit" without an endless loop.
        occurrences = list(islice(rule, limit + 1))
        # dateutil stops quietly at the year 9999, short of the count.
        beyond_9999 = count is not None and len(occurrences) < count
    except (ValueError, OverflowError):
        occurrences, beyond_9999 = [], True
    if beyond_9999:
        field = "count" if count is not None else "until"
        raise ValidationError({field: gettext("This recurrence goes beyond the year 9999.")})
    if len(occurrences) > limit:
        raise ValidationError(
            {
                "until": gettext(
                    "This recurrence would create more than %(max)d occurrences: choose an earlier end "
                    "date or a longer interval."
                )
                % {"max": limit}
            }
        )
    if not occurrences:
        raise ValidationError({"until": gettext("This recurrence has no occurrence before its end date.")})
    return [wall_clock_aware(occurrence) for occurrence in occurrences]


def wall_clock_aware(naive: datetime) -> datetime:
    return naive.replace(tzinfo=timezone.get_default_timezone())


def shift_wall_clock(moment: datetime, delta: timedelta) -> datetime:
    """`moment` moved by `delta` on the local wall clock (a week later is the same local time)."""
    zone = timezone.get_default_timezone()
    return wall_clock_aware(timezone.localtime(moment, zone).replace(tzinfo=None) + delta)


def wall_clock_delta(before: datetime, after: datetime) -> timedelta:
    zone = timezone.get_default_timezone()
    return timezone.localtime(after, zone).replace(tzinfo=None) - timezone.localtime(before, zone).replace(
        tzinfo=None
    )
