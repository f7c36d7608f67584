"""Template helpers of the dashboards: ``{% load dashboard_tags %}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(row: Any, key: str) -> Any:
    """A table row's cell by column key."""
    return row.cells.get(key)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def figure(value: Any) -> str:
    """A number as the dashboards print it: «—» for no figure, shares with one decimal (17,3)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal | float):
        return number_format(value, 1)
    if isinstance(value, int):
        return intcomma(value)
    return str(value)


@register.filter
def svg_number(value: Any) -> str:
    """A length for an SVG attribute: a dot as the decimal separator whatever the locale."""
    try:
        return f"{float(value):.1f}"
    except (TypeError, ValueError):
        return "0"
