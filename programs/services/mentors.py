"""Writes of the mentor base: profiles, competencies, the questionnaire, and the yearly mentor registry.

The questionnaire «Чем я могу быть полезен как наставник» is described once here (``QUESTIONS``): the
forms build their fields from it, the pages show the answers with it, and the stored JSON keeps
only stable codes, so the wording may change without touching the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    DifficultyArea,
    MentorCompetency,
    MentorProfile,
    MentorRegistry,
    TrainingStatus,
)
from programs.services.participants import participant_for
from schools import audit
from schools.models import PartnerRepresentative, School, Staff, Student, User

# --- The questionnaire -----------------------------------------------------------------------------

TEXT = "text"
CHOICE = "choice"
MULTIPLE = "multiple"
YES_NO = "yes_no"
AREAS = "areas"  # several difficulty areas, stored by their codes


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str
    choices: tuple[tuple[Any, str], ...] = ()
    help_text: str = ""
    main: bool = False  # required when the mentor fills the questionnaire in their cabinet


QUESTIONS: tuple[Question, ...] = (
    Question(
        "strengths",
        gettext_lazy("В чём вы чувствуете себя наиболее сильным педагогом?"),
        TEXT,
        help_text=gettext_lazy("Например: подготовка к ОГЭ, работа с родителями, проектная деятельность"),
        main=True,
    ),
    Question(
        "help_with",
        gettext_lazy("С какими затруднениями коллег вы готовы помочь?"),
        AREAS,
        main=True,
    ),
    Question(
        "format",
        gettext_lazy("Какой формат работы вам удобен?"),
        CHOICE,
        choices=(
            ("in_person", gettext_lazy("очно")),
            ("remote", gettext_lazy("дистанционно")),
            ("mixed", gettext_lazy("очно и дистанционно")),
        ),
        main=True,
    ),
    Question(
        "hours_per_week",
        gettext_lazy("Сколько времени в неделю вы готовы уделять наставничеству?"),
        CHOICE,
        choices=(
            (1, gettext_lazy("около 1 часа")),
            (2, gettext_lazy("около 2 часов")),
            (3, gettext_lazy("около 3 часов")),
            (4, gettext_lazy("4 часа и больше")),
        ),
        main=True,
    ),
    Question("has_experience", gettext_lazy("Есть ли у вас опыт наставничества?"), YES_NO, main=True),
    Question(
        "mentee_kinds",
        gettext_lazy("С кем вам интереснее работать?"),
        MULTIPLE,
        choices=(
            ("young", gettext_lazy("с молодыми специалистами")),
            ("new", gettext_lazy("с педагогами, новыми в коллективе")),
            ("after_break", gettext_lazy("с педагогами после перерыва в работе")),
            ("no_ped_education", gettext_lazy("с педагогами без педагогического образования")),
            ("students", gettext_lazy("с обучающимися")),
        ),
    ),
    Question(
        "expectations",
        gettext_lazy("Что вы хотели бы получить от наставничества сами?"),
        TEXT,
        help_text=gettext_lazy("Например: новый опыт, признание, развитие собственных компетенций"),
    ),
)
QUESTION_BY_CODE = {q.code: q for q in QUESTIONS}
# Who filled the questionnaire last and when: kept next to the answers in the same JSON object.
META_UPDATED_AT = "updated_at"
META_UPDATED_BY = "updated_by"
META_BY_SELF = "by_self"


@dataclass(frozen=True)
class Answer:
    question: Question
    display: str


def _display(question: Question, value: Any, area_names: Mapping[str, str]) -> str:
    """The answer as a person reads it; unknown stored values (older data) are shown as they are."""
    if value in (None, "", [], ()):
        return ""
    if question.kind == YES_NO:
        return str(_("да") if value else _("нет"))
    if question.kind == AREAS:
        return ", ".join(area_names.get(code, str(code)) for code in value)
    labels = {str(code): str(label) for code, label in question.choices}
    if question.kind == MULTIPLE:
        return ", ".join(labels.get(str(code), str(code)) for code in value)
    if question.kind == CHOICE:
        return labels.get(str(value), str(value))
    return str(value)


def questionnaire_answers(profile: MentorProfile) -> list[Answer]:
    """The answered questions of a profile, in the questionnaire's order."""
    stored = profile.questionnaire or {}
    area_names = {a.code: a.name for a in DifficultyArea.objects.all()} if "help_with" in stored else {}
    answers = []
    for question in QUESTIONS:
        display = _display(question, stored.get(question.code), area_names)
        if display:
            answers.append(Answer(question=question, display=display))
    return answers


