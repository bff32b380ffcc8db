"""manage.py seed_demo, the sales workflow: leads, opportunities with their quotes, events.

Every status, type and owner is present, records are linked and dated consistently, the duplicates
of the merge demo are found, `--size N` adds an exact number of records in a number of queries that
does not depend on N, and a second default run adds nothing.
"""

import sqlite3
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.duplicates import duplicate_groups
from crm.models import Activity, ActivityVerb, Contact, CrmSettings, Team, ThirdParty, User
from events.models import (
    CallDirection,
    Event,
    EventGuest,
    EventStatus,
    EventType,
    EventVisibility,
    GuestResponse,
    Recurrence,
    Reminder,
    ReminderMode,
)
from leads.demo import explicit_timestamps, kanban_rank
from leads.models import Lead, LeadStage, LeadStatus
from opportunities.models import (
    Opportunity,
    OpportunityStage,
    OpportunityStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
)

pytestmark = pytest.mark.django_db

SALES_USERS = {"rep", "rep2", "manager"}
WORKFLOW_MODELS = (
    Lead,
    Lead.tags.through,
    Opportunity,
    Quote,
    QuoteLine,
    Event,
    EventGuest,
    Reminder,
    Recurrence,
    Activity,
)


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in (*WORKFLOW_MODELS, ThirdParty, Contact)}


def owners(queryset) -> set[tuple[str, str]]:
    return set(queryset.values_list("assigned_user__username", "team__name"))


def test_every_status_type_and_owner_is_present():
    seed_demo()
    nord, sud = ("Équipe Nord", "Équipe Sud")
    expected_owners = {("rep", nord), ("manager", nord), ("rep2", sud)}

    leads = Lead.objects.all()
    assert 75 <= leads.count() <= 85
    statuses = LeadStatus.objects.filter(archived=False)
    for status in statuses:
        for username in SALES_USERS:
            assert leads.filter(status=status, assigned_user__username=username).exists(), (status, username)
    assert set(leads.values_list("stage", flat=True)) == set(LeadStage.values)
    assert owners(leads) == expected_owners

    opportunities = Opportunity.objects.all()
    assert opportunities.count() == 50
    for status in OpportunityStatus.objects.filter(archived=False):
        for username in SALES_USERS:
            assert opportunities.filter(status=status, assigned_user__username=username).exists(), (
                status,
                username,
            )
    assert set(opportunities.values_list("stage", flat=True)) == set(OpportunityStage.values)
    assert owners(opportunities) == expected_owners

    events = Event.objects.all()
    assert 110 <= events.count() <= 125
    assert set(events.values_list("type", flat=True)) == set(EventType.values)
    assert set(events.values_list("status", flat=True)) == set(EventStatus.values)
    for event_type in EventType.values:
        for username in SALES_USERS:
            assert events.filter(type=event_type, assigned_user__username=username).exists(), (
                event_type,
                username,
            )
    assert expected_owners <= owners(events)
    assert set(events.values_list("assigned_user__username", flat=True)) == SALES_USERS | {"admin"}
    calls = events.filter(type=EventType.CALL)
    assert set(calls.values_list("call_direction", flat=True)) == set(CallDirection.values)
    assert not events.exclude(type=EventType.CALL).exclude(call_direction="").exists()
    assert events.filter(visibility=EventVisibility.PRIVATE).exists()
    # Each category's type is the event's type; every type has events in a category.
    assert not events.exclude(category=None).exclude(category__type=F("type")).exists()
    assert set(events.exclude(category=None).values_list("type", flat=True)) == set(EventType.values)
    for team in Team.objects.all():
        for queryset in (leads, opportunities, events):
            assert queryset.filter(team=team).exists()


