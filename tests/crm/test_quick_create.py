"""The "+" beside reference-data fields: which forms show it, and the dialog's endpoint (SPEC §2.1, §4)."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from crm.models import CrmSettings, LeadSource, LostReason, Tag
from crm.reference_kinds import REFERENCE_KINDS
from crm.widgets import QuickCreateWidget
from events.models import EventCategory
from leads.models import Lead
from leads.services import lead_create
from opportunities.forms import CloseOthersForm
from opportunities.models import Opportunity
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


class QuickCreateButtons(HTMLParser):
    """Each "+" of a page, keyed by the name of the field it stands beside (in the same box)."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: dict[str, dict[str, str | None]] = {}
        self.depth = 0  # of <div> inside the current .quick-create box; 0 outside any
        self.field_name: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "div" and (self.depth or "quick-create" in (attributes.get("class") or "").split()):
            self.depth += 1
        elif self.depth and tag in ("select", "input") and self.field_name is None:
            self.field_name = attributes.get("name")
        elif self.depth and tag == "button" and self.field_name:
            self.buttons[self.field_name] = attributes

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.field_name = None


def buttons_of(response) -> dict[str, dict[str, str | None]]:
    assert response.status_code == 200
    parser = QuickCreateButtons()
    parser.feed(response.content.decode())
    return parser.buttons


def kinds_of(response) -> dict[str, str]:
    """Field name → the list its "+" adds to."""
    prefix, suffix = "/reference/", "/new/"
    return {
        name: str(button["hx-get"]).removeprefix(prefix).removesuffix(suffix)
        for name, button in buttons_of(response).items()
    }


def post_new(client, kind: str, **fields: str):
    return client.post(
        reverse("reference_create", args=[kind]), {f"reference-{k}": v for k, v in fields.items()}
    )


# The forms ------------------------------------------------------------------------------------------


def test_the_lead_form_has_a_plus_beside_each_reference_field(cast):
    response = client_for(cast.rep).get(reverse("lead_create"))

    assert kinds_of(response) == {
        "function": "functions",
        "department": "departments",
        "industry_sector": "industry-sectors",
        "source": "sources",
        "category": "third-party-categories",
        "tags": "tags",
    }


def test_the_plus_is_a_hidden_button_named_after_its_list_until_the_script_shows_it(cast):
    source = buttons_of(client_for(cast.rep).get(reverse("lead_create")))["source"]

    assert source["type"] == "button"
    assert source["aria-label"] == french("New source") == "Nouvelle source"
    assert "hidden" in source
    assert source["hx-target"] == "#quick-create-dialog"


def test_the_third_party_form_has_a_plus_beside_each_reference_field(cast):
    response = client_for(cast.rep).get(reverse("third_party_create"))

    assert kinds_of(response) == {
        "legal_form": "legal-forms",
        "industry_sector": "industry-sectors",
        "category": "third-party-categories",
        "source": "sources",
        "tags": "tags",
    }


def test_the_contact_form_has_a_plus_beside_each_reference_field(cast):
    response = client_for(cast.rep).get(reverse("contact_create"))

    assert kinds_of(response) == {
        "function": "functions",
        "department": "departments",
        "role": "contact-roles",
        "tags": "tags",
    }


def test_the_opportunity_form_has_a_plus_beside_the_source_and_the_tags(cast):
    response = client_for(cast.rep).get(reverse("opportunity_create"))

    assert kinds_of(response) == {"source": "sources", "tags": "tags"}


def test_the_event_form_offers_a_new_category_to_a_manager_but_not_to_a_rep(cast):
    assert kinds_of(client_for(cast.manager).get(reverse("event_create"))) == {"category": "event-categories"}
    assert kinds_of(client_for(cast.rep).get(reverse("event_create"))) == {}


def test_the_catalog_form_offers_a_new_type(cast):
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})

    assert kinds_of(client_for(cast.manager).get(reverse("catalog_create"))) == {"type": "catalog-types"}


def test_the_lose_page_offers_a_new_lost_reason(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefebvre"})

    assert kinds_of(client_for(cast.rep).get(reverse("lead_lose", args=[lead.pk]))) == {
        "reason": "lost-reasons"
    }


def test_closing_the_other_opportunities_offers_a_new_lost_reason():
    form = CloseOthersForm(choices=Opportunity.objects.none())

    assert isinstance(form.fields["reason"].widget, QuickCreateWidget)


def test_a_field_locked_by_an_external_system_has_no_plus(cast):
    from crm.services.parties import third_party_create

    third_party = third_party_create(user=cast.rep, fields={"name": "Apollo"})
    third_party.locked_fields = ["source"]
    third_party.save(update_fields=["locked_fields"])

    kinds = kinds_of(client_for(cast.rep).get(reverse("third_party_update", args=[third_party.pk])))

    assert "source" not in kinds
    assert kinds["tags"] == "tags"


def test_a_form_with_a_plus_still_saves_without_javascript(cast):
    source = LeadSource.objects.get(name="Salon")

    response = client_for(cast.rep).post(
        reverse("lead_create"), {"last_name": "Lefebvre", "source": source.pk}
    )

    assert response.status_code == 302
    assert Lead.objects.get(last_name="Lefebvre").source == source


def test_every_list_of_the_registry_has_a_working_dialog(cast):
    client = client_for(cast.admin)

    for kind in REFERENCE_KINDS:
        response = client.get(reverse("reference_create", args=[kind]))
        assert response.status_code == 200, kind


# The dialog's endpoint ------------------------------------------------------------------------------


def test_the_dialog_has_a_heading_and_the_fields_of_a_tag(cast):
    response = client_for(cast.rep).get(reverse("reference_create", args=["tags"]))

    page = response.content.decode()
    assert '<h2 id="quick-create-title">Nouvelle étiquette</h2>' in page
    assert list(response.context["form"].fields) == ["name", "colour"]
    assert 'type="color"' in page


def test_a_new_source_is_created_and_announced_to_the_page(cast):
    response = post_new(client_for(cast.rep), "sources", name=" Salon  Batimat ")

    source = LeadSource.objects.get(name="Salon Batimat")
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Trigger"]) == {
        "referenceCreated": {"id": source.pk, "label": "Salon Batimat"}
    }


