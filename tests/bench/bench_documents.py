"""Benchmark of document files: an approved order on 100 pairs must render to PDF in under 2 seconds.

The order is drafted by the real kind (``programs.documents.kinds.order_pairs``) from 100 synthetic
pairs (a mentor and a mentee each) held in memory — no database — so its text, its appendix of
100 rows and its «С приказом ознакомлены» table of up to 200 people are what a school would get. Prints the median of
three runs for the PDF and for the DOCX; exit code 1 when a target is missed.
Run alone with ``python -m tests.bench.bench_documents``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

PAIRS = 100
TARGET_SECONDS = 2.0
RUNS = 3
APPROVED_ON = date(2026, 9, 10)

LAST = (
    "Иванова", "Петрова", "Смирнова", "Кузнецова", "Соколова", "Попова", "Лебедева", "Козлова", "Новикова",
    "Морозова", "Волкова", "Алексеева", "Фёдорова", "Михайлова", "Васильева", "Зайцева", "Павлова",
)  # fmt: skip
FIRST = ("Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Юлия", "Дарья")
MIDDLE = ("Петровна", "Ивановна", "Сергеевна", "Александровна", "Викторовна", "Николаевна", "Андреевна")
POSITIONS = ("учитель математики", "учитель русского языка и литературы", "учитель начальных классов")


def _person(rnd: random.Random) -> SimpleNamespace:
    name = f"{rnd.choice(LAST)} {rnd.choice(FIRST)} {rnd.choice(MIDDLE)}"
    return SimpleNamespace(full_name=name, description=rnd.choice(POSITIONS))


class _Links(list):
    def all(self) -> list:
        return self


def synthetic_pairs(seed: int = 20260910) -> list[SimpleNamespace]:
    """Objects shaped like MentoringPair for the kind's ``pair_row`` (attributes only)."""
    rnd = random.Random(seed)
    form = SimpleNamespace(name="учитель – учитель (педагог – педагог)")
    kind = SimpleNamespace(name="традиционное (один на один)")
    pairs = []
    for n in range(1, PAIRS + 1):
        mentees = [SimpleNamespace(mentee=_person(rnd))]
        pairs.append(
            SimpleNamespace(
                pk=n,
                mentor=_person(rnd),
                mentee_links=_Links(mentees),
                form=form,
                kind=kind,
                role_model_id=None,
                role_model=None,
                start_date=date(2026, 9, 1),
                planned_end_date=date(2027, 5, 31) - timedelta(days=n % 30),
            )
        )
    return pairs


def approved_order():
    """An approved order on the pairs, unsaved, and its frozen content (as ``content_of`` gives it)."""
    from programs.documents.kinds.order_pairs import OrderPairs
    from programs.documents.registry import BuildContext
    from programs.models import Document, DocumentKind, DocumentStatus

    school = SimpleNamespace(short_name="МБОУ СОШ № 1")
    settings = SimpleNamespace(pay_supplement="", curator=None)  # the default: no supplement column
    ctx = BuildContext(
        school=school,
        school_year=2026,
        settings=settings,
        options={"pairs": synthetic_pairs()},
        acting_user=None,
        today=APPROVED_ON,
    )
    built = OrderPairs().build(ctx)
    payload = {
        **built.payload,
        "letterhead": {
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
            "школа № 1» г. Энгельса",
            "short_name": school.short_name,
            "municipality": "Энгельсский муниципальный район",
            "director_name": "Соколова Ирина Викторовна",
        },
    }
    document = Document(
        kind=DocumentKind.ORDER_PAIRS,
        school_year=2026,
        title=built.title,
        status=DocumentStatus.APPROVED,
        payload=payload,
        registration_number="45-о",
        approved_on=APPROVED_ON,
        approved_at=datetime(2026, 9, 10, 11, 0, tzinfo=ZoneInfo("Europe/Moscow")),
        content_hash="b" * 64,
    )
    content = {
        "kind": document.kind,
        "title": document.title,
        "school_year": document.school_year,
        "sections": [[s.key, s.heading, s.body] for s in built.sections],
        "payload": payload,
        "registration_number": document.registration_number,
        "approved_on": APPROVED_ON.isoformat(),
        "approved_via": "",
        "amends": "",
    }
    return document, content


def _median(fn) -> tuple[float, float, bytes]:
    """Median wall time and median CPU time of the runs (the CPU time shows the cost on a busy machine)."""
    walls, cpus, blob = [], [], b""
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        blob = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), blob


def main() -> int:
    from django.utils import translation

    from programs.documents import rendering

    with translation.override("ru"):
        document, content = approved_order()
        rendering.render_pdf_bytes(document, rendering.printable(document, content))  # warm the font cache
        pdf_time, pdf_cpu, pdf = _median(
            lambda: rendering.render_pdf_bytes(document, rendering.printable(document, content))
        )
        docx_time, docx_cpu, docx = _median(
            lambda: rendering.render_docx_bytes(document, rendering.printable(document, content))
        )
    ok = pdf_time < TARGET_SECONDS and docx_time < TARGET_SECONDS
    print(
        f"order on {PAIRS} pairs: PDF {pdf_time:.2f} s (CPU {pdf_cpu:.2f} s, {len(pdf) // 1024} KiB), "
        f"DOCX {docx_time:.2f} s (CPU {docx_cpu:.2f} s, {len(docx) // 1024} KiB) (target < {TARGET_SECONDS:g} s)"
        f"{'' if ok else ' — TARGET MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main())
