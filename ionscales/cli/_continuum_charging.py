"""``ionscales continuum charging``: PNP transients (charge and current versus time) of a
blocking or reacting cell after a voltage step, ramp or sinusoid, and the steady
current–voltage curve of a reacting cell (``--iv``).

Writes ``charging.nc`` (+ ``charging.png``) and, with ``--iv``, ``iv.nc`` (+ ``iv.png``).
"""

from __future__ import annotations

import re

import numpy as np

from ionscales.cli._common import (
    OKABE_ITO,
    Outputs,
    add_output_options,
    add_preset_option,
    add_quantity_option,
    parse_quantity,
    pyplot,
)
from ionscales.errors import ParameterError
from ionscales.units import M, nm

CHARGING_FILES = {
    "data": ("charging.nc", ".nc"),
    "iv": ("iv.nc", "_iv.nc"),
    "figure": ("charging.png", ".png"),
    "iv_figure": ("iv.png", "_iv.png"),
}

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "charging",
        help="PNP transient of a cell after a voltage signal (charge and current vs time)",
        description="Poisson–Nernst–Planck transient (FiPy Newton, Scharfetter–Gummel fluxes, "
        "adaptive BDF2) of a slit cell between two electrodes, or of one electrode facing a bulk "
        "reservoir (--geometry halfspace). Blocking or reacting electrodes.",
    )
    add_preset_option(p, deprecated_alias=True)
    add_quantity_option(
        p,
        "--concentration",
        kind="concentration",
        default="10mM",
        help="bulk salt concentration (molarity)",
        strict_minimum=True,
        minimum=0.0,
        maximum=1e5,
    )
    p.add_argument(
        "--geometry",
        default="slit",
        choices=["slit", "halfspace"],
        help="two electrodes (slit) or one electrode facing a reservoir (halfspace)",
    )
    add_quantity_option(
        p,
        "--width",
        kind="length",
        default="1um",
        strict_minimum=True,
        minimum=0.0,
        help="electrode separation (slit) or domain length (halfspace)",
    )
    add_quantity_option(
        p, "--voltage", kind="voltage", default="0.05V", help="step height or sine amplitude"
    )
    p.add_argument(
        "--waveform",
        default="step",
        choices=["step", "ramp", "sine"],
        help="voltage signal: step, ramp (--rate) or sine (--frequency)",
    )
    add_quantity_option(
        p, "--rate", kind="voltage_rate", default=None, help="ramp rate (waveform ramp)"
    )
    add_quantity_option(
        p,
        "--frequency",
        kind="frequency",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="sine frequency (waveform sine)",
    )
    p.add_argument(
        "--t-end",
        default="5tau",
        metavar="TIME",
        help="final time: a duration [s] (e.g. 10us) or a multiple of the RC charging time "
        "lambda_D L/D (e.g. 5tau)",
    )
    p.add_argument(
        "--electrodes",
        default="blocking",
        choices=["blocking", "reactive"],
        help="blocking (no reaction) or reactive electrodes",
    )
    p.add_argument(
        "--reaction",
        default="reservoir",
        choices=["reservoir", "butler-volmer"],
        help="reaction model of reactive electrodes",
    )
    add_quantity_option(
        p,
        "--exchange-current",
        kind="current_density",
        default=None,
        minimum=0.0,
        help="Butler-Volmer exchange current density",
    )
    add_quantity_option(
        p, "--stern-length", kind="length", default="0nm", minimum=0.0, help="Stern-layer thickness"
    )
    p.add_argument("--rtol", type=float, default=1e-3, help="time-step error tolerance [1]")
    add_quantity_option(
        p,
        "--iv",
        kind="voltage",
        default=None,
        range_points=7,
        help="also sweep the steady current of the reacting cell over cell voltages, "
        "e.g. --iv=0:0.3:7V",
    )
    add_output_options(p, ".")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _t_end(text: str, charging_time: float) -> float:
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*tau\s*", text)
    value = float(m.group(1)) * charging_time if m else parse_quantity("--t-end", text, "s")
    if not value > 0:
        raise ParameterError(
            "--t-end", "must be > 0 (a duration like 10us or a multiple like 5tau)", text
        )
    return value


