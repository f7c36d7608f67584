"""A ``monitoring.report.Report`` printed as PDF, XLSX or JSON — the same tables, rows and columns.

- **PDF**: ``programs.pdf.render_pdf`` with ``monitoring/reports/pdf/report.html`` (A4, the report's
  heading block, numbered tables, charts as inline SVG drawn by ``monitoring.charts``; wide tables
  on landscape pages). Numbers are written the Russian way (66,7).
- **XLSX**: one sheet per table and appendix after a sheet of general information; the same header
  (a second header row for grouped columns), numbers stored as numbers (shares with one decimal).
- **JSON**: ``{"period": …, "tables": [{"key", "caption", "title", "columns", "rows", "notes"}],
  "appendices": [...]}``; a share is a number, a share without a denominator is ``null``.

``render(report, fmt)`` returns the bytes; ``CONTENT_TYPES`` and ``file_name`` serve the download.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from monitoring.charts import render_svg
from monitoring.report import Cell, Report, Table
from schools.spreadsheets import write

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
PDF_TEMPLATE = "monitoring/reports/pdf/report.html"
DASH = "—"


def cell_text(value: Cell) -> str:
    """A cell as printed: «—» for no value, a decimal comma for shares."""
    if value is None:
        return DASH
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def numeric_columns(table: Table) -> list[bool]:
    """Columns whose cells are all numbers (or empty): aligned right in the PDF."""
    result = []
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows if index < len(row)]
        result.append(
            bool(cells)
            and all(c is None or _is_number(c) for c in cells)
            and any(_is_number(c) for c in cells)
        )
    return result


# --- PDF ---------------------------------------------------------------------------------------------


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class BodyCell:
    text: str
    numeric: bool
    rowspan: int = 1


def header_rows(table: Table) -> list[list[HeaderCell]]:
    """One header row, or two when columns are grouped (the group spans its columns)."""
    if not table.has_groups:
        return [[HeaderCell(c.label) for c in table.columns]]
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    index = 0
    columns = table.columns
    while index < len(columns):
        column = columns[index]
        if not column.group:
            top.append(HeaderCell(column.label, rowspan=2))
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        top.append(HeaderCell(column.group, colspan=span))
        bottom += [HeaderCell(c.label) for c in columns[index : index + span]]
        index += span
    return [top, bottom]


def body_rows(table: Table) -> list[dict[str, Any]]:
    """Rows of printable cells; with ``merge_first`` a repeated first cell spans its group of rows."""
    numeric = numeric_columns(table)
    rows = []
    for number, row in enumerate(table.rows):
        cells: list[BodyCell | None] = [
            BodyCell(cell_text(value), numeric[i] if i < len(numeric) else False)
            for i, value in enumerate(row)
        ]
        rows.append({"cells": cells, "strong": number in table.strong_rows})
    if table.merge_first:
        start = 0
        while start < len(rows):
            end = start + 1
            while end < len(rows) and table.rows[end][0] == table.rows[start][0]:
                rows[end]["cells"][0] = None
                end += 1
            rows[start]["cells"][0].rowspan = end - start
            start = end
    for row in rows:
        row["cells"] = [c for c in row["cells"] if c is not None]
    return rows


def _widths(table: Table) -> list[str]:
    """Column widths in per cent: the declared ones, the rest shared equally."""
    declared = sum(c.width for c in table.columns)
    free = [c for c in table.columns if not c.width]
    rest = max(0, 100 - declared)
    each = rest / len(free) if free else 0
    return [f"{(c.width or each):.1f}" for c in table.columns]


LONG_CELL = 250  # characters: a table with such a cell may split its rows across pages


def printable(table: Table) -> dict[str, Any]:
    # Every text of the chart is escaped by monitoring.charts, so its markup is safe to insert.
    chart = mark_safe(render_svg(table.chart)) if table.chart else ""
    return {
        "table": table,
        "css_class": f"t-{table.key}",
        "header": header_rows(table),
        "rows": body_rows(table),
        "widths": _widths(table),
        "chart": chart,
        "dense": len(table.columns) > 9,
        "long": any(isinstance(v, str) and len(v) > LONG_CELL for row in table.rows for v in row),
    }


def column_css(items: list[dict[str, Any]]) -> str:
    """Column widths of every table as CSS rules (the page keeps no inline styles)."""
    return "\n".join(
        f".{item['css_class']} col:nth-child({n}) {{ width: {width}%; }}"
        for item in items
        for n, width in enumerate(item["widths"], start=1)
    )


def render_pdf_bytes(report: Report) -> bytes:
    from programs.pdf import render_pdf

    tables = [printable(t) for t in report.tables]
    appendices = [printable(t) for t in report.appendices]
    context = {
        "report": report,
        "tables": tables,
        "appendices": appendices,
        "column_css": column_css(tables + appendices),
    }
    return render_pdf(PDF_TEMPLATE, context, metadata={"title": report.title, "authors": [report.territory]})


# --- JSON --------------------------------------------------------------------------------------------


def _json_value(value: Cell) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_json(report: Report) -> dict[str, Any]:
    def table(t: Table) -> dict[str, Any]:
        data = t.as_dict()
        data["rows"] = [[_json_value(v) for v in row] for row in t.rows]
        return data

    return {
        "kind": report.kind,
        "title": report.title,
        "territory": {"name": report.territory, "code": report.territory_code},
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "as_of": report.period.as_of.isoformat(),
            "compare_as_of": report.compare_as_of.isoformat(),
            "school_year": report.period.school_year,
        },
        "facts": [[label, value] for label, value in report.facts],
        "source": report.source,
        "generated_at": report.generated_at.isoformat() if report.generated_at else None,
        "tables": [table(t) for t in report.tables],
        "appendices": [table(t) for t in report.appendices],
    }


def render_json_bytes(report: Report) -> bytes:
    return json.dumps(as_json(report), ensure_ascii=False, indent=2).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------------

INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(table: Table, used: set[str]) -> str:
    base = table.caption or {
        "table6_reasons": _("Причины"),
        "swot": _("SWOT"),
        "reasons_named": _("Причины по данным ОО"),
        "decisions": _("Решения"),
        "participation": _("Показатели"),
    }.get(table.key, table.key)
    name = base.translate(INVALID_SHEET_CHARS)[:31]
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def render_xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")

    book = Workbook()
    info = book.active
    info.title = _("Сведения")[:31]
    write(info, 1, 1, report.title)
    info["A1"].font = Font(bold=True, size=13)
    write(info, 2, 1, report.territory)
    info["A2"].font = bold
    for n, (label, value) in enumerate(report.facts, start=4):
        write(info, n, 1, label).font = bold
        write(info, n, 2, value).alignment = wrap
    info.column_dimensions["A"].width = 48
    info.column_dimensions["B"].width = 80

    used = {info.title}
    for table in (*report.tables, *report.appendices):
        sheet = book.create_sheet(sheet_name(table, used))
        width = len(table.columns)
        title = f"{table.caption}. {table.title}" if table.caption else table.title
        write(sheet, 1, 1, title).font = Font(bold=True, size=12)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
        sheet.cell(row=1, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[1].height = 32
        row = 3
        headers = header_rows(table)
        for level, cells in enumerate(headers):
            column = 1
            for cell in cells:
                while sheet.cell(row=row + level, column=column).coordinate in sheet.merged_cells:
                    column += 1
                target = write(sheet, row + level, column, cell.text)
                if cell.colspan > 1 or cell.rowspan > 1:
                    sheet.merge_cells(
                        start_row=row + level,
                        start_column=column,
                        end_row=row + level + cell.rowspan - 1,
                        end_column=column + cell.colspan - 1,
                    )
                for r in range(row + level, row + level + cell.rowspan):
                    for c in range(column, column + cell.colspan):
                        sheet.cell(row=r, column=c).fill = header_fill
                        sheet.cell(row=r, column=c).border = border
                target.font = bold
                target.alignment = center
                column += cell.colspan
        row += len(headers)
        sheet.freeze_panes = sheet.cell(row=row, column=1)
        for index, values in enumerate(table.rows):
            for column, value in enumerate(values, start=1):
                if isinstance(value, Decimal):
                    target = sheet.cell(row=row, column=column, value=float(value))
                    target.number_format = "0.0"
                elif value is None:
                    target = write(sheet, row, column, DASH)
                else:
                    target = write(sheet, row, column, value)
                target.border = border
                target.alignment = wrap
                if index in table.strong_rows:
                    target.font = bold
            row += 1
        if table.notes:
            row += 1
            for note in table.notes:
                write(sheet, row, 1, note).alignment = Alignment(wrap_text=False)
                row += 1
        for index, column in enumerate(table.columns, start=1):
            chars = column.width * 1.6 if column.width else 12
            sheet.column_dimensions[get_column_letter(index)].width = max(8, min(70, chars))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- One entry point ---------------------------------------------------------------------------------


def render(report: Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf_bytes(report)
    if fmt == "xlsx":
        return render_xlsx_bytes(report)
    if fmt == "json":
        return render_json_bytes(report)
    raise ValueError(fmt)


def file_name(report: Report, fmt: str) -> str:
    """A download name: kind, territory code and slice date (ASCII, no spaces)."""
    return f"report-{report.kind}-{report.territory_code}-{report.period.as_of:%Y%m%d}.{fmt}"
