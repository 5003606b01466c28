"""Direct steady state of a closed electrolyte cell with fixed ion inventories.

:func:`solve_closed_cell` solves, in one Newton solve (no time stepping), the equilibrium
of a blocking cell: two parallel electrodes (a :class:`~ionscales.continuum.Slit`) at
+V/2 and -V/2, optionally behind Stern layers, enclosing a fixed amount of every ion. It
is the steady state that the transient :func:`~ionscales.continuum.solve_pnp` with
``electrodes="blocking"`` approaches, computed directly.

Equations (dimensionless: x in Debye lengths lambda_D of the initial uniform state,
psi = e phi/kT, c_k = n_k/n_k0 with n_k0 the initial (mean) density of species k):

    psi'' = -sum_k w_k c_k,   w_k = z_k n_k0 / sum_j z_j^2 n_j0,
    c_k(x) = L exp(-z_k psi(x)) / integral_0^L exp(-z_k psi) dx     (zero flux, fixed N_k),
    psi - lambda_S psi' = V/2 at x = 0,   psi + lambda_S psi' = -V/2 at x = L.

Zero flux of every species through blocking walls makes each species Boltzmann
distributed with a normalisation fixed by its inventory (the electrochemical potential is
uniform but not known in advance: it is the Lagrange multiplier of the inventory). The
finite-volume discretisation is the one of the PNP core (cell-centred, centre-to-centre
fluxes, the wall condition as the flux (V_wall - psi_P)/(h_P/2 + lambda_S) into the wall
cell), and the inventories are midpoint sums, so the discrete state is exactly the zero-
flux state of the Scharfetter–Gummel PNP scheme on the same mesh (SG zero flux gives
c_R/c_L = exp(-z (psi_R - psi_L)) exactly), and the scheme is second-order accurate.
The Jacobian is tridiagonal plus one rank-one term per species (the normalisation
integrals); each Newton step is a banded solve with the Woodbury identity, O(n) work.

References
----------
Bazant, Thornton & Ajdari, Phys. Rev. E 70, 021506 (2004), doi:10.1103/PhysRevE.70.021506
(blocking cell, fixed inventories; linear Debye–Hückel cell solution).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.linalg import solve_banded
from scipy.special import logsumexp

from ionscales.constants import avogadro, elementary_charge
from ionscales.continuum.geometry import FIRST_CELL_FRACTION, Slit, wall_resolution_length
from ionscales.continuum.observables import LatticeGas
from ionscales.continuum.pnp import pnp_scales
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.results import make_dataset, solver_attrs
from ionscales.validation import check_integer

__all__ = ["solve_closed_cell", "MAX_CELLS"]

REFERENCES = (
    "Bazant, Thornton & Ajdari, Phys. Rev. E 70, 021506 (2004), doi:10.1103/PhysRevE.70.021506",
)

#: largest mesh accepted (memory ~ 20 arrays of this many floats)
MAX_CELLS = 2_000_000


def _finite(name, value) -> float:
    if isinstance(value, bool):
        raise ParameterError(name, "must be a finite number", value)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a finite number", value) from None
    if not math.isfinite(out):
        raise ParameterError(name, "must be a finite number", value)
    return out


class _ClosedCell:
    """The discrete closed-cell problem (dimensionless), solved by Newton + Woodbury."""

    def __init__(self, faces, z, w, stern):
        self.faces = np.asarray(faces, dtype=float)
        self.h = np.diff(self.faces)
        self.x = 0.5 * (self.faces[1:] + self.faces[:-1])
        self.n = self.h.size
        self.length = float(self.faces[-1] - self.faces[0])
        self.z = np.asarray(z, dtype=float)
        self.w = np.asarray(w, dtype=float)
        self.stern = float(stern)
        g = 1.0 / np.diff(self.x)  # interior face conductances
        self.g_left = 1.0 / (self.h[0] / 2 + self.stern)
        self.g_right = 1.0 / (self.h[-1] / 2 + self.stern)
        diag = np.zeros(self.n)
        diag[:-1] -= g
        diag[1:] -= g
        diag[0] -= self.g_left
        diag[-1] -= self.g_right
        self.g, self.diag = g, diag
        self.log_h = np.log(self.h)

    def concentrations(self, psi):
        """c_k (species, cells) with fixed inventories sum_i c_ki h_i = L."""
        exponent = -self.z[:, None] * psi[None, :]
        log_norm = logsumexp(exponent + self.log_h[None, :], axis=1)
        return self.length * np.exp(exponent - log_norm[:, None])

    def residual(self, psi, v_left, v_right):
        c = self.concentrations(psi)
        r = self.diag * psi
        r[:-1] += self.g * psi[1:]
        r[1:] += self.g * psi[:-1]
        r[0] += self.g_left * v_left
        r[-1] += self.g_right * v_right
        rho = self.w @ c
        r += self.h * rho
        scale = max(
            float(np.max(self.h * (np.abs(self.w)[:, None] * c).sum(axis=0))),
            abs(self.g_left * (v_left - psi[0])),
            abs(self.g_right * (v_right - psi[-1])),
            1e-300,
        )
        return r, c, scale

    def solve_jacobian(self, c, rhs):
        """Solve J x = rhs (rhs: (n,) or (n, m)) at the concentrations c (Woodbury)."""
        wz = self.w * self.z  # > 0
        banded = np.zeros((3, self.n))
        banded[0, 1:] = self.g
        banded[1] = self.diag - self.h * (wz @ c)
        banded[2, :-1] = self.g
        u = (self.h[None, :] * wz[:, None] * c / self.length).T  # (n, M)
        v = (self.h[None, :] * c).T  # (n, M)
        rhs = np.asarray(rhs, dtype=float)
        stacked = np.column_stack([rhs.reshape(self.n, -1), u])
        sol = solve_banded((1, 1), banded, stacked, check_finite=False)
        m = rhs.reshape(self.n, -1).shape[1]
        a_inv_b, a_inv_u = sol[:, :m], sol[:, m:]
        small = np.eye(u.shape[1]) + v.T @ a_inv_u
        out = a_inv_b - a_inv_u @ np.linalg.solve(small, v.T @ a_inv_b)
        return out.reshape(rhs.shape)

    def newton(self, psi, v_left, v_right, *, tolerance, max_iterations, max_step=4.0):
        history = []
        for _ in range(max_iterations):
            r, c, scale = self.residual(psi, v_left, v_right)
            history.append(float(np.max(np.abs(r)) / scale))
            if history[-1] <= tolerance:
                return psi, c, history, True
            step = self.solve_jacobian(c, -r)
            largest = float(np.max(np.abs(step)))
            if not math.isfinite(largest):
                break
            if largest > max_step:
                step *= max_step / largest
            psi = psi + step
        return psi, None, history, False


def solve_closed_cell(
    electrolyte: Electrolyte,
    concentration: float,
    geometry,
    voltage: float,
    *,
    stern_length: float = 0.0,
    first_cell: float | None = None,
    refinement: int = 1,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
) -> xr.Dataset:
    """Steady state of a closed blocking cell with fixed ion inventories (direct solve).

    Parameters
    ----------
    electrolyte : Electrolyte
        Ions (any number, any valences) and solvent (permittivity, temperature).
    concentration : float
        Salt concentration of the cell before the voltage is applied [mol/m^3], > 0: it fixes
        the ion inventories (inventory of ion k = nu_k c W per wall area).
    geometry : Slit
        The cell: electrodes at x = 0 (potential +V/2) and x = width (-V/2) [m]; an
        optional ``spacing`` [m] replaces the default mesh (graded towards both walls).
    voltage : float
        Cell voltage V [V] (left minus right electrode), finite.
    stern_length : float
        Stern-layer thickness lambda_S [m] at both electrodes (solvent permittivity),
        >= 0: the wall condition is phi + lambda_S dphi/dn = V_electrode (0: Dirichlet).
    first_cell : float, optional
        Width of the cell at each wall [m] for the default mesh (default: 0.5 % of the
        Gouy–Chapman length at the wall potential, as ``solve_pb``).
    refinement : int
        Subdivide every cell (convergence studies), >= 1.
    tolerance : float
        Scaled nonlinear residual at convergence, in (0, 1e-3).
    max_iterations : int
        Newton iterations per continuation stage.

    Returns
    -------
    xarray.Dataset
        Over ``x`` [m] (cell centres; ``cell_width`` [m] as a coordinate): ``potential`` [V],
        ``ion_concentration`` [mol/m^3] (over ``species`` too), ``charge_density``
        [C/m^3]; over ``wall`` ("left", "right"): ``surface_charge`` [C/m^2] (electrode
        charge per area, equal and opposite), ``diffuse_potential`` [V] (potential at the
        Stern plane); scalars ``capacitance`` [F/m^2] (differential, d q_left / dV of the
        cell voltage, by linear response), ``inventory`` per species [mol/m^2]. Attrs:
        converged, iterations, residual, residual_history, ``debye_length`` [m],
        ``debye_capacitance`` eps/lambda_D [F/m^2].

    Raises
    ------
    ParameterError
        Bad input (not a Slit, non-positive sizes, a mesh above ``MAX_CELLS``).
    ConvergenceError
        Newton (with continuation in the voltage) did not converge.

    Notes
    -----
    See the module docstring for the equations. Validity: dilute point ions (no sterics),
    constant permittivity, no Faradaic reactions (blocking electrodes); the cell may be
    thinner or thicker than the Debye length (no thin-layer assumption). The default
    mesh resolves wall potentials up to ~20 kT/e. In the linear (Debye–Hückel) limit of a
    symmetric z:z salt, q = (eps V / (2 lambda_D)) cosh(L/2) / [sinh(L/2) + (lambda_S/
    lambda_D) cosh(L/2)] with L = width/lambda_D. Second-order accurate in the cell size.

    Examples
    --------
    >>> from ionscales import presets
    >>> from ionscales.continuum import Slit, solve_closed_cell
    >>> cell = solve_closed_cell(presets.get("NaCl(aq)"), 10.0, Slit(15e-9), 0.05)
    >>> float(cell.surface_charge[0]) > 0
    True
    """
    if not isinstance(geometry, Slit):
        raise ParameterError(
            "geometry", "solve_closed_cell needs a Slit (two electrodes)", type(geometry).__name__
        )
    # the steady state does not depend on the diffusivities: placeholders for pnp_scales
    scales = pnp_scales(electrolyte, concentration, diffusivities=np.ones(len(electrolyte.ions)))
    debye, vt = scales["debye_length"], scales["thermal_voltage"]
    v = _finite("voltage", voltage) / vt
    stern = _finite("stern_length", stern_length)
    if stern < 0:
        raise ParameterError("stern_length", "must be >= 0 m", stern)
    tolerance = _finite("tolerance", tolerance)
    if not 0 < tolerance < 1e-3:
        raise ParameterError(
            "tolerance", "must lie in (0, 1e-3) (scaled nonlinear residual)", tolerance
        )
    max_iterations = check_integer("max_iterations", max_iterations, minimum=1)
    refinement = check_integer("refinement", refinement, minimum=1)
    z = scales["charges"]
    n0 = scales["bulk_densities"]
    total = float(np.sum(z**2 * n0))
    w = z * n0 / total
    gas = LatticeGas(z, n0 / total, 0.0)
    layer = wall_resolution_length(gas.max_slope(min(abs(v) / 2, 700.0))) * debye
    if first_cell is None:
        first = FIRST_CELL_FRACTION * layer
    else:
        first = _finite("first_cell", first_cell)
        if first <= 0:
            raise ParameterError("first_cell", "must be > 0 m", first_cell)
    # refuse meshes that cannot be held in memory before building them
    estimate = refinement * (
        geometry.spacing.size
        if geometry.spacing is not None
        else 2
        * (
            geometry.width / (0.05 * debye)
            + math.log(max(0.05 * debye / first, 1.0)) / math.log(1.05)
        )
    )
    if estimate > MAX_CELLS:
        raise ParameterError(
            "refinement",
            f"would build ~{estimate:.3g} cells, above the limit "
            f"{MAX_CELLS:.0e}; use a coarser mesh",
            refinement,
        )
    mesh = geometry.mesh(decay_length=debye, first_cell=first, refinement=refinement)
    if mesh.n_cells > MAX_CELLS:
        raise ParameterError(
            "refinement",
            f"the mesh has {mesh.n_cells} cells, above the limit {MAX_CELLS:.0e}",
            refinement,
        )
    cell = _ClosedCell(mesh.faces / debye, z, w, stern / debye)
    # initial guess: linear potential between the Stern planes; continuation in V if needed
    history: list[float] = []
    span = cell.length + 2 * cell.stern
    psi0 = 0.5 * v - v * (cell.x + cell.stern) / span
    converged = False
    for stages in (1, 4, 16, 64):
        psi = psi0 * (1.0 / stages)
        for k in range(1, stages + 1):
            t = k / stages
            psi, c, hist, ok = cell.newton(
                psi, 0.5 * v * t, -0.5 * v * t, tolerance=tolerance, max_iterations=max_iterations
            )
            history += hist
            if not ok:
                break
        if ok:
            converged = True
            break
    if not converged:
        raise ConvergenceError(
            f"solve_closed_cell did not converge to a scaled residual <= "
            f"{tolerance:g} (also with continuation in the voltage)",
            iterations=len(history),
            residual=history[-1] if history else float("nan"),
            history=history,
        )
    r, c, scale = cell.residual(psi, 0.5 * v, -0.5 * v)
    q_left = cell.g_left * (0.5 * v - psi[0])
    q_right = cell.g_right * (-0.5 * v - psi[-1])
    psi_w = (psi[0] + cell.stern * q_left, psi[-1] - cell.stern * q_right)
    # linear response to the cell voltage: J dpsi = -dR/dV
    d_rhs = np.zeros(cell.n)
    d_rhs[0] = -0.5 * cell.g_left
    d_rhs[-1] = 0.5 * cell.g_right
    dpsi = cell.solve_jacobian(c, d_rhs)
    dq_left = cell.g_left * (0.5 - dpsi[0])

    eps = scales["permittivity"]
    charge_unit = eps * vt / debye
    conc_si = c * (n0 / avogadro)[:, None]
    rho = elementary_charge * (z * n0) @ c
    widths = cell.h * debye
    inventory = conc_si @ widths
    data = {
        "potential": (
            ("x",),
            psi * vt,
            "V",
            "electric potential (cell midpoint reference: electrodes at +V/2 and -V/2)",
        ),
        "ion_concentration": (("species", "x"), conc_si, "mol/m^3", "ion concentration"),
        "charge_density": (("x",), rho, "C/m^3", "space charge density"),
        "surface_charge": (
            ("wall",),
            np.array([q_left, q_right]) * charge_unit,
            "C/m^2",
            "electrode charge per area",
        ),
        "diffuse_potential": (
            ("wall",),
            np.array(psi_w) * vt,
            "V",
            "potential at the Stern plane of each electrode",
        ),
        "capacitance": (
            (),
            dq_left * eps / debye,
            "F/m^2",
            "differential capacitance d(left electrode charge)/d(cell voltage)",
        ),
        "inventory": (("species",), inventory, "mol/m^2", "ion inventory per area"),
    }
    coords = {
        "x": (("x",), cell.x * debye, "m", "distance from the electrode at x = 0"),
        "cell_width": (("x",), widths, "m", "finite-volume cell width"),
        "species": (("species",), np.array(electrolyte.species), "1", "ionic species"),
        "wall": (("wall",), np.array(["left", "right"]), "1", "electrode"),
    }
    attrs = solver_attrs(
        converged=True,
        iterations=len(history),
        residual=history[-1],
        cells=int(cell.n),
        method="Newton (banded + Woodbury), direct steady state",
    )
    attrs.update(
        {
            "residual_history": np.asarray(history, dtype=float),
            "debye_length": debye,
            "debye_capacitance": eps / debye,
            "thermal_voltage": vt,
        }
    )
    params = {
        "concentration": float(concentration),
        "width": float(geometry.width),
        "voltage": float(voltage),
        "stern_length": stern,
        "electrodes": "blocking",
    }
    return make_dataset(
        data, coords, attrs=attrs, model="closed-cell", parameters=params, references=REFERENCES
    )
