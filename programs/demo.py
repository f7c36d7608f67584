"""Demo mentoring data for the schools of ``seed_demo``: mentor base, diagnostics, pairs, consents.

Written with bulk inserts so that ``seed_demo --schools 2000`` stays fast; the rules that the pair
services enforce one by one (capacity, forms, consents before the order) hold by construction here.
Each school gets its own random generator, seeded by its code, so the data are deterministic.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from programs.models import (
    OPEN_PAIR_STATUSES,
    ActivityStatus,
    Consent,
    ConsentKind,
    DifficultyArea,
    DifficultyAssessment,
    DifficultyRating,
    EndReason,
    MentorCompetency,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairEvent,
    PairMentee,
    PairSource,
    PairStatus,
    Participant,
    ParticipantKind,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
    ProgramTemplate,
    RoleModel,
    TrainingStatus,
)
from schools.models import EmploymentStatus, School, Staff
from schools.years import school_year_of

BATCH_SIZE = 1000
TEACHING_WORDS = ("учитель", "педагог", "преподаватель", "воспитатель", "мастер", "тренер")

# How a demo pair ends up, by share of pairs (current year; the finished ones belong to last year).
STATUS_WEIGHTS = [
    (PairStatus.ACTIVE, 0.55),
    (PairStatus.FIXED, 0.1),
    (PairStatus.CONSENTS, 0.05),
    (PairStatus.DRAFT, 0.08),
    (PairStatus.COMPLETED, 0.14),
    (PairStatus.ENDED_EARLY, 0.08),
]
END_REASONS = [
    EndReason.MOVED,
    EndReason.DISMISSAL,
    EndReason.MATERNITY,
    EndReason.MISMATCH,
    EndReason.MUTUAL,
]
QUESTIONNAIRE_STRENGTHS = [
    "подготовка обучающихся к ОГЭ и ЕГЭ",
    "проектная и исследовательская деятельность",
    "работа с родителями",
    "классное руководство",
    "цифровые образовательные ресурсы",
    "работа с детьми с ОВЗ",
    "олимпиадная подготовка",
]


FINISHED = (PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
# Last year's layer: the share of young specialists (working since its start) who had a pair then,
# and the share of those pairs that were completed; the rest ended early for one of these reasons.
PAST_PAIR_SHARE = 0.4
PAST_COMPLETED_SHARE = 0.8
PAST_END_REASONS = [
    EndReason.MISMATCH,
    EndReason.MUTUAL,
    EndReason.MATERNITY,
    EndReason.MENTOR_REQUEST,
    EndReason.MENTEE_REQUEST,
    EndReason.CURATOR,
]
# Groups: a mentor whose pairs of this year share a state works with those mentees as one group
# this often; now and then one more young specialist without a mentor joins (up to four).
GROUP_SHARE = 0.6
GROUP_MAX = 4
GROUPABLE = (PairStatus.ACTIVE, PairStatus.FIXED)


@dataclass
class PlannedPair:
    """A pair or a group before it is written; after writing, ``pair`` holds the saved row."""

    school: School
    mentor: Participant
    mentees: list[Participant]
    status: str
    key: str  # seeds its generators: codes and positions only, so any database gives the same data
    kind: str = "traditional"
    last_year: bool = False  # from the layer of last year's pairs (see _past_pairs)
    pair: MentoringPair | None = None
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.key)


@dataclass
class MentoringSeed:
    """What was written, for the command's summary and for the surveys written after it."""

    mentors: int = 0
    pairs: Counter = field(default_factory=Counter)
    assessments: int = 0
    programs: int = 0
    groups: int = 0
    written: list[PlannedPair] = field(default_factory=list)


def _is_teaching(staff: Staff) -> bool:
    position = staff.position.lower()
    return any(word in position for word in TEACHING_WORDS)


def _create(model, rows: list, *, ids: bool = True) -> list:
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    if ids and any(row.pk is None for row in rows):  # pragma: no cover - every supported database returns ids
        raise RuntimeError(f"{model.__name__}: the database did not return primary keys")
    return rows


