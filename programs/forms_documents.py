"""Forms of the documents screens and of the mentoring settings.

Forms parse input; the rules live in the services (``programs.services.documents``,
``programs.services.mentoring_settings``), whose errors are put back on the fields they name with
``add_service_error``. Choice querysets are filled from the current school in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.documents.registry import all_types
from programs.models import (
    DocumentStatus,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    MentoringSettings,
    RoleModel,
)
from schools.models import EmploymentStatus, School, Staff
from schools.years import school_year_label, school_year_of

DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


def kind_choices() -> list[tuple[str, str]]:
    return [(t.kind, t.label) for t in all_types()]


def year_choices() -> list[tuple[int, str]]:
    """The years a document may be drafted for: the current school year, the next and the previous."""
    current = school_year_of()
    return [
        (y, _("%(label)s учебный год") % {"label": school_year_label(y)})
        for y in (current + 1, current, current - 1)
    ]


def allowed_year(value: str | None) -> int:
    """The school year named in a request, or the current one if it is not among the allowed."""
    years = [y for y, _label in year_choices()]
    try:
        year = int(value or "")
    except ValueError:
        return school_year_of()
    return year if year in years else school_year_of()


# --- The list ------------------------------------------------------------------------------------


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), required=False)
    status = forms.ChoiceField(
        label=_("Статус"), required=False, choices=[("", _("Все")), *DocumentStatus.choices]
    )
    school_year = forms.TypedChoiceField(label=_("Учебный год"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Все виды")), *kind_choices()]
        self.fields["school_year"].choices = [("", _("Все")), *((y, school_year_label(y)) for y in years)]


# --- Drafting ------------------------------------------------------------------------------------


class DocumentStartForm(forms.Form):
    """Step 1 of «Создать документ»: the kind (a card's button) and the school year."""

    kind = forms.ChoiceField(label=_("Вид документа"))
    school_year = forms.TypedChoiceField(
        label=_("Учебный год"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["school_year"].choices = year_choices()
        self.fields["school_year"].initial = school_year_of()


def _pair_label(pair: MentoringPair) -> str:
    mentees = ", ".join(link.mentee.full_name for link in pair.mentee_links.all())
    return _("Пара № %(pk)s: %(mentor)s → %(mentees)s · %(form)s · %(start)s — %(end)s") % {
        "pk": pair.pk,
        "mentor": pair.mentor.full_name,
        "mentees": mentees,
        "form": pair.form.name,
        "start": pair.start_date.strftime("%d.%m.%Y") if pair.start_date else "",
        "end": pair.planned_end_date.strftime("%d.%m.%Y") if pair.planned_end_date else "",
    }


def describe_choices(form: forms.Form) -> forms.Form:
    """Readable labels for choices of pairs in a kind's options form («Пара № 5» says too little)."""
    for form_field in form.fields.values():
        queryset = getattr(form_field, "queryset", None)
        if queryset is not None and queryset.model is MentoringPair:
            form_field.label_from_instance = _pair_label
    return form


def empty_choice_fields(form: forms.Form) -> list[str]:
    """Fields choosing from a queryset that has no rows (one query per such field)."""
    return [
        name
        for name, form_field in form.fields.items()
        if getattr(form_field, "queryset", None) is not None and not form_field.queryset.exists()
    ]


def options_data(form_class: type[forms.Form], data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted options as a plain dict: lists for multiple choices, single values otherwise.

    The workflow service stores what it is given and rebuilds the draft from it later, so a
    multiple choice with one ticked box must still arrive as a list.
    """
    out: dict[str, Any] = {}
    for name, form_field in form_class.base_fields.items():
        multiple = isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        if hasattr(data, "getlist"):
            out[name] = data.getlist(name) if multiple else data.get(name)
        elif name in data:
            value = data[name]
            out[name] = list(value) if multiple and isinstance(value, list | tuple) else value
    return out


class DocumentTitleForm(forms.Form):
    title = forms.CharField(label=_("Заголовок"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(
        label=_("Публиковать на странице «Наставничество»"),
        required=False,
        help_text=_("После утверждения документ появится на публичной странице школы."),
    )

    def __init__(self, *args: Any, may_be_public: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_be_public:
            self.fields["is_public"].disabled = True
            self.fields["is_public"].help_text = _("Документы этого вида не публикуются.")


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Заголовок раздела"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Текст"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Абзацы разделяйте пустой строкой. Строка, которая начинается с «– », — пункт списка. "
            "Номер пункта («1.», «2.1.») пишите в начале абзаца."
        ),
    )


class ApproveForm(forms.Form):
    approved_on = forms.DateField(
        label=_("Дата утверждения"),
        widget=forms.DateInput(**DATE_WIDGET),
        help_text=_("Обычно сегодня; можно указать дату, когда приказ подписан на бумаге."),
    )

    sequence = forms.IntegerField(
        label=_("Номер по журналу регистрации"),
        required=False,
        min_value=1,
        max_value=99999,
        help_text=_(
            "Оставьте пустым, и система даст следующий номер. Укажите число, если школа ведёт общий "
            "журнал приказов и очередной номер в нём больше: номер оформится по формату из настроек."
        ),
        error_messages={"min_value": _("Номер — целое число больше нуля.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].initial = timezone.localdate()

    def clean_approved_on(self):
        day = self.cleaned_data["approved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Дата утверждения не может быть позже сегодняшней."))
        return day


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Что нужно исправить"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Напишите, что нужно исправить: без комментария документ не вернуть.")},
        help_text=_("Комментарий увидит автор документа; он же придёт ему в уведомлении."),
    )


# --- Mentoring settings ----------------------------------------------------------------------------


class MentoringSettingsForm(forms.ModelForm):
    """The school's decisions the Regulation and the orders are built from.

    Ranges and formats are checked by ``services.mentoring_settings.update_settings``; the form only
    parses the input (and offers the school's working staff as the curator).
    """

    # Declared here: the model field's default queryset would read every school's staff at import.
    curator = forms.ModelChoiceField(
        label=_("Куратор наставничества"), queryset=Staff.objects.none(), required=False
    )

    class Meta:
        model = MentoringSettings
        fields = [
            "curator",
            "forms",
            "role_models",
            "kinds",
            "program_min_months",
            "program_max_months",
            "monitoring_day",
            "monitoring_month",
            "council_name",
            "pay_supplement",
            "order_number_format",
            "act_number_format",
            "public_page_enabled",
            "public_intro",
        ]
        widgets = {
            "forms": forms.CheckboxSelectMultiple,
            "role_models": forms.CheckboxSelectMultiple,
            "kinds": forms.CheckboxSelectMultiple,
            "public_intro": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "order_number_format": _(
                "{n} — порядковый номер в году, {year} — год; например «{n}-о» даёт «45-о»"
            ),
            "act_number_format": _(
                "Положение, дорожная карта, программа и другие акты нумеруются отдельно от приказов"
            ),
            "public_intro": _("Несколько абзацев о наставничестве в школе для родителей и педагогов"),
        }

    def __init__(self, *args: Any, school: School, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = Staff.objects.filter(school=school).exclude(
            employment_status=EmploymentStatus.DISMISSED
        )
        self.fields["curator"].empty_label = _("не назначен")
        self.fields["forms"].queryset = MentoringForm.objects.filter(is_active=True)
        self.fields["role_models"].queryset = RoleModel.objects.filter(is_active=True)
        self.fields["kinds"].queryset = MentoringKind.objects.filter(is_active=True)
        for name in ("program_min_months", "program_max_months", "monitoring_day", "monitoring_month"):
            # The service names the field in its message; the browser's own limits would pre-empt it.
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("min", None)
            self.fields[name].widget.attrs.pop("max", None)
        for name in (
            "program_min_months",
            "program_max_months",
            "monitoring_day",
            "monitoring_month",
            "council_name",
            "order_number_format",
            "act_number_format",
        ):
            self.fields[name].required = False  # the service says what is missing, naming the field
        if read_only:
            for form_field in self.fields.values():
                form_field.disabled = True

    def _post_clean(self) -> None:
        # The service validates and saves the settings (with Russian messages naming each field).
        pass
