"""History import (issue #6): last year's pairs and programs from spreadsheets, all or nothing."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from programs.imports_history import PAIRS_KIND, PROGRAMS_KIND, register_history_kinds
from programs.models import (
    ActivityStatus,
    ActivityType,
    EndReason,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairEvent,
    PairSource,
    PairStatus,
    Participant,
    PersonalizedProgram,
    PlanActivity,
    ProgramChange,
    ProgramStatus,
    ResponsibleRole,
)
from programs.services import pairs as pair_service
from programs.services.participants import participant_for
from schools.imports import pending
from schools.imports.files import read_table
from schools.imports.kinds import KINDS
from schools.imports.runner import import_table
from schools.models import PartnerOrganization, PartnerRepresentative, Staff, Student
from schools.tenancy import school_scope

PAIR_HEADERS = PAIRS_KIND.columns()
PROGRAM_HEADERS = PROGRAMS_KIND.columns()


@pytest.fixture(autouse=True)
def _history_kinds():
    """The kinds as programs/apps.py registers them; removed after the test if this fixture added them."""
    added = [key for key in ("pairs", "programs") if key not in KINDS]
    register_history_kinds()
    yield
    for key in added:
        KINDS.pop(key, None)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Builders ------------------------------------------------------------------------------------


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(kind: str, school, rows: list[list], *, commit: bool = True):
    with school_scope([school.pk]):
        return import_table(KINDS[kind], school, read_table("history.xlsx", xlsx(rows)), commit=commit)


def issues(report) -> list[str]:
    return [str(i) for i in report.issues]


def staff(school, last: str, first: str, patronymic: str, position: str = "учитель") -> Staff:
    return Staff.objects.create(
        school=school, last_name=last, first_name=first, patronymic=patronymic, position=position
    )


def pupil(school, last: str, first: str, patronymic: str, born: date, grade: str = "8Б") -> Student:
    return Student.objects.create(
        school=school, last_name=last, first_name=first, patronymic=patronymic, birth_date=born, grade=grade
    )


@pytest.fixture
def people(world):
    """School A's registries; school B has a teacher whose name appears only there."""
    a, b = world.a.school, world.b.school
    with scopes_disabled():
        org = PartnerOrganization.objects.create(school=a, name="ООО «Уралмаш-Сервис»")
        rep = PartnerRepresentative.objects.create(
            school=a,
            organization=org,
            last_name="Громов",
            first_name="Олег",
            patronymic="Ильич",
            position="инженер",
        )
        return {
            "ivanova": staff(a, "Иванова", "Мария", "Петровна", "учитель математики"),
            "sokolova": staff(a, "Соколова", "Елена", "Андреевна", "учитель математики"),
            "orlov": staff(a, "Орлов", "Денис", "Игоревич", "учитель физики"),
            "petrov_physics": staff(a, "Петров", "Пётр", "Петрович", "учитель физики"),
            "petrov_chemistry": staff(a, "Петров", "Пётр", "Петрович", "учитель химии"),
            "smirnov": pupil(a, "Смирнов", "Артём", "Игоревич", date(2011, 3, 14)),
            "kuzmina": pupil(a, "Кузьмина", "Ольга", "Сергеевна", date(2011, 5, 2)),
            "little": pupil(a, "Малышев", "Иван", "Олегович", date(2016, 1, 10), grade="3А"),
            "gromov": rep,
            "stranger": staff(b, "Чужакова", "Анна", "Сергеевна", "учитель истории"),
        }


def pair_row(key, mentor, mentee, form="учитель – учитель", **cells) -> list:
    values = {
        "Номер пары": key,
        "Наставник": mentor,
        "Наставляемый": mentee,
        "Форма": form,
        "Начало": "01.09.2024",
        "Окончание (план)": "31.05.2025",
        "Статус": "завершена",
        **{k.replace("_", " "): v for k, v in cells.items()},
    }
    return [values.get(h, "") for h in PAIR_HEADERS]


def more_row(key, mentee, **named) -> list:
    """Another mentee of a group: the pair's cells left empty, as people fill a group in."""
    values = {"Номер пары": key, "Наставляемый": mentee, **named}
    return [values.get(h, "") for h in PAIR_HEADERS]