def test_leads_are_linked_and_dated_like_a_real_pipeline():
    seed_demo()
    settings = CrmSettings.load()
    now = timezone.now()
    run_third_parties = set(ThirdParty.objects.values_list("pk", flat=True))

    converted = Lead.objects.filter(stage=LeadStage.CONVERTED)
    assert converted.exists()
    assert set(converted.values_list("status", flat=True)) == {settings.lead_converted_status_id}
    for lead in converted.select_related("converted_third_party", "converted_contact"):
        assert lead.converted_third_party_id in run_third_parties
        assert lead.converted_at is not None and lead.created_at < lead.converted_at <= now
        assert lead.company_name == lead.converted_third_party.name
        if lead.converted_contact is not None:
            assert lead.converted_contact.main_third_party_id == lead.converted_third_party_id
            assert lead.last_name == lead.converted_contact.last_name
        assert lead.assigned_user_id == lead.converted_third_party.assigned_user_id
    assert converted.exclude(converted_contact=None).exists()
    # A third party comes from one lead at most.
    assert converted.values("converted_third_party").annotate(n=Count("pk")).filter(n__gt=1).count() == 0

    lost = Lead.objects.filter(stage=LeadStage.LOST)
    assert set(lost.values_list("status", flat=True)) == {settings.lead_lost_status_id}
    assert not lost.filter(lost_reason=None).exists()
    open_leads = Lead.objects.filter(stage=LeadStage.OPEN)
    assert not open_leads.filter(
        Q(status__is_open=False) | ~Q(lost_reason=None) | ~Q(converted_at=None)
    ).exists()
    assert open_leads.filter(is_nurturing=True).exists()
    assert Lead.objects.exclude(source=None).exists() and Lead.objects.exclude(industry_sector=None).exists()
    assert Lead.tags.through.objects.exists()
    assert len(set(Lead.objects.values_list("scoring", flat=True))) >= 4
    assert not Lead.objects.exclude(company=F("team__company")).exists()

    # Created over the past twelve months, not all today; the Kanban rank follows the creation date.
    created = list(Lead.objects.values_list("created_at", flat=True))
    assert min(created) >= now - timedelta(days=366) and max(created) <= now
    assert min(created) < now - timedelta(days=180) and max(created) > now - timedelta(days=60)
    assert len({moment.date() for moment in created}) > 40
    for lead in Lead.objects.all():
        assert lead.kanban_rank == kanban_rank(lead.created_at)
        assert lead.updated_at >= lead.created_at


