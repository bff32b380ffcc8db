"""Figures of the leads report, against a small data set computed by hand (SPEC §6).

L1  rep      "Site web"  Agroalimentaire     created 2025-01-10  converted, its opportunity won
L2  rep      "Site web"  —                   created 2025-01-20  converted, its opportunity open
L3  rep      "Salon"     Agroalimentaire     created 2025-02-05  converted without an opportunity
L4  rep2     —           Banque / Assurance  created 2025-02-10  lost
L5  rep2     "Salon"     —                   created 2025-02-12  open
L6  manager  "Site web"  —                   created 2025-03-01  converted, its opportunity won
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from crm.models import IndustrySector, LeadSource, LostReason
from leads.models import Lead
from leads.services import lead_create, lead_lose
from leads.services.conversion import ConversionRequest, lead_convert
from opportunities.services import opportunity_win
from reports.figures import leads as figures
from reports.filters import ReportFilters
from reports.registry import report_charts

pytestmark = pytest.mark.django_db

D = Decimal
ALL = ReportFilters()


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def source(name):
    return LeadSource.objects.get(name=name)


def sector(name):
    return IndustrySector.objects.get(name=name)


def new_lead(user, name, created, **fields):
    lead = lead_create(user=user, fields={"last_name": name, "company_name": f"Société {name}", **fields})
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.make_aware(datetime(*created, 10)))
    lead.refresh_from_db()
    return lead


def convert(lead, user, *, with_opportunity=True, won=False):
    result = lead_convert(
        lead=lead,
        user=user,
        request=ConversionRequest(create_opportunity=with_opportunity, opportunity_amount=D("1000.00")),
    )
    if won:
        opportunity_win(opportunity=result.opportunity, user=user)
    return result


@pytest.fixture
def leads(cast):
    rep, rep2, manager = cast.rep, cast.rep2, cast.manager
    l1 = new_lead(
        rep, "L1", (2025, 1, 10), source=source("Site web"), industry_sector=sector("Agroalimentaire")
    )
    convert(l1, rep, won=True)
    l2 = new_lead(rep, "L2", (2025, 1, 20), source=source("Site web"))
    convert(l2, rep)
    l3 = new_lead(rep, "L3", (2025, 2, 5), source=source("Salon"), industry_sector=sector("Agroalimentaire"))
    convert(l3, rep, with_opportunity=False)
    l4 = new_lead(rep2, "L4", (2025, 2, 10), industry_sector=sector("Banque / Assurance"))
    lead_lose(lead=l4, user=rep2, reason=LostReason.objects.get(name="Pas de budget"))
    new_lead(rep2, "L5", (2025, 2, 12), source=source("Salon"))
    l6 = new_lead(manager, "L6", (2025, 3, 1), source=source("Site web"))
    convert(l6, manager, won=True)


def test_leads_by_source_put_the_largest_source_first_and_name_the_missing_one(cast, leads):
    assert figures.leads_by_source(user=cast.admin, filters=ALL) == [
        {"source": "Site web", "count": 3},
        {"source": "Salon", "count": 2},
        {"source": "No source", "count": 1},
    ]


def test_leads_by_status_follow_the_configured_order(cast, leads):
    assert figures.leads_by_status(user=cast.admin, filters=ALL) == [
        {"status": "To process", "colour": "#5b8def", "count": 1},
        {"status": "Converted", "colour": "#2e9d4f", "count": 4},
        {"status": "Lost", "colour": "#c0392b", "count": 1},
    ]


def test_leads_by_industry_sector(cast, leads):
    assert figures.leads_by_sector(user=cast.admin, filters=ALL) == [
        {"sector": "No sector", "count": 3},
        {"sector": "Agroalimentaire", "count": 2},
        {"sector": "Banque / Assurance", "count": 1},
    ]


def test_leads_by_month_of_creation_with_their_outcome(cast, leads):
    assert figures.leads_by_month(user=cast.admin, filters=ALL) == [
        {"month": date(2025, 1, 1), "created": 2, "converted": 2, "lost": 0},
        {"month": date(2025, 2, 1), "created": 3, "converted": 1, "lost": 1},
        {"month": date(2025, 3, 1), "created": 1, "converted": 1, "lost": 0},
    ]


def test_the_conversion_counts_leads_then_those_with_an_opportunity_then_those_won(cast, leads):
    assert figures.leads_conversion(user=cast.admin, filters=ALL) == [
        {"step": "Leads", "count": 6, "step_rate": D("100.0"), "lead_rate": D("100.0")},
        {"step": "With an opportunity", "count": 3, "step_rate": D("50.0"), "lead_rate": D("50.0")},
        {"step": "Won", "count": 2, "step_rate": D("66.7"), "lead_rate": D("33.3")},
    ]


def test_the_conversion_of_a_period_without_opportunities_has_no_won_rate(cast, leads):
    february = ReportFilters(date_from=date(2025, 2, 1), date_to=date(2025, 2, 28))

    assert figures.leads_conversion(user=cast.admin, filters=february) == [
        {"step": "Leads", "count": 3, "step_rate": D("100.0"), "lead_rate": D("100.0")},
        {"step": "With an opportunity", "count": 0, "step_rate": D("0.0"), "lead_rate": D("0.0")},
        {"step": "Won", "count": 0, "step_rate": None, "lead_rate": D("0.0")},
    ]


def test_the_conversion_has_no_rows_without_leads(cast):
    assert figures.leads_conversion(user=cast.admin, filters=ALL) == []


def test_a_lead_with_several_opportunities_counts_once(cast, leads):
    result = Lead.objects.get(last_name="L2").opportunities.get()
    result.pk = None
    result.save()

    rows = figures.leads_conversion(user=cast.admin, filters=ALL)

    assert [row["count"] for row in rows] == [6, 3, 2]


def test_the_period_applies_to_the_leads_creation_date(cast, leads):
    rows = figures.leads_by_source(user=cast.admin, filters=ReportFilters(date_to=date(2025, 1, 31)))

    assert rows == [{"source": "Site web", "count": 2}]


def test_the_team_user_and_company_filters_narrow_the_leads(cast, leads):
    by_team = figures.leads_by_source(user=cast.admin, filters=ReportFilters(team=cast.south))
    by_user = figures.leads_by_source(user=cast.admin, filters=ReportFilters(user=cast.manager))
    by_company = figures.leads_by_source(user=cast.admin, filters=ReportFilters(company=cast.south_company))

    assert by_team == [{"source": "Salon", "count": 1}, {"source": "No source", "count": 1}]
    assert by_user == [{"source": "Site web", "count": 1}]
    assert by_company == by_team


def test_a_reps_conversion_counts_only_the_reps_leads(cast, leads):
    assert figures.leads_conversion(user=cast.rep, filters=ALL) == [
        {"step": "Leads", "count": 3, "step_rate": D("100.0"), "lead_rate": D("100.0")},
        {"step": "With an opportunity", "count": 2, "step_rate": D("66.7"), "lead_rate": D("66.7")},
        {"step": "Won", "count": 1, "step_rate": D("50.0"), "lead_rate": D("33.3")},
    ]


def test_the_managers_leads_report_covers_the_company(cast, leads):
    assert figures.leads_by_source(user=cast.manager, filters=ALL) == [
        {"source": "Site web", "count": 3},
        {"source": "Salon", "count": 1},
    ]


def test_an_opportunity_the_rep_cannot_see_does_not_count_as_converted(cast, leads):
    opportunity = Lead.objects.get(last_name="L1").opportunities.get()
    opportunity.assigned_user, opportunity.team = cast.rep2, cast.south
    opportunity.save()

    rows = figures.leads_conversion(user=cast.rep, filters=ALL)

    assert [row["count"] for row in rows] == [3, 1, 0]


@pytest.mark.parametrize("chart", report_charts("leads"), ids=lambda chart: chart.key)
def test_each_lead_chart_runs_one_query_however_many_rows(cast, leads, chart):
    manager = cast.manager
    assert manager.role and manager.team_ids is not None and manager.company_ids is not None
    with CaptureQueriesContext(connection) as few:
        chart.figure(user=manager, filters=ALL)
    sources = list(LeadSource.objects.all())
    for index in range(30):
        lead = new_lead(
            cast.manager, f"More {index}", (2025, 1 + index % 12, 1), source=sources[index % len(sources)]
        )
        if index % 3 == 0:
            convert(lead, cast.manager, won=index % 2 == 0)

    with CaptureQueriesContext(connection) as many:
        chart.figure(
            user=manager, filters=ReportFilters(company=cast.north_company, date_from=date(2025, 1, 1))
        )

    assert len(few) == 1
    assert len(many) == 1