GOOD_PAIRS = [
    PAIR_HEADERS,
    pair_row(
        1,
        "Иванова Мария Петровна",
        "Соколова Елена Андреевна",
        form="Учитель-учитель",
        **{
            "Ролевая модель": "опытный педагог – молодой специалист",
            "Номер приказа": "45-о",
            "Дата приказа": "02.09.2024",
        },
    ),
    pair_row(
        2,
        "Петров Пётр Петрович",
        "Смирнов Артём Игоревич",
        form="учитель – ученик",
        **{
            "Должность или класс наставника": "учитель физики",
            "Статус": "прекращена досрочно",
            "Дата окончания": "15.01.2025",
            "Причина прекращения": "переезд",
        },
    ),
    more_row(2, "Кузьмина Ольга Сергеевна"),
    pair_row(
        "П-3",
        "Громов Олег Ильич",
        "Орлов Денис Игоревич",
        form="работодатель – учитель",
        **{"Статус": "работает", "Номер приказа": "12", "Дата приказа": "01.09.2024"},
    ),
]


def pairs_of(school) -> list[MentoringPair]:
    with scopes_disabled():
        return list(
            MentoringPair.objects.filter(school=school)
            .select_related("form", "kind", "role_model")
            .prefetch_related("mentee_links__mentee__staff", "mentee_links__mentee__student")
            .order_by("pk")
        )


def counts(school) -> tuple[int, ...]:
    with scopes_disabled():
        return (
            MentoringPair.objects.filter(school=school).count(),
            Participant.objects.filter(school=school).count(),
            MentorProfile.objects.filter(school=school).count(),
            PairEvent.objects.filter(pair__school=school).count(),
            PersonalizedProgram.objects.filter(school=school).count(),
            PlanActivity.objects.filter(program__school=school).count(),
        )


# --- Pairs: the happy path -----------------------------------------------------------------------


def test_a_pairs_file_creates_pairs_and_groups_with_statuses_reasons_and_orders(world, people):
    report = run("pairs", world.a.school, GOOD_PAIRS)

    assert report.ok, issues(report)
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    first, group, network = pairs_of(world.a.school)

    assert first.source == PairSource.IMPORT
    assert first.status == PairStatus.COMPLETED
    assert first.form.code == "teacher-teacher"
    assert first.role_model.code == "experienced-young"
    assert first.kind.code == "traditional"
    assert (first.start_date, first.planned_end_date) == (date(2024, 9, 1), date(2025, 5, 31))
    assert first.ended_on == date(2025, 5, 31)  # completed without a date: the planned end
    assert (first.order_number, first.order_date) == ("45-о", date(2024, 9, 2))
    assert [link.mentee.staff for link in first.mentee_links.all()] == [people["sokolova"]]

    assert group.kind.code == "group"  # two mentees and no «Вид»: a group
    with scopes_disabled():
        assert group.mentor_id == Participant.objects.get(staff=people["petrov_physics"]).pk
    assert {link.mentee.student for link in group.mentee_links.all()} == {
        people["smirnov"],
        people["kuzmina"],
    }
    assert (group.status, group.ended_on, group.end_reason) == (
        PairStatus.ENDED_EARLY,
        date(2025, 1, 15),
        EndReason.MOVED,
    )

    assert network.is_network
    assert network.status == PairStatus.ACTIVE
    assert network.form.code == "employer-teacher"

    with scopes_disabled():
        event = PairEvent.objects.get(pair=first)
        assert event.description.startswith("Импортирована из файла истории наставничества")
        assert event.to_status == PairStatus.COMPLETED
        profiles = MentorProfile.objects.filter(school=world.a.school)
        assert profiles.count() == 3
        assert not any(p.is_active for p in profiles)  # history does not volunteer anyone
    warnings = [w for row in report.rows for w in row.warnings]
    assert sum("нет в базе наставников" in w for w in warnings) == 3


def test_a_mentor_already_in_the_base_keeps_the_profile(world, people):
    with scopes_disabled():
        participant = participant_for(people["ivanova"])
        profile = MentorProfile.objects.create(school=world.a.school, participant=participant, capacity=1)

    report = run("pairs", world.a.school, GOOD_PAIRS[:2])

    assert report.ok, issues(report)
    with scopes_disabled():
        profile.refresh_from_db()
        assert profile.capacity == 1 and profile.is_active
        assert MentorProfile.objects.filter(participant=participant).count() == 1
    assert not report.rows[0].warnings


