"""The lead pages: lists, form, detail with its status bar and actions, lose dialog, conversion wizard."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from crm.models import Contact, CrmSettings, IndustrySector, LostReason, ProspectStatus, Tag, ThirdParty
from crm.services.parties import contact_create, third_party_create
from leads.models import Lead, LeadStage, LeadStatus
from leads.services import lead_create, lead_lose, lead_move, lead_update
from opportunities.models import Opportunity
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def french(message: str) -> str:
    """The French text of a message of the code (the interface is French by default)."""
    with translation.override("fr"):
        return gettext(message)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def status(name: str) -> LeadStatus:
    return LeadStatus.objects.get(name=name)


def new_lead(user, **fields) -> Lead:
    return lead_create(
        user=user, fields={"last_name": "Lefebvre", "company_name": "Garage Lefebvre", **fields}
    )


def lead_form_data(**overrides) -> dict:
    return {"last_name": "Lefebvre", "country": "FR", **overrides}


# Lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep", "manager"])
@pytest.mark.parametrize("url_name", ["lead_list", "lead_list_my", "lead_list_open"])
def test_a_lead_list_runs_the_same_number_of_queries_for_10_or_50_rows(cast, url_name, who):
    vip = Tag.objects.get(name="VIP")
    user = getattr(cast, who)
    for index in range(50):
        new_lead(user, last_name=f"Lefebvre {index:02d}", city="Lyon", scoring=index % 6, tags=[vip])
    client = client_for(user)

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == per_page
        return len(captured)

    assert queries(10) == queries(50)


def test_the_my_open_and_closed_lists_hold_the_matching_leads(cast):
    mine = new_lead(cast.rep, last_name="Mine")
    teammates = new_lead(cast.rep, last_name="Teammate", assigned_user=cast.manager)
    lost = new_lead(cast.rep, last_name="Lost")
    lead_lose(lead=lost, user=cast.rep, reason=LostReason.objects.get(name="Pas de budget"))
    client = client_for(cast.rep)

    def names(url_name: str) -> list[str]:
        return sorted(lead.last_name for lead in client.get(reverse(url_name)).context["object_list"])

    assert names("lead_list") == sorted([mine.last_name, teammates.last_name, lost.last_name])
    assert names("lead_list_my") == ["Lost", "Mine"]
    assert names("lead_list_open") == ["Mine", "Teammate"]
    assert names("lead_list_closed") == ["Lost"]


def test_the_list_shows_only_visible_leads(cast):
    new_lead(cast.rep, last_name="Nord")
    new_lead(cast.rep2, last_name="Sud")
    response = client_for(cast.rep).get(reverse("lead_list"))
    assert [lead.last_name for lead in response.context["object_list"]] == ["Nord"]


def test_the_list_searches_names_company_names_and_emails(cast):
    new_lead(cast.rep, last_name="Martin", company_name="Boulangerie Dupain", email="contact@dupain.fr")
    new_lead(cast.rep, last_name="Durand", company_name="Garage Central", email="jean@central.fr")
    client = client_for(cast.rep)

    def found(text: str) -> list[str]:
        return [
            lead.last_name for lead in client.get(reverse("lead_list"), {"q": text}).context["object_list"]
        ]

    assert found("boulangerie") == ["Martin"]
    assert found("durand") == ["Durand"]
    assert found("central.fr") == ["Durand"]
    assert found("martin garage") == []


def test_the_list_filters_by_status_scoring_and_nurturing(cast):
    new_lead(cast.rep, last_name="Cold", scoring=1)
    warm = new_lead(cast.rep, last_name="Warm", scoring=4, is_nurturing=True)
    lead_move(lead=warm, user=cast.rep, status=status("Nurturing"))
    client = client_for(cast.rep)

    def found(**params) -> list[str]:
        return [lead.last_name for lead in client.get(reverse("lead_list"), params).context["object_list"]]

    assert found(status=status("Nurturing").pk) == ["Warm"]
    assert found(scoring=3) == ["Warm"]
    assert found(is_nurturing="false") == ["Cold"]


def test_the_list_shows_the_status_chip_and_the_stars(cast):
    new_lead(cast.rep, last_name="Lefebvre", scoring=3)
    page = client_for(cast.rep).get(reverse("lead_list")).content.decode()
    assert 'style="background: #5b8def">À traiter</span>' in page
    assert "★★★☆☆" in page


def test_take_charge_from_a_row_assigns_the_lead_to_me(cast):
    lead = new_lead(cast.manager, assigned_user=cast.manager, team=cast.north)
    response = client_for(cast.rep).post(
        reverse("lead_take_charge", args=[lead.pk]), {"next": reverse("lead_list_open")}
    )
    assert response.url == reverse("lead_list_open")
    lead.refresh_from_db()
    assert (lead.assigned_user, lead.version) == (cast.rep, 2)


def test_assign_to_me_takes_charge_of_every_selected_lead(cast):
    first = new_lead(cast.manager, assigned_user=cast.manager, team=cast.north)
    second = new_lead(cast.manager, assigned_user=cast.manager, team=cast.north)
    untouched = new_lead(cast.manager, assigned_user=cast.manager, team=cast.north)
    response = client_for(cast.rep).post(
        reverse("lead_list"), {"action": "assign_me", "ids": [first.pk, second.pk]}
    )
    assert response.url == reverse("lead_list")
    assigned = dict(Lead.objects.values_list("pk", "assigned_user"))
    assert assigned == {first.pk: cast.rep.pk, second.pk: cast.rep.pk, untouched.pk: cast.manager.pk}
    with translation.override("fr"):
        expected = ngettext("%(count)d record assigned to you.", "%(count)d records assigned to you.", 2)
    assert messages_of(response) == [expected % {"count": 2}]


def test_assign_to_me_with_an_invisible_lead_changes_nothing(cast):
    visible = new_lead(cast.manager, assigned_user=cast.manager, team=cast.north)
    hidden = new_lead(cast.rep2)
    response = client_for(cast.rep).post(
        reverse("lead_list"), {"action": "assign_me", "ids": [visible.pk, hidden.pk]}
    )
    assert messages_of(response) == [
        french("Some of these records are not visible to you: nothing was changed.")
    ]
    assert dict(Lead.objects.values_list("pk", "assigned_user")) == {
        visible.pk: cast.manager.pk,
        hidden.pk: cast.rep2.pk,
    }


# Form --------------------------------------------------------------------------------------------


def test_creating_a_lead_from_the_form_saves_it_in_the_new_status(cast):
    sector = IndustrySector.objects.get(name="Agroalimentaire")
    response = client_for(cast.rep).post(
        reverse("lead_create"),
        lead_form_data(
            civility="mrs",
            first_name="Jeanne",
            company_name="Fromagerie Lefebvre",
            email="jeanne@fromagerie.fr",
            phone="04 78 12 34 56",
            industry_sector=sector.pk,
            scoring="4",
            tags=[Tag.objects.get(name="VIP").pk],
        ),
    )
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("lead_detail", args=[lead.pk])
    assert (lead.first_name, lead.company_name, lead.phone, lead.scoring) == (
        "Jeanne",
        "Fromagerie Lefebvre",
        "+33 4 78 12 34 56",
        4,
    )
    assert (lead.status.name, lead.stage, lead.industry_sector) == ("À traiter", LeadStage.OPEN, sector)
    assert (lead.assigned_user, lead.team, lead.company) == (cast.rep, cast.north, cast.north_company)
    assert [tag.name for tag in lead.tags.all()] == ["VIP"]


def test_creating_a_lead_whose_name_exists_warns_but_saves_it(cast):
    new_lead(cast.rep, first_name="Jeanne", last_name="Lefèbvre")
    response = client_for(cast.rep).post(
        reverse("lead_create"), lead_form_data(first_name="jeanne", last_name="LEFEBVRE")
    )
    assert response.status_code == 302
    assert Lead.objects.count() == 2
    assert french("There is already a lead with this name.") in messages_of(response)


def test_creating_a_lead_named_like_a_contact_warns_about_the_contact(cast):
    contact_create(user=cast.rep, fields={"first_name": "Jeanne", "last_name": "Lefebvre"})
    response = client_for(cast.rep).post(reverse("lead_create"), lead_form_data(first_name="Jeanne"))
    assert french("There is already a contact with this name.") in messages_of(response)
    assert french("There is already a lead with this name.") not in messages_of(response)


def test_a_new_name_gets_no_duplicate_warning(cast):
    new_lead(cast.rep, first_name="Paul", last_name="Lefebvre")
    response = client_for(cast.rep).post(reverse("lead_create"), lead_form_data(first_name="Jeanne"))
    assert messages_of(response) == [french("Lead %(name)s created.") % {"name": "Jeanne Lefebvre"}]


def test_invalid_lead_input_shows_errors_beside_the_fields_and_saves_nothing(cast):
    response = client_for(cast.rep).post(
        reverse("lead_create"),
        {"last_name": "", "email": "jeanne@", "phone": "12", "scoring": "9", "country": "FR"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"last_name", "email", "phone", "scoring"}
    assert response.content.decode().count('class="field-error"') == 4
    assert not Lead.objects.exists()


def test_editing_a_lead_saves_the_changes(cast):
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(
        reverse("lead_update", args=[lead.pk]),
        lead_form_data(
            company_name="Garage Lefebvre & fils", version=lead.version, assigned_user=cast.rep.pk
        ),
    )
    assert response.url == lead.get_absolute_url()
    lead.refresh_from_db()
    assert (lead.company_name, lead.version) == ("Garage Lefebvre & fils", 2)


def test_a_stale_lead_edit_is_refused_and_changes_nothing(cast):
    lead = new_lead(cast.rep)
    opened_version = lead.version
    lead_update(lead=lead, user=cast.manager, fields={"company_name": "Edited first"})
    response = client_for(cast.rep).post(
        reverse("lead_update", args=[lead.pk]),
        lead_form_data(company_name="Edited second", version=opened_version),
    )
    assert response.status_code == 400
    assert "modifiée par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    lead.refresh_from_db()
    assert lead.company_name == "Edited first"


# Detail, status bar and actions ------------------------------------------------------------------


def test_the_detail_page_shows_the_status_bar_of_the_current_statuses(cast):
    lead = new_lead(cast.rep)
    LeadStatus.objects.filter(name="Nurturing").update(archived=True)
    response = client_for(cast.rep).get(reverse("lead_detail", args=[lead.pk]))
    assert [status.name for status in response.context["statuses"]] == [
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
        "Converti",
        "Perdu",
    ]
    page = response.content.decode()
    assert f'action="{reverse("lead_move", args=[lead.pk])}"' in page
    assert f'name="status" value="{lead.status_id}" disabled aria-current="step"' in page


def test_the_detail_page_runs_a_constant_number_of_queries(cast):
    client = client_for(cast.rep)

    def detail_queries(lead: Lead) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("lead_detail", args=[lead.pk])).status_code == 200
        return len(captured)

    bare = new_lead(cast.rep, last_name="Bare")
    busy = new_lead(cast.rep, last_name="Busy", tags=list(Tag.objects.all()))
    for index, name in enumerate(["Qualification marketing", "Qualification commerciale", "Nurturing"]):
        lead_move(lead=busy, user=cast.rep, status=status(name))
        lead_update(lead=busy, user=cast.rep, fields={"scoring": index})
    assert detail_queries(bare) == detail_queries(busy)


def test_clicking_a_status_moves_the_lead(cast):
    lead = new_lead(cast.rep)
    target = status("Qualification commerciale")
    response = client_for(cast.rep).post(
        reverse("lead_move", args=[lead.pk]), {"status": target.pk, "version": lead.version}
    )
    assert response.url == lead.get_absolute_url()
    lead.refresh_from_db()
    assert (lead.status, lead.version) == (target, 2)


@pytest.mark.parametrize(
    ("status_name", "refusal"),
    [
        ("Converti", "A lead is converted with the Convert action, not by changing its status."),
        ("Perdu", "A lead is lost with the Lose action, which asks for the reason."),
    ],
)
def test_moving_a_lead_to_converted_or_lost_is_refused_with_the_reason(cast, status_name, refusal):
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(
        reverse("lead_move", args=[lead.pk]), {"status": status(status_name).pk, "version": lead.version}
    )
    assert response.url == lead.get_absolute_url()
    assert messages_of(response) == [french(refusal)]
    lead.refresh_from_db()
    assert (lead.status.name, lead.stage, lead.version) == ("À traiter", LeadStage.OPEN, 1)


def test_a_status_move_from_an_outdated_page_is_refused(cast):
    lead = new_lead(cast.rep)
    lead_move(lead=lead, user=cast.manager, status=status("Nurturing"))
    response = client_for(cast.rep).post(
        reverse("lead_move", args=[lead.pk]), {"status": status("Qualification marketing").pk, "version": 1}
    )
    assert "modifiée par quelqu'un d'autre" in messages_of(response)[0]
    lead.refresh_from_db()
    assert lead.status.name == "Nurturing"


def test_losing_a_lead_records_the_reason_and_the_note(cast):
    lead = new_lead(cast.rep)
    reason = LostReason.objects.get(name="Concurrent retenu")
    client = client_for(cast.rep)
    assert client.get(reverse("lead_lose", args=[lead.pk])).status_code == 200
    response = client.post(reverse("lead_lose", args=[lead.pk]), {"reason": reason.pk, "note": "Moins cher"})
    assert response.url == lead.get_absolute_url()
    lead.refresh_from_db()
    assert (lead.stage, lead.status.name, lead.lost_reason, lead.lost_note) == (
        LeadStage.LOST,
        "Perdu",
        reason,
        "Moins cher",
    )


def test_losing_a_lead_requires_a_reason(cast):
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(reverse("lead_lose", args=[lead.pk]), {"note": "?"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason"}
    lead.refresh_from_db()
    assert lead.stage == LeadStage.OPEN


def test_a_lost_lead_can_be_reopened_in_the_new_status(cast):
    lead = new_lead(cast.rep)
    lead_lose(lead=lead, user=cast.rep, reason=LostReason.objects.get(name="Sans réponse"))
    page = client_for(cast.rep).get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert f'action="{reverse("lead_reopen", args=[lead.pk])}"' in page
    client_for(cast.rep).post(reverse("lead_reopen", args=[lead.pk]))
    lead.refresh_from_db()
    assert (lead.stage, lead.status.name, lead.lost_reason) == (LeadStage.OPEN, "À traiter", None)


# Conversion wizard -------------------------------------------------------------------------------


def convert_data(**overrides) -> dict:
    return {
        "third_party_mode": "new",
        "third_party_types": ["is_prospect"],
        "contact_mode": "new",
        "create_opportunity": "no",
        **overrides,
    }


def test_converting_to_a_new_third_party_contact_and_opportunity(cast):
    lead = new_lead(
        cast.rep,
        civility="mrs",
        first_name="Jeanne",
        company_name="Fromagerie Lefebvre",
        email="jeanne@fromagerie.fr",
        city="Lyon",
        scoring=4,
        tags=[Tag.objects.get(name="VIP")],
    )
    response = client_for(cast.rep).post(
        reverse("lead_convert", args=[lead.pk]),
        convert_data(
            third_party_types=["is_prospect", "is_supplier"],
            create_opportunity="yes",
            opportunity_name="Fromages 2027",
            opportunity_amount="12500.50",
            opportunity_close_date="2027-03-31",
        ),
    )
    third_party = ThirdParty.objects.get()
    contact = Contact.objects.get()
    opportunity = Opportunity.objects.get()
    assert response.url == opportunity.get_absolute_url()
    assert (third_party.name, third_party.is_prospect, third_party.is_supplier, third_party.is_customer) == (
        "Fromagerie Lefebvre",
        True,
        True,
        False,
    )
    assert (third_party.scoring, [tag.name for tag in third_party.tags.all()]) == (4, ["VIP"])
    assert list(third_party.addresses.values_list("city", flat=True)) == ["Lyon"]
    assert (contact.full_name, contact.email, contact.main_third_party) == (
        "Jeanne Lefebvre",
        "jeanne@fromagerie.fr",
        third_party,
    )
    assert (opportunity.name, opportunity.amount, opportunity.expected_close_date) == (
        "Fromages 2027",
        Decimal("12500.50"),
        date(2027, 3, 31),
    )
    assert (opportunity.third_party, opportunity.contact, opportunity.origin_lead) == (
        third_party,
        contact,
        lead,
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.status.name) == (LeadStage.CONVERTED, "Converti")
    assert (lead.converted_third_party, lead.converted_contact) == (third_party, contact)


def test_converting_to_an_existing_third_party_and_contact_without_opportunity(cast):
    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo", "is_customer": True})
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel", "main_third_party": third_party})
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(
        reverse("lead_convert", args=[lead.pk]),
        convert_data(
            third_party_mode="existing",
            third_party=third_party.pk,
            contact_mode="existing",
            contact=contact.pk,
        ),
    )
    assert response.url == third_party.get_absolute_url()
    assert list(ThirdParty.objects.all()) == [third_party]
    assert list(Contact.objects.all()) == [contact]
    assert not Opportunity.objects.exists()
    lead.refresh_from_db()
    assert (lead.stage, lead.converted_third_party, lead.converted_contact) == (
        LeadStage.CONVERTED,
        third_party,
        contact,
    )
    page = client_for(cast.rep).get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert f'href="{third_party.get_absolute_url()}">Apollo</a>' in page
    assert f'href="{contact.get_absolute_url()}">Michel</a>' in page


def test_converting_without_a_contact_creates_only_the_third_party(cast):
    lead = new_lead(cast.rep)
    client_for(cast.rep).post(reverse("lead_convert", args=[lead.pk]), convert_data(contact_mode="none"))
    assert list(ThirdParty.objects.values_list("name", flat=True)) == ["Garage Lefebvre"]
    assert not Contact.objects.exists()


def test_the_wizard_asks_the_prospect_status_when_prospect_statuses_are_managed(cast):
    CrmSettings.objects.filter(pk=1).update(manage_prospect_statuses=True)
    lead = new_lead(cast.rep)
    client = client_for(cast.rep)
    assert "prospect_status" in client.get(reverse("lead_convert", args=[lead.pk])).context["form"].fields
    nurturing = ProspectStatus.objects.get(name="Nurturing")
    client.post(reverse("lead_convert", args=[lead.pk]), convert_data(prospect_status=nurturing.pk))
    assert ThirdParty.objects.get().prospect_status == nurturing


def test_the_wizard_has_no_prospect_status_when_they_are_not_managed(cast):
    lead = new_lead(cast.rep)
    form = client_for(cast.rep).get(reverse("lead_convert", args=[lead.pk])).context["form"]
    assert "prospect_status" not in form.fields
    assert (form["third_party_types"].initial, form["third_party_mode"].initial) == (["is_prospect"], "new")


def test_wizard_errors_are_shown_beside_the_fields_and_nothing_is_created(cast):
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(
        reverse("lead_convert", args=[lead.pk]),
        convert_data(
            third_party_mode="existing",
            contact_mode="existing",
            create_opportunity="yes",
            opportunity_amount="beaucoup",
        ),
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"third_party", "contact", "opportunity_amount"}
    assert (ThirdParty.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (0, 0, 0)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.OPEN


def test_an_invisible_third_party_cannot_be_chosen_in_the_wizard(cast):
    hidden = third_party_create(user=cast.rep2, fields={"name": "Hermès"})
    lead = new_lead(cast.rep)
    response = client_for(cast.rep).post(
        reverse("lead_convert", args=[lead.pk]),
        convert_data(third_party_mode="existing", third_party=hidden.pk, contact_mode="none"),
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"third_party"}
    lead.refresh_from_db()
    assert lead.converted_third_party is None


def test_converting_a_lost_lead_is_refused_and_creates_nothing(cast):
    lead = new_lead(cast.rep)
    lead_lose(lead=lead, user=cast.rep, reason=LostReason.objects.get(name="Pas de budget"))
    response = client_for(cast.rep).post(
        reverse("lead_convert", args=[lead.pk]), convert_data(create_opportunity="yes")
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [french("Only an open lead can be converted.")]
    assert (ThirdParty.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (0, 0, 0)
    lead.refresh_from_db()
    assert (lead.stage, lead.status.name) == (LeadStage.LOST, "Perdu")


def test_the_contact_lookup_offers_only_visible_contacts(cast):
    contact_create(user=cast.rep, fields={"first_name": "Léa", "last_name": "Michel"})
    contact_create(user=cast.rep2, fields={"first_name": "Paul", "last_name": "Michel"})
    response = client_for(cast.rep).get(reverse("contact_lookup"), {"q": "michel"})
    visible = Contact.objects.get(first_name="Léa")
    assert response.content.decode() == f'<option value="{visible.pk}">Léa Michel</option>'


# Visibility --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "lead_detail"),
        ("get", "lead_update"),
        ("get", "lead_convert"),
        ("get", "lead_lose"),
        ("post", "lead_move"),
        ("post", "lead_take_charge"),
        ("post", "lead_reopen"),
    ],
)
def test_a_rep_gets_404_on_another_teams_lead(cast, method, url_name):
    lead = new_lead(cast.rep2)
    response = getattr(client_for(cast.rep), method)(
        reverse(url_name, args=[lead.pk]), {"status": status("Nurturing").pk} if method == "post" else {}
    )
    assert response.status_code == 404
    lead.refresh_from_db()
    assert (lead.assigned_user, lead.status.name, lead.version) == (cast.rep2, "À traiter", 1)


def test_the_menu_links_to_the_lead_lists(cast):
    page = client_for(cast.rep).get(reverse("lead_list")).content.decode()
    for url_name in ("lead_list_my", "lead_list_open", "lead_list_closed", "lead_list"):
        assert f'href="{reverse(url_name)}"' in page
