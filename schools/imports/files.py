"""Reading an uploaded spreadsheet safely: XLSX or CSV, size, row and zip-bomb limits.

Everything a user uploads is untrusted. The checks run before any parser sees the bytes: the
extension and the content must agree, an XLSX (a zip archive) must not expand beyond a fixed size,
and openpyxl opens it read-only (it parses XML through defusedxml, which is installed:
``openpyxl.DEFUSEDXML`` is True). A CSV must decode as UTF-8 (with or without BOM) or Windows-1251,
the encoding Excel uses for «CSV (разделители — точки с запятой)» in Russian Windows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# A real workbook compresses its XML 5–30 times; hundreds of times means a crafted archive.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # tiny members may compress arbitrarily well, harmlessly
MAX_ZIP_MEMBERS = 500
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = (".xlsx", ".csv")
CSV_DELIMITERS = (";", ",", "\t")

CellValue = str | int | float | date | datetime | None


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the user as it is."""


@dataclass
class Table:
    """The cells of the first sheet: the header row and the data rows with their spreadsheet numbers.

    ``rows[i]`` is the spreadsheet row ``numbers[i]`` (the header is row 1), so messages can name
    the row the user sees even when blank rows were left out.
    """

    headers: list[str]
    rows: list[list[CellValue]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    extension: str = ".xlsx"


def extension_of(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(_("Файл должен быть в формате XLSX или CSV."))
    return suffix


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Файл слишком большой: %(size)s МБ. Можно загрузить файл до %(limit)s МБ.")
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "limit": MAX_FILE_BYTES // 1024 // 1024}
        )


def read_table(filename: str, content: bytes) -> Table:
    """Parse an upload into a Table, or raise ImportFileError with a message for the user."""
    extension = extension_of(filename)
    check_size(len(content))
    rows = _xlsx_rows(content) if extension == ".xlsx" else _csv_rows(content)
    table = _table(rows)
    table.extension = extension
    return table


# --- XLSX ----------------------------------------------------------------------------------------


def _check_archive(content: bytes) -> None:
    """Refuse anything that is not a small, sane zip archive holding a workbook."""
    not_xlsx = _("Файл должен быть в формате XLSX или CSV: этот файл не является книгой Excel (XLSX).")
    if not content.startswith(ZIP_MAGIC):
        raise ImportFileError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ImportFileError(not_xlsx) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportFileError(not_xlsx)
    too_big = _("Файл XLSX после распаковки слишком велик. Сохраните таблицу заново или загрузите CSV.")
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(too_big)
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ImportFileError(too_big)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ImportFileError(too_big)


def _xlsx_rows(content: bytes) -> list[list[CellValue]]:
    _check_archive(content)
    import openpyxl  # imported here: only imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged archive
        raise ImportFileError(
            _("Не удалось прочитать файл XLSX. Откройте его в Excel, сохраните заново и загрузите ещё раз.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        data_rows = 0
        for values in sheet.iter_rows(values_only=True):
            row = [_xlsx_value(v) for v in values]
            rows.append(row)
            if len(rows) > 1 and any(v not in (None, "") for v in row):
                data_rows += 1
                if data_rows > MAX_ROWS:
                    raise _too_many_rows()
        return rows
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("Не удалось прочитать файл XLSX. Откройте его в Excel, сохраните заново и загрузите ещё раз.")
        ) from None
    finally:
        workbook.close()


def _xlsx_value(value: Any) -> CellValue:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | date | datetime) or value is None:
        return value
    return str(value).strip()


# --- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    not_csv = _("Файл должен быть в формате XLSX или CSV: этот файл не похож на таблицу CSV.")
    if content.startswith(ZIP_MAGIC) or b"\x00" in content[:4096]:
        raise ImportFileError(not_csv)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Не удалось прочитать CSV: сохраните файл в кодировке UTF-8 или Windows-1251."))


def _csv_rows(content: bytes) -> list[list[CellValue]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[CellValue]] = []
    data_rows = 0
    try:
        for record in reader:
            row: list[CellValue] = [cell.strip() for cell in record]
            rows.append(row)
            if len(rows) > 1 and any(row):
                data_rows += 1
                if data_rows > MAX_ROWS:
                    raise _too_many_rows()
    except csv.Error:
        raise ImportFileError(
            _("Не удалось прочитать CSV: проверьте кавычки и разделители (точка с запятой или запятая).")
        ) from None
    return rows


# --- Common --------------------------------------------------------------------------------------


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("В файле больше %(limit)s строк с данными. Разделите его на несколько файлов.")
        % {"limit": MAX_ROWS}
    )


def _is_blank(row: list[CellValue]) -> bool:
    return all(v is None or (isinstance(v, str) and not v) for v in row)


def _table(rows: list[list[CellValue]]) -> Table:
    if not rows or _is_blank(rows[0]):
        raise ImportFileError(
            _("В первой строке файла должны быть названия столбцов. Скачайте шаблон и заполните его.")
        )
    headers = ["" if v is None else str(v).strip() for v in rows[0]]
    table = Table(headers=headers)
    for number, row in enumerate(rows[1:], start=2):
        if _is_blank(row):
            continue
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        table.rows.append(cells)
        table.numbers.append(number)
    if not table.rows:
        raise ImportFileError(_("В файле нет строк с данными: заполните таблицу под строкой заголовков."))
    return table
