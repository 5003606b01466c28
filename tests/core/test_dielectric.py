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
    # the linear carbonates have one value each, no temperature data
    emc = di.solvent_permittivity("ethyl methyl carbonate")
    assert emc(298.15) == pytest.approx(2.958)
    with pytest.warns(ValidityWarning, match="no temperature dependence"):
        emc(330.0)


# CRC Handbook, "Permittivity (Dielectric Constant) of Liquids" (PROVENANCE.md): tabulated
# EC 89.78 at 313.2 K and PC 66.14 at 293 K (the points the fits are anchored on), and an
# independent compilation, K. Xu, Chem. Rev. 104, 4303 (2004), Table 1: PC 64.92 at 25 C,
# EC 89.78 at 40 C. Tolerances: the fits' own deviation from their tabulated point (EC 0.13 %,
# PC 0.003 %) and 0.1 % for Xu's PC value.
@pytest.mark.parametrize(
    "solvent, temperature, eps, rel",
    [
        ("ethylene carbonate", 313.2, 89.78, 2e-3),
        ("ethylene carbonate", 313.15, 89.78, 2e-3),  # Xu 2004
        ("propylene carbonate", 293.0, 66.14, 1e-4),
        ("propylene carbonate", 298.15, 64.92, 1e-3),  # Xu 2004
    ],
)
def test_carbonate_permittivity_against_tabulated_values(solvent, temperature, eps, rel):
    assert di.solvent_permittivity(solvent)(temperature) == pytest.approx(eps, rel=rel)


def test_carbonate_permittivity_temperature_dependence():
    # the published kelvin polynomials, evaluated directly (independent of the Celsius form)
    t = np.array([273.0, 298.15, 333.0])
    pc = 159.4 - 0.3953 * t + 2.6284e-4 * t**2
    np.testing.assert_allclose(di.PC_CRC(t), pc, rtol=1e-12)
    t = np.array([313.0, 328.0, 343.0])
    np.testing.assert_allclose(di.EC_CRC(t), 207.46 - 0.3761 * t, rtol=1e-12)
    # eps_r falls with T (PC: -0.25 K^-1 at 25 C, about -0.4 %/K)
    slope = (di.PC_CRC(308.15) - di.PC_CRC(288.15)) / 20
    assert slope == pytest.approx(-0.3953 + 2 * 2.6284e-4 * 298.15, rel=1e-9)
    # outside the measured range (EC below its 36.4 C melting point): warns, still evaluates
    with pytest.warns(ValidityWarning, match="range of the permittivity fit"):
        assert di.EC_CRC(298.15) == pytest.approx(207.46 - 0.3761 * 298.15)
    with pytest.warns(ValidityWarning, match="range of the permittivity fit"):
        di.PC_CRC(350.0)


def test_kelvin_to_celsius_coefficients_is_exact():
    rng = np.random.default_rng(3)
    b = tuple(rng.normal(size=4))
    a = di.kelvin_to_celsius_coefficients(b)
    temp = np.linspace(250, 400, 7)
    direct = sum(bk * temp**k for k, bk in enumerate(b))
    shifted = sum(ak * (temp - 273.15) ** k for k, ak in enumerate(a))
    np.testing.assert_allclose(shifted, direct, rtol=1e-10)


def test_pc_preset_carries_eps_of_t():
    from ionscales import presets

    e = presets.get("[C4C1Pyrr][NTf2] in PC")
    assert e.permittivity == pytest.approx(159.4 - 0.3953 * 298.15 + 2.6284e-4 * 298.15**2)
    assert e.permittivity == pytest.approx(64.92, rel=1e-3)  # Xu 2004 at 25 C
    hot = e.with_(temperature=323.15)
    assert hot.permittivity == pytest.approx(159.4 - 0.3953 * 323.15 + 2.6284e-4 * 323.15**2)
    assert hot.bjerrum_length / e.bjerrum_length == pytest.approx(
        (e.permittivity * 298.15) / (hot.permittivity * 323.15), rel=1e-9
    )


def test_ec_emc_transport_preset_slope_from_the_mixing_rule():
    # d eps/dT of the volume-fraction average = phi_EC * (-0.3761 K^-1); phi_EC from Xu's
    # component densities (30 g EC at 1.321, 70 g EMC at 1.006 g/cm^3)
    from ionscales.theory.transport_presets import lipf6_ec_emc

    e = lipf6_ec_emc()
    phi_ec = (30 / 1.321) / (30 / 1.321 + 70 / 1.006)
    cold = e.with_(temperature=263.15).permittivity
    assert (cold - e.permittivity) / (263.15 - 298.15) == pytest.approx(phi_ec * -0.3761, rel=1e-9)


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
