"""PDF documents rendered from Django templates by WeasyPrint, offline.

A print template links its stylesheets and images by paths relative to the static files
(`<link rel="stylesheet" href="css/print.css">`): the document's base URL stands for the static
files, and the fetcher reads them from disk. Every other URL is refused, so that rendering never
touches the network whatever a record's fields contain. Fonts come from the system (DejaVu).
"""

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A reserved top-level domain (RFC 2606): the name is never resolved, it only marks static files.
STATIC_BASE_URL = "https://static.invalid/"


class ResourceRefused(ValueError):
    """A document asked for something other than one of the app's static files."""


class StaticFilesFetcher(URLFetcher):
    """Serves the app's static files from disk (through the staticfiles finders); refuses the rest."""

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE_URL):
            raise ResourceRefused(f"Only the app's static files can be used in a PDF, not {url!r}.")
        relative_path = unquote(urlsplit(url).path).lstrip("/")
        path = _find_static_file(relative_path)
        if path is None:
            raise ResourceRefused(f"No static file {relative_path!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def _find_static_file(relative_path: str) -> Path | None:
    if not relative_path:
        return None
    try:
        found = finders.find(relative_path)
    except SuspiciousFileOperation:  # "../" and the like: outside the static folders
        return None
    if not isinstance(found, str):
        return None
    path = Path(found)
    return path if path.is_file() else None


def render_pdf(template_name: str, context: Mapping[str, Any], *, language: str) -> bytes:
    """The template rendered in `language` (labels, dates, numbers, statuses), as PDF bytes."""
    with translation.override(language):
        html = render_to_string(template_name, dict(context))
        document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher())
        pdf: bytes = document.write_pdf()
    return pdf
