"""Job-1 fits: parameter recovery on synthetic noisy data (seeded), model selection,
bad input, labelled FitResult datasets."""

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from ionscales import presets
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.fitting import fit_activity, fit_decay, fit_screening_scaling
from ionscales.fitting.decay import compare_decay_forms, decay_window
from ionscales.results import open_dataset, to_netcdf
from ionscales.theory import debye_length
from ionscales.theory.thermo import activity_coefficient
from ionscales.units import M, nm

R = np.linspace(0.2, 4.0, 300) * nm


def within(result, name, true, n_sigma=3.0, max_rel=0.5):
    """True value within n_sigma stderr; stderr finite, positive and < max_rel of the value."""
    value, err = result.best_values[name], result.stderr[name]
    assert np.isfinite(err) and err > 0, (name, err)
    assert err < max_rel * abs(value), (name, value, err)
    assert abs(value - true) <= n_sigma * err, (name, value, true, err)


def oscillatory(r, a=0.8, xi=0.6 * nm, lam=0.7 * nm, theta=0.4):
    return a * np.exp(-r / xi) * np.cos(2 * math.pi * r / lam - theta)


def monotonic(r, a=-0.5, xi=0.9 * nm):
    return a * np.exp(-r / xi)


# ---------------------------------------------------------------- fit_decay recovery
def test_monotonic_recovery(rng):
    noise = 1e-3
    y = monotonic(R) + rng.normal(0, noise, R.size)
    res = fit_decay(R, y, oscillatory=False, sigma=noise)
    assert res.success and res.errorbars
    within(res, "decay_length", 0.9 * nm)
    within(res, "amplitude", -0.5)
    assert math.isnan(res.best_values["wavelength"]) and res.best_values["phase"] == 0
    assert set(res.best_values) == {"decay_length", "wavelength", "amplitude", "phase"}
    assert res.units["decay_length"] == "m"


def test_oscillatory_recovery_without_sigma(rng):
    y = oscillatory(R) + rng.normal(0, 1e-3, R.size)
    res = fit_decay(R, y)  # covariance scaled by the reduced chi-square
    within(res, "decay_length", 0.6 * nm)
    within(res, "wavelength", 0.7 * nm)
    within(res, "amplitude", 0.8)
    within(res, "phase", 0.4)
    assert res.redchi == pytest.approx(1e-6, rel=0.3)  # residuals in data units: noise^2


def test_two_mode_recovery(rng):
    noise = 1e-4
    y = (
        oscillatory(R, xi=0.4 * nm)
        + monotonic(R, a=0.05, xi=1.2 * nm)
        + rng.normal(0, noise, R.size)
    )
    res = fit_decay(R, y, modes=2, sigma=noise)
    # mode 1 is the slowest decaying (the monotonic one here)
    within(res, "decay_length_1", 1.2 * nm)
    within(res, "amplitude_1", 0.05)
    assert math.isnan(res.best_values["wavelength_1"])
    within(res, "decay_length_2", 0.4 * nm)
    within(res, "wavelength_2", 0.7 * nm)
    within(res, "amplitude_2", 0.8)
    within(res, "phase_2", 0.4)
    assert res.extra["form"] == "monotonic+oscillatory"


def test_two_oscillatory_modes_ordered(rng):
    noise = 1e-4
    y = (
        oscillatory(R, a=0.6, xi=0.35 * nm, lam=0.5 * nm, theta=0.2)
        + oscillatory(R, a=0.1, xi=1.0 * nm, lam=1.3 * nm, theta=-1.0)
        + rng.normal(0, noise, R.size)
    )
    res = fit_decay(R, y, modes=2, oscillatory=(True, True), sigma=noise, window=(0.3 * nm, 4 * nm))
    within(res, "decay_length_1", 1.0 * nm)
    within(res, "wavelength_1", 1.3 * nm)
    within(res, "decay_length_2", 0.35 * nm)
    within(res, "wavelength_2", 0.5 * nm)


