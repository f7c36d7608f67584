"""Personalised mentoring programs: creation, the plan, the lifecycle, evidence, reports, best practice.

Lifecycle (domain: a program lasts 3 to 12 months and is changed only by mutual consent):

    draft ──► approved ──► in_progress ──► completed
      │           │             │              │  extend (by mutual consent) reopens it
      │           │             │              └──────────────► in_progress
      └───────────┴─────────────┴──► ended_early (a reason; a comment for «другое»)

- while a draft, the program and its plan are edited freely;
- after approval, adding, editing or cancelling an activity is a *correction* by mutual consent with
  a reason; a completed program changes only through an *extension*;
- every status change, extension and correction writes a ProgramChange: the history users see.

Who may act is checked here too (not only by the views), because other screens (the mentor's
cabinet, the journal) call these functions: managers are the school's curators and directors;
the pair's mentor and mentees mark activities and write their reports.

The functions at the end («Reads») are the selectors of the program screens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    ActivityStatus,
    ActivityType,
    ChangeKind,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyLevel,
    DifficultyRating,
    EndReason,
    MentoringPair,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramChange,
    ProgramStatus,
    ProgramTemplate,
    ProgramTemplateActivity,
    ResponsibleRole,
)
from programs.selectors import processing_stopped
from schools import audit, uploads
from schools.models import Membership, Role

MIN_MONTHS = PersonalizedProgram.MIN_MONTHS
MAX_MONTHS = PersonalizedProgram.MAX_MONTHS
MANAGER_ROLES = frozenset({Role.DIRECTOR, Role.CURATOR})
# Where in its month an activity copied from a template falls: around the middle.
DAY_IN_MONTH = 14
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

TRANSITIONS: dict[str, set[str]] = {
    ProgramStatus.DRAFT: {ProgramStatus.APPROVED, ProgramStatus.ENDED_EARLY},
    ProgramStatus.APPROVED: {ProgramStatus.IN_PROGRESS, ProgramStatus.ENDED_EARLY},
    ProgramStatus.IN_PROGRESS: {ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY},
    ProgramStatus.COMPLETED: {ProgramStatus.IN_PROGRESS},  # only through an extension
    ProgramStatus.ENDED_EARLY: set(),
}
# Statuses in which the plan is being worked on: overdue activities count, days are left.
WORKING_STATUSES = (ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS)
REPORT_STATUSES = (ProgramStatus.IN_PROGRESS, ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY)


class ProgramError(ValidationError):
    """A rule of the program was broken; the message is for the user, in Russian."""


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# --- Who may act ---------------------------------------------------------------------------------


def _school_roles(user, school_id: int) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return set(MANAGER_ROLES)
    return set(
        Membership.objects.filter(user=user, school_id=school_id, is_active=True).values_list(
            "role", flat=True
        )
    )


def is_manager(user, school_id: int) -> bool:
    """A curator or director of the school (or the platform administrator)."""
    return bool(_school_roles(user, school_id) & MANAGER_ROLES)


def member_role(pair: MentoringPair, user) -> str | None:
    """``"mentor"`` or ``"mentee"`` when the user is in the pair, else None (two small queries at most).

    Read through the pair, which is in the scope: a network mentor's participant row belongs to
    the mentor's own school and is outside the scope of the pair's school.
    """
    if user is None or user.pk is None:
        return None
    this_pair = MentoringPair.objects.filter(pk=pair.pk)
    if this_pair.filter(Q(mentor__staff__user=user) | Q(mentor__student__user=user)).exists():
        return ResponsibleRole.MENTOR
    mentee = Q(mentee__staff__user=user) | Q(mentee__student__user=user)
    if PairMentee.objects.filter(mentee, pair_id=pair.pk).exists():
        return ResponsibleRole.MENTEE
    return None


def _require_manager(school_id: int, user, message: str) -> None:
    if not is_manager(user, school_id):
        raise ProgramError(message)


# --- The period ----------------------------------------------------------------------------------


def period_text(start: date, end: date) -> str:
    """«5 мес.» or «12 мес. 10 дн.»: how long a period is, as the messages show it."""
    delta = relativedelta(end, start)
    months = delta.years * 12 + delta.months
    if delta.days:
        return _("%(months)s мес. %(days)s дн.") % {"months": months, "days": delta.days}
    return _("%(months)s мес.") % {"months": months}


def validate_period(start: date, end: date) -> None:
    """3 to 12 months (domain). Both ways of counting the end are accepted.

    A document says «с 01.09 по 30.11» for three months (the end day included), a calendar says
    01.09 + 3 months = 01.12; so the lower bound counts the end day in and the upper bound does not:
    01.09–30.11 and 01.09–01.09 of the next year are both valid, 01.09–31.10 and 01.09–02.09 are not.
    """
    if end <= start:
        raise ProgramError({"end_date": [_("Окончание программы должно быть позже начала.")]})
    too_short = end + timedelta(days=1) < start + relativedelta(months=MIN_MONTHS)
    too_long = end > start + relativedelta(months=MAX_MONTHS)
    if too_short or too_long:
        raise ProgramError(
            {
                "end_date": [
                    _("Срок программы — от 3 до 12 месяцев (сейчас: %(period)s).")
                    % {"period": period_text(start, end)}
                ]
            }
        )


def due_date_for_month(start: date, month: int, end: date) -> date:
    """The middle of the program's ``month`` (1 = the first), never after the program's end."""
    return min(start + relativedelta(months=max(month, 1) - 1) + timedelta(days=DAY_IN_MONTH), end)


# --- History -------------------------------------------------------------------------------------


def _record(
    program: PersonalizedProgram,
    *,
    kind: str,
    author,
    description: str,
    reason: str = "",
    old_end_date: date | None = None,
    new_end_date: date | None = None,
    agreed_by_both: bool = False,
) -> ProgramChange:
    return ProgramChange.objects.create(
        program=program,
        kind=kind,
        author=author,
        description=description,
        reason=reason,
        old_end_date=old_end_date,
        new_end_date=new_end_date,
        agreed_by_both=agreed_by_both,
    )


def _set_status(
    program: PersonalizedProgram, to_status: str, *, actor, description: str, extra: Sequence[str] = ()
) -> None:
    from_status = program.status
    program.status = to_status
    program.save(update_fields=["status", "updated_at", *extra])
    _record(
        program,
        kind=ChangeKind.STATUS,
        author=actor,
        description=_("«%(from)s» → «%(to)s». %(what)s")
        % {
            "from": ProgramStatus(from_status).label,
            "to": ProgramStatus(to_status).label,
            "what": description,
        },
    )


def _locked(program: PersonalizedProgram, to_status: str | None = None) -> PersonalizedProgram:
    program = PersonalizedProgram.objects.select_for_update().select_related("pair").get(pk=program.pk)
    if to_status is not None and to_status not in TRANSITIONS[program.status]:
        raise ProgramError(
            _("Нельзя перевести программу из состояния «%(from)s» в «%(to)s».")
            % {"from": ProgramStatus(program.status).label, "to": ProgramStatus(to_status).label}
        )
    return program


def _refuse_if_closed(program: PersonalizedProgram) -> None:
    """A completed program changes only through an extension; an ended one does not change at all."""
    if program.status == ProgramStatus.COMPLETED:
        raise ProgramError(_("Программа выполнена: изменения возможны только через продление срока."))
    if program.status == ProgramStatus.ENDED_EARLY:
        raise ProgramError(_("Программа прекращена досрочно: изменения невозможны."))


# --- Creation ------------------------------------------------------------------------------------


def _required_texts(**texts: str) -> dict[str, list[str]]:
    labels = {
        "title": _("Укажите название программы."),
        "goal": _("Сформулируйте цель программы."),
        "expected_results": _("Опишите ожидаемые результаты."),
    }
    return {name: [labels[name]] for name, value in texts.items() if not (value or "").strip()}


@transaction.atomic
def create_program(
    *,
    pair: MentoringPair,
    title: str,
    goal: str,
    expected_results: str,
    directions: str,
    start_date: date,
    end_date: date,
    acting_user,
    template: ProgramTemplate | None = None,
) -> PersonalizedProgram:
    """A draft program of the pair (one per pair, 3–12 months), with no activities yet.

    The pair's row is locked so that two curators cannot create two programs at the same time.
    """
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    _require_manager(
        pair.school_id, acting_user, _("Создать программу может куратор или руководитель организации.")
    )
    if not pair.is_open:
        raise ProgramError(
            _("Пара завершила работу («%(status)s»): программу для неё создать нельзя.")
            % {"status": pair.get_status_display()}
        )
    if PersonalizedProgram.objects.filter(pair=pair).exists():
        raise ProgramError(_("У этой пары уже есть программа: у пары может быть только одна программа."))
    members = [pair.mentor_id, *PairMentee.objects.filter(pair=pair).values_list("mentee_id", flat=True)]
    if processing_stopped().filter(pk__in=members).exists():
        raise ProgramError(
            _(
                "Участник пары отозвал согласие на обработку персональных данных: программу создать нельзя. "
                "Получите согласие заново или прекратите работу пары досрочно."
            )
        )
    errors = _required_texts(title=title, goal=goal, expected_results=expected_results)
    try:
        validate_period(start_date, end_date)
    except ProgramError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ProgramError(errors)
    try:
        with transaction.atomic():
            program = PersonalizedProgram.objects.create(
                school_id=pair.school_id,
                pair=pair,
                template=template,
                title=title.strip(),
                goal=goal.strip(),
                expected_results=expected_results.strip(),
                directions=(directions or "").strip(),
                start_date=start_date,
                end_date=end_date,
                created_by=acting_user,
            )
    except IntegrityError as error:  # created by a concurrent request
        raise ProgramError(_("У этой пары уже есть программа.")) from error
    if template is not None:
        description = _("Программа создана по шаблону «%(template)s» как черновик.") % {
            "template": template.title
        }
    else:
        description = _("Программа создана как черновик.")
    _record(program, kind=ChangeKind.STATUS, author=acting_user, description=description)
    return program


# --- Suggestions from the mentee's diagnostics ---------------------------------------------------


@dataclass(frozen=True)
class ActivityIdea:
    title: Promise
    activity_type: str
    responsible: str
    expected_product: Promise


# One or two activity ideas per area of difficulties, offered when a mentee's diagnostics shows a
# large deficit in an area the chosen template does not cover.
AREA_IDEAS: dict[str, tuple[ActivityIdea, ...]] = {
    "scientific": (
        ActivityIdea(
            gettext_lazy("Обзор современных исследований по теме затруднения и обсуждение с наставником"),
            ActivityType.CONSULTATION,
            ResponsibleRole.BOTH,
            gettext_lazy("Аннотированный список источников"),
        ),
        ActivityIdea(
            gettext_lazy("Подготовка доклада или статьи по опыту работы"),
            ActivityType.PROJECT,
            ResponsibleRole.MENTEE,
            gettext_lazy("Текст доклада или статьи"),
        ),
    ),
    "legal": (
        ActivityIdea(
            gettext_lazy("Консультация по нормативным документам: ФГОС, ФОП, локальные акты школы"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Памятка по нормативной базе"),
        ),
        ActivityIdea(
            gettext_lazy("Совместная проверка рабочей программы и школьной документации"),
            ActivityType.MEETING,
            ResponsibleRole.BOTH,
            gettext_lazy("Рабочая программа, приведённая в соответствие требованиям"),
        ),
    ),
    "subject": (
        ActivityIdea(
            gettext_lazy("Разбор трудных тем предмета и заданий повышенной сложности"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Решения с комментариями"),
        ),
        ActivityIdea(
            gettext_lazy("Курсы повышения квалификации по предмету"),
            ActivityType.COURSE,
            ResponsibleRole.MENTEE,
            gettext_lazy("Удостоверение о повышении квалификации"),
        ),
    ),
    "psychological": (
        ActivityIdea(
            gettext_lazy("Консультация по работе с трудным классом и с родителями"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Приёмы для своего класса"),
        ),
        ActivityIdea(
            gettext_lazy("Совместная подготовка и проведение беседы с родителями"),
            ActivityType.MEETING,
            ResponsibleRole.BOTH,
            gettext_lazy("Протокол беседы и договорённости"),
        ),
    ),
    "methodical": (
        ActivityIdea(
            gettext_lazy("Посещение урока наставляемого с разбором по технологической карте"),
            ActivityType.LESSON_VISIT,
            ResponsibleRole.MENTOR,
            gettext_lazy("Лист наблюдения с рекомендациями"),
        ),
        ActivityIdea(
            gettext_lazy("Посещение уроков наставника: приёмы и образовательные технологии"),
            ActivityType.MUTUAL_VISIT,
            ResponsibleRole.MENTEE,
            gettext_lazy("Конспект приёмов для своей практики"),
        ),
    ),
    "ict": (
        ActivityIdea(
            gettext_lazy("Практикум: электронный журнал, текстовый редактор и электронные таблицы"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Выполненные задания практикума"),
        ),
        ActivityIdea(
            gettext_lazy("Онлайн-тест к уроку с автоматической проверкой"),
            ActivityType.PROJECT,
            ResponsibleRole.MENTEE,
            gettext_lazy("Тест и сводка результатов класса"),
        ),
    ),
    "digital": (
        ActivityIdea(
            gettext_lazy("ФГИС «Моя школа»: библиотека цифрового контента и выдача заданий"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Задание, выданное классу через платформу"),
        ),
        ActivityIdea(
            gettext_lazy("Урок с использованием цифровых инструментов в присутствии наставника"),
            ActivityType.OPEN_LESSON,
            ResponsibleRole.MENTEE,
            gettext_lazy("Технологическая карта урока"),
        ),
    ),
    "upbringing": (
        ActivityIdea(
            gettext_lazy("Совместная подготовка классного часа или внеклассного мероприятия"),
            ActivityType.PROJECT,
            ResponsibleRole.BOTH,
            gettext_lazy("Сценарий мероприятия"),
        ),
        ActivityIdea(
            gettext_lazy("Консультация по плану воспитательной работы класса"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("План воспитательной работы"),
        ),
    ),
    "health": (
        ActivityIdea(
            gettext_lazy("Здоровьесберегающие приёмы на уроке: смена видов деятельности, физкультминутки"),
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Подборка приёмов для своих уроков"),
        ),
        ActivityIdea(
            gettext_lazy("Встреча с педагогом-психологом: профилактика профессионального выгорания"),
            ActivityType.MEETING,
            ResponsibleRole.CURATOR,
            gettext_lazy("Рекомендации психолога"),
        ),
    ),
}


@dataclass(frozen=True)
class Suggestion:
    """An activity proposed for an area where a mentee's latest diagnostics shows a large deficit."""

    key: str
    area: DifficultyArea
    level: int
    people: tuple[str, ...]
    title: str
    activity_type: str
    responsible: str
    expected_product: str
    month: int

    @property
    def checked(self) -> bool:
        """Significant difficulties («нужна помощь») are proposed checked, the others unchecked."""
        return self.level >= DifficultyLevel.HIGH

    @property
    def level_label(self) -> str:
        return DifficultyLevel(self.level).label

    @property
    def activity_type_label(self) -> str:
        return ActivityType(self.activity_type).label

    @property
    def responsible_label(self) -> str:
        return ResponsibleRole(self.responsible).label


