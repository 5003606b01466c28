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

import numpy as np

from ionscales import presets
from ionscales.cli._common import (
    OKABE_ITO,
    Outputs,
    add_output_options,
    add_preset_option,
    add_quantity_option,
    pyplot,
)
from ionscales.errors import ParameterError
from ionscales.results import attribute_units
from ionscales.units import M, nm

#: highest concentration accepted at the command line [mol/m^3] (100 mol/L: beyond any liquid)
MAX_CONCENTRATION = 1e5


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "pore",
        help="confined electrolytes: slit-pore capacitance map, or 'pore force' surface forces",
        description="Capacitance and stored energy of a narrow ideal-metal slit pore versus width "
        "and voltage (mean-field single-layer model of the superionic state, valid for widths "
        "between one and two ion diameters; narrower pores are inaccessible, wider ones are "
        "extrapolated and shaded). Sub-command 'force' computes surface-force curves. Ranges are "
        "START:STOP[:POINTS] with a unit, e.g. 0.45:1.1nm, -1:1V.",
    )
    add_quantity_option(
        parser,
        "--width",
        kind="length",
        default=None,
        range_points=200,
        help="slit widths (default: 0.9 to 2.1 ion diameters, mostly inside the "
        "model's range d < width < 2d)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        parser,
        "--voltage",
        kind="voltage",
        default="-1:1V",
        range_points=201,
        help="wall potentials relative to the bulk",
    )
    add_quantity_option(
        parser,
        "--ion-diameter",
        kind="length",
        default="0.5nm",
        help="ion diameter",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        parser,
        "--permittivity",
        kind="dimensionless",
        default="2",
        help="relative permittivity inside the pore",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        parser,
        "--ionophobicity",
        kind="dimensionless",
        default="0",
        help="beta (dE - mu) [kT]: > 0 ionophobic, < 0 ionophilic",
    )
    add_quantity_option(
        parser,
        "--temperature",
        kind="temperature",
        default="298.15",
        help="temperature",
        strict_minimum=True,
        minimum=0.0,
    )
    add_output_options(parser, "pore")
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
    add_preset_option(force)
    add_quantity_option(
        force,
        "--concentration",
        kind="concentration",
        default="0.01M",
        help="salt concentration (molarity)",
        strict_minimum=True,
        minimum=0.0,
        maximum=MAX_CONCENTRATION,
    )
    add_quantity_option(
        force,
        "--separation",
        kind="length",
        default="0.5:30nm",
        range_points=40,
        log=True,
        help="surface separations D",
        strict_minimum=True,
        minimum=0.0,
    )
    wall = force.add_mutually_exclusive_group()
    add_quantity_option(
        wall,
        "--potential",
        kind="voltage",
        default=None,
        help="wall potential relative to the bulk (default -50mV)",
    )
    add_quantity_option(
        wall,
        "--surface-charge",
        kind="surface_charge",
        default=None,
        help="wall charge density instead of a potential",
    )
    force.add_argument(
        "--model", default="pb", choices=["pb", "bikerman", "bsk"], help="continuum model"
    )
    add_quantity_option(
        force,
        "--correlation-length",
        kind="length",
        default=None,
        help="BSK ion-correlation length (model bsk)",
        strict_minimum=True,
        minimum=0.0,
    )
    force.add_argument(
        "--method",
        default="fipy",
        choices=["fipy", "exact"],
        help="fipy: solve the slit at each D; exact: PB plates (fast)",
    )
    force.add_argument("--fit", action="store_true", help="fit the decay length of the force tail")
    add_quantity_option(
        force,
        "--fit-window",
        kind="length",
        default=None,
        range_points=2,
        help="fit window D_min:D_max (default: from max(4 ion diameters, 3 Debye "
        "lengths) to the largest D)",
    )
    add_output_options(force, "force")
    force.set_defaults(func=run_force)


