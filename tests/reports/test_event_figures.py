"""Figures of the events report, against a small data set computed by hand (SPEC §6).

The data set, shared with the calls report's tests (times in Paris; rep is in the north team and
company, rep2 in the south ones, the manager in the north company without being a team member):

    C1   rep      call, outbound     done       2025-03-03 09:00  Appel de prospection
    C2   rep      call, outbound     done       2025-03-05 14:00  Appel de prospection
    C3   rep      call, inbound      done       2025-03-10 00:30  Appel de suivi   (Sunday 23:30 in UTC)
    C4   rep2     call, inbound      done       2025-03-11 10:00
    C5   rep2     call, outbound     done       2025-03-13 16:00  Appel de prospection
    C6   rep2     call, no direction done       2025-03-14 11:00
    C7   manager  call, outbound     done       2025-03-12 09:00  Appel de suivi   (no team)
    C8   rep      call, outbound     planned    2025-03-17 09:00
    C9   rep      call, inbound      cancelled  2025-03-04 11:00
    C10  rep2     call, outbound     done       2025-03-12 15:00  private
    M1   rep      meeting            done       2025-02-20 10:00  Rendez-vous client
    M2   rep      meeting            planned    2025-03-20 10:00  Rendez-vous client
    T1   rep      task               cancelled  2025-03-06 10:00  Relance
    N1   rep2     note               done       2025-02-10 10:00
    A1   rep2     absence            planned    2025-03-24 09:00  Congés           private
    E1   manager  event              planned    2025-04-01 00:30  Salon            north team (March 31 in UTC)

Nobody but rep2 sees C10 and A1, not even the admin: private events count for their owner and guests.
"""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from events.models import Event, EventCategory
from events.services import event_cancel, event_create, event_done, event_guest_add
from reports.figures import events as figures
from reports.filters import ReportFilters
from reports.registry import report_charts

pytestmark = pytest.mark.django_db

