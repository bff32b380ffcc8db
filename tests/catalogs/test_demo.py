"""The demo catalogs of `manage.py seed_demo`: real files stored like uploads, in the default set only."""

import random
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from catalogs.demo import seed_catalogs
from catalogs.models import Catalog, CatalogType
from catalogs.validators import validate_logo, validate_pdf
from crm import demo
from crm.demo import DemoRun, seed_users
from crm.models import CrmSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def demo_run(*, default_set: bool = True) -> DemoRun:
    return DemoRun(
        cast=seed_users(),
        size=demo.DEFAULT_SIZE if default_set else 5,
        default_set=default_set,
        rng=random.Random(demo.DEFAULT_SEED),
        log=lambda message: None,
    )


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_the_step_runs_last_in_the_demo():
    assert demo.STEPS[-1] == "catalogs.demo.seed_catalogs"


def test_the_default_set_turns_catalogs_on_with_two_catalogs_of_real_files(media_root):
    run = demo_run()
    seed_catalogs(run)

    assert CrmSettings.load().manage_catalogs
    assert CatalogType.objects.count() == 2
    catalogs = list(Catalog.objects.select_related("type").order_by("name"))
    assert [catalog.name for catalog in catalogs] == ["Catalogue produits 2026", "Offre services"]
    assert run.created["catalogs"] == 2 and run.created["catalog types"] == 2
    for catalog in catalogs:
        assert catalog.type is not None and catalog.description
        assert catalog.created_by == run.cast.manager
        # Stored as uploads are: generated names under catalogs/, the logo named after its content.
        assert catalog.pdf_file.name.startswith("catalogs/") and catalog.pdf_file.name.endswith(".pdf")
        assert catalog.logo.name.startswith("catalogs/logos/") and catalog.logo.name.endswith(".png")
        pdf = (media_root / catalog.pdf_file.name).read_bytes()
        logo = (media_root / catalog.logo.name).read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert logo.startswith(b"\x89PNG\r\n\x1a\n")
        # The same checks as an upload, and a title page plus the table of products.
        with catalog.pdf_file.open("rb") as file:
            validate_pdf(file)
        with catalog.logo.open("rb") as file:
            assert validate_logo(file) == "PNG"
        reader = PdfReader(BytesIO(pdf))
        assert len(reader.pages) == 2
        text = " ".join(page.extract_text() for page in reader.pages)
        assert catalog.name in text and "Prix HT" in text and "€" in text
        with Image.open(BytesIO(logo)) as image:
            assert image.size == (256, 256)
    assert len(stored_files(media_root)) == 4


def test_a_second_run_adds_nothing(media_root):
    seed_catalogs(demo_run())
    before = (
        list(Catalog.objects.values_list("pk", "pdf_file", "logo")),
        list(CatalogType.objects.values_list("pk", "name")),
        stored_files(media_root),
    )
    run = demo_run()
    seed_catalogs(run)
    after = (
        list(Catalog.objects.values_list("pk", "pdf_file", "logo")),
        list(CatalogType.objects.values_list("pk", "name")),
        stored_files(media_root),
    )
    assert after == before
    assert run.created["catalogs"] == 0 and run.created["catalog types"] == 0


def test_runs_with_a_size_add_no_catalogs(media_root):
    run = demo_run(default_set=False)
    seed_catalogs(run)
    assert not Catalog.objects.exists() and not CatalogType.objects.exists()
    assert not CrmSettings.load().manage_catalogs
    assert "catalogs" not in run.created
    assert stored_files(media_root) == []


def test_seed_demo_creates_the_catalogs_once(media_root):
    call_command("seed_demo", stdout=StringIO())
    assert Catalog.objects.count() == 2 and CrmSettings.load().manage_catalogs
    files = stored_files(media_root)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--size", "2", stdout=StringIO())
    assert Catalog.objects.count() == 2 and CatalogType.objects.count() == 2
    assert stored_files(media_root) == files