def _ideas_for(area: DifficultyArea) -> tuple[ActivityIdea, ...]:
    ideas = AREA_IDEAS.get(area.code)
    if ideas:
        return ideas
    # An area added by a platform administrator: one generic idea.
    return (
        ActivityIdea(
            _("Консультация наставника по области «%(area)s»") % {"area": area.name},
            ActivityType.CONSULTATION,
            ResponsibleRole.MENTOR,
            gettext_lazy("Рекомендации наставника"),
        ),
    )


def latest_deficits(pair: MentoringPair) -> list[tuple[DifficultyArea, int, tuple[str, ...]]]:
    """Areas of level ≥ 2 in the latest diagnostics of each mentee of the pair (largest first; 3 queries).

    For a group, an area's level is the largest among its mentees, and the names say whose it is.
    Only the latest assessment of each person counts: an old deficit since resolved is not proposed.
    """
    links = list(PairMentee.objects.filter(pair_id=pair.pk).select_related("mentee__staff"))
    names = {link.mentee.staff_id: link.mentee.staff.full_name for link in links if link.mentee.staff_id}
    if not names:
        return []
    latest: dict[int, int] = {}
    for assessment_id, staff_id in (
        DifficultyAssessment.objects.filter(staff_id__in=list(names))
        .order_by("staff_id", "-school_year")
        .values_list("pk", "staff_id")
    ):
        latest.setdefault(staff_id, assessment_id)
    if not latest:
        return []
    by_area: dict[int, tuple[DifficultyArea, int, list[str]]] = {}
    ratings = DifficultyRating.objects.filter(
        assessment_id__in=list(latest.values()), level__gte=DifficultyLevel.MEDIUM
    ).select_related("area", "assessment")
    for rating in ratings:
        area, level, people = by_area.get(rating.area_id, (rating.area, 0, []))
        people.append(names[rating.assessment.staff_id])
        by_area[rating.area_id] = (area, max(level, rating.level), people)
    rows = sorted(by_area.values(), key=lambda row: (-row[1], row[0].order, row[0].name))
    return [(area, level, tuple(sorted(people))) for area, level, people in rows]


