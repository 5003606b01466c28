"""Structural observables on known answers: ideal gas, planted clusters, triclinic boxes."""

import math

import numpy as np
import pytest

from ionscales import ParameterError, analysis
from ionscales.analysis.trajectory import triclinic_vectors

pytest.importorskip("MDAnalysis")
NM = 1e-9


def _ideal_gas(rng, n_each=400, n_frames=4, box=(4.0, 4.0, 4.0, 90.0, 90.0, 90.0)):
    """Uncorrelated ions, uniform in the (possibly triclinic) cell, independent frames."""
    box = np.asarray(box, float)
    box_m = box.copy()
    box_m[:3] *= NM
    frac = rng.uniform(0, 1, (n_frames, 2 * n_each, 3))
    pos = frac @ triclinic_vectors(box_m)
    species = ["cation"] * n_each + ["anion"] * n_each
    charges = [1.0] * n_each + [-1.0] * n_each
    return analysis.load_arrays(
        pos, box=box_m, species=species, charges=charges, times=np.arange(n_frames) * 1e-12
    )


@pytest.mark.parametrize(
    "box", [(4.0, 4.0, 4.0, 90, 90, 90), (4.4, 4.6, 4.2, 75, 80, 65)], ids=["cubic", "triclinic"]
)
def test_ideal_gas_rdf_and_running_cn(rng, box):
    tr = _ideal_gas(rng, box=box)
    g = analysis.rdf(tr, "cation", "anion", r_max=1.2 * NM, bins=24)
    rho = 400 / tr.volumes[0]
    r_hi = np.linspace(0, 1.2 * NM, 25)[1:]
    shell = 4 / 3 * np.pi * (r_hi**3 - np.r_[0, r_hi[:-1]] ** 3)
    expected_pairs = 400 * 4 * rho * shell  # per bin, summed over frames
    # g = 1 within Poisson noise of the pair count in each bin (5 sigma per bin) ...
    sigma = 1 / np.sqrt(expected_pairs)
    assert np.all(np.abs(g["g"].values - 1) < 5 * sigma)
    # ... and on average within 3 sigma of the mean over bins
    assert abs(np.average(g["g"].values - 1, weights=expected_pairs)) < 3 / np.sqrt(
        expected_pairs.sum()
    )
    # running CN = rho 4/3 pi r^3 (relative Poisson error of the cumulative count)
    cn_ideal = rho * 4 / 3 * np.pi * r_hi**3
    rel = 1 / np.sqrt(cn_ideal * 400 * 4)
    np.testing.assert_array_less(np.abs(g["coordination_number"].values / cn_ideal - 1), 5 * rel)


@pytest.mark.parametrize(
    "box", [(4.0, 4.0, 4.0, 90, 90, 90), (4.4, 4.6, 4.2, 75, 80, 65)], ids=["cubic", "triclinic"]
)
def test_ideal_gas_coordination_pairing_speciation_are_poisson(rng, box):
    tr = _ideal_gas(rng, n_each=500, n_frames=4, box=box)
    rc = 0.45 * NM
    lam = 500 / tr.volumes[0] * 4 / 3 * np.pi * rc**3  # mean counter-ions in a shell
    c = analysis.coordination(tr, cutoffs=rc)
    n_samples = 500 * 4
    cn = float(c["coordination_number"].sel(partner="anion"))
    assert abs(cn - lam) < 4 * math.sqrt(lam / n_samples)
    # Poisson occupancy: P(empty) = exp(-lambda)
    p0 = math.exp(-lam)
    tol = 4 * math.sqrt(p0 * (1 - p0) / n_samples)
    assert abs(float(c["pairing_fraction"].sel(partner="anion")) - (1 - p0)) < tol
    assert abs(float(c["free_fraction"]) - p0) < tol
    assert abs(float(c["uncoordinated_fraction"].sel(partner="anion")) - p0) < tol
    s = analysis.speciation(tr, cutoff=rc)
    expected = np.array([p0, lam * p0, 1 - p0 - lam * p0])
    for name in ("anion_speciation_fraction", "cation_speciation_fraction"):
        got = s[name].values
        np.testing.assert_allclose(got.sum(), 1.0)
        assert np.all(np.abs(got - expected) < 4 * np.sqrt(expected * (1 - expected) / n_samples))
    # the shell motifs are a distribution over the same cations
    np.testing.assert_allclose(c["shell_fraction"].sum(), 1.0)
    np.testing.assert_allclose(
        (c["shell_fraction"] * c["shell_composition"].sel(partner="anion")).sum(), cn
    )


