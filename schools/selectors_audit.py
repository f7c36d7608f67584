"""Reading the audit trail for the page «Журнал действий».

The queryset goes through the entry model's scoped manager: a director's request is scoped to their
school, the platform administrator's is not. A page costs a constant number of queries: the count,
the page of entries with actor, school and object type joined; field names and choice labels of
"what changed" come from the models' metadata, never from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.audit import TRACKED_MODELS
from schools.models import AuditEntry, Role

SHOWN_CHANGES = 8
VALUE_LENGTH = 80


def object_type_choices() -> list[tuple[str, str]]:
    """The kinds of objects entries may concern: the tracked models, by their Russian names."""
    choices = []
    for label in TRACKED_MODELS:
        model = apps.get_model(label)
        choices.append((model._meta.label_lower, str(model._meta.verbose_name).capitalize()))
    return sorted(choices, key=lambda c: c[1])


def audit_entries(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    user: str = "",
    action: str = "",
    object_type: str = "",
    outcome: str = "",
    school: str = "",
) -> QuerySet[AuditEntry]:
    """Entries of the current scope, newest first, filtered as the page's form asks."""
    entries = AuditEntry.objects.select_related("actor", "school", "content_type").order_by(
        "-timestamp", "-pk"
    )
    if date_from:
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to:
        entries = entries.filter(timestamp__date__lte=date_to)
    if user:
        entries = entries.filter(
            Q(actor__username__icontains=user)
            | Q(actor__last_name__icontains=user)
            | Q(actor_email__icontains=user)
            | Q(action=AuditEntry.Action.LOGIN_FAILED, object_repr__icontains=user)
        )
    if action != "":
        entries = entries.filter(action=int(action))
    if object_type:
        app_label, _dot, model = object_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if school:
        entries = entries.filter(school__code=school)
    return entries


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    entry: AuditEntry
    object_type: str
    role: str
    changes: list[Change]
    more_changes: int
    details: list[tuple[str, str]]


DETAIL_LABELS = {
    "file": gettext_lazy("файл"),
    "view": gettext_lazy("страница"),
    "status": gettext_lazy("код ответа"),
    "via": gettext_lazy("утверждён приказом №"),
}


def _display(field: Any, value: Any) -> str:
    if value is None or value == "None" or value == "":
        return "—"
    text = str(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices:
        text = str(choices.get(text, choices.get(_as_int(text), text)))
    elif text in ("True", "False"):
        text = _("да") if text == "True" else _("нет")
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _changes(entry: AuditEntry, model: Any) -> list[Change]:
    result = []
    for name, values in (entry.changes or {}).items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue  # a many-to-many change; none of the tracked models records those
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        result.append(Change(label, _display(field, values[0]), _display(field, values[1])))
    return result


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """The page's entries with names of object types, roles and changed fields (no queries)."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        changes = [c for c in _changes(entry, model) if c.old != c.new]
        details = [
            (str(DETAIL_LABELS.get(key, key)), str(value))
            for key, value in (entry.additional_data or {}).items()
        ]
        rows.append(
            AuditRow(
                entry=entry,
                object_type=str(model._meta.verbose_name).capitalize() if model is not None else "",
                role=str(Role(entry.actor_role).label) if entry.actor_role in Role.values else "",
                changes=changes[:SHOWN_CHANGES],
                more_changes=max(0, len(changes) - SHOWN_CHANGES),
                details=details,
            )
        )
    return rows
