"""Property tests of every import kind with hostile files: a Russian message, never a crash, all or nothing.

For each kind of ``schools.imports.kinds.KINDS`` (staff, students, partners, documents, pairs,
programs) Hypothesis builds files that look like the template — the right headers, rows of
plausible values — with hostile cells mixed in (markup, formulas, control characters, huge
strings, impossible dates, numbers where text belongs), damaged headers (one missing, one twice,
an empty one), broken CSV quoting, truncated workbooks and random bytes. Whatever the file, the
import either refuses it as a whole with a Russian message, or reports errors by row and writes
nothing, or imports it completely. Profiles: tests/conftest.py («ci» by default).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import event as hypothesis_event
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from programs.imports_history import register_history_kinds
from schools.imports.files import ImportFileError, read_table
from schools.imports.kinds import KINDS
from schools.imports.runner import import_table
from schools.models import PartnerOrganization, PartnerRepresentative, Staff, Student
from schools.tenancy import school_scope
from tests.hostile import csv_bytes, has_cyrillic, hostile_cell, hostile_text, snapshot, xlsx_bytes

register_history_kinds()  # as programs/apps.py does; the kinds are then all known at collection
KIND_KEYS = sorted(KINDS)
PEOPLE = [
    "Иванова Мария Петровна",
    "Соколова Елена Андреевна",
    "Смирнов Артём Игоревич",
    "Громов Олег Ильич",
    "Иванова М. П.",
]
DATES = ["01.09.2024", "31.05.2025", "15.01.2025", "2024-09-01", "01.09.2010"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def school(world):
    """School A with a few people the history files can name."""
    a = world.a.school
    with scopes_disabled():
        for last, first, patronymic in (("Иванова", "Мария", "Петровна"), ("Соколова", "Елена", "Андреевна")):
            Staff.objects.create(
                school=a, last_name=last, first_name=first, patronymic=patronymic, position="учитель"
            )
        Student.objects.create(
            school=a,
            last_name="Смирнов",
            first_name="Артём",
            patronymic="Игоревич",
            birth_date=date(2011, 3, 14),
            grade="8Б",
        )
        org = PartnerOrganization.objects.create(school=a, name="ООО «Уралмаш-Сервис»")
        PartnerRepresentative.objects.create(
            school=a, organization=org, last_name="Громов", first_name="Олег", patronymic="Ильич"
        )
    with school_scope([a.pk]):
        pairs = KINDS["pairs"]
        table = read_table("pairs.xlsx", xlsx_bytes([pairs.columns(), valid_row("pairs")]))
        assert import_table(pairs, a, table, commit=True).committed  # programs need a pair
    return a


def event(outcome: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (outside a property test: nothing)."""
    if currently_in_test_context():
        hypothesis_event(outcome)


def valid_row(kind_key: str) -> list[str]:
    """The template's example of every column: a row each kind imports (see the ``school`` fixture)."""
    resource = KINDS[kind_key].resource
    by_column = {str(f.column_name): name for name, f in resource.fields.items()}
    row = [str(resource.column_help.get(by_column[h], ("", ""))[1]) for h in KINDS[kind_key].columns()]
    if kind_key == "pairs":  # the example is a completed pair: no reason of an early end
        row[KINDS[kind_key].columns().index("Причина прекращения")] = ""
    return row


@st.composite
def tables(draw, kind_key: str) -> list[list]:
    """A header row close to the template's and a few valid rows with hostile cells put in."""
    headers: list = list(KINDS[kind_key].columns())
    good = valid_row(kind_key)
    width = len(headers)
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = list(good)
        for index in draw(st.lists(st.integers(0, width - 1), max_size=3)):
            row[index] = draw(st.one_of(hostile_cell, st.sampled_from([*PEOPLE, *DATES, *good])))
        rows.append(row)
    damage = draw(st.sampled_from(["none"] * 6 + ["drop", "twice", "empty", "extra", "shuffle"]))
    if damage == "drop":
        column = draw(st.integers(0, width - 1))
        headers.pop(column)
        rows = [r[:column] + r[column + 1 :] for r in rows]
    elif damage == "twice":
        column = draw(st.integers(0, width - 1))
        headers.append(headers[column])
        rows = [[*r, r[column]] for r in rows]
    elif damage == "empty":
        headers[draw(st.integers(0, width - 1))] = None
    elif damage == "extra":
        headers.append(draw(hostile_text))
        rows = [[*r, draw(hostile_cell)] for r in rows]
    elif damage == "shuffle":
        order = draw(st.permutations(range(width)))
        headers = [headers[i] for i in order]
        rows = [[r[i] for i in order] for r in rows]
    return [headers, *rows]


@st.composite
def files(draw, kind_key: str) -> tuple[str, bytes]:
    """A file name and its content: XLSX, CSV (quoted or not, UTF-8 or Windows-1251), or wreckage."""
    shape = draw(st.sampled_from(["xlsx"] * 3 + ["csv"] * 2 + ["csv-raw", "csv-1251", "truncated", "bytes"]))
    if shape == "bytes":
        return draw(st.sampled_from(["x.xlsx", "x.csv", "x.xls", "x", "../x.csv"])), draw(
            st.binary(max_size=2048)
        )
    rows = draw(tables(kind_key))
    if shape == "xlsx":
        return "file.xlsx", xlsx_bytes(rows)
    if shape == "truncated":
        content = xlsx_bytes(rows)
        # A share, not a byte count: the workbook's length varies with its timestamp.
        return "file.xlsx", content[: int(len(content) * draw(st.floats(0, 1, exclude_max=True)))]
    if shape == "csv-1251":
        return "file.csv", csv_bytes(rows, encoding="cp1251")
    return "file.csv", csv_bytes(rows, quoted=shape == "csv")


def assert_import_is_all_or_nothing(kind_key: str, school, name: str, content: bytes) -> None:
    before = snapshot()
    with school_scope([school.pk]):
        try:
            report = import_table(KINDS[kind_key], school, read_table(name, content), commit=True)
        except ImportFileError as refused:
            event("file refused")
            assert has_cyrillic(str(refused)), str(refused)
            assert snapshot() == before
            return
    if report.committed:
        event("imported")
        assert report.ok
        return
    event("rows rejected")
    assert snapshot() == before, "a rejected file wrote something"
    assert report.issues
    numbers = {row.number for row in report.rows}
    for issue in report.issues:
        assert issue.row in numbers
        assert str(issue).startswith(f"Строка {issue.row}"), str(issue)
        assert has_cyrillic(issue.message), issue.message


@pytest.mark.parametrize("kind_key", KIND_KEYS)
def test_a_hostile_file_is_refused_with_a_message_or_imported_whole(kind_key, school):
    @given(files(kind_key))
    def check(file):
        assert_import_is_all_or_nothing(kind_key, school, *file)

    check()


def test_a_zip_that_is_not_a_workbook_and_a_zip_bomb_are_refused(school):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    for content in (buffer.getvalue(), b"PK\x03\x04" + b"\0" * 100):
        assert_import_is_all_or_nothing("staff", school, "bomb.xlsx", content)


@given(content=st.binary(max_size=4096), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "", "a.xlsx.exe"]))
def test_the_import_page_never_fails_on_an_upload(client, school, world, content, name):
    """Through the browser as the curator: a page with a message, never a server error or a write."""
    client.force_login(world.user("a", "curator"))
    before = snapshot()
    upload = SimpleUploadedFile(name or "x", content) if content else ""
    response = client.post(reverse("schools:import", kwargs={"kind": "staff"}), {"file": upload})
    assert response.status_code == 200
    assert snapshot() == before
