"""``ionscales continuum``: the FiPy continuum layer from the shell.

Sub-commands (``ionscales continuum <command> ...``):

- ``edl``: equilibrium double layer (``solve_pb``) at one wall potential -> ``edl.nc`` and
  ``edl_profiles.png``; plus a capacitance-versus-voltage sweep (``capacitance_curve``)
  -> ``capacitance.nc`` and ``capacitance.png`` (``--no-sweep`` to skip).

How further commands plug in (e.g. ``charging`` from the PNP layer): a command lives in its
own module that defines ``register(subparsers)`` — it adds ONE parser to the given
``continuum`` sub-parsers object and sets ``func=run`` with ``run(args) -> int`` — and its
module name is listed in ``SUBCOMMAND_MODULES`` below (one line per command). Modules are
imported explicitly; an import error is an error, never silently skipped.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import numpy as np

from ionscales.cli._common import parse_quantity, parse_range
from ionscales.errors import ParameterError

__all__ = ["register", "run_edl", "SUBCOMMAND_MODULES"]

#: modules defining register(subparsers) for further `ionscales continuum <command>`s
SUBCOMMAND_MODULES: tuple[str, ...] = (
    # pnp: the charging command is registered by the next line (added by the pnp helper)
    "ionscales.cli._continuum_charging",
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "continuum",
        help="FiPy continuum layer: double layers (edl) and further continuum commands",
        description="FiPy Poisson–Boltzmann family (and further continuum commands). "
        "All quantities SI unless an option's unit suffix says otherwise.",
    )
    parser.set_defaults(func=lambda args: _help(parser))
    sub = parser.add_subparsers(dest="continuum_command", metavar="CONTINUUM_COMMAND")
    _register_edl(sub)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _register_edl(sub) -> None:
    p = sub.add_parser(
        "edl",
        help="equilibrium double layer: profiles and capacitance versus voltage",
        description="Solve the Poisson–Boltzmann family (pb, bikerman, bsk) at a charged wall "
        "(half-space, slit or cylindrical pore) with FiPy; write netCDF results and figures.",
    )
    p.add_argument("--salt", default="NaCl(aq)", help="electrolyte preset name (default NaCl(aq))")
    p.add_argument("--concentration", default="0.1M", help="bulk salt concentration, e.g. 0.1M, 10mM")
    p.add_argument("--model", default="pb", choices=["pb", "bikerman", "bsk"])
    p.add_argument("--compacity", type=float, default=None,
                   help="Kornyshev compacity gamma in [0, 1) (default: from the ion sizes)")
    p.add_argument("--correlation-length", default=None, help="BSK correlation length, e.g. 0.5nm")
    p.add_argument("--stern-length", default=None, help="Stern length, e.g. 0.2nm")
    p.add_argument("--geometry", default="halfspace", choices=["halfspace", "slit", "cylinder"])
    p.add_argument("--width", default=None, help="slit width, e.g. 3nm")
    p.add_argument("--radius", default=None, help="pore radius, e.g. 2nm")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--potential", default=None,
                       help="wall potential relative to the bulk for the profile, e.g. 0.1V (default)")
    group.add_argument("--surface-charge", type=float, default=None,
                       help="wall charge density [C/m^2] for the profile instead of a potential")
    p.add_argument("--sweep", default="-0.3:0.3:61V",
                   help="potentials of the capacitance curve, start:stop:points[unit]; write --sweep=-0.5:0.5:101V "
                   "when the start is negative (default -0.3:0.3:61V)")
    p.add_argument("--no-sweep", action="store_true", help="skip the capacitance curve")
    p.add_argument("--refinement", type=int, default=1, help="mesh subdivision (default 1)")
    p.add_argument("--out", default=".", help="output directory (default: current directory)")
    p.add_argument("--no-figures", action="store_true", help="write netCDF only")
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
        return Slit(width=parse_quantity("--width", args.width, "m"))
    if args.radius is None:
        raise ParameterError("--radius", "is required with --geometry cylinder (e.g. 2nm)")
    return CylindricalPore(radius=parse_quantity("--radius", args.radius, "m"))


def run_edl(args) -> int:
    from ionscales import presets
    from ionscales.continuum import capacitance_curve, solve_pb
    from ionscales.results import to_netcdf

    electrolyte = presets.get(args.salt)
    concentration = parse_quantity("--concentration", args.concentration, "mol/m^3")
    geometry = _geometry(args)
    options = {
        "model": args.model,
        "compacity": args.compacity,
        "correlation_length": None if args.correlation_length is None
        else parse_quantity("--correlation-length", args.correlation_length, "m"),
        "stern_length": None if args.stern_length is None
        else parse_quantity("--stern-length", args.stern_length, "m"),
        "refinement": args.refinement,
    }
    if args.surface_charge is not None:
        wall = {"surface_charge": args.surface_charge}
    else:
        wall = {"potential": parse_quantity("--potential", args.potential or "0.1V", "V")}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    profile = solve_pb(electrolyte, concentration, geometry, **wall, **options)
    to_netcdf(profile, out / "edl.nc")
    written = [out / "edl.nc"]
    curve = None
    if not args.no_sweep:
        voltages = parse_range("--sweep", args.sweep, "V", default_points=61)
        curve = capacitance_curve(electrolyte, concentration, geometry, voltages, **options)
        to_netcdf(curve, out / "capacitance.nc")
        written.append(out / "capacitance.nc")
    if not args.no_figures:
        written += _figures(profile, curve, out)
    sigma = np.atleast_1d(profile.surface_charge.values)
    cap = np.atleast_1d(profile.capacitance.values)
    print(f"{args.model} double layer, {electrolyte.name} at {concentration / 1000:g} M, {geometry.kind}: "
          f"surface charge {sigma[0]:.4g} C/m^2, capacitance {cap[0] * 100:.4g} uF/cm^2, "
          f"Debye length {float(profile.debye_length) * 1e9:.4g} nm")
    for path in written:
        print(f"wrote {path}")
    return 0


def _figures(profile, curve, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    x = profile.x.values * 1e9
    ax1.plot(x, profile.potential.values * 1e3)
    ax1.set_xlabel(f"{profile.x.attrs['long_name']} [nm]")
    ax1.set_ylabel("potential [mV]")
    for name in profile.species.values:
        ax2.semilogy(x, profile.ion_concentration.sel(species=name).values / 1000, label=str(name))
    ax2.set_xlabel(f"{profile.x.attrs['long_name']} [nm]")
    ax2.set_ylabel("ion concentration [M]")
    ax2.legend()
    fig.suptitle(f"{profile.attrs['model']} double layer")
    fig.tight_layout()
    path = out / "edl_profiles.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    paths.append(path)
    if curve is not None:
        fig, ax = plt.subplots(figsize=(4.8, 3.6))
        ax.plot(curve.voltage.values, curve.capacitance.values * 100)
        ax.set_xlabel("electrode potential [V]")
        ax.set_ylabel("differential capacitance [uF/cm^2]")
        ax.set_title(f"{curve.attrs['model']}")
        fig.tight_layout()
        path = out / "capacitance.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths
