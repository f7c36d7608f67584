"""The numbers of a school's analytical note: the monitoring indicators of the school year.

They are the school's own figures of the monitoring report (``monitoring.report``), computed from
live data as of the day the note is drafted (or the end of the year, when it is over), so the note,
the school's report page and the municipal report never disagree; ``docs/indicators.md`` defines
each of them. Two counts the indicators do not carry are added: pairs not yet fixed by an order
and programs marked as best practices.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from programs.models import MentoringPair, PairStatus, PersonalizedProgram, ProgramStatus
from schools.models import School
from schools.years import school_year_bounds

# The tables of the school report the note's appendix is made of, in this order.
APPENDIX_TABLES = ("table3", "participation", "table4", "table6")


def _plain(value: Any) -> Any:
    """A value the document's JSON payload can hold: shares as strings with one decimal."""
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return value


def note_figures(school: School, school_year: int, *, as_of: date | None = None) -> dict[str, Any]:
    """The school's indicators of the year, its tables for the appendix, and the note's two extras."""
    from monitoring.compute import Period
    from monitoring.report import build_school_note_figures
    from monitoring.report_render import cell_text

    first, last = school_year_bounds(school_year)
    as_of = max(first, min(as_of or timezone.localdate(), last))
    report = build_school_note_figures(school, Period(first, last, as_of), use_snapshot=False)
    tables = {table.key: table for table in report.tables}
    reasons = tables.get("table6_reasons")
    forms = tables.get("table4")
    unfixed = MentoringPair.objects.filter(
        school=school, status__in=(PairStatus.DRAFT, PairStatus.CONSENTS), start_date__lte=last
    ).count()
    best = PersonalizedProgram.objects.filter(
        school=school,
        is_best_practice=True,
        status=ProgramStatus.COMPLETED,
        ended_on__gte=first,
        ended_on__lte=as_of,
    ).count()
    return {
        "school_year": school_year,
        "as_of": as_of.isoformat(),
        "values": {code: _plain(value) for code, value in report.values.items()},
        "unfixed_pairs": unfixed,
        "best_practices": best,
        "forms": [{"name": str(row[0]), "pairs": row[1]} for row in (forms.rows if forms else []) if row[1]],
        "end_reasons": [
            {"form": str(row[0]), "label": str(row[1]), "count": row[2]}
            for row in (reasons.rows if reasons else [])
            if row[2]
        ],
        "tables": [
            {
                "key": key,
                "title": str(tables[key].title),
                "rows": [[cell_text(cell) for cell in row] for row in tables[key].rows],
                "columns": [str(column.title) for column in tables[key].columns],
            }
            for key in APPENDIX_TABLES
            if key in tables
        ],
    }
