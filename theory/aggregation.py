"""Ion aggregation and gelation: Flory–Stockmayer theory of ion clusters and networks.

Cations carry ``f_cation`` association sites and anions ``f_anion``; a site of a cation can
bond to a site of an anion (and, in :class:`SolvatedAggregation`, to a solvent molecule of
functionality 1). Cation–cation and anion–anion bonds are forbidden, so finite clusters are
bipartite Cayley trees; percolation of the tree is the gel. The theory is that of
McEldrew, Goodwin, Bi, Bazant & Kornyshev (JCP 2020; JES 2021) built on Flory (1941) and
Stockmayer (1943, 1944).

Three models share one interface (:meth:`solve`, :meth:`gel_point`,
:meth:`effective_carriers`, :meth:`free_fractions`):

* :class:`Aggregation` — cations and anions only (ionic liquids; salts whose solvent does
  not compete for the ions; the solvent, if any, only fills lattice sites);
* :class:`SolvatedAggregation` — cation–anion association competing with cation–solvent
  association (water-in-salt and carbonate electrolytes), with the general three-species
  mass-action solution and the sticky-cation limit ``solvent_association=inf`` (every
  cation site is occupied by an anion or a solvent molecule);
* :class:`SaltInIonicLiquid` — an alkali salt in an ionic liquid sharing the anion, the IL
  cation inert.

Lattice conventions
-------------------
The lattice site volume ``v0`` (``site_volume`` [m^3]) is the volume of one solvent
molecule; species ``i`` occupies ``xi_i`` sites, the lattice is incompressible
(``sum phi_i = 1``). ``c_i = phi_i / xi_i`` is the number of molecules per site and
``psi_i = f_i c_i`` the number of association sites per site. The association constant
``association`` (Lambda) is dimensionless (per lattice site); :func:`lattice_association`
and :func:`molar_association` convert to and from a molar constant K_A [m^3/mol]
(``K_A = N_A v0 Lambda``; multiply a value in L/mol by ``ionscales.units.L``).

Kernels (pure, vectorised) are the functions of this module whose names do not start with
an underscore; the models wrap them and return labelled :class:`xarray.Dataset` results.

References
----------
M. McEldrew, Z.A.H. Goodwin, S. Bi, M.Z. Bazant, A.A. Kornyshev, J. Chem. Phys. 152,
234506 (2020), doi:10.1063/5.0006197.
M. McEldrew, Z.A.H. Goodwin, S. Bi, A.A. Kornyshev, M.Z. Bazant, J. Electrochem. Soc. 168,
050514 (2021), doi:10.1149/1945-7111/abf975.
M. McEldrew, Z.A.H. Goodwin, N. Molinari, B. Kozinsky, A.A. Kornyshev, M.Z. Bazant,
J. Phys. Chem. B 125, 13752 (2021), doi:10.1021/acs.jpcb.1c05546.
P.J. Flory, J. Am. Chem. Soc. 63, 3083 (1941), doi:10.1021/ja01856a061.
W.H. Stockmayer, J. Chem. Phys. 11, 45 (1943); J. Chem. Phys. 12, 125 (1944).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from scipy.optimize import brentq
from scipy.special import gammaln

from ionscales.constants import avogadro, boltzmann, gas_constant
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.results import make_dataset, solver_attrs
from ionscales.validation import as_float_array, check_integer, check_probability

__all__ = [
    "Aggregation",
    "SolvatedAggregation",
    "SaltInIonicLiquid",
    "stockmayer_log_weight",
    "binary_probabilities",
    "solvated_probabilities",
    "sticky_probabilities",
    "gel_parameter",
    "sol_fractions",
    "cluster_distribution",
    "weight_average_size",
    "lattice_association",
    "molar_association",
    "stokes_einstein",
    "cluster_screening_model",
    "PRESET_PARAMETERS",
]

REFERENCES = (
    "M. McEldrew, Z.A.H. Goodwin, S. Bi, M.Z. Bazant, A.A. Kornyshev, J. Chem. Phys. 152, "
    "234506 (2020), doi:10.1063/5.0006197",
    "M. McEldrew, Z.A.H. Goodwin, S. Bi, A.A. Kornyshev, M.Z. Bazant, J. Electrochem. Soc. 168, "
    "050514 (2021), doi:10.1149/1945-7111/abf975",
    "P.J. Flory, J. Am. Chem. Soc. 63, 3083 (1941), doi:10.1021/ja01856a061",
    "W.H. Stockmayer, J. Chem. Phys. 11, 45 (1943); 12, 125 (1944)",
)
SIIL_REFERENCE = (
    "M. McEldrew, Z.A.H. Goodwin, N. Molinari, B. Kozinsky, A.A. Kornyshev, M.Z. Bazant, "
    "J. Phys. Chem. B 125, 13752 (2021), doi:10.1021/acs.jpcb.1c05546"
)

#: tolerance on the mass-action and bond-balance residuals of every returned state
CHECK_TOLERANCE = 1e-9
#: default mass of water per mole [kg/mol] when no solvent molar mass is known
_WATER_MOLAR_MASS = 18.01528e-3

# ---------------------------------------------------------------------------------------
# kernels


def lattice_association(association_constant, *, site_volume):
    """Molar association constant K_A [m^3/mol] -> dimensionless lattice constant Lambda.

    Parameters
    ----------
    association_constant : float or array_like
        K_A [m^3/mol] (a value in L/mol times ``ionscales.units.L``), >= 0.
    site_volume : float
        Lattice site volume v0 [m^3] (one solvent molecule), > 0.

    Notes
    -----
    The pair law c_11 = Lambda c_10 c_01 in numbers per site reads n_11 = (Lambda v0) n_10
    n_01 in number densities, hence K_A = N_A v0 Lambda.
    """
    k = as_float_array("association_constant", association_constant)
    if np.any(k < 0):
        raise ParameterError("association_constant", "must be >= 0 m^3/mol", association_constant)
    v0 = _positive_scalar("site_volume", site_volume, "m^3")
    out = k / (avogadro * v0)
    return float(out) if out.ndim == 0 else out


def molar_association(association, *, site_volume):
    """Dimensionless lattice constant Lambda -> molar association constant K_A [m^3/mol].

    Inverse of :func:`lattice_association` (K_A = N_A v0 Lambda).
    """
    lam = as_float_array("association", association)
    if np.any(lam < 0):
        raise ParameterError("association", "must be >= 0 (dimensionless)", association)
    v0 = _positive_scalar("site_volume", site_volume, "m^3")
    out = lam * avogadro * v0
    return float(out) if out.ndim == 0 else out


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


def solvated_probabilities(psi_cation, psi_anion, psi_solvent, *, association, solvent_association,
                           tol: float = 1e-15, max_iterations: int = 100):
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
        *(np.asarray(v, dtype=float) for v in (psi_cation, psi_anion, psi_solvent, association,
                                               solvent_association)))
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
        raise ConvergenceError("three-species mass-action solve did not converge",
                               iterations=iterations, residual=res)
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
        *(np.asarray(v, dtype=float) for v in (psi_cation, psi_anion, phi_solvent, association_ratio)))
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
    p_c, p_a = _probabilities_in("p_cation", p_cation), _probabilities_in("p_anion", p_anion)
    return (f_cation - 1) * (f_anion - 1) * p_c * p_a


def sol_fractions(p_cation, p_anion, *, f_cation: int, f_anion: int, tol: float = 1e-14,
                  max_iterations: int = 500):
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
    pc, pa = np.broadcast_arrays(_probabilities_in("p_cation", p_cation), _probabilities_in("p_anion", p_anion))
    gel = gel_parameter(pc, pa, f_cation=f_cation, f_anion=f_anion) > 1
    qc = np.ones_like(pc)
    qa = np.ones_like(pa)
    if np.any(gel) and f_cation > 1 and f_anion > 1:
        p1, p2 = pc[gel], pa[gel]
        q = np.zeros_like(p1)
        for _ in range(max_iterations):
            inner = 1 - p2 + p2 * q ** (f_cation - 1)
            h = 1 - p1 + p1 * inner ** (f_anion - 1)
            dh = p1 * (f_anion - 1) * inner ** (f_anion - 2) * p2 * (f_cation - 1) * q ** max(f_cation - 2, 0)
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
            raise ConvergenceError("Flory sol-fraction equations did not converge",
                                   iterations=max_iterations, residual=float(np.max(misfit)))
        qc[gel] = q
        qa[gel] = inner
    sol_c = qc**f_cation
    sol_a = qa**f_anion
    with np.errstate(invalid="ignore", divide="ignore"):
        p_c_sol = np.where(qc > 0, pc * qa ** (f_anion - 1) / np.where(qc > 0, qc, 1), 0.0)
        p_a_sol = np.where(qa > 0, pa * qc ** (f_cation - 1) / np.where(qa > 0, qa, 1), 0.0)
    return sol_c, sol_a, p_c_sol, p_a_sol


def cluster_distribution(cation_concentration, anion_concentration, p_cation, p_anion, *,
                         f_cation: int, f_anion: int, max_cation: int, max_anion: int | None = None,
                         log_weight: np.ndarray | None = None, q_cation=None, q_anion=None):
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
    pc = np.atleast_1d(_probabilities_in("p_cation", p_cation))
    pa = np.atleast_1d(_probabilities_in("p_anion", p_anion))
    if np.any(cc < 0) or np.any(ca < 0) or not (np.all(np.isfinite(cc)) and np.all(np.isfinite(ca))):
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
    unbonded = (pc <= 0) | (pa <= 0)
    if np.any(unbonded):  # no bonds: exactly the free ions
        out[unbonded, :, :] = 0.0
        out[unbonded, 1, 0] = np.broadcast_to(cc, pc.shape)[unbonded]
    if max_anion >= 1:
        out[:, 0, 1] = ca * qa**f_anion
    return out


def weight_average_size(cation_concentration, anion_concentration, p_cation, p_anion, *,
                        f_cation: int, f_anion: int):
    """Weight-average cluster size S_w (ions in the cluster of a randomly chosen ion) [1].

    S_w = (c+ S+ + c- S-)/(c+ + c-), S+ = 1 + f+ p+ u+, S- = 1 + f- p- u- with
    u+ = [1 + (f- - 1) p-]/D, u- = [1 + (f+ - 1) p+]/D, D = 1 - (f+ - 1)(f- - 1) p+ p-.
    Diverges at the gel point; infinite beyond (use the sol p's for the sol).
    """
    cc, ca = np.asarray(cation_concentration, float), np.asarray(anion_concentration, float)
    pc, pa = _probabilities_in("p_cation", p_cation), _probabilities_in("p_anion", p_anion)
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


# ---------------------------------------------------------------------------------------
# validation helpers


def _positive_scalar(name, value, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(name, f"must be a number > 0 [{unit}]", value)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(name, f"must be finite and > 0 [{unit}]", value)
    return float(value)


def _probabilities_in(name, value):
    """Float array of probabilities; ParameterError outside [0, 1] or non-finite."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ParameterError(name, "association probabilities must lie in [0, 1]", value)
    return arr


def _functionality(name, value):
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, "must be a whole number >= 1 (association sites per ion)", value)
    return check_integer(name, value, minimum=1)


