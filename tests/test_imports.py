"""Import and export of the registries: formats, all-or-nothing, limits, the command, the browser flow."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_scopes import scopes_disabled

from schools.imports import files, pending
from schools.imports.files import ImportFileError, read_table
from schools.imports.kinds import KINDS
from schools.imports.runner import import_table
from schools.models import (
    EmploymentStatus,
    PartnerKind,
    PartnerOrganization,
    QualificationCategory,
    Staff,
    Student,
)
from schools.tenancy import school_scope

STAFF_HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Год рождения",
    "Должность",
    "Предметы",
    "Дата приёма",
    "Стаж, лет",
    "Педагогическое образование",
    "Категория",
    "Статус",
    "E-mail",
]
STUDENT_HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Класс",
    "Законный представитель",
    "Телефон представителя",
    "E-mail представителя",
]
PARTNER_HEADERS = ["Наименование", "Вид", "ИНН", "Адрес", "Телефон", "E-mail", "Сайт"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    return "\n".join(delimiter.join(str(c) for c in row) for row in rows).encode(encoding)


def run(kind: str, school, name: str, content: bytes, *, commit: bool = True):
    with school_scope([school.pk]):
        return import_table(KINDS[kind], school, read_table(name, content), commit=commit)


def staff_rows(school) -> list[tuple]:
    with scopes_disabled():
        return list(
            Staff.objects.filter(school=school)
            .order_by("pk")
            .values_list(
                "last_name",
                "first_name",
                "patronymic",
                "birth_year",
                "position",
                "subjects",
                "hire_date",
                "experience_years",
                "has_pedagogical_education",
                "qualification_category",
                "employment_status",
                "email",
                "returned_after_break_on",
            )
        )


def all_rows(model, school) -> list[tuple]:
    with scopes_disabled():
        fields = [f.attname for f in model._meta.concrete_fields]
        return list(model.objects.filter(school=school).order_by("pk").values_list(*fields))


GOOD_STAFF = [
    STAFF_HEADERS,
    [
        "Соколова",
        "Елена",
        "Андреевна",
        1995,
        "учитель математики",
        "математика",
        "01.09.2022",
        2,
        "да",
        "ПЕРВАЯ",
        "работает",
        "sokolova@school.ru",
    ],
    ["Орлов", "Денис", "", "1980", "учитель физики", "физика", "2005-09-01", "18", "нет", "высшая", "", ""],
]


# --- Happy paths ---------------------------------------------------------------------------------


def test_a_staff_csv_in_windows_1251_imports_with_russian_labels_dates_and_yes_no(world):
    school = world.a.school
    report = run("staff", school, "kadry.csv", csv_bytes(GOOD_STAFF, encoding="cp1251"))
    assert report.ok, [str(i) for i in report.issues]
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    with scopes_disabled():
        sokolova = Staff.objects.get(school=school, last_name="Соколова")
        orlov = Staff.objects.get(school=school, last_name="Орлов")
    assert sokolova.birth_year == 1995
    assert sokolova.hire_date == date(2022, 9, 1)
    assert sokolova.qualification_category == QualificationCategory.FIRST
    assert sokolova.has_pedagogical_education is True
    assert sokolova.employment_status == EmploymentStatus.WORKS
    assert orlov.patronymic == ""
    assert orlov.hire_date == date(2005, 9, 1)
    assert orlov.experience_years == 18
    assert orlov.has_pedagogical_education is False
    assert orlov.qualification_category == QualificationCategory.HIGHEST
    assert orlov.employment_status == EmploymentStatus.WORKS  # empty cell: the default


def test_a_students_xlsx_with_real_date_cells_imports_and_warns_about_a_minor_without_guardian(world):
    school = world.a.school
    content = xlsx(
        [
            STUDENT_HEADERS,
            [
                "Смирнов",
                "Артём",
                "Игоревич",
                datetime(2011, 3, 14),
                "8Б",
                "Смирнова Ольга Викторовна",
                "+7 912 345-67-89",
                "smirnova@mail.ru",
            ],
            ["Кузнецова", "Дарья", "", "02.11.2012", "7А", "", 89121234567, ""],
        ]
    )
    report = run("students", school, "deti.xlsx", content)
    assert report.ok, [str(i) for i in report.issues]
    assert report.created == 2
    with scopes_disabled():
        darya = Student.objects.get(school=school, last_name="Кузнецова")
    assert darya.birth_date == date(2012, 11, 2)
    assert darya.guardian_phone == "89121234567"
    assert any("законный представитель не указан" in w for w in report.rows[1].warnings)
    assert report.rows[0].warnings == []


def test_partners_import_restores_the_leading_zero_excel_drops_from_an_inn(world):
    school = world.a.school
    content = xlsx(
        [
            PARTNER_HEADERS,
            ["ООО «Ромашка»", "предприятие, организация", 278123456, "г. Уфа", "", "", "romashka.ru"],
            ["УрФУ", "ВУЗ", "6661000000", "", "", "info@urfu.ru", ""],
        ]
    )
    report = run("partners", school, "partnery.xlsx", content)
    assert report.ok, [str(i) for i in report.issues]
    with scopes_disabled():
        romashka = PartnerOrganization.objects.get(school=school, name="ООО «Ромашка»")
        urfu = PartnerOrganization.objects.get(school=school, name="УрФУ")
    assert romashka.inn == "0278123456"
    assert romashka.website == "https://romashka.ru"
    assert urfu.kind == PartnerKind.UNIVERSITY


def test_a_second_import_updates_records_found_by_their_natural_key(world):
    school = world.a.school
    run("staff", school, "kadry.csv", csv_bytes(GOOD_STAFF))
    changed = [
        STAFF_HEADERS,
        ["соколова", "Елена", "Андреевна", 1995, "заместитель директора", "", "", "", "", "", "", ""],
    ]
    report = run("staff", school, "kadry.csv", csv_bytes(changed))
    assert (report.created, report.updated) == (0, 1)
    with scopes_disabled():
        person = Staff.objects.get(school=school, first_name="Елена")
    assert person.position == "заместитель директора"
    assert person.qualification_category == QualificationCategory.FIRST  # empty choice cell: kept
    assert person.experience_years == 2  # empty counter: kept


def test_a_row_with_a_birth_year_completes_the_one_record_kept_without_it(world):
    school = world.a.school
    with scopes_disabled():
        Staff.objects.create(
            school=school, last_name="Белова", first_name="Нина", patronymic="Ильинична", position="учитель"
        )
    rows = [STAFF_HEADERS[:5], ["Белова", "Нина", "Ильинична", 1979, "учитель"]]
    report = run("staff", school, "kadry.csv", csv_bytes(rows))
    assert (report.created, report.updated) == (0, 1)
    with scopes_disabled():
        assert Staff.objects.get(school=school, last_name="Белова").birth_year == 1979


def test_an_import_touches_only_the_importing_school(world):
    with scopes_disabled():
        Staff.objects.create(
            school=world.b.school,
            last_name="Соколова",
            first_name="Елена",
            patronymic="Андреевна",
            birth_year=1995,
            position="учитель",
        )
    run("staff", world.a.school, "kadry.csv", csv_bytes(GOOD_STAFF))
    with scopes_disabled():
        assert Staff.objects.get(school=world.b.school, last_name="Соколова").position == "учитель"
        assert Staff.objects.filter(school=world.a.school, last_name="Соколова").count() == 1


# --- Round trip ----------------------------------------------------------------------------------


def _export(client, kind: str) -> bytes:
    response = client.get(reverse("schools:export", kwargs={"kind": kind}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.content


@pytest.mark.parametrize(
    ("kind", "model", "name", "content"),
    [
        ("staff", Staff, "kadry.csv", csv_bytes(GOOD_STAFF)),
        (
            "students",
            Student,
            "deti.csv",
            csv_bytes(
                [
                    STUDENT_HEADERS,
                    [
                        "Смирнов",
                        "Артём",
                        "Игоревич",
                        "14.03.2011",
                        "8Б",
                        "Смирнова О. В.",
                        "+7 912 345-67-89",
                        "",
                    ],
                ]
            ),
        ),
        (
            "partners",
            PartnerOrganization,
            "partnery.csv",
            csv_bytes(
                [
                    PARTNER_HEADERS,
                    ["ООО «Ромашка»", "вуз", "0278123456", "г. Уфа", "", "", "https://romashka.ru"],
                ]
            ),
        ),
    ],
)
def test_importing_an_exported_file_changes_nothing(client, world, kind, model, name, content):
    school = world.a.school
    run(kind, school, name, content)
    before = all_rows(model, school)
    client.force_login(world.user("a", "curator"))

    exported = _export(client, kind)
    report = run(kind, school, "export.xlsx", exported)

    assert report.ok and report.committed
    assert len(report.rows) == len(before)
    assert all(r.action == "skip" for r in report.rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert all_rows(model, school) == before


def test_the_export_holds_the_template_columns_and_only_the_own_school(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.get(reverse("schools:export", kwargs={"kind": "staff"}))
    today = date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="pedagogi-school-a-{today}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == KINDS["staff"].columns()
    names = [r[0] for r in rows[1:]]
    assert names == [world.a.marker]
    assert world.b.marker not in names
    assert workbook.sheetnames[1] == "Пояснения"


def test_the_template_has_the_russian_headers_and_a_sheet_explaining_them(client, world):
    client.force_login(world.user("a", "director"))
    response = client.get(reverse("schools:import-template", kwargs={"kind": "students"}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="shablon-obuchayushchiesya.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Обучающиеся", "Пояснения"]
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header)[:8] == STUDENT_HEADERS
    notes = [r[0] for r in workbook["Пояснения"].iter_rows(values_only=True) if r[0]]
    assert "Дата рождения" in notes


# --- All or nothing ------------------------------------------------------------------------------


def _students_with_a_bad_date_in_row_4() -> list[list]:
    return [
        STUDENT_HEADERS,
        ["Смирнов", "Артём", "Игоревич", "14.03.2011", "8Б", "Смирнова О. В.", "", ""],
        ["Кузнецова", "Дарья", "", "02.11.2012", "7А", "Кузнецов И. П.", "", ""],
        ["Попов", "Илья", "", "31.02.2011", "8Б", "Попова А. А.", "", ""],
        ["Волкова", "Алиса", "", "05.05.2010", "9А", "Волков Д. С.", "", ""],
    ]


@pytest.mark.parametrize("make", [xlsx, csv_bytes], ids=["xlsx", "csv"])
def test_one_bad_row_rejects_the_whole_file_naming_the_row_and_the_column(world, make):
    school = world.a.school
    name = "deti.xlsx" if make is xlsx else "deti.csv"
    report = run("students", school, name, make(_students_with_a_bad_date_in_row_4()))

    assert not report.ok and not report.committed
    messages = [str(i) for i in report.issues]
    assert len(messages) == 1
    assert messages[0].startswith("Строка 4, «Дата рождения»: Не удалось прочитать дату «31.02.2011»")
    with scopes_disabled():
        assert not Student.objects.filter(school=school).exists()


def test_model_validation_and_registry_rules_are_reported_per_cell(world):
    rows = [
        STAFF_HEADERS,
        ["", "Елена", "", 1995, "учитель", "", "", "", "", "", "", "не-почта"],
        ["Орлов", "Денис", "", 2020, "учитель", "", "", "пять", "может быть", "доцент", "", ""],
    ]
    report = run("staff", world.a.school, "kadry.csv", csv_bytes(rows))
    messages = [str(i) for i in report.issues]
    assert "Строка 2, «Фамилия»: Это поле не может быть пустым." in messages
    assert "Строка 2, «E-mail»: Введите правильный адрес электронной почты." in messages
    assert any(m.startswith("Строка 3, «Год рождения»: Год рождения должен быть от 1920") for m in messages)
    assert "Строка 3, «Стаж, лет»: Укажите целое число, а не «пять»." in messages
    assert "Строка 3, «Педагогическое образование»: Укажите «да» или «нет», а не «может быть»." in messages
    assert any(
        m.startswith(
            "Строка 3, «Категория»: Неизвестное значение «доцент». Допустимые значения: без категории;"
        )
        for m in messages
    )
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 1  # the world's marker person only


def test_duplicate_rows_in_one_file_are_an_error_naming_both_rows(world):
    rows = [
        STUDENT_HEADERS,
        ["Смирнов", "Артём", "Игоревич", "14.03.2011", "8Б", "Смирнова О. В.", "", ""],
        ["Попов", "Илья", "", "01.02.2011", "8Б", "Попова А. А.", "", ""],
        ["Кузнецова", "Дарья", "", "02.11.2012", "7А", "Кузнецов И. П.", "", ""],
        ["СМИРНОВ", "Артём", "Игоревич", "2011-03-14", "8А", "", "", ""],
    ]
    report = run("students", world.a.school, "deti.csv", csv_bytes(rows))
    assert [str(i) for i in report.issues] == [
        "Строка 5: Повторяет строку 2: совпадают «Фамилия», «Имя», «Отчество», «Дата рождения»."
    ]
    with scopes_disabled():
        assert not Student.objects.exists()


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_spreadsheet(world):
    rows = [
        STUDENT_HEADERS,
        ["Смирнов", "Артём", "", "14.03.2011", "8Б", "С. О. В.", "", ""],
        [],
        ["Попов", "Илья", "", "завтра", "8Б", "П. А. А.", "", ""],
    ]
    report = run("students", world.a.school, "deti.xlsx", xlsx(rows))
    assert [i.row for i in report.issues] == [4]


# --- What the file may look like -----------------------------------------------------------------


def test_a_missing_required_column_is_named(world):
    rows = [["Фамилия", "Должность"], ["Орлов", "учитель"]]
    with pytest.raises(
        ImportFileError, match="В файле нет обязательных столбцов: «Имя», «Отчество», «Год рождения»"
    ):
        run("staff", world.a.school, "kadry.csv", csv_bytes(rows))


def test_unknown_columns_are_ignored_with_a_warning(world):
    rows = [[*STAFF_HEADERS[:5], "Любимый цвет"], ["Орлов", "Денис", "", "1980", "учитель", "синий"]]
    report = run("staff", world.a.school, "kadry.csv", csv_bytes(rows))
    assert report.committed
    assert report.file_warnings == ["Столбцы не распознаны и пропущены: «Любимый цвет»."]


def test_headers_are_matched_without_regard_to_case_and_spaces(world):
    rows = [
        ["  фамилия ", "ИМЯ", "отчество", "год  рождения", "Должность"],
        ["Орлов", "Денис", "", "1980", "учитель"],
    ]
    report = run("staff", world.a.school, "kadry.csv", csv_bytes(rows, delimiter=","))
    assert report.committed and report.created == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kadry.xlsx", "Фамилия;Имя\nОрлов;Денис\n".encode()),  # a text file called .xlsx
        ("kadry.txt", b"anything"),
        ("kadry.xls", b"\xd0\xcf\x11\xe0 old Excel"),
        ("kadry.csv", xlsx([["Фамилия"]])),  # a workbook called .csv
        ("kadry.xlsx", b"PK\x03\x04" + b"\x00" * 100),  # a broken zip
    ],
    ids=["text-as-xlsx", "txt", "xls", "xlsx-as-csv", "broken-zip"],
)
def test_a_file_of_the_wrong_type_is_refused(name, content):
    with pytest.raises(ImportFileError, match="Файл должен быть в формате XLSX или CSV"):
        read_table(name, content)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="не является книгой Excel"):
        read_table("kadry.xlsx", buffer.getvalue())


def test_a_file_over_5_mb_is_refused():
    with pytest.raises(
        ImportFileError, match=re.escape("Файл слишком большой: 5,0 МБ. Можно загрузить файл до 5 МБ.")
    ):
        read_table("kadry.csv", b"a" * (5 * 1024 * 1024 + 1))


def test_more_than_5000_rows_are_refused():
    rows = [["Фамилия", "Имя"]] + [[f"Орлов{i}", "Денис"] for i in range(5001)]
    with pytest.raises(ImportFileError, match="В файле больше 5000 строк с данными"):
        read_table("kadry.csv", csv_bytes(rows))
    assert len(read_table("kadry.csv", csv_bytes(rows[:5001])).rows) == 5000


def _bomb(member_bytes: int) -> bytes:
    """A valid-looking workbook whose sheet expands from a few kilobytes to ``member_bytes``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * member_bytes)
    return buffer.getvalue()


