"""Participants' questionnaires: who may fill which, saving an answer once, and the school's aggregates.

Who is offered a questionnaire of a school year (pairs «of the year» overlap it and are not drafts):

- **mentor satisfaction** — the mentor of a pair of the year fixed by order (fixed, working,
  completed or ended early);
- **mentee satisfaction** — a mentee of such a pair;
- **entry** — a mentee of a pair of the year that started in that school year (the pair may still be
  waiting for the order: the entry questionnaire is best filled before the work begins);
- **exit** — a mentee of a pair fixed by order that has ended (completed or early), or whose
  planned end is at most 30 days away.

Once per person: every response carries ``respondent_key`` = HMAC-SHA256 under the project's secret
key of (user, school, questionnaire, year). The key cannot be turned back into the user, so even an
anonymous response (stored without ``respondent``) blocks a second one of the same person — and a
key computed again later finds it.

Results leave the school's questionnaires only as aggregates, and only from ``MIN_RESPONSES``
responses of a kind on (k-anonymity): the mean and the distribution per scale question. The
free-text answers are shown from the same threshold, without names or dates, in alphabetical order
(not in the order they came in), and the form tells the respondent so before they write.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import SurveyKind, SurveyResponse
from monitoring.surveys import AREAS, QUESTIONNAIRES, SCALE_VALUES, Question, Questionnaire, questionnaire
from programs.models import MentoringPair, PairStatus
from schools.models import School, User
from schools.years import school_year_bounds

MIN_RESPONSES = 3
EXIT_WINDOW = timedelta(days=30)
TEXT_MAX_LENGTH = 2000
FIXED_PAIR_STATUSES = (PairStatus.FIXED, PairStatus.ACTIVE, PairStatus.COMPLETED, PairStatus.ENDED_EARLY)
ENDED_PAIR_STATUSES = (PairStatus.COMPLETED, PairStatus.ENDED_EARLY)


class SurveyError(ValidationError):
    """A questionnaire cannot be saved; the message is for the respondent, in Russian."""


def respondent_key(user: User, school: School, kind: str, school_year: int) -> str:
    """A one-way key of the person for this questionnaire: the same person always gets the same key."""
    message = f"survey:{user.pk}:{school.pk}:{kind}:{school_year}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- Who may fill what ------------------------------------------------------------------------------


def _person(user: User, path: str) -> Q:
    return Q(**{f"{path}__staff__user": user}) | Q(**{f"{path}__student__user": user})


def eligible_kinds(user: User, school: School, school_year: int, today: date | None = None) -> list[str]:
    """The questionnaires the user's pairs of the school year call for (two queries)."""
    today = today or timezone.localdate()
    first, last = school_year_bounds(school_year)
    pairs = (
        MentoringPair.objects.filter(school=school, start_date__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .exclude(status=PairStatus.DRAFT)
    )
    kinds = set()
    if pairs.filter(_person(user, "mentor"), status__in=FIXED_PAIR_STATUSES).exists():
        kinds.add(SurveyKind.MENTOR_SATISFACTION)
    as_mentee = pairs.filter(_person(user, "mentee_links__mentee")).values_list(
        "status", "start_date", "planned_end_date"
    )
    for status, start, planned_end in as_mentee.order_by().distinct():
        if first <= start <= last:
            kinds.add(SurveyKind.ENTRY)
        if status in FIXED_PAIR_STATUSES:
            kinds.add(SurveyKind.MENTEE_SATISFACTION)
            if status in ENDED_PAIR_STATUSES or today >= planned_end - EXIT_WINDOW:
                kinds.add(SurveyKind.EXIT)
    return [kind for kind in SurveyKind.values if kind in kinds]


def filled_kinds(user: User, school: School, school_year: int) -> set[str]:
    """The questionnaires of the year this person has already filled, named or anonymously (one query)."""
    keys = {respondent_key(user, school, kind, school_year): kind for kind in SurveyKind.values}
    found = SurveyResponse.objects.filter(
        school=school, school_year=school_year, respondent_key__in=list(keys)
    ).values_list("respondent_key", flat=True)
    return {keys[key] for key in found}


@dataclass(frozen=True)
class SurveyItem:
    questionnaire: Questionnaire
    filled: bool

    @property
    def kind(self) -> str:
        return self.questionnaire.kind


def my_surveys(user: User, school: School, school_year: int, today: date | None = None) -> list[SurveyItem]:
    """The questionnaires offered to the user this year, each marked filled or not (three queries)."""
    kinds = eligible_kinds(user, school, school_year, today)
    if not kinds:
        return []
    filled = filled_kinds(user, school, school_year)
    return [SurveyItem(QUESTIONNAIRES[kind], kind in filled) for kind in kinds]


def available_surveys(user: User, school: School, school_year: int, today: date | None = None) -> list[str]:
    """The questionnaires the user should fill now: offered to them and not filled yet."""
    return [item.kind for item in my_surveys(user, school, school_year, today) if not item.filled]


# --- Saving an answer --------------------------------------------------------------------------------


def clean_answers(
    form: Questionnaire, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers as stored (numbers for scales, trimmed text), and the errors naming each question."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in form.questions:
        given = answers.get(question.code)
        text = "" if given is None else str(given).strip()
        if not text:
            if question.required:
                errors[question.code] = [
                    _("Ответьте на вопрос «%(question)s».") % {"question": question.text}
                ]
            continue
        if question.is_scale:
            try:
                value = int(text)
            except ValueError:
                value = 0
            if value not in SCALE_VALUES:
                errors[question.code] = [
                    _("Ответ на вопрос «%(question)s» — число от 1 до 5.") % {"question": question.text}
                ]
                continue
            cleaned[question.code] = value
        else:
            if len(text) > TEXT_MAX_LENGTH:
                errors[question.code] = [
                    _("Ответ на вопрос «%(question)s» длиннее %(n)s знаков.")
                    % {"question": question.text, "n": TEXT_MAX_LENGTH}
                ]
                continue
            cleaned[question.code] = text
    return cleaned, errors


def mean(values: list[int]) -> Decimal | None:
    """The mean with two decimals, half up; None for no values."""
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_of(form: Questionnaire, answers: Mapping[str, Any]) -> Decimal | None:
    return mean([answers[q.code] for q in form.scale_questions if q.code in answers])


@transaction.atomic
def submit_response(
    *,
    user: User,
    school: School,
    kind: str,
    school_year: int,
    answers: Mapping[str, Any],
    anonymous: bool,
    today: date | None = None,
) -> SurveyResponse:
    """Save a filled questionnaire once per person and year; an anonymous one keeps no link to the user."""
    form = questionnaire(kind)
    if form is None:
        raise SurveyError(_("Такой анкеты нет."))
    if kind not in eligible_kinds(user, school, school_year, today):
        raise SurveyError(_("Эта анкета вам сейчас не предлагается."))
    key = respondent_key(user, school, kind, school_year)
    already = _("Вы уже заполнили эту анкету в этом учебном году.")
    if SurveyResponse.objects.filter(
        school=school, kind=kind, school_year=school_year, respondent_key=key
    ).exists():
        raise SurveyError(already)
    cleaned, errors = clean_answers(form, answers)
    if errors:
        raise SurveyError(errors)
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                school=school,
                kind=kind,
                school_year=school_year,
                respondent=None if anonymous else user,
                respondent_key=key,
                is_anonymous=anonymous,
                answers=cleaned,
                score=score_of(form, cleaned),
            )
    except IntegrityError as error:  # the same person, a second tab, the same moment
        raise SurveyError(already) from error


# --- The school's aggregates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    value: int
    label: str
    count: int
    percent: int


@dataclass
class ScaleResult:
    question: Question
    answered: int
    mean: Decimal | None
    buckets: list[Bucket]


@dataclass
class TextResult:
    question: Question
    answers: list[str]


@dataclass
class SurveyResults:
    """The aggregates of one questionnaire of a school and year; empty below the threshold."""

    questionnaire: Questionnaire
    responses: int
    mean_score: Decimal | None = None
    scales: list[ScaleResult] = field(default_factory=list)
    texts: list[TextResult] = field(default_factory=list)
    threshold: int = MIN_RESPONSES

    @property
    def shown(self) -> bool:
        return self.responses >= self.threshold

    @property
    def kind(self) -> str:
        return self.questionnaire.kind


def _aggregate(form: Questionnaire, rows: list[tuple[dict, Decimal | None]]) -> SurveyResults:
    results = SurveyResults(questionnaire=form, responses=len(rows))
    if not results.shown:
        return results  # nothing of the answers leaves this function below the threshold
    results.mean_score = mean_of_decimals([score for _answers, score in rows if score is not None])
    labels = [str(label) for label in form.scale]
    for question in form.scale_questions:
        values = [a[question.code] for a, _score in rows if isinstance(a.get(question.code), int)]
        counts = Counter(values)
        total = len(values)
        results.scales.append(
            ScaleResult(
                question=question,
                answered=total,
                mean=mean(values),
                buckets=[
                    Bucket(
                        v,
                        labels[v - 1],
                        counts.get(v, 0),
                        round(100 * counts.get(v, 0) / total) if total else 0,
                    )
                    for v in SCALE_VALUES
                ],
            )
        )
    for question in form.text_questions:
        texts = sorted((a[question.code] for a, _score in rows if a.get(question.code)), key=str.lower)
        results.texts.append(TextResult(question=question, answers=texts))
    return results


def mean_of_decimals(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def school_results(school: School, kind: str, school_year: int) -> SurveyResults:
    """One questionnaire's aggregates for a school and year (one query)."""
    rows = list(
        SurveyResponse.objects.filter(school=school, kind=kind, school_year=school_year).values_list(
            "answers", "score"
        )
    )
    return _aggregate(QUESTIONNAIRES[kind], rows)


def results_for_school(school: School, school_year: int) -> list[SurveyResults]:
    """Every questionnaire's aggregates for a school and year (one query)."""
    rows: dict[str, list[tuple[dict, Decimal | None]]] = defaultdict(list)
    for kind, answers, score in SurveyResponse.objects.filter(
        school=school, school_year=school_year
    ).values_list("kind", "answers", "score"):
        rows[kind].append((answers, score))
    return [_aggregate(QUESTIONNAIRES[kind], rows.get(kind, [])) for kind in SurveyKind.values]


@dataclass(frozen=True)
class ImpactRow:
    area: str
    entry: Decimal | None
    exit: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.entry is None or self.exit is None:
            return None
        return self.exit - self.entry


def impact(results: list[SurveyResults]) -> list[ImpactRow]:
    """Entry against exit self-assessment per area, when both questionnaires pass the threshold."""
    by_kind = {r.kind: r for r in results}
    entry, exit_ = by_kind.get(SurveyKind.ENTRY), by_kind.get(SurveyKind.EXIT)
    if entry is None or exit_ is None or not (entry.shown and exit_.shown):
        return []
    entry_means = {s.question.code: s.mean for s in entry.scales}
    exit_means = {s.question.code: s.mean for s in exit_.scales}
    return [
        ImpactRow(str(name), entry_means.get(f"area_{code}"), exit_means.get(f"area_{code}"))
        for code, name in AREAS
    ]


def survey_years(school: School, current: int) -> list[int]:
    """School years with responses, and the current one, newest first."""
    years = set(SurveyResponse.objects.filter(school=school).values_list("school_year", flat=True).distinct())
    return sorted(years | {current}, reverse=True)