def test_ideal_gas_has_no_shell_radius(rng):
    tr = _ideal_gas(rng, n_each=100, n_frames=2)
    with pytest.raises(ParameterError, match="cutoffs"):
        analysis.coordination(tr)


# --------------------------------------------------------------------------------------
# planted clusters


def _arrays(ions, box_nm, n_frames=2, angles=(90, 90, 90)):
    """ions: list of (label, fractional xyz); every frame the same."""
    box = np.array([*box_nm, *angles], float)
    box[:3] *= NM
    frac = np.array([p for _, p in ions], float)
    pos = np.broadcast_to(frac @ triclinic_vectors(box), (n_frames, len(ions), 3)).copy()
    species = [s for s, _ in ions]
    charges = [1.0 if s == "cation" else -1.0 for s in species]
    return analysis.load_arrays(
        pos, box=box, species=species, charges=charges, times=np.arange(n_frames) * 1e-12
    )


def test_planted_clusters_across_the_boundary():
    L = 4.0
    d = 0.2 / L  # 0.2 nm contacts in fractional units; cutoff 0.3 nm
    ions = [
        # a (1, 1) pair straddling x = 0
        ("cation", (0.01, 0.5, 0.5)),
        ("anion", (1 - d + 0.01, 0.5, 0.5)),
        # a (2, 1) triple straddling the y = 0 and z = 0 faces (the corner)
        ("cation", (0.25, 0.01, 0.02)),
        ("anion", (0.25, 1 - d + 0.01, 0.02)),
        ("cation", (0.25, 1 - d + 0.01, 1 - d + 0.02)),
        # a (2, 2) ring straddling x = 0 and y = 0
        ("cation", (0.02, 0.02, 0.25)),
        ("anion", (1 - d + 0.02, 0.02, 0.25)),
        ("cation", (1 - d + 0.02, 1 - d + 0.02, 0.25)),
        ("anion", (0.02, 1 - d + 0.02, 0.25)),
        # free ions
        ("cation", (0.5, 0.5, 0.25)),
        ("anion", (0.5, 0.25, 0.75)),
        ("anion", (0.75, 0.75, 0.75)),
    ]
    tr = _arrays(ions, (L, L, L), n_frames=3)
    cc = analysis.cluster_counts(tr, cutoff=0.3 * NM)
    counts = cc["cluster_count"]
    per_frame = {(1, 0): 1, (0, 1): 2, (1, 1): 1, (2, 1): 1, (2, 2): 1}
    for (l, m), n in per_frame.items():
        assert int(counts.sel(n_cation=l, n_anion=m)) == 3 * n
    assert int(counts.sum()) == 3 * sum(per_frame.values())
    assert np.all(cc["percolating_cluster_count"].values == 0)
    assert np.all(cc["wrapping_dimension"].values == 0)
    assert cc.attrs["n_cations"] == 6 and cc.attrs["n_anions"] == 6 and cc.attrs["n_frames"] == 3
    # the same contacts seen from the speciation side: 2 free anions, 1 in the pair (CIP),
    # 3 with two cations (the triple's and the ring's two)
    s = analysis.speciation(tr, cutoff=0.3 * NM)
    np.testing.assert_allclose(s["anion_speciation_fraction"].values, [2 / 6, 1 / 6, 3 / 6])
    # cations: 1 free, the pair's and the triple's two (one anion each), the ring's two (two each)
    np.testing.assert_allclose(s["cation_speciation_fraction"].values, [1 / 6, 3 / 6, 2 / 6])


def _chain(n, start, axis_vec, spacing_frac, first="cation"):
    other = {"cation": "anion", "anion": "cation"}
    out, label = [], first
    for i in range(n):
        out.append((label, tuple(np.asarray(start) + i * spacing_frac * np.asarray(axis_vec))))
        label = other[label]
    return out


