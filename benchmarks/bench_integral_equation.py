"""Benchmark: Ornstein–Zernike/HNC solves (Anderson-accelerated vs plain Picard iteration).

Workloads
---------
1. One HNC solution, NaCl(aq) at 1 mol/L, default grid (dr = sigma/100, box
   max(40 sigma, 25 lambda_D)): ours = Anderson (generalised Ng) acceleration from a cold
   start; baseline = damped Picard iteration (mixing 0.2) on the same grid. Target < 2 s.
2. A 30-point HNC concentration scan 0.1–3 mol/L with continuation (each point starts from
   its converged neighbour): ours = Anderson + continuation; baseline = the same 30 points
   by Picard iteration from cold starts. Target < 30 s.
3. The dressed-ion-hnc screening model over 30 concentrations 0.01–3 mol/L (solve + pole
   search per point), as used by ``ionscales screening --models ...,dressed-ion-hnc``.
"""

from __future__ import annotations

import json
import time

import numpy as np

from benchmarks._harness import Row, best_time
from ionscales import presets
from ionscales.theory import integral_equation as ie
from ionscales.units import M


def _timed(func):
    t0 = time.perf_counter()
    out = func()
    return time.perf_counter() - t0, out


def run(quick: bool = False) -> list[Row]:
    e = presets.get("NaCl(aq)")
    rows: list[Row] = []
    repeat = 1 if quick else 3

    ours = best_time(lambda: ie.solve(e, 1 * M), repeat=repeat)
    base = best_time(lambda: ie.solve(e, 1 * M, method="picard", max_iterations=20000,
                                      continuation_steps=0), repeat=repeat)
    it_ours = ie.solve(e, 1 * M).iterations
    it_base = ie.solve(e, 1 * M, method="picard", max_iterations=20000, continuation_steps=0).iterations
    rows.append(Row(
        "HNC NaCl 1 M, default grid (Anderson vs Picard)", ours, base, "< 2 s", ours < 2.0,
        f"iterations {it_ours} vs {it_base}; {ours / it_ours * 1e3:.1f} ms/iteration",
    ))

    n = 8 if quick else 30
    conc = np.geomspace(0.1, 3.0, n) * M
    t_scan, (ds, _) = _timed(lambda: ie.scan(e, conc, keep=True))
    its = int(ds.iterations.sum())

    grid = json.loads(ds.attrs["parameters"])

    def picard_cold():
        total = 0
        for c in conc:
            total += ie.solve(e, c, method="picard", max_iterations=20000, continuation_steps=0,
                              grid_points=grid["grid_points"], dr=grid["dr"]).iterations
        return total

    t_base, its_base = _timed(picard_cold)
    rows.append(Row(
        f"HNC scan {n} points 0.1-3 M (continuation vs Picard cold)", t_scan, t_base,
        "< 30 s" if n == 30 else "smoke", t_scan < 30.0,
        f"{t_scan / n:.3f} s/solution; iterations {its} vs {its_base}",
    ))

    n_model = 8 if quick else 30
    cm = np.geomspace(0.01, 3.0, n_model) * M
    t_model, _ = _timed(lambda: ie.hnc_screening_model(e, cm))
    rows.append(Row(
        f"dressed-ion-hnc screening model, {n_model} concentrations", t_model, None,
        "informational", True, f"{t_model / n_model:.3f} s/concentration (solve + poles)",
    ))
    return rows
