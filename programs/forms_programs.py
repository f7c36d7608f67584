"""Forms of the program screens.

Forms only parse input; the rules (3–12 months, mutual consent, evidence files, who may act) live
in programs/services/programs.py, whose ProgramError is put back on the right fields with
``add_service_error``.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.forms_pairs import DATE_WIDGET, add_service_error
from programs.models import (
    ActivityStatus,
    ActivityType,
    DifficultyArea,
    EndReason,
    PersonalizedProgram,
    PlanActivity,
    ProgramStatus,
    ResponsibleRole,
)
from programs.services.programs import EVIDENCE_ACCEPT, ActivityData, Suggestion

__all__ = [
    "ActivityStatusForm",
    "BestPracticeForm",
    "CorrectionForm",
    "EndProgramForm",
    "ExtendForm",
    "FromTemplateForm",
    "PlanFormSet",
    "ProgramFilterForm",
    "ProgramForm",
    "ReportForm",
    "add_service_error",
    "plan_formset",
]

TEXTAREA = {"rows": 3}


class ProgramFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Статус"), required=False, choices=[("", _("Все")), *ProgramStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Только с просроченными мероприятиями"), required=False)


class ProgramForm(forms.Form):
    """Texts and the period of a program (a new blank one, or a draft)."""

    title = forms.CharField(label=_("Название"), max_length=300)
    goal = forms.CharField(label=_("Цель"), widget=forms.Textarea(attrs=TEXTAREA))
    expected_results = forms.CharField(
        label=_("Ожидаемые результаты"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Что должно измениться к концу программы: по одному результату в строке."),
    )
    directions = forms.CharField(
        label=_("Направления работы"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    start_date = forms.DateField(label=_("Начало"), **DATE_WIDGET)
    end_date = forms.DateField(
        label=_("Окончание"), help_text=_("Срок программы — от 3 до 12 месяцев."), **DATE_WIDGET
    )

    @classmethod
    def initial_for(cls, program: PersonalizedProgram) -> dict:
        return {name: getattr(program, name) for name in cls.base_fields}


class FromTemplateForm(forms.Form):
    """Start date, an optional title, and the suggested activities to add (checked ones by default)."""

    title = forms.CharField(
        label=_("Название"), max_length=300, required=False, help_text=_("Пусто — как у шаблона.")
    )
    start_date = forms.DateField(label=_("Начало"), **DATE_WIDGET)
    suggestions = forms.MultipleChoiceField(
        label=_("Дополнительные мероприятия по итогам диагностики"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, suggestions: list[Suggestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion_by_key = {s.key: s for s in suggestions}
        self.fields["suggestions"].choices = [(s.key, s.title) for s in suggestions]
        if not self.is_bound:
            self.initial.setdefault("suggestions", [s.key for s in suggestions if s.checked])
        if not suggestions:
            del self.fields["suggestions"]

    def chosen_suggestions(self) -> list[Suggestion]:
        keys = self.cleaned_data.get("suggestions") or []
        return [self.suggestion_by_key[k] for k in keys]


# --- The plan ------------------------------------------------------------------------------------


class ActivityLineForm(forms.Form):
    """One line of the plan; ``activity_id`` is empty for a new line."""

    activity_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Мероприятие"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    activity_type = forms.ChoiceField(
        label=_("Вид"),
        choices=[("", "—"), *ActivityType.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    due_date = forms.DateField(
        label=_("Срок"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    responsible = forms.ChoiceField(
        label=_("Ответственный"),
        choices=[("", "—"), *ResponsibleRole.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    area = forms.TypedChoiceField(
        label=_("Область"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    remove = forms.BooleanField(
        label=_("Убрать"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, areas: dict[int, DifficultyArea], **kwargs) -> None:
        """``areas``: the areas to choose from, read once for the whole plan (not once per line)."""
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.fields["area"].choices = [("", "—"), *((pk, a.name) for pk, a in areas.items())]

    def clean(self):
        data = super().clean()
        if self.is_new and not data.get("title"):
            return data  # an empty extra line: ignored
        if data.get("remove"):
            return data
        for name, message in (
            ("title", _("Укажите мероприятие.")),
            ("activity_type", _("Выберите вид.")),
            ("due_date", _("Укажите срок.")),
            ("responsible", _("Выберите ответственного.")),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    @property
    def is_new(self) -> bool:
        return not (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get("activity_id")

    def as_data(self) -> ActivityData:
        data = self.cleaned_data
        return ActivityData(
            title=data["title"],
            activity_type=data["activity_type"],
            due_date=data["due_date"],
            responsible=data["responsible"],
            area=self.areas.get(data["area"]) if data.get("area") else None,
        )


class BasePlanFormSet(forms.BaseFormSet):
    def changes(self) -> tuple[list[ActivityData], dict[int, ActivityData], list[int]]:
        """(new lines, edited lines by activity pk, removed activity pks) of a valid formset."""
        add, edit, remove = [], {}, []
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            pk = data.get("activity_id")
            if pk:
                if data.get("remove"):
                    remove.append(pk)
                else:
                    edit[pk] = form.as_data()
            elif data.get("title") and not data.get("remove"):
                add.append(form.as_data())
        return add, edit, remove


PlanFormSet = formset_factory(ActivityLineForm, formset=BasePlanFormSet, extra=3, max_num=60, absolute_max=80)


def plan_formset(activities: list[PlanActivity], data=None) -> forms.BaseFormSet:
    """The plan's editable lines (cancelled ones are shown elsewhere, read-only) and three empty ones."""
    initial = [
        {
            "activity_id": a.pk,
            "title": a.title,
            "activity_type": a.activity_type,
            "due_date": a.due_date,
            "responsible": a.responsible,
            "area": a.area_id,
        }
        for a in activities
    ]
    areas = {a.pk: a for a in DifficultyArea.objects.filter(is_active=True)}
    areas.update({a.area_id: a.area for a in activities if a.area_id})  # an area retired since stays
    formset = PlanFormSet(data, initial=initial, prefix="plan", form_kwargs={"areas": areas})
    locked = {a.pk: a for a in activities if a.status != ActivityStatus.PLANNED}
    for form, activity in zip(formset.forms, activities, strict=False):
        form.activity = activity
        if activity.pk in locked:  # done: shown, not editable
            for field in form.fields.values():
                field.disabled = True
    return formset


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Основание корректировки"),
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=2000,
        help_text=_("Сохранится в истории программы."),
    )
    agreed_by_both = forms.BooleanField(
        label=_("Изменения согласованы наставником и наставляемым (по взаимному согласию)"), required=False
    )


