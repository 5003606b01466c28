"""Global calibration of the transport chain on sigma, D, t+ and TDF over (c, T).

:func:`fit_transport` fits a few physical parameters of
:class:`~ionscales.theory.transport.TransportModel` (Stokes radii, association constant
and enthalpy, contact distance, viscosity coefficients) to any of ``conductivity``,
``salt_diffusivity``, ``transference_number``, ``thermodynamic_factor`` in a Dataset over
``("concentration", "temperature")``, all properties and states at once (relative
residuals), through :func:`ionscales.fitting.core.run_fit`.
"""

from __future__ import annotations

import math
import warnings

import lmfit
import numpy as np
import xarray as xr

from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceWarning, ParameterError
from ionscales.fitting.core import FitResult, run_fit
from ionscales.theory.transport_properties import TransportModel, properties

__all__ = ["fit_transport", "FIT_PROPERTIES", "TRANSPORT_PARAMETERS"]

FIT_PROPERTIES = ("conductivity", "salt_diffusivity", "transference_number", "thermodynamic_factor")

#: name -> (SI scale of the internal value, SI unit, internal lower bound, internal upper bound)
TRANSPORT_PARAMETERS = {
    "cation_radius": (1e-9, "m", 0.02, 5.0),
    "anion_radius": (1e-9, "m", 0.02, 5.0),
    "contact_distance": (1e-9, "m", 0.1, 3.0),
    "association_constant": (1e-3, "m^3/mol", 0.0, 1e4),
    "association_enthalpy": (1e3, "J/mol", -200.0, 200.0),
    "viscosity_pseudo_activation": (100.0, "K", 0.0, 50.0),
    "viscosity_vogel_temperature": (100.0, "K", 0.0, 2.5),
    "viscosity_a": (1000.0**-0.5, "(m^3/mol)^(1/2)", -10.0, 10.0),
    "viscosity_b": (1e-3, "m^3/mol", -5.0, 10.0),
    "viscosity_d": (1e-6, "(m^3/mol)^2", -5.0, 10.0),
    "density_slope": (1.0, "kg/mol", -1.0, 1.0),
}

DEFAULT_VARY = (
    "cation_radius",
    "anion_radius",
    "association_constant",
    "viscosity_pseudo_activation",
    "viscosity_b",
    "viscosity_d",
)


def _start(model: TransportModel) -> dict[str, float]:
    law = model.viscosity_law(model.electrolyte.solvent.temperature)
    r = model.radii
    k = model.association_constant
    if k is None:  # Fuoss at the reference temperature as the starting K_A
        k = float(model.with_(association_constant=None).association(model.reference_temperature))
    return {
        "cation_radius": r[0],
        "anion_radius": r[1],
        "contact_distance": model.distance,
        "association_constant": k,
        "association_enthalpy": model.association_enthalpy,
        "viscosity_pseudo_activation": law.pseudo_activation,
        "viscosity_vogel_temperature": law.vogel_temperature,
        "viscosity_a": law.a,
        "viscosity_b": law.b,
        "viscosity_d": law.d,
        "density_slope": model.density_slope,
    }


def _model_from(
    base: TransportModel, values: dict[str, float], eta_ref: float, t_ref: float
) -> TransportModel:
    visc = {k[len("viscosity_") :]: v for k, v in values.items() if k.startswith("viscosity_")}
    other = {k: v for k, v in values.items() if not k.startswith("viscosity_")}
    law = base.viscosity_law(t_ref)
    b = visc.get("pseudo_activation", law.pseudo_activation)
    t0 = visc.get("vogel_temperature", law.vogel_temperature)
    if t_ref <= t0:
        raise ParameterError(
            "viscosity_vogel_temperature", f"must stay below the reference {t_ref:g} K", t0
        )
    # keep the solvent viscosity at the reference temperature: eta_inf follows B and T0
    visc["solvent_viscosity"] = eta_ref * math.exp(-b / (t_ref - t0))
    from dataclasses import replace

    return replace(base, viscosity=replace(law, **visc), **other)


