"""Shared benchmark helpers: best-of-n timing and the result row."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One benchmark line.

    ours, baseline : seconds (baseline may be None when the target is absolute).
    target : human text of the goal, e.g. "< 0.5 s and >= 20x".
    passed : whether the target was met in this run.
    note : extra numbers (iterations, errors, ...).
    """

    workload: str
    ours: float
    baseline: float | None
    target: str
    passed: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """baseline / ours (speed-up; > 1 means ours is faster)."""
        return None if self.baseline is None else self.baseline / self.ours


def best_time(func: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls [s]."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def best_times_interleaved(funcs: list[Callable[[], object]], repeat: int = 3) -> list[float]:
    """Best wall time of each of ``funcs`` [s] over ``repeat`` rounds that call them in turn
    (a drift of the machine's speed then reaches every function alike)."""
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            t0 = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def format_rows(rows: list[Row]) -> str:
    """A plain-text table."""
    head = f"{'workload':<58} {'ours [s]':>10} {'baseline [s]':>13} {'ratio':>8}  {'target':<28} result"
    lines = [head, "-" * len(head)]
    for r in rows:
        base = "-" if r.baseline is None else f"{r.baseline:.4g}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.3g}"
        lines.append(
            f"{r.workload:<58} {r.ours:>10.4g} {base:>13} {ratio:>8}  {r.target:<28} "
            f"{'PASS' if r.passed else 'FAIL'}{('  ' + r.note) if r.note else ''}"
        )
    return "\n".join(lines)
