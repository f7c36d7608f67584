"""The school's roadmap of the target model: seven stages for a school year, approved by the director.

The curator creates the roadmap from the template below (``STAGES``, dates computed from the start
date), edits the stages while it is a draft or returned, and sends it for approval; the director
approves it or returns it with a comment — the same workflow as the mentor registry. An approved
roadmap is a fixed plan: its dates and contents do not change (a changed plan needs a new version
with a new order, which the model cannot hold yet: one roadmap per school and year).

What *did* happen is another matter: the status of a stage is computed from the school's data
where the data can tell (stages 2, 3, 5, 6), and is the curator's manual mark elsewhere (1, 4, 7) —
marks stay possible after approval, because they report execution, not change the plan.
``roadmap_page`` reads every signal in a fixed number of aggregate queries.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    DifficultyAssessment,
    MenteeBaseConfirmation,
    MentoringPair,
    MentorProfile,
    MentorRegistry,
    PairStatus,
    RoadmapStage,
    RoadmapStatus,
    SchoolRoadmap,
    StageStatus,
)
from programs.selectors import mentee_base_counts, mentee_base_rules
from schools import audit
from schools.models import School, User
from schools.years import school_year_bounds, school_year_label, school_year_of


class RoadmapError(ValidationError):
    """The roadmap cannot be changed this way; the message is for the user, in Russian."""


# --- The template of the seven stages -------------------------------------------------------------

CONDITIONS = "conditions"
MENTEE_BASE = "mentee-base"
MENTOR_BASE = "mentor-base"
MENTOR_TRAINING = "mentor-training"
PAIRS = "pairs"
PAIR_WORK = "pair-work"
COMPLETION = "completion"


@dataclass(frozen=True)
class StageTemplate:
    code: str
    title: Promise
    activities: Promise
    documents: Promise
    responsible: Promise
    timing: Promise
    computed: bool  # the status comes from the school's data, not from the curator's mark


STAGES: tuple[StageTemplate, ...] = (
    StageTemplate(
        CONDITIONS,
        gettext_lazy("Подготовка условий для запуска программы наставничества"),
        gettext_lazy(
            "Информирование педагогического коллектива о внедрении целевой модели наставничества.\n"
            "Выбор форм и ролевых моделей наставничества с учётом задач школы.\n"
            "Назначение куратора, разработка положения о наставничестве и дорожной карты."
        ),
        gettext_lazy(
            "Приказ о внедрении целевой модели наставничества.\n"
            "Положение о наставничестве.\n"
            "Приказ о назначении куратора.\n"
            "Дорожная карта."
        ),
        gettext_lazy("руководитель, куратор"),
        gettext_lazy("первый месяц"),
        computed=False,
    ),
    StageTemplate(
        MENTEE_BASE,
        gettext_lazy("Формирование базы наставляемых"),
        gettext_lazy(
            "Выявление педагогов, которым нужен наставник: молодые специалисты, новые в коллективе, "
            "вышедшие после перерыва, без педагогического образования, с затруднениями.\n"
            "Самодиагностика профессиональных затруднений.\n"
            "Сбор согласий на участие и на обработку персональных данных."
        ),
        gettext_lazy(
            "База наставляемых, подтверждённая куратором.\n"
            "Результаты диагностики затруднений.\n"
            "Согласия наставляемых."
        ),
        gettext_lazy("куратор, педагог-психолог"),
        gettext_lazy("первый месяц"),
        computed=True,
    ),
    StageTemplate(
        MENTOR_BASE,
        gettext_lazy("Формирование базы наставников"),
        gettext_lazy(
            "Поиск кандидатов в наставники среди педагогов, обучающихся и представителей партнёров.\n"
            "Анкетирование «Чем я могу быть полезен как наставник».\n"
            "Составление реестра наставников на учебный год."
        ),
        gettext_lazy(
            "База наставников.\nАнкеты наставников.\nРеестр наставников, утверждённый руководителем."
        ),
        gettext_lazy("куратор"),
        gettext_lazy("первый месяц"),
        computed=True,
    ),
    StageTemplate(
        MENTOR_TRAINING,
        gettext_lazy("Отбор и обучение наставников"),
        gettext_lazy(
            "Отбор наставников по компетенциям и возможной нагрузке.\n"
            "Обучение в «Школе наставников» и по программе повышения квалификации "
            "«Наставничество педагогических работников».\n"
            "Консультации куратора для наставников."
        ),
        gettext_lazy(
            "План обучения наставников.\nПрограмма «Школы наставников».\nДокументы о повышении квалификации."
        ),
        gettext_lazy("куратор, руководитель"),
        gettext_lazy("1–2 месяцы"),
        computed=False,
    ),
    StageTemplate(
        PAIRS,
        gettext_lazy("Формирование наставнических пар и групп"),
        gettext_lazy(
            "Подбор пар по результатам диагностики и компетенциям наставников.\n"
            "Встречи-знакомства наставников и наставляемых.\n"
            "Составление персонализированных программ наставничества.\n"
            "Закрепление пар и групп приказом."
        ),
        gettext_lazy(
            "Приказ о закреплении наставнических пар (групп).\n"
            "Персонализированные программы наставничества.\n"
            "Согласия участников."
        ),
        gettext_lazy("куратор, руководитель"),
        gettext_lazy("в течение месяца после приказа"),
        computed=True,
    ),
    StageTemplate(
        PAIR_WORK,
        gettext_lazy("Организация работы наставнических пар и групп"),
        gettext_lazy(
            "Реализация персонализированных программ: встречи, посещение уроков, консультации.\n"
            "Ведение журнала наставничества.\n"
            "Промежуточный мониторинг и корректировка программ."
        ),
        gettext_lazy(
            "Журналы наставнических пар.\n"
            "Отчёты о выполнении программ.\n"
            "Материалы промежуточного мониторинга."
        ),
        gettext_lazy("наставники, куратор"),
        gettext_lazy("в течение учебного года"),
        computed=True,
    ),
    StageTemplate(
        COMPLETION,
        gettext_lazy("Завершение программы наставничества"),
        gettext_lazy(
            "Анкетирование участников: обратная связь о работе пар.\n"
            "Мониторинг качества реализации программы наставничества.\n"
            "Итоговое мероприятие с презентацией результатов пар.\n"
            "Пополнение базы кейсов и лучших практик.\n"
            "Поощрение наставников."
        ),
        gettext_lazy(
            "Итоговые анкеты участников.\n"
            "Отчёт о результатах мониторинга.\n"
            "База кейсов наставничества.\n"
            "Приказ о поощрении наставников."
        ),
        gettext_lazy("куратор, руководитель"),
        gettext_lazy("последний месяц периода"),
        computed=False,
    ),
)
STAGE_BY_CODE = {s.code: s for s in STAGES}
COMPUTED_CODES = frozenset(s.code for s in STAGES if s.computed)


# --- Dates ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_end_date(school_year: int) -> date:
    """The period ends with the academic year: 31 May (the summer is not mentoring time)."""
    return date(school_year + 1, 5, 31)


def plan_dates(start: date, end: date, pairs_order: date | None = None) -> dict[str, tuple[date, date]]:
    """Stage dates from the start: 1–3 the first month, 4 months 1–2, 5 a month from the pairs order
    (a month after the start unless given), 6 from then to the end, 7 the last month of the period."""
    order = pairs_order or add_months(start, 1)
    last_month = add_months(end, -1) + timedelta(days=1)
    first_month_end = add_months(start, 1) - timedelta(days=1)
    return {
        CONDITIONS: (start, first_month_end),
        MENTEE_BASE: (start, first_month_end),
        MENTOR_BASE: (start, first_month_end),
        MENTOR_TRAINING: (start, add_months(start, 2) - timedelta(days=1)),
        PAIRS: (order, add_months(order, 1) - timedelta(days=1)),
        PAIR_WORK: (order, end),
        COMPLETION: (last_month, end),
    }


def check_plan(school_year: int, start: date, end: date, pairs_order: date | None) -> None:
    first, last = school_year_bounds(school_year)
    label = school_year_label(school_year)
    errors: dict[str, list[str]] = {}
    if not first <= start <= last:
        errors["start_date"] = [_("Начало должно приходиться на %(year)s учебный год.") % {"year": label}]
    if not first <= end <= last:
        errors["end_date"] = [_("Окончание должно приходиться на %(year)s учебный год.") % {"year": label}]
    elif end < add_months(start, 3):
        errors["end_date"] = [_("Между началом и окончанием должно быть не меньше трёх месяцев.")]
    if pairs_order is not None and not start <= pairs_order < add_months(end, -1):
        errors["pairs_order_date"] = [
            _("Приказ о парах должен быть издан после начала и раньше последнего месяца периода.")
        ]
    if errors:
        raise RoadmapError(errors)


# --- Writes --------------------------------------------------------------------------------------

EDITABLE_STATUSES = (RoadmapStatus.DRAFT, RoadmapStatus.RETURNED)
# In summer the coming school year is planned: its roadmap may be created before 1 September.
PLAN_AHEAD_MONTHS = (6, 7, 8)


def creatable_years(today: date | None = None) -> list[int]:
    """School years a roadmap may be created for: the current one, and in summer the next one too."""
    today = today or timezone.localdate()
    current = school_year_of(today)
    return [current, current + 1] if today.month in PLAN_AHEAD_MONTHS else [current]


STAGE_FIELDS = ("start_date", "end_date", "activities", "documents", "responsible")


def roadmap_is_editable(roadmap: SchoolRoadmap | None) -> bool:
    return roadmap is None or roadmap.status in EDITABLE_STATUSES


@transaction.atomic
def create_roadmap(
    *,
    school: School,
    school_year: int,
    start_date: date,
    end_date: date | None = None,
    pairs_order_date: date | None = None,
    acting_user: User,
) -> SchoolRoadmap:
    """«Создать дорожную карту»: a draft with the seven stages of the template."""
    if school_year not in creatable_years():
        raise RoadmapError(_("Дорожная карта создаётся на текущий учебный год (летом — и на следующий)."))
    end_date = end_date or default_end_date(school_year)
    check_plan(school_year, start_date, end_date, pairs_order_date)
    if SchoolRoadmap.objects.filter(school=school, school_year=school_year).exists():
        raise RoadmapError(
            _("Дорожная карта на %(year)s учебный год уже есть.") % {"year": school_year_label(school_year)}
        )
    roadmap = SchoolRoadmap.objects.create(school=school, school_year=school_year)
    dates = plan_dates(start_date, end_date, pairs_order_date)
    RoadmapStage.objects.bulk_create(
        [
            RoadmapStage(
                roadmap=roadmap,
                code=stage.code,
                order=number,
                title=str(stage.title),
                start_date=dates[stage.code][0],
                end_date=dates[stage.code][1],
                activities=str(stage.activities),
                documents=str(stage.documents),
                responsible=str(stage.responsible),
            )
            for number, stage in enumerate(STAGES, 1)
        ]
    )
    return roadmap


def _locked_roadmap(pk: int) -> SchoolRoadmap:
    return SchoolRoadmap.objects.select_for_update().get(pk=pk)


@transaction.atomic
def update_stage(*, stage: RoadmapStage, fields: Mapping[str, object], acting_user: User) -> RoadmapStage:
    """The plan of a stage changes only while the roadmap is a draft or returned."""
    roadmap = _locked_roadmap(stage.roadmap_id)
    if not roadmap_is_editable(roadmap):
        raise RoadmapError(
            _("Дорожная карта отправлена на утверждение или утверждена — изменить этапы нельзя.")
        )
    for name in STAGE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(stage, name, value.strip() if isinstance(value, str) else value)
    first, last = school_year_bounds(roadmap.school_year)
    if stage.end_date < stage.start_date:
        raise RoadmapError({"end_date": [_("Окончание этапа не может быть раньше начала.")]})
    if not (first <= stage.start_date and stage.end_date <= last):
        raise RoadmapError(
            {
                "start_date": [
                    _("Сроки этапа должны укладываться в %(year)s учебный год.")
                    % {"year": school_year_label(roadmap.school_year)}
                ]
            }
        )
    if not stage.activities:
        raise RoadmapError({"activities": [_("Перечислите мероприятия этапа.")]})
    stage.save()
    return stage


@transaction.atomic
def mark_stage(*, stage: RoadmapStage, status: str, acting_user: User) -> RoadmapStage:
    """The curator's mark of execution, for stages the data cannot judge; allowed in any status."""
    if stage.code in COMPUTED_CODES:
        raise RoadmapError(_("Статус этого этапа определяется по данным системы и вручную не меняется."))
    if status not in StageStatus.values:
        raise RoadmapError(_("Неизвестная отметка о выполнении."))
    _locked_roadmap(stage.roadmap_id)
    stage.manual_status = status
    stage.save(update_fields=["manual_status"])
    return stage


