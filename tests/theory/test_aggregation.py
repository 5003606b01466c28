"""Aggregation theory: analytic limits, sum rules, gel point, post-gel Flory values and the
reference numbers of the McEldrew–Goodwin–Bazant–Kornyshev theory.

Reference values are from shared/references/aggregation.md §9 (computed there from the
model definitions and checked against a random bipartite-graph Monte Carlo, or from the
authors' public sticky-cation formulas), not from this package's output.
"""

import math

import numpy as np
import pytest
import xarray as xr

from ionscales import ParameterError, presets, results
from ionscales.theory.aggregation import (
    Aggregation,
    SaltInIonicLiquid,
    SolvatedAggregation,
    binary_probabilities,
    cluster_distribution,
    lattice_association,
    molar_association,
    sol_fractions,
    solvated_probabilities,
    sticky_probabilities,
    stockmayer_log_weight,
    weight_average_size,
)

MW_AUTHORS = 18.02e-3  # water molar mass used in the authors' code (kg/mol)


def litfsi(**kw):
    return SolvatedAggregation.from_preset("LiTFSI(aq)", solvent_molar_mass=MW_AUTHORS, **kw)


# --- Stockmayer weights -----------------------------------------------------------------


def test_stockmayer_small_values_and_factorials():
    f_c, f_a = 4, 3
    lnw = stockmayer_log_weight(np.array([1, 0, 1]), np.array([0, 1, 1]), f_cation=f_c, f_anion=f_a)
    np.testing.assert_allclose(np.exp(lnw), [1 / 4, 1 / 3, 1.0], rtol=1e-13)
    for l in range(0, 7):
        for m in range(0, 7):
            a, b = f_c * l - l - m + 1, f_a * m - m - l + 1
            w = stockmayer_log_weight(l, m, f_cation=f_c, f_anion=f_a)
            if (l, m) == (0, 0) or a < 0 or b < 0:
                assert w == -np.inf
            else:
                exact = (
                    math.factorial(f_c * l - l)
                    * math.factorial(f_a * m - m)
                    / (
                        math.factorial(l)
                        * math.factorial(m)
                        * math.factorial(a)
                        * math.factorial(b)
                    )
                )
                assert math.isclose(math.exp(w), exact, rel_tol=1e-11)


def test_distribution_finite_nonnegative_up_to_300():
    c = cluster_distribution(
        [0.1, 0.2, 0.3],
        [0.1, 0.2, 0.3],
        [0.05, 0.3, 0.6],
        [0.05, 0.3, 0.6],
        f_cation=4,
        f_anion=3,
        max_cation=300,
    )
    assert c.shape == (3, 301, 301)
    assert np.all(np.isfinite(c)) and np.all(c >= 0)
    assert np.all(c[:, 0, 0] == 0)


# --- sum rules and Monte Carlo anchors --------------------------------------------------


def test_sum_rules_pre_gel():
    f_c, f_a = 4, 3
    cc = ca = 1.0
    p_c = 0.2
    p_a = f_c * cc * p_c / (f_a * ca)  # bond balance
    c = cluster_distribution(cc, ca, p_c, p_a, f_cation=f_c, f_anion=f_a, max_cation=150)[0]
    l = np.arange(151)[:, None]
    m = np.arange(151)[None, :]
    assert np.sum(l * c) == pytest.approx(cc, rel=1e-9)
    assert np.sum(m * c) == pytest.approx(ca, rel=1e-9)
    zeta = f_c * cc * p_c
    assert np.sum((l + m - 1) * c * ((l + m) > 0)) == pytest.approx(zeta, rel=1e-9)
    # clusters = units - bonds (trees)
    assert np.sum(c) == pytest.approx(cc + ca - zeta, rel=1e-9)
    # reference §9A theory column, per cation: (1,0), (0,1), (1,1), (2,2), (2,3)
    np.testing.assert_allclose(
        [c[1, 0], c[0, 1], c[1, 1], c[2, 2], c[2, 3]],
        [0.40960, 0.39437, 0.22027, 0.03308, 0.01112],
        atol=6e-6,
    )
    # weight-average size, brute force and reference 2.843137
    sw = np.sum((l + m) ** 2 * c) / np.sum((l + m) * c)
    ref = weight_average_size(cc, ca, p_c, p_a, f_cation=f_c, f_anion=f_a)
    assert ref == pytest.approx(2.843137, abs=1e-6)
    assert sw == pytest.approx(ref, rel=1e-8)


