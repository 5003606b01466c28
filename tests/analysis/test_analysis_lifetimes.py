"""Residence correlations on a planted two-state (Markov) contact process with known answers."""

import math

import numpy as np
import pytest

from ionscales import ParameterError, ValidityWarning, analysis

pytest.importorskip("MDAnalysis")
NM = 1e-9
P_OFF, P_ON = 0.15, 0.03  # per-frame probabilities of breaking / forming the contact


def _markov_pairs(rng, n_pairs=64, n_frames=1000, dt=2e-12):
    """Each cation has its own anion, at contact (0.2 nm) or far (0.9 nm) following a
    two-state Markov chain; pairs sit on a 4 x 4 x 4 grid 2 nm apart (no cross contacts)."""
    state = rng.uniform(size=n_pairs) < P_ON / (P_ON + P_OFF)  # start in equilibrium
    h = np.empty((n_frames, n_pairs), dtype=bool)
    for t in range(n_frames):
        h[t] = state
        u = rng.uniform(size=n_pairs)
        state = np.where(state, u >= P_OFF, u < P_ON)
    grid = (
        np.array([(i, j, k) for i in range(4) for j in range(4) for k in range(4)], float)[:n_pairs]
        * 2
        * NM
    )
    cat = np.broadcast_to(grid + 0.3 * NM, (n_frames, n_pairs, 3))
    offset = np.where(h[..., None], [0.2 * NM, 0, 0], [0.9 * NM, 0, 0])
    pos = np.concatenate([cat, cat + offset], axis=1)
    species = ["cation"] * n_pairs + ["anion"] * n_pairs
    charges = [1.0] * n_pairs + [-1.0] * n_pairs
    tr = analysis.load_arrays(
        pos, box=[8 * NM] * 3, species=species, charges=charges, times=np.arange(n_frames) * dt
    )
    return tr, h


def test_markov_contacts_have_the_analytic_correlations(rng):
    tr, h = _markov_pairs(rng)
    lt = analysis.lifetimes(tr, cutoffs=0.3 * NM, max_lag=30)
    lag = np.arange(31)
    c_c = lt["continuous_correlation"].sel(partner="anion").values
    c_i = lt["intermittent_correlation"].sel(partner="anion").values
    # continuous: survival of an uninterrupted contact, (1 - p_off)^n
    np.testing.assert_allclose(c_c, (1 - P_OFF) ** lag, atol=0.03)
    # intermittent: normalised autocovariance over all 64 x 64 cation-anion pairs. A planted
    # pair stays together forever, so <h(0) h(n)> / <h> = pi + (1 - pi) lambda^n with the
    # stationary occupancy pi = p_on / (p_on + p_off) and lambda = 1 - p_off - p_on; with
    # <h> = m = pi / 64 over all pairs the autocovariance is (that - m) / (1 - m)
    pi = P_ON / (P_ON + P_OFF)
    lam = 1 - P_OFF - P_ON
    m = pi / 64
    np.testing.assert_allclose(c_i, (pi + (1 - pi) * lam**lag - m) / (1 - m), atol=0.04)
    dt = 2e-12
    # 1/e times of the exact curves (interpolation error between frames < 2 %)
    tau_c = -dt / math.log(1 - P_OFF)
    floor = (pi - m) / (1 - m)
    tau_i = dt * math.log((math.exp(-1) - floor) / (1 - floor)) / math.log(lam)
    assert float(lt["continuous_lifetime"].sel(partner="anion")) == pytest.approx(tau_c, rel=0.08)
    assert float(lt["intermittent_lifetime"].sel(partner="anion")) == pytest.approx(tau_i, rel=0.08)
    np.testing.assert_allclose(lt["lag_time"].values, lag * dt)


def test_lifetimes_netcdf_round_trip(rng, tmp_path):
    from ionscales.results import check_labelled, open_dataset, to_netcdf

    tr, _ = _markov_pairs(rng, n_pairs=8, n_frames=120)
    lt = analysis.lifetimes(tr, cutoffs=0.3 * NM, max_lag=30)
    check_labelled(lt)
    to_netcdf(lt, tmp_path / "lt.nc")
    back = open_dataset(tmp_path / "lt.nc")
    for name in lt.data_vars:
        np.testing.assert_array_equal(back[name].values, lt[name].values)


def test_independent_implementation_of_the_correlations(rng):
    """The FFT / run-length kernel against direct double loops on a small random matrix."""
    from ionscales.analysis.residence import correlations_from_indicator

    h = rng.uniform(size=(40, 7)) < 0.4
    n_total = 10
    cont, inter = correlations_from_indicator(h, n_total, 12)
    mean = h.sum() / (40 * n_total)
    for lag in range(13):
        hh = np.mean([np.sum(h[t] & h[t + lag]) / n_total for t in range(40 - lag)])
        assert inter[lag] == pytest.approx((hh - mean**2) / (mean - mean**2), abs=1e-12)
        surv = np.mean([np.sum(np.all(h[t : t + lag + 1], axis=0)) for t in range(40 - lag)])
        assert cont[lag] == pytest.approx(surv / (h.sum() / 40), abs=1e-12)


def test_unresolved_lifetime_warns_and_is_nan(rng):
    tr, _ = _markov_pairs(rng, n_pairs=8, n_frames=6)
    with pytest.warns(ValidityWarning, match="stays above 1/e"):
        lt = analysis.lifetimes(tr, cutoffs=0.3 * NM, max_lag=1)
    assert (
        np.isnan(lt["continuous_lifetime"].values).any()
        or np.isnan(lt["intermittent_lifetime"].values).any()
    )


def test_lifetimes_bad_input(rng):
    tr, _ = _markov_pairs(rng, n_pairs=8, n_frames=20)
    with pytest.raises(ParameterError, match="evenly spaced"):
        analysis.lifetimes(tr, cutoffs=0.3 * NM, frames=[0, 1, 3, 4])
    with pytest.raises(ParameterError, match="max_lag"):
        analysis.lifetimes(tr, cutoffs=0.3 * NM, max_lag=50)
    with pytest.raises(ParameterError, match="at least 3 frames"):
        analysis.lifetimes(tr, cutoffs=0.3 * NM, frames=[0, 1])


def test_lifetimes_reports_only_the_requested_partners_after_a_wider_search(rng):
    tr, _ = _markov_pairs(rng, n_pairs=8, n_frames=200)
    pos = tr._backend.positions
    far = np.broadcast_to(np.array([[7.5, 7.5, 7.5], [7.5, 7.5, 6.5]]) * NM, (pos.shape[0], 2, 3))
    species = list(tr.ion_species) + ["water", "water"]
    tr = analysis.load_arrays(
        np.concatenate([pos, far], axis=1),
        box=[8 * NM] * 3,
        species=species,
        charges=list(tr.ion_charges) + [0.0, 0.0],
        times=tr.times,
    )
    # coordination searched the anion and the (never coordinated) water; lifetimes reuses that
    # search but reports the anion only (the water's lifetime would be unresolved)
    analysis.coordination(tr, cutoffs=0.3 * NM)
    lt = analysis.lifetimes(tr, cutoffs=0.3 * NM, partners=["anion"], max_lag=20)
    assert list(lt.partner.values) == ["anion"]