def suggest_activities(pair: MentoringPair, template: ProgramTemplate | None = None) -> list[Suggestion]:
    """Activities for the largest deficits of the mentee(s) that the template does not cover yet.

    Without a template every deficit area gets its ideas (for a blank program or a correction).
    """
    covered: set[int] = set()
    duration = MAX_MONTHS
    if template is not None:
        covered = {a.area_id for a in template.activities.all() if a.area_id}
        duration = template.duration_months
    suggestions = []
    for area, level, people in latest_deficits(pair):
        if area.pk in covered:
            continue
        for index, idea in enumerate(_ideas_for(area)):
            suggestions.append(
                Suggestion(
                    key=f"{area.code}-{index}",
                    area=area,
                    level=level,
                    people=people,
                    title=str(idea.title),
                    activity_type=idea.activity_type,
                    responsible=idea.responsible,
                    expected_product=str(idea.expected_product),
                    month=min(2 + 2 * index, duration),
                )
            )
    return suggestions


@transaction.atomic
def create_from_template(
    *,
    pair: MentoringPair,
    template: ProgramTemplate,
    start_date: date,
    acting_user,
    suggestions: Sequence[Suggestion] = (),
    title: str = "",
) -> PersonalizedProgram:
    """A draft program copied from a template: texts, and activities due in the middle of their month.

    The end is the day before the same date ``duration_months`` later («с 01.09 по 31.05»). The
    expected product of each activity goes to its «результат, продукт» field, where the pair later
    writes what was actually done. ``suggestions`` (chosen from ``suggest_activities``) are added
    to the plan, marked with their area.
    """
    if not template.is_active:
        raise ProgramError(_("Этот шаблон больше не используется: выберите другой."))
    end_date = start_date + relativedelta(months=template.duration_months) - timedelta(days=1)
    program = create_program(
        pair=pair,
        title=title.strip() or template.title,
        goal=template.goal,
        expected_results=template.expected_results,
        directions=template.directions,
        start_date=start_date,
        end_date=end_date,
        acting_user=acting_user,
        template=template,
    )
    rows = [
        PlanActivity(
            program=program,
            order=index,
            title=item.title,
            activity_type=item.activity_type,
            due_date=due_date_for_month(start_date, item.month, end_date),
            responsible=item.responsible,
            area_id=item.area_id,
            evidence_note=item.expected_product,
        )
        for index, item in enumerate(template.activities.order_by("month", "order", "pk"), start=1)
    ]
    rows += [
        PlanActivity(
            program=program,
            order=len(rows) + index,
            title=suggestion.title,
            activity_type=suggestion.activity_type,
            due_date=due_date_for_month(start_date, suggestion.month, end_date),
            responsible=suggestion.responsible,
            area=suggestion.area,
            evidence_note=suggestion.expected_product,
        )
        for index, suggestion in enumerate(suggestions, start=1)
    ]
    PlanActivity.objects.bulk_create(rows)
    return program


