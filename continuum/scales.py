"""Bulk scales of the continuum solvers, computed in one place (PB, PNP, closed cell).

The solvers work in Debye lengths, kT/e and bulk concentrations; :func:`bulk_scales`
turns an electrolyte at a salt concentration into those units, so that the Debye length
of PB and PNP is the same number (that of ``theory.electrostatics.debye_length``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError

__all__ = ["BulkScales", "bulk_scales"]


@dataclass(frozen=True)
class BulkScales:
    """Scales of a bulk electrolyte (all SI).

    Attributes
    ----------
    thermal_voltage : float
        kT/e [V].
    number_densities : ndarray
        Ion number densities n_i [1/m^3].
    charges : ndarray
        Valences z_i [1].
    ionic_strength_density : float
        S = sum_i z_i^2 n_i [1/m^3] (the density unit of the dimensionless equations).
    relative_permittivity : float
        eps_r [1].
    permittivity : float
        eps = eps_0 eps_r [F/m].
    debye_length : float
        lambda_D = sqrt(eps kT / (e^2 S)) [m].
    """

    thermal_voltage: float
    number_densities: np.ndarray
    charges: np.ndarray
    ionic_strength_density: float
    relative_permittivity: float
    permittivity: float
    debye_length: float


def bulk_scales(
    electrolyte: Electrolyte, concentration: float, relative_permittivity: float | None = None
) -> BulkScales:
    """Bulk scales at salt ``concentration`` [mol/m^3] (> 0) with ``relative_permittivity``
    [1] (default: the electrolyte's)."""
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an ionscales Electrolyte", electrolyte)
    eps_r = electrolyte.permittivity if relative_permittivity is None else relative_permittivity
    eps_r = float(eps_r)
    if not np.isfinite(eps_r) or eps_r <= 0:
        raise ParameterError("permittivity", "must be > 0 (relative permittivity)", eps_r)
    c = float(concentration)
    if not np.isfinite(c) or c <= 0:
        raise ParameterError("concentration", "must be > 0 mol/m^3 (bulk salt concentration)", c)
    z = np.asarray(electrolyte.charges, dtype=float)
    # n_i = nu_i c N_A (Electrolyte.ion_densities without re-validating c, checked above)
    n = np.asarray(electrolyte.nu, dtype=float) * (c * avogadro)
    if not np.all(np.isfinite(n)):
        raise ParameterError(
            "concentration",
            "is so large that the ion number densities overflow (> 1e308 1/m^3); "
            "concentrations are in mol/m^3",
            c,
        )
    # the electrolyte's temperature was validated when it was built: kT/e and
    # lambda_D = sqrt(eps kT / (e^2 S)) directly (the same numbers as units.thermal_voltage
    # and theory.electrostatics.debye_length, tested to round-off; those re-validate
    # their inputs, a sizeable part of a 10^3-cell solve_pb call)
    kt = boltzmann * float(electrolyte.temperature)
    strength = float(np.sum(z**2 * n))
    eps = eps_r * vacuum_permittivity
    return BulkScales(
        thermal_voltage=kt / elementary_charge,
        number_densities=n,
        charges=z,
        ionic_strength_density=strength,
        relative_permittivity=eps_r,
        permittivity=eps,
        debye_length=math.sqrt(eps * kt / (elementary_charge**2 * strength)),
    )