ALL = ReportFilters()
MARCH = ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def paris(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def new_event(user, subject, event_type, start, *, status="planned", category=None, **fields):
    """An event created, then done or cancelled, through the services, as a user would."""
    if category is not None:
        fields["category"] = EventCategory.objects.get(code=category)
    event = event_create(user=user, fields={"subject": subject, "type": event_type, "start": start, **fields})
    if status == "done":
        event_done(event=event, user=user)
    elif status == "cancelled":
        event_cancel(event=event, user=user)
    return event


def build_data_set(cast) -> dict:
    rep, rep2, manager = cast.rep, cast.rep2, cast.manager
    call = "call"
    events = [
        new_event(rep, "C1", call, paris(2025, 3, 3, 9), status="done", category="CALL_PROSPECTING",
                  call_direction="outbound"),
        new_event(rep, "C2", call, paris(2025, 3, 5, 14), status="done", category="CALL_PROSPECTING",
                  call_direction="outbound"),
        new_event(rep, "C3", call, paris(2025, 3, 10, 0, 30), status="done", category="CALL_FOLLOW_UP",
                  call_direction="inbound"),
        new_event(rep2, "C4", call, paris(2025, 3, 11, 10), status="done", call_direction="inbound"),
        new_event(rep2, "C5", call, paris(2025, 3, 13, 16), status="done", category="CALL_PROSPECTING",
                  call_direction="outbound"),
        new_event(rep2, "C6", call, paris(2025, 3, 14, 11), status="done"),
        new_event(manager, "C7", call, paris(2025, 3, 12, 9), status="done", category="CALL_FOLLOW_UP",
                  call_direction="outbound"),
        new_event(rep, "C8", call, paris(2025, 3, 17, 9), call_direction="outbound"),
        new_event(rep, "C9", call, paris(2025, 3, 4, 11), status="cancelled", call_direction="inbound"),
        new_event(rep2, "C10", call, paris(2025, 3, 12, 15), status="done", call_direction="outbound",
                  visibility="private"),
        new_event(rep, "M1", "meeting", paris(2025, 2, 20, 10), status="done", category="MEETING_CUSTOMER"),
        new_event(rep, "M2", "meeting", paris(2025, 3, 20, 10), category="MEETING_CUSTOMER"),
        new_event(rep, "T1", "task", paris(2025, 3, 6, 10), status="cancelled", category="TASK_FOLLOW_UP"),
        new_event(rep2, "N1", "note", paris(2025, 2, 10, 10), status="done"),
        new_event(rep2, "A1", "absence", paris(2025, 3, 24, 9), category="ABSENCE_LEAVE",
                  visibility="private"),
        new_event(manager, "E1", "event", paris(2025, 4, 1, 0, 30), category="EVENT_TRADE_SHOW",
                  team=cast.north),
    ]  # fmt: skip
    return {event.subject: event for event in events}


@pytest.fixture
def data_set(cast):
    return build_data_set(cast)


def statuses(planned, done, cancelled):
    return {"planned": planned, "done": done, "cancelled": cancelled, "total": planned + done + cancelled}


# The figures ---------------------------------------------------------------------------------------


def test_events_by_category_put_the_most_frequent_first_and_group_those_without_one(cast, data_set):
    assert figures.events_by_category(user=cast.admin, filters=ALL) == [
        {"category": "No category", "count": 5},
        {"category": "Appel de prospection", "count": 3},
        {"category": "Appel de suivi", "count": 2},
        {"category": "Rendez-vous client", "count": 2},
        {"category": "Relance", "count": 1},
        {"category": "Salon", "count": 1},
    ]


def test_events_by_type_name_each_type_in_the_users_language(cast, data_set):
    assert figures.events_by_type(user=cast.admin, filters=ALL) == [
        {"type": "Call", "count": 9},
        {"type": "Meeting", "count": 2},
        {"type": "Event", "count": 1},
        {"type": "Note", "count": 1},
        {"type": "Task", "count": 1},
    ]
    with translation.override("fr"):
        french = figures.events_by_type(user=cast.admin, filters=ALL)
    assert [row["type"] for row in french] == ["Appel", "Rendez-vous", "Événement", "Note", "Tâche"]


def test_planned_done_and_cancelled_events_per_user_the_busiest_first(cast, data_set):
    assert figures.events_per_user(user=cast.admin, filters=ALL) == [
        {"user": cast.rep.get_full_name(), **statuses(2, 4, 2)},
        {"user": cast.rep2.get_full_name(), **statuses(0, 4, 0)},
        {"user": cast.manager.get_full_name(), **statuses(1, 1, 0)},
    ]


def test_planned_done_and_cancelled_events_per_team_group_those_without_a_team(cast, data_set):
    assert figures.events_per_team(user=cast.admin, filters=ALL) == [
        {"team": "Équipe Nord", **statuses(3, 4, 2)},
        {"team": "Équipe Sud", **statuses(0, 4, 0)},
        {"team": "No team", **statuses(0, 1, 0)},
    ]


def test_planned_done_and_cancelled_events_per_month_of_their_start_in_paris_time(cast, data_set):
    # E1 starts on April 1st at 00:30 in Paris, still March 31 in UTC.
    assert figures.events_per_month(user=cast.admin, filters=ALL) == [
        {"month": date(2025, 2, 1), **statuses(0, 2, 0)},
        {"month": date(2025, 3, 1), **statuses(2, 7, 2)},
        {"month": date(2025, 4, 1), **statuses(1, 0, 0)},
    ]


def test_an_unassigned_event_has_its_own_row(cast, data_set):
    Event.objects.filter(pk=data_set["N1"].pk).update(assigned_user=None)

    rows = figures.events_per_user(user=cast.admin, filters=ALL)

    assert rows[-1] == {"user": "Unassigned", **statuses(0, 1, 0)}


def test_no_event_no_rows(cast):
    for chart in report_charts("events"):
        assert chart.figure(user=cast.admin, filters=ALL) == []


# Filters -------------------------------------------------------------------------------------------


def test_the_period_applies_to_the_start_in_paris_time(cast, data_set):
    rows = figures.events_per_month(user=cast.admin, filters=MARCH)

    assert rows == [{"month": date(2025, 3, 1), **statuses(2, 7, 2)}]
    only_april = ReportFilters(date_from=date(2025, 4, 1))
    assert figures.events_by_type(user=cast.admin, filters=only_april) == [{"type": "Event", "count": 1}]


def test_the_team_user_and_company_filters_narrow_the_events(cast, data_set):
    by_team = figures.events_by_type(user=cast.admin, filters=ReportFilters(team=cast.south))
    by_user = figures.events_by_type(user=cast.admin, filters=ReportFilters(user=cast.manager))
    by_company = figures.events_per_user(user=cast.admin, filters=ReportFilters(company=cast.north_company))

    assert by_team == [{"type": "Call", "count": 3}, {"type": "Note", "count": 1}]
    assert by_user == [{"type": "Call", "count": 1}, {"type": "Event", "count": 1}]
    assert by_company == [
        {"user": cast.rep.get_full_name(), **statuses(2, 4, 2)},
        {"user": cast.manager.get_full_name(), **statuses(1, 1, 0)},
    ]


def test_filters_combine(cast, data_set):
    filters = ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 9), team=cast.north)

    assert figures.events_by_category(user=cast.admin, filters=filters) == [
        {"category": "Appel de prospection", "count": 2},
        {"category": "Relance", "count": 1},
        {"category": "No category", "count": 1},
    ]


