"""transport.properties: the association -> Stokes–Einstein -> Onsager -> Newman chain."""

import math

import numpy as np
import pytest
import sympy as sp
import xarray as xr

from ionscales import ParameterError, presets
from ionscales.constants import faraday, gas_constant
from ionscales.theory import thermo, transport
from ionscales.theory import transport_properties as tp
from ionscales.theory.transport_presets import lipf6_ec_emc

C = np.array([50.0, 200.0, 500.0, 1000.0, 1500.0, 2000.0])
T = np.array([263.15, 283.15, 298.15, 323.15])
VISCOSITY = tp.ViscosityLaw.at(
    0.9e-3, 298.15, pseudo_activation=700.0, vogel_temperature=100.0, b=0.4e-3, d=0.2e-6
)
PARAMS = dict(
    association_constant=5e-3,
    association_enthalpy=-5e3,
    cation_radius=0.45e-9,
    anion_radius=0.3e-9,
    viscosity=VISCOSITY,
    density_slope=0.1,
)


@pytest.fixture(scope="module")
def props():
    return transport.properties(lipf6_ec_emc(), C, T, **PARAMS)


def test_dataset_labelled_and_round_trips(props, tmp_path):
    assert props["conductivity"].dims == ("concentration", "temperature")
    for name in list(props.data_vars) + list(props.coords):
        assert props[name].attrs.get("units") and props[name].attrs.get("long_name"), name
    assert props["thermodynamic_factor"].attrs["basis"] == "molal"
    assert props["molar_thermodynamic_factor"].attrs["basis"] == "molar"
    path = tmp_path / "p.nc"
    props.to_netcdf(path)
    back = xr.load_dataset(path)
    xr.testing.assert_allclose(back, props)


def test_transference_numbers_sum_to_one_and_onsager_symmetric_psd(props):
    L = props["onsager_coefficient_molar"].values
    assert np.allclose(L[..., 0, 1], L[..., 1, 0])
    assert np.all(np.linalg.eigvalsh(L) >= -1e-14 * np.abs(L).max())
    s = L[..., 0, 0] - 2 * L[..., 0, 1] + L[..., 1, 1]
    t_minus = (L[..., 1, 1] - L[..., 0, 1]) / s  # anion: z-(z+ L+- + z- L--)/S
    np.testing.assert_allclose(props["transference_number"].values + t_minus, 1.0, rtol=1e-12)


def test_conductivity_equals_the_carrier_route(props):
    """sigma, t+ from the Onsager route = the existing carrier sums (cluster_conductivity)."""
    for i in (0, 3, 5):
        for j in (0, 2):
            state = props.isel(concentration=i, temperature=j)
            carriers = xr.Dataset(
                {
                    "carrier_concentration": state["carrier_concentration"],
                    "carrier_diffusivity": state["carrier_diffusivity"],
                },
                coords={k: props[k] for k in ("carrier_charge", "n_cation", "n_anion")},
                attrs={"temperature": float(state.temperature)},
            )
            assert math.isclose(
                transport.cluster_conductivity(carriers), float(state.conductivity), rel_tol=1e-12
            )
            assert math.isclose(
                transport.transference_number(carriers),
                float(state.transference_number),
                rel_tol=1e-12,
            )


def test_vectorised_grid_equals_pointwise(props):
    e = lipf6_ec_emc()
    for i, j in ((1, 0), (4, 3)):
        one = transport.properties(e, C[i], T[j], **PARAMS)
        for name in (
            "conductivity",
            "salt_diffusivity",
            "transference_number",
            "thermodynamic_factor",
        ):
            assert math.isclose(float(one[name].squeeze()), float(props[name][i, j]), rel_tol=1e-12)


def test_thermodynamic_factor_exact_against_finite_differences():
    """TDF_c = 1 + d ln(alpha y_f)/d ln c (sympy closed form) vs a central difference."""
    k = tp.thermodynamic_factor_kernels()
    lc, a, K = 3.0e-9, 0.6e-9, 8e-3
    c = np.array([10.0, 300.0, 1500.0])
    tdf = k["tdf_molar"](
        tp.free_fraction(c, coupling_length=lc, contact_distance=a, association_constant=K)[0],
        c,
        lc,
        a,
        K,
    )

    def ln_y(cc):
        alpha = tp.free_fraction(
            cc, coupling_length=lc, contact_distance=a, association_constant=K
        )[0]
        return np.log(alpha) + k["ln_y_free"](alpha, cc, lc, a, K)

    h = 1e-5
    fd = 1 + (ln_y(c * math.exp(h)) - ln_y(c * math.exp(-h))) / (2 * h)
    np.testing.assert_allclose(tdf, fd, rtol=1e-7)
    assert np.all(tdf < 1)  # pairing + DH only lower the activity: a finding, see README