def seed_mentoring(
    schools: Sequence[School],
    staff: Sequence[Staff],
    *,
    reference_date: date,
    mentor_user_ids: frozenset[int] = frozenset(),
    mentee_user_ids: frozenset[int] = frozenset(),
) -> MentoringSeed:
    """Mentoring records for the given schools; ``staff`` are their saved Staff rows.

    Staff linked to the demo accounts with the mentor and mentee roles are paired with each other,
    so that those cabinets show a working pair.
    """
    forms = {f.code: f for f in MentoringForm.objects.all()}
    kinds = {k.code: k for k in MentoringKind.objects.all()}
    role_models = {r.code: r for r in RoleModel.objects.all()}
    areas = list(DifficultyArea.objects.filter(is_active=True))
    if not (forms and kinds and areas):  # catalogs come from a data migration
        raise RuntimeError("Справочники наставничества не загружены: выполните migrate.")
    year = school_year_of(reference_date)

    by_school: dict[int, list[Staff]] = {}
    for person in staff:
        by_school.setdefault(person.school_id, []).append(person)

    participants: list[Participant] = []
    profiles: list[MentorProfile] = []
    competencies: list[tuple[MentorProfile, DifficultyArea, int]] = []
    assessments: list[DifficultyAssessment] = []
    ratings: list[tuple[DifficultyAssessment, DifficultyArea, int]] = []
    planned_pairs: list[PlannedPair] = []
    participant_of: dict[int, Participant] = {}
    profile_of: dict[int, MentorProfile] = {}
    past_start = date(year - 1, 9, 1)

    def participant(person: Staff) -> Participant:
        if person.pk not in participant_of:
            p = Participant(school_id=person.school_id, kind=ParticipantKind.STAFF, staff=person)
            participant_of[person.pk] = p
            participants.append(p)
        return participant_of[person.pk]

    for school in schools:
        rng = random.Random(f"mentoring-{school.code}")
        people = [s for s in by_school.get(school.pk, []) if s.employment_status == EmploymentStatus.WORKS]
        teaching = [s for s in people if _is_teaching(s)]
        # Demo accounts: the «mentor» user mentors the «mentee» user, so both cabinets show a pair.
        account_mentors = [s for s in people if s.user_id in mentor_user_ids]
        account_mentees = [s for s in people if s.user_id in mentee_user_ids]
        experienced = [
            s
            for s in teaching
            if s.experience_years >= 8 and s not in account_mentors and s not in account_mentees
        ]
        rng.shuffle(experienced)
        mentor_count = max(2, round(len(teaching) * 0.12))
        mentors = account_mentors + experienced[: max(0, mentor_count - len(account_mentors))]
        capacity_left: dict[int, int] = {}
        for person in mentors:
            p = participant(person)
            capacity = rng.choice([1, 2, 2, 2, 3])
            training = rng.choice(list(TrainingStatus.values))
            profile = MentorProfile(
                school=school,
                participant=p,
                capacity=capacity,
                subjects=person.subjects,
                tags=" ".join(f"#{t.replace(' ', '_')}" for t in rng.sample(QUESTIONNAIRE_STRENGTHS, 2)),
                training_status=training,
                course_completed_on=(
                    reference_date - timedelta(days=rng.randint(60, 900))
                    if training in (TrainingStatus.COURSE, TrainingStatus.BOTH)
                    else None
                ),
                portfolio=f"Педагогический стаж {person.experience_years} лет; "
                f"категория: {person.get_qualification_category_display()}.",
                questionnaire={
                    "strengths": rng.choice(QUESTIONNAIRE_STRENGTHS),
                    "help_with": rng.sample([a.code for a in areas], 2),
                    "format": rng.choice(["in_person", "mixed", "remote"]),
                    "hours_per_week": rng.choice([1, 2, 3, 4]),
                    "has_experience": rng.random() < 0.5,
                },
                volunteered_on=reference_date - timedelta(days=rng.randint(0, 400)),
            )
            profiles.append(profile)
            profile_of[person.pk] = profile
            capacity_left[person.pk] = capacity
            for area in rng.sample(areas, rng.randint(2, 4)):
                competencies.append((profile, area, rng.randint(1, 3)))

        young = account_mentees + [
            s for s in teaching if s.experience_years <= 3 and s not in account_mentees and s not in mentors
        ]
        for person in young:
            for assessed_year in (year - 1, year) if person.experience_years >= 1 else (year,):
                assessment = DifficultyAssessment(
                    school=school,
                    staff=person,
                    school_year=assessed_year,
                    source="self" if rng.random() < 0.7 else "curator",
                )
                assessments.append(assessment)
                improvement = year - assessed_year  # last year's levels were a bit higher
                for area in areas:
                    level = max(
                        0,
                        min(
                            3,
                            rng.choice([0, 1, 1, 2, 2, 3]) + (1 if improvement and rng.random() < 0.3 else 0),
                        ),
                    )
                    ratings.append((assessment, area, level))

        # Pairs: most young specialists get a mentor, never beyond a mentor's capacity.
        school_pairs: list[PlannedPair] = []
        for index, person in enumerate(young):
            is_account = person in account_mentees
            if not is_account and rng.random() > 0.75:
                continue  # stays in «нужен наставник»
            free = [m for m in mentors if capacity_left[m.pk] > 0 and m.subjects == person.subjects] or [
                m for m in mentors if capacity_left[m.pk] > 0
            ]
            if account_mentors and is_account and capacity_left.get(account_mentors[0].pk, 0) > 0:
                chosen = account_mentors[0]
            elif free:
                chosen = rng.choice(free)
            else:
                continue
            status = PairStatus.ACTIVE if is_account else rng.choices(*zip(*STATUS_WEIGHTS, strict=True))[0]
            if status in FINISHED and not _worked_since(person, past_start):
                status = PairStatus.ACTIVE  # hired after last year began: no pair of last year
            if status not in FINISHED:
                capacity_left[chosen.pk] -= 1
            school_pairs.append(
                PlannedPair(
                    school,
                    participant(chosen),
                    [participant(person)],
                    status,
                    f"{school.code}-{index}",
                )
            )
        school_pairs += _past_pairs(school, mentors, young, school_pairs, participant, profile_of, past_start)
        accounts = {p.pk for p in account_mentors + account_mentees}
        school_pairs = _make_groups(school, school_pairs, accounts, young, participant, profile_of)
        for planned in school_pairs:
            if planned.status in FINISHED:  # last year's mentor was in the base by then
                profile = profile_of[planned.mentor.staff.pk]
                profile.volunteered_on = min(profile.volunteered_on, past_start - timedelta(days=20))
        planned_pairs += school_pairs

    _create(Participant, participants)
    for profile in profiles:
        profile.participant_id = profile.participant.pk
    _create(MentorProfile, profiles)
    _create(
        MentorCompetency,
        [MentorCompetency(profile=profile, area=area, level=level) for profile, area, level in competencies],
        ids=False,
    )
    _create(DifficultyAssessment, assessments)
    _create(
        DifficultyRating,
        [DifficultyRating(assessment=a, area=area, level=level) for a, area, level in ratings],
        ids=False,
    )

    _date_assessments(assessments, year)

    result = MentoringSeed(mentors=len(profiles), assessments=len(assessments))
    mentee_rows, consent_rows, event_rows = [], [], []
    for planned in planned_pairs:
        rng, status = planned.rng, planned.status
        finished = status in FINISHED
        start = date(year - 1 if finished else year, 9, rng.randint(10, 30))
        end = date(start.year + 1, 5, 31)
        pair = MentoringPair(
            school=planned.school,
            mentor_id=planned.mentor.pk,
            form=forms["teacher-teacher"],
            role_model=role_models.get("experienced-young"),
            kind=kinds.get(planned.kind, kinds["traditional"]),
            start_date=start,
            planned_end_date=end,
            status=status,
            source=PairSource.MANUAL,
        )
        if status in (PairStatus.FIXED, PairStatus.ACTIVE, PairStatus.COMPLETED, PairStatus.ENDED_EARLY):
            pair.order_number = f"{rng.randint(20, 140)}-о"
            pair.order_date = start - timedelta(days=rng.randint(1, 7))
        if status == PairStatus.COMPLETED:
            pair.ended_on = end
        if status == PairStatus.ENDED_EARLY:
            pair.ended_on = start + timedelta(days=rng.randint(40, 200))
            pair.end_reason = rng.choice(PAST_END_REASONS if planned.last_year else END_REASONS)
        planned.pair = pair
        result.pairs[status] += 1
        result.groups += len(planned.mentees) > 1
    _create(MentoringPair, [planned.pair for planned in planned_pairs])
    for planned in planned_pairs:
        pair, rng = planned.pair, planned.rng
        mentee_rows += [PairMentee(pair=pair, mentee_id=mentee.pk) for mentee in planned.mentees]
        event_rows.append(
            PairEvent(pair=pair, to_status=PairStatus.DRAFT, description="Создана (демонстрационные данные).")
        )
        if pair.status != PairStatus.DRAFT:
            event_rows.append(
                PairEvent(
                    pair=pair,
                    from_status=PairStatus.DRAFT,
                    to_status=pair.status,
                    description=f"Переведена в состояние «{PairStatus(pair.status).label}» (демонстрационные данные).",
                )
            )
            received = pair.start_date - timedelta(days=rng.randint(8, 20))
            people = [(planned.mentor, ConsentKind.MENTOR)] + [
                (m, ConsentKind.MENTEE) for m in planned.mentees
            ]
            for who, role_consent in people:
                for kind in (role_consent, ConsentKind.PERSONAL_DATA):
                    consent_rows.append(
                        Consent(
                            school_id=pair.school_id, participant_id=who.pk, kind=kind, received_on=received
                        )
                    )
    _create(PairMentee, mentee_rows, ids=False)
    _create(PairEvent, event_rows, ids=False)
    showcase = {s.pk for s in schools if any(p.user_id in mentor_user_ids for p in by_school.get(s.pk, []))}
    result.programs = _seed_programs(
        [(planned.pair, planned.key) for planned in planned_pairs],
        reference_date=reference_date,
        showcase=showcase,
    )
    # One valid consent per person and kind, even when a mentor has several pairs.
    unique = {(c.participant_id, c.kind): c for c in consent_rows}
    _create(Consent, list(unique.values()), ids=False)
    result.written = planned_pairs
    return result