# --- Editing a draft -----------------------------------------------------------------------------


@transaction.atomic
def update_program(
    program: PersonalizedProgram,
    *,
    title: str,
    goal: str,
    expected_results: str,
    directions: str,
    start_date: date,
    end_date: date,
    acting_user,
) -> PersonalizedProgram:
    """Texts and dates of a draft (free editing). After approval the term changes only by extension."""
    program = _locked(program)
    _require_manager(program.school_id, acting_user, _("Изменить программу может куратор или руководитель."))
    if program.status != ProgramStatus.DRAFT:
        _refuse_if_closed(program)
        raise ProgramError(
            _("Программа утверждена: план меняется корректировкой по взаимному согласию, срок — продлением.")
        )
    errors = _required_texts(title=title, goal=goal, expected_results=expected_results)
    try:
        validate_period(start_date, end_date)
    except ProgramError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    outside = [
        a.title
        for a in program.activities.exclude(status=ActivityStatus.CANCELLED)
        if not start_date <= a.due_date <= end_date
    ]
    if outside and not errors:
        errors[NON_FIELD_ERRORS] = [
            _("Сроки мероприятий выходят за новый срок программы: %(list)s. Сначала перенесите их в плане.")
            % {"list": "; ".join(f"«{t}»" for t in outside)}
        ]
    if errors:
        raise ProgramError(errors)
    program.title, program.goal = title.strip(), goal.strip()
    program.expected_results, program.directions = expected_results.strip(), (directions or "").strip()
    program.start_date, program.end_date = start_date, end_date
    program.save(
        update_fields=[
            "title",
            "goal",
            "expected_results",
            "directions",
            "start_date",
            "end_date",
            "updated_at",
        ]
    )
    return program


# --- The plan: free in a draft, a correction by mutual consent after approval ---------------------


@dataclass(frozen=True)
class ActivityData:
    """One line of the plan as a form gives it (for adding or editing)."""

    title: str
    activity_type: str
    due_date: date
    responsible: str
    area: DifficultyArea | None = None

    def differs_from(self, activity: PlanActivity) -> bool:
        return (
            self.title.strip() != activity.title
            or self.activity_type != activity.activity_type
            or self.due_date != activity.due_date
            or self.responsible != activity.responsible
            or (self.area.pk if self.area else None) != activity.area_id
        )


def _check_line(program: PersonalizedProgram, data: ActivityData) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append(_("У мероприятия должно быть название."))
    if data.activity_type not in ActivityType.values:
        problems.append(_("Неизвестный вид мероприятия."))
    if data.responsible not in ResponsibleRole.values:
        problems.append(_("Укажите ответственного за мероприятие."))
    if not program.start_date <= data.due_date <= program.end_date:
        problems.append(
            _("Срок мероприятия «%(title)s» (%(due)s) — вне срока программы (%(start)s – %(end)s).")
            % {
                "title": data.title.strip(),
                "due": _fmt(data.due_date),
                "start": _fmt(program.start_date),
                "end": _fmt(program.end_date),
            }
        )
    return problems


