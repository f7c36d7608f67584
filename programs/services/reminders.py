"""Reminders of the morning job: which events are due today, for whom, and their in-app and e-mail delivery.

``collect_reminders(today)`` works inside the caller's school scope (the job opens one batch of
schools at a time) and needs a fixed number of queries whatever the number of pairs: the rules are
evaluated on ``values()`` rows, never by walking pairs or people one by one.

Rules (``today`` is the job's date in the project's time zone):

- ``activity_due`` — a planned activity of an approved or running program is due in exactly
  3 days → the pair's mentor and mentees;
- ``activity_overdue`` — a planned activity of a running program whose date has passed → mentor,
  mentees and the school's curators, once per activity (not every day);
- ``program_ending`` — a running program ends in exactly 14 days → mentor, mentees, curators;
- ``consents_missing`` — a pair in «черновик» or «согласия собраны», created more than 7 days ago,
  still lacks consents (the rule of ``services.pairs.missing_consents``) → curators, once a week;
- ``no_program`` — a pair fixed by order (or working) for more than 30 days has no program →
  curators, once per pair. «Since» is the order date (the start date when the order has none).

Event keys (``Notification.event_key``; unique together with the user, so a re-run, a redelivered
job or two workers at once create each notification once):

    activity-due:<activity id>:<due date, YYYY-MM-DD>
    activity-overdue:<activity id>:<due date, YYYY-MM-DD>
    program-ending:<program id>:<end date, YYYY-MM-DD>
    pair-consents:<pair id>:<ISO year>-W<ISO week, 2 digits>
    pair-no-program:<pair id>

The date in the first three keys makes a moved deadline (a corrected plan, an extended program) a
new event, while the same deadline is reminded of once.

Links: activity and program reminders open the program (mentor and mentees: their own program
page; curators: the program's card); pair reminders open the pair's card.

People are reached through their accounts: a participant whose registry record has no user (and
every partner's representative) is skipped, as are deactivated users and the accounts of people who
withdrew their consent to personal data processing (``selectors.processing_stopped``). Network mentors from another
school get the reminder in the pair's school.

E-mail: a notification is mailed once, to users with an e-mail address whose preference allows it
(no preference row means yes). Each row is claimed by a conditional UPDATE of ``emailed_at`` before
the letter goes out, so two workers never mail the same notification; a failed send releases the
claim and the error propagates, so the job's retry sends it later. Only rows created within
``EMAIL_WINDOW`` are mailed: switching e-mail back on does not flood anyone with old reminders.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import (
    ActivityStatus,
    Consent,
    ConsentKind,
    MentoringPair,
    Notification,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
)
from programs.selectors import processing_stopped_user_ids
from programs.services.letters import notification_letter
from schools.models import Membership, Role, Student, User
from schools.tenancy import current_school_ids, school_scope

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
ENDING_SOON_DAYS = 14
CONSENTS_GRACE_DAYS = 7
NO_PROGRAM_DAYS = 30
EMAIL_WINDOW = timedelta(days=2)
CHUNK = 1000


class Kind:
    """Values of ``Notification.kind`` written by this module."""

    ACTIVITY_DUE = "activity_due"
    ACTIVITY_OVERDUE = "activity_overdue"
    PROGRAM_ENDING = "program_ending"
    CONSENTS_MISSING = "consents_missing"
    NO_PROGRAM = "no_program"


REMINDER_KINDS = (
    Kind.ACTIVITY_DUE,
    Kind.ACTIVITY_OVERDUE,
    Kind.PROGRAM_ENDING,
    Kind.CONSENTS_MISSING,
    Kind.NO_PROGRAM,
)
DUE_SOON_PROGRAM_STATUSES = (ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS)
CONSENT_PAIR_STATUSES = (PairStatus.DRAFT, PairStatus.CONSENTS)
NO_PROGRAM_PAIR_STATUSES = (PairStatus.FIXED, PairStatus.ACTIVE)


@dataclass(frozen=True)
class Reminder:
    """One notification to be stored: the event for one user."""

    school_id: int
    user_id: int
    kind: str
    event_key: str
    title: str
    body: str
    url: str


# --- Event keys ----------------------------------------------------------------------------------


def activity_due_key(activity_id: int, due: date) -> str:
    return f"activity-due:{activity_id}:{due.isoformat()}"


def activity_overdue_key(activity_id: int, due: date) -> str:
    return f"activity-overdue:{activity_id}:{due.isoformat()}"


def program_ending_key(program_id: int, end: date) -> str:
    return f"program-ending:{program_id}:{end.isoformat()}"


def consents_key(pair_id: int, today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"pair-consents:{pair_id}:{year}-W{week:02d}"


def no_program_key(pair_id: int) -> str:
    return f"pair-no-program:{pair_id}"


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# --- Collecting ----------------------------------------------------------------------------------


def _person_user(row: dict, prefix: str) -> int | None:
    """The account of a participant read through ``values()``: staff or student (partners have none)."""
    return row[f"{prefix}__staff__user_id"] or row[f"{prefix}__student__user_id"]


def _is_minor(birth_date: date | None, today: date) -> bool:
    return birth_date is not None and Student(birth_date=birth_date).is_minor_on(today)


def _missing_consent_counts(
    pairs: Sequence[dict], mentees: dict[int, list[dict]], today: date
) -> dict[int, int]:
    """How many consents each pair lacks — ``services.pairs.missing_consents`` for many pairs, one query.

    Consents are read in a scope widened to the schools of the pairs' own participants: a network
    mentor's consents are kept in the mentor's school.
    """
    people: dict[int, bool] = {}  # participant id → needs the guardian's consent
    schools: set[int] = set()
    needed: dict[int, list[tuple[int, str]]] = {}
    for pair in pairs:
        people[pair["mentor_id"]] = _is_minor(pair["mentor__student__birth_date"], today)
        schools.add(pair["mentor__school_id"])
        rows = [(pair["mentor_id"], ConsentKind.MENTOR), (pair["mentor_id"], ConsentKind.PERSONAL_DATA)]
        for link in mentees.get(pair["pk"], []):
            people[link["mentee_id"]] = _is_minor(link["mentee__student__birth_date"], today)
            schools.add(link["mentee__school_id"])
            rows += [(link["mentee_id"], ConsentKind.MENTEE), (link["mentee_id"], ConsentKind.PERSONAL_DATA)]
        needed[pair["pk"]] = rows
    if not needed:
        return {}

    def read() -> set[tuple[int, str, bool]]:
        return set(
            Consent.objects.filter(participant_id__in=people, withdrawn_on__isnull=True).values_list(
                "participant_id", "kind", "given_by_guardian"
            )
        )

    in_scope = current_school_ids()
    if in_scope is None:  # scopes disabled by the caller: every school is readable already
        valid = read()
    else:
        with school_scope(sorted(set(in_scope) | schools)):
            valid = read()
    counts = {}
    for pair_id, rows in needed.items():
        counts[pair_id] = sum(
            1
            for participant_id, kind in rows
            if (participant_id, kind, True) not in valid
            and (people[participant_id] or (participant_id, kind, False) not in valid)
        )
    return counts


class _Builder:
    """Accumulates reminders, one per (user, event key), keeping the first recipient role's link."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, str], Reminder] = {}

    def add(self, users: Iterable[int | None], *, school_id: int, kind: str, key: str, **text: str) -> None:
        for user_id in users:
            if user_id is not None and (user_id, key) not in self.items:
                self.items[(user_id, key)] = Reminder(
                    school_id=school_id, user_id=user_id, kind=kind, event_key=key, **text
                )


