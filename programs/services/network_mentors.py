"""A network mentor's way into the school of their pair: the role «Наставник» there while it works.

A network pair belongs to the mentees' school; its mentor is a person of another school of the
municipality (or a partner's representative). The mentor's own work contexts are scoped to their
own school, where the pair is invisible. So when such a pair is fixed by order (and again when it
starts, for a pair fixed before its mentor had an account), the mentor's account gets the role
«Наставник» in the pair's school, marked ``for_network_pairs``. There the usual mentor rules apply:
a mentor reads only their own pairs (``pairs_of_user``), and no list of the school.

When the mentor's last fixed or working pair in that school ends (completed, ended early, a draft
deleted), the marked role is removed. A role given by hand is never marked and never touched, and
the user's other roles in that school are separate memberships. Partners' representatives have no
account, so nothing is given to them.

The functions run inside the lifecycle services' transactions and write through the scoped
managers, so every change is in the audit trail like any other change of a role.
"""

from __future__ import annotations

from django.db.models import Q

from programs.models import MentoringPair, PairStatus
from schools.models import Membership, Role

# The statuses in which the mentor works with the pair under the director's order.
ACCESS_STATUSES = (PairStatus.FIXED, PairStatus.ACTIVE)


def mentor_account_id(pair: MentoringPair) -> int | None:
    """The account of the pair's mentor (a staff member's or a student's; partners have none)."""
    return pair.mentor.user_id_of_person


def _mentored_by(user_id: int) -> Q:
    return Q(mentor__staff__user_id=user_id) | Q(mentor__student__user_id=user_id)


def grant_network_access(pair: MentoringPair) -> Membership | None:
    """Give the mentor of a fixed or working network pair the mentor role in the pair's school.

    Idempotent: an active mentor role there (given by hand or earlier) is left as it is; an
    inactive one is switched on again, because the director's order is the ground for it now.
    Returns the membership that lets the mentor in, or None when there is nobody to let in.
    """
    if not pair.is_network or pair.status not in ACCESS_STATUSES:
        return None
    user_id = mentor_account_id(pair)
    if user_id is None:
        return None
    membership, created = Membership.objects.get_or_create(
        user_id=user_id,
        role=Role.MENTOR,
        school_id=pair.school_id,
        defaults={"for_network_pairs": True},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.for_network_pairs = True
        membership.save(update_fields=["is_active", "for_network_pairs"])
    return membership


def release_network_access(pair: MentoringPair) -> bool:
    """Remove the marked mentor role in the pair's school once the mentor has no working pair there.

    Called when a network pair ends or after it is deleted (the instance keeps its mentor and
    school). Returns whether a role was removed.
    """
    if not pair.is_network:
        return False
    user_id = mentor_account_id(pair)
    if user_id is None:
        return False
    still_working = (
        MentoringPair.objects.filter(school_id=pair.school_id, status__in=ACCESS_STATUSES)
        .filter(_mentored_by(user_id))
        .exclude(pk=pair.pk)
        .exists()
    )
    if still_working:
        return False
    removed, _rows = Membership.objects.filter(
        user_id=user_id, role=Role.MENTOR, school_id=pair.school_id, for_network_pairs=True
    ).delete()
    return removed > 0
