"""The audit trail: which events are recorded, and the one function that records them.

- Changes of the school's records (create, change with old → new per field, delete) are written by
  django-auditlog's signals, in the transaction of the change; the models and the fields left out
  are listed in ``register_models`` below.
- Approvals, exports, file downloads, logins, logouts, failed logins and refused pages go through
  ``record``. Exports and downloads are recognised once, by ``AuditMiddleware`` (every response
  that carries a file), and so are refused pages (every 403/404 a view answered to a logged-in
  user): no view has to remember it.

Entries are stored in ``schools.AuditEntry`` (see schools/models_audit.py) with the school, so the
director's page «Журнал действий» reads them through the tenancy layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import get_field_value, model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import prefetch_related_objects
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.encoding import smart_str
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mentoring.log_filters import scrub
from schools.auth import client_ip
from schools.models_audit import AuditEntry
from schools.tenancy import SchoolScopedManager, TerritoryScopedManager, resolve_tenant

Action = AuditEntry.Action
Outcome = AuditEntry.Outcome

# Models whose changes are recorded, with the fields left out of "what changed" besides the JSON
# fields (generated payloads and figures, large and rebuilt from other data) and ALWAYS_EXCLUDED.
ALWAYS_EXCLUDED = ("password", "last_login", "updated_at")
TRACKED_MODELS: dict[str, tuple[str, ...]] = {
    "schools.Region": (),
    "schools.Municipality": (),
    "schools.School": (),
    "schools.User": (),
    "schools.Membership": (),
    "schools.Staff": (),
    "schools.Student": (),
    "schools.PartnerOrganization": (),
    "schools.PartnerRepresentative": (),
    "programs.MentoringForm": (),
    "programs.RoleModel": (),
    "programs.MentoringKind": (),
    "programs.DifficultyArea": (),
    "programs.Participant": (),
    "programs.DifficultyAssessment": (),
    "programs.DifficultyRating": (),
    "programs.BurnoutNote": (),
    "programs.MenteeBaseConfirmation": (),
    "programs.MentorProfile": (),
    "programs.MentorCompetency": (),
    "programs.MentorRegistry": (),
    "programs.MentoringPair": (),
    "programs.PairMentee": (),
    "programs.PairRequest": (),
    "programs.Consent": (),
    "programs.MentoringSettings": (),
    "programs.Document": ("content_hash",),
    "programs.DocumentSection": (),
    "programs.DocumentPair": (),
    "programs.ExternalAct": (),
    "programs.SchoolNews": (),
    "programs.ProgramTemplate": (),
    "programs.ProgramTemplateActivity": (),
    "programs.PersonalizedProgram": (),
    "programs.ProgramChange": (),
    "programs.PlanActivity": (),
    "programs.JournalEntry": (),
    "programs.JournalAttachment": (),
    "programs.IndividualRoute": (),
    "programs.RouteMeasure": (),
    "programs.RouteCorrection": (),
    "programs.RouteReflection": (),
    "programs.SchoolRoadmap": (),
    "programs.RoadmapStage": (),
    "programs.NotificationPreference": (),
    "monitoring.Campaign": (),
    "monitoring.Submission": (),
}
PERSON = ("staff", "student", "partner_representative")
# The relations a tracked row's text (``__str__``) reads: rows written in bulk get them in one query
# per relation, so their entries are named as a single save names them at a constant cost.
TEXT_RELATIONS: dict[str, tuple[str, ...]] = {
    "schools.Membership": ("user", "school", "municipality", "region"),
    "programs.Participant": PERSON,
    "programs.DifficultyAssessment": ("staff",),
    "programs.DifficultyRating": ("area",),
    "programs.BurnoutNote": ("staff",),
    "programs.MentorProfile": tuple(f"participant__{p}" for p in PERSON),
    "programs.MentorCompetency": ("area",),
    "programs.PairMentee": tuple(f"mentee__{p}" for p in PERSON),
    "programs.Consent": tuple(f"participant__{p}" for p in PERSON),
    "programs.MentoringSettings": ("school",),
    "programs.DocumentPair": ("pair",),
    "programs.IndividualRoute": ("staff",),
    "programs.RouteReflection": ("area",),
    "programs.NotificationPreference": ("user",),
    "monitoring.Submission": ("campaign", "school"),
}
# Not tracked, on purpose: PairEvent and DocumentEvent (they are a history themselves),
# DocumentRendering, ReportFile, RegistrationCounter and Notification (written by jobs, not people),
# Snapshot and SnapshotRow (computed indicators), SurveyResponse (surveys are anonymous: an entry
# with its author would break that).


def register_models() -> None:
    """Connect auditlog's signals to the tracked models (called once from SchoolsConfig.ready)."""
    for label, excluded in TRACKED_MODELS.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        left_out = {*ALWAYS_EXCLUDED, *excluded, *json_fields}
        # Own columns only: without the list auditlog also walks reverse relations on a create
        # («routes: None → programs.IndividualRoute.None») and reads a reverse one-to-one per row.
        auditlog.register(
            model,
            include_fields=[f.name for f in model._meta.concrete_fields if f.name not in left_out],
            exclude_fields=sorted(left_out),
        )


