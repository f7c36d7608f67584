"""The catalog of monitoring indicators: code, name, unit, level, and the formula in words.

Every number of the municipal report and of the dashboards is one of these, computed per school by
``monitoring.compute`` and aggregated by ``aggregate``. A share is never averaged across schools: a
territory's share is the sum of numerators over the sum of denominators. ``docs/indicators.md``
defines each one with its boundaries; ``tests/test_indicators_doc.py`` keeps the two in step.

Forms of mentoring add indicators per form: ``form_<code>``, ``programs_cohort_<code>``,
``programs_done_<code>``, ``programs_not_done_<code>`` (codes of the MentoringForm catalog).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit:
    PEOPLE = _("чел.")
    COUNT = _("ед.")
    PERCENT = "%"
    FLAG = _("да/нет")
    SCHOOLS = _("ОО")


class Group:
    DOCUMENTS = "documents"
    STAFFING = "staffing"
    FORMS = "forms"
    PROGRAMS = "programs"
    PARTICIPATION = "participation"
    QUALITY = "quality"


GROUP_TITLES: dict[str, Promise] = {
    Group.DOCUMENTS: _("Нормативно-правовое обеспечение"),
    Group.STAFFING: _("Кадровый ресурс"),
    Group.FORMS: _("Формы наставничества"),
    Group.PROGRAMS: _("Персонализированные программы"),
    Group.PARTICIPATION: _("Количественные показатели целевой модели"),
    Group.QUALITY: _("Качественные показатели"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    unit: str | Promise
    group: str
    formula: str | Promise
    # A share: numerator / denominator × 100, recomputed from the summed parts at every level.
    numerator: str = ""
    denominator: str = ""
    # "school" — meaningful per school and summed up; "territory" — a count of schools.
    level: str = "school"

    @property
    def is_share(self) -> bool:
        return bool(self.numerator)


def _flag(code: str, name: Promise, formula: Promise) -> Indicator:
    return Indicator(code, name, Unit.FLAG, Group.DOCUMENTS, formula)


CATALOG: tuple[Indicator, ...] = (
    # --- Documents (report tables 1 and 2) --------------------------------------------------------
    _flag(
        "doc_website",
        _("Раздел «Наставничество» на сайте"),
        _(
            "1, если открыта публичная страница и на ней утверждённое Положение, или зарегистрирован адрес раздела на сайте ОО"
        ),
    ),
    _flag(
        "doc_regulation",
        _("Положение о системе наставничества"),
        _("1, если документ утверждён или зарегистрирован"),
    ),
    _flag(
        "doc_program", _("Программа наставничества ОО"), _("1, если документ утверждён или зарегистрирован")
    ),
    _flag(
        "doc_order_pairs",
        _("Приказ о закреплении пар (групп)"),
        _("1, если документ утверждён или зарегистрирован"),
    ),
    _flag(
        "doc_order_target_model",
        _("Приказ о внедрении ЦМН"),
        _("1, если документ утверждён или зарегистрирован"),
    ),
    _flag(
        "doc_order_curator",
        _("Приказ о назначении куратора"),
        _("1, если документ утверждён или зарегистрирован"),
    ),
    _flag("doc_roadmap", _("Дорожная карта"), _("1, если документ утверждён или зарегистрирован")),
    Indicator(
        "docs_present",
        _("Документов из семи обязательных"),
        Unit.COUNT,
        Group.DOCUMENTS,
        _("Сумма семи показателей наличия документов"),
    ),
    Indicator(
        "package_complete",
        _("Пакет документов сформирован полностью"),
        Unit.FLAG,
        Group.DOCUMENTS,
        _("1, если есть все семь документов"),
    ),
    Indicator(
        "package_in_progress",
        _("Пакет документов в стадии формирования"),
        Unit.FLAG,
        Group.DOCUMENTS,
        _("1, если есть от одного до шести документов"),
    ),
    Indicator(
        "package_not_formed",
        _("Пакет документов не сформирован"),
        Unit.FLAG,
        Group.DOCUMENTS,
        _("1, если нет ни одного документа"),
    ),
    # --- Staffing (report table 3) ----------------------------------------------------------------
    Indicator(
        "teachers",
        _("Педагогических работников"),
        Unit.PEOPLE,
        Group.STAFFING,
        _(
            "Работники базы педагогов со статусом «работает», принятые не позже даты среза (или без даты приёма)"
        ),
    ),
    Indicator(
        "young_teachers",
        _("Молодых педагогов (стаж 0–3 года)"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Из педагогических работников — со стажем не более 3 лет включительно"),
    ),
    Indicator(
        "young_teachers_under_35",
        _("Молодых педагогов до 35 лет (стаж 0–3 года)"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Из молодых педагогов — родившиеся не раньше года среза минус 35"),
    ),
    Indicator(
        "young_mentees",
        _("Молодых педагогов — наставляемых"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Молодые педагоги, входящие наставляемыми в учитываемые пары (группы)"),
    ),
    Indicator(
        "young_coverage",
        _("Доля молодых педагогов с наставником"),
        Unit.PERCENT,
        Group.STAFFING,
        _("Молодые педагоги — наставляемые / молодые педагоги × 100"),
        numerator="young_mentees",
        denominator="young_teachers",
    ),
    Indicator(
        "mentor_teachers",
        _("Педагогов — наставников"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Педагоги ОО, входящие наставниками в учитываемые пары (группы)"),
    ),
    Indicator(
        "mentors",
        _("Наставников всего"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Разные наставники учитываемых пар: педагоги, обучающиеся, представители партнёров"),
    ),
    Indicator(
        "mentees",
        _("Наставляемых всего"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Разные наставляемые учитываемых пар"),
    ),
    Indicator(
        "pairs",
        _("Наставнических пар по приказу"),
        Unit.COUNT,
        Group.STAFFING,
        _("Учитываемые пары с одним наставляемым"),
    ),
    Indicator(
        "groups",
        _("Наставнических групп по приказу"),
        Unit.COUNT,
        Group.STAFFING,
        _("Учитываемые пары с двумя и более наставляемыми"),
    ),
    Indicator(
        "programs_approved",
        _("Утверждённых персонализированных программ"),
        Unit.COUNT,
        Group.STAFFING,
        _("Программы учитываемых пар, утверждённые не позже даты среза"),
    ),
    Indicator(
        "programs_realised",
        _("Реализованных персонализированных программ"),
        Unit.COUNT,
        Group.STAFFING,
        _("Программы учитываемых пар со статусом «выполнена», завершённые в периоде не позже даты среза"),
    ),
    Indicator(
        "enterprises",
        _("Предприятий (организаций)-партнёров в программах"),
        Unit.COUNT,
        Group.STAFFING,
        _("Разные организации-партнёры, чьи представители — наставники учитываемых пар"),
    ),
    Indicator(
        "mentor_base",
        _("Наставников в базе"),
        Unit.PEOPLE,
        Group.STAFFING,
        _("Анкеты базы наставников, включённые в базу не позже даты среза"),
    ),
    Indicator(
        "mentors_trained",
        _("Наставников, прошедших обучение"),
        Unit.PEOPLE,
        Group.STAFFING,
        _(
            "Из базы наставников — прошедшие «Школу наставников» или курс «Наставничество педагогических работников»"
        ),
    ),
    Indicator(
        "mentors_trained_share",
        _("Доля обученных наставников"),
        Unit.PERCENT,
        Group.STAFFING,
        _("Обученные наставники / наставники в базе × 100"),
        numerator="mentors_trained",
        denominator="mentor_base",
    ),
    # --- Forms (report table 4) -------------------------------------------------------------------
    Indicator(
        "forms_practised",
        _("Форм наставничества практикуется"),
        Unit.COUNT,
        Group.FORMS,
        _("Число разных форм среди учитываемых пар"),
    ),
    # --- Programs (report table 6) ----------------------------------------------------------------
    Indicator(
        "programs_cohort",
        _("Программ в работе в периоде"),
        Unit.COUNT,
        Group.PROGRAMS,
        _("Программы учитываемых пар, утверждённые не позже даты среза, чей срок пересекается с периодом"),
    ),
    Indicator(
        "programs_done",
        _("Завершённых программ"),
        Unit.COUNT,
        Group.PROGRAMS,
        _("Из программ в работе — выполненные (статус «выполнена», дата окончания не позже даты среза)"),
    ),
    Indicator(
        "programs_not_done",
        _("Незавершённых программ"),
        Unit.COUNT,
        Group.PROGRAMS,
        _("Программы в работе минус завершённые: прекращённые досрочно и продолжающиеся"),
    ),
    Indicator(
        "programs_ended_early",
        _("Программ, прекращённых досрочно"),
        Unit.COUNT,
        Group.PROGRAMS,
        _("Из программ в работе — прекращённые досрочно не позже даты среза"),
    ),
    Indicator(
        "completion_rate",
        _("Доля завершённых программ"),
        Unit.PERCENT,
        Group.PROGRAMS,
        _("Завершённые программы / программы в работе × 100"),
        numerator="programs_done",
        denominator="programs_cohort",
    ),
    # --- Quantitative indicators of the target model ---------------------------------------------
    Indicator(
        "teachers_with_route",
        _("Педагогов с ИОМ"),
        Unit.PEOPLE,
        Group.PARTICIPATION,
        _(
            "Педагогические работники с индивидуальным образовательным маршрутом, охватывающим учебный год периода"
        ),
    ),
    Indicator(
        "route_share",
        _("Доля педагогов с ИОМ"),
        Unit.PERCENT,
        Group.PARTICIPATION,
        _("Педагоги с ИОМ / педагогические работники × 100"),
        numerator="teachers_with_route",
        denominator="teachers",
    ),
    Indicator(
        "teachers_diagnosed",
        _("Педагогов, прошедших диагностику затруднений"),
        Unit.PEOPLE,
        Group.PARTICIPATION,
        _("Педагогические работники с диагностикой за учебный год периода"),
    ),
    Indicator(
        "diagnosed_share",
        _("Доля педагогов, прошедших диагностику"),
        Unit.PERCENT,
        Group.PARTICIPATION,
        _("Прошедшие диагностику / педагогические работники × 100"),
        numerator="teachers_diagnosed",
        denominator="teachers",
    ),
    Indicator(
        "teachers_with_program",
        _("Педагогов — наставляемых с персонализированной программой"),
        Unit.PEOPLE,
        Group.PARTICIPATION,
        _("Педагоги — наставляемые учитываемых пар, чья программа утверждена не позже даты среза"),
    ),
    Indicator(
        "program_share",
        _("Доля педагогов с персонализированной программой"),
        Unit.PERCENT,
        Group.PARTICIPATION,
        _("Педагоги с программой / педагогические работники × 100"),
        numerator="teachers_with_program",
        denominator="teachers",
    ),
    Indicator(
        "young_hired",
        _("Молодых специалистов пришло в периоде"),
        Unit.PEOPLE,
        Group.PARTICIPATION,
        _("Педагоги со стажем 0–3 года, принятые в ОО в периоде не позже даты среза"),
    ),
    Indicator(
        "young_retained",
        _("Из них остались работать"),
        Unit.PEOPLE,
        Group.PARTICIPATION,
        _("Из пришедших в периоде молодых специалистов — со статусом «работает»"),
    ),
    Indicator(
        "young_retention",
        _("Закрепляемость молодых специалистов"),
        Unit.PERCENT,
        Group.PARTICIPATION,
        _("Оставшиеся / пришедшие молодые специалисты × 100"),
        numerator="young_retained",
        denominator="young_hired",
    ),
    # --- Quality (satisfaction) --------------------------------------------------------------------
    Indicator(
        "mentor_responses",
        _("Анкет удовлетворённости наставников"),
        Unit.COUNT,
        Group.QUALITY,
        _("Анкеты «Удовлетворённость наставника» учебного года периода, заполненные не позже даты среза"),
    ),
    Indicator(
        "mentor_satisfied",
        _("Удовлетворённых наставников"),
        Unit.COUNT,
        Group.QUALITY,
        _("Из анкет наставников — со средним баллом 4 и выше по шкале 1–5"),
    ),
    Indicator(
        "mentor_satisfaction",
        _("Удовлетворённость наставников"),
        Unit.PERCENT,
        Group.QUALITY,
        _("Удовлетворённые / все анкеты наставников × 100"),
        numerator="mentor_satisfied",
        denominator="mentor_responses",
    ),
    Indicator(
        "mentee_responses",
        _("Анкет удовлетворённости наставляемых"),
        Unit.COUNT,
        Group.QUALITY,
        _("Анкеты «Удовлетворённость наставляемого» учебного года периода, заполненные не позже даты среза"),
    ),
    Indicator(
        "mentee_satisfied",
        _("Удовлетворённых наставляемых"),
        Unit.COUNT,
        Group.QUALITY,
        _("Из анкет наставляемых — со средним баллом 4 и выше по шкале 1–5"),
    ),
    Indicator(
        "mentee_satisfaction",
        _("Удовлетворённость наставляемых"),
        Unit.PERCENT,
        Group.QUALITY,
        _("Удовлетворённые / все анкеты наставляемых × 100"),
        numerator="mentee_satisfied",
        denominator="mentee_responses",
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in CATALOG}
SHARES = tuple(i for i in CATALOG if i.is_share)
COUNTS = tuple(i.code for i in CATALOG if not i.is_share)
DOCUMENT_FLAGS = (
    "doc_website",
    "doc_regulation",
    "doc_program",
    "doc_order_pairs",
    "doc_order_target_model",
    "doc_order_curator",
    "doc_roadmap",
)
PER_FORM_PREFIXES = ("form_", "programs_cohort_", "programs_done_", "programs_not_done_")


def share(numerator: float | int, denominator: float | int) -> Decimal | None:
    """A percentage with one decimal, rounded half up; None when there is nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def with_shares(values: Mapping[str, int]) -> dict[str, int | Decimal | None]:
    """Counts plus every share computed from them (per school or over summed counts)."""
    result: dict[str, int | Decimal | None] = dict(values)
    for indicator in SHARES:
        result[indicator.code] = share(
            values.get(indicator.numerator, 0), values.get(indicator.denominator, 0)
        )
    return result


def aggregate(rows: Iterable[Mapping[str, int]]) -> dict[str, int | Decimal | None]:
    """Sum the counts of many schools and recompute the shares from the sums; ``schools`` counts rows."""
    totals: dict[str, int] = {"schools": 0}
    for row in rows:
        totals["schools"] += 1
        for code, value in row.items():
            if isinstance(value, int) and not isinstance(value, bool):
                totals[code] = totals.get(code, 0) + value
    return with_shares(totals)
