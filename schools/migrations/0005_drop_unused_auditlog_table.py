"""Drop the table of auditlog's own entry model, which the project replaces with schools.AuditEntry.

auditlog's migrations create ``auditlog_logentry`` even when AUDITLOG_LOGENTRY_MODEL points
elsewhere. Nothing writes to it, but its foreign key to the users table makes PostgreSQL refuse to
empty that table (TRUNCATE), which is how transactional tests reset the database. Upgrading
auditlog must be checked against this: a later migration of its own table would fail.
"""

from django.db import migrations


def drop(apps, schema_editor):
    cascade = " CASCADE" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TABLE IF EXISTS auditlog_logentry{cascade}")


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0004_audit_entry"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
