"""Parameter recovery of fit_surface_force on synthetic force curves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ionscales.errors import ParameterError
from ionscales.fitting import fit_surface_force
from ionscales.fitting.surface_force import surface_force_model
from ionscales.units import nm


def test_exact_exponential_is_recovered():
    D = np.linspace(2, 30, 80) * nm
    F = surface_force_model(D, decay_length=3.04 * nm, amplitude=2e-3)
    fit = fit_surface_force(D, F)
    assert fit.success
    assert fit.best_values["decay_length"] == pytest.approx(3.04 * nm, rel=1e-8)
    assert fit.best_values["amplitude"] == pytest.approx(2e-3, rel=1e-7)


def test_noisy_tail_recovery_within_stated_uncertainty():
    rng = np.random.default_rng(1)
    D = np.linspace(3, 25, 60) * nm
    true = surface_force_model(D, decay_length=4.0 * nm, amplitude=-5e-4)  # attractive
    sigma = 0.03 * np.abs(true)
    pulls = []
    for _ in range(20):
        F = true + sigma * rng.standard_normal(D.size)
        fit = fit_surface_force(D, F, sigma=sigma)
        assert fit.errorbars
        pulls.append((fit.best_values["decay_length"] - 4.0 * nm) / fit.stderr["decay_length"])
    pulls = np.array(pulls)
    # absolute sigma: pulls ~ N(0, 1); 20 draws -> |mean| < 3/sqrt(20), std within a loose band
    assert abs(pulls.mean()) < 3 / math.sqrt(20)
    assert 0.5 < pulls.std() < 1.6


def test_window_excludes_structural_short_range_part():
    D = np.linspace(0.3, 20, 300) * nm
    F = surface_force_model(
        D,
        decay_length=2.0 * nm,
        amplitude=1e-3,
        structural_amplitude=5e-2,
        structural_decay_length=0.4 * nm,
        structural_period=0.7 * nm,
    )
    biased = fit_surface_force(D, F)
    windowed = fit_surface_force(D, F, window=(6 * nm, 20 * nm))
    assert windowed.best_values["decay_length"] == pytest.approx(2.0 * nm, rel=1e-5)
    assert abs(biased.best_values["decay_length"] - 2.0 * nm) > abs(
        windowed.best_values["decay_length"] - 2.0 * nm
    )
    assert windowed.extra["window"] == (6 * nm, 20 * nm)
    assert windowed.extra["n_points"] == np.count_nonzero((D >= 6 * nm) & (D <= 20 * nm))


def test_damped_oscillatory_term_is_recovered():
    rng = np.random.default_rng(7)
    D = np.linspace(0.5, 12, 400) * nm
    truth = dict(
        decay_length=2.5 * nm,
        amplitude=2e-3,
        structural_amplitude=3e-2,
        structural_decay_length=0.8 * nm,
        structural_period=0.75 * nm,
        structural_phase=0.6,
    )
    F = surface_force_model(D, **truth)
    F = F + 1e-6 * rng.standard_normal(D.size)
    fit = fit_surface_force(
        D, F, sigma=np.full(D.size, 1e-6), oscillatory=True, structural_period=0.7 * nm
    )
    for name in ("decay_length", "amplitude", "structural_decay_length", "structural_period"):
        assert fit.best_values[name] == pytest.approx(truth[name], rel=1e-2), name
        assert abs(fit.best_values[name] - truth[name]) < 5 * fit.stderr[name]
    assert fit.units["structural_period"] == "m"
    ds = fit.to_dataset()
    assert "decay_length" in list(ds["param"].values)


def test_bad_input():
    D = np.linspace(1, 10, 20) * nm
    F = np.exp(-D / nm)
    with pytest.raises(ParameterError, match="separation"):
        fit_surface_force(-D, F)
    with pytest.raises(ParameterError, match="window"):
        fit_surface_force(D, F, window=(5 * nm, 2 * nm))
    with pytest.raises(ParameterError, match="window"):
        fit_surface_force(D, F, window=(9.9 * nm, 10 * nm))
    with pytest.raises(ParameterError):
        fit_surface_force(D, np.append(F[:-1], np.nan))
