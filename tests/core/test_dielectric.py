"""eps_r(T) of the solvents and the dielectric decrement eps_r(c) (ionscales.dielectric)."""

import numpy as np
import pytest

from ionscales import ParameterError, ValidityWarning
from ionscales import dielectric as di

# Malmberg & Maryott, J. Res. NBS 56, 1 (1956), abstract and table: eps_r = 78.30 at 25 C
# (measured, better than 0.1 %), 87.74 at 0 C, 55.72 at 100 C; the cubic fits the data within
# 0.01. Tolerance 0.02 = twice the fit's stated maximum deviation.
MM_TABLE = [(273.15, 87.74), (298.15, 78.30), (373.15, 55.72)]


@pytest.mark.parametrize("temperature, eps", MM_TABLE)
def test_water_permittivity_malmberg_maryott_table(temperature, eps):
    assert di.water_permittivity(temperature) == pytest.approx(eps, abs=0.02)


def test_water_permittivity_vectorised_and_decreasing():
    t = np.linspace(273.15, 373.15, 101)
    eps = di.water_permittivity(t)
    assert eps.shape == t.shape
    assert np.all(np.diff(eps) < 0)


def test_water_permittivity_outside_fit_warns_and_bad_input_raises():
    with pytest.warns(ValidityWarning, match="range of the permittivity fit"):
        di.water_permittivity(400.0)
    for bad in (-1.0, 0.0, np.nan, "hot"):
        with pytest.raises(ParameterError, match="temperature"):
            di.water_permittivity(bad)


def test_constant_permittivity_warns_away_from_its_temperature():
    pc = di.solvent_permittivity("propylene carbonate")
    assert pc(298.15) == pytest.approx(64.92)
    with pytest.warns(ValidityWarning, match="no temperature dependence"):
        pc(330.0)


def test_unknown_solvent_suggests():
    with pytest.raises(ParameterError, match="Did you mean 'water'"):
        di.solvent_permittivity("watr")


def test_langevin_series_and_closed_form_agree():
    # the two branches meet continuously; L(x) -> 1 - 1/x at large x; L'(x) = dL/dx
    x = np.array([1e-4, 9.99e-4, 1.001e-3, 0.5, 3.0, 50.0])
    exact = 1 / np.tanh(x) - 1 / x
    assert np.allclose(di.langevin(x)[2:], exact[2:], rtol=1e-12)
    assert np.allclose(di.langevin(x)[:2], x[:2] / 3, rtol=1e-6)
    h = 1e-6
    for xi in (5e-3, 0.02, 1.0, 4.0):
        fd = (di.langevin(xi + h) - di.langevin(xi - h)) / (2 * h)
        assert di.langevin_derivative(xi) == pytest.approx(fd, rel=1e-6)
    assert di.langevin(-2.0) == pytest.approx(-di.langevin(2.0))


def test_gavish_promislow_limits():
    eps_s, alpha, eps_ms = 78.3, 0.011, 20.0  # alpha = 11 per mol/L
    c = np.array([0.0, 1.0, 10.0])
    # dilute limit: eps_s - alpha c (L(x) = x/3 - x^3/45 ...: relative error ~ (3 alpha c/beta)^2/15)
    gp = di.gavish_promislow_decrement(c, permittivity=eps_s, decrement=alpha, saturation=eps_ms)
    lin = di.linear_decrement(c, permittivity=eps_s, decrement=alpha)
    assert gp[0] == eps_s
    assert np.allclose(gp[:2], lin[:2], atol=1e-6)
    # saturation: L(x) = 1 - 1/x + O(e^-2x), so eps - eps_ms -> beta^2 / (3 alpha c)
    beta = eps_s - eps_ms
    for c_big in (1e5, 1e9):
        big = di.gavish_promislow_decrement(
            c_big, permittivity=eps_s, decrement=alpha, saturation=eps_ms
        )
        assert big - eps_ms == pytest.approx(beta**2 / (3 * alpha * c_big), rel=1e-9)
    grid = np.linspace(0, 2e4, 200)
    vals = di.gavish_promislow_decrement(
        grid, permittivity=eps_s, decrement=alpha, saturation=eps_ms
    )
    assert np.all(np.diff(vals) < 0) and np.all(vals > eps_ms)


def test_decrement_object_value_and_derivative():
    dec = di.DielectricDecrement(decrement=0.011, saturation=20.0, source="test")
    c = np.linspace(0, 5000, 11)
    h = 1e-3
    fd = (dec(c + h, 78.3) - dec(np.maximum(c - h, 0), 78.3)) / np.where(c > 0, 2 * h, h)
    assert np.allclose(dec.derivative(c, 78.3), fd, rtol=1e-5)
    assert dec.derivative(0.0, 78.3) == pytest.approx(-0.011)
    lin = di.DielectricDecrement(decrement=0.011)
    assert lin.form == "linear"
    assert lin(1000.0, 78.3) == pytest.approx(78.3 - 11.0)
    with pytest.warns(ValidityWarning, match="beyond its range"):
        lin(2000.0, 78.3)


def test_decrement_bad_input():
    with pytest.raises(ParameterError, match="decrement"):
        di.DielectricDecrement(decrement=-1.0)
    with pytest.raises(ParameterError, match="saturation"):
        di.gavish_promislow_decrement(1.0, permittivity=78.3, decrement=0.01, saturation=90.0)
    with pytest.raises(ParameterError, match="concentration"):
        di.linear_decrement(-1.0, permittivity=78.3, decrement=0.01)
    with pytest.raises(ParameterError, match="concentration"), pytest.warns(ValidityWarning):
        di.DielectricDecrement(decrement=0.011)(1e4, 78.3)
    with pytest.warns(ValidityWarning, match="per mol/L"):
        di.DielectricDecrement(decrement=11.0)