@transaction.atomic
def correct_plan(
    program: PersonalizedProgram,
    *,
    acting_user,
    reason: str = "",
    agreed_by_both: bool = False,
    add: Sequence[ActivityData] = (),
    edit: Mapping[int, ActivityData] | None = None,
    remove: Sequence[int] = (),
) -> PersonalizedProgram:
    """Change the plan: add lines, edit lines (by activity pk), remove lines (by pk).

    In a draft the plan is edited freely (removed lines are deleted, nothing is recorded). After
    approval it is a correction (domain: only by mutual consent of mentor and mentee): a reason
    and ``agreed_by_both`` are required, removed lines are *cancelled* (kept in the plan), done
    ones cannot change, and a ProgramChange(kind=correction) lists what changed. A completed or
    ended program is not changed here at all (a completed one is reopened by ``extend``).
    """
    program = _locked(program)
    _require_manager(program.school_id, acting_user, _("Изменить план может куратор или руководитель."))
    _refuse_if_closed(program)
    draft = program.status == ProgramStatus.DRAFT
    edit = dict(edit or {})
    if not draft:
        errors: dict[str, list[str]] = {}
        if not reason.strip():
            errors["reason"] = [_("Укажите основание корректировки плана.")]
        if not agreed_by_both:
            errors["agreed_by_both"] = [
                _(
                    "План утверждённой программы корректируется только по взаимному согласию наставника и наставляемого."
                )
            ]
        if errors:
            raise ProgramError(errors)
    activities = {a.pk: a for a in PlanActivity.objects.select_for_update().filter(program=program)}
    unknown = (set(edit) | set(remove)) - set(activities)
    if unknown:
        raise ProgramError(_("Мероприятие не найдено в плане этой программы."))
    problems: list[str] = []
    for data in [*add, *(d for pk, d in edit.items() if pk not in remove)]:
        problems += _check_line(program, data)
    changed = {pk: d for pk, d in edit.items() if pk not in remove and d.differs_from(activities[pk])}
    removed = [activities[pk] for pk in remove]
    if not draft:
        for activity in [*(activities[pk] for pk in changed), *removed]:
            if activity.status == ActivityStatus.DONE:
                problems.append(
                    _("Мероприятие «%(title)s» уже выполнено: его нельзя изменить или отменить.")
                    % {"title": activity.title}
                )
            elif activity.status == ActivityStatus.CANCELLED:
                problems.append(_("Мероприятие «%(title)s» уже отменено.") % {"title": activity.title})
    if problems:
        raise ProgramError(problems)
    if not (add or changed or removed):
        if draft:
            return program
        raise ProgramError(_("В плане ничего не изменилось: корректировка не нужна."))

    described: list[str] = []
    next_order = max((a.order for a in activities.values()), default=0)
    new_rows = []
    for index, data in enumerate(add, start=1):
        new_rows.append(
            PlanActivity(
                program=program,
                order=next_order + index,
                title=data.title.strip(),
                activity_type=data.activity_type,
                due_date=data.due_date,
                responsible=data.responsible,
                area=data.area,
            )
        )
    PlanActivity.objects.bulk_create(new_rows)
    if new_rows:
        described.append(
            _("Добавлено: %(list)s.")
            % {"list": "; ".join(f"«{a.title}» ({_fmt(a.due_date)})" for a in new_rows)}
        )
    edited_notes = []
    for pk, data in changed.items():
        activity = activities[pk]
        note = f"«{activity.title}»"
        if activity.due_date != data.due_date:
            note += " " + _("(срок %(old)s → %(new)s)") % {
                "old": _fmt(activity.due_date),
                "new": _fmt(data.due_date),
            }
        activity.title = data.title.strip()
        activity.activity_type, activity.due_date = data.activity_type, data.due_date
        activity.responsible, activity.area = data.responsible, data.area
        activity.save(update_fields=["title", "activity_type", "due_date", "responsible", "area"])
        edited_notes.append(note)
    if edited_notes:
        described.append(_("Изменено: %(list)s.") % {"list": "; ".join(edited_notes)})
    if removed:
        if draft:
            PlanActivity.objects.filter(pk__in=[a.pk for a in removed]).delete()
        else:
            PlanActivity.objects.filter(pk__in=[a.pk for a in removed]).update(
                status=ActivityStatus.CANCELLED
            )
            described.append(_("Отменено: %(list)s.") % {"list": "; ".join(f"«{a.title}»" for a in removed)})
    if not draft:
        _record(
            program,
            kind=ChangeKind.CORRECTION,
            author=acting_user,
            description=" ".join(described),
            reason=reason.strip(),
            agreed_by_both=True,
        )
    program.save(update_fields=["updated_at"])
    return program


# --- Lifecycle -----------------------------------------------------------------------------------


@transaction.atomic
def approve(program: PersonalizedProgram, *, acting_user) -> PersonalizedProgram:
    """The curator or director approves the draft; from now on the plan changes only by correction."""
    program = _locked(program, ProgramStatus.APPROVED)
    _require_manager(
        program.school_id, acting_user, _("Утвердить программу может куратор или руководитель организации.")
    )
    if not program.activities.exists():
        raise ProgramError(_("В плане нет ни одного мероприятия: добавьте мероприятия перед утверждением."))
    program.approved_by, program.approved_at = acting_user, timezone.now()
    _set_status(
        program,
        ProgramStatus.APPROVED,
        actor=acting_user,
        extra=["approved_by", "approved_at"],
        description=_("Программа утверждена."),
    )
    audit.record(audit.Action.APPROVE, obj=program, actor=acting_user)
    return program


