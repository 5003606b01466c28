"""Screening ladder: vectorised pole finding vs a per-point scipy root-finding loop.

Workload: ``theory.screening_curves`` for aqueous NaCl over 10^4 log-spaced concentrations
(1e-4 to 6 mol/L) with every analytic model (debye, dh-exclusion, msa, dressed-ion,
free-ion, scaling). Baseline: the same physics one concentration at a time with
scipy.optimize (brentq on the imaginary axis below the crossover, bounded minimisation to
bracket the MSA roots, secant/Newton ``optimize.newton`` for the complex root continued from
the previous point, closed forms for debye/free-ion/scaling), run on every 10th point and
extrapolated x10 (stated in the row note).
"""

from __future__ import annotations

import cmath
import math
import time
import warnings

import numpy as np
from scipy import optimize

from benchmarks._harness import Row, best_time
from ionscales import presets
from ionscales.errors import ValidityWarning
from ionscales.theory import inverse_debye_length, kirkwood_crossover, poles, screening_curves
from ionscales.theory import models as ladder_models
from ionscales.units import M


def _msa_g(x, y):
    """G(ix) of the MSA on the imaginary axis (scalar)."""
    g = (math.sqrt(1 + 2 * y) - 1) / 2
    b = g / (1 + g)
    ch, sh = math.cosh(x), math.sinh(x)
    f1 = (x * ch - sh) / x**3
    f2 = ((x * x + 2) * ch - 2 * x * sh - 2) / x**4
    return ch - x * x * (2 * b * f1 - b * b * f2)


def _msa_f(z, y):
    g = (math.sqrt(1 + 2 * y) - 1) / 2
    b = g / (1 + g)
    core = (
        2 * b * (cmath.sin(z) - z * cmath.cos(z)) / z**3
        - b * b * (2 * z * cmath.sin(z) - (z * z - 2) * cmath.cos(z) - 2) / z**4
    )
    return z * z + y * y * (cmath.cos(z) + z * z * core)


def _cut_f(z, y):
    return z * z + y * y * cmath.cos(z)


def _scalar_ladder(electrolyte, concentration):
    """Per-point loop: decay lengths of the six models (the baseline)."""
    sigma = electrolyte.contact_diameter
    kd_per_sqrt_c = inverse_debye_length(electrolyte, 1.0)
    y_cut, y_msa = kirkwood_crossover("dh-exclusion"), kirkwood_crossover("msa")
    k_a = ladder_models.bjerrum_association_constant(electrolyte)
    out = np.empty((6, len(concentration)))
    guess_cut = guess_msa = None
    for i, c in enumerate(concentration):
        y = kd_per_sqrt_c * math.sqrt(c) * sigma
        out[0, i] = sigma / y  # debye
        # dh-exclusion
        if y < y_cut:
            x = optimize.brentq(lambda x, y=y: y * y * math.cosh(x) - x * x, 1e-3 * y, 2.0653381)
            out[1, i] = sigma / x
        elif y < poles.CUT_COULOMB_SPINODAL:
            start = guess_cut if guess_cut is not None else 0.1 + 2.06j
            z = optimize.newton(_cut_f, start, args=(y,), tol=1e-13, maxiter=100)
            guess_cut = z
            out[1, i] = sigma / z.imag
        else:
            out[1, i] = np.nan
        # msa and dressed-ion (same pole equation, solved twice as the ladder does)
        for row in (2, 3):
            if y < y_msa:
                x_m = optimize.minimize_scalar(
                    lambda x, y=y: math.log(y * y * _msa_g(x, y) / (x * x)),
                    bounds=(1.9, 2.5),
                    method="bounded",
                ).x
                x = optimize.brentq(lambda x, y=y: y * y * _msa_g(x, y) - x * x, 1e-3 * y, x_m)
                out[row, i] = sigma / x
            else:
                start = guess_msa if guess_msa is not None else 0.1 + 2.33j
                z = optimize.newton(_msa_f, start, args=(y,), tol=1e-13, maxiter=100)
                if row == 3:
                    guess_msa = z
                out[row, i] = sigma / z.imag
        # free-ion (ideal mass action) and scaling (A = 1, n = 3)
        alpha = 2 / (1 + math.sqrt(1 + 4 * k_a * c))
        out[4, i] = sigma / (y * math.sqrt(alpha))
        out[5, i] = sigma / y * (y**3 if y > 1 else 1.0)
    return out


def _clear_caches():
    for f in (
        ladder_models._msa_table,
        ladder_models._cut_coulomb_table,
        ladder_models._msa_crossover_point,
        ladder_models._dressed_ion_crossover,
        poles.complex_branch_table,
    ):
        f.cache_clear()
    ladder_models._MSA_MEMO.clear()


def run(quick: bool = False) -> list[Row]:
    electrolyte = presets.get("NaCl(aq)")
    n = 1_000 if quick else 10_000
    stride = 10
    concentration = np.geomspace(1e-4, 6, n) * M
    warnings.simplefilter("ignore", ValidityWarning)  # 6 M is past the cut-kernel spinodal

    _clear_caches()
    t0, cpu0 = time.perf_counter(), time.process_time()
    screening_curves(electrolyte, concentration)
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - cpu0

    def ours():
        ladder_models._MSA_MEMO.clear()  # no reuse between repeats
        return screening_curves(electrolyte, concentration)

    t_ours = best_time(ours, repeat=5)
    cpu0 = time.process_time()
    ours()
    cpu_ours = time.process_time() - cpu0
    subset = concentration[::stride]
    t_loop_subset = best_time(lambda: _scalar_ladder(electrolyte, subset), repeat=1)
    t_loop = t_loop_subset * n / subset.size

    # agreement of the two (on the subset)
    ds = screening_curves(electrolyte, subset)
    loop = _scalar_ladder(electrolyte, subset)
    ours_decay = ds["decay_length"].values
    both = np.isfinite(loop) & np.isfinite(ours_decay)
    max_rel = float(np.max(np.abs(ours_decay[both] / loop[both] - 1)))
    ratio = t_loop / t_ours
    return [
        Row(
            workload=f"screening_curves, 6 analytic models, {n} concentrations",
            ours=t_ours,
            baseline=t_loop,
            target="< 0.5 s and >= 20x loop",
            passed=(t_ours < 0.5) and ratio >= 20,
            note=f"CPU time of one call {cpu_ours:.3f} s; loop run on every {stride}th point "
            f"({subset.size}) and scaled x{stride}; "
            f"max rel. diff of decay lengths {max_rel:.1e}",
        ),
        Row(
            workload="first call (continuation tables and crossovers)",
            ours=cold,
            baseline=None,
            target="< 1 s CPU",
            passed=cold_cpu < 1.0,
            note=f"CPU time {cold_cpu:.3f} s (wall time suffers from the shared machine); "
            "one-time per process, tables cached",
        ),
    ]
