"""The kinds of local acts (programs/documents/kinds): what each one is built from, what its text and
tables carry, what blocks its approval and what approving it does."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.compute import Period
from monitoring.report import build_school_note_figures
from programs.documents.figures import note_figures
from programs.documents.registry import document_type
from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    EndReason,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    MentorRegistry,
    PairMentee,
    PairStatus,
    Participant,
    ParticipantKind,
    PersonalizedProgram,
    ProgramStatus,
    RoadmapStatus,
    RoleModel,
    SchoolRoadmap,
    TrainingStatus,
)
from programs.services import documents as svc
from programs.services import roadmap as roadmap_service
from schools.models import Membership, Role, Staff
from schools.tenancy import resolve_tenant
from schools.years import school_year_bounds, school_year_label, school_year_of
from tests.factories import StaffFactory, UserFactory

YEAR = school_year_of()
FIRST_DAY, LAST_DAY = school_year_bounds(YEAR)
LABEL = school_year_label(YEAR)


# --- Helpers ---------------------------------------------------------------------------------------


def configure(place, *, forms=("teacher-teacher",), role_models=(), kinds=(), curator=None, **fields):
    """The school's mentoring settings: forms, role models and kinds by code, the curator, other fields."""
    with scopes_disabled():
        settings = svc.settings_of(place.school)
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.curator = curator
        settings.save()
        settings.forms.set(MentoringForm.objects.filter(code__in=forms))
        settings.role_models.set(RoleModel.objects.filter(code__in=role_models))
        settings.kinds.set(MentoringKind.objects.filter(code__in=kinds))
        return settings


def staff(place, **fields) -> Staff:
    with scopes_disabled():
        return StaffFactory(school=place.school, **fields)


def participant(person: Staff) -> Participant:
    with scopes_disabled():
        found, _created = Participant.objects.get_or_create(
            staff=person, defaults={"school_id": person.school_id, "kind": ParticipantKind.STAFF}
        )
        return found


def mentor(place, **fields) -> MentorProfile:
    profile_fields = {
        k: fields.pop(k) for k in ("training_status", "is_active", "subjects", "capacity") if k in fields
    }
    person = staff(place, experience_years=fields.pop("experience_years", 22), **fields)
    with scopes_disabled():
        return MentorProfile.objects.create(
            school=place.school, participant=participant(person), **profile_fields
        )


def pair(profile: MentorProfile, *mentees: Staff, status=PairStatus.ACTIVE, start=None, **fields):
    start = start or FIRST_DAY + timedelta(days=10)
    with scopes_disabled():
        made = MentoringPair.objects.create(
            school_id=profile.school_id,
            mentor=profile.participant,
            form=MentoringForm.objects.get(code="teacher-teacher"),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=start,
            planned_end_date=start + timedelta(days=250),
            status=status,
            **fields,
        )
        for mentee in mentees:
            PairMentee.objects.create(pair=made, mentee=participant(mentee))
        return made


def completed_program(
    made: MentoringPair, *, best=False, title="Первый год в профессии"
) -> PersonalizedProgram:
    with scopes_disabled():
        return PersonalizedProgram.objects.create(
            school_id=made.school_id,
            pair=made,
            title=title,
            goal="Адаптация",
            expected_results="Уверенные уроки",
            start_date=made.start_date,
            end_date=made.start_date + timedelta(days=240),
            status=ProgramStatus.COMPLETED,
            ended_on=made.start_date + timedelta(days=230),
            approved_at=timezone.make_aware(datetime.combine(made.start_date, time(9))),
            is_best_practice=best,
        )


def draft(place, kind: str, options=None, **kwargs) -> Document:
    with scopes_disabled():
        return svc.draft_document(
            school=place.school,
            kind=kind,
            school_year=kwargs.pop("school_year", YEAR),
            acting_user=place.users["curator"],
            options=options,
            **kwargs,
        )


def approve(place, document: Document, on: date | None = None) -> Document:
    with scopes_disabled():
        svc.submit_document(document=document, acting_user=place.users["curator"])
        svc.approve_document(document=document, acting_user=place.users["director"], on=on)
        document.refresh_from_db()
        return document


def body(document: Document, key: str) -> str:
    with scopes_disabled():
        return document.sections.get(key=key).body


def keys(document: Document) -> list[str]:
    with scopes_disabled():
        return list(document.sections.order_by("order").values_list("key", flat=True))


def create_roadmap(place) -> SchoolRoadmap:
    with scopes_disabled():
        return roadmap_service.create_roadmap(
            school=place.school, school_year=YEAR, start_date=FIRST_DAY, acting_user=place.users["curator"]
        )


