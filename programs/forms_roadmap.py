"""Forms of the school roadmap: creation from the template, a stage's plan, the manual mark, the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import RoadmapStage, StageStatus
from programs.services.roadmap import STAGE_FIELDS
from schools.years import school_year_bounds

DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


class RoadmapCreateForm(forms.Form):
    """«Создать дорожную карту»: the dates the template's stage dates are computed from."""

    school_year = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label=_("Начало работы по дорожной карте"),
        widget=forms.DateInput(**DATE_WIDGET),
        help_text=_("Этапы 1–3 — первый месяц, этап 4 — первые два месяца"),
    )
    pairs_order_date = forms.DateField(
        label=_("Дата приказа о закреплении пар"),
        widget=forms.DateInput(**DATE_WIDGET),
        required=False,
        help_text=_("Если ещё не известна — через месяц после начала; этап 5 длится месяц после приказа"),
    )
    end_date = forms.DateField(
        label=_("Окончание периода"),
        widget=forms.DateInput(**DATE_WIDGET),
        required=False,
        help_text=_("По умолчанию 31 мая; этап 7 — последний месяц периода"),
    )

    def __init__(self, *args: Any, school_year: int, **kwargs: Any) -> None:
        """The start is today in the current school year, 1 September when the roadmap is made ahead."""
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        first, last = school_year_bounds(school_year)
        self.fields["school_year"].initial = school_year
        self.fields["start_date"].initial = today if first <= today <= last else first


class StageForm(forms.ModelForm):
    """The plan of one stage; its status is not here (computed, or the separate manual mark)."""

    class Meta:
        model = RoadmapStage
        fields = list(STAGE_FIELDS)
        widgets = {
            "start_date": forms.DateInput(**DATE_WIDGET),
            "end_date": forms.DateInput(**DATE_WIDGET),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "documents": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "activities": _("Каждое мероприятие — с новой строки"),
            "documents": _("Каждый документ — с новой строки"),
        }

    def _post_clean(self) -> None:
        # The service saves the stage (it knows whether the roadmap may still change).
        pass

    def stage_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in STAGE_FIELDS if name in self.cleaned_data}


class StageMarkForm(forms.Form):
    status = forms.ChoiceField(label=_("Отметка о выполнении"), choices=StageStatus.choices)


APPROVE = "approve"
RETURN = "return"


class RoadmapDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[(APPROVE, _("утвердить")), (RETURN, _("вернуть на доработку"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Обязателен, если дорожная карта возвращается на доработку"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == RETURN and not (data.get("comment") or "").strip():
            self.add_error(
                "comment", _("Напишите, что нужно исправить: без комментария дорожную карту не вернуть.")
            )
        return data
