"""fitting.fit_transport: parameter recovery, calibration on Landesfeind 2019, bad input."""

import numpy as np
import pytest

from ionscales import ParameterError
from ionscales.fitting.measured import landesfeind2019
from ionscales.fitting.transport import fit_transport
from ionscales.theory import transport
from ionscales.theory import transport_presets as tpp
from ionscales.theory.transport_properties import TransportModel, ViscosityLaw

TRUE = dict(cation_radius=0.5e-9, anion_radius=0.3e-9, association_constant=20e-3)


def _base(**kw):
    visc = ViscosityLaw.at(0.9e-3, 298.15, pseudo_activation=900.0, b=0.3e-3, d=0.3e-6)
    return TransportModel(tpp.lipf6_ec_emc(), viscosity=visc, density_slope=0.1, **kw)


def _noisy(truth, *, seed):
    """The four measured properties of ``truth`` with 1 % relative Gaussian noise (molal TDF)."""
    rng = np.random.default_rng(seed)
    data = truth[
        ["conductivity", "salt_diffusivity", "transference_number", "thermodynamic_factor"]
    ].copy()
    for name in data.data_vars:
        data[name] = data[name] * (1 + 0.01 * rng.standard_normal(data[name].shape))
    data["thermodynamic_factor"].attrs["basis"] = "molal"
    return data


def test_recovers_known_parameters_from_synthetic_data():
    c = np.array([100.0, 400.0, 800.0, 1200.0, 1600.0])
    t = np.array([273.15, 298.15, 323.15])
    truth = transport.properties(_base(**TRUE), c, t)
    data = _noisy(truth, seed=12)
    start = _base(cation_radius=0.7e-9, anion_radius=0.2e-9, association_constant=5e-3)
    fit = fit_transport(data, start, vary=list(TRUE), relative_error=0.01)
    assert fit.success and fit.errorbars
    for name, value in TRUE.items():
        assert abs(fit.best_values[name] - value) < 3 * fit.stderr[name], name
    again = transport.properties(fit.electrolyte, c, t)  # the fit's electrolyte is accepted
    assert again.attrs["parameter_source"].startswith("calibrated: fit_transport")
    assert fit.extra["electrolyte"] is fit.electrolyte


def test_calibrated_chain_within_its_reported_deviations():
    """The stored calibration reproduces its own reported rms deviations on the Landesfeind
    grid (relative; absolute for t+): sigma within 13 %; D, t+ and TDF are the chain's
    documented failures (they were not fitted)."""
    c, t = tpp.CALIBRATION_GRID[tpp.LIPF6_EC_EMC]
    data = landesfeind2019(c, t)
    model = transport.properties(tpp.lipf6_ec_emc(), c, t)  # the calibrated parameters by name
    assert model.attrs["parameter_source"].startswith("calibrated")
    reported = tpp.DEVIATIONS[tpp.LIPF6_EC_EMC]
    for name in ("conductivity", "salt_diffusivity"):
        rms = float(np.sqrt(((model[name] / data[name] - 1) ** 2).mean()))
        assert rms <= reported[name] * 1.01, name
    rms_t = float(np.sqrt(((model.transference_number - data.transference_number) ** 2).mean()))
    assert rms_t <= reported["transference_number"] * 1.01
    rms_tdf = float(
        np.sqrt(((model.molar_thermodynamic_factor / data.thermodynamic_factor - 1) ** 2).mean())
    )
    assert rms_tdf <= reported["thermodynamic_factor"] * 1.01
    assert reported["conductivity"] < 0.15
    # the finding, pinned: the pairing + DH chain has TDF < 1 where the data rise to ~3.9
    assert (
        float(model.molar_thermodynamic_factor.max()) < 1 < float(data.thermodynamic_factor.max())
    )


def test_bad_input():
    with pytest.raises(ParameterError, match="concentration"):  # outside the measured range
        landesfeind2019([3000.0], [298.15])
    data = transport.properties(_base(**TRUE), [500.0, 1000.0], [298.15])[["conductivity"]]
    with pytest.raises(ParameterError, match="vary"):
        fit_transport(data, _base(), vary=["cation_radus"])
    with pytest.raises(ParameterError, match="data"):
        fit_transport(data[[]], _base())