def test_percolating_chain_wraps_but_a_larger_compact_cluster_does_not():
    L = 3.0
    a = 0.25 / L  # 12 bonds of 0.25 nm close a loop through the x boundary
    chain = _chain(12, (0.0, 0.5, 0.5), (1, 0, 0), a)
    # a compact 4 x 4 x 2 block (32 ions, larger than the chain) straddling the y/z corner
    block = []
    for i in range(4):
        for j in range(4):
            for k in range(2):
                label = "cation" if (i + j + k) % 2 == 0 else "anion"
                block.append((label, ((0.5 + i * a) % 1, (0.95 + j * a) % 1, (0.95 + k * a) % 1)))
    tr = _arrays(chain + block, (L, L, L))
    cc = analysis.cluster_counts(tr, cutoff=0.3 * NM)
    np.testing.assert_array_equal(cc["gel_cation_count"].values, [6, 6])
    np.testing.assert_array_equal(cc["gel_anion_count"].values, [6, 6])
    np.testing.assert_array_equal(cc["wrapping_dimension"].values, [1, 1])
    # the block stays a sol cluster although it holds most ions (a size rule would call it gel)
    assert int(cc["cluster_count"].sel(n_cation=16, n_anion=16)) == 2
    assert int(cc["cluster_count"].sum()) == 2
    assert 32 / 44 > 0.5  # above fitting.cluster_counts' default size threshold


def test_sheet_wraps_in_two_directions_and_triclinic_chain():
    L = 2.0
    a = 0.25 / L  # 8 x 8 square lattice sheet in the xy plane wraps in x and y
    sheet = [
        ("cation" if (i + j) % 2 == 0 else "anion", (i * a, j * a, 0.5))
        for i in range(8)
        for j in range(8)
    ]
    tr = _arrays(sheet, (L, L, L))
    cc = analysis.cluster_counts(tr, cutoff=0.3 * NM)
    np.testing.assert_array_equal(cc["wrapping_dimension"].values, [2, 2])
    np.testing.assert_array_equal(cc["gel_cation_count"].values, [32, 32])
    # triclinic cell (gamma = 60 deg): a chain along the b vector wraps; one along a bisector
    # that stops short does not
    Lt = 3.0
    chain_b = _chain(12, (0.2, 0.0, 0.5), (0, 1, 0), 0.25 / Lt)
    short = _chain(6, (0.6, 0.3, 0.1), (1, 0, 0), 0.25 / Lt)
    tr = _arrays(chain_b + short, (Lt, Lt, Lt), angles=(90, 90, 60))
    cc = analysis.cluster_counts(tr, cutoff=0.3 * NM)
    np.testing.assert_array_equal(cc["wrapping_dimension"].values, [1, 1])
    np.testing.assert_array_equal(cc["gel_cation_count"].values, [6, 6])
    assert int(cc["cluster_count"].sel(n_cation=3, n_anion=3)) == 2


def test_cluster_counts_feed_fit_aggregation(rng):
    from ionscales import fitting
    from ionscales.theory.aggregation import Aggregation

    tr = _ideal_gas(rng, n_each=300, n_frames=3)
    cc = analysis.cluster_counts(tr, cutoff=0.4 * NM)
    fit = fitting.fit_aggregation(
        cc, Aggregation(3, 3, 1.0, site_volume=1e-28), vary=["association"]
    )
    assert (
        fit.success
        and np.isfinite(fit.best_values["association"])
        and fit.best_values["association"] > 0
    )
    # the same counts through the bond-list counter of the fitting layer (independent code)
    sc = analysis.structure.shell_contacts(tr, cutoffs={"anion": 0.4 * NM}, partners=("anion",))
    fp, cat, an = sc.select("anion")
    ref = fitting.cluster_counts(
        np.column_stack([fp, cat, an]), 300, 300, percolation_threshold=None, n_frames=3
    )
    got = cc["cluster_count"]
    ref_c = ref["cluster_count"].reindex_like(got, fill_value=0)
    assert int(cc["percolating_cluster_count"].sum()) == 0
    np.testing.assert_array_equal(got.values, ref_c.values)


def test_cluster_counts_round_trip_netcdf(tmp_path, rng):
    from ionscales.results import check_labelled, open_dataset, to_netcdf

    tr = _ideal_gas(rng, n_each=50, n_frames=2)
    for ds in (
        analysis.cluster_counts(tr, cutoff=0.4 * NM),
        analysis.coordination(tr, cutoffs=0.4 * NM),
        analysis.speciation(tr, cutoff=0.4 * NM),
        analysis.rdf(tr, "cation", "anion"),
    ):
        check_labelled(ds)
        to_netcdf(ds, tmp_path / "x.nc")
        back = open_dataset(tmp_path / "x.nc")
        for name in ds.data_vars:
            np.testing.assert_array_equal(back[name].values, ds[name].values)


