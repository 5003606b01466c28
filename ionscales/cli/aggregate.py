"""``ionscales aggregate``: ion aggregation and gelation over a molality range.

Computes association probabilities, free-ion and ion-pair fractions, mean cluster sizes,
the gel point and the post-gel sol/gel partition; writes ``aggregation.nc`` and
``aggregation.png`` (populations versus molality with the gel point marked, and the
cluster-size distribution at one molality) and prints the gel molality.
"""

from __future__ import annotations

import warnings

import numpy as np

from ionscales.cli._common import (
    LINE_STYLES,
    OKABE_ITO,
    Outputs,
    add_output_options,
    add_quantity_option,
    pyplot,
)
from ionscales.errors import ParameterError
from ionscales.results import attribute_units

#: largest cluster grid the command accepts: bytes of one (max_size + 1)^2 float grid times the
#: molalities and the ~6 arrays of that size a solve holds must stay below this [bytes]
MEMORY_LIMIT = 2e9


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "aggregate",
        help="ion clusters, free ions and the gel point versus molality (Flory–Stockmayer theory)",
        description=__doc__,
    )
    p.add_argument(
        "--preset",
        default="LiTFSI(aq)",
        metavar="NAME",
        help="electrolyte preset with aggregation parameters",
    )
    add_quantity_option(
        p,
        "--molality",
        kind="molality",
        default="1:25:49",
        range_points=49,
        help="salt molalities",
        strict_minimum=True,
        minimum=0.0,
    )
    add_quantity_option(
        p,
        "--association",
        kind="dimensionless",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="override the dimensionless association constant",
    )
    p.add_argument(
        "--max-size",
        type=int,
        default=40,
        help="largest number of cations (and of anions) in a cluster of the computed "
        "distribution, >= 1",
    )
    add_quantity_option(
        p,
        "--heatmap-molality",
        kind="molality",
        default=None,
        strict_minimum=True,
        minimum=0.0,
        help="molality of the cluster-distribution heat map (default: 90%% of the gel molality)",
    )
    add_output_options(p, ".", figures=True)
    p.set_defaults(func=run)


