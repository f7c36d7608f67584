"""The one place where tenancy is enforced.

Every model whose rows belong to a school declares ``objects = SchoolScopedManager("<path to
school>")``. Its querysets are filtered to the schools of the *current scope* and refuse to run when
no scope is open (``ScopeError``), so a view, form, export or task that forgot about tenancy fails
loudly instead of leaking another school's data.

The scope is opened
- for a request, by ``TenantScopeMiddleware`` from the user's active work context (a role in a
  school, a municipality or a region) — and kept open while the template renders;
- for a Celery job, by ``SchoolScopedTask`` from the ``scope_school_ids`` it was queued with;
- for a public page (no login), by ``public_school_scope(code)`` over the one school of the URL;
- explicitly, by ``school_scope(ids)`` or django-scopes' ``scopes_disabled()`` — the latter only in
  the modules listed in ``tests/test_tenancy_gate.py`` (admin site, demo data, this module).

The state itself is django-scopes' context variable, so its ``scope``/``scopes_disabled`` helpers
and documentation apply.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet

from schools.audit_queryset import AuditedQuerySet
from schools.jobs import JobTask

if TYPE_CHECKING:
    from schools.models import Membership, Municipality, Region, School

SCOPE_DIMENSION = "school"
SESSION_KEY = "nastavnik_work_context"


class OutOfScopeQuerySet(DisabledQuerySet, AuditedQuerySet):
    """What a scoped manager returns outside a scope: every way to read rows raises ScopeError.

    django-scopes' own version still lets ``exists()``, ``in_bulk()`` and a few others through;
    here they are closed too. ``none()`` and ``create()`` stay allowed (forms declare empty
    querysets at import time; creating a row reveals nothing).
    """

    error = DisabledQuerySet.error
    exists = error
    contains = error
    in_bulk = error
    explain = error
    exclude = error
    select_related = error
    prefetch_related = error
    distinct = error
    alias = error
    bulk_update = error
    aiterator = error
    aget = error
    acount = error
    aexists = error


class SchoolScopedManager(models.Manager):
    """Default manager of every school-owned model; ``path`` leads from the model to the school id.

    ``SchoolScopedManager("school")`` for a row with a school foreign key,
    ``SchoolScopedManager("pair__school")`` for one that belongs to a school through a parent,
    ``SchoolScopedManager("pk")`` for the School model itself.

    The path lives on the manager's *class*: Django builds the managers of reverse relations
    (``assessment.ratings``) by subclassing the default manager's class and calling it without
    arguments, so an instance attribute would be lost there.
    """

    school_path = "school"
    # Bulk writes of tracked models are itemised in the audit trail (schools/audit_queryset.py).
    _queryset_class = AuditedQuerySet

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        if path is not None and path != type(self).school_path:
            self.__class__ = _manager_class_for(path)

    def get_queryset(self) -> models.QuerySet:
        current = get_scope()
        base = models.Manager.get_queryset(self)
        if not current.get("_enabled", True):
            return base
        if SCOPE_DIMENSION not in current:
            return OutOfScopeQuerySet(self.model, using=self._db, missing_scopes=[SCOPE_DIMENSION])
        return self.visible(base, tuple(current[SCOPE_DIMENSION]))

    def visible(self, base: models.QuerySet, school_ids: tuple[int, ...]) -> models.QuerySet:
        """The rows of ``base`` the schools of the scope may see (subclasses change only this)."""
        return base.filter(**{f"{self.school_path}__in": school_ids})

    def all(self) -> models.QuerySet:
        qs = super().all()
        if isinstance(qs, OutOfScopeQuerySet):
            qs.error()
        return qs


@functools.cache
def _manager_class_for(path: str) -> type[SchoolScopedManager]:
    return type(
        f"SchoolScopedManager[{path}]", (SchoolScopedManager,), {"school_path": path, "__module__": __name__}
    )


class TerritoryScopedManager(SchoolScopedManager):
    """Manager of rows that belong to a municipality (a monitoring campaign, an indicator snapshot).

    Such a row is visible when its municipality holds at least one school of the current scope: a
    methodist (scope = the schools of the territory) sees their municipality's rows, a curator (scope
    = one school) sees the campaign their school takes part in. The school-level data under such a
    row lives in school-scoped rows, so nothing of another school leaks through the header.
    The row's foreign key to the municipality must be named ``municipality``.
    """

    school_path = "municipality"

    def __init__(self) -> None:
        super().__init__()

    def visible(self, base: models.QuerySet, school_ids: tuple[int, ...]) -> models.QuerySet:
        from schools.models import School

        municipalities = School._base_manager.filter(pk__in=school_ids).values("municipality_id")
        return base.filter(**{f"{self.school_path}__in": municipalities})


class PlaceScopedManager(SchoolScopedManager):
    """Manager of rows about a place that is a school, a municipality or a region (report files).

    The row names its place by the foreign keys ``school``, ``municipality`` and ``region`` — the
    narrowest one set decides. A school's row is visible in a scope that holds that school; a
    municipality's, when the municipality holds a school of the scope; a region's, when the region
    does. Like ``TerritoryScopedManager`` this is only the tenant fence: who may open which kind of
    row is decided by the views.
    """

    school_path = "school"

    def __init__(self) -> None:
        super().__init__()

    def visible(self, base: models.QuerySet, school_ids: tuple[int, ...]) -> models.QuerySet:
        from schools.models import Municipality, Region

        municipalities = Municipality._base_manager.filter(schools__pk__in=school_ids).values("pk")
        regions = Region._base_manager.filter(municipalities__schools__pk__in=school_ids).values("pk")
        return base.filter(
            Q(school__isnull=False, school_id__in=school_ids)
            | Q(school__isnull=True, municipality__isnull=False, municipality_id__in=municipalities)
            | Q(school__isnull=True, municipality__isnull=True, region_id__in=regions)
        )


@contextmanager
def school_scope(school_ids: Iterable[int]) -> Iterator[None]:
    """Open a scope over exactly these schools (an empty list means: no school at all)."""
    if school_ids is None:  # django-scopes would read None as "no filter": never allow that
        raise ScopeError("school_scope() needs a list of school ids, not None.")
    with scope(**{SCOPE_DIMENSION: tuple(int(i) for i in school_ids)}):
        yield


@contextmanager
def public_school_scope(code: str) -> Iterator[School]:
    """The scope of one active school found by its code, for the pages anyone may open without login.

    The public page «Наставничество» has no logged-in tenant: the school comes from the URL. An
    unknown or inactive code is a 404. Inside, only this school's rows are readable whoever the
    visitor is (a user of another school, a methodist, the platform administrator) — the public
    selectors (programs/selectors_public.py) then choose which of them are published.
    """
    from schools.models import School

    with scopes_disabled():
        school = School.objects.filter(code=code, is_active=True).select_related("municipality").first()
    if school is None:
        raise Http404
    with school_scope([school.pk]):
        yield school


def current_school_ids() -> tuple[int, ...] | None:
    """The school ids of the open scope; None when scopes are disabled (a cross-tenant path)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    if SCOPE_DIMENSION not in current:
        raise ScopeError("No school scope is open.")
    return tuple(current[SCOPE_DIMENSION])


