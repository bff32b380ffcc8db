"""The calendar (SPEC §5.1): month, week and day views of my events or my team's, in one query for the
events whatever their number."""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from events.services import event_create, event_guest_add
from events.views import CalendarView, calendar_bounds
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=9, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def create(user, subject, start, **fields):
    return event_create(user=user, fields={"subject": subject, "start": start, **fields})


def calendar(user, **params):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("event_calendar"), params)


def day_cell(page, day):
    """The HTML of one day of the month grid, of the week or of the day view."""
    cells = dict(part.split('"', 1) for part in page.split('data-date="')[1:])
    return cells[day]


def subjects(html):
    return [unescape(subject) for subject in re.findall(r'<span class="subject">([^<]+)</span>', html)]


def test_the_month_grid_runs_whole_weeks_from_monday_to_sunday():
    assert calendar_bounds(CalendarView.MONTH, date(2026, 3, 18)) == (
        date(2026, 2, 23),
        date(2026, 4, 5),
        date(2026, 2, 1),
        date(2026, 4, 1),
    )


def test_the_week_runs_from_monday_and_moves_by_seven_days():
    assert calendar_bounds(CalendarView.WEEK, date(2026, 3, 4)) == (
        date(2026, 3, 2),
        date(2026, 3, 8),
        date(2026, 2, 25),
        date(2026, 3, 11),
    )


def test_the_calendar_shows_an_event_on_its_day(cast):
    create(cast.rep, "Rendez-vous Dupain", at(11, 14, 30))

    page = calendar(cast.rep, view="month", date="2026-03-01").content.decode()

    assert subjects(day_cell(page, "2026-03-11")) == ["Rendez-vous Dupain"]
    assert '<time datetime="2026-03-11T14:30:00+01:00">14:30</time>' in day_cell(page, "2026-03-11")
    assert subjects(day_cell(page, "2026-03-10")) == []
    assert "<h1>March 2026</h1>" in page


def test_an_event_late_in_the_evening_is_on_its_local_day(cast):
    create(cast.rep, "Dîner client", at(11, 23, 30), end=at(11, 23, 55))

    page = calendar(cast.rep, view="month", date="2026-03-11").content.decode()

    assert (subjects(day_cell(page, "2026-03-11")), subjects(day_cell(page, "2026-03-12"))) == (
        ["Dîner client"],
        [],
    )


def test_an_event_over_several_days_is_shown_on_each(cast):
    create(cast.rep, "Salon", at(10), end=at(12, 18), all_day=True)

    page = calendar(cast.rep, view="month", date="2026-03-01").content.decode()

    assert [subjects(day_cell(page, f"2026-03-{day:02d}")) for day in (9, 10, 11, 12, 13)] == [
        [],
        ["Salon"],
        ["Salon"],
        ["Salon"],
        [],
    ]


def test_a_busy_day_lists_three_events_and_a_link_to_the_others(cast):
    for hour in range(8, 13):
        create(cast.rep, f"Appel {hour}h", at(11, hour))

    cell = day_cell(calendar(cast.rep, view="month", date="2026-03-01").content.decode(), "2026-03-11")

    assert subjects(cell) == ["Appel 8h", "Appel 9h", "Appel 10h", "Appel 11h", "Appel 12h"]
    assert cell.count('<li class="overflow">') == 2
    assert '<a class="more" href="?view=day&amp;date=2026-03-11&amp;scope=mine">+2 more</a>' in cell


def test_the_month_calendar_runs_the_same_queries_with_3_or_60_events_and_one_for_the_events(cast):
    client = client_for(cast.rep)
    url = reverse("event_calendar") + "?view=month&date=2026-03-01"

    def render_month(count):
        for index in range(Event.objects.count(), count):
            create(cast.rep, f"Rendez-vous {index}", at(1 + index % 28, 8 + index % 10))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(subjects(response.content.decode())) == count
        return [query["sql"] for query in queries]

    client.get(url)  # the content types and the session are cached from now on
    few, many = render_month(3), render_month(60)

    assert len(many) == len(few)
    assert len([sql for sql in many if 'FROM "events_event"' in sql]) == 1


