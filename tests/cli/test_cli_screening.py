"""``ionscales screening``: outputs, options and one-line errors with exit code 2."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales import results
from ionscales.cli import main
from ionscales.units import M, nm


def run_cli(capsys, *argv):
    code = main(["screening", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_run_writes_dataset_and_figure(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--points", "40", "--out", str(tmp_path / "nacl"))
    assert code == 0
    assert "Kirkwood crossover" in out and "msa" in out and "1.228740" in out
    assert "1.031719" in out
    ds = results.open_dataset(tmp_path / "nacl.nc")
    assert list(ds["model"].values) == [
        "debye",
        "dh-exclusion",
        "msa",
        "dressed-ion",
        "free-ion",
        "scaling",
    ]
    assert ds.sizes["concentration"] == 40
    assert ds["concentration"].values[0] == pytest.approx(1e-4 * M)
    assert ds["concentration"].values[-1] == pytest.approx(6 * M)
    assert (tmp_path / "nacl.png").stat().st_size > 10_000
    # 6 M NaCl is past the cut-kernel spinodal: reported as a note, not a traceback
    assert "spinodal" in err


def test_options_change_the_state(tmp_path, capsys):
    code, out, _ = run_cli(
        capsys,
        "--c-min",
        "1mM",
        "--c-max",
        "0.5",
        "--points",
        "12",
        "--models",
        "debye,msa",
        "--diameter",
        "0.5",
        "--permittivity",
        "40",
        "--temperature",
        "310",
        "--no-plot",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    ds = results.open_dataset(tmp_path / "screening.nc")
    assert not (tmp_path / "screening.png").exists()
    assert ds.attrs["contact_diameter"] == pytest.approx(0.5 * nm)
    assert ds.attrs["permittivity"] == 40 and ds.attrs["temperature"] == 310
    assert ds["concentration"].values[0] == pytest.approx(1.0)  # 1 mM = 1 mol/m^3
    assert list(ds["model"].values) == ["debye", "msa"]


def test_data_overlay(tmp_path, capsys):
    data = tmp_path / "sfa.csv"
    data.write_text("concentration_M,length_nm\n0.01,3.0\n1.0,0.9\n4.0,3.1\n")
    code, _, _ = run_cli(
        capsys, "--points", "20", "--data", str(data), "--out", str(tmp_path / "x")
    )
    assert code == 0
    assert (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--models", "msa,dh-exclsion"], "Did you mean 'dh-exclusion'"),
        (["--models", ","], "--models"),
        (["--preset", "NaCL(aq)"], "preset"),
        (["--c-min", "-1"], "--c-min"),
        (["--c-min", "abc"], "--c-min"),
        (["--c-max", "1e-5"], "--c-max"),
        (["--points", "1"], "--points"),
        (["--diameter", "0"], "diameter"),
        (["--diameter", "-0.3"], "diameter"),
        (["--permittivity", "0"], "permittivity"),
        (["--temperature", "-5"], "temperature"),
    ],
)
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, argv, fragment):
    code, _, err = run_cli(capsys, *argv, "--no-plot", "--out", str(tmp_path / "o"))
    assert code == 2
    assert fragment in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("0.1,nan\n", "NaN"),
        ("0.1,1,2\n0.2,1,2\n", "2 columns"),
        ("a,b\nx,y\n", "numeric"),
        ("", "empty"),
        ("0.1,-1\n", "> 0"),
    ],
)
def test_bad_data_files(tmp_path, capsys, content, fragment):
    path = tmp_path / "d.csv"
    path.write_text(content)
    code, _, err = run_cli(capsys, "--data", str(path), "--no-plot", "--out", str(tmp_path / "o"))
    assert code == 2
    assert "--data" in err and fragment in err


def test_missing_data_file(tmp_path, capsys):
    code, _, err = run_cli(
        capsys, "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")
    )
    assert code == 2 and "not found" in err


def test_help_states_units(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["screening", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for unit in ("mol/L", "[nm]", "[K]"):
        assert unit in text


def test_table_numbers_match_the_dataset(tmp_path, capsys):
    code, out, _ = run_cli(
        capsys, "--points", "30", "--models", "debye", "--no-plot", "--out", str(tmp_path / "t")
    )
    assert code == 0
    ds = results.open_dataset(tmp_path / "t.nc")
    first_row = next(line for line in out.splitlines() if line.strip().startswith("0.0001"))
    assert float(first_row.split()[1]) == pytest.approx(
        float(ds["debye_length"].values[0, 0]) / nm, rel=1e-3
    )
    assert np.isfinite(ds["decay_length"].values).all()
