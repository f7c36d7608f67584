"""The ``ru_plural`` filter: a noun that agrees with its number by the Russian rule (1 год, 2 года, 5 лет)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from schools.templatetags.ru import ru_plural

YEARS = "год,года,лет"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "лет"),
        (1, "год"),
        (2, "года"),
        (4, "года"),
        (5, "лет"),
        (11, "лет"),
        (12, "лет"),
        (14, "лет"),
        (21, "год"),
        (22, "года"),
        (25, "лет"),
        (101, "год"),
        (111, "лет"),
    ],
)
def test_the_form_follows_the_russian_rule(n, expected):
    assert ru_plural(n, YEARS) == expected
    assert ru_plural(str(n), YEARS) == expected


@pytest.mark.parametrize("value", ["", "много", None, object()])
def test_a_value_that_is_not_a_number_takes_the_many_form(value):
    assert ru_plural(value, YEARS) == "лет"


def test_a_number_grouped_by_intcomma_still_counts():
    assert ru_plural("1\xa0231", YEARS) == "год"
    assert ru_plural("1\xa0234", YEARS) == "года"


def test_the_forms_may_be_phrases():
    forms = "молодой специалист,молодых специалиста,молодых специалистов"
    assert [ru_plural(n, forms) for n in (1, 3, 10)] == [
        "молодой специалист",
        "молодых специалиста",
        "молодых специалистов",
    ]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 год"), (2, "2 года"), (12, "12 лет"), (42, "42 года"), (444, "444 года"), ("x", "x лет")],
)
def test_the_filter_renders_in_a_template_with_a_marked_argument(n, expected):
    template = Template('{% load ru %}{{ n }} {{ n|ru_plural:_("год,года,лет") }}')
    with translation.override("ru"):
        assert template.render(Context({"n": n})) == expected
