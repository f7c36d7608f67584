"""Forms of the mentor base: the profile (with competencies), the questionnaire, the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from programs.models import DifficultyArea, MentorCompetency, MentorProfile, TrainingStatus
from programs.selectors import MENTOR_FREE, MENTOR_FULL, MENTOR_INACTIVE, registry_candidates
from programs.services.mentors import (
    AREAS,
    CHOICE,
    COURSE_STATUSES,
    MULTIPLE,
    PROFILE_FIELDS,
    QUESTIONS,
    TEXT,
    YES_NO,
    clean_answers,
)
from schools.models import EmploymentStatus, PartnerRepresentative, Staff, Student

CAPACITY_MESSAGE = _("Наставник может вести от 1 до 10 наставляемых одновременно.")
COMPETENCY_CHOICES = [("", _("нет")), *MentorCompetency._meta.get_field("level").choices]


class _PersonChoiceField(forms.ModelChoiceField):
    """A person with what tells namesakes apart: position, class or organisation."""

    def label_from_instance(self, obj: Staff | Student | PartnerRepresentative) -> str:
        if isinstance(obj, Staff):
            detail = obj.position
        elif isinstance(obj, Student):
            detail = obj.grade
        else:
            detail = obj.organization.name
        return f"{obj.full_name} ({detail})" if detail else obj.full_name


def _without_profile(queryset: QuerySet, model: type) -> QuerySet:
    field = {Staff: "staff", Student: "student", PartnerRepresentative: "partner_representative"}[model]
    has_profile = MentorProfile.objects.filter(**{f"participant__{field}": OuterRef("pk")})
    return queryset.filter(~Exists(has_profile))


class MentorProfileForm(forms.ModelForm):
    """What the curator records about a mentor, with one competency select per difficulty area."""

    capacity = forms.IntegerField(
        label=_("Сколько наставляемых одновременно"),
        min_value=1,
        max_value=10,
        initial=MentorProfile.DEFAULT_CAPACITY,
        help_text=_("От 1 до 10"),
        error_messages={"min_value": CAPACITY_MESSAGE, "max_value": CAPACITY_MESSAGE},
    )

    class Meta:
        model = MentorProfile
        fields = list(PROFILE_FIELDS)
        widgets = {
            "course_completed_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "volunteered_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "portfolio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, areas: list[DifficultyArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        current: dict[int, int] = {}
        if self.instance.pk:
            current = dict(
                MentorCompetency.objects.filter(profile=self.instance).values_list("area_id", "level")
            )
        for area in areas:
            self.fields[self.competency_field(area)] = forms.TypedChoiceField(
                label=area.name,
                choices=COMPETENCY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(area.pk, ""),
            )

    @staticmethod
    def competency_field(area: DifficultyArea) -> str:
        return f"competency_{area.pk}"

    @property
    def competency_rows(self) -> list[tuple[DifficultyArea, forms.BoundField]]:
        return [(area, self[self.competency_field(area)]) for area in self.areas]

    @property
    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("training_status") in COURSE_STATUSES and not data.get("course_completed_on"):
            self.add_error(
                "course_completed_on",
                _("Укажите дату окончания курса «Наставничество педагогических работников»."),
            )
        return data

    def _post_clean(self) -> None:
        # The profile is saved by the service (it needs the participant first), not by model validation.
        pass

    def profile_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS if name in self.cleaned_data}

    def competencies(self) -> dict[int, int | None]:
        return {area.pk: self.cleaned_data.get(self.competency_field(area)) for area in self.areas}


class MentorCreateForm(MentorProfileForm):
    """A new mentor: exactly one person from the staff, the students or the partners' representatives."""

    staff = _PersonChoiceField(
        label=_("Педагог"), queryset=Staff.objects.none(), required=False, empty_label=_("— не выбран —")
    )
    student = _PersonChoiceField(
        label=_("Обучающийся"),
        queryset=Student.objects.none(),
        required=False,
        empty_label=_("— не выбран —"),
    )
    partner_representative = _PersonChoiceField(
        label=_("Представитель партнёра"),
        queryset=PartnerRepresentative.objects.none(),
        required=False,
        empty_label=_("— не выбран —"),
    )

    PERSON_FIELDS = ("staff", "student", "partner_representative")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _without_profile(
            Staff.objects.filter(employment_status=EmploymentStatus.WORKS), Staff
        )
        self.fields["student"].queryset = _without_profile(Student.objects.filter(is_active=True), Student)
        self.fields["partner_representative"].queryset = _without_profile(
            PartnerRepresentative.objects.select_related("organization"), PartnerRepresentative
        )
        self.fields["training_status"].initial = TrainingStatus.NONE

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PERSON_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [name for name in self.PERSON_FIELDS if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                _("Выберите одного человека: педагога, обучающегося или представителя партнёра.")
            )
        return data

    def person(self) -> Staff | Student | PartnerRepresentative:
        return next(self.cleaned_data[name] for name in self.PERSON_FIELDS if self.cleaned_data.get(name))