@transaction.atomic
def start(program: PersonalizedProgram, *, acting_user) -> PersonalizedProgram:
    """The pair starts working on the approved plan; it must be fixed by order first (domain)."""
    program = _locked(program, ProgramStatus.IN_PROGRESS)
    _require_manager(program.school_id, acting_user, _("Начать реализацию может куратор или руководитель."))
    if program.pair.status not in (PairStatus.FIXED, PairStatus.ACTIVE):
        raise ProgramError(
            _(
                "Реализацию программы можно начать, когда пара закреплена приказом (сейчас пара: «%(status)s»)."
            )
            % {"status": program.pair.get_status_display()}
        )
    _set_status(
        program, ProgramStatus.IN_PROGRESS, actor=acting_user, description=_("Начата реализация программы.")
    )
    return program


@transaction.atomic
def complete(program: PersonalizedProgram, *, acting_user, on: date | None = None) -> PersonalizedProgram:
    """Completed means the plan is done: every activity is done or cancelled by a correction."""
    program = _locked(program, ProgramStatus.COMPLETED)
    _require_manager(program.school_id, acting_user, _("Завершить программу может куратор или руководитель."))
    left = program.activities.filter(status=ActivityStatus.PLANNED).count()
    if left:
        raise ProgramError(
            _(
                "Программу нельзя завершить: не выполнено мероприятий плана — %(n)s. Отметьте их выполнение "
                "или отмените через корректировку плана."
            )
            % {"n": left}
        )
    program.ended_on = on or timezone.localdate()
    _set_status(
        program,
        ProgramStatus.COMPLETED,
        actor=acting_user,
        extra=["ended_on"],
        description=_("Программа выполнена."),
    )
    return program


@transaction.atomic
def end_early(
    program: PersonalizedProgram, *, reason: str, acting_user, comment: str = "", on: date | None = None
) -> PersonalizedProgram:
    """Stop the program before its plan is done; the reason is kept (a comment for «другое»)."""
    if reason not in EndReason.values:
        raise ProgramError({"end_reason": [_("Укажите причину досрочного прекращения.")]})
    if reason == EndReason.OTHER and not comment.strip():
        raise ProgramError({"end_comment": [_("Для причины «другое» опишите её в комментарии.")]})
    program = _locked(program, ProgramStatus.ENDED_EARLY)
    _require_manager(
        program.school_id, acting_user, _("Прекратить программу может куратор или руководитель.")
    )
    program.ended_on = on or timezone.localdate()
    program.end_reason, program.end_comment = reason, comment.strip()
    _set_status(
        program,
        ProgramStatus.ENDED_EARLY,
        actor=acting_user,
        extra=["ended_on", "end_reason", "end_comment"],
        description=_("Программа прекращена досрочно: %(reason)s.") % {"reason": EndReason(reason).label},
    )
    return program


@transaction.atomic
def end_with_pair(pair, *, reason: str, comment: str, on: date, acting_user) -> PersonalizedProgram | None:
    """A pair ended early takes its unfinished program with it, for the same reason.

    Called by the pair lifecycle, which has already checked who may end the pair; a program never
    outlives its pair (it would keep showing due activities to people no longer paired).
    """
    program = PersonalizedProgram.objects.select_for_update().filter(pair=pair).first()
    if program is None or program.status in (ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY):
        return None
    program.ended_on = on
    program.end_reason, program.end_comment = reason, comment.strip()
    _set_status(
        program,
        ProgramStatus.ENDED_EARLY,
        actor=acting_user,
        extra=["ended_on", "end_reason", "end_comment"],
        description=_("Программа прекращена вместе с парой: %(reason)s.")
        % {"reason": EndReason(reason).label},
    )
    return program


@transaction.atomic
def extend(
    program: PersonalizedProgram, *, new_end_date: date, reason: str, agreed_by_both: bool, acting_user
) -> PersonalizedProgram:
    """Move the end of the program later, by mutual consent of mentor and mentee, with a reason.

    The 3–12 month rule applies to the period set at creation; an extension may take the program
    beyond 12 months (domain: «срок может быть продлён по взаимному согласию»), and every extension
    is recorded (old and new end). Extending a completed program reopens it (in progress again):
    that is the only way to change a completed program.
    """
    program = _locked(program)
    _require_manager(program.school_id, acting_user, _("Продлить программу может куратор или руководитель."))
    if program.status == ProgramStatus.DRAFT:
        raise ProgramError(_("Срок черновика меняется в форме программы: продление не нужно."))
    if program.status == ProgramStatus.ENDED_EARLY:
        raise ProgramError(_("Программа прекращена досрочно: продлить её нельзя."))
    if not program.pair.is_open:
        raise ProgramError(_("Пара завершила работу: продлить программу нельзя."))
    errors: dict[str, list[str]] = {}
    if not agreed_by_both:
        errors["agreed_by_both"] = [
            _(
                "Срок продлевается только по взаимному согласию наставника и наставляемого: подтвердите согласие."
            )
        ]
    if not reason.strip():
        errors["reason"] = [_("Укажите основание продления.")]
    if new_end_date <= program.end_date:
        errors["new_end_date"] = [
            _("Новый срок должен быть позже нынешнего (%(end)s).") % {"end": _fmt(program.end_date)}
        ]
    if errors:
        raise ProgramError(errors)
    old_end = program.end_date
    program.end_date = new_end_date
    program.save(update_fields=["end_date", "updated_at"])
    _record(
        program,
        kind=ChangeKind.EXTENSION,
        author=acting_user,
        description=_("Срок программы продлён: %(old)s → %(new)s.")
        % {"old": _fmt(old_end), "new": _fmt(new_end_date)},
        reason=reason.strip(),
        old_end_date=old_end,
        new_end_date=new_end_date,
        agreed_by_both=True,
    )
    if program.status == ProgramStatus.COMPLETED:
        program.ended_on = None
        _set_status(
            program,
            ProgramStatus.IN_PROGRESS,
            actor=acting_user,
            extra=["ended_on"],
            description=_("Программа возобновлена в связи с продлением срока."),
        )
    return program


