"""The analytical reports of monitoring as plain data: municipal, regional, and a school's own numbers.

The municipal report follows the shape of the municipal analytical report the methodists write by
hand (see docs/user-guide.ru.md, chapter 9): the period and the participants; Table 1 — the seven required
documents per school type with the schools that lack each; Table 2 — the document package at two
dates; Table 3 — the staffing resource; Table 4 — the forms practised, naming the schools; Table 5 —
the effectiveness levels the schools declared; Table 6 — personalised programs by form, completed
and not, with the reasons; the SWOT summary of the schools' internal monitoring; Appendix 1 —
recommendations addressed to the schools with each gap; Appendix 2 — one row per school.

Every number is an indicator of ``monitoring.compute`` (read from a finished snapshot of the same
scope, period and date when there is one, computed on the spot otherwise), summed per school type
(or per municipality in the regional report) as ``docs/indicators.md`` says: a share of a group is
computed from the summed numerator and denominator, with one decimal, half up. What is not computed
but declared — the effectiveness level, the SWOT texts, the reasons in the curators' words, the
management decisions — comes from the schools' submissions to the municipality's campaign of the
period's school year (those handed in: submitted or accepted).

A ``Report`` is a list of ``Table`` objects (title, columns, rows of str / int / Decimal / None
cells, notes, an optional chart); ``monitoring.report_render`` prints the same rows to PDF, XLSX
and JSON, so the three formats always carry the same numbers.

Table 2 compares the package on ``compare_as_of`` with the slice date; by default the first day of
the period, so the table shows what the period changed.

All reads go through the scoped managers: call these functions inside a scope that covers the
territory (the methodist's request, the Celery job's scope, the command's ``school_scope``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.charts import DONE_COLORS, LEVEL_COLORS, PACKAGE_COLORS, Chart, Series
from monitoring.compute import Period, Scope, school_values
from monitoring.indicators import BY_CODE, DOCUMENT_FLAGS, aggregate, share, with_shares
from monitoring.models import (
    Campaign,
    EffectivenessLevel,
    JobStatus,
    Snapshot,
    SnapshotRow,
    Submission,
    SubmissionStatus,
)
from programs.models import EndReason, MentoringForm, ParticipantKind
from programs.selectors_acts import act_register
from schools.models import Municipality, Region, School, SchoolKind
from schools.years import school_year_label

Cell = str | int | Decimal | None

KIND_ORDER = (SchoolKind.GENERAL, SchoolKind.ADDITIONAL, SchoolKind.VOCATIONAL)
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)
LEVELS = (EffectivenessLevel.OPTIMAL, EffectivenessLevel.ACCEPTABLE, EffectivenessLevel.UNACCEPTABLE)
SWOT_FIELDS = ("strengths", "weaknesses", "opportunities", "threats")
# Forms the report always lists (those of the source report), whether practised or not; any other
# form of the catalog is listed when at least one school practises it.
CORE_FORMS = ("teacher-teacher", "teacher-student", "student-student", "employer-teacher", "employer-student")
STAFFING_CODES = (
    "teachers",
    "young_teachers",
    "young_teachers_under_35",
    "young_mentees",
    "young_coverage",
    "mentor_teachers",
    "mentors",
    "mentees",
    "pairs",
    "groups",
    "programs_approved",
    "programs_realised",
    "enterprises",
    "mentor_base",
    "mentors_trained",
    "mentors_trained_share",
)
PARTICIPATION_CODES = (
    "teachers_with_route",
    "route_share",
    "teachers_diagnosed",
    "diagnosed_share",
    "teachers_with_program",
    "program_share",
    "young_hired",
    "young_retained",
    "young_retention",
    "mentor_responses",
    "mentor_satisfaction",
    "mentee_responses",
    "mentee_satisfaction",
)
# Recommendation thresholds (Appendix 1).
NOT_COMPLETED_THRESHOLD = Decimal(
    25
)  # % of the period's programs not completed above which a school is named
MIN_TRAINED_SHARE = Decimal(50)  # % of trained mentors in the base below which a school is named
DETAIL_LIMIT = 25  # schools named with their figures in one recommendation; a longer list is folded
MAX_POINTS = 15  # distinct SWOT points listed per quadrant; the rest are counted in one line


# --- The data structure --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column; ``group`` is the upper header over several columns (a school type, a date)."""

    label: str
    group: str = ""
    width: int = 0  # relative width in the PDF (per cent of the table); 0 — share the rest

    @property
    def title(self) -> str:
        return f"{self.group}, {self.label}" if self.group else self.label


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    caption: str = ""  # «Таблица 1», «Приложение 2»; empty for the summaries
    intro: str = ""
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    merge_first: bool = False  # the first column repeats within a group: printed once
    landscape: bool = False
    strong_rows: set[int] = field(default_factory=set)  # totals, printed in bold

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "caption": self.caption,
            "title": self.title,
            "columns": [c.title for c in self.columns],
            "rows": [list(row) for row in self.rows],
            "notes": list(self.notes),
        }


@dataclass
class Report:
    kind: str  # municipal / regional / school
    title: str
    territory: str
    territory_code: str
    office: str
    period: Period
    compare_as_of: date
    facts: list[tuple[str, str]]
    tables: list[Table]
    appendices: list[Table]
    source: str
    generated_at: Any = None
    # The school report only: the school's indicator values (counts and shares) by code, for the
    # analytical note to quote in its text.
    values: dict[str, Any] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        return next(t for t in (*self.tables, *self.appendices) if t.key == key)


@dataclass
class SchoolData:
    pk: int
    name: str
    code: str
    kind: str
    municipality_id: int
    municipality: str
    values: dict[str, Any]
    details: dict[str, Any]
    submission: dict[str, Any] | None = None

    @property
    def handed_in(self) -> bool:
        return self.submission is not None and self.submission["status"] in HANDED_IN

    @property
    def level(self) -> str:
        return self.submission["level"] if self.handed_in else ""

    def v(self, code: str) -> Any:
        return self.values.get(code, 0)


@dataclass(frozen=True)
class Group:
    """Schools counted together in a column (a school type) or a row (a municipality)."""

    key: str
    label: str
    schools: tuple[SchoolData, ...]

    def totals(self) -> dict[str, Any]:
        return aggregate(s.values for s in self.schools)

    def count(self, predicate: Callable[[SchoolData], bool]) -> int:
        return sum(1 for s in self.schools if predicate(s))


Progress = Callable[[int], None]


