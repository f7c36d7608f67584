"""Matching mentees with mentors: explainable scores and the optimal assignment (pure, no database).

The curator sees *why* a mentor is suggested, so every score is a sum of named factors, each with
its points and a sentence of explanation. The same arithmetic exists twice:

- ``score(mentee, mentor)`` — one pair, with labels and explanations (the screens, ``rank()``);
- ``score_matrices(mentees, mentors)`` — every pair at once with numpy (``assign()``), because a
  municipality-wide proposal scores a million pairs and Python loops would take seconds.

``tests/test_matching.py`` checks that the two agree factor by factor on random cases.

Weights (points; a perfect match scores 100):

``W_AREAS`` (40)
    The heart of the match: the mentee's difficulties (levels 0–3 from the latest diagnostics)
    against the mentor's competencies (levels 1–3) in the same areas. Sum over areas of
    mentee level × mentor level, divided by its maximum (mentee levels × 3), so a mentor who is an
    expert in every area where the mentee struggles gets all 40 whatever the number of areas.
``W_SUBJECT`` (20)
    Any common subject: a methodical conversation is concrete when both teach the same thing.
``W_EXPERIENCE`` (15)
    The mentor's experience advantage, linear up to ``EXPERIENCE_FULL_GAP`` years. A mentor with
    less experience than the mentee loses ``EXPERIENCE_PENALTY_PER_YEAR`` per year (down to
    −``W_EXPERIENCE``): reverse mentoring is chosen by hand, not suggested.
``W_SAME_SCHOOL`` (10)
    Colleagues meet without travelling. A mentor of another school of the municipality is allowed
    only in network mode (``network=True``) and gets no bonus.
``W_TRAINED`` (10)
    The mentor completed the «Школа наставников» or the mentoring course.
``W_CAPACITY`` (5)
    A small bonus for free places (saturating at ``CAPACITY_SATURATION``), so that load spreads
    over mentors instead of filling the best one first. In ``assign()`` each further place of the
    same mentor is worth a little less, which is what spreads the load.

Ties are broken deterministically: ``rank()`` orders equal totals by the mentor's participant id,
and ``assign()`` sorts its input by id so the same data always gives the same proposal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy.optimize import linear_sum_assignment

W_AREAS = 40.0
W_SUBJECT = 20.0
W_EXPERIENCE = 15.0
W_SAME_SCHOOL = 10.0
W_TRAINED = 10.0
W_CAPACITY = 5.0

MAX_COMPETENCY_LEVEL = 3
EXPERIENCE_FULL_GAP = 10
EXPERIENCE_PENALTY_PER_YEAR = 3.0
CAPACITY_SATURATION = 3

FACTOR_LABELS = {
    "areas": gettext_lazy("Затруднения и компетенции"),
    "subject": gettext_lazy("Предмет"),
    "experience": gettext_lazy("Стаж"),
    "school": gettext_lazy("Организация"),
    "trained": gettext_lazy("Обучение"),
    "capacity": gettext_lazy("Свободные места"),
}
FACTOR_CODES = tuple(FACTOR_LABELS)

# Why a mentee got no mentor in assign(); codes in Assignment.unmatched, labels for the screens.
NO_MENTOR = "no_mentor"
NO_PLACE = "no_place"
UNMATCHED_REASONS = {
    NO_MENTOR: gettext_lazy("в базе нет наставника, который может работать с этим наставляемым"),
    NO_PLACE: gettext_lazy("у подходящих наставников не осталось свободных мест"),
}

_SUBJECT_SPLIT = re.compile(r"[,;/\n]+")
_YO_AS_E = {0x0451: 0x0435}  # «ё» is written as «е» as often as not: compare them as one letter


def parse_subjects(text: str) -> frozenset[str]:
    """Free-text subjects («Математика, физика; ИНФОРМАТИКА») as a comparable set."""
    parts = (" ".join(p.split()).lower().translate(_YO_AS_E) for p in _SUBJECT_SPLIT.split(text or ""))
    return frozenset(p for p in parts if p)


@dataclass(frozen=True)
class MenteeNeeds:
    """What a mentee needs: difficulty levels (0–3) by area code, from the latest diagnostics."""

    participant_id: int
    school_id: int
    subjects: frozenset[str] = frozenset()
    experience_years: int = 0
    difficulties: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MentorOffer:
    """What a mentor offers: competency levels (1–3) by area code and free places.

    ``experience_years`` is None for a partner's representative (no pedagogical experience on record).
    """

    participant_id: int
    school_id: int
    subjects: frozenset[str] = frozenset()
    experience_years: int | None = 0
    competencies: Mapping[str, int] = field(default_factory=dict)
    capacity_left: int = 1
    trained: bool = False
    tags: tuple[str, ...] = ()


class Factor(NamedTuple):
    code: str
    label: str
    points: float
    explanation: str


def _factor(code: str, points: float, explanation: str) -> Factor:
    return Factor(code, str(FACTOR_LABELS[code]), points, explanation)


@dataclass(frozen=True)
class Score:
    total: float
    factors: tuple[Factor, ...]
    eligible: bool = True
    blocker: str = ""  # why the pair is impossible (eligible is False)

    def points(self, code: str) -> float:
        return next(f.points for f in self.factors if f.code == code)


# --- Per-pair arithmetic, shared by score() and documented once ---------------------------------


def _areas_points(dot: float, need: float) -> float:
    return W_AREAS * dot / (MAX_COMPETENCY_LEVEL * need) if need > 0 else 0.0


def _experience_points(gap: float) -> float:
    if gap >= 0:
        return W_EXPERIENCE * min(gap, EXPERIENCE_FULL_GAP) / EXPERIENCE_FULL_GAP
    return max(-W_EXPERIENCE, EXPERIENCE_PENALTY_PER_YEAR * gap)


def _capacity_points(left: int) -> float:
    return W_CAPACITY * min(max(left, 0), CAPACITY_SATURATION) / CAPACITY_SATURATION


def _names(codes: Iterable[str], area_names: Mapping[str, str]) -> str:
    order = {code: i for i, code in enumerate(area_names)}
    return ", ".join(area_names.get(c, c) for c in sorted(codes, key=lambda c: (order.get(c, len(order)), c)))


def score(
    mentee: MenteeNeeds,
    mentor: MentorOffer,
    *,
    network: bool = False,
    area_names: Mapping[str, str] | None = None,
) -> Score:
    """The explainable score of one pair; ``area_names`` (code → name, catalog order) labels areas."""
    area_names = area_names or {}
    factors: list[Factor] = []

    need = sum(mentee.difficulties.values())
    dot = sum(level * mentor.competencies.get(code, 0) for code, level in mentee.difficulties.items())
    troubled = {code for code, level in mentee.difficulties.items() if level > 0}
    covered = {code for code in troubled if mentor.competencies.get(code, 0) > 0}
    if not troubled:
        why = _("у наставляемого нет отмеченных затруднений")
    else:
        parts = []
        if covered:
            parts.append(_("закрывает: %(areas)s") % {"areas": _names(covered, area_names)})
        if troubled - covered:
            parts.append(_("не закрывает: %(areas)s") % {"areas": _names(troubled - covered, area_names)})
        why = "; ".join(parts)
    factors.append(_factor("areas", _areas_points(dot, need), why))

    common = mentee.subjects & mentor.subjects
    if common:
        why = _("общий предмет: %(subjects)s") % {"subjects": ", ".join(sorted(common))}
    elif not mentee.subjects or not mentor.subjects:
        why = _("предметы не указаны")
    else:
        why = _("общих предметов нет")
    factors.append(_factor("subject", W_SUBJECT if common else 0.0, why))

    if mentor.experience_years is None:
        points, why = 0.0, _("стаж наставника не указан")
    else:
        points = _experience_points(mentor.experience_years - mentee.experience_years)
        why = _("стаж, лет: у наставника %(mentor)s, у наставляемого %(mentee)s") % {
            "mentor": mentor.experience_years,
            "mentee": mentee.experience_years,
        }
        if points < 0:
            why += " — " + _("наставник менее опытен")
    factors.append(_factor("experience", points, why))

    same_school = mentee.school_id == mentor.school_id
    why = _("та же организация") if same_school else _("другая организация (сетевое наставничество)")
    factors.append(_factor("school", W_SAME_SCHOOL if same_school else 0.0, why))

    why = _("прошёл(ла) обучение наставников") if mentor.trained else _("не обучался(ась) наставничеству")
    factors.append(_factor("trained", W_TRAINED if mentor.trained else 0.0, why))

    why = _("свободно мест: %(n)s") % {"n": max(mentor.capacity_left, 0)}
    factors.append(_factor("capacity", _capacity_points(mentor.capacity_left), why))

    blocker = ""
    if mentor.participant_id == mentee.participant_id:
        blocker = _("это тот же человек")
    elif not same_school and not network:
        blocker = _("наставник другой организации: включите сетевое наставничество")
    elif mentor.capacity_left <= 0:
        blocker = _("у наставника нет свободных мест")
    return Score(
        total=sum(f.points for f in factors), factors=tuple(factors), eligible=not blocker, blocker=blocker
    )


def rank(
    mentee: MenteeNeeds,
    mentors: Iterable[MentorOffer],
    limit: int | None = 10,
    *,
    network: bool = False,
    area_names: Mapping[str, str] | None = None,
) -> list[tuple[MentorOffer, Score]]:
    """The eligible mentors for one mentee, best first (equal totals: lower participant id first)."""
    scored = [(m, score(mentee, m, network=network, area_names=area_names)) for m in mentors]
    scored = [(m, s) for m, s in scored if s.eligible]
    scored.sort(key=lambda ms: (-ms[1].total, ms[0].participant_id))
    return scored if limit is None else scored[:limit]


# --- All pairs at once -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreMatrices:
    """Points of every factor for every (mentee, mentor) pair, and which pairs are possible at all.

    ``allowed`` ignores capacity (a full mentor is still a suitable one); ``assign()`` applies it.
    """

    factors: dict[str, np.ndarray]
    allowed: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return sum(self.factors[code] for code in FACTOR_CODES)


def _vocabulary(*sets: Iterable[Iterable[str]]) -> dict[str, int]:
    words = sorted({w for group in sets for s in group for w in s})
    return {w: i for i, w in enumerate(words)}


def _indicator(rows: Sequence[Iterable[str]], vocab: Mapping[str, int]) -> np.ndarray:
    """A 0/1 matrix: row i has a 1 in the column of each word of rows[i]."""
    out = np.zeros((len(rows), max(len(vocab), 1)), dtype=np.float32)
    for i, words in enumerate(rows):
        for w in words:
            out[i, vocab[w]] = 1.0
    return out


def _levels(rows: Sequence[Mapping[str, int]], vocab: Mapping[str, int]) -> np.ndarray:
    out = np.zeros((len(rows), max(len(vocab), 1)), dtype=np.float64)
    for i, levels in enumerate(rows):
        for code, level in levels.items():
            out[i, vocab[code]] = level
    return out


def score_matrices(
    mentees: Sequence[MenteeNeeds], mentors: Sequence[MentorOffer], *, network: bool = False
) -> ScoreMatrices:
    """``score()`` for every pair, vectorised: areas and subjects become vectors per person."""
    areas = _vocabulary([m.difficulties for m in mentees], [m.competencies for m in mentors])
    need = _levels([m.difficulties for m in mentees], areas)
    offer = _levels([m.competencies for m in mentors], areas)
    need_sum = need.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        area_pts = np.where(
            need_sum[:, None] > 0,
            W_AREAS * (need @ offer.T) / (MAX_COMPETENCY_LEVEL * need_sum[:, None]),
            0.0,
        )

    subjects = _vocabulary([m.subjects for m in mentees], [m.subjects for m in mentors])
    common = (
        _indicator([m.subjects for m in mentees], subjects)
        @ _indicator([m.subjects for m in mentors], subjects).T
    ) > 0
    subject_pts = np.where(common, W_SUBJECT, 0.0)

    mentee_exp = np.array([m.experience_years for m in mentees], dtype=np.float64)
    mentor_exp = np.array(
        [np.nan if m.experience_years is None else m.experience_years for m in mentors], dtype=np.float64
    )
    gap = mentor_exp[None, :] - mentee_exp[:, None]
    experience_pts = np.where(
        gap >= 0,
        W_EXPERIENCE * np.minimum(gap, EXPERIENCE_FULL_GAP) / EXPERIENCE_FULL_GAP,
        np.maximum(-W_EXPERIENCE, EXPERIENCE_PENALTY_PER_YEAR * gap),
    )
    experience_pts = np.where(np.isnan(gap), 0.0, experience_pts)

    mentee_school = np.array([m.school_id for m in mentees], dtype=np.int64)
    mentor_school = np.array([m.school_id for m in mentors], dtype=np.int64)
    same_school = mentee_school[:, None] == mentor_school[None, :]
    school_pts = np.where(same_school, W_SAME_SCHOOL, 0.0)

    trained = np.array([W_TRAINED if m.trained else 0.0 for m in mentors], dtype=np.float64)
    capacity = np.array([_capacity_points(m.capacity_left) for m in mentors], dtype=np.float64)
    shape = (len(mentees), len(mentors))

    mentee_ids = np.array([m.participant_id for m in mentees], dtype=np.int64)
    mentor_ids = np.array([m.participant_id for m in mentors], dtype=np.int64)
    allowed = mentee_ids[:, None] != mentor_ids[None, :]
    if not network:
        allowed &= same_school
    return ScoreMatrices(
        factors={
            "areas": area_pts,
            "subject": subject_pts,
            "experience": experience_pts,
            "school": school_pts,
            "trained": np.broadcast_to(trained[None, :], shape),
            "capacity": np.broadcast_to(capacity[None, :], shape),
        },
        allowed=allowed,
    )


@dataclass(frozen=True)
class Match:
    """A new pair proposed by ``assign()``.

    ``capacity_left`` is how many places the mentor still had when this mentee took one — the value
    the capacity factor was computed with, so ``score(mentee, replace(mentor, capacity_left=…))``
    explains exactly ``total``.
    """

    mentee_id: int
    mentor_id: int
    total: float
    capacity_left: int


@dataclass(frozen=True)
class Assignment:
    matches: tuple[Match, ...]
    fixed: tuple[tuple[int, int], ...]
    unmatched: tuple[tuple[int, str], ...]  # (mentee participant id, reason code)

    @property
    def total(self) -> float:
        return sum(m.total for m in self.matches)


def assign(
    mentees: Iterable[MenteeNeeds],
    mentors: Iterable[MentorOffer],
    fixed: Iterable[tuple[int, int]] = (),
    *,
    network: bool = False,
) -> Assignment:
    """The proposal that matches as many mentees as possible and, among those, has the largest total.

    ``fixed`` (mentee id, mentor id) pairs are kept as they are: their mentees are not matched
    again and each takes one of its mentor's ``capacity_left`` places. The rest is a linear
    assignment problem over a mentee × place matrix — every mentor expands into one column per free
    place, the k-th place carrying the capacity bonus of «k places already taken» — solved exactly
    by ``scipy.optimize.linear_sum_assignment``. Impossible pairs cost more than any score could
    win back, so they are chosen only when nothing else is left, and then reported as unmatched.
    """
    fixed = tuple(dict.fromkeys((int(a), int(b)) for a, b in fixed))
    fixed_mentees = {mentee_id for mentee_id, _mentor in fixed}
    taken: dict[int, int] = {}
    for _mentee, mentor_id in fixed:
        taken[mentor_id] = taken.get(mentor_id, 0) + 1

    todo = sorted(
        {m.participant_id: m for m in mentees if m.participant_id not in fixed_mentees}.values(),
        key=lambda m: m.participant_id,
    )
    offers = sorted(
        (
            replace(m, capacity_left=m.capacity_left - taken.get(m.participant_id, 0))
            for m in {m.participant_id: m for m in mentors}.values()
        ),
        key=lambda m: m.participant_id,
    )
    if not todo:
        return Assignment(matches=(), fixed=fixed, unmatched=())

    matrices = score_matrices(todo, offers, network=network)
    has_candidate = matrices.allowed.any(axis=1) if offers else np.zeros(len(todo), dtype=bool)
    # Each mentee takes at most one place: no mentor needs more columns than there are mentees.
    places = np.array([min(max(m.capacity_left, 0), len(todo)) for m in offers], dtype=np.int64)
    unmatched = {i: NO_MENTOR for i in range(len(todo)) if not has_candidate[i]}
    rows = np.flatnonzero(has_candidate)
    matches: list[Match] = []
    if rows.size and places.sum() > 0:
        column_mentor = np.repeat(np.arange(len(offers)), places)
        starts = np.cumsum(places) - places
        slot = np.arange(column_mentor.size) - np.repeat(starts, places)
        left_at_slot = np.array([m.capacity_left for m in offers], dtype=np.int64)[column_mentor] - slot
        slot_capacity = W_CAPACITY * np.minimum(left_at_slot, CAPACITY_SATURATION) / CAPACITY_SATURATION

        base = (matrices.total - matrices.factors["capacity"])[rows]
        gain = base[:, column_mentor] + slot_capacity[None, :]
        allowed = matrices.allowed[rows][:, column_mentor]
        # Any set of allowed cells differs from another by less than this: one impossible pair
        # more always costs more than all the score it could win (most mentees matched first).
        forbidden_cost = 2.0 * (float(np.abs(gain).max()) + 1.0) * (len(rows) + 1)
        cost = np.where(allowed, -gain, forbidden_cost)
        row_idx, col_idx = linear_sum_assignment(cost)
        for r, c in zip(row_idx.tolist(), col_idx.tolist(), strict=True):
            if not allowed[r, c]:
                continue
            mentor = offers[column_mentor[c]]
            matches.append(
                Match(
                    mentee_id=todo[rows[r]].participant_id,
                    mentor_id=mentor.participant_id,
                    total=float(gain[r, c]),
                    capacity_left=int(left_at_slot[c]),
                )
            )
    matched = {m.mentee_id for m in matches}
    for i in rows.tolist():
        if todo[i].participant_id not in matched:
            unmatched[i] = NO_PLACE
    return Assignment(
        matches=tuple(sorted(matches, key=lambda m: m.mentee_id)),
        fixed=fixed,
        unmatched=tuple((todo[i].participant_id, unmatched[i]) for i in sorted(unmatched)),
    )
