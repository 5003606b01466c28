"""``ionscales continuum charging``: PNP transients (charge and current versus time) of a
blocking or reacting cell after a voltage step, ramp or sinusoid, and the steady
current–voltage curve of a reacting cell (``--iv``).

Writes ``charging.nc`` (+ ``charging.png``) and, with ``--iv``, ``iv.nc`` (+ ``iv.png``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ionscales.cli._common import parse_quantity, parse_range
from ionscales.errors import ParameterError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "charging",
        help="PNP transient of a cell after a voltage signal (charge and current vs time)",
        description="Poisson–Nernst–Planck transient (FiPy Newton, Scharfetter–Gummel fluxes, "
        "adaptive BDF2) of a slit cell between two electrodes, or of one electrode facing a bulk "
        "reservoir (--geometry halfspace). Blocking or reacting electrodes.",
    )
    p.add_argument("--salt", default="NaCl(aq)", help="electrolyte preset name (default NaCl(aq))")
    p.add_argument("--concentration", default="10mM", help="bulk salt concentration (default 10mM)")
    p.add_argument("--geometry", default="slit", choices=["slit", "halfspace"])
    p.add_argument("--width", default="1um",
                   help="electrode separation (slit) or domain length (halfspace), default 1um")
    p.add_argument("--voltage", default="0.05V", help="step height or sine amplitude (default 0.05V)")
    p.add_argument("--waveform", default="step", choices=["step", "ramp", "sine"],
                   help="voltage signal: step (default), ramp (--rate) or sine (--frequency)")
    p.add_argument("--rate", type=float, default=None, help="ramp rate [V/s]")
    p.add_argument("--frequency", type=float, default=None, help="sine frequency [Hz]")
    p.add_argument("--t-end", default="5tau",
                   help="final time: a duration (e.g. 10us) or a multiple of the RC charging time "
                   "lambda_D L/D (e.g. 5tau, the default)")
    p.add_argument("--electrodes", default="blocking", choices=["blocking", "reactive"])
    p.add_argument("--reaction", default="reservoir", choices=["reservoir", "butler-volmer"])
    p.add_argument("--exchange-current", type=float, default=None,
                   help="Butler–Volmer exchange current density [A/m^2]")
    p.add_argument("--stern-length", default="0nm", help="Stern-layer thickness (default 0nm)")
    p.add_argument("--rtol", type=float, default=1e-3, help="time-step error tolerance (1e-3)")
    p.add_argument("--iv", default=None,
                   help="also sweep the steady current of the reacting cell over cell voltages "
                   "start:stop:points[unit], e.g. --iv=0:0.3:7V")
    p.add_argument("--out", default=".", help="output directory (default: current directory)")
    p.add_argument("--no-figures", action="store_true", help="write netCDF only")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _t_end(text: str, charging_time: float) -> float:
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*tau\s*", text)
    value = float(m.group(1)) * charging_time if m else parse_quantity("--t-end", text, "s")
    if not value > 0:
        raise ParameterError("--t-end", "must be > 0 (a duration like 10us or a multiple like 5tau)",
                             text)
    return value


def run(args) -> int:
    from ionscales import presets
    from ionscales.continuum import HalfSpace, Slit
    from ionscales.continuum.pnp import iv_curve, pnp_scales, solve_pnp
    from ionscales.results import to_netcdf

    electrolyte = presets.get(args.salt)
    concentration = parse_quantity("--concentration", args.concentration, "mol/m^3")
    width = parse_quantity("--width", args.width, "m")
    geometry = Slit(width=width) if args.geometry == "slit" else HalfSpace(length=width)
    level = parse_quantity("--voltage", args.voltage, "V")
    if args.waveform == "step":
        voltage = level
    elif args.waveform == "ramp":
        if args.rate is None:
            raise ParameterError("--rate", "is required with --waveform ramp (V/s)")
        voltage = ("ramp", args.rate)
    else:
        if args.frequency is None:
            raise ParameterError("--frequency", "is required with --waveform sine (Hz)")
        voltage = ("sine", level, args.frequency)
    scales = pnp_scales(electrolyte, concentration)
    half = width / 2 if args.geometry == "slit" else width
    charging_time = scales["debye_length"] * half / scales["reference_diffusivity"]
    t_end = _t_end(args.t_end, charging_time)
    options = {
        "electrodes": args.electrodes, "reaction": args.reaction,
        "exchange_current": args.exchange_current,
        "stern_length": parse_quantity("--stern-length", args.stern_length, "m"),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ds = solve_pnp(electrolyte, concentration, geometry, voltage, t_end, rtol=args.rtol,
                   progress=False if args.no_progress else None, **options)
    to_netcdf(ds, out / "charging.nc")
    written = [out / "charging.nc"]
    iv = None
    if args.iv is not None:
        if args.geometry != "slit" or args.electrodes != "reactive":
            raise ParameterError("--iv", "needs --geometry slit and --electrodes reactive")
        volts = parse_range("--iv", args.iv, "V", default_points=7)
        iv_options = {k: v for k, v in options.items() if k not in ("electrodes", "reaction")}
        iv = iv_curve(electrolyte, concentration, geometry, volts, reaction=args.reaction,
                      progress=False if args.no_progress else None, **iv_options)
        to_netcdf(iv, out / "iv.nc")
        written.append(out / "iv.nc")
    if not args.no_figures:
        written += _figures(ds, iv, out, args.waveform == "step" and args.electrodes == "blocking"
                            and args.geometry == "slit")
    print(f"PNP {args.electrodes} cell, {electrolyte.name} at {concentration / 1000:g} M, "
          f"{args.geometry} {width * 1e9:.4g} nm: charging time {ds.attrs['charging_time']:.4g} s, "
          f"final charge {float(ds.charge[-1]):.4g} C/m^2, final current {float(ds.current[-1]):.4g} "
          f"A/m^2, {ds.attrs['solver_steps']} steps ({ds.attrs['solver_rejected_steps']} rejected), "
          f"inventory drift {ds.attrs['inventory_drift']:.2e}")
    for path in written:
        print(f"wrote {path}")
    return 0


def _figures(ds, iv, out: Path, rc_law: bool) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    tau = ds.attrs["charging_time"]
    t = ds.time.values / tau
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    ax1.plot(t, ds.charge.values, label="PNP (electrode charge)")
    if rc_law:
        # linear RC law of a blocking slit (BTA 2004): q = (C_D V/2) (1 - exp(-t/tau))
        c_d = ds.attrs["debye_capacitance"]
        ax1.plot(t, 0.5 * c_d * ds.applied_voltage.values * (1 - np.exp(-t)), "--",
                 label="linear RC law")
    ax1.set_xlabel("time / charging time")
    ax1.set_ylabel("charge [C/m^2]")
    ax1.legend(fontsize=8)
    ax2.plot(t, ds.current.values, label="total")
    if np.any(ds.faradaic_current.values != 0):
        ax2.plot(t, ds.faradaic_current.values, label="faradaic")
    ax2.set_xlabel("time / charging time")
    ax2.set_ylabel("current density [A/m^2]")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    path = out / "charging.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    paths.append(path)
    if iv is not None:
        fig, ax = plt.subplots(figsize=(4.8, 3.6))
        ax.plot(iv.voltage.values, iv.current.values, "o-", label="PNP steady state")
        ax.axhline(iv.attrs["limiting_current"], ls=":", color="k", label="limiting current")
        ax.set_xlabel("cell voltage [V]")
        ax.set_ylabel("current density [A/m^2]")
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out / "iv.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths
