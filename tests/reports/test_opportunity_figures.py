"""Figures of the opportunities report, against a small data set computed by hand (SPEC §6).

The data set (amounts in euros; dates in Paris time; A, B, C, F belong to the rep of the north team,
D, E, H to rep2 of the south team, G to the manager without a team, in the north company):

    A  rep      10000.00  35 %  close 2025-03-15  open, "À traiter"      created 2025-01-10
    B  rep       4999.90  40 %  close 2025-03-20  open, "Proposition"    created 2025-01-20
    C  rep       8000.00        won  2025-02-04 09:00                    created 2025-01-05 09:00 (30 days)
    D  rep2      2500.00  20 %  close 2025-04-10  open, "À traiter"      created 2025-02-01
    E  rep2      4000.00        won  2025-02-20 21:00                    created 2025-02-10 09:00 (10.5 days)
    F  rep       3000.00        lost 2025-02-25, "Prix trop élevé"       created 2025-01-15
    G  manager   6000.00  15 %  close 2025-04-05  open, "À traiter"      created 2025-02-15
    H  rep2      1000.00        lost 2025-03-10, no reason               created 2025-02-01 00:30
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from crm.models import LostReason
from opportunities.models import Opportunity, OpportunityStatus
from opportunities.services import opportunity_create, opportunity_lose, opportunity_move, opportunity_win
from reports.figures import opportunities as figures
from reports.filters import ReportFilters
from reports.registry import report_charts
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

D = Decimal
ALL = ReportFilters()


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def paris(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def create(user, name, amount, probability=10, close=None, created=None):
    opportunity = opportunity_create(
        user=user,
        fields={"name": name, "amount": D(amount), "probability": probability, "expected_close_date": close},
    )
    if created is not None:
        Opportunity.objects.filter(pk=opportunity.pk).update(created_at=created)
        opportunity.refresh_from_db()
    return opportunity


def closed_on(opportunity, when):
    Opportunity.objects.filter(pk=opportunity.pk).update(closed_at=when)


@pytest.fixture
def opportunities(cast):
    rep, rep2, manager = cast.rep, cast.rep2, cast.manager
    a = create(rep, "A", "10000.00", 35, date(2025, 3, 15), paris(2025, 1, 10, 9))
    b = create(rep, "B", "4999.90", 40, date(2025, 3, 20), paris(2025, 1, 20, 9))
    opportunity_move(opportunity=b, user=rep, status=OpportunityStatus.objects.get(name="Proposition"))
    c = create(rep, "C", "8000.00", 60, date(2025, 2, 1), paris(2025, 1, 5, 9))
    opportunity_win(opportunity=c, user=rep)
    closed_on(c, paris(2025, 2, 4, 9))
    d = create(rep2, "D", "2500.00", 20, date(2025, 4, 10), paris(2025, 2, 1, 9))
    e = create(rep2, "E", "4000.00", 70, date(2025, 2, 28), paris(2025, 2, 10, 9))
    opportunity_win(opportunity=e, user=rep2)
    closed_on(e, paris(2025, 2, 20, 21))
    f = create(rep, "F", "3000.00", 30, None, paris(2025, 1, 15, 9))
    opportunity_lose(opportunity=f, user=rep, reason=LostReason.objects.get(name="Prix trop élevé"))
    closed_on(f, paris(2025, 2, 25, 9))
    g = create(manager, "G", "6000.00", 15, date(2025, 4, 5), paris(2025, 2, 15, 9))
    h = create(rep2, "H", "1000.00", 50, None, paris(2025, 2, 1, 0, 30))
    opportunity_lose(opportunity=h, user=rep2, reason=None)
    closed_on(h, paris(2025, 3, 10, 9))
    return {opportunity.name: opportunity for opportunity in (a, b, c, d, e, f, g, h)}


# By status and funnel ------------------------------------------------------------------------------


def test_opportunities_by_status_count_and_sum_each_status_in_the_configured_order(cast, opportunities):
    assert figures.opportunities_by_status(user=cast.admin, filters=ALL) == [
        {"status": "To process", "colour": "#5b8def", "count": 3, "amount": D("18500.00")},
        {"status": "Proposal", "colour": "#e67e22", "count": 1, "amount": D("4999.90")},
        {"status": "Closed won", "colour": "#2e9d4f", "count": 2, "amount": D("12000.00")},
        {"status": "Closed lost", "colour": "#c0392b", "count": 2, "amount": D("4000.00")},
    ]


def test_the_status_order_follows_the_sequence_not_the_name(cast, opportunities):
    OpportunityStatus.objects.filter(name="Proposition").update(sequence=5)

    rows = figures.opportunities_by_status(user=cast.admin, filters=ALL)

    assert [row["status"] for row in rows] == ["Proposal", "To process", "Closed won", "Closed lost"]


def test_the_funnel_holds_only_open_opportunities_in_status_order(cast, opportunities):
    assert figures.opportunities_funnel(user=cast.admin, filters=ALL) == [
        {"status": "To process", "colour": "#5b8def", "count": 3, "amount": D("18500.00")},
        {"status": "Proposal", "colour": "#e67e22", "count": 1, "amount": D("4999.90")},
    ]


# Weighted forecasts ----------------------------------------------------------------------------------


def test_the_forecast_by_month_weighs_each_amount_by_its_probability(cast, opportunities):
    # March: A 10000.00 × 35 % + B 4999.90 × 40 % = 3500.00 + 1999.96; April: D 500.00 + G 900.00.
    assert figures.forecast_by_month(user=cast.admin, filters=ALL) == [
        {"month": date(2025, 3, 1), "count": 2, "amount": D("14999.90"), "weighted_amount": D("5499.96")},
        {"month": date(2025, 4, 1), "count": 2, "amount": D("8500.00"), "weighted_amount": D("1400.00")},
    ]


def test_the_forecast_by_user_puts_the_largest_weighted_amount_first(cast, opportunities):
    assert figures.forecast_by_user(user=cast.admin, filters=ALL) == [
        {
            "user": cast.rep.get_full_name(),
            "count": 2,
            "amount": D("14999.90"),
            "weighted_amount": D("5499.96"),
        },
        {
            "user": cast.manager.get_full_name(),
            "count": 1,
            "amount": D("6000.00"),
            "weighted_amount": D("900.00"),
        },
        {
            "user": cast.rep2.get_full_name(),
            "count": 1,
            "amount": D("2500.00"),
            "weighted_amount": D("500.00"),
        },
    ]


def test_the_forecast_by_team_groups_opportunities_without_a_team(cast, opportunities):
    assert figures.forecast_by_team(user=cast.admin, filters=ALL) == [
        {"team": "Équipe Nord", "count": 2, "amount": D("14999.90"), "weighted_amount": D("5499.96")},
        {"team": "No team", "count": 1, "amount": D("6000.00"), "weighted_amount": D("900.00")},
        {"team": "Équipe Sud", "count": 1, "amount": D("2500.00"), "weighted_amount": D("500.00")},
    ]


def test_an_opportunity_without_an_owner_is_forecast_as_unassigned(cast):
    OpportunityFactory(amount=D("1000.00"), probability=50, expected_close_date=date(2025, 5, 2))

    assert figures.forecast_by_user(user=cast.admin, filters=ALL) == [
        {"user": "Unassigned", "count": 1, "amount": D("1000.00"), "weighted_amount": D("500.00")}
    ]


# Won, lost, win rate, days to win, lost reasons -----------------------------------------------------


def test_won_and_lost_per_month_count_by_closing_month_with_the_win_rate(cast, opportunities):
    # February: C and E won, F lost; March: H lost.
    assert figures.won_lost_by_month(user=cast.admin, filters=ALL) == [
        {"month": date(2025, 2, 1), "won": 2, "lost": 1, "won_amount": D("12000.00"), "win_rate": D("66.7")},
        {"month": date(2025, 3, 1), "won": 0, "lost": 1, "won_amount": D("0.00"), "win_rate": D("0.0")},
    ]


def test_the_win_rate_is_won_over_won_and_lost(cast, opportunities):
    assert figures.win_rate(user=cast.admin, filters=ALL) == [
        {
            "won": 2,
            "lost": 2,
            "won_amount": D("12000.00"),
            "lost_amount": D("4000.00"),
            "win_rate": D("50.0"),
        }
    ]


def test_the_win_rate_has_no_row_when_nothing_is_closed(cast):
    create(cast.rep, "Open", "100.00")

    assert figures.win_rate(user=cast.admin, filters=ALL) == []


def test_the_average_time_to_win_is_in_days_from_creation(cast, opportunities):
    # C took 30 days, E 10.5 days: 20.25 days on average.
    assert figures.days_to_win(user=cast.admin, filters=ALL) == [
        {"month": date(2025, 2, 1), "won": 2, "average_days": D("20.3")}
    ]


def test_lost_reasons_count_lost_opportunities_and_name_the_missing_reason(cast, opportunities):
    assert figures.lost_reasons(user=cast.admin, filters=ALL) == [
        {"reason": "Prix trop élevé", "count": 1, "amount": D("3000.00")},
        {"reason": "No reason given", "count": 1, "amount": D("1000.00")},
    ]


# The next 90 days ----------------------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_the_next_90_days_pipeline_groups_open_opportunities_by_week_of_expected_close(cast):
    today = timezone.localdate()
    soon, later = today + timedelta(days=3), today + timedelta(days=40)
    create(cast.rep, "Soon", "1000.00", 50, soon)
    create(cast.rep, "Soon too", "3000.00", 10, soon)
    create(cast.rep, "Later", "2000.00", 25, later)
    create(cast.rep, "Too far", "9000.00", 90, today + timedelta(days=90))
    create(cast.rep, "Overdue", "9000.00", 90, today - timedelta(days=1))
    won = create(cast.rep, "Won", "9000.00", 90, soon)
    opportunity_win(opportunity=won, user=cast.rep)

    assert figures.next_days_pipeline(user=cast.rep, filters=ALL) == [
        {"week": monday(soon), "count": 2, "amount": D("4000.00"), "weighted_amount": D("800.00")},
        {"week": monday(later), "count": 1, "amount": D("2000.00"), "weighted_amount": D("500.00")},
    ]


def test_the_next_90_days_pipeline_ignores_the_period_but_not_the_other_filters(cast):
    soon = timezone.localdate() + timedelta(days=3)
    create(cast.rep, "Mine", "1000.00", 50, soon)
    create(cast.rep2, "Theirs", "3000.00", 10, soon)

    rows = figures.next_days_pipeline(
        user=cast.admin,
        filters=ReportFilters(date_from=date(2000, 1, 1), date_to=date(2000, 1, 31), user=cast.rep),
    )

    assert rows == [
        {"week": monday(soon), "count": 1, "amount": D("1000.00"), "weighted_amount": D("500.00")}
    ]


# Filters -------------------------------------------------------------------------------------------


def test_the_period_applies_to_the_creation_date_in_paris_time(cast, opportunities):
    # H was created on 1 February at 00:30 in Paris: still 31 January in UTC.
    february = ReportFilters(date_from=date(2025, 2, 1), date_to=date(2025, 2, 28))

    assert figures.opportunities_by_status(user=cast.admin, filters=february) == [
        {"status": "To process", "colour": "#5b8def", "count": 2, "amount": D("8500.00")},
        {"status": "Closed won", "colour": "#2e9d4f", "count": 1, "amount": D("4000.00")},
        {"status": "Closed lost", "colour": "#c0392b", "count": 1, "amount": D("1000.00")},
    ]


def test_the_period_applies_to_the_closing_date_for_won_and_lost(cast, opportunities):
    march = ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))

    assert figures.win_rate(user=cast.admin, filters=march) == [
        {"won": 0, "lost": 1, "won_amount": D("0.00"), "lost_amount": D("1000.00"), "win_rate": D("0.0")}
    ]


def test_the_period_applies_to_the_expected_close_date_for_forecasts(cast, opportunities):
    april = ReportFilters(date_from=date(2025, 4, 1), date_to=date(2025, 4, 5))

    assert figures.forecast_by_month(user=cast.admin, filters=april) == [
        {"month": date(2025, 4, 1), "count": 1, "amount": D("6000.00"), "weighted_amount": D("900.00")}
    ]


def test_an_open_ended_period_keeps_everything_after_its_start(cast, opportunities):
    rows = figures.opportunities_by_status(
        user=cast.admin, filters=ReportFilters(date_from=date(2025, 2, 10))
    )

    assert [(row["status"], row["count"]) for row in rows] == [("To process", 1), ("Closed won", 1)]


def test_the_team_filter_narrows_the_figures(cast, opportunities):
    assert figures.opportunities_by_status(user=cast.admin, filters=ReportFilters(team=cast.south)) == [
        {"status": "To process", "colour": "#5b8def", "count": 1, "amount": D("2500.00")},
        {"status": "Closed won", "colour": "#2e9d4f", "count": 1, "amount": D("4000.00")},
        {"status": "Closed lost", "colour": "#c0392b", "count": 1, "amount": D("1000.00")},
    ]


def test_the_user_filter_narrows_the_figures(cast, opportunities):
    assert figures.forecast_by_month(user=cast.admin, filters=ReportFilters(user=cast.manager)) == [
        {"month": date(2025, 4, 1), "count": 1, "amount": D("6000.00"), "weighted_amount": D("900.00")}
    ]


def test_the_company_filter_narrows_the_figures(cast, opportunities):
    rows = figures.won_lost_by_month(user=cast.admin, filters=ReportFilters(company=cast.north_company))

    assert rows == [
        {"month": date(2025, 2, 1), "won": 1, "lost": 1, "won_amount": D("8000.00"), "win_rate": D("50.0")}
    ]


# Visibility ----------------------------------------------------------------------------------------


def test_a_reps_report_counts_only_the_reps_and_their_teams_opportunities(cast, opportunities):
    assert figures.opportunities_by_status(user=cast.rep, filters=ALL) == [
        {"status": "To process", "colour": "#5b8def", "count": 1, "amount": D("10000.00")},
        {"status": "Proposal", "colour": "#e67e22", "count": 1, "amount": D("4999.90")},
        {"status": "Closed won", "colour": "#2e9d4f", "count": 1, "amount": D("8000.00")},
        {"status": "Closed lost", "colour": "#c0392b", "count": 1, "amount": D("3000.00")},
    ]


def test_a_team_mates_opportunity_counts_in_the_reps_report(cast, opportunities):
    opportunities["G"].team = cast.north
    Opportunity.objects.filter(pk=opportunities["G"].pk).update(team=cast.north)

    rows = figures.forecast_by_user(user=cast.rep, filters=ALL)

    assert [row["user"] for row in rows] == [cast.rep.get_full_name(), cast.manager.get_full_name()]


def test_the_managers_report_covers_the_whole_company(cast, opportunities):
    assert figures.opportunities_by_status(user=cast.manager, filters=ALL) == [
        {"status": "To process", "colour": "#5b8def", "count": 2, "amount": D("16000.00")},
        {"status": "Proposal", "colour": "#e67e22", "count": 1, "amount": D("4999.90")},
        {"status": "Closed won", "colour": "#2e9d4f", "count": 1, "amount": D("8000.00")},
        {"status": "Closed lost", "colour": "#c0392b", "count": 1, "amount": D("3000.00")},
    ]


def test_a_filter_cannot_widen_what_a_rep_sees(cast, opportunities):
    assert (
        figures.opportunities_by_status(user=cast.rep, filters=ReportFilters(company=cast.south_company))
        == []
    )
    assert figures.win_rate(user=cast.rep, filters=ReportFilters(user=cast.rep2)) == []


# Speed ---------------------------------------------------------------------------------------------


def warmed(user):
    """The user's role, teams and companies are read once per request, before any figure."""
    assert user.role and user.team_ids is not None and user.company_ids is not None
    return user