def test_bad_input(rng, monkeypatch):
    tr = _ideal_gas(rng, n_each=20, n_frames=2)
    with pytest.raises(ParameterError, match="r_max"):
        analysis.rdf(tr, "cation", "anion", r_max=3 * NM)
    with pytest.raises(ParameterError, match="cutoffs\\['anion'\\]"):
        analysis.coordination(tr, cutoffs={"anion": -1.0})
    with pytest.raises(ParameterError, match="cutoffs\\['anion'\\].*in m"):
        analysis.coordination(tr, cutoffs={"anion": 3.0})  # Angstrom given
    with pytest.raises(ParameterError, match="Did you mean 'anion'"):
        analysis.coordination(tr, cutoffs={"anoin": 0.3 * NM})
    with pytest.raises(ParameterError, match="label"):
        analysis.rdf(tr, "cation", "water")
    with pytest.raises(ParameterError, match="traj"):
        analysis.coordination(np.zeros((2, 3)))
    import sys

    monkeypatch.setitem(sys.modules, "MDAnalysis.lib", None)
    with pytest.raises(ParameterError, match="ionscales\\[md\\]"):
        analysis.rdf(tr, "cation", "anion")


def test_contact_clusters_repeated_pairs_count_once():
    """A contact listed many times (bonds through several atoms) is one edge."""
    frame = np.zeros(256 + 1, dtype=int)
    cation = np.r_[np.zeros(256, dtype=int), 1]
    anion = np.r_[np.zeros(256, dtype=int), 1]
    cl = analysis.contact_clusters(frame, cation, anion, 2, 2, 1)
    assert sorted(zip(cl.n_cation.tolist(), cl.n_anion.tolist())) == [(1, 1), (1, 1)]


def test_shell_contacts_reuse_returns_exactly_the_requested_partners(rng):
    from ionscales.analysis.structure import shell_contacts

    pos = rng.uniform(0, 3 * NM, (2, 60, 3))
    species = ["cation"] * 20 + ["anion"] * 20 + ["W"] * 20
    tr = analysis.load_arrays(
        pos,
        box=[3 * NM] * 3,
        species=species,
        charges=[1.0] * 20 + [-1.0] * 20 + [0.0] * 20,
        times=[0.0, 1e-12],
    )
    full = shell_contacts(tr, cutoffs=0.4 * NM)
    only = shell_contacts(tr, cutoffs={"anion": 0.4 * NM}, partners=("anion",))
    assert only.partners == ("anion",) and set(only.radii) == {"anion"}
    assert np.all(only.partner == 0)
    for got, want in zip(only.select("anion"), full.select("anion")):
        np.testing.assert_array_equal(got, want)
    fresh = shell_contacts(
        analysis.load_arrays(
            pos,
            box=[3 * NM] * 3,
            species=species,
            charges=[1.0] * 20 + [-1.0] * 20 + [0.0] * 20,
            times=[0.0, 1e-12],
        ),
        cutoffs={"anion": 0.4 * NM},
        partners=("anion",),
    )
    for got, want in zip(only.select("anion"), fresh.select("anion")):
        np.testing.assert_array_equal(got, want)


def test_minimum_image_in_a_skewed_triclinic_cell(rng):
    """The chosen image is the shortest of all 7^3 lattice shifts around the difference."""
    from ionscales.analysis._neighbors import minimum_image

    vec = triclinic_vectors(np.array([3.0, 3.2, 2.9, 50.0, 60.0, 45.0]))
    delta = rng.uniform(-1.5, 1.5, (200, 3))
    shift = minimum_image(delta, vec)
    best = np.linalg.norm((delta - shift) @ vec, axis=1)
    grid = np.array(np.meshgrid(*[np.arange(-3, 4)] * 3, indexing="ij")).reshape(3, -1).T
    cand = delta[:, None, :] - np.round(delta)[:, None, :] - grid[None]
    brute = np.min(np.linalg.norm(cand @ vec, axis=2), axis=1)
    np.testing.assert_allclose(best, brute, rtol=1e-12)
