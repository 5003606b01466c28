"""Surface forces across NaCl(aq)
==============================

Surface force between two charged surfaces across aqueous NaCl, as measured in a surface
force balance, and the screening length extracted from it.

Run ``python examples/surface_forces.py [--fast] [--out DIR]``; writes
``DIR/surface_forces.png`` and checks the physics it shows:

1. the continuum slit (FiPy Poisson–Boltzmann, solved at each separation) gives the same
   disjoining pressure as the exact elliptic-integral PB plate solution;
2. F/R = 2 pi W(D) (Derjaguin) approaches the weak-overlap law
   (128 pi n0 kT gamma^2 lambda_D) exp(-D/lambda_D) at large separation;
3. fitting the exponential tail (window D >= 5 lambda_D, explicit) recovers the Debye length
   of ``theory.screening(..., "debye")`` to within 2 % at every concentration;
4. at a high wall potential a steric (Bikerman) double layer is MORE repulsive than PB at short
   range (crowding thickens the layer at fixed potential and the lattice-gas osmotic pressure
   exceeds the ideal one), while at low potential it reduces to PB;
5. below 4 ion diameters the continuum misses the structural (layering) force: that regime
   is marked, and a synthetic damped oscillation added to the curve is recovered by
   ``fit_surface_force(..., oscillatory=True)``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.constants import avogadro, boltzmann, elementary_charge
from ionscales.continuum.forces import surface_force_curve
from ionscales.fitting import fit_surface_force
from ionscales.fitting.surface_force import surface_force_model
from ionscales.theory import screening
from ionscales.units import M, mV, nm


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="coarse grids (CI)")
    parser.add_argument("--out", default=".", help="output directory for the figure")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    salt = presets.get("NaCl(aq)")
    psi0 = -50 * mV
    kT = boltzmann * salt.temperature
    concentrations = np.array([1e-3, 1e-2, 1e-1]) * M
    debye = screening(salt, concentrations, "debye")["decay_length"].values

    # 1. continuum (FiPy) versus the exact PB plates at 10 mM
    c_ref = 1e-2 * M
    D = np.geomspace(0.5, 30, 10 if args.fast else 30) * nm
    fipy = surface_force_curve(salt, c_ref, D, potential=psi0, model="pb", method="fipy")
    exact = surface_force_curve(salt, c_ref, D, potential=psi0, method="exact")
    rel = np.abs(fipy["disjoining_pressure"] / exact["disjoining_pressure"] - 1)
    assert float(rel.max()) < 2e-3, float(rel.max())

    # 2. weak overlap at large D
    lam = debye[1]
    gamma = math.tanh(elementary_charge * abs(psi0) / (4 * kT))
    woa = 128 * math.pi * c_ref * avogadro * kT * gamma**2 * lam * np.exp(-D / lam)
    assert abs(float(exact["force_over_radius"][-1]) / woa[-1] - 1) < 1e-2

    # 3. decay length from the tail versus theory.screening, at three concentrations
    fits = []
    curves = []
    for c, lam_c in zip(concentrations, debye):
        Dc = np.geomspace(0.5 * nm, 12 * lam_c, 25 if args.fast else 60)
        curve = surface_force_curve(salt, c, Dc, potential=psi0, method="exact")
        fit = fit_surface_force(
            Dc, curve["force_over_radius"].values, window=(5 * lam_c, 12 * lam_c)
        )
        assert abs(fit.best_values["decay_length"] / lam_c - 1) < 0.02, (
            c,
            fit.best_values["decay_length"] / lam_c,
        )
        fits.append(fit)
        curves.append(curve)

    # 4. steric double layer: more repulsive at high potential, PB-like at low potential
    Ds = np.array([0.6, 1.0, 2.0]) * nm
    pb = surface_force_curve(salt, 0.1 * M, Ds, potential=-0.3, model="pb", method="fipy")
    bik = surface_force_curve(salt, 0.1 * M, Ds, potential=-0.3, model="bikerman", method="fipy")
    assert np.all(bik["disjoining_pressure"].values > pb["disjoining_pressure"].values)
    pb_low = surface_force_curve(salt, 0.1 * M, Ds, potential=-0.02, model="pb", method="exact")
    bik_low = surface_force_curve(
        salt, 0.1 * M, Ds, potential=-0.02, model="bikerman", method="fipy"
    )
    assert np.allclose(
        bik_low["disjoining_pressure"].values, pb_low["disjoining_pressure"].values, rtol=5e-3
    )

    # 5. structural regime + synthetic oscillatory force recovered by the fit
    assert exact["regime"].values[0] == "layered"
    Dosc = np.linspace(0.5, 15, 300) * nm
    tail = surface_force_curve(salt, c_ref, Dosc[::10], potential=psi0, method="exact")
    base = np.interp(Dosc, tail["separation"].values, tail["force_over_radius"].values)
    period = 2 * salt.contact_diameter
    structural = surface_force_model(
        Dosc,
        decay_length=1.0,
        amplitude=0.0,
        structural_amplitude=5e-3,
        structural_decay_length=0.5 * nm,
        structural_period=period,
        structural_phase=0.3,
    )
    osc = fit_surface_force(
        Dosc,
        base + structural,
        sigma=np.full(Dosc.size, 1e-6),
        oscillatory=True,
        structural_period=period,
    )
    assert abs(osc.best_values["structural_period"] / period - 1) < 0.05

    # --- figure --------------------------------------------------------------------------
    from ionscales.plots import LINE_STYLES, OKABE_ITO, add_caption, pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    ax = axes[0]
    for k, (c, curve, fit, lam_c) in enumerate(zip(concentrations, curves, fits, debye)):
        Dc = curve["separation"].values / nm
        ax.semilogy(
            Dc,
            curve["force_over_radius"].values * 1e3,
            color=OKABE_ITO[k],
            ls=LINE_STYLES[0],
            label=f"{c / M:g} mol/L (exact PB plates)",
        )
        ax.semilogy(
            fit.x / nm,
            fit.best_fit * 1e3,
            ls="--",
            color=OKABE_ITO[k],
            label=rf"fit: decay length {fit.best_values['decay_length'] / nm:.3g} nm ($\lambda_D$ {lam_c / nm:.3g} nm)",
        )
    ax.semilogy(
        D / nm, fipy["force_over_radius"].values * 1e3, "k.", ms=4, label="FiPy slit, 10 mmol/L"
    )
    ax.axvspan(
        0,
        4 * salt.contact_diameter / nm,
        color="0.9",
        label="layered regime ($D$ < 4 ion diameters): not modelled",
    )
    ax.set(
        xlabel=r"surface separation $D$ [nm]",
        ylabel=r"force over radius $F/R$ [mN/m]",
        xlim=(0, 40),
        ylim=(1e-5, 20),
        title=rf"NaCl(aq), 298 K, constant wall potential $\psi_0$ = {psi0 * 1e3:.0f} mV",
    )
    ax.legend(fontsize=6.5)
    ax = axes[1]
    ax.plot(
        Dosc / nm,
        (base + structural) * 1e3,
        color=OKABE_ITO[0],
        label="PB tail + damped structural term",
    )
    ax.plot(
        osc.x / nm,
        osc.best_fit * 1e3,
        "--",
        color=OKABE_ITO[3],
        label=f"fit: period {osc.best_values['structural_period'] / nm:.3f} nm",
    )
    ax.set(
        xlabel=r"surface separation $D$ [nm]",
        ylabel=r"force over radius $F/R$ [mN/m]",
        xlim=(0.5, 5),
        title="oscillatory (structural) force: fitted period",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    add_caption(
        fig,
        "Look at: on the log scale each tail is a straight line whose fitted decay length "
        "equals the Debye length; right, the fit recovers the period of the structural oscillation.",
    )
    fig.savefig(out / "surface_forces.png", dpi=120)
    plt.close(fig)
    for c, fit, lam_c in zip(concentrations, fits, debye):
        print(
            f"{c / M:g} M: fitted decay length {fit.best_values['decay_length'] / nm:.4f} nm, "
            f"Debye length {lam_c / nm:.4f} nm"
        )


if __name__ == "__main__":
    main()
