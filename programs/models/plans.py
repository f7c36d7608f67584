"""The work of a pair during the year and the school's plan around it.

- ``PersonalizedProgram``: the pair's program (3–12 months) with its plan of activities, its change
  history (extensions and corrections by mutual consent) and the final reports;
- ``ProgramTemplate``: the library of typical programs a curator starts from;
- ``JournalEntry``: what mentors and mentees log against the plan;
- ``IndividualRoute``: a teacher's individual educational route (ИОМ, 4–5 years, 7 steps);
- ``SchoolRoadmap``: the school's 7-stage roadmap of the target model;
- ``Notification``: in-app reminders, one per event and user.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models.mentoring import DifficultyArea, EndReason, MentoringForm, MentoringPair, RoleModel
from schools.audit_queryset import AuditedManager
from schools.models import School, Staff
from schools.tenancy import SchoolScopedManager


class ActivityType(models.TextChoices):
    MEETING = "meeting", _("встреча")
    CONSULTATION = "consultation", _("консультация")
    LESSON_VISIT = "lesson_visit", _("посещение урока")
    MUTUAL_VISIT = "mutual_visit", _("взаимопосещение")
    OPEN_LESSON = "open_lesson", _("открытый урок")
    SEMINAR = "seminar", _("семинар")
    COURSE = "course", _("курсы")
    COMPETITION = "competition", _("конкурс")
    PROJECT = "project", _("проект")
    OTHER = "other", _("другое")


class ResponsibleRole(models.TextChoices):
    MENTOR = "mentor", _("наставник")
    MENTEE = "mentee", _("наставляемый")
    BOTH = "both", _("наставник и наставляемый")
    CURATOR = "curator", _("куратор")


# --- Program templates (global library) ----------------------------------------------------------


class ProgramTemplate(models.Model):
    """A typical program for a form and role model; «создать по шаблону» copies it into a pair's program."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    title = models.CharField(_("название"), max_length=300)
    form = models.ForeignKey(
        MentoringForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("форма")
    )
    role_model = models.ForeignKey(
        RoleModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ролевая модель"),
    )
    situation = models.TextField(_("для какой ситуации"))
    goal = models.TextField(_("цель"))
    expected_results = models.TextField(_("ожидаемые результаты"))
    directions = models.TextField(_("направления работы"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("срок, месяцев"), default=9)
    is_active = models.BooleanField(_("используется"), default=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("шаблон программы")
        verbose_name_plural = _("шаблоны программ")
        ordering = ["order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gte=3, duration_months__lte=12), name="template_duration_3_to_12"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgramTemplateActivity(models.Model):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    title = models.CharField(_("мероприятие"), max_length=300)
    activity_type = models.CharField(_("вид"), max_length=16, choices=ActivityType.choices)
    month = models.PositiveSmallIntegerField(_("месяц программы"), help_text=_("1 — первый месяц"))
    area = models.ForeignKey(
        DifficultyArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible = models.CharField(_("ответственный"), max_length=16, choices=ResponsibleRole.choices)
    expected_product = models.CharField(_("ожидаемый продукт"), max_length=300, blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("мероприятие шаблона")
        verbose_name_plural = _("мероприятия шаблона")
        ordering = ["template", "month", "order"]

    def __str__(self) -> str:
        return self.title


# --- Personalised programs -----------------------------------------------------------------------


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    APPROVED = "approved", _("утверждена")
    IN_PROGRESS = "in_progress", _("реализуется")
    COMPLETED = "completed", _("выполнена")
    ENDED_EARLY = "ended_early", _("прекращена досрочно")


class PersonalizedProgram(models.Model):
    """Персонализированная программа наставничества of one pair or group (3 to 12 months)."""

    MIN_MONTHS, MAX_MONTHS = 3, 12

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="programs")
    pair = models.OneToOneField(MentoringPair, on_delete=models.CASCADE, related_name="program")
    template = models.ForeignKey(
        ProgramTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("шаблон"),
    )
    title = models.CharField(_("название"), max_length=300)
    goal = models.TextField(_("цель"))
    expected_results = models.TextField(_("ожидаемые результаты"))
    directions = models.TextField(_("направления работы"), blank=True)
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    status = models.CharField(
        _("статус"), max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("утверждена"), null=True, blank=True)
    ended_on = models.DateField(_("дата окончания"), null=True, blank=True)
    end_reason = models.CharField(
        _("причина прекращения"), max_length=32, choices=EndReason.choices, blank=True
    )
    end_comment = models.TextField(_("комментарий"), blank=True)
    mentor_report = models.TextField(_("отчёт наставника"), blank=True)
    mentee_reflection = models.TextField(_("рефлексия наставляемого"), blank=True)
    is_best_practice = models.BooleanField(_("лучшая практика"), default=False)
    best_practice_summary = models.TextField(
        _("описание практики для публикации"),
        blank=True,
        help_text=_("Без персональных данных, кроме ФИО и должностей"),
    )
    best_practice_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    best_practice_marked_at = models.DateTimeField(_("отмечена"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("персонализированная программа")
        verbose_name_plural = _("персонализированные программы")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["status", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="program_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProgramStatus.ENDED_EARLY) | ~Q(end_reason=""),
                name="program_ended_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("продление срока")
    CORRECTION = "correction", _("корректировка плана")
    STATUS = "status", _("смена статуса")


class ProgramChange(models.Model):
    """One recorded change of a program: who, when, why — the history users see."""

    program = models.ForeignKey(PersonalizedProgram, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("вид изменения"), max_length=16, choices=ChangeKind.choices)
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("основание"), blank=True)
    description = models.TextField(_("что изменено"))
    old_end_date = models.DateField(_("прежний срок"), null=True, blank=True)
    new_end_date = models.DateField(_("новый срок"), null=True, blank=True)
    agreed_by_both = models.BooleanField(_("по взаимному согласию наставника и наставляемого"), default=False)

    objects = SchoolScopedManager("program__school")

    class Meta:
        verbose_name = _("изменение программы")
        verbose_name_plural = _("история программы")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.description


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    DONE = "done", _("выполнено")
    CANCELLED = "cancelled", _("отменено")


def evidence_path(instance: PlanActivity, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"schools/{instance.program.school_id}/evidence/{uuid.uuid4().hex}.{suffix}"


class PlanActivity(models.Model):
    """A line of the program's plan; its evidence is the «педагогический продукт»."""

    program = models.ForeignKey(PersonalizedProgram, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    title = models.CharField(_("мероприятие"), max_length=300)
    activity_type = models.CharField(_("вид"), max_length=16, choices=ActivityType.choices)
    due_date = models.DateField(_("срок"))
    responsible = models.CharField(_("ответственный"), max_length=16, choices=ResponsibleRole.choices)
    area = models.ForeignKey(
        DifficultyArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("область"),
    )
    status = models.CharField(
        _("статус"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    done_on = models.DateField(_("выполнено"), null=True, blank=True)
    evidence_note = models.TextField(_("результат, продукт"), blank=True)
    evidence_link = models.URLField(_("ссылка"), blank=True)
    evidence_file = models.FileField(_("файл"), upload_to=evidence_path, blank=True)

    objects = SchoolScopedManager("program__school")

    class Meta:
        verbose_name = _("мероприятие плана")
        verbose_name_plural = _("план мероприятий")
        ordering = ["due_date", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title


# --- Journal -------------------------------------------------------------------------------------


class JournalEntry(models.Model):
    """A meeting or other work of the pair, logged by the mentor or the mentee (optionally against the plan)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="journal_entries")
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="journal")
    activity = models.ForeignKey(
        PlanActivity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal",
        verbose_name=_("по плану"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    date = models.DateField(_("дата"))
    topic = models.CharField(_("тема"), max_length=300)
    content = models.TextField(_("содержание"))
    result = models.TextField(_("результат"), blank=True)
    assignment = models.TextField(_("задание к следующей встрече"), blank=True)
    created_at = models.DateTimeField(_("записано"), auto_now_add=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("запись журнала")
        verbose_name_plural = _("журнал пары")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pair", "date"])]

    def __str__(self) -> str:
        return self.topic


def journal_file_path(instance: JournalAttachment, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"schools/{instance.entry.school_id}/journal/{uuid.uuid4().hex}.{suffix}"


class JournalAttachment(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("файл"), upload_to=journal_file_path)
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveIntegerField(_("размер, байт"))
    content_type = models.CharField(_("тип"), max_length=100)

    objects = SchoolScopedManager("entry__school")

    class Meta:
        verbose_name = _("вложение")
        verbose_name_plural = _("вложения")

    def __str__(self) -> str:
        return self.original_name


# --- Individual educational route (ИОМ) ----------------------------------------------------------


class RouteStatus(models.TextChoices):
    DRAFT = "draft", _("составляется")
    ACTIVE = "active", _("реализуется")
    COMPLETED = "completed", _("завершён")


class IndividualRoute(models.Model):
    """ИОМ of a teacher for 4–5 years: steps 1–3 live here, steps 4–7 in the related rows."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="routes")
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="routes", verbose_name=_("педагог")
    )
    start_year = models.PositiveSmallIntegerField(_("с учебного года"))
    end_year = models.PositiveSmallIntegerField(_("по учебный год"))
    status = models.CharField(
        _("статус"), max_length=16, choices=RouteStatus.choices, default=RouteStatus.DRAFT
    )
    desired_image = models.TextField(_("1. Желаемый профессиональный образ"), blank=True)
    strengths = models.TextField(_("2. Сильные стороны, достижения, ресурсы"), blank=True)
    difficulties = models.JSONField(
        _("3. Затруднения по областям"),
        default=dict,
        blank=True,
        help_text=_("Из диагностики: код области → уровень"),
    )
    difficulties_comment = models.TextField(_("3. Комментарий к затруднениям"), blank=True)
    tutor_name = models.CharField(_("тьютор (внешний участник)"), max_length=300, blank=True)
    tutor_organization = models.CharField(_("организация тьютора"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("индивидуальный образовательный маршрут")
        verbose_name_plural = _("индивидуальные образовательные маршруты")
        ordering = ["-start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year") + 3)
                & Q(end_year__lte=models.F("start_year") + 4),
                name="route_lasts_4_to_5_years",
            )
        ]

    def __str__(self) -> str:
        return _("ИОМ: %(name)s") % {"name": self.staff.full_name}


class MeasureKind(models.TextChoices):
    COURSE = "course", _("обучение по программе ДПО")
    TRIAL = "trial", _("пробное (инновационное) действие")
    PROJECT = "project", _("проект, исследование")
    MEASURE = "measure", _("мероприятие")


def route_product_path(instance: RouteMeasure, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"schools/{instance.route.school_id}/routes/{uuid.uuid4().hex}.{suffix}"


class RouteMeasure(models.Model):
    """Steps 4–5: a measure of the route's roadmap and, once realised, its pedagogical product."""

    route = models.ForeignKey(IndividualRoute, on_delete=models.CASCADE, related_name="measures")
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    kind = models.CharField(_("вид"), max_length=16, choices=MeasureKind.choices)
    title = models.CharField(_("мероприятие"), max_length=300)
    area = models.ForeignKey(
        DifficultyArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("дефицит"),
    )
    due_date = models.DateField(_("срок"), null=True, blank=True)
    status = models.CharField(
        _("статус"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    product = models.TextField(_("педагогический продукт"), blank=True)
    product_file = models.FileField(_("файл продукта"), upload_to=route_product_path, blank=True)

    objects = SchoolScopedManager("route__school")

    class Meta:
        verbose_name = _("мероприятие маршрута")
        verbose_name_plural = _("дорожная карта маршрута")
        ordering = ["school_year", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class RouteCorrection(models.Model):
    """Step 6: a correction of the route while it is realised."""

    route = models.ForeignKey(IndividualRoute, on_delete=models.CASCADE, related_name="corrections")
    date = models.DateField(_("дата"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    description = models.TextField(_("что изменено и почему"))

    objects = SchoolScopedManager("route__school")

    class Meta:
        verbose_name = _("корректировка маршрута")
        verbose_name_plural = _("корректировки маршрута")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class RouteReflection(models.Model):
    """Step 7: the teacher's reflective analysis for one deficit."""

    route = models.ForeignKey(IndividualRoute, on_delete=models.CASCADE, related_name="reflections")
    area = models.ForeignKey(
        DifficultyArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("дефицит")
    )
    text = models.TextField(_("рефлексивный анализ"))
    level_after = models.PositiveSmallIntegerField(
        _("уровень затруднений после"), null=True, blank=True, choices=[(i, str(i)) for i in range(4)]
    )

    objects = SchoolScopedManager("route__school")

    class Meta:
        verbose_name = _("рефлексия по дефициту")
        verbose_name_plural = _("рефлексия по дефицитам")
        constraints = [
            models.UniqueConstraint(fields=["route", "area"], name="route_reflection_one_per_area")
        ]

    def __str__(self) -> str:
        return str(self.area)


# --- School roadmap ------------------------------------------------------------------------------


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("на утверждении")
    APPROVED = "approved", _("утверждена")
    RETURNED = "returned", _("возвращена на доработку")


class SchoolRoadmap(models.Model):
    """Дорожная карта внедрения целевой модели in a school, for a school year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="roadmaps")
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    status = models.CharField(
        _("статус"), max_length=16, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("отправлена на утверждение"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    director_comment = models.TextField(_("комментарий руководителя"), blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("дорожная карта")
        verbose_name_plural = _("дорожные карты")
        constraints = [models.UniqueConstraint(fields=["school", "school_year"], name="roadmap_one_per_year")]

    def __str__(self) -> str:
        return _("Дорожная карта %(year)s/%(next)s") % {
            "year": self.school_year,
            "next": self.school_year + 1,
        }


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("не начат")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнен")


class RoadmapStage(models.Model):
    """One of the 7 stages; ``code`` says which, so stages with data-backed status can be computed."""

    roadmap = models.ForeignKey(SchoolRoadmap, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("код этапа"), max_length=32)
    order = models.PositiveSmallIntegerField(_("номер"))
    title = models.CharField(_("этап"), max_length=300)
    start_date = models.DateField(_("начало"))
    end_date = models.DateField(_("окончание"))
    activities = models.TextField(_("мероприятия"))
    documents = models.TextField(_("документы"), blank=True)
    responsible = models.CharField(_("ответственный"), max_length=200, blank=True)
    manual_status = models.CharField(
        _("отметка о выполнении"), max_length=16, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )

    objects = SchoolScopedManager("roadmap__school")

    class Meta:
        verbose_name = _("этап дорожной карты")
        verbose_name_plural = _("этапы дорожной карты")
        ordering = ["roadmap", "order"]
        constraints = [models.UniqueConstraint(fields=["roadmap", "code"], name="roadmap_stage_once")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


# --- Notifications -------------------------------------------------------------------------------


class Notification(models.Model):
    """An in-app reminder. ``event_key`` names the event, so a re-run never notifies twice."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("вид"), max_length=32)
    event_key = models.CharField(_("событие"), max_length=200)
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст"), blank=True)
    url = models.CharField(_("ссылка"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("отправлено по e-mail"), null=True, blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-pk"]
        # The reminder job looks events up by key across users; the badge counts a user's unread ones.
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["event_key"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notification_once_per_event")
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice of reminder channels (in-app reminders are always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("дублировать напоминания на e-mail"), default=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("настройки уведомлений")
        verbose_name_plural = _("настройки уведомлений")

    def __str__(self) -> str:
        return str(self.user)


__all__ = [
    "ActivityStatus",
    "ActivityType",
    "ChangeKind",
    "IndividualRoute",
    "JournalAttachment",
    "JournalEntry",
    "MeasureKind",
    "Notification",
    "NotificationPreference",
    "PersonalizedProgram",
    "PlanActivity",
    "ProgramChange",
    "ProgramStatus",
    "ProgramTemplate",
    "ProgramTemplateActivity",
    "ResponsibleRole",
    "RoadmapStage",
    "RoadmapStatus",
    "RouteCorrection",
    "RouteMeasure",
    "RouteReflection",
    "RouteStatus",
    "SchoolRoadmap",
    "StageStatus",
    "evidence_path",
    "journal_file_path",
    "route_product_path",
]
