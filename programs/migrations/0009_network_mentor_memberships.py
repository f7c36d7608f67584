"""Network mentors of pairs already fixed or working get the mentor role in the pair's school.

The pair lifecycle gives this role from now on (programs/services/network_mentors.py); pairs fixed
before it did not, so their mentors could not reach them. Same rule as the service: a role given by
hand is left as it is, an inactive one is switched on and marked. Partners' representatives have no
account and get nothing.
"""

from django.db import migrations
from django.db.models import Q

ACCESS_STATUSES = ("fixed", "active")


def backfill(apps, schema_editor):
    Pair = apps.get_model("programs", "MentoringPair")
    Membership = apps.get_model("schools", "Membership")
    rows = (
        Pair.objects.filter(is_network=True, status__in=ACCESS_STATUSES)
        .filter(Q(mentor__staff__user__isnull=False) | Q(mentor__student__user__isnull=False))
        .values_list("school_id", "mentor__staff__user_id", "mentor__student__user_id")
    )
    wanted = {(school_id, staff_user or student_user) for school_id, staff_user, student_user in rows}
    for school_id, user_id in sorted(wanted):
        membership, created = Membership.objects.get_or_create(
            user_id=user_id, role="mentor", school_id=school_id, defaults={"for_network_pairs": True}
        )
        if not created and not membership.is_active:
            Membership.objects.filter(pk=membership.pk).update(is_active=True, for_network_pairs=True)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_backfill_program_approval"),
        ("schools", "0006_membership_for_network_pairs"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
