"""Measured LiPF6 correlations (PyBaMM parameter functions) as calibration Datasets."""

import numpy as np
import pytest

from ionscales import ParameterError
from ionscales.fitting.measured import landesfeind2019, nyman2008
from ionscales.results import check_labelled


def test_two_laboratories_agree_at_one_molar_room_temperature():
    """Landesfeind & Gasteiger (2019) and Nyman et al. (2008) measured the same electrolyte
    (LiPF6 in EC:EMC 3:7) independently; their fits agree at 1 M, 25 C within the spread
    reported between laboratories (~10-15 % for conductivity, ~30 % for D)."""
    a = landesfeind2019([1000.0], [298.15]).isel(concentration=0, temperature=0)
    b = nyman2008([1000.0]).isel(concentration=0, temperature=0)
    assert a["conductivity"].item() == pytest.approx(b["conductivity"].item(), rel=0.15)
    assert a["salt_diffusivity"].item() == pytest.approx(b["salt_diffusivity"].item(), rel=0.8)
    # a conductivity maximum near 1 M (a textbook property of carbonate electrolytes)
    c = np.linspace(200.0, 2000.0, 37)
    sigma = landesfeind2019(c, [298.15])["conductivity"].values[:, 0]
    assert 700.0 < c[np.argmax(sigma)] < 1500.0


def test_dataset_is_labelled_and_round_trips(tmp_path):
    ds = landesfeind2019([200.0, 1000.0], [273.15, 298.15, 323.15])
    check_labelled(ds)
    assert ds["conductivity"].dims == ("concentration", "temperature")
    assert np.all(ds["conductivity"] > 0) and np.all(ds["transference_number"] < 1)
    # the source's t+ fit turns negative at 1 M and 0 C (their measurement, not a bug here)
    assert ds["transference_number"].sel(concentration=1000.0, temperature=273.15) < 0
    # conductivity and diffusivity rise with temperature
    assert np.all(ds["conductivity"].diff("temperature") > 0)
    assert np.all(ds["salt_diffusivity"].diff("temperature") > 0)
    import xarray as xr

    path = tmp_path / "lg.nc"
    ds.to_netcdf(path)
    back = xr.open_dataset(path)
    xr.testing.assert_identical(back.load(), ds)


@pytest.mark.parametrize(
    "c, t, match",
    [
        ([50.0], [298.15], "concentration"),
        ([3000.0], [298.15], "concentration"),
        ([1000.0], [350.0], "temperature"),
        ([1000.0], [250.0], "temperature"),
    ],
)
def test_outside_measured_range_raises(c, t, match):
    with pytest.raises(ParameterError, match=match):
        landesfeind2019(c, t)


def test_nyman_has_no_temperature_dependence_so_only_room_temperature():
    with pytest.raises(ParameterError, match="temperature"):
        nyman2008([1000.0], temperature=273.15)
