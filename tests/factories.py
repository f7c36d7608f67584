"""Test data builders. Rows are created with scopes disabled; tests read them inside a scope."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from schools.models import Membership, Municipality, Region, School, SchoolKind, Staff, User

PASSWORD = "test-pass-123"
_PASSWORD_HASH = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Область № {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"mun-{n}")
    name = factory.Sequence(lambda n: f"Муниципальный район № {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"sch-{n}")
    kind = SchoolKind.GENERAL
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n}")
    full_name = factory.LazyAttribute(
        lambda o: f"Муниципальное бюджетное общеобразовательное учреждение «{o.short_name}»"
    )
    district = "Центральный"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    last_name = "Петрова"
    first_name = "Анна"
    patronymic = "Сергеевна"
    password = factory.LazyFunction(password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    school = factory.SubFactory(SchoolFactory)
    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    first_name = "Мария"
    patronymic = "Петровна"
    position = "учитель математики"
    subjects = "математика"
    experience_years = 10