# The demo's one network pair (docs/user-guide.ru.md §2.6): the showcase school's mentor account
# also mentors a young teacher of the next account school of the municipality. It goes through the
# pair services, so the order gives the mentor the role «Наставник (сетевая пара)» there, exactly as
# in real work. Fixed dates of this school year, after every demo consent of September.
NETWORK_CONSENTS_ON = (10, 5)  # (month, day) of the current school year's autumn
NETWORK_ORDER = ("118-о", (10, 9))
NETWORK_START = (10, 12)
NETWORK_JOURNAL = (
    (
        (10, 14),
        "Знакомство, выявление затруднений",
        "Обсудили результаты самодиагностики и нагрузку; договорились о формате: встреча раз в две "
        "недели в школе наставляемого, между встречами — связь по электронной почте.",
        "Составлен перечень затруднений для программы.",
        "Подготовить технологическую карту урока для совместного разбора.",
    ),
    (
        (10, 28),
        "Разбор технологической карты урока",
        "Разобрали карту урока: постановка цели, смена видов деятельности, обратная связь на уроке.",
        "Наставляемый переработал этапы урока и подобрал задания разного уровня.",
        "Пригласить наставника на урок в 6 классе.",
    ),
    (
        (11, 11),
        "Посещение урока наставляемого",
        "Наставник посетил урок в 6 классе; после урока — анализ: темп, работа со слабыми учениками, "
        "оценивание.",
        "Намечены приёмы дифференцированной работы.",
        "Посетить открытый урок наставника.",
    ),
)


def _free_young_teacher(school: School, mentor: Staff) -> Staff | None:
    """A working young teacher of the school with no open pair; one of the mentor's subjects first."""
    busy = set(
        PairMentee.objects.filter(pair__status__in=OPEN_PAIR_STATUSES, mentee__staff__isnull=False)
        .filter(mentee__school=school)
        .values_list("mentee__staff_id", flat=True)
    )
    mentors = set(
        MentorProfile.objects.filter(school=school, participant__staff__isnull=False).values_list(
            "participant__staff_id", flat=True
        )
    )
    candidates = [
        s
        for s in Staff.objects.filter(
            school=school,
            employment_status=EmploymentStatus.WORKS,
            experience_years__lte=3,
            user__isnull=True,
        )
        if _is_teaching(s) and s.pk not in busy and s.pk not in mentors
    ]
    subjects = {x.strip() for x in mentor.subjects.split(",") if x.strip()}
    candidates.sort(
        key=lambda s: (
            not subjects & {x.strip() for x in s.subjects.split(",")},
            s.experience_years,
            s.last_name,
            s.first_name,
            s.patronymic,
            s.pk,
        )
    )
    return candidates[0] if candidates else None


