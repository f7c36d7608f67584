"""Bulk writes of tracked models, itemised in the audit trail like single saves.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` send no model signals, so auditlog
never sees them. Every tracked model's managers (the tenancy layer's scoped managers and
``AuditedManager`` for global rows) build their querysets from ``AuditedQuerySet``, which reads the
rows before and after such a write and hands them to ``schools.audit.record_rows`` — one entry per
changed row, written in one insert, in the transaction of the write. ``QuerySet.delete()`` needs
nothing: Django sends ``post_delete`` for each row of a model that has receivers, and auditlog has.

The check that no tracked model escapes this is ``tests/test_audit_bulk.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction


def _tracked(model: type[models.Model]) -> bool:
    from auditlog.registry import auditlog

    return auditlog.contains(model)


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes leave one audit entry per row (see the module docstring)."""

    def update(self, **kwargs: Any) -> int:
        from schools import audit

        if not (_tracked(self.model) and audit.recording() and audit.records_any(self.model, kwargs)):
            return super().update(**kwargs)
        base = self.model._base_manager.using(self.db)
        with transaction.atomic(using=self.db, savepoint=False):
            # Lock the rows first: exactly the rows read are the rows changed, so no change goes
            # unrecorded and no entry describes a change that did not happen.
            before = {row.pk: row for row in base.select_for_update().filter(pk__in=self.values("pk"))}
            if not before:
                return 0
            count = base.filter(pk__in=list(before)).update(**kwargs)
            after = base.in_bulk(list(before))
            audit.record_rows(self.model, audit.Action.UPDATE, [(before[pk], after[pk]) for pk in after])
        return count

    def bulk_update(
        self, objs: Iterable[models.Model], fields: Sequence[str], batch_size: int | None = None
    ) -> int:
        from schools import audit

        objs = list(objs)
        if not (_tracked(self.model) and audit.recording() and audit.records_any(self.model, fields)):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        base = self.model._base_manager.using(self.db)
        with transaction.atomic(using=self.db, savepoint=False):
            before = base.select_for_update().in_bulk([obj.pk for obj in objs])
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            audit.record_rows(
                self.model, audit.Action.UPDATE, [(before[obj.pk], obj) for obj in objs if obj.pk in before]
            )
        return count

    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list[models.Model]:
        from schools import audit

        if not (_tracked(self.model) and audit.recording()):
            return super().bulk_create(objs, *args, **kwargs)
        if kwargs.get("update_conflicts"):
            raise TypeError("bulk_create with update_conflicts is not audited; use update_or_create")
        if kwargs.pop("ignore_conflicts", False):
            return self._create_skipping_conflicts(list(objs), *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            audit.record_rows(self.model, audit.Action.CREATE, [(None, obj) for obj in created])
        return created

    def _create_skipping_conflicts(
        self, objs: list[models.Model], *args: Any, **kwargs: Any
    ) -> list[models.Model]:
        """``ignore_conflicts`` for a tracked model: the entries must name the rows really inserted.

        The database does not say which rows an ``ON CONFLICT DO NOTHING`` insert wrote, so the
        batch is tried whole (the usual case: no conflict); on a unique conflict each row is tried
        alone and the conflicting ones are skipped, as the database would have skipped them.
        """
        try:
            with transaction.atomic(using=self.db):
                self.bulk_create(objs, *args, **kwargs)
        except IntegrityError as error:
            if not _is_conflict(error):
                raise
            for obj in objs:
                obj.pk, obj._state.adding = None, True
                try:
                    with transaction.atomic(using=self.db):
                        self.bulk_create([obj], *args, **kwargs)
                except IntegrityError as row_error:
                    if not _is_conflict(row_error):
                        raise
                    obj.pk = None  # skipped, as ignore_conflicts leaves it
        return objs


def _is_conflict(error: IntegrityError) -> bool:
    """A unique or exclusion conflict — what ``ON CONFLICT DO NOTHING`` ignores — not a NOT NULL."""
    code = getattr(error.__cause__, "pgcode", None)
    if code is not None:
        return code in ("23505", "23P01")
    return "UNIQUE constraint failed" in str(error)


class AuditedManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """Default manager of a tracked model that belongs to no school (regions, catalogs)."""
