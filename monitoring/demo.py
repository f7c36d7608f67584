"""Demo monitoring for ``seed_demo``: participants' questionnaires and the municipalities' campaigns.

Called by ``schools.demo`` after the mentoring layer and the local acts, inside its transaction and
with the scopes lifted. Like the rest of the demo, everything comes from generators seeded by
codes, so the same arguments give the same rows, and the rows are written in bulk:

- **Surveys** of last school year: most mentors and mentees of its pairs answered the satisfaction
  questionnaires, mentees the entry and exit ones, some anonymously (this year's questionnaires are
  left for the demo accounts to fill). Keys are the real ``respondent_key`` for people with an
  account (their cabinet shows the questionnaire as filled) and a key of the person otherwise.
- **Last year's campaign** of each municipality is at the analytical stage: most schools' materials
  accepted (level, SWOT, reasons, decisions, and the indicators frozen at submission as
  ``submit_submission`` stores them, computed for the whole region in one pass per submission
  day), one returned, two never handed in (late). Only the showcase school's submission is linked
  to its analytical note signed by the director; drafting and approving a note per school would
  take minutes at two thousand schools.
- **This year's campaign** is opened through ``open_campaign``: the internal stage, drafts only.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from monitoring.compute import Period, Scope, school_values
from monitoring.indicators import with_shares
from monitoring.models import (
    Campaign,
    CampaignStage,
    EffectivenessLevel,
    Submission,
    SubmissionStatus,
    SurveyKind,
    SurveyResponse,
    default_deadline,
)
from monitoring.services_campaigns import campaign_title, open_campaign, suggest_level
from monitoring.services_surveys import respondent_key, score_of
from monitoring.surveys import QUESTIONNAIRES
from schools.models import Municipality, School, User
from schools.years import school_year_bounds

BATCH_SIZE = 1000
FIXED = ("fixed", "active", "completed", "ended_early")
FINISHED = ("completed", "ended_early")

# Survey response rates and the share of anonymous answers.
MENTOR_RATE, MENTEE_RATE, ENTRY_RATE, EXIT_RATE = 0.8, 0.75, 0.6, 0.5
ANONYMOUS_SHARE = 0.3

# Free-text answers, reused across schools (the aggregates list them in alphabetical order).
TEXTS: dict[str, tuple[str, ...]] = {
    "went_well": (
        "Совместная подготовка к открытому уроку",
        "Разбор посещённых уроков сразу после урока",
        "Наставляемый стал увереннее работать с трудным классом",
        "Удалось вместе подготовить учеников к олимпиаде",
    ),
    "to_change": (
        "Выделить время для встреч в расписании",
        "Меньше отчётных бумаг, больше живой работы",
        "Чаще проводить общие встречи наставников",
        "Учесть нагрузку наставника при распределении часов",
    ),
    "most_useful": (
        "Посещение уроков наставника",
        "Помощь с рабочей программой и журналом",
        "Советы по работе с родителями",
        "Поддержка в первые недели работы",
    ),
    "expectations": (
        "Помощь в планировании уроков",
        "Поддержка в работе с родителями",
        "Советы по дисциплине на уроках",
        "Разобраться с документацией",
    ),
    "first_tasks": ("Рабочая программа и КТП", "Классное руководство", "Подготовка к ОГЭ"),
    "results": (
        "Провёл(а) открытый урок",
        "Освоил(а) электронный журнал и цифровые сервисы",
        "Научился(-ась) выстраивать работу с родителями",
        "Стало спокойнее на уроках, появился свой стиль",
    ),
    "next_steps": ("Проектная деятельность", "Подготовка к аттестации", "Олимпиадная подготовка"),
}

# SWOT points, reasons and decisions: each school names a few, so the municipal summary groups them.
TEXT_POOLS: dict[str, tuple[str, ...]] = {
    "strengths": (
        "Все молодые специалисты закреплены за наставниками",
        "Наставники прошли обучение в «Школе наставников»",
        "Программы опираются на диагностику затруднений",
        "Высокая удовлетворённость наставляемых",
        "Сложилась практика взаимопосещения уроков",
        "Поддержка администрации",
    ),
    "weaknesses": (
        "Не все пары регулярно ведут журнал наставничества",
        "Открытые уроки наставляемых проводятся в основном во втором полугодии",
        "Мало форм наставничества «ученик – ученик»",
        "Слабое участие педагога-психолога",
        "Нет стимулирующих выплат наставникам",
    ),
    "opportunities": (
        "Сетевое взаимодействие со школами района",
        "Курсы повышения квалификации регионального центра",
        "Муниципальный конкурс наставнических практик",
        "Привлечение наставников из организаций-партнёров",
    ),
    "threats": (
        "Высокая учебная нагрузка наставников",
        "Уход молодых педагогов в отпуск по уходу за ребёнком",
        "Отток молодых специалистов в другие отрасли",
        "Формальное отношение к наставничеству",
    ),
    "not_completed_reasons": (
        "Переезд наставляемого",
        "Отпуск по уходу за ребёнком",
        "Пара не сложилась, наставляемому назначен другой наставник",
        "Высокая нагрузка наставника",
    ),
    "decisions": (
        "Признать реализацию программы наставничества эффективной и продолжить её",
        "Провести обучение наставников в сентябре–октябре",
        "Поощрить наставников, программы которых признаны лучшими практиками",
        "Включить встречи пар в расписание",
        "Организовать взаимопосещение уроков по графику",
    ),
}
RETURN_COMMENTS = (
    "Заявленный уровень эффективности не согласуется с показателями: уточните его или обоснуйте в "
    "управленческих решениях.",
    "Причины невыполнения программ названы общими словами: укажите их по каждой программе.",
)
# Days the schools hand in last year's materials (the deadline is 30 June); one school is late.
SUBMIT_DAYS = ((6, 10), (6, 24))
LATE_DAY = (7, 3)
LATE_SCHOOLS, RETURNED_SCHOOLS = 2, 1
LEVEL_STEPS = (EffectivenessLevel.UNACCEPTABLE, EffectivenessLevel.ACCEPTABLE, EffectivenessLevel.OPTIMAL)


@dataclass
class MonitoringSeed:
    """What was written, for the tests and the command's summary."""

    responses: Counter = field(default_factory=Counter)
    campaigns: int = 0
    submissions: Counter = field(default_factory=Counter)


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _points(rng: random.Random, pool: Sequence[str], low: int = 2, high: int = 3) -> str:
    """A few points of a pool, one per line, written the way curators do («– …;», the last with a dot)."""
    chosen = rng.sample(list(pool), min(len(pool), rng.randint(low, high)))
    return "\n".join(f"– {p}{'.' if i == len(chosen) - 1 else ';'}" for i, p in enumerate(chosen))


