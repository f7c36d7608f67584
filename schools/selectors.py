"""Reads for the schools screens. Every query here runs inside the request's school scope.

Lists are built with a fixed number of queries (annotations, select_related), whatever the number
of schools or people: see tests/test_query_counts.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from schools.models import EmploymentStatus, Membership, Municipality, Role, School, SchoolKind, Staff
from schools.tenancy import Tenant

YOUNG_SPECIALIST_MAX_YEARS = 3
WORKING = Q(employment_status=EmploymentStatus.WORKS)


def staff_list(*, q: str = "", status: str = "", young: bool = False) -> QuerySet[Staff]:
    staff = Staff.objects.all()
    for word in q.split():
        staff = staff.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
            | Q(position__icontains=word)
            | Q(subjects__icontains=word)
        )
    if status:
        staff = staff.filter(employment_status=status)
    if young:
        staff = staff.filter(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)
    return staff.order_by("last_name", "first_name", "patronymic", "pk")


def staff_detail_queryset() -> QuerySet[Staff]:
    return Staff.objects.select_related("school", "user")


def _staff_counts(prefix: str = "") -> dict[str, Count]:
    """Working staff, young specialists among them, and those without pedagogical education."""
    working = Q(**{f"{prefix}employment_status": EmploymentStatus.WORKS})
    return {
        "staff_count": Count(f"{prefix}pk", filter=working),
        "young_count": Count(
            f"{prefix}pk",
            filter=working & Q(**{f"{prefix}experience_years__lte": YOUNG_SPECIALIST_MAX_YEARS}),
        ),
        "no_ped_education_count": Count(
            f"{prefix}pk", filter=working & Q(**{f"{prefix}has_pedagogical_education": False})
        ),
    }


@dataclass(frozen=True)
class SchoolStaffSummary:
    staff_count: int
    young_count: int
    no_ped_education_count: int


def school_staff_summary(school: School) -> SchoolStaffSummary:
    return SchoolStaffSummary(**Staff.objects.filter(school=school).aggregate(**_staff_counts()))


def school_team(school: School) -> list[Membership]:
    """Who holds the managing roles of a school: the director first, then curators, then the psychologist."""
    team_roles = [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST]
    role_order = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(team_roles)),
        default=Value(len(team_roles)),
        output_field=IntegerField(),
    )
    return list(
        Membership.objects.filter(school=school, is_active=True, role__in=team_roles)
        .select_related("user")
        .order_by(role_order, "user__last_name", "user__first_name", "pk")
    )


def school_list(*, q: str = "", kind: str = "", district: str = "") -> QuerySet[School]:
    schools = School.objects.select_related("municipality").annotate(**_staff_counts("staff__"))
    for word in q.split():
        schools = schools.filter(
            Q(short_name__icontains=word) | Q(full_name__icontains=word) | Q(code__icontains=word)
        )
    if kind:
        schools = schools.filter(kind=kind)
    if district:
        schools = schools.filter(district=district)
    return schools.order_by("municipality__name", "short_name", "pk")


def districts() -> list[str]:
    return list(
        School.objects.exclude(district="").order_by("district").values_list("district", flat=True).distinct()
    )


@dataclass(frozen=True)
class TerritorySummary:
    """Headline numbers of the schools in the current scope, split by school type."""

    schools_by_kind: dict[str, int]
    schools_total: int
    staff_count: int
    young_count: int
    no_ped_education_count: int


def territory_summary() -> TerritorySummary:
    by_kind = dict(School.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))
    totals = Staff.objects.aggregate(**_staff_counts())
    return TerritorySummary(
        schools_by_kind={SchoolKind.short_label(k): by_kind.get(k, 0) for k in SchoolKind.values},
        schools_total=sum(by_kind.values()),
        **totals,
    )


@dataclass(frozen=True)
class MunicipalityRow:
    municipality: Municipality
    schools_total: int
    staff_count: int
    young_count: int


def municipality_rows(tenant: Tenant) -> list[MunicipalityRow]:
    """One row per municipality of the regional methodist's region, in two grouped queries."""
    region = tenant.active.region if tenant.active else None
    municipalities = Municipality.objects.all()
    if region is not None:
        municipalities = municipalities.filter(region=region)
    schools = dict(School.objects.values_list("municipality_id").annotate(n=Count("pk")).order_by())
    staff = {
        row["school__municipality_id"]: row
        for row in Staff.objects.values("school__municipality_id").annotate(**_staff_counts()).order_by()
    }
    return [
        MunicipalityRow(
            municipality=m,
            schools_total=schools.get(m.pk, 0),
            staff_count=staff.get(m.pk, {}).get("staff_count", 0),
            young_count=staff.get(m.pk, {}).get("young_count", 0),
        )
        for m in municipalities
    ]


def platform_counts() -> dict[str, int]:
    """For the platform administrator, whose requests run with scopes disabled."""
    from schools.models import Region, User

    return {
        "regions": Region.objects.count(),
        "municipalities": Municipality.objects.count(),
        "schools": School.objects.count(),
        "users": User.objects.filter(is_active=True).count(),
    }
