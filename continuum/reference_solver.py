"""A small, didactic Poisson–Boltzmann solver in plain SciPy (no FiPy).

Kept beside the FiPy solver (``solve_pb``) as a readable cross-check, in the spirit of
PyBaMM's "basic" models: one function, one discretisation, written out in full. It solves
the dimensionless modified PB equation of a symmetric z:z electrolyte

    psi'' = f(psi) = sinh(psi) / (1 + 2 gamma sinh^2(psi/2))

(gamma = 0: Gouy–Chapman; gamma > 0: Bikerman/Kornyshev lattice gas) on a 1-D planar mesh
with lengths in Debye lengths and psi = z e phi / kT.

Discretisation (cell-centred finite volumes, the same as FiPy's): unknowns psi_i at cell
centres c_i; the flux through the face between cells i and i+1 is
(psi_{i+1} - psi_i)/(c_{i+1} - c_i); a Dirichlet value psi_b on a boundary face at
distance d from the nearest centre gives the flux (psi_b - psi_i)/d. Each cell balances
``flux_right - flux_left - f(psi_i) h_i = 0``. Newton's method with the tridiagonal Jacobian
``J = A - diag(f'(psi) h)`` is solved by :func:`scipy.linalg.solve_banded`, and stops when
the scaled nonlinear residual ``max|R| / max(h (|f| + f' |psi|))`` is below ``tolerance``.

Wall charge: by discrete Gauss's law it is the wall flux ``q = -psi'(0) = (V - psi_0)/d_0``
(in units of ``eps kT/(z e lambda_D)``).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_banded

from ionscales.errors import ConvergenceError, ParameterError

__all__ = ["solve_pb_reference"]


def _source(psi, gamma):
    s2 = np.sinh(psi / 2.0) ** 2
    denom = 1.0 + 2.0 * gamma * s2
    f = np.sinh(psi) / denom
    fprime = (1.0 + 2.0 * (1.0 - gamma) * s2) / denom**2
    return f, fprime


def solve_pb_reference(
    faces,
    wall_potential: float,
    *,
    compacity: float = 0.0,
    right: str = "bulk",
    right_potential: float = 0.0,
    initial=None,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
    max_step: float = 4.0,
):
    """Solve the dimensionless (modified) PB equation on a planar mesh.

    Parameters
    ----------
    faces : array_like
        Increasing face positions [Debye lengths]; the wall is at ``faces[0]``.
    wall_potential : float
        Potential of the left wall [kT/(z e)].
    compacity : float
        gamma in [0, 1) (0 = Gouy–Chapman).
    right : {"bulk", "wall"}
        The right end is the bulk (psi = 0) or a second wall at ``right_potential``.
    initial : array_like, optional
        Initial cell values (default: the Gouy–Chapman profile from each wall).
    tolerance : float
        Scaled nonlinear residual at convergence.

    Returns
    -------
    dict
        ``centres``, ``psi`` (cell values), ``charge`` (left-wall charge from the wall flux),
        ``iterations``, ``residual``.
    """
    faces = np.asarray(faces, dtype=float)
    if faces.ndim != 1 or faces.size < 4 or np.any(np.diff(faces) <= 0):
        raise ParameterError("faces", "must be an increasing 1-D array of at least 4 positions")
    if not 0.0 <= compacity < 1.0:
        raise ParameterError("compacity", "must lie in [0, 1)", compacity)
    if right not in ("bulk", "wall"):
        raise ParameterError("right", "must be 'bulk' or 'wall'", right)
    h = np.diff(faces)
    c = 0.5 * (faces[1:] + faces[:-1])
    n = c.size
    d_left = c[0] - faces[0]
    d_right = faces[-1] - c[-1]
    psi_right = 0.0 if right == "bulk" else float(right_potential)
    # conductances of interior faces and of the two boundary faces
    g = 1.0 / np.diff(c)
    g_left, g_right = 1.0 / d_left, 1.0 / d_right
    # linear part A psi + b (flux balance without the source)
    diag = np.zeros(n)
    diag[:-1] -= g
    diag[1:] -= g
    diag[0] -= g_left
    diag[-1] -= g_right
    b = np.zeros(n)
    b[0] += g_left * wall_potential
    b[-1] += g_right * psi_right

    def residual(psi):
        r = diag * psi + b
        r[:-1] += g * psi[1:]
        r[1:] += g * psi[:-1]
        f, fprime = _source(psi, compacity)
        return r - f * h, f, fprime

    if initial is None:
        t0 = np.tanh(wall_potential / 4.0)
        psi = 4.0 * np.arctanh(t0 * np.exp(-(c - faces[0])))
        if right == "wall":
            psi += 4.0 * np.arctanh(np.tanh(psi_right / 4.0) * np.exp(-(faces[-1] - c)))
    else:
        psi = np.array(initial, dtype=float)
    history = []
    for _ in range(max_iterations):
        r, f, fprime = residual(psi)
        # banded Jacobian: upper, main, lower diagonals
        banded = np.zeros((3, n))
        banded[0, 1:] = g
        banded[1] = diag - fprime * h
        banded[2, :-1] = g
        step = solve_banded((1, 1), banded, -r)
        largest = np.max(np.abs(step))
        if largest > max_step:
            step *= max_step / largest
        psi = psi + step
        r, f, fprime = residual(psi)
        scale = max(np.max(h * (np.abs(f) + fprime * np.abs(psi))), np.abs(b[0]) * h[0], 1e-300)
        history.append(float(np.max(np.abs(r)) / scale))
        if history[-1] <= tolerance:
            break
    else:
        raise ConvergenceError(
            "reference PB Newton did not converge",
            iterations=max_iterations,
            residual=history[-1],
            history=history,
        )
    return {
        "centres": c,
        "psi": psi,
        "charge": float(g_left * (wall_potential - psi[0])),
        "iterations": len(history),
        "residual": history[-1],
    }
