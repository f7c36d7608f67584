"""Cells of the XLSX files people download: what someone typed stays text.

Names, comments and titles come from users. openpyxl turns any string that starts with «=» into a
formula, so a staff member named ``=HYPERLINK("http://…";"Открыть")`` would become a live link in
the director's export (formula injection); and it refuses control characters with an exception, so
one pasted ``\\x1b`` would make the export a server error. Every export writes strings through
``put`` or ``append``: control characters are dropped and the cell is typed as a string, which
Excel and LibreOffice never evaluate, whatever it starts with (=, +, -, @). The text itself is not
changed, so an exported registry still imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell's value; a string is cleaned of control characters and kept as text."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def write(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``sheet.cell(row, column, value)`` with the value written through ``put``."""
    return put(sheet.cell(row=row, column=column), value)


def append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every value written through ``put``."""
    sheet.append([put(Cell(sheet), value) for value in values])
