"""Confined electrolytes in narrow metallic pores (kernels and models, SI).

Kernels (pure, vectorised):

- :func:`slit_interaction` — potential [V] of one elementary charge between two grounded
  ideal-metal plates (the screened ion–ion interaction of a metallic slit), Bessel-K0 mode
  series for lateral distances >= the slit width and an image sum resummed with Hurwitz zeta
  functions below 1.5 L (both exact to ~1e-14 relative); :func:`slit_interaction_asymptote`
  (``exp(-pi r / L)`` tail); :func:`slit_force` (in-plane force); :func:`image_self_energy`
  (digamma form); :func:`sheet_coupling_factor` (hard-core averaged charge-sheet integral
  ``a(d/L)``); :func:`cylinder_interaction` (on-axis potential in an ideal-metal cylinder).
- :func:`transfer_matrix_chain` — exact transfer-matrix solution of the single-file
  (1-D, three-state) pore with nearest-neighbour interactions.

Models:

- :class:`SlitPore` — mean-field charging of a single-layer metallic slit pore (charge,
  capacitance, occupancies, stored energy vs voltage); :func:`capacitance_map` over
  (width, voltage); :func:`pore_size_average` over a pore-size distribution.
- :class:`SingleFilePore` — the 1-D pore built on :func:`transfer_matrix_chain`.
- :func:`regime` / :func:`regime_map` — bulk-like, layered or correlated confinement.

References
----------
Kondrat & Kornyshev, J. Phys.: Condens. Matter 23, 022201 (2011), doi:10.1088/0953-8984/23/2/022201.
Kondrat, Georgi, Fedorov, Kornyshev, Phys. Chem. Chem. Phys. 13, 11359 (2011).
Kondrat, Perez, Presser, Gogotsi, Kornyshev, Energy Environ. Sci. 5, 6474 (2012).
Lee, Kondrat, Kornyshev, Phys. Rev. Lett. 113, 048701 (2014).
Kondrat, Feng, Bresme, Urbakh, Kornyshev, Chem. Rev. 123, 6668 (2023).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy import integrate, special

from ionscales.constants import boltzmann, elementary_charge, vacuum_permittivity
from ionscales.errors import ConvergenceError, ParameterError, ValidityWarning
from ionscales.results import make_dataset, solver_attrs
from ionscales.validation import (
    as_1d_array,
    as_float,
    as_float_array,
    check_choice,
    check_nonnegative,
    check_positive,
    check_quantity,
    check_range,
    warn_implausible,
)

__all__ = [
    "slit_interaction",
    "slit_interaction_asymptote",
    "slit_force",
    "image_self_energy",
    "sheet_coupling_factor",
    "cylinder_interaction",
    "transfer_matrix_chain",
    "SlitPore",
    "SingleFilePore",
    "capacitance_map",
    "pore_size_average",
    "regime",
    "regime_map",
    "REGIMES",
]

KK2011 = "doi:10.1088/0953-8984/23/2/022201"
CHEMREV2023 = "Kondrat et al., Chem. Rev. 123, 6668 (2023)"
REGIMES = ("layered", "correlated", "bulk-like")

# number of Taylor terms (in rho^2) kept in the zeta-resummed image tail; the tail images are
# at least 4 L away and rho < 1.5 L there, so the omitted term is < (1.5/4)^(2 K) / 4 ~ 1e-21
_TAYLOR_TERMS = 24
_EXPLICIT_IMAGES = 2  # images n = -2..2 summed explicitly
_K0_SWITCH = 1.5  # rho / L at and above which the K0 mode series is used
# below this d/L the sheet factor is 1 - 2 delta + 2 ln2 delta^2 (omitted term ~4.5 delta^3,
# checked against the K1 series: 4.5e-13 at delta = 1e-3)
_SMALL_DELTA = 1e-4

#: lengths of the pore models (width, radius, ion diameter) must lie in this range [m]; the
#: plausible range is narrower (ionscales.validation.PLAUSIBLE: a ValidityWarning outside)
LENGTH_RANGE = (1e-12, 1.0)
#: largest width / ion_diameter of the single-layer slit model (valid for 1 < L/d < 2; up
#: to this ratio its extrapolation is computed with a ValidityWarning / flag, beyond refused)
MAX_RELATIVE_WIDTH = 1e3
_LENGTH = {"unit": "m", "low": LENGTH_RANGE[0], "high": LENGTH_RANGE[1]}


def _coulomb_prefactor(permittivity) -> np.ndarray:
    """e / (4 pi eps0 eps_r) [V m]."""
    return elementary_charge / (4 * math.pi * vacuum_permittivity * permittivity)


def _heights(z, width, name):
    if z is None:
        return np.asarray(0.5)
    t = as_float_array(name, z) / width
    if np.any((t <= 0) | (t >= 1)):
        raise ParameterError(name, "must lie strictly between the plates, 0 < z < width [m]", z)
    return t


def _binomial_half(k: int) -> float:
    """Coefficient of y^k in (1 + y)^(-1/2)."""
    return float(special.binom(-0.5, k))


def _image_tail_sums(a, order_max):
    """H_s(a) = sum_{m>=3} [(2m - a)^-s + (2m + a)^-s] for s = 2k+1, k = 0..order_max-1.

    For s = 1 the (divergent) sum is replaced by its regularised value
    -[psi(3 - a/2) + psi(3 + a/2)] / 2; only differences H_1(d) - H_1(s) are used.
    """
    m0 = _EXPLICIT_IMAGES + 1
    out = []
    for k in range(order_max):
        s = 2 * k + 1
        if k == 0:
            out.append(-0.5 * (special.digamma(m0 - a / 2) + special.digamma(m0 + a / 2)))
        else:
            out.append(2.0**-s * (special.zeta(s, m0 - a / 2) + special.zeta(s, m0 + a / 2)))
    return out


def _tail_differences(d, s):
    """[H_k(d) - H_k(s)] for k = 0..K-1, evaluated once per distinct (d, s) pair."""
    d = np.asarray(d, dtype=float)
    s = np.asarray(s, dtype=float)
    pairs = np.stack(np.broadcast_arrays(d, s), axis=-1).reshape(-1, 2)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    hd = _image_tail_sums(unique[:, 0], _TAYLOR_TERMS)
    hs = _image_tail_sums(unique[:, 1], _TAYLOR_TERMS)
    shape = np.broadcast(d, s).shape
    return [(a - b)[np.ravel(inverse)].reshape(shape) for a, b in zip(hd, hs)]


def _g_images(x, d, s, derivative=False):
    """Dimensionless slit Green function g = L G eps (Gaussian) by the image sum with the
    far images resummed (Hurwitz zeta); x = rho/L < 1.5. derivative: -dg/dx instead."""
    x = np.asarray(x, dtype=float)
    n = np.arange(-_EXPLICIT_IMAGES, _EXPLICIT_IMAGES + 1)
    x2 = x[..., None] ** 2
    bd = np.asarray(d, dtype=float)[..., None] - 2.0 * n
    bs = np.asarray(s, dtype=float)[..., None] - 2.0 * n
    with np.errstate(divide="ignore"):
        if derivative:
            explicit = np.sum(x[..., None] * ((x2 + bd**2) ** -1.5 - (x2 + bs**2) ** -1.5), axis=-1)
        else:
            explicit = np.sum((x2 + bd**2) ** -0.5 - (x2 + bs**2) ** -0.5, axis=-1)
    diff = _tail_differences(d, s)
    y = x**2
    tail = np.zeros(np.broadcast(x, diff[0]).shape)
    # Horner in y = x^2 over c_k [H_k(d) - H_k(s)]
    if derivative:
        # -d/dx sum_k c_k x^(2k) D_k = -sum_k 2k c_k x^(2k-1) D_k
        for k in range(_TAYLOR_TERMS - 1, 0, -1):
            tail = tail * y + 2 * k * _binomial_half(k) * diff[k]
        tail = -tail * x
    else:
        for k in range(_TAYLOR_TERMS - 1, -1, -1):
            tail = tail * y + _binomial_half(k) * diff[k]
    return explicit + tail


def _g_modes(x, t, tp, derivative=False):
    """g by the K0 mode series, 4 sum_n sin(n pi t) sin(n pi t') K0(n pi x), for x >= 1.5;
    with derivative: -dg/dx = 4 pi sum_n n sin sin K1(n pi x). Each point keeps only the
    terms with (n - 1) pi x < 40 (relative size < 1e-17)."""
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    tp = np.asarray(tp, dtype=float)
    scalar_heights = t.ndim == 0 and tp.ndim == 0
    if not scalar_heights:
        x, t, tp = np.broadcast_arrays(x, t, tp)
    out = np.zeros(x.shape)
    if x.size == 0:
        return out
    xf = x.ravel()
    of = out.ravel()
    idx = np.arange(xf.size)
    n = 0
    while idx.size:
        n += 1
        xs = xf[idx]
        if scalar_heights:
            sines = math.sin(n * math.pi * float(t)) * math.sin(n * math.pi * float(tp))
            if abs(sines) < 1e-15:  # e.g. even modes on the midplane vanish exactly
                idx = idx[n * math.pi * xs < 40.0]
                continue
        else:
            sines = np.sin(n * math.pi * t.ravel()[idx]) * np.sin(n * math.pi * tp.ravel()[idx])
        arg = n * math.pi * xs
        term = n * math.pi * special.k1(arg) if derivative else special.k0(arg)
        of[idx] += sines * term
        keep = n * math.pi * xs < 40.0
        idx = idx[keep]
    return 4.0 * of.reshape(x.shape)


def _slit_g(x, t, tp, derivative=False):
    x = np.asarray(x, float)
    t = np.asarray(t, float)
    tp = np.asarray(tp, float)
    shape = np.broadcast(x, t, tp).shape
    x = np.broadcast_to(x, shape)
    if not (t.ndim == 0 and tp.ndim == 0):
        t = np.broadcast_to(t, shape)
        tp = np.broadcast_to(tp, shape)
    out = np.empty(shape)
    far = x >= _K0_SWITCH
    near = ~far
    if t.ndim == 0:
        if np.any(far):
            out[far] = _g_modes(x[far], t, tp, derivative)
        if np.any(near):
            out[near] = _g_images(x[near], t - tp, t + tp, derivative)
        return out
    if np.any(far):
        out[far] = _g_modes(x[far], t[far], tp[far], derivative)
    if np.any(near):
        out[near] = _g_images(x[near], t[near] - tp[near], t[near] + tp[near], derivative)
    return out


def slit_interaction(r, width, permittivity, z=None, z_source=None):
    """Electrostatic potential of one elementary charge between two grounded ideal-metal plates.

    This is the ion–ion interaction energy per unit charge product inside a metallic slit:
    two ions of valences z_i, z_j interact with energy ``z_i z_j e * slit_interaction(...)``.

    Parameters
    ----------
    r : array_like
        Lateral (in-plane) distance between the charge and the field point [m], >= 0.
    width : float or array_like
        Slit width L (plate separation) [m], > 0.
    permittivity : float or array_like
        Relative permittivity of the medium between the plates [1], > 0.
    z : array_like, optional
        Height of the field point above the lower plate [m], 0 < z < L (default midplane).
    z_source : array_like, optional
        Height of the source charge [m], 0 < z_source < L (default midplane).

    Returns
    -------
    ndarray or float
        Potential [V] (the direct Coulomb part plus all images); ``inf`` at r = 0, z = z_source.

    Notes
    -----
    With x = r/L, t = z/L, t' = z_source/L the Dirichlet Green function of the slab is

    .. math:: \\phi = \\frac{e}{4\\pi\\varepsilon_0\\varepsilon_r L}\\,
              4\\sum_{n\\ge1}\\sin(n\\pi t)\\sin(n\\pi t')K_0(n\\pi x)
              = \\frac{e}{4\\pi\\varepsilon_0\\varepsilon_r L}\\sum_{n\\in\\mathbb{Z}}
              \\Big[\\frac{1}{\\sqrt{x^2+(t-t'-2n)^2}}-\\frac{1}{\\sqrt{x^2+(t+t'-2n)^2}}\\Big].

    The mode (K0) series converges like exp(-n pi x) and is used for x >= 1.5; below, the images
    |n| <= 2 are summed explicitly and the remaining ones are expanded in x^2 and summed in
    closed form with Hurwitz zeta functions (and digamma for the leading, conditionally
    convergent order). Both routes agree with a brute-force image sum to ~1e-14 relative. At
    large x the interaction is screened exponentially with decay length L/pi
    (:func:`slit_interaction_asymptote`); at small x it tends to the bare Coulomb potential plus
    the image constant (-2 ln 2 / L on the midplane). Valid for any r >= 0 and heights strictly
    inside the slit; ideal metal (zero Thomas–Fermi length) and uniform permittivity assumed.

    References
    ----------
    Kondrat & Kornyshev (2011), doi:10.1088/0953-8984/23/2/022201; Loche et al., J. Phys.
    Chem. B 124, 4365 (2020).
    """
    L = check_quantity("width", width, **_LENGTH, plausible="pore_size")
    eps = check_positive("permittivity", permittivity)
    rho = as_float_array("r", r)
    if np.any(rho < 0):
        raise ParameterError("r", "must be >= 0 m", r)
    t = _heights(z, L, "z")
    tp = _heights(z_source, L, "z_source")
    g = _slit_g(rho / L, t, tp)
    out = _coulomb_prefactor(eps) / L * g
    return float(out) if np.ndim(out) == 0 else out


def slit_interaction_asymptote(r, width, permittivity, z=None, z_source=None):
    """Leading long-distance form of :func:`slit_interaction` [V].

    Parameters
    ----------
    r : array_like
        Lateral distance [m], > 0.
    width : float
        Slit width L [m], > 0.
    permittivity : float
        Relative permittivity [1], > 0.
    z, z_source : array_like, optional
        Heights [m] (default midplane).

    Notes
    -----
    Only the n = 1 mode survives at r >> L:
    phi -> e/(4 pi eps0 eps_r L) 4 sin(pi t) sin(pi t') sqrt(L/(2 r)) exp(-pi r / L),
    i.e. on the midplane 4 pi eps0 eps_r L phi / e -> sqrt(8 L / r) exp(-pi r / L); the
    relative correction is -1/(8 pi r / L) from the K0 expansion. Screening length L/pi.
    """
    L = check_quantity("width", width, **_LENGTH, plausible="pore_size")
    eps = check_positive("permittivity", permittivity)
    x = check_positive("r", r, "m") / L
    t = _heights(z, L, "z")
    tp = _heights(z_source, L, "z_source")
    g = (
        4
        * np.sin(math.pi * t)
        * np.sin(math.pi * tp)
        * np.sqrt(1.0 / (2 * x))
        * np.exp(-math.pi * x)
    )
    out = _coulomb_prefactor(eps) / L * g
    return float(out) if np.ndim(out) == 0 else out


def slit_force(r, width, permittivity, z=None, z_source=None, charge_numbers=(1, 1)):
    """In-plane force between two ions in a metallic slit [N] (positive = repulsive).

    Parameters
    ----------
    r : array_like
        Lateral distance [m], > 0.
    width : float
        Slit width L [m], > 0.
    permittivity : float
        Relative permittivity [1], > 0.
    z, z_source : array_like, optional
        Heights of the two ions [m] (default midplane).
    charge_numbers : tuple of int
        Valences of the two ions [1].

    Notes
    -----
    F = -dU/dr = z_i z_j e^2/(4 pi eps0 eps_r L^2) 4 pi sum_n n sin(n pi t) sin(n pi t') K1(n pi x)
    (mode series, x >= 1.5) or the derivative of the zeta-resummed image sum (x < 1.5).
    On the midplane F L^2 4 pi eps0 eps_r / e^2 = sum_n (-1)^n x/(x^2+n^2)^{3/2}.
    """
    L = check_quantity("width", width, **_LENGTH, plausible="pore_size")
    eps = check_positive("permittivity", permittivity)
    x = check_positive("r", r, "m") / L
    t = _heights(z, L, "z")
    tp = _heights(z_source, L, "z_source")
    zi, zj = charge_numbers
    out = (
        zi
        * zj
        * elementary_charge
        * _coulomb_prefactor(eps)
        / L**2
        * _slit_g(x, t, tp, derivative=True)
    )
    return float(out) if np.ndim(out) == 0 else out


def image_self_energy(z, width, permittivity, charge_number=1):
    """Interaction energy of one ion with its own images in a metallic slit [J].

    Parameters
    ----------
    z : array_like
        Height of the ion above the lower plate [m], 0 < z < width.
    width : float
        Slit width L [m], > 0.
    permittivity : float
        Relative permittivity [1], > 0.
    charge_number : int
        Valence of the ion [1].

    Notes
    -----
    U_self(z) = (q^2/(4 pi eps0 eps_r)) (1/(4L)) [psi(z/L) + psi(1 - z/L) + 2 gamma_E]
    (psi = digamma), the half-weighted regular part of the Green function at the ion.
    Midplane: -(ln 2) q^2/(4 pi eps0 eps_r L); near a wall -> -q^2/(16 pi eps0 eps_r z)
    (single-wall image). Always attractive (ionophilic image contribution to the
    resolvation energy; short-range desolvation is not included).
    """
    L = check_quantity("width", width, **_LENGTH, plausible="pore_size")
    eps = check_positive("permittivity", permittivity)
    t = _heights(z, L, "z")
    q = charge_number * elementary_charge
    out = (
        q
        * _coulomb_prefactor(eps)
        * charge_number
        / (4 * L)
        * (special.digamma(t) + special.digamma(1 - t) + 2 * np.euler_gamma)
    )
    return float(out) if np.ndim(out) == 0 else out


def sheet_coupling_factor(relative_diameter):
    """Hard-core averaged charge-sheet integral a(delta), delta = d/L [1].

    Parameters
    ----------
    relative_diameter : array_like
        Ion diameter over slit width, delta = d/L [1], >= 0.

    Returns
    -------
    ndarray or float
        a(delta) = 4 pi eps0 eps_r (4/L) ∫_{r>d} phi_slit(r) 2 pi r dr / e
        = (8 delta/pi) sum_{k odd} K1(k pi delta)/k, with a(0) = 1.

    Notes
    -----
    ∫_{r>d} G(r) 2 pi r dr for the midplane Green function (Gaussian units) equals
    (pi L/eps) a(d/L): the interaction of a uniform midplane sheet with itself when pairs
    closer than d are excluded. a(0) = 1 is the parallel-plate value (sheet at L/2 from each
    grounded plate), a(delta) ~ 1 - 2 delta + 2 ln2 delta^2 for small delta (used below
    delta = 1e-4, where the omitted ~4.5 delta^3 is < 1e-11), and a decays like
    exp(-pi delta) for delta >> 1. Series terms are added until k pi delta > 40.
    """
    delta = as_float_array("relative_diameter", relative_diameter)
    if np.any(delta < 0):
        raise ParameterError("relative_diameter", "must be >= 0", relative_diameter)
    flat = np.atleast_1d(delta).ravel()
    out = np.ones(flat.shape)
    for i, dl in enumerate(flat):
        if dl < _SMALL_DELTA:
            out[i] = 1.0 - 2.0 * dl + 2.0 * math.log(2.0) * dl * dl
            continue
        k_max = int(min(40.0 / (math.pi * dl), 4e5)) + 3
        k = np.arange(1, k_max + 1, 2, dtype=float)
        out[i] = 8 * dl / math.pi * float(np.sum(special.k1(k * math.pi * dl) / k))
    out = out.reshape(np.shape(delta))
    return float(out) if out.ndim == 0 else out


def cylinder_interaction(z, radius, permittivity):
    """On-axis potential of one elementary charge inside a grounded ideal-metal cylinder [V].

    Parameters
    ----------
    z : array_like
        Axial distance from the charge (both on the axis) [m], > 0.
    radius : float
        Cylinder radius R [m], > 0.
    permittivity : float
        Relative permittivity inside [1], > 0.

    Notes
    -----
    phi = e/(4 pi eps0 eps_r R) 2 sum_n exp(-j_n z/R)/(j_n J1(j_n)^2), j_n the zeros of J0
    (used for z/R >= 0.05), equal to
    e/(4 pi eps0 eps_r) [1/z - (2/pi) ∫_0^inf K0(kR)/I0(kR) cos(kz) dk]
    (used by quadrature for z/R < 0.05). Screening length R/j_1 = R/2.405.
    """
    R = check_quantity("radius", radius, **_LENGTH, plausible="pore_size")
    eps = check_positive("permittivity", permittivity)
    zz = check_positive("z", z, "m")
    y = np.atleast_1d(zz / R).astype(float)
    g = np.empty(y.shape)
    series = y >= 0.05
    if np.any(series):
        ys = y[series]
        n_terms = int(math.ceil(40.0 / (math.pi * float(np.min(ys))))) + 2
        j = special.jn_zeros(0, n_terms)
        w = 2.0 / (j * special.j1(j) ** 2)
        g[series] = np.sum(w * np.exp(-np.outer(ys, j)), axis=1)
    for i in np.flatnonzero(~series):
        yi = float(y[i])

        def integrand(k):
            return special.k0e(k) / special.i0e(k) * np.exp(-2 * k)

        val, _ = integrate.quad(integrand, 0, 60.0, weight="cos", wvar=yi, limit=400)
        g[i] = 1.0 / yi - 2.0 / math.pi * val
    out = (_coulomb_prefactor(eps) / R * g).reshape(np.shape(zz))
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------------------
# Single-layer mean-field slit pore (Kondrat–Kornyshev type)
# ----------------------------------------------------------------------------------------


def _thermal_energy(temperature):
    return boltzmann * temperature


def _mf_rho(psi, h):
    """rho = x+ - x- = -2h sinh(psi)/(1 + 2h cosh(psi)), overflow-safe."""
    a = np.abs(psi)
    em = np.exp(-a)
    em2 = em * em
    return -np.sign(psi) * h * (1 - em2) / (em + h * (1 + em2))


def _mf_ideal_capacitance(psi, h):
    """C_id = -d rho/d psi = 2h(cosh psi + 2h)/(1 + 2h cosh psi)^2, overflow-safe."""
    a = np.abs(psi)
    em = np.exp(-a)
    em2 = em * em
    # multiply numerator and denominator by e^{-2a}
    num = 2 * h * (0.5 * (em + em2 * em) + 2 * h * em2)
    den = (em + h * (1 + em2)) ** 2
    return num / den


def _mf_log_partition(psi, h):
    """ln(1 + 2h cosh psi)."""
    a = np.abs(psi)
    return a + np.log(np.exp(-a) + h * (1 + np.exp(-2 * a)))


def _solve_psi(v, h, coupling, tol=1e-13, max_iter=200):
    """Solve psi = v + E rho(psi) (unique: the left side minus the right increases in psi)."""
    v = np.asarray(v, dtype=float)
    h = np.asarray(h, dtype=float)
    E = np.asarray(coupling, dtype=float)
    v, h, E = np.broadcast_arrays(v, h, E)
    lo = v - E - 1e-12
    hi = v + E + 1e-12
    psi = v / (1 + E * _mf_ideal_capacitance(np.zeros_like(v), h))
    psi = np.clip(psi, lo, hi)
    residual = np.inf
    for it in range(1, max_iter + 1):
        f = psi - v - E * _mf_rho(psi, h)
        lo = np.where(f < 0, psi, lo)
        hi = np.where(f > 0, psi, hi)
        fp = 1 + E * _mf_ideal_capacitance(psi, h)
        new = psi - f / fp
        outside = (new <= lo) | (new >= hi)
        new = np.where(outside, 0.5 * (lo + hi), new)
        step = np.abs(new - psi)
        psi = new
        residual = float(np.max(step / (1 + np.abs(psi)))) if psi.size else 0.0
        if residual < tol:
            return psi, it, residual
    raise ConvergenceError(
        "mean-field slit-pore equation did not converge", iterations=max_iter, residual=residual
    )


def _max_density(ion_diameter, packing):
    if packing == "hexagonal":
        return 2.0 / (math.sqrt(3.0) * ion_diameter**2)
    return 1.0 / ion_diameter**2


def _check_pore_fields(pore, size_name: str, size) -> None:
    """Shared field checks of the pore models: pore size, ion diameter, permittivity,
    temperature and ionophobicity (the pore-specific geometry checks stay in each model)."""
    check_quantity(size_name, size, **_LENGTH, plausible="pore_size", scalar=True)
    check_quantity(
        "ion_diameter", pore.ion_diameter, **_LENGTH, plausible="ion_diameter", scalar=True
    )
    check_quantity(
        "permittivity",
        pore.permittivity,
        low=0.0,
        low_inclusive=False,
        plausible="permittivity",
        scalar=True,
    )
    check_quantity(
        "temperature",
        pore.temperature,
        unit="K",
        low=0.0,
        low_inclusive=False,
        plausible="temperature",
        scalar=True,
    )
    as_float("ionophobicity", pore.ionophobicity)


@dataclass(frozen=True)
class SlitPore:
    """Mean-field charging of a narrow (single-layer) ideal-metal slit pore.

    Parameters
    ----------
    width : float
        Slit width L [m]; must exceed ``ion_diameter`` (ions of diameter d fit in one layer for
        d < L < 2d; a ValidityWarning is issued for L >= 2d).
    ion_diameter : float
        Diameter d of cations and anions (symmetric ions) [m], > 0.
    permittivity : float
        Relative permittivity inside the pore [1], > 0 (default 2: the electronic
        polarisability of a room-temperature ionic liquid; no solvent in the pore).
    ionophobicity : float
        beta (dE - mu) [kT]: resolvation energy of an ion transferred from the bulk into the
        pore minus its bulk chemical potential; > 0 ionophobic (pore nearly empty at zero
        voltage), < 0 ionophilic. Sets h = exp(-ionophobicity) and the zero-voltage filling
        x0 = 2h/(1 + 2h).
    temperature : float
        Temperature [K], > 0.
    packing : {"hexagonal", "square"}
        Close-packed in-plane density c_max = 2/(sqrt(3) d^2) or 1/d^2.

    Notes
    -----
    Model implemented (grand potential per unit midplane area, symmetric ions, one layer on
    the midplane, voltage u on the walls relative to the bulk electrolyte):

    .. math:: \\omega = \\tfrac12 e^2 A(d)(c_+-c_-)^2 + (\\Delta E-\\mu)(c_++c_-)
              + e u (c_+-c_-) + k_BT\\,[c_+\\ln\\tfrac{c_+}{c_{max}} + c_-\\ln\\tfrac{c_-}{c_{max}}
              + (c_{max}-c)\\ln(1-\\tfrac{c}{c_{max}})]

    with A(d) = (L/(4 eps0 eps_r)) a(d/L) the midplane-sheet interaction of the exact slit Green
    function with a hard-core exclusion at r < d (:func:`sheet_coupling_factor`). Minimising
    gives x_pm = h e^{-+psi}/(1 + 2h cosh psi), psi = beta e u + E rho, rho = x+ - x-, with
    the coupling E = beta e^2 c_max A(d) = pi l_B c_max L a(d/L). Closed forms reproduced by the
    numerical solution: C0 = x0/(1 + E x0) (units e^2 c_max/kT per midplane area; an ideal 2-D
    gas capacitance in series with the geometric capacitance 4 eps0 eps_r/L of a charged
    midplane sheet); a camel-shaped C(u) (minimum at u = 0) iff x0 < 1/3; in the strongly
    ionophobic limit a peak 1/(4 + E) at beta e u = ionophobicity + E/2.

    Relation to Kondrat & Kornyshev (2011): the same physical ingredients (exponentially
    screened interactions in a metallic slit, ionophobicity/resolvation energy, steric
    saturation of a single ion layer) in the Bragg–Williams (mean-field lattice-gas) form;
    the electrostatic energy is the hard-core averaged sheet energy above, which is a
    reconstruction — KK's exact approximation for the interaction energy was not available
    to us. Because this omega is convex in (c+, c-), the model has a unique equilibrium at
    every voltage and therefore does NOT show the voltage-induced first-order transition
    (capacitance jump between cation-deficient and cation-rich phases) that KK 2011 report;
    such transitions need correlations beyond this mean field (Bethe-lattice / Blume–Capel
    solutions, Dudka et al. 2016/2019; Monte Carlo, Kondrat et al. 2011). The mean field
    also overestimates the capacitance compared with Monte Carlo. Valid for d < L < 2d.

    Capacitance and charge are reported per unit wall area (the pore has two walls): half the
    per-midplane-area values. Stored energy W(u) = ∫_0^u u' C(u') du' = u Q - ∫_0^u Q du' is
    evaluated in closed form: beta W/c_max = -v rho - ln[(1 + 2h cosh psi)/(1 + 2h)] - E rho^2/2
    per midplane area.

    References
    ----------
    Kondrat & Kornyshev, J. Phys.: Condens. Matter 23, 022201 (2011),
    doi:10.1088/0953-8984/23/2/022201; Kondrat et al., Chem. Rev. 123, 6668 (2023).
    """

    width: float
    ion_diameter: float
    permittivity: float = 2.0
    ionophobicity: float = 0.0
    temperature: float = 298.15
    packing: str = "hexagonal"

    def __post_init__(self):
        _check_pore_fields(self, "width", self.width)
        check_choice("packing", self.packing, ("hexagonal", "square"))
        if self.width <= self.ion_diameter:
            raise ParameterError(
                "width",
                f"must be larger than ion_diameter = {self.ion_diameter:.4g} m "
                "(ions of diameter d do not enter a slit with L <= d)",
                self.width,
            )
        if self.width > MAX_RELATIVE_WIDTH * self.ion_diameter:
            raise ParameterError(
                "width",
                f"must be at most {MAX_RELATIVE_WIDTH:g} ion diameters for the "
                f"single-layer slit model (valid for d < L < 2d; ion_diameter = "
                f"{self.ion_diameter:.4g} m)",
                self.width,
            )
        if self.width >= 2 * self.ion_diameter:
            warnings.warn(
                f"SlitPore is a single-layer model (d < L < 2d); width/ion_diameter = "
                f"{self.width / self.ion_diameter:.3g}",
                ValidityWarning,
                stacklevel=2,
            )

    @property
    def max_density(self) -> float:
        """Close-packed in-plane density c_max [1/m^2]."""
        return _max_density(self.ion_diameter, self.packing)

    @property
    def filling_parameter(self) -> float:
        """h = exp(-ionophobicity) [1]."""
        return math.exp(-self.ionophobicity)

    @property
    def zero_voltage_occupancy(self) -> float:
        """x0 = 2h/(1 + 2h): fraction of sites filled at zero voltage [1]."""
        h = self.filling_parameter
        return 2 * h / (1 + 2 * h)

    @property
    def coupling(self) -> float:
        """E = beta e^2 c_max A(d) [1] (dimensionless electrostatic coupling)."""
        return _coupling(
            self.width, self.ion_diameter, self.permittivity, self.temperature, self.max_density
        )

    @property
    def capacitance_unit(self) -> float:
        """e^2 c_max / (2 kT) [F/m^2]: the per-wall-area capacitance unit."""
        return elementary_charge**2 * self.max_density / (2 * _thermal_energy(self.temperature))

    def charge(self, voltage) -> xr.Dataset:
        """Charge, capacitance, occupancies and stored energy versus voltage.

        Parameters
        ----------
        voltage : array_like
            Potential of the pore walls relative to the bulk electrolyte [V], finite (1-D).

        Returns
        -------
        xarray.Dataset
            Over ``voltage``: ``surface_charge`` [C/m^2] and ``capacitance`` [F/m^2] per wall
            area, ``cation_occupancy``, ``anion_occupancy``, ``total_occupancy`` [1],
            ``stored_energy`` [J/m^2] per wall area; scalar ``coupling``,
            ``zero_voltage_occupancy``; solver attrs.
        """
        u = as_1d_array("voltage", voltage, unit="V")
        warn_implausible("voltage", u, "voltage")
        out = _mean_field_charging(
            u,
            self.width,
            self.ion_diameter,
            self.permittivity,
            self.ionophobicity,
            self.temperature,
            self.max_density,
        )
        params = {
            "width": self.width,
            "ion_diameter": self.ion_diameter,
            "permittivity": self.permittivity,
            "ionophobicity": self.ionophobicity,
            "temperature": self.temperature,
            "packing": self.packing,
        }
        return make_dataset(
            {
                "surface_charge": ("voltage", out["charge"]),
                "capacitance": ("voltage", out["capacitance"]),
                "cation_occupancy": ("voltage", out["x_plus"]),
                "anion_occupancy": ("voltage", out["x_minus"]),
                "total_occupancy": ("voltage", out["x_plus"] + out["x_minus"]),
                "stored_energy": ("voltage", out["energy"]),
                "coupling": ((), self.coupling),
                "zero_voltage_occupancy": ((), self.zero_voltage_occupancy),
            },
            {"voltage": u},
            model="slit-pore mean field (single layer, Kondrat-Kornyshev type)",
            parameters=params,
            references=(KK2011, CHEMREV2023),
            attrs=solver_attrs(
                converged=True, iterations=out["iterations"], residual=out["residual"]
            ),
        )


def _coupling(width, ion_diameter, permittivity, temperature, max_density):
    """E = beta e^2 c_max L a(d/L)/(4 eps0 eps_r) (broadcasts)."""
    a = sheet_coupling_factor(np.asarray(ion_diameter) / np.asarray(width))
    area_integral = np.asarray(width) * a / (4 * vacuum_permittivity * np.asarray(permittivity))
    return elementary_charge**2 * max_density * area_integral / _thermal_energy(temperature)


def _mean_field_charging(
    u, width, ion_diameter, permittivity, ionophobicity, temperature, max_density, coupling=None
):
    """Vectorised mean-field solution (broadcasting over every input); SI outputs per wall area."""
    kT = _thermal_energy(temperature)
    v = np.asarray(u) * elementary_charge / kT
    h = np.exp(-np.asarray(ionophobicity, dtype=float))
    E = (
        _coupling(width, ion_diameter, permittivity, temperature, max_density)
        if coupling is None
        else coupling
    )
    psi, iterations, residual = _solve_psi(v, h, E)
    v, h, E = np.broadcast_arrays(v, h, E)
    rho = _mf_rho(psi, h)
    c_id = _mf_ideal_capacitance(psi, h)
    c_dimless = c_id / (1 + E * c_id)
    a = np.abs(psi)
    em = np.exp(-a)
    x_total = h * (1 + em * em) / (em + h * (1 + em * em))
    x_plus = 0.5 * (x_total + rho)
    x_minus = 0.5 * (x_total - rho)
    energy_dimless = -v * rho - (_mf_log_partition(psi, h) - np.log1p(2 * h)) - 0.5 * E * rho**2
    c_max = np.asarray(max_density)
    return {
        "psi": psi,
        "rho": rho,
        "x_plus": x_plus,
        "x_minus": x_minus,
        "charge": -0.5 * elementary_charge * c_max * rho,
        "capacitance": 0.5 * elementary_charge**2 * c_max / kT * c_dimless,
        "capacitance_dimensionless": c_dimless,
        "energy": 0.5 * kT * c_max * energy_dimless,
        "energy_dimensionless": energy_dimless,
        "coupling": E,
        "iterations": iterations,
        "residual": residual,
    }


def capacitance_map(
    width,
    voltage,
    ion_diameter,
    *,
    permittivity=2.0,
    ionophobicity=0.0,
    temperature=298.15,
    packing="hexagonal",
) -> xr.Dataset:
    """Capacitance and stored energy of the mean-field slit pore over (width, voltage).

    Parameters
    ----------
    width : array_like
        Slit widths L [m] (1-D), > 0. Widths L <= d are inaccessible to the ions (ion
        sieving): their charge, capacitance and energy are 0 and ``accessible`` is 0.
    voltage : array_like
        Wall potentials relative to the bulk [V] (1-D), finite.
    ion_diameter : float
        Ion diameter d [m], > 0.
    permittivity, ionophobicity, temperature, packing :
        As in :class:`SlitPore` ([1], [kT], [K], str).

    Returns
    -------
    xarray.Dataset
        Over (``width``, ``voltage``): ``capacitance`` [F/m^2], ``surface_charge`` [C/m^2],
        ``stored_energy`` [J/m^2] (per wall area), ``total_occupancy`` [1]; over ``width``:
        ``coupling``, ``accessible``, ``single_layer_valid`` (1 where d < L < 2d, the range
        of the single-layer model; outside it the numbers are the model's extrapolation).
    """
    L = as_1d_array("width", width, unit="m")
    check_range("width", L, *LENGTH_RANGE, unit="m")
    warn_implausible("width", L, "pore_size")
    u = as_1d_array("voltage", voltage, unit="V")
    warn_implausible("voltage", u, "voltage")
    d = check_quantity(
        "ion_diameter", ion_diameter, **_LENGTH, plausible="ion_diameter", scalar=True
    )
    if np.any(L > MAX_RELATIVE_WIDTH * d):
        raise ParameterError(
            "width",
            f"must be at most {MAX_RELATIVE_WIDTH:g} ion diameters "
            f"({MAX_RELATIVE_WIDTH * d:.4g} m) for the single-layer slit model",
            float(L.max()),
        )
    permittivity = check_quantity(
        "permittivity",
        permittivity,
        low=0.0,
        low_inclusive=False,
        plausible="permittivity",
        scalar=True,
    )
    temperature = check_quantity(
        "temperature",
        temperature,
        unit="K",
        low=0.0,
        low_inclusive=False,
        plausible="temperature",
        scalar=True,
    )
    check_choice("packing", packing, ("hexagonal", "square"))
    ionophobicity = as_float("ionophobicity", ionophobicity)
    c_max = _max_density(d, packing)
    accessible = L > d
    E = np.zeros(L.shape)
    if np.any(accessible):
        E[accessible] = _coupling(L[accessible], d, permittivity, temperature, c_max)
    out = _mean_field_charging(
        u[None, :],
        L[:, None],
        d,
        permittivity,
        ionophobicity,
        temperature,
        c_max,
        coupling=E[:, None],
    )
    mask = accessible[:, None]
    data = {
        k: np.where(mask, out[k], 0.0)
        for k in ("capacitance", "charge", "energy", "x_plus", "x_minus")
    }
    return make_dataset(
        {
            "capacitance": (("width", "voltage"), data["capacitance"]),
            "surface_charge": (("width", "voltage"), data["charge"]),
            "stored_energy": (("width", "voltage"), data["energy"]),
            "total_occupancy": (("width", "voltage"), data["x_plus"] + data["x_minus"]),
            "coupling": ("width", E),
            "accessible": ("width", accessible.astype(np.int8)),
            "single_layer_valid": ("width", (accessible & (L < 2 * d)).astype(np.int8)),
        },
        {"width": L, "voltage": u},
        model="slit-pore mean field (single layer, Kondrat-Kornyshev type)",
        parameters={
            "ion_diameter": d,
            "permittivity": permittivity,
            "ionophobicity": ionophobicity,
            "temperature": temperature,
            "packing": packing,
        },
        references=(KK2011, CHEMREV2023),
        attrs=solver_attrs(converged=True, iterations=out["iterations"], residual=out["residual"]),
    )


def pore_size_average(voltage, width, area_weight, ion_diameter, **options) -> xr.Dataset:
    """Capacitance and stored energy averaged over a pore-size distribution.

    Parameters
    ----------
    voltage : array_like
        Wall potentials [V] (1-D), finite.
    width : array_like
        Pore widths L [m] (1-D grid of the distribution), > 0.
    area_weight : array_like
        S(L): surface area in pores of width L (any normalisation, >= 0, not all 0) on the
        same grid; an integration weight (e.g. S(L) dL) is applied by the caller.
    ion_diameter : float
        Ion diameter [m].
    **options
        Passed to :func:`capacitance_map` (permittivity, ionophobicity, temperature, packing).

    Notes
    -----
    C_bar(u) = sum_L C(u; L) S(L) / sum_L S(L) (capacitance per unit total surface area;
    inaccessible pores L <= d contribute surface but no charge), and, because the stored energy
    is linear in C, E_bar(U) = ∫_0^U u C_bar(u) du = sum_L W(U; L) S(L) / sum_L S(L).
    Kondrat et al., Energy Environ. Sci. 5, 6474 (2012) average in this way (exact weighting
    of the paper not verified).
    """
    weights = as_float_array("area_weight", area_weight)
    L = as_float_array("width", width)
    if weights.shape != L.shape or weights.ndim != 1:
        raise ParameterError(
            "area_weight", "must be a 1-D array with the shape of width", weights.shape
        )
    if np.any(weights < 0) or not np.any(weights > 0):
        raise ParameterError("area_weight", "must be >= 0 and not all zero", area_weight)
    m = capacitance_map(L, voltage, ion_diameter, **options)
    w = xr.DataArray(weights / weights.sum(), dims="width")
    ds = make_dataset(
        {
            "capacitance": ("voltage", (m["capacitance"] * w).sum("width").values),
            "surface_charge": ("voltage", (m["surface_charge"] * w).sum("width").values),
            "stored_energy": ("voltage", (m["stored_energy"] * w).sum("width").values),
            "area_weight": (
                "width",
                weights / weights.sum(),
                "1",
                "normalised surface-area weight S(L)",
            ),
        },
        {"voltage": m["voltage"].values, "width": L},
        model="slit-pore mean field averaged over a pore-size distribution",
        parameters=dict(ion_diameter=ion_diameter, **options),
        references=(KK2011, "Kondrat et al., Energy Environ. Sci. 5, 6474 (2012)"),
    )
    return ds


# ----------------------------------------------------------------------------------------
# Single-file pore: exact transfer matrix of the three-state chain
# ----------------------------------------------------------------------------------------

_STATES = np.array([-1.0, 0.0, 1.0])


def _log_lambda_and_vector(v, w, J):
    v, w, J = np.broadcast_arrays(np.asarray(v, float), np.asarray(w, float), np.asarray(J, float))
    s = _STATES
    ss = s[:, None] * s[None, :]
    sq = (s**2)[:, None] + (s**2)[None, :]
    lin = s[:, None] + s[None, :]
    expo = -(
        J[..., None, None] * ss + 0.5 * w[..., None, None] * sq + 0.5 * v[..., None, None] * lin
    )
    shift = np.max(expo, axis=(-2, -1), keepdims=True)
    T = np.exp(expo - shift)
    vals, vecs = np.linalg.eigh(T)
    lam = vals[..., -1]
    vec = vecs[..., :, -1]
    return np.log(lam) + shift[..., 0, 0], vec


def transfer_matrix_chain(voltage, *, coupling, ionophobicity, step=1e-5):
    """Exact per-site thermodynamics of the single-file three-state chain (infinite length).

    Parameters
    ----------
    voltage : array_like
        Reduced wall potential v = beta e u [1] (broadcasts with the others).
    coupling : array_like
        J = beta U(a): interaction energy of two like ions on neighbouring sites [kT], >= 0
        (like charges repel; J = 0 is the non-interacting Langmuir limit).
    ionophobicity : array_like
        w = beta (dE - mu) [kT].
    step : float
        Finite-difference step in v for the capacitance [1].

    Returns
    -------
    dict of ndarray
        ``grand_potential`` beta omega per site = -ln lambda_max, ``mean_charge`` <s>,
        ``occupancy`` <s^2>, ``capacitance`` -d<s>/dv [e^2/kT per site].

    Notes
    -----
    beta H = sum_i [J s_i s_{i+1} + w s_i^2 + v s_i], s_i in {-1 (anion), 0 (vacancy), +1
    (cation)}; T(s, s') = exp{-[J s s' + (w (s^2 + s'^2) + v (s + s'))/2]} (3x3 symmetric).
    <s> = sum_s psi(s)^2 s and <s^2> = sum_s psi(s)^2 s^2 with psi the normalised leading
    eigenvector (Hellmann–Feynman: -d ln lambda/dv). For J = 0 it reduces to the Langmuir
    form <s> = -2h sinh v/(1 + 2h cosh v), h = e^{-w}. There is no phase transition in 1-D.
    Electrode charge per site is -e <s>.

    References
    ----------
    Lee, Kondrat, Kornyshev, Phys. Rev. Lett. 113, 048701 (2014).
    """
    v = as_float_array("voltage", voltage)
    J = check_nonnegative("coupling", coupling, "kT")
    w = as_float_array("ionophobicity", ionophobicity)
    try:
        np.broadcast_shapes(v.shape, J.shape, w.shape)
    except ValueError:
        raise ParameterError(
            "voltage",
            f"voltage, coupling and ionophobicity must broadcast "
            f"together (shapes {v.shape}, {J.shape}, {w.shape})",
        ) from None
    step = as_float("step", step)
    if not 0 < step <= 1e-2:
        raise ParameterError("step", "must lie in (0, 0.01] (a finite-difference step in v)", step)
    log_lam, vec = _log_lambda_and_vector(v, w, J)
    p = vec**2
    mean = np.sum(p * _STATES, axis=-1)
    occ = np.sum(p * _STATES**2, axis=-1)
    _, vp = _log_lambda_and_vector(v + step, w, J)
    _, vm = _log_lambda_and_vector(v - step, w, J)
    cap = -(np.sum(vp**2 * _STATES, axis=-1) - np.sum(vm**2 * _STATES, axis=-1)) / (2 * step)
    return {"grand_potential": -log_lam, "mean_charge": mean, "occupancy": occ, "capacitance": cap}


@dataclass(frozen=True)
class SingleFilePore:
    """Single-file ions in a narrow ideal-metal cylindrical pore (exact 1-D transfer matrix).

    Parameters
    ----------
    radius : float
        Pore radius R [m] (wall to axis), > d/2 so that an ion on the axis fits; single
        file needs R < d (a ValidityWarning for R >= d, where ions could pass each other).
    ion_diameter : float
        Ion diameter d = lattice spacing [m], > 0.
    permittivity : float
        Relative permittivity in the pore [1], > 0.
    ionophobicity : float
        beta (dE - mu) [kT].
    temperature : float
        Temperature [K].

    Notes
    -----
    Nearest-neighbour coupling J = beta e phi_cyl(d) from :func:`cylinder_interaction`; longer
    range tails (exp(-2.405 r/R)) are neglected. Capacitance per wall area = (e^2/kT) C_site /
    (2 pi R d). Valid for d/2 < R < d (single file, ions on the axis).
    """

    radius: float
    ion_diameter: float
    permittivity: float = 2.0
    ionophobicity: float = 0.0
    temperature: float = 298.15

    def __post_init__(self):
        _check_pore_fields(self, "radius", self.radius)
        if self.radius <= 0.5 * self.ion_diameter:
            raise ParameterError(
                "radius",
                f"must be larger than ion_diameter / 2 = {0.5 * self.ion_diameter:.4g} m "
                "(an ion on the axis does not fit in a narrower pore)",
                self.radius,
            )
        if self.radius >= self.ion_diameter:
            warnings.warn(
                f"SingleFilePore assumes single-file ions (d/2 < R < d); radius/ion_diameter = "
                f"{self.radius / self.ion_diameter:.3g}",
                ValidityWarning,
                stacklevel=3,
            )

    @property
    def coupling(self) -> float:
        """J = beta e phi_cyl(d) [kT]."""
        return float(
            elementary_charge
            * cylinder_interaction(self.ion_diameter, self.radius, self.permittivity)
            / _thermal_energy(self.temperature)
        )

    def charge(self, voltage) -> xr.Dataset:
        """Charge, capacitance and occupancy versus voltage [V] (1-D); per wall area."""
        u = as_1d_array("voltage", voltage, unit="V")
        warn_implausible("voltage", u, "voltage")
        kT = _thermal_energy(self.temperature)
        res = transfer_matrix_chain(
            u * elementary_charge / kT, coupling=self.coupling, ionophobicity=self.ionophobicity
        )
        area = 2 * math.pi * self.radius * self.ion_diameter
        return make_dataset(
            {
                "surface_charge": ("voltage", -elementary_charge * res["mean_charge"] / area),
                "capacitance": ("voltage", elementary_charge**2 / kT * res["capacitance"] / area),
                "total_occupancy": ("voltage", res["occupancy"]),
                "coupling": ((), self.coupling),
            },
            {"voltage": u},
            model="single-file pore, exact transfer matrix (nearest neighbours)",
            parameters={
                "radius": self.radius,
                "ion_diameter": self.ion_diameter,
                "permittivity": self.permittivity,
                "ionophobicity": self.ionophobicity,
                "temperature": self.temperature,
            },
            references=("Lee, Kondrat, Kornyshev, Phys. Rev. Lett. 113, 048701 (2014)",),
        )


# ----------------------------------------------------------------------------------------
# Regimes
# ----------------------------------------------------------------------------------------


def regime(
    width,
    ion_diameter,
    screening_length=None,
    *,
    layer_factor=4.0,
    bulk_factor=4.0,
    correlation_length=None,
):
    """Confinement regime of an electrolyte in a slit of width H.

    Parameters
    ----------
    width : array_like
        Slit width H [m], > 0.
    ion_diameter : array_like
        Ion diameter l_ion [m], > 0.
    screening_length : array_like
        Bulk screening (correlation) length xi_corr [m], > 0: the Debye length when dilute,
        the decay length of the chosen screening model otherwise (``decay_length`` of
        :func:`ionscales.theory.screening`). Third positional argument.
    layer_factor : float
        H < layer_factor * l_ion is "layered" (a few ion layers; default 4, Chem. Rev. 2023).
    bulk_factor : float
        H > bulk_factor * xi_corr is "bulk-like" (the two wall layers, each ~2 xi thick, do
        not overlap; default 4); otherwise "correlated" (H <~ xi_corr: overlapping
        double layers, Donnan-like).
    correlation_length : array_like, optional
        Deprecated keyword spelling of ``screening_length`` (in the vocabulary
        ``correlation_length`` is the BSK ion-correlation length l_c).

    Returns
    -------
    ndarray of str or str
        "layered" | "correlated" | "bulk-like" (broadcast shape of the inputs).

    Notes
    -----
    Precedence: layered (H ~ l_ion) before correlated (H <~ xi_corr) before bulk-like
    (H >> xi_corr). The boundaries are order-of-magnitude criteria, not sharp transitions.
    """
    H = check_positive("width", width, "m")
    d = check_positive("ion_diameter", ion_diameter, "m")
    if correlation_length is not None:
        if screening_length is not None:
            raise ParameterError(
                "correlation_length",
                "give screening_length only (correlation_length is its deprecated spelling)",
            )
        warnings.warn(
            "regime(correlation_length=...) is deprecated; use screening_length=",
            DeprecationWarning,
            stacklevel=2,
        )
        screening_length = correlation_length
    if screening_length is None:
        raise ParameterError(
            "screening_length", "is required: the bulk screening length xi_corr [m], > 0"
        )
    xi = check_positive("screening_length", screening_length, "m")
    check_positive("layer_factor", layer_factor)
    check_positive("bulk_factor", bulk_factor)
    H, d, xi = np.broadcast_arrays(H, d, xi)
    out = np.where(
        H < layer_factor * d, "layered", np.where(H <= bulk_factor * xi, "correlated", "bulk-like")
    )
    return str(out) if out.ndim == 0 else out


def regime_map(
    electrolyte,
    concentration,
    width,
    model="debye",
    *,
    ion_diameter=None,
    layer_factor=4.0,
    bulk_factor=4.0,
    **options,
) -> xr.Dataset:
    """Regime over (concentration, width) with xi_corr from a screening model.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : array_like
        Salt concentrations [mol/m^3] (1-D), > 0.
    width : array_like
        Slit widths [m] (1-D), > 0.
    model : str
        Screening model for :func:`ionscales.theory.screening`; its ``decay_length`` is
        xi_corr ("debye" = Debye length).
    ion_diameter : float, optional
        [m]; default the electrolyte's contact diameter.
    layer_factor, bulk_factor : float
        See :func:`regime`.
    **options
        Passed to the screening model.

    Returns
    -------
    xarray.Dataset
        ``regime`` over (concentration, width), ``screening_length`` (xi_corr) over
        concentration.
    """
    from ionscales.theory.ladder import screening

    c = np.atleast_1d(as_float_array("concentration", concentration))
    H = np.atleast_1d(check_positive("width", width, "m"))
    scr = screening(electrolyte, c, model, **options)
    xi = np.asarray(scr["decay_length"].values, dtype=float)
    d = float(electrolyte.contact_diameter if ion_diameter is None else ion_diameter)
    labels = regime(H[None, :], d, xi[:, None], layer_factor=layer_factor, bulk_factor=bulk_factor)
    return make_dataset(
        {
            "regime": (
                ("concentration", "width"),
                np.asarray(labels, dtype=str),
                "1",
                "confinement regime (layered | correlated | bulk-like)",
            ),
            "screening_length": ("concentration", xi),
        },
        {"concentration": c, "width": H},
        model=f"confinement regime (xi_corr from screening model {model!r})",
        parameters={
            "ion_diameter": d,
            "layer_factor": layer_factor,
            "bulk_factor": bulk_factor,
            "screening_model": model,
        },
        references=(CHEMREV2023,),
    )
