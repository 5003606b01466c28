"""transport.properties(carriers="aggregation"): Flory–Stockmayer clusters as the carriers."""

import math

import numpy as np
import pytest
import sympy as sp
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ionscales import ParameterError, presets
from ionscales.constants import avogadro, boltzmann, faraday, gas_constant
from ionscales.errors import ConvergenceWarning
from ionscales.theory import concentrated_solution as cst
from ionscales.theory import transport
from ionscales.theory import transport_properties as tp
from ionscales.theory.aggregation import Aggregation, pair_to_site_constant
from ionscales.theory.transport_presets import lipf6_ec_emc

C = np.array([20.0, 200.0, 700.0, 1500.0, 2000.0])
T = np.array([263.15, 298.15, 323.15])
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
AGG = dict(PARAMS, carriers="aggregation", f_cation=4, f_anion=2)


@pytest.fixture(scope="module")
def agg():
    return transport.properties(lipf6_ec_emc(), C, T, **AGG)


@pytest.mark.parametrize("dho", [True, False])
def test_one_site_per_ion_is_the_pairing_chain(dho):
    """f+ = f- = 1: the Flory–Stockmayer carriers are free ions + pairs with c_11 = K_pair
    c_10 c_01 y_f^2: every output equals the pairing chain (independent code) to 1e-10."""
    e = lipf6_ec_emc()
    pair = transport.properties(e, C, T, onsager_corrections=dho, **PARAMS)
    fs = transport.properties(
        e, C, T, onsager_corrections=dho, carriers="aggregation", f_cation=1, f_anion=1, **PARAMS
    )
    for name in (
        "conductivity",
        "salt_diffusivity",
        "transference_number",
        "thermodynamic_factor",
        "molar_thermodynamic_factor",
        "free_fraction",
        "pair_fraction",
        "onsager_coefficient_molar",
    ):
        np.testing.assert_allclose(fs[name].values, pair[name].values, rtol=1e-10, err_msg=name)
    np.testing.assert_allclose(fs.cluster_fraction.values, 0.0, atol=1e-15)


def test_labelled_round_trips_and_records_the_truncation(agg, tmp_path):
    for name in list(agg.data_vars) + list(agg.coords):
        assert agg[name].attrs.get("units") and agg[name].attrs.get("long_name"), name
    assert agg.attrs["carriers"] == "aggregation"
    assert agg.attrs["cluster_sum_converged"]
    assert agg.attrs["cluster_sum_truncated_fraction"] <= 1e-6
    assert agg.attrs["cluster_sum_max_size"] >= 16
    path = tmp_path / "agg.nc"
    agg.to_netcdf(path)
    xr.testing.assert_allclose(xr.load_dataset(path), agg)


def test_transference_sum_and_onsager_symmetric_psd(agg):
    L = agg["onsager_coefficient_molar"].values
    assert np.allclose(L[..., 0, 1], L[..., 1, 0], rtol=0, atol=0)
    assert np.all(np.linalg.eigvalsh(L) >= -1e-14 * np.abs(L).max())
    s = L[..., 0, 0] - 2 * L[..., 0, 1] + L[..., 1, 1]
    t_minus = (L[..., 1, 1] - L[..., 0, 1]) / s
    np.testing.assert_allclose(agg["transference_number"].values + t_minus, 1.0, rtol=1e-12)


