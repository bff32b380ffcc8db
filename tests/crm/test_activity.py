import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from crm.models import Activity, ActivityVerb, IndustrySector, Tag, ThirdParty
from crm.services.parties import contact_create, third_party_create, third_party_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def activities_of(record):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).order_by("pk")


def test_creating_a_third_party_records_who_created_it(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    [entry] = activities_of(third_party)
    assert (entry.verb, entry.actor) == (ActivityVerb.CREATED, cast.rep)


def test_updating_records_each_changed_field_with_before_and_after(cast):
    sector = IndustrySector.objects.get(name="Agroalimentaire")
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo", "scoring": 2})
    third_party_update(
        third_party=third_party,
        user=cast.manager,
        fields={"name": "Apollo SA", "scoring": 4, "industry_sector": sector, "is_customer": True},
    )
    entry = activities_of(third_party).last()
    assert entry.verb == ActivityVerb.UPDATED
    assert entry.actor == cast.manager
    assert entry.changes == {
        "name": {"before": "Apollo", "after": "Apollo SA"},
        "scoring": {"before": 2, "after": 4},
        "industry_sector": {"before": "", "after": "Agroalimentaire"},
        "is_customer": {"before": False, "after": True},
    }


def test_many_to_many_changes_are_recorded(cast):
    vip = Tag.objects.get(name="VIP")
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    third_party_update(third_party=third_party, user=cast.rep, fields={"tags": [vip]})
    assert activities_of(third_party).last().changes == {"tags": {"before": "", "after": "VIP"}}


def test_saving_without_changes_records_nothing(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    third_party_update(third_party=third_party, user=cast.rep, fields={"name": "Apollo"})
    assert activities_of(third_party).count() == 1


def test_a_contact_creation_is_recorded(cast):
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel"})
    assert [a.verb for a in activities_of(contact)] == [ActivityVerb.CREATED]


def test_the_form_edit_shows_up_in_the_activity_panel(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    client = client_for(cast.rep)
    response = client.post(
        reverse("third_party_update", args=[third_party.pk]),
        {
            "name": "Apollo Industries",
            "language": "fr",
            "assigned_user": cast.rep.pk,
            "team": cast.north.pk,
            "companies": [cast.north_company.pk],
            "version": third_party.version,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("third_party_detail", args=[third_party.pk])).content.decode()
    assert "Apollo Industries" in page
    assert 'id="activity"' in page
    change = activities_of(third_party).last().changes["name"]
    assert change == {"before": "Apollo", "after": "Apollo Industries"}


def test_an_admin_edit_is_recorded_too(cast):
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    client = client_for(cast.admin)
    url = reverse("admin:crm_thirdparty_change", args=[third_party.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "companies"}
    data.update(
        {
            "name": "Apollo Admin",
            "addresses-TOTAL_FORMS": 0,
            "addresses-INITIAL_FORMS": 0,
            "tags": [],
            "locked_fields": "[]",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    third_party = ThirdParty.objects.get(pk=third_party.pk)
    assert third_party.name == "Apollo Admin"
    assert third_party.version == 2
    entry = activities_of(third_party).last()
    assert (entry.actor, entry.changes["name"]["after"]) == (cast.admin, "Apollo Admin")
