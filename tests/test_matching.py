"""Matching: explainable scores, the optimal assignment, the services that write drafts, the screens."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from programs import matching as m
from programs.models import (
    DifficultyArea,
    DifficultyAssessment,
    DifficultyRating,
    MentorCompetency,
    MentoringPair,
    MentorProfile,
    PairSource,
    PairStatus,
    TrainingStatus,
)
from programs.services import matching as services
from programs.services import pairs
from schools.tenancy import municipality_school_ids, school_scope
from tests import programs_factories as f
from tests.factories import SchoolFactory

AREA_NAMES = {"methodical": "методическая", "ict": "ИКТ-компетентность", "legal": "нормативно-правовая"}
START, END = date(2026, 9, 1), date(2027, 5, 31)


def needs(pid: int, school: int = 1, **kwargs) -> m.MenteeNeeds:
    return m.MenteeNeeds(participant_id=pid, school_id=school, **kwargs)


def offer(pid: int, school: int = 1, **kwargs) -> m.MentorOffer:
    return m.MentorOffer(participant_id=pid, school_id=school, **kwargs)


# --- score() -------------------------------------------------------------------------------------


def test_each_factor_has_its_points_and_explains_itself():
    mentee = needs(
        1,
        subjects=frozenset({"математика", "физика"}),
        experience_years=1,
        difficulties={"ict": 3, "methodical": 2, "legal": 1},
    )
    mentor = offer(
        2,
        subjects=frozenset({"математика"}),
        experience_years=21,
        competencies={"ict": 3, "methodical": 3},
        capacity_left=2,
        trained=True,
    )
    s = m.score(mentee, mentor, area_names=AREA_NAMES)
    by_code = {f.code: f for f in s.factors}
    assert [f.code for f in s.factors] == list(m.FACTOR_CODES)
    # (3·3 + 2·3 + 1·0) / (3 · (3 + 2 + 1)) of 40 points
    assert by_code["areas"].points == pytest.approx(m.W_AREAS * 15 / 18)
    assert by_code["areas"].explanation == (
        "закрывает: методическая, ИКТ-компетентность; не закрывает: нормативно-правовая"
    )
    assert by_code["subject"].points == m.W_SUBJECT
    assert by_code["subject"].explanation == "общий предмет: математика"
    assert by_code["experience"].points == m.W_EXPERIENCE  # 20 years ahead: the full bonus
    assert "у наставника 21, у наставляемого 1" in by_code["experience"].explanation
    assert by_code["school"].points == m.W_SAME_SCHOOL
    assert by_code["trained"].points == m.W_TRAINED
    assert by_code["capacity"].points == pytest.approx(m.W_CAPACITY * 2 / 3)
    assert by_code["capacity"].label == "Свободные места"
    assert s.total == pytest.approx(sum(f.points for f in s.factors))
    assert s.eligible and s.blocker == ""


def test_a_less_experienced_mentor_is_penalised_and_no_subject_earns_nothing():
    mentee = needs(1, subjects=frozenset({"химия"}), experience_years=8)
    mentor = offer(2, subjects=frozenset({"история"}), experience_years=6)
    s = m.score(mentee, mentor)
    assert s.points("experience") == -2 * m.EXPERIENCE_PENALTY_PER_YEAR
    assert "наставник менее опытен" in s.factors[2].explanation
    assert s.points("subject") == 0 and s.factors[1].explanation == "общих предметов нет"
    assert s.points("areas") == 0 and "нет отмеченных затруднений" in s.factors[0].explanation
    assert s.points("trained") == 0
    far_behind = m.score(needs(1, experience_years=30), offer(2, experience_years=0))
    assert far_behind.points("experience") == -m.W_EXPERIENCE


def test_impossible_pairs_are_not_eligible_and_say_why():
    other_school = m.score(needs(1, school=1), offer(2, school=2))
    assert not other_school.eligible and "сетевое наставничество" in other_school.blocker
    network = m.score(needs(1, school=1), offer(2, school=2), network=True)
    assert network.eligible and network.points("school") == 0
    assert not m.score(needs(1), offer(1)).eligible
    assert not m.score(needs(1), offer(2, capacity_left=0)).eligible


def test_subjects_are_compared_as_normalised_words():
    assert m.parse_subjects(" Математика,  ФИЗИКА; русский  язык/Ёлочка ") == {
        "математика",
        "физика",
        "русский язык",
        "елочка",
    }
    assert m.parse_subjects("") == frozenset()


def test_rank_orders_by_total_then_by_participant_id_and_skips_impossible_mentors():
    mentee = needs(1, difficulties={"ict": 3})
    strong = offer(30, competencies={"ict": 3})
    twin_a, twin_b = offer(21, competencies={"ict": 1}), offer(20, competencies={"ict": 1})
    full = offer(40, competencies={"ict": 3}, capacity_left=0)
    foreign = offer(50, school=2, competencies={"ict": 3})
    ranked = m.rank(mentee, [twin_a, full, strong, foreign, twin_b])
    assert [o.participant_id for o, _s in ranked] == [30, 20, 21]
    assert [o.participant_id for o, _s in m.rank(mentee, [twin_a, strong, twin_b], limit=2)] == [30, 20]


# --- The vectorised matrix is score() ------------------------------------------------------------

SUBJECT_POOL = ("математика", "физика", "история", "химия", "биология")
AREA_POOL = ("ict", "methodical", "legal", "digital")


def _random_people(rnd: random.Random, n: int, k: int) -> tuple[list[m.MenteeNeeds], list[m.MentorOffer]]:
    mentees = [
        needs(
            i,
            school=rnd.choice([1, 2]),
            subjects=frozenset(rnd.sample(SUBJECT_POOL, rnd.randint(0, 2))),
            experience_years=rnd.randint(0, 25),
            difficulties={a: rnd.randint(0, 3) for a in rnd.sample(AREA_POOL, rnd.randint(0, 4))},
        )
        for i in range(1, n + 1)
    ]
    mentors = [
        offer(
            rnd.choice([100 + j, rnd.randint(1, n)]),  # sometimes a mentee mentors too: not themselves
            school=rnd.choice([1, 2]),
            subjects=frozenset(rnd.sample(SUBJECT_POOL, rnd.randint(0, 3))),
            experience_years=rnd.choice([None, *range(0, 40)]),
            competencies={a: rnd.randint(1, 3) for a in rnd.sample(AREA_POOL, rnd.randint(0, 4))},
            capacity_left=rnd.randint(0, 4),
            trained=rnd.random() < 0.5,
        )
        for j in range(k)
    ]
    return mentees, list({o.participant_id: o for o in mentors}.values())


@pytest.mark.parametrize("seed", range(12))
def test_the_vectorised_matrices_equal_score_factor_by_factor(seed):
    rnd = random.Random(seed)
    mentees, mentors = _random_people(rnd, rnd.randint(1, 7), rnd.randint(1, 7))
    network = seed % 2 == 1
    matrices = m.score_matrices(mentees, mentors, network=network)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            s = m.score(mentee, mentor, network=network)
            for code in m.FACTOR_CODES:
                assert matrices.factors[code][i, j] == pytest.approx(s.points(code)), (seed, code)
            assert matrices.total[i, j] == pytest.approx(s.total)
            # allowed ignores capacity: a full mentor is suitable, just without a free place
            suitable = m.score(mentee, replace(mentor, capacity_left=1), network=network).eligible
            assert bool(matrices.allowed[i, j]) == suitable


# --- assign() ------------------------------------------------------------------------------------


def _brute_force(mentees, mentors, network):
    """Best (matched count, total) over every assignment that respects capacity."""
    best = (-1, -np.inf)
    options = [None, *mentors]
    for choice in itertools.product(options, repeat=len(mentees)):
        used: dict[int, int] = {}
        total, ok = 0.0, True
        for mentee, mentor in zip(mentees, choice, strict=True):
            if mentor is None:
                continue
            taken = used.get(mentor.participant_id, 0)
            left = mentor.capacity_left - taken
            s = m.score(mentee, replace(mentor, capacity_left=left), network=network)
            if not s.eligible:
                ok = False
                break
            used[mentor.participant_id] = taken + 1
            total += s.total
        if ok:
            count = sum(c is not None for c in choice)
            best = max(best, (count, total))
    return best


def test_the_assignment_beats_greedy_where_greedy_is_wrong():
    # Greedy takes the single best pair (A–X) and leaves B with nobody who covers its difficulty.
    a = needs(1, difficulties={"ict": 3, "methodical": 3})
    b = needs(2, difficulties={"ict": 3})
    x = offer(10, competencies={"ict": 3, "methodical": 3})
    y = offer(11, competencies={"methodical": 3})
    assert m.score(a, x).total > m.score(a, y).total > m.score(b, y).total
    greedy = m.score(a, x).total + m.score(b, y).total
    result = m.assign([a, b], [x, y])
    assert {(p.mentee_id, p.mentor_id) for p in result.matches} == {(1, 11), (2, 10)}
    assert result.total == pytest.approx(m.score(a, y).total + m.score(b, x).total)
    assert result.total > greedy


@pytest.mark.parametrize("seed", range(25))
def test_the_assignment_is_optimal_and_never_exceeds_capacity(seed):
    rnd = random.Random(1000 + seed)
    mentees, mentors = _random_people(rnd, rnd.randint(1, 5), rnd.randint(1, 3))
    network = seed % 3 == 0
    result = m.assign(mentees, mentors, network=network)
    count, total = _brute_force(mentees, mentors, network)
    assert (len(result.matches), result.total) == (count, pytest.approx(total))
    by_id = {o.participant_id: o for o in mentors}
    load: dict[int, int] = {}
    for match in result.matches:
        load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
    assert all(n <= by_id[mid].capacity_left for mid, n in load.items())
    assert {p.mentee_id for p in result.matches} | {u for u, _r in result.unmatched} == {
        x.participant_id for x in mentees
    }


def test_capacity_holds_on_a_larger_case_and_each_match_is_explained_by_score():
    rnd = random.Random(7)
    mentees, mentors = _random_people(rnd, 60, 25)
    result = m.assign(mentees, mentors, network=True)
    by_mentee = {x.participant_id: x for x in mentees}
    by_mentor = {o.participant_id: o for o in mentors}
    load: dict[int, int] = {}
    for match in result.matches:
        load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
        explained = m.score(
            by_mentee[match.mentee_id],
            replace(by_mentor[match.mentor_id], capacity_left=match.capacity_left),
            network=True,
        )
        assert explained.eligible and explained.total == pytest.approx(match.total)
    assert all(n <= max(by_mentor[i].capacity_left, 0) for i, n in load.items())
    assert len(result.matches) + len(result.unmatched) == len(mentees)


def test_fixed_pairs_are_kept_and_take_their_places():
    x = offer(10, capacity_left=2, competencies={"ict": 3})
    y = offer(11, capacity_left=1)
    mentees = [needs(i, difficulties={"ict": 3}) for i in (1, 2, 3)]
    result = m.assign(mentees, [x, y], fixed=[(1, 10)])
    assert result.fixed == ((1, 10),)
    assert 1 not in {p.mentee_id for p in result.matches}
    assert sorted(p.mentor_id for p in result.matches) == [10, 11]  # X has one place left, not two


def test_mentees_without_a_place_or_a_mentor_are_reported_not_forced():
    x = offer(10, capacity_left=1)
    result = m.assign([needs(1), needs(2), needs(3, school=2)], [x])
    assert [p.mentee_id for p in result.matches] == [1]
    assert dict(result.unmatched) == {2: m.NO_PLACE, 3: m.NO_MENTOR}
    assert str(m.UNMATCHED_REASONS[m.NO_PLACE])
    nobody = m.assign([needs(1)], [])
    assert nobody.matches == () and nobody.unmatched == ((1, m.NO_MENTOR),)


def test_load_spreads_over_equal_mentors_and_the_result_does_not_depend_on_input_order():
    mentees = [needs(i, difficulties={"ict": 2}) for i in (1, 2)]
    mentors = [
        offer(10, capacity_left=3, competencies={"ict": 3}),
        offer(11, capacity_left=3, competencies={"ict": 3}),
    ]
    result = m.assign(mentees, mentors)
    assert sorted(p.mentor_id for p in result.matches) == [10, 11]
    rnd = random.Random(3)
    many, offers = _random_people(rnd, 12, 6)
    first = m.assign(many, offers, network=True)
    shuffled_mentees, shuffled_offers = many[:], offers[:]
    rnd.shuffle(shuffled_mentees)
    rnd.shuffle(shuffled_offers)
    assert m.assign(shuffled_mentees, shuffled_offers, network=True) == first


# --- Services --------------------------------------------------------------------------------------


def _areas() -> dict[str, DifficultyArea]:
    with scopes_disabled():
        return {a.code: a for a in DifficultyArea.objects.all()}


def diagnose(participant, year: int = 2025, **levels: int) -> None:
    areas = _areas()
    with scopes_disabled():
        assessment = DifficultyAssessment.objects.create(
            school_id=participant.school_id, staff=participant.staff, school_year=year, source="self"
        )
        DifficultyRating.objects.bulk_create(
            [DifficultyRating(assessment=assessment, area=areas[c], level=v) for c, v in levels.items()]
        )


def competent(mentor_participant, **levels: int) -> None:
    areas = _areas()
    with scopes_disabled():
        profile = MentorProfile.objects.get(participant=mentor_participant)
        MentorCompetency.objects.bulk_create(
            [MentorCompetency(profile=profile, area=areas[c], level=v) for c, v in levels.items()]
        )


def young(school, **kwargs):
    return f.teacher(school, experience_years=1, **kwargs)


def _propose(world, school, *, network=False, user=None):
    with school_scope([school.pk]):
        return services.propose_school_assignment(
            school=school,
            acting_user=user or world.a.users["curator"],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            network=network,
        )


def _pairs(**filters):
    with scopes_disabled():
        return list(MentoringPair.objects.filter(**filters).prefetch_related("mentee_links"))


def test_the_school_proposal_creates_draft_pairs_within_capacity(world):
    school = world.a.school
    ict_expert = f.mentor(school, capacity=1, last_name="Экспертова")
    competent(ict_expert, ict=3)
    generalist = f.mentor(school, capacity=1, last_name="Общая")
    anna, boris, vera = young(school, last_name="Анна"), young(school, last_name="Борис"), young(school)
    diagnose(anna, ict=3)
    f.teacher(school, experience_years=15)  # not in the mentee base: nobody proposes a pair for them

    proposal = _propose(world, school)
    created = _pairs(school=school)
    assert len(created) == 2 and len(proposal.created) == 2
    assert {(p.status, p.source, p.is_network) for p in created} == {
        (PairStatus.DRAFT, PairSource.MATCHING, False)
    }
    assert {(r.mentee.pk, r.mentor.participant.pk) for r in proposal.created} >= {
        (anna.staff_id, ict_expert.pk)
    }
    assert {u.mentee.pk for u in proposal.unmatched} <= {boris.staff_id, vera.staff_id}
    assert len(proposal.unmatched) == 1
    assert proposal.unmatched[0].reason == str(m.UNMATCHED_REASONS[m.NO_PLACE])
    row = next(r for r in proposal.created if r.mentee.pk == anna.staff_id)
    assert "закрывает: ИКТ-компетентность" in row.score.factors[0].explanation
    assert generalist.pk in {p.mentor_id for p in created}


def test_existing_open_pairs_are_kept_and_fill_their_mentors(world):
    school = world.a.school
    busy = f.mentor(school, capacity=1)
    in_pair = young(school)
    with scopes_disabled():
        kept = pairs.create_pair(
            school=school,
            mentor=busy,
            mentees=[in_pair],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
        )
    waiting = young(school)
    proposal = _propose(world, school)
    assert proposal.created == []
    assert [u.mentee.pk for u in proposal.unmatched] == [waiting.staff_id]
    assert [p.pk for p in _pairs(school=school)] == [kept.pk]

    free = f.mentor(school, capacity=3)
    proposal = _propose(world, school)
    assert [(r.mentee.pk, r.mentor.participant.pk) for r in proposal.created] == [(waiting.staff_id, free.pk)]
    assert proposal.unmatched == []


def test_network_mode_reads_mentors_of_the_same_municipality_only(world):
    a, b, c = world.a.school, world.b.school, world.c.school
    neighbour = f.mentor(b, capacity=1, last_name="Соседова")
    competent(neighbour, ict=3)
    far_away = f.mentor(c, capacity=5, last_name="Далёкова")
    competent(far_away, ict=3)
    mentee = young(a)
    diagnose(mentee, ict=3)

    assert _propose(world, a).created == []  # school mode: nobody of A's own base
    proposal = _propose(world, a, network=True)
    assert [(r.mentee.pk, r.mentor.participant.pk) for r in proposal.created] == [
        (mentee.staff_id, neighbour.pk)
    ]
    assert proposal.created[0].mentor.school_name == b.short_name
    pair = _pairs(school=a)[0]
    assert pair.is_network and pair.mentor_id == neighbour.pk

    # The neighbour is full now; the mentor of another municipality is never offered.
    second = young(a)
    proposal = _propose(world, a, network=True)
    assert proposal.created == [] and [u.mentee.pk for u in proposal.unmatched] == [second.staff_id]
    with school_scope([a.pk]):
        person = second.staff
        suggested = services.suggest_for_mentee(person, form=f.teacher_form(), network=True, limit=None)
    assert far_away.pk not in {s.mentor.participant.pk for s in suggested.suggestions}


def test_the_municipality_school_ids_skip_other_municipalities_and_closed_schools(world):
    closed = SchoolFactory(municipality=world.a.school.municipality, is_active=False)
    with school_scope([world.a.school.pk]):
        ids = municipality_school_ids(world.a.school)
    assert ids == sorted([world.a.school.pk, world.b.school.pk])
    assert closed.pk not in ids and world.c.school.pk not in ids


def test_suggestions_for_one_mentee_are_ranked_and_explained(world):
    school = world.a.school
    best = f.mentor(school, subjects="математика")
    competent(best, ict=3, methodical=3)
    with scopes_disabled():
        MentorProfile.objects.filter(participant=best).update(
            training_status=TrainingStatus.SCHOOL_OF_MENTORS
        )
    other = f.mentor(school, subjects="история", position="учитель истории")
    mentee = young(school)
    diagnose(mentee, ict=3, methodical=2)
    diagnose(mentee, year=2024, legal=3)  # an older year does not count
    with school_scope([school.pk]):
        result = services.suggest_for_mentee(mentee.staff, form=f.teacher_form())
    assert [s.mentor.participant.pk for s in result.suggestions] == [best.pk, other.pk]
    assert result.has_diagnostics and not result.in_open_pair
    top = result.suggestions[0].score
    assert top.factors[0].explanation.startswith("закрывает: методическая")
    assert "нормативно-правовая" not in top.factors[0].explanation
    assert top.points("trained") == m.W_TRAINED


# --- Screens -------------------------------------------------------------------------------------


def test_the_mentee_page_shows_every_factor_and_creates_a_draft(client, world):
    school = world.a.school
    mentor = f.mentor(school, last_name="Наставникова")
    competent(mentor, ict=3)
    mentee = young(school)
    diagnose(mentee, ict=3)
    client.force_login(world.a.users["curator"])
    url = reverse("programs:match-mentee", kwargs={"pk": mentee.staff_id})
    page = client.get(url).content.decode()
    assert "Наставникова" in page and "закрывает: ИКТ-компетентность" in page
    for label in m.FACTOR_LABELS.values():
        assert str(label) in page
    response = client.post(
        reverse("programs:match-create-pair", kwargs={"pk": mentee.staff_id}),
        {
            "mentor": mentor.pk,
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "01.09.2026",
            "planned_end_date": "31.05.2027",
        },
    )
    assert response.status_code == 302
    (pair,) = _pairs(school=school)
    assert (pair.source, pair.status, pair.mentor_id) == (PairSource.MATCHING, PairStatus.DRAFT, mentor.pk)
    assert [link.mentee_id for link in pair.mentee_links.all()] == [mentee.pk]

    # The same teacher cannot be put into a second open pair from this page.
    other = f.mentor(school)
    response = client.post(
        reverse("programs:match-create-pair", kwargs={"pk": mentee.staff_id}),
        {
            "mentor": other.pk,
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "01.09.2026",
            "planned_end_date": "31.05.2027",
        },
        follow=True,
    )
    assert "уже наставляемый в открытой паре" in response.content.decode()
    assert len(_pairs(school=school)) == 1


def test_a_mentor_of_another_school_cannot_be_posted_without_network_mode(client, world):
    foreign = f.mentor(world.b.school)
    mentee = young(world.a.school)
    client.force_login(world.a.users["curator"])
    response = client.post(
        reverse("programs:match-create-pair", kwargs={"pk": mentee.staff_id}),
        {
            "mentor": foreign.pk,
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "01.09.2026",
            "planned_end_date": "31.05.2027",
        },
        follow=True,
    )
    assert "Наставник не найден" in response.content.decode()
    assert _pairs() == []


def test_the_school_page_proposes_and_lists_created_and_unmatched(client, world):
    school = world.a.school
    f.mentor(school, capacity=1, last_name="Единственная")
    young(school, last_name="Первова")
    young(school, last_name="Вторая")
    client.force_login(world.a.users["director"])
    url = reverse("programs:match-school")
    page = client.get(url).content.decode()
    assert "Первова" in page and "Вторая" in page
    response = client.post(
        url,
        {
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "01.09.2026",
            "planned_end_date": "31.05.2027",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="created-table"' in body and 'data-testid="unmatched-table"' in body
    assert str(m.UNMATCHED_REASONS[m.NO_PLACE]) in body
    assert len(_pairs(school=school, source=PairSource.MATCHING)) == 1


def test_the_school_page_rejects_an_end_before_the_start(client, world):
    client.force_login(world.a.users["curator"])
    response = client.post(
        reverse("programs:match-school"),
        {
            "form": f.teacher_form().pk,
            "kind": f.traditional().pk,
            "start_date": "01.09.2026",
            "planned_end_date": "01.08.2026",
        },
    )
    assert "Плановое окончание должно быть позже начала." in response.content.decode()
    assert _pairs() == []


@pytest.mark.parametrize("role", ["psychologist", "mentor", "mentee"])
def test_other_roles_of_the_school_get_404(client, world, role):
    client.force_login(world.a.users[role])
    assert client.get(reverse("programs:match-school")).status_code == 404
    url = reverse("programs:match-mentee", kwargs={"pk": world.a.staff.pk})
    assert client.get(url).status_code == 404


def test_a_mentee_of_another_school_is_a_404(client, world):
    client.force_login(world.b.users["curator"])
    assert client.get(reverse("programs:match-mentee", kwargs={"pk": world.a.staff.pk})).status_code == 404


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(school, n: int) -> None:
    for i in range(n):
        mentor = f.mentor(school, capacity=2)
        competent(mentor, ict=1 + i % 3, methodical=2)
        mentee = young(school)
        diagnose(mentee, ict=2, legal=1)


def test_the_matching_pages_need_the_same_number_of_queries_for_more_people(client, world):
    school = world.a.school
    _grow(school, 2)
    client.force_login(world.a.users["curator"])
    mentee = young(school)
    pages = [
        reverse("programs:match-school"),
        reverse("programs:match-mentee", kwargs={"pk": mentee.staff_id}),
    ]
    before = [_count_queries(client, url) for url in pages]
    _grow(school, 12)
    after = [_count_queries(client, url) for url in pages]
    assert after == before
