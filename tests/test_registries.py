"""Registries of a school: staff editing, students, partners and their representatives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from schools import services
from schools.models import (
    EmploymentStatus,
    PartnerKind,
    PartnerOrganization,
    PartnerRepresentative,
    QualificationCategory,
    Staff,
    Student,
)
from schools.tenancy import school_scope

TODAY = timezone.localdate()


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


STAFF_POST = {
    "last_name": "Соколова",
    "first_name": "Елена",
    "patronymic": "Андреевна",
    "birth_year": "1995",
    "position": "учитель математики",
    "subjects": "математика",
    "hire_date": "2022-09-01",
    "experience_years": "2",
    "has_pedagogical_education": "on",
    "qualification_category": QualificationCategory.FIRST,
    "employment_status": EmploymentStatus.WORKS,
    "email": "sokolova@school.ru",
    "returned_after_break_on": "",
}


def student_post(**changes) -> dict:
    data = {
        "last_name": "Смирнов",
        "first_name": "Артём",
        "patronymic": "Игоревич",
        "birth_date": years_ago(13).isoformat(),
        "grade": "7Б",
        "guardian_name": "Смирнова Ольга Викторовна",
        "guardian_phone": "+7 912 345-67-89",
        "guardian_email": "",
        "email": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def make_student(school, **fields) -> Student:
    defaults = {
        "last_name": "Смирнов",
        "first_name": "Артём",
        "birth_date": years_ago(13),
        "grade": "7Б",
        "guardian_name": "Смирнова О. В.",
    }
    with scopes_disabled():
        return Student.objects.create(school=school, **{**defaults, **fields})


def make_partner(school, name="ООО «Ромашка»", **fields) -> PartnerOrganization:
    with scopes_disabled():
        return PartnerOrganization.objects.create(school=school, name=name, **fields)


def form_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- Staff ---------------------------------------------------------------------------------------


def test_the_curator_adds_a_staff_member(client, world):
    client.force_login(world.user("a", "curator"))
    assert client.get(reverse("schools:staff-create")).status_code == 200
    response = client.post(reverse("schools:staff-create"), STAFF_POST, follow=True)
    with scopes_disabled():
        person = Staff.objects.get(last_name="Соколова")
    assert person.school == world.a.school
    assert person.hire_date == date(2022, 9, 1)
    assert person.qualification_category == QualificationCategory.FIRST
    assert response.redirect_chain[-1][0] == reverse("schools:staff-detail", kwargs={"pk": person.pk})
    assert "Педагог «Соколова Елена Андреевна» добавлен в базу." in response.content.decode()


def test_the_director_edits_a_staff_member(client, world):
    client.force_login(world.user("a", "director"))
    url = reverse("schools:staff-edit", kwargs={"pk": world.a.staff.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert world.a.marker in page.content.decode()
    data = {**STAFF_POST, "last_name": world.a.marker, "first_name": "Мария", "position": "завуч"}
    response = client.post(url, data)
    assert response.status_code == 302
    with scopes_disabled():
        world.a.staff.refresh_from_db()
    assert world.a.staff.position == "завуч"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": ""}, "last_name", "Обязательное поле."),
        ({"birth_year": "2030"}, "birth_year", f"Год рождения должен быть от 1920 до {TODAY.year - 16}."),
        ({"experience_years": "75"}, "experience_years", "Педагогический стаж не может быть больше 70 лет."),
        ({"hire_date": "31.02.2020"}, "hire_date", "Введите правильную дату."),
        ({"email": "не-почта"}, "email", "Введите правильный адрес электронной почты."),
        (
            {"returned_after_break_on": "2020-01-01"},
            "returned_after_break_on",
            "Дата выхода после перерыва не может быть раньше даты приёма.",
        ),
    ],
)
def test_staff_form_errors_are_russian_and_sit_at_their_field(client, world, changes, field, message):
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:staff-create"), {**STAFF_POST, **changes})
    assert response.status_code == 200
    assert message in form_errors(response, field)
    with scopes_disabled():
        assert not Staff.objects.filter(first_name="Елена").exists()


def test_a_second_record_of_the_same_person_is_refused(client, world):
    client.force_login(world.user("a", "curator"))
    client.post(reverse("schools:staff-create"), STAFF_POST)
    response = client.post(reverse("schools:staff-create"), {**STAFF_POST, "last_name": "СОКОЛОВА "})
    assert response.status_code == 200
    assert any("уже есть в базе" in e for e in form_errors(response, "__all__"))
    with scopes_disabled():
        assert Staff.objects.filter(first_name="Елена").count() == 1


def test_the_same_person_may_be_in_two_schools(client, world):
    with scopes_disabled():
        Staff.objects.create(
            school=world.b.school,
            last_name="Соколова",
            first_name="Елена",
            patronymic="Андреевна",
            birth_year=1995,
            position="учитель",
        )
    client.force_login(world.user("a", "curator"))
    assert client.post(reverse("schools:staff-create"), STAFF_POST).status_code == 302


def test_the_staff_list_offers_adding_importing_and_downloading_to_managers_only(client, world):
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("schools:staff-list")).content.decode()
    assert reverse("schools:staff-create") in html
    assert reverse("schools:import", kwargs={"kind": "staff"}) in html
    assert reverse("schools:export", kwargs={"kind": "staff"}) in html
    detail = client.get(reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk})).content.decode()
    assert reverse("schools:staff-edit", kwargs={"pk": world.a.staff.pk}) in detail

    client.force_login(world.user("a", "psychologist"))
    html = client.get(reverse("schools:staff-list")).content.decode()
    assert reverse("schools:staff-create") not in html
    detail = client.get(reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk})).content.decode()
    assert reverse("schools:staff-edit", kwargs={"pk": world.a.staff.pk}) not in detail


@pytest.mark.parametrize(
    "role", ["psychologist", "mentor", "mentee", "municipal_methodist", "regional_methodist"]
)
def test_only_the_director_and_the_curator_write(client, world, role):
    client.force_login(world.user("a", role))
    edit = reverse("schools:staff-edit", kwargs={"pk": world.a.staff.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, {**STAFF_POST, "position": "взломщик"}).status_code == 404
    assert client.post(reverse("schools:staff-create"), STAFF_POST).status_code == 404
    assert client.post(reverse("schools:student-create"), student_post()).status_code == 404
    assert (
        client.post(reverse("schools:partner-create"), {"name": "ООО «Икс»", "kind": "other"}).status_code
        == 404
    )
    with scopes_disabled():
        assert Staff.objects.get(pk=world.a.staff.pk).position != "взломщик"
        assert not Staff.objects.filter(last_name="Соколова").exists()
        assert not Student.objects.exists()
        assert not PartnerOrganization.objects.exists()


# --- Students ------------------------------------------------------------------------------------


def test_the_curator_adds_a_student(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:student-create"), student_post(), follow=True)
    with scopes_disabled():
        student = Student.objects.get(last_name="Смирнов")
    assert student.school == world.a.school
    assert response.redirect_chain[-1][0] == reverse("schools:student-detail", kwargs={"pk": student.pk})
    html = response.content.decode()
    assert "Обучающийся «Смирнов Артём Игоревич» добавлен в базу." in html
    assert "несовершеннолетний" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"birth_date": (TODAY + timedelta(days=1)).isoformat()},
            "birth_date",
            "Дата рождения не может быть в будущем.",
        ),
        ({"birth_date": "1890-01-01"}, "birth_date", "Проверьте дату рождения: год раньше 1900."),
        ({"birth_date": ""}, "birth_date", "Обязательное поле."),
        ({"grade": ""}, "grade", "Обязательное поле."),
        ({"guardian_email": "mama@"}, "guardian_email", "Введите правильный адрес электронной почты."),
    ],
)
def test_student_form_errors_are_russian_and_sit_at_their_field(client, world, changes, field, message):
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:student-create"), student_post(**changes))
    assert response.status_code == 200
    assert message in form_errors(response, field)
    with scopes_disabled():
        assert not Student.objects.exists()


def test_a_minor_without_guardian_is_saved_with_a_warning(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:student-create"), student_post(guardian_name=""), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "законный представитель не указан" in html
    with scopes_disabled():
        student = Student.objects.get()
    detail = client.get(reverse("schools:student-detail", kwargs={"pk": student.pk}))
    assert 'data-testid="student-warning"' in detail.content.decode()


def test_a_student_under_10_is_a_warning_not_an_error(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("schools:student-create"), student_post(birth_date=years_ago(8).isoformat()), follow=True
    )
    assert "Участником наставничества может быть обучающийся не младше 10 лет." in response.content.decode()
    with scopes_disabled():
        assert Student.objects.count() == 1


def test_an_adult_student_needs_no_guardian(world):
    student = Student(
        school=world.a.school, last_name="В", first_name="Г", birth_date=years_ago(18), grade="ИСП-21"
    )
    assert services.student_warnings(student) == []
    assert not student.is_minor
    assert Student(birth_date=years_ago(18, days=-1)).is_minor


def test_the_student_list_marks_minors_and_missing_guardians(client, world):
    make_student(world.a.school, last_name="Малышев", guardian_name="")
    make_student(
        world.a.school, last_name="Взрослова", birth_date=years_ago(19), grade="ИСП-21", guardian_name=""
    )
    client.force_login(world.user("a", "curator"))
    response = client.get(reverse("schools:student-list"))
    html = response.content.decode()
    assert html.count('data-testid="no-guardian"') == 1
    assert html.count("badge badge-brand") == 1
    assert reverse("schools:student-create") in html


def test_the_student_list_filters_and_sorts(client, world):
    make_student(world.a.school, last_name="Андреев", grade="10А", birth_date=years_ago(16))
    make_student(world.a.school, last_name="Борисов", grade="9Б", birth_date=years_ago(15), guardian_name="")
    make_student(world.a.school, last_name="Васильев", grade="9Б", birth_date=years_ago(20), is_active=False)
    make_student(world.b.school, last_name="Чужой", grade="9Б")
    client.force_login(world.user("a", "curator"))

    def names(**query) -> list[str]:
        page = client.get(reverse("schools:student-list"), query).context["page"]
        return [s.last_name for s in page]

    assert names() == ["Андреев", "Борисов"]
    assert names(status="all") == ["Андреев", "Борисов", "Васильев"]
    assert names(status="left") == ["Васильев"]
    assert names(grade="9Б") == ["Борисов"]
    assert names(q="Андр") == ["Андреев"]
    assert names(minors="on", status="all") == ["Андреев", "Борисов"]
    assert names(no_guardian="on") == ["Борисов"]
    assert names(sort="grade") == ["Борисов", "Андреев"]  # 9Б before 10А
    assert names(sort="-name") == ["Борисов", "Андреев"]
    assert names(sort="birth_date", status="all") == ["Васильев", "Андреев", "Борисов"]
    assert names(sort="pk; DROP TABLE") == ["Андреев", "Борисов"]  # not whitelisted: the default order


def test_the_curator_edits_a_student(client, world):
    student = make_student(world.a.school)
    client.force_login(world.user("a", "curator"))
    url = reverse("schools:student-edit", kwargs={"pk": student.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, student_post(grade="8Б", is_active=""))
    assert response.status_code == 302
    with scopes_disabled():
        student.refresh_from_db()
    assert (student.grade, student.is_active) == ("8Б", False)


def test_the_psychologist_does_not_open_the_student_registry(client, world):
    student = make_student(world.a.school)
    client.force_login(world.user("a", "psychologist"))
    assert client.get(reverse("schools:student-list")).status_code == 404
    assert client.get(reverse("schools:student-detail", kwargs={"pk": student.pk})).status_code == 404


# --- Partners ------------------------------------------------------------------------------------


def test_the_curator_adds_a_partner_and_its_representative(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("schools:partner-create"),
        {
            "name": "ООО «Уралмаш-Сервис»",
            "kind": PartnerKind.ENTERPRISE,
            "inn": "6673123456",
            "website": "uralmash.ru",
        },
    )
    with scopes_disabled():
        partner = PartnerOrganization.objects.get()
    assert response.status_code == 302
    assert partner.website == "https://uralmash.ru"
    url = reverse("schools:partner-rep-create", kwargs={"partner_pk": partner.pk})
    page = client.get(url)
    assert page.context["form"].initial["organization"] == partner
    response = client.post(
        url, {"organization": partner.pk, "last_name": "Кузнецов", "first_name": "Олег", "position": "мастер"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        person = PartnerRepresentative.objects.get()
    assert (person.school, person.organization) == (world.a.school, partner)
    detail = client.get(reverse("schools:partner-detail", kwargs={"pk": partner.pk})).content.decode()
    assert "Кузнецов Олег" in detail


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "kind": "other"}, "name", "Обязательное поле."),
        (
            {"name": "ООО «Икс»", "kind": "other", "inn": "12345"},
            "inn",
            "ИНН состоит из 10 цифр (организация) или 12 цифр (ИП).",
        ),
        ({"name": "ООО «Икс»", "kind": "other", "website": "не сайт"}, "website", "Введите правильный URL."),
        (
            {"name": "ооо «ромашка»", "kind": "other"},
            "name",
            "Организация «ООО «Ромашка»» уже есть среди партнёров.",
        ),
    ],
)
def test_partner_form_errors_are_russian_and_sit_at_their_field(client, world, data, field, message):
    make_partner(world.a.school)
    client.force_login(world.user("a", "curator"))
    response = client.post(reverse("schools:partner-create"), data)
    assert response.status_code == 200
    assert message in form_errors(response, field)


def test_a_representative_cannot_be_moved_to_another_schools_partner(client, world):
    ours = make_partner(world.a.school)
    theirs = make_partner(world.b.school, name="ООО «Чужое»")
    client.force_login(world.user("a", "curator"))
    url = reverse("schools:partner-rep-create", kwargs={"partner_pk": ours.pk})
    page = client.get(url)
    assert list(page.context["form"].fields["organization"].queryset) == [ours]
    response = client.post(url, {"organization": theirs.pk, "last_name": "Кузнецов", "first_name": "Олег"})
    assert response.status_code == 200
    assert form_errors(response, "organization")
    with scopes_disabled():
        assert not PartnerRepresentative.objects.exists()


def test_a_representative_is_edited_under_its_own_partner_only(client, world):
    partner = make_partner(world.a.school)
    other = make_partner(world.a.school, name="ООО «Другое»")
    with scopes_disabled():
        person = PartnerRepresentative.objects.create(
            school=world.a.school, organization=partner, last_name="Кузнецов", first_name="Олег"
        )
    client.force_login(world.user("a", "curator"))
    assert (
        client.get(
            reverse("schools:partner-rep-edit", kwargs={"partner_pk": other.pk, "pk": person.pk})
        ).status_code
        == 404
    )
    url = reverse("schools:partner-rep-edit", kwargs={"partner_pk": partner.pk, "pk": person.pk})
    response = client.post(
        url, {"organization": other.pk, "last_name": "Кузнецов", "first_name": "Олег", "position": "инженер"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:partner-detail", kwargs={"pk": other.pk})
    with scopes_disabled():
        person.refresh_from_db()
    assert (person.organization, person.position) == (other, "инженер")


def test_the_partner_list_filters_sorts_and_counts_representatives(client, world):
    a = make_partner(world.a.school, name="Альфа", kind=PartnerKind.UNIVERSITY)
    make_partner(world.a.school, name="Бета", kind=PartnerKind.ENTERPRISE)
    make_partner(world.b.school, name="Чужая")
    with scopes_disabled():
        for i in range(2):
            PartnerRepresentative.objects.create(
                school=world.a.school, organization=a, last_name=f"П{i}", first_name="И"
            )
    client.force_login(world.user("a", "curator"))

    def rows(**query) -> list[tuple[str, int]]:
        page = client.get(reverse("schools:partner-list"), query).context["page"]
        return [(p.name, p.representative_count) for p in page]

    assert rows() == [("Альфа", 2), ("Бета", 0)]
    assert rows(kind=PartnerKind.ENTERPRISE) == [("Бета", 0)]
    assert rows(sort="representatives") == [("Бета", 0), ("Альфа", 2)]
    assert rows(sort="-name") == [("Бета", 0), ("Альфа", 2)]
    assert rows(q="Альф") == [("Альфа", 2)]


# --- Services ------------------------------------------------------------------------------------


def test_services_take_keyword_arguments_and_refuse_unknown_fields(world):
    with school_scope([world.a.school.pk]):
        with pytest.raises(TypeError):
            services.create_partner(world.a.school, name="ООО «Икс»")  # type: ignore[misc]
        with pytest.raises(TypeError):
            services.create_partner(school=world.a.school, name="ООО «Икс»", school_id=world.b.school.pk)
        partner = services.create_partner(school=world.a.school, name="ООО «Икс»", kind=PartnerKind.OTHER)
    assert partner.school == world.a.school


def test_a_service_refuses_what_the_form_would_refuse(world):
    from django.core.exceptions import ValidationError

    with school_scope([world.a.school.pk]), pytest.raises(ValidationError) as raised:
        services.create_student(
            school=world.a.school,
            last_name="Х",
            first_name="Y",
            birth_date=TODAY + timedelta(days=3),
            grade="1А",
        )
    assert raised.value.message_dict == {"birth_date": ["Дата рождения не может быть в будущем."]}


# --- Query counts --------------------------------------------------------------------------------


def _add_students(school, n: int) -> None:
    with scopes_disabled():
        Student.objects.bulk_create(
            [
                Student(
                    school=school,
                    last_name=f"Ученик{i}",
                    first_name="Иван",
                    birth_date=years_ago(10 + i % 9),
                    grade=f"{5 + i % 6}А",
                    guardian_name="" if i % 3 else "Мама",
                )
                for i in range(n)
            ]
        )


def _add_partners(school, n: int) -> None:
    with scopes_disabled():
        start = PartnerOrganization.objects.count()
        partners = PartnerOrganization.objects.bulk_create(
            [
                PartnerOrganization(
                    school=school, name=f"Партнёр {start + i}", kind=list(PartnerKind.values)[i % 6]
                )
                for i in range(n)
            ]
        )
        PartnerRepresentative.objects.bulk_create(
            [
                PartnerRepresentative(
                    school=school, organization=p, last_name="Представитель", first_name="И"
                )
                for p in partners
                for _ in range(2)
            ]
        )


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "add", "query"),
    [
        ("schools:student-list", _add_students, ""),
        ("schools:student-list", _add_students, "?minors=on&no_guardian=on&sort=-grade"),
        ("schools:partner-list", _add_partners, ""),
        ("schools:partner-list", _add_partners, "?sort=-representatives&kind=university"),
    ],
)
def test_registry_lists_need_as_many_queries_for_100_rows_as_for_5(
    client, world, django_assert_max_num_queries, name, add, query
):
    client.force_login(world.user("a", "curator"))
    url = reverse(name) + query
    add(world.a.school, 5)
    small = _queries(client, url)
    add(world.a.school, 95)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["schools:student-detail", "schools:partner-detail"])
def test_registry_cards_need_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, name):
    client.force_login(world.user("a", "curator"))
    if name == "schools:student-detail":
        url = reverse(name, kwargs={"pk": make_student(world.a.school).pk})
    else:
        partner = make_partner(world.a.school)
        url = reverse(name, kwargs={"pk": partner.pk})
    small = _queries(client, url)
    _add_students(world.a.school, 50)
    if name == "schools:partner-detail":
        with scopes_disabled():
            PartnerRepresentative.objects.bulk_create(
                [
                    PartnerRepresentative(
                        school=world.a.school, organization=partner, last_name=f"П{i}", first_name="И"
                    )
                    for i in range(30)
                ]
            )
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_every_problem_of_a_form_shows_on_the_first_submit(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.post(
        reverse("schools:staff-create"), {**STAFF_POST, "last_name": "", "birth_year": "2031"}
    )
    errors = response.context["form"].errors
    assert errors["last_name"] == ["Обязательное поле."]
    assert errors["birth_year"] == [f"Год рождения должен быть от 1920 до {TODAY.year - 16}."]
