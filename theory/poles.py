"""Vectorised pole finding for the charge–charge correlation of the screening ladder.

Everything here is dimensionless: lengths in units of the contact diameter sigma, so a pole
is z = k sigma = alpha_0 sigma + i alpha_1 sigma and the state is y = kappa_D sigma. The
models in :mod:`ionscales.theory.models` convert to SI.

Pole functions ``F(z, y) -> (F, dF/dz, scale)`` (``scale`` = sum of the magnitudes of the
terms of F, for a relative residual):

- :func:`cut_coulomb_pole_function`: Debye–Hückel with the Coulomb kernel cut inside the
  contact diameter, F = z^2 + y^2 cos z.
- :func:`msa_pole_function`: mean spherical approximation of the restricted primitive
  model, F = z^2 + y^2 [cos z + z^2 I(z)].

Root finders (no per-point Python loop on the hot path):

- :func:`imaginary_axis_roots`: the two purely imaginary roots z = i x below the Kirkwood
  crossover, by vectorised bisection (bracketed by the minimum of y^2 G(ix)/x^2), polished
  by Newton steps.
- :func:`newton_complex`: vectorised damped complex Newton with analytic derivatives.
- :func:`complex_branch_table`: the leading complex root above the crossover, tabulated
  once by continuation in y (cached) and used as the initial guess for Newton.
- :func:`imaginary_axis_crossover`: kappa_D sigma at which the two imaginary roots merge.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

from ionscales.errors import ConvergenceError

__all__ = [
    "cut_coulomb_pole_function",
    "msa_pole_function",
    "msa_gamma_sigma",
    "msa_energy_per_ion",
    "msa_short_range",
    "msa_axis_function",
    "cut_coulomb_axis_function",
    "cut_coulomb_short_range",
    "newton_complex",
    "imaginary_axis_roots",
    "imaginary_axis_crossover",
    "complex_branch_table",
    "complex_branch_guess",
    "CUT_COULOMB_CROSSOVER",
    "CUT_COULOMB_SPINODAL",
]

PoleFunction = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]

# Taylor coefficients (in powers of z^2) of the entire functions used below
_F1 = (1 / 3, -1 / 30, 1 / 840, -1 / 45360, 1 / 3991680, -1 / 518918400, 1 / 93405312000)
_F2 = (1 / 4, -1 / 36, 1 / 960, -1 / 50400, 1 / 4354560, -1 / 558835200, 1 / 99632332800)
_F3 = (1 / 2, -1 / 24, 1 / 720, -1 / 40320, 1 / 3628800, -1 / 479001600, 1 / 87178291200)
# on the imaginary axis z = i x: z^(2n) = (-1)^n x^(2n)
_F1_AXIS = tuple(c * (-1) ** n for n, c in enumerate(_F1))
_F2_AXIS = tuple(c * (-1) ** n for n, c in enumerate(_F2))
_SERIES_RADIUS = 0.3  # |z| below which the series is used (truncation error < 1e-17)


def _series(coeffs, z):
    """sum_n c_n z^(2n) and its derivative."""
    z2 = z * z
    value = np.zeros_like(z)
    deriv = np.zeros_like(z)
    for n in range(len(coeffs) - 1, -1, -1):
        value = value * z2 + coeffs[n]
    for n in range(len(coeffs) - 1, 0, -1):
        deriv = deriv * z2 + 2 * n * coeffs[n]
    return value, deriv * z


def _entire(z):
    """f1 = (sin z - z cos z)/z^3, f2 = (2 z sin z - (z^2 - 2) cos z - 2)/z^4,
    f3 = (1 - cos z)/z^2 with derivatives, accurate near z = 0, plus cos z and sin z."""
    z = np.asarray(z, dtype=complex)
    cos, sin = np.cos(z), np.sin(z)
    small = np.abs(z) < _SERIES_RADIUS
    any_small = bool(np.any(small))
    zs = np.where(small, 1.0, z) if any_small else z  # avoid 0/0 in the closed forms
    inv = 1.0 / zs
    inv2 = inv * inv
    sin_inv2 = sin * inv2
    f1 = (sin - zs * cos) * inv2 * inv
    f1p = sin_inv2 - 3 * f1 * inv
    f2 = (2 * zs * sin - (zs * zs - 2) * cos - 2) * inv2 * inv2
    f2p = sin_inv2 - 4 * f2 * inv
    f3 = (1 - cos) * inv2
    f3p = sin_inv2 - 2 * f3 * inv
    out = [f1, f1p, f2, f2p, f3, f3p]
    if any_small:
        _patch_series(out, (_F1, _F2, _F3), z, small)
    return (cos, sin, *out)


def _patch_series(out, series, z, small):
    """Replace the closed forms by their Taylor series where ``small`` (in place when possible)."""
    if np.ndim(z) == 0:
        for i, coeffs in enumerate(series):
            v, d = _series(coeffs, z)
            out[2 * i], out[2 * i + 1] = v, d
        return
    zs = z[small]
    for i, coeffs in enumerate(series):
        v, d = _series(coeffs, zs)
        out[2 * i] = np.array(out[2 * i], copy=True)
        out[2 * i + 1] = np.array(out[2 * i + 1], copy=True)
        out[2 * i][small] = v
        out[2 * i + 1][small] = d


def _entire_axis(x):
    """f1(ix), f2(ix) (real) and their x-derivatives, for real x > 0; cosh x, sinh x."""
    x = np.asarray(x, dtype=float)
    ch, sh = np.cosh(x), np.sinh(x)
    small = x < _SERIES_RADIUS
    any_small = bool(np.any(small))
    xs = np.where(small, 1.0, x) if any_small else x
    inv = 1.0 / xs
    inv2 = inv * inv
    sh_inv2 = sh * inv2
    f1 = (xs * ch - sh) * inv2 * inv
    f1p = sh_inv2 - 3 * f1 * inv
    f2 = ((xs * xs + 2) * ch - 2 * xs * sh - 2) * inv2 * inv2
    f2p = sh_inv2 - 4 * f2 * inv
    out = [f1, f1p, f2, f2p]
    if any_small:
        _patch_series(out, (_F1_AXIS, _F2_AXIS), x, small)
    return (ch, sh, *out)


def cut_coulomb_axis_function(x, y):
    """G(ix) = cosh x and dG/dx on the imaginary axis (F = z^2 + y^2 G)."""
    x = np.asarray(x, dtype=float)
    return np.cosh(x), np.sinh(x)


def msa_axis_function(x, y):
    """G(ix) = cosh x - x^2 (2B f1(ix) - B^2 f2(ix)) and dG/dx for the MSA (real arithmetic)."""
    g = msa_gamma_sigma(y)
    b = g / (1.0 + g)
    ch, sh, f1, f1p, f2, f2p = _entire_axis(x)
    core = 2 * b * f1 - b * b * f2
    core_p = 2 * b * f1p - b * b * f2p
    x2 = x * x
    return ch - x2 * core, sh - 2 * x * core - x2 * core_p


# ---------------------------------------------------------------------------------------
# scalar helpers for the one-off crossover computations (plain Python: importing
# scipy.optimize would cost more than these few hundred evaluations)


def bisect_scalar(func, lo: float, hi: float, *, xtol: float = 1e-15, max_iter: int = 200) -> float:
    """Root of a continuous scalar function with a sign change on [lo, hi].

    Illinois false position (superlinear), falling back to a bisection step whenever the
    bracket does not shrink by half; stops when the bracket is below xtol (relative).
    """
    f_lo, f_hi = func(lo), func(hi)
    if f_lo == 0:
        return lo
    if f_hi == 0:
        return hi
    if f_lo * f_hi > 0:
        raise ConvergenceError(f"no sign change on [{lo}, {hi}]")
    side = 0
    for _ in range(max_iter):
        width = hi - lo
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        if not (lo < x < hi):
            x = 0.5 * (lo + hi)
        f_x = func(x)
        if f_x == 0:
            return x
        if (f_x > 0) == (f_lo > 0):
            lo, f_lo = x, f_x
            if side == -1:
                f_hi /= 2
            side = -1
        else:
            hi, f_hi = x, f_x
            if side == 1:
                f_lo /= 2
            side = 1
        if hi - lo > 0.5 * width:  # slow progress: bisect
            mid = 0.5 * (lo + hi)
            f_mid = func(mid)
            if f_mid == 0:
                return mid
            if (f_mid > 0) == (f_lo > 0):
                lo, f_lo = mid, f_mid
            else:
                hi, f_hi = mid, f_mid
            side = 0
        if hi - lo <= xtol * max(1.0, abs(lo)):
            break
    return 0.5 * (lo + hi)


def golden_minimum(func, lo: float, hi: float, *, xtol: float = 1e-10) -> tuple[float, float]:
    """(f_min, x_min) of a unimodal scalar function on [lo, hi] (golden-section search)."""
    ratio = (math.sqrt(5) - 1) / 2
    c, d = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fc, fd = func(c), func(d)
    while hi - lo > xtol:
        if fc < fd:
            hi, d, fd = d, c, fc
            c = hi - ratio * (hi - lo)
            fc = func(c)
        else:
            lo, c, fc = c, d, fd
            d = lo + ratio * (hi - lo)
            fd = func(d)
    x = 0.5 * (lo + hi)
    return func(x), x


# ---------------------------------------------------------------------------------------
# pole functions (sigma = 1 units)


def cut_coulomb_pole_function(z, y):
    """F(z) = z^2 + y^2 cos z (Coulomb kernel cut inside the contact diameter).

    Parameters
    ----------
    z : complex array
        k sigma.
    y : array
        kappa_D sigma (broadcasts with z).

    Returns
    -------
    F, dF/dz, scale : arrays (scale = |z|^2 + y^2 |cos z|)
    """
    z = np.asarray(z, dtype=complex)
    y2 = np.asarray(y, dtype=float) ** 2
    cos = np.cos(z)
    value = z * z + y2 * cos
    deriv = 2 * z - y2 * np.sin(z)
    return value, deriv, np.abs(z) ** 2 + y2 * np.abs(cos)


def msa_gamma_sigma(y):
    """MSA screening parameter Gamma sigma of the RPM, (sqrt(1 + 2y) - 1)/2 [1].

    Parameters
    ----------
    y : array_like
        kappa_D sigma [1], >= 0.

    Notes
    -----
    From 2 Gamma (1 + Gamma sigma) = kappa_D (Waisman & Lebowitz 1972; Blum 1975), written
    without cancellation as y / (1 + sqrt(1 + 2y)).
    """
    y = np.asarray(y, dtype=float)
    return y / (1.0 + np.sqrt(1.0 + 2.0 * y))


def msa_energy_per_ion(y):
    """MSA excess internal energy per ion of the RPM in units of kT sigma/l_B [1].

    beta U/N = -(l_B/sigma) Gamma sigma/(1 + Gamma sigma); this returns the factor
    -Gamma sigma/(1 + Gamma sigma), which tends to -y/2 (Debye–Hückel) as y -> 0.
    """
    g = msa_gamma_sigma(y)
    return -g / (1.0 + g)


def msa_pole_function(z, y):
    """F(z) = z^2 + y^2 [cos z + z^2 I(z)]: charge–charge poles of the RPM in the MSA.

    I(z) = 2B f1(z) - B^2 f2(z) is the Fourier transform (sigma = 1) of the core part of
    the MSA direct correlation function c_D(r) = -(l_B/sigma)(2B - B^2 r/sigma), r < sigma,
    with B = Gamma sigma/(1 + Gamma sigma) (Waisman & Lebowitz 1972).

    Returns
    -------
    F, dF/dz, scale : arrays
    """
    z = np.asarray(z, dtype=complex)
    y = np.asarray(y, dtype=float)
    g = msa_gamma_sigma(y)
    b = g / (1.0 + g)
    y2 = y * y
    cos, sin, f1, f1p, f2, f2p, _, _ = _entire(z)
    core = 2 * b * f1 - b * b * f2
    core_p = 2 * b * f1p - b * b * f2p
    z2 = z * z
    value = z2 + y2 * (cos + z2 * core)
    deriv = 2 * z + y2 * (-sin + 2 * z * core + z2 * core_p)
    scale = np.abs(z2) + y2 * (np.abs(cos) + np.abs(z2 * core))
    return value, deriv, scale


def cut_coulomb_short_range(z, y):
    """Short-range part rho c_short(k) of the cut-kernel direct correlation (sigma = 1).

    c_D = -l_B/r Theta(r - sigma) = c_short - l_B/r, so rho c_short(z) = y^2 (1 - cos z)/z^2.
    Returns (value, d value/dz).
    """
    y2 = np.asarray(y, dtype=float) ** 2
    _, _, _, _, _, _, f3, f3p = _entire(z)
    return y2 * f3, y2 * f3p


def msa_short_range(z, y):
    """Short-range part rho c_short(k) of the MSA direct correlation of the RPM (sigma = 1).

    rho c_short(z) = rho c_D(z) + y^2/z^2 = y^2 [(1 - cos z)/z^2 - I(z)].
    Returns (value, d value/dz).
    """
    y = np.asarray(y, dtype=float)
    g = msa_gamma_sigma(y)
    b = g / (1.0 + g)
    y2 = y * y
    _, _, f1, f1p, f2, f2p, f3, f3p = _entire(z)
    value = y2 * (f3 - (2 * b * f1 - b * b * f2))
    deriv = y2 * (f3p - (2 * b * f1p - b * b * f2p))
    return value, deriv


# ---------------------------------------------------------------------------------------
# root finders


def newton_complex(
    func: PoleFunction,
    z0,
    y,
    *,
    tol: float = 1e-13,
    max_iter: int = 60,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised damped Newton iteration for F(z, y) = 0 over arrays of z and y.

    Each step is halved (up to 8 times, per element) while it increases |F|; iteration
    stops per element when the relative residual |F|/scale <= tol or the step is below
    1e-15 |z|.

    Returns
    -------
    z, relative_residual, converged : arrays of the broadcast shape of z0 and y
    """
    z = np.array(
        np.broadcast_to(
            np.asarray(z0, dtype=complex), np.broadcast_shapes(np.shape(z0), np.shape(y))
        )
    )
    y = np.broadcast_to(np.asarray(y, dtype=float), z.shape)
    value, deriv, scale = func(z, y)
    residual = np.abs(value) / scale
    active = np.isfinite(z) & (residual > tol)
    for _ in range(max_iter):
        if not np.any(active):
            break
        idx = np.nonzero(active)
        za, ya = z[idx], y[idx]
        va, da, ra = value[idx], deriv[idx], residual[idx]
        step = va / da
        zn = za - step
        vn, dn, sn = func(zn, ya)
        rn = np.abs(vn) / sn
        for _halving in range(8):
            worse = ~(rn < ra)
            if not np.any(worse):
                break
            step = np.where(worse, step / 2, step)
            zn = np.where(worse, za - step, zn)
            vw, dw, sw = func(zn[worse], ya[worse])
            vn[worse], dn[worse], sn[worse] = vw, dw, sw
            rn[worse] = np.abs(vw) / sw
        z[idx], value[idx], deriv[idx], residual[idx] = zn, vn, dn, rn
        tiny = np.abs(step) <= 1e-15 * np.maximum(np.abs(zn), 1e-300)
        active[idx] = (rn > tol) & ~tiny & np.isfinite(zn)
    converged = np.isfinite(z) & (residual <= max(tol, 1e-12) * 100)
    return z, residual, converged