def many_more_opportunities(cast):
    statuses = list(OpportunityStatus.objects.filter(is_open=True))
    reasons = [*LostReason.objects.all(), None]
    today = timezone.localdate()
    for index in range(30):
        owner = (cast.rep, cast.rep2, cast.manager)[index % 3]
        opportunity = create(
            owner, f"More {index}", f"{1000 + index}.00", 10 + index, today + timedelta(days=index * 7)
        )
        if index % 5 == 0:
            opportunity_win(opportunity=opportunity, user=owner)
        elif index % 5 == 1:
            opportunity_lose(opportunity=opportunity, user=owner, reason=reasons[index % len(reasons)])
        else:
            Opportunity.objects.filter(pk=opportunity.pk).update(status=statuses[index % len(statuses)])


@pytest.mark.parametrize("chart", report_charts("opportunities"), ids=lambda chart: chart.key)
def test_each_opportunity_chart_runs_one_query_however_many_rows(cast, opportunities, chart):
    manager = warmed(cast.manager)
    with CaptureQueriesContext(connection) as few:
        chart.figure(user=manager, filters=ALL)
    many_more_opportunities(cast)

    with CaptureQueriesContext(connection) as many:
        rows = chart.figure(user=manager, filters=ReportFilters(team=cast.north, date_from=date(2025, 1, 1)))

    assert len(few) == 1
    assert len(many) == 1
    assert rows is not None
