from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from crm.models import Activity, ActivityVerb, Address, Contact, LostReason, Tag, ThirdParty
from crm.services import merge
from crm.services.activity import activity_record
from crm.services.merge import contacts_merge, leads_merge, records_merge, third_parties_merge
from crm.services.parties import address_save, contact_create, third_party_create, third_party_update
from crm.workflow import WorkflowRefused
from leads.models import Lead, LeadStage
from leads.services import lead_create, lead_lose
from opportunities.models import Opportunity, Quote
from opportunities.services import opportunity_create
from opportunities.services.quotes import LineInput, quote_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def add_address(third_party, *, city, is_default=False):
    address = Address(third_party=third_party, line1="1 rue de la Gare", postcode="59000", city=city)
    address.is_default = is_default
    return address_save(address=address, user=third_party.assigned_user)


def activities_of(record):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).order_by("pk")


def database_state():
    """Every row a merge could touch, as plain values: equal states mean nothing changed."""
    models = (ThirdParty, Contact, Address, Lead, Opportunity, Quote, Activity)
    through = (ThirdParty.tags.through, ThirdParty.companies.through, Contact.third_parties.through)
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()) for model in (*models, *through)
    }


@pytest.fixture
def pair(cast):
    """Two visible third parties of the rep: the original and its duplicate."""
    original = third_party_create(user=cast.rep, fields={"name": "Société Générale"})
    duplicate = third_party_create(
        user=cast.rep,
        fields={"name": "SOCIETE GENERALE", "email": "contact@sg.fr", "phone": "+33 1 23 45 67 89"},
    )
    return original, duplicate


def test_merging_third_parties_moves_opportunities_and_quotes_to_the_original(cast, pair):
    original, duplicate = pair
    opportunity = opportunity_create(
        user=cast.rep, fields={"name": "Renouvellement", "third_party": duplicate}
    )
    quote = quote_create(
        opportunity=opportunity,
        user=cast.rep,
        lines=[LineInput(label="Licence", quantity=Decimal("1"), unit_price=Decimal("100"))],
    )

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert Opportunity.objects.get(pk=opportunity.pk).third_party_id == original.pk
    assert Quote.objects.get(pk=quote.pk).third_party_id == original.pk


def test_merging_third_parties_moves_the_addresses_and_keeps_the_originals_default(cast, pair):
    original, duplicate = pair
    lille = add_address(original, city="Lille")
    roubaix = add_address(duplicate, city="Roubaix")
    tourcoing = add_address(duplicate, city="Tourcoing")

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    addresses = Address.objects.filter(third_party=original).order_by("pk")
    assert [(a.pk, a.is_default) for a in addresses] == [
        (lille.pk, True),
        (roubaix.pk, False),
        (tourcoing.pk, False),
    ]


def test_an_original_without_address_gets_the_first_duplicates_default_address(cast, pair):
    original, duplicate = pair
    other = third_party_create(user=cast.rep, fields={"name": "Société Générale SA"})
    add_address(other, city="Lens")
    roubaix = add_address(duplicate, city="Roubaix")

    third_parties_merge(original=original, duplicates=[duplicate, other], user=cast.rep)

    defaults = Address.objects.filter(third_party=original, is_default=True)
    assert [a.pk for a in defaults] == [roubaix.pk]
    assert Address.objects.filter(third_party=original).count() == 2


def test_merging_third_parties_moves_contacts_links_without_duplicate_rows(cast, pair):
    original, duplicate = pair
    both = contact_create(
        user=cast.rep, fields={"last_name": "Michel", "third_parties": [original, duplicate]}
    )
    main = contact_create(user=cast.rep, fields={"last_name": "Bernard", "main_third_party": duplicate})

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert list(both.third_parties.all()) == [original]
    main.refresh_from_db()
    assert main.main_third_party_id == original.pk
    assert list(main.third_parties.all()) == [original]
    assert Contact.third_parties.through.objects.filter(thirdparty=original).count() == 2


def test_merging_unions_tags_and_companies_onto_the_original(cast, pair):
    original, duplicate = pair
    vip, export = Tag.objects.create(name="Merge test VIP"), Tag.objects.create(name="Merge test export")
    original.tags.set([vip])
    duplicate.tags.set([vip, export])
    duplicate.companies.add(cast.south_company)

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert sorted(t.name for t in original.tags.all()) == ["Merge test VIP", "Merge test export"]
    assert list(original.companies.order_by("code")) == [cast.south_company, cast.north_company]