def _log_ratio(axis_func, x, y):
    """ln R(x) = ln(y^2 G(ix)/x^2) and d ln R/dx."""
    g, gp = axis_func(x, y)
    return np.log(y * y * g / (x * x)), gp / g - 2.0 / x


def _ratio_above_one(axis_func, x, y):
    """R(x) = y^2 G(ix)/x^2 > 1 (no logarithm: used inside the bisections)."""
    return y * y * axis_func(x, y)[0] > x * x


def imaginary_axis_roots(
    axis_func,
    y,
    *,
    y_cross: float,
    x_min=None,
    x_min_bracket: tuple[float, float] = (1e-3, 60.0),
    x_upper: float = 60.0,
    iterations: int = 28,
) -> tuple[np.ndarray, np.ndarray]:
    """Both purely imaginary roots z = i x1, i x2 (x1 < x2) of F(z, y) = z^2 + y^2 G(z).

    On the imaginary axis the pole equation reads x^2 = y^2 G(ix). The ratio
    R(x) = y^2 G(ix)/x^2 falls from +inf at x -> 0 to a minimum at x_m and rises again;
    the two roots exist while R(x_m) <= 1, i.e. below the Kirkwood crossover y_cross. x_m is
    given or found by bisection on the sign of d ln R/dx; each root is bracketed on either
    side of x_m and found by bisection on ln R in log x, then polished by Newton steps.

    Parameters
    ----------
    axis_func : callable
        ``axis_func(x, y) -> (G(ix), dG(ix)/dx)`` in real arithmetic.
    y : array
        kappa_D sigma, > 0.
    y_cross : float
        Crossover; points with y >= y_cross are skipped (NaN).
    x_min : float, optional
        Location of the minimum of R when it does not depend on y.
    x_min_bracket : (float, float)
        Interval known to contain the minimum of R (searched by bisection otherwise).
    x_upper : float
        Upper end of the search interval for x (a root beyond it is reported as NaN).

    Returns
    -------
    x1, x2 : arrays (NaN where no imaginary root exists)
    """
    y_all = np.asarray(y, dtype=float)
    x1_all = np.full(y_all.shape, np.nan)
    x2_all = np.full(y_all.shape, np.nan)
    below = y_all < y_cross
    if not np.any(below):
        return x1_all, x2_all
    y = y_all[below]
    log_lo = np.log(1e-3 * np.minimum(y, 1.0))
    log_hi = np.full_like(y, math.log(x_upper))
    if x_min is None:
        a = np.full_like(y, math.log(x_min_bracket[0]))
        b = np.full_like(y, math.log(x_min_bracket[1]))
        for _ in range(int(math.log2(max(b[0] - a[0], 1e-300) / 1e-7)) + 1):
            mid = 0.5 * (a + b)
            up = _log_ratio(axis_func, np.exp(mid), y)[1] > 0
            b = np.where(up, mid, b)
            a = np.where(up, a, mid)
        log_min = 0.5 * (a + b)
    else:
        log_min = np.full_like(y, math.log(x_min))
    exists = _log_ratio(axis_func, np.exp(log_min), y)[0] <= 0
    roots = []
    for left, right, decreasing in ((log_lo, log_min, True), (log_min, log_hi, False)):
        a, b = left.copy(), right.copy()
        for _ in range(iterations):
            mid = 0.5 * (a + b)
            above = _ratio_above_one(axis_func, np.exp(mid), y)
            go_right = above if decreasing else ~above
            a = np.where(go_right, mid, a)
            b = np.where(go_right, b, mid)
        x = np.exp(0.5 * (a + b))
        for _ in range(3):  # Newton on phi(x) = y^2 G(ix) - x^2 (quadratic from ~1e-13)
            g, gp = axis_func(x, y)
            step = (y * y * g - x * x) / (y * y * gp - 2 * x)
            x = np.where(np.isfinite(step) & (np.abs(step) < 1e-6 * x), x - step, x)
        roots.append(x)
    in_range = _log_ratio(axis_func, np.exp(log_hi), y)[0] > 0
    x1_all[below] = np.where(exists, roots[0], np.nan)
    x2_all[below] = np.where(exists & in_range, roots[1], np.nan)
    return x1_all, x2_all