def test_post_gel_flory_values():
    # reference §6/§9A: p+ = 0.45, p- = 0.6, f = (4, 3)
    sol_c, sol_a, ps_c, ps_a = sol_fractions(0.45, 0.6, f_cation=4, f_anion=3)
    assert 1 - sol_c == pytest.approx(0.7141, abs=1e-4)
    assert 1 - sol_a == pytest.approx(0.7445, abs=1e-4)
    assert ps_c == pytest.approx(0.2478, abs=1e-4)
    assert ps_a == pytest.approx(0.3696, abs=1e-4)
    assert 3 * 2 * ps_c * ps_a < 1  # sol is subcritical
    # the distribution with the TOTAL p's is the sol: sum l c_lm / c+ = Q+^4 = 0.285860
    c = cluster_distribution(1.0, 0.75, 0.45, 0.6, f_cation=4, f_anion=3, max_cation=200)[0]
    l = np.arange(201)[:, None]
    assert np.sum(l * c) == pytest.approx(0.285860, abs=2e-6)
    assert np.sum(l * c) == pytest.approx(sol_c, rel=1e-6)
    # free ions are all in the sol: w_sol = [(1-p)/(1-p_sol)]^f
    assert sol_c == pytest.approx(((1 - 0.45) / (1 - ps_c)) ** 4, rel=1e-10)
    # pre-gel: no gel
    s = sol_fractions(0.2, 0.26667, f_cation=4, f_anion=3)
    assert s[0] == 1 and s[1] == 1


def test_random_graph_monte_carlo_matches_distribution(rng):
    """Configuration-model Monte Carlo (reference §9A), counted with fitting.cluster_counts."""
    from ionscales.fitting import cluster_counts

    n = 20000
    f_c, f_a = 4, 3
    p_c = 0.2
    bonds = int(p_c * f_c * n)
    cat_stubs = rng.choice(np.repeat(np.arange(n), f_c), size=bonds, replace=False)
    an_stubs = rng.choice(np.repeat(np.arange(n), f_a), size=bonds, replace=False)
    counts = cluster_counts(
        [np.column_stack([cat_stubs, an_stubs])], n, n, percolation_threshold=None
    )
    cnt = counts.cluster_count
    p_a = bonds / (f_a * n)
    c = cluster_distribution(1.0, 1.0, p_c, p_a, f_cation=f_c, f_anion=f_a, max_cation=3)[0]
    for lm in [(1, 0), (0, 1), (1, 1), (2, 1), (1, 2)]:
        observed = float(cnt.sel(n_cation=lm[0], n_anion=lm[1])) / n
        expected = c[lm]
        assert observed == pytest.approx(expected, abs=5 * math.sqrt(expected / n) + 2e-3)


# --- limits -----------------------------------------------------------------------------


def test_pair_limit_f_equal_one():
    # reference §9C: f = 1, lambda = 10, c+- = 0.05 per site -> c_11 = 0.0133975
    model = Aggregation(1, 1, 10.0)
    ds = model.solve(volume_fraction=0.1, max_size=5)
    c = ds.cluster_concentration.values  # per site (no site volume)
    assert c[1, 1] == pytest.approx(0.0133975, abs=1e-7)
    nonzero = {tuple(ix) for ix in np.argwhere(c > 0)}
    assert nonzero == {(1, 0), (0, 1), (1, 1)}
    assert c[1, 1] == pytest.approx(10.0 * c[1, 0] * c[0, 1], rel=1e-12)
    with pytest.raises(ParameterError):
        model.gel_point()