def test_opportunities_and_quotes_are_consistent():
    seed_demo()
    now = timezone.now()
    today = timezone.localdate()
    opportunities = Opportunity.objects.all()
    assert set(opportunities.filter(stage=OpportunityStage.WON).values_list("probability", flat=True)) == {
        100
    }
    assert set(opportunities.filter(stage=OpportunityStage.LOST).values_list("probability", flat=True)) == {0}
    open_probabilities = set(
        opportunities.filter(stage=OpportunityStage.OPEN).values_list("probability", flat=True)
    )
    assert open_probabilities and 0 < min(open_probabilities) and max(open_probabilities) < 100
    assert not opportunities.filter(stage=OpportunityStage.LOST, lost_reason=None).exists()
    assert not opportunities.exclude(stage=OpportunityStage.LOST).exclude(lost_reason=None).exists()
    closed = opportunities.exclude(stage=OpportunityStage.OPEN)
    assert not closed.filter(closed_at=None).exists()
    assert not opportunities.filter(stage=OpportunityStage.OPEN).exclude(closed_at=None).exists()
    assert (
        not closed.filter(closed_at__lte=F("created_at")).exists()
        and not closed.filter(closed_at__gt=now).exists()
    )
    assert not opportunities.filter(amount__lte=0).exists()
    # Won deals are with customers; every opportunity is with one of the run's sales accounts.
    assert not opportunities.filter(stage=OpportunityStage.WON, third_party__is_customer=False).exists()
    assert not opportunities.filter(Q(third_party=None) | Q(third_party__is_internal=True)).exists()
    assert (
        not opportunities.exclude(contact=None).exclude(contact__main_third_party=F("third_party")).exists()
    )

    # Expected close dates from six months ago to nine months ahead, spread over many months.
    dates = list(opportunities.values_list("expected_close_date", flat=True))
    assert min(dates) >= today - timedelta(days=200) and max(dates) <= today + timedelta(days=280)
    assert min(dates) < today - timedelta(days=60) and max(dates) > today + timedelta(days=120)
    assert len({(day.year, day.month) for day in dates}) >= 8
    assert opportunities.filter(stage=OpportunityStage.OPEN, expected_close_date__gt=today).exists()
    assert len({moment.date() for moment in closed.values_list("closed_at", flat=True)}) >= 5

    # Some come from converted leads: created when the lead was converted, with its third party.
    from_leads = opportunities.exclude(origin_lead=None).select_related("origin_lead")
    assert from_leads.exists()
    for opportunity in from_leads:
        lead = opportunity.origin_lead
        assert lead.stage == LeadStage.CONVERTED
        assert opportunity.third_party_id == lead.converted_third_party_id
        assert opportunity.created_at == lead.converted_at

    # Quotes: proposal → draft or sent, won → confirmed, and their totals are the sum of their lines.
    settings = CrmSettings.load()
    quotes = Quote.objects.select_related("opportunity").prefetch_related("lines")
    assert set(quotes.values_list("status", flat=True)) == set(QuoteStatus.values)
    for quote in quotes:
        lines = list(quote.lines.all())
        assert 1 <= len(lines) <= 4
        assert quote.total == sum((line.amount for line in lines), Decimal("0"))
        opportunity = quote.opportunity
        assert quote.third_party_id == opportunity.third_party_id
        assert quote.company_id == opportunity.company_id
        assert quote.created_at >= opportunity.created_at
        if quote.status == QuoteStatus.CONFIRMED:
            assert opportunity.stage == OpportunityStage.WON
            assert quote.confirmed_at is not None and quote.confirmed_at <= opportunity.closed_at
        if quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            assert opportunity.status_id == settings.opportunity_proposal_status_id
    for opportunity in opportunities.filter(stage=OpportunityStage.WON):
        assert opportunity.quotes.filter(status=QuoteStatus.CONFIRMED).exists()
    proposals = opportunities.filter(status=settings.opportunity_proposal_status_id)
    assert proposals.exists()
    for opportunity in proposals:
        latest = opportunity.quotes.order_by("-created_at").first()
        assert latest is not None and latest.status in (QuoteStatus.DRAFT, QuoteStatus.SENT)
        assert opportunity.amount == latest.total
    references = list(Quote.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references) and all(ref.startswith("D") for ref in references)


