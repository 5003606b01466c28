"""Residence times of cation–partner contacts (ion pairs and shell solvents).

The contact indicator h_ij(t) = 1 while partner molecule j is in the first shell of cation i
(the shell criterion of :func:`ionscales.analysis.coordination`). Two correlation functions
(Rapaport, Mol. Phys. 50, 1151 (1983); Impey, Madden & McDonald, J. Phys. Chem. 87, 5071
(1983)):

- continuous: C_c(t) = <h(0) H(t)> / <h>, H(t) = 1 if the contact existed at every frame
  from 0 to t (no return allowed: the survival of an uninterrupted contact);
- intermittent: C_i(t) = (<h(0) h(t)> - <h>^2) / (<h> - <h>^2), the normalised
  autocovariance of h (returns allowed; it decays to 0 as contacts decorrelate).

The lifetime reported for each is its **1/e time** (linear interpolation between frames).
"""

from __future__ import annotations

import warnings

import numpy as np

from ionscales.analysis._results import analysis_dataset
from ionscales.analysis.structure import _check_traj, shell_contacts
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.validation import check_integer

__all__ = ["lifetimes", "correlations_from_indicator", "one_over_e_time"]


def correlations_from_indicator(h: np.ndarray, n_pairs_total: int, max_lag: int):
    """Continuous and intermittent correlations of a 0/1 contact matrix.

    Parameters
    ----------
    h : ndarray of bool (n_frames, n_pairs)
        Contact indicator per frame for the pairs ever in contact.
    n_pairs_total : int
        All possible pairs (pairs never in contact have h = 0 throughout).
    max_lag : int
        Largest lag [frames].

    Returns
    -------
    continuous, intermittent : ndarray (max_lag + 1,)
    """
    n_t = h.shape[0]
    hf = h.astype(float)
    mean = hf.sum() / (n_t * n_pairs_total)
    lags = np.arange(max_lag + 1)
    # sum_t h(t) h(t + lag) for every pair at once by FFT along time
    size = 1 << int(np.ceil(np.log2(2 * n_t)))
    spec = np.fft.rfft(hf, n=size, axis=0)
    auto = np.fft.irfft(spec * np.conj(spec), n=size, axis=0)[: max_lag + 1].sum(axis=1)
    origins = n_t - lags
    hh = auto / (origins * n_pairs_total)
    with np.errstate(invalid="ignore", divide="ignore"):
        intermittent = (hh - mean**2) / (mean - mean**2)
    # continuous: a run of L consecutive contact frames contributes max(L - lag, 0)
    padded = np.zeros((n_t + 2, h.shape[1]), dtype=np.int8)
    padded[1:-1] = h
    edges = np.diff(padded, axis=0)
    starts = np.argwhere(edges.T == 1)
    ends = np.argwhere(edges.T == -1)
    runs = ends[:, 1] - starts[:, 1]  # argwhere orders by (pair, time): starts and ends pair up
    run_hist = np.bincount(runs, minlength=n_t + 1).astype(float)
    length = np.arange(n_t + 1)
    surv = np.array([np.sum(run_hist[lag:] * (length[lag:] - lag)) for lag in lags])
    with np.errstate(invalid="ignore", divide="ignore"):
        continuous = (surv / origins) / (surv[0] / n_t)
    return continuous, intermittent


def one_over_e_time(lag_times: np.ndarray, correlation: np.ndarray) -> float:
    """First time at which ``correlation`` falls below 1/e (linear interpolation) [s]; NaN if never."""
    target = np.exp(-1.0)
    below = np.flatnonzero(correlation < target)
    if below.size == 0 or below[0] == 0:
        return float("nan")
    i = below[0]
    c0, c1 = correlation[i - 1], correlation[i]
    return float(lag_times[i - 1] + (c0 - target) / (c0 - c1) * (lag_times[i] - lag_times[i - 1]))