def collect_reminders(today: date) -> list[Reminder]:
    """Every reminder due on ``today`` in the schools of the open scope (a fixed number of queries)."""
    due_day = today + timedelta(days=DUE_SOON_DAYS)
    activities = list(
        PlanActivity.objects.filter(status=ActivityStatus.PLANNED)
        .filter(
            Q(due_date=due_day, program__status__in=DUE_SOON_PROGRAM_STATUSES)
            | Q(due_date__lt=today, program__status=ProgramStatus.IN_PROGRESS)
        )
        .values(
            "pk",
            "title",
            "due_date",
            "program_id",
            "program__title",
            "program__school_id",
            "program__pair_id",
            "program__pair__mentor__staff__user_id",
            "program__pair__mentor__student__user_id",
        )
        .order_by("due_date", "pk")
    )
    ending = list(
        PersonalizedProgram.objects.filter(
            status=ProgramStatus.IN_PROGRESS, end_date=today + timedelta(days=ENDING_SOON_DAYS)
        )
        .values(
            "pk",
            "title",
            "end_date",
            "school_id",
            "pair_id",
            "pair__mentor__staff__user_id",
            "pair__mentor__student__user_id",
        )
        .order_by("pk")
    )
    consent_pairs = list(
        MentoringPair.objects.filter(
            status__in=CONSENT_PAIR_STATUSES,
            created_at__date__lt=today - timedelta(days=CONSENTS_GRACE_DAYS),
        )
        .values(
            "pk", "school_id", "created_at", "mentor_id", "mentor__school_id", "mentor__student__birth_date"
        )
        .order_by("pk")
    )
    idle_pairs = list(
        MentoringPair.objects.filter(status__in=NO_PROGRAM_PAIR_STATUSES, program__isnull=True)
        .annotate(since=Coalesce("order_date", "start_date"))
        .filter(since__lt=today - timedelta(days=NO_PROGRAM_DAYS))
        .values("pk", "school_id", "since")
        .order_by("pk")
    )
    pair_ids = (
        {a["program__pair_id"] for a in activities}
        | {p["pair_id"] for p in ending}
        | {p["pk"] for p in consent_pairs}
    )
    mentees: dict[int, list[dict]] = defaultdict(list)
    if pair_ids:
        for link in PairMentee.objects.filter(pair_id__in=pair_ids).values(
            "pair_id",
            "mentee_id",
            "mentee__school_id",
            "mentee__staff__user_id",
            "mentee__student__user_id",
            "mentee__student__birth_date",
        ):
            mentees[link["pair_id"]].append(link)
    curators: dict[int, list[int]] = defaultdict(list)
    for school_id, user_id in Membership.objects.filter(
        role=Role.CURATOR, is_active=True, school__isnull=False
    ).values_list("school_id", "user_id"):
        curators[school_id].append(user_id)
    missing = _missing_consent_counts(consent_pairs, mentees, today)

    def members(pair_id: int, mentor_user: int | None) -> list[int | None]:
        return [mentor_user, *(_person_user(link, "mentee") for link in mentees.get(pair_id, []))]

    def program_links(program_id: int) -> tuple[str, str]:
        """Members open their own program page, curators the program's card."""
        return (
            reverse("programs:my-program", kwargs={"pk": program_id}),
            reverse("programs:program-detail", kwargs={"pk": program_id}),
        )

    def pair_link(pair_id: int) -> str:
        return reverse("programs:pair-detail", kwargs={"pk": pair_id})

    out = _Builder()
    for a in activities:
        pair_id, school_id = a["program__pair_id"], a["program__school_id"]
        crew = members(pair_id, _person_user(a, "program__pair__mentor"))
        member_url, staff_url = program_links(a["program_id"])
        if a["due_date"] == due_day:
            out.add(
                crew,
                school_id=school_id,
                kind=Kind.ACTIVITY_DUE,
                key=activity_due_key(a["pk"], a["due_date"]),
                title=_("Через 3 дня срок мероприятия «%(title)s»") % {"title": a["title"]},
                body=_("Программа «%(program)s»: мероприятие «%(title)s» нужно провести до %(date)s.")
                % {"program": a["program__title"], "title": a["title"], "date": _d(a["due_date"])},
                url=member_url,
            )
            continue
        text = {
            "title": _("Просрочено мероприятие «%(title)s»") % {"title": a["title"]},
            "body": _(
                "Программа «%(program)s»: срок мероприятия «%(title)s» истёк %(date)s. Отметьте его "
                "выполнение в плане или перенесите срок по согласованию наставника и наставляемого."
            )
            % {"program": a["program__title"], "title": a["title"], "date": _d(a["due_date"])},
        }
        key = activity_overdue_key(a["pk"], a["due_date"])
        out.add(crew, school_id=school_id, kind=Kind.ACTIVITY_OVERDUE, key=key, url=member_url, **text)
        out.add(
            curators[school_id],
            school_id=school_id,
            kind=Kind.ACTIVITY_OVERDUE,
            key=key,
            url=staff_url,
            **text,
        )
    for p in ending:
        member_url, staff_url = program_links(p["pk"])
        text = {
            "title": _("Через 14 дней заканчивается программа «%(title)s»") % {"title": p["title"]},
            "body": _(
                "Программа «%(title)s» заканчивается %(date)s. Подготовьте отчёт наставника и рефлексию "
                "наставляемого или оформите продление срока."
            )
            % {"title": p["title"], "date": _d(p["end_date"])},
        }
        key = program_ending_key(p["pk"], p["end_date"])
        crew = members(p["pair_id"], _person_user(p, "pair__mentor"))
        out.add(crew, school_id=p["school_id"], kind=Kind.PROGRAM_ENDING, key=key, url=member_url, **text)
        out.add(
            curators[p["school_id"]],
            school_id=p["school_id"],
            kind=Kind.PROGRAM_ENDING,
            key=key,
            url=staff_url,
            **text,
        )
    for p in consent_pairs:
        if not missing.get(p["pk"]):
            continue
        out.add(
            curators[p["school_id"]],
            school_id=p["school_id"],
            kind=Kind.CONSENTS_MISSING,
            key=consents_key(p["pk"], today),
            title=_("Пара № %(pk)s: получены не все согласия") % {"pk": p["pk"]},
            body=_(
                "Пара сформирована %(date)s, но не хватает согласий: %(n)s. Без них пару нельзя "
                "закрепить приказом."
            )
            % {"date": _d(timezone.localtime(p["created_at"]).date()), "n": missing[p["pk"]]},
            url=pair_link(p["pk"]),
        )
    for p in idle_pairs:
        out.add(
            curators[p["school_id"]],
            school_id=p["school_id"],
            kind=Kind.NO_PROGRAM,
            key=no_program_key(p["pk"]),
            title=_("Пара № %(pk)s работает без программы") % {"pk": p["pk"]},
            body=_(
                "Пара закреплена %(date)s, а персонализированная программа наставничества до сих пор не "
                "составлена."
            )
            % {"date": _d(p["since"])},
            url=pair_link(p["pk"]),
        )
    wanted = {user_id for user_id, _key in out.items}
    active = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    return [r for (user_id, _key), r in out.items.items() if user_id in active]


