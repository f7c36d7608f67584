"""Asking for indicators: parse a period, open the snapshots, queue the Celery job.

Views and the ``compute_indicators`` command both come here. The job itself is
``monitoring.tasks.compute_indicators``; it runs in the scope of the schools it covers.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.compute import Period, Scope, snapshot_headers
from monitoring.models import Snapshot
from schools.models import Municipality, Region, School
from schools.years import school_year_bounds, school_year_of


class MonitoringError(ValidationError):
    """A request the monitoring cannot serve; the message is for the user, in Russian."""


def parse_period(text: str | None, *, as_of: str | date | None = None, today: date | None = None) -> Period:
    """«2022-09-01:2023-08-31» (or empty: the current school year) and an optional slice date.

    The slice date defaults to the end of the period, or today if the period is not over yet.
    """
    today = today or timezone.localdate()
    if text:
        try:
            start_text, end_text = text.split(":", 1)
            start, end = date.fromisoformat(start_text.strip()), date.fromisoformat(end_text.strip())
        except ValueError as error:
            raise MonitoringError(
                {
                    "period": [
                        _("Период записывается как ГГГГ-ММ-ДД:ГГГГ-ММ-ДД, например 2022-09-01:2023-08-31.")
                    ]
                }
            ) from error
    else:
        start, end = school_year_bounds(school_year_of(today))
    if end < start:
        raise MonitoringError({"period": [_("Конец периода раньше его начала.")]})
    if isinstance(as_of, str) and as_of:
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError as error:
            raise MonitoringError({"as_of": [_("Дата среза записывается как ГГГГ-ММ-ДД.")]}) from error
    slice_date = as_of or min(end, today)
    if slice_date < start:
        raise MonitoringError({"as_of": [_("Дата среза раньше начала периода.")]})
    return Period(start, end, slice_date)


def scope_for(
    *, school: School | None = None, municipality: Municipality | None = None, region: Region | None = None
) -> Scope:
    if school is not None:
        return Scope(school_id=school.pk)
    if municipality is not None:
        return Scope(municipality_ids=(municipality.pk,))
    if region is not None:
        return Scope(
            municipality_ids=tuple(region.municipalities.order_by("pk").values_list("pk", flat=True))
        )
    raise MonitoringError(_("Не указано, для чего считать показатели."))


def school_ids_of(scope: Scope) -> list[int]:
    if scope.school_id is not None:
        return [scope.school_id]
    return list(
        School.objects.filter(municipality_id__in=scope.municipality_ids).values_list("pk", flat=True)
    )


def request_computation(scope: Scope, period: Period, *, requested_by=None) -> list[Snapshot]:
    """Open (or reset) the snapshots and queue the job once the transaction commits."""
    from monitoring.tasks import compute_indicators

    with transaction.atomic():
        headers = snapshot_headers(scope, period, requested_by=requested_by)
        ids = [h.pk for h in headers]
        school_ids = school_ids_of(scope)
        transaction.on_commit(lambda: compute_indicators.delay(ids, scope_school_ids=school_ids))
    return headers
