"""Upload checks by content, never by name (SPEC §9): a PDF must be a readable PDF, a logo a real
PNG, JPEG, GIF or WebP image, and both must stay under CRM_MAX_UPLOAD_MB."""

from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from .models import LOGO_FORMATS

DEFAULT_MAX_UPLOAD_MB = 10
# The PDF trailer ("%%EOF") must be near the end; readers look in the last kilobyte.
PDF_TRAILER_WINDOW = 1024


def max_upload_bytes() -> int:
    return int(float(getattr(settings, "CRM_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)


def validate_upload_size(file: IO[bytes]) -> None:
    limit = max_upload_bytes()
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
    if size > limit:
        raise ValidationError(
            _("This file is too large (%(size)s): the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def validate_pdf(file: IO[bytes]) -> None:
    """A PDF document: the "%PDF-" header, the "%%EOF" trailer, and a structure pypdf can read."""
    validate_upload_size(file)
    try:
        file.seek(0)
        if file.read(5) != b"%PDF-":
            raise ValidationError(_("This file is not a PDF document."), code="not_pdf")
        size = file.seek(0, 2)
        file.seek(max(0, size - PDF_TRAILER_WINDOW))
        if b"%%EOF" not in file.read():
            raise ValidationError(_("This PDF document is incomplete or damaged."), code="damaged_pdf")
        file.seek(0)
        if not _pdf_is_readable(file):
            raise ValidationError(_("This PDF document is incomplete or damaged."), code="damaged_pdf")
    finally:
        file.seek(0)


def _pdf_is_readable(file: IO[bytes]) -> bool:
    try:
        reader = PdfReader(file, strict=False)
        # An encrypted document's pages cannot be counted without its password; its structure was read.
        return reader.is_encrypted or len(reader.pages) > 0
    except Exception:  # noqa: BLE001 - whatever pypdf trips on, the document is unusable
        return False


def validate_logo(file: IO[bytes]) -> str:
    """A PNG, JPEG, GIF or WebP image, checked by Pillow; returns the format Pillow found ("PNG"…)."""
    validate_upload_size(file)
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format or ""
            image.verify()
    except Exception as error:  # noqa: BLE001 - not an image, a truncated one, a decompression bomb…
        raise ValidationError(_("This file is not an image."), code="not_image") from error
    finally:
        file.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("This image format is not accepted: use a PNG, JPEG, GIF or WebP image."), code="image_format"
        )
    return image_format
