"""A parameter sweep: the Debye length map
=======================================

Screening map: salt x concentration x temperature with ``ionscales.sweep``.

The Debye length of four aqueous salts over three decades of concentration and a range of
temperatures, computed as one labelled sweep (vectorised over concentration: one call per
salt and temperature). The solvent permittivity is held at the preset's value while the
temperature varies, so the figure isolates lambda_D ~ sqrt(eps_r T / (c sum nu_i z_i^2)).

Run (full, on a local dask cluster; or with ``--fast``, a small grid in-process)::

    python examples/sweep_debye_map.py --out docs/figures
    python examples/sweep_debye_map.py --fast --out /tmp/x

Writes sweep_debye_map.png and sweep_debye_map.nc in the output directory.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

import ionscales
from ionscales import Electrolyte, presets, results, theory
from ionscales.units import M, nm


def debye_length_at(electrolyte, concentration, temperature):
    """Debye length [m] of ``electrolyte`` at ``temperature`` [K] (permittivity fixed)."""
    solvent = dataclasses.replace(electrolyte.solvent, temperature=float(temperature))
    warm = Electrolyte(
        ions=electrolyte.ions,
        stoichiometry=electrolyte.stoichiometry,
        solvent=solvent,
        name=electrolyte.name,
    )
    return theory.debye_length(warm, concentration)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="small grid, in-process (CI)")
    parser.add_argument("--out", default=".", help="output directory")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    salts = {name: presets.get(name) for name in ("NaCl(aq)", "KCl(aq)", "LiCl(aq)", "CaCl2(aq)")}
    n_c, temperatures = (
        (12, [280.0, 298.15, 340.0]) if args.fast else (60, [273.15, 298.15, 320.0, 340.0, 373.15])
    )
    concentration = np.geomspace(1e-3, 3.0, n_c) * M
    ds = ionscales.sweep(
        debye_length_at,
        grid={"electrolyte": salts, "temperature": temperatures, "concentration": concentration},
        outputs=["debye_length"],
        vectorized=["concentration"],
        units={"debye_length": "m"},
        scheduler="synchronous" if args.fast else None,
    )
    assert (ds["error"] == "").all(), ds["error"].values[ds["error"].values != ""]

    # physics checks
    lam = ds["debye_length"]
    nacl_25 = lam.sel(electrolyte="NaCl(aq)", temperature=298.15)
    # 1:1 salt in water at 25 C: 0.304 nm / sqrt(c / M)
    np.testing.assert_allclose(nacl_25 / nm, 0.304 / np.sqrt(concentration / M), rtol=2e-3)
    # slope -1/2 in log-log for every salt and temperature
    slope = np.diff(np.log(lam), axis=-1) / np.diff(np.log(concentration))
    np.testing.assert_allclose(slope, -0.5, atol=1e-9)
    # 2:1 salt: ionic strength 3c, lambda_D smaller by sqrt(3) (same eps_r within 0.1 %)
    ratio = nacl_25 / lam.sel(electrolyte="CaCl2(aq)", temperature=298.15)
    np.testing.assert_allclose(ratio, np.sqrt(3.0), rtol=2e-3)
    # at fixed permittivity lambda_D ~ sqrt(T)
    t_lo, t_hi = temperatures[0], temperatures[-1]
    np.testing.assert_allclose(
        lam.sel(temperature=t_hi) / lam.sel(temperature=t_lo), np.sqrt(t_hi / t_lo), rtol=1e-12
    )

    results.to_netcdf(ds, out / "sweep_debye_map.nc")

    from ionscales.plots import LINE_STYLES, add_caption, pyplot

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.6))
    styles = LINE_STYLES
    for name, ls in zip(salts, styles):
        ax1.loglog(
            concentration / M, lam.sel(electrolyte=name, temperature=298.15) / nm, ls=ls, label=name
        )
    ax1.text(
        0.03,
        0.05,
        "1:1 salts coincide: the Debye length ignores ion size",
        transform=ax1.transAxes,
        fontsize=8,
    )
    ax1.set_xlabel(r"salt concentration $c$ [mol/L]")
    ax1.set_ylabel(r"Debye length $\lambda_D$ [nm]")
    ax1.set_title("Debye length at 298.15 K (each salt's own permittivity)", fontsize=10)
    ax1.legend()
    mid = concentration[len(concentration) // 2]
    for name, ls in zip(salts, styles):
        ax2.plot(
            temperatures,
            lam.sel(electrolyte=name, concentration=mid) / nm,
            marker="o",
            ls=ls,
            label=name,
        )
    ax2.set_xlabel(r"temperature $T$ [K] (permittivity fixed)")
    ax2.set_ylabel(r"Debye length $\lambda_D$ [nm]")
    ax2.set_title(f"Debye length at c = {mid / M:.3g} mol/L", fontsize=10)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    add_caption(
        fig,
        "Look at: every salt falls with slope -1/2; the 2:1 salt lies a factor sqrt(3) lower; "
        "at fixed permittivity the Debye length grows as sqrt(T).",
    )
    fig.savefig(out / "sweep_debye_map.png", dpi=120)
    plt.close(fig)
    print(
        f"wrote {out / 'sweep_debye_map.png'} and {out / 'sweep_debye_map.nc'} "
        f"({int(ds.attrs['sweep_points'])} points, scheduler {ds.attrs['sweep_scheduler']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