# --- Surveys -----------------------------------------------------------------------------------------


def _key(participant, school_id: int, kind: str, school_year: int) -> str:
    """The service's key for a person with an account; for the others, a key of the same shape."""
    user_id = participant.staff.user_id if participant.staff is not None else None
    if user_id:
        return respondent_key(User(pk=user_id), School(pk=school_id), kind, school_year)
    message = f"survey-demo:{participant.pk}:{school_id}:{kind}:{school_year}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# Scale answers (1–5) of a pleased, a lukewarm and an unsure respondent: the mean of «pleased»
# answers is about 4.6 (a «satisfied» response, score ≥ 4), of «lukewarm» ones about 3.3.
SCALES = {"pleased": (4, 4, 5, 5, 5), "lukewarm": (2, 3, 3, 4, 4, 4), "unsure": (1, 2, 2, 3, 3)}


def _answers(rng: random.Random, kind: str, scale: str) -> dict[str, Any]:
    """Scale answers drawn from one respondent's ``scale``, and now and then a free-text answer."""
    form = QUESTIONNAIRES[kind]
    answers: dict[str, Any] = {q.code: rng.choice(SCALES[scale]) for q in form.scale_questions}
    for q in form.text_questions:
        if q.required or rng.random() < 0.4:
            answers[q.code] = rng.choice(TEXTS[q.code])
    return answers