def test_implicit_derivative_matches_plain_implicit_differentiation():
    k = tp.thermodynamic_factor_kernels()
    x, c, l, a, K = k["symbols"]
    ln_y = k["expressions"]["ln_y_free"]
    g = sp.log(1 - x) - 2 * sp.log(x) - sp.log(c) - 2 * ln_y - sp.log(K)
    reference = sp.lambdify((x, c, l, a, K), -sp.diff(g, c) / sp.diff(g, x), "numpy")
    args = (0.7, 800.0, 3e-9, 0.5e-9, 4e-3)
    assert math.isclose(k["dalpha_dc"](*args), reference(*args), rel_tol=1e-10)


def test_no_pairing_activity_is_extended_debye_hueckel():
    """K_A = 0: ln y_pm equals thermo's independent 'dh-extended' at the contact distance."""
    e = presets.get("KCl(aq)")
    c = np.array([1.0, 10.0, 100.0])
    a = 0.4e-9
    ln_ref = np.log(thermo.activity_coefficient(e, c, "dh-extended", ion_size=a))
    k = tp.thermodynamic_factor_kernels()
    ln_here = k["ln_y_free"](1.0, c, e.bjerrum_length, a, 0.0)
    np.testing.assert_allclose(ln_here, ln_ref, rtol=1e-12)


def test_thermodynamic_factor_tends_to_debye_hueckel_limit():
    """TDF -> 1 - l_B kappa / 4 (d ln y / d ln c of the limiting law) as c -> 0."""
    e = presets.get("KCl(aq)")
    c = np.array([1e-4, 1e-3, 1e-2])
    ds = transport.properties(e, c, association_constant=0.0)
    kappa = np.sqrt(8 * math.pi * e.bjerrum_length * 6.02214076e23 * c)
    tdf = ds["molar_thermodynamic_factor"].values[:, 0]
    np.testing.assert_allclose(1 - tdf, e.bjerrum_length * kappa / 4, rtol=2e-2)
    assert abs(tdf[0] - 1) < 1e-3


def test_debye_hueckel_onsager_limiting_law_kcl():
    """Lambda = Lambda_0 - (A + B Lambda_0) sqrt(c): water 25 C, 1:1, A = 60.20 S cm^2 mol^-1
    (mol/L)^-1/2 and B = 0.2289 (mol/L)^-1/2 (Robinson & Stokes, Electrolyte Solutions, 2nd
    ed., Table 7.3, for eps_r 78.54 and eta 0.8903 mPa s). Tolerance 1 %: eps_r 78.30 and eta
    0.89 mPa s here shift A and B by ~0.3–0.5 %."""
    e = presets.get("KCl(aq)")
    c = np.array([1e-4, 4e-4])  # mol/m^3: kappa a < 1e-3, the O(c) terms are < 1e-4 of the slope
    ds = transport.properties(e, c, association_constant=0.0)
    lam = ds["conductivity"].values[:, 0] / c * 1e4  # S cm^2/mol
    lam0 = faraday**2 / (gas_constant * 298.15) * (1.957e-9 + 2.032e-9) * 1e4
    assert math.isclose(lam0, 149.8, rel_tol=2e-3)  # KCl limiting conductance, 149.86
    slope = (lam0 - lam) / np.sqrt(c / 1000)
    np.testing.assert_allclose(slope, 60.20 + 0.2289 * lam0, rtol=1e-2)
    # without the corrections: sigma -> Lambda_0 c exactly (relaxation-free, uncorrelated)
    bare = transport.properties(e, c, association_constant=0.0, onsager_corrections=False)
    np.testing.assert_allclose(bare["conductivity"].values[:, 0] / c * 1e4, lam0, rtol=1e-12)


def test_dilute_limit_is_nernst_hartley():
    e = presets.get("KCl(aq)")
    ds = transport.properties(e, [1e-3], association_constant=0.0, onsager_corrections=False)
    dp, dm = 1.957e-9, 2.032e-9
    assert math.isclose(float(ds.transference_number.squeeze()), dp / (dp + dm), rel_tol=1e-12)
    assert math.isclose(float(ds.salt_diffusivity.squeeze()), 2 * dp * dm / (dp + dm), rel_tol=1e-3)


