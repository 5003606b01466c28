"""Charge–charge structure from MD: h_QQ(r), r h_QQ(r) and S_ZZ(k) on the box k-grid.

Real space: the ion–ion partial RDFs (ion centres of mass) combine with the charges into

    h_QQ(r) = sum_ij x_i x_j z_i z_j h_ij(r) / sum_i x_i z_i^2      (x_i: number fraction),

the same definition as :mod:`ionscales.theory.integral_equation`'s ``h_charge``; its
envelope r h_QQ(r) ~ A exp(-r / lambda) cos(2 pi r / w + phi) is what
:func:`ionscales.fitting.fit_decay` fits for the MD screening length.

Reciprocal space: S_ZZ(k) = < |sum_a z_a exp(i k . r_a)|^2 > / sum_a z_a^2 directly from the
positions on the wavevectors k = 2 pi (n1 a* + n2 b* + n3 c*) allowed by the (triclinic)
box, averaged over frames and over the vectors in each |k| bin.

Stillinger–Lovett: a conducting fluid screens perfectly, so S_ZZ(k) -> (k / kappa_D)^2 as
k -> 0 with kappa_D^2 = e^2 sum_i n_i z_i^2 / (eps0 eps_r k_B T) (Stillinger & Lovett, J. Chem.
Phys. 49, 1991 (1968)). With explicit solvent the ions see the solvent's permittivity.
"""

from __future__ import annotations

import numpy as np
from scipy import constants as const

from ionscales.analysis._neighbors import capped_pairs
from ionscales.analysis._results import analysis_dataset
from ionscales.analysis.structure import _check_traj, _half_width
from ionscales.analysis.trajectory import triclinic_vectors
from ionscales.errors import ParameterError
from ionscales.validation import check_integer, check_positive

__all__ = ["charge_structure", "charge_structure_factor"]

SL_SHELLS = 4  # lowest |k| bins used for the small-k (k^2 + k^4) fit


def _kgrid(box6: np.ndarray, k_max: float):
    """Integer grid ranges and wavevectors of a box: (n_max per axis, k (..., 3) [1/m])."""
    vec = triclinic_vectors(box6)
    inv_t = np.linalg.inv(vec).T  # rows a*, b*, c* (without 2 pi)
    # |k| >= 2 pi |n_d| / spacing_d, so |n_d| <= k_max spacing_d / (2 pi)
    spacing = 1.0 / np.linalg.norm(inv_t, axis=1)
    n_max = np.ceil(k_max * spacing / (2 * np.pi)).astype(int)
    ranges = [np.arange(-n, n + 1) for n in n_max]
    grid = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1)  # (n1, n2, n3, 3)
    k = 2 * np.pi * grid @ inv_t
    return n_max, grid, k


def charge_structure_factor(
    positions: np.ndarray, charges: np.ndarray, boxes: np.ndarray, k_max: float, bin_width: float
):
    """S_ZZ(k) from positions, averaged over frames and |k| bins.

    Parameters
    ----------
    positions : ndarray (n_frames, n_ions, 3)
        Ion positions [m].
    charges : ndarray (n_ions,)
        Charges [e].
    boxes : ndarray (n_frames, 6)
        Box lengths [m] and angles [deg].
    k_max : float
        Largest |k| [1/m].
    bin_width : float
        |k| bin width [1/m].

    Returns
    -------
    k_mean, s_zz, n_vectors : ndarrays over the non-empty bins
        Mean |k| [1/m], S_ZZ and the number of (frame, wavevector) samples per bin.

    Notes
    -----
    With fractional coordinates s, exp(i k.r) = prod_d exp(2 pi i n_d s_d): the phase
    factors of each axis are raised to the grid's integer powers once, and
    rho(n1, n2, n3) = sum_a z_a E1[n1, a] E2[n2, a] E3[n3, a] is one matrix product per frame.
    One vector of each +-k pair is kept (|rho_-k| = |rho_k|).
    """
    z = np.asarray(charges, float)
    z2 = float(np.sum(z**2))
    n_bins = int(np.ceil(k_max / bin_width))
    s_sum = np.zeros(n_bins)
    k_sum = np.zeros(n_bins)
    count = np.zeros(n_bins)
    for f in range(positions.shape[0]):
        n_max, grid, k = _kgrid(boxes[f], k_max)
        kn = np.linalg.norm(k, axis=-1)
        first = np.where(
            grid[..., 0] != 0, grid[..., 0], np.where(grid[..., 1] != 0, grid[..., 1], grid[..., 2])
        )
        keep = (first > 0) & (kn <= k_max * (1 + 1e-12))
        frac = positions[f] @ np.linalg.inv(triclinic_vectors(boxes[f]))  # (n_ions, 3)
        e = [
            np.exp(2j * np.pi * np.arange(-n, n + 1)[:, None] * frac[None, :, d])
            for d, n in enumerate(n_max)
        ]
        t = (e[0][:, None, :] * e[1][None, :, :]) * z  # (n1, n2, ions)
        rho = t.reshape(-1, t.shape[-1]) @ e[2].T  # (n1 * n2, n3)
        s = (np.abs(rho.reshape(kn.shape)) ** 2 / z2)[keep]
        which = np.minimum((kn[keep] / bin_width).astype(int), n_bins - 1)
        s_sum += np.bincount(which, weights=s, minlength=n_bins)
        k_sum += np.bincount(which, weights=kn[keep], minlength=n_bins)
        count += np.bincount(which, minlength=n_bins)
    keep = count > 0
    return k_sum[keep] / count[keep], s_sum[keep] / count[keep], count[keep].astype(np.int64)