def seed_network_pair(
    *, mentor_user, school: School, curator, director, reference_date: date
) -> MentoringPair | None:
    """A working network pair of ``school`` whose mentor is ``mentor_user`` (a mentor of another school).

    Created, given consents, fixed by order and started through the pair services, so the order
    grants the mentor's account the network role in ``school`` (programs/services/network_mentors.py);
    its program is written like every demo program, and a few journal entries by the mentor follow.
    Returns None when the mentor has no mentor profile or the school has no free young teacher.
    """
    from programs.services import consents as consent_service
    from programs.services import journal as journal_service
    from programs.services import pairs as pair_service
    from programs.services.participants import participant_for

    year = school_year_of(reference_date)
    mentor = Participant.objects.filter(staff__user=mentor_user).exclude(school=school).first()
    profile = getattr(mentor, "mentor_profile", None) if mentor else None
    person = _free_young_teacher(school, mentor.staff) if profile is not None else None
    if person is None:
        return None
    # The mentor agreed to one more mentee, from the other school: a place for the network pair.
    taken = pair_service.mentees_in_open_pairs([mentor]).get(mentor.pk, 0)
    if profile.capacity <= taken:
        profile.capacity = taken + 1
        profile.save(update_fields=["capacity"])
    forms = {f.code: f for f in MentoringForm.objects.all()}
    start = date(year, *NETWORK_START)
    pair = pair_service.create_pair(
        school=school,
        mentor=mentor,
        mentees=[participant_for(person)],
        form=forms["teacher-teacher"],
        kind=MentoringKind.objects.get(code="traditional"),
        role_model=RoleModel.objects.filter(code="experienced-young").first(),
        start_date=start,
        planned_end_date=date(year + 1, 5, 31),
        source=PairSource.MATCHING,  # a mentor of another school is found only by the matching
        acting_user=curator,
    )
    number, order_on = NETWORK_ORDER[0], date(year, *NETWORK_ORDER[1])
    for missing in pair_service.missing_consents(pair, on=order_on):
        consent_service.record_consent(
            participant=missing.participant,
            kind=missing.kind,
            received_on=date(year, *NETWORK_CONSENTS_ON),
            acting_user=curator,
        )
    pair_service.mark_consents_collected(pair, acting_user=curator)
    pair_service.fix_by_order(pair, order_number=number, order_date=order_on, acting_user=director)
    pair = pair_service.start(pair, acting_user=curator)
    _seed_programs([(pair, f"{school.code}-network")], reference_date=reference_date)
    for day, topic, content, result, assignment in NETWORK_JOURNAL:
        journal_service.create_entry(
            pair,
            acting_user=mentor_user,
            data=journal_service.EntryData(
                date=date(year, *day), topic=topic, content=content, result=result, assignment=assignment
            ),
        )
    return pair


def _worked_since(person: Staff, day: date) -> bool:
    return person.hire_date is not None and person.hire_date <= day


def _past_pairs(
    school: School,
    mentors: list[Staff],
    young: list[Staff],
    planned: list[PlannedPair],
    participant,
    profile_of: dict[int, MentorProfile],
    past_start: date,
) -> list[PlannedPair]:
    """Last year's pairs of the young specialists who worked then and had none in the main draw.

    Most were completed, some ended early; a mentor had no more mentees then than their capacity.
    A separate generator keeps this year's draw as it was.
    """
    rng = random.Random(f"past-{school.code}")
    had_pair = {p.mentees[0].staff_id for p in planned if p.status in FINISHED}
    left = {m.pk: profile_of[m.pk].capacity for m in mentors}
    for p in planned:
        if p.status in FINISHED:
            left[p.mentor.staff_id] -= 1
    veterans = [m for m in mentors if _worked_since(m, past_start)]
    result = []
    for index, person in enumerate(young):
        if person.pk in had_pair or not _worked_since(person, past_start) or rng.random() > PAST_PAIR_SHARE:
            continue
        free = [m for m in veterans if left[m.pk] > 0]
        if not free:
            break
        chosen = rng.choice([m for m in free if m.subjects == person.subjects] or free)
        left[chosen.pk] -= 1
        status = PairStatus.COMPLETED if rng.random() < PAST_COMPLETED_SHARE else PairStatus.ENDED_EARLY
        result.append(
            PlannedPair(
                school,
                participant(chosen),
                [participant(person)],
                status,
                f"{school.code}-past-{index}",
                last_year=True,
            )
        )
    return result


def _make_groups(
    school: School,
    planned: list[PlannedPair],
    accounts: set[int],
    young: list[Staff],
    participant,
    profile_of: dict[int, MentorProfile],
) -> list[PlannedPair]:
    """Some mentors work with their mentees of this year as one group (2–4 people, «групповое»).

    The pair of the demo accounts «mentor» and «mentee» stays a pair of the two of them.
    """
    rng = random.Random(f"groups-{school.code}")
    by_mentor: dict[tuple[int, str], list[PlannedPair]] = {}
    for p in planned:
        if (
            p.status in GROUPABLE
            and p.mentor.staff_id not in accounts
            and p.mentees[0].staff_id not in accounts
        ):
            by_mentor.setdefault((p.mentor.staff_id, p.status), []).append(p)
    busy = {m.staff_id for p in planned if p.status not in FINISHED for m in p.mentees}
    spare = [p for p in young if p.pk not in busy and p.pk not in accounts]
    merged: set[int] = set()
    for (mentor_id, _status), pairs in by_mentor.items():
        if len(pairs) < 2 or rng.random() > GROUP_SHARE:
            continue
        group = pairs[0]
        group.kind = "group"
        for other in pairs[1:]:
            group.mentees += other.mentees
            merged.add(id(other))
        if spare and len(group.mentees) < GROUP_MAX and rng.random() < 0.4:
            group.mentees.append(participant(spare.pop(rng.randrange(len(spare)))))
            # The newcomer takes a place: the mentor agreed to one more than planned.
            open_pairs = [p for p in planned if p.mentor is group.mentor and p.status not in FINISHED]
            taken = sum(len(p.mentees) for p in open_pairs if id(p) not in merged)
            profile = profile_of[mentor_id]
            profile.capacity = max(profile.capacity, taken)
    return [p for p in planned if id(p) not in merged]