# Visibility ----------------------------------------------------------------------------------------


def test_others_private_events_never_count_even_for_an_admin(cast, data_set):
    rows = figures.events_per_user(user=cast.admin, filters=ReportFilters(user=cast.rep2))

    assert rows == [{"user": cast.rep2.get_full_name(), **statuses(0, 4, 0)}]


def test_a_reps_own_private_events_count_in_their_report(cast, data_set):
    assert figures.events_per_user(user=cast.rep2, filters=ALL) == [
        {"user": cast.rep2.get_full_name(), **statuses(1, 5, 0)}
    ]
    assert figures.events_by_type(user=cast.rep2, filters=ALL) == [
        {"type": "Call", "count": 4},
        {"type": "Absence", "count": 1},
        {"type": "Note", "count": 1},
    ]


def test_a_rep_counts_only_the_events_of_their_team(cast, data_set):
    # The manager's E1 is in the north team; C7 has no team and is the manager's own.
    assert figures.events_per_user(user=cast.rep, filters=ALL) == [
        {"user": cast.rep.get_full_name(), **statuses(2, 4, 2)},
        {"user": cast.manager.get_full_name(), **statuses(1, 0, 0)},
    ]


def test_a_guest_counts_the_events_they_are_invited_to_even_private_ones(cast, data_set):
    event_guest_add(event=data_set["A1"], user=cast.rep2, guest_user=cast.rep)

    rows = figures.events_per_user(user=cast.rep, filters=ALL)

    assert rows[-1] == {"user": cast.rep2.get_full_name(), **statuses(1, 0, 0)}
    assert {"type": "Absence", "count": 1} in figures.events_by_type(user=cast.rep, filters=ALL)


def test_an_event_the_user_is_both_assigned_to_and_invited_to_counts_once(cast, data_set):
    event_guest_add(event=data_set["M1"], user=cast.rep, guest_user=cast.rep)

    rows = figures.events_per_user(user=cast.rep, filters=ALL)

    assert rows[0] == {"user": cast.rep.get_full_name(), **statuses(2, 4, 2)}


def test_the_managers_report_covers_the_company(cast, data_set):
    assert figures.events_per_team(user=cast.manager, filters=ALL) == [
        {"team": "Équipe Nord", **statuses(3, 4, 2)},
        {"team": "No team", **statuses(0, 1, 0)},
    ]


def test_an_inactive_user_counts_nothing(cast, data_set):
    cast.rep.is_active = False

    assert figures.events_by_type(user=cast.rep, filters=ALL) == []


# Speed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", report_charts("events"), ids=lambda chart: chart.key)
def test_each_event_chart_runs_one_query_however_many_rows(cast, data_set, chart):
    manager = cast.manager
    assert manager.role and manager.team_ids is not None and manager.company_ids is not None
    with CaptureQueriesContext(connection) as few:
        chart.figure(user=manager, filters=ALL)
    categories = list(EventCategory.objects.filter(type="meeting"))
    for index in range(30):
        owner = (cast.rep, cast.manager)[index % 2]
        status = ("planned", "done", "cancelled")[index % 3]
        start = paris(2025, 1 + index % 12, 1 + index % 28, 9)
        category = categories[index % len(categories)].code
        new_event(owner, f"More {index}", "meeting", start, status=status, category=category)

    with CaptureQueriesContext(connection) as many:
        rows = chart.figure(
            user=manager, filters=ReportFilters(company=cast.north_company, date_from=date(2025, 1, 1))
        )

    assert rows
    assert len(few) == 1
    assert len(many) == 1
