"""Unit multipliers to SI and named concentration converters.

Everything in the ionscales API is SI (m, mol/m^3, K, V, C/m^2, s, m^2/s, F/m^2, Pa).
Multiply by these names to write natural numbers::

    from ionscales.units import M, nm
    c = 0.1 * M          # 0.1 mol/L  -> 100 mol/m^3
    sigma = 0.4 * nm     # -> 4e-10 m
    lam / nm             # a length in m shown in nm

Molarity (mol per volume of solution) and molality (mol per mass of solvent) are
different bases; they are converted only by :func:`molality_to_molarity` and
:func:`molarity_to_molality`, which need the solvent's density and the salt's molar mass.
"""

from __future__ import annotations

import numpy as np

from ionscales.constants import boltzmann, elementary_charge
from ionscales.errors import ParameterError
from ionscales.validation import (
    as_float_array,
    check_nonnegative,
    check_positive,
    check_quantity,
)

# length [m]
m = 1.0
cm = 1e-2
mm = 1e-3
um = micrometre = 1e-6
nm = nanometre = 1e-9
angstrom = 1e-10
pm = 1e-12
# volume [m^3]
L = litre = 1e-3
mL = 1e-6
cm3 = 1e-6
# amount concentration [mol/m^3]
M = molar = 1e3  # mol/L
mM = 1.0
uM = 1e-3
# molality [mol/kg]
molal = 1.0
# mass [kg]
kg = 1.0
g = 1e-3
# time [s]
s = 1.0
ms = 1e-3
us = 1e-6
ns = 1e-9
ps = 1e-12
# electric [V, C/m^2, F/m^2]
V = 1.0
mV = 1e-3
C_per_m2 = 1.0
uC_per_cm2 = 1e-2  # 1 uC/cm^2 = 1e-6 C / 1e-4 m^2 = 1e-2 C/m^2
F_per_m2 = 1.0
uF_per_cm2 = 1e-2
# pressure / energy
Pa = 1.0
kPa = 1e3
MPa = 1e6
atm = 101325.0
J = 1.0
eV = elementary_charge
# temperature
K = 1.0
# diffusivity
m2_per_s = 1.0
cm2_per_s = 1e-4


def thermal_voltage(temperature):
    """kT/e [V] at ``temperature`` [K].

    Parameters
    ----------
    temperature : float or array_like
        Temperature [K], finite and > 0 (a ValidityWarning outside 150-1500 K).

    Returns
    -------
    float or ndarray
        k_B T / e [V] (25.69 mV at 298.15 K), the shape of ``temperature``.
    """
    T = check_quantity(
        "temperature", temperature, unit="K", low=0.0, low_inclusive=False, plausible="temperature"
    )
    out = boltzmann * T / elementary_charge
    return float(out) if out.ndim == 0 else out


def molality_to_molarity(
    molality,
    *,
    solvent_density: float,
    salt_molar_mass: float,
    apparent_molar_volume=None,
    solution_density=None,
):
    """Molality [mol/kg of solvent] -> molarity [mol/m^3 of solution].

    Parameters
    ----------
    molality : array_like
        Salt molality [mol/kg].
    solvent_density : float
        Density of the pure solvent [kg/m^3].
    salt_molar_mass : float
        Molar mass of the salt (one formula unit) [kg/mol].
    apparent_molar_volume : float or array_like, optional
        Apparent molar volume of the salt in solution [m^3/mol]. Default: the salt
        occupies ``salt_molar_mass / solvent_density`` (ideal mixing at the solvent's
        density).
    solution_density : float or array_like, optional
        Measured solution density [kg/m^3]; overrides ``apparent_molar_volume``.

    Returns
    -------
    ndarray
        Molarity [mol/m^3].

    Notes
    -----
    Per kilogram of solvent the solution has mass ``1 + m M_salt`` and volume
    ``1/rho_solvent + m V_phi``, so ``c = m / (1/rho_solvent + m V_phi)``; with a measured
    solution density ``c = m rho / (1 + m M_salt)``. The default assumption is crude for
    concentrated salts (21 m LiTFSI: 3.0 M instead of about 5 M); pass a measured density
    or an apparent molar volume there.
    """
    mol = check_nonnegative("molality", molality, "mol/kg")
    solvent_density = check_quantity(
        "solvent_density", solvent_density, unit="kg/m^3", low=0.0, low_inclusive=False, scalar=True
    )
    salt_molar_mass = check_quantity(
        "salt_molar_mass", salt_molar_mass, unit="kg/mol", low=0.0, low_inclusive=False, scalar=True
    )
    if solution_density is not None:
        rho = check_positive("solution_density", solution_density, "kg/m^3")
        return mol * rho / (1.0 + mol * salt_molar_mass)
    if apparent_molar_volume is None:
        v_phi = salt_molar_mass / solvent_density
    else:
        v_phi = as_float_array("apparent_molar_volume", apparent_molar_volume, unit="m^3/mol")
    denom = 1.0 / solvent_density + mol * v_phi
    if np.any(denom <= 0):
        raise ParameterError(
            "apparent_molar_volume",
            "is so negative that the solution volume per kg of solvent is <= 0 at this molality",
            apparent_molar_volume,
        )
    return mol / denom


def molarity_to_molality(
    concentration,
    *,
    solvent_density: float,
    salt_molar_mass: float,
    apparent_molar_volume=None,
    solution_density=None,
):
    """Molarity [mol/m^3] -> molality [mol/kg]; the inverse of :func:`molality_to_molarity`.

    Same parameters and assumptions. Raises ``ParameterError`` when the concentration
    exceeds what the assumed solution volume can hold.
    """
    c = check_nonnegative("concentration", concentration, "mol/m^3")
    solvent_density = check_quantity(
        "solvent_density", solvent_density, unit="kg/m^3", low=0.0, low_inclusive=False, scalar=True
    )
    salt_molar_mass = check_quantity(
        "salt_molar_mass", salt_molar_mass, unit="kg/mol", low=0.0, low_inclusive=False, scalar=True
    )
    if solution_density is not None:
        rho = check_positive("solution_density", solution_density, "kg/m^3")
        denom = rho - c * salt_molar_mass
    else:
        v_phi = (
            salt_molar_mass / solvent_density
            if apparent_molar_volume is None
            else as_float_array("apparent_molar_volume", apparent_molar_volume, unit="m^3/mol")
        )
        denom = (1.0 - c * v_phi) * solvent_density
    if np.any(denom <= 0):
        raise ParameterError(
            "concentration",
            "is larger than the pure salt allows under the stated density assumption",
            concentration,
        )
    return c / denom
