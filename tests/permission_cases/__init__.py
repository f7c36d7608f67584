"""The permission table: one module per area, each defining ``CASES = {url name: Case(...)}``.

A new area adds its module here; tests/test_permissions.py walks the merged table and fails when a
URL pattern has no case. Object kwargs are built lazily from the ``world`` fixture, so a case may
create the school-A object it needs (inside ``scopes_disabled()``).
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.permission_cases.base import Case

CASES: dict[str, Case] = {}
for _module in pkgutil.iter_modules(__path__):
    if _module.name == "base":
        continue
    _cases = importlib.import_module(f"{__name__}.{_module.name}").CASES
    _clash = set(_cases) & set(CASES)
    assert not _clash, f"URL names with two permission cases: {_clash}"
    CASES.update(_cases)

__all__ = ["CASES", "Case"]
