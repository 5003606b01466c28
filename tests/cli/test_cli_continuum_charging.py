"""The ``ionscales continuum charging`` command runs end to end (the example runs in test_examples_gallery)."""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

from ionscales.cli import main
from ionscales.results import open_dataset

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.slow
def test_cli_charging_writes_netcdf_and_figures(tmp_path, capsys):
    code = main(
        [
            "continuum",
            "charging",
            "--concentration",
            "10mM",
            "--width",
            "150nm",
            "--voltage",
            "0.02V",
            "--t-end",
            "2tau",
            "--rtol",
            "1e-2",
            "--no-progress",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    ds = open_dataset(tmp_path / "charging.nc")
    assert ds.attrs["model"] == "pnp"
    assert float(ds.surface_charge[-1]) > 0 and ds.attrs["inventory_drift"] < 1e-10
    assert (tmp_path / "charging.png").stat().st_size > 0
    assert "wrote" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_iv_sweep(tmp_path):
    code = main(
        [
            "continuum",
            "charging",
            "--concentration",
            "10mM",
            "--width",
            "150nm",
            "--voltage",
            "0.02V",
            "--t-end",
            "1tau",
            "--rtol",
            "1e-2",
            "--electrodes",
            "reactive",
            "--iv=0.02:0.05:2V",
            "--no-progress",
            "--no-figures",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    iv = open_dataset(tmp_path / "iv.nc")
    assert iv.sizes["voltage"] == 2
    assert 0 < float(iv.current[0]) < float(iv.current[1]) < iv.attrs["limiting_current"]
    xr.testing.assert_identical(iv, open_dataset(tmp_path / "iv.nc"))


def test_cli_charging_rejects_bad_options(tmp_path, capsys):
    code = main(["continuum", "charging", "--waveform", "ramp", "--out", str(tmp_path)])
    assert code == 2
    code = main(["continuum", "charging", "--t-end=-1tau", "--out", str(tmp_path)])
    assert code == 2