# --- Every kind --------------------------------------------------------------------------------------


def test_every_kind_of_document_is_registered_with_its_register_and_stamp():
    for kind in DocumentKind.values:
        doc_type = document_type(kind)
        is_order = kind.startswith("order_")
        assert doc_type.stamp == ("order" if is_order else "approve"), kind
        assert doc_type.series == ("orders" if is_order else "acts"), kind
    assert not document_type(DocumentKind.ANALYTICAL_NOTE).may_be_public
    public = {t.kind for t in map(document_type, DocumentKind.values) if t.default_public}
    assert public == {
        DocumentKind.ORDER_TARGET_MODEL,
        DocumentKind.ORDER_REGULATION,
        DocumentKind.REGULATION,
        DocumentKind.ROADMAP,
        DocumentKind.PROGRAM,
        DocumentKind.ORDER_CURATOR,
        DocumentKind.ORDER_MENTOR_SCHOOL,
        DocumentKind.CONSENT_FORMS,
    }


# --- Order on the target model -------------------------------------------------------------------------


def test_the_order_on_the_target_model_names_the_curator_the_forms_and_the_legal_basis(world):
    configure(
        world.a,
        forms=("teacher-teacher", "student-student"),
        role_models=("experienced-young",),
        kinds=("group",),
        curator=world.a.staff,
    )
    doc = draft(world.a, DocumentKind.ORDER_TARGET_MODEL)
    assert doc.title == f"О внедрении целевой модели наставничества в МБОУ СОШ № 1 в {LABEL} учебном году"
    preamble = body(doc, "preamble")
    for reference in (
        "от 29.12.2012 № 273-ФЗ",
        "от 25.12.2019 № Р-145",
        "от 23.01.2020 № МР-42/02",
        "№ АЗ-1128/08",
    ):
        assert reference in preamble
    clauses = body(doc, "clauses")
    assert clauses.startswith(
        "1. Внедрить в МБОУ СОШ № 1 целевую модель наставничества педагогических работников и обучающихся"
    )
    assert (
        f"куратором внедрения целевой модели и реализации программ наставничества является {world.a.staff.full_name}, учитель математики"
        in clauses
    )
    assert "– учитель – учитель (педагог – педагог);\n– ученик – ученик." in clauses
    assert "Ролевые модели: опытный педагог – молодой специалист." in clauses
    assert "Положение о системе наставничества МБОУ СОШ № 1" in clauses
    assert clauses.endswith("Контроль за исполнением настоящего приказа оставляю за собой.")
    assert doc.payload["acquainted"] == [{"name": world.a.staff.full_name, "position": "учитель математики"}]
    assert doc.payload["forms"] == ["учитель – учитель (педагог – педагог)", "ученик – ученик"]
    assert doc.is_public


def test_without_a_curator_the_order_on_the_target_model_orders_to_appoint_one(world):
    configure(world.a, forms=())
    doc = draft(world.a, DocumentKind.ORDER_TARGET_MODEL)
    clauses = body(doc, "clauses")
    assert "назначить отдельным приказом" in clauses
    assert "определить Положением о системе наставничества" in clauses
    assert doc.payload["acquainted"] == []


# --- The Regulation ---------------------------------------------------------------------------------------


def test_the_regulation_is_built_from_the_settings_chapter_by_chapter(world):
    configure(
        world.a,
        forms=("teacher-teacher", "teacher-student"),
        role_models=("experienced-young", "peer-peer"),
        kinds=("traditional", "group"),
        curator=world.a.staff,
        council_name="педагогический совет",
        program_min_months=4,
        program_max_months=10,
        monitoring_day=15,
        monitoring_month=6,
        pay_supplement="15 % должностного оклада",
    )
    doc = draft(world.a, DocumentKind.REGULATION)
    assert (
        doc.title == "Положение о системе наставничества педагогических работников и обучающихся МБОУ СОШ № 1"
    )
    assert keys(doc) == [
        "general", "terms", "goals", "forms", "participants", "mentor", "mentee", "pairs", "programs",
        "routes", "monitoring", "incentives", "website", "final",
    ]  # fmt: skip
    assert world.a.school.full_name in body(doc, "general")
    forms = body(doc, "forms")
    assert (
        "4.2. В МБОУ СОШ № 1 практикуются формы наставничества:\n– учитель – учитель (педагог – педагог);\n– учитель – ученик."
        in forms
    )
    assert "– опытный педагог – молодой специалист;\n– равный – равному." in forms
    assert "– групповое — один наставник работает с двумя и более наставляемыми." in forms
    participants = body(doc, "participants")
    assert "педагогический совет (далее — коллегиальный орган)" in participants
    assert f"куратором является {world.a.staff.full_name}, учитель математики" in participants
    assert "9.2. Программа реализуется в срок от 4 до 10 месяцев." in body(doc, "programs")
    assert "не позднее 15 июня текущего учебного года" in body(doc, "monitoring")
    assert "SWOT" in body(doc, "monitoring") and "Киркпатрика" in body(doc, "monitoring")
    assert "в размере: 15 % должностного оклада" in body(doc, "incentives")
    assert "за несовершеннолетнего обучающегося согласия даёт его законный представитель" in body(
        doc, "pairs"
    )
    assert doc.payload["program_months"] == [4, 10]


