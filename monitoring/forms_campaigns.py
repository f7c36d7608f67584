"""Forms of monitoring campaigns: opening a campaign, the stage switch, the school's submission, the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.models import EffectivenessLevel, Submission
from monitoring.services_campaigns import TEXT_FIELDS
from schools.years import school_year_label, school_year_of

DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
YEARS_BACK = 3


class CampaignOpenForm(forms.Form):
    school_year = forms.TypedChoiceField(label=_("Учебный год"), coerce=int)
    deadline = forms.DateField(
        label=_("Срок внутреннего мониторинга"),
        required=False,
        widget=forms.DateInput(**DATE_WIDGET),
        help_text=_("Если не указан — 30 июня учебного года"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = school_year_of(timezone.localdate())
        years = range(current, current - YEARS_BACK, -1)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["school_year"].initial = current


class StageForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    exclude_unaccepted = forms.BooleanField(
        label=_("Организации без принятых материалов не войдут в свод"), required=False
    )


class SubmissionForm(forms.ModelForm):
    """The curator's internal monitoring; nothing is required here: completeness is checked on «Сдать»."""

    class Meta:
        model = Submission
        fields = ["level", *TEXT_FIELDS]
        widgets = {
            "level": forms.RadioSelect,
            **{name: forms.Textarea(attrs={"rows": 4}) for name in TEXT_FIELDS},
        }
        help_texts = {
            "strengths": _("Что в реализации программы наставничества получилось лучше всего и почему"),
            "weaknesses": _(
                "Какие мероприятия не выполнены или выполнены не в полной мере, с какими трудностями"
            ),
            "opportunities": _(
                "Какие ресурсы, партнёры и форматы можно использовать в следующем учебном году"
            ),
            "threats": _(
                "Какие риски могут помешать реализации программы: кадровые, организационные и другие"
            ),
            "not_completed_reasons": _(
                "Обязательно, если есть незавершённые программы: переезд, увольнение, перегрузка и т. п."
            ),
            "decisions": _(
                "Решения по итогам мониторинга: продолжить программу, скорректировать дорожную карту, "
                "обучить наставников, поощрить участников"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].required = False
        self.fields["level"].choices = list(EffectivenessLevel.choices)
        for name in TEXT_FIELDS:
            self.fields[name].required = False


SAVE, SUBMIT = "save", "submit"
ACCEPT, RETURN = "accept", "return"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[(ACCEPT, _("Принять")), (RETURN, _("Вернуть на доработку"))],
        widget=forms.RadioSelect,
        initial=ACCEPT,
    )
    comment = forms.CharField(
        label=_("Комментарий для куратора"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Обязателен при возврате: что нужно доработать"),
    )


SORTS = ("school", "-school", "status", "-status", "level", "-level", "submitted", "-submitted")
