"""Rights of a person whose data the school keeps (152-ФЗ «О персональных данных»): access, correction,
removal by anonymisation, and withdrawal of consent.

A *person* is one registry record of the school — a staff member, a student or a partner's
representative — with everything that hangs on it: their account, their participant row and, through
it, pairs, programs, the journal, consents, diagnostics, routes, surveys and notifications. The map of
where each piece lives is in docs/personal-data.md; ``collect_person_data`` is that map in code, and
the export, the person page and the tests all read it, so a category cannot be shown and not exported.

Everything here runs inside the caller's school scope (a request of the school's director or
curator): a record of another school is simply not found. The functions are verbs with an
``acting_user``, so an audit trail can record them.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import SurveyResponse
from programs.models import (
    OPEN_PAIR_STATUSES,
    BurnoutNote,
    Consent,
    ConsentKind,
    DifficultyAssessment,
    DifficultyRating,
    Document,
    DocumentStatus,
    IndividualRoute,
    JournalAttachment,
    JournalEntry,
    MentorCompetency,
    MentoringPair,
    MentorProfile,
    MentorRegistry,
    Notification,
    PairEvent,
    PairMentee,
    PairRequest,
    Participant,
    PersonalizedProgram,
    PlanActivity,
    ProgramChange,
    RouteCorrection,
    RouteMeasure,
    RouteReflection,
)
from programs.selectors import processing_stopped
from programs.services.consents import withdraw_processing_consent
from programs.services.participants import participant_for
from schools import audit
from schools.models import Membership, PartnerRepresentative, School, Staff, Student, User
from schools.models_audit import AuditEntry
from schools.tenancy import user_has_places_outside

Person = Staff | Student | PartnerRepresentative

CHUNK = 1024 * 1024  # bytes copied at a time from a stored file into the archive

PERSON_MODELS: dict[str, type[Staff] | type[Student] | type[PartnerRepresentative]] = {
    "staff": Staff,
    "student": Student,
    "partner": PartnerRepresentative,
}


class PersonalDataError(ValidationError):
    """An operation on personal data cannot be done; the message is for the user, in Russian."""


def person_kind(person: Person) -> str:
    return next(key for key, model in PERSON_MODELS.items() if isinstance(person, model))


def person_queryset(kind: str) -> QuerySet:
    """Registry records of one kind in the open scope (an unknown kind selects nothing)."""
    model = PERSON_MODELS.get(kind)
    if model is None:
        return Staff.objects.none()
    related = ["school", "organization"] if model is PartnerRepresentative else ["school", "user"]
    return model.objects.select_related(*related)


# --- The map: everything stored about a person ------------------------------------------------------

# Categories in the order of the export and of the person page, with their Russian titles.
CATEGORIES: tuple[tuple[str, Any], ...] = (
    ("person", gettext_lazy("Запись в базе организации")),
    ("account", gettext_lazy("Учётная запись и роли")),
    ("participation", gettext_lazy("Участие в наставничестве, анкета наставника")),
    ("diagnostics", gettext_lazy("Диагностика затруднений")),
    ("burnout_notes", gettext_lazy("Отметки о профессиональном выгорании")),
    ("consents", gettext_lazy("Согласия")),
    ("pairs", gettext_lazy("Пары и группы, их история и заявления")),
    ("programs", gettext_lazy("Программы наставничества")),
    ("journal", gettext_lazy("Журнал пары")),
    ("routes", gettext_lazy("Индивидуальные образовательные маршруты")),
    ("surveys", gettext_lazy("Анкеты (неанонимные)")),
    ("notifications", gettext_lazy("Уведомления")),
    ("documents", gettext_lazy("Документы, где названо имя")),
)


def category_title(code: str) -> str:
    return str(dict(CATEGORIES)[code])


@dataclass
class PersonalData:
    """Everything stored about one person in the school: rows by category and their files."""

    person: Person
    participant: Participant | None
    categories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (name inside the archive, stored file)
    files: list[tuple[str, FieldFile]] = field(default_factory=list)

    def counts(self) -> list[tuple[str, str, int]]:
        return [(code, category_title(code), len(self.categories[code])) for code, _t in CATEGORIES]


def _rows(queryset: QuerySet, *fields: str) -> list[dict[str, Any]]:
    return [dict(row) for row in queryset.values(*fields)]


PERSON_FIELDS = {
    Staff: (
        "id",
        "last_name",
        "first_name",
        "patronymic",
        "position",
        "subjects",
        "hire_date",
        "experience_years",
        "birth_year",
        "has_pedagogical_education",
        "qualification_category",
        "employment_status",
        "email",
        "returned_after_break_on",
        "anonymised_on",
    ),
    Student: (
        "id",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "grade",
        "guardian_name",
        "guardian_phone",
        "guardian_email",
        "email",
        "is_active",
        "anonymised_on",
    ),
    PartnerRepresentative: (
        "id",
        "organization__name",
        "last_name",
        "first_name",
        "patronymic",
        "position",
        "email",
        "phone",
        "anonymised_on",
    ),
}


def _existing_participant(person: Person) -> Participant | None:
    key = {Staff: "staff", Student: "student", PartnerRepresentative: "partner_representative"}[type(person)]
    return Participant.objects.filter(**{key: person}).first()


def _pairs_of(participant: Participant | None) -> QuerySet[MentoringPair]:
    if participant is None:
        return MentoringPair.objects.none()
    return MentoringPair.objects.filter(
        Q(mentor=participant) | Q(mentee_links__mentee=participant)
    ).distinct()


def _add_file(data: PersonalData, folder: str, file: FieldFile, name: str = "") -> None:
    if file:
        base = name or file.name.rsplit("/", 1)[-1]
        data.files.append((f"files/{folder}/{len(data.files) + 1:04d}-{base}", file))


def collect_person_data(person: Person) -> PersonalData:
    """Every row that names the person or is about them, in the open scope (a fixed number of queries).

    Anonymous questionnaires are left out on purpose: they keep no link to the person, and the
    export must not create one.
    """
    model = type(person)
    participant = _existing_participant(person)
    data = PersonalData(person=person, participant=participant)
    cats = data.categories
    cats["person"] = _rows(model.objects.filter(pk=person.pk), *PERSON_FIELDS[model])
    cats["person"][0]["school"] = person.school.full_name

    user: User | None = getattr(person, "user", None)
    if user is not None:
        account = {
            "username": user.username,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "patronymic": user.patronymic,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": _rows(Membership.objects.filter(user=user), "role", "is_active", "created_at"),
        }
        cats["account"] = [account]
    else:
        cats["account"] = []

    if participant is not None:
        row: dict[str, Any] = {"participant_id": participant.pk, "kind": participant.kind}
        profile = MentorProfile.objects.filter(participant=participant).first()
        if profile is not None:
            row["mentor_profile"] = _rows(
                MentorProfile.objects.filter(pk=profile.pk),
                "capacity",
                "subjects",
                "tags",
                "training_status",
                "course_completed_on",
                "portfolio",
                "questionnaire",
                "volunteered_on",
                "is_active",
            )[0]
            row["mentor_profile"]["competencies"] = _rows(
                MentorCompetency.objects.filter(profile=profile), "area__name", "level"
            )
            row["mentor_profile"]["registries"] = _rows(
                MentorRegistry.objects.filter(mentors=profile), "school_year", "status"
            )
        cats["participation"] = [row]
    else:
        cats["participation"] = []

    if isinstance(person, Staff):
        assessments = _rows(
            DifficultyAssessment.objects.filter(staff=person).order_by("school_year"),
            "id",
            "school_year",
            "source",
            "filled_at",
            "comment",
        )
        ratings: dict[int, list[dict[str, Any]]] = {}
        for rating in DifficultyRating.objects.filter(assessment__staff=person).values(
            "assessment_id", "area__name", "level"
        ):
            ratings.setdefault(rating.pop("assessment_id"), []).append(rating)
        for assessment in assessments:
            assessment["ratings"] = ratings.get(assessment["id"], [])
        cats["diagnostics"] = assessments
        cats["burnout_notes"] = _rows(
            BurnoutNote.objects.filter(staff=person).order_by("noted_on"), "noted_on", "comment", "closed_on"
        )
    else:
        cats["diagnostics"] = []
        cats["burnout_notes"] = []

    consents = list(Consent.objects.filter(participant=participant).order_by("received_on", "pk"))
    cats["consents"] = [
        {
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "given_by_guardian": c.given_by_guardian,
            "guardian_name": c.guardian_name,
            "received_on": c.received_on,
            "withdrawn_on": c.withdrawn_on,
            "scan": bool(c.scan),
        }
        for c in consents
    ]
    for consent in consents:
        _add_file(data, "consents", consent.scan)

    pairs = list(
        _pairs_of(participant)
        .select_related(
            "form", "kind", *(f"mentor__{p}" for p in ("staff", "student", "partner_representative"))
        )
        .order_by("pk")
    )
    pair_ids = [p.pk for p in pairs]
    mentees: dict[int, list[str]] = {}
    for link in PairMentee.objects.filter(pair_id__in=pair_ids).select_related(
        "mentee__staff", "mentee__student", "mentee__partner_representative"
    ):
        mentees.setdefault(link.pair_id, []).append(link.mentee.full_name)
    events: dict[int, list[dict[str, Any]]] = {}
    for event in PairEvent.objects.filter(pair_id__in=pair_ids).values("pair_id", "at", "description"):
        events.setdefault(event.pop("pair_id"), []).append(event)
    requests: dict[int, list[dict[str, Any]]] = {}
    for request in PairRequest.objects.filter(pair_id__in=pair_ids).values(
        "pair_id", "kind", "reason", "created_at", "status", "decision_comment"
    ):
        requests.setdefault(request.pop("pair_id"), []).append(request)
    cats["pairs"] = [
        {
            "id": p.pk,
            "role": "mentor" if participant and p.mentor_id == participant.pk else "mentee",
            "form": p.form.name,
            "kind": p.kind.name,
            "mentor": p.mentor.full_name,
            "mentees": mentees.get(p.pk, []),
            "start_date": p.start_date,
            "planned_end_date": p.planned_end_date,
            "status": p.status,
            "order_number": p.order_number,
            "order_date": p.order_date,
            "ended_on": p.ended_on,
            "end_reason": p.end_reason,
            "end_comment": p.end_comment,
            "history": events.get(p.pk, []),
            "requests": requests.get(p.pk, []),
        }
        for p in pairs
    ]

    programs = _rows(
        PersonalizedProgram.objects.filter(pair_id__in=pair_ids).order_by("pk"),
        "id",
        "pair_id",
        "title",
        "goal",
        "expected_results",
        "directions",
        "start_date",
        "end_date",
        "status",
        "ended_on",
        "end_reason",
        "end_comment",
        "mentor_report",
        "mentee_reflection",
        "best_practice_summary",
    )
    activities = list(PlanActivity.objects.filter(program__pair_id__in=pair_ids).order_by("due_date", "pk"))
    changes: dict[int, list[dict[str, Any]]] = {}
    for change in ProgramChange.objects.filter(program__pair_id__in=pair_ids).values(
        "program_id", "kind", "at", "reason", "description"
    ):
        changes.setdefault(change.pop("program_id"), []).append(change)
    by_program: dict[int, list[dict[str, Any]]] = {}
    for activity in activities:
        by_program.setdefault(activity.program_id, []).append(
            {
                "title": activity.title,
                "due_date": activity.due_date,
                "status": activity.status,
                "done_on": activity.done_on,
                "evidence_note": activity.evidence_note,
                "evidence_link": activity.evidence_link,
                "evidence_file": bool(activity.evidence_file),
            }
        )
        _add_file(data, "programs", activity.evidence_file)
    for program in programs:
        program["activities"] = by_program.get(program["id"], [])
        program["changes"] = changes.get(program["id"], [])
    cats["programs"] = programs

    entries = _rows(
        JournalEntry.objects.filter(pair_id__in=pair_ids).order_by("date", "pk"),
        "id",
        "pair_id",
        "date",
        "topic",
        "content",
        "result",
        "assignment",
        "created_at",
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for attachment in JournalAttachment.objects.filter(entry__pair_id__in=pair_ids).order_by("pk"):
        attachments.setdefault(attachment.entry_id, []).append(
            {"name": attachment.original_name, "size": attachment.size}
        )
        _add_file(data, "journal", attachment.file, _safe_name(attachment.original_name))
    for entry in entries:
        entry["attachments"] = attachments.get(entry["id"], [])
    cats["journal"] = entries

    if isinstance(person, Staff):
        routes = _rows(
            IndividualRoute.objects.filter(staff=person).order_by("start_year"),
            "id",
            "start_year",
            "end_year",
            "status",
            "desired_image",
            "strengths",
            "difficulties",
            "difficulties_comment",
            "tutor_name",
            "tutor_organization",
        )
        route_ids = [r["id"] for r in routes]
        measures: dict[int, list[dict[str, Any]]] = {}
        for measure in RouteMeasure.objects.filter(route_id__in=route_ids).order_by("pk"):
            measures.setdefault(measure.route_id, []).append(
                {
                    "school_year": measure.school_year,
                    "kind": measure.kind,
                    "title": measure.title,
                    "due_date": measure.due_date,
                    "status": measure.status,
                    "product": measure.product,
                    "product_file": bool(measure.product_file),
                }
            )
            _add_file(data, "routes", measure.product_file)
        corrections: dict[int, list[dict[str, Any]]] = {}
        for row in RouteCorrection.objects.filter(route_id__in=route_ids).values(
            "route_id", "date", "description"
        ):
            corrections.setdefault(row.pop("route_id"), []).append(row)
        reflections: dict[int, list[dict[str, Any]]] = {}
        for row in RouteReflection.objects.filter(route_id__in=route_ids).values(
            "route_id", "area__name", "text", "level_after"
        ):
            reflections.setdefault(row.pop("route_id"), []).append(row)
        for route in routes:
            route["measures"] = measures.get(route["id"], [])
            route["corrections"] = corrections.get(route["id"], [])
            route["reflections"] = reflections.get(route["id"], [])
        cats["routes"] = routes
    else:
        cats["routes"] = []

    if user is not None:
        cats["surveys"] = _rows(
            SurveyResponse.objects.filter(respondent=user, is_anonymous=False).order_by("submitted_at"),
            "kind",
            "school_year",
            "answers",
            "score",
            "submitted_at",
        )
        cats["notifications"] = _rows(
            Notification.objects.filter(user=user).order_by("created_at"),
            "kind",
            "title",
            "body",
            "created_at",
            "read_at",
            "emailed_at",
        )
    else:
        cats["surveys"] = []
        cats["notifications"] = []

    cats["documents"] = _documents_naming(person, pair_ids)
    return data


def _documents_naming(person: Person, pair_ids: list[int]) -> list[dict[str, Any]]:
    """Local acts that list the person: orders on their pairs, the curator's order, or their name in the text."""
    name = person.full_name
    rows = []
    documents = Document.objects.values(
        "pk", "kind", "title", "status", "registration_number", "approved_on", "payload", "curator_staff_id"
    ).order_by("pk")
    listed = set(Document.objects.filter(pair_rows__pair_id__in=pair_ids).values_list("pk", flat=True))
    for document in documents:
        names_person = (
            document["pk"] in listed
            or (isinstance(person, Staff) and document["curator_staff_id"] == person.pk)
            or name in json.dumps(document["payload"], ensure_ascii=False)
        )
        if names_person:
            rows.append(
                {
                    "id": document["pk"],
                    "kind": document["kind"],
                    "title": document["title"],
                    "status": document["status"],
                    "registration_number": document["registration_number"],
                    "approved_on": document["approved_on"],
                }
            )
    return rows