def questionnaire_is_filled(profile: MentorProfile) -> bool:
    stored = profile.questionnaire or {}
    return any(stored.get(q.code) not in (None, "", []) for q in QUESTIONS)


def clean_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only known questions, empty answers dropped: what is stored in ``MentorProfile.questionnaire``."""
    cleaned: dict[str, Any] = {}
    for question in QUESTIONS:
        value = answers.get(question.code)
        if value in (None, "", [], ()):
            continue
        if question.kind == CHOICE and question.choices and isinstance(question.choices[0][0], int):
            value = int(value)
        elif question.kind in (MULTIPLE, AREAS):
            value = list(value)
        elif question.kind == YES_NO:
            value = bool(value)
        cleaned[question.code] = value
    return cleaned


# --- Mentor profiles -------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "capacity",
    "subjects",
    "tags",
    "training_status",
    "course_completed_on",
    "portfolio",
    "volunteered_on",
    "is_active",
)
COURSE_STATUSES = (TrainingStatus.COURSE, TrainingStatus.BOTH)


def _check_profile_fields(fields: Mapping[str, Any]) -> None:
    """The rules the database and the forms both rely on, checked once more for every caller."""
    capacity = fields.get("capacity", MentorProfile.DEFAULT_CAPACITY)
    if not 1 <= capacity <= 10:
        raise ValidationError({"capacity": _("Наставник может вести от 1 до 10 наставляемых одновременно.")})
    if fields.get("training_status") in COURSE_STATUSES and not fields.get("course_completed_on"):
        raise ValidationError({"course_completed_on": _("Укажите дату окончания курса.")})


def _set_competencies(profile: MentorProfile, competencies: Mapping[int, int | None]) -> None:
    """Replace the profile's competencies: ``{area id: level 1–3 or None for «нет»}``."""
    MentorCompetency.objects.filter(profile=profile).delete()
    MentorCompetency.objects.bulk_create(
        [
            MentorCompetency(profile=profile, area_id=area_id, level=level)
            for area_id, level in sorted(competencies.items())
            if level
        ]
    )


def _with_meta(answers: Mapping[str, Any], *, acting_user: User, by_self: bool) -> dict[str, Any]:
    stored = clean_answers(answers)
    stored[META_UPDATED_AT] = timezone.now().isoformat(timespec="seconds")
    stored[META_UPDATED_BY] = acting_user.short_name
    stored[META_BY_SELF] = by_self
    return stored


@transaction.atomic
def create_mentor(
    *,
    person: Staff | Student | PartnerRepresentative,
    fields: Mapping[str, Any],
    competencies: Mapping[int, int | None],
    answers: Mapping[str, Any] | None = None,
    acting_user: User,
) -> MentorProfile:
    """Add a volunteer to the school's mentor base (a teacher, a student or a partner's representative)."""
    _check_profile_fields(fields)
    participant = participant_for(person)
    if MentorProfile.objects.filter(participant=participant).exists():
        raise ValidationError(_("Этот человек уже есть в базе наставников."))
    profile = MentorProfile(
        school_id=participant.school_id,
        participant=participant,
        **{k: v for k, v in fields.items() if k in PROFILE_FIELDS},
    )
    if profile.training_status not in COURSE_STATUSES:
        profile.course_completed_on = None
    if answers and clean_answers(answers):
        profile.questionnaire = _with_meta(answers, acting_user=acting_user, by_self=False)
    profile.save()
    _set_competencies(profile, competencies)
    return profile


