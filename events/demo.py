"""Demo events for `manage.py seed_demo` (crm.demo), after the leads and opportunities steps.

Every type (calls in and out, meetings, tasks, notes, absences, trade shows and webinars) in its
categories, linked to the run's leads, third parties, contacts and opportunities and owned like them,
from six months ago to three months ahead: past ones mostly done, some cancelled, a few still planned
(overdue); some private, some with guests (users and contacts, with their answers), a few with a
reminder (at a date, or before the start; those already due are marked sent). The default set also has
three recurring series, made through events.services as a user would (they are few): a weekly sales
meeting, a monthly pipeline review and a fortnightly call to a lead in nurturing.

Bulk inserts in chunks of third parties, one transaction each, dated as the events say (see
leads.demo.explicit_timestamps). No "created" Activity per bulk event: an event is itself a dated
entry of the records it is linked to (their Events tab reads the events, not the Activity table), and
one more row per event would double the largest table of a scaled set for nothing shown. The series
made through the services get the Activity rows the services write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from crm.demo.core import BATCH_SIZE
from crm.models import Team, User
from leads.demo import (
    CHUNK_SIZE,
    DemoThirdParty,
    explicit_timestamps,
    id_range,
    moment_between,
    sales_users,
    share,
    third_party_chunks,
)
from leads.models import Lead, LeadStage
from opportunities.models import Opportunity, OpportunityStage

from .models import (
    CallDirection,
    Event,
    EventCategory,
    EventGuest,
    EventStatus,
    EventType,
    EventVisibility,
    GuestResponse,
    RecurrenceFrequency,
    Reminder,
    ReminderMode,
    ReminderRecipients,
    ReminderUnit,
)
from .services import event_create, event_guest_add, event_recurrence_set, reminder_create

if TYPE_CHECKING:
    from crm.demo import DemoRun

DEFAULT_EVENTS = 120  # the default set, the occurrences of its recurring series included
EVENTS_PER_THIRD_PARTY = 7  # scaled sets: 2,100,000 events for 300,000 third parties
PAST = timedelta(days=180)
FUTURE = timedelta(days=90)
REMINDER_RATE = 0.03  # share of the bulk events with a reminder (at least one per chunk)

LEAD, OPPORTUNITY, THIRD_PARTY, INTERNAL, PERSONAL = (
    "lead",
    "opportunity",
    "third_party",
    "internal",
    "personal",
)
# (weight, type, what it is about)
TOPICS = (
    (12, EventType.CALL, LEAD),
    (9, EventType.CALL, OPPORTUNITY),
    (9, EventType.CALL, THIRD_PARTY),
    (4, EventType.MEETING, LEAD),
    (7, EventType.MEETING, OPPORTUNITY),
    (6, EventType.MEETING, THIRD_PARTY),
    (5, EventType.MEETING, INTERNAL),
    (6, EventType.TASK, LEAD),
    (8, EventType.TASK, OPPORTUNITY),
    (6, EventType.TASK, THIRD_PARTY),
    (3, EventType.NOTE, LEAD),
    (5, EventType.NOTE, OPPORTUNITY),
    (5, EventType.NOTE, THIRD_PARTY),
    (4, EventType.EVENT, INTERNAL),
    (5, EventType.ABSENCE, PERSONAL),
)
TOPIC_WEIGHTS = [topic[0] for topic in TOPICS]

# Category code (events migration 0002) → subjects; {who} is the person or company, {what} the deal.
SUBJECTS = {
    ("CALL_PROSPECTING", CallDirection.OUTBOUND): (
        "Appel de découverte – {who}",
        "Premier contact – {who}",
        "Qualification du besoin – {who}",
    ),
    ("CALL_PROSPECTING", CallDirection.INBOUND): ("Demande d'information – {who}", "Rappel entrant – {who}"),
    ("CALL_FOLLOW_UP", CallDirection.OUTBOUND): (
        "Point d'avancement – {what}",
        "Relance téléphonique – {what}",
        "Appel de suivi – {who}",
    ),
    ("CALL_FOLLOW_UP", CallDirection.INBOUND): ("Question sur la facture – {who}", "Appel du client – {who}"),
    ("MEETING_CUSTOMER", ""): (
        "Rendez-vous – {who}",
        "Présentation de l'offre – {who}",
        "Démonstration – {who}",
        "Visite du site – {who}",
        "Négociation – {what}",
    ),
    ("MEETING_INTERNAL", ""): ("Réunion commerciale", "Point équipe", "Préparation du salon"),
    ("MEETING_TRAINING", ""): ("Formation produit", "Formation au CRM"),
    ("MEETING_EVENT", ""): ("Petit-déjeuner clients", "Soirée partenaires"),
    ("TASK_QUOTE", ""): ("Préparer le devis – {what}", "Envoyer le devis – {what}"),
    ("TASK_FOLLOW_UP", ""): (
        "Relancer {who}",
        "Envoyer la documentation à {who}",
        "Mettre à jour la fiche {who}",
    ),
    ("NOTE_REPORT", ""): ("Compte rendu – {who}", "Note d'appel – {who}"),
    ("ABSENCE_LEAVE", ""): ("Congés", "RTT", "Congés d'été", "Pont"),
    ("EVENT_TRADE_SHOW", ""): ("Salon Industrie Lyon", "Salon Global Industrie", "Salon des achats Paris"),
    ("EVENT_WEBINAR", ""): ("Webinaire : nouveautés produit", "Webinaire : optimiser ses achats"),
}
GENERIC_SUBJECTS: dict[str, str] = {
    EventType.CALL: "Appel – {who}",
    EventType.MEETING: "Réunion – {who}",
    EventType.TASK: "À faire – {who}",
    EventType.NOTE: "Note – {who}",
    EventType.ABSENCE: "Absence",
    EventType.EVENT: "Événement",
}
ROOMS = ("Salle de réunion Eiffel", "Salle Garonne", "Visio (Teams)")
VENUES = ("Eurexpo Lyon", "Paris Nord Villepinte", "Parc des expositions de Nantes")
DESCRIPTIONS = (
    "Apporter la plaquette et les références clients du secteur.",
    "Faire le point sur le calendrier et le budget.",
    "Client satisfait de la dernière livraison ; évoque un nouveau besoin.",
    "Prévoir un devis détaillé avec options.",
    "Interlocuteur pressé : aller à l'essentiel.",
)


@dataclass(frozen=True)
class _Record:
    """What an event is about and who owns it: a lead, an opportunity or a third party."""

    label: str  # {who}
    deal: str  # {what}
    user_id: int | None
    team_id: int | None
    company_id: int | None
    created_at: datetime | None
    closed_at: datetime | None
    lead_id: int | None = None
    opportunity_id: int | None = None
    third_party: DemoThirdParty | None = None
    third_party_id: int | None = None
    contact_id: int | None = None


@dataclass
class _Planned:
    event: Event
    guests: list[EventGuest] = field(default_factory=list)


def seed_events(run: DemoRun) -> None:
    """About 7 events per third party (120 in the default set, its recurring series included)."""
    size = len(run.third_party_ids)
    factory = _EventFactory(run)
    series = _SERIES_OCCURRENCES if run.default_set else 0
    total = (DEFAULT_EVENTS - series) if run.default_set else EVENTS_PER_THIRD_PARTY * run.size
    forced = factory.coverage() if run.default_set else []
    leads = _RunLeads(run.created.get("leads", 0))
    done = events = guests = reminders = 0
    for third_parties in third_party_chunks(run):
        count = share(total, done, len(third_parties), size)
        lead_rows = leads.take(share(leads.count, done, len(third_parties), size))
        planned = factory.chunk(third_parties, lead_rows, count, forced)
        added = _insert(planned, factory.reminders(planned))
        events, guests, reminders = events + added[0], guests + added[1], reminders + added[2]
        done += len(third_parties)
        if run.size > CHUNK_SIZE:
            run.log(f"  events: {events:,} / {total:,}")
    if run.default_set:
        occurrences, series_guests, series_reminders = _seed_series(run, factory)
        events, guests, reminders = events + occurrences, guests + series_guests, reminders + series_reminders
    run.created["events"] = events
    run.created["event guests"] = guests
    run.created["reminders"] = reminders


def _insert(planned: list[_Planned], reminders: list[Reminder]) -> tuple[int, int, int]:
    events = [item.event for item in planned]
    with transaction.atomic(), explicit_timestamps(Event, EventGuest, Reminder):
        Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
        guests = []
        for item in planned:
            for guest in item.guests:
                guest.event_id = item.event.pk
                guests.append(guest)
        EventGuest.objects.bulk_create(guests, batch_size=BATCH_SIZE)
        for reminder in reminders:
            reminder.event_id = reminder.event.pk
        Reminder.objects.bulk_create(reminders, batch_size=BATCH_SIZE)
    return len(events), len(guests), len(reminders)


class _RunLeads:
    """The leads the leads step created in this run (its `count` newest), a slice at a time."""

    def __init__(self, count: int) -> None:
        self.count = count
        before = list(Lead.objects.order_by("-pk").values_list("pk", flat=True)[count : count + 1])
        self.after = before[0] if before else 0

    def take(self, count: int) -> list[_Record]:
        if count <= 0:
            return []
        rows = list(
            Lead.objects.filter(pk__gt=self.after)
            .order_by("pk")
            .values_list(
                "pk",
                "company_name",
                "first_name",
                "last_name",
                "assigned_user_id",
                "team_id",
                "company_id",
                "created_at",
                "stage",
                "converted_at",
                "updated_at",
                "converted_third_party_id",
                "converted_contact_id",
            )[:count]
        )
        if rows:
            self.after = rows[-1][0]
        records = []
        for (
            pk,
            company,
            first,
            last,
            user,
            team,
            company_id,
            created,
            stage,
            converted,
            updated,
            tp,
            c,
        ) in rows:
            person = " ".join(part for part in (first, last) if part)
            closed = (
                converted if stage == LeadStage.CONVERTED else updated if stage == LeadStage.LOST else None
            )
            records.append(
                _Record(
                    label=company or person,
                    deal=company or person,
                    user_id=user,
                    team_id=team,
                    company_id=company_id,
                    created_at=created,
                    closed_at=closed,
                    lead_id=pk,
                    third_party_id=tp,
                    contact_id=c,
                )
            )
        return records


def _opportunities(third_parties: list[DemoThirdParty]) -> list[_Record]:
    by_pk = {tp.pk: tp for tp in third_parties}
    rows = (
        Opportunity.objects.filter(**id_range("third_party", (min(by_pk), max(by_pk))))
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "third_party_id",
            "contact_id",
            "assigned_user_id",
            "team_id",
            "company_id",
            "created_at",
            "closed_at",
            "stage",
        )
    )
    return [
        _Record(
            label=by_pk[tp].name,
            deal=name,
            user_id=user,
            team_id=team,
            company_id=company,
            created_at=created,
            closed_at=closed if stage != OpportunityStage.OPEN else None,
            opportunity_id=pk,
            third_party=by_pk[tp],
            third_party_id=tp,
            contact_id=contact,
        )
        for pk, name, tp, contact, user, team, company, created, closed, stage in rows
        if tp in by_pk
    ]


class _EventFactory:
    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.rng = run.rng
        self.now = timezone.now()
        self.categories = {category.code: category for category in EventCategory.objects.filter(active=True)}
        self.by_type: dict[str, list[EventCategory]] = {}
        for category in self.categories.values():
            self.by_type.setdefault(category.type, []).append(category)
        self.sales = sales_users(run)
        cast = run.cast
        self.team_company = {team.pk: team.company_id for team in cast.teams}
        self.everyone: list[tuple[User, Team | None]] = [*self.sales, (cast.admin, None)]

    def coverage(self) -> list[tuple[User, Team | None, str, str, str]]:
        """Each type for each sales user, statuses and call directions in turn; the admin's own events."""
        forced: list[tuple[User, Team | None, str, str, str]] = []
        statuses = (EventStatus.DONE, EventStatus.PLANNED, EventStatus.CANCELLED)
        for index, event_type in enumerate(EventType.values):
            for offset, (user, team) in enumerate(self.sales):
                status = EventStatus.DONE if event_type == EventType.NOTE else statuses[(index + offset) % 3]
                direction = (CallDirection.INBOUND, CallDirection.OUTBOUND)[offset % 2]
                forced.append((user, team, event_type, status, direction))
        admin = self.run.cast.admin
        forced.append((admin, None, EventType.MEETING, EventStatus.PLANNED, ""))
        forced.append((admin, None, EventType.ABSENCE, EventStatus.DONE, ""))
        return forced

    # What to create

    def chunk(
        self,
        third_parties: list[DemoThirdParty],
        leads: list[_Record],
        count: int,
        forced: list[tuple[User, Team | None, str, str, str]],
    ) -> list[_Planned]:
        rng = self.rng
        accounts = [
            _Record(
                label=tp.name,
                deal=tp.name,
                user_id=tp.user_id,
                team_id=tp.team_id,
                company_id=tp.company_id,
                created_at=None,
                closed_at=None,
                third_party=tp,
                third_party_id=tp.pk,
            )
            for tp in third_parties
            if tp.is_sales_account
        ]
        opportunities = _opportunities(third_parties) if third_parties else []
        about = {LEAD: leads, OPPORTUNITY: opportunities, THIRD_PARTY: accounts}
        planned = []
        for _ in range(count):
            if forced:
                planned.append(self._covering(forced.pop(0), accounts))
                continue
            _weight, event_type, topic = rng.choices(TOPICS, TOPIC_WEIGHTS)[0]
            records = about.get(topic)
            if records is not None and not records:
                records, topic = accounts, THIRD_PARTY
            if records is not None and not records:
                topic = INTERNAL if event_type != EventType.ABSENCE else PERSONAL
            record = rng.choice(records) if records else None
            if topic == INTERNAL and event_type not in (EventType.MEETING, EventType.EVENT):
                event_type = EventType.MEETING
            planned.append(self._event(event_type, topic, record))
        return planned

    def _covering(self, entry: tuple[User, Team | None, str, str, str], accounts: list[_Record]) -> _Planned:
        """One of the coverage events: calls, tasks and notes about one of the user's accounts."""
        user, team, event_type, status, direction = entry
        record = None
        if event_type in (EventType.MEETING, EventType.EVENT):
            topic = INTERNAL
        elif event_type == EventType.ABSENCE:
            topic = PERSONAL
        else:
            mine = [account for account in accounts if account.user_id == user.pk]
            topic, record = (THIRD_PARTY, self.rng.choice(mine)) if mine else (INTERNAL, None)
        return self._event(event_type, topic, record, owner=(user, team), status=status, direction=direction)

    # One event

    def _event(
        self,
        event_type: str,
        topic: str,
        record: _Record | None,
        *,
        owner: tuple[User, Team | None] | None = None,
        status: str | None = None,
        direction: str = "",
    ) -> _Planned:
        rng = self.rng
        now = self.now
        category = self._category(event_type, topic, record)
        if event_type == EventType.CALL and not direction:
            direction = CallDirection.INBOUND if rng.random() < 0.35 else CallDirection.OUTBOUND
        if event_type != EventType.CALL:
            direction = ""
        # When: within the record's life, from six months ago to three months ahead.
        low, high = now - PAST, now + FUTURE
        if record is not None:
            if record.created_at is not None:
                low = max(low, record.created_at)
            if record.closed_at is not None:
                high = min(high, record.closed_at)
        if event_type == EventType.NOTE or status == EventStatus.DONE:
            high = min(high, now - timedelta(hours=1))
        elif status == EventStatus.PLANNED:
            low = max(low, now + timedelta(hours=1))
        if high <= low:  # a record closed before the window: an event of its own life
            low = high - timedelta(days=1)
            if record is not None and record.created_at is not None:
                low = max(low, record.created_at)
        start = moment_between(rng, low, high)
        start, end, all_day = self._times(event_type, category, start)
        if status is None:
            status = self._status(event_type, start)
        # Planned a few days ahead, except notes, written when it happened.
        if event_type == EventType.NOTE:
            created_at = end
        else:
            created_at = start - timedelta(days=rng.randint(0, 21), minutes=rng.randint(0, 600))
        floor = now - timedelta(days=364)
        if record is not None and record.created_at is not None:
            floor = max(floor, record.created_at)
        created_at = min(max(created_at, floor), start if start < now else now - timedelta(minutes=1))
        created_at = min(created_at, now - timedelta(minutes=1))
        if status == EventStatus.PLANNED:
            updated_at = created_at
        elif start < now:
            updated_at = min(max(end, created_at), now - timedelta(minutes=1))
        else:
            updated_at = moment_between(rng, created_at, now - timedelta(minutes=1))
        user, team, company_id = self._owner(record, owner)
        subject = self._subject(category, event_type, direction, record)
        location = ""
        if event_type == EventType.MEETING:
            if topic == INTERNAL:
                location = rng.choice(ROOMS)
            elif record is not None:
                city = record.third_party.city if record.third_party is not None else ""
                location = rng.choice((city, city, "Visio (Teams)", "Dans nos locaux")) or "Visio (Teams)"
        elif event_type == EventType.EVENT and all_day:
            location = rng.choice(VENUES)
        private = rng.random() < (0.5 if event_type == EventType.ABSENCE else 0.04)
        event = Event(
            type=event_type,
            category_id=category.pk if category is not None else None,
            subject=subject[:255],
            status=status,  # the FSM field is protected: it is set once, when the object is built
            start=start,
            end=end,
            all_day=all_day,
            third_party_id=record.third_party_id if record is not None else None,
            contact_id=self._contact(record),
            lead_id=record.lead_id if record is not None else None,
            opportunity_id=record.opportunity_id if record is not None else None,
            location=location,
            description=rng.choice(DESCRIPTIONS) if rng.random() < 0.2 else "",
            visibility=EventVisibility.PRIVATE if private else EventVisibility.PUBLIC,
            company_id=company_id,
            call_direction=direction,
            assigned_user_id=user,
            team_id=team,
            created_at=created_at,
            updated_at=updated_at,
        )
        return _Planned(event, self._guests(event, topic, record))

    def _category(self, event_type: str, topic: str, record: _Record | None) -> EventCategory | None:
        rng = self.rng
        if rng.random() < 0.08 and event_type not in (EventType.ABSENCE, EventType.EVENT):
            return None
        if event_type == EventType.CALL:
            prospecting = topic == LEAD or (
                record is not None
                and record.third_party is not None
                and not record.third_party.is_customer
                and rng.random() < 0.5
            )
            code = "CALL_PROSPECTING" if prospecting else "CALL_FOLLOW_UP"
        elif event_type == EventType.MEETING:
            code = (
                rng.choices(("MEETING_INTERNAL", "MEETING_TRAINING", "MEETING_EVENT"), (7, 2, 1))[0]
                if topic == INTERNAL
                else "MEETING_CUSTOMER"
            )
        elif event_type == EventType.TASK:
            code = "TASK_QUOTE" if topic == OPPORTUNITY and rng.random() < 0.4 else "TASK_FOLLOW_UP"
        elif event_type == EventType.NOTE:
            code = "NOTE_REPORT"
        elif event_type == EventType.ABSENCE:
            code = "ABSENCE_LEAVE"
        else:
            code = "EVENT_TRADE_SHOW" if rng.random() < 0.5 else "EVENT_WEBINAR"
        category = self.categories.get(code)
        if category is None or category.type != event_type:
            choices = self.by_type.get(event_type)
            category = rng.choice(choices) if choices else None
        return category

    def _times(
        self, event_type: str, category: EventCategory | None, start: datetime
    ) -> tuple[datetime, datetime, bool]:
        """(start, end, all day): calls of minutes, meetings of an hour or two, absences of days."""
        rng = self.rng
        trade_show = category is not None and category.code == "EVENT_TRADE_SHOW"
        if event_type == EventType.ABSENCE or (event_type == EventType.EVENT and trade_show):
            first = timezone.localdate(start)
            days = rng.choice((1, 1, 2, 3, 5, 10)) if event_type == EventType.ABSENCE else rng.randint(1, 3)
            last = first + timedelta(days=days - 1)
            begin = timezone.make_aware(datetime.combine(first, time(0, 0)))
            return begin, timezone.make_aware(datetime.combine(last, time(23, 59))), True
        if event_type == EventType.CALL:
            minutes = rng.randrange(10, 50, 5)
        elif event_type == EventType.MEETING:
            minutes = rng.choice((30, 60, 60, 90, 120))
        else:  # a task, a webinar; a note has no duration
            minutes = 0 if event_type == EventType.NOTE else 30 if event_type == EventType.TASK else 60
        return start, start + timedelta(minutes=minutes), False

    def _status(self, event_type: str, start: datetime) -> str:
        rng = self.rng
        roll = rng.random()
        if event_type == EventType.NOTE:
            return EventStatus.DONE
        if start < self.now:
            return (
                EventStatus.DONE
                if roll < 0.82
                else EventStatus.CANCELLED
                if roll < 0.9
                else EventStatus.PLANNED
            )
        return EventStatus.PLANNED if roll < 0.93 else EventStatus.CANCELLED

    def _owner(
        self, record: _Record | None, owner: tuple[User, Team | None] | None
    ) -> tuple[int | None, int | None, int | None]:
        """(user, team, company): the record's owner; the given one; a user of the company."""
        if owner is not None:
            user, team = owner
        elif record is not None:
            return record.user_id, record.team_id, record.company_id
        else:
            user, team = self.rng.choices(self.everyone, (4, 3, 3, 1))[0]
        company_id = self.team_company.get(team.pk) if team is not None else user.active_company_id
        if company_id is None and record is not None:
            company_id = record.company_id
        return user.pk, team.pk if team is not None else None, company_id

    def _subject(
        self, category: EventCategory | None, event_type: str, direction: str, record: _Record | None
    ) -> str:
        who = record.label if record is not None else ""
        what = record.deal if record is not None else ""
        subjects = SUBJECTS.get((category.code, direction)) if category is not None else None
        pattern = self.rng.choice(subjects) if subjects else GENERIC_SUBJECTS.get(event_type, "{who}")
        if not who and "{" in pattern:
            pattern = GENERIC_SUBJECTS[EventType.MEETING if event_type != EventType.ABSENCE else event_type]
            pattern = pattern.replace(" – {who}", "")
        return pattern.format(who=who, what=what or who)

    def _contact(self, record: _Record | None) -> int | None:
        if record is None:
            return None
        if record.contact_id is not None or record.lead_id is not None or record.opportunity_id is not None:
            return record.contact_id
        contacts = record.third_party.contacts if record.third_party is not None else []
        return self.rng.choice(contacts).pk if contacts and self.rng.random() < 0.7 else None

    def _guests(self, event: Event, topic: str, record: _Record | None) -> list[EventGuest]:
        """Meetings: the contact and sometimes a colleague; internal meetings: the other sales users."""
        rng = self.rng
        if event.type not in (EventType.MEETING, EventType.EVENT):
            return []
        users: list[int] = []
        contacts: list[int] = []
        if topic == INTERNAL:
            if event.type == EventType.MEETING:
                users = [user.pk for user, _team in self.sales if user.pk != event.assigned_user_id]
            elif rng.random() < 0.5:
                users = [
                    user.pk for user, _team in rng.sample(self.sales, 2) if user.pk != event.assigned_user_id
                ]
        elif rng.random() < 0.6:
            if event.contact_id is not None:
                contacts.append(event.contact_id)
            others = record.third_party.contacts if record is not None and record.third_party else []
            if others and rng.random() < 0.3:
                other = rng.choice(others).pk
                if other not in contacts:
                    contacts.append(other)
            if rng.random() < 0.3:
                colleague = rng.choice(self.sales)[0].pk
                if colleague != event.assigned_user_id:
                    users.append(colleague)
        past = event.start < self.now
        guests = []
        for user_id in users:
            guests.append(
                EventGuest(user_id=user_id, response=self._response(past), created_at=event.created_at)
            )
        for contact_id in contacts:
            guests.append(
                EventGuest(contact_id=contact_id, response=self._response(past), created_at=event.created_at)
            )
        return guests

    def _response(self, past: bool) -> str:
        responses = (GuestResponse.YES, GuestResponse.NO, GuestResponse.MAYBE, GuestResponse.NONE)
        return self.rng.choices(responses, (75, 8, 10, 7) if past else (35, 5, 10, 50))[0]

    def reminders(self, planned: list[_Planned]) -> list[Reminder]:
        """A few reminders: before the start of calls and meetings, at a date (the day before, 9:00)
        for tasks. Those already due are marked sent."""
        rng = self.rng
        candidates = [
            item
            for item in planned
            if item.event.type in (EventType.CALL, EventType.MEETING, EventType.TASK)
            and item.event.status != EventStatus.CANCELLED
            and item.event.assigned_user_id is not None
        ]
        rate = 0.1 if self.run.default_set else REMINDER_RATE
        chosen = []
        for tasks in (True, False):  # both modes in each chunk: at a date for tasks, before the start
            group = [item for item in candidates if (item.event.type == EventType.TASK) == tasks]
            if group:
                chosen += rng.sample(group, max(1, round(len(group) * rate)))
        reminders = []
        for item in chosen:
            event = item.event
            owner_id = event.assigned_user_id
            assert owner_id is not None  # only events with an owner are candidates
            everyone = bool(item.guests) and rng.random() < 0.5
            reminder = Reminder(
                event=event,
                owner_id=owner_id,
                recipients=ReminderRecipients.EVERYONE if everyone else ReminderRecipients.ME,
            )
            if event.type == EventType.TASK:
                day = timezone.localdate(event.start) - timedelta(days=1)
                reminder.mode = ReminderMode.AT_DATE
                reminder.at = timezone.make_aware(datetime.combine(day, time(9, 0)))
            else:
                reminder.mode = ReminderMode.BEFORE_START
                reminder.duration, reminder.unit = rng.choice(
                    ((15, ReminderUnit.MINUTES), (1, ReminderUnit.HOURS), (1, ReminderUnit.DAYS))
                )
            reminder.due_at = reminder.compute_due_at(event_start=event.start)
            reminder.created_at = min(event.created_at, reminder.due_at - timedelta(minutes=1))
            if reminder.due_at <= self.now:  # already gone out
                reminder.sent_at = reminder.due_at + timedelta(seconds=rng.randint(5, 90))
                reminder.attempts = 1
            reminders.append(reminder)
        return reminders


