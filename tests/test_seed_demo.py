"""``manage.py seed_demo``: deterministic, idempotent demo data with accounts for every role."""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_scopes import scopes_disabled

from schools import demo
from schools.models import (
    EmploymentStatus,
    Membership,
    Municipality,
    Region,
    Role,
    School,
    SchoolKind,
    Staff,
    User,
)

SCHOOL_ROLES = ["director", "curator", "psychologist", "mentor", "mentee"]
ALL_ROLES = {"admin", "regional_methodist", "municipal_methodist", *SCHOOL_ROLES}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def staff_digest() -> str:
    """Every demo staff row in a fixed order, hashed: equal digests mean equal data."""
    h = hashlib.sha256()
    with scopes_disabled():
        rows = Staff.objects.order_by("school__code", "last_name", "first_name", "patronymic", "position")
        for row in rows.values_list(
            "school__code",
            "last_name",
            "first_name",
            "patronymic",
            "position",
            "experience_years",
            "hire_date",
        ):
            h.update(repr(row).encode())
    return h.hexdigest()


def monitoring_digest() -> str:
    """Pairs, programs, campaigns' submissions and questionnaires, hashed (ids left out)."""
    from monitoring.models import Submission, SurveyResponse
    from programs.models import MentoringPair, PersonalizedProgram

    h = hashlib.sha256()
    with scopes_disabled():
        for query, fields in (
            (
                MentoringPair.objects.order_by("pk"),
                ("school__code", "status", "start_date", "ended_on", "kind__code", "is_network"),
            ),
            (
                PersonalizedProgram.objects.order_by("pk"),
                ("school__code", "status", "approved_at", "ended_on", "end_reason", "is_best_practice"),
            ),
            (
                Submission.objects.order_by("pk"),
                ("school__code", "campaign__school_year", "status", "level", "strengths"),
            ),
            (
                SurveyResponse.objects.order_by("pk"),
                ("school__code", "kind", "is_anonymous", "score", "submitted_at"),
            ),
        ):
            for row in query.values_list(*fields):
                h.update(repr(row).encode())
    return h.hexdigest()


def counts() -> tuple[int, int, int, int, int]:
    with scopes_disabled():
        return (
            Municipality.objects.count(),
            School.objects.count(),
            Staff.objects.count(),
            User.objects.count(),
            Membership.objects.count(),
        )


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_in_a_fresh_database():
    try:
        with transaction.atomic():
            seed()
            first = staff_digest()
            first_monitoring = monitoring_digest()
            with scopes_disabled():
                first_names = list(
                    Staff.objects.filter(school__code="mo01-003")
                    .order_by("pk")
                    .values_list("last_name", "first_name")
                )
            raise _Rollback
    except _Rollback:
        pass
    assert not Region.objects.exists()  # the first run is gone: the second one starts from scratch

    seed()
    assert staff_digest() == first
    assert monitoring_digest() == first_monitoring
    with scopes_disabled():
        again = list(
            Staff.objects.filter(school__code="mo01-003")
            .order_by("pk")
            .values_list("last_name", "first_name")
        )
    assert again == first_names
    assert len(first_names) >= 25


def test_the_plan_depends_on_the_seed_only():
    assert demo.plan_digest(demo.build_plan(seed=1)) == demo.plan_digest(demo.build_plan(seed=1))
    assert demo.plan_digest(demo.build_plan(seed=1)) != demo.plan_digest(demo.build_plan(seed=2))


