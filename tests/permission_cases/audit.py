"""Permission cases of the page «Журнал действий» (the director's school; the admin sees all)."""

from __future__ import annotations

from tests.permission_cases.base import Case

CASES: dict[str, Case] = {
    "schools:audit-log": Case(owner_role="director"),
}
