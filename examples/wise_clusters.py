"""Clusters and gel in water-in-salt LiTFSI
========================================

Ion clusters and the ionic gel in the LiTFSI water-in-salt electrolyte.

The sticky-cation theory of McEldrew et al. (J. Electrochem. Soc. 168, 050514 (2021)),
with the reference parameters f+ = 4 (Li), f- = 3 (TFSI), xi = (0.4, 10.8) water volumes
and association constant 0.2527 (the dimensionless Lambda-tilde of the paper), predicts how Li+ and TFSI- assemble into clusters as the molality
rises, where the cluster network percolates (the gel point) and how many ions end in the
gel. We then play "molecular dynamics": sample cluster counts from the model, as an MD
cluster analysis would produce them, and recover the association constant by maximum
likelihood with ``fitting.fit_aggregation``.

Run ``python examples/wise_clusters.py [--fast] [--out DIR]``; it writes
``wise_clusters.png`` and asserts the physics on the way.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from ionscales.fitting import fit_aggregation  # noqa: E402
from ionscales.theory.aggregation import SolvatedAggregation  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--fast", action="store_true", help="small grids (CI)")
parser.add_argument("--out", default=".", help="output directory")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)

# 1. Populations versus molality --------------------------------------------------------
model = SolvatedAggregation.from_preset("LiTFSI(aq)")
molality = np.linspace(0.5, 25, 25 if args.fast else 120)
ds = model.solve(molality=molality, max_size=20 if args.fast else 40)
gel = model.gel_point()
print(f"gel point: {gel:.2f} mol/kg")
# the reference parameterisation gels near 16.7 mol/kg (shared references, §9F)
assert 16.5 < gel < 17.0
# pre-gel there is no gel, post-gel the gel fraction rises monotonically
pre, post = ds.molality < gel, ds.molality > gel
assert np.all(ds.gel_fraction_cation.where(pre, 0) == 0)
assert np.all(np.diff(ds.gel_fraction_cation.where(post, drop=True)) > 0)
# the sticky model keeps every Li site busy: free (no-anion) Li = p_{+0}^{f+}
np.testing.assert_allclose(ds.free_cation_fraction, ds.p_cation_solvent**4, rtol=1e-12)

# 2. Synthetic MD-like counts and the maximum-likelihood fit -----------------------------
rng = np.random.default_rng(7)
conditions = np.array([10.0, 14.0, 21.0])
n_cations = 2000 if args.fast else 20000  # cations seen over all frames per condition
size = 10 if args.fast else 16
truth = model.solve(molality=conditions, max_size=size)
per_cation = truth.cluster_concentration / truth.cation_concentration
counts = xr.DataArray(
    rng.poisson(n_cations * per_cation.values),
    dims=("condition", "n_cation", "n_anion"),
    coords={"molality": ("condition", conditions)},
)
start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.5)
fit = fit_aggregation(
    counts,
    start,
    vary=["association"],
    cation_total=n_cations,
    functionalities=[(3, 3), (4, 3), (5, 3)],
)
print(fit)
best, err = fit.best_values["association"], fit.stderr["association"]
assert (fit.best_values["f_cation"], fit.best_values["f_anion"]) == (4, 3)
assert abs(best - 0.2527) < 3 * err

# 3. Figure ----------------------------------------------------------------------------
from ionscales.plots import LINE_STYLES, OKABE_ITO, add_caption  # noqa: E402

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5.6))
series = [
    (ds.free_cation_fraction, "Li$^+$ with no TFSI$^-$ bonded"),
    (ds.free_anion_fraction, "TFSI$^-$ with no Li$^+$ bonded"),
    (ds.ion_pair_fraction, "Li$^+$ in contact ion pairs (1, 1)"),
    (ds.gel_fraction_cation, "Li$^+$ in the gel"),
]
for k, (values, label) in enumerate(series):
    ax1.plot(ds.molality, values, color=OKABE_ITO[k], ls=LINE_STYLES[k], lw=1.8, label=label)
ax1.axvline(gel, color="k", ls=":", lw=1.5, label=f"gel point {gel:.1f} mol/kg")
ax1.set_xlabel(r"LiTFSI molality $b$ [mol/kg]")
ax1.set_ylabel("fraction [1]")
ax1.set_title(r"LiTFSI(aq), 298 K: $f_+ = 4$, $f_- = 3$, $\tilde\Lambda$ = 0.2527", fontsize=10)
# legend below the axes: nothing covers the gel-point line or the curves
ax1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
observed = counts.sum(("n_anion",)) / n_cations
best_model = SolvatedAggregation.from_preset("LiTFSI(aq)", association=best)
fit_ds = best_model.solve(molality=conditions, max_size=size)
fitted = (fit_ds.cluster_concentration / fit_ds.cation_concentration).sum("n_anion").values
for k, m in enumerate(conditions):
    ax2.semilogy(
        np.arange(size + 1),
        observed[k],
        "o",
        color=OKABE_ITO[k],
        label=f"{m:g} mol/kg: synthetic counts",
    )
    ax2.semilogy(
        np.arange(size + 1),
        fitted[k],
        ls=LINE_STYLES[k],
        color=OKABE_ITO[k],
        label=f"{m:g} mol/kg: fit",
    )
ax2.set_xlabel(r"Li$^+$ per cluster $l$")
ax2.set_ylabel(r"clusters per Li$^+$, summed over TFSI$^-$ count $m$ [1]")
ax2.set_title(
    rf"maximum-likelihood fit: $\tilde\Lambda$ = {best:.3f} $\pm$ {err:.3f} (true 0.2527)",
    fontsize=10,
)
ax2.legend(fontsize=7, ncol=2)
fig.tight_layout()
add_caption(
    fig,
    "Look at: the gel fraction rises from zero at the gel point (dotted line); "
    "right, the cluster counts sampled from the model are recovered by the fit at every molality.",
)
fig.subplots_adjust(bottom=0.3)  # room for the legend under the left panel and the caption
fig.savefig(out / "wise_clusters.png", dpi=110)
print(f"wrote {out / 'wise_clusters.png'}")
