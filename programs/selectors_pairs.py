"""Reads for the pair screens: lists, a pair's card, consents, requests, a member's own pairs.

Every query runs inside the request's school scope. Lists take a fixed number of queries whatever
the number of pairs (select_related for the mentor, one prefetch for all mentees of the page, one
query for all consents of the page): see tests/test_pairs_views.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import (
    OPEN_PAIR_STATUSES,
    Consent,
    ConsentKind,
    MentoringForm,
    MentoringPair,
    MentorProfile,
    PairEvent,
    PairMentee,
    PairRequest,
    PairStatus,
    Participant,
    ParticipantKind,
)
from programs.selectors import processing_stopped
from programs.services.pairs import MissingConsent, mentees_in_open_pairs, required_consents
from schools.models import EmploymentStatus, Staff, Student

PERSON_FIELDS = ("staff", "student", "partner_representative__organization")
STATUS_ORDER = [
    PairStatus.DRAFT,
    PairStatus.CONSENTS,
    PairStatus.FIXED,
    PairStatus.ACTIVE,
    PairStatus.COMPLETED,
    PairStatus.ENDED_EARLY,
]


def _person_related(prefix: str) -> list[str]:
    return [f"{prefix}{f}" for f in PERSON_FIELDS]


def mentee_links_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}mentee_links",
        queryset=PairMentee.objects.select_related(*_person_related("mentee__")).order_by("pk"),
    )


def pair_queryset() -> QuerySet[MentoringPair]:
    """Pairs with everything a row or a card shows: mentor, mentees, catalogs."""
    return MentoringPair.objects.select_related(
        "school", "form", "kind", "role_model", *_person_related("mentor__")
    ).prefetch_related(mentee_links_prefetch())


# --- The pair list -------------------------------------------------------------------------------


def _name_q(prefix: str, word: str) -> Q:
    q = Q()
    for person in ("staff", "student", "partner_representative"):
        for name in ("last_name", "first_name", "patronymic"):
            q |= Q(**{f"{prefix}{person}__{name}__icontains": word})
    return q


_MENTOR_NAME = Coalesce(
    "mentor__staff__last_name", "mentor__student__last_name", "mentor__partner_representative__last_name"
)
_STATUS_RANK = Case(
    *(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)),
    output_field=IntegerField(),
)

SORTS: dict[str, tuple[str, list]] = {
    "-created": (_("сначала новые"), ["-created_at", "-pk"]),
    "mentor": (_("по наставнику"), [_MENTOR_NAME.asc(), "pk"]),
    "start": (_("по дате начала"), ["start_date", "pk"]),
    "-start": (_("по дате начала, сначала поздние"), ["-start_date", "-pk"]),
    "end": (_("по плановому окончанию"), ["planned_end_date", "pk"]),
    "status": (_("по статусу"), [_STATUS_RANK.asc(), "-created_at", "-pk"]),
}
DEFAULT_SORT = "-created"
OPEN = "open"


def pair_list(
    *,
    q: str = "",
    status: str = "",
    form: MentoringForm | None = None,
    kind=None,
    network: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[MentoringPair]:
    """The school's pairs, searched by the name of the mentor or of any mentee.

    ``consent_withdrawn`` marks a pair with a member who withdrew consent to personal data processing.
    """
    stopped = processing_stopped()
    pairs = pair_queryset().annotate(
        consent_withdrawn=Exists(
            stopped.filter(Q(pk=OuterRef("mentor_id")) | Q(pair_links__pair_id=OuterRef("pk")))
        )
    )
    for word in q.split():
        with_mentee = PairMentee.objects.filter(_name_q("mentee__", word)).values("pair_id")
        pairs = pairs.filter(_name_q("mentor__", word) | Q(pk__in=with_mentee))
    if status == OPEN:
        pairs = pairs.filter(status__in=OPEN_PAIR_STATUSES)
    elif status:
        pairs = pairs.filter(status=status)
    if form is not None:
        pairs = pairs.filter(form=form)
    if kind is not None:
        pairs = pairs.filter(kind=kind)
    if network in ("yes", "no"):
        pairs = pairs.filter(is_network=network == "yes")
    return pairs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


def missing_consents_by_pair(
    pairs: Sequence[MentoringPair], *, on: date | None = None
) -> dict[int, list[MissingConsent]]:
    """What each pair still lacks, in one query for all of them (same rule as pairs.missing_consents).

    The pairs must come with their mentees prefetched (``pair_queryset``).
    """
    on = on or timezone.localdate()
    needed = {pair.pk: required_consents(pair) for pair in pairs}
    ids = {p.pk for rows in needed.values() for p, _kind in rows}
    valid: set[tuple[int, str, bool]] = set()
    if ids:
        valid = set(
            Consent.objects.filter(participant_id__in=ids, withdrawn_on__isnull=True).values_list(
                "participant_id", "kind", "given_by_guardian"
            )
        )
    result: dict[int, list[MissingConsent]] = {}
    for pair_id, rows in needed.items():
        missing = []
        for participant, kind in rows:
            guardian = participant.needs_guardian_on(on)
            ok = (participant.pk, kind, True) in valid or (
                not guardian and (participant.pk, kind, False) in valid
            )
            if not ok:
                missing.append(MissingConsent(participant=participant, kind=kind, needs_guardian=guardian))
        result[pair_id] = missing
    return result


def annotate_missing(pairs: Sequence[MentoringPair]) -> None:
    """Set ``missing_count`` on each pair of a page (None for a finished pair: nothing to collect)."""
    missing = missing_consents_by_pair([p for p in pairs if p.is_open])
    for pair in pairs:
        pair.missing_count = len(missing[pair.pk]) if pair.pk in missing else None


# --- One pair ------------------------------------------------------------------------------------


@dataclass
class ConsentRow:
    """One consent a participant of the pair must give, with what has been received."""

    participant: Participant
    kind: str
    needs_guardian: bool
    consent: Consent | None = None
    withdrawn: list[Consent] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return ConsentKind(self.kind).label

    @property
    def is_ok(self) -> bool:
        return self.consent is not None and (self.consent.given_by_guardian or not self.needs_guardian)

    @property
    def not_from_guardian(self) -> bool:
        """A consent is on file, but a minor's must come from the guardian."""
        return self.consent is not None and not self.is_ok


