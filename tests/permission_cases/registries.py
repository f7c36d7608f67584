"""Permission cases of the registries: staff editing, students, partners, imports and exports.

Objects of school A are named after school A's marker, so that a list or an export shown to
another school would give itself away.
"""

from __future__ import annotations

import weakref
from datetime import date

from django.core.files.storage import default_storage
from django_scopes import scopes_disabled

from schools.imports import pending
from schools.models import PartnerOrganization, PartnerRepresentative, Student
from tests.conftest import World
from tests.permission_cases.base import Case


def _student(w: World) -> Student:
    with scopes_disabled():
        return Student.objects.create(
            school=w.a.school,
            last_name=w.a.marker,
            first_name="Пётр",
            birth_date=date(2011, 5, 17),
            grade="8А",
        )


def _partner(w: World) -> PartnerOrganization:
    with scopes_disabled():
        return PartnerOrganization.objects.create(school=w.a.school, name=f"ООО «{w.a.marker}»")


def _representative(w: World) -> PartnerRepresentative:
    partner = _partner(w)
    with scopes_disabled():
        return PartnerRepresentative.objects.create(
            school=w.a.school, organization=partner, last_name=w.a.marker, first_name="Олег"
        )


def _listed(w: World) -> dict:
    """A list page: school A has a student and a partner named with its marker."""
    _student(w)
    _partner(w)
    return {}


def _pending_staff_file(w: World) -> dict:
    """A checked staff file of school A waiting for confirmation; removed with the test's world."""
    content = "Фамилия;Имя;Отчество;Год рождения;Должность\nНовикова;Ольга;Ивановна;1990;учитель\n"
    token = pending.store(school=w.a.school, kind="staff", extension=".csv", content=content.encode())
    name = f"{pending.ROOT}/{w.a.school.pk}/staff-{token}.csv"
    weakref.finalize(w, lambda: default_storage.exists(name) and default_storage.delete(name))
    return {"token": token}


CASES: dict[str, Case] = {
    "schools:staff-create": Case(owner_role="curator"),
    "schools:staff-edit": Case(
        owner_role="curator", kwargs=lambda w: {"pk": w.a.staff.pk}, addresses_object=True
    ),
    "schools:student-list": Case(owner_role="curator", kwargs=_listed),
    "schools:student-create": Case(owner_role="curator"),
    "schools:student-detail": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _student(w).pk}, addresses_object=True
    ),
    "schools:student-edit": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _student(w).pk}, addresses_object=True
    ),
    "schools:partner-list": Case(owner_role="curator", kwargs=_listed),
    "schools:partner-create": Case(owner_role="curator"),
    "schools:partner-detail": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _partner(w).pk}, addresses_object=True
    ),
    "schools:partner-edit": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _partner(w).pk}, addresses_object=True
    ),
    "schools:partner-rep-create": Case(
        owner_role="curator", kwargs=lambda w: {"partner_pk": _partner(w).pk}, addresses_object=True
    ),
    "schools:partner-rep-edit": Case(
        owner_role="curator",
        kwargs=lambda w: {"partner_pk": (r := _representative(w)).organization_id, "pk": r.pk},
        addresses_object=True,
    ),
    "schools:import": Case(owner_role="curator", kwargs=lambda w: {"kind": "staff"}),
    "schools:import-confirm": Case(
        owner_role="curator",
        method="post",
        kwargs=lambda w: {"kind": "staff"},
        data=_pending_staff_file,
        addresses_object=True,
        owner_status=302,
    ),
    "schools:import-template": Case(owner_role="curator", kwargs=lambda w: {"kind": "staff"}),
    # The export of each school holds its own records only: school A's marker must not reach others.
    "schools:export": Case(owner_role="curator", kwargs=lambda w: {"kind": "staff"}),
}
