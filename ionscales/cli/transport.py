"""``ionscales transport``: electrolyte transport properties for cell models (issue #12).

Evaluates :func:`ionscales.theory.transport.properties` (conductivity, salt diffusivity,
t+^0, thermodynamic factor) over a concentration range at one or more temperatures, with
the pairing or (``--carriers aggregation``) the Flory–Stockmayer cluster carriers, prints
a table, writes ``transport.nc`` and ``transport.png`` (four panels versus c, one line per
temperature, measured data overlaid with ``--data``) and, with ``--pybamm FILE``, the
PyBaMM parameter tables as JSON (grid + values under PyBaMM's parameter names; no pickle).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

from ionscales.cli._common import parse_quantity, parse_range
from ionscales.errors import ParameterError

PANELS = (
    ("conductivity", 1.0, "conductivity [S/m]"),
    ("salt_diffusivity", 1e10, "D [1e-10 m^2/s]"),
    ("transference_number", 1.0, "t+^0"),
    ("molar_thermodynamic_factor", 1.0, "TDF (molar, 1 + dln f/dln c)"),
)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transport",
        help="sigma, D, t+ and thermodynamic factor versus c and T (and PyBaMM tables)",
        description=__doc__,
    )
    p.add_argument(
        "--preset", default="LiPF6 in EC:EMC 3:7", help="electrolyte (default LiPF6 in EC:EMC 3:7)"
    )
    p.add_argument("--c-min", default="0.05M", help="lowest concentration (default 0.05M)")
    p.add_argument("--c-max", default="2M", help="highest concentration (default 2M)")
    p.add_argument("--points", type=int, default=40, help="concentration points (default 40)")
    p.add_argument(
        "--temperature",
        default="298.15K",
        help="comma-separated temperatures, e.g. 263.15K,298.15K,323.15K (default 298.15K)",
    )
    p.add_argument(
        "--data", default=None, help="netCDF Dataset over (concentration, temperature) to overlay"
    )
    p.add_argument(
        "--pybamm", default=None, help="write the PyBaMM parameter tables to this JSON file"
    )
    p.add_argument(
        "--carriers",
        default="pairing",
        choices=("pairing", "aggregation"),
        help="carrier model: free ions + pairs (default) or the Flory–Stockmayer clusters "
        "(free ions, pairs, charged clusters; the calibrated aggregation chain where stored)",
    )
    p.add_argument("--out", default=".", help="output directory (default: current)")
    p.set_defaults(func=run)


def _electrolyte(name):
    from ionscales import presets
    from ionscales.theory import transport_presets

    if name == transport_presets.LIPF6_EC_EMC:
        # the calibration's electrolyte (the preset with eps_r(T)): the calibrated chains
        # were fitted with it over 263-323 K
        return transport_presets.lipf6_ec_emc()
    if name in presets.names():
        return presets.get(name)
    raise ParameterError(
        "--preset",
        f"unknown electrolyte; available: {', '.join(presets.names())}, "
        f"{transport_presets.LIPF6_EC_EMC}",
        name,
    )


def run(args) -> int:
    from ionscales import results
    from ionscales.theory import transport

    electrolyte = _electrolyte(args.preset)
    c_lo = parse_quantity("--c-min", args.c_min, default_unit="mol/m^3")
    c_hi = parse_quantity("--c-max", args.c_max, default_unit="mol/m^3")
    if not 0 < c_lo < c_hi:
        raise ParameterError("--c-max", f"must exceed --c-min = {c_lo:g} mol/m^3 > 0", args.c_max)
    if args.points < 2:
        raise ParameterError("--points", "must be >= 2", args.points)
    c = np.linspace(c_lo, c_hi, args.points)
    temps = np.array(
        [parse_range("--temperature", x, default_unit="K")[0] for x in args.temperature.split(",")]
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.carriers == "pairing":
            ds = transport.properties(electrolyte, c, temps)
        else:
            ds = transport.properties(electrolyte, c, temps, carriers=args.carriers)
    notes = list(
        dict.fromkeys(
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if "ionscales" in str(w.category.__module__)
        )
    )
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    ds.attrs["warnings"] = "; ".join(notes)
    data = None
    if args.data is not None:
        import xarray as xr

        path = Path(args.data)
        if not path.is_file():
            raise ParameterError("--data", "no such file", args.data)
        try:
            data = xr.load_dataset(path)
        except (OSError, ValueError) as exc:
            raise ParameterError(
                "--data", f"not a readable netCDF file ({exc})", args.data
            ) from exc
        if "concentration" not in data.dims:
            raise ParameterError("--data", "needs a 'concentration' dimension [mol/m^3]", args.data)
    results.to_netcdf(ds, out / "transport.nc")
    _plot(ds, data, out / "transport.png")
    print(f"{args.preset} ({ds.attrs['carriers']} carriers): {ds.attrs['parameter_source'][:100]}")
    print(
        f"{'T [K]':>7} {'c [mol/L]':>9} {'sigma [S/m]':>11} {'D [m2/s]':>10} {'t+':>7} "
        f"{'TDF_c':>7} {'free':>6} {'cluster':>7}"
    )
    for t in temps:
        for i in range(0, c.size, max(1, c.size // 8)):
            row = ds.sel(temperature=t).isel(concentration=i)
            print(
                f"{t:7.2f} {float(row.concentration) / 1000:9.3f} {float(row.conductivity):11.4g} "
                f"{float(row.salt_diffusivity):10.3e} {float(row.transference_number):7.3f} "
                f"{float(row.molar_thermodynamic_factor):7.3f} {float(row.free_fraction):6.3f} "
                f"{float(row.cluster_fraction):7.3f}"
            )
    written = [out / "transport.nc", out / "transport.png"]
    if args.pybamm is not None:
        written.append(_write_pybamm(ds, Path(args.pybamm)))
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _write_pybamm(ds, path: Path) -> Path:
    """JSON tables under PyBaMM's names on the (c, T) grid (molar TDF, as PyBaMM's DFN uses)."""
    from ionscales.continuum.cell_export import PYBAMM_NAMES

    source = {
        "conductivity": "conductivity",
        "salt_diffusivity": "salt_diffusivity",
        "transference_number": "transference_number",
        "thermodynamic_factor": "molar_thermodynamic_factor",
    }
    table = {
        "format": "ionscales PyBaMM electrolyte tables v1: values[i][j] at concentration[i], temperature[j]",
        "concentration [mol.m-3]": ds.concentration.values.tolist(),
        "temperature [K]": ds.temperature.values.tolist(),
        "source": ds.attrs.get("parameter_source", ""),
        "parameters": {
            PYBAMM_NAMES[k]: ds[v].transpose("concentration", "temperature").values.tolist()
            for k, v in source.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(table, indent=1))
    tmp.replace(path)
    return path


def _plot(ds, data, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    c = ds.concentration.values / 1000
    for ax, (name, scale, label) in zip(axes.flat, PANELS):
        for j, t in enumerate(ds.temperature.values):
            (line,) = ax.plot(c, ds[name].isel(temperature=j) * scale, label=f"{t:.1f} K")
            if data is not None:
                key = "thermodynamic_factor" if name == "molar_thermodynamic_factor" else name
                if key in data and "temperature" in data.dims:
                    near = data.sel(temperature=t, method="nearest")
                    if abs(float(near.temperature) - t) < 0.5:
                        ax.plot(
                            near.concentration / 1000,
                            near[key] * scale,
                            "o",
                            ms=3,
                            color=line.get_color(),
                        )
                elif key in data:
                    ax.plot(data.concentration / 1000, data[key] * scale, "o", ms=3, color="k")
        ax.set_xlabel("c [mol/L]")
        ax.set_ylabel(label)
    axes[0, 0].legend(
        fontsize=8, title="lines: ionscales" + ("; dots: data" if data is not None else "")
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
