"""Annual monitoring: indicator snapshots, campaigns with the schools' submissions, and surveys.

- A **snapshot** holds every indicator of every school of a municipality (or of one school) for a
  period, as of a date. It is computed by a Celery job in a few set-based queries and replaced in
  place when the same scope, period and date are computed again; two snapshots of different dates
  are compared in the report (Table 2).
- A **campaign** is the municipality's monitoring of a school year: curators submit the internal
  monitoring (effectiveness level, SWOT, reasons, decisions), the methodist accepts or returns each
  submission, then the analytical stage produces the report.
- **Survey responses** are the participants' answers to the satisfaction and entry/exit
  questionnaires (questions in ``monitoring/surveys.py``); only aggregates leave the school.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import Municipality, Region, School
from schools.tenancy import PlaceScopedManager, SchoolScopedManager, TerritoryScopedManager


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    RUNNING = "running", _("выполняется")
    DONE = "done", _("готово")
    FAILED = "failed", _("ошибка")


class Snapshot(models.Model):
    """The indicators of a municipality's schools (or of one school) for a period, as of a date."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="snapshots")
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snapshots",
        help_text=_("Заполнено, если снимок сделан по одной организации"),
    )
    period_start = models.DateField(_("начало периода"))
    period_end = models.DateField(_("конец периода"))
    as_of = models.DateField(_("по состоянию на"))
    status = models.CharField(
        _("состояние"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("готовность, %"), default=0)
    error = models.TextField(_("ошибка"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("запрошен"), auto_now_add=True)
    computed_at = models.DateTimeField(_("рассчитан"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("время расчёта, мс"), null=True, blank=True)

    objects = TerritoryScopedManager()

    class Meta:
        verbose_name = _("снимок показателей")
        verbose_name_plural = _("снимки показателей")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_start", "period_end", "as_of"],
                condition=Q(school__isnull=True),
                name="snapshot_municipality_once",
            ),
            models.UniqueConstraint(
                fields=["school", "period_start", "period_end", "as_of"],
                condition=Q(school__isnull=False),
                name="snapshot_school_once",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="snapshot_period"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status", "as_of"])]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period_start}–{self.period_end} @ {self.as_of}"


class SnapshotRow(models.Model):
    """One school's indicator values in a snapshot: ``values`` maps indicator codes to numbers.

    ``details`` keeps what is not a number: the forms practised, reasons of non-completion by form,
    the lists the report names schools from (see monitoring/indicators.py).
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(default=dict)
    details = models.JSONField(default=dict)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("показатели организации")
        verbose_name_plural = _("показатели организаций")
        constraints = [models.UniqueConstraint(fields=["snapshot", "school"], name="snapshot_row_once")]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.school_id}"


# --- Campaigns -------------------------------------------------------------------------------------


class CampaignStage(models.TextChoices):
    INTERNAL = "internal", _("внутренний этап (кураторы)")
    EXTERNAL = "external", _("внешний этап (методист)")
    ANALYTICAL = "analytical", _("аналитический этап (свод)")
    CLOSED = "closed", _("завершён")


def default_deadline(school_year: int) -> date:
    """Monitoring at school level ends by 30 June of the school year."""
    return date(school_year + 1, 6, 30)


class Campaign(models.Model):
    """The monitoring of a municipality's schools for a school year, opened by its methodist."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="campaigns")
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    title = models.CharField(_("название"), max_length=300)
    deadline = models.DateField(_("срок внутреннего мониторинга"))
    stage = models.CharField(
        _("этап"), max_length=16, choices=CampaignStage.choices, default=CampaignStage.INTERNAL
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("открыт"), auto_now_add=True)
    closed_at = models.DateTimeField(_("завершён"), null=True, blank=True)

    objects = TerritoryScopedManager()

    class Meta:
        verbose_name = _("кампания мониторинга")
        verbose_name_plural = _("кампании мониторинга")
        ordering = ["-school_year", "municipality"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "school_year"], name="campaign_once_per_year")
        ]

    def __str__(self) -> str:
        return self.title


class EffectivenessLevel(models.TextChoices):
    OPTIMAL = "optimal", _("оптимальный")
    ACCEPTABLE = "acceptable", _("допустимый")
    UNACCEPTABLE = "unacceptable", _("недопустимый")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("заполняется")
    SUBMITTED = "submitted", _("сдан методисту")
    RETURNED = "returned", _("возвращён на доработку")
    ACCEPTED = "accepted", _("принят")


class Submission(models.Model):
    """A school's internal monitoring in a campaign: filled by the curator, accepted by the methodist."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="submissions")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="monitoring_submissions")
    status = models.CharField(
        _("состояние"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    level = models.CharField(
        _("уровень эффективности"), max_length=16, choices=EffectivenessLevel.choices, blank=True
    )
    suggested_level = models.CharField(
        _("уровень по показателям"), max_length=16, choices=EffectivenessLevel.choices, blank=True
    )
    strengths = models.TextField(_("сильные стороны"), blank=True)
    weaknesses = models.TextField(_("слабые стороны"), blank=True)
    opportunities = models.TextField(_("возможности"), blank=True)
    threats = models.TextField(_("угрозы"), blank=True)
    not_completed_reasons = models.TextField(_("причины невыполнения программ"), blank=True)
    decisions = models.TextField(_("управленческие решения"), blank=True)
    figures = models.JSONField(_("показатели на момент сдачи"), default=dict, blank=True)
    note = models.ForeignKey(
        "programs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("аналитическая справка"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("сдан"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение"), null=True, blank=True)
    methodist_comment = models.TextField(_("комментарий методиста"), blank=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("внутренний мониторинг организации")
        verbose_name_plural = _("внутренний мониторинг организаций")
        ordering = ["campaign", "school"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="submission_once")]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.school}"


# --- Surveys -----------------------------------------------------------------------------------------


class SurveyKind(models.TextChoices):
    MENTOR_SATISFACTION = "mentor_satisfaction", _("Удовлетворённость наставника")
    MENTEE_SATISFACTION = "mentee_satisfaction", _("Удовлетворённость наставляемого")
    ENTRY = "entry", _("Входная анкета наставляемого")
    EXIT = "exit", _("Итоговая анкета наставляемого")


class SurveyResponse(models.Model):
    """One filled questionnaire. Anonymous answers keep no link to the person, only a one-way key
    that stops a second answer of the same person to the same questionnaire of the same year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="survey_responses")
    kind = models.CharField(_("анкета"), max_length=32, choices=SurveyKind.choices)
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    respondent_key = models.CharField(max_length=64)
    is_anonymous = models.BooleanField(_("анонимно"), default=False)
    answers = models.JSONField(_("ответы"), default=dict)
    # Mean of the 1–5 scale answers, computed when the questionnaire is saved: the indicators count
    # «satisfied» responses (score ≥ 4) in SQL without reading the answers.
    score = models.DecimalField(_("средний балл"), max_digits=3, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("заполнена"), auto_now_add=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("анкета участника")
        verbose_name_plural = _("анкеты участников")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "school_year", "respondent_key"], name="survey_once_per_person"
            )
        ]
        indexes = [models.Index(fields=["school", "kind", "school_year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year}"


# --- Report files ------------------------------------------------------------------------------------


class ReportKind(models.TextChoices):
    MUNICIPAL = "municipal", _("муниципальный аналитический отчёт")
    REGIONAL = "regional", _("региональный аналитический отчёт")
    SCHOOL = "school", _("показатели организации")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


def report_upload_to(instance: ReportFile, filename: str) -> str:
    place = (
        f"s{instance.school_id}"
        if instance.school_id
        else (f"m{instance.municipality_id}" if instance.municipality_id else f"r{instance.region_id}")
    )
    return f"reports/{place}/{filename}"


class ReportFile(models.Model):
    """A file of an analytical report made by the Celery job ``monitoring.render_report``.

    The place is a region (always set), a municipality (municipal and school reports) and a school
    (the school's own numbers); the period, the slice date and the comparison date are the report's
    parameters. The browser polls ``status``/``progress`` until the file is ready.
    """

    kind = models.CharField(_("отчёт"), max_length=16, choices=ReportKind.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="report_files")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="report_files"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="report_files"
    )
    period_start = models.DateField(_("начало периода"))
    period_end = models.DateField(_("конец периода"))
    as_of = models.DateField(_("по состоянию на"))
    compare_as_of = models.DateField(_("дата сравнения"))
    use_snapshot = models.BooleanField(_("использовать готовый снимок показателей"), default=True)
    fmt = models.CharField(_("формат"), max_length=8, choices=ReportFormat.choices)
    status = models.CharField(
        _("состояние"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("готовность, %"), default=0)
    file = models.FileField(_("файл"), upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("источник данных"), max_length=300, blank=True)
    error = models.TextField(_("ошибка"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("запрошен"), auto_now_add=True)
    finished_at = models.DateTimeField(_("сформирован"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("время формирования, мс"), null=True, blank=True)

    objects = PlaceScopedManager()

    class Meta:
        verbose_name = _("файл аналитического отчёта")
        verbose_name_plural = _("файлы аналитических отчётов")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="municipal", municipality__isnull=False, school__isnull=True)
                    | Q(kind="regional", municipality__isnull=True, school__isnull=True)
                    | Q(kind="school", municipality__isnull=False, school__isnull=False)
                ),
                name="report_file_place_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_file_period"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "kind", "requested_at"]),
            models.Index(fields=["region", "kind", "requested_at"]),
            models.Index(fields=["school", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end} ({self.fmt})"

    @property
    def place(self) -> School | Municipality | Region:
        return self.school or self.municipality or self.region

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
