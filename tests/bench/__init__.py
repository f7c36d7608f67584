"""Benchmarks: ``bench_*.py`` modules with a ``main() -> int``, run by ``make bench`` (not by pytest)."""