def test_dataarray_input_and_explicit_window(rng):
    noise = 2e-3
    r_nm = R / nm
    da = xr.DataArray(
        oscillatory(R) + rng.normal(0, noise, R.size),
        dims="r",
        coords={"r": ("r", r_nm, {"units": "nm"})},
        name="rh",
        attrs={"units": "m"},
    )
    res = fit_decay(da, sigma=noise, window=(0.5 * nm, 3.5 * nm))
    within(res, "decay_length", 0.6 * nm)
    within(res, "wavelength", 0.7 * nm)
    assert res.extra["window"][0] >= 0.5 * nm and res.extra["window"][1] <= 3.5 * nm
    assert res.x.min() >= 0.5 * nm - 1e-15 and res.x.max() <= 3.5 * nm + 1e-15
    assert res.units["amplitude"] == "m"
    # same data as plain arrays in metres give the same answer
    res2 = fit_decay(R, da.values, sigma=noise, window=(0.5 * nm, 3.5 * nm))
    assert res2.best_values["decay_length"] == pytest.approx(
        res.best_values["decay_length"], rel=1e-6
    )


def test_automatic_window_rule():
    # noise-free tail with a contact peak: window starts after |y| drops to 0.3 of the max
    y = oscillatory(R)
    lo, hi = decay_window(R, y, sigma=1e-4)
    ay = np.abs(y)
    i0 = int(np.searchsorted(R, lo))
    assert ay[i0] <= 0.3 * ay.max() and np.all(ay[np.argmax(ay) : i0] > 0.3 * ay.max())
    # ends at the last point above 3 sigma
    assert np.all(ay[R > hi] <= 3e-4) and ay[np.searchsorted(R, hi)] > 3e-4
    res = fit_decay(R, y, sigma=1e-4)
    assert res.best_values["decay_length"] == pytest.approx(0.6 * nm, rel=1e-6)
    assert res.best_values["wavelength"] == pytest.approx(0.7 * nm, rel=1e-6)


@pytest.mark.slow
def test_aic_prefers_true_form(rng):
    noise = 1e-3
    y_osc = oscillatory(R) + rng.normal(0, noise, R.size)
    ranked = compare_decay_forms(R, y_osc, sigma=noise)
    assert list(ranked)[0] in ("oscillatory", "oscillatory+monotonic")
    assert ranked["oscillatory"].aic < ranked["monotonic"].aic - 100
    y_two = (
        oscillatory(R, xi=0.4 * nm)
        + monotonic(R, a=0.05, xi=1.2 * nm)
        + rng.normal(0, 1e-4, R.size)
    )
    ranked = compare_decay_forms(R, y_two, sigma=1e-4)
    assert list(ranked)[0] == "oscillatory+monotonic"
    y_mono = monotonic(R) + rng.normal(0, noise, R.size)
    ranked = compare_decay_forms(R, y_mono, sigma=noise)
    assert ranked["monotonic"].aic < ranked["oscillatory"].aic
    ranked_bic = compare_decay_forms(R, y_mono, sigma=noise, criterion="bic")
    assert list(ranked_bic)[0] == "monotonic"


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"values": np.r_[np.nan, np.ones(R.size - 1)]}, "values"),
        ({"values": np.ones(R.size - 1)}, "values"),
        ({"values": np.ones(R.size), "sigma": 0.0}, "sigma"),
        ({"values": np.ones(R.size), "sigma": -np.ones(R.size)}, "sigma"),
        ({"values": np.ones(R.size), "window": (5 * nm, 6 * nm)}, "window"),
        ({"values": np.ones(R.size), "window": (0.0, 3 * nm)}, "window"),
        ({"values": np.ones(R.size), "window": (2 * nm, 1 * nm)}, "window"),
        ({"values": np.ones(R.size), "window": (1 * nm, 1.01 * nm)}, "window"),
        ({"values": np.ones(R.size), "modes": 3}, "modes"),
        ({"values": np.ones(R.size), "oscillatory": (True,), "modes": 2}, "oscillatory"),
    ],
)
def test_fit_decay_bad_input(kwargs, parameter):
    with pytest.raises(ParameterError) as info:
        fit_decay(R, **kwargs)
    assert info.value.parameter == parameter


