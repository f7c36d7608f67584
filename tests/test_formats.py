"""Russian conventions: the interface language, ДД.ММ.ГГГГ dates, numbers and the Moscow time zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_scopes import scopes_disabled

BASE_DIR = Path(settings.BASE_DIR)


def test_the_interface_language_is_russian_even_for_a_browser_asking_for_english(client, world):
    client.force_login(world.user("a", "curator"))
    for accept in ("ru-RU,ru;q=0.9", "en-US,en;q=0.9", ""):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=accept)
        assert response["Content-Language"] == "ru", accept
        html = response.content.decode()
        assert '<html lang="ru">' in html
        assert "Рабочий стол куратора" in html
    assert [code for code, _ in settings.LANGUAGES] == ["ru"]
    assert settings.LANGUAGE_CODE == "ru"


def test_the_login_page_is_russian_for_anonymous_visitors(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.8")
    assert response["Content-Language"] == "ru"
    assert "Вход в систему" in response.content.decode()


def test_the_staff_card_shows_the_hire_date_as_dd_mm_yyyy(client, world):
    staff = world.a.staff
    with scopes_disabled():
        staff.hire_date = date(2024, 9, 2)
        staff.save(update_fields=["hire_date"])
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("schools:staff-detail", kwargs={"pk": staff.pk})).content.decode()
    assert "02.09.2024" in html
    assert "2024-09-02" not in html
    assert "Sept" not in html and "сентября" not in html


@pytest.mark.parametrize(
    ("value", "format_name", "expected"),
    [
        (date(2024, 9, 2), "DATE_FORMAT", "02.09.2024"),
        (date(2024, 9, 2), "SHORT_DATE_FORMAT", "02.09.2024"),
        (date(2025, 1, 31), "DATE_FORMAT", "31.01.2025"),
        (datetime(2024, 9, 2, 8, 5), "DATETIME_FORMAT", "02.09.2024 08:05"),
        (datetime(2024, 9, 2, 8, 5), "SHORT_DATETIME_FORMAT", "02.09.2024 08:05"),
    ],
)
def test_dates_are_formatted_as_dd_mm_yyyy_in_russian(value, format_name, expected):
    with translation.override("ru"):
        assert formats.date_format(value, format_name) == expected


def test_date_format_without_arguments_gives_dd_mm_yyyy_under_the_active_language():
    assert translation.get_language() == "ru"
    assert formats.date_format(date(2024, 9, 2)) == "02.09.2024"


def test_a_date_field_accepts_a_date_typed_as_dd_mm_yyyy():
    class F(forms.Form):
        d = forms.DateField()

    with translation.override("ru"):
        for typed in ("02.09.2024", "02.09.24", "2024-09-02"):
            form = F({"d": typed})
            assert form.is_valid(), (typed, form.errors)
            assert form.cleaned_data["d"] == date(2024, 9, 2)
        assert not F({"d": "09/02/2024"}).is_valid()


def test_numbers_group_thousands_with_a_non_breaking_space_and_use_a_decimal_comma():
    with translation.override("ru"):
        assert formats.number_format(1234567, force_grouping=True) == "1\xa0234\xa0567"
        assert formats.number_format(3.5, decimal_pos=1) == "3,5"


def test_times_are_shown_in_moscow_time_by_default():
    assert settings.TIME_ZONE == "Europe/Moscow"
    moment = datetime(2024, 9, 2, 6, 0, tzinfo=UTC)
    with translation.override("ru"):
        assert formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") == "02.09.2024 09:00"


def _settings_time_zone(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "mentoring.settings", **extra_env})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TIME_ZONE, settings.CELERY_TIMEZONE)",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_time_zone_defaults_to_moscow_and_is_set_by_django_time_zone():
    assert _settings_time_zone({}) == "Europe/Moscow Europe/Moscow"
    assert (
        _settings_time_zone({"DJANGO_TIME_ZONE": "Asia/Yekaterinburg"})
        == "Asia/Yekaterinburg Asia/Yekaterinburg"
    )