def test_triple_ions_f2_f1_never_gel():
    lam = 3.0
    model = Aggregation(2, 1, lam)
    ds = model.solve(volume_fraction=np.linspace(0.01, 1, 7), max_size=6)
    c = ds.cluster_concentration.values
    mask = np.zeros((7, 7), bool)
    mask[[1, 0, 1, 1], [0, 1, 1, 2]] = True
    assert np.all(c[:, ~mask] == 0)
    np.testing.assert_allclose(c[:, 1, 2], lam**2 * c[:, 1, 0] * c[:, 0, 1] ** 2, rtol=1e-11)
    assert np.all(ds.gel_parameter.values == 0) and np.all(ds.gel_fraction_cation.values == 0)
    with pytest.raises(ParameterError):
        model.gel_point()


def test_symmetric_ionic_liquid_gel_point_and_table():
    # f = 3, phi+- = 0.5, xi = 1: lambda* = 4/3 exactly (p* = 1/2)
    assert Aggregation(3, 3, 1.0).gel_point("association", volume_fraction=1.0) == pytest.approx(
        4 / 3, rel=1e-12
    )
    ref = {
        0.25: (0.22515, 0.46522, 0.24348, 2.2287),
        0.5: (1 / 3, 0.29630, 0.19753, 4.0),
        1.0: (0.45142, 0.16509, 0.12265, 14.937),
    }
    for lam, (p, free, pair, sw) in ref.items():
        ds = Aggregation(3, 3, lam).solve(volume_fraction=1.0)
        assert float(ds.p_cation) == pytest.approx(p, abs=1e-5)
        assert float(ds.free_cation_fraction) == pytest.approx(free, abs=1e-5)
        assert float(ds.ion_pair_fraction) == pytest.approx(pair, abs=1e-5)
        assert float(ds.weight_average_size) == pytest.approx(sw, abs=2e-3)
    ds = Aggregation(3, 3, 2.0).solve(volume_fraction=1.0)
    assert float(ds.p_cation) == pytest.approx(0.56574, abs=1e-5)
    assert 1 - float(ds.gel_fraction_cation) == pytest.approx(0.452263, abs=1e-6)
    assert float(ds.p_cation_sol) == pytest.approx(0.434259, abs=1e-6)
    # gel point in composition: lambda psi* = 2 -> psi* = 1 -> phi* = 2/3
    assert Aggregation(3, 3, 2.0).gel_point("volume_fraction") == pytest.approx(2 / 3, rel=1e-12)


def test_general_solver_reference_case():
    # reference §4.1: psi+ = 0.375, psi- = 1/6, psi0 = 0.37, L+- = 40, L+0 = 25
    pc, pc0, pa, p0, u, _, res = solvated_probabilities(
        0.375, 1 / 6, 0.37, association=40, solvent_association=25
    )
    np.testing.assert_allclose(
        [pc, pc0, pa, p0], [0.300857, 0.559457, 0.676929, 0.567017], atol=1e-6
    )
    assert u == pytest.approx(1 - pc - pc0, abs=1e-15)
    assert res < 1e-14


def test_sticky_limit_of_general_solver():
    sticky = float(litfsi().solve(molality=21).p_cation)
    assert sticky == pytest.approx(0.439456, abs=2e-6)
    # reference §4.3: 0.35777, 0.43814, 0.43944 for L+0 = 1e2, 1e4, 1e6
    for l0, ref in [(1e2, 0.35777), (1e4, 0.43814), (1e6, 0.43944)]:
        g = litfsi(association=0.2527 * l0, solvent_association=l0)
        assert float(g.solve(molality=21).p_cation) == pytest.approx(ref, abs=1e-5)
    g = litfsi(association=0.2527 * 1e10, solvent_association=1e10)
    assert float(g.solve(molality=21).p_cation) == pytest.approx(sticky, rel=1e-8)


