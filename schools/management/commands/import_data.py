"""Import a registry file for one school: ``manage.py import_data KIND FILE --school CODE [--dry-run]``.

The same checks and the same all-or-nothing rule as the browser import. Exit status: 0 when the
file was imported (or, with --dry-run, would be), 1 when anything was rejected — then nothing was
written — and 2 for a wrong command line (an unknown kind, a missing argument).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from schools.imports.files import ImportFileError, check_size, read_table
from schools.imports.kinds import KINDS
from schools.imports.runner import import_table
from schools.models import School
from schools.tenancy import school_scope


class Command(BaseCommand):
    help = (
        "Импорт из файла XLSX или CSV для одной организации: базы (педагоги, обучающиеся, партнёры), "
        "локальные акты, принятые ранее, и история наставничества (пары, программы)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="что импортировать")
        parser.add_argument("file", type=Path, help="файл .xlsx или .csv")
        parser.add_argument("--school", required=True, help="код организации (School.code)")
        parser.add_argument(
            "--dry-run", action="store_true", help="только проверить файл, ничего не записывать"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        path: Path = options["file"]
        # The one unscoped read: finding the school by its code, before its scope can be opened.
        with scopes_disabled():
            school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(f"Организация с кодом «{options['school']}» не найдена.")
        if not path.is_file():
            raise CommandError(f"Файл {path} не найден.")
        try:
            check_size(path.stat().st_size)
            table = read_table(path.name, path.read_bytes())
            with school_scope([school.pk]):
                report = import_table(kind, school, table, commit=not options["dry_run"])
        except ImportFileError as e:
            raise CommandError(f"{path.name}: {e} Ничего не записано.") from None

        self.stdout.write(
            f"{kind.title} · {school.short_name} · {path.name}: строк с данными {len(report.rows)}"
        )
        for warning in report.file_warnings:
            self.stdout.write(self.style.WARNING(f"Внимание: {warning}"))
        for row in report.rows:
            for warning in row.warnings:
                self.stdout.write(self.style.WARNING(f"Строка {row.number}: {warning}"))
        if not report.ok:
            for issue in report.issues:
                self.stderr.write(str(issue))
            raise CommandError(report.summary())
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(f"Проверка пройдена, ничего не записано. {report.summary()}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(report.summary()))
