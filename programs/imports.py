"""Import of the register of local acts: acts a school adopted before Nastavnik, from a spreadsheet.

``python manage.py import_data documents FILE --school CODE`` and the browser import page
(``/import/documents/``) read the same columns: «Документ» (which of the seven required acts),
«Наименование», «Номер», «Дата», «Ссылка», «Примечание». The same guarantees as the registries
(schools/imports/): every row is checked first, errors are reported by row and column, and a file
with a single error writes nothing. Scans are attached on the register page afterwards.

A row updates the act of the same school with the same «Документ», «Номер» and «Дата»; otherwise it
adds one. The rules of a row are those of the form (programs/services/acts.py): the date not in
the future, the address required for the website section.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import ExternalAct, RequiredAct
from programs.services import acts as services
from schools.imports.kinds import KINDS, ImportKind, register
from schools.imports.resources import RegistryResource, column
from schools.imports.widgets import RuDateWidget, TextWidget, WebsiteWidget, is_empty
from schools.services import normalize

IMPORT_KEY = "documents"

# Short forms people write besides the full labels of RequiredAct and the codes (any letter case).
ALIASES: dict[str, tuple[Any, ...]] = {
    RequiredAct.WEBSITE: (
        gettext_lazy("сайт"),
        gettext_lazy("раздел на сайте"),
        gettext_lazy("раздел «Наставничество»"),
        gettext_lazy("раздел сайта"),
        gettext_lazy("страница на сайте"),
    ),
    RequiredAct.REGULATION: (gettext_lazy("положение"), gettext_lazy("положение о наставничестве")),
    RequiredAct.PROGRAM: (gettext_lazy("программа"), gettext_lazy("программа наставничества ОО")),
    RequiredAct.ORDER_PAIRS: (
        gettext_lazy("приказ о закреплении пар"),
        gettext_lazy("приказ о парах"),
        gettext_lazy("приказ о закреплении наставнических пар (групп)"),
        gettext_lazy("приказ о наставнических парах"),
    ),
    RequiredAct.ORDER_TARGET_MODEL: (
        gettext_lazy("приказ о ЦМН"),
        gettext_lazy("приказ о внедрении целевой модели"),
        gettext_lazy("приказ о внедрении целевой модели наставничества"),
        gettext_lazy("ЦМН"),
    ),
    RequiredAct.ORDER_CURATOR: (
        gettext_lazy("приказ о кураторе"),
        gettext_lazy("приказ о куратора"),
        gettext_lazy("приказ о назначении куратора наставничества"),
        gettext_lazy("куратор"),
    ),
    RequiredAct.ROADMAP: (
        gettext_lazy("дорожная карта"),
        gettext_lazy("дорожная карта внедрения целевой модели наставничества"),
        gettext_lazy("план мероприятий"),
    ),
}


def _strip_quotes(text: str) -> str:
    return text.replace("«", "").replace("»", "").replace('"', "")


def requirement_of(value: Any) -> str | None:
    """The RequiredAct of a cell: its label, its code or a short form, in any letter case; None if unknown."""
    wanted = _strip_quotes(normalize(value))
    for requirement in RequiredAct:
        names = (requirement.value, requirement.label, *ALIASES.get(requirement.value, ()))
        if wanted in {_strip_quotes(normalize(name)) for name in names}:
            return requirement.value
    return None


class RequiredActWidget(TextWidget):
    """«Документ»: one of the seven required acts; rendered as its label."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        if is_empty(value):
            return ""
        requirement = requirement_of(super().clean(value, row, **kwargs))
        if requirement is None:
            raise ValueError(
                _("Неизвестный документ «%(value)s». Допустимые значения: %(allowed)s.")
                % {"value": value, "allowed": "; ".join(str(label) for label in RequiredAct.labels)}
            )
        return requirement

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(RequiredAct(value).label) if value in RequiredAct.values else ""


def _requirement_help() -> str:
    return _(
        "одно из значений: %(values)s; можно кратко: «Положение», «Программа», «Приказ о парах», «Приказ о ЦМН», «Приказ о кураторе», «Дорожная карта», «Сайт»"
    ) % {"values": "; ".join(str(label) for label in RequiredAct.labels)}


class ExternalActResource(RegistryResource):
    requirement = column("requirement", gettext_lazy("Документ"), RequiredActWidget())
    title = column("title", gettext_lazy("Наименование"))
    number = column("number", gettext_lazy("Номер"))
    adopted_on = column("adopted_on", gettext_lazy("Дата"), RuDateWidget())
    url = column("url", gettext_lazy("Ссылка"), WebsiteWidget())
    note = column("note", gettext_lazy("Примечание"))

    key_fields = ("requirement", "number", "adopted_on")
    optional_key_values = ("number",)
    required_columns = ("requirement", "number", "adopted_on")
    rule_errors = staticmethod(services.external_act_rule_errors)
    column_help = {
        "requirement": (lazy(_requirement_help, str)(), RequiredAct.REGULATION.label),
        "title": (
            gettext_lazy("текст, как в документе"),
            gettext_lazy("Положение о системе наставничества педагогических работников"),
        ),
        "number": (gettext_lazy("текст; столбец обязателен, ячейка может быть пустой"), gettext_lazy("45-о")),
        "adopted_on": (gettext_lazy("дата ДД.ММ.ГГГГ, обязательно, не в будущем"), "01.09.2023"),
        "url": (
            gettext_lazy("адрес страницы; обязательно для раздела на сайте"),
            "https://school.ru/nastavnichestvo",
        ),
        "note": (gettext_lazy("текст"), gettext_lazy("утверждено приказом № 45-о")),
    }

    class Meta(RegistryResource.Meta):
        model = ExternalAct
        fields = ("requirement", "title", "number", "adopted_on", "url", "note")
        import_order = fields
        export_order = fields

    def validate_instance(
        self,
        instance: ExternalAct,
        import_validation_errors: dict | None = None,
        validate_unique: bool = True,
    ) -> None:
        """An empty «Дата» gets the form's words, not the model's «cannot be null»."""
        errors = dict(import_validation_errors or {})
        if instance.adopted_on is None and "adopted_on" not in errors:
            errors["adopted_on"] = [_("Укажите дату принятия документа.")]
        super().validate_instance(instance, errors, validate_unique)


def register_import_kind() -> None:
    """Add the kind to the import registry (called once from ProgramsConfig.ready)."""
    if IMPORT_KEY in KINDS:
        return
    register(
        ImportKind(
            key=IMPORT_KEY,
            resource=ExternalActResource,
            title=gettext_lazy("Локальные акты, принятые до Наставника"),
            sheet_title=gettext_lazy("Локальные акты"),
            file_stem="lokalnye-akty",
            list_url="programs:act-register",
        )
    )
