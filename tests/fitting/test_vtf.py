"""VTF / Arrhenius kernels and fit_vtf: closed forms, limits, parameter recovery, bad input."""

import numpy as np
import pytest

from ionscales import ParameterError
from ionscales.constants import R
from ionscales.fitting.vtf import fit_vtf
from ionscales.theory import temperature as tl


def test_vtf_reduces_to_arrhenius_at_zero_vogel_temperature():
    t = np.linspace(250.0, 400.0, 7)
    b = 1500.0
    assert np.allclose(
        tl.vtf(t, prefactor=2.0, pseudo_activation=b, vogel_temperature=0.0),
        tl.arrhenius(t, prefactor=2.0, activation_energy=R * b),
        rtol=1e-14,
    )


def test_vtf_conductivity_closed_form_and_monotone():
    t = np.array([260.0, 300.0, 350.0])
    s = tl.vtf_conductivity(t, prefactor=50.0, pseudo_activation=1200.0, vogel_temperature=180.0)
    assert np.allclose(s, 50.0 / np.sqrt(t) * np.exp(-1200.0 / (t - 180.0)))
    assert np.all(np.diff(s) > 0)
    # the apparent (Arrhenius) activation energy -d ln(sigma sqrt T)/d(1/T) = R B T^2/(T-T0)^2
    t0, b, tt, h = 180.0, 1200.0, 300.0, 1e-3

    def f(x):
        return np.log(
            tl.vtf_conductivity(
                x,
                prefactor=50.0,
                pseudo_activation=b,
                vogel_temperature=t0,
            )
            * np.sqrt(x)
        )

    slope = (f(tt + h) - f(tt - h)) / (1 / (tt + h) - 1 / (tt - h))
    assert -slope == pytest.approx(b * tt**2 / (tt - t0) ** 2, rel=1e-6)


@pytest.mark.parametrize("kernel", [tl.vtf, tl.vtf_conductivity])
def test_temperature_at_or_below_vogel_raises(kernel):
    with pytest.raises(ParameterError, match="Vogel temperature"):
        kernel(
            np.array([300.0, 200.0]),
            prefactor=1.0,
            pseudo_activation=100.0,
            vogel_temperature=200.0,
        )
    with pytest.raises(ParameterError, match="temperature"):
        kernel(-5.0, prefactor=1.0, pseudo_activation=100.0, vogel_temperature=0.0)


def test_fit_vtf_recovers_parameters_within_three_stderr():
    rng = np.random.default_rng(7)
    truth = dict(prefactor=80.0, pseudo_activation=1100.0, vogel_temperature=190.0)
    t = np.linspace(263.15, 363.15, 21)
    clean = tl.vtf_conductivity(t, **truth)
    rel = 0.01
    data = clean * (1 + rel * rng.standard_normal(t.size))
    fit = fit_vtf(t, data, sigma=rel * clean)
    assert fit.success and fit.errorbars
    for name, value in truth.items():
        assert abs(fit.best_values[name] - value) < 3 * fit.stderr[name], name
    assert fit.extra["activation_energy"] == pytest.approx(R * fit.best_values["pseudo_activation"])
    # chi-square of a correct model with correct weights ~ N - 3
    assert 0.3 < fit.redchi < 2.5
    ds = fit.to_dataset()
    assert ds["best_value"].sel(param="vogel_temperature").item() == pytest.approx(
        fit.best_values["vogel_temperature"]
    )


def test_fit_vtf_fixed_vogel_temperature():
    t = np.linspace(280.0, 360.0, 9)
    data = tl.vtf_conductivity(t, prefactor=30.0, pseudo_activation=900.0, vogel_temperature=200.0)
    fit = fit_vtf(t, data, vogel_temperature=200.0)
    assert fit.best_values["vogel_temperature"] == pytest.approx(200.0)
    assert fit.best_values["pseudo_activation"] == pytest.approx(900.0, rel=1e-6)
    assert fit.best_values["prefactor"] == pytest.approx(30.0, rel=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(temperature=[300, 310, 320, 330], conductivity=[1, 2, -1, 3]), "conductivity"),
        (dict(temperature=[300, 300, 310, 310], conductivity=[1, 1, 2, 2]), "distinct"),
        (
            dict(
                temperature=[300, 310, 320, 330], conductivity=[1, 2, 3, 4], vogel_temperature=305.0
            ),
            "vogel_temperature",
        ),
        (dict(temperature=[300, 310, 320], conductivity=[1, 2]), "length"),
    ],
)
def test_fit_vtf_bad_input(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fit_vtf(**kwargs)


def test_viscosity_product_law_and_limits():
    from ionscales.theory.viscosity import relative_viscosity, viscosity

    # infinite dilution: the solvent's law
    t = np.array([280.0, 300.0, 320.0])
    eta = viscosity(
        0.0, t, solvent_viscosity=1e-5, pseudo_activation=600.0, vogel_temperature=100.0
    )
    assert np.allclose(eta, 1e-5 * np.exp(600.0 / (t - 100.0)))
    # Jones-Dole: (eta_r - 1)/sqrt(c) is linear in sqrt(c) with intercept A and slope B
    c = np.linspace(1.0, 50.0, 20)
    er = relative_viscosity(c, a=0.005e-3**0.5 * 10, b=0.08e-3)
    slope, intercept = np.polyfit(np.sqrt(c), (er - 1) / np.sqrt(c), 1)
    assert slope == pytest.approx(0.08e-3, rel=1e-9) and intercept == pytest.approx(
        0.005e-3**0.5 * 10, rel=1e-9
    )
    with pytest.raises(ParameterError, match="relative viscosity"):
        relative_viscosity(5000.0, b=-1e-3)
    with pytest.raises(ParameterError, match="solvent_viscosity"):
        viscosity(100.0, 300.0, solvent_viscosity=-1.0, pseudo_activation=500.0)
    with pytest.raises(ParameterError, match="Vogel"):
        viscosity(
            100.0, 150.0, solvent_viscosity=1e-4, pseudo_activation=500.0, vogel_temperature=160.0
        )
