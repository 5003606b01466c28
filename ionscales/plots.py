"""Figures of the package: the house style and the figure builders shared by the CLI and
the examples.

House style: colour-blind-safe Okabe–Ito colours paired with distinct line styles (so
curves that coincide or print in grey stay apart), mathtext symbols, axis labels with
units in brackets, titles that state the state point, and a caption line
(:func:`add_caption`) that says what to look at. Figure builders return a matplotlib
``Figure``; saving is the caller's job (the CLI writes atomically).
"""

from __future__ import annotations

import numpy as np

from ionscales.units import M, nm

__all__ = ["OKABE_ITO", "LINE_STYLES", "pyplot", "add_caption", "screening_figure"]


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend and the house style
    (colour-blind-safe Okabe–Ito cycle, mathtext)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcParams["axes.prop_cycle"] = cycler(color=OKABE_ITO)
    return plt


#: Okabe & Ito colour-blind-safe palette (black first is reserved for references).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: distinct line styles to pair with the colours (curves that coincide stay visible)
LINE_STYLES = [
    "-",
    (0, (5, 2)),
    "-.",
    (0, (1, 1.5)),
    (0, (3, 1, 1, 1)),
    (0, (8, 2, 1, 2)),
    "--",
    ":",
]


def add_caption(fig, text: str) -> None:
    """A caption under the axes (wrapped to the figure width): what the figure shows and
    what to look at."""
    import textwrap

    width = max(40, int(fig.get_figwidth() * 13))
    lines = textwrap.wrap(text, width)
    fig.text(0.5, 0.01, "\n".join(lines), ha="center", va="bottom", fontsize=8, style="italic")
    fig.subplots_adjust(
        bottom=max(fig.subplotpars.bottom, 0.06 + 0.035 * len(lines) * 8 / fig.get_figheight())
    )


def _coinciding(values: np.ndarray, names: list[str]) -> dict[int, list[str]]:
    """For each curve, the earlier curves it coincides with (same finite points within
    1e-9 relative): plotted on top of each other, they must be named in the legend."""
    same: dict[int, list[str]] = {}
    for j in range(len(names)):
        for i in range(j):
            a, b = values[i], values[j]
            fa, fb = np.isfinite(a), np.isfinite(b)
            if np.array_equal(fa, fb) and fa.any() and np.allclose(a[fa], b[fb], rtol=1e-9, atol=0):
                same.setdefault(j, []).append(names[i])
    return same


def screening_figure(ds, *, data=None):
    """The screening-ladder figure: decay length (top) and oscillation wavelength (bottom)
    versus concentration (log-log), one colour and line style per model.

    Curves that coincide are named together in the legend ("msa = dressed-ion"), points
    beyond a model's stability limit (regime "unstable") are not drawn and the limit is
    marked with an x, and each distinct Kirkwood crossover is one dotted line listed in
    the legend (no stacked text labels). Returns the matplotlib Figure.
    """
    plt = pyplot()
    c = ds["concentration"].values / M
    names = [str(m) for m in ds["model"].values]
    decay = np.where(ds["regime"].values == "unstable", np.nan, ds["decay_length"].values) / nm
    wave = np.where(ds["regime"].values == "unstable", np.nan, ds["wavelength"].values) / nm
    debye = ds["debye_length"].isel(model=0).values / nm
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7.5, 8), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    top.loglog(c, debye, color="k", ls="--", lw=1.0, label=r"Debye length $\lambda_D$", zorder=1)
    # the "debye" model is the reference line itself; compare every other curve with it
    shown = [j for j, m in enumerate(names) if m != "debye"]
    same_shown = _coinciding(
        np.vstack([debye[None, :], decay[shown]]), ["Debye length", *(names[j] for j in shown)]
    )
    same = {shown[k - 1]: v for k, v in same_shown.items()}
    any_wave = False
    for j, m in enumerate(names):
        color, style = OKABE_ITO[j % len(OKABE_ITO)], LINE_STYLES[j % len(LINE_STYLES)]
        label = m + "".join(f" = {o}" for o in same.get(j, []))
        # later (coinciding) curves drawn thinner on top, so both stay visible
        lw = 2.6 - 0.3 * min(j, 5)
        if m != "debye":
            top.loglog(c, decay[j], color=color, ls=style, lw=lw, label=label, zorder=2 + j)
        unstable = ds["regime"].values[j] == "unstable"
        if np.any(unstable):
            k = int(np.argmax(unstable))
            last = k - 1 if k > 0 else 0
            top.plot(
                c[last],
                decay[j][last],
                marker="x",
                color=color,
                ms=9,
                mew=2,
                ls="none",
                label=f"{m}: unstable beyond {c[k]:.3g} mol/L (spinodal)",
                zorder=10,
            )
        if np.any(np.isfinite(wave[j])):
            bottom.loglog(c, wave[j], color=color, ls=style, lw=lw, label=m)
            any_wave = True
    # one dotted line per distinct Kirkwood concentration, listed in the legend
    groups: dict[float, list[str]] = {}
    for j, m in enumerate(names):
        ck = float(ds["kirkwood_concentration"].values[j]) / M
        if np.isfinite(ck) and c[0] <= ck <= c[-1]:
            key = next((k for k in groups if abs(k - ck) <= 1e-6 * ck), ck)
            groups.setdefault(key, []).append(m)
    for _n, (ck, members) in enumerate(sorted(groups.items())):
        color = OKABE_ITO[names.index(members[0]) % len(OKABE_ITO)]
        for ax in (top, bottom):
            ax.axvline(
                ck,
                color=color,
                ls=":",
                lw=1.2,
                label=f"Kirkwood crossover {ck:.3g} mol/L ({', '.join(members)})"
                if ax is top
                else None,
            )
    if data is not None:
        top.loglog(data[0] / M, data[1] / nm, "ko", ms=5, mfc="none", label="data", zorder=20)
    top.set_ylabel(r"decay length of the leading mode $\xi$ [nm]")
    sigma = ds.attrs.get("contact_diameter", np.nan) / nm
    top.set_title(
        f"{ds.attrs.get('electrolyte', '')}: screening ladder at "
        rf"$\varepsilon_r$ = {ds.attrs['permittivity']:.4g}, T = {ds.attrs['temperature']:g} K, "
        rf"$\sigma$ = {sigma:.3g} nm",
        fontsize=10,
    )
    top.legend(fontsize=7, loc="upper left", framealpha=0.9)
    bottom.set_ylabel(r"oscillation wavelength $\lambda$ [nm]")
    bottom.set_xlabel(r"salt concentration $c$ [mol/L]")
    if any_wave:
        bottom.legend(fontsize=7, loc="upper right", framealpha=0.9)
    else:
        bottom.text(
            0.5,
            0.5,
            "no oscillatory decay in this range",
            transform=bottom.transAxes,
            ha="center",
            va="center",
        )
    fig.tight_layout()
    return fig
