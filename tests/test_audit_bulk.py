"""Bulk writes are itemised in the audit trail like single saves (schools/audit_queryset.py)."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest
from auditlog.context import disable_auditlog, set_actor
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from programs.models import (
    AssessmentSource,
    DifficultyAssessment,
    MentoringSettings,
    PairMentee,
    Participant,
    ParticipantKind,
    RouteCorrection,
)
from programs.services import pairs as pair_services
from schools.audit import TRACKED_MODELS, Action
from schools.audit_queryset import AuditedQuerySet
from schools.models import AuditEntry, Region, Staff
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.factories import StaffFactory
from tests.test_history_import import GOOD_PAIRS, people, run  # noqa: F401  (people is a fixture)
from tests.test_pairs_views import make_pair
from tests.test_routes import _route

ROOT = Path(__file__).resolve().parent.parent


def _assessment(staff: Staff, comment: str = "", year: int = 2026) -> DifficultyAssessment:
    with scopes_disabled():
        return DifficultyAssessment.objects.create(
            school_id=staff.school_id,
            staff=staff,
            school_year=year,
            source=AssessmentSource.choices[0][0],
            comment=comment,
        )


def _entries(model: str, action: int, **filters) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(content_type__model=model, action=action, **filters).order_by("pk")
        )


# --- The gate: no tracked model writes in bulk past the trail -----------------------------------


@pytest.mark.parametrize("label", sorted(TRACKED_MODELS))
def test_every_tracked_model_builds_its_querysets_from_the_audited_one(label):
    model = apps.get_model(label)
    for manager in model._meta.managers:
        assert issubclass(manager._queryset_class, AuditedQuerySet), (
            f"{label}.{manager.name}: bulk writes would not reach the audit trail — "
            "use SchoolScopedManager or schools.audit_queryset.AuditedManager"
        )


def test_no_product_code_writes_in_bulk_through_an_unaudited_base_manager():
    """``_base_manager`` is Django's plain manager: a bulk write through it is not itemised.

    Only the trail itself may (its entries are not tracked rows).
    """
    found = []
    for folder in ("schools", "programs", "monitoring", "mentoring"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"update", "bulk_create", "bulk_update"}
                ):
                    continue
                text = ast.unparse(node.func.value)
                if "_base_manager" in text and not text.startswith("AuditEntry."):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}.{node.func.attr}")
    assert found == []


# --- What is recorded -----------------------------------------------------------------------------


def test_bulk_created_rows_get_one_create_entry_each_with_their_school(world):
    school = world.a.school
    mentees = [f.teacher(school, experience_years=1) for _ in range(3)]

    pair = make_pair(world, mentor=f.mentor(school, capacity=10), mentees=mentees)

    with scopes_disabled():
        links = list(PairMentee.objects.filter(pair=pair).order_by("pk"))
    entries = _entries("pairmentee", Action.CREATE)
    assert [e.object_pk for e in entries] == [str(link.pk) for link in links]
    assert {e.school_id for e in entries} == {school.pk}
    assert all(e.changes["mentee"][0] == "None" for e in entries)
    assert {e.changes["mentee"][1] for e in entries} == {str(m.pk) for m in mentees}
    assert {e.object_repr for e in entries} == {m.full_name for m in mentees}  # named as a save names it


def test_the_text_relations_are_declared_for_tracked_models_only():
    from schools.audit import TEXT_RELATIONS

    assert set(TEXT_RELATIONS) <= set(TRACKED_MODELS)


def test_an_update_of_many_rows_records_old_and_new_values_of_the_changed_rows_only(world):
    school = world.a.school
    assessments = [_assessment(StaffFactory(school=school), comment=f"№{n}") for n in range(3)]
    with scopes_disabled():
        DifficultyAssessment.objects.filter(pk=assessments[0].pk).update(comment="уже так")
        first_entries = len(_entries("difficultyassessment", Action.UPDATE))

        changed = DifficultyAssessment.objects.filter(pk__in=[a.pk for a in assessments]).update(
            comment="уже так"
        )

    assert changed == 3
    entries = _entries("difficultyassessment", Action.UPDATE)[first_entries:]
    assert sorted(e.object_pk for e in entries) == sorted(str(a.pk) for a in assessments[1:])
    assert {e.object_pk: e.changes for e in entries} == {
        str(a.pk): {"comment": [a.comment, "уже так"]} for a in assessments[1:]
    }
    assert {e.school_id for e in entries} == {school.pk}


def test_an_update_of_left_out_fields_only_writes_no_entry_and_reads_nothing_more(
    world, django_assert_num_queries
):
    school = world.a.school
    with scopes_disabled():
        settings = MentoringSettings.objects.get_or_create(school=school)[0]
        before = len(_entries("mentoringsettings", Action.UPDATE))
        with django_assert_num_queries(1):  # no read before and after: updated_at is never recorded
            MentoringSettings.objects.filter(pk=settings.pk).update(updated_at=settings.updated_at)
    assert len(_entries("mentoringsettings", Action.UPDATE)) == before


def test_bulk_update_is_itemised_too(world):
    school = world.a.school
    people_ = [StaffFactory(school=school, position="учитель") for _ in range(2)]
    for person in people_:
        person.position = "методист"
    with scopes_disabled():
        Staff.objects.bulk_update(people_, ["position"])
    entries = _entries("staff", Action.UPDATE)
    assert {e.object_pk for e in entries} >= {str(p.pk) for p in people_}
    assert all(e.changes == {"position": ["учитель", "методист"]} for e in entries[-2:])


def test_a_queryset_delete_is_itemised_by_the_signals(world):
    route = _route(world.a.staff)
    with scopes_disabled():
        rows = [
            RouteCorrection.objects.create(route=route, date=date(2026, 10, n + 1), description=f"Правка {n}")
            for n in range(3)
        ]

        RouteCorrection.objects.filter(route=route).delete()

    deleted = _entries("routecorrection", Action.DELETE)
    assert sorted(e.object_pk for e in deleted) == sorted(str(r.pk) for r in rows)
    assert {e.school_id for e in deleted} == {world.a.school.pk}


def test_the_entries_of_a_bulk_write_roll_back_with_it(world):
    school = world.a.school
    people_ = [StaffFactory(school=school, position="учитель") for _ in range(2)]
    before = AuditEntry._base_manager.count()
    with pytest.raises(RuntimeError), transaction.atomic(), scopes_disabled():
        Staff.objects.filter(pk__in=[p.pk for p in people_]).update(position="завуч")
        assert AuditEntry._base_manager.count() == before + 2
        raise RuntimeError("the service failed after the write")
    assert AuditEntry._base_manager.count() == before


def test_the_actor_and_address_of_the_request_go_into_bulk_entries(world):
    school = world.a.school
    curator = world.user("a", "curator")
    person = StaffFactory(school=school, position="учитель")
    with set_actor(curator, remote_addr="192.0.2.7"), school_scope([school.pk]):
        Staff.objects.filter(pk=person.pk).update(position="педагог-психолог")
    [entry] = _entries("staff", Action.UPDATE, object_pk=str(person.pk))
    assert (entry.actor, entry.actor_email, entry.remote_addr) == (curator, curator.email, "192.0.2.7")


def test_global_rows_and_disabled_logging(world):
    with scopes_disabled():
        Region.objects.filter(pk=world.a.school.municipality.region_id).update(name="Новый регион")
        with disable_auditlog():
            Region.objects.filter(pk=world.a.school.municipality.region_id).update(name="Без записи")
    [entry] = _entries("region", Action.UPDATE)
    assert entry.changes["name"][1] == "Новый регион" and entry.school_id is None


def test_ignore_conflicts_skips_the_existing_rows_and_itemises_the_inserted_ones(world):
    school = world.a.school
    first, second = StaffFactory(school=school), StaffFactory(school=school)
    with scopes_disabled():
        existing = Participant.objects.create(school=school, kind=ParticipantKind.STAFF, staff=first)
        rows = [Participant(school=school, kind=ParticipantKind.STAFF, staff=p) for p in (first, second)]

        Participant.objects.bulk_create(rows, ignore_conflicts=True)

        assert Participant.objects.filter(staff__in=[first, second]).count() == 2
        inserted = Participant.objects.get(staff=second)
    created = {e.object_pk for e in _entries("participant", Action.CREATE)}
    assert {str(existing.pk), str(inserted.pk)} <= created
    assert len(_entries("participant", Action.CREATE, object_pk=str(existing.pk))) == 1


def test_update_conflicts_is_refused_for_tracked_rows(world):
    with pytest.raises(TypeError, match="not audited"), scopes_disabled():
        MentoringSettings.objects.bulk_create(
            [MentoringSettings(school=world.a.school)],
            update_conflicts=True,
            unique_fields=["school"],
            update_fields=["order_number_format"],
        )


def test_changing_the_mentees_of_a_pair_records_who_left_and_who_came(world):
    school = world.a.school
    old, new = f.teacher(school, experience_years=1), f.teacher(school, experience_years=1)
    pair = make_pair(world, mentees=[old])
    with scopes_disabled():
        pair_services.change_mentees(pair, mentees=[new], acting_user=world.user("a", "curator"))
    [left] = _entries("pairmentee", Action.DELETE)
    came = _entries("pairmentee", Action.CREATE)[-1]
    assert left.changes["mentee"] == [str(old.pk), "None"] and came.changes["mentee"] == ["None", str(new.pk)]


def test_a_history_import_itemises_every_row_it_writes(world, people):  # noqa: F811
    report = run("pairs", world.a.school, GOOD_PAIRS)
    assert report.ok
    with scopes_disabled():
        from programs.models import MentoringPair, MentorProfile

        pairs = set(MentoringPair.objects.filter(school=world.a.school).values_list("pk", flat=True))
        links = set(PairMentee.objects.filter(pair_id__in=pairs).values_list("pk", flat=True))
        profiles = set(MentorProfile.objects.filter(school=world.a.school).values_list("pk", flat=True))
    assert {int(e.object_pk) for e in _entries("mentoringpair", Action.CREATE)} == pairs
    assert {int(e.object_pk) for e in _entries("pairmentee", Action.CREATE)} == links
    assert {int(e.object_pk) for e in _entries("mentorprofile", Action.CREATE)} >= profiles
    assert {e.school_id for e in _entries("mentoringpair", Action.CREATE)} == {world.a.school.pk}


def test_anonymisation_records_the_cleared_rows_without_their_old_values(client, world):
    school = world.a.school
    teacher = StaffFactory(school=school, last_name="Ветрова", first_name="Ольга", patronymic="Юрьевна")
    assessment = _assessment(teacher, comment="боится открытых уроков")
    client.force_login(world.user("a", "curator"))

    response = client.post(
        reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": teacher.pk}),
        {"confirmation": "Ветрова Ольга Юрьевна"},
    )

    assert response.status_code == 302
    [entry] = _entries("difficultyassessment", Action.UPDATE, object_pk=str(assessment.pk))
    assert entry.actor == world.user("a", "curator") and list(entry.changes) == ["comment"]
    with scopes_disabled():
        trail = json.dumps(list(AuditEntry.objects.values("changes", "object_repr")), ensure_ascii=False)
    assert "боится открытых уроков" not in trail and "Ветров" not in trail


@pytest.mark.parametrize(
    "label",
    [
        "schools.Staff",
        "schools.User",
        "programs.PairMentee",
        "programs.MentoringPair",
        "programs.MentorProfile",
    ],
)
def test_the_bulk_diff_is_auditlogs_diff(world, label):
    """record_rows works out fields and defaults once per batch; the result is auditlog's own."""
    from auditlog.diff import model_instance_diff

    from schools.audit import _differ

    make_pair(world)
    model = apps.get_model(label)
    with scopes_disabled():
        rows = list(model._base_manager.order_by("pk")[:5])
    assert rows
    concrete = [f.name for f in model._meta.concrete_fields]
    diff = _differ(model)
    for row in rows:
        changed = model._base_manager.get(pk=row.pk)
        for field in model._meta.concrete_fields:
            if isinstance(getattr(changed, field.attname), str) and not field.primary_key:
                setattr(changed, field.attname, getattr(changed, field.attname) + "·")
        for old, new in ((None, row), (row, changed), (row, None)):
            expected = model_instance_diff(old, new, fields_to_check=concrete)
            assert diff(old, new) == ({k: tuple(v) for k, v in expected.items()} if expected else None), (
                label,
                old,
                new,
            )
