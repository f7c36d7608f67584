"""``python manage.py compute_indicators --municipality CODE --period 2022-09-01:2023-08-31 [--as-of DATE]``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from monitoring.compute import compute_snapshots, snapshot_headers
from monitoring.models import SnapshotRow
from monitoring.services import MonitoringError, parse_period, scope_for
from schools.models import Municipality, Region, School
from schools.tenancy import school_scope


class Command(BaseCommand):
    help = "Рассчитать показатели мониторинга для организации, муниципалитета или региона за период."

    def add_arguments(self, parser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--school", help="код организации")
        target.add_argument("--municipality", help="код муниципалитета")
        target.add_argument("--region", help="код региона")
        parser.add_argument("--period", help="ГГГГ-ММ-ДД:ГГГГ-ММ-ДД; по умолчанию текущий учебный год")
        parser.add_argument("--as-of", dest="as_of", help="дата среза ГГГГ-ММ-ДД; по умолчанию конец периода")

    def handle(self, *args, school=None, municipality=None, region=None, period=None, as_of=None, **options):
        try:
            with scopes_disabled():
                place = {
                    "school": School.objects.filter(code=school).first() if school else None,
                    "municipality": Municipality.objects.filter(code=municipality).first()
                    if municipality
                    else None,
                    "region": Region.objects.filter(code=region).first() if region else None,
                }
                if not any(place.values()):
                    raise CommandError(f"Не найдено: {school or municipality or region}")
                scope = scope_for(**place)
                parsed = parse_period(period, as_of=as_of)
                school_ids = (
                    [scope.school_id]
                    if scope.school_id
                    else list(
                        School.objects.filter(municipality_id__in=scope.municipality_ids).values_list(
                            "pk", flat=True
                        )
                    )
                )
        except MonitoringError as error:
            raise CommandError("; ".join(error.messages)) from error
        started = time.monotonic()
        # Run here, in this process and inside the scope of the schools it covers (the same code
        # the Celery job runs); the command is for operators and scheduled scripts.
        with school_scope(school_ids):
            headers = snapshot_headers(scope, parsed)
            compute_snapshots([h.pk for h in headers])
            rows = SnapshotRow.objects.filter(snapshot__in=headers).count()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Снимков: {len(headers)}, организаций: {rows}, период {parsed.start:%d.%m.%Y}–{parsed.end:%d.%m.%Y}, "
            f"на {parsed.as_of:%d.%m.%Y}; {elapsed:.2f} с"
        )