def seed_surveys(planned_pairs: Sequence, *, school_year: int) -> Counter:
    """Questionnaires of last year's participants (``school_year`` is this year's school year).

    ``planned_pairs`` are ``programs.demo.PlannedPair`` rows, already written. One response per
    person, questionnaire and year, as the service allows; dated in the weeks they are filled.
    """
    past = school_year - 1
    rows: list[tuple[datetime, SurveyResponse]] = []
    done: set[tuple[int, str, int]] = set()

    def answer(
        participant, key: str, school_id: int, kind: str, day: date, pleased: float, rate: float
    ) -> None:
        if (participant.pk, kind, school_id) in done:  # a mentor of several pairs answers once
            return
        done.add((participant.pk, kind, school_id))
        rng = random.Random(f"survey-{key}-{kind}")
        if rng.random() > rate:
            return
        anonymous = rng.random() < ANONYMOUS_SHARE
        user_id = participant.staff.user_id if participant.staff is not None else None
        if kind == SurveyKind.ENTRY:  # at the start, before the program
            scale = "lukewarm" if rng.random() < 0.3 else "unsure"
        else:
            scale = "pleased" if rng.random() < pleased else "lukewarm"
        answers = _answers(rng, kind, scale)
        response = SurveyResponse(
            school_id=school_id,
            kind=kind,
            school_year=past,
            respondent_id=None if anonymous else user_id,
            respondent_key=_key(participant, school_id, kind, past),
            is_anonymous=anonymous,
            answers=answers,
            score=score_of(QUESTIONNAIRES[kind], answers),
        )
        rows.append((_moment(day + timedelta(days=7 * rng.randint(0, 3)), 16), response))

    spring, autumn = date(past + 1, 5, 12), date(past, 9, 22)
    for planned in planned_pairs:
        pair = planned.pair
        if pair.status not in FIXED or pair.start_date.year != past:
            continue  # only last year's pairs fixed by order; all of them have ended by now
        pleased = 0.8 if pair.status == "completed" else 0.35
        school_id, key = pair.school_id, planned.key
        answer(planned.mentor, key, school_id, SurveyKind.MENTOR_SATISFACTION, spring, pleased, MENTOR_RATE)
        for n, mentee in enumerate(planned.mentees):
            who = f"{key}-{n}"
            answer(mentee, who, school_id, SurveyKind.MENTEE_SATISFACTION, spring, pleased, MENTEE_RATE)
            answer(mentee, who, school_id, SurveyKind.ENTRY, autumn, 0, ENTRY_RATE)
            answer(mentee, who, school_id, SurveyKind.EXIT, spring + timedelta(days=7), pleased, EXIT_RATE)
    rows.sort(key=lambda row: (row[0], row[1].school_id, row[1].kind))
    responses = [response for _moment_, response in rows]
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    # ``submitted_at`` is set to «now» on insert; the demo's answers are dated in their weeks.
    by_moment: dict[datetime, list[int]] = {}
    for moment, response in rows:
        by_moment.setdefault(moment, []).append(response.pk)
    for moment, ids in by_moment.items():
        for i in range(0, len(ids), BATCH_SIZE):
            SurveyResponse.objects.filter(pk__in=ids[i : i + BATCH_SIZE]).update(submitted_at=moment)
    return Counter(r.kind for r in responses)


# --- Campaigns ---------------------------------------------------------------------------------------


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _declared(rng: random.Random, values: dict[str, Any]) -> str:
    """The curator's level: judged by the programs and the coverage rather than by the paperwork
    (the package of acts weighs on the suggestion only), and now and then a step apart."""
    own_view = LEVEL_STEPS.index(suggest_level({**values, "package_complete": 1}))
    roll = rng.random()
    if roll < 0.1 and own_view < 2:
        return LEVEL_STEPS[own_view + 1]
    if roll < 0.25 and own_view > 0:
        return LEVEL_STEPS[own_view - 1]
    return LEVEL_STEPS[own_view]


