"""Concentrated-solution transport of a binary electrolyte: Onsager <-> Stefan–Maxwell <->
measured quantities, written once.

A binary salt (nu+ cations of valence z+, nu- anions of valence z- per formula unit,
molarity c) in one solvent (species 0, molarity c0). Fluxes are molar fluxes relative to the
solvent velocity, ``J_i = N_i - c_i v_0``, driven by the electrochemical-potential gradients
(per mole):

``J_i = - sum_j L_ij grad mu~_j``,  i, j in {+, -},

with the Onsager matrix ``L`` [mol^2/(J m s)] symmetric and positive semi-definite. The
measured quantities of a cell model follow from it (derivations in the Notes):

- conductivity ``kappa = F^2 S`` with ``S = sum_ij z_i z_j L_ij``;
- cation transference number in the solvent frame ``t+^0 = z+ (z+ L++ + z- L+-) / S``;
- salt diffusivity (Fick's law at zero current, ``J_+ = -nu+ D grad c``)
  ``D = nu R T z-^2 det(L) TDF_c / (nu+^2 S c)``, with the molar thermodynamic factor
  ``TDF_c = 1 + d ln f_pm / d ln c`` (``mu_salt = mu° + nu R T ln(c f_pm)``).

The Stefan–Maxwell form ``c_i grad mu~_i = sum_j K_ij (v_j - v_i)``,
``K_ij = R T c_i c_j / (c_T D_ij)`` (c_T = c0 + nu c), with three diffusivities
``D_0+``, ``D_0-``, ``D_+-``, is the inverse description: ``L = diag(c) M^-1 diag(c)`` with
``M = [[K+- + K+0, -K+-], [-K+-, K+- + K-0]]`` in the solvent frame.

Notes
-----
Zero current (z+ J+ + z- J- = 0) together with the electroneutral combination
``nu+ grad mu~+ + nu- grad mu~- = grad mu_salt`` gives
``J+ = -(z-^2 det L / (nu+ S)) grad mu_salt``; with ``grad mu_salt = nu R T TDF_c grad c / c``
this is the salt diffusivity above. It reduces to Newman's
``D = 𝒟 (c_T/c0) TDF_c`` with ``𝒟 = D_0+ D_0- (z+ - z-)/(z+ D_0+ - z- D_0-)`` and to
``t+^0 = z+ D_0+/(z+ D_0+ - z- D_0-)`` (tested), and in the dilute ideal limit
(``L_ii = c_i D_i/(R T)``, ``L+- = 0``) to the Nernst–Hartley ``D = 2 D+ D-/(D+ + D-)``
(1:1) and ``t+ = D+/(D+ + D-)``.

The molal factor ``TDF_m = 1 + d ln gamma_pm / d ln m`` is related by
``TDF_c = TDF_m d ln m / d ln c`` (:func:`molar_thermodynamic_factor`).

The three measured quantities (kappa, t+^0, D with TDF_c) determine the three independent
Onsager coefficients (:func:`onsager_from_measured`). For kappa, D, TDF_c > 0 the result is
always positive definite (for 1:1, ``L++ = t+^2 S + det L / S`` and ``det L > 0``): a
transference number outside [0, 1] is not a second-law violation. The PSD check still guards
matrices given directly.

References
----------
J. Newman & K. E. Thomas-Alyea, Electrochemical Systems, 3rd ed. (Wiley, 2004), ch. 12–14;
K. D. Fong, J. Self, B. D. McCloskey & K. A. Persson, Macromolecules 53, 9503 (2020),
doi:10.1021/acs.macromol.0c02001 (Onsager coefficients and transference numbers);
D. R. Wheeler & J. Newman, J. Phys. Chem. B 108, 18353 (2004) (Onsager/Stefan–Maxwell).
"""

from __future__ import annotations

import numpy as np

from ionscales.constants import F, R
from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_positive

__all__ = [
    "conductivity",
    "transference_number",
    "salt_diffusivity",
    "onsager_from_measured",
    "onsager_from_stefan_maxwell",
    "stefan_maxwell_from_onsager",
    "molar_thermodynamic_factor",
    "check_onsager",
]


def _charges(charges):
    z = as_float_array("charges", charges)
    if z.shape != (2,) or not (z[0] > 0 > z[1]):
        raise ParameterError("charges", "must be (z+, z-) with z+ > 0 > z-", charges)
    return z


def _stoichiometry(charges):
    """nu+, nu- of the neutral formula unit with the smallest whole numbers."""
    zp, zm = (int(round(abs(v))) for v in charges)
    g = np.gcd(zp, zm)
    return zm // g, zp // g


