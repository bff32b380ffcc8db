"""Demo catalogs for `manage.py seed_demo` (crm.demo), in the default set only.

Turns "manage catalogs" on and uploads two catalogs as the sales manager would: a real PDF brochure
(catalogs/demo_catalog.html rendered by crm.pdf, a title page and a price table) and a real PNG logo
drawn with Pillow, checked by catalogs.validators and stored by catalogs.services like any upload.
Catalogs and types already present (by name) are left alone: running the step again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from crm.models import CrmSettings
from crm.pdf import render_pdf

from .models import Catalog, CatalogType
from .services import catalog_create, catalog_type_save
from .validators import validate_logo, validate_pdf

if TYPE_CHECKING:
    from crm.demo import DemoRun

PRODUCTS_TYPE = "Catalogue produits"
SERVICES_TYPE = "Offre de services"
LOGO_SIZE = 256
FONT_PATHS = ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class _DemoCatalog:
    name: str
    type_name: str
    description: str
    kind: str
    subtitle: str
    table_title: str
    intro: str
    colour: str
    initials: str
    company: int  # which of the demo companies publishes it (run.cast.companies)
    contact: str
    items: tuple[tuple[str, str, str, Decimal], ...]  # reference, label, unit, price excluding VAT


CATALOGS = (
    _DemoCatalog(
        name="Catalogue produits 2026",
        type_name=PRODUCTS_TYPE,
        description="Toute la gamme 2026 : outillage, équipements de protection et consommables, avec les prix HT.",
        kind="Catalogue",
        subtitle="Outillage, protection et consommables pour l'industrie",
        table_title="Nos produits",
        intro="Une sélection de nos références les plus demandées, livrables sous 48 heures en France métropolitaine.",
        colour="#1d5fbf",
        initials="DI",
        company=0,
        contact="12 rue de l'Industrie, 69007 Lyon · 04 72 00 00 00 · contact@dupont-industrie.fr",
        items=(
            ("OUT-1001", "Perceuse-visseuse sans fil 18 V, 2 batteries", "pièce", Decimal("189.00")),
            ("OUT-1024", "Coffret de 108 embouts et douilles", "coffret", Decimal("64.50")),
            ("OUT-1130", "Meuleuse d'angle 125 mm, 1 200 W", "pièce", Decimal("119.90")),
            ("EPI-2010", "Gants de manutention anti-coupure (lot de 12 paires)", "lot", Decimal("54.00")),
            ("EPI-2045", "Lunettes de protection panoramiques", "pièce", Decimal("8.90")),
            ("EPI-2102", "Casque antibruit SNR 33 dB", "pièce", Decimal("27.40")),
            ("CON-3001", "Disques à tronçonner inox 125 mm (boîte de 25)", "boîte", Decimal("31.75")),
            ("CON-3050", "Forets métal HSS de 1 à 10 mm (jeu de 19)", "jeu", Decimal("22.60")),
            ("STK-4010", "Armoire d'atelier 2 portes, 4 étagères", "pièce", Decimal("1249.00")),
        ),
    ),
    _DemoCatalog(
        name="Offre services",
        type_name=SERVICES_TYPE,
        description="Installation, maintenance et formation : nos prestations et leurs tarifs.",
        kind="Offre de services",
        subtitle="Installation, maintenance et formation sur site",
        table_title="Nos prestations",
        intro="Des interventions par nos techniciens certifiés, partout en France, avec un interlocuteur unique.",
        colour="#0f7b6c",
        initials="DS",
        company=1,
        contact="45 allée des Services, 31000 Toulouse · 05 61 00 00 00 · contact@dupont-services.fr",
        items=(
            ("SRV-0100", "Audit de l'atelier et recommandations", "jour", Decimal("850.00")),
            (
                "SRV-0210",
                "Installation et mise en service d'un poste de travail",
                "forfait",
                Decimal("420.00"),
            ),
            ("SRV-0300", "Contrat de maintenance préventive (2 visites par an)", "an", Decimal("1980.00")),
            ("SRV-0320", "Intervention curative sous 24 heures", "intervention", Decimal("290.00")),
            (
                "FOR-0500",
                "Formation sécurité au poste de travail (8 personnes)",
                "session",
                Decimal("1150.00"),
            ),
            ("FOR-0520", "Formation à l'utilisation des équipements", "demi-journée", Decimal("480.00")),
        ),
    ),
)


def seed_catalogs(run: DemoRun) -> None:
    """Two catalog types and two catalogs with their PDF and logo; the default set only."""
    if not run.default_set:
        return
    settings = CrmSettings.load()
    if not settings.manage_catalogs:
        settings.manage_catalogs = True
        settings.save(update_fields=["manage_catalogs"])
    user = run.cast.manager  # "Sales manager" may upload catalogs and keep their types
    types: dict[str, CatalogType] = {}
    types_created = catalogs_created = 0
    for spec in CATALOGS:
        if spec.type_name not in types:
            catalog_type = CatalogType.objects.filter(name=spec.type_name).first()
            if catalog_type is None:
                catalog_type = catalog_type_save(user=user, name=spec.type_name)
                types_created += 1
            types[spec.type_name] = catalog_type
        if Catalog.objects.filter(name=spec.name).exists():
            continue
        pdf = ContentFile(_brochure(spec, company=run.cast.companies[spec.company].name), name="catalog.pdf")
        logo = ContentFile(_logo(spec.initials, spec.colour), name="logo.png")
        validate_pdf(pdf)  # the checks of an upload: the demo files are what a user could upload
        validate_logo(logo)
        catalog_create(
            user=user,
            fields={
                "name": spec.name,
                "type": types[spec.type_name],
                "description": spec.description,
                "pdf_file": pdf,
                "logo": logo,
            },
        )
        catalogs_created += 1
    run.created["catalog types"] = types_created
    run.created["catalogs"] = catalogs_created


def _brochure(spec: _DemoCatalog, *, company: str) -> bytes:
    context = {
        "title": spec.name,
        "kind": spec.kind,
        "subtitle": spec.subtitle,
        "company": company,
        "contact": spec.contact,
        "colour": spec.colour,
        "table_title": spec.table_title,
        "intro": spec.intro,
        "items": [
            {"reference": reference, "label": label, "unit": unit, "price": _euros(price)}
            for reference, label, unit, price in spec.items
        ],
    }
    return render_pdf("catalogs/demo_catalog.html", context, language="fr")


def _euros(amount: Decimal) -> str:
    """1249.00 → "1 249,00 €" (French grouping with non-breaking spaces)."""
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0€"


def _logo(initials: str, colour: str) -> bytes:
    """A coloured disc with white initials, as a PNG."""
    image = Image.new("RGBA", (LOGO_SIZE, LOGO_SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    margin = LOGO_SIZE // 16
    draw.ellipse((margin, margin, LOGO_SIZE - margin, LOGO_SIZE - margin), fill=colour)
    font = _font(LOGO_SIZE * 3 // 8)
    centre = LOGO_SIZE / 2
    draw.text((centre, centre), initials, fill="white", font=font, anchor="mm")
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)
