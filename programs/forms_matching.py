"""Forms of the matching screens: the terms of the draft pairs and the network-mode switch."""

from __future__ import annotations

import calendar
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import MentoringForm, MentoringKind, ParticipantKind

DEFAULT_FORM_CODE = "teacher-teacher"
DEFAULT_KIND_CODE = "traditional"
DEFAULT_LENGTH_MONTHS = 9  # a school year of work: September to May


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: 31.05 + 9 → 28/29.02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def staff_mentee_forms():
    """Forms of mentoring whose mentee is a teacher: matching draws mentees from the mentee base."""
    return MentoringForm.objects.filter(is_active=True, mentee_kind=ParticipantKind.STAFF)


def default_terms(today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "form": staff_mentee_forms().filter(code=DEFAULT_FORM_CODE).first(),
        "kind": MentoringKind.objects.filter(is_active=True, code=DEFAULT_KIND_CODE).first(),
        "start_date": today,
        "planned_end_date": add_months(today, DEFAULT_LENGTH_MONTHS),
    }


DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
NETWORK_LABEL = _("учитывать наставников других организаций муниципалитета (сетевое наставничество)")


class MatchingOptionsForm(forms.Form):
    """What the ranking of mentors depends on (GET of the mentee page)."""

    form = forms.ModelChoiceField(
        label=_("Форма наставничества"), queryset=MentoringForm.objects.none(), required=False
    )
    network = forms.BooleanField(label=NETWORK_LABEL, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = staff_mentee_forms()


class PairTermsForm(forms.Form):
    """The terms every draft pair of the matching gets."""

    form = forms.ModelChoiceField(label=_("Форма наставничества"), queryset=MentoringForm.objects.none())
    kind = forms.ModelChoiceField(label=_("Вид наставничества"), queryset=MentoringKind.objects.none())
    start_date = forms.DateField(label=_("Начало"), widget=DATE_WIDGET)
    planned_end_date = forms.DateField(label=_("Плановое окончание"), widget=DATE_WIDGET)
    network = forms.BooleanField(label=NETWORK_LABEL, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = staff_mentee_forms()
        # Matching proposes one mentee per pair, so the group kind (two or more mentees) is not offered.
        self.fields["kind"].queryset = MentoringKind.objects.filter(is_active=True).exclude(code="group")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("planned_end_date")
        if start and end and end <= start:
            self.add_error("planned_end_date", _("Плановое окончание должно быть позже начала."))
        return data


class CreateSuggestedPairForm(PairTermsForm):
    """The mentee page's «Создать черновик пары»: the terms plus the chosen mentor (participant id)."""

    mentor = forms.IntegerField(  # the value of the pressed row's submit button
        min_value=1,
        error_messages={"required": _("Выберите наставника: нажмите «Создать черновик пары» в его строке.")},
    )