def test_a_regulation_without_a_supplement_or_choices_stays_general(world):
    configure(world.a, forms=("teacher-teacher",), program_max_months=1, program_min_months=1)
    doc = draft(world.a, DocumentKind.REGULATION)
    assert doc.title.startswith("Положение о системе наставничества педагогических работников МБОУ")
    assert "коллективным договором" in body(doc, "incentives")
    assert "4.3. Ролевая модель определяется при формировании" in body(doc, "forms")
    assert "от 1 до 1 месяца" in body(doc, "programs")
    assert "куратором является" not in body(doc, "participants")


# --- The order approving the Regulation and the roadmap ----------------------------------------------------


def test_approving_the_order_approves_the_regulation_and_the_roadmap_with_it(world):
    configure(world.a, curator=world.a.staff)
    roadmap = create_roadmap(world.a)
    regulation = draft(world.a, DocumentKind.REGULATION)
    roadmap_doc = draft(world.a, DocumentKind.ROADMAP)
    order = draft(
        world.a,
        DocumentKind.ORDER_REGULATION,
        {"regulation": str(regulation.pk), "roadmap": str(roadmap_doc.pk)},
    )
    assert order.title == (
        "Об утверждении Положения о системе наставничества и дорожной карты внедрения целевой модели наставничества"
    )
    clauses = body(order, "clauses")
    assert f"1. Утвердить {regulation.title} (прилагается)." in clauses
    assert "2. Утвердить дорожную карту внедрения целевой модели наставничества в МБОУ СОШ № 1" in clauses
    assert f"Куратору наставничества ({world.a.staff.full_name})" in clauses
    approve(world.a, order, on=FIRST_DAY + timedelta(days=5))
    with scopes_disabled():
        regulation.refresh_from_db()
        roadmap_doc.refresh_from_db()
        roadmap.refresh_from_db()
    assert order.registration_number == "1-о"
    for attached in (regulation, roadmap_doc):
        assert attached.status == DocumentStatus.APPROVED
        assert attached.approved_via_id == order.pk
        assert attached.approved_on == FIRST_DAY + timedelta(days=5)
    assert sorted([regulation.registration_number, roadmap_doc.registration_number]) == ["1-ЛА", "2-ЛА"]
    assert roadmap.status == RoadmapStatus.APPROVED and roadmap.decided_by == world.a.users["director"]


def test_the_order_refuses_a_regulation_that_was_deleted_or_approved_elsewhere(world):
    regulation = draft(world.a, DocumentKind.REGULATION)
    order = draft(world.a, DocumentKind.ORDER_REGULATION, {"regulation": str(regulation.pk)})
    assert order.title == "Об утверждении Положения о системе наставничества"
    with scopes_disabled():
        svc.delete_draft(document=regulation, acting_user=None)
        with pytest.raises(svc.DocumentError) as error:
            svc.submit_document(document=order, acting_user=None)
    assert "удалён" in str(error.value)

    other = draft(world.a, DocumentKind.REGULATION)
    order = draft(world.a, DocumentKind.ORDER_REGULATION, {"regulation": str(other.pk)})
    approve(world.a, other)  # approved by the director on its own, not by the order
    with scopes_disabled(), pytest.raises(svc.DocumentError) as error:
        svc.submit_document(document=order, acting_user=None)
    assert "уже утверждён" in str(error.value)
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_REGULATION, {"regulation": str(other.pk)})
    assert "regulation" in error.value.message_dict


