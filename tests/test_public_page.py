"""The public page «Наставничество»: open without login, published data only, no personal data."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from itertools import count

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    DifficultyArea,
    Document,
    DocumentKind,
    DocumentRendering,
    DocumentStatus,
    MentorCompetency,
    MentoringForm,
    MentoringPair,
    MentoringSettings,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
    RenderFormat,
    RenderStatus,
    SchoolNews,
)
from programs.services.documents import content_hash
from programs.services.participants import participant_for
from schools.models import EmploymentStatus, PartnerOrganization, PartnerRepresentative, QualificationCategory
from tests import programs_factories as f
from tests.factories import SchoolFactory, StaffFactory

_sequence = count(1)
FAKE_PDF = b"%PDF-1.7\n% stored rendering\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_of(client, school) -> str:
    response = client.get(reverse("public:school", kwargs={"code": school.code}))
    assert response.status_code == 200
    return response.content.decode()


def document(
    school, kind: str, *, status=DocumentStatus.APPROVED, public=True, on=date(2025, 9, 1), **fields
):
    sequence = next(_sequence)
    approved = status == DocumentStatus.APPROVED
    with scopes_disabled():
        doc = Document.objects.create(
            school=school,
            kind=kind,
            school_year=2025,
            title=fields.pop("title", f"{DocumentKind(kind).label} ({sequence})"),
            status=status,
            is_public=public,
            registration_series="acts" if approved else "",
            registration_year=on.year if approved else None,
            registration_sequence=sequence if approved else None,
            registration_number=fields.pop("number", f"{sequence}-ЛА") if approved else "",
            approved_on=on if approved else None,
            **fields,
        )
        if approved:
            doc.content_hash = content_hash(doc)
            doc.save(update_fields=["content_hash"])
        return doc


def stored_pdf(doc: Document) -> None:
    """A finished PDF of the document's frozen content, as the rendering job leaves it."""
    with scopes_disabled():
        row = DocumentRendering(
            document=doc,
            fmt=RenderFormat.PDF,
            status=RenderStatus.DONE,
            progress=100,
            sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
            content_hash=doc.content_hash,
        )
        row.file.save("stored.pdf", ContentFile(FAKE_PDF), save=False)
        row.save()


def news(school, title: str, *, published=True, on=date(2025, 10, 1), body="Текст новости.") -> SchoolNews:
    with scopes_disabled():
        return SchoolNews.objects.create(
            school=school, title=title, body=body, published_on=on, is_published=published
        )


def switch_off(school) -> None:
    with scopes_disabled():
        MentoringSettings.objects.update_or_create(school=school, defaults={"public_page_enabled": False})


# --- Access -------------------------------------------------------------------------------------


def test_anyone_opens_the_page_without_login(client, world):
    with scopes_disabled():
        MentoringSettings.objects.create(
            school=world.a.school, public_intro="Наставничество — наша традиция."
        )

    page = page_of(client, world.a.school)

    assert world.a.school.full_name in page
    assert "Наставничество — наша традиция." in page
    assert "Документы пока не опубликованы." in page


def test_a_user_of_another_school_sees_the_page_too(client, world):
    news(world.a.school, "Новость школы А")
    client.force_login(world.b.users["curator"])
    assert "Новость школы А" in page_of(client, world.a.school)


def test_a_switched_off_page_an_unknown_code_and_an_inactive_school_are_404(client, world):
    item = news(world.a.school, "Новость")
    doc = document(world.a.school, DocumentKind.REGULATION)
    switch_off(world.a.school)
    code = world.a.school.code
    assert client.get(reverse("public:school", kwargs={"code": code})).status_code == 404
    assert client.get(reverse("public:news", kwargs={"code": code, "pk": item.pk})).status_code == 404
    assert client.get(reverse("public:document", kwargs={"code": code, "pk": doc.pk})).status_code == 404
    assert client.get(reverse("public:school", kwargs={"code": "no-such-school"})).status_code == 404
    with scopes_disabled():
        world.b.school.is_active = False
        world.b.school.save()
    assert client.get(reverse("public:school", kwargs={"code": world.b.school.code})).status_code == 404


