"""The «Анкеты» card of a mentor's or a mentee's cabinet: ``{% load survey_tags %}{% surveys_card %}``.

The cabinet belongs to the programs app; this tag keeps the questionnaire reads here (three
queries, whatever the number of pairs).
"""

from __future__ import annotations

from django import template

from monitoring.services_surveys import my_surveys
from schools.models import PARTICIPANT_ROLES
from schools.years import school_year_of

register = template.Library()


@register.inclusion_tag("monitoring/surveys/_cabinet_card.html", takes_context=True)
def surveys_card(context: template.Context) -> dict:
    """The user's questionnaires of the year, how many wait; nothing when none are offered."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    items = []
    if (
        user is not None
        and user.is_authenticated
        and tenant is not None
        and tenant.school is not None
        and tenant.has_role(*PARTICIPANT_ROLES)
    ):
        items = my_surveys(user, tenant.school, school_year_of())
    return {"items": items, "to_fill": sum(1 for item in items if not item.filled)}