def test_calibration_applies_to_the_preset_by_name():
    from ionscales import presets

    c = np.array([300.0, 1200.0])
    a = transport.properties(presets.get(tpp.LIPF6_EC_EMC), c, 298.15)
    b = transport.properties(tpp.lipf6_ec_emc(), c, 298.15)
    assert a.attrs["parameter_source"] == b.attrs["parameter_source"]
    np.testing.assert_allclose(a.conductivity.values, b.conductivity.values, rtol=1e-12)


# -- the aggregation chain (carriers="aggregation") -----------------------------------------
def _pc_electrolyte():
    """A 1:1 salt in propylene carbonate (the preset's PC solvent) with an eps_r(T) law
    (synthetic test solvent: eps_r 64.9 at 25 C, -0.24 /K [estimate])."""
    from dataclasses import replace

    from ionscales import presets
    from ionscales.dielectric import PolynomialPermittivity
    from ionscales.electrolyte import Electrolyte

    base = presets.get("[C4C1Pyrr][NTf2] in PC")
    eps = PolynomialPermittivity(
        coefficients=(64.9 + 0.24 * 25, -0.24),
        t_min=253.15,
        t_max=353.15,
        accuracy=0.05,
        source="synthetic test law",
    )
    solvent = replace(base.solvent, permittivity=None, permittivity_model=eps)
    return Electrolyte(
        ions=base.ions, stoichiometry=base.stoichiometry, solvent=solvent, name="salt in PC (test)"
    )


AGG_TRUE = dict(cation_radius=0.45e-9, anion_radius=0.35e-9, association_constant=8e-3)


def _pc_model(**kw):
    visc = ViscosityLaw.at(2.5e-3, 298.15, pseudo_activation=1000.0, b=0.4e-3, d=0.2e-6)
    return TransportModel(
        _pc_electrolyte(),
        viscosity=visc,
        density_slope=0.1,
        carriers="aggregation",
        f_cation=4,
        f_anion=2,
        association_enthalpy=-5e3,
        **kw,
    )


def test_aggregation_chain_recovers_known_parameters_in_another_solvent():
    """Synthetic Dataset (sigma, D, t+, molal TDF over c and T, 1 % noise) from known
    aggregation parameters in PC: fit_transport recovers K_pair and the radii within 3
    standard errors, and its electrolyte is accepted by transport.properties."""
    c = np.array([100.0, 400.0, 800.0, 1200.0, 1600.0])
    t = np.array([273.15, 298.15, 323.15])
    truth = transport.properties(_pc_model(**AGG_TRUE), c, t)
    assert float(truth.cluster_fraction.max()) > 0.05  # charged clusters present
    data = _noisy(truth, seed=7)
    start = _pc_model(cation_radius=0.6e-9, anion_radius=0.25e-9, association_constant=3e-3)
    fit = fit_transport(data, start, vary=list(AGG_TRUE), relative_error=0.01)
    assert fit.success and fit.errorbars
    for name, value in AGG_TRUE.items():
        assert abs(fit.best_values[name] - value) < 3 * fit.stderr[name], name
        assert abs(fit.best_values[name] / value - 1) < 0.1, name
    again = transport.properties(fit.electrolyte, c, t)
    assert again.attrs["carriers"] == "aggregation"
    assert again.attrs["parameter_source"].startswith("calibrated: fit_transport")


