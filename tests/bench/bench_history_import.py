"""Benchmark of the history import: a 2,000-row pairs file and a 2,000-row programs file.

One school with 500 teachers and 1,600 students; the pairs file holds 600 one-to-one pairs of
teachers and 350 groups of four students (2,000 rows); the programs file a program of five
activities for each of the 400 one-to-one pairs that did not break off (2,000 rows). Each file goes
through ``import_table(commit=True)``, which checks it in a dry run and then imports it — what
«Импортировать» does. The database is a
throwaway test database (SQLite in memory, or ``test_<name>`` on PostgreSQL with DATABASE_URL).
Prints the wall-clock and the CPU time of each; exit code 1 when the CPU time misses the target
(on a shared machine the wall clock measures the neighbours; with SQLite the database work is in
this process and counted too). Run alone with
``python -m tests.bench.bench_history_import``.
"""

from __future__ import annotations

import sys
import time
from datetime import date

TEACHERS = 500
STUDENTS = 1600
ONE_TO_ONE = 600
GROUPS = 350
GROUP_SIZE = 4
TARGET_SECONDS = 5.0


def _build(school) -> tuple[list[list], list[list]]:
    """The school's registries and the two files as rows (header first)."""
    from programs.imports_history import PAIRS_KIND, PROGRAMS_KIND
    from schools.models import Staff, Student

    Staff.objects.bulk_create(
        [
            Staff(
                school=school,
                last_name=f"Учителева{i}",
                first_name="Мария",
                patronymic="Петровна",
                position="учитель",
            )
            for i in range(TEACHERS)
        ]
    )
    Student.objects.bulk_create(
        [
            Student(
                school=school,
                last_name=f"Ученик{i}",
                first_name="Илья",
                patronymic="Олегович",
                birth_date=date(2010, 1 + i % 12, 1 + i % 28),
                grade=f"{7 + i % 4}А",
            )
            for i in range(STUDENTS)
        ]
    )
    statuses = ("завершена", "прекращена досрочно", "работает")
    pair_headers, program_headers = PAIRS_KIND.columns(), PROGRAMS_KIND.columns()

    def pair_row(key: int, mentor: str, mentee: str, form: str) -> list:
        status = statuses[key % 3]
        values = {
            "Номер пары": key,
            "Наставник": mentor,
            "Наставляемый": mentee,
            "Форма": form,
            "Начало": "01.09.2024",
            "Окончание (план)": "31.05.2025",
            "Статус": status,
            "Дата окончания": "15.01.2025" if status == "прекращена досрочно" else "",
            "Причина прекращения": "переезд" if status == "прекращена досрочно" else "",
            "Номер приказа": f"{key}-о",
            "Дата приказа": "02.09.2024",
        }
        return [values.get(h, "") for h in pair_headers]

    pairs, programs = [pair_headers], [program_headers]
    for i in range(ONE_TO_ONE):
        mentor, mentee = i % 250, 250 + (i + i // 250) % 250  # 600 distinct mentor–mentee couples
        pairs.append(
            pair_row(
                i,
                f"Учителева{mentor} Мария Петровна",
                f"Учителева{mentee} Мария Петровна",
                "учитель – учитель",
            )
        )
    for g in range(GROUPS):
        key = ONE_TO_ONE + g
        for m in range(GROUP_SIZE):
            pairs.append(
                pair_row(
                    key,
                    f"Учителева{g} Мария Петровна",
                    f"Ученик{g * GROUP_SIZE + m} Илья Олегович",
                    "учитель – ученик",
                )
            )
    # Programs of the one-to-one pairs that did not break off (400), five activities each: 2,000 rows.
    activities = [
        ("Посещение уроков", "15.10.2024"),
        ("Консультация", "15.11.2024"),
        ("Семинар", "15.12.2024"),
    ]
    activities += [("Открытый урок", "15.03.2025"), ("Итоговая встреча", "15.05.2025")]
    for row in pairs[1 : ONE_TO_ONE + 1]:
        mentor, mentee, status = row[1], row[3], row[pair_headers.index("Статус")]
        if status == "прекращена досрочно":
            continue
        program_status = "выполнена" if status == "завершена" else "реализуется"
        for n, (title, due) in enumerate(activities):
            values = {
                "Наставник": mentor,
                "Наставляемый": mentee,
                "Начало пары": "01.09.2024",
                "Мероприятие": title,
                "Вид мероприятия": "встреча",
                "Срок": due,
                "Выполнено": "да" if program_status == "выполнена" or n < 2 else "нет",
            }
            if n == 0:
                values |= {
                    "Программа": "Адаптация",
                    "Цель": "Освоить технологии урока",
                    "Начало программы": "01.09.2024",
                    "Окончание программы": "31.05.2025",
                    "Статус программы": program_status,
                }
            programs.append([values.get(h, "") for h in program_headers])
    return pairs, programs


def _timed(kind_key: str, school, rows: list[list]) -> tuple[float, float, int]:
    from schools.imports.files import Table
    from schools.imports.kinds import KINDS
    from schools.imports.runner import import_table
    from schools.tenancy import school_scope

    table = Table(headers=rows[0], rows=rows[1:], numbers=list(range(2, len(rows) + 1)))
    with school_scope([school.pk]):
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_table(KINDS[kind_key], school, table, commit=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if not report.committed:
        raise RuntimeError("; ".join(str(i) for i in report.issues[:5]))
    return elapsed, cpu, len(table.rows)


def main() -> int:
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django_scopes import scopes_disabled

    from programs.imports_history import register_history_kinds
    from tests.factories import SchoolFactory

    register_history_kinds()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    missed = False
    try:
        with scopes_disabled():
            school = SchoolFactory(code="bench-history")
            pairs, programs = _build(school)
        for kind, rows in (("pairs", pairs), ("programs", programs)):
            elapsed, cpu, count = _timed(kind, school, rows)
            ok = cpu < TARGET_SECONDS
            missed |= not ok
            print(
                f"history import {kind}: {count} rows checked and imported in {elapsed:.2f} s, "
                f"CPU {cpu:.2f} s (target < {TARGET_SECONDS:.0f} s) {'ok' if ok else 'MISSED'}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 1 if missed else 0


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main())
