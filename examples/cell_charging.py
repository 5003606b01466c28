"""Charging of a blocking cell (PNP)
=================================

Charging of a blocking electrolyte cell after a voltage step (PNP on FiPy).

A 1:1 electrolyte (equal diffusivities D) fills a slit of width 2L between two blocking
electrodes. At t = 0 the cell voltage jumps to 2 v kT/e. Bazant, Thornton & Ajdari
(PRE 70, 021506 (2004), doi:10.1103/PhysRevE.70.021506) showed that for thin double layers
(eps = lambda_D/L << 1) the cell is an RC circuit: the diffuse charge per electrode is

    q(t) = v [1 - exp(-t/tau_c)]        (units eps kT/(e lambda_D)),  tau_c = lambda_D L/D,

for v << 1, and for v ~ 1 follows the Gouy–Chapman circuit model

    cosh(zeta/2) dzeta/dT = v - zeta,   q = 2 sinh(zeta/2),   T = t/tau_c.

This script solves the full Poisson–Nernst–Planck transient with
``ionscales.continuum.solve_pnp`` and checks both laws, ion conservation and positivity.

Run: ``python examples/cell_charging.py [--fast] [--out DIR]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

from ionscales import Electrolyte, Ion, Solvent
from ionscales.continuum import Slit, solve_pnp
from ionscales.continuum.pnp import pnp_scales
from ionscales.units import M, nm


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="coarse settings for CI")
    parser.add_argument("--out", default=".", help="directory for the figure")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    water = Solvent("water", permittivity=78.4, temperature=298.15)
    salt = Electrolyte(
        cation=Ion("A+", charge=1, diameter=0.36 * nm, diffusivity=1e-9),
        anion=Ion("B-", charge=-1, diameter=0.36 * nm, diffusivity=1e-9),
        solvent=water,
    )
    concentration = 0.01 * M
    scales = pnp_scales(salt, concentration)
    debye, vt = scales["debye_length"], scales["thermal_voltage"]
    charge_unit = scales["permittivity"] * vt / debye  # eps kT/(e lambda_D) [C/m^2]

    eps = 0.04 if args.fast else 0.01  # lambda_D / L
    growth, rtol = (1.2, 3e-3) if args.fast else (1.08, 1e-3)
    half_width = debye / eps
    width = 2 * half_width
    tau = debye * half_width / 1e-9  # RC charging time lambda_D L / D [s]

    results = {}
    for v in (0.01, 1.0):
        start = time.perf_counter()
        ds = solve_pnp(
            salt,
            concentration,
            Slit(width),
            voltage=2 * v * vt,
            t_end=5 * tau,
            electrodes="blocking",
            growth=growth,
            rtol=rtol,
            progress=False,
        )
        elapsed = time.perf_counter() - start
        t = ds.time.values / tau
        left = ds.x < width / 2
        # diffuse charge of the left double layer, -int rho dx over the left half
        q = -(ds.charge_density.where(left, 0.0) * ds.cell_width).sum("x").values / charge_unit
        results[v] = (t, q, ds)
        print(
            f"v = {v:g} kT/e: {ds.attrs['solver_steps']} steps "
            f"({ds.attrs['solver_rejected_steps']} rejected), "
            f"{ds.attrs['iterations']} Newton iterations, {elapsed:.1f} s, "
            f"inventory drift {ds.attrs['inventory_drift']:.1e}"
        )

    # --- linear charging against the RC law ------------------------------------------------
    t, q, ds = results[0.01]
    rc = 0.01 * (1 - np.exp(-t))
    late = t >= 1.0
    error = np.max(np.abs(q[late] / rc[late] - 1))
    print(
        f"linear: max relative deviation from the RC law for t >= tau_c: {error:.2%} "
        f"(finite eps = {eps} corrections are O(eps))"
    )
    assert error < 2 * eps, error
    assert ds.attrs["inventory_drift"] < 1e-10
    assert float(ds.ion_concentration.min()) > 0

    # --- weakly nonlinear charging against the Gouy–Chapman circuit model ----------------
    t1, q1, ds1 = results[1.0]
    sol = solve_ivp(
        lambda s, z: [(1.0 - z[0]) / np.cosh(z[0] / 2)],
        (0, 5.5),
        [0.0],
        rtol=1e-10,
        atol=1e-12,
        dense_output=True,
    )
    q_gc = 2 * np.sinh(sol.sol(t1)[0] / 2)
    late1 = t1 >= 1.0
    error1 = np.max(np.abs(q1[late1] / q_gc[late1] - 1))
    print(f"v = 1: max relative deviation from the GC circuit model for t >= tau_c: {error1:.2%}")
    assert error1 < 2 * eps, error1
    assert q1[-1] > 1.0 * (1 - np.exp(-t1[-1]))  # nonlinear capacitance > C_D
    assert ds1.attrs["inventory_drift"] < 1e-10

    from ionscales.plots import OKABE_ITO, add_caption, pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    tt = np.linspace(0, 5, 200)
    ax.plot(t, q / 0.01, "o", ms=4, color=OKABE_ITO[0], label=r"PNP, $v = eV/kT$ = 0.01")
    ax.plot(tt, 1 - np.exp(-tt), "k-", lw=1, label=r"linear RC law $1 - e^{-t/\tau_c}$")
    ax.plot(t1, q1, "s", ms=4, color=OKABE_ITO[3], label=r"PNP, $v$ = 1")
    ax.plot(tt, 2 * np.sinh(sol.sol(tt)[0] / 2), "k--", lw=1, label="Gouy-Chapman circuit model")
    ax.set_xlabel(r"$t/\tau_c$, $\tau_c = \lambda_D L/D$")
    ax.set_ylabel(r"diffuse charge $q/v$ [$\varepsilon k T/(e\lambda_D)$]")
    ax.set_title(
        rf"blocking cell after a voltage step, $\epsilon = \lambda_D/L$ = {eps}", fontsize=10
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    add_caption(
        fig,
        "Look at: the small step follows the RC law, the large one the nonlinear "
        "Gouy-Chapman circuit model, both to within 2 epsilon.",
    )
    path = out / "cell_charging.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
