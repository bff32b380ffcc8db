"""Catalog pages, uploads checked by content, and the files served behind the login and the setting."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from catalogs.models import Catalog, CatalogType
from catalogs.services import catalog_create, catalog_update
from crm.models import CrmSettings
from crm.workflow import WorkflowRefused
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "#1d5fbf").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(content: bytes | None = None, name: str = "catalogue.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


def png_upload(content: bytes | None = None, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, "image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def catalogs_on(db) -> None:
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})


@pytest.fixture
def spring(cast, catalogs_on) -> Catalog:
    brochures = CatalogType.objects.create(name="Brochures")
    return catalog_create(
        user=cast.manager,
        fields={
            "name": "Printemps 2026",
            "type": brochures,
            "description": "Nos nouveautés",
            "pdf_file": pdf_upload(),
            "logo": png_upload(),
        },
    )


def english_client(user) -> Client:
    client = client_for(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_errors(response, field: str) -> list[str]:
    with translation.override("en"):
        return [str(error) for error in response.context["form"].errors[field]]


def create(client: Client, **files: SimpleUploadedFile):
    return client.post(reverse("catalog_create"), {"name": "Été 2026", "description": "", **files})


def test_catalog_pages_answer_404_with_a_message_while_catalogs_are_off(cast):
    client = english_client(cast.admin)
    urls = [
        reverse("catalog_cards"),
        reverse("catalog_list"),
        reverse("catalog_create"),
        reverse("catalog_type_list"),
        reverse("catalog_recipient_lookup"),
    ]
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [404] * 5
    assert "Catalogs are not enabled." in responses[0].content.decode()


def test_the_menu_shows_catalogs_only_when_they_are_enabled(cast):
    client = english_client(cast.rep)
    off = client.get(reverse("contact_list")).content.decode()
    CrmSettings.objects.update_or_create(pk=1, defaults={"manage_catalogs": True})
    on = client.get(reverse("contact_list")).content.decode()
    link = f'<a href="{reverse("catalog_cards")}">All catalogs</a>'
    assert (link in off, link in on) == (False, True)
    assert f'<a href="{reverse("sent_email_list")}">Sent e-mails</a>' in off


def test_a_real_pdf_and_png_logo_are_accepted_and_stored_under_generated_names(cast, catalogs_on, media_root):
    response = create(
        client_for(cast.manager), pdf_file=pdf_upload(name="../../etc/passwd.pdf"), logo=png_upload()
    )
    catalog = Catalog.objects.get()
    assert (response.status_code, response.url) == (302, reverse("catalog_cards"))
    assert (catalog.name, catalog.created_by) == ("Été 2026", cast.manager)
    assert catalog.pdf_file.name.startswith("catalogs/") and catalog.pdf_file.name.endswith(".pdf")
    assert catalog.logo.name.startswith("catalogs/logos/") and catalog.logo.name.endswith(".png")
    assert "passwd" not in catalog.pdf_file.name
    assert (media_root / catalog.pdf_file.name).read_bytes() == pdf_bytes()
    assert (media_root / catalog.logo.name).read_bytes() == png_bytes()


def test_a_jpeg_named_png_is_stored_with_the_extension_of_its_content(cast, catalogs_on):
    buffer = BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    create(
        client_for(cast.manager), pdf_file=pdf_upload(), logo=png_upload(buffer.getvalue(), name="logo.png")
    )
    catalog = Catalog.objects.get()
    assert (catalog.logo.name.endswith(".jpg"), catalog.logo_content_type) == (True, "image/jpeg")


def test_a_png_renamed_to_pdf_is_refused_and_nothing_is_saved(cast, catalogs_on, media_root):
    response = create(
        english_client(cast.manager),
        pdf_file=pdf_upload(png_bytes(), name="catalogue.pdf"),
        logo=png_upload(),
    )
    assert (response.status_code, form_errors(response, "pdf_file")) == (
        400,
        ["This file is not a PDF document."],
    )
    assert (Catalog.objects.count(), list(media_root.rglob("*.*"))) == (0, [])


def test_a_truncated_pdf_is_refused(cast, catalogs_on):
    response = create(english_client(cast.manager), pdf_file=pdf_upload(pdf_bytes()[:200]))
    assert (response.status_code, form_errors(response, "pdf_file")) == (
        400,
        ["This PDF document is incomplete or damaged."],
    )


def test_a_pdf_header_and_trailer_around_garbage_is_refused(cast, catalogs_on):
    response = create(
        english_client(cast.manager), pdf_file=pdf_upload(b"%PDF-1.7\nnot a pdf at all\n%%EOF\n")
    )
    assert form_errors(response, "pdf_file") == ["This PDF document is incomplete or damaged."]


def test_a_text_file_renamed_to_png_is_refused_as_logo(cast, catalogs_on, media_root):
    response = create(
        english_client(cast.manager),
        pdf_file=pdf_upload(),
        logo=png_upload(b"just some text, not an image\n", name="logo.png"),
    )
    assert (response.status_code, form_errors(response, "logo")) == (400, ["This file is not an image."])
    assert (Catalog.objects.count(), list(media_root.rglob("*.*"))) == (0, [])


def test_an_image_in_another_format_is_refused_as_logo(cast, catalogs_on):
    buffer = BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "BMP")
    response = create(english_client(cast.manager), pdf_file=pdf_upload(), logo=png_upload(buffer.getvalue()))
    assert form_errors(response, "logo") == [
        "This image format is not accepted: use a PNG, JPEG, GIF or WebP image."
    ]


def test_an_oversize_file_is_refused(cast, catalogs_on, settings):
    settings.CRM_MAX_UPLOAD_MB = 0.0005  # 524 bytes
    response = create(
        english_client(cast.manager), pdf_file=pdf_upload(pdf_bytes(pages=3)), logo=png_upload()
    )
    assert (response.status_code, form_errors(response, "pdf_file"), Catalog.objects.count()) == (
        400,
        ["This file is too large (671\xa0bytes): the limit is 524\xa0bytes."],
        0,
    )


def test_a_rep_may_not_upload_a_catalog(cast, catalogs_on):
    client = client_for(cast.rep)
    responses = [client.get(reverse("catalog_create")), create(client, pdf_file=pdf_upload())]
    assert ([response.status_code for response in responses], Catalog.objects.count()) == ([403, 403], 0)
    with pytest.raises(WorkflowRefused):
        catalog_create(user=cast.rep, fields={"name": "Été", "pdf_file": pdf_upload()})


def test_replacing_the_pdf_deletes_the_old_file_once_saved(
    cast, spring, media_root, django_capture_on_commit_callbacks
):
    old_path = media_root / spring.pdf_file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.manager).post(
            reverse("catalog_update", args=[spring.pk]),
            {"name": "Printemps 2026", "type": spring.type_id, "pdf_file": pdf_upload(pdf_bytes(pages=2))},
        )
    spring.refresh_from_db()
    assert (response.status_code, old_path.exists(), (media_root / spring.pdf_file.name).read_bytes()) == (
        302,
        False,
        pdf_bytes(pages=2),
    )
    assert spring.logo  # the logo was not touched


def test_removing_the_logo_keeps_the_pdf(cast, spring, media_root, django_capture_on_commit_callbacks):
    logo_path = media_root / spring.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        catalog_update(catalog=spring, user=cast.manager, fields={"logo": False})
    spring.refresh_from_db()
    assert (spring.logo.name, logo_path.exists(), bool(spring.pdf_file)) == ("", False, True)


def test_show_pdf_serves_it_inline_and_the_download_as_an_attachment(cast, spring):
    client = client_for(cast.rep)
    shown = client.get(reverse("catalog_pdf", args=[spring.pk]))
    downloaded = client.get(reverse("catalog_download", args=[spring.pk]))
    assert (shown.status_code, shown["Content-Type"], shown["Content-Disposition"]) == (
        200,
        "application/pdf",
        'inline; filename="printemps-2026.pdf"',
    )
    assert (downloaded["Content-Disposition"], b"".join(downloaded.streaming_content)) == (
        'attachment; filename="printemps-2026.pdf"',
        pdf_bytes(),
    )


def test_the_logo_is_served_as_the_image_it_is(cast, spring):
    response = client_for(cast.rep).get(reverse("catalog_logo", args=[spring.pk]))
    assert (response.status_code, response["Content-Type"], b"".join(response.streaming_content)) == (
        200,
        "image/png",
        png_bytes(),
    )


def test_the_pdf_is_served_only_after_login(spring):
    response = Client().get(reverse("catalog_pdf", args=[spring.pk]))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


def test_the_pdf_is_not_served_while_catalogs_are_off(cast, spring):
    CrmSettings.objects.filter(pk=1).update(manage_catalogs=False)
    response = client_for(cast.rep).get(reverse("catalog_pdf", args=[spring.pk]))
    assert response.status_code == 404


def test_the_cards_show_the_logo_name_type_and_show_pdf(cast, spring):
    page = english_client(cast.rep).get(reverse("catalog_cards")).content.decode()
    assert f'<img src="{reverse("catalog_logo", args=[spring.pk])}"' in page
    assert "<h2>Printemps 2026</h2>" in page
    assert '<span class="chip">Brochures</span>' in page
    assert (
        f'href="{reverse("catalog_pdf", args=[spring.pk])}" target="_blank" rel="noopener">Show PDF</a>'
        in page
    )


def test_the_catalog_list_has_a_download_link_and_constant_queries(cast, catalogs_on):
    brochures = CatalogType.objects.create(name="Brochures")
    for index in range(30):
        catalog_create(
            user=cast.manager,
            fields={"name": f"Catalogue {index:02d}", "type": brochures, "pdf_file": pdf_upload()},
        )
    client = client_for(cast.rep)

    def queries(per_page):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("catalog_list"), {"per_page": per_page})
        assert len(response.context["object_list"]) == per_page
        return len(captured), response.content.decode()

    (ten, page), (twenty_five, _page) = queries(10), queries(25)
    first = Catalog.objects.get(name="Catalogue 00")
    assert ten == twenty_five
    assert f'<a href="{reverse("catalog_download", args=[first.pk])}" download>catalogue-00.pdf</a>' in page


def test_a_manager_adds_and_renames_a_catalog_type(cast, catalogs_on):
    client = client_for(cast.manager)
    client.post(reverse("catalog_type_list"), {"name": "  Tarifs   2026 "})
    catalog_type = CatalogType.objects.get()
    client.post(reverse("catalog_type_update", args=[catalog_type.pk]), {"name": "Tarifs 2027"})
    catalog_type.refresh_from_db()
    assert catalog_type.name == "Tarifs 2027"
    assert client_for(cast.rep).post(reverse("catalog_type_list"), {"name": "Autre"}).status_code == 403


def test_the_admin_lists_and_opens_catalogs(cast, spring):
    cast.admin.is_staff = True
    cast.admin.save()
    client = client_for(cast.admin)
    responses = [
        client.get(reverse("admin:catalogs_catalog_changelist")),
        client.get(reverse("admin:catalogs_catalog_change", args=[spring.pk])),
        client.get(reverse("admin:catalogs_catalogtype_changelist")),
    ]
    assert [response.status_code for response in responses] == [200, 200, 200]


def test_the_admin_refuses_a_png_renamed_to_pdf(cast, catalogs_on):
    cast.admin.is_staff = True
    cast.admin.save()
    response = english_client(cast.admin).post(
        reverse("admin:catalogs_catalog_add"), {"name": "Été", "pdf_file": pdf_upload(png_bytes())}
    )
    assert (response.status_code, form_errors_of(response.context["adminform"].form, "pdf_file")) == (
        200,
        ["This file is not a PDF document."],
    )
    assert Catalog.objects.count() == 0


def form_errors_of(form, field: str) -> list[str]:
    with translation.override("en"):
        return [str(error) for error in form.errors[field]]


def test_every_catalog_page_opens_for_a_manager(cast, spring):
    client = client_for(cast.manager)
    urls = [
        reverse("catalog_cards"),
        reverse("catalog_list"),
        reverse("catalog_create"),
        reverse("catalog_update", args=[spring.pk]),
        reverse("catalog_send", args=[spring.pk]),
        reverse("catalog_type_list"),
        reverse("catalog_type_update", args=[spring.type_id]),
    ]
    assert [client.get(url).status_code for url in urls] == [200] * 7