def test_names_are_found_by_initials_and_namesakes_by_position(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(1, "Иванова М.П.", "Соколова Е. А."),
        pair_row(2, "Петров Пётр Петрович", "Орлов Денис", **{"Должность или класс наставника": "химии"}),
    ]
    report = run("pairs", world.a.school, rows)

    assert report.ok, issues(report)
    _first, second = pairs_of(world.a.school)
    assert second.mentor.staff == people["petrov_chemistry"]


# --- Pairs: errors -------------------------------------------------------------------------------


def test_errors_name_the_row_and_the_column_and_nothing_is_written(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна"),
        pair_row(2, "Иванова Мария Петровна", "Орлов Денис Игоревич", form="учитель-родитель"),
        pair_row(3, "Орлов Денис Игоревич", "Соколова Елена Андреевна", **{"Статус": "прекращена досрочно"}),
        pair_row(4, "Петров Пётр Петрович", "Орлов Денис Игоревич"),
        pair_row(5, "Иванова Мария Петровна", "Орлов Денис Игоревич", **{"Окончание (план)": "01.08.2024"}),
        pair_row(6, "Иванова Мария Петровна", "Смирнов Артём Игоревич"),
        pair_row(7, "Иванова Мария Петровна", "Малышев Иван Олегович", form="учитель – ученик"),
        pair_row(8, "Соколова Елена Андреевна", "Орлов Денис Игоревич", **{"Статус": "черновик"}),
        pair_row(9, "Иванова Мария Петровна", "Орлов Денис Игоревич", **{"Начало": "31.02.2024"}),
    ]
    before = counts(world.a.school)

    report = run("pairs", world.a.school, rows)

    assert not report.ok
    assert not report.committed
    found = issues(report)
    forms = "; ".join(f.name for f in MentoringForm.objects.filter(is_active=True).order_by("order", "name"))
    assert f"Строка 3, «Форма»: Неизвестная форма «учитель-родитель». Допустимые: {forms}." in found
    assert "Строка 4, «Дата окончания»: Это поле не может быть пустым." in found
    assert "Строка 4, «Причина прекращения»: Это поле не может быть пустым." in found
    assert (
        "Строка 5, «Наставник»: В базе несколько человек с ФИО «Петров Пётр Петрович» (учитель физики; "
        "учитель химии): уточните должность или класс в столбце «Должность или класс наставника»."
    ) in found
    assert "Строка 6, «Окончание (план)»: Плановое окончание должно быть позже начала." in found
    assert (
        "Строка 7, «Наставляемый»: «Смирнов Артём Игоревич» не найден(а) среди педагогов организации. Такое ФИО "
        "есть среди обучающихся, но в форме «учитель – учитель (педагог – педагог)» наставляемый — педагог."
    ) in found
    assert (
        "Строка 8, «Наставляемый»: Участниками наставничества могут быть обучающиеся с 10 лет: "
        "Малышев Иван Олегович."
    ) in found
    assert (
        "Строка 9, «Статус»: Пара из истории может быть только в статусе: работает; завершена; прекращена досрочно."
    ) in found
    assert any(i.startswith("Строка 10, «Начало»: Не удалось прочитать дату «31.02.2024»") for i in found)
    assert report.rows[0].action == "new" and not report.rows[0].has_errors
    assert counts(world.a.school) == before


def test_one_bad_row_rejects_the_whole_file(world, people):
    rows = [*GOOD_PAIRS, pair_row(9, "Иванова Мария Петровна", "Никтоев Никто Никтоевич")]
    before = counts(world.a.school)

    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        "Строка 6, «Наставляемый»: «Никтоев Никто Никтоевич» не найден(а) среди педагогов организации. "
        "Сначала добавьте человека в базу или проверьте написание ФИО."
    ]
    assert counts(world.a.school) == before


def test_the_rows_of_a_group_repeat_its_first_row_or_leave_the_cells_empty(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(7, "Иванова Мария Петровна", "Соколова Елена Андреевна"),
        pair_row(7, "", "Орлов Денис Игоревич", form="", **{"Начало": "02.09.2024", "Статус": ""}),
        pair_row(7, "Иванова Мария Петровна", "Соколова Елена Андреевна", form=""),
    ]
    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        "Строка 3, «Начало»: Не совпадает с первой строкой этой пары (строка 2: «01.09.2024»). "
        "Повторите значение или оставьте ячейку пустой.",
        "Строка 4, «Наставляемый»: Этот наставляемый уже указан в строке 2 этой пары.",
    ]


