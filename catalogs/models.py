"""Catalogs (SPEC §2.5, §5.4): a PDF brochure with a logo, of a catalog type, sent to contacts by e-mail.

The files live under MEDIA_ROOT/catalogs/ with random names chosen here (never the uploader's), and
are served by the catalogs' own views, which check the login and the "manage catalogs" setting.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# The logo formats accepted (what Pillow reports) → the file extension and content type they are served with.
LOGO_FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
LOGO_CONTENT_TYPES = {extension: content_type for extension, content_type in LOGO_FORMATS.values()}


def pdf_upload_to(instance: "Catalog", filename: str) -> str:
    return f"catalogs/{uuid.uuid4().hex}.pdf"


def logo_upload_to(instance: "Catalog", filename: str) -> str:
    # The form names the upload after the format found in its content ("logo.png"), not the user's name.
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return f"catalogs/logos/{uuid.uuid4().hex}.{extension if extension in LOGO_CONTENT_TYPES else 'bin'}"


class CatalogType(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("catalog type")
        verbose_name_plural = _("catalog types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Catalog(models.Model):
    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        CatalogType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogs",
        verbose_name=_("catalog type"),
    )
    description = models.TextField(_("description"), blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_upload_to, max_length=200, blank=True)
    pdf_file = models.FileField(_("PDF file"), upload_to=pdf_upload_to, max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("catalog")
        verbose_name_plural = _("catalogs")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["type", "name"], name="catalog_type_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def download_name(self) -> str:
        """The PDF's name for the person downloading it or receiving it by e-mail."""
        return f"{slugify(self.name) or 'catalog'}.pdf"

    @property
    def logo_content_type(self) -> str:
        extension = PurePath(self.logo.name or "").suffix.lower().lstrip(".")
        return LOGO_CONTENT_TYPES.get(extension, "application/octet-stream")
