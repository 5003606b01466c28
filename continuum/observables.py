"""Observables of a double-layer solution, in Debye units (pure NumPy kernels).

Units inside this module: length lambda_D, potential kT/e (``psi = e phi / kT``),
concentrations relative to ``S = sum_i z_i^2 n_i`` (bulk), charge density ``e S``,
surface charge ``e S lambda_D = eps kT/(e lambda_D)``, pressure ``S kT``, free energy per
area ``S kT lambda_D``, capacitance ``eps/lambda_D``. The solvers convert to SI.

Local lattice-gas thermodynamics (``compacity = 0`` is Poisson–Boltzmann):

- ``D(psi) = 1 + sum_i phi_i (exp(-z_i psi) - 1)``, ``phi_i`` = bulk volume fractions
  (``sum phi_i = gamma``, the Kornyshev compacity);
- ion concentrations ``n_i(psi) = n_i exp(-z_i psi)/D(psi)``;
- ``f(psi) = -sum_i z_i c_i exp(-z_i psi)/D`` with ``c_i = n_i/S``: Poisson reads
  ``div(eps_hat grad psi) = f(psi)`` and the charge density is ``-f``;
- osmotic (excess) pressure ``F(psi) = integral_0^psi f = (sum_i c_i) log(1 + gamma s)/gamma``,
  ``s = sum_i x_i (exp(-z_i psi) - 1)`` (x_i number fractions), which is
  ``sum_i c_i (exp(-z_i psi) - 1)`` for PB.

For a half-space the first integral gives ``q = sign(psi0) sqrt(2 F(psi0))`` for the wall
charge and ``C = f(psi0)/q``; the solvers never use these (they are the analytic checks),
except to build initial guesses and to size the wall cells.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LatticeGas", "halfspace_profile"]

_EXP_CLIP = 700.0


class LatticeGas:
    """Boltzmann/lattice-gas closures for any set of species (Debye units).

    Parameters
    ----------
    charges : array_like
        Valences z_i [1].
    reduced_concentrations : array_like
        ``c_i = n_i / sum_j z_j^2 n_j`` [1] (so that ``sum_i z_i^2 c_i = 1``).
    compacity : float
        Bulk ionic volume fraction gamma in [0, 1) (0 = point ions, Poisson–Boltzmann).
    """

    def __init__(self, charges, reduced_concentrations, compacity: float = 0.0):
        self.z = np.asarray(charges, dtype=float)
        self.c = np.asarray(reduced_concentrations, dtype=float)
        self.gamma = float(compacity)
        self.x = self.c / self.c.sum()
        self.phi = self.gamma * self.x

    def _flat_expm1(self, psi, shift=None):
        """(E - 1) per species over the flattened potential, shape (n_species, psi.size)."""
        psi = np.asarray(psi, dtype=float)
        exponent = -self.z[:, None] * psi.reshape(1, -1)
        if shift is not None:
            exponent = exponent - np.asarray(shift, dtype=float).reshape(self.z.size, -1)
        return np.expm1(np.clip(exponent, -_EXP_CLIP, _EXP_CLIP)), psi.shape

    def denominator(self, psi, shift=None):
        """D(psi) [1]."""
        em1, shape = self._flat_expm1(psi, shift)
        return (1.0 + self.phi @ em1).reshape(shape)

    def factors(self, psi, shift=None):
        """n_i(psi)/n_i, shape (n_species,) + psi.shape.

        ``shift`` (optional, shape (n_species,) + psi.shape) adds a local energy per species
        [kT] to the Boltzmann exponent (e.g. a Born solvation energy relative to the bulk);
        it is held fixed in the derivatives of :meth:`source`.
        """
        em1, shape = self._flat_expm1(psi, shift)
        return ((em1 + 1.0) / (1.0 + self.phi @ em1)).reshape((self.z.size,) + shape)

    def source(self, psi, shift=None):
        """(f, df/dpsi) at psi (``shift`` as in :meth:`factors`, held fixed)."""
        em1, shape = self._flat_expm1(psi, shift)  # E - 1: full precision at small psi
        e = em1 + 1.0
        # sum z c E = sum z c (E - 1) by bulk electroneutrality (sum z c = 0): no
        # cancellation at tiny potentials
        a1 = (self.z * self.c) @ em1
        a2 = (self.z**2 * self.c) @ e  # sum z^2 c E
        if self.gamma == 0.0:  # point ions: D = 1
            return (-a1).reshape(shape), a2.reshape(shape)
        d = 1.0 + self.phi @ em1
        b1 = (self.phi * self.z) @ e  # sum phi z E  (= -D')
        f = -a1 / d
        fprime = (a2 * d - a1 * b1) / (d * d)
        return f.reshape(shape), fprime.reshape(shape)

    def pressure(self, psi):
        """Osmotic excess pressure F(psi) [S kT] (>= 0)."""
        em1, shape = self._flat_expm1(psi)
        s = (self.x @ em1).reshape(shape)
        total = self.c.sum()
        if self.gamma == 0.0:
            return total * s
        return total * np.log1p(self.gamma * s) / self.gamma

    def max_slope(self, psi_max: float, points: int = 801) -> float:
        """max of df/dpsi over |psi| <= psi_max (>= 1 in these units).

        Point ions (``compacity = 0``): ``f' = sum_i z_i^2 c_i exp(-z_i psi)`` is a sum of
        convex functions, so its maximum lies at one of the two ends (exact). Otherwise
        the largest value on ``points`` equally spaced potentials."""
        if self.gamma == 0.0:
            grid = np.array([-abs(psi_max), abs(psi_max)], dtype=float)
        else:
            nodes = _SLOPE_NODES if points == _SLOPE_NODES.size else np.linspace(-1.0, 1.0, points)
            grid = abs(psi_max) * nodes
        return float(max(1.0, np.max(self.source(grid)[1])))

    def halfspace_charge(self, psi0):
        """Wall charge of a half-space at diffuse-layer potential psi0 (first integral)."""
        psi0 = np.asarray(psi0, dtype=float)
        return np.sign(psi0) * np.sqrt(2.0 * np.maximum(self.pressure(psi0), 0.0))

    def halfspace_potential(self, charge: float) -> float:
        """Inverse of :meth:`halfspace_charge` (bisection; used for initial guesses)."""
        if charge == 0.0:
            return 0.0
        lo, hi = 0.0, 1.0
        target = abs(charge)
        sgn = np.sign(charge)
        while float(self.halfspace_charge(sgn * hi)) * sgn < target and hi < 1e3:
            hi *= 2.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if float(self.halfspace_charge(sgn * mid)) * sgn < target:
                lo = mid
            else:
                hi = mid
        return float(sgn * 0.5 * (lo + hi))


#: |psi|/|psi0| nodes of the first-integral quadrature of :func:`halfspace_profile` and
#: their log spacing (fixed: built once)
_PROFILE_FRACTIONS = np.geomspace(1.0, 1e-6, 1500)
_PROFILE_DLOG = -np.diff(np.log(_PROFILE_FRACTIONS))
#: nodes of :meth:`LatticeGas.max_slope` on [-1, 1] (scaled by the largest potential)
_SLOPE_NODES = np.linspace(-1.0, 1.0, 801)
for _array in (_PROFILE_FRACTIONS, _PROFILE_DLOG, _SLOPE_NODES):
    _array.setflags(write=False)


def halfspace_profile(distance, psi0: float, gas: LatticeGas):
    """Exact half-space profile psi(s) from the first integral ``ds = -dpsi/sqrt(2F)`` (guesses;
    Gouy-Chapman's closed form for a symmetric z:z point-ion electrolyte).

    Parameters
    ----------
    distance : array_like
        Distance from the wall [lambda_D], >= 0.
    psi0 : float
        Wall (diffuse-layer) potential [kT/e].
    """
    s = np.asarray(distance, dtype=float)
    if psi0 == 0.0:
        return np.zeros_like(s)
    z = gas.z
    if gas.gamma == 0.0 and z.size == 2 and z[0] == -z[1] and gas.c[0] == gas.c[1]:
        # symmetric z:z point ions: psi'' = sinh(z psi)/z, Gouy-Chapman in closed form
        v = abs(float(z[0]))
        return (4.0 / v) * np.arctanh(np.tanh(v * psi0 / 4.0) * np.exp(-s))
    p = psi0 * _PROFILE_FRACTIONS
    integrand = np.abs(p) / np.sqrt(np.maximum(2.0 * gas.pressure(p), 1e-300))  # ds/d(-ln|p|)
    position = np.zeros(p.size)
    np.cumsum(0.5 * (integrand[1:] + integrand[:-1]) * _PROFILE_DLOG, out=position[1:])
    inside = np.interp(s, position, p)
    tail = p[-1] * np.exp(-np.maximum(s - position[-1], 0.0))  # only used beyond position[-1]
    return np.where(s <= position[-1], inside, tail)