def test_the_order_cannot_be_sent_while_an_attached_roadmap_is_out_of_date(world):
    roadmap = create_roadmap(world.a)
    regulation, roadmap_doc = draft(world.a, DocumentKind.REGULATION), draft(world.a, DocumentKind.ROADMAP)
    order = draft(
        world.a,
        DocumentKind.ORDER_REGULATION,
        {"regulation": str(regulation.pk), "roadmap": str(roadmap_doc.pk)},
    )
    with scopes_disabled():
        stage = roadmap.stages.get(order=1)
        roadmap_service.update_stage(stage=stage, fields={"activities": "Педсовет"}, acting_user=None)
        with pytest.raises(svc.DocumentError) as error:
            svc.submit_document(document=order, acting_user=None)
    assert f"{roadmap_doc.title}: Этапы дорожной карты изменены" in str(error.value)


def test_the_order_offers_only_this_schools_regulations(world):
    foreign = draft(world.b, DocumentKind.REGULATION)
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_REGULATION, {"regulation": str(foreign.pk)})
    assert "regulation" in error.value.message_dict


# --- The roadmap ------------------------------------------------------------------------------------------


def test_the_roadmap_document_needs_the_roadmap_of_its_year(world):
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ROADMAP)
    assert f"Дорожной карты на {LABEL} учебный год ещё нет: сначала создайте её" in str(error.value)


def test_the_roadmap_document_prints_the_seven_stages_and_approving_it_approves_the_roadmap(world):
    roadmap = create_roadmap(world.a)
    doc = draft(world.a, DocumentKind.ROADMAP)
    table = doc.payload["appendices"][0]
    assert table["columns"] == ["№", "Этап", "Сроки", "Мероприятия", "Документы", "Ответственный"]
    assert [row[0] for row in table["rows"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert table["rows"][0][1] == "Подготовка условий для запуска программы наставничества"
    assert table["rows"][0][2].startswith(f"с {FIRST_DAY:%d.%m.%Y}\nпо ")
    assert table["rows"][0][4].startswith("– Приказ о внедрении целевой модели наставничества.")
    assert f"в {LABEL} учебном году (с {FIRST_DAY:%d.%m.%Y} по 31.05.{YEAR + 1})" in body(doc, "general")

    with scopes_disabled():  # the stage changes after the draft: the document must be refreshed first
        stage = roadmap.stages.get(order=4)
        roadmap_service.update_stage(
            stage=stage, fields={"responsible": "заместитель директора"}, acting_user=None
        )
        with pytest.raises(svc.DocumentError) as error:
            svc.submit_document(document=doc, acting_user=None)
        assert "обновите документ" in str(error.value)
        svc.refresh_document(document=doc, acting_user=None)
    approve(world.a, doc)
    with scopes_disabled():
        roadmap.refresh_from_db()
    assert (roadmap.status, roadmap.decided_by) == (RoadmapStatus.APPROVED, world.a.users["director"])
    assert roadmap.decided_at is not None


# --- The program of the school -------------------------------------------------------------------------------


def test_the_program_passport_carries_todays_numbers(world):
    configure(
        world.a,
        forms=("teacher-teacher", "student-student"),
        curator=world.a.staff,
        pay_supplement="2000 руб.",
    )
    first, second = mentor(world.a), mentor(world.a)
    mentor(world.a, is_active=False)  # not ready to take mentees
    young = staff(world.a, experience_years=1, last_name="Новикова")
    staff(world.a, experience_years=0, last_name="Первогодкова")  # needs a mentor
    pair(first, young)
    pair(
        second,
        staff(world.a),
        status=PairStatus.COMPLETED,
        start=FIRST_DAY - timedelta(days=200),
        ended_on=FIRST_DAY - timedelta(days=20),
    )
    doc = draft(world.a, DocumentKind.PROGRAM)
    assert doc.title == f"Программа наставничества МБОУ СОШ № 1 на {LABEL} учебный год"
    assert doc.payload["participants"] == {"mentors": 2, "needs_mentor": 1, "pairs": 1}
    assert keys(doc) == ["general", "goals", "tasks", "forms", "results", "stages", "indicators", "resources"]
    passport = dict((row[0], row[1]) for row in doc.payload["appendices"][0]["rows"])
    assert (
        passport["Участники"]
        == "наставников в базе: 2\nнуждаются в наставнике: 1\nпар (групп) в учебном году: 1"
    )
    assert passport["Формы наставничества"] == "учитель – учитель (педагог – педагог)\nученик – ученик"
    assert passport["Куратор"] == f"{world.a.staff.full_name}, учитель математики"
    assert "– доля наставников, прошедших повышение квалификации" in body(doc, "indicators")
    assert "доплата наставникам: 2000 руб." in body(doc, "resources")
    assert "которую разрабатывает куратор" in body(doc, "stages")


def test_the_program_refers_to_the_approved_roadmap(world):
    create_roadmap(world.a)
    roadmap_doc = approve(world.a, draft(world.a, DocumentKind.ROADMAP), on=FIRST_DAY + timedelta(days=3))
    doc = draft(world.a, DocumentKind.PROGRAM)
    stages = body(doc, "stages")
    assert f"утверждённой от {roadmap_doc.approved_on:%d.%m.%Y} № {roadmap_doc.registration_number}" in stages
    assert "– Формирование базы наставляемых — с " in stages


# --- The order appointing the curator ---------------------------------------------------------------------------


def test_a_curator_without_an_account_cannot_be_appointed(world):
    person = staff(world.a, last_name="Безучётная")
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_CURATOR, {"staff": str(person.pk)})
    assert "нет учётной записи" in " ".join(error.value.message_dict["staff"])
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_CURATOR, {"staff": str(world.b.staff.pk)})
    assert "staff" in error.value.message_dict


