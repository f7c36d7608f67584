"""Mentoring in a school: catalogs, participants, diagnostics, the mentor base, pairs and consents.

A *participant* is one person of the school's registries (a staff member, a student or a partner's
representative) taking part in mentoring; pairs, consents and mentor profiles point to it, so every
later feature (programs, journal, surveys, personal-data export) reaches a person the same way.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.audit_queryset import AuditedManager
from schools.models import PartnerRepresentative, School, Staff, Student
from schools.tenancy import SchoolScopedManager

# --- Catalogs (global, seeded by a data migration, extended by platform administrators) ----------


class CatalogEntry(models.Model):
    code = models.SlugField(_("код"), max_length=48, unique=True)
    name = models.CharField(_("название"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    objects = AuditedManager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("педагог")
    STUDENT = "student", _("обучающийся")
    PARTNER = "partner", _("представитель партнёра")


class MentoringForm(CatalogEntry):
    """Форма наставничества: who mentors whom («учитель–учитель», «работодатель–ученик», …)."""

    mentor_kind = models.CharField(_("кто наставник"), max_length=16, choices=ParticipantKind.choices)
    mentee_kind = models.CharField(_("кто наставляемый"), max_length=16, choices=ParticipantKind.choices)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("форма наставничества")
        verbose_name_plural = _("формы наставничества")


class RoleModel(CatalogEntry):
    """Ролевая модель within a form («опытный педагог – молодой специалист», …)."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("ролевая модель")
        verbose_name_plural = _("ролевые модели")


class MentoringKind(CatalogEntry):
    """Вид наставничества: traditional, group, virtual, reverse, situational, speed, short-term, network."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("вид наставничества")
        verbose_name_plural = _("виды наставничества")


class DifficultyArea(CatalogEntry):
    """One of the areas of professional difficulties, used by diagnostics, competencies and plans."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("область затруднений")
        verbose_name_plural = _("области затруднений")


# --- Participants --------------------------------------------------------------------------------