BEST_SHARE = 0.12
MENTOR_REPORTS = (
    "План выполнен полностью; наставляемый самостоятельно планирует уроки и подбирает задания разного уровня.",
    "Все мероприятия плана проведены. Наставляемый провёл открытый урок, выступил на заседании методического "
    "объединения.",
    "Программа выполнена. Затруднения в работе с родителями и в оценивании сняты; нужна поддержка в подготовке "
    "обучающихся к олимпиадам.",
    "План выполнен: посещено 12 уроков наставляемого, проведено 9 консультаций; наставляемый освоил "
    "электронный журнал и цифровые сервисы.",
)
MENTEE_REFLECTIONS = (
    "Стало спокойнее на уроках, появился свой стиль объяснения; научился(-ась) выстраивать работу с родителями.",
    "Больше всего помогли разборы посещённых уроков и совместная подготовка к открытому уроку.",
    "Разобрался(-ась) с рабочими программами и оцениванием; хочу дальше развиваться в проектной деятельности.",
    "Работа с наставником помогла не бояться трудных классов и планировать время.",
)
BEST_PRACTICES = (
    "Пара «опытный – молодой педагог»: совместное проектирование уроков по технологии «урок-исследование» и "
    "взаимопосещения. Итог — открытый урок наставляемого на муниципальном семинаре.",
    "Сопровождение молодого классного руководителя: родительские собрания в паре, банк сценариев классных "
    "часов, разбор трудных ситуаций. Итог — классный коллектив без конфликтов, положительные отзывы родителей.",
    "Наставничество в подготовке к ГИА: общий банк заданий, консультации для обучающихся в паре, анализ пробных "
    "экзаменов. Итог — результаты класса наставляемого на уровне средних по школе.",
    "Освоение цифровой образовательной среды: наставник и наставляемый подготовили серию интерактивных уроков и "
    "провели мастер-класс для коллег.",
)
END_COMMENTS = {
    EndReason.MATERNITY: "Отпуск наставляемого по уходу за ребёнком; программа продолжится после выхода.",
    EndReason.MISMATCH: "Наставляемому назначен другой наставник.",
    EndReason.CURATOR: "Мероприятия плана не проводились больше двух месяцев.",
}


def _moment(day: date, hour: int) -> datetime:
    """An aware moment of the demo's past (the project's time zone)."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _date_assessments(assessments: Sequence[DifficultyAssessment], year: int) -> None:
    """Diagnostics are dated in their school year's September (``filled_at`` would say «today»)."""
    by_year: dict[int, list[int]] = {}
    for a in assessments:
        by_year.setdefault(a.school_year, []).append(a.pk)
    for school_year, ids in by_year.items():
        for i in range(0, len(ids), BATCH_SIZE):
            DifficultyAssessment.objects.filter(pk__in=ids[i : i + BATCH_SIZE]).update(
                filled_at=_moment(date(school_year, 9, 20), 14)
            )


PROGRAM_STATUS_OF_PAIR = {
    PairStatus.FIXED: ProgramStatus.APPROVED,
    PairStatus.ACTIVE: ProgramStatus.IN_PROGRESS,
    PairStatus.COMPLETED: ProgramStatus.COMPLETED,
    PairStatus.ENDED_EARLY: ProgramStatus.ENDED_EARLY,
}


def _seed_programs(
    pairs: Sequence[tuple[MentoringPair, str]],
    *,
    reference_date: date,
    showcase: frozenset[int] | set[int] = frozenset(),
) -> int:
    """A program from the first-year template for every pair fixed by order, with a realistic plan.

    ``pairs`` are the saved pairs with the keys that seed their generators. Every program was
    approved a few days after the order on the pair (``approved_at``: the indicators count only
    approved programs). Activities due before the reference date are mostly done (some overdue stay
    planned; an ended program stops at its end); a completed program has everything done and both
    reports, and some are marked best practices — always the first one of the ``showcase`` schools
    (those with demo accounts); an ended one keeps the pair's reason.
    """
    template = ProgramTemplate.objects.filter(code="young-specialist-first-year").first()
    if template is None:  # the library comes from a data migration
        return 0
    steps = list(template.activities.all())
    programs, activities = [], []
    best_marked: set[int] = set()
    for pair, key in pairs:
        status = PROGRAM_STATUS_OF_PAIR.get(pair.status)
        if status is None:
            continue
        rng = random.Random(f"program-{key}")
        program = PersonalizedProgram(
            school_id=pair.school_id,
            pair=pair,
            template=template,
            title=template.title,
            goal=template.goal,
            expected_results=template.expected_results,
            directions=template.directions,
            start_date=pair.start_date,
            end_date=pair.start_date + relativedelta(months=template.duration_months),
            status=status,
            ended_on=pair.ended_on,
            end_reason=pair.end_reason,
        )
        extra = random.Random(f"program-extra-{key}")
        approved_on = min(
            pair.start_date, (pair.order_date or pair.start_date) + timedelta(days=extra.randint(0, 4))
        )
        program.approved_at = _moment(approved_on, 11)
        if status == ProgramStatus.COMPLETED:
            program.mentor_report = extra.choice(MENTOR_REPORTS)
            program.mentee_reflection = extra.choice(MENTEE_REFLECTIONS)
            if (
                pair.school_id in showcase and pair.school_id not in best_marked
            ) or extra.random() < BEST_SHARE:
                best_marked.add(pair.school_id)
                program.is_best_practice = True
                program.best_practice_summary = extra.choice(BEST_PRACTICES)
                program.best_practice_marked_at = _moment(
                    pair.ended_on + timedelta(days=extra.randint(5, 20)), 15
                )
        elif status == ProgramStatus.ENDED_EARLY:
            program.end_comment = END_COMMENTS.get(pair.end_reason, "")
        programs.append(program)
        for step in steps:
            due = pair.start_date + relativedelta(months=step.month - 1, days=14)
            done = status == ProgramStatus.COMPLETED or (
                status in (ProgramStatus.IN_PROGRESS, ProgramStatus.ENDED_EARLY)
                and due < min(reference_date, pair.ended_on or reference_date)
                and rng.random() < 0.8
            )
            activities.append(
                PlanActivity(
                    program=program,
                    order=step.order,
                    title=step.title,
                    activity_type=step.activity_type,
                    due_date=due,
                    responsible=step.responsible,
                    area_id=step.area_id,
                    status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
                    done_on=min(due, reference_date) if done else None,
                    evidence_note=step.expected_product if done else "",
                )
            )
    _create(PersonalizedProgram, programs)
    _create(PlanActivity, activities, ids=False)
    return len(programs)