def _state_array(name, value, *, upper=None):
    arr = as_float_array(name, value)
    if arr.ndim > 1:
        raise ParameterError(name, "must be a scalar or a 1-D array", value)
    if np.any(arr < 0):
        raise ParameterError(name, "must be >= 0", value)
    if upper is not None and np.any(arr > upper):
        raise ParameterError(name, f"must lie in [0, {upper}]", value)
    return np.atleast_1d(arr), arr.ndim == 0


# ---------------------------------------------------------------------------------------
# models

_VOCAB_STATE = ("concentration", "molality", "volume_fraction", "salt_fraction")


@dataclass
class _Composition:
    """Lattice composition of a set of state points (numbers per lattice site)."""

    name: str
    values: np.ndarray
    phi_cation: np.ndarray
    phi_anion: np.ndarray
    phi_solvent: np.ndarray
    phi_inert: np.ndarray
    c_cation: np.ndarray
    c_anion: np.ndarray
    c_inert: np.ndarray
    site_volume: float  # NaN if unknown
    molality: np.ndarray | None = None
    scalar: bool = False
    swept_from: str = ""
    swept_value: float = float("nan")

    def molar(self, per_site):
        """Numbers per site -> mol/m^3 (NaN if the site volume is unknown)."""
        return np.asarray(per_site) / (avogadro * self.site_volume)


