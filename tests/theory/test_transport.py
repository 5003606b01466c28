"""Transport of the ideal cluster mixture and the cluster-screening bridge."""

import math

import numpy as np
import pytest

from ionscales import ParameterError, presets
from ionscales.constants import avogadro, boltzmann, faraday, gas_constant
from ionscales.theory import screening
from ionscales.theory.aggregation import Aggregation, SolvatedAggregation, stokes_einstein
from ionscales.theory.transport import (
    cluster_conductivity,
    effective_cation_charge,
    nernst_einstein_conductivity,
    nernst_einstein_deviation,
    transference_number,
)

LITFSI = SolvatedAggregation.from_preset("LiTFSI(aq)")


def test_nernst_einstein_of_free_ions(nacl):
    c = 10.0
    d = nacl.diffusivities
    expected = faraday**2 / (gas_constant * 298.15) * c * (d[0] + d[1])
    assert nernst_einstein_conductivity(nacl, c) == pytest.approx(expected, rel=1e-12)
    assert nernst_einstein_conductivity(nacl, c, free_fraction=0.5) == pytest.approx(
        expected / 2, rel=1e-12
    )
    with pytest.raises(ParameterError):
        nernst_einstein_conductivity(nacl, c, free_fraction=1.5)


def test_free_fractions_protocol_feeds_nernst_einstein():
    e = presets.get("LiTFSI(aq)")
    c = np.array([100.0, 1000.0])
    alpha = LITFSI.free_fractions(e, c)
    assert alpha.shape == (2, 2) and np.all((alpha > 0) & (alpha <= 1))
    ds = LITFSI.solve(concentration=c)
    np.testing.assert_allclose(alpha[:, 0], ds.free_cation_fraction, rtol=1e-12)
    np.testing.assert_allclose(alpha[:, 1], ds.free_anion_fraction, rtol=1e-12)
    d = [1e-9, 1e-9]
    sigma = nernst_einstein_conductivity(e, c, free_fraction=LITFSI, diffusivities=d)
    manual = faraday**2 / (gas_constant * 298.15) * c * (alpha[:, 0] + alpha[:, 1]) * 1e-9
    np.testing.assert_allclose(sigma, manual, rtol=1e-12)


def test_carriers_contract_and_transport_identities():
    car = LITFSI.effective_carriers(molality=8.0, max_size=25)
    for v in ("carrier_charge", "carrier_concentration", "carrier_diameter", "carrier_diffusivity"):
        assert v in car and car[v].dims == ("carrier",)
    assert car.carrier.values[0] == "1+0-" and car.carrier.values[1] == "0+1-"
    np.testing.assert_array_equal(car.carrier_charge, car.n_cation - car.n_anion)
    # sol is electroneutral pre-gel and ions are conserved (truncation negligible at 8 m)
    conc = car.carrier_concentration
    assert float((conc * car.carrier_charge).sum()) == pytest.approx(
        0, abs=1e-6 * float(conc.sum())
    )
    assert float((conc * car.n_cation).sum()) == pytest.approx(
        car.attrs["cation_concentration_total"], rel=1e-6
    )
    # Stokes-Einstein rule on the cluster volume
    eta = presets.WATER.viscosity
    np.testing.assert_allclose(
        car.carrier_diffusivity,
        stokes_einstein(car.carrier_diameter, temperature=298.15, viscosity=eta),
    )
    t_plus, t_minus = transference_number(car), transference_number(car, "anion")
    assert t_plus + t_minus == pytest.approx(1.0, abs=1e-12)
    sigma = cluster_conductivity(car)
    z, c, d = car.carrier_charge.values, conc.values, car.carrier_diffusivity.values
    assert sigma == pytest.approx(
        faraday**2 / (gas_constant * 298.15) * np.sum(z**2 * c * d), rel=1e-12
    )
    # neutral pairs carry no current: sigma below Nernst-Einstein of the same self-diffusion
    assert 0 < nernst_einstein_deviation(car) < 1
    assert -1 < effective_cation_charge(car) < 1


def test_free_ions_only_give_nernst_einstein_exactly():
    model = Aggregation(3, 3, 0.0, site_volume=3e-29)
    car = model.effective_carriers(volume_fraction=0.1, diffusivity=1e-9, max_size=5)
    assert set(car.carrier.values) == {"1+0-", "0+1-"}
    assert nernst_einstein_deviation(car) == pytest.approx(0, abs=1e-12)
    assert transference_number(car) == pytest.approx(0.5)
    assert effective_cation_charge(car) == pytest.approx(1.0)


def test_user_diffusivity_callable():
    def rule(l, m, d, t):
        return 1e-9 / (l + m)

    car = LITFSI.effective_carriers(molality=5.0, diffusivity=rule, max_size=6)
    np.testing.assert_allclose(car.carrier_diffusivity, 1e-9 / (car.n_cation + car.n_anion))
    with pytest.raises(ParameterError):
        LITFSI.effective_carriers(molality=[5.0, 6.0])
    with pytest.raises(ParameterError):
        Aggregation(3, 3, 1.0, site_volume=3e-29).effective_carriers(
            volume_fraction=0.2
        )  # no viscosity


