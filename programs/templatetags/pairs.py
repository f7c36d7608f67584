"""Template helpers of the pair screens: ``{% load pairs %}``.

``{% my_pairs %}`` puts a mentor's or mentee's own pairs into their cabinet (the home page belongs
to the schools app; the tag keeps the pair queries here, a fixed number of them).
"""

from __future__ import annotations

from django import template

from programs.models import PairRequest, PairStatus
from programs.selectors_pairs import my_pairs as my_pairs_of

register = template.Library()

STATUS_CLASSES = {
    PairStatus.DRAFT: "text-bg-secondary",
    PairStatus.CONSENTS: "text-bg-info",
    PairStatus.FIXED: "text-bg-primary",
    PairStatus.ACTIVE: "text-bg-success",
    PairStatus.COMPLETED: "text-bg-dark",
    PairStatus.ENDED_EARLY: "text-bg-warning",
}
REQUEST_CLASSES = {
    PairRequest.Status.OPEN: "text-bg-warning",
    PairRequest.Status.ACCEPTED: "text-bg-success",
    PairRequest.Status.DECLINED: "text-bg-secondary",
}


@register.filter
def pair_status_class(status: str) -> str:
    """Bootstrap badge class of a pair status."""
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.filter
def request_status_class(status: str) -> str:
    return REQUEST_CLASSES.get(status, "text-bg-light")


@register.inclusion_tag("programs/pairs/_my_pairs.html", takes_context=True)
def my_pairs(context: template.Context, empty: str = "") -> dict:
    """The user's pairs in the current school (3 queries), or ``empty`` when there are none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    pairs = my_pairs_of(user) if user is not None and user.is_authenticated else []
    return {"pairs": pairs, "empty": empty, "request": request}
