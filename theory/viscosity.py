"""Solution viscosity eta(c, T): the solvent's temperature law times a concentration law.

``eta(c, T) = eta_solvent(T) * eta_r(c)`` with

- ``eta_solvent(T)``: Vogel–Tammann–Fulcher ``eta_inf exp(B / (T - T0))`` (Arrhenius for
  ``T0 = 0``), :func:`ionscales.theory.temperature.vtf`;
- ``eta_r(c)``: the Jones–Dole law extended by Kaminsky,
  ``eta_r = 1 + A sqrt(c) + B c + D c^2`` (A from interionic forces, Falkenhagen; B the
  ion–solvent "Jones–Dole B coefficient"; D the higher-order term for concentrated
  solutions).

This is the hydrodynamic input of the transport chain (Stokes–Einstein mobilities of the
carriers scale as 1/eta). The product form assumes the relative viscosity does not depend on
temperature (good to a few per cent over tens of kelvin for carbonate and aqueous salts);
fitted parameters are allowed and marked as such by the caller.

Notes
-----
Validity: Jones–Dole for c below ~0.1 mol/L (A, B); with D to ~1–2 mol/L. The law must stay
positive: :func:`viscosity` raises ParameterError where eta_r <= 0.

References
----------
G. Jones & M. Dole, J. Am. Chem. Soc. 51, 2950 (1929), doi:10.1021/ja01385a012;
M. Kaminsky, Discuss. Faraday Soc. 24, 171 (1957).
"""

from __future__ import annotations

import numpy as np

from ionscales.errors import ParameterError
from ionscales.theory.temperature import vtf
from ionscales.validation import as_float_array, check_nonnegative

__all__ = ["relative_viscosity", "viscosity"]


def relative_viscosity(concentration, *, a=0.0, b=0.0, d=0.0):
    """Jones–Dole–Kaminsky relative viscosity ``1 + A sqrt(c) + B c + D c^2``.

    Parameters
    ----------
    concentration : array_like
        Salt molarity c [mol/m^3], >= 0.
    a : float
        A [(m^3/mol)^(1/2)].
    b : float
        B [m^3/mol] (the tabulated Jones–Dole B in L/mol times 1e-3).
    d : float
        D [(m^3/mol)^2].
    """
    c = check_nonnegative("concentration", concentration, "mol/m^3")
    a, b, d = (float(as_float_array(n, v)) for n, v in (("a", a), ("b", b), ("d", d)))
    eta_r = 1.0 + a * np.sqrt(c) + b * c + d * c**2
    if np.any(eta_r <= 0):
        raise ParameterError(
            "concentration",
            "gives a non-positive relative viscosity with these coefficients",
            float(np.max(c[eta_r <= 0])) if np.ndim(c) else float(c),
        )
    return eta_r


def viscosity(
    concentration,
    temperature,
    *,
    solvent_viscosity,
    pseudo_activation,
    vogel_temperature=0.0,
    a=0.0,
    b=0.0,
    d=0.0,
):
    """Solution viscosity [Pa s] over broadcast (concentration, temperature).

    Parameters
    ----------
    concentration : array_like
        Salt molarity [mol/m^3].
    temperature : array_like
        [K], above ``vogel_temperature``.
    solvent_viscosity : float
        eta_inf of the solvent's VTF law [Pa s], > 0.
    pseudo_activation : float
        B of the solvent's VTF law [K].
    vogel_temperature : float
        T0 [K] (0: Arrhenius).
    a, b, d : float
        Jones–Dole–Kaminsky coefficients (see :func:`relative_viscosity`).
    """
    eta0 = as_float_array("solvent_viscosity", solvent_viscosity)
    if np.any(eta0 <= 0):
        raise ParameterError("solvent_viscosity", "must be > 0 Pa s", solvent_viscosity)
    solvent = vtf(
        temperature,
        prefactor=eta0,
        pseudo_activation=pseudo_activation,
        vogel_temperature=vogel_temperature,
    )
    return solvent * relative_viscosity(concentration, a=a, b=b, d=d)