def _safe_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    stem = slugify(stem if dot else name, allow_unicode=True) or "file"
    return f"{stem}.{suffix.lower()}" if dot and suffix.isalnum() else stem


# --- Export ------------------------------------------------------------------------------------------


def export_filename(person: Person) -> str:
    return f"personal-data-{person_kind(person)}-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip"


def write_person_export(person: Person, target: IO[bytes], *, acting_user) -> None:
    """Write the ZIP of everything stored about the person to ``target``: a JSON file per category
    and their files.

    The records take a fixed number of queries whatever their number; the files (scans and
    attachments of at most 10 MB each) are copied into the archive in chunks and stored as they
    are — PDF, JPEG and PNG are compressed already — so neither memory nor time grows with
    recompression (docs/personal-data.md gives the measured time). ``acting_user`` is named for
    the audit trail.
    """
    data = collect_person_data(person)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        index = {
            "school": person.school.full_name,
            "person": person.full_name,
            "generated_at": timezone.now(),
            "categories": [
                {"file": f"{code}.json", "title": title, "records": count}
                for code, title, count in data.counts()
            ],
            "files": [name for name, _file in data.files],
        }
        archive.writestr("index.json", _json(index))
        for code, _title in CATEGORIES:
            archive.writestr(f"{code}.json", _json(data.categories[code]))
        for name, file in data.files:
            try:
                with file.open("rb") as source:
                    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
                    info.compress_type = zipfile.ZIP_STORED
                    with archive.open(info, "w", force_zip64=True) as sink:
                        shutil.copyfileobj(source, sink, CHUNK)
            except FileNotFoundError:
                archive.writestr(f"{name}.missing.txt", _("Файл не найден в хранилище."))


