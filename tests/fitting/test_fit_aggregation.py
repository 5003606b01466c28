"""fit_aggregation (maximum likelihood on cluster counts) and cluster_counts."""

import numpy as np
import pytest
import xarray as xr

from ionscales import ParameterError
from ionscales.fitting import cluster_counts, fit_aggregation
from ionscales.theory.aggregation import Aggregation, SolvatedAggregation

TRUE = SolvatedAggregation.from_preset("LiTFSI(aq)")


def _sample(rng, molality, n_cations=4000, size=12, model=TRUE):
    ds = model.solve(molality=molality, max_size=size)
    per_cation = ds.cluster_concentration / ds.cation_concentration
    counts = rng.poisson(n_cations * per_cation.values)
    return xr.DataArray(
        counts,
        dims=("condition", "n_cation", "n_anion"),
        coords={
            "molality": ("condition", np.asarray(molality, float)),
            "n_cation": np.arange(size + 1),
            "n_anion": np.arange(size + 1),
        },
    )


def test_global_fit_recovers_association(rng):
    counts = _sample(rng, [8.0, 12.0, 15.0])
    start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.4)
    fit = fit_aggregation(counts, start, vary=["association"])
    assert fit.success and fit.errorbars
    assert abs(fit.best_values["association"] - 0.2527) < 3 * fit.stderr["association"]
    assert fit.stderr["association"] < 0.02
    gof = fit.extra["goodness_of_fit"]
    assert len(gof["deviance"]) == 3 and all(p > 1e-4 for p in gof["p_value"])


def test_post_gel_fit_with_cation_totals(rng):
    n = 4000
    counts = _sample(rng, [12.0, 19.0], n_cations=n)
    start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.35)
    fit = fit_aggregation(counts, start, vary="association", per_condition=True, cation_total=n)
    for k in range(2):
        name = f"association_{k}"
        assert abs(fit.best_values[name] - 0.2527) < 3 * fit.stderr[name]


def test_functionality_profiling_by_aic(rng):
    counts = _sample(rng, [10.0, 14.0])
    start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.3)
    fit = fit_aggregation(counts, start, functionalities=[(3, 3), (4, 3), (5, 3), (4, 2)])
    assert (fit.best_values["f_cation"], fit.best_values["f_anion"]) == (4, 3)
    aics = {(r["f_cation"], r["f_anion"]): r["aic"] for r in fit.extra["functionality_profile"]}
    assert min(aics, key=aics.get) == (4, 3)


def test_binary_model_fit_from_volume_fraction(rng):
    true = Aggregation(3, 3, 0.8)
    ds = true.solve(volume_fraction=[0.5, 0.8], max_size=10)
    counts = rng.poisson(3000 * (ds.cluster_concentration / ds.cation_concentration).values)
    da = xr.DataArray(counts, dims=("run", "n_cation", "n_anion"))
    fit = fit_aggregation(da, Aggregation(3, 3, 2.0), state={"volume_fraction": [0.5, 0.8]})
    assert abs(fit.best_values["association"] - 0.8) < 3 * fit.stderr["association"]


@pytest.mark.parametrize("bad", ["negative", "nan", "dims", "fraction"])
def test_bad_counts(bad, rng):
    counts = _sample(rng, [12.0]).astype(float)
    if bad == "negative":
        counts[0, 1, 1] = -1
    elif bad == "nan":
        counts[0, 1, 1] = np.nan
    elif bad == "dims":
        counts = counts.rename(n_anion="m")
    else:
        counts = counts * 0.5 + 0.25
    with pytest.raises(ParameterError):
        fit_aggregation(counts, TRUE)


def test_bad_vary_and_state(rng):
    counts = _sample(rng, [12.0])
    with pytest.raises(ParameterError):
        fit_aggregation(counts, TRUE, vary=["assocation"])
    with pytest.raises(ParameterError):
        fit_aggregation(counts, TRUE, vary=["solvent_association"])  # sticky model
    with pytest.raises(ParameterError):
        fit_aggregation(counts.drop_vars("molality"), TRUE)