def municipality_school_ids(school: School) -> list[int]:
    """The active schools of ``school``'s municipality, ids only: the reach of network mentoring.

    Network mentoring (a mentor from another school of the municipality) is the one school-side
    feature that reads beyond the school; its service opens ``school_scope`` over these ids.
    """
    from schools.models import School

    with scopes_disabled():
        ids = School.objects.filter(municipality_id=school.municipality_id, is_active=True).values_list(
            "pk", flat=True
        )
        return sorted({school.pk, *ids})


def user_has_places_outside(user_id: int, school_id: int) -> bool:
    """Whether the account holds a role or a registry record anywhere but ``school_id``.

    A school may remove the personal data it keeps, not another operator's: an account that still
    works in another school or territory is left to them (schools/services_personal_data.py). The
    answer is one boolean; nothing of the other places is read out.
    """
    from schools.models import Membership, Staff, Student

    with scopes_disabled():
        return (
            Membership.objects.filter(user_id=user_id).exclude(school_id=school_id).exists()
            or Staff.objects.filter(user_id=user_id).exclude(school_id=school_id).exists()
            or Student.objects.filter(user_id=user_id).exclude(school_id=school_id).exists()
        )


# --- Work contexts: which role, where, the user acts in right now ---------------------------------


@dataclass(frozen=True)
class WorkContext:
    """One role of the user in one place; the switcher in the header chooses among them."""

    key: str
    role: str
    school: School | None = None
    municipality: Municipality | None = None
    region: Region | None = None
    # The mentor role given for network pairs (programs/services/network_mentors.py): the user is a
    # person of another school and works here only with their own pairs.
    network: bool = False

    @property
    def role_label(self) -> str:
        from schools.models import Role

        if self.network:
            return _("Наставник (сетевая пара)")
        return Role(self.role).label

    @property
    def place_label(self) -> str:
        place = self.school or self.municipality or self.region
        return str(place) if place else _("вся платформа")

    @property
    def is_school_role(self) -> bool:
        from schools.models import SCHOOL_ROLES

        return self.role in SCHOOL_ROLES

    @property
    def is_methodist(self) -> bool:
        from schools.models import METHODIST_ROLES

        return self.role in METHODIST_ROLES

    @property
    def manages_school(self) -> bool:
        """Director or curator: may change the school's bases, pairs and documents."""
        from schools.models import SCHOOL_STAFF_ROLES

        return self.role in SCHOOL_STAFF_ROLES