@transaction.atomic
def submit_roadmap(*, roadmap: SchoolRoadmap, acting_user: User) -> SchoolRoadmap:
    """Send the roadmap to the director; it cannot change while the director decides."""
    roadmap = _locked_roadmap(roadmap.pk)
    if roadmap.status not in EDITABLE_STATUSES:
        raise RoadmapError(_("Дорожная карта уже отправлена на утверждение или утверждена."))
    roadmap.status = RoadmapStatus.SUBMITTED
    roadmap.submitted_at = timezone.now()
    roadmap.save(update_fields=["status", "submitted_at"])
    return roadmap


@transaction.atomic
def decide_roadmap(
    *, roadmap: SchoolRoadmap, approve: bool, comment: str = "", acting_user: User
) -> SchoolRoadmap:
    """The director approves the roadmap or returns it to the curator with a comment."""
    roadmap = _locked_roadmap(roadmap.pk)
    if roadmap.status != RoadmapStatus.SUBMITTED:
        raise RoadmapError(_("Решение принимается только по дорожной карте, отправленной на утверждение."))
    comment = comment.strip()
    if not approve and not comment:
        raise RoadmapError(
            {"comment": [_("Напишите, что нужно исправить: без комментария дорожную карту не вернуть.")]}
        )
    roadmap.status = RoadmapStatus.APPROVED if approve else RoadmapStatus.RETURNED
    roadmap.decided_by = acting_user
    roadmap.decided_at = timezone.now()
    roadmap.director_comment = comment
    roadmap.save(update_fields=["status", "decided_by", "decided_at", "director_comment"])
    audit.record(audit.Action.APPROVE if approve else audit.Action.RETURN, obj=roadmap, actor=acting_user)
    return roadmap