# --- Activities: done or not, with evidence ------------------------------------------------------


EVIDENCE_TYPES = (uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.JPEG, uploads.PNG)
EVIDENCE_CONTENT_TYPES = uploads.content_types(EVIDENCE_TYPES)
EVIDENCE_ACCEPT = uploads.accept(EVIDENCE_TYPES)


def validate_evidence_file(upload: UploadedFile) -> uploads.FileKind:
    """The kind of an evidence file, after checking its size, its extension and its content.

    Office files are opened too (``uploads.DOCX`` and the others): a renamed .zip is not a .docx.
    """
    try:
        return uploads.check_upload(upload, kinds=EVIDENCE_TYPES, max_bytes=MAX_EVIDENCE_BYTES)
    except uploads.UploadError as error:
        raise ProgramError({"evidence_file": error.messages}) from error


def can_mark_activities(program: PersonalizedProgram, user) -> bool:
    """The pair's mentor and mentees, the school's curators and directors."""
    return member_role(program.pair, user) is not None or is_manager(user, program.school_id)


@transaction.atomic
def set_activity_status(
    activity: PlanActivity,
    *,
    status: str,
    acting_user,
    done_on: date | None = None,
    evidence_note: str = "",
    evidence_link: str = "",
    evidence_file: UploadedFile | None = None,
) -> PlanActivity:
    """Mark a plan activity done (with its evidence, the «педагогический продукт») or planned again.

    STABLE: the mentor's cabinet and the journal call this exact signature.

    - who: the pair's mentor or a mentee, or a curator/director of the school;
    - when: the program is in progress (a completed one changes only through an extension);
    - ``status``: ``done`` or ``planned``; cancelling is a correction of the plan (mutual consent);
    - ``done_on``: today by default, not in the future, not before the program's start;
    - evidence: an empty note or link and a missing file keep what is stored (so marking done from
      another screen never wipes evidence written earlier); a new file replaces the old one;
      files are PDF, DOCX, XLSX, PPTX, JPEG or PNG up to 10 MB, checked by content.
    """
    activity = PlanActivity.objects.select_for_update().get(pk=activity.pk)
    program = PersonalizedProgram.objects.select_related("pair").get(pk=activity.program_id)
    if not can_mark_activities(program, acting_user):
        raise ProgramError(
            _(
                "Отмечать мероприятия программы могут наставник и наставляемый этой пары, куратор и руководитель."
            )
        )
    _refuse_if_closed(program)
    if program.status != ProgramStatus.IN_PROGRESS:
        raise ProgramError(
            _("Отмечать выполнение можно, когда программа реализуется (сейчас: «%(status)s»).")
            % {"status": program.get_status_display()}
        )
    if status == ActivityStatus.CANCELLED:
        raise ProgramError(
            {"status": [_("Отменить мероприятие можно только корректировкой плана по взаимному согласию.")]}
        )
    if status not in (ActivityStatus.DONE, ActivityStatus.PLANNED):
        raise ProgramError({"status": [_("Неизвестный статус мероприятия.")]})
    if activity.status == ActivityStatus.CANCELLED:
        raise ProgramError(_("Мероприятие отменено корректировкой плана: отметить его нельзя."))

    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if status == ActivityStatus.DONE:
        done_on = done_on or today
        if done_on > today:
            errors["done_on"] = [_("Дата выполнения не может быть в будущем.")]
        elif done_on < program.start_date:
            errors["done_on"] = [
                _("Дата выполнения раньше начала программы (%(start)s).")
                % {"start": _fmt(program.start_date)}
            ]
    link = (evidence_link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["evidence_link"] = [_("Укажите ссылку целиком, начиная с https:// или http://.")]
    if evidence_file is not None:
        try:
            validate_evidence_file(evidence_file)
        except ProgramError as error:
            errors.setdefault("evidence_file", []).extend(
                error.message_dict.get("evidence_file", error.messages)
            )
    if errors:
        raise ProgramError(errors)

    fields = ["status", "done_on"]
    activity.status = status
    activity.done_on = done_on if status == ActivityStatus.DONE else None
    if (evidence_note or "").strip():
        activity.evidence_note = evidence_note.strip()
        fields.append("evidence_note")
    if link:
        activity.evidence_link = link
        fields.append("evidence_link")
    old_file = ""
    if evidence_file is not None:
        old_file = activity.evidence_file.name if activity.evidence_file else ""
        activity.evidence_file = evidence_file
        fields.append("evidence_file")
    activity.program = program
    activity.save(update_fields=fields)
    if old_file:
        storage = activity.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return activity


# --- Reports and best practice -------------------------------------------------------------------


def _report_program(program: PersonalizedProgram) -> PersonalizedProgram:
    program = _locked(program)
    if program.status not in REPORT_STATUSES:
        raise ProgramError(
            _("Отчёт пишется, когда программа реализуется или завершена (сейчас: «%(status)s»).")
            % {"status": program.get_status_display()}
        )
    if program.is_best_practice:
        raise ProgramError(_("Программа отмечена как лучшая практика: отчёты больше не меняются."))
    return program


@transaction.atomic
def submit_mentor_report(program: PersonalizedProgram, *, text: str, acting_user) -> PersonalizedProgram:
    """The mentor's final report (may be rewritten until the program is marked as a best practice)."""
    program = _report_program(program)
    if member_role(program.pair, acting_user) != ResponsibleRole.MENTOR:
        raise ProgramError(_("Отчёт наставника пишет наставник этой пары."))
    if not text.strip():
        raise ProgramError({"text": [_("Напишите отчёт: что сделано и каких результатов удалось достичь.")]})
    program.mentor_report = text.strip()
    program.save(update_fields=["mentor_report", "updated_at"])
    return program


@transaction.atomic
def submit_mentee_reflection(program: PersonalizedProgram, *, text: str, acting_user) -> PersonalizedProgram:
    """The mentee's reflection (in a group any mentee writes the group's one text)."""
    program = _report_program(program)
    if member_role(program.pair, acting_user) != ResponsibleRole.MENTEE:
        raise ProgramError(_("Рефлексию пишет наставляемый этой пары."))
    if not text.strip():
        raise ProgramError({"text": [_("Напишите рефлексию: что получилось, что было трудно, что дальше.")]})
    program.mentee_reflection = text.strip()
    program.save(update_fields=["mentee_reflection", "updated_at"])
    return program


@transaction.atomic
def mark_best_practice(program: PersonalizedProgram, *, summary: str, acting_user) -> PersonalizedProgram:
    """Mark a completed program with both reports as the school's best practice.

    The summary will be published on the school's public page: it must hold no personal data beyond
    names and positions (the form says so; the text is the curator's responsibility).
    """
    program = _locked(program)
    _require_manager(
        program.school_id,
        acting_user,
        _("Отметить лучшую практику может куратор или руководитель организации."),
    )
    if program.status != ProgramStatus.COMPLETED:
        raise ProgramError(_("Лучшей практикой можно отметить только выполненную программу."))
    missing = []
    if not program.mentor_report.strip():
        missing.append(_("отчёт наставника"))
    if not program.mentee_reflection.strip():
        missing.append(_("рефлексия наставляемого"))
    if missing:
        raise ProgramError(_("Сначала нужны итоговые документы: %(list)s.") % {"list": ", ".join(missing)})
    if not summary.strip():
        raise ProgramError({"summary": [_("Опишите практику для публикации.")]})
    program.is_best_practice = True
    program.best_practice_summary = summary.strip()
    program.best_practice_marked_by, program.best_practice_marked_at = acting_user, timezone.now()
    program.save(
        update_fields=[
            "is_best_practice",
            "best_practice_summary",
            "best_practice_marked_by",
            "best_practice_marked_at",
            "updated_at",
        ]
    )
    return program


# --- Reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far the plan is: done of total (cancelled lines do not count), overdue, days left."""

    done: int
    total: int
    share: float
    overdue: list[PlanActivity] = field(default_factory=list)
    days_left: int | None = None

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def left(self) -> int:
        return self.total - self.done


def progress(program: PersonalizedProgram, *, today: date | None = None) -> Progress:
    """Progress of one program (uses prefetched activities when there are any)."""
    today = today or timezone.localdate()
    activities = list(program.activities.all())
    counted = [a for a in activities if a.status != ActivityStatus.CANCELLED]
    done = sum(1 for a in counted if a.status == ActivityStatus.DONE)
    working = program.status in WORKING_STATUSES
    overdue = (
        [a for a in counted if a.status == ActivityStatus.PLANNED and a.due_date < today] if working else []
    )
    days_left = (program.end_date - today).days if working or program.status == ProgramStatus.DRAFT else None
    return Progress(
        done=done,
        total=len(counted),
        share=done / len(counted) if counted else 0.0,
        overdue=sorted(overdue, key=lambda a: (a.due_date, a.order, a.pk)),
        days_left=days_left,
    )


def with_progress(programs: QuerySet[PersonalizedProgram], *, today: date | None = None) -> QuerySet:
    """Annotate ``done_count``, ``total_count`` and ``overdue_count`` in the same query as the rows."""
    today = today or timezone.localdate()
    return programs.annotate(
        total_count=Count(
            "activities", filter=~Q(activities__status=ActivityStatus.CANCELLED), distinct=True
        ),
        done_count=Count("activities", filter=Q(activities__status=ActivityStatus.DONE), distinct=True),
        overdue_count=Count(
            "activities",
            filter=Q(
                activities__status=ActivityStatus.PLANNED,
                activities__due_date__lt=today,
                status__in=WORKING_STATUSES,
            ),
            distinct=True,
        ),
    )


PERSON_FIELDS = ("staff", "student", "partner_representative__organization")


def program_queryset() -> QuerySet[PersonalizedProgram]:
    """Programs with their pair, mentor and mentees (what every program screen shows)."""
    return PersonalizedProgram.objects.select_related(
        "pair", "pair__form", "template", *(f"pair__mentor__{f}" for f in PERSON_FIELDS)
    ).prefetch_related(
        Prefetch(
            "pair__mentee_links",
            queryset=PairMentee.objects.select_related(*(f"mentee__{f}" for f in PERSON_FIELDS)).order_by(
                "pk"
            ),
        )
    )


def program_list(*, status: str = "", overdue: bool = False, today: date | None = None) -> QuerySet:
    """The school's programs with progress, in a fixed number of queries (rows + mentees)."""
    programs = with_progress(program_queryset(), today=today)
    if status:
        programs = programs.filter(status=status)
    if overdue:
        programs = programs.filter(overdue_count__gt=0)
    return programs.order_by("end_date", "pk")


def program_detail_queryset() -> QuerySet[PersonalizedProgram]:
    return (
        program_queryset()
        .select_related("approved_by", "best_practice_marked_by")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=PlanActivity.objects.select_related("area").order_by("due_date", "order", "pk"),
            ),
            Prefetch("changes", queryset=ProgramChange.objects.select_related("author").order_by("at", "pk")),
        )
    )


def templates_for(pair: MentoringPair) -> tuple[list[ProgramTemplate], list[ProgramTemplate]]:
    """Active templates of the pair's form (first) and the others, with their activities (2 queries)."""
    templates = list(
        ProgramTemplate.objects.filter(is_active=True)
        .select_related("form", "role_model")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=ProgramTemplateActivity.objects.select_related("area").order_by(
                    "month", "order", "pk"
                ),
            )
        )
        .order_by("order", "title")
    )
    matching = [t for t in templates if t.form_id == pair.form_id]
    others = [t for t in templates if t.form_id != pair.form_id]
    return matching, others