def test_sticky_removable_singularity():
    psi_c, psi_a, phi0 = 0.3, 0.2, 0.5
    vals = [
        sticky_probabilities(psi_c, psi_a, phi0, association_ratio=1 + e)[0]
        for e in (-1e-9, 0.0, 1e-9)
    ]
    assert np.all(np.isfinite(vals))
    assert vals[0] == pytest.approx(vals[1], abs=1e-8) and vals[2] == pytest.approx(
        vals[1], abs=1e-8
    )
    # at L~ = 1 the answer equals the general solver with L+- = L+0 -> inf
    general = solvated_probabilities(
        psi_c, psi_a, phi0, association=1e12, solvent_association=1e12
    )[0]
    assert vals[1] == pytest.approx(general, rel=1e-9)
    # and the reference closed form away from 1
    lt = 0.4
    r = 4 * phi0 * psi_c * (lt - 1) + (lt * (psi_a - psi_c) + psi_c + phi0) ** 2
    closed = (phi0 - psi_c + lt * (psi_c + psi_a) - math.sqrt(r)) / (2 * (lt - 1) * psi_c)
    assert sticky_probabilities(psi_c, psi_a, phi0, association_ratio=lt)[0] == pytest.approx(
        closed, rel=1e-12
    )


# --- LiTFSI water-in-salt reference numbers (authors' 2026 parameterisation, §9F) ---------


@pytest.mark.parametrize(
    "lt, mol, pc, pa, p0, free_li, free_an, pair",
    [
        (0.2259, 12, 0.23181, 0.30908, 0.66446, 0.3482, 0.3298, 0.2007),
        (0.2312, 15, 0.30673, 0.40898, 0.74956, 0.2310, 0.2064, 0.1428),
        (0.2527, 21, 0.43946, 0.58594, 0.84848, 0.0987, 0.0710, 0.0531),
    ],
)
def test_litfsi_reference_states(lt, mol, pc, pa, p0, free_li, free_an, pair):
    ds = litfsi(association=lt).solve(molality=mol)
    assert float(ds.p_cation) == pytest.approx(pc, abs=2e-5)
    assert float(ds.p_anion) == pytest.approx(pa, abs=2e-5)
    assert float(ds.p_solvent) == pytest.approx(p0, abs=2e-5)
    assert float(ds.free_cation_fraction) == pytest.approx(free_li, abs=2e-4)
    assert float(ds.free_anion_fraction) == pytest.approx(free_an, abs=2e-4)
    assert float(ds.ion_pair_fraction) == pytest.approx(pair, abs=2e-4)


def test_litfsi_gel_molality_and_sol():
    for lt, ref in [(0.2259, 17.12), (0.2312, 17.04), (0.2527, 16.72)]:
        assert litfsi(association=lt).gel_point() == pytest.approx(ref, abs=0.01)
    ds = litfsi().solve(molality=[18.0, 21.0])
    # 18 m: w_sol = 0.698 / 0.682; 21 m: Li in sol 0.3275, TFSI in sol 0.2977, free water 0.1515
    np.testing.assert_allclose(1 - ds.gel_fraction_cation.values, [0.698, 0.3275], atol=1.5e-3)
    np.testing.assert_allclose(1 - ds.gel_fraction_anion.values, [0.682, 0.2977], atol=1.5e-3)
    assert float(ds.free_solvent_fraction[1]) == pytest.approx(0.1515, abs=2e-4)
    sw = litfsi().solve(molality=[2, 5, 10, 12, 15]).weight_average_size.values
    np.testing.assert_allclose(sw, [1.129, 1.435, 2.729, 4.111, 12.46], rtol=2e-3)


