"""Pairs and groups: creation, the lifecycle, and the rules that guard it.

Lifecycle (domain: pairs are formed with written consents and fixed by the director's order):

    draft ──► consents ──► fixed ──► active ──► completed
      │          │           │         │
      └──────────┴───────────┴─────────┴──► ended_early (with a reason)

Every change writes a PairEvent, so the history of each pair is kept. Completed and ended early are
different final states: a completed pair did its plan; an ended one stopped for a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import (
    OPEN_PAIR_STATUSES,
    Consent,
    ConsentKind,
    EndReason,
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
    ProgramStatus,
    RoleModel,
)
from programs.selectors import processing_stopped
from programs.services.network_mentors import grant_network_access, release_network_access
from schools.models import School

TRANSITIONS: dict[str, set[str]] = {
    PairStatus.DRAFT: {PairStatus.CONSENTS, PairStatus.ENDED_EARLY},
    PairStatus.CONSENTS: {PairStatus.DRAFT, PairStatus.FIXED, PairStatus.ENDED_EARLY},
    PairStatus.FIXED: {PairStatus.ACTIVE, PairStatus.ENDED_EARLY},
    PairStatus.ACTIVE: {PairStatus.COMPLETED, PairStatus.ENDED_EARLY},
    PairStatus.COMPLETED: set(),
    PairStatus.ENDED_EARLY: set(),
}


# Students take part in mentoring from the age of 10 (the target model's methodology).
MIN_STUDENT_AGE = 10
GROUP_KIND = "group"


class PairError(ValidationError):
    """A rule of the pair lifecycle was broken; the message is for the user, in Russian."""


# --- Capacity ------------------------------------------------------------------------------------


def mentees_in_open_pairs(mentors: Iterable[Participant]) -> dict[int, int]:
    """How many mentees each mentor leads now (open pairs), in one grouped query."""
    ids = [m.pk for m in mentors]
    rows = (
        PairMentee.objects.filter(pair__mentor_id__in=ids, pair__status__in=OPEN_PAIR_STATUSES)
        .values("pair__mentor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["pair__mentor_id"]: r["n"] for r in rows}


def capacity_left(profile: MentorProfile, *, excluding_pair: MentoringPair | None = None) -> int:
    taken = PairMentee.objects.filter(
        pair__mentor_id=profile.participant_id, pair__status__in=OPEN_PAIR_STATUSES
    )
    if excluding_pair is not None:
        taken = taken.exclude(pair=excluding_pair)
    return profile.capacity - taken.count()


# --- Consents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingConsent:
    participant: Participant
    kind: str
    needs_guardian: bool

    @property
    def label(self) -> str:
        kind = ConsentKind(self.kind).label
        if self.needs_guardian:
            return _("%(person)s: %(kind)s (от законного представителя)") % {
                "person": self.participant,
                "kind": kind,
            }
        return _("%(person)s: %(kind)s") % {"person": self.participant, "kind": kind}


def required_consents(pair: MentoringPair) -> list[tuple[Participant, str]]:
    """Mentor: participation as mentor + personal data; each mentee: participation + personal data."""
    needed = [(pair.mentor, ConsentKind.MENTOR), (pair.mentor, ConsentKind.PERSONAL_DATA)]
    for link in pair.mentee_links.all():
        needed += [(link.mentee, ConsentKind.MENTEE), (link.mentee, ConsentKind.PERSONAL_DATA)]
    return needed


def missing_consents(pair: MentoringPair, *, on: date | None = None) -> list[MissingConsent]:
    """Consents still to be received for the pair (a minor's must come from the guardian)."""
    on = on or timezone.localdate()
    needed = required_consents(pair)
    participant_ids = {p.pk for p, _kind in needed}
    # Valid on that day: received by then and not withdrawn by then (an order cannot rely on a
    # consent that arrived after it was signed).
    valid = {
        (c.participant_id, c.kind, c.given_by_guardian)
        for c in Consent.objects.filter(participant_id__in=participant_ids, received_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )
    }
    missing = []
    for participant, kind in needed:
        guardian = participant.needs_guardian_on(on)
        ok = (participant.pk, kind, True) in valid or (
            not guardian and (participant.pk, kind, False) in valid
        )
        if not ok:
            missing.append(MissingConsent(participant=participant, kind=kind, needs_guardian=guardian))
    return missing


# --- Creation ------------------------------------------------------------------------------------


def _record(
    pair: MentoringPair, *, actor, description: str, from_status: str = "", to_status: str = ""
) -> None:
    PairEvent.objects.create(
        pair=pair, actor=actor, description=description, from_status=from_status, to_status=to_status
    )


def validate_composition(
    *,
    school: School,
    mentor: Participant,
    mentees: Sequence[Participant],
    form: MentoringForm,
    start_date: date,
    planned_end_date: date,
    excluding_pair: MentoringPair | None = None,
    kind: MentoringKind | None = None,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not mentees:
        add("mentees", _("Выберите хотя бы одного наставляемого."))
    if any(m.pk == mentor.pk for m in mentees):
        add("mentees", _("Наставник не может быть наставляемым в своей же паре."))
    if len({m.pk for m in mentees}) != len(mentees):
        add("mentees", _("Наставляемый указан дважды."))
    if form.mentor_kind != mentor.kind:
        add(
            "mentor",
            _("Для формы «%(form)s» наставником должен быть: %(kind)s.")
            % {"form": form.name, "kind": ParticipantKind(form.mentor_kind).label},
        )
    wrong = [m for m in mentees if m.kind != form.mentee_kind]
    if wrong:
        add(
            "mentees",
            _("Для формы «%(form)s» наставляемыми могут быть только: %(kind)s (не подходит: %(names)s).")
            % {
                "form": form.name,
                "kind": ParticipantKind(form.mentee_kind).label,
                "names": ", ".join(str(m) for m in wrong),
            },
        )
    foreign = [m for m in mentees if m.school_id != school.pk]
    if foreign:
        add(
            "mentees",
            _("Наставляемые должны быть из этой организации: %(names)s.")
            % {"names": ", ".join(map(str, foreign))},
        )
    if planned_end_date <= start_date:
        add("planned_end_date", _("Плановое окончание должно быть позже начала."))
    too_young = [
        p
        for p in (mentor, *mentees)
        if p.student_id is not None and p.student.age_on(start_date) < MIN_STUDENT_AGE
    ]
    if too_young:
        add(
            "mentees" if mentor not in too_young else "mentor",
            _("Участниками наставничества могут быть обучающиеся с %(age)s лет: %(names)s.")
            % {"age": MIN_STUDENT_AGE, "names": ", ".join(map(str, too_young))},
        )
    stopped = set(
        processing_stopped().filter(pk__in=[mentor.pk, *(m.pk for m in mentees)]).values_list("pk", flat=True)
    )
    if stopped:
        for field, people in (("mentor", [mentor]), ("mentees", mentees)):
            names = [str(p) for p in people if p.pk in stopped]
            if names:
                add(
                    field,
                    _(
                        "%(names)s: отозвано согласие на обработку персональных данных, в пару включить нельзя."
                    )
                    % {"names": ", ".join(names)},
                )
    if kind is not None and kind.code == GROUP_KIND and len(mentees) < 2:
        add("mentees", _("В групповом наставничестве у наставника не меньше двух наставляемых."))
    profile = getattr(mentor, "mentor_profile", None)
    if profile is None:
        add(
            "mentor",
            _("«%(name)s» нет в базе наставников: сначала добавьте его(её) в базу.") % {"name": mentor},
        )
    elif not profile.is_active:
        add("mentor", _("Наставник «%(name)s» сейчас не принимает наставляемых.") % {"name": mentor})
    else:
        left = capacity_left(profile, excluding_pair=excluding_pair)
        if len(mentees) > left:
            add(
                "mentees",
                _(
                    "У наставника «%(name)s» свободно мест: %(left)s из %(capacity)s, а выбрано наставляемых: %(n)s."
                )
                % {"name": mentor, "left": max(left, 0), "capacity": profile.capacity, "n": len(mentees)},
            )
    if errors:
        raise PairError(errors)


@transaction.atomic
def create_pair(
    *,
    school: School,
    mentor: Participant,
    mentees: Sequence[Participant],
    form: MentoringForm,
    kind: MentoringKind,
    start_date: date,
    planned_end_date: date,
    role_model: RoleModel | None = None,
    source: str = PairSource.MANUAL,
    acting_user,
) -> MentoringPair:
    """A new draft pair (a group when there are several mentees), after every rule is checked.

    The mentor's row is locked so that two curators cannot overfill one mentor at the same time.
    """
    MentorProfile.objects.select_for_update().filter(participant=mentor).first()
    validate_composition(
        school=school,
        mentor=mentor,
        mentees=mentees,
        form=form,
        start_date=start_date,
        planned_end_date=planned_end_date,
        kind=kind,
    )
    pair = MentoringPair.objects.create(
        school=school,
        mentor=mentor,
        form=form,
        role_model=role_model,
        kind=kind,
        start_date=start_date,
        planned_end_date=planned_end_date,
        is_network=mentor.school_id != school.pk or mentor.kind == ParticipantKind.PARTNER,
        source=source,
        created_by=acting_user,
    )
    PairMentee.objects.bulk_create([PairMentee(pair=pair, mentee=m) for m in mentees])
    _record(
        pair,
        actor=acting_user,
        to_status=PairStatus.DRAFT,
        description=_("Создана (%(source)s): наставник %(mentor)s; наставляемые: %(mentees)s.")
        % {"source": PairSource(source).label, "mentor": mentor, "mentees": ", ".join(map(str, mentees))},
    )
    return pair


@transaction.atomic
def change_mentees(
    pair: MentoringPair, *, mentees: Sequence[Participant], acting_user, reason: str = ""
) -> MentoringPair:
    """Replace the mentees of a pair that is not yet fixed by order (a fixed pair needs a new order)."""
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status not in (PairStatus.DRAFT, PairStatus.CONSENTS):
        raise PairError(_("Состав пары, закреплённой приказом, меняется только новым приказом."))
    validate_composition(
        school=pair.school,
        mentor=pair.mentor,
        mentees=mentees,
        form=pair.form,
        start_date=pair.start_date,
        planned_end_date=pair.planned_end_date,
        excluding_pair=pair,
        kind=pair.kind,
    )
    before = {link.mentee_id for link in pair.mentee_links.all()}
    after = {m.pk for m in mentees}
    PairMentee.objects.filter(pair=pair).exclude(mentee_id__in=after).delete()
    PairMentee.objects.bulk_create([PairMentee(pair=pair, mentee=m) for m in mentees if m.pk not in before])
    names = ", ".join(map(str, mentees))
    description = _("Изменён состав наставляемых: %(names)s.") % {"names": names}
    if reason:
        description += " " + _("Причина: %(reason)s") % {"reason": reason}
    _record(pair, actor=acting_user, description=description)
    if pair.status == PairStatus.CONSENTS and missing_consents(pair):
        _set_status(
            pair, PairStatus.DRAFT, actor=acting_user, description=_("Не хватает согласий новых участников.")
        )
    return pair


# --- Transitions ---------------------------------------------------------------------------------


def _set_status(
    pair: MentoringPair, to_status: str, *, actor, description: str, extra: Sequence[str] = ()
) -> None:
    from_status = pair.status
    pair.status = to_status
    pair.save(update_fields=["status", "updated_at", *extra])
    _record(pair, actor=actor, from_status=from_status, to_status=to_status, description=description)


def _locked(pair: MentoringPair, to_status: str) -> MentoringPair:
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if to_status not in TRANSITIONS[pair.status]:
        raise PairError(
            _("Нельзя перевести пару из состояния «%(from)s» в «%(to)s».")
            % {"from": PairStatus(pair.status).label, "to": PairStatus(to_status).label}
        )
    return pair


@transaction.atomic
def mark_consents_collected(pair: MentoringPair, *, acting_user) -> MentoringPair:
    pair = _locked(pair, PairStatus.CONSENTS)
    missing = missing_consents(pair)
    if missing:
        raise PairError(_("Не хватает согласий: %(list)s.") % {"list": "; ".join(m.label for m in missing)})
    _set_status(pair, PairStatus.CONSENTS, actor=acting_user, description=_("Все согласия получены."))
    return pair


@transaction.atomic
def fix_by_order(pair: MentoringPair, *, order_number: str, order_date: date, acting_user) -> MentoringPair:
    """The director's order fixes the pair; it needs every consent (checked again at this moment)."""
    pair = _locked(pair, PairStatus.FIXED)
    missing = missing_consents(pair, on=order_date)
    if missing:
        raise PairError(
            _("Пару нельзя закрепить приказом, пока не получены согласия: %(list)s.")
            % {"list": "; ".join(m.label for m in missing)}
        )
    if not order_number.strip():
        raise PairError({"order_number": [_("Укажите номер приказа.")]})
    pair.order_number, pair.order_date = order_number.strip(), order_date
    _set_status(
        pair,
        PairStatus.FIXED,
        actor=acting_user,
        extra=["order_number", "order_date"],
        description=_("Закреплена приказом № %(number)s от %(date)s.")
        % {"number": pair.order_number, "date": order_date.strftime("%d.%m.%Y")},
    )
    grant_network_access(pair)
    return pair


@transaction.atomic
def start(pair: MentoringPair, *, acting_user) -> MentoringPair:
    pair = _locked(pair, PairStatus.ACTIVE)
    _set_status(pair, PairStatus.ACTIVE, actor=acting_user, description=_("Пара приступила к работе."))
    grant_network_access(pair)  # also for a mentor whose account was linked after the order
    return pair


@transaction.atomic
def complete(pair: MentoringPair, *, acting_user, on: date | None = None, comment: str = "") -> MentoringPair:
    pair = _locked(pair, PairStatus.COMPLETED)
    program = PersonalizedProgram.objects.filter(pair=pair).first()
    if program is not None and program.status != ProgramStatus.COMPLETED:
        # «Completed» means the plan was done; a pair whose program stops short ends early instead.
        raise PairError(
            _(
                "Программа пары ещё не выполнена (статус: «%(status)s»). Сначала завершите программу "
                "или прекратите работу пары досрочно с указанием причины."
            )
            % {"status": ProgramStatus(program.status).label}
        )
    pair.ended_on = on or timezone.localdate()
    pair.end_comment = comment
    _set_status(
        pair,
        PairStatus.COMPLETED,
        actor=acting_user,
        extra=["ended_on", "end_comment"],
        description=_("Программа выполнена, пара завершила работу."),
    )
    release_network_access(pair)
    return pair


@transaction.atomic
def end_early(
    pair: MentoringPair, *, reason: str, acting_user, on: date | None = None, comment: str = ""
) -> MentoringPair:
    if reason not in EndReason.values:
        raise PairError({"end_reason": [_("Укажите причину досрочного прекращения.")]})
    if reason == EndReason.OTHER and not comment.strip():
        raise PairError({"end_comment": [_("Для причины «другое» опишите её в комментарии.")]})
    pair = _locked(pair, PairStatus.ENDED_EARLY)
    pair.ended_on = on or timezone.localdate()
    pair.end_reason, pair.end_comment = reason, comment
    _set_status(
        pair,
        PairStatus.ENDED_EARLY,
        actor=acting_user,
        extra=["ended_on", "end_reason", "end_comment"],
        description=_("Прекращена досрочно: %(reason)s.") % {"reason": EndReason(reason).label},
    )
    from programs.services.programs import end_with_pair  # the program module builds on pairs

    end_with_pair(pair, reason=reason, comment=comment, on=pair.ended_on, acting_user=acting_user)
    release_network_access(pair)
    return pair


@transaction.atomic
def delete_draft(pair: MentoringPair, *, acting_user) -> None:
    """A draft never fixed by order may be discarded (e.g. a rejected suggestion of the matching)."""
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.DRAFT:
        raise PairError(_("Удалить можно только черновик пары; работающую пару завершите или прекратите."))
    pair.delete()
    release_network_access(pair)


def open_pairs_of(participant: Participant) -> Q:
    """Filter for the open pairs a participant is in, as mentor or mentee."""
    return Q(status__in=OPEN_PAIR_STATUSES) & (Q(mentor=participant) | Q(mentee_links__mentee=participant))