@pytest.mark.django_db
def test_default_run_builds_municipalities_with_schools_and_staff():
    out = seed()
    assert "Демонстрационные данные загружены" in out

    region = Region.objects.get(code="demo-region")
    assert region.name == "Саратовская область"
    municipalities = list(Municipality.objects.filter(region=region).order_by("code"))
    assert [m.code for m in municipalities] == ["mo01", "mo02"]
    assert all(m.office_name.startswith(("Управление", "Комитет", "Отдел")) for m in municipalities)

    with scopes_disabled():
        assert School.objects.count() == 16
        for m in municipalities:
            kinds = Counter(School.objects.filter(municipality=m).values_list("kind", flat=True))
            assert kinds[SchoolKind.GENERAL] >= 3
            assert kinds[SchoolKind.ADDITIONAL] >= 2
            assert kinds[SchoolKind.VOCATIONAL] >= 1
        school = School.objects.get(code="mo01-001")
        assert school.full_name.startswith("Муниципальное")
        assert school.short_name and school.address and school.phone and school.email and school.district
        assert school.director_name == school.staff.get(position="директор").full_name

        for s in School.objects.all():
            size = s.staff.count()
            low, high = {"general": (25, 45), "additional": (10, 20), "vocational": (20, 35)}[s.kind]
            assert low <= size <= high, (s.code, size)

        staff = list(Staff.objects.all())
        young = [p for p in staff if p.experience_years <= 3]
        assert 0.12 <= len(young) / len(staff) <= 0.25
        assert sum(p.has_pedagogical_education for p in staff) / len(staff) > 0.75
        statuses = Counter(p.employment_status for p in staff)
        assert statuses[EmploymentStatus.WORKS] / len(staff) > 0.85
        assert len(statuses) >= 3  # some on leave or dismissed, too
        for p in staff:
            age = 2026 - p.birth_year
            assert age >= p.experience_years + 20, p
            assert p.email and p.hire_date
            # Gender agreement of the patronymic and the surname («Иванова Мария Петровна»).
            if p.patronymic.endswith("на"):
                assert not p.last_name.endswith(("ов", "ев", "ёв", "ин", "ский"))
            else:
                assert p.patronymic.endswith(("ич",))
                assert not p.last_name.endswith(("ова", "ева", "ина", "ская"))


@pytest.mark.django_db
def test_every_school_role_has_accounts_in_two_schools_of_each_municipality():
    seed()
    with scopes_disabled():
        for m in Municipality.objects.all():
            for role in SCHOOL_ROLES:
                schools = set(
                    Membership.objects.filter(role=role, school__municipality=m).values_list(
                        "school", flat=True
                    )
                )
                assert len(schools) >= 2, (m.code, role)
            assert Membership.objects.filter(role=Role.MUNICIPAL_METHODIST, municipality=m).exists()
        assert Membership.objects.filter(role=Role.REGIONAL_METHODIST, region__code="demo-region").exists()

        for role in SCHOOL_ROLES:
            user = User.objects.get(username=f"mo02-002.{role}")
            assert user.email == f"mo02-002.{role}@example.org"
            assert user.check_password("demo")
            record = Staff.objects.get(user=user)
            assert record.school.code == "mo02-002"
            assert (record.last_name, record.first_name, record.patronymic) == (
                user.last_name,
                user.first_name,
                user.patronymic,
            )
            assert record.employment_status == EmploymentStatus.WORKS
        by_role = {role: Staff.objects.get(user__username=f"mo01-001.{role}") for role in SCHOOL_ROLES}
        assert by_role["director"].position == "директор"
        assert by_role["curator"].position == "заместитель директора по УВР"
        assert by_role["psychologist"].position == "педагог-психолог"
        assert by_role["mentor"].experience_years >= 15
        assert by_role["mentee"].experience_years <= 2

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("demo")
    with scopes_disabled():
        assert not admin.memberships.exists()
    assert User.objects.get(username="mo01.methodist").check_password("demo")
    assert User.objects.get(username="region.methodist").check_password("demo")

    multi = User.objects.get(username="multi")
    with scopes_disabled():
        roles = sorted(multi.memberships.values_list("role", "school__code"))
        assert roles == [("curator", "mo01-001"), ("mentor", "mo01-001"), ("mentor", "mo01-002")]
        assert sorted(multi.staff_records.values_list("school__code", flat=True)) == ["mo01-001", "mo01-002"]


