"""School years: a school year starts on 1 September; 2025 stands for 2025/2026."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def school_year_of(day: date | None = None) -> int:
    day = day or timezone.localdate()
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}/{year + 1}"


def school_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of the school year (1 September – 31 August)."""
    return date(year, 9, 1), date(year + 1, 8, 31)
