"""``python manage.py render_report municipal|regional|school --municipality CODE|--region CODE|--school CODE
--period A:B [--as-of D] [--compare-as-of D] --format pdf|xlsx|json --out FILE``.

Builds the report in this process, inside the scope of the schools it covers (the same code the
Celery job runs), and writes the file; the time it took is printed. For operators and scripts.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django_scopes import scopes_disabled

from monitoring import report as reports
from monitoring import report_render
from monitoring.services import MonitoringError, parse_period
from schools.models import Municipality, Region, School
from schools.tenancy import school_scope


class Command(BaseCommand):
    help = "Сформировать аналитический отчёт (муниципальный, региональный или показатели организации) в файл."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["municipal", "regional", "school"])
        parser.add_argument("--municipality", help="код муниципалитета (для municipal)")
        parser.add_argument("--region", help="код региона (для regional)")
        parser.add_argument("--school", help="код организации (для school)")
        parser.add_argument("--period", help="ГГГГ-ММ-ДД:ГГГГ-ММ-ДД; по умолчанию текущий учебный год")
        parser.add_argument("--as-of", dest="as_of", help="дата среза ГГГГ-ММ-ДД; по умолчанию конец периода")
        parser.add_argument(
            "--compare-as-of",
            dest="compare_as_of",
            help="дата сравнения для таблицы 2; по умолчанию начало периода",
        )
        parser.add_argument("--format", dest="fmt", choices=["pdf", "xlsx", "json"], required=True)
        parser.add_argument("--out", required=True, help="куда записать файл")
        parser.add_argument(
            "--no-snapshot", action="store_true", help="не брать готовый снимок показателей, посчитать заново"
        )

    def handle(self, *args, kind, municipality=None, region=None, school=None, **options):
        codes = {"municipal": municipality, "regional": region, "school": school}
        code = codes[kind]
        if not code:
            flag = {"municipal": "--municipality", "regional": "--region", "school": "--school"}[kind]
            raise CommandError(f"Для отчёта {kind} укажите {flag}.")
        try:
            period = parse_period(options.get("period"), as_of=options.get("as_of"))
        except MonitoringError as error:
            raise CommandError("; ".join(error.messages)) from error
        compare = None
        if options.get("compare_as_of"):
            try:
                compare = date.fromisoformat(options["compare_as_of"])
            except ValueError as error:
                raise CommandError("Дата сравнения записывается как ГГГГ-ММ-ДД.") from error
            if compare >= period.as_of:
                raise CommandError("Дата сравнения должна быть раньше даты среза.")
        with scopes_disabled():
            if kind == "municipal":
                place = Municipality.objects.select_related("region").filter(code=code).first()
                schools = School.objects.filter(municipality=place)
            elif kind == "regional":
                place = Region.objects.filter(code=code).first()
                schools = School.objects.filter(municipality__region=place)
            else:
                place = School.objects.select_related("municipality").filter(code=code).first()
                schools = School.objects.filter(pk=place.pk if place else None)
            if place is None:
                raise CommandError(f"Не найдено: {code}")
            school_ids = list(schools.values_list("pk", flat=True))
        build = {
            "municipal": reports.build_municipal_report,
            "regional": reports.build_regional_report,
            "school": reports.build_school_note_figures,
        }[kind]
        started = time.monotonic()
        with translation.override("ru"), school_scope(school_ids):
            report = build(place, period, compare, use_snapshot=not options["no_snapshot"])
            blob = report_render.render(report, options["fmt"])
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(blob)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{report.title} — {report.territory}: {out} ({len(blob) // 1024} КБ), "
            f"организаций: {len(school_ids)}, {elapsed:.2f} с"
        )