@pytest.mark.django_db
def test_the_showcase_mentor_also_mentors_a_network_pair_in_the_second_school():
    """mo01-001.mentor mentors a young teacher of mo01-002 (docs/user-guide.ru.md §2.6): the pair was
    fixed by order through the services, which gave the account the network role in mo01-002, and
    there — and only there — the mentor sees it."""
    from programs.models import (
        JournalEntry,
        MentoringPair,
        PairSource,
        PairStatus,
        PersonalizedProgram,
        ProgramStatus,
    )
    from programs.selectors_pairs import pairs_of_user
    from programs.services.pairs import capacity_left, missing_consents
    from schools.tenancy import school_scope
    from schools.years import school_year_of

    out = seed()
    assert "наставнических пар и групп: 86 (групп: 5; сетевых: 1;" in out
    mentor = User.objects.get(username="mo01-001.mentor")
    with scopes_disabled():
        home = Staff.objects.get(user=mentor).school
        [network] = Membership.objects.filter(user=mentor, for_network_pairs=True)
        assert (network.role, network.is_active) == (Role.MENTOR, True)
        assert network.school.code == "mo01-002" and network.school.municipality == home.municipality
        # The role in the mentor's own school is the one given with the account, unmarked.
        assert list(
            Membership.objects.filter(user=mentor, school=home).values_list("role", "for_network_pairs")
        ) == [(Role.MENTOR, False)]

        [pair] = MentoringPair.objects.filter(is_network=True)
        assert pair.school == network.school and pair.mentor.staff.user == mentor
        assert (pair.status, pair.source) == (PairStatus.ACTIVE, PairSource.MATCHING)
        assert pair.order_number and pair.order_date < pair.start_date < pair.planned_end_date
        year = school_year_of(demo.REFERENCE_DATE)
        assert school_year_of(pair.order_date) == school_year_of(pair.planned_end_date) == year
        assert not missing_consents(pair, on=pair.order_date)
        [link] = pair.mentee_links.select_related("mentee__staff")
        assert link.mentee.school == network.school and link.mentee.staff.experience_years <= 3
        assert [e.to_status for e in pair.events.exclude(to_status="").order_by("pk")] == [
            PairStatus.DRAFT,
            PairStatus.CONSENTS,
            PairStatus.FIXED,
            PairStatus.ACTIVE,
        ]
        assert capacity_left(pair.mentor.mentor_profile) >= 0
        assert PersonalizedProgram.objects.get(pair=pair).status == ProgramStatus.IN_PROGRESS
        entries = JournalEntry.objects.filter(pair=pair)
        assert entries.count() >= 2 and set(entries.values_list("author", flat=True)) == {mentor.pk}
        # The mentor's pair in their own school is there as before.
        own = MentoringPair.objects.get(school=home, status=PairStatus.ACTIVE, mentor=pair.mentor)

    with school_scope([network.school.pk]):
        assert list(pairs_of_user(mentor)) == [pair]
    with school_scope([home.pk]):
        assert pairs_of_user(mentor).filter(pk=own.pk).exists()
        assert not pairs_of_user(mentor).filter(pk=pair.pk).exists()


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed()
    before = counts()
    digest = staff_digest()
    out = seed("--schools", "30", "--seed", "7")
    assert "уже загружены" in out
    assert counts() == before
    assert staff_digest() == digest


@pytest.mark.django_db
def test_list_accounts_prints_one_json_object_per_login_and_role():
    out = seed("--list-accounts")
    lines = out.splitlines()
    rows = [json.loads(line) for line in lines]  # nothing but JSON on stdout
    assert all(list(row) == ["login", "role", "school", "municipality"] for row in rows)
    assert {row["role"] for row in rows} == ALL_ROLES

    by_key = {(row["login"], row["role"], row["school"]): row for row in rows}
    assert by_key[("admin", "admin", None)] == {
        "login": "admin",
        "role": "admin",
        "school": None,
        "municipality": None,
    }
    assert by_key[("region.methodist", "regional_methodist", None)]["school"] is None
    assert by_key[("region.methodist", "regional_methodist", None)]["municipality"] is None
    assert by_key[("mo02.methodist", "municipal_methodist", None)] == {
        "login": "mo02.methodist",
        "role": "municipal_methodist",
        "school": None,
        "municipality": "mo02",
    }
    assert by_key[("mo01-002.mentee", "mentee", "mo01-002")] == {
        "login": "mo01-002.mentee",
        "role": "mentee",
        "school": "mo01-002",
        "municipality": "mo01",
    }
    assert [(r["role"], r["school"]) for r in rows if r["login"] == "multi"] == [
        ("curator", "mo01-001"),
        ("mentor", "mo01-001"),
        ("mentor", "mo01-002"),
    ]
    # Every membership appears exactly once, plus the admin.
    with scopes_disabled():
        assert len(rows) == Membership.objects.count() + 1
    assert len(set(by_key)) == len(rows)
    for row in rows:
        assert User.objects.get(username=row["login"]).check_password("demo")

    # Alone, with the data already there: the same list, read from the database.
    assert seed("--list-accounts") == out


