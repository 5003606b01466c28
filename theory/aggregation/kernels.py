"""Kernels of the aggregation theory: pure, vectorised functions of NumPy arrays.

Stockmayer weights, association probabilities (binary, solvated, sticky), the gel
criterion, Flory sol fractions, the cluster distribution, cluster sizes, the conversions
between lattice and molar association constants (site and pair constants) and the
carrier sums used by the transport and screening bridges. SI floats in and out (lattice
quantities per site), no state, no I/O.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln

from ionscales.constants import avogadro, boltzmann
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.theory.aggregation.checks import functionality, positive_scalar, probabilities_in
from ionscales.validation import as_float_array

__all__ = [
    "stockmayer_log_weight",
    "stockmayer_log_weight_grid",
    "binary_probabilities",
    "solvated_probabilities",
    "sticky_probabilities",
    "gel_parameter",
    "sol_fractions",
    "cluster_distribution",
    "weight_average_size",
    "lattice_association",
    "molar_association",
    "site_to_pair_constant",
    "pair_to_site_constant",
    "stokes_einstein",
    "mobility_weighted_charge",
]

# kernels


_KINDS = ("site", "pair")


def _pair_factor(kind, f_cation, f_anion):
    """f+ f- for a pair constant, 1 for a site (bond) constant."""
    if kind not in _KINDS:
        raise ParameterError(
            "kind", "must be 'site' (bond constant) or 'pair' (ion-pair constant)", kind
        )
    if kind == "site":
        return 1.0
    if f_cation is None or f_anion is None:
        raise ParameterError(
            "f_cation",
            "a pair constant needs f_cation and f_anion (sites per ion, whole numbers >= 1)",
            (f_cation, f_anion),
        )
    return float(functionality("f_cation", f_cation) * functionality("f_anion", f_anion))


def lattice_association(
    association_constant, *, site_volume, kind: str = "site", f_cation=None, f_anion=None
):
    """Molar association constant [m^3/mol] -> dimensionless lattice (bond) constant Lambda.

    Parameters
    ----------
    association_constant : float or array_like
        Molar constant [m^3/mol] (a value in L/mol times ``ionscales.units.L``), >= 0: the
        site (bond) constant K_site = N_A v0 Lambda (``kind="site"``, default) or the
        ion-pair constant K_pair = c_11 / (c_10 c_01) = N_A v0 f+ f- Lambda (``kind="pair"``).
    site_volume : float
        Lattice site volume v0 [m^3], > 0.
    kind : {"site", "pair"}
        Which molar constant ``association_constant`` is.
    f_cation, f_anion : int, optional
        Functionalities [1] (needed for ``kind="pair"``).

    Returns
    -------
    float or ndarray
        Lambda [1] (per lattice site, per pair of sites).

    Notes
    -----
    In the Flory–Stockmayer distribution c_11 = Lambda f+ f- c_10 c_01 (numbers per site;
    an ion pair can form through any of f+ f- pairs of sites). In number densities
    n_11 = v0 Lambda f+ f- n_10 n_01, so the molar ion-pair constant, the one measured by
    conductance or spectroscopy, is K_pair = N_A v0 f+ f- Lambda, and N_A v0 Lambda is the
    per-site (bond) constant. They coincide only for f+ = f- = 1.
    """
    k = as_float_array("association_constant", association_constant)
    if not np.all(np.isfinite(k)) or np.any(k < 0):
        raise ParameterError(
            "association_constant", "must be finite and >= 0 m^3/mol", association_constant
        )
    v0 = positive_scalar("site_volume", site_volume, "m^3")
    out = k / (avogadro * v0 * _pair_factor(kind, f_cation, f_anion))
    return float(out) if out.ndim == 0 else out


def molar_association(association, *, site_volume, kind: str = "site", f_cation=None, f_anion=None):
    """Dimensionless lattice (bond) constant Lambda -> molar association constant [m^3/mol].

    Inverse of :func:`lattice_association`: the site (bond) constant N_A v0 Lambda
    (``kind="site"``, default) or the ion-pair constant N_A v0 f+ f- Lambda
    (``kind="pair"``, needs ``f_cation`` and ``f_anion``). Divide by
    ``ionscales.units.L`` for L/mol.

    Parameters
    ----------
    association : float or array_like
        Lambda [1], finite and >= 0.
    site_volume : float
        v0 [m^3], > 0.
    kind : {"site", "pair"}
    f_cation, f_anion : int, optional
        Functionalities [1].
    """
    lam = as_float_array("association", association)
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise ParameterError("association", "must be finite and >= 0 (dimensionless)", association)
    v0 = positive_scalar("site_volume", site_volume, "m^3")
    out = lam * avogadro * v0 * _pair_factor(kind, f_cation, f_anion)
    return float(out) if out.ndim == 0 else out


def site_to_pair_constant(site_constant, *, f_cation, f_anion):
    """Site (bond) constant -> ion-pair constant, K_pair = f+ f- K_site (same unit)."""
    k = as_float_array("site_constant", site_constant)
    out = k * _pair_factor("pair", f_cation, f_anion)
    return float(out) if out.ndim == 0 else out


def pair_to_site_constant(pair_constant, *, f_cation, f_anion):
    """Ion-pair constant -> site (bond) constant, K_site = K_pair / (f+ f-) (same unit)."""
    k = as_float_array("pair_constant", pair_constant)
    out = k / _pair_factor("pair", f_cation, f_anion)
    return float(out) if out.ndim == 0 else out


def mobility_weighted_charge(n_cation, charge, diffusivity, concentration, *, axis=-1):
    """Effective charge of the cation, sum l z D c / sum l D c over carriers [1].

    The one definition used by :func:`ionscales.theory.transport.effective_cation_charge`
    and :meth:`SaltInIonicLiquid.effective_charge`: the mobility-weighted net valence of
    the carriers that hold the cation (McEldrew et al., J. Phys. Chem. B 2021).

    Parameters
    ----------
    n_cation, charge, diffusivity, concentration : array_like
        Per carrier: cations l [1], net valence z [1], diffusivity D [m^2/s],
        concentration c [any unit]; broadcast together.
    axis : int or tuple of int
        Axis (axes) that runs over the carriers.

    Returns
    -------
    float or ndarray
        z_eff [1]; NaN where no cation is mobile.
    """
    l, z, d, c = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (n_cation, charge, diffusivity, concentration))
    )
    num = np.sum(l * z * d * c, axis=axis)
    den = np.sum(l * d * c, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return float(out) if np.ndim(out) == 0 else out


def stockmayer_log_weight(n_cation, n_anion, *, f_cation: int, f_anion: int):
    """Natural log of the Stockmayer combinatorial factor W_lm (-inf where W_lm = 0).

    W_lm = (f+ l - l)! (f- m - m)! / [l! m! (f+ l - l - m + 1)! (f- m - m - l + 1)!],
    computed with log-gamma (no overflow for l, m in the thousands). The (0, 0) entry is
    returned as -inf: it is not a cluster and must be excluded from every sum.

    Parameters
    ----------
    n_cation, n_anion : array_like of int
        Cluster composition (l, m) [1], broadcast together.
    f_cation, f_anion : int
        Functionalities f+, f- [1], >= 1.
    """
    l = np.asarray(n_cation, dtype=float)
    m = np.asarray(n_anion, dtype=float)
    free_c = f_cation * l - l - m + 1
    free_a = f_anion * m - m - l + 1
    ok = (free_c >= 0) & (free_a >= 0) & ((l + m) > 0) & (l >= 0) & (m >= 0)
    with np.errstate(invalid="ignore"):
        lnw = (
            gammaln(np.where(ok, f_cation * l - l + 1, 1.0))
            + gammaln(np.where(ok, f_anion * m - m + 1, 1.0))
            - gammaln(np.where(ok, l + 1, 1.0))
            - gammaln(np.where(ok, m + 1, 1.0))
            - gammaln(np.where(ok, free_c + 1, 1.0))
            - gammaln(np.where(ok, free_a + 1, 1.0))
        )
    return np.where(ok, lnw, -np.inf)


_WEIGHT_GRIDS: dict[tuple[int, int], np.ndarray] = {}


def _cached_weight_grid(size: int, f_cation: int, f_anion: int) -> np.ndarray:
    # W_lm does not depend on the grid size: keep the largest grid per (f+, f-), slice it
    key = (f_cation, f_anion)
    grid = _WEIGHT_GRIDS.get(key)
    if grid is None or grid.shape[0] <= size:
        l = np.arange(size + 1, dtype=float)[:, None]
        m = np.arange(size + 1, dtype=float)[None, :]
        grid = stockmayer_log_weight(l, m, f_cation=f_cation, f_anion=f_anion)
        grid.setflags(write=False)
        if len(_WEIGHT_GRIDS) >= 4:
            _WEIGHT_GRIDS.pop(next(iter(_WEIGHT_GRIDS)))
        _WEIGHT_GRIDS[key] = grid
    return grid[: size + 1, : size + 1]


def stockmayer_log_weight_grid(size: int, *, f_cation: int, f_anion: int) -> np.ndarray:
    """ln W_lm on the grid 0 <= l, m <= ``size`` (read-only, cached: the weights do not
    depend on the state, so repeated cluster sums reuse them)."""
    return _cached_weight_grid(int(size), int(f_cation), int(f_anion))


def binary_probabilities(psi_cation, psi_anion, *, association, complements: bool = False):
    """Association probabilities of a two-species (cation + anion) system.

    Solves Lambda zeta = p+ p- / [(1 - p+)(1 - p-)], zeta = psi+ p+ = psi- p- in closed
    form (the physical, smaller root, written without cancellation).

    Parameters
    ----------
    psi_cation, psi_anion : array_like
        Association sites per lattice site, f+ c+ and f- c- [1], >= 0.
    association : float or array_like
        Lambda [1], >= 0.

    complements : bool
        Also return 1 - p+ and 1 - p-, computed without cancellation (accurate free
        fractions when the association is very strong).

    Returns
    -------
    p_cation, p_anion : ndarray
        Probability that a cation (anion) site is bonded to an anion (cation) [1].
    q_cation, q_anion : ndarray
        1 - p_cation, 1 - p_anion (only with ``complements=True``).
    """
    psi_c = np.asarray(psi_cation, dtype=float)
    psi_a = np.asarray(psi_anion, dtype=float)
    lam = np.asarray(association, dtype=float)
    b = 1 + lam * (psi_c + psi_a)
    root = np.sqrt(1 + 2 * lam * (psi_c + psi_a) + lam**2 * (psi_c - psi_a) ** 2)
    denom = b + root
    p_c, p_a = 2 * lam * psi_a / denom, 2 * lam * psi_c / denom
    if not complements:
        return p_c, p_a
    # 1 - p+ = (1 + lam d + root)/denom, d = psi+ - psi-; if 1 + lam d < 0 use
    # root + (1 + lam d) = 4 lam psi- / (root - 1 - lam d)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_c = 1 + lam * (psi_c - psi_a)
        t_a = 1 + lam * (psi_a - psi_c)
        n_c = np.where(t_c >= 0, t_c + root, 4 * lam * psi_a / (root - t_c))
        n_a = np.where(t_a >= 0, t_a + root, 4 * lam * psi_c / (root - t_a))
    return p_c, p_a, n_c / denom, n_a / denom


def solvated_probabilities(
    psi_cation,
    psi_anion,
    psi_solvent,
    *,
    association,
    solvent_association,
    tol: float = 1e-15,
    max_iterations: int = 100,
):
    """General three-species mass action: cation sites bind anions or solvent (f0 = 1).

    Parameters
    ----------
    psi_cation, psi_anion, psi_solvent : array_like
        Association sites per lattice site [1] (psi_0 = phi_0 for the solvent), >= 0.
    association, solvent_association : float or array_like
        Lambda_{+-} and Lambda_{+0} [1], >= 0 and finite.
    tol : float
        Relative tolerance on u, the fraction of free cation sites.
    max_iterations : int

    Returns
    -------
    p_cation, p_cation_solvent, p_anion, p_solvent, free_site_fraction, iterations, residual
        ``free_site_fraction`` is u = 1 - p+- - p+0, computed directly (accurate even when
        tiny); ``residual`` is the largest |g(u)|.

    Notes
    -----
    With u = 1 - p_{+-} - p_{+0}: p_{-+} = L+- psi+ u / (1 + L+- psi+ u), p_{0+} alike and

        g(u) = u - 1 + L+- psi- u / (1 + L+- psi+ u) + L+0 psi0 u / (1 + L+0 psi+ u) = 0,

    strictly increasing and concave on (0, 1]. Newton's method started at the lower bound
    u0 = 1 / (1 + L+- psi- + L+0 psi0) (where g <= 0) converges monotonically from below.
    The form has no division by psi+, so it is valid from infinite dilution to the pure
    salt. Vectorised over all inputs.
    """
    psi_c, psi_a, psi_0, lam, lam0 = np.broadcast_arrays(
        *(
            np.asarray(v, dtype=float)
            for v in (psi_cation, psi_anion, psi_solvent, association, solvent_association)
        )
    )
    a1, b1 = lam * psi_a, lam * psi_c
    a2, b2 = lam0 * psi_0, lam0 * psi_c
    u = 1.0 / (1.0 + a1 + a2)
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        d1, d2 = 1 + b1 * u, 1 + b2 * u
        g = u - 1 + a1 * u / d1 + a2 * u / d2
        dg = 1 + a1 / d1**2 + a2 / d2**2
        step = g / dg
        u_new = np.clip(u - step, u, 1.0)  # monotone from below: never step back
        done = np.abs(u_new - u) <= tol * u_new
        u = u_new
        if np.all(done):
            break
    d1, d2 = 1 + b1 * u, 1 + b2 * u
    residual = np.abs(u - 1 + a1 * u / d1 + a2 * u / d2)
    res = float(np.max(residual, initial=0.0))
    if not res <= 1e-12:
        raise ConvergenceError(
            "three-species mass-action solve did not converge", iterations=iterations, residual=res
        )
    p_cat = a1 * u / d1
    p_cat0 = a2 * u / d2
    p_an = b1 * u / d1
    p_sol = b2 * u / d2
    return p_cat, p_cat0, p_an, p_sol, u, iterations, res


def sticky_probabilities(psi_cation, psi_anion, phi_solvent, *, association_ratio):
    """Sticky-cation limit: every cation site holds an anion or a solvent molecule.

    Solves p+- + p+0 = 1, Lambda~ = p-+ (1 - p0+) / [p0+ (1 - p-+)], psi+ p+- = psi- p-+,
    psi+ p+0 = phi0 p0+ with Lambda~ = Lambda_{+-}/Lambda_{+0}.

    Parameters
    ----------
    psi_cation, psi_anion : array_like
        Sites per lattice site [1].
    phi_solvent : array_like
        Solvent volume fraction (= its site density, f0 = 1) [1].
    association_ratio : float or array_like
        Lambda~ [1], > 0.

    Returns
    -------
    p_cation, p_cation_solvent, p_anion, p_solvent : ndarray

    Notes
    -----
    x = p+- solves (L~ - 1) psi+ x^2 - [L~ (psi+ + psi-) + phi0 - psi+] x + L~ psi- = 0.
    The root is taken as x = 2C / (B + sqrt(B^2 - 4AC)), which is the closed form of
    McEldrew et al. without its removable singularity at L~ = 1 (A = 0 gives x = C/B) and
    without cancellation; B^2 - 4AC >= 0 and B + sqrt(...) > 0 for every L~ > 0.
    Requires psi+ <= psi- + phi0 (enough partner sites).
    """
    psi_c, psi_a, phi0, lt = np.broadcast_arrays(
        *(
            np.asarray(v, dtype=float)
            for v in (psi_cation, psi_anion, phi_solvent, association_ratio)
        )
    )
    a = (lt - 1) * psi_c
    b = lt * (psi_c + psi_a) + phi0 - psi_c
    disc = np.maximum(b * b - 4 * a * lt * psi_a, 0.0)
    denom = b + np.sqrt(disc)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_cat = np.where(denom > 0, 2 * lt * psi_a / denom, 0.0)
        p_an = np.where(denom > 0, 2 * lt * psi_c / denom, 0.0)
        p_sol = np.where(phi0 > 0, psi_c * (1 - p_cat) / np.where(phi0 > 0, phi0, 1.0), 0.0)
    return p_cat, 1 - p_cat, p_an, p_sol


def gel_parameter(p_cation, p_anion, *, f_cation: int, f_anion: int):
    """Branching parameter (f+ - 1)(f- - 1) p+ p- [1]; the gel forms where it exceeds 1."""
    p_c, p_a = probabilities_in("p_cation", p_cation), probabilities_in("p_anion", p_anion)
    return (f_cation - 1) * (f_anion - 1) * p_c * p_a


def sol_fractions(
    p_cation, p_anion, *, f_cation: int, f_anion: int, tol: float = 1e-14, max_iterations: int = 500
):
    """Flory post-gel treatment: sol fractions and sol association probabilities.

    Parameters
    ----------
    p_cation, p_anion : array_like
        Total (sol + gel) association probabilities p+-, p-+ [1].
    f_cation, f_anion : int

    Returns
    -------
    sol_cation, sol_anion : ndarray
        Fractions of cations (anions) in the sol, Q+^f+ and Q-^f- [1].
    p_cation_sol, p_anion_sol : ndarray
        Association probabilities within the sol [1] (equal to the totals pre-gel).

    Notes
    -----
    Q+ (Q-) is the probability that a cation (anion) site does not lead to the infinite
    network: Q+ = 1 - p+ + p+ Q-^(f- - 1), Q- = 1 - p- + p- Q+^(f+ - 1). Eliminating Q-
    gives F(Q+) = h(Q+) - Q+ = 0 with h convex and increasing, F(0) > 0 and F(1) = 0: the
    smaller root (Q+ < 1 only past the gel point) is found by Newton's method from Q+ = 0,
    which converges monotonically. p+^sol = p+ Q-^(f- - 1)/Q+, p-^sol = p- Q+^(f+ - 1)/Q-.
    """
    pc, pa = np.broadcast_arrays(
        probabilities_in("p_cation", p_cation), probabilities_in("p_anion", p_anion)
    )
    gel = gel_parameter(pc, pa, f_cation=f_cation, f_anion=f_anion) > 1
    qc = np.ones_like(pc)
    qa = np.ones_like(pa)
    if np.any(gel) and f_cation > 1 and f_anion > 1:
        p1, p2 = pc[gel], pa[gel]
        q = np.zeros_like(p1)
        for _ in range(max_iterations):
            inner = 1 - p2 + p2 * q ** (f_cation - 1)
            h = 1 - p1 + p1 * inner ** (f_anion - 1)
            dh = (
                p1
                * (f_anion - 1)
                * inner ** (f_anion - 2)
                * p2
                * (f_cation - 1)
                * q ** max(f_cation - 2, 0)
            )
            if f_cation == 2:
                dh = p1 * (f_anion - 1) * inner ** (f_anion - 2) * p2
            q_new = q - (h - q) / (dh - 1)
            q_new = np.clip(q_new, q, 1.0)
            if np.all(np.abs(q_new - q) <= tol):
                q = q_new
                break
            q = q_new
        inner = 1 - p2 + p2 * q ** (f_cation - 1)
        misfit = np.abs(1 - p1 + p1 * inner ** (f_anion - 1) - q)
        if not float(np.max(misfit, initial=0.0)) <= 1e-10:
            raise ConvergenceError(
                "Flory sol-fraction equations did not converge",
                iterations=max_iterations,
                residual=float(np.max(misfit)),
            )
        qc[gel] = q
        qa[gel] = inner
    sol_c = qc**f_cation
    sol_a = qa**f_anion
    with np.errstate(invalid="ignore", divide="ignore"):
        p_c_sol = np.where(qc > 0, pc * qa ** (f_anion - 1) / np.where(qc > 0, qc, 1), 0.0)
        p_a_sol = np.where(qa > 0, pa * qc ** (f_cation - 1) / np.where(qa > 0, qa, 1), 0.0)
    return sol_c, sol_a, p_c_sol, p_a_sol


def cluster_distribution(
    cation_concentration,
    anion_concentration,
    p_cation,
    p_anion,
    *,
    f_cation: int,
    f_anion: int,
    max_cation: int,
    max_anion: int | None = None,
    log_weight: np.ndarray | None = None,
    q_cation=None,
    q_anion=None,
):
    """Concentrations of (l, m) clusters (Flory–Stockmayer distribution).

    Parameters
    ----------
    cation_concentration, anion_concentration : array_like, shape (n,)
        Total cation and anion concentrations (any unit; the result has the same unit).
    p_cation, p_anion : array_like, shape (n,)
        Total association probabilities p+-, p-+ [1] (with solvent, p+- only: clusters are
        summed over their bound solvent).
    f_cation, f_anion : int
    max_cation, max_anion : int
        Largest l and m on the grid.
    log_weight : ndarray, optional
        Precomputed :func:`stockmayer_log_weight` over the grid (speed).
    q_cation, q_anion : array_like, optional
        1 - p_cation and 1 - p_anion when known more accurately than by subtraction.

    Returns
    -------
    ndarray, shape (n, max_cation + 1, max_anion + 1)
        c_lm; (0, 0) and compositions with W_lm = 0 are 0.

    Notes
    -----
    c_lm / c+ = f+ W_lm p-^(l-1) p+^m (1-p+)^(f+ l - l - m + 1) (1-p-)^(f- m - m - l + 1)
    for l >= 1, and c_01 = c- (1 - p-)^f-. Evaluated in logarithms, so finite and
    non-negative for any l, m. Post-gel the same expression with the total p's is the
    sol distribution (Flory).
    """
    max_anion = max_cation if max_anion is None else max_anion
    cc = np.atleast_1d(np.asarray(cation_concentration, float))
    ca = np.atleast_1d(np.asarray(anion_concentration, float))
    pc = np.atleast_1d(probabilities_in("p_cation", p_cation))
    pa = np.atleast_1d(probabilities_in("p_anion", p_anion))
    if (
        np.any(cc < 0)
        or np.any(ca < 0)
        or not (np.all(np.isfinite(cc)) and np.all(np.isfinite(ca)))
    ):
        raise ParameterError("cation_concentration", "concentrations must be finite and >= 0")
    l = np.arange(max_cation + 1, dtype=float)[:, None]
    m = np.arange(max_anion + 1, dtype=float)[None, :]
    if log_weight is None:
        log_weight = stockmayer_log_weight(l, m, f_cation=f_cation, f_anion=f_anion)
    tiny = 1e-300
    lp_c = np.log(np.maximum(pc, tiny))[:, None, None]
    lp_a = np.log(np.maximum(pa, tiny))[:, None, None]
    qc = 1 - pc if q_cation is None else np.atleast_1d(np.asarray(q_cation, float))
    qa = 1 - pa if q_anion is None else np.atleast_1d(np.asarray(q_anion, float))
    lq_c = np.log(np.maximum(qc, tiny))[:, None, None]
    lq_a = np.log(np.maximum(qa, tiny))[:, None, None]
    # ln c_lm = ln W_lm + l X + m Y + Z (valid for l >= 1; row l = 0 is set below)
    with np.errstate(divide="ignore"):
        lead = np.log(f_cation * cc)[:, None, None]
    x_coef = lp_a + (f_cation - 1) * lq_c - lq_a
    y_coef = lp_c - lq_c + (f_anion - 1) * lq_a
    z_coef = lead - lp_a + lq_c + lq_a
    out = l[None] * x_coef + (z_coef + m[None] * y_coef)
    out += log_weight[None]
    np.exp(out, out=out)
    out[:, 0, :] = 0.0
    # no cation bonded: exactly the free ions. (p_anion = 0 with p_cation > 0 is an ion in a
    # sea of anions, e.g. a vanishing salt fraction in an ionic liquid: (1, m) clusters with
    # binomial m, which the general expression gives; it is not "no bonds".)
    unbonded = pc <= 0
    if np.any(unbonded):
        out[unbonded, :, :] = 0.0
        out[unbonded, 1, 0] = np.broadcast_to(cc, pc.shape)[unbonded]
    if max_anion >= 1:
        out[:, 0, 1] = ca * qa**f_anion
    return out


def weight_average_size(
    cation_concentration, anion_concentration, p_cation, p_anion, *, f_cation: int, f_anion: int
):
    """Weight-average cluster size S_w (ions in the cluster of a randomly chosen ion) [1].

    S_w = (c+ S+ + c- S-)/(c+ + c-), S+ = 1 + f+ p+ u+, S- = 1 + f- p- u- with
    u+ = [1 + (f- - 1) p-]/D, u- = [1 + (f+ - 1) p+]/D, D = 1 - (f+ - 1)(f- - 1) p+ p-.
    Diverges at the gel point; infinite beyond (use the sol p's for the sol).
    """
    cc, ca = np.asarray(cation_concentration, float), np.asarray(anion_concentration, float)
    pc, pa = probabilities_in("p_cation", p_cation), probabilities_in("p_anion", p_anion)
    d = 1 - (f_cation - 1) * (f_anion - 1) * pc * pa
    with np.errstate(divide="ignore", invalid="ignore"):
        uc = (1 + (f_anion - 1) * pa) / d
        ua = (1 + (f_cation - 1) * pc) / d
        s = (cc * (1 + f_cation * pc * uc) + ca * (1 + f_anion * pa * ua)) / (cc + ca)
    return np.where(d > 0, s, np.inf)


def stokes_einstein(diameter, *, temperature, viscosity):
    """Stokes–Einstein diffusivity kT / (3 pi eta d) [m^2/s] (stick boundary condition).

    Parameters
    ----------
    diameter : array_like
        Hydrodynamic diameter [m].
    temperature : float
        [K].
    viscosity : float
        Dynamic viscosity of the medium [Pa s].
    """
    return boltzmann * temperature / (3 * math.pi * viscosity * np.asarray(diameter, float))
