"""FiPy continuum layer: Poisson, Poisson–Boltzmann and Poisson–Nernst–Planck.

Geometries (:class:`HalfSpace`, :class:`Slit`, :class:`CylindricalPore`) and graded meshes
live in :mod:`ionscales.continuum.geometry`; the steady Poisson–Boltzmann family
(``solve_pb``: "pb", "bikerman", "bsk") in :mod:`ionscales.continuum.pb`; PNP transients
(``solve_pnp``) in :mod:`ionscales.continuum.pnp`. Everything is SI at the API; the solvers
work internally in Debye lengths, kT/e and bulk concentrations.
"""

from ionscales.continuum.geometry import CylindricalPore, HalfSpace, Mesh1D, Slit  # noqa: F401
from ionscales.continuum.pb import capacitance_curve, solve_pb  # noqa: F401

# Public names; __all__ below keeps only those that are actually defined.
_EXPORTS = ["HalfSpace", "Slit", "CylindricalPore", "Mesh1D", "solve_pb", "capacitance_curve", "solve_pnp"]

# pnp: solve_pnp is exported below (the pnp helper adds exactly one line after this comment:
#      from ionscales.continuum.pnp import solve_pnp, with a noqa F401 marker)
from ionscales.continuum.pnp import iv_curve, solve_pnp  # noqa: F401

__all__ = [_name for _name in _EXPORTS if _name in globals()]