def lifetimes(traj, *, cutoffs=None, frames=None, partners=None, max_lag: int | None = None):
    """Ion-pair and shell residence correlations and lifetimes (continuous and intermittent).

    Parameters
    ----------
    traj : Trajectory
    cutoffs : float or dict, optional
        Shell radius [m] per partner (default the first minimum of each g(r)).
    frames : None, slice or sequence of int
        Frames used; they must be evenly spaced in time.
    partners : sequence of str, optional
        Partner labels (default the anion and every solvent); ``"anion"`` gives the
        ion-pair (cation–anion contact) lifetime.
    max_lag : int, optional
        Largest lag [frames] (default half the frames).

    Returns
    -------
    xarray.Dataset
        ``continuous_correlation`` and ``intermittent_correlation`` over (partner, lag_time);
        ``continuous_lifetime`` and ``intermittent_lifetime`` over ``partner`` [s]: the 1/e
        times (NaN, with a ``ValidityWarning``, when a correlation stays above 1/e within
        ``max_lag`` — the trajectory is too short for that lifetime).

    Notes
    -----
    Averages run over all (cation, partner molecule) pairs and time origins. Contacts cut
    by the ends of the trajectory bias C_c low at long lags (the usual finite-window
    effect); lifetimes much shorter than the window are unaffected. The frame spacing sets
    the resolution: contacts broken and re-formed between frames are invisible.

    References
    ----------
    Rapaport, Mol. Phys. 50, 1151 (1983) (continuous and intermittent bond lifetimes);
    Impey, Madden & McDonald, J. Phys. Chem. 87, 5071 (1983) (ion hydration residence times).
    DOIs not verified here, so not given.
    """
    traj = _check_traj(traj)
    idx = traj.frames(frames)
    if idx.size < 3:
        raise ParameterError("frames", "lifetimes need at least 3 frames", int(idx.size))
    dt = np.diff(traj.times[idx])
    if np.any(np.abs(dt - dt[0]) > 1e-6 * abs(dt[0])) or dt[0] <= 0:
        raise ParameterError(
            "frames", "must be evenly spaced in time (and increasing) for time correlations"
        )
    n_t = idx.size
    lag_max = n_t // 2 if max_lag is None else check_integer("max_lag", max_lag, minimum=1)
    if lag_max > n_t - 1:
        raise ParameterError("max_lag", f"must be <= {n_t - 1} (frames - 1)", max_lag)
    sc = shell_contacts(traj, cutoffs=cutoffs, frames=idx, partners=partners)
    lag_times = np.arange(lag_max + 1) * dt[0]
    cont, inter, tau_c, tau_i = [], [], [], []
    wanted = [
        p for p in sc.partners if partners is None or p in partners
    ]  # the cache may hold more
    for p in wanted:
        fp, cat, mol = sc.select(p)
        n_mol = sc.n_partner_molecules[p]
        pair = cat * n_mol + mol
        ever, col = np.unique(pair, return_inverse=True)
        h = np.zeros((n_t, max(ever.size, 1)), dtype=bool)
        h[fp, col] = True
        if ever.size == 0:
            c_c = np.full(lag_max + 1, np.nan)
            c_i = np.full(lag_max + 1, np.nan)
        else:
            c_c, c_i = correlations_from_indicator(h, sc.n_cations * n_mol, lag_max)
        cont.append(c_c)
        inter.append(c_i)
        for curve, store, kind in ((c_c, tau_c, "continuous"), (c_i, tau_i, "intermittent")):
            tau = one_over_e_time(lag_times, curve)
            if not np.isfinite(tau):
                warnings.warn(
                    f"{kind} {p} correlation stays above 1/e up to {lag_times[-1]:.3g} s: lifetime not "
                    "resolved (NaN); use a longer trajectory or a larger max_lag",
                    ValidityWarning,
                    stacklevel=2,
                )
            store.append(tau)
    return analysis_dataset(
        {
            "continuous_correlation": (("partner", "lag_time"), np.array(cont)),
            "intermittent_correlation": (("partner", "lag_time"), np.array(inter)),
            "continuous_lifetime": ("partner", np.array(tau_c)),
            "intermittent_lifetime": ("partner", np.array(tau_i)),
            "shell_radius": ("partner", np.array([sc.radii[p] for p in wanted])),
        },
        {"partner": ("partner", np.array(wanted)), "lag_time": ("lag_time", lag_times)},
        traj=traj,
        frames=idx,
        function="lifetimes",
        parameters={"cutoffs_m": sc.radii, "max_lag": lag_max},
        references=(
            "Rapaport, Mol. Phys. 50, 1151 (1983)",
            "Impey, Madden & McDonald, J. Phys. Chem. 87, 5071 (1983)",
        ),
        attrs={
            "lifetime_definition": "1/e time of the correlation, linear interpolation between frames"
        },
    )
