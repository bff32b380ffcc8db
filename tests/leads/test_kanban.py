"""The Kanban of open leads: columns, counts, pages of cards, drag and drop through lead_move."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from crm.kanban import PAGE_SIZE
from crm.models import Activity, ActivityVerb, Tag
from leads.models import Lead, LeadStatus
from tests.conftest import client_for
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

OPEN_STATUSES = ["À traiter", "Qualification marketing", "Qualification commerciale", "Nurturing"]


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def status(name: str) -> LeadStatus:
    return LeadStatus.objects.get(name=name)


def north_lead(cast, **fields) -> Lead:
    return LeadFactory(assigned_user=cast.rep, team=cast.north, company=cast.north_company, **fields)


def south_lead(cast, **fields) -> Lead:
    return LeadFactory(assigned_user=cast.rep2, team=cast.south, company=cast.south_company, **fields)


def board(client, **params):
    response = client.get(reverse("lead_kanban"), params)
    assert response.status_code == 200
    return response


def column(response, name: str):
    return next(column for column in response.context["columns"] if column.status.name == name)


def card_names(response, name: str) -> list[str]:
    return [card.last_name for card in column(response, name).cards]


def move(client, lead: Lead, target: LeadStatus, *, before=None, after=None, version=None, query=""):
    data = {"status": target.pk, "version": version or lead.version}
    data.update({key: value.pk for key, value in (("before", before), ("after", after)) if value})
    url = reverse("lead_kanban_move", args=[lead.pk]) + query
    return client.post(url, data, HTTP_ACCEPT="application/json")


# Columns, counts, cards ----------------------------------------------------------------------------


def test_the_columns_are_the_open_statuses_in_sequence_order(cast):
    status("Nurturing").__class__.objects.filter(name="Nurturing").update(sequence=5)
    LeadStatus.objects.create(name="Archivé", sequence=15, archived=True)

    response = board(client_for(cast.rep))

    assert [column.status.name for column in response.context["columns"]] == [
        "Nurturing",
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
    ]


def test_each_column_shows_its_exact_count_of_visible_leads(cast):
    for _ in range(3):
        north_lead(cast)
    north_lead(cast, status=status("Nurturing"))
    south_lead(cast)

    response = board(client_for(cast.rep))

    counts = {column.status.name: column.totals.count for column in response.context["columns"]}
    assert counts == {
        "À traiter": 3,
        "Qualification marketing": 0,
        "Qualification commerciale": 0,
        "Nurturing": 1,
    }


def test_the_filters_and_the_search_of_the_list_apply_to_the_board(cast):
    north_lead(cast, last_name="Garnier", company_name="Garage Garnier")
    north_lead(cast, last_name="Lambert", company_name="Boulangerie Lambert", scoring=4)

    client = client_for(cast.rep)

    assert card_names(board(client, q="garage"), "À traiter") == ["Garnier"]
    assert card_names(board(client, scoring=4), "À traiter") == ["Lambert"]
    assert column(board(client, q="garage"), "À traiter").totals.count == 1


def test_a_card_shows_the_name_company_stars_initials_and_tags(cast):
    vip = Tag.objects.get(name="VIP")
    north_lead(
        cast, last_name="Garnier", first_name="Paul", company_name="Garage Garnier", scoring=3, tags=[vip]
    )

    html = board(client_for(cast.rep)).content.decode()

    assert "GARNIER Paul" in html
    assert "Garage Garnier" in html
    assert "★★★☆☆" in html
    assigned = french("Assigned to %(name)s") % {"name": cast.rep}
    assert f'<span class="kanban-initials" title="{assigned}">CD</span>' in html
    assert f'<li class="chip" style="background: {vip.colour}">VIP</li>' in html


def test_the_board_runs_the_same_queries_for_5_or_200_cards_and_shows_a_page_per_column(cast):
    vip = Tag.objects.get(name="VIP")
    client = client_for(cast.rep)

    def add_leads(count: int) -> None:
        for index in range(count):
            north_lead(cast, status=status(OPEN_STATUSES[index % 4]), tags=[vip])

    def captured_board():
        with CaptureQueriesContext(connection) as captured:
            response = board(client)
        return response, [query["sql"] for query in captured]

    add_leads(5)
    board(client)  # warms the per-process caches (content types)
    few, few_queries = captured_board()
    add_leads(195)
    many, many_queries = captured_board()

    assert len(many_queries) == len(few_queries)
    # On the leads: the counts of all the columns, then their first cards; then the cards' tags.
    assert len([sql for sql in many_queries if 'FROM "leads_lead"' in sql]) == 2
    assert len([sql for sql in many_queries if 'FROM "crm_tag" INNER JOIN "leads_lead_tags"' in sql]) == 1
    assert [len(column.cards) for column in few.context["columns"]] == [2, 1, 1, 1]
    assert [len(column.cards) for column in many.context["columns"]] == [PAGE_SIZE] * 4
    assert many.content.decode().count('<article class="kanban-card"') == 4 * PAGE_SIZE


def test_the_first_cards_are_the_newest_and_more_load_in_rank_order(cast):
    leads = [north_lead(cast, last_name=f"Lead {index:02d}") for index in range(PAGE_SIZE + 5)]
    newest_first = [lead.last_name for lead in reversed(leads)]
    client = client_for(cast.rep)

    first = column(board(client), "À traiter")
    more = client.get(reverse("lead_kanban_column", args=[status("À traiter").pk]), {"after": first.cursor})

    assert [card.last_name for card in first.cards] == newest_first[:PAGE_SIZE]
    assert more.status_code == 200
    assert [card.last_name for card in more.context["cards"]] == newest_first[PAGE_SIZE:]
    assert more.context["cursor"] == ""


def test_load_more_keeps_the_filters_of_the_board(cast):
    for index in range(PAGE_SIZE + 3):
        north_lead(cast, last_name=f"Garnier {index:02d}", company_name="Garage")
        north_lead(cast, last_name=f"Autre {index:02d}", company_name="Boulangerie")
    client = client_for(cast.rep)
    first = column(board(client, q="garage"), "À traiter")

    more = client.get(
        reverse("lead_kanban_column", args=[status("À traiter").pk]), {"q": "garage", "after": first.cursor}
    )

    assert [card.last_name for card in more.context["cards"]] == ["Garnier 02", "Garnier 01", "Garnier 00"]


def test_load_more_of_a_status_that_is_not_a_column_is_not_found(cast):
    client = client_for(cast.rep)

    response = client.get(reverse("lead_kanban_column", args=[status("Converti").pk]))

    assert response.status_code == 404


# Moves ------------------------------------------------------------------------------------------------


def test_moving_a_card_to_another_column_changes_its_status_through_the_service(cast):
    lead = north_lead(cast, last_name="Garnier")
    north_lead(cast)
    client = client_for(cast.rep)

    response = move(client, lead, status("Qualification marketing"))

    lead.refresh_from_db()
    assert response.status_code == 200
    assert lead.status == status("Qualification marketing")
    assert lead.version == 2
    activity = Activity.objects.get(
        content_type=ContentType.objects.get_for_model(Lead),
        object_id=lead.pk,
        verb=ActivityVerb.STATUS_CHANGED,
    )
    assert activity.changes == {"status": {"before": "À traiter", "after": "Qualification marketing"}}
    assert response.json() == {
        "status": status("Qualification marketing").pk,
        "version": 2,
        "removed": False,
        "message": "Statut passé à Qualification marketing.",
        "columns": [
            {"status": status("À traiter").pk, "count": 1, "count_label": "1", "amount_label": ""},
            {
                "status": status("Qualification marketing").pk,
                "count": 1,
                "count_label": "1",
                "amount_label": "",
            },
        ],
    }


def test_the_new_counts_follow_the_filters_of_the_board(cast):
    lead = north_lead(cast, company_name="Garage")
    north_lead(cast, company_name="Boulangerie")
    client = client_for(cast.rep)

    response = move(client, lead, status("Nurturing"), query="?q=garage")

    assert [column["count"] for column in response.json()["columns"]] == [0, 1]


def test_moving_a_lead_to_the_converted_status_is_refused_and_nothing_changes(cast):
    lead = north_lead(cast)
    rank = lead.kanban_rank
    client = client_for(cast.rep)

    response = move(client, lead, status("Converti"))

    assert response.status_code == 409
    assert response.json() == {
        "error": french("A lead is converted with the Convert action, not by changing its status.")
    }
    lead.refresh_from_db()
    assert (lead.status, lead.version, lead.kanban_rank) == (status("À traiter"), 1, rank)
    assert not Activity.objects.filter(verb=ActivityVerb.STATUS_CHANGED).exists()


def test_a_stale_version_is_refused_and_nothing_changes(cast):
    lead = north_lead(cast)
    client = client_for(cast.rep)
    move(client, lead, status("Nurturing"))

    response = move(client, lead, status("Qualification marketing"), version=1)

    assert response.status_code == 409
    assert response.json()["error"] == french(
        "This record was changed by someone else since you opened it. Reload it and apply your changes again."
    )
    lead.refresh_from_db()
    assert (lead.status, lead.version) == (status("Nurturing"), 2)


def test_an_unknown_status_is_answered_400(cast):
    lead = north_lead(cast)

    response = client_for(cast.rep).post(
        reverse("lead_kanban_move", args=[lead.pk]), {"status": 999999}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": french("Choose a status.")}


def test_reordering_inside_a_column_is_remembered(cast):
    a, b, c, d = (north_lead(cast, last_name=name) for name in "ABCD")  # shown D, C, B, A
    client = client_for(cast.rep)

    first = move(client, a, status("À traiter"), before=d, after=c)  # D, A, C, B
    second = move(client, b, status("À traiter"), after=d)  # B, D, A, C

    assert (first.status_code, second.status_code) == (200, 200)
    assert card_names(board(client), "À traiter") == ["B", "D", "A", "C"]
    a.refresh_from_db()
    assert a.version == 1  # the order is not a change of the lead


def test_a_card_dropped_into_another_column_takes_its_place_there(cast):
    a = north_lead(cast, last_name="A")
    north_lead(cast, last_name="B")
    x, y = (north_lead(cast, last_name=name, status=status("Nurturing")) for name in "XY")  # shown Y, X
    client = client_for(cast.rep)

    move(client, a, status("Nurturing"), before=y, after=x)

    response = board(client)
    assert card_names(response, "Nurturing") == ["Y", "A", "X"]
    assert card_names(response, "À traiter") == ["B"]


def test_a_rep_neither_sees_nor_moves_another_teams_card(cast):
    theirs = south_lead(cast, last_name="Sud")
    client = client_for(cast.rep)

    response = move(client, theirs, status("Nurturing"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == status("À traiter")
    assert card_names(board(client), "À traiter") == []


def test_a_neighbour_the_rep_cannot_see_is_ignored(cast):
    mine = north_lead(cast, last_name="Mine")
    theirs = south_lead(cast, last_name="Sud")

    response = move(client_for(cast.rep), mine, status("Nurturing"), before=theirs)

    assert response.status_code == 200
    rank = mine.kanban_rank
    mine.refresh_from_db()
    assert (mine.status, mine.kanban_rank) == (status("Nurturing"), rank)


def test_the_move_menu_without_script_moves_the_card_and_goes_back_to_the_board(cast):
    lead = north_lead(cast)
    client = client_for(cast.rep)
    board_url = reverse("lead_kanban") + "?q=Lefebvre"

    response = client.post(
        reverse("lead_kanban_move", args=[lead.pk]),
        {"status": status("Nurturing").pk, "version": 1, "next": board_url},
    )

    assert response.status_code == 302
    assert response["Location"] == board_url
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Statut passé à Nurturing."]
    lead.refresh_from_db()
    assert lead.status == status("Nurturing")


def test_the_lead_list_links_to_the_board_with_its_filters(cast):
    response = client_for(cast.rep).get(reverse("lead_list_open"), {"q": "garage"})

    assert f'href="{reverse("lead_kanban")}?q=garage"' in response.content.decode()
