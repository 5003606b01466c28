"""``ionscales screening``: screening length versus concentration for the models of the ladder.

With no options: aqueous NaCl from 1e-4 to 6 mol/L, every analytic model; prints a table,
writes ``screening.nc`` (the labelled dataset of ``theory.screening_curves``) and
``screening.png`` (decay length and oscillation wavelength versus concentration, Kirkwood
crossovers marked).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from ionscales import presets
from ionscales.cli._common import (
    Outputs,
    add_output_options,
    add_quantity_option,
    read_columns,
)
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError
from ionscales.plots import screening_figure
from ionscales.units import M, nm
from ionscales.validation import check_choice

TABLE_ROWS = 8


def _default_models() -> list[str]:
    from ionscales.theory.ladder import DEFAULT_CURVE_MODELS

    return list(DEFAULT_CURVE_MODELS)


def register(subparsers) -> None:
    defaults = ",".join(_default_models())
    parser = subparsers.add_parser(
        "screening",
        help="screening (decay) length and oscillation wavelength versus concentration",
        description="Screening length versus salt concentration for the analytic models of the "
        "screening ladder (Debye-Hueckel, cut-kernel DH, MSA, dressed-ion, free-ion, "
        "underscreening scaling law; not the HNC or cluster models unless named). Prints a table "
        "and writes screening.nc (netCDF, SI units) and screening.png.",
    )
    parser.add_argument(
        "--preset",
        default="NaCl(aq)",
        metavar="NAME",
        help="electrolyte preset, see ionscales.presets.names()",
    )
    add_quantity_option(
        parser,
        "--c-min",
        kind="concentration",
        default="1e-4",
        help="lowest salt concentration (molarity)",
        strict_minimum=True,
        minimum=0.0,
        maximum=1e5,
    )
    add_quantity_option(
        parser,
        "--c-max",
        kind="concentration",
        default="6",
        help="highest salt concentration (molarity)",
        strict_minimum=True,
        minimum=0.0,
        maximum=1e5,
    )
    parser.add_argument(
        "--points", type=int, default=200, help="number of log-spaced concentrations, 2 to 1e6"
    )
    parser.add_argument(
        "--models",
        default=defaults,
        metavar="LIST",
        help="comma-separated model names; also 'cluster' and 'dressed-ion-hnc' when installed",
    )
    add_quantity_option(
        parser,
        "--diameter",
        kind="length",
        default=None,
        help="contact diameter of every ion (default: the preset's)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        parser,
        "--permittivity",
        kind="dimensionless",
        default=None,
        help="relative permittivity of the solvent (default: the preset's)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        parser,
        "--temperature",
        kind="temperature",
        default=None,
        help="temperature (default: the preset's)",
        strict_minimum=True,
        minimum=0.0,
    )
    add_output_options(parser, "screening")
    parser.add_argument(
        "--data",
        default=None,
        metavar="FILE.csv",
        help="measured screening lengths to overlay: two comma-separated columns, "
        "concentration [mol/L] and screening length [nm]; one header line allowed",
    )
    parser.set_defaults(func=run)


def build_electrolyte(
    preset: str, diameter=None, permittivity=None, temperature=None
) -> Electrolyte:
    """The preset with optional diameter [m], permittivity [1] and temperature [K] overrides
    (:meth:`Electrolyte.with_`)."""
    base = presets.get(preset)
    if diameter is None and permittivity is None and temperature is None:
        return base
    return base.with_(diameter=diameter, permittivity=permittivity, temperature=temperature)


def read_data(path) -> tuple[np.ndarray, np.ndarray]:
    """Measured points: (concentration [mol/m^3], screening length [m]) from a 2-column CSV
    in mol/L and nm (one optional header line)."""
    table = read_columns(path, min_columns=2, parameter="--data")
    if table.shape[1] != 2:
        raise ParameterError(
            "--data",
            f"needs exactly 2 columns (concentration [mol/L], length [nm]), found {table.shape[1]}",
            str(path),
        )
    if not np.all(np.isfinite(table)):
        raise ParameterError("--data", "contains NaN or infinite values", str(path))
    if np.any(table <= 0):
        raise ParameterError("--data", "concentrations and lengths must be > 0", str(path))
    return table[:, 0] * M, table[:, 1] * nm


def _parse_models(text: str) -> list[str]:
    from ionscales.theory import screening_models

    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        raise ParameterError("--models", "must name at least one model", text)
    known = list(screening_models())
    for name in names:
        check_choice("--models", name, known)
    return list(dict.fromkeys(names))


def run(args) -> int:
    from ionscales.theory import screening_curves

    c_min, c_max = args.c_min, args.c_max
    if not c_max > c_min:
        raise ParameterError("--c-max", "must be larger than --c-min", f"{c_max / M:g} mol/L")
    if args.points < 2 or args.points > 1_000_000:
        raise ParameterError("--points", "must be between 2 and 1e6", args.points)
    electrolyte = build_electrolyte(args.preset, args.diameter, args.permittivity, args.temperature)
    models = _parse_models(args.models)
    data = read_data(args.data) if args.data else None
    outputs = Outputs(
        args.out, {"data": ("screening.nc", ".nc"), "figure": ("screening.png", ".png")}
    )

    concentration = np.geomspace(c_min, c_max, args.points)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = screening_curves(electrolyte, concentration, models)
    notes = list(
        dict.fromkeys(
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if issubclass(w.category, Warning) and "ionscales" in str(w.category.__module__)
        )
    )

    outputs.add_dataset("data", ds)
    if args.plot:
        outputs.add_figure("figure", screening_figure(ds, data=data))
    written = outputs.commit()
    print(format_table(ds))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {', '.join(map(str, written))}")
    return 0


def format_table(ds) -> str:
    """Plain-text summary: decay lengths and wavelengths at ~8 concentrations, crossovers."""
    c = ds["concentration"].values
    idx = np.unique(np.searchsorted(c, np.geomspace(c[0], c[-1], TABLE_ROWS)).clip(0, c.size - 1))
    models = [str(m) for m in ds["model"].values]
    debye = ds["debye_length"].isel(model=0).values
    lines = [
        f"{ds.attrs.get('electrolyte', '')}: eps_r = {ds.attrs['permittivity']:g}, "
        f"T = {ds.attrs['temperature']:g} K, contact diameter = {ds.attrs['contact_diameter'] / nm:.3g} nm",
        "",
        "decay length of the leading mode [nm] (wavelength [nm] in brackets where oscillatory)",
    ]
    width = max(14, *(len(m) + 2 for m in models))
    lines.append(
        f"{'c [mol/L]':>10} {'Debye [nm]':>11} " + " ".join(f"{m:>{width}}" for m in models)
    )
    for i in idx:
        cells = []
        for j in range(len(models)):
            decay = ds["decay_length"].values[j, i]
            wave = ds["wavelength"].values[j, i]
            if not np.isfinite(decay):
                cell = str(ds["regime"].values[j, i]) or "-"
            elif np.isfinite(wave):
                cell = f"{decay / nm:.4g} ({wave / nm:.3g})"
            else:
                cell = f"{decay / nm:.4g}"
            cells.append(f"{cell:>{width}}")
        lines.append(f"{c[i] / M:>10.4g} {debye[i] / nm:>11.4g} " + " ".join(cells))
    lines += ["", "Kirkwood crossover (monotonic -> oscillatory decay)"]
    lines.append(f"{'model':>{width}} {'kappa_D sigma':>14} {'c [mol/L]':>10}")
    for j, m in enumerate(models):
        x = ds["kirkwood_crossover"].values[j]
        ck = ds["kirkwood_concentration"].values[j]
        if np.isfinite(x):
            lines.append(f"{m:>{width}} {x:>14.6f} {ck / M:>10.4g}")
        else:
            lines.append(f"{m:>{width}} {'none':>14} {'-':>10}")
    return "\n".join(lines)
