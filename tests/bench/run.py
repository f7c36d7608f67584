"""Run every ``tests/bench/bench_*.py`` module's ``main()``; exit non-zero when any target is missed.

Usage: ``python -m tests.bench.run`` (``make bench``). Timings are printed, never asserted in pytest:
a shared CI machine is too noisy for that.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django

    django.setup()

    from tests import bench

    failed = []
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")):
        code = importlib.import_module(f"{bench.__name__}.{module}").main()
        if code:
            failed.append(module)
    if failed:
        print(f"missed targets: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