# --- Small helpers -------------------------------------------------------------------------------


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def natural_key(name: str) -> tuple:
    """«СОШ № 2» before «СОШ № 10»."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", name))


_NUMBERED = re.compile(r"^(?P<head>.*?)№\s*(?P<n>\d+)(?P<tail>.*)$")


def compact_names(names: Iterable[str]) -> str:
    """School names joined, numbered ones of the same kind folded: «МБОУ СОШ №№ 5, 12, 40»."""
    ordered = sorted(set(names), key=natural_key)
    folded: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str] | str] = []
    for name in ordered:
        match = _NUMBERED.match(name)
        if match:
            key = (match["head"].rstrip(), match["tail"])
            if key not in folded:
                folded[key] = []
                order.append(key)
            folded[key].append(match["n"])
        else:
            order.append(name)
    parts = []
    for item in order:
        if isinstance(item, str):
            parts.append(item)
            continue
        head, tail = item
        numbers = folded[item]
        sign = "№№" if len(numbers) > 1 else "№"
        parts.append(f"{head} {sign} {', '.join(numbers)}{tail}".strip())
    return ", ".join(parts)


def _kind_label(kind: str) -> str:
    return SchoolKind.short_label(kind)


def kind_groups(schools: Sequence[SchoolData], *, with_total: bool = True) -> list[Group]:
    """One group per school type present (ОУ, УДО, СПО), and «Всего» when there are several."""
    groups = [
        Group(kind, _kind_label(kind), tuple(s for s in schools if s.kind == kind))
        for kind in KIND_ORDER
        if any(s.kind == kind for s in schools)
    ]
    if with_total and len(groups) > 1:
        groups.append(Group("all", _("Всего"), tuple(schools)))
    return groups


def names_by_kind(schools: Sequence[SchoolData], kinds: Sequence[str]) -> str:
    """«ОУ: МБОУ СОШ №№ 5, 7; УДО: МБУ ДО ЦДТ» (types only when the report has several), or «—»."""
    if not schools:
        return "—"
    if len(kinds) < 2:
        return compact_names(s.name for s in schools)
    parts = []
    for kind in kinds:
        names = [s.name for s in schools if s.kind == kind]
        if names:
            parts.append(f"{_kind_label(kind)}: {compact_names(names)}")
    return "; ".join(parts)


def _unit(code: str) -> str:
    return str(BY_CODE[code].unit)


def _name(code: str) -> str:
    return str(BY_CODE[code].name)


_SPLIT = re.compile(r"[\n;]+")
_BULLET = re.compile(r"^\s*(?:[-–—•·*]+|\d+[.)])\s*")


def text_points(text: str) -> list[str]:
    """A free text split into points: by lines and semicolons, without bullets and end punctuation."""
    points = []
    for part in _SPLIT.split(text or ""):
        point = _BULLET.sub("", part).strip().strip(".,;:").strip()
        if point:
            points.append(point[0].upper() + point[1:])
    return points


_YO = str.maketrans({0x0451: 0x0435})  # ё → е: the same word written either way is one point


def _point_key(point: str) -> str:
    return re.sub(r"\s+", " ", point.casefold().translate(_YO))


def count_points(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Distinct points of many schools' texts with the number of schools that named each.

    A school naming the same point twice counts once; points are compared ignoring case, «ё» and
    spacing, and shown as first written. Most named first, then alphabetically.
    """
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        keys = set()
        for point in text_points(text):
            key = _point_key(point)
            shown.setdefault(key, point)
            keys.add(key)
        counts.update(keys)
    return sorted(
        ((shown[k], n) for k, n in counts.items()), key=lambda item: (-item[1], _point_key(item[0]))
    )


# --- Reading the data ----------------------------------------------------------------------------


def _snapshot_values(scope: Scope, period: Period) -> tuple[dict[int, tuple[dict, dict]], set[int], list]:
    """Rows of finished snapshots of this scope, period and date: (values by school, municipalities covered, snapshots)."""
    lookup = {
        "period_start": period.start,
        "period_end": period.end,
        "as_of": period.as_of,
        "status": JobStatus.DONE,
    }
    if scope.school_id is not None:
        rows = (
            SnapshotRow.objects.filter(
                school_id=scope.school_id, **{f"snapshot__{k}": v for k, v in lookup.items()}
            )
            .select_related("snapshot")
            .order_by("-snapshot__computed_at", "-pk")
        )
        row = rows.first()
        if row is None:
            return {}, set(), []
        return {row.school_id: (row.values, row.details)}, {row.snapshot.municipality_id}, [row.snapshot]
    snapshots = list(
        Snapshot.objects.filter(municipality_id__in=scope.municipality_ids, school__isnull=True, **lookup)
    )
    found: dict[int, tuple[dict, dict]] = {}
    for school_id, values, details in SnapshotRow.objects.filter(snapshot__in=snapshots).values_list(
        "school_id", "values", "details"
    ):
        found[school_id] = (values, details)
    return found, {s.municipality_id for s in snapshots}, snapshots


def indicator_values(
    scope: Scope, period: Period, *, use_snapshot: bool = True
) -> tuple[dict[int, tuple[dict, dict]], str]:
    """{school: (counts, details)} and a line on where they come from (snapshots or computed now)."""
    found: dict[int, tuple[dict, dict]] = {}
    snapshots: list = []
    missing_scope: Scope | None = scope
    if use_snapshot:
        found, covered, snapshots = _snapshot_values(scope, period)
        if scope.school_id is not None:
            missing_scope = None if found else scope
        else:
            missing = tuple(m for m in scope.municipality_ids if m not in covered)
            missing_scope = Scope(municipality_ids=missing) if missing else None
    if missing_scope is not None:
        found.update(school_values(missing_scope, period))
    if snapshots and missing_scope is None:
        latest = (
            max(s.computed_at for s in snapshots if s.computed_at)
            if any(s.computed_at for s in snapshots)
            else None
        )
        when = timezone.localtime(latest).strftime("%d.%m.%Y %H:%M") if latest else ""
        source = _("снимок показателей, рассчитанный %(when)s") % {"when": when}
    elif snapshots:
        source = _("снимки показателей и расчёт при формировании отчёта")
    else:
        source = _("показатели рассчитаны при формировании отчёта")
    return found, source


def _school_rows(computed: dict[int, tuple[dict, dict]]) -> list[SchoolData]:
    info = School.objects.filter(pk__in=list(computed)).values(
        "pk", "short_name", "code", "kind", "municipality_id", "municipality__name"
    )
    schools = [
        SchoolData(
            pk=row["pk"],
            name=row["short_name"],
            code=row["code"],
            kind=row["kind"],
            municipality_id=row["municipality_id"],
            municipality=row["municipality__name"],
            values=with_shares(computed[row["pk"]][0]),
            details=computed[row["pk"]][1],
        )
        for row in info
    ]
    kind_index = {k: i for i, k in enumerate(KIND_ORDER)}
    schools.sort(key=lambda s: (kind_index.get(s.kind, 9), natural_key(s.name)))
    return schools


def _attach_submissions(schools: Sequence[SchoolData], school_year: int) -> set[int]:
    """Put each school's submission of the year onto it; returns the municipalities with a campaign."""
    municipalities = sorted({s.municipality_id for s in schools})
    campaigns = set(
        Campaign.objects.filter(municipality_id__in=municipalities, school_year=school_year).values_list(
            "municipality_id", flat=True
        )
    )
    by_school = {s.pk: s for s in schools}
    for row in Submission.objects.filter(
        campaign__municipality_id__in=municipalities,
        campaign__school_year=school_year,
        school_id__in=list(by_school),
    ).values(
        "school_id", "status", "level", "suggested_level", "not_completed_reasons", "decisions", *SWOT_FIELDS
    ):
        by_school[row["school_id"]].submission = row
    return campaigns


def _forms() -> list[MentoringForm]:
    return list(MentoringForm.objects.order_by("order", "name"))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _form_name(form: MentoringForm) -> str:
    return _cap(form.name)


@dataclass
class Loaded:
    schools: list[SchoolData]
    compare: dict[int, dict[str, Any]]
    campaigns: set[int]
    source: str
    forms: list[MentoringForm]


def _load(scope: Scope, period: Period, compare_as_of: date, *, use_snapshot: bool, step: Progress) -> Loaded:
    computed, source = indicator_values(scope, period, use_snapshot=use_snapshot)
    step(50)
    schools = _school_rows(computed)
    compare_period = Period(min(period.start, compare_as_of), period.end, compare_as_of)
    compared, _source = indicator_values(scope, compare_period, use_snapshot=use_snapshot)
    step(70)
    campaigns = _attach_submissions(schools, period.school_year)
    step(75)
    return Loaded(
        schools=schools,
        compare={pk: values for pk, (values, _details) in compared.items()},
        campaigns=campaigns,
        source=source,
        forms=_forms(),
    )


def default_compare_date(period: Period) -> date:
    """Table 2 compares the slice date with the first day of the period."""
    return period.start


# --- Tables shared by the municipal and the school report ---------------------------------------


def _count_share_columns(
    groups: Sequence[Group], first: Column, count_label: str | None = None
) -> list[Column]:
    columns = [first]
    for group in groups:
        columns += [Column(count_label or _("кол-во"), group=group.label), Column("%", group=group.label)]
    return columns


