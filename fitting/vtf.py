"""Vogel–Tammann–Fulcher fit of conductivity versus temperature.

:func:`fit_vtf` fits ``sigma(T) = A T^(-1/2) exp(-B / (T - T0))``
(:func:`ionscales.theory.temperature.vtf_conductivity`) to measured conductivities, the way
solid polymer and glass-forming electrolytes are usually reported.

The fit runs on ``ln sigma`` (the data span decades; a relative error is what a conductivity
measurement has): residual ``(ln sigma_model - ln sigma_data) / s`` with ``s = sigma_err /
sigma`` when standard deviations are given (absolute weights), unit weights otherwise
(covariance scaled by the reduced chi-square). Internal O(1) units: ``ln A``, ``B`` in
units of 1000 K, ``T0`` in units of 100 K.
"""

from __future__ import annotations

import lmfit
import numpy as np

from ionscales.constants import R
from ionscales.errors import ParameterError
from ionscales.fitting.core import FitResult, check_fit_data, run_fit
from ionscales.theory.temperature import vtf_conductivity

__all__ = ["fit_vtf"]

_B_SCALE = 1000.0  # K
_T0_SCALE = 100.0  # K


def _log_model(t, log_a, b_internal, t0_internal):
    b = b_internal * _B_SCALE
    t0 = t0_internal * _T0_SCALE
    return log_a - 0.5 * np.log(t) - b / (t - t0)


def fit_vtf(temperature, conductivity, sigma=None, *, vogel_temperature=None) -> FitResult:
    """Fit the VTF law to conductivity versus temperature.

    Parameters
    ----------
    temperature : array_like
        Temperatures [K] (at least 4 distinct values for a free ``T0``, 3 with it fixed).
    conductivity : array_like
        Measured conductivities [S/m], > 0.
    sigma : array_like, optional
        Standard deviations of ``conductivity`` [S/m], > 0 (absolute weights).
    vogel_temperature : float, optional
        Fix T0 [K] instead of fitting it (e.g. from T_g - 50 K); must lie below every
        temperature.

    Returns
    -------
    FitResult
        Parameters ``prefactor`` (A) [S K^0.5/m], ``pseudo_activation`` (B) [K] and
        ``vogel_temperature`` (T0) [K]; ``extra["activation_energy"]`` = R B [J/mol].

    Raises
    ------
    ParameterError
        Non-positive conductivities or temperatures, too few points, or a fixed ``T0`` at
        or above a measured temperature.

    Notes
    -----
    The three parameters are strongly correlated (B and T0 above all); with data over a
    narrow range the standard errors are large, and T0 may end at its bound (0 K: an
    Arrhenius law with a T^(-1/2) prefactor describes the data as well), which the result
    reports in ``at_bounds``. T0 is kept below the lowest temperature minus 1 K.

    References
    ----------
    C. A. Angell, Chem. Rev. 102, 2627 (2002), doi:10.1021/cr000689q.
    """
    t, y, err = check_fit_data("temperature", temperature, "conductivity", conductivity, sigma)
    if np.any(t <= 0):
        raise ParameterError("temperature", "must be > 0 K", temperature)
    if np.any(y <= 0):
        raise ParameterError(
            "conductivity", "must be > 0 S/m for a VTF fit (it is fitted in log)", conductivity
        )
    free_t0 = vogel_temperature is None
    need = 4 if free_t0 else 3
    if np.unique(t).size < need:
        raise ParameterError(
            "temperature",
            f"needs at least {need} distinct temperatures for this fit",
            np.unique(t).size,
        )
    t_low = float(np.min(t))
    if not free_t0:
        vogel_temperature = float(vogel_temperature)
        if not np.isfinite(vogel_temperature) or not 0 <= vogel_temperature < t_low:
            raise ParameterError(
                "vogel_temperature",
                f"must lie in [0, {t_low:.6g}) K (below every measured temperature)",
                vogel_temperature,
            )
    ly = np.log(y)
    weight = np.ones_like(y) if err is None else y / err

    # Starting values: T0 a fixed fraction below the data, then linear least squares for
    # ln A and B (the model is linear in them at fixed T0).
    t0_start = vogel_temperature if not free_t0 else max(0.0, 0.7 * t_low - 20.0)
    design = np.column_stack([np.ones_like(t), -1.0 / (t - t0_start)])
    (log_a0, b0), *_ = np.linalg.lstsq(design, ly + 0.5 * np.log(t), rcond=None)
    b0 = max(float(b0), 1.0)

    params = lmfit.Parameters()
    params.add("log_prefactor", value=float(log_a0))
    params.add("pseudo_activation", value=b0 / _B_SCALE, min=0.0)
    params.add(
        "vogel_temperature",
        value=t0_start / _T0_SCALE,
        min=0.0,
        max=(t_low - 1.0) / _T0_SCALE,
        vary=free_t0,
    )

    def values(p):
        return _log_model(
            t, p["log_prefactor"].value, p["pseudo_activation"].value, p["vogel_temperature"].value
        )

    def residual(p):
        return (values(p) - ly) * weight

    fit = run_fit(
        residual,
        params,
        scales={
            "log_prefactor": 1.0,
            "pseudo_activation": _B_SCALE,
            "vogel_temperature": _T0_SCALE,
        },
        units={"log_prefactor": "1", "pseudo_activation": "K", "vogel_temperature": "K"},
        x=t,
        data=y,
        model_values=lambda p: np.exp(values(p)),
        x_name="temperature",
        x_units="K",
        data_name="conductivity",
        data_units="S/m",
        method="least squares on ln(conductivity)",
        scale_covar=err is None,
    )
    # Report the prefactor itself (A = exp(ln A), error by the delta method).
    log_a = fit.best_values.pop("log_prefactor")
    log_a_err = fit.stderr.pop("log_prefactor")
    fit.units.pop("log_prefactor")
    fit.best_values = {"prefactor": float(np.exp(log_a)), **fit.best_values}
    fit.stderr = {"prefactor": float(np.exp(log_a) * log_a_err), **fit.stderr}
    fit.units = {"prefactor": "S K^0.5/m", **fit.units}
    # the covariance stays over the lmfit parameters (log_prefactor, pseudo_activation,
    # vogel_temperature): ln A is the well-conditioned coordinate
    fit.extra["activation_energy"] = R * fit.best_values["pseudo_activation"]
    fit.extra["activation_energy_stderr"] = R * fit.stderr["pseudo_activation"]
    fit.extra["model"] = vtf_conductivity.__name__
    return fit