def test_the_same_pair_twice_in_one_file_is_an_error(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна"),
        pair_row("1a", "Иванова М. П.", "Соколова Елена Андреевна"),
    ]
    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        "Строка 3: Повторяет пару «1» из строки 2: тот же наставник, те же наставляемые и то же начало."
    ]


def test_an_early_end_needs_a_comment_for_other_and_no_end_for_a_working_pair(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(
            1,
            "Иванова Мария Петровна",
            "Соколова Елена Андреевна",
            **{
                "Статус": "прекращена досрочно",
                "Дата окончания": "01.12.2024",
                "Причина прекращения": "другое",
            },
        ),
        pair_row(
            2,
            "Иванова Мария Петровна",
            "Орлов Денис Игоревич",
            **{"Статус": "работает", "Дата окончания": "01.12.2024"},
        ),
        pair_row(
            3,
            "Петров Пётр Петрович",
            "Орлов Денис Игоревич",
            **{
                "Должность или класс наставника": "учитель физики",
                "Дата окончания": "01.08.2024",
                "Номер приказа": "7",
            },
        ),
    ]
    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        "Строка 2, «Комментарий»: Для причины «другое» опишите её в комментарии.",
        "Строка 3, «Дата окончания»: Дата окончания указывается только для завершённых и прекращённых "
        "досрочно.",
        "Строка 4, «Дата окончания»: Дата окончания раньше начала (01.09.2024).",
        "Строка 4, «Дата приказа»: Укажите дату приказа вместе с его номером.",
    ]


def test_a_file_of_school_a_never_finds_the_people_of_school_b(world, people):
    rows = [PAIR_HEADERS, pair_row(1, "Чужакова Анна Сергеевна", "Соколова Елена Андреевна")]
    before_b = counts(world.b.school)

    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        "Строка 2, «Наставник»: «Чужакова Анна Сергеевна» не найден(а) среди педагогов организации. "
        "Сначала добавьте человека в базу или проверьте написание ФИО."
    ]
    assert counts(world.b.school) == before_b
    # And a good file of A writes in A only.
    assert run("pairs", world.a.school, GOOD_PAIRS).ok
    assert counts(world.b.school) == before_b
    with scopes_disabled():
        assert not Participant.objects.filter(school=world.b.school).exists()


# --- Pairs: importing again ----------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(world, people):
    assert run("pairs", world.a.school, GOOD_PAIRS).committed
    before = counts(world.a.school)

    report = run("pairs", world.a.school, GOOD_PAIRS)

    assert report.ok, issues(report)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert counts(world.a.school) == before


def test_importing_again_with_corrections_updates_the_imported_pair(world, people):
    rows = [
        PAIR_HEADERS,
        pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна", **{"Статус": "работает"}),
    ]
    assert run("pairs", world.a.school, rows).committed
    corrected = [
        PAIR_HEADERS,
        pair_row(
            1,
            "Иванова Мария Петровна",
            "Соколова Елена Андреевна",
            **{
                "Статус": "завершена",
                "Дата окончания": "20.05.2025",
                "Номер приказа": "45",
                "Дата приказа": "02.09.2024",
            },
        ),
    ]

    report = run("pairs", world.a.school, corrected)

    assert report.ok, issues(report)
    assert (report.created, report.updated) == (0, 1)
    (pair,) = pairs_of(world.a.school)
    assert (pair.status, pair.ended_on, pair.order_number) == (PairStatus.COMPLETED, date(2025, 5, 20), "45")
    with scopes_disabled():
        update = PairEvent.objects.filter(pair=pair).last()
    assert update.description == (
        "Обновлена из файла истории наставничества: «Статус»: в системе «работает», в файле «завершена»; "
        "«Дата окончания»: в системе «—», в файле «20.05.2025»; «Номер приказа»: в системе «—», в файле «45»; "
        "«Дата приказа»: в системе «—», в файле «02.09.2024»."
    )
    assert (update.from_status, update.to_status) == ("", PairStatus.COMPLETED)


