"""``ionscales fit``: fit decay lengths, ion diameters, screening-length scaling and
surface-force tails to data in a CSV file.

::

    ionscales fit decay rh.csv [--r-unit nm] [--modes 1|2] [--monotonic] [--window 0.5:3nm]
    ionscales fit activity gamma.csv --preset "NaCl(aq)" [--model msa] [--max-molality 1]
    ionscales fit scaling lengths.csv --preset "NaCl(aq)" [--c-unit M] [--length-unit nm]
                          [--c-min 1M] [--exponent 3]
    ionscales fit surface-force sfa.csv [--d-unit nm] [--force-unit mN/m] [--window 5:30nm]

The file has one header line (optional), ``#`` comments, and comma-separated numeric
columns: x, y (and optionally standard deviations, ``--sigma-column 3``). It is read as
numbers only (never evaluated). Column units are any unit of the right dimension; the
defaults are the CLI's units (nm, mol/L, mol/kg, mN/m). ``--out result.nc`` writes the
labelled fit result.
"""

from __future__ import annotations

import argparse

import numpy as np

from ionscales.cli._common import (
    Outputs,
    add_quantity_option,
    parse_quantity,
    read_columns,
)
from ionscales.errors import ParameterError

__all__ = ["register", "run"]


def _unit_factor(option: str, unit: str, kind: str) -> float:
    """SI value of one ``unit`` of ``kind`` ('nm' -> 1e-9), the dimension checked."""
    return parse_quantity(option, f"1 {unit}", kind=kind)


def _columns(args):
    data = read_columns(args.file)
    x, y = data[:, 0], data[:, 1]
    sigma = None
    if args.sigma_column is not None:
        j = args.sigma_column - 1
        if j < 0 or j >= data.shape[1]:
            raise ParameterError(
                "--sigma-column", f"must be between 1 and {data.shape[1]}", args.sigma_column
            )
        sigma = data[:, j]
    return x, y, sigma


def _preset(args):
    from ionscales import presets

    e = presets.get(args.preset)
    if getattr(args, "permittivity", None) is not None:
        e = e.with_(permittivity=args.permittivity)
    return e


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "fit",
        help="fit decay lengths, ion diameters, screening scaling or surface forces to CSV data",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="fit_kind", metavar="KIND")

    def common(p):
        p.add_argument("file", metavar="FILE.csv", help="comma-separated columns x, y[, sigma]")
        p.add_argument(
            "--sigma-column",
            type=int,
            default=None,
            help="1-based column with standard deviations of y (same unit as y)",
        )
        p.add_argument(
            "--out", default=None, metavar="FILE.nc", help="write the fit result as netCDF"
        )

    d = sub.add_parser(
        "decay", help="fit A exp(-r/xi) [cos(2 pi r/lambda - theta)] modes to a tail"
    )
    common(d)
    d.add_argument("--r-unit", default="nm", metavar="UNIT", help="length unit of the r column")
    d.add_argument("--modes", type=int, choices=(1, 2), default=1, help="number of decay modes")
    d.add_argument("--monotonic", action="store_true", help="monotonic modes only (no oscillation)")
    add_quantity_option(
        d,
        "--window",
        kind="length",
        default=None,
        range_points=2,
        help="fit range r_min:r_max (default: automatic rule)",
    )
    d.set_defaults(func=run)

    a = sub.add_parser("activity", help="fit the ion diameter to gamma_pm vs molality")
    common(a)
    a.add_argument(
        "--preset", required=True, metavar="NAME", help="electrolyte preset, e.g. 'NaCl(aq)'"
    )
    a.add_argument("--model", choices=("msa", "dh-extended"), default="msa", help="activity model")
    a.add_argument(
        "--m-unit", default="mol/kg", metavar="UNIT", help="molality unit of the first column"
    )
    add_quantity_option(
        a, "--max-molality", kind="molality", default=None, help="use rows with molality <= this"
    )
    add_quantity_option(
        a,
        "--permittivity",
        kind="dimensionless",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="override the solvent permittivity",
    )
    a.set_defaults(func=run)

    s = sub.add_parser(
        "scaling", help="fit lambda_S/lambda_D = A (sigma/lambda_D)^n to (c, lambda_S)"
    )
    common(s)
    s.add_argument(
        "--preset",
        required=True,
        metavar="NAME",
        help="electrolyte preset (Debye length and diameter)",
    )
    s.add_argument(
        "--c-unit",
        default="M",
        metavar="UNIT",
        help="concentration (molarity) unit of the first column",
    )
    s.add_argument(
        "--length-unit", default="nm", metavar="UNIT", help="length unit of the second column"
    )
    add_quantity_option(
        s,
        "--diameter",
        kind="length",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="ion diameter (default: the preset's contact diameter)",
    )
    add_quantity_option(
        s,
        "--c-min",
        kind="concentration",
        default=None,
        minimum=0.0,
        help="fit only rows with c >= this (e.g. the concentrated branch)",
    )
    add_quantity_option(
        s,
        "--c-max",
        kind="concentration",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="fit only rows with c <= this",
    )
    add_quantity_option(
        s,
        "--exponent",
        kind="dimensionless",
        default=None,
        help="fix the exponent n (e.g. 3) and fit only the prefactor",
    )
    s.set_defaults(func=run)

    f = sub.add_parser("surface-force", help="fit the decay length of a measured F/R(D) tail")
    common(f)
    f.add_argument(
        "--d-unit", default="nm", metavar="UNIT", help="length unit of the separation column"
    )
    f.add_argument(
        "--force-unit",
        default="mN/m",
        metavar="UNIT",
        help="unit of the F/R column (force per length, e.g. mN/m, uN/m, N/m)",
    )
    add_quantity_option(
        f,
        "--window",
        kind="length",
        default=None,
        range_points=2,
        help="fitted separations D_min:D_max (default: every row); exclude the "
        "structural (layered) part for a pure exponential tail",
    )
    f.add_argument(
        "--oscillatory", action="store_true", help="add a damped oscillatory (structural) term"
    )
    f.set_defaults(func=run)