def test_merging_moves_the_activity_of_the_duplicates_to_the_original(cast, pair):
    original, duplicate = pair
    note = activity_record(record=duplicate, actor=cast.rep, verb=ActivityVerb.EVENT, message="Appel")
    moved = list(activities_of(duplicate).values_list("pk", flat=True))

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert note.pk in moved
    assert set(moved) <= set(activities_of(original).values_list("pk", flat=True))
    assert not activities_of(duplicate).exists()


def test_merging_fills_only_the_empty_fields_of_the_original_in_the_order_given(cast):
    original = third_party_create(user=cast.rep, fields={"name": "Apollo", "phone": "+33 3 20 00 00 01"})
    first = third_party_create(user=cast.rep, fields={"name": "Apollo SA", "website": "https://apollo.fr"})
    second = third_party_create(
        user=cast.rep,
        fields={
            "name": "APOLLO",
            "phone": "+33 3 20 00 00 02",
            "website": "https://apollo.com",
            "email": "a@apollo.fr",
        },
    )

    merged = third_parties_merge(original=original, duplicates=[first, second], user=cast.rep)

    merged.refresh_from_db()
    assert (merged.name, merged.phone, merged.website, merged.email, merged.email_key) == (
        "Apollo",
        "+33 3 20 00 00 01",
        "https://apollo.fr",
        "a@apollo.fr",
        "a@apollo.fr",
    )


def test_merging_leaves_the_locked_fields_of_the_original_empty(cast, pair):
    original, duplicate = pair
    ThirdParty.objects.filter(pk=original.pk).update(locked_fields=["email"])

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    original.refresh_from_db()
    assert (original.email, original.phone) == ("", "+33 1 23 45 67 89")


def test_merging_contacts_derives_the_email_domain_of_a_filled_email(cast):
    original = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    duplicate = contact_create(user=cast.rep, fields={"last_name": "MICHEL", "email": "l.michel@Apollo.fr"})

    merged = contacts_merge(original=original, duplicates=[duplicate], user=cast.rep)

    merged.refresh_from_db()
    assert (merged.email, merged.email_domain, merged.email_key) == (
        "l.michel@Apollo.fr",
        "apollo.fr",
        "l.michel@apollo.fr",
    )


def test_merging_contacts_moves_their_opportunities(cast):
    original = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    duplicate = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    opportunity = opportunity_create(user=cast.rep, fields={"name": "Audit", "contact": duplicate})

    contacts_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert Opportunity.objects.get(pk=opportunity.pk).contact_id == original.pk


def test_merging_deletes_the_duplicates(cast, pair):
    original, duplicate = pair
    third = third_party_create(user=cast.rep, fields={"name": "Societe  generale"})

    third_parties_merge(original=original, duplicates=[duplicate, third], user=cast.rep)

    assert list(ThirdParty.objects.values_list("pk", flat=True)) == [original.pk]


def test_merging_records_a_merged_entry_with_the_filled_fields_and_bumps_the_version(cast, pair):
    original, duplicate = pair
    version = original.version

    merged = third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    entry = activities_of(original).last()
    assert entry.verb == ActivityVerb.MERGED
    assert entry.actor == cast.rep
    assert entry.message == f"Merged into this record: SOCIETE GENERALE ({duplicate.reference})."
    assert entry.changes == {
        "email": {"before": "", "after": "contact@sg.fr"},
        "phone": {"before": "", "after": "+33 1 23 45 67 89"},
    }
    assert merged.version == version + 1
    assert ThirdParty.objects.get(pk=original.pk).version == version + 1


def test_a_duplicate_that_was_the_parent_of_the_original_does_not_become_a_self_reference(cast, pair):
    original, duplicate = pair
    group = third_party_create(user=cast.rep, fields={"name": "Groupe SG"})
    third_party_update(third_party=original, user=cast.rep, fields={"parent": duplicate})
    third_party_update(third_party=duplicate, user=cast.rep, fields={"parent": group})
    subsidiary = third_party_create(user=cast.rep, fields={"name": "SG Lille", "parent": duplicate})

    third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert ThirdParty.objects.get(pk=original.pk).parent_id == group.pk
    assert ThirdParty.objects.get(pk=subsidiary.pk).parent_id == original.pk


