"""``ionscales fit``: fit decay lengths, ion diameters and screening-length scaling to
data in a CSV file.

::

    ionscales fit decay rh.csv --r-unit nm [--modes 1|2] [--monotonic] [--window 0.5:3nm]
    ionscales fit activity gamma.csv --preset "NaCl(aq)" [--model msa] [--max-molality 1]
    ionscales fit scaling lengths.csv --preset "NaCl(aq)" [--c-unit M] [--length-unit nm]

The file has one header line (optional), ``#`` comments, and comma-separated numeric
columns: x, y (and optionally standard deviations, ``--sigma-column 3``). It is read as
numbers only (never evaluated). ``--out result.nc`` writes the labelled fit result.
"""

from __future__ import annotations

import argparse

import numpy as np

from ionscales.cli._common import parse_range, read_columns
from ionscales.errors import ParameterError

__all__ = ["register", "run"]

_LENGTH = {"m": 1.0, "nm": 1e-9, "angstrom": 1e-10}
_CONC = {"mol/m^3": 1.0, "mM": 1.0, "M": 1e3}


def _columns(args):
    data = read_columns(args.file)
    x, y = data[:, 0], data[:, 1]
    sigma = None
    if args.sigma_column is not None:
        j = args.sigma_column - 1
        if j < 0 or j >= data.shape[1]:
            raise ParameterError("--sigma-column", f"must be between 1 and {data.shape[1]}", args.sigma_column)
        sigma = data[:, j]
    return x, y, sigma


def _preset(args):
    from ionscales import presets

    e = presets.get(args.preset)
    if getattr(args, "permittivity", None) is not None:
        e = e.with_(permittivity=args.permittivity)
    return e


def register(subparsers) -> None:
    parser = subparsers.add_parser("fit", help="fit decay lengths, ion diameters or screening scaling to CSV data",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="fit_kind", metavar="KIND")

    def common(p):
        p.add_argument("file", metavar="FILE.csv", help="comma-separated columns x, y[, sigma]")
        p.add_argument("--sigma-column", type=int, default=None, help="1-based column with standard deviations of y")
        p.add_argument("--out", default=None, help="write the fit result as netCDF")

    d = sub.add_parser("decay", help="fit A exp(-r/xi) [cos(2 pi r/lambda - theta)] modes to a tail")
    common(d)
    d.add_argument("--r-unit", choices=sorted(_LENGTH), default="m", help="unit of the r column (default m)")
    d.add_argument("--modes", type=int, choices=(1, 2), default=1)
    d.add_argument("--monotonic", action="store_true", help="monotonic modes only (no oscillation)")
    d.add_argument("--window", default=None, help="fit range, e.g. 0.5:3nm (default: automatic rule)")
    d.set_defaults(func=run)

    a = sub.add_parser("activity", help="fit the ion diameter to gamma_pm vs molality [mol/kg]")
    common(a)
    a.add_argument("--preset", required=True, help="electrolyte preset, e.g. 'NaCl(aq)'")
    a.add_argument("--model", choices=("msa", "dh-extended"), default="msa")
    a.add_argument("--max-molality", type=float, default=None, help="use rows with m <= this [mol/kg]")
    a.add_argument("--permittivity", type=float, default=None, help="override the solvent permittivity")
    a.set_defaults(func=run)

    s = sub.add_parser("scaling", help="fit lambda_S/lambda_D = A (sigma/lambda_D)^n to (c, lambda_S)")
    common(s)
    s.add_argument("--preset", required=True, help="electrolyte preset (Debye length and diameter)")
    s.add_argument("--c-unit", choices=sorted(_CONC), default="mol/m^3", help="unit of the concentration column")
    s.add_argument("--length-unit", choices=sorted(_LENGTH), default="m", help="unit of the length column")
    s.add_argument("--diameter", type=float, default=None, help="ion diameter in nm (default: preset)")
    s.set_defaults(func=run)


def run(args) -> int:
    from ionscales.results import to_netcdf

    kind = args.fit_kind
    x, y, sigma = _columns(args)
    if kind == "decay":
        from ionscales.fitting.decay import fit_decay

        scale = _LENGTH[args.r_unit]
        window = None
        if args.window is not None:
            w = parse_range("--window", args.window, default_unit=args.r_unit, default_points=2)
            if w.size < 2:
                raise ParameterError("--window", "must be a range r_min:r_max, e.g. 0.5:3nm", args.window)
            window = (float(w[0]), float(w[-1]))
        result = fit_decay(x * scale, y, modes=args.modes, oscillatory=not args.monotonic, sigma=sigma,
                           window=window)
        lo, hi = result.extra["window"]
        print(f"decay fit ({result.extra['form']}), window {lo * 1e9:.4g}-{hi * 1e9:.4g} nm, "
              f"AIC {result.aic:.4g}, BIC {result.bic:.4g}")
    elif kind == "activity":
        from ionscales.fitting.activity import fit_activity

        e = _preset(args)
        if args.max_molality is not None:
            keep = x <= args.max_molality
            x, y = x[keep], y[keep]
            sigma = sigma[keep] if sigma is not None else None
        result = fit_activity(e, x, y, model=args.model, sigma=sigma)
        print(f"activity fit ({args.model}) of {e.name}: {x.size} points, "
              f"rms(ln gamma) {result.extra['rms_ln_gamma']:.4g}")
    else:
        from ionscales.fitting.decay import fit_screening_scaling

        e = _preset(args)
        scale = _LENGTH[args.length_unit]
        diameter = args.diameter * 1e-9 if args.diameter is not None else None
        result = fit_screening_scaling(x * _CONC[args.c_unit], y * scale,
                                       None if sigma is None else sigma * scale,
                                       electrolyte=e, diameter=diameter)
        print(f"scaling fit lambda_S/lambda_D = A (sigma/lambda_D)^n for {e.name}: {x.size} points")
    for name, value in result.best_values.items():
        err = result.stderr.get(name, np.nan)
        unit = result.units.get(name, "1")
        if unit == "m" and np.isfinite(value):
            print(f"  {name} = {value * 1e9:.6g} +/- {err * 1e9:.2g} nm")
        else:
            print(f"  {name} = {value:.6g} +/- {err:.2g} {unit}")
    if not result.success:
        print("  warning: the minimiser reported no success")
    if args.out:
        to_netcdf(result.to_dataset(), args.out)
        print(f"wrote {args.out}")
    return 0
