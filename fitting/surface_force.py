"""Decay length (and structural oscillation) from a surface-force curve F/R(D).

This is how screening lengths are extracted from surface force balance / SFA / AFM data: the
long-range tail of F/R = 2 pi W(D) between two charged surfaces decays as exp(-D/lambda) with
lambda the screening length (the Debye length for dilute electrolytes in Poisson–Boltzmann
theory), compare with :func:`ionscales.theory.screening`.
"""

from __future__ import annotations

import lmfit
import numpy as np

from ionscales.errors import ParameterError
from ionscales.fitting.core import NM as _NM
from ionscales.fitting.core import FitResult, check_fit_data, refine_start, run_fit
from ionscales.validation import as_float_array

__all__ = ["fit_surface_force", "surface_force_model"]


def surface_force_model(
    separation,
    *,
    decay_length,
    amplitude,
    structural_amplitude=0.0,
    structural_decay_length=1e-9,
    structural_period=1e-9,
    structural_phase=0.0,
):
    """F/R(D) = A exp(-D/lambda) + A_s exp(-D/lambda_s) cos(2 pi D/P + phi) [N/m].

    Parameters
    ----------
    separation : array_like
        Surface separation D [m].
    decay_length : float
        lambda [m], > 0.
    amplitude : float
        A [N/m] (F/R extrapolated to D = 0; > 0 repulsive).
    structural_amplitude : float
        A_s [N/m] of the damped oscillatory (structural, layering) term.
    structural_decay_length : float
        lambda_s [m], > 0.
    structural_period : float
        Oscillation period P [m] (about the ion or ion-pair size), > 0.
    structural_phase : float
        phi [rad].
    """
    D = as_float_array("separation", separation, unit="m")
    out = amplitude * np.exp(-D / decay_length)
    if structural_amplitude != 0.0:
        out = out + structural_amplitude * np.exp(-D / structural_decay_length) * np.cos(
            2 * np.pi * D / structural_period + structural_phase
        )
    return out


