"""Writes of the reports app: a user's chart order and list columns, checked against the registry."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.models import User

from .models import ReportLayout
from .registry import report_charts, report_or_none


def report_layout_save_charts(*, user: User, report: str, chart_keys: list[str]) -> ReportLayout:
    """Remember the order of the report's charts for this user; unknown or repeated keys are refused."""
    known = [chart.key for chart in report_charts(report)]
    if not known:
        raise ValidationError(_("There is no such report."), code="unknown_report")
    _check_keys(chart_keys, known, unknown_message=_("Unknown charts: %(keys)s."))
    return _save(user=user, report=report, chart_order=chart_keys)


def report_layout_save_columns(*, user: User, report: str, columns: list[str]) -> ReportLayout:
    """Remember the extra columns of the report's list for this user; unknown or repeated keys are refused."""
    definition = report_or_none(report)
    if definition is None:
        raise ValidationError(_("There is no such report."), code="unknown_report")
    _check_keys(
        columns, definition.record_list.extra_column_keys(), unknown_message=_("Unknown columns: %(keys)s.")
    )
    return _save(user=user, report=report, list_columns=columns)


def _check_keys(keys: list[str], known: list[str], *, unknown_message: str) -> None:
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(unknown_message % {"keys": ", ".join(unknown)}, code="unknown_keys")
    if len(set(keys)) != len(keys):
        raise ValidationError(_("The same key appears twice."), code="repeated_keys")


def _save(*, user: User, report: str, **fields: list[str]) -> ReportLayout:
    layout, _created = ReportLayout.objects.update_or_create(user=user, report=report, defaults=fields)
    return layout