def _count_share(groups: Sequence[Group], predicate: Callable[[SchoolData], bool]) -> list[Cell]:
    cells: list[Cell] = []
    for group in groups:
        n = group.count(predicate)
        cells += [n, share(n, len(group.schools))]
    return cells


def _who_lacks(schools: Sequence[SchoolData], has, kinds: Sequence[str]) -> str:
    """The schools without something, the short way: named when few, else «есть только в …»."""
    having = [s for s in schools if has(s)]
    lacking = [s for s in schools if not has(s)]
    if len(lacking) * 2 <= len(schools):
        return _("нет в: %(names)s") % {"names": names_by_kind(lacking, kinds)}
    if not having:
        return _("нет ни в одной организации")
    return _("есть только в: %(names)s") % {"names": names_by_kind(having, kinds)}


def table_documents(schools: Sequence[SchoolData]) -> Table:
    groups = kind_groups(schools)
    kinds = [g.key for g in groups if g.key != "all"]
    columns = _count_share_columns(groups, Column(_("Документ"), width=34), _("есть"))
    rows, notes = [], []
    for code in DOCUMENT_FLAGS:
        has = lambda s, c=code: bool(s.v(c))  # noqa: E731
        rows.append([_name(code), *_count_share(groups, has)])
        if not all(has(s) for s in schools):
            notes.append(f"{_name(code)} — {_who_lacks(schools, has, kinds)}.")
    return Table(
        key="table1",
        caption=_("Таблица 1"),
        title=_(
            "Состояние нормативно-правового и информационно-методического обеспечения реализации программ наставничества"
        ),
        intro=_(
            "Число и доля организаций каждого типа, у которых документ на дату среза утверждён в системе "
            "или зарегистрирован как принятый ранее; под таблицей — организации, где его нет."
        ),
        columns=columns,
        rows=rows,
        notes=notes,
    )


PACKAGE_CODES = ("package_complete", "package_in_progress", "package_not_formed")


def _package_labels() -> list[str]:
    return [
        _("Пакет документов сформирован полностью"),
        _("Пакет документов в стадии формирования"),
        _("Пакет документов не сформирован"),
    ]


def table_package(
    schools: Sequence[SchoolData], compare: dict[int, dict], period: Period, compare_as_of: date
) -> Table:
    labels = _package_labels()
    columns = [Column(_("Дата среза"), width=16)]
    for label in labels:
        columns += [Column(_("ОО"), group=label), Column("%", group=label)]
    rows, shares = [], []
    total = len(schools)
    for day, values_of in (
        (compare_as_of, lambda s: compare.get(s.pk, {})),
        (period.as_of, lambda s: s.values),
    ):
        row: list[Cell] = [_d(day)]
        chart_row = []
        for code in PACKAGE_CODES:
            n = sum(1 for s in schools if values_of(s).get(code, 0))
            row += [n, share(n, total)]
            chart_row.append(share(n, total))
        rows.append(row)
        shares.append(chart_row)
    chart = Chart(
        kind="stacked",
        title=_("Состояние пакета документов, % организаций"),
        categories=tuple(_("на %(day)s") % {"day": r[0]} for r in rows),
        series=tuple(
            Series(label, tuple(shares[i][k] for i in range(len(rows))), PACKAGE_COLORS[k])
            for k, label in enumerate(labels)
        ),
    )
    return Table(
        key="table2",
        caption=_("Таблица 2"),
        title=_("Сравнительный анализ состояния пакета документов на две даты"),
        intro=_(
            "Пакет сформирован полностью — есть все семь документов таблицы 1; в стадии формирования — "
            "от одного до шести; не сформирован — ни одного. Доля — от числа всех организаций (%(n)s)."
        )
        % {"n": total},
        columns=columns,
        rows=rows,
        chart=chart,
    )


def _staffing_rows(groups: Sequence[Group]) -> list[list[Cell]]:
    totals = [g.totals() for g in groups]
    return [[_name(code), _unit(code), *(t.get(code, 0) for t in totals)] for code in STAFFING_CODES]


def table_staffing(schools: Sequence[SchoolData]) -> Table:
    groups = kind_groups(schools)
    columns = [Column(_("Показатель"), width=52), Column(_("Ед."), width=8)] + [
        Column(g.label) for g in groups
    ]
    return Table(
        key="table3",
        caption=_("Таблица 3"),
        title=_("Кадровый педагогический ресурс для реализации программ наставничества"),
        intro=_(
            "Суммы показателей организаций каждого типа; доли посчитаны из сумм числителей и знаменателей."
        ),
        columns=columns,
        rows=_staffing_rows(groups),
    )


def _where(group: Group, practising: Sequence[SchoolData]) -> str:
    """Where a form is practised, the short way: the schools, or «все, кроме …» when most do."""
    if not practising:
        return ""
    if len(practising) == len(group.schools):
        return _("все")
    if len(practising) * 2 > len(group.schools):
        ids = {s.pk for s in practising}
        return _("все, кроме: %(names)s") % {
            "names": compact_names(s.name for s in group.schools if s.pk not in ids)
        }
    return compact_names(s.name for s in practising)


def _listed_forms(forms: Sequence[MentoringForm], schools: Sequence[SchoolData]) -> list[MentoringForm]:
    practised = {code for s in schools for code in s.details.get("forms", [])}
    return [f for f in forms if f.code in CORE_FORMS or f.code in practised]


def table_forms(schools: Sequence[SchoolData], forms: Sequence[MentoringForm]) -> Table:
    groups = kind_groups(schools)
    type_groups = [g for g in groups if g.key != "all"]
    kinds = [g.key for g in type_groups]
    columns = _count_share_columns(groups, Column(_("Форма наставничества"), width=34), _("ОО"))
    rows, notes, chart_categories = [], [], []
    chart_values: dict[str, list] = {g.key: [] for g in type_groups}
    for form in _listed_forms(forms, schools):
        practises = lambda s, code=form.code: code in s.details.get("forms", [])  # noqa: E731
        rows.append([_form_name(form), *_count_share(groups, practises)])
        if not any(practises(s) for s in schools):
            continue
        where = []
        for group in type_groups:
            text = _where(group, [s for s in group.schools if practises(s)])
            if text:
                where.append(f"{group.label}: {text}" if len(type_groups) > 1 else text)
        notes.append(
            _("«%(form)s» реализуется в: %(where)s.") % {"form": _form_name(form), "where": "; ".join(where)}
        )
        chart_categories.append(_form_name(form))
        for group in type_groups:
            chart_values[group.key].append(share(group.count(practises), len(group.schools)))
    none = [s for s in schools if not s.details.get("forms")]
    rows.append(
        [
            _("Ни одной формы (нет учитываемых пар)"),
            *_count_share(groups, lambda s: not s.details.get("forms")),
        ]
    )
    if none:
        notes.append(_("Ни одна форма не реализуется в: %(names)s.") % {"names": names_by_kind(none, kinds)})
    chart = None
    if chart_categories:
        chart = Chart(
            kind="bars",
            title=_("Формы наставничества, % организаций, где форма практикуется"),
            categories=tuple(chart_categories),
            series=tuple(Series(g.label, tuple(chart_values[g.key])) for g in type_groups),
        )
    return Table(
        key="table4",
        caption=_("Таблица 4"),
        title=_("Формы наставничества, применяемые в образовательных организациях"),
        intro=_(
            "Форма практикуется, если в организации есть хотя бы одна учитываемая пара (группа) этой формы; "
            "доля — от числа организаций того же типа; под таблицей — где реализуется каждая форма."
        ),
        columns=columns,
        rows=rows,
        notes=notes,
        chart=chart,
        strong_rows={len(rows) - 1},
    )


def _level_labels() -> list[str]:
    return [_cap(str(EffectivenessLevel(level).label)) for level in LEVELS] + [
        _("Уровень не определён (материалы не представлены)")
    ]


