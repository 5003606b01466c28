"""Transport from MD trajectories: Onsager coefficients, conductivity, transference numbers.

Everything here is computed from unwrapped ion centres of mass in the barycentric frame
(the system's centre of mass is subtracted frame by frame) and follows Fong, Self,
McCloskey and Persson (2020):

    L_ij = 1/(6 k_B T V) lim_{t -> inf} d/dt < Delta R_i(t) . Delta R_j(t) >,
    Delta R_i(t) = sum_{a in i} [r_a(t0 + t) - r_a(t0)]  (barycentric)

with particle counts, so L_ij is in 1/(J m s) and the Einstein–Helfand conductivity is
sigma = e^2 sum_ij z_i z_j L_ij [S/m]. Mean-square displacements are computed with FFTs
(Wiener–Khinchin) over every time origin; :func:`cross_msd_direct` is the plain windowed
loop kept as the independent check and benchmark baseline.

References
----------
K.D. Fong, J. Self, B.D. McCloskey, K.A. Persson, "Onsager transport coefficients and
transference numbers in polyelectrolyte solutions and polymerized ionic liquids",
Macromolecules 53, 9503 (2020), doi:10.1021/acs.macromol.0c02001.
A. France-Lanord, J.C. Grossman, "Correlations from ion pairing and the Nernst-Einstein
equation", Phys. Rev. Lett. 122, 136001 (2019), doi:10.1103/PhysRevLett.122.136001.
V. Calandrini, E. Pellegrini, P. Calligari, K. Hinsen, G.R. Kneller, "nMoldyn -
interfacing spectroscopic experiments, molecular dynamics simulations and models for time
correlation functions", Collection SFN 12, 201 (2011), doi:10.1051/sfn/201112010 (FFT MSD).
J. Self, K.D. Fong, K.A. Persson, "Transport in superconcentrated LiPF6 and LiBF4/propylene
carbonate electrolytes", ACS Energy Lett. 4, 2843 (2019), doi:10.1021/acsenergylett.9b02118
(vehicular versus structural criterion).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
from scipy import fft as _fft

from ionscales.constants import boltzmann, elementary_charge
from ionscales.errors import ParameterError
from ionscales.validation import as_float, check_integer

__all__ = [
    "onsager",
    "transport_weights",
    "cross_msd",
    "cross_msd_direct",
    "local_exponent",
    "diffusive_window",
]

_REFERENCES = (
    "Fong, Self, McCloskey, Persson, Macromolecules 53, 9503 (2020), doi:10.1021/acs.macromol.0c02001",
    "France-Lanord, Grossman, Phys. Rev. Lett. 122, 136001 (2019), doi:10.1103/PhysRevLett.122.136001",
)
_CHUNK = 512  # series transformed together: bounds the FFT work array to ~ 2 T x 512 complex

WINDOW_RULE = (
    "diffusive window [t_a, t_b]: t_b = a quarter of the block length (or window[1]); t_a = the "
    "smallest lag from which the local exponent alpha(t) = log2(MSD(2t)/MSD(t)) of every "
    "species' self MSD (block average) stays within 1 +- exponent_tolerance up to t_b/2; "
    "requires t_b >= 2 t_a and >= 4 lags"
)
ERROR_RULE = (
    "the trajectory is cut into `blocks` contiguous, non-overlapping blocks; every quantity "
    "is fitted in each block over the same window; values are functions of the block means, "
    "standard errors are delete-one-block jackknife errors (for a linear quantity: sample "
    "standard deviation of the block values / sqrt(blocks))"
)


# ---------------------------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------------------------


def _as_series(x, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim < 1 or arr.shape[0] < 2:
        raise ParameterError(name, "must have a leading time axis with >= 2 frames", arr.shape)
    return arr.reshape(arr.shape[0], -1)


def cross_msd(x, y=None, *, max_lag: int | None = None) -> np.ndarray:
    """Cross mean-square displacement over all time origins, by FFT.

    ``C(m) = 1/(T - m) sum_{t=0}^{T-1-m} [x(t+m) - x(t)] . [y(t+m) - y(t)]``, summed over
    every trailing axis (ions and Cartesian components); ``y=None`` gives the ordinary MSD
    (summed over the series).

    Parameters
    ----------
    x, y : array_like, shape (T, ...)
        Positions [m] (any trailing shape, the same for ``x`` and ``y``), equally spaced in
        time.
    max_lag : int, optional
        Largest lag returned [frames] (default T - 1).

    Returns
    -------
    numpy.ndarray, shape (max_lag + 1,)
        [m^2] per lag in frames (C(0) = 0).

    Notes
    -----
    The expansion ``Delta x . Delta y = x(t+m)y(t+m) + x(t)y(t) - x(t+m)y(t) - x(t)y(t+m)``
    turns the sum over origins into prefix sums and two cross-correlations, computed with
    zero-padded real FFTs (Wiener–Khinchin) in O(T log T) per series instead of O(T^2).
    Exact (to rounding) for every lag; the number of origins falls as T - m, so lags near T
    are poorly averaged.
    """
    xs = _as_series(x, "x")
    ys = xs if y is None else _as_series(y, "y")
    if ys.shape != xs.shape:
        raise ParameterError("y", f"must have the same shape as x {np.shape(x)}", np.shape(y))
    # displacements do not see a constant shift: centring each series avoids the cancellation
    # of large |x|^2 terms (positions far from the origin) in the prefix sums below
    xs = xs - xs.mean(axis=0)
    ys = xs if y is None else ys - ys.mean(axis=0)
    n = xs.shape[0]
    max_lag = n - 1 if max_lag is None else check_integer("max_lag", max_lag, 0)
    if max_lag > n - 1:
        raise ParameterError("max_lag", f"must be <= frames - 1 = {n - 1}", max_lag)
    # zero padding to n + max_lag keeps lags <= max_lag free of circular wrap-around
    nfft = _fft.next_fast_len(n + max_lag + 1, real=True)
    power = np.zeros(nfft // 2 + 1, dtype=complex)
    for start in range(0, xs.shape[1], _CHUNK):
        fx = _fft.rfft(xs[:, start : start + _CHUNK], n=nfft, axis=0)
        if y is None:
            power += np.einsum("ij,ij->i", fx.real, fx.real) + np.einsum(
                "ij,ij->i", fx.imag, fx.imag
            )
        else:
            fy = _fft.rfft(ys[:, start : start + _CHUNK], n=nfft, axis=0)
            power += np.einsum("ij,ij->i", fx, np.conj(fy))
    lags = np.arange(max_lag + 1)
    c_xy = _fft.irfft(power, n=nfft)[: max_lag + 1]  # sum_t x(t+m) y(t)
    c_yx = c_xy if y is None else _fft.irfft(np.conj(power), n=nfft)[: max_lag + 1]
    dot = np.einsum("ij,ij->i", xs, ys)
    cum = np.concatenate([[0.0], np.cumsum(dot)])
    s1 = cum[n - lags] + (cum[n] - cum[lags])
    out = (s1 - c_xy - c_yx) / (n - lags)
    out[0] = 0.0
    return out


def cross_msd_direct(x, y=None, *, lags: Sequence[int] | None = None) -> np.ndarray:
    """The same cross MSD as :func:`cross_msd` by an explicit loop over lags (no FFT).

    Parameters
    ----------
    x, y : array_like, shape (T, ...)
        Positions [m].
    lags : sequence of int, optional
        Lags [frames] to evaluate (default 0 .. T - 1).

    Returns
    -------
    numpy.ndarray
        [m^2], one value per lag. O(T) work per lag; kept as the independent baseline.
    """
    xs = _as_series(x, "x")
    ys = xs if y is None else _as_series(y, "y")
    n = xs.shape[0]
    lags = np.arange(n) if lags is None else np.asarray(lags, dtype=int)
    out = np.zeros(len(lags))
    for k, m in enumerate(lags):
        if m == 0:
            continue
        dx = xs[m:] - xs[:-m]
        dy = dx if y is None else ys[m:] - ys[:-m]
        out[k] = np.einsum("ij,ij->", dx, dy) / (n - m)
    return out


def local_exponent(msd) -> np.ndarray:
    """Local log-log slope alpha(m) = log2(MSD(2m) / MSD(m)) of an MSD sampled at lags 0..M.

    Parameters
    ----------
    msd : array_like, shape (M + 1, ...)
        MSD [m^2] at lags 0..M frames.

    Returns
    -------
    numpy.ndarray, shape (M // 2 + 1, ...)
        alpha at lags 0..M//2 (NaN at lag 0 and where an MSD is not positive). alpha = 1 in
        the diffusive regime, 2 ballistic, < 1 caged or sub-diffusive.
    """
    msd = np.asarray(msd, dtype=float)
    half = (msd.shape[0] - 1) // 2
    m = np.arange(half + 1)
    a, b = msd[m], msd[2 * m]
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(
            (a > 0) & (b > 0), np.log2(np.where(a > 0, b, 1) / np.where(a > 0, a, 1)), np.nan
        )
    alpha[0] = np.nan
    return alpha


def diffusive_window(msd, *, tolerance: float = 0.15) -> tuple[int, int]:
    """The diffusive fit window [m_a, m_b] (frames) of self MSDs sampled at lags 0..m_b.

    Parameters
    ----------
    msd : array_like, shape (m_b + 1,) or (m_b + 1, n_species)
        Self MSDs [m^2] (block averages) at lags 0..m_b frames.
    tolerance : float
        Allowed |alpha - 1| of the local exponent (see :func:`local_exponent`).

    Returns
    -------
    (m_a, m_b) : tuple of int
        m_a is the smallest lag from which every species' alpha stays within
        1 +- tolerance up to m_b // 2.

    Raises
    ------
    ParameterError
        When no such lag exists, or the window would span fewer than 4 lags or less than a
        factor 2 in time (the trajectory is too short to reach the diffusive regime).
    """
    msd = np.asarray(msd, dtype=float)
    if msd.ndim == 1:
        msd = msd[:, None]
    m_b = msd.shape[0] - 1
    if m_b < 4:
        raise ParameterError(
            "traj",
            "too few frames for a diffusive window: each block spans "
            f"{2 * m_b + 1} frames, need >= 9 (fewer blocks or a longer trajectory)",
        )
    alpha = local_exponent(msd)[1:]
    ok = np.all(np.abs(alpha - 1.0) <= tolerance, axis=1)
    if not ok[-1]:
        raise ParameterError(
            "traj",
            "too few frames for a diffusive window: the MSD exponent "
            f"d log MSD / d log t = {np.nanmin(alpha[-1]):.2f}..{np.nanmax(alpha[-1]):.2f}"
            f" at the longest usable lag is not 1 +- {tolerance} (pass a longer "
            "trajectory or window=(t_start, t_end) [s])",
        )
    bad = np.nonzero(~ok)[0]
    m_a = 1 if bad.size == 0 else int(bad[-1]) + 2
    if m_b < max(2 * m_a, m_a + 3):
        raise ParameterError(
            "traj",
            f"too few frames for a diffusive window: diffusive from lag {m_a} "
            f"frames but blocks allow lags up to {m_b} (need >= 2x and >= 4 lags)",
        )
    return m_a, m_b


def _slopes(curves: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Least-squares slope (with intercept) along axis 1 of curves (blocks, lags, ...)."""
    t = lags - lags.mean()
    return np.tensordot(t, curves - curves.mean(axis=1, keepdims=True), axes=(0, 1)) / np.sum(t * t)


def _jackknife(block_values: np.ndarray, func):
    """func(mean over blocks) and its delete-one-block jackknife standard error."""
    n = block_values.shape[0]
    full = np.asarray(func(block_values.mean(axis=0)), dtype=float)
    total = block_values.sum(axis=0)
    loo = np.array(
        [np.asarray(func((total - block_values[k]) / (n - 1)), dtype=float) for k in range(n)]
    )
    err = np.sqrt((n - 1) / n * np.sum((loo - loo.mean(axis=0)) ** 2, axis=0))
    return full, err


# ---------------------------------------------------------------------------------------------
# Onsager analysis
# ---------------------------------------------------------------------------------------------


def _species_order(labels: np.ndarray) -> list[str]:
    present = list(dict.fromkeys(str(s) for s in labels))
    order = [s for s in ("cation", "anion") if s in present]
    return order + sorted(s for s in present if s not in order)


def _traj_inputs(traj, temperature):
    for attr in (
        "times",
        "ion_species",
        "ion_charges",
        "ion_masses",
        "volumes",
        "ion_positions",
        "system_com",
    ):
        if not hasattr(traj, attr):
            raise ParameterError(
                "traj",
                f"must be an ionscales.analysis.Trajectory (missing {attr!r})",
                type(traj).__name__,
            )
    temp = traj.temperature if temperature is None else temperature
    if temp is None:
        raise ParameterError("temperature", "not known: pass temperature= [K] here or to load()")
    temp = as_float("temperature", temp, unit="K")
    if not (np.isfinite(temp) and temp > 0):
        raise ParameterError("temperature", "must be a finite temperature > 0 K", temp)
    times = np.asarray(traj.times, dtype=float)
    if times.size < 2:
        raise ParameterError(
            "traj", "too few frames for a diffusive window (need many frames)", times.size
        )
    steps = np.diff(times)
    dt = float(np.mean(steps))
    if not (dt > 0) or np.max(np.abs(steps - dt)) > 1e-6 * dt:
        raise ParameterError(
            "traj",
            "frame times must be equally spaced and increasing (the FFT MSD "
            "needs a uniform time step)",
        )
    species = np.asarray(traj.ion_species).astype(str)
    charges = np.asarray(traj.ion_charges, dtype=float)
    net = float(charges.sum())
    if abs(net) > 1e-3 * max(1.0, float(np.abs(charges).max(initial=0.0))):
        raise ParameterError(
            "traj",
            f"the ion selection is not neutral (net charge {net:.4g} e); the "
            "Einstein–Helfand conductivity needs a neutral system",
        )
    names = _species_order(species)
    z = []
    for s in names:
        q = charges[species == s]
        if np.ptp(q) > 1e-3 * max(1.0, abs(q.mean())):
            raise ParameterError(
                "traj",
                f"ions of species {s!r} carry different charges "
                f"({q.min():.4g}..{q.max():.4g} e); split them into species",
            )
        z.append(float(q.mean()))
    volume = float(np.mean(traj.volumes))
    return temp, dt, species, names, np.array(z), volume


def _barycentric_positions(traj) -> np.ndarray:
    pos = np.asarray(traj.ion_positions(unwrapped=True), dtype=float)
    com = np.asarray(traj.system_com(), dtype=float)
    return pos - com[:, None, :]


def _block_msds(pos, groups, n_blocks, max_lag):
    """Collective cross MSDs (blocks, lags, S, S) and summed self MSDs (blocks, lags, S)."""
    n_species = len(groups)
    block_len = pos.shape[0] // n_blocks
    coll = np.zeros((n_blocks, max_lag + 1, n_species, n_species))
    self_ = np.zeros((n_blocks, max_lag + 1, n_species))
    # contiguous groups (the Trajectory lists cations, then anions) are sliced, not copied
    groups = [
        slice(int(g[0]), int(g[-1]) + 1) if g.size and np.all(np.diff(g) == 1) else g
        for g in groups
    ]
    for b in range(n_blocks):
        seg = pos[b * block_len : (b + 1) * block_len]
        sums = [seg[:, g].sum(axis=1) for g in groups]
        for i in range(n_species):
            self_[b, :, i] = cross_msd(seg[:, groups[i]], max_lag=max_lag)
            for j in range(i, n_species):
                c = cross_msd(sums[i], None if i == j else sums[j], max_lag=max_lag)
                coll[b, :, i, j] = coll[b, :, j, i] = c
    return coll, self_


def _window_frames(window, dt, max_lag):
    if window is None:
        return None
    try:
        t0, t1 = (float(v) for v in window)
    except (TypeError, ValueError) as exc:
        raise ParameterError("window", "must be (t_start, t_end) in s", window) from exc
    m0, m1 = int(round(t0 / dt)), int(round(t1 / dt))
    if not (1 <= m0 and m0 + 3 <= m1 <= max_lag):
        raise ParameterError(
            "window",
            f"must satisfy dt <= t_start, t_start + 3 dt <= t_end <= "
            f"{max_lag * dt:.4g} s (half a block; dt = {dt:.4g} s)",
            window,
        )
    return m0, m1


def _cluster_origins(n_blocks, block_len, last_lag, stride):
    """Time origins of the cluster-resolved MSD, per block."""
    return [
        np.arange(b * block_len, (b + 1) * block_len - last_lag, stride) for b in range(n_blocks)
    ]


def _cluster_msd(pos, masses, charges, labels_at, origins, lags):
    """Per-block France-Lanord–Grossman sum_c z_c^2 <|Delta r_c|^2> at ``lags`` (membership
    fixed at each time origin; ``labels_at[t0]`` gives the cluster label of every ion)."""
    out = np.zeros((len(origins), len(lags)))
    for b, block_origins in enumerate(origins):
        acc = np.zeros(len(lags))
        for t0 in block_origins:
            _, inv = np.unique(labels_at[t0], return_inverse=True)
            order = np.argsort(inv, kind="stable")
            starts = np.concatenate([[0], np.nonzero(np.diff(inv[order]))[0] + 1])
            mass_c = np.add.reduceat(masses[order], starts)
            z_c = np.add.reduceat(charges[order], starts)
            disp = (pos[t0 + lags][:, order] - pos[t0][order]) * masses[order][None, :, None]
            com_disp = np.add.reduceat(disp, starts, axis=1) / mass_c[None, :, None]
            acc += np.einsum("c,lcd,lcd->l", z_c**2, com_disp, com_disp)
        out[b] = acc / len(block_origins)
    return out


def _check_clusters(traj, clusters):
    if isinstance(clusters, str):
        if clusters != "contact":
            raise ParameterError(
                "clusters", "must be None, 'contact' or an integer array (frames, ions)", clusters
            )
        return clusters
    n_frames, n_ions = len(traj.times), len(traj.ion_species)
    labels = np.asarray(clusters)
    if labels.shape != (n_frames, n_ions) or labels.dtype.kind not in "iu":
        raise ParameterError(
            "clusters",
            f"must be an integer array of shape (frames, ions) = {(n_frames, n_ions)}",
            labels.shape,
        )
    return labels


def _contact_labels(traj, frames, cutoff):
    """Cluster label of every ion on ``frames`` from analysis' cation–anion contact graph."""
    from ionscales.analysis.clusters import contact_clusters
    from ionscales.analysis.structure import anion_contacts

    sc = anion_contacts(traj, cutoff=cutoff, frames=frames)
    fp, cat, an = sc.select("anion")
    n_c, n_a = traj.n_molecules("cation"), traj.n_molecules("anion")
    cl = contact_clusters(fp, cat, an, n_c, n_a, len(frames))
    rows = cl.label.reshape(len(frames), n_c + n_a)
    return {int(f): rows[k] for k, f in enumerate(frames)}, float(sc.radii["anion"])


def _fit(
    traj,
    temperature,
    window,
    blocks,
    exponent_tolerance,
    clusters=None,
    cutoff=None,
    cluster_origin_stride=None,
):
    """Block-wise fits shared by :func:`onsager` and :func:`transport_weights`."""
    n_blocks = check_integer("blocks", blocks, 2)
    tol = float(exponent_tolerance)
    if not 0 < tol < 1:
        raise ParameterError("exponent_tolerance", "must lie in (0, 1)", exponent_tolerance)
    temp, dt, species, names, z, volume = _traj_inputs(traj, temperature)
    n_frames = len(traj.times)
    block_len = n_frames // n_blocks
    max_lag = block_len // 4
    if max_lag < 4:
        raise ParameterError(
            "traj",
            f"too few frames for a diffusive window: {n_frames} frames in "
            f"{n_blocks} blocks give fit lags up to {max_lag} frames (a quarter of a "
            "block), need >= 4 (fewer blocks or a longer trajectory)",
        )
    user_window = _window_frames(window, dt, block_len // 2)
    if user_window is not None:
        max_lag = user_window[1]
    labels = None if clusters is None else _check_clusters(traj, clusters)
    pos = _barycentric_positions(traj)
    groups = [np.nonzero(species == s)[0] for s in names]
    counts = np.array([len(g) for g in groups], dtype=float)
    coll, self_sum = _block_msds(pos, groups, n_blocks, max_lag)
    self_msd = self_sum.mean(axis=0) / counts  # per ion, block average
    if user_window is None:
        m_a, m_b = diffusive_window(self_msd, tolerance=tol)
    else:
        m_a, m_b = user_window
    lags = np.arange(m_a, m_b + 1)
    kt_v = boltzmann * temp * volume
    # per-block fitted quantities, packed in one vector for the jackknife
    l_b = _slopes(coll[:, lags], lags * dt) / (6 * kt_v)  # (blocks, S, S)
    lself_b = _slopes(self_sum[:, lags], lags * dt) / (6 * kt_v)  # (blocks, S)
    parts = [l_b.reshape(n_blocks, -1), lself_b]
    contact_radius = None
    if labels is not None:
        stride = cluster_origin_stride or max(1, (block_len - m_b) // 100)
        stride = check_integer("cluster_origin_stride", stride, 1)
        clags = np.unique(np.linspace(m_a, m_b, min(16, m_b - m_a + 1)).round().astype(int))
        origins = _cluster_origins(n_blocks, block_len, clags[-1], stride)
        if isinstance(labels, str):
            labels, contact_radius = _contact_labels(traj, np.concatenate(origins), cutoff)
        cl = _cluster_msd(
            pos,
            np.asarray(traj.ion_masses, float),
            np.asarray(traj.ion_charges, float),
            labels,
            origins,
            clags,
        )
        parts.append(_slopes(cl, clags * dt)[:, None] / (6 * kt_v))
    return SimpleNamespace(
        parts=parts,
        names=names,
        z=z,
        counts=counts,
        kt_v=kt_v,
        dt=dt,
        m_a=m_a,
        m_b=m_b,
        block_len=block_len,
        n_blocks=n_blocks,
        pos=pos,
        self_msd=self_msd,
        coll=coll,
        max_lag=max_lag,
        tol=tol,
        user_window=user_window,
        labels=labels,
        temp=temp,
        volume=volume,
        n_frames=n_frames,
        contact_radius=contact_radius,
        species=species,
    )


def onsager(
    traj,
    *,
    temperature: float | None = None,
    window: tuple[float, float] | None = None,
    blocks: int = 10,
    exponent_tolerance: float = 0.15,
    clusters=None,
    cutoff: float | None = None,
    cluster_origin_stride: int | None = None,
):
    """Onsager coefficients, conductivity and transference numbers of a trajectory.

    Parameters
    ----------
    traj : ionscales.analysis.Trajectory
        Unwrapped trajectory (``load`` / ``load_arrays``) with equally spaced frames; the
        ion selection must be neutral.
    temperature : float, optional
        [K]; default ``traj.temperature`` (ParameterError if neither is known).
    window : (float, float), optional
        Fit window (t_start, t_end) [s] of the lag time; default: chosen by the rule in Notes.
    blocks : int
        Number of contiguous, non-overlapping blocks for the standard errors (>= 2).
    exponent_tolerance : float
        Allowed |d log MSD / d log t - 1| in the automatic window (0 < tol < 1).
    clusters : None, "contact" or int array (frames, ions)
        Cluster label of every ion per frame for the cluster-resolved conductivity of
        France-Lanord & Grossman; "contact" takes them from the cation–anion contact graph
        (``ionscales.analysis`` cluster machinery, shell radius ``cutoff``); None skips it.
    cutoff : float, optional
        Cation–anion contact distance [m] for ``clusters="contact"`` (default: analysis'
        shell radius rule).
    cluster_origin_stride : int, optional
        Frames between time origins of the cluster-resolved MSD (default: about 100 origins per
        block).

    Returns
    -------
    xarray.Dataset
        ``onsager_coefficient`` over (species_i, species_j) [1/(J m s)] with its self and
        distinct parts, ``conductivity`` and ``conductivity_component`` (self and distinct
        ++, --, +- parts) [S/m], ``conductivity_nernst_einstein`` [S/m],
        ``nernst_einstein_deviation``, ``transference_number`` (Onsager) and
        ``transference_number_apparent`` (self-diffusion), ``diffusivity`` over "species"
        [m^2/s], ``conductivity_cluster`` when clusters are given; each with
        ``<name>_stderr``; the MSD curves over "lag_time" [s], their local exponent, and the
        window (``attrs["window_start"]``, ``attrs["window_end"]`` [s]).

    Notes
    -----
    * Frame: positions are ion centres of mass minus the system centre of mass (all atoms,
      from ``traj.system_com``), so the L_ij are barycentric (Fong et al. 2020); the
      conductivity of a neutral system does not depend on the frame.
    * L_ij = slope of <Delta R_i . Delta R_j>(t) / (6 k_B T V) with Delta R_i the summed
      displacement of species i (particle counts: units 1/(J m s)); V is the mean box volume.
      Self part L_i^self = sum_{a in i} slope <|Delta r_a|^2> / (6 k_B T V) = N_i D_i/(V k_B T);
      distinct part = L_ij - delta_ij L_i^self.
    * sigma = e^2 sum_ij z_i z_j L_ij (Einstein–Helfand); sigma_self = e^2 sum z_i^2 L_i^self
      equals the Nernst–Einstein sigma_NE = e^2/(V k_B T) sum z_i^2 N_i D_i; the distinct
      parts (++, --, +- counted twice) make up the rest; Delta_NE = 1 - sigma/sigma_NE.
    * t+ (Onsager) = (z+^2 L++ + z+ z- L+-) / sum_ij z_i z_j L_ij; apparent t+ =
      z+^2 N+ D+ / sum_i z_i^2 N_i D_i.
    * D_i = slope of the per-ion self MSD / 6 (barycentric frame, no finite-size correction).
    * Cluster-resolved conductivity (France-Lanord & Grossman 2019): sigma_cluster =
      e^2/(6 V k_B T) d/dt sum_c z_c^2 <|Delta r_c|^2>, c running over the clusters of the
      time origin (membership fixed at the origin frame, followed as the same set of ions
      through the window, even if it breaks up), Delta r_c the displacement of the members'
      centre of mass. Neutral clusters drop out; the remaining NE-like deviation
      1 - sigma / sigma_cluster measures correlations between different clusters.
    * Window rule: see ``attrs["window_rule"]``: the local exponent alpha(t) =
      log2(MSD(2t)/MSD(t)) of the block-averaged self MSD of every species must stay within
      1 +- exponent_tolerance from t_a to t_b/2, t_b = a quarter of a block. A trajectory too short
      for that raises ParameterError. The collective MSDs are fitted over the same window
      (they are too noisy for their own exponent).
    * Errors: ``attrs["error_method"]`` — block jackknife; the collective displacement is a
      single "particle", so its error falls only like sqrt(t_window / t_block) per block.
    * Valid when the window lies in the diffusive regime and the blocks are much longer than
      the window; barycentric L_ij satisfy sum_j M_j L_ij = 0 only when every species is
      included (solvent is not).

    References
    ----------
    Fong et al., Macromolecules 53, 9503 (2020), doi:10.1021/acs.macromol.0c02001;
    France-Lanord & Grossman, Phys. Rev. Lett. 122, 136001 (2019),
    doi:10.1103/PhysRevLett.122.136001.
    """
    from ionscales.analysis._results import analysis_dataset

    fit = _fit(
        traj,
        temperature,
        window,
        blocks,
        exponent_tolerance,
        clusters,
        cutoff,
        cluster_origin_stride,
    )
    parts, names, z, counts, kt_v, dt = fit.parts, fit.names, fit.z, fit.counts, fit.kt_v, fit.dt
    m_a, m_b, block_len, n_blocks, labels = (
        fit.m_a,
        fit.m_b,
        fit.block_len,
        fit.n_blocks,
        fit.labels,
    )
    coll, self_msd, max_lag, tol, user_window = (
        fit.coll,
        fit.self_msd,
        fit.max_lag,
        fit.tol,
        fit.user_window,
    )
    temp, volume, n_frames = fit.temp, fit.volume, fit.n_frames
    s = len(names)
    packed = np.concatenate(parts, axis=1)
    e2 = elementary_charge**2
    zz = np.outer(z, z)
    i_cat = names.index("cation") if "cation" in names else 0

    def unpack(v):
        return v[: s * s].reshape(s, s), v[s * s : s * s + s]

    def f_onsager(v):
        return unpack(v)[0]

    def f_distinct(v):
        lm, ls = unpack(v)
        return lm - np.diag(ls)

    def f_sigma(v):
        return e2 * np.sum(zz * unpack(v)[0])

    def f_ne(v):
        return e2 * np.sum(z**2 * unpack(v)[1])

    def f_components(v):
        lm, ls = unpack(v)
        d = lm - np.diag(ls)
        comps = [e2 * np.sum(z**2 * ls)]
        for i in range(s):
            for j in range(i, s):
                comps.append(e2 * zz[i, j] * d[i, j] * (1 if i == j else 2))
        return np.array(comps)

    def f_deviation(v):
        return 1 - f_sigma(v) / f_ne(v)

    def f_tplus(v):
        lm, _ = unpack(v)
        return np.sum(zz[i_cat] * lm[i_cat]) / np.sum(zz * lm)

    def f_tplus_apparent(v):
        _, ls = unpack(v)
        return z[i_cat] ** 2 * ls[i_cat] / np.sum(z**2 * ls)

    def f_diffusivity(v):
        return unpack(v)[1] * kt_v / counts

    def f_cluster(v):
        return e2 * v[s * s + s]

    def f_cluster_deviation(v):
        return 1 - f_sigma(v) / f_cluster(v)

    comp_names = ["self"] + [
        f"distinct_{names[i]}_{names[j]}" for i in range(s) for j in range(i, s)
    ]
    data = {}

    def put(name, func, dims, units=None):
        val, err = _jackknife(packed, func)
        data[name] = (dims, val) if units is None else (dims, val, units)
        data[f"{name}_stderr"] = (dims, err) if units is None else (dims, err, units)

    put("onsager_coefficient", f_onsager, ("species_i", "species_j"))
    put("onsager_coefficient_distinct", f_distinct, ("species_i", "species_j"))
    put("onsager_coefficient_self", lambda v: unpack(v)[1], ("species",))
    put("conductivity", f_sigma, ())
    put("conductivity_component", f_components, ("conductivity_part",))
    put("conductivity_nernst_einstein", f_ne, ())
    put("nernst_einstein_deviation", f_deviation, ())
    put("transference_number", f_tplus, ())
    put("transference_number_apparent", f_tplus_apparent, ())
    put("diffusivity", f_diffusivity, ("species",))
    if labels is not None:
        put("conductivity_cluster", f_cluster, ())
        put("cluster_nernst_einstein_deviation", f_cluster_deviation, ())
    lag_all = np.arange(max_lag + 1)
    data["msd"] = (("lag_time", "species"), self_msd)
    data["collective_msd"] = (("lag_time", "species_i", "species_j"), coll.mean(axis=0))
    data["charge_msd"] = (("lag_time",), np.einsum("ij,lij->l", zz, coll.mean(axis=0)))
    alpha = np.full_like(self_msd, np.nan)
    alpha[: max_lag // 2 + 1] = local_exponent(self_msd)
    data["msd_exponent"] = (("lag_time", "species"), alpha)
    data["species_charge"] = (("species",), z)
    data["ion_count"] = (("species",), counts)
    coords = {
        "species": (("species",), np.array(names)),
        "species_i": (("species_i",), np.array(names)),
        "species_j": (("species_j",), np.array(names)),
        "lag_time": (("lag_time",), lag_all * dt),
        "conductivity_part": (("conductivity_part",), np.array(comp_names)),
    }
    attrs = {
        "temperature": temp,
        "volume": volume,
        "time_step": dt,
        "frames": n_frames,
        "blocks": n_blocks,
        "block_length": block_len * dt,
        "window_start": m_a * dt,
        "window_end": m_b * dt,
        "window_source": "user" if user_window is not None else "automatic",
        "window_rule": WINDOW_RULE if user_window is None else "given by the user (window=)",
        "exponent_tolerance": tol,
        "error_method": ERROR_RULE,
        "frame_of_reference": "barycentric (system centre of mass subtracted per frame)",
        "units_note": "onsager_coefficient counts particles: sigma = e^2 sum_ij z_i z_j L_ij",
    }
    if fit.contact_radius is not None:
        attrs["cluster_contact_radius"] = fit.contact_radius
    if labels is not None:
        attrs["cluster_rule"] = (
            "clusters of each time origin; membership fixed at the origin and "
            "followed through the window (France-Lanord & Grossman 2019)"
        )
    parameters = {
        "blocks": n_blocks,
        "exponent_tolerance": tol,
        "window": window,
        "clusters": None
        if clusters is None
        else ("contact" if isinstance(clusters, str) else "array"),
        "cutoff": cutoff,
    }
    return analysis_dataset(
        data,
        coords,
        traj=traj,
        function="onsager",
        parameters=parameters,
        references=_REFERENCES,
        attrs=attrs,
    )


# ---------------------------------------------------------------------------------------------
# transport weights
# ---------------------------------------------------------------------------------------------

WEIGHTS_RULE = (
    "collective = |sigma_+^distinct| / (|sigma_+^self| + |sigma_+^distinct|) of the cation's "
    "partial conductivity sigma_+ = e^2 sum_j z_+ z_j L_+j; the self part 1 - collective splits "
    "into vehicular = (1 - collective) f and structural = (1 - collective)(1 - f), with the "
    "co-motion f = <dr_+ . dr_shell> / <|dr_+|^2> at the lag tau_D = d^2/(6 D_+) in which a "
    "cation diffuses one shell diameter d = 2 r_shell (dr_shell: mean displacement of the "
    "partner molecules in its shell at the time origin; cations with an empty shell are left "
    "out; f clipped to [0, 1])"
)


def _check_radii(partners, shell_radius):
    if shell_radius is None:
        return None  # analysis.shell_contacts applies its first-minimum rule per partner
    if isinstance(shell_radius, dict):
        missing = [p for p in partners if p not in shell_radius]
        if missing:
            raise ParameterError(
                "shell_radius", f"has no radius [m] for partner(s) {missing}", shell_radius
            )
        radii = {p: shell_radius[p] for p in partners}
    else:
        radii = {p: shell_radius for p in partners}
    for p, r in radii.items():
        try:
            r = float(r)
        except (TypeError, ValueError) as exc:
            raise ParameterError("shell_radius", f"for {p!r} must be a length [m]", r) from exc
        if not (np.isfinite(r) and 0 < r < 5e-9):
            raise ParameterError("shell_radius", f"for {p!r} must lie in (0, 5 nm) [m]", r)
        radii[p] = r
    return radii


def _partner_coms(traj, label, frame, com_frame):
    atoms = traj.atoms(label)
    mol = traj.molecule_of_atom(label)
    masses = traj.atom_masses(label)
    pos = np.asarray(traj.positions(frame), float)[atoms]
    starts = np.searchsorted(mol, np.arange(mol[-1] + 1))
    com = (
        np.add.reduceat(pos * masses[:, None], starts, axis=0)
        / np.add.reduceat(masses, starts)[:, None]
    )
    return com - com_frame, pos, mol


def _shell_origins(fit, lag, max_origins):
    last = fit.n_frames - 1 - lag
    origins = np.unique(np.linspace(0, last, min(max_origins, last + 1)).round().astype(int))
    block = np.minimum(origins // fit.block_len, fit.n_blocks - 1)
    counts = np.bincount(block, minlength=fit.n_blocks)
    if np.any(counts < 2):
        raise ParameterError(
            "traj",
            f"too few frames for the shell lag tau_D = {lag} frames: every block needs >= 2 "
            "time origins (fewer blocks or a longer trajectory)",
        )
    return origins, block, counts


def _shell_comotion(traj, fit, contacts, lag, origins, block, counts):
    """Per-block sums (per origin) of dr_+ . dr_shell and |dr_+|^2, and the bare share.

    ``contacts`` are analysis' shell contacts on the origin frames (membership at the origin).
    """
    cat = np.flatnonzero(fit.species == "cation")
    com_all = np.asarray(traj.system_com(), float)
    rows = {p: contacts.select(p) for p in contacts.partners}
    num, den = np.zeros(fit.n_blocks), np.zeros(fit.n_blocks)
    bare = 0
    for k, (t0, b) in enumerate(zip(origins, block)):
        dr = fit.pos[t0 + lag, cat] - fit.pos[t0, cat]
        shell_sum = np.zeros((cat.size, 3))
        shell_n = np.zeros(cat.size)
        for p, (fp, ci, mi) in rows.items():
            here = fp == k
            if not np.any(here):
                continue
            com0, _, _ = _partner_coms(traj, p, t0, com_all[t0])
            com1, _, _ = _partner_coms(traj, p, t0 + lag, com_all[t0 + lag])
            np.add.at(shell_sum, ci[here], com1[mi[here]] - com0[mi[here]])
            np.add.at(shell_n, ci[here], 1.0)
        has = shell_n > 0
        bare += int(np.sum(~has))
        shell_dr = shell_sum[has] / shell_n[has, None]
        num[b] += np.sum(dr[has] * shell_dr)
        den[b] += np.sum(dr[has] ** 2)
    if np.any(den <= 0):
        raise ParameterError(
            "shell_radius",
            "no cation has a partner in its shell in some block: the shell radius is too small",
            contacts.radii,
        )
    return num / counts, den / counts, bare / (origins.size * cat.size)


def transport_weights(
    traj,
    *,
    temperature: float | None = None,
    shell_radius=None,
    partners: Sequence[str] | None = None,
    window: tuple[float, float] | None = None,
    blocks: int = 10,
    exponent_tolerance: float = 0.15,
    max_origins: int = 200,
    residence: bool = True,
):
    """Vehicular, structural and collective shares of cation transport.

    Parameters
    ----------
    traj : ionscales.analysis.Trajectory
        Unwrapped trajectory with equally spaced frames (see :func:`onsager`).
    temperature : float, optional
        [K]; default ``traj.temperature``.
    shell_radius : float or dict, optional
        Cation solvation-shell radius [m], one value or one per partner label; default: the
        first-minimum rule of :func:`ionscales.analysis.coordination` per partner (on up to
        ``max_origins`` evenly spaced frames).
    partners : sequence of str, optional
        Partner labels whose molecules make up the shell (default: the anion and every
        solvent).
    window, blocks, exponent_tolerance :
        As :func:`onsager` (diffusive window [s], number of blocks, tolerance).
    max_origins : int
        Time origins (evenly spaced) for the shell co-motion.
    residence : bool
        Also report the continuous shell residence time per partner
        (:func:`ionscales.analysis.lifetimes`, 1/e time, NaN with a ``ValidityWarning`` when
        longer than half the trajectory) and the Self–Fong–Persson ratio tau_res / tau_D.

    Returns
    -------
    xarray.Dataset
        ``vehicular_weight``, ``structural_weight``, ``collective_weight`` (summing to 1),
        ``shell_comotion`` (the co-motion f), ``shell_diffusion_time`` tau_D [s], each with
        ``<name>_stderr``; ``shell_diameter`` [m]; with ``residence``: ``residence_time``
        [s] and ``vehicular_ratio`` over ``partner`` (no stderr: one value per trajectory);
        ``attrs["weights_rule"]`` states the definitions.

    Notes
    -----
    * Collective share: Fong et al. (2020) split the Onsager coefficients into self and
      distinct parts. The cation's partial conductivity sigma_+ = e^2 (z_+^2 L_++ +
      sum_{j != +} z_+ z_j L_+j) has the self part e^2 z_+^2 N_+ D_+/(V k_B T) and a distinct
      part (cation–cation and cation–counter-ion correlations);
      collective = |distinct| / (|self| + |distinct|).
    * Vehicular versus structural (Self, Fong & Persson 2019 compare the shell residence
      time with the time to diffuse one shell diameter): over tau_D = d^2/(6 D_+), the time
      a cation needs to diffuse one shell diameter d = 2 r_shell, a cation that carries its
      shell moves with it (dr_shell = dr_+), a cation that hops between shells leaves its
      partners behind (dr_shell ~ 0). f = <dr_+ . dr_shell>/<|dr_+|^2> measures this
      directly (shell membership fixed at the time origin, barycentric displacements,
      partner displacement = mean over the shell's molecules of their centres of mass);
      vehicular = (1 - collective) f and structural = (1 - collective)(1 - f).
      If a partner type sits in the shell but does not move with the cation, it counts
      toward the structural share.
    * d is twice the largest shell radius over the partners.
    * Errors: delete-one-block jackknife over the same blocks as :func:`onsager` (origins
      grouped by the block they start in).
    * Valid when tau_D is longer than a frame and shorter than a block.

    References
    ----------
    K.D. Fong et al., Macromolecules 53, 9503 (2020), doi:10.1021/acs.macromol.0c02001.
    J. Self, K.D. Fong, K.A. Persson, ACS Energy Lett. 4, 2843 (2019),
    doi:10.1021/acsenergylett.9b02118.
    """
    from ionscales.analysis._results import analysis_dataset

    fit = _fit(traj, temperature, window, blocks, exponent_tolerance)
    labels = [lab for lab in getattr(traj, "labels", ("cation", "anion")) if lab != "cation"]
    if partners is None:
        partners = labels
    partners = list(partners)
    for p in partners:
        if p not in labels:
            raise ParameterError("partners", f"unknown partner {p!r}; valid: {labels}", p)
    if not partners:
        raise ParameterError("partners", "needs at least one partner label", partners)
    from ionscales.analysis.structure import shell_contacts

    radii = _check_radii(partners, shell_radius)
    n_origins = check_integer("max_origins", max_origins, 4)
    s = len(fit.names)
    i_cat = fit.names.index("cation")
    packed = np.concatenate(fit.parts[:2], axis=1)
    l_mean = packed.mean(axis=0)
    d_cat = l_mean[s * s + i_cat] * fit.kt_v / fit.counts[i_cat]
    if radii is None:  # analysis' first-minimum rule on up to max_origins evenly spaced frames
        sample = np.unique(
            np.linspace(0, fit.n_frames - 1, min(n_origins, fit.n_frames)).round().astype(int)
        )
        radii = dict(shell_contacts(traj, frames=sample, partners=tuple(partners)).radii)
    diameter = 2 * max(radii.values())
    tau_d = diameter**2 / (6 * d_cat)
    lag = max(1, int(round(tau_d / fit.dt)))
    if lag > fit.block_len - 2:
        raise ParameterError(
            "traj",
            f"too few frames: the shell-diffusion time tau_D = {tau_d:.3g} s "
            f"exceeds a block ({fit.block_len * fit.dt:.3g} s); use fewer blocks or "
            "a longer trajectory",
        )
    origins, block, counts = _shell_origins(fit, lag, n_origins)
    contacts = shell_contacts(traj, cutoffs=radii, frames=origins, partners=tuple(partners))
    num, den, bare = _shell_comotion(traj, fit, contacts, lag, origins, block, counts)
    used = origins.size
    packed = np.concatenate([packed, num[:, None], den[:, None]], axis=1)
    z = fit.z
    e2 = elementary_charge**2

    def parts(v):
        lm = v[: s * s].reshape(s, s)
        ls = v[s * s : s * s + s]
        self_ = e2 * z[i_cat] ** 2 * ls[i_cat]
        distinct = e2 * np.sum(z[i_cat] * z * lm[i_cat]) - self_
        return self_, distinct

    def f_collective(v):
        a, b = parts(v)
        return abs(b) / (abs(a) + abs(b))

    def f_comotion(v):
        return v[-2] / v[-1]

    def f_vehicular(v):
        return (1 - f_collective(v)) * np.clip(f_comotion(v), 0, 1)

    def f_structural(v):
        return (1 - f_collective(v)) * (1 - np.clip(f_comotion(v), 0, 1))

    def f_tau(v):
        return diameter**2 / (6 * v[s * s + i_cat] * fit.kt_v / fit.counts[i_cat])

    data = {}
    for name, func in (
        ("vehicular_weight", f_vehicular),
        ("structural_weight", f_structural),
        ("collective_weight", f_collective),
        ("shell_comotion", f_comotion),
        ("shell_diffusion_time", f_tau),
    ):
        val, err = _jackknife(packed, func)
        data[name] = ((), val)
        data[f"{name}_stderr"] = ((), err)
    data["shell_diameter"] = ((), diameter)
    coords = None
    if residence:
        from ionscales.analysis.residence import lifetimes

        life = lifetimes(traj, cutoffs=radii, partners=tuple(partners))
        tau_res = np.array([float(life.continuous_lifetime.sel(partner=p)) for p in partners])
        data["residence_time"] = (("partner",), tau_res)
        data["vehicular_ratio"] = (("partner",), tau_res / float(data["shell_diffusion_time"][1]))
        coords = {"partner": (("partner",), np.array(partners))}
    attrs = {
        "weights_rule": WEIGHTS_RULE,
        "partners": list(partners),
        "shell_radii": [radii[p] for p in partners],
        "shell_lag": lag * fit.dt,
        "time_origins": used,
        "bare_cation_fraction": bare,
        "window_start": fit.m_a * fit.dt,
        "window_end": fit.m_b * fit.dt,
        "blocks": fit.n_blocks,
        "error_method": ERROR_RULE,
        "temperature": fit.temp,
    }
    parameters = {
        "shell_radius": shell_radius if not isinstance(shell_radius, dict) else dict(shell_radius),
        "partners": list(partners),
        "blocks": fit.n_blocks,
        "window": window,
        "max_origins": n_origins,
    }
    return analysis_dataset(
        data,
        coords,
        traj=traj,
        function="transport_weights",
        parameters=parameters,
        references=_REFERENCES
        + (
            "Self, Fong, Persson, ACS Energy Lett. 4, 2843 (2019), "
            "doi:10.1021/acsenergylett.9b02118",
        ),
        attrs=attrs,
    )