# --- Documents ----------------------------------------------------------------------------------


def test_only_approved_public_documents_are_listed_with_number_and_date(client, world):
    school = world.a.school
    document(school, DocumentKind.REGULATION, title="Положение опубликованное", number="3-ЛА")
    document(school, DocumentKind.ROADMAP, title="Дорожная карта опубликованная")
    document(school, DocumentKind.ORDER_PAIRS, title="Приказ о парах непубличный", public=False)
    document(school, DocumentKind.ORDER_CURATOR, title="Приказ черновик", status=DocumentStatus.DRAFT)
    document(
        school, DocumentKind.ORDER_REWARD, title="Приказ на утверждении", status=DocumentStatus.SUBMITTED
    )
    document(
        school, DocumentKind.PROGRAM, title="Программа будущая", on=timezone.localdate() + timedelta(days=3)
    )

    page = page_of(client, school)

    assert "Положение опубликованное" in page and "3-ЛА" in page and "01.09.2025" in page
    assert "Дорожная карта опубликованная" in page
    for hidden in (
        "Приказ о парах непубличный",
        "Приказ черновик",
        "Приказ на утверждении",
        "Программа будущая",
    ):
        assert hidden not in page


def test_the_pdf_of_a_public_approved_document_is_served_and_no_other(client, world):
    school = world.a.school
    public = document(school, DocumentKind.REGULATION)
    hidden = document(school, DocumentKind.ORDER_PAIRS, public=False)
    draft = document(school, DocumentKind.ROADMAP, status=DocumentStatus.DRAFT)
    other = document(world.b.school, DocumentKind.REGULATION)
    for doc in (public, hidden, other):
        stored_pdf(doc)

    def get(code, doc):
        return client.get(reverse("public:document", kwargs={"code": code, "pk": doc.pk}))

    response = get(school.code, public)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content == FAKE_PDF
    assert get(school.code, hidden).status_code == 404
    assert get(school.code, draft).status_code == 404
    assert get(school.code, other).status_code == 404  # school B's document under school A's code
    assert get(world.b.school.code, other).status_code == 200


def test_the_pdf_is_rendered_once_when_no_file_was_made_yet(client, world):
    doc = document(world.a.school, DocumentKind.ORDER_PAIRS, payload={})
    url = reverse("public:document", kwargs={"code": world.a.school.code, "pk": doc.pk})

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert second.content == first.content
    with scopes_disabled():
        assert DocumentRendering.objects.filter(document=doc, status=RenderStatus.DONE).count() == 1


def test_an_approved_document_whose_content_was_altered_is_not_published(client, world):
    doc = document(world.a.school, DocumentKind.REGULATION)
    with scopes_disabled():
        Document.objects.filter(pk=doc.pk).update(title="Изменено в обход системы")

    response = client.get(reverse("public:document", kwargs={"code": world.a.school.code, "pk": doc.pk}))

    assert response.status_code == 404


# --- Mentors ------------------------------------------------------------------------------------


def _staff_mentor(school, **fields):
    with scopes_disabled():
        staff = StaffFactory(school=school, **fields)
        profile = MentorProfile.objects.create(
            school=school, participant=participant_for(staff), subjects="алгебра, геометрия"
        )
        return staff, profile