@dataclass
class ParticipantConsents:
    participant: Participant
    is_mentor: bool
    rows: list[ConsentRow]


def consent_panel(pair: MentoringPair, *, on: date | None = None) -> list[ParticipantConsents]:
    """The pair's consents person by person (one query), withdrawn ones kept for the record."""
    on = on or timezone.localdate()
    needed = required_consents(pair)
    consents = Consent.objects.filter(participant_id__in={p.pk for p, _k in needed}).order_by(
        "-received_on", "-pk"
    )
    by_key: dict[tuple[int, str], list[Consent]] = {}
    for consent in consents:
        by_key.setdefault((consent.participant_id, consent.kind), []).append(consent)
    people: dict[int, ParticipantConsents] = {}
    for participant, kind in needed:
        entry = people.setdefault(
            participant.pk,
            ParticipantConsents(participant=participant, is_mentor=participant.pk == pair.mentor_id, rows=[]),
        )
        found = by_key.get((participant.pk, kind), [])
        entry.rows.append(
            ConsentRow(
                participant=participant,
                kind=kind,
                needs_guardian=participant.needs_guardian_on(on),
                consent=next((c for c in found if c.withdrawn_on is None), None),
                withdrawn=[c for c in found if c.withdrawn_on is not None],
            )
        )
    return list(people.values())


def pair_events(pair: MentoringPair) -> QuerySet[PairEvent]:
    return PairEvent.objects.filter(pair=pair).select_related("actor").order_by("at", "pk")


def pair_requests(pair: MentoringPair) -> QuerySet[PairRequest]:
    return (
        PairRequest.objects.filter(pair=pair).select_related("author", "decided_by").order_by("-created_at")
    )


# --- Requests ------------------------------------------------------------------------------------


def request_list(*, status: str = PairRequest.Status.OPEN) -> QuerySet[PairRequest]:
    requests = PairRequest.objects.select_related(
        "author", "decided_by", "pair__form", *_person_related("pair__mentor__")
    ).prefetch_related(mentee_links_prefetch("pair__"))
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


# --- A member's own pairs ------------------------------------------------------------------------


def pairs_of_user(user) -> QuerySet[MentoringPair]:
    """The pairs (of the scoped schools) whose mentor or one of whose mentees is this user.

    The joins to the mentor's person ignore the scope: a network mentor, whose participant row is
    in their own school, finds their pairs in the pair's school (programs/services/network_mentors.py
    gives them the role there). Partners' representatives have no account, so nothing to match.

    The membership test is a subquery of ids: joined into ``pair_queryset`` with DISTINCT it made
    PostgreSQL plan a 15-table join on every cabinet and journal request (15–30 ms of planning).
    """
    mine = MentoringPair.objects.filter(
        Q(mentor__staff__user=user)
        | Q(mentor__student__user=user)
        | Q(mentee_links__mentee__staff__user=user)
        | Q(mentee_links__mentee__student__user=user)
    ).values("pk")
    return pair_queryset().filter(pk__in=mine).order_by("-created_at", "-pk")


def my_pairs(user) -> list[MentoringPair]:
    """A member's pairs for the cabinet, each marked with the user's place in it (3 queries)."""
    pairs = list(
        pairs_of_user(user).prefetch_related(
            Prefetch(
                "requests",
                queryset=PairRequest.objects.filter(author=user, status=PairRequest.Status.OPEN),
                to_attr="my_open_requests",
            )
        )
    )
    for pair in pairs:
        pair.i_am_mentor = pair.mentor.user_id_of_person == user.pk
    return pairs


# --- Choices of the pair form --------------------------------------------------------------------


@dataclass(frozen=True)
class MentorOption:
    profile: MentorProfile
    taken: int

    @property
    def left(self) -> int:
        return max(self.profile.capacity - self.taken, 0)

    @property
    def participant(self) -> Participant:
        return self.profile.participant


def mentor_options(form: MentoringForm | None = None) -> list[MentorOption]:
    """Active mentors of the school (of the form's kind of mentor), with their free places (2 queries)."""
    profiles = MentorProfile.objects.filter(is_active=True).select_related(*_person_related("participant__"))
    if form is not None:
        profiles = profiles.filter(participant__kind=form.mentor_kind)
    profiles = list(profiles)
    profiles.sort(key=lambda p: (p.participant.full_name.lower(), p.pk))
    taken = mentees_in_open_pairs([p.participant for p in profiles])
    return [MentorOption(profile=p, taken=taken.get(p.participant_id, 0)) for p in profiles]


def mentee_candidates(form: MentoringForm | None = None) -> tuple[list[Staff], list[Student]]:
    """People of the registries who may become mentees under the form (working staff, current students)."""
    staff: list[Staff] = []
    students: list[Student] = []
    if form is None or form.mentee_kind == ParticipantKind.STAFF:
        staff = list(
            Staff.objects.filter(employment_status=EmploymentStatus.WORKS).order_by(
                "last_name", "first_name", "patronymic", "pk"
            )
        )
    if form is None or form.mentee_kind == ParticipantKind.STUDENT:
        students = list(
            Student.objects.filter(is_active=True).order_by("last_name", "first_name", "patronymic", "pk")
        )
    return staff, students
