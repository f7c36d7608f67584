"""Checking and importing a table: all rows or none.

``import_table`` always validates the whole file first in a dry run (inside a transaction that is
rolled back), collecting every problem with its spreadsheet row and column. Only a file without a
single error is then imported for real, inside ``transaction.atomic``; should that second pass
still meet an error (the data changed in between), it is rolled back as well. A preview is the
first pass alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result, RowResult

from schools import audit
from schools.imports.files import CellValue, ImportFileError, Table
from schools.imports.kinds import ImportKind
from schools.imports.resources import RegistryResource
from schools.models import School
from schools.services import normalize

NEW, UPDATE, SKIP, INVALID = (
    RowResult.IMPORT_TYPE_NEW,
    RowResult.IMPORT_TYPE_UPDATE,
    RowResult.IMPORT_TYPE_SKIP,
    RowResult.IMPORT_TYPE_INVALID,
)
ACTION_LABELS = {
    NEW: gettext_lazy("будет создана"),
    UPDATE: gettext_lazy("будет обновлена"),
    SKIP: gettext_lazy("без изменений"),
    INVALID: gettext_lazy("ошибка"),
}


@dataclass(frozen=True)
class Issue:
    """One problem, addressed the way the user finds it in the spreadsheet."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Строка %(row)s, «%(column)s»: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Строка %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class Cell:
    text: str
    errors: list[str] = field(default_factory=list)
    changed: bool = False


@dataclass
class RowReport:
    number: int
    action: str
    cells: list[Cell]
    row_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.row_errors) or any(c.errors for c in self.cells)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


@dataclass
class ImportReport:
    kind: ImportKind
    columns: list[str]
    rows: list[RowReport]
    file_warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def issues(self) -> list[Issue]:
        found = []
        for row in self.rows:
            found += [Issue(m, row.number) for m in row.row_errors]
            for column, cell in zip(self.columns, row.cells, strict=True):
                found += [Issue(m, row.number, column) for m in cell.errors]
        return found

    @property
    def ok(self) -> bool:
        return not any(r.has_errors for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(SKIP)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.has_errors)

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.rows)

    def summary(self) -> str:
        if self.committed:
            return _("Импортировано: создано %(new)s, обновлено %(updated)s, без изменений %(skipped)s.") % {
                "new": self.created,
                "updated": self.updated,
                "skipped": self.unchanged,
            }
        if not self.ok:
            return _(
                "Найдено ошибок: %(errors)s в %(rows)s из %(total)s строк. Ничего не сохранено: исправьте "
                "файл и загрузите его снова."
            ) % {"errors": len(self.issues), "rows": self.rejected, "total": len(self.rows)}
        return _("Будет создано %(new)s, обновлено %(updated)s, без изменений %(skipped)s.") % {
            "new": self.created,
            "updated": self.updated,
            "skipped": self.unchanged,
        }


# --- Columns -------------------------------------------------------------------------------------


@dataclass
class _Columns:
    names: list[str]  # recognised columns, in file order, as the resource spells them
    positions: list[int]  # where each of them is in the file's rows
    warnings: list[str]


def _match_columns(resource: RegistryResource, headers: list[str]) -> _Columns:
    """Recognise the header row; missing required columns make the whole file unreadable."""
    known = {normalize(f.column_name): str(f.column_name) for f in resource.fields.values()}
    names, positions, unknown, seen = [], [], [], {}
    for position, header in enumerate(headers):
        if not header:
            continue
        name = known.get(normalize(header.rstrip("*")))
        if name is None:
            unknown.append(header)
        elif name in seen:
            raise ImportFileError(
                _("Столбец «%(column)s» встречается в файле дважды. Оставьте один.") % {"column": name}
            )
        else:
            seen[name] = position
            names.append(name)
            positions.append(position)
    missing = [
        str(resource.fields[f].column_name)
        for f in resource.required_columns
        if str(resource.fields[f].column_name) not in seen
    ]
    if missing:
        raise ImportFileError(
            _("В файле нет обязательных столбцов: %(columns)s. Скачайте шаблон и сверьте заголовки.")
            % {"columns": ", ".join(f"«{c}»" for c in missing)}
        )
    warnings = []
    if unknown:
        warnings.append(
            _("Столбцы не распознаны и пропущены: %(columns)s.")
            % {"columns": ", ".join(f"«{h}»" for h in unknown)}
        )
    return _Columns(names, positions, warnings)


