"""Tenants (region → municipality → school), people who log in, their roles, and school staff.

A school is the tenant. Every row that belongs to a school is read through
``schools.tenancy.SchoolScopedManager``; see docs/architecture.md.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from schools.audit_queryset import AuditedManager, AuditedQuerySet
from schools.tenancy import SchoolScopedManager


class Region(models.Model):
    """Субъект РФ: the regional contour sees all its municipalities."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=200)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """Муниципалитет: its education office runs municipal monitoring over its schools."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=200)
    office_name = models.CharField(
        _("орган управления образованием"),
        max_length=300,
        blank=True,
        help_text=_("Например, «Управление образования администрации города»"),
    )

    objects = AuditedManager()

    class Meta:
        verbose_name = _("муниципалитет")
        verbose_name_plural = _("муниципалитеты")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolKind(models.TextChoices):
    GENERAL = "general", _("Общеобразовательная организация (ОУ)")
    ADDITIONAL = "additional", _("Организация дополнительного образования (УДО)")
    VOCATIONAL = "vocational", _("Профессиональная образовательная организация (СПО)")

    @classmethod
    def short_label(cls, value: str) -> str:
        labels = {
            cls.GENERAL: pgettext("school kind, short", "ОУ"),
            cls.ADDITIONAL: pgettext("school kind, short", "УДО"),
            cls.VOCATIONAL: pgettext("school kind, short", "СПО"),
        }
        return labels.get(value, value)


class School(models.Model):
    """Образовательная организация — the tenant."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="schools")
    code = models.SlugField(_("код"), max_length=32, unique=True, help_text=_("Короткий код, латиницей"))
    kind = models.CharField(_("тип"), max_length=16, choices=SchoolKind.choices, default=SchoolKind.GENERAL)
    full_name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=200)
    district = models.CharField(_("район"), max_length=120, blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    director_name = models.CharField(_("ФИО руководителя"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)
    website = models.URLField(_("сайт"), blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    objects = SchoolScopedManager("pk")

    class Meta:
        verbose_name = _("образовательная организация")
        verbose_name_plural = _("образовательные организации")
        ordering = ["municipality_id", "short_name"]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.short_name

    @property
    def kind_short(self) -> str:
        return SchoolKind.short_label(self.kind)


class LoginUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    def get_by_login(self, login: str) -> User:
        """A user by username or, when the login contains «@», by e-mail (case-insensitive)."""
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(**{self.model.USERNAME_FIELD: login})


class User(AbstractUser):
    """A person who logs in. Names are stored the Russian way: фамилия, имя, отчество."""

    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = LoginUserManager()

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """«Иванова А. П.» — the form used in lists and signatures."""
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.patronymic) if p).strip()
        return f"{self.last_name} {initials}".strip() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Администратор платформы")
    REGIONAL_METHODIST = "regional_methodist", _("Региональный методист")
    MUNICIPAL_METHODIST = "municipal_methodist", _("Муниципальный методист")
    DIRECTOR = "director", _("Руководитель ОО")
    CURATOR = "curator", _("Куратор наставничества")
    PSYCHOLOGIST = "psychologist", _("Педагог-психолог")
    MENTOR = "mentor", _("Наставник")
    MENTEE = "mentee", _("Наставляемый")


SCHOOL_ROLES = frozenset({Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE})
# Roles that manage a school's mentoring (write access to its bases, pairs and documents).
SCHOOL_STAFF_ROLES = frozenset({Role.DIRECTOR, Role.CURATOR})
METHODIST_ROLES = frozenset({Role.MUNICIPAL_METHODIST, Role.REGIONAL_METHODIST})
# Role groups the views gate on (ordered tuples for role_required).
SCHOOL_MANAGERS = (Role.DIRECTOR, Role.CURATOR)
SCHOOL_READERS = (Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST)
PARTICIPANT_ROLES = (Role.MENTOR, Role.MENTEE)


class Membership(models.Model):
    """One role of one person in one place: a school, a municipality or a region.

    Platform administrators are users with ``is_superuser``; they need no membership row.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("роль"), max_length=32, choices=[c for c in Role.choices if c[0] != Role.ADMIN])
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(_("действует"), default=True)
    # Given by the pair lifecycle, not by hand (programs/services/network_mentors.py): the role
    # «Наставник» in the school of a network pair, removed when the mentor's last such pair ends.
    for_network_pairs = models.BooleanField(
        _("для сетевых пар"),
        default=False,
        help_text=_(
            "Роль наставника выдана автоматически по сетевой паре, закреплённой приказом; "
            "снимается, когда такие пары наставника в этой организации завершены"
        ),
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("роль пользователя")
        verbose_name_plural = _("роли пользователей")
        constraints = [
            # Exactly the place its role needs: a school role has a school, a methodist a territory.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(r.value for r in SCHOOL_ROLES),
                        school__isnull=False,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.MUNICIPAL_METHODIST,
                        school__isnull=True,
                        municipality__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.REGIONAL_METHODIST,
                        school__isnull=True,
                        municipality__isnull=True,
                        region__isnull=False,
                    )
                ),
                name="membership_place_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_unique_region",
            ),
        ]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.place})"

    @property
    def place(self) -> School | Municipality | Region | None:
        return self.school or self.municipality or self.region