def test_preset_model_matches_reference_parameters():
    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    assert (model.f_cation, model.f_anion) == (4, 3)
    assert model.sticky and model.association == 0.2527
    assert model.gel_point() == pytest.approx(16.72, abs=0.02)  # CODATA-ish water molar mass


# --- every returned state obeys mass action and the bond balance ------------------------


@pytest.mark.parametrize(
    "model, state",
    [
        (
            Aggregation(3, 2, 5.0, xi_cation=1.0, xi_anion=2.0),
            {"volume_fraction": np.linspace(0, 1, 41)},
        ),
        (
            SolvatedAggregation(
                5,
                3,
                40.0,
                solvent_association=25.0,
                xi_cation=0.4,
                xi_anion=10.8,
                solvent_molar_mass=MW_AUTHORS,
            ),
            {"molality": np.geomspace(1e-4, 30, 41)},
        ),
        (
            SolvatedAggregation(
                4, 3, 0.2527, xi_cation=0.4, xi_anion=10.8, solvent_molar_mass=MW_AUTHORS
            ),
            {"molality": np.geomspace(1e-4, 40, 41)},
        ),
        (SaltInIonicLiquid(4, 3, 10.0, xi_cation=0.5), {"salt_fraction": np.linspace(0, 1, 21)}),
    ],
)
def test_mass_action_and_bond_balance_of_every_state(model, state):
    ds = model.solve(**state, max_size=10)
    assert ds.attrs["converged"] == 1 and ds.attrs["residual"] < 1e-9
    f_c, f_a = model.f_cation, model.f_anion
    psi_c = f_c * ds.volume_fraction_cation.values / model.xi_cation
    psi_a = f_a * ds.volume_fraction_anion.values / model.xi_anion
    pc, pa = ds.p_cation.values, ds.p_anion.values
    assert np.all((pc >= 0) & (pc <= 1) & (pa >= 0) & (pa <= 1))
    np.testing.assert_allclose(psi_c * pc, psi_a * pa, rtol=1e-10, atol=1e-300)
    lam = ds.association.values
    if "p_cation_solvent" in ds:
        pc0, p0 = ds.p_cation_solvent.values, ds.p_solvent.values
        phi0 = ds.volume_fraction_solvent.values
        np.testing.assert_allclose(psi_c * pc0, phi0 * p0, rtol=1e-10, atol=1e-300)
        if model.sticky:
            np.testing.assert_allclose(pc + pc0, 1, atol=1e-12)
            np.testing.assert_allclose(lam * p0 * (1 - pa), pa * (1 - p0), atol=1e-12)
        else:
            u = 1 - pc - pc0
            np.testing.assert_allclose(lam * psi_c * u * (1 - pa), pa, atol=1e-10)
            np.testing.assert_allclose(
                model.solvent_association * psi_c * u * (1 - p0), p0, atol=1e-10
            )
    else:
        # Lambda zeta (1-p+)(1-p-) = p+ p-
        zeta = psi_c * pc
        np.testing.assert_allclose(lam * zeta * (1 - pc) * (1 - pa), pc * pa, atol=1e-12)


def test_temperature_gel_point_through_enthalpy():
    base = Aggregation(3, 3, 2.0, association_enthalpy=-20e3, temperature=300.0)
    t_gel = base.gel_point("temperature", volume_fraction=1.0)
    assert float(base.association_at(t_gel)) == pytest.approx(4 / 3, rel=1e-10)
    assert t_gel > 300.0  # weaker association on heating melts the gel


def test_converters_and_concentration_state():
    v0 = presets.WATER.molecular_volume
    assert molar_association(
        lattice_association(5e-3, site_volume=v0), site_volume=v0
    ) == pytest.approx(5e-3)
    # K_A = N_A v0 Lambda: Lambda = 1 and v0 = 2.2e-29 m^3 -> 0.0132 L/mol
    assert molar_association(1.0, site_volume=2.2e-29) / 1e-3 == pytest.approx(0.01325, abs=1e-4)
    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    by_m = model.solve(molality=10.0)
    c = float(by_m.concentration)
    by_c = model.solve(concentration=c)
    assert float(by_c.p_cation) == pytest.approx(float(by_m.p_cation), rel=1e-10)
    assert float(by_c.molality) == pytest.approx(10.0, rel=1e-10)
    assert model.gel_point("concentration") == pytest.approx(
        float(model.solve(molality=model.gel_point()).concentration), rel=1e-8
    )