# --- Lifecycle -----------------------------------------------------------------------------------


class ExtendForm(forms.Form):
    new_end_date = forms.DateField(label=_("Новый срок окончания"), **DATE_WIDGET)
    reason = forms.CharField(
        label=_("Основание продления"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000
    )
    agreed_by_both = forms.BooleanField(
        label=_("Продление согласовано наставником и наставляемым (по взаимному согласию)"), required=False
    )


class EndProgramForm(forms.Form):
    end_reason = forms.ChoiceField(
        label=_("Причина"), choices=[("", _("— выберите причину —")), *EndReason.choices]
    )
    ended_on = forms.DateField(label=_("Дата прекращения"), initial=timezone.localdate, **DATE_WIDGET)
    end_comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=2000,
        help_text=_("Обязателен для причины «другое»."),
    )

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on > timezone.localdate():
            raise forms.ValidationError(_("Дата прекращения не может быть в будущем."))
        return ended_on


# --- Activities, reports, best practice ----------------------------------------------------------


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Отметка"),
        choices=[
            (ActivityStatus.DONE, _("выполнено")),
            (ActivityStatus.PLANNED, _("не выполнено (запланировано)")),
        ],
        widget=forms.RadioSelect,
    )
    done_on = forms.DateField(
        label=_("Дата выполнения"), required=False, help_text=_("Пусто — сегодня."), **DATE_WIDGET
    )
    evidence_note = forms.CharField(
        label=_("Результат, продукт"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Что получилось: конспект, технологическая карта, выступление, отзыв."),
    )
    evidence_link = forms.CharField(
        label=_("Ссылка на материал"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    evidence_file = forms.FileField(
        label=_("Файл"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PPTX, JPEG или PNG, не больше 10 МБ. Новый файл заменит прежний."),
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Текст"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)


class BestPracticeForm(forms.Form):
    summary = forms.CharField(
        label=_("Описание практики для публикации"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_(
            "Текст предназначен для публикации в разделе «Наставничество» сайта организации. Не указывайте персональные данные, "
            "кроме ФИО и должностей участников: ни оценок, ни сведений о здоровье, ни данных обучающихся."
        ),
    )
