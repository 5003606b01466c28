"""``ionscales fit`` command line: decay / activity / scaling fits from CSV files."""

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from ionscales import presets
from ionscales.cli import main
from ionscales.results import open_dataset
from ionscales.theory import debye_length
from ionscales.units import M

RS = Path(__file__).resolve().parents[1] / "data" / "robinson_stokes_nacl_25C.csv"


def write_tail(path, rng, monotonic=False):
    r = np.linspace(0.2, 4.0, 200)
    y = (
        -0.5 * np.exp(-r / 0.9)
        if monotonic
        else 0.8 * np.exp(-r / 0.6) * np.cos(2 * math.pi * r / 0.7 - 0.4)
    )
    y = y + rng.normal(0, 1e-3, r.size)
    np.savetxt(
        path, np.c_[r, y, np.full(r.size, 1e-3)], delimiter=",", header="r_nm,rh,sigma", comments=""
    )


def test_fit_decay_cli(tmp_path, rng, capsys):
    f = tmp_path / "tail.csv"
    write_tail(f, rng)
    out = tmp_path / "res.nc"
    code = main(
        [
            "fit",
            "decay",
            str(f),
            "--r-unit",
            "nm",
            "--window",
            "0.5:3nm",
            "--sigma-column",
            "3",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "decay_length" in text and "wavelength" in text and "+/-" in text
    ds = open_dataset(out)
    xi = float(ds["best_value"].sel(param="decay_length"))
    err = float(ds["stderr"].sel(param="decay_length"))
    assert abs(xi - 0.6e-9) <= 3 * err
    assert float(ds["r"].min()) >= 0.5e-9 - 1e-15


def test_fit_decay_cli_monotonic(tmp_path, rng, capsys):
    f = tmp_path / "tail.csv"
    write_tail(f, rng, monotonic=True)
    assert main(["fit", "decay", str(f), "--r-unit", "nm", "--monotonic"]) == 0
    text = capsys.readouterr().out
    value = float(text.split("decay_length = ")[1].split()[0])
    assert value == pytest.approx(0.9, rel=0.02)


def test_fit_activity_cli(tmp_path, capsys):
    out = tmp_path / "act.nc"
    assert (
        main(
            [
                "fit",
                "activity",
                str(RS),
                "--preset",
                "NaCl(aq)",
                "--max-molality",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "diameter" in text
    d = float(open_dataset(out)["best_value"].sel(param="diameter"))
    assert 0.3e-9 < d < 0.4e-9  # physically sensible primitive-model size for NaCl


def test_fit_scaling_cli(tmp_path, rng, capsys):
    e = presets.get("NaCl(aq)")
    c = np.geomspace(0.5, 5, 10)
    ld = debye_length(e, c * M)
    ls = 0.6 * ld * (e.contact_diameter / ld) ** 3 * (1 + 0.02 * rng.normal(size=c.size))
    f = tmp_path / "lengths.csv"
    np.savetxt(f, np.c_[c, ls * 1e9], delimiter=",", header="c_M,lambda_nm", comments="")
    out = tmp_path / "s.nc"
    assert (
        main(
            [
                "fit",
                "scaling",
                str(f),
                "--preset",
                "NaCl(aq)",
                "--c-unit",
                "M",
                "--length-unit",
                "nm",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    ds = open_dataset(out)
    n, err = (
        float(ds["best_value"].sel(param="exponent")),
        float(ds["stderr"].sel(param="exponent")),
    )
    assert abs(n - 3) <= 3 * err
    xr.testing.assert_identical(ds, open_dataset(out))


@pytest.mark.parametrize(
    "content, argv_extra",
    [
        (None, []),  # missing file
        ("a,b\n1,x\n", []),  # non-numeric
        ("1\n2\n3\n", []),  # one column
        ("1,2\n3,4,5\n", []),  # ragged
        ("__import__('os')\n", []),  # never evaluated
        ("1,2\n2,3\n3,4\n4,5\n5,6\n6,7\n", ["--window", "9:10nm"]),  # window outside the data
    ],
)
def test_fit_cli_bad_files(tmp_path, capsys, content, argv_extra):
    f = tmp_path / "bad.csv"
    if content is not None:
        f.write_text(content)
    code = main(["fit", "decay", str(f), "--r-unit", "nm", *argv_extra])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ionscales fit: error:") and "\n" not in err


def test_fit_cli_bad_preset(capsys):
    assert main(["fit", "activity", str(RS), "--preset", "NaCL"]) == 2
    assert "NaCl(aq)" in capsys.readouterr().err
