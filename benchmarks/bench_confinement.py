"""Confinement hot paths against baselines measured in the same run.

1. A 200 x 200 (width x voltage) capacitance map of the mean-field slit pore
   (``capacitance_map``: one vectorised safeguarded-Newton solve) against a Python loop that
   solves each point with ``scipy.optimize.brentq`` and differentiates the charge numerically.
   Target: < 5 s.
2. ``slit_interaction`` on 10^6 midplane distances (0.1 L .. 5 L) against a direct image sum
   truncated at |n| <= 1000 (symmetric; the ESPResSo-tutorial baseline, error ~1/N). The
   baseline is timed on a subsample and scaled to 10^6 points. Target: < 1 s.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from benchmarks._harness import Row, best_time
from ionscales.constants import boltzmann, elementary_charge, vacuum_permittivity
from ionscales.theory import confinement as cf

NM = 1e-9


def _loop_map(widths, voltages, d, eps=2.0, w=0.0, T=298.15):
    """Per-point baseline: brentq on psi = v + E rho(psi), capacitance by central differences."""
    kT = boltzmann * T
    h = math.exp(-w)
    c_max = 2 / (math.sqrt(3) * d**2)
    out = np.zeros((len(widths), len(voltages)))
    for i, L in enumerate(widths):
        if L <= d:
            continue
        E = (
            elementary_charge**2
            * c_max
            * L
            * cf.sheet_coupling_factor(d / L)
            / (4 * vacuum_permittivity * eps)
            / kT
        )

        def rho(psi):
            # -2h sinh(psi)/(1 + 2h cosh(psi)) without overflow
            em = math.exp(-abs(psi))
            return -math.copysign(1.0, psi) * h * (1 - em * em) / (em + h * (1 + em * em))

        def rho_of(v, E=E):
            psi = optimize.brentq(
                lambda psi: psi - v - E * rho(psi), v - E - 1, v + E + 1, xtol=1e-14
            )
            return rho(psi)

        for j, u in enumerate(voltages):
            v = u * elementary_charge / kT
            dv = 1e-6
            out[i, j] = -(rho_of(v + dv) - rho_of(v - dv)) / (2 * dv)
    return out


def _image_sum(x, n_max=1000):
    """Midplane g(x) = sum_{|n| <= n_max} (-1)^n / sqrt(x^2 + n^2), chunked."""
    n = np.arange(1, n_max + 1)
    sign = (-1.0) ** n
    out = np.empty_like(x)
    for start in range(0, x.size, 2000):
        xs = x[start : start + 2000, None]
        out[start : start + 2000] = 1 / xs[:, 0] + 2 * np.sum(sign / np.sqrt(xs**2 + n**2), axis=1)
    return out


def run(quick: bool = False) -> list[Row]:
    rows = []
    # 1. capacitance map
    widths = np.linspace(0.4, 3.0, 200) * NM
    voltages = np.linspace(-1, 1, 200)
    d = 0.5 * NM
    ours = best_time(lambda: cf.capacitance_map(widths, voltages, d), repeat=1 if quick else 3)
    m = cf.capacitance_map(widths, voltages, d)
    sub = 10 if quick else 2  # baseline on every sub-th width, scaled
    t_base = best_time(lambda: _loop_map(widths[::sub], voltages, d), repeat=1)
    check = np.flatnonzero(widths > d)[[0, 40, -1]]  # accessible widths
    base_vals = _loop_map(widths[check], voltages, d)
    unit = elementary_charge**2 * 2 / (math.sqrt(3) * d**2) / (2 * boltzmann * 298.15)
    err = float(np.max(np.abs(m["capacitance"].values[check] / unit - base_vals)))
    baseline = t_base * sub
    rows.append(
        Row(
            "SlitPore capacitance map 200 x 200 (width x voltage)",
            ours,
            baseline,
            "< 5 s",
            ours < 5.0,
            f"max |dC| vs loop {err:.1e} (e^2 c_max/2kT); baseline x{sub} extrapolated",
        )
    )
    # 2. slit interaction
    rng = np.random.default_rng(0)
    n_points = 10**6
    L = 1.0 * NM
    r = rng.uniform(0.1, 5.0, n_points) * L
    ours = best_time(lambda: cf.slit_interaction(r, L, 2.0), repeat=1 if quick else 3)
    n_sub = 2000 if quick else 10000
    xs = r[:n_sub] / L
    t_img = best_time(lambda: _image_sum(xs), repeat=1)
    g = (
        cf.slit_interaction(r[:n_sub], L, 2.0)
        * L
        * 2.0
        * 4
        * math.pi
        * vacuum_permittivity
        / elementary_charge
    )
    err = float(np.max(np.abs(_image_sum(xs) - g)))
    rows.append(
        Row(
            "slit_interaction, 10^6 distances",
            ours,
            t_img * n_points / n_sub,
            "< 1 s",
            ours < 1.0,
            f"truncated image sum (|n|<=1000) max abs. error in g {err:.1e} (ours: 1e-14); baseline scaled from {n_sub}",
        )
    )
    return rows