def test_fit_decay_bad_r():
    with pytest.raises(ParameterError) as info:
        fit_decay(R[::-1], oscillatory(R))
    assert info.value.parameter == "r"
    with pytest.raises(ParameterError) as info:
        fit_decay(xr.DataArray(np.ones(10), dims="r"), np.ones(10))
    assert info.value.parameter == "values"


def test_fit_result_dataset_roundtrip(rng, tmp_path):
    y = oscillatory(R) + rng.normal(0, 1e-3, R.size)
    res = fit_decay(R, y, sigma=1e-3)
    ds = res.to_dataset()
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs
    assert list(ds["param"].values) == ["decay_length", "wavelength", "amplitude", "phase"]
    assert float(ds["best_value"].sel(param="decay_length")) == pytest.approx(
        res.best_values["decay_length"]
    )
    assert ds.attrs["aic"] == pytest.approx(res.aic)
    path = tmp_path / "fit.nc"
    to_netcdf(ds, path)
    xr.testing.assert_identical(open_dataset(path), ds)


# ---------------------------------------------------------------- fit_screening_scaling
def test_screening_scaling_recovery(rng):
    e = presets.get("NaCl(aq)")
    c = np.geomspace(0.5, 5, 12) * M
    ld = debye_length(e, c)
    d = e.contact_diameter
    true = 0.6 * ld * (d / ld) ** 3
    sig = 0.03 * true
    data = true + rng.normal(0, 1, c.size) * sig
    # the lowest concentrations have sigma/lambda_D < 1 (dilute branch): said, not hidden
    with pytest.warns(ValidityWarning, match="dilute branch"):
        res = fit_screening_scaling(c, data, sig, electrolyte=e)
    within(res, "prefactor", 0.6)
    within(res, "exponent", 3.0)
    assert res.units == {"prefactor": "1", "exponent": "1"}
    # log-space fit without sigma, Debye lengths given explicitly
    with pytest.warns(ValidityWarning, match="dilute branch"):
        res2 = fit_screening_scaling(c, data, debye_length=ld, diameter=d)
    within(res2, "prefactor", 0.6)
    within(res2, "exponent", 3.0)


def test_screening_scaling_window_and_fixed_exponent(rng):
    """A concentration window drops the dilute branch (no warning, only window points fitted);
    a fixed exponent is reported as fixed and the prefactor is still recovered."""
    import warnings

    e = presets.get("NaCl(aq)")
    c = np.geomspace(0.01, 5, 30) * M
    ld = debye_length(e, c)
    d = e.contact_diameter
    true = np.where(d / ld > 1, 0.6 * ld * (d / ld) ** 3, ld)  # Debye-like below the crossover
    sig = 0.03 * true
    data = true + rng.normal(0, 1, c.size) * sig
    lo = float(c[np.argmax(d / ld > 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit_screening_scaling(c, data, sig, electrolyte=e, concentration_window=(lo, 10 * M))
    assert res.extra["dilute_points"] == 0 and np.all(res.x >= lo)
    within(res, "exponent", 3.0)
    fixed = fit_screening_scaling(
        c, data, sig, electrolyte=e, concentration_window=(lo, 10 * M), exponent=3.0
    )
    assert fixed.best_values["exponent"] == 3.0 and fixed.varied == ["prefactor"]
    assert "exponent" in fixed.fixed
    within(fixed, "prefactor", 0.6)
    with pytest.warns(ValidityWarning, match="dilute branch"):
        fit_screening_scaling(c, data, sig, electrolyte=e)
    with pytest.raises(ParameterError) as info:
        fit_screening_scaling(c, data, sig, electrolyte=e, concentration_window=(5 * M, 1 * M))
    assert info.value.parameter == "concentration_window"


def test_screening_scaling_bad_input():
    e = presets.get("NaCl(aq)")
    c = np.array([1.0, 2.0, 3.0]) * M
    with pytest.raises(ParameterError) as info:
        fit_screening_scaling(c, [1e-9, 2e-9], electrolyte=e)
    assert info.value.parameter == "screening_length"
    with pytest.raises(ParameterError) as info:
        fit_screening_scaling(c, [1e-9, -2e-9, 3e-9], electrolyte=e)
    assert info.value.parameter == "screening_length"
    with pytest.raises(ParameterError) as info:
        fit_screening_scaling(c, [1e-9, 2e-9, 3e-9])
    assert info.value.parameter == "electrolyte"
    with pytest.raises(ParameterError) as info:
        fit_screening_scaling(c, [1e-9, 2e-9, 3e-9], [1e-10, 0, 1e-10], electrolyte=e)
    assert info.value.parameter == "sigma"


# ---------------------------------------------------------------- fit_activity
RS = Path(__file__).resolve().parents[1] / "data" / "robinson_stokes_nacl_25C.csv"


@pytest.mark.parametrize("m_max, sigma_ref", [(1.0, 0.342), (2.0, 0.332)])
def test_fit_activity_reproduces_reference_fit(m_max, sigma_ref):
    # screening.md §3.5 "my own reproducible fit" [COMPUTED]: RPM MSA + CS, eps_r = 78.38,
    # 298.15 K, phi_V = 16.6 + 1.85 sqrt(m) cm^3/mol, least squares in ln gamma vs R&S:
    # 0.342 nm (m <= 1), 0.332 nm (m <= 2), quoted to 3 decimals -> tolerance 0.002 nm
    # (rounding plus the 0.001 uncertainty of the memory-recalled R&S values).
    data = np.genfromtxt(RS, delimiter=",", skip_header=4)
    sel = data[:, 0] <= m_max
    m, g = data[sel, 0], data[sel, 1]
    e = presets.get("NaCl(aq)").with_(permittivity=78.38)
    res = fit_activity(e, m, g, apparent_molar_volume=(16.6 + 1.85 * np.sqrt(m)) * 1e-6)
    assert res.best_values["diameter"] == pytest.approx(sigma_ref * nm, abs=0.002 * nm)
    assert res.errorbars and 0 < res.stderr["diameter"] < 0.01 * nm
    # rms(ln gamma) of the reference fit: 0.010 (m <= 1), 0.020 (m <= 2)
    assert res.extra["rms_ln_gamma"] < 0.012 * m_max


@pytest.mark.parametrize("model, true_d", [("msa", 0.38 * nm), ("dh-extended", 0.45 * nm)])
def test_fit_activity_parameter_recovery(rng, model, true_d):
    e = presets.get("NaCl(aq)")
    m = np.geomspace(0.01, 2.0, 15)
    if model == "msa":
        g_true = activity_coefficient(e.with_(diameter=true_d), molality=m)
    else:
        g_true = activity_coefficient(e, molality=m, model="dh-extended", ion_size=true_d)
    sig = 0.003 * g_true
    g = g_true + rng.normal(0, 1, m.size) * sig
    res = fit_activity(e, m, g, model=model, sigma=sig)
    within(res, "diameter", true_d)
    ds = res.to_dataset()
    assert ds["best_value"].sel(param="diameter") == pytest.approx(res.best_values["diameter"])


def test_fit_activity_per_ion_diameters_run():
    e = presets.get("NaCl(aq)")
    m = np.geomspace(0.01, 2.0, 10)
    # anion fixed at the preset 0.36 nm; noise-free data made with a 0.30 nm cation
    g = activity_coefficient(e.with_(diameters=[0.30 * nm, e.diameters[1]]), molality=m)
    res = fit_activity(e, m, g, vary=("cation_diameter",))
    assert res.best_values["cation_diameter"] == pytest.approx(0.30 * nm, rel=1e-4)


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"gamma": [0.9, 0.8, np.nan]}, "gamma"),
        ({"gamma": [0.9, 0.8]}, "gamma"),
        ({"gamma": [0.9, -0.8, 0.7]}, "gamma"),
        ({"sigma": [0.01, 0.0, 0.01]}, "sigma"),
        ({"vary": ("permittivity",)}, "vary"),
        ({"vary": ("diameter", "anion_diameter")}, "vary"),
        ({"model": "davies"}, "model"),
        ({"molality": [0.0, 0.1, 0.2]}, "molality"),
    ],
)
def test_fit_activity_bad_input(kwargs, parameter):
    args = {"molality": [0.05, 0.1, 0.2], "gamma": [0.82, 0.78, 0.735]}
    args.update(kwargs)
    with pytest.raises(ParameterError) as info:
        fit_activity(presets.get("NaCl(aq)"), **args)
    assert info.value.parameter == parameter