def table_levels(schools: Sequence[SchoolData], campaigns: set[int], school_year: int) -> Table:
    groups = kind_groups(schools)
    type_groups = [g for g in groups if g.key != "all"]
    columns = _count_share_columns(groups, Column(_("Уровень эффективности"), width=34), _("ОО"))
    predicates = [lambda s, level=level: s.level == level for level in LEVELS] + [
        lambda s: s.level not in LEVELS
    ]
    rows = [
        [label, *_count_share(groups, predicate)]
        for label, predicate in zip(_level_labels(), predicates, strict=True)
    ]
    notes = []
    absent = [s for s in schools if s.level not in LEVELS]
    if not campaigns:
        notes.append(
            _("Кампания мониторинга за %(year)s учебный год не открыта: уровни эффективности не заявлены.")
            % {"year": school_year_label(school_year)}
        )
    elif absent:
        notes.append(
            _("Уровень не определён: %(names)s.")
            % {"names": names_by_kind(absent, [g.key for g in type_groups])}
        )
    pending = [s for s in schools if s.handed_in and s.submission["status"] == SubmissionStatus.SUBMITTED]
    if pending:
        notes.append(
            _("Материалы сданы, но ещё не приняты методистом: %(names)s.")
            % {"names": names_by_kind(pending, [g.key for g in type_groups])}
        )
    chart = Chart(
        kind="bars",
        title=_("Уровни эффективности программ наставничества, % организаций"),
        categories=tuple(_level_labels()),
        series=tuple(
            Series(g.label, tuple(share(g.count(p), len(g.schools)) for p in predicates)) for g in type_groups
        ),
    )
    return Table(
        key="table5",
        caption=_("Таблица 5"),
        title=_("Анализ уровня эффективности программ наставничества"),
        intro=_(
            "Уровень заявлен организацией в материалах внутреннего мониторинга (сданных или принятых); "
            "доля — от числа организаций того же типа."
        ),
        columns=columns,
        rows=rows,
        notes=notes,
        chart=chart,
    )


def _program_cells(totals: dict[str, Any], suffix: str = "") -> list[Cell]:
    cohort = totals.get(f"programs_cohort{suffix}", 0)
    done = totals.get(f"programs_done{suffix}", 0)
    not_done = totals.get(f"programs_not_done{suffix}", 0)
    return [cohort, done, share(done, cohort), not_done, share(not_done, cohort)]


def _program_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column(_("Программ в работе в периоде")),
        Column(_("программ"), group=_("Завершено")),
        Column("%", group=_("Завершено")),
        Column(_("программ"), group=_("Не завершено")),
        Column("%", group=_("Не завершено")),
    ]


def table_programs(schools: Sequence[SchoolData], forms: Sequence[MentoringForm]) -> Table:
    groups = kind_groups(schools)
    columns = _program_columns([Column(_("Тип ОО"), width=10), Column(_("Форма наставничества"), width=30)])
    rows: list[list[Cell]] = []
    strong: set[int] = set()
    for group in groups:
        totals = group.totals()
        if group.key != "all":
            for form in forms:
                if totals.get(f"programs_cohort_{form.code}", 0):
                    rows.append([group.label, _form_name(form), *_program_cells(totals, f"_{form.code}")])
        strong.add(len(rows))
        label = _("Всего") if group.key != "all" else _("Все формы")
        rows.append([group.label if group.key != "all" else _("Все ОО"), label, *_program_cells(totals)])
    type_groups = [g for g in groups if g.key != "all"] + [g for g in groups if g.key == "all"]
    done_shares = [
        share(g.totals().get("programs_done", 0), g.totals().get("programs_cohort", 0)) for g in type_groups
    ]
    chart = None
    if any(d is not None for d in done_shares):
        chart = Chart(
            kind="stacked",
            title=_("Персонализированные программы периода: завершено и не завершено, %"),
            categories=tuple(g.label for g in type_groups),
            series=(
                Series(_("завершено"), tuple(done_shares), DONE_COLORS[0]),
                Series(
                    _("не завершено"),
                    tuple(
                        share(g.totals().get("programs_not_done", 0), g.totals().get("programs_cohort", 0))
                        for g in type_groups
                    ),
                    DONE_COLORS[1],
                ),
            ),
        )
    return Table(
        key="table6",
        caption=_("Таблица 6"),
        title=_("Реализация персонализированных программ наставничества"),
        intro=_(
            "В работе в периоде — программы учитываемых пар, утверждённые не позже даты среза, срок которых "
            "пересекается с периодом; завершённые — выполненные не позже даты среза; незавершённые — "
            "прекращённые досрочно и продолжающиеся."
        ),
        columns=columns,
        rows=rows,
        chart=chart,
        merge_first=True,
        strong_rows=strong,
    )