def export_person(person: Person, *, acting_user) -> bytes:
    """The same ZIP in memory (for tests and small exports); the page streams it from a temporary file."""
    buffer = io.BytesIO()
    write_person_export(person, buffer, acting_user=acting_user)
    return buffer.getvalue()


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# --- Anonymisation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnonymisationResult:
    placeholder: str
    files_deleted: int
    account: str  # "anonymised", "kept" (the account works elsewhere) or "none"


def placeholder_name(number: int) -> str:
    return _("Удалённый участник №%(n)s") % {"n": number}


def confirmation_matches(person: Person, typed: str) -> bool:
    """The curator retyped the person's full name (spaces and letter case do not matter)."""
    return " ".join(typed.split()).casefold() == " ".join(person.full_name.split()).casefold()


_VOWELS = "аяеёиоуыэюьй"


def _declined(word: str) -> str:
    """A regex for a Russian name in any case: its stem and an ending of up to three letters.

    «Соколова» is also «Соколовой», «Павловна» also «Павловны»: the trailing vowels (at most two)
    are cut so that the endings of the other cases match.
    """
    return rf"{re.escape(_stem(word))}\w{{0,3}}"


def _stem(word: str) -> str:
    stem, cut = word, 0
    while len(stem) > 3 and stem[-1].lower() in _VOWELS and cut < 2:
        stem, cut = stem[:-1], cut + 1
    return stem


