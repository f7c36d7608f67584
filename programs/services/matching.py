"""Matching in the database: load needs and offers set-based, run ``programs.matching``, write drafts.

Everything the matching proposes is a *draft* pair (``source=PairSource.MATCHING``) created through
``programs.services.pairs.create_pair``, so every rule of the pair lifecycle (mentor base, capacity,
forms) is checked once more at the moment of writing; the curator edits or deletes drafts on the
pair screens before anything is fixed by order.

Queries: loading is a fixed number of queries whatever the number of people (bulk reads of
competencies, ratings and load); writing costs a few queries per created pair (``create_pair``).

Network mode (сетевое наставничество). A curator may include mentors of the other schools of the
same municipality. This module is the one place where that cross-school read happens: the mentors,
their competencies and load are read inside an explicitly opened ``school_scope`` over the
municipality's schools (``_network_scope``), and the draft pairs are written inside it too so that
``create_pair`` counts the mentor's load in every school. Mentees always come from the acting
school only, and nothing of another municipality is ever in scope. No scope is lifted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from programs import selectors
from programs.matching import (
    UNMATCHED_REASONS,
    MenteeNeeds,
    MentorOffer,
    Score,
    assign,
    parse_subjects,
    rank,
    score,
)
from programs.models import (
    OPEN_PAIR_STATUSES,
    DifficultyArea,
    DifficultyRating,
    MentorCompetency,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairSource,
    Participant,
    ParticipantKind,
)
from programs.services.pairs import PairError, create_pair, mentees_in_open_pairs
from programs.services.participants import participant_for
from schools.models import School, Staff
from schools.tenancy import municipality_school_ids, school_scope

# --- Scope ---------------------------------------------------------------------------------------


@contextmanager
def _network_scope(school: School, network: bool) -> Iterator[None]:
    """Widen the scope to the municipality's schools in network mode; otherwise keep the request's."""
    if not network:
        yield
        return
    with school_scope(municipality_school_ids(school)):
        yield


# --- Loading needs and offers --------------------------------------------------------------------


def area_names() -> dict[str, str]:
    """Area code → name in catalog order (explanations list areas in this order)."""
    return dict(DifficultyArea.objects.order_by("order", "name").values_list("code", "name"))


def unmatched_mentee_candidates(school: School) -> list[Staff]:
    """Staff of ``school`` who need a mentor and are not a mentee in an open pair.

    Delegates to the mentee base (``programs.selectors.mentee_base``): matching proposes pairs for
    exactly the people the curator sees and confirms in «Кому нужен наставник» — which already
    leaves out whoever withdrew consent to the processing of their data.
    """
    rules = selectors.mentee_base_rules()
    people = selectors.mentee_base(rules=rules, status=selectors.STATUS_NEEDS_MENTOR)
    people = people.filter(school=school)
    return list(people.select_related("participant"))


def _latest_difficulties(staff_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Levels by area from each person's latest school year of diagnostics (one query)."""
    latest: dict[int, int] = {}
    levels: dict[int, dict[str, int]] = {}
    rows = DifficultyRating.objects.filter(assessment__staff_id__in=list(staff_ids)).values_list(
        "assessment__staff_id", "assessment__school_year", "area__code", "level"
    )
    for staff_id, year, code, level in rows:
        if year > latest.get(staff_id, -1):
            latest[staff_id], levels[staff_id] = year, {}
        if year == latest[staff_id]:
            levels[staff_id][code] = level
    return levels


def _needs(person: Staff, participant_id: int, difficulties: dict[str, int]) -> MenteeNeeds:
    return MenteeNeeds(
        participant_id=participant_id,
        school_id=person.school_id,
        subjects=parse_subjects(person.subjects),
        experience_years=person.experience_years,
        difficulties=difficulties,
    )


@dataclass(frozen=True)
class MentorCandidate:
    """A mentor of the base as the matching sees them, with what the screens show about them."""

    profile: MentorProfile
    offer: MentorOffer

    @property
    def participant(self) -> Participant:
        return self.profile.participant

    @property
    def name(self) -> str:
        return self.profile.participant.full_name

    @property
    def description(self) -> str:
        return self.profile.participant.description

    @property
    def school_name(self) -> str:
        return self.profile.school.short_name