def test_a_new_tag_gets_its_colour(cast):
    response = post_new(client_for(cast.rep), "tags", name="Grand compte", colour="#1a7f37")

    assert response.status_code == 204
    assert Tag.objects.get(name="Grand compte").colour == "#1a7f37"


def test_a_new_event_category_is_announced_with_its_type(cast):
    response = post_new(
        client_for(cast.manager), "event-categories", name="Salon Batimat", type="event", code="EVENT_BATIMAT"
    )

    category = EventCategory.objects.get(code="EVENT_BATIMAT")
    assert json.loads(response.headers["HX-Trigger"])["referenceCreated"] == {
        "id": category.pk,
        "label": "Salon Batimat (événement)",
    }


def test_a_duplicate_name_shows_the_error_in_the_dialog_and_creates_nothing(cast):
    LeadSource.objects.create(name="Salon Batimat")

    response = post_new(client_for(cast.rep), "sources", name="  salon BATIMAT ")

    assert response.status_code == 400
    assert "HX-Trigger" not in response.headers
    assert response.context["form"].errors == {
        "name": [french("“%(name)s” is already in this list.") % {"name": "Salon Batimat"}]
    }
    assert "«\u00a0Salon Batimat\u00a0» est déjà dans cette liste." in response.content.decode()
    assert LeadSource.objects.filter(name__icontains="batimat").count() == 1


def test_an_empty_name_shows_the_error_in_the_dialog(cast):
    count = LeadSource.objects.count()

    response = post_new(client_for(cast.rep), "sources", name="   ")

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["Ce champ est obligatoire."]}
    assert LeadSource.objects.count() == count


def test_a_bad_colour_shows_the_error_in_the_dialog(cast):
    response = post_new(client_for(cast.rep), "tags", name="Grand compte", colour="vert")

    assert response.status_code == 400
    assert response.context["form"].errors == {"colour": [french("Enter a colour as #RRGGBB.")]}
    assert not Tag.objects.filter(name="Grand compte").exists()


def test_an_unknown_list_is_404(cast):
    assert client_for(cast.admin).get("/reference/passwords/new/").status_code == 404


def test_a_rep_may_not_open_the_event_category_dialog(cast):
    client = client_for(cast.rep)

    assert client.get(reverse("reference_create", args=["event-categories"])).status_code == 403
    response = post_new(client, "event-categories", name="Salon", type="event", code="EVENT_SALON_REP")
    assert response.status_code == 403
    assert not EventCategory.objects.filter(code="EVENT_SALON_REP").exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    url = reverse("reference_create", args=["sources"])

    response = client.post(url, {"reference-name": "Salon Batimat"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('login')}?next={url}"
    assert not LeadSource.objects.filter(name="Salon Batimat").exists()


def test_a_new_lost_reason_can_be_chosen_at_once_on_the_lose_page(cast):
    lead = lead_create(user=cast.rep, fields={"last_name": "Lefebvre"})
    client = client_for(cast.rep)
    post_new(client, "lost-reasons", name="Projet reporté")
    reason = LostReason.objects.get(name="Projet reporté")

    response = client.post(reverse("lead_lose", args=[lead.pk]), {"reason": reason.pk})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.lost_reason == reason


def test_archived_reference_data_is_offered_only_to_the_records_that_have_it(cast):
    from leads.services import lead_create

    old, current = LeadSource.objects.create(name="Annuaire papier", active=False), LeadSource.objects.first()
    client = client_for(cast.rep)
    new_form = client.get(reverse("lead_create")).context["form"]
    assert old not in new_form.fields["source"].queryset
    assert f'value="{old.pk}"' not in str(new_form["source"])
    lead = lead_create(user=cast.rep, fields={"last_name": "Ancien", "source": old})
    edit_form = client.get(reverse("lead_update", args=[lead.pk])).context["form"]
    assert {old, current} <= set(edit_form.fields["source"].queryset)
    assert f'value="{old.pk}"' in str(edit_form["source"])
