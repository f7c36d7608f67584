"""The cabinet of a mentor or a mentee: ``{% load cabinet %}{% cabinet empty=… %}``.

The home page belongs to the schools app; this tag keeps the mentoring reads here and runs a fixed
number of queries whatever the number of pairs, activities and entries
(programs/selectors_cabinet.py).
"""

from __future__ import annotations

from django import template

from programs.selectors_cabinet import cabinet as cabinet_of
from schools.models import Role

register = template.Library()


@register.inclusion_tag("programs/cabinet/cabinet.html", takes_context=True)
def cabinet(context: template.Context, empty: str = "") -> dict:
    """The user's pairs with programs, deadlines, journal and requests; ``empty`` when there are none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    data = None
    if user is not None and user.is_authenticated and tenant is not None and tenant.school is not None:
        data = cabinet_of(user, diagnostics=tenant.has_role(Role.MENTEE))
    return {"cabinet": data, "empty": empty, "request": request}