def test_a_file_never_changes_a_pair_formed_in_the_system(world, people):
    with scopes_disabled():
        mentor = participant_for(people["ivanova"])
        MentorProfile.objects.create(school=world.a.school, participant=mentor)
        pair = pair_service.create_pair(
            school=world.a.school,
            mentor=mentor,
            mentees=[participant_for(people["sokolova"])],
            form=MentoringForm.objects.get(code="teacher-teacher"),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=date(2024, 9, 1),
            planned_end_date=date(2025, 5, 31),
            acting_user=world.user("a", "curator"),
        )
    rows = [PAIR_HEADERS, pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна")]

    report = run("pairs", world.a.school, rows)

    assert issues(report) == [
        f"Строка 2: Эта пара уже ведётся в системе (пара № {pair.pk}, вручную) и отличается от файла: «Статус»: "
        "в системе «черновик», в файле «завершена»; «Дата окончания»: в системе «—», в файле «31.05.2025». "
        "Файл не меняет пары, созданные в системе: исправьте строки или уберите их из файла."
    ]


def test_an_imported_pair_moved_on_in_the_system_is_not_changed_by_an_old_file(world, people):
    working = [
        PAIR_HEADERS,
        pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна", **{"Статус": "работает"}),
    ]
    assert run("pairs", world.a.school, working).committed
    (pair,) = pairs_of(world.a.school)
    with scopes_disabled():
        pair_service.complete(pair, acting_user=world.user("a", "curator"), on=date(2025, 5, 30))

    report = run("pairs", world.a.school, working)

    assert len(report.issues) == 1
    assert str(report.issues[0]).startswith(
        f"Строка 2: Пара № {pair.pk} после импорта менялась в системе (статус «завершена»)"
    )


# --- Programs ------------------------------------------------------------------------------------


def program_row(mentor, mentee, pair_start="01.09.2024", **named) -> list:
    values = {"Наставник": mentor, "Наставляемый": mentee, "Начало пары": pair_start, **named}
    return [values.get(h, "") for h in PROGRAM_HEADERS]


def program_head(**named) -> dict:
    return {
        "Программа": "Адаптация молодого учителя",
        "Цель": "Освоить технологии современного урока",
        "Начало программы": "01.09.2024",
        "Окончание программы": "31.05.2025",
        "Статус программы": "выполнена",
        **named,
    }


@pytest.fixture
def imported_pairs(world, people):
    assert run("pairs", world.a.school, GOOD_PAIRS).committed
    return pairs_of(world.a.school)


GOOD_PROGRAMS = [
    PROGRAM_HEADERS,
    program_row(
        "Иванова Мария Петровна",
        "Соколова Елена Андреевна",
        **program_head(),
        **{
            "Мероприятие": "Посещение уроков наставника",
            "Вид мероприятия": "посещение урока",
            "Ответственный": "наставляемый",
            "Срок": "15.10.2024",
            "Выполнено": "да",
            "Результат": "Конспекты трёх уроков",
        },
    ),
    program_row(
        "Иванова М. П.",
        "Соколова Е. А.",
        **{"Мероприятие": "Открытый урок", "Срок": "15.03.2025", "Выполнено": "отменено"},
    ),
    program_row(
        "Петров Пётр Петрович",
        "Кузьмина Ольга Сергеевна",
        **program_head(
            **{
                "Программа": "Подготовка к олимпиаде",
                "Статус программы": "прекращена досрочно",
                "Дата окончания программы": "15.01.2025",
                "Причина прекращения": "переезд",
            }
        ),
        **{
            "Мероприятие": "Разбор задач",
            "Вид мероприятия": "консультация",
            "Срок": "01.11.2024",
            "Выполнено": "да",
            "Дата выполнения": "30.10.2024",
        },
    ),
    program_row(
        "Петров Пётр Петрович",
        "Смирнов Артём Игоревич",
        **{"Мероприятие": "Пробный тур", "Срок": "01.02.2025", "Выполнено": "нет"},
    ),
]


def test_a_programs_file_creates_programs_with_activities_and_statuses(world, imported_pairs):
    first, group, _network = imported_pairs

    report = run("programs", world.a.school, GOOD_PROGRAMS)

    assert report.ok, issues(report)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    with scopes_disabled():
        adaptation = PersonalizedProgram.objects.get(pair=first)
        olympiad = PersonalizedProgram.objects.get(pair=group)
        assert adaptation.status == ProgramStatus.COMPLETED
        assert adaptation.ended_on == date(2025, 5, 31)
        visit, lesson = adaptation.activities.order_by("order")
        assert (visit.activity_type, visit.responsible, visit.status) == (
            ActivityType.LESSON_VISIT,
            ResponsibleRole.MENTEE,
            ActivityStatus.DONE,
        )
        assert visit.done_on == date(2024, 10, 15)  # no date: the due date
        assert visit.evidence_note == "Конспекты трёх уроков"
        assert (lesson.status, lesson.activity_type, lesson.responsible) == (
            ActivityStatus.CANCELLED,
            ActivityType.OTHER,
            ResponsibleRole.BOTH,
        )
        assert (olympiad.status, olympiad.end_reason, olympiad.ended_on) == (
            ProgramStatus.ENDED_EARLY,
            EndReason.MOVED,
            date(2025, 1, 15),
        )
        assert [(a.status, a.done_on) for a in olympiad.activities.order_by("order")] == [
            (ActivityStatus.DONE, date(2024, 10, 30)),
            (ActivityStatus.PLANNED, None),
        ]
        change = ProgramChange.objects.get(program=adaptation)
        assert change.description == (
            "Программа импортирована из файла истории наставничества: статус «выполнена», мероприятий в плане: 2."
        )


def test_programs_errors_name_the_row_and_the_column(world, imported_pairs):
    rows = [
        PROGRAM_HEADERS,
        program_row("Иванова Мария Петровна", "Соколова Елена Андреевна", "02.09.2024", **program_head()),
        program_row("Иванова Мария Петровна", "Орлов Денис Игоревич", **program_head()),
        program_row(
            "Петров Пётр Петрович",
            "Смирнов Артём Игоревич",
            **program_head(**{"Статус программы": "выполняется", "Окончание программы": "30.10.2024"}),
            **{"Мероприятие": "Разбор задач", "Срок": "01.12.2024"},
        ),
        program_row(
            "Громов Олег Ильич",
            "Орлов Денис Игоревич",
            **program_head(),
            **{"Мероприятие": "Экскурсия на завод", "Срок": "01.10.2024", "Выполнено": "нет"},
        ),
    ]
    report = run("programs", world.a.school, rows)

    assert issues(report) == [
        "Строка 2, «Наставник»: Нет пары наставника «Иванова Мария Петровна» с началом 02.09.2024. Сначала "
        "импортируйте пары (файл «Пары и группы (история)») или проверьте ФИО и дату начала пары.",
        "Строка 3, «Наставляемый»: В паре наставника «Иванова Мария Петровна» с началом 01.09.2024 нет "
        "наставляемого «Орлов Денис Игоревич» (в паре: Соколова Елена Андреевна).",
        "Строка 4, «Окончание программы»: Срок программы — от 3 до 12 месяцев (сейчас: 1 мес. 29 дн.).",
        f"Строка 4, «Статус программы»: Пара № {imported_pairs[1].pk} прекращена досрочно: её программа "
        "выполнена или прекращена досрочно, а не «реализуется».",
        "Строка 4, «Срок»: Срок мероприятия (01.12.2024) — вне срока программы (01.09.2024 – 30.10.2024).",
        "Строка 5, «Выполнено»: Программа выполнена: отметьте мероприятие «да» (выполнено) или «отменено».",
    ]
    with scopes_disabled():
        assert not PersonalizedProgram.objects.exists()


def test_a_program_in_progress_needs_a_plan_and_a_draft_has_nothing_done(world, imported_pairs):
    rows = [
        PROGRAM_HEADERS,
        program_row(
            "Громов Олег Ильич", "Орлов Денис Игоревич", **program_head(**{"Статус программы": "реализуется"})
        ),
        program_row(
            "Иванова Мария Петровна",
            "Соколова Елена Андреевна",
            **program_head(**{"Статус программы": "черновик"}),
            **{"Мероприятие": "Встреча", "Срок": "01.10.2024", "Выполнено": "да"},
        ),
    ]
    report = run("programs", world.a.school, rows)

    assert issues(report) == [
        "Строка 2, «Мероприятие»: В плане нет ни одного мероприятия: у программы в статусе «реализуется» "
        "должен быть план.",
        f"Строка 3, «Статус программы»: Пара № {imported_pairs[0].pk} завершена, значит её программа выполнена: "
        "укажите «выполнена».",
        "Строка 3, «Выполнено»: Выполнение отмечают, когда программа реализуется (статус программы: «черновик»).",
    ]


def test_importing_programs_again_changes_nothing_and_a_different_program_is_refused(world, imported_pairs):
    assert run("programs", world.a.school, GOOD_PROGRAMS).committed
    before = counts(world.a.school)

    again = run("programs", world.a.school, GOOD_PROGRAMS)

    assert again.ok, issues(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert counts(world.a.school) == before

    title = PROGRAM_HEADERS.index("Программа")
    changed = [row[:] for row in GOOD_PROGRAMS]
    changed[1][title] = "Другая программа"
    report = run("programs", world.a.school, changed)
    assert issues(report) == [
        f"Строка 2: У пары № {imported_pairs[0].pk} уже есть программа «Адаптация молодого учителя» (статус "
        "«выполнена»), и она отличается от файла. У пары одна программа, и файл её не меняет: измените программу "
        "на её странице или уберите строки этой пары из файла."
    ]
    second = [row[:] for row in GOOD_PROGRAMS]
    second[2][title] = "Другая программа"
    report = run("programs", world.a.school, second)
    assert issues(report) == [
        "Строка 3, «Программа»: Не совпадает с первой строкой программы этой пары (строка 2: «Адаптация молодого "
        "учителя»). У пары одна программа: повторите значение или оставьте ячейку пустой."
    ]
    assert counts(world.a.school) == before


def test_a_pair_updated_to_an_early_end_takes_its_unfinished_program_with_it(world, people):
    working = [
        PAIR_HEADERS,
        pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна", **{"Статус": "работает"}),
    ]
    assert run("pairs", world.a.school, working).committed
    program = [
        PROGRAM_HEADERS,
        program_row(
            "Иванова Мария Петровна",
            "Соколова Елена Андреевна",
            **program_head(**{"Статус программы": "реализуется"}),
            **{"Мероприятие": "Встреча", "Срок": "01.10.2024", "Выполнено": "да"},
        ),
    ]
    assert run("programs", world.a.school, program).committed
    completed = [PAIR_HEADERS, pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна")]

    refused = run("pairs", world.a.school, completed)

    (pair,) = pairs_of(world.a.school)
    assert issues(refused) == [
        f"Строка 2, «Статус»: Программа пары № {pair.pk} не выполнена (статус: «реализуется»): завершённой пара "
        "может быть только с выполненной программой; укажите «прекращена досрочно» с причиной."
    ]

    ended = [
        PAIR_HEADERS,
        pair_row(
            1,
            "Иванова Мария Петровна",
            "Соколова Елена Андреевна",
            **{
                "Статус": "прекращена досрочно",
                "Дата окончания": "20.12.2024",
                "Причина прекращения": "увольнение",
            },
        ),
    ]
    assert run("pairs", world.a.school, ended).committed
    with scopes_disabled():
        pair.refresh_from_db()
        program = PersonalizedProgram.objects.get(pair=pair)
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED_EARLY, EndReason.DISMISSAL)
    assert (program.status, program.end_reason, program.ended_on) == (
        ProgramStatus.ENDED_EARLY,
        EndReason.DISMISSAL,
        date(2024, 12, 20),
    )


# --- Export, template, command, browser ----------------------------------------------------------


def test_an_export_of_pairs_and_programs_imports_back_without_changes(client, world, imported_pairs):
    assert run("programs", world.a.school, GOOD_PROGRAMS).committed
    client.force_login(world.user("a", "curator"))
    for kind, rows in (("pairs", 4), ("programs", 4)):
        response = client.get(reverse("schools:export", kwargs={"kind": kind}))
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == KINDS[kind].columns()
        report = run(kind, world.a.school, values)
        assert report.ok, issues(report)
        assert (report.created, report.updated, report.unchanged) == (0, 0, rows)


def test_the_templates_have_the_russian_headers(client, world):
    client.force_login(world.user("a", "curator"))
    for kind in (PAIRS_KIND, PROGRAMS_KIND):
        response = client.get(reverse("schools:import-template", kwargs={"kind": kind.key}))
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [c.value for c in workbook.worksheets[0][1]] == kind.columns()
        assert workbook.sheetnames[1] == "Пояснения"


def test_the_command_imports_pairs_then_programs(world, people, tmp_path):
    pairs_file, programs_file = tmp_path / "pary.xlsx", tmp_path / "programmy.xlsx"
    pairs_file.write_bytes(xlsx(GOOD_PAIRS))
    programs_file.write_bytes(xlsx(GOOD_PROGRAMS))
    out = io.StringIO()

    call_command("import_data", "pairs", str(pairs_file), "--school", "school-a", stdout=out)
    call_command("import_data", "programs", str(programs_file), "--school", "school-a", stdout=out)

    assert "Импортировано: создано 4, обновлено 0, без изменений 0." in out.getvalue()
    assert counts(world.a.school)[0] == 3
    assert counts(world.a.school)[4] == 2


def test_the_command_rejects_a_bad_file_and_writes_nothing(world, people, tmp_path):
    path = tmp_path / "pary.xlsx"
    path.write_bytes(
        xlsx([PAIR_HEADERS, pair_row(1, "Иванова Мария Петровна", "Соколова Елена Андреевна", form="???")])
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="Ничего не сохранено"):
        call_command("import_data", "pairs", str(path), "--school", "school-a", stderr=err)

    assert "Строка 2, «Форма»: Неизвестная форма «???»." in err.getvalue()
    assert counts(world.a.school)[0] == 0


def _upload(client, kind: str, content: bytes):
    return client.post(
        reverse("schools:import", kwargs={"kind": kind}),
        {"file": SimpleUploadedFile("history.xlsx", content)},
    )


def test_the_curator_imports_pairs_in_the_browser(client, world, people):
    client.force_login(world.user("a", "curator"))
    for kind in (PAIRS_KIND, PROGRAMS_KIND):
        page = client.get(reverse("schools:import", kwargs={"kind": kind.key}))
        assert page.status_code == 200
        assert str(kind.title) in page.content.decode()

    preview = _upload(client, "pairs", xlsx(GOOD_PAIRS))
    assert "Будет создано 4, обновлено 0, без изменений 0." in preview.content.decode()
    assert counts(world.a.school)[0] == 0
    token = preview.context["confirm_form"].initial["token"]

    done = client.post(
        reverse("schools:import-confirm", kwargs={"kind": "pairs"}), {"token": token}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("programs:pair-list")
    assert counts(world.a.school)[0] == 3


def test_another_schools_curator_cannot_import_into_school_a(client, world, people):
    token = pending.store(school=world.a.school, kind="pairs", extension=".xlsx", content=xlsx(GOOD_PAIRS))
    client.force_login(world.user("b", "curator"))

    confirm = client.post(reverse("schools:import-confirm", kwargs={"kind": "pairs"}), {"token": token})
    preview = _upload(client, "pairs", xlsx(GOOD_PAIRS))

    assert confirm.status_code == 404
    assert preview.context["confirm_form"] is None  # in school B nobody of the file is known
    assert "не найден(а) среди педагогов организации" in preview.content.decode()
    assert counts(world.a.school)[0] == 0
    assert counts(world.b.school)[0] == 0


@pytest.mark.parametrize("role", ["psychologist", "mentor"])
def test_only_the_managers_import_history(client, world, people, role):
    client.force_login(world.user("a", role))
    assert _upload(client, "pairs", xlsx(GOOD_PAIRS)).status_code == 404
    assert counts(world.a.school)[0] == 0


# --- Machinery -----------------------------------------------------------------------------------


def test_registering_the_kinds_twice_is_harmless():
    register_history_kinds()
    register_history_kinds()
    assert KINDS["pairs"] is PAIRS_KIND and KINDS["programs"] is PROGRAMS_KIND


def test_the_number_of_queries_does_not_grow_with_the_file(world, people):
    def file_of(n: int) -> list[list]:
        rows = [PAIR_HEADERS]
        for i in range(n):
            day = f"{i % 28 + 1:02d}.09.2024"
            rows.append(pair_row(i, "Иванова Мария Петровна", "Соколова Елена Андреевна", **{"Начало": day}))
        return rows

    def queries(n: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert run("pairs", world.a.school, file_of(n)).committed
        with scopes_disabled():
            MentoringPair.objects.filter(school=world.a.school).delete()
            MentorProfile.objects.all().delete()
            Participant.objects.all().delete()
        return len(captured)

    assert queries(3) == queries(25)


def test_the_pair_and_program_lists_offer_the_history_import_to_managers_only(client, world):
    client.force_login(world.a.users["curator"])
    for list_url, kind in (("programs:pair-list", "pairs"), ("programs:program-list", "programs")):
        page = client.get(reverse(list_url)).content.decode()
        assert reverse("schools:import", kwargs={"kind": kind}) in page
        assert reverse("schools:export", kwargs={"kind": kind}) in page
    client.force_login(world.a.users["psychologist"])
    for list_url, kind in (("programs:pair-list", "pairs"), ("programs:program-list", "programs")):
        page = client.get(reverse(list_url)).content.decode()
        assert reverse("schools:import", kwargs={"kind": kind}) not in page