def test_cluster_counts_hand_built_graphs():
    # frame 0: Li0-A0, Li1-A0, Li1-A1 (repeated bond) -> (2,2); Li2, A2 free
    # frame 1: chain Li0-A0-Li1 and pair Li2-A1 -> (2,1), (1,1), A2 free
    frames = [np.array([[0, 0], [1, 0], [1, 1], [1, 1]]), np.array([[0, 0], [1, 0], [2, 1]])]
    ds = cluster_counts(frames, 3, 3, percolation_threshold=None)
    c = ds.cluster_count
    assert int(c.sel(n_cation=2, n_anion=2)) == 1
    assert int(c.sel(n_cation=1, n_anion=0)) == 1
    assert int(c.sel(n_cation=0, n_anion=1)) == 2
    assert int(c.sel(n_cation=2, n_anion=1)) == 1
    assert int(c.sel(n_cation=1, n_anion=1)) == 1
    assert int(c.sum()) == 6
    # ion conservation
    assert int((c * c.n_cation).sum()) == 6 and int((c * c.n_anion).sum()) == 6
    # the same bonds as one (frame, cation, anion) table
    table = np.array([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 2, 1]])
    xr.testing.assert_equal(
        cluster_counts(table, 3, 3, percolation_threshold=None).cluster_count, c
    )


def test_cluster_counts_separates_percolating_cluster():
    # a 10-cation/10-anion chain (all 20 ions of 24) plus two free ions each side
    chain = np.array([[i, i] for i in range(10)] + [[i + 1, i] for i in range(9)])
    ds = cluster_counts([chain], 12, 12, percolation_threshold=0.5)
    assert int(ds.gel_cation_count[0]) == 10 and int(ds.gel_anion_count[0]) == 10
    assert int(ds.cluster_count.sum()) == 4
    with pytest.raises(ParameterError):
        cluster_counts([np.array([[12, 0]])], 12, 12)
    with pytest.raises(ParameterError):
        cluster_counts([np.array([[-1, 0]])], 12, 12)
    with pytest.raises(ParameterError):
        cluster_counts([np.array([0, 1, 2])], 12, 12)


def test_fit_measured_probabilities(rng):
    """A general solvated model: recover both constants from noisy p_{+-} and p_{+0}."""
    true = SolvatedAggregation(
        5,
        3,
        40.0,
        solvent_association=25.0,
        xi_cation=0.4,
        xi_anion=10.8,
        solvent_molar_mass=18.02e-3,
    )
    mol = np.array([2.0, 5.0, 10.0, 15.0, 20.0])
    ds = true.solve(molality=mol, max_size=2)
    err = 0.002
    data = xr.Dataset(
        {
            "p_cation": ("run", ds.p_cation.values + rng.normal(0, err, 5)),
            "p_cation_solvent": ("run", ds.p_cation_solvent.values + rng.normal(0, err, 5)),
            "p_cation_stderr": ("run", np.full(5, err)),
            "p_cation_solvent_stderr": ("run", np.full(5, err)),
        },
        coords={"molality": ("run", mol)},
    )
    start = SolvatedAggregation(
        5,
        3,
        20.0,
        solvent_association=10.0,
        xi_cation=0.4,
        xi_anion=10.8,
        solvent_molar_mass=18.02e-3,
    )
    fit = fit_aggregation(data, start, vary=["association", "solvent_association"])
    for name, value in [("association", 40.0), ("solvent_association", 25.0)]:
        assert abs(fit.best_values[name] - value) < 3 * fit.stderr[name]
    bad = data.copy()
    bad["p_cation"] = bad["p_cation"] + 2
    with pytest.raises(ParameterError):
        fit_aggregation(bad, start)


def test_solvent_resolved_counts_fit_both_constants(rng):
    true = SolvatedAggregation(
        5,
        3,
        40.0,
        solvent_association=25.0,
        xi_cation=0.4,
        xi_anion=10.8,
        solvent_molar_mass=18.02e-3,
    )
    mol = np.array([1.0, 3.0])
    ds = true.solve(molality=mol, max_size=8, resolve_solvent=True)
    per_cation = ds.cluster_concentration / ds.cation_concentration
    n = 20000
    counts = xr.DataArray(
        rng.poisson(n * per_cation.values),
        dims=per_cation.dims,
        coords={
            "molality": mol,
            "n_cation": ds.n_cation,
            "n_anion": ds.n_anion,
            "n_solvent": ds.n_solvent,
        },
    )
    start = SolvatedAggregation(
        5,
        3,
        20.0,
        solvent_association=50.0,
        xi_cation=0.4,
        xi_anion=10.8,
        solvent_molar_mass=18.02e-3,
    )
    fit = fit_aggregation(
        counts, start, vary=["association", "solvent_association"], cation_total=n
    )
    for name, value in [("association", 40.0), ("solvent_association", 25.0)]:
        assert abs(fit.best_values[name] - value) < 3 * fit.stderr[name]


