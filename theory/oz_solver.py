"""Ornstein–Zernike numerics for multicomponent primitive-model electrolytes (kernels).

Internal module of :mod:`ionscales.theory.integral_equation`. Everything here works in
reduced units: lengths in units of a reference length ``ell`` (the smallest ion
diameter), densities in ``1/ell^3``; the public module converts to SI.

Method
------
* Long-range Coulomb separation (Ng 1974): with the Ewald-like split
  ``beta*u_C = l_B z_i z_j [erfc(a r) + erf(a r)]/r`` the long-ranged, smooth part
  ``Phi_ij(r) = l_B z_i z_j erf(a r)/r`` (Fourier transform
  ``4 pi l_B z_i z_j exp(-k^2/4a^2)/k^2``) is handled analytically:
  ``c = c_s - Phi`` and ``gamma = h - c = gamma_s + Phi`` with short-ranged ``c_s`` and
  ``gamma_s``; only those are transformed and iterated.
* Radial Fourier–Bessel transform by the type-I discrete sine transform on
  ``r_i = i dr``, ``k_j = j pi/(N dr)`` (i, j = 1..N-1).
* Hard cores: the step of g at ``sigma_ij`` is represented by the fraction of the grid
  cell ``[r - dr/2, r + dr/2]`` outside the core (trapezoid-like accuracy, O(dr^2)).
* Fixed-point map gamma_s -> gamma_s' accelerated by Anderson mixing (the DIIS
  generalisation of Ng's 3-point scheme); plain Picard (damped) iteration is available as
  the baseline.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import scipy.fft
from scipy.special import erf, erfc

from ionscales.errors import ConvergenceError

__all__ = ["OZGrid", "OZSystem", "OZState", "iterate"]


@dataclass(frozen=True)
class OZGrid:
    """Uniform radial grid and its conjugate wavenumber grid (reduced units).

    The grids and transform prefactors are built once per grid (cached)."""

    n_points: int  # N; the grid has N - 1 interior points
    dr: float

    @functools.cached_property
    def r(self) -> np.ndarray:
        out = self.dr * np.arange(1, self.n_points)
        out.flags.writeable = False
        return out

    @property
    def dk(self) -> float:
        return math.pi / (self.n_points * self.dr)

    @functools.cached_property
    def k(self) -> np.ndarray:
        out = self.dk * np.arange(1, self.n_points)
        out.flags.writeable = False
        return out

    @property
    def length(self) -> float:
        return self.n_points * self.dr

    @functools.cached_property
    def _factors(self):
        return (2 * math.pi * self.dr / self.k, self.dk / (4 * math.pi**2 * self.r))

    def forward(self, f: np.ndarray) -> np.ndarray:
        """F(k) = 4 pi int r^2 f(r) sin(kr)/(kr) dr over the last axis."""
        return self._factors[0] * scipy.fft.dst(self.r * f, type=1, axis=-1, overwrite_x=True)

    def inverse(self, F: np.ndarray) -> np.ndarray:
        """f(r) = (1/(2 pi^2)) int k^2 F(k) sin(kr)/(kr) dk over the last axis."""
        return self._factors[1] * scipy.fft.dst(self.k * F, type=1, axis=-1, overwrite_x=True)


@dataclass
class OZSystem:
    """A primitive-model electrolyte in reduced units on a grid.

    densities : (n,) number densities; charges : (n,) valences (0 for neutral species);
    diameters : (n,); contact : optional (n, n) non-additive contact distances sigma_ij;
    bjerrum : l_B; alpha : Ewald splitting parameter a; extra : (n, n, N-1) additional
    short-range beta*u outside the cores (or None); closure : "hnc" | "msa".
    """

    densities: np.ndarray
    charges: np.ndarray
    diameters: np.ndarray
    bjerrum: float
    grid: OZGrid
    closure_kind: str = "hnc"
    alpha: float = 1.0
    extra: np.ndarray | None = None
    coupling: float = 1.0  # scales l_B (used for continuation in coupling)
    contact: np.ndarray | None = None  # (n, n) contact distances; None: additive (d_i + d_j)/2
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ fixed arrays
    @property
    def n_species(self) -> int:
        return len(self.densities)

    @property
    def zz(self) -> np.ndarray:
        return np.outer(self.charges, self.charges)

    @property
    def lb(self) -> float:
        return self.bjerrum * self.coupling

    @property
    def sigma_ij(self) -> np.ndarray:
        if self.contact is not None:
            return self.contact
        return 0.5 * (self.diameters[:, None] + self.diameters[None, :])

    def _arrays(self):
        key = ("arrays", self.coupling)
        if key not in self._cache:
            r = self.grid.r
            k = self.grid.k
            dr = self.grid.dr
            sig = self.sigma_ij[:, :, None]
            weight = np.clip((r - sig) / dr + 0.5, 0.0, 1.0)
            lbzz = (self.lb * self.zz)[:, :, None]
            u_short = lbzz * erfc(self.alpha * r) / r
            if self.extra is not None:
                u_short = u_short + np.where(weight > 0, self.extra, 0.0)
            phi_long_r = lbzz * erf(self.alpha * r) / r
            phi_long_k = 4 * math.pi * lbzz * np.exp(-(k**2) / (4 * self.alpha**2)) / k**2
            self._cache[key] = (weight, u_short, phi_long_r, phi_long_k)
        return self._cache[key]

    # ------------------------------------------------------------------ closure
    def apply_closure(self, gamma_s: np.ndarray):
        """(c_s, g) from gamma_s on the grid (g includes the core weights)."""
        weight, u_short, _, _ = self._arrays()
        if self.closure_name == "hnc":
            key = ("neg_u", self.coupling)
            if key not in self._cache:  # -beta u_short outside the cores, -inf inside (g = 0)
                self._cache[key] = np.where(weight > 0, -u_short, -np.inf)
            g = gamma_s + self._cache[key]
            np.minimum(g, 700.0, out=g)
            np.exp(g, out=g)
            g *= weight
            c_s = g - gamma_s
            c_s -= 1.0
            return c_s, g
        else:  # msa
            g_out = 1.0 + gamma_s - u_short
        g = weight * g_out
        if self.closure_name == "hnc":
            c_s = g - 1.0 - gamma_s
        else:
            c_s = weight * (-u_short) + (1.0 - weight) * (-1.0 - gamma_s)
        return c_s, g

    @property
    def closure_name(self) -> str:
        return self.closure_kind

    # ------------------------------------------------------------------ OZ in k-space
    def oz(self, c_s_k: np.ndarray) -> np.ndarray:
        """H(k) (n, n, N-1) from the short-range C_s(k)."""
        _, _, _, phi_k = self._arrays()
        c_k = c_s_k - phi_k
        s = np.sqrt(self.densities)
        n = self.n_species
        if n == 2:
            # closed-form inverse of I - D^1/2 C D^1/2 (the common case, no LAPACK overhead)
            a = 1.0 - self.densities[0] * c_k[0, 0]
            d = 1.0 - self.densities[1] * c_k[1, 1]
            b = -(s[0] * s[1]) * c_k[0, 1]
            det = a * d - b * b
            out = np.empty_like(c_k)
            # H_ij = [(I - C~)^-1 - I]_ij / sqrt(n_i n_j)
            out[0, 0] = (d / det - 1.0) / self.densities[0]
            out[1, 1] = (a / det - 1.0) / self.densities[1]
            out[0, 1] = (-b / det) / (s[0] * s[1])
            out[1, 0] = out[0, 1]
            return out
        ct = s[:, None, None] * c_k * s[None, :, None]  # symmetrised C
        m = np.eye(n)[:, :, None] - ct
        inv = np.moveaxis(np.linalg.inv(np.moveaxis(m, -1, 0)), 0, -1)
        ht = inv - np.eye(n)[:, :, None]
        return ht / (s[:, None, None] * s[None, :, None])

    @functools.cached_property
    def _pairs(self):
        """Indices of the independent (i <= j) pair functions."""
        return np.triu_indices(self.n_species)

    def _transform_pairs(self, f: np.ndarray, forward: bool) -> np.ndarray:
        """Transform only the i <= j pair functions of a symmetric (n, n, N) array."""
        iu = self._pairs
        t = (self.grid.forward if forward else self.grid.inverse)(f[iu])
        out = np.empty_like(f)
        out[iu] = t
        out[iu[1], iu[0]] = t
        return out

    def step(self, gamma_s: np.ndarray):
        """One application of the fixed-point map; returns (gamma_s_new, c_s, g)."""
        c_s, g = self.apply_closure(gamma_s)
        c_s_k = self._transform_pairs(c_s, True)
        h_k = self.oz(c_s_k)
        h_k -= c_s_k
        gamma_s_new = self._transform_pairs(h_k, False)
        return gamma_s_new, c_s, g


@dataclass
class OZState:
    gamma_s: np.ndarray
    c_s: np.ndarray
    g: np.ndarray
    iterations: int
    residual: float
    history: list
    converged: bool


def iterate(
    system: OZSystem,
    gamma_s0: np.ndarray,
    *,
    tolerance: float,
    max_iterations: int,
    method: str = "anderson",
    depth: int = 6,
    mixing: float = 0.7,
    raise_on_failure: bool = True,
) -> OZState:
    """Solve gamma_s = T(gamma_s) to max|T(gamma_s) - gamma_s| < tolerance.

    ``method="anderson"``: Anderson/DIIS acceleration with ``depth`` previous iterates
    (depth 2 is Ng's 1974 scheme); ``method="picard"``: damped direct iteration
    gamma <- gamma + mixing (T(gamma) - gamma). Anderson restarts from the best iterate with a
    halved step when the residual grows 1000-fold, and gives up after 20 restarts or 300
    iterations without improvement (then ConvergenceError with the residual history).
    """
    x = np.array(gamma_s0, dtype=float, copy=True)
    with np.errstate(all="ignore"):  # a diverging iterate is detected below, not warned about
        return _iterate(
            system,
            x,
            tolerance=tolerance,
            max_iterations=max_iterations,
            method=method,
            depth=depth,
            mixing=mixing,
            raise_on_failure=raise_on_failure,
        )


def _iterate(system, x, *, tolerance, max_iterations, method, depth, mixing, raise_on_failure):
    shape = x.shape
    size = x.size
    # Anderson history as ring buffers of differences: dF_i = f_{i+1} - f_i, dX_i likewise,
    # with their Gram matrix updated by one row per iteration (O(depth N) work per step)
    d_f = np.empty((depth, size))
    d_x = np.empty((depth, size))
    gram = np.zeros((depth, depth))
    stored, slot = 0, 0
    x_prev = f_prev = None
    history: list[float] = []
    best = (np.inf, x, None, None)
    picard_mixing = mixing if method == "picard" else 0.5
    restarts, max_restarts, best_iteration, stall_iterations = 0, 20, 0, 300
    for it in range(1, max_iterations + 1):
        tx, c_s, g = system.step(x)
        f = tx - x
        res = float(np.max(np.abs(f)))
        if not np.isfinite(res):
            break
        history.append(res)
        if res < best[0]:
            best = (res, x, c_s, g)
            best_iteration = it
        if res < tolerance:
            return OZState(x, c_s, g, it, res, history, True)
        if method == "picard":
            x = x + picard_mixing * f
            continue
        # restart from the best iterate with a smaller step if the iteration went astray
        if res > 1e3 * best[0] and (stored > 0 or x_prev is not None):
            stored, slot, x_prev, f_prev = 0, 0, None, None
            mixing = max(0.5 * mixing, 0.02)
            restarts += 1
            if restarts > max_restarts:
                break
            x = best[1] + mixing * (system.step(best[1])[0] - best[1])
            continue
        if it - best_iteration > stall_iterations:
            break
        xf, ff = x.reshape(-1), f.reshape(-1)
        if x_prev is not None:
            np.subtract(ff, f_prev, out=d_f[slot])
            np.subtract(xf, x_prev, out=d_x[slot])
            stored = min(stored + 1, depth)
            # inner products by elementwise ops, not BLAS: a threaded gemv on a loaded
            # machine costs milliseconds of thread start-up per call
            row = np.einsum("ij,j->i", d_f[:stored], d_f[slot])
            gram[slot, :stored] = row
            gram[:stored, slot] = row
            slot = (slot + 1) % depth
        x_prev, f_prev = xf, ff
        if stored == 0:
            x = x + mixing * f
            continue
        gm = gram[:stored, :stored]
        rhs = np.einsum("ij,j->i", d_f[:stored], ff)
        reg = 1e-12 * np.trace(gm) / stored
        try:
            theta = np.linalg.solve(gm + reg * np.eye(stored), rhs)
        except np.linalg.LinAlgError:
            stored, slot = 0, 0
            x = x + mixing * f
            continue
        xnew = xf + mixing * ff
        xnew -= np.einsum("i,ij->j", theta, d_x[:stored] + mixing * d_f[:stored])
        x = xnew.reshape(shape)
    res, x_best, c_s, g = best
    if raise_on_failure:
        raise ConvergenceError(
            f"Ornstein–Zernike/{system.closure_name.upper()} iteration ({method}) did not reach "
            f"max|T(gamma)-gamma| < {tolerance:g}; try continuation (scan, initial=...), a "
            "larger grid, or a looser tolerance",
            iterations=len(history),
            residual=res,
            history=history,
        )
    if c_s is None:
        _, c_s, g = system.step(x_best)
    return OZState(x_best, c_s, g, len(history), res, history, False)