def mentor_candidates(form: MentoringForm) -> dict[int, MentorCandidate]:
    """Active mentors of the schools in scope whose kind fits ``form``, by participant id (4 queries)."""
    profiles = list(
        MentorProfile.objects.filter(is_active=True, participant__kind=form.mentor_kind)
        .exclude(participant__in=selectors.processing_stopped())
        .select_related("school", *selectors.MENTOR_RELATED)
        .order_by("participant_id")
    )
    competencies: dict[int, dict[str, int]] = {}
    rows = MentorCompetency.objects.filter(profile__in=[p.pk for p in profiles]).values_list(
        "profile_id", "area__code", "level"
    )
    for profile_id, code, level in rows:
        competencies.setdefault(profile_id, {})[code] = level
    load = mentees_in_open_pairs([p.participant for p in profiles])
    candidates = {}
    for profile in profiles:
        participant = profile.participant
        staff = participant.staff if participant.kind == ParticipantKind.STAFF else None
        subjects = parse_subjects(profile.subjects) | (
            parse_subjects(staff.subjects) if staff else frozenset()
        )
        candidates[participant.pk] = MentorCandidate(
            profile=profile,
            offer=MentorOffer(
                participant_id=participant.pk,
                school_id=profile.school_id,
                subjects=subjects,
                experience_years=staff.experience_years if staff else None,
                competencies=competencies.get(profile.pk, {}),
                capacity_left=profile.capacity - load.get(participant.pk, 0),
                trained=profile.is_trained,
                tags=tuple(profile.tag_list),
            ),
        )
    return candidates


def _existing_participant(person: Staff) -> Participant | None:
    """The person's participant row if there is one (reading never creates it)."""
    return getattr(person, "participant", None)


def _is_mentee_in_open_pair(participant: Participant | None) -> bool:
    if participant is None:
        return False
    return PairMentee.objects.filter(mentee=participant, pair__status__in=OPEN_PAIR_STATUSES).exists()


# --- One mentee ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    mentor: MentorCandidate
    score: Score


@dataclass(frozen=True)
class MenteeSuggestions:
    suggestions: list[Suggestion]
    in_open_pair: bool
    has_diagnostics: bool


def suggest_for_mentee(
    person: Staff, *, form: MentoringForm, network: bool = False, limit: int | None = 10
) -> MenteeSuggestions:
    """The best mentors for one teacher of the school, each with the factors of the score.

    Read-only: a teacher without a participant row yet (never in mentoring) is ranked all the same.
    """
    participant = _existing_participant(person)
    if participant is not None and selectors.processing_stopped().filter(pk=participant.pk).exists():
        # Consent to personal data processing withdrawn: nobody is proposed for them.
        return MenteeSuggestions(
            suggestions=[], in_open_pair=_is_mentee_in_open_pair(participant), has_diagnostics=False
        )
    difficulties = _latest_difficulties([person.pk]).get(person.pk, {})
    needs = _needs(person, participant.pk if participant else 0, difficulties)
    names = area_names()
    in_open_pair = _is_mentee_in_open_pair(participant)
    with _network_scope(person.school, network):
        candidates = mentor_candidates(form)
    ranked = rank(needs, [c.offer for c in candidates.values()], limit, network=network, area_names=names)
    return MenteeSuggestions(
        suggestions=[Suggestion(mentor=candidates[offer.participant_id], score=s) for offer, s in ranked],
        in_open_pair=in_open_pair,
        has_diagnostics=bool(difficulties),
    )


@transaction.atomic
def create_suggested_pair(
    *,
    school: School,
    person: Staff,
    mentor_id: int,
    form: MentoringForm,
    kind: MentoringKind,
    start_date: date,
    planned_end_date: date,
    network: bool,
    acting_user,
) -> MentoringPair:
    """A draft pair of the teacher with the suggested mentor the curator chose on the mentee page."""
    mentee = participant_for(person)
    if _is_mentee_in_open_pair(mentee):
        raise PairError(_("«%(name)s» уже наставляемый в открытой паре.") % {"name": person.full_name})
    with _network_scope(school, network):
        profile = (
            MentorProfile.objects.select_related("school", *selectors.MENTOR_RELATED)
            .filter(is_active=True, participant_id=mentor_id)
            .first()
        )
        if profile is None:
            raise PairError(_("Наставник не найден среди тех, кто готов принимать наставляемых."))
        return create_pair(
            school=school,
            mentor=profile.participant,
            mentees=[mentee],
            form=form,
            kind=kind,
            start_date=start_date,
            planned_end_date=planned_end_date,
            source=PairSource.MATCHING,
            acting_user=acting_user,
        )


