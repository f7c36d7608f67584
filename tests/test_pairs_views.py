"""The pair screens: list, creation, the card, edits and every step of the lifecycle."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    Consent,
    ConsentKind,
    EndReason,
    MentoringForm,
    MentoringPair,
    MentorProfile,
    PairEvent,
    PairStatus,
    Participant,
)
from programs.selectors_pairs import missing_consents_by_pair, pair_queryset
from programs.services import pairs as pair_service
from programs.services.participants import participant_for
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.factories import StaffFactory

START, END = date(2026, 9, 1), date(2027, 5, 31)


# --- Builders shared by the pair, consent and request tests --------------------------------------


def mentor_user_participant(world, place: str = "a", capacity: int = 10) -> Participant:
    """The mentor user of a place as a mentor of its school (a staff card linked to the account)."""
    school = getattr(world, place).school
    user = getattr(world, place).users["mentor"]
    with scopes_disabled():
        existing = Participant.objects.filter(staff__user=user, school=school).first()
        if existing is not None:
            return existing
        p = participant_for(
            StaffFactory(school=school, user=user, last_name="Наставникова", experience_years=25)
        )
        MentorProfile.objects.create(school=school, participant=p, capacity=capacity)
        return p


def mentee_user_participant(world, place: str = "a") -> Participant:
    """The marker person, whose card is linked to the mentee user of the place."""
    with scopes_disabled():
        return participant_for(getattr(world, place).staff)


def make_pair(world, *, mentor=None, mentees=None, place: str = "a", form=None) -> MentoringPair:
    school = getattr(world, place).school
    with scopes_disabled():
        return pair_service.create_pair(
            school=school,
            mentor=mentor or f.mentor(school, capacity=10),
            mentees=mentees or [f.teacher(school, experience_years=1)],
            form=form or f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=getattr(world, place).users["curator"],
        )


def collect_consents(pair: MentoringPair) -> None:
    """Every consent the pair needs, from the guardian where the person is a minor."""
    today = timezone.localdate()
    with scopes_disabled():
        for participant, kind in pair_service.required_consents(pair):
            f.consent(participant, kind, guardian=participant.needs_guardian_on(today), on=today)


LIFECYCLE = [PairStatus.DRAFT, PairStatus.CONSENTS, PairStatus.FIXED, PairStatus.ACTIVE, PairStatus.COMPLETED]


def advance(world, pair: MentoringPair, to: str, place: str = "a") -> MentoringPair:
    """Move a pair from where it is to ``to`` with the services, collecting only missing consents
    (a mentor with several pairs gives the mentor's consent once)."""
    users = getattr(world, place).users
    today = timezone.localdate()
    with scopes_disabled():
        pair.refresh_from_db()
        for step in LIFECYCLE[LIFECYCLE.index(pair.status) + 1 : LIFECYCLE.index(to) + 1]:
            if step == PairStatus.CONSENTS:
                for missing in pair_service.missing_consents(pair):
                    f.consent(missing.participant, missing.kind, guardian=missing.needs_guardian, on=today)
                pair_service.mark_consents_collected(pair, acting_user=users["curator"])
            elif step == PairStatus.FIXED:
                pair_service.fix_by_order(
                    pair, order_number="12-о", order_date=today, acting_user=users["director"]
                )
            elif step == PairStatus.ACTIVE:
                pair_service.start(pair, acting_user=users["curator"])
            else:
                pair_service.complete(pair, acting_user=users["curator"])
            pair.refresh_from_db()
    return pair


def html(response) -> str:
    return response.content.decode()


def status_of(pair: MentoringPair) -> str:
    with scopes_disabled():
        pair.refresh_from_db()
    return pair.status


@pytest.fixture
def curator(client, world):
    client.force_login(world.a.users["curator"])
    return client


@pytest.fixture
def director(client, world):
    client.force_login(world.a.users["director"])
    return client


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_mentor_mentees_group_badge_status_and_missing_consents(curator, world):
    school = world.a.school
    single = make_pair(world)
    group = make_pair(
        world, mentees=[f.teacher(school, last_name="Первая"), f.teacher(school, last_name="Вторая")]
    )
    advance(world, single, PairStatus.CONSENTS)

    page = html(curator.get(reverse("programs:pair-list")))

    assert single.mentor.full_name in page and "Первая" in page and "Вторая" in page
    assert page.count('data-testid="group-badge"') == 1
    assert "согласия собраны" in page and "черновик" in page
    with scopes_disabled():
        missing = missing_consents_by_pair(list(pair_queryset().filter(pk=group.pk)))[group.pk]
    assert len(missing) == 6  # mentor: 2, each of two mentees: 2
    assert ">6<" in page


def test_the_list_filters_searches_and_sorts(curator, world):
    school = world.a.school
    draft = make_pair(world, mentees=[f.teacher(school, last_name="Искомова")])
    active = advance(world, make_pair(world), PairStatus.ACTIVE)
    url = reverse("programs:pair-list")

    assert "Искомова" in html(curator.get(url, {"q": "Искомова"}))
    assert active.mentor.full_name not in html(curator.get(url, {"q": "Искомова"}))
    by_status = html(curator.get(url, {"status": PairStatus.ACTIVE}))
    assert active.mentor.full_name in by_status and "Искомова" not in by_status
    assert "Искомова" in html(curator.get(url, {"status": "open"}))
    with scopes_disabled():
        other_form = MentoringForm.objects.get(code="teacher-student")
    assert "Искомова" not in html(curator.get(url, {"form": other_form.pk}))
    assert "Искомова" in html(curator.get(url, {"form": draft.form_id, "network": "no", "sort": "mentor"}))
    assert "Искомова" not in html(curator.get(url, {"network": "yes"}))
    for sort in ("mentor", "start", "-start", "end", "status", "-created", "nonsense"):
        assert curator.get(url, {"sort": sort}).status_code == 200


def test_the_psychologist_reads_pairs_but_gets_no_buttons(client, world):
    pair = make_pair(world)
    client.force_login(world.a.users["psychologist"])
    assert "pair-create" not in html(client.get(reverse("programs:pair-list")))
    page = html(client.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert 'data-testid="pair-actions"' not in page
    assert client.get(reverse("programs:pair-create")).status_code == 404
    assert client.post(reverse("programs:pair-start", kwargs={"pk": pair.pk})).status_code == 404


def _add_pairs(world, n: int) -> None:
    school = world.a.school
    mentors = [f.mentor(school, capacity=10) for _ in range((n + 4) // 5)]
    for i in range(n):
        mentees = [f.teacher(school, experience_years=1) for _ in range(1 + i % 2)]
        pair = make_pair(world, mentor=mentors[i // 5], mentees=mentees)
        if i % 5 == 0:  # each mentor once
            f.consent(pair.mentor, ConsentKind.MENTOR)


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?status=open&sort=mentor", "?q=Иванова"])
def test_the_pair_list_needs_as_many_queries_for_40_pairs_as_for_5(curator, world, query):
    url = reverse("programs:pair-list") + query
    _add_pairs(world, 5)
    small = _count(curator, url)
    _add_pairs(world, 35)
    with scopes_disabled():
        assert MentoringPair.objects.filter(school=world.a.school).count() == 40
    assert _count(curator, url) <= small


# --- Creating a pair -----------------------------------------------------------------------------


def _create_data(mentor: Participant, *people, **overrides) -> dict:
    with scopes_disabled():
        data = {
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "2026-09-01",
            "planned_end_date": "2027-05-31",
            "mentor": mentor.pk,
            "mentees": [
                f"{'staff' if p.staff_id else 'student'}:{(p.staff_id or p.student_id)}" for p in people
            ],
        }
    data.update(overrides)
    return data


def test_the_create_page_lists_mentors_with_their_free_places(curator, world):
    mentor = f.mentor(world.a.school, capacity=3, last_name="Вместительная")
    make_pair(world, mentor=mentor)
    page = html(curator.get(reverse("programs:pair-create")))
    assert "Вместительная" in page
    assert "занято 1 из 3, свободно 2" in page
    assert "Маркерова-a" in page  # the registry people are the candidates for mentees


def test_choosing_the_form_narrows_mentors_and_mentees(curator, world):
    f.mentor(world.a.school, last_name="Педагогова")
    kid = f.student(world.a.school, birth_date=date(2012, 1, 1), last_name="Ученикова")
    with scopes_disabled():
        student_form = MentoringForm.objects.get(code="student-student")
    page = html(curator.get(reverse("programs:pair-create"), {"form": student_form.pk}))
    assert "Педагогова" not in page  # a teacher cannot mentor in «ученик – ученик»
    assert "Ученикова" in page and "Маркерова-a" not in page
    assert kid.student.grade in page


def test_a_curator_creates_a_draft_pair_from_registry_people(curator, world):
    mentor = f.mentor(world.a.school)
    response = curator.post(
        reverse("programs:pair-create"), _create_data(mentor, mentee_user_participant(world))
    )
    with scopes_disabled():
        pair = MentoringPair.objects.get(mentor=mentor)
        assert [link.mentee.staff_id for link in pair.mentee_links.all()] == [world.a.staff.pk]
        assert pair.status == PairStatus.DRAFT and pair.created_by == world.a.users["curator"]
    assert response.status_code == 302 and response["Location"] == reverse(
        "programs:pair-detail", kwargs={"pk": pair.pk}
    )


def test_a_new_registry_person_becomes_a_participant_only_with_the_pair(curator, world):
    mentor = f.mentor(world.a.school)
    with scopes_disabled():
        newcomer = StaffFactory(school=world.a.school, last_name="Новенькая", experience_years=0)
    data = _create_data(mentor)
    data["mentees"] = [f"staff:{newcomer.pk}"]
    curator.post(reverse("programs:pair-create"), data)
    with scopes_disabled():
        assert Participant.objects.get(staff=newcomer).pair_links.count() == 1


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("capacity", "mentees", "свободно мест: 1 из 1"),
        ("self", "mentees", "Наставник не может быть наставляемым в своей же паре."),
        ("dates", "planned_end_date", "Плановое окончание должно быть позже начала."),
        ("form", "mentees", "наставляемыми могут быть только: обучающийся"),
        ("empty", "mentees", "Обязательное поле."),
    ],
)
def test_creation_errors_are_shown_in_russian_on_the_right_field(curator, world, case, field, message):
    school = world.a.school
    mentor = f.mentor(school, capacity=1)
    people = [f.teacher(school)]
    overrides: dict = {}
    if case == "capacity":
        people.append(f.teacher(school))
    elif case == "self":
        people = [mentor]
    elif case == "dates":
        overrides = {"planned_end_date": "2026-08-01"}
    elif case == "form":
        with scopes_disabled():
            overrides = {"form": MentoringForm.objects.get(code="teacher-student").pk}
    elif case == "empty":
        people = []
    response = curator.post(reverse("programs:pair-create"), _create_data(mentor, *people, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    with scopes_disabled():
        assert not MentoringPair.objects.filter(mentor=mentor).exists()


# --- The card and its actions --------------------------------------------------------------------


def test_the_card_shows_people_terms_consents_history_and_the_curators_buttons(curator, world):
    pair = make_pair(world, mentees=[mentee_user_participant(world)])
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert "Маркерова-a" in page and pair.mentor.full_name in page
    assert "01.09.2026 — 31.05.2027" in page
    assert "не хватает: 4" in page
    assert (
        reverse(
            "programs:consent-create",
            kwargs={"pk": pair.pk, "participant_pk": pair.mentor_id, "kind": "mentor"},
        )
        in page
    )
    assert (
        reverse("programs:consent-form-pdf", kwargs={"participant_pk": pair.mentor_id, "kind": "mentor"})
        in page
    )
    assert "Создана (вручную)" in page
    for name in ("pair-edit", "pair-consents-collected", "pair-end", "pair-delete"):
        assert reverse(f"programs:{name}", kwargs={"pk": pair.pk}) in page
    assert reverse("programs:pair-fix", kwargs={"pk": pair.pk}) not in page


def test_consents_collected_is_refused_while_one_is_missing_and_accepted_after(curator, world):
    pair = make_pair(world)
    url = reverse("programs:pair-consents-collected", kwargs={"pk": pair.pk})
    page = html(curator.post(url, follow=True))
    assert "Не хватает согласий:" in page and pair.mentor.full_name in page
    assert status_of(pair) == PairStatus.DRAFT
    collect_consents(pair)
    page = html(curator.post(url, follow=True))
    assert "все согласия собраны" in page
    assert status_of(pair) == PairStatus.CONSENTS


def test_only_the_director_fixes_a_pair_by_order(client, world):
    pair = advance(world, make_pair(world), PairStatus.CONSENTS)
    url = reverse("programs:pair-fix", kwargs={"pk": pair.pk})
    client.force_login(world.a.users["curator"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"order_number": "1", "order_date": "2026-09-02"}).status_code == 404
    assert status_of(pair) == PairStatus.CONSENTS

    client.force_login(world.a.users["director"])
    assert reverse("programs:pair-fix", kwargs={"pk": pair.pk}) in html(
        client.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk}))
    )
    today = timezone.localdate()  # the consents were received today: the order cannot be older
    response = client.post(url, {"order_number": "45-о", "order_date": today.isoformat()})
    assert response.status_code == 302
    with scopes_disabled():
        pair.refresh_from_db()
    assert (pair.status, pair.order_number, pair.order_date) == (PairStatus.FIXED, "45-о", today)


def test_fixing_is_refused_while_a_consent_is_missing_and_the_message_names_it(director, world):
    mentee = f.teacher(world.a.school, last_name="Забывчивая")
    pair = advance(world, make_pair(world, mentees=[mentee]), PairStatus.CONSENTS)
    with scopes_disabled():  # the paper went missing after the mark (withdrawn outside the screens)
        Consent.objects.filter(participant=mentee, kind=ConsentKind.PERSONAL_DATA).update(
            withdrawn_on=timezone.localdate()
        )
    url = reverse("programs:pair-fix", kwargs={"pk": pair.pk})
    assert "Забывчивая" in html(director.get(url))  # the page lists what is missing before the click
    response = director.post(url, {"order_number": "45-о", "order_date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Пару нельзя закрепить приказом, пока не получены согласия" in errors
    assert "Забывчивая" in errors and "согласие на обработку персональных данных" in errors
    assert status_of(pair) == PairStatus.CONSENTS


def test_the_order_number_is_required(director, world):
    pair = advance(world, make_pair(world), PairStatus.CONSENTS)
    response = director.post(
        reverse("programs:pair-fix", kwargs={"pk": pair.pk}), {"order_number": "", "order_date": "2026-09-05"}
    )
    assert response.context["form"].errors["order_number"] == ["Обязательное поле."]


def test_a_fixed_pair_starts_and_completes(curator, world):
    pair = advance(world, make_pair(world), PairStatus.FIXED)
    curator.post(reverse("programs:pair-start", kwargs={"pk": pair.pk}))
    assert status_of(pair) == PairStatus.ACTIVE
    assert curator.get(reverse("programs:pair-complete", kwargs={"pk": pair.pk})).status_code == 200
    response = curator.post(
        reverse("programs:pair-complete", kwargs={"pk": pair.pk}),
        {"ended_on": "2027-05-30", "end_comment": "Программа выполнена полностью"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        pair.refresh_from_db()
    assert (pair.status, pair.ended_on, pair.end_comment) == (
        PairStatus.COMPLETED,
        date(2027, 5, 30),
        "Программа выполнена полностью",
    )


def test_a_step_out_of_order_is_a_message_not_a_server_error(curator, world):
    pair = make_pair(world)
    page = html(curator.post(reverse("programs:pair-start", kwargs={"pk": pair.pk}), follow=True))
    assert "Нельзя перевести пару из состояния «черновик» в «работает»." in page
    response = curator.post(
        reverse("programs:pair-complete", kwargs={"pk": pair.pk}), {"ended_on": "2026-10-01"}
    )
    assert response.status_code == 200
    assert "Нельзя перевести пару" in " ".join(response.context["form"].non_field_errors())
    blocked = html(curator.get(reverse("programs:pair-complete", kwargs={"pk": pair.pk})))
    assert "Сейчас это действие недоступно" in blocked


def test_ending_early_needs_a_reason_and_a_comment_for_other(curator, world):
    pair = advance(world, make_pair(world), PairStatus.ACTIVE)
    url = reverse("programs:pair-end", kwargs={"pk": pair.pk})
    response = curator.post(url, {"end_reason": "", "ended_on": "2026-10-01"})
    assert response.context["form"].errors["end_reason"] == ["Обязательное поле."]
    response = curator.post(url, {"end_reason": EndReason.OTHER, "ended_on": "2026-10-01"})
    assert response.context["form"].errors["end_comment"] == [
        "Для причины «другое» опишите её в комментарии."
    ]
    response = curator.post(
        url,
        {"end_reason": EndReason.MOVED, "ended_on": "2026-10-01", "end_comment": "Переезд в другой город"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.ended_on) == (
        PairStatus.ENDED_EARLY,
        EndReason.MOVED,
        date(2026, 10, 1),
    )


def test_a_draft_is_deleted_after_confirmation_and_a_fixed_pair_is_not(curator, world):
    draft = make_pair(world)
    url = reverse("programs:pair-delete", kwargs={"pk": draft.pk})
    assert "Черновик будет удалён" in html(curator.get(url))
    assert curator.post(url)["Location"] == reverse("programs:pair-list")
    with scopes_disabled():
        assert not MentoringPair.objects.filter(pk=draft.pk).exists()
    fixed = advance(world, make_pair(world), PairStatus.FIXED)
    page = html(curator.post(reverse("programs:pair-delete", kwargs={"pk": fixed.pk}), follow=True))
    assert "Удалить можно только черновик пары" in page
    assert status_of(fixed) == PairStatus.FIXED


def test_mutations_refuse_get(curator, world):
    pair = make_pair(world)
    for name in ("pair-consents-collected", "pair-start"):
        assert curator.get(reverse(f"programs:{name}", kwargs={"pk": pair.pk})).status_code == 405
    assert status_of(pair) == PairStatus.DRAFT


# --- Editing -------------------------------------------------------------------------------------


def test_mentees_and_dates_change_while_draft_and_the_history_keeps_it(curator, world):
    school = world.a.school
    pair = make_pair(world)
    replacement = f.teacher(school, last_name="Заменяющая")
    url = reverse("programs:pair-edit", kwargs={"pk": pair.pk})
    assert curator.get(url).status_code == 200
    response = curator.post(
        url,
        {
            "start_date": "2026-09-15",
            "planned_end_date": "2027-06-15",
            "mentees": [f"staff:{replacement.staff_id}"],
            "reason": "Наставляемый перешёл в другую параллель",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        pair.refresh_from_db()
        assert [link.mentee_id for link in pair.mentee_links.all()] == [replacement.pk]
        descriptions = list(PairEvent.objects.filter(pair=pair).values_list("description", flat=True))
    assert (pair.start_date, pair.planned_end_date) == (date(2026, 9, 15), date(2027, 6, 15))
    assert any("Изменены сроки: с 15.09.2026 по 15.06.2027." in d for d in descriptions)
    assert any("Заменяющая" in d and "перешёл в другую параллель" in d for d in descriptions)


def test_an_edit_that_breaks_a_rule_changes_nothing(curator, world):
    school = world.a.school
    pair = make_pair(world, mentor=f.mentor(school, capacity=1))
    response = curator.post(
        reverse("programs:pair-edit", kwargs={"pk": pair.pk}),
        {
            "start_date": "2026-10-01",
            "planned_end_date": "2027-05-31",
            "mentees": [f"staff:{f.teacher(school).staff_id}", f"staff:{f.teacher(school).staff_id}"],
        },
    )
    assert response.status_code == 200
    assert any("свободно мест" in e for e in response.context["form"].errors["mentees"])
    with scopes_disabled():
        pair.refresh_from_db()
    assert pair.start_date == START  # the new dates were rolled back with the refused mentees


def test_a_fixed_pair_is_not_edited(curator, world):
    pair = advance(world, make_pair(world), PairStatus.FIXED)
    url = reverse("programs:pair-edit", kwargs={"pk": pair.pk})
    assert "меняются только новым приказом" in html(curator.get(url))
    page = html(
        curator.post(url, {"start_date": "2026-10-01", "planned_end_date": "2027-05-31"}, follow=True)
    )
    assert "меняются только новым приказом" in page
    with scopes_disabled():
        pair.refresh_from_db()
    assert pair.start_date == START


# --- History -------------------------------------------------------------------------------------


def test_the_history_shows_every_transition(curator, world):
    pair = make_pair(world)
    collect_consents(pair)
    curator.force_login(world.a.users["curator"])
    curator.post(reverse("programs:pair-consents-collected", kwargs={"pk": pair.pk}))
    curator.force_login(world.a.users["director"])
    curator.post(
        reverse("programs:pair-fix", kwargs={"pk": pair.pk}),
        {"order_number": "7", "order_date": timezone.localdate().isoformat()},
    )
    curator.force_login(world.a.users["curator"])
    curator.post(reverse("programs:pair-start", kwargs={"pk": pair.pk}))
    curator.post(
        reverse("programs:pair-end", kwargs={"pk": pair.pk}),
        {"end_reason": EndReason.MUTUAL, "ended_on": timezone.localdate().isoformat()},
    )
    with scopes_disabled():
        transitions = list(
            PairEvent.objects.filter(pair=pair).exclude(to_status="").values_list("from_status", "to_status")
        )
    assert transitions == [
        ("", PairStatus.DRAFT),
        (PairStatus.DRAFT, PairStatus.CONSENTS),
        (PairStatus.CONSENTS, PairStatus.FIXED),
        (PairStatus.FIXED, PairStatus.ACTIVE),
        (PairStatus.ACTIVE, PairStatus.ENDED_EARLY),
    ]
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    for text in (
        "черновик → согласия собраны",
        "согласия собраны → закреплена приказом",
        f"Закреплена приказом № 7 от {timezone.localdate():%d.%m.%Y}.",
        "закреплена приказом → работает",
        "работает → прекращена досрочно",
        "Прекращена досрочно: по обоюдному решению.",
    ):
        assert text in page, text


def test_the_batch_missing_rule_agrees_with_the_service(world):
    school = world.a.school
    kid = f.student(school, birth_date=date(2013, 3, 1))
    with scopes_disabled():
        form = MentoringForm.objects.get(code="teacher-student")
    pair = make_pair(world, mentees=[kid], form=form)
    f.consent(kid, ConsentKind.MENTEE)  # not from the guardian: does not count for a minor
    f.consent(kid, ConsentKind.PERSONAL_DATA, guardian=True)
    with school_scope([school.pk]):
        loaded = pair_queryset().get(pk=pair.pk)
        batch = missing_consents_by_pair([loaded])[pair.pk]
        single = pair_service.missing_consents(loaded)
    assert [(m.participant.pk, m.kind) for m in batch] == [(m.participant.pk, m.kind) for m in single]
    assert (kid.pk, ConsentKind.MENTEE) in [(m.participant.pk, m.kind) for m in batch]