def run(args) -> int:
    from ionscales.presets import AGGREGATION_PARAMETERS
    from ionscales.theory.aggregation import AggregationModel, SolvatedAggregation

    if args.preset not in AGGREGATION_PARAMETERS:
        raise ParameterError(
            "--preset",
            f"no aggregation parameters for {args.preset!r}; available: "
            f"{', '.join(AGGREGATION_PARAMETERS)}",
        )
    overrides = {}
    if args.association is not None:
        overrides["association"] = float(args.association)
    model = AggregationModel.from_preset(args.preset, **overrides)
    if "molality" not in model.state_variables:
        raise ParameterError("--preset", "this preset's model has no molality state")
    molality = np.atleast_1d(args.molality)
    if args.max_size < 1:
        raise ParameterError("--max-size", "must be >= 1", args.max_size)
    need = 6 * 8.0 * (args.max_size + 1) ** 2 * molality.size
    if need > MEMORY_LIMIT:
        largest = int((MEMORY_LIMIT / (48.0 * molality.size)) ** 0.5) - 1
        raise ParameterError(
            "--max-size",
            f"needs about {need / 1e9:.3g} GB for {molality.size} molalities; "
            f"at most {largest} here (or fewer molalities)",
            args.max_size,
        )
    outputs = Outputs(
        args.out, {"data": ("aggregation.nc", ".nc"), "figure": ("aggregation.png", ".png")}
    )
    # the package's warnings (e.g. molarities extrapolated beyond the density data) are kept in
    # the file's attrs and passed on (the CLI prints each as a one-line note)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = model.solve(molality=molality, max_size=args.max_size)
        try:
            gel = model.gel_point("molality")
        except ParameterError:
            gel = float("nan")
    notes = list(dict.fromkeys((w.category, str(w.message)) for w in caught))
    for category, message in notes:
        warnings.warn(message, category, stacklevel=2)
    ds.attrs["gel_molality"] = gel
    ds.attrs["warnings"] = "; ".join(
        f"{c.__name__}: {m}" for c, m in notes if "ionscales" in c.__module__
    )
    ds.attrs.update(attribute_units(ds.attrs))
    if args.heatmap_molality is not None:
        m_map = float(args.heatmap_molality)
    else:
        m_map = 0.9 * gel if np.isfinite(gel) else float(molality[len(molality) // 2])
    outputs.add_dataset("data", ds)
    if args.plot:
        outputs.add_figure(
            "figure", aggregation_figure(model, ds, gel, m_map, args.max_size, args.preset)
        )
    written = outputs.commit()
    name = (
        type(model).__name__
        if not isinstance(model, SolvatedAggregation)
        else "SolvatedAggregation"
    )
    print(
        f"{args.preset}: {name} f+ = {model.f_cation}, f- = {model.f_anion}, "
        f"association = {model.association:g}"
    )
    print(
        f"{'molality':>9} {'p+-':>8} {'p-+':>8} {'free+':>8} {'free-':>8} {'pair':>8} {'S_w':>8} {'gel+':>8}"
    )
    for i in range(ds.sizes["molality"]):
        row = ds.isel(molality=i)
        print(
            f"{float(row.molality):9.3f} {float(row.p_cation):8.4f} {float(row.p_anion):8.4f} "
            f"{float(row.free_cation_fraction):8.4f} {float(row.free_anion_fraction):8.4f} "
            f"{float(row.ion_pair_fraction):8.4f} {float(row.weight_average_size):8.3g} "
            f"{float(row.gel_fraction_cation):8.4f}"
        )
    print(
        f"gel molality: {gel:.4g} mol/kg"
        if np.isfinite(gel)
        else "gel molality: none (no gel point)"
    )
    print(f"wrote {', '.join(map(str, written))}")
    return 0


def aggregation_figure(model, ds, gel, m_map, max_size, preset: str):
    """Populations versus molality with the gel point, and the cluster distribution at one
    molality (legend outside the data so the gel-point line stays visible)."""
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    m = ds.molality.values
    series = [
        (ds.free_cation_fraction, "cations with no anion bonded"),
        (ds.free_anion_fraction, "anions with no cation bonded"),
        (ds.ion_pair_fraction, "cations in contact ion pairs (1, 1)"),
        (ds.gel_fraction_cation, "cations in the gel"),
        (ds.gel_fraction_anion, "anions in the gel"),
    ]
    for k, (values, label) in enumerate(series):
        ax1.plot(m, values, color=OKABE_ITO[k], ls=LINE_STYLES[k], lw=1.8, label=label)
    if np.isfinite(gel):
        ax1.axvline(gel, color="k", ls=":", lw=1.5, label=f"gel point {gel:.3g} mol/kg")
    ax1.set_xlabel(r"salt molality $b$ [mol/kg]")
    ax1.set_ylabel("fraction [1]")
    ax1.set_ylim(0, 1)
    ax1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    ax1.set_title(
        f"{preset}: f$_+$ = {model.f_cation}, f$_-$ = {model.f_anion}, "
        f"association constant {model.association:.3g}",
        fontsize=9,
    )
    one = model.solve(molality=m_map, max_size=max_size)
    frac = (one.cluster_concentration * one.n_cation) / one.cation_concentration
    show = np.log10(np.where(frac.values > 0, frac.values, np.nan))
    im = ax2.imshow(show.T, origin="lower", aspect="auto", cmap="cividis", vmin=-6, vmax=0)
    fig.colorbar(im, ax=ax2, label=r"$\log_{10}$ fraction of cations in $(l, m)$ clusters")
    ax2.set_xlabel(r"cations in the cluster $l$")
    ax2.set_ylabel(r"anions in the cluster $m$")
    ax2.set_title(f"sol cluster distribution at {m_map:.3g} mol/kg", fontsize=9)
    fig.tight_layout()
    return fig
