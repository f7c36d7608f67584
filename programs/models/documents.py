"""Local acts of the target model: orders, the Regulation, the roadmap and the school's program.

A document is drafted from live data (its sections and appendix tables are a snapshot the curator
may edit), goes to the director, and on approval gets a registration number and date, freezes and
takes effect (pairs become fixed by order, the appointed curator gets the role). A change after
approval is a new document that amends the old one. Schools that adopted acts before Nastavnik
register them as external acts with a scan; the register of local acts combines both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models.mentoring import MentoringForm, MentoringKind, MentoringPair, RoleModel
from schools.models import School, Staff
from schools.tenancy import SchoolScopedManager


class DocumentKind(models.TextChoices):
    ORDER_TARGET_MODEL = "order_target_model", _("Приказ о внедрении целевой модели наставничества")
    ORDER_REGULATION = (
        "order_regulation",
        _("Приказ об утверждении Положения о системе наставничества и дорожной карты"),
    )
    REGULATION = "regulation", _("Положение о системе наставничества")
    ROADMAP = "roadmap", _("Дорожная карта внедрения целевой модели наставничества")
    PROGRAM = "program", _("Программа наставничества")
    ORDER_CURATOR = "order_curator", _("Приказ о назначении куратора")
    ORDER_PAIRS = "order_pairs", _("Приказ о закреплении наставнических пар (групп)")
    ORDER_REGISTRY = "order_registry", _("Приказ об утверждении реестра наставников")
    ORDER_MENTOR_SCHOOL = "order_mentor_school", _("Приказ о «Школе наставников»")
    ORDER_REWARD = "order_reward", _("Приказ о поощрении участников наставничества")
    CONSENT_FORMS = "consent_forms", _("Формы согласий")
    ANALYTICAL_NOTE = "analytical_note", _("Аналитическая справка")


ORDER_KINDS = frozenset(
    {
        DocumentKind.ORDER_TARGET_MODEL,
        DocumentKind.ORDER_REGULATION,
        DocumentKind.ORDER_CURATOR,
        DocumentKind.ORDER_PAIRS,
        DocumentKind.ORDER_REGISTRY,
        DocumentKind.ORDER_MENTOR_SCHOOL,
        DocumentKind.ORDER_REWARD,
    }
)


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("на утверждении")
    RETURNED = "returned", _("возвращён на доработку")
    APPROVED = "approved", _("утверждён")


EDITABLE_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.RETURNED)


class RegistrationSeries(models.TextChoices):
    """Orders and other local acts are numbered in two registers, each per school and calendar year."""

    ORDERS = "orders", _("приказы по основной деятельности")
    ACTS = "acts", _("локальные акты")


class MentoringSettings(models.Model):
    """What a school decided about its mentoring system: the Regulation and the orders are built from it."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="mentoring_settings")
    curator = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("куратор наставничества"),
    )
    forms = models.ManyToManyField(
        MentoringForm, blank=True, related_name="+", verbose_name=_("практикуемые формы наставничества")
    )
    role_models = models.ManyToManyField(
        RoleModel, blank=True, related_name="+", verbose_name=_("ролевые модели")
    )
    kinds = models.ManyToManyField(
        MentoringKind, blank=True, related_name="+", verbose_name=_("виды наставничества")
    )
    program_min_months = models.PositiveSmallIntegerField(_("наименьший срок программы, мес."), default=3)
    program_max_months = models.PositiveSmallIntegerField(_("наибольший срок программы, мес."), default=12)
    monitoring_day = models.PositiveSmallIntegerField(_("мониторинг: день"), default=30)
    monitoring_month = models.PositiveSmallIntegerField(_("мониторинг: месяц"), default=6)
    council_name = models.CharField(
        _("коллегиальный орган"),
        max_length=200,
        default=_("методический совет наставников"),
        help_text=_(
            "Кто рассматривает вопросы наставничества: совет наставников, методический совет и т. п."
        ),
    )
    pay_supplement = models.CharField(
        _("доплата наставнику"),
        max_length=200,
        blank=True,
        help_text=_("Например: «10 % должностного оклада»; пусто — доплата не устанавливается"),
    )
    order_number_format = models.CharField(
        _("формат номера приказа"),
        max_length=40,
        default=_("{n}-о"),
        help_text=_("{n} — порядковый номер в году, {year} — год; например «{n}-о» даёт «45-о»"),
    )
    act_number_format = models.CharField(
        _("формат номера локального акта"), max_length=40, default=_("{n}-ЛА")
    )
    public_page_enabled = models.BooleanField(_("публичная страница «Наставничество» открыта"), default=True)
    public_intro = models.TextField(_("вступление на публичной странице"), blank=True)
    updated_at = models.DateTimeField(_("изменены"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("настройки наставничества")
        verbose_name_plural = _("настройки наставничества")

    def __str__(self) -> str:
        return str(self.school)


class Document(models.Model):
    """One local act: a draft, a document on approval, or an approved (frozen) act."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("вид документа"), max_length=32, choices=DocumentKind.choices)
    school_year = models.PositiveSmallIntegerField(_("учебный год"))
    title = models.CharField(_("заголовок"), max_length=500)
    status = models.CharField(
        _("статус"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    # Appendix tables and the letterhead, snapshotted from the data when drafted (refreshable while a
    # draft) and frozen on approval; the shape depends on the kind (programs/documents/kinds).
    payload = models.JSONField(_("данные документа"), default=dict, blank=True)
    curator_staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("назначаемый куратор"),
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("изменяет документ"),
    )
    approves = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="approving_orders",
        verbose_name=_("утверждает документы"),
    )
    is_public = models.BooleanField(_("публикуется на странице «Наставничество»"), default=False)
    registration_series = models.CharField(
        _("журнал регистрации"), max_length=8, choices=RegistrationSeries.choices, blank=True
    )
    registration_year = models.PositiveSmallIntegerField(_("год регистрации"), null=True, blank=True)
    registration_sequence = models.PositiveIntegerField(_("порядковый номер"), null=True, blank=True)
    registration_number = models.CharField(_("регистрационный номер"), max_length=40, blank=True)
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    approved_at = models.DateTimeField(_("утверждён"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_via = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("утверждён приказом"),
    )
    # sha256 of the frozen content (sections and payload) at approval: renders must match it.
    content_hash = models.CharField(_("контрольная сумма содержания"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("отправлен на утверждение"), null=True, blank=True)
    director_comment = models.TextField(_("комментарий руководителя"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["school", "kind", "status"]),
            models.Index(fields=["status", "approved_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "registration_series", "registration_year", "registration_sequence"],
                condition=Q(registration_sequence__isnull=False),
                name="document_registration_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | (Q(approved_on__isnull=False) & ~Q(registration_number="")),
                name="document_approved_is_registered",
            ),
        ]

    def __str__(self) -> str:
        if self.registration_number:
            return _("%(title)s № %(number)s") % {"title": self.title, "number": self.registration_number}
        return self.title

    @property
    def is_order(self) -> bool:
        return self.kind in ORDER_KINDS

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class DocumentSection(models.Model):
    """A section of a document's text; the curator edits them one by one while the document is a draft.

    ``body`` is plain text: paragraphs are separated by an empty line; a line starting with «– » or
    «- » is a list item; «1.1.» at the start of a paragraph is kept as the clause number.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("номер"))
    key = models.SlugField(_("код раздела"), max_length=40)
    heading = models.CharField(_("заголовок раздела"), max_length=300, blank=True)
    body = models.TextField(_("текст"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("изменён вручную"), null=True, blank=True)

    objects = SchoolScopedManager("document__school")

    class Meta:
        verbose_name = _("раздел документа")
        verbose_name_plural = _("разделы документа")
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="document_section_once")]

    def __str__(self) -> str:
        return self.heading or self.key