def run(args) -> int:
    from ionscales import presets
    from ionscales.continuum import HalfSpace, Slit
    from ionscales.continuum.pnp import iv_curve, pnp_scales, solve_pnp

    electrolyte = presets.get(args.preset)
    concentration = float(args.concentration)
    width = float(args.width)
    geometry = Slit(width=width) if args.geometry == "slit" else HalfSpace(length=width)
    level = float(args.voltage)
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
        "electrodes": args.electrodes,
        "reaction": args.reaction,
        "exchange_current": args.exchange_current,
        "stern_length": float(args.stern_length),
    }
    outputs = Outputs(args.out, CHARGING_FILES)
    ds = solve_pnp(
        electrolyte,
        concentration,
        geometry,
        voltage,
        t_end,
        rtol=args.rtol,
        progress=False if args.no_progress else None,
        **options,
    )
    outputs.add_dataset("data", ds)
    iv = None
    if args.iv is not None:
        if args.geometry != "slit" or args.electrodes != "reactive":
            raise ParameterError("--iv", "needs --geometry slit and --electrodes reactive")
        volts = np.atleast_1d(args.iv)
        iv_options = {k: v for k, v in options.items() if k not in ("electrodes", "reaction")}
        iv = iv_curve(
            electrolyte,
            concentration,
            geometry,
            volts,
            reaction=args.reaction,
            progress=False if args.no_progress else None,
            **iv_options,
        )
        outputs.add_dataset("iv", iv)
    state = (
        f"{electrolyte.name}, {concentration / M:g} mol/L, {args.geometry} {width / nm:.4g} nm, "
        f"{args.electrodes} electrodes"
    )
    if args.plot:
        rc_law = (
            args.waveform == "step" and args.electrodes == "blocking" and args.geometry == "slit"
        )
        outputs.add_figure("figure", charging_figure(ds, rc_law=rc_law, state=state))
        if iv is not None:
            outputs.add_figure("iv_figure", iv_figure(iv, state=state))
    written = outputs.commit()
    print(
        f"PNP {args.electrodes} cell, {electrolyte.name} at {concentration / M:g} M, "
        f"{args.geometry} {width / nm:.4g} nm: charging time {ds.attrs['charging_time']:.4g} s, "
        f"final charge {float(ds.surface_charge[-1]):.4g} C/m^2, final current {float(ds.current[-1]):.4g} "
        f"A/m^2, {ds.attrs['solver_steps']} steps ({ds.attrs['solver_rejected_steps']} rejected), "
        f"inventory drift {ds.attrs['inventory_drift']:.2e}"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def charging_figure(ds, *, rc_law: bool, state: str):
    """Electrode charge and current versus time in units of the charging time."""
    plt = pyplot()
    tau = ds.attrs["charging_time"]
    t = ds.time.values / tau
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    ax1.plot(t, ds.surface_charge.values, color=OKABE_ITO[0], label="PNP (electrode charge)")
    if rc_law:
        # linear RC law of a blocking slit (Bazant, Thornton, Ajdari 2004): q = (C_D V/2)(1 - e^{-t/tau})
        c_d = ds.attrs["debye_capacitance"]
        ax1.plot(
            t,
            0.5 * c_d * ds.applied_voltage.values * (1 - np.exp(-t)),
            "--",
            color=OKABE_ITO[3],
            label="linear RC law",
        )
    ax1.set_xlabel(r"time $t/\tau_c$ ($\tau_c = \lambda_D L/D$)")
    ax1.set_ylabel(r"electrode charge $q$ [C/m$^2$]")
    ax1.legend(fontsize=8)
    ax2.plot(t, ds.current.values, color=OKABE_ITO[0], label="total")
    if np.any(ds.faradaic_current.values != 0):
        ax2.plot(t, ds.faradaic_current.values, "--", color=OKABE_ITO[1], label="faradaic")
    ax2.set_xlabel(r"time $t/\tau_c$")
    ax2.set_ylabel(r"current density $j$ [A/m$^2$]")
    ax2.legend(fontsize=8)
    fig.suptitle(rf"PNP charging: {state}; $\tau_c$ = {tau:.3g} s", fontsize=10)
    fig.tight_layout()
    return fig


def iv_figure(iv, *, state: str):
    """Steady current versus cell voltage with the limiting current."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 4.0))
    ax.plot(
        iv.voltage.values, iv.current.values, "o-", color=OKABE_ITO[0], label="PNP steady state"
    )
    ax.axhline(iv.attrs["limiting_current"], ls=":", color="k", label="diffusion-limited current")
    ax.set_xlabel(r"cell voltage $V$ [V]")
    ax.set_ylabel(r"current density $j$ [A/m$^2$]")
    ax.set_title(f"steady current: {state}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