@pytest.mark.parametrize("size", [60 * 1024 * 1024, 3 * 1024 * 1024], ids=["over-50-mb", "ratio"])
def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(size, monkeypatch):
    content = _bomb(size)
    assert len(content) < 100 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open the archive")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(ImportFileError, match="после распаковки слишком велик"):
        read_table("bomb.xlsx", content)


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_csv_in_utf8_with_bom_and_comma_delimiter_is_read():
    table = read_table("x.csv", csv_bytes([["Фамилия", "Имя"], ["Орлов", "Денис"]], delimiter=","))
    assert table.headers == ["Фамилия", "Имя"]
    assert table.rows == [["Орлов", "Денис"]]
    assert table.numbers == [2]


def test_a_file_with_headers_only_is_refused():
    with pytest.raises(ImportFileError, match="В файле нет строк с данными"):
        read_table("x.xlsx", xlsx([STAFF_HEADERS]))


# --- The command ---------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_russian_summary(world, tmp_path):
    path = tmp_path / "kadry.xlsx"
    path.write_bytes(xlsx(GOOD_STAFF))
    out = io.StringIO()
    call_command("import_data", "staff", str(path), "--school", "school-a", stdout=out)
    assert "Импортировано: создано 2, обновлено 0, без изменений 0." in out.getvalue()
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 3


