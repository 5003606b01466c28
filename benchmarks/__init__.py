"""Timed comparisons against baselines measured in the same run.

Each ``benchmarks/bench_*.py`` module defines ``run(quick: bool = False) -> list[Row]``;
``python -m benchmarks`` runs them all and prints one table (workload, ours, baseline,
ratio, target, pass/fail). Timings are kept out of the test suite on purpose.
"""