# --- Local acts ------------------------------------------------------------------------------------

# Which forms a school of each kind practises besides «учитель – учитель», with the odds of each.
EXTRA_FORMS = {
    "general": [("teacher-student", 0.5), ("student-student", 0.4), ("head-teacher", 0.15)],
    "additional": [("teacher-student", 0.7), ("student-student", 0.3)],
    "vocational": [("teacher-undergraduate", 0.6), ("employer-undergraduate", 0.5)],
}
PAY_SUPPLEMENTS = ("10 % должностного оклада", "15 % должностного оклада", "2 000 рублей в месяц")
COUNCILS = (
    "методический совет наставников",
    "методическое объединение наставников",
    "совет наставников",
)
# Account schools beyond this many get no workflow documents (keeps large runs fast).
WORKFLOW_SCHOOLS = 8
# Schools without accounts among the first ones get a draft Regulation drafted by the real service.
DRAFT_SCHOOLS = 10
EXTERNAL_SHARE = 0.35


@dataclass
class DocumentsSeed:
    """What was written, for tests and the command's logs."""

    settings: int = 0
    documents: Counter = field(default_factory=Counter)
    external_acts: int = 0


def _settings_rows(schools: Sequence[School], curator_of: dict[int, Staff]) -> list:
    """Mentoring settings of every school (bulk), with their forms, role models and kinds."""
    from programs.models import MentoringSettings

    forms = {f.code: f.pk for f in MentoringForm.objects.all()}
    role_models = {r.code: r.pk for r in RoleModel.objects.all()}
    kinds = {k.code: k.pk for k in MentoringKind.objects.all()}
    rows, links = [], []
    for school in schools:
        rng = random.Random(f"settings-{school.code}")
        chosen = ["teacher-teacher"] + [
            code for code, odds in EXTRA_FORMS[school.kind] if rng.random() < odds
        ]
        chosen_models = ["experienced-young"] + (["subject-expert-novice"] if rng.random() < 0.4 else [])
        if "student-student" in chosen:
            chosen_models.append("peer-peer")
        chosen_kinds = ["traditional"] + [
            k for k, odds in (("group", 0.5), ("virtual", 0.2)) if rng.random() < odds
        ]
        settings = MentoringSettings(
            school=school,
            curator=curator_of.get(school.pk),
            council_name=rng.choice(COUNCILS),
            pay_supplement=rng.choice(PAY_SUPPLEMENTS) if rng.random() < 0.4 else "",
        )
        rows.append(settings)
        links.append(
            (
                settings,
                [forms[c] for c in chosen if c in forms],
                [role_models[c] for c in chosen_models if c in role_models],
                [kinds[c] for c in chosen_kinds if c in kinds],
            )
        )
    _create(MentoringSettings, rows)
    for position, (relation, column) in enumerate(
        (("forms", "mentoringform_id"), ("role_models", "rolemodel_id"), ("kinds", "mentoringkind_id")),
        start=1,
    ):
        through = getattr(MentoringSettings, relation).through
        _create(
            through,
            [
                through(mentoringsettings_id=row[0].pk, **{column: pk})
                for row in links
                for pk in row[position]
            ],
            ids=False,
        )
    return rows


def _roadmap(school: School, year: int, start: date):
    """The school's roadmap of the year from the seven-stage template (a draft, as the curator creates it)."""
    from programs.models import RoadmapStage, SchoolRoadmap
    from programs.services.roadmap import STAGES, default_end_date, plan_dates

    roadmap = SchoolRoadmap.objects.create(school=school, school_year=year)
    dates = plan_dates(start, default_end_date(year))
    RoadmapStage.objects.bulk_create(
        RoadmapStage(
            roadmap=roadmap,
            code=stage.code,
            order=number,
            title=str(stage.title),
            start_date=dates[stage.code][0],
            end_date=dates[stage.code][1],
            activities=str(stage.activities),
            documents=str(stage.documents),
            responsible=str(stage.responsible),
        )
        for number, stage in enumerate(STAGES, 1)
    )
    return roadmap


def _external(school: School, requirement: str, adopted_on: date, number: str) -> object:
    from programs.models import ExternalAct, RequiredAct

    title = str(RequiredAct(requirement).label)
    return ExternalAct(
        school=school,
        requirement=requirement,
        title=title,
        number="" if requirement == RequiredAct.WEBSITE else number,
        adopted_on=adopted_on,
        url=f"{school.website.rstrip('/')}/nastavnichestvo/" if requirement == RequiredAct.WEBSITE else "",
        note="Принят до подключения к системе «Наставник»; скан не загружен.",
    )


class _Workflow:
    """One school's documents through the real services: drafted by the curator, decided by the director."""

    def __init__(self, school: School, curator, director, year: int, result: DocumentsSeed) -> None:
        self.school, self.curator, self.director, self.year, self.result = (
            school,
            curator,
            director,
            year,
            result,
        )

    def draft(self, kind: str, options: dict | None = None, year: int | None = None):
        from programs.services import documents as svc

        document = svc.draft_document(
            school=self.school,
            kind=kind,
            school_year=year or self.year,
            acting_user=self.curator,
            options=options,
        )
        self.result.documents["draft"] += 1
        return document

    def submit(self, document):
        from programs.services import documents as svc

        self.result.documents["draft"] -= 1
        self.result.documents["submitted"] += 1
        return svc.submit_document(document=document, acting_user=self.curator)

    def approve(self, document, on: date, *, attached: int = 0):
        from programs.services import documents as svc

        self.submit(document)
        svc.approve_document(document=document, acting_user=self.director, on=on)
        self.result.documents["submitted"] -= 1
        self.result.documents["approved"] += 1 + attached
        self.result.documents["draft"] -= attached
        return document

    def give_back(self, document, comment: str):
        from programs.services import documents as svc

        self.submit(document)
        svc.return_document(document=document, comment=comment, acting_user=self.director)
        self.result.documents["submitted"] -= 1
        self.result.documents["returned"] += 1
        return document


