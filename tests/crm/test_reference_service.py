"""reference_create: the one way to add an entry to a list of reference data (SPEC §2.1)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from catalogs.models import CatalogType
from catalogs.services import catalog_type_save
from crm.models import Activity, ActivityVerb, CrmSettings, LeadSource, Tag
from crm.reference_kinds import UnknownReferenceKind
from crm.services.reference import reference_create
from crm.workflow import WorkflowRefused
from events.models import EventCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def error_messages(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return error.value.message_dict[field]


def test_it_creates_an_entry_with_the_spaces_typed_by_accident_removed(cast):
    source = reference_create(kind="sources", fields={"name": "  Salon   Batimat "}, user=cast.rep)

    assert LeadSource.objects.get(pk=source.pk).name == "Salon Batimat"
    assert source.active is True  # type: ignore[attr-defined]


def test_it_records_who_added_the_entry(cast):
    source = reference_create(kind="sources", fields={"name": "Salon Batimat"}, user=cast.rep)

    activity = Activity.objects.get(object_id=source.pk, content_type__model="leadsource")
    assert (activity.actor, activity.verb) == (cast.rep, ActivityVerb.CREATED)


@pytest.mark.parametrize("name", ["salon batimat", " SALON BATIMAT ", "Salon  Batimat"])
def test_a_name_already_taken_whatever_its_case_and_spaces_is_refused_and_nothing_is_created(cast, name):
    LeadSource.objects.create(name="Salon Batimat")

    with pytest.raises(ValidationError) as error:
        reference_create(kind="sources", fields={"name": name}, user=cast.rep)

    assert error_messages(error, "name") == ["“Salon Batimat” is already in this list."]
    assert LeadSource.objects.filter(name__icontains="batimat").count() == 1


def test_names_differing_only_by_the_case_of_an_accented_letter_are_the_same(cast):
    Tag.objects.create(name="Événement")

    with pytest.raises(ValidationError):
        reference_create(kind="tags", fields={"name": "ÉVÉNEMENT"}, user=cast.rep)

    assert Tag.objects.filter(name__in=["Événement", "ÉVÉNEMENT"]).count() == 1


def test_an_empty_name_is_refused(cast):
    count = LeadSource.objects.count()

    with pytest.raises(ValidationError) as error:
        reference_create(kind="sources", fields={"name": "   "}, user=cast.rep)

    assert error_messages(error, "name") == ["This field cannot be blank."]
    assert LeadSource.objects.count() == count


def test_a_tag_gets_the_colour_chosen(cast):
    tag = reference_create(kind="tags", fields={"name": "Grand compte", "colour": "#1a7f37"}, user=cast.rep)

    assert Tag.objects.get(pk=tag.pk).colour == "#1a7f37"


def test_a_colour_that_is_not_rrggbb_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        reference_create(kind="tags", fields={"name": "Grand compte", "colour": "green"}, user=cast.rep)

    assert error_messages(error, "colour") == ["Enter a colour as #RRGGBB."]
    assert not Tag.objects.filter(name="Grand compte").exists()


def test_an_event_category_name_may_be_reused_in_another_type_but_not_in_the_same(cast):
    EventCategory.objects.create(name="Salon Batimat", code="EVENT_BATIMAT", type="event")

    meeting = reference_create(
        kind="event-categories",
        fields={"name": "salon batimat", "type": "meeting", "code": "MEETING_BATIMAT"},
        user=cast.manager,
    )
    with pytest.raises(ValidationError) as error:
        reference_create(
            kind="event-categories",
            fields={"name": "SALON BATIMAT", "type": "event", "code": "EVENT_BATIMAT_2"},
            user=cast.manager,
        )

    assert EventCategory.objects.get(pk=meeting.pk).type == "meeting"
    assert list(error.value.message_dict) == ["name"]


def test_a_taken_event_category_code_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        reference_create(
            kind="event-categories",
            fields={"name": "Salon Batimat", "type": "event", "code": "EVENT_TRADE_SHOW"},
            user=cast.manager,
        )

    assert error_messages(error, "code") == ["Event category with this Code already exists."]


def test_a_rep_may_add_to_the_core_lists_but_not_event_categories(cast):
    with pytest.raises(WorkflowRefused):
        reference_create(
            kind="event-categories",
            fields={"name": "Salon Batimat", "type": "event", "code": "EVENT_BATIMAT"},
            user=cast.rep,
        )

    assert not EventCategory.objects.filter(code="EVENT_BATIMAT").exists()


def test_an_unknown_list_is_an_error(cast):
    with pytest.raises(UnknownReferenceKind):
        reference_create(kind="passwords", fields={"name": "x"}, user=cast.admin)


def test_the_catalog_types_page_creates_through_the_same_checks(cast):
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})
    CatalogType.objects.create(name="Tarifs")

    with pytest.raises(ValidationError):
        catalog_type_save(user=cast.manager, name=" TARIFS ")
    created = catalog_type_save(user=cast.manager, name="  Produits  2026 ")

    assert CatalogType.objects.get(pk=created.pk).name == "Produits 2026"
    assert CatalogType.objects.filter(name__iexact="tarifs").count() == 1
