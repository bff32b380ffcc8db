"""Figures of the calls report, on the data set of tests/reports/test_event_figures.py (SPEC §6).

Only done calls count: C8 (planned) and C9 (cancelled) never do, C10 (private) only for rep2.
Weeks start on Monday in Paris time: C3, Monday March 10 at 00:30, is still Sunday in UTC.

    week of 2025-03-03:  C1 out, C2 out (rep)
    week of 2025-03-10:  C3 in (rep), C4 in, C5 out, C6 — (rep2), C7 out (manager, no team)
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.models import Event
from events.services import event_done, event_guest_add
from reports.figures import calls as figures
from reports.filters import ReportFilters
from reports.registry import report_charts

from .test_event_figures import build_data_set, new_event, paris

pytestmark = pytest.mark.django_db

ALL = ReportFilters()


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def data_set(cast):
    return build_data_set(cast)


def directions(inbound, outbound, no_direction=0):
    return {
        "inbound": inbound,
        "outbound": outbound,
        "no_direction": no_direction,
        "total": inbound + outbound + no_direction,
    }


# The figures ---------------------------------------------------------------------------------------


def test_calls_per_user_split_inbound_and_outbound_the_most_calls_first(cast, data_set):
    assert figures.calls_per_user(user=cast.admin, filters=ALL) == [
        {"user": cast.rep.get_full_name(), **directions(1, 2)},
        {"user": cast.rep2.get_full_name(), **directions(1, 1, 1)},
        {"user": cast.manager.get_full_name(), **directions(0, 1)},
    ]


def test_calls_per_week_count_the_calls_and_the_users_who_had_them(cast, data_set):
    assert figures.calls_per_week(user=cast.admin, filters=ALL) == [
        {"week": date(2025, 3, 3), "count": 2, "users": 1},
        {"week": date(2025, 3, 10), "count": 5, "users": 3},
    ]


def test_inbound_and_outbound_calls_per_week_start_on_monday_in_paris_time(cast, data_set):
    assert figures.calls_direction_per_week(user=cast.admin, filters=ALL) == [
        {"week": date(2025, 3, 3), **directions(0, 2)},
        {"week": date(2025, 3, 10), **directions(2, 2, 1)},
    ]


def test_calls_per_team_group_those_without_a_team(cast, data_set):
    assert figures.calls_per_team(user=cast.admin, filters=ALL) == [
        {"team": "Équipe Nord", **directions(1, 2)},
        {"team": "Équipe Sud", **directions(1, 1, 1)},
        {"team": "No team", **directions(0, 1)},
    ]


def test_planned_and_cancelled_calls_do_not_count_until_done(cast, data_set):
    planned = data_set["C8"]

    before = figures.calls_per_user(user=cast.rep, filters=ALL)
    event_done(event=planned, user=cast.rep)
    after = figures.calls_per_user(user=cast.rep, filters=ALL)

    assert before == [{"user": cast.rep.get_full_name(), **directions(1, 2)}]
    assert after == [{"user": cast.rep.get_full_name(), **directions(1, 3)}]


def test_other_event_types_are_not_calls(cast, data_set):
    new_event(cast.rep, "Rendez-vous", "meeting", paris(2025, 3, 4, 10), status="done")

    assert figures.calls_per_team(user=cast.admin, filters=ReportFilters(team=cast.north)) == [
        {"team": "Équipe Nord", **directions(1, 2)}
    ]


def test_no_call_no_rows(cast):
    for chart in report_charts("calls"):
        assert chart.figure(user=cast.admin, filters=ALL) == []


# Filters -------------------------------------------------------------------------------------------


def test_the_period_applies_to_the_start_in_paris_time(cast, data_set):
    up_to_sunday = ReportFilters(date_to=date(2025, 3, 9))
    from_monday = ReportFilters(date_from=date(2025, 3, 10), date_to=date(2025, 3, 12))

    assert figures.calls_per_week(user=cast.admin, filters=up_to_sunday) == [
        {"week": date(2025, 3, 3), "count": 2, "users": 1}
    ]
    assert figures.calls_direction_per_week(user=cast.admin, filters=from_monday) == [
        {"week": date(2025, 3, 10), **directions(2, 1)}
    ]


def test_the_team_user_and_company_filters_narrow_the_calls(cast, data_set):
    by_team = figures.calls_per_user(user=cast.admin, filters=ReportFilters(team=cast.south))
    by_user = figures.calls_per_week(user=cast.admin, filters=ReportFilters(user=cast.manager))
    by_company = figures.calls_per_team(user=cast.admin, filters=ReportFilters(company=cast.north_company))

    assert by_team == [{"user": cast.rep2.get_full_name(), **directions(1, 1, 1)}]
    assert by_user == [{"week": date(2025, 3, 10), "count": 1, "users": 1}]
    assert by_company == [
        {"team": "Équipe Nord", **directions(1, 2)},
        {"team": "No team", **directions(0, 1)},
    ]


# Visibility ----------------------------------------------------------------------------------------


def test_a_private_call_counts_for_its_owner_only(cast, data_set):
    mine = figures.calls_per_user(user=cast.rep2, filters=ALL)
    admins = figures.calls_per_user(user=cast.admin, filters=ReportFilters(user=cast.rep2))

    assert mine == [{"user": cast.rep2.get_full_name(), **directions(1, 2, 1)}]
    assert admins == [{"user": cast.rep2.get_full_name(), **directions(1, 1, 1)}]


def test_a_rep_counts_only_the_calls_of_their_team(cast, data_set):
    assert figures.calls_per_week(user=cast.rep, filters=ALL) == [
        {"week": date(2025, 3, 3), "count": 2, "users": 1},
        {"week": date(2025, 3, 10), "count": 1, "users": 1},
    ]


def test_a_guest_counts_the_call_they_are_invited_to(cast, data_set):
    event_guest_add(event=data_set["C10"], user=cast.rep2, guest_user=cast.rep)

    assert figures.calls_per_team(user=cast.rep, filters=ALL) == [
        {"team": "Équipe Nord", **directions(1, 2)},
        {"team": "Équipe Sud", **directions(0, 1)},
    ]


def test_the_managers_calls_cover_the_company(cast, data_set):
    assert figures.calls_per_user(user=cast.manager, filters=ALL) == [
        {"user": cast.rep.get_full_name(), **directions(1, 2)},
        {"user": cast.manager.get_full_name(), **directions(0, 1)},
    ]


def test_a_call_with_an_unknown_direction_counts_as_without_one(cast, data_set):
    Event.objects.filter(pk=data_set["C1"].pk).update(call_direction="fax")

    rows = figures.calls_per_user(user=cast.rep, filters=ALL)

    assert rows == [{"user": cast.rep.get_full_name(), **directions(1, 1, 1)}]


# Speed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", report_charts("calls"), ids=lambda chart: chart.key)
def test_each_call_chart_runs_one_query_however_many_rows(cast, data_set, chart):
    manager = cast.manager
    assert manager.role and manager.team_ids is not None and manager.company_ids is not None
    with CaptureQueriesContext(connection) as few:
        chart.figure(user=manager, filters=ALL)
    for index in range(30):
        owner = (cast.rep, cast.manager)[index % 2]
        direction = ("inbound", "outbound", "")[index % 3]
        start = paris(2025, 1 + index % 12, 1 + index % 28, 9)
        new_event(owner, f"More {index}", "call", start, status="done", call_direction=direction)

    with CaptureQueriesContext(connection) as many:
        rows = chart.figure(
            user=manager, filters=ReportFilters(company=cast.north_company, date_from=date(2025, 1, 1))
        )

    assert rows
    assert len(few) == 1
    assert len(many) == 1