def check_onsager(onsager, *, name: str = "onsager") -> np.ndarray:
    """Onsager matrices ``(..., 2, 2)`` [mol^2/(J m s)]: finite, symmetric, PSD."""
    L = as_float_array(name, onsager)
    if L.shape[-2:] != (2, 2):
        raise ParameterError(name, "must have shape (..., 2, 2) over (cation, anion)", L.shape)
    if not np.allclose(L[..., 0, 1], L[..., 1, 0], rtol=1e-10, atol=0.0):
        raise ParameterError(name, "must be symmetric (Onsager reciprocity)")
    eig = np.linalg.eigvalsh(L)
    scale = np.max(np.abs(eig), axis=-1, keepdims=True)
    if np.any(eig < -1e-10 * scale):
        raise ParameterError(
            name,
            "must be positive semi-definite (second law); smallest eigenvalue "
            f"{float(np.min(eig)):.3g}",
        )
    return L


def _s(L, z):
    return z[0] ** 2 * L[..., 0, 0] + 2 * z[0] * z[1] * L[..., 0, 1] + z[1] ** 2 * L[..., 1, 1]


def conductivity(onsager, *, charges=(1, -1)):
    """kappa = F^2 sum_ij z_i z_j L_ij [S/m] from Onsager matrices [mol^2/(J m s)]."""
    z = _charges(charges)
    return F**2 * _s(check_onsager(onsager), z)


def transference_number(onsager, *, charges=(1, -1)):
    """Cation transference number t+^0 (solvent-velocity reference)."""
    z = _charges(charges)
    L = check_onsager(onsager)
    return z[0] * (z[0] * L[..., 0, 0] + z[1] * L[..., 0, 1]) / _s(L, z)


def salt_diffusivity(onsager, *, concentration, thermodynamic_factor, temperature, charges=(1, -1)):
    """Fickian salt diffusivity D [m^2/s] (solvent-velocity reference).

    Parameters
    ----------
    onsager : array_like
        Onsager matrices ``(..., 2, 2)`` [mol^2/(J m s)].
    concentration : array_like
        Salt molarity c [mol/m^3], > 0.
    thermodynamic_factor : array_like
        Molar TDF_c = 1 + d ln f_pm / d ln c, > 0 (a stable solution).
    temperature : array_like
        [K], > 0.
    charges : (z+, z-)
    """
    z = _charges(charges)
    L = check_onsager(onsager)
    nup, num = _stoichiometry(z)
    c = check_positive("concentration", concentration, "mol/m^3")
    tdf = check_positive("thermodynamic_factor", thermodynamic_factor)
    t = check_positive("temperature", temperature, "K")
    det = L[..., 0, 0] * L[..., 1, 1] - L[..., 0, 1] ** 2
    return (nup + num) * R * t * z[1] ** 2 * det * tdf / (nup**2 * _s(L, z) * c)


def onsager_from_measured(
    *,
    conductivity,
    transference_number,
    salt_diffusivity,
    thermodynamic_factor,
    concentration,
    temperature,
    charges=(1, -1),
):
    """Onsager matrix from the measured kappa, t+^0, D and TDF_c (the inverse of the above).

    Returns
    -------
    ndarray
        ``(..., 2, 2)`` [mol^2/(J m s)] over (cation, anion).

    Raises
    ------
    ParameterError
        Non-positive conductivity, diffusivity, thermodynamic factor, concentration or
        temperature.

    Notes
    -----
    With ``S = kappa/F^2``: ``det L = D nu+^2 S c / (nu R T z-^2 TDF_c)``,
    ``L+- = t+ t- S/(z+ z-) - z+ z- det L / S``,
    ``L++ = (t+ S/z+ - z- L+-)/z+``, ``L-- = (t- S/z- - z+ L+-)/z-``.
    """
    z = _charges(charges)
    nup, num = _stoichiometry(z)
    kappa = check_positive("conductivity", conductivity, "S/m")
    tp = as_float_array("transference_number", transference_number)
    d = check_positive("salt_diffusivity", salt_diffusivity, "m^2/s")
    tdf = check_positive("thermodynamic_factor", thermodynamic_factor)
    c = check_positive("concentration", concentration, "mol/m^3")
    t = check_positive("temperature", temperature, "K")
    kappa, tp, d, tdf, c, t = np.broadcast_arrays(kappa, tp, d, tdf, c, t)
    s = kappa / F**2
    det = d * nup**2 * s * c / ((nup + num) * R * t * z[1] ** 2 * tdf)
    lpm = tp * (1 - tp) * s / (z[0] * z[1]) - z[0] * z[1] * det / s
    lpp = (tp * s / z[0] - z[1] * lpm) / z[0]
    lmm = ((1 - tp) * s / z[1] - z[0] * lpm) / z[1]
    L = np.stack([np.stack([lpp, lpm], -1), np.stack([lpm, lmm], -1)], -2)
    return check_onsager(L, name="conductivity, transference_number, salt_diffusivity")


