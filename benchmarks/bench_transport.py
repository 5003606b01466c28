"""transport.properties on 10^4 (c, T) points versus a per-point loop of the same call."""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Row, best_time


def run(quick: bool = False) -> list[Row]:
    from ionscales.theory import transport
    from ionscales.theory.transport_presets import lipf6_ec_emc

    n = 30 if quick else 100
    electrolyte = lipf6_ec_emc()
    c = np.linspace(100.0, 2000.0, n)
    t = np.linspace(263.15, 323.15, n)
    transport.properties(electrolyte, c[:2], t[:2])  # build the sympy kernels once (cached)
    box = {}

    def ours():  # the public call, end to end (calibrated parameters looked up by name)
        box["ds"] = transport.properties(electrolyte, c, t)

    t_ours = best_time(ours, repeat=3)
    rng = np.random.default_rng(0)
    sample = [(int(i), int(j)) for i, j in zip(rng.integers(0, n, 200), rng.integers(0, n, 200))]
    values = []
    t0 = time.perf_counter()
    for i, j in sample:  # baseline: one state per call
        values.append(
            float(transport.properties(electrolyte, c[i], t[j])["conductivity"].squeeze())
        )
    per_point = (time.perf_counter() - t0) / len(sample)
    t_base = per_point * n * n  # extrapolated from the sample (linear in the number of points)
    ref = box["ds"]["conductivity"].values
    diff = max(abs(v / ref[i, j] - 1) for v, (i, j) in zip(values, sample))
    return [
        Row(
            f"transport.properties: {n}x{n} (c, T) points",
            t_ours,
            t_base,
            "< 1 s and >= 20x loop",
            t_ours < 1.0 and t_base / t_ours >= 20 and diff < 1e-10,
            f"loop: {per_point * 1e3:.2f} ms/point over {len(sample)} sampled points, extrapolated; "
            f"max |d sigma|/sigma = {diff:.1e}",
        )
    ]
