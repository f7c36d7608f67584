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
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from programs.models import (
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


@dataclass
class MentoringSeed:
    """What was written, for the command's summary."""

    mentors: int = 0
    pairs: Counter = field(default_factory=Counter)
    assessments: int = 0
    programs: int = 0


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
    planned_pairs: list[tuple[School, Participant, Participant, str, random.Random]] = []
    participant_of: dict[int, Participant] = {}

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
            if status not in (PairStatus.COMPLETED, PairStatus.ENDED_EARLY):
                capacity_left[chosen.pk] -= 1
            planned_pairs.append(
                (
                    school,
                    participant(chosen),
                    participant(person),
                    status,
                    random.Random(f"{school.code}-{index}"),
                )
            )

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

    result = MentoringSeed(mentors=len(profiles), assessments=len(assessments))
    pair_rows, mentee_rows, consent_rows, event_rows = [], [], [], []
    for school, mentor, mentee, status, rng in planned_pairs:
        finished = status in (PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
        start = date(year - 1 if finished else year, 9, rng.randint(10, 30))
        end = date(start.year + 1, 5, 31)
        pair = MentoringPair(
            school=school,
            mentor_id=mentor.pk,
            form=forms["teacher-teacher"],
            role_model=role_models.get("experienced-young"),
            kind=kinds["traditional"],
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
            pair.end_reason = rng.choice(END_REASONS)
        pair_rows.append((pair, mentor, mentee, rng))
        result.pairs[status] += 1
    _create(MentoringPair, [row[0] for row in pair_rows])
    for pair, mentor, mentee, rng in pair_rows:
        mentee_rows.append(PairMentee(pair=pair, mentee_id=mentee.pk))
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
            for who, kinds_needed in (
                (mentor, (ConsentKind.MENTOR, ConsentKind.PERSONAL_DATA)),
                (mentee, (ConsentKind.MENTEE, ConsentKind.PERSONAL_DATA)),
            ):
                for kind in kinds_needed:
                    consent_rows.append(
                        Consent(
                            school_id=pair.school_id, participant_id=who.pk, kind=kind, received_on=received
                        )
                    )
    _create(PairMentee, mentee_rows, ids=False)
    _create(PairEvent, event_rows, ids=False)
    result.programs = _seed_programs([row[0] for row in pair_rows], reference_date=reference_date)
    # One valid consent per person and kind, even when a mentor has several pairs.
    unique = {(c.participant_id, c.kind): c for c in consent_rows}
    _create(Consent, list(unique.values()), ids=False)
    return result


PROGRAM_STATUS_OF_PAIR = {
    PairStatus.FIXED: ProgramStatus.APPROVED,
    PairStatus.ACTIVE: ProgramStatus.IN_PROGRESS,
    PairStatus.COMPLETED: ProgramStatus.COMPLETED,
    PairStatus.ENDED_EARLY: ProgramStatus.ENDED_EARLY,
}


def _seed_programs(pairs: Sequence[MentoringPair], *, reference_date: date) -> int:
    """A program from the first-year template for every pair fixed by order, with a realistic plan.

    Activities due before the reference date are mostly done (some overdue stay planned); a
    completed program has everything done and both reports; an ended one keeps the pair's reason.
    """
    template = ProgramTemplate.objects.filter(code="young-specialist-first-year").first()
    if template is None:  # the library comes from a data migration
        return 0
    steps = list(template.activities.all())
    programs, activities = [], []
    for pair in pairs:
        status = PROGRAM_STATUS_OF_PAIR.get(pair.status)
        if status is None:
            continue
        rng = random.Random(f"program-{pair.school_id}-{pair.start_date}-{pair.mentor_id}")
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
        if status == ProgramStatus.COMPLETED:
            program.mentor_report = "План выполнен полностью; наставляемый самостоятельно планирует уроки."
            program.mentee_reflection = (
                "Стало спокойнее на уроках, научилась выстраивать работу с родителями."
            )
        programs.append(program)
        for step in steps:
            due = pair.start_date + relativedelta(months=step.month - 1, days=14)
            done = status == ProgramStatus.COMPLETED or (
                status in (ProgramStatus.IN_PROGRESS, ProgramStatus.ENDED_EARLY)
                and due < reference_date
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