# --- What the data says ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signals:
    """Facts of the school year the computed statuses rest on (three aggregate queries)."""

    mentee_base_confirmed: bool
    diagnostics_filled: bool
    registry_approved: bool
    registry_exists: bool
    has_mentors: bool
    needs_mentor: int | None  # None: the mentee base is known for the current school year only
    pairs: int  # pairs that worked in the school year, any status
    unfixed: int  # open, but not yet fixed by order (draft, consents collected)
    fixed_or_active: int
    active: int
    completed: int


UNFIXED = (PairStatus.DRAFT, PairStatus.CONSENTS)
FIXED_OR_ACTIVE = (PairStatus.FIXED, PairStatus.ACTIVE)


def roadmap_signals(school_id: int, school_year: int, today: date | None = None) -> Signals:
    """One query for the bases, one for the pairs, one for the mentee base (current year only).

    A pair belongs to the school year when it overlaps it: started before its end and not ended
    before its beginning.
    """
    today = today or timezone.localdate()
    first, last = school_year_bounds(school_year)
    bases = (
        School.objects.filter(pk=school_id)
        .annotate(
            confirmed=Exists(
                MenteeBaseConfirmation.objects.filter(school=OuterRef("pk"), school_year=school_year)
            ),
            diagnostics=Exists(
                DifficultyAssessment.objects.filter(school=OuterRef("pk"), school_year=school_year)
            ),
            registry_approved=Exists(
                MentorRegistry.objects.filter(
                    school=OuterRef("pk"), school_year=school_year, status=MentorRegistry.Status.APPROVED
                )
            ),
            registry_exists=Exists(
                MentorRegistry.objects.filter(school=OuterRef("pk"), school_year=school_year)
            ),
            mentors=Exists(MentorProfile.objects.filter(school=OuterRef("pk"))),
        )
        .values("confirmed", "diagnostics", "registry_approved", "registry_exists", "mentors")
        .get()
    )
    pairs = (
        MentoringPair.objects.filter(school_id=school_id, start_date__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .aggregate(
            total=Count("pk"),
            unfixed=Count("pk", filter=Q(status__in=UNFIXED)),
            fixed_or_active=Count("pk", filter=Q(status__in=FIXED_OR_ACTIVE)),
            active=Count("pk", filter=Q(status=PairStatus.ACTIVE)),
            completed=Count("pk", filter=Q(status=PairStatus.COMPLETED)),
        )
    )
    needs_mentor = None
    if school_year == school_year_of(today):
        needs_mentor = mentee_base_counts(mentee_base_rules(today)).needs_mentor
    return Signals(
        mentee_base_confirmed=bases["confirmed"],
        diagnostics_filled=bases["diagnostics"],
        registry_approved=bases["registry_approved"],
        registry_exists=bases["registry_exists"],
        has_mentors=bases["mentors"],
        needs_mentor=needs_mentor,
        pairs=pairs["total"],
        unfixed=pairs["unfixed"],
        fixed_or_active=pairs["fixed_or_active"],
        active=pairs["active"],
        completed=pairs["completed"],
    )


RULES: dict[str, Promise] = {
    MENTEE_BASE: gettext_lazy(
        "Выполнен, когда куратор подтвердил базу наставляемых на этот учебный год; выполняется, "
        "когда начата диагностика затруднений."
    ),
    MENTOR_BASE: gettext_lazy(
        "Выполнен, когда руководитель утвердил реестр наставников на этот учебный год; выполняется, "
        "когда в базе есть хотя бы один наставник."
    ),
    PAIRS: gettext_lazy(
        "Выполнен, когда никто в базе наставляемых не ждёт наставника и все открытые пары закреплены "
        "приказом; выполняется, когда пары уже составляются."
    ),
    PAIR_WORK: gettext_lazy(
        "Выполняется, пока работает хотя бы одна пара; выполнен, когда работающих пар не осталось и "
        "есть завершённые."
    ),
}
MANUAL_NOTE: dict[str, Promise] = {
    COMPLETION: gettext_lazy("Отмечается вручную, пока в системе нет итоговых анкет и отчёта."),
}
MANUAL_RULE = gettext_lazy("Отмечается куратором вручную.")


def computed_status(code: str, s: Signals) -> str:
    """The status the data proves for a computed stage (see ``RULES`` for the wording users read)."""
    if code == MENTEE_BASE:
        if s.mentee_base_confirmed:
            return StageStatus.DONE
        return StageStatus.IN_PROGRESS if s.diagnostics_filled else StageStatus.NOT_STARTED
    if code == MENTOR_BASE:
        if s.registry_approved:
            return StageStatus.DONE
        return StageStatus.IN_PROGRESS if s.has_mentors or s.registry_exists else StageStatus.NOT_STARTED
    if code == PAIRS:
        nobody_waits = s.needs_mentor is None or s.needs_mentor == 0
        if nobody_waits and s.unfixed == 0 and s.fixed_or_active + s.completed > 0:
            return StageStatus.DONE
        return StageStatus.IN_PROGRESS if s.pairs else StageStatus.NOT_STARTED
    if code == PAIR_WORK:
        if s.active:
            return StageStatus.IN_PROGRESS
        return StageStatus.DONE if s.completed else StageStatus.NOT_STARTED
    raise ValueError(code)


@dataclass(frozen=True)
class StageView:
    stage: RoadmapStage
    status: str
    computed: bool
    rule: str
    note: str = ""

    @property
    def status_label(self) -> str:
        return str(StageStatus(self.status).label)


def stage_views(stages: list[RoadmapStage], signals: Signals) -> list[StageView]:
    views = []
    for stage in stages:
        if stage.code in COMPUTED_CODES:
            views.append(StageView(stage, computed_status(stage.code, signals), True, str(RULES[stage.code])))
        else:
            note = MANUAL_NOTE.get(stage.code, "")
            views.append(StageView(stage, stage.manual_status, False, str(MANUAL_RULE), str(note)))
    return views


# --- The five phases of the school model -----------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    code: str
    label: Promise
    rule: Promise


PHASES: tuple[Phase, ...] = (
    Phase(
        "preparatory",
        gettext_lazy("подготовительный"),
        gettext_lazy("Этапы 1–3 (условия, базы наставляемых и наставников) ещё не все выполнены."),
    ),
    Phase(
        "design",
        gettext_lazy("проектировочный"),
        gettext_lazy(
            "Этапы 1–3 выполнены, идёт отбор и обучение наставников (этап 4), пары ещё не закреплены приказом."
        ),
    ),
    Phase(
        "realisation",
        gettext_lazy("реализационный"),
        gettext_lazy("Есть пары, закреплённые приказом или уже работающие."),
    ),
    Phase(
        "reflective",
        gettext_lazy("рефлексивно-аналитический"),
        gettext_lazy("Наступил последний месяц периода или начато завершение программы (этап 7)."),
    ),
    Phase(
        "resultative",
        gettext_lazy("результативный"),
        gettext_lazy("Завершение программы (этап 7) отмечено как выполненное."),
    ),
)
PHASE_BY_CODE = {p.code: p for p in PHASES}


def current_phase(views: list[StageView], signals: Signals, today: date) -> Phase:
    """The most advanced phase whose rule holds: real pairs outrank unfinished paperwork."""
    status = {v.stage.code: v.status for v in views}
    completion = next((v.stage for v in views if v.stage.code == COMPLETION), None)
    if status.get(COMPLETION) == StageStatus.DONE:
        return PHASE_BY_CODE["resultative"]
    final_month = completion is not None and today >= completion.start_date
    if status.get(COMPLETION) == StageStatus.IN_PROGRESS or final_month:
        return PHASE_BY_CODE["reflective"]
    if signals.fixed_or_active:
        return PHASE_BY_CODE["realisation"]
    if all(status.get(code) == StageStatus.DONE for code in (CONDITIONS, MENTEE_BASE, MENTOR_BASE)):
        return PHASE_BY_CODE["design"]
    return PHASE_BY_CODE["preparatory"]


@dataclass(frozen=True)
class RoadmapPage:
    roadmap: SchoolRoadmap
    stages: list[StageView]
    signals: Signals
    phase: Phase


def roadmap_of_year(school_year: int) -> SchoolRoadmap | None:
    return SchoolRoadmap.objects.filter(school_year=school_year).select_related("decided_by").first()


def roadmap_years() -> list[int]:
    return list(SchoolRoadmap.objects.order_by("-school_year").values_list("school_year", flat=True))


def roadmap_page(roadmap: SchoolRoadmap, today: date | None = None) -> RoadmapPage:
    """The stages with their statuses and the phase: five queries however much data the school has."""
    today = today or timezone.localdate()
    stages = list(RoadmapStage.objects.filter(roadmap=roadmap).order_by("order"))
    signals = roadmap_signals(roadmap.school_id, roadmap.school_year, today)
    views = stage_views(stages, signals)
    return RoadmapPage(
        roadmap=roadmap, stages=views, signals=signals, phase=current_phase(views, signals, today)
    )