# ---------------------------------------------------------------- one AIC/BIC definition
def _line_fit(x, y, sigma=None):
    import lmfit

    from ionscales.fitting.core import run_fit

    p = lmfit.Parameters()
    p.add("a", value=1.0)
    p.add("b", value=0.0)
    s = 1.0 if sigma is None else sigma

    def model(pp):
        return pp["a"].value * x + pp["b"].value

    return run_fit(
        lambda pp: (model(pp) - y) / s,
        p,
        scales={},
        units={},
        x=x,
        data=y,
        model_values=model,
        scale_covar=sigma is None,
    )


def test_information_criteria_unknown_sigma_matches_lmfit(rng):
    """Unknown noise level: the criteria are lmfit's n ln(chi2/n) + 2k, + k ln n."""
    from ionscales.fitting.core import information_criteria

    x = np.linspace(0, 1, 40)
    y = 2 * x + 1 + rng.normal(0, 0.1, x.size)
    res = _line_fit(x, y)
    assert res.aic == pytest.approx(res.raw.aic, rel=1e-12)
    assert res.bic == pytest.approx(res.raw.bic, rel=1e-12)
    ic = information_criteria(res.chisqr, x.size, 2, absolute=False)
    assert ic.aic == pytest.approx(res.raw.aic) and ic.bic == pytest.approx(res.raw.bic)


def test_information_criteria_known_sigma_is_gaussian_likelihood(rng):
    """Known sigma: AIC = -2 ln L + 2k with ln L the Gaussian log-likelihood (scipy), up to the
    data-only constant; lmfit's n ln(chi2/n) would not be (fails on the old run_fit)."""
    from scipy.stats import norm

    x = np.linspace(0, 1, 40)
    sigma = 0.1
    y = 2 * x + 1 + rng.normal(0, sigma, x.size)
    res = _line_fit(x, y, sigma=sigma)
    m2ll = -2 * norm.logpdf(y, loc=res.best_fit, scale=sigma).sum()
    const = -2 * norm.logpdf(0.0, scale=sigma) * x.size  # -2 ln L of a perfect fit
    assert res.aic == pytest.approx(m2ll - const + 2 * 2, rel=1e-9)
    assert res.bic == pytest.approx(m2ll - const + 2 * math.log(x.size), rel=1e-9)
    assert res.to_dataset().attrs["aic"] == pytest.approx(res.aic)


def test_information_criteria_poisson_deviance():
    """A likelihood deviance enters as -2 ln L: AIC = D + 2k, with D from scipy's Poisson pmf."""
    from scipy.stats import poisson

    from ionscales.fitting.aggregation import poisson_deviance_residuals
    from ionscales.fitting.core import information_criteria

    y = np.array([3, 0, 7, 12, 1, 5])
    mu = np.array([2.5, 0.4, 8.0, 10.0, 1.5, 5.5])
    dev = float((poisson_deviance_residuals(y, mu) ** 2).sum())
    expected = 2 * (poisson.logpmf(y, y).sum() - poisson.logpmf(y, mu).sum())
    ic = information_criteria(dev, y.size, 3, absolute=True)
    assert ic.minus_two_log_likelihood == pytest.approx(expected, rel=1e-12)
    assert ic.aic == pytest.approx(expected + 6) and ic.bic == pytest.approx(
        expected + 3 * math.log(6)
    )


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"chisqr": -1.0, "n_data": 3, "n_varied": 1}, "chisqr"),
        ({"chisqr": math.nan, "n_data": 3, "n_varied": 1}, "chisqr"),
        ({"chisqr": 1.0, "n_data": 0, "n_varied": 1}, "n_data"),
        ({"chisqr": 1.0, "n_data": 3, "n_varied": -1}, "n_varied"),
    ],
)
def test_information_criteria_bad_input(kwargs, parameter):
    from ionscales.fitting.core import information_criteria

    with pytest.raises(ParameterError) as info:
        information_criteria(**kwargs, absolute=True)
    assert info.value.parameter == parameter


