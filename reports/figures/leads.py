"""Figures of the leads report: sources, statuses, sectors, months, lead → opportunity → won conversion."""

from decimal import Decimal

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from crm.models import User
from crm.visibility import visible_records
from leads.models import Lead, LeadStage
from opportunities.models import Opportunity, OpportunityStage
from reports.filters import ReportFilters

from .expressions import Row, percent, status_label, tenths

ALL = Decimal("100.0")


def _leads(*, user: User, filters: ReportFilters) -> QuerySet[Lead]:
    """Visible leads created in the period: every lead figure counts leads by their creation."""
    return filters.apply(visible_records(Lead.objects.all(), user=user), period_field="created_at")


def leads_by_source(*, user: User, filters: ReportFilters) -> list[Row]:
    rows = (
        _leads(user=user, filters=filters)
        .values("source", "source__name")
        .annotate(count=Count("pk"))
        .order_by("-count", F("source__name").asc(nulls_last=True))
    )
    return [{"source": row["source__name"] or _("No source"), "count": row["count"]} for row in rows]


def leads_by_status(*, user: User, filters: ReportFilters) -> list[Row]:
    rows = (
        _leads(user=user, filters=filters)
        .values("status__sequence", "status_id", "status__name", "status__name_en", "status__colour")
        .annotate(count=Count("pk"))
        .order_by("status__sequence", "status_id")
    )
    return [
        {"status": status_label(row), "colour": row["status__colour"], "count": row["count"]} for row in rows
    ]


def leads_by_sector(*, user: User, filters: ReportFilters) -> list[Row]:
    rows = (
        _leads(user=user, filters=filters)
        .values("industry_sector", "industry_sector__name")
        .annotate(count=Count("pk"))
        .order_by("-count", F("industry_sector__name").asc(nulls_last=True))
    )
    return [{"sector": row["industry_sector__name"] or _("No sector"), "count": row["count"]} for row in rows]


def leads_by_month(*, user: User, filters: ReportFilters) -> list[Row]:
    """Leads by month of creation, with how many of them are converted or lost today."""
    rows = (
        _leads(user=user, filters=filters)
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month")
        .annotate(
            created=Count("pk"),
            converted=Count("pk", filter=Q(stage=LeadStage.CONVERTED)),
            lost=Count("pk", filter=Q(stage=LeadStage.LOST)),
        )
        .order_by("month")
    )
    return [{key: row[key] for key in ("month", "created", "converted", "lost")} for row in rows]


def leads_conversion(*, user: User, filters: ReportFilters) -> list[Row]:
    """Leads created in the period; of them, those with an opportunity; of those, the ones won.

    Only the opportunities the user may see count, like everything else in a report. The subqueries
    are not correlated: PostgreSQL reads the opportunities once (a hashed subplan) instead of
    probing them for each lead.
    """
    opportunities = visible_records(Opportunity.objects.filter(origin_lead__isnull=False), user=user)
    with_any = Q(pk__in=opportunities.values("origin_lead"))
    with_won = Q(pk__in=opportunities.filter(stage=OpportunityStage.WON).values("origin_lead"))
    total = Count("pk")
    with_opportunity = Count("pk", filter=with_any)
    won = Count("pk", filter=with_won)
    figures = _leads(user=user, filters=filters).aggregate(
        leads=total,
        with_opportunity=with_opportunity,
        won=won,
        opportunity_rate=percent(with_opportunity, total),
        won_rate=percent(won, with_opportunity),
        won_lead_rate=percent(won, total),
    )
    if not figures["leads"]:
        return []
    return [
        {"step": _("Leads"), "count": figures["leads"], "step_rate": ALL, "lead_rate": ALL},
        {
            "step": _("With an opportunity"),
            "count": figures["with_opportunity"],
            "step_rate": tenths(figures["opportunity_rate"]),
            "lead_rate": tenths(figures["opportunity_rate"]),
        },
        {
            "step": _("Won"),
            "count": figures["won"],
            "step_rate": tenths(figures["won_rate"]),
            "lead_rate": tenths(figures["won_lead_rate"]),
        },
    ]