def _name_patterns(person: Person) -> list[re.Pattern[str]]:
    """Forms in which the name appears in texts, in any case: the full name in either order,
    «Фамилия И. О.», «И. О. Фамилия», and the surname alone — longest first."""
    last = _declined(person.last_name)
    first = _declined(person.first_name) if person.first_name else ""
    middle = _declined(person.patronymic) if person.patronymic else ""
    letters = [p[0] for p in (person.first_name, person.patronymic) if p]
    initials = r"\s*".join(rf"{re.escape(i)}\." for i in letters)
    forms = []
    if first:
        forms += [
            rf"{last}\s+{first}" + (rf"(?:\s+{middle})?" if middle else ""),
            rf"{first}" + (rf"(?:\s+{middle})?" if middle else "") + rf"\s+{last}",
        ]
    if initials:
        forms += [rf"{last}\s+{initials}", rf"{initials}\s*{last}"]
    forms.append(last)
    return [re.compile(rf"(?<!\w){form}(?!\w)", re.IGNORECASE) for form in forms]


def _scrub(text: str, patterns: list[re.Pattern[str]], placeholder: str) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda _match: placeholder, text)
    return text


def _scrub_rows(queryset: QuerySet, fields: Iterable[str], patterns, placeholder: str, stem: str) -> None:
    """Replace the name in free-text fields with ``update()``, so that no «changed at» moves."""
    fields = list(fields)
    lookup = Q()
    for name in fields:
        lookup |= Q(**{f"{name}__icontains": stem})
    for row in queryset.filter(lookup).values("pk", *fields):
        changes = {name: _scrub(row[name], patterns, placeholder) for name in fields if row[name]}
        changes = {name: value for name, value in changes.items() if value != row[name]}
        if changes:
            queryset.model.objects.filter(pk=row["pk"]).update(**changes)


