"""Steady Poisson–Boltzmann family on FiPy: "pb", "bikerman", "bsk".

``solve_pb`` solves for the equilibrium double layer at charged walls (HalfSpace, Slit,
CylindricalPore) in contact with a bulk reservoir and returns a labelled Dataset in SI
units. ``capacitance_curve`` sweeps the wall potential with continuation, reusing one
built problem. :class:`PBProblem` is the reusable solver object behind both.

Notes
-----
Dimensionless form (x in Debye lengths lambda_D, psi = e phi/kT, S = sum z_i^2 n_i):

- "pb" (Gouy 1910, Chapman 1913): ``div(eps_hat grad psi) = f(psi) = -sum_i z_i c_i e^{-z_i psi}``,
  c_i = n_i/S, any number of species and valences;
- "bikerman" (Bikerman 1942; Kilic, Bazant & Ajdari 2007; Kornyshev 2007): lattice-gas
  steric factor ``e^{-z_i psi}/D(psi)``, D = 1 + sum phi_i (e^{-z_i psi} - 1), compacity
  gamma = sum phi_i (from the ion sizes, gamma = sum_i n_i d_i^3, or given);
- "bsk" (Bazant, Storey & Kornyshev 2011): ``(1 - delta^2 lap) lap psi = f(psi)``,
  delta = l_c/lambda_D, solved as two coupled second-order equations
  ``lap psi = w``, ``delta^2 lap w - w + f(psi) = 0`` with ``w' = 0`` (u''' = 0) at walls.

Wall conditions: constant potential (Dirichlet, or Robin ``psi_d + (l_S/lambda_D) q = V``
with a Stern layer of capacitance eps/l_S), or constant surface charge (Neumann).
The wall potential is measured from the bulk reservoir. Newton iterations are run on
FiPy equations built once (see :mod:`ionscales.continuum.newton`); the Jacobian
``df/dpsi >= 0`` sits in a fully implicit source, the wall conditions enter as cell
sources (flux through the wall face ``beta (V - psi_P)``), and the bulk end of a
HalfSpace is held at psi = 0. For the scalar models with a constant permittivity ("pb",
"bikerman") the finite-volume operator of FiPy's equation does not change between Newton
steps: it is assembled once, directly from the geometry's metric (identical to FiPy's own
assembly, which is tested; :meth:`PBProblem._linear_parts`), and each step only updates the
source diagonal and solves the tridiagonal system for the Newton increment; no FiPy object
is built on that path. "bsk" and state-dependent permittivities are assembled by FiPy at
every step (LU solver, explicit tolerance, ``criterion="initial"``), on the FiPy objects
of the one adapter :class:`~ionscales.continuum.fipy_mesh.FiPyMesh` (the geometry's metric
carried by the coefficients). The solver never branches on the geometry: the mesh gives
the cell and face measures, the wall ends and the distances from the walls.

Validity: mean-field; "pb" assumes point ions (overestimates crowding above a few kT/e);
"bikerman" treats ions as equal lattice sites; "bsk" adds short-range correlations with
one correlation length. A concentration-dependent (local) permittivity
(``permittivity=`` a callable eps_r(c), a dielectric decrement) enters Poisson cell by cell
and, by default, the ion chemical potentials through the Born solvation energy
W_i = z_i^2 e^2/(8 pi eps_0 eps_r(c(x)) a_i) (Born 1920) evaluated with the local
permittivity: c_i(x) = c_i0 exp[-z_i psi - (W_i(x) - W_i,bulk)/kT], solved
self-consistently with c(x) in every cell. Not included: the dielectrophoretic term
-(eps_0/2) (d eps_r/dc_i) |grad phi|^2 of the mean-field free-energy functional with a
dielectric decrement (Ben-Yaakov, Andelman & Podgornik 2011) and the c_j dW_j/dc_i terms,
so pressures and free energies are then not reported.

References
----------
Gouy, J. Phys. Theor. Appl. 9, 457 (1910), doi:10.1051/jphystap:019100090045700.
Chapman, Phil. Mag. 25, 475 (1913), doi:10.1080/14786440408634187.
Grahame, Chem. Rev. 41, 441 (1947), doi:10.1021/cr60130a002.
Bikerman, Phil. Mag. 33, 384 (1942), doi:10.1080/14786444208520813.
Kilic, Bazant & Ajdari, Phys. Rev. E 75, 021502 (2007), doi:10.1103/PhysRevE.75.021502.
Kornyshev, J. Phys. Chem. B 111, 5545 (2007), doi:10.1021/jp067857o.
Bazant, Storey & Kornyshev, Phys. Rev. Lett. 106, 046102 (2011), doi:10.1103/PhysRevLett.106.046102.
Born, Z. Phys. 1, 45 (1920) (Born solvation energy).
Ben-Yaakov, Andelman & Podgornik, J. Chem. Phys. 134, 074705 (2011), arXiv:1011.0570
(dielectric decrement in mean-field PB).
Guyer, Wheeler & Warren, Comput. Sci. Eng. 11, 6 (2009), doi:10.1109/MCSE.2009.52 (FiPy).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_banded
from scipy.linalg.lapack import dgtsv
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import spsolve

from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.continuum.fipy_mesh import FiPyMesh
from ionscales.continuum.geometry import (
    FIRST_CELL_FRACTION,
    Mesh1D,
    _Geometry,
    wall_resolution_length,
)
from ionscales.continuum.newton import damp, make_linear_solver, run_newton
from ionscales.continuum.observables import LatticeGas, halfspace_profile
from ionscales.continuum.scales import bulk_scales
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.results import make_dataset, solver_attrs
from ionscales.validation import check_choice, check_integer

__all__ = [
    "solve_pb",
    "capacitance_curve",
    "PBProblem",
    "PBState",
    "PBModel",
    "PB_MODELS",
    "register_pb_model",
    "MODELS",
    "bsk_decay_length",
]


@dataclass(frozen=True)
class PBModel:
    """A member of the Poisson–Boltzmann family, described by what its equations contain.

    Parameters
    ----------
    name : str
        The ``model=`` name.
    steric : bool
        Lattice-gas (Bikerman/Kornyshev) crowding with a compacity gamma; False: point ions
        (``compacity`` must be absent or 0).
    correlations : bool
        BSK correlation term ``(1 - l_c^2 lap) lap psi`` (needs ``correlation_length``; two
        coupled fields, assembled by FiPy at every Newton step).
    references : tuple of str
        DOIs recorded in the result.
    """

    name: str
    steric: bool
    correlations: bool
    references: tuple[str, ...]


#: registered PB models by name (see :func:`register_pb_model`)
PB_MODELS: dict[str, PBModel] = {}


def register_pb_model(model: PBModel) -> PBModel:
    """Register a PB-family model (its equations are the combination of the flags)."""
    if not isinstance(model, PBModel):
        raise ParameterError("model", "must be a PBModel", model)
    if model.name in PB_MODELS:
        raise ParameterError("model", f"{model.name!r} is already registered", model.name)
    PB_MODELS[model.name] = model
    return model


register_pb_model(
    PBModel(
        "pb",
        steric=False,
        correlations=False,
        references=(
            "doi:10.1051/jphystap:019100090045700",
            "doi:10.1080/14786440408634187",
            "doi:10.1021/cr60130a002",
        ),
    )
)
register_pb_model(
    PBModel(
        "bikerman",
        steric=True,
        correlations=False,
        references=(
            "doi:10.1080/14786444208520813",
            "doi:10.1103/PhysRevE.75.021502",
            "doi:10.1021/jp067857o",
        ),
    )
)
register_pb_model(
    PBModel(
        "bsk",
        steric=True,
        correlations=True,
        references=("doi:10.1103/PhysRevLett.106.046102", "doi:10.1021/jp067857o"),
    )
)

#: names of the registered models (kept for compatibility)
MODELS = tuple(PB_MODELS)
#: references by model name (kept for compatibility)
REFERENCES = {name: spec.references for name, spec in PB_MODELS.items()}

#: largest salt concentration accepted [mol/m^3] (100 mol/L)
MAX_CONCENTRATION = 1e5
#: largest mesh a solve may build (cells)
MAX_CELLS = 2_000_000
#: smallest wall cell relative to the decay length that the graded mesh can represent
MIN_FIRST_CELL_RATIO = 1e-11

FIPY_REFERENCE = "doi:10.1109/MCSE.2009.52"


def bsk_decay_length(delta: float) -> float:
    """Slowest decay length (Debye units) of the linearised BSK operator, 1/min Re k.

    ``delta^2 k^4 - k^2 + 1 = 0``; real roots for delta <= 1/2, complex (oscillatory
    overscreening) above.
    """
    if delta <= 0:
        return 1.0
    d2 = delta * delta
    disc = complex(1.0 - 4.0 * d2)
    roots = [np.sqrt((1.0 + sgn * np.sqrt(disc)) / (2.0 * d2)) for sgn in (1.0, -1.0)]
    return float(1.0 / min(abs(r.real) for r in roots))


# ----------------------------------------------------------------------------------------
# input handling
# ----------------------------------------------------------------------------------------
def _finite(name: str, value) -> float:
    if isinstance(value, bool):
        raise ParameterError(name, "must be a finite number", value)
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, "must be a finite number", value) from exc
    if not math.isfinite(v):
        raise ParameterError(name, "must be finite", value)
    return v


def _renamed_potential(wall_potential, potential, where: str):
    """``potential=`` is the deprecated spelling of ``wall_potential=`` (the output profile
    of solve_pb is ``potential``: one name, one meaning)."""
    if potential is None:
        return wall_potential
    if wall_potential is not None:
        raise ParameterError(
            "potential", "give wall_potential only (potential is its deprecated spelling)"
        )
    warnings.warn(
        f"{where}(potential=...) is deprecated; use wall_potential= (the wall potential "
        "[V]; 'potential' is the output profile)",
        DeprecationWarning,
        stacklevel=3,
    )
    return potential


def _per_wall(name: str, value, n_walls: int):
    """Scalar -> same for every wall; sequence -> one per wall (None allowed)."""
    if value is None:
        return [None] * n_walls
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if len(items) != n_walls:
            raise ParameterError(name, f"needs {n_walls} value(s), one per wall", value)
        return [None if v is None else _finite(name, v) for v in items]
    return [_finite(name, value)] * n_walls


class _Field:
    """Cell (or face) values with the part of FiPy's variable interface the solver uses."""

    __slots__ = ("value",)

    def __init__(self, size: int, value: float = 0.0):
        self.value = np.full(size, float(value))

    def setValue(self, value):  # noqa: N802 - FiPy's name
        self.value = np.array(np.broadcast_to(np.asarray(value, dtype=float), self.value.shape))