def curator_context(user):
    """The work context a request of the user opens: the one the curator's screens are gated on."""
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    return resolve_tenant(request).active


def test_approving_the_order_on_the_curator_gives_the_role_that_works(world):
    user = UserFactory(username="new-curator")
    person = staff(world.a, last_name="Кураторова", position="заместитель директора по УВР", user=user)
    doc = draft(world.a, DocumentKind.ORDER_CURATOR, {"staff": str(person.pk)})
    assert doc.curator_staff == person
    assert doc.title == f"О назначении куратора реализации программ наставничества на {LABEL} учебный год"
    assert f"(далее — куратор):\n– {person.full_name}, заместитель директора по УВР." in body(doc, "clauses")
    assert doc.payload["acquainted"] == [
        {"name": person.full_name, "position": "заместитель директора по УВР"}
    ]
    assert curator_context(user) is None

    approve(world.a, doc)
    with scopes_disabled():
        assert Membership.objects.get(user=user, school=world.a.school, role=Role.CURATOR).is_active
        assert svc.settings_of(world.a.school).curator == person
    context = curator_context(user)
    assert (context.role, context.school) == (Role.CURATOR, world.a.school)


def test_a_former_curator_membership_is_switched_back_on(world):
    curator_user = world.a.users["curator"]
    with scopes_disabled():
        Membership.objects.filter(user=curator_user, role=Role.CURATOR).update(is_active=False)
    person = staff(world.a, user=curator_user)
    approve(world.a, draft(world.a, DocumentKind.ORDER_CURATOR, {"staff": str(person.pk)}))
    with scopes_disabled():
        assert list(
            Membership.objects.filter(user=curator_user, role=Role.CURATOR).values_list(
                "is_active", flat=True
            )
        ) == [True]


def test_an_amending_order_on_the_curator_appoints_another_and_releases_the_former(world):
    first_user, second_user = UserFactory(username="first-curator"), UserFactory(username="second-curator")
    first = staff(world.a, last_name="Первая", user=first_user)
    second = staff(world.a, last_name="Вторая", user=second_user)
    old = approve(world.a, draft(world.a, DocumentKind.ORDER_CURATOR, {"staff": str(first.pk)}), on=FIRST_DAY)
    with scopes_disabled():
        new = svc.amend_document(document=old, acting_user=None, options={"staff": str(second.pk)})
    assert new.title.startswith(
        f"О внесении изменений в приказ от {FIRST_DAY:%d.%m.%Y} № 1-о «О назначении куратора"
    )
    clauses = body(new, "clauses")
    assert clauses.startswith(f"1. Внести изменения в приказ от {FIRST_DAY:%d.%m.%Y} № 1-о")
    assert (
        f"Освободить от обязанностей куратора со дня издания настоящего приказа: {first.full_name}" in clauses
    )
    assert [p["name"] for p in new.payload["acquainted"]] == [second.full_name, first.full_name]
    approve(world.a, new)
    with scopes_disabled():
        assert not Membership.objects.get(user=first_user, role=Role.CURATOR).is_active
        assert Membership.objects.get(user=second_user, role=Role.CURATOR).is_active
        assert svc.settings_of(world.a.school).curator == second


# --- The order approving the mentor registry ---------------------------------------------------------------------


def test_the_order_on_the_registry_needs_a_registry_with_mentors(world):
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_REGISTRY)
    assert "Реестра наставников" in str(error.value) and "ещё нет" in str(error.value)
    with scopes_disabled():
        MentorRegistry.objects.create(school=world.a.school, school_year=YEAR)
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_REGISTRY)
    assert "нет ни одного наставника" in str(error.value)