class _AggregationModel:
    """Shared machinery of the aggregation models (solve, gel point, carriers)."""

    f_cation: int
    f_anion: int
    association: float
    xi_cation: float
    xi_anion: float
    site_volume: float | None
    electrolyte: Electrolyte | None
    temperature: float
    association_enthalpy: float
    solvent_molar_mass: float | None
    state_variables: tuple[str, ...] = ("concentration", "volume_fraction")
    default_state: str = "volume_fraction"
    model_name: str = "aggregation"

    # -- validation ---------------------------------------------------------------------
    def _validate_common(self):
        object.__setattr__(self, "f_cation", _functionality("f_cation", self.f_cation))
        object.__setattr__(self, "f_anion", _functionality("f_anion", self.f_anion))
        a = self.association
        if isinstance(a, bool) or not isinstance(a, (int, float, np.integer, np.floating)) or not (
            math.isfinite(a) and a >= 0
        ):
            raise ParameterError("association", "must be a finite number >= 0 (dimensionless "
                                 "lattice constant; convert K_A with lattice_association)", a)
        object.__setattr__(self, "association", float(a))
        for name in ("xi_cation", "xi_anion"):
            object.__setattr__(self, name, _positive_scalar(name, getattr(self, name), "lattice sites"))
        if self.site_volume is not None:
            object.__setattr__(self, "site_volume", _positive_scalar("site_volume", self.site_volume, "m^3"))
            if self.site_volume > 1e-24:
                raise ParameterError("site_volume", "must be in m^3 (a molecular volume, < 1e-24 m^3)",
                                     self.site_volume)
        if self.electrolyte is not None and not isinstance(self.electrolyte, Electrolyte):
            raise ParameterError("electrolyte", "must be an Electrolyte or None", self.electrolyte)
        object.__setattr__(self, "temperature", _positive_scalar("temperature", self.temperature, "K"))
        h = self.association_enthalpy
        if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)) or not math.isfinite(h):
            raise ParameterError("association_enthalpy", "must be a finite number [J/mol]", h)
        if self.solvent_molar_mass is not None:
            object.__setattr__(self, "solvent_molar_mass",
                               _positive_scalar("solvent_molar_mass", self.solvent_molar_mass, "kg/mol"))

    # -- parameters ---------------------------------------------------------------------
    @property
    def lattice_site_volume(self) -> float:
        """Site volume v0 [m^3]: given, or the solvent molecular volume; NaN if unknown."""
        if self.site_volume is not None:
            return self.site_volume
        if self.electrolyte is not None:
            s = self.electrolyte.solvent
            if s.density is not None and s.molar_mass is not None:
                return s.molecular_volume
        return float("nan")

    @property
    def association_constant(self) -> float:
        """Molar association constant K_A = N_A v0 Lambda [m^3/mol] (divide by
        ``ionscales.units.L`` for L/mol); NaN without a site volume. For the sticky model this
        converts the ratio Lambda~ and is not a pair constant."""
        v0 = self.lattice_site_volume
        return float(self.association * avogadro * v0) if np.isfinite(v0) else float("nan")

    @property
    def charges(self) -> tuple[float, float]:
        """Valences of the associating cation and anion (from the electrolyte; else +1, -1)."""
        if self.electrolyte is not None:
            return float(self.electrolyte.cation.charge), float(self.electrolyte.anion.charge)
        return 1.0, -1.0

    @property
    def stoichiometry(self) -> tuple[float, float]:
        """Associating cations and anions per salt formula unit."""
        if self.electrolyte is not None and self.electrolyte.is_binary:
            return float(self.electrolyte.nu[0]), float(self.electrolyte.nu[1])
        return 1.0, 1.0

    def association_at(self, temperature):
        """Lambda(T) = Lambda(T_ref) exp[-(dH/R)(1/T - 1/T_ref)] (van 't Hoff) [1].

        ``T_ref`` is the model's ``temperature`` and ``dH`` its ``association_enthalpy``
        [J/mol] (negative: association weakens on heating).
        """
        t = as_float_array("temperature", temperature)
        if np.any(t <= 0):
            raise ParameterError("temperature", "must be > 0 K", temperature)
        return self.association * np.exp(-(self.association_enthalpy / gas_constant)
                                          * (1 / t - 1 / self.temperature))

    def _molar_mass_solvent(self):
        if self.solvent_molar_mass is not None:
            return self.solvent_molar_mass
        if self.electrolyte is not None and self.electrolyte.solvent.molar_mass is not None:
            return self.electrolyte.solvent.molar_mass
        raise ParameterError("molality", "needs the solvent molar mass: give solvent_molar_mass= or an "
                             "electrolyte whose Solvent has molar_mass")

    def _describe_parameters(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if f.name != "electrolyte"}
        out["electrolyte"] = None if self.electrolyte is None else self.electrolyte.name
        out["lattice_site_volume"] = self.lattice_site_volume
        return out

    # -- composition ---------------------------------------------------------------------
    def _composition(self, **state) -> _Composition:
        given = {k: v for k, v in state.items() if v is not None}
        if len(given) != 1:
            raise ParameterError("state", f"give exactly one of {', '.join(self.state_variables)}",
                                 sorted(given))
        (name, value), = given.items()
        if name not in self.state_variables:
            raise ParameterError(name, f"is not a state variable of {type(self).__name__}; use one of "
                                 f"{', '.join(self.state_variables)}")
        comp = self._composition_from(name, value)
        comp.scalar = np.ndim(value) == 0
        return comp

    def _composition_from(self, name, value) -> _Composition:
        nu_c, nu_a = self.stoichiometry
        v0 = self.lattice_site_volume
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        molality = None
        if name == "concentration":
            vals, _ = _state_array("concentration", value)
            if not np.isfinite(v0):
                raise ParameterError("concentration", "needs a lattice site volume: give site_volume= [m^3] "
                                     "or an electrolyte whose solvent has density and molar_mass")
            salt = vals * avogadro * v0
            phi_salt = xi_salt * salt
            if np.any(phi_salt > 1 + 1e-12):
                raise ParameterError("concentration", f"exceeds the close-packed salt "
                                     f"({1 / (xi_salt * avogadro * v0):.6g} mol/m^3 on this lattice)", value)
        elif name == "volume_fraction":
            vals, _ = _state_array("volume_fraction", value, upper=1.0)
            salt = vals / xi_salt
        elif name == "molality":
            vals, _ = _state_array("molality", value)
            mw = self._molar_mass_solvent()
            # per kg of solvent: 1/M_w solvent sites and (nu+ xi+ + nu- xi-) m salt sites
            salt = vals / (1 / mw + xi_salt * vals)
            molality = vals
        else:  # pragma: no cover - guarded by _composition
            raise ParameterError(name, "unknown state variable")
        phi_c = nu_c * self.xi_cation * salt
        phi_a = nu_a * self.xi_anion * salt
        phi_0 = np.clip(1 - phi_c - phi_a, 0.0, 1.0)
        if molality is None and np.isfinite(v0) and self.electrolyte is not None:
            molality = _molality_from_phi(phi_0, salt, self)
        zero = np.zeros_like(salt)
        return _Composition(name, vals, phi_c, phi_a, phi_0, zero, nu_c * salt, nu_a * salt, zero,
                            v0, molality)

    # -- probabilities (overridden) -------------------------------------------------------
    def _probabilities(self, comp: _Composition, association) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _check_state(self, comp, probs):
        """Mass-action and bond-balance residuals of a returned state (raise if violated)."""
        res = self._residuals(comp, probs)
        worst = float(np.max(res, initial=0.0))
        if not worst <= CHECK_TOLERANCE:
            raise ConvergenceError("association probabilities violate the mass-action law or the bond "
                                   "balance", residual=worst)
        return worst

    def _residuals(self, comp, probs):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa = probs["p_cation"], probs["p_anion"]
        lam = probs["association"]
        scale = np.maximum(np.maximum(psi_c * pc, psi_a * pa), 1e-300)
        bond = np.abs(psi_c * pc - psi_a * pa) / np.where(scale > 1e-300, scale, 1.0)
        bond = np.where(scale > 1e-300, bond, 0.0)
        u = probs.get("q_cation", 1 - pc)
        qa = probs.get("q_anion", 1 - pa)
        # Lambda psi+ (1 - p+)(1 - p-) = p-, relative to the larger side
        lhs = lam * psi_c * u * qa
        mass = np.abs(lhs - pa) / np.maximum(np.maximum(lhs, pa), 1.0)
        comp_err = np.maximum(np.abs(u + pc - 1), np.abs(qa + pa - 1))
        return np.maximum.reduce([bond, mass, comp_err])

    # -- the full state -------------------------------------------------------------------
    def _state(self, comp, *, temperature=None, max_size=50, association=None):
        if association is None:
            association = (self.association if temperature is None else self.association_at(temperature))
        lam = np.broadcast_to(np.asarray(association, dtype=float), comp.values.shape)
        probs = self._probabilities(comp, lam)
        probs["association"] = lam
        residual = self._check_state(comp, probs)
        f_c, f_a = self.f_cation, self.f_anion
        pc, pa = probs["p_cation"], probs["p_anion"]
        sol_c, sol_a, pc_sol, pa_sol = sol_fractions(pc, pa, f_cation=f_c, f_anion=f_a)
        out = dict(probs)
        out.update(
            residual=residual,
            sol_cation=sol_c, sol_anion=sol_a, p_cation_sol=pc_sol, p_anion_sol=pa_sol,
            gel_parameter=gel_parameter(pc, pa, f_cation=f_c, f_anion=f_a),
        )
        cc, ca = comp.c_cation, comp.c_anion
        qc, qa = probs.get("q_cation", 1 - pc), probs.get("q_anion", 1 - pa)
        out["free_cation_fraction"] = qc**f_c
        out["free_anion_fraction"] = qa**f_a
        out["ion_pair_fraction"] = f_c * pc * qc ** (f_c - 1) * qa ** (f_a - 1)
        sol_ions = cc * sol_c + ca * sol_a
        sol_bonds = f_c * cc * sol_c * pc_sol
        n_clusters = sol_ions - sol_bonds
        with np.errstate(invalid="ignore", divide="ignore"):
            out["number_average_size"] = np.where(n_clusters > 0, sol_ions / n_clusters, np.nan)
            out["weight_average_size"] = weight_average_size(cc * sol_c, ca * sol_a, pc_sol, pa_sol,
                                                             f_cation=f_c, f_anion=f_a)
        out["cluster_number"] = n_clusters
        if max_size is not None:
            out["clusters"] = cluster_distribution(cc, ca, pc, pa, f_cation=f_c, f_anion=f_a,
                                                   max_cation=max_size, max_anion=max_size,
                                                   q_cation=qc, q_anion=qa)
        return out

    def solve(self, *, concentration=None, molality=None, volume_fraction=None, salt_fraction=None,
              temperature=None, max_size: int = 50, resolve_solvent: bool = False) -> xr.Dataset:
        """Association probabilities, free fractions, gel and cluster distribution.

        Give exactly one state variable (the result's dimension is named after it).

        Parameters
        ----------
        concentration : float or array_like, optional
            Salt molarity [mol/m^3] (needs a lattice site volume).
        molality : float or array_like, optional
            Salt molality [mol/kg] (needs the solvent molar mass).
        volume_fraction : float or array_like, optional
            Volume fraction of the salt (cations + anions) [1].
        salt_fraction : float or array_like, optional
            Mole fraction of alkali salt among all salts [1] (:class:`SaltInIonicLiquid`).
        temperature : float or array_like, optional
            [K]; the association constant follows :meth:`association_at`.
        max_size : int
            Largest l and m of the cluster distribution (default 50).
        resolve_solvent : bool
            Add the ``n_solvent`` dimension to ``cluster_concentration`` (solvated models).

        Returns
        -------
        xarray.Dataset
            p_cation, p_anion (and p_cation_solvent, p_solvent), free fractions, gel
            fractions, sol probabilities, ion-pair fraction, average sizes,
            ``cluster_concentration`` [mol/m^3] over (state, n_cation, n_anion[, n_solvent])
            (a scalar state gives no state dimension)
            (sol only, (0, 0) = 0), the charge distribution of the sol clusters, total
            concentrations; attrs converged/iterations/residual (the worst mass-action or
            bond-balance residual of the returned states).
        """
        max_size = check_integer("max_size", max_size, minimum=1)
        comp = self._composition(concentration=concentration, molality=molality,
                                 volume_fraction=volume_fraction, salt_fraction=salt_fraction)
        if temperature is not None:
            t = as_float_array("temperature", temperature)
            if t.ndim == 1 and comp.scalar:
                # one composition at several temperatures: the result runs over temperature
                comp = _sweep_temperature(comp, t)
            elif t.ndim > 1 or (t.ndim == 1 and t.size not in (1, comp.values.size)):
                raise ParameterError("temperature", "must be a scalar or match the state array", temperature)
        st = self._state(comp, temperature=temperature, max_size=max_size)
        ds = self._dataset(comp, st, temperature=temperature, max_size=max_size,
                           resolve_solvent=resolve_solvent)
        return ds.isel({comp.name: 0}) if comp.scalar else ds

    def _dataset(self, comp, st, *, temperature, max_size, resolve_solvent) -> xr.Dataset:
        dim = comp.name
        molar = comp.molar
        clusters_site = st["clusters"]
        v0 = comp.site_volume
        has_molar = np.isfinite(v0)
        unit_clusters = "mol/m^3" if has_molar else "1"
        clusters = molar(clusters_site) if has_molar else clusters_site
        z_c, z_a = self.charges
        l_idx = np.arange(max_size + 1)
        m_idx = np.arange(max_size + 1)
        charge = (l_idx[:, None] * z_c + m_idx[None, :] * z_a).astype(int)
        q_values = np.arange(charge.min(), charge.max() + 1)
        n_states = len(comp.values)
        index = (np.arange(n_states)[:, None] * q_values.size + (charge.reshape(-1) - q_values[0])[None, :])
        charge_dist = np.bincount(index.ravel(), weights=clusters.reshape(n_states, -1).ravel(),
                                  minlength=n_states * q_values.size).reshape(n_states, q_values.size)
        cc_total = molar(comp.c_cation) if has_molar else comp.c_cation
        ca_total = molar(comp.c_anion) if has_molar else comp.c_anion
        with np.errstate(invalid="ignore", divide="ignore"):
            truncated = 1 - (clusters_site * l_idx[None, :, None]).sum(axis=(1, 2)) / (
                comp.c_cation * st["sol_cation"])
        data: dict[str, Any] = {
            "p_cation": (dim, st["p_cation"]),
            "p_anion": (dim, st["p_anion"]),
            "p_cation_sol": (dim, st["p_cation_sol"]),
            "p_anion_sol": (dim, st["p_anion_sol"]),
            "association": (dim, st["association"]),
            "free_cation_fraction": (dim, st["free_cation_fraction"]),
            "free_anion_fraction": (dim, st["free_anion_fraction"]),
            "ion_pair_fraction": (dim, st["ion_pair_fraction"]),
            "gel_parameter": (dim, st["gel_parameter"]),
            "gel_fraction_cation": (dim, 1 - st["sol_cation"]),
            "gel_fraction_anion": (dim, 1 - st["sol_anion"]),
            "number_average_size": (dim, st["number_average_size"]),
            "weight_average_size": (dim, st["weight_average_size"]),
            "volume_fraction_cation": (dim, comp.phi_cation),
            "volume_fraction_anion": (dim, comp.phi_anion),
            "volume_fraction_solvent": (dim, comp.phi_solvent),
            "cation_concentration": (dim, cc_total, unit_clusters),
            "anion_concentration": (dim, ca_total, unit_clusters),
            "truncated_cation_fraction": (dim, truncated),
            "cluster_charge_concentration": ((dim, "cluster_charge"), charge_dist, unit_clusters),
        }
        if "p_cation_solvent" in st:
            data["p_cation_solvent"] = (dim, st["p_cation_solvent"])
            data["p_solvent"] = (dim, st["p_solvent"])
            data["bare_cation_fraction"] = (dim, st["bare_cation_fraction"])
            data["free_solvent_fraction"] = (dim, 1 - st["p_solvent"])
        if np.any(comp.c_inert > 0):
            data["inert_cation_concentration"] = (dim, molar(comp.c_inert) if has_molar else comp.c_inert,
                                                  unit_clusters)
        coords: dict[str, Any] = {
            dim: (dim, comp.values),
            "n_cation": ("n_cation", l_idx),
            "n_anion": ("n_anion", m_idx),
            "cluster_charge": ("cluster_charge", q_values),
        }
        if resolve_solvent and "p_cation_solvent" in st:
            solvent_dist = _solvent_resolved(clusters, st, self.f_cation, max_size)
            data["cluster_concentration"] = ((dim, "n_cation", "n_anion", "n_solvent"), solvent_dist,
                                             unit_clusters)
            coords["n_solvent"] = ("n_solvent", np.arange(solvent_dist.shape[-1]))
        else:
            data["cluster_concentration"] = ((dim, "n_cation", "n_anion"), clusters, unit_clusters)
        if dim != "concentration" and has_molar and not isinstance(self, SaltInIonicLiquid):
            nu_c = self.stoichiometry[0]
            data["concentration"] = (dim, molar(comp.c_cation) / nu_c)
        if dim != "molality" and comp.molality is not None:
            data["molality"] = (dim, comp.molality)
        if temperature is not None and dim != "temperature":
            data["temperature"] = (dim, np.broadcast_to(np.asarray(temperature, float), comp.values.shape))
        if dim == "temperature":
            data[comp.swept_from] = (dim, np.full(comp.values.shape, comp.swept_value))
        attrs = solver_attrs(converged=True, iterations=int(st.get("iterations", 1)),
                             residual=float(st["residual"]), max_size=max_size)
        attrs["f_cation"] = self.f_cation
        attrs["f_anion"] = self.f_anion
        attrs["site_volume"] = float(v0) if has_molar else float("nan")
        attrs["free_cation_definition"] = "cations with no anion bonded, (1 - p_cation)^f_cation"
        return make_dataset(data, coords, model=self.model_name, parameters=self._describe_parameters(),
                            references=self._references(), attrs=attrs)

    def _references(self):
        return REFERENCES

    # -- gel point ------------------------------------------------------------------------
    def gel_point(self, variable: str | None = None, *, bracket=None, **fixed) -> float:
        """Value of ``variable`` at which (f+ - 1)(f- - 1) p+ p- = 1 (the gel point).

        Parameters
        ----------
        variable : str, optional
            "molality" [mol/kg], "concentration" [mol/m^3], "volume_fraction",
            "salt_fraction", "association" (Lambda [1]) or "temperature" [K] (through
            ``association_enthalpy``). Default: the model's natural state variable
            (molality for :class:`SolvatedAggregation` when possible).
        bracket : (float, float), optional
            Search interval (a default covering the model's range is used otherwise).
        **fixed
            The state when ``variable`` is "association" or "temperature" (e.g.
            ``molality=15``), and ``temperature=`` for composition variables.

        Returns
        -------
        float
            The gel point (ParameterError if the model cannot gel or no gel point lies in the
            bracket).
        """
        if self.f_cation == 1 or self.f_anion == 1:
            raise ParameterError("f_cation/f_anion", "a functionality of 1 terminates every branch: "
                                 "this model never gels")
        variable = variable or self._default_gel_variable()
        options = (*self.state_variables, "association", "temperature")
        if variable not in options:
            raise ParameterError("variable", f"must be one of {', '.join(options)}", variable)

        if variable in self.state_variables:
            temperature = fixed.pop("temperature", None)
            if fixed:
                raise ParameterError("fixed", f"unexpected options {sorted(fixed)}")

            def excess(x):
                comp = self._composition_from(variable, np.array([x]))
                st = self._state(comp, temperature=temperature, max_size=None)
                return float(st["gel_parameter"][0] - 1)

            lo, hi = bracket if bracket is not None else self._default_bracket(variable)
        else:
            comp = self._composition(**{k: fixed.pop(k, None) for k in self.state_variables})
            if comp.values.size != 1:
                raise ParameterError("fixed", "the state must be a single point", comp.values)
            temperature = fixed.pop("temperature", None) if variable == "association" else None
            if fixed:
                raise ParameterError("fixed", f"unexpected options {sorted(fixed)}")

            def excess(x):
                lam = x if variable == "association" else self.association_at(x)
                st = self._state(comp, association=np.atleast_1d(lam), max_size=None,
                                 temperature=temperature)
                return float(st["gel_parameter"][0] - 1)

            if bracket is None:
                bracket = (1e-12, 1e12) if variable == "association" else (self.temperature / 3, 3 * self.temperature)
            lo, hi = bracket
        lo, hi = float(lo), float(hi)
        if not (0 < lo < hi) or not math.isfinite(hi):
            raise ParameterError("bracket", "must be (low, high) with 0 < low < high", bracket)
        flo, fhi = excess(lo), excess(hi)
        if flo == 0:
            return lo
        if fhi == 0:
            return hi
        if np.sign(flo) == np.sign(fhi):
            raise ParameterError("bracket", f"no gel point of {variable} in [{lo:g}, {hi:g}] "
                                 f"(gel parameter - 1 = {flo:.3g} and {fhi:.3g} at the ends)")
        # every gel variable is positive: solve in its logarithm (uniform relative accuracy)
        root = brentq(lambda t: excess(math.exp(t)), math.log(lo), math.log(hi), xtol=1e-14,
                      rtol=1e-15, maxiter=300)
        return float(math.exp(root))

    def _default_gel_variable(self):
        return self.default_state

    def _default_bracket(self, variable):
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        s_max = self._max_salt_per_site() * (1 - 1e-9)
        if variable == "molality":
            mw = self._molar_mass_solvent()
            return (1e-9, float(s_max / (mw * (1 - xi_salt * s_max))))
        if variable == "concentration":
            return (1e-12, s_max / (avogadro * self.lattice_site_volume))
        return (1e-12, min(1.0, xi_salt * s_max))

    def _max_salt_per_site(self):
        nu_c, nu_a = self.stoichiometry
        return 1 / (nu_c * self.xi_cation + nu_a * self.xi_anion)

    # -- effective carriers ----------------------------------------------------------------
    def effective_carriers(self, *, concentration=None, molality=None, volume_fraction=None,
                           salt_fraction=None, temperature=None, max_size: int = 20,
                           diffusivity: str | float | Callable = "stokes-einstein",
                           viscosity: float | None = None, min_concentration: float = 0.0) -> xr.Dataset:
        """Every sol cluster species as a charge carrier, at ONE state point.

        Parameters
        ----------
        concentration, molality, volume_fraction, salt_fraction : float
            One state variable (scalar).
        temperature : float, optional
            [K] (default: the model's reference temperature).
        max_size : int
            Largest l and m included (default 20).
        diffusivity : "stokes-einstein", float or callable
            Rule for the carrier diffusivity [m^2/s]: "stokes-einstein" (default) uses
            D = kT/(3 pi eta d) with the carrier diameter d of an equal-volume sphere of the
            cluster volume v0 (xi+ l + xi- m + s) (s = mean bound solvent) and the viscosity
            ``viscosity`` (default: the electrolyte's solvent viscosity); a float gives every
            carrier the same D; a callable ``f(n_cation, n_anion, diameter, temperature)``
            returns D for arrays of carriers.
        viscosity : float, optional
            [Pa s] for Stokes–Einstein.
        min_concentration : float
            Carriers below this concentration [mol/m^3] are dropped (default 0: keep every
            composition with W_lm > 0).

        Returns
        -------
        xarray.Dataset
            Over ``carrier`` (labels "l+m-"): coordinates n_cation, n_anion; variables
            carrier_charge [1], carrier_concentration [mol/m^3], carrier_diameter [m],
            carrier_diffusivity [m^2/s]; attrs record the diffusivity rule, the temperature
            and the total (sol + gel) cation and anion concentrations. The gel is not a
            carrier (immobile).
        """
        state = {"concentration": concentration, "molality": molality,
                 "volume_fraction": volume_fraction, "salt_fraction": salt_fraction}
        for k, v in state.items():
            if v is not None and np.ndim(v) != 0:
                raise ParameterError(k, "effective_carriers takes one state point (a scalar)", v)
        max_size = check_integer("max_size", max_size, minimum=1)
        comp = self._composition(**state)
        if not np.isfinite(comp.site_volume):
            raise ParameterError("site_volume", "effective carriers need concentrations in mol/m^3: give "
                                 "site_volume= [m^3] or an electrolyte with solvent density and molar mass")
        temp = self.temperature if temperature is None else _positive_scalar("temperature", temperature, "K")
        st = self._state(comp, temperature=None if temperature is None else temp, max_size=max_size)
        return self._carriers(comp, st, temp, max_size, diffusivity, viscosity, min_concentration)

    def _bound_solvent_fraction(self, st):
        """Mean fraction of the non-anion cation sites of a cluster holding solvent."""
        return 0.0

    def _carriers(self, comp, st, temp, max_size, diffusivity, viscosity, min_concentration):
        clusters = comp.molar(st["clusters"][0])
        l, m = np.meshgrid(np.arange(max_size + 1), np.arange(max_size + 1), indexing="ij")
        lnw = stockmayer_log_weight(l, m, f_cation=self.f_cation, f_anion=self.f_anion)
        keep = np.isfinite(lnw) & (clusters > min_concentration)
        # order carriers by size then composition
        li, mi = l[keep], m[keep]
        order = np.lexsort((mi, li + mi))
        li, mi = li[order], mi[order]
        conc = clusters[keep][order]
        z_c, z_a = self.charges
        charge = li * z_c + mi * z_a
        bound = self._bound_solvent_fraction(st) * np.maximum(self.f_cation * li - li - mi + 1, 0) * (li > 0)
        volume = comp.site_volume * (self.xi_cation * li + self.xi_anion * mi + bound)
        labels = [f"{a}+{b}-" for a, b in zip(li, mi)]
        n_c, n_a = li, mi
        extra = self._extra_carriers(comp, temp)
        if extra is not None:
            labels += [extra["label"]]
            n_c = np.append(n_c, 0)
            n_a = np.append(n_a, 0)
            charge = np.append(charge, extra["charge"])
            conc = np.append(conc, extra["concentration"])
            volume = np.append(volume, extra["volume"])
        diameter = (6 * volume / math.pi) ** (1 / 3)
        if isinstance(diffusivity, str):
            if diffusivity != "stokes-einstein":
                raise ParameterError("diffusivity", "must be 'stokes-einstein', a number [m^2/s] or a callable",
                                     diffusivity)
            eta = viscosity if viscosity is not None else getattr(self, "viscosity", None)
            if eta is None and self.electrolyte is not None:
                eta = self.electrolyte.solvent.viscosity
            if eta is None:
                raise ParameterError("viscosity", "Stokes–Einstein needs a viscosity [Pa s] (or an electrolyte "
                                     "whose Solvent has one)")
            eta = _positive_scalar("viscosity", eta, "Pa s")
            dif = stokes_einstein(diameter, temperature=temp, viscosity=eta)
            rule = f"Stokes–Einstein kT/(3 pi eta d), eta = {eta:g} Pa s, d = equal-volume sphere of the cluster"
        elif callable(diffusivity):
            dif = np.broadcast_to(np.asarray(diffusivity(n_c, n_a, diameter, temp), float), diameter.shape)
            if not np.all(np.isfinite(dif)) or np.any(dif < 0):
                raise ParameterError("diffusivity", "the callable must return finite values >= 0 m^2/s")
            rule = f"user callable {getattr(diffusivity, '__name__', repr(diffusivity))}"
        else:
            d0 = _positive_scalar("diffusivity", diffusivity, "m^2/s")
            dif = np.full(diameter.shape, d0)
            rule = f"size-independent D = {d0:g} m^2/s"
        attrs = {
            "diffusivity_rule": rule,
            "temperature": temp,
            "cation_concentration_total": float(comp.molar(comp.c_cation)[0]),
            "anion_concentration_total": float(comp.molar(comp.c_anion)[0]),
            "gel_fraction_cation": float(1 - st["sol_cation"][0]),
            "gel_fraction_anion": float(1 - st["sol_anion"][0]),
            "max_size": max_size,
            "cation_charge": z_c,
            "anion_charge": z_a,
            "state": f"{comp.name} = {float(comp.values[0]):g}",
            "gel_rule": "the gel (percolating network) is immobile and not a carrier",
        }
        return make_dataset(
            {
                "carrier_charge": ("carrier", charge.astype(float)),
                "carrier_concentration": ("carrier", conc),
                "carrier_diameter": ("carrier", diameter),
                "carrier_diffusivity": ("carrier", dif),
            },
            {
                "carrier": ("carrier", np.array(labels, dtype=str)),
                "n_cation": ("carrier", np.asarray(n_c, dtype=np.int64)),
                "n_anion": ("carrier", np.asarray(n_a, dtype=np.int64)),
            },
            model=self.model_name,
            parameters=self._describe_parameters(),
            references=self._references(),
            attrs=attrs,
        )

    def _extra_carriers(self, comp, temp):
        return None

    # -- free fractions protocol ----------------------------------------------------------
    def free_fractions(self, electrolyte: Electrolyte, concentration) -> np.ndarray:
        """Free fraction of every species of ``electrolyte`` (interfaces §2).

        Parameters
        ----------
        electrolyte : Electrolyte
            Binary salt; species order of the result.
        concentration : array_like
            Salt molarity [mol/m^3].

        Returns
        -------
        ndarray, shape (n_concentration, n_species)
            Cation: fraction with no anion bonded (1 - p+)^f+; anion: (1 - p-)^f-.
        """
        model = self
        if self.site_volume is None and self.electrolyte is None:
            model = dataclasses.replace(self, electrolyte=electrolyte)
        c = np.atleast_1d(as_float_array("concentration", concentration))
        comp = model._composition(concentration=c)
        st = model._state(comp, max_size=None)
        out = np.ones((c.size, len(electrolyte.ions)))
        for j, ion in enumerate(electrolyte.ions):
            if ion.charge > 0 and ion.name == electrolyte.cation.name:
                out[:, j] = st["free_cation_fraction"]
            elif ion.charge < 0 and ion.name == electrolyte.anion.name:
                out[:, j] = st["free_anion_fraction"]
        return out

    # -- presets --------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, name: str, **overrides):
        """The model of a preset electrolyte with the parameters of :data:`PRESET_PARAMETERS`.

        Parameters
        ----------
        name : str
            Preset name (e.g. "LiTFSI(aq)").
        **overrides
            Parameter values replacing the tabulated ones.
        """
        from ionscales import presets

        if name not in PRESET_PARAMETERS:
            from ionscales.validation import suggest

            raise ParameterError("preset", f"no aggregation parameters for {name!r}; available: "
                                 f"{', '.join(PRESET_PARAMETERS)}.{suggest(str(name), PRESET_PARAMETERS)}")
        entry = dict(PRESET_PARAMETERS[name])
        model_cls = entry.pop("model")
        entry.pop("source")
        if cls is not _AggregationModel and not issubclass(model_cls, cls):
            raise ParameterError("preset", f"{name!r} is a {model_cls.__name__} preset, not a {cls.__name__}")
        entry.update(overrides)
        entry.setdefault("electrolyte", presets.get(name))
        return model_cls(**entry)


