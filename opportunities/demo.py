"""Demo opportunities and quotes for `manage.py seed_demo` (crm.demo), after the leads step.

Opportunities of the run's third parties and contacts, in every status, for every sales user: amounts,
probabilities that match the status (100 when won, 0 when lost, as the services set them), expected
close dates from six months ago to nine months ahead, closing dates of won and lost ones after their
creation. Some come from the run's converted leads (origin_lead, created when the lead was converted).
Opportunities in proposal have a draft or sent quote, won ones a confirmed quote, some lost ones a
refused one; a quote's total is the sum of its lines, each rounded half-up to the cent.

Bulk inserts in chunks of third parties, one transaction each, dated as the records say (see
leads.demo.explicit_timestamps); one "created" Activity per opportunity.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from crm.demo.core import BATCH_SIZE
from crm.models import Activity, CrmSettings, LeadSource, LostReason, Sequence, Team, User
from leads.demo import (
    CHUNK_SIZE,
    DemoThirdParty,
    add_count,
    created_activities,
    explicit_timestamps,
    id_range,
    kanban_rank,
    moment_between,
    sales_users,
    share,
    third_party_chunks,
)
from leads.models import Lead, LeadStage
from opportunities.models import (
    Opportunity,
    OpportunityStage,
    OpportunityStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from opportunities.services.quotes import QUOTE_SEQUENCE

if TYPE_CHECKING:
    from crm.demo import DemoRun

DEFAULT_OPPORTUNITIES = 50
OPPORTUNITIES_PER_THIRD_PARTY = Decimal("1.7")  # 500,000 opportunities for 300,000 third parties
PAST_CLOSE_DAYS = 180  # expected close dates from six months ago...
NEXT_CLOSE_DAYS = 270  # ...to nine months ahead
CENT = Decimal("0.01")

# Probability (%) of the default open statuses (opportunities migration 0002), by name; other open
# statuses get one from their place in the pipeline.
PROBABILITIES = {
    "À traiter": 10,
    "Qualification marketing": 20,
    "Qualification commerciale": 40,
    "Nurturing": 15,
    "Proposition": 60,
}
SUBJECTS = (
    "Contrat de maintenance annuel",
    "Renouvellement du parc informatique",
    "Équipement de l'atelier",
    "Extension de garantie",
    "Migration logicielle",
    "Formation des équipes",
    "Fourniture de consommables",
    "Audit énergétique",
    "Mise en conformité",
    "Projet d'automatisation",
    "Licences logicielles",
    "Accompagnement ERP",
    "Location longue durée de véhicules",
    "Rénovation des locaux",
    "Prestation de nettoyage",
    "Solution de téléphonie",
    "Déploiement Wi-Fi",
    "Sécurisation du réseau",
    "Vidéosurveillance du site",
    "Agencement de l'entrepôt",
)
DESCRIPTIONS = (
    "Besoin identifié lors de la visite du site.",
    "Appel d'offres : trois fournisseurs consultés.",
    "Décision en comité de direction, à préparer avec le DAF.",
    "Budget validé pour l'exercice en cours.",
    "Le client souhaite un déploiement en deux phases.",
)
# (label, lowest unit price, highest unit price, quantities)
PRODUCTS: tuple[tuple[str, int | Decimal, int | Decimal, tuple[int | Decimal, ...]], ...] = (
    ("Licence logicielle (par poste)", 180, 650, (5, 10, 12, 20, 25, 50)),
    ("Journée de formation", 900, 1400, (1, 2, 3, 5)),
    ("Contrat de maintenance annuel", 1200, 9000, (1,)),
    ("Installation et mise en service", 450, 3500, (1,)),
    ("Heures d'intervention technicien", 65, 95, (Decimal("4"), Decimal("7.5"), Decimal("12.5"), 16, 40)),
    ("Frais de déplacement", 45, 350, (1, 2, 3, 4)),
    ("Consommables (carton de 10)", 25, 90, (2, 5, 10, 24, 30)),
    ("Audit sur site", 1500, 4500, (1,)),
    ("Extension de garantie 3 ans", 90, 480, (1, 3, 6, 10)),
    ("Matériel : lot complet", 2500, 25000, (1, 2)),
    ("Câblage (mètre linéaire)", Decimal("2.5"), 9, (Decimal("120"), Decimal("350.5"), 800)),
)
AMOUNTS = {  # by third-party size: lowest and highest amount (log-uniform)
    "micro": (1_000, 8_000),
    "small": (2_500, 30_000),
    "medium": (8_000, 80_000),
    "intermediate": (20_000, 200_000),
    "large": (40_000, 400_000),
}


def seed_opportunities(run: DemoRun) -> None:
    """About 1.7 opportunities per third party (50 in the default set) and their quotes."""
    size = len(run.third_party_ids)
    total = (
        DEFAULT_OPPORTUNITIES
        if run.default_set
        else int((OPPORTUNITIES_PER_THIRD_PARTY * run.size).to_integral_value(ROUND_HALF_UP))
    )
    factory = _OpportunityFactory(run)
    forced = factory.coverage() if run.default_set else []
    done = 0
    counts = _Counts()
    for third_parties in third_party_chunks(run):
        count = share(total, done, len(third_parties), size)
        plans = factory.chunk(third_parties, count, forced)
        _insert(plans, counts)
        done += len(third_parties)
        if run.size > CHUNK_SIZE:
            run.log(f"  opportunities: {counts.opportunities:,} / {total:,}")
    run.created["opportunities"] = counts.opportunities
    run.created["quotes"] = counts.quotes
    run.created["quote lines"] = counts.lines
    add_count(run, "activities", counts.activities)


@dataclass
class _Counts:
    opportunities: int = 0
    quotes: int = 0
    lines: int = 0
    activities: int = 0


@dataclass
class _Plan:
    opportunity: Opportunity
    quotes: list[tuple[Quote, list[QuoteLine]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Timeline:
    status: OpportunityStatus
    created_at: datetime
    close: date  # the expected close date; the closing date once won or lost
    closed_at: datetime | None


@dataclass(frozen=True)
class _ConvertedLead:
    pk: int
    third_party_id: int
    contact_id: int | None
    user_id: int | None
    team_id: int | None
    company_id: int | None
    source_id: int | None
    scoring: int
    converted_at: datetime


def _insert(plans: list[_Plan], counts: _Counts) -> None:
    """One transaction: the opportunities, their "created" activities, quotes and quote lines."""
    quotes = sorted(
        (quote for plan in plans for quote, _lines in plan.quotes), key=lambda quote: quote.created_at
    )
    with transaction.atomic(), explicit_timestamps(Opportunity, Quote, Activity):
        opportunities = [plan.opportunity for plan in plans]
        Opportunity.objects.bulk_create(opportunities, batch_size=BATCH_SIZE)
        activities = created_activities(Opportunity, opportunities, actor=lambda o: o.assigned_user_id)
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        if quotes:
            # References in the order the quotes were made, reserved in one block.
            references = Sequence.reserve(QUOTE_SEQUENCE, count=len(quotes), prefix="D")
            for quote, reference in zip(quotes, references, strict=True):
                quote.reference = reference
        for plan in plans:
            for quote, _lines in plan.quotes:
                quote.opportunity_id = plan.opportunity.pk
        Quote.objects.bulk_create(quotes, batch_size=BATCH_SIZE)
        lines = []
        for plan in plans:
            for quote, quote_lines in plan.quotes:
                for line in quote_lines:
                    line.quote_id = quote.pk
                    lines.append(line)
        QuoteLine.objects.bulk_create(lines, batch_size=BATCH_SIZE)
    counts.opportunities += len(opportunities)
    counts.quotes += len(quotes)
    counts.lines += len(lines)
    counts.activities += len(activities)


class _OpportunityFactory:
    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.rng = run.rng
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        settings = CrmSettings.load()
        statuses = {status.pk: status for status in OpportunityStatus.objects.filter(archived=False)}
        self.won = statuses.get(settings.opportunity_won_status_id or 0)
        self.lost = statuses.get(settings.opportunity_lost_status_id or 0)
        closed_ids = {status.pk for status in (self.won, self.lost) if status is not None}
        self.open = sorted(
            (s for s in statuses.values() if s.is_open and s.pk not in closed_ids),
            key=lambda status: (status.sequence, status.pk),
        )
        self.proposal = statuses.get(settings.opportunity_proposal_status_id or 0)
        self.lost_reasons = list(LostReason.objects.filter(active=True))
        self.sources = list(LeadSource.objects.filter(active=True))
        self.sales = sales_users(run)
        self.team_company = {team.pk: team.company_id for team in run.cast.teams}

    def coverage(self) -> list[tuple[User, Team, OpportunityStatus]]:
        """Each status for each sales user: the first opportunities of the default set."""
        statuses = [*self.open, *(s for s in (self.won, self.lost) if s is not None)]
        return [(user, team, status) for status in statuses for user, team in self.sales]

    # What to create

    def chunk(
        self,
        third_parties: list[DemoThirdParty],
        count: int,
        forced: list[tuple[User, Team, OpportunityStatus]],
    ) -> list[_Plan]:
        rng = self.rng
        accounts = [tp for tp in third_parties if tp.is_sales_account] or third_parties
        if not accounts or count <= 0:
            return []
        # Won deals are with customers (opportunity_win turns a won prospect into a customer).
        customers = [tp for tp in accounts if tp.is_customer] or accounts
        by_user: dict[int | None, list[DemoThirdParty]] = {}
        for tp in accounts:
            by_user.setdefault(tp.user_id, []).append(tp)
        by_pk = {tp.pk: tp for tp in third_parties}
        leads = self._converted_leads(third_parties)
        rng.shuffle(leads)
        from_leads = leads[: min(math.ceil(len(leads) * 0.6), count * 2 // 5)]
        plans = []
        for index in range(count):
            if forced:
                user, team, status = forced.pop(0)
                pool = by_user.get(user.pk) or accounts
                if status == self.won:
                    pool = [tp for tp in pool if tp.is_customer] or customers
                timeline = self._timeline(status)
                plans.append(self._opportunity(rng.choice(pool), timeline, owner=(user, team)))
            elif index >= count - len(from_leads):
                lead = from_leads.pop()
                tp = by_pk[lead.third_party_id]
                timeline = self._timeline(None, lead=lead, can_win=tp.is_customer)
                plans.append(self._opportunity(tp, timeline, lead=lead))
            else:
                timeline = self._timeline(None)
                tp = rng.choice(customers if timeline.status == self.won else accounts)
                plans.append(self._opportunity(tp, timeline))
        return plans

    def _converted_leads(self, third_parties: list[DemoThirdParty]) -> list[_ConvertedLead]:
        """The leads of this run converted to these third parties (no other lead points to them)."""
        wanted = {tp.pk for tp in third_parties}
        bounds = (min(wanted), max(wanted))
        rows = (
            Lead.objects.filter(**id_range("converted_third_party", bounds), stage=LeadStage.CONVERTED)
            .order_by("pk")
            .values_list(
                "pk",
                "converted_third_party_id",
                "converted_contact_id",
                "assigned_user_id",
                "team_id",
                "company_id",
                "source_id",
                "scoring",
                "converted_at",
            )
        )
        return [_ConvertedLead(*row) for row in rows if row[1] in wanted and row[8] is not None]

    # One opportunity

    def _timeline(
        self, status: OpportunityStatus | None, *, lead: _ConvertedLead | None = None, can_win: bool = True
    ) -> _Timeline:
        """Creation, expected close, status and closing: consistent with each other and with today."""
        rng = self.rng
        now = self.now
        earliest = now - timedelta(days=364)
        if lead is not None:  # created by the lead's conversion
            created_at = lead.converted_at
            close = timezone.localdate(created_at) + timedelta(days=rng.randint(20, 150))
            # A lead converted long ago: its opportunity was expected to close no earlier than the others.
            close = max(close, self.today - timedelta(days=rng.randint(1, PAST_CLOSE_DAYS)))
        else:
            if status is None:
                close = self.today + timedelta(days=rng.randint(-PAST_CLOSE_DAYS, NEXT_CLOSE_DAYS))
            elif status in (self.won, self.lost):
                close = self.today - timedelta(days=rng.randint(1, PAST_CLOSE_DAYS))
            else:
                close = self.today + timedelta(days=rng.randint(-30, NEXT_CLOSE_DAYS))
            latest = min(now - timedelta(hours=1), _at(close) - timedelta(days=rng.randint(7, 20)))
            start = max(earliest, _at(close) - timedelta(days=rng.randint(30, 300)))
            created_at = moment_between(rng, min(start, latest - timedelta(days=1)), latest)
        if status is None:
            status = self._status(created_at, close)
            if status == self.won and not can_win:
                status = self.proposal or self.open[-1]
        closed_at = None
        if status in (self.won, self.lost):
            # Closed around the expected date, never before its creation nor in the future.
            around = _at(close) + timedelta(days=rng.randint(-10, 5))
            low = created_at + timedelta(hours=rng.randint(2, 72))
            closed_at = min(max(around, low), now - timedelta(minutes=rng.randint(5, 600)))
            closed_at = max(closed_at, created_at + timedelta(minutes=30))
            close = timezone.localdate(closed_at)
        return _Timeline(status, created_at, close, closed_at)

    def _opportunity(
        self,
        tp: DemoThirdParty,
        timeline: _Timeline,
        *,
        owner: tuple[User, Team] | None = None,
        lead: _ConvertedLead | None = None,
    ) -> _Plan:
        rng = self.rng
        status, created_at, closed_at = timeline.status, timeline.created_at, timeline.closed_at
        stage = (
            OpportunityStage.WON
            if status == self.won
            else OpportunityStage.LOST
            if status == self.lost
            else OpportunityStage.OPEN
        )
        user_id: int | None
        team_id: int | None
        if owner is not None:
            user_id, team_id = owner[0].pk, owner[1].pk
            company_id = self.team_company.get(team_id) or tp.company_id
        elif lead is not None:
            user_id, team_id, company_id = lead.user_id, lead.team_id, lead.company_id
        else:
            user_id, team_id, company_id = tp.user_id, tp.team_id, tp.company_id
        if lead is not None:
            contact_id = lead.contact_id
        else:
            contact_id = rng.choice(tp.contacts).pk if tp.contacts and rng.random() < 0.9 else None
        amount = self._amount(tp)
        quotes = self._quotes(stage, status, timeline, amount, user_id, team_id, company_id, tp)
        if quotes and stage != OpportunityStage.LOST:
            amount = quotes[-1][0].total  # the amount of the latest quote
        subject = rng.choice(SUBJECTS)
        suffix = rng.random()
        if suffix < 0.35:
            name = f"{subject} {timezone.localdate(created_at).year + (1 if suffix < 0.15 else 0)}"
        elif suffix < 0.5 and tp.city:
            name = f"{subject} – site {_of(tp.city)}"
        else:
            name = subject
        source_id = lead.source_id if lead is not None else tp.source_id
        if source_id is None and self.sources and rng.random() < 0.5:
            source_id = rng.choice(self.sources).pk
        lost_reason = None
        if stage == OpportunityStage.LOST and self.lost_reasons:
            lost_reason = rng.choice(self.lost_reasons)
        opportunity = Opportunity(
            name=name,
            third_party_id=tp.pk,
            contact_id=contact_id,
            status_id=status.pk,
            stage=stage,  # the FSM field is protected: it is set once, when the object is built
            scoring=lead.scoring if lead is not None else max(0, min(5, tp.scoring + rng.randint(-1, 1))),
            probability=self._probability(status),
            amount=amount,
            best_case=(amount * Decimal("1.25")).quantize(Decimal(1)) if rng.random() < 0.5 else None,
            worst_case=(amount * Decimal("0.6")).quantize(Decimal(1)) if rng.random() < 0.4 else None,
            expected_close_date=timeline.close,
            company_id=company_id,
            source_id=source_id,
            description=rng.choice(DESCRIPTIONS) if rng.random() < 0.3 else "",
            lost_reason_id=lost_reason.pk if lost_reason is not None else None,
            origin_lead_id=lead.pk if lead is not None else None,
            closed_at=closed_at,
            assigned_user_id=user_id,
            team_id=team_id,
            created_at=created_at,
            updated_at=closed_at or moment_between(rng, created_at, self.now),
            kanban_rank=kanban_rank(created_at),
        )
        return _Plan(opportunity, quotes)

    def _status(self, created_at: datetime, close: date) -> OpportunityStatus:
        """Past the expected date: mostly closed; before it, the nearer the date, the further along."""
        rng = self.rng
        if self.won is not None and self.lost is not None:
            if close <= self.today and rng.random() < 0.85:
                return self.won if rng.random() < 0.4 else self.lost
            if close > self.today and rng.random() < 0.05:
                return self.lost
        # How far along the deal is, 0 when just created to 1 on the expected date: statuses near
        # that point of the pipeline are the likeliest. Nurturing is a side track, at any point.
        span = max((close - timezone.localdate(created_at)).days, 1)
        progress = 1 - max((close - self.today).days, 0) / span
        last = max(len(self.open) - 1, 1)
        weights = [
            0.4
            if (status.name_en or status.name).casefold() == "nurturing"
            else math.exp(-((index / last - progress) ** 2) / 0.15)
            for index, status in enumerate(self.open)
        ]
        return rng.choices(self.open, weights)[0]

    def _probability(self, status: OpportunityStatus) -> int:
        if status == self.won:
            return 100
        if status == self.lost:
            return 0
        position = 10 + 50 * self.open.index(status) // max(len(self.open) - 1, 1)
        base = PROBABILITIES.get(status.name, position)
        return max(5, min(95, base + self.rng.choice((-5, 0, 0, 5, 10))))

    def _amount(self, tp: DemoThirdParty) -> Decimal:
        low, high = AMOUNTS.get(tp.size, AMOUNTS["small"])
        if tp.is_key_account:
            low, high = low * 3 // 2, high * 3 // 2
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        step = 50 if value < 10_000 else 500
        return Decimal(max(step, round(value / step) * step))

    # Quotes

    def _quotes(
        self,
        stage: str,
        status: OpportunityStatus,
        timeline: _Timeline,
        amount: Decimal,
        user_id: int | None,
        team_id: int | None,
        company_id: int | None,
        tp: DemoThirdParty,
    ) -> list[tuple[Quote, list[QuoteLine]]]:
        """Proposal: a draft or sent quote; won: a confirmed one; lost: sometimes a refused one. Some
        have an earlier, refused version."""
        rng = self.rng
        if stage == OpportunityStage.WON:
            final = QuoteStatus.CONFIRMED
        elif stage == OpportunityStage.LOST:
            if rng.random() >= 0.3:
                return []
            final = QuoteStatus.REFUSED
        elif status == self.proposal:
            final = QuoteStatus.SENT if rng.random() < 0.6 else QuoteStatus.DRAFT
        else:
            return []
        statuses = [QuoteStatus.REFUSED, final] if rng.random() < 0.2 else [final]
        closed_at = timeline.closed_at
        end = closed_at or self.now
        made = sorted(moment_between(rng, timeline.created_at, end) for _ in statuses)
        quotes = []
        for index, (quote_status, quote_at) in enumerate(zip(statuses, made, strict=True)):
            target = amount * Decimal("1.1") if index < len(statuses) - 1 else amount
            lines = _lines(rng, target)
            total = sum((line.amount for line in lines), Decimal("0"))
            confirmed_at = None
            if quote_status == QuoteStatus.CONFIRMED:
                confirmed_at = closed_at or moment_between(rng, quote_at, end)
                quote_at = min(quote_at, confirmed_at)
            quote = Quote(
                reference="",  # reserved in one block when the chunk is inserted
                third_party_id=tp.pk,
                company_id=company_id,
                status=quote_status,  # protected FSM field, set once at construction
                total=total,
                confirmed_at=confirmed_at,
                assigned_user_id=user_id,
                team_id=team_id,
                created_at=quote_at,
                updated_at=confirmed_at or (end if quote_status == QuoteStatus.REFUSED else quote_at),
            )
            quotes.append((quote, lines))
        return quotes


def _lines(rng: random.Random, target: Decimal) -> list[QuoteLine]:
    """1 to 4 lines adding up to about `target`; each line's amount is rounded half-up to the cent."""
    count = rng.choices((1, 2, 3, 4), (3, 4, 3, 2))[0]
    products = rng.sample(PRODUCTS, count)
    weights = [rng.uniform(0.5, 2) for _ in products]
    lines = []
    for sequence, ((label, low, high, quantities), weight) in enumerate(zip(products, weights, strict=True)):
        part = target * Decimal(weight / sum(weights))
        low, high = Decimal(low), Decimal(high)
        quantity = Decimal(rng.choice(quantities))
        if len(quantities) > 1 and part / quantity > high:  # more of them rather than a silly price
            quantity = (part / ((low + high) / 2)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        unit_price = min(max(part / quantity, low), high * 3)
        # Prices such as 1,249.90 or 73.45: to ten cents from 100 euros, to five cents below.
        step = Decimal("0.10") if unit_price >= 100 else Decimal("0.05")
        unit_price = (unit_price / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        lines.append(
            QuoteLine(sequence=sequence, label=label, quantity=quantity, unit_price=unit_price.quantize(CENT))
        )
    return lines


def _of(name: str) -> str:
    """'de Lyon', 'd'Angers': French elision before a vowel or a mute h."""
    return f"d'{name}" if name[:1].lower() in "aeiouyhéèêâîôû" else f"de {name}"


def _at(day: date) -> datetime:
    """Noon, Paris time, on `day`."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))
