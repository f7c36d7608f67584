"""History import: last year's pairs and programs of a school that starts using the system mid-way.

Two kinds of the import registry (schools/imports/kinds.py), «pairs» and «programs», with the same
guarantees as the registries: every row checked before anything is written, errors named by row and
column, one transaction. Unlike a registry, one record spans several rows — the mentees of a group,
the activities of a plan — so these resources do not import row by row through django-import-export:
``import_data`` reads the whole file, groups the rows, checks each group and writes the groups in
bulk, returning one RowResult per row for the runner's report.

People and catalogs are resolved from dictionaries loaded once per file (a constant number of
queries whatever the length of the file). History bypasses what only makes sense for a pair formed
in the system — consents, the mentor base, capacity — and keeps the rules that describe the facts:
who may mentor whom in a form, ages, dates, reasons, one program per pair. The formats and the
rules are documented in docs/import-formats.md («Пары и группы (история)», «Программы
наставничества (история)»).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

import tablib
from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result, RowResult

from programs.models import (
    OPEN_PAIR_STATUSES,
    ActivityStatus,
    ActivityType,
    ChangeKind,
    EndReason,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairEvent,
    PairMentee,
    PairSource,
    PairStatus,
    Participant,
    ParticipantKind,
    PersonalizedProgram,
    PlanActivity,
    ProgramChange,
    ProgramStatus,
    ResponsibleRole,
    RoleModel,
)
from programs.services.pairs import GROUP_KIND, MIN_STUDENT_AGE
from programs.services.programs import MAX_MONTHS, MIN_MONTHS, end_with_pair, period_text
from schools.imports.kinds import KINDS, ImportKind, register
from schools.imports.resources import RegistryResource, column
from schools.imports.widgets import ChoiceLabelWidget, RuDateWidget, YesNoWidget, is_empty
from schools.models import PartnerRepresentative, School, Staff, Student
from schools.services import normalize

NEW, UPDATE, SKIP, INVALID = (
    RowResult.IMPORT_TYPE_NEW,
    RowResult.IMPORT_TYPE_UPDATE,
    RowResult.IMPORT_TYPE_SKIP,
    RowResult.IMPORT_TYPE_INVALID,
)
ROW = NON_FIELD_ERRORS
# A pair formed outside the system arrives working or finished; draft, consents and «fixed» are
# steps of forming a pair in the system.
HISTORY_PAIR_STATUSES = (PairStatus.ACTIVE, PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
CLOSED_PAIR = (PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
CLOSED_PROGRAM = (ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY)
TRADITIONAL_KIND = "traditional"
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_PARENTHESIS = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_COMPACT = re.compile(r"[\s\-‐‑‒–—.,]")


def _empty() -> str:
    return _("Это поле не может быть пустым.")


def _fmt(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


# --- Loose matching of what people type ----------------------------------------------------------


def loose(text: Any) -> str:
    """Catalog names compared the way people type them: case, «ё», spaces and dashes do not matter."""
    return _DASHES.sub("-", normalize(text))


def aliases(name: Any) -> set[str]:
    """A name and, when it has a part in parentheses, the name without it and the part alone.

    «учитель – учитель (педагог – педагог)» is then found as «учитель-учитель» or «педагог – педагог».
    """
    text = str(name)
    found = {loose(text)}
    match = _PARENTHESIS.match(text)
    if match:
        found |= {loose(match.group(1)), loose(match.group(2))}
    return found - {""}


def _lookup(entries: Iterable[tuple[Any, Iterable[str]]]) -> dict[str, Any]:
    """Spelling → entry; a spelling shared by two entries is dropped rather than guessed."""
    table: dict[str, Any] = {}
    shared: set[str] = set()
    for entry, spellings in entries:
        for spelling in spellings:
            if spelling in table and table[spelling] != entry:
                shared.add(spelling)
            table[spelling] = entry
    for spelling in shared:
        del table[spelling]
    return table


class LenientChoiceWidget(ChoiceLabelWidget):
    """A choice label typed loosely: without its part in parentheses, with any dash; extra spellings."""

    def __init__(self, choices: Iterable[tuple[str, Any]], extra: Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__(choices)
        self.extra = list(extra)
        self._tables: dict[str | None, dict[str, str]] = {}

    def _table(self) -> dict[str, str]:
        """Spellings of the labels in the active language, built once per language (labels are lazy)."""
        language = translation.get_language()
        if language not in self._tables:
            self._tables[language] = _lookup(
                [(stored, aliases(label) | {loose(stored)}) for stored, label in self.choices]
                + [(stored, {loose(spelling)}) for stored, spelling in self.extra]
            )
        return self._tables[language]

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str | None:
        if is_empty(value):
            return None
        found = self._table().get(loose(value))
        if found is None:
            return super().clean(value, row, **kwargs)  # raises the registry's «Неизвестное значение»
        return found


class DoneWidget(YesNoWidget):
    """«Выполнено»: да → done, нет → planned, «отменено» → cancelled (by a correction of the plan)."""

    CANCELLED_WORDS = (gettext_lazy("отменено"), gettext_lazy("отменено корректировкой"), "cancelled")

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str | None:
        if is_empty(value):
            return None
        if isinstance(value, str) and normalize(value) in {normalize(w) for w in self.CANCELLED_WORDS}:
            return ActivityStatus.CANCELLED
        try:
            done = super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("Укажите «да», «нет» или «отменено», а не «%(value)s».") % {"value": value}
            ) from None
        return ActivityStatus.DONE if done else ActivityStatus.PLANNED

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value == ActivityStatus.CANCELLED:
            return str(self.CANCELLED_WORDS[0])
        if value is None:
            return ""
        return super().render(value == ActivityStatus.DONE)


# --- Catalogs ------------------------------------------------------------------------------------


class Catalog:
    """A catalog (forms, role models, kinds) found by name, by the name without its part in
    parentheses, by that part, or by code; inactive entries too, since history may use them."""

    def __init__(self, entries: Sequence[Any]) -> None:
        self.entries = list(entries)
        self.by_code = {e.code: e for e in self.entries}
        self.by_pk = {e.pk: e for e in self.entries}
        self.table = _lookup([(e, aliases(e.name) | {loose(e.code)}) for e in self.entries])

    def find(self, text: Any) -> Any | None:
        return self.table.get(loose(text))

    def allowed(self) -> str:
        return "; ".join(e.name for e in self.entries if e.is_active)


# --- People --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameKey:
    text: str
    initials: bool


def _tokens(text: Any) -> list[str]:
    return [t for t in normalize(str(text).replace(".", ". ")).replace(".", "").split() if t]


def cell_name(value: Any) -> NameKey | None:
    """«Иванова Мария Петровна», «Иванова Мария» or «Иванова М. П.» / «Иванова М.П.»."""
    tokens = _tokens(value or "")
    if len(tokens) < 2:
        return None
    initials = all(len(t) == 1 for t in tokens[1:])
    return NameKey(" ".join(tokens), initials)


def person_names(last: str, first: str, patronymic: str) -> frozenset[NameKey]:
    last_t, first_t, patronymic_t = (" ".join(_tokens(p)) for p in (last, first, patronymic))
    keys = {
        NameKey(f"{last_t} {first_t}", False),  # a cell without the patronymic
        NameKey(f"{last_t} {first_t[:1]}", True),
    }
    if patronymic_t:
        keys |= {
            NameKey(f"{last_t} {first_t} {patronymic_t}", False),
            NameKey(f"{last_t} {first_t[:1]} {patronymic_t[:1]}", True),
        }
    return frozenset(keys)


def _compact(text: Any) -> str:
    return _COMPACT.sub("", normalize(text))


@dataclass(frozen=True, eq=False)
class Person:
    """A person of the school's registries, as the history files name them."""

    kind: str  # ParticipantKind
    record: Staff | Student | PartnerRepresentative
    names: frozenset[NameKey]
    details: tuple[str, ...]  # what tells namesakes apart: position, class, organisation

    @classmethod
    def of(cls, kind: str, record: Any) -> Person:
        if kind == ParticipantKind.STAFF:
            details: tuple[str, ...] = (record.position,)
        elif kind == ParticipantKind.STUDENT:
            details = (record.grade,)
        else:
            details = (record.organization.name, record.position)
        names = person_names(record.last_name, record.first_name, record.patronymic)
        return cls(kind, record, names, tuple(d for d in details if d))

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.record.pk)

    @property
    def full_name(self) -> str:
        return self.record.full_name

    @property
    def detail(self) -> str:
        """Written in the export's position-or-class column: read back, it finds the same person."""
        return self.details[0] if self.details else ""

    def fits(self, hint: str, *, exactly: bool = False) -> bool:
        """The hint is this person's position, class or organisation («физики» fits «учитель физики»)."""
        wanted = _compact(hint)
        if exactly:
            return bool(wanted) and any(wanted == _compact(d) for d in self.details)
        return bool(wanted) and any(wanted in _compact(d) for d in self.details)


