"""Shared fixtures: a small two-municipality world with a user for every role, and scope helpers."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

import pytest
from django_scopes import scopes_disabled
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mentoring.celery import app as celery_app
from schools.models import Role, School, Staff, User
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory, StaffFactory, UserFactory

# Property tests (tests/test_fuzz_*.py): «ci» is modest and reproducible (the same examples on every
# run, no example database); «dev» searches harder: HYPOTHESIS_PROFILE=dev pytest tests/test_fuzz_*.py
hypothesis_settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "dev",
    parent=hypothesis_settings.get_profile("ci"),
    max_examples=300,
    derandomize=False,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SCHOOL_ROLE_NAMES = ["director", "curator", "psychologist", "mentor", "mentee"]
ALL_ROLE_NAMES = ["admin", "regional_methodist", "municipal_methodist", *SCHOOL_ROLE_NAMES]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, request):
    """Fast hashing, no login throttling, and Celery in-process unless a test needs a real worker."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@dataclass
class Place:
    """One school (or territory) with one user per role and a staff member whose name is a marker."""

    school: School | None
    users: dict[str, User] = field(default_factory=dict)
    staff: Staff | None = None
    marker: str = ""


@dataclass
class World:
    """Three schools: A and B in municipality 1, C in municipality 2 (another region too)."""

    a: Place
    b: Place
    c: Place
    methodist_1: User
    methodist_2: User
    regional_1: User
    regional_2: User
    admin: User

    def user(self, place: str, role: str) -> User:
        if role == "admin":
            return self.admin
        if role == "municipal_methodist":
            return self.methodist_1 if place in ("a", "b") else self.methodist_2
        if role == "regional_methodist":
            return self.regional_1 if place in ("a", "b") else self.regional_2
        return getattr(self, place).users[role]


def _school_place(school: School, tag: str) -> Place:
    place = Place(school=school, marker=f"Маркерова-{tag}")
    for role in SCHOOL_ROLE_NAMES:
        user = UserFactory(username=f"{tag}-{role}", last_name=f"Фамилия{tag}{role}")
        MembershipFactory(user=user, role=role, school=school)
        place.users[role] = user
    place.staff = StaffFactory(school=school, last_name=place.marker, user=place.users["mentee"])
    return place


def ensure_catalogs() -> None:
    """Put back the catalogs and the program library that data migrations load.

    Transactional tests (live server, real worker) empty every table when they end, data
    migrations' rows included; a later test in the same process would then find no forms.
    """
    from django.apps import apps

    from programs.models import MentoringForm, ProgramTemplate

    if not MentoringForm.objects.exists():
        importlib.import_module("programs.migrations.0003_catalogs").load(apps, None)
    if not ProgramTemplate.objects.exists():
        importlib.import_module("programs.migrations.0005_program_templates").load(apps, None)


@pytest.fixture
def world(db) -> World:
    ensure_catalogs()
    with scopes_disabled():
        mun1 = MunicipalityFactory(code="mun-one", name="Первый район")
        mun2 = MunicipalityFactory(code="mun-two", name="Второй район")
        a = _school_place(SchoolFactory(municipality=mun1, code="school-a", short_name="МБОУ СОШ № 1"), "a")
        b = _school_place(SchoolFactory(municipality=mun1, code="school-b", short_name="МБОУ СОШ № 2"), "b")
        c = _school_place(SchoolFactory(municipality=mun2, code="school-c", short_name="МБОУ Лицей № 3"), "c")
        methodist_1 = UserFactory(username="methodist-1")
        MembershipFactory(user=methodist_1, role=Role.MUNICIPAL_METHODIST, municipality=mun1)
        methodist_2 = UserFactory(username="methodist-2")
        MembershipFactory(user=methodist_2, role=Role.MUNICIPAL_METHODIST, municipality=mun2)
        regional_1 = UserFactory(username="regional-1")
        MembershipFactory(user=regional_1, role=Role.REGIONAL_METHODIST, region=mun1.region)
        regional_2 = UserFactory(username="regional-2")
        MembershipFactory(user=regional_2, role=Role.REGIONAL_METHODIST, region=mun2.region)
        admin = UserFactory(username="platform-admin", is_staff=True, is_superuser=True)
    return World(a, b, c, methodist_1, methodist_2, regional_1, regional_2, admin)
