"""From an MD trajectory to the aggregation theory and back to transport
======================================================================

We generate a Brownian-dynamics "MD" trajectory of a 1:1 salt in a heavy neutral solvent:
free cations (D+), free anions (D-) and contact ion pairs that move as one neutral body
(D_pair). Then we run the analysis chain a user runs on a real trajectory:

1. ``analysis.cluster_counts`` reads the cation–anion contact graph frame by frame;
2. ``fitting.fit_aggregation`` fits the association constant of the Flory–Stockmayer model
   ``theory.aggregation.Aggregation`` (f+ = f- = 1: free ions and pairs) to those counts;
3. the fitted model's effective carriers (free ions and pairs, with the trajectory's
   diffusivities) give the ideal-cluster conductivity and t+ of ``theory.transport``;
4. ``analysis.onsager`` measures the same quantities from the trajectory (Einstein–Helfand
   conductivity, Onsager t+, with block standard errors) for comparison.

Neutral pairs carry no current, so the cluster picture must reproduce the MD conductivity
while the Nernst–Einstein estimate from self-diffusion overshoots it. Run
``python examples/md_to_theory.py [--fast] [--out DIR]``; it writes ``md_to_theory.png``
and asserts the physics on the way.
"""

import argparse
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ionscales import analysis  # noqa: E402
from ionscales.analysis.transport import onsager  # noqa: E402
from ionscales.constants import avogadro  # noqa: E402
from ionscales.fitting import fit_aggregation  # noqa: E402
from ionscales.theory.aggregation import Aggregation  # noqa: E402
from ionscales.theory.transport import cluster_conductivity, transference_number  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--fast", action="store_true", help="short trajectory (CI)")
parser.add_argument("--out", default=".", help="output directory")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)

# 1. A Brownian-dynamics trajectory with prescribed diffusivities --------------------------
T, DT, BOX = 300.0, 1e-12, 4e-9  # K, s per frame, m
D_CAT, D_AN, D_PAIR = 2e-9, 1e-9, 0.6e-9  # m^2/s
N_FREE, N_PAIR, N_SOLV = 10, 20, 60
frames = 4000 if args.fast else 20000
rng = np.random.default_rng(2019)
d_unit = np.r_[
    np.full(N_FREE, D_CAT), np.full(N_FREE, D_AN), np.full(N_PAIR, D_PAIR), np.full(N_SOLV, 2e-9)
]
walk = np.cumsum(
    rng.normal(size=(frames, d_unit.size, 3)) * np.sqrt(2 * d_unit * DT)[:, None], axis=0
)
units = rng.uniform(0, BOX, (d_unit.size, 3)) + walk
cat = np.r_[0:N_FREE, 2 * N_FREE : 2 * N_FREE + N_PAIR]
an = np.r_[N_FREE : 2 * N_FREE, 2 * N_FREE : 2 * N_FREE + N_PAIR]
offset = np.array([2.6e-10, 0.0, 0.0])  # the pair's contact distance
solv = np.arange(2 * N_FREE + N_PAIR, d_unit.size)
positions = np.concatenate(
    [
        units[:, cat],
        units[:, an] + np.r_[np.zeros((N_FREE, 3)), np.tile(offset, (N_PAIR, 1))],
        units[:, solv],
    ],
    axis=1,
)
n_ion = N_FREE + N_PAIR
species = ["cation"] * n_ion + ["anion"] * n_ion + ["solvent"] * N_SOLV
charges = [1.0] * n_ion + [-1.0] * n_ion + [0.0] * N_SOLV
# a heavy solvent: the barycentric frame of the Onsager analysis is then the solvent frame of
# the theory (t+ refers to the solvent velocity)
masses = np.r_[np.full(2 * n_ion, 1.2e-26), np.full(N_SOLV, 1.5e-24)]
traj = analysis.load_arrays(
    positions,
    box=[BOX] * 3,
    species=species,
    charges=charges,
    times=np.arange(frames) * DT,
    masses=masses,
    unwrapped=True,
    temperature=T,
)
print(traj)

# 2. Cluster counts -> aggregation fit -----------------------------------------------------
CONTACT = 3.2e-10  # m: cation-anion contact radius (pairs sit at 2.6 A)
counts = analysis.cluster_counts(traj, cutoff=CONTACT, frames=slice(None, None, 20))
c_salt = float(counts.concentration)
start = Aggregation(f_cation=1, f_anion=1, association=1.0, site_volume=1e-28, temperature=T)
fit = fit_aggregation(counts, start, vary=["association"])
association = fit.best_values["association"]
model = Aggregation(
    f_cation=1, f_anion=1, association=association, site_volume=1e-28, temperature=T
)
pair_fraction = float(model.solve(concentration=c_salt).ion_pair_fraction)
print(
    f"salt {c_salt:.1f} mol/m^3; fitted association {association:.4g}; pairs per cation "
    f"{pair_fraction:.3f} (built with {N_PAIR / n_ion:.3f}; random free-ion contacts add a few %)"
)
# the contact graph finds the planted pairs: the fitted pairing is the built one plus the
# random contacts between free ions (a few per cent at this density)
assert N_PAIR / n_ion <= pair_fraction < N_PAIR / n_ion + 0.1