def test_mentors_show_name_position_subjects_category_and_areas_but_no_contacts_or_ages(client, world):
    school = world.a.school
    _, profile = _staff_mentor(
        school,
        last_name="Светлова",
        first_name="Ирина",
        patronymic="Олеговна",
        position="учитель математики",
        email="svetlova.private@example.org",
        birth_year=1971,
        experience_years=29,
        hire_date=date(1996, 8, 26),
        qualification_category=QualificationCategory.HIGHEST,
    )
    with scopes_disabled():
        MentorCompetency.objects.create(profile=profile, area=DifficultyArea.objects.get(code="ict"), level=3)
        profile.portfolio = "Победитель конкурса «Учитель года-2019»"
        profile.tags = "#ОГЭ"
        profile.save()
        organization = PartnerOrganization.objects.create(school=school, name="ООО «Технопарк»")
        representative = PartnerRepresentative.objects.create(
            school=school,
            organization=organization,
            last_name="Гаврилов",
            first_name="Пётр",
            position="инженер",
            email="gavrilov@technopark.ru",
            phone="+7 912 555-44-33",
        )
        MentorProfile.objects.create(school=school, participant=participant_for(representative))

    page = page_of(client, school)

    assert "Светлова Ирина Олеговна" in page and "учитель математики" in page
    assert "алгебра, геометрия" in page and "высшая" in page and "ИКТ-компетентность" in page
    assert "Гаврилов Пётр" in page and "инженер, ООО «Технопарк»" in page
    for private in (
        "svetlova.private@example.org",
        "1971",
        "29",
        "26.08.1996",
        "Учитель года",
        "#ОГЭ",
        "gavrilov@technopark.ru",
        "+7 912 555-44-33",
        "555-44-33",
    ):
        assert private not in page, private


def test_inactive_dismissed_and_student_mentors_are_not_listed(client, world):
    school = world.a.school
    _, inactive = _staff_mentor(school, last_name="Неготова")
    with scopes_disabled():
        inactive.is_active = False
        inactive.save()
    _staff_mentor(school, last_name="Уволенная", employment_status=EmploymentStatus.DISMISSED)
    student = f.student(school, date(2010, 5, 5), last_name="Школьников")
    with scopes_disabled():
        MentorProfile.objects.create(school=school, participant=student)

    page = page_of(client, school)

    for hidden in ("Неготова", "Уволенная", "Школьников"):
        assert hidden not in page


# --- Best practices -----------------------------------------------------------------------------


def _best_practice(school, mentor, mentees, *, form_code="teacher-student", **fields):
    with scopes_disabled():
        pair = MentoringPair.objects.create(
            school=school,
            mentor=mentor,
            form=MentoringForm.objects.get(code=form_code),
            kind=f.traditional(),
            start_date=date(2024, 9, 1),
            planned_end_date=date(2025, 5, 31),
            status=PairStatus.COMPLETED,
        )
        for mentee in mentees:
            PairMentee.objects.create(pair=pair, mentee=mentee)
        return PersonalizedProgram.objects.create(
            school=school,
            pair=pair,
            title=fields.pop("title", "Подготовка к олимпиаде"),
            goal="Цель",
            expected_results="Результаты",
            start_date=date(2024, 9, 1),
            end_date=date(2025, 5, 31),
            status=ProgramStatus.COMPLETED,
            ended_on=date(2025, 5, 20),
            is_best_practice=fields.pop("best", True),
            best_practice_summary=fields.pop("summary", "Еженедельные занятия по решению задач."),
            best_practice_marked_at=timezone.now(),
            **fields,
        )


def test_best_practices_show_title_form_mentor_summary_and_period_but_never_the_students(client, world):
    school = world.a.school
    mentor = f.mentor(school, last_name="Орлова", first_name="Вера", patronymic="")
    mentee = f.student(school, date(2011, 3, 3), last_name="Малышев")
    _best_practice(school, mentor, [mentee])
    _best_practice(
        school, f.mentor(school), [f.student(school, date(2011, 4, 4))], title="Не отмечена", best=False
    )
    student_mentor = f.student(school, date(2008, 1, 1), last_name="Старшеклассников")
    _best_practice(
        school,
        student_mentor,
        [f.student(school, date(2012, 1, 1), last_name="Младшеклассников")],
        form_code="student-student",
        title="Ученик учит ученика",
    )

    page = page_of(client, school)

    assert "Подготовка к олимпиаде" in page and "учитель – ученик" in page
    assert "Орлова Вера" in page and "Еженедельные занятия по решению задач." in page
    assert "01.09.2024" in page and "20.05.2025" in page
    assert "Ученик учит ученика" in page
    for hidden in ("Малышев", "Старшеклассников", "Младшеклассников", "Не отмечена"):
        assert hidden not in page


