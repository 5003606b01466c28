"""``ionscales screening``: screening length versus concentration for the models of the ladder.

With no options: aqueous NaCl from 1e-4 to 6 mol/L, every analytic model; prints a table,
writes ``screening.nc`` (the labelled dataset of ``theory.screening_curves``) and
``screening.png`` (decay length and oscillation wavelength versus concentration, Kirkwood
crossovers marked).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.cli._common import parse_quantity, read_columns
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError
from ionscales.units import M, nm
from ionscales.validation import check_choice

DEFAULT_MODELS = "debye,dh-exclusion,msa,dressed-ion,free-ion,scaling"
TABLE_ROWS = 8


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "screening",
        help="screening (decay) length and oscillation wavelength versus concentration",
        description="Screening length versus salt concentration for the models of the screening "
        "ladder (Debye-Hueckel, cut-kernel DH, MSA, dressed-ion, free-ion, underscreening "
        "scaling law). Prints a table and writes STEM.nc (netCDF, SI units) and STEM.png. "
        "Concentrations are salt molarities in mol/L unless a unit is given (e.g. 10mM).",
    )
    parser.add_argument("--preset", default="NaCl(aq)",
                        help="electrolyte preset (default: NaCl(aq)); see ionscales.presets.names()")
    parser.add_argument("--c-min", default="1e-4", metavar="C",
                        help="lowest salt concentration [mol/L] (default 1e-4; units like 10mM accepted)")
    parser.add_argument("--c-max", default="6", metavar="C",
                        help="highest salt concentration [mol/L] (default 6)")
    parser.add_argument("--points", type=int, default=200,
                        help="number of log-spaced concentrations (default 200)")
    parser.add_argument("--models", default=DEFAULT_MODELS,
                        help=f"comma-separated model names (default: {DEFAULT_MODELS}); also "
                        "'cluster' and 'dressed-ion-hnc' when installed")
    parser.add_argument("--diameter", default=None, metavar="D",
                        help="ion (contact) diameter for every ion [nm] (default: the preset's)")
    parser.add_argument("--permittivity", type=float, default=None,
                        help="relative permittivity of the solvent [1] (default: the preset's)")
    parser.add_argument("--temperature", type=float, default=None,
                        help="temperature [K] (default: the preset's)")
    parser.add_argument("--out", default="screening",
                        help="output stem (writes STEM.nc and STEM.png) or an existing directory "
                        "(writes DIR/screening.nc, DIR/screening.png); default 'screening'")
    parser.add_argument("--plot", action=argparse.BooleanOptionalAction, default=True,
                        help="write the figure (default: yes)")
    parser.add_argument("--data", default=None, metavar="FILE.csv",
                        help="measured screening lengths to overlay: two comma-separated columns, "
                        "concentration [mol/L] and screening length [nm]; one header line allowed")
    parser.set_defaults(func=run)


def build_electrolyte(preset: str, diameter=None, permittivity=None, temperature=None) -> Electrolyte:
    """The preset with optional diameter [m], permittivity [1] and temperature [K] overrides."""
    base = presets.get(preset)
    if diameter is None and permittivity is None and temperature is None:
        return base
    solvent = base.solvent
    changes = {}
    if permittivity is not None:
        changes["permittivity"] = permittivity
    if temperature is not None:
        changes["temperature"] = temperature
    if changes:
        solvent = dataclasses.replace(solvent, **changes)
    ions = base.ions
    if diameter is not None:
        ions = tuple(dataclasses.replace(ion, diameter=diameter) for ion in ions)
    return Electrolyte(ions=ions, stoichiometry=base.stoichiometry, solvent=solvent, name=base.name,
                       references=base.references, notes=base.notes)


def read_data(path) -> tuple[np.ndarray, np.ndarray]:
    """Measured points: (concentration [mol/m^3], screening length [m]) from a 2-column CSV
    in mol/L and nm (one optional header line)."""
    table = read_columns(path, min_columns=2, parameter="--data")
    if table.shape[1] != 2:
        raise ParameterError("--data", f"needs exactly 2 columns (concentration [mol/L], length [nm]), "
                             f"found {table.shape[1]}", str(path))
    if not np.all(np.isfinite(table)):
        raise ParameterError("--data", "contains NaN or infinite values", str(path))
    if np.any(table <= 0):
        raise ParameterError("--data", "concentrations and lengths must be > 0", str(path))
    return table[:, 0] * M, table[:, 1] * nm


def _output_paths(out: str) -> tuple[Path, Path]:
    target = Path(out)
    if target.is_dir() or out.endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        target = target / "screening"
    elif target.suffix in (".nc", ".png"):
        target = target.with_suffix("")
    if not target.parent.exists():
        raise ParameterError("--out", "directory does not exist", str(target.parent))
    return target.with_suffix(".nc"), target.with_suffix(".png")


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
    from ionscales import results
    from ionscales.theory import screening_curves

    c_min = parse_quantity("--c-min", args.c_min, "M")
    c_max = parse_quantity("--c-max", args.c_max, "M")
    if not (c_min > 0 and np.isfinite(c_min)):
        raise ParameterError("--c-min", "must be > 0 mol/L", args.c_min)
    if not (c_max > c_min and np.isfinite(c_max)):
        raise ParameterError("--c-max", "must be finite and larger than --c-min", args.c_max)
    if args.points < 2 or args.points > 1_000_000:
        raise ParameterError("--points", "must be between 2 and 1e6", args.points)
    diameter = None if args.diameter is None else parse_quantity("--diameter", args.diameter, "nm")
    electrolyte = build_electrolyte(args.preset, diameter, args.permittivity, args.temperature)
    models = _parse_models(args.models)
    data = read_data(args.data) if args.data else None
    nc_path, png_path = _output_paths(args.out)

    concentration = np.geomspace(c_min, c_max, args.points)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = screening_curves(electrolyte, concentration, models)
    notes = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught
                               if issubclass(w.category, Warning) and "ionscales" in str(w.category.__module__)))

    print(format_table(ds))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    results.to_netcdf(ds, nc_path)
    written = [str(nc_path)]
    if args.plot:
        plot_curves(ds, png_path, data=data)
        written.append(str(png_path))
    print(f"wrote {', '.join(written)}")
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
    lines.append(f"{'c [mol/L]':>10} {'Debye [nm]':>11} " + " ".join(f"{m:>{width}}" for m in models))
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


def plot_curves(ds, path, *, data=None) -> None:
    """Two panels: decay length and oscillation wavelength versus concentration (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = ds["concentration"].values / M
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    top.loglog(c, ds["debye_length"].isel(model=0).values / nm, "k--", lw=1.0, label="Debye length",
               zorder=5)
    styles = ["-", (0, (5, 2)), "-.", (0, (1, 1)), (0, (3, 1, 1, 1))]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    any_wave = False
    for j, m in enumerate(ds["model"].values):
        color = colors[j % len(colors)]
        decay = ds["decay_length"].values[j] / nm
        style = styles[j % len(styles)]
        if str(m) != "debye":
            top.loglog(c, decay, color=color, ls=style, lw=1.6, label=str(m))
        wave = ds["wavelength"].values[j] / nm
        if np.any(np.isfinite(wave)):
            bottom.loglog(c, wave, color=color, ls=style, lw=1.6, label=str(m))
            any_wave = True
        ck = ds["kirkwood_concentration"].values[j] / M
        if np.isfinite(ck) and c[0] <= ck <= c[-1]:
            for ax in (top, bottom):
                ax.axvline(ck, color=color, ls=":", lw=1.0)
            top.annotate("Kirkwood", (ck, top.get_ylim()[0]), color=color, rotation=90, fontsize=7,
                         xytext=(2, 4), textcoords="offset points", va="bottom")
    if data is not None:
        top.loglog(data[0] / M, data[1] / nm, "ko", ms=4, mfc="none", label="data")
    top.set_ylabel("decay length [nm]")
    top.set_title(f"{ds.attrs.get('electrolyte', '')}: screening ladder")
    top.legend(fontsize=8, loc="best")
    bottom.set_ylabel("oscillation wavelength [nm]")
    bottom.set_xlabel("salt concentration [mol/L]")
    if any_wave:
        bottom.legend(fontsize=8, loc="best")
    else:
        bottom.text(0.5, 0.5, "no oscillatory decay in this range", transform=bottom.transAxes,
                    ha="center", va="center")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
