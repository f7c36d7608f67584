"""Steps of `make restore-check` that need Django (run by tests/restore/run.sh, see docs/operations.md).

``python -m tests.restore.smoke COMMAND ARGS`` against the database of ``DATABASE_URL`` and the
files of ``DJANGO_MEDIA_ROOT``:

- ``add-files``: a few journal entries with attached files, made through the journal service as a
  mentor would, so that a freshly seeded source has uploads to back up;
- ``facts OUT.json``: what the restored copy must reproduce: the row count of every table and the
  files the rows refer to (FileFields) that exist in the media folder;
- ``verify BEFORE.json AFTER.json``: on the restored copy: the row counts of the source (taken
  before and after the dump: on a live source each count lies between the two), every referenced file that
  existed in the source is there, sequences ahead of their ids (new rows can be added), and pages of
  each role answer 200 through the Django test client (a user of each role, logged in directly).

Each mismatch is printed; the exit code is 1 if there is any.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

# A page each role opens first, and the role's main lists: enough to see that the code reads the
# restored schema and the tenancy (memberships, schools) came back.
ROLE_PAGES = {
    "curator": ["/", "/staff/", "/students/", "/pairs/", "/programs/"],
    "mentor": ["/", "/pairs/my/", "/programs/my/"],
    "municipal_methodist": ["/", "/monitoring/dashboard/", "/monitoring/dashboard/schools/"],
    "regional_methodist": ["/", "/monitoring/dashboard/"],
    "director": ["/"],
}


def table_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def referenced_files() -> set[str]:
    """Names stored in every FileField of every row, whatever the school (the scope is lifted)."""
    from django.apps import apps
    from django.db import models
    from django_scopes import scopes_disabled

    names: set[str] = set()
    with scopes_disabled():
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.FileField):
                    values = model._base_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                    names.update(v for v in values if v)
    return names


def existing(names: set[str]) -> list[str]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return sorted(n for n in names if (root / n).is_file())


def add_files() -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from programs.models import MentoringPair
    from programs.services import journal as journal_service
    from schools.tenancy import school_scope

    with scopes_disabled():
        pairs = [
            p
            for p in MentoringPair.objects.select_related("mentor__staff__user").order_by("pk")
            if p.is_open and p.mentor.staff and p.mentor.staff.user
        ][:3]
    for number, pair in enumerate(pairs, 1):
        with school_scope([pair.school_id]):
            journal_service.create_entry(
                pair,
                acting_user=pair.mentor.staff.user,
                data=journal_service.EntryData(
                    date=timezone.localdate() - timedelta(days=number),
                    topic=f"Restore check {number}",
                    content="An entry with a file, made to be backed up and restored.",
                ),
                files=[
                    SimpleUploadedFile(
                        f"notes-{number}.txt", f"meeting notes {number}\n".encode(), "text/plain"
                    )
                ],
            )
    print(f"journal entries with a file: {len(pairs)}")
    return 0 if pairs else 1


def facts(out: str) -> int:
    names = referenced_files()
    data = {"tables": table_counts(), "files": existing(names), "referenced": len(names)}
    Path(out).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    print(
        f"source: {len(data['tables'])} tables, {sum(data['tables'].values())} rows, files {len(data['files'])}"
    )
    return 0


def _sequences_behind() -> list[str]:
    """Identity columns whose sequence is behind the largest id: the next insert would collide."""
    from django.apps import apps
    from django.db import connection

    behind = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if pk.get_internal_type() not in ("AutoField", "BigAutoField", "SmallAutoField"):
                continue
            table, column = model._meta.db_table, pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if not sequence:
                continue
            cursor.execute(f'SELECT MAX("{column}") FROM "{table}"')
            largest = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            if largest is not None and (last_value < largest or (last_value == largest and not is_called)):
                behind.append(f"{table}: sequence at {last_value}, largest id {largest}")
    return behind


def _pages() -> tuple[int, list[str]]:
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_scopes import scopes_disabled

    from schools.models import Membership

    setup_test_environment()  # the test client's host name is allowed; mail stays in memory
    problems, opened = [], 0
    for role, pages in ROLE_PAGES.items():
        with scopes_disabled():
            membership = (
                Membership.objects.filter(role=role, is_active=True, user__is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
        if membership is None:
            continue  # a database without such a user: nothing to open for this role
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(membership.user)
        for page in pages:
            response = client.get(page, secure=True)
            opened += 1
            if response.status_code != 200:
                problems.append(f"{role} {membership.user.username}: {page} answered {response.status_code}")
    if not opened:
        problems.append("no user of any role to open pages with")
    return opened, problems


def verify(before: str, after: str) -> int:
    """Compare the copy with the source's facts taken just before and just after the dump.

    On a quiet source both are equal and every count must match exactly; on a live one (sessions,
    new entries) a table's count must lie between the two.
    """
    first, last = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (before, after))
    problems = []
    counts = table_counts()
    for table in sorted(set(first["tables"]) | set(last["tables"]) | set(counts)):
        low, high, got = first["tables"].get(table), last["tables"].get(table), counts.get(table)
        if low is None or high is None or got is None:
            problems.append(f"table {table}: {got} rows restored, {low}…{high} in the source")
        elif not min(low, high) <= got <= max(low, high):
            expected = low if low == high else f"{min(low, high)}…{max(low, high)}"
            problems.append(f"table {table}: {got} rows restored, {expected} in the source")
    files = set(existing(referenced_files()))
    problems += [f"file missing after restore: {name}" for name in sorted(set(first["files"]) - files)]
    problems += _sequences_behind()
    opened, page_problems = _pages()
    problems += page_problems
    for problem in problems:
        print("MISMATCH: " + problem)
    print(
        f"restored: {len(counts)} tables, {sum(counts.values())} rows, "
        f"{len(files)} referenced files present, {opened} pages opened"
        + (f"; {len(problems)} problems" if problems else "; all good")
    )
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "add-files":
        return add_files()
    if command == "facts":
        return facts(args[0])
    if command == "verify":
        return verify(args[0], args[1])
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main(sys.argv[1:]))
