"""FitResult and the shared lmfit adapter.

Every fit is set up with lmfit ``Parameters`` in O(1) internal units; ``scales[name]``
converts an internal value to SI (``si = internal * scale``). :func:`run_fit` minimises
a residual function and wraps the outcome in a :class:`FitResult`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import lmfit
import numpy as np
import xarray as xr

from ionscales.errors import ParameterError
from ionscales.results import make_dataset
from ionscales.validation import as_float_array

__all__ = [
    "FitResult",
    "InformationCriteria",
    "information_criteria",
    "run_fit",
    "refine_start",
    "check_fit_data",
    "NM",
]

#: nanometre [m]: fits run lengths in nm internally (the one definition for the fitting modules)
NM = 1e-9


class InformationCriteria(NamedTuple):
    """AIC and BIC of one fit, with the -2 ln L (up to a data-only constant) they share."""

    aic: float
    bic: float
    minus_two_log_likelihood: float


def information_criteria(
    chisqr: float, n_data: int, n_varied: int, *, absolute: bool
) -> InformationCriteria:
    """Akaike and Bayesian information criteria: the one definition used by every fit.

    Parameters
    ----------
    chisqr : float
        Sum of squared residuals [1]: a chi-square (residuals in units of known standard
        deviations), a Poisson or other likelihood deviance (squared deviance residuals),
        or an unweighted sum of squares.
    n_data : int
        Number of residuals (data points) [1], >= 1.
    n_varied : int
        Number of varied parameters k [1], >= 0.
    absolute : bool
        True when ``chisqr`` is itself -2 ln L up to a constant: a chi-square with known
        standard deviations or a likelihood deviance. False when the noise level is
        unknown and estimated from the residuals (maximum-likelihood Gaussian with an
        unknown common variance): then -2 ln L = n ln(chisqr / n) + constant.

    Returns
    -------
    InformationCriteria
        ``aic = -2 ln L + 2 k``, ``bic = -2 ln L + k ln n`` and ``minus_two_log_likelihood``.

    Notes
    -----
    Only differences between fits to the same data are meaningful (the dropped constant
    depends on the data alone). ``absolute=False`` reproduces lmfit's ``aic``/``bic``;
    ``absolute=True`` makes AIC = deviance + 2 k for likelihood fits. A zero sum of
    squares is clamped at 1e-250 n as lmfit does, so the criteria stay finite.

    References
    ----------
    H. Akaike, IEEE Trans. Autom. Control 19, 716 (1974), doi:10.1109/TAC.1974.1100705;
    G. Schwarz, Ann. Stat. 6, 461 (1978), doi:10.1214/aos/1176344136.
    """
    n = int(n_data)
    k = int(n_varied)
    if n < 1:
        raise ParameterError("n_data", "must be >= 1", n_data)
    if k < 0:
        raise ParameterError("n_varied", "must be >= 0", n_varied)
    chisqr = float(chisqr)
    if not (math.isfinite(chisqr) and chisqr >= 0):
        raise ParameterError("chisqr", "must be finite and >= 0", chisqr)
    if absolute:
        m2ll = chisqr
    else:
        m2ll = n * math.log(max(chisqr, 1e-250 * n) / n)
    return InformationCriteria(m2ll + 2 * k, m2ll + k * math.log(n), m2ll)


@dataclass
class FitResult:
    """Outcome of a fit.

    Attributes
    ----------
    best_values, stderr : dict
        Parameter values and standard errors in SI units (stderr NaN when unknown).
    units : dict
        SI unit of each parameter.
    params : lmfit.Parameters
        The fitted parameters in the fit's internal O(1) units (``scales`` converts).
    scales : dict
        internal value * scale = SI value.
    covariance : ndarray
        Covariance of the varied parameters in SI units (NaN if unknown).
    success, errorbars : bool
        Minimiser success; whether lmfit could estimate uncertainties.
    at_bounds : list of str
        Varied parameters that ended at a bound (their stderr is not meaningful).
    chisqr, redchi, aic, bic : float
    x, data, best_fit, residual : ndarray
        Independent variable, fitted data, model at best fit, residual (weighted).
    x_name, x_units, data_name, data_units : str
    method : str
        Description of the objective (least squares, Poisson deviance, ...).
    point_coords : dict
        ``name -> (values, units[, long_name])``: labels of each data point (e.g. the
        condition, ``n_cation`` and ``n_anion`` of a cluster-count cell), written as
        coordinates along ``point`` by :meth:`to_dataset` (``ds.set_index(point=[...])
        .unstack("point")`` restores the grid).
    raw : lmfit.minimizer.MinimizerResult
        The raw lmfit result (not stored in :meth:`to_dataset`).
    """

    best_values: dict[str, float]
    stderr: dict[str, float]
    units: dict[str, str]
    params: lmfit.Parameters
    scales: dict[str, float]
    covariance: np.ndarray
    success: bool
    errorbars: bool
    at_bounds: list[str]
    chisqr: float
    redchi: float
    aic: float
    bic: float
    nfev: int
    x: np.ndarray
    data: np.ndarray
    best_fit: np.ndarray
    residual: np.ndarray
    x_name: str = "x"
    x_units: str = "1"
    data_name: str = "data"
    data_units: str = "1"
    method: str = "least squares"
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    raw: Any = None
    point_coords: dict[str, tuple] = field(default_factory=dict)

    @property
    def varied(self) -> list[str]:
        """Names of the varied parameters (the covariance order)."""
        return [n for n, p in self.params.items() if p.vary and p.expr is None]

    @property
    def fixed(self) -> list[str]:
        """Names of the parameters held fixed during the fit (stderr 0 by convention): lmfit
        parameters with ``vary=False`` and reported values that were not fitted but set
        (stderr exactly 0, e.g. the functionalities of an aggregation fit)."""
        out = []
        for n in self.best_values:
            if n in self.params:
                if not self.params[n].vary and self.params[n].expr is None:
                    out.append(n)
            elif self.stderr.get(n) == 0.0:
                out.append(n)
        return out

    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        """(name, value, stderr, unit, note) per parameter, values in SI."""
        rows = []
        fixed = set(self.fixed)
        for name, value in self.best_values.items():
            unit = self.units.get(name, "1")
            err = self.stderr.get(name, np.nan)
            if name in fixed:
                shown_err, note = "", "fixed"
            elif name in self.at_bounds:
                shown_err, note = "", "at a bound"
            elif name not in self.params:
                shown_err, note = "", "not fitted"
            else:
                shown_err = f"{err:.3g}" if np.isfinite(err) else "unknown"
                note = f"{abs(err / value) * 100:.2g} %" if np.isfinite(err) and value else ""
            rows.append((name, f"{value:.6g}", shown_err, unit, note))
        return rows

    def fit_report(self) -> str:
        """lmfit-style text report: fit statistics, then parameters in SI units with
        standard errors (fixed parameters say so), then the larger correlations."""
        n = int(np.size(self.data))
        lines = [
            "[[Fit Statistics]]",
            f"    method          = {self.method}",
            f"    success         = {self.success}  ({self.message})"
            if self.message
            else f"    success         = {self.success}",
            f"    function evals  = {self.nfev}",
            f"    data points     = {n}",
            f"    variables       = {len(self.varied)}",
            f"    chi-square      = {self.chisqr:.6g}",
            f"    reduced chi-sq  = {self.redchi:.6g}",
            f"    Akaike info crit   = {self.aic:.6g}",
            f"    Bayesian info crit = {self.bic:.6g}",
            "[[Variables]]",
        ]
        width = max((len(r[0]) for r in self._rows()), default=4)
        for name, value, err, unit, note in self._rows():
            unc = f" +/- {err}" if err else ""
            tail = f" ({note})" if note else ""
            lines.append(f"    {name:<{width}} = {value}{unc} {unit}{tail}".rstrip())
        corr = self._correlations(0.1)
        if corr:
            lines.append("[[Correlations]] (unreported correlations are < 0.100)")
            for a, b, r in corr:
                lines.append(f"    C({a}, {b}) = {r:+.4f}")
        return "\n".join(lines)

    def _correlations(self, threshold: float) -> list[tuple[str, str, float]]:
        cov = np.asarray(self.covariance, dtype=float)
        names = self.varied
        if cov.shape != (len(names), len(names)) or not np.all(np.isfinite(cov)):
            return []
        sd = np.sqrt(np.diag(cov))
        out = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                if sd[i] > 0 and sd[j] > 0:
                    r = cov[i, j] / (sd[i] * sd[j])
                    if abs(r) >= threshold:
                        out.append((names[i], names[j], float(r)))
        return sorted(out, key=lambda t: -abs(t[2]))

    def __repr__(self) -> str:
        lines = [
            f"FitResult(success={self.success}, errorbars={self.errorbars}, redchi={self.redchi:.4g})"
        ]
        for name, value, err, unit, note in self._rows():
            unc = f" +/- {err}" if err else ""
            tail = f" ({note})" if note and not note.endswith("%") else ""
            lines.append(f"  {name} = {value}{unc} {unit}{tail}".rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        head = (
            f"<p><b>FitResult</b>: {escape(self.method)}; success {self.success}, "
            f"{np.size(self.data)} points, {len(self.varied)} varied, reduced &chi;&sup2; "
            f"{self.redchi:.4g}, AIC {self.aic:.4g}, BIC {self.bic:.4g}</p>"
        )
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in self._rows()
        )
        table = (
            "<table><tr><th>parameter</th><th>value</th><th>std. error</th><th>unit</th>"
            f"<th>note</th></tr>{rows}</table>"
        )
        return head + table

    def to_dataset(self) -> xr.Dataset:
        """Labelled Dataset: best values, stderr, covariance over (cov_i, cov_j), data,
        best_fit, residual over the independent variable; attrs success, errorbars,
        chisqr, redchi, aic, bic."""
        names = list(self.best_values)
        varied = self.varied
        x = np.asarray(self.x)
        xdim = self.x_name
        data_vars = {
            "best_value": ("param", np.array([self.best_values[n] for n in names])),
            "stderr": ("param", np.array([self.stderr.get(n, np.nan) for n in names])),
            "parameter_unit": (
                "param",
                np.array([self.units.get(n, "1") for n in names], dtype=str),
            ),
            "covariance": (("cov_i", "cov_j"), np.asarray(self.covariance, dtype=float)),
            "data": (
                "point",
                np.asarray(self.data, dtype=float),
                self.data_units,
                f"fitted data ({self.data_name})",
            ),
            "best_fit": (
                "point",
                np.asarray(self.best_fit, dtype=float),
                self.data_units,
                "model at the best fit",
            ),
            "fit_residual": (
                "point",
                np.asarray(self.residual, dtype=float),
                "1",
                "residual (weighted)",
            ),
            xdim if xdim not in ("point",) else "x": (
                "point",
                x.reshape(len(self.data), -1)[:, 0] if x.size != len(self.data) else x,
                self.x_units,
                f"independent variable ({xdim})",
            ),
        }
        point_coords = {}
        for cname, spec in self.point_coords.items():
            values = np.asarray(spec[0])
            if values.shape != (len(self.data),):
                raise ParameterError(
                    "point_coords",
                    f"{cname!r} needs one value per data point ({len(self.data)})",
                    values.shape,
                )
            point_coords[cname] = ("point", values, *spec[1:])
        ds = make_dataset(
            data_vars,
            {
                **point_coords,
                "param": ("param", np.array(names, dtype=str), "1", "fit parameter name"),
                "cov_i": ("cov_i", np.array(varied, dtype=str), "1", "covariance row parameter"),
                "cov_j": ("cov_j", np.array(varied, dtype=str), "1", "covariance column parameter"),
                "point": ("point", np.arange(len(self.data)), "1", "data point index"),
            },
            model="fit",
            attrs={
                "method": self.method,
                "success": bool(self.success),
                "errorbars": bool(self.errorbars),
                "chisqr": float(self.chisqr),
                "redchi": float(self.redchi),
                "aic": float(self.aic),
                "bic": float(self.bic),
                "nfev": int(self.nfev),
                "at_bounds": ", ".join(self.at_bounds),
                "message": self.message,
            },
        )
        return ds


def check_fit_data(name_x: str, x, name_y: str, y, sigma=None):
    """Validate fit inputs: finite, same length, 1-D; sigma positive. Returns arrays."""
    x = as_float_array(name_x, x)
    y = as_float_array(name_y, y)
    if x.ndim != 1 or y.ndim != 1:
        raise ParameterError(name_y, "fit data must be 1-D arrays", (x.shape, y.shape))
    if x.shape != y.shape:
        raise ParameterError(name_y, f"length {y.size} does not match {name_x} length {x.size}")
    if sigma is not None:
        sigma = np.broadcast_to(as_float_array("sigma", sigma), y.shape).astype(float)
        if np.any(sigma <= 0):
            raise ParameterError("sigma", "standard deviations must be > 0", sigma)
    return x, y, sigma


def refine_start(
    residual: Callable[[lmfit.Parameters], np.ndarray],
    params: lmfit.Parameters,
    *,
    minimizer: str = "leastsq",
):
    """Refine starting values with lmfit (a pre-fit whose result seeds :func:`run_fit`).

    Returns lmfit's ``MinimizerResult`` (``.params``, ``.chisqr``); raises ParameterError
    when the residual cannot be evaluated (NaN: the model left its domain). The reported
    fit always goes through :func:`run_fit`, so its statistics have one definition.
    """
    try:
        return lmfit.Minimizer(residual, params, nan_policy="raise").minimize(method=minimizer)
    except ValueError as exc:
        raise ParameterError("data", f"the fit could not be evaluated: {exc}") from exc


def run_fit(
    residual: Callable[[lmfit.Parameters], np.ndarray],
    params: lmfit.Parameters,
    *,
    scales: Mapping[str, float],
    units: Mapping[str, str],
    x,
    data,
    model_values: Callable[[lmfit.Parameters], np.ndarray],
    x_name: str = "x",
    x_units: str = "1",
    data_name: str = "data",
    data_units: str = "1",
    method: str = "least squares",
    minimizer: str = "leastsq",
    scale_covar: bool = True,
    n_data: int | None = None,
    point_coords: Mapping[str, tuple] | None = None,
) -> FitResult:
    """Minimise ``residual(params)`` with lmfit and build a :class:`FitResult`.

    ``scale_covar`` (lmfit's option) rescales the covariance by the reduced chi-square:
    use True when ``sigma`` is unknown, False for absolute weights or likelihood fits (it
    also selects the AIC/BIC form, see :func:`information_criteria`). ``point_coords``
    labels the data points (see :class:`FitResult`).
    """
    mini = lmfit.Minimizer(residual, params, scale_covar=scale_covar, nan_policy="raise")
    try:
        result = mini.minimize(method=minimizer)
    except ValueError as exc:  # NaN in the residual (model left its domain)
        raise ParameterError("data", f"the fit could not be evaluated: {exc}") from exc
    varied = [n for n, p in result.params.items() if p.vary]
    best = {n: float(p.value) * scales.get(n, 1.0) for n, p in result.params.items()}
    err = {
        n: (
            float(p.stderr) * scales.get(n, 1.0)
            if p.stderr is not None and np.isfinite(p.stderr)
            else np.nan
        )
        for n, p in result.params.items()
    }
    for n, p in result.params.items():
        if not p.vary:
            err[n] = 0.0 if p.expr is None else err[n]
    at_bounds = []
    for n in varied:
        p = result.params[n]
        span = max(abs(p.value), 1e-12)
        if (np.isfinite(p.min) and abs(p.value - p.min) <= 1e-6 * span) or (
            np.isfinite(p.max) and abs(p.value - p.max) <= 1e-6 * span
        ):
            at_bounds.append(n)
            err[n] = np.nan
    if result.covar is not None and np.shape(result.covar) == (len(varied), len(varied)):
        s = np.array([scales.get(n, 1.0) for n in varied])
        cov = np.asarray(result.covar) * np.outer(s, s)
    else:
        cov = np.full((len(varied), len(varied)), np.nan)
    errorbars = (
        bool(result.errorbars) and not at_bounds and all(np.isfinite(err[n]) for n in varied)
    )
    # one AIC/BIC definition: a likelihood deviance or known-sigma chi-square counts as -2 ln L
    ic = information_criteria(result.chisqr, result.ndata, len(varied), absolute=not scale_covar)
    return FitResult(
        best_values=best,
        stderr=err,
        units={n: units.get(n, "1") for n in result.params},
        params=result.params,
        scales={n: scales.get(n, 1.0) for n in result.params},
        covariance=cov,
        success=bool(result.success),
        errorbars=errorbars,
        at_bounds=at_bounds,
        chisqr=float(result.chisqr),
        redchi=float(result.redchi),
        aic=ic.aic,
        bic=ic.bic,
        nfev=int(result.nfev),
        x=np.asarray(x),
        data=np.asarray(data, dtype=float),
        best_fit=np.asarray(model_values(result.params), dtype=float),
        residual=np.asarray(result.residual, dtype=float),
        x_name=x_name,
        x_units=x_units,
        data_name=data_name,
        data_units=data_units,
        method=method,
        message=str(result.message),
        raw=result,
        point_coords=dict(point_coords or {}),
    )