def _full_set(flow: _Workflow, reference_date: date) -> list:
    """The showcase school: last year's acts from outside, its reward and note; this year's acts
    renewed and approved in the system, an order waiting."""
    from programs.documents.kinds.order_pairs import candidate_pairs
    from programs.documents.kinds.order_reward import completed_programs
    from programs.models import DocumentKind, MentorRegistry
    from programs.services import documents as svc

    school, year = flow.school, flow.year
    if completed_programs(school, year - 1).exists():
        flow.approve(flow.draft(DocumentKind.ORDER_REWARD, year=year - 1), date(year, 6, 5))
    note = flow.draft(DocumentKind.ANALYTICAL_NOTE, year=year - 1)
    for section in note.sections.filter(body__contains="[Заполняет куратор:"):
        svc.update_section(
            section=section,
            heading=section.heading,
            body=NOTE_TEXTS.get(section.key, ""),
            acting_user=flow.curator,
        )
    flow.approve(note, date(year, 6, 20))

    start = reference_date
    flow.approve(flow.draft(DocumentKind.ORDER_TARGET_MODEL), start + timedelta(days=1))
    settings = svc.settings_of(school)
    if settings.curator is not None and settings.curator.user_id:
        flow.approve(
            flow.draft(DocumentKind.ORDER_CURATOR, {"staff": str(settings.curator.pk)}),
            start + timedelta(days=1),
        )
    _roadmap(school, year, start)
    regulation = flow.draft(DocumentKind.REGULATION)
    roadmap = flow.draft(DocumentKind.ROADMAP)
    order = flow.draft(
        DocumentKind.ORDER_REGULATION, {"regulation": str(regulation.pk), "roadmap": str(roadmap.pk)}
    )
    flow.approve(order, start + timedelta(days=4), attached=2)
    flow.approve(flow.draft(DocumentKind.CONSENT_FORMS), start + timedelta(days=4))
    registry = MentorRegistry.objects.create(school=school, school_year=year)
    registry.mentors.set(MentorProfile.objects.filter(school=school, is_active=True))
    if registry.mentors.exists():
        flow.approve(flow.draft(DocumentKind.ORDER_REGISTRY), start + timedelta(days=6))
    flow.approve(flow.draft(DocumentKind.PROGRAM), start + timedelta(days=9))
    # The director's queue is not empty: the order on the pairs whose consents are in hand waits.
    if not candidate_pairs(school).exists():
        _collect_consents(school, reference_date, flow.curator)
    waiting = [str(pk) for pk in candidate_pairs(school).values_list("pk", flat=True)]
    if waiting:
        flow.submit(flow.draft(DocumentKind.ORDER_PAIRS, {"pairs": waiting}))
        flow.draft(DocumentKind.ORDER_MENTOR_SCHOOL)
    else:
        flow.submit(flow.draft(DocumentKind.ORDER_MENTOR_SCHOOL))
    # Before the system the school had the whole package on paper: last year's monitoring finds it.
    from programs.models import RequiredAct

    adopted = {
        RequiredAct.ORDER_TARGET_MODEL: (date(2023, 8, 30), "112-о"),
        RequiredAct.ORDER_CURATOR: (date(2023, 8, 30), "113-о"),
        RequiredAct.REGULATION: (date(2023, 8, 31), "9-ЛА"),
        RequiredAct.WEBSITE: (date(2023, 9, 15), ""),
        RequiredAct.PROGRAM: (date(year - 1, 8, 29), "14-ЛА"),
        RequiredAct.ROADMAP: (date(year - 1, 8, 29), "15-ЛА"),
        RequiredAct.ORDER_PAIRS: (date(year - 1, 9, 8), "121-о"),
    }
    return [_external(school, requirement, on, number) for requirement, (on, number) in adopted.items()]


def _collect_consents(school: School, reference_date: date, curator, limit: int = 2) -> None:
    """Bring the consents of a couple of draft pairs (on paper, a week before) and mark them collected."""
    from programs.services import pairs as pair_service

    drafts = list(
        MentoringPair.objects.filter(school=school, status=PairStatus.DRAFT)
        .prefetch_related("mentee_links")
        .order_by("start_date", "pk")[:limit]
    )
    needed = {}
    for pair in drafts:
        for kind in (ConsentKind.MENTOR, ConsentKind.PERSONAL_DATA):
            needed[(pair.mentor_id, kind)] = pair
        for link in pair.mentee_links.all():
            for kind in (ConsentKind.MENTEE, ConsentKind.PERSONAL_DATA):
                needed[(link.mentee_id, kind)] = pair
    have = set(
        Consent.objects.filter(
            participant_id__in={who for who, _kind in needed}, withdrawn_on__isnull=True
        ).values_list("participant_id", "kind")
    )
    received = reference_date - timedelta(days=7)
    _create(
        Consent,
        [
            Consent(school=school, participant_id=who, kind=kind, received_on=received, recorded_by=curator)
            for (who, kind) in needed
            if (who, kind) not in have
        ],
        ids=False,
    )
    for pair in drafts:
        pair_service.mark_consents_collected(pair, acting_user=curator)