def _delete_files_after_commit(names: list[str]) -> None:
    """Files go once the anonymisation is certain (a rollback keeps rows and files)."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def anonymise_person(person: Person, *, acting_user, confirmation: str) -> AnonymisationResult:
    """Replace the person's names, contacts and birth date with «Удалённый участник №N», delete their files.

    Rows stay — the person still counts in the school's numbers (pairs, programs, the mentor base,
    diagnostics, surveys), which is why only the attributes the indicators need are kept: the year
    of birth, experience, hire date, category and employment status of a teacher (see
    docs/personal-data.md). Irreversible, so the caller passes the full name as the user typed it.
    """
    if not confirmation_matches(person, confirmation):
        raise PersonalDataError(
            {
                "confirmation": [
                    _("Для подтверждения введите полностью: %(name)s.") % {"name": person.full_name}
                ]
            }
        )
    School.objects.select_for_update().filter(pk=person.school_id).first()
    model = type(person)
    person = model.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_on is not None:
        raise PersonalDataError(
            _("Данные уже обезличены %(date)s.") % {"date": person.anonymised_on.strftime("%d.%m.%Y")}
        )
    participant = _existing_participant(person)
    open_pairs = list(_pairs_of(participant).filter(status__in=OPEN_PAIR_STATUSES).order_by("pk"))
    if open_pairs:
        raise PersonalDataError(
            _(
                "%(name)s участвует в открытых парах (№ %(pairs)s). Сначала завершите или прекратите их, "
                "черновики удалите — затем обезличьте данные."
            )
            % {"name": person.full_name, "pairs": ", ".join(str(p.pk) for p in open_pairs)}
        )

    number = sum(m.objects.filter(anonymised_on__isnull=False).count() for m in PERSON_MODELS.values()) + 1
    placeholder = placeholder_name(number)
    patterns = _name_patterns(person)
    last_name = _stem(person.last_name)  # what every text that names the person contains
    files: list[str] = []
    pair_ids = list(_pairs_of(participant).values_list("pk", flat=True))

    # Free texts that may name the person: the pairs' history, requests, programs, the journal.
    _scrub_rows(
        PairEvent.objects.filter(pair_id__in=pair_ids), ["description"], patterns, placeholder, last_name
    )
    _scrub_rows(
        PairRequest.objects.filter(pair_id__in=pair_ids),
        ["reason", "decision_comment"],
        patterns,
        placeholder,
        last_name,
    )
    _scrub_rows(
        MentoringPair.objects.filter(pk__in=pair_ids), ["end_comment"], patterns, placeholder, last_name
    )
    _scrub_rows(
        PersonalizedProgram.objects.filter(pair_id__in=pair_ids),
        [
            "title",
            "goal",
            "expected_results",
            "directions",
            "end_comment",
            "mentor_report",
            "mentee_reflection",
            "best_practice_summary",
        ],
        patterns,
        placeholder,
        last_name,
    )
    _scrub_rows(
        ProgramChange.objects.filter(program__pair_id__in=pair_ids),
        ["reason", "description"],
        patterns,
        placeholder,
        last_name,
    )
    _scrub_rows(
        PlanActivity.objects.filter(program__pair_id__in=pair_ids),
        ["title", "evidence_note"],
        patterns,
        placeholder,
        last_name,
    )
    _scrub_rows(
        JournalEntry.objects.filter(pair_id__in=pair_ids),
        ["topic", "content", "result", "assignment"],
        patterns,
        placeholder,
        last_name,
    )
    # Drafts of documents are rebuilt from data; approved ones are legal records and stay as signed.
    for document in (
        Document.objects.exclude(status=DocumentStatus.APPROVED)
        .filter(payload__isnull=False)
        .values("pk", "payload")
    ):
        text = json.dumps(document["payload"], ensure_ascii=False)
        if last_name.casefold() in text.casefold():
            scrubbed = _scrub(text, patterns, placeholder)
            Document.objects.filter(pk=document["pk"]).update(payload=json.loads(scrubbed))

    # Their files: consent scans; in the pairs where they are a mentee, the journal's attachments and
    # the products of the program (their own development); in pairs they lead, only what they
    # attached themselves — the mentees' products are the mentees' data and stay.
    for consent in Consent.objects.filter(participant=participant).exclude(scan=""):
        files.append(consent.scan.name)
    Consent.objects.filter(participant=participant).update(scan="", guardian_name="")
    as_mentee = list(
        PairMentee.objects.filter(mentee=participant, pair_id__in=pair_ids).values_list("pair_id", flat=True)
    )
    own = Q(entry__pair_id__in=as_mentee)
    if getattr(person, "user_id", None):
        own |= Q(entry__pair_id__in=pair_ids, entry__author_id=person.user_id)
    attachments = JournalAttachment.objects.filter(own)
    # Rows whose values are cleared below: their audit entries (the old values) are masked at the end.
    cleared: list[Any] = list(attachments)
    files += [a.file.name for a in cleared if a.file]
    attachments.delete()
    products = PlanActivity.objects.filter(program__pair_id__in=as_mentee).exclude(
        evidence_file="", evidence_link=""
    )
    cleared += list(products)
    files += [a.evidence_file.name for a in cleared if isinstance(a, PlanActivity) and a.evidence_file]
    products.update(evidence_file="", evidence_link="")

    if isinstance(person, Staff):
        routes = IndividualRoute.objects.filter(staff=person)
        for row_model, lookup in (
            (DifficultyAssessment, {"staff": person}),
            (BurnoutNote, {"staff": person}),
            (IndividualRoute, {"staff": person}),
            (RouteMeasure, {"route__in": routes}),
            (RouteCorrection, {"route__in": routes}),
            (RouteReflection, {"route__in": routes}),
        ):
            cleared += list(row_model.objects.filter(**lookup))
        DifficultyAssessment.objects.filter(staff=person).update(comment="")
        BurnoutNote.objects.filter(staff=person).update(comment="")
        for measure in RouteMeasure.objects.filter(route__in=routes).exclude(product_file=""):
            files.append(measure.product_file.name)
        RouteMeasure.objects.filter(route__in=routes).update(product_file="", product="")
        removed = _("Текст удалён при обезличивании.")
        RouteCorrection.objects.filter(route__in=routes).update(description=removed)
        RouteReflection.objects.filter(route__in=routes).update(text=removed)
        routes.update(
            desired_image="", strengths="", difficulties_comment="", tutor_name="", tutor_organization=""
        )
    if participant is not None:
        MentorProfile.objects.filter(participant=participant).update(
            portfolio="", questionnaire={}, tags="", subjects="", is_active=False
        )

    account = _anonymise_account(person, number)

    fields: dict[str, Any] = {
        "last_name": _("Удалённый участник"),
        "first_name": _("№%(n)s") % {"n": number},
        "patronymic": "",
        "email": "",
        "anonymised_on": timezone.localdate(),
    }
    if isinstance(person, Staff):
        fields |= {"user": None, "subjects": "", "position": _("педагогический работник")}
    elif isinstance(person, Student):
        # The year of birth stays (age groups); the day and month go.
        fields |= {
            "user": None,
            "birth_date": date(person.birth_date.year, 1, 1),
            "guardian_name": "",
            "guardian_phone": "",
            "guardian_email": "",
        }
    else:
        fields |= {"position": "", "phone": ""}
    model.objects.filter(pk=person.pk).update(**fields)
    # The audit trail keeps the old values of these rows' changes: they are masked too.
    traced: list[Any] = (
        [person, *Consent.objects.filter(participant=participant)] if participant else [person]
    )
    if participant is not None:
        traced += [participant, *MentorProfile.objects.filter(participant=participant)]
    traced += cleared
    user = getattr(person, "user", None)
    if user is not None:
        traced.append(user)
    audit.forget(traced, user=user, placeholder=placeholder)
    # Entries about other rows name the person too (a pair is «наставник — наставляемый»).
    _scrub_rows(AuditEntry.objects.all(), ["object_repr", "changes_text"], patterns, placeholder, last_name)
    entries = AuditEntry.objects.exclude(changes=None)
    if connection.vendor == "postgresql":  # jsonb read as text; SQLite stores \u escapes: read all
        entries = entries.filter(changes__icontains=last_name)
    for entry in entries.values("pk", "changes").iterator():
        text = json.dumps(entry["changes"], ensure_ascii=False)
        if last_name.casefold() in text.casefold():
            scrubbed = json.loads(_scrub(text, patterns, placeholder))
            AuditEntry.objects.filter(pk=entry["pk"]).update(changes=scrubbed)
    _delete_files_after_commit(files)
    return AnonymisationResult(placeholder=placeholder, files_deleted=len(files), account=account)


def _anonymise_account(person: Person, number: int) -> str:
    """The person's account: this school's roles and notifications go; the account itself is
    anonymised and switched off unless it still works in another school (whose data this school
    does not control)."""
    user: User | None = getattr(person, "user", None)
    if user is None:
        return "none"
    Membership.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    # Named answers stay in the school's numbers, without the link to the person.
    SurveyResponse.objects.filter(respondent=user).update(respondent=None)
    if user.is_superuser or user_has_places_outside(user.pk, person.school_id):
        return "kept"
    user.username = f"deleted-{user.pk}"
    user.last_name = _("Удалённый участник")
    user.first_name = _("№%(n)s") % {"n": number}
    user.patronymic = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=["username", "last_name", "first_name", "patronymic", "email", "is_active", "password"]
    )
    return "anonymised"


# --- Consent withdrawal ------------------------------------------------------------------------------


def withdraw_consent(person: Person, *, on: date, acting_user, given_on: date | None = None) -> Consent:
    """The person withdrew consent to the processing of their personal data (152-ФЗ, ст. 9 ч. 2)."""
    if getattr(person, "anonymised_on", None) is not None:
        raise PersonalDataError(_("Данные этого человека обезличены: отзыв согласия уже не нужен."))
    with transaction.atomic():
        participant = participant_for(person)
        return withdraw_processing_consent(participant, on=on, acting_user=acting_user, given_on=given_on)


# --- Reads for the pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentState:
    withdrawn_on: date | None  # processing stopped since this day
    valid: list[Consent]


def consent_state(person: Person) -> ConsentState:
    participant = _existing_participant(person)
    if participant is None:
        return ConsentState(withdrawn_on=None, valid=[])
    valid = list(Consent.objects.filter(participant=participant, withdrawn_on__isnull=True).order_by("kind"))
    withdrawn_on = None
    if processing_stopped().filter(pk=participant.pk).exists():
        withdrawn_on = (
            Consent.objects.filter(participant=participant, kind=ConsentKind.PERSONAL_DATA)
            .order_by("-withdrawn_on")
            .values_list("withdrawn_on", flat=True)
            .first()
        )
    return ConsentState(withdrawn_on=withdrawn_on, valid=valid)


@dataclass(frozen=True)
class Withdrawal:
    consent: Consent
    person: Person
    kind: str
    open_pairs: list[int]
    stopped: bool  # no valid consent to personal data was recorded after it


def consent_withdrawals() -> list[Withdrawal]:
    """Withdrawn consents to personal data processing in the school, newest first (three queries)."""
    consents = list(
        Consent.objects.filter(kind=ConsentKind.PERSONAL_DATA, withdrawn_on__isnull=False)
        .select_related("participant__staff", "participant__student", "participant__partner_representative")
        .order_by("-withdrawn_on", "-pk")
    )
    participant_ids = {c.participant_id for c in consents}
    stopped = set(processing_stopped().filter(pk__in=participant_ids).values_list("pk", flat=True))
    open_pairs: dict[int, set[int]] = {}
    for mentor_id, mentee_id, pair_id in MentoringPair.objects.filter(
        Q(mentor_id__in=participant_ids) | Q(mentee_links__mentee_id__in=participant_ids),
        status__in=OPEN_PAIR_STATUSES,
    ).values_list("mentor_id", "mentee_links__mentee_id", "pk"):
        for who in (mentor_id, mentee_id):
            if who in participant_ids:
                open_pairs.setdefault(who, set()).add(pair_id)
    return [
        Withdrawal(
            consent=c,
            person=c.participant.person,
            kind=person_kind(c.participant.person),
            open_pairs=sorted(open_pairs.get(c.participant_id, ())),
            stopped=c.participant_id in stopped,
        )
        for c in consents
    ]


__all__ = [
    "CATEGORIES",
    "PERSON_MODELS",
    "AnonymisationResult",
    "PersonalDataError",
    "anonymise_person",
    "collect_person_data",
    "consent_state",
    "consent_withdrawals",
    "export_person",
    "withdraw_consent",
]