def seed_monitoring(
    municipalities: Sequence[Municipality],
    schools: Sequence[School],
    *,
    school_year: int,
    methodists: dict[int, User],
    curators: dict[int, User],
    showcase_texts: dict[str, str] | None = None,
) -> MonitoringSeed:
    """Last year's campaign at the analytical stage and this year's open one, for every municipality.

    ``methodists`` maps a municipality id to its methodist; ``curators`` a school id to its curator
    (schools with accounts: they are never the late or the returned ones). ``showcase_texts`` are
    the SWOT, reasons and decisions of the showcase school's approved analytical note.
    """
    from programs.models import Document, DocumentKind, DocumentStatus

    result = MonitoringSeed()
    past = school_year - 1
    start, end = school_year_bounds(past)
    deadline = default_deadline(past)
    campaigns = {
        m.pk: Campaign(
            municipality=m,
            school_year=past,
            title=campaign_title(past),
            deadline=deadline,
            stage=CampaignStage.ANALYTICAL,
            opened_by=methodists.get(m.pk),
        )
        for m in municipalities
    }
    Campaign.objects.bulk_create(list(campaigns.values()))
    Campaign.objects.filter(pk__in=[c.pk for c in campaigns.values()]).update(
        opened_at=_moment(date(past + 1, 4, 20), 10)
    )

    # Who hands in when: a few schools per municipality are late or returned, the rest by a day.
    by_municipality: dict[int, list[School]] = {}
    for school in schools:
        if school.is_active:
            by_municipality.setdefault(school.municipality_id, []).append(school)
    code_of = {m.pk: m.code for m in municipalities}
    plan: dict[int, tuple[str, date]] = {}
    for municipality_id, own in by_municipality.items():
        municipality_rng = random.Random(f"campaign-{code_of[municipality_id]}-{past}")
        others = [s for s in own if s.pk not in curators]
        odd = municipality_rng.sample(others, LATE_SCHOOLS + RETURNED_SCHOOLS) if len(own) > 6 else []
        late, returned = odd[:LATE_SCHOOLS], odd[LATE_SCHOOLS:]
        in_time = [s for s in others if s not in odd]
        tardy = municipality_rng.choice(in_time) if len(in_time) > 1 else None
        for school in own:
            rng = random.Random(f"submission-{school.code}-{past}")
            month, day = rng.choice(SUBMIT_DAYS)
            if school in late:
                plan[school.pk] = (SubmissionStatus.DRAFT, date(past + 1, month, day))
            elif school in returned:
                plan[school.pk] = (SubmissionStatus.RETURNED, date(past + 1, month, day))
            elif school is tardy:
                plan[school.pk] = (SubmissionStatus.ACCEPTED, date(past + 1, *LATE_DAY))
            else:
                plan[school.pk] = (SubmissionStatus.ACCEPTED, date(past + 1, month, day))

    # The indicators as ``submit_submission`` freezes them, one region-wide pass per day.
    scope = Scope(municipality_ids=tuple(sorted(by_municipality)))
    figures: dict[int, tuple[date, dict, dict]] = {}
    for day in sorted({day for status, day in plan.values() if status != SubmissionStatus.DRAFT}):
        computed = school_values(scope, Period(start, end, day))
        for school_id, (status, planned_day) in plan.items():
            if planned_day == day and status != SubmissionStatus.DRAFT and school_id in computed:
                counts, details = computed[school_id]
                figures[school_id] = (day, with_shares(counts), details)

    notes = dict(
        Document.objects.filter(
            school_id__in=list(plan),
            kind=DocumentKind.ANALYTICAL_NOTE,
            school_year=past,
            status=DocumentStatus.APPROVED,
        ).values_list("school_id", "pk")
    )
    rows = []
    for municipality_id, own in by_municipality.items():
        campaign = campaigns[municipality_id]
        methodist = methodists.get(municipality_id)
        for school in own:
            status, day = plan[school.pk]
            rng = random.Random(f"submission-text-{school.code}-{past}")
            submission = Submission(campaign=campaign, school=school, status=status)
            result.submissions[status] += 1
            if status == SubmissionStatus.DRAFT:
                if rng.random() < 0.5:  # started, never finished
                    submission.strengths = _points(rng, TEXT_POOLS["strengths"])
                rows.append(submission)
                continue
            day, values, details = figures[school.pk]
            suggested = suggest_level(values)
            texts = showcase_texts if school.pk in notes and showcase_texts else None
            for name, pool in TEXT_POOLS.items():
                setattr(submission, name, texts[name] if texts else _points(rng, pool))
            if not int(values.get("programs_not_done") or 0) and not texts:
                submission.not_completed_reasons = ""
            submission.level = _declared(rng, values)
            submission.suggested_level = suggested
            submission.figures = {
                "as_of": day.isoformat(),
                "period": [start.isoformat(), end.isoformat()],
                "values": _json(values),
                "details": details,
            }
            submission.note_id = notes.get(school.pk)
            submission.submitted_by = curators.get(school.pk)
            submission.submitted_at = _moment(day, 13)
            submission.decided_by = methodist
            submission.decided_at = _moment(
                max(day, date(past + 1, 7, 1)) + timedelta(days=rng.randint(1, 5)), 11
            )
            if status == SubmissionStatus.RETURNED:
                submission.methodist_comment = rng.choice(RETURN_COMMENTS)
            rows.append(submission)
    Submission.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    result.campaigns = len(campaigns)

    # This year's campaign: just opened, every school's draft waiting for its curator.
    for municipality in municipalities:
        open_campaign(
            municipality=municipality,
            school_year=school_year,
            acting_user=methodists.get(municipality.pk),
            today=date(school_year, 10, 1),
        )
        result.campaigns += 1
    return result