def onsager_from_stefan_maxwell(
    *,
    d0_cation,
    d0_anion,
    d_cation_anion,
    concentration,
    solvent_concentration,
    temperature,
    charges=(1, -1),
):
    """Onsager matrix (solvent frame) from the three Stefan–Maxwell diffusivities [m^2/s].

    Parameters
    ----------
    d0_cation, d0_anion, d_cation_anion : array_like
        Newman's 𝒟_0+, 𝒟_0-, 𝒟_+- [m^2/s], > 0 (𝒟_+- may be negative in concentrated
        solutions; it must be nonzero).
    concentration, solvent_concentration : array_like
        Salt molarity c and solvent molarity c0 [mol/m^3], > 0.
    temperature : array_like
        [K].
    """
    z = _charges(charges)
    nup, num = _stoichiometry(z)
    d0p = check_positive("d0_cation", d0_cation, "m^2/s")
    d0m = check_positive("d0_anion", d0_anion, "m^2/s")
    dpm = as_float_array("d_cation_anion", d_cation_anion)
    if np.any(dpm == 0):
        raise ParameterError("d_cation_anion", "must be nonzero [m^2/s]", d_cation_anion)
    c = check_positive("concentration", concentration, "mol/m^3")
    c0 = check_positive("solvent_concentration", solvent_concentration, "mol/m^3")
    t = check_positive("temperature", temperature, "K")
    cp, cm = nup * c, num * c
    ct = c0 + (nup + num) * c
    rt = R * t
    kpm, kp0, km0 = rt * cp * cm / (ct * dpm), rt * cp * c0 / (ct * d0p), rt * cm * c0 / (ct * d0m)
    a, b, e = kpm + kp0, -kpm, kpm + km0
    det_m = a * e - b * b
    # L = diag(c) M^-1 diag(c), M^-1 = [[e, -b], [-b, a]] / det M
    lpp, lpm, lmm = cp * cp * e / det_m, -cp * cm * b / det_m, cm * cm * a / det_m
    L = np.stack([np.stack([lpp, lpm], -1), np.stack([lpm, lmm], -1)], -2)
    return check_onsager(L)


def stefan_maxwell_from_onsager(
    onsager, *, concentration, solvent_concentration, temperature, charges=(1, -1)
):
    """The three Stefan–Maxwell diffusivities (𝒟_0+, 𝒟_0-, 𝒟_+-) [m^2/s] from L."""
    z = _charges(charges)
    nup, num = _stoichiometry(z)
    L = check_onsager(onsager)
    c = check_positive("concentration", concentration, "mol/m^3")
    c0 = check_positive("solvent_concentration", solvent_concentration, "mol/m^3")
    t = check_positive("temperature", temperature, "K")
    cp, cm = nup * c, num * c
    ct = c0 + (nup + num) * c
    rt = R * t
    det = L[..., 0, 0] * L[..., 1, 1] - L[..., 0, 1] ** 2
    if np.any(det <= 0):
        raise ParameterError(
            "onsager", "must be positive definite to give Stefan–Maxwell diffusivities"
        )
    # M = diag(c) L^-1 diag(c)
    m_pp = cp * cp * L[..., 1, 1] / det
    m_pm = -cp * cm * L[..., 0, 1] / det
    m_mm = cm * cm * L[..., 0, 0] / det
    kpm = -m_pm
    kp0, km0 = m_pp - kpm, m_mm - kpm
    with np.errstate(divide="ignore"):
        d0p = rt * cp * c0 / (ct * kp0)
        d0m = rt * cm * c0 / (ct * km0)
        dpm = rt * cp * cm / (ct * kpm)
    return d0p, d0m, dpm


def molar_thermodynamic_factor(molal_factor, *, concentration, molality):
    """TDF_c = TDF_m d ln m / d ln c, along a concentration grid.

    Parameters
    ----------
    molal_factor : array_like
        TDF_m = 1 + d ln gamma_pm / d ln m over the grid.
    concentration, molality : array_like
        The same states as molarity [mol/m^3] and molality [mol/kg], increasing (at least 3).
    """
    tdf = as_float_array("molal_factor", molal_factor)
    c = check_positive("concentration", concentration, "mol/m^3")
    m = check_positive("molality", molality, "mol/kg")
    if (
        c.ndim != 1
        or c.size < 3
        or c.shape != m.shape
        or c.shape != tdf.shape
        or np.any(np.diff(c) <= 0)
    ):
        raise ParameterError(
            "concentration", "needs >= 3 increasing states with matching molality and factor"
        )
    return tdf * np.gradient(np.log(m), np.log(c), edge_order=2)
