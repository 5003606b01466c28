"""Capacitance of nanoporous electrodes
====================================

Capacitance of nanoporous electrodes versus pore width and voltage: the superionic regime
of narrow metallic slits next to the continuum double layer of wide pores.

Run ``python examples/nanopore_capacitance.py [--fast] [--out DIR]``; writes
``DIR/nanopore_capacitance.png`` and checks the physics it shows:

1. the metallic slit screens the ion–ion interaction exponentially, with decay length L/pi;
2. the mean-field pore model reproduces its closed forms: C0 = x0/(1 + E x0) at zero voltage,
   a camel-shaped C(u) for an ionophobic pore (x0 < 1/3) and a bell for an ionophilic one;
3. the zero-voltage capacitance of the single-layer pore rises as the pore narrows towards
   the ion size (the anomalous increase of Chmiola et al. 2006), and vanishes for pores
   narrower than the ions (sieving);
4. the ionophobic pore stores more energy at high voltage than the ionophilic one;
5. wide pores: the continuum (Bikerman + Stern) slit capacitance tends to the flat-electrode
   value, and the regime boundaries (layered: L < 4 d; correlated: L <= 4 xi; bulk-like)
   are marked.

The narrow-pore curve is the mean-field single-layer model (valid for d < L < 2d); the wide-pore
curve is the continuum theory (valid for L >> d). Between 2d and ~4d (few ion layers) neither
applies — capacitance oscillations there need classical DFT or simulation.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.theory import confinement as cf
from ionscales.theory import debye_length
from ionscales.units import M, nm


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="coarse grids (CI)")
    parser.add_argument("--out", default=".", help="output directory for the figure")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # --- the electrolyte: [C4C1Pyrr][NTf2] in propylene carbonate, 1 M ----------------------
    electrolyte = presets.get("[C4C1Pyrr][NTf2] in PC")
    d = electrolyte.contact_diameter  # 0.72 nm
    c = 1.0 * M
    eps_pore = 2.0  # desolvated ions in the pore: electronic polarisability only

    # 1. exponential screening in the metallic slit
    L = 0.9 * nm
    r = np.array([3.0, 4.0]) * L
    phi = cf.slit_interaction(r, L, eps_pore)
    decay = (r[1] - r[0]) / math.log(phi[0] / phi[1])
    assert abs(decay / (L / math.pi) - 1) < 0.05, decay / (L / math.pi)

    # 2. closed forms of the mean-field pore
    ionophilic = cf.SlitPore(
        width=0.9 * nm, ion_diameter=d, permittivity=eps_pore, ionophobicity=-3.0
    )
    ionophobic = cf.SlitPore(
        width=0.9 * nm, ion_diameter=d, permittivity=eps_pore, ionophobicity=3.0
    )
    u = np.linspace(-1.5, 1.5, 121 if args.fast else 601)
    philic = ionophilic.charge(u)
    phobic = ionophobic.charge(u)
    for pore, ds in ((ionophilic, philic), (ionophobic, phobic)):
        x0, E = pore.zero_voltage_occupancy, pore.coupling
        c0 = float(ds["capacitance"].sel(voltage=0.0, method="nearest"))
        assert math.isclose(c0, pore.capacitance_unit * x0 / (1 + E * x0), rel_tol=1e-9)
    mid = len(u) // 2
    assert phobic["capacitance"][mid] < phobic["capacitance"].max()  # camel (x0 < 1/3)
    assert math.isclose(
        float(philic["capacitance"][mid]), float(philic["capacitance"].max()), rel_tol=1e-9
    )  # bell

    # 3. capacitance versus width at zero voltage (single-layer range d < L < 2d)
    widths = np.linspace(0.5, 1.6, 45 if args.fast else 221) * nm
    cmap = cf.capacitance_map(widths, u, d, permittivity=eps_pore, ionophobicity=0.0)
    c_zero = cmap["capacitance"].sel(voltage=0.0, method="nearest")
    narrow = cmap["single_layer_valid"].values.astype(bool)
    assert np.all(c_zero.values[~cmap["accessible"].values.astype(bool)] == 0)
    assert np.all(np.diff(c_zero.values[narrow]) < 0)  # anomalous increase as L -> d

    # 4. stored energy at the highest voltage: ionophobic > ionophilic
    assert float(phobic["stored_energy"][-1]) > float(philic["stored_energy"][-1])

    # 5. the continuum slit for wide pores, with the flat-electrode limit
    from ionscales.continuum import HalfSpace, solve_pb
    from ionscales.continuum.forces import slit_capacitance

    stern = 0.36 * nm * electrolyte.permittivity / 6.0  # 0.36 nm layer with eps_r = 6
    wide = np.geomspace(4 * d, 30 * nm, 6 if args.fast else 16)
    cont = slit_capacitance(electrolyte, c, wide, 0.0, model="bikerman", stern_length=stern)
    flat = solve_pb(
        electrolyte, c, HalfSpace(), wall_potential=0.0, model="bikerman", stern_length=stern
    )
    c_flat = float(np.ravel(flat["capacitance"].values)[0])
    assert abs(cont["capacitance"].values[-1] / c_flat - 1) < 1e-2

    xi = debye_length(electrolyte, c)
    labels = cf.regime(widths, d, xi)
    assert labels[0] == "layered"

    # --- figure --------------------------------------------------------------------------
    from ionscales.plots import LINE_STYLES, OKABE_ITO, add_caption, pyplot

    plt = pyplot()
    uf = r"[$\mu$F/cm$^2$]"
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.8))
    ax = axes[0]
    ax.plot(
        widths[narrow] / nm,
        c_zero.values[narrow] * 100,
        lw=2,
        color=OKABE_ITO[0],
        label="single-layer pore (mean field)",
    )
    ax.plot(
        wide / nm,
        cont["capacitance"].values * 100,
        "o-",
        ms=3,
        color=OKABE_ITO[1],
        label="continuum slit (Bikerman + Stern)",
    )
    ax.axhline(c_flat * 100, ls=":", color="k", label="flat electrode (Bikerman + Stern)")
    ax.axvline(
        d / nm, color=OKABE_ITO[3], lw=1, label=rf"$L = d$ = {d / nm:.2g} nm: pore closes to ions"
    )
    ax.axvspan(
        2 * d / nm, 4 * d / nm, color="0.9", label=r"$2d < L < 4d$: few layers, neither model"
    )
    ax.axvline(
        4 * xi / nm,
        color=OKABE_ITO[4],
        lw=1,
        ls="--",
        label=r"$L = 4\xi$: correlated | bulk-like ($\xi$ = Debye length)",
    )
    ax.set(
        xscale="log",
        xlabel=r"pore width $L$ [nm]",
        ylabel=r"$C(u = 0)$ per wall area " + uf,
        title="capacitance versus pore width",
    )
    ax.legend(fontsize=6.5, loc="upper right")
    ax = axes[1]
    ax.plot(
        u,
        philic["capacitance"] * 100,
        color=OKABE_ITO[0],
        ls=LINE_STYLES[0],
        label="ionophilic (-3 kT)",
    )
    ax.plot(
        u,
        phobic["capacitance"] * 100,
        color=OKABE_ITO[1],
        ls=LINE_STYLES[1],
        label="ionophobic (+3 kT)",
    )
    ax.set(
        xlabel=r"wall potential $u$ [V]",
        ylabel=r"differential capacitance $C$ " + uf,
        title=f"pore $L$ = 0.9 nm, ions $d$ = {d / nm:.2f} nm",
    )
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.plot(
        u,
        philic["stored_energy"],
        color=OKABE_ITO[0],
        ls=LINE_STYLES[0],
        label="ionophilic (-3 kT)",
    )
    ax.plot(
        u,
        phobic["stored_energy"],
        color=OKABE_ITO[1],
        ls=LINE_STYLES[1],
        label="ionophobic (+3 kT)",
    )
    ax.set(
        xlabel=r"wall potential $u$ [V]",
        ylabel=r"stored energy $E$ [J/m$^2$]",
        title="stored energy, $L$ = 0.9 nm",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    add_caption(
        fig,
        "Look at: left, the capacitance rises steeply as the pore narrows towards the ion size "
        "(superionic state); middle, the ionophobic pore gives a camel-shaped C(u), the ionophilic "
        "one a bell; right, the ionophobic pore stores more energy at high voltage.",
    )
    fig.savefig(out / "nanopore_capacitance.png", dpi=120)
    plt.close(fig)
    print(
        f"C(0) at L = {widths[narrow][0] / nm:.3f} nm: {c_zero.values[narrow][0] * 100:.1f} uF/cm^2; "
        f"flat electrode {c_flat * 100:.1f} uF/cm^2; coupling E(0.9 nm) = {ionophilic.coupling:.1f}"
    )


if __name__ == "__main__":
    main()