def test_approving_the_order_on_the_registry_approves_the_registry(world):
    first = mentor(
        world.a,
        last_name="Алексеева",
        experience_years=21,
        training_status=TrainingStatus.COURSE,
        subjects="физика",
    )
    second = mentor(world.a, last_name="Борисова", experience_years=12)
    with scopes_disabled():
        registry = MentorRegistry.objects.create(school=world.a.school, school_year=YEAR)
        registry.mentors.set([second, first])
    doc = draft(world.a, DocumentKind.ORDER_REGISTRY)
    assert doc.title == f"Об утверждении реестра наставников на {LABEL} учебный год"
    assert not doc.is_public
    rows = doc.payload["appendices"][0]["rows"]
    assert [row[1] for row in rows] == [first.participant.full_name, second.participant.full_name]
    assert rows[0][2:] == [
        "учитель математики",
        "21 год",
        "физика",
        "курс «Наставничество педагогических работников»",
    ]
    assert "— 2 наставника." in body(doc, "clauses")
    assert [p["name"] for p in doc.payload["acquainted"]] == [
        first.participant.full_name,
        second.participant.full_name,
    ]

    third = mentor(world.a)
    with scopes_disabled():
        registry.mentors.add(third)
        with pytest.raises(svc.DocumentError) as error:
            svc.submit_document(document=doc, acting_user=None)
        assert "Состав реестра изменён" in str(error.value)
        svc.refresh_document(document=doc, acting_user=None)
    approve(world.a, doc)
    with scopes_disabled():
        registry.refresh_from_db()
    assert registry.status == MentorRegistry.Status.APPROVED
    assert registry.decided_by == world.a.users["director"] and registry.decided_at is not None


# --- «Школа наставников» ----------------------------------------------------------------------------------------------


def test_the_mentor_school_takes_every_active_mentor_and_the_default_plan(world):
    configure(world.a, curator=world.a.staff)
    first, second = mentor(world.a, last_name="Аристова"), mentor(world.a, last_name="Белова")
    mentor(world.a, last_name="Уставшая", is_active=False)
    doc = draft(world.a, DocumentKind.ORDER_MENTOR_SCHOOL)
    participants, plan = doc.payload["appendices"]
    assert [row[1] for row in participants["rows"]] == [
        first.participant.full_name,
        second.participant.full_name,
    ]
    assert len(plan["rows"]) == 8
    assert plan["rows"][0][2] == f"октябрь {YEAR} г." and plan["rows"][-1][2] == f"апрель {YEAR + 1} г."
    assert f"в период с 01.10.{YEAR} по 30.04.{YEAR + 1}" in body(doc, "clauses")
    assert f"руководителем «Школы наставников» (далее — руководитель):\n– {world.a.staff.full_name}" in body(
        doc, "clauses"
    )
    assert [p["name"] for p in doc.payload["acquainted"]] == [
        world.a.staff.full_name,
        first.participant.full_name,
        second.participant.full_name,
    ]


def test_the_mentor_school_follows_the_curators_choices(world):
    chosen = mentor(world.a, last_name="Выбранная")
    mentor(world.a, last_name="Невыбранная")
    leader = staff(world.a, last_name="Руководителева", position="руководитель МО")
    doc = draft(
        world.a,
        DocumentKind.ORDER_MENTOR_SCHOOL,
        {
            "start_date": f"{YEAR}-11-01",
            "end_date": f"{YEAR}-12-31",
            "leader": str(leader.pk),
            "mentors": [str(chosen.pk)],
            "topics": "Первая тема\n\nВторая тема\nТретья тема",
        },
    )
    participants, plan = doc.payload["appendices"]
    assert [row[1] for row in participants["rows"]] == [chosen.participant.full_name]
    assert plan["rows"] == [
        ["1", "Первая тема", f"ноябрь {YEAR} г."],
        ["2", "Вторая тема", f"ноябрь {YEAR} г."],
        ["3", "Третья тема", f"декабрь {YEAR} г."],
    ]
    assert doc.payload["leader"] == {"name": leader.full_name, "position": "руководитель МО"}
    with pytest.raises(svc.DocumentError) as error:
        draft(
            world.a,
            DocumentKind.ORDER_MENTOR_SCHOOL,
            {"start_date": f"{YEAR}-12-01", "end_date": f"{YEAR}-11-01"},
        )
    assert "end_date" in error.value.message_dict


# --- Rewards ---------------------------------------------------------------------------------------------------


