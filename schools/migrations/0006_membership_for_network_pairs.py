"""Memberships given by the pair lifecycle to network mentors are marked, so that they can be removed.

A network pair belongs to the mentee's school; its mentor, a person of another school, gets the
role «Наставник» there while the pair works (programs/services/network_mentors.py). A role given
by hand is never marked and never removed by the lifecycle.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0005_drop_unused_auditlog_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="for_network_pairs",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Роль наставника выдана автоматически по сетевой паре, закреплённой приказом; "
                    "снимается, когда такие пары наставника в этой организации завершены"
                ),
                verbose_name="для сетевых пар",
            ),
        ),
    ]