def test_the_command_rejects_a_file_with_a_bad_row_and_writes_nothing(world, tmp_path):
    path = tmp_path / "deti.csv"
    path.write_bytes(csv_bytes(_students_with_a_bad_date_in_row_4()))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Ничего не сохранено") as raised:
        call_command("import_data", "students", str(path), "--school", "school-a", stderr=err)
    assert raised.value.returncode == 1
    assert "Строка 4, «Дата рождения»: Не удалось прочитать дату «31.02.2011»" in err.getvalue()
    with scopes_disabled():
        assert not Student.objects.exists()


def test_the_command_dry_run_checks_and_writes_nothing(world, tmp_path):
    path = tmp_path / "kadry.csv"
    path.write_bytes(csv_bytes(GOOD_STAFF))
    out = io.StringIO()
    call_command("import_data", "staff", str(path), "--school", "school-a", "--dry-run", stdout=out)
    assert (
        "Проверка пройдена, ничего не записано. Будет создано 2, обновлено 0, без изменений 0."
        in out.getvalue()
    )
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["staff", "{path}", "--school", "no-such-school"],
            "Организация с кодом «no-such-school» не найдена.",
        ),
        (["staff", "{tmp}/missing.csv", "--school", "school-a"], "не найден"),
        (["nothing", "{path}", "--school", "school-a"], "invalid choice: 'nothing'"),
    ],
    ids=["unknown-school", "missing-file", "unknown-kind"],
)
def test_the_command_refuses_a_wrong_command_line(world, tmp_path, args, message):
    path = tmp_path / "kadry.csv"
    path.write_bytes(csv_bytes(GOOD_STAFF))
    with pytest.raises(CommandError, match=message):
        call_command("import_data", *[a.format(path=path, tmp=tmp_path) for a in args])


