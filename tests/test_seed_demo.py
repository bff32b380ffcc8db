"""manage.py seed_demo: the French demo data set, its consistency and its bulk inserts."""

import random
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from crm import demo
from crm.demo.core import DEMO_PASSWORD, SCALED_CONTACT_WEIGHTS, _Builder, _with_luhn_key, seed_users
from crm.duplicates import duplicate_key
from crm.models import (
    Activity,
    ActivityVerb,
    Address,
    Company,
    Contact,
    Role,
    Sequence,
    Team,
    ThirdParty,
    User,
)
from crm.validators import LA_POSTE_SIREN, luhn_is_valid, normalize_phone, validate_phone, validate_siret

pytestmark = pytest.mark.django_db


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (User, Team, Company, ThirdParty, Address, Contact, Activity)
    through = (
        ThirdParty.companies.through,
        ThirdParty.tags.through,
        Contact.third_parties.through,
        Contact.companies.through,
        User.companies.through,
        Team.members.through,
    )
    return {model._meta.label: model.objects.count() for model in models + through}


def test_demo_users_have_their_roles_teams_and_companies_and_log_in_with_demo():
    output = seed_demo()
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {"admin", "manager", "rep", "rep2"}
    for username, user in users.items():
        assert authenticate(username=username, password=DEMO_PASSWORD) == user, username
        assert user.first_name and user.last_name
        assert username in output
    admin, manager, rep, rep2 = users["admin"], users["manager"], users["rep"], users["rep2"]
    assert admin.is_superuser and admin.is_staff
    assert not (manager.is_staff or rep.is_staff or rep2.is_staff)
    assert [g.name for g in admin.groups.all()] == [Role.ADMIN.value]
    assert [g.name for g in manager.groups.all()] == [Role.MANAGER.value]
    assert [g.name for g in rep.groups.all()] == [Role.REP.value]
    assert [g.name for g in rep2.groups.all()] == [Role.REP.value]
    assert (manager.role, rep.role, rep2.role) == (Role.MANAGER, Role.REP, Role.REP)
    assert (manager.first_name, manager.last_name) == ("Claire", "Martin")

    dup, dsv = Company.objects.get(code="DUP"), Company.objects.get(code="DSV")
    assert set(manager.companies.all()) == {dup, dsv}
    assert (manager.active_company, rep.active_company, rep2.active_company) == (dup, dup, dsv)
    assert list(rep.companies.all()) == [dup] and list(rep2.companies.all()) == [dsv]

    nord, sud = Team.objects.get(name="Équipe Nord"), Team.objects.get(name="Équipe Sud")
    assert (nord.leader, nord.company, sud.company) == (manager, dup, dsv)
    assert list(nord.members.all()) == [rep] and list(sud.members.all()) == [rep2]


