"""Configuring the status lists and the CRM settings: the rules (services) and the admin screens."""

import json

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from crm.models import Activity, ActivityVerb, CrmSettings, ProspectStatus
from crm.services.statuses import (
    ConfigurationForbidden,
    crm_settings_update,
    status_archive,
    status_create,
    status_restore,
    status_update,
    statuses_reorder,
)
from crm.workflow import WorkflowRefused
from leads.models import LeadStatus
from opportunities.models import OpportunityStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DEFAULT_LEAD_STATUSES = [
    "À traiter",
    "Qualification marketing",
    "Qualification commerciale",
    "Nurturing",
    "Converti",
    "Perdu",
]


@pytest.fixture(autouse=True)
def _english():
    """Service messages are compared in English, whatever the French catalogue says."""
    with translation.override("en"):
        yield


def lead(name):
    return LeadStatus.objects.get(name=name)


def opportunity(name):
    return OpportunityStatus.objects.get(name=name)


def rows(model=LeadStatus):
    return list(model.objects.order_by("sequence", "pk").values_list("name", "sequence", "archived"))


def names(model=LeadStatus):
    return [name for name, _sequence, archived in rows(model) if not archived]


def active_ids(model=LeadStatus):
    return list(model.objects.filter(archived=False).order_by("sequence", "pk").values_list("pk", flat=True))


def activities(record, verb):
    content_type = ContentType.objects.get_for_model(record)
    return Activity.objects.filter(content_type=content_type, object_id=record.pk, verb=verb).order_by("pk")


def admin_client(cast):
    client = client_for(cast.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def shown_messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def reorder_url(kind="lead"):
    return reverse("statuses_reorder", args=[kind])


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


# Reordering


def test_reordering_persists_the_order_as_10_20_30(cast):
    ids = active_ids()

    statuses_reorder(model=LeadStatus, user=cast.admin, ordered_ids=list(reversed(ids)))

    assert rows() == [
        ("Perdu", 10, False),
        ("Converti", 20, False),
        ("Nurturing", 30, False),
        ("Qualification commerciale", 40, False),
        ("Qualification marketing", 50, False),
        ("À traiter", 60, False),
    ]
    activity = activities(CrmSettings.load(), ActivityVerb.UPDATED).get()
    assert activity.message == "Lead statuses reordered."
    assert activity.changes == {
        "order": {
            "before": ", ".join(DEFAULT_LEAD_STATUSES),
            "after": ", ".join(reversed(DEFAULT_LEAD_STATUSES)),
        }
    }


def test_archived_statuses_follow_the_reordered_ones(cast):
    status_archive(status=lead("Nurturing"), user=cast.admin)
    ids = active_ids()

    statuses_reorder(model=LeadStatus, user=cast.admin, ordered_ids=[ids[1], ids[0], *ids[2:]])

    assert rows() == [
        ("Qualification marketing", 10, False),
        ("À traiter", 20, False),
        ("Qualification commerciale", 30, False),
        ("Converti", 40, False),
        ("Perdu", 50, False),
        ("Nurturing", 60, True),
    ]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda ids, archived: ids[:-1], id="a status missing"),
        pytest.param(lambda ids, archived: [*ids, archived], id="an archived status"),
        pytest.param(lambda ids, archived: [*ids[:-1], 999_999], id="an unknown id"),
        pytest.param(lambda ids, archived: [*ids[:-1], ids[0]], id="a status twice"),
    ],
)
def test_reordering_refuses_anything_but_the_exact_active_list_and_changes_nothing(cast, tamper):
    archived = status_create(model=LeadStatus, user=cast.admin, fields={"name": "Ancien"})
    status_archive(status=archived, user=cast.admin)
    before = rows()

    with pytest.raises(WorkflowRefused) as refusal:
        statuses_reorder(
            model=LeadStatus, user=cast.admin, ordered_ids=tamper(list(reversed(active_ids())), archived.pk)
        )

    assert str(refusal.value) == (
        "The list of statuses has changed since you opened it: reload the page and try again."
    )
    assert rows() == before


def test_reordering_refuses_the_statuses_of_another_list(cast):
    before = rows(LeadStatus)
    foreign = active_ids(OpportunityStatus)

    with pytest.raises(WorkflowRefused):
        statuses_reorder(model=LeadStatus, user=cast.admin, ordered_ids=foreign)

    assert rows(LeadStatus) == before