def test_merging_leads_moves_their_opportunities(cast):
    original = lead_create(user=cast.rep, fields={"last_name": "Martin", "company_name": "Apollo"})
    duplicate = lead_create(user=cast.rep, fields={"last_name": "MARTIN", "first_name": "Léa"})
    opportunity = opportunity_create(user=cast.rep, fields={"name": "Audit", "origin_lead": duplicate})

    merged = leads_merge(original=original, duplicates=[duplicate], user=cast.rep)

    assert Opportunity.objects.get(pk=opportunity.pk).origin_lead_id == original.pk
    assert Lead.objects.get(pk=merged.pk).first_name == "Léa"
    assert not Lead.objects.filter(pk=duplicate.pk).exists()


def test_a_lost_duplicate_does_not_pass_its_lost_reason_to_an_open_original(cast):
    original = lead_create(user=cast.rep, fields={"last_name": "Martin"})
    lost = lead_create(user=cast.rep, fields={"last_name": "Martin", "email": "martin@apollo.fr"})
    lead_lose(
        lead=lost, user=cast.rep, reason=LostReason.objects.create(name="Doublon (test)"), note="Doublon"
    )

    leads_merge(original=original, duplicates=[lost], user=cast.rep)

    merged = Lead.objects.get(pk=original.pk)
    assert (merged.stage, merged.lost_reason, merged.lost_note, merged.email) == (
        LeadStage.OPEN,
        None,
        "",
        "martin@apollo.fr",
    )


def test_a_converted_lead_cannot_be_merged(cast):
    original = lead_create(user=cast.rep, fields={"last_name": "Martin"})
    converted = lead_create(user=cast.rep, fields={"last_name": "Martin"})
    Lead.objects.filter(pk=converted.pk).update(stage=LeadStage.CONVERTED)
    before = database_state()

    with pytest.raises(WorkflowRefused, match="is converted"):
        leads_merge(original=original, duplicates=[converted], user=cast.rep)

    assert database_state() == before


def test_merging_a_record_the_user_cannot_see_is_refused_and_changes_nothing(cast, pair):
    original, duplicate = pair
    add_address(duplicate, city="Roubaix")
    opportunity_create(user=cast.rep, fields={"name": "Renouvellement", "third_party": duplicate})
    hidden = third_party_create(
        user=cast.rep2, fields={"name": "Société générale", "website": "https://sg.fr"}
    )
    before = database_state()

    with pytest.raises(WorkflowRefused, match="not visible to you"):
        third_parties_merge(original=original, duplicates=[duplicate, hidden], user=cast.rep)

    assert database_state() == before


def test_a_manager_merges_records_of_the_reps_of_their_company(cast):
    original = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    duplicate = contact_create(
        user=cast.rep2, fields={"last_name": "Michel", "companies": [cast.north_company]}
    )

    contacts_merge(original=original, duplicates=[duplicate], user=cast.manager)

    assert list(Contact.objects.values_list("pk", flat=True)) == [original.pk]


def test_a_record_cannot_be_merged_with_itself(cast, pair):
    original, _ = pair
    before = database_state()

    with pytest.raises(WorkflowRefused, match="cannot be merged with itself"):
        third_parties_merge(original=original, duplicates=[original], user=cast.rep)

    assert database_state() == before


def test_merging_needs_at_least_one_duplicate(cast, pair):
    original, _ = pair

    with pytest.raises(WorkflowRefused, match="at least one duplicate"):
        third_parties_merge(original=original, duplicates=[], user=cast.rep)


def test_records_of_different_kinds_cannot_be_merged(cast, pair):
    original, _ = pair
    contact = contact_create(user=cast.rep, fields={"last_name": "Générale"})

    with pytest.raises(WorkflowRefused, match="same kind"):
        records_merge(original=original, duplicates=[contact], user=cast.rep)


def test_a_failure_half_way_leaves_everything_as_it_was(cast, pair, monkeypatch):
    original, duplicate = pair
    add_address(original, city="Lille")
    add_address(duplicate, city="Roubaix")
    opportunity_create(user=cast.rep, fields={"name": "Renouvellement", "third_party": duplicate})
    contact_create(user=cast.rep, fields={"last_name": "Michel", "main_third_party": duplicate})
    before = database_state()

    def broken_delete(model, pks):
        raise RuntimeError("disk full")

    # Given related rows already moved and fields filled when the deletion fails…
    monkeypatch.setattr(merge, "_delete_duplicates", broken_delete)
    with pytest.raises(RuntimeError, match="disk full"):
        third_parties_merge(original=original, duplicates=[duplicate], user=cast.rep)

    # …then nothing of the merge remains.
    assert database_state() == before