def run_map(args) -> int:
    from ionscales.theory.confinement import capacitance_map

    diameter = float(args.ion_diameter)
    widths = args.width if args.width is not None else np.linspace(0.9, 2.1, 200) * diameter
    voltages = np.atleast_1d(args.voltage)
    if not np.all(np.isfinite(voltages)):
        raise ParameterError("--voltage", "must be finite", args.voltage)
    if not np.any(widths > diameter):
        raise ParameterError(
            "--width",
            f"no width is larger than the ion diameter {diameter / nm:g} nm "
            "(no pore is accessible)",
            args.width,
        )
    outputs = Outputs(args.out, {"data": ("pore.nc", ".nc"), "figure": ("pore.png", ".png")})
    ds = capacitance_map(
        widths,
        voltages,
        diameter,
        permittivity=args.permittivity,
        ionophobicity=args.ionophobicity,
        temperature=args.temperature,
    )
    outputs.add_dataset("data", ds)
    if args.plot:
        outputs.add_figure(
            "figure",
            pore_figure(
                ds,
                diameter=diameter,
                permittivity=args.permittivity,
                ionophobicity=args.ionophobicity,
                temperature=args.temperature,
            ),
        )
    written = outputs.commit()
    zero = int(np.argmin(np.abs(voltages)))
    print(
        f"slit-pore capacitance map: {widths.size} widths x {voltages.size} voltages, "
        f"ion diameter {diameter / nm:g} nm, eps_r {args.permittivity:g}, "
        f"ionophobicity {args.ionophobicity:g} kT"
    )
    print(
        f"{'width [nm]':>11} {'C(u~0) [uF/cm2]':>16} {'C max [uF/cm2]':>15} {'E(umax) [J/m2]':>15}  note"
    )
    for i in np.linspace(0, widths.size - 1, min(8, widths.size)).astype(int):
        row = ds.isel(width=i)
        note = (
            "inaccessible"
            if not row["accessible"]
            else ("" if row["single_layer_valid"] else "beyond 2d")
        )
        print(
            f"{widths[i] / nm:11.3f} {float(row['capacitance'][zero]) * 100:16.3f} "
            f"{float(row['capacitance'].max()) * 100:15.3f} {float(row['stored_energy'][-1]):15.4g}  {note}"
        )
    print(f"wrote {', '.join(map(str, written))}")
    return 0


def pore_figure(
    ds, *, diameter: float, permittivity: float, ionophobicity: float, temperature: float
):
    """Capacitance map, zero-voltage capacitance versus width and stored energy; widths
    outside the single-layer range d < L < 2d are shaded. Returns the Figure."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    L = ds["width"].values / nm
    u = ds["voltage"].values
    d = diameter / nm
    cap_label = r"capacitance $C$ [$\mu$F/cm$^2$] per wall area"
    mesh = axes[0].pcolormesh(u, L, ds["capacitance"].values * 100, shading="auto", cmap="cividis")
    fig.colorbar(mesh, ax=axes[0], label=cap_label)
    for edge in (d, 2 * d):
        if L.min() <= edge <= L.max():
            axes[0].axhline(edge, color="w", ls="--", lw=1)
    axes[0].set(
        xlabel=r"wall potential $u$ [V]",
        ylabel=r"pore width $L$ [nm]",
        title="capacitance map (dashed: $L = d$, $2d$)",
    )
    zero = int(np.argmin(np.abs(u)))
    axes[1].plot(L, ds["capacitance"].values[:, zero] * 100, color=OKABE_ITO[0])
    axes[1].axvspan(L.min(), min(d, L.max()), color="0.8", label=r"$L < d$: inaccessible")
    if L.max() > 2 * d:
        axes[1].axvspan(
            2 * d, L.max(), color="0.92", label=r"$L > 2d$: beyond one layer (extrapolated)"
        )
    axes[1].legend(fontsize=7, loc="upper right")
    axes[1].set(
        xlabel=r"pore width $L$ [nm]",
        ylabel=rf"$C(u = {u[zero]:.2g}$ V) [$\mu$F/cm$^2$]",
        title="capacitance at zero voltage",
    )
    for k, i in enumerate(np.linspace(0, L.size - 1, 5).astype(int)):
        axes[2].plot(
            u, ds["stored_energy"].values[i], color=OKABE_ITO[k], label=f"L = {L[i]:.2f} nm"
        )
    axes[2].set(
        xlabel=r"wall potential $u$ [V]",
        ylabel=r"stored energy $E$ [J/m$^2$]",
        title="stored energy",
    )
    axes[2].legend(fontsize=7)
    fig.suptitle(
        rf"slit pore, ion diameter $d$ = {d:.3g} nm, $\varepsilon_r$ = {permittivity:.4g}, "
        f"ionophobicity {ionophobicity:g} kT, T = {temperature:g} K",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def run_force(args) -> int:
    from ionscales.continuum.forces import surface_force_curve

    electrolyte = presets.get(args.preset)
    c = float(args.concentration)
    separations = np.atleast_1d(args.separation)
    if args.surface_charge is not None:
        wall = {"surface_charge": float(args.surface_charge)}
    else:
        wall = {"potential": -0.05 if args.potential is None else float(args.potential)}
    extra = {}
    if args.correlation_length is not None:
        extra["correlation_length"] = float(args.correlation_length)
    outputs = Outputs(args.out, {"data": ("force.nc", ".nc"), "figure": ("force.png", ".png")})
    ds = surface_force_curve(
        electrolyte, c, separations, model=args.model, method=args.method, **wall, **extra
    )
    lam = float(ds["debye_length"])
    fit = None
    if args.fit:
        from ionscales.fitting import fit_surface_force

        if args.fit_window is not None:
            w = np.atleast_1d(args.fit_window)
            if w.size < 2:
                raise ParameterError("--fit-window", "must be a range D_min:D_max, e.g. 5:30nm")
            window = (float(w[0]), float(w[-1]))
        else:
            # weak-overlap tail: beyond the layered regime and kappa D >= 3
            d_ion = float(electrolyte.contact_diameter)
            window = (max(4 * d_ion, 3 * lam), float(separations.max()))
        fit = fit_surface_force(
            ds["separation"].values, ds["force_over_radius"].values, window=window
        )
        ds.attrs["fit_decay_length"] = fit.best_values["decay_length"]
        ds.attrs["fit_decay_length_stderr"] = fit.stderr["decay_length"]
        ds.attrs["fit_amplitude"] = fit.best_values["amplitude"]
        ds.attrs["fit_window"] = np.asarray(window, dtype=float)
        ds.attrs.update(attribute_units(ds.attrs))
    outputs.add_dataset("data", ds)
    if args.plot:
        outputs.add_figure(
            "figure",
            force_figure(
                ds,
                fit,
                electrolyte=electrolyte.name or args.preset,
                concentration=c,
                model=args.model,
                wall=wall,
            ),
        )
    written = outputs.commit()
    print(
        f"surface force, {electrolyte.name or args.preset} at {c / M:g} M, model {args.model} "
        f"({args.method}); Debye length {lam / nm:.4g} nm"
    )
    print(f"{'D [nm]':>9} {'Pi [Pa]':>12} {'W [J/m2]':>12} {'F/R [mN/m]':>12}  regime")
    for i in np.linspace(0, separations.size - 1, min(10, separations.size)).astype(int):
        row = ds.isel(separation=i)
        print(
            f"{float(row['separation']) / nm:9.3f} {float(row['disjoining_pressure']):12.4g} "
            f"{float(row['interaction_energy']):12.4g} {float(row['force_over_radius']) * 1e3:12.4g}  "
            f"{row['regime'].item()}"
        )
    if fit is not None:
        print(
            f"fitted decay length {fit.best_values['decay_length'] / nm:.4g} +/- "
            f"{fit.stderr['decay_length'] / nm:.2g} nm over {window[0] / nm:.3g}-{window[1] / nm:.3g} nm "
            f"(Debye length {lam / nm:.4g} nm)"
        )
    print(f"wrote {', '.join(map(str, written))}")
    return 0


def force_figure(ds, fit, *, electrolyte: str, concentration: float, model: str, wall: dict):
    """|F/R| versus D (log scale) with the layered regime shaded and the fitted tail.
    Returns the Figure."""
    plt = pyplot()
    D = ds["separation"].values / nm
    F = ds["force_over_radius"].values * 1e3
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    ax.semilogy(
        D, np.abs(F), "o-", ms=3, color=OKABE_ITO[0], label=r"$|F/R|$ (continuum + Derjaguin)"
    )
    layered = ds["regime"].values == "layered"
    if np.any(layered):
        ax.axvspan(
            0,
            D[layered].max(),
            color="0.9",
            label="layered ($D$ < 4 ion diameters): structural forces not modelled",
        )
    if fit is not None:
        ax.semilogy(
            fit.x / nm,
            np.abs(fit.best_fit) * 1e3,
            "--",
            color=OKABE_ITO[3],
            label=rf"fit: decay length {fit.best_values['decay_length'] / nm:.3g} nm",
        )
    lam = float(ds["debye_length"]) / nm
    state = (
        f"{wall['potential'] * 1e3:g} mV"
        if "potential" in wall
        else f"{wall['surface_charge']:g} C/m$^2$"
    )
    ax.set(
        xlabel=r"surface separation $D$ [nm]",
        ylabel=r"$|F/R|$ [mN/m]",
        title=f"{electrolyte}, {concentration / M:g} mol/L, {model}, walls at {state}\n"
        rf"Debye length $\lambda_D$ = {lam:.3g} nm",
    )
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
