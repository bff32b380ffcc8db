"""A chart's rows as a file: CSV (UTF-8 with BOM, comma-separated) or XLSX (openpyxl)."""

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .figures.expressions import Row
from .registry import Chart, ColumnKind

# Text that a spreadsheet would run as a formula (CSV injection): written with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMATS = {
    ColumnKind.AMOUNT: "#,##0.00",
    ColumnKind.PERCENT: "0.0",
    ColumnKind.DAYS: "0.0",
    ColumnKind.MONTH: "yyyy-mm",
    ColumnKind.WEEK: "yyyy-mm-dd",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_value(kind: ColumnKind, value: Any) -> str:
    if value is None:
        return ""
    if kind == ColumnKind.MONTH and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)


def csv_export(chart: Chart, rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe_text(str(column.label)) for column in chart.columns])
    for row in rows:
        writer.writerow([_csv_value(column.kind, row.get(column.key)) for column in chart.columns])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_export(chart: Chart, rows: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(chart.title))
    for index, column in enumerate(chart.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.label))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(column.label)) + 2)
    for row_index, row in enumerate(rows, start=2):
        for index, column in enumerate(chart.columns, start=1):
            value = row.get(column.key)
            cell = sheet.cell(row=row_index, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if column.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.kind]
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Data"


EXPORTERS = {"csv": csv_export, "xlsx": xlsx_export}
