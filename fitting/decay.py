"""Decay lengths and wavelengths from correlation-function tails; screening-length scaling.

:func:`fit_decay` fits r h(r), a potential of mean force, a charge–charge correlation
function or a surface force tail with

* monotonic: ``A exp(-r/xi)``
* damped oscillatory: ``A exp(-r/xi) cos(2 pi r/lambda - theta)``
* sums of two such modes (default for ``modes=2``: one oscillatory plus one monotonic),

reporting ``decay_length``, ``wavelength``, ``amplitude``, ``phase`` (SI; ``_1``/``_2``
suffixes for two modes, mode 1 the slowest decaying) with standard errors, and AIC/BIC
to compare forms (:func:`compare_decay_forms`).
:func:`fit_screening_scaling` fits lambda_S/lambda_D = A (sigma/lambda_D)^n.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import lmfit
import numpy as np
import xarray as xr

from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.fitting.core import NM as _NM
from ionscales.fitting.core import FitResult, check_fit_data, refine_start, run_fit
from ionscales.validation import as_float_array, check_choice, check_integer

__all__ = [
    "fit_decay",
    "compare_decay_forms",
    "decay_window",
    "fit_screening_scaling",
    "DECAY_FORMS",
]

_LENGTH_UNITS = {"m": 1.0, "nm": 1e-9, "angstrom": 1e-10, "Å": 1e-10, "A": 1e-10}

#: Named forms for :func:`compare_decay_forms`: (modes, oscillatory flags per mode).
DECAY_FORMS = {
    "monotonic": (False,),
    "oscillatory": (True,),
    "oscillatory+monotonic": (True, False),
    "two-monotonic": (False, False),
    "two-oscillatory": (True, True),
}


# --------------------------------------------------------------------------------------
# input handling and the automatic window
# --------------------------------------------------------------------------------------
def _as_data(r, values, sigma):
    units = "1"
    name = "values"
    if isinstance(r, xr.DataArray):
        if values is not None:
            raise ParameterError(
                "values", "omit values when r is a DataArray (its data are the values)"
            )
        if r.ndim != 1:
            raise ParameterError(
                "r", "a DataArray input must be 1-D over a length dimension", r.dims
            )
        dim = r.dims[0]
        coord = r[dim] if dim in r.coords else None
        if coord is None:
            raise ParameterError("r", f"the DataArray needs a coordinate along {dim!r} (distances)")
        cu = str(coord.attrs.get("units", "m"))
        if cu not in _LENGTH_UNITS:
            raise ParameterError(
                "r", f"coordinate {dim!r} must be a length in m (units attr {cu!r})"
            )
        units = str(r.attrs.get("units", "1"))
        name = str(r.name) if r.name is not None else "values"
        values = r.values
        r = np.asarray(coord.values, dtype=float) * _LENGTH_UNITS[cu]
    if values is None:
        raise ParameterError("values", "required when r is an array")
    x, y, s = check_fit_data("r", r, "values", values, sigma)
    if np.any(np.diff(x) <= 0):
        raise ParameterError("r", "distances must be strictly increasing [m]")
    if x.size < 5:
        raise ParameterError("values", "need at least 5 points", x.size)
    return x, y, s, units, name


def _noise_floor(y):
    """Noise estimate from second differences of the outer half (smooth signal cancels)."""
    tail = y[y.size // 2 :]
    if tail.size < 5:
        return 0.0
    d2 = np.diff(tail, 2)
    mad = np.median(np.abs(d2 - np.median(d2))) * 1.4826
    return float(mad / math.sqrt(6.0))


def decay_window(
    r, values, sigma=None, *, start_fraction: float = 0.3, noise_multiple: float = 3.0
):
    """The automatic fit window of :func:`fit_decay` [m].

    Rule: the window starts at the first point beyond the largest |y| where |y| has fallen
    to ``start_fraction`` (0.3) of that maximum, so that the short-range structure near
    contact is excluded, and ends at the last point where |y| still exceeds
    ``noise_multiple`` (3) times the noise level. The noise level is ``sigma`` when given,
    otherwise the robust scatter of the second differences over the outer half of the data
    (a smooth tail contributes almost nothing there), floored at 1e-12 max|y|.

    Returns
    -------
    tuple of float
        (r_min, r_max) [m].
    """
    x, y, s, _, _ = _as_data(r, values, sigma)
    ay = np.abs(y)
    i_max = int(np.argmax(ay))
    peak = ay[i_max]
    if peak == 0:
        raise ParameterError("values", "are all zero: nothing to fit")
    below = np.nonzero(ay[i_max:] <= start_fraction * peak)[0]
    i0 = i_max + (int(below[0]) if below.size else 0)
    noise = float(np.median(s)) if s is not None else _noise_floor(y)
    noise = max(noise, 1e-12 * peak)
    above = np.nonzero(ay > noise_multiple * noise)[0]
    i1 = int(above[-1]) if above.size else y.size - 1
    if i1 - i0 < 6:
        i0, i1 = max(0, min(i0, y.size - 7)), max(i1, min(y.size - 1, i0 + 6))
    return float(x[i0]), float(x[i1])


# --------------------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------------------
def _model(params, x, flags):
    out = np.zeros_like(x)
    for j, osc in enumerate(flags):
        sfx = f"_{j + 1}" if len(flags) > 1 else ""
        a = params[f"amplitude{sfx}"]
        xi = params[f"decay_length{sfx}"]
        term = a * np.exp(-x / xi)
        if osc:
            lam = params[f"wavelength{sfx}"]
            th = params[f"phase{sfx}"]
            term = term * np.cos(2 * math.pi * x / lam - th)
        out = out + term
    return out


def _linear_amplitudes(x, y, w, modes):
    """Given (xi, lambda or None) per mode, least-squares amplitudes and phases."""
    cols = []
    for xi, lam in modes:
        env = np.exp(-x / xi)
        if lam is None:
            cols.append(env)
        else:
            k = 2 * math.pi / lam
            cols += [env * np.cos(k * x), env * np.sin(k * x)]
    a = np.column_stack(cols) * w[:, None]
    coef, *_ = np.linalg.lstsq(a, y * w, rcond=None)
    out, i = [], 0
    for _xi, lam in modes:
        if lam is None:
            out.append((coef[i], 0.0))
            i += 1
        else:
            c, s = coef[i], coef[i + 1]
            out.append((math.hypot(c, s), math.atan2(s, c)))  # c cos + s sin = A cos(kx - theta)
            i += 2
    resid = a @ coef - y * w
    return out, float(resid @ resid)


def _pencil_poles(x, y, orders):
    """Matrix-pencil (Prony-type linear prediction) poles s_k with y ~ sum c_k exp(s_k x),
    one array of poles per model order (a single SVD serves every order)."""
    n = max(40, min(160, x.size))
    xu = np.linspace(x[0], x[-1], n)
    yu = np.interp(xu, x, y)
    dx = xu[1] - xu[0]
    L = n // 3
    hank = np.lib.stride_tricks.sliding_window_view(yu, L + 1)
    _, sv, vt = np.linalg.svd(hank, full_matrices=False)
    out = []
    for order in orders:
        order = min(order, sv.size - 1)
        v = vt[:order].T
        z = np.linalg.eigvals(np.linalg.pinv(v[:-1]) @ v[1:])
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.log(z.astype(complex)) / dx)
    return out


def _candidates(x, y, flags):
    """Starting (xi, lambda) sets: matrix pencil plus envelope/zero-crossing heuristics."""
    span = x[-1] - x[0]
    cands = []
    n_osc = sum(flags)
    order = 2 * n_osc + (len(flags) - n_osc)
    try:
        pole_sets = _pencil_poles(x, y, [order, order + 1, order + 2])
    except np.linalg.LinAlgError:
        pole_sets = []
    for s in pole_sets:
        s = s[np.isfinite(s) & (s.real < 0)]
        osc = sorted(
            {
                (-1 / p.real, 2 * math.pi / abs(p.imag))
                for p in s
                if abs(p.imag) > 1e-9 * abs(p.real)
                and 2 * math.pi / abs(p.imag) > 2 * (x[1] - x[0])
            },
            key=lambda t: -t[0],
        )
        mono = sorted({-1 / p.real for p in s if abs(p.imag) <= 1e-9 * abs(p.real)}, reverse=True)
        want_osc = [f for f in flags if f]
        if len(osc) >= len(want_osc) and len(mono) >= len(flags) - len(want_osc):
            oi, mi, modes = iter(osc), iter(mono), []
            for f in flags:
                modes.append(next(oi) if f else (next(mi), None))
            cands.append(modes)
    # heuristic: envelope slope and zero-crossing spacing
    ay = np.abs(y)
    peaks = np.nonzero((ay[1:-1] >= ay[:-2]) & (ay[1:-1] >= ay[2:]))[0] + 1
    use = peaks if peaks.size >= 3 else np.arange(y.size)
    use = use[ay[use] > 0]
    if use.size >= 2:
        slope = np.polyfit(x[use], np.log(ay[use]), 1)[0]
        xi0 = -1 / slope if slope < 0 else span
    else:
        xi0 = span / 3
    xi0 = float(np.clip(xi0, 0.02 * span, 10 * span))
    zc = np.nonzero(np.sign(y[1:]) * np.sign(y[:-1]) < 0)[0]
    lam0 = 2 * float(np.mean(np.diff(x[zc]))) if zc.size >= 2 else span
    if len(flags) == 1:
        cands.append([(xi0, lam0 if flags[0] else None)])
    else:
        for fast in (0.3, 0.15):
            modes = []
            for j, f in enumerate(flags):
                xi = xi0 if j == 0 else fast * xi0
                modes.append((xi, lam0 if f else None))
            cands.append(modes)
            modes = [
                (xi0 if j == 1 else fast * xi0, lam0 if f else None) for j, f in enumerate(flags)
            ]
            cands.append(modes)
    return cands


def _canonical(values, flags):
    """Reorder modes by decreasing decay length; positive amplitudes for oscillatory modes."""
    modes = []
    for j, osc in enumerate(flags):
        sfx = f"_{j + 1}" if len(flags) > 1 else ""
        a, xi = values[f"amplitude{sfx}"], values[f"decay_length{sfx}"]
        lam = values.get(f"wavelength{sfx}") if osc else None
        th = values.get(f"phase{sfx}", 0.0) if osc else 0.0
        if osc:
            if a < 0:
                a, th = -a, th + math.pi
            th = (th + math.pi) % (2 * math.pi) - math.pi
        modes.append((xi, lam, a, th, osc))
    order = sorted(range(len(modes)), key=lambda i: -modes[i][0])
    return [modes[i] for i in order]


def _params_for(modes, span, dx):
    p = lmfit.Parameters()
    multi = len(modes) > 1
    for j, (xi, lam, a, th, osc) in enumerate(modes):
        sfx = f"_{j + 1}" if multi else ""
        p.add(f"decay_length{sfx}", value=float(xi), min=1e-6 * span, max=1e4 * span)
        if osc:
            p.add(f"wavelength{sfx}", value=float(lam), min=0.5 * dx, max=1e4 * span)
        p.add(f"amplitude{sfx}", value=float(a))
        if osc:
            p.add(f"phase{sfx}", value=float(th))
    return p


def fit_decay(r, values=None, modes=1, oscillatory=True, sigma=None, window=None) -> FitResult:
    """Fit exponentially decaying (optionally oscillating) modes to a tail.

    Parameters
    ----------
    r : array_like or xarray.DataArray
        Distances [m], strictly increasing; or a 1-D DataArray whose coordinate is the
        distance (``units`` attr "m" or "nm"; default m) and whose data are the values.
    values : array_like, optional
        Data at ``r`` (any unit, e.g. r h(r) [m], a PMF [kT]); omit for a DataArray.
    modes : {1, 2}
        Number of decay modes.
    oscillatory : bool or sequence of bool
        Per-mode oscillation flags. ``True`` means damped-oscillatory for ``modes=1`` and
        "one oscillatory plus one monotonic mode" for ``modes=2``; ``False`` gives
        monotonic modes only; ``(True, True)`` two oscillatory modes.
    sigma : float or array_like, optional
        Standard deviations of ``values`` (> 0). With sigma the covariance is absolute;
        without, it is scaled by the reduced chi-square.
    window : (float, float), optional
        (r_min, r_max) [m] of the fitted range. Default: :func:`decay_window` (from
        where |y| has dropped to 0.3 of its maximum to where it reaches 3x the noise).

    Returns
    -------
    FitResult
        ``best_values``/``stderr``: ``decay_length`` [m], ``wavelength`` [m] (NaN for a
        monotonic mode), ``amplitude`` [unit of values], ``phase`` [rad] (0 for a
        monotonic mode); with two modes the suffixes ``_1``/``_2``, mode 1 the
        slowest-decaying. ``extra``: ``window`` [m], ``form``, ``oscillatory`` flags.
        ``aic``/``bic`` compare forms fitted to the same window.

    Notes
    -----
    Model: y(r) = sum_j A_j exp(-r/xi_j) cos(2 pi r/lambda_j - theta_j) (the cosine
    omitted for monotonic modes); fitted by Levenberg–Marquardt in nm with the data scaled
    to O(1). Starting values: matrix-pencil linear prediction (the Prony analysis of
    Baker et al.) on the window resampled to a uniform grid, and an envelope
    (log |y| at the extrema) / zero-crossing estimate; amplitudes and phases of every start
    are solved linearly, and the best of the refined starts is kept. Two modes are
    reported with mode 1 the longer decay length; for oscillatory modes A > 0 and
    theta in (-pi, pi].

    References
    ----------
    M. Newville et al., LMFIT, doi:10.5281/zenodo.11813; T. K. Sarkar and O. Pereira,
    IEEE Antennas Propag. Mag. 37, 48 (1995), doi:10.1109/74.370583 (matrix pencil).
    """
    x_all, y_all, s_all, yunits, yname = _as_data(r, values, sigma)
    modes = check_integer("modes", modes, minimum=1)
    if modes > 2:
        raise ParameterError("modes", "must be 1 or 2", modes)
    if isinstance(oscillatory, (bool, np.bool_)):
        flags = (
            (bool(oscillatory),)
            if modes == 1
            else ((True, False) if oscillatory else (False, False))
        )
    elif isinstance(oscillatory, Sequence) and len(oscillatory) == modes:
        flags = tuple(bool(f) for f in oscillatory)
    else:
        raise ParameterError("oscillatory", f"must be a bool or {modes} bools", oscillatory)
    if window is None:
        lo, hi = decay_window(x_all, y_all, s_all)
    else:
        try:
            lo, hi = (float(v) for v in window)
        except (TypeError, ValueError):
            raise ParameterError("window", "must be (r_min, r_max) in m", window) from None
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            raise ParameterError("window", "needs finite r_min < r_max [m]", window)
        tol = 1e-9 * (x_all[-1] - x_all[0])
        if lo < x_all[0] - tol or hi > x_all[-1] + tol:
            raise ParameterError(
                "window",
                f"must lie inside the data range [{x_all[0]:.4g}, {x_all[-1]:.4g}] m",
                window,
            )
    sel = (x_all >= lo - 1e-12 * abs(lo)) & (x_all <= hi + 1e-12 * abs(hi))
    n_par = sum(4 if f else 2 for f in flags)
    if sel.sum() < n_par + 3:
        raise ParameterError(
            "window", f"contains {int(sel.sum())} points; need at least {n_par + 3}", (lo, hi)
        )
    x_si, y = x_all[sel], y_all[sel]
    s = s_all[sel] if s_all is not None else None
    x = x_si / _NM
    yscale = float(np.max(np.abs(y)))
    if yscale == 0:
        raise ParameterError("values", "are all zero in the window")
    yn = y / yscale
    # residuals in data units (sigma None) or in units of sigma
    w = (yscale / s) if s is not None else np.full_like(yn, yscale)
    span, dx = x[-1] - x[0], float(np.min(np.diff(x)))

    def residual(p):
        return (_model(p, x, flags) - yn) * w

    # rank the starts by their cost with linearly optimal amplitudes; refine the best few
    starts = []
    for cand in _candidates(x, yn, flags):
        if any((not np.isfinite(c[0])) or c[0] <= 0 for c in cand):
            continue
        amps, cost = _linear_amplitudes(x, yn, w, cand)
        starts.append(
            (cost, [(xi, lam, a, th, lam is not None) for (xi, lam), (a, th) in zip(cand, amps)])
        )
    starts.sort(key=lambda t: t[0])
    best = None
    for _, start in starts[:2]:
        params = _params_for(start, span, dx)
        try:
            mini = refine_start(residual, params)
        except ValueError:
            continue
        if best is None or mini.chisqr < best[0]:
            best = (mini.chisqr, mini.params)
    if best is None:
        raise ParameterError("values", "no starting values could be found for the decay fit")
    vals = {k: v.value for k, v in best[1].items()}
    canon = _canonical(vals, flags)
    flags = tuple(m[4] for m in canon)
    params = _params_for(canon, span, dx)
    multi = len(flags) > 1
    scales, units = {}, {}
    for j, osc in enumerate(flags):
        sfx = f"_{j + 1}" if multi else ""
        scales[f"decay_length{sfx}"] = _NM
        units[f"decay_length{sfx}"] = "m"
        scales[f"amplitude{sfx}"] = yscale
        units[f"amplitude{sfx}"] = yunits
        if osc:
            scales[f"wavelength{sfx}"] = _NM
            units[f"wavelength{sfx}"] = "m"
            scales[f"phase{sfx}"] = 1.0
            units[f"phase{sfx}"] = "rad"

    def residual2(p):
        return (_model(p, x, flags) - yn) * w

    result = run_fit(
        residual2,
        params,
        scales=scales,
        units=units,
        x=x_si,
        data=y,
        model_values=lambda p: _model(p, x, flags) * yscale,
        x_name="r",
        x_units="m",
        data_name=yname,
        data_units=yunits,
        method="least squares" + (" (weighted by 1/sigma)" if s is not None else ""),
        scale_covar=s is None,
    )
    # monotonic modes: wavelength NaN and phase 0 (fixed), so every mode has all four keys
    for j, osc in enumerate(flags):
        sfx = f"_{j + 1}" if multi else ""
        if not osc:
            result.best_values[f"wavelength{sfx}"] = math.nan
            result.stderr[f"wavelength{sfx}"] = math.nan
            result.units[f"wavelength{sfx}"] = "m"
            result.best_values[f"phase{sfx}"] = 0.0
            result.stderr[f"phase{sfx}"] = 0.0
            result.units[f"phase{sfx}"] = "rad"
    order = []
    for j in range(len(flags)):
        sfx = f"_{j + 1}" if multi else ""
        order += [f"{k}{sfx}" for k in ("decay_length", "wavelength", "amplitude", "phase")]
    result.best_values = {k: result.best_values[k] for k in order}
    result.stderr = {k: result.stderr[k] for k in order}
    result.units = {k: result.units[k] for k in order}
    form = "+".join("oscillatory" if f else "monotonic" for f in flags)
    result.extra.update(
        {"window": (float(x_si[0]), float(x_si[-1])), "form": form, "oscillatory": flags}
    )
    result.method += f"; form {form}; window {x_si[0]:.4g}-{x_si[-1]:.4g} m"
    return result


def compare_decay_forms(
    r,
    values=None,
    sigma=None,
    window=None,
    forms: Sequence[str] = ("monotonic", "oscillatory", "oscillatory+monotonic"),
    criterion: str = "aic",
):
    """Fit several decay forms to the same window and rank them by AIC.

    Parameters
    ----------
    r, values, sigma : see :func:`fit_decay`.
    window : (float, float), optional
        [m]; default: the automatic window of :func:`decay_window`, computed once and
        used for every form so that the AIC values are comparable.
    forms : sequence of str
        Names from :data:`DECAY_FORMS`.
    criterion : {"aic", "bic"}
        Ranking criterion.

    Returns
    -------
    dict
        form name -> FitResult, ordered by increasing AIC (or BIC), best first.

    Notes
    -----
    An extra oscillatory mode has a free frequency, so on a noisy monotonic tail it can
    lower chi-square by more than the AIC penalty of its four parameters (a look-elsewhere
    effect, like the maximum of a periodogram); AIC then slightly favours the two-mode
    form. BIC (penalty ln n per parameter) is more conservative for such nested
    comparisons. Compare the decay lengths too: a spurious mode has a large stderr or an
    amplitude comparable to the noise.
    """
    check_choice("criterion", criterion, ("aic", "bic"))
    x, y, s, _, _ = _as_data(r, values, sigma)
    if window is None:
        window = decay_window(x, y, s)
    out = {}
    for name in forms:
        if name not in DECAY_FORMS:
            raise ParameterError("forms", f"unknown form {name!r}; valid: {', '.join(DECAY_FORMS)}")
        flags = DECAY_FORMS[name]
        out[name] = fit_decay(x, y, modes=len(flags), oscillatory=flags, sigma=s, window=window)
    return dict(sorted(out.items(), key=lambda kv: getattr(kv[1], criterion)))


# --------------------------------------------------------------------------------------
# screening-length scaling
# --------------------------------------------------------------------------------------
def fit_screening_scaling(
    concentration,
    screening_length,
    sigma=None,
    *,
    electrolyte=None,
    debye_length=None,
    diameter=None,
    concentration_window=None,
    exponent=None,
) -> FitResult:
    """Fit lambda_S / lambda_D = A (sigma_ion / lambda_D)^n.

    Parameters
    ----------
    concentration : array_like
        Salt concentrations [mol/m^3], > 0.
    screening_length : array_like
        Measured or computed screening lengths lambda_S [m], > 0.
    sigma : float or array_like, optional
        Standard deviations of ``screening_length`` [m]. Given: least squares in
        lambda_S weighted by 1/sigma with an absolute covariance. Omitted: least squares in
        ln lambda_S (relative errors), covariance scaled by the reduced chi-square.
    electrolyte : Electrolyte, optional
        Supplies lambda_D(c) (:func:`ionscales.theory.debye_length`) and the default
        diameter (its contact diameter). Either ``electrolyte`` or ``debye_length``.
    debye_length : array_like, optional
        lambda_D at each concentration [m] (overrides the electrolyte's).
    diameter : float, optional
        Ion diameter sigma_ion [m] (default ``electrolyte.contact_diameter``).
    concentration_window : (float, float), optional
        (c_min, c_max) [mol/m^3]: only points with c_min <= c <= c_max are fitted (e.g. the
        concentrated branch). Default: every point.
    exponent : float, optional
        Fix the exponent n [1] (e.g. 3, the experimental value) and fit only the
        prefactor; the exponent is then reported as fixed (stderr 0, not varied).

    Returns
    -------
    FitResult
        ``prefactor`` A [1] and ``exponent`` n [1]; x = concentration, data = lambda_S
        (the points inside the window). ``extra["concentration_window"]`` [mol/m^3],
        ``extra["dilute_points"]``: how many fitted points have sigma/lambda_D < 1.

    Warns
    -----
    ValidityWarning
        When fitted points lie on the dilute branch sigma/lambda_D < 1, where the law (meant
        for the concentrated, underscreening branch) does not apply; restrict them with
        ``concentration_window``.

    Notes
    -----
    The experimental underscreening scaling (Lee, Perez-Martinez, Smith & Perkin, PRL 119,
    026002 (2017), doi:10.1103/PhysRevLett.119.026002) has n close to 3 for
    sigma/lambda_D > 1 (the concentrated branch). Starting values from a straight-line fit
    in log–log form.
    """
    c, ls, s = check_fit_data(
        "concentration", concentration, "screening_length", screening_length, sigma
    )
    if np.any(c <= 0):
        raise ParameterError("concentration", "must be > 0 mol/m^3 for a scaling fit")
    if np.any(ls <= 0):
        raise ParameterError("screening_length", "must be > 0 m")
    window = None
    if concentration_window is not None:
        try:
            lo, hi = (float(v) for v in concentration_window)
        except (TypeError, ValueError):
            raise ParameterError(
                "concentration_window", "must be (c_min, c_max) in mol/m^3", concentration_window
            ) from None
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
            raise ParameterError(
                "concentration_window",
                "needs finite 0 <= c_min < c_max [mol/m^3]",
                concentration_window,
            )
        keep = (c >= lo) & (c <= hi)
        window = (lo, hi)
    else:
        keep = np.ones(c.shape, dtype=bool)
    if exponent is not None:
        exponent = float(as_float_array("exponent", exponent))
        if not math.isfinite(exponent):
            raise ParameterError("exponent", "must be finite", exponent)
    n_free = 1 if exponent is not None else 2
    if keep.sum() < n_free + 1:
        raise ParameterError(
            "concentration_window" if window else "screening_length",
            f"leaves {int(keep.sum())} points; need at least {n_free + 1} for "
            f"{n_free} parameter(s)",
            window if window else c.size,
        )
    if debye_length is not None:
        debye_length = np.broadcast_to(as_float_array("debye_length", debye_length), c.shape)[keep]
    c, ls = c[keep], ls[keep]
    s = s[keep] if s is not None else None
    if debye_length is not None:
        ld = np.broadcast_to(as_float_array("debye_length", debye_length), c.shape).astype(float)
        if np.any(ld <= 0):
            raise ParameterError("debye_length", "must be > 0 m")
    elif isinstance(electrolyte, Electrolyte):
        from ionscales.theory.electrostatics import debye_length as _dl

        ld = np.asarray(_dl(electrolyte, c), dtype=float)
    else:
        raise ParameterError("electrolyte", "give an Electrolyte or debye_length= [m]", electrolyte)
    if diameter is None:
        if not isinstance(electrolyte, Electrolyte):
            raise ParameterError("diameter", "required when no electrolyte is given [m]")
        diameter = electrolyte.contact_diameter
    d = float(as_float_array("diameter", diameter))
    if d <= 0:
        raise ParameterError("diameter", "must be > 0 m", diameter)
    u = np.log(d / ld)
    v = np.log(ls / ld)
    dilute = int(np.sum(u < 0))
    if dilute:
        warnings.warn(
            ValidityWarning(
                f"fit_screening_scaling: {dilute} of {c.size} fitted points are on the dilute branch "
                "sigma/lambda_D < 1 (c below about "
                f"{float(np.max(c[u < 0])) / 1e3:.3g} mol/L), where the underscreening law does not "
                "apply; restrict them with concentration_window"
            ),
            stacklevel=2,
        )
    if exponent is None:
        n0, ln_a0 = np.polyfit(u, v, 1)
    else:
        n0, ln_a0 = exponent, float(np.mean(v - exponent * u))
    p = lmfit.Parameters()
    p.add("prefactor", value=float(np.exp(ln_a0)), min=0)
    p.add("exponent", value=float(n0), vary=exponent is None)
    ld_nm, ls_nm = ld / _NM, ls / _NM

    def model(pp):
        return ld_nm * pp["prefactor"].value * np.exp(pp["exponent"].value * u)

    if s is None:

        def residual(pp):
            return np.log(np.maximum(model(pp), 1e-300)) - np.log(ls_nm)

        method = "least squares in ln(screening_length)"
    else:
        s_nm = s / _NM

        def residual(pp):
            return (model(pp) - ls_nm) / s_nm

        method = "least squares weighted by 1/sigma"
    res = run_fit(
        residual,
        p,
        scales={"prefactor": 1.0, "exponent": 1.0},
        units={"prefactor": "1", "exponent": "1"},
        x=c,
        data=ls,
        model_values=lambda pp: model(pp) * _NM,
        x_name="concentration",
        x_units="mol/m^3",
        data_name="screening_length",
        data_units="m",
        method=method,
        scale_covar=s is None,
    )
    res.extra.update(
        {"debye_length": ld, "diameter": d, "concentration_window": window, "dilute_points": dilute}
    )
    return res
