"""Reads for the schools screens. Every query here runs inside the request's school scope.

Lists are built with a fixed number of queries (annotations, select_related), whatever the number
of schools or people: see tests/test_query_counts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from schools.models import (
    EmploymentStatus,
    Membership,
    Municipality,
    PartnerOrganization,
    PartnerRepresentative,
    Role,
    School,
    SchoolKind,
    Staff,
    Student,
)
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


# --- Registries: students and partner organisations ----------------------------------------------

ADULT_AGE = 18
STUDENT_SORTS: dict[str, tuple] = {
    "name": ("last_name", "first_name", "patronymic"),
    # 9Б before 10А: shorter class names first, then alphabetically.
    "grade": (Length("grade"), "grade", "last_name", "first_name", "patronymic"),
    "birth_date": ("birth_date", "last_name", "first_name", "patronymic"),
}
PARTNER_SORTS: dict[str, tuple] = {
    "name": ("name",),
    "kind": ("kind", "name"),
    "representatives": ("representative_count", "name"),
}


def _sorted(queryset: QuerySet, sorts: dict[str, tuple], sort: str) -> QuerySet:
    """Order by a whitelisted key; «-key» reverses it. Unknown keys fall back to the first one."""
    descending = sort.startswith("-")
    fields = sorts.get(sort.lstrip("-")) or next(iter(sorts.values()))
    order = []
    for f in (*fields, "pk"):
        expression = F(f) if isinstance(f, str) else f
        order.append(expression.desc() if descending else expression.asc())
    return queryset.order_by(*order)


def adult_birth_date_limit(today: date) -> date:
    """Whoever was born after this day is under 18 on ``today``."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def student_list(
    *,
    q: str = "",
    grade: str = "",
    status: str = "active",
    minors: bool = False,
    no_guardian: bool = False,
    sort: str = "name",
    today: date | None = None,
) -> QuerySet[Student]:
    today = today or timezone.localdate()
    students = Student.objects.all()
    for word in q.split():
        students = students.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
            | Q(grade__icontains=word)
            | Q(guardian_name__icontains=word)
        )
    if grade:
        students = students.filter(grade=grade)
    if status == "active":
        students = students.filter(is_active=True)
    elif status == "left":
        students = students.filter(is_active=False)
    minor = Q(birth_date__gt=adult_birth_date_limit(today))
    if minors:
        students = students.filter(minor)
    if no_guardian:
        students = students.filter(minor, guardian_name="")
    return _sorted(students, STUDENT_SORTS, sort)


def student_grades() -> list[str]:
    """The classes of the school's students, 9Б before 10А (sorted here: DISTINCT limits ORDER BY)."""
    grades = Student.objects.order_by().values_list("grade", flat=True).distinct()
    return sorted(grades, key=lambda g: (len(g), g))


def student_detail_queryset() -> QuerySet[Student]:
    return Student.objects.select_related("school", "user")


def partner_list(*, q: str = "", kind: str = "", sort: str = "name") -> QuerySet[PartnerOrganization]:
    partners = PartnerOrganization.objects.annotate(representative_count=Count("representatives"))
    for word in q.split():
        partners = partners.filter(
            Q(name__icontains=word) | Q(inn__icontains=word) | Q(address__icontains=word)
        )
    if kind:
        partners = partners.filter(kind=kind)
    return _sorted(partners, PARTNER_SORTS, sort)


def partner_detail_queryset() -> QuerySet[PartnerOrganization]:
    return PartnerOrganization.objects.select_related("school")


def partner_representatives(partner: PartnerOrganization) -> QuerySet[PartnerRepresentative]:
    return PartnerRepresentative.objects.filter(organization=partner).order_by(
        "last_name", "first_name", "patronymic", "pk"
    )