def fit_transport(
    data: xr.Dataset, electrolyte_or_model, vary=None, *, relative_error=None, source: str = ""
) -> FitResult:
    """Fit the transport chain globally over concentration and temperature.

    Parameters
    ----------
    data : xarray.Dataset
        Over ``("concentration", "temperature")`` ([mol/m^3], [K]) holding any of
        ``conductivity`` [S/m], ``salt_diffusivity`` [m^2/s], ``transference_number`` [1],
        ``thermodynamic_factor`` [1] (molar ``1 + d ln f / d ln c`` unless its
        ``attrs["basis"] == "molal"``). NaN entries are skipped.
    electrolyte_or_model : Electrolyte or TransportModel
        Starting point; fixed parameters keep its values.
    vary : sequence of str, optional
        Names from :data:`TRANSPORT_PARAMETERS` (default: Stokes radii, K_A, the viscosity's
        pseudo-activation [K] and Jones–Dole B, D).
    relative_error : float or dict, optional
        Relative standard error of each property [1] (default 0.05 for all; dict per name);
        for ``transference_number`` it is an absolute error (t+ may cross zero).
    source : str
        Description of the data, recorded in the calibrated model's ``source``.

    Returns
    -------
    FitResult
        ``.electrolyte`` (also ``.extra["electrolyte"]``): the calibrated TransportModel,
        accepted by :func:`ionscales.theory.transport.properties`; ``.extra["deviation"]``:
        rms relative deviation per property (absolute for ``transference_number``); ``.extra["properties"]``: the fitted chain on
        the data's grid.

    Notes
    -----
    Any carrier model of the start model is fitted (``carriers="aggregation"``: the site
    numbers f+, f- are discrete and stay fixed; compare fits over a few pairs). Trial steps
    of the optimiser that leave the chain's domain (the activity model's spinodal) get a
    large residual and trial steps near the gel point are evaluated without their
    ConvergenceWarning; the start and the returned fit are evaluated unguarded. The residual is ``(model - data) / (|data| relative_error)`` per property and state; the
    solvent viscosity at the electrolyte's temperature is held fixed (radii and viscosity
    enter only as their product), so ``viscosity_pseudo_activation`` sets its temperature
    dependence only.
    """
    if not isinstance(data, xr.Dataset) or not {"concentration", "temperature"} <= set(data.dims):
        raise ParameterError(
            "data", "must be a Dataset over ('concentration', 'temperature')", type(data).__name__
        )
    present = [p for p in FIT_PROPERTIES if p in data]
    if not present:
        raise ParameterError("data", f"holds none of {', '.join(FIT_PROPERTIES)}")
    if isinstance(electrolyte_or_model, TransportModel):
        base = electrolyte_or_model
    elif isinstance(electrolyte_or_model, Electrolyte):
        base = TransportModel(electrolyte_or_model)
    else:
        raise ParameterError(
            "electrolyte_or_model",
            "must be an Electrolyte or a TransportModel",
            electrolyte_or_model,
        )
    vary = list(DEFAULT_VARY if vary is None else vary)
    for name in vary:
        if name not in TRANSPORT_PARAMETERS:
            import difflib

            near = difflib.get_close_matches(name, TRANSPORT_PARAMETERS, 1)
            raise ParameterError(
                "vary",
                f"unknown parameter{'; did you mean ' + near[0] + '?' if near else ''} "
                f"(valid: {', '.join(TRANSPORT_PARAMETERS)})",
                name,
            )
    errors = (
        relative_error
        if isinstance(relative_error, dict)
        else {p: 0.05 if relative_error is None else float(relative_error) for p in present}
    )
    for p in present:
        e = errors.get(p, 0.05)
        if not (isinstance(e, (int, float)) and e > 0):
            raise ParameterError("relative_error", "must be > 0 for every fitted property", e)
    c = data["concentration"].values.astype(float)
    t = data["temperature"].values.astype(float)
    if not (np.all(np.isfinite(c)) and np.all(c > 0) and c.size):
        raise ParameterError("data", "concentration must be finite and > 0 [mol/m^3]", c)
    if not (np.all(np.isfinite(t)) and np.all(t > 0) and t.size):
        raise ParameterError("data", "temperature must be finite and > 0 [K]", t)
    for p in present:
        v = data[p].values.astype(float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            raise ParameterError("data", f"{p} holds no finite value", p)
        ok = (np.abs(v) < 1) if p == "transference_number" else (v > 0)
        if not np.all(ok):
            valid = "|t+| < 1" if p == "transference_number" else "> 0"
            raise ParameterError("data", f"{p} out of range (must be {valid})", float(v[~ok][0]))
    t_ref = float(base.electrolyte.solvent.temperature)
    eta_ref = float(base.viscosity_law(t_ref)(0.0, t_ref))
    start = _start(base)
    params = lmfit.Parameters()
    for name in vary:
        scale, _, lo, hi = TRANSPORT_PARAMETERS[name]
        value = min(max(start[name] / scale, lo), hi)
        params.add(name, value=value, min=lo, max=hi)
    targets = {
        p: data[p].transpose("concentration", "temperature").values.astype(float) for p in present
    }
    masks = {p: np.isfinite(v) for p, v in targets.items()}
    flat = np.concatenate([targets[p][masks[p]] for p in present])
    # t+ can cross zero (Landesfeind's correlation does at low T): its error is absolute
    weights = np.concatenate(
        [
            1
            / (
                (
                    np.ones(int(masks[p].sum()))
                    if p == "transference_number"
                    else np.abs(targets[p][masks[p]])
                )
                * errors.get(p, 0.05)
            )
            for p in present
        ]
    )

    def chain(par):
        values = {n: par[n].value * TRANSPORT_PARAMETERS[n][0] for n in vary}
        return _model_from(base, values, eta_ref, t_ref)

    def evaluate(par):
        ds = properties(chain(par), c, t)
        out = []
        for p in present:
            name = p
            if p == "thermodynamic_factor" and data[p].attrs.get("basis", "molar") != "molal":
                name = "molar_thermodynamic_factor"
            out.append(ds[name].transpose("concentration", "temperature").values[masks[p]])
        return np.concatenate(out)

    evaluate(params)  # the starting point must lie in the chain's domain (errors reach the caller)
    penalty = np.full(flat.size, 1e3)

    def residual(par):
        # a trial step of the optimiser may leave the chain's domain (the activity model's
        # spinodal): such steps get a large residual so that the optimiser retreats. Trial
        # steps near the gel point of the aggregation carriers are evaluated quietly; the
        # returned fit is evaluated below without this guard (its warnings and errors reach
        # the caller)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                return (evaluate(par) - flat) * weights
            except ParameterError:
                return penalty

    result = run_fit(
        residual,
        params,
        scales={n: TRANSPORT_PARAMETERS[n][0] for n in vary},
        units={n: TRANSPORT_PARAMETERS[n][1] for n in vary},
        x=np.arange(flat.size),
        data=flat,
        model_values=evaluate,
        x_name="point",
        data_name=", ".join(present),
        method="least squares on relative deviations, global over (c, T)",
    )
    fitted = chain(result.params)
    fitted = _with_source(fitted, source or "fit_transport", result, present)
    best = properties(fitted, c, t)
    deviation = {}
    for p in present:
        name = (
            "molar_thermodynamic_factor"
            if (p == "thermodynamic_factor" and data[p].attrs.get("basis", "molar") != "molal")
            else p
        )
        m = masks[p]
        model_values = best[name].transpose("concentration", "temperature").values[m]
        if p == "transference_number":
            rel = model_values - targets[p][m]  # absolute: t+ crosses zero
        else:
            rel = model_values / targets[p][m] - 1
        deviation[p] = float(np.sqrt(np.mean(rel**2)))
    result.extra.update(electrolyte=fitted, deviation=deviation, properties=best)
    result.electrolyte = fitted
    return result


def _with_source(model: TransportModel, source: str, result: FitResult, present) -> TransportModel:
    from dataclasses import replace

    text = (
        f"calibrated: fit_transport on {source} ({', '.join(present)}); varied "
        f"{', '.join(result.varied)}"
    )
    return replace(model, source=text)