class Participant(models.Model):
    """A person of the school's registries who takes part in mentoring (exactly one of three links)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("кто"), max_length=16, choices=ParticipantKind.choices)
    staff = models.OneToOneField(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )
    student = models.OneToOneField(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )
    partner_representative = models.OneToOneField(
        PartnerRepresentative, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("участник наставничества")
        verbose_name_plural = _("участники наставничества")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ParticipantKind.STAFF,
                        staff__isnull=False,
                        student__isnull=True,
                        partner_representative__isnull=True,
                    )
                    | Q(
                        kind=ParticipantKind.STUDENT,
                        staff__isnull=True,
                        student__isnull=False,
                        partner_representative__isnull=True,
                    )
                    | Q(
                        kind=ParticipantKind.PARTNER,
                        staff__isnull=True,
                        student__isnull=True,
                        partner_representative__isnull=False,
                    )
                ),
                name="participant_exactly_one_person",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def person(self) -> Staff | Student | PartnerRepresentative:
        return self.staff or self.student or self.partner_representative

    @property
    def full_name(self) -> str:
        return self.person.full_name

    @property
    def description(self) -> str:
        """Position, class or organisation — what tells two namesakes apart in a list."""
        if self.staff_id:
            return self.staff.position
        if self.student_id:
            return _("обучающийся %(grade)s") % {"grade": self.student.grade}
        rep = self.partner_representative
        return f"{rep.position}, {rep.organization}" if rep.position else str(rep.organization)

    @property
    def user_id_of_person(self) -> int | None:
        return getattr(self.person, "user_id", None)

    def needs_guardian_on(self, day: date) -> bool:
        return self.student_id is not None and self.student.is_minor_on(day)


PARTICIPANT_RELATED = ("staff", "student", "partner_representative__organization")


# --- Diagnostics of difficulties -----------------------------------------------------------------


class DifficultyLevel(models.IntegerChoices):
    NONE = 0, _("затруднений нет")
    LOW = 1, _("незначительные")
    MEDIUM = 2, _("существенные")
    HIGH = 3, _("значительные, нужна помощь")


class AssessmentSource(models.TextChoices):
    SELF = "self", _("самодиагностика")
    CURATOR = "curator", _("заполнено куратором")


class DifficultyAssessment(models.Model):
    """Самодиагностика затруднений (анализ потребностей, АПО) of one teacher in one school year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="difficulty_assessments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="difficulty_assessments")
    school_year = models.PositiveSmallIntegerField(
        _("учебный год"), help_text=_("Год начала: 2025 — это 2025/2026")
    )
    source = models.CharField(_("кто заполнил"), max_length=16, choices=AssessmentSource.choices)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filled_at = models.DateTimeField(_("заполнено"), auto_now=True)
    comment = models.TextField(_("комментарий"), blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("диагностика затруднений")
        verbose_name_plural = _("диагностики затруднений")
        constraints = [
            models.UniqueConstraint(fields=["staff", "school_year"], name="assessment_one_per_staff_and_year")
        ]
        indexes = [models.Index(fields=["school", "school_year"])]

    def __str__(self) -> str:
        return _("Диагностика: %(name)s, %(year)s/%(next)s") % {
            "name": self.staff.full_name,
            "year": self.school_year,
            "next": self.school_year + 1,
        }


class DifficultyRating(models.Model):
    assessment = models.ForeignKey(DifficultyAssessment, on_delete=models.CASCADE, related_name="ratings")
    area = models.ForeignKey(DifficultyArea, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("уровень затруднений"), choices=DifficultyLevel.choices)

    objects = SchoolScopedManager("assessment__school")

    class Meta:
        verbose_name = _("оценка по области")
        verbose_name_plural = _("оценки по областям")
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="rating_one_per_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_level_display()}"


class BurnoutNote(models.Model):
    """A psychologist's note that a teacher shows signs of professional burnout (a mentee category)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="burnout_notes")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="burnout_notes")
    noted_on = models.DateField(_("дата"))
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("комментарий"), blank=True)
    closed_on = models.DateField(_("снято"), null=True, blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("отметка о профессиональном выгорании")
        verbose_name_plural = _("отметки о профессиональном выгорании")
        indexes = [models.Index(fields=["school", "closed_on"])]

    def __str__(self) -> str:
        return _("Выгорание: %(name)s") % {"name": self.staff.full_name}


class MenteeBaseConfirmation(models.Model):
    """The curator's yearly confirmation of the list of those who need a mentor (roadmap stage 2)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mentee_base_confirmations")
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("подтверждено"), auto_now_add=True)
    people_count = models.PositiveIntegerField(_("человек в списке"))

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("подтверждение базы наставляемых")
        verbose_name_plural = _("подтверждения базы наставляемых")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return _("База наставляемых %(year)s/%(next)s") % {
            "year": self.school_year,
            "next": self.school_year + 1,
        }


# --- Mentor base ---------------------------------------------------------------------------------


class TrainingStatus(models.TextChoices):
    NONE = "none", _("не обучался(ась)")
    SCHOOL_OF_MENTORS = "school", _("«Школа наставников»")
    COURSE = "course", _("курс «Наставничество педагогических работников»")
    BOTH = "both", _("«Школа наставников» и курс повышения квалификации")


class MentorProfile(models.Model):
    """A volunteer in the school's mentor base, with what they can offer and how many they can take."""

    DEFAULT_CAPACITY = 2

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mentor_profiles")
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="mentor_profile")
    capacity = models.PositiveSmallIntegerField(
        _("сколько наставляемых одновременно"), default=DEFAULT_CAPACITY, help_text=_("От 1 до 10")
    )
    subjects = models.CharField(_("предметы"), max_length=300, blank=True)
    tags = models.CharField(
        _("метки"),
        max_length=300,
        blank=True,
        help_text=_("Через пробел, например: #цифровые_инструменты #ОГЭ"),
    )
    training_status = models.CharField(
        _("обучение наставников"), max_length=16, choices=TrainingStatus.choices, default=TrainingStatus.NONE
    )
    course_completed_on = models.DateField(_("дата окончания курса"), null=True, blank=True)
    portfolio = models.TextField(
        _("портфолио"), blank=True, help_text=_("Кратко: достижения, опыт, публикации")
    )
    questionnaire = models.JSONField(
        _("анкета «Чем я могу быть полезен как наставник»"), default=dict, blank=True
    )
    volunteered_on = models.DateField(_("дата включения в базу"), default=timezone.localdate)
    is_active = models.BooleanField(_("готов(а) принимать наставляемых"), default=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("наставник")
        verbose_name_plural = _("база наставников")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10), name="mentor_capacity_1_to_10"
            )
        ]

    def __str__(self) -> str:
        return str(self.participant)

    @property
    def tag_list(self) -> list[str]:
        return [t if t.startswith("#") else f"#{t}" for t in self.tags.split() if t.strip("#")]

    @property
    def is_trained(self) -> bool:
        return self.training_status != TrainingStatus.NONE


