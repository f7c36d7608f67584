"""Request guards that hold for every view."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse


class NulInQueryString(SuspiciousOperation):
    """A NUL character in the query string: no person types one, and PostgreSQL refuses it."""


class RejectNulInQueryMiddleware:
    """Answer 400 to a query string holding a NUL character.

    Forms refuse NUL in their fields (Django's ProhibitNullCharactersValidator), but filters and
    search boxes read ``request.GET`` too, and a NUL that reaches a PostgreSQL query fails it with
    a server error. Refusing it here keeps every present and future view safe.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            raise NulInQueryString("NUL character in the query string")
        return self.get_response(request)