def test_the_reward_order_thanks_the_people_of_the_completed_programs(world):
    first, second = mentor(world.a, last_name="Наставникова"), mentor(world.a, last_name="Опытнова")
    young = staff(world.a, last_name="Молодцова", experience_years=1)
    other = staff(world.a, last_name="Старательная", experience_years=2)
    best = completed_program(
        pair(first, young, status=PairStatus.COMPLETED), best=True, title="Уверенный старт"
    )
    completed_program(pair(first, other, status=PairStatus.COMPLETED), title="Классное руководство")
    completed_program(
        pair(second, staff(world.a), status=PairStatus.COMPLETED, start=FIRST_DAY - timedelta(days=300))
    )  # completed last school year: not in this order
    doc = draft(world.a, DocumentKind.ORDER_REWARD)
    assert doc.title == f"О поощрении участников наставничества по итогам {LABEL} учебного года"
    assert not doc.is_public
    rows = doc.payload["appendices"][0]["rows"]
    assert [(row[1], row[3]) for row in rows] == [
        (first.participant.full_name, "наставник"),
        (young.full_name, "наставляемый"),
        (other.full_name, "наставляемый"),
    ]
    assert rows[0][4].count("программа «") == 2 and "«Уверенный старт»" in rows[0][4]
    assert rows[1][4].endswith(", лучшая практика")
    clauses = body(doc, "clauses")
    assert (
        "1. За успешное выполнение персонализированных программ наставничества объявить благодарность"
        in clauses
    )
    assert f"– «Уверенный старт» (наставник — {first.participant.full_name})." in clauses
    assert len(doc.payload["acquainted"]) == 3

    only = draft(
        world.a, DocumentKind.ORDER_REWARD, {"programs": [str(best.pk)], "reward": "наградить грамотой"}
    )
    assert [row[1] for row in only.payload["appendices"][0]["rows"]] == [
        first.participant.full_name,
        young.full_name,
    ]
    assert "наградить грамотой участникам" in body(only, "clauses")


def test_there_is_no_reward_order_without_completed_programs(world):
    with pytest.raises(svc.DocumentError) as error:
        draft(world.a, DocumentKind.ORDER_REWARD)
    assert "нет выполненных программ" in " ".join(error.value.message_dict["programs"])


# --- Consent forms ---------------------------------------------------------------------------------------------


def test_the_consent_forms_are_the_four_templates_with_blanks(world):
    doc = draft(world.a, DocumentKind.CONSENT_FORMS)
    assert doc.title == "Формы согласий участников наставничества"
    assert keys(doc) == ["general", "mentor", "mentee", "guardian", "personal_data"]
    school = world.a.school.full_name
    assert f"образовательной организации — {school} (далее — Организация) в качестве наставника." in body(
        doc, "mentor"
    )
    assert "заявлением о замене наставника" in body(doc, "mentee")
    assert "несовершеннолетний участвует в наставничестве добровольно" in body(doc, "guardian")
    personal = body(doc, "personal_data")
    assert "статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»" in personal
    assert "тридцати дней" in personal and "статьёй 14" in personal
    assert all(
        "«____» ______________ 20____ г." in body(doc, k)
        for k in ("mentor", "mentee", "guardian", "personal_data")
    )
    assert doc.is_public


# --- The analytical note ------------------------------------------------------------------------------------------


def note_world(world):
    first, second = mentor(world.a, training_status=TrainingStatus.BOTH), mentor(world.a)
    young = [staff(world.a, experience_years=n, birth_year=FIRST_DAY.year - 25) for n in (0, 1, 2)]
    done = pair(first, young[0], status=PairStatus.COMPLETED, ended_on=LAST_DAY - timedelta(days=100))
    completed_program(done, best=True)
    pair(second, young[1], status=PairStatus.ACTIVE)
    pair(
        first,
        young[2],
        status=PairStatus.ENDED_EARLY,
        ended_on=FIRST_DAY + timedelta(days=60),
        end_reason=EndReason.MOVED,
    )
    pair(
        second,
        staff(world.a),
        status=PairStatus.ENDED_EARLY,
        ended_on=FIRST_DAY + timedelta(days=90),
        end_reason=EndReason.MOVED,
    )
    pair(second, staff(world.a), status=PairStatus.DRAFT)