# --- The request the entries belong to ------------------------------------------------------------


@dataclass(frozen=True)
class RequestInfo:
    school_id: int | None
    role: str | None


_request_info: ContextVar[RequestInfo | None] = ContextVar("nastavnik_audit_request", default=None)


def request_info() -> RequestInfo | None:
    """The school and role of the request being served (None in jobs and commands)."""
    return _request_info.get()


def school_id_of(instance: models.Model) -> int | None:
    """The school an object belongs to, read along the path its scoped manager declares.

    Forward relations are read through the related model's base manager, so this works in any
    scope. A territory row (a campaign) and a global row (a user) have no school: None.
    """
    manager = instance._meta.model._default_manager
    if not isinstance(manager, SchoolScopedManager) or isinstance(manager, TerritoryScopedManager):
        return None
    *parents, last = manager.school_path.split("__")
    target: Any = instance
    try:
        for name in parents:
            target = getattr(target, name)
            if target is None:
                return None
    except models.ObjectDoesNotExist:
        return None
    return target.pk if last == "pk" else getattr(target, f"{last}_id", None)


def _tenant_of(request: HttpRequest | None) -> tuple[int | None, str | None]:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.active is None:
        return None, None
    school = tenant.active.school
    return (school.pk if school else None), str(tenant.active.role)


# --- The one way to record an event ---------------------------------------------------------------

SECRET_KEYS = re.compile(r"pass|token|secret|session|csrf|key", re.IGNORECASE)


def _clean_details(details: dict[str, Any]) -> dict[str, Any] | None:
    """Details to store: never a secret, whatever a caller passes."""
    cleaned = {k: str(v)[:500] for k, v in details.items() if v is not None and not SECRET_KEYS.search(k)}
    return cleaned or None


