"""Report pages: the dashboard of charts with its filters and list, chart exports, the saved layout."""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.web.http import AuthenticatedRequest

from . import selectors
from .exports import CONTENT_TYPES, EXPORTERS
from .filters import ReportFilterForm
from .lists import ListColumn
from .models import ReportLayout
from .presentation import ChartCard
from .registry import Report, available_reports, chart_or_none, report_or_none
from .services import report_layout_save_charts, report_layout_save_columns

COLUMNS_PARAMETER = "columns"


def _report_or_404(key: str) -> Report:
    report = report_or_none(key)
    if report is None:
        raise Http404
    return report


def _filter_form(request: AuthenticatedRequest) -> ReportFilterForm:
    """Bound to the filter parameters of the query string, unbound (no filter) when there are none."""
    data = _filter_params(request.GET)
    return ReportFilterForm(data or None, user=request.user)


def _filter_params(query: QueryDict) -> QueryDict:
    params = QueryDict(mutable=True)
    for name in ReportFilterForm.FIELD_NAMES:
        if name in query:
            params[name] = query.get(name) or ""
    return params


@require_GET
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"reports": available_reports()})


@require_GET
def report_detail(request: AuthenticatedRequest, report: str) -> HttpResponse:
    definition = _report_or_404(report)
    form = _filter_form(request)
    filters = form.filters()
    layout = selectors.report_layout(user=request.user, report=report)
    extra_columns = _list_columns(request, definition, layout)
    cards = [
        ChartCard(chart, chart.figure(user=request.user, filters=filters))
        for chart in selectors.ordered_charts(layout=layout)
    ]
    record_list = definition.record_list
    records = record_list.page_queryset(user=request.user, filters=filters, extra=extra_columns)
    page = Paginator(records, settings.CRM_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [*record_list.columns, *extra_columns]
    filter_query = _filter_params(request.GET).urlencode()
    context = {
        "report": definition,
        "reports": available_reports(),
        "form": form,
        "cards": cards,
        "chart_data": {card.chart.key: card.payload() for card in cards},
        "filter_query": filter_query,
        "filter_params": list(_filter_params(request.GET).items()),
        "record_list": record_list,
        "columns": columns,
        "chosen_keys": [column.key for column in extra_columns],
        "page": page,
        "rows": [[column.cell(record) for column in columns] for record in page],
    }
    return render(request, "reports/detail.html", context)


def _list_columns(request: AuthenticatedRequest, report: Report, layout: ReportLayout) -> list[ListColumn]:
    """The extra columns asked for in the query string (then remembered), else the remembered ones.

    The chooser always sends an empty `columns` value, so that choosing no column at all is a choice.
    """
    record_list = report.record_list
    if COLUMNS_PARAMETER not in request.GET:
        return record_list.chosen_columns(layout.list_columns)
    chosen = record_list.chosen_columns(request.GET.getlist(COLUMNS_PARAMETER))
    keys = [column.key for column in chosen]
    if keys != layout.list_columns:
        report_layout_save_columns(user=request.user, report=report.key, columns=keys)
    return chosen


@require_GET
def report_export(request: AuthenticatedRequest, report: str) -> HttpResponse:
    """One chart's rows as CSV or XLSX, with the same filters as the page."""
    _report_or_404(report)
    chart = chart_or_none(report, request.GET.get("chart", ""))
    if chart is None:
        raise Http404
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORTERS:
        return HttpResponseBadRequest(_("Unknown export format."))
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Invalid filters."))
    rows = chart.figure(user=request.user, filters=form.filters())
    response = HttpResponse(EXPORTERS[file_format](chart, rows), content_type=CONTENT_TYPES[file_format])
    filename = f"{report}-{chart.key}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def report_layout_view(request: AuthenticatedRequest, report: str) -> JsonResponse:
    """The drag-and-drop endpoint: JSON {"charts": [keys]} in; 400 with "error" when refused."""
    _report_or_404(report)
    keys = _chart_keys(request.body)
    if keys is None:
        return JsonResponse({"error": _("The new order could not be read.")}, status=400)
    try:
        layout = report_layout_save_charts(user=request.user, report=report, chart_keys=keys)
    except ValidationError as refusal:
        return JsonResponse({"error": " ".join(refusal.messages)}, status=400)
    return JsonResponse({"charts": layout.chart_order})


def _chart_keys(body: bytes) -> list[str] | None:
    try:
        keys: Any = json.loads(body).get("charts")
    except (ValueError, AttributeError):
        return None
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        return None
    return keys
