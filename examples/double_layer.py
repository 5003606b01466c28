"""Double layers: Gouy-Chapman, Bikerman, BSK
==========================================

Double layers: Gouy–Chapman versus Bikerman (crowding) versus BSK (overscreening).

A literate example of the FiPy continuum layer. It reproduces, in the dimensionless setting
of Bazant, Storey & Kornyshev, Phys. Rev. Lett. 106, 046102 (2011)
(doi:10.1103/PhysRevLett.106.046102) — compacity gamma = 0.5 and correlation length
delta_c = l_c/lambda_D = 10 — the two pictures of the electrode/electrolyte interface:

1. **Profiles** at an electrode potential of 10 kT/e: point ions (Gouy–Chapman) pile up
   without bound; the lattice-gas (Bikerman/Kornyshev) layer saturates at close packing,
   counterion density 2 c0/gamma, i.e. a charge density of 4 e c0 for gamma = 0.5, and grows
   as a condensed layer; BSK adds an overscreening layer of the opposite sign behind it.
2. **Capacitance versus voltage**: GC's cosh(u/2); the Kornyshev (2007) bell
   (gamma > 1/3) decaying as 1/sqrt(2 gamma u); and BSK, whose small-voltage capacitance is
   lowered to sqrt(1 + 2 delta_c)/(1 + delta_c) by correlations and which joins the crowding
   tail at high voltage.

The NaCl(aq) preset at 0.1 M only supplies units (lambda_D, kT/e); all results are shown
in Debye units. Run ``python examples/double_layer.py [--fast] [--out DIR]``; it writes
``double_layer.png`` and asserts the analytic limits below.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.continuum import HalfSpace, capacitance_curve, solve_pb

GAMMA = 0.5  # compacity (bulk ionic volume fraction)
DELTA = 10.0  # correlation length in Debye lengths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="fewer voltages (CI)")
    parser.add_argument("--out", default=".", help="output directory for the figure")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    salt = presets.get("NaCl(aq)")
    concentration = 100.0  # mol/m^3
    vt = boltzmann * salt.temperature / elementary_charge
    probe = solve_pb(salt, concentration, HalfSpace(), wall_potential=1e-3)
    lam = float(probe.debye_length)
    eps_over_lambda = salt.permittivity * vacuum_permittivity / lam  # Debye capacitance C_D
    assert abs(float(probe.capacitance) / eps_over_lambda - 1) < 1e-3  # linear GC: C = C_D

    models = {
        "Gouy–Chapman": {"model": "pb"},
        "Bikerman": {"model": "bikerman", "compacity": GAMMA},
        "BSK": {"model": "bsk", "compacity": GAMMA, "correlation_length": DELTA * lam},
    }

    # --- 1. profiles at u = 10 ----------------------------------------------------------
    u_profile = 10.0
    profiles = {
        name: solve_pb(salt, concentration, HalfSpace(), wall_potential=u_profile * vt, **opts)
        for name, opts in models.items()
    }
    rho = {
        name: -ds.charge_density.values / (elementary_charge * concentration * avogadro)
        for name, ds in profiles.items()
    }  # counter-charge density in units of e c0
    # Bikerman saturates at close packing: counterion density c_max = 2 c0/gamma
    assert abs(rho["Bikerman"].max() - 2 / GAMMA) < 1e-3 * 2 / GAMMA
    # BSK: crowded layer plus an overscreening layer of opposite sign
    assert rho["BSK"].max() > 0.999 * 2 / GAMMA and rho["BSK"].min() < -0.5
    # GC: no saturation (contact density 2 sinh(10) ~ 2.2e4 c0)
    assert rho["Gouy–Chapman"].max() > 1e3

    # --- 2. capacitance versus voltage ----------------------------------------------------
    points = 21 if args.fast else 101
    u = np.linspace(-40.0, 40.0, points)
    curves = {
        name: capacitance_curve(salt, concentration, HalfSpace(), u * vt, **opts)
        for name, opts in models.items()
        if name != "Gouy–Chapman"
    }
    u_gc = np.linspace(-10.0, 10.0, points)
    curves["Gouy–Chapman"] = capacitance_curve(salt, concentration, HalfSpace(), u_gc * vt)
    cap = {name: ds.capacitance.values / eps_over_lambda for name, ds in curves.items()}
    np.testing.assert_allclose(cap["Gouy–Chapman"], np.cosh(u_gc / 2), rtol=1e-3)
    s2 = np.sinh(u / 2) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        kornyshev = (
            np.cosh(u / 2)
            / (1 + 2 * GAMMA * s2)
            * np.sqrt(2 * GAMMA * s2 / np.log1p(2 * GAMMA * s2))
        )
    kornyshev = np.where(u == 0, 1.0, kornyshev)
    np.testing.assert_allclose(cap["Bikerman"], kornyshev, rtol=1e-3)
    bsk_zero = (
        float(
            capacitance_curve(salt, concentration, HalfSpace(), [0.0], **models["BSK"]).capacitance[
                0
            ]
        )
        / eps_over_lambda
    )
    assert abs(bsk_zero / (np.sqrt(1 + 2 * DELTA) / (1 + DELTA)) - 1) < 1e-3
    # crowding tail: BSK approaches the Bikerman capacitance at high voltage
    assert abs(cap["BSK"][-1] / cap["Bikerman"][-1] - 1) < 0.25

    _figure(profiles, rho, curves, cap, u, u_gc, lam, out / "double_layer.png")
    print(
        f"BSK C(0)/C_D = {bsk_zero:.4f} (sqrt(1+2d)/(1+d) = {np.sqrt(1 + 2 * DELTA) / (1 + DELTA):.4f}); "
        f"Bikerman and GC match Kornyshev and cosh(u/2) to 1e-3; wrote {out / 'double_layer.png'}"
    )
    return 0


def _figure(profiles, rho, curves, cap, u, u_gc, lam, path):
    from ionscales.plots import LINE_STYLES, OKABE_ITO, add_caption, pyplot

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.6))
    for k, (name, ds) in enumerate(profiles.items()):
        ax1.plot(ds.x.values / lam, rho[name], color=OKABE_ITO[k], ls=LINE_STYLES[k], label=name)
    ax1.set_xlim(0, 30)
    ax1.set_ylim(min(-2.0, 1.1 * rho["BSK"].min()), 5)
    ax1.axhline(0, color="0.6", lw=0.5)
    ax1.set_xlabel(r"distance from the electrode $x/\lambda_D$ [1]")
    ax1.set_ylabel(r"counter-charge density $-\rho/(e c_0)$ [1]")
    ax1.set_title(
        r"profiles at $u$ = 10 kT/e ($\gamma$ = 0.5, $\ell_c = 10\lambda_D$)", fontsize=10
    )
    ax1.legend()
    for k, name in enumerate(("Gouy–Chapman", "Bikerman", "BSK")):
        x = u_gc if name == "Gouy–Chapman" else u
        ax2.plot(x, cap[name], color=OKABE_ITO[k], ls=LINE_STYLES[k], label=name)
    ax2.set_yscale("log")
    ax2.set_ylim(0.05, 50)
    ax2.set_xlabel(r"electrode potential $eu/kT$ [1]")
    ax2.set_ylabel(r"differential capacitance $C/(\varepsilon/\lambda_D)$ [1]")
    ax2.set_title("differential capacitance (log axis)", fontsize=10)
    ax2.legend()
    fig.tight_layout()
    add_caption(
        fig,
        "Look at: Bikerman saturates at close packing and BSK adds an overscreening layer of "
        "opposite sign; the crowded models turn the Gouy-Chapman capacitance into a bell.",
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