def _context_from_membership(m: Membership) -> WorkContext:
    return WorkContext(
        key=f"m{m.pk}",
        role=m.role,
        school=m.school,
        municipality=m.municipality,
        region=m.region,
        network=m.for_network_pairs,
    )


_ROLE_ORDER = [
    "admin",
    "regional_methodist",
    "municipal_methodist",
    "director",
    "curator",
    "psychologist",
    "mentor",
    "mentee",
]


@dataclass
class Tenant:
    """What the current request may see: the user's contexts, the active one and its schools."""

    contexts: list[WorkContext] = field(default_factory=list)
    active: WorkContext | None = None

    @property
    def role(self) -> str | None:
        return self.active.role if self.active else None

    @property
    def school(self) -> School | None:
        return self.active.school if self.active else None

    @cached_property
    def school_ids(self) -> tuple[int, ...] | None:
        """Schools this request may read; None means all (platform administrator)."""
        from schools.models import Role, School

        active = self.active
        if active is None:
            return ()
        if active.role == Role.ADMIN:
            return None
        if active.school is not None:
            return (active.school.pk,)
        with scopes_disabled():
            schools = School.objects.all()
            if active.role == Role.MUNICIPAL_METHODIST:
                schools = schools.filter(municipality_id=active.municipality.pk)
            else:
                schools = schools.filter(municipality__region_id=active.region.pk)
            return tuple(schools.values_list("pk", flat=True))

    @contextmanager
    def open_scope(self) -> Iterator[None]:
        ids = self.school_ids
        if ids is None:
            with scopes_disabled():
                yield
        else:
            with school_scope(ids):
                yield

    def has_role(self, *roles: str) -> bool:
        return self.active is not None and self.active.role in roles

    @property
    def other_network_contexts(self) -> list[WorkContext]:
        """The user's network-mentor contexts besides the active one: where their network pairs are."""
        return [c for c in self.contexts if c.network and c != self.active]


def resolve_tenant(request: HttpRequest) -> Tenant:
    """Build the tenant of a request in one query (plus one for a methodist's school list)."""
    from schools.models import Membership, Role

    user = request.user
    if not user.is_authenticated or not user.is_active:
        return Tenant()
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=user, is_active=True).select_related(
                "school__municipality__region", "municipality__region", "region"
            )
        )
    contexts = [_context_from_membership(m) for m in memberships]
    if user.is_superuser:
        contexts.append(WorkContext(key="admin", role=Role.ADMIN))
    # A network mentor's own school comes before the schools of their network pairs: it is the
    # context they land in after login.
    contexts.sort(
        key=lambda c: (
            _ROLE_ORDER.index(c.role),
            c.network,
            c.school.short_name if c.school else "",
            c.key,
        )
    )
    wanted = request.session.get(SESSION_KEY)
    active = next((c for c in contexts if c.key == wanted), contexts[0] if contexts else None)
    return Tenant(contexts=contexts, active=active)


class TenantScopeMiddleware:
    """Opens the request's school scope and keeps it open until the response is rendered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = resolve_tenant(request)
        with request.tenant.open_scope():
            response = self.get_response(request)
            # TemplateResponse renders lazily, after the middleware chain: render inside the scope.
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
        return response


# --- Access checks for views ---------------------------------------------------------------------


def role_required(*roles: str) -> Callable:
    """Let a view run only for users whose active role is one of ``roles``.

    Anonymous users go to the login page; everyone else gets 404, the same answer as for an
    object that does not exist, so the URL space reveals nothing.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if roles and not request.tenant.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # read by the permission tests
        return wrapper

    return decorator


class SchoolScopedTask(JobTask):
    """Base of Celery tasks that read tenant data: the job runs inside the scope it was queued with.

    Queue it with ``task.delay(..., scope_school_ids=[...])``; ``None`` (explicitly) marks a job
    that crosses all schools, such as the regional monitoring run. Being a ``JobTask``, it is
    recorded in the job table and claimed once (schools/jobs.py); a job queued without a scope
    fails there with the error.
    """

    abstract = True
    # The scope argument is consumed here, not by run(): Celery must not check it against run's signature.
    typing = False

    def run_in_context(self, *args: Any, **kwargs: Any) -> Any:
        if "scope_school_ids" not in kwargs:
            raise ScopeError(f"Task {self.name} was queued without scope_school_ids.")
        school_ids = kwargs.pop("scope_school_ids")
        if school_ids is None:
            with scopes_disabled():
                return super().run_in_context(*args, **kwargs)
        with school_scope(school_ids):
            return super().run_in_context(*args, **kwargs)
