"""The data of the dashboards: a municipality's, a region's, a school's, and a school's overview.

Where the numbers come from
---------------------------
Computing the indicators of a municipality of 130 schools live (``monitoring.compute.school_values``)
takes about 0.4 s — more than the 300 ms a dashboard may take, and twice that with last year's
figures for the change. A dashboard therefore reads the latest **stored snapshot** of the period
(``monitoring.models.Snapshot`` in state «готово») and says when it was computed («рассчитано
01.12.2026 10:15», with a «Пересчитать» button); it computes live only what no snapshot covers (a
municipality of the region without a snapshot, a period nobody computed), so a dashboard always
answers, slowly only the first time.

- **Slice date.** The one asked for; otherwise the latest ``as_of`` among the done snapshots of the
  period; otherwise the default of ``docs/indicators.md`` (the end of the period, or today).
- **Last year.** The same period one year earlier, with the slice date one year earlier: the done
  snapshot of exactly that period and date when there is one (the «Рассчитать показатели» form
  computes it together with the current one), else computed live.
- **Territory figures** are sums of the schools' counts with the shares recomputed from the sums
  (``monitoring.indicators.aggregate``); filters by type, district or name narrow the schools first.

Every function runs a fixed number of queries whatever the number of schools: the snapshot headers,
their rows, the fixed set of ``school_values`` for what is computed live, the schools' names, the
campaign's submissions. ``tests/test_dashboards.py`` checks it with 10 and 200 schools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from monitoring.compute import Period, Scope, school_values
from monitoring.indicators import (
    BY_CODE,
    CATALOG,
    DOCUMENT_FLAGS,
    GROUP_TITLES,
    aggregate,
    share,
    with_shares,
)
from monitoring.models import (
    EffectivenessLevel,
    JobStatus,
    Snapshot,
    SnapshotRow,
    Submission,
    SubmissionStatus,
)
from programs.models import EndReason, MentoringForm
from schools.models import Municipality, School, SchoolKind
from schools.years import school_year_bounds, school_year_label, school_year_of

# Short column titles of the compliance matrix; the full names are the catalog's.
DOCUMENT_SHORT: dict[str, Promise] = {
    "doc_website": _("Сайт"),
    "doc_regulation": _("Положение"),
    "doc_program": _("Программа"),
    "doc_order_pairs": _("Приказ о парах"),
    "doc_order_target_model": _("Приказ о ЦМН"),
    "doc_order_curator": _("Приказ о кураторе"),
    "doc_roadmap": _("Дорожная карта"),
}
NO_LEVEL = "none"
LEVEL_LABELS: dict[str, Promise] = {**dict(EffectivenessLevel.choices), NO_LEVEL: _("нет данных")}
# A level counts once the curator has handed the internal monitoring in (accepted or awaiting decision).
LEVEL_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


# --- Periods -----------------------------------------------------------------------------------------


def default_as_of(start: date, end: date, today: date | None = None) -> date:
    """The slice date when none is asked for: the end of the period, or today if it is not over."""
    today = today or timezone.localdate()
    return max(start, min(end, today))


def year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_period(period: Period) -> Period:
    """The same period and slice date one year earlier: what «change against last year» compares to."""
    return Period(year_ago(period.start), year_ago(period.end), year_ago(period.as_of))


def school_year_period(year: int | None = None) -> tuple[date, date]:
    return school_year_bounds(school_year_of() if year is None else year)


def period_label(start: date, end: date) -> str:
    """«2026/2027 учебный год» for a school year, otherwise the dates."""
    year = school_year_of(start)
    if (start, end) == school_year_bounds(year):
        return str(_("%(year)s учебный год") % {"year": school_year_label(year)})
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"


# --- Territories and the figures of their schools ------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    """The schools a dashboard covers: those of some municipalities, or one school."""

    municipality_ids: tuple[int, ...] = ()
    school: School | None = None

    @property
    def scope(self) -> Scope:
        if self.school is not None:
            return Scope(school_id=self.school.pk)
        return Scope(municipality_ids=self.municipality_ids)


@dataclass
class Figures:
    """Indicator counts per school for a period and slice date, and where they came from."""

    period: Period
    values: dict[int, dict[str, int]]
    details: dict[int, dict[str, Any]]
    computed_at: datetime | None = None  # of the oldest snapshot read; None when nothing was stored
    snapshot_ids: tuple[int, ...] = ()
    live: bool = False  # some (or all) schools were computed for this request

    @property
    def from_snapshot(self) -> bool:
        return bool(self.snapshot_ids) and not self.live


def load_figures(
    territory: Territory,
    start: date,
    end: date,
    as_of: date | None = None,
    *,
    today: date | None = None,
    with_details: bool = True,
) -> Figures:
    """The counts of every school of the territory: from done snapshots, live for what they miss.

    Two queries when snapshots cover everything; the fixed set of ``school_values`` more otherwise.
    ``with_details=False`` leaves the details (forms, reasons) of stored rows unread: the territory
    dashboards need only the counts, and reading half the JSON is a good part of their time.
    """
    headers = Snapshot.objects.filter(status=JobStatus.DONE, period_start=start, period_end=end)
    school = territory.school
    if school is not None:
        headers = headers.filter(
            Q(school=school) | Q(school__isnull=True, municipality_id=school.municipality_id)
        )
    else:
        headers = headers.filter(school__isnull=True, municipality_id__in=territory.municipality_ids)
    if as_of is not None:
        headers = headers.filter(as_of=as_of)
    found = list(
        headers.order_by("-as_of", "-computed_at", "-pk").values(
            "pk", "municipality_id", "as_of", "computed_at"
        )
    )
    if as_of is None:
        as_of = found[0]["as_of"] if found else default_as_of(start, end, today)
    chosen: dict[int, dict] = {}
    for header in found:
        if header["as_of"] == as_of:
            chosen.setdefault(header["municipality_id"], header)
    period = Period(start, end, as_of)
    values: dict[int, dict[str, int]] = {}
    details: dict[int, dict[str, Any]] = {}
    if chosen:
        rows = SnapshotRow.objects.filter(snapshot_id__in=[h["pk"] for h in chosen.values()])
        if school is not None:
            rows = rows.filter(school=school)
        if with_details:
            for school_id, row_values, row_details in rows.values_list("school_id", "values", "details"):
                values[school_id], details[school_id] = row_values, row_details
        else:
            values.update(rows.values_list("school_id", "values"))
    if school is not None:
        missing_scope = None if school.pk in values else Scope(school_id=school.pk)
    else:
        missing = tuple(m for m in territory.municipality_ids if m not in chosen)
        missing_scope = Scope(municipality_ids=missing) if missing else None
    if missing_scope is not None:
        for school_id, (row_values, row_details) in school_values(missing_scope, period).items():
            values[school_id], details[school_id] = row_values, row_details
    # A school missing from its municipality's snapshot (new, or reactivated) was computed live instead.
    used = [] if school is not None and missing_scope is not None else list(chosen.values())
    return Figures(
        period=period,
        values=values,
        details=details,
        computed_at=min((h["computed_at"] for h in used if h["computed_at"]), default=None),
        snapshot_ids=tuple(sorted(h["pk"] for h in used)),
        live=missing_scope is not None,
    )


# --- Schools, submissions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolInfo:
    pk: int
    code: str
    short_name: str
    kind: str
    district: str
    municipality_id: int
    municipality_name: str

    @property
    def kind_short(self) -> str:
        return SchoolKind.short_label(self.kind)


def schools_of(municipality_ids: Sequence[int]) -> list[SchoolInfo]:
    """Names, types and districts of the territory's active schools, in one query."""
    rows = (
        School.objects.filter(municipality_id__in=list(municipality_ids), is_active=True)
        .order_by("short_name", "pk")
        .values_list("pk", "code", "short_name", "kind", "district", "municipality_id", "municipality__name")
    )
    return [SchoolInfo(*row) for row in rows]