# --- Recurring series, through the services ---------------------------------------------------------

_SERIES_OCCURRENCES = 8 + 6 + 6


def _seed_series(run: DemoRun, factory: _EventFactory) -> tuple[int, int, int]:
    """A weekly sales meeting (8), a monthly pipeline review (6) and a fortnightly call to one of
    rep2's leads in nurturing (6), made as a user makes them: event, guests, reminder, recurrence.

    The call is linked to a lead rather than to a third party or contact: the services record the
    series on the records it is linked to, and those of the core step keep their single "created"
    Activity (tests/test_seed_demo.py).
    """
    cast = run.cast
    categories = factory.categories
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())

    def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(monday + timedelta(days=day_offset), time(hour, minute)))

    lead = (
        Lead.objects.filter(assigned_user=cast.rep2, stage=LeadStage.OPEN, is_nurturing=True)
        .order_by("-pk")
        .first()
    )
    specs: list[tuple[User, dict[str, Any], Lead | None, list[User], dict[str, Any]]] = [
        (
            cast.manager,
            {
                "type": EventType.MEETING,
                "category": categories.get("MEETING_INTERNAL"),
                "subject": "Réunion commerciale hebdomadaire",
                "start": at(0, 9),
                "end": at(0, 10),
                "location": "Salle de réunion Eiffel",
            },
            None,
            [cast.rep, cast.rep2],
            {"frequency": RecurrenceFrequency.WEEKLY, "count": 8},
        ),
        (
            cast.manager,
            {
                "type": EventType.MEETING,
                "category": categories.get("MEETING_INTERNAL"),
                "subject": "Revue mensuelle du pipeline",
                "start": at(8, 14),
                "end": at(8, 15, 30),
                "location": "Visio (Teams)",
            },
            None,
            [cast.rep, cast.rep2],
            {"frequency": RecurrenceFrequency.MONTHLY, "count": 6},
        ),
    ]
    if lead is not None:
        specs.append(
            (
                cast.rep2,
                {
                    "type": EventType.CALL,
                    "category": categories.get("CALL_PROSPECTING"),
                    "subject": f"Point de suivi – {lead.company_name or lead.full_name}",
                    "start": at(3, 10, 30),
                    "end": at(3, 11),
                    "call_direction": CallDirection.OUTBOUND,
                },
                lead,
                [],
                {"frequency": RecurrenceFrequency.WEEKLY, "interval": 2, "count": 6},
            )
        )
    occurrences = guests = reminders = 0
    for user, fields, origin, invited, rule in specs:
        if fields.get("category") is None:
            fields.pop("category")
        event = event_create(user=user, fields=fields, origin=origin)
        for guest in invited:
            event_guest_add(event=event, user=user, guest_user=guest)
        reminder_create(
            event=event,
            user=user,
            mode=ReminderMode.BEFORE_START,
            duration=15,
            unit=ReminderUnit.MINUTES,
            recipients=ReminderRecipients.EVERYONE if invited else ReminderRecipients.ME,
        )
        event_recurrence_set(event=event, user=user, **rule)
        count = rule["count"]
        occurrences += count
        guests += count * len(invited)
        reminders += count
    return occurrences, guests, reminders
