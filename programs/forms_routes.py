"""Forms of the individual educational routes (ИОМ): creation, steps 1–3, measures, products, reflection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from programs.models import DifficultyArea, DifficultyLevel, IndividualRoute, RouteMeasure, RouteStatus
from programs.services.routes import (
    DEFAULT_SPAN,
    LENGTH_MESSAGE,
    PRODUCT_EXTENSIONS,
    YEAR_SPANS,
    RouteError,
    validate_product_file,
)
from schools.models import EmploymentStatus, Staff
from schools.years import school_year_label, school_year_of

# How far back a route may start: a paper route of earlier years can be entered as it was.
YEARS_BACK = 4
YEARS_AHEAD = 1
DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
# «2 — существенные»: the number is what the diagnostics and the reflection compare.
LEVEL_CHOICES = [(value, format_lazy("{} — {}", value, label)) for value, label in DifficultyLevel.choices]


def _year_choices(first: int, last: int) -> list[tuple[int, str]]:
    return [(year, school_year_label(year)) for year in range(first, last + 1)]


def _year_field(label: str, choices: list[tuple[int, str]], initial: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, initial=initial)


class _YearsMixin:
    """Start and end school years; the span is checked here so the user reads why, not a database error."""

    def _add_year_fields(self, start: int | None = None, end: int | None = None) -> None:
        current = school_year_of()
        first, last = current - YEARS_BACK, current + YEARS_AHEAD
        start = start if start is not None else current
        end = end if end is not None else start + DEFAULT_SPAN
        first, last = min(first, start), max(last, start)
        self.fields["start_year"] = _year_field(_("С учебного года"), _year_choices(first, last), start)
        self.fields["end_year"] = _year_field(
            _("По учебный год"), _year_choices(first + 1, last + max(YEAR_SPANS) + 1), end
        )
        self.fields["end_year"].help_text = _("ИОМ составляется на 4–5 лет")

    def _check_span(self, data: dict[str, Any]) -> None:
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end - start not in YEAR_SPANS:
            self.add_error("end_year", LENGTH_MESSAGE)


class _StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name} ({obj.position})" if obj.position else obj.full_name


class RouteCreateForm(_YearsMixin, forms.Form):
    """The curator starts a route for a teacher; step 3 is filled from the diagnostics by the service."""

    staff = _StaffChoiceField(
        label=_("Педагог"), queryset=Staff.objects.none(), empty_label=_("— выберите —")
    )
    tutor_name = forms.CharField(label=_("Тьютор (внешний участник)"), max_length=300, required=False)
    tutor_organization = forms.CharField(
        label=_("Организация тьютора"),
        max_length=300,
        required=False,
        help_text=_(
            "Например, региональный центр непрерывного повышения профессионального мастерства (ЦНППМ)"
        ),
    )

    field_order = ["staff", "start_year", "end_year", "tutor_name", "tutor_organization"]

    def __init__(self, *args: Any, with_staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_year_fields()
        if with_staff:
            self.fields["staff"].queryset = Staff.objects.filter(employment_status=EmploymentStatus.WORKS)
        else:
            del self.fields["staff"]
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_span(data)
        return data


class RouteForm(_YearsMixin, forms.ModelForm):
    """Steps 1–3 with one level select per difficulty area, the tutor and the years."""

    class Meta:
        model = IndividualRoute
        fields = ["desired_image", "strengths", "difficulties_comment", "tutor_name", "tutor_organization"]
        widgets = {
            "desired_image": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "difficulties_comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "desired_image": _(
                "Каким педагогом вы хотите стать через 4–5 лет: роли, компетенции, результаты"
            ),
            "strengths": _("Что получается лучше всего, чем гордитесь, на что можно опереться"),
        }

    def __init__(self, *args: Any, areas: list[DifficultyArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        self._add_year_fields(self.instance.start_year, self.instance.end_year)
        stored = self.instance.difficulties or {}
        for area in areas:
            self.fields[self.area_field(area)] = forms.TypedChoiceField(
                label=area.name,
                choices=[("", _("не оценивалась")), *LEVEL_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=stored.get(area.code, ""),
            )

    @staticmethod
    def area_field(area: DifficultyArea) -> str:
        return f"area_{area.code}"

    @property
    def area_rows(self) -> list[forms.BoundField]:
        return [self[self.area_field(area)] for area in self.areas]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_span(data)
        return data

    def _post_clean(self) -> None:
        # The service saves the route (it checks the years against the measures first).
        pass

    def route_fields(self) -> dict[str, Any]:
        names = [*self.Meta.fields, "start_year", "end_year"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def difficulties(self) -> dict[str, int | None]:
        return {area.code: self.cleaned_data.get(self.area_field(area)) for area in self.areas}


class MeasureForm(forms.ModelForm):
    """A measure of step 4, in one of the route's school years."""

    class Meta:
        model = RouteMeasure
        fields = ["school_year", "kind", "title", "area", "due_date"]
        widgets = {"due_date": forms.DateInput(**DATE_WIDGET)}
        help_texts = {"area": _("Над каким дефицитом из шага 3 работает мероприятие")}

    def __init__(
        self, *args: Any, route: IndividualRoute, deficits: list[DifficultyArea], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.route = route
        self.fields["school_year"] = forms.TypedChoiceField(
            label=_("Учебный год"),
            choices=_year_choices(route.start_year, route.end_year),
            coerce=int,
            initial=self.instance.school_year if self.instance.pk else _initial_year(route),
        )
        self.fields["area"].queryset = DifficultyArea.objects.filter(is_active=True).order_by("order", "name")
        self.fields["area"].empty_label = _("— не относится к одному дефициту —")
        if not self.instance.pk and len(deficits) == 1:
            self.fields["area"].initial = deficits[0].pk
        self.order_fields(self.Meta.fields)

    def _post_clean(self) -> None:
        pass

    def measure_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


def _initial_year(route: IndividualRoute) -> int:
    current = school_year_of()
    return current if route.start_year <= current <= route.end_year else route.start_year


class ProductForm(forms.Form):
    """Step 5: what the measure produced — text, a file, or both."""

    product = forms.CharField(
        label=_("Педагогический продукт"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Например: разработка урока, методические рекомендации, выступление, публикация, сертификат"
        ),
    )
    product_file = forms.FileField(label=_("Файл продукта"), required=False)

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        self.fields["product_file"].help_text = _("До 10 МБ; подходят: %(types)s") % {
            "types": ", ".join(PRODUCT_EXTENSIONS)
        }
        self.fields["product_file"].widget.attrs["accept"] = ",".join(f".{e}" for e in PRODUCT_EXTENSIONS)

    def clean_product_file(self) -> Any:
        upload = self.cleaned_data.get("product_file")
        if upload:
            try:
                validate_product_file(upload)
            except RouteError as error:
                raise forms.ValidationError(error.message_dict["product_file"]) from error
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        empty = not (data.get("product") or "").strip() and not data.get("product_file")
        if not self.errors and empty and not self.has_file:
            self.add_error("product", _("Опишите педагогический продукт или приложите файл."))
        return data


class CorrectionForm(forms.Form):
    date = forms.DateField(label=_("Дата"), widget=forms.DateInput(**DATE_WIDGET), initial=timezone.localdate)
    description = forms.CharField(
        label=_("Что изменено и почему"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def clean_date(self) -> Any:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Дата корректировки не может быть в будущем."))
        return value


LEVEL_AFTER_CHOICES = [("", _("не указан")), *LEVEL_CHOICES]


class ReflectionForm(forms.Form):
    """Step 7: a text and the level after for every deficit of step 3."""

    def __init__(self, *args: Any, rows: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            reflection = row.reflection
            self.fields[f"text_{row.area.pk}"] = forms.CharField(
                label=_("Рефлексивный анализ"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=reflection.text if reflection else "",
                help_text=_("Что сделано, что изменилось в работе, что осталось трудным"),
            )
            self.fields[f"level_{row.area.pk}"] = forms.TypedChoiceField(
                label=_("Уровень затруднений после"),
                choices=LEVEL_AFTER_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=reflection.level_after if reflection and reflection.level_after is not None else "",
            )

    @property
    def area_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"text_{row.area.pk}"], self[f"level_{row.area.pk}"]) for row in self.rows]

    def answers(self) -> dict[int, tuple[str, int | None]]:
        return {
            row.area.pk: (self.cleaned_data[f"text_{row.area.pk}"], self.cleaned_data[f"level_{row.area.pk}"])
            for row in self.rows
        }


class RouteFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"), required=False, widget=forms.SearchInput(attrs={"placeholder": _("ФИО, должность")})
    )
    status = forms.ChoiceField(
        label=_("Статус"), required=False, choices=[("", _("Все")), *RouteStatus.choices]
    )
