"""Aggregation benchmarks: vectorised solve + cluster distribution, and cluster counting."""

from __future__ import annotations

import math

import numpy as np

from benchmarks._harness import Row, best_time


def _loop_baseline(model, molality, size):
    """Straightforward implementation: one state at a time, brentq for the mass action and
    a double loop over (l, m) with math.lgamma for the Stockmayer weights."""
    from scipy.optimize import brentq

    f_c, f_a, lt = model.f_cation, model.f_anion, model.association
    xi_c, xi_a, mw = model.xi_cation, model.xi_anion, model.solvent_molar_mass_in_use()
    out = np.zeros((len(molality), size + 1, size + 1))
    for i, m in enumerate(molality):
        salt = m / (1 / mw + (xi_c + xi_a) * m)
        psi_c, psi_a, phi0 = f_c * salt, f_a * salt, 1 - (xi_c + xi_a) * salt

        def eq(x, psi_c=psi_c, psi_a=psi_a, phi0=phi0):
            pa, p0 = psi_c * x / psi_a, psi_c * (1 - x) / phi0
            return lt * p0 * (1 - pa) - pa * (1 - p0)

        hi = min(1.0, psi_a / psi_c) * (1 - 1e-15)
        pc = brentq(eq, 0.0, hi, xtol=1e-15)
        pa = psi_c * pc / psi_a
        for l in range(1, size + 1):
            for mm in range(0, size + 1):
                a, b = f_c * l - l - mm + 1, f_a * mm - mm - l + 1
                if a < 0 or b < 0:
                    continue
                lnw = (
                    math.lgamma(f_c * l - l + 1)
                    + math.lgamma(f_a * mm - mm + 1)
                    - math.lgamma(l + 1)
                    - math.lgamma(mm + 1)
                    - math.lgamma(a + 1)
                    - math.lgamma(b + 1)
                )
                out[i, l, mm] = (
                    salt
                    * f_c
                    * math.exp(
                        lnw
                        + (l - 1) * math.log(pa)
                        + mm * math.log(pc)
                        + a * math.log(1 - pc)
                        + b * math.log(1 - pa)
                    )
                )
        out[i, 0, 1] = salt * (1 - pa) ** f_a
    return out


def run(quick: bool = False) -> list[Row]:
    from ionscales.fitting import cluster_counts
    from ionscales.theory.aggregation import SolvatedAggregation, cluster_distribution

    rows = []
    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    n_states = 100 if quick else 1000
    size = 100
    molality = np.linspace(1, 21, n_states)  # within the LiTFSI density data (<= 21 mol/kg)

    def ours():
        return model.solve(molality=molality, max_size=size)

    t_ours = best_time(ours, repeat=2)
    n_base = 5 if quick else 20  # the loop is timed on a subset and scaled
    t_base = (
        best_time(lambda: _loop_baseline(model, molality[:n_base], size), repeat=1)
        * n_states
        / n_base
    )
    ds = ours()
    check = _loop_baseline(model, molality[:3], size)
    st = model.state(molality=molality[:3])
    comp = st.composition
    mine = cluster_distribution(
        comp.c_cation, comp.c_anion, st.p_cation, st.p_anion, f_cation=4, f_anion=3, max_cation=size
    )
    err = float(np.max(np.abs(mine - check)) / np.max(check))
    rows.append(
        Row(
            f"solve + c_lm (l,m <= {size}) for {n_states} molalities",
            t_ours,
            t_base,
            "< 2 s" if not quick else "smoke",
            t_ours < 2.0 or quick,
            f"baseline loop timed on {n_base} states and scaled; max rel diff {err:.1e}; "
            f"dataset {ds.nbytes / 1e6:.0f} MB",
        )
    )

    from ionscales.theory import transport

    mol = np.linspace(1, 12, 20 if quick else 100)  # pre-gel range (fast-converging sums)

    def vectorised():
        return transport.carrier_transport(model, molality=mol)

    def per_state():
        return [
            transport.cluster_conductivity(model.effective_carriers(molality=float(m))) for m in mol
        ]

    t_vec = best_time(vectorised, repeat=2)
    t_loop = best_time(per_state, repeat=1)
    diff = float(
        np.max(
            np.abs(vectorised().conductivity.values - np.array(per_state())) / np.array(per_state())
        )
    )
    rows.append(
        Row(
            f"carrier_transport (sigma, t+, z_eff) for {mol.size} molalities",
            t_vec,
            t_loop,
            ">= 2x the per-state carriers loop" if not quick else "smoke",
            t_loop / t_vec >= 2 or quick,
            f"converged cluster sums (tolerance 1e-6); max rel diff {diff:.1e}",
        )
    )

    rng = np.random.default_rng(0)
    frames = 100 if quick else 1000
    n_ions = 1000
    bonds = [
        np.column_stack([rng.integers(0, n_ions, 1500), rng.integers(0, n_ions, 1500)])
        for _ in range(frames)
    ]
    t_cc = best_time(lambda: cluster_counts(bonds, n_ions, n_ions), repeat=2)
    rows.append(
        Row(
            f"cluster_counts: {frames} frames of {2 * n_ions} ions",
            t_cc,
            None,
            "< 5 s" if not quick else "smoke",
            t_cc < 5.0 or quick,
            "1500 bonds per frame",
        )
    )
    return rows