# --- The whole school ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPair:
    pair: MentoringPair
    mentee: Staff
    mentor: MentorCandidate
    score: Score


@dataclass(frozen=True)
class UnmatchedMentee:
    mentee: Staff
    reason: str


@dataclass(frozen=True)
class Proposal:
    created: list[ProposedPair]
    unmatched: list[UnmatchedMentee]
    network: bool

    @property
    def total(self) -> float:
        return sum(p.score.total for p in self.created)


def _participants_of(people: Sequence[Staff]) -> dict[int, Participant]:
    """Participant rows of staff, created in bulk for those who have none yet (two queries at most)."""
    found: dict[int, Participant] = {}
    missing = []
    for person in people:
        participant = getattr(person, "participant", None)
        if participant is None:
            missing.append(person)
        else:
            found[person.pk] = participant
    if missing:
        Participant.objects.bulk_create(
            [Participant(school_id=p.school_id, kind=ParticipantKind.STAFF, staff=p) for p in missing],
            ignore_conflicts=True,  # created by a concurrent request: read back below either way
        )
        by_staff = {p.pk: p for p in missing}
        for participant in Participant.objects.filter(staff_id__in=list(by_staff)):
            participant.staff = by_staff[participant.staff_id]
            found[participant.staff_id] = participant
    return found


@transaction.atomic
def propose_school_assignment(
    *,
    school: School,
    acting_user,
    form: MentoringForm,
    kind: MentoringKind,
    start_date: date,
    planned_end_date: date,
    network: bool = False,
) -> Proposal:
    """Draft pairs for everyone of the mentee base who has no mentor, maximising the total score.

    Open pairs stay as they are: their mentees are not candidates, and their places are already
    taken in each mentor's free places. One transaction: a rule broken while writing any pair
    (a concurrent change) rolls the whole proposal back and reaches the curator as a PairError.
    """
    if form.mentee_kind != ParticipantKind.STAFF:
        raise PairError({"form": [_("Подбор работает для форм, где наставляемый — педагог.")]})
    people = unmatched_mentee_candidates(school)
    participants = _participants_of(people)
    difficulties = _latest_difficulties([p.pk for p in people])
    needs = [_needs(p, participants[p.pk].pk, difficulties.get(p.pk, {})) for p in people]
    staff_by_participant = {participants[p.pk].pk: p for p in people}
    names = area_names()
    with _network_scope(school, network):
        candidates = mentor_candidates(form)
        result = assign(needs, [c.offer for c in candidates.values()], network=network)
        needs_by_id = {n.participant_id: n for n in needs}
        created = []
        for match in result.matches:
            mentor = candidates[match.mentor_id]
            mentee = participants[staff_by_participant[match.mentee_id].pk]
            pair = create_pair(
                school=school,
                mentor=mentor.participant,
                mentees=[mentee],
                form=form,
                kind=kind,
                start_date=start_date,
                planned_end_date=planned_end_date,
                source=PairSource.MATCHING,
                acting_user=acting_user,
            )
            explained = score(
                needs_by_id[match.mentee_id],
                replace(mentor.offer, capacity_left=match.capacity_left),
                network=network,
                area_names=names,
            )
            created.append(
                ProposedPair(
                    pair=pair, mentee=staff_by_participant[match.mentee_id], mentor=mentor, score=explained
                )
            )
    unmatched = [
        UnmatchedMentee(mentee=staff_by_participant[mentee_id], reason=str(UNMATCHED_REASONS[code]))
        for mentee_id, code in result.unmatched
    ]
    created.sort(key=lambda p: (p.mentee.last_name, p.mentee.first_name, p.mentee.pk))
    unmatched.sort(key=lambda u: (u.mentee.last_name, u.mentee.first_name, u.mentee.pk))
    return Proposal(created=created, unmatched=unmatched, network=network)