# --- Storing -------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def store_reminders(reminders: Sequence[Reminder]) -> int:
    """Create the notifications not yet stored; returns how many were new to this run.

    Existing (user, event key) pairs are skipped up front (yesterday's overdue activities come
    again every day); ``ignore_conflicts`` covers a concurrent run inserting the same rows.
    """
    # No reminders to people who withdrew their consent to personal data processing.
    stopped = processing_stopped_user_ids()
    reminders = [r for r in reminders if r.user_id not in stopped]
    keys = sorted({r.event_key for r in reminders})
    existing: set[tuple[int, str]] = set()
    for chunk in _chunks(keys):
        existing.update(Notification.objects.filter(event_key__in=chunk).values_list("user_id", "event_key"))
    new = [r for r in reminders if (r.user_id, r.event_key) not in existing]
    Notification.objects.bulk_create(
        [
            Notification(
                school_id=r.school_id,
                user_id=r.user_id,
                kind=r.kind,
                event_key=r.event_key,
                title=r.title[:300],
                body=r.body,
                url=r.url,
            )
            for r in new
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(new)


# --- E-mail --------------------------------------------------------------------------------------


def _letter(row: dict) -> tuple[str, str]:
    return notification_letter(
        row,
        row["body"] or row["title"],
        _(
            "Напоминание есть и в системе «Наставник», в разделе «Уведомления». Отключить письма "
            "можно там же, в настройках уведомлений."
        ),
    )


def email_reminders(*, now=None) -> int:
    """Mail the scope's fresh, not yet mailed reminders to users who want letters; returns letters sent."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(
            kind__in=REMINDER_KINDS,
            emailed_at__isnull=True,
            created_at__gte=now - EMAIL_WINDOW,
            user__is_active=True,
        )
        .exclude(user_id__in=processing_stopped_user_ids())
        .filter(~Q(user__email=""))
        .filter(
            Q(user__notification_preference__isnull=True)
            | Q(user__notification_preference__email_enabled=True)
        )
        .values("pk", "title", "body", "user__email", "user__first_name", "user__patronymic")
        .order_by("pk")
    )
    if not rows:
        return 0
    sent = 0
    with get_connection() as connection:
        for row in rows:
            claimed_at = timezone.now()
            # The claim: only the worker whose UPDATE changed the row sends the letter.
            if not Notification.objects.filter(pk=row["pk"], emailed_at__isnull=True).update(
                emailed_at=claimed_at
            ):
                continue
            subject, body = _letter(row)
            try:
                EmailMessage(
                    subject=subject, body=body, to=[row["user__email"]], connection=connection
                ).send()
            except OSError:
                Notification.objects.filter(pk=row["pk"], emailed_at=claimed_at).update(emailed_at=None)
                logger.warning("Reminder %s was not mailed; the job will retry", row["pk"], exc_info=True)
                raise
            sent += 1
    return sent