class _Wall:
    __slots__ = (
        "name",
        "kind",
        "value",
        "stern",
        "cell",
        "face_area",
        "volume",
        "s1",
        "s2",
        "beta_base",
    )

    def __init__(self, name, kind, value, stern):
        self.name, self.kind, self.value, self.stern = name, kind, value, stern


# ----------------------------------------------------------------------------------------
# the reusable problem
# ----------------------------------------------------------------------------------------
def _solve_tridiagonal(coupling: np.ndarray, diagonal: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """x with (symmetric tridiagonal A) x = rhs, A given by its off-diagonal ``coupling``
    and ``diagonal`` (LAPACK ``dgtsv``, Gaussian elimination with partial pivoting; the
    inputs are not overwritten). A singular matrix raises ``numpy.linalg.LinAlgError``, as
    ``scipy.linalg.solve_banded`` does."""
    *_, x, info = dgtsv(coupling, diagonal, coupling, rhs)
    if info > 0:
        raise np.linalg.LinAlgError(f"singular tridiagonal matrix (zero pivot {info})")
    if info < 0:  # pragma: no cover - argument error, cannot happen with 1-D float arrays
        raise ValueError(f"dgtsv: illegal value in argument {-info}")
    return x


@dataclass(frozen=True, eq=False)
class PBState:
    """A converged state of a :class:`PBProblem` and its wall values (walls in the order of
    the geometry's ``walls``).

    Attributes
    ----------
    potential : ndarray
        Cell potentials [kT/e].
    correlation_field : ndarray or None
        The BSK field w = lap psi [kT/e per Debye length^2] ("bsk" only).
    tangent, tangent_correlation : ndarray or None
        Linear response of ``potential`` / ``correlation_field`` to a common unit change of
        every wall value [1] (continuation predictor).
    thermal_voltage : float
        kT/e [V].
    surface_charge : ndarray
        Wall charge per area from the wall field [C/m^2].
    surface_charge_integrated : ndarray
        Wall charge per area from the integrated ionic charge (Gauss law) [C/m^2].
    capacitance : ndarray
        Differential capacitance d(surface charge)/d(electrode potential) [F/m^2].
    diffuse_potential : ndarray
        Potential at the outer edge of the Stern layer [V].
    converged : bool
    iterations : int
    residual : float
    history : tuple of float
        Scaled nonlinear residuals of every Newton step (continuation included).
    """

    potential: np.ndarray
    correlation_field: np.ndarray | None
    tangent: np.ndarray
    tangent_correlation: np.ndarray | None
    thermal_voltage: float
    surface_charge: np.ndarray
    surface_charge_integrated: np.ndarray
    capacitance: np.ndarray
    diffuse_potential: np.ndarray
    converged: bool
    iterations: int
    residual: float
    history: tuple[float, ...]

    def predict(self, delta_potential: float) -> tuple[np.ndarray, np.ndarray | None]:
        """Linear-response initial guess after changing every wall potential by
        ``delta_potential`` [V] (for ``PBProblem.solve_state(initial=...)``)."""
        dv = float(delta_potential) / self.thermal_voltage
        w = self.correlation_field
        if w is not None:
            w = w + self.tangent_correlation * dv
        return self.potential + self.tangent * dv, w


class PBProblem:
    """A Poisson–Boltzmann-type problem built once on a FiPy mesh, solvable repeatedly.

    Parameters are those of :func:`solve_pb` (SI); ``design_potential`` [V] is the largest
    wall potential the mesh must resolve (default: from the wall conditions of the first
    solve, given as ``wall_potential``/``surface_charge`` here). ``potential=`` is the
    deprecated spelling of ``wall_potential=``.

    Public surface: :meth:`solve` (the Dataset of :func:`solve_pb`) and :meth:`solve_state`
    (a :class:`PBState`: the converged state, its linear response and wall values, what
    continuation such as :func:`capacitance_curve` needs).
    """

    def __init__(
        self,
        electrolyte: Electrolyte,
        concentration: float,
        geometry,
        *,
        wall_potential=None,
        surface_charge=None,
        model: str = "pb",
        compacity: float | None = None,
        correlation_length: float | None = None,
        stern_length=None,
        permittivity: float | Callable | None = None,
        design_potential: float | None = None,
        first_cell: float | None = None,
        refinement: int = 1,
        tolerance: float = 1e-9,
        max_iterations: int = 60,
        max_step: float = 4.0,
        born_solvation: bool = True,
        potential=None,
    ):
        wall_potential = _renamed_potential(wall_potential, potential, "PBProblem")
        potential = wall_potential
        if not isinstance(electrolyte, Electrolyte):
            raise ParameterError("electrolyte", "must be an ionscales Electrolyte", electrolyte)
        if not isinstance(geometry, _Geometry):  # any geometry of continuum.geometry
            raise ParameterError(
                "geometry",
                "must be a continuum geometry (HalfSpace, Slit, CylindricalPore, Sphere, ...)",
                geometry,
            )
        self.model = check_choice("model", model, tuple(PB_MODELS))
        self.spec = PB_MODELS[self.model]
        c = _finite("concentration", concentration)
        if not 0 < c <= MAX_CONCENTRATION:
            raise ParameterError(
                "concentration",
                f"must be in (0, {MAX_CONCENTRATION:g}] mol/m^3 "
                "(salt molarity; 1e5 mol/m^3 = 100 mol/L)",
                concentration,
            )
        self.electrolyte, self.concentration, self.geometry = electrolyte, c, geometry
        self.tolerance = _finite("tolerance", tolerance)
        if not 0 < self.tolerance < 1e-3:
            raise ParameterError(
                "tolerance", "must lie in (0, 1e-3) (scaled nonlinear residual)", tolerance
            )
        self.max_iterations = check_integer("max_iterations", max_iterations, minimum=1)
        self.max_step = _finite("max_step", max_step)
        if self.max_step <= 0:
            raise ParameterError("max_step", "must be > 0 (largest Newton update, kT/e)", max_step)

        # --- bulk scales --------------------------------------------------------------
        temperature = electrolyte.temperature
        self.permittivity_function = None
        if permittivity is None:
            eps_r = electrolyte.permittivity
        elif callable(permittivity):
            self.permittivity_function = permittivity
            eps_r = _finite("permittivity", permittivity(c))
        else:
            eps_r = _finite("permittivity", permittivity)
        if eps_r <= 0:
            raise ParameterError("permittivity", "must be > 0 (relative permittivity)", eps_r)
        self.relative_permittivity = eps_r
        self._born_shift = None
        self._born_prefactor = None
        if not isinstance(born_solvation, (bool, np.bool_)):
            raise ParameterError("born_solvation", "must be True or False", born_solvation)
        self.born_solvation = bool(born_solvation) and self.permittivity_function is not None
        if self.born_solvation:
            radii = 0.5 * np.asarray(electrolyte.diameters, dtype=float)
            if np.any(~np.isfinite(radii)) or np.any(radii <= 0):
                raise ParameterError(
                    "born_solvation",
                    "needs finite positive ion diameters (Born "
                    "radii d/2) with a concentration-dependent permittivity; "
                    "set born_solvation=False to leave the Born term out",
                    list(electrolyte.diameters),
                )
            # Born energy z^2 e^2/(8 pi eps0 eps_r a) = prefactor/eps_r [kT]
            self._born_prefactor = (
                electrolyte.charges**2
                * elementary_charge**2
                / (8 * math.pi * vacuum_permittivity * radii * boltzmann * temperature)
            )
        # bulk scales: the one computation shared with PNP (continuum.scales)
        self.scales = bulk_scales(electrolyte, c, eps_r)
        self.thermal_voltage = self.scales.thermal_voltage
        z = self.scales.charges
        n = self.scales.number_densities  # ion number densities [1/m^3]
        self.number_densities = n
        self.S = self.scales.ionic_strength_density
        self.eps = self.scales.permittivity
        self.debye_length = self.scales.debye_length

        # --- model parameters ---------------------------------------------------------
        if not self.spec.steric:
            if compacity not in (None, 0, 0.0):
                raise ParameterError(
                    "compacity",
                    f"is not used by model={self.model!r} (point "
                    "ions); use model='bikerman' for steric effects",
                    compacity,
                )
            gamma = 0.0
        elif compacity is None:
            gamma = float(np.sum(n * electrolyte.diameters**3))
        else:
            gamma = _finite("compacity", compacity)
        if not 0.0 <= gamma < 1.0:
            raise ParameterError(
                "compacity",
                "must lie in [0, 1) (bulk ionic volume fraction); "
                "lower the concentration or the ion sizes",
                gamma,
            )
        self.compacity = gamma
        if self.spec.correlations:
            if correlation_length is None:
                raise ParameterError(
                    "correlation_length", f"is required for model={self.model!r} [m]"
                )
            lc = _finite("correlation_length", correlation_length)
            if lc <= 0:
                raise ParameterError("correlation_length", "must be > 0 m", correlation_length)
            if self.permittivity_function is not None:
                raise ParameterError(
                    "permittivity",
                    "a concentration-dependent permittivity is not "
                    f"supported with model={self.model!r}",
                )
            self.correlation_length = lc
            self.delta = lc / self.debye_length
        else:
            if correlation_length is not None:
                raise ParameterError(
                    "correlation_length",
                    f"is only used by models with correlations ('bsk'), not {self.model!r}",
                    correlation_length,
                )
            self.correlation_length = 0.0
            self.delta = 0.0
        self.gas = LatticeGas(z, n / self.S, gamma)
        self.decay_length = bsk_decay_length(self.delta)  # Debye units

        # --- walls ----------------------------------------------------------------------
        self.wall_names = list(geometry.walls)
        nw = len(self.wall_names)
        self.stern = [0.0 if s is None else s for s in _per_wall("stern_length", stern_length, nw)]
        if any(s < 0 for s in self.stern):
            raise ParameterError("stern_length", "must be >= 0 m", stern_length)
        walls = self._walls(potential, surface_charge)
        if design_potential is None:
            design = max(abs(self._wall_potential_estimate(w)) for w in walls)
        else:
            design = abs(_finite("design_potential", design_potential)) / self.thermal_voltage
        self.design_potential = design

        # --- mesh -------------------------------------------------------------------------
        layer = wall_resolution_length(self.gas.max_slope(design), correlation_length=self.delta)
        self.layer_thickness = layer * self.debye_length
        self.refinement = check_integer("refinement", refinement, minimum=1)
        if first_cell is None:
            first_cell_si = FIRST_CELL_FRACTION * self.layer_thickness
        else:
            first_cell_si = _finite("first_cell", first_cell)
            if first_cell_si <= 0:
                raise ParameterError("first_cell", "must be > 0 m", first_cell)
        decay_si = self.decay_length * self.debye_length
        if first_cell_si < MIN_FIRST_CELL_RATIO * decay_si:
            # the wall layer is thinner than floating point can grade towards (point-ion PB
            # far beyond its validity): refuse instead of building a degenerate mesh
            bad = (
                "first_cell"
                if first_cell is not None
                else ("wall_potential" if potential is not None else "surface_charge")
            )
            raise ParameterError(
                bad,
                f"needs a wall cell of {first_cell_si:.2e} m, below "
                f"{MIN_FIRST_CELL_RATIO:g} decay lengths: the wall layer at "
                f"{design:.3g} kT/e cannot be resolved (point-ion 'pb' is "
                "unphysical there; use model='bikerman' or a smaller |potential|, "
                "'pb' is resolved up to ~40 kT/e)",
                first_cell_si,
            )
        # estimate the mesh size before building it (memory ~ 30 arrays of n floats)
        base = geometry.mesh(decay_length=decay_si, first_cell=first_cell_si, refinement=1)
        if base.n_cells * self.refinement > MAX_CELLS:
            raise ParameterError(
                "refinement",
                f"would build {base.n_cells * self.refinement:.3g} "
                f"cells (> the limit {MAX_CELLS:.0e}, ~{MAX_CELLS * 240 / 1e9:.1f} "
                "GB); use a smaller refinement",
                refinement,
            )
        mesh = (
            base
            if self.refinement == 1
            else geometry.mesh(
                decay_length=decay_si, first_cell=first_cell_si, refinement=self.refinement
            )
        )
        mesh.check_resolution(
            self.layer_thickness,
            parameter="spacing" if geometry.spacing is not None else "first_cell",
        )
        self.mesh: Mesh1D = mesh
        self._build()
        self._walls_current = walls

    # -- wall bookkeeping ----------------------------------------------------------------
    def _walls(self, potential, surface_charge) -> list[_Wall]:
        nw = len(self.wall_names)
        pots = _per_wall("wall_potential", potential, nw)
        charges = _per_wall("surface_charge", surface_charge, nw)
        walls = []
        for i, name in enumerate(self.wall_names):
            p, q = pots[i], charges[i]
            if p is not None and q is not None:
                raise ParameterError(
                    "wall_potential/surface_charge",
                    f"contradictory boundary conditions: "
                    f"the {name} wall is given both a potential and a surface charge",
                )
            if p is None and q is None:
                raise ParameterError(
                    "wall_potential/surface_charge",
                    f"the {name} wall needs a wall_potential [V] or a surface_charge [C/m^2]",
                )
            if p is not None:
                walls.append(
                    _Wall(
                        name,
                        "potential",
                        p / self.thermal_voltage,
                        self.stern[i] / self.debye_length,
                    )
                )
            else:
                if self.stern[i] > 0:
                    raise ParameterError(
                        "stern_length",
                        f"contradictory boundary conditions: a Stern "
                        f"layer needs a potential at the {name} wall, not a surface charge",
                    )
                walls.append(
                    _Wall(name, "charge", q / (elementary_charge * self.S * self.debye_length), 0.0)
                )
        return walls

    def _wall_potential_estimate(self, wall: _Wall) -> float:
        """Diffuse-layer potential [kT/e] of an isolated wall (first integral)."""
        if wall.kind == "charge":
            return self.gas.halfspace_potential(wall.value)
        if wall.stern == 0.0 or wall.value == 0.0:
            return wall.value
        lo, hi = sorted((0.0, wall.value))
        for _ in range(100):  # psi_d + stern q(psi_d) = V, monotone in psi_d
            mid = 0.5 * (lo + hi)
            if mid + wall.stern * float(self.gas.halfspace_charge(mid)) < wall.value:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)

    # -- FiPy objects, built once ----------------------------------------------------------
    @property
    def uses_fipy_assembly(self) -> bool:
        """Whether each Newton step is assembled by FiPy ("bsk", state-dependent permittivity).

        Otherwise (scalar model, constant permittivity) the finite-volume operator is the
        constant tridiagonal matrix of FiPy's ``DiffusionTerm`` plus a source diagonal; it is
        assembled directly from the geometry's metric (:meth:`_linear_parts`), identical to
        FiPy's (tested), and no FiPy object is built unless asked for (:meth:`_build_fipy`)."""
        return self.spec.correlations or self.permittivity_function is not None

    def _build(self):
        # the geometry's mesh in Debye units through the one FiPy adapter (its FiPy grid is
        # built only when a FiPy assembly is needed)
        grid = FiPyMesh(self.mesh, self.debye_length)
        self.grid = grid
        n = grid.n_cells
        self.n = n
        self.volumes = grid.volumes
        self.face_areas = grid.face_areas
        faces = grid.faces
        centres = grid.centres
        self.centres = centres
        self.faces_scaled = faces
        self._wall_geometry = {}
        for name in self.wall_names:
            if name == "left":
                cell, face, s1, s2 = 0, 0, centres[0] - faces[0], centres[1] - faces[0]
            else:
                cell, face, s1, s2 = n - 1, n, faces[-1] - centres[-1], faces[-1] - centres[-2]
            self._wall_geometry[name] = (
                cell,
                float(self.face_areas[face]),
                float(self.volumes[cell]),
                s1,
                s2,
            )
        self.eps_cells = np.ones(n)
        # bulk end of a HalfSpace: psi = 0 on the last face, imposed like the walls (a cell
        # source with FiPy's Dirichlet flux eps (0 - psi_P)/(h/2)) instead of psi.constrain,
        # whose constraint bookkeeping dominates the assembly cost on large meshes
        self._bulk_end = None
        if self.geometry.bulk_end:
            self._bulk_end = float(self.face_areas[n]) / (
                (faces[-1] - centres[-1]) * float(self.volumes[-1])
            )
        self.fmesh = None
        self.w = None
        self._jacobian = None
        self._source_at = None  # (psi, f, f', R, walls, gas) of the last fast Newton step
        self._tridiagonal_parts = None
        if self.uses_fipy_assembly:
            self._build_fipy()
        else:
            # plain arrays with FiPy's CellVariable interface (.value, .setValue)
            self.psi = _Field(n)
            self.implicit = _Field(n)  # -(f' + beta)
            self.source = _Field(n)
            self.eps_face = _Field(n + 1, 1.0)

    def _build_fipy(self):
        """The FiPy mesh, variables and equation (assembled by FiPy at every sweep)."""
        from fipy import Variable

        grid = self.grid  # the one FiPy adapter: metric carried by the coefficients
        self.fmesh = grid.fipy
        old = getattr(self, "psi", None)
        self.psi = grid.cell_variable(0.0 if old is None else old.value, name="psi")
        self.implicit = grid.cell_variable(0.0)  # -(f' + beta)
        self.source = grid.cell_variable(0.0)
        self.eps_face = grid.face_variable(1.0)
        self.solver = make_linear_solver()
        if not self.spec.correlations:
            self.eq = (
                grid.diffusion(self.eps_face, self.psi)
                + grid.implicit_source(self.implicit, self.psi)
                + grid.source(self.source)
            )
            self.w = None
        else:
            self.delta2 = Variable(value=self.delta**2)
            self.w = grid.cell_variable(0.0, name="w")
            self.wall_implicit = grid.cell_variable(0.0)  # -beta (walls)
            self.fprime = grid.cell_variable(0.0)
            self.source2 = grid.cell_variable(0.0)
            eq1 = (
                grid.diffusion(1.0, self.psi)
                + grid.implicit_source(self.wall_implicit, self.psi)
                + grid.implicit_source(-1.0, self.w)
                + grid.source(self.source)
            )
            eq2 = (
                grid.diffusion(self.delta2, self.w)
                + grid.implicit_source(-1.0, self.w)
                + grid.implicit_source(self.fprime, self.psi)
                + grid.source(self.source2)
            )
            self.eq = eq1 & eq2
        # keep the assembled Jacobian of the last Newton sweep for linear-response solves
        self.eq.cacheMatrix()
        self.eq.cacheRHSvector()

    # -- coefficient updates (in place) ------------------------------------------------------
    def _local_permittivity(self, salt_local):
        eps_local = np.asarray(self.permittivity_function(salt_local), dtype=float)
        if (
            eps_local.shape != salt_local.shape
            or not np.all(np.isfinite(eps_local))
            or np.any(eps_local <= 0)
        ):
            raise ParameterError(
                "permittivity",
                "callable must return finite positive relative "
                "permittivities, one per local salt concentration",
            )
        return eps_local

    def _update_permittivity(self, psi):
        """Local permittivity eps_r(c(x)) and (with ``born_solvation``) the Born shifts.

        The local salt concentration depends on the Born energies, which depend on eps_r of
        the local concentration: solved per cell by fixed-point iteration at fixed psi.
        """
        if self.permittivity_function is None:
            return
        nu = self.electrolyte.nu
        shift = self._born_shift
        for _ in range(200):
            factors = self.gas.factors(psi, shift)  # (species, cells)
            salt_local = np.tensordot(nu, factors, axes=1) * self.concentration / np.sum(nu)
            eps_local = self._local_permittivity(salt_local)
            if not self.born_solvation:
                break
            new = self._born_prefactor[:, None] * (
                1.0 / eps_local - 1.0 / self.relative_permittivity
            )
            change = np.inf if shift is None else float(np.max(np.abs(new - shift)))
            shift = new
            if change < 1e-13:
                break
        else:
            raise ConvergenceError(
                "solve_pb: the local permittivity and Born solvation energies "
                "did not reach a self-consistent state (decrement too strong "
                "for the fixed-point iteration)",
                iterations=200,
                residual=change,
            )
        self._born_shift = shift
        self.eps_cells = eps_local / self.relative_permittivity
        # harmonic face average (series dielectrics); boundary faces take the adjacent cell
        e = self.eps_cells
        face = np.empty(self.n + 1)
        face[1:-1] = 2.0 * e[1:] * e[:-1] / (e[1:] + e[:-1])
        face[0], face[-1] = e[0], e[-1]
        self.eps_face.setValue(face)

    def _wall_beta(self, wall: _Wall) -> float:
        cell, area, vol, s1, _ = self._wall_geometry[wall.name]
        eps_w = self.eps_cells[cell]
        return area / ((s1 / eps_w + wall.stern) * vol)

    def _wall_terms(self, walls: list[_Wall]):
        """Per wall: (cell, cell measure V_P, k, s, dflux/dvalue), the flux into the wall
        cell per unit cell measure being ``s - k psi_P``: a potential wall ``beta (V -
        psi_P)`` (k = beta), a charge wall ``q A/V_P`` (k = 0). The one description of the
        wall conditions used by FiPy's coefficients and by the fast path."""
        terms = []
        for w in walls:
            cell, area, vol, _, _ = self._wall_geometry[w.name]
            if w.kind == "potential":
                beta = self._wall_beta(w)
                terms.append((cell, vol, beta, beta * w.value, beta))
            else:
                terms.append((cell, vol, 0.0, w.value * area / vol, area / vol))
        return terms

    def _update(self, walls: list[_Wall], psi: np.ndarray):
        """Fill the coefficient variables for a Newton step about ``psi``."""
        self._update_permittivity(psi)
        f, fprime = self.gas.source(psi, self._born_shift)
        wall_imp = np.zeros(self.n)
        wall_src = np.zeros(self.n)
        tangent_src = np.zeros(self.n)
        wall_flux = np.zeros(self.n)  # |flux through the wall| / V_P, for residual scaling
        for cell, _, implicit, source, response in self._wall_terms(walls):
            wall_imp[cell] -= implicit
            wall_src[cell] += source
            tangent_src[cell] += response
            wall_flux[cell] += abs(source - implicit * psi[cell])
        if self._bulk_end is not None:
            wall_imp[-1] -= self._bulk_end * self.eps_cells[-1]
        if not self.spec.correlations:
            self.implicit.setValue(-fprime + wall_imp)
            self.source.setValue(fprime * psi - f + wall_src)
        else:
            self.wall_implicit.setValue(wall_imp)
            self.source.setValue(wall_src)
            self.fprime.setValue(fprime)
            self.source2.setValue(f - fprime * psi)
        self._tangent_src = tangent_src
        return f, fprime, wall_flux

    # -- Newton --------------------------------------------------------------------------
    def _newton(self, walls, raise_on_failure=True):
        """Newton iterations; the residual is evaluated at the NEW iterate after each step.

        With a constant permittivity the only nonlinearity is f(psi), so the nonlinear
        residual at the updated state x follows exactly from the linear system FiPy just
        assembled and solved, ``R(x) = (L x - b) + V [f(psi_k) + f'(psi_k)(x - psi_k) - f(x)]``
        (no extra assembly). With a concentration-dependent permittivity (lagged in the
        matrix) the residual FiPy computes before each solve is used instead.
        """
        lagged = self.permittivity_function is not None
        if not self.uses_fipy_assembly:
            return run_newton(
                lambda: self._fast_iterate(walls),
                tolerance=self.tolerance,
                max_iterations=self.max_iterations,
                what=f"Newton iteration of solve_pb (model={self.model!r})",
                raise_on_failure=raise_on_failure,
            )

        def iterate():
            old = np.array(self.psi.value)
            f, fprime, wall_flux = self._update(walls, old)
            if not self.spec.correlations:
                self.eq.sweep(var=self.psi, solver=self.solver, cacheResidual=lagged)
            else:
                old_w = np.array(self.w.value)
                self.eq.sweep(solver=self.solver, cacheResidual=lagged)
            matrix = self.eq.matrix.matrix
            delta, norm = damp(np.array(self.psi.value) - old, self.max_step)
            if norm > self.max_step:
                self.psi.setValue(old + delta)
                if self.w is not None:
                    self.w.setValue(
                        old_w + (np.array(self.w.value) - old_w) * (self.max_step / norm)
                    )
            new = np.array(self.psi.value)
            f_new, fprime_new = self.gas.source(new, self._born_shift)
            # Jacobian at the new state: only the f' entries change (constant permittivity);
            # assembled lazily in _tangent
            self._jacobian = (matrix, (fprime_new - fprime) * self.volumes)
            if lagged:
                r = np.abs(np.asarray(self.eq.residualVector, dtype=float))
                at, f_at, fp_at = old, f, fprime
            else:
                state = new if self.w is None else np.concatenate([new, np.array(self.w.value)])
                r = matrix @ state - np.asarray(self.eq.RHSvector, dtype=float)
                correction = self.volumes * (f + fprime * (new - old) - f_new)
                if self.w is None:
                    r = r + correction
                else:
                    r[self.n :] += correction
                r = np.abs(r)
                at, f_at, fp_at = new, f_new, fprime_new
            largest_wall_flux = float(np.max(wall_flux * self.volumes))
            return float(np.max(r) / self._residual_scale(at, f_at, fp_at, largest_wall_flux)), norm

        return run_newton(
            iterate,
            tolerance=self.tolerance,
            max_iterations=self.max_iterations,
            what=f"Newton iteration of solve_pb (model={self.model!r})",
            raise_on_failure=raise_on_failure,
        )

    def _linear_parts(self):
        """The constant finite-volume operator of a scalar PB problem, assembled directly.

        For a scalar equation with a state-independent permittivity the matrix FiPy assembles
        in every Newton sweep of ``DiffusionTerm(1) + FullyImplicitSourceTerm(implicit) +
        source`` is ``L0 + diag(V * implicit)`` with the right-hand side ``-V * source``
        (V the cell measures): L0 is tridiagonal with ``A_f/d_f`` (face measure over the
        centre distance) coupling the two cells of every interior face and minus their sum
        on the diagonal (zero flux through boundary faces; the walls and the bulk end are
        cell sources). It is built here from the geometry's metric in O(n) and agrees with
        FiPy's own assembly (:meth:`_fipy_linear_parts`, tested to round-off).
        Returns ``(banded L0, b0, d, r)`` with the system ``(L0 + diag(d implicit)) x =
        b0 + r source``.
        """
        if getattr(self, "_parts", None) is None:
            n = self.n
            transmissibility = self.face_areas[1:-1] / np.diff(self.centres)
            banded = np.zeros((3, n))
            banded[0, 1:] = transmissibility
            banded[2, :-1] = transmissibility
            banded[1, :-1] -= transmissibility
            banded[1, 1:] -= transmissibility
            self._parts = (banded, np.zeros(n), self.volumes.copy(), -self.volumes)
            for array in self._parts:
                array.setflags(write=False)
        return self._parts

    def _fipy_linear_parts(self):
        """The same parts as :meth:`_linear_parts`, from FiPy's assembly (two
        ``justResidualVector`` builds at coefficient values 0 and a large value; used to
        check the direct assembly and by what needs FiPy's operator)."""
        if self.fmesh is None:
            self._build_fipy()
        saved = (np.array(self.implicit.value), np.array(self.source.value))
        systems = []
        # second assembly at a coefficient so large that the source part dominates every
        # diagonal entry: (L0 + c d) - L0 then carries no cancellation error
        big = None
        for value in (0.0, big):
            if value is None:
                value = big = (
                    1e8
                    * float(np.max(np.abs(systems[0][0].diagonal())))
                    / float(np.min(self.volumes))
                )
            self.implicit.setValue(value)
            self.source.setValue(value)
            self.eq.justResidualVector(var=self.psi, solver=self.solver)
            matrix = self.eq.matrix.matrix.copy()  # FiPy reuses its matrix object
            systems.append((matrix, np.array(self.eq.RHSvector, dtype=float)))
        (m0, b0), (m1, b1) = systems
        off_diagonal = (m1 - m0).tocsr()
        off_diagonal.setdiag(0.0)
        off_diagonal.eliminate_zeros()
        if off_diagonal.nnz:  # the split relies on source terms being diagonal
            raise RuntimeError(
                "source terms changed off-diagonal matrix entries"
            )  # pragma: no cover
        banded = np.zeros((3, self.n))
        banded[0, 1:] = m0.diagonal(1)
        banded[1] = m0.diagonal(0)
        banded[2, :-1] = m0.diagonal(-1)
        if m0.nnz > banded[0, 1:].size + banded[1].size + banded[2, :-1].size:
            raise RuntimeError("FiPy operator is not tridiagonal")  # pragma: no cover
        self.implicit.setValue(saved[0])
        self.source.setValue(saved[1])
        return banded, b0, (m1.diagonal() - m0.diagonal()) / big, (b1 - b0) / big

    def _tridiagonal(self):
        """(coupling, diagonal) of the constant operator L0 of :meth:`_linear_parts` as 1-D
        arrays: L0 is symmetric (the same ``A_f/d_f`` couples both cells of a face), its
        sub- and super-diagonals are the one coupling array."""
        if self._tridiagonal_parts is None:
            banded = self._linear_parts()[0]
            coupling, diagonal = banded[0, 1:].copy(), banded[1].copy()
            for array in (coupling, diagonal):
                array.setflags(write=False)
            self._tridiagonal_parts = coupling, diagonal
        return self._tridiagonal_parts

    def _l0_product(self, x: np.ndarray) -> np.ndarray:
        """L0 @ x for the constant operator."""
        coupling, diagonal = self._tridiagonal()
        out = diagonal * x
        out[:-1] += coupling * x[1:]
        out[1:] += coupling * x[:-1]
        return out

    def _fast_residual(self, walls, psi, f):
        """Nonlinear residual R(psi) = L0 psi - V f(psi) + (wall and bulk-end fluxes) of the
        scalar problem (the equation FiPy assembles, written out; its Jacobian is
        L0 - diag(V f') - diag(V beta) on the wall cells and the bulk end) and the largest
        wall flux [residual units] for the residual scale."""
        r = self._l0_product(psi)
        r -= self.volumes * f
        flux = 0.0
        for cell, vol, implicit, source, _ in self._wall_terms(walls):
            wall_flux = vol * (source - implicit * psi[cell])
            r[cell] += wall_flux
            flux = max(flux, abs(wall_flux))
        if self._bulk_end is not None:
            r[-1] -= self._bulk_end * self.eps_cells[-1] * self.volumes[-1] * psi[-1]
        return r, flux

    def _fast_jacobian_diagonal(self, walls, fprime):
        """Diagonal of the Jacobian of :meth:`_fast_residual` at a state with source slope
        ``fprime``, and the unit response of the residual to the wall values (d R/d V)."""
        diagonal = self._tridiagonal()[1] - self.volumes * fprime
        wall_response = np.zeros(self.n)
        for cell, vol, implicit, _, response in self._wall_terms(walls):
            diagonal[cell] -= vol * implicit
            wall_response[cell] += vol * response
        if self._bulk_end is not None:
            diagonal[-1] -= self._bulk_end * self.eps_cells[-1] * self.volumes[-1]
        return diagonal, wall_response

    def _fast_iterate(self, walls):
        """One Newton step on the operator assembled once (see :meth:`_linear_parts`):
        solve J delta = -R(psi) (tridiagonal), damp, and return (scaled nonlinear residual
        at the new iterate, step norm). The source at the new iterate is kept: the next
        step and the observables start from it."""
        old = self.psi.value
        cached = self._source_at
        if cached is not None and cached[0] is old and cached[4] is walls and cached[5] is self.gas:
            f, fprime, r = cached[1], cached[2], cached[3]  # left by the previous step
        else:
            f, fprime = self.gas.source(old)
            r, _ = self._fast_residual(walls, old, f)
        diagonal, wall_response = self._fast_jacobian_diagonal(walls, fprime)
        coupling = self._tridiagonal()[0]
        # solve for the increment (not the new value): no cancellation near convergence
        delta = _solve_tridiagonal(coupling, diagonal, -r)
        delta, norm = damp(delta, self.max_step)
        new = old + delta
        self.psi.value = new  # a fresh array: nothing else holds it
        f_new, fprime_new = self.gas.source(new)
        # Jacobian at the new state differs only by the f' entries on the diagonal
        self._jacobian = (
            "tridiagonal",
            coupling,
            diagonal - self.volumes * (fprime_new - fprime),
            wall_response,
        )
        r_new, wall_flux = self._fast_residual(walls, new, f_new)
        self._source_at = (new, f_new, fprime_new, r_new, walls, self.gas)
        scale = self._residual_scale(new, f_new, fprime_new, wall_flux)
        return float(np.max(np.abs(r_new))) / scale, norm

    def _residual_scale(self, psi, f, fprime, wall_flux: float) -> float:
        """Physical scale of the nonlinear residual: the largest cell source or the largest
        wall flux ``wall_flux`` [residual units] (not the Dirichlet penalty beta V_P psi_wall,
        which cancels against the matrix diagonal)."""
        volume_scale = float(np.max(self.volumes * (np.abs(f) + fprime * np.abs(psi))))
        return max(volume_scale, wall_flux, 1e-300)

    def _guess(self, walls):
        """Sum of isolated-wall (first-integral) profiles from every wall (the geometry gives
        the distances from its walls)."""
        lam = self.debye_length
        distances = [d / lam for d in self.mesh.wall_distances(self.centres * lam)]
        return sum(
            halfspace_profile(d, self._wall_potential_estimate(w), self.gas)
            for d, w in zip(distances, walls)
        )

    def _set_state(self, psi, w=None):
        self.psi.setValue(psi)
        if self.w is not None:
            if w is None:
                w = self.gas.source(psi)[0]  # lap psi ~ f for a first guess
            self.w.setValue(w)

    def _solve_state(self, walls, initial=None):
        """Converge the state for ``walls``.

        Newton from the initial guess; if that fails, continuation in the wall values from
        zero; then (bsk) continuation in delta_c from 5% of its value and (bikerman, bsk)
        in the compacity from 0. ConvergenceError (with the whole residual history) if all fail.
        """
        if initial is None:
            self._set_state(self._guess(walls))
        else:
            self._set_state(*initial)
        result = self._newton(walls, raise_on_failure=False)
        if result.converged:
            return result
        history = list(result.history)
        attempts = ["wall values"]
        if self.spec.correlations:
            attempts.append("delta")
        if self.compacity > 0:
            attempts.append("compacity")
        failures = []
        for parameter in attempts:
            result = self._continuation(parameter, walls)
            history += result.history
            if result.converged:
                result.history = history
                result.iterations = len(history)
                return result
            failures.append(parameter)
        raise ConvergenceError(
            f"solve_pb (model={self.model!r}) did not converge, also with continuation in "
            f"{', '.join(failures)}",
            iterations=len(history),
            residual=result.residual,
            history=history,
        )

    def _continuation(self, parameter: str, walls, steps: int | None = None):
        """Continuation from an easy problem to ``walls`` in ``parameter``; restores parameters."""
        from ionscales.continuum.newton import NewtonResult

        history: list[float] = []
        gas, delta = self.gas, self.delta
        if parameter == "wall values":
            n_steps = steps or max(
                4, math.ceil(max(abs(self._wall_potential_estimate(w)) for w in walls))
            )
            path = np.linspace(0.0, 1.0, n_steps + 1)[1:]
            self._set_state(np.zeros(self.n))
        else:
            n_steps = steps or 8
            path = (
                np.geomspace(0.05, 1.0, n_steps)
                if parameter == "delta"
                else np.linspace(0.0, 1.0, n_steps + 1)
            )
            self._set_state(self._guess(walls))
        result = NewtonResult(False, 0, float("nan"))
        try:
            for t in path:
                stage_walls = walls
                if parameter == "wall values":
                    stage_walls = [_Wall(w.name, w.kind, w.value * t, w.stern) for w in walls]
                elif parameter == "delta":
                    self.delta2.setValue((delta * t) ** 2)
                else:
                    self.gas = LatticeGas(gas.z, gas.c, gas.gamma * t)
                result = self._newton(stage_walls, raise_on_failure=False)
                history += result.history
                if not result.converged:
                    break
        finally:
            self.gas = gas
            if self.w is not None:
                self.delta2.setValue(delta**2)
        result.history = history
        return result

    # -- public ----------------------------------------------------------------------------
    def _converge(self, potential, surface_charge, initial):
        walls = self._walls(potential, surface_charge)
        design = max(abs(self._wall_potential_estimate(w)) for w in walls)
        if design > self.design_potential * (1 + 1e-9) + 1e-12:
            layer = wall_resolution_length(
                self.gas.max_slope(design), correlation_length=self.delta
            )
            self.mesh.check_resolution(layer * self.debye_length, parameter="wall_potential")
        if isinstance(initial, PBState):
            initial = (initial.potential, initial.correlation_field)
        result = self._solve_state(walls, initial)
        self._walls_current = walls
        return walls, result

    def solve(self, wall_potential=None, surface_charge=None, *, initial=None, potential=None):
        """Solve for new wall conditions (SI); returns the labelled Dataset.

        Parameters
        ----------
        wall_potential, surface_charge : float or sequence, optional
            Wall conditions as in :func:`solve_pb` [V], [C/m^2].
        initial : PBState or tuple, optional
            Start Newton from this state (a :class:`PBState` or ``state.predict(dV)``).
        potential : float or sequence, optional
            Deprecated spelling of ``wall_potential``.
        """
        wall_potential = _renamed_potential(wall_potential, potential, "PBProblem.solve")
        walls, result = self._converge(wall_potential, surface_charge, initial)
        return self._dataset(walls, result)

    def solve_state(self, wall_potential=None, surface_charge=None, *, initial=None) -> PBState:
        """Converge the state for new wall conditions (SI) and return it with its wall values.

        The wall observables are those of :func:`solve_pb` (same routines: the wall-field
        charge, the integrated (Gauss-law) charge, the capacitance from the linear response
        or, with a state-dependent permittivity, from central differences of converged
        solves), without building the Dataset; :func:`capacitance_curve` continues through
        these states.

        Parameters
        ----------
        wall_potential, surface_charge : float or sequence, optional
            Wall conditions as in :func:`solve_pb` [V], [C/m^2].
        initial : PBState or tuple, optional
            Starting state: a :class:`PBState` or its :meth:`PBState.predict` value.
        """
        walls, result = self._converge(wall_potential, surface_charge, initial)
        psi = np.array(self.psi.value)
        w_state = None if self.w is None else np.array(self.w.value)
        tangent = self._tangent(walls)  # linear-response predictor for continuation
        tangent_w = None if self.w is None else np.array(self.tangent_w_value)
        if self.permittivity_function is None:
            responses = [self._wall_state(w, tangent, 1.0) for w in walls]
        else:  # the same route as the Dataset (the Jacobian lags the permittivity)
            responses = self._response_by_differences(walls, psi)
            self._set_state(psi, w_state)
        f, _ = self.gas.source(psi, self._born_shift)
        q_int, _ = self._integrated_charges(walls, psi, f)
        diffuse, charge, capacitance = [], [], []
        for w, (dpw, dq) in zip(walls, responses):
            pw, q = self._wall_state(w, psi, w.value)
            diffuse.append(pw)
            charge.append(q)
            capacitance.append(dq if w.kind == "potential" else (1.0 / dpw if dpw else np.inf))
        sigma_unit = elementary_charge * self.S * self.debye_length
        return PBState(
            potential=psi,
            correlation_field=w_state,
            tangent=tangent,
            tangent_correlation=tangent_w,
            thermal_voltage=self.thermal_voltage,
            surface_charge=np.asarray(charge) * sigma_unit,
            surface_charge_integrated=np.asarray(q_int) * sigma_unit,
            capacitance=np.asarray(capacitance) * self.eps / self.debye_length,
            diffuse_potential=np.asarray(diffuse) * self.thermal_voltage,
            converged=bool(result.converged),
            iterations=int(result.iterations),
            residual=float(result.residual),
            history=tuple(result.history),
        )

    def _tangent(self, walls):
        """Linear response of psi to a common unit change of every wall value.

        Solves J t = -dR/dV with the Jacobian J assembled by FiPy in the last Newton sweep
        (at the converged state; FiPy's right-hand side of a source s is -s V_P).
        """
        if isinstance(self._jacobian[0], str):  # fast path: tridiagonal operator assembled once
            _, coupling, diagonal, wall_response = self._jacobian
            tangent = _solve_tridiagonal(coupling, diagonal, -wall_response)
            if not np.all(np.isfinite(tangent)):
                raise ConvergenceError(
                    "solve_pb: the linear response (capacitance) of the converged state is "
                    "not finite (singular Jacobian)",
                    iterations=0,
                    residual=float("nan"),
                )
            return tangent
        matrix, dfp = self._jacobian
        rows = np.arange(self.n) + (self.n if self.w is not None else 0)
        sign = 1.0 if self.w is not None else -1.0
        if self.permittivity_function is None:
            matrix = matrix + csr_matrix(
                (sign * dfp, (rows, np.arange(self.n))), shape=matrix.shape
            )
        src = -self._tangent_src * self.volumes
        if self.w is not None:
            src = np.concatenate([src, np.zeros(self.n)])
        if self.w is None:  # tridiagonal: banded solve
            banded = np.zeros((3, self.n))
            banded[0, 1:] = matrix.diagonal(1)
            banded[1] = matrix.diagonal(0)
            banded[2, :-1] = matrix.diagonal(-1)
            solution = solve_banded((1, 1), banded, src)
        else:
            solution = spsolve(matrix.tocsc(), src)
        if self.w is not None:
            self.tangent_w_value = solution[self.n :]
        return np.asarray(solution[: self.n])

    def _response_by_differences(self, walls, psi, step: float = 1e-4):
        """(d psi_wall, d q) per unit change of all wall values, by central differences of two
        extra converged solves (used when the permittivity depends on the state)."""
        values = []
        for sign in (1.0, -1.0):
            shifted = [_Wall(w.name, w.kind, w.value + sign * step, w.stern) for w in walls]
            self._set_state(psi.copy())
            self._newton(shifted)
            state = np.array(self.psi.value)
            self._update_permittivity(state)
            values.append([self._wall_state(w, state, w.value) for w in shifted])
        self._set_state(psi.copy())
        self._update_permittivity(psi)
        return [
            ((up[0] - down[0]) / (2 * step), (up[1] - down[1]) / (2 * step))
            for up, down in zip(*values)
        ]

    # -- observables -----------------------------------------------------------------------
    def _wall_state(self, wall: _Wall, field: np.ndarray, value: float):
        """(diffuse-layer potential, wall charge) from the discrete flux through the wall face.

        Linear in (field, value), so it maps the tangent (linear response) too. The flux
        ``beta V_P (V - psi_P)/A`` is FiPy's own boundary flux: by discrete conservation the
        integrated ionic charge equals it up to the Newton residual.
        """
        cell, area, vol, s1, _ = self._wall_geometry[wall.name]
        eps_w = self.eps_cells[cell]
        if wall.kind == "potential":
            q = self._wall_beta(wall) * vol * (value - field[cell]) / area
        else:
            q = value
        return float(field[cell] + q * s1 / eps_w), float(q)

    def _midplane(self) -> float:
        """Position of the midplane between the two ends of the domain [Debye lengths]."""
        return 0.5 * (self.faces_scaled[0] + self.faces_scaled[-1])

    def _integrated_charges(self, walls, psi, f):
        """Wall charges [e S lambda_D] from the integrated ionic charge (Gauss's law on each
        wall's side of the midplane, with the displacement through the splitting face);
        returns (charges per wall, index of the first cell past the midplane or None)."""
        vols = self.volumes
        # integrated route: wall charge = - ionic charge on the wall's side (+ midplane field)
        if len(walls) == 1:
            q_int = [float(np.sum(f * vols)) / self._wall_geometry[walls[0].name][1]]
            mid = None
        else:
            mid = int(np.searchsorted(self.centres, self._midplane()))
            dx = self.centres[mid] - self.centres[mid - 1]
            eps_mid = self.eps_face.value[mid]
            grad_mid = (psi[mid] - psi[mid - 1]) / dx
            area_left = self._wall_geometry["left"][1]
            area_right = self._wall_geometry["right"][1]
            area_mid = float(self.face_areas[mid])
            # Gauss law on each half: A_l q_left = integral_0^m f dV - A_m D(m),
            # A_r q_right = integral_m^W f dV + A_m D(m), with the displacement
            # D = eps psi' - delta^2 w' (BSK) through the splitting face
            displacement = eps_mid * grad_mid
            if self.w is not None:
                w = np.array(self.w.value)
                displacement -= self.delta**2 * (w[mid] - w[mid - 1]) / dx
            q_int = [
                (float(np.sum(f[:mid] * vols[:mid])) - area_mid * displacement) / area_left,
                (float(np.sum(f[mid:] * vols[mid:])) + area_mid * displacement) / area_right,
            ]

        return q_int, mid

    def _dataset(self, walls, result):
        lam, vt, S = self.debye_length, self.thermal_voltage, self.S
        e = elementary_charge
        psi = np.array(self.psi.value)
        cached = self._source_at
        if (
            self._born_shift is None
            and cached is not None
            and cached[0] is self.psi.value
            and cached[5] is self.gas
        ):
            f = cached[1]  # computed by the last Newton step at this very state
        else:
            f, _ = self.gas.source(psi, self._born_shift)
        vols = self.volumes
        wall_area_total = sum(self._wall_geometry[w.name][1] for w in walls)
        if self.permittivity_function is None:
            tangent = self._tangent(walls)
            responses = [self._wall_state(w, tangent, 1.0) for w in walls]
        else:
            # the Jacobian lags the permittivity: linear response by central differences
            responses = self._response_by_differences(walls, psi)
        psi_w, q_field, cap, q_int, stern_drop = [], [], [], [], []
        for w, (dpw, dq) in zip(walls, responses):
            pw, q = self._wall_state(w, psi, w.value)
            psi_w.append(pw)
            q_field.append(q)
            stern_drop.append(w.stern * q)
            if w.kind == "potential":
                cap.append(dq)
            else:
                # C = dq / d(electrode potential) with the electrode at the wall (no Stern layer)
                cap.append(1.0 / dpw if dpw != 0 else np.inf)
        q_int, mid = self._integrated_charges(walls, psi, f)

        factors = self.gas.factors(psi, self._born_shift)
        conc = factors * (self.number_densities / avogadro)[:, None]
        excess_dimless = np.sum((factors - 1.0) * vols, axis=1) / wall_area_total
        excess = excess_dimless * lam * self.number_densities / avogadro
        nu = self.electrolyte.nu
        salt_excess = float(np.sum(excess) / np.sum(nu))

        # free energy (grand potential per wall area; Legendre transform for charge walls)
        free_energy = self._free_energy(walls, psi, psi_w, q_field)
        data = {
            "potential": (("x",), psi * vt, "V", "electrostatic potential relative to the bulk"),
            "ion_concentration": (("species", "x"), conc, "mol/m^3", "local ion concentration"),
            "charge_density": (("x",), -f * e * S, "C/m^3", "ionic charge density"),
            "ion_excess": (
                ("species",),
                excess,
                "mol/m^2",
                "ion excess (adsorption) per wall area",
            ),
            "salt_excess": (
                (),
                salt_excess,
                "mol/m^2",
                "salt excess per wall area (sum of ion excesses / ions per formula unit)",
            ),
            "debye_length": ((), lam, "m", "Debye length of the bulk"),
            "free_energy": (
                (),
                free_energy * S * boltzmann * self.electrolyte.temperature * lam,
                "J/m^2",
                "double-layer grand potential per wall area (fixed potential; Helmholtz "
                "free energy for charge-controlled walls); NaN where not defined",
            ),
        }
        wall_dims: tuple[str, ...] = ("wall",) if len(walls) > 1 else ()

        def per_wall(values):
            arr = np.asarray(values, dtype=float)
            return arr if wall_dims else arr[0]

        sigma_unit = e * S * lam
        cap_unit = self.eps / lam
        data.update(
            {
                "surface_charge": (
                    wall_dims,
                    per_wall(q_field) * sigma_unit,
                    "C/m^2",
                    "wall charge density from the wall field (Gauss law at the wall)",
                ),
                "surface_charge_integrated": (
                    wall_dims,
                    per_wall(q_int) * sigma_unit,
                    "C/m^2",
                    "wall charge density from the integrated ionic charge",
                ),
                "capacitance": (
                    wall_dims,
                    per_wall(cap) * cap_unit,
                    "F/m^2",
                    "differential capacitance d(surface charge)/d(electrode potential)",
                ),
                "wall_potential": (
                    wall_dims,
                    per_wall([pw + sd for pw, sd in zip(psi_w, stern_drop)]) * vt,
                    "V",
                    "electrode potential relative to the bulk",
                ),
                "diffuse_potential": (
                    wall_dims,
                    per_wall(psi_w) * vt,
                    "V",
                    "potential at the outer edge of the Stern layer (diffuse-layer drop)",
                ),
            }
        )
        if len(walls) == 2:  # two walls facing each other: the disjoining pressure
            p_mid, p_wall = self._pressures(walls, psi, psi_w, q_field, mid)
            p_unit = S * boltzmann * self.electrolyte.temperature
            data["disjoining_pressure"] = (
                (),
                p_mid * p_unit,
                "Pa",
                "disjoining pressure (midplane stress route)",
            )
            data["disjoining_pressure_wall"] = (
                wall_dims,
                per_wall(p_wall) * p_unit,
                "Pa",
                "disjoining pressure (contact-value route at each wall)",
            )
        coords = {
            "x": (("x",), self.centres * lam, "m", self.geometry.coordinate_long_name),
            "species": (
                ("species",),
                np.array(self.electrolyte.species, dtype=object).astype(str),
                "1",
                "ionic species",
            ),
        }
        if wall_dims:
            coords["wall"] = (("wall",), np.array([w.name for w in walls]).astype(str), "1", "wall")
        parameters = {
            "electrolyte": self.electrolyte.name,
            "concentration": self.concentration,
            "geometry": self.geometry.kind,
            "geometry_size": self.mesh.length,
            "compacity": self.compacity,
            "correlation_length": self.correlation_length,
            "stern_length": self.stern,
            "relative_permittivity": self.relative_permittivity,
            "permittivity_model": "none"
            if self.permittivity_function is None
            else getattr(self.permittivity_function, "__name__", "callable"),
            "temperature": self.electrolyte.temperature,
            "walls": {
                w.name: {
                    "condition": w.kind,
                    "value": w.value * (vt if w.kind == "potential" else sigma_unit),
                }
                for w in walls
            },
        }
        attrs = solver_attrs(
            converged=result.converged,
            iterations=result.iterations,
            residual=result.residual,
            linear_solver="scipy LinearLUSolver",
            linear_criterion="initial",
            cells=self.n,
            first_cell=float(
                self.mesh.widths[0] if walls[0].name == "left" else self.mesh.widths[-1]
            ),
        )
        attrs["geometry"] = self.geometry.kind
        attrs["residual_history"] = np.asarray(result.history, dtype=float)
        return make_dataset(
            data,
            coords,
            attrs=attrs,
            model=self.model,
            parameters=parameters,
            references=(*REFERENCES[self.model], FIPY_REFERENCE),
        )

    def _grad_energy(self, psi, psi_w_by_wall):
        """integral of eps_hat |grad psi|^2 dV over the domain (face differences)."""
        areas = self.face_areas
        c = self.centres
        # interior faces: eps_f (dpsi/d_f)^2 d_f A_f = eps_f dpsi^2 (A_f/d_f), A_f/d_f the
        # coupling of the operator
        coupling = self._tridiagonal()[0]
        total = float(np.sum(self.eps_face.value[1:-1] * np.diff(psi) ** 2 * coupling))
        # boundary half cells
        for name, pw in psi_w_by_wall.items():
            cell, area, _, s1, _ = self._wall_geometry[name]
            total += self.eps_cells[cell] * ((pw - psi[cell]) / s1) ** 2 * s1 * area
        if self._bulk_end is not None:
            s_end = self.faces_scaled[-1] - c[-1]
            total += self.eps_cells[-1] * (psi[-1] / s_end) ** 2 * s_end * areas[-1]
        return total

    def _free_energy(self, walls, psi, psi_w, q_field):
        # not defined here: with a concentration-dependent permittivity in Poisson only (no
        # free energy behind it), and for BSK, whose wall condition u''' = 0 is not the
        # natural boundary condition of the BSK functional (a surface term would be needed)
        if self.permittivity_function is not None or self.spec.correlations:
            return float("nan")
        area = sum(self._wall_geometry[w.name][1] for w in walls)
        energy = -0.5 * self._grad_energy(psi, {w.name: pw for w, pw in zip(walls, psi_w)})
        energy -= float(np.sum(self.gas.pressure(psi) * self.volumes))
        for w, q in zip(walls, q_field):
            a = self._wall_geometry[w.name][1]
            energy -= 0.5 * w.stern * q**2 * a
        omega = energy / area
        # Legendre transform for charge-controlled walls: F = Omega + sum q psi_w
        for w, q, pw in zip(walls, q_field, psi_w):
            if w.kind == "charge":
                omega += q * pw * self._wall_geometry[w.name][1] / area
        return omega

    def _pressures(self, walls, psi, psi_w, q_field, mid):
        """Disjoining pressure [S kT]: midplane route and wall (contact) route."""
        if self.permittivity_function is not None:
            return float("nan"), [float("nan")] * len(walls)
        c = self.centres
        x_mid = self._midplane()
        dx = c[mid] - c[mid - 1]
        t = (x_mid - c[mid - 1]) / dx
        psi_mid = (1 - t) * psi[mid - 1] + t * psi[mid]
        grad_mid = (psi[mid] - psi[mid - 1]) / dx
        p_mid = float(self.gas.pressure(psi_mid)) - 0.5 * grad_mid**2
        p_wall = []
        if self.w is not None:
            w = np.array(self.w.value)
            w_mid = (1 - t) * w[mid - 1] + t * w[mid]
            dw_mid = (w[mid] - w[mid - 1]) / dx
            p_mid += self.delta**2 * (grad_mid * dw_mid - 0.5 * w_mid**2)
        for wall, pw, q in zip(walls, psi_w, q_field):
            p = float(self.gas.pressure(pw)) - 0.5 * q**2
            if self.w is not None:
                cell, _, _, s1, s2 = self._wall_geometry[wall.name]
                c2 = 1 if wall.name == "left" else self.n - 2
                b = (w[c2] - w[cell]) / (s2**2 - s1**2)  # w = w_wall + b s^2 (w' = 0 at the wall)
                w_wall = w[cell] - b * s1**2
                p -= 0.5 * self.delta**2 * w_wall**2
            p_wall.append(p)
        return p_mid, p_wall


