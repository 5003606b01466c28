"""Geometries and graded one-dimensional meshes for the continuum layer.

Four geometries, all one-dimensional (planar, axisymmetric or spherically symmetric):

- :class:`HalfSpace` — one charged wall at ``x = 0`` and a bulk reservoir at
  ``x = length`` (potential and concentrations equal to the bulk there);
- :class:`Slit` — two walls at ``x = 0`` and ``x = width`` (symmetric or asymmetric wall
  conditions are chosen by the solver's ``wall_potential``/``surface_charge`` arguments);
- :class:`CylindricalPore` — a cylinder of radius ``radius`` with the wall at ``r = radius``
  and the axis at ``r = 0`` (zero flux by symmetry);
- :class:`Sphere` — the electrolyte outside a charged sphere of radius ``radius`` (wall at
  ``r = radius``) with a bulk reservoir at ``r = radius + length``.

Each geometry turns into a :class:`Mesh1D` (face positions in metres, its walls and the
metric of its coordinate) through :meth:`mesh`; the mesh is the only place that knows
metric factors and wall areas, and :class:`ionscales.continuum.fipy_mesh.FiPyMesh` is the
one adapter that turns it into FiPy objects for the PB and PNP solvers. By default meshes
are *graded*: cells grow geometrically away from every wall, from a first cell ``first_cell`` to a largest cell ``max_cell``, following the
smooth mapping of :func:`graded_faces`, so that refining (``refinement=2, 4, ...``)
subdivides the same smooth mapping and gives clean second-order convergence. A user may
pass ``spacing=`` (cell widths [m], ordered along the coordinate) instead.

The solvers choose ``first_cell`` from the thickness of the wall layer they must resolve
(:func:`wall_resolution_length`): the first cell sits well below the Gouy–Chapman length
at the wall potential. :meth:`Mesh1D.check_resolution` raises
:class:`~ionscales.errors.ParameterError` when a (user) mesh cannot resolve that layer.

Public API used by the PB solver (``continuum.pb``) and the PNP solver (``continuum.pnp``):
``HalfSpace``, ``Slit``, ``CylindricalPore``, ``Sphere``, ``Mesh1D``, ``graded_faces``,
``uniform_faces``, ``faces_from_spacing``, ``wall_resolution_length``,
``FIRST_CELL_FRACTION``, ``MAX_CELL_FRACTION``, ``MIN_HALFSPACE_DECAY_LENGTHS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_integer

__all__ = [
    "HalfSpace",
    "Slit",
    "CylindricalPore",
    "Sphere",
    "Mesh1D",
    "graded_faces",
    "uniform_faces",
    "faces_from_spacing",
    "wall_resolution_length",
    "FIRST_CELL_FRACTION",
    "MAX_CELL_FRACTION",
    "MIN_HALFSPACE_DECAY_LENGTHS",
    "DEFAULT_HALFSPACE_DECAY_LENGTHS",
]

#: default first cell at a charged wall, as a fraction of the wall-layer thickness
FIRST_CELL_FRACTION = 0.005
#: a mesh whose first cell exceeds this fraction of the wall-layer thickness is rejected
MAX_FIRST_CELL_FRACTION = 0.5
#: default largest cell, as a fraction of the (slowest) screening decay length
MAX_CELL_FRACTION = 0.05
#: default geometric growth factor of neighbouring cells
DEFAULT_GROWTH = 1.035
#: a HalfSpace must be at least this many decay lengths long (bulk boundary condition)
MIN_HALFSPACE_DECAY_LENGTHS = 10.0
#: default HalfSpace length in decay lengths
DEFAULT_HALFSPACE_DECAY_LENGTHS = 25.0


# ----------------------------------------------------------------------------------------
# mesh builders (pure functions; any length unit)
# ----------------------------------------------------------------------------------------
def _graded_mapping(s, *, first_cell: float, max_cell: float, growth: float):
    """Position X(s) of face index s (continuous) for cell widths w(s) = 1/(1/(h0 g^s) + 1/hmax)."""
    log_g = math.log(growth)
    return (max_cell / log_g) * np.log(
        (max_cell + first_cell * np.power(growth, s)) / (max_cell + first_cell)
    )


def graded_faces(
    length: float,
    *,
    first_cell: float,
    max_cell: float | None = None,
    growth: float = DEFAULT_GROWTH,
    refinement: int = 1,
    two_sided: bool = False,
    reverse: bool = False,
) -> np.ndarray:
    """Face positions of a smoothly graded mesh on ``[0, length]``.

    Cell widths follow ``w(s) = 1 / (1/(first_cell growth^s) + 1/max_cell)`` over the
    (continuous) cell index ``s``: geometric growth from the wall that saturates at
    ``max_cell``. Faces sit at the exact integral ``X(s)`` of ``w`` (closed form), rescaled
    to end exactly at ``length``. ``refinement = m`` puts faces at ``X(k/m)``: the same
    smooth mapping with m times more cells, so observed convergence orders are clean.

    Parameters
    ----------
    length : float
        Domain length [any unit, the same as first_cell and max_cell], > 0.
    first_cell : float
        Width of the cell at the wall (before refinement), > 0.
    max_cell : float, optional
        Largest cell width (before refinement); default ``length / 10``.
    growth : float
        Ratio of neighbouring cell widths near the wall, > 1. Default 1.035 (DEFAULT_GROWTH: Grahame charge to 1e-4 up to 10 kT/e on the default half-space mesh).
    refinement : int
        Cells per cell of the base mesh (>= 1).
    two_sided : bool
        Grade towards both ends (mirror image about the midpoint), e.g. a slit.
    reverse : bool
        Grade towards ``x = length`` instead of ``x = 0`` (ignored when two_sided).

    Returns
    -------
    ndarray
        Increasing face positions, ``faces[0] = 0``, ``faces[-1] = length``.
    """
    length = float(as_float_array("length", length))
    if length <= 0:
        raise ParameterError("length", "must be > 0", length)
    first_cell = float(as_float_array("first_cell", first_cell))
    if max_cell is None:
        max_cell = length / 10.0
    max_cell = float(as_float_array("max_cell", max_cell))
    if first_cell <= 0:
        raise ParameterError("first_cell", "must be > 0", first_cell)
    if max_cell <= 0:
        raise ParameterError("max_cell", "must be > 0", max_cell)
    growth = float(as_float_array("growth", growth))
    if not growth > 1.0:
        raise ParameterError("growth", "must be > 1 (ratio of neighbouring cell widths)", growth)
    refinement = check_integer("refinement", refinement, minimum=1)
    if two_sided:
        half = graded_faces(
            length / 2,
            first_cell=first_cell,
            max_cell=max_cell,
            growth=growth,
            refinement=refinement,
        )
        return np.concatenate([half, length - half[-2::-1]])
    max_cell = max(max_cell, first_cell)
    first_cell = min(first_cell, length)
    log_g = math.log(growth)
    # cell index at which X(s) = length
    arg = ((max_cell + first_cell) * math.exp(length * log_g / max_cell) - max_cell) / first_cell
    s_end = math.log(arg) / log_g if math.isfinite(arg) else length / max_cell + 50.0
    n_cells = max(1, math.ceil(s_end - 1e-9))
    s = np.arange(n_cells * refinement + 1) / refinement
    # stretch the index so that the last face lands on `length` exactly and smoothly
    x = _graded_mapping(
        s * (s_end / n_cells), first_cell=first_cell, max_cell=max_cell, growth=growth
    )
    x = x * (length / x[-1])
    x[0], x[-1] = 0.0, length
    if reverse:
        x = length - x[::-1]
    return x


def uniform_faces(length: float, cells: int) -> np.ndarray:
    """Face positions of a uniform mesh of ``cells`` cells on ``[0, length]``."""
    length = float(as_float_array("length", length))
    if length <= 0:
        raise ParameterError("length", "must be > 0", length)
    cells = check_integer("cells", cells, minimum=1)
    return np.linspace(0.0, length, cells + 1)


def faces_from_spacing(spacing, *, name: str = "spacing") -> np.ndarray:
    """Face positions [m] (starting at 0) from an array of cell widths [m] (all > 0)."""
    widths = as_float_array(name, spacing, ndim=1)
    if widths.size < 3:
        raise ParameterError(name, "needs at least 3 cells (cell widths in metres)", spacing)
    if np.any(widths <= 0):
        raise ParameterError(name, "cell widths must be > 0 m", spacing)
    return np.concatenate([[0.0], np.cumsum(widths)])


def wall_resolution_length(slope_max: float, *, correlation_length: float = 0.0) -> float:
    """Thickness of the wall layer in decay-length units, used to size the first cell.

    Parameters
    ----------
    slope_max : float
        max over the potentials between bulk and wall of ``d rho / d psi`` in Debye units
        (``cosh(psi0)`` for a symmetric 1:1 PB layer), >= 1.
    correlation_length : float
        BSK correlation length in Debye lengths (>= 0): the boundary sublayer of width
        ``l_c`` must be resolved too.

    Returns
    -------
    float
        ``min(1/sqrt(slope_max), l_c)`` (l_c ignored when 0) [Debye lengths]; for PB this is
        the local screening length at the wall, ~ sqrt(2) e^(-|psi0|/2): the Gouy–Chapman
        length at the wall potential.
    """
    slope_max = max(float(slope_max), 1e-300)
    length = 1.0 / math.sqrt(max(slope_max, 1.0))
    if correlation_length > 0:
        length = min(length, float(correlation_length))
    return length


# ----------------------------------------------------------------------------------------
# the mesh
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Mesh1D:
    """A one-dimensional mesh in SI units (faces [m]) plus where the walls are.

    The mesh is the only place that knows the metric of its coordinate: the face measure
    ``A(r) = r^metric`` and the exact cell measure ``integral r^metric dr`` (per unit area,
    per radian or per steradian); solvers and the FiPy adapter
    (:class:`ionscales.continuum.fipy_mesh.FiPyMesh`) use :meth:`scaled_cell_volumes` and
    :meth:`scaled_face_areas` and never branch on the geometry.

    Parameters
    ----------
    faces : ndarray
        Increasing face positions [m] (``faces[0] = 0`` for planar and cylindrical
        meshes; a curved mesh whose inner end is a wall starts at the wall radius).
    coordinate : str
        ``"x"`` (planar) or ``"r"`` (radius).
    cylindrical : bool
        Axisymmetric (cell volumes r dr per radian); the same as ``metric=1``.
    walls : tuple of str
        Which ends are walls: ``"left"`` (face 0) and/or ``"right"`` (last face).
    metric : int, optional
        Exponent m of the face measure r^m [1]: 0 planar, 1 cylindrical, 2 spherical.
        Default: 1 if ``cylindrical`` else 0.
    """

    faces: np.ndarray
    coordinate: str = "x"
    cylindrical: bool = False
    walls: tuple[str, ...] = ("left",)
    metric: int | None = None

    def __post_init__(self):
        faces = np.asarray(self.faces, dtype=float)
        if faces.ndim != 1 or faces.size < 4 or not np.all(np.isfinite(faces)):
            raise ParameterError(
                "faces", "must be a finite 1-D array of at least 4 face positions [m]"
            )
        if np.any(np.diff(faces) <= 0):
            raise ParameterError("faces", "must be strictly increasing (cell widths > 0)")
        metric = (1 if self.cylindrical else 0) if self.metric is None else self.metric
        metric = check_integer("metric", metric, minimum=0)
        if self.cylindrical and metric != 1:
            raise ParameterError("metric", "must be 1 for a cylindrical mesh", metric)
        if metric > 0 and faces[0] < 0:
            raise ParameterError("faces", "a curved mesh needs radii >= 0 m", float(faces[0]))
        faces = faces.copy()
        faces.setflags(write=False)
        object.__setattr__(self, "faces", faces)
        object.__setattr__(self, "metric", metric)
        object.__setattr__(self, "cylindrical", metric == 1)

    @property
    def n_cells(self) -> int:
        return self.faces.size - 1

    @property
    def widths(self) -> np.ndarray:
        """Cell widths [m]."""
        return np.diff(self.faces)

    @property
    def centres(self) -> np.ndarray:
        """Cell centres [m]."""
        return 0.5 * (self.faces[1:] + self.faces[:-1])

    @property
    def length(self) -> float:
        return float(self.faces[-1] - self.faces[0])

    def wall_cell_width(self, wall: str) -> float:
        """Width [m] of the cell touching ``wall`` ("left" or "right")."""
        w = self.widths
        return float(w[0] if wall == "left" else w[-1])

    def wall_distances(self, positions) -> list[np.ndarray]:
        """Distance [m] of ``positions`` [m] from each wall, in the order of ``walls``."""
        positions = np.asarray(positions, dtype=float)
        return [
            positions - self.faces[0] if wall == "left" else self.faces[-1] - positions
            for wall in self.walls
        ]

    def cell_volumes(self) -> np.ndarray:
        """Cell measures [m^(1+metric)]: planar width per unit area, cylindrical r dr per
        radian (FiPy's convention; times 2 pi for the volume per unit length), spherical
        the exact integral of r^2 dr per steradian (times 4 pi for the volume)."""
        return self.scaled_cell_volumes(1.0)

    def scaled_cell_volumes(self, length_scale: float = 1.0) -> np.ndarray:
        """Cell measures in units of ``length_scale`` (see :meth:`cell_volumes`)."""
        faces = self.faces / float(length_scale)
        widths = np.diff(faces)
        if self.metric == 0:
            return widths
        if self.metric == 1:
            return widths * 0.5 * (faces[1:] + faces[:-1])
        lo, hi = faces[:-1], faces[1:]
        m = self.metric
        # integral_lo^hi r^m dr = w sum_k hi^k lo^(m-k) / (m+1), without cancellation
        total = sum(hi**k * lo ** (m - k) for k in range(m + 1))
        return widths * total / (m + 1)

    def scaled_face_areas(self, length_scale: float = 1.0) -> np.ndarray:
        """Face measures r^metric in units of ``length_scale`` (planar: 1; cylindrical: r per
        radian; spherical: r^2 per steradian); the wall area of a wall face is its entry."""
        faces = self.faces / float(length_scale)
        return faces**self.metric if self.metric else np.ones_like(faces)

    def fipy(self, length_scale: float = 1.0):
        """FiPy's own grid for this mesh in units of ``length_scale`` [m] (``Grid1D`` or
        ``CylindricalGrid1D``; see :meth:`FiPyMesh.native_mesh
        <ionscales.continuum.fipy_mesh.FiPyMesh.native_mesh>`). The solvers use
        :class:`~ionscales.continuum.fipy_mesh.FiPyMesh`, which supports every metric."""
        from ionscales.continuum.fipy_mesh import FiPyMesh

        return FiPyMesh(self, length_scale).native_mesh()

    def check_resolution(
        self,
        layer_thickness: float,
        *,
        parameter: str = "spacing",
        fraction: float = MAX_FIRST_CELL_FRACTION,
    ) -> None:
        """Raise ParameterError when a wall cell is wider than ``fraction * layer_thickness`` [m]."""
        for wall in self.walls:
            h = self.wall_cell_width(wall)
            if h > fraction * layer_thickness:
                raise ParameterError(
                    parameter,
                    f"the cell at the {wall} wall is {h:.3e} m wide, which cannot resolve the wall "
                    f"layer of thickness {layer_thickness:.3e} m (the first cell must be <= "
                    f"{fraction:g} x that; refine the mesh near the wall or omit spacing= for the "
                    "default graded mesh)",
                )


# ----------------------------------------------------------------------------------------
# geometries
# ----------------------------------------------------------------------------------------
def _positive_length(name: str, value, optional: bool = False):
    if value is None and optional:
        return None
    if isinstance(value, bool):
        raise ParameterError(name, "must be a finite length > 0 [m]", value)
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, "must be a finite length > 0 [m]", value) from exc
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(name, "must be a finite length > 0 [m]", value)
    if v > 1.0:
        raise ParameterError(
            name, "must be in metres (> 0 and <= 1 m); use ionscales.units.nm", value
        )
    return v


def _spacing(value, total: float | None, name_total: str):
    if value is None:
        return None
    faces = faces_from_spacing(value)
    if total is not None and not math.isclose(faces[-1], total, rel_tol=1e-9):
        raise ParameterError(
            "spacing",
            f"cell widths sum to {faces[-1]:.6e} m but {name_total} is {total:.6e} m; they must agree",
        )
    widths = np.diff(faces)
    widths.setflags(write=False)
    return widths


class _Geometry:
    """Shared behaviour (not public)."""

    kind: str = ""
    coordinate: str = "x"
    #: exponent m of the face measure r^m (0 planar, 1 cylindrical, 2 spherical)
    metric: int = 0
    #: position of face 0 [m] (0 except for a curved domain outside a wall, e.g. a sphere)
    inner_radius: float = 0.0
    walls: tuple[str, ...] = ()
    #: long name of the coordinate of the solvers' profiles
    coordinate_long_name: str = "distance from the left wall"
    #: whether the far end is a bulk reservoir (potential 0, bulk concentrations)
    bulk_end: bool = False

    @property
    def cylindrical(self) -> bool:
        """Axisymmetric (``metric == 1``)."""
        return self.metric == 1

    def _mesh_from(self, faces: np.ndarray) -> Mesh1D:
        return Mesh1D(
            faces=faces + self.inner_radius,
            coordinate=self.coordinate,
            walls=self.walls,
            metric=self.metric,
        )

    def _graded_mesh(
        self,
        length: float,
        *,
        decay_length: float,
        first_cell: float,
        max_cell: float | None,
        refinement: int,
        growth: float,
        bounded: bool = False,
        **sides,
    ) -> Mesh1D:
        """Mesh [m] of a domain of ``length``: the user ``spacing`` if given, else graded from
        the wall(s) (largest cell default ``MAX_CELL_FRACTION`` decay lengths). A ``bounded``
        domain keeps at least 20 cells across even when it is much narrower than the decay
        length; ``sides`` (``two_sided=True`` or ``reverse=True``) go to
        :func:`graded_faces` (default: one wall at face 0 and a bulk far end)."""
        if self.spacing is not None:
            return self._mesh_from(_split(self.spacing, refinement))
        if max_cell is None:
            max_cell = MAX_CELL_FRACTION * decay_length
        if bounded:
            max_cell = min(max_cell, length / 20.0)
            first_cell = min(first_cell, max_cell)
        return self._mesh_from(
            graded_faces(
                length,
                first_cell=first_cell,
                max_cell=max_cell,
                growth=growth,
                refinement=refinement,
                **sides,
            )
        )

    def describe(self) -> str:  # pragma: no cover - trivial
        return repr(self)


@dataclass(frozen=True, eq=False)
class HalfSpace(_Geometry):
    """A single wall at ``x = 0`` facing a semi-infinite electrolyte.

    The semi-infinite domain is truncated at ``x = length`` where the bulk conditions hold
    (potential 0, bulk concentrations).

    Parameters
    ----------
    length : float, optional
        Truncated domain length [m]. Default: 25 (slowest) screening decay lengths, chosen
        by the solver. Must be at least 10 decay lengths.
    spacing : array_like, optional
        Cell widths [m] from the wall outwards (then ``length`` defaults to their sum).
        Default: graded mesh refined at the wall.
    """

    length: float | None = None
    spacing: np.ndarray | None = field(default=None, repr=False)

    kind = "halfspace"
    walls = ("left",)
    bulk_end = True

    def __post_init__(self):
        length = _positive_length("length", self.length, optional=True)
        widths = _spacing(self.spacing, length, "length")
        if length is None and widths is not None:
            length = float(np.sum(widths))
        object.__setattr__(self, "length", length)
        object.__setattr__(self, "spacing", widths)

    def domain_length(
        self, decay_length: float, *, min_decay_lengths: float = MIN_HALFSPACE_DECAY_LENGTHS
    ) -> float:
        """Truncated length [m]; validates that it spans >= ``min_decay_lengths`` decay
        lengths [m] (default 10: a semi-infinite layer; a PNP reservoir at a finite distance
        accepts shorter domains)."""
        if self.length is None:
            return DEFAULT_HALFSPACE_DECAY_LENGTHS * decay_length
        if self.length < min_decay_lengths * decay_length * (1 - 1e-12):
            raise ParameterError(
                "length",
                f"a HalfSpace must span at least {min_decay_lengths:g} screening decay "
                f"lengths ({min_decay_lengths * decay_length:.3e} m) for the bulk boundary "
                "condition to hold",
                self.length,
            )
        return self.length

    def mesh(
        self,
        *,
        decay_length: float,
        first_cell: float,
        max_cell: float | None = None,
        refinement: int = 1,
        growth: float = DEFAULT_GROWTH,
        min_decay_lengths: float = MIN_HALFSPACE_DECAY_LENGTHS,
    ) -> Mesh1D:
        """The mesh [m]: ``spacing`` if given, else graded from the wall.

        Parameters
        ----------
        decay_length : float
            Slowest screening decay length [m] (sets the domain length and the largest cell).
        first_cell : float
            Width of the wall cell [m].
        max_cell : float, optional
            Largest cell [m]; default 0.05 decay lengths.
        refinement : int
            Subdivision of the graded mesh (ignored for a user spacing unless > 1, then each
            user cell is split into ``refinement`` equal cells).
        growth : float
            Ratio of neighbouring cell widths near the wall [1], > 1.
        min_decay_lengths : float
            Shortest accepted ``length`` in decay lengths [1] (see :meth:`domain_length`).
        """
        length = self.domain_length(decay_length, min_decay_lengths=min_decay_lengths)
        return self._graded_mesh(
            length,
            decay_length=decay_length,
            first_cell=first_cell,
            max_cell=max_cell,
            refinement=refinement,
            growth=growth,
        )


@dataclass(frozen=True, eq=False)
class Slit(_Geometry):
    """Two parallel walls at ``x = 0`` and ``x = width``.

    Wall conditions (equal -> symmetric slit, different -> asymmetric) are given to the solver:
    ``wall_potential=V`` or ``wall_potential=(V_left, V_right)``, likewise ``surface_charge``.
    The slit is in equilibrium with a bulk reservoir at the given salt concentration.

    Parameters
    ----------
    width : float
        Wall-to-wall distance [m], > 0.
    spacing : array_like, optional
        Cell widths [m] from the left wall to the right wall (must sum to ``width``).
        Default: graded mesh refined at both walls.
    """

    width: float
    spacing: np.ndarray | None = field(default=None, repr=False)

    kind = "slit"
    walls = ("left", "right")

    def __post_init__(self):
        width = _positive_length("width", self.width)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "spacing", _spacing(self.spacing, width, "width"))

    def domain_length(self, decay_length: float, **_) -> float:
        """The wall-to-wall distance [m]."""
        return self.width

    def mesh(
        self,
        *,
        decay_length: float,
        first_cell: float,
        max_cell: float | None = None,
        refinement: int = 1,
        growth: float = DEFAULT_GROWTH,
        min_decay_lengths: float | None = None,
    ) -> Mesh1D:
        """The mesh [m]: ``spacing`` if given, else graded towards both walls (see HalfSpace.mesh;
        ``min_decay_lengths`` is not used by a bounded domain)."""
        return self._graded_mesh(
            self.width,
            decay_length=decay_length,
            first_cell=first_cell,
            max_cell=max_cell,
            refinement=refinement,
            growth=growth,
            bounded=True,
            two_sided=True,
        )


@dataclass(frozen=True, eq=False)
class CylindricalPore(_Geometry):
    """The inside of a cylindrical pore of radius ``radius``; the wall is at ``r = radius``.

    Axisymmetric (metric 1: face measure r per radian), no flux through the axis.

    Parameters
    ----------
    radius : float
        Pore radius [m], > 0.
    spacing : array_like, optional
        Cell widths [m] from the axis to the wall (must sum to ``radius``).
        Default: graded mesh refined at the wall.
    """

    radius: float
    spacing: np.ndarray | None = field(default=None, repr=False)

    kind = "cylinder"
    coordinate = "r"
    coordinate_long_name = "radial distance from the pore axis"
    metric = 1
    walls = ("right",)

    def __post_init__(self):
        radius = _positive_length("radius", self.radius)
        object.__setattr__(self, "radius", radius)
        object.__setattr__(self, "spacing", _spacing(self.spacing, radius, "radius"))

    def domain_length(self, decay_length: float, **_) -> float:
        """The pore radius [m]."""
        return self.radius

    def mesh(
        self,
        *,
        decay_length: float,
        first_cell: float,
        max_cell: float | None = None,
        refinement: int = 1,
        growth: float = DEFAULT_GROWTH,
        min_decay_lengths: float | None = None,
    ) -> Mesh1D:
        """The mesh [m]: ``spacing`` if given, else graded towards the wall at r = radius
        (``min_decay_lengths`` is not used by a bounded domain)."""
        return self._graded_mesh(
            self.radius,
            decay_length=decay_length,
            first_cell=first_cell,
            max_cell=max_cell,
            refinement=refinement,
            growth=growth,
            bounded=True,
            reverse=True,
        )


@dataclass(frozen=True, eq=False)
class Sphere(_Geometry):
    """The electrolyte outside a charged sphere of radius ``radius`` (a colloid, a
    nanoparticle): the wall is at ``r = radius`` and the bulk reservoir (potential 0, bulk
    concentrations) at ``r = radius + length``, a half-space-like far field.

    Spherically symmetric (metric 2: face measure r^2 per steradian, cell measure the exact
    integral of r^2 dr); per-area results are per unit sphere area.

    Parameters
    ----------
    radius : float
        Sphere radius a [m], > 0.
    length : float, optional
        Distance from the sphere surface to the bulk boundary [m]. Default: 25 (slowest)
        screening decay lengths, chosen by the solver; at least 10.
    spacing : array_like, optional
        Cell widths [m] from the sphere surface outwards (then ``length`` defaults to their
        sum). Default: graded mesh refined at the surface.

    Notes
    -----
    Valid for any kappa a: the potential decays as (a/r) exp(-kappa (r - a)) at low
    potential (Debye–Hückel), so the far boundary at 25 decay lengths holds the bulk to
    exp(-25); as kappa a -> infinity the surface charge tends to the planar Gouy–Chapman
    value.
    """

    radius: float
    length: float | None = None
    spacing: np.ndarray | None = field(default=None, repr=False)

    kind = "sphere"
    coordinate = "r"
    coordinate_long_name = "radial distance from the sphere centre"
    metric = 2
    walls = ("left",)
    bulk_end = True

    def __post_init__(self):
        object.__setattr__(self, "radius", _positive_length("radius", self.radius))
        HalfSpace.__post_init__(self)

    @property
    def inner_radius(self) -> float:
        """The sphere radius [m]: face 0 of the mesh."""
        return self.radius

    domain_length = HalfSpace.domain_length
    mesh = HalfSpace.mesh


def _split(widths: np.ndarray, refinement: int) -> np.ndarray:
    """Faces after splitting each cell of ``widths`` into ``refinement`` equal cells."""
    refinement = check_integer("refinement", refinement, minimum=1)
    faces = np.concatenate([[0.0], np.cumsum(widths)])
    if refinement == 1:
        return faces
    fine = [faces[:-1, None] + np.outer(widths, np.arange(refinement) / refinement)]
    return np.concatenate([np.ravel(fine[0]), faces[-1:]])
