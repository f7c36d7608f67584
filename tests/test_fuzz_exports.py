"""Exports with hostile text: a formula typed by a user stays text, a control character is no crash.

Every XLSX the project writes goes through ``schools.spreadsheets`` (the registries, the
dashboards' tables, the analytical reports); these tests write hostile strings through each of
them and read the file back as Excel would.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from monitoring.compute import Period
from monitoring.exports import Sheet, workbook_bytes
from monitoring.report import Column, Report, Table
from monitoring.report_render import render_xlsx_bytes
from schools.models import Staff
from schools.spreadsheets import append, put, write
from tests.hostile import FORMULAS, hostile_text

texts = st.lists(hostile_text, min_size=1, max_size=6)


def string_cells(content: bytes) -> list[openpyxl.cell.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [
        c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value is not None
    ]


def assert_no_formulas(content: bytes, expected: list[str]) -> None:
    cells = string_cells(content)
    assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    for text in expected:
        clean = ILLEGAL_CHARACTERS_RE.sub("", text)
        if clean.strip():
            assert clean in values


def test_put_write_and_append_keep_formulas_as_text():
    sheet = openpyxl.Workbook().active
    append(sheet, [*FORMULAS, 5, None, date(2024, 9, 1)])
    write(sheet, 2, 1, "=1+1")
    put(sheet.cell(row=3, column=1), "a\x1bb")

    assert [c.data_type for c in sheet[1]][: len(FORMULAS)] == ["s"] * len(FORMULAS)
    assert sheet.cell(row=1, column=len(FORMULAS) + 1).value == 5
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "ab"


@given(texts)
def test_a_dashboard_table_keeps_hostile_text_as_text(values):
    content = workbook_bytes(
        [Sheet(title="Лист", headers=values, rows=[values, values], totals=values)],
        about=[(values[0], values[-1])],
    )
    assert_no_formulas(content, values)


@given(texts)
def test_an_analytical_report_keeps_hostile_text_as_text(values):
    """The report's SWOT and reasons tables quote what schools wrote in their submissions."""
    table = Table(
        key="swot",
        title=values[0],
        columns=[Column(label=v) for v in values],
        rows=[values, list(reversed(values))],
        notes=values,
    )
    report = Report(
        kind="school",
        title=values[0],
        territory=values[-1],
        territory_code="x",
        office=values[0],
        period=Period(date(2024, 9, 1), date(2025, 5, 31), date(2025, 5, 31)),
        compare_as_of=date(2025, 5, 31),
        facts=[(v, v) for v in values],
        tables=[table],
        appendices=[],
        source="",
    )
    assert_no_formulas(render_xlsx_bytes(report), values)


def test_the_staff_export_keeps_a_formula_in_a_name_as_text(client, world):
    school = world.a.school
    with scopes_disabled():
        for n, text in enumerate(FORMULAS):
            Staff.objects.create(school=school, last_name=text, first_name=f"Имя{n}\x1b", position="учитель")
    client.force_login(world.user("a", "curator"))

    response = client.get(reverse("schools:export", kwargs={"kind": "staff"}))

    assert response.status_code == 200
    assert_no_formulas(response.content, FORMULAS)