def _sweep_temperature(comp: _Composition, temperature: np.ndarray) -> _Composition:
    """The single state point of ``comp`` repeated over a temperature array."""
    n = temperature.size

    def rep(a):
        return None if a is None else np.repeat(np.atleast_1d(a), n)

    return _Composition("temperature", temperature, rep(comp.phi_cation), rep(comp.phi_anion),
                        rep(comp.phi_solvent), rep(comp.phi_inert), rep(comp.c_cation), rep(comp.c_anion),
                        rep(comp.c_inert), comp.site_volume, rep(comp.molality), False, comp.name,
                        float(comp.values[0]))


def _molality_from_phi(phi_0, salt, model):
    """Molality [mol/kg] from solvent sites per salt unit (needs the solvent molar mass)."""
    try:
        mw = model._molar_mass_solvent()
    except ParameterError:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(phi_0 > 0, salt / (phi_0 * mw), np.inf)


def _solvent_resolved(clusters, st, f_cation, max_size):
    """Split c_lm over bound solvent s: binom(n_lm, s) q^s (1-q)^(n_lm - s)."""
    l = np.arange(max_size + 1)[:, None]
    m = np.arange(max_size + 1)[None, :]
    n_free = np.maximum(f_cation * l - l - m + 1, 0) * (l > 0)
    s_max = int(n_free.max())
    s = np.arange(s_max + 1)
    pc = st["p_cation"]
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(1 - pc > 0, st["p_cation_solvent"] / np.where(1 - pc > 0, 1 - pc, 1), 1.0)
    q = np.clip(q, 0.0, 1.0)[:, None, None, None]
    nn = n_free[None, :, :, None].astype(float)
    ss = s[None, None, None, :].astype(float)
    valid = ss <= nn
    lnbinom = np.where(valid, gammaln(nn + 1) - gammaln(ss + 1) - gammaln(np.maximum(nn - ss, 0) + 1), -np.inf)
    tiny = 1e-300
    with np.errstate(invalid="ignore"):
        lnp = lnbinom + ss * np.log(np.maximum(q, tiny)) + (nn - ss) * np.log(np.maximum(1 - q, tiny))
    weights = np.where(valid, np.exp(lnp), 0.0)
    # clusters without cations (free anion) carry no solvent
    return clusters[..., None] * weights


