"""Who sees which event: the record visibility rule, private events, and invitations."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.selectors import event_list, events_of_record, events_visible
from events.services import event_create, event_guest_add
from tests.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def create(user, subject, **fields):
    return event_create(user=user, fields={"subject": subject, "start": START, **fields})


@pytest.fixture
def events(cast):
    """One event per situation (reps are in their own team; the manager leads the north team)."""
    return {
        "mine": create(cast.rep, "Mine"),
        "my private": create(cast.rep, "My private", visibility="private"),
        "other team": create(cast.rep2, "Other team"),
        "other team private": create(cast.rep2, "Other team private", visibility="private"),
        "manager private": create(cast.manager, "Manager private", visibility="private", team=cast.north),
        "manager public": create(cast.manager, "Manager public", team=cast.north),
    }


def visible_subjects(user):
    return set(events_visible(user=user).values_list("subject", flat=True))


def test_a_rep_sees_their_events_and_their_teams_public_events_only(cast, events):
    assert visible_subjects(cast.rep) == {"Mine", "My private", "Manager public"}


def test_a_rep_cannot_see_another_teams_event(cast, events):
    assert "Other team" not in visible_subjects(cast.rep)
    assert "Mine" not in visible_subjects(cast.rep2)


def test_a_manager_sees_the_public_events_of_their_company_but_not_the_private_ones_of_others(cast, events):
    assert visible_subjects(cast.manager) == {"Mine", "Manager private", "Manager public"}


def test_an_admin_does_not_see_private_events_of_others_either(cast, events):
    assert visible_subjects(cast.admin) == {"Mine", "Other team", "Manager public"}


def test_a_guest_sees_the_event_they_are_invited_to_even_when_private(cast, events):
    event_guest_add(event=events["other team private"], user=cast.rep2, guest_user=cast.rep)
    assert visible_subjects(cast.rep) == {"Mine", "My private", "Manager public", "Other team private"}


def test_an_invited_event_already_visible_is_listed_once(cast, events):
    event_guest_add(event=events["mine"], user=cast.rep, guest_user=cast.rep)
    assert list(events_visible(user=cast.rep).values_list("subject", flat=True)).count("Mine") == 1


def test_an_inactive_user_sees_nothing(cast, events):
    cast.rep.is_active = False
    assert visible_subjects(cast.rep) == set()


def test_the_calendar_lists_the_visible_events_overlapping_its_window(cast, events):
    create(cast.rep, "Next week", start=START + timedelta(days=7))
    listed = event_list(
        user=cast.rep, ends_after=START - timedelta(days=1), starts_before=START + timedelta(days=1)
    )
    assert [event.subject for event in listed] == ["Mine", "My private", "Manager public"]


def test_the_calendar_lists_with_a_constant_number_of_queries(cast, events, django_assert_num_queries):
    for index in range(5):
        create(cast.rep, f"Extra {index}")
    cast.rep.role, cast.rep.team_ids  # noqa: B018 - cached per request, like the middleware's user
    with django_assert_num_queries(1):
        rows = [
            (event.subject, str(event.assigned_user), str(event.category))
            for event in event_list(user=cast.rep)
        ]
    assert len(rows) == 8


def test_the_events_tab_of_a_third_party_lists_its_visible_events(cast, events):
    customer = ThirdPartyFactory(name="Dupain")
    create(cast.rep, "Chez Dupain", third_party=customer)
    create(cast.rep2, "Chez Dupain aussi", third_party=customer)
    assert [event.subject for event in events_of_record(user=cast.rep, record=customer)] == ["Chez Dupain"]