# 3. Theory: ideal mixture of carriers (free ions and pairs) with the trajectory's D ---------
def carrier_d(n_cation, n_anion, diameter, temperature):
    l, m = np.asarray(n_cation), np.asarray(n_anion)
    return np.where((l == 1) & (m == 0), D_CAT, np.where((l == 0) & (m == 1), D_AN, D_PAIR))


carriers = model.effective_carriers(concentration=c_salt, max_size=2, diffusivity=carrier_d)
sigma_theory = cluster_conductivity(carriers, temperature=T)
t_theory = transference_number(carriers)
# cross-check with the construction: e^2 N_f (D+ + D-)/(V kT) for the planted free ions
sigma_built = N_FREE * (D_CAT + D_AN) * (1.602176634e-19**2) / (BOX**3 * 1.380649e-23 * T)
print(
    f"theory: sigma = {sigma_theory:.3f} S/m (planted free ions: {sigma_built:.3f}), t+ = {t_theory:.3f}"
)
assert abs(c_salt - n_ion / (avogadro * BOX**3)) < 1e-9 * c_salt

# 4. MD Onsager analysis of the same trajectory ---------------------------------------------
with warnings.catch_warnings():
    warnings.simplefilter("error")
    md = onsager(traj, clusters="contact", cutoff=CONTACT)
sig, sig_err = float(md.conductivity), float(md.conductivity_stderr)
t_md, t_err = float(md.transference_number), float(md.transference_number_stderr)
sig_ne, sig_cl = float(md.conductivity_nernst_einstein), float(md.conductivity_cluster)
print(
    f"MD: sigma = {sig:.3f} +- {sig_err:.3f} S/m, sigma_NE = {sig_ne:.3f}, sigma_cluster = {sig_cl:.3f}, "
    f"t+ = {t_md:.3f} +- {t_err:.3f} (window {md.attrs['window_start']:.2g}..{md.attrs['window_end']:.2g} s)"
)
# theory and MD agree within 3 standard errors plus the few-per-cent contact impurity
assert abs(sigma_theory - sig) < 3 * sig_err + 0.08 * sigma_theory
assert abs(t_theory - t_md) < 3 * t_err + 0.03
# neutral pairs: Nernst-Einstein from self-diffusion overestimates the conductivity
assert sig_ne > sig + 3 * sig_err

# 5. Figure ----------------------------------------------------------------------------------
fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 4.2))
cc = counts.cluster_count
observed = np.array(
    [
        float(cc.sel(n_cation=1, n_anion=0)),
        float(cc.sel(n_cation=0, n_anion=1)),
        float(cc.sel(n_cation=1, n_anion=1)),
    ]
)
observed /= observed.sum()
pred = model.solve(concentration=c_salt).cluster_concentration
predicted = np.array(
    [
        float(pred.sel(n_cation=1, n_anion=0)),
        float(pred.sel(n_cation=0, n_anion=1)),
        float(pred.sel(n_cation=1, n_anion=1)),
    ]
)
predicted /= predicted.sum()
x = np.arange(3)
ax1.bar(x - 0.2, observed, 0.4, label="MD contact graph")
ax1.bar(x + 0.2, predicted, 0.4, label=f"fitted model (association {association:.3g})")
ax1.set_xticks(x, ["free cation", "free anion", "ion pair"])
ax1.set_ylabel("fraction of clusters")
ax1.legend(fontsize=8)
labels = ["MD Einstein-\nHelfand", "MD Nernst-\nEinstein", "MD clusters\n(FLG)", "theory\n(fitted)"]
values = [sig, sig_ne, sig_cl, sigma_theory]
errors = [
    sig_err,
    float(md.conductivity_nernst_einstein_stderr),
    float(md.conductivity_cluster_stderr),
    0,
]
ax2.bar(labels, values, yerr=errors, color=["C0", "C7", "C2", "C3"], capsize=4)
ax2.set_ylabel("conductivity [S/m]")
ax3.bar(
    ["MD Onsager", "MD apparent\n(self-diffusion)", "theory\n(fitted)"],
    [t_md, float(md.transference_number_apparent), t_theory],
    yerr=[t_err, float(md.transference_number_apparent_stderr), 0],
    color=["C0", "C7", "C3"],
    capsize=4,
)
ax3.set_ylabel("cation transference number t+")
fig.suptitle(
    "trajectory -> cluster counts -> fitted aggregation -> transport, beside MD Onsager",
    fontsize=10,
)
fig.tight_layout()
fig.savefig(out / "md_to_theory.png", dpi=110)
print(f"wrote {out / 'md_to_theory.png'}")