def table_reasons(schools: Sequence[SchoolData], forms: Sequence[MentoringForm]) -> Table:
    """Reasons of early ends by form (from the data), then the reasons the schools named in their words."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for s in schools:
        for form_code, reasons in s.details.get("reasons", {}).items():
            counts[form_code].update(reasons)
    rows: list[list[Cell]] = []
    for form in forms:
        for reason, n in sorted(counts.get(form.code, {}).items(), key=lambda item: (-item[1], item[0])):
            label = (
                str(EndReason(reason).label) if reason in EndReason.values else (reason or _("не указана"))
            )
            rows.append([_form_name(form), _cap(label), n])
    if not rows:
        rows.append([_("—"), _("Досрочно прекращённых программ в периоде нет"), 0])
    return Table(
        key="table6_reasons",
        caption="",
        title=_("Причины досрочного прекращения персонализированных программ по формам наставничества"),
        columns=[
            Column(_("Форма наставничества"), width=34),
            Column(_("Причина"), width=50),
            Column(_("Программ")),
        ],
        rows=rows,
        merge_first=True,
    )


def _points_rows(label: str, points: list[tuple[str, int]]) -> list[list[Cell]]:
    if not points:
        return [[label, _("не названо"), None]]
    rows: list[list[Cell]] = [[label, point, n] for point, n in points[:MAX_POINTS]]
    rest = points[MAX_POINTS:]
    if rest:
        rows.append([label, _("ещё положений, названных реже: %(n)s") % {"n": len(rest)}, None])
    return rows


def _swot_labels() -> list[str]:
    return [_("Сильные стороны"), _("Слабые стороны"), _("Возможности"), _("Угрозы")]


def table_swot(schools: Sequence[SchoolData]) -> Table:
    handed = [s for s in schools if s.handed_in]
    rows: list[list[Cell]] = []
    for name, label in zip(SWOT_FIELDS, _swot_labels(), strict=True):
        rows += _points_rows(label, count_points(s.submission[name] for s in handed))
    return Table(
        key="swot",
        title=_("Сводный SWOT-анализ реализации программ наставничества"),
        intro=_(
            "Положения SWOT-анализа из материалов внутреннего мониторинга (сданных: %(n)s); в последнем "
            "столбце — число организаций, назвавших положение."
        )
        % {"n": len(handed)},
        columns=[Column(_("Составляющая"), width=18), Column(_("Положение"), width=70), Column(_("ОО"))],
        rows=rows,
        merge_first=True,
    )


def table_named(schools: Sequence[SchoolData], key: str, field_name: str, title: str, label: str) -> Table:
    handed = [s for s in schools if s.handed_in]
    points = count_points(s.submission[field_name] for s in handed)
    rows: list[list[Cell]] = [[p, n] for p, n in points[:MAX_POINTS]]
    if len(points) > MAX_POINTS:
        rows.append([_("ещё положений, названных реже: %(n)s") % {"n": len(points) - MAX_POINTS}, None])
    if not rows:
        rows.append([_("не названо"), None])
    return Table(key=key, title=title, columns=[Column(label, width=85), Column(_("ОО"))], rows=rows)


# --- Appendix 1: addressed recommendations -------------------------------------------------------


@dataclass
class Gap:
    """A recommendation and the schools it is addressed to (with a short figure for each, if any)."""

    direction: str
    text: str
    schools: list[SchoolData]
    detail: dict[int, str] = field(default_factory=dict)
    hint: str = ""  # what the figure in brackets after a school's name is
    # The schools examined when not all were (those with pairs): «все, кроме …» is said of them.
    universe: list[SchoolData] | None = None


def _direction_labels() -> dict[str, str]:
    return {
        "documents": _("Нормативно-правовое и информационно-методическое обеспечение"),
        "staffing": _("Кадровый (педагогический) ресурс"),
        "forms": _("Формы наставничества"),
        "programs": _("Персонализированные программы наставничества"),
        "monitoring": _("Мониторинг и оценка эффективности"),
    }


def _document_recommendations() -> dict[str, str]:
    return {
        "doc_website": _(
            "Создать на официальном сайте раздел «Наставничество» и разместить в нём нормативные и "
            "информационно-методические материалы по реализации целевой модели наставничества (или открыть "
            "публичную страницу «Наставничество» с утверждённым Положением)"
        ),
        "doc_regulation": _(
            "Разработать и утвердить Положение о системе наставничества педагогических работников и обучающихся"
        ),
        "doc_program": _("Разработать и утвердить программу наставничества образовательной организации"),
        "doc_order_pairs": _("Издать приказ о закреплении наставнических пар (групп)"),
        "doc_order_target_model": _("Издать приказ о внедрении целевой модели наставничества"),
        "doc_order_curator": _(
            "Издать приказ о назначении куратора внедрения и реализации целевой модели наставничества"
        ),
        "doc_roadmap": _(
            "Разработать и утвердить план мероприятий (дорожную карту) внедрения и реализации целевой модели наставничества"
        ),
    }


def _of(part: int, whole: int) -> str:
    return _("%(part)s из %(whole)s") % {"part": part, "whole": whole}


def find_gaps(
    schools: Sequence[SchoolData], forms: Sequence[MentoringForm], campaigns: set[int]
) -> list[Gap]:
    """The gaps of every school, as recommendations in the order of the report's directions."""
    d = _direction_labels()
    gaps: list[Gap] = []
    texts = _document_recommendations()
    for code in DOCUMENT_FLAGS:
        gaps.append(Gap(d["documents"], texts[code], [s for s in schools if not s.v(code)]))

    young = [s for s in schools if s.v("young_teachers") and s.v("young_mentees") < s.v("young_teachers")]
    gaps.append(
        Gap(
            d["staffing"],
            _(
                "Включить в программы наставничества в роли наставляемых всех молодых педагогов со стажем "
                "от 0 до 3 лет (довести охват до 100 %)"
            ),
            young,
            {s.pk: _of(s.v("young_teachers") - s.v("young_mentees"), s.v("young_teachers")) for s in young},
            _("молодых педагогов без наставника"),
        )
    )
    gaps.append(
        Gap(
            d["staffing"],
            _("Сформировать базу наставников из числа опытных педагогов, готовых сопровождать наставляемых"),
            [s for s in schools if not s.v("mentor_base")],
        )
    )
    untrained = [
        s
        for s in schools
        if s.v("mentor_base") and (s.values.get("mentors_trained_share") or Decimal(0)) < MIN_TRAINED_SHARE
    ]
    gaps.append(
        Gap(
            d["staffing"],
            _(
                "Организовать обучение наставников («Школа наставников», курсы повышения квалификации "
                "«Наставничество педагогических работников»)"
            ),
            untrained,
            {s.pk: _of(s.v("mentors_trained"), s.v("mentor_base")) for s in untrained},
            _("обученных наставников в базе"),
        )
    )

    student_forms = {f.code for f in forms if f.mentee_kind == ParticipantKind.STUDENT}
    partner_forms = {f.code for f in forms if f.mentor_kind == ParticipantKind.PARTNER}
    practising = [s for s in schools if s.details.get("forms")]
    gaps.append(
        Gap(
            d["forms"],
            _("Сформировать наставнические пары (группы) и закрепить их приказом руководителя"),
            [s for s in schools if not s.details.get("forms")],
        )
    )
    gaps.append(
        Gap(
            d["forms"],
            _("Внедрить формы наставничества обучающихся («учитель – ученик», «ученик – ученик»)"),
            [s for s in practising if not student_forms & set(s.details["forms"])],
            universe=practising,
        )
    )
    gaps.append(
        Gap(
            d["forms"],
            _(
                "Развивать партнёрские связи с предприятиями, организациями высшего и среднего "
                "профессионального образования для внедрения форм «работодатель – ученик», «работодатель – "
                "учитель», «педагог вуза (колледжа) – учитель»"
            ),
            [s for s in practising if not partner_forms & set(s.details["forms"])],
            universe=practising,
        )
    )

    without_programs = [s for s in schools if (s.v("pairs") + s.v("groups")) and not s.v("programs_approved")]
    gaps.append(
        Gap(
            d["programs"],
            _(
                "Разработать и утвердить персонализированные программы наставничества для закреплённых пар (групп)"
            ),
            without_programs,
        )
    )
    behind = [
        s
        for s in schools
        if s.v("programs_cohort")
        and share(s.v("programs_not_done"), s.v("programs_cohort")) > NOT_COMPLETED_THRESHOLD
    ]
    gaps.append(
        Gap(
            d["programs"],
            _(
                "Проанализировать причины незавершения персонализированных программ (не завершено более "
                "%(limit)s %% программ периода), усилить контроль за их реализацией, при необходимости "
                "скорректировать сроки и содержание программ"
            )
            % {"limit": NOT_COMPLETED_THRESHOLD},
            behind,
            {s.pk: _of(s.v("programs_not_done"), s.v("programs_cohort")) for s in behind},
            _("незавершённых программ"),
        )
    )

    gaps.append(
        Gap(
            d["monitoring"],
            _(
                "Провести анкетирование наставников и наставляемых об удовлетворённости участием в программах "
                "наставничества"
            ),
            [s for s in practising if not (s.v("mentor_responses") + s.v("mentee_responses"))],
            universe=practising,
        )
    )
    if campaigns:
        gaps.append(
            Gap(
                d["monitoring"],
                _(
                    "Представить материалы внутреннего мониторинга: аналитическую справку, SWOT-анализ, уровень "
                    "эффективности программ наставничества"
                ),
                [s for s in schools if s.municipality_id in campaigns and not s.handed_in],
            )
        )
    gaps.append(
        Gap(
            d["monitoring"],
            _(
                "Разработать план мер по повышению эффективности реализации программ наставничества и "
                "представить его методисту"
            ),
            [s for s in schools if s.level == EffectivenessLevel.UNACCEPTABLE],
        )
    )
    return [g for g in gaps if g.schools]


def shows_detail(gap: Gap) -> bool:
    """Figures after the names only for a short list: a long one is folded like the others."""
    return bool(gap.detail) and len(gap.schools) <= DETAIL_LIMIT


def gap_text(gap: Gap, *, with_detail: bool) -> str:
    if with_detail and gap.hint:
        return _("%(text)s (в скобках — %(hint)s)") % {"text": gap.text, "hint": gap.hint}
    return gap.text


def _addressees(gap: Gap, schools: Sequence[SchoolData]) -> str:
    kinds = [k for k in KIND_ORDER if any(s.kind == k for s in schools)]
    all_kinds = ", ".join(_kind_label(k) for k in kinds)
    if shows_detail(gap):
        named = sorted(
            gap.schools,
            key=lambda s: (KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else 9, natural_key(s.name)),
        )
        return "; ".join(f"{s.name} ({gap.detail[s.pk]})" for s in named)
    examined = gap.universe if gap.universe is not None else schools
    if gap.universe is None:
        everyone = _("Все образовательные организации (%(kinds)s)") % {"kinds": all_kinds}
    else:
        everyone = _("Все организации, где есть наставнические пары (группы)")
    if len(gap.schools) == len(examined) and len(examined) > 1:
        return everyone
    if len(gap.schools) * 2 > len(examined) and len(examined) > 3:
        ids = {s.pk for s in gap.schools}
        return _("%(everyone)s, кроме: %(names)s") % {
            "everyone": everyone,
            "names": compact_names(s.name for s in examined if s.pk not in ids),
        }
    return names_by_kind(gap.schools, kinds)


