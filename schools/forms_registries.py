"""Forms of the registries: filters of the lists, the record forms, the import upload.

Record forms parse and show input; the rules themselves live in schools/services.py and run here
only so that every problem shows up on the first submit, next to its field. Choice querysets are
filled in ``__init__`` from the scoped managers: at import time there is no school scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schools import selectors, services
from schools.imports.files import EXTENSIONS, MAX_FILE_BYTES
from schools.models import (
    PartnerKind,
    PartnerOrganization,
    PartnerRepresentative,
    School,
    Staff,
    Student,
)


def add_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Attach service errors to their fields; errors of fields the form does not show go on top."""
    for field, messages in errors.items():
        target = field if field in form.fields else None  # NON_FIELD_ERRORS is no field either
        for message in messages:
            form.add_error(target, message)


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates, which DATE_INPUT_FORMATS accept."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RegistryForm(forms.ModelForm):
    """A record of one school: the school is given, never chosen."""

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school

    def _post_clean(self) -> None:
        super()._post_clean()
        # The registry rules of the fields that parsed; the duplicate check once all fields did.
        failed = set(self.errors)
        errors = services.validation_errors(self.instance, exclude=failed)
        add_errors(self, {field: messages for field, messages in errors.items() if field not in failed})


class StaffForm(RegistryForm):
    class Meta:
        model = Staff
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "birth_year",
            "position",
            "subjects",
            "hire_date",
            "experience_years",
            "has_pedagogical_education",
            "qualification_category",
            "employment_status",
            "email",
            "returned_after_break_on",
        ]
        widgets = {
            "hire_date": DateInput(),
            "returned_after_break_on": DateInput(),
            "birth_year": forms.NumberInput(attrs={"min": services.MIN_BIRTH_YEAR}),
        }
        help_texts = {
            "subjects": _("Через запятую, например: математика, информатика"),
            "birth_year": _(
                "Нужен для показателя «молодые педагоги до 35 лет» и чтобы различать однофамильцев"
            ),
        }


class StudentForm(RegistryForm):
    class Meta:
        model = Student
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "grade",
            "guardian_name",
            "guardian_phone",
            "guardian_email",
            "email",
            "is_active",
        ]
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "guardian_name": _(
                "Для несовершеннолетних обязательно: без согласия законного представителя участие невозможно"
            ),
        }


class PartnerForm(RegistryForm):
    website = forms.URLField(label=_("Сайт"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = PartnerOrganization
        fields = ["name", "kind", "inn", "address", "phone", "email", "website", "agreement"]
        help_texts = {"inn": _("10 цифр для организации, 12 — для индивидуального предпринимателя")}


class RepresentativeForm(RegistryForm):
    organization = forms.ModelChoiceField(
        label=_("Организация-партнёр"), queryset=PartnerOrganization.objects.none()
    )

    class Meta:
        model = PartnerRepresentative
        fields = ["organization", "last_name", "first_name", "patronymic", "position", "phone", "email"]

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        self.fields["organization"].queryset = PartnerOrganization.objects.filter(school=school).order_by(
            "name"
        )


# --- Lists ---------------------------------------------------------------------------------------


class StudentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("ФИО, класс, законный представитель")}),
    )
    grade = forms.ChoiceField(label=_("Класс"), required=False)
    status = forms.ChoiceField(
        label=_("Статус"),
        required=False,
        choices=[("active", _("Обучаются")), ("left", _("Выбыли")), ("all", _("Все"))],
    )
    minors = forms.BooleanField(label=_("Только несовершеннолетние"), required=False)
    no_guardian = forms.BooleanField(label=_("Без законного представителя"), required=False)
    sort = forms.ChoiceField(
        required=False, choices=[(s, s) for k in selectors.STUDENT_SORTS for s in (k, f"-{k}")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", _("Все классы")), *((g, g) for g in selectors.student_grades())]


class PartnerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Наименование, ИНН, адрес")}),
    )
    kind = forms.ChoiceField(
        label=_("Вид"), required=False, choices=[("", _("Все виды")), *PartnerKind.choices]
    )
    sort = forms.ChoiceField(
        required=False, choices=[(s, s) for k in selectors.PARTNER_SORTS for s in (k, f"-{k}")]
    )


# --- Import --------------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Файл XLSX или CSV"),
        help_text=_("До 5 МБ и 5000 строк. CSV — в кодировке UTF-8 или Windows-1251."),
        widget=forms.FileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Файл слишком большой. Можно загрузить файл до %(limit)s МБ."),
                params={"limit": MAX_FILE_BYTES // 1024 // 1024},
            )
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