@dataclass(frozen=True)
class Aggregation(_AggregationModel):
    """Cation–anion aggregation without competing solvent (ionic liquids, inert solvent).

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities (association sites per ion) f+, f- [1], >= 1.
    association : float
        Dimensionless lattice association constant Lambda [1], >= 0 (see
        :func:`lattice_association` for K_A [m^3/mol]).
    xi_cation, xi_anion : float
        Ion volumes in lattice sites [1] (default 1).
    site_volume : float, optional
        Lattice site volume v0 [m^3]; default: the electrolyte's solvent molecular volume.
    electrolyte : Electrolyte, optional
        Charges, stoichiometry, solvent data (viscosity, molar mass).
    temperature : float
        Reference temperature of ``association`` [K] (default 298.15).
    association_enthalpy : float
        Association enthalpy dH [J/mol] for Lambda(T) (default 0: temperature-independent).
    solvent_molar_mass : float, optional
        [kg/mol], for molality input (default: the electrolyte's solvent).

    Notes
    -----
    Mass action Lambda zeta = p+ p- / [(1 - p+)(1 - p-)], zeta = psi+ p+ = psi- p-, solved in
    closed form (:func:`binary_probabilities`). Valid from infinite dilution to the pure ionic
    liquid (volume_fraction = 1). Mean-field tree theory: loops in finite clusters are
    neglected; post-gel Flory treatment.
    """

    f_cation: int
    f_anion: int
    association: float
    xi_cation: float = 1.0
    xi_anion: float = 1.0
    site_volume: float | None = None
    electrolyte: Electrolyte | None = None
    temperature: float = 298.15
    association_enthalpy: float = 0.0
    solvent_molar_mass: float | None = None

    state_variables = ("concentration", "molality", "volume_fraction")
    default_state = "volume_fraction"
    model_name = "aggregation"

    def __post_init__(self):
        self._validate_common()

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa, qc, qa = binary_probabilities(psi_c, psi_a, association=association, complements=True)
        return {"p_cation": pc, "p_anion": pa, "q_cation": qc, "q_anion": qa}


