"""The record lists: column chooser, cards views, bulk bar and row actions, on every entity."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from crm.models import (
    Contact,
    CrmSettings,
    Department,
    JobFunction,
    ListLayout,
    LostReason,
    ProspectStatus,
    Tag,
    ThirdParty,
    ThirdPartyCategory,
)
from leads.models import Lead, LeadStatus
from leads.services import lead_lose
from opportunities.models import Opportunity, OpportunityStatus
from opportunities.services import opportunity_lose
from tests.conftest import client_for
from tests.factories import ContactFactory, LeadFactory, OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db

LISTS = ["lead_list", "opportunity_list", "third_party_list", "contact_list"]


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def column_keys(response) -> list[str]:
    return [column.key for column in response.context["columns"]]


def hideable_keys(response) -> list[str]:
    return [column.key for column, _shown in response.context["column_choices"]]


def records_for(url_name: str, user, count: int, **fields) -> None:
    vip = Tag.objects.get(name="VIP")
    for _ in range(count):
        if url_name == "lead_list":
            LeadFactory(assigned_user=user, team=user.teams.first(), tags=[vip], **fields)
        elif url_name == "opportunity_list":
            opportunity = OpportunityFactory(assigned_user=user, **fields)
            opportunity.tags.add(vip)
        elif url_name == "third_party_list":
            ThirdPartyFactory(assigned_user=user, **fields).tags.add(vip)
        else:
            ContactFactory(assigned_user=user, main_third_party=ThirdPartyFactory(), **fields).tags.add(vip)


# Column chooser -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", LISTS)
def test_a_user_chooses_the_columns_of_a_list_and_finds_them_again(cast, url_name):
    client = client_for(cast.rep)
    page = client.get(reverse(url_name))
    every_column = [column.key for column in page.context["view"].columns]
    hideable = hideable_keys(page)
    chosen = hideable[-2:]
    response = client.post(reverse(url_name) + "?q=x", {"layout": "save", "columns": chosen})
    assert (response.status_code, response.url) == (302, reverse(url_name) + "?q=x")
    expected = [key for key in every_column if key not in hideable or key in chosen]
    assert column_keys(client.get(reverse(url_name))) == expected
    assert column_keys(client_for(cast.rep2).get(reverse(url_name))) == column_keys(page)


def test_the_chosen_columns_are_shown_in_the_lists_order_with_the_fixed_name(cast):
    client = client_for(cast.rep)
    client.post(reverse("lead_list"), {"layout": "save", "columns": ["tags", "email"]})
    assert column_keys(client.get(reverse("lead_list_open"))) == ["name", "email", "tags"]
    assert ListLayout.objects.get(user=cast.rep, list_key="leads").columns == ["email", "tags"]
    assert "email" not in column_keys(client_for(cast.rep2).get(reverse("lead_list")))


def test_the_default_columns_come_back_after_a_reset(cast):
    client = client_for(cast.rep)
    default = column_keys(client.get(reverse("contact_list")))
    client.post(reverse("contact_list"), {"layout": "save", "columns": ["email"]})
    client.post(reverse("contact_list"), {"layout": "reset"})
    assert column_keys(client.get(reverse("contact_list"))) == default
    assert not ListLayout.objects.exists()


def test_an_unknown_column_is_refused_and_the_layout_is_kept(cast):
    client = client_for(cast.rep)
    client.post(reverse("lead_list"), {"layout": "save", "columns": ["email"]})
    response = client.post(reverse("lead_list"), {"layout": "save", "columns": ["email", "password"]})
    assert messages_of(response) == [french("Unknown columns: %(keys)s.") % {"keys": "password"}]
    assert ListLayout.objects.get(user=cast.rep).columns == ["email"]


@pytest.mark.parametrize("url_name", LISTS)
def test_a_list_with_every_column_runs_the_same_number_of_queries_for_10_or_50_rows(cast, url_name):
    client = client_for(cast.manager)
    records_for(url_name, cast.manager, 50)
    keys = hideable_keys(client.get(reverse(url_name)))
    client.post(reverse(url_name), {"layout": "save", "columns": keys})

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), {"per_page": per_page})
        assert len(response.context["rows"]) == per_page
        assert len(response.context["columns"]) == len(keys) + 1
        return len(captured)

    assert queries(10) == queries(50)


def test_the_lead_rows_show_the_cells_of_the_chosen_columns(cast):
    LeadFactory(
        assigned_user=cast.rep,
        last_name="Lefebvre",
        first_name="Jeanne",
        email="jeanne@garage.fr",
        scoring=3,
        tags=[Tag.objects.get(name="VIP")],
    )
    client = client_for(cast.rep)
    client.post(reverse("lead_list"), {"layout": "save", "columns": ["email", "scoring", "tags"]})
    html = client.get(reverse("lead_list")).content.decode()
    assert ">LEFEBVRE Jeanne</a>" in html
    assert '<a href="mailto:jeanne@garage.fr">jeanne@garage.fr</a>' in html
    assert "★★★☆☆" in html
    assert ">VIP</span>" in html


def test_a_do_not_email_lead_shows_its_address_without_a_link_and_no_email_row_action(cast):
    lead = LeadFactory(assigned_user=cast.rep, email="non@merci.fr", do_not_email=True)
    client = client_for(cast.rep)
    client.post(reverse("lead_list"), {"layout": "save", "columns": ["email"]})
    html = client.get(reverse("lead_list")).content.decode()
    assert "non@merci.fr" in html and "mailto:non@merci.fr" not in html
    assert reverse("record_email", args=["lead", lead.pk]) not in html


# Cards views --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["third_party_list", "contact_list"])
def test_the_cards_view_shows_the_same_records_as_the_list(cast, url_name):
    records_for(url_name, cast.rep, 3)
    client = client_for(cast.rep)
    listed = list(client.get(reverse(url_name)).context["object_list"])
    response = client.get(reverse(url_name), {"view": "cards"})
    assert response.context["cards"] is True
    assert list(response.context["object_list"]) == listed
    assert response.content.decode().count('class="record-card"') == 3


@pytest.mark.parametrize("url_name", ["third_party_list", "contact_list"])
def test_the_cards_view_runs_the_same_number_of_queries_for_10_or_50_cards(cast, url_name):
    records_for(url_name, cast.rep, 50)
    client = client_for(cast.rep)

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), {"view": "cards", "per_page": per_page})
        assert len(response.context["object_list"]) == per_page
        return len(captured)

    assert queries(10) == queries(50)


def test_the_view_switch_keeps_the_filters(cast):
    response = client_for(cast.rep).get(reverse("contact_list"), {"q": "martin", "view": "cards"})
    urls = response.context["view_urls"]
    assert urls["list"] == reverse("contact_list") + "?q=martin"
    assert urls["cards"] == reverse("contact_list") + "?q=martin&view=cards"
    assert urls["current"] == "cards"


def test_the_prospect_list_links_to_the_prospect_kanban_when_prospect_statuses_are_on(cast):
    client = client_for(cast.rep)
    assert "kanban" not in client.get(reverse("third_party_list"), {"type": "prospect"}).context["view_urls"]
    CrmSettings.objects.update(manage_prospect_statuses=True)
    urls = client.get(reverse("third_party_list"), {"type": "prospect"}).context["view_urls"]
    assert urls["kanban"] == reverse("prospect_kanban") + "?type=prospect"


# Bulk actions -------------------------------------------------------------------------------------


def bulk(client, url_name: str, action: str, records, **data):
    return client.post(reverse(url_name), {"action": action, "ids": [r.pk for r in records], **data})


def test_assign_to_a_user_and_a_team_from_the_contact_list(cast):
    contacts = [ContactFactory(assigned_user=cast.rep, team=cast.north) for _ in range(2)]
    response = bulk(
        client_for(cast.rep),
        "contact_list",
        "assign",
        contacts,
        assigned_user=cast.rep2.pk,
        team=cast.south.pk,
    )
    assert response.status_code == 302
    assert set(Contact.objects.values_list("assigned_user", "team")) == {(cast.rep2.pk, cast.south.pk)}
    with translation.override("fr"):
        expected = ngettext("%(count)d record reassigned.", "%(count)d records reassigned.", 2) % {"count": 2}
    assert messages_of(response) == [expected]


def test_assign_without_user_or_team_says_what_is_missing(cast):
    contact = ContactFactory(assigned_user=cast.rep)
    response = bulk(client_for(cast.rep), "contact_list", "assign", [contact])
    assert messages_of(response) == [french("Choose the user or the team to assign these records to.")]


def test_an_empty_selection_is_refused_with_a_message(cast):
    response = client_for(cast.rep).post(reverse("lead_list"), {"action": "assign_me"})
    assert messages_of(response) == [french("Select at least one record.")]


def test_a_malformed_selection_changes_nothing(cast):
    lead = LeadFactory(assigned_user=cast.manager, team=cast.north)
    response = client_for(cast.rep).post(reverse("lead_list"), {"action": "assign_me", "ids": [lead.pk, "x"]})
    assert messages_of(response) == [french("The selection is not valid: nothing was changed.")]
    assert Lead.objects.get().assigned_user == cast.manager


def test_change_status_of_leads_offers_the_kanban_statuses_and_moves_them(cast):
    client = client_for(cast.rep)
    offered = set(client.get(reverse("lead_list")).context["bulk"]["form"].fields["status"].queryset)
    settings = CrmSettings.load()
    assert settings.lead_converted_status not in offered and settings.lead_lost_status not in offered
    nurturing = LeadStatus.objects.get(name="Nurturing")
    leads = [LeadFactory(assigned_user=cast.rep) for _ in range(2)]
    bulk(client, "lead_list", "status", leads, status=nurturing.pk)
    assert set(Lead.objects.values_list("status", flat=True)) == {nurturing.pk}


def test_a_status_the_bulk_bar_does_not_offer_is_refused(cast):
    lead = LeadFactory(assigned_user=cast.rep)
    before = lead.status
    lost = CrmSettings.load().lead_lost_status
    response = bulk(client_for(cast.rep), "lead_list", "status", [lead], status=lost.pk)
    assert response.status_code == 302
    assert Lead.objects.get().status == before
    assert messages_of(response)


def test_change_status_of_opportunities_moves_them_between_open_statuses(cast):
    client = client_for(cast.rep)
    offered = list(client.get(reverse("opportunity_list")).context["bulk"]["form"].fields["status"].queryset)
    assert offered and all(status.is_open for status in offered)
    target = offered[-1]
    opportunities = [OpportunityFactory(assigned_user=cast.rep) for _ in range(2)]
    bulk(client, "opportunity_list", "status", opportunities, status=target.pk)
    assert set(Opportunity.objects.values_list("status", flat=True)) == {target.pk}
    won = CrmSettings.load().opportunity_won_status
    assert won not in offered and OpportunityStatus.objects.filter(pk=won.pk).exists()


def test_prospect_statuses_change_in_bulk_only_when_they_are_managed(cast):
    client = client_for(cast.rep)
    assert "status" not in client.get(reverse("third_party_list")).context["bulk"]["form"].fields
    CrmSettings.objects.update(manage_prospect_statuses=True)
    status = ProspectStatus.objects.filter(is_open=True).order_by("-sequence").first()
    prospects = [ThirdPartyFactory(assigned_user=cast.rep) for _ in range(2)]
    bulk(client, "third_party_list", "status", prospects, status=status.pk)
    assert set(ThirdParty.objects.values_list("prospect_status", flat=True)) == {status.pk}


def test_add_a_tag_from_the_opportunity_list(cast):
    vip = Tag.objects.get(name="VIP")
    opportunity = OpportunityFactory(assigned_user=cast.rep)
    response = bulk(client_for(cast.rep), "opportunity_list", "tag", [opportunity], tag=vip.pk)
    assert list(Opportunity.objects.get().tags.all()) == [vip]
    with translation.override("fr"):
        expected = ngettext(
            "Tag %(tag)s added to %(count)d record.", "Tag %(tag)s added to %(count)d records.", 1
        ) % {"tag": vip, "count": 1}
    assert messages_of(response) == [expected]


def test_delete_from_the_third_party_list_is_all_or_nothing(cast):
    free = ThirdPartyFactory(assigned_user=cast.manager, name="Libre")
    busy = ThirdPartyFactory(assigned_user=cast.manager, name="Occupée")
    OpportunityFactory(third_party=busy, assigned_user=cast.manager)
    client = client_for(cast.manager)
    response = bulk(client, "third_party_list", "delete", [free, busy])
    assert ThirdParty.objects.count() == 2
    assert messages_of(response)[0].startswith("Occupée")
    bulk(client, "third_party_list", "delete", [free])
    assert list(ThirdParty.objects.values_list("name", flat=True)) == ["Occupée"]


def test_bulk_actions_never_touch_records_the_user_cannot_see(cast):
    hidden = ContactFactory(assigned_user=cast.rep2, team=cast.south)
    response = bulk(client_for(cast.manager), "contact_list", "delete", [hidden])
    assert messages_of(response) == [
        french("Some of these records are not visible to you: nothing was changed.")
    ]
    assert Contact.objects.filter(pk=hidden.pk).exists()


def test_a_sales_rep_sees_no_delete_button_and_a_posted_delete_is_refused(cast):
    contact = ContactFactory(assigned_user=cast.rep)
    client = client_for(cast.rep)
    assert 'value="delete"' not in client.get(reverse("contact_list")).content.decode()
    assert 'value="delete"' in client_for(cast.manager).get(reverse("contact_list")).content.decode()
    response = bulk(client, "contact_list", "delete", [contact])
    assert messages_of(response) == [french("You are not allowed to do this.")]
    assert Contact.objects.filter(pk=contact.pk).exists()


# Row actions --------------------------------------------------------------------------------------


def test_each_lead_row_offers_take_charge_an_event_and_an_email(cast):
    lead = LeadFactory(assigned_user=cast.manager, team=cast.north, email="jeanne@garage.fr")
    html = client_for(cast.rep).get(reverse("lead_list")).content.decode()
    assert f'form="bulk-form" name="take" value="{lead.pk}"' in html
    assert f"{reverse('event_create')}?lead={lead.pk}" in html
    assert reverse("record_email", args=["lead", lead.pk]) in html


def test_take_charge_from_a_row_assigns_that_opportunity_only_whatever_else_is_ticked(cast):
    taken = OpportunityFactory(assigned_user=cast.manager, team=cast.north)
    ticked = OpportunityFactory(assigned_user=cast.manager, team=cast.north)
    response = client_for(cast.rep).post(
        reverse("opportunity_list"), {"take": taken.pk, "ids": [ticked.pk], "action": "delete"}
    )
    assert response.status_code == 302
    assert dict(Opportunity.objects.values_list("pk", "assigned_user")) == {
        taken.pk: cast.rep.pk,
        ticked.pk: cast.manager.pk,
    }


# Counting --------------------------------------------------------------------------------------


def test_a_list_counts_its_records_up_to_a_cap_and_says_more_beyond(cast, monkeypatch):
    monkeypatch.setattr("crm.web.lists.COUNT_CAP", 3)
    for _ in range(4):
        ContactFactory(assigned_user=cast.rep)
    response = client_for(cast.rep).get(reverse("contact_list"), {"per_page": 10})
    paginator = response.context["paginator"]
    assert (paginator.capped, paginator.shown_count) == (True, 3)
    with translation.override("fr"):
        expected = gettext("More than %(count)s records: narrow the search to see them all.") % {"count": 3}
    assert expected in response.content.decode()
    assert len(response.context["object_list"]) == 4


def test_below_the_cap_a_list_gives_its_exact_count_and_number_of_pages(cast):
    for _ in range(12):
        ContactFactory(assigned_user=cast.rep)
    response = client_for(cast.rep).get(reverse("contact_list"), {"per_page": 10})
    paginator = response.context["paginator"]
    assert (paginator.capped, paginator.count, paginator.num_pages) == (False, 12, 2)


def test_a_tag_action_without_a_tag_says_so_and_changes_nothing(cast):
    contact = ContactFactory(assigned_user=cast.rep)
    response = bulk(client_for(cast.rep), "contact_list", "tag", [contact])
    assert messages_of(response) == [french("Choose a tag.")]
    assert not Contact.objects.get().tags.exists()


def test_a_status_action_without_a_status_says_so(cast):
    lead = LeadFactory(assigned_user=cast.rep)
    response = bulk(client_for(cast.rep), "lead_list", "status", [lead])
    assert messages_of(response) == [french("Choose a status.")]


# Filters on the reference fields ---------------------------------------------------------------


def found(client, url_name: str, **params) -> set[str]:
    return {str(record) for record in client.get(reverse(url_name), params).context["object_list"]}


def test_the_lead_list_filters_on_category_function_department_and_lost_reason(cast):
    category, function = ThirdPartyCategory.objects.first(), JobFunction.objects.first()
    department, reason = Department.objects.first(), LostReason.objects.first()
    plain = LeadFactory(assigned_user=cast.rep, last_name="Simple")
    rich = LeadFactory(
        assigned_user=cast.rep,
        last_name="Complet",
        category=category,
        function=function,
        department=department,
    )
    lead_lose(lead=rich, user=cast.rep, reason=reason)
    client = client_for(cast.rep)
    for name, value in [("category", category), ("function", function), ("department", department)]:
        assert found(client, "lead_list", **{name: value.pk}) == {str(Lead.objects.get(pk=rich.pk))}
    assert found(client, "lead_list", lost_reason=reason.pk) == {str(Lead.objects.get(pk=rich.pk))}
    assert str(plain) in found(client, "lead_list")


def test_the_opportunity_list_filters_on_tag_and_lost_reason(cast):
    vip, reason = Tag.objects.get(name="VIP"), LostReason.objects.first()
    tagged = OpportunityFactory(assigned_user=cast.rep, name="Étiquetée")
    tagged.tags.add(vip)
    lost = OpportunityFactory(assigned_user=cast.rep, name="Perdue")
    opportunity_lose(opportunity=lost, user=cast.rep, reason=reason)
    OpportunityFactory(assigned_user=cast.rep, name="Autre")
    client = client_for(cast.rep)
    assert found(client, "opportunity_list", tags=vip.pk) == {"Étiquetée"}
    assert found(client, "opportunity_list", lost_reason=reason.pk) == {"Perdue"}


def test_the_prospect_status_filter_is_offered_and_applied_only_when_prospect_statuses_are_on(cast):
    status = ProspectStatus.objects.order_by("-sequence").first()
    ThirdPartyFactory(assigned_user=cast.rep, name="Avancé", prospect_status=status)
    ThirdPartyFactory(assigned_user=cast.rep, name="Nouveau")
    client = client_for(cast.rep)
    response = client.get(reverse("third_party_list"), {"prospect_status": status.pk})
    assert "prospect_status" not in response.context["filter"].form.fields
    assert len(response.context["object_list"]) == 2
    CrmSettings.objects.update(manage_prospect_statuses=True)
    assert found(client, "third_party_list", prospect_status=status.pk) == {"Avancé"}