@dataclass(frozen=True)
class SubmissionInfo:
    status: str
    level: str
    suggested_level: str

    @property
    def counted_level(self) -> str:
        """The level the charts count: set and handed in, else «нет данных»."""
        return self.level if self.level and self.status in LEVEL_STATUSES else NO_LEVEL

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.status).label

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.counted_level]


def submissions_of(municipality_ids: Sequence[int], school_year: int) -> dict[int, SubmissionInfo]:
    """The internal monitoring of each school in its municipality's campaign of the school year."""
    rows = Submission.objects.filter(
        campaign__municipality_id__in=list(municipality_ids), campaign__school_year=school_year
    ).values_list("school_id", "status", "level", "suggested_level")
    return {
        school_id: SubmissionInfo(status, level, suggested) for school_id, status, level, suggested in rows
    }


def forms_catalog() -> list[tuple[str, str]]:
    return list(
        MentoringForm.objects.filter(is_active=True).order_by("order", "name").values_list("code", "name")
    )


# --- Derived numbers -------------------------------------------------------------------------------------


def derived(values: Mapping[str, Any]) -> dict[str, Any]:
    """Counts and shares plus the dashboard's own combinations (pairs and groups, overall satisfaction)."""
    result = with_shares(values)
    result["pairs_groups"] = values.get("pairs", 0) + values.get("groups", 0)
    result["responses"] = values.get("mentor_responses", 0) + values.get("mentee_responses", 0)
    result["satisfied"] = values.get("mentor_satisfied", 0) + values.get("mentee_satisfied", 0)
    result["satisfaction"] = share(result["satisfied"], result["responses"])
    if "schools" in values:
        result["package_share"] = share(values.get("package_complete", 0), values["schools"])
    return result


