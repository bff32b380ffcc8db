"""Demo leads for `manage.py seed_demo` (crm.demo): every status for both teams and every sales user,
some converted to the run's third parties and contacts, lost ones with their reason, and a few
duplicates to merge.

Also the helpers the opportunities and events steps share: the run's third parties read back chunk by
chunk (with their contacts and default address), dates spread over the past year in business hours,
and `explicit_timestamps`, which lets bulk_create write the `created_at` / `updated_at` values given.

Why explicit timestamps: bulk_create calls each field's pre_save(), and an `auto_now_add` /
`auto_now` field sets itself to now there. Backdating afterwards (one UPDATE ... CASE per chunk, or
bulk_update) would write every row twice and update each index holding `created_at` twice (leads
and opportunities have five of them); switching the two flags off around the INSERTs costs nothing.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from crm.demo import data
from crm.demo.core import BATCH_SIZE, DEMO_TLD, SCALED_CONTACT_WEIGHTS, _ascii, _Builder
from crm.models import (
    Activity,
    ActivityVerb,
    Civility,
    Contact,
    CrmSettings,
    LostReason,
    Team,
    ThirdParty,
    User,
)
from crm.models import Address as PartyAddress
from leads.models import Lead, LeadStage, LeadStatus

if TYPE_CHECKING:
    from crm.demo import DemoRun

DEFAULT_LEADS = 80  # the default set, the duplicates to merge included
LEADS_PER_THIRD_PARTY = 3  # scaled sets: 1,000,000 leads for 300,000 third parties
CHUNK_SIZE = 2_000  # third parties per transaction in the leads, opportunities and events steps
HISTORY = timedelta(days=365)  # records are created over the past twelve months
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

LEAD_NOTES = (
    "A rempli le formulaire de contact du site : souhaite une démonstration.",
    "Rencontré sur notre stand au salon, intéressé par la gamme professionnelle.",
    "Recommandé par un client historique.",
    "Projet prévu au second semestre, budget en cours de validation.",
    "Demande un rappel en début de matinée.",
    "Compare trois fournisseurs, décision attendue d'ici la fin du trimestre.",
    "Téléchargé le livre blanc, à qualifier.",
)
LOST_NOTES = (
    "Relancé trois fois sans retour.",
    "A choisi un concurrent local, moins cher de 15 %.",
    "Projet reporté à l'an prochain.",
    "Budget gelé par la direction.",
)
SIZES = ("micro", "small", "medium", "intermediate", "large")
SIZE_WEIGHTS = (30, 35, 20, 10, 5)
# Twins that differ only by case, accents and spaces: duplicate_groups() puts each pair together.
# (company, civility, first name, last name, email) and its twin.
DUPLICATE_LEADS = (
    (
        ("Conserverie Guérin", Civility.MRS, "Hélène", "Ménard", "helene.menard@conserverie-guerin"),
        ("CONSERVERIE GUERIN", Civility.MRS, "Helene", "MENARD", "Helene.Menard@Conserverie-Guerin"),
    ),
    (
        ("Transports Le Goff", Civility.MR, "Loïc", "Le Goff", "loic.legoff@transports-le-goff"),
        ("Transports LeGoff", Civility.MR, "Loic", "LE GOFF", ""),
    ),
    (
        ("Chaudronnerie Prévost & Fils", Civility.MR, "Stéphane", "Prévost", "s.prevost@prevost-fils"),
        ("chaudronnerie prevost &  fils", Civility.MR, "stephane", "prevost", "s.prevost@prevost-fils"),
    ),
)


# --- Shared by the leads, opportunities and events steps -----------------------------------------


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Inside the block, bulk_create writes the `auto_now` / `auto_now_add` values set on the objects.

    The flags are switched back on when the block ends, whatever happens in it. Only bulk inserts of
    objects whose timestamps are all set belong in the block (seed_demo runs alone in its process).
    """
    fields = [
        model_field
        for model in model_classes
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in fields]
    for model_field in fields:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def kanban_rank(created_at: datetime) -> int:
    """The Kanban rank a card created at `created_at` gets (crm.models.parties.kanban_rank_default)."""
    return -((created_at - EPOCH) // timedelta(microseconds=1))


def business_moment(rng: random.Random, day: date) -> datetime:
    """A time of the working day (8:30 to 18:25, Paris time) on `day`, a weekend moved to Friday."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = rng.randrange(8 * 60 + 30, 18 * 60 + 30, 5)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A business-hours moment between `start` and `end` (kept within them)."""
    if end <= start:
        return start
    first, last = timezone.localdate(start), timezone.localdate(end)
    moment = business_moment(rng, first + timedelta(days=rng.randint(0, (last - first).days)))
    return min(max(moment, start), end)


def past_moment(rng: random.Random, now: datetime, *, within: timedelta = HISTORY) -> datetime:
    """When a record was created: over the past year, a bit more often in the last three months."""
    days = within.days if rng.random() < 0.85 else min(within.days, 90)
    moment = business_moment(rng, timezone.localdate(now) - timedelta(days=rng.randint(0, days)))
    return min(moment, now - timedelta(minutes=rng.randint(5, 120)))


def share(total: int, done: int, count: int, size: int) -> int:
    """How many of `total` records go to the third parties done..done+count of `size`: exact in sum."""
    if size <= 0:
        return 0
    return total * (done + count) // size - total * done // size


def id_range(foreign_key: str, bounds: tuple[int, int]) -> dict[str, int]:
    """Filter arguments for a foreign key between two ids (foreign keys have no `__range` lookup)."""
    return {f"{foreign_key}__gte": bounds[0], f"{foreign_key}__lte": bounds[1]}


@dataclass(frozen=True)
class DemoContact:
    pk: int
    third_party_id: int
    civility: str
    first_name: str
    last_name: str
    email: str
    phone: str
    mobile_phone: str
    function_id: int | None
    department_id: int | None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass
class DemoThirdParty:
    """What the steps need of one of the run's third parties, read back from the database."""

    pk: int
    name: str
    user_id: int | None
    team_id: int | None
    company_id: int | None  # the company of its team: what its leads, opportunities and events get
    sector_id: int | None
    source_id: int | None
    category_id: int | None
    size: str
    scoring: int
    is_key_account: bool
    is_prospect: bool
    is_customer: bool
    is_sales_account: bool  # a prospect or customer, neither the group's own company nor the factor
    website: str
    email: str
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    contacts: list[DemoContact] = field(default_factory=list)


def team_companies(run: DemoRun) -> dict[int, int | None]:
    return {team.pk: team.company_id for team in run.cast.teams}


def third_party_chunks(run: DemoRun, chunk_size: int = CHUNK_SIZE) -> Iterator[list[DemoThirdParty]]:
    """The run's third parties, `chunk_size` at a time, with their contacts and default address.

    Three queries per chunk, on ranges of primary keys: the ids a run creates are consecutive, and
    anything else in the range is left out.
    """
    ids = sorted(run.third_party_ids)
    companies = team_companies(run)
    default_company = run.cast.companies[0].pk
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        wanted = set(chunk)
        bounds = (chunk[0], chunk[-1])
        rows = ThirdParty.objects.filter(pk__range=bounds).order_by("pk")
        third_parties: dict[int, DemoThirdParty] = {}
        for tp in rows.values(
            "pk",
            "name",
            "assigned_user_id",
            "team_id",
            "industry_sector_id",
            "source_id",
            "category_id",
            "size",
            "scoring",
            "is_key_account",
            "is_prospect",
            "is_customer",
            "is_internal",
            "is_factor",
            "website",
            "email",
        ):
            if tp["pk"] not in wanted:
                continue
            third_parties[tp["pk"]] = DemoThirdParty(
                pk=tp["pk"],
                name=tp["name"],
                user_id=tp["assigned_user_id"],
                team_id=tp["team_id"],
                company_id=companies.get(tp["team_id"], default_company) or default_company,
                sector_id=tp["industry_sector_id"],
                source_id=tp["source_id"],
                category_id=tp["category_id"],
                size=tp["size"],
                scoring=tp["scoring"],
                is_key_account=tp["is_key_account"],
                is_prospect=tp["is_prospect"],
                is_customer=tp["is_customer"],
                is_sales_account=(tp["is_prospect"] or tp["is_customer"])
                and not (tp["is_internal"] or tp["is_factor"]),
                website=tp["website"],
                email=tp["email"],
            )
        addresses = PartyAddress.objects.filter(**id_range("third_party", bounds), is_default=True)
        for address in addresses.values("third_party_id", "line1", "line2", "postcode", "city"):
            located = third_parties.get(address["third_party_id"])
            if located is not None:
                located.line1, located.line2 = address["line1"], address["line2"]
                located.postcode, located.city = address["postcode"], address["city"]
        contacts = Contact.objects.filter(**id_range("main_third_party", bounds)).order_by("pk")
        for contact in contacts.values_list(
            "pk",
            "main_third_party_id",
            "civility",
            "first_name",
            "last_name",
            "email",
            "phone",
            "mobile_phone",
            "function_id",
            "department_id",
        ):
            employer = third_parties.get(contact[1])
            if employer is not None:
                employer.contacts.append(DemoContact(*contact))
        yield list(third_parties.values())


def sales_users(run: DemoRun) -> list[tuple[User, Team]]:
    """The demo users who own leads and opportunities, with their team: the reps and the manager."""
    cast = run.cast
    return [(cast.rep, cast.team_nord), (cast.rep2, cast.team_sud), (cast.manager, cast.team_nord)]


def created_activities(
    model: type[models.Model], records: list[Any], *, actor: Callable[[Any], int | None]
) -> list[Activity]:
    """One "created" entry per record, by its owner and dated like the record."""
    content_type = ContentType.objects.get_for_model(model)
    return [
        Activity(
            content_type=content_type,
            object_id=record.pk,
            actor_id=actor(record),
            verb=ActivityVerb.CREATED,
            created_at=record.created_at,
        )
        for record in records
    ]


def _pk(record: models.Model | None) -> int | None:
    return record.pk if record is not None else None


def add_count(run: DemoRun, label: str, count: int) -> None:
    run.created[label] = run.created.get(label, 0) + count


# --- Leads -----------------------------------------------------------------------------------------


def seed_leads(run: DemoRun) -> None:
    """About 3 leads per third party (80 in the default set), in chunks of CHUNK_SIZE third parties."""
    total = DEFAULT_LEADS if run.default_set else LEADS_PER_THIRD_PARTY * run.size
    factory = _LeadFactory(run)
    plain = total - (2 * len(DUPLICATE_LEADS) if run.default_set else 0)
    forced = factory.coverage() if run.default_set else []
    size = len(run.third_party_ids)
    done = created = activities = 0
    for third_parties in third_party_chunks(run):
        count = share(plain, done, len(third_parties), size)
        leads = factory.chunk(third_parties, count, forced)
        if run.default_set and done == 0:
            leads += factory.duplicates()
        activities += _insert_leads(leads)
        created += len(leads)
        done += len(third_parties)
        if run.size > CHUNK_SIZE:
            run.log(f"  leads: {created:,} / {total:,}")
    run.created["leads"] = created
    add_count(run, "activities", activities)
    if run.default_set:
        duplicates = _seed_duplicate_contacts(run)
        add_count(run, "contacts", duplicates)
        add_count(run, "activities", duplicates)


@dataclass
class _PlannedLead:
    lead: Lead
    tag_ids: list[int]


def _insert_leads(planned: list[_PlannedLead]) -> int:
    """One transaction: the leads, their tags and their "created" activities. Returns the activities."""
    leads = [item.lead for item in planned]
    through = Lead.tags.through
    with transaction.atomic(), explicit_timestamps(Lead, Activity):
        Lead.objects.bulk_create(leads, batch_size=BATCH_SIZE)
        through.objects.bulk_create(
            [through(lead_id=item.lead.pk, tag_id=tag) for item in planned for tag in item.tag_ids],
            batch_size=BATCH_SIZE,
        )
        activities = created_activities(Lead, leads, actor=lambda lead: lead.assigned_user_id)
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    return len(activities)


class _LeadFactory:
    """Builds unsaved leads from the run's seeded Random; reads the reference data once."""

    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.rng = run.rng
        self.now = timezone.now()
        # The third parties' builder: French names, cities, phone numbers, reference data by name.
        self.words = _Builder(run.cast, run.rng, SCALED_CONTACT_WEIGHTS)
        settings = CrmSettings.load()
        statuses = {status.pk: status for status in LeadStatus.objects.filter(archived=False)}
        self.converted = statuses.get(settings.lead_converted_status_id or 0)
        self.lost = statuses.get(settings.lead_lost_status_id or 0)
        closed_ids = {status.pk for status in (self.converted, self.lost) if status is not None}
        self.open = sorted(
            (s for s in statuses.values() if s.is_open and s.pk not in closed_ids),
            key=lambda status: (status.sequence, status.pk),
        )
        self.new = statuses.get(settings.lead_new_status_id or 0) or (self.open[0] if self.open else None)
        self.lost_reasons = list(LostReason.objects.filter(active=True))
        self.sales = sales_users(run)
        self.team_company = team_companies(run)
        self.tag_ids = {name: tag.pk for name, tag in self.words.tags.items()}
        self.salon = next((source for source in self.words.sources if source.name == "Salon"), None)

    # What to create

    def coverage(self) -> list[tuple[User, Team, LeadStatus]]:
        """Each status for each sales user: the first leads of the default set."""
        statuses = [*self.open, *(s for s in (self.converted, self.lost) if s is not None)]
        return [(user, team, status) for status in statuses for user, team in self.sales]

    def chunk(
        self,
        third_parties: list[DemoThirdParty],
        count: int,
        forced: list[tuple[User, Team, LeadStatus]],
    ) -> list[_PlannedLead]:
        rng = self.rng
        # Third parties a lead was converted to: prospects and customers with a contact, once each.
        convertible = [tp for tp in third_parties if tp.is_sales_account and tp.contacts]
        rng.shuffle(convertible)
        planned = []
        for _ in range(count):
            created_at = past_moment(rng, self.now)
            if forced:
                user, team, status = forced.pop(0)
                planned.append(self._lead(status, created_at, convertible, owner=(user, team)))
                continue
            age = (self.now - created_at).days
            roll = rng.random()
            closed = roll < min(0.8, 0.1 + age / 200)
            if closed and convertible and self.converted is not None and rng.random() < 0.4:
                status = self.converted
            elif closed and self.lost is not None:
                status = self.lost
            else:
                status = self._open_status(age)
            planned.append(self._lead(status, created_at, convertible))
        return planned

    def _open_status(self, age: int) -> LeadStatus:
        rng = self.rng
        weights = [(6 if age < 21 else 1) if status == self.new else 2 for status in self.open]
        return rng.choices(self.open, weights)[0]

    def _lead(
        self,
        status: LeadStatus,
        created_at: datetime,
        convertible: list[DemoThirdParty],
        *,
        owner: tuple[User, Team] | None = None,
    ) -> _PlannedLead:
        rng = self.rng
        if status == self.converted:
            third_party = self._convertible(convertible, owner)
            if third_party is not None:
                return self._converted(third_party, created_at, owner=owner)
            status = self.lost or self.open[0]  # no third party left to convert to
        values = self._fresh(created_at, owner=owner)
        values["status_id"] = status.pk
        values["updated_at"] = moment_between(rng, created_at, self.now)
        relaunch = False
        if status == self.lost:
            # The FSM field is protected: it is set once, when the object is built.
            values["stage"] = LeadStage.LOST
            values["lost_reason_id"] = rng.choice(self.lost_reasons).pk if self.lost_reasons else None
            values["lost_note"] = rng.choice(LOST_NOTES) if rng.random() < 0.3 else ""
        elif (status.name_en or status.name).casefold() == "nurturing" or rng.random() < 0.04:
            values["is_nurturing"] = relaunch = True
        return self._planned(values, relaunch=relaunch)

    def _planned(self, values: dict[str, Any], *, relaunch: bool = False) -> _PlannedLead:
        values.setdefault("updated_at", values["created_at"])
        lead = Lead(**values, kanban_rank=kanban_rank(values["created_at"]))
        lead.update_duplicate_keys()
        return _PlannedLead(lead, self._tags(lead, relaunch=relaunch))

    def _convertible(
        self, convertible: list[DemoThirdParty], owner: tuple[User, Team] | None
    ) -> DemoThirdParty | None:
        for index, tp in enumerate(convertible):
            if owner is None or tp.user_id == owner[0].pk:
                return convertible.pop(index)
        if owner is not None and convertible:
            return convertible.pop()
        return None

    # Lead values

    def _fresh(self, created_at: datetime, *, owner: tuple[User, Team] | None = None) -> dict[str, Any]:
        """An open lead as it came in: a person, a company, a source; no third party yet."""
        rng = self.rng
        words = self.words
        city = words._city()
        user, team = owner or self.run.cast.owners(south=city[2][0][0] in "45", rng=rng)
        sector = rng.choice(words.sectors) if words.sectors else None
        company_name = words._company_name(sector) if rng.random() < 0.97 else ""
        civility, first_name = words._person()
        last_name = rng.choice(data.LAST_NAMES)
        function, department, _role = rng.choice((data.BOSS_POSITION, *data.POSITIONS))
        domain = f"{slugify(company_name or last_name)[:60].strip('-')}.{DEMO_TLD}"
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0] if rng.random() < 0.8 else ""
        key_account = size in ("intermediate", "large") and rng.random() < 0.3
        source = rng.choice(words.sources) if words.sources and rng.random() < 0.9 else None
        category = words.categories.get("Grand compte" if key_account else "PME")
        address = rng.random()
        return {
            "company_name": company_name,
            "civility": civility,
            "first_name": first_name,
            "last_name": last_name,
            "job_title": function or "",
            "function_id": _pk(words.functions.get(function)) if function else None,
            "department_id": _pk(words.departments.get(department)),
            "email": f"{_ascii(first_name)}.{_ascii(last_name)}@{domain}" if rng.random() < 0.85 else "",
            "phone": f"{words._landline(city)}{rng.randint(10, 99)}" if rng.random() < 0.6 else "",
            "mobile_phone": words._mobile() if rng.random() < 0.45 else "",
            "website": f"https://www.{domain}" if company_name and rng.random() < 0.5 else "",
            "industry_sector_id": _pk(sector),
            "do_not_call": rng.random() < 0.03,
            "do_not_email": rng.random() < 0.03,
            "company_id": self.team_company.get(team.pk),
            "scoring": rng.choices(range(6), (3, 4, 5, 4, 2, 1))[0],
            "size": size,
            "is_key_account": key_account,
            "source_id": _pk(source),
            "category_id": _pk(category) if rng.random() < 0.7 else None,
            "description": rng.choice(LEAD_NOTES) if rng.random() < 0.3 else "",
            "line1": words._street() if address < 0.5 else "",
            "postcode": rng.choice(city[1]) if address < 0.8 else "",
            "city": city[0] if address < 0.8 else "",
            "country": "FR",
            "assigned_user_id": user.pk,
            "team_id": team.pk,
            "created_at": created_at,
        }

    def _tags(self, lead: Lead, *, relaunch: bool = False) -> list[int]:
        rng = self.rng
        chosen = []
        for name, probability in (
            ("VIP", 0.6 if lead.is_key_account else 0.0),
            ("Salon 2026", 0.7 if self.salon is not None and lead.source_id == self.salon.pk else 0.02),
            ("À relancer", 0.6 if relaunch else 0.08 if lead.stage == LeadStage.OPEN else 0.0),
        ):
            tag = self.tag_ids.get(name)
            if tag is not None and rng.random() < probability:
                chosen.append(tag)
        return chosen

    def _converted(
        self, tp: DemoThirdParty, created_at: datetime, *, owner: tuple[User, Team] | None = None
    ) -> _PlannedLead:
        """The lead a third party and its contact came from: their values, as the conversion copies
        them. Owned like the third party, unless `owner` must have one and owns none of them."""
        assert self.converted is not None
        rng = self.rng
        user_id, team_id, company_id = tp.user_id, tp.team_id, tp.company_id
        if owner is not None and owner[0].pk != tp.user_id:
            user_id, team_id, company_id = owner[0].pk, owner[1].pk, self.team_company.get(owner[1].pk)
        contact = rng.choice(tp.contacts) if rng.random() < 0.9 else None
        # Qualified and converted within two months, or since its creation if that is more recent.
        earliest, latest = created_at + timedelta(days=rng.randint(2, 60)), self.now - timedelta(minutes=5)
        if earliest < latest:
            converted_at = moment_between(rng, earliest, latest)
        else:
            converted_at = created_at + (latest - created_at) / 2
        person = (
            (contact.civility, contact.first_name, contact.last_name)
            if contact is not None
            else (*self.words._person(), rng.choice(data.LAST_NAMES))
        )
        return self._planned(
            {
                "company_name": tp.name,
                "civility": person[0],
                "first_name": person[1],
                "last_name": person[2],
                "function_id": contact.function_id if contact else None,
                "department_id": contact.department_id if contact else None,
                "email": contact.email if contact else tp.email,
                "phone": contact.phone if contact else "",
                "mobile_phone": contact.mobile_phone if contact else "",
                "website": tp.website,
                "industry_sector_id": tp.sector_id,
                "company_id": company_id,
                "status_id": self.converted.pk,
                "stage": LeadStage.CONVERTED,
                "scoring": tp.scoring,
                "size": tp.size,
                "is_key_account": tp.is_key_account,
                "source_id": tp.source_id,
                "category_id": tp.category_id,
                "description": rng.choice(LEAD_NOTES) if rng.random() < 0.3 else "",
                "line1": tp.line1,
                "line2": tp.line2,
                "postcode": tp.postcode,
                "city": tp.city,
                "country": "FR",
                "converted_third_party_id": tp.pk,
                "converted_contact_id": contact.pk if contact else None,
                "converted_at": converted_at,
                "assigned_user_id": user_id,
                "team_id": team_id,
                "created_at": created_at,
                "updated_at": converted_at,
            }
        )

    def duplicates(self) -> list[_PlannedLead]:
        """Three pairs of open leads to merge, owned so that a rep sees both leads of a pair."""
        rng = self.rng
        sales = self.sales
        owners = ((sales[0], sales[0]), (sales[1], sales[1]), (sales[2], sales[0]))
        status = self.new or self.open[0]
        planned = []
        for pair, pair_owners in zip(DUPLICATE_LEADS, owners, strict=True):
            first_created = past_moment(rng, self.now, within=timedelta(days=120))
            created = (first_created, min(first_created + timedelta(days=rng.randint(3, 40)), self.now))
            for (company, civility, first_name, last_name, email), owner, created_at in zip(
                pair, pair_owners, created, strict=True
            ):
                values = self._fresh(created_at, owner=owner)
                values.update(
                    company_name=company,
                    civility=civility,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{email}.{DEMO_TLD}" if email else "",
                    website="",
                    status_id=status.pk,
                )
                planned.append(self._planned(values))
        return planned


