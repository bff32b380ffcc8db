"""Demo data of the CRM core: users, teams and companies (the "cast"), third parties, addresses, contacts.

Third parties are built in Python and written with bulk_create, chunk by chunk, each chunk in its
own transaction: a fixed number of INSERT statements per table and chunk (on SQLite, split to fit
its 999 parameters per statement), never one per row, so `seed_demo --size 300000` stays practical. Nothing here goes through the services (they save row by row), so what the
services would derive is set here: the reference (reserved in one block), the contact's email
domain, the main third party among the contact's third parties, one "created" Activity per record.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Sequence as SequenceType
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.text import slugify

from crm.models import (
    Activity,
    ActivityVerb,
    Address,
    Civility,
    Company,
    Contact,
    ContactRole,
    Department,
    IndustrySector,
    JobFunction,
    Language,
    LeadSource,
    LegalForm,
    Role,
    Sequence,
    Tag,
    Team,
    ThirdParty,
    ThirdPartyCategory,
    User,
)
from crm.services.parties import THIRD_PARTY_SEQUENCE
from crm.validators import LA_POSTE_SIREN

from . import data

DEMO_PASSWORD = "demo"
# Demo e-mail addresses and websites use the reserved ".example" top-level domain (RFC 2606): a
# campaign sent by mistake to the demo contacts reaches nobody.
DEMO_TLD = "example"
CHUNK_SIZE = 5_000  # third parties per transaction
BATCH_SIZE = 1_000  # rows per INSERT (the SQLite backend lowers it to fit its 999 parameters)

# Contacts per third party: 1 to 4. The default set has more (~2.5), scaled sets ~2.
DEFAULT_CONTACT_WEIGHTS = (1, 1, 1, 1)
SCALED_CONTACT_WEIGHTS = (4, 3, 2, 1)
ADDRESS_WEIGHTS = (6, 3, 1)  # 1 to 3 addresses, ~1.5 on average
# SIREN bodies 10000000-99999999, a permutation of the reference numbers (STEP is coprime with
# COUNT); OFFSET puts La Poste's SIREN (which follows its own rule) at reference number 89123457.
SIREN_FIRST = 10_000_000
SIREN_COUNT = 90_000_000
SIREN_STEP = 38_734_291
SIREN_OFFSET = 67_236_013

Log = Callable[[str], None]


# --- Users, teams, companies -------------------------------------------------------------------

COMPANIES = (("DUP", "Dupont Industrie SAS"), ("DSV", "Dupont Services SARL"))
TEAM_NORD = "Équipe Nord"
TEAM_SUD = "Équipe Sud"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    companies: tuple[str, ...]  # company codes; the first one is the active company
    team: str | None = None


DEMO_USERS = (
    DemoUser("admin", "Philippe", "Roux", Role.ADMIN, ("DUP", "DSV")),
    DemoUser("manager", "Claire", "Martin", Role.MANAGER, ("DUP", "DSV")),
    DemoUser("rep", "Julien", "Lefebvre", Role.REP, ("DUP",), TEAM_NORD),
    DemoUser("rep2", "Camille", "Moreau", Role.REP, ("DSV",), TEAM_SUD),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


@dataclass(frozen=True)
class Cast:
    """The demo users, teams and companies that every seeding step hands records to."""

    admin: User
    manager: User
    rep: User
    rep2: User
    teams: tuple[Team, Team]  # Équipe Nord, Équipe Sud
    companies: tuple[Company, Company]  # Dupont Industrie, Dupont Services
    created_usernames: tuple[str, ...] = ()

    @property
    def users(self) -> tuple[User, User, User, User]:
        return (self.admin, self.manager, self.rep, self.rep2)

    @property
    def team_nord(self) -> Team:
        return self.teams[0]

    @property
    def team_sud(self) -> Team:
        return self.teams[1]

    def owners(self, *, south: bool, rng: random.Random) -> tuple[User, Team]:
        """Who a record of the north or the south of France is assigned to."""
        if south:
            return self.rep2, self.team_sud
        return (self.manager, self.team_nord) if rng.random() < 0.25 else (self.rep, self.team_nord)


def demo_users_exist() -> bool:
    return User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


def seed_users() -> Cast:
    """Get or create the demo companies, teams and users; existing users are left unchanged."""
    with transaction.atomic():
        companies = {
            code: Company.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in COMPANIES
        }
        users: dict[str, User] = {}
        created: list[str] = []
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = _create_demo_user(spec, companies)
                created.append(spec.username)
            users[spec.username] = user
        teams = {}
        for name, code, leader in ((TEAM_NORD, "DUP", users["manager"]), (TEAM_SUD, "DSV", None)):
            team, team_created = Team.objects.get_or_create(
                name=name, defaults={"company": companies[code], "leader": leader}
            )
            members = [
                users[spec.username]
                for spec in DEMO_USERS
                if spec.team == name and (team_created or spec.username in created)
            ]
            if members:
                team.members.add(*members)
            teams[name] = team
    return Cast(
        admin=users["admin"],
        manager=users["manager"],
        rep=users["rep"],
        rep2=users["rep2"],
        teams=(teams[TEAM_NORD], teams[TEAM_SUD]),
        companies=(companies["DUP"], companies["DSV"]),
        created_usernames=tuple(created),
    )


def _create_demo_user(spec: DemoUser, companies: dict[str, Company]) -> User:
    is_admin = spec.role == Role.ADMIN
    user = User.objects.create_user(
        username=spec.username,
        password=DEMO_PASSWORD,
        email=f"{_ascii(spec.first_name)}.{_ascii(spec.last_name)}@dupont-industrie.{DEMO_TLD}",
        first_name=spec.first_name,
        last_name=spec.last_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        active_company=companies[spec.companies[0]],
        language="fr",
    )
    user.groups.add(Group.objects.get_or_create(name=spec.role.value)[0])
    user.companies.set([companies[code] for code in spec.companies])
    return user


# --- Third parties, addresses, contacts --------------------------------------------------------


@dataclass
class SeededThirdParties:
    third_party_ids: list[int] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    addresses: int = 0
    activities: int = 0


def seed_third_parties(
    cast: Cast,
    size: int,
    rng: random.Random,
    *,
    contact_weights: SequenceType[int] = SCALED_CONTACT_WEIGHTS,
    chunk_size: int = CHUNK_SIZE,
    log: Log | None = None,
) -> SeededThirdParties:
    """Create `size` third parties with their addresses, contacts and "created" activities.

    The first ones are an internal company and a factor when the database has none yet.
    """
    result = SeededThirdParties()
    if size <= 0:
        return result
    builder = _Builder(cast, rng, contact_weights)
    specials = []
    if not ThirdParty.objects.filter(is_internal=True).exists():
        specials.append(builder.internal)
    if not ThirdParty.objects.filter(is_factor=True).exists():
        specials.append(builder.factor)
    references = iter(Sequence.reserve(THIRD_PARTY_SEQUENCE, count=size, prefix="T"))
    content_types = ContentType.objects.get_for_models(ThirdParty, Contact)
    done = 0
    while done < size:
        count = min(chunk_size, size - done)
        plans = []
        for _ in range(count):
            make = specials.pop(0) if specials else builder.regular
            plan = make()
            reference = next(references)
            plan.third_party.reference = reference
            plan.third_party.siret = builder.siret(_reference_number(reference))
            plans.append(plan)
        _insert_chunk(plans, content_types, result)
        done += count
        if log is not None and size > chunk_size:
            log(f"  third parties: {done:,} / {size:,}")
    return result


@dataclass
class _Plan:
    """One third party to insert, with what hangs off it."""

    third_party: ThirdParty
    addresses: list[Address]
    contacts: list[Contact]
    company_ids: list[int]
    tag_ids: list[int] = field(default_factory=list)
    parent: ThirdParty | None = None
    parent_contacts: list[Contact] = field(default_factory=list)  # also linked to the parent


def _insert_chunk(
    plans: list[_Plan], content_types: dict[type[models.Model], ContentType], result: SeededThirdParties
) -> None:
    """Insert one chunk in one transaction, parents before their subsidiaries."""
    tp_companies = ThirdParty.companies.through
    tp_tags = ThirdParty.tags.through
    contact_tps = Contact.third_parties.through
    contact_companies = Contact.companies.through
    with transaction.atomic():
        heads = [plan.third_party for plan in plans if plan.parent is None]
        subsidiaries = [plan.third_party for plan in plans if plan.parent is not None]
        ThirdParty.objects.bulk_create(heads, batch_size=BATCH_SIZE)
        for plan in plans:
            if plan.parent is not None:
                plan.third_party.parent_id = plan.parent.pk
        ThirdParty.objects.bulk_create(subsidiaries, batch_size=BATCH_SIZE)
        addresses = []
        contacts = []
        for plan in plans:
            tp_id = plan.third_party.pk
            for address in plan.addresses:
                address.third_party_id = tp_id
                addresses.append(address)
            for contact in plan.contacts:
                contact.main_third_party_id = tp_id
                contacts.append(contact)
        Address.objects.bulk_create(addresses, batch_size=BATCH_SIZE)
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        _require_pks(heads, subsidiaries, contacts)

        company_rows = []
        tag_rows = []
        contact_tp_rows = []
        contact_company_rows = []
        for plan in plans:
            tp_id = plan.third_party.pk
            company_rows += [tp_companies(thirdparty_id=tp_id, company_id=c) for c in plan.company_ids]
            tag_rows += [tp_tags(thirdparty_id=tp_id, tag_id=t) for t in plan.tag_ids]
            for contact in plan.contacts:
                contact_tp_rows.append(contact_tps(contact_id=contact.pk, thirdparty_id=tp_id))
                contact_company_rows += [
                    contact_companies(contact_id=contact.pk, company_id=c) for c in plan.company_ids
                ]
            if plan.parent is not None:
                contact_tp_rows += [
                    contact_tps(contact_id=contact.pk, thirdparty_id=plan.parent.pk)
                    for contact in plan.parent_contacts
                ]
        tp_companies.objects.bulk_create(company_rows, batch_size=BATCH_SIZE)
        tp_tags.objects.bulk_create(tag_rows, batch_size=BATCH_SIZE)
        contact_tps.objects.bulk_create(contact_tp_rows, batch_size=BATCH_SIZE)
        contact_companies.objects.bulk_create(contact_company_rows, batch_size=BATCH_SIZE)

        tp_type = content_types[ThirdParty]
        contact_type = content_types[Contact]
        activities = [
            Activity(
                content_type=tp_type,
                object_id=plan.third_party.pk,
                actor_id=plan.third_party.assigned_user_id,
                verb=ActivityVerb.CREATED,
            )
            for plan in plans
        ] + [
            Activity(
                content_type=contact_type,
                object_id=contact.pk,
                actor_id=contact.assigned_user_id,
                verb=ActivityVerb.CREATED,
            )
            for contact in contacts
        ]
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)

    result.third_party_ids += [plan.third_party.pk for plan in plans]
    result.contact_ids += [contact.pk for contact in contacts]
    result.addresses += len(addresses)
    result.activities += len(activities)


def _require_pks(*groups: list) -> None:
    for objects in groups:
        if objects and (objects[0].pk is None or objects[-1].pk is None):
            raise RuntimeError(
                "This database backend does not return primary keys from bulk_create: "
                "seed_demo needs PostgreSQL or SQLite 3.35+."
            )


class _Builder:
    """Builds unsaved third parties with their addresses and contacts from a seeded Random."""

    def __init__(self, cast: Cast, rng: random.Random, contact_weights: SequenceType[int]) -> None:
        self.cast = cast
        self.rng = rng
        self.contact_counts = range(1, len(contact_weights) + 1)
        self.contact_weights = list(contact_weights)
        self.legal_forms = _by_name(LegalForm)
        self.categories = _by_name(ThirdPartyCategory)
        self.functions = _by_name(JobFunction)
        self.departments = _by_name(Department)
        self.roles = _by_name(ContactRole)
        self.tags = _by_name(Tag)
        sectors = _by_name(IndustrySector)
        self.sectors = list(sectors.values())
        self.sources = list(_by_name(LeadSource).values())
        self.words = {
            sector.pk: data.SECTOR_WORDS.get(sector.name, data.GENERIC_WORDS) for sector in self.sectors
        }
        self.form_names = [name for name in data.LEGAL_FORMS if name in self.legal_forms]
        self.form_weights = [data.LEGAL_FORMS[name][0] for name in self.form_names]
        self.cities = data.CITIES
        self.city_weights = [city[3] for city in data.CITIES]
        self.company_ids = [company.pk for company in cast.companies]
        self.groups: list[_Plan] = []  # recent third parties that may get subsidiaries

    # Third parties

    def regular(self) -> _Plan:
        rng = self.rng
        if self.groups and rng.random() < 0.06:
            return self._subsidiary(rng.choice(self.groups))
        if rng.random() < 0.03:
            return self._public_body()
        sector = rng.choice(self.sectors) if self.sectors else None
        name = self._company_name(sector)
        roll = rng.random()
        # 42 % prospects, 28 % customers, 10 % both, 15 % suppliers, 5 % suppliers and customers.
        prospect, customer, supplier = (
            (True, False, False)
            if roll < 0.42
            else (False, True, False)
            if roll < 0.70
            else (True, True, False)
            if roll < 0.80
            else (False, False, True)
            if roll < 0.95
            else (False, True, True)
        )
        plan = self._third_party(
            name, sector=sector, is_prospect=prospect, is_customer=customer, is_supplier=supplier
        )
        if plan.third_party.size in ("medium", "intermediate", "large"):
            self.groups.append(plan)
            del self.groups[:-50]
        return plan

    def internal(self) -> _Plan:
        company = self.cast.companies[-1]
        name, _, form = company.name.rpartition(" ")
        plan = self._third_party(
            name or company.name,
            sector=self._sector("Services aux entreprises"),
            legal_form=form,
            size="medium",
            is_internal=True,
            is_customer=True,
            is_supplier=True,
        )
        plan.third_party.source = None
        plan.third_party.category = None
        plan.third_party.note = "Société du groupe : facturation interne."
        plan.company_ids = list(self.company_ids)
        return plan

    def factor(self) -> _Plan:
        plan = self._third_party(
            "Crédit Affacturage Atlantique",
            sector=self._sector("Banque / Assurance"),
            legal_form="SA",
            size="intermediate",
            is_factor=True,
            is_supplier=True,
        )
        plan.third_party.source = None
        plan.third_party.category = None
        plan.third_party.note = "Factor : les factures cédées sont à régler sur son compte."
        return plan

    def _public_body(self) -> _Plan:
        rng = self.rng
        city = self._city()
        name = rng.choice(("Mairie de {}", "Centre hospitalier de {}", "Communauté d'agglomération de {}"))
        plan = self._third_party(
            name.format(city[0]),
            sector=None,
            city=city,
            legal_form="Administration",
            size=rng.choice(("medium", "intermediate")),
            category="Administration",
            is_customer=rng.random() < 0.5,
            is_prospect=True,
        )
        return plan

    def _subsidiary(self, parent: _Plan) -> _Plan:
        rng = self.rng
        head = parent.third_party
        suffix = rng.choice(data.SUBSIDIARY_SUFFIXES)
        plan = self._third_party(
            f"{head.name} {suffix}",
            sector=self._sector_by_pk(head.industry_sector_id),
            owner=(head.assigned_user_id, head.team_id),
            is_prospect=head.is_prospect,
            is_customer=head.is_customer,
            is_supplier=head.is_supplier,
        )
        plan.parent = head
        plan.company_ids = list(parent.company_ids)
        # The subsidiary's head and some of its people also deal with the parent company.
        plan.parent_contacts = [
            c for index, c in enumerate(plan.contacts) if index == 0 or rng.random() < 0.3
        ]
        return plan

    def _third_party(
        self,
        name: str,
        *,
        sector: IndustrySector | None,
        city: tuple | None = None,
        legal_form: str | None = None,
        size: str | None = None,
        category: str | None = None,
        owner: tuple[int | None, int | None] | None = None,
        **flags: bool,
    ) -> _Plan:
        rng = self.rng
        city = city or self._city()
        if legal_form is None:
            legal_form = rng.choices(self.form_names, self.form_weights)[0] if self.form_names else ""
        if size is None:
            size = rng.choice(data.LEGAL_FORMS.get(legal_form, (0, ("small",)))[1])
        if owner is None:
            user, team = self.cast.owners(south=city[2][0][0] in "45", rng=rng)
            owner = (user.pk, team.pk)
            team_company = team.company_id or self.company_ids[0]
            company_ids = self.company_ids if rng.random() < 0.15 else [team_company]
        else:
            company_ids = []
        domain = f"{slugify(name)[:60].strip('-')}.{DEMO_TLD}"
        customer = flags.get("is_customer", False)
        prospect = flags.get("is_prospect", False)
        large = size in ("intermediate", "large")
        key_account = size != "micro" and rng.random() < (
            0.6 if customer and large else 0.05 if customer else 0.02
        )
        if category is None:
            if key_account or large:
                category = "Grand compte"
            elif customer and sector is not None and "Distribution" in sector.name and rng.random() < 0.5:
                category = "Revendeur"
            elif rng.random() < 0.85:
                category = "PME"
        switchboard = self._landline(city)
        third_party = ThirdParty(
            name=name,
            legal_form=self.legal_forms.get(legal_form),
            website=f"https://www.{domain}" if rng.random() < 0.8 else "",
            email=f"{rng.choice(data.TP_EMAIL_BOXES)}@{domain}" if rng.random() < 0.85 else "",
            phone=switchboard + "00",
            mobile_phone=self._mobile() if size == "micro" and rng.random() < 0.5 else "",
            note=rng.choice(data.NOTES) if rng.random() < 0.15 else "",
            industry_sector=sector,
            category=self.categories.get(category) if category else None,
            size=size,
            is_key_account=key_account,
            scoring=rng.randint(1, 5) if customer else rng.randint(0, 5) if prospect else rng.randint(0, 3),
            source=rng.choice(self.sources)
            if (customer or prospect) and self.sources and rng.random() < 0.85
            else None,
            language=Language.ENGLISH if rng.random() < 0.04 else Language.FRENCH,
            assigned_user_id=owner[0],
            team_id=owner[1],
            **flags,
        )
        third_party.update_duplicate_keys()
        plan = _Plan(third_party, [], [], list(company_ids), self._tags(key_account, prospect))
        plan.addresses = self._addresses(city)
        plan.contacts = self._contacts(third_party, domain, switchboard)
        return plan

    def _company_name(self, sector: IndustrySector | None) -> str:
        rng = self.rng
        word = rng.choice(self.words.get(sector.pk, data.GENERIC_WORDS) if sector else data.GENERIC_WORDS)
        last = rng.choice(data.LAST_NAMES)
        pattern = rng.random()
        if pattern < 0.30:
            return f"{word} {last}"
        if pattern < 0.55:
            return f"{last} {word}"
        if pattern < 0.65:
            return f"{word} {last} & Fils"
        if pattern < 0.85:
            return f"{word} {rng.choice(data.REGIONS)}"
        if pattern < 0.95:
            return f"{last} et {rng.choice(data.LAST_NAMES)}"
        return f"Groupe {last}"

    def _tags(self, key_account: bool, prospect: bool) -> list[int]:
        rng = self.rng
        chosen = []
        for name, probability in (
            ("VIP", 0.7 if key_account else 0.0),
            ("Salon 2026", 0.1 if prospect else 0.02),
            ("À relancer", 0.12 if prospect else 0.0),
        ):
            tag = self.tags.get(name)
            if tag is not None and rng.random() < probability:
                chosen.append(tag.pk)
        return chosen

    # Addresses and contacts

    def _addresses(self, city: tuple) -> list[Address]:
        rng = self.rng
        count = rng.choices((1, 2, 3), ADDRESS_WEIGHTS)[0]
        addresses = []
        for index in range(count):
            site = city if index == 0 or rng.random() < 0.5 else self._city()
            addresses.append(
                Address(
                    line1=self._street(),
                    line2=rng.choice(data.ADDRESS_COMPLEMENTS) if rng.random() < 0.3 else "",
                    postcode=rng.choice(site[1]),
                    city=site[0],
                    country="FR",
                    is_default=index == 0,
                    is_invoicing=index == 0 or (index == 2 and rng.random() < 0.5),
                    is_delivery=count == 1 or index > 0,
                )
            )
        return addresses

    def _contacts(self, third_party: ThirdParty, domain: str, switchboard: str) -> list[Contact]:
        rng = self.rng
        count = rng.choices(self.contact_counts, self.contact_weights)[0]
        contacts = []
        emails: set[str] = set()
        for index in range(count):
            civility, first_name = self._person()
            last_name = rng.choice(data.LAST_NAMES)
            function, department, role = data.BOSS_POSITION if index == 0 else rng.choice(data.POSITIONS)
            email = ""
            if rng.random() < 0.92:
                email = f"{_ascii(first_name)}.{_ascii(last_name)}@{domain}"
                if email in emails:
                    email = f"{_ascii(first_name)[:1]}{_ascii(last_name)}{index}@{domain}"
                emails.add(email)
            contact = Contact(
                civility=civility,
                first_name=first_name,
                last_name=last_name,
                function=self.functions.get(function) if function else None,
                department=self.departments.get(department),
                role=self.roles.get(role),
                email=email,
                email_domain=domain if email else "",
                phone=f"{switchboard}{rng.randint(1, 99):02d}" if rng.random() < 0.75 else "",
                mobile_phone=self._mobile() if rng.random() < 0.55 else "",
                do_not_call=rng.random() < 0.04,
                do_not_email=bool(email) and rng.random() < 0.05,
                language=third_party.language,
                assigned_user_id=third_party.assigned_user_id,
                team_id=third_party.team_id,
            )
            contact.update_duplicate_keys()
            contacts.append(contact)
        return contacts

    def _person(self) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.47:
            return Civility.MR, rng.choice(data.MALE_FIRST_NAMES)
        if roll < 0.94:
            return Civility.MRS, rng.choice(data.FEMALE_FIRST_NAMES)
        civility = rng.choice((Civility.DR, Civility.DR, Civility.MASTER, Civility.PROF))
        return civility, rng.choice(data.MALE_FIRST_NAMES if rng.random() < 0.5 else data.FEMALE_FIRST_NAMES)

    # Values

    def _city(self) -> tuple:
        return self.rng.choices(self.cities, self.city_weights)[0]

    def _street(self) -> str:
        rng = self.rng
        number = f"{rng.randint(1, 180)}{' bis' if rng.random() < 0.05 else ''}"
        return f"{number} {rng.choice(data.STREET_TYPES)} {rng.choice(data.STREET_NAMES)}"

    def _landline(self, city: tuple) -> str:
        """A switchboard number without its last two digits: '+33 1 42 68 53 '."""
        rng = self.rng
        prefix = rng.choice(city[2])
        return f"+33 {prefix[0]} {prefix[1:]} {rng.randint(10, 99)} {rng.randint(10, 99)} "

    def _mobile(self) -> str:
        rng = self.rng
        prefix = rng.choice(data.MOBILE_PREFIXES)
        return (
            f"+33 {prefix[0]} {prefix[1]}{rng.randint(0, 9)} {rng.randint(0, 99):02d} "
            f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        )

    def siret(self, number: int) -> str:
        """The SIRET of the third party with reference number `number`, unique to that number.

        A SIREN (8 digits + Luhn key) then a NIC (000 + establishment + key): both pass Luhn. The
        8 digits are a permutation of the reference number, so that no two third parties share a
        SIRET, even across runs, while consecutive references get unrelated numbers.
        """
        body = SIREN_FIRST + (number * SIREN_STEP + SIREN_OFFSET) % SIREN_COUNT
        siren = _with_luhn_key(str(body))
        while siren == LA_POSTE_SIREN:  # its establishments follow another rule: draw another one
            siren = _with_luhn_key(str(self.rng.randint(SIREN_FIRST, SIREN_FIRST + SIREN_COUNT - 1)))
        return _with_luhn_key(f"{siren}000{self.rng.randint(1, 9)}")

    def _sector(self, name: str) -> IndustrySector | None:
        return next((sector for sector in self.sectors if sector.name == name), None)

    def _sector_by_pk(self, pk: int | None) -> IndustrySector | None:
        return next((sector for sector in self.sectors if sector.pk == pk), None)


def _by_name(model: type[models.Model]) -> dict:
    return {obj.name: obj for obj in model.objects.filter(active=True)}  # type: ignore[attr-defined]


def _reference_number(reference: str) -> int:
    """'T000042' → 42 (Sequence.reserve appends the zero-padded number to the prefix)."""
    match = re.search(r"\d+$", reference)
    return int(match.group()) if match else 0


def _with_luhn_key(payload: str) -> str:
    """Append the digit that makes `payload` pass the Luhn check (crm.validators.luhn_is_valid)."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char)
        if index % 2 == 0:  # doubled once the key digit is appended on the right
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return f"{payload}{(10 - total % 10) % 10}"


def _ascii(text: str) -> str:
    """'Lefèvre' → 'lefevre', 'Le Gall' → 'legall': for e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(char for char in plain if char.isalnum() or char == "-")
