"""Trajectory: loading (MDAnalysis and plain arrays), units, ions, frames and bad input."""

import numpy as np
import pytest

from ionscales import ParameterError, analysis
from ionscales.analysis.trajectory import ATOMIC_MASS, box_volume, triclinic_vectors

mda = pytest.importorskip("MDAnalysis")
pytestmark = pytest.mark.filterwarnings(
    "ignore:DCDReader currently makes independent timesteps:DeprecationWarning"
)
sa_data = pytest.importorskip("solvation_analysis.tests.datafiles")

SELECTIONS = dict(
    cation="type 22", anion="byres type 20", solvents={"BN": "byres type 5", "FEC": "byres type 19"}
)


@pytest.fixture(scope="module")
def bn_fec():
    return analysis.load(
        sa_data.bn_fec_data, sa_data.bn_fec_dcd_unwrap, temperature=298.15, **SELECTIONS
    )


def test_bn_fec_counts_units_and_ions(bn_fec):
    tr = bn_fec
    # 49 LiPF6 in BN/FEC (solvation-analysis test data): one PF6 residue = one ion
    assert [tr.n_molecules(k) for k in ("cation", "anion", "BN", "FEC")] == [49, 49, 363, 237]
    assert tr.n_ions == 98 and list(tr.ion_species[:49]) == ["cation"] * 49
    np.testing.assert_allclose(tr.ion_charges[:49], 1.0, atol=1e-5)
    np.testing.assert_allclose(tr.ion_charges[49:], -1.0, atol=1e-5)
    # masses from the LAMMPS data file: Li 6.94 u, PF6 = 30.97 + 6 x 19.00 u
    np.testing.assert_allclose(tr.ion_masses[0] / ATOMIC_MASS, 6.94, rtol=1e-3)
    np.testing.assert_allclose(tr.ion_masses[-1] / ATOMIC_MASS, 30.97 + 6 * 19.0, rtol=2e-3)
    # the box is 44.05895 Angstrom (MDAnalysis dimensions), stored in m
    np.testing.assert_allclose(tr.boxes[:, :3], 44.05895e-10, rtol=1e-6)
    np.testing.assert_allclose(tr.volumes, (44.05895e-10) ** 3, rtol=1e-6)
    assert tr.n_frames == 10 and np.all(np.diff(tr.times) > 0)
    np.testing.assert_allclose(np.diff(tr.times), 1e-12, rtol=1e-6)  # 1 ps between frames
    assert tr.temperature == 298.15


def test_ion_positions_are_centres_of_mass(bn_fec):
    tr = bn_fec
    com = tr.ion_positions(frames=[0, 3])
    u = tr._backend.universe
    u.trajectory[3]
    pf6 = u.select_atoms("byres type 20").residues[5]
    np.testing.assert_allclose(com[1, 49 + 5], pf6.atoms.center_of_mass() * 1e-10, rtol=1e-6)
    sys_com = tr.system_com(frames=3)
    np.testing.assert_allclose(sys_com[0], u.atoms.center_of_mass() * 1e-10, rtol=1e-6)


def test_wrapped_trajectory_is_detected():
    tr = analysis.load(sa_data.bn_fec_data, sa_data.bn_fec_dcd_wrap, **SELECTIONS)
    with pytest.raises(ParameterError, match="looks wrapped"):
        tr.ion_positions()
    assert tr.ion_positions(unwrapped=False).shape == (10, 98, 3)


def test_bad_selections():
    u = mda.Universe(sa_data.bn_fec_data, sa_data.bn_fec_dcd_unwrap)
    with pytest.raises(ParameterError, match="FEC: selection 'type 999' matches no atom"):
        analysis.load(u, cation="type 22", anion="byres type 20", solvents={"FEC": "type 999"})
    with pytest.raises(ParameterError, match="overlaps"):
        analysis.load(u, cation="type 22", anion="byres type 20", solvents={"BN": "byres type 20"})
    with pytest.raises(ParameterError, match="not electroneutral"):
        analysis.load(u, cation="type 22", anion="byres (type 20 and resid 602:640)")
    with pytest.raises(ParameterError, match="anion: every anion must carry a negative net charge"):
        analysis.load(u, cation="type 22", anion="byres type 19")  # FEC is neutral


