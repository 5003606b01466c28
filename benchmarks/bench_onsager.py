"""Transport from MD: Onsager coefficients by FFT versus a direct windowed loop.

Rows:

* ``analysis.onsager`` on a Brownian trajectory of 10^4 frames x 1000 ions (quick: 2000 x 200),
  the public calls end to end: ``load_arrays`` on the position array, then ``onsager`` with a
  cold cache (generating the Brownian positions is not timed). Baseline: the same L_ij,
  self parts and fit, with the MSDs computed by the direct loop over the lags of the fit window
  (``cross_msd_direct``, no FFT), in the same run. Target: ours < 2 s, the two agree to 1e-8
  relative; the ratio baseline / ours is printed.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Row, best_time
from ionscales.analysis import load_arrays
from ionscales.analysis.transport import _slopes, cross_msd_direct, onsager
from ionscales.constants import boltzmann

BOX = 5e-9


def _positions(frames: int, ions: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    steps = rng.normal(size=(frames, ions, 3)) * 6e-11
    return np.cumsum(steps, axis=0) + rng.uniform(0, BOX, (ions, 3))


def _trajectory(frames: int, ions: int, pos=None):
    pos = _positions(frames, ions) if pos is None else pos
    box = BOX
    species = np.array(["cation"] * (ions // 2) + ["anion"] * (ions // 2))
    charges = np.where(species == "cation", 1.0, -1.0)
    return load_arrays(
        pos,
        box=[box] * 3,
        species=species,
        charges=charges,
        times=np.arange(frames) * 1e-12,
        unwrapped=True,
        temperature=300.0,
    )


def _direct_onsager(traj, window, blocks):
    """The same L_ij as analysis.onsager with the MSDs by an explicit loop over window lags."""
    dt = traj.times[1] - traj.times[0]
    pos = traj.ion_positions() - traj.system_com()[:, None, :]
    groups = [np.flatnonzero(traj.ion_species == s) for s in ("cation", "anion")]
    block_len = traj.n_frames // blocks
    lags = np.arange(round(window[0] / dt), round(window[1] / dt) + 1)
    coll = np.zeros((blocks, lags.size, 2, 2))
    for b in range(blocks):
        seg = pos[b * block_len : (b + 1) * block_len]
        sums = [seg[:, g].sum(axis=1) for g in groups]
        for i in range(2):
            for j in range(i, 2):
                c = cross_msd_direct(sums[i], None if i == j else sums[j], lags=lags)
                coll[b, :, i, j] = coll[b, :, j, i] = c
    for b in range(blocks):  # self MSDs (the dominant cost), as in the FFT path
        seg = pos[b * block_len : (b + 1) * block_len]
        for g in groups:
            cross_msd_direct(seg[:, g], lags=lags)
    kt_v = boltzmann * traj.temperature * float(np.mean(traj.volumes))
    return (_slopes(coll, lags * dt) / (6 * kt_v)).mean(axis=0)


def run(quick: bool = False) -> list[Row]:
    frames, ions = (2000, 200) if quick else (10_000, 1000)
    t0 = time.perf_counter()
    pos = _positions(frames, ions)
    t_prepare = time.perf_counter() - t0
    box = {}

    def ours():  # the user's calls: wrap the arrays in a Trajectory, then onsager (cold cache)
        box["traj"] = _trajectory(frames, ions, pos)
        box["ds"] = onsager(box["traj"])

    t_ours = best_time(ours, repeat=2 if quick else 3)
    ds, traj = box["ds"], box["traj"]
    window = (ds.attrs["window_start"], ds.attrs["window_end"])
    base = {}

    def baseline():
        base["L"] = _direct_onsager(traj, window, int(ds.attrs["blocks"]))

    t_base = best_time(baseline, repeat=1)
    diff = float(
        np.max(np.abs(base["L"] - ds.onsager_coefficient.values))
        / np.max(np.abs(ds.onsager_coefficient.values))
    )
    return [
        Row(
            f"onsager L_ij, sigma, t+, D: {frames} frames x {ions} ions",
            t_ours,
            t_base,
            "< 2 s, |dL|/L < 1e-8",
            t_ours < 2.0 and diff < 1e-8,
            f"window {window[1] / window[0]:.0f} lags x {ds.attrs['blocks']} blocks; "
            f"max |dL|/L = {diff:.1e}; generating the positions {t_prepare:.2f} s (not timed)",
        )
    ]
