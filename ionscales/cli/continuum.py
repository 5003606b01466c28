"""``ionscales continuum``: the FiPy continuum layer from the shell.

Sub-commands (``ionscales continuum <command> ...``):

- ``edl``: equilibrium double layer (``solve_pb``) at one wall potential -> ``edl.nc`` and
  ``edl_profiles.png``; plus a capacitance-versus-voltage sweep (``capacitance_curve``)
  -> ``capacitance.nc`` and ``capacitance.png`` (``--no-sweep`` to skip).
- further commands (``charging``, ...) live in modules ``ionscales/cli/_continuum_<name>.py``
  that define ``register(subparsers)``; they are discovered by
  :func:`ionscales.cli.register_subcommands`, the same mechanism as the top-level commands.
"""

from __future__ import annotations

import numpy as np

from ionscales.cli._common import (
    OKABE_ITO,
    Outputs,
    add_output_options,
    add_preset_option,
    add_quantity_option,
    pyplot,
)
from ionscales.errors import ParameterError
from ionscales.units import M, nm

__all__ = ["register", "run_edl"]

#: files of ``continuum edl``: key -> (default name, suffix after an --out stem)
EDL_FILES = {
    "profile": ("edl.nc", ".nc"),
    "curve": ("capacitance.nc", "_capacitance.nc"),
    "profile_figure": ("edl_profiles.png", "_profiles.png"),
    "curve_figure": ("capacitance.png", "_capacitance.png"),
}


def register(subparsers) -> None:
    from ionscales.cli import register_subcommands

    parser = subparsers.add_parser(
        "continuum",
        help="FiPy continuum layer: double layers (edl) and further continuum commands",
        description="FiPy Poisson-Boltzmann family and Poisson-Nernst-Planck transients.",
    )
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="continuum_command", metavar="CONTINUUM_COMMAND")
    _register_edl(sub)
    register_subcommands("continuum", sub)


def _register_edl(sub) -> None:
    p = sub.add_parser(
        "edl",
        help="equilibrium double layer: profiles and capacitance versus voltage",
        description="Solve the Poisson-Boltzmann family (pb, bikerman, bsk) at a charged wall "
        "(half-space, slit or cylindrical pore) with FiPy; write netCDF results and figures.",
    )
    add_preset_option(p, deprecated_alias=True)
    add_quantity_option(
        p,
        "--concentration",
        kind="concentration",
        default="0.1M",
        help="bulk salt concentration (molarity)",
        strict_minimum=True,
        minimum=0.0,
        maximum=1e5,
    )
    p.add_argument(
        "--model",
        default="pb",
        choices=["pb", "bikerman", "bsk"],
        help="Poisson-Boltzmann (pb), with steric saturation (bikerman) or with ion "
        "correlations (bsk, Bazant-Storey-Kornyshev)",
    )
    add_quantity_option(
        p,
        "--compacity",
        kind="dimensionless",
        default=None,
        help="Kornyshev compacity gamma in [0, 1) (default: from the ion sizes)",
        minimum=0.0,
    )
    add_quantity_option(
        p,
        "--correlation-length",
        kind="length",
        default=None,
        help="BSK ion-correlation length (model bsk)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        p, "--stern-length", kind="length", default=None, help="Stern-layer thickness", minimum=0.0
    )
    p.add_argument(
        "--geometry",
        default="halfspace",
        choices=["halfspace", "slit", "cylinder"],
        help="one wall facing the bulk, a slit between two walls, or a cylindrical pore",
    )
    add_quantity_option(
        p,
        "--width",
        kind="length",
        default=None,
        help="slit width (geometry slit)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        p,
        "--radius",
        kind="length",
        default=None,
        help="pore radius (geometry cylinder)",
        strict_minimum=True,
        minimum=0.0,
    )
    group = p.add_mutually_exclusive_group()
    add_quantity_option(
        group,
        "--potential",
        kind="voltage",
        default=None,
        help="wall potential relative to the bulk for the profile (default 0.1V)",
    )
    add_quantity_option(
        group,
        "--surface-charge",
        kind="surface_charge",
        default=None,
        help="wall charge density for the profile instead of a potential",
    )
    add_quantity_option(
        p,
        "--sweep",
        kind="voltage",
        default="-0.3:0.3:61V",
        range_points=61,
        help="wall potentials of the capacitance curve",
    )
    p.add_argument("--no-sweep", action="store_true", help="skip the capacitance curve")
    p.add_argument("--refinement", type=int, default=1, help="mesh subdivision factor, >= 1")
    add_output_options(p, ".")
    p.set_defaults(func=run_edl)