def test_universe_without_box():
    u = mda.Universe.empty(2, n_residues=2, atom_resindex=[0, 1], trajectory=True)
    u.add_TopologyAttr("charges", [1.0, -1.0])
    u.add_TopologyAttr("masses", [7.0, 35.0])
    u.add_TopologyAttr("types", ["Li", "Cl"])
    with pytest.raises(ParameterError, match="no periodic box"):
        analysis.load(u, cation="type Li", anion="type Cl")
    tr = analysis.load(u, cation="type Li", anion="type Cl", box=[2e-9, 2e-9, 2e-9])
    np.testing.assert_allclose(tr.volumes, 8e-27)


def _two_ion_arrays(n_frames=4):
    # one cation atom and one 3-atom anion molecule split across the x boundary
    box = 2e-9
    pos = np.zeros((n_frames, 4, 3))
    pos[:, 0] = [1.0e-9, 1.0e-9, 1.0e-9]
    pos[:, 1] = [0.05e-9, 0.5e-9, 0.5e-9]
    pos[:, 2] = [1.95e-9, 0.5e-9, 0.5e-9]  # the same molecule, across the boundary
    pos[:, 3] = [0.05e-9, 0.6e-9, 0.5e-9]
    return dict(
        positions=pos,
        box=[box] * 3,
        species=["cation", "anion", "anion", "anion"],
        charges=[1.0, -0.4, -0.3, -0.3],
        times=np.arange(n_frames) * 1e-12,
        molecules=[0, 1, 1, 1],
    )


def test_load_arrays_molecular_ion_made_whole():
    tr = analysis.load_arrays(**_two_ion_arrays())
    assert list(tr.ion_species) == ["cation", "anion"]
    np.testing.assert_allclose(tr.ion_charges, [1.0, -1.0])
    com = tr.ion_positions(unwrapped=False)
    # the whole molecule sits at x = 0.05, -0.05, 0.05 nm: COM at x = 0.05/3 nm
    np.testing.assert_allclose(
        com[0, 1], [0.05e-9 / 3, (0.5 + 0.5 + 0.6) / 3 * 1e-9, 0.5e-9], atol=1e-15
    )
    np.testing.assert_allclose(tr.ion_masses, [ATOMIC_MASS, 3 * ATOMIC_MASS])


def test_load_arrays_wrapped_jump_and_declared_unwrapped():
    kw = _two_ion_arrays(3)
    kw["positions"] = kw["positions"].copy()
    kw["positions"][2, 0, 0] = 1.0e-9 + 1.5e-9  # cation moves by 0.75 box in x
    with pytest.raises(ParameterError, match="ion 0 \\(cation\\).*frames 1 and 2"):
        analysis.load_arrays(**kw).ion_positions()
    # a user who states that the positions are unwrapped is believed
    assert analysis.load_arrays(unwrapped=True, **kw).ion_positions().shape == (3, 2, 3)


def test_frames_and_iteration():
    tr = analysis.load_arrays(**_two_ion_arrays(5))
    np.testing.assert_array_equal(tr.frames(None), np.arange(5))
    np.testing.assert_array_equal(tr.frames(slice(1, None, 2)), [1, 3])
    np.testing.assert_array_equal(tr.frames(-1), [4])
    np.testing.assert_array_equal(tr.frames([0, 2]), [0, 2])
    assert list(tr.iter_frames(slice(0, 2))) == [0, 1]
    for bad in (5, [0, 7], slice(9, None), 1.5, [0.5], True):
        with pytest.raises(ParameterError, match="frames"):
            tr.frames(bad)


