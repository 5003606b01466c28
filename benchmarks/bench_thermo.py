"""Thermodynamics and job-1 fits: vectorised Blum-MSA solve and decay fits.

Rows:

* MSA (Blum, unequal diameters) activity + osmotic coefficients over a concentration grid:
  ours (vectorised bisection for Gamma) vs a per-point scipy ``brentq`` loop solving the
  same Gamma equation (the straightforward implementation). Target: >= 5x and identical
  results (|d ln gamma| < 1e-10).
* fit_decay on a noisy two-mode tail (oscillatory + monotonic): ours (matrix-pencil starts)
  vs scipy ``curve_fit`` from generic starting values (xi = lambda = 1 nm). Target: ours
  recovers every parameter within 3 stderr in < 2 s (the baseline's success is reported).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq, curve_fit

from benchmarks._harness import Row, best_time
from ionscales import Electrolyte, Ion, presets
from ionscales.constants import avogadro
from ionscales.fitting.decay import fit_decay
from ionscales.theory.thermo import blum_msa, hard_sphere_mixture
from ionscales.units import M, nm


def _baseline_msa(e, c):
    z, s, lb = e.charges, e.diameters, e.bjerrum_length
    out = []
    for ci in c:
        n = ci * e.nu * avogadro
        delta = 1 - math.pi / 6 * np.sum(n * s**3)
        kappa = math.sqrt(4 * math.pi * lb * np.sum(n * z**2))

        def f(g, n=n, delta=delta):
            den = 1 + g * s
            omega = 1 + math.pi / (2 * delta) * np.sum(n * s**3 / den)
            pn = np.sum(n * s * z / den) / omega
            q = (z - math.pi / (2 * delta) * s**2 * pn) / den
            return g**2 - math.pi * lb * np.sum(n * q**2)

        g = brentq(f, 1e-30, kappa, xtol=1e-30, rtol=1e-15)
        den = 1 + g * s
        omega = 1 + math.pi / (2 * delta) * np.sum(n * s**3 / den)
        pn = np.sum(n * s * z / den) / omega
        eta = math.pi * pn / (2 * delta)
        ln_g = -lb * (g * z**2 / den + eta * s * ((2 * z - eta * s**2) / den + eta * s**2 / 3))
        hs = hard_sphere_mixture(n, s)
        out.append(ln_g + hs["ln_gamma"])
    return np.array(out)


def _ours_msa(e, c):
    n = c[:, None] * e.nu * avogadro
    return (
        blum_msa(n, e.charges, e.diameters, e.bjerrum_length)["ln_gamma"]
        + hard_sphere_mixture(n, e.diameters)["ln_gamma"]
    )


def run(quick: bool = False) -> list[Row]:
    rows = []
    e = Electrolyte(Ion("Ca2+", 2, 0.5 * nm), Ion("Cl-", -1, 0.36 * nm), presets.WATER)
    c = np.geomspace(1e-3, 3, 200 if quick else 2000) * M
    ours = best_time(lambda: _ours_msa(e, c))
    base = best_time(lambda: _baseline_msa(e, c), repeat=1 if quick else 2)
    diff = float(np.max(np.abs(_ours_msa(e, c) - _baseline_msa(e, c))))
    rows.append(
        Row(
            f"Blum MSA + BMCSL, 2:1, {c.size} concentrations",
            ours,
            base,
            ">= 5x, |d ln g| < 1e-10",
            base / ours >= 5 and diff < 1e-10,
            f"max |d ln g| = {diff:.1e}",
        )
    )

    rng = np.random.default_rng(7)
    r = np.linspace(0.2, 4.0, 300) * nm
    x = r / nm
    truth = {
        "decay_length_1": 1.2e-9,
        "amplitude_1": 0.05,
        "decay_length_2": 0.4e-9,
        "wavelength_2": 0.7e-9,
        "amplitude_2": 0.8,
        "phase_2": 0.4,
    }
    y = (
        0.8 * np.exp(-x / 0.4) * np.cos(2 * math.pi * x / 0.7 - 0.4)
        + 0.05 * np.exp(-x / 1.2)
        + rng.normal(0, 1e-4, x.size)
    )
    res_box = {}

    def ours_fit():
        res_box["r"] = fit_decay(r, y, modes=2, sigma=1e-4)

    t_ours = best_time(ours_fit, repeat=1 if quick else 3)
    res = res_box["r"]
    ok = all(abs(res.best_values[k] - v) <= 3 * res.stderr[k] for k, v in truth.items())

    def model(xx, a1, xi1, a2, xi2, lam2, th2):
        return a1 * np.exp(-xx / xi1) + a2 * np.exp(-xx / xi2) * np.cos(
            2 * math.pi * xx / lam2 - th2
        )

    base_box = {}

    def base_fit():
        try:
            p, _ = curve_fit(model, x, y, p0=[0.1, 1.0, 0.5, 1.0, 1.0, 0.0], maxfev=20000)
            base_box["ok"] = abs(p[1] - 1.2) < 0.05 and abs(p[4] - 0.7) < 0.02
        except RuntimeError:
            base_box["ok"] = False

    t_base = best_time(base_fit, repeat=1 if quick else 3)
    rows.append(
        Row(
            "fit_decay two-mode tail (300 points, noise 1e-4)",
            t_ours,
            t_base,
            "< 2 s, truth within 3 stderr",
            ok and t_ours < 2.0,
            f"baseline curve_fit (generic start) recovered truth: {base_box['ok']}",
        )
    )
    return rows