REGISTRY_OF = {
    ParticipantKind.STAFF: gettext_lazy("педагогов"),
    ParticipantKind.STUDENT: gettext_lazy("обучающихся"),
    ParticipantKind.PARTNER: gettext_lazy("представителей организаций-партнёров"),
}


def _narrow(candidates: list[Person], hint: str) -> list[Person]:
    """Namesakes told apart by the hint: an exact position or class first, then a part of one."""
    if len(candidates) < 2 or not hint:
        return candidates
    return [p for p in candidates if p.fits(hint, exactly=True)] or [p for p in candidates if p.fits(hint)]


class People:
    """The school's staff, students and partners' representatives indexed by name (three queries)."""

    def __init__(self, school: School) -> None:
        self.by_kind: dict[str, dict[NameKey, list[Person]]] = {k: defaultdict(list) for k in REGISTRY_OF}
        sources = (
            (ParticipantKind.STAFF, Staff.objects.filter(school=school)),
            (ParticipantKind.STUDENT, Student.objects.filter(school=school)),
            (
                ParticipantKind.PARTNER,
                PartnerRepresentative.objects.filter(school=school).select_related("organization"),
            ),
        )
        for kind, records in sources:
            for record in records.order_by("last_name", "first_name", "pk"):
                person = Person.of(kind, record)
                for name in person.names:
                    self.by_kind[kind][name].append(person)

    def resolve(
        self, *, kind: str, cell: Any, hint: str, form: MentoringForm, role: str, hint_column: str
    ) -> tuple[Person | None, str]:
        """The one person of ``kind`` the cell names, or an error message saying why not."""
        name = cell_name(cell)
        if name is None:
            return None, _("Укажите фамилию, имя и отчество (или фамилию и инициалы).")
        candidates = self.by_kind[kind].get(name, [])
        if not candidates:
            message = _("«%(name)s» не найден(а) среди %(registry)s организации.") % {
                "name": cell,
                "registry": REGISTRY_OF[kind],
            }
            other = [k for k in REGISTRY_OF if k != kind and self.by_kind[k].get(name)]
            if other:
                message += " " + _(
                    "Такое ФИО есть среди %(other)s, но в форме «%(form)s» %(role)s — %(kind)s."
                ) % {
                    "other": REGISTRY_OF[other[0]],
                    "form": form.name,
                    "role": role,
                    "kind": ParticipantKind(kind).label,
                }
            else:
                message += " " + _("Сначала добавьте человека в базу или проверьте написание ФИО.")
            return None, message
        fitting = _narrow(candidates, hint)
        if len(fitting) == 1:
            return fitting[0], ""
        described = "; ".join(p.detail or "—" for p in candidates)
        if not fitting:
            return None, _(
                "Среди %(registry)s с ФИО «%(name)s» (%(details)s) нет подходящего под «%(hint)s»."
            ) % {"registry": REGISTRY_OF[kind], "name": cell, "details": described, "hint": hint}
        return None, _(
            "В базе несколько человек с ФИО «%(name)s» (%(details)s): уточните должность или класс "
            "в столбце «%(column)s»."
        ) % {"name": cell, "details": described, "column": hint_column}


# --- Rows ----------------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Row:
    """One data row of the file: its cleaned cells, and what the check found."""

    index: int  # in the dataset, and in the result
    number: int  # in the spreadsheet
    cells: dict[str, Any]
    typed: dict[str, Any]  # the non-empty cells as typed, for messages
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    action: str = NEW

    def __getitem__(self, name: str) -> Any:
        return self.cells.get(name)

    def text(self, name: str) -> str:
        return _display(self.typed.get(name))

    def has(self, name: str) -> bool:
        return self.cells.get(name) not in (None, "")

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def require(self, *names: str) -> None:
        for name in names:
            if not self.has(name) and name not in self.errors:
                self.error(name, _empty())


@dataclass
class _Outcome:
    """What the runner's report reads from ``RowResult.instance``: the row's warnings."""

    warnings: list[str]


class HistoryResource(RegistryResource):
    """A history file: records spread over several rows, checked as a whole, written in bulk."""

    # Columns read from the first row of a record; its other rows repeat them or leave them empty.
    group_fields: ClassVar[tuple[str, ...]] = ()

    class Meta(RegistryResource.Meta):
        pass

    def __init__(self, *, school: School) -> None:
        super().__init__(school=school)
        self.today = timezone.localdate()

    # --- What the runner calls --------------------------------------------------------------------

    def row_key(self, row: dict) -> None:
        """Records, not rows, have keys here: repeats are found per record by ``plan``."""
        return None

    def row_warnings(self, instance: Any) -> list[str]:
        return list(getattr(instance, "warnings", []))

    def import_data(self, dataset: tablib.Dataset, dry_run: bool = False, **kwargs: Any) -> Result:
        """Check the whole file; unless ``dry_run`` or anything is wrong, write it in one transaction."""
        rows = self.read(dataset)
        plans = self.plan(rows)
        if not dry_run and not any(row.errors for row in rows):
            with transaction.atomic():
                self.write(plans)
        result = Result()
        for row in rows:
            row_result = RowResult()
            row_result.import_type = INVALID if row.errors else row.action
            if row.errors:
                row_result.validation_error = ValidationError(row.errors)
            else:
                row_result.instance = _Outcome(row.warnings)
            result.append_row_result(row_result)
        return result

    def get_queryset(self) -> Any:  # pragma: no cover - the registry loader is not used here
        raise NotImplementedError

    # --- Reading ----------------------------------------------------------------------------------

    def read(self, dataset: tablib.Dataset) -> list[Row]:
        """Every cell through its column's widget; a value repeated down a column is read once."""
        columns = [
            (name, fld) for name, fld in self.fields.items() if fld.column_name in (dataset.headers or [])
        ]
        read: dict[tuple[str, Any], tuple[Any, str]] = {}
        rows = []
        for index, typed in enumerate(dataset.dict):
            number = self.row_numbers[index] if index < len(self.row_numbers) else index + 2
            row = Row(index=index, number=number, cells=dict.fromkeys(self.fields), typed={})
            for name, fld in columns:
                value = typed[fld.column_name]
                if value is None or value == "":
                    continue
                row.typed[name] = value
                if (name, value) not in read:
                    try:
                        read[(name, value)] = (fld.widget.clean(value), "")
                    except (ValueError, TypeError) as error:
                        read[(name, value)] = (None, str(error))
                row.cells[name], error = read[(name, value)]
                if error:
                    row.error(name, error)
            rows.append(row)
        return rows

    def same(self, a: Any, b: Any) -> bool:
        if isinstance(a, str) and isinstance(b, str):
            return loose(a) == loose(b)
        return a == b

    def check_group(self, rows: list[Row], *, differs: str, first_empty: str) -> None:
        """The other rows of a record repeat its first row's record columns or leave them empty."""
        first = rows[0]
        for row in rows[1:]:
            for name in self.group_fields:
                if not row.has(name) or name in row.errors or name in first.errors:
                    continue
                if not first.has(name):
                    row.error(name, first_empty % {"row": first.number})
                elif not self.same(row[name], first[name]):
                    row.error(name, differs % {"row": first.number, "value": first.text(name)})

    def check_end(
        self,
        first: Row,
        *,
        status: str | None,
        closed: Sequence[str],
        completed: str,
        start: date | None,
        default_end: date | None,
    ) -> date | None:
        """The end of a pair or program: date, reason and comment agree with its status.

        Completed: the date defaults to the planned end. Ended early: the date and the reason are
        required, «другое» needs a comment (as in the lifecycle). Otherwise: neither is given.
        """
        ended_on, reason = first["ended_on"], first["end_reason"]
        if status is None:
            return ended_on
        if status not in closed:
            if ended_on is not None:
                first.error(
                    "ended_on",
                    _("Дата окончания указывается только для завершённых и прекращённых досрочно."),
                )
            if reason:
                first.error("end_reason", _("Причина указывается только при досрочном прекращении."))
            return None
        if status == completed:
            if reason:
                first.error("end_reason", _("Причина указывается только при досрочном прекращении."))
            if ended_on is None and "ended_on" not in first.errors:
                # The planned end stands for the end; its own errors are reported at its own cell.
                if default_end is not None and default_end > self.today:
                    first.error(
                        "ended_on",
                        _("Плановое окончание %(date)s ещё не наступило: укажите фактическую дату окончания.")
                        % {"date": _fmt(default_end)},
                    )
                return default_end
        else:
            first.require("ended_on", "end_reason")
            if reason == EndReason.OTHER and not first.has("end_comment"):
                first.error("end_comment", _("Для причины «другое» опишите её в комментарии."))
        if ended_on is not None:
            if ended_on > self.today:
                first.error(
                    "ended_on",
                    _("Дата окончания %(date)s ещё не наступила: укажите фактическую дату.")
                    % {"date": _fmt(ended_on)},
                )
            elif start is not None and ended_on < start:
                first.error(
                    "ended_on", _("Дата окончания раньше начала (%(start)s).") % {"start": _fmt(start)}
                )
        return ended_on

    # --- To implement -----------------------------------------------------------------------------

    def plan(self, rows: list[Row]) -> list[Any]:
        raise NotImplementedError

    def write(self, plans: list[Any]) -> None:
        raise NotImplementedError


