"""Bridge from the theory layer to the continuum solvers.

One documented entry point, :func:`solver_inputs`, turns theory results into keyword
arguments of :func:`ionscales.continuum.solve_pb` (and ``solve_pnp``):

- effective carriers of the aggregation model (interfaces section 3: a Dataset over
  ``carrier`` with ``carrier_charge``, ``carrier_concentration``, ``carrier_diameter``,
  ``carrier_diffusivity``) become the species (:func:`species_from_carriers`);
- a permittivity from the theory layer (a number, or a Dataset/DataArray over
  ``concentration`` such as a dressed-ion ``effective_permittivity``) becomes
  ``permittivity=`` (:func:`permittivity_from_theory`);
- the leading screening pole of a screening result (``decay_length``, ``wavelength``,
  ``debye_length``) gives the BSK correlation length (:func:`correlation_length_from_screening`).

Notes
-----
BSK correlation length from a screening pole: the linearised BSK operator has
``delta^2 k^4 - k^2 + 1 = 0`` (k in units of 1/lambda_D, delta = l_c/lambda_D). For an
oscillatory leading pole k = alpha_0 + i alpha_1 the two roots are complex conjugates with
``|k|^2 = 1/delta``, so ``l_c = 1/(|k|^2 lambda_D)``. For a monotonic pole (alpha_0 = 0)
the slow root gives ``delta^2 = (k^2 - 1)/k^4``, which exists only for
``1 <= k lambda_D <= sqrt(2)``; outside that range BSK cannot reproduce the pole and a
ParameterError is raised. This matches the decay (and wavelength) of the leading mode only,
not the amplitude.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import ParameterError

__all__ = [
    "species_from_carriers",
    "permittivity_from_theory",
    "correlation_length_from_screening",
    "solver_inputs",
]

#: relative charge imbalance of carrier data that is tolerated (and removed)
NEUTRALITY_TOLERANCE = 1e-6


def species_from_carriers(carriers: xr.Dataset, solvent: Solvent) -> tuple[Electrolyte, float]:
    """Species for the continuum solvers from effective carriers (one state point).

    Parameters
    ----------
    carriers : xarray.Dataset
        Over dimension ``carrier``: ``carrier_charge`` [1] (net valence, whole number, may be
        0), ``carrier_concentration`` [mol/m^3], ``carrier_diameter`` [m] and optionally
        ``carrier_diffusivity`` [m^2/s]; coordinate ``carrier`` holds the labels.
    solvent : Solvent
        The solvent (permittivity, temperature).

    Returns
    -------
    (Electrolyte, float)
        An Electrolyte with one Ion per charged carrier (neutral and absent carriers are
        dropped) and the reference concentration c_ref [mol/m^3] = total concentration of
        positive carriers; the stoichiometry is ``c_i / c_ref``, so ``electrolyte`` at
        ``c_ref`` reproduces the carrier concentrations. Electroneutral by construction:
        an imbalance below 1e-6 (relative) is removed by rescaling the negative carriers,
        larger ones raise ParameterError.
    """
    if not isinstance(carriers, xr.Dataset):
        raise ParameterError("carriers", "must be an xarray.Dataset of effective carriers", carriers)
    if not isinstance(solvent, Solvent):
        raise ParameterError("solvent", "must be an ionscales Solvent", solvent)
    required = ("carrier_charge", "carrier_concentration", "carrier_diameter")
    missing = [name for name in required if name not in carriers]
    if missing or "carrier" not in carriers.dims:
        raise ParameterError("carriers", f"needs dimension 'carrier' and variables {list(required)}; "
                             f"missing {missing}")
    for name in required:
        if carriers[name].dims != ("carrier",):
            raise ParameterError("carriers", f"{name} must depend on 'carrier' only (one state point), "
                                 f"not {carriers[name].dims}")
    labels = [str(v) for v in carriers["carrier"].values]
    charge = np.asarray(carriers["carrier_charge"].values, dtype=float)
    conc = np.asarray(carriers["carrier_concentration"].values, dtype=float)
    diameter = np.asarray(carriers["carrier_diameter"].values, dtype=float)
    if "carrier_diffusivity" in carriers:
        diffusivity = np.asarray(carriers["carrier_diffusivity"].values, dtype=float)
    else:
        diffusivity = np.full(charge.shape, np.nan)
    if not (np.all(np.isfinite(charge)) and np.all(np.isfinite(conc))):
        raise ParameterError("carriers", "carrier_charge and carrier_concentration must be finite")
    if np.any(np.abs(charge - np.round(charge)) > 1e-9):
        raise ParameterError("carriers", "carrier_charge must be whole numbers", charge)
    if np.any(conc < 0):
        raise ParameterError("carriers", "carrier_concentration must be >= 0 mol/m^3", conc)
    keep = (np.round(charge) != 0) & (conc > 0)
    z = np.round(charge[keep]).astype(int)
    c = conc[keep]
    if not (np.any(z > 0) and np.any(z < 0)):
        raise ParameterError("carriers", "need at least one positive and one negative charged carrier")
    positive, negative = float(np.sum(z[z > 0] * c[z > 0])), float(-np.sum(z[z < 0] * c[z < 0]))
    imbalance = abs(positive - negative) / max(positive, negative)
    if imbalance > NEUTRALITY_TOLERANCE:
        raise ParameterError("carriers", f"charged carriers are not electroneutral (relative imbalance "
                             f"{imbalance:.2e} > {NEUTRALITY_TOLERANCE:g})")
    c = np.where(z < 0, c * positive / negative, c)
    c_ref = float(np.sum(c[z > 0]))
    ions = []
    for label, zi, di, Di in zip(np.asarray(labels)[keep], z, diameter[keep], diffusivity[keep]):
        ions.append(Ion(str(label), int(zi), float(di), diffusivity=None if not np.isfinite(Di) else float(Di)))
    electrolyte = Electrolyte(ions=ions, stoichiometry=list(c / c_ref), solvent=solvent,
                              name="effective carriers in " + solvent.name,
                              notes="built by ionscales.continuum.bridge.species_from_carriers; "
                                    f"diffusivity rule: {carriers.attrs.get('diffusivity_rule', 'unknown')}")
    return electrolyte, c_ref


def permittivity_from_theory(result, *, variable: str | None = None):
    """A ``permittivity=`` argument for the solvers from a theory result.

    Parameters
    ----------
    result : float, xarray.DataArray or xarray.Dataset
        A relative permittivity, or values over a ``concentration`` coordinate [mol/m^3]
        (e.g. a dressed-ion ``effective_permittivity``).
    variable : str, optional
        Name of the variable in a Dataset (default: ``effective_permittivity`` or
        ``permittivity``, whichever exists).

    Returns
    -------
    float or callable
        The number, or ``eps_r(c)`` interpolating linearly in the local salt concentration
        (held constant beyond the tabulated range).
    """
    if isinstance(result, (int, float, np.floating)) and not isinstance(result, bool):
        value = float(result)
        if not math.isfinite(value) or value <= 0:
            raise ParameterError("permittivity", "must be finite and > 0", result)
        return value
    if isinstance(result, xr.Dataset):
        names = [variable] if variable else ["effective_permittivity", "permittivity"]
        found = [n for n in names if n in result]
        if not found:
            raise ParameterError("result", f"has none of the variables {names}")
        result = result[found[0]]
    if not isinstance(result, xr.DataArray) or "concentration" not in result.dims or result.ndim != 1:
        raise ParameterError("result", "must be a number or a 1-D DataArray over 'concentration'")
    conc = np.asarray(result["concentration"].values, dtype=float)
    eps = np.asarray(result.values, dtype=float)
    ok = np.isfinite(eps) & np.isfinite(conc)
    if ok.sum() < 1 or np.any(eps[ok] <= 0):
        raise ParameterError("result", "needs finite positive permittivities")
    order = np.argsort(conc[ok])
    table_c, table_eps = conc[ok][order], eps[ok][order]

    def permittivity(concentration):
        """Relative permittivity at the local salt concentration [mol/m^3] (theory table)."""
        return np.interp(concentration, table_c, table_eps)

    return permittivity


def correlation_length_from_screening(screening: xr.Dataset, concentration: float | None = None) -> float:
    """BSK correlation length l_c [m] matching the leading screening pole of a theory result.

    Parameters
    ----------
    screening : xarray.Dataset
        From ``ionscales.theory.screening``: ``decay_length``, ``wavelength`` (NaN when
        monotonic) and ``debye_length`` [m], over ``concentration`` or scalar.
    concentration : float, optional
        Select this concentration [mol/m^3] (nearest tabulated) when the result has a
        ``concentration`` dimension of length > 1.

    Returns
    -------
    float
        l_c [m] (see the module Notes).
    """
    if not isinstance(screening, xr.Dataset) or not all(
            n in screening for n in ("decay_length", "wavelength", "debye_length")):
        raise ParameterError("screening", "must be a screening Dataset with decay_length, wavelength "
                             "and debye_length")
    point = screening
    if "concentration" in screening.dims:
        if screening.sizes["concentration"] > 1:
            if concentration is None:
                raise ParameterError("concentration", "select one concentration [mol/m^3] of the "
                                     "screening result")
            point = screening.sel(concentration=concentration, method="nearest")
        else:
            point = screening.isel(concentration=0)
    decay = float(point["decay_length"])
    wavelength = float(point["wavelength"])
    lam = float(point["debye_length"])
    if not (math.isfinite(decay) and decay > 0 and math.isfinite(lam) and lam > 0):
        raise ParameterError("screening", "needs a finite positive decay_length and debye_length", decay)
    alpha1 = lam / decay
    if math.isfinite(wavelength) and wavelength > 0:
        alpha0 = 2 * math.pi * lam / wavelength
        delta = 1.0 / (alpha0**2 + alpha1**2)
        if delta <= 0.5:
            raise ParameterError("screening", f"an oscillatory pole with |k| lambda_D = "
                                 f"{math.sqrt(1 / delta):.3g} >= sqrt(2) has no BSK counterpart "
                                 "(BSK oscillates only for l_c > lambda_D/2)")
    else:
        if not 1.0 <= alpha1 <= math.sqrt(2.0):
            raise ParameterError("screening", f"a monotonic pole with lambda_D/decay_length = {alpha1:.4g} "
                                 "has no BSK counterpart (needs 1 <= lambda_D/decay_length <= sqrt(2))")
        delta = math.sqrt(alpha1**2 - 1.0) / alpha1**2
    return delta * lam


def solver_inputs(*, carriers: xr.Dataset | None = None, solvent: Solvent | None = None,
                  screening: xr.Dataset | None = None, permittivity=None,
                  screening_concentration: float | None = None) -> dict:
    """Keyword arguments for ``solve_pb``/``solve_pnp`` from theory results (the bridge).

    Parameters
    ----------
    carriers, solvent :
        Effective carriers and their solvent -> ``electrolyte`` and ``concentration``.
    screening :
        A screening result -> ``correlation_length`` (for model="bsk").
    permittivity :
        A number or a theory result over concentration -> ``permittivity``.
    screening_concentration : float, optional
        Concentration at which to read the screening result [mol/m^3] (default: the
        carriers' reference concentration when carriers are given).

    Returns
    -------
    dict
        Any of ``electrolyte``, ``concentration``, ``correlation_length``, ``permittivity``.

    Examples
    --------
    >>> kwargs = solver_inputs(carriers=carriers, solvent=water, screening=modes)  # doctest: +SKIP
    >>> solve_pb(geometry=HalfSpace(), potential=0.1, model="bsk", **kwargs)       # doctest: +SKIP
    """
    out: dict = {}
    if carriers is not None:
        if solvent is None:
            raise ParameterError("solvent", "is required with carriers")
        out["electrolyte"], out["concentration"] = species_from_carriers(carriers, solvent)
    if screening is not None:
        c = screening_concentration if screening_concentration is not None else out.get("concentration")
        out["correlation_length"] = correlation_length_from_screening(screening, c)
    if permittivity is not None:
        out["permittivity"] = permittivity_from_theory(permittivity)
    return out