def test_onsager_matrix_equals_the_aggregation_models_own_carriers():
    """Independent route: Aggregation(...).effective_carriers (its own mass-action solve,
    cluster enumeration and truncation) with the same activity-corrected site constant and
    D_lm = kT/(6 pi eta r_lm) -> onsager_from_carriers = L of transport.properties; also
    sigma = Nernst–Einstein over the same carriers, F^2/RT sum z_lm^2 c_lm D_lm."""
    e = lipf6_ec_emc()
    c, temp = 1500.0, 298.15
    params = dict(AGG, onsager_corrections=False, association_constant=0.05)
    ds = transport.properties(e, [c], [temp], **params)
    model = tp.TransportModel(e, **params)
    coupling = float(e.bjerrum_length)
    state = tp.aggregation_free_fractions(
        c,
        coupling_length=coupling,
        contact_distance=model.distance,
        association_constant=0.05,
        f_cation=4,
        f_anion=2,
    )
    assert float(state["x"]) < 0.9  # strongly associated: charged clusters matter
    v0 = 1e-28
    lam = float(state["site_constant"]) / (avogadro * v0)
    eta = float(ds.viscosity.squeeze())
    r_p, r_m = 0.45e-9, 0.3e-9

    def stokes(l, m, d, t):
        return boltzmann * t / (6 * math.pi * eta * np.cbrt(l * r_p**3 + m * r_m**3))

    ref = Aggregation(4, 2, lam, site_volume=v0, electrolyte=e).effective_carriers(
        concentration=c, temperature=temp, diffusivity=stokes, tolerance=1e-8
    )
    L_ref = tp.onsager_from_carriers(ref)
    L = ds["onsager_coefficient_molar"].values[0, 0]
    np.testing.assert_allclose(L, L_ref, rtol=1e-6)
    z = ref["carrier_charge"].values
    sigma_ne = (
        faraday**2
        / (gas_constant * temp)
        * np.sum(z**2 * ref.carrier_concentration.values * ref.carrier_diffusivity.values)
    )
    assert math.isclose(float(ds.conductivity.squeeze()), sigma_ne, rel_tol=1e-6)
    assert math.isclose(float(cst.conductivity(L_ref)), sigma_ne, rel_tol=1e-10)
    # the listed carriers are those of the model
    lab = {
        (int(a), int(b)): float(v)
        for a, b, v in zip(ref.n_cation, ref.n_anion, ref.carrier_concentration)
    }
    got = ds.carrier_concentration.values[0, 0]
    for k, (l, m) in enumerate([(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]):
        assert math.isclose(got[k], lab[(l, m)], rel_tol=1e-8), (l, m)


def test_dilute_limit_is_nernst_hartley():
    """c -> 0: every cluster dissociates, sigma/c -> F^2/RT (D+ + D-), t+ -> D+/(D+ + D-)."""
    e = lipf6_ec_emc()
    ds = transport.properties(e, [1e-4], [298.15], **dict(AGG, onsager_corrections=False))
    eta = float(ds.viscosity.squeeze())
    kt = boltzmann * 298.15
    dp, dm = kt / (6 * math.pi * eta * 0.45e-9), kt / (6 * math.pi * eta * 0.3e-9)
    assert math.isclose(float(ds.transference_number.squeeze()), dp / (dp + dm), rel_tol=1e-5)
    lam = float(ds.conductivity.squeeze()) / 1e-4
    assert math.isclose(lam, faraday**2 / (gas_constant * 298.15) * (dp + dm), rel_tol=1e-5)
    # TDF -> 1 with the Debye–Hückel limiting slope, 1 - TDF = l_B kappa / 4
    lb = float(ds.permittivity.squeeze()) and tp.bjerrum_length(
        float(ds.permittivity.squeeze()), 298.15
    )
    kappa = math.sqrt(8 * math.pi * lb * avogadro * 1e-4)
    tdf = float(ds.molar_thermodynamic_factor.squeeze())
    assert math.isclose(1 - tdf, lb * kappa / 4, rel_tol=2e-2)


def test_anion_rich_clusters_lower_the_transference_number():
    """f+ > f-: [Li(PF6)2]- outnumbers Li2PF6+, carries Li backwards: t+ falls below the
    pairing chain's at the same K_pair and drops with c (no DHO, same viscosity)."""
    e = lipf6_ec_emc()
    c = np.array([200.0, 1000.0, 2000.0])
    base = dict(PARAMS, association_constant=0.05, onsager_corrections=False)
    pair = transport.properties(e, c, [298.15], **base)
    fs = transport.properties(e, c, [298.15], carriers="aggregation", f_cation=4, f_anion=1, **base)
    c12, c21 = fs.carrier_concentration.values[:, 0, 3], fs.carrier_concentration.values[:, 0, 4]
    assert np.all(c12 > 0) and np.all(c21 == 0)  # f- = 1: an anion binds one cation only
    t_fs, t_pair = fs.transference_number.values[:, 0], pair.transference_number.values[:, 0]
    assert np.all(t_fs < t_pair) and np.all(np.diff(t_fs) < 0)
    assert np.all(fs.cluster_fraction.values > 0)


def test_gel_point_warns_never_silent():
    """Near the gel point the sol tail decays slowly: at a small size_limit the sums are
    returned unconverged with a ConvergenceWarning and the record says so; at/past the gel
    point the chain warns and then refuses (TDF <= 0) with a ParameterError naming it."""
    e = lipf6_ec_emc()
    near = dict(AGG, f_anion=4, association_constant=0.02, cluster_size_limit=32)
    with pytest.warns(ConvergenceWarning, match="not converged"):
        ds = transport.properties(e, [2000.0], [298.15], **near)
    assert 0.3 < ds.attrs["max_gel_parameter"] < 1
    assert not ds.attrs["cluster_sum_converged"]
    assert ds.attrs["cluster_sum_max_size"] == 32
    past = dict(AGG, f_anion=4, association_constant=5.0)
    with pytest.warns(ConvergenceWarning, match="gel point"):
        with pytest.raises(ParameterError, match="gel point"):
            transport.properties(e, [2000.0], [298.15], **past)


def test_thermodynamic_factor_vanishes_at_the_gel_point_for_equal_functionalities():
    """Ideal tree theory (DH switched off, l -> 0), f+ = f- = f: u q^2 ... closed form
    d ln q / d ln(Lambda f c) = -(1 - q)/(2 - q) with q = (f - 2)/(f - 1) at the gel point
    gives d ln c_10/d ln c = 1 + f d ln q/d ln c = 0: TDF = 0 exactly there."""
    from scipy.optimize import brentq

    lc, a, c = 1e-15, 5e-10, 1000.0
    for f in (3, 4, 6):
        k = tp.aggregation_kernels(f, f)

        def state(K, f=f):
            return tp.aggregation_free_fractions(
                c,
                coupling_length=lc,
                contact_distance=a,
                association_constant=K,
                f_cation=f,
                f_anion=f,
            )

        K = brentq(
            lambda K, f=f: (f - 1) ** 2 * state(K)["p_cation"] ** 2 - 1, 1e-8, 10, xtol=1e-15
        )
        assert math.isclose(float(state(K)["q_cation"]), (f - 2) / (f - 1), rel_tol=1e-9)
        assert abs(k["tdf_molar"](state(K)["x"], c, lc, a, K)) < 1e-8


def test_thermodynamic_factor_exact_against_finite_differences():
    """TDF_c = 1 + d ln y_pm/d ln c of the aggregation chain (sympy + implicit dx/dc) vs a
    central difference of ln y_pm along re-solved states (1e-6)."""
    lc, a, K = 3.0e-9, 0.6e-9, 0.05
    c = np.array([5.0, 300.0, 1500.0])
    for fp, fm in [(4, 2), (2, 4), (3, 1), (1, 1)]:
        k = tp.aggregation_kernels(fp, fm)

        def ln_y(cc, fp=fp, fm=fm, k=k):
            st = tp.aggregation_free_fractions(
                cc,
                coupling_length=lc,
                contact_distance=a,
                association_constant=K,
                f_cation=fp,
                f_anion=fm,
            )
            return 0.5 * np.log(st["q_cation"] ** fp * st["q_anion"] ** fm) + st["ln_y_free"]

        x = tp.aggregation_free_fractions(
            c,
            coupling_length=lc,
            contact_distance=a,
            association_constant=K,
            f_cation=fp,
            f_anion=fm,
        )["x"]
        tdf = k["tdf_molar"](x, c, lc, a, K)
        h = 1e-5
        fd = 1 + (ln_y(c * math.exp(h)) - ln_y(c * math.exp(-h))) / (2 * h)
        np.testing.assert_allclose(tdf, fd, rtol=1e-6, err_msg=str((fp, fm)))


def test_kernel_mass_action_is_the_flory_stockmayer_law():
    """Symbolic check: the q's of the kernel satisfy Lambda zeta = p+ p-/((1-p+)(1-p-)),
    zeta = f+ c p+ = f- c p- (the law of theory.aggregation)."""
    k = tp.aggregation_kernels(3, 2)
    x, c, l, a, K, *_ = k["symbols"]
    vals = {x: 0.6, c: 900.0, l: 3e-9, a: 5e-10, K: 0.02}
    st = tp.aggregation_free_fractions(
        900.0,
        coupling_length=3e-9,
        contact_distance=5e-10,
        association_constant=0.02,
        f_cation=3,
        f_anion=2,
    )
    lam = float(st["site_constant"])
    pc, pa = float(st["p_cation"]), float(st["p_anion"])
    assert math.isclose(3 * 900.0 * pc, 2 * 900.0 * pa, rel_tol=1e-12)
    assert math.isclose(lam * 3 * 900.0 * pc, pc * pa / ((1 - pc) * (1 - pa)), rel_tol=1e-10)
    g = float(k["expressions"]["residual"].subs({**vals, x: float(st["x"])}).evalf())
    assert abs(g) < 1e-12
    assert isinstance(k["expressions"]["mass_action"], sp.Expr)


def test_bad_input():
    e = lipf6_ec_emc()
    with pytest.raises(ParameterError, match="carriers"):
        transport.properties(e, C, T, **dict(PARAMS, carriers="clusters"))
    with pytest.raises(ParameterError, match="f_cation"):
        transport.properties(e, C, T, **dict(PARAMS, f_cation=3))
    with pytest.raises(ParameterError, match="f_anion"):
        transport.properties(e, C, T, **dict(AGG, f_anion=0))
    with pytest.raises(ParameterError, match="cluster_tolerance"):
        transport.properties(e, C, T, **dict(AGG, cluster_tolerance=0.5))
    with pytest.raises(ParameterError, match="cluster_size_limit"):
        transport.properties(e, C, T, **dict(AGG, cluster_size_limit=1))
    with pytest.raises(ParameterError, match="no calibrated aggregation chain"):
        transport.properties(presets.get("KCl(aq)"), [10.0], carriers="aggregation")
    with pytest.raises(ParameterError, match="temperature"):  # below the VTF T0
        transport.properties(e, C, [90.0], **AGG)
    negative = tp.ViscosityLaw.at(0.9e-3, 298.15, b=-1e-3)  # 1 + b c < 0 above 1 M
    with pytest.raises(ParameterError, match="viscosity"):
        transport.properties(e, C, T, **dict(AGG, viscosity=negative))
    with pytest.raises(ParameterError, match="solvent_viscosity"):
        tp.ViscosityLaw(-1e-3)


def test_pair_and_site_constant_conversion_is_the_aggregation_one():
    """K_site = K_pair / (f+ f-) (#11): the kernel's site constant at y_f = 1 (K small,
    no screening correction at c -> 0) is pair_to_site_constant of K_pair."""
    st = tp.aggregation_free_fractions(
        1e-9,
        coupling_length=3e-9,
        contact_distance=5e-10,
        association_constant=0.04,
        f_cation=4,
        f_anion=2,
    )
    site = pair_to_site_constant(0.04, f_cation=4, f_anion=2)
    assert math.isclose(float(st["site_constant"]), site, rel_tol=1e-4)
    assert math.isclose(
        float(st["site_constant"]), site * math.exp(2 * float(st["ln_y_free"])), rel_tol=1e-12
    )


def test_separable_cluster_sums_equal_the_aggregation_modules_sums():
    """The matrix-product evaluation of the cluster sums follows converged_cluster_sums'
    rule and gives its numbers: same sizes, convergence flags, and sums to 1e-10, over the
    calibrated chain's (c, T) range including near-gel states (gel parameter ~0.8)."""
    from ionscales.theory.aggregation.state import AggregationState, Composition
    from ionscales.theory.aggregation.sums import converged_cluster_sums, separable_cluster_sums

    c = np.repeat(np.linspace(100.0, 2000.0, 12), 3)
    K = np.tile([0.005, 0.04, 0.09], 12)
    st = tp.aggregation_free_fractions(
        c,
        coupling_length=2.5e-9,
        contact_distance=4.8e-10,
        association_constant=K,
        f_cation=4,
        f_anion=2,
    )
    site = c * 1e-3
    zero = np.zeros_like(c)
    comp = Composition(
        "concentration", c, site, site, 1 - 2 * site, zero, site, site, zero, 1e-3 / 6.02214076e23
    )
    state = AggregationState.from_probabilities(
        comp,
        f_cation=4,
        f_anion=2,
        association=st["site_constant"] * 1e3,
        p_cation=st["p_cation"],
        p_anion=st["p_anion"],
        q_cation=st["q_cation"],
        q_anion=st["q_anion"],
    )
    assert 0.7 < float(state.gel_parameter.max()) < 1
    weights = {
        "a": lambda l, m: l * l / np.cbrt(np.maximum(l * 0.1 + m * 0.02, 1e-9)),
        "b": lambda l, m: l * m + 0.0 * l,
        "c": lambda l, m: (m * m + 0.0 * l) * ((l + m) > 0),
    }
    for limit in (64, 1024):
        ref = converged_cluster_sums(state, weights, start=16, tolerance=1e-6, size_limit=limit)
        fast = separable_cluster_sums(state, weights, start=16, tolerance=1e-6, size_limit=limit)
        np.testing.assert_array_equal(fast.size, ref.size)
        np.testing.assert_array_equal(fast.converged, ref.converged)
        for k in weights:
            np.testing.assert_allclose(fast.sums[k], ref.sums[k], rtol=1e-10)
        np.testing.assert_allclose(
            fast.truncated_fraction, ref.truncated_fraction, rtol=1e-6, atol=1e-14
        )
    assert not np.all(converged_cluster_sums(state, weights, size_limit=64).converged)


@pytest.mark.parametrize("k_pair", [0.0, 1e-30])
def test_no_association_is_free_ions_for_any_site_numbers(k_pair):
    """K_pair -> 0 with f+ != f-: free ions only, the pairing chain at K_A = 0 (a 0/0 in one
    branch of the kernel's q_- gave NaN and a false 'spinodal' error)."""
    e = lipf6_ec_emc()
    free = transport.properties(e, C, T, **dict(PARAMS, association_constant=0.0))
    agg = transport.properties(e, C, T, **dict(AGG, association_constant=k_pair))
    for name in ("conductivity", "transference_number", "molar_thermodynamic_factor"):
        np.testing.assert_allclose(agg[name].values, free[name].values, rtol=1e-10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sites=st.sampled_from([(1, 1), (4, 2), (2, 4), (3, 1)]),
    k_pair=st.floats(0.0, 0.05),
    conc=st.floats(1.0, 2000.0),
    temp=st.floats(263.15, 323.15),
)
def test_identities_hold_or_a_parameter_error_names_the_cause(sites, k_pair, conc, temp):
    """Over random states and site numbers: t+ + t- = 1, L symmetric PSD, all outputs
    finite and labelled; or a ParameterError (never NaN, never a bare exception)."""
    import warnings as _w

    params = dict(PARAMS, association_constant=k_pair, carriers="aggregation")
    params.update(f_cation=sites[0], f_anion=sites[1])
    try:
        with _w.catch_warnings():
            _w.simplefilter("ignore", ConvergenceWarning)
            ds = transport.properties(lipf6_ec_emc(), [conc], [temp], **params)
    except ParameterError:
        return
    L = ds.onsager_coefficient_molar.values[0, 0]
    assert L[0, 1] == L[1, 0] and np.all(np.linalg.eigvalsh(L) >= -1e-14 * np.abs(L).max())
    s = L[0, 0] - 2 * L[0, 1] + L[1, 1]
    assert math.isclose(
        float(ds.transference_number.squeeze()) + (L[1, 1] - L[0, 1]) / s, 1.0, rel_tol=1e-12
    )
    for name in ds.data_vars:
        assert np.all(np.isfinite(ds[name].values)), name


def test_fuoss_pair_constant_with_eps_r_of_t_when_none_is_given():
    """association_constant=None: K_pair(T) is Fuoss's with the solvent's eps_r(T) (the
    pairing chain's rule), the site constant K_pair/(f+ f-) follows it."""
    e = lipf6_ec_emc()
    params = {
        k: v for k, v in AGG.items() if k not in ("association_constant", "association_enthalpy")
    }
    ds = transport.properties(e, [500.0], T, **params)
    model = tp.TransportModel(e, **params)
    eps = model.permittivity(T)
    ref = tp.fuoss_association_constant(model.distance, tp.bjerrum_length(eps, T))
    np.testing.assert_allclose(ds.association_constant.values[0], ref, rtol=1e-12)
    assert np.all(np.diff(ds.association_constant.values[0]) > 0)  # eps_r falls with T