# --- Rows ----------------------------------------------------------------------------------------


def _display(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%d.%m.%Y")
            if not (value.hour or value.minute)
            else value.strftime("%d.%m.%Y %H:%M")
        )
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _duplicates(resource: RegistryResource, dataset: tablib.Dataset, numbers: list[int]) -> dict[int, str]:
    """Rows whose natural key repeats an earlier row of the same file: {row index: message}."""
    first_seen: dict[Any, int] = {}
    found = {}
    for index, row in enumerate(dataset.dict):
        key = resource.row_key(row)
        if key is None:
            continue
        if key in first_seen:
            found[index] = _("Повторяет строку %(first)s: совпадают %(columns)s.") % {
                "first": first_seen[key],
                "columns": resource.key_columns_text(),
            }
        else:
            first_seen[key] = numbers[index]
    return found


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def _changed_columns(resource: RegistryResource, row_result: RowResult) -> set[str]:
    if row_result.import_type != UPDATE or row_result.original is None or row_result.instance is None:
        return set()
    return {
        str(f.column_name)
        for f in resource.get_import_fields()
        if f.get_value(row_result.original) != f.get_value(row_result.instance)
    }


def _report(
    kind: ImportKind,
    resource: RegistryResource,
    table: Table,
    columns: _Columns,
    result: Result,
    duplicates: dict[int, str],
) -> ImportReport:
    rows = []
    for index, row_result in enumerate(result.rows):
        number = table.numbers[index]
        values = [table.rows[index][p] for p in columns.positions]
        cells = [Cell(_display(v)) for v in values]
        by_column = dict(zip(columns.names, cells, strict=True))
        report_row = RowReport(number=number, action=row_result.import_type, cells=cells)
        if row_result.validation_error is not None:
            for attribute, messages in _messages(row_result.validation_error).items():
                column = resource.column_for(attribute)
                target = by_column[column].errors if column in by_column else report_row.row_errors
                target.extend(messages)
        for error in row_result.errors:
            report_row.row_errors.append(
                _("Не удалось обработать строку: %(error)s") % {"error": error.error}
            )
        if index in duplicates:
            report_row.row_errors.append(duplicates[index])
        if report_row.has_errors:
            report_row.action = INVALID
        elif row_result.instance is not None:
            report_row.warnings = resource.row_warnings(row_result.instance)
            for column in _changed_columns(resource, row_result):
                if column in by_column:
                    by_column[column].changed = True
        rows.append(report_row)
    return ImportReport(kind=kind, columns=columns.names, rows=rows, file_warnings=columns.warnings)


# --- Entry point ---------------------------------------------------------------------------------


def _run(resource: RegistryResource, dataset: tablib.Dataset, *, dry_run: bool) -> Result:
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        collect_failed_rows=True,
        rollback_on_validation_errors=True,
    )
    if result.base_errors:  # not a problem of the file: a bug in a resource hook
        raise result.base_errors[0].error
    return result


def import_table(kind: ImportKind, school: School, table: Table, *, commit: bool) -> ImportReport:
    """Check every row of ``table`` for ``school``; with ``commit``, then import a clean file.

    Raises ImportFileError when the columns cannot be recognised. Must run inside the school's
    scope (a request of its curator, or ``school_scope`` in the command).
    """
    resource = kind.resource(school=school)
    resource.row_numbers = table.numbers
    columns = _match_columns(resource, table.headers)
    dataset = tablib.Dataset(headers=columns.names)
    for values in table.rows:
        dataset.append([values[p] for p in columns.positions])
    duplicates = _duplicates(resource, dataset, table.numbers)

    report = _report(kind, resource, table, columns, _run(resource, dataset, dry_run=True), duplicates)
    if not commit or not report.ok:
        return report

    with transaction.atomic():
        resource = kind.resource(school=school)
        resource.row_numbers = table.numbers
        report = _report(kind, resource, table, columns, _run(resource, dataset, dry_run=False), {})
        if report.ok:
            report.committed = True
            # Registry rows are itemised by auditlog as they are saved; history files are written in
            # bulk, so the import itself is the entry that says who loaded what.
            audit.record(
                audit.Action.IMPORT, school_id=school.pk, object_repr=str(kind.title), rows=len(report.rows)
            )
        else:
            transaction.set_rollback(True)
    return report
