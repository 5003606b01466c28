"""Real data: 49 LiPF6 in butyronitrile/FEC (the solvation-analysis test trajectory).

solvation-analysis (O. A. Cohen et al., J. Open Source Softw. 2023, doi:10.21105/joss.05183) is an
independent implementation of the same shell criterion (partner molecule in the shell when
any of its atoms is within the radius of the Li atom). Run on the same frames with the
same radii, the coordination numbers, pairing fractions, free-solvent fractions, shell
compositions and network sizes must agree to round-off: both count the same contacts from
MDAnalysis's capped_distance.
"""

import warnings

import numpy as np
import pytest

from ionscales import analysis

mda = pytest.importorskip("MDAnalysis")
sa = pytest.importorskip("solvation_analysis")
from solvation_analysis.solute import Solute  # noqa: E402
from solvation_analysis.tests import datafiles  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
# the radii of solvation-analysis's own test fixture [Angstrom]
RADII = {"pf6": 2.8, "bn": 2.61468, "fec": 2.43158}
OURS = {"pf6": "anion", "bn": "BN", "fec": "FEC"}
CUTOFFS = {OURS[k]: v * 1e-10 for k, v in RADII.items()}


@pytest.fixture(scope="module")
def universe():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mda.Universe(datafiles.bn_fec_data, datafiles.bn_fec_dcd_wrap)


