"""``ionscales md``: summary, netCDF and figure on real and generated trajectories."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

pytest.importorskip("MDAnalysis")
solvation_analysis = pytest.importorskip("solvation_analysis")

from ionscales import analysis  # noqa: E402
from ionscales.analysis.transport import onsager  # noqa: E402
from ionscales.cli import main  # noqa: E402
from ionscales.results import check_labelled, open_dataset  # noqa: E402

DATA = os.path.join(os.path.dirname(solvation_analysis.__file__), "tests", "data", "bn_fec_data")
BN_FEC = [
    os.path.join(DATA, "bn_fec.data"),
    os.path.join(DATA, "bn_fec_short_unwrap.dcd"),
    "--cation",
    "type 22",
    "--anion",
    "byres type 20",
    "--solvent",
    "BN=byres type 5",
    "--solvent",
    "FEC=byres type 19",
]


@pytest.fixture(autouse=True)
def _quiet_dcd():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="MDAnalysis")
        yield


@pytest.mark.slow
def test_md_on_bn_fec(tmp_path, capsys):
    rc = main(["md", *BN_FEC, "--temperature", "298", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    # the summary reports what the library computes on the same trajectory (thin command)
    traj = analysis.load(
        BN_FEC[0],
        BN_FEC[1],
        cation="type 22",
        anion="byres type 20",
        solvents={"BN": "byres type 5", "FEC": "byres type 19"},
    )
    shell = analysis.coordination(traj)
    for p in ("anion", "BN", "FEC"):
        cn = float(shell.coordination_number.sel(partner=p))
        line = next(x for x in out.splitlines() if x.split()[:1] == [p])
        assert float(line.split()[1]) == pytest.approx(cn, abs=5e-4)
    assert "speciation (anions):" in out and "clusters:" in out
    # 10 frames cannot reach the diffusive regime: said so, not faked
    assert "transport: not computed" in out and "too few frames" in out
    for name in (
        "md_coordination.nc",
        "md_speciation.nc",
        "md_clusters.nc",
        "md_rdf_BN.nc",
        "md.png",
    ):
        assert (tmp_path / name).stat().st_size > 0
    assert not (tmp_path / "md_transport.nc").exists()
    back = open_dataset(tmp_path / "md_coordination.nc")
    check_labelled(back)
    np.testing.assert_allclose(back.coordination_number.values, shell.coordination_number.values)


def _write_lammps(tmp_path, s):
    """The Brownian system of test_analysis_transport as a LAMMPS data file (atom_style full,
    one molecule per atom) and a DCD trajectory (Angstrom, 1 ps frames)."""
    import MDAnalysis as mda

    pos = s["positions"] * 1e10
    n = pos.shape[1]
    types = np.where(s["species"] == "cation", 1, np.where(s["species"] == "anion", 2, 3))
    box = s["box"] * 1e10
    mass_u = {t: s["masses"][types == t][0] / 1.66053906660e-27 for t in (1, 2, 3)}
    lines = [
        "LAMMPS data file (generated Brownian dynamics)",
        "",
        f"{n} atoms",
        "3 atom types",
        "",
        f"0 {box} xlo xhi",
        f"0 {box} ylo yhi",
        f"0 {box} zlo zhi",
        "",
        "Masses",
        "",
    ]
    lines += [f"{t} {m:.6f}" for t, m in mass_u.items()]
    lines += ["", "Atoms # full", ""]
    lines += [
        f"{i + 1} {i + 1} {types[i]} {s['charges'][i]:.6f} {x:.6f} {y:.6f} {z:.6f}"
        for i, (x, y, z) in enumerate(np.mod(pos[0], box))
    ]
    top = tmp_path / "bd.data"
    top.write_text("\n".join(lines) + "\n")
    dims = np.array([box] * 3 + [90.0, 90.0, 90.0])
    with mda.Writer(str(tmp_path / "bd.dcd"), n, dt=s["dt"] * 1e12) as w:
        u = mda.Universe(str(top))
        for frame in pos:
            u.atoms.positions = frame
            u.dimensions = dims
            w.write(u.atoms)
    return str(top), str(tmp_path / "bd.dcd")


@pytest.mark.slow
def test_md_transport_on_a_generated_trajectory(tmp_path, capsys):
    # the generator of the analysis tests, by path (importable whichever folder pytest runs)
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "analysis" / "test_analysis_transport.py"
    spec = importlib.util.spec_from_file_location("_analysis_transport_helpers", path)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    T, brownian_system, exact = helpers.T, helpers.brownian_system, helpers.exact

    s = brownian_system(frames=3000, n_solvent=16)
    top, dcd = _write_lammps(tmp_path, s)
    rc = main(
        [
            "md",
            top,
            dcd,
            "--cation",
            "type 1",
            "--anion",
            "type 2",
            "--solvent",
            "S=type 3",
            "--temperature",
            f"{T}",
            "--cutoff",
            "3A",
            "--shell-radius",
            "S=3A",
            "--stride",
            "100",
            "--out",
            str(tmp_path),
        ]
    )
    captured = capsys.readouterr()
    out = captured.out
    assert rc == 0, captured.err
    assert "sigma =" in out and "t+ (Onsager)" in out and "D(cation)" in out
    ds = open_dataset(tmp_path / "md_transport.nc")
    check_labelled(ds)
    traj = analysis.load(
        top, dcd, cation="type 1", anion="type 2", solvents={"S": "type 3"}, temperature=T
    )
    direct = onsager(traj, clusters="contact", cutoff=3e-10)
    assert float(ds.conductivity) == pytest.approx(float(direct.conductivity), rel=1e-9)
    # end to end through the files (float32 Angstrom): the exact answer within 3 stderr
    ex = exact(s)
    assert abs(float(ds.conductivity) - ex["sigma"]) < 3 * float(ds.conductivity_stderr)
    assert abs(float(ds.transference_number) - ex["t_plus"]) < 3 * float(
        ds.transference_number_stderr
    )
    assert abs(float(ds.conductivity_cluster) - ex["sigma_cluster"]) < 3 * float(
        ds.conductivity_cluster_stderr
    )
    assert (tmp_path / "md.png").stat().st_size > 0


def test_md_bad_input(tmp_path, capsys):
    rc = main(["md", *BN_FEC[:6], "--solvent", "BN", "--out", str(tmp_path)])
    assert rc == 2
    assert "--solvent" in capsys.readouterr().err
    rc = main(
        [
            "md",
            *BN_FEC[:2],
            "--cation",
            "type 999",
            "--anion",
            "byres type 20",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 2
    assert "matches no atom" in capsys.readouterr().err