class QuestionnaireForm(forms.Form):
    """«Чем я могу быть полезен как наставник», built from ``programs.services.mentors.QUESTIONS``."""

    def __init__(
        self,
        *args: Any,
        areas: list[DifficultyArea],
        stored: Mapping[str, Any] | None = None,
        require_main: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        stored = stored or {}
        for question in QUESTIONS:
            required = require_main and question.main
            value = stored.get(question.code)
            field: forms.Field
            if question.kind == TEXT:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
            elif question.kind == CHOICE:
                field = forms.TypedChoiceField(
                    choices=[(str(code), label) for code, label in question.choices],
                    coerce=str,
                    widget=forms.RadioSelect,
                )
                # Older data may hold the label itself («очно»): select the matching choice.
                by_label = {str(label): str(code) for code, label in question.choices}
                value = by_label.get(str(value), str(value)) if value is not None else None
            elif question.kind == YES_NO:
                field = forms.TypedChoiceField(
                    choices=[("yes", _("да")), ("no", _("нет"))], widget=forms.RadioSelect
                )
                value = None if value is None else ("yes" if value else "no")
            elif question.kind == MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=question.choices, widget=forms.CheckboxSelectMultiple
                )
            elif question.kind == AREAS:
                field = forms.MultipleChoiceField(
                    choices=[(a.code, a.name) for a in areas], widget=forms.CheckboxSelectMultiple
                )
            else:  # pragma: no cover - a programming error in QUESTIONS
                raise ValueError(question.kind)
            field.label = question.text
            field.help_text = question.help_text
            field.required = required
            field.initial = value
            if required:
                field.error_messages["required"] = _("Ответьте, пожалуйста, на этот вопрос.")
            self.fields[question.code] = field

    def answers(self) -> dict[str, Any]:
        given = dict(self.cleaned_data)
        for question in QUESTIONS:
            if question.kind == YES_NO and given.get(question.code) in ("yes", "no"):
                given[question.code] = given[question.code] == "yes"
        return clean_answers(given)


class MentorFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("ФИО, предмет, метка")}),
    )
    availability = forms.ChoiceField(
        label=_("Загрузка"),
        required=False,
        choices=[
            ("", _("Все")),
            (MENTOR_FREE, _("есть свободные места")),
            (MENTOR_FULL, _("нет свободных мест")),
            (MENTOR_INACTIVE, _("не принимают наставляемых")),
        ],
    )
    area = forms.ModelChoiceField(
        label=_("Может помочь в области"),
        required=False,
        queryset=DifficultyArea.objects.filter(is_active=True).order_by("order", "name"),
        empty_label=_("Любая"),
    )
    trained = forms.BooleanField(label=_("Только обученные"), required=False)


class _MentorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MentorProfile) -> str:
        description = obj.participant.description
        return f"{obj.participant.full_name} — {description}" if description else obj.participant.full_name


class RegistryForm(forms.Form):
    mentors = _MentorsField(
        label=_("Наставники"),
        queryset=MentorProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = registry_candidates()


APPROVE = "approve"
RETURN = "return"


class RegistryDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[(APPROVE, _("утвердить")), (RETURN, _("вернуть на доработку"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Обязателен, если реестр возвращается на доработку"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Напишите, что нужно исправить: без комментария реестр не вернуть."))
        return data
