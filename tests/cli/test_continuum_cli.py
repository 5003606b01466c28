"""``ionscales continuum edl``: files, figures and errors."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales.cli import main
from ionscales.results import open_dataset


def test_edl_writes_results_and_figures(tmp_path, capsys):
    code = main(
        [
            "continuum",
            "edl",
            "--model",
            "bikerman",
            "--potential",
            "0.2V",
            "--sweep=-0.2:0.2:5V",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    for name in ("edl.nc", "capacitance.nc", "edl_profiles.png", "capacitance.png"):
        assert (tmp_path / name).stat().st_size > 0
    profile = open_dataset(tmp_path / "edl.nc")
    assert profile.attrs["model"] == "bikerman"
    assert profile.potential.attrs["units"] == "V"
    curve = open_dataset(tmp_path / "capacitance.nc")
    np.testing.assert_allclose(curve.voltage.values, np.linspace(-0.2, 0.2, 5))
    # symmetric salt: C(V) = C(-V)
    np.testing.assert_allclose(curve.capacitance.values, curve.capacitance.values[::-1], rtol=1e-6)
    assert "surface charge" in capsys.readouterr().out


def test_edl_slit_bsk(tmp_path):
    code = main(
        [
            "continuum",
            "edl",
            "--model",
            "bsk",
            "--correlation-length",
            "0.5nm",
            "--geometry",
            "slit",
            "--width",
            "3nm",
            "--no-sweep",
            "--no-figures",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    ds = open_dataset(tmp_path / "edl.nc")
    assert "disjoining_pressure" in ds


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--geometry", "slit"], "--width"),
        (["--concentration=-1M"], "concentration"),
        (["--salt", "NaCI(aq)"], "NaCl(aq)"),
    ],
)
def test_edl_bad_options(tmp_path, capsys, argv, message):
    code = main(["continuum", "edl", "--no-sweep", "--no-figures", "--out", str(tmp_path), *argv])
    assert code == 2
    assert message in capsys.readouterr().err
