"""The filters of the page «Журнал действий»."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.forms_registries import DateInput
from schools.models import AuditEntry
from schools.selectors_audit import object_type_choices


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("С даты"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("По дату"), required=False, widget=DateInput())
    user = forms.CharField(
        label=_("Пользователь"),
        required=False,
        max_length=150,
        widget=forms.SearchInput(attrs={"placeholder": _("логин, фамилия или e-mail")}),
    )
    action = forms.TypedChoiceField(
        label=_("Действие"),
        required=False,
        coerce=int,
        empty_value="",
        choices=[("", _("Все")), *AuditEntry.Action.choices],
    )
    object_type = forms.ChoiceField(label=_("Тип объекта"), required=False)
    outcome = forms.ChoiceField(
        label=_("Результат"), required=False, choices=[("", _("Все")), *AuditEntry.Outcome.choices]
    )
    school = forms.CharField(label=_("Код организации"), required=False, max_length=32)

    def __init__(self, *args: Any, with_school: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Все")), *object_type_choices()]
        if not with_school:  # a director reads their own school only: nothing to choose
            del self.fields["school"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Дата окончания раньше даты начала: поменяйте их местами."))
        return data