def _partial_set(flow: _Workflow, reference_date: date) -> list:
    """Acts adopted before the system are registered from outside; the Regulation is approved here."""
    from programs.documents.kinds.order_pairs import candidate_pairs
    from programs.models import DocumentKind, RequiredAct

    school = flow.school
    external = [
        _external(school, RequiredAct.ORDER_TARGET_MODEL, date(2023, 8, 30), "112-о"),
        _external(school, RequiredAct.ORDER_CURATOR, date(2023, 8, 30), "113-о"),
        _external(school, RequiredAct.WEBSITE, date(2023, 9, 15), ""),
    ]
    regulation = flow.draft(DocumentKind.REGULATION)
    flow.approve(
        flow.draft(DocumentKind.ORDER_REGULATION, {"regulation": str(regulation.pk)}),
        reference_date + timedelta(days=3),
        attached=1,
    )
    flow.draft(DocumentKind.PROGRAM)
    waiting = [str(pk) for pk in candidate_pairs(school).values_list("pk", flat=True)]
    if waiting:
        flow.draft(DocumentKind.ORDER_PAIRS, {"pairs": waiting})
    return external


def _returned_set(flow: _Workflow, reference_date: date) -> list:
    """Older acts from outside, and a new Regulation the director sent back for corrections."""
    from programs.models import DocumentKind, RequiredAct

    school = flow.school
    external = [
        _external(school, RequiredAct.REGULATION, date(2022, 9, 1), "7-ЛА"),
        _external(school, RequiredAct.ORDER_TARGET_MODEL, date(2022, 8, 29), "98-о"),
        _external(school, RequiredAct.ROADMAP, date(2022, 9, 1), "8-ЛА"),
    ]
    flow.give_back(
        flow.draft(DocumentKind.REGULATION),
        "Уточните состав методического совета и срок программ для обучающихся.",
    )
    flow.draft(DocumentKind.ORDER_TARGET_MODEL)
    return external


# The curator's texts of the showcase school's analytical note; its monitoring submission repeats them.
NOTE_TEXTS = {
    "strengths": (
        "– Все молодые специалисты закреплены за наставниками;\n"
        "– Наставники прошли обучение в «Школе наставников»;\n"
        "– Программы опираются на диагностику затруднений."
    ),
    "weaknesses": (
        "– Не все пары регулярно ведут журнал наставничества;\n"
        "– Открытые уроки наставляемых проводятся в основном во втором полугодии."
    ),
    "opportunities": (
        "– Сетевое взаимодействие со школами района;\n– Курсы повышения квалификации регионального центра."
    ),
    "threats": (
        "– Высокая учебная нагрузка наставников;\n– Уход молодых педагогов в отпуск по уходу за ребёнком."
    ),
    "reasons": (
        "– Пара не сложилась, наставляемому назначен другой наставник;\n– Отпуск по уходу за ребёнком."
    ),
    "decisions": (
        "1. Признать реализацию программы наставничества эффективной и продолжить её.\n\n"
        "2. Провести обучение наставников в сентябре–октябре.\n\n"
        "3. Поощрить наставников, программы которых признаны лучшими практиками."
    ),
}


def seed_documents(
    schools: Sequence[School],
    staff: Sequence[Staff],
    *,
    reference_date: date,
    accounts: dict[str, dict[str, object]],
) -> DocumentsSeed:
    """Mentoring settings for every school; local acts varied by school so that registers differ.

    ``accounts`` maps a school code to its demo users by role. The first account schools run the real
    workflow (the showcase set, a partial set with acts from outside, a returned draft, nothing at all);
    a few more schools get a draft Regulation from the real service; the rest get acts registered from
    outside in bulk, for a share of them — fast enough for ``--schools 2000``.
    """
    from programs.models import DocumentKind, ExternalAct, RequiredAct

    year = school_year_of(reference_date)
    result = DocumentsSeed()
    staff_of_user = {p.user_id: p for p in staff if p.user_id}
    deputies: dict[int, Staff] = {}
    for p in staff:
        if p.position == "заместитель директора по УВР" and p.employment_status == EmploymentStatus.WORKS:
            deputies.setdefault(p.school_id, p)
    curator_of: dict[int, Staff] = {}
    for school in schools:
        user = accounts.get(school.code, {}).get("curator")
        found = staff_of_user.get(user.pk) if user is not None else None
        if found is None and random.Random(f"curator-{school.code}").random() < 0.7:
            found = deputies.get(school.pk)
        if found is not None:
            curator_of[school.pk] = found
    result.settings = len(_settings_rows(schools, curator_of))

    external: list = []
    scenarios = (_full_set, _partial_set, _returned_set, None)
    workflow_schools = [s for s in schools if {"curator", "director"} <= set(accounts.get(s.code, {}))]
    for index, school in enumerate(workflow_schools[:WORKFLOW_SCHOOLS]):
        scenario = scenarios[index % len(scenarios)]
        if scenario is None:
            continue  # a school that has not started its paperwork
        flow = _Workflow(
            school, accounts[school.code]["curator"], accounts[school.code]["director"], year, result
        )
        external += scenario(flow, reference_date) or []
    with_workflow = {s.pk for s in workflow_schools[:WORKFLOW_SCHOOLS]}

    requirements = list(RequiredAct.values)
    for index, school in enumerate(schools):
        if school.pk in with_workflow:
            continue
        rng = random.Random(f"acts-{school.code}")
        if index < DRAFT_SCHOOLS and rng.random() < 0.5:
            _Workflow(school, None, None, year, result).draft(DocumentKind.REGULATION)
        if rng.random() < EXTERNAL_SHARE:
            for n, requirement in enumerate(sorted(rng.sample(requirements, rng.randint(1, 5)))):
                adopted = date(rng.randint(2021, year - 1), rng.choice((8, 9)), rng.randint(1, 28))
                suffix = "-о" if requirement.startswith("order_") else "-ЛА"
                external.append(
                    _external(school, requirement, adopted, f"{rng.randint(20, 160) + n}{suffix}")
                )
    _create(ExternalAct, external, ids=False)
    result.external_acts = len(external)
    return result