def test_dataset_contract_and_netcdf_roundtrip(tmp_path):
    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    ds = model.solve(molality=[5.0, 18.0], max_size=8)
    for name in [
        "p_cation",
        "p_anion",
        "free_cation_fraction",
        "free_anion_fraction",
        "gel_fraction_cation",
        "gel_fraction_anion",
        "cluster_concentration",
        "cation_concentration",
        "anion_concentration",
    ]:
        assert name in ds
    assert ds.cluster_concentration.dims == ("molality", "n_cation", "n_anion")
    assert ds.cluster_concentration.attrs["units"] == "mol/m^3"
    assert np.all(ds.cluster_concentration.sel(n_cation=0, n_anion=0) == 0)
    results.check_labelled(ds)
    path = tmp_path / "agg.nc"
    results.to_netcdf(ds, path)
    xr.testing.assert_identical(results.open_dataset(path), ds)
    # charge distribution sums the cluster concentrations
    np.testing.assert_allclose(
        ds.cluster_charge_concentration.sum("cluster_charge"),
        ds.cluster_concentration.sum(("n_cation", "n_anion")),
        rtol=1e-12,
    )


def test_solvent_resolved_distribution():
    general = SolvatedAggregation(
        5,
        3,
        40.0,
        solvent_association=25.0,
        xi_cation=0.4,
        xi_anion=10.8,
        solvent_molar_mass=MW_AUTHORS,
    )
    ds = general.solve(molality=[0.5, 2.0], max_size=25, resolve_solvent=True)
    c = ds.cluster_concentration
    assert c.dims == ("molality", "n_cation", "n_anion", "n_solvent")
    flat = general.solve(molality=[0.5, 2.0], max_size=25).cluster_concentration
    np.testing.assert_allclose(c.sum("n_solvent"), flat, rtol=1e-10)
    # sum s c_lms = psi+ p+0 (reference §9B), per site -> in mol/m^3 compare to cations
    bound = (c * c.n_solvent).sum(("n_cation", "n_anion", "n_solvent"))
    expected = ds.cation_concentration * general.f_cation * ds.p_cation_solvent
    np.testing.assert_allclose(bound, expected, rtol=1e-6)


def test_binary_closed_form_limits():
    pc, pa = binary_probabilities(np.array([0.0, 0.5]), np.array([0.0, 0.5]), association=0.0)
    assert np.all(pc == 0) and np.all(pa == 0)
    pc, pa = binary_probabilities(1e-12, 1e-12, association=1.0)
    assert pc == pytest.approx(1e-12, rel=1e-6)


# --- salt in ionic liquid ---------------------------------------------------------------


def test_salt_in_ionic_liquid_effective_charge():
    model = SaltInIonicLiquid(4, 3, 10.0, xi_cation=0.5)
    x = np.array([0.02, 0.1, 0.95])
    z = model.effective_charge(x)
    assert z[0] < 0 and z[1] < 0  # Li travels in anionic (1, m >= 2) clusters
    assert z[2] > 0  # the network takes the anion-rich clusters out: positive again
    ds = model.solve(salt_fraction=x)
    assert float(ds.gel_fraction_cation[2]) > 0.5
    assert "inert_cation_concentration" not in ds or True
    # pure IL (no Li) and pure salt are valid states
    model.solve(salt_fraction=[0.0, 1.0])


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(f_cation=2.5, f_anion=3, association=1.0),
        dict(f_cation=0, f_anion=3, association=1.0),
        dict(f_cation=3, f_anion=True, association=1.0),
        dict(f_cation=3, f_anion=3, association=-1.0),
        dict(f_cation=3, f_anion=3, association=float("nan")),
        dict(f_cation=3, f_anion=3, association=1.0, xi_cation=-1),
    ],
)
def test_bad_model_parameters(kwargs):
    with pytest.raises(ParameterError):
        Aggregation(**kwargs)


