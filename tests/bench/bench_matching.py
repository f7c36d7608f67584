"""Benchmark of programs.matching.assign(): a municipality-sized proposal must take under 2 seconds.

1,000 mentees × 1,000 mentors with 2 free places each (2,000 place columns), synthetic and seeded,
built in memory — no database. Prints the median of three runs; exit code 1 when the target is missed.
Run alone with ``python -m tests.bench.bench_matching``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from programs.matching import MenteeNeeds, MentorOffer, assign

MENTEES = 1000
MENTORS = 1000
CAPACITY = 2
SCHOOLS = 20
TARGET_SECONDS = 2.0
RUNS = 3

AREAS = (
    "scientific",
    "legal",
    "subject",
    "psychological",
    "methodical",
    "ict",
    "digital",
    "upbringing",
    "health",
)
SUBJECTS = (
    "математика",
    "физика",
    "информатика",
    "русский язык",
    "литература",
    "история",
    "обществознание",
    "биология",
    "химия",
    "география",
    "английский язык",
    "физическая культура",
    "музыка",
    "начальные классы",
)


def synthetic(seed: int = 20260901) -> tuple[list[MenteeNeeds], list[MentorOffer]]:
    rnd = random.Random(seed)
    mentees = [
        MenteeNeeds(
            participant_id=i,
            school_id=rnd.randrange(SCHOOLS),
            subjects=frozenset(rnd.sample(SUBJECTS, rnd.randint(1, 2))),
            experience_years=rnd.randint(0, 5),
            difficulties={a: rnd.randint(0, 3) for a in AREAS},
        )
        for i in range(1, MENTEES + 1)
    ]
    mentors = [
        MentorOffer(
            participant_id=100_000 + i,
            school_id=rnd.randrange(SCHOOLS),
            subjects=frozenset(rnd.sample(SUBJECTS, rnd.randint(1, 3))),
            experience_years=rnd.randint(3, 40),
            competencies={a: rnd.randint(1, 3) for a in rnd.sample(AREAS, rnd.randint(1, 5))},
            capacity_left=CAPACITY,
            trained=rnd.random() < 0.5,
        )
        for i in range(1, MENTORS + 1)
    ]
    return mentees, mentors


def main() -> int:
    mentees, mentors = synthetic()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = assign(mentees, mentors, network=True)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    ok = median < TARGET_SECONDS
    print(
        f"matching {MENTEES}x{MENTORS}: {median:.2f} s (target < {TARGET_SECONDS:g} s)"
        f" — matched {len(result.matches)}, unmatched {len(result.unmatched)}"
        f"{'' if ok else ' — TARGET MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    django.setup()
    sys.exit(main())
