"""Forms of the analytical reports: what to make (kind, place, period, dates, format) and the school's period.

The forms only parse; the rules on dates are ``monitoring.services_reports.check_parameters``, whose
errors come back on the fields. Choices depend on the active role: the municipal methodist makes
the municipal report of their municipality; the regional methodist the regional report or the
municipal report of a municipality of the region; the director and the curator their school's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import ReportFormat, ReportKind
from monitoring.services_reports import ReportError, check_parameters
from schools.models import Municipality, Role
from schools.tenancy import Tenant

DATE = {"format": "%Y-%m-%d", "attrs": {"type": "date", "class": "form-control"}}


class PeriodForm(forms.Form):
    """Period, slice date and comparison date; empty fields take the defaults (the current school year)."""

    period_start = forms.DateField(label=_("Начало периода"), required=False, widget=forms.DateInput(**DATE))
    period_end = forms.DateField(label=_("Конец периода"), required=False, widget=forms.DateInput(**DATE))
    as_of = forms.DateField(
        label=_("По состоянию на"),
        required=False,
        widget=forms.DateInput(**DATE),
        help_text=_("Дата среза; по умолчанию — конец периода или сегодня"),
    )
    compare_as_of = forms.DateField(
        label=_("Дата сравнения (таблица 2)"),
        required=False,
        widget=forms.DateInput(**DATE),
        help_text=_("По умолчанию — начало периода"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("period_start") is None) != (data.get("period_end") is None):
            self.add_error("period_end", _("Укажите и начало, и конец периода (или оставьте оба пустыми)."))
            return data
        try:
            data["period"], data["compare"] = check_parameters(
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                as_of=data.get("as_of"),
                compare_as_of=data.get("compare_as_of"),
            )
        except ReportError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    target = {"period": "period_end"}.get(name, name)
                    for message in messages:
                        self.add_error(target if target in self.fields else None, message)
            else:
                for message in error.messages:
                    self.add_error(None, message)
        return data


class ReportRequestForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Отчёт"), choices=())
    municipality = forms.ModelChoiceField(
        label=_("Муниципалитет"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Для муниципального отчёта регионального методиста"),
    )
    fmt = forms.ChoiceField(
        label=_("Формат"), choices=ReportFormat.choices, initial=ReportFormat.PDF, widget=forms.RadioSelect
    )
    use_snapshot = forms.BooleanField(
        label=_("Взять готовый снимок показателей на эту дату, если он рассчитан"),
        required=False,
        initial=True,
    )

    field_order = [
        "kind",
        "municipality",
        "period_start",
        "period_end",
        "as_of",
        "compare_as_of",
        "fmt",
        "use_snapshot",
    ]

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = tenant.role
        if role == Role.REGIONAL_METHODIST:
            kinds = [ReportKind.REGIONAL, ReportKind.MUNICIPAL]
            self.fields["municipality"].queryset = Municipality.objects.filter(region=tenant.active.region)
        elif role == Role.MUNICIPAL_METHODIST:
            kinds = [ReportKind.MUNICIPAL]
            del self.fields["municipality"]
        else:
            kinds = [ReportKind.SCHOOL]
            del self.fields["municipality"]
        self.fields["kind"].choices = [(k.value, k.label.capitalize()) for k in kinds]
        self.fields["kind"].initial = kinds[0].value
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "municipality" in self.fields
            and data.get("kind") == ReportKind.MUNICIPAL
            and not data.get("municipality")
        ):
            self.add_error("municipality", _("Выберите муниципалитет."))
        return data
