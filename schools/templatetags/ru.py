"""Template filters for the Russian interface: ``{% load ru %}``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _as_number(value: object) -> Decimal | None:
    """The number a template value stands for: an int, a float, or a string such as "42" or "1 234"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def plural_index(n: int) -> int:
    """0, 1 or 2: the one / few / many form of a Russian noun after the number n."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


@register.filter
def ru_plural(value: object, forms: str) -> str:
    """The form of a noun that agrees with the number ``value``: ``{{ n|ru_plural:_("год,года,лет") }}``.

    ``forms`` is the comma-separated triple one, few, many: 1 год, 2 года, 5 лет.

    Why a filter and not ``{% blocktranslate count %}``: Russian is the source language of the
    interface, so there is no Russian translation catalogue, and without a catalogue gettext falls
    back to the source strings with the English rule (one form for 1, the other for everything
    else) — it cannot carry three plural forms. The Russian rule is therefore applied here, while
    the ``_("…")`` argument keeps the words marked for translation into other languages.

    Numbers may come as strings ("21", "1 234" after ``intcomma``). A fraction takes the few form
    (2,5 года); a value that is not a number at all takes the many form.
    """
    parts = [part.strip() for part in str(forms).split(",")]
    if len(parts) != 3:
        return str(forms)
    number = _as_number(value)
    if number is None:
        return parts[2]
    if number != number.to_integral_value():
        return parts[1]
    return parts[plural_index(int(number))]
