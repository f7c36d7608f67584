"""Personal-data rights of a person (152-ФЗ): export, correction, anonymisation, consent withdrawal."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.compute import Period, Scope, school_values
from monitoring.models import SurveyKind, SurveyResponse
from programs import selectors
from programs.models import (
    BurnoutNote,
    Consent,
    ConsentKind,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyRating,
    Document,
    DocumentKind,
    IndividualRoute,
    JournalAttachment,
    JournalEntry,
    MentoringPair,
    MentorProfile,
    Notification,
    PairEvent,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
    RouteCorrection,
    RouteMeasure,
    RouteReflection,
)
from programs.services import matching
from programs.services import pairs as pair_service
from programs.services import programs as program_service
from programs.services.pairs import PairError
from programs.services.participants import participant_for
from programs.services.programs import ProgramError
from programs.services.reminders import Reminder, email_reminders, store_reminders
from schools import services_personal_data as service
from schools.models import (
    Membership,
    PartnerOrganization,
    PartnerRepresentative,
    Role,
    Staff,
    Student,
    User,
)
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.test_pairs_views import END, START, advance, html, make_pair

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31), as_of=date(2027, 5, 31))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def curator(client, world):
    client.force_login(world.a.users["curator"])
    return client


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def _today() -> str:
    return timezone.localdate().isoformat()


def _rich_teacher(world, *, journal_entries: int = 5, activities: int = 3) -> tuple[Staff, MentoringPair]:
    """A teacher of school A with an account, a completed pair and something in every category."""
    school = world.a.school
    user = UserFactory(username="ivanova", last_name="Соколова", first_name="Ирина", patronymic="Павловна")
    with scopes_disabled():
        MembershipFactory(user=user, role=Role.MENTEE, school=school)
        staff = StaffFactory(
            school=school,
            user=user,
            last_name="Соколова",
            first_name="Ирина",
            patronymic="Павловна",
            email="sokolova@example.org",
            experience_years=1,
            birth_year=1999,
            hire_date=date(2026, 8, 25),
        )
    with scopes_disabled():
        mentee = participant_for(staff)
    pair = make_pair(world, mentees=[mentee])
    pair = advance(world, pair, PairStatus.ACTIVE)
    area = DifficultyArea.objects.order_by("order").first()
    curator = world.a.users["curator"]
    with scopes_disabled():
        consent = Consent.objects.filter(participant=mentee, kind=ConsentKind.PERSONAL_DATA).get()
        consent.scan.save("scan.pdf", ContentFile(PDF), save=True)
        program = PersonalizedProgram.objects.create(
            school=school,
            pair=pair,
            title="Программа Соколовой И. П.",
            goal="Освоить методику урока",
            expected_results="Открытый урок",
            start_date=START,
            end_date=END,
            status=ProgramStatus.IN_PROGRESS,
            mentee_reflection="Соколова Ирина: стало легче",
        )
        for n in range(activities):
            activity = PlanActivity.objects.create(
                program=program,
                title=f"Встреча {n}",
                activity_type="meeting",
                due_date=START + timedelta(days=10 * n),
                responsible="both",
                status="done",
                done_on=START + timedelta(days=10 * n),
            )
            activity.evidence_file.save(f"product-{n}.pdf", ContentFile(PDF), save=True)
        for n in range(journal_entries):
            entry = JournalEntry.objects.create(
                school=school,
                pair=pair,
                author=curator,
                date=START + timedelta(days=n % 60),
                topic=f"Тема {n}",
                content=f"Встреча с Соколовой И. П. № {n}",
            )
            attachment = JournalAttachment(
                entry=entry, original_name=f"Конспект {n}.pdf", size=len(PDF), content_type="application/pdf"
            )
            attachment.file.save("file.pdf", ContentFile(PDF), save=True)
        assessment = DifficultyAssessment.objects.create(
            school=school, staff=staff, school_year=2026, source="self", comment="Трудно с дисциплиной"
        )
        DifficultyRating.objects.create(assessment=assessment, area=area, level=3)
        BurnoutNote.objects.create(school=school, staff=staff, noted_on=START, comment="Устала")
        route = IndividualRoute.objects.create(
            school=school, staff=staff, start_year=2026, end_year=2029, desired_image="Мастер урока"
        )
        measure = RouteMeasure.objects.create(route=route, school_year=2026, kind="course", title="Курс ДПО")
        measure.product_file.save("certificate.pdf", ContentFile(PDF), save=True)
        RouteCorrection.objects.create(route=route, date=START, description="Перенесён курс")
        RouteReflection.objects.create(route=route, area=area, text="Стало лучше")
        SurveyResponse.objects.create(
            school=school,
            kind=SurveyKind.MENTEE_SATISFACTION,
            school_year=2026,
            respondent=user,
            respondent_key="named",
            answers={"q1": 5, "comment": "Именная анкета"},
            score=5,
        )
        SurveyResponse.objects.create(
            school=school,
            kind=SurveyKind.EXIT,
            school_year=2026,
            respondent=None,
            respondent_key="anonymous-key",
            is_anonymous=True,
            answers={"comment": "Анонимный ответ"},
            score=4,
        )
        Notification.objects.create(
            school=school, user=user, kind="activity_due", event_key="k1", title="Скоро встреча"
        )
        Document.objects.create(
            school=school,
            kind=DocumentKind.ORDER_PAIRS,
            school_year=2026,
            title="Приказ о закреплении",
            payload={"rows": [["Соколова Ирина Павловна", "учитель"]]},
        )
    return staff, pair


def _complete(world, pair: MentoringPair) -> None:
    """The program is done and the pair completes: nothing of the person is open any more."""
    PersonalizedProgram.objects.filter(pair=pair).update(status=ProgramStatus.COMPLETED)
    pair_service.complete(pair, acting_user=world.a.users["curator"])


# --- Export ----------------------------------------------------------------------------------------


def test_the_export_is_a_zip_of_every_category_and_the_persons_files(curator, world):
    staff, _pair = _rich_teacher(world)
    response = curator.get(reverse("schools:person-data-export", kwargs={"kind": "staff", "pk": staff.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = _zip(response)
    names = set(archive.namelist())
    for code, _title in service.CATEGORIES:
        assert f"{code}.json" in names
        assert json.loads(archive.read(f"{code}.json")), f"{code} is empty"
    person = json.loads(archive.read("person.json"))[0]
    assert person["last_name"] == "Соколова" and person["email"] == "sokolova@example.org"
    index = json.loads(archive.read("index.json"))
    files = [n for n in names if n.startswith("files/")]
    # one consent scan, three products, five journal attachments, one route product
    assert len(files) == len(index["files"]) == 10
    assert all(archive.read(n) == PDF for n in files)
    surveys = archive.read("surveys.json").decode()
    assert "Именная анкета" in surveys
    assert "Анонимный ответ" not in "".join(archive.read(n).decode() for n in names if n.endswith(".json"))


def test_the_export_of_a_person_with_many_records_is_ready_well_under_a_minute(world):
    staff, _pair = _rich_teacher(world, journal_entries=300, activities=60)
    with school_scope([world.a.school.pk]):
        started = time.monotonic()
        content = service.export_person(staff, acting_user=world.a.users["curator"])
        elapsed = time.monotonic() - started
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert elapsed < 60
    assert len(json.loads(archive.read("journal.json"))) == 300
    assert len(json.loads(archive.read("programs.json"))[0]["activities"]) == 60
    assert len([n for n in archive.namelist() if n.startswith("files/journal/")]) == 300
    assert {f"{code}.json" for code, _t in service.CATEGORIES} <= set(archive.namelist())


def test_a_student_and_a_partner_representative_are_exported_too(curator, world):
    kid = f.student(world.a.school, birth_date=date(2012, 4, 3), last_name="Кузнецов")
    with scopes_disabled():
        partner = PartnerOrganization.objects.create(school=world.a.school, name="ООО «Завод»")
        rep = PartnerRepresentative.objects.create(
            school=world.a.school, organization=partner, last_name="Орлов", first_name="Олег", phone="+7 900"
        )
    for kind, pk, name in (("student", kid.student_id, "Кузнецов"), ("partner", rep.pk, "Орлов")):
        archive = _zip(curator.get(reverse("schools:person-data-export", kwargs={"kind": kind, "pk": pk})))
        assert json.loads(archive.read("person.json"))[0]["last_name"] == name


def test_another_schools_person_is_a_404_for_every_page(client, world):
    client.force_login(world.b.users["curator"])
    for name in ("person-data", "person-data-export", "person-data-anonymise", "person-data-withdraw"):
        url = reverse(f"schools:{name}", kwargs={"kind": "staff", "pk": world.a.staff.pk})
        assert client.get(url).status_code == 404, name
        if name in ("person-data-anonymise", "person-data-withdraw"):
            data = {"confirmation": world.a.staff.full_name, "withdrawn_on": _today()}
            assert client.post(url, data).status_code == 404, name
    with scopes_disabled():
        assert Staff.objects.get(pk=world.a.staff.pk).anonymised_on is None


def test_an_unknown_kind_is_a_404(curator, world):
    url = reverse("schools:person-data", kwargs={"kind": "parent", "pk": world.a.staff.pk})
    assert curator.get(url).status_code == 404


@pytest.mark.parametrize("role", ["psychologist", "mentor", "mentee"])
def test_only_the_director_and_the_curator_reach_personal_data(client, world, role):
    client.force_login(world.a.users[role])
    url = reverse("schools:person-data-export", kwargs={"kind": "staff", "pk": world.a.staff.pk})
    assert client.get(url).status_code == 404


def test_the_card_shows_the_block_to_managers_only(client, world):
    url = reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk})
    client.force_login(world.a.users["director"])
    page = html(client.get(url))
    assert "Персональные данные" in page and "Выгрузить данные (ZIP)" in page and "Отзыв согласия" in page
    client.force_login(world.a.users["psychologist"])
    assert 'data-testid="personal-data-block"' not in html(client.get(url))


def test_the_person_page_counts_each_category_and_links_the_correction_form(curator, world):
    staff, _pair = _rich_teacher(world)
    page = html(curator.get(reverse("schools:person-data", kwargs={"kind": "staff", "pk": staff.pk})))
    assert "Журнал пары" in page and "Согласия" in page
    assert reverse("schools:staff-edit", kwargs={"pk": staff.pk}) in page


# --- Anonymisation ---------------------------------------------------------------------------------


def _values(world):
    with scopes_disabled():
        return school_values(Scope(school_id=world.a.school.pk), PERIOD)


def test_anonymisation_keeps_the_schools_indicators_identical(curator, world):
    staff, pair = _rich_teacher(world)
    with scopes_disabled():
        _complete(world, pair)
        mentor_staff = pair.mentor.staff
    before = _values(world)
    assert before[world.a.school.pk][0]["mentee_responses"] == 1  # the survey counts
    for person in (staff, mentor_staff):
        response = curator.post(
            reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": person.pk}),
            {"confirmation": person.full_name.upper()},
        )
        assert response.status_code == 302
    assert _values(world) == before


def test_anonymisation_replaces_names_contacts_and_removes_files_and_the_account(
    curator, world, django_capture_on_commit_callbacks
):
    staff, pair = _rich_teacher(world)
    with scopes_disabled():
        _complete(world, pair)
        files = [c.scan.name for c in Consent.objects.filter(participant__staff=staff) if c.scan]
        files += [a.file.name for a in JournalAttachment.objects.filter(entry__pair=pair)]
    assert files and all(default_storage.exists(n) for n in files)
    url = reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": staff.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(url, {"confirmation": "Соколова  ирина павловна"}, follow=True)
    assert "Данные обезличены" in html(response)
    with scopes_disabled():
        staff.refresh_from_db()
        assert staff.full_name == "Удалённый участник №1"
        assert staff.email == "" and staff.user_id is None and staff.anonymised_on == timezone.localdate()
        assert staff.birth_year == 1999 and staff.experience_years == 1  # kept for the indicators
        assert [n for n in files if default_storage.exists(n)] == []
        assert not JournalAttachment.objects.filter(entry__pair=pair).exists()
        assert JournalEntry.objects.filter(pair=pair).count() == 5
        texts = " ".join(JournalEntry.objects.filter(pair=pair).values_list("content", flat=True))
        texts += " ".join(PairEvent.objects.filter(pair=pair).values_list("description", flat=True))
        texts += PersonalizedProgram.objects.get(pair=pair).title
        assert "Соколов" not in texts and "Удалённый участник №1" in texts
        assert DifficultyAssessment.objects.get(staff=staff).comment == ""
        assert SurveyResponse.objects.filter(respondent__isnull=False, school=world.a.school).count() == 0
        user = User.objects.get(
            username="deleted-" + str(User.objects.get(last_name="Удалённый участник").pk)
        )
        assert not user.is_active and not user.has_usable_password() and user.email == ""
        assert not Membership.objects.filter(user=user).exists()
        assert not Notification.objects.filter(user=user).exists()
        # The audit trail keeps the facts but no longer the person's name, contacts or e-mail.
        from schools.models_audit import AuditEntry

        entries = AuditEntry.objects.filter(school=world.a.school)
        trail = json.dumps(list(entries.values("changes", "object_repr", "actor_email")), ensure_ascii=False)
        assert entries.exists() and "Соколов" not in trail and "Ирина" not in trail
        assert not AuditEntry.objects.filter(actor=user, actor_email__isnull=False).exists()


def test_anonymising_a_mentor_keeps_the_mentees_files(curator, world, django_capture_on_commit_callbacks):
    _staff, pair = _rich_teacher(world)
    with scopes_disabled():
        _complete(world, pair)
        mentor_staff = pair.mentor.staff
        products = [a.evidence_file.name for a in PlanActivity.objects.filter(program__pair=pair)]
    url = reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": mentor_staff.pk})
    with django_capture_on_commit_callbacks(execute=True):
        curator.post(url, {"confirmation": mentor_staff.full_name})
    with scopes_disabled():
        mentor_staff.refresh_from_db()
        assert mentor_staff.anonymised_on is not None
        assert JournalAttachment.objects.filter(entry__pair=pair).count() == 5
    assert products and all(default_storage.exists(n) for n in products)


def test_anonymisation_needs_the_typed_name_and_no_open_pair(curator, world):
    staff, pair = _rich_teacher(world)
    url = reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": staff.pk})
    page = html(curator.post(url, {"confirmation": "Соколова"}))
    assert "Для подтверждения введите полностью: Соколова Ирина Павловна" in page
    page = html(curator.post(url, {"confirmation": staff.full_name}))
    assert "участвует в открытых парах" in page and f"№ {pair.pk}" in page
    with scopes_disabled():
        staff.refresh_from_db()
    assert staff.anonymised_on is None and staff.last_name == "Соколова"


def test_an_account_that_works_in_another_school_is_kept(curator, world):
    staff, pair = _rich_teacher(world)
    with scopes_disabled():
        _complete(world, pair)
        MembershipFactory(user=staff.user, role=Role.MENTOR, school=world.b.school)
        user_id = staff.user_id
    url = reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": staff.pk})
    assert "используется в другой организации" in html(
        curator.post(url, {"confirmation": staff.full_name}, follow=True)
    )
    with scopes_disabled():
        user = User.objects.get(pk=user_id)
        assert user.is_active and user.username == "ivanova"
        assert list(Membership.objects.filter(user=user).values_list("school_id", flat=True)) == [
            world.b.school.pk
        ]


def test_a_student_keeps_only_the_year_of_birth(curator, world):
    kid = f.student(world.a.school, birth_date=date(2012, 4, 3), guardian_phone="+7 900 000")
    url = reverse("schools:person-data-anonymise", kwargs={"kind": "student", "pk": kid.student_id})
    curator.post(url, {"confirmation": kid.full_name})
    with scopes_disabled():
        student = Student.objects.get(pk=kid.student_id)
    assert student.birth_date == date(2012, 1, 1) and student.guardian_phone == ""
    assert student.last_name == "Удалённый участник"


# --- Consent withdrawal ----------------------------------------------------------------------------


def _withdraw(client, staff: Staff, **data):
    url = reverse("schools:person-data-withdraw", kwargs={"kind": "staff", "pk": staff.pk})
    return client.post(url, {"withdrawn_on": _today(), **data}, follow=True)


def test_withdrawal_marks_the_consent_flags_the_active_pair_and_lists_it(curator, world):
    staff, pair = _rich_teacher(world)
    page = html(_withdraw(curator, staff))
    assert "Отзыв согласия отмечен" in page and 'data-testid="pd-withdrawn"' in page
    with scopes_disabled():
        consent = Consent.objects.get(participant__staff=staff, kind=ConsentKind.PERSONAL_DATA)
        assert consent.withdrawn_on == timezone.localdate()
        assert selectors.processing_stopped().filter(staff=staff).exists()
        assert PairEvent.objects.filter(pair=pair, description__contains="Отозвано согласие").exists()
    detail = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert 'data-testid="pair-consent-withdrawn"' in detail and staff.full_name in detail
    pairs = html(curator.get(reverse("programs:pair-list")))
    assert pairs.count('data-testid="pair-consent-withdrawn"') == 1
    listing = html(curator.get(reverse("schools:consent-withdrawals")))
    assert staff.full_name in listing and f"№ {pair.pk}" in listing and "обработка прекращена" in listing
    card = html(curator.get(reverse("schools:staff-detail", kwargs={"pk": staff.pk})))
    assert "согласие на обработку отозвано" in card
    assert "уже отозвал(а) согласие" in html(_withdraw(curator, staff))


def test_withdrawal_without_a_recorded_consent_keeps_a_dated_record(curator, world):
    staff = world.a.staff
    _withdraw(curator, staff, given_on="2026-09-01")
    with scopes_disabled():
        consent = Consent.objects.get(participant__staff=staff)
    assert consent.kind == ConsentKind.PERSONAL_DATA
    assert consent.received_on == date(2026, 9, 1) and consent.withdrawn_on == timezone.localdate()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    other = StaffFactory(school=world.a.school)
    assert "не может быть в будущем" in html(_withdraw(curator, other, withdrawn_on=future))


def test_a_withdrawn_person_gets_no_new_pair_program_match_or_reminder(curator, world):
    school = world.a.school
    mentor = f.mentor(school, capacity=5)
    mentee = f.teacher(school, experience_years=1)
    pair = make_pair(world, mentor=mentor, mentees=[mentee])
    with scopes_disabled():
        mentor_staff = mentor.staff
        mentor_user = UserFactory(username="mentor-user")
        Staff.objects.filter(pk=mentor_staff.pk).update(user=mentor_user)
        mentor_staff.refresh_from_db()
    _withdraw(curator, mentor_staff)
    with school_scope([school.pk]):
        with pytest.raises(PairError, match="отозвано согласие на обработку"):
            make_pair(world, mentor=mentor, mentees=[f.teacher(school, experience_years=1)])
        with pytest.raises(ProgramError, match="отозвал согласие"):
            program_service.create_program(
                pair=pair,
                title="Программа",
                goal="Цель",
                expected_results="Результат",
                directions="",
                start_date=START,
                end_date=END,
                acting_user=world.a.users["curator"],
            )
        candidates = matching.mentor_candidates(f.teacher_form())
        assert mentor.pk not in candidates
        reminder = Reminder(
            school_id=school.pk,
            user_id=mentor_user.pk,
            kind="activity_due",
            event_key="e1",
            title="t",
            body="",
            url="",
        )
        assert store_reminders([reminder]) == 0
        assert not Notification.objects.filter(user=mentor_user).exists()
        # A reminder stored before the withdrawal is not mailed after it.
        Notification.objects.create(
            school=school, user=mentor_user, kind="activity_due", event_key="before", title="Скоро встреча"
        )
        assert email_reminders() == 0
    assert mail.outbox == []


def test_a_withdrawn_teacher_leaves_the_matching_and_a_new_consent_brings_them_back(curator, world):
    school = world.a.school
    young = StaffFactory(school=school, experience_years=0, last_name="Новикова")
    with school_scope([school.pk]):
        assert young.pk in {p.pk for p in matching.unmatched_mentee_candidates(school)}
    _withdraw(curator, young)
    with school_scope([school.pk]):
        assert young.pk not in {p.pk for p in matching.unmatched_mentee_candidates(school)}
        young.refresh_from_db()  # the withdrawal made its participant row after ``young`` was loaded
        f.consent(young.participant, ConsentKind.PERSONAL_DATA, on=timezone.localdate())
        assert young.pk in {p.pk for p in matching.unmatched_mentee_candidates(school)}
        assert not selectors.processing_stopped().exists()
    listing = html(curator.get(reverse("schools:consent-withdrawals")))
    assert "согласие получено заново" in listing


def test_the_withdrawal_list_shows_nothing_of_another_school(client, world):
    with scopes_disabled():
        participant = f.teacher(world.a.school, last_name="Секретова")
        f.consent(participant, ConsentKind.PERSONAL_DATA)
        Consent.objects.filter(participant=participant).update(withdrawn_on=date(2026, 10, 1))
    client.force_login(world.b.users["director"])
    page = html(client.get(reverse("schools:consent-withdrawals")))
    assert "Секретова" not in page and "Отзывов согласий нет" in page


def test_an_inactive_mentor_profile_is_what_anonymisation_leaves(curator, world):
    mentor = f.mentor(world.a.school)
    with scopes_disabled():
        staff = mentor.staff
    curator.post(
        reverse("schools:person-data-anonymise", kwargs={"kind": "staff", "pk": staff.pk}),
        {"confirmation": staff.full_name},
    )
    with scopes_disabled():
        profile = MentorProfile.objects.get(participant=mentor)
    assert not profile.is_active and profile.portfolio == ""


def test_the_mentee_base_leaves_out_a_withdrawn_teacher_unless_they_are_in_an_open_pair(curator, world):
    school = world.a.school
    with scopes_disabled():
        alone = StaffFactory(school=school, last_name="Отказова", experience_years=1)
        paired = StaffFactory(school=school, last_name="Парова", experience_years=1)
    make_pair(world, mentees=[participant_for_scoped(paired)])
    url = reverse("programs:mentee-base")
    before = html(curator.get(url))
    assert "Отказова" in before and 'data-testid="mentee-base-withdrawn"' not in before

    _withdraw(curator, alone)
    _withdraw(curator, paired)

    page = html(curator.get(url))
    assert "Отказова" not in page and "Парова" in page  # still in a pair: the pair is flagged
    assert 'data-testid="mentee-base-withdrawn"' in page and "1 человек" in page
    with school_scope([school.pk]):
        rules = selectors.mentee_base_rules()
        counts = selectors.mentee_base_counts(rules)
        listed = list(selectors.mentee_base(rules=rules, status=selectors.STATUS_NEEDS_MENTOR))
        everyone = list(selectors.mentee_base(rules=rules))
    assert counts.withdrawn == 1 and alone not in listed and alone not in everyone
    assert counts.total == len(everyone)
    # A new consent brings the teacher back.
    with scopes_disabled():
        Consent.objects.create(
            school=school,
            participant=participant_for(alone),
            kind=ConsentKind.PERSONAL_DATA,
            received_on=timezone.localdate(),
        )
    assert "Отказова" in html(curator.get(url))


def participant_for_scoped(staff: Staff):
    with scopes_disabled():
        return participant_for(staff)