@transaction.atomic
def update_mentor(
    *,
    profile: MentorProfile,
    fields: Mapping[str, Any],
    competencies: Mapping[int, int | None],
    answers: Mapping[str, Any] | None = None,
    acting_user: User,
) -> MentorProfile:
    """Change a mentor's profile; the questionnaire is rewritten only when its answers changed."""
    _check_profile_fields(fields)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    if profile.training_status not in COURSE_STATUSES:
        profile.course_completed_on = None
    if answers is not None:
        old = clean_answers(profile.questionnaire or {})
        if clean_answers(answers) != old:
            profile.questionnaire = _with_meta(answers, acting_user=acting_user, by_self=False)
    profile.save()
    _set_competencies(profile, competencies)
    return profile


@transaction.atomic
def save_questionnaire(
    *, profile: MentorProfile, answers: Mapping[str, Any], acting_user: User
) -> MentorProfile:
    """The mentor's own answers; marks that the mentor (not the curator) filled them."""
    by_self = profile.participant.user_id_of_person == acting_user.pk
    profile.questionnaire = _with_meta(answers, acting_user=acting_user, by_self=by_self)
    profile.save(update_fields=["questionnaire"])
    return profile


# --- The mentor registry of a school year ----------------------------------------------------------

EDITABLE_REGISTRY_STATUSES = (MentorRegistry.Status.DRAFT, MentorRegistry.Status.RETURNED)


def registry_is_editable(registry: MentorRegistry | None) -> bool:
    return registry is None or registry.status in EDITABLE_REGISTRY_STATUSES


@transaction.atomic
def save_registry(
    *, school: School, school_year: int, mentors: Iterable[MentorProfile], acting_user: User
) -> MentorRegistry:
    """Set which mentors the registry of the year includes (a draft, or a registry returned by the director).

    An approved registry is a fixed document: a later change needs a new version with a new order,
    which comes with the documents feature.
    """
    registry, _created = MentorRegistry.objects.select_for_update().get_or_create(
        school=school, school_year=school_year
    )
    if not registry_is_editable(registry):
        raise ValidationError(_("Реестр отправлен на утверждение или утверждён — изменить его нельзя."))
    mentors = list(mentors)
    if any(m.school_id != school.pk or not m.is_active for m in mentors):
        raise ValidationError(_("В реестр включаются только действующие наставники организации."))
    registry.mentors.set(mentors)
    return registry


@transaction.atomic
def submit_registry(*, registry: MentorRegistry, acting_user: User) -> MentorRegistry:
    """Send the registry to the director; it cannot change while the director decides."""
    registry = MentorRegistry.objects.select_for_update().get(pk=registry.pk)
    if registry.status not in EDITABLE_REGISTRY_STATUSES:
        raise ValidationError(_("Реестр уже отправлен на утверждение или утверждён."))
    if not registry.mentors.exists():
        raise ValidationError(_("Включите в реестр хотя бы одного наставника."))
    registry.status = MentorRegistry.Status.SUBMITTED
    registry.submitted_at = timezone.now()
    registry.save(update_fields=["status", "submitted_at"])
    return registry


@transaction.atomic
def decide_registry(
    *, registry: MentorRegistry, approve: bool, comment: str = "", acting_user: User
) -> MentorRegistry:
    """The director approves the registry or returns it to the curator with a comment."""
    registry = MentorRegistry.objects.select_for_update().get(pk=registry.pk)
    if registry.status != MentorRegistry.Status.SUBMITTED:
        raise ValidationError(_("Решение принимается только по реестру, отправленному на утверждение."))
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError(
            {"comment": _("Напишите, что нужно исправить: без комментария реестр не вернуть.")}
        )
    registry.status = MentorRegistry.Status.APPROVED if approve else MentorRegistry.Status.RETURNED
    registry.decided_by = acting_user
    registry.decided_at = timezone.now()
    registry.director_comment = comment
    registry.save(update_fields=["status", "decided_by", "decided_at", "director_comment"])
    audit.record(audit.Action.APPROVE if approve else audit.Action.RETURN, obj=registry, actor=acting_user)
    return registry