@dataclass(frozen=True)
class SolvatedAggregation(_AggregationModel):
    """Cation–anion association competing with cation–solvent association (WiSE, carbonates).

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities f+, f- [1], >= 1 (solvent f0 = 1, binds cations only).
    association : float
        Lambda_{+-} [1] (general model), or the ratio Lambda~ = Lambda_{+-}/Lambda_{+0} in
        the sticky-cation model (``solvent_association=inf``), > 0.
    solvent_association : float
        Lambda_{+0} [1], > 0; ``math.inf`` (default) selects the sticky-cation limit in
        which every cation site is bonded to an anion or a solvent molecule.
    xi_cation, xi_anion, site_volume, electrolyte, temperature, association_enthalpy,
    solvent_molar_mass :
        As in :class:`Aggregation` (the solvent occupies one site).

    Notes
    -----
    General model (:func:`solvated_probabilities`): mass action for +- and +0 bonds with a
    monotone 1-D formulation in the fraction of free cation sites. Sticky model
    (:func:`sticky_probabilities`): closed form; requires f+ c+ <= f- c- + c0. The
    ``free_cation_fraction`` is the fraction of cations with no anion (any solvation),
    ``bare_cation_fraction`` the fraction with no partner at all. Clusters are summed over
    bound solvent unless ``resolve_solvent=True``.
    """

    f_cation: int
    f_anion: int
    association: float
    solvent_association: float = math.inf
    xi_cation: float = 1.0
    xi_anion: float = 1.0
    site_volume: float | None = None
    electrolyte: Electrolyte | None = None
    temperature: float = 298.15
    association_enthalpy: float = 0.0
    solvent_molar_mass: float | None = None

    state_variables = ("concentration", "molality", "volume_fraction")
    default_state = "molality"
    model_name = "solvated_aggregation"

    def __post_init__(self):
        self._validate_common()
        s = self.solvent_association
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)) or not (
            s > 0 or (isinstance(s, float) and math.isinf(s))
        ) or (isinstance(s, float) and math.isnan(s)):
            raise ParameterError("solvent_association", "must be > 0 (dimensionless) or math.inf (sticky)", s)
        object.__setattr__(self, "solvent_association", float(s))
        if self.sticky and self.association <= 0:
            raise ParameterError("association", "the sticky ratio Lambda_{+-}/Lambda_{+0} must be > 0",
                                 self.association)

    @property
    def sticky(self) -> bool:
        """True in the sticky-cation limit (solvent_association = inf)."""
        return math.isinf(self.solvent_association)

    def _default_gel_variable(self):
        try:
            self._molar_mass_solvent()
            return "molality"
        except ParameterError:
            return "volume_fraction"

    def _max_salt_per_site(self):
        # the sticky model needs psi+ <= psi- + phi0, i.e. excess s <= 1 - xi_salt s
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        excess = nu_c * self.f_cation - nu_a * self.f_anion
        if self.sticky and excess > 0:
            return 1 / (excess + xi_salt)
        return 1 / xi_salt

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        phi_0 = comp.phi_solvent
        if self.sticky:
            bad = psi_c > (psi_a + phi_0) * (1 + 1e-12)
            if np.any(bad):
                raise ParameterError(comp.name, "is beyond the sticky-cation model's range: every cation "
                                     "site must find an anion or solvent partner (f+ c+ <= f- c- + c0)",
                                     comp.values[bad])
            pc, pc0, pa, p0 = sticky_probabilities(psi_c, psi_a, phi_0, association_ratio=association)
            iterations = 1
        else:
            pc, pc0, pa, p0, u, iterations, _ = solvated_probabilities(
                psi_c, psi_a, phi_0, association=association, solvent_association=self.solvent_association)
            return {"p_cation": pc, "p_anion": pa, "p_cation_solvent": pc0, "p_solvent": p0,
                    "free_site_fraction": u, "bare_cation_fraction": u**self.f_cation,
                    "iterations": iterations}
        return {"p_cation": pc, "p_anion": pa, "p_cation_solvent": pc0, "p_solvent": p0,
                "bare_cation_fraction": np.clip(1 - pc - pc0, 0, 1) ** self.f_cation,
                "iterations": iterations}

    def _residuals(self, comp, probs):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        phi_0 = comp.phi_solvent
        pc, pa, pc0, p0 = probs["p_cation"], probs["p_anion"], probs["p_cation_solvent"], probs["p_solvent"]
        lam = probs["association"]

        def rel(a, b):
            scale = np.maximum(np.abs(a), np.abs(b))
            return np.where(scale > 1e-300, np.abs(a - b) / np.where(scale > 1e-300, scale, 1.0), 0.0)

        bond1 = rel(psi_c * pc, psi_a * pa)
        bond2 = rel(psi_c * pc0, phi_0 * p0)
        if self.sticky:
            mass = np.abs(lam * p0 * (1 - pa) - pa * (1 - p0))
            sites = np.abs(pc + pc0 - 1)
        else:
            u = probs["free_site_fraction"]
            mass = np.maximum(np.abs(lam * psi_c * u * (1 - pa) - pa),
                              np.abs(self.solvent_association * psi_c * u * (1 - p0) - p0))
            sites = np.abs(u - (1 - pc - pc0))
        return np.maximum.reduce([bond1, bond2, mass, sites])

    def _bound_solvent_fraction(self, st):
        pc = st["p_cation"][0]
        if self.sticky or pc >= 1:
            return 1.0
        return float(st["p_cation_solvent"][0] / (1 - pc))