def test_default_data_set_is_consistent():
    seed_demo()
    third_parties = ThirdParty.objects.all()
    contacts = Contact.objects.all()
    assert third_parties.count() == 60
    assert 120 <= contacts.count() <= 180

    # Exactly one default address each, 1 to 3 addresses.
    per_third_party = third_parties.annotate(
        n=Count("addresses"), defaults=Count("addresses", filter=Q(addresses__is_default=True))
    )
    assert {tp.defaults for tp in per_third_party} == {1}
    assert {tp.n for tp in per_third_party} <= {1, 2, 3}
    assert (
        Address.objects.filter(is_invoicing=True).exists()
        and Address.objects.filter(is_delivery=True).exists()
    )

    # Field rules: SIRET, phones, references, email domains.
    for tp in third_parties:
        validate_siret(tp.siret)
        assert tp.legal_form_id is not None
        assert tp.industry_sector_id is not None or tp.legal_form.name == "Administration"
        assert 0 <= tp.scoring <= 5
    phones = [p for tp in third_parties for p in (tp.phone, tp.mobile_phone) if p]
    phones += [p for c in contacts for p in (c.phone, c.mobile_phone) if p]
    assert len(phones) > 200
    for phone in phones:
        validate_phone(phone)
        assert normalize_phone(phone) == phone  # stored as the forms would store it
    references = list(third_parties.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    sirets = list(third_parties.values_list("siret", flat=True))
    assert len(set(sirets)) == len(sirets)
    assert all(re.fullmatch(r"T\d{6}", reference) for reference in references)
    assert Sequence.objects.get(code="third_party").next_value == 61

    # Types, flags and links.
    assert third_parties.filter(is_internal=True).count() == 1
    assert third_parties.filter(is_factor=True).count() == 1
    for flags in ({"is_prospect": True}, {"is_customer": True}, {"is_supplier": True}):
        assert third_parties.filter(**flags).exists(), flags
    assert third_parties.filter(is_prospect=True, is_customer=True).exists()
    assert third_parties.filter(is_key_account=True).exists()
    assert third_parties.filter(parent__isnull=False).exists()
    assert third_parties.filter(tags__isnull=False).exists()
    assert third_parties.exclude(source=None).exists() and third_parties.exclude(category=None).exists()
    assert len(set(third_parties.values_list("size", flat=True))) >= 4
    assert set(third_parties.values_list("assigned_user__username", flat=True)) == {"rep", "rep2", "manager"}
    owners = set(third_parties.values_list("assigned_user__username", "team__name"))
    assert owners == {("rep", "Équipe Nord"), ("manager", "Équipe Nord"), ("rep2", "Équipe Sud")}
    assert not third_parties.filter(companies=None).exists()
    assert third_parties.annotate(n=Count("companies")).filter(n=2).exists()

    for contact in contacts.prefetch_related("third_parties", "companies").select_related("main_third_party"):
        main = contact.main_third_party
        assert main is not None and main in contact.third_parties.all()
        assert (contact.assigned_user_id, contact.team_id) == (main.assigned_user_id, main.team_id)
        assert set(contact.companies.all()) == set(main.companies.all())
        if contact.email:
            assert contact.email_domain == contact.email.rpartition("@")[2].lower()
        else:
            assert contact.email_domain == ""
    per_third_party = third_parties.annotate(n=Count("main_contacts")).values_list("n", flat=True)
    assert set(per_third_party) <= {1, 2, 3, 4}
    assert contacts.filter(do_not_call=True).exists() and contacts.filter(do_not_email=True).exists()
    assert contacts.exclude(function=None).exists() and contacts.exclude(role=None).exists()
    assert Contact.third_parties.through.objects.count() > contacts.count()  # some also at the parent


def test_one_created_activity_per_third_party_and_contact_by_its_assigned_user():
    seed_demo()
    for model in (ThirdParty, Contact):
        activities = Activity.objects.filter(content_type=ContentType.objects.get_for_model(model))
        assert activities.count() == model.objects.count()
        assert set(activities.values_list("verb", flat=True)) == {ActivityVerb.CREATED}
        by_record = dict(activities.values_list("object_id", "actor_id"))
        assert by_record == dict(model.objects.values_list("pk", "assigned_user_id"))


def test_running_twice_without_size_does_nothing_the_second_time():
    seed_demo()
    before = counts()
    output = seed_demo()
    assert "nothing to do" in output
    assert counts() == before


def test_size_adds_exactly_that_many_third_parties_with_new_references():
    seed_demo()
    before = counts()
    references = set(ThirdParty.objects.values_list("reference", flat=True))
    seed_demo("--size", "10")
    after = counts()
    assert after[ThirdParty._meta.label] == before[ThirdParty._meta.label] + 10
    for label in (User._meta.label, Team._meta.label, Company._meta.label):
        assert after[label] == before[label]
    new = ThirdParty.objects.exclude(reference__in=references)
    assert new.count() == 10
    assert ThirdParty.objects.values("reference").distinct().count() == 70
    assert Contact.objects.filter(main_third_party__in=new).count() >= 10
    assert Address.objects.filter(third_party__in=new, is_default=True).count() == 10
    # SIRET numbers derive from the references: still unique after a second run.
    assert ThirdParty.objects.values("siret").distinct().count() == 70


def test_size_on_an_empty_database_creates_the_users_and_exactly_n_third_parties():
    seed_demo("--size", "5")
    assert ThirdParty.objects.count() == 5
    assert User.objects.filter(username__in=["admin", "manager", "rep", "rep2"]).count() == 4
    assert ThirdParty.objects.filter(is_internal=True).count() == 1


def test_query_count_does_not_grow_with_size(monkeypatch):
    # The third-parties step alone; the later steps are measured in test_seed_demo_workflow.py.
    monkeypatch.setattr(demo, "STEPS", ["crm.demo.third_parties_step"])
    seed_demo("--size", "2")  # the users, teams, companies, internal company and factor exist
    measured = {}
    for size in (10, 40):
        with CaptureQueriesContext(connection) as context:
            seed_demo("--size", str(size))
        measured[size] = [query["sql"] for query in context.captured_queries]
    assert ThirdParty.objects.count() == 52

    def inserts(queries: list[str]) -> list[str]:
        return [sql for sql in queries if sql.lstrip().upper().startswith("INSERT")]

    # Reads, savepoints and the sequence update are the same whatever the size...
    assert len(measured[40]) - len(inserts(measured[40])) == len(measured[10]) - len(inserts(measured[10]))
    # ...and rows are inserted in bulk: 40 third parties, ~80 contacts, ~60 addresses, ~120
    # activities and their many-to-many rows take a handful of INSERTs, one per table. Either run
    # may lack the optional ones (subsidiaries, inserted after their parents; tags). SQLite caps a
    # statement at 999 parameters (about 33 third parties): a few more statements there.
    extra = len(measured[40]) - len(measured[10])
    assert -2 <= extra <= (2 if connection.vendor == "postgresql" else 6)
    assert len(inserts(measured[40])) <= 16


def test_generated_sirets_are_valid_and_unique_per_reference_number():
    assert _with_luhn_key("73282932") == "732829320"
    assert _with_luhn_key("7328293200007") == "73282932000074"
    builder = _Builder(seed_users(), random.Random(1), SCALED_CONTACT_WEIGHTS)
    numbers = [*range(1, 3000), 89_123_457]  # the last one would be La Poste's SIREN
    sirets = [builder.siret(number) for number in numbers]
    assert len({siret[:9] for siret in sirets}) == len(sirets)
    for siret in sirets:
        validate_siret(siret)
        assert luhn_is_valid(siret[:9]) and not siret.startswith(LA_POSTE_SIREN)


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed_demo()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_bulk_loaded_records_carry_their_duplicate_keys():
    call_command("seed_demo", stdout=StringIO())
    third_party = ThirdParty.objects.exclude(name="").first()
    contact = Contact.objects.exclude(email="").first()
    assert third_party.name_key == duplicate_key(third_party.name)
    assert (contact.last_name_key, contact.email_key) == (
        duplicate_key(contact.last_name),
        duplicate_key(contact.email),
    )
