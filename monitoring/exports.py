"""XLSX files of the dashboards' tables: the schools, the compliance matrix, forms, levels, municipalities.

Each file has the table on its first sheet (Russian headers in the first row, frozen, with an
autofilter; numbers written as numbers, shares as percentages with one decimal) and a sheet
«Параметры» with the territory, the period, the slice date and the filters, so that a file sent
on by e-mail still says what it shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from monitoring.indicators import BY_CODE, DOCUMENT_FLAGS
from monitoring.selectors_dashboards import LEVEL_LABELS, Bar, Column, Matrix, TableRow
from schools.spreadsheets import append

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHARE_FORMAT = "0.0"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    totals: list[Any] | None = None
    share_columns: frozenset[int] = frozenset()  # 0-based indexes of percentage columns


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return None
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _write(workbook: Workbook, sheet: Sheet, *, first: bool) -> None:
    ws = workbook.active if first else workbook.create_sheet()
    ws.title = sheet.title[:31]
    append(ws, sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        append(ws, [_cell(v) for v in row])
    if sheet.totals is not None:
        append(ws, [_cell(v) for v in sheet.totals])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for index in sheet.share_columns:
        letter = get_column_letter(index + 1)
        for cell in ws[letter][1:]:
            cell.number_format = SHARE_FORMAT
    for index, header in enumerate(sheet.headers, start=1):
        longest = max(
            [len(str(header)) // 2 + 2, *(len(str(r[index - 1] or "")) + 2 for r in sheet.rows[:200])]
        )
        ws.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest))
    ws.freeze_panes = "B2"
    if sheet.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{len(sheet.rows) + 1}"


def workbook_bytes(sheets: Sequence[Sheet], about: Iterable[tuple[str, str]]) -> bytes:
    workbook = Workbook()
    for n, sheet in enumerate(sheets):
        _write(workbook, sheet, first=n == 0)
    params = workbook.create_sheet(_("Параметры"))
    for label, value in about:
        append(params, [label, value])
    params.column_dimensions["A"].width = 28
    params.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_sheet(
    title: str, columns: Sequence[Column], rows: Sequence[TableRow], totals: dict[str, Any] | None = None
) -> Sheet:
    """A dashboard table as it is on the page (same columns, same order)."""
    sheet = Sheet(
        title=title,
        headers=[str(c.full_title) for c in columns],
        rows=[[r.cells.get(c.key) for c in columns] for r in rows],
        share_columns=frozenset(i for i, c in enumerate(columns) if c.kind == "share"),
    )
    if totals is not None:
        sheet.totals = [
            _("Итого") if n == 0 else (totals.get(c.key) if c.summable else None)
            for n, c in enumerate(columns)
        ]
    return sheet


def matrix_sheet(matrix: Matrix, *, with_municipality: bool) -> Sheet:
    """Schools × the seven required acts: 1 — the act is there, 0 — it is not."""
    lead = [_("Организация"), *([_("Муниципалитет")] if with_municipality else []), _("Тип"), _("Район")]
    headers = [*lead, *(str(BY_CODE[code].name) for code in DOCUMENT_FLAGS), _("Документов из 7")]
    rows = [
        [
            r.school.short_name,
            *([r.school.municipality_name] if with_municipality else []),
            r.school.kind_short,
            r.school.district,
            *(int(flag) for flag in r.flags),
            r.present,
        ]
        for r in matrix.rows
    ]
    totals = [_("Всего ОО с документом"), *[None] * (len(lead) - 1), *(t.count for t in matrix.totals), None]
    return Sheet(title=_("Документы"), headers=headers, rows=rows, totals=totals)


def bars_sheet(title: str, first_header: str, bars: Sequence[Bar], *, with_note: str = "") -> Sheet:
    headers = [first_header, _("ОО"), _("Доля ОО, %")]
    if with_note:
        headers.append(with_note)
    rows = []
    for bar in bars:
        row = [str(bar.label), bar.value, bar.percent]
        if with_note:
            row.append(bar.extra)
        rows.append(row)
    return Sheet(title=title, headers=headers, rows=rows, share_columns=frozenset({2}))


def school_levels_sheet(rows: Sequence[TableRow], *, with_municipality: bool) -> Sheet:
    """Each school's effectiveness level and the state of its internal monitoring."""
    headers = [
        _("Организация"),
        *([_("Муниципалитет")] if with_municipality else []),
        _("Уровень эффективности"),
    ]
    return Sheet(
        title=_("Уровни по ОО"),
        headers=headers,
        rows=[
            [
                r.school.short_name,
                *([r.school.municipality_name] if with_municipality else []),
                str(LEVEL_LABELS[r.level]),
            ]
            for r in rows
        ],
    )
