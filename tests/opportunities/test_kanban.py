"""The Kanban of open opportunities: columns, counts and amount totals, drag and drop through opportunity_move."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from crm.kanban import PAGE_SIZE
from crm.models import Activity, ActivityVerb, Tag
from opportunities.models import Opportunity, OpportunityStage, OpportunityStatus
from tests.conftest import client_for
from tests.factories import OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db

OPEN_STATUSES = [
    "À traiter",
    "Qualification marketing",
    "Qualification commerciale",
    "Nurturing",
    "Proposition",
]
NBSP = "\N{NO-BREAK SPACE}"


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def status(name: str) -> OpportunityStatus:
    return OpportunityStatus.objects.get(name=name)


def north_opportunity(cast, **fields) -> Opportunity:
    third_party = ThirdPartyFactory(assigned_user=cast.rep, team=cast.north, companies=[cast.north_company])
    fields.setdefault("third_party", third_party)
    return OpportunityFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company, **fields)


def board(client, **params):
    response = client.get(reverse("opportunity_kanban"), params)
    assert response.status_code == 200
    return response


def column(response, name: str):
    return next(column for column in response.context["columns"] if column.status.name == name)


def move(client, opportunity: Opportunity, target: OpportunityStatus, **data):
    return client.post(
        reverse("opportunity_kanban_move", args=[opportunity.pk]),
        {"status": target.pk, "version": opportunity.version, **data},
        HTTP_ACCEPT="application/json",
    )


def test_the_columns_are_the_open_statuses_in_sequence_order_without_won_and_lost(cast):
    response = board(client_for(cast.rep))

    assert [column.status.name for column in response.context["columns"]] == OPEN_STATUSES


def test_each_column_shows_its_exact_count_and_amount_total_per_currency(cast):
    north_opportunity(cast, amount=Decimal("1200.50"))
    north_opportunity(cast, amount=Decimal("800.00"))
    north_opportunity(cast, amount=Decimal("99.99"), currency="USD")
    north_opportunity(cast, amount=Decimal("15000"), status=status("Proposition"))
    OpportunityFactory(assigned_user=cast.rep2, team=cast.south, amount=Decimal("5000"))

    response = board(client_for(cast.rep))

    new, proposal = column(response, "À traiter"), column(response, "Proposition")
    assert (new.totals.count, new.totals.amounts) == (3, {"EUR": Decimal("2000.50"), "USD": Decimal("99.99")})
    assert new.totals.amount_label == f"2{NBSP}000,50 EUR · 99,99 USD"
    assert (proposal.totals.count, proposal.totals.amount_label) == (1, f"15{NBSP}000,00 EUR")
    assert column(response, "Nurturing").totals.amount_label == "0,00"


def test_a_card_shows_the_name_third_party_amount_stars_initials_and_tags(cast):
    vip = Tag.objects.get(name="VIP")
    third_party = ThirdPartyFactory(
        name="Garage Garnier", assigned_user=cast.rep, team=cast.north, companies=[cast.north_company]
    )
    opportunity = north_opportunity(
        cast, name="Flotte 2027", third_party=third_party, amount=Decimal("12500"), scoring=4
    )
    opportunity.tags.add(vip)

    html = board(client_for(cast.rep)).content.decode()

    assert f'<a href="{third_party.get_absolute_url()}">Garage Garnier</a>' in html
    assert f"12{NBSP}500,00 EUR" in html
    assert "★★★★☆" in html
    assert '<span class="kanban-initials"' in html
    assert f'<li class="chip" style="background: {vip.colour}">VIP</li>' in html


def test_the_board_runs_the_same_queries_for_5_or_200_cards_and_shows_a_page_per_column(cast):
    client = client_for(cast.rep)

    vip = Tag.objects.get(name="VIP")

    def add_opportunities(count: int) -> None:
        for index in range(count):
            opportunity = north_opportunity(
                cast, status=status(OPEN_STATUSES[index % 5]), amount=Decimal(index)
            )
            opportunity.tags.add(vip)

    def captured_board():
        with CaptureQueriesContext(connection) as captured:
            response = board(client)
        return response, [query["sql"] for query in captured]

    add_opportunities(5)
    board(client)
    few, few_queries = captured_board()
    add_opportunities(195)
    many, many_queries = captured_board()

    assert len(many_queries) == len(few_queries)
    # The counts and totals of all the columns, then their first cards (third parties joined).
    assert len([sql for sql in many_queries if 'FROM "opportunities_opportunity"' in sql]) == 2
    assert len([sql for sql in many_queries if 'INNER JOIN "opportunities_opportunity_tags"' in sql]) == 1
    assert [len(column.cards) for column in few.context["columns"]] == [1] * 5
    assert [len(column.cards) for column in many.context["columns"]] == [PAGE_SIZE] * 5


def test_load_more_returns_the_next_cards_in_rank_order(cast):
    opportunities = [north_opportunity(cast, name=f"Affaire {index:02d}") for index in range(PAGE_SIZE + 2)]
    client = client_for(cast.rep)
    first = column(board(client), "À traiter")

    more = client.get(
        reverse("opportunity_kanban_column", args=[status("À traiter").pk]), {"after": first.cursor}
    )

    assert [card.name for card in more.context["cards"]] == [opportunities[1].name, opportunities[0].name]


def test_moving_a_card_changes_its_status_through_the_service_and_returns_the_new_totals(cast):
    opportunity = north_opportunity(cast, amount=Decimal("1000"))
    north_opportunity(cast, amount=Decimal("250"))

    response = move(client_for(cast.rep), opportunity, status("Proposition"))

    opportunity.refresh_from_db()
    assert response.status_code == 200
    assert (opportunity.status, opportunity.version) == (status("Proposition"), 2)
    activity = Activity.objects.get(
        content_type=ContentType.objects.get_for_model(Opportunity),
        object_id=opportunity.pk,
        verb=ActivityVerb.STATUS_CHANGED,
    )
    assert activity.changes == {"status": {"before": "À traiter", "after": "Proposition"}}
    assert response.json()["columns"] == [
        {"status": status("À traiter").pk, "count": 1, "count_label": "1", "amount_label": "250,00 EUR"},
        {
            "status": status("Proposition").pk,
            "count": 1,
            "count_label": "1",
            "amount_label": f"1{NBSP}000,00 EUR",
        },
    ]


@pytest.mark.parametrize("name", ["Fermée gagnée", "Fermée perdue"])
def test_closing_an_opportunity_from_the_board_is_refused_and_nothing_changes(cast, name):
    opportunity = north_opportunity(cast)

    response = move(client_for(cast.rep), opportunity, status(name))

    assert response.status_code == 409
    assert response.json() == {
        "error": french("An opportunity is closed with its Win or Lose button, not from the Kanban.")
    }
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.stage, opportunity.version) == (
        status("À traiter"),
        OpportunityStage.OPEN,
        1,
    )


def test_reordering_inside_a_column_is_remembered(cast):
    a, b, c = (north_opportunity(cast, name=name) for name in "ABC")  # shown C, B, A
    client = client_for(cast.rep)

    move(client, c, status("À traiter"), before=a.pk)

    assert [card.name for card in column(board(client), "À traiter").cards] == ["B", "A", "C"]


def test_a_rep_neither_sees_nor_moves_another_teams_card(cast):
    theirs = OpportunityFactory(assigned_user=cast.rep2, team=cast.south, company=cast.south_company)
    client = client_for(cast.rep)

    response = move(client, theirs, status("Proposition"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == status("À traiter")
    assert column(board(client), "À traiter").cards == []


def test_a_manager_sees_the_cards_of_the_companies_they_manage(cast):
    theirs = OpportunityFactory(company=cast.north_company, name="Sans équipe")

    cards = column(board(client_for(cast.manager)), "À traiter").cards

    assert cards == [theirs]


def test_the_opportunity_list_links_to_the_board(cast):
    response = client_for(cast.rep).get(reverse("opportunity_list_open"))

    assert f'href="{reverse("opportunity_kanban")}"' in response.content.decode()
