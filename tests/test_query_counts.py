"""Lists and home pages run a fixed number of queries, however many schools and people there are.

Each test measures a page on a small data set, grows the data tenfold or more, and requires the
same page to need no more queries than before (an N+1 would grow with the rows).
"""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from schools.models import (
    EmploymentStatus,
    Membership,
    Municipality,
    QualificationCategory,
    Role,
    School,
    SchoolKind,
    Staff,
    User,
)
from tests.conftest import ALL_ROLE_NAMES
from tests.factories import password_hash

_serial = count(1)


def _add_staff(school: School, n: int) -> None:
    statuses = list(EmploymentStatus.values)
    categories = list(QualificationCategory.values)
    with scopes_disabled():
        Staff.objects.bulk_create(
            [
                Staff(
                    school=school,
                    last_name=f"Сотрудникова{next(_serial)}",
                    first_name="Ольга",
                    patronymic="Ивановна",
                    position="учитель",
                    subjects="русский язык",
                    hire_date=date(2020, 9, 1),
                    experience_years=i % 12,
                    has_pedagogical_education=i % 5 != 0,
                    qualification_category=categories[i % len(categories)],
                    employment_status=statuses[i % len(statuses)],
                )
                for i in range(n)
            ]
        )


def _add_schools(municipalities: list[Municipality], n: int, staff_each: int = 3) -> None:
    kinds = list(SchoolKind.values)
    with scopes_disabled():
        schools = School.objects.bulk_create(
            [
                School(
                    municipality=municipalities[i % len(municipalities)],
                    code=f"bulk-{(k := next(_serial))}",
                    kind=kinds[i % len(kinds)],
                    short_name=f"МБОУ СОШ № {k}",
                    full_name=f"Муниципальное бюджетное общеобразовательное учреждение № {k}",
                    district=f"Район {i % 7}",
                )
                for i in range(n)
            ]
        )
    for school in schools:
        _add_staff(school, staff_each)


def _add_municipalities(region, n: int) -> list[Municipality]:
    return Municipality.objects.bulk_create(
        [
            Municipality(region=region, code=f"bulk-mun-{(k := next(_serial))}", name=f"Округ № {k}")
            for _ in range(n)
        ]
    )


def _add_team(school: School, n: int) -> None:
    """n more people with a managing role in the school (they are listed on its pages)."""
    with scopes_disabled():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"team-{(k := next(_serial))}",
                    last_name=f"Командная{k}",
                    password=password_hash(),
                )
                for _ in range(n)
            ]
        )
        roles = [Role.CURATOR, Role.PSYCHOLOGIST, Role.DIRECTOR]
        Membership.objects.bulk_create(
            [Membership(user=u, role=roles[i % len(roles)], school=school) for i, u in enumerate(users)]
        )


def _grow_territory(world, schools: int, new_municipalities: int) -> None:
    """More schools in municipality 1 and in new municipalities of the same region."""
    with scopes_disabled():
        mun1 = world.a.school.municipality
        municipalities = [mun1, *_add_municipalities(mun1.region, new_municipalities)]
    _add_schools(municipalities, schools)


def _count_queries(client, url: str) -> int:
    client.get(url)  # warm-up: one-time lookups (content types, etc.) are not what we measure
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _assert_no_more_queries(client, url: str, limit: int, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("query", ["", "?young=on", "?q=Сотрудникова&status=works"])
def test_the_staff_list_needs_as_many_queries_for_120_people_as_for_5(
    client, world, django_assert_max_num_queries, query
):
    school = world.a.school
    client.force_login(world.user("a", "curator"))
    url = reverse("schools:staff-list") + query
    _add_staff(school, 4)  # 5 with the marker person

    small = _count_queries(client, url)
    _add_staff(school, 115)
    with scopes_disabled():
        assert Staff.objects.filter(school=school).count() == 120

    _assert_no_more_queries(client, url, small, django_assert_max_num_queries)


@pytest.mark.parametrize("query", ["", "?kind=general", "?q=СОШ&district=Район 1"])
def test_the_school_list_needs_as_many_queries_for_200_schools_as_for_10(
    client, world, django_assert_max_num_queries, query
):
    client.force_login(world.user("a", "municipal_methodist"))
    url = reverse("schools:school-list") + query
    mun1 = world.a.school.municipality
    _add_schools([mun1], 8)  # 10 with schools A and B

    small = _count_queries(client, url)
    _add_schools([mun1], 190)
    with scopes_disabled():
        assert School.objects.filter(municipality=mun1).count() == 200

    _assert_no_more_queries(client, url, small, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ALL_ROLE_NAMES)
def test_each_home_page_needs_as_many_queries_for_200_schools_as_for_10(
    client, world, django_assert_max_num_queries, role
):
    client.force_login(world.user("a", role))
    url = reverse("home")
    _grow_territory(world, schools=8, new_municipalities=1)
    _add_team(world.a.school, 2)

    small = _count_queries(client, url)
    _grow_territory(world, schools=190, new_municipalities=9)
    _add_team(world.a.school, 20)
    _add_staff(world.a.school, 100)
    with scopes_disabled():
        assert School.objects.filter(municipality__region=world.a.school.municipality.region).count() == 200

    _assert_no_more_queries(client, url, small, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ["municipal_methodist", "regional_methodist", "admin"])
def test_the_school_detail_needs_as_many_queries_for_a_big_school_as_for_a_small_one(
    client, world, django_assert_max_num_queries, role
):
    client.force_login(world.user("a", role))
    url = reverse("schools:school-detail", kwargs={"pk": world.a.school.pk})
    _add_staff(world.a.school, 4)

    small = _count_queries(client, url)
    _add_staff(world.a.school, 150)
    _add_team(world.a.school, 30)
    _grow_territory(world, schools=100, new_municipalities=3)

    _assert_no_more_queries(client, url, small, django_assert_max_num_queries)


def test_the_staff_detail_page_runs_a_fixed_handful_of_queries(client, world, django_assert_max_num_queries):
    """One person's card: the tenant, the record with its school and account, the session."""
    client.force_login(world.user("a", "curator"))
    url = reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk})
    small = _count_queries(client, url)
    _add_staff(world.a.school, 100)
    _add_team(world.a.school, 20)
    _assert_no_more_queries(client, url, small, django_assert_max_num_queries)