def test_the_drag_and_drop_endpoint_saves_the_order(cast):
    ids = active_ids()
    new_order = [ids[2], ids[0], ids[1], *ids[3:]]

    response = post_json(admin_client(cast), reorder_url(), {"ids": new_order})

    assert (response.status_code, response.json()) == (200, {"ids": new_order})
    assert names() == [
        "Qualification commerciale",
        "À traiter",
        "Qualification marketing",
        "Nurturing",
        "Converti",
        "Perdu",
    ]


def test_the_drag_and_drop_endpoint_answers_a_json_error_400_on_refusal(cast):
    before = rows()

    response = post_json(admin_client(cast), reorder_url(), {"ids": active_ids()[:2]})

    assert response.status_code == 400
    assert response.json() == {
        "error": "The list of statuses has changed since you opened it: reload the page and try again."
    }
    assert rows() == before


@pytest.mark.parametrize("body", ["not json", '{"ids": "1,2"}', '{"ids": [1, "2"]}', "[1, 2]"])
def test_the_drag_and_drop_endpoint_answers_400_to_an_unreadable_order(cast, body):
    response = admin_client(cast).post(reorder_url(), body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, {"error": "The new order could not be read."})


def test_the_drag_and_drop_endpoint_refuses_prospect_statuses_while_they_are_off(cast):
    response = post_json(admin_client(cast), reorder_url("prospect"), {"ids": active_ids(ProspectStatus)})

    assert (response.status_code, response.json()) == (
        400,
        {"error": "Prospect statuses are not enabled in the CRM settings."},
    )


# Creating, renaming, opening/closing


def test_a_new_status_goes_to_the_end_of_its_list(cast):
    created = status_create(
        model=LeadStatus,
        user=cast.admin,
        fields={"name": "À rappeler", "name_en": "Call back", "is_open": True, "colour": "#123abc"},
    )

    assert (created.sequence, created.is_open, created.colour, created.archived) == (
        70,
        True,
        "#123abc",
        False,
    )
    assert names()[-1] == "À rappeler"
    activity = activities(created, ActivityVerb.CREATED).get()
    assert activity.message == "Status À rappeler added to the lead statuses."


def test_a_status_with_a_bad_colour_is_not_created(cast):
    with pytest.raises(ValidationError) as error:
        status_create(model=LeadStatus, user=cast.admin, fields={"name": "Rouge", "colour": "red"})

    assert list(error.value.message_dict) == ["colour"]
    assert "Rouge" not in names()


def test_renaming_in_french_and_english_shows_the_english_label_in_english(cast):
    status = lead("Nurturing")

    status_update(status=status, user=cast.admin, fields={"name": "À relancer", "name_en": "Follow up"})

    status.refresh_from_db()
    with translation.override("en"):
        assert status.label == "Follow up"
    with translation.override("fr"):
        assert status.label == "À relancer"
    activity = activities(status, ActivityVerb.UPDATED).get()
    assert activity.changes == {
        "name": {"before": "Nurturing", "after": "À relancer"},
        "name_en": {"before": "Nurturing", "after": "Follow up"},
    }


def test_switching_the_converted_status_to_open_is_refused(cast):
    converted = lead("Converti")

    with pytest.raises(ValidationError) as error:
        status_update(status=converted, user=cast.admin, fields={"is_open": True, "name": "Gagné"})

    assert error.value.message_dict == {
        "is_open": ["“Converti” is the converted lead status in the CRM settings: it must stay closed."]
    }
    converted.refresh_from_db()
    assert (converted.name, converted.is_open) == ("Converti", False)


def test_switching_the_proposal_status_to_closed_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        status_update(status=opportunity("Proposition"), user=cast.admin, fields={"is_open": False})

    assert error.value.message_dict == {
        "is_open": ["“Proposition” is the proposal status in the CRM settings: it must stay open."]
    }
    assert opportunity("Proposition").is_open is True


def test_an_unmapped_status_can_be_closed(cast):
    status_update(status=lead("Nurturing"), user=cast.admin, fields={"is_open": False})

    assert lead("Nurturing").is_open is False


# Archiving


def test_archiving_a_mapped_status_is_refused(cast):
    with pytest.raises(WorkflowRefused) as refusal:
        status_archive(status=lead("Perdu"), user=cast.admin)

    assert str(refusal.value) == (
        "“Perdu” is the lost lead status in the CRM settings: "
        "choose another status there before archiving this one."
    )
    assert lead("Perdu").archived is False