@pytest.mark.django_db
def test_refuses_when_demo_is_not_allowed(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="запрещена"):
        seed()
    assert not Region.objects.exists()
    with pytest.raises(CommandError):
        seed("--list-accounts")

    seed("--force")
    assert Region.objects.filter(code="demo-region").exists()


@pytest.mark.django_db
def test_refuses_when_a_demo_login_is_taken():
    User.objects.create(username="admin", email="someone@example.com")
    with pytest.raises(CommandError, match="заняты"):
        seed()
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_larger_run_splits_schools_evenly_and_keeps_the_proportions():
    out = seed("--schools", "60", "--municipalities", "3", "--seed", "5")
    assert "образовательных организаций: 60" in out
    with scopes_disabled():
        per_municipality = Counter(School.objects.values_list("municipality__code", flat=True))
        assert per_municipality == {"mo01": 20, "mo02": 20, "mo03": 20}
        kinds = Counter(School.objects.values_list("kind", flat=True))
        assert kinds[SchoolKind.GENERAL] == 42
        assert kinds[SchoolKind.ADDITIONAL] == 12
        assert kinds[SchoolKind.VOCATIONAL] == 6
        assert School.objects.filter(code="mo03-020").exists()
        names = defaultdict(set)
        for code, name in School.objects.values_list("municipality__code", "short_name"):
            assert name not in names[code], name  # short names are unique within a municipality
            names[code].add(name)
        # 42 ОУ × 25–45, 12 УДО × 10–20, 6 СПО × 20–35 people.
        assert 42 * 25 + 12 * 10 + 6 * 20 <= Staff.objects.count() <= 42 * 45 + 12 * 20 + 6 * 35
        # 3 methodists + region + admin + multi + 3 municipalities × 2 schools × 5 roles
        assert User.objects.count() == 3 + 1 + 1 + 1 + 30
        linked = Staff.objects.filter(user__isnull=False)
        assert linked.count() == 30 + 2


def test_kind_counts_keep_several_oy_and_udo():
    assert demo.kind_counts(8) == (5, 2, 1)
    general, additional, vocational = demo.kind_counts(134)
    assert (general, additional, vocational) == (94, 29, 11)
    assert demo.kind_counts(1) == (1, 0, 0)
    assert sum(demo.kind_counts(2)) == 2


@pytest.mark.django_db
def test_demo_schools_get_settings_and_different_sets_of_local_acts():
    """mo01-001 shows the full set through the real workflow; other schools differ (acts from outside,
    drafts, nothing), so the register of acts and the monitoring have something to compare."""
    from programs.models import (
        Document,
        DocumentStatus,
        ExternalAct,
        MentoringSettings,
        MentorRegistry,
        RoadmapStatus,
        SchoolRoadmap,
    )

    seed()
    with scopes_disabled():
        assert MentoringSettings.objects.count() == School.objects.count()
        settings = MentoringSettings.objects.get(school__code="mo01-001")
        assert settings.curator == Staff.objects.get(user__username="mo01-001.curator")
        assert settings.forms.filter(code="teacher-teacher").exists()
        assert MentoringSettings.objects.exclude(pay_supplement="").exists()

        showcase = Document.objects.filter(school__code="mo01-001")
        approved = set(showcase.filter(status=DocumentStatus.APPROVED).values_list("kind", flat=True))
        assert {
            "order_target_model",
            "order_curator",
            "order_regulation",
            "regulation",
            "roadmap",
        } <= approved
        regulation = showcase.get(kind="regulation")
        assert regulation.approved_via.kind == "order_regulation"
        assert regulation.registration_number.endswith("-ЛА")
        assert showcase.filter(status=DocumentStatus.SUBMITTED).exists()  # the director's queue
        assert SchoolRoadmap.objects.get(school__code="mo01-001").status == RoadmapStatus.APPROVED
        assert MentorRegistry.objects.get(school__code="mo01-001").status == MentorRegistry.Status.APPROVED
        assert all(d.content_hash for d in showcase.filter(status=DocumentStatus.APPROVED))

        assert Document.objects.filter(status=DocumentStatus.RETURNED).exists()
        assert ExternalAct.objects.filter(school__code="mo01-002", scan="").exists()
        with_acts = set(Document.objects.values_list("school__code", flat=True)) | set(
            ExternalAct.objects.values_list("school__code", flat=True)
        )
        assert "mo02-002" not in with_acts  # a school that has not started its paperwork
        assert 2 < len(with_acts) < School.objects.count()