def test_the_program_page_links_its_best_practice_to_the_public_page(client, world):
    program = _best_practice(
        world.a.school, f.mentor(world.a.school), [f.teacher(world.a.school)], form_code="teacher-teacher"
    )
    client.force_login(world.a.users["curator"])

    page = client.get(reverse("programs:program-detail", kwargs={"pk": program.pk})).content.decode()

    assert reverse("public:school", kwargs={"code": world.a.school.code}) + "#practices" in page
    assert "Опубликовано на странице «Наставничество»" in page


# --- News ---------------------------------------------------------------------------------------


def test_published_news_appear_and_their_text_is_escaped(client, world):
    school = world.a.school
    item = news(
        school, "Школа наставников открылась", body="Первый абзац.\n\nВторой <script>alert(1)</script>"
    )
    news(school, "Скрытая новость", published=False)
    news(school, "Будущая новость", on=timezone.localdate() + timedelta(days=2))

    page = page_of(client, school)
    detail = client.get(reverse("public:news", kwargs={"code": school.code, "pk": item.pk}))

    assert "Школа наставников открылась" in page
    assert "Скрытая новость" not in page and "Будущая новость" not in page
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "<p>Первый абзац.</p>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text


def test_hidden_or_foreign_news_are_404(client, world):
    hidden = news(world.a.school, "Скрытая", published=False)
    foreign = news(world.b.school, "Чужая")
    assert (
        client.get(reverse("public:news", kwargs={"code": world.a.school.code, "pk": hidden.pk})).status_code
        == 404
    )
    assert (
        client.get(reverse("public:news", kwargs={"code": world.a.school.code, "pk": foreign.pk})).status_code
        == 404
    )


def test_each_school_code_shows_only_that_schools_data(client, world):
    document(world.a.school, DocumentKind.REGULATION, title="Положение школы А")
    news(world.a.school, "Новость школы А")
    _staff_mentor(world.a.school, last_name="Наставникова")
    document(world.b.school, DocumentKind.REGULATION, title="Положение школы Б")

    page = page_of(client, world.b.school)

    assert "Положение школы Б" in page
    for foreign in ("Положение школы А", "Новость школы А", "Наставникова"):
        assert foreign not in page


def test_the_curator_writes_edits_hides_and_deletes_news(client, world):
    client.force_login(world.a.users["curator"])
    response = client.post(
        reverse("programs:news-list"),
        {"title": "Итоги года", "published_on": "2025-05-30", "body": "Текст", "is_published": "on"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        item = SchoolNews.objects.get(school=world.a.school)
    assert "Итоги года" in page_of(client, world.a.school)

    edit = reverse("programs:news-edit", kwargs={"pk": item.pk})
    client.post(edit, {"title": "Итоги учебного года", "published_on": "2025-05-30", "body": "Текст"})
    page = page_of(client, world.a.school)
    assert "Итоги учебного года" not in page  # not published any more
    assert "Итоги учебного года" in client.get(reverse("programs:news-list")).content.decode()

    invalid = client.post(
        reverse("programs:news-list"), {"title": "", "published_on": "2025-05-30", "body": ""}
    )
    assert invalid.status_code == 200 and invalid.context["form"].errors

    assert client.post(reverse("programs:news-delete", kwargs={"pk": item.pk})).status_code == 302
    with scopes_disabled():
        assert not SchoolNews.objects.exists()


# --- Cost ---------------------------------------------------------------------------------------


def _fill(school, n: int) -> None:
    areas = list(DifficultyArea.objects.all()[:3])
    for i in range(n):
        _, profile = _staff_mentor(school, last_name=f"Наставник{i}")
        with scopes_disabled():
            for area in areas:
                MentorCompetency.objects.create(profile=profile, area=area, level=2)
        document(school, DocumentKind.ORDER_PAIRS)
        news(school, f"Новость {i}")
        _best_practice(
            school, f.mentor(school), [f.teacher(school)], form_code="teacher-teacher", title=f"Практика {i}"
        )


def test_the_page_costs_the_same_queries_for_a_small_and_a_big_school(client, world):
    small, big = SchoolFactory(), SchoolFactory()
    _fill(small, 3)
    _fill(big, 30)
    counts = []
    for school in (small, big):
        with CaptureQueriesContext(connection) as queries:
            page_of(client, school)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts
