"""Temperature laws for transport coefficients: Arrhenius and Vogel–Tammann–Fulcher.

Pure, vectorised kernels (SI in and out) used by the transport chain for the solution
viscosity and the carrier mobilities, and by :func:`ionscales.fitting.fit_vtf` for
conductivity-versus-temperature data (solid polymer and glass-forming electrolytes are
usually reported this way).

Notes
-----
Arrhenius: ``X(T) = X_inf exp(E_a / (R T))`` for a quantity activated on the way up
(viscosity; pass a negative ``activation_energy`` for a mobility or a conductivity).

Vogel–Tammann–Fulcher (VTF): ``X(T) = X_inf exp(B / (T - T0))`` with the pseudo-activation
temperature ``B`` [K] (pseudo-activation energy ``E_a = R B``) and the Vogel temperature
``T0`` [K] at which the mobility would vanish. It holds above the glass transition, for
``T`` well above ``T0`` (typically ``T - T0 > 50 K``); it is undefined at and below ``T0``,
where the kernels raise :class:`~ionscales.errors.ParameterError`.

For the conductivity the common form carries a ``T^(-1/2)`` prefactor from the free-volume
derivation (Angell's form):

``sigma(T) = A T^(-1/2) exp(-B / (T - T0))``

References
----------
H. Vogel, Phys. Z. 22, 645 (1921); G. S. Fulcher, J. Am. Ceram. Soc. 8, 339 (1925),
doi:10.1111/j.1151-2916.1925.tb16731.x; G. Tammann & W. Hesse, Z. Anorg. Allg. Chem. 156,
245 (1926). C. A. Angell, Chem. Rev. 102, 2627 (2002), doi:10.1021/cr000689q (VTF in ionic
and polymer conductors).
"""

from __future__ import annotations

import numpy as np

from ionscales.constants import R
from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_positive

__all__ = ["arrhenius", "vtf", "vtf_conductivity", "check_above_vogel"]


def check_above_vogel(temperature, vogel_temperature) -> tuple[np.ndarray, np.ndarray]:
    """Temperatures [K] > 0 and strictly above the Vogel temperature ``T0`` [K] >= 0."""
    t = check_positive("temperature", temperature, "K")
    t0 = as_float_array("vogel_temperature", vogel_temperature)
    if np.any(t0 < 0):
        raise ParameterError("vogel_temperature", "must be >= 0 K", vogel_temperature)
    if np.any(t <= t0):
        low = float(np.min(t))
        raise ParameterError(
            "temperature",
            f"must lie above the Vogel temperature T0 = {float(np.max(t0)):.6g} K "
            f"(the VTF law diverges at T0); lowest temperature given {low:.6g} K",
        )
    return t, t0


def arrhenius(temperature, *, prefactor, activation_energy):
    """Arrhenius law ``prefactor * exp(activation_energy / (R T))``.

    Parameters
    ----------
    temperature : array_like
        Temperature [K], > 0.
    prefactor : array_like
        Value at infinite temperature [units of the quantity].
    activation_energy : array_like
        Molar activation energy [J/mol]; positive for a quantity that falls with T
        (viscosity), negative for one that rises (mobility, conductivity).

    Returns
    -------
    ndarray
        The quantity at ``temperature`` (broadcast over all arguments).
    """
    t = check_positive("temperature", temperature, "K")
    ea = as_float_array("activation_energy", activation_energy)
    a = as_float_array("prefactor", prefactor)
    return a * np.exp(ea / (R * t))


def vtf(temperature, *, prefactor, pseudo_activation, vogel_temperature):
    """VTF law ``prefactor * exp(pseudo_activation / (T - T0))`` (viscosity form).

    Parameters
    ----------
    temperature : array_like
        Temperature [K], strictly above ``vogel_temperature``.
    prefactor : array_like
        Value at infinite temperature [units of the quantity].
    pseudo_activation : array_like
        Pseudo-activation temperature B [K] (E_a = R B); positive for a viscosity.
    vogel_temperature : array_like
        Vogel temperature T0 [K], >= 0.
    """
    t, t0 = check_above_vogel(temperature, vogel_temperature)
    b = as_float_array("pseudo_activation", pseudo_activation)
    a = as_float_array("prefactor", prefactor)
    return a * np.exp(b / (t - t0))


def vtf_conductivity(temperature, *, prefactor, pseudo_activation, vogel_temperature):
    """VTF conductivity ``sigma = A T^(-1/2) exp(-B / (T - T0))`` [S/m].

    Parameters
    ----------
    temperature : array_like
        Temperature [K], strictly above ``vogel_temperature``.
    prefactor : array_like
        A [S K^(1/2) / m], > 0.
    pseudo_activation : array_like
        B [K], >= 0 (pseudo-activation energy E_a = R B).
    vogel_temperature : array_like
        T0 [K], >= 0.
    """
    t, t0 = check_above_vogel(temperature, vogel_temperature)
    a = check_positive("prefactor", prefactor, "S K^0.5/m")
    b = as_float_array("pseudo_activation", pseudo_activation)
    if np.any(b < 0):
        raise ParameterError("pseudo_activation", "must be >= 0 K", pseudo_activation)
    return a / np.sqrt(t) * np.exp(-b / (t - t0))