@pytest.fixture(scope="module")
def reference(universe):
    u = universe
    solute = Solute.from_atoms(
        u.select_atoms("type 22"),
        {
            "pf6": u.select_atoms("byres type 20"),
            "bn": u.select_atoms("byres type 5"),
            "fec": u.select_atoms("byres type 19"),
        },
        radii=RADII,
        rdf_init_kwargs={"range": (0, 8.0)},
        analysis_classes=["pairing", "coordination", "speciation", "networking"],
        networking_solvents="pf6",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solute.run()
    return solute


@pytest.fixture(scope="module")
def traj(universe):
    return analysis.load(
        universe,
        cation="type 22",
        anion="byres type 20",
        solvents={"BN": "byres type 5", "FEC": "byres type 19"},
    )


def test_coordination_pairing_free_solvent_agree(reference, traj):
    c = analysis.coordination(traj, cutoffs=CUTOFFS)
    for key, ours in OURS.items():
        sel = c.sel(partner=ours)
        np.testing.assert_allclose(
            float(sel["coordination_number"]),
            reference.coordination.coordination_numbers[key],
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            float(sel["pairing_fraction"]), reference.pairing.solvent_pairing[key], rtol=1e-12
        )
        np.testing.assert_allclose(
            float(sel["uncoordinated_fraction"]),
            reference.pairing.fraction_free_solvents[key],
            rtol=1e-12,
        )
    # per-frame coordination numbers too (solvation-analysis stores each frame's share of the
    # mean, CN_frame / n_frames)
    by_frame = reference.coordination.coordination_numbers_by_frame
    for key, ours in OURS.items():
        np.testing.assert_allclose(
            c["frame_coordination_number"].sel(partner=ours).values,
            by_frame.loc[key].values * traj.n_frames,
            rtol=1e-12,
        )


def test_shell_compositions_agree(reference, traj):
    c = analysis.coordination(traj, cutoffs=CUTOFFS)
    ref = reference.speciation.speciation_fraction
    comp = c["shell_composition"].values
    order = [c.partner.values.tolist().index(OURS[k]) for k in ("pf6", "bn", "fec")]
    ours = {
        tuple(int(x) for x in comp[i, order]): float(f)
        for i, f in enumerate(c["shell_fraction"].values)
    }
    for _, row in ref.iterrows():
        key = (int(row["pf6"]), int(row["bn"]), int(row["fec"]))
        np.testing.assert_allclose(ours.pop(key), row["fraction"], rtol=1e-12)
    # solvation-analysis leaves out empty shells; every remaining motif of ours must be empty
    assert all(k == (0, 0, 0) for k in ours)


def test_network_sizes_agree(reference, traj):
    """Networks of solvation-analysis = our clusters with two or more ions."""
    sc = analysis.structure.shell_contacts(traj, cutoffs=CUTOFFS)
    fp, cat, an = sc.select("anion")
    cl = analysis.contact_clusters(fp, cat, an, 49, 49, traj.n_frames)
    size = cl.n_cation + cl.n_anion
    ref = reference.networking.network_sizes
    for frame in range(traj.n_frames):
        sizes = size[(cl.frame == frame) & (size >= 2)]
        got = {int(s): int(n) for s, n in zip(*np.unique(sizes, return_counts=True))}
        want = {int(s): int(n) for s, n in ref.loc[frame].items() if n > 0}
        assert got == want, frame
    # and through the public counter (no network wraps the box here)
    cc = analysis.cluster_counts(traj, cutoff=CUTOFFS["anion"])
    assert int(cc["percolating_cluster_count"].sum()) == 0
    counts = cc["cluster_count"]
    n_size = {}
    for l in counts.n_cation.values:
        for m in counts.n_anion.values:
            if l + m >= 2 and counts.sel(n_cation=l, n_anion=m) > 0:
                n_size[int(l + m)] = n_size.get(int(l + m), 0) + int(
                    counts.sel(n_cation=l, n_anion=m)
                )
    assert n_size == {int(s): int(ref[s].sum()) for s in ref.columns if ref[s].sum() > 0}


def test_speciation_matches_pairing(reference, traj):
    s = analysis.speciation(traj, cutoff=CUTOFFS["anion"])
    # cations with >= 1 PF6 in the shell: solvation-analysis's pairing fraction
    cip_agg = float(s["cation_speciation_fraction"].sel(speciation=["CIP", "AGG"]).sum())
    np.testing.assert_allclose(cip_agg, reference.pairing.solvent_pairing["pf6"], rtol=1e-12)
    # PF6 not in any Li shell: its free fraction
    np.testing.assert_allclose(
        float(s["anion_speciation_fraction"].sel(speciation="SSIP")),
        reference.pairing.fraction_free_solvents["pf6"],
        rtol=1e-12,
    )


def test_rdf_matches_mdanalysis_interrdf(universe, traj):
    from MDAnalysis.analysis.rdf import InterRDF

    ref = InterRDF(
        universe.select_atoms("type 22"),
        universe.select_atoms("byres type 5"),
        range=(0, 8.0),
        nbins=80,
    )
    ref.run()
    g = analysis.rdf(traj, "cation", "BN", r_max=8e-10, bins=80)
    np.testing.assert_allclose(g["r"].values, ref.results.bins * 1e-10, rtol=1e-12)
    np.testing.assert_allclose(g["g"].values, ref.results.rdf, rtol=1e-9, atol=1e-12)


def test_automatic_shell_radius_close_to_solvation_analysis_rule(universe, traj):
    """Our first-minimum rule vs solvation-analysis's identify_cutoff_scipy on Li-BN (the
    well-sampled partner, 4.3 per Li): within one 0.1 A bin. PF6 (0.14 per Li) and FEC
    (0.25 per Li) are too sparsely sampled in 10 frames for the two rules to coincide."""
    from MDAnalysis.analysis.rdf import InterRDF
    from solvation_analysis.rdf_parser import identify_cutoff_scipy

    ref = InterRDF(
        universe.select_atoms("type 22"), universe.select_atoms("byres type 5"), range=(0, 8.0)
    )
    ref.run()
    theirs = identify_cutoff_scipy(ref.results.bins, ref.results.rdf, failure_behavior="exception")
    c = analysis.coordination(traj, cutoffs={"anion": CUTOFFS["anion"], "FEC": CUTOFFS["FEC"]})
    ours = float(c["shell_radius"].sel(partner="BN")) * 1e10
    assert abs(ours - theirs) <= 0.1 + 1e-9


def test_unwrapped_and_wrapped_files_give_the_same_shells():
    kw = dict(
        cation="type 22",
        anion="byres type 20",
        solvents={"BN": "byres type 5", "FEC": "byres type 19"},
    )
    a = analysis.coordination(
        analysis.load(datafiles.bn_fec_data, datafiles.bn_fec_dcd_unwrap, **kw), cutoffs=CUTOFFS
    )
    b = analysis.coordination(
        analysis.load(datafiles.bn_fec_data, datafiles.bn_fec_dcd_wrap, **kw), cutoffs=CUTOFFS
    )
    np.testing.assert_allclose(
        a["coordination_number"].values, b["coordination_number"].values, rtol=1e-12
    )
    # clusters and their (absent) winding do not depend on how the coordinates were stored
    ca = analysis.cluster_counts(
        analysis.load(datafiles.bn_fec_data, datafiles.bn_fec_dcd_unwrap, **kw),
        cutoff=CUTOFFS["anion"],
    )
    cb = analysis.cluster_counts(
        analysis.load(datafiles.bn_fec_data, datafiles.bn_fec_dcd_wrap, **kw),
        cutoff=CUTOFFS["anion"],
    )
    np.testing.assert_array_equal(ca["cluster_count"].values, cb["cluster_count"].values)
    assert int(ca["wrapping_dimension"].max()) == 0 and int(cb["wrapping_dimension"].max()) == 0


def test_per_atom_coordination(universe, traj):
    """Coordinating atoms counted per cation, checked against a brute-force distance matrix."""
    from MDAnalysis.lib.distances import distance_array

    c = analysis.coordination(traj, cutoffs=CUTOFFS, frames=[0, 7], per_atom=True)
    li = universe.select_atoms("type 22")
    for key, sel in (("BN", "byres type 5"), ("FEC", "byres type 19"), ("anion", "byres type 20")):
        other = universe.select_atoms(sel)
        n_atoms, n_mol = 0, 0
        for f in (0, 7):
            universe.trajectory[f]
            d = (
                distance_array(li.positions, other.positions, box=universe.dimensions)
                <= CUTOFFS[key] * 1e10
            )
            n_atoms += d.sum()
            n_mol += sum(len(np.unique(other.resindices[row])) for row in d)
        np.testing.assert_allclose(
            float(c["coordination_number_atoms"].sel(partner=key)), n_atoms / 98
        )
        np.testing.assert_allclose(float(c["coordination_number"].sel(partner=key)), n_mol / 98)


def test_cluster_counts_go_into_fit_aggregation_unchanged(traj):
    from ionscales import fitting
    from ionscales.theory.aggregation import Aggregation

    counts = analysis.cluster_counts(traj, cutoff=CUTOFFS["anion"])
    # the state is read from the counts' concentration coordinate (49 LiPF6 in (44 A)^3)
    assert float(counts["concentration"]) == pytest.approx(
        49 / 6.02214076e23 / (44.05895e-10) ** 3, rel=1e-6
    )
    fit = fitting.fit_aggregation(
        counts, Aggregation(3, 3, 1.0, site_volume=1e-28), vary=["association"]
    )
    assert fit.success and 0 < fit.best_values["association"] < np.inf
    assert np.isfinite(fit.stderr["association"])


def test_coordinating_atom_types_agree(reference, traj):
    """The closest atom of each coordinated molecule, by type (solvation-analysis's
    coordinating_atoms, which drops types below 0.5 %)."""
    c = analysis.coordination(traj, cutoffs=CUTOFFS, per_atom=True)
    ref = reference.coordination.coordinating_atoms
    frac = c["coordinating_atom_fraction"]
    for (solvent, atom_type), row in ref.iterrows():
        got = float(frac.sel(partner=OURS[solvent], atom_type=str(atom_type)))
        np.testing.assert_allclose(got, row["fraction"], rtol=1e-12)
    np.testing.assert_allclose(frac.sum("atom_type").values, 1.0)