@dataclass(frozen=True)
class SaltInIonicLiquid(_AggregationModel):
    """An alkali salt in an ionic liquid sharing its anion; the IL cation is inert.

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities of the alkali cation and of the (common) anion [1].
    association : float
        Lambda [1] of alkali–anion bonds.
    xi_cation, xi_anion, xi_inert : float
        Volumes of the alkali cation, the anion and the IL cation in lattice sites [1].
    site_volume : float, optional
        v0 [m^3] (needed for molar outputs and carriers).
    electrolyte : Electrolyte, optional
        Used for the alkali cation and anion charges.
    inert_charge : float
        Valence of the IL cation (default +1).
    viscosity : float, optional
        Viscosity of the ionic liquid [Pa s] for Stokes–Einstein carrier diffusivities.

    Notes
    -----
    State variable ``salt_fraction`` x = n_salt/(n_salt + n_IL). Per anion there are x
    alkali cations and 1 - x IL cations, no solvent (phi0 = 0). Mass action as in
    :class:`Aggregation` with psi- counting all anions. With few alkali cations the anions
    are in excess, p+ is large and Li sits in (1, m >= 2) clusters of negative charge: the
    effective Li charge (:meth:`solve` variable ``cation_effective_charge``, mobility
    weighted) is negative. Past the gel point the Li-rich network is immobile and the
    mobile sol is depleted of the large anionic clusters, which restores a positive
    charge at high salt content (McEldrew et al., J. Phys. Chem. B 2021).
    """

    f_cation: int
    f_anion: int
    association: float
    xi_cation: float = 1.0
    xi_anion: float = 1.0
    xi_inert: float = 1.0
    site_volume: float | None = None
    electrolyte: Electrolyte | None = None
    temperature: float = 298.15
    association_enthalpy: float = 0.0
    solvent_molar_mass: float | None = None
    inert_charge: float = 1.0
    viscosity: float | None = None

    state_variables = ("salt_fraction",)
    default_state = "salt_fraction"
    model_name = "salt_in_ionic_liquid"

    def __post_init__(self):
        self._validate_common()
        object.__setattr__(self, "xi_inert", _positive_scalar("xi_inert", self.xi_inert, "lattice sites"))
        if self.viscosity is not None:
            object.__setattr__(self, "viscosity", _positive_scalar("viscosity", self.viscosity, "Pa s"))

    @property
    def stoichiometry(self):
        return 1.0, 1.0

    def _references(self):
        return (*REFERENCES, SIIL_REFERENCE)

    def _composition_from(self, name, value):
        if name != "salt_fraction":
            raise ParameterError(name, "SaltInIonicLiquid takes salt_fraction (mole fraction of alkali salt)")
        x, _ = _state_array("salt_fraction", value, upper=1.0)
        x = check_probability("salt_fraction", x)
        omega = x * self.xi_cation + (1 - x) * self.xi_inert + self.xi_anion
        c_an = 1 / omega
        c_li = x / omega
        c_il = (1 - x) / omega
        return _Composition("salt_fraction", x, self.xi_cation * c_li, self.xi_anion * c_an,
                            np.zeros_like(x), self.xi_inert * c_il, c_li, c_an, c_il,
                            self.lattice_site_volume, None)

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa, qc, qa = binary_probabilities(psi_c, psi_a, association=association, complements=True)
        return {"p_cation": pc, "p_anion": pa, "q_cation": qc, "q_anion": qa}

    def _default_bracket(self, variable):
        return (1e-12, 1.0)

    def _extra_carriers(self, comp, temp):
        return {"label": "inert+", "charge": self.inert_charge,
                "concentration": float(comp.molar(comp.c_inert)[0]),
                "volume": comp.site_volume * self.xi_inert}

    def effective_charge(self, salt_fraction, *, max_size: int = 60, diffusivity="size-independent"):
        """Effective charge of the alkali cation versus salt fraction.

        z_eff = sum_lm l z_lm D_lm c_lm / sum_lm l D_lm c_lm over sol clusters (the gel is
        immobile), with D_lm size-independent (default; then z_eff is the Li-weighted mean
        cluster charge) or "stokes-einstein" (D ~ (xi+ l + xi- m)^(-1/3)).

        Parameters
        ----------
        salt_fraction : array_like
            Mole fraction of alkali salt [1].
        max_size : int
        diffusivity : "size-independent" or "stokes-einstein"

        Returns
        -------
        ndarray
            z_eff [1] (negative when Li travels mainly in anionic clusters).
        """
        comp = self._composition(salt_fraction=salt_fraction)
        st = self._state(comp, max_size=max_size)
        c = st["clusters"]
        l = np.arange(max_size + 1)[:, None]
        m = np.arange(max_size + 1)[None, :]
        z_c, z_a = self.charges
        z = l * z_c + m * z_a
        if diffusivity == "size-independent":
            d = np.ones_like(z, dtype=float)
        elif diffusivity == "stokes-einstein":
            vol = np.maximum(self.xi_cation * l + self.xi_anion * m, 1e-12)
            d = vol ** (-1 / 3)
        else:
            raise ParameterError("diffusivity", "must be 'size-independent' or 'stokes-einstein'", diffusivity)
        num = (c * (l * z * d)[None]).sum(axis=(1, 2))
        den = (c * (l * d)[None]).sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)


