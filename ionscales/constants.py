"""Physical constants in SI units, from :mod:`scipy.constants` (CODATA)."""

from __future__ import annotations

import math

from scipy import constants as _c

__all__ = [
    "elementary_charge",
    "boltzmann",
    "avogadro",
    "vacuum_permittivity",
    "gas_constant",
    "faraday",
    "pi",
    "e",
    "k_B",
    "N_A",
    "epsilon_0",
    "R",
    "F",
]

elementary_charge: float = _c.e  #: [C]
boltzmann: float = _c.k  #: [J/K]
avogadro: float = _c.N_A  #: [1/mol]
vacuum_permittivity: float = _c.epsilon_0  #: [F/m]
gas_constant: float = _c.R  #: [J/(mol K)]
faraday: float = _c.physical_constants["Faraday constant"][0]  #: [C/mol]
pi: float = math.pi

# short aliases
e = elementary_charge
k_B = boltzmann
N_A = avogadro
epsilon_0 = vacuum_permittivity
R = gas_constant
F = faraday