def test_events_are_linked_dated_and_invited_consistently():
    seed_demo()
    now = timezone.now()
    events = Event.objects.all()
    assert events.exclude(lead=None).exists() and events.exclude(opportunity=None).exists()
    assert events.exclude(third_party=None).exists() and events.exclude(contact=None).exists()
    # Past events are mostly done, future ones planned or cancelled; notes are done.
    past, future = events.filter(end__lt=now), events.filter(start__gt=now)
    assert past.filter(status=EventStatus.DONE).count() > past.count() * 0.6
    assert not future.filter(status=EventStatus.DONE).exists()
    assert set(events.filter(type=EventType.NOTE).values_list("status", flat=True)) == {EventStatus.DONE}
    assert not events.filter(end__lt=F("start")).exists()
    assert not events.filter(created_at__gt=now).exists()
    assert not events.filter(all_day=False, type=EventType.ABSENCE).exists()
    # Linked like events.services.links_from_record would link them, owned like their record.
    for event in events.exclude(opportunity=None).select_related("opportunity"):
        assert (event.third_party_id, event.contact_id) == (
            event.opportunity.third_party_id,
            event.opportunity.contact_id,
        )
        assert event.assigned_user_id == event.opportunity.assigned_user_id
        assert event.start >= event.opportunity.created_at
    for event in events.exclude(lead=None).select_related("lead"):
        assert event.third_party_id == event.lead.converted_third_party_id
        assert event.assigned_user_id == event.lead.assigned_user_id
    linked = events.exclude(contact=None).exclude(third_party=None)
    assert not linked.exclude(contact__main_third_party=F("third_party")).exists()

    guests = EventGuest.objects.all()
    assert guests.exclude(user=None).exists() and guests.exclude(contact=None).exists()
    assert set(guests.values_list("response", flat=True)) >= {GuestResponse.YES, GuestResponse.NONE}
    assert not guests.filter(user=F("event__assigned_user")).exists()

    # Three series made through the services: the occurrences are real events.
    assert Recurrence.objects.count() == 3
    assert sorted(Recurrence.objects.values_list("count", flat=True)) == [6, 6, 8]
    assert Event.objects.exclude(recurrence=None).exclude(lead=None).count() == 6
    weekly = Event.objects.filter(subject="Réunion commerciale hebdomadaire").order_by("start")
    assert weekly.count() == 8 and weekly[0].guests.count() == weekly[7].guests.count() == 2

    reminders = Reminder.objects.all()
    assert set(reminders.values_list("mode", flat=True)) == set(ReminderMode.values)
    assert not reminders.filter(event__status=EventStatus.CANCELLED).exists()
    # A reminder already due was sent: the periodic task has nothing old to send.
    assert not reminders.filter(due_at__lte=now, sent_at=None).exists()
    assert not reminders.exclude(owner=F("event__assigned_user")).exists()


def test_created_activities_for_leads_and_opportunities_share_their_dates():
    seed_demo()
    for model in (Lead, Opportunity):
        entries = Activity.objects.filter(content_type=ContentType.objects.get_for_model(model))
        # Besides "created", only the entries of the recurring call to a lead (events.services).
        assert set(entries.values_list("verb", flat=True)) <= {ActivityVerb.CREATED, ActivityVerb.EVENT}
        activities = entries.filter(verb=ActivityVerb.CREATED)
        assert activities.count() == model.objects.count()
        by_record = {
            pk: (actor, when)
            for pk, actor, when in activities.values_list("object_id", "actor_id", "created_at")
        }
        records = model.objects.values_list("pk", "assigned_user_id", "created_at")
        assert by_record == {pk: (actor, when) for pk, actor, when in records}
    # The contacts entered twice for the merge demo have theirs too.
    contact_activities = Activity.objects.filter(content_type=ContentType.objects.get_for_model(Contact))
    assert contact_activities.filter(verb=ActivityVerb.CREATED).count() == Contact.objects.count()


def test_duplicates_to_merge_are_found():
    seed_demo()
    admin = User.objects.get(username="admin")
    lead_groups = duplicate_groups(model=Lead, user=admin, fields=["company_name", "last_name"]).groups
    pairs = [{lead.company_name for lead in group.members} for group in lead_groups]
    assert {"Conserverie Guérin", "CONSERVERIE GUERIN"} in pairs
    assert {"Transports Le Goff", "Transports LeGoff"} in pairs
    assert (
        len([group for group in lead_groups if len({lead.company_name for lead in group.members}) > 1]) >= 3
    )
    # A rep sees both leads of the pairs assigned to them or their team.
    rep = User.objects.get(username="rep")
    assert duplicate_groups(model=Lead, user=rep, fields=["company_name", "last_name"]).groups

    contact_groups = duplicate_groups(
        model=Contact, user=admin, fields=["last_name", "first_name", "email"]
    ).groups
    twins = [
        group for group in contact_groups if len({c.full_name for c in group.members}) == len(group.members)
    ]
    assert len(twins) >= 2
    for group in twins:
        assert len({contact.main_third_party_id for contact in group.members}) == 1