def fit_surface_force(
    separation,
    force_over_radius,
    sigma=None,
    *,
    window=None,
    oscillatory=False,
    structural_period=None,
    structural_decay_length=None,
) -> FitResult:
    """Fit the exponential tail (optionally plus a damped oscillatory term) of F/R(D).

    Parameters
    ----------
    separation : array_like
        Surface separation D [m] (1-D, finite, >= 0).
    force_over_radius : array_like
        F/R [N/m] at each separation (as measured in a surface force balance, or 2 pi W(D)).
    sigma : array_like, optional
        Standard deviations of F/R [N/m] (> 0). Default: relative weighting
        sigma_i = |F/R_i| + 0.01 max|F/R| (appropriate for force data whose error is a
        fraction of the signal over several decades); the covariance is then rescaled by the
        reduced chi-square.
    window : (float, float), optional
        Fit window (D_min, D_max) [m]: only points with D_min <= D <= D_max are fitted. Choose
        it explicitly to exclude the short-range (structural / hard-wall / nonlinear) part
        when fitting the pure exponential tail. Default: all points.
    oscillatory : bool
        Add the structural term A_s exp(-D/lambda_s) cos(2 pi D/P + phi).
    structural_period : float, optional
        Initial guess of P [m] (default: twice the mean spacing of the sign changes of the
        residual of an exponential fit, or 1 nm).
    structural_decay_length : float, optional
        Initial guess of lambda_s [m] (default: the structural period).

    Returns
    -------
    FitResult
        ``best_values`` / ``stderr`` in SI: ``decay_length`` [m], ``amplitude`` [N/m]; with
        ``oscillatory`` also ``structural_amplitude`` [N/m], ``structural_decay_length`` [m],
        ``structural_period`` [m], ``structural_phase`` [rad]. ``extra["window"]`` records the
        window used, ``extra["n_points"]`` the number of points fitted.

    Notes
    -----
    Internally D is in nm and F/R in units of max|F/R| over the window. The starting decay
    length comes from a straight-line fit of ln|F/R| over the window. For PB double layers in
    the weak-overlap regime lambda = lambda_D and A = 128 pi n0 kT gamma^2 lambda_D
    (Israelachvili, Intermolecular and Surface Forces, 3rd ed., 2011).
    """
    D, F, sigma = check_fit_data(
        "separation", separation, "force_over_radius", force_over_radius, sigma
    )
    if np.any(D < 0):
        raise ParameterError("separation", "must be >= 0 m", separation)
    if window is not None:
        w = as_float_array("window", window)
        if w.shape != (2,) or not w[0] < w[1]:
            raise ParameterError("window", "must be (D_min, D_max) [m] with D_min < D_max", window)
        keep = (D >= w[0]) & (D <= w[1])
        window_used = (float(w[0]), float(w[1]))
    else:
        keep = np.ones(D.shape, dtype=bool)
        window_used = (float(D.min()), float(D.max()))
    n_par = 6 if oscillatory else 2
    if np.count_nonzero(keep) < n_par + 1:
        raise ParameterError(
            "window", f"contains {np.count_nonzero(keep)} points; need at least {n_par + 1}", window
        )
    D, F = D[keep], F[keep]
    order = np.argsort(D)
    D, F = D[order], F[order]
    scale_f = float(np.max(np.abs(F)))
    if scale_f == 0:
        raise ParameterError(
            "force_over_radius", "is zero everywhere in the window", force_over_radius
        )
    if sigma is None:
        sig = np.abs(F) + 0.01 * scale_f
        scale_covar = True
    else:
        sig = sigma[keep][order]
        scale_covar = False
    x = D / _NM
    y = F / scale_f
    s = sig / scale_f

    # initial guesses: line through ln|F| (points of the majority sign)
    sign = 1.0 if np.sum(y > 0) >= np.sum(y < 0) else -1.0
    pos = sign * y > 0
    if np.count_nonzero(pos) >= 2 and np.ptp(x[pos]) > 0:
        slope, intercept = np.polyfit(x[pos], np.log(sign * y[pos]), 1, w=np.sqrt(sign * y[pos]))
        lam0 = -1.0 / slope if slope < 0 else np.ptp(x) / 2
        amp0 = sign * float(np.exp(np.clip(intercept, -50, 50)))
    else:
        lam0, amp0 = np.ptp(x) / 3 or 1.0, float(y[0])
    lam0 = float(np.clip(lam0, 1e-3, 1e3))

    params = lmfit.Parameters()
    params.add("decay_length", value=lam0, min=1e-4, max=1e5)
    params.add("amplitude", value=amp0)
    scales = {"decay_length": _NM, "amplitude": scale_f}
    units = {"decay_length": "m", "amplitude": "N/m"}

    if oscillatory:
        # first fit the monotonic part, then guess the period from the residual's sign changes
        pre = refine_start(lambda p: (_model(x, p) - y) / s, params)
        res = y - _model(x, pre.params)
        if structural_period is not None:
            period0 = float(structural_period) / _NM
        else:
            crossings = np.flatnonzero(np.diff(np.sign(res)) != 0)
            period0 = 2 * float(np.mean(np.diff(x[crossings]))) if crossings.size >= 3 else 1.0
        lam_s0 = (
            float(structural_decay_length) / _NM if structural_decay_length is not None else period0
        )
        amp_s0 = float(np.max(np.abs(res)) * np.exp(x[0] / lam_s0))
        params["decay_length"].value = pre.params["decay_length"].value
        params["amplitude"].value = pre.params["amplitude"].value
        params.add("structural_amplitude", value=amp_s0, min=0)
        params.add("structural_decay_length", value=lam_s0, min=1e-3, max=1e4)
        params.add("structural_period", value=period0, min=1e-3, max=1e4)
        # grid over the phase for the start, the minimiser refines it
        best = None
        for phase in np.linspace(-np.pi, np.pi, 9)[:-1]:
            trial = params.copy()
            trial.add("structural_phase", value=phase, min=-2 * np.pi, max=2 * np.pi)
            r = refine_start(lambda p: (_model(x, p) - y) / s, trial)
            if best is None or r.chisqr < best.chisqr:
                best = r
        params = best.params
        for name in ("structural_amplitude",):
            scales[name] = scale_f
            units[name] = "N/m"
        for name in ("structural_decay_length", "structural_period"):
            scales[name] = _NM
            units[name] = "m"
        scales["structural_phase"] = 1.0
        units["structural_phase"] = "rad"

    def residual(p):
        return (_model(x, p) - y) / s

    result = run_fit(
        residual,
        params,
        scales=scales,
        units=units,
        x=D,
        data=F,
        model_values=lambda p: _model(x, p) * scale_f,
        x_name="separation",
        x_units="m",
        data_name="force_over_radius",
        data_units="N/m",
        method="weighted least squares" + (" (relative weights)" if sigma is None else ""),
        scale_covar=scale_covar,
    )
    result.extra["window"] = window_used
    result.extra["n_points"] = int(D.size)
    return result


def _model(x, p):
    """surface_force_model in the fit's internal units (x in nm, F/R scaled)."""
    return surface_force_model(x, **p.valuesdict())
