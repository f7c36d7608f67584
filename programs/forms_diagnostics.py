"""Forms of the diagnostics area: the self-assessment questionnaire, burnout notes, list filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import DifficultyArea, DifficultyLevel
from programs.selectors import (
    FILLED,
    MENTEE_CATEGORIES,
    MENTEE_STATUSES,
    NOT_FILLED,
)
from schools.years import school_year_label

SEARCH_PLACEHOLDER = _("ФИО, должность, предмет")


def _search_field() -> forms.CharField:
    return forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": SEARCH_PLACEHOLDER}),
    )


class AssessmentForm(forms.Form):
    """One row per active difficulty area with the four levels as radio buttons, and a comment."""

    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Что особенно трудно, какая помощь нужна — по желанию"),
    )

    def __init__(
        self,
        *args: Any,
        areas: list[DifficultyArea],
        levels: Mapping[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        levels = levels or {}
        for area in areas:
            self.fields[self.field_name(area)] = forms.TypedChoiceField(
                label=area.name,
                choices=DifficultyLevel.choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=levels.get(area.pk),
                error_messages={"required": _("Выберите уровень затруднений по этой области.")},
            )

    @staticmethod
    def field_name(area: DifficultyArea) -> str:
        return f"area_{area.pk}"

    @property
    def area_rows(self) -> list[tuple[DifficultyArea, forms.BoundField]]:
        return [(area, self[self.field_name(area)]) for area in self.areas]

    @property
    def level_labels(self) -> list[tuple[int, str]]:
        return list(DifficultyLevel.choices)

    def levels(self) -> dict[int, int]:
        return {area.pk: self.cleaned_data[self.field_name(area)] for area in self.areas}


class MenteeBaseFilterForm(forms.Form):
    q = _search_field()
    category = forms.ChoiceField(
        label=_("Категория"),
        required=False,
        choices=[("", _("Все категории")), *((c.code, c.label) for c in MENTEE_CATEGORIES)],
    )
    status = forms.ChoiceField(label=_("Статус"), required=False, choices=[("", _("Все")), *MENTEE_STATUSES])


class DiagnosticsFilterForm(forms.Form):
    q = _search_field()
    filled = forms.ChoiceField(
        label=_("Диагностика"),
        required=False,
        choices=[("", _("Все")), (FILLED, _("заполнена")), (NOT_FILLED, _("не заполнена"))],
    )
    year = forms.TypedChoiceField(label=_("Учебный год"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, school_year_label(y)) for y in years]


class StaffSearchForm(forms.Form):
    q = _search_field()


class BurnoutNoteForm(forms.Form):
    noted_on = forms.DateField(
        label=_("Дата отметки"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    comment = forms.CharField(
        label=_("Комментарий психолога"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Виден только педагогам-психологам организации"),
    )

    def clean_noted_on(self):
        noted_on = self.cleaned_data["noted_on"]
        if noted_on > timezone.localdate():
            raise forms.ValidationError(_("Дата отметки не может быть в будущем."))
        return noted_on
