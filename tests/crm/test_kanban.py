"""The Kanban machinery (ranks, cursors) and the prospects' board, shown when prospect statuses are on."""

from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from crm.kanban import PAGE_SIZE, Cursor
from crm.models import Activity, ActivityVerb, CrmSettings, ProspectStatus, Tag, ThirdParty
from crm.services.kanban import RANK_GAP, kanban_card_place
from crm.services.statuses import crm_settings_update
from leads.models import Lead
from tests.conftest import client_for
from tests.factories import LeadFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


# Ranks --------------------------------------------------------------------------------------------


def column_order() -> list[str]:
    return list(
        Lead.objects.order_by("kanban_rank", "-created_at", "-pk").values_list("last_name", flat=True)
    )


def ranks() -> dict[str, int]:
    return dict(Lead.objects.values_list("last_name", "kanban_rank"))


def ranked(**ranks: int) -> list[Lead]:
    """Leads of one column with these ranks, created in this order."""
    return [LeadFactory(last_name=name, kanban_rank=rank) for name, rank in ranks.items()]


def place(card: Lead, *, before: Lead | None = None, after: Lead | None = None) -> int:
    return kanban_card_place(column=Lead.objects.all(), card=card, before=before, after=after)


def test_a_new_record_comes_before_the_older_ones_in_its_column(db):
    older, newer = LeadFactory(last_name="Older"), LeadFactory(last_name="Newer")

    assert newer.kanban_rank < older.kanban_rank
    assert column_order() == ["Newer", "Older"]


def test_a_card_dropped_between_two_cards_takes_the_rank_halfway(db):
    a, b, x = ranked(A=0, B=4 * RANK_GAP, X=10 * RANK_GAP)

    assert place(x, before=a, after=b) == 2 * RANK_GAP
    assert column_order() == ["A", "X", "B"]


def test_a_card_dropped_on_top_goes_one_gap_before_the_first_card(db):
    a, x = ranked(A=0, X=5 * RANK_GAP)

    place(x, after=a)

    assert ranks() == {"A": 0, "X": -RANK_GAP}


def test_a_card_dropped_last_goes_one_gap_after_the_last_card(db):
    x, a = ranked(X=0, A=-5)

    place(a, before=x)

    assert column_order() == ["X", "A"]
    assert ranks() == {"X": 0, "A": RANK_GAP}


def test_without_room_the_cards_after_are_spread_and_only_those_that_must_move_are_written(db):
    a, b, c, d, x = ranked(A=0, B=1, C=10 * RANK_GAP, D=11 * RANK_GAP, X=20 * RANK_GAP)
    before = {lead.last_name: (lead.version, lead.updated_at) for lead in Lead.objects.all()}

    with CaptureQueriesContext(connection) as captured:
        place(x, before=a, after=b)

    assert column_order() == ["A", "X", "B", "C", "D"]
    assert ranks() == {"A": 0, "X": RANK_GAP, "B": 2 * RANK_GAP, "C": 10 * RANK_GAP, "D": 11 * RANK_GAP}
    updates = [query["sql"] for query in captured if query["sql"].startswith("UPDATE")]
    assert len(updates) == 2  # the spread (one statement for the whole column) and the card
    assert {lead.last_name: (lead.version, lead.updated_at) for lead in Lead.objects.all()} == before


def test_cards_of_equal_rank_keep_their_order_when_spread(db):
    a, b, c, x = ranked(A=7, B=7, C=7, X=0)  # shown X, C, B, A

    place(x, before=c, after=b)

    assert column_order() == ["C", "X", "B", "A"]
    assert ranks() == {"C": 7, "X": 7 + RANK_GAP, "B": 7 + 2 * RANK_GAP, "A": 7 + 3 * RANK_GAP}


def test_a_card_without_neighbours_keeps_its_rank(db):
    (x,) = ranked(X=123)

    assert place(x) == 123


def test_a_cursor_survives_its_round_trip_through_the_url():
    cursor = Cursor(rank=-3 * RANK_GAP, created_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), pk=42)

    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("text", ["", "1_2", "a_b_c", "1_99999999999999999999_3"])
def test_a_malformed_cursor_means_the_first_page(text):
    assert Cursor.decode(text) is None


# The prospects' board -------------------------------------------------------------------------------


@pytest.fixture
def prospect_statuses_on(cast):
    crm_settings_update(user=cast.admin, fields={"manage_prospect_statuses": True})


def status(name: str) -> ProspectStatus:
    return ProspectStatus.objects.get(name=name)


def north_prospect(cast, **fields) -> ThirdParty:
    return ThirdPartyFactory(
        assigned_user=cast.rep, team=cast.north, companies=[cast.north_company], **fields
    )


def board(client, **params):
    response = client.get(reverse("prospect_kanban"), params)
    assert response.status_code == 200
    return response


def move(client, prospect: ThirdParty, target: ProspectStatus, **data):
    return client.post(
        reverse("prospect_kanban_move", args=[prospect.pk]),
        {"status": target.pk, "version": prospect.version, **data},
        HTTP_ACCEPT="application/json",
    )


def test_the_prospects_board_is_hidden_while_prospect_statuses_are_off(cast):
    prospect = north_prospect(cast)
    client = client_for(cast.admin)

    response = board(client)

    assert "columns" not in response.context
    assert french("Prospect statuses are not enabled.") in response.content.decode()
    assert f'href="{reverse("crm_settings")}"' in response.content.decode()
    assert client.get(reverse("prospect_kanban_column", args=[status("À traiter").pk])).status_code == 404
    assert move(client, prospect, status("Nurturing")).status_code == 404


