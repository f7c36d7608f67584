"""The audit trail: one row per change, approval, export, download, login and refused access.

django-auditlog writes the rows of model changes (old → new per field) from its signals, in the
transaction of the change; ``schools.audit.record`` writes the other events into the same table.
The table is this project's own ``LogEntry`` (``AUDITLOG_LOGENTRY_MODEL``) because the library's
lacks what the director's page needs: the school of each entry as an indexed column (its
``additional_data`` JSON cannot be filtered cheaply), an outcome (a refused access is an event
too), the actor's role, and events that concern no model row (a failed login).
"""

from __future__ import annotations

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.tenancy import SchoolScopedManager


class AuditEntryManager(SchoolScopedManager, LogEntryManager):
    """Scoped to the school of the entry, and auditlog's ``log_create`` fills the school in.

    Reading goes through the tenancy layer like any school-owned row: the director sees the
    entries of their school, the platform administrator (scope lifted) all of them. Entries with
    no school (a failed login, a change in the regional catalog) are visible to the administrator
    only. Writing is allowed outside a scope (``create``), as for every scoped model.
    """

    def log_create(self, instance: models.Model, force_log: bool = False, **kwargs):
        from schools.audit import request_info, school_id_of

        info = request_info()
        school_id = school_id_of(instance)
        if school_id is None and info is not None:
            school_id = info.school_id
        kwargs.setdefault("school_id", school_id)
        if info is not None:
            kwargs.setdefault("actor_role", info.role or "")
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    """An entry of the audit trail («Журнал действий»). Never edited, never deleted by the interface."""

    class Action(AbstractLogEntry.Action):
        # 0–3 are auditlog's own (create, update, delete, access); the rest are recorded by
        # schools.audit.record.
        APPROVE = 10
        RETURN = 11
        EXPORT = 20
        DOWNLOAD = 21
        IMPORT = 22
        LOGIN = 30
        LOGOUT = 31
        LOGIN_FAILED = 32
        DENIED = 40

        choices = (
            (AbstractLogEntry.Action.CREATE, _("создание")),
            (AbstractLogEntry.Action.UPDATE, _("изменение")),
            (AbstractLogEntry.Action.DELETE, _("удаление")),
            (AbstractLogEntry.Action.ACCESS, _("просмотр")),
            (APPROVE, _("утверждение, принятие")),
            (RETURN, _("возврат на доработку")),
            (EXPORT, _("выгрузка")),
            (DOWNLOAD, _("скачивание файла")),
            (IMPORT, _("загрузка из файла")),
            (LOGIN, _("вход")),
            (LOGOUT, _("выход")),
            (LOGIN_FAILED, _("неудачный вход")),
            (DENIED, _("отказ в доступе")),
        )

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("успешно")
        DENIED = "denied", _("отказано")
        FAILED = "failed", _("ошибка")

    # Events such as a failed login or a refused page concern no row: the type may be empty.
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("тип объекта"),
    )
    action = models.PositiveSmallIntegerField(_("действие"), choices=Action.choices, db_index=True)
    # No database constraint: the trail outlives a deleted school and must not block its deletion.
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("организация"),
    )
    outcome = models.CharField(
        _("результат"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    actor_role = models.CharField(_("роль"), max_length=32, blank=True, default="")

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("запись журнала действий")
        verbose_name_plural = _("журнал действий")
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["school", "-timestamp"], name="audit_school_time")]
        default_permissions = ("view",)
