"""The row type of the permission table (see tests/test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import World


@dataclass(frozen=True)
class Case:
    owner_role: str | None  # role of school A that may open the page; None for public pages
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict] = lambda w: {}
    addresses_object: bool = False  # the URL or its data names one school-A object
    public: bool = False
    owner_status: int = 200
    extra_ok: tuple[int, ...] = field(default=())
