"""Changing the school's mentoring settings (the decisions the Regulation and the orders are built from).

The settings are read with ``programs.services.documents.settings_of``; this module writes them.
Every rule is checked here and broken rules come back as one ``ValidationError`` keyed by field,
in Russian, naming the field, so the page shows each message under its input. Drafts already made
keep their text: a refresh of a draft picks the new settings up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programs.models import MentoringForm, MentoringKind, MentoringSettings, RoleModel
from programs.services.documents import settings_of
from schools.models import EmploymentStatus, School, Staff, User

MIN_MONTHS, MAX_MONTHS = 1, 36
# A monitoring date recurs every year, so 29 February (absent three years in four) is refused.
_NON_LEAP_YEAR = 2001


def _months_errors(minimum: int | None, maximum: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if minimum is None or not MIN_MONTHS <= minimum <= MAX_MONTHS:
        errors["program_min_months"] = [
            _("Наименьший срок программы — от %(lo)s до %(hi)s месяцев.")
            % {"lo": MIN_MONTHS, "hi": MAX_MONTHS}
        ]
    if maximum is None or not MIN_MONTHS <= maximum <= MAX_MONTHS:
        errors["program_max_months"] = [
            _("Наибольший срок программы — от %(lo)s до %(hi)s месяцев.")
            % {"lo": MIN_MONTHS, "hi": MAX_MONTHS}
        ]
    if not errors and minimum > maximum:  # type: ignore[operator]
        errors["program_max_months"] = [
            _("Наибольший срок программы (%(max)s мес.) меньше наименьшего (%(min)s мес.).")
            % {"max": maximum, "min": minimum}
        ]
    return errors


def _monitoring_errors(day: int | None, month: int | None) -> dict[str, list[str]]:
    if month is None or not 1 <= month <= 12:
        return {"monitoring_month": [_("Месяц мониторинга — число от 1 до 12.")]}
    if day is None:
        return {"monitoring_day": [_("Укажите день мониторинга.")]}
    try:
        date(_NON_LEAP_YEAR, month, day)
    except ValueError:
        return {
            "monitoring_day": [
                _("Дня мониторинга %(day)02d.%(month)02d нет в календаре: проверьте день и месяц.")
                % {"day": max(day, 0), "month": month}
            ]
        }
    return {}


def _format_errors(name: str, label: str, value: str) -> dict[str, list[str]]:
    value = value.strip()
    if "{n}" not in value:
        return {
            name: [
                _("%(label)s должен содержать {n} — место порядкового номера, например «{n}-о».")
                % {"label": label}
            ]
        }
    if len(value) > 40:
        return {name: [_("%(label)s — не длиннее 40 знаков.") % {"label": label}]}
    return {}


@transaction.atomic
def update_settings(
    *,
    school: School,
    acting_user: User | None,
    curator: Staff | None,
    forms: Iterable[MentoringForm],
    role_models: Iterable[RoleModel],
    kinds: Iterable[MentoringKind],
    program_min_months: int | None,
    program_max_months: int | None,
    monitoring_day: int | None,
    monitoring_month: int | None,
    council_name: str,
    pay_supplement: str,
    order_number_format: str,
    act_number_format: str,
    public_page_enabled: bool,
    public_intro: str,
) -> MentoringSettings:
    """Validate every field, then save them all (or none)."""
    errors: dict[str, list[str]] = {}
    if curator is not None and (
        curator.school_id != school.pk or curator.employment_status == EmploymentStatus.DISMISSED
    ):
        errors["curator"] = [_("Куратором можно назначить только работающего педагога этой организации.")]
    errors.update(_months_errors(program_min_months, program_max_months))
    errors.update(_monitoring_errors(monitoring_day, monitoring_month))
    council_name = council_name.strip()
    if not council_name:
        errors["council_name"] = [
            _("Укажите коллегиальный орган: например, «методический совет наставников».")
        ]
    errors.update(_format_errors("order_number_format", _("Формат номера приказа"), order_number_format))
    errors.update(_format_errors("act_number_format", _("Формат номера локального акта"), act_number_format))
    forms, role_models, kinds = list(forms), list(role_models), list(kinds)
    for name, items in (("forms", forms), ("role_models", role_models), ("kinds", kinds)):
        if any(not item.is_active for item in items):
            errors[name] = [_("Выбран пункт справочника, который больше не используется.")]
    if errors:
        raise ValidationError(errors)

    conf = settings_of(school)
    conf = MentoringSettings.objects.select_for_update().get(pk=conf.pk)
    conf.curator = curator
    conf.program_min_months = program_min_months
    conf.program_max_months = program_max_months
    conf.monitoring_day = monitoring_day
    conf.monitoring_month = monitoring_month
    conf.council_name = council_name
    conf.pay_supplement = pay_supplement.strip()
    conf.order_number_format = order_number_format.strip()
    conf.act_number_format = act_number_format.strip()
    conf.public_page_enabled = public_page_enabled
    conf.public_intro = public_intro.strip()
    conf.save()
    conf.forms.set(forms)
    conf.role_models.set(role_models)
    conf.kinds.set(kinds)
    return conf
