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
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.dispatch import receiver
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.encoding import smart_str
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
        auditlog.register(model, exclude_fields=[*ALWAYS_EXCLUDED, *excluded, *json_fields])


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