def test_archiving_keeps_the_status_on_records_and_restoring_puts_it_last(cast):
    nurturing = status_archive(status=lead("Nurturing"), user=cast.admin)

    assert nurturing.archived is True
    assert "Nurturing" not in names()

    restored = status_restore(status=nurturing, user=cast.admin)

    assert (restored.archived, restored.sequence) == (False, 70)
    assert names()[-1] == "Nurturing"
    assert list(activities(nurturing, ActivityVerb.UPDATED).values_list("message", "changes")) == [
        ("Status archived.", {"archived": {"before": False, "after": True}}),
        ("Status restored.", {"archived": {"before": True, "after": False}}),
    ]


# CRM settings


def test_settings_refuse_a_closed_status_as_new(cast):
    with pytest.raises(ValidationError) as error:
        crm_settings_update(user=cast.admin, fields={"lead_new_status": lead("Converti")})

    assert error.value.message_dict == {"lead_new_status": ["The new lead status must be an open status."]}
    assert CrmSettings.load().lead_new_status == lead("À traiter")


def test_settings_refuse_a_lead_status_in_an_opportunity_slot(cast):
    with pytest.raises(ValidationError) as error:
        crm_settings_update(user=cast.admin, fields={"opportunity_new_status": lead("À traiter")})

    assert error.value.message_dict == {"opportunity_new_status": ["Choose one of the opportunity statuses."]}
    assert CrmSettings.load().opportunity_new_status == opportunity("À traiter")


def test_settings_refuse_the_same_status_for_converted_and_lost(cast):
    with pytest.raises(ValidationError) as error:
        crm_settings_update(user=cast.admin, fields={"lead_lost_status": lead("Converti")})

    assert error.value.message_dict == {
        "lead_lost_status": ["The lost lead status must differ from the converted lead status."]
    }


def test_settings_refuse_an_archived_status(cast):
    status_archive(status=lead("Nurturing"), user=cast.admin)

    with pytest.raises(ValidationError) as error:
        crm_settings_update(user=cast.admin, fields={"lead_new_status": lead("Nurturing")})

    assert error.value.message_dict == {
        "lead_new_status": ["“Nurturing” is archived: choose a status in use."]
    }


def test_settings_save_nothing_when_one_field_is_wrong(cast):
    with pytest.raises(ValidationError):
        crm_settings_update(
            user=cast.admin,
            fields={
                "manage_catalogs": True,
                "lead_new_status": lead("Nurturing"),
                "lead_lost_status": lead("À traiter"),
            },
        )

    crm = CrmSettings.load()
    assert (crm.manage_catalogs, crm.lead_new_status, crm.lead_lost_status) == (
        False,
        lead("À traiter"),
        lead("Perdu"),
    )


def test_settings_remap_a_status_and_switch_the_flags(cast):
    crm = crm_settings_update(
        user=cast.admin,
        fields={
            "lead_new_status": lead("Nurturing"),
            "manage_prospect_statuses": True,
            "manage_catalogs": True,
            "close_won_on_quote_confirmed": True,
        },
    )

    crm.refresh_from_db()
    assert (
        crm.lead_new_status,
        crm.manage_prospect_statuses,
        crm.manage_catalogs,
        crm.close_won_on_quote_confirmed,
    ) == (lead("Nurturing"), True, True, True)
    activity = activities(crm, ActivityVerb.UPDATED).get()
    assert activity.changes["lead_new_status"] == {"before": "To process", "after": "Nurturing"}
    assert activity.changes["manage_catalogs"] == {"before": False, "after": True}


def test_a_remapped_status_can_then_be_archived(cast):
    crm_settings_update(user=cast.admin, fields={"lead_new_status": lead("Nurturing")})

    status_archive(status=lead("À traiter"), user=cast.admin)

    assert lead("À traiter").archived is True


# Who may configure


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_only_admins_may_change_the_configuration_through_the_services(cast, who):
    user = getattr(cast, who)
    message = "^Only administrators can change the CRM configuration.$"
    calls = [
        lambda: status_create(model=LeadStatus, user=user, fields={"name": "X"}),
        lambda: status_update(status=lead("Nurturing"), user=user, fields={"name": "X"}),
        lambda: statuses_reorder(model=LeadStatus, user=user, ordered_ids=active_ids()),
        lambda: status_archive(status=lead("Nurturing"), user=user),
        lambda: status_restore(status=lead("Nurturing"), user=user),
        lambda: crm_settings_update(user=user, fields={"manage_catalogs": True}),
    ]
    for call in calls:
        with pytest.raises(ConfigurationForbidden, match=message):
            call()
    assert names() == DEFAULT_LEAD_STATUSES
    assert CrmSettings.load().manage_catalogs is False