def test_a_rep_does_not_see_another_teams_event_in_the_calendar(cast):
    create(cast.rep, "Ma réunion", at(11))
    create(cast.rep2, "Réunion Sud", at(11))

    mine = calendar(cast.rep, view="month", date="2026-03-01", scope="mine").content.decode()
    team = calendar(cast.rep, view="month", date="2026-03-01", scope="team").content.decode()

    assert subjects(mine) == ["Ma réunion"]
    assert subjects(team) == ["Ma réunion"]


def test_the_team_calendar_shows_my_teammates_events_and_mine_only_my_own_and_invitations(cast):
    teammate = UserFactory(username="rep3")
    cast.north.members.add(teammate)
    create(cast.rep, "Ma réunion", at(9))
    create(teammate, "Réunion de l'équipier", at(10), team=cast.north)
    invited = create(cast.rep2, "Invitation Sud", at(11))
    event_guest_add(event=invited, user=cast.rep2, guest_user=cast.rep)

    mine = calendar(cast.rep, view="month", date="2026-03-01", scope="mine").content.decode()
    team = calendar(cast.rep, view="month", date="2026-03-01", scope="team").content.decode()

    assert subjects(mine) == ["Ma réunion", "Invitation Sud"]
    assert subjects(team) == ["Ma réunion", "Réunion de l'équipier"]


def test_the_week_view_puts_all_day_events_above_the_timed_ones_sorted_by_time(cast):
    create(cast.rep, "Appel 16h", at(4, 16))
    create(cast.rep, "Appel 8h", at(4, 8))
    create(cast.rep, "Congés", at(4, 0), end=at(4, 23, 59), all_day=True, type="absence")

    page = calendar(cast.rep, view="week", date="2026-03-04").content.decode()

    cell = day_cell(page, "2026-03-04")
    all_day, timed = cell.split('<ul class="timed">')
    assert (subjects(all_day), subjects(timed)) == (["Congés"], ["Appel 8h", "Appel 16h"])
    assert "<h1>Week of 2 March to 8 March 2026</h1>" in page
    assert re.findall(r'data-date="([\d-]+)"', page) == [f"2026-03-0{day}" for day in range(2, 9)]


def test_the_day_view_lists_the_events_by_hour(cast):
    create(cast.rep, "Petit-déjeuner", at(4, 7, 30))
    create(cast.rep, "Appel", at(4, 14, 15))

    page = calendar(cast.rep, view="day", date="2026-03-04").content.decode()

    rows = re.findall(r'<th scope="row">(\d\d):00</th>\s*<td>(.*?)</td>', page, re.S)
    assert [hour for hour, _cell in rows] == [f"{hour:02d}" for hour in range(7, 19)]
    assert {hour: subjects(cell) for hour, cell in rows if subjects(cell)} == {
        "07": ["Petit-déjeuner"],
        "14": ["Appel"],
    }


def test_previous_next_and_today_keep_the_view_and_the_scope(cast):
    page = calendar(cast.rep, view="week", date="2026-03-04", scope="team").content.decode()

    assert 'href="?view=week&amp;date=2026-02-25&amp;scope=team" rel="prev"' in page
    assert 'href="?view=week&amp;date=2026-03-11&amp;scope=team" rel="next"' in page


def test_unknown_parameters_fall_back_to_this_month_of_my_events(cast):
    response = calendar(cast.rep, view="year", date="not-a-date", scope="everyone")

    assert response.status_code == 200
    assert 'class="active" aria-current="page">Month</a>' in response.content.decode()
    assert 'class="active" aria-current="page">My events</a>' in response.content.decode()


def test_the_month_view_has_a_full_day_name_for_the_phone_list(cast):
    create(cast.rep, "Rendez-vous", at(11))

    page = calendar(cast.rep, view="month", date="2026-03-01").content.decode()

    assert '<span class="day-full">Wednesday 11 March</span>' in page
