"""Cell conversions for Russian spreadsheets: ДД.ММ.ГГГГ dates, «да»/«нет», choice labels.

Each widget turns what a person types in Excel (or what Excel stores for them: a real date, a
number for a phone) into the model value, and renders the model value back into the same form, so
that an exported file imports again without a change. A value that cannot be read raises
ValueError with a Russian message; django-import-export reports it against the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from schools.services import normalize

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S")
YES = gettext_lazy("да")
NO = gettext_lazy("нет")
# Besides «да»/«нет» and their first letters, what other tools write for a boolean.
_YES_WORDS = {"yes", "y", "true", "1", "+"}
_NO_WORDS = {"no", "n", "false", "0", "-"}


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_as_text(value: int | float) -> str:
    """A number Excel stored for a phone, an INN or a class: 89121234567.0 → «89121234567»."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TextWidget(widgets.CharWidget):
    """Text with surrounding spaces removed; a number cell becomes its digits."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        if is_empty(value):
            return ""
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return _number_as_text(value)
        if isinstance(value, datetime | date):
            return value.strftime("%d.%m.%Y")
        return str(value).strip()

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class WebsiteWidget(TextWidget):
    """«school.ru» is what people write; the model keeps a full address, so add the scheme."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        text = super().clean(value, row, **kwargs)
        if text and "://" not in text:
            text = f"https://{text}"
        return text


class InnWidget(TextWidget):
    """ИНН: 10 digits (organisation) or 12 (individual entrepreneur).

    Excel turns an ИНН typed without a text format into a number and drops a leading zero; a number
    one digit short of 10 or 12 gets its zero back.
    """

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        text = super().clean(value, row, **kwargs)
        if isinstance(value, int | float) and len(text) in (9, 11):
            text = "0" + text
        text = text.replace(" ", "")
        if text and not re.fullmatch(r"\d{10}|\d{12}", text):
            raise ValueError(_("ИНН состоит из 10 цифр (организация) или 12 цифр (ИП)."))
        return text


class RuDateWidget(widgets.Widget):
    """Dates as ДД.ММ.ГГГГ (also ГГГГ-ММ-ДД and real Excel dates); rendered as ДД.ММ.ГГГГ."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> date | None:
        if is_empty(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(
            _("Не удалось прочитать дату «%(value)s»: нужен формат ДД.ММ.ГГГГ, например 01.09.2010.")
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str | date:
        if not isinstance(value, date):
            return ""
        if kwargs.get("force_native_type"):
            return value
        return value.strftime("%d.%m.%Y")


class WholeNumberWidget(widgets.Widget):
    """A whole number; «5,0» and 5.0 are 5, «3,5» and «пять» are errors."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> int | None:
        if is_empty(value):
            return None
        if isinstance(value, bool | date | datetime):
            raise ValueError(_("Укажите целое число."))
        if isinstance(value, int):
            return value
        text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Укажите целое число, а не «%(value)s».") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**6:
            raise ValueError(_("Укажите целое число, а не «%(value)s».") % {"value": value})
        return int(number)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> int | str:
        return value if isinstance(value, int) else ""


class YesNoWidget(widgets.Widget):
    """«да» / «нет» (also д/н, 1/0, yes/no); an empty cell means: leave as it is."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> bool | None:
        if is_empty(value):
            return None
        if isinstance(value, bool):
            return value
        word = normalize(_number_as_text(value) if isinstance(value, int | float) else value)
        yes, no = normalize(YES), normalize(NO)
        if word in _YES_WORDS or word in (yes, yes[:1]):
            return True
        if word in _NO_WORDS or word in (no, no[:1]):
            return False
        raise ValueError(_("Укажите «да» или «нет», а не «%(value)s».") % {"value": value})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return str(YES if value else NO)


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its Russian label, in any letter case; rendered as the label.

    The stored value («works») is accepted too, so files made by other tools import as well.
    """

    def __init__(self, choices: Iterable[tuple[str, Any]]) -> None:
        super().__init__()
        self.choices = list(choices)

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str | None:
        if is_empty(value):
            return None
        wanted = normalize(value)
        for stored, label in self.choices:
            if wanted in (normalize(label), normalize(stored)):
                return stored
        allowed = "; ".join(str(label) for _stored, label in self.choices)
        raise ValueError(
            _("Неизвестное значение «%(value)s». Допустимые значения: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(dict(self.choices).get(value, value or ""))