def test_note_figures_are_the_monitoring_indicators_in_a_fixed_number_of_queries(world):
    with scopes_disabled(), CaptureQueriesContext(connection) as empty:
        note_figures(world.a.school, YEAR, as_of=LAST_DAY)
    note_world(world)
    with scopes_disabled(), CaptureQueriesContext(connection) as full:
        figures = note_figures(world.a.school, YEAR, as_of=LAST_DAY)
    assert len(full) == len(empty)
    v = figures["values"]
    assert (v["young_teachers"], v["young_teachers_under_35"], v["young_mentees"]) == (3, 3, 3)
    assert (v["mentor_base"], v["mentors_trained"]) == (2, 1)
    # The draft pair is not fixed by an order: the indicators leave it out, the note names it apart.
    assert (v["pairs"], figures["unfixed_pairs"]) == (4, 1)
    assert (v["programs_cohort"], v["programs_done"], v["completion_rate"]) == (1, 1, "100.0")
    assert figures["best_practices"] == 1
    with scopes_disabled():
        report = build_school_note_figures(
            world.a.school, Period(FIRST_DAY, LAST_DAY, LAST_DAY), use_snapshot=False
        )
        assert note_figures(world.b.school, YEAR, as_of=LAST_DAY)["values"].get("pairs", 0) == 0
    # The same numbers as the school's monitoring report.
    assert {k: v[k] for k in ("teachers", "young_mentees", "pairs", "programs_done")} == {
        k: report.values[k] for k in ("teachers", "young_mentees", "pairs", "programs_done")
    }


def test_the_analytical_note_shows_the_figures_and_waits_for_the_curators_analysis(world):
    note_world(world)
    doc = draft(world.a, DocumentKind.ANALYTICAL_NOTE)
    assert (
        doc.title
        == f"Аналитическая справка о реализации целевой модели наставничества в МБОУ СОШ № 1 в {LABEL} учебном году"
    )
    assert not doc.is_public
    assert keys(doc) == [
        "general",
        "figures",
        "strengths",
        "weaknesses",
        "opportunities",
        "threats",
        "reasons",
        "decisions",
    ]
    figures = body(doc, "figures")
    assert "2.3. Наставнических пар (групп), закреплённых приказом, в учебном году: 4" in figures
    assert "ещё не закреплены приказом: 1." in figures
    # Drafted today: the program that ends later this year is not completed yet on the note's date.
    assert "из них завершено — 0, не завершено — 1" in figures
    assert "доля завершённых — 0,0 %; признаны лучшими практиками — 0." in figures
    assert "7.1. Досрочно прекращённых программ в учебном году нет." in body(doc, "reasons")
    rows = {row[1]: row[3] for row in doc.payload["appendices"][0]["rows"]}
    assert rows["Молодых педагогов (стаж 0–3 года)"] == "3"
    assert rows["из них завершено"] == "0 (0,0 %)"
    assert rows["Лучших практик"] == "0"
    assert body(doc, "strengths").startswith("[Заполняет куратор:")
    with scopes_disabled():
        with pytest.raises(svc.DocumentError) as error:
            svc.submit_document(document=doc, acting_user=None)
        assert "Раздел «3. Сильные стороны» не заполнен" in str(error.value)
        for section in doc.sections.filter(body__contains="[Заполняет куратор:"):
            svc.update_section(
                section=section, heading=section.heading, body="Текст куратора.", acting_user=None
            )
        svc.submit_document(document=doc, acting_user=None)
        with pytest.raises(svc.DocumentError):
            svc.update_document(document=doc, title=doc.title, is_public=True, acting_user=None)


# --- Amendments -------------------------------------------------------------------------------------------------


def test_an_amended_act_is_a_new_edition_that_names_the_old_one(world):
    old = approve(world.a, draft(world.a, DocumentKind.REGULATION), on=FIRST_DAY + timedelta(days=1))
    with scopes_disabled():
        new = svc.amend_document(document=old, acting_user=None)
    reference = f"от {old.approved_on:%d.%m.%Y} № 1-ЛА"
    assert new.title == f"О внесении изменений в Положение о системе наставничества {reference}"
    assert keys(new)[0] == "amendment"
    assert body(new, "amendment").startswith(
        f"Внести изменения в Положение о системе наставничества, утверждённое {reference}"
    )


def test_an_amending_order_on_the_target_model_refers_to_the_old_order(world):
    old = approve(world.a, draft(world.a, DocumentKind.ORDER_TARGET_MODEL), on=FIRST_DAY + timedelta(days=1))
    with scopes_disabled():
        new = svc.amend_document(document=old, acting_user=None)
    assert new.title == f"О внесении изменений в приказ от {old.approved_on:%d.%m.%Y} № 1-о «{old.title}»"
    clauses = body(new, "clauses")
    assert clauses.startswith(f"1. Внести изменения в приказ от {old.approved_on:%d.%m.%Y} № 1-о")
    assert clauses.endswith("Контроль за исполнением настоящего приказа оставляю за собой.")
