"""Changing the terms (start and planned end) of a pair that is not yet fixed by order.

pairs.py owns the lifecycle; this is the one edit of the pair screens it does not cover. Like the
composition, the terms of a fixed pair change only by a new order.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from programs.models import MentoringPair, PairEvent, PairStatus
from programs.services.pairs import PairError


@transaction.atomic
def change_terms(
    pair: MentoringPair, *, start_date: date, planned_end_date: date, acting_user
) -> MentoringPair:
    """New dates for a draft (or consents-collected) pair, kept in its history."""
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if (pair.start_date, pair.planned_end_date) == (start_date, planned_end_date):
        return pair
    if pair.status not in (PairStatus.DRAFT, PairStatus.CONSENTS):
        raise PairError(_("Сроки пары, закреплённой приказом, меняются только новым приказом."))
    if planned_end_date <= start_date:
        raise PairError({"planned_end_date": [_("Плановое окончание должно быть позже начала.")]})
    pair.start_date, pair.planned_end_date = start_date, planned_end_date
    pair.save(update_fields=["start_date", "planned_end_date", "updated_at"])
    PairEvent.objects.create(
        pair=pair,
        actor=acting_user,
        description=_("Изменены сроки: с %(start)s по %(end)s.")
        % {"start": start_date.strftime("%d.%m.%Y"), "end": planned_end_date.strftime("%d.%m.%Y")},
    )
    return pair