def _geometry(args):
    from ionscales.continuum import CylindricalPore, HalfSpace, Slit

    if args.geometry == "halfspace":
        if args.width or args.radius:
            raise ParameterError("--width/--radius", "are not used with --geometry halfspace")
        return HalfSpace()
    if args.geometry == "slit":
        if args.width is None:
            raise ParameterError("--width", "is required with --geometry slit (e.g. 3nm)")
        return Slit(width=args.width)
    if args.radius is None:
        raise ParameterError("--radius", "is required with --geometry cylinder (e.g. 2nm)")
    return CylindricalPore(radius=args.radius)


def run_edl(args) -> int:
    from ionscales import presets
    from ionscales.continuum import capacitance_curve, solve_pb

    electrolyte = presets.get(args.preset)
    concentration = float(args.concentration)
    geometry = _geometry(args)
    if args.refinement < 1:
        raise ParameterError("--refinement", "must be >= 1", args.refinement)
    options = {
        "model": args.model,
        "compacity": args.compacity,
        "correlation_length": args.correlation_length,
        "stern_length": args.stern_length,
        "refinement": args.refinement,
    }
    if args.surface_charge is not None:
        wall = {"surface_charge": args.surface_charge}
    else:
        wall = {"wall_potential": 0.1 if args.potential is None else args.potential}
    outputs = Outputs(args.out, EDL_FILES)
    profile = solve_pb(electrolyte, concentration, geometry, **wall, **options)
    outputs.add_dataset("profile", profile)
    curve = None
    if not args.no_sweep:
        voltages = np.atleast_1d(args.sweep)
        curve = capacitance_curve(electrolyte, concentration, geometry, voltages, **options)
        outputs.add_dataset("curve", curve)
    state = f"{electrolyte.name}, {concentration / M:g} mol/L, {args.model}, {geometry.kind}"
    if args.plot:
        wall_text = (
            f"wall at {wall['wall_potential'] * 1e3:g} mV"
            if "wall_potential" in wall
            else f"wall charge {wall['surface_charge']:g} C/m$^2$"
        )
        outputs.add_figure(
            "profile_figure", edl_profile_figure(profile, state=f"{state}, {wall_text}")
        )
        if curve is not None:
            outputs.add_figure("curve_figure", capacitance_figure(curve, state=state))
    written = outputs.commit()
    sigma = np.atleast_1d(profile.surface_charge.values)
    cap = np.atleast_1d(profile.capacitance.values)
    print(
        f"{args.model} double layer, {electrolyte.name} at {concentration / M:g} M, {geometry.kind}: "
        f"surface charge {sigma[0]:.4g} C/m^2, capacitance {cap[0] * 100:.4g} uF/cm^2, "
        f"Debye length {float(profile.debye_length) / nm:.4g} nm"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _x_label(profile, geometry_kind: str) -> str:
    if geometry_kind in ("halfspace", "half-space"):
        return r"distance from the wall $x$ [nm]"
    if geometry_kind == "slit":
        return r"distance from the left wall $x$ [nm]"
    return r"radial distance from the pore axis $r$ [nm]"


def edl_profile_figure(profile, *, state: str):
    """Potential and ion concentrations across the double layer. Returns the Figure."""
    plt = pyplot()
    kind = str(profile.attrs.get("geometry", "halfspace")).lower()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    x = profile.x.values / nm
    ax1.plot(x, profile.potential.values * 1e3, color=OKABE_ITO[0])
    ax1.set_xlabel(_x_label(profile, kind))
    ax1.set_ylabel(r"potential $\phi$ [mV]")
    for j, name in enumerate(profile.species.values):
        ax2.semilogy(
            x,
            profile.ion_concentration.sel(species=name).values / M,
            color=OKABE_ITO[j + 1],
            ls=("-", "--", "-.", ":")[j % 4],
            label=str(name),
        )
    ax2.set_xlabel(_x_label(profile, kind))
    ax2.set_ylabel(r"ion concentration $c_i$ [mol/L]")
    ax2.legend(fontsize=8)
    lam = float(profile.debye_length) / nm
    fig.suptitle(rf"double layer: {state}; $\lambda_D$ = {lam:.3g} nm", fontsize=10)
    fig.tight_layout()
    return fig


def capacitance_figure(curve, *, state: str):
    """Differential capacitance versus wall potential on a log axis (the minimum at the
    potential of zero charge stays visible next to the steep PB wings). Returns the Figure."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 4.0))
    u = curve.voltage.values
    cap = curve.capacitance.values * 100
    ax.semilogy(u, cap, color=OKABE_ITO[0], marker="o", ms=2.5)
    k = int(np.nanargmin(cap))
    ax.plot(
        u[k],
        cap[k],
        "v",
        color=OKABE_ITO[3],
        ms=7,
        label=rf"minimum {cap[k]:.3g} $\mu$F/cm$^2$ at {u[k]:.2g} V",
    )
    ax.set_xlabel(r"wall potential relative to the bulk $u$ [V]")
    ax.set_ylabel(r"differential capacitance $C$ [$\mu$F/cm$^2$]")
    ax.set_title(f"capacitance: {state}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
