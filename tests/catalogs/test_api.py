"""API of catalogs and catalog types: multipart uploads checked by content like the form, the files'
URLs, filters, role permissions, and 404 everywhere while catalogs are off."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from catalogs.models import Catalog, CatalogType
from catalogs.services import catalog_create
from crm.models import CrmSettings
from crm.pdf import render_pdf
from tests.api.conftest import api_client_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CATALOGS = "/api/v1/catalogs/"
TYPES = "/api/v1/catalog-types/"


@pytest.fixture(scope="module")
def pdf_content() -> bytes:
    """A real PDF rendered by WeasyPrint, as the prints are (rendered once: it takes a moment)."""
    context = {
        "title": "Catalogue test",
        "kind": "Catalogue",
        "items": [{"reference": "REF-1", "label": "Perceuse", "unit": "pièce", "price": "10,00 €"}],
    }
    return render_pdf("catalogs/demo_catalog.html", context, language="fr")


def png_content(colour: str = "#1d5fbf") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (16, 16), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def catalogs_on(db) -> None:
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})


@pytest.fixture
def brochures(catalogs_on) -> CatalogType:
    return CatalogType.objects.create(name="Brochures")


@pytest.fixture
def spring(cast, brochures, pdf_content) -> Catalog:
    return catalog_create(
        user=cast.manager,
        fields={
            "name": "Printemps 2026",
            "type": brochures,
            "description": "Nos nouveautés",
            "pdf_file": upload(pdf_content, "printemps.pdf", "application/pdf"),
            "logo": upload(png_content(), "logo.png", "image/png"),
        },
    )


def english_api(user) -> APIClient:
    """An API client whose messages are in English (the product is French first)."""
    client = api_client_for(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def manager_api(cast) -> APIClient:
    return english_api(cast.manager)


@pytest.fixture
def rep_api(cast) -> APIClient:
    return english_api(cast.rep)


def post_catalog(client: APIClient, **data):
    return client.post(CATALOGS, data, format="multipart")


# --- Catalogs off ------------------------------------------------------------------------------------


def test_every_catalog_endpoint_answers_404_in_the_api_format_while_catalogs_are_off(
    cast, spring, manager_api, pdf_content
):
    CrmSettings.objects.filter(pk=1).update(manage_catalogs=False)
    responses = [
        manager_api.get(CATALOGS),
        manager_api.get(f"{CATALOGS}{spring.pk}/"),
        post_catalog(manager_api, name="Été", pdf_file=upload(pdf_content, "c.pdf", "application/pdf")),
        manager_api.patch(f"{CATALOGS}{spring.pk}/", {"name": "Autre"}, format="multipart"),
        manager_api.delete(f"{CATALOGS}{spring.pk}/"),
        manager_api.get(TYPES),
        manager_api.post(TYPES, {"name": "Tarifs"}, format="json"),
        manager_api.get(f"{TYPES}{spring.type_id}/"),
    ]
    assert [response.status_code for response in responses] == [404] * len(responses)
    for response in responses:
        assert response.json() == {"error": {"code": "not_found", "message": "Catalogs are not enabled."}}
    assert list(Catalog.objects.values_list("name", flat=True)) == ["Printemps 2026"]
    assert CatalogType.objects.count() == 1


def test_without_a_token_the_answer_is_401_even_while_catalogs_are_off(db):
    assert APIClient().get(CATALOGS).status_code == 401


# --- Reading -------------------------------------------------------------------------------------------


def test_a_rep_lists_and_retrieves_catalogs_with_the_absolute_urls_of_their_files(
    cast, spring, rep_api, pdf_content
):
    listed = rep_api.get(CATALOGS)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    response = rep_api.get(f"{CATALOGS}{spring.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert listed.json()["results"] == [body]
    assert body == {
        "id": spring.pk,
        "name": "Printemps 2026",
        "type": spring.type_id,
        "description": "Nos nouveautés",
        "pdf_url": f"http://testserver/catalogs/{spring.pk}/pdf/",
        "download_url": f"http://testserver/catalogs/{spring.pk}/download/",
        "logo_url": f"http://testserver/catalogs/{spring.pk}/logo/",
        "created_by": cast.manager.pk,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    # The URLs lead to the catalog views, behind the login: the file uploaded, never the disk path.
    web = client_for(cast.rep)
    pdf = web.get(body["pdf_url"].removeprefix("http://testserver"))
    logo = web.get(body["logo_url"].removeprefix("http://testserver"))
    assert (pdf.status_code, pdf["Content-Type"], b"".join(pdf.streaming_content)) == (
        200,
        "application/pdf",
        pdf_content,
    )
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")


def test_a_catalog_without_logo_has_no_logo_url(cast, catalogs_on, rep_api, pdf_content):
    catalog = catalog_create(
        user=cast.manager,
        fields={"name": "Sans logo", "pdf_file": upload(pdf_content, "c.pdf", "application/pdf")},
    )
    body = rep_api.get(f"{CATALOGS}{catalog.pk}/").json()
    assert (body["logo_url"], body["type"]) == (None, None)


def test_filters_on_updated_after_type_and_search_on_name(cast, spring, brochures, rep_api, pdf_content):
    prices = CatalogType.objects.create(name="Tarifs")
    autumn = catalog_create(
        user=cast.manager,
        fields={
            "name": "Automne 2026",
            "type": prices,
            "pdf_file": upload(pdf_content, "c.pdf", "application/pdf"),
        },
    )
    long_ago = timezone.now() - timedelta(days=30)
    Catalog.objects.filter(pk=spring.pk).update(updated_at=long_ago)

    def names(**params) -> list[str]:
        response = rep_api.get(CATALOGS, params)
        assert response.status_code == 200, response.json()
        return [catalog["name"] for catalog in response.json()["results"]]

    assert names() == ["Automne 2026", "Printemps 2026"]
    assert names(updated_after=(long_ago + timedelta(days=1)).isoformat()) == ["Automne 2026"]
    assert names(updated_after=(long_ago - timedelta(days=1)).isoformat()) == [
        "Automne 2026",
        "Printemps 2026",
    ]
    assert names(type=brochures.pk) == ["Printemps 2026"]
    assert names(type=prices.pk, updated_after=long_ago.isoformat()) == [autumn.name]
    assert names(search="printemps") == ["Printemps 2026"]
    bad = rep_api.get(CATALOGS, {"updated_after": "yesterday"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "validation_error")


# --- Writing -------------------------------------------------------------------------------------------


def test_a_manager_uploads_a_catalog_with_a_real_pdf_and_png(
    cast, brochures, manager_api, media_root, pdf_content
):
    logo = png_content()
    response = post_catalog(
        manager_api,
        name="Été 2026",
        type=brochures.pk,
        description="Nouveautés de l'été",
        pdf_file=upload(pdf_content, "../../etc/passwd.pdf", "application/pdf"),
        logo=upload(logo, "photo.jpg", "image/jpeg"),  # a PNG whatever its name says
    )
    assert response.status_code == 201, response.json()
    catalog = Catalog.objects.get()
    body = response.json()
    assert body["id"] == catalog.pk and body["name"] == "Été 2026" and body["type"] == brochures.pk
    assert body["pdf_url"] == f"http://testserver/catalogs/{catalog.pk}/pdf/"
    assert body["logo_url"] == f"http://testserver/catalogs/{catalog.pk}/logo/"
    assert "pdf_file" not in body and "logo" not in body  # storage paths are never shown
    assert (catalog.created_by, catalog.description) == (cast.manager, "Nouveautés de l'été")
    # Stored under generated names, the logo named after its content.
    assert catalog.pdf_file.name.startswith("catalogs/") and catalog.pdf_file.name.endswith(".pdf")
    assert "passwd" not in catalog.pdf_file.name
    assert catalog.logo.name.startswith("catalogs/logos/") and catalog.logo.name.endswith(".png")
    assert (media_root / catalog.pdf_file.name).read_bytes() == pdf_content
    assert (media_root / catalog.logo.name).read_bytes() == logo


@pytest.mark.parametrize(
    ("field", "name", "content_type", "message"),
    [
        ("pdf_file", "catalogue.pdf", "application/pdf", "This file is not a PDF document."),
        ("logo", "logo.png", "image/png", "This file is not an image."),
    ],
)
def test_a_file_whose_content_does_not_match_is_refused_and_nothing_is_saved(
    cast, catalogs_on, manager_api, media_root, pdf_content, field, name, content_type, message
):
    files = {
        "pdf_file": upload(pdf_content, "catalogue.pdf", "application/pdf"),
        "logo": upload(png_content(), "logo.png", "image/png"),
    }
    # A PNG disguised as a PDF, or a PDF disguised as a PNG.
    disguised = png_content() if field == "pdf_file" else pdf_content
    files[field] = upload(disguised, name, content_type)
    response = post_catalog(manager_api, name="Déguisé", **files)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["fields"][field] == [message]
    assert not Catalog.objects.exists()
    assert stored_files(media_root) == []


def test_a_damaged_pdf_is_refused(catalogs_on, manager_api, pdf_content):
    truncated = pdf_content[: len(pdf_content) // 2]
    response = post_catalog(manager_api, name="Abîmé", pdf_file=upload(truncated, "c.pdf", "application/pdf"))
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["pdf_file"] == ["This PDF document is incomplete or damaged."]
    assert not Catalog.objects.exists()


def test_the_pdf_is_required_and_unknown_fields_are_refused(catalogs_on, manager_api, pdf_content):
    missing = post_catalog(manager_api, name="Sans PDF")
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"pdf_file"}
    unknown = post_catalog(
        manager_api,
        name="Typo",
        pdf_file=upload(pdf_content, "c.pdf", "application/pdf"),
        created_by="1",
        colour="red",
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["fields"]) == {"created_by", "colour"}
    assert not Catalog.objects.exists()


def test_catalogs_are_written_with_multipart_not_json(catalogs_on, manager_api):
    response = manager_api.post(CATALOGS, {"name": "JSON"}, format="json")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_rep_cannot_upload_change_or_delete_a_catalog(cast, spring, rep_api, media_root, pdf_content):
    before = stored_files(media_root)
    created = post_catalog(
        rep_api, name="Du commercial", pdf_file=upload(pdf_content, "c.pdf", "application/pdf")
    )
    changed = rep_api.patch(f"{CATALOGS}{spring.pk}/", {"name": "Renommé"}, format="multipart")
    deleted = rep_api.delete(f"{CATALOGS}{spring.pk}/")
    assert [created.status_code, changed.status_code, deleted.status_code] == [403, 403, 403]
    assert created.json()["error"]["code"] == "permission_denied"
    assert list(Catalog.objects.values_list("name", flat=True)) == ["Printemps 2026"]
    assert stored_files(media_root) == before


def test_a_partial_update_replaces_the_pdf_and_removes_the_replaced_file(
    cast, spring, manager_api, media_root, pdf_content, django_capture_on_commit_callbacks
):
    old_pdf, logo = spring.pdf_file.name, spring.logo.name
    new_pdf = render_pdf(
        "catalogs/demo_catalog.html", {"title": "Printemps 2026, 2e édition", "items": []}, language="fr"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.patch(
            f"{CATALOGS}{spring.pk}/",
            {"name": "Printemps 2026 (v2)", "pdf_file": upload(new_pdf, "v2.pdf", "application/pdf")},
            format="multipart",
        )
    assert response.status_code == 200, response.json()
    spring.refresh_from_db()
    assert (spring.name, spring.logo.name, spring.description) == (
        "Printemps 2026 (v2)",
        logo,
        "Nos nouveautés",
    )
    assert spring.pdf_file.name != old_pdf
    assert (media_root / spring.pdf_file.name).read_bytes() == new_pdf
    assert not (media_root / old_pdf).exists()


def test_an_empty_logo_removes_it(cast, spring, manager_api, media_root, django_capture_on_commit_callbacks):
    logo = spring.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.patch(f"{CATALOGS}{spring.pk}/", {"logo": ""}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["logo_url"] is None
    spring.refresh_from_db()
    assert not spring.logo and spring.pdf_file
    assert not (media_root / logo).exists()


def test_deleting_a_catalog_deletes_its_files(
    cast, spring, manager_api, media_root, django_capture_on_commit_callbacks
):
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.delete(f"{CATALOGS}{spring.pk}/")
    assert response.status_code == 204
    assert not Catalog.objects.exists()
    assert stored_files(media_root) == []


# --- Catalog types -------------------------------------------------------------------------------------


def test_catalog_types_crud_with_unique_names(cast, brochures, manager_api, rep_api):
    listed = rep_api.get(TYPES)
    assert listed.status_code == 200
    assert [item["name"] for item in listed.json()["results"]] == ["Brochures"]
    created = manager_api.post(TYPES, {"name": "  Fiches   techniques "}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == "Fiches techniques"
    duplicate = manager_api.post(TYPES, {"name": "Brochures"}, format="json")
    assert duplicate.status_code == 400
    assert list(duplicate.json()["error"]["fields"]) == ["name"]
    spaced = manager_api.post(TYPES, {"name": " Brochures "}, format="json")
    assert spaced.status_code == 400  # the same name once its spaces are tidied
    renamed = manager_api.patch(f"{TYPES}{brochures.pk}/", {"name": "Plaquettes"}, format="json")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Plaquettes")
    assert rep_api.post(TYPES, {"name": "Du commercial"}, format="json").status_code == 403
    assert sorted(CatalogType.objects.values_list("name", flat=True)) == ["Fiches techniques", "Plaquettes"]


def test_a_type_in_use_cannot_be_deleted(cast, spring, manager_api):
    admin_api = english_api(cast.admin)
    assert manager_api.delete(f"{TYPES}{spring.type_id}/").status_code == 403  # managers do not delete types
    in_use = admin_api.delete(f"{TYPES}{spring.type_id}/")
    assert (in_use.status_code, in_use.json()["error"]["code"]) == (409, "conflict")
    unused = CatalogType.objects.create(name="Inutilisé")
    assert admin_api.delete(f"{TYPES}{unused.pk}/").status_code == 204
    assert list(CatalogType.objects.values_list("name", flat=True)) == ["Brochures"]
