"""Recurrence rules (SPEC §5.2): readable summaries in French and English, occurrence dates, limits."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.recurrence import MAX_OCCURRENCES, recurrence_occurrences, recurrence_summary

PARIS = ZoneInfo("Europe/Paris")


def summary(language, **rule):
    with translation.override(language):
        return recurrence_summary(**rule)


@pytest.mark.parametrize(
    ("rule", "english", "french"),
    [
        (
            {"frequency": "weekly", "interval": 1, "weekdays": [0], "count": 5},
            "Every week on Monday, 5 times",
            "Chaque semaine le lundi, 5 fois",
        ),
        (
            {"frequency": "daily", "interval": 2, "until": date(2026, 12, 31)},
            "Every 2 days, until 12/31/2026",
            "Tous les 2 jours, jusqu'au 31/12/2026",
        ),
        (
            {"frequency": "daily", "interval": 1, "count": 1},
            "Every day, 1 time",
            "Chaque jour, 1 fois",
        ),
        (
            {"frequency": "weekly", "interval": 2, "weekdays": [2, 0, 4], "count": 10},
            "Every 2 weeks on Monday, Wednesday and Friday, 10 times",
            "Toutes les 2 semaines le lundi, le mercredi et le vendredi, 10 fois",
        ),
        (
            {"frequency": "monthly", "interval": 1, "count": 12},
            "Every month, 12 times",
            "Chaque mois, 12 fois",
        ),
        (
            {"frequency": "monthly", "interval": 3, "until": date(2027, 6, 30)},
            "Every 3 months, until 06/30/2027",
            "Tous les 3 mois, jusqu'au 30/06/2027",
        ),
        (
            {"frequency": "yearly", "interval": 1, "count": 3},
            "Every year, 3 times",
            "Chaque année, 3 fois",
        ),
        (
            {"frequency": "yearly", "interval": 2, "until": date(2030, 1, 1)},
            "Every 2 years, until 01/01/2030",
            "Tous les 2 ans, jusqu'au 01/01/2030",
        ),
    ],
)
def test_a_recurrence_reads_as_a_sentence_in_english_and_in_french(rule, english, french):
    assert (summary("en", **rule), summary("fr", **rule)) == (english, french)


def test_weekly_on_monday_and_wednesday_five_times_gives_five_dates():
    starts = recurrence_occurrences(
        frequency="weekly",
        interval=1,
        weekdays=[0, 2],
        count=5,
        start=datetime(2026, 3, 2, 9, 0, tzinfo=PARIS),
    )
    assert starts == [
        datetime(2026, 3, 2, 9, 0, tzinfo=PARIS),
        datetime(2026, 3, 4, 9, 0, tzinfo=PARIS),
        datetime(2026, 3, 9, 9, 0, tzinfo=PARIS),
        datetime(2026, 3, 11, 9, 0, tzinfo=PARIS),
        datetime(2026, 3, 16, 9, 0, tzinfo=PARIS),
    ]


def test_occurrences_keep_their_local_time_across_the_change_to_summer_time():
    starts = recurrence_occurrences(
        frequency="weekly", interval=1, count=3, start=datetime(2026, 3, 23, 9, 0, tzinfo=PARIS)
    )
    assert [start.astimezone(ZoneInfo("UTC")).hour for start in starts] == [8, 7, 7]
    assert [start.astimezone(PARIS).hour for start in starts] == [9, 9, 9]


def test_an_end_date_includes_the_occurrence_on_that_day():
    starts = recurrence_occurrences(
        frequency="daily", interval=2, until=date(2026, 3, 6), start=datetime(2026, 3, 2, 18, 0, tzinfo=PARIS)
    )
    assert [start.day for start in starts] == [2, 4, 6]


def test_a_start_that_does_not_fit_the_rule_moves_the_series_to_the_first_date_that_does():
    tuesday = datetime(2026, 3, 3, 14, 30, tzinfo=PARIS)
    starts = recurrence_occurrences(frequency="weekly", interval=1, weekdays=[0], count=2, start=tuesday)
    assert starts == [datetime(2026, 3, 9, 14, 30, tzinfo=PARIS), datetime(2026, 3, 16, 14, 30, tzinfo=PARIS)]


def test_a_recurrence_without_an_end_is_refused():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recurrence_occurrences(frequency="daily", interval=1, start=datetime(2026, 3, 2, 9, 0, tzinfo=PARIS))
    assert refused.value.message_dict == {
        "end_mode": ["Choose when the recurrence ends: after a number of occurrences or on a date."]
    }


def test_a_count_above_the_limit_is_refused():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recurrence_occurrences(
            frequency="daily", interval=1, count=MAX_OCCURRENCES + 1, start=datetime(2026, 3, 2, tzinfo=PARIS)
        )
    assert refused.value.message_dict == {"count": ["A recurrence has 1 to 500 occurrences."]}


def test_an_end_date_giving_too_many_occurrences_is_refused_without_computing_them_all():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recurrence_occurrences(
            frequency="daily", interval=1, until=date(9999, 12, 31), start=datetime(2026, 3, 2, tzinfo=PARIS)
        )
    assert refused.value.message_dict == {
        "until": [
            "This recurrence would create more than 500 occurrences: choose an earlier end date or a longer "
            "interval."
        ]
    }


def test_exactly_the_limit_is_accepted():
    starts = recurrence_occurrences(
        frequency="daily", interval=1, count=MAX_OCCURRENCES, start=datetime(2026, 3, 2, tzinfo=PARIS)
    )
    assert (len(starts), starts[-1].date()) == (500, date(2027, 7, 14))


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        (
            {"frequency": "hourly", "interval": 1, "count": 2},
            {"frequency": ["Choose daily, weekly, monthly or yearly."]},
        ),
        ({"frequency": "daily", "interval": 0, "count": 2}, {"interval": ["Repeat every 1 to 999 periods."]}),
        (
            {"frequency": "daily", "interval": 1, "count": 2, "weekdays": [0]},
            {"weekdays": ["Days of the week only apply to a weekly recurrence."]},
        ),
        (
            {"frequency": "weekly", "interval": 1, "count": 2, "weekdays": [7]},
            {"weekdays": ["Days of the week go from 0 (Monday) to 6 (Sunday)."]},
        ),
        (
            {"frequency": "daily", "interval": 1, "count": 2, "until": date(2026, 4, 1)},
            {"end_mode": ["Choose one end: a number of occurrences or a date, not both."]},
        ),
        (
            {"frequency": "daily", "interval": 1, "until": date(2026, 3, 1)},
            {"until": ["The end date must not be before the start of the event."]},
        ),
    ],
)
def test_an_incomplete_or_inconsistent_rule_is_refused_field_by_field(rule, errors):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recurrence_occurrences(start=datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), **rule)
    assert refused.value.message_dict == errors


def test_a_recurrence_going_past_the_year_9999_is_refused():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recurrence_occurrences(
            frequency="yearly", interval=1, count=3, start=datetime(9998, 6, 1, tzinfo=PARIS)
        )
    assert refused.value.message_dict == {"count": ["This recurrence goes beyond the year 9999."]}
