"""Bridge from the theory layer to the continuum solvers.

One documented entry point, :func:`solver_inputs`, turns theory results into keyword
arguments of :func:`ionscales.continuum.solve_pb` (and ``solve_pnp``):

- effective carriers of the aggregation model (interfaces section 3: a Dataset over
  ``carrier`` with ``carrier_charge``, ``carrier_concentration``, ``carrier_diameter``,
  ``carrier_diffusivity``) become the species (:func:`species_from_carriers`);
- a LOCAL permittivity of the solution (a number, a dielectric decrement eps_r(c), or
  permittivities of uniform solutions over ``concentration``) becomes ``permittivity=``
  (:func:`permittivity_from_theory`); a dressed-ion ``effective_permittivity`` is refused
  (it renormalises the bulk screening pole and is not a local dielectric constant);
- the leading screening pole of a screening result (``decay_length``, ``wavelength``,
  ``debye_length``) gives the BSK correlation length (:func:`correlation_length_from_screening`);
- transport properties over (concentration, temperature) become PyBaMM cell-model parameter
  functions (:func:`to_pybamm`, implemented in :mod:`ionscales.continuum.cell_export`).

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

from ionscales.continuum.cell_export import to_pybamm
from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import ParameterError

__all__ = [
    "species_from_carriers",
    "permittivity_from_theory",
    "LocalPermittivity",
    "correlation_length_from_screening",
    "solver_inputs",
    "to_pybamm",
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
        raise ParameterError(
            "carriers", "must be an xarray.Dataset of effective carriers", carriers
        )
    if not isinstance(solvent, Solvent):
        raise ParameterError("solvent", "must be an ionscales Solvent", solvent)
    required = ("carrier_charge", "carrier_concentration", "carrier_diameter")
    missing = [name for name in required if name not in carriers]
    if missing or "carrier" not in carriers.dims:
        raise ParameterError(
            "carriers",
            f"needs dimension 'carrier' and variables {list(required)}; missing {missing}",
        )
    for name in required:
        if carriers[name].dims != ("carrier",):
            raise ParameterError(
                "carriers",
                f"{name} must depend on 'carrier' only (one state point), "
                f"not {carriers[name].dims}",
            )
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
        raise ParameterError(
            "carriers", "need at least one positive and one negative charged carrier"
        )
    positive, negative = float(np.sum(z[z > 0] * c[z > 0])), float(-np.sum(z[z < 0] * c[z < 0]))
    imbalance = abs(positive - negative) / max(positive, negative)
    if imbalance > NEUTRALITY_TOLERANCE:
        raise ParameterError(
            "carriers",
            f"charged carriers are not electroneutral (relative imbalance "
            f"{imbalance:.2e} > {NEUTRALITY_TOLERANCE:g})",
        )
    c = np.where(z < 0, c * positive / negative, c)
    c_ref = float(np.sum(c[z > 0]))
    ions = []
    for label, zi, di, Di in zip(np.asarray(labels)[keep], z, diameter[keep], diffusivity[keep]):
        ions.append(
            Ion(
                str(label),
                int(zi),
                float(di),
                diffusivity=None if not np.isfinite(Di) else float(Di),
            )
        )
    electrolyte = Electrolyte(
        ions=ions,
        stoichiometry=list(c / c_ref),
        solvent=solvent,
        name="effective carriers in " + solvent.name,
        notes="built by ionscales.continuum.bridge.species_from_carriers; "
        f"diffusivity rule: {carriers.attrs.get('diffusivity_rule', 'unknown')}",
    )
    return electrolyte, c_ref


class LocalPermittivity:
    """A local relative permittivity eps_r(c) of the solution at salt concentration c.

    Callable: ``eps(c)`` [1] for the local salt concentration c [mol/m^3] (array in, array
    out). This is the dielectric constant of a uniform solution at concentration c (a
    dielectric decrement), so it can be used point by point in Poisson's equation
    (``solve_pb(..., permittivity=eps)``); ``source`` records where it comes from.
    """

    def __init__(self, function, source: str, name: str = "local_permittivity"):
        self._function = function
        self.source = source
        self.__name__ = name

    def __call__(self, concentration):
        return self._function(concentration)

    def __repr__(self):
        return f"LocalPermittivity({self.__name__}, source={self.source!r})"


def permittivity_from_theory(
    result, *, variable: str | None = None, solvent_permittivity: float | None = None
):
    """A LOCAL permittivity ``permittivity=`` for the solvers: eps_r of the solution at the
    local salt concentration (a dielectric decrement), never a screening renormalisation.

    Parameters
    ----------
    result : float, callable, dielectric-decrement model, xarray.DataArray or xarray.Dataset
        - a relative permittivity [1] (constant);
        - a callable ``eps_r(c)`` of the salt concentration [mol/m^3] (taken as local);
        - a dielectric-decrement model called as ``model(c, eps_s)`` (e.g.
          ``ionscales.dielectric.DielectricDecrement``: linear decrement or its saturating
          Gavish–Promislow form), evaluated with ``solvent_permittivity``;
        - measured (or decrement-model) static permittivities of uniform solutions over a
          ``concentration`` coordinate [mol/m^3], variable ``permittivity``.
    variable : str, optional
        Name of the variable in a Dataset (default ``permittivity``).
    solvent_permittivity : float, optional
        eps_s [1] of the pure solvent, required with a decrement model.

    Returns
    -------
    float or LocalPermittivity
        The number, or ``eps_r(c)`` (tables: linear interpolation in c, held constant
        beyond the tabulated range).

    Raises
    ------
    ParameterError
        For a dressed-ion ``effective_permittivity`` (E_r^eff of dressed-ion theory):
        it renormalises the far-field screening pole of the bulk (it multiplies eps_r in
        the asymptotic decay of the potential together with the dressed charge q_eff/q), it
        is not the dielectric constant of a solution at a local concentration, and PB with
        it as a local eps(c) reproduces neither kappa_D^2 q_eff/q nor anything measured.

    Notes
    -----
    A local eps(c) is the static permittivity of a uniform solution at concentration c
    (dielectric decrement, e.g. linear eps_s - alpha c for alpha c << eps_s, saturating at
    high c: Gavish & Promislow 2016). In ``solve_pb`` it enters Poisson's equation cell by
    cell and the ions' Born solvation energies (see :func:`ionscales.continuum.solve_pb`).

    References
    ----------
    Gavish & Promislow, Phys. Rev. E 94, 012611 (2016), doi:10.1103/PhysRevE.94.012611.
    Kjellander, Soft Matter 15, 5866 (2019), doi:10.1039/c9sm00712a (dressed-ion theory:
    the effective permittivity of the screening modes).
    """
    if isinstance(result, (int, float, np.floating)) and not isinstance(result, bool):
        value = float(result)
        if not math.isfinite(value) or value <= 0:
            raise ParameterError("permittivity", "must be finite and > 0", result)
        return value
    if isinstance(result, LocalPermittivity):
        return result
    if callable(result) and not isinstance(result, (xr.Dataset, xr.DataArray)):
        if hasattr(result, "derivative"):  # a decrement model: eps_r(c, eps_s)
            if solvent_permittivity is None:
                raise ParameterError(
                    "solvent_permittivity",
                    "is required with a dielectric-decrement model (pure-solvent eps_r, e.g. 78.4)",
                )
            eps_s = float(solvent_permittivity)
            if not math.isfinite(eps_s) or eps_s <= 0:
                raise ParameterError(
                    "solvent_permittivity", "must be finite and > 0", solvent_permittivity
                )
            form = getattr(result, "form", type(result).__name__)
            return LocalPermittivity(
                lambda c, _m=result: np.asarray(_m(c, eps_s), dtype=float),
                source=f"dielectric decrement ({form}), eps_s = {eps_s:g}",
                name=f"decrement_{form}",
            )
        return LocalPermittivity(
            result, source="user callable eps_r(c)", name=getattr(result, "__name__", "callable")
        )
    if isinstance(result, xr.Dataset):
        name = variable or "permittivity"
        if name == "effective_permittivity" or (
            name not in result and "effective_permittivity" in result
        ):
            raise ParameterError(
                "result",
                "effective_permittivity (dressed-ion E_r^eff) is a "
                "renormalisation of the bulk screening pole, not a local "
                "permittivity; pass a dielectric decrement eps_r(c)",
            )
        if name not in result:
            raise ParameterError(
                "result", f"has no variable {name!r} (a local permittivity over concentration)"
            )
        result = result[name]
    if isinstance(result, xr.DataArray) and result.name == "effective_permittivity":
        raise ParameterError(
            "result",
            "effective_permittivity (dressed-ion E_r^eff) is a "
            "renormalisation of the bulk screening pole, not a local "
            "permittivity; pass a dielectric decrement eps_r(c)",
        )
    if (
        not isinstance(result, xr.DataArray)
        or "concentration" not in result.dims
        or result.ndim != 1
    ):
        raise ParameterError(
            "result",
            "must be a number, a callable eps_r(c) or a 1-D DataArray over 'concentration'",
            type(result).__name__,
        )
    conc = np.asarray(result["concentration"].values, dtype=float)
    eps = np.asarray(result.values, dtype=float)
    ok = np.isfinite(eps) & np.isfinite(conc)
    if ok.sum() < 1 or np.any(eps[ok] <= 0):
        raise ParameterError("result", "needs finite positive permittivities")
    order = np.argsort(conc[ok])
    table_c, table_eps = conc[ok][order], eps[ok][order]

    def permittivity(concentration):
        """Relative permittivity at the local salt concentration [mol/m^3] (table)."""
        return np.interp(concentration, table_c, table_eps)

    return LocalPermittivity(
        permittivity,
        source="table over concentration",
        name=str(result.name or "permittivity_table"),
    )


def correlation_length_from_screening(
    screening: xr.Dataset, concentration: float | None = None
) -> float:
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
        n in screening for n in ("decay_length", "wavelength", "debye_length")
    ):
        raise ParameterError(
            "screening",
            "must be a screening Dataset with decay_length, wavelength and debye_length",
        )
    point = screening
    if "concentration" in screening.dims:
        if screening.sizes["concentration"] > 1:
            if concentration is None:
                raise ParameterError(
                    "concentration", "select one concentration [mol/m^3] of the screening result"
                )
            point = screening.sel(concentration=concentration, method="nearest")
        else:
            point = screening.isel(concentration=0)
    decay = float(point["decay_length"])
    wavelength = float(point["wavelength"])
    lam = float(point["debye_length"])
    if not (math.isfinite(decay) and decay > 0 and math.isfinite(lam) and lam > 0):
        raise ParameterError(
            "screening", "needs a finite positive decay_length and debye_length", decay
        )
    alpha1 = lam / decay
    if math.isfinite(wavelength) and wavelength > 0:
        alpha0 = 2 * math.pi * lam / wavelength
        delta = 1.0 / (alpha0**2 + alpha1**2)
        if delta <= 0.5:
            raise ParameterError(
                "screening",
                f"an oscillatory pole with |k| lambda_D = "
                f"{math.sqrt(1 / delta):.3g} >= sqrt(2) has no BSK counterpart "
                "(BSK oscillates only for l_c > lambda_D/2)",
            )
    else:
        if not 1.0 <= alpha1 <= math.sqrt(2.0):
            raise ParameterError(
                "screening",
                f"a monotonic pole with lambda_D/decay_length = {alpha1:.4g} "
                "has no BSK counterpart (needs 1 <= lambda_D/decay_length <= sqrt(2))",
            )
        delta = math.sqrt(alpha1**2 - 1.0) / alpha1**2
    return delta * lam


def solver_inputs(
    *,
    carriers: xr.Dataset | None = None,
    solvent: Solvent | None = None,
    screening: xr.Dataset | None = None,
    permittivity=None,
    screening_concentration: float | None = None,
) -> dict:
    """Keyword arguments for ``solve_pb``/``solve_pnp`` from theory results (the bridge).

    Parameters
    ----------
    carriers, solvent :
        Effective carriers and their solvent -> ``electrolyte`` and ``concentration``.
    screening :
        A screening result -> ``correlation_length`` (for model="bsk").
    permittivity :
        A number, a dielectric decrement or local permittivities over concentration ->
        ``permittivity`` (see :func:`permittivity_from_theory`).
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
        c = (
            screening_concentration
            if screening_concentration is not None
            else out.get("concentration")
        )
        out["correlation_length"] = correlation_length_from_screening(screening, c)
    if permittivity is not None:
        out["permittivity"] = permittivity_from_theory(permittivity)
    return out
