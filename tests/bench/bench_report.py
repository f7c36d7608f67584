"""Benchmark of the municipal analytical report: 130 schools must render to PDF in under 10 seconds.

A throw-away test database gets the demonstration data of one municipality with 130 schools
(``schools.demo.seed_demo``: staff, mentor base, pairs, programs, local acts, campaigns), and in
place of the demo's campaign of the school year (just opened) one in which about 85 % of the schools
handed in their internal monitoring with a level and SWOT texts drawn from a pool of phrases. The timed part is what the Celery job does: read the indicators (computed, no snapshot),
build the report, print the PDF. Prints the median of three runs (wall clock, and the CPU time of
this process, which tells a slow machine from a busy one); exit code 1 when the target is
missed. ``BENCH_REPORT_PDF=/path/report.pdf`` keeps the last PDF (to look at it).
Run alone with ``python -m tests.bench.bench_report``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, datetime
from datetime import time as dtime

SCHOOLS = 130
TARGET_SECONDS = 10.0
RUNS = 3
PERIOD = (date(2026, 9, 1), date(2027, 8, 31), date(2027, 5, 31))  # start, end, as of

STRENGTHS = (
    "Передача опыта на рабочем месте",
    "Сокращение периода адаптации молодых педагогов",
    "Индивидуальный подход к наставляемым",
    "Открытость и прозрачность деятельности",
    "Высокий потенциал наставников",
    "Культура взаимопомощи в коллективе",
)
WEAKNESSES = (
    "Загруженность педагогов-наставников",
    "Не проработаны механизмы мотивации участников",
    "Дефицит опытных педагогов",
    "Нехватка времени на встречи пары",
)
OPPORTUNITIES = (
    "Методическая поддержка муниципального методического центра",
    "Расширение форматов взаимодействия наставника и наставляемого",
    "Сетевое взаимодействие с педагогическим колледжем",
)
THREATS = (
    "Текучесть кадров",
    "Профессиональное выгорание наставников",
    "Отсутствие финансирования для мотивации наставников",
    "Незаинтересованность молодого педагога",
)
REASONS = (
    "Переезд молодого педагога",
    "Уход в отпуск по уходу за ребёнком",
    "Программа рассчитана на два года",
)
DECISIONS = (
    "Продолжить реализацию программы наставничества",
    "Организовать обучение наставников",
    "Разработать механизмы стимулирования наставников",
    "Подключить психологическую службу",
)


def _pick(rng: random.Random, pool: tuple[str, ...]) -> str:
    return "\n".join(rng.sample(pool, rng.randint(1, min(3, len(pool)))))


def _seed() -> tuple[object, list[int]]:
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from monitoring.models import Campaign, EffectivenessLevel, Submission, SubmissionStatus
    from programs.models import PersonalizedProgram
    from schools import demo
    from schools.models import Municipality, School
    from tests.conftest import ensure_catalogs

    ensure_catalogs()
    demo.seed_demo(schools=SCHOOLS, municipalities=1, force=True)
    rng = random.Random(20270531)
    with scopes_disabled():
        unapproved = list(PersonalizedProgram.objects.filter(approved_at__isnull=True))
        for program in unapproved:
            program.approved_at = timezone.make_aware(datetime.combine(program.start_date, dtime(12)))
        PersonalizedProgram.objects.bulk_update(unapproved, ["approved_at"], batch_size=1000)
        municipality = Municipality.objects.get()
        schools = list(School.objects.filter(municipality=municipality).order_by("pk"))
        Campaign.objects.filter(municipality=municipality, school_year=2026).delete()
        campaign = Campaign.objects.create(
            municipality=municipality,
            school_year=2026,
            title="Мониторинг 2026/2027",
            deadline=date(2027, 6, 30),
        )
        levels = (EffectivenessLevel.OPTIMAL, EffectivenessLevel.ACCEPTABLE, EffectivenessLevel.UNACCEPTABLE)
        Submission.objects.bulk_create(
            [
                Submission(
                    campaign=campaign,
                    school=school,
                    status=SubmissionStatus.ACCEPTED if rng.random() < 0.7 else SubmissionStatus.SUBMITTED,
                    level=rng.choices(levels, weights=(5, 4, 1))[0],
                    strengths=_pick(rng, STRENGTHS),
                    weaknesses=_pick(rng, WEAKNESSES),
                    opportunities=_pick(rng, OPPORTUNITIES),
                    threats=_pick(rng, THREATS),
                    not_completed_reasons=_pick(rng, REASONS),
                    decisions=_pick(rng, DECISIONS),
                )
                for school in schools
                if rng.random() < 0.85
            ]
        )
    return municipality, [s.pk for s in schools]


def _render(municipality, school_ids: list[int]) -> tuple[bytes, object]:
    from monitoring.compute import Period
    from monitoring.report import build_municipal_report
    from monitoring.report_render import render
    from schools.tenancy import school_scope

    period = Period(*PERIOD)
    with school_scope(school_ids):
        report = build_municipal_report(municipality, period, use_snapshot=False)
        return render(report, "pdf"), report


def main() -> int:
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import translation

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with translation.override("ru"):
            started = time.perf_counter()
            municipality, school_ids = _seed()
            seeded = time.perf_counter() - started
            timings, cpu = [], []
            pdf = b""
            for _ in range(RUNS):
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf, _report = _render(municipality, school_ids)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            floor = _floor(municipality)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    median = statistics.median(timings)
    ok = median < TARGET_SECONDS
    keep = os.environ.get("BENCH_REPORT_PDF")
    if keep:
        with open(keep, "wb") as handle:
            handle.write(pdf)
    print(
        f"municipal report, {len(school_ids)} schools: PDF in {median:.2f} s (target < {TARGET_SECONDS:g} s), "
        f"{len(pdf) // 1024} KB; runs {', '.join(f'{t:.2f}' for t in timings)} (CPU {statistics.median(cpu):.2f} s, "
        f"load {os.getloadavg()[0]:.1f}); data seeded in {seeded:.1f} s"
        f"{'' if ok else ' — TARGET MISSED'}"
    )
    print(
        f"  floor — one hand-written SQL query for the headline numbers of the same schools: "
        f"{floor * 1000:.0f} ms wall; report PDF / floor = {median / floor:.0f}×"
    )
    return 0 if ok else 1


def _floor(municipality) -> float:
    """Median wall time of the indicators bench's single SQL query over the report's region."""
    from tests.bench.bench_indicators import run_floor

    walls = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run_floor(municipality.region_id, *PERIOD)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main())
