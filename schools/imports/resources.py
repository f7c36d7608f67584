"""django-import-export resources of the school registries, with Russian column names.

The school is never a column: a resource is made for one school (the importing curator's, or the
``--school`` of the command) and every row is read, matched and created inside it. Existing records
are found by a natural key (see ``key_fields`` and docs/import-formats.md), never by an id, so a
file exported from one school can even seed another without touching the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from schools import services
from schools.imports.widgets import (
    ChoiceLabelWidget,
    InnWidget,
    RuDateWidget,
    TextWidget,
    WebsiteWidget,
    WholeNumberWidget,
    YesNoWidget,
)
from schools.models import (
    EmploymentStatus,
    PartnerKind,
    PartnerOrganization,
    QualificationCategory,
    School,
    Staff,
    Student,
)

Key = tuple[Any, ...]


def column(attribute: str, name: str, widget: Any = None, *, keep_when_blank: bool = False) -> Field:
    """A column of the file bound to a model attribute.

    ``keep_when_blank``: an empty cell leaves the record's value as it is (a new record gets the
    model default) — for choices, yes/no and counters, where «empty» cannot be a value.
    """
    return Field(
        attribute=attribute,
        column_name=name,
        widget=widget or TextWidget(),
        saves_null_values=not keep_when_blank,
    )


def one_of(choices: type[models.TextChoices], default: models.TextChoices) -> Promise:
    """«одно из значений: …; пусто — …», built from the choices so that it never drifts from them."""

    def text() -> str:
        return _("одно из значений: %(values)s; пусто — %(default)s") % {
            "values": "; ".join(str(label) for label in choices.labels),
            "default": default.label,
        }

    return lazy(text, str)()


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds the existing record of a row by the resource's natural key.

    The school's records are read once and indexed by key, so an import of 5000 rows does not
    run 5000 lookups.
    """

    def __init__(self, resource: RegistryResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        self.by_key: dict[Key, list[models.Model]] = defaultdict(list)
        for instance in resource.get_queryset():
            self.by_key[resource.instance_key(instance)].append(instance)
        self.claimed: set[int] = set()

    def get_instance(self, row: dict) -> models.Model | None:
        key = self.resource.row_key(row)
        if key is None:  # an unreadable key cell: the row is new and its error is reported on import
            return None
        matches = self.by_key.get(key, [])
        if len(matches) > 1:
            raise ValidationError(
                _(
                    "В базе несколько записей с такими же значениями (%(columns)s): "
                    "исправьте базу вручную, затем повторите импорт."
                )
                % {"columns": self.resource.key_columns_text()}
            )
        instance = matches[0] if matches else self.resource.fallback_instance(key, self)
        if instance is not None:
            self.claimed.add(instance.pk)
        return instance


class RegistryResource(resources.ModelResource):
    """A registry of one school: what every kind of import shares."""

    key_fields: ClassVar[tuple[str, ...]] = ()
    # Key parts that may be empty: a person without a patronymic, a year nobody recorded.
    optional_key_values: ClassVar[tuple[str, ...]] = ("patronymic",)
    # Columns the file must have (their cells may still be empty where the model allows).
    required_columns: ClassVar[tuple[str, ...]] = ()
    # Format and example of each column, for the template's «Пояснения» sheet and the import page.
    column_help: ClassVar[dict[str, tuple[Any, str]]] = {}
    rule_errors: ClassVar[Callable[..., dict[str, list[str]]]]

    def __init__(self, *, school: School) -> None:
        super().__init__()  # copies the class's fields: changing them here stays in this instance
        self.school = school
        # Spreadsheet row numbers of the dataset's rows (set by the runner), for messages that name
        # another row of the file: records that span several rows (programs/imports_history.py).
        self.row_numbers: list[int] = []
        for field in self.fields.values():
            # Names are looked up once per cell; a lazy translation would be re-translated every time.
            field.column_name = str(field.column_name)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        skip_html_diff = True
        use_transactions = True
        instance_loader_class = NaturalKeyLoader

    # --- Scope: one school ------------------------------------------------------------------------

    def get_queryset(self) -> models.QuerySet:
        return self._meta.model.objects.filter(school=self.school).order_by(
            *self._meta.model._meta.ordering, "pk"
        )

    def init_instance(self, row: dict | None = None) -> models.Model:
        return self._meta.model(school=self.school)

    # --- Natural key ------------------------------------------------------------------------------

    def get_instance(self, instance_loader: BaseInstanceLoader, row: dict) -> models.Model | None:
        return instance_loader.get_instance(row)

    @staticmethod
    def _key_part(value: Any) -> Any:
        return services.normalize(value) if isinstance(value, str) else value

    def instance_key(self, instance: models.Model) -> Key:
        return tuple(self._key_part(getattr(instance, self.fields[f].attribute)) for f in self.key_fields)

    def row_key(self, row: dict) -> Key | None:
        """The key of a file row, or None when a key cell is missing, empty or unreadable."""
        parts = []
        for name in self.key_fields:
            field = self.fields[name]
            if field.column_name not in row:
                return None
            try:
                value = field.clean(row)
            except (ValueError, TypeError):
                return None
            if name in self.required_columns and name not in self.optional_key_values and value in ("", None):
                return None
            parts.append(self._key_part(value))
        return tuple(parts)

    def fallback_instance(self, key: Key, loader: NaturalKeyLoader) -> models.Model | None:
        return None

    def key_columns_text(self) -> str:
        return ", ".join(f"«{self.fields[f].column_name}»" for f in self.key_fields)

    # --- Validation -------------------------------------------------------------------------------

    def validate_instance(
        self,
        instance: models.Model,
        import_validation_errors: dict | None = None,
        validate_unique: bool = True,
    ) -> None:
        """Model validation plus the registry rules of schools/services.py, all at once."""
        errors: dict[str, list[str]] = defaultdict(list)
        for field, error in (import_validation_errors or {}).items():
            errors[field].extend(ValidationError(error).messages)
        try:
            # The school and the account are set by us, not by the file; duplicates are matched by key.
            instance.full_clean(
                exclude=[*errors, "school", "user"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                errors[field].extend(messages)
        for field, messages in type(self).rule_errors(instance).items():
            if field not in errors:
                errors[field].extend(messages)
        if errors:
            raise ValidationError(dict(errors))

    def row_warnings(self, instance: models.Model) -> list[str]:
        return []

    def column_for(self, attribute: str) -> str | None:
        """The column a model attribute is read from (None: the error concerns the row as a whole)."""
        if attribute == NON_FIELD_ERRORS:
            return None
        for field in self.fields.values():
            if field.attribute == attribute:
                return str(field.column_name)
        return None

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        """Nothing to do: ModelResource resets id sequences here, but ids are never imported."""


class StaffResource(RegistryResource):
    last_name = column("last_name", gettext_lazy("Фамилия"))
    first_name = column("first_name", gettext_lazy("Имя"))
    patronymic = column("patronymic", gettext_lazy("Отчество"))
    birth_year = column("birth_year", gettext_lazy("Год рождения"), WholeNumberWidget())
    position = column("position", gettext_lazy("Должность"))
    subjects = column("subjects", gettext_lazy("Предметы"))
    hire_date = column("hire_date", gettext_lazy("Дата приёма"), RuDateWidget())
    experience_years = column(
        "experience_years", gettext_lazy("Стаж, лет"), WholeNumberWidget(), keep_when_blank=True
    )
    has_pedagogical_education = column(
        "has_pedagogical_education",
        gettext_lazy("Педагогическое образование"),
        YesNoWidget(),
        keep_when_blank=True,
    )
    qualification_category = column(
        "qualification_category",
        gettext_lazy("Категория"),
        ChoiceLabelWidget(QualificationCategory.choices),
        keep_when_blank=True,
    )
    employment_status = column(
        "employment_status",
        gettext_lazy("Статус"),
        ChoiceLabelWidget(EmploymentStatus.choices),
        keep_when_blank=True,
    )
    email = column("email", gettext_lazy("E-mail"))
    returned_after_break_on = column(
        "returned_after_break_on", gettext_lazy("Дата выхода после перерыва"), RuDateWidget()
    )

    key_fields = ("last_name", "first_name", "patronymic", "birth_year")
    optional_key_values = ("patronymic", "birth_year")
    required_columns = ("last_name", "first_name", "patronymic", "birth_year", "position")
    rule_errors = staticmethod(services.staff_rule_errors)
    column_help = {
        "last_name": (gettext_lazy("текст, обязательно"), gettext_lazy("Иванова")),
        "first_name": (gettext_lazy("текст, обязательно"), gettext_lazy("Мария")),
        "patronymic": (
            gettext_lazy("текст; столбец обязателен, ячейка может быть пустой"),
            gettext_lazy("Петровна"),
        ),
        "birth_year": (
            gettext_lazy("четыре цифры; столбец обязателен, ячейка может быть пустой"),
            "1987",
        ),
        "position": (gettext_lazy("текст, обязательно"), gettext_lazy("учитель математики")),
        "subjects": (gettext_lazy("текст"), gettext_lazy("математика, информатика")),
        "hire_date": (gettext_lazy("дата ДД.ММ.ГГГГ"), "01.09.2015"),
        "experience_years": (gettext_lazy("целое число лет; пусто — 0"), "9"),
        "has_pedagogical_education": (gettext_lazy("да или нет; пусто — да"), gettext_lazy("да")),
        "qualification_category": (
            one_of(QualificationCategory, QualificationCategory.NONE),
            QualificationCategory.FIRST.label,
        ),
        "employment_status": (one_of(EmploymentStatus, EmploymentStatus.WORKS), EmploymentStatus.WORKS.label),
        "email": (gettext_lazy("адрес электронной почты"), "ivanova@school.ru"),
        "returned_after_break_on": (gettext_lazy("дата ДД.ММ.ГГГГ"), ""),
    }

    class Meta(RegistryResource.Meta):
        model = Staff
        fields = (
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
        )
        import_order = fields
        export_order = fields

    def fallback_instance(self, key: Key, loader: NaturalKeyLoader) -> Staff | None:
        """A record kept without a birth year matches a row with one: the row completes it.

        Only when exactly one such record has the name and no earlier row took it, so a file with
        years never doubles people entered by hand without them.
        """
        *name, year = key
        if year is None:
            return None
        candidates = [s for s in loader.by_key.get((*name, None), []) if s.pk not in loader.claimed]
        return candidates[0] if len(candidates) == 1 else None


class StudentResource(RegistryResource):
    last_name = column("last_name", gettext_lazy("Фамилия"))
    first_name = column("first_name", gettext_lazy("Имя"))
    patronymic = column("patronymic", gettext_lazy("Отчество"))
    birth_date = column("birth_date", gettext_lazy("Дата рождения"), RuDateWidget())
    grade = column("grade", gettext_lazy("Класс"))
    guardian_name = column("guardian_name", gettext_lazy("Законный представитель"))
    guardian_phone = column("guardian_phone", gettext_lazy("Телефон представителя"))
    guardian_email = column("guardian_email", gettext_lazy("E-mail представителя"))
    email = column("email", gettext_lazy("E-mail"))
    is_active = column("is_active", gettext_lazy("Обучается"), YesNoWidget(), keep_when_blank=True)

    key_fields = ("last_name", "first_name", "patronymic", "birth_date")
    required_columns = ("last_name", "first_name", "patronymic", "birth_date", "grade")
    rule_errors = staticmethod(services.student_rule_errors)
    column_help = {
        "last_name": (gettext_lazy("текст, обязательно"), gettext_lazy("Смирнов")),
        "first_name": (gettext_lazy("текст, обязательно"), gettext_lazy("Артём")),
        "patronymic": (
            gettext_lazy("текст; столбец обязателен, ячейка может быть пустой"),
            gettext_lazy("Игоревич"),
        ),
        "birth_date": (gettext_lazy("дата ДД.ММ.ГГГГ, обязательно"), "14.03.2011"),
        "grade": (gettext_lazy("класс или группа, обязательно"), gettext_lazy("8Б")),
        "guardian_name": (
            gettext_lazy("ФИО законного представителя; для несовершеннолетних нужно указать"),
            gettext_lazy("Смирнова Ольга Викторовна"),
        ),
        "guardian_phone": (gettext_lazy("телефон"), "+7 912 345-67-89"),
        "guardian_email": (gettext_lazy("адрес электронной почты"), "smirnova@mail.ru"),
        "email": (gettext_lazy("адрес электронной почты обучающегося"), ""),
        "is_active": (gettext_lazy("да или нет; пусто — да"), gettext_lazy("да")),
    }

    class Meta(RegistryResource.Meta):
        model = Student
        fields = (
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
        )
        import_order = fields
        export_order = fields

    def row_warnings(self, instance: Student, today: date | None = None) -> list[str]:
        return services.student_warnings(instance, today=today)


class PartnerResource(RegistryResource):
    name = column("name", gettext_lazy("Наименование"))
    kind = column("kind", gettext_lazy("Вид"), ChoiceLabelWidget(PartnerKind.choices), keep_when_blank=True)
    inn = column("inn", gettext_lazy("ИНН"), InnWidget())
    address = column("address", gettext_lazy("Адрес"))
    phone = column("phone", gettext_lazy("Телефон"))
    email = column("email", gettext_lazy("E-mail"))
    website = column("website", gettext_lazy("Сайт"), WebsiteWidget())
    agreement = column("agreement", gettext_lazy("Соглашение о сотрудничестве"))

    key_fields = ("name",)
    required_columns = ("name",)
    rule_errors = staticmethod(services.partner_rule_errors)
    column_help = {
        "name": (gettext_lazy("текст, обязательно"), gettext_lazy("ООО «Уралмаш-Сервис»")),
        "kind": (one_of(PartnerKind, PartnerKind.ENTERPRISE), PartnerKind.UNIVERSITY.label),
        "inn": (gettext_lazy("10 или 12 цифр"), "6673123456"),
        "address": (gettext_lazy("текст"), gettext_lazy("г. Екатеринбург, ул. Ленина, 1")),
        "phone": (gettext_lazy("телефон"), "+7 343 123-45-67"),
        "email": (gettext_lazy("адрес электронной почты"), "info@uralmash.ru"),
        "website": (gettext_lazy("адрес сайта"), "https://uralmash.ru"),
        "agreement": (gettext_lazy("номер и дата соглашения"), gettext_lazy("№ 12 от 01.09.2024")),
    }

    class Meta(RegistryResource.Meta):
        model = PartnerOrganization
        fields = ("name", "kind", "inn", "address", "phone", "email", "website", "agreement")
        import_order = fields
        export_order = fields