def test_fit_from_long_table(rng):
    counts = _sample(rng, [9.0, 13.0])
    table = counts.swap_dims(condition="molality").drop_vars("condition", errors="ignore")
    frame = table.rename("count").to_dataframe().reset_index()
    frame = frame[frame["count"] > 0]  # sparse table: missing cells are zero
    start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.4)
    fit = fit_aggregation(frame, start, cation_total=4000)
    assert abs(fit.best_values["association"] - 0.2527) < 3 * fit.stderr["association"]
    bad = frame.copy()
    bad.loc[bad.index[0], "count"] = -3
    with pytest.raises(ParameterError):
        fit_aggregation(bad, start)


def test_fit_dataset_keeps_cluster_labels_and_molar_constants(rng, tmp_path):
    """#14: the fit Dataset is over (condition, n_cation, n_anion), not a flat point, and
    reports the association constants in m^3/mol and L/mol (old code: a flat ``point``)."""
    from ionscales import results
    from ionscales.constants import avogadro

    true = Aggregation(3, 4, 0.8, site_volume=3e-29)
    ds = true.solve(volume_fraction=[0.3, 0.5], max_size=8)
    counts = rng.poisson(3000 * (ds.cluster_concentration / ds.cation_concentration).values)
    da = xr.DataArray(counts, dims=("run", "n_cation", "n_anion"))
    fit = fit_aggregation(
        da, Aggregation(3, 4, 2.0, site_volume=3e-29), state={"volume_fraction": [0.3, 0.5]}
    )
    out = fit.to_dataset()
    assert "point" not in out.dims
    assert out.cluster_count.dims == ("run", "n_cation", "n_anion")
    np.testing.assert_array_equal(np.nan_to_num(out.cluster_count.values, nan=0.0), counts)
    assert np.isnan(float(out.cluster_count.sel(n_cation=0, n_anion=0)[0]))  # (0, 0) is not fitted
    lam = fit.best_values["association"]
    site = lam * avogadro * 3e-29
    np.testing.assert_allclose(out.site_association_constant, site, rtol=1e-12)
    np.testing.assert_allclose(out.pair_association_constant, 12 * site, rtol=1e-12)
    np.testing.assert_allclose(out.pair_association_constant_L, 12e3 * site, rtol=1e-12)
    assert out.pair_association_constant_L.attrs["units"] == "L/mol"
    results.check_labelled(out)
    path = tmp_path / "fit.nc"
    results.to_netcdf(out, path)
    xr.testing.assert_identical(results.open_dataset(path), out)


def test_functionality_profile_uses_the_fit_information_criteria(rng):
    """#14: one AIC/BIC definition: the profile reports the FitResult's aic and bic (old code:
    deviance + 2k in the profile, lmfit's n ln(chi^2/n) + 2k in the attrs)."""
    counts = _sample(rng, [10.0])
    start = SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.3)
    fit = fit_aggregation(counts, start, functionalities=[(4, 3), (3, 3)])
    chosen = [
        r
        for r in fit.extra["functionality_profile"]
        if (r["f_cation"], r["f_anion"])
        == (fit.best_values["f_cation"], fit.best_values["f_anion"])
    ]
    assert chosen[0]["aic"] == fit.aic and chosen[0]["bic"] == fit.bic
    assert fit.to_dataset().attrs["aic"] == fit.aic


def test_aggregation_fit_result_keeps_the_fit_repr(rng):
    counts = _sample(rng, [10.0])
    fit = fit_aggregation(counts, SolvatedAggregation.from_preset("LiTFSI(aq)", association=0.3))
    assert repr(fit).startswith("FitResult(success=") and "association = " in repr(fit)
