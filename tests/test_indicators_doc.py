"""docs/indicators.md describes every indicator of the catalog (and nothing the catalog lacks)."""

from __future__ import annotations

import re
from pathlib import Path

from monitoring.indicators import CATALOG, PER_FORM_PREFIXES

DOC = Path(__file__).resolve().parent.parent / "docs" / "indicators.md"


def test_every_indicator_of_the_catalog_is_defined_in_the_document():
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)`", text, flags=re.MULTILINE))
    catalog = {indicator.code for indicator in CATALOG}
    assert not catalog - documented, f"Not defined in docs/indicators.md: {sorted(catalog - documented)}"
    assert not documented - catalog, f"Defined but not in the catalog: {sorted(documented - catalog)}"
    for prefix in PER_FORM_PREFIXES:
        assert f"`{prefix}<код формы>`" in text


def test_every_share_names_parts_that_exist():
    codes = {indicator.code for indicator in CATALOG}
    for indicator in CATALOG:
        if indicator.is_share:
            assert {indicator.numerator, indicator.denominator} <= codes, indicator.code