def totals_of(rows: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    return derived(aggregate(rows))


@dataclass(frozen=True)
class Headline:
    """A headline card: the figure, last year's, and the change (percentage points for a share)."""

    code: str
    label: str | Promise
    value: Decimal | int | None
    previous: Decimal | int | None
    is_share: bool
    note: str = ""

    @property
    def change(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def magnitude(self) -> Decimal | int | None:
        return None if self.change is None else abs(self.change)

    @property
    def direction(self) -> str:
        """up, down, same, or "" when last year has no figure (all headlines: more is better)."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"


def headlines(
    current: Mapping[str, Any], previous: Mapping[str, Any] | None, *, one_school: bool
) -> list[Headline]:
    """The six cards of a dashboard, for a territory (sums) or for one school."""
    prev = previous or {}

    def card(code: str, label, *, is_share: bool, note: str = "") -> Headline:
        return Headline(code, label, current.get(code), prev.get(code) if previous else None, is_share, note)

    cards = [
        card(
            "young_coverage",
            _("Молодых специалистов с наставником"),
            is_share=True,
            note=str(
                _("%(n)s из %(total)s молодых педагогов")
                % {"n": current.get("young_mentees", 0), "total": current.get("young_teachers", 0)}
            ),
        ),
        card("mentors", _("Наставников"), is_share=False, note=str(_("в учитываемых парах и группах"))),
        card(
            "pairs_groups",
            _("Пар и групп"),
            is_share=False,
            note=str(
                _("пар: %(p)s, групп: %(g)s") % {"p": current.get("pairs", 0), "g": current.get("groups", 0)}
            ),
        ),
        card(
            "completion_rate",
            _("Программ завершено"),
            is_share=True,
            note=str(
                _("%(n)s из %(total)s программ периода")
                % {"n": current.get("programs_done", 0), "total": current.get("programs_cohort", 0)}
            ),
        ),
    ]
    if one_school:
        cards.append(
            card(
                "docs_present",
                _("Документов из семи обязательных"),
                is_share=False,
                note=str(_("пакет сформирован полностью"))
                if current.get("package_complete")
                else str(_("пакет в стадии формирования"))
                if current.get("docs_present")
                else str(_("пакет не сформирован")),
            )
        )
    else:
        cards.append(
            card(
                "package_share",
                _("ОО с полным пакетом документов"),
                is_share=True,
                note=str(
                    _("%(n)s из %(total)s организаций")
                    % {"n": current.get("package_complete", 0), "total": current.get("schools", 0)}
                ),
            )
        )
    cards.append(
        card(
            "satisfaction",
            _("Удовлетворённость участников"),
            is_share=True,
            note=str(
                _("%(n)s из %(total)s анкет — 4 балла и выше")
                % {"n": current.get("satisfied", 0), "total": current.get("responses", 0)}
            ),
        )
    )
    return cards


# --- Charts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: ``percent`` (0–100) is its length, ``value`` what is written next to it."""

    key: str
    label: str | Promise
    value: int
    percent: float
    note: str = ""
    tone: str = "brand"
    extra: int | None = None  # a second number of the row (the pairs of a form), for the XLSX


def _percent(part: int | float, whole: int | float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def forms_bars(rows: Sequence[Mapping[str, Any]], forms: Sequence[tuple[str, str]]) -> list[Bar]:
    """Schools practising each form of the catalog (bar: share of the schools), with their pairs."""
    bars = []
    for code, name in forms:
        key = f"form_{code}"
        schools = sum(1 for r in rows if r.get(key, 0) > 0)
        pairs = sum(r.get(key, 0) for r in rows)
        bars.append(
            Bar(
                code,
                name,
                schools,
                _percent(schools, len(rows)),
                note=str(_("пар и групп: %(n)s") % {"n": pairs}),
                extra=pairs,
            )
        )
    return bars


def school_forms_bars(values: Mapping[str, Any], forms: Sequence[tuple[str, str]]) -> list[Bar]:
    """A school's pairs and groups by form (bar: share of all its pairs and groups); practised forms only."""
    total = values.get("pairs", 0) + values.get("groups", 0)
    return [
        Bar(code, name, values[f"form_{code}"], _percent(values[f"form_{code}"], total))
        for code, name in forms
        if values.get(f"form_{code}", 0) > 0
    ]


LEVEL_TONES = {
    EffectivenessLevel.OPTIMAL: "good",
    EffectivenessLevel.ACCEPTABLE: "fair",
    EffectivenessLevel.UNACCEPTABLE: "bad",
    NO_LEVEL: "none",
}


def level_bars(levels: Sequence[str]) -> list[Bar]:
    """Schools by effectiveness level of their internal monitoring (bar: share of the schools)."""
    total = len(levels)
    return [
        Bar(level, LEVEL_LABELS[level], n, _percent(n, total), tone=LEVEL_TONES[level])
        for level in (*EffectivenessLevel.values, NO_LEVEL)
        for n in [sum(1 for x in levels if x == level)]
    ]


def document_bars(rows: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """Schools having each of the seven required acts (bar: share of the schools)."""
    return [
        Bar(code, BY_CODE[code].name, n, _percent(n, len(rows)))
        for code in DOCUMENT_FLAGS
        for n in [sum(1 for r in rows if r.get(code))]
    ]


def package_bars(rows: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """Table 2 of the report: package complete / in progress / not formed (bar: share of the schools)."""
    items = (
        ("package_complete", _("сформирован полностью"), "good"),
        ("package_in_progress", _("в стадии формирования"), "fair"),
        ("package_not_formed", _("не сформирован"), "bad"),
    )
    return [
        Bar(code, label, n, _percent(n, len(rows)), tone=tone)
        for code, label, tone in items
        for n in [sum(1 for r in rows if r.get(code))]
    ]


# --- Tables ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = "count"  # text, count, share
    total: bool = True  # whether a total row makes sense (a sum of counts, a share of sums)
    title: str | Promise = ""  # the full name (a tooltip on the page, the header of the XLSX)

    @property
    def full_title(self) -> str | Promise:
        return self.title or self.label

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    @property
    def summable(self) -> bool:
        return self.numeric and self.total


SCHOOL_COLUMNS: tuple[Column, ...] = (
    Column("name", _("Организация"), "text"),
    Column("kind", _("Тип"), "text", title=_("Тип организации")),
    Column("district", _("Район"), "text"),
    Column("teachers", _("Педагогов"), title=_("Педагогических работников")),
    Column("young_teachers", _("Молодых"), title=_("Молодых педагогов (стаж 0–3 года)")),
    Column(
        "young_coverage", _("С наставником, %"), "share", title=_("Доля молодых педагогов с наставником, %")
    ),
    Column("mentors", _("Наставников"), title=_("Наставников в учитываемых парах и группах")),
    Column("pairs_groups", _("Пар и групп"), title=_("Наставнических пар и групп")),
    Column("forms_practised", _("Форм"), total=False, title=_("Форм наставничества практикуется")),
    Column("completion_rate", _("Завершено, %"), "share", title=_("Доля завершённых программ периода, %")),
    Column("docs_present", _("Док. из 7"), total=False, title=_("Документов из семи обязательных")),
    Column(
        "satisfaction",
        _("Удовл., %"),
        "share",
        title=_("Удовлетворённость участников: доля анкет с баллом 4 и выше, %"),
    ),
    Column("level", _("Уровень"), "text", title=_("Уровень эффективности по внутреннему мониторингу")),
)
MUNICIPALITY_COLUMN = Column("municipality", _("Муниципалитет"), "text")


def school_columns(*, with_municipality: bool) -> tuple[Column, ...]:
    """The schools table; a region's adds the municipality after the name."""
    if not with_municipality:
        return SCHOOL_COLUMNS
    return (SCHOOL_COLUMNS[0], MUNICIPALITY_COLUMN, *SCHOOL_COLUMNS[1:])


MUNICIPALITY_COLUMNS: tuple[Column, ...] = (
    Column("name", _("Муниципалитет"), "text"),
    Column("schools", _("ОО"), title=_("Организаций")),
    Column("teachers", _("Педагогов"), title=_("Педагогических работников")),
    Column("young_teachers", _("Молодых"), title=_("Молодых педагогов (стаж 0–3 года)")),
    Column(
        "young_coverage", _("С наставником, %"), "share", title=_("Доля молодых педагогов с наставником, %")
    ),
    Column("mentors", _("Наставников"), title=_("Наставников в учитываемых парах и группах")),
    Column("pairs_groups", _("Пар и групп"), title=_("Наставнических пар и групп")),
    Column("completion_rate", _("Завершено, %"), "share", title=_("Доля завершённых программ периода, %")),
    Column("package_share", _("Полный пакет, %"), "share", title=_("Доля ОО с полным пакетом документов, %")),
    Column(
        "satisfaction",
        _("Удовл., %"),
        "share",
        title=_("Удовлетворённость участников: доля анкет с баллом 4 и выше, %"),
    ),
    Column("optimal", _("Оптим. уровень"), title=_("ОО с оптимальным уровнем эффективности")),
)


@dataclass
class TableRow:
    """A row of a dashboard table: a school or a municipality, its link, and its cells by column key."""

    pk: int
    cells: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    school: SchoolInfo | None = None
    level: str = NO_LEVEL


def sort_rows(rows: list[TableRow], columns: Sequence[Column], sort: str) -> tuple[list[TableRow], str]:
    """Rows ordered by a column key («-key» descending); empty cells last either way. Returns the key used."""
    key = sort.lstrip("-")
    if key not in {c.key for c in columns}:
        return rows, ""
    descending = sort.startswith("-")
    text = next(c for c in columns if c.key == key).kind == "text"

    def sort_value(row: TableRow):
        value = row.cells.get(key)
        return str(value).casefold() if text and value is not None else value

    present = [r for r in rows if r.cells.get(key) not in (None, "")]
    empty = [r for r in rows if r.cells.get(key) in (None, "")]
    present.sort(key=lambda r: (r.cells["name"].casefold(), r.pk))
    present.sort(key=sort_value, reverse=descending)
    return present + empty, sort


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    district: str = ""
    q: str = ""

    def keep(self, school: SchoolInfo) -> bool:
        if self.kind and school.kind != self.kind:
            return False
        if self.district and school.district != self.district:
            return False
        name = school.short_name.casefold()
        return all(word in name or word in school.code.casefold() for word in self.q.casefold().split())

    @property
    def active(self) -> bool:
        return bool(self.kind or self.district or self.q)


# --- The territory dashboard (municipality or region) -------------------------------------------------------


@dataclass
class TerritoryDashboard:
    figures: Figures
    previous: Figures | None
    schools: list[SchoolInfo]  # after the filters
    districts: list[str]  # of all the territory's schools, for the filter
    rows: list[TableRow]  # one per school, unsorted
    totals: dict[str, Any]
    previous_totals: dict[str, Any] | None
    submissions: dict[int, SubmissionInfo]
    forms: list[tuple[str, str]]
    municipality_names: dict[int, str] = field(default_factory=dict)

    @property
    def headlines(self) -> list[Headline]:
        return headlines(self.totals, self.previous_totals, one_school=False)

    @property
    def values(self) -> list[dict[str, Any]]:
        return [r.values for r in self.rows]

    @cached_property
    def forms_bars(self) -> list[Bar]:
        return forms_bars(self.values, self.forms)

    @cached_property
    def practised_forms_bars(self) -> list[Bar]:
        return [bar for bar in self.forms_bars if bar.value]

    @cached_property
    def unpractised_forms(self) -> list[str]:
        """Forms of the catalog no school of the selection practises (listed in one line)."""
        return [str(bar.label) for bar in self.forms_bars if not bar.value]

    @cached_property
    def level_bars(self) -> list[Bar]:
        return level_bars([r.level for r in self.rows])

    @cached_property
    def document_bars(self) -> list[Bar]:
        return document_bars(self.values)

    @cached_property
    def package_bars(self) -> list[Bar]:
        return package_bars(self.values)

    def municipality_rows(self) -> list[TableRow]:
        """The region's table: one row per municipality, its schools summed (filters applied)."""
        grouped: dict[int, list[TableRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.school.municipality_id, []).append(row)
        result = []
        for pk, name in self.municipality_names.items():
            members = grouped.get(pk, [])
            totals = totals_of(r.values for r in members)
            optimal = sum(1 for r in members if r.level == EffectivenessLevel.OPTIMAL)
            cells = {c.key: totals.get(c.key) for c in MUNICIPALITY_COLUMNS}
            cells.update(name=name, schools=len(members), optimal=optimal)
            result.append(TableRow(pk=pk, cells=cells, values=totals))
        return result

    def matrix(self, *, gaps_only: bool = False) -> Matrix:
        rows = [
            r for r in self.rows if not gaps_only or r.values.get("docs_present", 0) < len(DOCUMENT_FLAGS)
        ]
        return Matrix(
            rows=[
                MatrixRow(
                    r.school,
                    [bool(r.values.get(code)) for code in DOCUMENT_FLAGS],
                    r.values.get("docs_present", 0),
                )
                for r in rows
            ],
            totals=[
                MatrixTotal(code, n, _percent(n, len(self.rows)))
                for code in DOCUMENT_FLAGS
                for n in [sum(1 for r in self.rows if r.values.get(code))]
            ],
            schools=len(self.rows),
        )


@dataclass(frozen=True)
class MatrixRow:
    school: SchoolInfo
    flags: list[bool]
    present: int

    @property
    def complete(self) -> bool:
        return self.present == len(DOCUMENT_FLAGS)


@dataclass(frozen=True)
class MatrixTotal:
    code: str
    count: int
    percent: float

    @property
    def label(self):
        return DOCUMENT_SHORT[self.code]

    @property
    def title(self):
        return BY_CODE[self.code].name


@dataclass(frozen=True)
class Matrix:
    rows: list[MatrixRow]
    totals: list[MatrixTotal]  # over all the schools after the type/district/name filters
    schools: int

    @property
    def complete(self) -> int:
        return sum(1 for r in self.rows if r.complete)


def _school_row(
    info: SchoolInfo, values: dict[str, Any], submission: SubmissionInfo | None, kinds: Mapping[str, str]
) -> TableRow:
    level = submission.counted_level if submission else NO_LEVEL
    cells = {c.key: values.get(c.key) for c in SCHOOL_COLUMNS}
    cells.update(
        name=info.short_name,
        municipality=info.municipality_name,
        kind=kinds.get(info.kind, info.kind),
        district=info.district,
        level=LEVEL_LABELS[level] if level != NO_LEVEL else "",
    )
    return TableRow(pk=info.pk, cells=cells, values=values, school=info, level=level)


def territory_dashboard(
    municipality_ids: Sequence[int],
    start: date,
    end: date,
    as_of: date | None = None,
    *,
    filters: Filters = Filters(),
    with_previous: bool = True,
    municipality_names: Mapping[int, str] | None = None,
    today: date | None = None,
) -> TerritoryDashboard:
    """Everything a municipal or regional dashboard shows, for the schools the filters keep."""
    territory = Territory(municipality_ids=tuple(municipality_ids))
    figures = load_figures(territory, start, end, as_of, today=today, with_details=False)
    previous = None
    if with_previous:
        last_year = previous_period(figures.period)
        previous = load_figures(
            territory, last_year.start, last_year.end, last_year.as_of, with_details=False
        )
    all_schools = schools_of(municipality_ids)
    schools = [s for s in all_schools if filters.keep(s)]
    submissions = submissions_of(municipality_ids, figures.period.school_year)
    kinds = {kind: SchoolKind.short_label(kind) for kind in SchoolKind.values}  # once, not per row
    rows = [
        _school_row(s, derived(figures.values.get(s.pk, {})), submissions.get(s.pk), kinds) for s in schools
    ]
    previous_totals = None
    if previous is not None:
        previous_totals = totals_of(previous.values[s.pk] for s in schools if s.pk in previous.values)
    return TerritoryDashboard(
        figures=figures,
        previous=previous,
        schools=schools,
        districts=sorted({s.district for s in all_schools if s.district}),
        rows=rows,
        totals=totals_of(figures.values.get(s.pk, {}) for s in schools),
        previous_totals=previous_totals,
        submissions=submissions,
        forms=forms_catalog(),
        municipality_names=dict(municipality_names or {}),
    )


# --- One school: the school's own dashboard and the methodist's overview ------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str | Promise
    unit: str | Promise
    value: Any
    previous: Any
    is_share: bool

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class FormLine:
    code: str
    name: str
    pairs: int
    cohort: int
    done: int
    not_done: int


@dataclass
class SchoolDashboard:
    school: School
    figures: Figures
    previous: Figures | None
    values: dict[str, Any]
    previous_values: dict[str, Any] | None
    details: dict[str, Any]
    forms: list[tuple[str, str]]
    submission: SubmissionInfo | None

    @property
    def headlines(self) -> list[Headline]:
        return headlines(self.values, self.previous_values, one_school=True)

    def forms_bars(self) -> list[Bar]:
        return school_forms_bars(self.values, self.forms)

    def form_lines(self) -> list[FormLine]:
        v = self.values
        return [
            FormLine(
                code,
                name,
                v.get(f"form_{code}", 0),
                v.get(f"programs_cohort_{code}", 0),
                v.get(f"programs_done_{code}", 0),
                v.get(f"programs_not_done_{code}", 0),
            )
            for code, name in self.forms
            if v.get(f"form_{code}", 0) or v.get(f"programs_cohort_{code}", 0)
        ]

    def documents(self) -> list[tuple[str, Any, bool]]:
        return [(code, BY_CODE[code].name, bool(self.values.get(code))) for code in DOCUMENT_FLAGS]

    def program_bars(self) -> list[Bar]:
        v = self.values
        cohort = v.get("programs_cohort", 0)
        in_work = max(0, v.get("programs_not_done", 0) - v.get("programs_ended_early", 0))
        return [
            Bar(
                "done",
                _("завершены"),
                v.get("programs_done", 0),
                _percent(v.get("programs_done", 0), cohort),
                tone="good",
            ),
            Bar("in_work", _("продолжаются"), in_work, _percent(in_work, cohort), tone="fair"),
            Bar(
                "ended_early",
                _("прекращены досрочно"),
                v.get("programs_ended_early", 0),
                _percent(v.get("programs_ended_early", 0), cohort),
                tone="bad",
            ),
        ]

    def reasons(self) -> list[tuple[str, str, int]]:
        """Programs ended early: (form, reason, number), from the details of the computation."""
        names = dict(self.forms)
        labels = dict(EndReason.choices)
        return [
            (names.get(form, form), str(labels.get(reason, reason or _("не указана"))), n)
            for form, by_reason in sorted(self.details.get("reasons", {}).items())
            for reason, n in sorted(by_reason.items(), key=lambda item: -item[1])
        ]

    def indicator_groups(self) -> list[tuple[Promise, list[IndicatorLine]]]:
        """Every indicator of the catalog but the document flags (shown as a checklist), by group."""
        groups: dict[str, list[IndicatorLine]] = {}
        previous = self.previous_values
        for indicator in CATALOG:
            if indicator.code in DOCUMENT_FLAGS:
                continue
            groups.setdefault(indicator.group, []).append(
                IndicatorLine(
                    indicator.code,
                    indicator.name,
                    indicator.unit,
                    self.values.get(indicator.code, None if indicator.is_share else 0),
                    (previous.get(indicator.code, None if indicator.is_share else 0) if previous else None),
                    indicator.is_share,
                )
            )
        return [(GROUP_TITLES[group], lines) for group, lines in groups.items()]


def school_dashboard(
    school: School, start: date, end: date, as_of: date | None = None, *, today: date | None = None
) -> SchoolDashboard:
    """One school's figures, last year's, its forms and documents, its internal monitoring."""
    territory = Territory(school=school)
    figures = load_figures(territory, start, end, as_of, today=today)
    last_year = previous_period(figures.period)
    previous = load_figures(territory, last_year.start, last_year.end, last_year.as_of)
    submission = submissions_of([school.municipality_id], figures.period.school_year).get(school.pk)
    previous_values = previous.values.get(school.pk)
    return SchoolDashboard(
        school=school,
        figures=figures,
        previous=previous,
        values=derived(figures.values.get(school.pk, {})),
        previous_values=derived(previous_values) if previous_values is not None else None,
        details=figures.details.get(school.pk, {}),
        forms=forms_catalog(),
        submission=submission,
    )


# --- Stored snapshots: the list and a comparison of two -------------------------------------------------------


def snapshot_totals(snapshot: Snapshot) -> dict[str, Any]:
    """The summed counts of a stored snapshot (one query)."""
    return totals_of(SnapshotRow.objects.filter(snapshot=snapshot).values_list("values", flat=True))


def comparison_lines(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[IndicatorLine]:
    """Every catalog indicator in two snapshots (``value`` — the second, ``previous`` — the first)."""
    return [
        IndicatorLine(
            i.code,
            i.name,
            i.unit,
            second.get(i.code, None if i.is_share else 0),
            first.get(i.code, None if i.is_share else 0),
            i.is_share,
        )
        for i in CATALOG
    ]


def municipality_names_of(region_id: int) -> dict[int, str]:
    return dict(
        Municipality.objects.filter(region_id=region_id).order_by("name", "pk").values_list("pk", "name")
    )


def year_choices(today: date | None = None, back: int = 5) -> list[tuple[int, str]]:
    current = school_year_of(today)
    return [(y, school_year_label(y)) for y in range(current, current - back - 1, -1)]
