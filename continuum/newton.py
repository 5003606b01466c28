"""Shared Newton machinery on top of FiPy (used by the PB and PNP solvers).

FiPy has no Newton solver: ``Term.sweep`` assembles the linear system with the current
coefficient values and solves it once. A Newton iteration is obtained by writing the
*linearised* equations explicitly (Jacobian as an implicit source, the remainder as an
explicit source held in a ``CellVariable`` updated in place), building the equations and
the linear solver ONCE and sweeping repeatedly. Three FiPy pitfalls are handled here:

1. **Solver criterion** (FiPy >= 4.0): the default criterion ``"RHS"`` with tolerance
   1e-5 lets the SciPy LU solver return the initial guess unchanged when
   ``||L x0 - b|| <= 1e-5 ||b||`` — silently, e.g. for small relative changes. Use
   :func:`make_linear_solver`, which sets ``criterion="initial"`` (the test is relative to
   the initial residual, so at least one solve always happens) and an explicit tolerance.
2. **ImplicitSourceTerm is implicit only when the sign helps**: FiPy moves a source to the
   right-hand side (lagging it) when ``sign(coeff)`` opposes the diagonal of the
   diffusion/transient term, also in off-diagonal blocks of coupled systems.
   :class:`FullyImplicitSourceTerm` always puts its coefficient in the matrix.
3. **Convergence on the nonlinear residual**: :func:`run_newton` stops on a scaled
   nonlinear residual (the residual FiPy computes before each solve, evaluated at the
   current iterate) and raises :class:`~ionscales.errors.ConvergenceError` with the
   residual history otherwise; it never returns a stalled iterate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from fipy import ImplicitSourceTerm
from fipy.solvers.scipy import LinearLUSolver
from fipy.tools import numerix

from ionscales.errors import ConvergenceError, ParameterError

__all__ = [
    "FullyImplicitSourceTerm",
    "make_linear_solver",
    "NewtonResult",
    "run_newton",
    "LINEAR_TOLERANCE",
    "LINEAR_CRITERION",
]

#: relative tolerance of each linear solve (relative to the initial residual)
LINEAR_TOLERANCE = 1e-12
#: FiPy convergence criterion of each linear solve (see module docstring)
LINEAR_CRITERION = "initial"


class FullyImplicitSourceTerm(ImplicitSourceTerm):
    r"""``ImplicitSourceTerm`` that is implicit whatever the sign of its coefficient.

    Represents :math:`\int_V S \phi \, dV \simeq S_P \phi_P V_P` entirely in the matrix (the
    stock term lags it on the right-hand side when ``S`` has the "wrong" sign, which breaks
    Newton iterations and coupled blocks).
    """

    def _getWeight(self, var, transientGeomCoeff=None, diffusionGeomCoeff=None):
        zeros = numerix.zeros(var.shape, "d")
        return {"diagonal": True, "old value": zeros, "b vector": zeros, "new value": zeros}


def make_linear_solver(tolerance: float = LINEAR_TOLERANCE, iterations: int = 10):
    """A SciPy ``LinearLUSolver`` with an explicit tolerance and the "initial" criterion.

    The one linear-solver setup of the continuum layer (PB and PNP). With the "initial"
    criterion FiPy stops refining when ``||L x - b|| <= tolerance ||L x0 - b||``; the first
    test compares the initial residual with ``tolerance`` times itself, so for any
    ``tolerance < 1`` the LU solve is always performed (unless the initial residual is
    exactly zero, i.e. x0 already solves the system).

    Parameters
    ----------
    tolerance : float
        Residual reduction required of each linear solve, relative to its initial residual
        [1], in (0, 1).
    iterations : int
        Maximum LU refinement passes (FiPy caps them at 10).
    """
    if not 0.0 < float(tolerance) < 1.0:
        raise ParameterError(
            "tolerance", "must lie in (0, 1) (relative residual of each linear solve)", tolerance
        )
    return LinearLUSolver(tolerance=tolerance, criterion=LINEAR_CRITERION, iterations=iterations)


@dataclass
class NewtonResult:
    """Outcome of :func:`run_newton`."""

    converged: bool
    iterations: int
    residual: float
    history: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)


def run_newton(
    iterate: Callable[[], tuple[float, float]],
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 60,
    what: str = "Newton iteration",
    raise_on_failure: bool = True,
    stagnation: float | None = None,
) -> NewtonResult:
    """Run Newton iterations until the scaled nonlinear residual is below ``tolerance``.

    Parameters
    ----------
    iterate : callable
        Performs one Newton step (update coefficients from the current iterate, sweep,
        damp) and returns ``(residual, step)``: a scaled nonlinear residual of the state
        it leaves behind (either evaluated at the new iterate, or the one FiPy computes
        at the iterate before the step — then the step taken from a converged iterate is
        accepted too) and the max-norm of the applied update.
    tolerance : float
        Convergence threshold on the scaled residual [1].
    max_iterations : int
        Give up after this many steps.
    what : str
        Name used in the error message.
    raise_on_failure : bool
        Raise ConvergenceError (default) or return a result with ``converged=False``
        (used internally to trigger continuation).
    stagnation : float, optional
        Also accept the iterate when, after the first step, the step norm falls below this
        (the residual stagnates at round-off and the iterate no longer moves); default None:
        only the residual decides.

    Returns
    -------
    NewtonResult
        ``residual`` is the scaled residual of the last checked iterate.
    """
    history: list[float] = []
    steps: list[float] = []
    for k in range(1, max_iterations + 1):
        residual, step = iterate()
        history.append(float(residual))
        steps.append(float(step))
        if not (math.isfinite(residual) and math.isfinite(step)):
            break
        if residual <= tolerance or (stagnation is not None and k > 1 and step < stagnation):
            return NewtonResult(True, k, float(residual), history, steps)
    result = NewtonResult(
        False, len(history), history[-1] if history else float("nan"), history, steps
    )
    if raise_on_failure:
        raise ConvergenceError(
            f"{what} did not converge to a scaled nonlinear residual <= {tolerance:g}",
            iterations=result.iterations,
            residual=result.residual,
            history=history,
        )
    return result


def damp(delta: np.ndarray, max_step: float) -> tuple[np.ndarray, float]:
    """Scale a Newton update so that its max-norm is at most ``max_step``; return (update, norm)."""
    norm = float(np.max(np.abs(delta))) if delta.size else 0.0
    if norm > max_step:
        return delta * (max_step / norm), norm
    return delta, norm