def test_size_adds_exact_counts_and_a_second_default_run_nothing():
    seed_demo()
    before = counts()
    assert "nothing to do" in seed_demo()
    assert counts() == before

    seed_demo("--size", "10")
    after = counts()
    added = {label: after[label] - before[label] for label in after}
    assert added[ThirdParty._meta.label] == 10
    assert added[Lead._meta.label] == 30
    assert added[Opportunity._meta.label] == 17
    assert added[Event._meta.label] == 70
    assert added[Recurrence._meta.label] == 0  # the series belong to the default set
    assert added[Reminder._meta.label] >= 1
    # Linked to the records of this run.
    new_third_parties = set(ThirdParty.objects.order_by("-pk").values_list("pk", flat=True)[:10])
    new_leads = set(Lead.objects.order_by("-pk").values_list("pk", flat=True)[:30])
    new_opportunities = Opportunity.objects.order_by("-pk")[:17]
    assert {opportunity.third_party_id for opportunity in new_opportunities} <= new_third_parties
    new_events = list(Event.objects.order_by("-pk")[:70])
    assert {event.third_party_id for event in new_events} - {None} <= new_third_parties
    assert {event.lead_id for event in new_events} - {None} <= new_leads


def test_size_is_reproducible_for_a_seed():
    seed_demo("--size", "10", "--seed", "7")
    first = {
        "leads": list(Lead.objects.order_by("pk").values_list("last_name", "status__name")),
        "opportunities": list(Opportunity.objects.order_by("pk").values_list("name", "amount", "stage")),
        "events": list(Event.objects.order_by("pk").values_list("type", "subject")),
    }
    for model in (Event, Quote, Opportunity, Lead, Activity):
        model.objects.all().delete()
    Contact.objects.all().delete()
    ThirdParty.objects.all().delete()
    seed_demo("--size", "10", "--seed", "7")
    second = {
        "leads": list(Lead.objects.order_by("pk").values_list("last_name", "status__name")),
        "opportunities": list(Opportunity.objects.order_by("pk").values_list("name", "amount", "stage")),
        "events": list(Event.objects.order_by("pk").values_list("type", "subject")),
    }
    assert second == first


def test_query_count_does_not_grow_with_size(monkeypatch):
    seed_demo("--size", "2")  # the users, teams, companies, internal company and factor exist
    if connection.vendor == "sqlite":
        # Django splits SQLite inserts at 999 parameters, the limit of old SQLite builds (a lead has 40
        # columns: 24 rows per INSERT). Use this build's limit, so that only row-by-row work would show.
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)
    measured = {}
    for size in (10, 40):
        with CaptureQueriesContext(connection) as context:
            seed_demo("--size", str(size))
        measured[size] = [query["sql"] for query in context.captured_queries]
    assert Lead.objects.count() == 3 * 52 and Event.objects.count() == 7 * 52
    assert Opportunity.objects.count() == 3 + 17 + 68

    def inserts(queries: list[str]) -> list[str]:
        return [sql for sql in queries if sql.lstrip().upper().startswith("INSERT")]

    # Reads, savepoints, reservations of quote references are the same whatever the size...
    assert len(measured[40]) - len(inserts(measured[40])) == len(measured[10]) - len(inserts(measured[10]))
    # ...and rows go in bulk: one INSERT per table. Either run may lack an optional one (the core's
    # subsidiaries and tags, lead tags, quotes).
    assert abs(len(measured[40]) - len(measured[10])) <= 3
    assert len(inserts(measured[40])) <= 30


def test_explicit_timestamps_keep_the_dates_given_and_restore_auto_now():
    created_field = Lead._meta.get_field("created_at")
    updated_field = Lead._meta.get_field("updated_at")
    with explicit_timestamps(Lead):
        assert not created_field.auto_now_add and not updated_field.auto_now
    assert created_field.auto_now_add and updated_field.auto_now
    with pytest.raises(RuntimeError), explicit_timestamps(Lead):
        raise RuntimeError
    assert created_field.auto_now_add and updated_field.auto_now