# ----------------------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------------------
def solve_pb(
    electrolyte: Electrolyte,
    concentration: float,
    geometry,
    wall_potential: float | Sequence[float | None] | None = None,
    surface_charge: float | Sequence[float | None] | None = None,
    model: str = "pb",
    compacity: float | None = None,
    correlation_length: float | None = None,
    stern_length: float | Sequence[float] | None = None,
    permittivity: float | Callable | None = None,
    *,
    first_cell: float | None = None,
    refinement: int = 1,
    tolerance: float = 1e-9,
    max_iterations: int = 60,
    born_solvation: bool = True,
    potential: float | Sequence[float | None] | None = None,
):
    """Equilibrium double layer(s) of the Poisson–Boltzmann family, solved with FiPy.

    Parameters
    ----------
    electrolyte : Electrolyte
        Ions (any number, any valences) and solvent; its temperature is used.
    concentration : float
        Bulk (reservoir) salt concentration [mol/m^3], > 0.
    geometry : HalfSpace, Slit or CylindricalPore
        Domain and (optionally) mesh.
    wall_potential : float or sequence, optional
        Wall (electrode) potential relative to the bulk [V]; for a Slit a pair
        (left, right) for asymmetric walls (``None`` entries where ``surface_charge`` is given).
    surface_charge : float or sequence, optional
        Wall charge density [C/m^2] instead of a potential (same per-wall rules).
    model : {"pb", "bikerman", "bsk"}
        Point-ion PB; lattice-gas steric (Bikerman/Kornyshev); BSK correlations + sterics.
    compacity : float, optional
        Kornyshev compacity gamma = bulk ionic volume fraction [1] in [0, 1) for "bikerman"
        and "bsk". Default: ``sum_i n_i d_i^3`` from the ion diameters and the concentration.
    correlation_length : float, optional
        BSK correlation length l_c [m] (required for "bsk").
    stern_length : float or sequence, optional
        Stern length l_S [m] (Stern capacitance eps/l_S with the solvent permittivity, i.e.
        the layer thickness times eps_solvent/eps_Stern) for potential-controlled walls.
    permittivity : float or callable, optional
        Relative permittivity (default: the solvent's) or a LOCAL permittivity: a function
        of the local salt concentration [mol/m^3] returning the static eps_r of a uniform
        solution at that concentration (a dielectric decrement; see
        :func:`ionscales.continuum.bridge.permittivity_from_theory`). It enters Poisson cell
        by cell and, with ``born_solvation``, the ions' Born solvation energies.
    first_cell : float, optional
        Wall-cell width of the default graded mesh [m] (default 1% of the wall-layer
        thickness ``min(lambda_D / sqrt(max df/dpsi), l_c)``).
    refinement : int
        Subdivide the mesh (convergence studies).
    tolerance : float
        Scaled nonlinear residual at convergence.
    max_iterations : int
        Newton iterations before continuation / ConvergenceError.
    born_solvation : bool
        With a concentration-dependent ``permittivity``: add each ion's Born solvation
        energy relative to the bulk, W_i(x) - W_i(bulk) with
        W_i = z_i^2 e^2 / (8 pi eps_0 eps_r(c(x)) a_i), a_i = d_i/2 [J], to its Boltzmann
        exponent (default True; ignored for a constant permittivity).
    potential : float or sequence, optional
        Deprecated spelling of ``wall_potential`` (DeprecationWarning); the output profile
        is the variable ``potential``.

    Returns
    -------
    xarray.Dataset
        Over ``x`` (cell centres [m]) and ``species`` (and ``wall`` for slits):
        ``potential`` [V], ``ion_concentration`` [mol/m^3], ``charge_density`` [C/m^3];
        ``surface_charge`` (wall-field route) and ``surface_charge_integrated`` [C/m^2],
        ``capacitance`` [F/m^2] (all walls' values changed together), ``wall_potential``,
        ``diffuse_potential`` [V], ``ion_excess`` [mol/m^2], ``salt_excess`` [mol/m^2],
        ``free_energy`` [J/m^2], ``debye_length`` [m]; for slits ``disjoining_pressure``
        (midplane route) and ``disjoining_pressure_wall`` (contact route) [Pa]: the NORMAL
        stress, i.e. the xx component of the (Maxwell + osmotic, and for "bsk" the
        correlation) stress tensor minus the bulk osmotic pressure, the force per wall
        area pushing the walls apart; for "bsk" it includes the delta^2 terms of the BSK
        stress (constant across the slit in equilibrium, which the two routes check). Attrs:
        converged, iterations, residual, residual_history, model, parameters, references.

    Raises
    ------
    ParameterError
        Bad input (non-positive sizes or concentration, non-finite potential,
        contradictory or missing wall conditions, a mesh that cannot resolve the layer).
    ConvergenceError
        Newton (with continuation) did not converge; carries the residual history.

    Examples
    --------
    >>> from ionscales import continuum, presets
    >>> from ionscales.units import M
    >>> salt = presets.get("NaCl(aq)")
    >>> edl = continuum.solve_pb(
    ...     salt, 0.1 * M, continuum.HalfSpace(), wall_potential=0.2, model="bikerman"
    ... )
    >>> float(edl.surface_charge) > 0
    True

    Notes
    -----
    See the module docstring for the equations. Per-area quantities of a CylindricalPore
    are per unit wall area (FiPy's cylindrical volumes divided by the wall face area).
    """
    wall_potential = _renamed_potential(wall_potential, potential, "solve_pb")
    problem = PBProblem(
        electrolyte,
        concentration,
        geometry,
        wall_potential=wall_potential,
        surface_charge=surface_charge,
        model=model,
        compacity=compacity,
        correlation_length=correlation_length,
        stern_length=stern_length,
        permittivity=permittivity,
        first_cell=first_cell,
        refinement=refinement,
        tolerance=tolerance,
        max_iterations=max_iterations,
        born_solvation=born_solvation,
    )
    return problem.solve(wall_potential=wall_potential, surface_charge=surface_charge)