#: Aggregation parameters of presets, with their sources.
PRESET_PARAMETERS: dict[str, dict[str, Any]] = {
    "LiTFSI(aq)": {
        "model": SolvatedAggregation,
        "f_cation": 4,
        "f_anion": 3,
        "association": 0.2527,
        "solvent_association": math.inf,
        "xi_cation": 0.4,
        "xi_anion": 10.8,
        "source": "Sticky-cation WiSE parameters of LiTFSI: f+ = 4 (Li), f- = 3 (TFSI), "
        "xi+ = 0.4, xi- = 10.8 water volumes, Lambda~ = Lambda_{+-}/Lambda_{+0} = 0.2527 "
        "(extracted from MD of 21 m LiTFSI) as used in the public code of Markiewitz et al., "
        "arXiv:2602.23875 (github.com/DMMarkiewitz/Faraday_Discussions_2026, "
        "Association_Probabilities_Bulk.m), following McEldrew et al., J. Electrochem. Soc. "
        "168, 050514 (2021), doi:10.1149/1945-7111/abf975. Lattice site = one water molecule.",
    },
}


# ---------------------------------------------------------------------------------------
# screening bridge


def cluster_screening_model(electrolyte: Electrolyte, concentration, *, aggregation=None,
                            max_size: int = 60, temperature=None):
    """Screening model "cluster": Debye length of the effective carriers.

    kappa^2 = 4 pi l_B N_A sum_carriers c_c z_c^2 over free ions and charged sol clusters
    (c_c [mol/m^3], z_c = l z+ + m z-). The gel is excluded: it is a macroscopic immobile
    network whose charge does not screen as a point carrier (stated rule). A single
    monotonic mode k = i kappa.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        Salt molarity [mol/m^3], 1-D.
    aggregation : aggregation model, optional
        Default: ``from_preset(electrolyte.name)`` when the preset has parameters.
    max_size : int
        Largest l and m of the cluster sum (default 60).
    temperature : float, optional
        [K] (default: the electrolyte's temperature for the Bjerrum length; the model's
        association at its own reference temperature).
    """
    from ionscales.theory.ladder import ScreeningModes

    if aggregation is None:
        if electrolyte.name in PRESET_PARAMETERS:
            aggregation = _AggregationModel.from_preset(electrolyte.name)
        else:
            raise ParameterError("aggregation", f"model 'cluster' needs an aggregation model for "
                                 f"{electrolyte.name!r}: pass aggregation=Aggregation(...) or "
                                 f"SolvatedAggregation(...) (presets with parameters: "
                                 f"{', '.join(PRESET_PARAMETERS)})")
    if not isinstance(aggregation, _AggregationModel):
        raise ParameterError("aggregation", "must be an Aggregation, SolvatedAggregation or SaltInIonicLiquid",
                             aggregation)
    if isinstance(aggregation, SaltInIonicLiquid):
        raise ParameterError("aggregation", "SaltInIonicLiquid has no salt-molarity state; use "
                             "effective_carriers with salt_fraction")
    model = aggregation
    if model.site_volume is None and model.electrolyte is None:
        model = dataclasses.replace(model, electrolyte=electrolyte)
    c = np.atleast_1d(np.asarray(concentration, float))
    comp = model._composition(concentration=c)
    st = model._state(comp, max_size=max_size, temperature=temperature)
    clusters = comp.molar(st["clusters"])
    z_c, z_a = float(electrolyte.cation.charge), float(electrolyte.anion.charge)
    l = np.arange(max_size + 1)[:, None]
    m = np.arange(max_size + 1)[None, :]
    z2 = (l * z_c + m * z_a) ** 2
    strength = (clusters * z2[None]).sum(axis=(1, 2))  # sum c z^2 [mol/m^3]
    temp = electrolyte.temperature if temperature is None else float(temperature)
    from ionscales.electrolyte import bjerrum_length

    lb = bjerrum_length(electrolyte.permittivity, temp)
    kappa = np.sqrt(4 * math.pi * lb * avogadro * strength)
    valid = kappa > 0
    return ScreeningModes(
        poles=(1j * np.where(valid, kappa, np.nan))[:, None],
        residual=np.zeros((c.size, 1)),
        valid=valid,
        extra={
            "free_fraction": st["free_cation_fraction"],
            "free_anion_fraction": (st["free_anion_fraction"], "1", "fraction of free anions"),
            "gel_fraction_cation": (1 - st["sol_cation"], "1", "fraction of cations in the gel"),
            "carrier_ionic_strength": (0.5 * strength, "mol/m^3",
                                       "ionic strength of the effective carriers (free ions and sol clusters)"),
        },
        parameters={"aggregation": model._describe_parameters(), "max_size": max_size,
                    "rule": "kappa^2 = 4 pi l_B N_A sum c_c z_c^2 over free ions and charged sol clusters; gel excluded"},
        references=REFERENCES,
    )