def test_the_command_reports_a_file_error(world, tmp_path):
    path = tmp_path / "kadry.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(CommandError, match=re.escape("kadry.xlsx: Файл должен быть в формате XLSX или CSV")):
        call_command("import_data", "staff", str(path), "--school", "school-a")


# --- In the browser ------------------------------------------------------------------------------


def _upload(client, kind: str, name: str, content: bytes):
    return client.post(
        reverse("schools:import", kwargs={"kind": kind}), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_browser_flow_previews_then_imports_on_confirmation(client, world):
    client.force_login(world.user("a", "curator"))
    page = client.get(reverse("schools:import", kwargs={"kind": "staff"}))
    assert "Скачать шаблон XLSX" in page.content.decode()

    preview = _upload(client, "staff", "kadry.xlsx", xlsx(GOOD_STAFF))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Будет создано 2, обновлено 0, без изменений 0." in html
    assert html.count("будет создана") == 2
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 1  # nothing written yet
    token = preview.context["confirm_form"].initial["token"]

    done = client.post(
        reverse("schools:import-confirm", kwargs={"kind": "staff"}), {"token": token}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("schools:staff-list")
    assert "Импортировано: создано 2, обновлено 0, без изменений 0." in done.content.decode()
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 3
    # The file is gone: the same token cannot import twice.
    again = client.post(reverse("schools:import-confirm", kwargs={"kind": "staff"}), {"token": token})
    assert again.status_code == 404


def test_the_preview_of_a_bad_file_shows_every_error_and_offers_no_confirmation(client, world):
    client.force_login(world.user("a", "curator"))
    response = _upload(client, "students", "deti.csv", csv_bytes(_students_with_a_bad_date_in_row_4()))
    html = response.content.decode()
    assert "Строка 4, «Дата рождения»: Не удалось прочитать дату «31.02.2011»" in html
    assert "Ничего не сохранено" in html
    assert response.context["confirm_form"] is None
    assert 'data-testid="import-confirm"' not in html


def test_the_upload_page_shows_a_file_error_next_to_the_field(client, world):
    client.force_login(world.user("a", "curator"))
    response = _upload(client, "staff", "kadry.xlsx", b"just text")
    assert response.status_code == 200
    assert "Файл должен быть в формате XLSX или CSV" in str(response.context["upload_form"].errors["file"])


def test_an_upload_over_5_mb_is_refused_by_the_form(client, world):
    client.force_login(world.user("a", "curator"))
    response = _upload(client, "staff", "kadry.csv", b"a" * (5 * 1024 * 1024 + 10))
    assert "Файл слишком большой" in str(response.context["upload_form"].errors["file"])


def test_a_token_of_another_school_is_a_404(client, world):
    token = pending.store(
        school=world.b.school, kind="staff", extension=".csv", content=csv_bytes(GOOD_STAFF)
    )
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:import-confirm", kwargs={"kind": "staff"}), {"token": token})
    assert response.status_code == 404
    with scopes_disabled():
        assert not Staff.objects.filter(last_name="Соколова").exists()


@pytest.mark.parametrize("token", ["../../etc/passwd", "abc", "A" * 32])
def test_a_malformed_token_is_a_404(client, world, token):
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:import-confirm", kwargs={"kind": "staff"}), {"token": token})
    assert response.status_code == 404


def test_an_unknown_kind_is_a_404(client, world):
    client.force_login(world.user("a", "curator"))
    for name in ("schools:import", "schools:import-template", "schools:export"):
        assert client.get(reverse(name, kwargs={"kind": "nothing"})).status_code == 404


@pytest.mark.parametrize("role", ["psychologist", "mentor", "municipal_methodist"])
def test_only_the_director_and_the_curator_import_or_export(client, world, role):
    client.force_login(world.user("a", role))
    assert _upload(client, "staff", "kadry.csv", csv_bytes(GOOD_STAFF)).status_code == 404
    assert client.get(reverse("schools:export", kwargs={"kind": "staff"})).status_code == 404
    with scopes_disabled():
        assert Staff.objects.filter(school=world.a.school).count() == 1


def test_stale_pending_uploads_are_purged(world, settings):
    import os
    import time

    token = pending.store(school=world.a.school, kind="staff", extension=".csv", content=b"x")
    path = os.path.join(settings.MEDIA_ROOT, "imports", str(world.a.school.pk), f"staff-{token}.csv")
    old = time.time() - 2 * 24 * 3600
    os.utime(path, (old, old))
    pending.store(school=world.a.school, kind="staff", extension=".csv", content=b"y")
    assert not os.path.exists(path)


def test_limits_are_the_documented_ones():
    assert files.MAX_FILE_BYTES == 5 * 1024 * 1024
    assert files.MAX_ROWS == 5000
    assert files.MAX_UNCOMPRESSED_BYTES == 50 * 1024 * 1024


def test_the_confirmation_validates_the_file_again(client, world):
    client.force_login(world.user("a", "curator"))
    preview = _upload(client, "staff", "kadry.csv", csv_bytes(GOOD_STAFF))
    token = preview.context["confirm_form"].initial["token"]
    with scopes_disabled():  # meanwhile the base gets two records that the first row would match
        for _ in range(2):
            Staff.objects.create(
                school=world.a.school,
                last_name="Соколова",
                first_name="Елена",
                patronymic="Андреевна",
                birth_year=1995,
                position="учитель",
            )

    response = client.post(reverse("schools:import-confirm", kwargs={"kind": "staff"}), {"token": token})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Данные изменились после проверки файла, импорт не выполнен." in html
    assert "Строка 2: В базе несколько записей с такими же значениями" in html
    with scopes_disabled():
        assert not Staff.objects.filter(last_name="Орлов").exists()  # row 3 was fine, but not written
