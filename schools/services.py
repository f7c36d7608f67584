"""Writes of the school registries: staff, students, partner organisations and their people.

Every change to these registries goes through a function here, so the same rules hold whether the
data comes from a form or, row by row, from an import: the model's own validation, the registry
rules below, and one record per person (a namesake with the same birth date is the same person:
that is also how an import recognises them, see docs/import-formats.md).

The rule functions (``*_rule_errors``, ``student_warnings``) are pure, so forms and the import
preview can show the same messages before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import PartnerOrganization, PartnerRepresentative, School, Staff, Student

MIN_BIRTH_YEAR = 1920
MIN_STAFF_AGE = 16
MAX_EXPERIENCE_YEARS = 70
MIN_STUDENT_BIRTH_YEAR = 1900
MENTORING_MIN_AGE = 10
ADULT_AGE = 18

Errors = dict[str, list[str]]
M = TypeVar("M", bound=models.Model)

STAFF_FIELDS = frozenset(
    {
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
    }
)
STUDENT_FIELDS = frozenset(
    {
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
    }
)
PARTNER_FIELDS = frozenset({"name", "kind", "inn", "address", "phone", "email", "website", "agreement"})
REPRESENTATIVE_FIELDS = frozenset(
    {"organization", "last_name", "first_name", "patronymic", "position", "email", "phone"}
)


_YO_AS_YE = {0x0451: 0x0435}  # ё → е, by code point: a Cyrillic literal would read as interface text


def normalize(value: Any) -> str:
    """Text compared the way people read it: letter case, «ё» and repeated spaces do not matter."""
    return " ".join(str(value).split()).casefold().translate(_YO_AS_YE)


# --- Rules ---------------------------------------------------------------------------------------


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def staff_rule_errors(staff: Staff, *, today: date | None = None) -> Errors:
    """Values a form field cannot judge alone: a plausible year of birth and length of service."""
    today = _today(today)
    errors: Errors = defaultdict(list)
    latest_year = today.year - MIN_STAFF_AGE
    if staff.birth_year is not None and not MIN_BIRTH_YEAR <= staff.birth_year <= latest_year:
        errors["birth_year"].append(
            _("Год рождения должен быть от %(min)s до %(max)s.") % {"min": MIN_BIRTH_YEAR, "max": latest_year}
        )
    if staff.experience_years is not None and staff.experience_years > MAX_EXPERIENCE_YEARS:
        errors["experience_years"].append(
            _("Педагогический стаж не может быть больше %(max)s лет.") % {"max": MAX_EXPERIENCE_YEARS}
        )
    if staff.hire_date and staff.returned_after_break_on and staff.returned_after_break_on < staff.hire_date:
        errors["returned_after_break_on"].append(
            _("Дата выхода после перерыва не может быть раньше даты приёма.")
        )
    return dict(errors)


def student_rule_errors(student: Student, *, today: date | None = None) -> Errors:
    today = _today(today)
    errors: Errors = defaultdict(list)
    if student.birth_date:
        if student.birth_date > today:
            errors["birth_date"].append(_("Дата рождения не может быть в будущем."))
        elif student.birth_date.year < MIN_STUDENT_BIRTH_YEAR:
            errors["birth_date"].append(_("Проверьте дату рождения: год раньше 1900."))
    return dict(errors)


def student_warnings(student: Student, *, today: date | None = None) -> list[str]:
    """What does not stop saving but a curator must act on before the student takes part.

    The age limit is a warning, not an error: the registry lists every student, and only
    participants of a program must be at least ten (the target model's age range).
    """
    today = _today(today)
    if not student.birth_date or student.birth_date > today:
        return []
    warnings = []
    age = student.age_on(today)
    if age < ADULT_AGE and not student.guardian_name.strip():
        warnings.append(
            _(
                "Обучающийся несовершеннолетний, а законный представитель не указан: без письменного "
                "согласия законного представителя участие в наставничестве невозможно."
            )
        )
    if age < MENTORING_MIN_AGE:
        warnings.append(_("Участником наставничества может быть обучающийся не младше 10 лет."))
    return warnings


def partner_rule_errors(partner: PartnerOrganization, *, today: date | None = None) -> Errors:
    inn = partner.inn.strip()
    if inn and not (inn.isdigit() and len(inn) in (10, 12)):
        return {"inn": [_("ИНН состоит из 10 цифр (организация) или 12 цифр (ИП).")]}
    return {}


def representative_rule_errors(representative: PartnerRepresentative, *, today: date | None = None) -> Errors:
    organization = representative.organization if representative.organization_id else None
    if organization is not None and organization.school_id != representative.school_id:
        return {"organization": [_("Выберите организацию-партнёра своей школы.")]}
    return {}


# --- One record per person -----------------------------------------------------------------------


def _others(instance: models.Model) -> models.QuerySet:
    others = type(instance).objects.filter(school_id=instance.school_id)
    return others.exclude(pk=instance.pk) if instance.pk else others


def _same_name(a: Any, b: Any) -> bool:
    return all(
        normalize(getattr(a, f)) == normalize(getattr(b, f))
        for f in ("last_name", "first_name", "patronymic")
    )


def staff_duplicate_errors(staff: Staff) -> Errors:
    # Compared in Python: SQLite cannot fold the case of Cyrillic letters, PostgreSQL could.
    for other in (
        _others(staff).filter(birth_year=staff.birth_year).only("last_name", "first_name", "patronymic")
    ):
        if _same_name(other, staff):
            return {
                NON_FIELD_ERRORS: [
                    _(
                        "Педагог «%(name)s» с тем же годом рождения уже есть в базе. "
                        "Если это другой человек, укажите год рождения."
                    )
                    % {"name": other.full_name}
                ]
            }
    return {}


def student_duplicate_errors(student: Student) -> Errors:
    for other in (
        _others(student).filter(birth_date=student.birth_date).only("last_name", "first_name", "patronymic")
    ):
        if _same_name(other, student):
            return {
                NON_FIELD_ERRORS: [
                    _("Обучающийся «%(name)s» с той же датой рождения уже есть в базе.")
                    % {"name": other.full_name}
                ]
            }
    return {}


def partner_duplicate_errors(partner: PartnerOrganization) -> Errors:
    wanted = normalize(partner.name)
    for name in _others(partner).values_list("name", flat=True):
        if normalize(name) == wanted:
            return {"name": [_("Организация «%(name)s» уже есть среди партнёров.") % {"name": name}]}
    return {}


def _no_duplicates(instance: models.Model) -> Errors:
    return {}


RULES: dict[type[models.Model], tuple[Callable[..., Errors], Callable[[Any], Errors]]] = {
    Staff: (staff_rule_errors, staff_duplicate_errors),
    Student: (student_rule_errors, student_duplicate_errors),
    PartnerOrganization: (partner_rule_errors, partner_duplicate_errors),
    PartnerRepresentative: (representative_rule_errors, _no_duplicates),
}


def validation_errors(instance: models.Model, *, exclude: Iterable[str] = ()) -> Errors:
    """All problems of an unsaved instance: model validation, registry rules, duplicates.

    ``exclude``: fields already known to be wrong (a form's parse errors); they are not checked
    again, and a record with wrong fields is not compared with others.
    """
    excluded = set(exclude)
    errors: Errors = defaultdict(list)
    try:
        # The account link is not edited here; uniqueness is the duplicate check below.
        instance.full_clean(exclude=["user", *excluded], validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors[field].extend(messages)
    rules, duplicates = RULES[type(instance)]
    for field, messages in rules(instance).items():
        if field not in excluded:
            errors[field].extend(messages)
    if not errors and not excluded:
        for field, messages in duplicates(instance).items():
            errors[field].extend(messages)
    return dict(errors)


# --- Writes --------------------------------------------------------------------------------------


def _assign(instance: M, fields: dict[str, Any], allowed: frozenset[str]) -> M:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _save(instance: M) -> M:
    errors = validation_errors(instance)
    if errors:
        raise ValidationError(errors)
    instance.save()
    return instance


@transaction.atomic
def create_staff(*, school: School, **fields: Any) -> Staff:
    return _save(_assign(Staff(school=school), fields, STAFF_FIELDS))


@transaction.atomic
def update_staff(*, staff: Staff, **fields: Any) -> Staff:
    return _save(_assign(staff, fields, STAFF_FIELDS))


@transaction.atomic
def create_student(*, school: School, **fields: Any) -> Student:
    return _save(_assign(Student(school=school), fields, STUDENT_FIELDS))


@transaction.atomic
def update_student(*, student: Student, **fields: Any) -> Student:
    return _save(_assign(student, fields, STUDENT_FIELDS))


@transaction.atomic
def create_partner(*, school: School, **fields: Any) -> PartnerOrganization:
    return _save(_assign(PartnerOrganization(school=school), fields, PARTNER_FIELDS))


@transaction.atomic
def update_partner(*, partner: PartnerOrganization, **fields: Any) -> PartnerOrganization:
    return _save(_assign(partner, fields, PARTNER_FIELDS))


@transaction.atomic
def create_representative(*, organization: PartnerOrganization, **fields: Any) -> PartnerRepresentative:
    """A representative belongs to the school of their organisation."""
    representative = PartnerRepresentative(school_id=organization.school_id, organization=organization)
    return _save(_assign(representative, fields, REPRESENTATIVE_FIELDS - {"organization"}))


@transaction.atomic
def update_representative(*, representative: PartnerRepresentative, **fields: Any) -> PartnerRepresentative:
    return _save(_assign(representative, fields, REPRESENTATIVE_FIELDS))
