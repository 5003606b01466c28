"""FiPy continuum layer: Poisson, Poisson–Boltzmann and Poisson–Nernst–Planck.

Geometries (:class:`HalfSpace`, :class:`Slit`, :class:`CylindricalPore`, :class:`Sphere`)
and graded meshes
live in :mod:`ionscales.continuum.geometry`; the steady Poisson–Boltzmann family
(``solve_pb``: "pb", "bikerman", "bsk") in :mod:`ionscales.continuum.pb`; PNP transients
(``solve_pnp``, ``iv_curve``) in :mod:`ionscales.continuum.pnp`; the direct steady state
of a closed blocking cell (``solve_closed_cell``) in :mod:`ionscales.continuum.closed_cell`; surface-force curves between
plates (``surface_force_curve``) in :mod:`ionscales.continuum.forces`; species from theory
results in :mod:`ionscales.continuum.bridge`. Everything is SI at the API; the solvers work
internally in Debye lengths, kT/e and bulk concentrations.
"""

from ionscales.continuum.bridge import solver_inputs, species_from_carriers
from ionscales.continuum.closed_cell import solve_closed_cell
from ionscales.continuum.forces import surface_force_curve
from ionscales.continuum.geometry import CylindricalPore, HalfSpace, Mesh1D, Slit, Sphere
from ionscales.continuum.pb import capacitance_curve, solve_pb
from ionscales.continuum.pnp import iv_curve, solve_pnp

__all__ = [
    "HalfSpace",
    "Slit",
    "CylindricalPore",
    "Sphere",
    "Mesh1D",
    "solve_pb",
    "capacitance_curve",
    "solve_pnp",
    "iv_curve",
    "solve_closed_cell",
    "surface_force_curve",
    "species_from_carriers",
    "solver_inputs",
]