def test_a_rep_is_not_sent_to_the_settings_while_prospect_statuses_are_off(cast):
    response = board(client_for(cast.rep))

    assert f'href="{reverse("crm_settings")}"' not in response.content.decode()


def test_the_prospects_columns_are_the_open_statuses_and_won_and_lost_are_drop_targets(
    cast, prospect_statuses_on
):
    response = board(client_for(cast.rep))

    assert [column.status.name for column in response.context["columns"]] == [
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
        "Nurturing",
    ]
    assert [target.name for target in response.context["drop_targets"]] == ["Gagné", "Perdu"]


def test_prospects_without_a_status_are_counted_and_shown_in_the_new_column(cast, prospect_statuses_on):
    north_prospect(cast, name="Sans statut")
    north_prospect(cast, name="Nouveau", prospect_status=status("À traiter"))
    north_prospect(cast, name="Suivi", prospect_status=status("Nurturing"))
    north_prospect(cast, name="Client", is_prospect=False, is_customer=True)
    north_prospect(cast, name="Perdu", prospect_status=status("Perdu"))

    columns = board(client_for(cast.rep)).context["columns"]

    assert {column.status.name: column.totals.count for column in columns} == {
        "À traiter": 2,
        "Qualification marketing": 0,
        "Qualification commerciale": 0,
        "Nurturing": 1,
    }
    assert [card.name for card in columns[0].cards] == ["Nouveau", "Sans statut"]


def test_the_new_column_pages_through_prospects_with_and_without_a_status(cast, prospect_statuses_on):
    for index in range(PAGE_SIZE + 4):
        fields = {"prospect_status": status("À traiter")} if index % 2 else {}
        north_prospect(cast, name=f"Prospect {index:02d}", **fields)
    client = client_for(cast.rep)
    newest_first = [f"Prospect {index:02d}" for index in reversed(range(PAGE_SIZE + 4))]

    first = board(client).context["columns"][0]
    more = client.get(
        reverse("prospect_kanban_column", args=[status("À traiter").pk]), {"after": first.cursor}
    )

    assert [card.name for card in first.cards] == newest_first[:PAGE_SIZE]
    assert [card.name for card in more.context["cards"]] == newest_first[PAGE_SIZE:]


def test_the_prospects_board_runs_the_same_queries_for_5_or_200_cards(cast, prospect_statuses_on):
    vip = Tag.objects.get(name="VIP")
    client = client_for(cast.rep)

    def add_prospects(count: int) -> None:
        for _ in range(count):
            north_prospect(cast).tags.add(vip)

    def captured_board():
        with CaptureQueriesContext(connection) as captured:
            response = board(client)
        return response, [query["sql"] for query in captured]

    add_prospects(5)
    board(client)
    few, few_queries = captured_board()
    add_prospects(195)
    many, many_queries = captured_board()

    assert len(many_queries) == len(few_queries)
    assert len([sql for sql in many_queries if 'FROM "crm_thirdparty"' in sql]) == 2
    assert len([sql for sql in many_queries if 'INNER JOIN "crm_thirdparty_tags"' in sql]) == 1
    assert len(few.context["columns"][0].cards) == 5
    assert len(many.context["columns"][0].cards) == PAGE_SIZE


def test_moving_a_prospect_changes_its_prospect_status_through_the_service(cast, prospect_statuses_on):
    prospect = north_prospect(cast)
    client = client_for(cast.rep)

    response = move(client, prospect, status("Nurturing"))

    prospect.refresh_from_db()
    assert response.status_code == 200
    assert prospect.prospect_status == status("Nurturing")
    activity = Activity.objects.get(
        content_type=ContentType.objects.get_for_model(ThirdParty),
        object_id=prospect.pk,
        verb=ActivityVerb.STATUS_CHANGED,
    )
    assert activity.changes == {"prospect_status": {"before": "À traiter", "after": "Nurturing"}}
    assert [(column["status"], column["count"]) for column in response.json()["columns"]] == [
        (status("À traiter").pk, 0),
        (status("Nurturing").pk, 1),
    ]


def test_a_prospect_dropped_on_won_becomes_a_customer_and_leaves_the_board(cast, prospect_statuses_on):
    prospect = north_prospect(cast, prospect_status=status("Nurturing"))
    client = client_for(cast.rep)

    response = move(client, prospect, status("Gagné"))

    prospect.refresh_from_db()
    assert (prospect.is_prospect, prospect.is_customer, prospect.prospect_status) == (
        False,
        True,
        status("Gagné"),
    )
    assert response.json()["removed"] is True
    assert response.json()["message"] == french("The prospect is won: it is now a customer.")
    assert response.json()["columns"] == [
        {"status": status("Nurturing").pk, "count": 0, "count_label": "0", "amount_label": ""}
    ]


def test_a_rep_neither_sees_nor_moves_another_teams_prospect(cast, prospect_statuses_on):
    theirs = ThirdPartyFactory(assigned_user=cast.rep2, team=cast.south, companies=[cast.south_company])
    client = client_for(cast.rep)

    response = move(client, theirs, status("Nurturing"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.prospect_status is None
    assert board(client).context["columns"][0].cards == []


def test_a_prospect_moved_after_the_setting_was_turned_off_is_refused(cast, prospect_statuses_on):
    prospect = north_prospect(cast)
    CrmSettings.objects.update(manage_prospect_statuses=False)

    response = move(client_for(cast.rep), prospect, status("Nurturing"))

    assert response.status_code == 404
