"""Cell renderers of the record lists: each turns a record into the HTML of one table cell.

Python, not a template per cell: a page of 100 rows and 12 columns renders 1,200 cells.
"""

import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Render = Callable[[Any], SafeString | str]


def value_at(record: Any, path: str) -> Any:
    """The value at a dotted attribute path ("third_party.name"); None past a missing link."""
    value = record
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value() if inspect.ismethod(value) else value  # get_size_display and the like


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def text(path: str) -> Render:
    return lambda record: format_html("{}", _text(value_at(record, path)))


def upper_name(record: Any) -> str:
    """A person as the French write it in lists: DUPONT Marie."""
    return " ".join(part for part in (record.last_name.upper(), record.first_name) if part)


def link(label: Callable[[Any], str]) -> Render:
    """The record itself, linked to its page."""
    return lambda record: format_html('<a href="{}">{}</a>', record.get_absolute_url(), label(record))


def key_account_link(label: Callable[[Any], str]) -> Render:
    """The record linked to its page, with a star badge for key accounts."""
    linked = link(label)

    def render(record: Any) -> SafeString:
        if not record.is_key_account:
            return format_html("{}", linked(record))
        return format_html('{} <span class="badge" title="{}">★</span>', linked(record), _("Key account"))

    return render


def related_link(path: str, *, visible: str = "") -> Render:
    """A related record linked to its page; only its name when the `visible` flag is false."""

    def render(record: Any) -> SafeString | str:
        related = value_at(record, path)
        if related is None:
            return ""
        if visible and not getattr(record, visible):
            return format_html("{}", related)
        return format_html('<a href="{}">{}</a>', related.get_absolute_url(), related)

    return render


def short_date(path: str) -> Render:
    def render(record: Any) -> str:
        value = value_at(record, path)
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return ""

    return render


def amount(path: str, currency_path: str = "currency") -> Render:
    def render(record: Any) -> str:
        value = value_at(record, path)
        if value is None:
            return ""
        return format_html("{} {}", floatformat(value, "2g"), _text(value_at(record, currency_path)))

    return render


def percent(path: str) -> Render:
    return lambda record: format_html("{} %", _text(value_at(record, path)))


def status_chip(path: str = "status") -> Render:
    def render(record: Any) -> SafeString | str:
        status = value_at(record, path)
        if status is None:
            return ""
        return format_html('<span class="chip" style="background: {}">{}</span>', status.colour, status.label)

    return render


def stars(path: str = "scoring") -> Render:
    def render(record: Any) -> SafeString:
        score = value_at(record, path) or 0
        title = ngettext("%(score)d star out of 5", "%(score)d stars out of 5", score) % {"score": score}
        return format_html('<span class="stars" title="{}">{}</span>', title, "★" * score + "☆" * (5 - score))

    return render


def tags(record: Any) -> SafeString:
    """The record's tags as coloured chips (prefetch `tags`)."""
    chips = format_html_join(
        "",
        '<span class="chip" style="background: {}">{}</span>',
        ((tag.colour, tag.name) for tag in record.tags.all()),
    )
    return format_html('<span class="chips">{}</span>', chips) if chips else SafeString("")


def _contact_link(path: str, *, scheme: str, refused_flag: str) -> Render:
    """A phone number or an e-mail address, linked unless the person refused that channel."""

    def render(record: Any) -> SafeString | str:
        address = value_at(record, path)
        if not address:
            return ""
        if getattr(record, refused_flag, False):
            return format_html("{}", address)
        return format_html('<a href="{}:{}">{}</a>', scheme, address, address)

    return render


def phone(path: str) -> Render:
    return _contact_link(path, scheme="tel", refused_flag="do_not_call")


def email(path: str = "email") -> Render:
    return _contact_link(path, scheme="mailto", refused_flag="do_not_email")


def joined(*paths: str, separator: str = " ") -> Render:
    """Several short values in one cell, e.g. postcode and city."""

    def render(record: Any) -> SafeString:
        values = (_text(value_at(record, path)) for path in paths)
        return format_html("{}", separator.join(value for value in values if value))

    return render


def comma_list(path: str) -> Render:
    """A list of short texts, e.g. a third party's types."""
    return lambda record: format_html("{}", ", ".join(str(item) for item in value_at(record, path) or ()))