class DocumentPair(models.Model):
    """A pair or group listed in an order on pairs: approving the order fixes it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pair_rows")
    pair = models.ForeignKey(MentoringPair, on_delete=models.PROTECT, related_name="document_rows")
    order = models.PositiveSmallIntegerField(_("номер строки"))
    pay_supplement = models.CharField(_("доплата наставнику"), max_length=200, blank=True)

    objects = SchoolScopedManager("document__school")

    class Meta:
        verbose_name = _("пара в приказе")
        verbose_name_plural = _("пары в приказе")
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "pair"], name="document_pair_once")]

    def __str__(self) -> str:
        return str(self.pair)


class DocumentEvent(models.Model):
    """The history of a document: who drafted, edited, sent, returned, approved or printed it."""

    class Action(models.TextChoices):
        CREATED = "created", _("создан")
        EDITED = "edited", _("изменён")
        REFRESHED = "refreshed", _("обновлён по данным")
        SUBMITTED = "submitted", _("отправлен на утверждение")
        RETURNED = "returned", _("возвращён на доработку")
        APPROVED = "approved", _("утверждён")
        AMENDED = "amended", _("изменён приказом")
        RENDERED = "rendered", _("сформирован файл")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("действие"), max_length=16, choices=Action.choices)
    comment = models.TextField(_("комментарий"), blank=True)

    objects = SchoolScopedManager("document__school")

    class Meta:
        verbose_name = _("событие документа")
        verbose_name_plural = _("история документа")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_action_display()


class RegistrationCounter(models.Model):
    """The last number given in a register (school × series × calendar year); locked while numbering."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=8, choices=RegistrationSeries.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("счётчик регистрационных номеров")
        verbose_name_plural = _("счётчики регистрационных номеров")
        constraints = [
            models.UniqueConstraint(fields=["school", "series", "year"], name="registration_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.series}/{self.year}: {self.last}"


class RenderFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    RUNNING = "running", _("формируется")
    DONE = "done", _("готов")
    FAILED = "failed", _("ошибка")


def rendering_upload_to(instance: DocumentRendering, filename: str) -> str:
    return f"documents/{instance.document.school_id}/{instance.document_id}/{filename}"


class DocumentRendering(models.Model):
    """A file of a document made by the Celery job (PDF or DOCX); the browser polls its status."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="renderings")
    fmt = models.CharField(_("формат"), max_length=8, choices=RenderFormat.choices)
    status = models.CharField(
        _("состояние"), max_length=16, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("готовность, %"), default=0)
    file = models.FileField(_("файл"), upload_to=rendering_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(
        _("контрольная сумма содержания"),
        max_length=64,
        blank=True,
        help_text=_("Документа на момент формирования"),
    )
    error = models.TextField(_("ошибка"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("запрошен"), auto_now_add=True)
    finished_at = models.DateTimeField(_("сформирован"), null=True, blank=True)

    objects = SchoolScopedManager("document__school")

    class Meta:
        verbose_name = _("файл документа")
        verbose_name_plural = _("файлы документов")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["document", "fmt", "status"])]

    def __str__(self) -> str:
        return f"{self.document} ({self.fmt})"


class RequiredAct(models.TextChoices):
    """The seven items the municipal monitoring checks in every school (Table 1 of the report)."""

    WEBSITE = "website", _("Раздел «Наставничество» на сайте")
    REGULATION = "regulation", _("Положение о системе наставничества")
    PROGRAM = "program", _("Программа наставничества")
    ORDER_PAIRS = "order_pairs", _("Приказ о закреплении наставнических пар")
    ORDER_TARGET_MODEL = "order_target_model", _("Приказ о внедрении ЦМН")
    ORDER_CURATOR = "order_curator", _("Приказ о назначении куратора")
    ROADMAP = "roadmap", _("Дорожная карта")


# Which document kind, approved in the system, satisfies a requirement (the website is the public page).
REQUIRED_ACT_KINDS: dict[str, str | None] = {
    RequiredAct.WEBSITE: None,
    RequiredAct.REGULATION: DocumentKind.REGULATION,
    RequiredAct.PROGRAM: DocumentKind.PROGRAM,
    RequiredAct.ORDER_PAIRS: DocumentKind.ORDER_PAIRS,
    RequiredAct.ORDER_TARGET_MODEL: DocumentKind.ORDER_TARGET_MODEL,
    RequiredAct.ORDER_CURATOR: DocumentKind.ORDER_CURATOR,
    RequiredAct.ROADMAP: DocumentKind.ROADMAP,
}


def external_act_upload_to(instance: ExternalAct, filename: str) -> str:
    return f"external-acts/{instance.school_id}/{filename}"


class ExternalAct(models.Model):
    """A required act adopted outside Nastavnik (before the school used it): number, date and a scan."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="external_acts")
    requirement = models.CharField(_("документ"), max_length=32, choices=RequiredAct.choices)
    title = models.CharField(_("наименование"), max_length=500, blank=True)
    number = models.CharField(_("номер"), max_length=40, blank=True)
    adopted_on = models.DateField(_("дата"))
    url = models.URLField(_("ссылка"), blank=True, help_text=_("Для раздела сайта — адрес страницы"))
    scan = models.FileField(_("скан"), upload_to=external_act_upload_to, blank=True)
    note = models.TextField(_("примечание"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("внесён"), auto_now_add=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("внешний локальный акт")
        verbose_name_plural = _("внешние локальные акты")
        ordering = ["school", "requirement", "-adopted_on"]
        indexes = [models.Index(fields=["school", "requirement", "adopted_on"])]

    def __str__(self) -> str:
        return self.title or self.get_requirement_display()


class SchoolNews(models.Model):
    """A news item of the school's public page «Наставничество»."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mentoring_news")
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст"))
    published_on = models.DateField(_("дата публикации"))
    is_published = models.BooleanField(_("опубликована"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    objects = SchoolScopedManager("school")

    class Meta:
        verbose_name = _("новость")
        verbose_name_plural = _("новости")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["school", "is_published", "published_on"])]

    def __str__(self) -> str:
        return self.title


__all__ = [
    "EDITABLE_STATUSES",
    "ORDER_KINDS",
    "REQUIRED_ACT_KINDS",
    "Document",
    "DocumentEvent",
    "DocumentKind",
    "DocumentPair",
    "DocumentRendering",
    "DocumentSection",
    "DocumentStatus",
    "ExternalAct",
    "MentoringSettings",
    "RegistrationCounter",
    "RegistrationSeries",
    "RenderFormat",
    "RenderStatus",
    "RequiredAct",
    "SchoolNews",
]
