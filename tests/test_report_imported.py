"""The municipal report on an imported dataset: staff, last year's pairs and programs from files.

A school that starts mid-way brings its history through ``import_data staff|pairs|programs``; the
report of that year must count it by the rules of docs/indicators.md, like data entered by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from monitoring.compute import Period
from monitoring.report import build_municipal_report
from programs.imports_history import register_history_kinds
from programs.models import PersonalizedProgram, ProgramStatus
from schools.imports.kinds import KINDS
from schools.models import SchoolKind
from tests.factories import MunicipalityFactory, SchoolFactory

YEAR = Period(start=date(2024, 9, 1), end=date(2025, 8, 31), as_of=date(2025, 8, 31))

STAFF = [
    ["Фамилия", "Имя", "Отчество", "Год рождения", "Должность", "Стаж, лет", "Дата приёма", "Статус"],
    ["Наставникова", "Анна", "Петровна", "1975", "учитель математики", "25", "01.09.2000", "работает"],
    ["Опытнова", "Вера", "Ивановна", "1980", "учитель химии", "20", "01.09.2005", "работает"],
    # Young: 0–3 years inclusive; the boundary case 3 is young, 4 is not.
    ["Молодова", "Дарья", "Сергеевна", "2000", "учитель истории", "1", "01.09.2023", "работает"],
    ["Начинаева", "Ольга", "Игоревна", "1999", "учитель биологии", "3", "01.09.2021", "работает"],
    ["Почтимолодова", "Нина", "Павловна", "1997", "учитель музыки", "4", "01.09.2020", "работает"],
    ["Старшова", "Галина", "Олеговна", "1985", "учитель физики", "2", "01.09.2022", "работает"],
]
PAIRS = [
    ["Номер пары", "Наставник", "Наставляемый", "Форма", "Начало", "Окончание (план)", "Статус",
     "Дата окончания", "Причина прекращения", "Номер приказа", "Дата приказа"],
    ["1", "Наставникова Анна Петровна", "Молодова Дарья Сергеевна", "учитель – учитель", "01.09.2024",
     "31.05.2025", "завершена", "", "", "12-о", "02.09.2024"],
    ["2", "Опытнова Вера Ивановна", "Начинаева Ольга Игоревна", "учитель – учитель", "01.09.2024",
     "31.05.2025", "прекращена досрочно", "15.01.2025", "переезд", "12-о", "02.09.2024"],
    ["3", "Наставникова Анна Петровна", "Старшова Галина Олеговна", "учитель – учитель", "01.10.2024",
     "31.05.2025", "завершена", "", "", "15-о", "01.10.2024"],
]  # fmt: skip
PROGRAMS = [
    ["Наставник", "Наставляемый", "Начало пары", "Программа", "Цель", "Начало программы",
     "Окончание программы", "Статус программы", "Дата окончания программы", "Причина прекращения",
     "Мероприятие", "Срок", "Выполнено"],
    ["Наставникова Анна Петровна", "Молодова Дарья Сергеевна", "01.09.2024", "Первый год", "Адаптация",
     "01.09.2024", "31.05.2025", "выполнена", "", "", "Посещение уроков", "15.10.2024", "да"],
    ["Опытнова Вера Ивановна", "Начинаева Ольга Игоревна", "01.09.2024", "Методика урока", "Освоить урок",
     "01.09.2024", "31.05.2025", "прекращена досрочно", "15.01.2025", "переезд", "Открытый урок",
     "15.11.2024", "да"],
    ["Наставникова Анна Петровна", "Старшова Галина Олеговна", "01.10.2024", "Вхождение в должность",
     "Адаптация", "01.10.2024", "31.05.2025", "выполнена", "", "", "Консультация", "15.11.2024", "да"],
]  # fmt: skip


def _csv(tmp_path, name: str, rows: list[list[str]]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def _history_kinds():
    added = [key for key in ("pairs", "programs") if key not in KINDS]
    register_history_kinds()
    yield
    for key in added:
        KINDS.pop(key, None)


@pytest.fixture
def imported(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        town = MunicipalityFactory()
        school = SchoolFactory(municipality=town, kind=SchoolKind.GENERAL, short_name="МБОУ СОШ № 7")
    for kind, rows in (("staff", STAFF), ("pairs", PAIRS), ("programs", PROGRAMS)):
        call_command("import_data", kind, _csv(tmp_path, f"{kind}.csv", rows), school=school.code)
    return town, school


def test_imported_programs_are_approved_from_their_start(imported):
    _town, school = imported
    with scopes_disabled():
        programs = PersonalizedProgram.objects.filter(school=school).order_by("start_date", "pk")
        assert [(p.status, p.approved_at.date()) for p in programs] == [
            (ProgramStatus.COMPLETED, date(2024, 9, 1)),
            (ProgramStatus.ENDED_EARLY, date(2024, 9, 1)),
            (ProgramStatus.COMPLETED, date(2024, 10, 1)),
        ]


def test_the_report_counts_the_imported_year_by_the_indicator_rules(imported):
    town, _school = imported
    with scopes_disabled():
        report = build_municipal_report(town, YEAR, use_snapshot=False)
    staffing = {row[0]: row[-1] for row in report.table("table3").rows}  # one school type: one column
    assert staffing["Педагогических работников"] == 6
    assert staffing["Молодых педагогов (стаж 0–3 года)"] == 3  # 1, 3 and 2 years; 4 is not young
    assert staffing["Молодых педагогов — наставляемых"] == 3
    assert staffing["Доля молодых педагогов с наставником"] == D("100.0")
    assert staffing["Наставников всего"] == 2
    assert staffing["Наставнических пар по приказу"] == 3
    assert staffing["Утверждённых персонализированных программ"] == 3
    assert staffing["Реализованных персонализированных программ"] == 2
    assert report.table("table6").rows[-1][2:] == [3, 2, D("66.7"), 1, D("33.3")]
    assert [row[1:] for row in report.table("table6_reasons").rows] == [["Переезд", 1]]