def configuration_requests():
    pk = 1  # any id: the role is checked first
    return [
        ("get", "configuration_home", []),
        ("get", "crm_settings", []),
        ("post", "crm_settings", []),
        ("get", "status_list", ["lead"]),
        ("get", "status_list", ["prospect"]),
        ("post", "status_create", ["lead"]),
        ("post", "status_update", ["lead", pk]),
        ("post", "status_archive", ["lead", pk]),
        ("post", "status_restore", ["lead", pk]),
        ("post", "statuses_reorder", ["lead"]),
    ]


@pytest.mark.parametrize("who", ["rep", "manager"])
@pytest.mark.parametrize(("method", "name", "args"), configuration_requests())
def test_non_admins_get_403_on_every_configuration_page_and_post(cast, who, method, name, args):
    client = client_for(getattr(cast, who))

    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 403
    assert names() == DEFAULT_LEAD_STATUSES


@pytest.mark.parametrize(("method", "name", "args"), configuration_requests())
def test_anonymous_visitors_are_sent_to_the_login_page(client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Screens


def test_the_configuration_home_links_the_lists_and_the_settings(cast):
    page = admin_client(cast).get(reverse("configuration_home")).content.decode()

    assert reverse("status_list", args=["lead"]) in page
    assert reverse("status_list", args=["opportunity"]) in page
    assert reverse("status_list", args=["prospect"]) not in page
    assert reverse("crm_settings") in page


def test_the_prospect_list_explains_how_to_enable_it_while_off(cast):
    response = admin_client(cast).get(reverse("status_list", args=["prospect"]))

    assert response.status_code == 200
    assert response.templates[0].name == "crm/configuration/prospect_statuses_off.html"
    assert "Manage prospect statuses" in response.content.decode()


def test_the_prospect_list_is_offered_once_enabled(cast):
    crm_settings_update(user=cast.admin, fields={"manage_prospect_statuses": True})
    client = admin_client(cast)

    home = client.get(reverse("configuration_home")).content.decode()
    response = client.get(reverse("status_list", args=["prospect"]))

    assert reverse("status_list", args=["prospect"]) in home
    assert [row.status.name for row in response.context["active_rows"]] == [
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
        "Nurturing",
        "Gagné",
        "Perdu",
    ]


def test_an_unknown_status_list_is_404(cast):
    assert admin_client(cast).get(reverse("status_list", args=["quote"])).status_code == 404


def test_the_status_list_shows_the_statuses_in_order_with_sortable_assets(cast):
    status_archive(status=lead("Nurturing"), user=cast.admin)

    response = admin_client(cast).get(reverse("status_list", args=["lead"]))

    assert [row.status.name for row in response.context["active_rows"]] == [
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
        "Converti",
        "Perdu",
    ]
    assert [row.status.name for row in response.context["archived_rows"]] == ["Nurturing"]
    assert [row.meanings for row in response.context["active_rows"]] == [
        ["New lead status"],
        [],
        [],
        ["Converted lead status"],
        ["Lost lead status"],
    ]
    page = response.content.decode()
    assert "/static/vendor/Sortable.min.js" in page
    assert "/static/js/configuration.js" in page
    assert f'data-reorder-url="{reorder_url()}"' in page


def test_the_add_form_creates_a_status(cast):
    client = admin_client(cast)

    response = client.post(
        reverse("status_create", args=["opportunity"]),
        {
            "new-name": "Négociation",
            "new-name_en": "Negotiation",
            "new-colour": "#aa5500",
            "new-is_open": "on",
        },
        follow=True,
    )

    assert shown_messages(response) == [("success", "Status Negotiation added.")]
    assert names(OpportunityStatus)[-1] == "Négociation"


def test_the_add_form_shows_errors_beside_the_fields_and_saves_nothing(cast):
    before = rows()

    response = admin_client(cast).post(
        reverse("status_create", args=["lead"]), {"new-name": "", "new-colour": "bleu"}
    )

    assert response.status_code == 400
    form = response.context["create_form"]
    assert set(form.errors) == {"name", "colour"}
    assert '<p class="field-error" role="alert">This field is required.</p>' in response.content.decode()
    assert rows() == before


def test_the_row_form_renames_a_status(cast):
    status = lead("Nurturing")
    prefix = f"status-{status.pk}"

    response = admin_client(cast).post(
        reverse("status_update", args=["lead", status.pk]),
        {
            f"{prefix}-name": "Relance",
            f"{prefix}-name_en": "Follow-up",
            f"{prefix}-colour": "#2bb3a3",
            f"{prefix}-is_open": "on",
        },
        follow=True,
    )

    assert shown_messages(response) == [("success", "Status Follow-up saved.")]
    status.refresh_from_db()
    assert (status.name, status.name_en, status.is_open) == ("Relance", "Follow-up", True)


def test_the_row_form_shows_a_refused_flag_beside_the_toggle(cast):
    converted = lead("Converti")
    prefix = f"status-{converted.pk}"

    response = admin_client(cast).post(
        reverse("status_update", args=["lead", converted.pk]),
        {
            f"{prefix}-name": "Converti !",
            f"{prefix}-name_en": "Converted",
            f"{prefix}-colour": "#2e9d4f",
            f"{prefix}-is_open": "on",
        },
    )

    assert response.status_code == 400
    row = next(row for row in response.context["active_rows"] if row.status.pk == converted.pk)
    assert row.form.errors == {
        "is_open": ["“Converti” is the converted lead status in the CRM settings: it must stay closed."]
    }
    converted.refresh_from_db()
    assert (converted.name, converted.is_open) == ("Converti", False)


def test_the_archive_button_refuses_a_mapped_status_with_a_message(cast):
    response = admin_client(cast).post(
        reverse("status_archive", args=["lead", lead("À traiter").pk]), follow=True
    )

    assert shown_messages(response) == [
        (
            "error",
            "“À traiter” is the new lead status in the CRM settings: "
            "choose another status there before archiving this one.",
        )
    ]
    assert lead("À traiter").archived is False


def test_the_archive_and_restore_buttons(cast):
    client = admin_client(cast)
    nurturing = lead("Nurturing")

    archived = client.post(reverse("status_archive", args=["lead", nurturing.pk]), follow=True)
    assert shown_messages(archived) == [("success", "Status Nurturing archived.")]
    assert lead("Nurturing").archived is True

    restored = client.post(reverse("status_restore", args=["lead", nurturing.pk]), follow=True)
    assert shown_messages(restored) == [("success", "Status Nurturing restored.")]
    assert lead("Nurturing").archived is False


def settings_form_data(**overrides):
    crm = CrmSettings.load()
    data = {
        name: getattr(crm, f"{name}_id")
        for name in (
            "lead_new_status",
            "lead_converted_status",
            "lead_lost_status",
            "opportunity_new_status",
            "opportunity_proposal_status",
            "opportunity_won_status",
            "opportunity_lost_status",
            "prospect_new_status",
            "prospect_won_status",
            "prospect_lost_status",
        )
    }
    return {**data, **overrides}


def test_the_settings_page_saves_the_mapping_and_the_flags(cast):
    response = admin_client(cast).post(
        reverse("crm_settings"),
        settings_form_data(lead_new_status=lead("Nurturing").pk, manage_prospect_statuses="on"),
        follow=True,
    )

    assert shown_messages(response) == [("success", "CRM settings saved.")]
    crm = CrmSettings.load()
    assert (crm.lead_new_status, crm.manage_prospect_statuses, crm.manage_catalogs) == (
        lead("Nurturing"),
        True,
        False,
    )


def test_the_settings_page_shows_errors_beside_the_fields_and_saves_nothing(cast):
    response = admin_client(cast).post(
        reverse("crm_settings"),
        settings_form_data(opportunity_new_status=opportunity("Fermée gagnée").pk, manage_catalogs="on"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "opportunity_new_status": ["The new opportunity status must be an open status."]
    }
    crm = CrmSettings.load()
    assert (crm.opportunity_new_status, crm.manage_catalogs) == (opportunity("À traiter"), False)


def test_the_settings_page_offers_only_statuses_in_use(cast):
    status_archive(status=lead("Nurturing"), user=cast.admin)

    form = admin_client(cast).get(reverse("crm_settings")).context["form"]

    offered = [status.name for status in form.fields["lead_new_status"].queryset]
    assert offered == [
        "À traiter",
        "Qualification marketing",
        "Qualification commerciale",
        "Converti",
        "Perdu",
    ]


def test_configuration_activity_is_recorded_on_the_settings_row(cast):
    crm_settings_update(user=cast.admin, fields={"manage_catalogs": True})

    entry = activities(CrmSettings.load(), ActivityVerb.UPDATED).get()

    assert (entry.actor, entry.changes) == (cast.admin, {"manage_catalogs": {"before": False, "after": True}})
