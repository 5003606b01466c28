"""``ionscales aggregate``: ion aggregation and gelation over a molality range (Job 2).

Computes association probabilities, free-ion and ion-pair fractions, mean cluster sizes,
the gel point and the post-gel sol/gel partition; writes ``aggregation.nc`` and
``aggregation.png`` (populations versus molality with the gel point marked, and the
cluster-size distribution at one molality) and prints the gel molality.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from ionscales.cli._common import parse_quantity, parse_range
from ionscales.errors import ParameterError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "aggregate",
        help="ion clusters, free ions and the gel point versus molality (Flory–Stockmayer theory)",
        description=__doc__,
    )
    p.add_argument("--preset", default="LiTFSI(aq)", help="electrolyte preset with aggregation parameters "
                   "(default LiTFSI(aq))")
    p.add_argument("--molality", default="1:25:49", help="start:stop[:points] in mol/kg (default 1:25:49)")
    p.add_argument("--association", default=None, help="override the association constant (dimensionless)")
    p.add_argument("--max-size", type=int, default=40, help="largest l and m of the cluster distribution")
    p.add_argument("--heatmap-molality", default=None,
                   help="molality of the cluster-distribution heat map (default: 90%% of the gel molality)")
    p.add_argument("--out", default=".", help="output directory (default: current)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ionscales.presets import AGGREGATION_PARAMETERS
    from ionscales.theory.aggregation import AggregationModel, SolvatedAggregation

    if args.preset not in AGGREGATION_PARAMETERS:
        raise ParameterError("--preset", f"no aggregation parameters for {args.preset!r}; available: "
                             f"{', '.join(AGGREGATION_PARAMETERS)}")
    overrides = {}
    if args.association is not None:
        overrides["association"] = parse_quantity("--association", args.association)
    model = AggregationModel.from_preset(args.preset, **overrides)
    if "molality" not in model.state_variables:
        raise ParameterError("--preset", "this preset's model has no molality state")
    molality = parse_range("--molality", args.molality, default_unit="mol/kg")
    if np.any(molality <= 0):
        raise ParameterError("--molality", "must be > 0 mol/kg", args.molality)
    if args.max_size < 1:
        raise ParameterError("--max-size", "must be >= 1", args.max_size)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # the package's warnings (e.g. molarities extrapolated beyond the density data) are
    # reported once on stderr and kept in the file's attrs, not raised
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = model.solve(molality=molality, max_size=args.max_size)
        try:
            gel = model.gel_point("molality")
        except ParameterError:
            gel = float("nan")
    notes = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught
                               if "ionscales" in str(w.category.__module__)))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    ds.attrs["gel_molality"] = gel
    ds.attrs["warnings"] = "; ".join(notes)
    if args.heatmap_molality is not None:
        m_map = parse_quantity("--heatmap-molality", args.heatmap_molality, default_unit="mol/kg")
    else:
        m_map = 0.9 * gel if np.isfinite(gel) else float(molality[len(molality) // 2])
    from ionscales import results

    results.to_netcdf(ds, out / "aggregation.nc")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _plot(model, ds, gel, m_map, args.max_size, out / "aggregation.png")
    for note in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught
                              if "ionscales" in str(w.category.__module__)):
        if note not in notes:
            print(f"note: {note}", file=sys.stderr)
    name = type(model).__name__ if not isinstance(model, SolvatedAggregation) else "SolvatedAggregation"
    print(f"{args.preset}: {name} f+ = {model.f_cation}, f- = {model.f_anion}, "
          f"association = {model.association:g}")
    print(f"{'molality':>9} {'p+-':>8} {'p-+':>8} {'free+':>8} {'free-':>8} {'pair':>8} {'S_w':>8} {'gel+':>8}")
    for i in range(ds.sizes["molality"]):
        row = ds.isel(molality=i)
        print(f"{float(row.molality):9.3f} {float(row.p_cation):8.4f} {float(row.p_anion):8.4f} "
              f"{float(row.free_cation_fraction):8.4f} {float(row.free_anion_fraction):8.4f} "
              f"{float(row.ion_pair_fraction):8.4f} {float(row.weight_average_size):8.3g} "
              f"{float(row.gel_fraction_cation):8.4f}")
    print(f"gel molality: {gel:.4g} mol/kg" if np.isfinite(gel) else "gel molality: none (no gel point)")
    print(f"wrote {out / 'aggregation.nc'} and {out / 'aggregation.png'}")
    return 0


def _plot(model, ds, gel, m_map, max_size, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    m = ds.molality.values
    ax1.plot(m, ds.free_cation_fraction, label="cations with no anion")
    ax1.plot(m, ds.free_anion_fraction, label="free anions")
    ax1.plot(m, ds.ion_pair_fraction, label="cations in ion pairs (1,1)")
    ax1.plot(m, ds.gel_fraction_cation, label="cations in the gel")
    ax1.plot(m, ds.gel_fraction_anion, "--", label="anions in the gel")
    if np.isfinite(gel):
        ax1.axvline(gel, color="k", ls=":", label=f"gel point {gel:.3g} mol/kg")
    ax1.set_xlabel("molality [mol/kg]")
    ax1.set_ylabel("fraction")
    ax1.set_ylim(0, 1)
    ax1.legend(fontsize=8)
    one = model.solve(molality=m_map, max_size=max_size)
    frac = (one.cluster_concentration * one.n_cation) / one.cation_concentration
    show = np.log10(np.where(frac.values > 0, frac.values, np.nan))
    im = ax2.imshow(show.T, origin="lower", aspect="auto", cmap="viridis", vmin=-6, vmax=0)
    fig.colorbar(im, ax=ax2, label="log10 fraction of cations in (l, m) clusters")
    ax2.set_xlabel("cations l")
    ax2.set_ylabel("anions m")
    ax2.set_title(f"cluster distribution at {m_map:.3g} mol/kg")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
