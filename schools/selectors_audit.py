"""Reading the audit trail for the page «Журнал действий».

The queryset goes through the entry model's scoped manager: a director's request is scoped to their
school, the platform administrator's is not. A page costs a bounded number of queries whatever it
holds: the count, the page of entries with actor, school and object type joined, and one read per
kind of row the changed foreign keys point to (a pair's mentor, a program's pair), through that
kind's scoped manager — so a name from outside the reader's scope stays a number. Field names and
choice labels come from the models' metadata.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateField, DateTimeField, Model, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.audit import TEXT_RELATIONS, TRACKED_MODELS
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


Names = dict[tuple[type[Model], str], str]


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _points_to(field: Any) -> type[Model] | None:
    """The model a recorded foreign key points to (auditlog stores the id)."""
    if field is not None and getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one):
        return field.related_model
    return None


def _blank(value: Any) -> bool:
    return value is None or value == "None" or value == ""


def _names_of_related_rows(entries: list[tuple[AuditEntry, Any]]) -> Names:
    """Names of the rows the changed foreign keys of these entries point to: one read per kind."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for entry, model in entries:
        for name, values in (entry.changes or {}).items():
            target = _points_to(_field(model, name))
            if target is not None and isinstance(values, list | tuple):
                wanted[target].update(str(v) for v in values if not _blank(v))
    names: Names = {}
    for target, pks in wanted.items():
        try:
            rows = list(target._default_manager.filter(pk__in=sorted(pks)))
        except (ValueError, ValidationError):
            continue  # an id that is not one any more (a changed key type): shown as it was stored
        prefetch_related_objects(rows, *TEXT_RELATIONS.get(target._meta.label, ()))
        names.update({(target, str(row.pk)): str(row) for row in rows})
    return names


def _display(field: Any, value: Any, names: Names) -> str:
    if _blank(value):
        return "—"
    text = str(value)
    target = _points_to(field)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if target is not None:
        text = names.get((target, text), _("№ %(id)s") % {"id": text})
    elif isinstance(field, DateTimeField | DateField):
        text = _date_text(field, text)
    elif choices:
        text = str(choices.get(text, choices.get(_as_int(text), text)))
    elif text in ("True", "False"):
        text = _("да") if text == "True" else _("нет")
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"


def _date_text(field: Any, text: str) -> str:
    """Dates as the interface writes them; auditlog keeps a moment as naive UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if isinstance(field, DateTimeField):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")
    return moment.strftime("%d.%m.%Y")


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _label(field: Any, name: str) -> str:
    """The field's Russian name; a foreign key declared without one is named by the model it points to."""
    if field is None or not hasattr(field, "verbose_name"):
        return name
    target = _points_to(field)
    if target is not None and str(field.verbose_name) == name.replace("_", " "):
        return str(target._meta.verbose_name)
    return str(field.verbose_name)


def _changes(entry: AuditEntry, model: Any, names: Names) -> list[Change]:
    result = []
    for name, values in (entry.changes or {}).items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue  # a many-to-many change; none of the tracked models records those
        field = _field(model, name)
        if getattr(field, "primary_key", False):
            continue  # the entry names its row already
        old, new = _display(field, values[0], names), _display(field, values[1], names)
        result.append(Change(_label(field, name), old, new))
    return result


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """The page's entries with names of object types, roles, changed fields and the rows they point to."""
    typed = [
        (entry, entry.content_type.model_class() if entry.content_type_id else None) for entry in entries
    ]
    names = _names_of_related_rows(typed)
    rows = []
    for entry, model in typed:
        changes = [c for c in _changes(entry, model, names) if c.old != c.new]
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
