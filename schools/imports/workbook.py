"""XLSX files people download: the empty import template and the export of a registry.

Both have the same first sheet (the columns of the import, in the same order) and a second sheet
«Пояснения» describing each column, so an exported file is also a filled-in template: editing it
and uploading it back is the intended way to update many records at once.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from schools.imports.files import MAX_ROWS
from schools.imports.kinds import ImportKind
from schools.imports.resources import RegistryResource
from schools.imports.widgets import RuDateWidget
from schools.models import School
from schools.spreadsheets import write

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _put(sheet: Worksheet, row: int, col: int, value: Any) -> None:
    # Always text, never a formula: a cell «=HYPERLINK(…)» typed by someone stays inert.
    cell = write(sheet, row, col, value)
    if isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"


def _data_sheet(sheet: Worksheet, kind: ImportKind, records: Iterable[list[Any]]) -> None:
    resource_cls = kind.resource
    names = list(resource_cls._meta.export_order)
    headers = kind.columns()
    sheet.title = str(kind.sheet_title)
    for col, header in enumerate(headers, start=1):
        _put(sheet, 1, col, header)
        sheet.cell(row=1, column=col).font = _HEADER_FONT
        sheet.cell(row=1, column=col).fill = _HEADER_FILL
    widths = [len(h) + 2 for h in headers]
    for row, values in enumerate(records, start=2):
        for col, value in enumerate(values, start=1):
            _put(sheet, row, col, value)
            widths[col - 1] = max(widths[col - 1], min(len(str(value)) + 2, 50))
    for col, name in enumerate(names, start=1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = max(widths[col - 1], 12)
        if not isinstance(resource_cls.fields[name].widget, RuDateWidget):
            # Text format for new cells too: Excel must not eat the zero of an ИНН or turn 7-1 into a date.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"


def _notes_sheet(workbook: Workbook, kind: ImportKind) -> None:
    sheet = workbook.create_sheet(_("Пояснения"))
    resource_cls = kind.resource
    headers = [_("Столбец"), _("Обязательный"), _("Что писать"), _("Пример")]
    for col, header in enumerate(headers, start=1):
        _put(sheet, 1, col, header)
        sheet.cell(row=1, column=col).font = _HEADER_FONT
        sheet.cell(row=1, column=col).fill = _HEADER_FILL
    key_columns = ", ".join(f"«{resource_cls.fields[f].column_name}»" for f in resource_cls.key_fields)
    row = 1
    for name in resource_cls._meta.export_order:
        row += 1
        field = resource_cls.fields[name]
        fmt, example = resource_cls.column_help.get(name, ("", ""))
        _put(sheet, row, 1, str(field.column_name))
        _put(sheet, row, 2, _("да") if name in resource_cls.required_columns else _("нет"))
        _put(sheet, row, 3, str(fmt))
        _put(sheet, row, 4, str(example))
        sheet.cell(row=row, column=3).alignment = _WRAP
    notes = [
        _("Заполняйте первый лист; первая строка — названия столбцов, данные — со второй строки."),
        _(
            "Существующая запись узнаётся по столбцам %(columns)s: такая строка обновит её, другие строки добавят новые записи."
        )
        % {"columns": key_columns},
        _(
            "Если хотя бы одна строка содержит ошибку, не сохраняется ничего: исправьте файл и загрузите его снова."
        ),
        _("Не больше %(rows)s строк и 5 МБ в одном файле. Столбцы, которых нет в шаблоне, пропускаются.")
        % {"rows": MAX_ROWS},
    ]
    row += 1
    for note in notes:
        row += 1
        _put(sheet, row, 1, note)
    for letter, width in zip("ABCD", (30, 14, 60, 28), strict=True):
        sheet.column_dimensions[letter].width = width


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(kind: ImportKind) -> bytes:
    workbook = Workbook()
    _data_sheet(workbook.active, kind, [])
    _notes_sheet(workbook, kind)
    return _save(workbook)


def export_workbook(kind: ImportKind, school: School) -> bytes:
    """All records of the school, in the import's columns. Reads rows: call it inside the scope."""
    resource: RegistryResource = kind.resource(school=school)
    dataset = resource.export(force_native_type=True)
    workbook = Workbook()
    _data_sheet(workbook.active, kind, dataset)
    _notes_sheet(workbook, kind)
    return _save(workbook)