def test_cluster_screening_from_carriers():
    e = presets.get("LiTFSI(aq)")
    c = np.array([10.0, 1000.0, 3000.0])
    ds = screening(e, c, "cluster")
    assert np.all(ds.regime.values == "monotonic")
    lb = e.bjerrum_length
    for i, ci in enumerate(c):
        car = LITFSI.effective_carriers(concentration=ci, max_size=60)
        strength = float((car.carrier_concentration * car.carrier_charge**2).sum())
        kappa = math.sqrt(4 * math.pi * lb * avogadro * strength)
        assert float(ds.decay_length[i]) == pytest.approx(1 / kappa, rel=1e-6)
    # fewer carriers than ions: screening length longer than Debye, approaching it at dilution
    assert np.all(ds.decay_length.values > ds.debye_length.values)
    assert float(ds.decay_length[0] / ds.debye_length[0]) == pytest.approx(1, abs=0.05)
    assert "free_fraction" in ds
    with pytest.raises(ParameterError):
        screening(presets.get("NaCl(aq)"), c, "cluster")
    custom = screening(presets.get("NaCl(aq)"), c, "cluster", aggregation=Aggregation(1, 1, 0.0))
    np.testing.assert_allclose(custom.decay_length, custom.debye_length, rtol=1e-10)


def test_stokes_einstein_value():
    d = 1e-9
    assert stokes_einstein(d, temperature=300, viscosity=1e-3) == pytest.approx(
        boltzmann * 300 / (3 * math.pi * 1e-3 * d)
    )


def test_salt_in_ionic_liquid_carriers_negative_li_transference():
    from ionscales.theory.aggregation import SaltInIonicLiquid

    model = SaltInIonicLiquid(4, 3, 10.0, xi_cation=0.5, site_volume=4e-29, viscosity=0.05)
    car = model.effective_carriers(salt_fraction=0.1, max_size=15)
    assert car.carrier.values[-1] == "inert+"
    assert float(car.carrier_charge[-1]) == 1.0
    # IL cations: (1 - x)/x times the Li (all free)
    assert float(car.carrier_concentration[-1]) == pytest.approx(
        9 * car.attrs["cation_concentration_total"], rel=1e-12
    )
    assert effective_cation_charge(car) < 0
    assert transference_number(car) < 0  # Li drifts with the anionic clusters


@pytest.mark.parametrize(
    "model, name, values",
    [
        (SolvatedAggregation.from_preset("LiTFSI(aq)"), "molality", [2.0, 8.0, 12.0, 20.0]),
        (
            Aggregation(3, 2, 1.5, site_volume=3e-29, electrolyte=presets.get("NaCl(aq)")),
            "volume_fraction",
            [0.05, 0.3],
        ),
    ],
)
def test_vectorised_carrier_transport_matches_per_state_carriers(model, name, values):
    """carrier_transport (all states at once) = effective_carriers + transport, state by state."""
    from ionscales.theory.transport import carrier_transport

    ds = carrier_transport(model, **{name: values})
    for i, v in enumerate(values):
        car = model.effective_carriers(**{name: v})
        assert float(ds.conductivity[i]) == pytest.approx(cluster_conductivity(car), rel=1e-5)
        assert float(ds.transference_number[i]) == pytest.approx(
            transference_number(car), rel=1e-5, abs=1e-9
        )
        assert float(ds.cation_effective_charge[i]) == pytest.approx(
            effective_cation_charge(car), rel=1e-5
        )
        assert float(ds.nernst_einstein_deviation[i]) == pytest.approx(
            nernst_einstein_deviation(car), rel=1e-5, abs=1e-9
        )
    np.testing.assert_allclose(ds.transference_number + ds.anion_transference_number, 1, atol=1e-12)


def test_vectorised_carrier_transport_salt_in_ionic_liquid():
    from ionscales.theory.aggregation import SaltInIonicLiquid
    from ionscales.theory.transport import carrier_transport

    model = SaltInIonicLiquid(4, 3, 10.0, xi_cation=0.5, site_volume=4e-29, viscosity=0.05)
    ds = carrier_transport(model, salt_fraction=[0.02, 0.05])
    total = ds.transference_number + ds.anion_transference_number + ds.inert_transference_number
    np.testing.assert_allclose(total, 1, atol=1e-12)
    car = model.effective_carriers(salt_fraction=0.05)
    assert float(ds.conductivity[1]) == pytest.approx(cluster_conductivity(car), rel=1e-5)
    assert float(ds.nernst_einstein_deviation[1]) == pytest.approx(
        nernst_einstein_deviation(car), rel=1e-5
    )
    assert float(ds.inert_transference_number[1]) == pytest.approx(
        transference_number(car, "inert"), rel=1e-5
    )
