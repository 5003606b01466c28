"""``ionscales pore`` and ``ionscales pore force``."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales.cli import main
from ionscales.results import open_dataset
from ionscales.theory import confinement as cf
from ionscales.units import nm


def test_pore_map_writes_netcdf_and_figure(tmp_path, capsys):
    rc = main(
        [
            "pore",
            "--width",
            "0.4:3nm:12",
            "--voltage",
            "-1:1V:9",
            "--ion-diameter",
            "0.5nm",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 0
    ds = open_dataset(tmp_path / "pore.nc")
    assert (tmp_path / "pore.png").is_file()
    assert ds.sizes == {"width": 12, "voltage": 9}
    ref = cf.capacitance_map(
        np.linspace(0.4, 3, 12) * nm, np.linspace(-1, 1, 9), 0.5 * nm, permittivity=2.0
    )
    np.testing.assert_allclose(ds["capacitance"].values, ref["capacitance"].values, rtol=1e-12)
    assert "slit-pore capacitance map" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["pore", "--width", "0.1:0.4nm", "--out", "x"],  # no accessible pore
        ["pore", "--voltage", "nan:1V"],
        ["pore", "--ion-diameter", "-0.5nm"],
        ["pore", "force", "--separation", "-1:30nm"],
        ["pore", "force", "--concentration", "-0.1M"],
        ["pore", "force", "--model", "dft"],
    ],
)
def test_bad_options_exit_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_pore_force_exact_with_fit(tmp_path, capsys):
    rc = main(
        [
            "pore",
            "force",
            "--preset",
            "NaCl(aq)",
            "--concentration",
            "0.01M",
            "--separation",
            "0.5:30nm:25",
            "--method",
            "exact",
            "--fit",
            "--out",
            str(tmp_path / "f"),
        ]
    )
    assert rc == 0
    ds = open_dataset(tmp_path / "f.nc")
    assert (tmp_path / "f.png").is_file()
    lam = float(ds["debye_length"])
    # default window (D >= 3 lambda_D): the nonlinear PB tail decays within 2 % of lambda_D
    assert abs(ds.attrs["fit_decay_length"] / lam - 1) < 0.02
    assert "layered" in list(ds["regime"].values)
    assert "fitted decay length" in capsys.readouterr().out
