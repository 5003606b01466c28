"""``ionscales transport``: table, netCDF, figure, --data overlay, --pybamm JSON tables."""

import json

import numpy as np
import xarray as xr

from ionscales.cli import main
from ionscales.theory import transport
from ionscales.theory.transport_presets import lipf6_ec_emc


def test_transport_command_writes_netcdf_figure_and_pybamm_tables(tmp_path, capsys):
    data = transport.properties(lipf6_ec_emc(), [200.0, 800.0], [298.15])[["conductivity"]]
    data.to_netcdf(tmp_path / "data.nc")
    code = main(
        [
            "transport",
            "--c-min",
            "0.1M",
            "--c-max",
            "1.5M",
            "--points",
            "6",
            "--temperature",
            "273.15K,298.15K",
            "--data",
            str(tmp_path / "data.nc"),
            "--pybamm",
            str(tmp_path / "p.json"),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "sigma [S/m]" in out and "wrote" in out
    ds = xr.load_dataset(tmp_path / "transport.nc")
    np.testing.assert_allclose(ds.concentration.values, np.linspace(100.0, 1500.0, 6))
    np.testing.assert_allclose(ds.temperature.values, [273.15, 298.15])
    assert (tmp_path / "transport.png").stat().st_size > 10_000
    # the JSON tables are the Dataset's values under PyBaMM's names (molar TDF)
    table = json.loads((tmp_path / "p.json").read_text())
    got = np.array(table["parameters"]["Electrolyte conductivity [S.m-1]"])
    np.testing.assert_allclose(got, ds.conductivity.values)
    np.testing.assert_allclose(
        np.array(table["parameters"]["Thermodynamic factor"]), ds.molar_thermodynamic_factor.values
    )
    assert table["concentration [mol.m-3]"] == ds.concentration.values.tolist()


def test_transport_command_bad_input_is_one_line_error(tmp_path, capsys):
    assert main(["transport", "--c-min", "2M", "--c-max", "1M", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--c-max" in err[0]
    assert main(["transport", "--preset", "nope", "--out", str(tmp_path)]) == 2
    assert "--preset" in capsys.readouterr().err
    assert main(["transport", "--data", str(tmp_path / "missing.nc"), "--out", str(tmp_path)]) == 2
    assert "--data" in capsys.readouterr().err


def test_transport_command_with_aggregation_carriers(tmp_path, capsys):
    """--carriers aggregation: the calibrated cluster chain; the table, netCDF and figure are
    those of transport.properties(..., carriers='aggregation')."""
    code = main(
        [
            "transport",
            "--carriers",
            "aggregation",
            "--c-min",
            "0.2M",
            "--c-max",
            "1.8M",
            "--points",
            "5",
            "--temperature",
            "263.15K,313.15K",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "aggregation carriers" in out and "cluster" in out
    ds = xr.load_dataset(tmp_path / "transport.nc")
    assert ds.attrs["carriers"] == "aggregation" and ds.attrs["cluster_sum_converged"]
    ref = transport.properties(
        lipf6_ec_emc(), np.linspace(200.0, 1800.0, 5), [263.15, 313.15], carriers="aggregation"
    )
    np.testing.assert_allclose(ds.transference_number.values, ref.transference_number.values)
    assert float(ds.cluster_fraction.max()) > 0.1
    assert (tmp_path / "transport.png").stat().st_size > 10_000


def test_transport_command_uses_the_calibrations_electrolyte(tmp_path):
    """The LiPF6 EC:EMC name maps to lipf6_ec_emc() (eps_r(T), the calibration's
    electrolyte): away from 25 C the CLI gives the calibrated chain's numbers (it used the
    plain preset with one eps_r before)."""
    assert (
        main(["transport", "--points", "3", "--temperature", "263.15K", "--out", str(tmp_path)])
        == 0
    )
    ds = xr.load_dataset(tmp_path / "transport.nc")
    ref = transport.properties(lipf6_ec_emc(), ds.concentration.values, [263.15])
    np.testing.assert_allclose(ds.conductivity.values, ref.conductivity.values, rtol=1e-12)