def imaginary_axis_crossover(axis_func, bracket=(0.3, 3.0)) -> tuple[float, float]:
    """Kirkwood crossover: (y_K, x_K) where the two imaginary roots of F merge.

    ``axis_func(x, y) -> (G(ix), dG/dx)`` with F = z^2 + y^2 G. Solves
    min_x ln(y^2 G(ix)/x^2) = 0 for y (bisection), the minimum over x by a
    golden-section search (xatol 1e-10; the minimum value is quadratic in the error
    of x, so y_K is accurate to ~1e-13).
    """

    def min_log_ratio(y):
        return golden_minimum(
            lambda x: float(_log_ratio(axis_func, x, y)[0]), 0.05, 10.0, xtol=1e-10
        )

    y_k = bisect_scalar(lambda y: min_log_ratio(y)[0], *bracket, xtol=1e-15)
    return float(y_k), float(min_log_ratio(y_k)[1])


@functools.lru_cache(maxsize=16)
def complex_branch_table(
    func: PoleFunction, y_cross: float, x_cross: float, y_end: float, points: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """The leading complex root (Re z > 0) above the crossover, tabulated by continuation.

    Parameters
    ----------
    func : pole function
    y_cross, x_cross : float
        Crossover y_K and the merging point x_K (the roots leave z = i x_K).
    y_end : float
        Last y of the table (e.g. the spinodal, or a large value).

    Returns
    -------
    s, z : arrays
        s = sqrt(y - y_K) (geometric grid from 1e-6) and the root z(s). Near the
        crossover Re z grows like s, so interpolation in s is smooth.
    """
    s = np.geomspace(1e-6, math.sqrt(y_end - y_cross), points)
    zs = np.empty(points, dtype=complex)
    # double root at (y_K, i x_K): F_y dy + F_zz dz^2/2 = 0 gives dz = +-sqrt(-2 F_y dy/F_zz);
    # F is real on the imaginary axis and -2 F_y/F_zz > 0, so the pair leaves along Re z
    h = 1e-6
    z_k = np.array(1j * x_cross)
    f_y = (func(z_k, np.array(y_cross + h))[0] - func(z_k, np.array(y_cross - h))[0]).real / (2 * h)
    f_zz = (func(z_k + h, np.array(y_cross))[1] - func(z_k - h, np.array(y_cross))[1]).real / (
        2 * h
    )
    slope = math.sqrt(abs(2 * f_y / f_zz))
    guess = 1j * x_cross + slope * s[0]
    s_prev, z_prev = 0.0, 1j * x_cross
    for i, si in enumerate(s):
        y = y_cross + si * si
        z, res, ok = newton_complex(func, np.array([guess]), np.array([y]), tol=1e-14)
        if not ok[0] or z[0].real <= 0:
            raise ConvergenceError(
                f"continuation of the complex pole lost the branch at kappa_D sigma = {y:.6g}",
                iterations=i,
                residual=float(res[0]),
            )
        zs[i] = z[0]
        if i + 1 < points:  # linear extrapolation in s
            guess = zs[i] + (zs[i] - z_prev) * (s[i + 1] - si) / (si - s_prev)
        s_prev, z_prev = si, zs[i]
    return s, zs


def complex_branch_guess(table, y, y_cross):
    """Initial guesses for the leading complex root, interpolated from the table in s."""
    s_tab, z_tab = table
    s = np.sqrt(np.clip(np.asarray(y, dtype=float) - y_cross, 0.0, None))
    s = np.clip(s, s_tab[0], s_tab[-1])
    return np.interp(s, s_tab, z_tab.real) + 1j * np.interp(s, s_tab, z_tab.imag)


# ---------------------------------------------------------------------------------------
# crossovers and spinodal of the cut-kernel model (closed-form conditions)


def _cut_coulomb_crossover() -> tuple[float, float]:
    # merging of the imaginary roots: max of x^2/cosh x, at tanh x = 2/x
    x_k = bisect_scalar(lambda x: math.tanh(x) - 2.0 / x, 1.0, 4.0)
    return x_k / math.sqrt(math.cosh(x_k)), x_k


def _cut_coulomb_spinodal() -> tuple[float, float]:
    # a real root k sigma = a appears: a^2 + y^2 cos a = 0 and 2a - y^2 sin a = 0, i.e.
    # tan a = -2/a with cos a < 0 (a in (pi/2, pi))
    a = bisect_scalar(lambda a: math.tan(a) + 2.0 / a, math.pi / 2 + 1e-9, math.pi - 1e-9)
    return math.sqrt(-a * a / math.cos(a)), a


CUT_COULOMB_CROSSOVER, CUT_COULOMB_CROSSOVER_X = _cut_coulomb_crossover()
CUT_COULOMB_SPINODAL, CUT_COULOMB_SPINODAL_X = _cut_coulomb_spinodal()