def test_load_arrays_bad_input():
    kw = _two_ion_arrays()
    for key, value, match in [
        ("box", [0, 0, 0], "no valid periodic box"),
        ("box", [20.0, 20.0, 20.0], "in m"),
        ("times", [0, 2e-12, 1e-12, 3e-12], "increasing"),
        ("charges", [1.0, -0.4, -0.3, -0.4], "not electroneutral"),
        ("species", ["cation", "cation", "cation", "cation"], "no atom is labelled 'anion'"),
    ]:
        bad = dict(kw, **{key: value})
        with pytest.raises(ParameterError, match=match):
            analysis.load_arrays(**bad)
    with pytest.raises(ParameterError, match="positions"):
        analysis.load_arrays(**dict(kw, positions=kw["positions"] * 1e10))


def test_triclinic_box_volume():
    # a, b, c with all angles 60 deg: V = abc sqrt(1 - 3 cos^2 + 2 cos^3) = abc / sqrt(2)
    box = np.array([1.0, 2.0, 3.0, 60.0, 60.0, 60.0])
    np.testing.assert_allclose(box_volume(box), 6.0 / np.sqrt(2.0))
    vec = triclinic_vectors(box)
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), [1.0, 2.0, 3.0])
    cos = lambda u, v: u @ v / np.linalg.norm(u) / np.linalg.norm(v)  # noqa: E731
    np.testing.assert_allclose([cos(vec[1], vec[2]), cos(vec[0], vec[2]), cos(vec[0], vec[1])], 0.5)
    # agrees with MDAnalysis's own conversion
    from MDAnalysis.lib.mdamath import triclinic_vectors as mda_vectors

    box2 = np.array([4.0, 5.0, 6.0, 80.0, 70.0, 100.0])
    np.testing.assert_allclose(triclinic_vectors(box2), mda_vectors(box2), atol=1e-5)


def test_concentration_of_a_2_1_salt():
    # 2 Ca(2+) + 4 Cl(-) in (2 nm)^3: two formula units
    pos = np.random.default_rng(0).uniform(0, 2e-9, (1, 6, 3))
    tr = analysis.load_arrays(
        pos,
        box=[2e-9] * 3,
        species=["cation"] * 2 + ["anion"] * 4,
        charges=[2.0, 2.0, -1.0, -1.0, -1.0, -1.0],
        times=[0.0],
    )
    from ionscales.constants import N_A

    assert tr.concentration == pytest.approx(2 / N_A / 8e-27)


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import sys

    from tqdm.auto import tqdm

    tr = analysis.load_arrays(**_two_ion_arrays(3))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    gen = tr.iter_frames()
    assert list(gen) == [0, 1, 2]
    from ionscales.analysis import trajectory

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert isinstance(trajectory._progress(range(3), 3, "x"), tqdm)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not isinstance(trajectory._progress(range(3), 3, "x"), tqdm)


@pytest.mark.slow  # a fresh interpreter importing MDAnalysis: several seconds on a loaded machine
def test_analysis_imports_only_the_core():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, numpy as np\n"
        "from ionscales import analysis\n"
        "pos = np.random.default_rng(0).uniform(0, 2e-9, (2, 40, 3))\n"
        "tr = analysis.load_arrays(pos, box=[2e-9] * 3, species=['cation'] * 20 + ['anion'] * 20,\n"
        "                          charges=[1.0] * 20 + [-1.0] * 20, times=[0.0, 1e-12])\n"
        "analysis.coordination(tr, cutoffs=3e-10); analysis.cluster_counts(tr, cutoff=3e-10)\n"
        "analysis.charge_structure(tr); analysis.rdf(tr, 'cation', 'anion')\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in (['ionscales', 'theory'], "
        "['ionscales', 'continuum'], ['ionscales', 'fitting']) or m in ('fipy', 'lmfit')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr
