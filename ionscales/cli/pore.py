"""``ionscales pore``: confined electrolytes.

``ionscales pore --width 0.4:3nm --voltage -1:1V --ion-diameter 0.5nm`` maps the capacitance
and stored energy of a narrow metallic slit pore (mean-field superionic model,
``theory.confinement.capacitance_map``) over pore width and voltage; writes STEM.nc and
STEM.png (default stem ``pore``).

``ionscales pore force --preset "NaCl(aq)" --concentration 0.01M --separation 0.5:30nm``
computes the surface-force curve F/R(D) = 2 pi W(D) between two identical charged plates
(continuum disjoining pressure + Derjaguin), marks the structural (layered) regime, and with
``--fit`` fits the decay length of the tail; writes STEM.nc and STEM.png (default ``force``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.cli._common import parse_quantity, parse_range
from ionscales.errors import ParameterError
from ionscales.results import to_netcdf
from ionscales.units import nm

# let option values such as "-1:1V" or "-50mV" start with a minus sign
_NEGATIVE_VALUE = re.compile(r"^-\.?\d")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "pore",
        help="confined electrolytes: slit-pore capacitance map, or 'pore force' surface forces",
        description="Capacitance and stored energy of a narrow ideal-metal slit pore versus width "
        "and voltage (mean-field single-layer model of the superionic state; pores narrower than "
        "the ions are inaccessible and store nothing). Sub-command 'force' computes surface-force "
        "curves. Ranges are START:STOP[:POINTS] with a unit, e.g. 0.4:3nm, -1:1V.",
    )
    parser._negative_number_matcher = _NEGATIVE_VALUE
    parser.add_argument("--width", default="0.4:3nm", help="slit widths (default 0.4:3nm, 200 points)")
    parser.add_argument("--voltage", default="-1:1V", help="wall potentials vs bulk (default -1:1V, 201 points)")
    parser.add_argument("--ion-diameter", default="0.5nm", help="ion diameter (default 0.5nm)")
    parser.add_argument("--permittivity", type=float, default=2.0,
                        help="relative permittivity inside the pore (default 2)")
    parser.add_argument("--ionophobicity", type=float, default=0.0,
                        help="beta (dE - mu) [kT]: > 0 ionophobic, < 0 ionophilic (default 0)")
    parser.add_argument("--temperature", type=float, default=298.15, help="temperature [K] (default 298.15)")
    parser.add_argument("--out", default="pore", help="output stem or existing directory (default 'pore')")
    parser.add_argument("--plot", action=argparse.BooleanOptionalAction, default=True,
                        help="write the figure (default: yes)")
    parser.set_defaults(func=run_map)

    sub = parser.add_subparsers(dest="pore_command", metavar="{force}")
    force = sub.add_parser(
        "force",
        help="surface-force curve F/R(D) between two charged plates",
        description="Disjoining pressure, interaction energy W(D) and the Derjaguin force "
        "F/R = 2 pi W(D) (surface force balance, crossed cylinders) between two identical plates "
        "at constant potential (default -50mV) or constant charge, from the continuum layer "
        "(PB, Bikerman or BSK); the layered (structural) regime D < 4 ion diameters is marked.",
    )
    force._negative_number_matcher = _NEGATIVE_VALUE
    force.add_argument("--preset", default="NaCl(aq)", help="electrolyte preset (default NaCl(aq))")
    force.add_argument("--concentration", default="0.01M", help="salt concentration (default 0.01M)")
    force.add_argument("--separation", default="0.5:30nm",
                       help="separations START:STOP[:POINTS] (default 0.5:30nm, 40 log-spaced points)")
    wall = force.add_mutually_exclusive_group()
    wall.add_argument("--potential", default=None, help="wall potential (default -50mV)")
    wall.add_argument("--surface-charge", default=None, type=float, help="wall charge [C/m^2]")
    force.add_argument("--model", default="pb", help="pb | bikerman | bsk (default pb)")
    force.add_argument("--correlation-length", default=None, help="BSK correlation length (e.g. 0.5nm)")
    force.add_argument("--method", default="fipy",
                       help="fipy (solve the slit at each D) | exact (PB plates, fast); default fipy")
    force.add_argument("--fit", action="store_true", help="fit the decay length of the force tail")
    force.add_argument("--fit-window", default=None,
                       help="fit window D_min:D_max (default: from max(4 ion diameters, 3 Debye lengths) to the largest D)")
    force.add_argument("--out", default="force", help="output stem or existing directory (default 'force')")
    force.add_argument("--plot", action=argparse.BooleanOptionalAction, default=True,
                       help="write the figure (default: yes)")
    force.set_defaults(func=run_force)


def _paths(out: str, default: str) -> tuple[Path, Path]:
    target = Path(out)
    if target.is_dir():
        return target / f"{default}.nc", target / f"{default}.png"
    return target.with_suffix(".nc"), target.with_suffix(".png")


def run_map(args) -> int:
    from ionscales.theory.confinement import capacitance_map

    widths = parse_range("--width", args.width, "nm", default_points=200)
    voltages = parse_range("--voltage", args.voltage, "V", default_points=201)
    diameter = parse_quantity("--ion-diameter", args.ion_diameter, "nm")
    if np.any(widths <= 0):
        raise ParameterError("--width", "widths must be > 0", args.width)
    if not np.any(widths > diameter):
        raise ParameterError("--width", f"no width is larger than the ion diameter {diameter / nm:g} nm "
                             "(no pore is accessible)", args.width)
    ds = capacitance_map(widths, voltages, diameter, permittivity=args.permittivity,
                         ionophobicity=args.ionophobicity, temperature=args.temperature)
    nc, png = _paths(args.out, "pore")
    to_netcdf(ds, nc)
    zero = int(np.argmin(np.abs(voltages)))
    print(f"slit-pore capacitance map: {widths.size} widths x {voltages.size} voltages, "
          f"ion diameter {diameter / nm:g} nm, eps_r {args.permittivity:g}, "
          f"ionophobicity {args.ionophobicity:g} kT")
    print(f"{'width [nm]':>11} {'C(u~0) [uF/cm2]':>16} {'C max [uF/cm2]':>15} {'E(umax) [J/m2]':>15}  note")
    for i in np.linspace(0, widths.size - 1, min(8, widths.size)).astype(int):
        row = ds.isel(width=i)
        note = "inaccessible" if not row["accessible"] else ("" if row["single_layer_valid"] else "beyond 2d")
        print(f"{widths[i] / nm:11.3f} {float(row['capacitance'][zero]) * 100:16.3f} "
              f"{float(row['capacitance'].max()) * 100:15.3f} {float(row['stored_energy'][-1]):15.4g}  {note}")
    if args.plot:
        _plot_map(ds, png)
        print(f"wrote {nc} and {png}")
    else:
        print(f"wrote {nc}")
    return 0


def _plot_map(ds, png) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    L = ds["width"].values / nm
    u = ds["voltage"].values
    mesh = axes[0].pcolormesh(u, L, ds["capacitance"].values * 100, shading="auto")
    fig.colorbar(mesh, ax=axes[0], label="C [uF/cm^2] per wall area")
    axes[0].set(xlabel="voltage [V]", ylabel="width [nm]", title="capacitance")
    zero = int(np.argmin(np.abs(u)))
    axes[1].plot(L, ds["capacitance"].values[:, zero] * 100)
    valid = ds["single_layer_valid"].values.astype(bool)
    if np.any(~valid & ds["accessible"].values.astype(bool)):
        axes[1].axvspan(L[valid].max() if np.any(valid) else L[0], L.max(), color="0.9",
                        label="beyond single layer (extrapolated)")
        axes[1].legend()
    axes[1].set(xlabel="width [nm]", ylabel="C(0) [uF/cm^2]", title="zero voltage")
    for i in np.linspace(0, L.size - 1, 5).astype(int):
        axes[2].plot(u, ds["stored_energy"].values[i], label=f"L = {L[i]:.2f} nm")
    axes[2].set(xlabel="voltage [V]", ylabel="stored energy [J/m^2]", title="stored energy")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)


def run_force(args) -> int:
    from ionscales.continuum.forces import surface_force_curve

    electrolyte = presets.get(args.preset)
    c = parse_quantity("--concentration", args.concentration, "M")
    separations = parse_range("--separation", args.separation, "nm", default_points=40, log=True)
    if np.any(separations <= 0):
        raise ParameterError("--separation", "separations must be > 0", args.separation)
    if args.surface_charge is not None:
        wall = {"surface_charge": float(args.surface_charge)}
    else:
        wall = {"potential": parse_quantity("--potential", args.potential or "-50mV", "V")}
    extra = {}
    if args.correlation_length is not None:
        extra["correlation_length"] = parse_quantity("--correlation-length", args.correlation_length, "nm")
    ds = surface_force_curve(electrolyte, c, separations, model=args.model, method=args.method, **wall, **extra)
    lam = float(ds["debye_length"])
    fit = None
    if args.fit:
        from ionscales.fitting import fit_surface_force

        if args.fit_window:
            window = tuple(parse_range("--fit-window", args.fit_window, "nm", default_points=2)[[0, -1]])
        else:
            # weak-overlap tail: beyond the layered regime and kappa D >= 3
            d_ion = float(electrolyte.contact_diameter)
            window = (max(4 * d_ion, 3 * lam), float(separations.max()))
        fit = fit_surface_force(ds["separation"].values, ds["force_over_radius"].values, window=window)
        ds.attrs["fit_decay_length"] = fit.best_values["decay_length"]
        ds.attrs["fit_decay_length_stderr"] = fit.stderr["decay_length"]
        ds.attrs["fit_amplitude"] = fit.best_values["amplitude"]
        ds.attrs["fit_window"] = np.asarray(window, dtype=float)
    nc, png = _paths(args.out, "force")
    to_netcdf(ds, nc)
    print(f"surface force, {electrolyte.name or args.preset} at {c / 1e3:g} M, model {args.model} "
          f"({args.method}); Debye length {lam / nm:.4g} nm")
    print(f"{'D [nm]':>9} {'Pi [Pa]':>12} {'W [J/m2]':>12} {'F/R [mN/m]':>12}  regime")
    for i in np.linspace(0, separations.size - 1, min(10, separations.size)).astype(int):
        row = ds.isel(separation=i)
        print(f"{float(row['separation']) / nm:9.3f} {float(row['disjoining_pressure']):12.4g} "
              f"{float(row['interaction_energy']):12.4g} {float(row['force_over_radius']) * 1e3:12.4g}  "
              f"{row['regime'].item()}")
    if fit is not None:
        print(f"fitted decay length {fit.best_values['decay_length'] / nm:.4g} +/- "
              f"{fit.stderr['decay_length'] / nm:.2g} nm over {window[0] / nm:.3g}-{window[1] / nm:.3g} nm "
              f"(Debye length {lam / nm:.4g} nm)")
    if args.plot:
        _plot_force(ds, png, fit)
        print(f"wrote {nc} and {png}")
    else:
        print(f"wrote {nc}")
    return 0


def _plot_force(ds, png, fit) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    D = ds["separation"].values / nm
    F = ds["force_over_radius"].values * 1e3
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.semilogy(D, np.abs(F), "o-", ms=3, label="|F/R| (continuum + Derjaguin)")
    layered = ds["regime"].values == "layered"
    if np.any(layered):
        ax.axvspan(0, D[layered].max(), color="0.9", label="layered: structural forces not modelled")
    if fit is not None:
        x = fit.x / nm
        ax.semilogy(x, np.abs(fit.best_fit) * 1e3, "--",
                    label=f"fit: decay length {fit.best_values['decay_length'] / nm:.3g} nm")
    ax.set(xlabel="D [nm]", ylabel="|F/R| [mN/m]", title=f"Debye length {float(ds['debye_length']) / nm:.3g} nm")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
