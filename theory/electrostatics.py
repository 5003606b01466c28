"""Bjerrum and Debye lengths (kernels, SI)."""

from __future__ import annotations

import math

import numpy as np

from ionscales.constants import avogadro
from ionscales.electrolyte import Electrolyte, bjerrum_length
from ionscales.errors import ParameterError
from ionscales.validation import check_concentration

__all__ = ["bjerrum_length", "debye_length", "inverse_debye_length"]


def inverse_debye_length(electrolyte: Electrolyte, concentration):
    """kappa_D = sqrt(4 pi l_B sum_i n_i z_i^2) [1/m].

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float or array_like
        Salt concentration [mol/m^3] (formula units), >= 0; broadcasts.
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    c = check_concentration(concentration)
    strength = float(np.sum(electrolyte.nu * electrolyte.charges**2))  # sum nu_i z_i^2
    out = np.sqrt(4 * math.pi * electrolyte.bjerrum_length * avogadro * strength * c)
    return float(out) if out.ndim == 0 else out


def debye_length(electrolyte: Electrolyte, concentration):
    """Debye length lambda_D = 1/kappa_D [m] (inf at zero concentration).

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float or array_like
        Salt concentration [mol/m^3], >= 0; broadcasts.

    Notes
    -----
    kappa_D^2 = e^2 sum_i n_i z_i^2 / (eps0 eps_r k T) = 4 pi l_B sum_i n_i z_i^2.
    For a 1:1 salt in water (eps_r = 78.4, 298.15 K) lambda_D = 0.3040 nm / sqrt(c / M).
    """
    kappa = np.asarray(inverse_debye_length(electrolyte, concentration))
    with np.errstate(divide="ignore"):
        out = np.where(kappa > 0, 1.0 / np.where(kappa > 0, kappa, 1.0), np.inf)
    return float(out) if out.ndim == 0 else out