def test_calibrated_aggregation_chain_within_its_reported_deviations_and_the_finding():
    """The stored aggregation calibration (sigma, D, t+ fitted) reproduces its reported rms
    deviations on the Landesfeind grid, within 3 % (lipf6_ec_emc()'s eps_r(T) is an
    estimate, maintained elsewhere: its revision from -0.40 to -0.38 %/K moved the t+ rms of
    the old parameters from 0.1494 to 0.1529; the stored parameters are the refit on the
    revised law).
    Findings pinned: t+ falls with c at every T like the data (the pairing chain's is nearly
    flat), and it beats the pairing chain on t+; the TDF stays < 1 and falling where the
    data rise to ~3.9 (qualitatively wrong)."""
    c, t = tpp.CALIBRATION_GRID[tpp.LIPF6_EC_EMC]
    data = landesfeind2019(c, t)
    model = transport.properties(tpp.lipf6_ec_emc(), c, t, carriers="aggregation")
    assert model.attrs["carriers"] == "aggregation" and model.attrs["cluster_sum_converged"]
    assert model.attrs["parameter_source"].startswith("calibrated")
    reported = tpp.DEVIATIONS_AGGREGATION[tpp.LIPF6_EC_EMC]
    for name in ("conductivity", "salt_diffusivity"):
        rms = float(np.sqrt(((model[name] / data[name] - 1) ** 2).mean()))
        assert rms <= reported[name] * 1.03, name
    rms_t = float(np.sqrt(((model.transference_number - data.transference_number) ** 2).mean()))
    assert rms_t <= reported["transference_number"] * 1.03
    tdf = model.molar_thermodynamic_factor
    rms_tdf = float(np.sqrt(((tdf / data.thermodynamic_factor - 1) ** 2).mean()))
    assert rms_tdf <= reported["thermodynamic_factor"] * 1.03
    assert reported["conductivity"] < 0.13 and reported["transference_number"] < 0.16
    # t+ falls with c at every temperature, as measured
    assert np.all(np.diff(model.transference_number.values, axis=0) < 0)
    assert np.all(data.transference_number.values[-1] < data.transference_number.values[0])
    pairing = transport.properties(tpp.lipf6_ec_emc(), c, t)
    rms_pair = float(
        np.sqrt(((pairing.transference_number - data.transference_number) ** 2).mean())
    )
    assert rms_t < 0.6 * rms_pair
    assert float(tdf.max()) < 1 < float(data.thermodynamic_factor.max())
    assert np.all(np.diff(tdf.values, axis=0) < 0)


def test_fit_data_out_of_range_is_a_parameter_error():
    data = transport.properties(_base(**TRUE), [500.0, 1000.0], [298.15])[["conductivity"]]
    bad = data.copy()
    bad["conductivity"] = -bad["conductivity"]
    with pytest.raises(ParameterError, match="conductivity out of range"):
        fit_transport(bad, _base())
    t_bad = transport.properties(_base(**TRUE), [500.0], [298.15])[["transference_number"]] * 3
    with pytest.raises(ParameterError, match="transference_number out of range"):
        fit_transport(t_bad, _base())


@pytest.mark.slow
def test_stored_aggregation_calibration_is_reproduced_by_its_recorded_fit():
    """Provenance: the fit recorded in CALIBRATED_AGGREGATION (data, start, vary, errors)
    run again gives the stored parameters (within half a standard error: the eps_r(T)
    estimate of lipf6_ec_emc() may be revised, see above) and deviations (within 0.005)."""
    from dataclasses import replace

    c, t = tpp.CALIBRATION_GRID[tpp.LIPF6_EC_EMC]
    data = landesfeind2019(c, t)
    entry = tpp.CALIBRATED_AGGREGATION[tpp.LIPF6_EC_EMC]
    start = replace(
        tpp.calibrated(tpp.LIPF6_EC_EMC, tpp.lipf6_ec_emc()),
        carriers="aggregation",
        f_cation=4,
        f_anion=2,
    )
    vary = [
        "association_constant",
        "association_enthalpy",
        "cation_radius",
        "anion_radius",
        "viscosity_pseudo_activation",
        "viscosity_b",
        "viscosity_d",
    ]
    err = {"conductivity": 0.05, "salt_diffusivity": 0.1, "transference_number": 0.05}
    fit = fit_transport(data[list(err)], start, vary=vary, relative_error=err)
    for name in vary:
        stored = entry[name]
        assert abs(fit.best_values[name] - stored) <= 0.5 * fit.stderr[name], name
    reported = tpp.DEVIATIONS_AGGREGATION[tpp.LIPF6_EC_EMC]
    for name in err:
        assert abs(fit.extra["deviation"][name] - reported[name]) < 5e-3, name