def capacitance_curve(
    electrolyte: Electrolyte,
    concentration: float,
    geometry,
    voltages,
    model: str = "pb",
    **options,
):
    """Surface charge and differential capacitance versus electrode potential, with continuation.

    One :class:`PBProblem` is built (mesh resolved for the largest |voltage|) and reused:
    voltages are visited outward from the one nearest zero, each Newton solve starting from
    the previous solution plus the linear-response (tangent) predictor.

    Parameters
    ----------
    electrolyte, concentration, geometry, model
        As in :func:`solve_pb`; every wall gets the same potential.
    voltages : array_like
        Electrode potentials relative to the bulk [V], finite (any order; returned in the
        given order).
    **options
        Other keywords of :func:`solve_pb` (compacity, correlation_length, stern_length,
        permittivity, first_cell, refinement, tolerance, max_iterations).

    Returns
    -------
    xarray.Dataset
        Over ``voltage`` [V]: ``surface_charge`` and ``surface_charge_integrated`` [C/m^2],
        ``capacitance`` [F/m^2], ``diffuse_potential`` [V], ``iterations``; the first wall's
        values for slits. Attrs: converged (all points), iterations (total), residual (max).
    """
    from ionscales.validation import as_float_array

    v = as_float_array("voltages", voltages, ndim=1)
    if v.size == 0:
        raise ParameterError("voltages", "needs at least one potential [V]", voltages)
    vmax = float(np.max(np.abs(v)))
    problem = PBProblem(
        electrolyte,
        concentration,
        geometry,
        wall_potential=vmax if vmax > 0 else 0.0,
        model=model,
        design_potential=vmax,
        **options,
    )
    order = np.argsort(v)
    start = int(np.argmin(np.abs(v[order])))
    sequence = list(order[start:]) + list(order[:start][::-1])
    charge = np.empty(v.size)
    charge_int = np.empty(v.size)
    cap = np.empty(v.size)
    diffuse = np.empty(v.size)
    iterations = np.zeros(v.size, dtype=int)
    residuals = np.empty(v.size)
    states: dict[int, PBState] = {}
    for rank, i in enumerate(sequence):
        initial = None
        if rank > 0:
            # predictor from the nearest already-solved neighbour in the sweep direction
            j = sequence[rank - 1] if rank != len(order) - start else sequence[0]
            initial = states[j].predict(v[i] - v[j])
        state = problem.solve_state(float(v[i]), initial=initial)
        states[i] = state
        # the first wall's values, computed by the same routines as solve_pb
        charge[i] = state.surface_charge[0]
        charge_int[i] = state.surface_charge_integrated[0]
        cap[i] = state.capacitance[0]
        diffuse[i] = state.diffuse_potential[0]
        iterations[i], residuals[i] = state.iterations, state.residual
    data = {
        "surface_charge": (
            ("voltage",),
            charge,
            "C/m^2",
            "wall charge density from the wall field",
        ),
        "surface_charge_integrated": (
            ("voltage",),
            charge_int,
            "C/m^2",
            "wall charge density from the integrated ionic charge",
        ),
        "capacitance": (
            ("voltage",),
            cap,
            "F/m^2",
            "differential capacitance d(surface charge)/d(electrode potential)",
        ),
        "diffuse_potential": (("voltage",), diffuse, "V", "diffuse-layer potential drop"),
        "iterations": (("voltage",), iterations, "1", "Newton iterations at this potential"),
        "debye_length": ((), problem.debye_length, "m", "Debye length of the bulk"),
    }
    coords = {"voltage": (("voltage",), v, "V", "electrode potential relative to the bulk")}
    parameters = {
        "electrolyte": electrolyte.name,
        "concentration": problem.concentration,
        "geometry": geometry.kind,
        "compacity": problem.compacity,
        "correlation_length": problem.correlation_length,
        "stern_length": problem.stern,
    }
    attrs = solver_attrs(
        converged=True,
        iterations=int(iterations.sum()),
        residual=float(np.max(residuals)),
        cells=problem.n,
        linear_solver="scipy LinearLUSolver",
        linear_criterion="initial",
    )
    return make_dataset(
        data,
        coords,
        attrs=attrs,
        model=problem.model,
        parameters=parameters,
        references=(*REFERENCES[problem.model], FIPY_REFERENCE),
    )