def charge_structure(
    traj,
    *,
    r_max: float | None = None,
    bins: int | None = None,
    k_max: float | None = None,
    frames=None,
    permittivity: float | None = None,
    temperature: float | None = None,
):
    """Charge–charge correlations of the ions: h_QQ(r), r h_QQ(r), S_ZZ(k), Stillinger–Lovett.

    Parameters
    ----------
    traj : Trajectory
    r_max : float, optional
        Largest distance [m] of h_QQ (default min(1.5 nm, half the smallest box width)).
    bins : int, optional
        Distance bins (default r_max / 0.01 nm).
    k_max : float, optional
        Largest wavenumber [1/m] (default 10 x 2 pi / smallest box length).
    frames : None, slice, int or sequence of int
    permittivity : float, optional
        Relative permittivity of the medium (the solvent) for the Stillinger–Lovett ratio.
    temperature : float, optional
        Temperature [K] (default the trajectory's).

    Returns
    -------
    xarray.Dataset
        Over ``r`` [m]: ``h_charge``, ``r_h_charge`` [m]; over ``k`` [1/m]:
        ``structure_factor_charge`` and ``n_wavevectors``; scalars
        ``stillinger_lovett_length`` [m] (S_ZZ -> (k l)^2, from a weighted fit of
        A k^2 + B k^4 to the lowest four |k| bins, weights sqrt(n) / k^2 for the exponential
        statistics of |rho_k|^2), with a temperature also ``stillinger_lovett_permittivity``
        (the eps_r at which the condition holds exactly) and, with ``permittivity``, the
        ``stillinger_lovett_ratio`` A kappa_D^2 (1 for perfect screening); ``debye_length`` [m]
        when both are known.

    Notes
    -----
    Ion positions are centres of mass (molecular ions made whole). h_ij from ion pairs
    within ``r_max`` (minimum image), normalised by N_i N_j / V (N_i (N_i - 1) / V for i = j).
    The Stillinger–Lovett condition is checked in k-space: the real-space second moment
    -(rho / 6) int r^2 h_QQ d^3r is dominated, for r_max of a few nm, by the finite-box
    (canonical, fixed-N) offset of h at large r, which S_ZZ(k) on the box wavevectors does
    not have. The small-k fit needs the lowest box wavevectors to lie in the k^2 regime (k l << 1);
    for boxes of a few nm this holds for dilute-to-moderate electrolytes. Statistical noise
    of S_ZZ at the lowest k is large for short trajectories (one sample per vector and frame).

    References
    ----------
    Stillinger & Lovett, J. Chem. Phys. 49, 1991 (1968) (DOI not verified here, so not given).
    """
    traj = _check_traj(traj)
    idx = traj.frames(frames)
    limit = _half_width(traj.boxes[idx])
    r_max = min(1.5e-9, limit) if r_max is None else float(r_max)
    if not (0 < r_max <= limit * (1 + 1e-12)):
        raise ParameterError(
            "r_max", f"must lie in (0, {limit:.4g}] m (half the smallest box width)", r_max
        )
    n_bins = (
        int(np.ceil(r_max / 0.1e-10)) if bins is None else check_integer("bins", bins, minimum=1)
    )
    l_min = float(np.min(traj.boxes[idx, :3]))
    k_max = (
        10 * 2 * np.pi / l_min if k_max is None else float(check_positive("k_max", k_max, "1/m"))
    )
    if k_max < 2 * np.pi / l_min:
        raise ParameterError(
            "k_max",
            f"must be >= 2 pi / L = {2 * np.pi / l_min:.4g} 1/m (no box wavevector below it)",
            k_max,
        )
    temperature = (
        traj.temperature
        if temperature is None
        else float(check_positive("temperature", temperature, "K"))
    )
    if permittivity is not None:
        permittivity = float(check_positive("permittivity", permittivity))
    pos = traj.ion_positions(idx, unwrapped=False)
    z = traj.ion_charges
    species = traj.ion_species
    labels = ("cation", "anion")
    members = [np.flatnonzero(species == s) for s in labels]
    n_ions = len(z)
    x = np.array([len(m) / n_ions for m in members])
    zs = np.array([np.mean(z[m]) for m in members])
    edges = np.linspace(0, r_max, n_bins + 1)
    shell = 4 / 3 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    hist = np.zeros((2, 2, n_bins))
    norm = np.zeros((2, 2))
    for k, f in enumerate(traj.iter_frames(idx, desc="charge structure")):
        for i in range(2):
            for j in range(i, 2):
                a, b = members[i], members[j]
                pairs, dist = capped_pairs(pos[k, a], pos[k, b], r_max, traj.boxes[f])
                if i == j:
                    dist = dist[pairs[:, 0] != pairs[:, 1]]
                h_ij = np.histogram(dist, bins=edges)[0]
                hist[i, j] += h_ij
                norm[i, j] += len(a) * (len(b) - 1 if i == j else len(b)) / traj.volumes[f]
    g = np.zeros((2, 2, n_bins))
    for i in range(2):
        for j in range(i, 2):
            g[i, j] = hist[i, j] / (norm[i, j] * shell)
            g[j, i] = g[i, j]
    zx = x * zs
    h_charge = np.einsum("i,j,ijr->r", zx, zx, g - 1.0) / np.sum(x * zs**2)
    r = 0.5 * (edges[1:] + edges[:-1])
    # S_ZZ(k): bins of half the smallest reciprocal spacing
    bin_width = 0.5 * 2 * np.pi / float(np.max(traj.boxes[idx, :3]))
    k_mean, s_zz, n_vec = charge_structure_factor(pos, z, traj.boxes[idx], k_max, bin_width)
    n_fit = min(SL_SHELLS, len(k_mean))
    k0 = k_mean[0]  # fit in k / k0 (SI k^4 ~ 1e36 would ruin the conditioning)
    design = np.column_stack([(k_mean[:n_fit] / k0) ** 2, (k_mean[:n_fit] / k0) ** 4])
    # |rho_k|^2 is exponentially distributed (sd = mean): a bin mean has relative error
    # 1/sqrt(n_vec); with S ~ k^2 at small k the absolute error scales as k^2 / sqrt(n_vec)
    w = np.sqrt(n_vec[:n_fit]) / (k_mean[:n_fit] / k0) ** 2
    coef = np.linalg.lstsq(design * w[:, None], s_zz[:n_fit] * w, rcond=None)[0]
    a2 = float(coef[0]) / k0**2
    data = {
        "h_charge": ("r", h_charge),
        "r_h_charge": ("r", r * h_charge),
        "structure_factor_charge": ("k", s_zz),
        "n_wavevectors": ("k", n_vec),
        "stillinger_lovett_length": ((), np.sqrt(a2) if a2 > 0 else np.nan),
    }
    density_z2 = float(np.sum(z**2)) / float(np.mean(traj.volumes[idx]))  # sum n_i z_i^2 [1/m^3]
    if temperature is not None:
        eps_sl = a2 * const.e**2 * density_z2 / (const.epsilon_0 * const.k * temperature)
        data["stillinger_lovett_permittivity"] = ((), eps_sl)
        if permittivity is not None:
            kappa2 = (
                const.e**2 * density_z2 / (const.epsilon_0 * permittivity * const.k * temperature)
            )
            data["stillinger_lovett_ratio"] = (
                (),
                a2 * kappa2,
                "1",
                "small-k S_ZZ(k) kappa_D^2 / k^2 (Stillinger-Lovett: 1)",
            )
            data["debye_length"] = ((), 1 / np.sqrt(kappa2))
    return analysis_dataset(
        data,
        {"r": ("r", r), "k": ("k", k_mean)},
        traj=traj,
        frames=idx,
        function="charge_structure",
        parameters={
            "r_max": r_max,
            "bins": n_bins,
            "k_max": k_max,
            "permittivity": "none" if permittivity is None else permittivity,
            "temperature": "none" if temperature is None else temperature,
        },
        references=("Stillinger & Lovett, J. Chem. Phys. 49, 1991 (1968)",),
        attrs={"small_k_fit_bins": n_fit},
    )