def test_fit_report_and_html_show_fixed_parameters(rng):
    """Fixed parameters are labelled fixed, never '+/- 0' (the old repr printed '3 +/- 0')."""
    e = presets.get("NaCl(aq)")
    c = np.geomspace(1.5, 5, 10) * M
    ld = debye_length(e, c)
    true = 0.6 * ld * (e.contact_diameter / ld) ** 3
    res = fit_screening_scaling(
        c, true * (1 + 0.02 * rng.normal(size=c.size)), electrolyte=e, exponent=3
    )
    for text in (repr(res), res.fit_report()):
        line = next(x for x in text.splitlines() if x.strip().startswith("exponent"))
        assert "fixed" in line and "+/-" not in line
        assert "+/-" in next(x for x in text.splitlines() if x.strip().startswith("prefactor"))
    report = res.fit_report()
    for section in ("[[Fit Statistics]]", "[[Variables]]", "Akaike", "data points     = 10"):
        assert section in report
    html = res._repr_html_()
    assert html.count("<tr>") == 1 + len(res.best_values) and "fixed" in html


def test_fit_report_lists_correlations(rng):
    y = oscillatory(R) + rng.normal(0, 1e-3, R.size)
    res = fit_decay(R, y, sigma=1e-3)
    report = res.fit_report()
    assert "[[Correlations]]" in report
    # every reported correlation is a valid coefficient of two varied parameters
    for line in report.split("[[Correlations]]")[1].splitlines()[1:]:
        r = float(line.split("=")[1])
        assert 0.1 <= abs(r) <= 1


def test_reported_constants_are_shown_as_fixed():
    """Values set rather than fitted (stderr exactly 0, e.g. an aggregation fit's
    functionalities) print as fixed: the old repr printed 'f_cation = 4 +/- 0'."""
    x = np.linspace(0, 1, 20)
    y = 2 * x + 1
    import lmfit

    from ionscales.fitting.core import run_fit

    p = lmfit.Parameters()
    p.add("a", value=1.0)
    p.add("b", value=0.0)
    res = run_fit(
        lambda pp: pp["a"].value * x + pp["b"].value - y,
        p,
        scales={},
        units={},
        x=x,
        data=y,
        model_values=lambda pp: pp["a"].value * x + pp["b"].value,
    )
    res.best_values["f_cation"] = 4.0
    res.stderr["f_cation"] = 0.0
    assert res.fixed == ["f_cation"]
    line = next(t for t in repr(res).splitlines() if "f_cation" in t)
    assert "fixed" in line and "+/-" not in line


def test_fit_dataset_labels_each_point(tmp_path):
    """point_coords label the data points (an aggregation fit's (n_cation, n_anion) cells
    instead of a bare index); unstacking restores the grid."""
    import lmfit

    from ionscales.fitting.core import run_fit

    l, m = np.meshgrid(np.arange(3), np.arange(2), indexing="ij")
    y = (1.0 + l + 2 * m).ravel().astype(float)
    p = lmfit.Parameters()
    p.add("a", value=0.5)
    res = run_fit(
        lambda pp: pp["a"].value * y - y,
        p,
        scales={},
        units={},
        x=np.arange(y.size),
        data=y,
        model_values=lambda pp: pp["a"].value * y,
        point_coords={"n_cation": (l.ravel(), "1"), "n_anion": (m.ravel(), "1")},
    )
    ds = res.to_dataset()
    assert ds["n_cation"].dims == ("point",) and ds["n_anion"].attrs["units"] == "1"
    grid = ds["data"].set_index(point=["n_cation", "n_anion"]).unstack("point")
    assert grid.sel(n_cation=2, n_anion=1).item() == 5.0
    to_netcdf(ds, tmp_path / "f.nc")
    xr.testing.assert_identical(open_dataset(tmp_path / "f.nc"), ds)
