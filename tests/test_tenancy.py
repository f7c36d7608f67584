"""The scoping layer: scoped managers refuse to read outside a scope and filter inside one."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError, scopes_disabled

from mentoring.celery import app as celery_app
from schools.models import School, Staff
from schools.tenancy import SchoolScopedTask, school_scope


@pytest.mark.parametrize(
    "read",
    [
        lambda: list(Staff.objects.all()),
        lambda: Staff.objects.filter(last_name="x").first(),
        lambda: Staff.objects.count(),
        lambda: Staff.objects.exists(),
        lambda: Staff.objects.in_bulk([1]),
        lambda: Staff.objects.get(pk=1),
        lambda: Staff.objects.values_list("pk"),
        lambda: list(School.objects.all()),
    ],
    ids=["all", "filter", "count", "exists", "in_bulk", "get", "values_list", "schools"],
)
def test_every_read_outside_a_scope_raises(world, read):
    with pytest.raises(ScopeError):
        read()


def test_a_scope_shows_only_its_schools(world):
    with school_scope([world.a.school.pk]):
        names = set(Staff.objects.values_list("last_name", flat=True))
        assert names == {world.a.marker}
        assert list(School.objects.all()) == [world.a.school]
        assert not Staff.objects.filter(pk=world.b.staff.pk).exists()
    with school_scope([world.a.school.pk, world.c.school.pk]):
        assert Staff.objects.count() == 2


def test_an_empty_scope_shows_nothing(world):
    with school_scope([]):
        assert Staff.objects.count() == 0


def test_none_is_never_taken_for_all_schools(world):
    with pytest.raises(ScopeError), school_scope(None):
        pass


def test_reverse_relations_are_scoped_too(world):
    with school_scope([world.b.school.pk]):
        assert list(world.a.users["mentee"].staff_records.all()) == []
    with school_scope([world.a.school.pk]):
        assert list(world.a.users["mentee"].staff_records.all()) == [world.a.staff]


def test_creating_rows_needs_no_scope(world):
    staff = Staff.objects.create(
        school=world.a.school, last_name="Новикова", first_name="Ольга", position="учитель"
    )
    with scopes_disabled():
        assert Staff.objects.filter(pk=staff.pk).exists()


@celery_app.task(base=SchoolScopedTask, name="tests.count_staff")
def count_staff() -> int:
    return Staff.objects.count()


def test_a_scoped_task_runs_inside_the_scope_it_was_queued_with(world):
    assert count_staff.delay(scope_school_ids=[world.a.school.pk]).get() == 1
    assert count_staff.delay(scope_school_ids=[world.a.school.pk, world.b.school.pk]).get() == 2


def test_a_scoped_task_refuses_to_run_without_a_scope(world):
    with pytest.raises(ScopeError):
        count_staff.delay().get()


def test_reverse_relations_through_a_parent_keep_their_path_to_the_school(world):
    """Django builds reverse managers without arguments; the path must survive that."""
    from programs.models import DifficultyArea, DifficultyAssessment, DifficultyRating

    with scopes_disabled():
        assessment = DifficultyAssessment.objects.create(
            school=world.a.school, staff=world.a.staff, school_year=2026, source="self"
        )
        DifficultyRating.objects.create(assessment=assessment, area=DifficultyArea.objects.first(), level=2)
    with school_scope([world.a.school.pk]):
        assert [r.level for r in assessment.ratings.all()] == [2]
    with school_scope([world.b.school.pk]):
        assert list(assessment.ratings.all()) == []
    with pytest.raises(ScopeError):
        list(assessment.ratings.all())


def test_search_ignores_the_case_of_cyrillic_letters(world):
    with school_scope([world.a.school.pk]):
        assert Staff.objects.filter(last_name__icontains=world.a.marker.lower()).count() == 1
        assert Staff.objects.filter(last_name__icontains="МАРКЕРОВА").count() == 1
        assert Staff.objects.filter(last_name__icontains="нет такой").count() == 0
