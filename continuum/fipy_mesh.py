"""The one FiPy adapter of the continuum layer: a geometry's mesh in FiPy form.

:class:`FiPyMesh` takes a :class:`~ionscales.continuum.geometry.Mesh1D` (SI faces, the
walls and the metric of its coordinate) and a length scale (the Debye length of the
solvers) and provides, in those units,

- the NumPy arrays a finite-volume solver needs: faces, centres, widths, cell measures
  (``volumes``), face measures (``face_areas``), the interior-face connectivity and the
  centre-to-centre distances, all taken from the mesh (the geometry is the only place that
  knows its metric);
- the FiPy computational grid, built lazily on first use (a solver whose operator is
  assembled without FiPy never builds it): always a planar ``Grid1D`` of the same cell
  widths. The metric enters the equations through the coefficients instead:
  :meth:`diffusion` multiplies the face coefficient by the face measure A_f and
  :meth:`implicit_source` / :meth:`source` multiply cell sources by V_P/h_P (cell measure
  over width), so the assembled system is ``sum_f A_f coeff_f grad_f = V_P S_P`` for any
  metric — planar, cylindrical or spherical — using only FiPy's public term API. (FiPy's
  own ``CylindricalGrid1D`` agrees with this for cylinders; its ``SphericalGrid1D`` uses
  cell volumes (r_out^3 - r_in^3)/2, inconsistent with face areas r^2 per steradian, so it
  is not used.)

PB (:mod:`ionscales.continuum.pb`) and PNP (:mod:`ionscales.continuum._pnp_core`) both
build their FiPy equations through this class.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ionscales.continuum.geometry import Mesh1D
from ionscales.errors import ParameterError

__all__ = ["FiPyMesh"]


class FiPyMesh:
    """A :class:`Mesh1D` in units of ``length_scale`` with its FiPy grid and metric.

    Parameters
    ----------
    mesh : Mesh1D
        The geometry's mesh [m].
    length_scale : float
        Unit of length of the solver [m], > 0 (the Debye length).

    Attributes
    ----------
    faces, centres, widths : ndarray
        Face positions, cell centres and cell widths [length_scale].
    volumes : ndarray
        Cell measures [length_scale^(1+metric)] (``Mesh1D.scaled_cell_volumes``).
    face_areas : ndarray
        Face measures [length_scale^metric] (``Mesh1D.scaled_face_areas``); a wall's
        area is the entry of its face.
    left_cells, right_cells, centre_distances : ndarray
        For every interior face (face index 1..n-1): the cells on either side and the
        distance between their centres [length_scale].
    """

    def __init__(self, mesh: Mesh1D, length_scale: float = 1.0):
        if not isinstance(mesh, Mesh1D):
            raise ParameterError("mesh", "must be a continuum.geometry.Mesh1D", mesh)
        length_scale = float(length_scale)
        if not np.isfinite(length_scale) or length_scale <= 0:
            raise ParameterError("length_scale", "must be a finite length > 0 [m]", length_scale)
        self.mesh1d = mesh
        self.length_scale = length_scale
        self.metric = mesh.metric
        self.planar = mesh.metric == 0
        self.faces = mesh.faces / length_scale
        self.widths = np.diff(self.faces)
        self.centres = 0.5 * (self.faces[1:] + self.faces[:-1])
        self.n_cells = self.widths.size
        self.volumes = mesh.scaled_cell_volumes(length_scale)
        self.face_areas = mesh.scaled_face_areas(length_scale)

    # interior-face connectivity (used by PNP's flux assembly; built when first asked for)
    @cached_property
    def left_cells(self) -> np.ndarray:
        return np.arange(self.n_cells - 1)

    @cached_property
    def right_cells(self) -> np.ndarray:
        return self.left_cells + 1

    @cached_property
    def interior_faces(self) -> np.ndarray:
        return self.left_cells + 1

    @cached_property
    def centre_distances(self) -> np.ndarray:
        return np.diff(self.centres)

    # ------------------------------------------------------------------ FiPy objects
    @cached_property
    def fipy(self):
        """The FiPy computational grid: a planar ``Grid1D`` with the mesh's cell widths
        (the metric is carried by the coefficients, see the module docstring)."""
        import fipy

        widths = self.widths
        if np.allclose(widths, widths[0], rtol=1e-9, atol=0):
            # FiPy's uniform grid is much cheaper to build than Grid1D(dx=array)
            return fipy.Grid1D(nx=widths.size, dx=float(widths[0]))
        return fipy.Grid1D(dx=widths)

    @cached_property
    def face_metric(self):
        """Face measures A_f as a FiPy ``FaceVariable`` on :attr:`fipy`."""
        from fipy import FaceVariable

        return FaceVariable(mesh=self.fipy, value=self.face_areas)

    @cached_property
    def cell_metric(self):
        """Cell measure over cell width V_P/h_P as a FiPy ``CellVariable`` on :attr:`fipy`."""
        from fipy import CellVariable

        return CellVariable(mesh=self.fipy, value=self.volumes / self.widths)

    def diffusion(self, coeff, var):
        """``DiffusionTerm`` of ``div(coeff grad var)`` in the mesh's metric."""
        from fipy import DiffusionTerm

        return DiffusionTerm(coeff=coeff if self.planar else coeff * self.face_metric, var=var)

    def implicit_source(self, coeff, var):
        """Fully implicit source ``coeff * var`` (per unit volume) in the mesh's metric."""
        from ionscales.continuum.newton import FullyImplicitSourceTerm

        return FullyImplicitSourceTerm(
            coeff=coeff if self.planar else coeff * self.cell_metric, var=var
        )

    def source(self, value):
        """Explicit source ``value`` (per unit volume, a CellVariable) in the mesh's metric."""
        return value if self.planar else value * self.cell_metric

    def cell_variable(self, value=0.0, name: str = ""):
        """A ``CellVariable`` on :attr:`fipy`."""
        from fipy import CellVariable

        return CellVariable(mesh=self.fipy, name=name, value=value)

    def face_variable(self, value=0.0, rank: int = 0):
        """A ``FaceVariable`` on :attr:`fipy` (``rank=1``: a vector, e.g. a velocity)."""
        from fipy import FaceVariable

        if rank == 1:
            value = np.broadcast_to(np.asarray(value, dtype=float), (1, self.n_cells + 1))
            return FaceVariable(mesh=self.fipy, rank=1, value=np.array(value))
        return FaceVariable(mesh=self.fipy, value=value)

    def native_mesh(self):
        """FiPy's own metric grid (``Grid1D`` planar, ``CylindricalGrid1D`` cylindrical) whose
        cell volumes and face areas equal :attr:`volumes` / :attr:`face_areas`; other metrics
        have no consistent FiPy grid (ParameterError)."""
        import fipy

        if self.planar:
            return self.fipy
        if self.metric == 1:
            return fipy.CylindricalGrid1D(dr=self.widths, origin=(self.faces[0],))
        raise ParameterError(
            "metric",
            "FiPy has no grid consistent with this metric (its SphericalGrid1D volumes differ "
            "from r^2 dr); use continuum.fipy_mesh.FiPyMesh, which carries the metric in the "
            "coefficients",
            self.metric,
        )