# --- Pairs ---------------------------------------------------------------------------------------


ROLE_MENTOR = gettext_lazy("наставник")
ROLE_MENTEE = gettext_lazy("наставляемый")


@dataclass
class PairPlan:
    rows: list[Row]
    mentor: Person | None = None
    mentees: list[Person] = field(default_factory=list)
    mentee_rows: list[Row] = field(default_factory=list)  # the row of each of ``mentees``
    values: dict[str, Any] = field(default_factory=dict)  # MentoringPair fields
    existing: MentoringPair | None = None
    changes: list[str] = field(default_factory=list)
    action: str = NEW

    @property
    def identity(self) -> tuple | None:
        if self.mentor is None or len(self.mentees) != len(self.rows) or not self.values.get("start_date"):
            return None
        return (self.mentor.key, frozenset(m.key for m in self.mentees), self.values["start_date"])


# Compared with a pair already in the system, in this order (each is also the name of its column).
CATALOG_FIELDS = ("form", "role_model", "kind")
VALUE_FIELDS = (
    "planned_end_date",
    "status",
    "ended_on",
    "end_reason",
    "end_comment",
    "order_number",
    "order_date",
)


def _pair_value_text(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return _fmt(value)
    if name == "status":
        return str(PairStatus(value).label)
    if name == "end_reason":
        return str(EndReason(value).label)
    return str(value)


class PairContext:
    """Everything a pairs file is checked against, loaded once (a fixed number of queries)."""

    def __init__(self, school: School) -> None:
        self.forms = Catalog(MentoringForm.objects.order_by("order", "name"))
        self.role_models = Catalog(RoleModel.objects.order_by("order", "name"))
        self.kinds = Catalog(MentoringKind.objects.order_by("order", "name"))
        self.people = People(school)
        self.participants: dict[tuple[str, int], int] = {}
        self.person_of_participant: dict[int, tuple[str, int]] = {}
        for p in Participant.objects.filter(school=school).values(
            "pk", "kind", "staff_id", "student_id", "partner_representative_id"
        ):
            person_id = p["staff_id"] or p["student_id"] or p["partner_representative_id"]
            self.participants[(p["kind"], person_id)] = p["pk"]
            self.person_of_participant[p["pk"]] = (p["kind"], person_id)
        self.with_profile = set(
            MentorProfile.objects.filter(school=school).values_list("participant_id", flat=True)
        )
        pairs = list(MentoringPair.objects.filter(school=school).order_by("pk"))
        mentees: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for pair_id, mentee_id in PairMentee.objects.filter(pair__school=school).values_list(
            "pair_id", "mentee_id"
        ):
            mentees[pair_id].add(self.person_of_participant.get(mentee_id, ("?", mentee_id)))
        self.pairs: dict[tuple, MentoringPair] = {}
        self.by_mentor_and_start: dict[tuple, list[MentoringPair]] = defaultdict(list)
        for pair in pairs:
            mentor = self.person_of_participant.get(pair.mentor_id, ("?", pair.mentor_id))
            self.pairs[(mentor, frozenset(mentees[pair.pk]), pair.start_date)] = pair
            self.by_mentor_and_start[(mentor, pair.start_date)].append(pair)
        self.programs = dict(
            PersonalizedProgram.objects.filter(school=school).values_list("pair_id", "status")
        )
        # Imported pairs later moved through the lifecycle (its events name the status they left).
        self.worked_on = set(
            PairEvent.objects.filter(pair__school=school, pair__source=PairSource.IMPORT)
            .exclude(from_status="")
            .values_list("pair_id", flat=True)
        )


def _catalog_entry(row, column: str, catalog, unknown: str):
    """The catalog entry the row's cell names (None when empty), or None with ``unknown`` on the cell."""
    if not row.has(column):
        return None
    entry = catalog.find(row[column])
    if entry is None:
        row.error(column, unknown % {"value": row[column], "allowed": catalog.allowed()})
    return entry


class PairsResource(HistoryResource):
    """«Пары и группы (история)»: one row per mentee; rows with one «Номер пары» are one pair or group."""

    pair_key = column("pair_key", gettext_lazy("Номер пары"))
    mentor = column("mentor", gettext_lazy("Наставник"))
    mentor_hint = column("mentor_hint", gettext_lazy("Должность или класс наставника"))
    mentee = column("mentee", gettext_lazy("Наставляемый"))
    mentee_hint = column("mentee_hint", gettext_lazy("Класс или должность наставляемого"))
    form = column("form", gettext_lazy("Форма"))
    role_model = column("role_model", gettext_lazy("Ролевая модель"))
    kind = column("kind", gettext_lazy("Вид"))
    start_date = column("start_date", gettext_lazy("Начало"), RuDateWidget())
    planned_end_date = column("planned_end_date", gettext_lazy("Окончание (план)"), RuDateWidget())
    status = column("status", gettext_lazy("Статус"), LenientChoiceWidget(PairStatus.choices))
    ended_on = column("ended_on", gettext_lazy("Дата окончания"), RuDateWidget())
    end_reason = column(
        "end_reason", gettext_lazy("Причина прекращения"), LenientChoiceWidget(EndReason.choices)
    )
    end_comment = column("end_comment", gettext_lazy("Комментарий"))
    order_number = column("order_number", gettext_lazy("Номер приказа"))
    order_date = column("order_date", gettext_lazy("Дата приказа"), RuDateWidget())

    key_fields = ("mentor", "mentee", "start_date")
    required_columns = ("pair_key", "mentor", "mentee", "form", "start_date", "planned_end_date", "status")
    group_fields = (
        "mentor",
        "mentor_hint",
        "form",
        "role_model",
        "kind",
        "start_date",
        "planned_end_date",
        "status",
        "ended_on",
        "end_reason",
        "end_comment",
        "order_number",
        "order_date",
    )
    column_help = {
        "pair_key": (
            gettext_lazy(
                "номер или код пары в этом файле, обязательно; строки с одним номером — одна группа"
            ),
            "1",
        ),
        "mentor": (
            gettext_lazy("ФИО педагога, обучающегося или представителя партнёра из базы, обязательно"),
            gettext_lazy("Иванова Мария Петровна"),
        ),
        "mentor_hint": (
            gettext_lazy("нужно, только если в базе есть тёзки: должность, класс или организация"),
            gettext_lazy("учитель математики"),
        ),
        "mentee": (
            gettext_lazy("ФИО наставляемого из базы, обязательно; в группе — по строке на каждого"),
            gettext_lazy("Соколова Елена Андреевна"),
        ),
        "mentee_hint": (
            gettext_lazy("нужно, только если в базе есть тёзки: класс, должность или организация"),
            gettext_lazy("учитель математики"),
        ),
        "form": (
            gettext_lazy("форма наставничества из справочника, обязательно"),
            gettext_lazy("учитель – учитель"),
        ),
        "role_model": (
            gettext_lazy("ролевая модель из справочника"),
            gettext_lazy("опытный педагог – молодой специалист"),
        ),
        "kind": (
            gettext_lazy("вид наставничества; пусто — традиционное, для группы — групповое"),
            gettext_lazy("традиционное"),
        ),
        "start_date": (gettext_lazy("дата ДД.ММ.ГГГГ, обязательно"), "01.09.2024"),
        "planned_end_date": (gettext_lazy("дата ДД.ММ.ГГГГ позже начала, обязательно"), "31.05.2025"),
        "status": (
            gettext_lazy("работает; завершена; прекращена досрочно — обязательно"),
            gettext_lazy("завершена"),
        ),
        "ended_on": (
            gettext_lazy("дата ДД.ММ.ГГГГ; для завершённой пусто — плановое окончание"),
            "30.05.2025",
        ),
        "end_reason": (
            gettext_lazy("для прекращённой досрочно, обязательно: причина из списка"),
            gettext_lazy("переезд"),
        ),
        "end_comment": (gettext_lazy("текст; для причины «другое» обязательно"), ""),
        "order_number": (gettext_lazy("номер приказа о закреплении"), "45"),
        "order_date": (gettext_lazy("дата ДД.ММ.ГГГГ"), "02.09.2024"),
    }

    class Meta(HistoryResource.Meta):
        fields = (
            "pair_key",
            "mentor",
            "mentor_hint",
            "mentee",
            "mentee_hint",
            "form",
            "role_model",
            "kind",
            "start_date",
            "planned_end_date",
            "status",
            "ended_on",
            "end_reason",
            "end_comment",
            "order_number",
            "order_date",
        )
        import_order = fields
        export_order = fields

    # --- Checking ---------------------------------------------------------------------------------

    def plan(self, rows: list[Row]) -> list[PairPlan]:
        self.context = context = PairContext(self.school)
        groups: dict[str, list[Row]] = {}
        for row in rows:
            if row.has("pair_key"):
                groups.setdefault(normalize(row["pair_key"]), []).append(row)
            else:
                row.require("pair_key")
        plans: list[PairPlan] = []
        seen: dict[tuple, PairPlan] = {}
        new_mentors: set[tuple[str, int]] = set()
        for group in groups.values():
            self.check_group(
                group,
                differs=_(
                    "Не совпадает с первой строкой этой пары (строка %(row)s: «%(value)s»). "
                    "Повторите значение или оставьте ячейку пустой."
                ),
                first_empty=_(
                    "В первой строке этой пары (строка %(row)s) ячейка пуста: значения пары пишут в её первой строке."
                ),
            )
            plan = self.plan_pair(group, context)
            identity = plan.identity
            if identity is not None and identity in seen:
                earlier = seen[identity].rows[0]
                group[0].error(
                    ROW,
                    _(
                        "Повторяет пару «%(key)s» из строки %(row)s: тот же наставник, те же наставляемые и то же начало."
                    )
                    % {"key": earlier.text("pair_key"), "row": earlier.number},
                )
            else:
                if identity is not None:
                    seen[identity] = plan
                self.compare_with_existing(plan, context)
            if plan.action == NEW and plan.mentor is not None:
                participant = context.participants.get(plan.mentor.key)
                if participant not in context.with_profile and plan.mentor.key not in new_mentors:
                    new_mentors.add(plan.mentor.key)
                    group[0].warnings.append(
                        _(
                            "«%(name)s» нет в базе наставников: будет добавлен(а) в базу с отметкой «не принимает "
                            "наставляемых» (включите её на странице наставника, когда он(а) будет готов(а))."
                        )
                        % {"name": plan.mentor.full_name}
                    )
            for row in group:
                row.action = plan.action
            plans.append(plan)
        return plans

    def plan_pair(self, rows: list[Row], context: PairContext) -> PairPlan:
        first = rows[0]
        plan = PairPlan(rows=rows)
        first.require("mentor", "form", "start_date", "planned_end_date", "status")
        for row in rows:
            row.require("mentee")

        form = _catalog_entry(
            first, "form", context.forms, _("Неизвестная форма «%(value)s». Допустимые: %(allowed)s.")
        )
        role_model = _catalog_entry(
            first,
            "role_model",
            context.role_models,
            _("Неизвестная ролевая модель «%(value)s». Допустимые: %(allowed)s."),
        )
        kind = _catalog_entry(
            first,
            "kind",
            context.kinds,
            _("Неизвестный вид наставничества «%(value)s». Допустимые: %(allowed)s."),
        )
        if not first.has("kind") and "kind" not in first.errors:
            kind = context.kinds.by_code.get(GROUP_KIND if len(rows) > 1 else TRADITIONAL_KIND)

        start, planned_end = first["start_date"], first["planned_end_date"]
        if form is not None:
            self.resolve_people(plan, form, context)
        self.check_composition(plan, kind, start)

        if start and planned_end and planned_end <= start:
            first.error("planned_end_date", _("Плановое окончание должно быть позже начала."))
        status = first["status"]
        ended_on = self.check_end(
            first,
            status=status,
            closed=CLOSED_PAIR,
            completed=PairStatus.COMPLETED,
            start=start,
            default_end=planned_end,
        )
        order_number, order_date = first["order_number"] or "", first["order_date"]
        if order_number and order_date is None and "order_date" not in first.errors:
            first.error("order_date", _("Укажите дату приказа вместе с его номером."))
        if order_date and not order_number:
            first.error("order_number", _("Укажите номер приказа вместе с его датой."))
        if len(order_number) > 40:
            first.error("order_number", _("Номер приказа — не длиннее 40 знаков."))
        if order_date and order_date > self.today:
            first.error("order_date", _("Дата приказа ещё не наступила."))
        if status == PairStatus.ACTIVE and not order_number:
            first.warnings.append(_("Не указан приказ о закреплении работающей пары."))

        plan.values = {
            "form": form,
            "role_model": role_model,
            "kind": kind,
            "start_date": start,
            "planned_end_date": planned_end,
            "status": status,
            "ended_on": ended_on,
            "end_reason": first["end_reason"] or "",
            "end_comment": first["end_comment"] or "",
            "order_number": order_number,
            "order_date": order_date,
        }
        return plan

    def resolve_people(self, plan: PairPlan, form: MentoringForm, context: PairContext) -> None:
        first = plan.rows[0]
        if first.has("mentor"):
            plan.mentor, message = context.people.resolve(
                kind=form.mentor_kind,
                cell=first["mentor"],
                hint=first["mentor_hint"] or "",
                form=form,
                role=str(ROLE_MENTOR),
                hint_column=self.fields["mentor_hint"].column_name,
            )
            if message:
                first.error("mentor", message)
        seen: dict[tuple[str, int], Row] = {}
        for row in plan.rows:
            if not row.has("mentee"):
                continue
            mentee, message = context.people.resolve(
                kind=form.mentee_kind,
                cell=row["mentee"],
                hint=row["mentee_hint"] or "",
                form=form,
                role=str(ROLE_MENTEE),
                hint_column=self.fields["mentee_hint"].column_name,
            )
            if message:
                row.error("mentee", message)
                continue
            if plan.mentor is not None and mentee.key == plan.mentor.key:
                row.error("mentee", _("Наставник не может быть наставляемым в своей же паре."))
            elif mentee.key in seen:
                row.error(
                    "mentee",
                    _("Этот наставляемый уже указан в строке %(row)s этой пары.")
                    % {"row": seen[mentee.key].number},
                )
            else:
                seen[mentee.key] = row
                plan.mentees.append(mentee)
                plan.mentee_rows.append(row)

    def check_composition(self, plan: PairPlan, kind: MentoringKind | None, start: date | None) -> None:
        """The rules of pairs.validate_composition that describe facts, not the forming of a pair."""
        first = plan.rows[0]
        if kind is not None and kind.code == GROUP_KIND and len(plan.rows) < 2:
            first.error("kind", _("В групповом наставничестве у наставника не меньше двух наставляемых."))
        if start is None:
            return
        too_young = _("Участниками наставничества могут быть обучающиеся с %(age)s лет: %(name)s.")
        mentor = plan.mentor.record if plan.mentor is not None else None
        if isinstance(mentor, Student) and mentor.age_on(start) < MIN_STUDENT_AGE:
            first.error("mentor", too_young % {"age": MIN_STUDENT_AGE, "name": mentor.full_name})
        for row, mentee in zip(plan.mentee_rows, plan.mentees, strict=True):
            if isinstance(mentee.record, Student) and mentee.record.age_on(start) < MIN_STUDENT_AGE:
                row.error("mentee", too_young % {"age": MIN_STUDENT_AGE, "name": mentee.full_name})

    def compare_with_existing(self, plan: PairPlan, context: PairContext) -> None:
        """Idempotency: the pair with the same mentor, mentees and start is found, not doubled.

        The same values: nothing to do. Different values: an imported pair not moved in the system
        since is updated; any other pair is left alone and the row is an error saying why.
        """
        first = plan.rows[0]
        existing = context.pairs.get(plan.identity) if plan.identity is not None else None
        if existing is None:
            if plan.values["status"] not in (None, *HISTORY_PAIR_STATUSES):
                first.error("status", self._history_statuses())
            if plan.mentor is not None:
                others = context.by_mentor_and_start.get((plan.mentor.key, plan.values["start_date"]), [])
                if others:
                    first.warnings.append(
                        _(
                            "У наставника уже есть пара с тем же началом (№ %(pk)s) с другим составом: будет "
                            "создана ещё одна пара."
                        )
                        % {"pk": others[0].pk}
                    )
            return
        plan.existing = existing
        if any(r.errors for r in plan.rows):
            return
        diffs = self._differences(plan, existing, context)
        if not diffs:
            plan.action = SKIP
            return
        listed = "; ".join(diffs)
        if existing.source != PairSource.IMPORT:
            first.error(
                ROW,
                _(
                    "Эта пара уже ведётся в системе (пара № %(pk)s, %(source)s) и отличается от файла: %(diffs)s. "
                    "Файл не меняет пары, созданные в системе: исправьте строки или уберите их из файла."
                )
                % {"pk": existing.pk, "source": PairSource(existing.source).label, "diffs": listed},
            )
            return
        if existing.pk in context.worked_on:
            first.error(
                ROW,
                _(
                    "Пара № %(pk)s после импорта менялась в системе (статус «%(status)s») и отличается от файла: "
                    "%(diffs)s. Файл её больше не меняет: уберите строки пары из файла."
                )
                % {"pk": existing.pk, "status": existing.get_status_display(), "diffs": listed},
            )
            return
        if plan.values["status"] not in HISTORY_PAIR_STATUSES:
            first.error("status", self._history_statuses())
            return
        program = context.programs.get(existing.pk)
        if plan.values["status"] == PairStatus.COMPLETED and program not in (None, ProgramStatus.COMPLETED):
            first.error(
                "status",
                _(
                    "Программа пары № %(pk)s не выполнена (статус: «%(status)s»): завершённой пара может быть "
                    "только с выполненной программой; укажите «прекращена досрочно» с причиной."
                )
                % {"pk": existing.pk, "status": ProgramStatus(program).label},
            )
            return
        plan.action = UPDATE
        plan.changes = diffs

    def _differences(self, plan: PairPlan, existing: MentoringPair, context: PairContext) -> list[str]:
        """«Статус»: в системе «работает», в файле «завершена» — for every value that differs."""
        catalogs = {"form": context.forms, "role_model": context.role_models, "kind": context.kinds}
        diffs = []

        def add(name: str, old: str, new: str) -> None:
            diffs.append(
                _("«%(column)s»: в системе «%(old)s», в файле «%(new)s»")
                % {"column": self.fields[name].column_name, "old": old, "new": new}
            )

        for name in CATALOG_FIELDS:
            new, old_pk = plan.values[name], getattr(existing, f"{name}_id")
            if (new.pk if new else None) != old_pk:
                old = catalogs[name].by_pk.get(old_pk)
                add(name, old.name if old else "—", new.name if new else "—")
        for name in VALUE_FIELDS:
            new, old = plan.values[name], getattr(existing, name)
            if (new or None) != (old or None):
                add(name, _pair_value_text(name, old), _pair_value_text(name, new))
        return diffs

    @staticmethod
    def _history_statuses() -> str:
        return _("Пара из истории может быть только в статусе: %(allowed)s.") % {
            "allowed": "; ".join(str(PairStatus(s).label) for s in HISTORY_PAIR_STATUSES)
        }

    # --- Writing ----------------------------------------------------------------------------------

    def write(self, plans: list[PairPlan]) -> None:
        context = self.context
        new = [p for p in plans if p.action == NEW]
        updated = [p for p in plans if p.action == UPDATE]
        self._participants([person for p in new for person in (p.mentor, *p.mentees)], context)
        self._mentor_profiles(new, context)

        pairs = [
            MentoringPair(
                school=self.school,
                mentor_id=context.participants[p.mentor.key],
                form=p.values["form"],
                role_model=p.values["role_model"],
                kind=p.values["kind"],
                start_date=p.values["start_date"],
                planned_end_date=p.values["planned_end_date"],
                is_network=p.mentor.kind == ParticipantKind.PARTNER,
                status=p.values["status"],
                source=PairSource.IMPORT,
                order_number=p.values["order_number"],
                order_date=p.values["order_date"],
                ended_on=p.values["ended_on"],
                end_reason=p.values["end_reason"],
                end_comment=p.values["end_comment"],
            )
            for p in new
        ]
        MentoringPair.objects.bulk_create(pairs)
        PairMentee.objects.bulk_create(
            [
                PairMentee(pair=pair, mentee_id=context.participants[m.key])
                for pair, p in zip(pairs, new, strict=True)
                for m in p.mentees
            ]
        )
        PairEvent.objects.bulk_create(
            [
                PairEvent(
                    pair=pair,
                    to_status=pair.status,
                    description=_(
                        "Импортирована из файла истории наставничества: наставник %(mentor)s; наставляемые: "
                        "%(mentees)s; статус «%(status)s»."
                    )
                    % {
                        "mentor": p.mentor.full_name,
                        "mentees": ", ".join(m.full_name for m in p.mentees),
                        "status": pair.get_status_display(),
                    },
                )
                for pair, p in zip(pairs, new, strict=True)
            ]
        )
        for p in updated:
            self._update(p)

    def _participants(self, people: Iterable[Person | None], context: PairContext) -> None:
        """Participant rows for the people who have none yet, in one insert."""
        missing: dict[tuple[str, int], Person] = {}
        for person in people:
            if person is not None and person.key not in context.participants:
                missing[person.key] = person
        links = {
            ParticipantKind.STAFF: "staff",
            ParticipantKind.STUDENT: "student",
            ParticipantKind.PARTNER: "partner_representative",
        }
        created = Participant.objects.bulk_create(
            [
                Participant(school=self.school, kind=person.kind, **{links[person.kind]: person.record})
                for person in missing.values()
            ]
        )
        for participant, key in zip(created, missing, strict=True):
            context.participants[key] = participant.pk

    def _mentor_profiles(self, new: list[PairPlan], context: PairContext) -> None:
        """A mentor of history not yet in the base enters it marked «не принимает наставляемых».

        Being in the base means having volunteered now, which a file of last year cannot say; the
        curator switches the mark on. Capacity covers the mentees of their working pairs, so the
        base never shows a mentor overfilled by history.
        """
        since: dict[int, date] = {}
        working: Counter[int] = Counter()
        for p in new:
            participant = context.participants[p.mentor.key]
            if participant in context.with_profile:
                continue
            start = p.values["start_date"]
            since[participant] = min(since.get(participant, start), start)
            if p.values["status"] in OPEN_PAIR_STATUSES:
                working[participant] += len(p.mentees)
        MentorProfile.objects.bulk_create(
            [
                MentorProfile(
                    school=self.school,
                    participant_id=participant,
                    capacity=min(max(MentorProfile.DEFAULT_CAPACITY, working[participant]), 10),
                    volunteered_on=day,
                    is_active=False,
                )
                for participant, day in since.items()
            ]
        )
        context.with_profile |= set(since)

    def _update(self, plan: PairPlan) -> None:
        pair = MentoringPair.objects.select_for_update().get(pk=plan.existing.pk)
        old_status = pair.status
        for name in (*CATALOG_FIELDS, *VALUE_FIELDS):
            setattr(pair, name, plan.values[name])
        pair.save(update_fields=[*CATALOG_FIELDS, *VALUE_FIELDS, "updated_at"])
        PairEvent.objects.create(
            pair=pair,
            # No «from» status: that marks the lifecycle's moves, after which files leave a pair alone.
            to_status=pair.status if pair.status != old_status else "",
            description=_("Обновлена из файла истории наставничества: %(changes)s.")
            % {"changes": "; ".join(plan.changes)},
        )
        if pair.status == PairStatus.ENDED_EARLY and old_status != PairStatus.ENDED_EARLY:
            # As in the lifecycle: an unfinished program ends with its pair, for the same reason.
            end_with_pair(
                pair, reason=pair.end_reason, comment=pair.end_comment, on=pair.ended_on, acting_user=None
            )

    # --- Export -----------------------------------------------------------------------------------

    def export(self, queryset: Any = None, **kwargs: Any) -> tablib.Dataset:
        """Every pair of the school, one row per mentee, in the columns of the import.

        «Номер пары» is the pair's number in the system; importing the file back changes nothing.
        """
        person = ("staff", "student", "partner_representative__organization")
        pairs = (
            MentoringPair.objects.filter(school=self.school)
            .select_related("form", "role_model", "kind", *(f"mentor__{p}" for p in person))
            .prefetch_related(
                Prefetch(
                    "mentee_links",
                    queryset=PairMentee.objects.select_related(*(f"mentee__{p}" for p in person)).order_by(
                        "pk"
                    ),
                )
            )
            .order_by("start_date", "pk")
        )
        dataset = tablib.Dataset(headers=[str(self.fields[n].column_name) for n in self._meta.export_order])
        for pair in pairs:
            mentor = Person.of(pair.mentor.kind, pair.mentor.person)
            for link in pair.mentee_links.all():
                mentee = Person.of(link.mentee.kind, link.mentee.person)
                dataset.append(
                    [
                        pair.pk,
                        mentor.full_name,
                        mentor.detail,
                        mentee.full_name,
                        mentee.detail,
                        pair.form.name,
                        pair.role_model.name if pair.role_model else "",
                        pair.kind.name,
                        pair.start_date,
                        pair.planned_end_date,
                        pair.get_status_display(),
                        pair.ended_on,
                        pair.get_end_reason_display() if pair.end_reason else "",
                        pair.end_comment,
                        pair.order_number,
                        pair.order_date,
                    ]
                )
        return dataset


# --- Programs ------------------------------------------------------------------------------------


@dataclass
class ProgramPlan:
    rows: list[Row]
    pair: MentoringPair
    values: dict[str, Any] = field(default_factory=dict)  # PersonalizedProgram fields
    activities: list[dict[str, Any]] = field(default_factory=list)  # PlanActivity fields
    action: str = NEW


PROGRAM_FIELDS = (
    "title",
    "goal",
    "expected_results",
    "start_date",
    "end_date",
    "status",
    "ended_on",
    "end_reason",
    "end_comment",
)
ACTIVITY_FIELDS = ("title", "activity_type", "due_date", "responsible", "status", "done_on", "evidence_note")
ACTIVITY_COLUMNS = ("activity_type", "responsible", "due_date", "done", "done_on", "result")


def _narrow_pairs(found: list[tuple[MentoringPair, Person, list[Person]]], hint: str) -> list:
    mentors = _narrow([mentor for _pair, mentor, _mentees in found], hint)
    return [entry for entry in found if entry[1] in mentors] or found


class ProgramContext:
    """The school's pairs that began on the file's dates, with their people and programs (five queries)."""

    def __init__(self, school: School, starts: set[date]) -> None:
        person = ("staff", "student", "partner_representative__organization")
        pairs = (
            MentoringPair.objects.filter(school=school, start_date__in=starts)
            .select_related(*(f"mentor__{p}" for p in person))
            .prefetch_related(
                Prefetch(
                    "mentee_links",
                    queryset=PairMentee.objects.select_related(*(f"mentee__{p}" for p in person)).order_by(
                        "pk"
                    ),
                )
            )
            .order_by("pk")
        )
        # (start, a spelling of the mentor's name) → the pairs, with their mentor and mentees.
        self.by_mentor: dict[tuple[date, NameKey], list[tuple[MentoringPair, Person, list[Person]]]] = (
            defaultdict(list)
        )
        for pair in pairs:
            mentor = Person.of(pair.mentor.kind, pair.mentor.person)
            mentees = [Person.of(link.mentee.kind, link.mentee.person) for link in pair.mentee_links.all()]
            for name in mentor.names:
                self.by_mentor[(pair.start_date, name)].append((pair, mentor, mentees))
        self.programs = {
            p.pair_id: p
            for p in PersonalizedProgram.objects.filter(
                school=school, pair__start_date__in=starts
            ).prefetch_related(Prefetch("activities", queryset=PlanActivity.objects.order_by("order", "pk")))
        }


def _approved_at(values: dict) -> datetime | None:
    """A program past its draft was approved by the day it started: the file has no approval date.

    Monitoring counts a program from its approval, so the start day (at the beginning of the school
    day) stands in for it; a draft stays unapproved.
    """
    if values.get("status") in (None, "", ProgramStatus.DRAFT):
        return None
    start = values["start_date"]
    return timezone.make_aware(datetime.combine(start, time(8)))


class ProgramsResource(HistoryResource):
    """«Программы наставничества (история)»: one row per plan activity; a pair's rows are its program."""

    mentor = column("mentor", gettext_lazy("Наставник"))
    mentor_hint = column("mentor_hint", gettext_lazy("Должность или класс наставника"))
    mentee = column("mentee", gettext_lazy("Наставляемый"))
    pair_start = column("pair_start", gettext_lazy("Начало пары"), RuDateWidget())
    title = column("title", gettext_lazy("Программа"))
    goal = column("goal", gettext_lazy("Цель"))
    expected_results = column("expected_results", gettext_lazy("Ожидаемые результаты"))
    start_date = column("start_date", gettext_lazy("Начало программы"), RuDateWidget())
    end_date = column("end_date", gettext_lazy("Окончание программы"), RuDateWidget())
    status = column(
        "status",
        gettext_lazy("Статус программы"),
        LenientChoiceWidget(
            ProgramStatus.choices, extra=[(ProgramStatus.IN_PROGRESS, gettext_lazy("выполняется"))]
        ),
    )
    ended_on = column("ended_on", gettext_lazy("Дата окончания программы"), RuDateWidget())
    end_reason = column(
        "end_reason", gettext_lazy("Причина прекращения"), LenientChoiceWidget(EndReason.choices)
    )
    end_comment = column("end_comment", gettext_lazy("Комментарий"))
    activity = column("activity", gettext_lazy("Мероприятие"))
    activity_type = column(
        "activity_type", gettext_lazy("Вид мероприятия"), LenientChoiceWidget(ActivityType.choices)
    )
    responsible = column(
        "responsible", gettext_lazy("Ответственный"), LenientChoiceWidget(ResponsibleRole.choices)
    )
    due_date = column("due_date", gettext_lazy("Срок"), RuDateWidget())
    done = column("done", gettext_lazy("Выполнено"), DoneWidget())
    done_on = column("done_on", gettext_lazy("Дата выполнения"), RuDateWidget())
    result = column("result", gettext_lazy("Результат"))

    key_fields = ("mentor", "mentee", "pair_start")
    required_columns = (
        "mentor",
        "mentee",
        "pair_start",
        "title",
        "goal",
        "start_date",
        "end_date",
        "status",
        "activity",
        "due_date",
    )
    group_fields = PROGRAM_FIELDS
    column_help = {
        "mentor": (gettext_lazy("ФИО наставника пары, обязательно"), gettext_lazy("Иванова Мария Петровна")),
        "mentor_hint": (
            gettext_lazy("нужно, только если у тёзок пары с одинаковым началом: должность или класс"),
            "",
        ),
        "mentee": (
            gettext_lazy("ФИО наставляемого этой пары (в группе — любого), обязательно"),
            gettext_lazy("Соколова Елена Андреевна"),
        ),
        "pair_start": (gettext_lazy("дата начала пары ДД.ММ.ГГГГ, обязательно"), "01.09.2024"),
        "title": (
            gettext_lazy("название; у пары одна программа, её строки — подряд или вразбивку"),
            gettext_lazy("Адаптация молодого учителя"),
        ),
        "goal": (gettext_lazy("текст, обязательно"), gettext_lazy("Освоить технологии урока")),
        "expected_results": (gettext_lazy("текст"), ""),
        "start_date": (gettext_lazy("дата ДД.ММ.ГГГГ, обязательно"), "01.09.2024"),
        "end_date": (
            gettext_lazy("дата ДД.ММ.ГГГГ: от 3 до 12 месяцев после начала, обязательно"),
            "31.05.2025",
        ),
        "status": (
            gettext_lazy("черновик; утверждена; реализуется (выполняется); выполнена; прекращена досрочно"),
            gettext_lazy("выполнена"),
        ),
        "ended_on": (
            gettext_lazy("дата ДД.ММ.ГГГГ; для выполненной пусто — окончание программы"),
            "",
        ),
        "end_reason": (gettext_lazy("для прекращённой досрочно, обязательно: причина из списка"), ""),
        "end_comment": (gettext_lazy("текст; для причины «другое» обязательно"), ""),
        "activity": (
            gettext_lazy("мероприятие плана; строка без мероприятия — программа без плана (только черновик)"),
            gettext_lazy("Посещение уроков наставника"),
        ),
        "activity_type": (
            gettext_lazy("вид из списка; пусто — другое"),
            gettext_lazy("посещение урока"),
        ),
        "responsible": (
            gettext_lazy(
                "наставник; наставляемый; наставник и наставляемый; куратор; пусто — наставник и наставляемый"
            ),
            gettext_lazy("наставляемый"),
        ),
        "due_date": (
            gettext_lazy("дата ДД.ММ.ГГГГ в сроке программы; для мероприятия обязательно"),
            "15.10.2024",
        ),
        "done": (gettext_lazy("да; нет; отменено — пусто: нет"), gettext_lazy("да")),
        "done_on": (gettext_lazy("дата ДД.ММ.ГГГГ; для выполненного пусто — срок"), ""),
        "result": (gettext_lazy("текст: результат, педагогический продукт"), ""),
    }

    class Meta(HistoryResource.Meta):
        fields = (
            "mentor",
            "mentor_hint",
            "mentee",
            "pair_start",
            "title",
            "goal",
            "expected_results",
            "start_date",
            "end_date",
            "status",
            "ended_on",
            "end_reason",
            "end_comment",
            "activity",
            "activity_type",
            "responsible",
            "due_date",
            "done",
            "done_on",
            "result",
        )
        import_order = fields
        export_order = fields

    # --- Checking ---------------------------------------------------------------------------------

    def plan(self, rows: list[Row]) -> list[ProgramPlan]:
        context = ProgramContext(self.school, {row["pair_start"] for row in rows if row["pair_start"]})
        groups: dict[int, tuple[MentoringPair, list[Row]]] = {}
        for row in rows:
            row.require("mentor", "mentee", "pair_start")
            readable = not any(n in row.errors for n in ("mentor", "mentee", "pair_start"))
            pair = self.find_pair(row, context) if readable else None
            if pair is not None:
                groups.setdefault(pair.pk, (pair, []))[1].append(row)
        plans = []
        for pair, group in groups.values():
            self.check_group(
                group,
                differs=_(
                    "Не совпадает с первой строкой программы этой пары (строка %(row)s: «%(value)s»). "
                    "У пары одна программа: повторите значение или оставьте ячейку пустой."
                ),
                first_empty=_(
                    "В первой строке программы этой пары (строка %(row)s) ячейка пуста: значения программы пишут "
                    "в её первой строке."
                ),
            )
            plan = self.plan_program(pair, group)
            self.compare_with_existing(plan, context)
            for row in group:
                row.action = plan.action
            plans.append(plan)
        return plans

    def find_pair(self, row: Row, context: ProgramContext) -> MentoringPair | None:
        """The pair of the mentor and the mentee that started on «Начало пары»."""
        mentor_name, mentee_name = cell_name(row["mentor"]), cell_name(row["mentee"])
        if mentor_name is None:
            row.error("mentor", _("Укажите фамилию, имя и отчество (или фамилию и инициалы)."))
        if mentee_name is None:
            row.error("mentee", _("Укажите фамилию, имя и отчество (или фамилию и инициалы)."))
        if mentor_name is None or mentee_name is None:
            return None
        of_mentor = context.by_mentor.get((row["pair_start"], mentor_name), [])
        if not of_mentor:
            row.error(
                "mentor",
                _(
                    "Нет пары наставника «%(name)s» с началом %(start)s. Сначала импортируйте пары (файл «Пары и "
                    "группы (история)») или проверьте ФИО и дату начала пары."
                )
                % {"name": row["mentor"], "start": _fmt(row["pair_start"])},
            )
            return None
        found = [entry for entry in of_mentor if any(mentee_name in m.names for m in entry[2])]
        if not found:
            in_pairs = "; ".join(", ".join(m.full_name for m in entry[2]) for entry in of_mentor)
            row.error(
                "mentee",
                _(
                    "В паре наставника «%(name)s» с началом %(start)s нет наставляемого «%(mentee)s» (в паре: %(list)s)."
                )
                % {
                    "name": row["mentor"],
                    "start": _fmt(row["pair_start"]),
                    "mentee": row["mentee"],
                    "list": in_pairs,
                },
            )
            return None
        if len(found) > 1 and row.has("mentor_hint"):
            found = _narrow_pairs(found, row["mentor_hint"])
        if len(found) > 1:
            row.error(
                ROW,
                _("Подходят несколько пар: %(list)s. Уточните должность или класс наставника.")
                % {"list": ", ".join(_("№ %(pk)s") % {"pk": entry[0].pk} for entry in found)},
            )
            return None
        return found[0][0]

    def plan_program(self, pair: MentoringPair, rows: list[Row]) -> ProgramPlan:
        first = rows[0]
        plan = ProgramPlan(rows=rows, pair=pair)
        first.require("title", "goal", "start_date", "end_date", "status")
        for name, limit in (("title", 300),):
            if first.has(name) and len(first[name]) > limit:
                first.error(name, _("Не длиннее %(n)s знаков.") % {"n": limit})
        start, end, status = first["start_date"], first["end_date"], first["status"]
        if start and end:
            if end <= start:
                first.error("end_date", _("Окончание программы должно быть позже начала."))
            elif end + timedelta(days=1) < start + relativedelta(months=MIN_MONTHS):
                first.error(
                    "end_date",
                    _("Срок программы — от 3 до 12 месяцев (сейчас: %(period)s).")
                    % {"period": period_text(start, end)},
                )
            elif end > start + relativedelta(months=MAX_MONTHS):
                first.warnings.append(
                    _(
                        "Программа длится больше 12 месяцев (%(period)s): так бывает только после продления по "
                        "взаимному согласию — проверьте даты."
                    )
                    % {"period": period_text(start, end)}
                )
        ended_on = self.check_end(
            first,
            status=status,
            closed=CLOSED_PROGRAM,
            completed=ProgramStatus.COMPLETED,
            start=start,
            default_end=end,
        )
        self.check_pair_status(first, pair, status)
        seen: dict[tuple, Row] = {}
        for order, row in enumerate(rows, start=1):
            activity = self.plan_activity(row, order, start=start, end=end, status=status)
            if activity is None:
                continue
            same = (loose(activity["title"]), activity["due_date"])
            if same in seen:
                row.error(
                    "activity",
                    _("Повторяет мероприятие строки %(row)s: то же название и тот же срок.")
                    % {"row": seen[same].number},
                )
            seen.setdefault(same, row)
            plan.activities.append(activity)
        if (
            status not in (None, ProgramStatus.DRAFT)
            and not plan.activities
            and "activity" not in first.errors
        ):
            first.error(
                "activity",
                _("В плане нет ни одного мероприятия: у программы в статусе «%(status)s» должен быть план.")
                % {"status": ProgramStatus(status).label},
            )
        plan.values = {
            "title": (first["title"] or "").strip(),
            "goal": (first["goal"] or "").strip(),
            "expected_results": (first["expected_results"] or "").strip(),
            "start_date": start,
            "end_date": end,
            "status": status,
            "ended_on": ended_on,
            "end_reason": first["end_reason"] or "",
            "end_comment": first["end_comment"] or "",
        }
        return plan

    def check_pair_status(self, first: Row, pair: MentoringPair, status: str | None) -> None:
        """A program's status agrees with its pair's, as the lifecycle keeps them."""
        if status is None:
            return
        pair_status = pair.get_status_display()
        if pair.status == PairStatus.COMPLETED and status != ProgramStatus.COMPLETED:
            first.error(
                "status",
                _("Пара № %(pk)s завершена, значит её программа выполнена: укажите «%(status)s».")
                % {"pk": pair.pk, "status": ProgramStatus.COMPLETED.label},
            )
        elif pair.status == PairStatus.ENDED_EARLY and status not in CLOSED_PROGRAM:
            first.error(
                "status",
                _(
                    "Пара № %(pk)s прекращена досрочно: её программа выполнена или прекращена досрочно, а не «%(status)s»."
                )
                % {"pk": pair.pk, "status": ProgramStatus(status).label},
            )
        elif pair.status in (PairStatus.DRAFT, PairStatus.CONSENTS) and status in (
            ProgramStatus.IN_PROGRESS,
            ProgramStatus.COMPLETED,
        ):
            first.error(
                "status",
                _(
                    "Реализация программы начинается, когда пара закреплена приказом (сейчас пара № %(pk)s: "
                    "«%(pair)s»)."
                )
                % {"pk": pair.pk, "pair": pair_status},
            )

    def plan_activity(
        self, row: Row, order: int, *, start: date | None, end: date | None, status: str | None
    ) -> dict[str, Any] | None:
        if not row.has("activity"):
            filled = [n for n in ACTIVITY_COLUMNS if row.has(n)]
            if filled and "activity" not in row.errors:
                row.error("activity", _("Укажите мероприятие или оставьте пустыми все его столбцы."))
            return None
        title = row["activity"].strip()
        if len(title) > 300:
            row.error("activity", _("Не длиннее %(n)s знаков.") % {"n": 300})
        row.require("due_date")
        due = row["due_date"]
        if due and start and end and not start <= due <= end:
            row.error(
                "due_date",
                _("Срок мероприятия (%(due)s) — вне срока программы (%(start)s – %(end)s).")
                % {"due": _fmt(due), "start": _fmt(start), "end": _fmt(end)},
            )
        done = row["done"] or ActivityStatus.PLANNED
        done_on = row["done_on"]
        if done == ActivityStatus.DONE and status in (ProgramStatus.DRAFT, ProgramStatus.APPROVED):
            row.error(
                "done",
                _("Выполнение отмечают, когда программа реализуется (статус программы: «%(status)s»).")
                % {"status": ProgramStatus(status).label},
            )
        if done == ActivityStatus.PLANNED and status == ProgramStatus.COMPLETED:
            row.error(
                "done",
                _("Программа выполнена: отметьте мероприятие «да» (выполнено) или «отменено»."),
            )
        if done != ActivityStatus.DONE:
            if done_on is not None:
                row.error("done_on", _("Дата выполнения указывается только для выполненного мероприятия."))
            done_on = None
        else:
            if done_on is None and due is not None:
                done_on = min(due, self.today)
            if done_on is not None and done_on > self.today:
                row.error("done_on", _("Дата выполнения не может быть в будущем."))
            elif done_on is not None and start is not None and done_on < start:
                row.error(
                    "done_on",
                    _("Дата выполнения раньше начала программы (%(start)s).") % {"start": _fmt(start)},
                )
        return {
            "order": order,
            "title": title,
            "activity_type": row["activity_type"] or ActivityType.OTHER,
            "due_date": due,
            "responsible": row["responsible"] or ResponsibleRole.BOTH,
            "status": done,
            "done_on": done_on,
            "evidence_note": (row["result"] or "").strip(),
        }

    def compare_with_existing(self, plan: ProgramPlan, context: ProgramContext) -> None:
        """A pair has one program: the same one again is «без изменений», another one an error.

        A program's plan is worked on in the system (journal, evidence, corrections by mutual
        consent), so a file never overwrites it; the program page changes it.
        """
        existing = context.programs.get(plan.pair.pk)
        if existing is None or any(r.errors for r in plan.rows):
            return
        same_program = all((plan.values[n] or None) == (getattr(existing, n) or None) for n in PROGRAM_FIELDS)
        mine = Counter(tuple(a[n] for n in ACTIVITY_FIELDS) for a in plan.activities)
        theirs = Counter(tuple(getattr(a, n) for n in ACTIVITY_FIELDS) for a in existing.activities.all())
        if same_program and mine == theirs:
            plan.action = SKIP
            return
        plan.rows[0].error(
            ROW,
            _(
                "У пары № %(pair)s уже есть программа «%(title)s» (статус «%(status)s»), и она отличается от файла. "
                "У пары одна программа, и файл её не меняет: измените программу на её странице или уберите строки "
                "этой пары из файла."
            )
            % {"pair": plan.pair.pk, "title": existing.title, "status": existing.get_status_display()},
        )

    # --- Writing ----------------------------------------------------------------------------------

    def write(self, plans: list[ProgramPlan]) -> None:
        new = [p for p in plans if p.action == NEW]
        programs = PersonalizedProgram.objects.bulk_create(
            [
                PersonalizedProgram(
                    school=self.school, pair=p.pair, approved_at=_approved_at(p.values), **p.values
                )
                for p in new
            ]
        )
        PlanActivity.objects.bulk_create(
            [
                PlanActivity(program=program, **a)
                for program, p in zip(programs, new, strict=True)
                for a in p.activities
            ]
        )
        ProgramChange.objects.bulk_create(
            [
                ProgramChange(
                    program=program,
                    kind=ChangeKind.STATUS,
                    description=_(
                        "Программа импортирована из файла истории наставничества: статус «%(status)s», "
                        "мероприятий в плане: %(n)s."
                    )
                    % {"status": program.get_status_display(), "n": len(p.activities)},
                )
                for program, p in zip(programs, new, strict=True)
            ]
        )

    # --- Export -----------------------------------------------------------------------------------

    def export(self, queryset: Any = None, **kwargs: Any) -> tablib.Dataset:
        """Every program of the school, one row per plan activity (a row without one for an empty plan)."""
        person = ("staff", "student", "partner_representative__organization")
        programs = (
            PersonalizedProgram.objects.filter(school=self.school)
            .select_related(*(f"pair__mentor__{p}" for p in person))
            .prefetch_related(
                Prefetch(
                    "pair__mentee_links",
                    queryset=PairMentee.objects.select_related(*(f"mentee__{p}" for p in person)).order_by(
                        "pk"
                    ),
                ),
                Prefetch("activities", queryset=PlanActivity.objects.order_by("order", "pk")),
            )
            .order_by("start_date", "pk")
        )
        dataset = tablib.Dataset(headers=[str(self.fields[n].column_name) for n in self._meta.export_order])
        done = self.fields["done"].widget
        for program in programs:
            pair = program.pair
            mentor = Person.of(pair.mentor.kind, pair.mentor.person)
            links = pair.mentee_links.all()
            mentee = links[0].mentee.full_name if links else ""
            head = [
                mentor.full_name,
                mentor.detail,
                mentee,
                pair.start_date,
                program.title,
                program.goal,
                program.expected_results,
                program.start_date,
                program.end_date,
                program.get_status_display(),
                program.ended_on,
                program.get_end_reason_display() if program.end_reason else "",
                program.end_comment,
            ]
            activities = program.activities.all() or [None]
            for activity in activities:
                if activity is None:
                    dataset.append([*head, "", "", "", None, "", None, ""])
                    continue
                dataset.append(
                    [
                        *head,
                        activity.title,
                        activity.get_activity_type_display(),
                        activity.get_responsible_display(),
                        activity.due_date,
                        done.render(activity.status),
                        activity.done_on,
                        activity.evidence_note,
                    ]
                )
        return dataset


# --- Registration --------------------------------------------------------------------------------

PAIRS_KIND = ImportKind(
    key="pairs",
    resource=PairsResource,
    title=gettext_lazy("Пары и группы (история)"),
    sheet_title=gettext_lazy("Пары"),
    file_stem="pary-istoriya",
    list_url="programs:pair-list",
)
PROGRAMS_KIND = ImportKind(
    key="programs",
    resource=ProgramsResource,
    title=gettext_lazy("Программы наставничества (история)"),
    sheet_title=gettext_lazy("Программы"),
    file_stem="programmy-istoriya",
    list_url="programs:program-list",
)


def register_history_kinds() -> None:
    """Add «pairs» and «programs» to the import registry; calling it again changes nothing."""
    for kind in (PAIRS_KIND, PROGRAMS_KIND):
        if kind.key not in KINDS:
            register(kind)
