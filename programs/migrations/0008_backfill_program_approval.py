"""Programs past their draft that carry no approval date get their start day as one.

History imports wrote such programs before they set the date; monitoring counts a program from its
approval, so without a date these programs were missing from the indicators.
"""

from datetime import datetime, time

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    Program = apps.get_model("programs", "PersonalizedProgram")
    rows = Program.objects.filter(approved_at__isnull=True).exclude(status="draft")
    for program in rows.only("pk", "start_date").iterator():
        approved = timezone.make_aware(datetime.combine(program.start_date, time(8)))
        Program.objects.filter(pk=program.pk).update(approved_at=approved)


class Migration(migrations.Migration):
    dependencies = [("programs", "0007_documents")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
