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


def _full_set(flow: _Workflow, reference_date: date) -> None:
    """The showcase school: last year's reward and note, this year's acts approved, an order waiting."""
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


NOTE_TEXTS = {
    "strengths": (
        "Все молодые специалисты, принятые в прошлом учебном году, закреплены за наставниками; наставники "
        "прошли «Школу наставников», программы опирались на результаты диагностики затруднений."
    ),
    "weaknesses": (
        "Не все пары регулярно вели журнал наставничества; открытые уроки наставляемых проводились в основном "
        "во втором полугодии."
    ),
    "opportunities": (
        "Сетевое взаимодействие со школами района и курсы повышения квалификации регионального центра "
        "для наставников."
    ),
    "threats": "Высокая учебная нагрузка наставников; уход молодых педагогов в отпуск по уходу за ребёнком.",
    "reasons": (
        "Досрочное прекращение программ связано прежде всего с переездом и увольнением наставляемых; отдельные "
        "пары не сложились."
    ),
    "decisions": (
        "1. Признать практику наставничества эффективной и продолжить реализацию программы.\n\n"
        "2. Скорректировать дорожную карту: обучение наставников провести в сентябре–октябре.\n\n"
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