def test_fuoss_kernel_matches_models():
    from ionscales.theory import models

    e = presets.get("LiPF6 in EC/DMC")
    k = tp.fuoss_association_constant(e.contact_diameter, e.bjerrum_length)
    assert math.isclose(float(k), models.fuoss_association_constant(e), rel_tol=1e-12)


def test_pairs_lower_conductivity_not_diffusivity_mass_balance(props):
    carriers = props["carrier_concentration"]
    total_cation = (carriers * props["n_cation"]).sum("carrier")
    np.testing.assert_allclose(
        total_cation.values, np.broadcast_to(C[:, None], total_cation.shape), rtol=1e-12
    )
    np.testing.assert_allclose(props.free_fraction + props.pair_fraction, 1.0, rtol=1e-12)


def test_temperature_enters_through_permittivity_and_viscosity(props):
    e = lipf6_ec_emc()
    eps = props["permittivity"].isel(concentration=0).values
    np.testing.assert_allclose(
        eps, [e.with_(temperature=float(t)).permittivity for t in T], rtol=1e-12
    )
    eta = props["viscosity"].values
    assert np.all(np.diff(eta, axis=1) < 0) and np.all(np.diff(eta, axis=0) > 0)
    assert np.all(np.diff(props.conductivity.values, axis=1) > 0)


def test_bad_input_raises_parameter_error():
    e = lipf6_ec_emc()
    with pytest.raises(ParameterError, match="temperature"):  # below the VTF T0
        transport.properties(e, C, [90.0], **PARAMS)
    with pytest.raises(ParameterError, match="solvent_viscosity"):
        tp.ViscosityLaw(-1e-3)
    with pytest.raises(ParameterError, match="concentration"):  # Jones–Dole law turns negative
        transport.properties(e, [500.0], viscosity=tp.ViscosityLaw(1e-3, b=-3e-3))
    with pytest.raises(ParameterError, match="concentration"):
        transport.properties(e, [-1.0], **PARAMS)
    with pytest.raises(ParameterError, match="cation_radius"):
        transport.properties(e, C, cation_radius=-1e-10)
    with pytest.raises(ParameterError, match="electrolyte"):
        transport.properties(presets.get("CaCl2(aq)"), C)


@pytest.mark.parametrize("molality", [2.0, 12.0])
def test_onsager_route_from_aggregation_carriers_equals_carrier_transport(molality):
    """Aggregation carriers -> L_ij (uncorrelated carriers) -> kappa, t+ by concentrated-solution
    theory = carrier_transport's sigma, t+ (the ideal cluster mixture, its own code)."""
    from ionscales.theory import concentrated_solution as cst
    from ionscales.theory.aggregation import SolvatedAggregation

    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    ref = transport.carrier_transport(model, molality=[molality])
    carriers = model.effective_carriers(molality=molality)
    L = tp.onsager_from_carriers(carriers)
    assert np.allclose(L, L.T) and np.all(np.linalg.eigvalsh(L) >= 0)
    assert math.isclose(float(cst.conductivity(L)), float(ref.conductivity[0]), rel_tol=1e-5)
    assert math.isclose(
        float(cst.transference_number(L)), float(ref.transference_number[0]), rel_tol=1e-5
    )


def test_molal_factor_consistent_with_the_numerical_conversion():
    """TDF_m (exact d ln m/d ln c of the linear density law) -> TDF_c by the independent
    finite-difference conversion of concentrated_solution recovers the molar factor."""
    from ionscales.theory import concentrated_solution as cst

    c = np.linspace(100.0, 2000.0, 400)
    ds = transport.properties(lipf6_ec_emc(), c, 298.15, **PARAMS).isel(temperature=0)
    back = cst.molar_thermodynamic_factor(
        ds.thermodynamic_factor.values, concentration=c, molality=ds.molality.values
    )
    np.testing.assert_allclose(back, ds.molar_thermodynamic_factor.values, rtol=1e-5)


def test_van_t_hoff_association():
    model = tp.TransportModel(
        lipf6_ec_emc(), association_constant=0.01, association_enthalpy=-8e3, viscosity=VISCOSITY
    )
    k = model.association(np.array([273.15, 298.15, 323.15]))
    assert math.isclose(k[1], 0.01, rel_tol=1e-12)
    expected = 0.01 * math.exp(8e3 / gas_constant * (1 / 273.15 - 1 / 298.15))
    assert math.isclose(k[0], expected, rel_tol=1e-12) and k[2] < k[1]
