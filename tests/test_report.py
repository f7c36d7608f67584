"""The analytical reports on a small hand-built municipality: every table's exact cells, by docs/indicators.md.

The municipality «Тестовый район» has three general schools (СОШ № 1, 2, 3) and one additional
education centre (ЦДТ); «Соседний район» has one school that must never appear. The period is the
school year 2026/2027, the slice date 31.05.2027 and the comparison date 01.09.2026 (the default).

What each school has, and why the numbers below are what they are:

- **СОШ № 1**: all seven documents approved on 20.08.2026 (a public Regulation makes the website
  item), so the package is complete on both dates. Staff: a mentor (20 years), a young teacher with
  exactly 3 years (young — the boundary) born 1995, a young teacher with 1 year born 1990 (not under
  35 in 2027), a teacher with 4 years (not young). Pairs: «учитель – учитель» mentor → the 3-year
  teacher, its program completed on 01.03.2027; «учитель – ученик» mentor → a student, its program
  completed on 05.06.2027 — after the slice date, so not completed. Mentor base: the mentor, trained
  (course). One mentee satisfaction questionnaire. Submission accepted, level «оптимальный».
- **СОШ № 2**: the Regulation approved on 01.10.2026 (not public: no website item), the order on
  ЦМН registered from outside (adopted 01.09.2025), the school program approved on 10.06.2027 —
  after the slice date, so missing. A group «учитель – учитель» of a mentor (15 years) with a young
  teacher (0 years, born 2000) and a teacher of 10 years; its program ended early on 01.02.2027
  (moved). Mentor base: the mentor, untrained. No questionnaires. Submission handed in, not yet
  accepted, level «допустимый».
- **СОШ № 3**: no documents, a young teacher (2 years, born 1998) and a teacher of 30 years, no
  pairs, no mentor base; its submission is a draft (its level and SWOT do not count).
- **ЦДТ** (УДО): the website address and the order on the curator registered from outside on
  15.09.2026 (after the comparison date). A mentor (12 years) with a teacher of 4 years (not young)
  in «учитель – учитель», program approved and in progress; a draft pair (not counted). Mentor base:
  the mentor, trained (both). A mentor questionnaire with 3.0 (not satisfied). Submission returned.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from monitoring import report_render
from monitoring.compute import Period, Scope, compute_snapshots, snapshot_headers
from monitoring.models import (
    Campaign,
    EffectivenessLevel,
    JobStatus,
    ReportFile,
    ReportFormat,
    ReportKind,
    Snapshot,
    Submission,
    SubmissionStatus,
    SurveyKind,
    SurveyResponse,
)
from monitoring.report import (
    build_municipal_report,
    build_regional_report,
    build_school_note_figures,
    compact_names,
    count_points,
    text_points,
)
from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    EndReason,
    ExternalAct,
    MentorProfile,
    PairStatus,
    ProgramStatus,
    RequiredAct,
    TrainingStatus,
)
from programs.selectors_acts import REQUIRED_ACT_KINDS
from programs.services.participants import participant_for
from schools.models import Membership, Role, SchoolKind, Student
from schools.tenancy import school_scope
from tests.conftest import ensure_catalogs
from tests.factories import (
    MunicipalityFactory,
    RegionFactory,
    SchoolFactory,
    StaffFactory,
    UserFactory,
)
from tests.test_indicators import pair, program

PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31), as_of=date(2027, 5, 31))
D = Decimal


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def approved(school, kind: str, on: date, *, public: bool = False) -> Document:
    with scopes_disabled():
        n = Document.objects.count() + 1
        return Document.objects.create(
            school=school,
            kind=kind,
            school_year=2026,
            title=str(DocumentKind(kind).label),
            status=DocumentStatus.APPROVED,
            registration_series="acts",
            registration_year=on.year,
            registration_sequence=n,
            registration_number=f"{n}-ЛА",
            approved_on=on,
            is_public=public,
        )


def external(school, requirement: str, on: date, **fields) -> ExternalAct:
    with scopes_disabled():
        return ExternalAct.objects.create(school=school, requirement=requirement, adopted_on=on, **fields)


class Town:
    """The municipality of the module docstring, with its schools by short name."""

    def __init__(self) -> None:
        ensure_catalogs()
        with scopes_disabled():
            region = RegionFactory(code="test-region", name="Тестовая область")
            self.municipality = MunicipalityFactory(
                region=region, code="test-town", name="Тестовый район", office_name="Управление образования"
            )
            self.other = MunicipalityFactory(region=region, code="next-town", name="Соседний район")
            self.region = region
            m = self.municipality
            self.s1 = SchoolFactory(municipality=m, code="s1", short_name="МБОУ СОШ № 1")
            self.s2 = SchoolFactory(municipality=m, code="s2", short_name="МБОУ СОШ № 2")
            self.s3 = SchoolFactory(municipality=m, code="s3", short_name="МБОУ СОШ № 3")
            self.d1 = SchoolFactory(
                municipality=m, code="d1", short_name="МБУ ДО ЦДТ", kind=SchoolKind.ADDITIONAL
            )
            self.x = SchoolFactory(municipality=self.other, code="x1", short_name="МБОУ СОШ № 99")
        self._documents()
        self._people()
        self._campaign()

    def _documents(self) -> None:
        for kind in REQUIRED_ACT_KINDS.values():
            if kind:
                approved(self.s1, kind, date(2026, 8, 20), public=kind == DocumentKind.REGULATION)
        approved(self.s2, DocumentKind.REGULATION, date(2026, 10, 1))
        external(self.s2, RequiredAct.ORDER_TARGET_MODEL, date(2025, 9, 1), number="5-о")
        approved(self.s2, DocumentKind.PROGRAM, date(2027, 6, 10))  # after the slice date
        external(self.d1, RequiredAct.WEBSITE, date(2026, 9, 15), url="https://cdt.example.org/mentoring")
        external(self.d1, RequiredAct.ORDER_CURATOR, date(2026, 9, 15), number="12-о")
        for kind in REQUIRED_ACT_KINDS.values():  # the neighbour is complete: it must not count here
            if kind:
                approved(self.x, kind, date(2026, 8, 1), public=kind == DocumentKind.REGULATION)

    def _people(self) -> None:
        with scopes_disabled():
            s1, s2, s3, d1 = self.s1, self.s2, self.s3, self.d1
            m1 = StaffFactory(school=s1, experience_years=20)
            y1 = StaffFactory(school=s1, experience_years=3, birth_year=1995)
            StaffFactory(school=s1, experience_years=1, birth_year=1990)
            StaffFactory(school=s1, experience_years=4)
            kid = Student.objects.create(
                school=s1, last_name="Ученик", first_name="Пётр", birth_date=date(2013, 1, 1), grade="7А"
            )
            MentorProfile.objects.create(
                school=s1,
                participant=participant_for(m1),
                training_status=TrainingStatus.COURSE,
                volunteered_on=date(2026, 9, 1),
            )
            SurveyResponse.objects.create(
                school=s1,
                kind=SurveyKind.MENTEE_SATISFACTION,
                school_year=2026,
                respondent_key="a",
                score=D("4.5"),
            )

            m2 = StaffFactory(school=s2, experience_years=15)
            y3 = StaffFactory(school=s2, experience_years=0, birth_year=2000)
            o2 = StaffFactory(school=s2, experience_years=10)
            MentorProfile.objects.create(
                school=s2, participant=participant_for(m2), training_status=TrainingStatus.NONE,
                volunteered_on=date(2026, 9, 1),
            )  # fmt: skip

            StaffFactory(school=s3, experience_years=2, birth_year=1998)
            StaffFactory(school=s3, experience_years=30)

            m3 = StaffFactory(school=d1, experience_years=12)
            t5 = StaffFactory(school=d1, experience_years=4)
            MentorProfile.objects.create(
                school=d1, participant=participant_for(m3), training_status=TrainingStatus.BOTH,
                volunteered_on=date(2026, 9, 1),
            )  # fmt: skip
            SurveyResponse.objects.create(
                school=d1,
                kind=SurveyKind.MENTOR_SATISFACTION,
                school_year=2026,
                respondent_key="b",
                score=D("3.0"),
            )

            mx = StaffFactory(school=self.x, experience_years=20)
            yx = StaffFactory(school=self.x, experience_years=1)
        program(pair(s1, m1, [y1]), status=ProgramStatus.COMPLETED, ended=date(2027, 3, 1))
        program(
            pair(s1, m1, [kid], form="teacher-student", status=PairStatus.ACTIVE),
            status=ProgramStatus.COMPLETED,
            ended=date(2027, 6, 5),  # after the slice date: not completed
        )
        program(
            pair(s2, m2, [y3, o2]),
            status=ProgramStatus.ENDED_EARLY,
            ended=date(2027, 2, 1),
            reason=EndReason.MOVED,
        )
        program(pair(d1, m3, [t5]), status=ProgramStatus.IN_PROGRESS)
        pair(d1, m3, [t5], status=PairStatus.DRAFT, order=None)
        program(pair(self.x, mx, [yx]), status=ProgramStatus.COMPLETED, ended=date(2027, 1, 10))

    def _campaign(self) -> None:
        with scopes_disabled():
            campaign = Campaign.objects.create(
                municipality=self.municipality,
                school_year=2026,
                title="Мониторинг 2026/2027",
                deadline=date(2027, 6, 30),
            )
            Submission.objects.create(
                campaign=campaign,
                school=self.s1,
                status=SubmissionStatus.ACCEPTED,
                level=EffectivenessLevel.OPTIMAL,
                strengths="Передача опыта; сокращение периода адаптации\n- Индивидуальный подход.",
                weaknesses="Загруженность наставников",
                decisions="Продолжить реализацию программы",
            )
            Submission.objects.create(
                campaign=campaign,
                school=self.s2,
                status=SubmissionStatus.SUBMITTED,
                level=EffectivenessLevel.ACCEPTABLE,
                strengths="передача опыта.\nОткрытость",
                weaknesses="Загруженность наставников; нехватка времени",
                threats="Текучесть кадров",
                not_completed_reasons="Переезд молодого педагога",
                decisions="продолжить реализацию программы; Организовать обучение наставников",
            )
            Submission.objects.create(
                campaign=campaign,
                school=self.s3,
                status=SubmissionStatus.DRAFT,
                level=EffectivenessLevel.OPTIMAL,
                strengths="Секретная сила черновика",
            )
            Submission.objects.create(
                campaign=campaign,
                school=self.d1,
                status=SubmissionStatus.RETURNED,
                level=EffectivenessLevel.OPTIMAL,
            )
            other = Campaign.objects.create(
                municipality=self.other, school_year=2026, title="Соседи", deadline=date(2027, 6, 30)
            )
            Submission.objects.create(
                campaign=other,
                school=self.x,
                status=SubmissionStatus.ACCEPTED,
                level=EffectivenessLevel.UNACCEPTABLE,
                strengths="Чужая сильная сторона",
            )

    @property
    def school_ids(self) -> list[int]:
        return [self.s1.pk, self.s2.pk, self.s3.pk, self.d1.pk]


@pytest.fixture
def town(db) -> Town:
    return Town()


@pytest.fixture
def report(town):
    with school_scope(town.school_ids):
        return build_municipal_report(town.municipality, PERIOD)


def rows(report, key):
    return report.table(key).rows


# --- Helpers -----------------------------------------------------------------------------------


def test_names_of_numbered_schools_are_folded_like_the_source_report():
    names = ["МБОУ СОШ № 50", "МБОУ СОШ № 5", "МАОУ Гимназия № 3", "МБОУ СОШ с. Берёзовка", "МБОУ СОШ № 12"]
    assert compact_names(names) == "МАОУ Гимназия № 3, МБОУ СОШ с. Берёзовка, МБОУ СОШ №№ 5, 12, 50"


def test_free_texts_split_into_points_counted_once_per_school():
    assert text_points("1) Передача опыта;\n- открытость.\n\n•  ") == ["Передача опыта", "Открытость"]
    assert count_points(["Передача опыта; передача  опыта", "ПЕРЕДАЧА ОПЫТА", "Ёмкость", "емкость"]) == [
        ("Ёмкость", 2),
        ("Передача опыта", 2),
    ]


# --- The period, the participants ------------------------------------------------------------------


def test_the_heading_names_the_period_the_participants_and_who_handed_in(report):
    facts = dict(report.facts)
    assert report.territory == "Тестовый район" and report.office == "Управление образования"
    assert facts["Период мониторинга"] == "01.09.2026 – 31.08.2027"
    assert facts["Дата среза (по состоянию на)"] == "31.05.2027"
    assert facts["Дата сравнения (таблица 2)"] == "01.09.2026"
    assert facts["Участники мониторинга"] == "ОУ — 3, УДО — 1 (всего 4 ОО)"
    assert facts["Материалы внутреннего мониторинга представили"] == "2 ОО из 4 (50,0 %)"
    assert facts["Источник данных"] == "показатели рассчитаны при формировании отчёта"


# --- Table 1 -----------------------------------------------------------------------------------------


def test_table_1_counts_documents_per_school_type_and_names_the_schools_lacking_each(report):
    table = report.table("table1")
    assert [c.title for c in table.columns] == [
        "Документ", "ОУ, есть", "ОУ, %", "УДО, есть", "УДО, %", "Всего, есть", "Всего, %",
    ]  # fmt: skip
    assert table.rows == [
        ["Раздел «Наставничество» на сайте", 1, D("33.3"), 1, D("100.0"), 2, D("50.0")],
        ["Положение о системе наставничества", 2, D("66.7"), 0, D("0.0"), 2, D("50.0")],
        # СОШ № 2's program was approved after the slice date: missing.
        ["Программа наставничества ОО", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
        ["Приказ о закреплении пар (групп)", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
        ["Приказ о внедрении ЦМН", 2, D("66.7"), 0, D("0.0"), 2, D("50.0")],
        ["Приказ о назначении куратора", 1, D("33.3"), 1, D("100.0"), 2, D("50.0")],
        ["Дорожная карта", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
    ]
    # Half or fewer lack it: they are named; more than half: the ones that have it are.
    assert table.notes == [
        "Раздел «Наставничество» на сайте — нет в: ОУ: МБОУ СОШ №№ 2, 3.",
        "Положение о системе наставничества — нет в: ОУ: МБОУ СОШ № 3; УДО: МБУ ДО ЦДТ.",
        "Программа наставничества ОО — есть только в: ОУ: МБОУ СОШ № 1.",
        "Приказ о закреплении пар (групп) — есть только в: ОУ: МБОУ СОШ № 1.",
        "Приказ о внедрении ЦМН — нет в: ОУ: МБОУ СОШ № 3; УДО: МБУ ДО ЦДТ.",
        "Приказ о назначении куратора — нет в: ОУ: МБОУ СОШ №№ 2, 3.",
        "Дорожная карта — есть только в: ОУ: МБОУ СОШ № 1.",
    ]


def test_table_2_compares_the_package_on_the_first_day_of_the_period_and_on_the_slice_date(report):
    table = report.table("table2")
    assert table.rows == [
        ["01.09.2026", 1, D("25.0"), 1, D("25.0"), 2, D("50.0")],  # ЦДТ registered its acts on 15.09
        ["31.05.2027", 1, D("25.0"), 2, D("50.0"), 1, D("25.0")],
    ]
    assert table.chart.kind == "stacked" and table.chart.series[0].values == (D("25.0"), D("25.0"))


def test_table_2_compares_with_any_earlier_date_asked_for(town):
    with school_scope(town.school_ids):
        report = build_municipal_report(town.municipality, PERIOD, date(2026, 10, 1))
    # On 01.10.2026 СОШ № 2 has its Regulation too (still in progress), ЦДТ its two acts.
    assert report.table("table2").rows[0] == ["01.10.2026", 1, D("25.0"), 2, D("50.0"), 1, D("25.0")]


# --- Table 3 -----------------------------------------------------------------------------------------


def test_table_3_sums_the_staffing_resource_per_type_and_recomputes_the_shares(report):
    table = report.table("table3")
    assert [c.title for c in table.columns] == ["Показатель", "Ед.", "ОУ", "УДО", "Всего"]
    by_name = {row[0]: row[2:] for row in table.rows}
    assert by_name["Педагогических работников"] == [9, 2, 11]
    # 3 years is young (СОШ № 1), 4 years is not (ЦДТ).
    assert by_name["Молодых педагогов (стаж 0–3 года)"] == [4, 0, 4]
    assert by_name["Молодых педагогов до 35 лет (стаж 0–3 года)"] == [3, 0, 3]
    assert by_name["Молодых педагогов — наставляемых"] == [2, 0, 2]
    assert by_name["Доля молодых педагогов с наставником"] == [D("50.0"), None, D("50.0")]
    assert by_name["Педагогов — наставников"] == [2, 1, 3]
    assert by_name["Наставников всего"] == [2, 1, 3]
    assert by_name["Наставляемых всего"] == [4, 1, 5]
    assert by_name["Наставнических пар по приказу"] == [2, 1, 3]
    assert by_name["Наставнических групп по приказу"] == [1, 0, 1]
    assert by_name["Утверждённых персонализированных программ"] == [3, 1, 4]
    assert by_name["Реализованных персонализированных программ"] == [1, 0, 1]
    assert by_name["Предприятий (организаций)-партнёров в программах"] == [0, 0, 0]
    assert by_name["Наставников в базе"] == [2, 1, 3]
    assert by_name["Наставников, прошедших обучение"] == [1, 1, 2]
    assert by_name["Доля обученных наставников"] == [D("50.0"), D("100.0"), D("66.7")]
    assert table.rows[4][1] == "%"


# --- Table 4 -----------------------------------------------------------------------------------------


def test_table_4_counts_the_schools_practising_each_form_and_names_them(report):
    table = report.table("table4")
    assert table.rows == [
        ["Учитель – учитель (педагог – педагог)", 2, D("66.7"), 1, D("100.0"), 3, D("75.0")],
        ["Учитель – ученик", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
        ["Ученик – ученик", 0, D("0.0"), 0, D("0.0"), 0, D("0.0")],
        ["Работодатель – учитель", 0, D("0.0"), 0, D("0.0"), 0, D("0.0")],
        ["Работодатель – ученик", 0, D("0.0"), 0, D("0.0"), 0, D("0.0")],
        ["Ни одной формы (нет учитываемых пар)", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
    ]
    assert table.notes == [
        "«Учитель – учитель (педагог – педагог)» реализуется в: ОУ: все, кроме: МБОУ СОШ № 3; УДО: все.",
        "«Учитель – ученик» реализуется в: ОУ: МБОУ СОШ № 1.",
        "Ни одна форма не реализуется в: ОУ: МБОУ СОШ № 3.",
    ]
    assert table.chart.categories == ("Учитель – учитель (педагог – педагог)", "Учитель – ученик")
    assert [s.values for s in table.chart.series] == [(D("66.7"), D("33.3")), (D("100.0"), D("0.0"))]


# --- Table 5 -----------------------------------------------------------------------------------------


def test_table_5_counts_declared_levels_of_handed_in_submissions_only(report):
    table = report.table("table5")
    assert table.rows == [
        ["Оптимальный", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
        ["Допустимый", 1, D("33.3"), 0, D("0.0"), 1, D("25.0")],
        ["Недопустимый", 0, D("0.0"), 0, D("0.0"), 0, D("0.0")],  # the neighbour's does not count
        ["Уровень не определён (материалы не представлены)", 1, D("33.3"), 1, D("100.0"), 2, D("50.0")],
    ]
    assert table.notes == [
        "Уровень не определён: ОУ: МБОУ СОШ № 3; УДО: МБУ ДО ЦДТ.",
        "Материалы сданы, но ещё не приняты методистом: ОУ: МБОУ СОШ № 2.",
    ]


def test_without_a_campaign_table_5_says_so(town):
    with scopes_disabled():
        Campaign.objects.filter(municipality=town.municipality).delete()
    with school_scope(town.school_ids):
        report = build_municipal_report(town.municipality, PERIOD)
    assert report.table("table5").rows[3][1:3] == [3, D("100.0")]
    assert "не открыта" in report.table("table5").notes[0]
    assert "не открыта" in dict(report.facts)["Материалы внутреннего мониторинга представили"]


# --- Table 6 -----------------------------------------------------------------------------------------


def test_table_6_counts_programs_by_type_and_form_with_totals(report):
    table = report.table("table6")
    assert [c.title for c in table.columns] == [
        "Тип ОО", "Форма наставничества", "Программ в работе в периоде", "Завершено, программ", "Завершено, %",
        "Не завершено, программ", "Не завершено, %",
    ]  # fmt: skip
    assert table.rows == [
        ["ОУ", "Учитель – учитель (педагог – педагог)", 2, 1, D("50.0"), 1, D("50.0")],
        # completed on 05.06.2027, after the slice date: not completed
        ["ОУ", "Учитель – ученик", 1, 0, D("0.0"), 1, D("100.0")],
        ["ОУ", "Всего", 3, 1, D("33.3"), 2, D("66.7")],
        ["УДО", "Учитель – учитель (педагог – педагог)", 1, 0, D("0.0"), 1, D("100.0")],
        ["УДО", "Всего", 1, 0, D("0.0"), 1, D("100.0")],
        ["Все ОО", "Все формы", 4, 1, D("25.0"), 3, D("75.0")],
    ]
    assert table.strong_rows == {2, 4, 5}


def test_reasons_of_early_ends_are_listed_by_form(report):
    assert rows(report, "table6_reasons") == [["Учитель – учитель (педагог – педагог)", "Переезд", 1]]
    assert rows(report, "reasons_named") == [["Переезд молодого педагога", 1]]


# --- SWOT and decisions ---------------------------------------------------------------------------------


def test_the_swot_summary_counts_each_distinct_point_of_handed_in_submissions(report):
    assert rows(report, "swot") == [
        ["Сильные стороны", "Передача опыта", 2],
        ["Сильные стороны", "Индивидуальный подход", 1],
        ["Сильные стороны", "Открытость", 1],
        ["Сильные стороны", "Сокращение периода адаптации", 1],
        ["Слабые стороны", "Загруженность наставников", 2],
        ["Слабые стороны", "Нехватка времени", 1],
        ["Возможности", "не названо", None],
        ["Угрозы", "Текучесть кадров", 1],
    ]
    assert rows(report, "decisions") == [
        ["Продолжить реализацию программы", 2],
        ["Организовать обучение наставников", 1],
    ]


# --- Appendices ---------------------------------------------------------------------------------------


def test_appendix_1_addresses_each_gap_to_the_schools_that_have_it(report):
    def to(start: str) -> str:
        return next(row[2] for row in rows(report, "appendix1") if row[1].startswith(start))

    assert to("Создать на официальном сайте раздел") == "ОУ: МБОУ СОШ №№ 2, 3"
    assert to("Разработать и утвердить Положение") == "ОУ: МБОУ СОШ № 3; УДО: МБУ ДО ЦДТ"
    assert to("Разработать и утвердить программу наставничества образовательной") == (
        "Все образовательные организации (ОУ, УДО), кроме: МБОУ СОШ № 1"
    )
    assert to("Включить в программы наставничества") == "МБОУ СОШ № 1 (1 из 2); МБОУ СОШ № 3 (1 из 1)"
    assert to("Сформировать базу наставников") == "ОУ: МБОУ СОШ № 3"
    assert to("Организовать обучение наставников") == "МБОУ СОШ № 2 (0 из 1)"
    assert to("Сформировать наставнические пары") == "ОУ: МБОУ СОШ № 3"
    assert to("Внедрить формы наставничества обучающихся") == "ОУ: МБОУ СОШ № 2; УДО: МБУ ДО ЦДТ"
    # Every school with pairs lacks a partner form; СОШ № 3 has no pairs, so not «all schools».
    assert to("Развивать партнёрские связи") == "Все организации, где есть наставнические пары (группы)"
    assert to("Проанализировать причины незавершения") == (
        "МБОУ СОШ № 1 (1 из 2); МБОУ СОШ № 2 (1 из 1); МБУ ДО ЦДТ (1 из 1)"
    )
    assert to("Провести анкетирование") == "ОУ: МБОУ СОШ № 2"
    assert to("Представить материалы внутреннего") == "ОУ: МБОУ СОШ № 3; УДО: МБУ ДО ЦДТ"
    texts = [row[1] for row in rows(report, "appendix1")]
    assert not any(
        t.startswith("Разработать и утвердить персонализированные") for t in texts
    )  # all have them
    assert not any(t.startswith("Разработать план мер") for t in texts)  # nobody declared «недопустимый»
    assert "МБОУ СОШ № 99" not in json.dumps(report_render.as_json(report), ensure_ascii=False)


def test_appendix_2_has_one_row_per_school_with_its_key_numbers(report):
    assert rows(report, "appendix2") == [
        [1, "МБОУ СОШ № 1", "ОУ", 7, 2, 1, D("50.0"), 1, 2, 0, 2, 2, 1, D("50.0"), "оптимальный"],
        [2, "МБОУ СОШ № 2", "ОУ", 2, 1, 1, D("100.0"), 1, 0, 1, 1, 1, 0, D("0.0"), "допустимый"],
        [3, "МБОУ СОШ № 3", "ОУ", 0, 1, 0, D("0.0"), 0, 0, 0, 0, 0, 0, None, "—"],
        [4, "МБУ ДО ЦДТ", "УДО", 2, 0, 0, None, 1, 1, 0, 1, 1, 0, D("0.0"), "—"],
    ]


# --- Snapshots ------------------------------------------------------------------------------------------


def test_a_finished_snapshot_of_the_same_scope_and_date_is_read_instead_of_computing(
    town, django_assert_max_num_queries
):
    with school_scope(town.school_ids):
        headers = snapshot_headers(Scope(municipality_ids=(town.municipality.pk,)), PERIOD)
        compute_snapshots([h.pk for h in headers])
        snapshot = Snapshot.objects.get(pk=headers[0].pk)
        assert snapshot.status == JobStatus.DONE
        live = build_municipal_report(town.municipality, PERIOD, use_snapshot=False)
        stored = build_municipal_report(town.municipality, PERIOD)
    assert stored.source.startswith("снимок показателей, рассчитанный")
    assert live.source == "показатели рассчитаны при формировании отчёта"
    for key in ("table1", "table3", "table4", "table6", "appendix1", "appendix2"):
        assert stored.table(key).rows == live.table(key).rows, key


def test_the_report_reads_a_fixed_number_of_queries(town, django_assert_max_num_queries):
    with school_scope(town.school_ids), django_assert_max_num_queries(45):
        build_municipal_report(town.municipality, PERIOD)


# --- The regional report and the school's numbers ------------------------------------------------------


def test_the_regional_report_has_a_row_per_municipality_and_a_regional_total(town):
    with scopes_disabled():
        ids = [*town.school_ids, town.x.pk]
    with school_scope(ids):
        report = build_regional_report(town.region, PERIOD)
    assert [row[:2] for row in rows(report, "table1")] == [
        ["Соседний район", 1],
        ["Тестовый район", 4],
        ["Всего по региону", 5],
    ]
    assert rows(report, "table1")[1][2:] == [
        D("50.0"),
        D("50.0"),
        D("25.0"),
        D("25.0"),
        D("50.0"),
        D("50.0"),
        D("25.0"),
    ]
    assert rows(report, "table1")[2][2] == D("60.0")
    # Table 2: [ОО, at 01.09: complete, in progress, not formed, at the slice: …, complete %]
    assert rows(report, "table2")[1] == ["Тестовый район", 4, 1, 1, 2, 1, 2, 1, D("25.0")]
    assert rows(report, "table2")[2] == ["Всего по региону", 5, 2, 1, 2, 2, 2, 1, D("40.0")]
    assert rows(report, "table6")[1] == ["Тестовый район", 4, 1, D("25.0"), 3, D("75.0")]
    assert rows(report, "table6")[2] == ["Всего по региону", 5, 2, D("40.0"), 3, D("60.0")]
    levels = rows(report, "table5")
    assert levels[0][2:4] == [0, D("0.0")] and levels[0][6:8] == [
        1,
        D("100.0"),
    ]  # the neighbour: «недопустимый»
    assert levels[2][2:] == [1, D("20.0"), 1, D("20.0"), 1, D("20.0"), 2, D("40.0")]
    to = {row[1][:30]: row[2] for row in rows(report, "appendix1")}
    assert to["Сформировать базу наставников "] == "Соседний район — 1 ОО из 1; Тестовый район — 1 ОО из 4"
    assert to["Разработать план мер по повыше"] == "Соседний район — 1 ОО из 1"


def test_the_school_figures_are_the_schools_own_numbers_in_the_same_shapes(town):
    with school_scope([town.s2.pk]):
        report = build_school_note_figures(town.s2, PERIOD)
    assert report.kind == "school"
    assert (report.values["young_teachers"], report.values["young_coverage"]) == (1, D("100.0"))
    documents = {row[0]: row[1:] for row in rows(report, "table1")}
    assert documents["Положение о системе наставничества"][0::2] == ["утверждён в системе", "01.10.2026"]
    assert documents["Программа наставничества"][0] == "отсутствует"  # approved after the slice date
    assert documents["Приказ о внедрении ЦМН"] == ["принят ранее, зарегистрирован", "5-о", "01.09.2025"]
    assert rows(report, "table2") == [
        ["01.09.2026", 1, "Пакет документов в стадии формирования"],
        ["31.05.2027", 2, "Пакет документов в стадии формирования"],
    ]
    staffing = {row[0]: row[2] for row in rows(report, "table3")}
    assert staffing["Молодых педагогов (стаж 0–3 года)"] == 1
    assert staffing["Доля молодых педагогов с наставником"] == D("100.0")
    assert staffing["Наставнических групп по приказу"] == 1
    assert rows(report, "table5")[0] == ["Уровень, заявленный в материалах мониторинга", "допустимый"]
    assert rows(report, "table6") == [
        ["Учитель – учитель (педагог – педагог)", 1, 0, D("0.0"), 1, D("100.0")],
        ["Всего", 1, 0, D("0.0"), 1, D("100.0")],
    ]
    assert ["Угрозы", "Текучесть кадров"] in rows(report, "swot")
    texts = [row[1] for row in rows(report, "appendix1")]
    assert any(
        t.startswith("Организовать обучение наставников")
        and t.endswith("(обученных наставников в базе: 0 из 1)")
        for t in texts
    )


# --- The three formats carry the same numbers -----------------------------------------------------


def _norm(value) -> str:
    """A cell as text, the same whichever format it was read from."""
    if value is None or value == "—":
        return "—"
    if isinstance(value, int | float | Decimal):
        return f"{float(value):g}"  # 100, 100.0 and Decimal("100.0") are one number
    return str(value)


def _xlsx_tables(blob: bytes) -> dict[str, list[list[str]]]:
    book = openpyxl.load_workbook(io.BytesIO(blob))
    found = {}
    for sheet in book.worksheets[1:]:
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        found[sheet.title] = values
    return found


def test_json_xlsx_and_pdf_carry_the_same_rows(report):
    data = json.loads(report_render.render(report, "json"))
    assert data["period"] == {
        "start": "2026-09-01", "end": "2027-08-31", "as_of": "2027-05-31", "compare_as_of": "2026-09-01",
        "school_year": 2026,
    }  # fmt: skip
    tables = data["tables"] + data["appendices"]
    assert [t["key"] for t in tables] == [t.key for t in (*report.tables, *report.appendices)]
    for entry, table in zip(tables, (*report.tables, *report.appendices), strict=True):
        assert entry["columns"] == [c.title for c in table.columns]
        assert [[_norm(v) for v in row] for row in entry["rows"]] == [
            [_norm(v) for v in row] for row in table.rows
        ]

    sheets = _xlsx_tables(report_render.render(report, "xlsx"))
    for (name, values), table in zip(sheets.items(), (*report.tables, *report.appendices), strict=True):
        header = 2 if table.has_groups else 1
        body = values[2 + header : 2 + header + len(table.rows)]
        assert [[_norm(v) for v in row] for row in body] == [[_norm(v) for v in row] for row in table.rows], (
            name
        )
        for row in body:  # numbers stay numbers
            for cell, expected in zip(
                row, next(r for r in table.rows if _norm(r[0]) == _norm(row[0])), strict=False
            ):
                if isinstance(expected, int):
                    assert isinstance(cell, int)
    assert isinstance(sheets["Таблица 1"][4][1], int) and isinstance(sheets["Таблица 1"][4][2], float)

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = report_render.render(report, "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    # Every numeric row of the numbered tables appears in the PDF as the same numbers in the same order.
    for table in report.tables[:6]:
        for row in table.rows:
            numbers = [report_render.cell_text(v) for v in row if isinstance(v, int | Decimal) or v is None]
            assert " ".join(numbers) in flat, (table.key, row)
    for caption in ("Таблица 1", "Таблица 6", "Приложение 1", "Приложение 2"):
        assert caption in flat
    assert "МБОУ СОШ №№ 2, 3" in flat


# --- Files, the job and the pages ----------------------------------------------------------------------


def _methodist(municipality):
    with scopes_disabled():
        user = UserFactory()
        Membership.objects.create(user=user, role=Role.MUNICIPAL_METHODIST, municipality=municipality)
    return user


def test_the_methodist_requests_a_report_and_downloads_it(client, town, django_capture_on_commit_callbacks):
    client.force_login(_methodist(town.municipality))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
        reverse("monitoring:report-request"),
            {"kind": "municipal", "period_start": "2026-09-01", "period_end": "2027-08-31", "as_of": "2027-05-31",
             "compare_as_of": "", "fmt": "json", "use_snapshot": "on"},
        )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        row = ReportFile.objects.get()
    assert (row.kind, row.status, row.municipality_id, row.compare_as_of) == (
        ReportKind.MUNICIPAL, JobStatus.DONE, town.municipality.pk, date(2026, 9, 1),
    )  # fmt: skip
    assert response["Location"] == reverse("monitoring:report-status", kwargs={"pk": row.pk})
    page = client.get(response["Location"])
    assert (
        page.status_code == 200
        and reverse("monitoring:report-file", kwargs={"pk": row.pk}) in page.content.decode()
    )
    download = client.get(reverse("monitoring:report-file", kwargs={"pk": row.pk}))
    data = json.loads(b"".join(download.streaming_content))
    assert data["tables"][0]["rows"][0][1] == 1
    assert download["Content-Disposition"].startswith("attachment")


def test_another_municipalitys_methodist_gets_404_on_the_report_and_its_file(client, town):
    with scopes_disabled():
        row = ReportFile.objects.create(
            kind=ReportKind.MUNICIPAL, region=town.region, municipality=town.municipality,
            period_start=PERIOD.start, period_end=PERIOD.end, as_of=PERIOD.as_of, compare_as_of=PERIOD.start,
            fmt=ReportFormat.JSON, status=JobStatus.DONE, file="reports/x.json",
        )  # fmt: skip
    client.force_login(_methodist(town.other))
    for name in ("monitoring:report-status", "monitoring:report-file"):
        assert client.get(reverse(name, kwargs={"pk": row.pk})).status_code == 404
    index = client.get(reverse("monitoring:report-index"))
    assert (
        index.status_code == 200
        and reverse("monitoring:report-status", kwargs={"pk": row.pk}) not in index.content.decode()
    )


def test_a_form_with_a_slice_date_before_the_period_is_refused(client, town):
    client.force_login(_methodist(town.municipality))
    response = client.post(
        reverse("monitoring:report-request"),
        {"kind": "municipal", "period_start": "2026-09-01", "period_end": "2027-08-31", "as_of": "2026-05-01",
         "fmt": "pdf"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Дата среза раньше начала периода" in response.content.decode()
    with scopes_disabled():
        assert not ReportFile.objects.exists()


def test_the_director_sees_the_schools_own_numbers(client, town):
    with scopes_disabled():
        director = UserFactory()
        Membership.objects.create(user=director, role=Role.DIRECTOR, school=town.s1)
    client.force_login(director)
    response = client.get(
        reverse("monitoring:report-index"),
        {"period_start": "2026-09-01", "period_end": "2027-08-31", "as_of": "2027-05-31"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "МБОУ СОШ № 2" not in text and "Передача опыта" in text
    assert reverse("programs:document-list") in text


def test_the_render_report_command_writes_each_format(town, tmp_path):
    from django.core.management import call_command

    for fmt in ("json", "xlsx", "pdf"):
        out = tmp_path / f"report.{fmt}"
        call_command(
            "render_report", "municipal", municipality="test-town", period="2026-09-01:2027-08-31",
            as_of="2027-05-31", fmt=fmt, out=str(out), stdout=io.StringIO(),
        )  # fmt: skip
        assert out.stat().st_size > 100
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["tables"][1]["rows"][1] == ["31.05.2027", 1, 25.0, 2, 50.0, 1, 25.0]