def _recommendation_columns(third: str) -> list[Column]:
    return [Column(_("Направление"), width=20), Column(_("Рекомендация"), width=38), Column(third, width=42)]


def appendix_recommendations(
    gaps: Sequence[Gap],
    schools: Sequence[SchoolData],
    addressee: Callable[[Gap], str] | None = None,
    *,
    third: str = "",
) -> Table:
    rows: list[list[Cell]] = [
        [
            g.direction,
            gap_text(g, with_detail=addressee is None and shows_detail(g)),
            (addressee or (lambda g: _addressees(g, schools)))(g),
        ]
        for g in gaps
    ]
    if not rows:
        rows.append(["—", _("Замечаний по показателям мониторинга нет"), "—"])
    return Table(
        key="appendix1",
        caption=_("Приложение 1"),
        title=_("Адресные рекомендации с учётом анализа результатов мониторинга"),
        intro=_(
            "Рекомендации сформированы по показателям мониторинга: каждая адресована организациям, у которых "
            "выявлен соответствующий недостаток."
        ),
        columns=_recommendation_columns(third or _("Образовательные организации")),
        rows=rows,
        merge_first=True,
    )


def _level_label(level: str) -> str:
    return str(EffectivenessLevel(level).label) if level in EffectivenessLevel.values else "—"


def appendix_schools(schools: Sequence[SchoolData]) -> Table:
    columns = [
        Column(_("№"), width=3),
        Column(_("Организация"), width=20),
        Column(_("Тип"), width=4),
        Column(_("Документов из 7")),
        Column(_("Молодых педагогов")),
        Column(_("Из них с наставником")),
        Column(_("Охват, %")),
        Column(_("Наставников")),
        Column(_("Пар")),
        Column(_("Групп")),
        Column(_("Форм")),
        Column(_("Программ в работе")),
        Column(_("Завершено")),
        Column(_("Завершено, %")),
        Column(_("Уровень эффективности"), width=9),
    ]
    rows = [
        [
            n,
            s.name,
            _kind_label(s.kind),
            s.v("docs_present"),
            s.v("young_teachers"),
            s.v("young_mentees"),
            s.values.get("young_coverage"),
            s.v("mentors"),
            s.v("pairs"),
            s.v("groups"),
            s.v("forms_practised"),
            s.v("programs_cohort"),
            s.v("programs_done"),
            s.values.get("completion_rate"),
            _level_label(s.level),
        ]
        for n, s in enumerate(schools, start=1)
    ]
    return Table(
        key="appendix2",
        caption=_("Приложение 2"),
        title=_("Показатели реализации программ наставничества по образовательным организациям"),
        columns=columns,
        rows=rows,
        landscape=True,
    )


# --- The municipal report ------------------------------------------------------------------------


def _participants(schools: Sequence[SchoolData]) -> str:
    parts = [f"{g.label} — {len(g.schools)}" for g in kind_groups(schools, with_total=False)]
    return _("%(parts)s (всего %(n)s ОО)") % {"parts": ", ".join(parts), "n": len(schools)}


def _handed_in_fact(schools: Sequence[SchoolData], campaigns: set[int], school_year: int) -> str:
    if not campaigns:
        return _("кампания мониторинга за %(year)s учебный год не открыта") % {
            "year": school_year_label(school_year)
        }
    handed = sum(1 for s in schools if s.handed_in)
    return _("%(n)s ОО из %(total)s (%(share)s %%)") % {
        "n": handed,
        "total": len(schools),
        "share": str(share(handed, len(schools)) or 0).replace(".", ","),
    }


def _facts(period: Period, compare_as_of: date, schools, campaigns, source: str) -> list[tuple[str, str]]:
    return [
        (_("Период мониторинга"), f"{_d(period.start)} – {_d(period.end)}"),
        (_("Учебный год"), school_year_label(period.school_year)),
        (_("Дата среза (по состоянию на)"), _d(period.as_of)),
        (_("Дата сравнения (таблица 2)"), _d(compare_as_of)),
        (_("Участники мониторинга"), _participants(schools) if schools else _("нет организаций")),
        (
            _("Материалы внутреннего мониторинга представили"),
            _handed_in_fact(schools, campaigns, period.school_year),
        ),
        (_("Источник данных"), source),
    ]


def summary_tables(schools: Sequence[SchoolData], forms) -> list[Table]:
    """The tables both reports end with: reasons by form, the SWOT summary, named reasons, decisions."""
    return [
        table_reasons(schools, forms),
        table_swot(schools),
        table_named(
            schools,
            "reasons_named",
            "not_completed_reasons",
            _("Причины невыполнения программ, названные организациями"),
            _("Причина"),
        ),
        table_named(
            schools,
            "decisions",
            "decisions",
            _("Управленческие решения по итогам внутреннего мониторинга"),
            _("Решение"),
        ),
    ]


def build_municipal_report(
    municipality: Municipality,
    period: Period,
    compare_as_of: date | None = None,
    *,
    use_snapshot: bool = True,
    progress: Progress | None = None,
) -> Report:
    """The municipal analytical report of ``municipality`` for ``period`` (see the module docstring)."""
    step = progress or (lambda _n: None)
    compare_as_of = compare_as_of or default_compare_date(period)
    data = _load(
        Scope(municipality_ids=(municipality.pk,)),
        period,
        compare_as_of,
        use_snapshot=use_snapshot,
        step=step,
    )
    schools, forms = data.schools, data.forms
    tables = [
        table_documents(schools),
        table_package(schools, data.compare, period, compare_as_of),
        table_staffing(schools),
        table_forms(schools, forms),
        table_levels(schools, data.campaigns, period.school_year),
        table_programs(schools, forms),
        *summary_tables(schools, forms),
    ]
    step(85)
    appendices = [
        appendix_recommendations(find_gaps(schools, forms, data.campaigns), schools),
        appendix_schools(schools),
    ]
    return Report(
        kind="municipal",
        title=_(
            "Аналитическая справка по результатам мониторинга реализации целевой модели наставничества "
            "в образовательных организациях"
        ),
        territory=municipality.name,
        territory_code=municipality.code,
        office=municipality.office_name,
        period=period,
        compare_as_of=compare_as_of,
        facts=_facts(period, compare_as_of, schools, data.campaigns, data.source),
        tables=tables,
        appendices=appendices,
        source=data.source,
        generated_at=timezone.localtime(),
    )


# --- The regional report: the same tables, one row per municipality -----------------------------


def _municipality_groups(
    schools: Sequence[SchoolData], municipalities: Sequence[Municipality]
) -> list[Group]:
    return [
        Group(str(m.pk), m.name, tuple(s for s in schools if s.municipality_id == m.pk))
        for m in municipalities
    ]


def _with_region_total(groups: list[Group], schools: Sequence[SchoolData]) -> list[Group]:
    return [*groups, Group("all", _("Всего по региону"), tuple(schools))]


def _short_doc(code: str) -> str:
    return {
        "doc_website": _("Раздел на сайте"),
        "doc_regulation": _("Положение"),
        "doc_program": _("Программа ОО"),
        "doc_order_pairs": _("Приказ о парах"),
        "doc_order_target_model": _("Приказ о ЦМН"),
        "doc_order_curator": _("Приказ о кураторе"),
        "doc_roadmap": _("Дорожная карта"),
    }[code]