def _window(args, name: str = "--window"):
    if args.window is None:
        return None
    w = np.atleast_1d(args.window)
    if w.size < 2:
        raise ParameterError(name, "must be a range MIN:MAX, e.g. 0.5:3nm")
    return float(w[0]), float(w[-1])


def run(args) -> int:
    kind = args.fit_kind
    x, y, sigma = _columns(args)
    outputs = Outputs(args.out, {"data": ("fit.nc", ".nc")}) if args.out else None
    if kind == "decay":
        from ionscales.fitting.decay import fit_decay

        scale = _unit_factor("--r-unit", args.r_unit, "length")
        result = fit_decay(
            x * scale,
            y,
            modes=args.modes,
            oscillatory=not args.monotonic,
            sigma=sigma,
            window=_window(args),
        )
        lo, hi = result.extra["window"]
        print(f"decay fit ({result.extra['form']}), window {lo * 1e9:.4g}-{hi * 1e9:.4g} nm")
    elif kind == "activity":
        from ionscales.fitting.activity import fit_activity

        e = _preset(args)
        x = x * _unit_factor("--m-unit", args.m_unit, "molality")
        if args.max_molality is not None:
            keep = x <= args.max_molality
            x, y = x[keep], y[keep]
            sigma = sigma[keep] if sigma is not None else None
        result = fit_activity(e, x, y, model=args.model, sigma=sigma)
        print(
            f"activity fit ({args.model}) of {e.name}: {x.size} points, "
            f"rms(ln gamma) {result.extra['rms_ln_gamma']:.4g}"
        )
    elif kind == "scaling":
        from ionscales.fitting.decay import fit_screening_scaling

        e = _preset(args)
        scale = _unit_factor("--length-unit", args.length_unit, "length")
        c = x * _unit_factor("--c-unit", args.c_unit, "concentration")
        window = None
        if args.c_min is not None or args.c_max is not None:
            window = (args.c_min or 0.0, args.c_max if args.c_max is not None else float(np.max(c)))
        result = fit_screening_scaling(
            c,
            y * scale,
            None if sigma is None else sigma * scale,
            electrolyte=e,
            diameter=args.diameter,
            concentration_window=window,
            exponent=args.exponent,
        )
        print(
            f"scaling fit lambda_S/lambda_D = A (sigma/lambda_D)^n for {e.name}: {result.data.size} points"
        )
    else:
        from ionscales.fitting.surface_force import fit_surface_force

        d_scale = _unit_factor("--d-unit", args.d_unit, "length")
        f_scale = _force_per_length("--force-unit", args.force_unit)
        result = fit_surface_force(
            x * d_scale,
            y * f_scale,
            None if sigma is None else sigma * f_scale,
            window=_window(args),
            oscillatory=args.oscillatory,
        )
        print(f"surface-force fit: {result.extra.get('n_points', result.data.size)} points")
    print(
        f"  {result.method}; {result.data.size} points, reduced chi-square {result.redchi:.4g}, "
        f"AIC {result.aic:.4g}, BIC {result.bic:.4g}"
    )
    fixed = set(result.fixed)
    for name, value in result.best_values.items():
        err = result.stderr.get(name, np.nan)
        unit = result.units.get(name, "1")
        if unit == "m" and np.isfinite(value):
            value, err, unit = value * 1e9, err * 1e9, "nm"
        if name in fixed:
            print(f"  {name} = {value:.6g} {unit} (fixed)")
        elif name not in result.params:
            print(
                f"  {name} = {value:.6g} {unit} (not fitted: this mode is monotonic)"
                if name.startswith(("wavelength", "phase"))
                else f"  {name} = {value:.6g} {unit} (not fitted)"
            )
        else:
            print(f"  {name} = {value:.6g} +/- {err:.2g} {unit}")
    if not result.success:
        print("warning: the minimiser reported no success")
    if outputs is not None:
        outputs.add_dataset("data", result.to_dataset())
        for path in outputs.commit():
            print(f"wrote {path}")
    return 0


def _force_per_length(option: str, unit: str) -> float:
    """SI value [N/m] of one ``unit`` of force per length (dimension checked with pint)."""
    import pint

    from ionscales.cli._common import _registry

    ureg = _registry()
    try:
        return float(ureg.Quantity(1.0, unit).to("N/m").magnitude)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError):
        raise ParameterError(
            option, "must be a unit of force per length, e.g. mN/m, uN/m", unit
        ) from None