def record(
    action: int,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    outcome: str = Outcome.SUCCESS,
    school_id: int | None = None,
    role: str | None = None,
    object_repr: str = "",
    changes: dict[str, list[Any]] | None = None,
    **details: Any,
) -> AuditEntry:
    """Write one audit entry for an event that is not a plain model change.

    Called inside the caller's transaction, so an approval that rolls back leaves no entry.
    Who and from where come from ``request`` when given, otherwise from the request being served
    (auditlog's context, set by ``AuditMiddleware``); the school from the object, else the
    actor's active school. ``details`` are short notes (a file name, a view); keys that look like
    secrets are dropped.
    """
    request_school, request_role = _tenant_of(request)
    info = request_info()
    if request is None and info is not None:
        request_school, request_role = info.school_id, info.role
    if school_id is None and obj is not None:
        school_id = school_id_of(obj)
    if school_id is None:
        school_id = request_school
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    entry = AuditEntry(
        action=action,
        outcome=outcome,
        school_id=school_id,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", None) or None,
        actor_role=role or request_role or "",
        object_repr=(object_repr or (smart_str(obj) if obj is not None else ""))[:500],
        changes={field: [str(v) for v in values] for field, values in changes.items()} if changes else None,
        additional_data=_clean_details(details),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_pk = smart_str(obj.pk)
        entry.object_id = obj.pk if isinstance(obj.pk, int) else None
    if request is not None:
        entry.remote_addr = client_ip(request) or None
    entry.save()
    return entry


def forget(objects: Iterable[models.Model], *, user: Any = None, placeholder: str) -> int:
    """Mask what the trail keeps about a person whose data were anonymised (152-ФЗ).

    The facts stay — who did what, when, to which row — but the values of the changes of the
    person's rows become «[обезличено]», the rows are named by the placeholder, and the person's
    e-mail is dropped from the entries they made. Runs in the anonymisation's transaction.
    """
    match = models.Q(pk__in=[])
    for obj in objects:
        match |= models.Q(content_type=ContentType.objects.get_for_model(obj), object_pk=smart_str(obj.pk))
    # Exactly these rows' entries, also those written outside any school (a command, the seeding):
    # the caller fetched the rows through the school's scope.
    entries = AuditEntry._base_manager
    masked, mask = 0, _("[обезличено]")
    for entry in entries.filter(match).only("pk", "changes"):
        changes = {field: [mask, mask] for field in (entry.changes or {})}
        masked += entries.filter(pk=entry.pk).update(
            changes=changes or None, changes_text="", object_repr=placeholder, serialized_data=None
        )
    if user is not None:
        entries.filter(actor=user).update(actor_email=None)
    return masked


# --- Rows written in bulk -------------------------------------------------------------------------


def recording() -> bool:
    """False inside auditlog's ``disable_auditlog()`` (fixtures, the demo generators)."""
    return not auditlog_disabled.get()


def records_any(model: type[models.Model], fields: Iterable[str]) -> bool:
    """Whether a write of these fields (names or attnames) changes anything the trail keeps."""
    excluded = set(auditlog.get_model_fields(model)["exclude_fields"])
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if field.name not in excluded:
            return True
    return False


def _school_ids(model: type[models.Model], pks: list[Any]) -> dict[Any, int | None]:
    """The school of each row, in one query along the scoped manager's path."""
    manager = model._default_manager
    if not pks or not isinstance(manager, SchoolScopedManager) or isinstance(manager, TerritoryScopedManager):
        return {}
    rows = model._base_manager.filter(pk__in=pks).values_list("pk", manager.school_path)
    return dict(rows)


class _QueryRefused(Exception):
    pass


def _refuse_queries(execute, sql, params, many, context) -> None:
    raise _QueryRefused


def _text_of(instance: models.Model) -> str:
    """The row's text as ``str()`` gives it, else «<type> №<pk>» when that would need a query.

    A bulk write must cost the same number of queries for 3 rows as for 3,000: the relations the
    text reads are fetched beforehand (``TEXT_RELATIONS``), and a text that still wants a query —
    a relation nobody declared — is not worth one per row.
    """
    using = instance._state.db or "default"
    try:
        with connections[using].execute_wrapper(_refuse_queries):
            return smart_str(instance)
    except (_QueryRefused, models.ObjectDoesNotExist):
        return f"{capfirst(instance._meta.verbose_name)} №{instance.pk}"


def _who_and_where() -> dict[str, Any]:
    """Actor and address of the request or job, as auditlog would put them on a single entry.

    auditlog fills them in from a ``pre_save`` receiver connected while ``set_actor`` is active; a
    bulk insert sends no signal, so a template entry is passed through the same receivers.
    """
    template = AuditEntry()
    pre_save.send(sender=AuditEntry, instance=template, raw=False, using="default", update_fields=None)
    return {
        "actor_id": template.actor_id,
        "actor_email": template.actor_email,
        "remote_addr": template.remote_addr,
        "remote_port": template.remote_port,
    }


def _differ(model: type[models.Model]) -> Callable[[Any, Any], dict | None]:
    """auditlog's ``model_instance_diff`` for many rows of one model, with the field list and the
    defaults (what a created row is compared with) worked out once instead of once per row."""
    config = auditlog.get_model_fields(model)
    if settings.AUDITLOG_STORE_JSON_CHANGES or config["mask_fields"]:
        concrete = [f.name for f in model._meta.concrete_fields]
        return lambda old, new: model_instance_diff(
            old, new, fields_to_check=concrete, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
    include, exclude = set(config["include_fields"]), set(config["exclude_fields"])
    fields = [
        f for f in model._meta.concrete_fields if (not include or f.name in include) and f.name not in exclude
    ]
    defaults = {f.name: get_field_value(None, f) for f in fields}  # auditlog: the field's default

    def diff(old: Any, new: Any) -> dict | None:
        changes = {}
        for field in fields:
            before = defaults[field.name] if old is None else get_field_value(old, field)
            after = defaults[field.name] if new is None else get_field_value(new, field)
            if before != after:
                changes[field.name] = (smart_str(before), smart_str(after))
        return changes or None

    return diff


def record_rows(
    model: type[models.Model], action: int, rows: list[tuple[models.Model | None, models.Model | None]]
) -> int:
    """One entry per (old, new) row of a bulk write, like auditlog's own for a single save.

    Called by ``AuditedQuerySet`` in the transaction of the write; the entries go in one insert, and
    the number of queries does not depend on the number of rows. Rows whose tracked fields did not
    change get no entry. Who, from where and the school come from the same places as for a
    signal's entry; foreign keys are stored as ids, as auditlog stores them.
    """
    if not rows or not recording():
        return 0
    content_type = ContentType.objects.get_for_model(model)
    schools = _school_ids(model, [(new or old).pk for old, new in rows])
    info = request_info()
    who = _who_and_where()
    cid = get_cid()
    named = [new if new is not None else old for old, new in rows]
    prefetch_related_objects(named, *TEXT_RELATIONS.get(model._meta.label, ()))
    diff = _differ(model)
    entries = []
    for old, new in rows:
        changes = diff(old, new)
        if not changes:
            continue
        instance = new if new is not None else old
        school_id = schools.get(instance.pk)
        entries.append(
            AuditEntry(
                action=action,
                content_type=content_type,
                object_pk=smart_str(instance.pk),
                object_id=instance.pk if isinstance(instance.pk, int) else None,
                object_repr=_text_of(instance),
                changes=changes,
                school_id=school_id if school_id is not None else (info.school_id if info else None),
                actor_role=(info.role or "") if info else "",
                cid=cid,
                **who,
            )
        )
    AuditEntry._base_manager.bulk_create(entries, batch_size=500)
    return len(entries)


# --- Requests: actor and address for auditlog, and the events seen in responses -------------------


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware with the client address the project trusts, plus response events.

    auditlog's own version takes the first X-Forwarded-For entry, which the client writes; here the
    address comes from ``schools.auth.client_ip`` (the same one login throttling uses). Placed after
    TenantScopeMiddleware, it also knows the active school and role, and records once for all views:
    a file in the response (an export or a download) and a page refused to a logged-in user.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request) or None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        school_id, role = _tenant_of(request)
        token = _request_info.set(RequestInfo(school_id=school_id, role=role))
        try:
            response = super().__call__(request)
            _record_response(request, response)
            return response
        finally:
            _request_info.reset(token)


FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", re.IGNORECASE)


def _record_response(request: HttpRequest, response: HttpResponse) -> None:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None or match.view_name.startswith("admin:"):
        return
    if response.status_code in (403, 404):
        record(
            Action.DENIED,
            request,
            outcome=Outcome.DENIED,
            object_repr=scrub(request.path),
            view=match.view_name,
            status=response.status_code,
        )
    elif response.status_code == 200 and response.has_header("Content-Disposition"):
        found = FILENAME.search(response["Content-Disposition"])
        record(
            Action.DOWNLOAD if isinstance(response, FileResponse) else Action.EXPORT,
            request,
            getattr(response, "audit_object", None),
            object_repr="" if hasattr(response, "audit_object") else scrub(request.path),
            view=match.view_name,
            file=found.group(1) if found else None,
        )


def describe_file(response: HttpResponse, obj: models.Model) -> HttpResponse:
    """Name the object a file response carries, so its download entry points at it."""
    response.audit_object = obj
    return response


# --- Logins ---------------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    school_id = role = None
    if request is not None and hasattr(request, "user"):  # the test client's force_login has no user
        active = resolve_tenant(request).active
        if active is not None:
            school_id, role = (active.school.pk if active.school else None), str(active.role)
    record(Action.LOGIN, request, user, actor=user, school_id=school_id, role=role)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, request, user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Only the login typed; Django has already masked the password, and it is not kept anyway.
    login = smart_str(credentials.get("username") or "")[:150]
    record(Action.LOGIN_FAILED, request, outcome=Outcome.FAILED, object_repr=login)