# --- Duplicate contacts ----------------------------------------------------------------------------


def _seed_duplicate_contacts(run: DemoRun) -> int:
    """Two contacts entered twice at their company: the twin's names and e-mail differ only by case
    and accents. Same owner, third party and companies as the original, as contact_create would do."""
    rng = run.rng
    originals = list(
        Contact.objects.filter(pk__in=run.contact_ids[:200])
        .exclude(email="")
        .exclude(main_third_party=None)
        .order_by("pk")
    )
    # Names with accents or spaces make the best examples; any contact with an e-mail will do.
    originals.sort(key=lambda c: _plain(c.full_name) == c.full_name and " " not in c.last_name)
    originals = originals[:2]
    if not originals:
        return 0
    companies_through = Contact.companies.through
    companies: dict[int, list[int]] = {}
    for contact_id, company_id in companies_through.objects.filter(
        contact_id__in=[c.pk for c in originals]
    ).values_list("contact_id", "company_id"):
        companies.setdefault(contact_id, []).append(company_id)
    twins = []
    for index, original in enumerate(originals):
        local, _, domain = original.email.partition("@")
        twin = Contact(
            civility=original.civility,
            first_name=_plain(original.first_name) if index == 0 else original.first_name.upper(),
            last_name=original.last_name.upper() if index == 0 else _plain(original.last_name).lower(),
            email=f"{local.capitalize()}@{domain.upper()}" if index == 0 else original.email.upper(),
            email_domain=domain.lower(),
            phone=original.phone,
            mobile_phone=original.mobile_phone if rng.random() < 0.5 else "",
            function_id=original.function_id,
            department_id=original.department_id,
            language=original.language,
            main_third_party_id=original.main_third_party_id,
            assigned_user_id=original.assigned_user_id,
            team_id=original.team_id,
            note="Saisi une seconde fois depuis une carte de visite.",
        )
        twin.update_duplicate_keys()
        twins.append(twin)
    with transaction.atomic():
        Contact.objects.bulk_create(twins)
        Contact.third_parties.through.objects.bulk_create(
            [
                Contact.third_parties.through(contact_id=twin.pk, thirdparty_id=twin.main_third_party_id)
                for twin in twins
            ]
        )
        companies_through.objects.bulk_create(
            [
                companies_through(contact_id=twin.pk, company_id=company_id)
                for twin, original in zip(twins, originals, strict=True)
                for company_id in companies.get(original.pk, [])
            ]
        )
        content_type = ContentType.objects.get_for_model(Contact)
        Activity.objects.bulk_create(
            [
                Activity(
                    content_type=content_type,
                    object_id=twin.pk,
                    actor_id=twin.assigned_user_id,
                    verb=ActivityVerb.CREATED,
                )
                for twin in twins
            ]
        )
    run.contact_ids += [twin.pk for twin in twins]
    return len(twins)


def _plain(text: str) -> str:
    """'Hélène' → 'Helene': the accents a hasty typist leaves out."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