class QualificationCategory(models.TextChoices):
    NONE = "none", _("без категории")
    CONFORMITY = "conformity", _("соответствие занимаемой должности")
    FIRST = "first", _("первая")
    HIGHEST = "highest", _("высшая")


class EmploymentStatus(models.TextChoices):
    WORKS = "works", _("работает")
    DISMISSED = "dismissed", _("уволен(а)")
    MATERNITY = "maternity", _("в отпуске по уходу за ребёнком")
    LONG_BREAK = "long_break", _("длительный перерыв в работе")


class Staff(models.Model):
    """Педагогический работник of a school — the base from which mentors and mentees are drawn."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_records"
    )
    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    position = models.CharField(_("должность"), max_length=200)
    subjects = models.CharField(_("предметы"), max_length=300, blank=True)
    hire_date = models.DateField(_("дата приёма в ОО"), null=True, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("педагогический стаж, лет"), default=0)
    birth_year = models.PositiveSmallIntegerField(_("год рождения"), null=True, blank=True)
    has_pedagogical_education = models.BooleanField(_("педагогическое образование"), default=True)
    qualification_category = models.CharField(
        _("квалификационная категория"),
        max_length=16,
        choices=QualificationCategory.choices,
        default=QualificationCategory.NONE,
    )
    employment_status = models.CharField(
        _("статус"), max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.WORKS
    )
    email = models.EmailField(_("e-mail"), blank=True)
    returned_after_break_on = models.DateField(
        _("вернулся(ась) после длительного перерыва"),
        null=True,
        blank=True,
        help_text=_("Дата выхода на работу после перерыва в педагогической деятельности"),
    )
    anonymised_on = models.DateField(
        _("обезличен(а)"),
        null=True,
        blank=True,
        help_text=_("Персональные данные заменены обозначением; строка хранится для показателей школы"),
    )

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("педагогический работник")
        verbose_name_plural = _("педагогические работники")
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [
            models.Index(fields=["school", "last_name"]),
            models.Index(fields=["school", "experience_years"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def is_young_specialist(self) -> bool:
        """Молодой специалист: pedagogical experience from 0 to 3 years inclusive."""
        return self.experience_years <= 3

    def is_under_35_on(self, day) -> bool:
        """«Молодой педагог до 35 лет», counted by birth year (the only age the registry keeps)."""
        return self.birth_year is not None and day.year - self.birth_year < 35

    def is_new_in_school_on(self, day) -> bool:
        """New in this school: hired less than a year before ``day``."""
        if self.hire_date is None:
            return False
        try:
            anniversary = self.hire_date.replace(year=self.hire_date.year + 1)
        except ValueError:  # 29 February
            anniversary = self.hire_date.replace(year=self.hire_date.year + 1, day=28)
        return self.hire_date <= day < anniversary


class Student(models.Model):
    """Обучающийся: a mentee in «ученик–ученик» / «учитель–ученик», or a mentor of a younger student.

    Minors take part only with a legal guardian's written consent, so the guardian is stored here.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="student_records"
    )
    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    birth_date = models.DateField(_("дата рождения"))
    grade = models.CharField(_("класс / группа"), max_length=20, help_text=_("Например, 7Б или ИСП-21"))
    guardian_name = models.CharField(_("ФИО законного представителя"), max_length=300, blank=True)
    guardian_phone = models.CharField(_("телефон законного представителя"), max_length=40, blank=True)
    guardian_email = models.EmailField(_("e-mail законного представителя"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("обучается"), default=True)
    anonymised_on = models.DateField(
        _("обезличен(а)"),
        null=True,
        blank=True,
        help_text=_("Персональные данные заменены обозначением; строка хранится для показателей школы"),
    )

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("обучающийся")
        verbose_name_plural = _("обучающиеся")
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [models.Index(fields=["school", "last_name"]), models.Index(fields=["school", "grade"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def age_on(self, day) -> int:
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)

    def is_minor_on(self, day) -> bool:
        return self.age_on(day) < 18

    @property
    def is_minor(self) -> bool:
        from django.utils import timezone

        return self.is_minor_on(timezone.localdate())


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("предприятие, организация")
    UNIVERSITY = "university", _("вуз")
    COLLEGE = "college", _("колледж, техникум")
    CULTURE = "culture", _("учреждение культуры, спорта")
    PUBLIC = "public", _("общественная организация")
    OTHER = "other", _("другое")


class PartnerOrganization(models.Model):
    """Партнёр школы: its people mentor in «работодатель–ученик», «педагог вуза–учитель» and similar forms."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("наименование"), max_length=300)
    kind = models.CharField(
        _("вид"), max_length=16, choices=PartnerKind.choices, default=PartnerKind.ENTERPRISE
    )
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    agreement = models.CharField(
        _("соглашение о сотрудничестве"),
        max_length=200,
        blank=True,
        help_text=_("Номер и дата, если заключено"),
    )

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("организация-партнёр")
        verbose_name_plural = _("организации-партнёры")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="partner_unique_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerRepresentative(models.Model):
    """A person of a partner organisation who can mentor (a master, an engineer, a lecturer)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partner_representatives")
    organization = models.ForeignKey(
        PartnerOrganization, on_delete=models.CASCADE, related_name="representatives"
    )
    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)
    anonymised_on = models.DateField(
        _("обезличен(а)"),
        null=True,
        blank=True,
        help_text=_("Персональные данные заменены обозначением; строка хранится для показателей школы"),
    )

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("представитель партнёра")
        verbose_name_plural = _("представители партнёров")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class JobState(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    RUNNING = "running", _("выполняется")
    RETRYING = "retrying", _("ждёт повтора")
    SUCCEEDED = "succeeded", _("выполнено")
    FAILED = "failed", _("ошибка")


class Job(models.Model):
    """One background job (a Celery task by its id): the log and the source of truth of the worker.

    Written by ``schools.jobs.JobTask``, the base of every task of the project: a row is created when
    the job is queued, claimed when a worker starts it and closed with its outcome. A second delivery
    of the same task id (late acknowledgement after a lost worker, a retry, the sweep) finds the row
    and never runs a finished job again. See docs/jobs.md.
    """

    task_id = models.CharField(_("идентификатор задачи"), max_length=64, unique=True)
    kind = models.CharField(_("вид"), max_length=150, db_index=True)
    state = models.CharField(_("состояние"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    args = models.JSONField(_("позиционные аргументы"), null=True, blank=True)
    kwargs = models.JSONField(_("именованные аргументы"), null=True, blank=True)
    args_hash = models.CharField(
        _("контрольная сумма аргументов"),
        max_length=64,
        help_text=_("Одинакова у задач с одинаковыми аргументами, даже если сами аргументы не хранятся"),
    )
    queue = models.CharField(_("очередь"), max_length=100, blank=True)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    attempts = models.PositiveIntegerField(_("запусков"), default=0)
    republished = models.PositiveSmallIntegerField(_("повторных отправок"), default=0)
    worker = models.CharField(_("обработчик"), max_length=200, blank=True)
    worker_pid = models.PositiveIntegerField(_("процесс"), null=True, blank=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    published_at = models.DateTimeField(_("отправлена в очередь"), null=True, blank=True)
    started_at = models.DateTimeField(_("начата"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), null=True, blank=True)
    result = models.CharField(_("результат"), max_length=300, blank=True)
    error = models.TextField(_("ошибка"), blank=True)

    class Meta:
        verbose_name = _("фоновая задача")
        verbose_name_plural = _("фоновые задачи")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "published_at"]),
            models.Index(fields=["kind", "created_at"]),
            models.Index(fields=["school", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} [{self.task_id}]"


from schools.models_audit import AuditEntry  # noqa: E402, F401  (the audit trail, see schools/audit.py)
