"""Decay modes of Ornstein–Zernike solutions: poles in the complex k plane (kernels).

Internal module of :mod:`ionscales.theory.integral_equation` (reduced units, see
:mod:`ionscales.theory.oz_solver`).

The pair correlations of an OZ solution decay as a sum of modes
``exp(i k_nu r)/r`` whose complex wavenumbers ``k = alpha_0 + i alpha_1`` are the zeros of
``det[I - C(k) D]`` with ``D = diag(n_i)``. With the Ng split ``C = C_s - Phi_L`` and the
rank-one Coulomb part this is ``det[k^2 (I - C_s D) + 4 pi l_B exp(-k^2/4a^2) z z^T D]
/ k^(2n)``. ``C_s(k)`` is evaluated at complex ``k`` as the Fourier–Bessel integral of the
numerical short-range ``c_s(r)`` (truncated where it has decayed; valid for
``Im k`` below twice the slowest decay rate because the HNC c(r) has an h^2/2 tail).

Dressed-ion theory (Kjellander & Mitchell 1994): with ``c0 = c + beta u_Coulomb`` and
``M = (I - C0 D)^-1`` the dressed charges are ``z* = M z`` and the pole condition of the
charge channel is ``k^2 + kappa^2(k) = 0`` with ``kappa^2(k) = 4 pi l_B z^T D M(k) z``; at
a pole ``q_eff/q = z*/z`` and the effective relative permittivity of the mode is
``E*/eps_r = 1 + d kappa^2(k)/d k^2``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

__all__ = ["PoleFunction", "Mode", "find_modes", "polish_root", "relative_residual", "TRUST_FACTOR"]

#: modes are reported for Im k < TRUST_FACTOR x (slowest Im k)
TRUST_FACTOR = 1.9


@dataclass
class Mode:
    k: complex  # reduced wavenumber alpha_0 + i alpha_1
    kind: str  # "charge" | "number"
    charge_fraction: float
    residual: float  # relative pole residual |F/(k dF/dk)|, see polish_root
    dressed_charge: np.ndarray  # z*_i / z_i (complex)
    permittivity_ratio: complex  # E*/eps_r

    @property
    def monotonic(self) -> bool:
        return abs(self.k.real) <= 1e-8 * abs(self.k)


class PoleFunction:
    """det[I - C(k) D] and the dressed-ion quantities at complex k."""

    def __init__(
        self,
        r,
        dr,
        c_s,
        densities,
        charges,
        bjerrum,
        alpha,
        *,
        threshold=1e-12,
        core_radius=1.0,
        stride_limit=0.03,
    ):
        amp = np.max(np.abs(c_s), axis=(0, 1))
        big = np.nonzero(amp > threshold * amp.max())[0]
        last = int(big[-1]) + 5 if len(big) else len(r) - 1
        last = min(last, len(r) - 1)
        n = len(densities)
        self._full = (r[: last + 1], c_s[:, :, : last + 1].reshape(n * n, -1), dr)
        self._core_end = min(int(np.ceil(core_radius / dr)) + 2, last)
        self.r_cut = float(r[last])
        self._set_stride(stride_limit)
        self.n = densities.astype(float)
        self.z = charges.astype(float)
        self.lb = float(bjerrum)
        self.alpha = float(alpha)
        self.kappa_d2 = 4 * math.pi * self.lb * float(np.sum(self.n * self.z**2))

    def _set_stride(self, stride_limit: float) -> None:
        """Full resolution up to the cores (steps of c at sigma_ij), a coarser trapezoid
        with spacing <= stride_limit on the smooth tail."""
        r, c, dr = self._full
        core_end, last = self._core_end, len(r) - 1
        stride = max(1, int(stride_limit / dr))
        idx = np.concatenate([np.arange(0, core_end), np.arange(core_end, last + 1, stride)])
        w = np.full(len(idx), dr)
        if stride > 1 and len(idx) > core_end:
            w[core_end:] = stride * dr
            w[core_end] = 0.5 * (dr + stride * dr)
        self.r = r[idx]
        self.weights = (4 * math.pi * w * self.r**2) * c[:, idx]

    def coarse(self, stride_limit: float) -> PoleFunction:
        """A copy integrating the tail with a coarser spacing (for smooth, e.g. imaginary, k)."""
        other = copy.copy(self)
        other._set_stride(stride_limit)
        return other

    # largest |Im k| at which the truncated transform is trusted
    @property
    def k_imag_limit(self) -> float:
        return 24.0 / self.r_cut

    def c_short(self, k):
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        kr = np.multiply.outer(k, self.r)
        with np.errstate(all="ignore"):
            sinc = np.sin(kr) / kr
        wt = self.weights.T
        out = (sinc.real @ wt) + 1j * (sinc.imag @ wt)  # (nk, n*n); avoids slow mixed-dtype matmul
        m = len(self.n)
        return out.reshape(len(k), m, m)

    def matrix(self, k):
        """A(k) = k^2 (I - C_s D) + 4 pi l_B exp(-k^2/4a^2) z z^T D  (= k^2 (I - C D))."""
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        cs = self.c_short(k)
        m = len(self.n)
        k2 = (k**2)[:, None, None]
        coul = 4 * math.pi * self.lb * np.exp(-(k**2) / (4 * self.alpha**2))[:, None, None]
        return k2 * (np.eye(m) - cs * self.n[None, None, :]) + coul * np.outer(
            self.z, self.z * self.n
        )

    def __call__(self, k):
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        m = len(self.n)
        return np.linalg.det(self.matrix(k)) / k ** (2 * m)

    def dressed(self, k):
        """(z*/z per species, kappa^2(k)) at complex k (arrays over k)."""
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        m = len(self.n)
        cs = self.c_short(k)
        coul = 4 * math.pi * self.lb * (1 - np.exp(-(k**2) / (4 * self.alpha**2))) / k**2
        c0 = cs + coul[:, None, None] * np.outer(self.z, self.z)
        g = np.eye(m) - c0 * self.n[None, None, :]
        rhs = np.broadcast_to(self.z, (len(k), m))[..., None].astype(complex)
        try:
            zstar = np.linalg.solve(g, rhs)[..., 0]
        except np.linalg.LinAlgError:
            # exactly at a number-channel mode of a symmetric electrolyte I - C0 D is singular
            # and the dressed charge is undefined there
            zstar = np.full((len(k), m), np.nan + 0j)
            for i in range(len(k)):
                try:
                    zstar[i] = np.linalg.solve(g[i], rhs[i])[:, 0]
                except np.linalg.LinAlgError:
                    pass
        kappa2 = 4 * math.pi * self.lb * np.sum(self.n * self.z * zstar, axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):  # neutral species: z*/z undefined
            ratio = np.where(self.z != 0, zstar / np.where(self.z != 0, self.z, 1.0), np.nan)
        return ratio, kappa2

    def classify(self, k: complex) -> tuple[str, float]:
        a = self.matrix(np.array([k]))[0]
        _, _, vh = np.linalg.svd(a)
        v = vh[-1].conj()
        q = abs(np.sum(self.n * self.z * v)) ** 2
        zbar2 = float(np.sum(self.n * self.z**2) / np.sum(self.n))
        num = zbar2 * abs(np.sum(self.n * v)) ** 2
        frac = q / (q + num) if q + num > 0 else 0.0
        return ("charge" if frac >= 0.5 else "number"), float(frac)

    def make_mode(self, k: complex, residual: float) -> Mode:
        kind, frac = self.classify(k)
        ratio, _ = self.dressed(np.array([k]))
        h = 1e-5 * abs(k)
        _, kp = self.dressed(np.array([k + h]))
        _, km = self.dressed(np.array([k - h]))
        dk2 = (kp[0] - km[0]) / (2 * h) / (2 * k)
        return Mode(complex(k), kind, frac, float(residual), ratio[0], complex(1 + dk2))


def _newton(func, k0, *, kmax, iterations=40, tol=1e-12):
    k = np.array(k0, dtype=complex)
    active = np.ones(k.shape, dtype=bool)
    for _ in range(iterations):
        ka = k[active]
        if ka.size == 0:
            break
        h = 1e-6 * np.maximum(np.abs(ka), 1e-3)
        vals = func(np.concatenate([ka, ka + h, ka - h]))
        f, fp, fm = np.split(vals, 3)
        df = (fp - fm) / (2 * h)
        with np.errstate(all="ignore"):
            step = f / df
        bad = ~np.isfinite(step)
        step = np.where(bad, 0, step)
        # limit the step to keep iterates in the trusted half plane
        limit = 0.5 * np.maximum(np.abs(ka), 0.1)
        mag = np.abs(step)
        step = np.where(mag > limit, step * (limit / np.where(mag > 0, mag, 1)), step)
        knew = ka - step
        knew = knew.real + 1j * np.abs(knew.imag)
        # iterates that leave the trusted strip are abandoned
        done = bad | (np.abs(step) < tol * np.abs(knew)) | (knew.imag > 1.5 * kmax)
        k[active] = knew
        idx = np.nonzero(active)[0]
        active[idx[done]] = False
    with np.errstate(all="ignore"):
        return k, np.abs(func(k))


def find_modes(
    pf: PoleFunction,
    *,
    diameter: float,
    kappa_d: float,
    max_imag: float | None = None,
    n_axis: int = 240,
    complex_search: bool = True,
    trust_factor: float | None = TRUST_FACTOR,
) -> list[Mode]:
    """All decay modes with 0 < Im k < max_imag (monotonic on the imaginary axis and
    oscillatory from a grid of Newton starts), classified and with DIT quantities.

    The imaginary-axis scan integrates the smooth tail of c_s with a spacing 0.02/Im k_max;
    ``complex_search=False`` skips the oscillatory search (used in dilute solutions where
    every oscillatory mode lies far outside the trusted region Im k < 1.9 Im k_1).
    ``trust_factor``: keep modes with Im k < trust_factor x (slowest Im k) (the HNC c(r)
    tail); None for closures with a short-ranged c_s (MSA)."""
    kmax = min(pf.k_imag_limit, max_imag if max_imag is not None else np.inf)
    kmax = max(kmax, 1.2 * kappa_d) if max_imag is None else kmax
    roots: list[complex] = []
    # imaginary axis: f(i kappa) is real; sinh(kappa r)/(kappa r) is smooth on 1/kappa
    axis = pf.coarse(max(0.03 * diameter, 0.02 / kmax))
    kap = np.linspace(1e-3 * kappa_d, kmax, n_axis)
    vals = axis(1j * kap).real
    for i in np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)[0]:
        try:
            root = brentq(
                lambda x: float(axis(np.array([1j * x]))[0].real),
                kap[i],
                kap[i + 1],
                xtol=1e-14 * kap[i + 1],
                rtol=1e-13,
            )
        except ValueError:
            continue
        # polish on the full-resolution quadrature
        kk, _ = _newton(pf, np.array([1j * root]), kmax=kmax, iterations=8)
        roots.append(1j * abs(kk[0].imag) if abs(kk[0].real) < 1e-8 * abs(kk[0]) else 1j * root)
    if complex_search:
        # oscillatory: Newton from a grid in the first quadrant
        re0 = np.linspace(0.4, 1.6, 5) * (2 * math.pi / diameter)
        im0 = np.array([0.25, 0.6, 0.9]) * kmax
        starts = (re0[:, None] + 1j * im0[None, :]).ravel()
        ks, res = _newton(pf, starts, kmax=kmax)
        for kk, rr in zip(ks, res):
            if not np.isfinite(rr) or rr > 1e-8:
                continue
            if kk.imag <= 0 or kk.imag > kmax or kk.real <= 1e-6 * abs(kk):
                continue
            if any(abs(kk - q) < 1e-6 * abs(kk) for q in roots):
                continue
            roots.append(complex(kk))
    if roots and trust_factor is not None:
        # the HNC c(r) has an h^2/2 tail ~ exp(-2 alpha_1,min r): the transform (and any root
        # found with it) is only meaningful for Im k < 2 alpha_1,min
        slowest = min(q.imag for q in roots)
        roots = [q for q in roots if q.imag < trust_factor * slowest]
    modes = []
    for kk in roots:
        kk, res = polish_root(pf, kk)
        modes.append(pf.make_mode(kk, res))
    modes.sort(key=lambda m: m.k.imag)
    return modes


def relative_residual(pf: PoleFunction, k: complex) -> tuple[complex, float]:
    """(Newton step dk, |dk/k|) of F = det[I - C D] at k: the relative accuracy of a root."""
    h = 1e-6 * abs(k)
    f, fp, fm = pf(np.array([k, k + h, k - h]))
    df = (fp - fm) / (2 * h)
    if df == 0 or not np.isfinite(df):
        return 0j, float("inf") if f != 0 else 0.0
    step = f / df
    return complex(step), float(abs(step) / abs(k))


def polish_root(
    pf: PoleFunction, k: complex, *, iterations: int = 12, tolerance: float = 1e-13
) -> tuple[complex, float]:
    """Newton-polish a root on the full-resolution quadrature (a monotonic root stays on
    the imaginary axis) until the relative step is below ``tolerance``; returns the root
    and its relative residual |F/(k F')| (the size of the next Newton step relative to k)."""
    k = complex(k)
    on_axis = abs(k.real) <= 1e-8 * abs(k)
    if on_axis:
        k = 1j * abs(k.imag)
    step, res = relative_residual(pf, k)
    for _ in range(iterations):
        if res < tolerance or not np.isfinite(res):
            break
        knew = k - step
        knew = 1j * knew.imag if on_axis else complex(knew.real, abs(knew.imag))
        step_new, res_new = relative_residual(pf, knew)
        if not res_new < 4 * res:  # diverging (e.g. a root of the coarse quadrature only)
            break
        k, step, res = knew, step_new, res_new
    return k, res


def charge_axis_function(pf: PoleFunction, kappa):
    """Charge-channel pole function of a symmetric binary electrolyte (RPM) on the imaginary
    axis, free of the poles of the dressed charge:
    H(kappa) = kappa^2 (1 - rho c0_D(i kappa))/kappa_D^2 - 1 with c0_D = (c0_{++} - c0_{+-})/2
    and c0 = c + beta u_Coulomb. Its roots are the monotonic charge modes; max H > 0 below the
    Kirkwood crossover (two roots), < 0 above it."""
    kappa = np.atleast_1d(np.asarray(kappa, dtype=float))
    k = 1j * kappa
    cs = pf.c_short(k)
    coul = 4 * math.pi * pf.lb * (1 - np.exp(-(k**2) / (4 * pf.alpha**2))) / k**2
    c0 = cs + coul[:, None, None] * np.outer(pf.z, pf.z)
    c0_d = 0.5 * (c0[:, 0, 0] - c0[:, 0, 1])
    rho = float(np.sum(pf.n))
    return (kappa**2 * (1 - rho * c0_d)).real / pf.kappa_d2 - 1.0