def regional_documents(groups: Sequence[Group]) -> Table:
    columns = [Column(_("Муниципалитет"), width=20), Column(_("ОО"), width=5)] + [
        Column(_short_doc(code), group=_("Доля ОО, где документ есть, %")) for code in DOCUMENT_FLAGS
    ]
    rows = [
        [
            g.label,
            len(g.schools),
            *(share(g.count(lambda s, c=code: bool(s.v(c))), len(g.schools)) for code in DOCUMENT_FLAGS),
        ]
        for g in groups
    ]
    return Table(
        key="table1",
        caption=_("Таблица 1"),
        title=_(
            "Состояние нормативно-правового и информационно-методического обеспечения по муниципалитетам"
        ),
        columns=columns,
        rows=rows,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def regional_package(
    groups: Sequence[Group], compare: dict[int, dict], period: Period, compare_as_of: date
) -> Table:
    labels = [_("сформирован"), _("в стадии формирования"), _("не сформирован")]
    columns = [Column(_("Муниципалитет"), width=20), Column(_("ОО"), width=5)]
    for day in (compare_as_of, period.as_of):
        columns += [Column(label, group=_("на %(day)s") % {"day": _d(day)}) for label in labels]
    columns.append(Column(_("Сформирован полностью на %(day)s, %%") % {"day": _d(period.as_of)}))
    rows = []
    for g in groups:
        row: list[Cell] = [g.label, len(g.schools)]
        for values_of in (lambda s: compare.get(s.pk, {}), lambda s: s.values):
            row += [g.count(lambda s, c=code, f=values_of: bool(f(s).get(c, 0))) for code in PACKAGE_CODES]
        row.append(share(row[-3], len(g.schools)))
        rows.append(row)
    chart = Chart(
        kind="stacked",
        title=_("Состояние пакета документов на %(day)s, %% организаций") % {"day": _d(period.as_of)},
        categories=tuple(g.label for g in groups),
        series=tuple(
            Series(_cap(label), tuple(share(r[5 + k], r[1]) for r in rows), PACKAGE_COLORS[k])
            for k, label in enumerate(labels)
        ),
    )
    return Table(
        key="table2",
        caption=_("Таблица 2"),
        title=_("Сравнительный анализ состояния пакета документов на две даты по муниципалитетам"),
        columns=columns,
        rows=rows,
        chart=chart,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


REGIONAL_STAFFING = (
    "young_teachers",
    "young_mentees",
    "young_coverage",
    "mentor_teachers",
    "pairs",
    "groups",
    "programs_approved",
    "programs_realised",
    "enterprises",
    "mentors_trained_share",
)


def regional_staffing(groups: Sequence[Group]) -> Table:
    columns = [Column(_("Муниципалитет"), width=18)] + [Column(_name(code)) for code in REGIONAL_STAFFING]
    rows = []
    for g in groups:
        totals = g.totals()
        rows.append([g.label, *(totals.get(code, 0) for code in REGIONAL_STAFFING)])
    return Table(
        key="table3",
        caption=_("Таблица 3"),
        title=_("Кадровый педагогический ресурс для реализации программ наставничества по муниципалитетам"),
        columns=columns,
        rows=rows,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def regional_forms(
    groups: Sequence[Group], forms: Sequence[MentoringForm], schools: Sequence[SchoolData]
) -> Table:
    listed = _listed_forms(forms, schools)
    columns = [Column(_("Муниципалитет"), width=18), Column(_("ОО"), width=5)] + [
        Column(_form_name(f), group=_("Организаций, где форма практикуется")) for f in listed
    ]
    rows = [
        [
            g.label,
            len(g.schools),
            *(g.count(lambda s, c=f.code: c in s.details.get("forms", [])) for f in listed),
        ]
        for g in groups
    ]
    total = groups[-1]
    practised = [f for f in listed if total.count(lambda s, c=f.code: c in s.details.get("forms", []))]
    chart = None
    if practised:
        chart = Chart(
            kind="bars",
            title=_("Формы наставничества в регионе, % организаций"),
            categories=tuple(_form_name(f) for f in practised),
            series=(
                Series(
                    total.label,
                    tuple(
                        share(
                            total.count(lambda s, c=f.code: c in s.details.get("forms", [])),
                            len(total.schools),
                        )
                        for f in practised
                    ),
                ),
            ),
        )
    return Table(
        key="table4",
        caption=_("Таблица 4"),
        title=_("Формы наставничества по муниципалитетам"),
        columns=columns,
        rows=rows,
        chart=chart,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def regional_levels(groups: Sequence[Group]) -> Table:
    labels = _level_labels()
    predicates = [lambda s, level=level: s.level == level for level in LEVELS] + [
        lambda s: s.level not in LEVELS
    ]
    columns = [Column(_("Муниципалитет"), width=18), Column(_("ОО"), width=5)]
    for label in labels:
        columns += [Column(_("ОО"), group=label), Column("%", group=label)]
    rows = []
    for g in groups:
        row: list[Cell] = [g.label, len(g.schools)]
        for predicate in predicates:
            n = g.count(predicate)
            row += [n, share(n, len(g.schools))]
        rows.append(row)
    total = groups[-1]
    chart = Chart(
        kind="bars",
        title=_("Уровни эффективности программ наставничества в регионе, % организаций"),
        categories=tuple(labels),
        series=(
            Series(
                total.label,
                tuple(share(total.count(p), len(total.schools)) for p in predicates),
                LEVEL_COLORS[0],
            ),
        ),
    )
    return Table(
        key="table5",
        caption=_("Таблица 5"),
        title=_("Анализ уровня эффективности программ наставничества по муниципалитетам"),
        columns=columns,
        rows=rows,
        chart=chart,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def regional_programs(groups: Sequence[Group]) -> Table:
    columns = _program_columns([Column(_("Муниципалитет"), width=30)])
    rows = [[g.label, *_program_cells(g.totals())] for g in groups]
    return Table(
        key="table6",
        caption=_("Таблица 6"),
        title=_("Реализация персонализированных программ наставничества по муниципалитетам"),
        columns=columns,
        rows=rows,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def _municipality_addressees(gap: Gap, groups: Sequence[Group]) -> str:
    ids = {s.pk for s in gap.schools}
    parts = []
    for g in groups:
        n = sum(1 for s in g.schools if s.pk in ids)
        if n:
            parts.append(
                _("%(name)s — %(n)s ОО из %(total)s") % {"name": g.label, "n": n, "total": len(g.schools)}
            )
    return "; ".join(parts)


def appendix_municipalities(groups: Sequence[Group]) -> Table:
    columns = [
        Column(_("Муниципалитет"), width=18),
        Column(_("ОО"), width=5),
        Column(_("Пакет документов полный, %")),
        Column(_("Молодых педагогов")),
        Column(_("Из них с наставником")),
        Column(_("Охват, %")),
        Column(_("Наставников")),
        Column(_("Пар")),
        Column(_("Групп")),
        Column(_("Программ в работе")),
        Column(_("Завершено, %")),
        Column(_("Оптимальный уровень, ОО")),
        Column(_("Материалы сданы, ОО")),
    ]
    rows = []
    for g in groups:
        t = g.totals()
        rows.append(
            [
                g.label,
                len(g.schools),
                share(t.get("package_complete", 0), len(g.schools)),
                t.get("young_teachers", 0),
                t.get("young_mentees", 0),
                t.get("young_coverage"),
                t.get("mentors", 0),
                t.get("pairs", 0),
                t.get("groups", 0),
                t.get("programs_cohort", 0),
                t.get("completion_rate"),
                g.count(lambda s: s.level == EffectivenessLevel.OPTIMAL),
                g.count(lambda s: s.handed_in),
            ]
        )
    return Table(
        key="appendix2",
        caption=_("Приложение 2"),
        title=_("Показатели реализации программ наставничества по муниципалитетам"),
        columns=columns,
        rows=rows,
        landscape=True,
        strong_rows={len(rows) - 1},
    )


def build_regional_report(
    region: Region,
    period: Period,
    compare_as_of: date | None = None,
    *,
    use_snapshot: bool = True,
    progress: Progress | None = None,
) -> Report:
    """The regional report: the municipal tables with one row per municipality and a regional total."""
    step = progress or (lambda _n: None)
    compare_as_of = compare_as_of or default_compare_date(period)
    municipalities = list(region.municipalities.order_by("name"))
    data = _load(
        Scope(municipality_ids=tuple(m.pk for m in municipalities)),
        period,
        compare_as_of,
        use_snapshot=use_snapshot,
        step=step,
    )
    schools, forms = data.schools, data.forms
    groups = _with_region_total(
        [g for g in _municipality_groups(schools, municipalities) if g.schools], list(schools)
    )
    tables = [
        regional_documents(groups),
        regional_package(groups, data.compare, period, compare_as_of),
        regional_staffing(groups),
        regional_forms(groups, forms, schools),
        regional_levels(groups),
        regional_programs(groups),
        *summary_tables(schools, forms),
    ]
    step(85)
    gaps = find_gaps(schools, forms, data.campaigns)
    appendices = [
        appendix_recommendations(
            gaps,
            schools,
            lambda gap: _municipality_addressees(gap, groups[:-1]),
            third=_("Муниципалитеты (число организаций с недостатком)"),
        ),
        appendix_municipalities(groups),
    ]
    return Report(
        kind="regional",
        title=_(
            "Аналитическая справка по результатам мониторинга реализации целевой модели наставничества "
            "в образовательных организациях региона"
        ),
        territory=region.name,
        territory_code=region.code,
        office="",
        period=period,
        compare_as_of=compare_as_of,
        facts=_facts(period, compare_as_of, schools, data.campaigns, data.source),
        tables=tables,
        appendices=appendices,
        source=data.source,
        generated_at=timezone.localtime(),
    )


# --- The school's own numbers (for its analytical note) -----------------------------------------


def _value_table(key: str, caption: str, title: str, codes: Sequence[str], values: dict[str, Any]) -> Table:
    return Table(
        key=key,
        caption=caption,
        title=title,
        columns=[Column(_("Показатель"), width=66), Column(_("Ед.")), Column(_("Значение"))],
        rows=[[_name(code), _unit(code), values.get(code, 0)] for code in codes],
    )


def build_school_note_figures(
    school: School,
    period: Period,
    compare_as_of: date | None = None,
    *,
    use_snapshot: bool = True,
    progress: Progress | None = None,
) -> Report:
    """The school's own numbers in the shapes of the municipal tables (its analytical note's figures)."""
    step = progress or (lambda _n: None)
    compare_as_of = compare_as_of or default_compare_date(period)
    data = _load(Scope(school_id=school.pk), period, compare_as_of, use_snapshot=use_snapshot, step=step)
    forms = data.forms
    me = next((s for s in data.schools if s.pk == school.pk), None)
    if me is None:  # an inactive school: no indicators, an empty row keeps the tables' shape
        me = SchoolData(
            school.pk,
            school.short_name,
            school.code,
            school.kind,
            school.municipality_id,
            "",
            with_shares({}),
            {},
        )
    items = act_register([school.pk], period.as_of).get(school.pk, [])
    documents = Table(
        key="table1",
        caption=_("Таблица 1"),
        title=_("Нормативно-правовое обеспечение: обязательные документы"),
        columns=[
            Column(_("Документ"), width=40),
            Column(_("Состояние"), width=26),
            Column(_("Номер")),
            Column(_("Дата")),
        ],
        rows=[
            [item.label, item.state_label, item.number or "—", _d(item.date) if item.date else "—"]
            for item in items
        ],
    )
    compare = data.compare.get(school.pk, {})
    package = Table(
        key="table2",
        caption=_("Таблица 2"),
        title=_("Состояние пакета документов на две даты"),
        columns=[
            Column(_("Дата среза")),
            Column(_("Документов из 7")),
            Column(_("Состояние пакета"), width=50),
        ],
        rows=[
            [_d(day), values.get("docs_present", 0), _package_state(values)]
            for day, values in ((compare_as_of, compare), (period.as_of, me.values))
        ],
    )
    staffing = _value_table(
        "table3", _("Таблица 3"), _("Кадровый педагогический ресурс"), STAFFING_CODES, me.values
    )
    form_rows = [
        [_form_name(f), me.v(f"form_{f.code}")]
        for f in forms
        if me.v(f"form_{f.code}") or f.code in CORE_FORMS
    ]
    forms_table = Table(
        key="table4",
        caption=_("Таблица 4"),
        title=_("Формы наставничества"),
        columns=[Column(_("Форма наставничества"), width=70), Column(_("Пар (групп)"))],
        rows=form_rows,
    )
    submission = me.submission or {}
    level_table = Table(
        key="table5",
        caption=_("Таблица 5"),
        title=_("Уровень эффективности программы наставничества"),
        columns=[Column(_("Показатель"), width=60), Column(_("Значение"))],
        rows=[
            [_("Уровень, заявленный в материалах мониторинга"), _level_label(submission.get("level", ""))],
            [
                _("Уровень по показателям (подсказка системы)"),
                _level_label(submission.get("suggested_level", "")),
            ],
            [
                _("Материалы внутреннего мониторинга"),
                str(SubmissionStatus(submission["status"]).label) if submission else _("не начаты"),
            ],
        ],
    )
    program_rows = [
        [_form_name(f), *_program_cells(me.values, f"_{f.code}")]
        for f in forms
        if me.v(f"programs_cohort_{f.code}")
    ]
    program_rows.append([_("Всего"), *_program_cells(me.values)])
    programs = Table(
        key="table6",
        caption=_("Таблица 6"),
        title=_("Реализация персонализированных программ наставничества"),
        columns=_program_columns([Column(_("Форма наставничества"), width=34)]),
        rows=program_rows,
        strong_rows={len(program_rows) - 1},
    )
    quality = _value_table(
        "participation",
        _("Таблица 7"),
        _("Количественные и качественные показатели целевой модели"),
        PARTICIPATION_CODES,
        me.values,
    )
    swot_rows: list[list[Cell]] = []
    for name, label in zip(SWOT_FIELDS, _swot_labels(), strict=True):
        points = text_points(submission.get(name, "")) if me.handed_in else []
        swot_rows += [[label, p] for p in points] or [[label, _("не заполнено")]]
    swot = Table(
        key="swot",
        title=_("SWOT-анализ (из материалов внутреннего мониторинга)"),
        columns=[Column(_("Составляющая"), width=20), Column(_("Положение"))],
        rows=swot_rows,
        merge_first=True,
    )
    step(85)
    gaps = find_gaps([me], forms, data.campaigns)
    recommendations = Table(
        key="appendix1",
        caption=_("Приложение 1"),
        title=_("Рекомендации по итогам мониторинга"),
        columns=[Column(_("Направление"), width=30), Column(_("Рекомендация"))],
        rows=[
            [g.direction, g.text + (f" ({g.hint}: {g.detail[me.pk]})" if me.pk in g.detail else "")]
            for g in gaps
        ]
        or [["—", _("Замечаний по показателям мониторинга нет")]],
        merge_first=True,
    )
    facts = [
        (_("Организация"), school.short_name),
        (_("Период"), f"{_d(period.start)} – {_d(period.end)}"),
        (_("Учебный год"), school_year_label(period.school_year)),
        (_("Дата среза (по состоянию на)"), _d(period.as_of)),
        (_("Дата сравнения (таблица 2)"), _d(compare_as_of)),
        (_("Источник данных"), data.source),
    ]
    return Report(
        kind="school",
        title=_("Показатели реализации целевой модели наставничества"),
        territory=school.short_name,
        territory_code=school.code,
        office=school.full_name,
        period=period,
        compare_as_of=compare_as_of,
        facts=facts,
        tables=[
            documents,
            package,
            staffing,
            forms_table,
            level_table,
            programs,
            table_reasons([me], forms),
            quality,
            swot,
        ],
        appendices=[recommendations],
        source=data.source,
        generated_at=timezone.localtime(),
        values=dict(me.values),
    )


def _package_state(values: dict[str, Any]) -> str:
    labels = _package_labels()
    for code, label in zip(PACKAGE_CODES, labels, strict=True):
        if values.get(code):
            return label
    return labels[2]
