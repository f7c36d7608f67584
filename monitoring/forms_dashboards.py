"""Forms of the dashboards: the period and filters (GET) and «Рассчитать показатели» (POST)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.compute import Period
from monitoring.selectors_dashboards import Filters, school_year_period, year_choices
from monitoring.services import MonitoringError, parse_period
from schools.models import SchoolKind
from schools.years import school_year_of

ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Parameters that describe what a dashboard shows; links between its pages carry them along.
VIEW_PARAMS = ("year", "start", "end", "as_of", "kind", "district", "q", "municipality")


@dataclass(frozen=True)
class Selection:
    """What the period form asked for: the period, the slice date (None — the latest stored), filters."""

    start: date
    end: date
    as_of: date | None
    filters: Filters
    year: int | None  # the school year chosen, None for a custom period


class DashboardFilterForm(forms.Form):
    """The period and the filters of a dashboard; anything invalid falls back to the default."""

    year = forms.TypedChoiceField(label=_("Учебный год"), coerce=int, required=False, empty_value=None)
    as_of = forms.DateField(label=_("По состоянию на"), required=False, widget=ISO_DATE)
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Тип ОО"), required=False, choices=[("", _("Все типы")), *SchoolKind.choices]
    )
    # Free text checked against the territory's districts by the filter itself (an unknown one keeps nothing).
    district = forms.CharField(label=_("Район"), required=False, max_length=120)
    q = forms.CharField(label=_("Название"), required=False, max_length=100)
    municipality = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end) or (start and end and end < start):
            self.add_error(None, _("Период задан неверно: показан учебный год."))
            data["start"] = data["end"] = None
        as_of = data.get("as_of")
        begin = data.get("start") or school_year_period(data.get("year"))[0]
        if as_of and as_of < begin:
            self.add_error("as_of", _("Дата среза раньше начала периода."))
            data["as_of"] = None
        return data

    def selection(self) -> Selection:
        """The valid part of the request (an invalid form still yields the defaults)."""
        data = self.cleaned_data if self.is_bound else {}
        errors = self.errors if self.is_bound else {}
        pick = {name: data.get(name) for name in self.fields if name not in errors}
        if pick.get("start") and pick.get("end"):
            start, end, year = pick["start"], pick["end"], None
        else:
            year = pick.get("year") or school_year_of()
            start, end = school_year_period(year)
        return Selection(
            start=start,
            end=end,
            as_of=pick.get("as_of"),
            filters=Filters(
                kind=pick.get("kind") or "",
                district=pick.get("district") or "",
                q=(pick.get("q") or "").strip(),
            ),
            year=year,
        )


class ComputeForm(forms.Form):
    """«Рассчитать показатели»: a period (a school year by default) and a slice date."""

    start = forms.DateField(label=_("Начало периода"), widget=ISO_DATE)
    end = forms.DateField(label=_("Конец периода"), widget=ISO_DATE)
    as_of = forms.DateField(
        label=_("По состоянию на"),
        required=False,
        widget=ISO_DATE,
        help_text=_("Пусто — конец периода или сегодня, если период не закончился."),
    )
    municipality = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_period(cls, start: date, end: date, *, municipality: int | None = None) -> ComputeForm:
        return cls(initial={"start": start, "end": end, "municipality": municipality})

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end"):
            try:
                data["period"] = parse_period(
                    f"{data['start']:%Y-%m-%d}:{data['end']:%Y-%m-%d}", as_of=data.get("as_of")
                )
            except MonitoringError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


class CompareForm(forms.Form):
    """Two stored snapshots to compare (ids; the view checks they are the user's)."""

    a = forms.IntegerField(required=False, widget=forms.HiddenInput)
    b = forms.IntegerField(required=False, widget=forms.HiddenInput)