def test_bad_states():
    model = Aggregation(3, 3, 1.0)
    with pytest.raises(ParameterError):
        model.solve(volume_fraction=1.5)
    with pytest.raises(ParameterError):
        model.solve(volume_fraction=-0.1)
    with pytest.raises(ParameterError):
        model.solve(concentration=1.0)  # no site volume
    with pytest.raises(ParameterError):
        model.solve(volume_fraction=0.5, molality=1.0)
    with pytest.raises(ParameterError):
        SolvatedAggregation.from_preset("LiTFSI(aq)").solve(molality=-1)
    with pytest.raises(ParameterError):
        SolvatedAggregation.from_preset("LiTFSI(aq)").solve(molality=80)  # beyond the sticky range
    with pytest.raises(ParameterError):
        SolvatedAggregation.from_preset("NaCl(aq)")
    with pytest.raises(ParameterError):
        SaltInIonicLiquid(4, 3, 1.0).solve(salt_fraction=1.2)
    with pytest.raises(ParameterError):
        sol_fractions  # noqa: B018 (kernel exists)
        Aggregation(3, 3, 1.0).gel_point("pressure")


@pytest.mark.parametrize("p", [-0.1, 1.2, float("nan")])
def test_kernels_reject_bad_probabilities(p):
    with pytest.raises(ParameterError):
        cluster_distribution(1.0, 1.0, p, 0.2, f_cation=3, f_anion=3, max_cation=5)
    with pytest.raises(ParameterError):
        sol_fractions(0.2, p, f_cation=3, f_anion=3)
    with pytest.raises(ParameterError):
        weight_average_size(1.0, 1.0, p, 0.2, f_cation=3, f_anion=3)
    with pytest.raises(ParameterError):
        cluster_distribution(-1.0, 1.0, 0.2, 0.2, f_cation=3, f_anion=3, max_cation=5)


def test_temperature_dependent_solve():
    model = Aggregation(3, 3, 1.0, association_enthalpy=-10e3, temperature=300.0)
    ds = model.solve(volume_fraction=1.0, temperature=[280.0, 300.0, 330.0])
    assert ds.p_cation.dims == ("temperature",) and float(ds.volume_fraction[0]) == 1.0
    lam = ds.association.values
    np.testing.assert_allclose(
        lam, np.exp(10e3 / 8.314462618 * (1 / np.array([280, 300, 330]) - 1 / 300)), rtol=1e-9
    )
    assert float(ds.p_cation[1]) == pytest.approx(
        0.45142, abs=1e-5
    )  # reference table at lambda = 1
    assert np.all(np.diff(ds.p_cation.values) < 0)  # exothermic association weakens on heating


def test_model_from_molar_association_constant():
    from ionscales.units import L

    v0 = 3.0e-29
    lam = lattice_association(2.0 * L, site_volume=v0)  # K_A = 2 L/mol
    model = Aggregation(1, 1, lam, site_volume=v0)
    assert model.association_constant / L == pytest.approx(2.0, rel=1e-12)
    # dilute pair limit: c_pair = K_A c+ c- in molar units
    ds = model.solve(concentration=1.0)  # 1 mol/m^3
    c11 = float(ds.cluster_concentration.sel(n_cation=1, n_anion=1))
    c10 = float(ds.cluster_concentration.sel(n_cation=1, n_anion=0))
    c01 = float(ds.cluster_concentration.sel(n_cation=0, n_anion=1))
    assert c11 == pytest.approx(2.0 * L * c10 * c01, rel=1e-10)