class MentorCompetency(models.Model):
    """How strong a mentor is in one difficulty area (what they can help with)."""

    profile = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="competencies")
    area = models.ForeignKey(DifficultyArea, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("уровень"), choices=[(1, _("базовый")), (2, _("уверенный")), (3, _("эксперт"))]
    )

    objects = SchoolScopedManager("profile__school")

    class Meta:
        verbose_name = _("компетенция наставника")
        verbose_name_plural = _("компетенции наставника")
        constraints = [models.UniqueConstraint(fields=["profile", "area"], name="competency_one_per_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_level_display()}"


class MentorRegistry(models.Model):
    """The school's mentor registry for a school year: the list the director approves."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SUBMITTED = "submitted", _("на утверждении")
        APPROVED = "approved", _("утверждён")
        RETURNED = "returned", _("возвращён на доработку")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mentor_registries")
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    mentors = models.ManyToManyField(MentorProfile, related_name="registries", blank=True)
    submitted_at = models.DateTimeField(_("отправлен на утверждение"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    director_comment = models.TextField(_("комментарий руководителя"), blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("реестр наставников")
        verbose_name_plural = _("реестры наставников")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="mentor_registry_one_per_year")
        ]

    def __str__(self) -> str:
        return _("Реестр наставников %(year)s/%(next)s") % {
            "year": self.school_year,
            "next": self.school_year + 1,
        }


# --- Pairs and groups ----------------------------------------------------------------------------


class PairStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    CONSENTS = "consents", _("согласия собраны")
    FIXED = "fixed", _("закреплена приказом")
    ACTIVE = "active", _("работает")
    COMPLETED = "completed", _("завершена")
    ENDED_EARLY = "ended_early", _("прекращена досрочно")


OPEN_PAIR_STATUSES = (PairStatus.DRAFT, PairStatus.CONSENTS, PairStatus.FIXED, PairStatus.ACTIVE)


class EndReason(models.TextChoices):
    MENTOR_REQUEST = "mentor_request", _("по просьбе наставника")
    MENTEE_REQUEST = "mentee_request", _("по просьбе наставляемого")
    MUTUAL = "mutual", _("по обоюдному решению")
    CURATOR = "curator", _("по решению куратора (программа не выполнялась)")
    DISMISSAL = "dismissal", _("увольнение")
    MOVED = "moved", _("переезд")
    MATERNITY = "maternity", _("отпуск по уходу за ребёнком")
    MISMATCH = "mismatch", _("пара не сложилась")
    STUDENT_LEFT = "student_left", _("обучающийся выбыл")
    OTHER = "other", _("другое")


class PairSource(models.TextChoices):
    MANUAL = "manual", _("вручную")
    MATCHING = "matching", _("подбор")
    IMPORT = "import", _("импорт")


class MentoringPair(models.Model):
    """Наставническая пара или группа: one mentor and one or more mentees (several = a group)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="pairs_as_mentor")
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
    kind = models.ForeignKey(MentoringKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("вид"))
    start_date = models.DateField(_("начало"))
    planned_end_date = models.DateField(_("плановое окончание"))
    is_network = models.BooleanField(
        _("сетевая"), default=False, help_text=_("Наставник из другой организации или организации-партнёра")
    )
    status = models.CharField(
        _("статус"), max_length=16, choices=PairStatus.choices, default=PairStatus.DRAFT
    )
    source = models.CharField(
        _("как создана"), max_length=16, choices=PairSource.choices, default=PairSource.MANUAL
    )
    order_number = models.CharField(_("номер приказа"), max_length=40, blank=True)
    order_date = models.DateField(_("дата приказа"), null=True, blank=True)
    ended_on = models.DateField(_("дата окончания"), null=True, blank=True)
    end_reason = models.CharField(
        _("причина прекращения"), max_length=32, choices=EndReason.choices, blank=True
    )
    end_comment = models.TextField(_("комментарий к окончанию"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("наставническая пара (группа)")
        verbose_name_plural = _("наставнические пары и группы")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["mentor", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gt=models.F("start_date")), name="pair_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=PairStatus.ENDED_EARLY) | ~Q(end_reason=""),
                name="pair_ended_early_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Пара № %(pk)s") % {"pk": self.pk}

    @property
    def is_group(self) -> bool:
        return len(self.mentee_links.all()) > 1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PAIR_STATUSES


class PairMentee(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="mentee_links")
    mentee = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="pair_links")

    objects = SchoolScopedManager("pair__school")

    class Meta:
        verbose_name = _("наставляемый в паре")
        verbose_name_plural = _("наставляемые в паре")
        constraints = [models.UniqueConstraint(fields=["pair", "mentee"], name="pair_mentee_once")]

    def __str__(self) -> str:
        return str(self.mentee)


class PairEvent(models.Model):
    """One step in a pair's history: a change of status, of mentees or of terms."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("было"), max_length=16, choices=PairStatus.choices, blank=True)
    to_status = models.CharField(_("стало"), max_length=16, choices=PairStatus.choices, blank=True)
    description = models.TextField(_("что изменилось"))

    objects = SchoolScopedManager("pair__school")

    class Meta:
        verbose_name = _("событие пары")
        verbose_name_plural = _("история пары")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.description


class PairRequest(models.Model):
    """A mentor's request to be released, or a mentee's request to replace the mentor."""

    class Kind(models.TextChoices):
        RELEASE = "release", _("наставник просит освободить его от наставничества")
        REPLACE = "replace", _("наставляемый просит заменить наставника")

    class Status(models.TextChoices):
        OPEN = "open", _("на рассмотрении")
        ACCEPTED = "accepted", _("удовлетворена")
        DECLINED = "declined", _("отклонена")

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("причина"))
    created_at = models.DateTimeField(_("подана"), auto_now_add=True)
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение"), null=True, blank=True)
    decision_comment = models.TextField(_("комментарий к решению"), blank=True)

    objects = SchoolScopedManager("pair__school")

    class Meta:
        verbose_name = _("заявление по паре")
        verbose_name_plural = _("заявления по парам")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- Consents ------------------------------------------------------------------------------------


class ConsentKind(models.TextChoices):
    MENTOR = "mentor", _("согласие на участие в качестве наставника")
    MENTEE = "mentee", _("согласие на участие в качестве наставляемого")
    PERSONAL_DATA = "personal_data", _("согласие на обработку персональных данных")


def consent_scan_path(instance: Consent, filename: str) -> str:
    """School-prefixed random path: a guessed or listed URL reveals nothing."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"schools/{instance.school_id}/consents/{uuid.uuid4().hex}.{suffix}"


class Consent(models.Model):
    """A written consent received from a participant (from the legal guardian for a minor student)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="consents")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("вид согласия"), max_length=16, choices=ConsentKind.choices)
    given_by_guardian = models.BooleanField(_("даёт законный представитель"), default=False)
    guardian_name = models.CharField(_("ФИО законного представителя"), max_length=300, blank=True)
    received_on = models.DateField(_("дата получения"))
    scan = models.FileField(_("скан"), upload_to=consent_scan_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("отмечено"), auto_now_add=True)
    withdrawn_on = models.DateField(_("отозвано"), null=True, blank=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("согласие")
        verbose_name_plural = _("согласия")
        indexes = [models.Index(fields=["participant", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_valid_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.participant}"


__all__ = [
    "OPEN_PAIR_STATUSES",
    "PARTICIPANT_RELATED",
    "AssessmentSource",
    "BurnoutNote",
    "CatalogEntry",
    "Consent",
    "ConsentKind",
    "DifficultyArea",
    "DifficultyAssessment",
    "DifficultyLevel",
    "DifficultyRating",
    "EndReason",
    "MenteeBaseConfirmation",
    "MentorCompetency",
    "MentorProfile",
    "MentorRegistry",
    "MentoringForm",
    "MentoringKind",
    "MentoringPair",
    "PairEvent",
    "PairMentee",
    "PairRequest",
    "PairSource",
    "PairStatus",
    "Participant",
    "ParticipantKind",
    "RoleModel",
    "TrainingStatus",
    "consent_scan_path",
]
