"""The opportunity and quote pages: lists, form, detail with its status bar, win/lose, quotes."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from crm.models import CrmSettings, LostReason
from crm.services.parties import contact_create, third_party_create
from leads.services import lead_create
from leads.services.conversion import ContactMode, ConversionRequest, lead_convert
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus, Quote, QuoteStatus
from opportunities.services import opportunity_create, opportunity_lose, opportunity_update, opportunity_win
from opportunities.services.quotes import LineInput, quote_confirm, quote_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def french(message: str) -> str:
    """The French text of a message of the code (the interface is French by default)."""
    with translation.override("fr"):
        return gettext(message)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def status(name: str) -> OpportunityStatus:
    return OpportunityStatus.objects.get(name=name)


def prospect(user, name: str = "Apollo"):
    return third_party_create(user=user, fields={"name": name, "is_prospect": True})


def new_opportunity(user, **fields) -> Opportunity:
    return opportunity_create(user=user, fields={"name": "Affaire", **fields})


def one_line_quote(opportunity: Opportunity, user) -> Quote:
    return quote_create(
        opportunity=opportunity,
        user=user,
        lines=[LineInput(label="Audit", quantity=Decimal("2"), unit_price=Decimal("750.00"))],
    )


def reason(name: str = "Concurrent retenu") -> LostReason:
    return LostReason.objects.get(name=name)


# Lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep", "manager"])
@pytest.mark.parametrize("url_name", ["opportunity_list", "opportunity_list_my", "opportunity_list_open"])
def test_an_opportunity_list_runs_the_same_number_of_queries_for_10_or_50_rows(cast, url_name, who):
    for index in range(50):
        new_opportunity(
            getattr(cast, who),
            name=f"Affaire {index:02d}",
            third_party=prospect(cast.rep, f"Client {index}"),
        )
    client = client_for(getattr(cast, who))

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == per_page
        return len(captured)

    assert queries(10) == queries(50)


def test_the_closed_list_shows_won_rows_in_green_and_lost_rows_in_red(cast):
    won = new_opportunity(cast.rep, name="Gagnée")
    lost = new_opportunity(cast.rep, name="Perdue")
    new_opportunity(cast.rep, name="Ouverte")
    opportunity_win(opportunity=won, user=cast.rep)
    opportunity_lose(opportunity=lost, user=cast.rep, reason=reason())
    response = client_for(cast.rep).get(reverse("opportunity_list_closed"))
    assert sorted(o.name for o in response.context["object_list"]) == ["Gagnée", "Perdue"]
    page = response.content.decode()
    assert page.count('<tr class="stage-won">') == 1
    assert page.count('<tr class="stage-lost">') == 1
    assert 'href="/static/css/leads.css"' in page


def test_the_open_and_my_lists_hold_the_matching_opportunities(cast):
    new_opportunity(cast.rep, name="Mine")
    new_opportunity(cast.rep, name="Teammate's", assigned_user=cast.manager)
    closed = new_opportunity(cast.rep, name="Closed")
    opportunity_lose(opportunity=closed, user=cast.rep, reason=reason())
    new_opportunity(cast.rep2, name="Other team")
    client = client_for(cast.rep)

    def names(url_name: str) -> list[str]:
        return sorted(o.name for o in client.get(reverse(url_name)).context["object_list"])

    assert names("opportunity_list") == ["Closed", "Mine", "Teammate's"]
    assert names("opportunity_list_my") == ["Closed", "Mine"]
    assert names("opportunity_list_open") == ["Mine", "Teammate's"]


def test_the_list_filters_by_stage_and_expected_close_date_and_searches_third_parties(cast):
    apollo = prospect(cast.rep, "Apollo")
    new_opportunity(cast.rep, name="Printemps", third_party=apollo, expected_close_date=date(2027, 4, 15))
    new_opportunity(cast.rep, name="Automne", expected_close_date=date(2027, 10, 15))
    won = new_opportunity(cast.rep, name="Été", expected_close_date=date(2027, 7, 15))
    opportunity_win(opportunity=won, user=cast.rep)
    client = client_for(cast.rep)

    def found(**params) -> list[str]:
        response = client.get(reverse("opportunity_list"), params)
        return sorted(o.name for o in response.context["object_list"])

    assert found(stage="won") == ["Été"]
    assert found(expected_close_date_after="2027-04-01", expected_close_date_before="2027-08-01") == [
        "Printemps",
        "Été",
    ]
    assert found(q="apollo") == ["Printemps"]


# Form --------------------------------------------------------------------------------------------


def test_creating_an_opportunity_from_the_menu(cast):
    apollo = prospect(cast.rep)
    response = client_for(cast.rep).post(
        reverse("opportunity_create"),
        {
            "name": "Parc machines",
            "third_party": apollo.pk,
            "probability": "40",
            "amount": "25000.00",
            "currency": "EUR",
            "expected_close_date": "2027-06-30",
            "scoring": "3",
        },
    )
    opportunity = Opportunity.objects.get()
    assert response.url == opportunity.get_absolute_url()
    assert (opportunity.name, opportunity.third_party, opportunity.amount, opportunity.probability) == (
        "Parc machines",
        apollo,
        Decimal("25000.00"),
        40,
    )
    assert (opportunity.status.name, opportunity.stage, opportunity.assigned_user) == (
        "À traiter",
        OpportunityStage.OPEN,
        cast.rep,
    )


def test_creating_from_a_contact_prefills_its_third_party_and_the_contact(cast):
    apollo = prospect(cast.rep)
    contact = contact_create(user=cast.rep, fields={"last_name": "Michel", "main_third_party": apollo})
    form = client_for(cast.rep).get(reverse("opportunity_create"), {"contact": contact.pk}).context["form"]
    assert (form.initial["third_party"], form.initial["contact"]) == (apollo.pk, contact.pk)


def test_creating_from_a_third_party_prefills_it(cast):
    apollo = prospect(cast.rep)
    form = client_for(cast.rep).get(reverse("opportunity_create"), {"third_party": apollo.pk}).context["form"]
    assert form.initial["third_party"] == apollo.pk
    assert "contact" not in form.initial


def test_creating_from_an_invisible_third_party_prefills_nothing(cast):
    hidden = prospect(cast.rep2, "Hermès")
    form = client_for(cast.rep).get(reverse("opportunity_create"), {"third_party": hidden.pk}).context["form"]
    assert "third_party" not in form.initial


def test_creating_from_a_converted_lead_prefills_its_records_and_links_the_lead(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefebvre", "company_name": "Garage Lefebvre"})
    result = lead_convert(lead=lead, user=cast.rep, request=ConversionRequest(contact_mode=ContactMode.NEW))
    client = client_for(cast.rep)
    url = f"{reverse('opportunity_create')}?lead={lead.pk}"
    form = client.get(url).context["form"]
    assert (form.initial["third_party"], form.initial["contact"], form.initial["name"]) == (
        result.third_party.pk,
        result.contact.pk,
        "Garage Lefebvre",
    )
    client.post(
        url,
        {"name": "Deuxième affaire", "third_party": result.third_party.pk, "probability": "10", "amount": "0"}
        | {"currency": "EUR", "scoring": "0"},
    )
    opportunity = Opportunity.objects.get(name="Deuxième affaire")
    assert (opportunity.origin_lead, opportunity.third_party) == (lead, result.third_party)


def test_invalid_opportunity_input_shows_errors_and_saves_nothing(cast):
    response = client_for(cast.rep).post(
        reverse("opportunity_create"),
        {"name": "", "probability": "140", "amount": "cher", "currency": "EUR", "scoring": "0"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "probability", "amount"}
    assert not Opportunity.objects.exists()


def test_a_stale_opportunity_edit_is_refused_and_changes_nothing(cast):
    opportunity = new_opportunity(cast.rep)
    opened_version = opportunity.version
    opportunity_update(opportunity=opportunity, user=cast.manager, fields={"name": "Edited first"})
    response = client_for(cast.rep).post(
        reverse("opportunity_update", args=[opportunity.pk]),
        {
            "name": "Edited second",
            "probability": "10",
            "amount": "0",
            "currency": "EUR",
            "scoring": "0",
            "version": opened_version,
        },
    )
    assert response.status_code == 400
    assert "modifiée par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    opportunity.refresh_from_db()
    assert opportunity.name == "Edited first"


# Detail, status bar, win and lose ----------------------------------------------------------------


def test_the_detail_page_runs_a_constant_number_of_queries(cast):
    client = client_for(cast.rep)

    def detail_queries(opportunity: Opportunity) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("opportunity_detail", args=[opportunity.pk])).status_code == 200
        return len(captured)

    bare = new_opportunity(cast.rep, name="Bare", third_party=prospect(cast.rep, "Bare SA"))
    busy = new_opportunity(cast.rep, name="Busy", third_party=prospect(cast.rep, "Busy SA"))
    for _index in range(4):
        one_line_quote(busy, cast.rep)
    assert detail_queries(bare) == detail_queries(busy)


def test_clicking_a_status_moves_the_opportunity(cast):
    opportunity = new_opportunity(cast.rep)
    target = status("Qualification commerciale")
    response = client_for(cast.rep).post(
        reverse("opportunity_move", args=[opportunity.pk]), {"status": target.pk, "version": 1}
    )
    assert response.url == opportunity.get_absolute_url()
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.version) == (target, 2)


def test_clicking_the_lost_status_opens_the_lose_dialog_first(cast):
    opportunity = new_opportunity(cast.rep)
    client = client_for(cast.rep)
    response = client.post(
        reverse("opportunity_move", args=[opportunity.pk]),
        {"status": status("Fermée perdue").pk, "version": 1},
    )
    assert response.url == reverse("opportunity_lose", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert opportunity.stage == OpportunityStage.OPEN
    response = client.post(response.url, {"reason": reason().pk, "note": "Trop cher"})
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.status.name, opportunity.lost_reason) == (
        OpportunityStage.LOST,
        "Fermée perdue",
        reason(),
    )
    assert opportunity.description == "Trop cher"


def test_clicking_an_open_status_reopens_a_lost_opportunity(cast):
    opportunity = new_opportunity(cast.rep)
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason())
    client_for(cast.rep).post(
        reverse("opportunity_move", args=[opportunity.pk]), {"status": status("À traiter").pk}
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.status.name, opportunity.lost_reason) == (
        OpportunityStage.OPEN,
        "À traiter",
        None,
    )


def test_winning_an_opportunity_of_a_customer_makes_no_offer(cast):
    customer = third_party_create(user=cast.rep, fields={"name": "Client fidèle", "is_customer": True})
    opportunity = new_opportunity(cast.rep, third_party=customer)
    new_opportunity(cast.rep, third_party=customer, name="Autre")
    response = client_for(cast.rep).post(reverse("opportunity_win", args=[opportunity.pk]), {"version": 1})
    assert response.url == opportunity.get_absolute_url()
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.status.name) == (OpportunityStage.WON, "Fermée gagnée")


def test_winning_offers_to_close_the_prospects_other_opportunities_as_lost(cast):
    apollo = prospect(cast.rep)
    opportunity = new_opportunity(cast.rep, third_party=apollo)
    first = new_opportunity(cast.rep, third_party=apollo, name="Première")
    second = new_opportunity(cast.rep, third_party=apollo, name="Seconde")
    kept = new_opportunity(cast.rep, third_party=apollo, name="Gardée")
    client = client_for(cast.rep)

    response = client.post(reverse("opportunity_win", args=[opportunity.pk]), {"version": 1})
    offer_url = response.url
    assert offer_url.startswith(reverse("opportunity_close_others", args=[opportunity.pk]))
    offer = client.get(offer_url)
    assert sorted(o.name for o in offer.context["form"].fields["opportunities"].queryset) == [
        "Gardée",
        "Première",
        "Seconde",
    ]

    response = client.post(offer_url, {"opportunities": [first.pk, second.pk], "reason": reason().pk})
    assert response.url == opportunity.get_absolute_url()
    with translation.override("fr"):
        expected = ngettext(
            "%(count)d opportunity closed as lost.", "%(count)d opportunities closed as lost.", 2
        ) % {"count": 2}
    assert expected in messages_of(response)
    stages = dict(Opportunity.objects.values_list("name", "stage"))
    assert stages == {
        "Affaire": OpportunityStage.WON,
        "Première": OpportunityStage.LOST,
        "Seconde": OpportunityStage.LOST,
        "Gardée": OpportunityStage.OPEN,
    }
    apollo.refresh_from_db()
    assert (apollo.is_prospect, apollo.is_customer) == (False, True)
    assert kept.pk in [o.pk for o in Opportunity.objects.filter(stage=OpportunityStage.OPEN)]


def test_the_close_offer_ignores_opportunities_that_were_not_offered(cast):
    apollo = prospect(cast.rep)
    opportunity = new_opportunity(cast.rep, third_party=apollo)
    offered = new_opportunity(cast.rep, third_party=apollo, name="Offerte")
    hidden = new_opportunity(cast.rep2, name="Autre équipe")
    client = client_for(cast.rep)
    offer_url = client.post(reverse("opportunity_win", args=[opportunity.pk])).url
    response = client.post(
        f"{offer_url},{hidden.pk}", {"opportunities": [offered.pk, hidden.pk], "reason": reason().pk}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"opportunities"}
    assert dict(Opportunity.objects.values_list("name", "stage")) == {
        "Affaire": OpportunityStage.WON,
        "Offerte": OpportunityStage.OPEN,
        "Autre équipe": OpportunityStage.OPEN,
    }


# Quotes ------------------------------------------------------------------------------------------


def quote_data(*lines: tuple[str, str, str]) -> dict:
    data = {
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "100",
    }
    for index in range(4):
        label, quantity, unit_price = lines[index] if index < len(lines) else ("", "1", "")
        data |= {
            f"lines-{index}-label": label,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_price": unit_price,
        }
    return data


def test_creating_a_quote_moves_the_opportunity_to_proposal(cast):
    opportunity = new_opportunity(cast.rep, third_party=prospect(cast.rep))
    client = client_for(cast.rep)
    assert client.get(reverse("quote_create", args=[opportunity.pk])).status_code == 200
    response = client.post(
        reverse("quote_create", args=[opportunity.pk]),
        quote_data(("Audit", "2", "750.00"), ("Formation", "1.5", "1200.00")),
    )
    quote = Quote.objects.get()
    assert response.url == reverse("quote_detail", args=[quote.pk])
    assert [(line.label, line.quantity, line.unit_price) for line in quote.lines.all()] == [
        ("Audit", Decimal("2.000"), Decimal("750.00")),
        ("Formation", Decimal("1.500"), Decimal("1200.00")),
    ]
    assert (quote.total, quote.status, quote.third_party) == (
        Decimal("3300.00"),
        QuoteStatus.DRAFT,
        opportunity.third_party,
    )
    opportunity.refresh_from_db()
    assert opportunity.status.name == "Proposition"
    page = client.get(reverse("quote_detail", args=[quote.pk])).content.decode()
    assert "Formation" in page and quote.reference in page


def test_a_quote_needs_at_least_one_line(cast):
    opportunity = new_opportunity(cast.rep)
    response = client_for(cast.rep).post(reverse("quote_create", args=[opportunity.pk]), quote_data())
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors.keys() == {"label", "unit_price"}
    assert not Quote.objects.exists()


def test_quote_lines_with_invalid_numbers_are_refused_beside_the_fields(cast):
    opportunity = new_opportunity(cast.rep)
    response = client_for(cast.rep).post(
        reverse("quote_create", args=[opportunity.pk]),
        quote_data(("Audit", "-1", "750"), ("Formation", "1", "beaucoup")),
    )
    assert response.status_code == 400
    formset = response.context["formset"]
    assert (set(formset.forms[0].errors), set(formset.forms[1].errors)) == ({"quantity"}, {"unit_price"})
    assert response.content.decode().count('class="field-error"') == 2
    assert not Quote.objects.exists()
    opportunity.refresh_from_db()
    assert opportunity.status.name == "À traiter"


def test_a_quote_for_a_closed_opportunity_is_refused(cast):
    opportunity = new_opportunity(cast.rep)
    opportunity_lose(opportunity=opportunity, user=cast.rep, reason=reason())
    response = client_for(cast.rep).post(
        reverse("quote_create", args=[opportunity.pk]), quote_data(("Audit", "1", "100"))
    )
    assert response.status_code == 400
    assert response.context["refusal"] == french("A quote can only be created for an open opportunity.")
    assert not Quote.objects.exists()


def test_confirming_a_quote_wins_the_opportunity_when_the_setting_is_on(cast):
    CrmSettings.objects.filter(pk=1).update(close_won_on_quote_confirmed=True)
    opportunity = new_opportunity(cast.rep, third_party=prospect(cast.rep))
    quote = one_line_quote(opportunity, cast.rep)
    response = client_for(cast.rep).post(reverse("quote_confirm", args=[quote.pk]))
    assert response.url == quote.get_absolute_url()
    quote.refresh_from_db()
    opportunity.refresh_from_db()
    assert (quote.status, opportunity.stage, opportunity.status.name) == (
        QuoteStatus.CONFIRMED,
        OpportunityStage.WON,
        "Fermée gagnée",
    )


def test_confirming_a_quote_leaves_the_opportunity_open_when_the_setting_is_off(cast):
    opportunity = new_opportunity(cast.rep, third_party=prospect(cast.rep))
    quote = one_line_quote(opportunity, cast.rep)
    client_for(cast.rep).post(reverse("quote_confirm", args=[quote.pk]))
    quote.refresh_from_db()
    opportunity.refresh_from_db()
    assert (quote.status, opportunity.stage, opportunity.status.name) == (
        QuoteStatus.CONFIRMED,
        OpportunityStage.OPEN,
        "Proposition",
    )


def test_confirming_a_quote_that_wins_a_prospect_offers_to_close_its_other_opportunities(cast):
    CrmSettings.objects.filter(pk=1).update(close_won_on_quote_confirmed=True)
    apollo = prospect(cast.rep)
    opportunity = new_opportunity(cast.rep, third_party=apollo)
    other = new_opportunity(cast.rep, third_party=apollo, name="Autre")
    quote = one_line_quote(opportunity, cast.rep)
    response = client_for(cast.rep).post(reverse("quote_confirm", args=[quote.pk]))
    assert response.url == f"{reverse('opportunity_close_others', args=[opportunity.pk])}?ids={other.pk}"


def test_sending_then_refusing_a_quote(cast):
    quote = one_line_quote(new_opportunity(cast.rep), cast.rep)
    client = client_for(cast.rep)
    client.post(reverse("quote_send", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    client.post(reverse("quote_refuse", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.REFUSED


def test_refusing_a_confirmed_quote_is_refused_with_a_message(cast):
    quote = one_line_quote(new_opportunity(cast.rep), cast.rep)
    quote_confirm(quote=quote, user=cast.rep)
    response = client_for(cast.rep).post(reverse("quote_refuse", args=[quote.pk]))
    assert messages_of(response) == [french("Only a draft or sent quote can be refused.")]
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CONFIRMED


def test_the_quote_detail_page_runs_a_constant_number_of_queries(cast):
    client = client_for(cast.rep)
    opportunity = new_opportunity(cast.rep, third_party=prospect(cast.rep))

    def detail_queries(quote: Quote) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("quote_detail", args=[quote.pk])).status_code == 200
        return len(captured)

    small = one_line_quote(opportunity, cast.rep)
    big = quote_create(
        opportunity=opportunity,
        user=cast.rep,
        lines=[
            LineInput(label=f"Ligne {n}", quantity=Decimal(n), unit_price=Decimal("10")) for n in range(1, 9)
        ],
    )
    assert detail_queries(small) == detail_queries(big)


# Visibility --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "opportunity_detail"),
        ("get", "opportunity_update"),
        ("get", "opportunity_lose"),
        ("get", "quote_create"),
        ("post", "opportunity_move"),
        ("post", "opportunity_win"),
    ],
)
def test_a_rep_gets_404_on_another_teams_opportunity(cast, method, url_name):
    opportunity = new_opportunity(cast.rep2)
    data = {"status": status("Fermée gagnée").pk} if method == "post" else {}
    response = getattr(client_for(cast.rep), method)(reverse(url_name, args=[opportunity.pk]), data)
    assert response.status_code == 404
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (OpportunityStage.OPEN, 1)


@pytest.mark.parametrize(
    ("method", "url_name"),
    [("get", "quote_detail"), ("post", "quote_send"), ("post", "quote_confirm"), ("post", "quote_refuse")],
)
def test_a_rep_gets_404_on_another_teams_quote(cast, method, url_name):
    quote = one_line_quote(new_opportunity(cast.rep2), cast.rep2)
    response = getattr(client_for(cast.rep), method)(reverse(url_name, args=[quote.pk]))
    assert response.status_code == 404
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_the_opportunity_page_lists_only_visible_quotes_and_links(cast):
    hidden_third_party = prospect(cast.rep2, "Hermès")
    opportunity = new_opportunity(cast.rep, third_party=hidden_third_party)
    quote = one_line_quote(opportunity, cast.rep)
    Quote.objects.filter(pk=quote.pk).update(assigned_user=cast.rep2, team=cast.south)
    response = client_for(cast.rep).get(reverse("opportunity_detail", args=[opportunity.pk]))
    assert list(response.context["quotes"]) == []
    assert response.context["links"].third_party is None
    assert hidden_third_party.get_absolute_url() not in response.content.decode()


def test_the_menu_links_to_the_opportunity_lists(cast):
    page = client_for(cast.rep).get(reverse("opportunity_list")).content.decode()
    for url_name in ("opportunity_list_my", "opportunity_list_open", "opportunity_list_closed"):
        assert f'href="{reverse(url_name)}"' in page
